//! The task list's filters, sort and search, and that they stay in the URL. Each test starts
//! from an empty database and builds the tasks it lists.

use axum::http::StatusCode;
use chrono::Duration;
use remediation_portal::domain::clock::Clock;
use remediation_portal::jobs::flags;

use crate::common::{TestApp, TestResponse, build, list_total as total};

/// The total a list page reports and the rows it shows (the total may come from the stored
/// counts, the rows always from the tasks).
fn listed(page: &TestResponse) -> (i64, i64) {
    (total(page), page.count("table.tasks tr.task-row") as i64)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The units, fields and shortcomings the lists are filtered by: the City office and its
/// reviewer (`vp.chuyenvien`), the districts Ba Đình and Hoàn Kiếm, the Construction
/// department and the Natural Resources department with an officer (`stnmt.cb1`); TT-01 (land,
/// led by Ba Đình) and TT-02 (environment, led by the Construction department).
pub(crate) struct City {
    pub(crate) badinh: i64,
    pub(crate) hoankiem: i64,
    pub(crate) sxd: i64,
    pub(crate) stnmt: i64,
    /// The officer of the Natural Resources department.
    pub(crate) stnmt_officer: i64,
    pub(crate) tt01: i64,
    pub(crate) tt02: i64,
    /// TT-02's field.
    pub(crate) environment: i64,
}

/// [`City`], on an empty database.
pub(crate) async fn small_city(app: &TestApp) -> City {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    build::user(app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let badinh = build::unit(app, "BADINH").kind("district").create().await;
    let sxd = build::unit(app, "SXD")
        .name("Sở Xây dựng", "")
        .create()
        .await;
    let stnmt = build::unit(app, "STNMT").create().await;
    let land = build::field(app, "DD", "Đất đai").await;
    let environment = build::field(app, "MT", "Môi trường").await;
    City {
        badinh,
        hoankiem: build::unit(app, "HOANKIEM").kind("district").create().await,
        sxd,
        stnmt,
        stnmt_officer: build::user(app, "stnmt.cb1", stnmt).create().await,
        tt01: build::shortcoming(app, "TT-01", badinh)
            .field(land)
            .create()
            .await,
        tt02: build::shortcoming(app, "TT-02", sxd)
            .field(environment)
            .create()
            .await,
        environment,
    }
}

/// Seven tasks of `lead` under `shortcoming`, one of each kind the list tells apart: on
/// track (not started, due in 10 days), overdue and reminded four times (for the briefing),
/// stale (untouched for 40 days, due in 60), done on time (due in 20), done late, needs
/// direction with no deadline, reported done and due in 5 days (due soon). Flagged as the
/// jobs flag them.
async fn one_of_each(app: &TestApp, lead: i64, shortcoming: i64) {
    let task = || build::task(app).shortcoming(shortcoming).lead(lead);
    let day = |days| app.state.today() + Duration::days(days);
    task().deadline(day(10)).create().await;
    task()
        .status("in_progress")
        .percent(40)
        .deadline(day(-5))
        .reminded(4)
        .create()
        .await;
    task()
        .status("in_progress")
        .percent(20)
        .deadline(day(60))
        .untouched_for(40)
        .create()
        .await;
    task().deadline(day(20)).done_on(day(-3)).create().await;
    task().deadline(day(-10)).done_on(day(-1)).create().await;
    task().status("needs_direction").create().await;
    task()
        .status("pending_confirmation")
        .deadline(day(5))
        .create()
        .await;
    flag(app).await;
}

/// Runs the overdue and stale scans as of the app's clock.
async fn flag(app: &TestApp) {
    flags::flag_overdue(&app.pool, app.state.today())
        .await
        .unwrap();
    flags::flag_stale(&app.pool, app.clock.now(), 30)
        .await
        .unwrap();
}

/// The tasks the filter tests list: [`one_of_each`] of the Construction department under
/// TT-02; two of Ba Đình under TT-01, due in 45 days, coordinated one by the Construction
/// department and one by the Natural Resources department; and one of the Natural Resources
/// department under TT-02, due in 90 days, followed by its officer. Ten in all.
pub(crate) async fn listed_tasks(app: &TestApp, city: &City) {
    one_of_each(app, city.sxd, city.tt02).await;
    let in_45_days = app.state.today() + Duration::days(45);
    for coordinator in [city.sxd, city.stnmt] {
        build::task(app)
            .shortcoming(city.tt01)
            .deadline(in_45_days)
            .coordinator(coordinator, "")
            .create()
            .await;
    }
    build::task(app)
        .shortcoming(city.tt02)
        .lead(city.stnmt)
        .deadline(app.state.today() + Duration::days(90))
        .assignee(city.stnmt_officer)
        .create()
        .await;
}

#[tokio::test]
async fn each_filter_narrows_the_list_to_exactly_its_tasks() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    listed_tasks(&app, &city).await;
    let me = app.session_for("vp.chuyenvien").await;
    let today = app.state.today();

    let all = app.get_as(&me, "/tasks").await;
    assert_eq!(listed(&all), (10, 10));

    let done = app.get_as(&me, "/tasks?status=done").await;
    assert_eq!(listed(&done), (2, 2));
    assert!(
        done.texts("table.tasks td .badge[class*=status-]")
            .iter()
            .all(|b| b == "Đã thực hiện xong")
    );

    let overdue = app.get_as(&me, "/tasks?timeliness=overdue").await;
    assert_eq!(listed(&overdue), (1, 1));
    assert!(
        overdue.count("table.tasks .time-overdue") as i64
            == overdue.count("table.tasks tr.task-row") as i64
    );

    let lead = city.sxd;
    let by_lead = app.get_as(&me, &format!("/tasks?lead={lead}")).await;
    assert_eq!(listed(&by_lead), (7, 7));
    let by_coordinator = app
        .get_as(&me, &format!("/tasks?coordinating={lead}"))
        .await;
    assert_eq!(listed(&by_coordinator), (1, 1));

    let field = city.environment;
    let by_field = app.get_as(&me, &format!("/tasks?field={field}")).await;
    assert_eq!(listed(&by_field), (8, 8), "TT-02's tasks");

    let from = today.format("%d/%m/%Y").to_string();
    let to = (today + Duration::days(30)).format("%d/%m/%Y").to_string();
    let window = app
        .get_as(&me, &format!("/tasks?from={from}&to={to}"))
        .await;
    assert_eq!(listed(&window), (3, 3), "due in 5, 10 and 20 days");

    let briefing = app.get_as(&me, "/tasks?briefing=1").await;
    assert_eq!(listed(&briefing), (1, 1));
    let stale = app.get_as(&me, "/tasks?stale=1").await;
    assert_eq!(listed(&stale), (1, 1));

    // Combined, and kept in the pagination links: more not started than a page holds.
    for _ in 0..50 {
        build::task(&app).shortcoming(city.tt01).create().await;
    }
    let combined = app.get_as(&me, "/tasks?status=not_started&sort=code").await;
    assert_eq!(total(&combined), 54);
    let codes = combined.texts("table.tasks td:first-child");
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "sorted by code");
    let next = combined
        .html()
        .select(&scraper::Selector::parse("nav.pagination a[rel=next]").unwrap())
        .next()
        .and_then(|a| a.attr("href"))
        .unwrap()
        .to_owned();
    assert!(
        next.contains("status=not_started")
            && next.contains("sort=code")
            && next.contains("page=2"),
        "{next}"
    );
    // The form shows what is filtered.
    assert_eq!(
        combined.count("#status option[value=not_started][selected]"),
        1
    );
    assert_eq!(combined.count("#clear-filters"), 1);

    // Values that mean nothing are ignored rather than refused.
    let odd = app
        .get_as(&me, "/tasks?status=finished&lead=abc&from=someday")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(total(&odd), 60);
}

