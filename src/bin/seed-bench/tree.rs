//! The benchmark's units and accounts, worked out in Rust (thousands of rows at most) and
//! inserted in one statement each.
//!
//! Units come in blocks of 60: the first block is Hanoi (the City office, the 20 other
//! city bodies and 30 districts of the demo, and divisions of the first districts); every
//! further block is a province ("tỉnh 17") with 20 departments, 25 districts numbered across the
//! country ("UBND huyện 123, tỉnh 17") and divisions of its first 15 districts. Inside a block
//! departments, districts and divisions alternate, so any number of units has all three kinds.
//!
//! Accounts: `bench.admin`, `bench.reviewer` and `bench.viewer` in the City office; for every
//! other unit a head, `<code>.lanhdao`, and officers `<code>.cb1`, `<code>.cb2`… (the unit's code
//! in lower case, as the demo names them: `stnmt.lanhdao`, `t17.h123.cb2`), the officers shared
//! out in turn until the number asked for is reached.

use remediation_portal::domain::{Role, UnitKind};
use remediation_portal::seed::catalog::{Catalog, Names};
use remediation_portal::seed::rng::Rng;

/// Districts of a province after the first, and how many of them have a division.
const PROVINCE_DISTRICTS: usize = 25;
const PROVINCE_DIVISIONS: usize = 15;
/// Districts of Hanoi with a division in the benchmark (the City preset is exactly Hanoi).
const HANOI_DIVISIONS: usize = 9;
/// The accounts of the City office: administrator, reviewer, viewer.
pub const CITY_ACCOUNTS: usize = 3;

/// A unit to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchUnit {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    pub parent: Option<String>,
    /// Where the unit's tasks take place, for titles ("trên địa bàn quận Cầu Giấy").
    pub place: String,
    /// Title of the unit's head, and of the leader in charge of its tasks.
    pub head_title: String,
    pub leader_title: &'static str,
}

/// An account to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchUser {
    pub username: String,
    pub full_name: String,
    pub title: String,
    pub unit: String,
    pub role: Role,
}

/// The first `count` units: the City office first, then block after block, made from the
/// demo's units.
pub fn units(count: usize, demo: &Catalog) -> Vec<BenchUnit> {
    let mut units = vec![city_office()];
    let mut province = 1;
    while units.len() < count {
        let block = if province == 1 {
            hanoi(demo)
        } else {
            self::province(province, demo)
        };
        units.extend(block.into_iter().take(count - units.len()));
        province += 1;
    }
    units.truncate(count);
    units
}

fn city_office() -> BenchUnit {
    BenchUnit {
        code: "VPUB".into(),
        name: "Văn phòng UBND Thành phố".into(),
        short_name: "VP UBND TP".into(),
        kind: UnitKind::CityOffice,
        parent: None,
        place: "Thành phố".into(),
        head_title: "Phó Chánh Văn phòng".into(),
        leader_title: "Phó Chủ tịch UBND Thành phố",
    }
}

/// Hanoi: the demo's city bodies and districts, with divisions of its first districts.
fn hanoi(demo: &Catalog) -> Vec<BenchUnit> {
    let departments = demo
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .map(|u| BenchUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: UnitKind::Department,
            parent: None,
            place: "Thành phố".into(),
            head_title: u.head_title.clone(),
            leader_title: "Phó Giám đốc Sở",
        })
        .collect();
    let districts: Vec<BenchUnit> = demo
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::District)
        .map(|u| district(&u.code, &u.name, &u.short_name))
        .collect();
    let divisions = districts
        .iter()
        .take(HANOI_DIVISIONS)
        .enumerate()
        .map(|(n, d)| division(d, n))
        .collect();
    interleave(departments, districts, divisions)
}

