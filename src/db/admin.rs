//! Queries behind administration: units, users, fields and sources.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};

use crate::domain::{FieldId, Role, SourceId, SourceKind, UnitId, UnitKind, UserId};

/// A unit as the administration lists and edits it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct UnitRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub active: bool,
    /// Depth in the tree (0 at the top), for indentation.
    #[serde(skip)]
    pub depth: i32,
    #[serde(skip)]
    pub users: i64,
    #[serde(skip)]
    pub open_tasks: i64,
}

/// How many units, users, fields and sources there are, in that order.
pub async fn totals(executor: impl PgExecutor<'_>) -> Result<(i64, i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "select (select count(*) from units), (select count(*) from users),
                (select count(*) from fields), (select count(*) from sources)",
    )
    .fetch_one(executor)
    .await
}

/// Every unit in tree order (children under their parent), with counts; `search` filters by
/// code or name, ignoring diacritics.
pub async fn units_tree(
    executor: impl PgExecutor<'_>,
    search: Option<&str>,
) -> Result<Vec<UnitRow>, sqlx::Error> {
    sqlx::query_as(
        "with recursive tree as (
             select id, array[sort_order, id] as path, 0 as depth from units where parent_id is null
             union all
             select u.id, tree.path || array[u.sort_order, u.id], tree.depth + 1
             from units u join tree on u.parent_id = tree.id
         )
         select u.id, u.code, u.name, u.short_name, u.kind, u.parent_id, u.active, tree.depth,
                (select count(*) from users us where us.unit_id = u.id and us.active) as users,
                (select count(*) from tasks t where t.lead_unit_id = u.id and t.status <> 'done') as open_tasks
         from units u join tree on tree.id = u.id
         where $1::text is null or search_matches(u.code || ' ' || u.name || ' ' || u.short_name, $1)
         order by tree.path",
    )
    .bind(search)
    .fetch_all(executor)
    .await
}

pub async fn unit(
    executor: impl PgExecutor<'_>,
    id: UnitId,
) -> Result<Option<UnitRow>, sqlx::Error> {
    sqlx::query_as(
        "select u.id, u.code, u.name, u.short_name, u.kind, u.parent_id, u.active, 0 as depth,
                (select count(*) from users us where us.unit_id = u.id and us.active) as users,
                (select count(*) from tasks t where t.lead_unit_id = u.id and t.status <> 'done') as open_tasks
         from units u where u.id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// Validated values of a unit form.
#[derive(Debug, Clone, Serialize)]
pub struct UnitValues {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub active: bool,
}

pub async fn insert_unit(
    executor: impl PgExecutor<'_>,
    v: &UnitValues,
) -> Result<UnitId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into units (code, name, short_name, kind, parent_id, active, sort_order)
         values ($1, $2, $3, $4, $5, $6, (select coalesce(max(sort_order), 0) + 1 from units))
         returning id",
    )
    .bind(&v.code)
    .bind(&v.name)
    .bind(&v.short_name)
    .bind(v.kind)
    .bind(v.parent_id)
    .bind(v.active)
    .fetch_one(executor)
    .await
}

pub async fn update_unit(
    executor: impl PgExecutor<'_>,
    id: UnitId,
    v: &UnitValues,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update units set code = $2, name = $3, short_name = $4, kind = $5, parent_id = $6, active = $7
         where id = $1",
    )
    .bind(id)
    .bind(&v.code)
    .bind(&v.name)
    .bind(&v.short_name)
    .bind(v.kind)
    .bind(v.parent_id)
    .bind(v.active)
    .execute(executor)
    .await?;
    Ok(())
}

/// True when `candidate` is `unit` or lies below it (moving `unit` there would make a loop).
pub async fn is_in_subtree(
    executor: impl PgExecutor<'_>,
    unit: UnitId,
    candidate: UnitId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "with recursive below as (
             select id from units where id = $1
             union
             select u.id from units u join below on u.parent_id = below.id
         )
         select exists (select 1 from below where id = $2)",
    )
    .bind(unit)
    .bind(candidate)
    .fetch_one(executor)
    .await
}

