//! The role × route matrix: every route of the router, for every role (and for nobody signed
//! in), with objects inside and outside the user's unit, answers exactly as the Roles table of
//! docs/design.md says.
//! The expectations are listed here route by route, so a route added to the router without a
//! rule here makes this test fail.

use axum::http::StatusCode;
use remediation_portal::web::route_table;

use crate::common::{TestApp, TestResponse};

/// What a persona gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The page or action itself (whatever its own answer: 200, 303 after saving, 422 for an
    /// empty form…), never a refusal.
    Allowed,
    /// Sent to the sign-in page.
    SignIn,
    /// 403.
    Forbidden,
}

use Outcome::*;

/// Personas: nobody, then one user per role. The officer and the unit head belong to Sở TN&MT.
const PERSONAS: [Option<&str>; 6] = [
    None,
    Some("stnmt.cb1"),
    Some("stnmt.lanhdao"),
    Some("vp.chuyenvien"),
    Some("giamsat"),
    Some("admin"),
];

/// Expected outcome per persona, in the order of `PERSONAS`.
type Row = [Outcome; 6];
const PUBLIC: Row = [Allowed; 6];
const SIGNED_IN: Row = [SignIn, Allowed, Allowed, Allowed, Allowed, Allowed];
const ADMIN_ONLY: Row = [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Allowed];
/// City reviewers and admins: assigning, deciding, reminding; shortcomings and plans.
const REVIEWER_ONLY: Row = [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Allowed];
/// Reporting on the unit's own task: its staff and admins, not the City's readers.
const UNIT_STAFF: Row = [SignIn, Allowed, Allowed, Forbidden, Forbidden, Allowed];
/// Deciding on the unit's own task: its head and the City.
const HEAD_OR_CITY: Row = [SignIn, Forbidden, Allowed, Allowed, Forbidden, Allowed];
/// Asking the City on the unit's behalf: its head (and admins).
const HEAD_ONLY: Row = [SignIn, Forbidden, Allowed, Forbidden, Forbidden, Allowed];
/// A coordinating unit's contribution, on a task the personas' unit leads: admins only.
const COORDINATORS_ONLY: Row = [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Allowed];
/// The audit log: unit heads (their units' entries), the City, admins; not officers or viewers.
const AUDIT_READERS: Row = [SignIn, Forbidden, Allowed, Allowed, Forbidden, Allowed];
/// A task or plan of another unit: its staff may not see it; the City may.
const OTHER_UNITS: Row = [SignIn, Forbidden, Forbidden, Allowed, Allowed, Allowed];
/// The City's dashboard: whoever sees every unit.
const CITY_READERS: Row = [SignIn, Forbidden, Forbidden, Allowed, Allowed, Allowed];
/// A unit's dashboard: its head and the City.
const HEAD_OR_CITY_READERS: Row = [SignIn, Forbidden, Allowed, Allowed, Allowed, Allowed];

