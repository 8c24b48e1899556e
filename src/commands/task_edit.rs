//! The City assigns: creates and edits tasks (shortcoming, plan, lead unit, coordinating units,
//! leader in charge, deadline), and changes many tasks at once.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgConnection;

use super::task_requests::{self, Reminder};
use super::{By, Changed, Refusal, check_version, record};
use crate::db::admin::unit_options;
use crate::db::audit::{self, AuditEntry};
use crate::db::notifications::{self, Notice};
use crate::db::task_edit::{self as edit, TaskValues};
use crate::db::task_work::{self as work, NewUpdate, TaskState};
use crate::db::{plans, shortcomings};
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::{
    NotificationKind, PlanId, ShortcomingId, TaskId, TaskStatus, TaskUpdateKind, UnitId,
};
use crate::jobs::flags;

/// A task's details as sent (the task form, or a program): ids and dates as text.
#[derive(Debug, Clone, Default)]
pub struct TaskFields<'a> {
    pub shortcoming: &'a str,
    /// Empty: no plan.
    pub plan: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub expected_result: &'a str,
    pub lead_unit: &'a str,
    /// The coordinating units: (unit id, its part); rows with neither are left out.
    pub coordinators: Vec<(&'a str, &'a str)>,
    pub leader_in_charge: &'a str,
    /// Empty: an ongoing task, with no deadline.
    pub deadline: &'a str,
}

/// The one of `options` whose id is typed in `raw`.
fn id_in<T: Copy>(
    raw: &str,
    options: impl IntoIterator<Item = T>,
    id: impl Fn(T) -> i64,
) -> Option<T> {
    let wanted = input::id(raw)?;
    options.into_iter().find(|o| id(*o) == wanted)
}

/// Checks the fields against what exists: the shortcoming, the plan (its lead unit's), the
/// units (active ones, and `keep`, the saved lead unit, even if deactivated since).
/// `creating` refuses a deadline in the past.
async fn parse(
    conn: &mut PgConnection,
    sent: &TaskFields<'_>,
    creating: bool,
    today: NaiveDate,
    keep: Option<UnitId>,
) -> Result<TaskValues, Refusal> {
    let shortcomings = shortcomings::options(&mut *conn).await?;
    let plans = plans::options(&mut *conn).await?;
    let units = unit_options(&mut *conn, keep).await?;
    let mut errors = FieldErrors::default();
    let shortcoming: Option<ShortcomingId> =
        id_in(sent.shortcoming, shortcomings.iter().map(|s| s.id), |s| s.0);
    let shortcoming = errors.check("shortcoming", shortcoming.ok_or(input::CHOOSE));
    let lead_unit = match id_in(sent.lead_unit, units.iter().map(|u| u.id), |u| u.0) {
        Some(unit) => Ok(unit),
        None if sent.lead_unit.trim().is_empty() => Err(input::CHOOSE),
        None => Err(Invalid::new("task.unknown_unit")),
    };
    let lead_unit = errors.check("lead_unit", lead_unit);
    let plan: Result<Option<PlanId>, Invalid> = if sent.plan.trim().is_empty() {
        Ok(None)
    } else {
        match plans.iter().find(|p| input::id(sent.plan) == Some(p.id.0)) {
            None => Err(input::CHOOSE),
            Some(p) if lead_unit.is_some_and(|lead| lead != p.unit_id) => {
                Err(Invalid::new("task.plan_other_unit"))
            }
            Some(p) => Ok(Some(p.id)),
        }
    };
    let plan = errors.check("plan", plan);
    let title = errors.check("title", limits::TASK_TITLE.required(sent.title));
    let description = errors.check(
        "description",
        limits::TASK_DESCRIPTION.text(sent.description),
    );
    let expected_result = errors.check(
        "expected_result",
        limits::TASK_EXPECTED_RESULT.text(sent.expected_result),
    );
    let leader_in_charge = errors.check(
        "leader_in_charge",
        limits::TASK_LEADER.text(sent.leader_in_charge),
    );
    let mut coordinators: Vec<(UnitId, String)> = Vec::new();
    for (unit_raw, role) in &sent.coordinators {
        let (unit_raw, role) = (unit_raw.trim(), input::clean(role));
        if unit_raw.is_empty() {
            if !role.is_empty() {
                errors.refuse(
                    "coordinators",
                    Invalid::new("task.coordinator_role_without_unit"),
                );
            }
            continue;
        }
        match id_in(unit_raw, units.iter().map(|u| u.id), |u| u.0) {
            None => errors.refuse("coordinators", Invalid::new("task.unknown_unit")),
            Some(unit) if Some(unit) == lead_unit => {
                errors.refuse("coordinators", Invalid::new("task.coordinator_is_lead"))
            }
            Some(unit) if coordinators.iter().any(|(u, _)| *u == unit) => {
                errors.refuse("coordinators", Invalid::new("task.coordinator_twice"))
            }
            Some(_) if role.chars().count() > limits::COORDINATOR_ROLE.max => {
                errors.refuse("coordinators", limits::COORDINATOR_ROLE.too_long())
            }
            Some(unit) => coordinators.push((unit, role)),
        }
    }
    let deadline = match input::date(sent.deadline) {
        Ok(Some(date)) if creating && date < today => Err(Invalid::new("task.deadline_past")),
        other => other,
    };
    let deadline = errors.check("deadline", deadline);
    match (
        shortcoming,
        lead_unit,
        plan,
        title,
        description,
        expected_result,
        leader_in_charge,
        deadline,
    ) {
        (
            Some(shortcoming),
            Some(lead_unit),
            Some(plan),
            Some(title),
            Some(description),
            Some(expected_result),
            Some(leader_in_charge),
            Some(deadline),
        ) if errors.is_empty() => Ok(TaskValues {
            shortcoming,
            plan,
            title,
            description,
            expected_result,
            lead_unit,
            coordinators,
            leader_in_charge,
            deadline,
        }),
        _ => Err(Refusal::Invalid(errors)),
    }
}

