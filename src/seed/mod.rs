//! Demo data: Hanoi's units, users of every role, the 33 shortcomings, plans and about 400
//! tasks whose deadlines lie around today, so that every timeliness class occurs, each with a
//! plausible history. Deterministic: a fixed seed drives every choice, so the same day gives
//! the same data. What the data is made of (units, fields, sources, shortcomings and their
//! measures, names, notes) is in the repository's `demo/*.toml` files, read by [`catalog`].

pub mod bench;
pub mod catalog;
pub mod rng;

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};

use crate::db;
use crate::domain::dates::city_today;
use crate::domain::password;
use crate::domain::periods::{CutoffDay, Period};
use crate::domain::reports::ReportOwners;
use crate::domain::{Role, TaskStatus, TaskUpdateKind, UnitKind};
use crate::jobs::{self, flags};

use catalog::{CITY_OFFICE, Catalog, Source, Unit};
use rng::Rng;

/// `app_meta` key recording that (and when) the demo data was loaded.
pub const DEMO_MARKER: &str = "demo_data_loaded";
/// The password of every demo account (printed at startup; change it for real use).
pub const DEMO_PASSWORD: &str = "KhacPhuc@2019";
/// The fixed seed behind every random choice.
const SEED: u64 = 0x0033_2019_0315;

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub units: usize,
    pub users: usize,
    pub shortcomings: usize,
    pub plans: usize,
    pub tasks: usize,
    pub updates: usize,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Demo data loaded: {} units, {} users, {} shortcomings, {} plans, {} tasks, {} updates.",
            self.units, self.users, self.shortcomings, self.plans, self.tasks, self.updates
        )
    }
}

/// The accounts to try, one per role (and a head and an officer of a district), for the
/// startup banner.
pub async fn demo_sign_ins(pool: &PgPool) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select u.username, u.title, un.short_name from users u join units un on un.id = u.unit_id
         where u.username = any($1) order by array_position($1, u.username)",
    )
    .bind(vec![
        "admin",
        "vp.chuyenvien",
        "stnmt.lanhdao",
        "stnmt.cb1",
        "badinh.lanhdao",
        "badinh.cb1",
        "giamsat",
    ])
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(username, title, unit)| (username, format!("{title}, {unit}")))
        .collect())
}

/// Loads the demo data into an empty database, in one transaction, as of `now`; then brings
/// the overdue and stale flags up to date and opens the current periods' reports, as the
/// background jobs would.
pub async fn load_demo(
    pool: &PgPool,
    now: DateTime<Utc>,
    tz: Tz,
    stale_days: i32,
) -> anyhow::Result<DemoSummary> {
    let catalog = Catalog::embedded()?;
    let password_hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let today = city_today(now, tz);
    let mut tx = pool.begin().await?;
    let mut loader = Loader {
        conn: &mut tx,
        catalog: &catalog,
        rng: Rng::new(SEED),
        today,
        now,
        tz,
        password_hash,
        units: HashMap::new(),
        heads: HashMap::new(),
        officers: HashMap::new(),
        reviewer: 0,
        summary: DemoSummary::default(),
    };
    loader.load().await?;
    let summary = loader.summary.clone();
    db::set_meta(&mut *tx, DEMO_MARKER, &today.to_string()).await?;
    tx.commit().await?;
    flags::flag_overdue(pool, today).await?;
    flags::flag_stale(pool, now, stale_days).await?;
    jobs::reports::open_periods(pool, today).await?;
    Ok(summary)
}

struct Loader<'a> {
    conn: &'a mut PgConnection,
    /// The lists the data is made of.
    catalog: &'a Catalog,
    rng: Rng,
    today: NaiveDate,
    /// When the data is loaded: no event of the demo history is later.
    now: DateTime<Utc>,
    tz: Tz,
    /// Every demo account shares the demo password, so it is hashed once.
    password_hash: String,
    units: HashMap<&'a str, i64>,
    heads: HashMap<i64, i64>,
    officers: HashMap<i64, Vec<i64>>,
    reviewer: i64,
    summary: DemoSummary,
}

