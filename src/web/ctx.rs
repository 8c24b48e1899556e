//! What every page needs to know about the request: the language, the request id, the path
//! (for the language switch) and the City's calendar.

use std::convert::Infallible;
use std::fmt::Display;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::assets;
use super::http::{cookie, percent_encode, random_token, request_id};
use super::session::{Session, SessionUser};
use super::state::AppState;
use crate::db::auth::UNREAD_CAP;
use crate::domain::Role;
use crate::domain::dates::{format_date, format_datetime};
use crate::i18n::{Catalog, Lang};

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The request facts a page or an error page depends on.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub lang: Lang,
    pub request_id: String,
    pub path: String,
}

impl RequestInfo {
    pub fn from_parts(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Self {
        let lang = cookie(headers, LANG_COOKIE)
            .and_then(|v| Lang::from_code(&v))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(state.config.default_lang);
        let request_id = request_id(headers).unwrap_or("-").to_owned();
        let path = uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        RequestInfo {
            lang,
            request_id,
            path,
        }
    }
}

/// A small `Copy` value, or any number of references to one: templates pass fields by
/// reference and match bindings by value, and formatting should accept both.
pub trait Borrowed<T: Copy> {
    fn get(&self) -> T;
}

macro_rules! borrowed {
    ($($t:ty),*) => {$(
        impl Borrowed<$t> for $t {
            fn get(&self) -> $t {
                *self
            }
        }
        impl Borrowed<$t> for &$t {
            fn get(&self) -> $t {
                **self
            }
        }
        impl Borrowed<$t> for &&$t {
            fn get(&self) -> $t {
                ***self
            }
        }
    )*};
}

borrowed!(
    NaiveDate,
    Option<NaiveDate>,
    DateTime<Utc>,
    i64,
    Option<f64>
);

/// Handed to every template: translation, formatting and the shell's links.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// The signed-in user and their session's CSRF token, if any.
    pub session: Option<Session>,
    pub request_id: String,
    pub path: String,
    pub today: NaiveDate,
    catalog: &'static Catalog,
    tz: Tz,
}

impl PageCtx {
    pub fn new(state: &AppState, info: RequestInfo, session: Option<Session>) -> Self {
        PageCtx {
            lang: info.lang,
            session,
            request_id: info.request_id,
            path: info.path,
            today: state.today(),
            catalog: info.lang.catalog(),
            tz: state.config.time_zone,
        }
    }

    /// A new one-time key for a form that adds something: its action ends with
    /// `?{{ ctx.once() }}` (`web::once`).
    pub fn once(&self) -> String {
        format!("{}={}", crate::web::once::PARAM, random_token())
    }

