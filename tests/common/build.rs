//! Small builders for tests that count: a test that asserts exact numbers builds the rows it
//! counts on an empty database (`TestApp::empty`), instead of relying on the demo data, whose
//! dates move with the day the suite runs.

use chrono::NaiveDate;

use super::{TestApp, scalar};

/// A unit of `kind` (`city_office`, `department`, `district`, …) named after its code; its id.
pub async fn unit(app: &TestApp, code: &str, kind: &str) -> i64 {
    sqlx::query_scalar(
        "insert into units (code, name, short_name, kind)
         values ($1, 'Đơn vị ' || $1, $1, $2::unit_kind) returning id",
    )
    .bind(code)
    .bind(kind)
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("unit {code}: {e}"))
}

/// An account of `role` in `unit` that cannot sign in with a password (tests use
/// `TestApp::session_for`); its id.
pub async fn user(app: &TestApp, username: &str, unit: i64, role: &str) -> i64 {
    sqlx::query_scalar(
        "insert into users (username, full_name, unit_id, role, password_hash)
         values ($1, 'Cán bộ ' || $1, $2, $3::user_role, '!') returning id",
    )
    .bind(username)
    .bind(unit)
    .bind(role)
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("user {username}: {e}"))
}

/// A shortcoming led by `lead_unit`, in a field made for it; its id.
pub async fn shortcoming(app: &TestApp, code: &str, lead_unit: i64) -> i64 {
    let field: i64 = sqlx::query_scalar(
        "insert into fields (code, name_vi, name_en) values ($1, 'Lĩnh vực ' || $1, 'Field ' || $1)
         returning id",
    )
    .bind(format!("F-{code}"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "insert into shortcomings (code, title, field_id, lead_unit_id, year_identified)
         values ($1, 'Tồn tại ' || $1, $2, $3, 2025) returning id",
    )
    .bind(code)
    .bind(field)
    .bind(lead_unit)
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("shortcoming {code}: {e}"))
}

/// An open task (`not_started`, `in_progress` or `needs_direction`) under `shortcoming`, led by
/// the shortcoming's lead unit, due on `deadline`, followed by `officers`; its id.
pub async fn task(
    app: &TestApp,
    shortcoming: i64,
    deadline: Option<NaiveDate>,
    status: &str,
    officers: &[&str],
) -> i64 {
    let number: i64 = scalar(app, "select count(*) + 1 from tasks").await;
    let task: i64 = sqlx::query_scalar(
        "insert into tasks (code, shortcoming_id, title, lead_unit_id, original_deadline, deadline,
                            status, last_update_at)
         select s.code || '.' || $2, s.id, 'Nhiệm vụ thử số ' || $2, s.lead_unit_id, $3, $3,
                $4::task_status, $5
         from shortcomings s where s.id = $1
         returning id",
    )
    .bind(shortcoming)
    .bind(number)
    .bind(deadline)
    .bind(status)
    .bind(remediation_portal::domain::clock::Clock::now(
        app.clock.as_ref(),
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("task under {shortcoming}: {e}"));
    for officer in officers {
        sqlx::query(
            "insert into task_assignees (task_id, user_id)
             select $1, id from users where username = $2",
        )
        .bind(task)
        .bind(officer)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    task
}
