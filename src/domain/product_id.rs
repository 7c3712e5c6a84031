/// A product's id as it comes in a form or a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductId(i64);

impl ProductId {
    pub fn parse(text: &str) -> Result<Self, String> {
        let message = || "product_id must be a product number".to_owned();
        let text = text.trim();
        if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(message());
        }
        text.parse().map(Self).map_err(|_| message())
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::ProductId;

    #[test]
    fn product_id_is_a_plain_number() {
        assert_eq!(ProductId::parse("42").map(ProductId::get), Ok(42));
        for bad in ["", "x", "-1", "4 2", "99999999999999999999"] {
            assert!(ProductId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
