//! Notifications end to end: the bell and the list after real actions through the router,
//! marking read, nobody reaching another user's notifications, the email settings, and email
//! through a small SMTP server the test starts — in each recipient's language, retried with a
//! delay when the server fails, and the daily digest once a day.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use remediation_portal::config::{SmtpConfig, SmtpTls};
use remediation_portal::domain::clock::Clock;
use remediation_portal::notify::{self, Mailer, SendCounts};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{TestApp, TestSession, audit_entries, build, scalar, unit_id};

const HEAD: &str = "stnmt.lanhdao";
const OFFICER: &str = "stnmt.cb1";
const REVIEWER: &str = "vp.chuyenvien";

async fn user_id(app: &TestApp, username: &str) -> i64 {
    scalar(
        app,
        &format!("select id from users where username = '{username}'"),
    )
    .await
}

/// The small world the notifications are about: the City office and its reviewer
/// (`vp.chuyenvien`); Sở TN&MT with its head (`stnmt.lanhdao`), two officers (`stnmt.cb1`,
/// `stnmt.cb2`), a plan and one task in progress followed by `stnmt.cb1` alone, so that its
/// news goes to that officer and the unit's head; Ba Đình's head (`badinh.lanhdao`) and a
/// supervisor (`giamsat`). Everyone but the reviewer has an email address.
async fn small_world(app: &TestApp) {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    build::user(app, REVIEWER, office)
        .role("city_reviewer")
        .full_name("Nguyễn Văn Chuyên")
        .create()
        .await;
    let stnmt = build::unit(app, "STNMT")
        .name("Sở Tài nguyên và Môi trường", "Sở TN&MT")
        .create()
        .await;
    build::user(app, HEAD, stnmt)
        .role("unit_head")
        .full_name("Trần Thị Lãnh")
        .email("stnmt.lanhdao@hanoi.gov.vn")
        .create()
        .await;
    let officer = build::user(app, OFFICER, stnmt)
        .email("stnmt.cb1@hanoi.gov.vn")
        .create()
        .await;
    build::user(app, "stnmt.cb2", stnmt)
        .email("stnmt.cb2@hanoi.gov.vn")
        .create()
        .await;
    let badinh = build::unit(app, "BADINH").kind("district").create().await;
    build::user(app, "badinh.lanhdao", badinh)
        .role("unit_head")
        .email("badinh.lanhdao@hanoi.gov.vn")
        .create()
        .await;
    build::user(app, "giamsat", office)
        .role("viewer")
        .email("giamsat@hanoi.gov.vn")
        .create()
        .await;
    build::plan(app, stnmt, "Kế hoạch khắc phục tồn tại về môi trường")
        .create()
        .await;
    build::task(app)
        .lead(stnmt)
        .title("Xử lý ô nhiễm sông Tô Lịch", "")
        .status("in_progress")
        .percent(40)
        .deadline(app.state.today() + Duration::days(30))
        .assignee(officer)
        .create()
        .await;
}