/// Province `number` (2, 3, …): its departments, districts and divisions.
fn province(number: usize, demo: &Catalog) -> Vec<BenchUnit> {
    let departments = demo
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .map(|u| BenchUnit {
            code: format!("T{number}.{}", u.code),
            name: format!("{} tỉnh {number}", u.name),
            short_name: format!("{} T{number}", u.short_name),
            kind: UnitKind::Department,
            parent: None,
            place: format!("tỉnh {number}"),
            head_title: u.head_title.clone(),
            leader_title: "Phó Giám đốc Sở",
        })
        .collect();
    // Numbered across the country, so every district has its own number.
    let first = (number - 2) * PROVINCE_DISTRICTS + 1;
    let districts: Vec<BenchUnit> = (first..first + PROVINCE_DISTRICTS)
        .map(|n| {
            district(
                &format!("T{number}.H{n}"),
                &format!("UBND huyện {n}, tỉnh {number}"),
                &format!("H. {n}"),
            )
        })
        .collect();
    let divisions = districts
        .iter()
        .take(PROVINCE_DIVISIONS)
        .enumerate()
        .map(|(n, d)| division(d, n))
        .collect();
    interleave(departments, districts, divisions)
}

fn district(code: &str, name: &str, short_name: &str) -> BenchUnit {
    BenchUnit {
        code: code.into(),
        name: name.into(),
        short_name: short_name.into(),
        kind: UnitKind::District,
        parent: None,
        // "trên địa bàn quận Cầu Giấy", not "… UBND quận Cầu Giấy".
        place: name.trim_start_matches("UBND ").into(),
        head_title: "Phó Chủ tịch UBND".into(),
        leader_title: "Phó Chủ tịch UBND",
    }
}

/// The `n`th division of a block, under `district`: natural resources or urban management, in
/// turn.
fn division(district: &BenchUnit, n: usize) -> BenchUnit {
    let (suffix, name, short) = if n.is_multiple_of(2) {
        ("TNMT", "Phòng Tài nguyên và Môi trường", "P. TN&MT")
    } else {
        ("QLDT", "Phòng Quản lý đô thị", "P. QLĐT")
    };
    let place = district.place.split(',').next().unwrap_or_default().trim();
    BenchUnit {
        code: format!("{}.{suffix}", district.code),
        name: format!("{name} {place}"),
        short_name: format!("{short} {}", district.short_name),
        kind: UnitKind::Division,
        parent: Some(district.code.clone()),
        place: district.place.clone(),
        head_title: "Trưởng phòng".into(),
        leader_title: "Phó Trưởng phòng",
    }
}

/// Department, district, division of that district, next department…: any prefix of a block
/// has every kind, and a division always comes after its district.
fn interleave(
    departments: Vec<BenchUnit>,
    districts: Vec<BenchUnit>,
    divisions: Vec<BenchUnit>,
) -> Vec<BenchUnit> {
    let rounds = departments.len().max(districts.len());
    let mut departments = departments.into_iter();
    let mut districts = districts.into_iter();
    let mut divisions = divisions.into_iter();
    let mut out = Vec::new();
    for _ in 0..rounds {
        out.extend(departments.next());
        out.extend(districts.next());
        out.extend(divisions.next());
    }
    out
}

/// The fewest accounts `units` units need: the City's three, and a head and an officer for
/// every other unit.
pub fn fewest_users(units: usize) -> usize {
    CITY_ACCOUNTS + 2 * units.saturating_sub(1)
}

/// `count` accounts for `units` (at least [`fewest_users`]), with names drawn from `rng`.
pub fn users(units: &[BenchUnit], count: usize, rng: &mut Rng, names: &Names) -> Vec<BenchUser> {
    let office = units[0].code.clone();
    let mut users = Vec::with_capacity(count);
    for (username, title, role) in [
        ("bench.admin", "Quản trị hệ thống", Role::Admin),
        ("bench.reviewer", "Chuyên viên theo dõi", Role::CityReviewer),
        ("bench.viewer", "Đại biểu giám sát (chỉ xem)", Role::Viewer),
    ] {
        users.push(BenchUser {
            username: username.into(),
            full_name: person(rng, names),
            title: title.into(),
            unit: office.clone(),
            role,
        });
    }
    let others = &units[1..];
    for unit in others {
        users.push(BenchUser {
            username: format!("{}.lanhdao", login(unit)),
            full_name: person(rng, names),
            title: unit.head_title.clone(),
            unit: unit.code.clone(),
            role: Role::UnitHead,
        });
    }
    let officers = count.saturating_sub(users.len());
    for n in 0..officers {
        let unit = &others[n % others.len()];
        users.push(BenchUser {
            username: format!("{}.cb{}", login(unit), n / others.len() + 1),
            full_name: person(rng, names),
            title: "Chuyên viên".into(),
            unit: unit.code.clone(),
            role: Role::Officer,
        });
    }
    users
}

