//! The audit log ("Nhật ký"): who did what and when, with what changed. Read by the City (all
//! of it) and by unit heads (their units' entries), filtered by what stands in the URL.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{PAGE_SIZE, render};
use crate::db::audit::{self as queries, AuditFilter, AuditRow, Cursor};
use crate::domain::dates::{city_day_start, format_date, format_datetime, parse_date};
use crate::domain::text::shorten;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::id_of;
use crate::web::session::Session;
use crate::web::state::AppState;

/// Longest value shown in the before → after view; the rest is cut off with "…".
const VALUE_CHARS: usize = 80;

/// The log's filters as they stand in the URL (so a view can be bookmarked), and the cursor.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    before: String,
    #[serde(default)]
    after: String,
}

/// Trimmed, without control characters (PostgreSQL refuses a NUL in text; a typed tab means
/// nothing here); `None` when nothing is left.
fn cleaned(raw: &str) -> Option<String> {
    let value: String = raw.chars().filter(|c| !c.is_control()).collect();
    let value = value.trim();
    (!value.is_empty()).then(|| value.chars().take(200).collect())
}

impl ListQuery {
    /// The same filters, cleaned up, as the form shows them again.
    fn cleaned(&self) -> ListQuery {
        let keep = |raw: &str| cleaned(raw).unwrap_or_default();
        ListQuery {
            entity: keep(&self.entity),
            id: keep(&self.id),
            actor: keep(&self.actor),
            action: keep(&self.action),
            from: keep(&self.from),
            to: keep(&self.to),
            before: String::new(),
            after: String::new(),
        }
    }

    fn cursor(&self) -> Cursor {
        match (id_of(&self.before), id_of(&self.after)) {
            (Some(id), _) => Cursor::Before(id),
            (None, Some(id)) => Cursor::After(id),
            (None, None) => Cursor::Newest,
        }
    }

    /// The query string of the filters (no cursor), for the paging links.
    fn filters_query(&self) -> String {
        let pairs = [
            ("entity", &self.entity),
            ("id", &self.id),
            ("actor", &self.actor),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let kept: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

/// A filter date: empty, a day, or something that is not a date (said on the page).
fn filter_date(ctx: &PageCtx, raw: &str, messages: &mut Vec<String>) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    let date = parse_date(raw);
    if date.is_none() {
        messages.push(ctx.tf("audit.bad_date", raw));
    }
    date
}

/// One changed key: its value before and after, as short text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: String,
    pub before: String,
    pub after: String,
    /// The whole values, when they were cut short.
    pub full: Option<String>,
}

/// A JSON value as a person reads it: text without quotes, instants and dates the Vietnamese
/// way in the City's time zone, nothing as a dash, the rest as JSON.
fn show(value: Option<&Value>, tz: Tz) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) => {
            if let Ok(at) = DateTime::parse_from_rfc3339(s) {
                format_datetime(at.with_timezone(&Utc), tz)
            } else if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                format_date(date)
            } else {
                s.clone()
            }
        }
        Some(other) => other.to_string(),
    }
}

/// The keys whose values differ between `before` and `after` (a missing key and `null` are
/// the same: nothing). When both are recorded, only the keys of `after` count: writers record
/// the row before and the values saved after, so a key only in `before` (its id, say) was not
/// saved, not removed. Two values that are not objects are compared whole, under an empty key.
pub fn changes(before: Option<&Value>, after: Option<&Value>, tz: Tz) -> Vec<Change> {
    fn object(value: Option<&Value>) -> Option<Map<String, Value>> {
        match value {
            None | Some(Value::Null) => Some(Map::new()),
            Some(Value::Object(map)) => Some(map.clone()),
            Some(_) => None,
        }
    }
    let change = |key: &str, b: Option<&Value>, a: Option<&Value>| {
        let (before, after) = (show(b, tz), show(a, tz));
        let (short_before, short_after) =
            (shorten(&before, VALUE_CHARS), shorten(&after, VALUE_CHARS));
        let full = (short_before != before || short_after != after)
            .then(|| shorten(&format!("{before} → {after}"), 2000));
        Change {
            key: key.to_owned(),
            before: short_before,
            after: short_after,
            full,
        }
    };
    match (object(before), object(after)) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = if a.is_empty() {
                b.keys().collect()
            } else {
                a.keys().collect()
            };
            keys.sort();
            keys.into_iter()
                .filter(|k| b.get(*k).unwrap_or(&Value::Null) != a.get(*k).unwrap_or(&Value::Null))
                .map(|k| change(k, b.get(k), a.get(k)))
                .collect()
        }
        _ if before.unwrap_or(&Value::Null) == after.unwrap_or(&Value::Null) => Vec::new(),
        _ => vec![change("", before, after)],
    }
}

