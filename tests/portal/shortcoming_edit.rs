//! Creating and editing shortcomings: the City's reviewers and admins only, every message
//! beside its field, the audit entry in the same transaction. Each test starts from an empty
//! database and builds the units, sources and shortcomings it works on.

use axum::http::StatusCode;
use chrono::Datelike;

use crate::common::{self, AuditRow, TestApp, TestSession, audit_entries, build};

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    common::scalar(app, sql).await
}

async fn audit(app: &TestApp, action: &str) -> Vec<AuditRow> {
    audit_entries(app, "shortcoming", action).await
}

/// The units, people, sources and shortcomings of these tests: the City office (its reviewer
/// `vp.chuyenvien`, `admin` and the viewer `giamsat`); the Natural Resources and Environment
/// department (its head `stnmt.lanhdao` and officer `stnmt.cb1`), Ba Đình and Hoàn Kiếm; the
/// land field (DD); three source documents; TT-05 (found in two of them) and TT-06. Ids as
/// the forms send them.
struct City {
    stnmt: String,
    badinh: String,
    hoankiem: String,
    /// The land field.
    land: String,
    kl1468: String,
    ct15: String,
    tt05: i64,
    tt06: i64,
}

/// [`City`] on an empty database.
async fn small_city(app: &TestApp) -> City {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
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
    build::user(app, "stnmt.lanhdao", stnmt)
        .role("unit_head")
        .create()
        .await;
    build::user(app, "stnmt.cb1", stnmt).create().await;
    let badinh = build::unit(app, "BADINH").kind("district").create().await;
    let hoankiem = build::unit(app, "HOANKIEM").kind("district").create().await;
    let land = build::field(app, "DD", "Đất đai").await;
    let kl1468 = build::source(app, "1468/KL-TTCP").create().await;
    let kl1203 = build::source(app, "1203/KL-TTCP").create().await;
    let ct15 = build::source(app, "15/CT-UBND")
        .kind("other")
        .title("Chỉ thị về tăng cường quản lý đất đai")
        .create()
        .await;
    let tt05 = build::shortcoming(app, "TT-05", stnmt)
        .field(land)
        .title("Chậm xử lý các dự án vi phạm Luật Đất đai")
        .source(kl1203)
        .source(kl1468)
        .create()
        .await;
    City {
        stnmt: stnmt.to_string(),
        badinh: badinh.to_string(),
        hoankiem: hoankiem.to_string(),
        land: land.to_string(),
        kl1468: kl1468.to_string(),
        ct15: ct15.to_string(),
        tt05,
        tt06: build::shortcoming(app, "TT-06", badinh)
            .field(land)
            .create()
            .await,
    }
}

/// The same browser with the interface switched to English.
fn in_english(session: &TestSession) -> TestSession {
    TestSession {
        cookie: format!("{}; lang=en", session.cookie),
        csrf: session.csrf.clone(),
    }
}

