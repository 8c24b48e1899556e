//! Builders of the small world a test asserts on, made on an empty database
//! (`TestApp::empty`) instead of looked up in the demo data: units, users who can sign in,
//! fields, source documents, shortcomings, plans, tasks (lead and coordinating units,
//! officers, status, percent, deadline), their history and extension requests, and report
//! regimes. Each builder fills what the test does not name with a default that keeps the
//! schema's rules, writes plain SQL inserts and returns the new row's id:
//!
//! ```ignore
//! let badinh = build::unit(&app, "BADINH").kind("district").create().await;
//! build::user(&app, "badinh.cb1", badinh).create().await;
//! let task = build::task(&app).lead(badinh).deadline(day).status("in_progress").create().await;
//! ```

use chrono::{Duration, NaiveDate};
use remediation_portal::domain::clock::Clock;
use remediation_portal::domain::password;
use tokio::sync::OnceCell;

use super::{TestApp, scalar};

/// The password of every built user (`TestApp::sign_in(username, build::PASSWORD)`).
pub const PASSWORD: &str = "ThuNghiem@2019";

/// [`PASSWORD`]'s hash, made once per test run (argon2 is slow on purpose).
async fn password_hash() -> &'static str {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async {
        password::hash_blocking(PASSWORD.to_owned())
            .await
            .expect("the test password hashes")
    })
    .await
}

/// A unit with `code`: a department named "Đơn vị {code}" unless told otherwise.
pub fn unit<'a>(app: &'a TestApp, code: &str) -> UnitBuilder<'a> {
    UnitBuilder {
        app,
        code: code.to_owned(),
        name: format!("Đơn vị {code}"),
        short_name: code.to_owned(),
        kind: "department",
        parent: None,
    }
}

/// See [`unit`].
pub struct UnitBuilder<'a> {
    app: &'a TestApp,
    code: String,
    name: String,
    short_name: String,
    kind: &'static str,
    parent: Option<i64>,
}

impl UnitBuilder<'_> {
    /// `city_office`, `department`, `district`, `division` or `commune`.
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// The full name (and the short name in tables, when `short` is not empty).
    pub fn name(mut self, name: &str, short: &str) -> Self {
        self.name = name.to_owned();
        if !short.is_empty() {
            self.short_name = short.to_owned();
        }
        self
    }

    /// The unit it belongs to (a division's department or district).
    pub fn parent(mut self, parent: i64) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Inserts the unit; its id.
    pub async fn create(self) -> i64 {
        sqlx::query_scalar(
            "insert into units (code, name, short_name, kind, parent_id)
             values ($1, $2, $3, $4::unit_kind, $5) returning id",
        )
        .bind(&self.code)
        .bind(&self.name)
        .bind(&self.short_name)
        .bind(self.kind)
        .bind(self.parent)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("unit {}: {e}", self.code))
    }
}

/// An active officer `username` of `unit`, who signs in with [`PASSWORD`].
pub fn user<'a>(app: &'a TestApp, username: &str, unit: i64) -> UserBuilder<'a> {
    UserBuilder {
        app,
        username: username.to_owned(),
        unit,
        role: "officer",
        full_name: format!("Cán bộ {username}"),
        email: None,
        active: true,
    }
}

/// See [`user`].
pub struct UserBuilder<'a> {
    app: &'a TestApp,
    username: String,
    unit: i64,
    role: &'static str,
    full_name: String,
    email: Option<String>,
    active: bool,
}

impl UserBuilder<'_> {
    /// `admin`, `city_reviewer`, `unit_head`, `officer` or `viewer`.
    pub fn role(mut self, role: &'static str) -> Self {
        self.role = role;
        self
    }

    /// The name pages show.
    pub fn full_name(mut self, full_name: &str) -> Self {
        self.full_name = full_name.to_owned();
        self
    }

    /// The address notifications are emailed to (none unless told).
    pub fn email(mut self, address: &str) -> Self {
        self.email = Some(address.to_owned());
        self
    }

    /// A retired account: it cannot sign in and is never offered.
    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }

    /// Inserts the account; its id.
    pub async fn create(self) -> i64 {
        sqlx::query_scalar(
            "insert into users (username, full_name, unit_id, role, active, password_hash, email)
             values ($1, $2, $3, $4::user_role, $5, $6, $7) returning id",
        )
        .bind(&self.username)
        .bind(&self.full_name)
        .bind(self.unit)
        .bind(self.role)
        .bind(self.active)
        .bind(password_hash().await)
        .bind(&self.email)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("user {}: {e}", self.username))
    }
}

