//! The task list downloaded as XLSX and CSV (`/tasks.xlsx?…`, `/tasks.csv?…`): the list's own
//! rows in its order, for its query string and in the user's scope; headings in the user's
//! language; dates as dates; CSV with a byte order mark, quoted as RFC 4180 says and never
//! starting a cell with a formula; a list longer than a worksheet refused in words. Each test
//! builds its tasks on an empty database (the list's own world, `task_list::small_city`).

use std::io::{Cursor, Read};

use axum::http::StatusCode;
use calamine::{Data, DataType, Reader, Xlsx};
use chrono::Duration;
use remediation_portal::domain::clock::Clock;

use crate::common::{TestApp, TestResponse, TestSession, build, scalar};
use crate::task_list::{City, listed_tasks, small_city};

/// The Vietnamese headings, in their order.
const HEADINGS_VI: [&str; 17] = [
    "STT",
    "Mã nhiệm vụ",
    "Nhiệm vụ",
    "Tồn tại, hạn chế",
    "Kế hoạch",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Lãnh đạo phụ trách",
    "Cán bộ theo dõi",
    "Thời hạn ban đầu",
    "Thời hạn hiện tại",
    "Tình trạng",
    "Tiến độ (%)",
    "Thời hạn thực hiện",
    "Ngày hoàn thành",
    "Kết quả thực hiện (báo cáo gần nhất)",
    "Cập nhật gần nhất",
];

/// Column numbers, by what they hold.
const CODE: usize = 1;
const TITLE: usize = 2;
const SHORTCOMING: usize = 3;
const PLAN: usize = 4;
const LEAD: usize = 5;
const COORDINATING: usize = 6;
const LEADER: usize = 7;
const ASSIGNEES: usize = 8;
const ORIGINAL_DEADLINE: usize = 9;
const DEADLINE: usize = 10;
const STATUS: usize = 11;
const PERCENT: usize = 12;
const TIMELINESS: usize = 13;
const COMPLETED: usize = 14;
const NOTE: usize = 15;
const LAST_UPDATE: usize = 16;

/// A title a spreadsheet would run as a formula if it were written as it is.
const FORMULA_TITLE: &str = "=HYPERLINK(\"http://x.test\", \"Bấm vào đây\"), gấp";

/// What the list page shows of its rows: code, title, status and timeliness, in its order.
fn list_rows(page: &TestResponse) -> Vec<[String; 4]> {
    let codes = page.texts("table.tasks td.task-code");
    let titles = page.texts("table.tasks td.task-title a");
    let statuses = page.texts("table.tasks td .badge[class*=status-]");
    let classes = page.texts("table.tasks td .badge[class*=time-]");
    assert_eq!(codes.len(), titles.len());
    (0..codes.len())
        .map(|n| {
            [
                codes[n].clone(),
                titles[n].clone(),
                statuses[n].clone(),
                classes[n].clone(),
            ]
        })
        .collect()
}

/// The sheet of an XLSX download, row by row (the headings first).
pub(crate) fn sheet(response: &TestResponse, name: &str) -> Vec<Vec<Data>> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(response.bytes.to_vec())).unwrap();
    assert_eq!(book.sheet_names(), [name]);
    let range = book.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A number cell's value (not a text that reads as one).
fn number(cell: &Data) -> Option<i64> {
    match cell {
        Data::Float(f) => Some(*f as i64),
        Data::Int(n) => Some(*n),
        _ => None,
    }
}

/// A cell as the text it shows (numbers as numbers, dates dd/mm/yyyy).
pub(crate) fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        Data::DateTime(_) => cell.as_date().unwrap().format("%d/%m/%Y").to_string(),
        other => other.as_i64().map(|n| n.to_string()).unwrap_or_default(),
    }
}

/// An XLSX sheet's rows as [`list_rows`] has them.
fn sheet_rows(rows: &[Vec<Data>]) -> Vec<[String; 4]> {
    rows[1..]
        .iter()
        .map(|r| {
            [
                text(&r[CODE]),
                text(&r[TITLE]),
                text(&r[STATUS]),
                text(&r[TIMELINESS]),
            ]
        })
        .collect()
}

/// CSV records as RFC 4180 writes them (the file must end with CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty() && !quoted,
        "the CSV ends in the middle of a record"
    );
    records
}

/// A CSV download's records (the headings first), after checking its byte order mark.
pub(crate) fn csv(response: &TestResponse) -> Vec<Vec<String>> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        response.bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "a byte order mark first"
    );
    let text = std::str::from_utf8(&response.bytes[3..]).expect("UTF-8");
    parse_csv(text)
}

