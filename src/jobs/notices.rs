//! Notices that a job gives once per occasion: tasks coming due (at each threshold, e.g. 7
//! days and 1 day before the deadline) and periodic reports coming due or late. What was told
//! is recorded in `job_notices` in the same statement as the notifications, so a second run
//! tells no one again, and a new deadline is a new occasion.

use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::db;

/// Tells the people of each open task whose deadline is within a threshold, once per
/// threshold and deadline. A task first seen already inside several thresholds (a deadline
/// set close) gets one notification, and every threshold it passed is recorded.
pub async fn due_soon(
    pool: &PgPool,
    today: NaiveDate,
    thresholds: &[i32],
) -> Result<Value, sqlx::Error> {
    // A threshold of 0 means "on the deadline day"; none at all means no notices.
    let Some(widest) = thresholds.iter().copied().max() else {
        return Ok(json!({ "tasks": 0, "notifications": 0 }));
    };
    let (tasks, notifications) =
        db::job_notices::tell_due_soon(pool, today, widest, thresholds).await?;
    Ok(json!({ "tasks": tasks, "notifications": notifications }))
}

/// Tells the heads of each unit whose periodic report is not yet submitted: once when it
/// comes within `notice_days` of its due date, once when it is late.
pub async fn report_deadlines(
    pool: &PgPool,
    today: NaiveDate,
    notice_days: i32,
) -> Result<Value, sqlx::Error> {
    let (due, late) = db::job_notices::tell_report_deadlines(pool, today, notice_days).await?;
    Ok(json!({ "reports_due": due, "reports_late": late }))
}
