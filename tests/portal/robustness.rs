//! Hostile and careless input: dates outside the portal's calendar, concurrent creations, and a
//! bounded fuzzing run through the router. None of it may answer 5xx. Each test but the
//! fuzzing run starts from an empty database with the world of [`small_city`].

use axum::http::StatusCode;

use crate::common::{TestApp, build, list_total, remind, scalar};

/// What the tests act on: the City office with its reviewer `vp.chuyenvien` and `admin`; the
/// Natural Resources and Environment department (STNMT) with its officer `stnmt.cb1`; Ba Đình
/// with its officer `badinh.cb1`; the Construction department; the land field; the source
/// document 1203/KL-TTCP; TT-01 led by the department and TT-05 led by Ba Đình; an open task
/// of each, Ba Đình's coordinated by the department; a plan of the department.
struct City {
    stnmt: i64,
    badinh: i64,
    sxd: i64,
    field: i64,
    source: i64,
    tt01: i64,
    tt05: i64,
    /// The department's open task, under TT-01.
    stnmt_task: i64,
    /// Ba Đình's task under TT-05, in progress, which the department coordinates.
    coordinated_task: i64,
    plan: i64,
}

/// [`City`] on an empty database.
async fn small_city(app: &TestApp) -> City {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    build::user(app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    build::user(app, "admin", office)
        .role("admin")
        .create()
        .await;
    let stnmt = build::unit(app, "STNMT")
        .name("Sở Tài nguyên và Môi trường", "Sở TN&MT")
        .create()
        .await;
    build::user(app, "stnmt.cb1", stnmt).create().await;
    let badinh = build::unit(app, "BADINH").kind("district").create().await;
    build::user(app, "badinh.cb1", badinh).create().await;
    let field = build::field(app, "DD", "Đất đai").await;
    let tt01 = build::shortcoming(app, "TT-01", stnmt)
        .field(field)
        .create()
        .await;
    let tt05 = build::shortcoming(app, "TT-05", badinh)
        .field(field)
        .create()
        .await;
    let in_60_days = app.state.today() + chrono::Duration::days(60);
    City {
        stnmt,
        badinh,
        sxd: build::unit(app, "SXD")
            .name("Sở Xây dựng", "")
            .create()
            .await,
        field,
        source: build::source(app, "1203/KL-TTCP").create().await,
        tt01,
        tt05,
        stnmt_task: build::task(app)
            .shortcoming(tt01)
            .deadline(in_60_days)
            .create()
            .await,
        coordinated_task: build::task(app)
            .shortcoming(tt05)
            .status("in_progress")
            .deadline(in_60_days)
            .coordinator(stnmt, "Hướng dẫn chuyên môn")
            .create()
            .await,
        plan: build::plan(app, stnmt, "Kế hoạch khắc phục của Sở TN&MT")
            .create()
            .await,
    }
}

/// Dates the database cannot hold, or that are typing slips, as filters and as saved fields.
#[tokio::test]
async fn dates_outside_the_calendar_are_refused_beside_the_field() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let admin = app.session_for("admin").await;
    let message =
        "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.";
    let all = app.get_as(&reviewer, "/tasks").await;
    for (field, typed) in [
        ("from", "-5000-01-01"),
        ("to", "01%2F01%2F-5000"),
        ("done_from", "%2B200000-01-01"),
        ("done_to", "0000-01-01"),
        ("overdue_on", "-5000-01-01"),
        ("from", "31%2F12%2F27"),
    ] {
        let list = app
            .get_as(&reviewer, &format!("/tasks?{field}={typed}"))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{field}={typed}");
        // The condition is left out (the same list as without it), and said beside its field.
        assert_eq!(list.text(".page-of"), all.text(".page-of"));
        if field != "overdue_on" {
            assert_eq!(list.text(&format!("#{field}-error")), message);
            assert_eq!(
                list.attr(&format!("#{field}"), "aria-invalid"),
                "true",
                "{field}"
            );
        }
    }

    let sources: i64 = scalar(&app, "select count(*) from sources").await;
    let refused = app
        .post_as(
            &admin,
            "/admin/sources",
            &[
                ("kind", "inspection"),
                ("doc_number", "886/KL-TTTP"),
                ("doc_date", "-5000-01-01"),
                ("issuing_body", "Thanh tra Thành phố Hà Nội"),
                ("title", "Kết luận thanh tra"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.text("#doc_date-error"), message);
    assert_eq!(refused.attr("#doc_date", "value"), "-5000-01-01");
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from sources").await,
        sources
    );

    let plans: i64 = scalar(&app, "select count(*) from plans").await;
    let stnmt = city.stnmt.to_string();
    for typed in ["-5000-01-01", "31/12/27", "0001-01-01", "9999-12-31"] {
        let refused = app
            .post_as(
                &reviewer,
                "/plans",
                &[
                    ("unit_id", &stnmt),
                    ("title", "Kế hoạch"),
                    ("issue_deadline", typed),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert_eq!(refused.text("#issue_deadline-error"), message, "{typed}");
    }
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from plans").await,
        plans
    );
}

/// Eight reviewers add a task under one shortcoming at the same moment: every one is saved,
/// each with its own number.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tasks_created_at_once_under_one_shortcoming_all_get_a_number() {
    let app = std::sync::Arc::new(TestApp::empty().await);
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let shortcoming = city.tt05;
    let before: i64 = scalar(
        &app,
        &format!("select count(*) from tasks where shortcoming_id = {shortcoming}"),
    )
    .await;
    assert_eq!(before, 1, "TT-05.01, built");
    let lead = city.badinh.to_string();
    let deadline = (app.state.today() + chrono::Duration::days(60))
        .format("%d/%m/%Y")
        .to_string();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(8));
    let mut creations = Vec::new();
    for n in 0..8 {
        let (app, reviewer, barrier) = (app.clone(), reviewer.clone(), barrier.clone());
        let (lead, deadline) = (lead.clone(), deadline.clone());
        creations.push(tokio::spawn(async move {
            let title = format!("Nhiệm vụ tạo đồng thời số {}", n + 1);
            let fields = [
                ("shortcoming", shortcoming.to_string()),
                ("title", title),
                ("lead_unit", lead),
                ("deadline", deadline),
            ];
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            barrier.wait().await;
            app.post_as(&reviewer, "/tasks", &pairs).await
        }));
    }
    for creation in creations {
        let response = creation.await.unwrap();
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let (count, codes): (i64, i64) = sqlx::query_as(&format!(
        "select count(*), count(distinct code) from tasks where shortcoming_id = {shortcoming}"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((count, codes), (before + 8, before + 8));
}

/// Full-width ％ and ＿ fold to % and _: they are searched for as those characters, never as
/// wildcards that match every task.
#[tokio::test]
async fn full_width_wildcards_are_searched_for_as_characters() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    // One title with a per cent sign, one with an underscore; the built tasks have neither.
    for title in ["Giảm 30% thủ tục hành chính", "Số hóa hồ sơ HS_2026"] {
        build::task(&app)
            .shortcoming(city.tt01)
            .title(title, "")
            .create()
            .await;
    }
    let reviewer = app.session_for("vp.chuyenvien").await;
    for (typed, literal) in [("%EF%BC%85", "%"), ("%EF%BC%BF", "_"), ("%25", "%")] {
        let list = app.get_as(&reviewer, &format!("/tasks?q={typed}")).await;
        assert_eq!(list.status, StatusCode::OK);
        let expected: i64 =
            sqlx::query_scalar("select count(*) from tasks where strpos(search_text, $1) > 0")
                .bind(literal)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(expected, 1, "{typed}");
        assert_eq!(list_total(&list), expected, "{typed}");
    }
    let all: i64 = scalar(&app, "select count(*) from tasks").await;
    assert_eq!(all, 4, "a wildcard would have matched them all");
}

/// A small deterministic generator (xorshift), so that a failing run can be replayed from its
/// seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Values people and programs send where a field expects something else.
const ODD_VALUES: [&str; 40] = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "1e9",
    "NaN",
    "abc",
    "on",
    "true",
    "null",
    "31/02/2026",
    "-5000-01-01",
    "+200000-01-01",
    "0000-00-00",
    "29/02/2028",
    "2026-q5",
    "2026-13",
    "%",
    "％",
    "＿",
    "_",
    "\\",
    "'",
    "\"",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "Đất đai đô thị",
    "\u{202e}fdp.exe",
    "\u{0}",
    "\u{fffd}\u{fffd}",
    "😀",
    "a,b,c",
    "on_track,overdue,xyz",
    "done",
    "needs_direction",
];

/// Names the portal's forms and filters use, and a few they do not.
const FIELD_NAMES: [&str; 36] = [
    "q",
    "status",
    "timeliness",
    "lead",
    "kind",
    "coordinating",
    "field",
    "shortcoming",
    "from",
    "to",
    "done_from",
    "done_to",
    "overdue_on",
    "returned",
    "briefing",
    "stale",
    "mine",
    "assignee",
    "sort",
    "page",
    "period",
    "unit",
    "title",
    "description",
    "deadline",
    "percent",
    "note",
    "version",
    "seen",
    "reason",
    "proposed_deadline",
    "doc_number",
    "issued_on",
    "issue_deadline",
    "username",
    "password",
];

fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).unwrap()[2..].to_owned()
}

