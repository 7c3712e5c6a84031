//! Stock as an admin types it: a level for a new product, a signed change afterwards.

/// The most a product can have in stock.
pub const MAX_STOCK: i32 = 1_000_000;

fn whole_number(digits: &str) -> Option<i32> {
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A stock level: a whole number from 0 to 1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockLevel(i32);

impl StockLevel {
    pub fn parse(text: &str) -> Result<Self, String> {
        whole_number(text.trim())
            .filter(|n| *n <= MAX_STOCK)
            .map(Self)
            .ok_or_else(|| format!("Enter the stock as a whole number from 0 to {MAX_STOCK}."))
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A change to a product's stock: a signed whole number such as `+10` or `-3`, not zero,
/// at most 1,000,000 either way. It is added to the stock as it is then, so a restock
/// never overwrites a sale made while the form was open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockChange(i32);

impl StockChange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (sign, digits) = match text.as_bytes().first() {
            Some(b'+') => (1, &text[1..]),
            Some(b'-') => (-1, &text[1..]),
            _ => (1, text),
        };
        whole_number(digits)
            .filter(|n| (1..=MAX_STOCK).contains(n))
            .map(|n| Self(sign * n))
            .ok_or_else(|| {
                format!("Enter a change such as +10 or -3: a whole number from -{MAX_STOCK} to +{MAX_STOCK}, not 0.")
            })
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl std::fmt::Display for StockChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:+}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_changes_are_signed_whole_numbers_other_than_zero() {
        assert_eq!(StockChange::parse("+10").map(StockChange::get), Ok(10));
        assert_eq!(StockChange::parse(" -3 ").map(StockChange::get), Ok(-3));
        assert_eq!(StockChange::parse("7").map(StockChange::get), Ok(7));
        for junk in [
            "",
            "+",
            "0",
            "-0",
            "1.5",
            "ten",
            "++1",
            "+1000001",
            "99999999999",
            "+ 1",
        ] {
            assert!(StockChange::parse(junk).is_err(), "{junk:?}");
        }
    }

    #[test]
    fn stock_levels_are_from_0_to_a_million() {
        assert_eq!(StockLevel::parse("0").map(StockLevel::get), Ok(0));
        assert_eq!(
            StockLevel::parse("1000000").map(StockLevel::get),
            Ok(1_000_000)
        );
        for junk in ["-1", "1000001", "", "x", "1e3"] {
            assert!(StockLevel::parse(junk).is_err(), "{junk:?}");
        }
    }
}
