//! The long raw statements, each in a file of its own beside this one (as crates.io keeps
//! its SQL), with a header naming its placeholders. Both backends read them as written:
//! PostgreSQL numbers `$n` itself, and SQLite numbers named parameters by first
//! appearance, which is the same numbering as long as each `$n` first appears after
//! `$n-1` (checked below for every statement here).
//!
//! Short statements stay beside the code that runs them; every raw statement lives under
//! `src/db/`.

/// A live session with its basket's lines (see `session::find_live_with_basket`).
pub const SESSION_WITH_BASKET: &str = include_str!("sql/session_with_basket.sql");

/// Adds to a basket line (see `basket::change_line`).
pub const BASKET_ADD_LINE: &str = include_str!("sql/basket_add_line.sql");

/// Sets a basket line (see `basket::change_line`).
pub const BASKET_SET_LINE: &str = include_str!("sql/basket_set_line.sql");

/// Adds a guest's line to an account's basket at sign-in (see `basket::merge_into`).
pub const BASKET_MERGE_LINE: &str = include_str!("sql/basket_merge_line.sql");

/// The lines of a basket being checked out (see `order::place`).
pub const BASKET_LINES_LOCKED: &str = include_str!("sql/basket_lines_locked.sql");

/// A placed order's whole write on PostgreSQL, up to the stock: [`TAKE_STOCK_PG`] ends it.
pub const ORDER_WRITE_PG: &str = include_str!("sql/order_write.pg.sql");

/// The end of a PostgreSQL statement that defines `wanted (id, quantity)`: takes the stock.
pub const TAKE_STOCK_PG: &str = include_str!("sql/take_stock.pg.sql");

/// What changes whenever the products do (see `product::fingerprint`).
pub const CATALOGUE_FINGERPRINT: &str = include_str!("sql/catalogue_fingerprint.sql");

/// A raw statement, for every backend: the one way raw SQL reaches Diesel. In debug
/// builds (the tests) it checks that each `$n` first appears after `$n-1`, without which
/// SQLite would bind the values to the wrong placeholders.
pub fn raw(sql: impl Into<String>) -> diesel::query_builder::SqlQuery {
    let sql = sql.into();
    debug_assert!(
        placeholders_in_order(&sql),
        "placeholders out of order in: {sql}"
    );
    diesel::sql_query(sql)
}

fn placeholders_in_order(sql: &str) -> bool {
    placeholders_in_first_order(sql)
        .into_iter()
        .zip(1..)
        .all(|(seen, expected)| seen == expected)
}

/// The `$n` placeholders of `sql` in order of first appearance, comments left out.
fn placeholders_in_first_order(sql: &str) -> Vec<u32> {
    let code: String = sql
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut seen = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<u32>() {
            if !seen.contains(&n) {
                seen.push(n);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_numbers_its_placeholders_in_order_of_first_appearance() {
        for (name, sql) in [
            ("session_with_basket", SESSION_WITH_BASKET),
            ("basket_add_line", BASKET_ADD_LINE),
            ("basket_set_line", BASKET_SET_LINE),
            ("basket_merge_line", BASKET_MERGE_LINE),
            ("basket_lines_locked", BASKET_LINES_LOCKED),
            (
                "order_write.pg + take_stock.pg",
                &format!("{ORDER_WRITE_PG}{TAKE_STOCK_PG}"),
            ),
            ("catalogue_fingerprint", CATALOGUE_FINGERPRINT),
        ] {
            let seen = placeholders_in_first_order(sql);
            let expected: Vec<u32> = (1..=u32::try_from(seen.len()).unwrap_or(0)).collect();
            assert_eq!(seen, expected, "{name}");
        }
    }

    #[test]
    fn the_order_check_finds_a_placeholder_out_of_order() {
        assert_eq!(
            placeholders_in_first_order("SELECT $2, $1 -- $3"),
            vec![2, 1]
        );
        assert_eq!(placeholders_in_first_order("SELECT $1, $2, $1"), vec![1, 2]);
    }
}
