//! Queries about shortcomings (tồn tại, hạn chế).

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{FromRow, PgExecutor};

use crate::domain::{FieldId, ShortcomingId, SourceId, SourceKind, UnitId};
use crate::i18n::Lang;

/// A shortcoming with the progress of its tasks, for the list of the 33.
#[derive(Debug, Clone, FromRow)]
pub struct ShortcomingSummary {
    pub id: ShortcomingId,
    pub code: String,
    pub title: String,
    pub field_id: FieldId,
    pub field_name_vi: String,
    pub field_name_en: String,
    pub lead_unit_id: UnitId,
    pub lead_unit_name: String,
    pub tasks_total: i64,
    pub tasks_done: i64,
    pub tasks_overdue: i64,
    pub tasks_needs_direction: i64,
}

impl ShortcomingSummary {
    pub fn field_name(&self, lang: &Lang) -> &str {
        match lang {
            Lang::Vi => &self.field_name_vi,
            Lang::En => &self.field_name_en,
        }
    }

    /// Share of its tasks that are done, in whole percent.
    pub fn progress_percent(&self) -> i64 {
        percent(self.tasks_done, self.tasks_total)
    }
}

/// Whole percent of `part` in `whole` (0 when there is nothing to count).
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

/// All shortcomings in code order, each with its task counts.
/// Counts only the tasks of `units` when given.
pub async fn list_with_progress(
    executor: impl PgExecutor<'_>,
    units: Option<&[i64]>,
) -> Result<Vec<ShortcomingSummary>, sqlx::Error> {
    sqlx::query_as(
        "select s.id, s.code, s.title, s.field_id, f.name_vi as field_name_vi,
                f.name_en as field_name_en, s.lead_unit_id, u.short_name as lead_unit_name,
                coalesce(t.total, 0) as tasks_total, coalesce(t.done, 0) as tasks_done,
                coalesce(t.overdue, 0) as tasks_overdue,
                coalesce(t.needs_direction, 0) as tasks_needs_direction
         from shortcomings s
         join fields f on f.id = s.field_id
         join units u on u.id = s.lead_unit_id
         left join (
             select shortcoming_id, count(*) as total,
                    count(*) filter (where status = 'done') as done,
                    count(*) filter (where overdue) as overdue,
                    count(*) filter (where status = 'needs_direction') as needs_direction
             from tasks tk
             where $1::bigint[] is null or tk.lead_unit_id = any($1)
                or exists (select 1 from task_coordinators c where c.task_id = tk.id and c.unit_id = any($1))
             group by shortcoming_id
         ) t on t.shortcoming_id = s.id
         order by s.code",
    )
    .bind(units)
    .fetch_all(executor)
    .await
}

/// One shortcoming, for its page.
#[derive(Debug, Clone, FromRow)]
pub struct ShortcomingDetail {
    pub id: ShortcomingId,
    pub code: String,
    pub title: String,
    pub description: String,
    pub field_name_vi: String,
    pub field_name_en: String,
    pub lead_unit_id: UnitId,
    pub lead_unit_name: String,
    pub year_identified: i16,
}

