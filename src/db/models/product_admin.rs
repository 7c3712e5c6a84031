//! What admins do to the catalogue: create and edit products (optimistic concurrency on
//! `version`) and change stock by signed amounts. Every change writes its history row
//! (see [`product_history`](super::product_history)) in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use super::category;
use super::product::Product;
use super::product_history::{field, record, record_edit, Saved as Made};
use crate::db::schema::products;
use crate::db::sql;
use crate::db::{on_backend, write_transaction, DbConnection, Prepared, QueryResult};
use crate::domain::{Money, ProductDraft, StockChange, StockLevel, MAX_STOCK};

/// Where new products' picture comes from until the catalogue has uploads.
/// The small picture of a product with none.
pub const PLACEHOLDER_IMAGE: &str = "/static/img/products/placeholder.svg";

/// Every product, active or not, in id order, a page at a time.
pub fn list(conn: &mut DbConnection, offset: i64, limit: i64) -> QueryResult<Vec<Product>> {
    products::table
        .select(Product::as_select())
        .order(products::id)
        .offset(offset)
        .limit(limit)
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    products::table.count().get_result(conn)
}

fn state_word(active: bool) -> &'static str {
    if active {
        "on sale"
    } else {
        "off sale"
    }
}

/// A slug no other product has: the name's letters and digits, and a random suffix.
fn new_slug(name: &str) -> String {
    let base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let base: Vec<&str> = base.split('-').filter(|part| !part.is_empty()).collect();
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
    format!(
        "{}-{suffix}",
        base.join("-").chars().take(60).collect::<String>()
    )
}

/// Who makes a change to a product, when, and the categories its form ticked.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub admin: &'a str,
    pub now: NaiveDateTime,
    pub categories: &'a [i64],
}

/// Creates a product in the categories ticked; returns its id.
pub fn create(
    conn: &mut DbConnection,
    draft: &ProductDraft,
    stock: StockLevel,
    edit: Edit<'_>,
) -> QueryResult<i64> {
    let Edit { admin, now, .. } = edit;
    write_transaction(conn, |conn| {
        let insert = diesel::insert_into(products::table)
            .values((
                products::slug.eq(new_slug(&draft.name)),
                products::name.eq(&draft.name),
                products::description.eq(&draft.description),
                products::price_pence.eq(draft.price.pence()),
                products::stock.eq(stock.get()),
                products::image.eq(PLACEHOLDER_IMAGE),
                products::active.eq(draft.active),
            ))
            .returning(products::id);
        let id: i64 = on_backend!(conn, backend => insert.get_result(backend)?);
        let change = format!(
            "Created “{}” at {}, {} in stock, {}",
            draft.name,
            draft.price,
            stock.get(),
            state_word(draft.active)
        );
        record(conn, id, admin, &change, now)?;
        if let Some(names) = category::replace_for_product(conn, id, edit.categories)? {
            record(conn, id, admin, &categories_change(&names), now)?;
        }
        Ok(id)
    })
}

fn categories_change(names: &[String]) -> String {
    match names {
        [] => "in no category now".to_owned(),
        names => format!("in {} now", names.join(", ")),
    }
}

/// What saving an edit form came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    Saved,
    /// The product changed since the form was shown: nothing was written.
    Stale,
    NotFound,
}

/// What an edit changes, in words, and the form's fields it changes.
fn describe_edit(before: &Product, draft: &ProductDraft) -> (String, Vec<&'static str>) {
    let mut changes = Vec::new();
    let mut fields = Vec::new();
    if before.name != draft.name {
        changes.push(format!("name “{}” → “{}”", before.name, draft.name));
        fields.push(field::NAME);
    }
    if before.description != draft.description {
        changes.push("description".to_owned());
        fields.push(field::DESCRIPTION);
    }
    if before.price_pence != draft.price.pence() {
        changes.push(format!(
            "price {} → {}",
            Money::from_pence(before.price_pence),
            draft.price
        ));
        fields.push(field::PRICE);
    }
    if before.active != draft.active {
        changes.push(format!("now {}", state_word(draft.active)));
        fields.push(field::ACTIVE);
    }
    match changes.is_empty() {
        true => (NO_CHANGE.to_owned(), fields),
        false => (changes.join("; "), fields),
    }
}

