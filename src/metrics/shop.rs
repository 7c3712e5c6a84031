//! What the shop did: checkouts placed, refused (by reason) and replayed; emails sent,
//! attempts that failed, and emails given up on.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

use crate::db::models::order::Placement;

/// Why a checkout placed no order.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Refusal {
    /// Not enough stock for a line.
    Stock,
    /// The basket changed since the form was shown.
    BasketChanged,
    /// A product was taken off sale.
    Inactive,
    /// The basket was empty by the time the order was placed.
    EmptyBasket,
}

impl Refusal {
    const ALL: [Self; 4] = [
        Self::Stock,
        Self::BasketChanged,
        Self::Inactive,
        Self::EmptyBasket,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Stock => "stock",
            Self::BasketChanged => "basket_changed",
            Self::Inactive => "inactive",
            Self::EmptyBasket => "empty_basket",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone)]
pub struct CheckoutMetrics {
    placed: Counter,
    refused: Family<ReasonLabel, Counter>,
    replayed: Counter,
}

impl CheckoutMetrics {
    pub(super) fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            placed: Counter::default(),
            refused: Family::default(),
            replayed: Counter::default(),
        };
        registry.register(
            "trolley_checkouts_placed",
            "Orders placed",
            metrics.placed.clone(),
        );
        registry.register(
            "trolley_checkouts_refused",
            "Checkouts that placed no order, by reason: stock, basket_changed, inactive, \
             empty_basket",
            metrics.refused.clone(),
        );
        registry.register(
            "trolley_checkouts_replayed",
            "Checkouts answered with the order their token placed already (the back button, \
             a double click)",
            metrics.replayed.clone(),
        );
        // Every reason from the start, so that a rate over them is 0, not absent.
        for reason in Refusal::ALL {
            let label = ReasonLabel {
                reason: reason.label(),
            };
            drop(metrics.refused.get_or_create(&label));
        }
        metrics
    }

    /// Counts the outcome of the placing transaction.
    pub fn outcome(&self, placement: &Placement) {
        match placement {
            Placement::Placed => {
                self.placed.inc();
            }
            Placement::AlreadyPlaced => self.replayed(),
            Placement::BasketChanged => self.refused(Refusal::BasketChanged),
            Placement::EmptyBasket => self.refused(Refusal::EmptyBasket),
            Placement::OutOfStock(_) => self.refused(Refusal::Stock),
            Placement::Unavailable { .. } => self.refused(Refusal::Inactive),
        }
    }

    /// A form whose order exists already, answered before any other check.
    pub fn replayed(&self) {
        self.replayed.inc();
    }

    pub fn refused(&self, reason: Refusal) {
        let label = ReasonLabel {
            reason: reason.label(),
        };
        self.refused.get_or_create(&label).inc();
    }
}

#[derive(Clone, Default)]
pub struct EmailMetrics {
    sent: Counter,
    attempts_failed: Counter,
    failed: Counter,
}

impl EmailMetrics {
    pub(super) fn register(registry: &mut Registry) -> Self {
        let metrics = Self::default();
        registry.register(
            "trolley_emails_sent",
            "Emails this instance handed to the SMTP server",
            metrics.sent.clone(),
        );
        registry.register(
            "trolley_email_attempts_failed",
            "Attempts to send an email that failed (to be tried again or not)",
            metrics.attempts_failed.clone(),
        );
        registry.register(
            "trolley_emails_failed",
            "Emails given up on: marked failed after their last attempt",
            metrics.failed.clone(),
        );
        metrics
    }

    pub fn sent(&self) {
        self.sent.inc();
    }

    /// An attempt failed; `for_good`: the email is marked failed.
    pub fn attempt_failed(&self, for_good: bool) {
        self.attempts_failed.inc();
        if for_good {
            self.failed.inc();
        }
    }
}
