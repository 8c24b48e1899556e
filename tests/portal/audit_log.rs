//! The audit log page: who may read which entries, the filters in the URL, keyset paging, and
//! how an entry is shown (system actor, labels, before → after, escaping). Each test starts
//! from an empty database with the units and people of [`small_city`] and writes the entries
//! it reads.

use axum::http::StatusCode;
use scraper::Selector;
use serde_json::{Value, json};

use crate::common::{TestApp, TestResponse, build};

/// The units and people whose entries the tests read: the City office (VP UBND TP) with its
/// reviewer `vp.chuyenvien`, `admin` and the viewer `giamsat`; the Natural Resources and
/// Environment department (Sở TN&MT) with its head `stnmt.lanhdao` and officer `stnmt.cb1`;
/// Ba Đình; Đông Anh, its head `donganh.lanhdao` and its division DONGANH.QLDT. The
/// department's id.
async fn small_city(app: &TestApp) -> i64 {
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
    build::user(app, "stnmt.lanhdao", stnmt)
        .role("unit_head")
        .create()
        .await;
    build::user(app, "stnmt.cb1", stnmt).create().await;
    build::unit(app, "BADINH").kind("district").create().await;
    let donganh = build::unit(app, "DONGANH").kind("district").create().await;
    build::user(app, "donganh.lanhdao", donganh)
        .role("unit_head")
        .create()
        .await;
    build::unit(app, "DONGANH.QLDT")
        .kind("division")
        .parent(donganh)
        .create()
        .await;
    stnmt
}

/// An entry to write straight into the log, as the portal's writers would.
#[derive(Default)]
struct Entry<'a> {
    /// `timestamptz` literal; `now()` when absent.
    at: Option<&'a str>,
    /// Username of the actor; none for the system.
    actor: Option<&'a str>,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    /// Code of the unit the entry concerns.
    unit: Option<&'a str>,
    before: Option<Value>,
    after: Option<Value>,
    request_id: Option<&'a str>,
}

async fn record(app: &TestApp, entry: Entry<'_>) -> i64 {
    sqlx::query_scalar(
        "insert into audit_log (occurred_at, actor_id, action, entity, entity_id, unit_id,
                                before, after, request_id)
         values (coalesce($1::timestamptz, now()),
                 (select id from users where username = $2), $3, $4, $5,
                 (select id from units where code = $6), $7, $8, $9)
         returning id",
    )
    .bind(entry.at)
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.unit)
    .bind(entry.before)
    .bind(entry.after)
    .bind(entry.request_id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The ids of the entries a page shows, in order.
fn ids(page: &TestResponse) -> Vec<i64> {
    let selector = Selector::parse("#audit tr.audit-row").unwrap();
    page.html()
        .select(&selector)
        .map(|row| row.value().attr("data-id").unwrap().parse().unwrap())
        .collect()
}

async fn full_name(app: &TestApp, username: &str) -> String {
    sqlx::query_scalar("select full_name from users where username = $1")
        .bind(username)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn href(page: &TestResponse, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).unwrap();
    page.html()
        .select(&selector)
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
}

async fn ids_where(app: &TestApp, condition: &str) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "select id from audit_log where {condition} order by id desc"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_city_reads_every_unit_and_a_unit_head_only_their_units() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let own = record(
        &app,
        Entry {
            action: "unit.update",
            entity: "unit",
            unit: Some("STNMT"),
            ..Entry::default()
        },
    )
    .await;
    let other = record(
        &app,
        Entry {
            action: "unit.update",
            entity: "unit",
            unit: Some("BADINH"),
            ..Entry::default()
        },
    )
    .await;
    let unitless = record(
        &app,
        Entry {
            action: "field.update",
            entity: "field",
            ..Entry::default()
        },
    )
    .await;

    for reviewer in ["vp.chuyenvien", "admin"] {
        let me = app.session_for(reviewer).await;
        let page = app.get_as(&me, "/audit").await;
        assert_eq!(page.status, StatusCode::OK, "{reviewer}");
        assert_eq!(page.text("h1"), "Nhật ký hệ thống");
        let shown = ids(&page);
        assert_eq!(
            shown[..3],
            [unitless, other, own],
            "{reviewer}: newest first"
        );
        assert_eq!(page.count("#audit-scope"), 0);
    }

    let head = app.session_for("stnmt.lanhdao").await;
    let page = app.get_as(&head, "/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = ids(&page);
    assert_eq!(shown.first(), Some(&own));
    assert!(!shown.contains(&other) && !shown.contains(&unitless));
    assert_eq!(page.count("#audit-scope"), 1);
    // Every entry shown concerns the head's unit or its divisions.
    let outside: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where id = any($1)
           and (unit_id is null or unit_id not in (
                select id from units where code = 'STNMT'
                   or parent_id = (select id from units where code = 'STNMT')))",
    )
    .bind(&shown)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(outside, 0, "{shown:?}");
    // Asking for another unit's entry by its id finds nothing.
    let asked = app
        .get_as(&head, "/audit?entity=unit&action=unit.update")
        .await;
    assert_eq!(ids(&asked).first(), Some(&own));
    assert!(!ids(&asked).contains(&other));

    // A district head also reads the district's divisions' entries.
    let division = record(
        &app,
        Entry {
            action: "task.progress",
            entity: "task",
            unit: Some("DONGANH.QLDT"),
            ..Entry::default()
        },
    )
    .await;
    let district_head = app.session_for("donganh.lanhdao").await;
    assert_eq!(
        ids(&app.get_as(&district_head, "/audit").await).first(),
        Some(&division)
    );
    assert!(!ids(&app.get_as(&head, "/audit").await).contains(&division));
}

