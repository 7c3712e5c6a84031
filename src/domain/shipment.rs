//! How a shipped order travels: the carrier and its tracking number, both optional, as
//! the admin who ships it types them.

use super::FieldErrors;

/// The carrier and tracking number of a shipment; either may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipment {
    carrier: Option<String>,
    tracking_number: Option<String>,
}

impl Shipment {
    /// The longest carrier or tracking number taken, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Both fields trimmed (empty: left out), each one line of at most
    /// [`Shipment::MAX_CHARS`] characters with no control character; the errors name
    /// each bad field (`carrier`, `tracking_number`).
    pub fn parse(carrier: &str, tracking_number: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let carrier = field(carrier, "carrier", "The carrier", &mut errors);
        let tracking_number = field(
            tracking_number,
            "tracking_number",
            "The tracking number",
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Self {
                carrier,
                tracking_number,
            })
        } else {
            Err(errors)
        }
    }

    pub fn carrier(&self) -> Option<&str> {
        self.carrier.as_deref()
    }

    pub fn tracking_number(&self) -> Option<&str> {
        self.tracking_number.as_deref()
    }
}

fn field(text: &str, name: &'static str, label: &str, errors: &mut FieldErrors) -> Option<String> {
    let text = text.trim();
    if text.chars().count() > Shipment::MAX_CHARS {
        let max = Shipment::MAX_CHARS;
        errors.insert(name, format!("{label} can be at most {max} characters."));
    } else if text.chars().any(char::is_control) {
        errors.insert(
            name,
            format!("{label} must be one line, with no tabs or other control characters."),
        );
    }
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fields_are_optional_and_trimmed() {
        let shipment = Shipment::parse("  Royal Mail ", " AB123456789GB\n").expect("valid");
        assert_eq!(shipment.carrier(), Some("Royal Mail"));
        assert_eq!(shipment.tracking_number(), Some("AB123456789GB"));
        assert_eq!(Shipment::parse("", "   "), Ok(Shipment::default()));
    }

    #[test]
    fn long_or_multi_line_fields_are_refused_by_name() {
        let long = "x".repeat(Shipment::MAX_CHARS + 1);
        let errors = Shipment::parse(&long, "AB\t12").expect_err("invalid");
        assert!(errors["carrier"].contains("at most 100 characters"));
        assert!(errors["tracking_number"].contains("one line"));
        let errors = Shipment::parse("Royal\nMail", "").expect_err("invalid");
        assert!(errors.contains_key("carrier"));
        let longest = "é".repeat(Shipment::MAX_CHARS);
        assert!(
            Shipment::parse(&longest, "").is_ok(),
            "characters, not bytes"
        );
    }
}
