//! Administration: each action, its validation messages, and its audit entries. Each test
//! starts from an empty database with the units, people and documents of [`small_city`].

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{TestApp, TestSession, build};

async fn audit(app: &TestApp, action: &str) -> Vec<(Option<Value>, Option<Value>)> {
    sqlx::query_as("select before, after from audit_log where action = $1 order by id")
        .bind(action)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

async fn admin(app: &TestApp) -> TestSession {
    app.session_for("admin").await
}

/// What the administrator works on: the City office (VPUB) with `admin` and the reviewer
/// `vp.chuyenvien`; Ba Đình with its division BADINH.TNMT, its officer `badinh.cb1` and an
/// open task; Cầu Giấy; the Natural Resources (STNMT) and Construction (SXD) departments; the
/// land field (DD); the source documents 1203/KL-TTCP and 1468/KL-TTCP (with its scan), in
/// which TT-01 was found.
struct City {
    office: i64,
    badinh: i64,
    badinh_division: i64,
    caugiay: i64,
    sxd: i64,
    /// 1468/KL-TTCP, which has one file.
    kl1468: i64,
    tt01: i64,
}

/// [`City`] on an empty database.
async fn small_city(app: &TestApp) -> City {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    build::user(app, "admin", office)
        .role("admin")
        .create()
        .await;
    build::user(app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let badinh = build::unit(app, "BADINH")
        .kind("district")
        .name("UBND quận Ba Đình", "Q. Ba Đình")
        .create()
        .await;
    let badinh_division = build::unit(app, "BADINH.TNMT")
        .kind("division")
        .parent(badinh)
        .create()
        .await;
    build::user(app, "badinh.cb1", badinh).create().await;
    let stnmt = build::unit(app, "STNMT").create().await;
    build::field(app, "DD", "Đất đai").await;
    build::source(app, "1203/KL-TTCP").create().await;
    let kl1468 = build::source(app, "1468/KL-TTCP")
        .file(
            "1468-KL-TTCP.pdf",
            &remediation_portal::seed::demo_pdf("1468/KL-TTCP"),
        )
        .create()
        .await;
    let tt01 = build::shortcoming(app, "TT-01", stnmt)
        .source(kl1468)
        .create()
        .await;
    build::task(app)
        .shortcoming(tt01)
        .lead(badinh)
        .status("in_progress")
        .create()
        .await;
    City {
        office,
        badinh,
        badinh_division,
        caugiay: build::unit(app, "CAUGIAY").kind("district").create().await,
        sxd: build::unit(app, "SXD").create().await,
        kl1468,
        tt01,
    }
}

#[tokio::test]
async fn an_admin_creates_renames_moves_and_deactivates_a_unit() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = admin(&app).await;
    let parent = city.caugiay.to_string();
    let created = app
        .post_as(
            &me,
            "/admin/units",
            &[
                ("code", "caugiay.tnmt"),
                ("name", "Phòng Tài nguyên và Môi trường quận Cầu Giấy"),
                ("short_name", "P. TN&MT Cầu Giấy"),
                ("kind", "division"),
                ("parent_id", &parent),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(created.header("location"), Some("/admin/units"));
    let list = app.get_as(&me, "/admin/units").await;
    assert_eq!(list.text("#flash"), "Đã lưu thay đổi.");
    assert!(
        list.texts("#units td.code")
            .contains(&"CAUGIAY.TNMT".to_owned()),
        "the code is upper-cased"
    );
    // The message is shown once.
    assert_eq!(app.get_as(&me, "/admin/units").await.count("#flash"), 0);
    let id = scalar(&app, "select id from units where code = 'CAUGIAY.TNMT'").await;
    let entries = audit(&app, "unit.create").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1.as_ref().unwrap()["code"], "CAUGIAY.TNMT");

    // Search ignores diacritics.
    let found = app
        .get_as(&me, "/admin/units?q=tai%20nguyen%20cau%20giay")
        .await;
    assert_eq!(found.count("#units tr.unit-row"), 1);

    // Rename and move to the top level, then deactivate.
    let version = app.version(&me, &format!("/admin/units/{id}/edit")).await;
    let updated = app
        .post_as(
            &me,
            &format!("/admin/units/{id}"),
            &[
                ("version", &version),
                ("code", "CAUGIAY.TNMT"),
                ("name", "Phòng TN&MT Cầu Giấy"),
                ("short_name", "P. TN&MT CG"),
                ("kind", "division"),
                ("parent_id", ""),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from units where id = {id} and parent_id is null")
        )
        .await,
        1
    );
    let version = app.version(&me, &format!("/admin/units/{id}/edit")).await;
    let deactivated = app
        .post_as(
            &me,
            &format!("/admin/units/{id}"),
            &[
                ("version", &version),
                ("code", "CAUGIAY.TNMT"),
                ("name", "Phòng TN&MT Cầu Giấy"),
                ("short_name", "P. TN&MT CG"),
                ("kind", "division"),
            ],
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from units where id = {id} and not active")
        )
        .await,
        1
    );
    assert_eq!(audit(&app, "unit.deactivate").await.len(), 1);
    assert_eq!(audit(&app, "unit.update").await.len(), 1);

    // A unit nothing refers to can be deleted.
    let deleted = app
        .post_as(&me, &format!("/admin/units/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(&app, &format!("select count(*) from units where id = {id}")).await,
        0
    );
    assert_eq!(audit(&app, "unit.delete").await.len(), 1);
}

#[tokio::test]
async fn unit_form_errors_sit_beside_their_fields_and_keep_what_was_typed() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = admin(&app).await;
    let before = scalar(&app, "select count(*) from units").await;
    let duplicate = app
        .post_as(
            &me,
            "/admin/units",
            &[
                ("code", "stnmt"),
                ("name", "Sở mới"),
                ("short_name", "Sở mới"),
                ("kind", "department"),
            ],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        duplicate.text("#code-error"),
        "Mã đơn vị này đã được dùng cho đơn vị khác."
    );
    assert_eq!(duplicate.count("#code[aria-invalid=true]"), 1);
    assert_eq!(
        duplicate.count("#name[value='Sở mới']"),
        1,
        "what was typed is kept"
    );
    let empty = app
        .post_as(&me, "/admin/units", &[("code", "x y"), ("kind", "planet")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.count("#code-error"), 1);
    assert_eq!(empty.text("#name-error"), "Vui lòng nhập thông tin này.");
    assert_eq!(empty.count("#short_name-error"), 1);
    assert_eq!(empty.count("#kind-error"), 1);
    let long = "đ".repeat(81);
    let too_long = app
        .post_as(
            &me,
            "/admin/units",
            &[
                ("code", "MOI"),
                ("name", "Sở mới"),
                ("short_name", &long),
                ("kind", "department"),
            ],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        too_long.text("#short_name-error"),
        "Nội dung quá dài: tối đa 80 ký tự."
    );
    assert_eq!(too_long.count("#name-error"), 0);
    assert_eq!(
        scalar(&app, "select count(*) from units").await,
        before,
        "nothing saved"
    );

    // A unit cannot move under itself or its own divisions.
    let (district, division) = (city.badinh, city.badinh_division);
    let version = app
        .version(&me, &format!("/admin/units/{district}/edit"))
        .await;
    let looped = app
        .post_as(
            &me,
            &format!("/admin/units/{district}"),
            &[
                ("code", "BADINH"),
                ("name", "UBND quận Ba Đình"),
                ("short_name", "Q. Ba Đình"),
                ("kind", "district"),
                ("parent_id", &division.to_string()),
                ("active", "on"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(looped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(looped.count("#parent_id-error"), 1);

    // A unit with open tasks cannot be deleted, only deactivated.
    let refused = app
        .post_as(&me, &format!("/admin/units/{district}/delete"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .text("#form-problem")
            .contains("nhiệm vụ chưa hoàn thành"),
        "{}",
        refused.text("#form-problem")
    );
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from units where id = {district}")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_new_user_signs_in_with_the_temporary_password_and_must_change_it() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = admin(&app).await;
    let unit = city.sxd.to_string();
    let created = app
        .post_as(
            &me,
            "/admin/users",
            &[
                ("username", "SXD.CB9"),
                ("full_name", "Trần Thị Ngọc Ánh"),
                ("title", "Chuyên viên"),
                ("email", "sxd.cb9@hanoi.gov.vn"),
                ("unit_id", &unit),
                ("role", "officer"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let edit = app.get_as(&me, created.header("location").unwrap()).await;
    let flash = edit.text("#flash");
    let temporary = flash
        .split("Mật khẩu tạm thời: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert_eq!(temporary.len(), 14, "{flash}");
    assert_eq!(audit(&app, "user.create").await.len(), 1);
    let stored: String =
        sqlx::query_scalar("select password_hash from users where username = 'sxd.cb9'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!stored.contains(&temporary));

    // The user signs in and is sent to change the temporary password first.
    let signed_in = app.sign_in("sxd.cb9", &temporary).await;
    assert_eq!(signed_in.header("location"), Some("/account/password"));
    let user = TestSession {
        cookie: signed_in.session_cookie().unwrap(),
        csrf: {
            let page = app
                .get_with(
                    "/account/password",
                    &[("cookie", &signed_in.session_cookie().unwrap())],
                )
                .await;
            assert_eq!(page.count("#password-forced"), 1);
            page.html()
                .select(&scraper::Selector::parse("#password-form input[name=_csrf]").unwrap())
                .next()
                .and_then(|e| e.attr("value"))
                .unwrap()
                .to_owned()
        },
    };
    assert_eq!(
        app.get_as(&user, "/tasks").await.header("location"),
        Some("/account/password")
    );
    let changed = app
        .post_as(
            &user,
            "/account/password",
            &[
                ("current", &temporary),
                ("new", "Xây dựng 2026 an toàn"),
                ("confirm", "Xây dựng 2026 an toàn"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&user, "/tasks").await.status, StatusCode::OK);
}

#[tokio::test]
async fn user_form_errors_and_duplicate_usernames() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = admin(&app).await;
    let before = scalar(&app, "select count(*) from users").await;
    let duplicate = app
        .post_as(
            &me,
            "/admin/users",
            &[
                ("username", "Admin"),
                ("full_name", "Người trùng tên"),
                ("unit_id", &city.office.to_string()),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        duplicate.text("#username-error"),
        "Tên đăng nhập này đã có người dùng."
    );
    assert_eq!(duplicate.count("#full_name[value='Người trùng tên']"), 1);
    let bad = app
        .post_as(
            &me,
            "/admin/users",
            &[
                ("username", "Đặng Văn A"),
                ("email", "not-an-email"),
                ("phone", "abc"),
                ("role", "king"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["username", "full_name", "email", "phone", "unit_id", "role"] {
        assert_eq!(bad.count(&format!("#{field}-error")), 1, "{field}");
    }
    assert_eq!(
        scalar(&app, "select count(*) from users").await,
        before,
        "nothing saved"
    );
}

#[tokio::test]
async fn deactivating_or_resetting_a_user_ends_their_sessions() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = admin(&app).await;
    let victim = app.session_for("badinh.cb1").await;
    let (id, unit): (i64, i64) =
        sqlx::query_as("select id, unit_id from users where username = 'badinh.cb1'")
            .fetch_one(&app.pool)
            .await
            .unwrap();

    let reset = app
        .post_as(&me, &format!("/admin/users/{id}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&victim, "/tasks").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        scalar(
            &app,
            &format!("select count(*) from users where id = {id} and must_change_password")
        )
        .await,
        1
    );
    assert_eq!(
        app.sign_in("badinh.cb1", build::PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(audit(&app, "user.reset_password").await.len(), 1);

    let again = app.session_for("badinh.cb1").await;
    let version = app.version(&me, &format!("/admin/users/{id}/edit")).await;
    let deactivated = app
        .post_as(
            &me,
            &format!("/admin/users/{id}"),
            &[
                ("version", &version),
                ("full_name", "Người đã nghỉ"),
                ("unit_id", &unit.to_string()),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&again, "/tasks").await.status,
        StatusCode::SEE_OTHER
    );
    let entries = audit(&app, "user.deactivate").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0.as_ref().unwrap()["active"], true);
    assert_eq!(entries[0].1.as_ref().unwrap()["active"], false);

    // An administrator cannot lock themselves out.
    let admin_id = scalar(&app, "select id from users where username = 'admin'").await;
    let admin_unit = scalar(&app, "select unit_id from users where username = 'admin'").await;
    let version = app
        .version(&me, &format!("/admin/users/{admin_id}/edit"))
        .await;
    let myself = app
        .post_as(
            &me,
            &format!("/admin/users/{admin_id}"),
            &[
                ("version", &version),
                ("full_name", "Quản trị"),
                ("unit_id", &admin_unit.to_string()),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(myself.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn fields_and_sources() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = admin(&app).await;
    let field = app
        .post_as(
            &me,
            "/admin/fields",
            &[("code", "ytt"), ("name_vi", "Y tế"), ("name_en", "Health")],
        )
        .await;
    assert_eq!(field.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(&app, "select count(*) from fields where code = 'YTT'").await,
        1
    );
    let duplicate = app
        .post_as(
            &me,
            "/admin/fields",
            &[("code", "DD"), ("name_vi", "Đất"), ("name_en", "Land")],
        )
        .await;
    assert_eq!(
        duplicate.text("#code-error"),
        "Mã lĩnh vực này đã được dùng."
    );
    assert_eq!(audit(&app, "field.create").await.len(), 1);

    let source = app
        .post_as(
            &me,
            "/admin/sources",
            &[
                ("kind", "inspection"),
                ("doc_number", "886/KL-TTTP"),
                ("doc_date", "15/4/2026"),
                ("issuing_body", "Thanh tra Thành phố Hà Nội"),
                (
                    "title",
                    "Kết luận thanh tra việc quản lý đất công tại huyện Gia Lâm",
                ),
            ],
        )
        .await;
    assert_eq!(source.status, StatusCode::SEE_OTHER);
    let list = app.get_as(&me, "/admin/sources?q=dat%20cong").await;
    assert_eq!(list.count("#sources tr.source-row"), 1);
    assert_eq!(list.text("#sources td.date"), "15/04/2026");
    let bad = app
        .post_as(
            &me,
            "/admin/sources",
            &[
                ("kind", "inspection"),
                ("doc_number", "1203/KL-TTCP"),
                ("doc_date", "31/02/2019"),
                ("title", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#doc_date-error").contains("ngày/tháng/năm"));
    assert_eq!(bad.count("#title-error"), 1);
    assert_eq!(bad.count("#issuing_body-error"), 1);
    let taken = app
        .post_as(
            &me,
            "/admin/sources",
            &[
                ("kind", "inspection"),
                ("doc_number", "1203/kl-ttcp"),
                ("issuing_body", "TTCP"),
                ("title", "Trùng số"),
            ],
        )
        .await;
    assert_eq!(
        taken.text("#doc_number-error"),
        "Đã có văn bản mang số, ký hiệu này."
    );
    assert_eq!(audit(&app, "source.create").await.len(), 1);
}

#[tokio::test]
async fn a_source_document_gets_its_file_checked_by_content() {
    let app = TestApp::empty_with_config(|c| c.max_upload_bytes = 1024 * 1024).await;
    let city = small_city(&app).await;
    let me = admin(&app).await;
    let source = city.kl1468;
    let path = format!("/admin/sources/{source}/files");
    let pdf = remediation_portal::seed::demo_pdf("Ket luan 1468");

    let uploaded = app
        .post_file_as(&me, &path, "file", "Kết luận 1468 (bản chụp).pdf", &pdf)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER);
    let page = app
        .get_as(&me, &format!("/admin/sources/{source}/edit"))
        .await;
    assert!(page.text("#flash").contains("Kết luận 1468 (bản chụp).pdf"));
    let links = page.texts("#files li.file a");
    assert!(
        links.contains(&"Kết luận 1468 (bản chụp).pdf".to_owned()),
        "{links:?}"
    );
    assert_eq!(audit(&app, "source.attach_file").await.len(), 1);

    // Anyone signed in downloads it, under its Vietnamese name.
    let file = scalar(&app, "select max(id) from attachments").await;
    let officer = app.session_for("badinh.cb1").await;
    let download = app.get_as(&officer, &format!("/files/{file}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    let disposition = download.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''K%E1%BA%BFt%20lu%E1%BA%ADn%201468"),
        "{disposition}"
    );
    assert_eq!(download.body.as_bytes(), pdf.as_slice());
    assert_eq!(
        app.get(&format!("/files/{file}")).await.status,
        StatusCode::SEE_OTHER,
        "signed in only"
    );

    // A program named .pdf is refused, and so is a file over the limit; nothing is stored.
    let before = scalar(&app, "select count(*) from attachments").await;
    let fake = app
        .post_file_as(
            &me,
            &path,
            "file",
            "ketluan.pdf",
            b"MZ\x90\x00\x03 this is a program",
        )
        .await;
    assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        fake.text("#file-error").contains("PDF, Word, Excel"),
        "{}",
        fake.text("#file-error")
    );
    let mut big = pdf.clone();
    big.resize(1024 * 1024 + 10, b' ');
    let too_large = app.post_file_as(&me, &path, "file", "lon.pdf", &big).await;
    assert_eq!(too_large.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        too_large.text("#file-error"),
        "Tệp quá lớn: dung lượng tối đa là 1 MB."
    );
    let empty = app.post_file_as(&me, &path, "file", "", b"").await;
    assert_eq!(empty.text("#file-error"), "Vui lòng chọn một tệp.");
    assert_eq!(
        scalar(&app, "select count(*) from attachments").await,
        before
    );

    // The shortcoming pages link the source's files: its scan and the one uploaded.
    let reviewer = app.session_for("vp.chuyenvien").await;
    let page = app
        .get_as(&reviewer, &format!("/shortcomings/{}", city.tt01))
        .await;
    assert_eq!(page.count("#sources a.file-link"), 2);
}

#[tokio::test]
async fn a_refused_source_edit_still_shows_its_files() {
    let app = TestApp::empty().await;
    let source = small_city(&app).await.kl1468;
    let me = app.session_for("admin").await;
    let refused = app
        .post_as(
            &me,
            &format!("/admin/sources/{source}"),
            &[
                ("kind", "inspection"),
                ("issuing_body", "Thanh tra Chính phủ"),
                ("title", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.text("#title-error"), "Vui lòng nhập thông tin này.");
    assert_eq!(
        refused.count("#files .file"),
        1,
        "the files and the upload form stay"
    );
    assert_eq!(refused.count("#upload-form"), 1);
}
