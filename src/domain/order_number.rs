use std::fmt;

/// An order's number as people see and type it: `T000042` for the order with id 42.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderNumber(i64);

impl OrderNumber {
    pub fn from_id(id: i64) -> Self {
        Self(id)
    }

    /// The number an admin typed, in any usual spelling: `42`, `#42`, `T000042`, `t42`.
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.trim().trim_start_matches('#').trim_start();
        let digits = digits
            .strip_prefix('T')
            .or_else(|| digits.strip_prefix('t'))
            .unwrap_or(digits);
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Self)
    }

    /// The id of the order this number names.
    pub fn id(self) -> i64 {
        self.0
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{:06}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderNumber;

    #[test]
    fn order_numbers_parse_in_every_spelling() {
        for text in ["42", "#42", "T000042", "t42", " 42 "] {
            assert_eq!(
                OrderNumber::parse(text).map(OrderNumber::id),
                Some(42),
                "{text:?}"
            );
        }
        for text in ["", "T", "ada", "4 2", "-3"] {
            assert_eq!(OrderNumber::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn order_numbers_show_six_digits() {
        assert_eq!(OrderNumber::from_id(42).to_string(), "T000042");
        assert_eq!(OrderNumber::from_id(1_234_567).to_string(), "T1234567");
    }
}