/// The catalog key of an action's label: `task.progress` → `audit_action.task_progress`.
fn action_key(action: &str) -> String {
    format!("audit_action.{}", action.replace('.', "_"))
}

/// One row of the log as the page shows it.
pub struct EntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The actor's name and unit; `None` for the system (background jobs, the command line)
    /// or an anonymous visitor.
    pub actor: Option<(String, String)>,
    /// Said when there is no actor: "System", or "Visitor" for sign-in attempts.
    pub nobody: &'static str,
    pub action: String,
    /// The action's label, or its code when the catalog has none.
    pub action_label: String,
    pub entity_label: String,
    pub entity_id: Option<String>,
    /// The page of the thing changed, when the portal has one.
    pub link: Option<String>,
    /// The log of this one thing, when it has an id and no page of its own.
    pub history: Option<String>,
    pub changes: Vec<Change>,
    pub request_id: Option<String>,
}

impl EntryView {
    fn new(ctx: &PageCtx, tz: Tz, row: AuditRow) -> EntryView {
        let action_label = ctx
            .t_opt(&action_key(&row.action))
            .map(str::to_owned)
            .unwrap_or_else(|| row.action.clone());
        let entity_label = ctx
            .t_opt(&format!("audit_entity.{}", row.entity))
            .map(str::to_owned)
            .unwrap_or_else(|| row.entity.clone());
        let numeric_id = row.entity_id.as_deref().and_then(id_of);
        let link = match (row.entity.as_str(), numeric_id) {
            ("task", Some(id)) => Some(format!("/tasks/{id}")),
            ("shortcoming", Some(id)) => Some(format!("/shortcomings/{id}")),
            _ => None,
        };
        let history = match (&link, &row.entity_id) {
            (None, Some(id)) => {
                serde_urlencoded::to_string([("entity", row.entity.as_str()), ("id", id.as_str())])
                    .ok()
                    .map(|query| format!("/audit?{query}"))
            }
            _ => None,
        };
        let actor = row.actor_id.map(|_| {
            (
                row.actor_name.unwrap_or_default(),
                row.actor_unit.unwrap_or_default(),
            )
        });
        let nobody = if row.action.starts_with("auth.") {
            ctx.t("audit.visitor")
        } else {
            ctx.t("audit.system")
        };
        EntryView {
            id: row.id,
            at: row.occurred_at,
            actor,
            nobody,
            changes: changes(row.before.as_ref(), row.after.as_ref(), tz),
            action: row.action,
            action_label,
            entity_label,
            entity_id: row.entity_id,
            link,
            history,
            request_id: row.request_id,
        }
    }
}

#[derive(Template)]
#[template(path = "audit/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    entries: Vec<EntryView>,
    /// The filters as typed (cleaned), to show them again.
    query: ListQuery,
    /// Entity kinds to choose from: code and label.
    entities: Vec<(String, String)>,
    /// Filter values that could not be used.
    messages: Vec<String>,
    /// Only the user's units' entries are shown (a unit head).
    scoped: bool,
    filtered: bool,
    newer: Option<String>,
    older: Option<String>,
    newest: Option<String>,
}

impl IndexPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }
}

