//! What the portal knows of the benchmark data the `seed-bench` program generates
//! (`src/bin/seed-bench/`, docs/benchmarks.md): the mark it leaves and the accounts it makes,
//! for the startup banner.

use sqlx::PgPool;

/// `app_meta` key recording that (and what) benchmark data was loaded.
pub const BENCH_MARKER: &str = "bench_data_loaded";
/// The password of every benchmark account: the demo's.
pub const BENCH_PASSWORD: &str = super::DEMO_PASSWORD;

/// The accounts to try on benchmark data, one per role, for the startup banner: the City's
/// three and the head and first officer of the first department and district.
pub async fn bench_sign_ins(pool: &PgPool) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "with firsts as (
             select u.id from units u
             where u.id in ((select id from units where kind = 'department' order by sort_order limit 1),
                            (select id from units where kind = 'district' order by sort_order limit 1))
         )
         select u.username, u.title || ', ' || un.short_name
         from users u join units un on un.id = u.unit_id
         where u.username like 'bench.%'
            or (u.unit_id in (select id from firsts)
                and (u.role = 'unit_head' or u.username like '%.cb1'))
         order by un.sort_order, u.role, u.username",
    )
    .fetch_all(pool)
    .await
}
