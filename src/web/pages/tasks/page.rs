//! A task's page: its facts, who is responsible, its timeline, and the forms of the actions the
//! signed-in user may take. The action handlers re-render this same page when they refuse
//! something, with the typed values kept and the message beside the field.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::db::task_work::{self as work, EscalationRow, ExtensionRow, Officer};
use crate::db::tasks::{self as queries, AssigneeRow, CoordinatorRow, HistoryEntry, TaskDetail};
use crate::domain::access::TaskParties;
use crate::domain::input::FieldErrors;
use crate::domain::{TaskId, TaskStatus, UnitId, progress_statuses};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::pages::{parse_id, render};
use crate::web::session::Session;
use crate::web::state::AppState;

/// What was typed into the progress form.
#[derive(Debug, Clone, Default)]
pub struct ProgressForm {
    pub status: String,
    pub percent: String,
    pub note: String,
    pub question: String,
}

/// What was typed into the extension request form.
#[derive(Debug, Clone, Default)]
pub struct ExtensionForm {
    pub proposed_deadline: String,
    pub reason: String,
    pub doc_number: String,
}

/// What was typed into the reminder form.
#[derive(Debug, Clone, Default)]
pub struct ReminderForm {
    pub to: String,
    pub doc_number: String,
    pub message: String,
}

/// The values of every form on the page (only the one just sent is ever filled in).
#[derive(Debug, Clone, Default)]
pub struct TaskForms {
    pub progress: ProgressForm,
    pub contribution: String,
    pub extension: ExtensionForm,
    pub reminder: ReminderForm,
    pub decision_note: String,
    pub answer: String,
    pub return_reason: String,
    /// The officers ticked in the assignment form, when it was refused.
    pub assignees: Option<Vec<i64>>,
    /// The form that was sent and refused: its section opens on the page.
    pub open: Option<&'static str>,
}

/// What the signed-in user may do on this task (the handlers check again; this only decides
/// which forms to show).
#[derive(Debug, Clone, Copy, Default)]
pub struct Can {
    pub report: bool,
    pub contribute: bool,
    pub confirm: bool,
    pub assign: bool,
    pub request: bool,
    pub remind: bool,
    pub decide: bool,
    pub edit: bool,
    pub read_audit: bool,
}

#[derive(Template)]
#[template(path = "tasks/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    task: TaskDetail,
    coordinators: Vec<CoordinatorRow>,
    assignees: Vec<AssigneeRow>,
    history: Vec<HistoryEntry>,
    can: Can,
    /// Statuses the progress form offers this user.
    statuses: Vec<TaskStatus>,
    officers: Vec<Officer>,
    pending_extension: Option<ExtensionRow>,
    open_escalation: Option<EscalationRow>,
    /// Units a reminder may go to: the lead unit (for the City) and the coordinating units.
    reminder_targets: Vec<(UnitId, String)>,
    forms: TaskForms,
    errors: FieldErrors,
    /// What others changed since the user opened the page, when their save was refused.
    conflict: Option<Vec<HistoryEntry>>,
    max_upload_bytes: usize,
}

impl ShowPage {
    fn is_assigned(&self, officer: &Officer) -> bool {
        match &self.forms.assignees {
            Some(ticked) => ticked.contains(&officer.id.0),
            None => self.assignees.iter().any(|a| a.user_id == officer.id),
        }
    }

    fn is_open(&self, section: &str) -> bool {
        self.forms.open == Some(section)
    }

    /// The status the progress form starts on.
    fn chosen_status(&self) -> String {
        if self.forms.progress.status.is_empty() {
            self.task.status.code().to_owned()
        } else {
            self.forms.progress.status.clone()
        }
    }

    fn chosen_percent(&self) -> String {
        if self.forms.progress.status.is_empty() {
            self.task.percent_complete.to_string()
        } else {
            self.forms.progress.percent.clone()
        }
    }

    /// The progress form asks for the question when it offers "needs direction" and no
    /// question is waiting for an answer.
    fn offers_question(&self) -> bool {
        self.open_escalation.is_none() && self.statuses.contains(&TaskStatus::NeedsDirection)
    }

    fn max_upload(&self) -> String {
        crate::domain::text::size_label(self.max_upload_bytes as u64)
    }

