//! The language switch: remembers the choice in a cookie and goes back to the page.

use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::i18n::Lang;
use crate::web::ctx::LANG_COOKIE;
use crate::web::http::local_path;

#[derive(Debug, Deserialize)]
pub struct SwitchQuery {
    to: Option<String>,
    next: Option<String>,
}

/// `GET /lang?to=en&next=/tasks`: sets the language cookie and redirects (303) back.
pub async fn switch(
    axum::extract::State(state): axum::extract::State<crate::web::state::AppState>,
    Query(query): Query<SwitchQuery>,
) -> Response {
    let next = local_path(query.next.as_deref());
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
    if let Some(lang) = query.to.as_deref().and_then(Lang::from_code) {
        let secure = if state.config.https { "; Secure" } else { "" };
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use crate::web::http::local_path as safe_next;

    #[test]
    fn redirects_stay_on_the_site() {
        assert_eq!(safe_next(Some("/tasks?page=2")), "/tasks?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(
            safe_next(Some("/tasks?q=đất đai")),
            "/tasks?q=%C4%91%E1%BA%A5t%20%C4%91ai"
        );
    }
}
