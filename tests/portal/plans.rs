//! Remediation plans: the list and its filters, a plan's page, creating and editing plans,
//! their files, and who may see and do what. Each test starts from an empty database and
//! builds the units, people and plans it works on.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use remediation_portal::domain::dates::format_date;
use serde_json::Value;

use crate::common::{self, AuditRow, TestApp, TestSession, audit_entries, build};

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    common::scalar(app, sql).await
}

async fn audit(app: &TestApp, action: &str) -> Vec<AuditRow> {
    audit_entries(app, "plan", action).await
}

fn days_from_today(app: &TestApp, days: i64) -> String {
    format_date(app.state.today() + Duration::days(days))
}

/// The units, people, shortcomings and plans of these tests: the City office (its reviewer
/// `vp.chuyenvien`, `admin` and the viewer `giamsat`); the Natural Resources and Environment
/// department with its division, and Ba Đình with its division, each with a head
/// (`stnmt.lanhdao`, `badinh.lanhdao`) and an officer (`stnmt.cb1`, `badinh.cb1`); Hoàn Kiếm;
/// shortcomings TT-01 to TT-03; one plan of the department and one of Ba Đình.
struct City {
    stnmt: i64,
    badinh: i64,
    /// Ba Đình's division (Phòng Tài nguyên và Môi trường).
    badinh_division: i64,
    hoankiem: i64,
    tt01: i64,
    tt02: i64,
    /// The department's plan: due 31/03/2019, never issued.
    stnmt_plan: i64,
    /// Ba Đình's plan, issued on time in 2019.
    badinh_plan: i64,
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
    let stnmt = build::unit(app, "STNMT")
        .name("Sở Tài nguyên và Môi trường", "Sở TN&MT")
        .create()
        .await;
    build::unit(app, "STNMT.CCBVMT")
        .kind("division")
        .name("Chi cục Bảo vệ môi trường", "CC BVMT")
        .parent(stnmt)
        .create()
        .await;
    let badinh = build::unit(app, "BADINH")
        .kind("district")
        .name("UBND quận Ba Đình", "Q. Ba Đình")
        .create()
        .await;
    let badinh_division = build::unit(app, "BADINH.TNMT")
        .kind("division")
        .name(
            "Phòng Tài nguyên và Môi trường quận Ba Đình",
            "P. TN&MT Ba Đình",
        )
        .parent(badinh)
        .create()
        .await;
    for (unit, login) in [(stnmt, "stnmt"), (badinh, "badinh")] {
        build::user(app, &format!("{login}.lanhdao"), unit)
            .role("unit_head")
            .create()
            .await;
        build::user(app, &format!("{login}.cb1"), unit)
            .create()
            .await;
    }
    let hoankiem = build::unit(app, "HOANKIEM")
        .kind("district")
        .name("UBND quận Hoàn Kiếm", "Q. Hoàn Kiếm")
        .create()
        .await;
    let tt01 = build::shortcoming(app, "TT-01", stnmt).create().await;
    let tt02 = build::shortcoming(app, "TT-02", stnmt).create().await;
    build::shortcoming(app, "TT-03", badinh).create().await;
    let deadline = date("2019-03-31");
    City {
        stnmt,
        badinh,
        badinh_division,
        hoankiem,
        tt01,
        tt02,
        stnmt_plan: build::plan(
            app,
            stnmt,
            "Kế hoạch của Sở Tài nguyên và Môi trường khắc phục tồn tại, hạn chế",
        )
        .issue_deadline(deadline)
        .shortcoming(tt01)
        .create()
        .await,
        badinh_plan: build::plan(
            app,
            badinh,
            "Kế hoạch của UBND quận Ba Đình khắc phục tồn tại, hạn chế",
        )
        .issue_deadline(deadline)
        .issued(date("2019-03-25"), "23/KH-BADINH")
        .create()
        .await,
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn a_reviewer_creates_a_plan_then_records_its_issue() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let list = app.get_as(&me, "/plans").await;
    assert_eq!(list.text("#new-plan"), "Thêm kế hoạch");
    let form = app.get_as(&me, "/plans/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.text("h1"), "Thêm kế hoạch khắc phục");
    assert_eq!(
        form.count("#shortcomings input[name=shortcoming]"),
        3,
        "every shortcoming is offered"
    );

    let stnmt = city.stnmt;
    let deadline = days_from_today(&app, 30);
    let (tt01, tt02) = (city.tt01.to_string(), city.tt02.to_string());
    let created = app
        .post_as(
            &me,
            "/plans",
            &[
                ("unit_id", &stnmt.to_string()),
                ("title", "Kế hoạch bổ sung khắc phục tồn tại về đất đai"),
                ("issue_deadline", &deadline),
                ("issued_on", ""),
                ("doc_number", ""),
                ("shortcoming", &tt01),
                ("shortcoming", &tt02),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = scalar(
        &app,
        "select id from plans where title = 'Kế hoạch bổ sung khắc phục tồn tại về đất đai'",
    )
    .await;
    assert_eq!(
        created.header("location"),
        Some(format!("/plans/{id}").as_str())
    );
    let (unit_id, number, issued): (i64, Option<String>, Option<chrono::NaiveDate>) =
        sqlx::query_as("select unit_id, doc_number, issued_on from plans where id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((unit_id, number, issued), (stnmt, None, None));
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from plan_shortcomings where plan_id = {id}")
        )
        .await,
        2
    );
    let entries = audit(&app, "plan.create").await;
    assert_eq!(entries.len(), 1);
    let (actor, unit_id, entity_id, _, after) = &entries[0];
    assert_eq!(actor, "vp.chuyenvien");
    assert_eq!(*unit_id, Some(stnmt));
    assert_eq!(entity_id.as_deref(), Some(id.to_string().as_str()));
    let after = after.as_ref().unwrap();
    assert_eq!(
        after["title"],
        "Kế hoạch bổ sung khắc phục tồn tại về đất đai"
    );
    assert_eq!(after["shortcomings"].as_array().unwrap().len(), 2);

    let page = app.get_as(&me, &format!("/plans/{id}")).await;
    assert_eq!(page.text("#flash"), "Đã lưu kế hoạch.");
    assert_eq!(
        page.text("h1"),
        "Kế hoạch bổ sung khắc phục tồn tại về đất đai"
    );
    assert_eq!(page.text(".badges .badge"), "Chưa ban hành");
    assert_eq!(page.text("#facts .issue-deadline"), deadline);
    assert_eq!(page.texts("#shortcomings li.shortcoming a").len(), 2);
    assert!(
        page.text("#shortcomings li.shortcoming a")
            .starts_with("TT-01")
    );
    assert_eq!(page.text("#edit-plan"), "Sửa kế hoạch");

    // Issued today: the number is recorded with it.
    let today = days_from_today(&app, 0);
    let edit = app.get_as(&me, &format!("/plans/{id}/edit")).await;
    assert_eq!(
        edit.count(&format!("#issue_deadline[value='{deadline}']")),
        1
    );
    assert_eq!(edit.count("#shortcomings input[checked]"), 2);
    let version = app.version(&me, &format!("/plans/{id}/edit")).await;
    let updated = app
        .post_as(
            &me,
            &format!("/plans/{id}"),
            &[
                ("version", &version),
                ("unit_id", &stnmt.to_string()),
                ("title", "Kế hoạch bổ sung khắc phục tồn tại về đất đai"),
                ("issue_deadline", &deadline),
                ("issued_on", &today),
                ("doc_number", "215/KH-STNMT"),
                ("shortcoming", &tt01),
            ],
        )
        .await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER, "{}", updated.body);
    let entries = audit(&app, "plan.update").await;
    assert_eq!(entries.len(), 1);
    let (actor, unit_id, _, before, after) = &entries[0];
    assert_eq!((actor.as_str(), *unit_id), ("vp.chuyenvien", Some(stnmt)));
    assert_eq!(before.as_ref().unwrap()["issued_on"], Value::Null);
    assert_eq!(
        before.as_ref().unwrap()["shortcomings"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let after = after.as_ref().unwrap();
    assert_eq!(after["doc_number"], "215/KH-STNMT");
    assert_eq!(
        after["issued_on"],
        (app.state.today()).format("%Y-%m-%d").to_string()
    );
    let page = app.get_as(&me, &format!("/plans/{id}")).await;
    assert_eq!(page.text("#flash"), "Đã lưu kế hoạch.");
    assert_eq!(page.text(".badges .badge"), "Ban hành đúng hạn");
    assert_eq!(page.text("#facts .plan-number"), "215/KH-STNMT");
    assert_eq!(page.count("#shortcomings li.shortcoming"), 1);

    // The shortcoming's page links the plan.
    let shortcoming_page = app.get_as(&me, &format!("/shortcomings/{tt01}")).await;
    let links: Vec<String> = shortcoming_page
        .html()
        .select(&scraper::Selector::parse("#plans li.plan a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert!(links.contains(&format!("/plans/{id}")), "{links:?}");
}

#[tokio::test]
async fn every_bad_plan_input_gets_its_message_and_nothing_is_saved() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("admin").await;
    let before = scalar(&app, "select count(*) from plans").await;

    let empty = app.post_as(&me, "/plans", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.text("#unit_id-error"),
        "Vui lòng chọn một đơn vị đang hoạt động."
    );
    assert_eq!(empty.text("#title-error"), "Vui lòng nhập thông tin này.");
    assert_eq!(
        empty.text("#issue_deadline-error"),
        "Vui lòng nhập thông tin này."
    );
    assert_eq!(empty.count("#issued_on-error"), 0);
    assert_eq!(empty.count("#doc_number-error"), 0);

    let stnmt = city.stnmt.to_string();
    let yesterday = days_from_today(&app, -1);
    let tomorrow = days_from_today(&app, 1);
    let long_number = "9".repeat(61);
    let bad = app
        .post_as(
            &me,
            "/plans",
            &[
                ("unit_id", "abc"),
                ("title", "Kế hoạch giữ nguyên"),
                ("issue_deadline", &yesterday),
                ("issued_on", &tomorrow),
                ("doc_number", &long_number),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.text("#unit_id-error"),
        "Vui lòng chọn một đơn vị đang hoạt động."
    );
    assert_eq!(
        bad.text("#issue_deadline-error"),
        "Hạn ban hành không thể ở quá khứ."
    );
    assert_eq!(
        bad.text("#issued_on-error"),
        "Ngày ban hành không thể ở tương lai."
    );
    assert_eq!(
        bad.text("#doc_number-error"),
        "Nội dung quá dài: tối đa 60 ký tự."
    );
    assert_eq!(bad.count("#title[value='Kế hoạch giữ nguyên']"), 1);
    assert_eq!(
        bad.count(&format!(
            "#issue_deadline[value='{yesterday}'][aria-invalid=true]"
        )),
        1
    );
    assert_eq!(bad.count(&format!("#issued_on[value='{tomorrow}']")), 1);

    // Dates that are not dates; an issued plan without its number; an unknown unit.
    let tt01 = city.tt01.to_string();
    let typed = app
        .post_as(
            &me,
            "/plans",
            &[
                ("unit_id", &stnmt),
                ("title", "Kế hoạch"),
                ("issue_deadline", "31/02/2030"),
                ("issued_on", "-5000-01-01"),
                ("shortcoming", &tt01),
            ],
        )
        .await;
    assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let date_message =
        "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, năm từ 2000 đến 2100, ví dụ 31/03/2019.";
    assert_eq!(typed.text("#issue_deadline-error"), date_message);
    assert_eq!(typed.text("#issued_on-error"), date_message);
    assert_eq!(
        typed.count("#unit_id option[selected]"),
        1,
        "the unit stays chosen"
    );
    assert_eq!(typed.count(&format!("#shortcoming-{tt01}[checked]")), 1);
    let no_number = app
        .post_as(
            &me,
            "/plans",
            &[
                ("unit_id", &stnmt),
                ("title", "Kế hoạch"),
                ("issue_deadline", &tomorrow),
                ("issued_on", &days_from_today(&app, 0)),
            ],
        )
        .await;
    assert_eq!(no_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        no_number.text("#doc_number-error"),
        "Kế hoạch đã ban hành phải có số, ký hiệu."
    );
    sqlx::query("update units set active = false where code = 'HOANKIEM'")
        .execute(&app.pool)
        .await
        .unwrap();
    for unit_id in ["999999".to_owned(), city.hoankiem.to_string()] {
        let response = app
            .post_as(
                &me,
                "/plans",
                &[
                    ("unit_id", &unit_id),
                    ("title", "Kế hoạch"),
                    ("issue_deadline", &tomorrow),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.count("#unit_id-error"), 1, "{unit_id}");
    }
    // A shortcoming that does not exist (checked once what was typed is right).
    let unknown = app
        .post_as(
            &me,
            "/plans",
            &[
                ("unit_id", &stnmt),
                ("title", "Kế hoạch"),
                ("issue_deadline", &tomorrow),
                ("shortcoming", &tt01),
                ("shortcoming", "999999"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown.text("#shortcoming-error"),
        "Tồn tại, hạn chế được chọn không có trong danh sách."
    );
    assert_eq!(unknown.count(&format!("#shortcoming-{tt01}[checked]")), 1);
    assert_eq!(
        scalar(&app, "select count(*) from plans").await,
        before,
        "nothing saved"
    );
    assert!(audit(&app, "plan.create").await.is_empty());

    // Editing: a deadline long past may stay (the department's plan was due in 2019), but an
    // issued plan still needs its number; the refused edit changes nothing.
    let id = city.stnmt_plan;
    let (title, deadline): (String, chrono::NaiveDate) =
        sqlx::query_as("select title, issue_deadline from plans where id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let version = app.version(&me, &format!("/plans/{id}/edit")).await;
    let refused = app
        .post_as(
            &me,
            &format!("/plans/{id}"),
            &[
                ("version", &version),
                ("unit_id", &stnmt),
                ("title", "Tên mới"),
                ("issue_deadline", &format_date(deadline)),
                ("issued_on", "20/03/2019"),
                ("doc_number", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.count("#doc_number-error"), 1);
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from plans where id = {id} and title = 'Tên mới'")
        )
        .await,
        0
    );
    let version = app.version(&me, &format!("/plans/{id}/edit")).await;
    let kept = app
        .post_as(
            &me,
            &format!("/plans/{id}"),
            &[
                ("version", &version),
                ("unit_id", &stnmt),
                ("title", &title),
                ("issue_deadline", &format_date(deadline)),
                ("issued_on", "20/03/2019"),
                ("doc_number", "20/KH-STNMT"),
            ],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);

    // Ids that are not plans.
    for path in [
        "/plans/999999",
        "/plans/abc",
        "/plans/999999/edit",
        "/plans/0/edit",
    ] {
        assert_eq!(
            app.get_as(&me, path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        app.post_as(&me, "/plans/abc", &[("title", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unit_staff_and_viewers_may_not_create_or_edit_plans() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let id = city.stnmt_plan;
    let stnmt = city.stnmt.to_string();
    let deadline = days_from_today(&app, 10);
    let fields = [
        ("unit_id", stnmt.as_str()),
        ("title", "Không được lưu"),
        ("issue_deadline", deadline.as_str()),
    ];
    let pdf = remediation_portal::seed::demo_pdf("Ke hoach");
    for username in ["stnmt.cb1", "stnmt.lanhdao", "giamsat"] {
        let session = app.session_for(username).await;
        for path in ["/plans/new".to_owned(), format!("/plans/{id}/edit")] {
            let response = app.get_as(&session, &path).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{username} {path}");
            assert_eq!(response.text("h1"), "Không có quyền truy cập");
        }
        for path in ["/plans".to_owned(), format!("/plans/{id}")] {
            let response = app.post_as(&session, &path, &fields).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{username} {path}");
        }
        let upload = app
            .post_file_as(
                &session,
                &format!("/plans/{id}/files"),
                "file",
                "kh.pdf",
                &pdf,
            )
            .await;
        assert_eq!(upload.status, StatusCode::FORBIDDEN, "{username}");
        // Their own unit's plan opens, without the reviewer's buttons.
        let page = app.get_as(&session, &format!("/plans/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{username}");
        assert_eq!(page.count("#edit-plan"), 0);
        assert_eq!(page.count("#upload-form"), 0);
        assert_eq!(app.get_as(&session, "/plans").await.count("#new-plan"), 0);
    }
    assert_eq!(
        scalar(
            &app,
            "select count(*) from plans where title = 'Không được lưu'"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from attachments where plan_id = {id}")
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "select count(*) from audit_log where entity = 'plan' and actor_id is not null"
        )
        .await,
        0,
        "no one changed a plan (the overdue scan's entries have no actor)"
    );
}

#[tokio::test]
async fn unit_staff_see_only_their_units_plans() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let head = app.session_for("stnmt.lanhdao").await;
    let own = city.stnmt_plan;
    let other = city.badinh_plan;
    assert_eq!(
        app.get_as(&head, &format!("/plans/{own}")).await.status,
        StatusCode::OK
    );
    let refused = app.get_as(&head, &format!("/plans/{other}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.text("h1"), "Không có quyền truy cập");

    let list = app.get_as(&head, "/plans").await;
    let units = list.texts("#plans td.plan-unit");
    assert_eq!(units, vec!["Sở TN&MT".to_owned()], "{units:?}");
    // Asking for another unit in the URL shows nothing, not that unit's plans.
    let asked = app
        .get_as(&head, &format!("/plans?unit={}", city.badinh))
        .await;
    assert_eq!(asked.count("#plans tr.plan-row"), 0);
    assert_eq!(asked.text(".empty"), "Không có kế hoạch nào.");
    // The unit filter offers their own units only: the department and its division.
    let mut offered = list.texts("#unit option");
    assert_eq!(offered.remove(0), "Tất cả");
    offered.sort();
    assert_eq!(
        offered,
        vec!["Chi cục Bảo vệ môi trường", "Sở Tài nguyên và Môi trường"]
    );

    // The City sees every plan.
    let total = scalar(&app, "select count(*) from plans").await;
    assert_eq!(total, 2);
    for username in ["vp.chuyenvien", "giamsat"] {
        let session = app.session_for(username).await;
        let list = app.get_as(&session, "/plans").await;
        assert!(
            list.text(".page-of").contains(&format!("· {total} ")),
            "{}",
            list.text(".page-of")
        );
        assert_eq!(
            app.get_as(&session, &format!("/plans/{other}"))
                .await
                .status,
            StatusCode::OK
        );
    }

    // A district head also sees the plans of the district's divisions; its officers do not.
    let reviewer = app.session_for("vp.chuyenvien").await;
    let division = city.badinh_division;
    let created = app
        .post_as(
            &reviewer,
            "/plans",
            &[
                ("unit_id", &division.to_string()),
                ("title", "Kế hoạch của Phòng TN&MT quận Ba Đình"),
                ("issue_deadline", &days_from_today(&app, 5)),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let division_plan = scalar(
        &app,
        &format!("select id from plans where unit_id = {division}"),
    )
    .await;
    let district_head = app.session_for("badinh.lanhdao").await;
    assert_eq!(
        app.get_as(&district_head, &format!("/plans/{division_plan}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_as(&district_head, "/plans")
            .await
            .count("#plans tr.plan-row"),
        2
    );
    let district_officer = app.session_for("badinh.cb1").await;
    assert_eq!(
        app.get_as(&district_officer, &format!("/plans/{division_plan}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_plan_list_filters_by_text_status_and_unit() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    // One plan of each status: the department's is overdue, Ba Đình's issued on time, and
    // Hoàn Kiếm has one issued late and one due in 30 days.
    build::plan(
        &app,
        city.hoankiem,
        "Kế hoạch của UBND quận Hoàn Kiếm khắc phục tồn tại, hạn chế",
    )
    .issue_deadline(date("2019-03-31"))
    .issued(date("2019-04-20"), "41/KH-HOANKIEM")
    .create()
    .await;
    build::plan(
        &app,
        city.hoankiem,
        "Kế hoạch bổ sung của UBND quận Hoàn Kiếm",
    )
    .create()
    .await;
    let me = app.session_for("vp.chuyenvien").await;
    let total = scalar(&app, "select count(*) from plans").await;
    assert_eq!(total, 4);

    // Typed without diacritics, "ke hoach" finds "Kế hoạch"; every word must match.
    let all = app.get_as(&me, "/plans?q=ke+hoach").await;
    assert!(
        all.text(".page-of").contains(&format!("· {total} ")),
        "{}",
        all.text(".page-of")
    );
    let ba_dinh = app.get_as(&me, "/plans?q=KE+HOACH+quan+ba+dinh").await;
    assert_eq!(
        ba_dinh.texts("#plans td.plan-unit"),
        vec!["Q. Ba Đình".to_owned()]
    );
    assert!(
        ba_dinh
            .text("#plans td.plan-title")
            .starts_with("Kế hoạch của UBND quận Ba Đình")
    );
    assert_eq!(
        ba_dinh.count("#q[value='KE HOACH quan ba dinh']"),
        1,
        "the filter is kept"
    );
    assert_eq!(ba_dinh.count("#clear-filters"), 1);
    let none = app.get_as(&me, "/plans?q=ke+hoach+khong+co+dau").await;
    assert_eq!(none.text(".empty"), "Không có kế hoạch nào.");

    // Each status shows the plans the SQL filter and the badge agree on.
    let today = app.state.today();
    let overdue = format!("issued_on is null and (overdue or issue_deadline < '{today}')");
    let not_issued = format!("issued_on is null and not overdue and issue_deadline >= '{today}'");
    let expected = [
        (
            "issued_on_time",
            "Ban hành đúng hạn",
            "issued_on <= issue_deadline",
        ),
        ("issued_late", "Ban hành chậm", "issued_on > issue_deadline"),
        ("overdue", "Chưa ban hành, quá hạn", overdue.as_str()),
        ("not_issued", "Chưa ban hành", not_issued.as_str()),
    ];
    let mut seen = 0;
    for (code, label, condition) in expected {
        let count = scalar(
            &app,
            &format!("select count(*) from plans where {condition}"),
        )
        .await;
        assert_eq!(count, 1, "{code}: one plan of each status was built");
        let page = app.get_as(&me, &format!("/plans?status={code}")).await;
        let badges = page.texts("#plans td.plan-status");
        assert_eq!(badges.len() as i64, count, "{code}");
        assert!(badges.iter().all(|b| b == label), "{code}: {badges:?}");
        seen += count;
    }
    assert_eq!(seen, total, "every plan has exactly one status");

    // By unit.
    let badinh = city.badinh;
    let by_unit = app.get_as(&me, &format!("/plans?unit={badinh}")).await;
    assert_eq!(
        by_unit.texts("#plans td.plan-unit"),
        vec!["Q. Ba Đình".to_owned()]
    );
    assert_eq!(
        by_unit.count(&format!("#unit option[value='{badinh}'][selected]")),
        1
    );
    // Filters that mean nothing are ignored, never an error.
    // (A NUL in the query is refused as a bad request before any page runs.)
    assert_eq!(
        app.get_as(&me, "/plans?q=%00").await.status,
        StatusCode::BAD_REQUEST
    );
    for query in [
        "unit=abc&status=sometime&page=x",
        "q=&unit=99999999999999999999",
    ] {
        let odd = app.get_as(&me, &format!("/plans?{query}")).await;
        assert_eq!(odd.status, StatusCode::OK, "{query}");
        assert!(
            odd.text(".page-of").contains(&format!("· {total} ")),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_plan_shows_its_tasks_and_the_navigation_links_the_plans() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("stnmt.cb1").await;
    let id = city.stnmt_plan;
    // Three tasks of the plan, and one of the department outside it.
    for _ in 0..3 {
        build::task(&app)
            .shortcoming(city.tt01)
            .plan(id)
            .create()
            .await;
    }
    build::task(&app).shortcoming(city.tt02).create().await;
    let page = app.get_as(&me, &format!("/plans/{id}")).await;
    assert_eq!(page.count("#tasks tr.task-row"), 3);
    assert_eq!(
        page.text("#facts .plan-unit"),
        "Sở Tài nguyên và Môi trường"
    );
    let nav = page.texts(".mainnav a");
    assert_eq!(
        nav[..4],
        ["Việc của tôi", "Tồn tại, hạn chế", "Nhiệm vụ", "Kế hoạch"]
    );
    assert_eq!(page.text(".mainnav a[aria-current=page]"), "Kế hoạch");
    let english = app
        .get_with(
            &format!("/plans/{id}"),
            &[("cookie", &format!("{}; lang=en", me.cookie))],
        )
        .await;
    assert_eq!(english.text(".mainnav a[href='/plans']"), "Plans");
}

/// The officer of the plan's unit and the City download a plan's file; another unit's staff
/// do not.
#[tokio::test]
async fn a_plan_document_is_checked_by_content_and_downloaded_by_its_unit_and_the_city() {
    let app = TestApp::empty_with_config(|c| c.max_upload_bytes = 1024 * 1024).await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let id = city.stnmt_plan;
    let path = format!("/plans/{id}/files");
    let pdf = remediation_portal::seed::demo_pdf("Ke hoach STNMT");

    // A program renamed to .pdf is refused by its content; nothing is stored.
    let fake = app
        .post_file_as(
            &me,
            &path,
            "file",
            "kehoach.pdf",
            b"MZ\x90\x00\x03 a program",
        )
        .await;
    assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fake.text("#file-error"),
        "Tệp “kehoach.pdf” không được nhận: chỉ nhận tệp PDF, Word, Excel hoặc ảnh (PNG, JPEG), kiểm tra theo nội dung tệp."
    );
    assert_eq!(fake.count("#file[aria-invalid=true]"), 1);
    let empty = app.post_file_as(&me, &path, "file", "", b"").await;
    assert_eq!(empty.text("#file-error"), "Vui lòng chọn một tệp.");
    let mut big = pdf.clone();
    big.resize(1024 * 1024 + 10, b' ');
    let too_large = app.post_file_as(&me, &path, "file", "lon.pdf", &big).await;
    assert_eq!(too_large.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        too_large.text("#file-error"),
        "Tệp quá lớn: dung lượng tối đa là 1 MB."
    );
    assert_eq!(
        scalar(
            &app,
            "select count(*) from attachments where plan_id is not null"
        )
        .await,
        0
    );

    let uploaded = app
        .post_file_as(&me, &path, "file", "Kế hoạch 25-KH-STNMT.pdf", &pdf)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER);
    assert_eq!(
        uploaded.header("location"),
        Some(format!("/plans/{id}").as_str())
    );
    let page = app.get_as(&me, &format!("/plans/{id}")).await;
    assert_eq!(
        page.text("#flash"),
        "Đã đính kèm tệp Kế hoạch 25-KH-STNMT.pdf."
    );
    assert_eq!(
        page.texts("#files li.file a"),
        vec!["Kế hoạch 25-KH-STNMT.pdf".to_owned()]
    );
    let entries = audit(&app, "plan.attach_file").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "vp.chuyenvien");
    assert_eq!(entries[0].1, Some(city.stnmt));
    assert_eq!(
        entries[0].4.as_ref().unwrap()["content_type"],
        "application/pdf"
    );

    let file = scalar(
        &app,
        "select max(id) from attachments where plan_id is not null",
    )
    .await;
    for username in [
        "stnmt.cb1",
        "stnmt.lanhdao",
        "vp.chuyenvien",
        "giamsat",
        "admin",
    ] {
        let session = app.session_for(username).await;
        let download = app.get_as(&session, &format!("/files/{file}")).await;
        assert_eq!(download.status, StatusCode::OK, "{username}");
        assert_eq!(download.header("content-type"), Some("application/pdf"));
        assert_eq!(download.body.as_bytes(), pdf.as_slice());
    }
    for username in ["badinh.cb1", "badinh.lanhdao"] {
        let session = app.session_for(username).await;
        let refused = app.get_as(&session, &format!("/files/{file}")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{username}");
    }
}

/// The officer sees the file listed on the plan page but has no upload form.
#[tokio::test]
async fn unit_staff_see_the_plan_files_without_the_upload_form() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let reviewer = app.session_for("admin").await;
    let id = city.stnmt_plan;
    let pdf = remediation_portal::seed::demo_pdf("Ke hoach");
    let uploaded = app
        .post_file_as(
            &reviewer,
            &format!("/plans/{id}/files"),
            "file",
            "kh.pdf",
            &pdf,
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER);
    let officer: TestSession = app.session_for("stnmt.cb1").await;
    let page = app.get_as(&officer, &format!("/plans/{id}")).await;
    assert_eq!(page.texts("#files li.file a"), vec!["kh.pdf".to_owned()]);
    assert_eq!(page.count("#upload-form"), 0);
}
