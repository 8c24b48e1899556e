//! Sign-in, sessions, lock-out, passwords and CSRF. Each test starts from an empty database
//! and builds the accounts it signs in with.

use axum::http::StatusCode;
use chrono::Duration;

use remediation_portal::domain::clock::Clock;

use crate::common::build::{self, PASSWORD};
use crate::common::{TestApp, TestSession};

/// The accounts the tests sign in with, all with [`PASSWORD`]: the administrator (`admin`) and
/// the City's reviewer (`vp.chuyenvien`) of the City office, the head (`stnmt.lanhdao`) and an
/// officer (`stnmt.cb1`) of Sở TN&MT, and two officers of Ba Đình (`badinh.cb1`, `badinh.cb2`).
async fn accounts(app: TestApp) -> TestApp {
    let office = build::unit(&app, "VPUB").kind("city_office").create().await;
    build::user(&app, "admin", office)
        .role("admin")
        .create()
        .await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let stnmt = build::unit(&app, "STNMT").create().await;
    build::user(&app, "stnmt.lanhdao", stnmt)
        .role("unit_head")
        .create()
        .await;
    build::user(&app, "stnmt.cb1", stnmt).create().await;
    let badinh = build::unit(&app, "BADINH").kind("district").create().await;
    build::user(&app, "badinh.cb1", badinh).create().await;
    build::user(&app, "badinh.cb2", badinh).create().await;
    app
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let app = accounts(TestApp::empty().await).await;
    // A page that needs a session sends the visitor to sign in, and back afterwards.
    let anonymous = app.get("/tasks?page=2").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.header("location"),
        Some("/signin?next=/tasks%3Fpage%3D2")
    );
    let form = app.get("/signin?next=/tasks").await;
    assert_eq!(
        form.count("#signin-form input[name=next][value='/tasks']"),
        1
    );

    // Signing in while holding an old session replaces it: a new id, the old one gone.
    let old = app.session_for("stnmt.cb1").await;
    let response = app
        .post_form(
            "/signin",
            &[
                ("username", "STNMT.cb1"),
                ("password", PASSWORD),
                ("next", "/tasks"),
            ],
            &[("origin", "http://portal.test"), ("cookie", &old.cookie)],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.header("location"), Some("/tasks"));
    let set_cookie = response.header("set-cookie").unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("Secure"),
        "no Secure flag over plain HTTP"
    );
    let new_cookie = response.session_cookie().unwrap();
    assert_ne!(new_cookie, old.cookie);
    assert_eq!(
        app.get_with("/tasks", &[("cookie", &old.cookie)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = app.get_with("/tasks", &[("cookie", &new_cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("#current-user").len() > 3);
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'auth.sign_in'"
        )
        .await,
        1
    );

    // Sign-out needs the page's token, deletes the session and clears the cookie.
    let csrf = page
        .html()
        .select(&scraper::Selector::parse("form[action='/signout'] input[name=_csrf]").unwrap())
        .next()
        .and_then(|e| e.attr("value"))
        .unwrap()
        .to_owned();
    let me = TestSession {
        cookie: new_cookie.clone(),
        csrf,
    };
    let out = app.post_as(&me, "/signout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), Some("/signin"));
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        app.get_with("/tasks", &[("cookie", &new_cookie)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'auth.sign_out'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_secure_flag_is_set_when_served_over_https() {
    let app = accounts(TestApp::empty_with_config(|c| c.https = true).await).await;
    let response = app.sign_in("admin", PASSWORD).await;
    assert!(response.header("set-cookie").unwrap().contains("; Secure"));
    assert!(response.header("strict-transport-security").is_some());
    // Every header of the plain-HTTP portal stays: HSTS is added, not put in another's place.
    assert_eq!(response.header("x-frame-options"), Some("DENY"));
    let lang = app.get("/lang?to=en&next=/").await;
    assert!(
        lang.header("set-cookie").unwrap().ends_with("; Secure"),
        "{:?}",
        lang.header("set-cookie")
    );
}

#[tokio::test]
async fn signed_in_pages_are_never_stored_by_a_browser_or_a_proxy() {
    let app = accounts(TestApp::empty().await).await;
    let admin = app.session_for("admin").await;
    for path in ["/", "/tasks", "/admin/users", "/account/password"] {
        let page = app.get_as(&admin, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
    }
    // What a reset password shows, above all.
    let user: i64 = count(&app, "select id from users where username = 'badinh.cb1'").await;
    let reset = app
        .post_as(&admin, &format!("/admin/users/{user}/reset-password"), &[])
        .await;
    let shown = app
        .get_as(&admin, reset.header("location").unwrap_or("/"))
        .await;
    assert_eq!(shown.header("cache-control"), Some("no-store"));
    // The sign-in page and the static files are the same for everyone and may be kept.
    assert_eq!(app.get("/signin").await.header("cache-control"), None);
}

#[tokio::test]
async fn a_request_id_is_taken_from_the_client_only_when_it_is_a_short_safe_token() {
    let app = accounts(TestApp::empty().await).await;
    let app = &app;
    let sign_in = |id: String| async move {
        app.post_form(
            "/signin",
            &[("username", "nobody.here"), ("password", "whatever123")],
            &[("origin", "http://portal.test"), ("x-request-id", &id)],
        )
        .await
    };
    let kept = sign_in("lb-7f3a.91_c".into()).await;
    assert_eq!(kept.header("x-request-id"), Some("lb-7f3a.91_c"));
    for hostile in ["<script>alert(1)</script>".to_owned(), "a".repeat(2000)] {
        let response = sign_in(hostile.clone()).await;
        let given = response.header("x-request-id").unwrap();
        assert_ne!(given, hostile);
        assert!(
            given.len() <= 64
                && given
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        );
    }
    let recorded: Vec<String> = sqlx::query_scalar(
        "select request_id from audit_log where action = 'auth.sign_in_failed' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0], "lb-7f3a.91_c");
    assert!(
        recorded
            .iter()
            .all(|id| id.len() <= 64 && !id.contains('<'))
    );
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let app = accounts(TestApp::empty().await).await;
    let unknown = app.sign_in("nobody.here", "whatever123").await;
    let wrong = app.sign_in("admin", "whatever123").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.text("#signin-error"), wrong.text("#signin-error"));
    assert_eq!(
        unknown.text("#signin-error"),
        "Tên đăng nhập hoặc mật khẩu không đúng."
    );
    // The username is kept, the password is not.
    assert_eq!(wrong.count("#username[value=admin]"), 1);
    assert_eq!(wrong.count("#password[value]"), 0);
    assert!(unknown.session_cookie().is_none() && wrong.session_cookie().is_none());
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'auth.sign_in_failed'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = accounts(TestApp::empty().await).await;
    for _ in 0..5 {
        app.sign_in("badinh.cb1", "wrong-password-1").await;
    }
    // Locked: even the right password is refused, with a plain message.
    let locked = app.sign_in("badinh.cb1", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        locked.text("#signin-error").contains("tạm khóa"),
        "{}",
        locked.text("#signin-error")
    );
    let english = app
        .post_form(
            "/signin",
            &[("username", "badinh.cb1"), ("password", PASSWORD)],
            &[("origin", "http://portal.test"), ("cookie", "lang=en")],
        )
        .await;
    assert!(english.text("#signin-error").contains("locked"));
    // After the lock time it works again.
    app.clock.set(app.clock.now() + Duration::minutes(16));
    let later = app.sign_in("badinh.cb1", PASSWORD).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
}

/// The lock-out does not tell which usernames have an account: a username without one is
/// locked after as many failures, with the same answer, for as long.
#[tokio::test]
async fn the_lock_out_answers_alike_whether_the_account_exists_or_not() {
    let app = accounts(TestApp::empty().await).await;
    let mut answers = Vec::new();
    for username in ["badinh.cb1", "khong.ton.tai"] {
        let mut each = Vec::new();
        for _ in 0..6 {
            let response = app.sign_in(username, "wrong-password-1").await;
            each.push((response.status, response.text("#signin-error")));
        }
        answers.push(each);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0][5].0, StatusCode::TOO_MANY_REQUESTS);
    // Typed in capitals, the same.
    assert_eq!(
        app.sign_in("KHONG.TON.TAI", "x-password-2").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.set(app.clock.now() + Duration::minutes(16));
    for username in ["badinh.cb1", "khong.ton.tai"] {
        assert_eq!(
            app.sign_in(username, "wrong-password-1").await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{username}"
        );
    }
}

#[tokio::test]
async fn many_failures_from_one_address_are_throttled() {
    let app = accounts(TestApp::empty_with_config(|c| c.login_ip_limit = 3).await).await;
    for n in 0..3 {
        app.sign_in(&format!("guess{n}"), "nothing12345").await;
    }
    let throttled = app.sign_in("admin", PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.text("#signin-error").contains("quá nhiều"));
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = accounts(TestApp::empty().await).await;
    let me = app.session_for("vp.chuyenvien").await;
    assert_eq!(app.get_as(&me, "/tasks").await.status, StatusCode::OK);
    app.clock.set(app.clock.now() + Duration::minutes(30));
    assert_eq!(
        app.get_as(&me, "/tasks").await.status,
        StatusCode::OK,
        "still active"
    );
    app.clock.set(app.clock.now() + Duration::minutes(61));
    let expired = app.get_as(&me, "/tasks").await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
    assert!(expired.header("location").unwrap().starts_with("/signin"));
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let app = accounts(TestApp::empty().await).await;
    let here = app.session_for("stnmt.lanhdao").await;
    let elsewhere = app.session_for("stnmt.lanhdao").await;

    // Bad input: a message beside each field, nothing saved.
    let bad = app
        .post_as(
            &here,
            "/account/password",
            &[
                ("current", "not-it"),
                ("new", "short1"),
                ("confirm", "other"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.text("#current-error"), "Mật khẩu hiện tại không đúng.");
    assert_eq!(bad.text("#new-error"), "Mật khẩu phải có ít nhất 10 ký tự.");
    assert_eq!(
        bad.text("#confirm-error"),
        "Hai lần nhập mật khẩu mới không khớp nhau."
    );
    let weak = app
        .post_as(
            &here,
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "stnmt.lanhdao99"),
                ("confirm", "stnmt.lanhdao99"),
            ],
        )
        .await;
    assert_eq!(
        weak.text("#new-error"),
        "Mật khẩu không được chứa tên đăng nhập."
    );

    let good = app
        .post_as(
            &here,
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "Sở TNMT 2026 mới"),
                ("confirm", "Sở TNMT 2026 mới"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&here, "/tasks").await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        app.get_as(&elsewhere, "/tasks").await.status,
        StatusCode::SEE_OTHER,
        "the other one ended"
    );
    assert_eq!(
        app.sign_in("stnmt.lanhdao", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.sign_in("stnmt.lanhdao", "Sở TNMT 2026 mới")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'user.change_password'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_forced_password_change_comes_first() {
    let app = accounts(TestApp::empty().await).await;
    sqlx::query("update users set must_change_password = true where username = 'badinh.cb2'")
        .execute(&app.pool)
        .await
        .unwrap();
    let signed_in = app.sign_in("badinh.cb2", PASSWORD).await;
    assert_eq!(signed_in.header("location"), Some("/account/password"));
    let me = app.session_for("badinh.cb2").await;
    let elsewhere = app.get_as(&me, "/tasks").await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.header("location"), Some("/account/password"));
    let form = app.get_as(&me, "/account/password").await;
    assert_eq!(form.count("#password-forced"), 1);

    // The same for the City's and the administrators' pages: a temporary password (which the
    // administrator who set it has seen) opens nothing but the change form.
    sqlx::query(
        "update users set must_change_password = true where username in ('admin', 'vp.chuyenvien')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    for (username, path) in [
        ("admin", "/admin/users"),
        ("admin", "/tasks/new"),
        ("vp.chuyenvien", "/tasks/new"),
    ] {
        let s = app.session_for(username).await;
        let page = app.get_as(&s, path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{username} {path}");
        assert_eq!(page.header("location"), Some("/account/password"));
        let post = app.post_as(&s, "/tasks/bulk", &[]).await;
        assert_eq!(post.header("location"), Some("/account/password"));
    }
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_site_are_refused() {
    let app = accounts(TestApp::empty().await).await;
    let me = app.session_for("admin").await;
    let fields = [
        ("current", PASSWORD),
        ("new", "Một mật khẩu 2026"),
        ("confirm", "Một mật khẩu 2026"),
    ];
    let no_token = app
        .post_form(
            "/account/password",
            &fields,
            &[("cookie", &me.cookie), ("origin", "http://portal.test")],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(no_token.text("h1"), "Biểu mẫu đã hết hiệu lực");
    let mut with_token: Vec<(&str, &str)> = vec![("_csrf", &me.csrf)];
    with_token.extend_from_slice(&fields);
    let foreign = app
        .post_form(
            "/account/password",
            &with_token,
            &[("cookie", &me.cookie), ("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let cross_site = app
        .post_form(
            "/signin",
            &[("username", "admin"), ("password", PASSWORD)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    // A sign-in posted with neither Origin nor Sec-Fetch-Site does not come from the portal's
    // page (every browser sends one); the browser's same-origin post does.
    let bare = app
        .post_form(
            "/signin",
            &[("username", "admin"), ("password", PASSWORD)],
            &[],
        )
        .await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN);
    assert!(bare.session_cookie().is_none());
    let same_origin = app
        .post_form(
            "/signin",
            &[("username", "admin"), ("password", PASSWORD)],
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(same_origin.status, StatusCode::SEE_OTHER);
    // Nothing changed.
    assert_eq!(
        app.sign_in("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}