    /// The messages in the page's language.
    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// The message for `key` in the page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.catalog.get(key)
    }

    /// The message for `key` if there is one (for keys built from data).
    pub fn t_opt(&self, key: &str) -> Option<&'static str> {
        self.catalog.find(key)
    }

    /// The message for `key` with one `{n}` placeholder filled in.
    pub fn tf(&self, key: &str, n: impl Display) -> String {
        self.catalog.format(key, &[("n", &n)])
    }

    /// The message for `key` with `{a}` and `{b}` filled in.
    pub fn tf2(&self, key: &str, a: impl Display, b: impl Display) -> String {
        self.catalog.format(key, &[("a", &a), ("b", &b)])
    }

    pub fn date(&self, date: impl Borrowed<NaiveDate>) -> String {
        format_date(date.get())
    }

    /// A date, or a dash when there is none.
    pub fn opt_date(&self, date: impl Borrowed<Option<NaiveDate>>) -> String {
        date.get().map(format_date).unwrap_or_else(|| "—".into())
    }

    pub fn datetime(&self, at: impl Borrowed<DateTime<Utc>>) -> String {
        format_datetime(at.get(), self.tz)
    }

    /// The CSRF token every form of a signed-in page carries.
    pub fn csrf(&self) -> &str {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or("")
    }

    pub fn user(&self) -> Option<&SessionUser> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The one-time message to show on this page, in the page's language.
    pub fn flash(&self) -> Option<String> {
        let flash = self.session.as_ref()?.flash.as_ref()?;
        Some(match &flash.value {
            Some(value) => self.catalog.format(&flash.key, &[("n", value)]),
            None => self.catalog.get(&flash.key).to_owned(),
        })
    }

    /// The count on the bell: nothing when all is read, "99+" past what is counted.
    pub fn unread_badge(&self) -> Option<String> {
        match self.session.as_ref()?.unread_notifications {
            0 => None,
            n if n >= UNREAD_CAP => Some(format!("{}+", UNREAD_CAP - 1)),
            n => Some(n.to_string()),
        }
    }

    /// What the bell says to a screen reader: how many notifications are unread.
    pub fn bell_label(&self) -> String {
        match self.unread_badge() {
            Some(count) => self.tf("nav.notifications_unread", count),
            None => self.t("nav.notifications_none").to_owned(),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user().is_some_and(|u| u.role == Role::Admin)
    }

    /// May read the audit log (the navigation shows the link; the page checks again).
    pub fn reads_audit(&self) -> bool {
        self.user().is_some_and(|u| u.actor.reads_audit())
    }

    /// City reviewers and admins: shows the buttons to create and edit shortcomings and plans
    /// (a courtesy; the routes check it themselves).
    pub fn manages_tasks(&self) -> bool {
        self.user().is_some_and(|u| u.actor.manages_tasks())
    }

    /// Admins, City reviewers and viewers: shows the links to what covers every unit (the
    /// routes check it themselves).
    pub fn sees_all_units(&self) -> bool {
        self.user().is_some_and(|u| u.actor.sees_all_units())
    }

    /// The thousands separator of the page's language.
    pub fn thousands(&self) -> char {
        if self.is_vi() { '.' } else { ',' }
    }

    /// A count with its thousands grouped: "24.321" (vi), "24,321" (en).
    pub fn num(&self, n: impl Borrowed<i64>) -> String {
        crate::domain::text::group_thousands(n.get(), self.thousands())
    }

    /// A share in percent with one decimal ("85,3 %", "85.3%"), or a dash when there is none.
    pub fn pct(&self, rate: impl Borrowed<Option<f64>>) -> String {
        match rate.get() {
            None => "—".to_string(),
            Some(r) if self.is_vi() => format!("{r:.1} %").replace('.', ","),
            Some(r) => format!("{r:.1}%"),
        }
    }

    /// "quý I/2027", "tháng 3/2027", "năm 2027" (or their English).
    pub fn period_label(&self, period: &str, year: i32, number: Option<u32>) -> String {
        crate::notify::text::period_label(
            self.catalog,
            period,
            i64::from(year),
            number.map(i64::from),
        )
        .unwrap_or_default()
    }

    pub fn is_vi(&self) -> bool {
        self.lang == Lang::Vi
    }

    /// The link that switches the interface to `code` and comes back to this page.
    pub fn lang_url(&self, code: &str) -> String {
        format!("/lang?to={code}&next={}", percent_encode(&self.path))
    }

    pub fn css_url(&self) -> String {
        assets::url("app.css")
    }

    /// The stylesheet of documents laid out for paper.
    pub fn print_css_url(&self) -> String {
        assets::url("print.css")
    }

    pub fn icon_url(&self) -> String {
        assets::url("favicon.svg")
    }

    /// What the first link of the navigation says: the home page differs by role.
    pub fn home_label_key(&self) -> &'static str {
        match self.user() {
            Some(u) if u.actor.sees_all_units() => "nav.dashboard",
            Some(u) if u.role == Role::UnitHead => "nav.my_unit",
            _ => "nav.my_tasks",
        }
    }

    /// On the home page or one of the dashboards.
    pub fn on_home(&self) -> bool {
        let path = self.path.split('?').next().unwrap_or("");
        path == "/"
            || path == "/dashboard"
            || path == "/my-tasks"
            || (path.starts_with("/units/") && path.ends_with("/dashboard"))
    }

    /// True when the page's path is under `prefix` (to highlight the navigation).
    pub fn in_section(&self, prefix: &str) -> bool {
        let path = self.path.split('?').next().unwrap_or("");
        if prefix == "/" {
            path == "/"
        } else {
            path == prefix || path.starts_with(&format!("{prefix}/"))
        }
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let info = match parts.extensions.get::<RequestInfo>() {
            Some(info) => info.clone(),
            None => RequestInfo::from_parts(state, &parts.headers, &parts.uri),
        };
        let session = parts.extensions.get::<Session>().cloned();
        Ok(PageCtx::new(state, info, session))
    }
}
