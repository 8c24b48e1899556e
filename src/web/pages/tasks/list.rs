//! `GET /tasks`: the task list, its filters as they stand in the URL, and the bulk form under
//! it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;

use crate::web::pages::{PAGE_SIZE, Pagination, render};
use serde::Deserialize;

use crate::db::admin::{self as admin_queries, UNIT_CHOICES_MAX, UnitOption};
use crate::db::directory::FieldEntry;
use crate::db::tasks::{self as queries, TaskListRow};
use crate::domain::dates::{city_day_start, parse_date};
use crate::domain::filter::{OverdueOn, TaskFilter, TaskSort};
use crate::domain::input::FieldErrors;
use crate::domain::{FieldId, ShortcomingId, TaskStatus, Timeliness, UnitGroup, UnitId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::{id_of, optional};
use crate::web::session::Session;
use crate::web::state::AppState;

/// The task list's filters as they stand in the URL (so a list can be bookmarked and shared).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub timeliness: String,
    #[serde(default)]
    pub lead: String,
    /// Lead units of a group (`departments`, `districts`).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub coordinating: String,
    /// A typed lead unit name, where there are too many units for a drop-down (`lead` wins).
    #[serde(default)]
    pub lead_name: String,
    /// The same for the coordinating unit.
    #[serde(default)]
    pub coordinating_name: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub shortcoming: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub done_from: String,
    #[serde(default)]
    pub done_to: String,
    #[serde(default)]
    pub overdue_on: String,
    #[serde(default)]
    pub returned: String,
    #[serde(default)]
    pub briefing: String,
    #[serde(default)]
    pub stale: String,
    #[serde(default)]
    pub mine: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

fn flag(raw: &str) -> bool {
    matches!(raw, "1" | "on" | "true")
}

/// Timeliness classes from a comma-separated list of codes (`on_track,due_soon`); unknown codes
/// are left out.
pub fn timeliness_list(raw: &str) -> Vec<Timeliness> {
    let mut list: Vec<Timeliness> = raw
        .split(',')
        .filter_map(|c| Timeliness::from_code(c.trim()))
        .collect();
    list.sort_by_key(|t| Timeliness::ALL.iter().position(|a| a == t));
    list.dedup();
    list
}

impl ListQuery {
    /// The filter these parameters ask for; values that mean nothing are left out.
    pub fn filter(&self, session: &Session, tz: chrono_tz::Tz) -> TaskFilter {
        TaskFilter {
            units: session.user.actor.unit_scope(),
            shortcoming: id_of(&self.shortcoming).map(ShortcomingId),
            plan: None,
            status: TaskStatus::from_code(&self.status),
            timeliness: timeliness_list(&self.timeliness),
            lead_unit: id_of(&self.lead).map(UnitId),
            unit_group: UnitGroup::from_code(&self.kind),
            coordinating_unit: id_of(&self.coordinating).map(UnitId),
            field: id_of(&self.field).map(FieldId),
            assignee: if flag(&self.mine) {
                Some(session.user.id)
            } else {
                id_of(&self.assignee).map(crate::domain::UserId)
            },
            deadline_from: parse_date(&self.from),
            deadline_to: parse_date(&self.to),
            completed_from: parse_date(&self.done_from),
            completed_to: parse_date(&self.done_to),
            overdue_on: parse_date(&self.overdue_on).and_then(|date| {
                Some(OverdueOn {
                    date,
                    day_end: city_day_start(date.succ_opt()?, tz),
                })
            }),
            returned: flag(&self.returned),
            briefing: flag(&self.briefing),
            stale: flag(&self.stale),
            text: optional(&self.q),
            sort: TaskSort::from_code(&self.sort).unwrap_or_default(),
        }
    }

    /// The query string without the page, for the pagination links.
    pub(super) fn without_page(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("status", &self.status),
            ("timeliness", &self.timeliness),
            ("lead", &self.lead),
            ("kind", &self.kind),
            ("coordinating", &self.coordinating),
            ("lead_name", &self.lead_name),
            ("coordinating_name", &self.coordinating_name),
            ("field", &self.field),
            ("shortcoming", &self.shortcoming),
            ("from", &self.from),
            ("to", &self.to),
            ("done_from", &self.done_from),
            ("done_to", &self.done_to),
            ("overdue_on", &self.overdue_on),
            ("returned", &self.returned),
            ("briefing", &self.briefing),
            ("stale", &self.stale),
            ("mine", &self.mine),
            ("assignee", &self.assignee),
            ("sort", &self.sort),
        ];
        crate::web::http::filter_query(&pairs)
    }
}

/// Choices for the filter form.
pub struct Choices {
    pub units: Vec<UnitOption>,
    pub fields: Vec<FieldEntry>,
    pub shortcomings: Vec<crate::db::shortcomings::ShortcomingOption>,
    /// Officers to filter by (of the chosen lead unit, or the user's unit).
    pub assignees: Vec<crate::db::task_work::Officer>,
}

