//! Pieces of SQL shared by the statements that search text.

use sqlx::{Postgres, QueryBuilder};

/// Pushes a LIKE pattern that finds `word` anywhere in a folded text (`search_fold`). The word
/// is folded first and its wildcards escaped after: folding turns the full-width `％` and `＿`
/// into `%` and `_`, which escaping before would have let through as wildcards.
pub fn push_folded_contains(query: &mut QueryBuilder<'_, Postgres>, word: &str) {
    query
        .push("'%' || replace(replace(replace(search_fold(")
        .push_bind(word.to_owned())
        .push(r"), '\', '\\'), '%', '\%'), '_', '\_') || '%'");
}

/// Escapes LIKE wildcards typed by people, so "50%" means those characters.
pub fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
