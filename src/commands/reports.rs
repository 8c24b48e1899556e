//! A unit's periodic report: its text saved while it is with the unit, its submission by the
//! unit's head (which freezes the figures and the annex), and the City's decision
//! (docs/reports.md, "A unit's report").

use serde_json::{Value, json};
use sqlx::PgConnection;

use super::{By, Refusal};
use crate::db::audit::AuditEntry;
use crate::db::notifications::{self, Notice};
use crate::db::reports::{self as db, NewSubmission, ReportRow};
use crate::domain::input::{Invalid, REQUIRED, limits};
use crate::domain::periods::Period;
use crate::domain::reports::{AnnexRow, Figures, Narrative, ReportStatus};
use crate::domain::{NotificationKind, RegimeId, ReportId};

/// The report `id`, locked, if `by` may read it.
async fn lock_visible(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: ReportId,
) -> Result<ReportRow, Refusal> {
    let report = db::lock(conn, id).await?.ok_or(Refusal::NotFound)?;
    if !by.actor.can_see_unit(report.unit_id) {
        return Err(Refusal::Forbidden);
    }
    Ok(report)
}

/// Refuses a change to a report that is not with the unit any more.
fn with_unit(report: &ReportRow) -> Result<(), Refusal> {
    if report.status.is_with_unit() {
        Ok(())
    } else {
        Err(Refusal::one("form", Invalid::new("report.not_with_unit")))
    }
}

/// The figures and the annex of `report` as they stand now (judged on its cut-off, or today
/// while its period runs).
pub async fn compute(
    conn: &mut PgConnection,
    report: &ReportRow,
    today: chrono::NaiveDate,
) -> Result<(Figures, Vec<AnnexRow>), sqlx::Error> {
    let as_of = report.as_of(today);
    let (start, end) = (report.cutoff_start, report.cutoff_end);
    let figures = db::figures(&mut *conn, report.unit_id, start, end, as_of).await?;
    let annex = db::annex(&mut *conn, report.unit_id, start, end, as_of).await?;
    Ok((figures, annex))
}

/// Saves the text of report `id`, if `unchanged` finds it as the writer saw it.
pub async fn save_draft<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: ReportId,
    narrative: &Narrative,
    unchanged: impl FnOnce(&ReportRow) -> Result<(), E>,
) -> Result<(), E> {
    let saved = lock_visible(conn, by, id).await?;
    if !by.actor.may_write_report(saved.unit_id) {
        return Err(Refusal::Forbidden.into());
    }
    with_unit(&saved)?;
    unchanged(&saved)?;
    if saved.narrative.0 == *narrative {
        return Ok(());
    }
    db::save_narrative(&mut *conn, id, narrative)
        .await
        .map_err(Refusal::from)?;
    let entry = AuditEntry::change(
        "report.save",
        "report",
        id,
        serde_json::to_value(&saved.narrative.0).ok(),
        serde_json::to_value(narrative).ok(),
    );
    by.audit(conn, entry.in_unit(saved.unit_id)).await?;
    Ok(())
}

/// Submits report `id` as its page showed it (`version`): freezes the figures, the annex and
/// the text as they stand now, and tells the City's reviewers. The submission's number.
pub async fn submit(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: ReportId,
    version: i32,
) -> Result<i16, Refusal> {
    let report = lock_visible(conn, by, id).await?;
    if !by.actor.may_submit_report(report.unit_id) {
        return Err(Refusal::Forbidden);
    }
    with_unit(&report)?;
    if report.row_version != version {
        return Err(Refusal::Stale);
    }
    let (figures, annex) = compute(conn, &report, by.today).await?;
    let submission = NewSubmission {
        by: by.actor.id,
        at: by.now,
        on: by.today,
        figures: &figures,
        annex: &annex,
        narrative: &report.narrative.0,
    };
    let number = db::submit(conn, id, &submission).await?;
    let late = by.today > report.due_on;
    let after = json!({
        "number": number,
        "late": late,
        "tasks": figures.lead.total,
        "done": figures.lead.done(),
        "open_overdue": figures.lead.open_overdue,
    });
    let entry = AuditEntry::change("report.submit", "report", id, None, Some(after));
    by.audit(conn, entry.in_unit(report.unit_id)).await?;
    let reviewers = db::city_reviewers(&mut *conn).await?;
    let mut params = period_params(&report);
    params["unit"] = json!(report.unit_name);
    let notice = Notice::report(NotificationKind::ReportSubmitted, id, params);
    notifications::notify(&mut *conn, &reviewers, &notice, by.now).await?;
    Ok(number)
}