/// How a generated task stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    DoneOnTime,
    DoneLate,
    Overdue,
    DueSoon,
    OnTrack,
    NoDeadline,
}

impl<'a> Loader<'a> {
    async fn load(&mut self) -> anyhow::Result<()> {
        self.load_units().await?;
        self.load_users().await?;
        let fields = self.load_fields().await?;
        let sources = self.load_sources().await?;
        let plans = self.load_plans().await?;
        self.load_shortcomings_and_tasks(&fields, &sources, &plans)
            .await?;
        self.load_report_regimes().await?;
        Ok(())
    }

    /// The working-day calendar and the report regimes, asking for reports from the period
    /// the day of loading falls in.
    async fn load_report_regimes(&mut self) -> anyhow::Result<()> {
        for day in &self.catalog.days {
            db::calendar::set_day(&mut *self.conn, day.date, day.kind, &day.name).await?;
        }
        for regime in &self.catalog.regimes {
            let cutoff = CutoffDay::new(regime.cutoff_day).unwrap_or(CutoffDay::DEFAULT);
            let current = Period::containing(regime.period, self.today, cutoff);
            let new = db::reports::RegimeValues {
                name: regime.name.clone(),
                period: regime.period,
                cutoff_day: cutoff.get(),
                due_working_days: regime.due_working_days,
                owed_by: ReportOwners::TaskUnits,
                coordinators_report: regime.coordinators,
                first_period_start: current.start(cutoff),
                active: true,
                units: Vec::new(),
            };
            db::reports::insert_regime(&mut *self.conn, &new).await?;
        }
        Ok(())
    }

    async fn load_units(&mut self) -> anyhow::Result<()> {
        let units = &self.catalog.units;
        for (order, unit) in units.iter().enumerate() {
            let parent = unit.parent.as_deref().map(|code| self.units[code]);
            let id: i64 = sqlx::query_scalar(
                "insert into units (code, name, short_name, kind, parent_id, sort_order)
                 values ($1, $2, $3, $4, $5, $6) returning id",
            )
            .bind(&unit.code)
            .bind(&unit.name)
            .bind(&unit.short_name)
            .bind(unit.kind)
            .bind(parent)
            .bind(order as i32)
            .fetch_one(&mut *self.conn)
            .await?;
            self.units.insert(&unit.code, id);
        }
        self.summary.units = units.len();
        Ok(())
    }