/// A field (lĩnh vực) with `code` and a Vietnamese name; its id.
pub async fn field(app: &TestApp, code: &str, name_vi: &str) -> i64 {
    sqlx::query_scalar(
        "insert into fields (code, name_vi, name_en) values ($1, $2, 'Field ' || $1) returning id",
    )
    .bind(code)
    .bind(name_vi)
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("field {code}: {e}"))
}

/// A shortcoming with `code` led by `lead`, in a field of its own unless told otherwise.
pub fn shortcoming<'a>(app: &'a TestApp, code: &str, lead: i64) -> ShortcomingBuilder<'a> {
    ShortcomingBuilder {
        app,
        code: code.to_owned(),
        lead,
        field: None,
        title: format!("Tồn tại {code}"),
        sources: Vec::new(),
    }
}

/// See [`shortcoming`].
pub struct ShortcomingBuilder<'a> {
    app: &'a TestApp,
    code: String,
    lead: i64,
    field: Option<i64>,
    title: String,
    sources: Vec<i64>,
}

impl ShortcomingBuilder<'_> {
    /// The field it belongs to.
    pub fn field(mut self, field: i64) -> Self {
        self.field = Some(field);
        self
    }

    /// The title.
    pub fn title(mut self, title: &str) -> Self {
        self.title = title.to_owned();
        self
    }

    /// A source document it was found in.
    pub fn source(mut self, source: i64) -> Self {
        self.sources.push(source);
        self
    }

    /// Inserts the shortcoming (and its field, when none was given) and its sources; its id.
    pub async fn create(self) -> i64 {
        let field = match self.field {
            Some(field) => field,
            None => field(self.app, &format!("F-{}", self.code), "Lĩnh vực thử").await,
        };
        let shortcoming: i64 = sqlx::query_scalar(
            "insert into shortcomings (code, title, field_id, lead_unit_id, year_identified)
             values ($1, $2, $3, $4, 2025) returning id",
        )
        .bind(&self.code)
        .bind(&self.title)
        .bind(field)
        .bind(self.lead)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("shortcoming {}: {e}", self.code));
        sqlx::query(
            "insert into shortcoming_sources (shortcoming_id, source_id)
             select $1, unnest($2::bigint[])",
        )
        .bind(shortcoming)
        .bind(&self.sources)
        .execute(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("sources of shortcoming {}: {e}", self.code));
        shortcoming
    }
}

/// A source document numbered `number`: an inspection conclusion of the Government
/// Inspectorate, dated 15/05/2017, titled after its number unless told otherwise.
pub fn source<'a>(app: &'a TestApp, number: &str) -> SourceBuilder<'a> {
    SourceBuilder {
        app,
        number: number.to_owned(),
        kind: "inspection",
        title: format!("Kết luận thanh tra số {number}"),
        files: Vec::new(),
    }
}

/// See [`source`].
pub struct SourceBuilder<'a> {
    app: &'a TestApp,
    number: String,
    kind: &'static str,
    title: String,
    files: Vec<(String, Vec<u8>)>,
}