/// The unit's part of its accounts' usernames.
pub fn login(unit: &BenchUnit) -> String {
    unit.code.to_ascii_lowercase()
}

fn person(rng: &mut Rng, names: &Names) -> String {
    let family = rng.pick(&names.family);
    let middle = rng.pick(&names.middle);
    let given = rng.pick(&names.given);
    format!("{family} {middle} {given}")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn demo() -> Catalog {
        Catalog::embedded().unwrap()
    }

    #[test]
    fn the_city_preset_is_hanoi() {
        let units = units(60, &demo());
        assert_eq!(units.len(), 60);
        assert_eq!(units[0].code, "VPUB");
        let count = |kind| units.iter().filter(|u| u.kind == kind).count();
        assert_eq!(count(UnitKind::Department), 20);
        assert_eq!(count(UnitKind::District), 30);
        assert_eq!(count(UnitKind::Division), 9);
        assert!(units.iter().any(|u| u.name == "UBND huyện Ứng Hòa"));
        let division = units.iter().find(|u| u.code == "BADINH.TNMT").unwrap();
        assert_eq!(division.name, "Phòng Tài nguyên và Môi trường quận Ba Đình");
        assert_eq!(division.parent.as_deref(), Some("BADINH"));
    }

    #[test]
    fn provinces_follow_with_unique_codes_and_parents_first() {
        let units = units(5000, &demo());
        assert_eq!(units.len(), 5000);
        let mut seen = HashSet::new();
        for unit in &units {
            if let Some(parent) = &unit.parent {
                assert!(seen.contains(parent), "{} before its parent", unit.code);
            }
            assert!(seen.insert(unit.code.clone()), "{} twice", unit.code);
            assert!(unit.code.len() <= 32);
        }
        let t17 = units.iter().find(|u| u.code == "T17.STC").unwrap();
        assert_eq!(t17.name, "Sở Tài chính tỉnh 17");
        let district = units.iter().find(|u| u.code == "T17.H376").unwrap();
        assert_eq!(district.name, "UBND huyện 376, tỉnh 17");
        assert_eq!(district.place, "huyện 376, tỉnh 17");
        let division = units.iter().find(|u| u.code == "T17.H376.TNMT").unwrap();
        assert_eq!(division.name, "Phòng Tài nguyên và Môi trường huyện 376");
    }

    #[test]
    fn a_few_units_have_every_kind() {
        let units = units(20, &demo());
        for kind in [
            UnitKind::CityOffice,
            UnitKind::Department,
            UnitKind::District,
            UnitKind::Division,
        ] {
            assert!(units.iter().any(|u| u.kind == kind), "{kind:?}");
        }
    }

    #[test]
    fn every_unit_gets_a_head_and_officers_in_turn() {
        let units = units(20, &demo());
        let users = users(&units, 150, &mut Rng::new(1), &demo().names);
        assert_eq!(users.len(), 150);
        assert_eq!(fewest_users(20), 41);
        let names: HashSet<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names.len(), 150);
        for name in [
            "bench.admin",
            "bench.reviewer",
            "bench.viewer",
            "snv.lanhdao",
            "snv.cb1",
            "badinh.tnmt.cb1",
        ] {
            assert!(names.contains(name), "{name}");
        }
        for unit in &units[1..] {
            let officers = users
                .iter()
                .filter(|u| u.unit == unit.code && u.role == Role::Officer)
                .count();
            assert!((6..=7).contains(&officers), "{}: {officers}", unit.code);
        }
    }
}