#[tokio::test]
async fn each_timeliness_class_lists_what_task_timeliness_says() {
    // The list writes the classes as plain conditions (for the indexes); they must mean what
    // the SQL function that labels each row means, alone and combined.
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    listed_tasks(&app, &city).await;
    let me = app.session_for("vp.chuyenvien").await;
    let as_of = app.state.as_of();
    let mut choices: Vec<String> = remediation_portal::domain::Timeliness::ALL
        .iter()
        .map(|c| c.code().to_string())
        .collect();
    choices.push("on_track,due_soon,no_deadline".into());
    choices.push("done_on_time,done_late".into());
    choices.push("overdue,done_late".into());
    for choice in choices {
        let page = app
            .get_as(&me, &format!("/tasks?timeliness={choice}"))
            .await;
        let expected = count(
            &app,
            &format!(
                "select count(*) from tasks
                 where task_timeliness(status, deadline, completed_on, overdue, '{}', {})::text
                       = any(string_to_array('{choice}', ','))",
                as_of.today, as_of.due_soon_days
            ),
        )
        .await;
        assert!(expected > 0, "tasks {choice} were built");
        assert_eq!(total(&page), expected, "{choice}");
    }
}

#[tokio::test]
async fn search_ignores_vietnamese_diacritics() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    for title in [
        "Thu hồi đất nông nghiệp bị lấn chiếm",
        "Xử lý ĐẤT NÔNG NGHIỆP sử dụng sai mục đích",
        "Giảm 20% hồ sơ giải quyết trễ hạn",
        "Nhiệm vụ thử",
    ] {
        build::task(&app)
            .shortcoming(city.tt01)
            .title(title, "")
            .create()
            .await;
    }
    let expected = count(
        &app,
        "select count(*) from tasks where search_fold(code || ' ' || title || ' ' || description) like '%dat nong nghiep%'",
    )
    .await;
    assert_eq!(expected, 2);
    let plain = app.get_as(&me, "/tasks?q=dat%20nong%20nghiep").await;
    assert_eq!(total(&plain), expected);
    let accented = app
        .get_as(
            &me,
            "/tasks?q=%C4%90%E1%BA%A4T%20N%C3%B4ng%20nghi%E1%BB%87p",
        )
        .await;
    assert_eq!(total(&accented), expected, "ĐẤT Nông nghiệp");
    assert!(
        plain
            .texts("table.tasks td.task-title")
            .iter()
            .all(|t| t.to_lowercase().contains("đất"))
    );
    // A wildcard typed by someone is a character, not a pattern ("20%" in one title).
    let percent = count(
        &app,
        "select count(*) from tasks where strpos(search_text, '%') > 0",
    )
    .await;
    assert_eq!(percent, 1);
    assert_eq!(total(&app.get_as(&me, "/tasks?q=%25").await), percent);
    // By code.
    let by_code = app.get_as(&me, "/tasks?q=tt-01.03").await;
    assert_eq!(total(&by_code), 1);
    assert_eq!(
        by_code.text("table.tasks td.task-title"),
        "Giảm 20% hồ sơ giải quyết trễ hạn"
    );
}