/// The ten tasks of `listed_tasks`, and on the Natural Resources department's task what the
/// list does not show: a plan, a leader, two coordinating units, two progress reports (the
/// later one is "done so far"); and one more task whose title looks like a formula.
async fn world(app: &TestApp) -> (City, i64) {
    let city = small_city(app).await;
    listed_tasks(app, &city).await;
    let task: i64 = scalar(
        app,
        &format!("select id from tasks where lead_unit_id = {}", city.stnmt),
    )
    .await;
    let plan = build::plan(app, city.stnmt, "Kế hoạch khắc phục năm 2026")
        .create()
        .await;
    sqlx::query("update plans set doc_number = '15/KH-STNMT' where id = $1")
        .bind(plan)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "update tasks set plan_id = $2, leader_in_charge = 'Phó Giám đốc Trần Văn Bình'
         where id = $1",
    )
    .bind(task)
    .bind(plan)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into task_coordinators (task_id, unit_id, role_text) values ($1, $2, ''), ($1, $3, '')",
    )
    .bind(task)
    .bind(city.hoankiem)
    .bind(city.badinh)
    .execute(&app.pool)
    .await
    .unwrap();
    for (days_ago, note) in [
        (3, "Đã lập danh sách 40 điểm"),
        (1, "Đã xử lý 12/40 điểm, = 30%"),
    ] {
        sqlx::query(
            "insert into task_updates (task_id, unit_id, kind, status_after, percent, note, created_at)
             values ($1, $2, 'progress', 'in_progress', 30, $3, $4)",
        )
        .bind(task)
        .bind(city.stnmt)
        .bind(note)
        .bind(app.clock.now() - Duration::days(days_ago))
        .execute(&app.pool)
        .await
        .unwrap();
    }
    build::task(app)
        .shortcoming(city.tt01)
        .title(FORMULA_TITLE, "")
        .deadline(app.state.today() + Duration::days(200))
        .create()
        .await;
    (city, task)
}

