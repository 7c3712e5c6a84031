use std::fmt;

/// The states an order goes through: placed, then shipped or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    Placed,
    Shipped,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 3] = [Self::Placed, Self::Shipped, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Shipped => "shipped",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The shop's one rule for revenue, wherever it is counted (the orders list's summary
    /// and its chart): an order counts unless it was cancelled.
    pub fn counts_as_revenue(self) -> bool {
        self != Self::Cancelled
    }

    /// [`OrderStatus::counts_as_revenue`] in words, as the pages state it.
    pub const REVENUE_RULE: &'static str =
        "Revenue, here and in the chart, counts placed and shipped orders: cancelled orders are left out.";

    /// The statuses that count as revenue, as stored.
    pub fn revenue_statuses() -> Vec<&'static str> {
        Self::ALL
            .into_iter()
            .filter(|status| status.counts_as_revenue())
            .map(Self::as_str)
            .collect()
    }

    /// The only changes there are: placed → shipped and placed → cancelled.
    pub fn can_become(self, next: OrderStatus) -> bool {
        self == Self::Placed && next != Self::Placed
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status read back from the database, where a CHECK constraint allows only these.
impl TryFrom<String> for OrderStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("unknown order status {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus;

    #[test]
    fn only_placed_orders_change() {
        assert!(OrderStatus::Placed.can_become(OrderStatus::Shipped));
        assert!(OrderStatus::Placed.can_become(OrderStatus::Cancelled));
        assert!(!OrderStatus::Placed.can_become(OrderStatus::Placed));
        assert!(!OrderStatus::Shipped.can_become(OrderStatus::Cancelled));
        assert!(!OrderStatus::Cancelled.can_become(OrderStatus::Shipped));
    }

    #[test]
    fn cancelled_orders_are_not_revenue() {
        assert!(OrderStatus::Placed.counts_as_revenue());
        assert!(OrderStatus::Shipped.counts_as_revenue());
        assert!(!OrderStatus::Cancelled.counts_as_revenue());
        assert_eq!(OrderStatus::revenue_statuses(), ["placed", "shipped"]);
    }

    #[test]
    fn statuses_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("paid"), None);
    }
}