impl SourceBuilder<'_> {
    /// `review_conference`, `mid_term_review`, `inspection`, `state_audit`, `supervision` or
    /// `other`.
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// The title.
    pub fn title(mut self, title: &str) -> Self {
        self.title = title.to_owned();
        self
    }

    /// A PDF of it (its scan) named `file_name`, uploaded by no one in particular.
    pub fn file(mut self, file_name: &str, pdf: &[u8]) -> Self {
        self.files.push((file_name.to_owned(), pdf.to_vec()));
        self
    }

    /// Inserts the document and its files; its id.
    pub async fn create(self) -> i64 {
        let source: i64 = sqlx::query_scalar(
            "insert into sources (kind, doc_number, doc_date, issuing_body, title)
             values ($1::source_kind, $2, '2017-05-15', 'Thanh tra Chính phủ', $3) returning id",
        )
        .bind(self.kind)
        .bind(&self.number)
        .bind(&self.title)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("source {}: {e}", self.number));
        for (file_name, pdf) in &self.files {
            sqlx::query(
                "insert into attachments (file_name, content_type, size_bytes, sha256, content,
                                          source_id)
                 values ($1, 'application/pdf', octet_length($2), sha256($2), $2, $3)",
            )
            .bind(file_name)
            .bind(pdf)
            .bind(source)
            .execute(&self.app.pool)
            .await
            .unwrap_or_else(|e| panic!("file {file_name} of source {}: {e}", self.number));
        }
        source
    }
}

/// A plan of `unit`, not issued yet, due in 30 days unless told otherwise.
pub fn plan<'a>(app: &'a TestApp, unit: i64, title: &str) -> PlanBuilder<'a> {
    PlanBuilder {
        app,
        unit,
        title: title.to_owned(),
        issue_deadline: app.state.today() + Duration::days(30),
        issued: None,
        shortcomings: Vec::new(),
    }
}

/// See [`plan`].
pub struct PlanBuilder<'a> {
    app: &'a TestApp,
    unit: i64,
    title: String,
    issue_deadline: NaiveDate,
    issued: Option<(NaiveDate, String)>,
    shortcomings: Vec<i64>,
}

impl PlanBuilder<'_> {
    /// The day it is due to be issued by.
    pub fn issue_deadline(mut self, day: NaiveDate) -> Self {
        self.issue_deadline = day;
        self
    }

    /// Issued on `day` as document `number` (an issued plan has its number).
    pub fn issued(mut self, day: NaiveDate, number: &str) -> Self {
        self.issued = Some((day, number.to_owned()));
        self
    }

    /// A shortcoming it remedies.
    pub fn shortcoming(mut self, shortcoming: i64) -> Self {
        self.shortcomings.push(shortcoming);
        self
    }

    /// Inserts the plan and its shortcomings; its id.
    pub async fn create(self) -> i64 {
        let (issued_on, number) = self.issued.unzip();
        let plan: i64 = sqlx::query_scalar(
            "insert into plans (unit_id, title, issue_deadline, issued_on, doc_number)
             values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(self.unit)
        .bind(&self.title)
        .bind(self.issue_deadline)
        .bind(issued_on)
        .bind(number)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("plan {}: {e}", self.title));
        sqlx::query(
            "insert into plan_shortcomings (plan_id, shortcoming_id)
             select $1, unnest($2::bigint[])",
        )
        .bind(plan)
        .bind(&self.shortcomings)
        .execute(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("shortcomings of plan {}: {e}", self.title));
        plan
    }
}

/// A task titled "Nhiệm vụ thử", not started, with no deadline: led by `lead` under a
/// shortcoming made for it, or by the lead unit of `shortcoming`; coded after its shortcoming
/// as the portal codes it (TT-05.01).
pub fn task(app: &TestApp) -> TaskBuilder<'_> {
    TaskBuilder {
        app,
        shortcoming: None,
        lead: None,
        plan: None,
        title: "Nhiệm vụ thử".to_owned(),
        description: String::new(),
        status: "not_started",
        percent: None,
        deadline: None,
        completed_on: None,
        reminders: 0,
        untouched_days: 0,
        coordinators: Vec::new(),
        assignees: Vec::new(),
    }
}

/// See [`task`].
pub struct TaskBuilder<'a> {
    app: &'a TestApp,
    shortcoming: Option<i64>,
    lead: Option<i64>,
    plan: Option<i64>,
    title: String,
    description: String,
    status: &'static str,
    percent: Option<i16>,
    deadline: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    reminders: i32,
    untouched_days: i64,
    coordinators: Vec<(i64, String)>,
    assignees: Vec<i64>,
}

