//! What an outbox email is about: an order's event, or an account's password reset.

use std::fmt;

use super::OrderStatus;

/// The `kind` of an outbox row: the order event it tells of, or a password reset link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    Order(OrderStatus),
    Reset,
}

impl EmailKind {
    const RESET: &'static str = "reset";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Order(status) => status.as_str(),
            Self::Reset => Self::RESET,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            Self::RESET => Some(Self::Reset),
            text => OrderStatus::parse(text).map(Self::Order),
        }
    }

    /// The order event it tells of; `None` for an account's email.
    pub fn order_status(self) -> Option<OrderStatus> {
        match self {
            Self::Order(status) => Some(status),
            Self::Reset => None,
        }
    }
}

impl fmt::Display for EmailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind read back from the database, where a CHECK constraint allows only these.
impl TryFrom<String> for EmailKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("unknown email kind {text:?}"))
    }
}

/// The email carrying a link to choose a new password, queued as outbox row `outbox_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetEmail {
    pub outbox_id: i64,
}

impl ResetEmail {
    pub const SUBJECT: &'static str = "Reset your Trolley password";

    /// Derived from the outbox row, so that a resend after a crash between sending and
    /// marking it sent carries the same id. (Each request for a link is a row of its own,
    /// and a message of its own.)
    pub fn message_id(self, domain: &str) -> String {
        format!("<reset-{}@{domain}>", self.outbox_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        let kinds = OrderStatus::ALL.map(EmailKind::Order);
        for kind in kinds.into_iter().chain([EmailKind::Reset]) {
            assert_eq!(EmailKind::try_from(kind.to_string()), Ok(kind));
        }
        assert_eq!(EmailKind::parse("reset"), Some(EmailKind::Reset));
        assert_eq!(
            EmailKind::parse("shipped"),
            Some(EmailKind::Order(OrderStatus::Shipped))
        );
        assert!(EmailKind::try_from("welcome".to_owned()).is_err());
    }

    #[test]
    fn a_reset_emails_message_id_names_its_row() {
        let email = ResetEmail { outbox_id: 7 };
        assert_eq!(email.message_id("shop.example"), "<reset-7@shop.example>");
    }
}
