//! Hostile and careless input: dates outside the portal's calendar, concurrent creations, and a
//! bounded fuzzing run through the router. None of it may answer 5xx.

use axum::http::StatusCode;

use crate::common::{TestApp, scalar, unit_id};

/// Dates the database cannot hold, or that are typing slips, as filters and as saved fields.
#[tokio::test]
async fn dates_outside_the_calendar_are_refused_beside_the_field() {
    let app = TestApp::with_demo().await;
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
    let stnmt = unit_id(&app, "STNMT").await.to_string();
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