impl ShortcomingDetail {
    pub fn field_name(&self, lang: &Lang) -> &str {
        match lang {
            Lang::Vi => &self.field_name_vi,
            Lang::En => &self.field_name_en,
        }
    }
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
) -> Result<Option<ShortcomingDetail>, sqlx::Error> {
    sqlx::query_as(
        "select s.id, s.code, s.title, s.description, f.name_vi as field_name_vi,
                f.name_en as field_name_en, s.lead_unit_id, u.name as lead_unit_name,
                s.year_identified
         from shortcomings s
         join fields f on f.id = s.field_id
         join units u on u.id = s.lead_unit_id
         where s.id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// A source document behind a shortcoming.
#[derive(Debug, Clone, FromRow)]
pub struct SourceRow {
    pub id: SourceId,
    pub kind: SourceKind,
    pub doc_number: Option<String>,
    pub doc_date: Option<NaiveDate>,
    pub issuing_body: String,
    pub title: String,
}

pub async fn sources(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
) -> Result<Vec<SourceRow>, sqlx::Error> {
    sqlx::query_as(
        "select so.id, so.kind, so.doc_number, so.doc_date, so.issuing_body, so.title
         from shortcoming_sources ss
         join sources so on so.id = ss.source_id
         where ss.shortcoming_id = $1
         order by so.doc_date nulls last, so.id",
    )
    .bind(id)
    .fetch_all(executor)
    .await
}

/// How one lead unit is doing on the tasks of a shortcoming.
#[derive(Debug, Clone, FromRow)]
pub struct UnitProgress {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub tasks_total: i64,
    pub tasks_done: i64,
    pub tasks_overdue: i64,
    pub avg_percent: i64,
}

impl UnitProgress {
    pub fn progress_percent(&self) -> i64 {
        percent(self.tasks_done, self.tasks_total)
    }
}

pub async fn progress_by_unit(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
    units: Option<&[i64]>,
) -> Result<Vec<UnitProgress>, sqlx::Error> {
    sqlx::query_as(
        "select u.id as unit_id, u.short_name as unit_name, count(*) as tasks_total,
                count(*) filter (where t.status = 'done') as tasks_done,
                count(*) filter (where t.overdue) as tasks_overdue,
                round(avg(t.percent_complete))::bigint as avg_percent
         from tasks t
         join units u on u.id = t.lead_unit_id
         where t.shortcoming_id = $1
           and ($2::bigint[] is null or t.lead_unit_id = any($2)
                or exists (select 1 from task_coordinators c where c.task_id = t.id and c.unit_id = any($2)))
         group by u.id
         order by u.sort_order, u.short_name",
    )
    .bind(id)
    .bind(units)
    .fetch_all(executor)
    .await
}

/// A shortcoming as its edit form starts from.
#[derive(Debug, Clone, FromRow)]
pub struct ShortcomingRecord {
    pub id: ShortcomingId,
    pub code: String,
    pub title: String,
    pub description: String,
    pub field_id: FieldId,
    pub lead_unit_id: UnitId,
    pub year_identified: i16,
}

pub async fn record(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
) -> Result<Option<ShortcomingRecord>, sqlx::Error> {
    sqlx::query_as(
        "select id, code, title, description, field_id, lead_unit_id, year_identified
         from shortcomings where id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// The source documents of a shortcoming, by id.
pub async fn source_ids(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
) -> Result<Vec<SourceId>, sqlx::Error> {
    sqlx::query_scalar(
        "select source_id from shortcoming_sources where shortcoming_id = $1 order by source_id",
    )
    .bind(id)
    .fetch_all(executor)
    .await
}

/// Validated values of a shortcoming form (also its audit snapshot).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortcomingValues {
    pub code: String,
    pub title: String,
    pub description: String,
    pub field_id: FieldId,
    pub lead_unit_id: UnitId,
    pub year_identified: i16,
    pub sources: Vec<SourceId>,
}

impl ShortcomingValues {
    /// The values a saved shortcoming has (the "before" of an update).
    pub fn of(record: &ShortcomingRecord, sources: Vec<SourceId>) -> Self {
        ShortcomingValues {
            code: record.code.clone(),
            title: record.title.clone(),
            description: record.description.clone(),
            field_id: record.field_id,
            lead_unit_id: record.lead_unit_id,
            year_identified: record.year_identified,
            sources,
        }
    }
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    v: &ShortcomingValues,
) -> Result<ShortcomingId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into shortcomings (code, title, description, field_id, lead_unit_id, year_identified)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(&v.code)
    .bind(&v.title)
    .bind(&v.description)
    .bind(v.field_id)
    .bind(v.lead_unit_id)
    .bind(v.year_identified)
    .fetch_one(executor)
    .await
}

pub async fn update(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
    v: &ShortcomingValues,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update shortcomings set code = $2, title = $3, description = $4, field_id = $5,
                                 lead_unit_id = $6, year_identified = $7
         where id = $1",
    )
    .bind(id)
    .bind(&v.code)
    .bind(&v.title)
    .bind(&v.description)
    .bind(v.field_id)
    .bind(v.lead_unit_id)
    .bind(v.year_identified)
    .execute(executor)
    .await?;
    Ok(())
}

/// Makes `sources` the shortcoming's source documents: links no longer chosen go, new ones
/// come, the others are left as they are (one statement, so it runs on any executor).
pub async fn replace_sources(
    executor: impl PgExecutor<'_>,
    id: ShortcomingId,
    sources: &[SourceId],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with gone as (
             delete from shortcoming_sources where shortcoming_id = $1 and source_id <> all($2)
         )
         insert into shortcoming_sources (shortcoming_id, source_id)
         select $1, unnest($2::bigint[])
         on conflict do nothing",
    )
    .bind(id)
    .bind(sources)
    .execute(executor)
    .await?;
    Ok(())
}

/// Every source document, to choose from in the shortcoming form.
pub async fn source_options(executor: impl PgExecutor<'_>) -> Result<Vec<SourceRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, kind, doc_number, doc_date, issuing_body, title from sources
         order by doc_date desc nulls last, id desc",
    )
    .fetch_all(executor)
    .await
}

/// Which of `ids` are source documents.
pub async fn existing_sources(
    executor: impl PgExecutor<'_>,
    ids: &[SourceId],
) -> Result<Vec<SourceId>, sqlx::Error> {
    sqlx::query_scalar("select id from sources where id = any($1) order by id")
        .bind(ids)
        .fetch_all(executor)
        .await
}

/// A shortcoming to choose in a form.
#[derive(Debug, Clone, FromRow)]
pub struct ShortcomingOption {
    pub id: ShortcomingId,
    pub code: String,
    pub title: String,
}

impl ShortcomingOption {
    /// "TT-05 — the title's start", for a choice list.
    pub fn label(&self) -> String {
        format!(
            "{} — {}",
            self.code,
            crate::domain::text::shorten(&self.title, 90)
        )
    }
}

pub async fn options(executor: impl PgExecutor<'_>) -> Result<Vec<ShortcomingOption>, sqlx::Error> {
    sqlx::query_as("select id, code, title from shortcomings order by code")
        .fetch_all(executor)
        .await
}

/// Which of `ids` are shortcomings.
pub async fn existing(
    executor: impl PgExecutor<'_>,
    ids: &[ShortcomingId],
) -> Result<Vec<ShortcomingId>, sqlx::Error> {
    sqlx::query_scalar("select id from shortcomings where id = any($1) order by id")
        .bind(ids)
        .fetch_all(executor)
        .await
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_rounds_and_survives_zero() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(5, 5), 100);
    }
}
