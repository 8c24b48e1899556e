//! Queries about the units' remediation plans (kế hoạch khắc phục).

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};

use crate::domain::filter::PlanFilter;
use crate::domain::{PlanId, PlanStatus, ShortcomingId, UnitId};

/// A plan as lists and its page show it.
#[derive(Debug, Clone, FromRow)]
pub struct PlanRow {
    pub id: PlanId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub unit_short_name: String,
    pub doc_number: Option<String>,
    pub title: String,
    pub issue_deadline: NaiveDate,
    pub issued_on: Option<NaiveDate>,
    pub overdue: bool,
    pub overdue_since: Option<NaiveDate>,
}

impl PlanRow {
    pub fn status(&self, today: NaiveDate) -> PlanStatus {
        PlanStatus::of(self.issue_deadline, self.issued_on, self.overdue, today)
    }
}

/// A plan to choose from, with its unit (a task's plan must be its lead unit's).
#[derive(Debug, Clone, FromRow)]
pub struct PlanOption {
    pub id: PlanId,
    pub unit_id: UnitId,
    pub label: String,
}

/// Every plan, as the task form offers them.
pub async fn options(executor: impl PgExecutor<'_>) -> Result<Vec<PlanOption>, sqlx::Error> {
    sqlx::query_as(
        "select p.id, p.unit_id,
                u.short_name || ' — ' || coalesce(p.doc_number || ' — ', '') || left(p.title, 70) as label
         from plans p join units u on u.id = p.unit_id
         order by u.sort_order, u.short_name, p.id",
    )
    .fetch_all(executor)
    .await
}

const PLAN_COLUMNS: &str = "p.id, p.unit_id, u.name as unit_name, u.short_name as unit_short_name,
                            p.doc_number, p.title, p.issue_deadline, p.issued_on, p.overdue,
                            p.overdue_since";

/// Appends the conditions of `filter` (every value bound, never spliced into the SQL). The
/// status conditions are `PlanStatus::of` written in SQL; a test holds them to each other.
fn push_conditions(query: &mut QueryBuilder<'_, Postgres>, filter: &PlanFilter, today: NaiveDate) {
    query.push(" where true");
    if let Some(units) = &filter.units {
        query
            .push(" and p.unit_id = any(")
            .push_bind(units.clone())
            .push(")");
    }
    if let Some(unit) = filter.unit {
        query.push(" and p.unit_id = ").push_bind(unit);
    }
    if let Some(group) = filter.group {
        query
            .push(" and u.kind = any(")
            .push_bind(group.kinds())
            .push(")");
    }
    if let Some(shortcoming) = filter.shortcoming {
        query
            .push(" and exists (select 1 from plan_shortcomings ps where ps.plan_id = p.id and ps.shortcoming_id = ")
            .push_bind(shortcoming)
            .push(")");
    }
    match filter.status {
        None => {}
        Some(PlanStatus::IssuedOnTime) => {
            query.push(" and p.issued_on <= p.issue_deadline");
        }
        Some(PlanStatus::IssuedLate) => {
            query.push(" and p.issued_on > p.issue_deadline");
        }
        Some(PlanStatus::NotIssued) => {
            query
                .push(" and p.issued_on is null and not p.overdue and p.issue_deadline >= ")
                .push_bind(today);
        }
        Some(PlanStatus::Overdue) => {
            query
                .push(" and p.issued_on is null and (p.overdue or p.issue_deadline < ")
                .push_bind(today)
                .push(")");
        }
    }
    if let Some(text) = &filter.text {
        query
            .push(
                " and search_matches(coalesce(p.doc_number, '') || ' ' || p.title || ' ' || u.name
                                     || ' ' || u.short_name, ",
            )
            .push_bind(text.clone())
            .push(")");
    }
}