/// Accepts report `id`'s latest submission, or returns it to the unit with `note` (required
/// then), as its page showed it (`version`); tells the unit's heads and the submitter.
pub async fn decide(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: ReportId,
    accept: bool,
    note: &str,
    version: i32,
) -> Result<ReportStatus, Refusal> {
    let report = lock_visible(conn, by, id).await?;
    if !by.actor.may_decide_report() {
        return Err(Refusal::Forbidden);
    }
    if report.status != ReportStatus::Submitted {
        return Err(Refusal::one("form", Invalid::new("report.not_submitted")));
    }
    if report.row_version != version {
        return Err(Refusal::Stale);
    }
    let note = limits::REPORT_DECISION_NOTE
        .text(note)
        .map_err(|invalid| Refusal::one("note", invalid))?;
    if !accept && note.is_empty() {
        return Err(Refusal::one("note", REQUIRED));
    }
    let (decision, action, kind) = if accept {
        (
            ReportStatus::Accepted,
            "report.accept",
            NotificationKind::ReportAccepted,
        )
    } else {
        (
            ReportStatus::Returned,
            "report.return",
            NotificationKind::ReportReturned,
        )
    };
    db::decide(conn, id, decision, by.actor.id, by.now, &note).await?;
    let after = json!({ "status": decision, "note": note });
    let entry = AuditEntry::change(action, "report", id, None, Some(after));
    by.audit(conn, entry.in_unit(report.unit_id)).await?;
    let mut people = notifications::unit_heads(&mut *conn, report.unit_id).await?;
    people.extend(db::last_submitter(&mut *conn, id).await?);
    let mut params = period_params(&report);
    if !note.is_empty() {
        params["reason"] = json!(note);
    }
    let notice = Notice::report(kind, id, params);
    notifications::notify(&mut *conn, &people, &notice, by.now).await?;
    Ok(decision)
}

/// What a report's notifications say of it (`notify::text` writes the sentence).
fn period_params(report: &ReportRow) -> Value {
    notice_params(report.id, report.period(), report.due_on)
}

/// What a notification of report `id`, for `period` and due `due_on`, says of it.
fn notice_params(id: ReportId, period: Period, due_on: chrono::NaiveDate) -> Value {
    json!({
        "report_id": id,
        "period": period.kind,
        "period_year": period.year,
        "period_number": period.number,
        "due_on": due_on,
    })
}

/// Reminds every unit whose report of `regime` for `period` is still with it (not yet
/// submitted, or returned) to send it: one more reminder counted on each report, its heads
/// told, an audit entry each. How many reports were reminded.
pub async fn remind_unsent(
    conn: &mut PgConnection,
    by: &By<'_>,
    regime: RegimeId,
    period: Period,
) -> Result<usize, Refusal> {
    if !by.actor.may_decide_report() {
        return Err(Refusal::Forbidden);
    }
    let reminded = db::remind_unsent(conn, regime, period).await?;
    for (id, unit, due_on) in &reminded {
        let after = json!({ "period": period.code(), "by": by.name });
        let entry = AuditEntry::change("report.remind", "report", id, None, Some(after));
        by.audit(conn, entry.in_unit(*unit)).await?;
        let heads = notifications::unit_heads(&mut *conn, *unit).await?;
        let params = notice_params(*id, period, *due_on);
        let notice = Notice::report(NotificationKind::ReportReminder, *id, params);
        notifications::notify(&mut *conn, &heads, &notice, by.now).await?;
    }
    Ok(reminded.len())
}
