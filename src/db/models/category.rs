//! Categories: a product in any number of them, each with a page of its own.

use diesel::prelude::*;

use crate::db::schema::{categories, product_categories};
use crate::db::{is_unique_violation, on_backend, DbConnection, QueryResult};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
}

/// Every category, by name.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Category>> {
    categories::table
        .select(Category::as_select())
        .order((categories::name, categories::id))
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Category>> {
    categories::table
        .find(id)
        .select(Category::as_select())
        .first(conn)
        .optional()
}

/// Every category, by name, with the products in each: one statement, for the catalogue
/// copy's index.
pub fn all_with_members(conn: &mut DbConnection) -> QueryResult<Vec<(Category, Vec<i64>)>> {
    let rows: Vec<(Category, Option<i64>)> = categories::table
        .left_join(product_categories::table)
        .select((
            Category::as_select(),
            product_categories::product_id.nullable(),
        ))
        .order((categories::name, categories::id))
        .load(conn)?;
    let mut grouped: Vec<(Category, Vec<i64>)> = Vec::new();
    for (category, product) in rows {
        match grouped.last_mut() {
            Some((last, members)) if last.id == category.id => members.extend(product),
            _ => grouped.push((category, product.into_iter().collect())),
        }
    }
    Ok(grouped)
}

/// The categories a product is in.
pub fn of_product(conn: &mut DbConnection, product_id: i64) -> QueryResult<Vec<i64>> {
    product_categories::table
        .filter(product_categories::product_id.eq(product_id))
        .select(product_categories::category_id)
        .load(conn)
}

/// Creates a category with a slug made from its name (`-2`, `-3`… when taken).
pub fn create(
    conn: &mut DbConnection,
    name: &str,
    slug: &str,
    description: &str,
) -> QueryResult<i64> {
    for attempt in 1..=50 {
        let candidate = match attempt {
            1 => slug.to_owned(),
            n => format!("{slug}-{n}"),
        };
        let insert = diesel::insert_into(categories::table)
            .values((
                categories::name.eq(name),
                categories::slug.eq(&candidate),
                categories::description.eq(description),
            ))
            .returning(categories::id);
        match on_backend!(conn, backend => insert.get_result(backend)) {
            Ok(id) => return Ok(id),
            Err(error) if is_unique_violation(&error) => {}
            Err(error) => return Err(error),
        }
    }
    Err(diesel::result::Error::RollbackTransaction)
}

/// Renames a category (its slug, and so its address, stays). False: no such category.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    name: &str,
    description: &str,
) -> QueryResult<bool> {
    let updated = diesel::update(categories::table.find(id))
        .set((
            categories::name.eq(name),
            categories::description.eq(description),
            categories::revision.eq(categories::revision + 1),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes a category; its products stay. False: no such category.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(categories::table.find(id)).execute(conn)?;
    Ok(deleted == 1)
}

/// Puts a product in exactly these categories (unknown ids are left out), inside the
/// caller's transaction; returns the names of the categories it is in now when they
/// changed, `None` when they did not. The caller updates the product in the same
/// transaction, so that its revision rises and every instance's copy of the catalogue
/// reads it again.
pub fn replace_for_product(
    conn: &mut DbConnection,
    product_id: i64,
    ids: &[i64],
) -> QueryResult<Option<Vec<String>>> {
    let mut before = of_product(conn, product_id)?;
    let mut known: Vec<(i64, String)> = categories::table
        .filter(categories::id.eq_any(ids))
        .select((categories::id, categories::name))
        .order(categories::name)
        .load(conn)?;
    let mut after: Vec<i64> = known.iter().map(|(id, _)| *id).collect();
    before.sort_unstable();
    after.sort_unstable();
    if before == after {
        return Ok(None);
    }
    diesel::delete(product_categories::table.filter(product_categories::product_id.eq(product_id)))
        .execute(conn)?;
    for id in &after {
        diesel::insert_into(product_categories::table)
            .values((
                product_categories::product_id.eq(product_id),
                product_categories::category_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(Some(known.drain(..).map(|(_, name)| name).collect()))
}

/// The slug a name makes: lower-case letters and digits, words joined by `-`.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "category".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn a_slug_is_the_name_in_lower_case_words_joined_by_dashes() {
        assert_eq!(slug_of("Kitchen & Dining"), "kitchen-dining");
        assert_eq!(slug_of("  Garden!  "), "garden");
        assert_eq!(slug_of("Café"), "caf");
        assert_eq!(slug_of("???"), "category");
    }
}
