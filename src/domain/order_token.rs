use std::fmt;

use uuid::Uuid;

/// The one-time token of a checkout form, and later the name of its receipt. 122 random
/// bits: the receipt URL is unguessable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderToken(Uuid);

impl OrderToken {
    pub fn generate() -> Self {
        Self(Uuid::new_v4())
    }

    /// Only the canonical form (as Trolley writes it) is accepted.
    pub fn parse(text: &str) -> Option<Self> {
        let uuid = Uuid::try_parse(text).ok()?;
        (uuid.hyphenated().to_string() == text).then_some(Self(uuid))
    }
}

impl fmt::Display for OrderToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderToken;

    #[test]
    fn round_trips_and_rejects_other_spellings() {
        let token = OrderToken::generate();
        assert_eq!(OrderToken::parse(&token.to_string()), Some(token));
        assert_eq!(OrderToken::parse(&token.to_string().to_uppercase()), None);
        assert_eq!(OrderToken::parse("not-a-token"), None);
        assert_eq!(OrderToken::parse(""), None);
    }
}
