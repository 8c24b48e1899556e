//! What the tasks hang on: units and accounts (from [`crate::tree`]), the demo's fields,
//! sources and 33 shortcomings, a plan per unit, and the session's staging tables that let one
//! statement give every task its lead unit, officers, shortcoming and wording.

use sqlx::PgConnection;

use remediation_portal::seed::catalog::Catalog;

use crate::load::BenchSettings;
use crate::text;
use crate::tree::{BenchUnit, BenchUser};

/// What the staging tables hold, in numbers the task statements need.
#[derive(Debug, Clone)]
pub struct Staged {
    /// Units that lead tasks (every unit but the City office), numbered 1… in `bench_leads`.
    pub leads: i32,
    /// Ways of writing a title, numbered 1… in `bench_wording`.
    pub wordings: i32,
    pub office: i64,
    /// The City reviewer who creates tasks, sends reminders and decides extensions.
    pub reviewer: i64,
}

/// Inserts the units, parents before their divisions; returns how many.
pub async fn insert_units(conn: &mut PgConnection, units: &[BenchUnit]) -> sqlx::Result<u64> {
    let column = |f: fn(&BenchUnit) -> Option<String>| units.iter().map(f).collect::<Vec<_>>();
    let codes = column(|u| Some(u.code.clone()));
    let names = column(|u| Some(u.name.clone()));
    let short_names = column(|u| Some(u.short_name.clone()));
    let kinds = column(|u| Some(u.kind.code().to_owned()));
    let parents = column(|u| u.parent.clone());
    let mut inserted = 0;
    // Parents first, so the divisions' statement finds them.
    for roots in [true, false] {
        inserted += sqlx::query(
            "insert into units (code, name, short_name, kind, parent_id, sort_order)
             select u.code, u.name, u.short_name, u.kind::unit_kind, p.id, u.ord::integer
             from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                  with ordinality as u(code, name, short_name, kind, parent, ord)
             left join units p on p.code = u.parent
             where (u.parent is null) = $6
             order by u.ord",
        )
        .bind(&codes)
        .bind(&names)
        .bind(&short_names)
        .bind(&kinds)
        .bind(&parents)
        .bind(roots)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(inserted)
}

/// Inserts the accounts, all with the one password hash; returns how many.
pub async fn insert_users(
    conn: &mut PgConnection,
    users: &[BenchUser],
    password_hash: &str,
) -> sqlx::Result<u64> {
    let column = |f: fn(&BenchUser) -> String| users.iter().map(f).collect::<Vec<_>>();
    Ok(sqlx::query(
        "insert into users (username, full_name, title, email, unit_id, role, password_hash)
         select u.username, u.full_name, u.title,
                replace(u.username, '.', '_') || '@bench.hanoi.gov.vn', un.id, u.role::user_role, $6
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
              with ordinality as u(username, full_name, title, unit, role, ord)
         join units un on un.code = u.unit
         order by u.ord",
    )
    .bind(column(|u| u.username.clone()))
    .bind(column(|u| u.full_name.clone()))
    .bind(column(|u| u.title.to_owned()))
    .bind(column(|u| u.unit.clone()))
    .bind(column(|u| u.role.code().to_owned()))
    .bind(password_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// The demo's fields, sources (with a stand-in document for each numbered one) and 33
/// shortcomings, led by the demo's units where the benchmark has them, else by the City
/// office. Returns how many rows.
pub async fn insert_catalog(conn: &mut PgConnection, demo: &Catalog) -> anyhow::Result<u64> {
    let fields = &demo.fields;
    let mut rows = sqlx::query(
        "insert into fields (code, name_vi, name_en, sort_order)
         select f.code, f.name_vi, f.name_en, f.ord::integer
         from unnest($1::text[], $2::text[], $3::text[]) with ordinality as f(code, name_vi, name_en, ord)",
    )
    .bind(fields.iter().map(|f| &f.code).collect::<Vec<_>>())
    .bind(fields.iter().map(|f| &f.name_vi).collect::<Vec<_>>())
    .bind(fields.iter().map(|f| &f.name_en).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?
    .rows_affected();

    let reviewer: i64 =
        sqlx::query_scalar("select id from users where username = 'bench.reviewer'")
            .fetch_one(&mut *conn)
            .await?;
    for source in &demo.sources {
        remediation_portal::seed::insert_source(&mut *conn, source, reviewer, "benchmark document")
            .await?;
        rows += 1;
    }

    let shortcomings = &demo.shortcomings;
    rows += sqlx::query(
        "insert into shortcomings (code, title, description, field_id, lead_unit_id, year_identified)
         select s.code, s.title, s.description, f.id,
                coalesce(u.id, (select id from units where kind = 'city_office' order by sort_order limit 1)),
                2019
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
              with ordinality as s(code, title, description, field, lead, ord)
         join fields f on f.code = s.field
         left join units u on u.code = s.lead
         order by s.ord",
    )
    .bind(shortcomings.iter().map(|s| &s.code).collect::<Vec<_>>())
    .bind(shortcomings.iter().map(|s| &s.title).collect::<Vec<_>>())
    .bind(shortcomings.iter().map(|s| &s.description).collect::<Vec<_>>())
    .bind(shortcomings.iter().map(|s| &s.field).collect::<Vec<_>>())
    .bind(shortcomings.iter().map(|s| &s.lead).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?
    .rows_affected();

    let (codes, titles): (Vec<&str>, Vec<&str>) = shortcomings
        .iter()
        .flat_map(|s| {
            s.sources.iter().map(|key| {
                let source = demo.sources.iter().find(|source| &source.key == key);
                (
                    s.code.as_str(),
                    source.map_or("", |source| source.title.as_str()),
                )
            })
        })
        .unzip();
    rows += sqlx::query(
        "insert into shortcoming_sources (shortcoming_id, source_id)
         select s.id, src.id
         from unnest($1::text[], $2::text[]) as l(code, title)
         join shortcomings s on s.code = l.code
         join sources src on src.title = l.title",
    )
    .bind(codes)
    .bind(titles)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(rows)
}

/// One plan per unit but divisions, due on `deadline`: most issued on time, some late, one in
/// twenty not at all (and so overdue, as the overdue scan would mark it).
pub async fn insert_plans(
    conn: &mut PgConnection,
    deadline: chrono::NaiveDate,
    settings: &BenchSettings,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "insert into plans (unit_id, doc_number, title, issue_deadline, issued_on, overdue, overdue_since)
         select id,
                case when issued is not null
                     then (10 + 3 * sort_order) || '/KH-' || replace(code, '.', '-') end,
                'Kế hoạch của ' || name || ' khắc phục tồn tại, hạn chế theo Kế hoạch số 68/KH-UBND của UBND Thành phố',
                $1, issued, issued is null and $1 < $2,
                case when issued is null and $1 < $2 then $1 + 1 end
         from (select u.*,
                      case when pg_temp.roll(u.sort_order, 1) < 0.80 then $1 - pg_temp.below(u.sort_order, 2, 16)
                           when pg_temp.roll(u.sort_order, 1) < 0.95 then $1 + 5 + pg_temp.below(u.sort_order, 2, 56)
                      end as issued
               from units u where u.kind <> 'division') u
         order by sort_order",
    )
    .bind(deadline)
    .bind(settings.today())
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Fills the staging tables the task statements join (dropped at commit), each keyed by one
/// number so that the planner, joining millions of rows to them, estimates the joins right and
/// hashes them:
/// `bench_leads` (units that lead tasks, numbered, with their head, officers, plan and
/// wording), `bench_officers` (every officer, numbered unit by unit, so a unit's officers are
/// `first_officer` and the next ones) and `bench_wording` (every way a title can be written:
/// each shortcoming with each of its measures and each phrase of its field).
pub async fn stage(
    conn: &mut PgConnection,
    units: &[BenchUnit],
    demo: &Catalog,
) -> anyhow::Result<Staged> {
    sqlx::query(
        "create temporary table bench_officers on commit drop as
         select (row_number() over (order by unit_id, id))::integer as key, unit_id, id as user_id
         from users where role = 'officer'",
    )
    .execute(&mut *conn)
    .await?;
    let others = &units[1..];
    sqlx::query(
        "create temporary table bench_leads on commit drop as
         select l.ord::integer as ord, u.id as unit_id, u.code, l.place, l.leader_title,
                h.id as head_id, p.id as plan_id, o.officers, o.first_officer
         from unnest($1::text[], $2::text[], $3::text[]) with ordinality as l(code, place, leader_title, ord)
         join units u on u.code = l.code
         join users h on h.unit_id = u.id and h.role = 'unit_head'
         join (select unit_id, count(*)::integer as officers, min(key) as first_officer
               from bench_officers group by unit_id) o on o.unit_id = u.id
         left join plans p on p.unit_id = u.id",
    )
    .bind(others.iter().map(|u| u.code.as_str()).collect::<Vec<_>>())
    .bind(others.iter().map(|u| u.place.as_str()).collect::<Vec<_>>())
    .bind(others.iter().map(|u| u.leader_title).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?;
    let (office, reviewer): (i64, i64) =
        sqlx::query_as("select unit_id, id from users where username = 'bench.reviewer'")
            .fetch_one(&mut *conn)
            .await?;

    let (codes, titles, expected): (Vec<&str>, Vec<&str>, Vec<&str>) = demo
        .shortcomings
        .iter()
        .flat_map(|s| {
            s.measures
                .iter()
                .map(|m| (s.code.as_str(), m.title.as_str(), m.expected.as_str()))
        })
        .fold(
            Default::default(),
            |(mut c, mut t, mut e), (code, title, exp)| {
                c.push(code);
                t.push(title);
                e.push(exp);
                (c, t, e)
            },
        );
    let (fields, phrases): (Vec<&str>, Vec<&str>) = text::OBJECTS
        .iter()
        .flat_map(|(field, phrases)| phrases.iter().map(move |p| (*field, *p)))
        .unzip();
    // In the shortcomings' order, so that drawing the first keys more often gives the first
    // shortcomings more tasks.
    sqlx::query(
        "create temporary table bench_wording on commit drop as
         select (row_number() over (order by s.code, m.ord, o.ord))::integer as key,
                s.id as shortcoming_id, s.code, m.title, m.expected, o.phrase
         from shortcomings s
         join unnest($1::text[], $2::text[], $3::text[]) with ordinality as m(code, title, expected, ord)
           on m.code = s.code
         join fields f on f.id = s.field_id
         join unnest($4::text[], $5::text[]) with ordinality as o(field, phrase, ord)
           on o.field = f.code",
    )
    .bind(codes)
    .bind(titles)
    .bind(expected)
    .bind(fields)
    .bind(phrases)
    .execute(&mut *conn)
    .await?;
    // Temporary tables are never analysed automatically.
    sqlx::raw_sql("analyze bench_officers; analyze bench_leads; analyze bench_wording;")
        .execute(&mut *conn)
        .await?;

    let (leads, wordings): (i64, i64) = sqlx::query_as(
        "select (select count(*) from bench_leads), (select count(*) from bench_wording)",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Staged {
        leads: leads as i32,
        wordings: wordings as i32,
        office,
        reviewer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_title_phrases_and_every_shortcoming_a_measure() {
        let demo = Catalog::embedded().unwrap();
        for field in &demo.fields {
            assert!(
                text::OBJECTS
                    .iter()
                    .any(|(code, phrases)| *code == field.code && !phrases.is_empty()),
                "{}",
                field.code
            );
        }
        for shortcoming in &demo.shortcomings {
            assert!(!shortcoming.measures.is_empty(), "{}", shortcoming.code);
        }
    }
}
