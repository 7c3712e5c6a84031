use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use serde::Serialize;

/// An amount in pence, shown as `£12.50`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    pub const fn from_pence(pence: i64) -> Self {
        Self(pence)
    }

    pub const fn pence(self) -> i64 {
        self.0
    }

    /// The price of `quantity` items. Saturates rather than wraps: prices and quantities
    /// are bounded far below where this matters.
    pub fn times(self, quantity: i32) -> Self {
        Self(self.0.saturating_mul(i64::from(quantity)))
    }

    /// Pounds and pence as a plain decimal, `1234.50`: what a spreadsheet reads as a
    /// number (the CSV export), with no currency sign or grouping.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let pence = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", pence / 100, pence % 100)
    }
}

impl Add for Money {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let pence = self.0.unsigned_abs();
        let pounds = pence / 100;
        let mut grouped = String::new();
        let digits = pounds.to_string();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}£{grouped}.{:02}", pence % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn shows_pounds_and_pence() {
        assert_eq!(Money::from_pence(1250).to_string(), "£12.50");
        assert_eq!(Money::from_pence(5).to_string(), "£0.05");
        assert_eq!(Money::from_pence(0).to_string(), "£0.00");
        assert_eq!(Money::from_pence(123_456_789).to_string(), "£1,234,567.89");
        assert_eq!(Money::from_pence(-250).to_string(), "-£2.50");
    }

    #[test]
    fn decimal_has_no_sign_or_grouping() {
        assert_eq!(Money::from_pence(123_450).decimal(), "1234.50");
        assert_eq!(Money::from_pence(5).decimal(), "0.05");
        assert_eq!(Money::from_pence(-250).decimal(), "-2.50");
    }

    #[test]
    fn multiplies_and_sums() {
        let total: Money = [Money::from_pence(250).times(3), Money::from_pence(99)]
            .into_iter()
            .sum();
        assert_eq!(total, Money::from_pence(849));
    }
}
