//! The user's notifications: the list behind the bell, marking them read, and how they also
//! arrive by email. A user only ever reaches their own notifications: every query is keyed by
//! the signed-in user, and another user's notification is simply not found.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{PAGE_SIZE, finish, parse_id, render};
use crate::db::audit::{self as audit_log, AuditEntry};
use crate::db::notifications::{self as queries, EmailSettings, NotificationRow};
use crate::domain::NotificationKind;
use crate::i18n::Lang;
use crate::notify::text;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::NoFields;
use crate::web::http::request_id;
use crate::web::http::see_other;
use crate::web::session::Session;
use crate::web::state::AppState;

/// One notification as the list shows it.
pub struct Item {
    pub id: i64,
    /// What happened, in the page's language, cut around the task's code so the page can keep
    /// the code on one line (`TT-01.31` would otherwise break at its hyphen on a phone).
    pub text: (String, Option<String>, String),
    /// The title of the task it is about, if any.
    pub task_title: Option<String>,
    /// The page it leads to, if the portal has one.
    pub target: Option<String>,
    pub unread: bool,
    pub at: DateTime<Utc>,
}

impl Item {
    fn new(ctx: &PageCtx, tz: chrono_tz::Tz, row: NotificationRow) -> Item {
        let said = text::render(
            ctx.lang,
            tz,
            row.kind,
            &row.params,
            row.task_code.as_deref(),
        );
        Item {
            id: row.id,
            text: around(said, row.task_code.as_deref()),
            target: text::target(row.task_id, &row.params),
            task_title: row.task_title,
            unread: row.read_at.is_none(),
            at: row.created_at,
        }
    }
}

/// `text` cut at the first `code` in it: before, the code, after.
fn around(text: String, code: Option<&str>) -> (String, Option<String>, String) {
    match code
        .filter(|c| !c.is_empty())
        .and_then(|c| Some((c, text.find(c)?)))
    {
        Some((code, at)) => (
            text[..at].to_owned(),
            Some(code.to_owned()),
            text[at + code.len()..].to_owned(),
        ),
        None => (text, None, String::new()),
    }
}

#[derive(Template)]
#[template(path = "notifications/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    items: Vec<Item>,
    unread: Option<String>,
    older: Option<String>,
    newest: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    before: String,
}

/// `GET /notifications?before=…`: the user's notifications, newest first, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    // A cursor that is not an id is ignored: the list starts at the newest.
    let before = crate::web::forms::id_of(&query.before);
    let mut rows = queries::page(&state.pool, session.user.id, before, PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let older = rows
        .last()
        .filter(|_| more)
        .map(|r| format!("/notifications?before={}", r.id));
    let tz = state.config.time_zone;
    let items = rows.into_iter().map(|r| Item::new(&ctx, tz, r)).collect();
    render(&IndexPage {
        unread: ctx.unread_badge(),
        newest: before.map(|_| "/notifications".to_owned()),
        ctx,
        items,
        older,
    })
}

/// `POST /notifications/{id}/read`: marks one of the user's notifications read and opens what
/// it is about. Another user's notification is not found.
pub async fn read(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut tx = state.pool.begin().await?;
    let read = queries::mark_read(&mut *tx, session.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if read.was_unread {
        audit_log::record(
            &mut *tx,
            AuditEntry {
                actor: Some(session.user.id),
                action: "notification.read",
                entity: "notification",
                entity_id: Some(id.to_string()),
                before: Some(json!({ "read": false })),
                after: Some(json!({ "read": true })),
                request_id: request_id(&headers),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    let target = text::target(read.task_id, &read.params);
    Ok(see_other(target.as_deref().unwrap_or("/notifications")))
}

/// `POST /notifications/read-all`: marks every unread notification of the user read.
pub async fn read_all(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    let count = queries::mark_all_read(&mut *tx, session.user.id).await?;
    if count == 0 {
        // Nothing changed, so nothing to record.
        return Ok(see_other("/notifications"));
    }
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "notification.read_all",
            entity: "user",
            entity_id: Some(session.user.id.to_string()),
            after: Some(json!({ "marked_read": count })),
            ..Default::default()
        },
        ("notifications.read_all_done", Some(count.to_string())),
        "/notifications",
    )
    .await
}

/// One kind on the settings page, and whether it also goes by email.
pub struct KindChoice {
    pub kind: NotificationKind,
    pub email: bool,
}

#[derive(Template)]
#[template(path = "notifications/settings.html")]
pub struct SettingsPage {
    ctx: PageCtx,
    kinds: Vec<KindChoice>,
    email: Option<String>,
    digest: bool,
    language: String,
    /// "The portal's default (Vietnamese)".
    default_language: String,
    /// The portal sends no email (no mail server configured).
    email_off: bool,
}

impl SettingsPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }
}