/// `GET /audit?entity=…&id=…&actor=…&action=…&from=…&to=…&before=…`: the entries the user may
/// read, newest first, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(raw): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let actor = &session.user.actor;
    if !actor.reads_audit() {
        return Err(AppError::Forbidden);
    }
    let query = raw.cleaned();
    let tz = state.config.time_zone;
    let mut messages = Vec::new();
    let mut from = filter_date(&ctx, &query.from, &mut messages);
    let mut to = filter_date(&ctx, &query.to, &mut messages);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        messages.push(ctx.tf2("audit.bad_range", format_date(f), format_date(t)));
        (from, to) = (None, None);
    }
    let filter = AuditFilter {
        // Admins and the City read every entry; a unit head their units' (docs/design.md: Roles).
        units: actor.unit_scope(),
        entity: cleaned(&query.entity),
        entity_id: cleaned(&query.id),
        actor: cleaned(&query.actor),
        action: cleaned(&query.action),
        from: from.map(|d| city_day_start(d, tz)),
        until: to.and_then(|d| d.succ_opt()).map(|d| city_day_start(d, tz)),
    };

    // One row more than a page says whether there is another page in that direction.
    let mut cursor = raw.cursor();
    let mut rows = queries::page(&state.pool, &filter, cursor, PAGE_SIZE + 1).await?;
    if matches!(cursor, Cursor::After(_)) && rows.len() as i64 <= PAGE_SIZE {
        // Back at the newest entries: show the newest page, full.
        cursor = Cursor::Newest;
        rows = queries::page(&state.pool, &filter, cursor, PAGE_SIZE + 1).await?;
    }
    let more = rows.len() as i64 > PAGE_SIZE;
    if more {
        match cursor {
            // Newer than the cursor: the extra row is the newest one.
            Cursor::After(_) => {
                rows.remove(0);
            }
            _ => {
                rows.pop();
            }
        }
    }
    let (has_newer, has_older) = match cursor {
        Cursor::Newest => (false, more),
        Cursor::Before(_) => (true, more),
        Cursor::After(_) => (true, true),
    };

    let filters = query.filters_query();
    let link = |cursor: Option<(&str, i64)>| {
        let mut query = filters.clone();
        if let Some((name, id)) = cursor {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&format!("{name}={id}"));
        }
        if query.is_empty() {
            "/audit".to_owned()
        } else {
            format!("/audit?{query}")
        }
    };
    let newer = rows
        .first()
        .filter(|_| has_newer)
        .map(|r| link(Some(("after", r.id))));
    let older = rows
        .last()
        .filter(|_| has_older)
        .map(|r| link(Some(("before", r.id))));
    let newest = (cursor != Cursor::Newest).then(|| link(None));

    let mut entities: Vec<(String, String)> = queries::entities(&state.pool)
        .await?
        .into_iter()
        .map(|code| {
            let label = ctx
                .t_opt(&format!("audit_entity.{code}"))
                .unwrap_or(code.as_str())
                .to_owned();
            (code, label)
        })
        .collect();
    if !query.entity.is_empty() && !entities.iter().any(|(code, _)| *code == query.entity) {
        // A bookmarked kind with no entries yet stays chosen.
        entities.push((query.entity.clone(), query.entity.clone()));
    }

    let entries = rows
        .into_iter()
        .map(|r| EntryView::new(&ctx, tz, r))
        .collect();
    render(&IndexPage {
        scoped: filter.units.is_some(),
        filtered: !filters.is_empty(),
        ctx,
        entries,
        query,
        entities,
        messages,
        newer,
        older,
        newest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use serde_json::json;

    const HANOI: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    #[test]
    fn only_changed_keys_are_shown() {
        let before = json!({ "id": 4, "name": "Sở Xây dựng", "active": true, "note": null });
        let after = json!({ "name": "Sở XD", "active": true, "code": "SXD" });
        let shown = changes(Some(&before), Some(&after), HANOI);
        let keys: Vec<&str> = shown.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["code", "name"]);
        assert_eq!(shown[0].before, "—");
        assert_eq!(shown[0].after, "SXD");
        assert_eq!(shown[1].before, "Sở Xây dựng");
        assert_eq!(shown[1].after, "Sở XD");
    }

    #[test]
    fn created_and_plain_values() {
        let created = changes(
            None,
            Some(&json!({ "overdue": true, "percent": 40 })),
            HANOI,
        );
        assert_eq!(created.len(), 2);
        assert_eq!(created[0].after, "true");
        assert_eq!(created[1].after, "40");
        assert!(changes(None, None, HANOI).is_empty());
        let deleted = changes(Some(&json!({ "code": "SXD" })), None, HANOI);
        assert_eq!(
            (deleted[0].before.as_str(), deleted[0].after.as_str()),
            ("SXD", "—")
        );
        let plain = changes(Some(&json!("a")), Some(&json!(["b"])), HANOI);
        assert_eq!(plain.len(), 1);
        assert_eq!(
            (plain[0].before.as_str(), plain[0].after.as_str()),
            ("a", "[\"b\"]")
        );
    }

    #[test]
    fn instants_and_dates_read_the_vietnamese_way() {
        let before = json!({ "at": "2026-01-10T17:30:00+00:00", "since": null });
        let after = json!({ "at": "2026-01-10T18:00:00Z", "since": "2026-01-11" });
        let shown = changes(Some(&before), Some(&after), HANOI);
        assert_eq!(shown[0].before, "11/01/2026 00:30");
        assert_eq!(shown[0].after, "11/01/2026 01:00");
        assert_eq!(shown[1].after, "11/01/2026");
    }

    #[test]
    fn long_values_are_cut_short() {
        let long = "đ".repeat(300);
        let shown = changes(None, Some(&json!({ "description": long })), HANOI);
        assert_eq!(shown[0].after.chars().count(), VALUE_CHARS);
        assert!(shown[0].after.ends_with('…'));
        assert!(shown[0].full.as_deref().is_some_and(|f| f.contains("đđđ")));
    }

    #[test]
    fn filters_are_cleaned_and_kept_in_the_url() {
        let raw = ListQuery {
            entity: " task ".into(),
            id: "12".into(),
            action: "task.\0".into(),
            from: "01/02/2026".into(),
            before: "99".into(),
            ..ListQuery::default()
        };
        let query = raw.cleaned();
        assert_eq!(query.action, "task.");
        assert_eq!(
            query.filters_query(),
            "entity=task&id=12&action=task.&from=01%2F02%2F2026"
        );
        assert_eq!(raw.cursor(), Cursor::Before(99));
        assert_eq!(ListQuery::default().cursor(), Cursor::Newest);
        assert_eq!(cleaned(" \t "), None);
    }

    /// Every action the portal writes (or is about to) has a label in both languages.
    #[test]
    fn every_action_has_a_label() {
        let actions = [
            "auth.sign_in",
            "auth.sign_in_failed",
            "auth.sign_out",
            "user.change_password",
            "unit.create",
            "unit.update",
            "unit.deactivate",
            "unit.reactivate",
            "unit.delete",
            "user.create",
            "user.update",
            "user.deactivate",
            "user.reactivate",
            "user.reset_password",
            "field.create",
            "field.update",
            "source.create",
            "source.update",
            "source.attach_file",
            "task.flag_overdue",
            "task.clear_overdue",
            "task.flag_stale",
            "task.clear_stale",
            "plan.flag_overdue",
            "plan.clear_overdue",
            "task.create",
            "task.update",
            "task.progress",
            "task.contribution",
            "task.confirm",
            "task.return",
            "task.assign",
            "extension.request",
            "extension.approve",
            "extension.reject",
            "escalation.raise",
            "escalation.answer",
            "reminder.send",
            "task.bulk_lead",
            "task.bulk_deadline",
            "task.mark_briefing",
            "task.clear_briefing",
            "shortcoming.create",
            "shortcoming.update",
            "plan.create",
            "plan.update",
            "plan.attach_file",
            "notification.read",
            "notification.read_all",
            "account.notification_preferences",
        ];
        for lang in Lang::ALL {
            let missing: Vec<_> = actions
                .iter()
                .filter(|a| lang.catalog().find(&action_key(a)).is_none())
                .collect();
            assert!(missing.is_empty(), "{lang:?} lacks labels for {missing:?}");
        }
    }
}
