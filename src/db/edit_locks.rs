//! The row lock an edit takes before it compares the saved values with the version its form
//! carries (`web::conflict`), so no other save comes in between.

use sqlx::PgConnection;

/// The tables whose edit forms carry a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioned {
    Units,
    Users,
    Fields,
    Sources,
    Shortcomings,
    Plans,
    Regimes,
}

impl Versioned {
    fn table(self) -> &'static str {
        match self {
            Versioned::Units => "units",
            Versioned::Users => "users",
            Versioned::Fields => "fields",
            Versioned::Sources => "sources",
            Versioned::Shortcomings => "shortcomings",
            Versioned::Plans => "plans",
            Versioned::Regimes => "report_regimes",
        }
    }
}

/// Locks the row `id` for the rest of the transaction, so it is read and saved with no other
/// save in between. False when there is no such row.
pub async fn lock(conn: &mut PgConnection, table: Versioned, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i32> = sqlx::query_scalar(&format!(
        "select 1 from {} where id = $1 for update",
        table.table()
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