/// Every route, with the rule it must follow. A task or plan `{id}` is one of the officer's
/// unit here.
fn rules() -> Vec<(&'static str, &'static str, Row)> {
    vec![
        ("GET", "/signin", PUBLIC),
        ("POST", "/signin", PUBLIC),
        ("GET", "/lang", PUBLIC),
        ("GET", "/healthz", PUBLIC),
        ("GET", "/readyz", PUBLIC),
        ("GET", "/static/{version}/{name}", PUBLIC),
        ("GET", "/", SIGNED_IN),
        ("GET", "/dashboard", CITY_READERS),
        ("GET", "/units/{id}/dashboard", HEAD_OR_CITY_READERS),
        ("GET", "/my-tasks", SIGNED_IN),
        ("GET", "/shortcomings", SIGNED_IN),
        ("GET", "/shortcomings/{id}", SIGNED_IN),
        ("GET", "/reports", SIGNED_IN),
        ("GET", "/reports/tracking", CITY_READERS),
        ("POST", "/reports/tracking/remind", REVIEWER_ONLY),
        ("GET", "/reports/{id}", SIGNED_IN),
        ("GET", "/reports/{id}/print", SIGNED_IN),
        ("GET", "/reports/{id}/docx", SIGNED_IN),
        ("POST", "/reports/{id}", UNIT_STAFF),
        ("POST", "/reports/{id}/submit", HEAD_ONLY),
        ("POST", "/reports/{id}/decision", REVIEWER_ONLY),
        ("GET", "/tasks", SIGNED_IN),
        // The list as a spreadsheet: what the list shows, so whoever sees the list.
        ("GET", "/tasks.xlsx", SIGNED_IN),
        ("GET", "/tasks.csv", SIGNED_IN),
        ("GET", "/tasks/{id}", SIGNED_IN),
        ("POST", "/tasks/{id}/progress", UNIT_STAFF),
        ("POST", "/tasks/{id}/contributions", COORDINATORS_ONLY),
        ("POST", "/tasks/{id}/confirm", HEAD_OR_CITY),
        ("POST", "/tasks/{id}/return", HEAD_OR_CITY),
        ("POST", "/tasks/{id}/assignees", HEAD_OR_CITY),
        ("POST", "/tasks/{id}/extensions", HEAD_ONLY),
        ("POST", "/tasks/{id}/reminders", HEAD_OR_CITY),
        ("GET", "/tasks/new", REVIEWER_ONLY),
        ("POST", "/tasks", REVIEWER_ONLY),
        ("GET", "/tasks/{id}/edit", REVIEWER_ONLY),
        ("POST", "/tasks/{id}", REVIEWER_ONLY),
        ("POST", "/tasks/bulk", REVIEWER_ONLY),
        ("POST", "/extensions/{id}/decision", REVIEWER_ONLY),
        ("POST", "/escalations/{id}/answer", REVIEWER_ONLY),
        ("GET", "/account/password", SIGNED_IN),
        ("POST", "/account/password", SIGNED_IN),
        ("POST", "/signout", SIGNED_IN),
        // Each user's own notifications: another user's id is not found (404), never refused.
        ("GET", "/notifications", SIGNED_IN),
        ("POST", "/notifications/read-all", SIGNED_IN),
        ("POST", "/notifications/{id}/read", SIGNED_IN),
        ("GET", "/account/notifications", SIGNED_IN),
        ("POST", "/account/notifications", SIGNED_IN),
        ("GET", "/files/{id}", SIGNED_IN),
        ("GET", "/audit", AUDIT_READERS),
        ("GET", "/plans", SIGNED_IN),
        ("GET", "/plans/{id}", SIGNED_IN),
        ("GET", "/shortcomings/new", REVIEWER_ONLY),
        ("POST", "/shortcomings", REVIEWER_ONLY),
        ("GET", "/shortcomings/{id}/edit", REVIEWER_ONLY),
        ("POST", "/shortcomings/{id}", REVIEWER_ONLY),
        ("GET", "/plans/new", REVIEWER_ONLY),
        ("POST", "/plans", REVIEWER_ONLY),
        ("GET", "/plans/{id}/edit", REVIEWER_ONLY),
        ("POST", "/plans/{id}", REVIEWER_ONLY),
        ("POST", "/plans/{id}/files", REVIEWER_ONLY),
        ("GET", "/admin", ADMIN_ONLY),
        ("GET", "/admin/jobs", ADMIN_ONLY),
        ("GET", "/admin/units", ADMIN_ONLY),
        ("POST", "/admin/units", ADMIN_ONLY),
        ("GET", "/admin/units/new", ADMIN_ONLY),
        ("GET", "/admin/units/{id}/edit", ADMIN_ONLY),
        ("POST", "/admin/units/{id}", ADMIN_ONLY),
        ("POST", "/admin/units/{id}/delete", ADMIN_ONLY),
        ("GET", "/admin/users", ADMIN_ONLY),
        ("POST", "/admin/users", ADMIN_ONLY),
        ("GET", "/admin/users/new", ADMIN_ONLY),
        ("GET", "/admin/users/{id}/edit", ADMIN_ONLY),
        ("POST", "/admin/users/{id}", ADMIN_ONLY),
        ("POST", "/admin/users/{id}/reset-password", ADMIN_ONLY),
        ("GET", "/admin/fields", ADMIN_ONLY),
        ("POST", "/admin/fields", ADMIN_ONLY),
        ("GET", "/admin/fields/new", ADMIN_ONLY),
        ("GET", "/admin/fields/{id}/edit", ADMIN_ONLY),
        ("POST", "/admin/fields/{id}", ADMIN_ONLY),
        ("GET", "/admin/sources", ADMIN_ONLY),
        ("POST", "/admin/sources", ADMIN_ONLY),
        ("GET", "/admin/sources/new", ADMIN_ONLY),
        ("GET", "/admin/sources/{id}/edit", ADMIN_ONLY),
        ("POST", "/admin/sources/{id}", ADMIN_ONLY),
        ("POST", "/admin/sources/{id}/files", ADMIN_ONLY),
    ]
}