impl TaskBuilder<'_> {
    /// The shortcoming it remedies (its lead unit leads the task unless [`Self::lead`]).
    pub fn shortcoming(mut self, shortcoming: i64) -> Self {
        self.shortcoming = Some(shortcoming);
        self
    }

    /// The lead unit.
    pub fn lead(mut self, unit: i64) -> Self {
        self.lead = Some(unit);
        self
    }

    /// The plan it belongs to.
    pub fn plan(mut self, plan: i64) -> Self {
        self.plan = Some(plan);
        self
    }

    /// The title (and the description, when `description` is not empty).
    pub fn title(mut self, title: &str, description: &str) -> Self {
        self.title = title.to_owned();
        self.description = description.to_owned();
        self
    }

    /// The status (`done`: completed today unless [`Self::done_on`]).
    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }

    /// Done, on `day`.
    pub fn done_on(mut self, day: NaiveDate) -> Self {
        self.status = "done";
        self.completed_on = Some(day);
        self
    }

    /// The percent complete (default: 100 when reported done, else 0).
    pub fn percent(mut self, percent: i16) -> Self {
        self.percent = Some(percent);
        self
    }

    /// The deadline, also the original one.
    pub fn deadline(mut self, deadline: NaiveDate) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Reminded `count` times (more than three on an overdue task: the overdue scan marks it
    /// for the briefing).
    pub fn reminded(mut self, count: i32) -> Self {
        self.reminders = count;
        self
    }

    /// Last updated `days` days ago (the stale scan marks it after the configured days).
    pub fn untouched_for(mut self, days: i64) -> Self {
        self.untouched_days = days;
        self
    }

    /// A coordinating unit and what it does.
    pub fn coordinator(mut self, unit: i64, role: &str) -> Self {
        self.coordinators.push((unit, role.to_owned()));
        self
    }

    /// An officer who follows the task.
    pub fn assignee(mut self, user: i64) -> Self {
        self.assignees.push(user);
        self
    }

    /// Inserts the task, its coordinating units and officers; its id.
    pub async fn create(self) -> i64 {
        let (shortcoming, lead) = self.shortcoming_and_lead().await;
        let done = self.status == "done";
        let completed_on = done.then(|| self.completed_on.unwrap_or(self.app.state.today()));
        let percent = self.percent.unwrap_or(match self.status {
            "done" | "pending_confirmation" => 100,
            _ => 0,
        });
        let task: i64 = sqlx::query_scalar(
            // As the portal numbers them (TT-05.07), without cutting a number past 99 short.
            "with next as (
                 select s.id, s.code,
                        (coalesce(max(substring(t.code from '\\.(\\d+)$')::int), 0) + 1)::text as n
                 from shortcomings s left join tasks t on t.shortcoming_id = s.id
                 where s.id = $1 group by s.id)
             insert into tasks (code, shortcoming_id, title, description, lead_unit_id,
                                original_deadline, deadline, status, percent_complete,
                                completed_on, reminder_count, last_update_at, plan_id)
             select code || '.' || lpad(n, greatest(2, length(n)), '0'), id, $2, $3, $4, $5, $5,
                    $6::task_status, $7, $8, $9, $10, $11
             from next
             returning id",
        )
        .bind(shortcoming)
        .bind(&self.title)
        .bind(&self.description)
        .bind(lead)
        .bind(self.deadline)
        .bind(self.status)
        .bind(percent)
        .bind(completed_on)
        .bind(self.reminders)
        .bind(self.app.clock.now() - Duration::days(self.untouched_days))
        .bind(self.plan)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("task {}: {e}", self.title));
        self.insert_people(task).await;
        task
    }

    /// The coordinating units and the officers who follow `task`.
    async fn insert_people(&self, task: i64) {
        let (units, roles): (Vec<i64>, Vec<String>) = self.coordinators.iter().cloned().unzip();
        sqlx::query(
            "insert into task_coordinators (task_id, unit_id, role_text)
             select $1, * from unnest($2::bigint[], $3::text[])",
        )
        .bind(task)
        .bind(units)
        .bind(roles)
        .execute(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("coordinators of task {task}: {e}"));
        sqlx::query(
            "insert into task_assignees (task_id, user_id) select $1, unnest($2::bigint[])",
        )
        .bind(task)
        .bind(&self.assignees)
        .execute(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("officers of task {task}: {e}"));
    }

    /// The shortcoming given, or one made for the lead unit; the lead given, or its lead.
    async fn shortcoming_and_lead(&self) -> (i64, i64) {
        match (self.shortcoming, self.lead) {
            (Some(shortcoming), Some(lead)) => (shortcoming, lead),
            (Some(shortcoming), None) => {
                let sql = format!("select lead_unit_id from shortcomings where id = {shortcoming}");
                (shortcoming, scalar(self.app, &sql).await)
            }
            (None, Some(lead)) => {
                let number: i64 = scalar(self.app, "select count(*) + 1 from shortcomings").await;
                let code = format!("TT-{number:02}");
                (shortcoming(self.app, &code, lead).create().await, lead)
            }
            (None, None) => panic!("a task needs .lead(unit) or .shortcoming(id)"),
        }
    }
}