/// A few thousand requests through the router (random routes, methods, ids, query strings,
/// form bodies and headers, as nobody and as one user of each role): not one may answer 5xx.
#[tokio::test]
async fn no_request_of_anyone_gets_a_server_error() {
    // On the demo: its realistic rows (histories, files, reports) give the requests more to reach.
    let app = TestApp::with_demo().await;
    let mut sessions = vec![None];
    for user in [
        "stnmt.cb1",
        "stnmt.lanhdao",
        "vp.chuyenvien",
        "giamsat",
        "admin",
    ] {
        sessions.push(Some(app.session_for(user).await));
    }
    let routes = remediation_portal::web::route_table();
    let ids = [
        scalar::<i64>(&app, "select min(id) from tasks")
            .await
            .to_string(),
        scalar::<i64>(&app, "select max(id) from tasks")
            .await
            .to_string(),
        scalar::<i64>(&app, "select min(id) from units")
            .await
            .to_string(),
        scalar::<i64>(&app, "select min(id) from plans")
            .await
            .to_string(),
        scalar::<i64>(&app, "select min(id) from users")
            .await
            .to_string(),
    ];
    let id_values: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .chain([
            "0",
            "-1",
            "99999999999999999999",
            "abc",
            "1%2F2",
            "%F0%9F%98%80",
            "%00",
            "1.5",
        ])
        .collect();
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026_u64);
    let mut dice = Dice(seed);
    let mut failures = Vec::new();
    let requests_per_persona = 600;
    for session in &sessions {
        for _ in 0..requests_per_persona {
            let route = routes[dice.below(routes.len())];
            // Mostly the route's own method; now and then another one.
            let method = if dice.below(8) == 0 {
                dice.pick(&["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
            } else {
                route.method
            };
            let mut path = String::new();
            for (n, part) in route.path.split('{').enumerate() {
                if n == 0 {
                    path.push_str(part);
                    continue;
                }
                let (_, rest) = part.split_once('}').unwrap_or(("", part));
                path.push_str(id_values[dice.below(id_values.len())]);
                path.push_str(rest);
            }
            let pairs = |dice: &mut Dice| {
                (0..dice.below(5))
                    .map(|_| {
                        format!(
                            "{}={}",
                            dice.pick(&FIELD_NAMES),
                            encode(dice.pick(&ODD_VALUES))
                        )
                    })
                    .collect::<Vec<_>>()
            };
            let query = pairs(&mut dice).join("&");
            if !query.is_empty() {
                path = format!("{path}?{query}");
            }
            let mut body = pairs(&mut dice);
            if let Some(session) = session
                && dice.below(4) != 0
            {
                body.push(format!("_csrf={}", session.csrf));
            }
            let mut request = axum::http::Request::builder()
                .method(method)
                .uri(&path)
                .header("host", "portal.test");
            if dice.below(5) != 0 {
                request = request.header("origin", "http://portal.test");
            }
            if let Some(session) = session {
                request = request.header("cookie", &session.cookie);
            }
            request = match dice.below(6) {
                0 => request.header("content-type", "multipart/form-data; boundary=x"),
                1 => request.header("content-type", "application/json"),
                2 => request,
                _ => request.header("content-type", "application/x-www-form-urlencoded"),
            };
            if dice.below(4) == 0 {
                request = request.header(
                    "accept-language",
                    dice.pick(&["en", "vi", "fr;q=0.1", "*", "\u{7f}"]),
                );
            }
            let Ok(request) = request.body(axum::body::Body::from(body.join("&"))) else {
                continue;
            };
            let response = app.send(request).await;
            if response.status.is_server_error() {
                failures.push(format!(
                    "{} {method} {path} as {:?}",
                    response.status,
                    session.as_ref().map(|s| &s.cookie[..12])
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "seed {seed}: {} server errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The one-time "saved" message is written after the commit; if writing it fails (the
/// database went away just then), the user is still told the truth: what was committed is
/// saved, so the answer is the usual redirect, not an error page.
#[tokio::test]
async fn a_committed_change_is_never_reported_as_failed() {
    let app = TestApp::empty().await;
    let task = small_city(&app).await.stnmt_task;
    let reviewer = app.session_for("vp.chuyenvien").await;
    sqlx::raw_sql(
        "create function refuse_flash() returns trigger language plpgsql as $$
         begin
             if new.flash is not null then raise exception 'the database went away'; end if;
             return new;
         end $$;
         create trigger refuse_flash before update on sessions
             for each row execute function refuse_flash();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let before: i64 = scalar(&app, "select count(*) from reminders").await;
    let response = remind(
        &app,
        &reviewer,
        task,
        "STNMT",
        ("301/UBND-KT", "Đề nghị báo cáo tiến độ."),
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from reminders").await,
        before + 1
    );
}

/// Two people edit the same row from the same saved values; the first save wins, the second
/// is refused with 409, shows what changed, keeps what was typed, and carries the new version.
async fn second_save_is_refused(
    app: &TestApp,
    user: &str,
    edit: &str,
    form: &str,
    (mine, my_value): (&str, &str),
    (theirs, their_value): (&str, &str),
) {
    let a = app.session_for(user).await;
    let b = app.session_for(user).await;
    let opened_a = app.get_as(&a, edit).await;
    let opened_b = app.get_as(&b, edit).await;
    assert_eq!(opened_a.status, StatusCode::OK, "{edit}");
    let action = opened_a.attr(form, "action");
    let send = |page: &crate::common::TestResponse, field: &str, value: &str| {
        let mut fields = page.form_fields(form);
        fields.retain(|(k, _)| k != "_csrf" && k != field);
        fields.push((field.to_owned(), value.to_owned()));
        fields
    };
    let first = send(&opened_a, mine, my_value);
    let first: Vec<(&str, &str)> = first
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = app.post_as(&a, &action, &first).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{action}: {}",
        saved.body
    );

    let second = send(&opened_b, theirs, their_value);
    let second: Vec<(&str, &str)> = second
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = app.post_as(&b, &action, &second).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{action}");
    // What the first person saved is shown beside what the second typed, which is kept.
    let compare = refused.text("#compare");
    assert!(compare.contains(my_value), "{action}: {compare}");
    assert!(compare.contains(their_value), "{action}: {compare}");
    let kept = refused.form_fields(form);
    assert!(
        kept.iter().any(|(k, v)| k == theirs && v == their_value),
        "{action}: {kept:?}"
    );
    let again = app.get_as(&a, edit).await;
    assert!(
        again
            .form_fields(form)
            .iter()
            .any(|(k, v)| k == mine && v == my_value),
        "{action}: the first save stays"
    );
    // Saved again from the refused page, knowingly: it goes through.
    let third: Vec<(String, String)> = kept.into_iter().filter(|(k, _)| k != "_csrf").collect();
    let third: Vec<(&str, &str)> = third
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let overwritten = app.post_as(&b, &action, &third).await;
    assert_eq!(
        overwritten.status,
        StatusCode::SEE_OTHER,
        "{action}: {}",
        overwritten.body
    );
}

#[tokio::test]
async fn no_edit_of_a_unit_user_field_or_source_is_silently_lost() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let unit = city.sxd;
    second_save_is_refused(
        &app,
        "admin",
        &format!("/admin/units/{unit}/edit"),
        "#unit-form",
        ("name", "Sở Xây dựng Hà Nội (sửa lần 1)"),
        ("short_name", "SXD HN"),
    )
    .await;
    let user: i64 = scalar(&app, "select id from users where username = 'badinh.cb1'").await;
    second_save_is_refused(
        &app,
        "admin",
        &format!("/admin/users/{user}/edit"),
        "#user-form",
        ("full_name", "Nguyễn Văn Thành"),
        ("phone", "0243 825 1234"),
    )
    .await;
    let field = city.field;
    second_save_is_refused(
        &app,
        "admin",
        &format!("/admin/fields/{field}/edit"),
        "#field-form",
        ("name_vi", "Đất đai và tài nguyên"),
        ("name_en", "Land and natural resources"),
    )
    .await;
    let source = city.source;
    second_save_is_refused(
        &app,
        "admin",
        &format!("/admin/sources/{source}/edit"),
        "#source-form",
        ("title", "Kết luận thanh tra (bản sửa)"),
        ("summary", "Tóm tắt do người thứ hai nhập."),
    )
    .await;
}

#[tokio::test]
async fn no_edit_of_a_shortcoming_or_plan_is_silently_lost() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let shortcoming = city.tt01;
    second_save_is_refused(
        &app,
        "vp.chuyenvien",
        &format!("/shortcomings/{shortcoming}/edit"),
        "#shortcoming-form",
        ("title", "Tồn tại về quản lý đất đai (sửa)"),
        ("description", "Mô tả do người thứ hai nhập."),
    )
    .await;
    let plan = city.plan;
    second_save_is_refused(
        &app,
        "vp.chuyenvien",
        &format!("/plans/{plan}/edit"),
        "#plan-form",
        ("title", "Kế hoạch khắc phục (sửa lần 1)"),
        ("doc_number", "99/KH-UBND"),
    )
    .await;
}

/// A form that adds something, sent twice (a double click, a resent page): added once, and
/// both answers lead to the same place. A refused form does not use its key up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_sent_twice_adds_once() {
    let app = std::sync::Arc::new(TestApp::empty().await);
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = city.stnmt_task;
    let lead = city.stnmt.to_string();
    let count = |app: std::sync::Arc<TestApp>| async move {
        scalar::<i64>(
            &app,
            &format!("select reminder_count::bigint from tasks where id = {task}"),
        )
        .await
    };
    let before = count(app.clone()).await;
    let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
    let action = page.attr("#reminder-form", "action");
    assert!(action.contains("?_once="), "{action}");
    // Refused first (no unit chosen): the key stays usable for the corrected form.
    let refused = app
        .post_as(
            &reviewer,
            &action,
            &[("to", ""), ("doc_number", "305/UBND-KT")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = [
        ("to", lead.as_str()),
        ("doc_number", "305/UBND-KT"),
        ("message", "Đề nghị khẩn trương hoàn thành."),
    ];
    let first = app.post_as(&reviewer, &action, &fields).await;
    let second = app.post_as(&reviewer, &action, &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.header("location"), second.header("location"));
    assert_eq!(count(app.clone()).await, before + 1);
    assert_eq!(
        scalar::<i64>(
            &app,
            &format!("select count(*) from reminders where task_id = {task} and doc_number = '305/UBND-KT'")
        )
        .await,
        1
    );

    // A double click on a contribution with a file: both requests at once, one contribution.
    let coordinated = city.coordinated_task;
    let officer = app.session_for("stnmt.cb1").await;
    let page = app.get_as(&officer, &format!("/tasks/{coordinated}")).await;
    let action = page.attr("#contribution-form", "action");
    let contributions = format!(
        "select count(*) from task_updates where task_id = {coordinated} and kind = 'contribution'"
    );
    let before: i64 = scalar(&app, &contributions).await;
    let send = |app: std::sync::Arc<TestApp>,
                officer: crate::common::TestSession,
                action: String| async move {
        app.post_multipart_as(
            &officer,
            &action,
            &[("contribution", "Sở TN&MT đã gửi hồ sơ đo đạc.")],
            &[(
                "file",
                "Hồ sơ.pdf",
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            )],
        )
        .await
    };
    let (one, two) = tokio::join!(
        tokio::spawn(send(app.clone(), officer.clone(), action.clone())),
        tokio::spawn(send(app.clone(), officer.clone(), action.clone()))
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.body);
    assert_eq!(two.status, StatusCode::SEE_OTHER, "{}", two.body);
    assert_eq!(scalar::<i64>(&app, &contributions).await, before + 1);
}

/// An uploaded file is kept under a name that says what its content is, without characters
/// that disguise it; a name that is not UTF-8 is repaired, never dropped.
#[tokio::test]
async fn uploaded_names_say_what_the_file_is() {
    let app = TestApp::empty().await;
    let source = small_city(&app).await.source;
    let admin = app.session_for("admin").await;
    let path = format!("/admin/sources/{source}/files");
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];
    let names = format!(
        "select file_name from attachments where source_id = {source} order by id desc limit 1"
    );
    for (sent, content, kept) in [
        ("setup.exe", pdf, "setup.pdf"),
        ("bao-cao.html", pdf, "bao-cao.pdf"),
        ("hóa đơn\u{202e}fdp.exe", pdf, "hóa đơnfdp.pdf"),
        ("ảnh hiện trường.svg", jpeg, "ảnh hiện trường.jpg"),
        ("Kết luận thanh tra.pdf", pdf, "Kết luận thanh tra.pdf"),
    ] {
        let response = app.post_file_as(&admin, &path, "file", sent, content).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{sent}: {}",
            response.body
        );
        assert_eq!(scalar::<String>(&app, &names).await, kept);
    }
    // A name in another encoding (Vietnamese in Windows-1258, say): saved, name repaired.
    let before: i64 = scalar(&app, "select count(*) from attachments").await;
    let boundary = "----rtp-raw";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"",
        admin.csrf
    )
    .into_bytes();
    body.extend_from_slice(b"b\xe1o c\xe1o.pdf");
    body.extend_from_slice(b"\"\r\nContent-Type: application/pdf\r\n\r\n");
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::post(&path)
        .header("host", "portal.test")
        .header("origin", "http://portal.test")
        .header("cookie", &admin.cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from attachments").await,
        before + 1
    );
    assert_eq!(scalar::<String>(&app, &names).await, "b_o c_o.pdf");
}
