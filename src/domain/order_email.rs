//! The email an order event sends: its subject and its Message-ID, and the states it goes
//! through in the outbox.

use std::fmt;

use super::{OrderNumber, OrderStatus};

/// The email telling the shopper that order `number` became `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderEmail {
    pub number: OrderNumber,
    pub kind: OrderStatus,
}

impl OrderEmail {
    pub fn new(number: OrderNumber, kind: OrderStatus) -> Self {
        Self { number, kind }
    }

    /// The subject names the order number, so that a shopper can find the email by it.
    pub fn subject(self) -> String {
        let number = self.number;
        match self.kind {
            OrderStatus::Placed => format!("Your Trolley order {number} is placed"),
            OrderStatus::Shipped => format!("Your Trolley order {number} has shipped"),
            OrderStatus::Cancelled => format!("Your Trolley order {number} was cancelled"),
        }
    }

    /// Derived from the event alone (and the sending domain), so that a resend after a
    /// crash between sending and marking it sent carries the same id: mail clients and
    /// servers see it as the same message. An admin's resend is a copy of its own: its
    /// number (`resends`, 0 for the email as first queued) is in the id, so that a mail
    /// system that drops a Message-ID it has seen still delivers the copy.
    pub fn message_id(self, domain: &str, resends: i32) -> String {
        let (number, kind) = (self.number, self.kind);
        match resends {
            0 => format!("<order-{number}-{kind}@{domain}>"),
            copy => format!("<order-{number}-{kind}.{copy}@{domain}>"),
        }
    }
}

/// Where an email is in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailState {
    /// Waiting to be sent, or to be tried again.
    Queued,
    Sent,
    /// Given up after the last attempt; an admin can queue it again.
    Failed,
}

impl EmailState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for EmailState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state read back from the database, where a CHECK constraint allows only these.
impl TryFrom<String> for EmailState {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        [Self::Queued, Self::Sent, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| format!("unknown email state {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_message_id_name_the_order_and_the_event() {
        let email = OrderEmail::new(OrderNumber::from_id(42), OrderStatus::Shipped);
        assert!(email.subject().contains("T000042"));
        assert_eq!(
            email.message_id("shop.example", 0),
            "<order-T000042-shipped@shop.example>"
        );
        assert_eq!(
            email.message_id("shop.example", 2),
            "<order-T000042-shipped.2@shop.example>",
            "the second resend is a copy of its own"
        );
    }

    #[test]
    fn states_round_trip() {
        for state in [EmailState::Queued, EmailState::Sent, EmailState::Failed] {
            assert_eq!(EmailState::try_from(state.to_string()), Ok(state));
        }
        assert!(EmailState::try_from("sending".to_owned()).is_err());
    }
}