#[derive(Template)]
#[template(path = "tasks/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    tasks: Vec<TaskListRow>,
    pagination: Pagination,
    query: ListQuery,
    base_query: String,
    choices: Choices,
    statuses: [TaskStatus; 5],
    timeliness: Vec<(String, String)>,
    /// The asked classes in the options' spelling.
    timeliness_selected: String,
    groups: [UnitGroup; 2],
    /// Filters that only links set (from the dashboards), shown as notes that can be removed.
    overdue_on: Option<chrono::NaiveDate>,
    returned: bool,
    sorts: [TaskSort; 5],
    filtered: bool,
    /// City reviewers and admins may act on the ticked tasks.
    can_bulk: bool,
    bulk: BulkForm,
    errors: FieldErrors,
    /// Typed unit names that named no single unit.
    unit_picks: Vec<UnitPick>,
    /// What the unit text boxes show (when there are too many units for drop-downs).
    lead_text: String,
    coordinating_text: String,
    /// Why an export of this list was refused (it is longer than a worksheet).
    refusal: Option<String>,
}

impl IndexPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }

    /// This list's query string without one parameter.
    pub fn without(&self, key: &str) -> String {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&self.base_query).unwrap_or_default();
        pairs.retain(|(k, _)| k != key);
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// Whether a filter date was typed that is not one the portal accepts (it is then left out,
    /// and the field says why).
    pub fn bad_date(&self, raw: &str) -> bool {
        !raw.trim().is_empty() && parse_date(raw).is_none()
    }

    /// The rows ticked in a refused bulk action.
    pub fn ticked_ids(&self) -> Vec<crate::domain::TaskId> {
        self.bulk
            .task
            .iter()
            .filter_map(|t| id_of(t).map(crate::domain::TaskId))
            .collect()
    }
}

/// `GET /tasks?…`: the tasks the user may see, filtered, sorted, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    list_page(&state, ctx, &session, query, None, None).await
}

/// A typed unit name that matched no unit or several, and the units to choose from.
pub struct UnitPick {
    /// The message key of the filter's label.
    pub label_key: &'static str,
    pub text: String,
    /// (name, the list with that unit chosen)
    pub choices: Vec<(String, String)>,
    /// More units match than are offered.
    pub more: bool,
}

/// Units offered when a typed name matches several.
const PICK_CHOICES: usize = 8;

/// Turns the typed unit names of the filters into the units' ids (a single match, or one
/// exact name among several). The names that find no unit, or several, come back for the page
/// to say so, with the matches to choose from.
async fn resolve_unit_names(
    conn: &mut sqlx::PgConnection,
    query: &mut ListQuery,
) -> Result<Vec<UnitPick>, sqlx::Error> {
    let mut picks = Vec::new();
    let base = query.without_page();
    let fields = [
        (
            "task.lead_unit",
            "lead",
            "lead_name",
            &mut query.lead,
            &mut query.lead_name,
        ),
        (
            "filter.coordinating",
            "coordinating",
            "coordinating_name",
            &mut query.coordinating,
            &mut query.coordinating_name,
        ),
    ];
    for (label_key, param, name_param, id, name) in fields {
        let text = name.trim().to_string();
        if !id.trim().is_empty() || text.is_empty() {
            name.clear();
            continue;
        }
        let found = admin_queries::units_named(&mut *conn, &text, PICK_CHOICES as i64 + 1).await?;
        let single = match found.as_slice() {
            [one] => Some(one),
            [first, second, ..] if first.exact && !second.exact => Some(first),
            _ => None,
        };
        if let Some(unit) = single {
            *id = unit.id.to_string();
            name.clear();
            continue;
        }
        let choices = found
            .iter()
            .take(PICK_CHOICES)
            .map(|unit| {
                let mut pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(&base).unwrap_or_default();
                pairs.retain(|(k, _)| k != param && k != name_param);
                pairs.push((param.to_string(), unit.id.to_string()));
                let link = format!(
                    "/tasks?{}",
                    serde_urlencoded::to_string(pairs).unwrap_or_default()
                );
                (unit.name.clone(), link)
            })
            .collect();
        picks.push(UnitPick {
            label_key,
            text,
            choices,
            more: found.len() > PICK_CHOICES,
        });
    }
    Ok(picks)
}

/// The filter a list's query asks for, as the list applies it (in the user's scope, typed unit
/// names turned into units), and the typed names that named no single unit: while there are
/// any, the list shows nothing until one is chosen. The list and its exports both take their
/// tasks from here.
pub(super) async fn resolve(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    session: &Session,
    query: &mut ListQuery,
) -> Result<(TaskFilter, Vec<UnitPick>), sqlx::Error> {
    let unit_picks = resolve_unit_names(conn, query).await?;
    Ok((query.filter(session, state.config.time_zone), unit_picks))
}