#[tokio::test]
async fn a_reviewer_adds_a_shortcoming_with_its_sources() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let list = app.get_as(&me, "/shortcomings").await;
    assert_eq!(list.text("#new-shortcoming"), "Thêm tồn tại, hạn chế");
    let form = app.get_as(&me, "/shortcomings/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.text("h1"), "Thêm tồn tại, hạn chế");
    let year = app.state.today().year().to_string();
    assert_eq!(
        form.count(&format!("#year_identified[value='{year}']")),
        1,
        "this year is proposed"
    );

    let stnmt = city.stnmt.clone();
    let (kl1468, ct15) = (&city.kl1468, &city.ct15);
    let saved = app
        .post_as(
            &me,
            "/shortcomings",
            &[
                ("code", " tt-34 "),
                ("title", "Chậm thu hồi đất sử dụng sai mục đích"),
                ("description", "Nhiều dự án chậm triển khai quá 24 tháng."),
                ("field_id", &city.land),
                ("lead_unit_id", &stnmt),
                ("year_identified", "2024"),
                ("source", kl1468),
                ("source", ct15),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id = scalar(&app, "select id from shortcomings where code = 'TT-34'").await;
    assert_eq!(
        saved.header("location"),
        Some(format!("/shortcomings/{id}").as_str())
    );
    let (title, lead, year): (String, String, i16) = sqlx::query_as(
        "select s.title, u.code, s.year_identified from shortcomings s
         join units u on u.id = s.lead_unit_id where s.id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (title.as_str(), lead.as_str(), year),
        ("Chậm thu hồi đất sử dụng sai mục đích", "STNMT", 2024)
    );
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from shortcoming_sources where shortcoming_id = {id}")
        )
        .await,
        2
    );

    let entries = audit(&app, "shortcoming.create").await;
    assert_eq!(entries.len(), 1);
    let (actor, unit_id, entity_id, before, after) = &entries[0];
    assert_eq!(actor, "vp.chuyenvien");
    assert_eq!(unit_id.map(|u| u.to_string()), Some(stnmt));
    assert_eq!(entity_id.as_deref(), Some(id.to_string().as_str()));
    assert!(before.is_none());
    let after = after.as_ref().unwrap();
    assert_eq!(after["code"], "TT-34");
    assert_eq!(after["sources"].as_array().unwrap().len(), 2);

    let page = app.get_as(&me, &format!("/shortcomings/{id}")).await;
    assert_eq!(page.text("#flash"), "Đã lưu tồn tại, hạn chế TT-34.");
    assert!(page.text("h1").starts_with("TT-34"));
    assert_eq!(page.count("#sources li.source"), 2);
    assert_eq!(page.text("#edit-shortcoming"), "Sửa");
    assert_eq!(
        app.get_as(&me, &format!("/shortcomings/{id}"))
            .await
            .count("#flash"),
        0,
        "the message is shown once"
    );
    let list = app.get_as(&me, "/shortcomings").await;
    assert_eq!(
        list.count("#shortcomings tr.shortcoming-row"),
        3,
        "TT-05, TT-06 and the new one"
    );
}

