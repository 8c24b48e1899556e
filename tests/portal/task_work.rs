//! The daily work on tasks, end to end through the router: the City assigns, the unit head
//! assigns officers, officers report progress with evidence, the head confirms or returns,
//! extensions, escalations, reminders, bulk actions, concurrent edits and every validation
//! message. Each action is checked in the database, on the page, in the history and in the
//! audit log. Each test starts from an empty database and builds what it works on.

use axum::http::StatusCode;
use chrono::NaiveDate;

use crate::common::{TestApp, TestResponse, TestSession, build, scalar};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PROGRAM: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";

/// A bad progress report: status, percent, note, files; the field and its message.
type ProgressCase<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Vec<(&'a str, &'a str, &'a [u8])>,
    &'a str,
    &'a str,
);

/// A bad task form: the fields changed from a good one; the field and its message.
type TaskFormCase<'a> = (Vec<(&'a str, String)>, &'a str, &'a str);

/// The units and people of these tests: the City office (its reviewer, an administrator and
/// a viewer), Ba Đình and Hoàn Kiếm (each its head and an officer), the Natural Resources and
/// Environment department (its head and an officer), the Construction department, and
/// shortcoming TT-05 led by Ba Đình. Usernames follow the demo's (`badinh.lanhdao`).
struct City {
    badinh: i64,
    stnmt: i64,
    sxd: i64,
    hoankiem: i64,
    /// Ba Đình's officer.
    officer: i64,
    /// Hoàn Kiếm's officer.
    stranger: i64,
    shortcoming: i64,
}

/// [`City`] on an empty database.
async fn small_city(app: &TestApp) -> City {
    let office = build::unit(app, "VPUB")
        .kind("city_office")
        .name("Văn phòng UBND Thành phố", "VP UBND TP")
        .create()
        .await;
    for (username, role) in [
        ("vp.chuyenvien", "city_reviewer"),
        ("admin", "admin"),
        ("giamsat", "viewer"),
    ] {
        build::user(app, username, office).role(role).create().await;
    }
    let badinh = district(app, "BADINH", "Ba Đình").await;
    let hoankiem = district(app, "HOANKIEM", "Hoàn Kiếm").await;
    let stnmt = build::unit(app, "STNMT")
        .name("Sở Tài nguyên và Môi trường", "Sở TN&MT")
        .create()
        .await;
    staff(app, stnmt, "stnmt").await;
    City {
        badinh: badinh.0,
        stnmt,
        sxd: build::unit(app, "SXD")
            .name("Sở Xây dựng", "")
            .create()
            .await,
        hoankiem: hoankiem.0,
        officer: badinh.1,
        stranger: hoankiem.1,
        shortcoming: build::shortcoming(app, "TT-05", badinh.0).create().await,
    }
}

/// A district (Quận `name`) with its head and an officer; its id and the officer's.
async fn district(app: &TestApp, code: &str, name: &str) -> (i64, i64) {
    let unit = build::unit(app, code)
        .kind("district")
        .name(&format!("Quận {name}"), &format!("Q. {name}"))
        .create()
        .await;
    (unit, staff(app, unit, &code.to_lowercase()).await)
}

/// The head (`{login}.lanhdao`) and an officer (`{login}.cb1`) of `unit`; the officer's id.
async fn staff(app: &TestApp, unit: i64, login: &str) -> i64 {
    build::user(app, &format!("{login}.lanhdao"), unit)
        .role("unit_head")
        .create()
        .await;
    build::user(app, &format!("{login}.cb1"), unit)
        .create()
        .await
}

/// The task most tests work on: Ba Đình's, under TT-05, due in `days` days, coordinated by
/// the two departments.
fn district_task<'a>(app: &'a TestApp, city: &City, days: i64) -> build::TaskBuilder<'a> {
    build::task(app)
        .shortcoming(city.shortcoming)
        .title(
            "Rà soát các dự án chậm triển khai trên địa bàn quận",
            "Lập danh sách, phân loại, đề xuất xử lý.",
        )
        .deadline(day(app, days))
        .coordinator(city.stnmt, "Hướng dẫn chuyên môn về đất đai")
        .coordinator(city.sxd, "Phối hợp về xây dựng")
}

/// The version and the "seen" instant the task page's forms carry.
async fn form_state(app: &TestApp, session: &TestSession, task: i64) -> (String, String) {
    let page = app.get_as(session, &format!("/tasks/{task}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    let pick = |name: &str| {
        let selector = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
        html.select(&selector)
            .next()
            .and_then(|e| e.value().attr("value"))
            .unwrap_or_else(|| panic!("no {name} on the page"))
            .to_owned()
    };
    (pick("version"), pick("seen"))
}

fn assert_saved(response: &TestResponse, task: i64) {
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some(format!("/tasks/{task}#history").as_str())
    );
}

/// The message beside `field` on a refused form.
fn message(response: &TestResponse, field: &str) -> String {
    response.text(&format!("#{field}-error"))
}

async fn audit_count(app: &TestApp, task: i64, action: &str) -> i64 {
    scalar(
        app,
        &format!(
            "select count(*) from audit_log where entity = 'task' and entity_id = '{task}'
             and action = '{action}' and actor_id is not null and request_id is not null"
        ),
    )
    .await
}

async fn notifications(app: &TestApp, username: &str, kind: &str, task: i64) -> i64 {
    scalar(
        app,
        &format!(
            "select count(*) from notifications n join users u on u.id = n.user_id
             where u.username = '{username}' and n.kind = '{kind}' and n.task_id = {task}"
        ),
    )
    .await
}

