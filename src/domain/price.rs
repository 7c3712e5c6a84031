//! A price as an admin types it, in pounds: `12.50`, `12.5`, `12` or `£12.50`.

use super::Money;

/// The highest price accepted: £1,000,000.00.
const MAX_PENCE: i64 = 100_000_000;

/// Parses pounds into pence. Refused: negative or non-numeric amounts, more than two
/// decimals, more than £1,000,000.
pub fn parse_pounds(text: &str) -> Result<Money, String> {
    let message = || {
        "Enter a price in pounds, such as 12.50: not negative, at most two decimals, at most £1,000,000.".to_owned()
    };
    let text = text.trim();
    let text = text.strip_prefix('£').unwrap_or(text);
    let (pounds, pence) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if pounds.is_empty() || pounds.len() > 7 || !digits(pounds) || !digits(pence) || pence.len() > 2
    {
        return Err(message());
    }
    if text.ends_with('.') {
        return Err(message());
    }
    let pounds: i64 = pounds.parse().map_err(|_| message())?;
    let pence: i64 = match pence.len() {
        0 => 0,
        1 => pence.parse::<i64>().map_err(|_| message())? * 10,
        _ => pence.parse().map_err(|_| message())?,
    };
    let total = pounds * 100 + pence;
    if total > MAX_PENCE {
        return Err(message());
    }
    Ok(Money::from_pence(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_pounds_become_pence() {
        assert_eq!(parse_pounds("12.50"), Ok(Money::from_pence(1250)));
        assert_eq!(parse_pounds("12.5"), Ok(Money::from_pence(1250)));
        assert_eq!(parse_pounds(" £3 "), Ok(Money::from_pence(300)));
        assert_eq!(parse_pounds("0.05"), Ok(Money::from_pence(5)));
        assert_eq!(parse_pounds("1000000"), Ok(Money::from_pence(100_000_000)));
    }

    #[test]
    fn negative_non_numeric_and_over_precise_prices_are_refused() {
        for junk in [
            "-1",
            "-0.50",
            "abc",
            "",
            "12.505",
            "1.",
            ".5",
            "1,000",
            "1e3",
            "1000000.01",
            "NaN",
        ] {
            assert!(parse_pounds(junk).is_err(), "{junk:?}");
        }
    }
}