/// An entry of `task`'s history: `kind` (`progress`, `confirmed`, `returned`, `assignment`…)
/// written by `author` for the task's lead unit, now unless told otherwise. The task itself
/// is left as it was built.
pub fn update<'a>(
    app: &'a TestApp,
    task: i64,
    author: i64,
    kind: &'static str,
) -> UpdateBuilder<'a> {
    UpdateBuilder {
        app,
        task,
        author,
        kind,
        statuses: (None, None),
        percent: None,
        note: String::new(),
        days_ago: 0,
    }
}

/// See [`update`].
pub struct UpdateBuilder<'a> {
    app: &'a TestApp,
    task: i64,
    author: i64,
    kind: &'static str,
    statuses: (Option<&'static str>, Option<&'static str>),
    percent: Option<i16>,
    note: String,
    days_ago: i64,
}

impl UpdateBuilder<'_> {
    /// The task's status before and after it.
    pub fn status(mut self, before: &'static str, after: &'static str) -> Self {
        self.statuses = (Some(before), Some(after));
        self
    }

    /// The percent complete it reports.
    pub fn percent(mut self, percent: i16) -> Self {
        self.percent = Some(percent);
        self
    }

    /// What it says.
    pub fn note(mut self, note: &str) -> Self {
        self.note = note.to_owned();
        self
    }

    /// Written `days` days ago.
    pub fn days_ago(mut self, days: i64) -> Self {
        self.days_ago = days;
        self
    }

    /// Inserts the entry; its id.
    pub async fn create(self) -> i64 {
        sqlx::query_scalar(
            "insert into task_updates (task_id, unit_id, author_id, kind, status_before,
                                       status_after, percent, note, created_at)
             select id, lead_unit_id, $2, $3::task_update_kind, $4::task_status,
                    $5::task_status, $6, $7, $8
             from tasks where id = $1
             returning id",
        )
        .bind(self.task)
        .bind(self.author)
        .bind(self.kind)
        .bind(self.statuses.0)
        .bind(self.statuses.1)
        .bind(self.percent)
        .bind(&self.note)
        .bind(self.app.clock.now() - Duration::days(self.days_ago))
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("{} on task {}: {e}", self.kind, self.task))
    }
}

/// A request by `requested_by` to move `task`'s deadline (it needs one) to `proposed`,
/// pending unless decided.
pub fn extension(
    app: &TestApp,
    task: i64,
    requested_by: i64,
    proposed: NaiveDate,
) -> ExtensionBuilder<'_> {
    ExtensionBuilder {
        app,
        task,
        requested_by,
        proposed,
        approved_by: None,
    }
}

/// See [`extension`].
pub struct ExtensionBuilder<'a> {
    app: &'a TestApp,
    task: i64,
    requested_by: i64,
    proposed: NaiveDate,
    approved_by: Option<i64>,
}