/// A new task, coded after its shortcoming (TT-05.07), not started, its lead unit's heads
/// told.
pub async fn create(
    conn: &mut PgConnection,
    by: &By<'_>,
    sent: &TaskFields<'_>,
) -> Result<Changed, Refusal> {
    if !by.actor.manages_tasks() {
        return Err(Refusal::Forbidden);
    }
    let values = parse(conn, sent, true, by.today, None).await?;
    let code = edit::next_code(conn, values.shortcoming).await?;
    let id = edit::insert(conn, &code, &values, by.actor.id, by.now).await?;
    work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            id,
            by.actor.unit_id,
            by.actor.id,
            TaskUpdateKind::Created,
            "",
        )
        .created(TaskStatus::NotStarted)
        .percent(0)
        .deadline(values.deadline),
    )
    .await?;
    let heads = notifications::unit_heads(&mut *conn, values.lead_unit).await?;
    let notice = Notice::task(
        NotificationKind::Assigned,
        id,
        json!({ "code": code, "by": by.name }),
    );
    notifications::notify(&mut *conn, &heads, &notice, by.now).await?;
    let task = work::lock(conn, id).await?.ok_or(Refusal::NotFound)?;
    record(
        conn,
        by,
        &task,
        "task.create",
        serde_json::Value::Null,
        json!(values),
    )
    .await?;
    Ok(Changed::of(&task, "task.created"))
}

/// A saved task's details, as an edit changes them.
pub async fn saved_values(
    conn: &mut PgConnection,
    task: &TaskState,
) -> Result<TaskValues, sqlx::Error> {
    Ok(TaskValues {
        shortcoming: task.shortcoming_id,
        plan: task.plan_id,
        title: task.title.clone(),
        description: task.description.clone(),
        expected_result: task.expected_result.clone(),
        lead_unit: task.lead_unit_id,
        coordinators: edit::coordinators(conn, task.id).await?,
        leader_in_charge: task.leader_in_charge.clone(),
        deadline: task.deadline,
    })
}

/// What an edit changes, as the codes the history records.
fn changed_fields(before: &TaskValues, after: &TaskValues) -> Vec<&'static str> {
    let sorted = |values: &TaskValues| {
        let mut coordinators = values.coordinators.clone();
        coordinators.sort();
        coordinators
    };
    [
        ("shortcoming", before.shortcoming != after.shortcoming),
        ("plan", before.plan != after.plan),
        ("title", before.title != after.title),
        ("description", before.description != after.description),
        (
            "expected_result",
            before.expected_result != after.expected_result,
        ),
        ("lead_unit", before.lead_unit != after.lead_unit),
        ("coordinators", sorted(before) != sorted(after)),
        (
            "leader_in_charge",
            before.leader_in_charge != after.leader_in_charge,
        ),
        ("deadline", before.deadline != after.deadline),
    ]
    .into_iter()
    .filter_map(|(code, differs)| differs.then_some(code))
    .collect()
}