/// What the history says of a save that changed nothing.
const NO_CHANGE: &str = "Saved with no change";

/// Saves an edit made on the form of `version`, only if the product is still at it: its
/// fields and its categories, in one transaction.
pub fn save(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
    draft: &ProductDraft,
    edit: Edit<'_>,
) -> QueryResult<Saved> {
    let Edit { admin, now, .. } = edit;
    write_transaction(conn, |conn| {
        let Some(before) = super::product::find(conn, id)? else {
            return Ok(Saved::NotFound);
        };
        let updated = diesel::update(
            products::table
                .filter(products::id.eq(id))
                .filter(products::version.eq(version)),
        )
        .set((
            products::name.eq(&draft.name),
            products::description.eq(&draft.description),
            products::price_pence.eq(draft.price.pence()),
            products::active.eq(draft.active),
            products::version.eq(products::version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Ok(Saved::Stale);
        }
        let moved = category::replace_for_product(conn, id, edit.categories)?;
        let (words, mut fields) = describe_edit(&before, draft);
        if moved.is_some() {
            fields.push(field::CATEGORIES);
        }
        let change = match moved {
            None => words,
            Some(names) if words == NO_CHANGE => categories_change(&names),
            Some(names) => format!("{words}; {}", categories_change(&names)),
        };
        let made = Made {
            version: version + 1,
            fields: &fields,
        };
        record_edit(conn, id, (admin, now), &change, made)?;
        Ok(Saved::Saved)
    })
}

/// What a stock change came to.
#[derive(Debug, PartialEq, Eq)]
pub enum StockOutcome {
    Changed {
        stock: i32,
    },
    /// The stock would go below 0, or an increase would take it above [`MAX_STOCK`] (it
    /// is `stock` now); nothing changed.
    OutOfRange {
        stock: i32,
    },
    NotFound,
}

/// Adds `change` to the stock in one conditional statement, so that a sale made while
/// the form was open is kept, and the stock never goes below 0.
///
/// The rule for the limit: an admin's increase may not take the stock above
/// [`MAX_STOCK`], while a decrease is always allowed (down to 0). A cancellation puts
/// back exactly what its order took, even past the limit (those units are on the
/// shelf), and the stock can then still be lowered.
pub fn change_stock(
    conn: &mut DbConnection,
    id: i64,
    change: StockChange,
    admin: &str,
    now: NaiveDateTime,
) -> QueryResult<StockOutcome> {
    #[derive(QueryableByName)]
    struct Stock {
        #[diesel(sql_type = Integer)]
        stock: i32,
    }
    let sql = "UPDATE products SET stock = stock + $1 \
               WHERE id = $2 AND stock + $1 >= 0 AND ($1 < 0 OR stock + $1 <= $3) \
               RETURNING stock";
    write_transaction(conn, |conn| {
        let query = sql::raw(sql)
            .bind::<Integer, _>(change.get())
            .bind::<BigInt, _>(id)
            .bind::<Integer, _>(MAX_STOCK);
        let updated: Option<Stock> = Prepared::new(query).get_result(conn).optional()?;
        match updated {
            Some(Stock { stock }) => {
                let what = format!("Stock {change} → {stock}");
                record(conn, id, admin, &what, now)?;
                Ok(StockOutcome::Changed { stock })
            }
            None => Ok(match super::product::find(conn, id)? {
                Some(product) => StockOutcome::OutOfRange {
                    stock: product.stock,
                },
                None => StockOutcome::NotFound,
            }),
        }
    })
}
