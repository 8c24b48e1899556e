//! The directory: the units, accounts, fields, shortcomings and plans the pages name, kept
//! in memory so that the hot pages' statements read ids only (every table a statement touches
//! costs it an index look-up per row and a lock; names were most of the task page's work).
//!
//! Each kind has a version in `directory_versions`, raised in the transaction that changes it
//! (migration `20261202000001`). The session's statement reads the versions on every page and
//! [`DirectoryCache::at_least`] reloads the kinds that moved before the page is rendered, so
//! names are never older than what was committed when the page was asked for. A page whose own
//! statements, a moment later, meet an id the directory lacks (a unit created in between) asks
//! again with [`DirectoryCache::covering`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use sqlx::{Acquire, FromRow, PgConnection, PgPool};

use crate::db::admin::UnitOption;
use crate::db::shortcomings::ShortcomingOption;
use crate::db::task_work::Officer;
use crate::domain::{FieldId, PlanId, Role, ShortcomingId, UnitId, UserId};

/// The kinds, in the order of [`Versions`] (the order of their names).
const KINDS: [&str; 5] = ["fields", "plans", "shortcomings", "units", "users"];

/// What each kind's version was when read, in the order of [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Versions(pub [i64; 5]);

impl Versions {
    /// The versions as a statement returns them (`array(select version … order by kind)`).
    pub fn from_column(values: &[i64]) -> Versions {
        let mut versions = [i64::MAX; 5];
        for (slot, value) in versions.iter_mut().zip(values) {
            *slot = *value;
        }
        Versions(versions)
    }
}

/// The SQL expression that reads the versions, as a column `directory_versions` (for a
/// statement a page runs anyway).
macro_rules! versions_sql {
    () => {
        "array(select version from directory_versions order by kind) as directory_versions"
    };
}
pub(crate) use versions_sql;

#[derive(Debug, Clone, FromRow)]
pub struct UnitEntry {
    pub id: UnitId,
    pub name: String,
    pub short_name: String,
    pub parent_id: Option<UnitId>,
    pub sort_order: i32,
    pub active: bool,
}

#[derive(Debug, Clone, FromRow)]
pub struct UserEntry {
    pub id: UserId,
    pub full_name: String,
    pub title: String,
    pub unit_id: UnitId,
    pub role: Role,
    pub active: bool,
}

#[derive(Debug, Clone, FromRow)]
pub struct FieldEntry {
    pub id: FieldId,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub sort_order: i32,
}

#[derive(Debug, Clone, FromRow)]
pub struct ShortcomingEntry {
    pub id: ShortcomingId,
    pub code: String,
    pub title: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct PlanEntry {
    pub id: PlanId,
    pub doc_number: Option<String>,
    pub title: String,
}

/// The units, with each unit's children (in the order lists show units).
#[derive(Debug, Default)]
pub struct Units {
    by_id: HashMap<UnitId, UnitEntry>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

impl Units {
    fn new(rows: Vec<UnitEntry>) -> Units {
        let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
        for unit in &rows {
            if let Some(parent) = unit.parent_id {
                children.entry(parent).or_default().push(unit.id);
            }
        }
        Units {
            by_id: rows.into_iter().map(|u| (u.id, u)).collect(),
            children,
        }
    }

    pub fn get(&self, id: UnitId) -> Option<&UnitEntry> {
        self.by_id.get(&id)
    }

    /// The units a drop-down offers (the active ones, and `keep` even if inactive) in the
    /// order lists show units; none when there are more than `max` (a typed name then).
    pub fn choices(&self, keep: Option<UnitId>, max: usize) -> Vec<UnitOption> {
        let mut units: Vec<&UnitEntry> = self
            .by_id
            .values()
            .filter(|u| u.active || Some(u.id) == keep)
            .collect();
        if units.len() > max {
            return Vec::new();
        }
        units.sort_by(|a, b| (a.sort_order, &a.name, a.id).cmp(&(b.sort_order, &b.name, b.id)));
        units
            .into_iter()
            .map(|u| UnitOption {
                id: u.id,
                name: u.name.clone(),
            })
            .collect()
    }

