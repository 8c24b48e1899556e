//! One-time form keys (`web::once`): which keys were claimed, and where a saved form led.

use sqlx::PgExecutor;

/// Claims `token` for the request that sends it first; false when it is claimed already.
pub async fn claim(executor: impl PgExecutor<'_>, token: &str) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "insert into form_submissions (token) values ($1) on conflict (token) do nothing",
    )
    .bind(token)
    .execute(executor)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Where the request that claimed `token` led: none when the key is unknown (released), an
/// empty location while that request is still running.
pub async fn location(
    executor: impl PgExecutor<'_>,
    token: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("select location from form_submissions where token = $1")
        .bind(token)
        .fetch_optional(executor)
        .await
}

/// Records that the request that claimed `token` saved and led to `location`.
pub async fn set_location(
    executor: impl PgExecutor<'_>,
    token: &str,
    location: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("update form_submissions set location = $2 where token = $1")
        .bind(token)
        .bind(location)
        .execute(executor)
        .await?;
    Ok(())
}

/// Releases `token`, so the same form may be sent again.
pub async fn release(executor: impl PgExecutor<'_>, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from form_submissions where token = $1")
        .bind(token)
        .execute(executor)
        .await?;
    Ok(())
}
