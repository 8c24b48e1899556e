//! Periodic reports: the regimes open each period's reports for the units that owe them, once,
//! with the dates of the period and the working-day calendar.

use chrono::NaiveDate;
use remediation_portal::jobs::reports::open_periods;

use crate::common::{TestApp, TestSession, build, scalar};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Units leading, coordinating and done with tasks, each task created long before the
/// periods the tests open: (lead of an open task, coordinator of it, lead of a task done on
/// 05/01/2027, a unit with no task, an inactive lead of an open task).
async fn units_with_tasks(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    let lead = build::unit(app, "LEAD").create().await;
    let coordinator = build::unit(app, "COORD").create().await;
    let finished = build::unit(app, "DONE").create().await;
    let idle = build::unit(app, "IDLE").create().await;
    let closed = build::unit(app, "CLOSED").create().await;
    build::task(app)
        .lead(lead)
        .coordinator(coordinator, "Phối hợp")
        .create()
        .await;
    build::task(app)
        .lead(finished)
        .status("done")
        .done_on(date("2027-01-05"))
        .create()
        .await;
    build::task(app).lead(closed).create().await;
    let setup = [
        "update units set active = false where code = 'CLOSED'",
        "update tasks set created_at = '2026-06-01T00:00:00Z'",
    ];
    for sql in setup {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
    }
    (lead, coordinator, finished, idle, closed)
}

/// (unit, period code, start, cut-off, due) of every report, in order.
async fn reports(app: &TestApp) -> Vec<(i64, String, NaiveDate, NaiveDate, NaiveDate)> {
    sqlx::query_as(
        "select unit_id, period_year || '-' || period_number, cutoff_start, cutoff_end, due_on
         from reports order by unit_id, period_year, period_number",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_period_opens_one_report_per_unit_that_owes_it() {
    let app = TestApp::empty().await;
    let (lead, _, finished, _, _) = units_with_tasks(&app).await;
    build::regime(&app, "Báo cáo quý", "quarter", date("2027-01-10"))
        .due_after(3)
        .create()
        .await;
    // Q1 2027 closes on Sunday 14/03; Monday 15/03 is listed off: due Thursday 18/03.
    sqlx::query(
        "insert into calendar_days (day, kind, name) values ('2027-03-15', 'day_off', 'Nghỉ bù')",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let counts = open_periods(&app.pool, date("2027-03-20")).await.unwrap();
    assert_eq!(counts["reports_opened"], 3);
    let q1 = (date("2026-12-15"), date("2027-03-14"), date("2027-03-18"));
    let q2 = (date("2027-03-15"), date("2027-06-14"), date("2027-06-17"));
    assert_eq!(
        reports(&app).await,
        [
            (lead, "2027-1".to_owned(), q1.0, q1.1, q1.2),
            (lead, "2027-2".to_owned(), q2.0, q2.1, q2.2),
            // Its task was done in Q1: it reports on Q1, not on Q2.
            (finished, "2027-1".to_owned(), q1.0, q1.1, q1.2),
        ],
        "the coordinator, the idle unit and the inactive one owe nothing"
    );

    // Run again, and twice at once: nothing more is opened.
    let counts = open_periods(&app.pool, date("2027-03-20")).await.unwrap();
    assert_eq!(counts["reports_opened"], 0);
    let (a, b) = tokio::join!(
        open_periods(&app.pool, date("2027-06-20")),
        open_periods(&app.pool, date("2027-06-20"))
    );
    let opened = a.unwrap()["reports_opened"].as_u64().unwrap()
        + b.unwrap()["reports_opened"].as_u64().unwrap();
    assert_eq!(opened, 1, "Q3 for the lead unit, once");
    assert_eq!(scalar::<i64>(&app, "select count(*) from reports").await, 4);
}

#[tokio::test]
async fn a_regime_may_ask_coordinators_or_chosen_units() {
    let app = TestApp::empty().await;
    let (lead, coordinator, _, idle, _) = units_with_tasks(&app).await;
    let with_coordinators = build::regime(&app, "Báo cáo tháng", "month", date("2027-02-01"))
        .coordinators_report()
        .create()
        .await;
    let chosen = build::regime(&app, "Báo cáo năm", "year", date("2027-02-01"))
        .chosen(&[idle])
        .create()
        .await;
    open_periods(&app.pool, date("2027-02-10")).await.unwrap();
    let owing = |regime: i64| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(
                "select unit_id from reports where regime_id = $1 order by unit_id",
            )
            .bind(regime)
            .fetch_all(&app.pool)
            .await
            .unwrap()
        }
    };
    let monthly = owing(with_coordinators).await;
    assert!(monthly.contains(&lead) && monthly.contains(&coordinator));
    assert!(!monthly.contains(&idle));
    assert_eq!(owing(chosen).await, [idle]);
}

