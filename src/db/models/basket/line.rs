//! A basket's line as pages and checkout read it, and what its lines come to.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::db::schema::basket_items;
use crate::db::{DbConnection, QueryResult};
use crate::domain::{BasketId, Money};

/// A line of a basket, with what the catalogue says of its product now.
#[derive(Debug, Clone, Queryable, QueryableByName, serde::Serialize, serde::Deserialize)]
pub struct BasketLine {
    #[diesel(sql_type = BigInt)]
    pub product_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub image: String,
    #[diesel(sql_type = BigInt)]
    pub unit_price_pence: i64,
    #[diesel(sql_type = Integer)]
    pub stock: i32,
    #[diesel(sql_type = Integer)]
    pub quantity: i32,
    /// False when the product was taken off sale after it was added.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub active: bool,
    /// The price the shopper last saw the line at, when known (see `mark_prices_seen`).
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    pub seen_price_pence: Option<i64>,
}

impl BasketLine {
    pub fn unit_price(&self) -> Money {
        Money::from_pence(self.unit_price_pence)
    }

    pub fn line_total(&self) -> Money {
        self.unit_price().times(self.quantity)
    }

    /// Whether the line can be ordered as it is: on sale, with the stock for it.
    pub fn orderable(&self) -> bool {
        self.active && self.stock >= self.quantity
    }

    /// The price the shopper last saw, when the product costs something else now.
    pub fn price_changed_from(&self) -> Option<Money> {
        self.seen_price_pence
            .filter(|seen| *seen != self.unit_price_pence)
            .map(Money::from_pence)
    }
}

/// What a basket's lines cost together: the total an order of them is written with.
pub fn total(lines: &[BasketLine]) -> Money {
    lines.iter().map(BasketLine::line_total).sum()
}

/// What the lines that can be ordered now cost together: the total the basket and
/// checkout pages show (a line off sale or over the stock is not in it).
pub fn orderable_total(lines: &[BasketLine]) -> Money {
    lines
        .iter()
        .filter(|line| line.orderable())
        .map(BasketLine::line_total)
        .sum()
}

/// Records that the shopper has seen these lines' prices as they are now: a page showed
/// their "Price changed from …". One statement per line, and only for lines whose price
/// changed, so a page without a change writes nothing.
pub fn mark_prices_seen(
    conn: &mut DbConnection,
    basket: &BasketId,
    lines: &[BasketLine],
) -> QueryResult<()> {
    for line in lines
        .iter()
        .filter(|line| line.price_changed_from().is_some())
    {
        diesel::update(
            basket_items::table
                .filter(basket_items::basket_id.eq(basket.as_str()))
                .filter(basket_items::product_id.eq(line.product_id)),
        )
        .set(basket_items::seen_price_pence.eq(line.unit_price_pence))
        .execute(conn)?;
    }
    Ok(())
}