/// Saves an edit, unless someone changed the task since the form was filled (`version`). A
/// new lead unit's heads are told; officers of the old lead unit stop following it. A
/// deadline moved into the past makes the task overdue at once.
pub async fn update(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    version: &str,
    sent: &TaskFields<'_>,
) -> Result<Changed, Refusal> {
    if !by.actor.manages_tasks() {
        return Err(Refusal::Forbidden);
    }
    let task = work::lock(conn, id).await?.ok_or(Refusal::NotFound)?;
    let before = saved_values(conn, &task).await?;
    check_version(&task, version)?;
    let values = parse(conn, sent, false, by.today, Some(task.lead_unit_id)).await?;
    if values.deadline.is_none() && task.deadline.is_some() {
        return Err(Refusal::Invalid(FieldErrors::refused(
            "deadline",
            Invalid::new("task.deadline_cannot_be_cleared"),
        )));
    }
    let changed = changed_fields(&before, &values);
    if changed.is_empty() {
        return Ok(Changed {
            changed: false,
            ..Changed::of(&task, "task.no_changes")
        });
    }
    edit::update(conn, id, &values).await?;
    if let (Some(deadline), true) = (values.deadline, values.deadline != task.deadline) {
        work::set_deadline(&mut *conn, id, deadline).await?;
    }
    if values.lead_unit != task.lead_unit_id {
        lead_unit_changed(conn, by, &[&task], values.lead_unit).await?;
    }
    flags::update_task_flags(conn, by.today, Some(&[id])).await?;
    let deadline_after = values.deadline.filter(|d| Some(*d) != task.deadline);
    history_of_edit(conn, by, &task, &changed.join(","), deadline_after).await?;
    record(
        conn,
        by,
        &task,
        "task.update",
        json!(before),
        json!({ "changed": changed, "values": values }),
    )
    .await?;
    Ok(Changed::of(&task, "task.saved"))
}

/// After the lead unit of `tasks` changed to `new_lead`: officers of other units stop
/// following them, the new unit's heads are told of each.
async fn lead_unit_changed(
    conn: &mut PgConnection,
    by: &By<'_>,
    tasks: &[&TaskState],
    new_lead: UnitId,
) -> Result<(), sqlx::Error> {
    let ids: Vec<TaskId> = tasks.iter().map(|t| t.id).collect();
    edit::drop_other_assignees(&mut *conn, &ids, new_lead).await?;
    let heads = notifications::unit_heads(&mut *conn, new_lead).await?;
    for task in tasks {
        let notice = Notice::task(
            NotificationKind::Assigned,
            task.id,
            json!({ "code": task.code, "by": by.name }),
        );
        notifications::notify(&mut *conn, &heads, &notice, by.now).await?;
    }
    Ok(())
}

/// The history entry of a change by the City (an edit of `fields`).
async fn history_of_edit(
    conn: &mut PgConnection,
    by: &By<'_>,
    task: &TaskState,
    fields: &str,
    deadline_after: Option<NaiveDate>,
) -> Result<(), sqlx::Error> {
    work::insert_update(
        conn,
        &NewUpdate::new(
            task.id,
            by.actor.unit_id,
            by.actor.id,
            TaskUpdateKind::Edited,
            fields,
        )
        .deadline(deadline_after),
    )
    .await?;
    Ok(())
}

/// Gives `task` another lead unit, as part of a change of many tasks (the new unit's heads
/// are told by [`bulk`], once for all of them). False when it already leads.
async fn move_to_lead(
    conn: &mut PgConnection,
    by: &By<'_>,
    task: &TaskState,
    unit: UnitId,
) -> Result<bool, Refusal> {
    if unit == task.lead_unit_id {
        return Ok(false);
    }
    edit::set_lead_unit(&mut *conn, task.id, unit).await?;
    history_of_edit(conn, by, task, "lead_unit,plan", None).await?;
    record(
        conn,
        by,
        task,
        "task.bulk_lead",
        json!({ "lead_unit": task.lead_unit_id, "plan": task.plan_id }),
        json!({ "lead_unit": unit, "plan": null }),
    )
    .await?;
    Ok(true)
}

/// Sets `task`'s deadline, as part of a change of many tasks. False when it is that already.
async fn move_deadline(
    conn: &mut PgConnection,
    by: &By<'_>,
    task: &TaskState,
    date: NaiveDate,
) -> Result<bool, Refusal> {
    if Some(date) == task.deadline {
        return Ok(false);
    }
    work::set_deadline(&mut *conn, task.id, date).await?;
    history_of_edit(conn, by, task, "deadline", Some(date)).await?;
    record(
        conn,
        by,
        task,
        "task.bulk_deadline",
        json!({ "deadline": task.deadline }),
        json!({ "deadline": date }),
    )
    .await?;
    Ok(true)
}

/// A change of many tasks, as sent from a filtered list.
#[derive(Debug, Clone, Default)]
pub struct Bulk<'a> {
    /// The tasks ticked, each once (`None`: a value that is no id).
    pub tasks: Option<Vec<TaskId>>,
    /// `lead`, `deadline` or `remind`.
    pub action: &'a str,
    pub lead_unit: &'a str,
    pub deadline: &'a str,
    pub doc_number: &'a str,
    pub message: &'a str,
}

/// What a change of many tasks does to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BulkAction {
    Lead(UnitId),
    Deadline(NaiveDate),
    Remind,
}