#[tokio::test]
async fn the_demo_has_the_current_periods_reports_open() {
    let app = TestApp::with_demo().await;
    let today = app.state.today();
    // Each regime's current period, for every unit that leads a task still open or done in
    // the period; due after the cut-off.
    let open: Vec<(String, i64, i64, bool)> = sqlx::query_as(
        "select g.name, count(*),
                (select count(distinct t.lead_unit_id) from tasks t
                 where t.completed_on is null or t.completed_on >= min(r.cutoff_start)),
                bool_and(r.cutoff_start <= $1 and $1 <= r.cutoff_end and r.cutoff_end < r.due_on
                         and r.status = 'draft')
         from reports r join report_regimes g on g.id = r.regime_id
         group by g.id, g.name order by g.id",
    )
    .bind(today)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(open.len(), 2, "{open:?}");
    for (name, reports, leading, current) in open {
        assert!(
            reports > 0 && reports == leading,
            "{name}: {reports} of {leading}"
        );
        assert!(current, "{name}: the period today falls in");
    }
}

#[tokio::test]
async fn the_list_shows_a_unit_its_own_reports_and_the_city_every_one() {
    let app = TestApp::empty().await;
    let office = build::unit(&app, "VP").kind("city_office").create().await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let sxd = build::unit(&app, "SXD")
        .name("Sở Xây dựng", "Sở XD")
        .create()
        .await;
    let snv = build::unit(&app, "SNV")
        .name("Sở Nội vụ", "Sở NV")
        .create()
        .await;
    build::user(&app, "sxd.lanhdao", sxd)
        .role("unit_head")
        .create()
        .await;
    build::task(&app).lead(sxd).create().await;
    build::task(&app).lead(snv).create().await;
    let today = app.state.today();
    build::regime(&app, "Báo cáo quý", "quarter", today)
        .create()
        .await;
    open_periods(&app.pool, today).await.unwrap();
    // The Construction department's report is past its due date.
    sqlx::query(
        "update reports set cutoff_start = $1 - 40, cutoff_end = $1 - 10, due_on = $1 - 1
         where unit_id = $2",
    )
    .bind(today)
    .bind(sxd)
    .execute(&app.pool)
    .await
    .unwrap();

    let head = app.session_for("sxd.lanhdao").await;
    let page = app.get_as(&head, "/reports").await;
    assert_eq!(page.texts("#reports .report-unit"), ["Sở XD"]);
    assert_eq!(page.texts("#reports .report-late"), ["Quá hạn gửi"]);
    assert_eq!(page.texts("#reports .report-regime"), ["Báo cáo quý"]);

    let city = app.session_for("vp.chuyenvien").await;
    let page = app.get_as(&city, "/reports").await;
    assert_eq!(page.count("#reports .report-row"), 2);
    let period = scalar::<String>(
        &app,
        "select period_year || '-Q' || period_number from reports limit 1",
    )
    .await;
    let page = app
        .get_as(&city, &format!("/reports?period={period}&status=draft"))
        .await;
    assert_eq!(page.count("#reports .report-row"), 2);
    assert!(page.text("#reports .report-period").starts_with("Quý "));
    let page = app.get_as(&city, "/reports?status=accepted").await;
    assert_eq!(page.count("#reports .report-row"), 0);
    assert_eq!(page.text(".empty"), "Không có báo cáo nào.");
    let page = app
        .get_as(&city, &format!("/reports?unit={snv}&period=nonsense"))
        .await;
    assert_eq!(page.texts("#reports .report-unit"), ["Sở NV"]);
}

