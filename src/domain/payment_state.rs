//! How an order is paid for: the shop's way of taking payment ([`PaymentMode`]) and where
//! each order's payment is ([`PaymentState`]).

use std::fmt;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};

/// `TROLLEY_PAYMENTS`: how the shop takes payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentMode {
    /// No payment step: pay on delivery or collection, as before payments existed.
    None,
    /// Bank transfer: the shopper pays with the order number as the reference, and an
    /// admin records the payment.
    Manual,
    /// Stripe Checkout, the hosted payment page.
    Stripe,
}

impl PaymentMode {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "manual" => Some(Self::Manual),
            "stripe" => Some(Self::Stripe),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Manual => "manual",
            Self::Stripe => "stripe",
        }
    }

    /// The payment state an order placed in this mode starts in.
    pub fn initial_state(self) -> PaymentState {
        match self {
            Self::None => PaymentState::NotRequired,
            Self::Manual | Self::Stripe => PaymentState::Awaiting,
        }
    }
}

/// The payment an order is placed with: its first state and, when it awaits payment, the
/// moment the shop cancels it if none has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderPayment {
    pub state: PaymentState,
    pub due_at: Option<NaiveDateTime>,
}

impl OrderPayment {
    /// The payment of an order placed at `placed_at` in `mode`, due `deadline` later.
    pub fn at_placing(mode: PaymentMode, placed_at: NaiveDateTime, deadline: Duration) -> Self {
        let state = mode.initial_state();
        let due_at = (state == PaymentState::Awaiting)
            .then(|| TimeDelta::from_std(deadline).ok())
            .flatten()
            .and_then(|deadline| placed_at.checked_add_signed(deadline));
        Self { state, due_at }
    }
}

/// Where an order's payment is. Orders keep their status (placed, shipped, cancelled)
/// beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Placed with no payment step (`TROLLEY_PAYMENTS=none`).
    NotRequired,
    Awaiting,
    Paid,
    /// No payment came by the deadline, or the order was cancelled before one did.
    Expired,
    Refunded,
}

impl PaymentState {
    pub const ALL: [PaymentState; 5] = [
        Self::NotRequired,
        Self::Awaiting,
        Self::Paid,
        Self::Expired,
        Self::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRequired => "not_required",
            Self::Awaiting => "awaiting",
            Self::Paid => "paid",
            Self::Expired => "expired",
            Self::Refunded => "refunded",
        }
    }

    /// How people read it ("awaiting payment").
    pub fn label(self) -> &'static str {
        match self {
            Self::NotRequired => "no payment step",
            Self::Awaiting => "awaiting payment",
            Self::Paid => "paid",
            Self::Expired => "payment expired",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether an order in this state may be shipped: only a paid one, or one that needs
    /// no payment.
    pub fn allows_shipping(self) -> bool {
        matches!(self, Self::Paid | Self::NotRequired)
    }
}

impl fmt::Display for PaymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state read back from the database, where a CHECK constraint allows only these.
impl TryFrom<String> for PaymentState {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("unknown payment state {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for state in PaymentState::ALL {
            assert_eq!(PaymentState::try_from(state.to_string()), Ok(state));
        }
        assert!(PaymentState::try_from("pending".to_owned()).is_err());
    }

    #[test]
    fn only_paid_or_not_required_orders_ship() {
        let shippable: Vec<PaymentState> = PaymentState::ALL
            .into_iter()
            .filter(|state| state.allows_shipping())
            .collect();
        assert_eq!(shippable, [PaymentState::NotRequired, PaymentState::Paid]);
    }

    #[test]
    fn orders_await_payment_only_when_the_shop_takes_it() {
        assert_eq!(PaymentMode::None.initial_state(), PaymentState::NotRequired);
        assert_eq!(PaymentMode::Manual.initial_state(), PaymentState::Awaiting);
        assert_eq!(PaymentMode::Stripe.initial_state(), PaymentState::Awaiting);
        assert_eq!(PaymentMode::parse(" Manual "), Some(PaymentMode::Manual));
        assert_eq!(PaymentMode::parse("paypal"), None);
    }

    #[test]
    fn an_order_awaiting_payment_is_due_a_deadline_later() {
        let placed_at = chrono::DateTime::from_timestamp(1_000_000, 0)
            .map(|at| at.naive_utc())
            .unwrap_or_default();
        let hour = Duration::from_secs(3_600);
        let manual = OrderPayment::at_placing(PaymentMode::Manual, placed_at, hour);
        assert_eq!(manual.state, PaymentState::Awaiting);
        assert_eq!(manual.due_at, Some(placed_at + TimeDelta::hours(1)));
        let none = OrderPayment::at_placing(PaymentMode::None, placed_at, hour);
        assert_eq!(
            none,
            OrderPayment {
                state: PaymentState::NotRequired,
                due_at: None
            }
        );
    }
}