/// Which of `ids` are units.
pub async fn existing_units(
    executor: impl PgExecutor<'_>,
    ids: &[UnitId],
) -> Result<Vec<UnitId>, sqlx::Error> {
    sqlx::query_scalar("select id from units where id = any($1) order by id")
        .bind(ids)
        .fetch_all(executor)
        .await
}

/// What still refers to a unit (a unit is deleted only when nothing does).
pub async fn unit_references(
    executor: impl PgExecutor<'_>,
    id: UnitId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "select (select count(*) from units where parent_id = $1)
              + (select count(*) from users where unit_id = $1)
              + (select count(*) from tasks where lead_unit_id = $1)
              + (select count(*) from task_coordinators where unit_id = $1)
              + (select count(*) from task_updates where unit_id = $1)
              + (select count(*) from shortcomings where lead_unit_id = $1)
              + (select count(*) from plans where unit_id = $1)
              + (select count(*) from reports where unit_id = $1)
              + (select count(*) from recovery_items where unit_id = $1)",
    )
    .bind(id)
    .fetch_one(executor)
    .await
}

pub async fn delete_unit(executor: impl PgExecutor<'_>, id: UnitId) -> Result<(), sqlx::Error> {
    sqlx::query("delete from units where id = $1")
        .bind(id)
        .execute(executor)
        .await?;
    Ok(())
}

/// Units to choose from in forms (active ones, and `keep` even if inactive).
#[derive(Debug, Clone, FromRow)]
pub struct UnitOption {
    pub id: UnitId,
    pub name: String,
}

pub async fn unit_options(
    executor: impl PgExecutor<'_>,
    keep: Option<UnitId>,
) -> Result<Vec<UnitOption>, sqlx::Error> {
    sqlx::query_as("select id, name from units where active or id = $1 order by sort_order, name")
        .bind(keep)
        .fetch_all(executor)
        .await
}

/// Units a drop-down lists at most; with more (5,000 at national scale) a filter takes a typed
/// name instead (`units_named`); see `Units::choices`.
pub const UNIT_CHOICES_MAX: usize = 300;

/// A unit found by a typed name.
#[derive(Debug, Clone, FromRow)]
pub struct UnitMatch {
    pub id: UnitId,
    pub name: String,
    /// The name, short name or code is the text itself (diacritics and case aside).
    pub exact: bool,
}

/// Active units whose code, name or short name holds the words of `text` (diacritics
/// ignored), at most `limit`, exact matches first.
pub async fn units_named(
    executor: impl PgExecutor<'_>,
    text: &str,
    limit: i64,
) -> Result<Vec<UnitMatch>, sqlx::Error> {
    // One LIKE per word (as the task search): search_matches() is a function call per unit,
    // which at 5,000 units cost more than the rest of the page.
    let mut query = QueryBuilder::<Postgres>::new(
        "select id, name,
                search_fold(",
    );
    query.push_bind(text).push(
        ") in (search_fold(name), search_fold(short_name), search_fold(code)) as exact
             from units
             where active",
    );
    for word in text.split_whitespace().take(8) {
        query.push(" and search_fold(code || ' ' || name || ' ' || short_name) like ");
        crate::db::sql::push_folded_contains(&mut query, word);
    }
    query
        .push(" order by exact desc, sort_order, name limit ")
        .push_bind(limit);
    query.build_query_as().fetch_all(executor).await
}

/// A user as the administration lists and edits them.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub title: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub unit_id: UnitId,
    #[serde(skip)]
    pub unit_name: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
}

const USER_COLUMNS: &str = "u.id, u.username, u.full_name, u.title, u.email, u.phone, u.unit_id,
                            un.short_name as unit_name, u.role, u.active, u.must_change_password";

/// One page of users matching `search` (username, name or unit, ignoring diacritics) and
/// `unit`, and the number of all matches.
pub async fn users_page(
    executor: impl PgExecutor<'_> + Copy,
    search: Option<&str>,
    unit: Option<UnitId>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), sqlx::Error> {
    let filter = "($1::text is null
                   or search_matches(u.username || ' ' || u.full_name || ' ' || un.name || ' ' || un.short_name, $1))
                  and ($2::bigint is null or u.unit_id = $2)";
    let list = format!(
        "select {USER_COLUMNS} from users u join units un on un.id = u.unit_id
         where {filter} order by un.sort_order, u.role, u.username limit $3 offset $4"
    );
    let rows = sqlx::query_as(&list)
        .bind(search)
        .bind(unit)
        .bind(limit)
        .bind(offset)
        .fetch_all(executor)
        .await?;
    let count =
        format!("select count(*) from users u join units un on un.id = u.unit_id where {filter}");
    let total = sqlx::query_scalar(&count)
        .bind(search)
        .bind(unit)
        .fetch_one(executor)
        .await?;
    Ok((rows, total))
}