#[tokio::test]
async fn filters_never_widen_a_users_scope() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    listed_tasks(&app, &city).await;
    let officer = app.session_for("stnmt.cb1").await;
    let other = city.badinh;
    // Another unit's tasks appear only where the officer's unit coordinates them.
    let page = app.get_as(&officer, &format!("/tasks?lead={other}")).await;
    let coordinated = count(
        &app,
        &format!(
            "select count(*) from tasks t where t.lead_unit_id = {other} and exists (
                 select 1 from task_coordinators c join units u on u.id = c.unit_id
                 where c.task_id = t.id and u.code = 'STNMT')"
        ),
    )
    .await;
    assert_eq!((total(&page), coordinated), (1, 1));
    assert!(
        total(&page)
            < count(
                &app,
                &format!("select count(*) from tasks where lead_unit_id = {other}")
            )
            .await
    );
    // "Tasks I follow": the officer's own assignments.
    let mine = app.get_as(&officer, "/tasks?mine=1").await;
    assert_eq!(total(&mine), 1);
}

#[tokio::test]
async fn a_nul_character_in_a_search_or_a_form_is_a_bad_request_not_a_server_error() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let list = app.get_as(&me, "/tasks?q=dat%00dai").await;
    assert_eq!(list.status, StatusCode::BAD_REQUEST);
    let form = app
        .post_as(&me, "/tasks", &[("title", "a\u{0}b"), ("shortcoming", "1")])
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    // The ordinary search still works.
    assert_eq!(
        app.get_as(&me, "/tasks?q=dat+dai").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_nul_character_in_the_sign_in_form_is_a_bad_request_too() {
    let app = TestApp::empty().await;
    let response = app
        .post_form(
            "/signin",
            &[("username", "admin\u{0}"), ("password", "x"), ("next", "/")],
            &[("origin", "http://portal.test")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_broad_search_stops_counting_at_200_and_says_so() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    for n in 0..204 {
        let title = if n < 201 {
            "Hoàn thành giải phóng mặt bằng"
        } else {
            "Nhiệm vụ thử"
        };
        build::task(&app)
            .shortcoming(city.tt01)
            .title(title, "")
            .create()
            .await;
    }
    let matches = count(
        &app,
        "select count(*) from tasks where search_text like '%an%'",
    )
    .await;
    assert_eq!(matches, 201, "tasks with \"an\"");
    let page = app.get_as(&me, "/tasks?q=an").await;
    assert!(
        page.text(".page-of").contains("hơn 200 kết quả"),
        "{}",
        page.text(".page-of")
    );
    assert_eq!(page.count("tr.task-row"), 50);
    // The same tasks without the search are counted exactly.
    let all = app.get_as(&me, "/tasks").await;
    assert_eq!(total(&all), 204);
}

#[tokio::test]
async fn totals_from_the_stored_counts_equal_the_tasks_counted() {
    use remediation_portal::db::{dashboard, tasks};
    use remediation_portal::domain::filter::TaskFilter;
    use remediation_portal::domain::{
        FieldId, ShortcomingId, TaskStatus, Timeliness, UnitGroup, UnitId,
    };

    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let division = build::unit(&app, "BADINH-QLDT")
        .kind("division")
        .parent(city.badinh)
        .create()
        .await;
    for lead in [city.badinh, city.hoankiem, division, city.sxd, city.stnmt] {
        for shortcoming in [city.tt01, city.tt02] {
            one_of_each(&app, lead, shortcoming).await;
        }
    }
    let as_of = app.state.as_of();
    let (district, department) = (UnitId(city.badinh), UnitId(city.sxd));
    let (shortcoming, field) = (ShortcomingId(city.tt02), FieldId(city.environment));

    // Every way of narrowing by unit and shortcoming, with every measure the counts hold.
    let dimensions: Vec<TaskFilter> = vec![
        TaskFilter::default(),
        TaskFilter {
            lead_unit: Some(district),
            ..Default::default()
        },
        TaskFilter {
            lead_unit: Some(department),
            ..Default::default()
        },
        TaskFilter {
            unit_group: Some(UnitGroup::Districts),
            ..Default::default()
        },
        TaskFilter {
            unit_group: Some(UnitGroup::Departments),
            field: Some(field),
            ..Default::default()
        },
        TaskFilter {
            shortcoming: Some(shortcoming),
            ..Default::default()
        },
        TaskFilter {
            field: Some(field),
            ..Default::default()
        },
        TaskFilter {
            lead_unit: Some(department),
            shortcoming: Some(shortcoming),
            ..Default::default()
        },
    ];
    let mut measures: Vec<TaskFilter> = vec![
        TaskFilter::default(),
        TaskFilter {
            stale: true,
            ..Default::default()
        },
        TaskFilter {
            briefing: true,
            ..Default::default()
        },
    ];
    for status in TaskStatus::ALL {
        measures.push(TaskFilter {
            status: Some(status),
            ..Default::default()
        });
    }
    let mut class_sets: Vec<Vec<Timeliness>> = Timeliness::ALL.iter().map(|c| vec![*c]).collect();
    class_sets.push(vec![
        Timeliness::OnTrack,
        Timeliness::DueSoon,
        Timeliness::NoDeadline,
    ]);
    class_sets.push(vec![Timeliness::DoneOnTime, Timeliness::DoneLate]);
    class_sets.push(vec![Timeliness::OnTrack, Timeliness::Overdue]);
    class_sets.push(Timeliness::ALL.to_vec());
    for timeliness in class_sets {
        measures.push(TaskFilter {
            timeliness,
            ..Default::default()
        });
    }

    let check = |label: &'static str| {
        let (pool, dimensions, measures) = (app.pool.clone(), dimensions.clone(), measures.clone());
        async move {
            let mut nonzero = 0;
            for d in &dimensions {
                for m in &measures {
                    let filter = TaskFilter {
                        status: m.status,
                        timeliness: m.timeliness.clone(),
                        stale: m.stale,
                        briefing: m.briefing,
                        ..d.clone()
                    };
                    let stored = dashboard::list_total(&pool, &filter, as_of)
                        .await
                        .unwrap()
                        .unwrap_or_else(|| panic!("the stored counts hold {filter:?}"));
                    let counted = tasks::count(&pool, &filter, as_of).await.unwrap();
                    assert_eq!(stored, counted, "after {label}: {filter:?}");
                    nonzero += usize::from(counted > 0);
                }
            }
            assert!(nonzero > 50, "only {nonzero} filters match any task");
        }
    };
    check("building the tasks").await;
    sqlx::query(
        "update tasks set status = 'needs_direction', stale = true
         where id in (select id from tasks where status = 'in_progress' order by id limit 7)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    check("a change not folded yet").await;
    dashboard::fold(&app.pool).await.unwrap();
    check("folding").await;

    // What the counts do not hold is counted from the tasks.
    for filter in [
        TaskFilter {
            text: Some("đất".into()),
            ..Default::default()
        },
        TaskFilter {
            status: Some(TaskStatus::InProgress),
            timeliness: vec![Timeliness::Overdue],
            ..Default::default()
        },
        TaskFilter {
            units: Some(vec![district.0]),
            ..Default::default()
        },
    ] {
        assert_eq!(
            dashboard::list_total(&app.pool, &filter, as_of)
                .await
                .unwrap(),
            None,
            "{filter:?}"
        );
    }
}

#[tokio::test]
async fn with_too_many_units_for_a_drop_down_the_filters_take_a_typed_name() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    for shortcoming in [city.tt01, city.tt02, city.tt02] {
        build::task(&app).shortcoming(shortcoming).create().await;
    }
    let me = app.session_for("vp.chuyenvien").await;
    // Below the limit: drop-downs.
    let page = app.get_as(&me, "/tasks").await;
    assert_eq!(page.count("select#lead"), 1);
    assert_eq!(page.count("select[name=lead_unit]"), 1);

    sqlx::query(
        "insert into units (code, name, short_name, kind)
         select 'PX' || n, 'UBND phường Thử nghiệm ' || n, 'P. Thử nghiệm ' || n, 'commune'
         from generate_series(1, 300) n",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let page = app.get_as(&me, "/tasks").await;
    assert_eq!(page.count("select#lead"), 0);
    assert_eq!(page.count("input#lead[name=lead_name]"), 1);
    assert_eq!(page.count("input#coordinating[name=coordinating_name]"), 1);
    // The bulk change of the lead unit needs a drop-down.
    assert_eq!(page.count("select[name=lead_unit]"), 0);
    assert!(page.count("#bulk-form") == 1);

    // A name, typed without diacritics, that names one unit: its tasks, and the box names it.
    let (lead, expected) = (city.sxd, 2);
    let found = app.get_as(&me, "/tasks?lead_name=so+xay+dung").await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(total(&found), expected);
    assert_eq!(found.attr("input#lead", "value"), "Sở Xây dựng");
    assert_eq!(found.count(".unit-pick"), 0);
    // The same by the id a link carries.
    let linked = app.get_as(&me, &format!("/tasks?lead={lead}")).await;
    assert_eq!(total(&linked), expected);
    assert_eq!(linked.attr("input#lead", "value"), "Sở Xây dựng");

    // Several units: no tasks yet, the units to choose from, each a link with its id.
    let many = app.get_as(&me, "/tasks?lead_name=thu+nghiem").await;
    assert_eq!(many.status, StatusCode::OK);
    assert_eq!(many.count("table.tasks"), 0);
    assert!(
        many.text(".unit-pick")
            .contains("«thu nghiem» khớp nhiều đơn vị")
    );
    assert_eq!(many.count(".unit-pick li a[href*='lead=']"), 8);
    assert!(many.text(".unit-pick").contains("gõ tên đầy đủ hơn"));
    assert_eq!(many.attr("input#lead", "value"), "thu nghiem");
    // An exact name among several (Thử nghiệm 1, 10, 100…) is that unit.
    let exact = app.get_as(&me, "/tasks?lead_name=P.+Thu+nghiem+1").await;
    assert_eq!(exact.count(".unit-pick"), 0);
    assert_eq!(
        exact.attr("input#lead", "value"),
        "UBND phường Thử nghiệm 1"
    );

    // No unit: said so, in the user's language, and the typed text kept.
    let none = app
        .get_as(
            &me,
            "/tasks?coordinating_name=kh%C3%B4ng+c%C3%B3+%C4%91%C3%A2u",
        )
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(
        none.text(".unit-pick")
            .contains("Đơn vị phối hợp: không có đơn vị nào khớp «không có đâu»"),
        "{}",
        none.text(".unit-pick")
    );
    assert_eq!(none.attr("input#coordinating", "value"), "không có đâu");
}

#[tokio::test]
async fn pages_follow_each_other_in_order_without_gaps_or_repeats() {
    // The list reads a page's ids first and then their rows: the pages put together must be
    // every task once, in the list's order, for each sort.
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    many_tasks(&app, &city, 120).await;
    let me = app.session_for("vp.chuyenvien").await;
    let all = count(&app, "select count(*) from tasks").await;
    assert_eq!(all, 120, "several pages of tasks");
    for sort in ["deadline", "deadline_desc", "code", "updated", "percent"] {
        let mut codes: Vec<String> = Vec::new();
        let mut page = 1;
        loop {
            let list = app
                .get_as(&me, &format!("/tasks?sort={sort}&page={page}"))
                .await;
            if list.status != StatusCode::OK {
                break;
            }
            let rows = list.texts("table.tasks tr.task-row td.task-code a");
            if rows.is_empty() {
                break;
            }
            codes.extend(rows);
            page += 1;
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(codes.len() as i64, all, "{sort}: every task listed");
        assert_eq!(unique.len(), codes.len(), "{sort}: no task twice");
    }
    // In deadline order, the deadlines shown never go back from one page to the next.
    let deadlines = |page: i64| {
        let (app, me) = (&app, &me);
        async move {
            app.get_as(me, &format!("/tasks?page={page}"))
                .await
                .texts("table.tasks tr.task-row td.date")
        }
    };
    let (first, second) = (deadlines(1).await, deadlines(2).await);
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y").ok();
    let dated: Vec<chrono::NaiveDate> =
        first.iter().chain(&second).filter_map(|t| day(t)).collect();
    assert!(dated.len() > 50, "{first:?}");
    assert!(dated.windows(2).all(|w| w[0] <= w[1]), "{dated:?}");
}

/// `n` tasks that sort differently by each key: spread over two shortcomings and two lead
/// units, with deadlines up and down over three months (every tenth none), percents from 0 to
/// 95 and several last-update times.
async fn many_tasks(app: &TestApp, city: &City, n: i64) {
    for i in 0..n {
        let mut task = build::task(app)
            .shortcoming(if i % 3 == 0 { city.tt02 } else { city.tt01 })
            .status("in_progress")
            .percent((i * 37 % 20 * 5) as i16)
            .untouched_for(i % 7);
        if i % 10 != 0 {
            task = task.deadline(app.state.today() + Duration::days(i * 41 % 90 - 30));
        }
        task.create().await;
    }
}
