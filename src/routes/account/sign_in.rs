//! Signing a shopper in (after sign-up or login): the guest basket merged into the
//! account's, the session key renewed, and the next page saying what the merge did.

use actix_web::{HttpRequest, HttpResponse};

use super::user_agent;
use crate::db::models::account::Account;
use crate::db::models::basket::{self, MergeReport};
use crate::db::models::unix_now;
use crate::routes::return_to;
use crate::session::{AccountIdentity, AccountSignIn, TypedSession};
use crate::web::{AppError, AppState, Flash};

/// Signs the session in to `account` and answers 303 to `next` (a local path) or
/// /account, with `greeting` and what became of the guest basket.
pub async fn sign_in(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    account: &Account,
    next: Option<&str>,
    greeting: &str,
) -> Result<HttpResponse, AppError> {
    let into = account.basket();
    // Only a guest's basket merges: a session signed in to another account keeps that
    // account's basket with that account.
    let guest = session
        .basket_id()
        .filter(|guest| session.account().is_none() && *guest != into);
    let report = match guest {
        Some(guest) => {
            let (into, until) = (into.clone(), state.session_expiry());
            state
                .db
                .query(move |conn| basket::merge_into(conn, &guest, &into, until))
                .await?
        }
        None => MergeReport::default(),
    };
    let identity = AccountIdentity {
        id: account.id,
        name: account.shown_name().to_owned(),
    };
    session.sign_in_account(&AccountSignIn {
        account: &identity,
        basket: &into,
        user_agent: user_agent(req),
        now: unix_now(),
    })?;
    log::info!("account {} signed in", account.id);
    let next = return_to::local_path(next).unwrap_or_else(|| "/account".to_owned());
    let message = format!("{greeting}{}", merge_message(&report));
    let flash = match report.is_empty() {
        true => Flash::info(message),
        false => Flash::info(message).with_basket_link(),
    };
    Ok(state.redirect_with(&next, &flash))
}

/// What the merge did, in words: what came over, what was capped, what was left out.
pub fn merge_message(report: &MergeReport) -> String {
    let mut message = String::new();
    if !report.merged.is_empty() {
        let lines: Vec<String> = report
            .merged
            .iter()
            .map(|(name, quantity)| format!("{quantity} × {name}"))
            .collect();
        message.push_str(&format!(
            " What you added before signing in is in your basket now: {}.",
            lines.join(", ")
        ));
    }
    for capped in &report.capped {
        if capped.kept <= 0 {
            message.push_str(&format!(
                " {} is out of stock, so none was added.",
                capped.name
            ));
            continue;
        }
        let limit = match capped.by_stock {
            true => format!("we have only {} in stock", capped.kept),
            false => format!("a basket holds at most {} of one product", capped.kept),
        };
        message.push_str(&format!(
            " {}: together that came to {}, but {limit}, so your basket has {}.",
            capped.name, capped.wanted, capped.kept
        ));
    }
    if !report.dropped.is_empty() {
        message.push_str(&format!(
            " No longer on sale, so left out: {}.",
            report.dropped.join(", ")
        ));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::basket::CappedLine;

    #[test]
    fn the_message_names_what_was_merged_capped_and_dropped() {
        let report = MergeReport {
            merged: vec![("Teapot".into(), 2), ("Mug".into(), 1)],
            capped: vec![CappedLine {
                name: "Teapot".into(),
                wanted: 5,
                kept: 3,
                by_stock: true,
            }],
            dropped: vec!["Old lamp".into()],
        };
        let message = merge_message(&report);
        assert!(message.contains("2 × Teapot, 1 × Mug"), "{message}");
        assert!(message.contains("Teapot: together that came to 5, but we have only 3 in stock, so your basket has 3."), "{message}");
        assert!(message.contains("left out: Old lamp."), "{message}");
        assert_eq!(merge_message(&MergeReport::default()), "");
    }
}
