//! What a shopper types to make or use an account: an email (kept in lower case), a
//! password, and an optional name.

use super::{CustomerEmail, CustomerName, FieldErrors};

/// A new password: 10 to 1024 characters, anything typeable.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(text: &str) -> Result<Self, String> {
        let chars = text.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(format!(
                "Please choose a password of at least {} characters.",
                Self::MIN_CHARS
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(format!(
                "A password can be at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An account's email: a valid address, in lower case, so that `Jo@Example.com` and
/// `jo@example.com` are one account.
pub fn account_email(text: &str) -> Result<String, String> {
    CustomerEmail::parse(text).map(|email| email.as_str().to_lowercase())
}

/// An account's name: optional, else as a checkout's name.
pub fn account_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    CustomerName::parse(text).map(|name| name.as_str().to_owned())
}

/// The sign-up form, valid.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub email: String,
    pub name: String,
    pub password: NewPassword,
}

impl SignUp {
    /// Parses every field, collecting every message rather than stopping at the first.
    pub fn parse(email: &str, name: &str, password: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = account_email(email)
            .map_err(|e| errors.insert("email", e))
            .ok();
        let name = account_name(name)
            .map_err(|e| errors.insert("name", e))
            .ok();
        let password = NewPassword::parse(password)
            .map_err(|e| errors.insert("password", e))
            .ok();
        match (email, name, password) {
            (Some(email), Some(name), Some(password)) => Ok(Self {
                email,
                name,
                password,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_one_account_whatever_their_case() {
        assert_eq!(
            account_email(" Jo@Example.COM ").as_deref(),
            Ok("jo@example.com")
        );
        assert!(account_email("not an email").is_err());
    }

    #[test]
    fn passwords_are_ten_to_1024_characters() {
        assert!(NewPassword::parse("123456789").is_err());
        assert!(NewPassword::parse("1234567890").is_ok());
        assert!(NewPassword::parse(&"é".repeat(1024)).is_ok());
        assert!(NewPassword::parse(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn a_sign_up_names_every_bad_field_and_the_name_is_optional() {
        let errors = SignUp::parse("nope", "", "short").expect_err("bad");
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["email", "password"]
        );
        let ok = SignUp::parse("a@b.co", "", "long enough password").expect("ok");
        assert_eq!(ok.name, "");
        assert!(format!("{:?}", ok.password).contains('…'), "never printed");
    }
}