    fn seen(&self) -> String {
        self.task.read_at.to_rfc3339()
    }
}

/// The page's state besides the task itself: typed values, messages, a refused save.
#[derive(Debug, Default)]
pub struct PageState {
    pub forms: TaskForms,
    pub errors: FieldErrors,
    pub conflict: Option<Vec<HistoryEntry>>,
}

/// `GET /tasks/{id}`: the task, who is responsible, its whole history, and the actions.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw_id)?);
    task_page(
        &state,
        ctx,
        &session,
        id,
        PageState::default(),
        StatusCode::OK,
    )
    .await
}

/// Renders the task page with `extra` (a refused form's values and messages) and `status`.
pub async fn task_page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: TaskId,
    extra: PageState,
    status: StatusCode,
) -> Result<Response, AppError> {
    // One connection for the page's statements: sqlx checks a connection with a round trip
    // each time it goes back to the pool.
    let mut conn = state.pool.acquire().await?;
    let actor = &session.user.actor;
    let found = queries::find(&mut *conn, id, state.as_of())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut history = queries::history(&mut *conn, id, None).await?;
    let directory = session
        .names(state)
        .covering(&mut conn, |d| {
            found.names_known(d) && history.iter().all(|h| h.names_known(d))
        })
        .await?;
    history.iter_mut().for_each(|h| h.name(&directory));
    let (task, coordinators, assignees) = found.named(&directory);
    let parties = TaskParties {
        lead: task.lead_unit_id,
        coordinators: coordinators.iter().map(|c| c.unit_id).collect(),
        assignees: assignees.iter().map(|a| a.user_id).collect(),
    };
    if !actor.can_see_task(parties.lead, &parties.coordinators) {
        return Err(AppError::Forbidden);
    }
    let open = task.status.is_open();
    let can = Can {
        report: open && actor.may_report_progress(&parties),
        contribute: open && actor.may_contribute(&parties) && !actor.may_report_progress(&parties),
        confirm: task.status == TaskStatus::PendingConfirmation && actor.may_confirm(&parties),
        assign: actor.may_assign(&parties),
        request: open && actor.may_request_for_unit(&parties),
        remind: open && actor.may_remind(&parties),
        decide: actor.manages_tasks(),
        edit: actor.manages_tasks(),
        read_audit: actor.reads_audit(),
    };
    // Most tasks have neither: the task's own row says so, sparing two statements.
    let pending_extension = match task.has_pending_extension {
        true => work::pending_extension(&mut *conn, id).await?,
        false => None,
    };
    let open_escalation = match task.has_open_escalation {
        true => work::open_escalation(&mut *conn, id).await?,
        false => None,
    };
    drop(conn);
    let officers = match can.assign {
        true => directory.users().assignable(task.lead_unit_id),
        false => Vec::new(),
    };
    let mut reminder_targets = Vec::new();
    if actor.manages_tasks() {
        reminder_targets.push((task.lead_unit_id, task.lead_unit_name.clone()));
    }
    reminder_targets.extend(
        coordinators
            .iter()
            .map(|c| (c.unit_id, c.unit_name.clone())),
    );
    let statuses = progress_statuses(
        task.status,
        open_escalation.is_some(),
        actor.may_request_for_unit(&parties),
    );
    let page = ShowPage {
        ctx,
        task,
        coordinators,
        assignees,
        history,
        can,
        statuses,
        officers,
        pending_extension,
        open_escalation,
        reminder_targets,
        forms: extra.forms,
        errors: extra.errors,
        conflict: extra.conflict,
        max_upload_bytes: state.config.max_upload_bytes,
    };
    Ok((status, render(&page)?).into_response())
}

/// What changed on the task after `seen` (an instant the form carried), for a refused save.
pub async fn changes_since(
    state: &AppState,
    session: &Session,
    id: TaskId,
    seen: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    let since = DateTime::parse_from_rfc3339(seen.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc));
    let mut conn = state.pool.acquire().await?;
    let mut changes = queries::history(&mut *conn, id, since).await?;
    // Without a readable instant, the latest entries say enough.
    changes.truncate(10);
    let directory = session
        .names(state)
        .covering(&mut conn, |d| changes.iter().all(|h| h.names_known(d)))
        .await?;
    changes.iter_mut().for_each(|h| h.name(&directory));
    Ok(changes)
}