/// A department with a head and an officer, and one task of its own: open, due in a month.
/// The City's reviewer and another department's head look on. The current quarter's report
/// is open. (app, the department, its report)
async fn a_department_reporting() -> (TestApp, i64, i64) {
    let app = TestApp::empty().await;
    let office = build::unit(&app, "VP").kind("city_office").create().await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let sxd = build::unit(&app, "SXD")
        .name("Sở Xây dựng", "Sở XD")
        .create()
        .await;
    let snv = build::unit(&app, "SNV")
        .name("Sở Nội vụ", "Sở NV")
        .create()
        .await;
    build::user(&app, "sxd.lanhdao", sxd)
        .role("unit_head")
        .create()
        .await;
    build::user(&app, "sxd.cb1", sxd).create().await;
    build::user(&app, "snv.lanhdao", snv)
        .role("unit_head")
        .create()
        .await;
    let today = app.state.today();
    build::task(&app)
        .lead(sxd)
        .deadline(today + chrono::Duration::days(30))
        .create()
        .await;
    build::regime(&app, "Báo cáo quý", "quarter", today)
        .create()
        .await;
    open_periods(&app.pool, today).await.unwrap();
    let report = scalar(
        &app,
        &format!("select id from reports where unit_id = {sxd}"),
    )
    .await;
    (app, sxd, report)
}

/// The unit's head submits the report as it stands.
async fn submit(app: &TestApp, head: &TestSession, report: i64) {
    let version = scalar::<i32>(
        app,
        &format!("select row_version from reports where id = {report}"),
    )
    .await
    .to_string();
    let form = [("version", version.as_str())];
    let submitted = app
        .post_as(head, &format!("/reports/{report}/submit"), &form)
        .await;
    assert_eq!(submitted.status, 303);
}

/// The figures' first row of totals: (tasks, done on time, open within the deadline).
fn lead_totals(page: &crate::common::TestResponse) -> (String, String, String) {
    let cells = page.texts("#figures-lead td");
    (cells[0].clone(), cells[1].clone(), cells[3].clone())
}