#[tokio::test]
async fn officers_and_viewers_are_refused_and_not_offered_the_link() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    for username in ["stnmt.cb1", "giamsat"] {
        let me = app.session_for(username).await;
        let page = app.get_as(&me, "/audit").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{username}");
        assert_eq!(page.text("h1"), "Không có quyền truy cập");
        let tasks = app.get_as(&me, "/tasks").await;
        assert_eq!(tasks.count("nav.mainnav a[href='/audit']"), 0, "{username}");
    }
    for username in ["stnmt.lanhdao", "vp.chuyenvien", "admin"] {
        let me = app.session_for(username).await;
        let tasks = app.get_as(&me, "/tasks").await;
        assert_eq!(
            tasks.text("nav.mainnav a[href='/audit']"),
            "Nhật ký",
            "{username}"
        );
        let page = app.get_as(&me, "/audit").await;
        assert_eq!(
            page.count("nav.mainnav a[href='/audit'][aria-current=page]"),
            1
        );
    }
    let nobody = app.get("/audit").await;
    assert_eq!(nobody.status, StatusCode::SEE_OTHER);
    assert!(
        nobody
            .header("location")
            .is_some_and(|l| l.starts_with("/signin"))
    );
}

#[tokio::test]
async fn entity_and_id_as_the_task_page_links_them() {
    let app = TestApp::empty().await;
    let stnmt = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let task = build::task(&app).lead(stnmt).create().await;
    let other = build::task(&app).lead(stnmt).create().await;
    let (task_id, other_id) = (task.to_string(), other.to_string());
    let mut expected = Vec::new();
    for action in ["task.update", "task.progress"] {
        expected.push(
            record(
                &app,
                Entry {
                    actor: Some("vp.chuyenvien"),
                    action,
                    entity: "task",
                    entity_id: Some(&task_id),
                    unit: Some("STNMT"),
                    ..Entry::default()
                },
            )
            .await,
        );
    }
    // Same id, another kind of thing; same kind, another id.
    record(
        &app,
        Entry {
            action: "shortcoming.update",
            entity: "shortcoming",
            entity_id: Some(&task_id),
            ..Entry::default()
        },
    )
    .await;
    record(
        &app,
        Entry {
            action: "task.update",
            entity: "task",
            entity_id: Some(&other_id),
            ..Entry::default()
        },
    )
    .await;

    let page = app
        .get_as(&me, &format!("/audit?entity=task&id={task}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let want = ids_where(&app, &format!("entity = 'task' and entity_id = '{task}'")).await;
    assert_eq!(ids(&page), want);
    assert_eq!(ids(&page)[..2], [expected[1], expected[0]]);
    assert_eq!(
        href(&page, "#audit a.entity-link"),
        Some(format!("/tasks/{task}"))
    );
    assert_eq!(
        page.text("#audit tr.audit-row .action-label"),
        "Cập nhật tiến độ"
    );
    // The form shows the filter again, and the kinds present are offered.
    assert_eq!(page.count("#entity option[value=task][selected]"), 1);
    assert_eq!(page.count("#entity option[value=shortcoming]"), 1);
    assert_eq!(page.count("#id[value]"), 1);
    assert_eq!(
        href(&page, "#clear-filters").as_deref(),
        Some("/audit"),
        "a filtered view can be cleared"
    );

    // Another kind with the same id links to its own page.
    let shortcoming = app
        .get_as(&me, &format!("/audit?entity=shortcoming&id={task}"))
        .await;
    assert_eq!(
        href(&shortcoming, "#audit a.entity-link"),
        Some(format!("/shortcomings/{task}"))
    );
    // A kind with no entries yet stays chosen and finds nothing.
    let none = app.get_as(&me, "/audit?entity=report&id=1").await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(none.count("#audit-empty"), 1);
    assert_eq!(none.count("#entity option[value=report][selected]"), 1);
}

#[tokio::test]
async fn action_prefix_and_actor_without_diacritics() {
    let app = TestApp::empty().await;
    let stnmt = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    build::user(&app, "tran.hanh", stnmt)
        .full_name("Trần Thị Đức Hạnh")
        .create()
        .await;
    let progress = record(
        &app,
        Entry {
            actor: Some("tran.hanh"),
            action: "task.progress",
            entity: "task",
            entity_id: Some("1"),
            ..Entry::default()
        },
    )
    .await;
    let confirm = record(
        &app,
        Entry {
            actor: Some("vp.chuyenvien"),
            action: "task.confirm",
            entity: "task",
            entity_id: Some("1"),
            ..Entry::default()
        },
    )
    .await;
    let plan = record(
        &app,
        Entry {
            actor: Some("tran.hanh"),
            action: "plan.update",
            entity: "plan",
            entity_id: Some("1"),
            ..Entry::default()
        },
    )
    .await;

    let tasks = app.get_as(&me, "/audit?action=task.").await;
    let shown = ids(&tasks);
    assert_eq!(
        shown,
        ids_where(&app, "action like 'task.%'").await[..shown.len()]
    );
    assert_eq!(shown[..2], [confirm, progress]);
    assert!(!shown.contains(&plan));
    assert!(
        tasks
            .texts("#audit .action-code")
            .iter()
            .all(|a| a.starts_with("task."))
    );
    // Typed wildcards are characters, not patterns.
    assert_eq!(
        app.get_as(&me, "/audit?action=task%25")
            .await
            .count("#audit-empty"),
        1
    );
    assert_eq!(
        app.get_as(&me, "/audit?action=task_progress")
            .await
            .count("#audit-empty"),
        1
    );

    let by_name = app.get_as(&me, "/audit?actor=duc+hanh").await;
    assert_eq!(ids(&by_name), [plan, progress]);
    assert_eq!(
        by_name.texts("#audit .actor-name"),
        ["Trần Thị Đức Hạnh", "Trần Thị Đức Hạnh"]
    );
    assert_eq!(by_name.text("#audit .actor-unit"), "· Sở TN&MT");
    assert_eq!(by_name.count("#actor[value='duc hanh']"), 1);
    // With diacritics and capitals, or by username, the same.
    assert_eq!(
        ids(&app.get_as(&me, "/audit?actor=%C4%90%E1%BB%A8C").await),
        [plan, progress]
    );
    assert_eq!(
        ids(&app.get_as(&me, "/audit?actor=tran.hanh").await),
        [plan, progress]
    );
    // Both filters at once.
    assert_eq!(
        ids(&app.get_as(&me, "/audit?actor=hanh&action=task.").await),
        [progress]
    );
}

#[tokio::test]
async fn dates_are_days_in_hanoi() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    // 17:30 UTC on the 10th is 00:30 on the 11th in Hanoi; 16:30 UTC is still the 10th.
    let early = record(
        &app,
        Entry {
            at: Some("2026-01-10 16:30:00+00"),
            action: "test.tz",
            entity: "task",
            ..Entry::default()
        },
    )
    .await;
    let late = record(
        &app,
        Entry {
            at: Some("2026-01-10 17:30:00+00"),
            action: "test.tz",
            entity: "task",
            ..Entry::default()
        },
    )
    .await;
    let eleventh = app
        .get_as(&me, "/audit?action=test.tz&from=11/01/2026&to=11/01/2026")
        .await;
    assert_eq!(ids(&eleventh), [late]);
    assert_eq!(eleventh.text("#audit td.when time"), "11/01/2026 00:30");
    let tenth = app
        .get_as(&me, "/audit?action=test.tz&from=10/01/2026&to=10/01/2026")
        .await;
    assert_eq!(ids(&tenth), [early]);
    assert_eq!(tenth.text("#audit td.when time"), "10/01/2026 23:30");
    assert_eq!(
        ids(&app.get_as(&me, "/audit?action=test.tz&to=10/01/2026").await),
        [early]
    );
    assert_eq!(
        ids(&app
            .get_as(&me, "/audit?action=test.tz&from=2026-01-11")
            .await),
        [late]
    );
    assert_eq!(
        ids(&app
            .get_as(&me, "/audit?action=test.tz&from=10/01/2026")
            .await),
        [late, early]
    );
}

#[tokio::test]
async fn bad_filter_values_are_ignored_with_a_message() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    for action in ["unit.update", "field.update"] {
        let entity = action.split('.').next().unwrap();
        record(
            &app,
            Entry {
                action,
                entity,
                ..Entry::default()
            },
        )
        .await;
    }
    let newest = ids(&app.get_as(&me, "/audit").await);
    assert_eq!(newest.len(), 2);

    let bad = app
        .get_as(&me, "/audit?from=31/02/2026&before=abc&after=-3")
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert_eq!(
        bad.text(".filter-message"),
        "Ngày “31/02/2026” không hợp lệ (nhập theo dạng dd/mm/yyyy, năm từ 2000 đến 2100); điều kiện này được bỏ qua."
    );
    // A year the database's calendar does not have is refused the same way, not a 500.
    for typed in ["-4713-11-24", "%2B200000-01-01", "0000-01-01"] {
        let far = app
            .get_as(&me, &format!("/audit?from={typed}&to={typed}"))
            .await;
        assert_eq!(far.status, StatusCode::OK, "{typed}");
        assert_eq!(far.count(".filter-message"), 2, "{typed}");
        assert_eq!(ids(&far), newest);
    }
    assert_eq!(ids(&bad), newest);
    assert_eq!(
        bad.count("#from[value='31/02/2026']"),
        1,
        "what was typed stays"
    );

    let reversed = app
        .get_as(&me, "/audit?from=20/01/2026&to=10/01/2026")
        .await;
    assert_eq!(reversed.status, StatusCode::OK);
    assert!(reversed.text(".filter-message").contains("20/01/2026"));
    assert_eq!(ids(&reversed), newest);

    // NUL bytes never reach the database: the request is refused as a bad one.
    for query in ["action=%00", "actor=a%00b", "entity=%00task", "id=1%00"] {
        let page = app.get_as(&me, &format!("/audit?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
    }
    // Other control characters are dropped.
    let page = app.get_as(&me, "/audit?actor=a%07b").await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn keyset_pages_have_no_gaps_and_no_duplicates() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    // 120 entries to page through, interleaved with others the filter leaves out.
    sqlx::query(
        "insert into audit_log (action, entity, entity_id)
         select case when n % 3 = 0 then 'test.other' else 'test.page' end, 'task', n::text
         from generate_series(1, 180) n",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let want = ids_where(&app, "action = 'test.page'").await;
    assert_eq!(want.len(), 120);

    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut next = Some("/audit?action=test.page".to_owned());
    while let Some(path) = next {
        let page = app.get_as(&me, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let shown = ids(&page);
        seen.extend_from_slice(&shown);
        pages.push((path, shown));
        next = href(&page, "#older");
        if pages.len() == 1 {
            assert_eq!(page.count("#newer"), 0, "the first page is the newest");
            assert_eq!(page.count("#newest"), 0);
        } else {
            assert!(href(&page, "#newest").is_some());
        }
        assert!(pages.len() <= 3, "too many pages");
    }
    assert_eq!(
        pages.iter().map(|(_, s)| s.len()).collect::<Vec<_>>(),
        [50, 50, 20]
    );
    assert_eq!(seen, want, "every entry once, newest first");
    assert!(
        pages[1].0.contains("action=test.page&before="),
        "{}",
        pages[1].0
    );

    // Back towards the newest: the same pages again.
    let last = app.get_as(&me, &pages[2].0).await;
    let back = href(&last, "#newer").expect("a link to newer entries");
    assert!(back.contains("after="), "{back}");
    let middle = app.get_as(&me, &back).await;
    assert_eq!(ids(&middle), pages[1].1);
    let first = app.get_as(&me, &href(&middle, "#newer").unwrap()).await;
    assert_eq!(ids(&first), pages[0].1);
    assert_eq!(first.count("#newer"), 0);

    // Entries written meanwhile do not move the older pages.
    sqlx::query("insert into audit_log (action, entity) values ('test.page', 'task')")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(ids(&app.get_as(&me, &pages[1].0).await), pages[1].1);
}

#[tokio::test]
async fn an_entry_shows_who_what_and_the_changed_keys_escaped() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let system = record(
        &app,
        Entry {
            action: "task.flag_overdue",
            entity: "task",
            entity_id: Some("7"),
            unit: Some("STNMT"),
            before: Some(json!({ "overdue": false })),
            after: Some(json!({ "overdue": true, "overdue_since": "2026-01-11" })),
            ..Entry::default()
        },
    )
    .await;
    let visitor = record(
        &app,
        Entry {
            action: "auth.sign_in_failed",
            entity: "user",
            entity_id: Some("ai.do"),
            after: Some(json!({ "locked": false })),
            ..Entry::default()
        },
    )
    .await;
    let edit = record(
        &app,
        Entry {
            actor: Some("admin"),
            action: "unit.update",
            entity: "unit",
            entity_id: Some("12"),
            before: Some(json!({ "id": 12, "name": "Sở Xây dựng", "code": "SXD", "active": true })),
            after: Some(json!({ "name": "Sở Xây dựng Hà Nội", "code": "SXD", "active": true })),
            request_id: Some("0b7f6f7e-9d1c-4c55-a1f0-3f0f0d6a9e21"),
            ..Entry::default()
        },
    )
    .await;
    let hostile = "<script>alert('x')</script><b>đậm</b>";
    let unlabelled = record(
        &app,
        Entry {
            actor: Some("admin"),
            action: "test.unlabelled",
            entity: "widget",
            entity_id: Some("<i>9</i>"),
            before: Some(json!({ "title": "cũ" })),
            after: Some(json!({ "title": hostile })),
            request_id: Some("<img src=x>"),
            ..Entry::default()
        },
    )
    .await;
    let page = app.get_as(&me, "/audit").await;
    assert_eq!(ids(&page)[..4], [unlabelled, edit, visitor, system]);

    let row = |id: i64, cell: &str| page.text(&format!("#entry-{id} {cell}"));
    assert_eq!(row(system, ".system-actor"), "Hệ thống");
    assert_eq!(row(system, ".action-label"), "Nhiệm vụ chuyển sang quá hạn");
    assert_eq!(row(system, ".action-code"), "task.flag_overdue");
    assert_eq!(
        page.texts(&format!("#entry-{system} li.change")),
        ["overdue: false → true", "overdue_since: — → 11/01/2026"]
    );
    assert_eq!(row(visitor, ".system-actor"), "Khách (chưa đăng nhập)");
    assert_eq!(row(visitor, ".action-label"), "Đăng nhập không thành công");

    assert_eq!(row(edit, ".actor-name"), full_name(&app, "admin").await);
    assert_eq!(row(edit, ".actor-unit"), "· VP UBND TP");
    assert_eq!(row(edit, ".action-label"), "Sửa thông tin đơn vị");
    assert_eq!(row(edit, ".entity"), "Đơn vị #12");
    assert_eq!(
        href(&page, &format!("#entry-{edit} a.entity-history")).as_deref(),
        Some("/audit?entity=unit&id=12")
    );
    // Only the key that changed.
    assert_eq!(page.count(&format!("#entry-{edit} li.change")), 1);
    assert_eq!(row(edit, ".change-key"), "name:");
    assert_eq!(row(edit, ".change-before"), "Sở Xây dựng");
    assert_eq!(row(edit, ".change-after"), "Sở Xây dựng Hà Nội");
    assert_eq!(
        row(edit, ".trace-id"),
        "0b7f6f7e-9d1c-4c55-a1f0-3f0f0d6a9e21"
    );

    // No label: the code itself. Everything from the log is text, never markup.
    assert_eq!(row(unlabelled, ".action-label"), "test.unlabelled");
    assert_eq!(row(unlabelled, ".change-after"), hostile);
    assert_eq!(row(unlabelled, ".trace-id"), "<img src=x>");
    assert_eq!(row(unlabelled, ".entity"), "widget #<i>9</i>");
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<b>đậm"));
    assert!(!page.body.contains("<img src=x>"));
    assert!(!page.body.contains("<i>9</i>"));
    assert_eq!(
        page.count("#audit script, #audit b, #audit img, #audit i"),
        0
    );

    // In English.
    let english = app
        .get_with("/audit", &[("cookie", &format!("{}; lang=en", me.cookie))])
        .await;
    assert_eq!(
        english.text(&format!("#entry-{system} .system-actor")),
        "System"
    );
    assert_eq!(
        english.text(&format!("#entry-{edit} .action-label")),
        "Edited a unit"
    );
}

#[tokio::test]
async fn a_real_change_appears_with_its_request_id() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let admin = app.session_for("admin").await;
    let id = build::field(&app, "DD", "Đất đai").await;
    let (code, name_en): (String, String) =
        sqlx::query_as("select code, name_en from fields where id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let version = app
        .version(&admin, &format!("/admin/fields/{id}/edit"))
        .await;
    let saved = app
        .post_as(
            &admin,
            &format!("/admin/fields/{id}"),
            &[
                ("version", &version),
                ("code", &code),
                ("name_vi", "Lĩnh vực đã đổi tên"),
                ("name_en", &name_en),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let request_id: String = sqlx::query_scalar(
        "select request_id from audit_log where action = 'field.update' order by id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = app
        .get_as(&admin, &format!("/audit?entity=field&id={id}"))
        .await;
    assert_eq!(ids(&page).len(), 1);
    assert_eq!(page.text("#audit .action-label"), "Sửa lĩnh vực");
    assert_eq!(
        page.text("#audit .actor-name"),
        full_name(&app, "admin").await
    );
    assert_eq!(page.text("#audit .trace-id"), request_id);
    let changes = page.texts("#audit li.change");
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("name_vi: ") && c.ends_with(" → Lĩnh vực đã đổi tên")),
        "{changes:?}"
    );
    // The id is in the row before but not in the values saved: not a change.
    assert!(!changes.iter().any(|c| c.starts_with("id:")), "{changes:?}");
}