impl ExtensionBuilder<'_> {
    /// Approved by `reviewer`: the task's deadline moves to the proposed one, its original
    /// deadline stays, as the portal approves.
    pub fn approved_by(mut self, reviewer: i64) -> Self {
        self.approved_by = Some(reviewer);
        self
    }

    /// Inserts the request (and moves the deadline when approved); its id.
    pub async fn create(self) -> i64 {
        let status = if self.approved_by.is_some() {
            "approved"
        } else {
            "pending"
        };
        let request: i64 = sqlx::query_scalar(
            "insert into extension_requests (task_id, requested_by, deadline_before,
                                             proposed_deadline, reason, doc_number, status,
                                             decided_by, decided_at, created_at)
             select id, $2, deadline, $3, 'Cần thêm thời gian để hoàn thiện hồ sơ.',
                    '125/BC-ĐV', $4::extension_status, $5,
                    case when $5::bigint is not null then $6 end, $6 - interval '1 day'
             from tasks where id = $1
             returning id",
        )
        .bind(self.task)
        .bind(self.requested_by)
        .bind(self.proposed)
        .bind(status)
        .bind(self.approved_by)
        .bind(self.app.clock.now())
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("extension of task {}: {e}", self.task));
        if self.approved_by.is_some() {
            sqlx::query(
                "update tasks set deadline = $2, row_version = row_version + 1 where id = $1",
            )
            .bind(self.task)
            .bind(self.proposed)
            .execute(&self.app.pool)
            .await
            .unwrap_or_else(|e| panic!("deadline of task {}: {e}", self.task));
        }
        request
    }
}

/// A report regime named `name` for periods of `period` (`quarter`, `month`…), closed on the
/// 14th, due one working day later, owed by the units that lead tasks, opening reports from
/// the period that takes in `first_period_start`.
pub fn regime<'a>(
    app: &'a TestApp,
    name: &str,
    period: &'static str,
    first_period_start: NaiveDate,
) -> RegimeBuilder<'a> {
    RegimeBuilder {
        app,
        name: name.to_owned(),
        period,
        first_period_start,
        due_working_days: 1,
        coordinators_report: false,
        chosen: None,
    }
}

/// See [`regime`].
pub struct RegimeBuilder<'a> {
    app: &'a TestApp,
    name: String,
    period: &'static str,
    first_period_start: NaiveDate,
    due_working_days: i16,
    coordinators_report: bool,
    chosen: Option<Vec<i64>>,
}

impl RegimeBuilder<'_> {
    /// Due `days` working days after the cut-off.
    pub fn due_after(mut self, days: i16) -> Self {
        self.due_working_days = days;
        self
    }

    /// Owed by the coordinating units of tasks too.
    pub fn coordinators_report(mut self) -> Self {
        self.coordinators_report = true;
        self
    }

    /// Owed by `units` alone.
    pub fn chosen(mut self, units: &[i64]) -> Self {
        self.chosen = Some(units.to_vec());
        self
    }

    pub async fn create(self) -> i64 {
        let owed_by = if self.chosen.is_some() {
            "chosen_units"
        } else {
            "task_units"
        };
        let regime: i64 = sqlx::query_scalar(
            "insert into report_regimes (name, period, due_working_days, owed_by,
                                         coordinators_report, first_period_start)
             values ($1, $2::report_period, $3, $4::report_owners, $5, $6) returning id",
        )
        .bind(&self.name)
        .bind(self.period)
        .bind(self.due_working_days)
        .bind(owed_by)
        .bind(self.coordinators_report)
        .bind(self.first_period_start)
        .fetch_one(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("regime {}: {e}", self.name));
        sqlx::query(
            "insert into report_regime_units (regime_id, unit_id)
             select $1, unnest($2::bigint[])",
        )
        .bind(regime)
        .bind(self.chosen.unwrap_or_default())
        .execute(&self.app.pool)
        .await
        .unwrap_or_else(|e| panic!("units of regime {regime}: {e}"));
        regime
    }
}