/// The open task of [`small_world`]: its id and code.
async fn stnmt_task(app: &TestApp) -> (i64, String) {
    sqlx::query_as("select id, code from tasks")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The City reminds the lead unit of `task`, under document `doc`.
async fn remind(app: &TestApp, reviewer: &TestSession, task: i64, doc: &str) {
    let lead = unit_id(app, "STNMT").await;
    let response = app
        .post_as(
            reviewer,
            &format!("/tasks/{task}/reminders"),
            &[
                ("to", &lead.to_string()),
                ("doc_number", doc),
                ("message", "Đề nghị khẩn trương hoàn thành."),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

async fn unread(app: &TestApp, username: &str) -> i64 {
    scalar(
        app,
        &format!(
            "select count(*) from notifications n join users u on u.id = n.user_id
             where u.username = '{username}' and n.read_at is null"
        ),
    )
    .await
}

/// [`small_world`] on an empty database, every bell empty.
async fn quiet_world() -> TestApp {
    let app = TestApp::empty().await;
    small_world(&app).await;
    app
}

#[tokio::test]
async fn a_reminder_reaches_the_unit_head_through_the_bell() {
    let app = quiet_world().await;
    let (task, code) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;
    let head = app.session_for(HEAD).await;

    // Nothing yet: the bell shows no count and says so.
    let page = app.get_as(&head, "/tasks").await;
    assert_eq!(page.count("#bell-count"), 0);
    let bell = page.html();
    let selector = scraper::Selector::parse("#bell").unwrap();
    let bell = bell.select(&selector).next().unwrap();
    assert_eq!(
        bell.value().attr("aria-label"),
        Some("Thông báo: không có thông báo chưa đọc")
    );
    assert_eq!(bell.value().attr("href"), Some("/notifications"));

    remind(&app, &reviewer, task, "125/UBND-KT").await;

    // The head has one unread notification, on the bell of every page.
    let page = app.get_as(&head, "/tasks").await;
    assert_eq!(page.text("#bell-count"), "1");
    let html = page.html();
    let bell = html.select(&selector).next().unwrap();
    assert_eq!(
        bell.value().attr("aria-label"),
        Some("Thông báo: 1 chưa đọc")
    );
    // The officer who follows the task hears of it too; the reviewer who sent it does not.
    assert_eq!(unread(&app, OFFICER).await, 1);
    assert_eq!(unread(&app, REVIEWER).await, 0);

    // The list says what happened, in Vietnamese, with the task's title.
    let reviewer_name: String = scalar(
        &app,
        &format!("select full_name from users where username = '{REVIEWER}'"),
    )
    .await;
    let list = app.get_as(&head, "/notifications").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.count("#notifications .notification"), 1);
    assert_eq!(list.count("#notifications .notification.unread"), 1);
    assert_eq!(
        list.text(".notification .notification-text"),
        format!("{reviewer_name} đôn đốc thực hiện nhiệm vụ {code} (văn bản 125/UBND-KT)")
    );
    let title: String = scalar(&app, &format!("select title from tasks where id = {task}")).await;
    assert_eq!(list.text(".notification .notification-task"), title);
    assert_eq!(list.text("#unread-count"), "1 thông báo chưa đọc");

    // Opening it marks it read and goes to the task.
    let id: i64 = scalar(
        &app,
        &format!(
            "select n.id from notifications n join users u on u.id = n.user_id
             where u.username = '{HEAD}'"
        ),
    )
    .await;
    let opened = app
        .post_as(&head, &format!("/notifications/{id}/read"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(
        opened.header("location"),
        Some(format!("/tasks/{task}").as_str())
    );
    assert_eq!(unread(&app, HEAD).await, 0);
    let task_page = app.get_as(&head, &format!("/tasks/{task}")).await;
    assert_eq!(task_page.status, StatusCode::OK);
    assert_eq!(task_page.count("#bell-count"), 0);
    let list = app.get_as(&head, "/notifications").await;
    assert_eq!(list.count("#notifications .notification.unread"), 0);
    assert_eq!(
        list.html()
            .select(&scraper::Selector::parse(".notification a.notification-text").unwrap())
            .next()
            .and_then(|a| a.value().attr("href")),
        Some(format!("/tasks/{task}").as_str())
    );
    let entries = audit_entries(&app, "notification", "notification.read").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, HEAD);
    assert_eq!(entries[0].2.as_deref(), Some(id.to_string().as_str()));
    // Opening it again changes nothing and records nothing.
    app.post_as(&head, &format!("/notifications/{id}/read"), &[])
        .await;
    assert_eq!(
        audit_entries(&app, "notification", "notification.read")
            .await
            .len(),
        1
    );

    // Two more, then all marked read at once.
    remind(&app, &reviewer, task, "126/UBND-KT").await;
    remind(&app, &reviewer, task, "127/UBND-KT").await;
    assert_eq!(
        app.get_as(&head, "/tasks").await.text("#bell-count"),
        "2",
        "the bell counts only unread notifications"
    );
    let done = app.post_as(&head, "/notifications/read-all", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), Some("/notifications"));
    let list = app.get_as(&head, "/notifications").await;
    assert_eq!(list.text("#flash"), "Đã đánh dấu 2 thông báo là đã đọc.");
    assert_eq!(list.count("#notifications .notification"), 3);
    assert_eq!(list.count("#notifications .notification.unread"), 0);
    assert_eq!(list.count("#read-all"), 0);
    assert_eq!(unread(&app, HEAD).await, 0);
    let entries = audit_entries(&app, "user", "notification.read_all").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].4, Some(serde_json::json!({ "marked_read": 2 })));
    // The officer's notifications are untouched by the head's reading.
    assert_eq!(unread(&app, OFFICER).await, 3);
}

#[tokio::test]
async fn nobody_reaches_another_users_notifications() {
    let app = quiet_world().await;
    let (task, code) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;
    remind(&app, &reviewer, task, "125/UBND-KT").await;
    let heads: i64 = unread(&app, HEAD).await;
    assert_eq!(heads, 1);
    let id: i64 = scalar(
        &app,
        &format!(
            "select n.id from notifications n join users u on u.id = n.user_id
             where u.username = '{HEAD}'"
        ),
    )
    .await;

    // Someone else sees none of it and cannot mark it read: it is simply not found.
    let other = app.session_for("badinh.lanhdao").await;
    let list = app.get_as(&other, "/notifications").await;
    assert_eq!(list.count("#notifications .notification"), 0);
    assert!(!list.body.contains(&code));
    let response = app
        .post_as(&other, &format!("/notifications/{id}/read"), &[])
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    // Nor does marking all of their own read touch it.
    app.post_as(&other, "/notifications/read-all", &[]).await;
    assert_eq!(unread(&app, HEAD).await, 1);
    // The reviewer, who may see every task, still sees only their own notifications.
    let list = app.get_as(&reviewer, "/notifications").await;
    assert_eq!(list.count("#notifications .notification"), 0);
    assert_eq!(list.text("#notifications-empty"), "Chưa có thông báo nào.");

    // Ids that are not ids, and ids that do not exist, are not found either.
    let head = app.session_for(HEAD).await;
    for path in [
        "/notifications/0/read",
        "/notifications/abc/read",
        "/notifications/99999999/read",
    ] {
        let response = app.post_as(&head, path, &[]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    // A cursor that is not an id shows the newest.
    let list = app.get_as(&head, "/notifications?before=x%27").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.count("#notifications .notification"), 1);
    assert_eq!(unread(&app, HEAD).await, 1);
}

#[tokio::test]
async fn the_jobs_notices_read_well_and_lead_to_their_page() {
    let app = quiet_world().await;
    let head = user_id(&app, HEAD).await;
    let (plan, plan_title): (i64, String) = sqlx::query_as(
        "select p.id, p.title from plans p join units u on u.id = p.unit_id
         where u.code = 'STNMT' order by p.id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (task, code) = stnmt_task(&app).await;
    // As the background jobs write them: in bulk, from SQL.
    sqlx::query(
        "insert into notifications (user_id, kind, task_id, params)
         select $1, 'overdue'::notification_kind, null::bigint, jsonb_build_object('plan_id', $2::bigint, 'plan_title', $3::text)
         union all
         select $1, 'due_soon'::notification_kind, $4, jsonb_build_object('code', $5::text, 'deadline', '2026-03-31', 'days_left', 7)
         union all
         select $1, 'report_due'::notification_kind, null, jsonb_build_object('report_id', 1, 'period', 'Quý I/2026', 'due_on', '2026-04-05')",
    )
    .bind(head)
    .bind(plan)
    .bind(&plan_title)
    .bind(task)
    .bind(&code)
    .execute(&app.pool)
    .await
    .unwrap();
    let session = app.session_for(HEAD).await;
    let list = app.get_as(&session, "/notifications").await;
    assert_eq!(
        list.texts(".notification .notification-text"),
        [
            "Báo cáo định kỳ Quý I/2026 đến hạn nộp (hạn nộp 05/04/2026)".to_owned(),
            format!("Nhiệm vụ {code} còn 7 ngày đến hạn (thời hạn 31/03/2026)"),
            format!("Kế hoạch “{plan_title}” chưa được ban hành đúng hạn"),
        ]
    );
    let ids: Vec<i64> =
        sqlx::query_scalar("select id from notifications where user_id = $1 order by id")
            .bind(head)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let location = |response: crate::common::TestResponse| {
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        response.header("location").unwrap().to_owned()
    };
    let read = async |id: i64| {
        app.post_as(&session, &format!("/notifications/{id}/read"), &[])
            .await
    };
    assert_eq!(location(read(ids[0]).await), format!("/plans/{plan}"));
    assert_eq!(location(read(ids[1]).await), format!("/tasks/{task}"));
    // A report's notice leads to the report.
    assert_eq!(location(read(ids[2]).await), "/reports/1");

    // In English, the same notices in English.
    let english = crate::common::TestSession {
        cookie: format!("{}; lang=en", session.cookie),
        csrf: session.csrf.clone(),
    };
    let list = app.get_as(&english, "/notifications").await;
    assert_eq!(
        list.text(".notification .notification-text"),
        "Periodic report Quý I/2026 is due (due 05/04/2026)"
    );
}

#[tokio::test]
async fn the_list_pages_by_age() {
    let app = quiet_world().await;
    let head = user_id(&app, HEAD).await;
    sqlx::query(
        "insert into notifications (user_id, kind, params)
         select $1, 'report_due', jsonb_build_object('period', 'Kỳ ' || g) from generate_series(1, 60) g",
    )
    .bind(head)
    .execute(&app.pool)
    .await
    .unwrap();
    let session = app.session_for(HEAD).await;
    let first = app.get_as(&session, "/tasks").await;
    // Sixty unread: the bell counts them all.
    assert_eq!(first.text("#bell-count"), "60");
    let first = app.get_as(&session, "/notifications").await;
    assert_eq!(first.count("#notifications .notification"), 50);
    assert!(
        first
            .text(".notification .notification-text")
            .contains("Kỳ 60")
    );
    assert_eq!(first.count("#newest"), 0);
    let older = first
        .html()
        .select(&scraper::Selector::parse("#older").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .unwrap();
    let second = app.get_as(&session, &older).await;
    assert_eq!(second.count("#notifications .notification"), 10);
    assert!(second.texts(".notification .notification-text")[9].contains("Kỳ 1 "));
    assert_eq!(second.count("#older"), 0);
    assert_eq!(second.count("#newest"), 1);

    // Past the cap the bell says "99+".
    sqlx::query(
        "insert into notifications (user_id, kind, params)
         select $1, 'report_due', '{}'::jsonb from generate_series(1, 60)",
    )
    .bind(head)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.get_as(&session, "/tasks").await.text("#bell-count"),
        "99+"
    );
}

#[tokio::test]
async fn email_settings_are_saved_and_audited() {
    let app = quiet_world().await;
    let head = app.session_for(HEAD).await;
    let email: String = scalar(
        &app,
        &format!("select email from users where username = '{HEAD}'"),
    )
    .await;

    let page = app.get_as(&head, "/account/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text("#email-address"),
        format!("Thư được gửi tới: {email}")
    );
    // The tests' portal has no mail server, and says so.
    assert_eq!(page.count("#email-off"), 1);
    assert_eq!(
        page.count("#email-kinds input[type=checkbox]"),
        remediation_portal::domain::NotificationKind::ALL.len()
    );
    assert_eq!(page.count("#email-kinds input[checked]"), 0);
    assert_eq!(page.count("#delivery-each[checked]"), 1);

    let response = app
        .post_as(
            &head,
            "/account/notifications",
            &[
                ("email", "reminder"),
                ("email", "overdue"),
                ("delivery", "digest"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(response.header("location"), Some("/account/notifications"));

    let kinds: Vec<String> = sqlx::query_scalar(
        "select p.kind::text from notification_preferences p join users u on u.id = p.user_id
         where u.username = $1 and p.email order by p.kind",
    )
    .bind(HEAD)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(kinds, ["overdue", "reminder"]);
    let rows: i64 = scalar(
        &app,
        &format!(
            "select count(*) from notification_preferences p join users u on u.id = p.user_id
             where u.username = '{HEAD}'"
        ),
    )
    .await;
    assert_eq!(
        rows as usize,
        remediation_portal::domain::NotificationKind::ALL.len(),
        "the choice not to is recorded too"
    );
    let (digest, language): (bool, Option<String>) =
        sqlx::query_as("select email_digest, language from users where username = $1")
            .bind(HEAD)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(digest);
    assert_eq!(language.as_deref(), Some("en"));

    let entries = audit_entries(&app, "user", "account.notification_preferences").await;
    assert_eq!(entries.len(), 1);
    let (actor, _, entity_id, before, after) = &entries[0];
    assert_eq!(actor, HEAD);
    assert_eq!(
        entity_id.as_deref(),
        Some(user_id(&app, HEAD).await.to_string().as_str())
    );
    assert_eq!(
        before.as_ref().unwrap()["email_kinds"],
        serde_json::json!([])
    );
    assert_eq!(
        after.as_ref().unwrap(),
        &serde_json::json!({ "email_kinds": ["overdue", "reminder"], "digest": true, "language": "en" })
    );

    let page = app.get_as(&head, "/account/notifications").await;
    assert_eq!(page.text("#flash"), "Đã lưu cách nhận thông báo.");
    assert_eq!(page.count("#email-kinds input[checked]"), 2);
    assert_eq!(page.count("#email-reminder[checked]"), 1);
    assert_eq!(page.count("#delivery-digest[checked]"), 1);
    assert_eq!(page.count("#language option[value=en][selected]"), 1);

    // Values no page offers are refused, and nothing changes.
    for fields in [
        vec![("email", "party")],
        vec![("delivery", "weekly")],
        vec![("language", "fr")],
    ] {
        let response = app.post_as(&head, "/account/notifications", &fields).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{fields:?}");
    }
    assert_eq!(
        audit_entries(&app, "user", "account.notification_preferences")
            .await
            .len(),
        1
    );

    // Without an address, the page says no email can be sent.
    sqlx::query("update users set email = null where username = $1")
        .bind(OFFICER)
        .execute(&app.pool)
        .await
        .unwrap();
    let officer = app.session_for(OFFICER).await;
    let page = app.get_as(&officer, "/account/notifications").await;
    assert_eq!(page.count("#email-address"), 0);
    assert!(
        page.text("#no-email")
            .contains("chưa có địa chỉ thư điện tử")
    );
}

/// Chooses, through the settings page, to get reminders by email (each, or a daily digest)
/// in `language`.
async fn want_reminders(app: &TestApp, username: &str, delivery: &str, language: &str) {
    let session = app.session_for(username).await;
    let response = app
        .post_as(
            &session,
            "/account/notifications",
            &[
                ("email", "reminder"),
                ("delivery", delivery),
                ("language", language),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

#[tokio::test]
async fn the_outbox_is_written_with_the_notification_even_in_bulk() {
    let app = quiet_world().await;
    want_reminders(&app, HEAD, "each", "vi").await;
    want_reminders(&app, OFFICER, "each", "en").await;
    want_reminders(&app, "stnmt.cb2", "each", "vi").await;
    want_reminders(&app, "badinh.lanhdao", "digest", "vi").await;
    want_reminders(&app, "giamsat", "each", "vi").await;
    // One has no address (only spaces), one was deactivated.
    sqlx::query("update users set email = '  ' where username = 'stnmt.cb2'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update users set active = false where username = 'giamsat'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (task, _) = stnmt_task(&app).await;

    // A bulk insert inside a CTE, as the background jobs write them.
    let inserted: i64 = sqlx::query_scalar(
        "with made as (
             insert into notifications (user_id, kind, task_id, params)
             select u.id, k.kind::notification_kind, $1, '{}'::jsonb
             from users u cross join (values ('reminder'), ('overdue')) as k (kind)
             where u.username in ('stnmt.lanhdao', 'stnmt.cb1', 'stnmt.cb2', 'badinh.lanhdao', 'giamsat')
             returning id
         )
         select count(*) from made",
    )
    .bind(task)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(inserted, 10);
    let queued: Vec<(String, String)> = sqlx::query_as(
        "select u.username, o.to_address from email_outbox o
         join notifications n on n.id = o.notification_id join users u on u.id = n.user_id
         where o.user_id = n.user_id and o.sent_at is null and o.subject is null
         order by u.username",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let names: Vec<&str> = queued.iter().map(|(u, _)| u.as_str()).collect();
    // Only the reminders, for those who want them by email one by one and have an address.
    assert_eq!(names, [OFFICER, HEAD]);

    // A notification whose transaction is rolled back leaves no mail behind.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query(
        "insert into notifications (user_id, kind, task_id) select id, 'reminder', $1 from users where username = $2",
    )
    .bind(task)
    .bind(HEAD)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    let total: i64 = scalar(&app, "select count(*) from email_outbox").await;
    assert_eq!(total, 2);
}

/// A message the test's SMTP server received.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: Vec<u8>,
}

impl Received {
    fn subject(&self) -> String {
        let message = mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message");
        message.subject().unwrap_or_default().to_owned()
    }

    fn body(&self) -> String {
        let message = mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message");
        message.body_text(0).unwrap_or_default().into_owned()
    }
}

/// Just enough of an SMTP server for the portal to send to: greets, answers EHLO/HELO, MAIL,
/// RCPT, DATA, RSET, NOOP and QUIT, and records each message. While `failing`, it answers
/// MAIL FROM with 451 (try again later), as a server in trouble does.
#[derive(Clone)]
struct TestSmtp {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    failing: Arc<AtomicBool>,
}

impl TestSmtp {
    async fn start() -> TestSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = TestSmtp {
            port: listener.local_addr().unwrap().port(),
            received: Arc::default(),
            failing: Arc::default(),
        };
        let shared = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(shared.clone().converse(socket));
            }
        });
        server
    }

    fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    async fn converse(self, socket: TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut read = BufReader::new(read);
        let mut to = Vec::new();
        if write.write_all(b"220 smtp.test ESMTP\r\n").await.is_err() {
            return;
        }
        loop {
            let mut line = Vec::new();
            match read.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let command = String::from_utf8_lossy(&line).trim_end().to_owned();
            let verb = command.to_ascii_uppercase();
            let reply: &[u8] = if verb.starts_with("EHLO") || verb.starts_with("HELO") {
                b"250 smtp.test\r\n"
            } else if verb.starts_with("MAIL FROM") {
                if self.failing.load(Ordering::SeqCst) {
                    b"451 4.3.0 Temporarily unable to accept mail\r\n"
                } else {
                    to.clear();
                    b"250 2.1.0 OK\r\n"
                }
            } else if verb.starts_with("RCPT TO") {
                let address = command[8..].trim().trim_start_matches('<');
                to.push(address.trim_end_matches('>').to_owned());
                b"250 2.1.5 OK\r\n"
            } else if verb == "DATA" {
                if write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let mut data = Vec::new();
                loop {
                    let mut line = Vec::new();
                    match read.read_until(b'\n', &mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    // Undo the dot-stuffing of lines that begin with a dot.
                    let line = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    data.extend_from_slice(line);
                }
                self.received.lock().unwrap().push(Received {
                    to: std::mem::take(&mut to),
                    data,
                });
                b"250 2.0.0 Queued\r\n"
            } else if verb == "QUIT" {
                let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
                return;
            } else if verb == "RSET" || verb == "NOOP" {
                b"250 2.0.0 OK\r\n"
            } else {
                b"502 5.5.2 Command not recognised\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}

/// The portal on [`small_world`], sending through a mail server on this machine at `port`.
async fn app_with_mail(port: u16) -> (TestApp, Mailer) {
    let app = TestApp::empty_with_config(|config| {
        config.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            credentials: None,
            from: "Theo dõi khắc phục <khacphuc@hanoi.gov.vn>".into(),
        });
        config.public_url = Some("https://theodoi.hanoi.gov.vn".into());
    })
    .await;
    small_world(&app).await;
    let mailer = Mailer::from_config(&app.state.config)
        .unwrap()
        .expect("a mail server is configured");
    (app, mailer)
}

async fn address(app: &TestApp, username: &str) -> String {
    scalar(
        app,
        &format!("select email from users where username = '{username}'"),
    )
    .await
}

#[tokio::test]
async fn emails_go_out_in_each_recipients_language() {
    let smtp = TestSmtp::start().await;
    let (app, mailer) = app_with_mail(smtp.port).await;
    want_reminders(&app, HEAD, "each", "vi").await;
    want_reminders(&app, OFFICER, "each", "en").await;
    let (task, code) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;

    // The settings page no longer says email is off.
    let page = app.get_as(&reviewer, "/account/notifications").await;
    assert_eq!(page.count("#email-off"), 0);

    remind(&app, &reviewer, task, "125/UBND-KT").await;
    // Queued with the notifications, nothing sent yet.
    let queued: i64 = scalar(
        &app,
        "select count(*) from email_outbox where sent_at is null",
    )
    .await;
    assert_eq!(queued, 2);
    assert!(smtp.received().is_empty());

    let counts = notify::send_due(&app.pool, &mailer, app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        counts,
        SendCounts {
            sent: 2,
            failed: 0,
            gave_up: 0
        }
    );
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    let reviewer_name: String = scalar(
        &app,
        &format!("select full_name from users where username = '{REVIEWER}'"),
    )
    .await;

    let head_address = address(&app, HEAD).await;
    let head_mail = received
        .iter()
        .find(|m| m.to == [head_address.clone()])
        .expect("a mail to the head");
    assert_eq!(
        head_mail.subject(),
        format!(
            "[Theo dõi khắc phục] {reviewer_name} đôn đốc thực hiện nhiệm vụ {code} (văn bản 125/UBND-KT)"
        )
    );
    let body = head_mail.body();
    let head_name: String = scalar(
        &app,
        &format!("select full_name from users where username = '{HEAD}'"),
    )
    .await;
    assert!(
        body.starts_with(&format!("Kính gửi đồng chí {head_name},")),
        "{body}"
    );
    assert!(
        body.contains(&format!("https://theodoi.hanoi.gov.vn/tasks/{task}")),
        "{body}"
    );
    assert!(body.contains("Vui lòng không trả lời thư này."), "{body}");

    let officer_address = address(&app, OFFICER).await;
    let officer_mail = received
        .iter()
        .find(|m| m.to == [officer_address.clone()])
        .expect("a mail to the officer");
    assert_eq!(
        officer_mail.subject(),
        format!(
            "[Remediation tracking] {reviewer_name} sent a reminder about task {code} (document 125/UBND-KT)"
        )
    );
    assert!(officer_mail.body().starts_with("Dear "));

    // Recorded as sent, with what went out; nothing is sent twice.
    let (sent, attempts, subject): (i64, i32, String) = sqlx::query_as(
        "select count(*) filter (where sent_at is not null), max(attempts), min(subject) from email_outbox",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((sent, attempts), (2, 1));
    assert!(subject.starts_with('['));
    let again = notify::send_due(&app.pool, &mailer, app.clock.now())
        .await
        .unwrap();
    assert_eq!(again, SendCounts::default());
    assert_eq!(smtp.received().len(), 2);
}

#[tokio::test]
async fn a_failing_mail_server_fails_nothing_and_the_mail_is_retried() {
    let smtp = TestSmtp::start().await;
    smtp.fail(true);
    let (app, mailer) = app_with_mail(smtp.port).await;
    want_reminders(&app, HEAD, "each", "vi").await;
    let (task, _) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;

    // The action itself succeeds whatever the mail server does.
    remind(&app, &reviewer, task, "125/UBND-KT").await;
    let now = app.clock.now();
    let counts = notify::send_due(&app.pool, &mailer, now).await.unwrap();
    assert_eq!(
        counts,
        SendCounts {
            sent: 0,
            failed: 1,
            gave_up: 0
        }
    );
    let (attempts, error, next, sent, subject): OutboxState = sqlx::query_as(
        "select attempts, last_error, next_attempt_at, sent_at, subject from email_outbox",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(
        error.as_deref().is_some_and(|e| e.contains("451")),
        "{error:?}"
    );
    assert!(next > now, "the next attempt waits");
    assert_eq!(sent, None);
    assert!(
        subject.is_some_and(|s| s.contains("đôn đốc")),
        "kept with its error"
    );

    // Before the delay is over, nothing is tried.
    let early = notify::send_due(&app.pool, &mailer, now + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(early, SendCounts::default());

    // A server that refuses connections fails the same way.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = (*app.state.config).clone();
    config.smtp.as_mut().unwrap().port = closed;
    let unreachable = Mailer::from_config(&config).unwrap().unwrap();
    let counts = notify::send_due(&app.pool, &unreachable, next)
        .await
        .unwrap();
    assert_eq!(counts.failed, 1);
    let (attempts, next): (i32, DateTime<Utc>) =
        sqlx::query_as("select attempts, next_attempt_at from email_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 2);
    assert!(next >= now + Duration::minutes(5), "the delay grows");

    // Once the server is back and the delay over, the mail goes out.
    smtp.fail(false);
    let counts = notify::send_due(&app.pool, &mailer, next).await.unwrap();
    assert_eq!(counts.sent, 1);
    assert_eq!(smtp.received().len(), 1);
    let (attempts, error, sent): (i32, Option<String>, Option<DateTime<Utc>>) =
        sqlx::query_as("select attempts, last_error, sent_at from email_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((attempts, error, sent.is_some()), (3, None, true));
}

#[tokio::test]
async fn a_mail_that_keeps_failing_is_given_up_and_stays_on_record() {
    let smtp = TestSmtp::start().await;
    smtp.fail(true);
    let (app, mailer) = app_with_mail(smtp.port).await;
    want_reminders(&app, HEAD, "each", "en").await;
    let (task, _) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;
    remind(&app, &reviewer, task, "125/UBND-KT").await;

    let mut now = app.clock.now();
    for attempt in 1..=notify::email::MAX_ATTEMPTS {
        let counts = notify::send_due(&app.pool, &mailer, now).await.unwrap();
        let last = attempt == notify::email::MAX_ATTEMPTS;
        assert_eq!(
            (counts.failed, counts.gave_up),
            if last { (0, 1) } else { (1, 0) }
        );
        now += Duration::days(2);
    }
    let (attempts, error, gave_up): (i32, Option<String>, Option<DateTime<Utc>>) =
        sqlx::query_as("select attempts, last_error, gave_up_at from email_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, notify::email::MAX_ATTEMPTS);
    assert!(error.is_some() && gave_up.is_some());
    smtp.fail(false);
    let counts = notify::send_due(&app.pool, &mailer, now + Duration::days(30))
        .await
        .unwrap();
    assert_eq!(counts, SendCounts::default());
}

/// attempts, last_error, next_attempt_at, sent_at, subject of an outbox row.
type OutboxState = (
    i32,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// `time` on the City day `days` after `now`'s, as an instant.
fn hanoi(now: DateTime<Utc>, days: i64, time: &str) -> DateTime<Utc> {
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let day = now.with_timezone(&tz).date_naive() + Duration::days(days);
    let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    tz.from_local_datetime(&day.and_time(time))
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn the_daily_digest_comes_once_a_day() {
    let smtp = TestSmtp::start().await;
    let (app, mailer) = app_with_mail(smtp.port).await;
    want_reminders(&app, HEAD, "digest", "vi").await;
    let (task, code) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;
    remind(&app, &reviewer, task, "125/UBND-KT").await;
    remind(&app, &reviewer, task, "126/UBND-KT").await;
    // A digest user gets no mail per notification.
    let queued: i64 = scalar(&app, "select count(*) from email_outbox").await;
    assert_eq!(queued, 0);

    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let now = app.clock.now();
    let digest = |at| notify::daily_digest(&app.pool, at, tz);
    // Before seven in the morning, nothing.
    let early = digest(hanoi(now, 1, "06:30")).await.unwrap();
    assert_eq!(early["digests"], 0);
    // The first run after seven writes one digest listing both notifications.
    let first = digest(hanoi(now, 1, "07:05")).await.unwrap();
    assert_eq!(
        (first["digests"].as_i64(), first["notifications"].as_i64()),
        (Some(1), Some(2))
    );
    // Again the same day: nothing more.
    let again = digest(hanoi(now, 1, "09:00")).await.unwrap();
    assert_eq!(again["digests"], 0);

    let counts = notify::send_due(&app.pool, &mailer, hanoi(now, 1, "09:00"))
        .await
        .unwrap();
    assert_eq!(counts.sent, 1);
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, [address(&app, HEAD).await]);
    let day = (now.with_timezone(&tz).date_naive() + Duration::days(1))
        .format("%d/%m/%Y")
        .to_string();
    assert_eq!(
        received[0].subject(),
        format!("[Theo dõi khắc phục] Tổng hợp thông báo ngày {day}: 2 thông báo chưa đọc")
    );
    let body = received[0].body();
    assert!(
        body.contains(&format!("nhiệm vụ {code} (văn bản 125/UBND-KT)")),
        "{body}"
    );
    assert!(
        body.contains(&format!("nhiệm vụ {code} (văn bản 126/UBND-KT)")),
        "{body}"
    );
    assert!(
        body.contains(&format!("https://theodoi.hanoi.gov.vn/tasks/{task}")),
        "{body}"
    );

    // A notification later that day waits for the next day's digest, which lists only it.
    remind(&app, &reviewer, task, "127/UBND-KT").await;
    let evening = digest(hanoi(now, 1, "20:00")).await.unwrap();
    assert_eq!(evening["digests"], 0);
    let next_day = digest(hanoi(now, 2, "07:30")).await.unwrap();
    assert_eq!(
        (
            next_day["digests"].as_i64(),
            next_day["notifications"].as_i64()
        ),
        (Some(1), Some(1))
    );
    notify::send_due(&app.pool, &mailer, hanoi(now, 2, "08:00"))
        .await
        .unwrap();
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    let body = received[1].body();
    assert!(
        body.contains("127/UBND-KT") && !body.contains("125/UBND-KT"),
        "{body}"
    );
    // Read notifications are not listed: the third day has nothing to send.
    sqlx::query("update notifications set read_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    remind(&app, &reviewer, task, "128/UBND-KT").await;
    sqlx::query("update notifications set read_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    let third = digest(hanoi(now, 3, "07:30")).await.unwrap();
    assert_eq!(third["digests"], 0);
}

#[tokio::test]
async fn mail_written_while_email_was_off_is_not_sent_days_late() {
    let smtp = TestSmtp::start().await;
    let (app, mailer) = app_with_mail(smtp.port).await;
    want_reminders(&app, HEAD, "each", "vi").await;
    let (task, _) = stnmt_task(&app).await;
    let reviewer = app.session_for(REVIEWER).await;
    remind(&app, &reviewer, task, "125/UBND-KT").await;
    let now = app.clock.now();
    let counts = notify::send_due(&app.pool, &mailer, now + Duration::days(4))
        .await
        .unwrap();
    assert_eq!(
        counts,
        SendCounts {
            sent: 0,
            failed: 0,
            gave_up: 1
        }
    );
    assert!(smtp.received().is_empty());
    let (error, gave_up): (Option<String>, Option<DateTime<Utc>>) =
        sqlx::query_as("select last_error, gave_up_at from email_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(error.is_some_and(|e| e.contains("three days")));
    assert!(gave_up.is_some());
    // The notification itself is still there, unread.
    assert_eq!(unread(&app, HEAD).await, 1);
}