    /// `unit` and every unit below it, in id order.
    pub fn subtree(&self, unit: UnitId) -> Vec<UnitId> {
        let mut found = vec![unit];
        let mut seen = HashSet::from([unit]);
        let mut next = 0;
        while let Some(&at) = found.get(next) {
            next += 1;
            for child in self.children.get(&at).into_iter().flatten() {
                // A cycle cannot be stored (a unit is not its own parent, and a move is
                // checked), but a walk that met one would still end.
                if seen.insert(*child) {
                    found.push(*child);
                }
            }
        }
        found.sort();
        found
    }
}

/// The accounts, with each unit's assignable people (its active head first, then its active
/// officers, by name).
#[derive(Debug, Default)]
pub struct Users {
    by_id: HashMap<UserId, UserEntry>,
    assignable: HashMap<UnitId, Vec<UserId>>,
}

impl Users {
    fn new(rows: Vec<UserEntry>) -> Users {
        let mut assignable: HashMap<UnitId, Vec<&UserEntry>> = HashMap::new();
        for user in rows
            .iter()
            .filter(|u| u.active && matches!(u.role, Role::UnitHead | Role::Officer))
        {
            assignable.entry(user.unit_id).or_default().push(user);
        }
        let assignable = assignable
            .into_iter()
            .map(|(unit, mut people)| {
                people.sort_by(|a, b| {
                    (a.role != Role::UnitHead, &a.full_name, a.id).cmp(&(
                        b.role != Role::UnitHead,
                        &b.full_name,
                        b.id,
                    ))
                });
                (unit, people.into_iter().map(|u| u.id).collect())
            })
            .collect();
        Users {
            by_id: rows.into_iter().map(|u| (u.id, u)).collect(),
            assignable,
        }
    }

    pub fn get(&self, id: UserId) -> Option<&UserEntry> {
        self.by_id.get(&id)
    }

    /// The people a task of `unit` can be assigned to: its active head and officers (the
    /// order of `task_work::assignable`, which checks an assignment as it is saved).
    pub fn assignable(&self, unit: UnitId) -> Vec<Officer> {
        self.assignable
            .get(&unit)
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_id.get(id))
            .map(|u| Officer {
                id: u.id,
                full_name: u.full_name.clone(),
                title: u.title.clone(),
            })
            .collect()
    }
}

/// One kind as loaded, with the version it was loaded at.
#[derive(Debug)]
struct Part<T> {
    version: i64,
    rows: Arc<T>,
}

impl<T> Clone for Part<T> {
    fn clone(&self) -> Self {
        Part {
            version: self.version,
            rows: self.rows.clone(),
        }
    }
}

/// The directory as of some versions: cheap to clone, never changed once built.
#[derive(Debug, Clone)]
pub struct Directory {
    /// In the order drop-downs list them.
    fields: Part<Vec<FieldEntry>>,
    plans: Part<HashMap<PlanId, PlanEntry>>,
    shortcomings: Part<HashMap<ShortcomingId, ShortcomingEntry>>,
    units: Part<Units>,
    users: Part<Users>,
}

impl Directory {
    /// Nothing loaded yet (every version below any stored one).
    fn empty() -> Directory {
        Directory {
            fields: Part {
                version: -1,
                rows: Arc::default(),
            },
            plans: Part {
                version: -1,
                rows: Arc::default(),
            },
            shortcomings: Part {
                version: -1,
                rows: Arc::default(),
            },
            units: Part {
                version: -1,
                rows: Arc::default(),
            },
            users: Part {
                version: -1,
                rows: Arc::default(),
            },
        }
    }

    fn versions(&self) -> Versions {
        Versions([
            self.fields.version,
            self.plans.version,
            self.shortcomings.version,
            self.units.version,
            self.users.version,
        ])
    }

    /// True when no kind is older than `wanted`.
    fn covers(&self, wanted: Versions) -> bool {
        self.versions()
            .0
            .iter()
            .zip(wanted.0)
            .all(|(have, want)| *have >= want)
    }

    pub fn units(&self) -> &Units {
        &self.units.rows
    }

    pub fn users(&self) -> &Users {
        &self.users.rows
    }

    pub fn unit(&self, id: UnitId) -> Option<&UnitEntry> {
        self.units.rows.get(id)
    }

    pub fn user(&self, id: UserId) -> Option<&UserEntry> {
        self.users.rows.get(id)
    }

    pub fn shortcoming(&self, id: ShortcomingId) -> Option<&ShortcomingEntry> {
        self.shortcomings.rows.get(&id)
    }

    /// The shortcomings to choose from, by code.
    pub fn shortcoming_options(&self) -> Vec<ShortcomingOption> {
        let mut options: Vec<ShortcomingOption> = self
            .shortcomings
            .rows
            .values()
            .map(|s| ShortcomingOption {
                id: s.id,
                code: s.code.clone(),
                title: s.title.clone(),
            })
            .collect();
        options.sort_by(|a, b| a.code.cmp(&b.code));
        options
    }

    /// The fields of state management, in their order.
    pub fn fields(&self) -> &[FieldEntry] {
        &self.fields.rows
    }