    fn person(&mut self) -> String {
        let names = &self.catalog.names;
        let family = self.rng.pick(&names.family);
        let middle = self.rng.pick(&names.middle);
        let given = self.rng.pick(&names.given);
        format!("{family} {middle} {given}")
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_user(
        &mut self,
        username: &str,
        full_name: &str,
        title: &str,
        unit: i64,
        role: Role,
    ) -> anyhow::Result<i64> {
        let email = format!("{}@demo.hanoi.gov.vn", username.replace('.', "_"));
        let id: i64 = sqlx::query_scalar(
            "insert into users (username, full_name, title, email, unit_id, role, password_hash)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(username)
        .bind(full_name)
        .bind(title)
        .bind(email)
        .bind(unit)
        .bind(role)
        .bind(&self.password_hash)
        .fetch_one(&mut *self.conn)
        .await?;
        self.summary.users += 1;
        Ok(id)
    }

    async fn load_users(&mut self) -> anyhow::Result<()> {
        let city_office = self.units[CITY_OFFICE];
        let name = self.person();
        self.insert_user(
            "admin",
            &name,
            "Quản trị hệ thống",
            city_office,
            Role::Admin,
        )
        .await?;
        let name = self.person();
        self.reviewer = self
            .insert_user(
                "vp.chuyenvien",
                &name,
                "Chuyên viên theo dõi",
                city_office,
                Role::CityReviewer,
            )
            .await?;
        let name = self.person();
        self.insert_user(
            "vp.lanhdao",
            &name,
            "Phó Chánh Văn phòng",
            city_office,
            Role::CityReviewer,
        )
        .await?;
        let name = self.person();
        self.insert_user(
            "giamsat",
            &name,
            "Đại biểu giám sát (chỉ xem)",
            city_office,
            Role::Viewer,
        )
        .await?;
        self.heads.insert(city_office, self.reviewer);
        self.officers.insert(city_office, vec![self.reviewer]);

        let catalog = self.catalog;
        for unit in catalog.units.iter().filter(|u| {
            matches!(
                u.kind,
                UnitKind::Department | UnitKind::District | UnitKind::Division
            )
        }) {
            let id = self.units[unit.code.as_str()];
            let login = unit.code.to_ascii_lowercase();
            let name = self.person();
            let head = self
                .insert_user(
                    &format!("{login}.lanhdao"),
                    &name,
                    &unit.head_title,
                    id,
                    Role::UnitHead,
                )
                .await?;
            self.heads.insert(id, head);
            let officers = if unit.kind == UnitKind::Division {
                1
            } else {
                2
            };
            let mut ids = Vec::new();
            for n in 1..=officers {
                let name = self.person();
                ids.push(
                    self.insert_user(
                        &format!("{login}.cb{n}"),
                        &name,
                        "Chuyên viên",
                        id,
                        Role::Officer,
                    )
                    .await?,
                );
            }
            self.officers.insert(id, ids);
        }
        Ok(())
    }

    async fn load_fields(&mut self) -> anyhow::Result<HashMap<&'a str, i64>> {
        let mut fields = HashMap::new();
        for (order, field) in self.catalog.fields.iter().enumerate() {
            let id: i64 = sqlx::query_scalar(
                "insert into fields (code, name_vi, name_en, sort_order) values ($1, $2, $3, $4)
                 returning id",
            )
            .bind(&field.code)
            .bind(&field.name_vi)
            .bind(&field.name_en)
            .bind(order as i32)
            .fetch_one(&mut *self.conn)
            .await?;
            fields.insert(field.code.as_str(), id);
        }
        Ok(fields)
    }

    async fn load_sources(&mut self) -> anyhow::Result<HashMap<&'a str, i64>> {
        let mut sources = HashMap::new();
        for source in &self.catalog.sources {
            let id = insert_source(&mut *self.conn, source, self.reviewer, "demo document").await?;
            sources.insert(source.key.as_str(), id);
        }
        Ok(sources)
    }

