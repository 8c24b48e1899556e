//! The overdue and stale flags on tasks and plans (docs/design.md: Status and timeliness,
//! Background work). Idempotent: a second run right after the first changes nothing and tells
//! no one. Every change is written to the
//! audit log, and the people concerned are notified, in the same statement, so a flag never
//! changes without its entry and its notifications.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use crate::db;
use crate::domain::TaskId;

/// Flags tasks and plans whose deadline has passed (today, in the City's time zone, is after
/// it) and that are not done, and clears flags that no longer hold (deadline moved, task done).
pub async fn flag_overdue(pool: &PgPool, today: NaiveDate) -> Result<Value, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let tasks = update_task_flags(&mut tx, today, None).await?;
    let plans_flagged = db::flags::flag_overdue_plans(&mut *tx, today).await?;
    let plans_cleared = db::flags::clear_overdue_plans(&mut *tx, today).await?;
    tx.commit().await?;
    Ok(json!({
        "tasks_flagged": tasks.flagged,
        "tasks_cleared": tasks.cleared,
        "briefing_marked": tasks.briefing_marked,
        "briefing_cleared": tasks.briefing_cleared,
        "plans_flagged": plans_flagged,
        "plans_cleared": plans_cleared,
    }))
}

/// What [`update_task_flags`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskFlagChanges {
    pub flagged: i64,
    pub cleared: i64,
    pub briefing_marked: i64,
    pub briefing_cleared: i64,
}

/// Brings the overdue flag and the briefing mark of every task (or of `only` those) in line
/// with `today`: overdue when today is after the current deadline and the task is not done;
/// marked for the leadership briefing while overdue with more than three reminders (Hanoi
/// practice). The background job and every action that moves a deadline, finishes a task or
/// sends a reminder call this same function, in their transaction, so pages never disagree
/// with the flags.
pub async fn update_task_flags(
    conn: &mut PgConnection,
    today: NaiveDate,
    only: Option<&[TaskId]>,
) -> Result<TaskFlagChanges, sqlx::Error> {
    let only: Option<Vec<i64>> = only.map(|ids| ids.iter().map(|id| id.0).collect());
    // In batches taken in deadline order: the planner cannot know that hardly any open task
    // has a past deadline without its flag (the last scan set them), expects a quarter of the
    // table and reads all of it. In deadline order it reads the partial index of open unflagged
    // tasks and stops at the first deadline not yet passed.
    let mut flagged = 0;
    loop {
        let batch =
            db::flags::flag_overdue_tasks(&mut *conn, today, only.as_deref(), FLAG_BATCH).await?;
        flagged += batch;
        if batch < FLAG_BATCH {
            break;
        }
    }
    // Overdue already, but its deadline moved to another past day: overdue since the day after
    // the new deadline (counted as flagged again; its people were told when it first became
    // overdue).
    let redated = db::flags::redate_overdue_tasks(&mut *conn, today, only.as_deref()).await?;
    let cleared = db::flags::clear_overdue_tasks(&mut *conn, today, only.as_deref()).await?;
    // In batches too: in id order the mismatches come from their own partial index, which the
    // planner otherwise passes over, expecting nearly every task to mismatch.
    let (mut briefing_marked, mut briefing_cleared) = (0, 0);
    loop {
        let (marked, cleared) =
            db::flags::update_briefing_marks(&mut *conn, only.as_deref(), FLAG_BATCH).await?;
        briefing_marked += marked;
        briefing_cleared += cleared;
        if marked + cleared < FLAG_BATCH {
            break;
        }
    }
    Ok(TaskFlagChanges {
        flagged: flagged + redated,
        cleared,
        briefing_marked,
        briefing_cleared,
    })
}

/// Tasks flagged overdue per statement of [`update_task_flags`].
const FLAG_BATCH: i64 = 5_000;

/// Marks open tasks with no update for `stale_days` days as stale, and unmarks tasks that
/// were updated or finished since.
pub async fn flag_stale(
    pool: &PgPool,
    now: DateTime<Utc>,
    stale_days: i32,
) -> Result<Value, sqlx::Error> {
    let cutoff = now - Duration::days(i64::from(stale_days));
    let mut tx = pool.begin().await?;
    let marked = db::flags::flag_stale_tasks(&mut *tx, cutoff).await?;
    let unmarked = db::flags::clear_stale_tasks(&mut *tx, cutoff).await?;
    tx.commit().await?;
    Ok(json!({ "tasks_marked": marked, "tasks_unmarked": unmarked }))
}