impl BulkAction {
    fn name(self) -> &'static str {
        match self {
            BulkAction::Lead(_) => "task.bulk_lead",
            BulkAction::Deadline(_) => "task.bulk_deadline",
            BulkAction::Remind => "reminder.send",
        }
    }
}

/// Checks what a change of many tasks asks for.
async fn bulk_action(
    conn: &mut PgConnection,
    by: &By<'_>,
    sent: &Bulk<'_>,
    errors: &mut FieldErrors,
) -> Result<Option<BulkAction>, sqlx::Error> {
    Ok(match sent.action {
        "lead" => {
            let units = unit_options(&mut *conn, None).await?;
            let unit = id_in(sent.lead_unit, units.iter().map(|u| u.id), |u| u.0);
            errors
                .check("bulk_lead_unit", unit.ok_or(input::CHOOSE))
                .map(BulkAction::Lead)
        }
        "deadline" => {
            let date = match input::date(sent.deadline) {
                Ok(Some(date)) if date < by.today => Err(Invalid::new("task.deadline_past")),
                Ok(Some(date)) => Ok(date),
                _ => Err(Invalid::new("form.date_format")),
            };
            errors
                .check("bulk_deadline", date)
                .map(BulkAction::Deadline)
        }
        "remind" => {
            errors.check(
                "bulk_doc_number",
                limits::REMINDER_DOC_NUMBER.optional(sent.doc_number),
            );
            errors.check("bulk_message", limits::REMINDER_MESSAGE.text(sent.message));
            Some(BulkAction::Remind)
        }
        _ => {
            errors.refuse("bulk_action", input::CHOOSE);
            None
        }
    })
}

/// Changes the lead unit or the deadline of every task ticked, or reminds each — all or
/// nothing. Each task gets the history, audit entry and notifications of the same change made
/// alone; the list gets one audit entry. The tasks changed (those already so are left).
pub async fn bulk(
    conn: &mut PgConnection,
    by: &By<'_>,
    sent: &Bulk<'_>,
) -> Result<Vec<TaskId>, Refusal> {
    if !by.actor.manages_tasks() {
        return Err(Refusal::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let ids = sent.tasks.clone().unwrap_or_else(|| {
        errors.refuse("bulk", Invalid::new("bulk.unknown_task"));
        Vec::new()
    });
    if sent.tasks.as_ref().is_some_and(Vec::is_empty) {
        errors.refuse("bulk", Invalid::new("bulk.none_selected"));
    }
    let action = bulk_action(conn, by, sent, &mut errors).await?;
    let raw: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let tasks: Vec<TaskState> = work::lock_many(conn, &raw).await?;
    if tasks.len() != ids.len() && !ids.is_empty() {
        errors.refuse("bulk", Invalid::new("bulk.unknown_task"));
    }
    let done: Vec<&str> = tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Done)
        .map(|t| t.code.as_str())
        .collect();
    if !done.is_empty() {
        errors.refuse("bulk", Invalid::with("bulk.done_tasks", done.join(", ")));
    }
    if let Some(BulkAction::Lead(unit)) = action {
        let clashes = edit::coordinated_by(&mut *conn, &ids, unit).await?;
        if !clashes.is_empty() {
            let clash = Invalid::with("bulk.lead_is_coordinator", clashes.join(", "));
            errors.refuse("bulk_lead_unit", clash);
        }
    }
    let Some(action) = action.filter(|_| errors.is_empty()) else {
        return Err(Refusal::Invalid(errors));
    };
    let (mut changed, mut moved) = (Vec::new(), Vec::new());
    for task in &tasks {
        let did = match action {
            BulkAction::Lead(unit) => move_to_lead(conn, by, task, unit).await?,
            BulkAction::Deadline(date) => move_deadline(conn, by, task, date).await?,
            BulkAction::Remind => {
                let reminder = Reminder {
                    to: Some(task.lead_unit_id),
                    doc_number: sent.doc_number,
                    message: sent.message,
                };
                task_requests::remind(conn, by, task.id, reminder).await?;
                true
            }
        };
        if did {
            changed.push(task.id);
            if let BulkAction::Lead(_) = action {
                moved.push(task);
            }
        }
    }
    if let BulkAction::Lead(unit) = action
        && !moved.is_empty()
    {
        lead_unit_changed(conn, by, &moved, unit).await?;
    }
    // New deadlines may change flags: once, for all the tasks changed.
    flags::update_task_flags(conn, by.today, Some(&changed)).await?;
    let entry = AuditEntry {
        actor: Some(by.actor.id),
        action: "task.bulk",
        entity: "task_list",
        after: Some(json!({ "action": action.name(), "tasks": changed })),
        request_id: by.request_id,
        ..Default::default()
    };
    audit::record(&mut *conn, entry).await?;
    Ok(changed)
}