    pub fn plan(&self, id: PlanId) -> Option<&PlanEntry> {
        self.plans.rows.get(&id)
    }
}

/// The directory every request shares, reloaded by kind when a version moves.
pub struct DirectoryCache {
    current: RwLock<Arc<Directory>>,
    /// One reload at a time: the requests that find the directory old wait for it.
    reloading: tokio::sync::Mutex<()>,
}

impl Default for DirectoryCache {
    fn default() -> Self {
        DirectoryCache {
            current: RwLock::new(Arc::new(Directory::empty())),
            reloading: tokio::sync::Mutex::new(()),
        }
    }
}

impl DirectoryCache {
    fn current(&self) -> Arc<Directory> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The directory, no kind older than `wanted` (read by the caller's statement).
    pub async fn at_least(
        &self,
        pool: &PgPool,
        wanted: Versions,
    ) -> Result<Arc<Directory>, sqlx::Error> {
        let current = self.current();
        if current.covers(wanted) {
            return Ok(current);
        }
        self.reload_to(&mut *pool.acquire().await?, wanted).await
    }

    /// `directory` if `has` finds what a page needs in it, else the directory as committed
    /// now (for ids a page's statements met after its session's statement read the versions).
    pub async fn covering(
        &self,
        conn: &mut PgConnection,
        directory: &Arc<Directory>,
        has: impl Fn(&Directory) -> bool,
    ) -> Result<Arc<Directory>, sqlx::Error> {
        if has(directory) {
            return Ok(directory.clone());
        }
        let now: Vec<i64> = sqlx::query_scalar(concat!("select ", versions_sql!()))
            .fetch_one(&mut *conn)
            .await?;
        let wanted = Versions::from_column(&now);
        let current = self.current();
        if current.covers(wanted) {
            return Ok(current);
        }
        self.reload_to(conn, wanted).await
    }

    async fn reload_to(
        &self,
        conn: &mut PgConnection,
        wanted: Versions,
    ) -> Result<Arc<Directory>, sqlx::Error> {
        let _one_at_a_time = self.reloading.lock().await;
        // Another request may have reloaded while this one waited.
        let current = self.current();
        if current.covers(wanted) {
            return Ok(current);
        }
        let fresh = Arc::new(reload(conn, &current, wanted).await?);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh.clone();
        Ok(fresh)
    }
}

/// Where a request takes the names of the ids its statements read: the request's directory,
/// or the shared cache when a statement met an id committed after the request began.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    pub cache: &'a DirectoryCache,
    pub directory: &'a Arc<Directory>,
}

impl Names<'_> {
    /// The directory in which `has` finds what the caller needs (see
    /// [`DirectoryCache::covering`]).
    pub async fn covering(
        self,
        conn: &mut PgConnection,
        has: impl Fn(&Directory) -> bool,
    ) -> Result<Arc<Directory>, sqlx::Error> {
        self.cache.covering(conn, self.directory, has).await
    }

    /// The request's directory if no kind of it is older than `wanted` (read by [`versions`]
    /// in the caller's snapshot), else the shared one brought up to them.
    pub async fn at_least(
        self,
        pool: &PgPool,
        wanted: Versions,
    ) -> Result<Arc<Directory>, sqlx::Error> {
        if self.directory.covers(wanted) {
            return Ok(self.directory.clone());
        }
        self.cache.at_least(pool, wanted).await
    }
}

/// The directory's versions as committed (in a snapshot: as of that snapshot, so that every
/// name its statements meet is in a directory of at least these versions).
pub async fn versions(conn: &mut PgConnection) -> Result<Versions, sqlx::Error> {
    let stored: Vec<i64> = sqlx::query_scalar(concat!("select ", versions_sql!()))
        .fetch_one(conn)
        .await?;
    Ok(Versions::from_column(&stored))
}