#[tokio::test]
async fn xlsx_holds_the_lists_rows_in_its_order_with_dates_as_dates() {
    let app = TestApp::empty().await;
    let (city, task) = world(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let today = app.state.today();

    for query in [
        String::new(),
        format!("field={}", city.environment),
        "sort=deadline_desc&timeliness=on_track,due_soon,no_deadline".to_owned(),
        "status=done&sort=code".to_owned(),
    ] {
        let list = app.get_as(&me, &format!("/tasks?{query}")).await;
        let download = app.get_as(&me, &format!("/tasks.xlsx?{query}")).await;
        let rows = sheet(&download, "Nhiệm vụ");
        let headings: Vec<String> = rows[0].iter().map(text).collect();
        assert_eq!(headings, HEADINGS_VI, "{query}");
        let expected = list_rows(&list);
        assert!(!expected.is_empty(), "{query}");
        assert_eq!(sheet_rows(&rows), expected, "/tasks?{query}");
        // Numbered from 1, as numbers.
        let numbers: Vec<Option<i64>> = rows[1..].iter().map(|r| number(&r[0])).collect();
        let counted: Vec<Option<i64>> = (1..=expected.len() as i64).map(Some).collect();
        assert_eq!(numbers, counted, "{query}");
    }

    let download = app.get_as(&me, "/tasks.xlsx").await;
    assert_eq!(
        download.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let day = today.format("%Y-%m-%d");
    assert_eq!(
        download.header("content-disposition").unwrap(),
        format!(
            "attachment; filename=\"danh-sach-nhiem-vu-{day}.xlsx\"; \
             filename*=UTF-8''Danh%20s%C3%A1ch%20nhi%E1%BB%87m%20v%E1%BB%A5%20{day}.xlsx"
        )
    );
    assert_eq!(
        download.header("content-length"),
        Some(download.bytes.len().to_string().as_str())
    );
    let rows = sheet(&download, "Nhiệm vụ");
    let code: String = scalar(&app, &format!("select code from tasks where id = {task}")).await;
    let row = rows
        .iter()
        .find(|r| text(&r[CODE]) == code)
        .expect("the task is in the sheet");
    // Dates are dates, shown dd/mm/yyyy.
    let in_90_days = today + Duration::days(90);
    assert!(
        matches!(row[DEADLINE], Data::DateTime(_)),
        "{:?}",
        row[DEADLINE]
    );
    assert_eq!(row[DEADLINE].as_date(), Some(in_90_days));
    assert_eq!(row[ORIGINAL_DEADLINE].as_date(), Some(in_90_days));
    assert_eq!(row[LAST_UPDATE].as_date(), Some(today));
    assert_eq!(row[COMPLETED], Data::Empty);
    assert_eq!(number(&row[PERCENT]), Some(0));
    assert_eq!(text(&row[SHORTCOMING]), "TT-02 – Tồn tại TT-02");
    assert_eq!(
        text(&row[PLAN]),
        "15/KH-STNMT – Kế hoạch khắc phục năm 2026"
    );
    assert_eq!(text(&row[LEAD]), "Đơn vị STNMT");
    assert_eq!(text(&row[COORDINATING]), "Đơn vị BADINH; Đơn vị HOANKIEM");
    assert_eq!(text(&row[LEADER]), "Phó Giám đốc Trần Văn Bình");
    assert_eq!(text(&row[ASSIGNEES]), "Cán bộ stnmt.cb1");
    assert_eq!(text(&row[NOTE]), "Đã xử lý 12/40 điểm, = 30%");
    // A task done, and one without a deadline.
    let done = rows
        .iter()
        .find(|r| text(&r[STATUS]) == "Đã thực hiện xong")
        .unwrap();
    assert!(matches!(done[COMPLETED], Data::DateTime(_)));
    assert_eq!(number(&done[PERCENT]), Some(100));
    let ongoing = rows
        .iter()
        .find(|r| text(&r[TIMELINESS]) == "Không thời hạn")
        .unwrap();
    assert_eq!(text(&ongoing[DEADLINE]), "Thường xuyên");
    assert_eq!(ongoing[ORIGINAL_DEADLINE], Data::Empty);
    // A title that looks like a formula stays the text it is (a sheet stores it as text).
    assert!(
        rows.iter()
            .any(|r| r[TITLE] == Data::String(FORMULA_TITLE.into()))
    );

    // The sheet itself: frozen heading row with an autofilter over every row, widths set,
    // bold headings, wrapped titles, dates formatted dd/mm/yyyy.
    let part = |name: &str| {
        let mut zip = zip::ZipArchive::new(Cursor::new(download.bytes.to_vec())).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let xml = part("xl/worksheets/sheet1.xml");
    assert!(
        xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\""),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<autoFilter ref=\"A1:Q{}\"/>", rows.len())),
        "{xml}"
    );
    assert!(xml.contains("<cols>") && xml.contains("customWidth=\"1\""));
    let styles = part("xl/styles.xml");
    assert!(styles.contains("<b/>"), "{styles}");
    assert!(styles.contains("wrapText=\"1\""), "{styles}");
    assert!(styles.contains("formatCode=\"dd/mm/yyyy\""), "{styles}");
}