    /// One plan per department and district (and the City office): most issued on time in
    /// March 2019, a few late, two not issued at all.
    async fn load_plans(&mut self) -> anyhow::Result<HashMap<i64, i64>> {
        let deadline = date(2019, 3, 31);
        let mut plans = HashMap::new();
        let planning_units: Vec<&Unit> = self
            .catalog
            .units
            .iter()
            .filter(|u| u.kind != UnitKind::Division)
            .collect();
        for (n, unit) in planning_units.iter().enumerate() {
            let unit_id = self.units[unit.code.as_str()];
            let issued = match n % 17 {
                5 => Some(deadline + Duration::days(self.rng.range(5, 40))),
                11 if n > 30 => None,
                _ => Some(deadline - Duration::days(self.rng.range(0, 16))),
            };
            let number = format!("{}/KH-{}", 20 + n * 3, unit.code.replace('.', "-"));
            let id: i64 = sqlx::query_scalar(
                "insert into plans (unit_id, doc_number, title, issue_deadline, issued_on)
                 values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(unit_id)
            .bind(issued.map(|_| number))
            .bind(format!(
                "Kế hoạch của {} khắc phục tồn tại, hạn chế theo Kế hoạch số 68/KH-UBND của UBND Thành phố",
                unit.name
            ))
            .bind(deadline)
            .bind(issued)
            .fetch_one(&mut *self.conn)
            .await?;
            plans.insert(unit_id, id);
            self.summary.plans += 1;
        }
        Ok(plans)
    }

    async fn load_shortcomings_and_tasks(
        &mut self,
        fields: &HashMap<&'a str, i64>,
        sources: &HashMap<&'a str, i64>,
        plans: &HashMap<i64, i64>,
    ) -> anyhow::Result<()> {
        let catalog = self.catalog;
        // "trên địa bàn quận Cầu Giấy", not "… UBND quận Cầu Giấy".
        let unit_names: HashMap<&str, &str> = catalog
            .units
            .iter()
            .map(|u| (u.code.as_str(), u.name.trim_start_matches("UBND ")))
            .collect();

        for shortcoming in &catalog.shortcomings {
            let shortcoming_id = self
                .insert_shortcoming(shortcoming, fields, sources)
                .await?;
            // One task per measure and lead unit, numbered after the shortcoming.
            let leads = shortcoming
                .measures
                .iter()
                .flat_map(|m| m.leads.iter().map(move |lead| (m, lead.as_str())));
            for (n, (measure, lead)) in leads.enumerate() {
                let code = format!("{}.{:02}", shortcoming.code, n + 1);
                let title = measure.title.replace("{unit}", unit_names[lead]);
                let lead_id = self.units[lead];
                let plan = plans.get(&lead_id).copied();
                let (task, window) = self
                    .insert_task(
                        shortcoming_id,
                        plan,
                        &code,
                        &title,
                        &measure.expected,
                        lead_id,
                    )
                    .await?;
                if let Some(plan) = plan {
                    sqlx::query(
                        "insert into plan_shortcomings (plan_id, shortcoming_id) values ($1, $2)
                         on conflict do nothing",
                    )
                    .bind(plan)
                    .bind(shortcoming_id)
                    .execute(&mut *self.conn)
                    .await?;
                }
                self.add_coordinators(task, lead, &measure.coordinators, window)
                    .await?;
            }
        }
        Ok(())
    }

    /// Inserts a shortcoming with its sources; returns its id.
    async fn insert_shortcoming(
        &mut self,
        shortcoming: &catalog::Shortcoming,
        fields: &HashMap<&'a str, i64>,
        sources: &HashMap<&'a str, i64>,
    ) -> anyhow::Result<i64> {
        let shortcoming_id: i64 = sqlx::query_scalar(
            "insert into shortcomings (code, title, description, field_id, lead_unit_id, year_identified)
             values ($1, $2, $3, $4, $5, 2019) returning id",
        )
        .bind(&shortcoming.code)
        .bind(&shortcoming.title)
        .bind(&shortcoming.description)
        .bind(fields[shortcoming.field.as_str()])
        .bind(self.units[shortcoming.lead.as_str()])
        .fetch_one(&mut *self.conn)
        .await?;
        for key in &shortcoming.sources {
            sqlx::query(
                "insert into shortcoming_sources (shortcoming_id, source_id) values ($1, $2)",
            )
            .bind(shortcoming_id)
            .bind(sources[key.as_str()])
            .execute(&mut *self.conn)
            .await?;
        }
        self.summary.shortcomings += 1;
        Ok(shortcoming_id)
    }

    async fn add_coordinators(
        &mut self,
        task: i64,
        lead: &str,
        candidates: &[String],
        (from, to): (NaiveDate, NaiveDate),
    ) -> anyhow::Result<()> {
        let mut candidates: Vec<&str> = candidates
            .iter()
            .map(String::as_str)
            .filter(|c| *c != lead)
            .collect();
        self.rng.shuffle(&mut candidates);
        let count = self.rng.range(0, candidates.len().min(3) as i64 + 1) as usize;
        for code in candidates
            .into_iter()
            .take(count.max(usize::from(self.rng.chance(0.6))))
        {
            let unit_id = self.units[code];
            sqlx::query(
                "insert into task_coordinators (task_id, unit_id, role_text) values ($1, $2, $3)",
            )
            .bind(task)
            .bind(unit_id)
            .bind(if unit_id == self.units[CITY_OFFICE] {
                "Theo dõi, tổng hợp, báo cáo UBND Thành phố"
            } else {
                "Phối hợp, hướng dẫn chuyên môn"
            })
            .execute(&mut *self.conn)
            .await?;
            if self.rng.chance(0.4) {
                let author = self.officers[&unit_id][0];
                // Between the assignment and the task's last update.
                let day = from + Duration::days(self.rng.range(1, (to - from).num_days().max(2)));
                let at = self.instant(day);
                let catalog = self.catalog;
                let note = self.rng.pick(&catalog.notes.contribution);
                self.insert_update(
                    task,
                    unit_id,
                    author,
                    TaskUpdateKind::Contribution,
                    None,
                    None,
                    None,
                    note,
                    at,
                )
                .await?;
            }
        }
        Ok(())
    }

    fn pick_class(&mut self) -> Class {
        let roll = self.rng.range(0, 100);
        match roll {
            0..22 => Class::DoneOnTime,
            22..32 => Class::DoneLate,
            32..49 => Class::Overdue,
            49..60 => Class::DueSoon,
            60..91 => Class::OnTrack,
            _ => Class::NoDeadline,
        }
    }

    /// A moment during office hours of `day`, in the City's time zone.
    fn instant(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let minutes = self.rng.range(8 * 60, 17 * 60) as u32;
        let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default();
        let at = self
            .tz
            .from_local_datetime(&day.and_time(time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(time)));
        // Today's office hours may not have come yet.
        at.min(self.now - chrono::Duration::minutes(1))
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_task(
        &mut self,
        shortcoming: i64,
        plan: Option<i64>,
        code: &str,
        title: &str,
        expected: &str,
        lead: i64,
    ) -> anyhow::Result<(i64, (NaiveDate, NaiveDate))> {
        let today = self.today;
        let class = self.pick_class();
        let created_day = today - Duration::days(self.rng.range(200, 800));
        let (deadline, completed_on): (Option<NaiveDate>, Option<NaiveDate>) = match class {
            Class::DoneOnTime => {
                let d = today - Duration::days(self.rng.range(10, 180));
                (Some(d), Some(d - Duration::days(self.rng.range(0, 30))))
            }
            Class::DoneLate => {
                let d = today - Duration::days(self.rng.range(40, 180));
                (Some(d), Some(d + Duration::days(self.rng.range(1, 35))))
            }
            Class::Overdue => (Some(today - Duration::days(self.rng.range(1, 240))), None),
            Class::DueSoon => (Some(today + Duration::days(self.rng.range(0, 8))), None),
            Class::OnTrack => (Some(today + Duration::days(self.rng.range(8, 400))), None),
            Class::NoDeadline => (None, None),
        };
        let done = completed_on.is_some();
        // About one open task in eight was given more time by an approved extension.
        let extended =
            !done && deadline.is_some() && class != Class::Overdue && self.rng.chance(0.12);
        let original_deadline = if extended {
            deadline.map(|d| d - Duration::days(self.rng.range(30, 120)))
        } else {
            deadline
        };
        // Open tasks: a share has had no update for more than a month (stale).
        let stale = !done && self.rng.chance(0.12);
        let last_update_day = match (completed_on, stale) {
            (Some(c), _) => c,
            (None, true) => today - Duration::days(self.rng.range(35, 150)),
            (None, false) => today - Duration::days(self.rng.range(0, 25)),
        };
        let status = if done {
            TaskStatus::Done
        } else {
            match (class, self.rng.range(0, 100)) {
                (Class::Overdue, 0..15) | (Class::OnTrack, 0..6) => TaskStatus::NeedsDirection,
                (Class::DueSoon | Class::OnTrack, 0..12) => TaskStatus::PendingConfirmation,
                (Class::Overdue, 15..40) | (_, 0..18) => TaskStatus::NotStarted,
                _ => TaskStatus::InProgress,
            }
        };
        let percent: i16 = match status {
            TaskStatus::Done | TaskStatus::PendingConfirmation => 100,
            TaskStatus::NotStarted => 0,
            _ => (self.rng.range(1, 19) * 5) as i16,
        };
        let leader = format!(
            "Đ/c {} – {}",
            self.person(),
            if lead == self.units[CITY_OFFICE] {
                "Phó Chủ tịch UBND Thành phố"
            } else {
                "Phó thủ trưởng đơn vị"
            }
        );
        let created_at = self.instant(created_day);
        let task: i64 = sqlx::query_scalar(
            "insert into tasks (code, shortcoming_id, plan_id, title, description, expected_result,
                                lead_unit_id, leader_in_charge, original_deadline, deadline, status,
                                percent_complete, completed_on, created_by, created_at, last_update_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
             returning id",
        )
        .bind(code)
        .bind(shortcoming)
        .bind(plan)
        .bind(title)
        .bind(format!(
            "Nhiệm vụ thuộc Kế hoạch số 68/KH-UBND của UBND Thành phố. {}",
            "Đơn vị chủ trì chịu trách nhiệm tổ chức thực hiện, báo cáo kết quả định kỳ hằng quý."
        ))
        .bind(expected)
        .bind(lead)
        .bind(leader)
        .bind(original_deadline)
        .bind(deadline)
        .bind(status)
        .bind(percent)
        .bind(completed_on)
        .bind(self.reviewer)
        .bind(created_at)
        .fetch_one(&mut *self.conn)
        .await?;
        self.summary.tasks += 1;

        let city_office = self.units[CITY_OFFICE];
        self.insert_update(
            task,
            city_office,
            self.reviewer,
            TaskUpdateKind::Created,
            None,
            Some(TaskStatus::NotStarted),
            Some(0),
            "Giao nhiệm vụ theo Kế hoạch số 68/KH-UBND.",
            created_at,
        )
        .await?;

        let head = self.heads[&lead];
        let officers = self.officers[&lead].clone();
        let assignee = officers[self.rng.range(0, officers.len() as i64) as usize];
        let assigned_at = created_at + Duration::days(self.rng.range(1, 10));
        sqlx::query(
            "insert into task_assignees (task_id, user_id, assigned_by, created_at) values ($1, $2, $3, $4)",
        )
        .bind(task)
        .bind(assignee)
        .bind(head)
        .bind(assigned_at)
        .execute(&mut *self.conn)
        .await?;
        self.insert_update(
            task,
            lead,
            head,
            TaskUpdateKind::Assignment,
            None,
            None,
            None,
            "Phân công cán bộ theo dõi, thực hiện.",
            assigned_at,
        )
        .await?;

        // Progress reports between the assignment and the last update.
        let last_update_at = self
            .instant(last_update_day)
            .max(assigned_at + Duration::hours(1));
        if status != TaskStatus::NotStarted {
            let steps = self.rng.range(1, 4);
            let span = (last_update_at - assigned_at).num_minutes().max(steps * 60);
            let mut before = TaskStatus::NotStarted;
            for step in 1..=steps {
                let at = assigned_at + Duration::minutes(span * step / (steps + 1));
                let pct = ((i64::from(percent.max(10)) * step / (steps + 1)) / 5 * 5) as i16;
                let catalog = self.catalog;
                let note = self.rng.pick(&catalog.notes.progress);
                self.insert_update(
                    task,
                    lead,
                    assignee,
                    TaskUpdateKind::Progress,
                    Some(before),
                    Some(TaskStatus::InProgress),
                    Some(pct),
                    note,
                    at,
                )
                .await?;
                before = TaskStatus::InProgress;
            }
            self.finish_history(task, lead, assignee, head, status, percent, last_update_at)
                .await?;
        }

        if extended {
            self.add_extension(
                task,
                head,
                original_deadline,
                deadline,
                assigned_at,
                ExtensionOutcome::Approved,
            )
            .await?;
        } else if !done && deadline.is_some() && self.rng.chance(0.03) {
            let proposed = deadline.map(|d| d + Duration::days(self.rng.range(30, 90)));
            self.add_extension(
                task,
                head,
                deadline,
                proposed,
                last_update_at,
                ExtensionOutcome::Pending,
            )
            .await?;
        }
        if class == Class::Overdue && self.rng.chance(0.45) {
            let count = self.rng.range(1, 6);
            let first_day = deadline.unwrap_or(today) + Duration::days(1);
            for n in 0..count {
                let day = (first_day + Duration::days(n * 14)).min(today);
                let at = self.instant(day);
                sqlx::query(
                    "insert into reminders (task_id, sent_by, doc_number, message, created_at)
                     values ($1, $2, $3, $4, $5)",
                )
                .bind(task)
                .bind(self.reviewer)
                .bind(format!("{}/VP-TH", 1000 + self.rng.range(0, 8000)))
                .bind("Đề nghị đơn vị khẩn trương hoàn thành nhiệm vụ, báo cáo kết quả về Văn phòng UBND Thành phố.")
                .bind(at)
                .execute(&mut *self.conn)
                .await?;
            }
            // The briefing mark (overdue and reminded more than three times) is set by the
            // overdue scan that runs after loading.
            sqlx::query("update tasks set reminder_count = $2 where id = $1")
                .bind(task)
                .bind(count as i32)
                .execute(&mut *self.conn)
                .await?;
        }
        sqlx::query("update tasks set last_update_at = $2 where id = $1")
            .bind(task)
            .bind(if status == TaskStatus::NotStarted {
                assigned_at
            } else {
                last_update_at
            })
            .execute(&mut *self.conn)
            .await?;
        let window_end = if status == TaskStatus::NotStarted {
            today
        } else {
            last_update_day
        };
        Ok((
            task,
            (assigned_at.with_timezone(&self.tz).date_naive(), window_end),
        ))
    }

    /// The last entries of a task's history, which bring it to its current status.
    #[allow(clippy::too_many_arguments)]
    async fn finish_history(
        &mut self,
        task: i64,
        lead: i64,
        assignee: i64,
        head: i64,
        status: TaskStatus,
        percent: i16,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        match status {
            TaskStatus::Done => {
                let reported = at - Duration::days(self.rng.range(1, 5));
                self.insert_update(
                    task,
                    lead,
                    assignee,
                    TaskUpdateKind::Progress,
                    Some(TaskStatus::InProgress),
                    Some(TaskStatus::PendingConfirmation),
                    Some(100),
                    "Đã hoàn thành nhiệm vụ, đề nghị xác nhận.",
                    reported,
                )
                .await?;
                self.insert_update(
                    task,
                    lead,
                    head,
                    TaskUpdateKind::Confirmed,
                    Some(TaskStatus::PendingConfirmation),
                    Some(TaskStatus::Done),
                    Some(100),
                    "Xác nhận hoàn thành.",
                    at,
                )
                .await?;
            }
            TaskStatus::PendingConfirmation => {
                self.insert_update(
                    task,
                    lead,
                    assignee,
                    TaskUpdateKind::Progress,
                    Some(TaskStatus::InProgress),
                    Some(TaskStatus::PendingConfirmation),
                    Some(100),
                    "Đã hoàn thành nhiệm vụ, đề nghị xác nhận.",
                    at,
                )
                .await?;
            }
            TaskStatus::NeedsDirection => {
                let catalog = self.catalog;
                let question = self.rng.pick(&catalog.notes.escalation);
                self.insert_update(
                    task,
                    lead,
                    head,
                    TaskUpdateKind::Progress,
                    Some(TaskStatus::InProgress),
                    Some(TaskStatus::NeedsDirection),
                    Some(percent),
                    question,
                    at,
                )
                .await?;
                sqlx::query(
                    "insert into escalations (task_id, raised_by, question, created_at) values ($1, $2, $3, $4)",
                )
                .bind(task)
                .bind(head)
                .bind(question)
                .bind(at)
                .execute(&mut *self.conn)
                .await?;
            }
            TaskStatus::InProgress => {
                let catalog = self.catalog;
                let note = self.rng.pick(&catalog.notes.progress);
                self.insert_update(
                    task,
                    lead,
                    assignee,
                    TaskUpdateKind::Progress,
                    Some(TaskStatus::InProgress),
                    Some(TaskStatus::InProgress),
                    Some(percent),
                    note,
                    at,
                )
                .await?;
            }
            TaskStatus::NotStarted => {}
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_update(
        &mut self,
        task: i64,
        unit: i64,
        author: i64,
        kind: TaskUpdateKind,
        before: Option<TaskStatus>,
        after: Option<TaskStatus>,
        percent: Option<i16>,
        note: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let update = crate::db::task_work::NewUpdate {
            task: crate::domain::TaskId(task),
            unit: crate::domain::UnitId(unit),
            author: crate::domain::UserId(author),
            kind,
            status_before: before,
            status_after: after,
            percent,
            note,
            deadline_after: None,
            at: Some(at),
        };
        crate::db::task_work::insert_update(&mut *self.conn, &update).await?;
        self.summary.updates += 1;
        Ok(())
    }

    async fn add_extension(
        &mut self,
        task: i64,
        head: i64,
        before: Option<NaiveDate>,
        proposed: Option<NaiveDate>,
        after: DateTime<Utc>,
        outcome: ExtensionOutcome,
    ) -> anyhow::Result<()> {
        let (Some(before), Some(proposed)) = (before, proposed) else {
            return Ok(());
        };
        let requested_at = after + Duration::days(self.rng.range(1, 10));
        let catalog = self.catalog;
        let reason = self.rng.pick(&catalog.notes.extension_reason);
        let doc = format!("{}/BC-ĐV", 100 + self.rng.range(0, 800));
        let (status, decided_by, decided_at, note) = match outcome {
            ExtensionOutcome::Approved => (
                crate::domain::ExtensionStatus::Approved,
                Some(self.reviewer),
                Some(requested_at + Duration::days(self.rng.range(2, 10))),
                "Đồng ý điều chỉnh thời hạn theo đề xuất của đơn vị.",
            ),
            ExtensionOutcome::Pending => (crate::domain::ExtensionStatus::Pending, None, None, ""),
        };
        sqlx::query(
            "insert into extension_requests (task_id, requested_by, deadline_before, proposed_deadline,
                                             reason, doc_number, status, decided_by, decided_at,
                                             decision_note, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(task)
        .bind(head)
        .bind(before)
        .bind(proposed)
        .bind(reason)
        .bind(doc)
        .bind(status)
        .bind(decided_by)
        .bind(decided_at)
        .bind(note)
        .bind(requested_at)
        .execute(&mut *self.conn)
        .await?;
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
enum ExtensionOutcome {
    Approved,
    Pending,
}

/// A valid one-page PDF showing `text` (ASCII), with a correct cross-reference table.
pub fn demo_pdf(text: &str) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Inserts one of the catalogue's source documents, with a stand-in PDF for its scan (so the
/// file links work) uploaded by `uploader`; `what` names the stand-in ("demo document").
pub async fn insert_source(
    conn: &mut sqlx::PgConnection,
    source: &Source,
    uploader: i64,
    what: &str,
) -> anyhow::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "insert into sources (kind, doc_number, doc_date, issuing_body, title)
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(source.kind)
    .bind(&source.doc_number)
    .bind(source.doc_date)
    .bind(&source.issuing_body)
    .bind(&source.title)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(number) = &source.doc_number {
        let pdf = demo_pdf(&format!("{number} - {what}"));
        let file_name = format!("{}.pdf", number.replace('/', "-"));
        let file = crate::db::files::NewFile {
            file_name: &file_name,
            content_type: "application/pdf",
            content: crate::db::files::Content::Bytes(&pdf),
        };
        crate::db::files::insert(
            &mut *conn,
            crate::db::files::FileOwner::Source(crate::domain::SourceId(id)),
            &file,
            crate::domain::UserId(uploader),
        )
        .await?;
    }
    Ok(id)
}