/// `GET /account/notifications`: which kinds also arrive by email, daily digest or not, and
/// in which language.
pub async fn settings_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
) -> Result<Html<String>, AppError> {
    let settings = queries::email_settings(&state.pool, session.user.id).await?;
    let default = state.config.default_lang;
    let default_language = format!(
        "{} ({})",
        ctx.t("notification_settings.language_default"),
        ctx.t(language_key(default))
    );
    render(&SettingsPage {
        kinds: NotificationKind::ALL
            .into_iter()
            .map(|kind| KindChoice {
                kind,
                email: settings.kinds.contains(&kind),
            })
            .collect(),
        email: settings.email,
        digest: settings.digest,
        language: settings.language.unwrap_or_default(),
        default_language,
        email_off: state.config.smtp.is_none(),
        ctx,
    })
}

fn language_key(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "notification_settings.language_vi",
        Lang::En => "notification_settings.language_en",
    }
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    /// The kinds ticked "also by email", by code.
    #[serde(default)]
    email: Vec<String>,
    /// `each` or `digest`.
    #[serde(default)]
    delivery: String,
    /// `vi`, `en`, or empty for the portal's default.
    #[serde(default)]
    language: String,
}

/// What the settings form chose; `None` when it holds a value no page offers (a hand-made
/// request, answered 400).
fn parse_settings(form: &SettingsForm) -> Option<(Vec<NotificationKind>, bool, Option<Lang>)> {
    let kinds = form
        .email
        .iter()
        .map(|code| NotificationKind::from_code(code.trim()))
        .collect::<Option<Vec<_>>>()?;
    let digest = match form.delivery.as_str() {
        "" | "each" => false,
        "digest" => true,
        _ => return None,
    };
    let language = match form.language.trim() {
        "" => None,
        code => Some(Lang::from_code(code)?),
    };
    Some((kinds, digest, language))
}

/// The settings as the audit log records them.
fn snapshot(settings: &EmailSettings) -> serde_json::Value {
    json!({
        "email_kinds": settings.kinds.iter().map(|k| k.code()).collect::<Vec<_>>(),
        "digest": settings.digest,
        "language": settings.language,
    })
}

/// `POST /account/notifications`: saves the choices, with their audit entry, in one
/// transaction.
pub async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, AppError> {
    let (kinds, digest, language) = parse_settings(&form).ok_or(AppError::BadRequest)?;
    let user = session.user.id;
    let mut tx = state.pool.begin().await?;
    let before = queries::email_settings(&mut *tx, user).await?;
    queries::save_email_settings(&mut tx, user, &kinds, digest, language.map(Lang::code)).await?;
    let after = queries::email_settings(&mut *tx, user).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "account.notification_preferences",
            entity: "user",
            entity_id: Some(user.to_string()),
            unit: Some(session.user.unit_id),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
            ..Default::default()
        },
        ("notification_settings.saved", None),
        "/account/notifications",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &[&str], delivery: &str, language: &str) -> SettingsForm {
        SettingsForm {
            email: email.iter().map(|s| s.to_string()).collect(),
            delivery: delivery.into(),
            language: language.into(),
        }
    }

    #[test]
    fn texts_are_cut_around_the_code() {
        assert_eq!(
            around("Nhiệm vụ TT-01.31 đã quá hạn".into(), Some("TT-01.31")),
            (
                "Nhiệm vụ ".to_owned(),
                Some("TT-01.31".to_owned()),
                " đã quá hạn".to_owned()
            )
        );
        assert_eq!(
            around("Báo cáo định kỳ".into(), Some("TT-01.31")),
            ("Báo cáo định kỳ".to_owned(), None, String::new())
        );
        assert_eq!(
            around("Báo cáo".into(), None),
            ("Báo cáo".to_owned(), None, String::new())
        );
    }

    #[test]
    fn settings_forms_hold_only_offered_values() {
        assert_eq!(
            parse_settings(&form(&["reminder", "overdue"], "digest", "en")),
            Some((
                vec![NotificationKind::Reminder, NotificationKind::Overdue],
                true,
                Some(Lang::En)
            ))
        );
        assert_eq!(
            parse_settings(&form(&[], "", "")),
            Some((vec![], false, None))
        );
        assert_eq!(parse_settings(&form(&["party"], "each", "")), None);
        assert_eq!(parse_settings(&form(&[], "weekly", "")), None);
        assert_eq!(parse_settings(&form(&[], "each", "fr")), None);
    }
}