#[tokio::test]
async fn an_admin_edits_a_shortcoming_and_its_sources() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("admin").await;
    let id = city.tt05;
    let sources_before = 2;

    let form = app.get_as(&me, &format!("/shortcomings/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.count("#code[value='TT-05']"), 1);
    assert_eq!(
        form.count("#sources input[type=checkbox][checked]") as i64,
        sources_before,
        "the saved sources are checked"
    );
    assert_eq!(form.count("#lead_unit_id option[selected]"), 1);

    let badinh = city.badinh.clone();
    let ct15 = city.ct15.clone();
    let old_title: String = sqlx::query_scalar("select title from shortcomings where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let version = form.attr("input[name=version]", "value");
    let saved = app
        .post_as(
            &me,
            &format!("/shortcomings/{id}"),
            &[
                ("version", &version),
                ("code", "TT-05"),
                ("title", "Tiêu đề mới của tồn tại TT-05"),
                ("description", ""),
                ("field_id", &city.land),
                ("lead_unit_id", &badinh),
                ("year_identified", "2019"),
                ("source", &ct15),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.header("location"),
        Some(format!("/shortcomings/{id}").as_str())
    );
    let sources: Vec<i64> =
        sqlx::query_scalar("select source_id from shortcoming_sources where shortcoming_id = $1")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(sources, vec![ct15.parse::<i64>().unwrap()]);
    let entries = audit(&app, "shortcoming.update").await;
    assert_eq!(entries.len(), 1);
    let (actor, unit_id, _, before, after) = &entries[0];
    assert_eq!(actor, "admin");
    assert_eq!(
        unit_id.map(|u| u.to_string()),
        Some(badinh.clone()),
        "the new lead unit"
    );
    assert_eq!(before.as_ref().unwrap()["title"], old_title.as_str());
    assert_eq!(
        before.as_ref().unwrap()["sources"]
            .as_array()
            .unwrap()
            .len() as i64,
        sources_before
    );
    assert_eq!(
        after.as_ref().unwrap()["title"],
        "Tiêu đề mới của tồn tại TT-05"
    );
    let page = app.get_as(&me, &format!("/shortcomings/{id}")).await;
    assert_eq!(page.text("#flash"), "Đã lưu tồn tại, hạn chế TT-05.");
    assert!(page.text("h1").contains("Tiêu đề mới của tồn tại TT-05"));
}

#[tokio::test]
async fn every_bad_input_gets_its_message_beside_the_field_and_nothing_is_saved() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let before = scalar(&app, "select count(*) from shortcomings").await;
    let year = app.state.today().year();

    let empty = app.post_as(&me, "/shortcomings", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.text("#code-error"), "Vui lòng nhập thông tin này.");
    assert_eq!(empty.text("#title-error"), "Vui lòng nhập thông tin này.");
    assert_eq!(
        empty.text("#field_id-error"),
        "Vui lòng chọn lĩnh vực trong danh sách."
    );
    assert_eq!(
        empty.text("#lead_unit_id-error"),
        "Vui lòng chọn một đơn vị chủ trì đang hoạt động."
    );
    assert_eq!(
        empty.text("#year_identified-error"),
        format!("Năm phát hiện là một năm từ 2000 đến {year}.")
    );
    assert_eq!(empty.count("#source-error"), 0, "no source is fine");

    // Everything wrong at once; what was typed comes back.
    let kl1468 = city.kl1468.clone();
    let long_title = "Đ".repeat(501);
    let bad = app
        .post_as(
            &me,
            "/shortcomings",
            &[
                ("code", "T-34"),
                ("title", &long_title),
                ("description", "Mô tả giữ nguyên"),
                ("field_id", "abc"),
                ("lead_unit_id", ""),
                ("year_identified", "1999"),
                ("source", &kl1468),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.text("#code-error"), "Mã có dạng TT-NN, ví dụ TT-34.");
    assert_eq!(
        bad.text("#title-error"),
        "Nội dung quá dài: tối đa 500 ký tự."
    );
    assert_eq!(
        bad.text("#field_id-error"),
        "Vui lòng chọn lĩnh vực trong danh sách."
    );
    assert_eq!(
        bad.text("#lead_unit_id-error"),
        "Vui lòng chọn một đơn vị chủ trì đang hoạt động."
    );
    assert_eq!(
        bad.text("#year_identified-error"),
        format!("Năm phát hiện là một năm từ 2000 đến {year}.")
    );
    assert_eq!(bad.count("#code[value='T-34'][aria-invalid=true]"), 1);
    assert_eq!(bad.count("#year_identified[value='1999']"), 1);
    assert_eq!(bad.text("#description"), "Mô tả giữ nguyên");
    assert_eq!(
        bad.count(&format!("#source-{kl1468}[checked]")),
        1,
        "the checked boxes stay checked"
    );

    // What was typed is right, but the lead unit and a source do not exist (the save checks
    // them once the rest is right).
    let field_id = city.land.clone();
    let valid = [
        ("code", "TT-40"),
        ("title", "Một tồn tại mới"),
        ("year_identified", "2020"),
        ("field_id", field_id.as_str()),
    ];
    let mut unknown = valid.to_vec();
    unknown.extend([
        ("lead_unit_id", "999999"),
        ("source", &kl1468),
        ("source", "999999"),
    ]);
    let unknown = app.post_as(&me, "/shortcomings", &unknown).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown.text("#lead_unit_id-error"),
        "Vui lòng chọn một đơn vị chủ trì đang hoạt động."
    );
    assert_eq!(
        unknown.text("#source-error"),
        "Văn bản nguồn được chọn không có trong danh sách."
    );
    assert_eq!(
        unknown.count(&format!("#source-{kl1468}[checked]")),
        1,
        "the checked boxes stay checked"
    );

    // Years after this one, and words, are not years.
    for typed in [(year + 1).to_string(), "hai nghìn".to_owned()] {
        let response = app
            .post_as(&me, "/shortcomings", &[("year_identified", &typed)])
            .await;
        assert_eq!(response.count("#year_identified-error"), 1, "{typed}");
    }
    // A unit that is no longer active cannot lead a new shortcoming.
    sqlx::query("update units set active = false where code = 'HOANKIEM'")
        .execute(&app.pool)
        .await
        .unwrap();
    let hoankiem = city.hoankiem.clone();
    let mut inactive = valid.to_vec();
    inactive.push(("lead_unit_id", &hoankiem));
    let inactive = app.post_as(&me, "/shortcomings", &inactive).await;
    assert_eq!(inactive.count("#lead_unit_id-error"), 1);
    // A NUL character (no browser sends one) is a bad request, never a database error.
    let nul = app
        .post_as(
            &me,
            "/shortcomings",
            &[("title", "\0"), ("description", "a\0b")],
        )
        .await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST);
    let not_an_id = app
        .post_as(&me, "/shortcomings", &[("source", "một")])
        .await;
    assert_eq!(not_an_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_an_id.count("#source-error"), 1);

    // A code already taken: the message sits beside the code.
    let stnmt = city.stnmt.clone();
    let fields = [
        ("code", "TT-05"),
        ("title", "Một tồn tại mới"),
        ("year_identified", "2020"),
        ("field_id", field_id.as_str()),
        ("lead_unit_id", stnmt.as_str()),
    ];
    let taken = app.post_as(&me, "/shortcomings", &fields).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        taken.text("#code-error"),
        "Mã này đã được dùng cho một tồn tại, hạn chế khác."
    );
    assert_eq!(taken.count("#title[value='Một tồn tại mới']"), 1);

    // In English, the messages are English.
    let english = app
        .post_as(&in_english(&me), "/shortcomings", &[("code", "34")])
        .await;
    assert_eq!(
        english.text("#code-error"),
        "The code looks like TT-NN, for example TT-34."
    );

    assert_eq!(
        scalar(&app, "select count(*) from shortcomings").await,
        before,
        "nothing saved"
    );
    assert!(audit(&app, "shortcoming.create").await.is_empty());

    // Editing into another shortcoming's code is refused the same way, and changes nothing.
    let id = city.tt06;
    let version = app.version(&me, &format!("/shortcomings/{id}/edit")).await;
    let mut fields = fields.to_vec();
    fields.push(("version", &version));
    let clash = app
        .post_as(&me, &format!("/shortcomings/{id}"), &fields)
        .await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(clash.count("#code-error"), 1);
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from shortcomings where id = {id} and code = 'TT-06'")
        )
        .await,
        1
    );
    assert!(audit(&app, "shortcoming.update").await.is_empty());
}

