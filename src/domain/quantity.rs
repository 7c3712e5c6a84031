use std::fmt;

/// How many of one product a basket line holds: 0..=99 (0 only when setting a line, to
/// remove it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i32);

impl Quantity {
    pub const MAX: i32 = 99;

    /// A quantity to add: a whole number from 1 to 99.
    pub fn parse_to_add(text: &str) -> Result<Self, String> {
        Self::parse_between(text, 1)
    }

    /// A quantity to set a line to: a whole number from 0 (remove) to 99.
    pub fn parse_to_set(text: &str) -> Result<Self, String> {
        Self::parse_between(text, 0)
    }

    fn parse_between(text: &str, min: i32) -> Result<Self, String> {
        let message = || {
            format!(
                "quantity must be a whole number from {min} to {}",
                Self::MAX
            )
        };
        let text = text.trim();
        if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(message());
        }
        let value: i32 = text.parse().map_err(|_| message())?;
        if (min..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(message())
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_to_add_is_one_to_ninety_nine() {
        assert_eq!(Quantity::parse_to_add("1").map(Quantity::get), Ok(1));
        assert_eq!(Quantity::parse_to_add(" 99 ").map(Quantity::get), Ok(99));
        for bad in [
            "0",
            "100",
            "-1",
            "",
            "abc",
            "1.5",
            "1e2",
            "+3",
            "99999999999999999999",
            "٣",
        ] {
            assert!(Quantity::parse_to_add(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quantity_to_set_allows_zero() {
        assert_eq!(Quantity::parse_to_set("0").map(Quantity::get), Ok(0));
        assert!(Quantity::parse_to_set("-0").is_err());
    }
}