#[tokio::test]
async fn a_submitted_report_keeps_its_figures_until_returned_and_submitted_again() {
    let (app, sxd, report) = a_department_reporting().await;
    let path = format!("/reports/{report}");
    let officer = app.session_for("sxd.cb1").await;
    let head = app.session_for("sxd.lanhdao").await;
    let city = app.session_for("vp.chuyenvien").await;

    // Another department cannot read it; the officer writes its text.
    let other = app.session_for("snv.lanhdao").await;
    assert_eq!(app.get_as(&other, &path).await.status, 403);
    let page = app.get_as(&officer, &path).await;
    assert_eq!(lead_totals(&page), ("1".into(), "0".into(), "1".into()));
    assert_eq!(page.count("#submit-form"), 0, "an officer does not submit");
    let version = page.attr("#narrative-form input[name=version]", "value");
    let text = [
        ("implementation", "Đã ban hành kế hoạch số 12/KH-SXD."),
        ("results", "Hoàn thành rà soát 3 dự án."),
        ("problems", ""),
        ("next_steps", "Đề nghị UBND Thành phố chỉ đạo."),
        ("version", &version),
    ];
    let saved = app.post_as(&officer, &path, &text).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let refused = app.post_as(&officer, &format!("{path}/submit"), &[]).await;
    assert_eq!(refused.status, 403);

    // The head submits what the page showed.
    let page = app.get_as(&head, &path).await;
    assert_eq!(
        page.text("#implementation"),
        "Đã ban hành kế hoạch số 12/KH-SXD."
    );
    let version = page.attr("#submit-form input[name=version]", "value");
    let submitted = app
        .post_as(&head, &format!("{path}/submit"), &[("version", &version)])
        .await;
    assert_eq!(submitted.status, 303);
    let told: i64 = scalar(
        &app,
        &format!("select count(*) from notifications where report_id = {report} and kind = 'report_submitted'"),
    )
    .await;
    assert_eq!(told, 1, "the City's reviewer");

    // A task done after the submission changes nothing the report shows.
    sqlx::query("update tasks set status = 'done', percent_complete = 100, completed_on = $1 where lead_unit_id = $2")
        .bind(app.state.today())
        .bind(sxd)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.get_as(&officer, &path).await;
    assert_eq!(lead_totals(&page), ("1".into(), "0".into(), "1".into()));
    assert_eq!(page.count("#narrative-form"), 0, "no more editing");
    assert_eq!(page.text("#part-results"), "Hoàn thành rà soát 3 dự án.");
    let late_edit = app.post_as(&officer, &path, &text).await;
    assert_eq!(late_edit.status, 422);

    // Returned without a reason: refused beside the field; with one: back to the unit.
    let page = app.get_as(&city, &path).await;
    let version = page.attr("#decision-form input[name=version]", "value");
    let decision = format!("{path}/decision");
    let no_reason = [("decision", "return"), ("note", ""), ("version", &version)];
    let refused = app.post_as(&city, &decision, &no_reason).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.count("#note-error"), 1);
    let reason = [
        ("decision", "return"),
        ("note", "Bổ sung số liệu quý"),
        ("version", &version),
    ];
    assert_eq!(app.post_as(&city, &decision, &reason).await.status, 303);

    // Returned, it shows today's figures again; submitted again, then accepted.
    let page = app.get_as(&head, &path).await;
    assert_eq!(lead_totals(&page), ("1".into(), "1".into(), "0".into()));
    let version = page.attr("#submit-form input[name=version]", "value");
    let again = [("version", version.as_str())];
    assert_eq!(
        app.post_as(&head, &format!("{path}/submit"), &again)
            .await
            .status,
        303
    );
    let page = app.get_as(&city, &path).await;
    let version = page.attr("#decision-form input[name=version]", "value");
    let accept = [("decision", "accept"), ("note", ""), ("version", &version)];
    assert_eq!(app.post_as(&city, &decision, &accept).await.status, 303);

    let page = app.get_as(&head, &path).await;
    assert_eq!(page.text("#report-status .badge"), "Đã tiếp nhận");
    assert_eq!(page.count("#submissions-table .submission-row"), 2);
    let first: (i64, i64) = sqlx::query_as(
        "select (figures->'lead'->>'done_on_time')::bigint, (figures->'lead'->>'open_on_time')::bigint
         from report_submissions where report_id = $1 and number = 1",
    )
    .bind(report)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(first, (0, 1), "the first submission as it was sent");
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'report' order by id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "report.save",
            "report.submit",
            "report.return",
            "report.submit",
            "report.accept"
        ]
    );
    // A stale submission (the version the page had before) goes back to the report, saying so.
    let stale = app
        .post_as(&head, &format!("{path}/submit"), &[("version", "1")])
        .await;
    assert_eq!(stale.status, 303);
}

#[tokio::test]
async fn a_report_sent_twice_at_once_is_submitted_once() {
    let (app, _, report) = a_department_reporting().await;
    let path = format!("/reports/{report}/submit");
    let head = app.session_for("sxd.lanhdao").await;
    let version = scalar::<i32>(
        &app,
        &format!("select row_version from reports where id = {report}"),
    )
    .await
    .to_string();
    let form = [("version", version.as_str())];
    let (a, b) = tokio::join!(
        app.post_as(&head, &path, &form),
        app.post_as(&head, &path, &form)
    );
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (303, 303));
    let submissions: i64 = scalar(
        &app,
        &format!("select count(*) from report_submissions where report_id = {report}"),
    )
    .await;
    assert_eq!(submissions, 1);
}

