//! The customer details typed at checkout.

use std::collections::BTreeMap;

use super::Country;

/// Messages per field name, shown next to the fields of a form typed again.
pub type FieldErrors = BTreeMap<&'static str, String>;

fn has_control_chars(text: &str, allow_newlines: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerName(String);

impl CustomerName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("Please enter your name.".into());
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Your name can be at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        if has_control_chars(text, false) {
            return Err("Your name contains characters that cannot be printed.".into());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerEmail(String);

impl CustomerEmail {
    pub const MAX_CHARS: usize = 254;

    /// A pragmatic check: one `@`, something before it, a dotted domain after it, no
    /// spaces, and an address the mail library that sends the order emails accepts (so
    /// no order is taken whose email could never leave). Whether the mailbox exists is
    /// for the mail server to say.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let invalid = || "Please enter an email address such as jo@example.com.".to_owned();
        if text.is_empty() {
            return Err("Please enter your email address.".into());
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "An email address can be at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty()
            || !domain_ok
            || text.chars().any(|c| c.is_whitespace() || c.is_control())
            || text.parse::<lettre::Address>().is_err()
        {
            return Err(invalid());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAddress(String);

impl CustomerAddress {
    pub const MAX_CHARS: usize = 500;

    /// An address within the length, printable, holding a postcode of `country`.
    pub fn parse(text: &str, country: Country) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("Please enter the delivery address.".into());
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "The address can be at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        if has_control_chars(text, true) {
            return Err("The address contains characters that cannot be printed.".into());
        }
        if !country.has_postcode(text) {
            return Err(country.missing());
        }
        Ok(Self(text.replace("\r\n", "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Everything the checkout form asks for, valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetails {
    pub name: CustomerName,
    pub email: CustomerEmail,
    pub address: CustomerAddress,
}

impl CustomerDetails {
    /// Parses all three fields, collecting every message rather than stopping at the first;
    /// the address must hold a postcode of the shop's `country`.
    pub fn parse(
        name: &str,
        email: &str,
        address: &str,
        country: Country,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = CustomerName::parse(name)
            .map_err(|e| errors.insert("name", e))
            .ok();
        let email = CustomerEmail::parse(email)
            .map_err(|e| errors.insert("email", e))
            .ok();
        let address = CustomerAddress::parse(address, country)
            .map_err(|e| errors.insert("address", e))
            .ok();
        match (name, email, address) {
            (Some(name), Some(email), Some(address)) => Ok(Self {
                name,
                email,
                address,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> Country {
        Country::default_country()
    }

    #[test]
    fn accepts_ordinary_details() {
        let details = CustomerDetails::parse(
            " Zoë Ünal ",
            "zoe@example.co.uk",
            "1 High St\r\nLeeds LS1 1AA",
            gb(),
        )
        .expect("valid");
        assert_eq!(details.name.as_str(), "Zoë Ünal");
        assert_eq!(details.address.as_str(), "1 High St\nLeeds LS1 1AA");
    }

    #[test]
    fn collects_a_message_per_bad_field() {
        let errors = CustomerDetails::parse("", "nope", "", gb()).expect_err("invalid");
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn an_address_without_the_countrys_postcode_is_refused_saying_what_to_add() {
        let error = CustomerAddress::parse("x", gb()).expect_err("no postcode");
        assert_eq!(
            error,
            "Please include the postcode in the address, for example SW1A 1AA."
        );
        let us = Country::from_code("US").expect("known");
        assert!(CustomerAddress::parse("1 Main St, Springfield LS1 1AA", us).is_err());
        assert!(CustomerAddress::parse("1 Main St, Springfield 62701", us).is_ok());
    }

    #[test]
    fn rejects_bad_emails() {
        for bad in [
            "",
            "a",
            "a@b",
            "@b.com",
            "a@.com",
            "a@b.",
            "a b@c.com",
            "a@b..com",
            "a@b@c.com",
            "a,b@x.y",
            "<a@x.y>",
            "a(b)@x.y",
            "\"a b\"@x.y",
        ] {
            assert!(CustomerEmail::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn accepts_what_people_type() {
        for good in [
            "jo@example.com",
            "jo.smith+shop@mail.example.co.uk",
            "o'neil@x.ie",
        ] {
            assert!(CustomerEmail::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn rejects_overlong_and_control_characters() {
        assert!(CustomerName::parse(&"x".repeat(101)).is_err());
        assert!(CustomerName::parse("a\u{0}b").is_err());
        assert!(CustomerAddress::parse(&"x".repeat(501), gb()).is_err());
    }
}
