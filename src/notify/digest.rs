//! The daily digest: for users who chose it, one email a day listing their unread
//! notifications of the kinds they want by email, instead of one email per notification.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::db::email_outbox as outbox;

/// The digest of a City day is written at the first call from this hour on (people read it
/// at the start of the working day).
pub const DIGEST_HOUR: u32 = 7;

/// Writes the day's digests to the outbox, once per City day, at the first call after
/// [`DIGEST_HOUR`] in `tz`: one mail per digest user with unread notifications of kinds they
/// want by email that no earlier digest listed. Idempotent: later calls the same day (from
/// this or another instance) do nothing, and notifications that arrive later that day wait
/// for the next day's digest. The sender renders and sends the mails. Returns the counts, as
/// the background jobs do.
pub async fn daily_digest(pool: &PgPool, now: DateTime<Utc>, tz: Tz) -> Result<Value, sqlx::Error> {
    let local = now.with_timezone(&tz);
    if local.hour() < DIGEST_HOUR {
        return Ok(json!({ "digests": 0, "notifications": 0, "waiting": true }));
    }
    let day = local.date_naive();
    let mut tx = pool.begin().await?;
    if !outbox::claim_digest_day(&mut *tx, day).await? {
        return Ok(json!({ "digests": 0, "notifications": 0, "already_done": day }));
    }
    let (digests, notifications) = outbox::enqueue_digests(&mut *tx, day).await?;
    tx.commit().await?;
    Ok(json!({ "digests": digests, "notifications": notifications, "day": day }))
}