/// Routes whose forms carry files (sent as multipart, as the browser does).
const MULTIPART: [&str; 3] = ["/progress", "/contributions", "/extensions"];

fn outcome(response: &TestResponse) -> Outcome {
    match response.status {
        StatusCode::FORBIDDEN => Forbidden,
        // Sent to sign in (a successful sign-out also lands there, but it clears the cookie).
        StatusCode::SEE_OTHER
            if response
                .header("location")
                .is_some_and(|l| l.starts_with("/signin"))
                && response.header("set-cookie").is_none() =>
        {
            SignIn
        }
        StatusCode::UNAUTHORIZED => SignIn,
        _ => Allowed,
    }
}

async fn id(app: &TestApp, sql: &str) -> String {
    let id: i64 = sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap();
    id.to_string()
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_design_says() {
    let app = TestApp::with_demo().await;
    let rules = rules();

    // The test knows every route of the router, and nothing else.
    let mut routed: Vec<(String, String)> = route_table()
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let mut ruled: Vec<(String, String)> = rules
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    routed.sort();
    ruled.sort();
    assert_eq!(
        routed, ruled,
        "every route needs a rule in this test, and every rule a route"
    );

    // A task the personas' unit leads, with a coordinating unit (so its head may remind).
    let own_task = id(
        &app,
        "select t.id from tasks t join units u on u.id = t.lead_unit_id
         where u.code = 'STNMT' and exists (select 1 from task_coordinators c where c.task_id = t.id)
         order by t.id limit 1",
    )
    .await;
    let extension = id(&app, "select min(id) from extension_requests").await;
    let escalation = id(&app, "select min(id) from escalations").await;
    let other_task = id(
        &app,
        "select t.id from tasks t join units u on u.id = t.lead_unit_id
         where u.code = 'BADINH' and not exists (select 1 from task_coordinators c join units cu on cu.id = c.unit_id
                                                 where c.task_id = t.id and cu.code = 'STNMT')
         order by t.id limit 1",
    )
    .await;
    let shortcoming = id(&app, "select id from shortcomings order by code limit 1").await;
    let own_plan = id(&app, "select p.id from plans p join units u on u.id = p.unit_id where u.code = 'STNMT' order by p.id limit 1").await;
    let own_report = id(&app, "select r.id from reports r join units u on u.id = r.unit_id where u.code = 'STNMT' order by r.id limit 1").await;
    let other_report = id(&app, "select r.id from reports r join units u on u.id = r.unit_id where u.code = 'BADINH' order by r.id limit 1").await;
    let other_plan = id(&app, "select p.id from plans p join units u on u.id = p.unit_id where u.code = 'BADINH' order by p.id limit 1").await;
    // A unit that cannot be deleted (it has users and tasks), so the delete route refuses politely.
    let unit = id(&app, "select id from units where code = 'HOANKIEM'").await;
    let own_unit = id(&app, "select id from units where code = 'STNMT'").await;
    let other_unit = id(&app, "select id from units where code = 'BADINH'").await;
    let user = id(&app, "select id from users where username = 'hoankiem.cb2'").await;
    let field = id(&app, "select id from fields order by id limit 1").await;
    let source = id(&app, "select id from sources order by id limit 1").await;
    // A notification of the unit head's: the others get 404 for it, as for any stranger's.
    let notification = id(
        &app,
        "insert into notifications (user_id, kind, params)
         select id, 'report_due', '{}'::jsonb from users where username = 'stnmt.lanhdao'
         returning id",
    )
    .await;
    let version = remediation_portal::web::assets::version().to_owned();
    let file = id(
        &app,
        "select id from attachments where source_id is not null order by id limit 1",
    )
    .await;

    let mut cases: Vec<(String, String, Row)> = Vec::new();
    for (method, pattern, row) in &rules {
        let path = pattern
            .replace("{version}", &version)
            .replace("{name}", "app.css")
            .replace("/tasks/{id}", &format!("/tasks/{own_task}"))
            .replace(
                "/shortcomings/{id}",
                &format!("/shortcomings/{shortcoming}"),
            )
            .replace("/admin/units/{id}", &format!("/admin/units/{unit}"))
            .replace("/units/{id}/", &format!("/units/{own_unit}/"))
            .replace("/admin/users/{id}", &format!("/admin/users/{user}"))
            .replace("/admin/fields/{id}", &format!("/admin/fields/{field}"))
            .replace("/admin/sources/{id}", &format!("/admin/sources/{source}"))
            .replace("/files/{id}", &format!("/files/{file}"))
            .replace(
                "/notifications/{id}",
                &format!("/notifications/{notification}"),
            )
            .replace("/extensions/{id}", &format!("/extensions/{extension}"))
            .replace("/escalations/{id}", &format!("/escalations/{escalation}"))
            .replace("/plans/{id}", &format!("/plans/{own_plan}"))
            .replace("/reports/{id}", &format!("/reports/{own_report}"));
        assert!(!path.contains('{'), "no value for {pattern}");
        cases.push((method.to_string(), path, *row));
    }
    // Object level: another unit's task and plan.
    cases.push(("GET".into(), format!("/plans/{other_plan}"), OTHER_UNITS));
    cases.push((
        "GET".into(),
        format!("/reports/{other_report}"),
        OTHER_UNITS,
    ));
    cases.push(("GET".into(), format!("/tasks/{other_task}"), OTHER_UNITS));
    cases.push((
        "GET".into(),
        format!("/units/{other_unit}/dashboard"),
        OTHER_UNITS,
    ));

    let mut failures = Vec::new();
    for (method, path, row) in &cases {
        for (persona, expected) in PERSONAS.iter().zip(row.iter()) {
            // A fresh session per request: some actions (sign-out, password reset) end it.
            let session = match persona {
                Some(username) => Some(app.session_for(username).await),
                None => None,
            };
            let response = match (method.as_str(), &session) {
                ("GET", Some(s)) => app.get_as(s, path).await,
                ("GET", None) => app.get(path).await,
                (_, Some(s)) if MULTIPART.iter().any(|suffix| path.ends_with(suffix)) => {
                    app.post_multipart_as(s, path, &[], &[]).await
                }
                (_, Some(s)) => app.post_as(s, path, &[]).await,
                (_, None) => {
                    app.post_form(path, &[], &[("origin", "http://portal.test")])
                        .await
                }
            };
            let got = outcome(&response);
            if got != *expected {
                failures.push(format!(
                    "{method} {path} as {}: expected {expected:?}, got {got:?} ({})",
                    persona.unwrap_or("nobody"),
                    response.status
                ));
            }
            if *expected == Forbidden {
                // The refusal is a polite page, not a bare status.
                assert_eq!(
                    response.text("h1"),
                    "Không có quyền truy cập",
                    "{method} {path}"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn unit_staff_lists_show_only_their_units_tasks() {
    let app = TestApp::with_demo().await;
    let officer = app.session_for("stnmt.cb1").await;
    let visible: i64 = sqlx::query_scalar(
        "select count(*) from tasks t where t.lead_unit_id = (select id from units where code = 'STNMT')
            or exists (select 1 from task_coordinators c where c.task_id = t.id
                       and c.unit_id = (select id from units where code = 'STNMT'))",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let list = app.get_as(&officer, "/tasks").await;
    assert!(
        list.text(".page-of").contains(&format!("{visible} ")),
        "{}",
        list.text(".page-of")
    );
    // Home for an officer is what they have to act on.
    let home = app.get_as(&officer, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.count("#block-overdue"), 1);
    // A district head also sees the district's divisions' tasks.
    let head = app.session_for("donganh.lanhdao").await;
    sqlx::query(
        "update tasks set lead_unit_id = (select id from units where code = 'DONGANH.QLDT')
         where id = (select min(t.id) from tasks t join units u on u.id = t.lead_unit_id where u.code = 'DONGANH')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let division_task: i64 = sqlx::query_scalar(
        "select t.id from tasks t join units u on u.id = t.lead_unit_id where u.code = 'DONGANH.QLDT' limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.get_as(&head, &format!("/tasks/{division_task}"))
            .await
            .status,
        StatusCode::OK
    );
    let division_officer = app.session_for("donganh.qldt.cb1").await;
    let parent_task: i64 = sqlx::query_scalar(
        "select t.id from tasks t join units u on u.id = t.lead_unit_id where u.code = 'DONGANH'
           and not exists (select 1 from task_coordinators c where c.task_id = t.id) limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.get_as(&division_officer, &format!("/tasks/{parent_task}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