/// The reviewer creates a task for Ba Đình with two coordinating departments.
async fn create_task(app: &TestApp, city: &City, reviewer: &TestSession, deadline: &str) -> i64 {
    let (shortcoming, lead, stnmt, sxd) = (city.shortcoming, city.badinh, city.stnmt, city.sxd);
    let response = app
        .post_as(
            reviewer,
            "/tasks",
            &[
                ("shortcoming", &shortcoming.to_string()),
                (
                    "title",
                    "Rà soát các dự án chậm triển khai trên địa bàn quận",
                ),
                ("description", "Lập danh sách, phân loại, đề xuất xử lý."),
                ("expected_result", "Báo cáo kết quả rà soát"),
                ("lead_unit", &lead.to_string()),
                ("coord_unit", &stnmt.to_string()),
                ("coord_role", "Hướng dẫn chuyên môn về đất đai"),
                ("coord_unit", &sxd.to_string()),
                ("coord_role", "Phối hợp về xây dựng"),
                ("coord_unit", ""),
                ("coord_role", ""),
                ("leader_in_charge", "Đ/c Chủ tịch UBND quận"),
                ("deadline", deadline),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let location = response.header("location").unwrap().to_owned();
    location
        .trim_start_matches("/tasks/")
        .trim_end_matches("#history")
        .parse()
        .unwrap_or_else(|_| panic!("odd location {location}"))
}

/// The City's day `days` days from today.
fn day(app: &TestApp, days: i64) -> NaiveDate {
    app.state.today() + chrono::Duration::days(days)
}

/// [`day`] as the forms write it.
fn in_days(app: &TestApp, days: i64) -> String {
    day(app, days).format("%d/%m/%Y").to_string()
}

#[tokio::test]
async fn a_task_from_creation_to_confirmed_completion() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = create_task(&app, &city, &reviewer, &in_days(&app, 90)).await;

    // Created: coded after its shortcoming, two coordinating units, not started, on record.
    let code: String = scalar(&app, &format!("select code from tasks where id = {task}")).await;
    assert!(code.starts_with("TT-05."), "{code}");
    let coordinators: i64 = scalar(
        &app,
        &format!("select count(*) from task_coordinators where task_id = {task}"),
    )
    .await;
    assert_eq!(coordinators, 2);
    assert_eq!(audit_count(&app, task, "task.create").await, 1);
    assert_eq!(
        notifications(&app, "badinh.lanhdao", "assigned", task).await,
        1
    );
    let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
    assert!(
        page.text("#flash").contains(&code),
        "{}",
        page.text("#flash")
    );
    assert_eq!(page.count("#coordinators .coordinator"), 2);
    assert!(page.text("#history").contains("Giao nhiệm vụ"));

    // The district head assigns an officer.
    let head = app.session_for("badinh.lanhdao").await;
    let response = app
        .post_as(
            &head,
            &format!("/tasks/{task}/assignees"),
            &[("officer", &city.officer.to_string())],
        )
        .await;
    assert_saved(&response, task);
    assert_eq!(notifications(&app, "badinh.cb1", "assigned", task).await, 1);
    assert_eq!(audit_count(&app, task, "task.assign").await, 1);

    // The officer signs in and reports progress with a PDF; it shows in the history,
    // downloadable.
    let officer = app.signed_in("badinh.cb1", build::PASSWORD).await;
    let (version, seen) = form_state(&app, &officer, task).await;
    let response = app
        .post_multipart_as(
            &officer,
            &format!("/tasks/{task}/progress"),
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "in_progress"),
                ("percent", "40"),
                ("note", "Đã rà soát 12/30 dự án."),
            ],
            &[("file", "Báo cáo rà soát đợt 1.pdf", PDF)],
        )
        .await;
    assert_saved(&response, task);
    let (status, percent): (String, i16) = sqlx::query_as(&format!(
        "select status::text, percent_complete from tasks where id = {task}"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), percent), ("in_progress", 40));
    let page = app.get_as(&officer, &format!("/tasks/{task}")).await;
    let history = page.text("#history");
    assert!(history.contains("Đã rà soát 12/30 dự án."), "{history}");
    assert!(history.contains("Báo cáo rà soát đợt 1.pdf"), "{history}");
    let file: i64 = scalar(
        &app,
        &format!(
            "select a.id from attachments a join task_updates u on u.id = a.task_update_id
             where u.task_id = {task}"
        ),
    )
    .await;
    let download = app.get_as(&officer, &format!("/files/{file}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o"),
        "{:?}",
        download.header("content-disposition")
    );
    // A coordinating department sees the evidence; an unrelated district does not.
    let coordinating = app.session_for("stnmt.cb1").await;
    assert_eq!(
        app.get_as(&coordinating, &format!("/files/{file}"))
            .await
            .status,
        StatusCode::OK
    );
    let outsider = app.session_for("hoankiem.cb1").await;
    assert_eq!(
        app.get_as(&outsider, &format!("/files/{file}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Reported done: awaiting confirmation at 100 %; the head confirms; done today.
    let (version, seen) = form_state(&app, &officer, task).await;
    let response = app
        .post_multipart_as(
            &officer,
            &format!("/tasks/{task}/progress"),
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "pending_confirmation"),
                ("percent", "90"),
                ("note", "Đã hoàn thành rà soát, gửi báo cáo."),
            ],
            &[],
        )
        .await;
    assert_saved(&response, task);
    let percent: i16 = scalar(
        &app,
        &format!("select percent_complete from tasks where id = {task}"),
    )
    .await;
    assert_eq!(percent, 100, "reported done means all of it");
    // The officer cannot confirm their own report.
    let (version, seen) = form_state(&app, &head, task).await;
    let refused = app
        .post_as(
            &officer,
            &format!("/tasks/{task}/confirm"),
            &[("version", &version), ("seen", &seen)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let response = app
        .post_as(
            &head,
            &format!("/tasks/{task}/confirm"),
            &[("version", &version), ("seen", &seen)],
        )
        .await;
    assert_saved(&response, task);
    let (status, completed): (String, Option<chrono::NaiveDate>) = sqlx::query_as(&format!(
        "select status::text, completed_on from tasks where id = {task}"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "done");
    assert_eq!(completed, Some(app.state.today()));
    assert_eq!(
        notifications(&app, "badinh.cb1", "confirmed", task).await,
        1
    );
    let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
    assert!(page.text(".badges").contains("Đã thực hiện xong"));
    assert!(page.text(".badges").contains("Hoàn thành đúng hạn"));
    assert_eq!(
        page.count("#progress-form"),
        0,
        "a done task takes no more reports"
    );
    for action in ["task.progress", "task.confirm"] {
        assert!(audit_count(&app, task, action).await >= 1, "{action}");
    }
    // The history is one timeline, newest first.
    let events = page.texts("#history .event-head strong");
    assert_eq!(
        events,
        [
            "Xác nhận hoàn thành",
            "Cập nhật tiến độ",
            "Cập nhật tiến độ",
            "Phân công cán bộ",
            "Giao nhiệm vụ"
        ]
    );
}

#[tokio::test]
async fn a_reported_completion_can_be_returned_with_a_reason() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, 30)
        .status("pending_confirmation")
        .assignee(city.officer)
        .create()
        .await;
    let (version, seen) = form_state(&app, &reviewer, task).await;
    let path = format!("/tasks/{task}/return");
    let refused = app
        .post_as(
            &reviewer,
            &path,
            &[("version", &version), ("seen", &seen), ("reason", "  ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(message(&refused, "return_reason"), "Ghi rõ lý do trả lại.");
    let response = app
        .post_as(
            &reviewer,
            &path,
            &[
                ("version", &version),
                ("seen", &seen),
                ("reason", "Thiếu biên bản nghiệm thu."),
            ],
        )
        .await;
    assert_saved(&response, task);
    let status: String = scalar(
        &app,
        &format!("select status::text from tasks where id = {task}"),
    )
    .await;
    assert_eq!(status, "in_progress");
    // The officer who follows it and the head of its unit are told.
    for username in ["badinh.cb1", "badinh.lanhdao"] {
        assert_eq!(
            notifications(&app, username, "returned", task).await,
            1,
            "{username}"
        );
    }
    let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
    assert!(
        page.text("#history .event")
            .contains("Thiếu biên bản nghiệm thu.")
    );
}

#[tokio::test]
async fn an_extension_is_requested_then_approved_and_both_deadlines_show() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, 20).create().await;
    let head = app.session_for("badinh.lanhdao").await;
    let path = format!("/tasks/{task}/extensions");

    // Officers do not ask; the head does, for a later date, with a reason.
    let officer = app.session_for("badinh.cb1").await;
    let refused = app
        .post_multipart_as(
            &officer,
            &path,
            &[("proposed_deadline", &in_days(&app, 60)), ("reason", "x")],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = app
        .post_multipart_as(
            &head,
            &path,
            &[("proposed_deadline", &in_days(&app, 10)), ("reason", "")],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&refused, "proposed_deadline")
            .starts_with("Thời hạn đề nghị phải sau thời hạn hiện hành")
    );
    assert_eq!(message(&refused, "reason"), "Ghi rõ lý do đề nghị gia hạn.");
    let refused = app
        .post_multipart_as(
            &head,
            &path,
            &[
                ("proposed_deadline", "31/02/2027"),
                ("reason", "Chờ ý kiến Bộ"),
            ],
            &[],
        )
        .await;
    assert!(message(&refused, "proposed_deadline").starts_with("Ngày không hợp lệ"));
    // What was typed stays.
    assert!(refused.body.contains("Chờ ý kiến Bộ"));
    let none: i64 = scalar(
        &app,
        &format!("select count(*) from extension_requests where task_id = {task}"),
    )
    .await;
    assert_eq!(none, 0, "nothing saved");

    let proposed = in_days(&app, 80);
    let response = app
        .post_multipart_as(
            &head,
            &path,
            &[
                ("proposed_deadline", &proposed),
                ("reason", "Chờ ý kiến của Bộ Tài nguyên và Môi trường"),
                ("doc_number", "245/UBND-TNMT"),
            ],
            &[("file", "Công văn đề nghị.pdf", PDF)],
        )
        .await;
    assert_saved(&response, task);
    // One pending request at a time.
    let refused = app
        .post_multipart_as(
            &head,
            &path,
            &[
                ("proposed_deadline", &in_days(&app, 90)),
                ("reason", "Lần hai"),
            ],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.text("#form-error"),
        "Nhiệm vụ đã có một đề nghị gia hạn đang chờ duyệt."
    );

    // The head cannot decide; the reviewer approves.
    let extension: i64 = scalar(
        &app,
        &format!("select id from extension_requests where task_id = {task}"),
    )
    .await;
    let decision = format!("/extensions/{extension}/decision");
    assert_eq!(
        app.post_as(&head, &decision, &[("decision", "approve")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = app
        .post_as(
            &reviewer,
            &decision,
            &[("decision", "reject"), ("note", "")],
        )
        .await;
    assert_eq!(
        message(&refused, "decision_note"),
        "Ghi rõ lý do không đồng ý."
    );
    let response = app
        .post_as(
            &reviewer,
            &decision,
            &[("decision", "approve"), ("note", "Đồng ý")],
        )
        .await;
    assert_saved(&response, task);
    let (original, current): (chrono::NaiveDate, chrono::NaiveDate) = sqlx::query_as(&format!(
        "select original_deadline, deadline from tasks where id = {task}"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(original.format("%d/%m/%Y").to_string(), in_days(&app, 20));
    assert_eq!(current.format("%d/%m/%Y").to_string(), proposed);
    let page = app.get_as(&head, &format!("/tasks/{task}")).await;
    assert_eq!(page.text("#facts .deadline"), proposed);
    assert_eq!(page.text("#facts .original-deadline"), in_days(&app, 20));
    let history = page.text("#history");
    assert!(history.contains("Công văn đề nghị.pdf"), "{history}");
    assert!(history.contains("245/UBND-TNMT"));
    // Each entry with its own people, unit and files: the request's file under the request.
    let requested = page.text("#history .event-extension_requested");
    assert!(requested.contains("Công văn đề nghị.pdf"), "{requested}");
    assert!(requested.contains("(Q. Ba Đình)"), "{requested}");
    let approved = page.text("#history .event-extension_approved");
    assert!(!approved.contains("Công văn đề nghị.pdf"), "{approved}");
    assert!(
        approved.contains("Đồng ý") && approved.contains("(VP UBND TP)"),
        "{approved}"
    );
    let reviewer_name: String = scalar(
        &app,
        "select full_name from users where username = 'vp.chuyenvien'",
    )
    .await;
    assert!(approved.contains(&reviewer_name), "{approved}");
    assert_eq!(
        notifications(&app, "badinh.lanhdao", "extension_decided", task).await,
        1
    );
    assert_eq!(audit_count(&app, task, "extension.request").await, 1);
    assert_eq!(audit_count(&app, task, "extension.approve").await, 1);
    // Decided once.
    let again = app
        .post_as(
            &reviewer,
            &decision,
            &[("decision", "reject"), ("note", "Không")],
        )
        .await;
    assert_eq!(again.text("#form-error"), "Đề nghị này đã được xử lý.");
}

#[tokio::test]
async fn approving_an_extension_clears_the_overdue_flag_at_once() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, -3).create().await;
    remediation_portal::jobs::flags::flag_overdue(&app.pool, app.state.today())
        .await
        .unwrap();
    let overdue: bool = scalar(
        &app,
        &format!("select overdue from tasks where id = {task}"),
    )
    .await;
    assert!(overdue);
    let head = app.session_for("badinh.lanhdao").await;
    let response = app
        .post_multipart_as(
            &head,
            &format!("/tasks/{task}/extensions"),
            &[
                ("proposed_deadline", &in_days(&app, 30)),
                ("reason", "Vướng mắc GPMB"),
            ],
            &[],
        )
        .await;
    assert_saved(&response, task);
    let extension: i64 = scalar(
        &app,
        &format!("select id from extension_requests where task_id = {task}"),
    )
    .await;
    let response = app
        .post_as(
            &reviewer,
            &format!("/extensions/{extension}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_saved(&response, task);
    let overdue: bool = scalar(
        &app,
        &format!("select overdue from tasks where id = {task}"),
    )
    .await;
    assert!(
        !overdue,
        "the page and the flag agree right after the approval"
    );
    let page = app.get_as(&head, &format!("/tasks/{task}")).await;
    assert!(!page.text(".badges").contains("Quá hạn"));
}

#[tokio::test]
async fn asking_for_the_citys_direction_and_its_answer() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, 60).create().await;
    let officer = app.session_for("badinh.cb1").await;
    let head = app.session_for("badinh.lanhdao").await;
    let progress = format!("/tasks/{task}/progress");

    // Only the head asks, and with a question.
    let (version, seen) = form_state(&app, &officer, task).await;
    let refused = app
        .post_multipart_as(
            &officer,
            &progress,
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "needs_direction"),
                ("percent", "20"),
                ("note", "Vướng"),
            ],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message(&refused, "status"),
        "Chỉ lãnh đạo đơn vị chủ trì được đề xuất UBND TP chỉ đạo."
    );
    let refused = app
        .post_multipart_as(
            &head,
            &progress,
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "needs_direction"),
                ("percent", "20"),
                ("note", "Vướng"),
            ],
            &[],
        )
        .await;
    assert_eq!(
        message(&refused, "question"),
        "Ghi rõ nội dung cần UBND TP chỉ đạo."
    );
    let response = app
        .post_multipart_as(
            &head,
            &progress,
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "needs_direction"),
                ("percent", "20"),
                ("note", "Vướng mắc về cơ chế thu hồi."),
                (
                    "question",
                    "Đề nghị UBND TP cho ý kiến về cơ chế thu hồi đất của dự án.",
                ),
            ],
            &[],
        )
        .await;
    assert_saved(&response, task);
    let escalation: i64 = scalar(
        &app,
        &format!("select id from escalations where task_id = {task} and status = 'open'"),
    )
    .await;

    // While the question is open, the task waits for the answer.
    let (version, seen) = form_state(&app, &officer, task).await;
    let refused = app
        .post_multipart_as(
            &officer,
            &progress,
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "in_progress"),
                ("percent", "30"),
                ("note", "Tiếp tục"),
            ],
            &[],
        )
        .await;
    assert_eq!(
        message(&refused, "status"),
        "Nhiệm vụ đang chờ ý kiến chỉ đạo của UBND TP."
    );

    // The reviewer answers: the answer and the status change are in the history; the unit is told.
    let answer = format!("/escalations/{escalation}/answer");
    assert_eq!(
        app.post_as(&head, &answer, &[("answer", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = app.post_as(&reviewer, &answer, &[("answer", " ")]).await;
    assert_eq!(message(&refused, "answer"), "Ghi nội dung ý kiến chỉ đạo.");
    let response = app
        .post_as(
            &reviewer,
            &answer,
            &[("answer", "Giao Sở TN&MT hướng dẫn trong tháng.")],
        )
        .await;
    assert_saved(&response, task);
    let status: String = scalar(
        &app,
        &format!("select status::text from tasks where id = {task}"),
    )
    .await;
    assert_eq!(status, "in_progress");
    let page = app.get_as(&officer, &format!("/tasks/{task}")).await;
    let latest = page.text("#history .event");
    assert!(latest.contains("UBND TP cho ý kiến chỉ đạo"), "{latest}");
    assert!(latest.contains("Giao Sở TN&MT hướng dẫn trong tháng."));
    assert!(latest.contains("Đang thực hiện"));
    assert_eq!(
        notifications(&app, "badinh.lanhdao", "escalation_answered", task).await,
        1
    );
    assert_eq!(audit_count(&app, task, "escalation.answer").await, 1);
}

#[tokio::test]
async fn reminders_are_counted_and_the_fourth_on_an_overdue_task_marks_it_for_the_briefing() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, -10).create().await;
    remediation_portal::jobs::flags::flag_overdue(&app.pool, app.state.today())
        .await
        .unwrap();
    let lead = city.badinh;
    let path = format!("/tasks/{task}/reminders");
    for n in 1..=4 {
        let response = app
            .post_as(
                &reviewer,
                &path,
                &[
                    ("to", &lead.to_string()),
                    ("doc_number", &format!("{n}00/VP-TH")),
                    ("message", "Đề nghị khẩn trương hoàn thành."),
                ],
            )
            .await;
        assert_saved(&response, task);
        let marked: bool = scalar(
            &app,
            &format!("select marked_for_briefing from tasks where id = {task}"),
        )
        .await;
        assert_eq!(marked, n > 3, "after {n} reminders");
    }
    let count: i32 = scalar(
        &app,
        &format!("select reminder_count from tasks where id = {task}"),
    )
    .await;
    assert_eq!(count, 4);
    let briefing = app
        .get_as(
            &reviewer,
            "/tasks?briefing=1&q=cham+trien+khai+tren+dia+ban+quan",
        )
        .await;
    assert!(
        briefing
            .texts("table.tasks td a")
            .iter()
            .any(|t| t.contains("Rà soát các dự án chậm"))
    );
    let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
    assert!(page.text(".badges").contains("Báo cáo giao ban"));
    assert!(page.text("#history").contains("400/VP-TH"));
    assert_eq!(
        notifications(&app, "badinh.lanhdao", "reminder", task).await,
        4
    );
    assert_eq!(audit_count(&app, task, "reminder.send").await, 4);
    assert_eq!(
        audit_count(&app, task, "task.mark_briefing").await,
        0,
        "system entries carry no actor"
    );
    let marks: i64 = scalar(
        &app,
        &format!("select count(*) from audit_log where entity_id = '{task}' and action = 'task.mark_briefing'"),
    )
    .await;
    assert_eq!(marks, 1);

    // The lead unit's head reminds its coordinating units, not itself.
    let head = app.session_for("badinh.lanhdao").await;
    let refused = app
        .post_as(&head, &path, &[("to", &lead.to_string())])
        .await;
    assert_eq!(
        message(&refused, "reminder_to"),
        "Vui lòng chọn một mục trong danh sách."
    );
    let stnmt = city.stnmt;
    assert_saved(
        &app.post_as(&head, &path, &[("to", &stnmt.to_string())])
            .await,
        task,
    );
    assert_eq!(
        notifications(&app, "stnmt.lanhdao", "reminder", task).await,
        1
    );
    // The history names who reminded (and their unit) and the unit reminded.
    let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
    let reminders = page.texts("#history .event-reminder");
    assert_eq!(reminders.len(), 5, "{reminders:?}");
    assert!(reminders[0].contains("(Q. Ba Đình)"), "{:?}", reminders[0]);
    assert!(
        reminders[0].contains("Gửi đơn vị: Sở TN&MT"),
        "{:?}",
        reminders[0]
    );
    assert!(reminders[1].contains("(VP UBND TP)"), "{:?}", reminders[1]);
    assert!(
        reminders[1].contains("Gửi đơn vị: Q. Ba Đình"),
        "{:?}",
        reminders[1]
    );
    // Officers and viewers do not remind.
    for username in ["badinh.cb1", "giamsat"] {
        let s = app.session_for(username).await;
        assert_eq!(
            app.post_as(&s, &path, &[("to", &stnmt.to_string())])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn a_save_over_someone_elses_change_is_refused_and_keeps_what_was_typed() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, 60).create().await;
    let first = app.session_for("badinh.lanhdao").await;
    let second = app.session_for("badinh.cb1").await;
    let path = format!("/tasks/{task}/progress");
    // Both open the page.
    let (version, seen) = form_state(&app, &first, task).await;
    let (version2, seen2) = form_state(&app, &second, task).await;
    assert_eq!(version, version2);

    let response = app
        .post_multipart_as(
            &first,
            &path,
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "in_progress"),
                ("percent", "30"),
                ("note", "Cập nhật của lãnh đạo"),
            ],
            &[],
        )
        .await;
    assert_saved(&response, task);
    let updates: i64 = scalar(
        &app,
        &format!("select count(*) from task_updates where task_id = {task}"),
    )
    .await;

    let refused = app
        .post_multipart_as(
            &second,
            &path,
            &[
                ("version", &version2),
                ("seen", &seen2),
                ("status", "in_progress"),
                ("percent", "50"),
                ("note", "Cập nhật của chuyên viên"),
            ],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let notice = refused.text("#conflict");
    assert!(notice.contains("vừa được người khác cập nhật"), "{notice}");
    assert!(
        notice.contains("Cập nhật của lãnh đạo"),
        "shows what changed: {notice}"
    );
    assert!(notice.contains("30%"), "{notice}");
    assert_eq!(
        refused.text("#note"),
        "Cập nhật của chuyên viên",
        "keeps what was typed"
    );
    let after: i64 = scalar(
        &app,
        &format!("select count(*) from task_updates where task_id = {task}"),
    )
    .await;
    assert_eq!(after, updates, "nothing saved");
    let percent: i16 = scalar(
        &app,
        &format!("select percent_complete from tasks where id = {task}"),
    )
    .await;
    assert_eq!(percent, 30, "no silent overwrite");

    // The same for the City's edit form.
    let editor = app.session_for("admin").await;
    let form = app.get_as(&reviewer, &format!("/tasks/{task}/edit")).await;
    let html = form.html();
    let value = |name: &str| {
        let selector = scraper::Selector::parse(&format!("#task-form [name={name}]")).unwrap();
        html.select(&selector)
            .next()
            .unwrap()
            .value()
            .attr("value")
            .unwrap_or("")
            .to_owned()
    };
    let (version, seen) = (value("version"), value("seen"));
    let base = edit_fields(&app, task).await;
    let mut mine = base.clone();
    mine.retain(|(k, _)| k != "title");
    mine.push(("title".into(), "Tiêu đề do quản trị sửa".into()));
    mine.push(("version".into(), version.clone()));
    mine.push(("seen".into(), seen.clone()));
    let pairs: Vec<(&str, &str)> = mine.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_saved(
        &app.post_as(&editor, &format!("/tasks/{task}"), &pairs)
            .await,
        task,
    );
    let mut theirs = base.clone();
    theirs.retain(|(k, _)| k != "title");
    theirs.push(("title".into(), "Tiêu đề do chuyên viên VP sửa".into()));
    theirs.push(("version".into(), version));
    theirs.push(("seen".into(), seen));
    let pairs: Vec<(&str, &str)> = theirs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = app
        .post_as(&reviewer, &format!("/tasks/{task}"), &pairs)
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text("#compare").contains("Tiêu đề do quản trị sửa"));
    assert!(
        refused
            .text("#compare")
            .contains("Tiêu đề do chuyên viên VP sửa")
    );
    assert!(
        refused
            .text("#conflict")
            .contains("UBND TP điều chỉnh nhiệm vụ")
    );
    let title: String = scalar(&app, &format!("select title from tasks where id = {task}")).await;
    assert_eq!(title, "Tiêu đề do quản trị sửa");
}