/// Reads again, in one snapshot, the kinds of `current` older than `wanted`.
async fn reload(
    conn: &mut PgConnection,
    current: &Directory,
    wanted: Versions,
) -> Result<Directory, sqlx::Error> {
    let mut tx = conn.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    let stored: Vec<i64> = sqlx::query_scalar(concat!("select ", versions_sql!()))
        .fetch_one(&mut *tx)
        .await?;
    let stored = Versions::from_column(&stored);
    let mut fresh = current.clone();
    let stale = |kind: usize| current.versions().0[kind] < wanted.0[kind];
    if stale(0) {
        let rows: Vec<FieldEntry> = sqlx::query_as(
            "select id, code, name_vi, name_en, sort_order from fields order by sort_order, code",
        )
        .fetch_all(&mut *tx)
        .await?;
        fresh.fields = Part {
            version: stored.0[0],
            rows: Arc::new(rows),
        };
    }
    if stale(1) {
        let rows: Vec<PlanEntry> = sqlx::query_as("select id, doc_number, title from plans")
            .fetch_all(&mut *tx)
            .await?;
        fresh.plans = Part {
            version: stored.0[1],
            rows: Arc::new(rows.into_iter().map(|p| (p.id, p)).collect()),
        };
    }
    if stale(2) {
        let rows: Vec<ShortcomingEntry> =
            sqlx::query_as("select id, code, title from shortcomings")
                .fetch_all(&mut *tx)
                .await?;
        fresh.shortcomings = Part {
            version: stored.0[2],
            rows: Arc::new(rows.into_iter().map(|s| (s.id, s)).collect()),
        };
    }
    if stale(3) {
        let rows: Vec<UnitEntry> = sqlx::query_as(
            "select id, name, short_name, parent_id, sort_order, active from units order by id",
        )
        .fetch_all(&mut *tx)
        .await?;
        fresh.units = Part {
            version: stored.0[3],
            rows: Arc::new(Units::new(rows)),
        };
    }
    if stale(4) {
        let rows: Vec<UserEntry> =
            sqlx::query_as("select id, full_name, title, unit_id, role, active from users")
                .fetch_all(&mut *tx)
                .await?;
        fresh.users = Part {
            version: stored.0[4],
            rows: Arc::new(Users::new(rows)),
        };
    }
    tx.commit().await?;
    tracing::debug!(kinds = ?KINDS, versions = ?stored.0, "directory reloaded");
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>) -> UnitEntry {
        UnitEntry {
            id: UnitId(id),
            name: format!("Đơn vị {id}"),
            short_name: format!("ĐV{id}"),
            parent_id: parent.map(UnitId),
            sort_order: 0,
            active: true,
        }
    }

    fn user(id: i64, unit: i64, role: Role, name: &str, active: bool) -> UserEntry {
        UserEntry {
            id: UserId(id),
            full_name: name.to_owned(),
            title: String::new(),
            unit_id: UnitId(unit),
            role,
            active,
        }
    }

    #[test]
    fn a_subtree_holds_the_unit_and_everything_below_it() {
        let units = Units::new(vec![
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(2)),
            unit(4, Some(1)),
            unit(5, None),
        ]);
        assert_eq!(units.subtree(UnitId(1)), [1, 2, 3, 4].map(UnitId).to_vec());
        assert_eq!(units.subtree(UnitId(2)), [2, 3].map(UnitId).to_vec());
        assert_eq!(units.subtree(UnitId(5)), vec![UnitId(5)]);
    }

    #[test]
    fn the_assignable_people_are_the_active_head_then_officers_by_name() {
        let users = Users::new(vec![
            user(1, 7, Role::Officer, "Trần Văn B", true),
            user(2, 7, Role::UnitHead, "Vũ Thị H", true),
            user(3, 7, Role::Officer, "Nguyễn Văn A", true),
            user(4, 7, Role::Officer, "Lê Văn C", false),
            user(5, 7, Role::Viewer, "Phạm Văn D", true),
            user(6, 8, Role::Officer, "Đỗ Văn E", true),
        ]);
        let ids: Vec<i64> = users.assignable(UnitId(7)).iter().map(|u| u.id.0).collect();
        assert_eq!(ids, [2, 3, 1]);
        assert!(users.assignable(UnitId(9)).is_empty());
    }

    #[test]
    fn a_drop_down_lists_active_units_in_list_order_and_none_past_its_cap() {
        let mut units = vec![
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(1)),
            unit(4, None),
        ];
        units[0].sort_order = 2;
        units[2].active = false;
        let units = Units::new(units);
        let ids =
            |keep, max| -> Vec<i64> { units.choices(keep, max).iter().map(|u| u.id.0).collect() };
        assert_eq!(ids(None, 10), [2, 4, 1]);
        assert_eq!(ids(Some(UnitId(3)), 10), [2, 3, 4, 1]);
        assert!(ids(None, 2).is_empty());
    }

    #[test]
    fn a_directory_covers_only_versions_it_has_reached() {
        let mut directory = Directory::empty();
        assert!(!directory.covers(Versions([0, 0, 0, 0, 0])));
        directory.fields.version = 4;
        directory.plans.version = 3;
        directory.shortcomings.version = 1;
        directory.units.version = 2;
        directory.users.version = 5;
        assert!(directory.covers(Versions([4, 3, 1, 2, 5])));
        assert!(directory.covers(Versions([0, 2, 0, 0, 0])));
        assert!(!directory.covers(Versions([4, 3, 1, 2, 6])));
        // A version the statement could not read counts as never reached.
        assert!(!directory.covers(Versions::from_column(&[4, 3, 1, 2])));
    }
}