pub async fn user(
    executor: impl PgExecutor<'_>,
    id: UserId,
) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!(
        "select {USER_COLUMNS} from users u join units un on un.id = u.unit_id where u.id = $1"
    );
    sqlx::query_as(&sql).bind(id).fetch_optional(executor).await
}

/// Validated values of a user form.
#[derive(Debug, Clone, Serialize)]
pub struct UserValues {
    pub username: String,
    pub full_name: String,
    pub title: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub unit_id: UnitId,
    pub role: Role,
    pub active: bool,
}

/// The unit whose code is `code`, whatever the case.
pub async fn unit_by_code(
    executor: impl PgExecutor<'_>,
    code: &str,
) -> Result<Option<UnitId>, sqlx::Error> {
    sqlx::query_scalar("select id from units where lower(code) = lower($1)")
        .bind(code)
        .fetch_optional(executor)
        .await
}

/// Creates the City office unit with the code `code` (the first unit of an empty database,
/// for the first administrator to belong to); its id.
pub async fn insert_city_office(
    executor: impl PgExecutor<'_>,
    code: &str,
) -> Result<UnitId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into units (code, name, short_name, kind) values ($1, 'Văn phòng UBND Thành phố', 'VP UBND TP', 'city_office')
                 returning id",
    )
    .bind(code)
    .fetch_one(executor)
    .await
}

/// Creates an administrator of `unit` who must change the password `password_hash` stands for
/// at the first sign-in (`create-admin`); its id.
pub async fn insert_first_admin(
    executor: impl PgExecutor<'_>,
    username: &str,
    full_name: &str,
    unit: UnitId,
    password_hash: &str,
) -> Result<UserId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into users (username, full_name, title, unit_id, role, password_hash, must_change_password)
         values ($1, $2, 'Quản trị hệ thống', $3, 'admin', $4, true) returning id",
    )
    .bind(username)
    .bind(full_name)
    .bind(unit)
    .bind(password_hash)
    .fetch_one(executor)
    .await
}

pub async fn insert_user(
    executor: impl PgExecutor<'_>,
    v: &UserValues,
    password_hash: &str,
) -> Result<UserId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into users (username, full_name, title, email, phone, unit_id, role, active,
                            password_hash, must_change_password)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true) returning id",
    )
    .bind(&v.username)
    .bind(&v.full_name)
    .bind(&v.title)
    .bind(&v.email)
    .bind(&v.phone)
    .bind(v.unit_id)
    .bind(v.role)
    .bind(v.active)
    .bind(password_hash)
    .fetch_one(executor)
    .await
}

pub async fn update_user(
    executor: impl PgExecutor<'_>,
    id: UserId,
    v: &UserValues,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update users set full_name = $2, title = $3, email = $4, phone = $5, unit_id = $6, role = $7, active = $8
         where id = $1",
    )
    .bind(id)
    .bind(&v.full_name)
    .bind(&v.title)
    .bind(&v.email)
    .bind(&v.phone)
    .bind(v.unit_id)
    .bind(v.role)
    .bind(v.active)
    .execute(executor)
    .await?;
    Ok(())
}

/// A field of state management.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct FieldRow {
    pub id: FieldId,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(skip)]
    pub shortcomings: i64,
}

pub async fn fields(executor: impl PgExecutor<'_>) -> Result<Vec<FieldRow>, sqlx::Error> {
    sqlx::query_as(
        "select f.id, f.code, f.name_vi, f.name_en,
                (select count(*) from shortcomings s where s.field_id = f.id) as shortcomings
         from fields f order by f.sort_order, f.code",
    )
    .fetch_all(executor)
    .await
}