#[tokio::test]
async fn csv_holds_the_same_rows_with_a_bom_and_no_formulas() {
    let app = TestApp::empty().await;
    let (_, task) = world(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let today = app.state.today();

    for query in ["", "sort=code", "sort=percent&status=in_progress"] {
        let list = app.get_as(&me, &format!("/tasks?{query}")).await;
        let records = csv(&app.get_as(&me, &format!("/tasks.csv?{query}")).await);
        assert_eq!(records[0], HEADINGS_VI, "{query}");
        let rows: Vec<[String; 4]> = records[1..]
            .iter()
            .map(|r| {
                [
                    r[CODE].clone(),
                    r[TITLE].clone(),
                    r[STATUS].clone(),
                    r[TIMELINESS].clone(),
                ]
            })
            .map(|mut r| {
                // The guard's quote is not part of the title.
                if let Some(title) = r[1].strip_prefix('\'') {
                    r[1] = title.to_owned();
                }
                r
            })
            .collect();
        assert_eq!(rows, list_rows(&list), "/tasks?{query}");
        let numbers: Vec<String> = records[1..].iter().map(|r| r[0].clone()).collect();
        let counted: Vec<String> = (1..records.len()).map(|n| n.to_string()).collect();
        assert_eq!(numbers, counted);
    }

    let response = app.get_as(&me, "/tasks.csv").await;
    let day = today.format("%Y-%m-%d");
    assert_eq!(
        response.header("content-disposition").unwrap(),
        format!(
            "attachment; filename=\"danh-sach-nhiem-vu-{day}.csv\"; \
             filename*=UTF-8''Danh%20s%C3%A1ch%20nhi%E1%BB%87m%20v%E1%BB%A5%20{day}.csv"
        )
    );
    let records = csv(&response);
    let code: String = scalar(&app, &format!("select code from tasks where id = {task}")).await;
    let row = records.iter().find(|r| r[CODE] == code).unwrap();
    let in_90_days = (today + Duration::days(90)).format("%d/%m/%Y").to_string();
    assert_eq!(row[DEADLINE], in_90_days);
    assert_eq!(row[ORIGINAL_DEADLINE], in_90_days);
    assert_eq!(row[LAST_UPDATE], today.format("%d/%m/%Y").to_string());
    assert_eq!(row[PERCENT], "0");
    assert_eq!(row[NOTE], "Đã xử lý 12/40 điểm, = 30%");
    assert_eq!(row[COORDINATING], "Đơn vị BADINH; Đơn vị HOANKIEM");
    // The formula is guarded with a quote, and the field quoted for its comma and quotes.
    let text = String::from_utf8(response.bytes.to_vec()).unwrap();
    assert!(
        text.contains(",\"'=HYPERLINK(\"\"http://x.test\"\", \"\"Bấm vào đây\"\"), gấp\","),
        "{text}"
    );
    assert!(
        records
            .iter()
            .any(|r| r[TITLE] == format!("'{FORMULA_TITLE}"))
    );
    assert!(text.ends_with("\r\n"));
}

#[tokio::test]
async fn headings_and_labels_follow_the_users_language() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    listed_tasks(&app, &city).await;
    let me = app.session_for("vp.chuyenvien").await;
    let english = [("cookie", format!("lang=en; {}", me.cookie))];
    let english: Vec<(&str, &str)> = english.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let download = app.get_with("/tasks.xlsx?status=done", &english).await;
    let rows = sheet(&download, "Tasks");
    assert_eq!(text(&rows[0][0]), "No.");
    assert_eq!(text(&rows[0][CODE]), "Task code");
    assert_eq!(text(&rows[0][DEADLINE]), "Current deadline");
    assert!(rows[1..].iter().all(|r| text(&r[STATUS]) == "Done"));
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"task-list-")
    );
    let records = csv(&app
        .get_with("/tasks.csv?status=needs_direction", &english)
        .await);
    assert_eq!(records[0][TIMELINESS], "Timeliness");
    assert_eq!(records[1][DEADLINE], "Ongoing");
}

#[tokio::test]
async fn a_download_holds_only_what_the_user_may_see() {
    let app = TestApp::empty().await;
    let (city, _) = world(&app).await;
    let officer = app.session_for("stnmt.cb1").await;
    // The Natural Resources department leads one task and coordinates one of Ba Đình's.
    let visible: Vec<String> = sqlx::query_scalar(
        "select t.code from tasks t
         where t.lead_unit_id = $1
            or exists (select 1 from task_coordinators c where c.task_id = t.id and c.unit_id = $1)
         order by t.code",
    )
    .bind(city.stnmt)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(visible.len(), 2);
    let all: i64 = scalar(&app, "select count(*) from tasks").await;
    assert_eq!(all, 11);

    for query in ["sort=code", "sort=code&lead=", "sort=code&kind=districts"] {
        let list = list_rows(&app.get_as(&officer, &format!("/tasks?{query}")).await);
        let rows = sheet(
            &app.get_as(&officer, &format!("/tasks.xlsx?{query}")).await,
            "Nhiệm vụ",
        );
        let records = csv(&app.get_as(&officer, &format!("/tasks.csv?{query}")).await);
        assert_eq!(sheet_rows(&rows), list, "{query}");
        let codes: Vec<String> = records[1..].iter().map(|r| r[CODE].clone()).collect();
        let listed: Vec<String> = list.iter().map(|r| r[0].clone()).collect();
        assert_eq!(codes, listed, "{query}");
        assert!(
            codes.iter().all(|c| visible.contains(c)),
            "{query}: {codes:?}"
        );
    }
    let everything = csv(&app.get_as(&officer, "/tasks.csv?sort=code").await);
    let codes: Vec<String> = everything[1..].iter().map(|r| r[CODE].clone()).collect();
    assert_eq!(codes, visible);
    // Asking for another unit's tasks by name narrows, never widens.
    let badinh = csv(&app
        .get_as(&officer, &format!("/tasks.csv?lead={}", city.badinh))
        .await);
    assert_eq!(badinh.len(), 2, "the one task of Ba Đình it coordinates");
    // A typed unit name that names no unit: the list shows nothing, nor does the download.
    let nothing = csv(&app
        .get_as(&officer, "/tasks.csv?lead_name=Kh%C3%B4ng%20c%C3%B3")
        .await);
    assert_eq!(nothing, [HEADINGS_VI.map(String::from).to_vec()]);
}

