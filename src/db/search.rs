//! Case-insensitive "contains" searches, one way for every list that has a search box:
//! the text is lowered here and the column in SQL (`lower`), and `%`, `_` and `\` in it
//! match only themselves.

use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::sql_types::Text;

diesel::define_sql_function!(fn lower(text: Text) -> Text);

/// The `LIKE` pattern matching any text that contains `query`, once both are lowered.
pub fn contains_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// `column` contains `query`, in any case.
pub fn contains<C>(
    column: C,
    query: &str,
) -> diesel::dsl::Escape<diesel::dsl::Like<lower<C>, String>>
where
    C: Expression<SqlType = Text> + AsExpression<Text>,
{
    lower(column).like(contains_pattern(query)).escape('\\')
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn patterns_are_lowered_and_wildcards_match_themselves() {
        assert_eq!(contains_pattern("Tea"), "%tea%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
