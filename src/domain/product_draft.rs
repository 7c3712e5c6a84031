//! A product as an admin's form describes it.

use super::price::parse_pounds;
use super::stock::StockLevel;
use super::{FieldErrors, Money};

const MAX_NAME_CHARS: usize = 120;
const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// The fields of a product an admin edits (the stock changes only by [`super::StockChange`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    pub name: String,
    pub description: String,
    pub price: Money,
    pub active: bool,
}

impl ProductDraft {
    /// Every field checked; the errors name each bad field.
    pub fn parse(
        name: &str,
        description: &str,
        price: &str,
        active: bool,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            errors.insert(
                "name",
                format!("Enter a name of 1 to {MAX_NAME_CHARS} characters."),
            );
        }
        let description = description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.insert(
                "description",
                format!("The description can be at most {MAX_DESCRIPTION_CHARS} characters."),
            );
        }
        let price = parse_pounds(price).map_err(|message| errors.insert("price", message));
        match price {
            Ok(price) if errors.is_empty() => Ok(Self {
                name: name.to_owned(),
                description: description.to_owned(),
                price,
                active,
            }),
            _ => Err(errors),
        }
    }

    /// A new product: the draft and its first stock level.
    pub fn parse_new(
        name: &str,
        description: &str,
        price: &str,
        stock: &str,
        active: bool,
    ) -> Result<(Self, StockLevel), FieldErrors> {
        let stock = StockLevel::parse(stock);
        match (Self::parse(name, description, price, active), stock) {
            (Ok(draft), Ok(stock)) => Ok((draft, stock)),
            (draft, stock) => {
                let mut errors = draft.err().unwrap_or_default();
                if let Err(message) = stock {
                    errors.insert("stock", message);
                }
                Err(errors)
            }
        }
    }
}
