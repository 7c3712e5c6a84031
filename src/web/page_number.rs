//! A list's page number, as every paged list (the catalogue, a category, the admin's
//! lists) reads it from the query's `page`.

use super::errors::AppError;

/// A page number from 1. Absent or empty means 1; anything but a whole number from 1 is
/// 400. A number past [`PageNumber::MAX`] (even one too large to count) is still a page
/// number: it is read as `MAX`, a page past the end of any list Trolley serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageNumber(i64);

impl PageNumber {
    pub const MAX: i64 = 1_000_000;
    pub const FIRST: Self = Self(1);

    pub fn parse(text: Option<&str>) -> Result<Self, AppError> {
        let bad = || AppError::BadRequest("page must be a whole number from 1.".into());
        match text.map(str::trim) {
            None | Some("") => Ok(Self::FIRST),
            Some(text) if text.bytes().all(|b| b.is_ascii_digit()) => {
                let number = text.parse::<i64>().unwrap_or(i64::MAX).min(Self::MAX);
                (number >= 1).then_some(Self(number)).ok_or_else(bad)
            }
            Some(_) => Err(bad()),
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// How many items come before this page, at `size` a page.
    pub fn offset(self, size: i64) -> i64 {
        (self.0 - 1).saturating_mul(size)
    }
}

#[cfg(test)]
mod tests {
    use super::PageNumber;

    #[test]
    fn pages_are_whole_numbers_from_one_and_huge_ones_are_past_the_end() {
        let page = |text| PageNumber::parse(text).map(PageNumber::get);
        assert_eq!(page(None).ok(), Some(1));
        assert_eq!(page(Some(" ")).ok(), Some(1));
        assert_eq!(page(Some("7")).ok(), Some(7));
        assert_eq!(
            page(Some("99999999999999999999")).ok(),
            Some(PageNumber::MAX)
        );
        for bad in ["0", "-1", "1.5", "x", "+2"] {
            assert!(page(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            PageNumber::parse(Some("3")).map(|p| p.offset(24)).ok(),
            Some(48)
        );
    }
}