/// The task list; with `bulk`, a refused bulk action's ticks, values and messages; with
/// `refusal`, why an export of it was refused.
pub(super) async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    mut query: ListQuery,
    bulk: Option<(BulkForm, FieldErrors)>,
    refusal: Option<String>,
) -> Result<Html<String>, AppError> {
    let page = Pagination::requested(Some(query.page.as_str()));
    // One connection for the page's statements (sqlx checks each one handed back).
    let mut conn = state.pool.acquire().await?;
    let (filter, unit_picks) = resolve(&mut conn, state, session, &mut query).await?;
    let unscoped = TaskFilter {
        units: filter.units.clone(),
        ..TaskFilter::default()
    };
    // A unit name that names no single unit lists nothing until one is chosen.
    let (tasks, total) = if unit_picks.is_empty() {
        queries::list(
            &mut conn,
            session.names(state),
            &filter,
            state.as_of(),
            PAGE_SIZE,
            Pagination::offset(page),
        )
        .await?
    } else {
        (Vec::new(), 0)
    };
    // Only a text search stops counting at the cap (see `tasks::list`).
    let pagination = if filter.text.is_some() {
        Pagination::capped(page, total, queries::SEARCH_COUNT_CAP)
    } else {
        Pagination::new(page, total)
    };
    if tasks.is_empty() && page > pagination.pages {
        return Err(AppError::NotFound);
    }
    // Officers to filter by: those of the chosen lead unit, or of the user's own unit.
    let assignee_unit = filter
        .lead_unit
        .or_else(|| (!session.user.actor.sees_all_units()).then_some(session.user.unit_id));
    let directory = &session.directory;
    let assignees = match assignee_unit {
        Some(unit) => directory.users().assignable(unit),
        None => Vec::new(),
    };
    let units = directory.units().choices(None, UNIT_CHOICES_MAX);
    // Without a drop-down, the chosen units are named in the text boxes.
    let mut unit_texts = (query.lead_name.clone(), query.coordinating_name.clone());
    if units.is_empty() {
        let name =
            |unit: Option<UnitId>| unit.and_then(|u| directory.unit(u)).map(|u| u.name.clone());
        if let Some(lead) = name(filter.lead_unit) {
            unit_texts.0 = lead;
        }
        if let Some(coordinating) = name(filter.coordinating_unit) {
            unit_texts.1 = coordinating;
        }
    }
    let choices = Choices {
        units,
        fields: directory.fields().to_vec(),
        shortcomings: directory.shortcoming_options(),
        assignees,
    };
    drop(conn);
    let (bulk, errors) = bulk.unwrap_or_default();
    let timeliness_selected = timeliness_codes(&filter.timeliness);
    let timeliness = timeliness_choices(&ctx, &filter.timeliness, &timeliness_selected);
    render(&IndexPage {
        ctx,
        tasks,
        pagination,
        base_query: query.without_page(),
        query,
        choices,
        statuses: TaskStatus::ALL,
        timeliness,
        timeliness_selected,
        groups: UnitGroup::ALL,
        overdue_on: filter.overdue_on.map(|on| on.date),
        returned: filter.returned,
        sorts: TaskSort::ALL,
        filtered: filter != unscoped,
        can_bulk: session.user.actor.manages_tasks(),
        bulk,
        errors,
        unit_picks,
        lead_text: unit_texts.0,
        coordinating_text: unit_texts.1,
        refusal,
    })
}

/// The timeliness filter's options: each class, the groups the dashboards count (open in time,
/// open, done), and whatever other combination the URL asked for.
fn timeliness_choices(ctx: &PageCtx, asked: &[Timeliness], code: &str) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = Timeliness::ALL
        .iter()
        .map(|t| (t.code().to_string(), ctx.t(t.label_key()).to_string()))
        .collect();
    for (list, key) in TIMELINESS_GROUPS {
        choices.push((list.to_string(), ctx.t(key).to_string()));
    }
    if asked.len() > 1 && !choices.iter().any(|(c, _)| c == code) {
        let label = asked
            .iter()
            .map(|t| ctx.t(t.label_key()))
            .collect::<Vec<_>>()
            .join(" + ");
        choices.push((code.to_string(), label));
    }
    choices
}

/// Classes as the URL spells them: `on_track,due_soon`.
fn timeliness_codes(list: &[Timeliness]) -> String {
    list.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// Groups of classes that the dashboards count together, with their labels.
pub const TIMELINESS_GROUPS: [(&str, &str); 3] = [
    (
        "on_track,due_soon,no_deadline",
        "timeliness_group.open_in_time",
    ),
    (
        "on_track,due_soon,overdue,no_deadline",
        "timeliness_group.open",
    ),
    ("done_on_time,done_late", "timeliness_group.done"),
];

/// The bulk form under a filtered list: the ticked tasks and what to do with them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    pub task: Vec<String>,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub lead_unit: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub message: String,
    /// The list's query string, to come back to the same list.
    #[serde(default)]
    pub back: String,
}