#[tokio::test]
async fn unknown_or_malformed_ids_are_not_found() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    for path in ["/shortcomings/999999/edit", "/shortcomings/abc/edit"] {
        assert_eq!(app.get_as(&me, path).await.status, StatusCode::NOT_FOUND);
    }
    for path in ["/shortcomings/999999", "/shortcomings/-1"] {
        let response = app.post_as(&me, path, &[("code", "TT-40")]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn unit_staff_and_viewers_may_not_create_or_edit_shortcomings() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let id = city.tt05;
    let (field_id, stnmt) = (city.land, city.stnmt);
    let fields = [
        ("code", "TT-40"),
        ("title", "Không được lưu"),
        ("field_id", field_id.as_str()),
        ("lead_unit_id", stnmt.as_str()),
        ("year_identified", "2020"),
    ];
    for username in ["stnmt.cb1", "stnmt.lanhdao", "giamsat"] {
        let session = app.session_for(username).await;
        for path in [
            "/shortcomings/new".to_owned(),
            format!("/shortcomings/{id}/edit"),
        ] {
            let response = app.get_as(&session, &path).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{username} {path}");
            assert_eq!(response.text("h1"), "Không có quyền truy cập");
        }
        for path in ["/shortcomings".to_owned(), format!("/shortcomings/{id}")] {
            let response = app.post_as(&session, &path, &fields).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{username} {path}");
        }
        // Nor are they offered the buttons.
        assert_eq!(
            app.get_as(&session, "/shortcomings")
                .await
                .count("#new-shortcoming"),
            0
        );
        assert_eq!(
            app.get_as(&session, &format!("/shortcomings/{id}"))
                .await
                .count("#edit-shortcoming"),
            0
        );
    }
    assert_eq!(
        scalar(
            &app,
            "select count(*) from shortcomings where code = 'TT-40' or title = 'Không được lưu'"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "select count(*) from audit_log where entity = 'shortcoming'"
        )
        .await,
        0
    );
}