/// One page of plans (by unit, then deadline), and the number of all matches.
pub async fn list(
    executor: impl PgExecutor<'_> + Copy,
    filter: &PlanFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PlanRow>, i64), sqlx::Error> {
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "select {PLAN_COLUMNS} from plans p join units u on u.id = p.unit_id"
    ));
    push_conditions(&mut query, filter, today);
    query
        .push(" order by u.sort_order, u.short_name, p.issue_deadline desc, p.id limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset);
    let rows = query.build_query_as().fetch_all(executor).await?;

    let mut count = QueryBuilder::<Postgres>::new(
        "select count(*) from plans p join units u on u.id = p.unit_id",
    );
    push_conditions(&mut count, filter, today);
    let total: i64 = count.build_query_scalar().fetch_one(executor).await?;
    Ok((rows, total))
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    id: PlanId,
) -> Result<Option<PlanRow>, sqlx::Error> {
    let sql = format!(
        "select {PLAN_COLUMNS} from plans p join units u on u.id = p.unit_id where p.id = $1"
    );
    sqlx::query_as(&sql).bind(id).fetch_optional(executor).await
}

/// A shortcoming a plan remedies.
#[derive(Debug, Clone, FromRow)]
pub struct PlanShortcoming {
    pub id: ShortcomingId,
    pub code: String,
    pub title: String,
}

pub async fn shortcomings(
    executor: impl PgExecutor<'_>,
    id: PlanId,
) -> Result<Vec<PlanShortcoming>, sqlx::Error> {
    sqlx::query_as(
        "select s.id, s.code, s.title from plan_shortcomings ps
         join shortcomings s on s.id = ps.shortcoming_id
         where ps.plan_id = $1 order by s.code",
    )
    .bind(id)
    .fetch_all(executor)
    .await
}

/// Validated values of a plan form (also its audit snapshot).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanValues {
    pub unit_id: UnitId,
    pub doc_number: Option<String>,
    pub title: String,
    pub issue_deadline: NaiveDate,
    pub issued_on: Option<NaiveDate>,
    pub shortcomings: Vec<ShortcomingId>,
}

impl PlanValues {
    /// The values a saved plan has (the "before" of an update).
    pub fn of(plan: &PlanRow, shortcomings: &[PlanShortcoming]) -> Self {
        let mut ids: Vec<ShortcomingId> = shortcomings.iter().map(|s| s.id).collect();
        ids.sort();
        PlanValues {
            unit_id: plan.unit_id,
            doc_number: plan.doc_number.clone(),
            title: plan.title.clone(),
            issue_deadline: plan.issue_deadline,
            issued_on: plan.issued_on,
            shortcomings: ids,
        }
    }
}

pub async fn insert(executor: impl PgExecutor<'_>, v: &PlanValues) -> Result<PlanId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into plans (unit_id, doc_number, title, issue_deadline, issued_on)
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(v.unit_id)
    .bind(&v.doc_number)
    .bind(&v.title)
    .bind(v.issue_deadline)
    .bind(v.issued_on)
    .fetch_one(executor)
    .await
}

/// Saves a plan's values. The overdue flag is the overdue scan's to set and clear (with its
/// own audit entries); the status shown never depends on it alone.
pub async fn update(
    executor: impl PgExecutor<'_>,
    id: PlanId,
    v: &PlanValues,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update plans set unit_id = $2, doc_number = $3, title = $4, issue_deadline = $5,
                          issued_on = $6
         where id = $1",
    )
    .bind(id)
    .bind(v.unit_id)
    .bind(&v.doc_number)
    .bind(&v.title)
    .bind(v.issue_deadline)
    .bind(v.issued_on)
    .execute(executor)
    .await?;
    Ok(())
}

/// Makes `shortcomings` the plan's shortcomings: links no longer chosen go, new ones come,
/// the others are left as they are.
pub async fn replace_shortcomings(
    executor: impl PgExecutor<'_>,
    id: PlanId,
    shortcomings: &[ShortcomingId],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with gone as (
             delete from plan_shortcomings where plan_id = $1 and shortcoming_id <> all($2)
         )
         insert into plan_shortcomings (plan_id, shortcoming_id)
         select $1, unnest($2::bigint[])
         on conflict do nothing",
    )
    .bind(id)
    .bind(shortcomings)
    .execute(executor)
    .await?;
    Ok(())
}
