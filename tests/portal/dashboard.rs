//! The dashboards: figures against a hand-built set of tasks whose every class has a known
//! count, every number against the list it links to, the charts against their tables, the
//! stored counts against the tasks, and who may open which dashboard.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use chrono::{Datelike, Days, NaiveDate};
use scraper::Selector;

use remediation_portal::db::dashboard;
use remediation_portal::domain::clock::Clock;

use crate::common::{TestApp, TestResponse, TestSession, build, list_total, scalar, unit_id};

/// Every linked number on a page: (link, count).
fn linked_counts(page: &TestResponse) -> Vec<(String, i64)> {
    let html = page.html();
    let selector = Selector::parse("a[data-count]").unwrap();
    html.select(&selector)
        .map(|a| {
            let href = a.value().attr("href").unwrap().replace("&amp;", "&");
            let count = a.value().attr("data-count").unwrap().parse().unwrap();
            (href, count)
        })
        .collect()
}

/// Opens every number's link and checks the list holds exactly that many tasks (or plans).
async fn numbers_agree_with_their_lists(app: &TestApp, me: &TestSession, path: &str) -> usize {
    let page = app.get_as(me, path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    let numbers = linked_counts(&page);
    assert!(!numbers.is_empty(), "{path} shows no numbers");
    // The same link may stand under several numbers (a tile and its table row): one fetch each.
    let mut checked: BTreeMap<String, i64> = BTreeMap::new();
    let mut failures = Vec::new();
    for (href, count) in &numbers {
        if let Some(seen) = checked.get(href) {
            if seen != count {
                failures.push(format!(
                    "{href}: {count} here, {seen} elsewhere on the page"
                ));
            }
            continue;
        }
        let list = app.get_as(me, href).await;
        assert_eq!(list.status, StatusCode::OK, "{href}");
        let total = list_total(&list);
        if total != *count {
            failures.push(format!(
                "{href}: the dashboard says {count}, the list {total}"
            ));
        }
        checked.insert(href.clone(), total);
    }
    assert!(failures.is_empty(), "{path}:\n{}", failures.join("\n"));
    checked.len()
}

/// A hand-built set: a field, a shortcoming in it, a department and a district, and tasks whose
/// classes are known. Returns (field id, department id, district id).
async fn hand_built(app: &TestApp, today: NaiveDate) -> (i64, i64, i64) {
    let field: i64 = scalar(
        app,
        "insert into fields (code, name_vi, name_en, sort_order)
         values ('KT', 'Lĩnh vực kiểm thử', 'Test field', 99) returning id",
    )
    .await;
    let department: i64 = scalar(
        app,
        "insert into units (code, name, short_name, kind)
         values ('SKT', 'Sở Kiểm thử', 'Sở KT', 'department') returning id",
    )
    .await;
    let district: i64 = scalar(
        app,
        "insert into units (code, name, short_name, kind)
         values ('QKT', 'UBND quận Kiểm thử', 'Q. Kiểm thử', 'district') returning id",
    )
    .await;
    let shortcoming: i64 = scalar(
        app,
        &format!(
            "insert into shortcomings (code, title, field_id, lead_unit_id, year_identified)
             values ('TT-99', 'Tồn tại dùng để kiểm thử', {field}, {department}, 2019) returning id"
        ),
    )
    .await;
    let day = |offset: i64| {
        if offset >= 0 {
            today + Days::new(offset as u64)
        } else {
            today - Days::new((-offset) as u64)
        }
    };
    // (unit, status, deadline offset, completed offset, stale, briefing)
    type Row = (i64, &'static str, Option<i64>, Option<i64>, bool, bool);
    let rows: Vec<Row> = vec![
        // Done on time: 3 (2 + 1).
        (department, "done", Some(-40), Some(-45), false, false),
        (department, "done", None, Some(-5), false, false),
        (district, "done", Some(-10), Some(-10), false, false),
        // Done late: 2.
        (department, "done", Some(-60), Some(-20), false, false),
        (district, "done", Some(-30), Some(-2), false, false),
        // Overdue: 4 (one marked for the briefing).
        (department, "not_started", Some(-15), None, false, false),
        (department, "in_progress", Some(-3), None, false, true),
        (department, "needs_direction", Some(-50), None, false, false),
        (district, "in_progress", Some(-1), None, false, false),
        // Due soon: 2 (one reported done, waiting).
        (department, "in_progress", Some(3), None, false, false),
        (
            department,
            "pending_confirmation",
            Some(0),
            None,
            false,
            false,
        ),
        // On track: 3 (one stale).
        (district, "in_progress", Some(60), None, true, false),
        (district, "not_started", Some(30), None, false, false),
        (district, "in_progress", Some(200), None, false, false),
        // No deadline: 1.
        (department, "in_progress", None, None, false, false),
    ];
    for (i, (unit, status, deadline, completed, stale, briefing)) in rows.iter().enumerate() {
        let deadline = deadline.map(day);
        let completed = completed.map(day);
        let overdue = *status != "done" && deadline.is_some_and(|d| d < today);
        sqlx::query(
            "insert into tasks (code, shortcoming_id, title, lead_unit_id, original_deadline,
                                deadline, status, percent_complete, completed_on, overdue,
                                overdue_since, stale, marked_for_briefing, created_at)
             values ($1, $2, $3, $4, $5, $5, $6::task_status,
                     case when $6 = 'done' then 100 else 10 end, $7, $8,
                     case when $8 then $5 + 1 end, $9, $10, $11)",
        )
        .bind(format!("TT-99.{:02}", i + 1))
        .bind(shortcoming)
        .bind(format!("Nhiệm vụ kiểm thử số {}", i + 1))
        .bind(unit)
        .bind(deadline)
        .bind(status)
        .bind(completed)
        .bind(overdue)
        .bind(stale)
        .bind(briefing)
        .bind(app.clock.now() - chrono::Duration::days(400))
        .execute(&app.pool)
        .await
        .unwrap();
    }
    (field, department, district)
}

/// The City office and its reviewer (`vp.chuyenvien`) and supervisor (`giamsat`); Ba Đình
/// with its head (`badinh.lanhdao`) and officer (`badinh.cb1`), who follows one task in
/// progress and one overdue; the Construction department (`SXD`) with a task of its own.
/// Returns the id of Ba Đình's task in progress.
async fn small_city(app: &TestApp) -> i64 {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    build::user(app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    build::user(app, "giamsat", office)
        .role("viewer")
        .create()
        .await;
    let badinh = build::unit(app, "BADINH")
        .kind("district")
        .name("UBND quận Ba Đình", "Q. Ba Đình")
        .create()
        .await;
    build::user(app, "badinh.lanhdao", badinh)
        .role("unit_head")
        .create()
        .await;
    let officer = build::user(app, "badinh.cb1", badinh).create().await;
    let sxd = build::unit(app, "SXD")
        .name("Sở Xây dựng", "")
        .create()
        .await;
    let day = |days| app.state.today() + chrono::Duration::days(days);
    let task = build::task(app)
        .lead(badinh)
        .status("in_progress")
        .deadline(day(30))
        .assignee(officer)
        .create()
        .await;
    build::task(app)
        .lead(badinh)
        .status("in_progress")
        .deadline(day(-10))
        .assignee(officer)
        .create()
        .await;
    build::task(app).lead(sxd).deadline(day(60)).create().await;
    task
}

/// The tiles' numbers by id.
fn tiles(page: &TestResponse) -> BTreeMap<String, i64> {
    let html = page.html();
    let selector = Selector::parse(".tile").unwrap();
    html.select(&selector)
        .map(|a| {
            (
                a.value()
                    .id()
                    .unwrap()
                    .trim_start_matches("tile-")
                    .to_string(),
                a.value().attr("data-count").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn expected(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
async fn figures_match_a_hand_built_set_of_known_classes() {
    let app = TestApp::empty().await;
    let today = app.state.today();
    let office = build::unit(&app, "VPUB").kind("city_office").create().await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let (field, department, district) = hand_built(&app, today).await;
    let me = app.session_for("vp.chuyenvien").await;

    let page = app.get_as(&me, &format!("/dashboard?field={field}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        tiles(&page),
        expected(&[
            ("total", 15),
            ("done-on-time", 3),
            ("done-late", 2),
            ("open-in-time", 6),
            ("due-soon", 2),
            ("overdue", 4),
            ("not-started", 2),
            ("needs-direction", 1),
            ("stale", 1),
            ("briefing", 1),
        ])
    );
    // The ranking: the department first (3 overdue), then the district (1).
    let ranking = page.texts("#table-units tbody tr");
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    assert!(ranking[0].starts_with("1 Sở KT"), "{ranking:?}");
    assert!(ranking[0].contains("9 33,3 % 66,7 % 3 0"), "{ranking:?}");
    assert!(ranking[1].starts_with("2 Q. Kiểm thử"), "{ranking:?}");
    assert!(ranking[1].contains("6 33,3 % 50,0 % 1 1"), "{ranking:?}");
    assert_eq!(page.count("#table-units tr.late"), 2);

    // One unit; one group (the district alone).
    let page = app
        .get_as(&me, &format!("/dashboard?field={field}&unit={department}"))
        .await;
    let t = tiles(&page);
    assert_eq!((t["total"], t["overdue"], t["due-soon"]), (9, 3, 2));
    let page = app
        .get_as(&me, &format!("/dashboard?field={field}&kind=districts"))
        .await;
    let t = tiles(&page);
    assert_eq!((t["total"], t["done-late"], t["stale"]), (6, 1, 1));
    assert_eq!(page.texts("#table-units tbody tr").len(), 1);

    // A period (deadlines in this year) is counted from the tasks themselves: the same classes,
    // less the task without a deadline and those due in other years.
    let year = today.year();
    let in_year = |offset: i64| {
        let d = if offset >= 0 {
            today + Days::new(offset as u64)
        } else {
            today - Days::new((-offset) as u64)
        };
        d.year() == year
    };
    let on_track_this_year = [60, 30, 200].into_iter().filter(|o| in_year(*o)).count() as i64;
    let due_soon_this_year = [3, 0].into_iter().filter(|o| in_year(*o)).count() as i64;
    let overdue_this_year = [-15, -3, -50, -1]
        .into_iter()
        .filter(|o| in_year(*o))
        .count() as i64;
    let done_this_year = [-40, -10, -60, -30]
        .into_iter()
        .filter(|o| in_year(*o))
        .count() as i64;
    let page = app
        .get_as(&me, &format!("/dashboard?field={field}&period={year}"))
        .await;
    let t = tiles(&page);
    assert_eq!(
        t["total"],
        on_track_this_year + due_soon_this_year + overdue_this_year + done_this_year
    );
    assert_eq!(t["due-soon"], due_soon_this_year);
    assert_eq!(t["overdue"], overdue_this_year);
    assert_eq!(t["open-in-time"], on_track_this_year + due_soon_this_year);

    // The month's trend point: the overdue tasks today, and this month's completions.
    let trend = page.texts("#table-trend tbody tr");
    let this_month = trend.last().expect("a trend row for this month").clone();
    assert!(
        this_month.ends_with(&format!(" {overdue_this_year}")),
        "{this_month}"
    );
    // Every number of these views links to a list of exactly that many tasks.
    for path in [
        format!("/dashboard?field={field}"),
        format!("/dashboard?field={field}&period={year}"),
        format!("/units/{district}/dashboard"),
    ] {
        numbers_agree_with_their_lists(&app, &me, &path).await;
    }
}

#[tokio::test]
async fn every_number_on_the_dashboards_opens_a_list_of_exactly_that_many() {
    // On the demo: over 150 numbers across every unit, field and month need a realistic city.
    let app = TestApp::with_demo().await;
    let year = app.state.today().year();
    let reviewer = app.session_for("vp.chuyenvien").await;
    let links = numbers_agree_with_their_lists(&app, &reviewer, "/dashboard").await;
    assert!(links > 150, "only {links} numbers on the City dashboard");
    numbers_agree_with_their_lists(
        &app,
        &reviewer,
        &format!("/dashboard?kind=districts&period={year}"),
    )
    .await;
    numbers_agree_with_their_lists(&app, &reviewer, &format!("/dashboard?period={year}-q1")).await;

    // A period outside the choices (a link to an old year) is named and stays chosen.
    let old = app.get_as(&reviewer, "/dashboard?period=2022-Q2").await;
    assert!(
        old.text("#dash-scope").contains("Quý II/2022"),
        "{}",
        old.text("#dash-scope")
    );
    assert_eq!(old.text("#period option[selected]"), "Quý II/2022");

    // A unit head sees their unit's dashboard, and its lists within their scope.
    let head = app.session_for("badinh.lanhdao").await;
    let badinh = unit_id(&app, "BADINH").await;
    numbers_agree_with_their_lists(&app, &head, &format!("/units/{badinh}/dashboard")).await;
    numbers_agree_with_their_lists(&app, &head, "/").await;

    // An officer's own tasks.
    let officer = app.session_for("badinh.cb1").await;
    numbers_agree_with_their_lists(&app, &officer, "/my-tasks").await;
}

#[tokio::test]
async fn the_stored_counts_follow_every_change_to_the_tasks() {
    // On the demo: its thousands of tasks over years of months are what the counts must follow.
    let app = TestApp::with_demo().await;
    // The stored totals plus pending changes, against the tasks counted directly.
    let stored =
        "select lead_unit_id, shortcoming_id, sum(total)::bigint, sum(done_on_time)::bigint,
                         sum(done_late)::bigint, sum(overdue)::bigint, sum(open_dated)::bigint,
                         sum(open_undated)::bigint, sum(not_started)::bigint,
                         sum(pending_confirmation)::bigint, sum(stale)::bigint,
                         sum(briefing)::bigint
                  from (select lead_unit_id, shortcoming_id, total, done_on_time, done_late,
                               overdue, open_dated, open_undated, not_started,
                               pending_confirmation, stale, briefing
                        from task_stats
                        union all
                        select lead_unit_id, shortcoming_id, total, done_on_time, done_late,
                               overdue, open_dated, open_undated, not_started,
                               pending_confirmation, stale, briefing
                        from task_stat_changes) x
                  group by 1, 2 having sum(total) <> 0 order by 1, 2";
    let live = "select t.lead_unit_id, t.shortcoming_id, sum(c.total)::bigint,
                       sum(c.done_on_time)::bigint, sum(c.done_late)::bigint,
                       sum(c.overdue)::bigint, sum(c.open_dated)::bigint,
                       sum(c.open_undated)::bigint, sum(c.not_started)::bigint,
                       sum(c.pending_confirmation)::bigint, sum(c.stale)::bigint,
                       sum(c.briefing)::bigint
                from tasks t, lateral task_stat_terms(t.status, t.deadline, t.completed_on,
                                                      t.overdue, t.stale, t.marked_for_briefing) c
                group by 1, 2 order by 1, 2";
    // The totals per unit and per shortcoming, stored, against the same counted from the tasks.
    let rollup = |key: &str, table: &str| {
        format!(
            "select {key}, sum(total)::bigint, sum(done_on_time)::bigint, sum(done_late)::bigint,
                    sum(overdue)::bigint, sum(open_dated)::bigint, sum(open_undated)::bigint,
                    sum(in_progress)::bigint, sum(needs_direction)::bigint, sum(stale)::bigint,
                    sum(briefing)::bigint
             from (select {key}, total, done_on_time, done_late, overdue, open_dated,
                          open_undated, in_progress, needs_direction, stale, briefing
                   from {table}
                   union all
                   select {key}, total, done_on_time, done_late, overdue, open_dated,
                          open_undated, in_progress, needs_direction, stale, briefing
                   from task_stat_changes) x
             group by 1 having sum(total) <> 0 order by 1"
        )
    };
    let rollup_live = |key: &str| {
        format!(
            "select t.{key}, sum(c.total)::bigint, sum(c.done_on_time)::bigint,
                    sum(c.done_late)::bigint, sum(c.overdue)::bigint, sum(c.open_dated)::bigint,
                    sum(c.open_undated)::bigint, sum(c.in_progress)::bigint,
                    sum(c.needs_direction)::bigint, sum(c.stale)::bigint, sum(c.briefing)::bigint
             from tasks t, lateral task_stat_terms(t.status, t.deadline, t.completed_on,
                                                   t.overdue, t.stale, t.marked_for_briefing) c
             group by 1 order by 1"
        )
    };
    let rollups = [
        (
            rollup("lead_unit_id", "task_stats_by_unit"),
            rollup_live("lead_unit_id"),
        ),
        (
            rollup("shortcoming_id", "task_stats_by_shortcoming"),
            rollup_live("shortcoming_id"),
        ),
    ];
    let today = app.state.today();
    type Sums = Vec<(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)>;
    type Rollup = Vec<(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)>;
    let check = |label: &'static str| {
        let pool = app.pool.clone();
        let rollups = rollups.clone();
        async move {
            let a: Sums = sqlx::query_as(stored).fetch_all(&pool).await.unwrap();
            let b: Sums = sqlx::query_as(live).fetch_all(&pool).await.unwrap();
            assert_eq!(a, b, "after {label}");
            for (stored, live) in &rollups {
                let a: Rollup = sqlx::query_as(stored).fetch_all(&pool).await.unwrap();
                let b: Rollup = sqlx::query_as(live).fetch_all(&pool).await.unwrap();
                assert_eq!(a, b, "after {label}: {stored}");
            }
            // The monthly trend from the stored runs and months, against the tasks, on every
            // day of this month and the last (the current month is partly counted live).
            let mut day = today.with_day(1).unwrap() - chrono::Months::new(1);
            while day <= today {
                let mut stored = trend_months(day);
                let mut counted = stored.clone();
                dashboard::stored_trend(&pool, &mut stored, chrono_tz::Asia::Ho_Chi_Minh)
                    .await
                    .unwrap();
                dashboard::counted_trend(
                    &pool,
                    &dashboard::Scope::default(),
                    &mut counted,
                    chrono_tz::Asia::Ho_Chi_Minh,
                )
                .await
                .unwrap();
                assert_eq!(stored, counted, "trend as of {day}, after {label}");
                day = day + Days::new(1);
            }
        }
    };
    check("loading the demo").await;
    let statements = [
        // One task at a time, and many in one statement.
        "update tasks set status = 'in_progress' where id = (select min(id) from tasks where status = 'not_started')",
        "update tasks set percent_complete = 50 where status = 'in_progress'",
        "update tasks set deadline = null, original_deadline = null, overdue = false, overdue_since = null
         where id in (select id from tasks where overdue order by id limit 3)",
        "update tasks set status = 'done', percent_complete = 100, completed_on = current_date,
                          overdue = false, overdue_since = null, marked_for_briefing = false
         where id in (select id from tasks where status = 'in_progress' order by id limit 5)",
        "update tasks set stale = not stale where id % 3 = 0 and status <> 'done'",
        // Moving tasks to another lead unit and shortcoming.
        "update tasks set lead_unit_id = (select id from units where code = 'SXD'),
                          shortcoming_id = (select id from shortcomings where code = 'TT-02')
         where id in (select id from tasks order by id desc limit 4)",
        "insert into tasks (code, shortcoming_id, title, lead_unit_id)
         select 'NEW-' || s.code, s.id, 'Nhiệm vụ mới', coalesce(s.lead_unit_id, (select min(id) from units)) from shortcomings s",
        // Tasks entered after their deadline (their overdue run starts with their creation),
        // one due on the last day of last month, and one done late yesterday.
        "insert into tasks (code, shortcoming_id, title, lead_unit_id, deadline, original_deadline)
         select 'LATE-' || s.code, s.id, 'Nhiệm vụ nhập muộn', s.lead_unit_id,
                current_date - 100, current_date - 100
         from shortcomings s where s.lead_unit_id is not null",
        "update tasks set deadline = date_trunc('month', current_date)::date - 1,
                          original_deadline = date_trunc('month', current_date)::date - 1
         where id = (select min(id) from tasks where status = 'in_progress' and deadline is not null)",
        "update tasks set status = 'done', percent_complete = 100, completed_on = current_date - 1,
                          overdue = false, overdue_since = null, marked_for_briefing = false
         where id = (select min(id) from tasks where overdue)",
        // An extension: overdue tasks given a later deadline.
        "update tasks set deadline = deadline + 200
         where id in (select id from tasks where status <> 'done' and deadline < current_date
                      order by id limit 3)",
    ];
    for sql in statements {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
        check(sql).await;
    }
    let folded: serde_json::Value = remediation_portal::db::dashboard::fold(&app.pool)
        .await
        .unwrap();
    assert!(folded["changes_folded"].as_i64().unwrap() > 0, "{folded}");
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from task_stat_changes").await,
        0
    );
    check("folding").await;
    // A change that moves no count leaves no change row.
    sqlx::query(
        "update tasks set title = title || ' (sửa)' where id = (select min(id) from tasks)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from task_stat_changes").await,
        0
    );
    sqlx::query("delete from tasks where code like 'NEW-%' or code like 'LATE-%'")
        .execute(&app.pool)
        .await
        .unwrap();
    check("deleting").await;
}

/// The twelve months up to `today`'s, as the dashboard shows them without a period.
fn trend_months(today: NaiveDate) -> Vec<dashboard::MonthPoint> {
    let this_month = today.with_day(1).unwrap();
    (0..12)
        .rev()
        .map(|back| {
            let first = this_month - chrono::Months::new(back);
            let last = (first + chrono::Months::new(1)).pred_opt().unwrap();
            dashboard::MonthPoint {
                first,
                last,
                point: last.min(today),
                done_on_time: 0,
                done_late: 0,
                overdue: 0,
            }
        })
        .collect()
}

/// The numbers an SVG chart shows (its texts that are numbers).
fn svg_numbers(svg: &str) -> Vec<i64> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .filter_map(|t| t.trim().replace('.', "").parse::<i64>().ok())
        .collect()
}

fn chart(page: &TestResponse, id: &str) -> String {
    let html = page.html();
    let selector = Selector::parse(&format!("#{id} svg")).unwrap();
    html.select(&selector)
        .next()
        .unwrap_or_else(|| panic!("no chart #{id}"))
        .html()
}

#[tokio::test]
async fn charts_are_well_formed_and_show_the_numbers_of_their_tables() {
    let app = TestApp::empty().await;
    let office = build::unit(&app, "VPUB").kind("city_office").create().await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    hand_built(&app, app.state.today()).await;
    let me = app.session_for("vp.chuyenvien").await;
    let page = app.get_as(&me, "/dashboard").await;

    // The stacked bar's legend holds the five classes of the table beside it.
    let table: Vec<i64> = page
        .texts("#table-classes tbody td")
        .iter()
        .map(|t| t.replace('.', "").parse().unwrap())
        .collect();
    let svg = chart(&page, "chart-classes");
    let shown = svg_numbers(&svg);
    for n in &table[..5] {
        assert!(shown.contains(n), "{n} missing from the chart: {shown:?}");
    }
    assert_eq!(
        table[..5].iter().sum::<i64>(),
        table[5],
        "the classes add up to the total"
    );

    // Every coloured part links to a list the tables link to as well.
    let table_links: BTreeSet<String> = linked_counts(&page).into_iter().map(|(h, _)| h).collect();
    for id in ["chart-classes", "chart-fields", "chart-trend"] {
        let svg = chart(&page, id);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let links: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .filter_map(|n| n.attribute("href"))
            .collect();
        assert!(!links.is_empty(), "{id} links nowhere");
        for link in links {
            if id == "chart-fields" && !link.contains("timeliness") {
                continue; // a field's name links to all its tasks, as its first column does
            }
            assert!(table_links.contains(link), "{id}: {link} is in no table");
        }
        assert!(!svg.contains("style="), "{id} carries inline style");
    }

    // The trend: per month, the columns and the line hold the table's numbers.
    let svg = chart(&page, "chart-trend");
    let shown = svg_numbers(&svg);
    for row in page.texts("#table-trend tbody tr") {
        let numbers: Vec<i64> = row
            .split_whitespace()
            .skip(1)
            .map(|n| n.replace('.', "").parse().unwrap())
            .collect();
        for n in numbers.iter().filter(|n| **n > 0) {
            assert!(
                shown.contains(n) || svg.contains(&format!(": {n}<")),
                "{n} of {row} missing from the trend"
            );
        }
    }
}

#[tokio::test]
async fn each_role_lands_on_its_own_dashboard_and_no_further() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let badinh = unit_id(&app, "BADINH").await;
    let sxd = unit_id(&app, "SXD").await;

    let reviewer = app.session_for("vp.chuyenvien").await;
    let home = app.get_as(&reviewer, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.count("#table-units") == 1,
        "the City's ranking on the reviewer's home"
    );
    assert_eq!(
        app.get_as(&reviewer, &format!("/units/{sxd}/dashboard"))
            .await
            .status,
        StatusCode::OK
    );
    let viewer = app.session_for("giamsat").await;
    assert_eq!(
        app.get_as(&viewer, "/dashboard").await.status,
        StatusCode::OK
    );

    let head = app.session_for("badinh.lanhdao").await;
    let home = app.get_as(&head, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text("h1").contains("Ba Đình"), "{}", home.text("h1"));
    assert_eq!(home.count("#table-workload"), 1);
    assert_eq!(
        app.get_as(&head, &format!("/units/{badinh}/dashboard"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_as(&head, &format!("/units/{sxd}/dashboard"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_as(&head, "/dashboard").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_as(&head, "/units/999999/dashboard").await.status,
        StatusCode::NOT_FOUND
    );

    let officer = app.session_for("badinh.cb1").await;
    let home = app.get_as(&officer, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.count("#block-overdue"), 1);
    assert_eq!(home.count("#block-returned"), 1);
    assert_eq!(
        app.get_as(&officer, &format!("/units/{badinh}/dashboard"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_returned_task_waits_in_my_tasks_until_reported_again() {
    let app = TestApp::empty().await;
    let task = small_city(&app).await;
    let officer = app.session_for("badinh.cb1").await;
    let returned_before = list_total(&app.get_as(&officer, "/tasks?mine=1&returned=1").await);
    // The officer reports it done; the head returns it.
    let head = app.session_for("badinh.lanhdao").await;
    sqlx::query(
        "update tasks set status = 'pending_confirmation', percent_complete = 100 where id = $1",
    )
    .bind(task)
    .execute(&app.pool)
    .await
    .unwrap();
    let page = app.get_as(&head, &format!("/tasks/{task}")).await;
    let hidden = |name: &str| {
        page.html()
            .select(&Selector::parse(&format!("#return-form input[name={name}]")).unwrap())
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_owned))
            .unwrap_or_default()
    };
    let (version, seen) = (hidden("version"), hidden("seen"));
    let response = app
        .post_as(
            &head,
            &format!("/tasks/{task}/return"),
            &[
                ("reason", "Thiếu biên bản nghiệm thu"),
                ("version", &version),
                ("seen", &seen),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);

    let returned = list_total(&app.get_as(&officer, "/tasks?mine=1&returned=1").await);
    assert_eq!(returned, returned_before + 1);
    let code: String = scalar(&app, &format!("select code from tasks where id = {task}")).await;
    let mine = app.get_as(&officer, "/my-tasks").await;
    assert!(
        mine.texts("#block-returned .block-task")
            .iter()
            .any(|t| t.contains(&code)),
        "{code} is listed as returned"
    );

    // Reported again: no longer returned.
    sqlx::query(
        "insert into task_updates (task_id, author_id, unit_id, kind, status_after, percent, note)
         select $1, u.id, u.unit_id, 'progress', 'in_progress', 60, 'Đã bổ sung biên bản'
         from users u where u.username = 'badinh.cb1'",
    )
    .bind(task)
    .execute(&app.pool)
    .await
    .unwrap();
    let again = list_total(&app.get_as(&officer, "/tasks?mine=1&returned=1").await);
    assert_eq!(again, returned_before);
}