#[tokio::test]
async fn downloads_ask_to_sign_in_like_the_list() {
    let app = TestApp::empty().await;
    let list = app.get("/tasks?status=done").await;
    assert_eq!(list.status, StatusCode::SEE_OTHER);
    assert_eq!(
        list.header("location"),
        Some("/signin?next=/tasks%3Fstatus%3Ddone")
    );
    for (path, next) in [
        (
            "/tasks.xlsx?status=done",
            "/signin?next=/tasks.xlsx%3Fstatus%3Ddone",
        ),
        (
            "/tasks.csv?status=done",
            "/signin?next=/tasks.csv%3Fstatus%3Ddone",
        ),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.header("location"), Some(next), "{path}");
        assert!(response.bytes.is_empty() || !response.body.contains("Mã nhiệm vụ"));
    }
}

#[tokio::test]
async fn a_list_longer_than_a_sheet_is_refused_in_words_but_not_as_csv() {
    // A worksheet of four rows: a heading and three tasks.
    let app = TestApp::empty_with_config(|c| c.sheet_rows = 4).await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    for _ in 0..3 {
        build::task(&app).shortcoming(city.tt01).create().await;
    }
    let three = app.get_as(&me, "/tasks.xlsx").await;
    assert_eq!(sheet(&three, "Nhiệm vụ").len(), 4);

    build::task(&app).shortcoming(city.tt02).create().await;
    let four = app.get_as(&me, "/tasks.xlsx?sort=code").await;
    assert_eq!(four.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        four.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        four.text("#export-refused"),
        "Danh sách có hơn 3 nhiệm vụ, nhiều hơn một trang tính Excel chứa được, nên chưa xuất \
         được tệp Excel. Hãy lọc bớt rồi xuất lại, hoặc xuất CSV (không giới hạn số dòng)."
    );
    // The list itself, with the way on: CSV, or fewer tasks.
    assert_eq!(four.count("table.tasks tr.task-row"), 4);
    assert_eq!(four.attr("#export-csv", "href"), "/tasks.csv?sort=code");
    assert_eq!(four.count("#export-xlsx"), 0);
    let english = format!("lang=en; {}", me.cookie);
    let four_en = app.get_with("/tasks.xlsx", &[("cookie", &english)]).await;
    assert_eq!(four_en.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        four_en
            .text("#export-refused")
            .starts_with("The list has more than 3 tasks"),
        "{}",
        four_en.text("#export-refused")
    );
    // Narrowed, it fits again; CSV has no limit.
    let narrowed = app
        .get_as(&me, &format!("/tasks.xlsx?shortcoming={}", city.tt01))
        .await;
    assert_eq!(sheet(&narrowed, "Nhiệm vụ").len(), 4);
    assert_eq!(csv(&app.get_as(&me, "/tasks.csv").await).len(), 5);
}

#[tokio::test]
async fn the_list_offers_its_downloads_with_its_query_string() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    listed_tasks(&app, &city).await;
    let me: TestSession = app.session_for("vp.chuyenvien").await;
    let page = app
        .get_as(&me, "/tasks?status=in_progress&sort=code&page=1")
        .await;
    assert_eq!(
        page.attr("#export-xlsx", "href"),
        "/tasks.xlsx?status=in_progress&sort=code"
    );
    assert_eq!(
        page.attr("#export-csv", "href"),
        "/tasks.csv?status=in_progress&sort=code"
    );
    assert_eq!(page.text("#export-xlsx"), "Xuất Excel");
    assert_eq!(page.text("#export-csv"), "Xuất CSV");
    // Nothing to download from an empty list.
    let empty = app
        .get_as(&me, "/tasks?q=kh%C3%B4ng%20c%C3%B3%20g%C3%AC")
        .await;
    assert_eq!(empty.count("#export-links"), 0);
}

#[test]
fn the_csv_reader_of_these_tests_reads_rfc_4180() {
    assert_eq!(
        parse_csv("a,\"b,c\",\"d\"\"e\"\r\n,\"x\r\ny\",\r\n"),
        [
            vec!["a".to_owned(), "b,c".to_owned(), "d\"e".to_owned()],
            vec![String::new(), "x\r\ny".to_owned(), String::new()],
        ]
    );
}