#[tokio::test]
async fn the_city_tracks_who_sent_the_report_and_reminds_the_others() {
    let (app, sxd, report) = a_department_reporting().await;
    let snv = scalar::<i64>(&app, "select id from units where code = 'SNV'").await;
    build::task(&app).lead(snv).create().await;
    open_periods(&app.pool, app.state.today()).await.unwrap();
    // The Construction department sends its report; the Home Affairs one is past due.
    let head = app.session_for("sxd.lanhdao").await;
    let version = scalar::<i32>(
        &app,
        &format!("select row_version from reports where id = {report}"),
    )
    .await
    .to_string();
    let sent = app
        .post_as(
            &head,
            &format!("/reports/{report}/submit"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(sent.status, 303);
    sqlx::query(
        "update reports set cutoff_start = $1 - 40, cutoff_end = $1 - 10, due_on = $1 - 1
         where unit_id = $2",
    )
    .bind(app.state.today())
    .bind(snv)
    .execute(&app.pool)
    .await
    .unwrap();

    let city = app.session_for("vp.chuyenvien").await;
    let page = app.get_as(&city, "/reports/tracking").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.texts("#tracking .tracking-unit"),
        ["Sở Xây dựng", "Sở Nội vụ"]
    );
    assert_eq!(
        page.texts("#tracking .tracking-standing"),
        ["Đã gửi đúng hạn", "Chưa gửi, quá hạn"]
    );
    assert_eq!(app.get_as(&head, "/reports/tracking").await.status, 403);

    let regime = page.attr("#remind-form input[name=regime]", "value");
    let period = page.attr("#remind-form input[name=period]", "value");
    let form = [("regime", regime.as_str()), ("period", period.as_str())];
    let reminded = app.post_as(&city, "/reports/tracking/remind", &form).await;
    assert_eq!(reminded.status, 303);
    let counts: Vec<(i64, i32)> =
        sqlx::query_as("select unit_id, reminder_count from reports order by unit_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        counts,
        [(sxd, 0), (snv, 1)],
        "only the unit that has not sent it"
    );
    let told: i64 = scalar(
        &app,
        "select count(*) from notifications where kind = 'report_reminder'",
    )
    .await;
    assert_eq!(told, 1, "Home Affairs has one head");
    let page = app.get_as(&city, "/reports/tracking").await;
    assert_eq!(page.texts("#tracking td.num"), ["0", "1"]);

    // The same table as a workbook and as CSV, from the page's links.
    let xlsx = app
        .get_as(&city, &page.attr("#tracking-xlsx", "href"))
        .await;
    let rows = crate::task_export::sheet(&xlsx, "Theo dõi gửi báo cáo");
    let cells = |row: &[calamine::Data]| -> Vec<String> {
        row.iter().map(crate::task_export::text).collect()
    };
    assert_eq!(cells(&rows[0])[..3], ["STT", "Đơn vị", "Tình hình"]);
    assert_eq!(cells(&rows[2])[1..3], ["Sở Nội vụ", "Chưa gửi, quá hạn"]);
    assert_eq!(cells(&rows[2])[7], "1", "one reminder");
    let csv = app.get_as(&city, &page.attr("#tracking-csv", "href")).await;
    let records = crate::task_export::csv(&csv);
    assert_eq!(records.len(), 3);
    assert_eq!(records[1][1..3], ["Sở Xây dựng", "Đã gửi đúng hạn"]);
    assert_eq!(
        app.get_as(&head, &page.attr("#tracking-csv", "href"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_print_layout_is_the_document_the_unit_signs() {
    let (app, _, report) = a_department_reporting().await;
    let head = app.session_for("sxd.lanhdao").await;
    let path = format!("/reports/{report}/print");
    let draft = app.get_as(&head, &path).await;
    assert_eq!(draft.status, 200);
    assert_eq!(draft.count("#draft-mark"), 1);
    assert_eq!(
        draft.text(".nation-name"),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    );
    assert_eq!(draft.text(".motto"), "Độc lập - Tự do - Hạnh phúc");
    assert_eq!(draft.text(".issuer-above"), "UBND THÀNH PHỐ HÀ NỘI");
    assert_eq!(draft.text(".issuer-name"), "SỞ XÂY DỰNG");
    assert_eq!(draft.text("#doc-number"), "Số: /BC-SXD");
    assert!(
        draft
            .text("#doc-figures")
            .contains("chủ trì thực hiện 1 nhiệm vụ")
    );
    assert_eq!(draft.count(".annex-table tbody tr"), 1);

    // The annex as a workbook: the same row, dates as dates.
    let xlsx = app.get_as(&head, &format!("/reports/{report}.xlsx")).await;
    let rows = crate::task_export::sheet(&xlsx, "Phụ lục");
    assert_eq!(rows.len(), 2);
    let cells: Vec<String> = rows[1].iter().map(crate::task_export::text).collect();
    let code: String = scalar(&app, "select code from tasks").await;
    assert_eq!((cells[0].as_str(), cells[3].as_str()), ("1", code.as_str()));
    assert!(
        matches!(rows[1][10], calamine::Data::DateTime(_)),
        "the deadline is a date"
    );
    assert_eq!(
        app.get_as(&head, &format!("/reports/{report}.pdfx"))
            .await
            .status,
        404
    );

    submit(&app, &head, report).await;
    let sent = app.get_as(&head, &path).await;
    assert_eq!(sent.count("#draft-mark"), 0);
    let today = app.state.today();
    let day = remediation_portal::domain::document::place_and_date("Hà Nội", Some(today));
    assert_eq!(sent.text("#place-date"), day);
    assert_eq!(sent.text(".signer"), "Cán bộ sxd.lanhdao");
}

#[tokio::test]
async fn the_administrator_keeps_the_calendar_of_days_off() {
    let app = TestApp::empty().await;
    let office = build::unit(&app, "VP").kind("city_office").create().await;
    build::user(&app, "quantri", office)
        .role("admin")
        .create()
        .await;
    let admin = app.session_for("quantri").await;

    let form = [
        ("day", "27/04/2026"),
        ("kind", "day_off"),
        ("name", "Nghỉ bù Giỗ Tổ"),
    ];
    let added = app.post_as(&admin, "/admin/calendar", &form).await;
    assert_eq!(added.status, 303);
    assert_eq!(added.header("location"), Some("/admin/calendar?year=2026"));
    let page = app.get_as(&admin, "/admin/calendar?year=2026").await;
    assert_eq!(
        page.texts("#calendar-days .calendar-name"),
        ["Nghỉ bù Giỗ Tổ"]
    );
    assert!(page.text("#calendar-days").contains("Thứ Hai"));

    // Twice, or with a bad date: messages beside the fields, what was typed kept.
    let twice = app.post_as(&admin, "/admin/calendar", &form).await;
    assert_eq!(twice.status, 422);
    assert_eq!(
        twice.text("#day-error"),
        "Ngày này đã có trong lịch; xóa ngày cũ trước nếu muốn đổi."
    );
    let bad = [("day", "31/02/2026"), ("kind", "day_off"), ("name", "")];
    let bad = app.post_as(&admin, "/admin/calendar", &bad).await;
    assert_eq!(bad.status, 422);
    assert_eq!((bad.count("#day-error"), bad.count("#name-error")), (1, 1));
    assert_eq!(bad.attr("#day", "value"), "31/02/2026");

    let removed = app
        .post_as(&admin, "/admin/calendar/2026-04-27/delete", &[])
        .await;
    assert_eq!(removed.status, 303);
    let listed: i64 = scalar(&app, "select count(*) from calendar_days").await;
    assert_eq!(listed, 0);
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'calendar_day' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["calendar.add", "calendar.remove"]);
}

#[tokio::test]
async fn the_city_sets_up_a_regime_and_its_reports_open() {
    let app = TestApp::empty().await;
    let office = build::unit(&app, "VP").kind("city_office").create().await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let snv = build::unit(&app, "SNV")
        .name("Sở Nội vụ", "Sở NV")
        .create()
        .await;
    let city = app.session_for("vp.chuyenvien").await;
    let today = app.state.today();
    let start = remediation_portal::domain::dates::format_date(today);
    let snv_id = snv.to_string();
    let mut form = vec![
        ("name", "Báo cáo 6 tháng về cải cách hành chính"),
        ("period", "half_year"),
        ("cutoff_day", "0"),
        ("due_working_days", "5"),
        ("owed_by", "chosen_units"),
        ("first_period_start", start.as_str()),
        ("active", "on"),
    ];
    let refused = app.post_as(&city, "/reports/regimes", &form).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.text("#cutoff_day-error"), "Nhập một số từ 1–31.");
    form[2] = ("cutoff_day", "14");
    let refused = app.post_as(&city, "/reports/regimes", &form).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.text("#units-error"),
        "Chọn ít nhất một đơn vị phải báo cáo."
    );
    form.push(("unit", snv_id.as_str()));
    let created = app.post_as(&city, "/reports/regimes", &form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let regime: i64 = scalar(&app, "select id from report_regimes").await;

    // Its report opens for the chosen unit, though it leads no task.
    open_periods(&app.pool, today).await.unwrap();
    let owing: Vec<i64> = sqlx::query_scalar("select unit_id from reports")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(owing, [snv]);

    // An edit carries the version; one from an older page is refused with what changed.
    let edit = format!("/reports/regimes/{regime}/edit");
    let version = app.version(&city, &edit).await;
    let mut changed = form.clone();
    changed[3] = ("due_working_days", "3");
    changed.push(("version", version.as_str()));
    let saved = app
        .post_as(&city, &format!("/reports/regimes/{regime}"), &changed)
        .await;
    assert_eq!(saved.status, 303);
    let stale = app
        .post_as(&city, &format!("/reports/regimes/{regime}"), &changed)
        .await;
    assert_eq!(stale.status, 409);
    let days: i16 = scalar(&app, "select due_working_days from report_regimes").await;
    assert_eq!(days, 3);
    let page = app.get_as(&city, "/reports/regimes").await;
    assert_eq!(
        page.texts("#regimes .regime-name a"),
        ["Báo cáo 6 tháng về cải cách hành chính"]
    );
}

/// The paragraphs of a Word file's body (the tables' cells included), each one's text with its
/// white space made single; and the body's XML.
fn docx_paragraphs(bytes: &[u8]) -> (Vec<String>, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let paragraphs = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "p")
        .map(|p| {
            let text: String = p
                .descendants()
                .filter(|n| n.tag_name().name() == "t")
                .filter_map(|n| n.text())
                .collect();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    (paragraphs, xml)
}

#[tokio::test]
async fn the_word_file_is_the_document_the_print_view_lays_out() {
    let (app, _, report) = a_department_reporting().await;
    let head = app.session_for("sxd.lanhdao").await;
    let path = format!("/reports/{report}.docx");
    let page = app.get_as(&head, &format!("/reports/{report}")).await;
    assert_eq!(page.attr("#docx-link", "href"), path);
    let version = page.attr("#narrative-form input[name=version]", "value");
    let text = [
        ("implementation", "Đã ban hành kế hoạch số 12/KH-SXD."),
        (
            "results",
            "Hoàn thành rà soát 3 dự án.\n\nCòn 2 dự án đang xử lý.",
        ),
        ("problems", ""),
        ("next_steps", "Đề nghị UBND Thành phố chỉ đạo."),
        ("version", &version),
    ];
    let saved = app
        .post_as(&head, &format!("/reports/{report}"), &text)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = app.get_as(&head, &format!("/reports/{report}")).await;
    let (total, done_on_time, open_on_time) = lead_totals(&page);
    let print = app.get_as(&head, &format!("/reports/{report}/print")).await;
    assert_eq!(print.attr("#docx-link", "href"), path);

    let draft = app.get_as(&head, &path).await;
    assert_eq!(draft.status, 200);
    assert_eq!(
        draft.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    let disposition = draft.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"bao-cao-SXD-")
            && disposition.contains(".docx\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20"),
        "{disposition}"
    );
    let (paragraphs, xml) = docx_paragraphs(&draft.bytes);
    let has = |text: &str| paragraphs.iter().any(|p| p == text);
    assert!(
        has("DỰ THẢO — chưa gửi, số liệu chưa chốt"),
        "{paragraphs:?}"
    );
    assert!(has("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(has("Độc lập - Tự do - Hạnh phúc"));
    assert!(has("UBND THÀNH PHỐ HÀ NỘI"));
    assert!(has("SỞ XÂY DỰNG"));
    assert!(has("Số: /BC-SXD"));
    assert!(has("BÁO CÁO"));
    assert!(has("Kính gửi: Ủy ban nhân dân Thành phố Hà Nội."));
    // The parts in their order, the text a paragraph a line, the figures opening part II.
    let at = |text: &str| paragraphs.iter().position(|p| p == text).unwrap();
    assert!(at("I. TÌNH HÌNH TRIỂN KHAI") < at("II. KẾT QUẢ THỰC HIỆN"));
    assert!(at("II. KẾT QUẢ THỰC HIỆN") < at(&print.text("#doc-figures")));
    assert!(at(&print.text("#doc-figures")) < at("Hoàn thành rà soát 3 dự án."));
    assert_eq!(
        at("Hoàn thành rà soát 3 dự án.") + 1,
        at("Còn 2 dự án đang xử lý.")
    );
    assert!(at("Còn 2 dự án đang xử lý.") < at("III. TỒN TẠI, KHÓ KHĂN, NGUYÊN NHÂN"));
    assert!(at("Đề nghị UBND Thành phố chỉ đạo.") < at("- Lưu: VT, SXD."));
    // The figures as the print view writes them, with the numbers the report's page shows.
    let figures = print.text("#doc-figures");
    assert!(has(&figures), "{figures}");
    assert!(figures.contains(&format!("chủ trì thực hiện {total} nhiệm vụ")));
    assert!(figures.contains(&format!("gồm {done_on_time} nhiệm vụ đúng hạn")));
    assert!(figures.contains(&format!("đang thực hiện trong hạn {open_on_time} nhiệm vụ")));
    // The annex: a row for the task, on landscape pages.
    let code = scalar::<String>(&app, "select code from tasks").await;
    assert!(
        paragraphs
            .iter()
            .any(|p| p.starts_with(&format!("{code}. "))),
        "{paragraphs:?}"
    );
    assert!(has("PHỤ LỤC"));
    assert!(xml.contains("w:orient=\"landscape\""));

    // Another unit's head may not have it; nobody signed in is asked to sign in.
    let other = app.session_for("snv.lanhdao").await;
    assert_eq!(app.get_as(&other, &path).await.status, 403);
    let unsigned = app.get(&path).await;
    assert_eq!(unsigned.status, 303);
    assert_eq!(
        unsigned.header("location"),
        Some(format!("/signin?next=/reports/{report}.docx").as_str())
    );

    // Once submitted: the frozen figures, the date of the submission, the signer; no mark.
    submit(&app, &head, report).await;
    let sent = app.get_as(&head, &path).await;
    assert_eq!(sent.status, 200);
    let (paragraphs, _) = docx_paragraphs(&sent.bytes);
    let has = |text: &str| paragraphs.iter().any(|p| p == text);
    assert!(!has("DỰ THẢO — chưa gửi, số liệu chưa chốt"));
    let today = app.state.today();
    let day = remediation_portal::domain::document::place_and_date("Hà Nội", Some(today));
    assert!(has(&day), "{paragraphs:?}");
    assert!(has("Cán bộ sxd.lanhdao"));
    assert!(has(&app
        .get_as(&head, &format!("/reports/{report}/print"))
        .await
        .text("#doc-figures")));
}
