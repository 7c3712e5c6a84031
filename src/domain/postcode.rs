//! The shop's country (`TROLLEY_COUNTRY`) and its postcodes: a delivery address must hold
//! one, so that an address of "x" is not taken for an order that can never arrive.
//!
//! Each country's postcodes are given as shapes: `A` a letter, `9` a digit, `X` either,
//! and a space that may be typed or left out. An address holds a postcode when some word
//! run of it has one of the shapes, with no letter or digit touching either end.

/// A country Trolley knows the postcodes of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    code: &'static str,
    /// What the country calls a postcode, as a sentence says it ("postcode", "ZIP code").
    term: &'static str,
    /// An example, for the hint beside the field.
    example: &'static str,
    shapes: &'static [&'static str],
}

const GB_SHAPES: &[&str] = &[
    "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA",
];

const COUNTRIES: &[Country] = &[
    Country::new("GB", "postcode", "SW1A 1AA", GB_SHAPES),
    Country::new("IE", "Eircode", "D02 X285", &["A99 XXXX", "A9W XXXX"]),
    Country::new("US", "ZIP code", "20500", &["99999", "99999-9999"]),
    Country::new("CA", "postal code", "K1A 0B1", &["A9A 9A9"]),
    Country::new("AU", "postcode", "2600", &["9999"]),
    Country::new("NZ", "postcode", "6011", &["9999"]),
    Country::new("DE", "postcode", "10117", &["99999"]),
    Country::new("FR", "postcode", "75008", &["99999"]),
    Country::new("ES", "postcode", "28013", &["99999"]),
    Country::new("IT", "postcode", "00187", &["99999"]),
    Country::new("NL", "postcode", "1012 JS", &["9999 AA"]),
    Country::new("BE", "postcode", "1000", &["9999"]),
    Country::new("SE", "postcode", "111 29", &["999 99"]),
];

impl Country {
    const fn new(
        code: &'static str,
        term: &'static str,
        example: &'static str,
        shapes: &'static [&'static str],
    ) -> Self {
        Self {
            code,
            term,
            example,
            shapes,
        }
    }

    /// The shop's country when `TROLLEY_COUNTRY` is unset.
    pub fn default_country() -> Self {
        COUNTRIES[0]
    }

    /// A country by its ISO 3166-1 alpha-2 code (any case); `None` for one Trolley does
    /// not know the postcodes of.
    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        COUNTRIES
            .iter()
            .find(|country| country.code.eq_ignore_ascii_case(code))
            .copied()
    }

    /// The codes Trolley knows, for the message naming them.
    pub fn known_codes() -> String {
        let codes: Vec<&str> = COUNTRIES.iter().map(|country| country.code).collect();
        codes.join(", ")
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The hint beside the address field: "Include the postcode, for example SW1A 1AA."
    pub fn hint(&self) -> String {
        format!("Include the {}, for example {}.", self.term, self.example)
    }

    /// The message for an address without one.
    pub fn missing(&self) -> String {
        format!(
            "Please include the {} in the address, for example {}.",
            self.term, self.example
        )
    }

    /// Whether `address` holds a postcode of this country.
    pub fn has_postcode(&self, address: &str) -> bool {
        let chars: Vec<char> = address.chars().map(|c| c.to_ascii_uppercase()).collect();
        (0..chars.len()).any(|start| {
            let before_ok = start == 0 || !chars[start - 1].is_alphanumeric();
            before_ok
                && self
                    .shapes
                    .iter()
                    .any(|shape| shape_at(shape, &chars[start..]))
        })
    }
}

/// Whether `text` starts with `shape` (a space in it optional) and no letter or digit
/// follows.
fn shape_at(shape: &str, text: &[char]) -> bool {
    let mut at = 0;
    for wanted in shape.chars() {
        let got = text.get(at).copied();
        let fits = match (wanted, got) {
            (' ', Some(' ')) => true,
            (' ', _) => continue,
            ('A', Some(c)) => c.is_ascii_alphabetic(),
            ('9', Some(c)) => c.is_ascii_digit(),
            ('X', Some(c)) => c.is_ascii_alphanumeric(),
            (literal, Some(c)) => c == literal,
            (_, None) => false,
        };
        if !fits {
            return false;
        }
        at += 1;
    }
    text.get(at).is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> Country {
        Country::default_country()
    }

    #[test]
    fn british_postcodes_are_found_with_or_without_their_space_in_any_case() {
        for address in [
            "10 Downing Street\nLondon\nSW1A 2AA",
            "1 High St, Leeds LS1 1AA",
            "Flat 2, 5 Hill Road, Manchester m1 1ae",
            "Croydon CR01AA",
            "B33 8TH",
            "W1A 0AX, London",
        ] {
            assert!(gb().has_postcode(address), "{address}");
        }
    }

    #[test]
    fn an_address_without_a_postcode_or_with_one_run_into_other_letters_has_none() {
        for address in [
            "x",
            "London",
            "12 St James's Square\nLondon",
            "XSW1A 1AA",
            "SW1A 1AAB",
            "",
        ] {
            assert!(!gb().has_postcode(address), "{address}");
        }
    }

    #[test]
    fn other_countries_have_their_own_shapes() {
        let us = Country::from_code("us").expect("known");
        assert!(us.has_postcode("1600 Pennsylvania Ave NW, Washington, DC 20500"));
        assert!(us.has_postcode("Somewhere 12345-6789"));
        assert!(!us.has_postcode("Somewhere 1234"));
        let nl = Country::from_code("NL").expect("known");
        assert!(nl.has_postcode("Dam 1, 1012JS Amsterdam"));
        assert!(!nl.has_postcode("Dam 1, Amsterdam"));
        let ie = Country::from_code("IE").expect("known");
        assert!(ie.has_postcode("1 Main Street, Dublin D02 X285"));
        assert!(ie.has_postcode("1 Main Street, Dublin D6W XY12"));
    }

    #[test]
    fn unknown_codes_are_refused_and_the_hint_names_the_term() {
        assert_eq!(Country::from_code("XX"), None);
        assert_eq!(gb().code(), "GB");
        assert_eq!(gb().hint(), "Include the postcode, for example SW1A 1AA.");
        assert!(Country::known_codes().starts_with("GB, IE"));
    }
}