pub async fn field(
    executor: impl PgExecutor<'_>,
    id: FieldId,
) -> Result<Option<FieldRow>, sqlx::Error> {
    sqlx::query_as(
        "select f.id, f.code, f.name_vi, f.name_en, 0::bigint as shortcomings from fields f where f.id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// Validated values of a field form.
#[derive(Debug, Clone, Serialize)]
pub struct FieldValues {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

pub async fn insert_field(
    executor: impl PgExecutor<'_>,
    v: &FieldValues,
) -> Result<FieldId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into fields (code, name_vi, name_en, sort_order)
         values ($1, $2, $3, (select coalesce(max(sort_order), 0) + 1 from fields)) returning id",
    )
    .bind(&v.code)
    .bind(&v.name_vi)
    .bind(&v.name_en)
    .fetch_one(executor)
    .await
}

pub async fn update_field(
    executor: impl PgExecutor<'_>,
    id: FieldId,
    v: &FieldValues,
) -> Result<(), sqlx::Error> {
    sqlx::query("update fields set code = $2, name_vi = $3, name_en = $4 where id = $1")
        .bind(id)
        .bind(&v.code)
        .bind(&v.name_vi)
        .bind(&v.name_en)
        .execute(executor)
        .await?;
    Ok(())
}

/// A source document.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SourceAdminRow {
    pub id: SourceId,
    pub kind: SourceKind,
    pub doc_number: Option<String>,
    pub doc_date: Option<NaiveDate>,
    pub issuing_body: String,
    pub title: String,
    pub summary: String,
    #[serde(skip)]
    pub files: i64,
}

pub async fn sources_page(
    executor: impl PgExecutor<'_> + Copy,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SourceAdminRow>, i64), sqlx::Error> {
    let rows = sqlx::query_as(
        "select s.id, s.kind, s.doc_number, s.doc_date, s.issuing_body, s.title, s.summary,
                (select count(*) from attachments a where a.source_id = s.id) as files
         from sources s
         where $1::text is null
            or search_matches(coalesce(s.doc_number, '') || ' ' || s.title || ' ' || s.issuing_body, $1)
         order by s.doc_date desc nulls last, s.id desc limit $2 offset $3",
    )
    .bind(search)
    .bind(limit)
    .bind(offset)
    .fetch_all(executor)
    .await?;
    let total = sqlx::query_scalar(
        "select count(*) from sources s
         where $1::text is null
            or search_matches(coalesce(s.doc_number, '') || ' ' || s.title || ' ' || s.issuing_body, $1)",
    )
    .bind(search)
    .fetch_one(executor)
    .await?;
    Ok((rows, total))
}

pub async fn source(
    executor: impl PgExecutor<'_>,
    id: SourceId,
) -> Result<Option<SourceAdminRow>, sqlx::Error> {
    sqlx::query_as(
        "select s.id, s.kind, s.doc_number, s.doc_date, s.issuing_body, s.title, s.summary,
                (select count(*) from attachments a where a.source_id = s.id) as files
         from sources s where s.id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// Validated values of a source form.
#[derive(Debug, Clone, Serialize)]
pub struct SourceValues {
    pub kind: SourceKind,
    pub doc_number: Option<String>,
    pub doc_date: Option<NaiveDate>,
    pub issuing_body: String,
    pub title: String,
    pub summary: String,
}

pub async fn insert_source(
    executor: impl PgExecutor<'_>,
    v: &SourceValues,
) -> Result<SourceId, sqlx::Error> {
    sqlx::query_scalar(
        "insert into sources (kind, doc_number, doc_date, issuing_body, title, summary)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(v.kind)
    .bind(&v.doc_number)
    .bind(v.doc_date)
    .bind(&v.issuing_body)
    .bind(&v.title)
    .bind(&v.summary)
    .fetch_one(executor)
    .await
}

pub async fn update_source(
    executor: impl PgExecutor<'_>,
    id: SourceId,
    v: &SourceValues,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update sources set kind = $2, doc_number = $3, doc_date = $4, issuing_body = $5, title = $6, summary = $7
         where id = $1",
    )
    .bind(id)
    .bind(v.kind)
    .bind(&v.doc_number)
    .bind(v.doc_date)
    .bind(&v.issuing_body)
    .bind(&v.title)
    .bind(&v.summary)
    .execute(executor)
    .await?;
    Ok(())
}