/// A task's columns the City's edit form shows: shortcoming, title, lead unit, deadline,
/// description, expected result, leader in charge.
type EditedColumns = (i64, String, i64, NaiveDate, String, String, String);

/// The edit form's fields for a task as saved (what a browser would send back unchanged).
async fn edit_fields(app: &TestApp, task: i64) -> Vec<(String, String)> {
    let (shortcoming, title, lead, deadline, description, expected, leader): EditedColumns =
        sqlx::query_as(&format!(
            "select shortcoming_id, title, lead_unit_id, deadline, description, expected_result,
                    leader_in_charge
             from tasks where id = {task}"
        ))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut fields = vec![
        ("shortcoming".to_owned(), shortcoming.to_string()),
        ("title".to_owned(), title),
        ("lead_unit".to_owned(), lead.to_string()),
        (
            "deadline".to_owned(),
            deadline.format("%d/%m/%Y").to_string(),
        ),
        ("description".to_owned(), description),
        ("expected_result".to_owned(), expected),
        ("leader_in_charge".to_owned(), leader),
    ];
    let coordinators: Vec<(i64, String)> = sqlx::query_as(&format!(
        "select unit_id, role_text from task_coordinators where task_id = {task} order by unit_id"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for (unit, role) in coordinators {
        fields.push(("coord_unit".to_owned(), unit.to_string()));
        fields.push(("coord_role".to_owned(), role));
    }
    fields
}

#[tokio::test]
async fn every_bad_progress_report_gets_its_message_and_nothing_is_saved() {
    let app = TestApp::empty_with_config(|c| c.max_upload_bytes = 64 * 1024).await;
    let city = small_city(&app).await;
    let task = district_task(&app, &city, 60).create().await;
    let officer = app.session_for("badinh.cb1").await;
    let path = format!("/tasks/{task}/progress");
    let (version, seen) = form_state(&app, &officer, task).await;
    let before: i64 = scalar(&app, "select count(*) from task_updates").await;
    let files_before: i64 = scalar(&app, "select count(*) from attachments").await;

    let cases: Vec<ProgressCase> = vec![
        (
            "in_progress",
            "150",
            "Ghi chú",
            vec![],
            "percent",
            "Nhập tỷ lệ là số nguyên từ 0 đến 100.",
        ),
        (
            "in_progress",
            "abc",
            "Ghi chú",
            vec![],
            "percent",
            "Nhập tỷ lệ là số nguyên từ 0 đến 100.",
        ),
        (
            "not_started",
            "30",
            "Ghi chú",
            vec![],
            "percent",
            "Nhiệm vụ chưa thực hiện thì tỷ lệ hoàn thành là 0%.",
        ),
        (
            "in_progress",
            "30",
            "   ",
            vec![],
            "note",
            "Ghi rõ nội dung đã thực hiện.",
        ),
        (
            "done",
            "100",
            "Xong",
            vec![],
            "status",
            "Báo cáo “Chờ xác nhận”; trạng thái “Đã thực hiện xong” do lãnh đạo đơn vị hoặc UBND TP xác nhận.",
        ),
        (
            "bogus",
            "10",
            "Ghi chú",
            vec![],
            "status",
            "Vui lòng chọn một mục trong danh sách.",
        ),
        (
            "in_progress",
            "30",
            "Kèm tệp lạ",
            vec![("file", "baocao.pdf", PROGRAM)],
            "file",
            "Tệp “baocao.pdf” không được nhận: chỉ nhận tệp PDF, Word, Excel hoặc ảnh (PNG, JPEG), kiểm tra theo nội dung tệp.",
        ),
    ];
    for (status, percent, note, files, field, expected) in cases {
        let response = app
            .post_multipart_as(
                &officer,
                &path,
                &[
                    ("version", &version),
                    ("seen", &seen),
                    ("status", status),
                    ("percent", percent),
                    ("note", note),
                ],
                &files,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{status} {percent} {note}"
        );
        assert_eq!(message(&response, field), expected);
        if !note.trim().is_empty() {
            assert_eq!(response.text("#note"), note, "keeps the note");
        }
    }
    // Too large: the limit is 64 KB here.
    let big = [PDF, &vec![b' '; 80 * 1024]].concat();
    let response = app
        .post_multipart_as(
            &officer,
            &path,
            &[
                ("version", &version),
                ("seen", &seen),
                ("status", "in_progress"),
                ("percent", "30"),
                ("note", "Tệp lớn"),
            ],
            &[("file", "lon.pdf", &big)],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message(&response, "file"),
        "Tệp quá lớn: dung lượng tối đa là 64 KB."
    );
    let after: i64 = scalar(&app, "select count(*) from task_updates").await;
    let files_after: i64 = scalar(&app, "select count(*) from attachments").await;
    assert_eq!(
        (after, files_after),
        (before, files_before),
        "nothing half-saved"
    );
}

#[tokio::test]
async fn every_bad_task_form_gets_its_message_and_nothing_is_saved() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let shortcoming = city.shortcoming;
    let lead = city.badinh.to_string();
    let other_plan = build::plan(&app, city.hoankiem, "Kế hoạch của quận Hoàn Kiếm")
        .create()
        .await;
    let before: i64 = scalar(&app, "select count(*) from tasks").await;
    let yesterday = in_days(&app, -1);
    let future = in_days(&app, 30);
    let cases: Vec<TaskFormCase> = vec![
        (
            vec![("title", "".into())],
            "title",
            "Vui lòng nhập thông tin này.",
        ),
        (
            vec![("deadline", yesterday.clone())],
            "deadline",
            "Thời hạn không được ở trong quá khứ.",
        ),
        (
            vec![("deadline", "32/13/2026".into())],
            "deadline",
            "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.",
        ),
        (
            vec![("deadline", "-5000-01-01".into())],
            "deadline",
            "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.",
        ),
        (
            vec![("deadline", "01/01/-5000".into())],
            "deadline",
            "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.",
        ),
        (
            vec![("deadline", "31/12/27".into())],
            "deadline",
            "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.",
        ),
        (
            vec![("deadline", "9999-12-31".into())],
            "deadline",
            "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.",
        ),
        (
            vec![("deadline", "+200000-01-01".into())],
            "deadline",
            "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.",
        ),
        (
            vec![("lead_unit", "999999".into())],
            "lead_unit",
            "Đơn vị không có trong danh sách (có thể đã ngừng hoạt động).",
        ),
        (
            vec![("lead_unit", "".into())],
            "lead_unit",
            "Vui lòng chọn một mục trong danh sách.",
        ),
        (
            vec![("coord_unit", lead.clone())],
            "coordinators",
            "Đơn vị phối hợp không được trùng với đơn vị chủ trì.",
        ),
        (
            vec![("coord_role", "Chỉ có nội dung".into())],
            "coordinators",
            "Có nội dung phối hợp nhưng chưa chọn đơn vị.",
        ),
        (
            vec![("plan", other_plan.to_string())],
            "plan",
            "Kế hoạch này là của đơn vị khác; chọn kế hoạch của đơn vị chủ trì.",
        ),
        (
            vec![("shortcoming", "abc".into())],
            "shortcoming",
            "Vui lòng chọn một mục trong danh sách.",
        ),
    ];
    for (overrides, field, expected) in cases {
        let mut fields: Vec<(&str, String)> = vec![
            ("shortcoming", shortcoming.to_string()),
            ("title", "Nhiệm vụ thử".into()),
            ("lead_unit", lead.clone()),
            ("deadline", future.clone()),
        ];
        for (k, v) in &overrides {
            fields.retain(|(key, _)| key != k);
            fields.push((k, v.clone()));
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.post_as(&reviewer, "/tasks", &pairs).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{overrides:?}"
        );
        assert_eq!(message(&response, field), expected, "{overrides:?}");
        if field != "title" {
            let title = response.html();
            let selector = scraper::Selector::parse("#title").unwrap();
            assert_eq!(
                title
                    .select(&selector)
                    .next()
                    .unwrap()
                    .value()
                    .attr("value"),
                Some("Nhiệm vụ thử"),
                "keeps what was typed"
            );
        }
    }
    let after: i64 = scalar(&app, "select count(*) from tasks").await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn who_may_do_what_on_a_task() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let task = district_task(&app, &city, 60).create().await;
    let progress = format!("/tasks/{task}/progress");
    let contribution = format!("/tasks/{task}/contributions");
    let fields = [("status", "in_progress"), ("percent", "10"), ("note", "x")];

    // The City and viewers do not report; a coordinating department contributes instead.
    for username in ["vp.chuyenvien", "giamsat", "stnmt.cb1", "stnmt.lanhdao"] {
        let s = app.session_for(username).await;
        let response = app.post_multipart_as(&s, &progress, &fields, &[]).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{username}");
    }
    let coordinating = app.session_for("stnmt.cb1").await;
    let page = app.get_as(&coordinating, &format!("/tasks/{task}")).await;
    assert_eq!(page.count("#progress-form"), 0);
    assert_eq!(page.count("#contribution-form"), 1);
    let refused = app
        .post_multipart_as(&coordinating, &contribution, &[("contribution", "")], &[])
        .await;
    assert_eq!(
        message(&refused, "contribution"),
        "Ghi rõ nội dung đã thực hiện."
    );
    let response = app
        .post_multipart_as(
            &coordinating,
            &contribution,
            &[("contribution", "Sở TN&MT đã hướng dẫn hồ sơ đất đai.")],
            &[("file", "Hướng dẫn.pdf", PDF)],
        )
        .await;
    assert_saved(&response, task);
    let unit_of_contribution: String = scalar(
        &app,
        &format!(
            "select u.code from task_updates tu join units u on u.id = tu.unit_id
             where tu.task_id = {task} and tu.kind = 'contribution'"
        ),
    )
    .await;
    assert_eq!(unit_of_contribution, "STNMT");
    // The lead unit's staff do not contribute to their own task (they report on it).
    let officer = app.session_for("badinh.cb1").await;
    let refused = app
        .post_multipart_as(&officer, &contribution, &[("contribution", "x")], &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Another district sees nothing of it.
    let outsider = app.session_for("hoankiem.lanhdao").await;
    for path in [format!("/tasks/{task}")] {
        assert_eq!(
            app.get_as(&outsider, &path).await.status,
            StatusCode::FORBIDDEN
        );
    }
    for path in [
        format!("/tasks/{task}/confirm"),
        format!("/tasks/{task}/assignees"),
        format!("/tasks/{task}/reminders"),
    ] {
        assert_eq!(
            app.post_as(&outsider, &path, &[]).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Officers do not assign; a head assigns only the lead unit's officers.
    let refused = app
        .post_as(
            &officer,
            &format!("/tasks/{task}/assignees"),
            &[("officer", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let head = app.session_for("badinh.lanhdao").await;
    let retired = build::user(&app, "badinh.cu", city.badinh)
        .inactive()
        .create()
        .await;
    for stranger in [city.stranger, retired] {
        let refused = app
            .post_as(
                &head,
                &format!("/tasks/{task}/assignees"),
                &[("officer", &stranger.to_string())],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            message(&refused, "assignees"),
            "Chỉ phân công cán bộ đang hoạt động của đơn vị chủ trì."
        );
    }
    // Unit staff do not create or edit tasks.
    for username in ["badinh.lanhdao", "badinh.cb1", "giamsat"] {
        let s = app.session_for(username).await;
        assert_eq!(
            app.get_as(&s, "/tasks/new").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post_as(&s, &format!("/tasks/{task}"), &[]).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn bulk_actions_change_all_ticked_tasks_or_none() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let a = district_task(&app, &city, 60).create().await;
    let b = district_task(&app, &city, 70).create().await;
    let (a_s, b_s) = (a.to_string(), b.to_string());
    let back = "status=not_started&q=ra+soat+cham+trien+khai+tren+dia+ban+quan";

    // A new deadline for both.
    let deadline = in_days(&app, 120);
    let response = app
        .post_as(
            &reviewer,
            "/tasks/bulk",
            &[
                ("task", &a_s),
                ("task", &b_s),
                ("action", "deadline"),
                ("deadline", &deadline),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some("/tasks?q=ra+soat+cham+trien+khai+tren+dia+ban+quan&status=not_started")
    );
    for task in [a, b] {
        let d: chrono::NaiveDate = scalar(
            &app,
            &format!("select deadline from tasks where id = {task}"),
        )
        .await;
        assert_eq!(d.format("%d/%m/%Y").to_string(), deadline);
        assert_eq!(audit_count(&app, task, "task.bulk_deadline").await, 1);
        let page = app.get_as(&reviewer, &format!("/tasks/{task}")).await;
        assert!(page.text("#history .event").contains(&deadline));
    }

    // Re-assigning the lead to a unit that coordinates them is refused for all.
    let stnmt = city.stnmt.to_string();
    let refused = app
        .post_as(
            &reviewer,
            "/tasks/bulk",
            &[
                ("task", &a_s),
                ("task", &b_s),
                ("action", "lead"),
                ("lead_unit", &stnmt),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&refused, "bulk_lead_unit").starts_with("Đơn vị này đang là đơn vị phối hợp của:")
    );
    let leads: i64 = scalar(
        &app,
        &format!("select count(*) from tasks where id in ({a}, {b}) and lead_unit_id = {stnmt}"),
    )
    .await;
    assert_eq!(leads, 0, "nothing changed");
    // The list comes back with the same tasks ticked.
    assert_eq!(refused.count("input[name=task][checked]"), 2);

    // Another unit takes both over; the old unit's officers stop following them.
    let hoankiem = city.hoankiem.to_string();
    let response = app
        .post_as(
            &reviewer,
            "/tasks/bulk",
            &[
                ("task", &a_s),
                ("task", &b_s),
                ("action", "lead"),
                ("lead_unit", &hoankiem),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        notifications(&app, "hoankiem.lanhdao", "assigned", a).await,
        1
    );

    // A reminder for both, counted on each.
    let response = app
        .post_as(
            &reviewer,
            "/tasks/bulk",
            &[
                ("task", &a_s),
                ("task", &b_s),
                ("action", "remind"),
                ("doc_number", "77/VP-TH"),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let counts: i64 = scalar(
        &app,
        &format!("select sum(reminder_count) from tasks where id in ({a}, {b})"),
    )
    .await;
    assert_eq!(counts, 2);
    // Nothing ticked.
    let refused = app
        .post_as(
            &reviewer,
            "/tasks/bulk",
            &[("action", "remind"), ("back", back)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.text("#bulk-error"), "Chưa chọn nhiệm vụ nào.");
}

#[tokio::test]
async fn the_task_page_names_what_was_committed_before_it_was_asked_for() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let task = district_task(&app, &city, 90).create().await;
    let path = format!("/tasks/{task}");
    // Read once: the server's directory now holds the names.
    let before = app.get_as(&reviewer, &path).await;
    assert!(
        before.text("#coordinators").contains("Sở Xây dựng"),
        "{}",
        before.body
    );

    // Renamed, added and retired behind the server's back (another instance, a script):
    // the next page shows it all, since each change raised its kind's version.
    sqlx::query("update units set name = 'Sở Xây dựng Thành phố Hà Nội' where id = $1")
        .bind(city.sxd)
        .execute(&app.pool)
        .await
        .unwrap();
    build::user(&app, "badinh.moi", city.badinh)
        .full_name("Lương Thị Mới")
        .create()
        .await;
    sqlx::query("update users set active = false where username = 'badinh.cb1'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update shortcomings set code = 'TT-05A' where code = 'TT-05'")
        .execute(&app.pool)
        .await
        .unwrap();

    let after = app.get_as(&reviewer, &path).await;
    assert!(
        after
            .text("#coordinators")
            .contains("Sở Xây dựng Thành phố Hà Nội"),
        "{}",
        after.body
    );
    let officers = after.text("#assign-form");
    assert!(officers.contains("Lương Thị Mới"), "{officers}");
    let retired: String = scalar(
        &app,
        "select full_name from users where username = 'badinh.cb1'",
    )
    .await;
    assert!(!officers.contains(&retired), "{officers}");
    assert!(after.body.contains("TT-05A"), "{}", after.body);
    // The list's rows too.
    let list = app.get_as(&reviewer, "/tasks?q=cham+trien+khai").await;
    assert!(list.body.contains("TT-05A"), "{}", list.body);
}

/// Task numbers grow past two digits: after TT-07.99 comes TT-07.100, not a second TT-07.10.
#[tokio::test]
async fn the_hundredth_task_of_a_shortcoming_gets_a_number_of_its_own() {
    use remediation_portal::db::task_edit::next_code;
    use remediation_portal::domain::ShortcomingId;

    let app = TestApp::empty().await;
    let unit = build::unit(&app, "SOTHU").create().await;
    let shortcoming = build::shortcoming(&app, "TT-07", unit).create().await;
    let first = build::task(&app).shortcoming(shortcoming).create().await;
    let mut conn = app.pool.acquire().await.unwrap();
    let code = next_code(&mut conn, ShortcomingId(shortcoming))
        .await
        .unwrap();
    assert_eq!(code, "TT-07.02");
    sqlx::query("update tasks set code = 'TT-07.99' where id = $1")
        .bind(first)
        .execute(&mut *conn)
        .await
        .unwrap();
    let code = next_code(&mut conn, ShortcomingId(shortcoming))
        .await
        .unwrap();
    assert_eq!(code, "TT-07.100");
}
