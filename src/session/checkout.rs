//! What a shopper's session keeps of the checkout between requests: the details typed
//! into a refused checkout, until an order is placed, and a refused checkout's answer for
//! the page its redirect leads to (post/redirect/get, so that Back never re-posts it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TypedSession;
use crate::web::AppError;

const CHECKOUT_DRAFT: &str = "checkout_draft";
const CHECKOUT_REFUSAL: &str = "checkout_refusal";

/// The checkout form's fields as the shopper typed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutDraft {
    pub name: String,
    pub email: String,
    pub address: String,
}

/// A refused checkout, to be shown once by the checkout page it redirects to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckoutRefusal {
    /// 422 (the details) or 409 (the basket): the page's status when it is shown.
    pub status: u16,
    /// The fields' messages.
    pub errors: BTreeMap<String, String>,
    /// The message at the top of the page (why nothing was ordered).
    pub message: Option<String>,
}

impl TypedSession {
    /// The details typed into the last refused checkout, if no order was placed since.
    pub fn checkout_draft(&self) -> Option<CheckoutDraft> {
        self.get(CHECKOUT_DRAFT)
    }

    /// Keeps what was typed into a refused checkout (a write only when it differs).
    pub fn keep_checkout_draft(&self, draft: &CheckoutDraft) -> Result<(), AppError> {
        if self.checkout_draft().as_ref() == Some(draft) {
            return Ok(());
        }
        self.insert(CHECKOUT_DRAFT, draft)
    }

    /// Keeps a refused checkout's answer for the next checkout page.
    pub fn keep_checkout_refusal(&self, refusal: &CheckoutRefusal) -> Result<(), AppError> {
        self.insert(CHECKOUT_REFUSAL, refusal)
    }

    /// The refused checkout's answer, once: taking it removes it.
    pub fn take_checkout_refusal(&self) -> Option<CheckoutRefusal> {
        let refusal = self.get(CHECKOUT_REFUSAL)?;
        self.session.remove(CHECKOUT_REFUSAL);
        Some(refusal)
    }

    /// Forgets the checkout's draft and refusal: an order was placed.
    pub(super) fn forget_checkout(&self) {
        self.session.remove(CHECKOUT_DRAFT);
        self.session.remove(CHECKOUT_REFUSAL);
    }
}
