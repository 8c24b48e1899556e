//! Command-line interface: `remediation-portal [serve | migrate | seed-demo | seed-bench |
//! create-admin | help | version]`.

use crate::seed::bench::{BenchSize, Preset};

/// What the operator asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start the web server (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the demo data into an empty database and exit.
    SeedDemo,
    /// Generate benchmark data of this size into an empty database and exit.
    SeedBench(BenchSize),
    /// Create an administrator account (for a new installation) and exit.
    CreateAdmin(NewAdmin),
    Help,
    Version,
}

/// The account `create-admin` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdmin {
    pub username: String,
    pub full_name: String,
    /// Code of the unit the account belongs to (created as the City office if the database
    /// has no units yet).
    pub unit: String,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        Some("create-admin") => return parse_create_admin(&args[1..]),
        Some("seed-bench") => return parse_seed_bench(&args[1..]),
        _ => {}
    }
    match args {
        [] => Ok(Command::Serve),
        [one] => match one.as_str() {
            "serve" => Ok(Command::Serve),
            "migrate" => Ok(Command::Migrate),
            "seed-demo" => Ok(Command::SeedDemo),
            "help" | "--help" | "-h" => Ok(Command::Help),
            "version" | "--version" | "-V" => Ok(Command::Version),
            other => Err(format!("unknown command '{other}'")),
        },
        _ => Err(format!("unexpected arguments: {}", args.join(" "))),
    }
}

fn parse_create_admin(args: &[String]) -> Result<Command, String> {
    let mut username = None;
    let mut full_name = None;
    let mut unit = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--name" => full_name = Some(rest.next().ok_or("--name needs a value")?.clone()),
            "--unit" => unit = Some(rest.next().ok_or("--unit needs a value")?.clone()),
            other if other.starts_with("--") => return Err(format!("unknown option '{other}'")),
            other if username.is_none() => username = Some(other.to_owned()),
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    let username = username.ok_or("create-admin needs a USERNAME")?;
    Ok(Command::CreateAdmin(NewAdmin {
        full_name: full_name.unwrap_or_else(|| username.clone()),
        username,
        unit: unit.unwrap_or_else(|| "VPUB".to_owned()),
    }))
}

/// `--preset city|national`, or `--tasks N --units U --users V`; numbers given with a preset
/// replace the preset's.
fn parse_seed_bench(args: &[String]) -> Result<Command, String> {
    let mut preset = None;
    let (mut tasks, mut units, mut users) = (None, None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let option = arg.as_str();
        let value = match option {
            "--preset" | "--tasks" | "--units" | "--users" => rest
                .next()
                .ok_or_else(|| format!("{option} needs a value"))?,
            other if other.starts_with("--") => return Err(format!("unknown option '{other}'")),
            other => return Err(format!("unexpected argument '{other}'")),
        };
        match option {
            "--preset" => {
                preset = Some(
                    Preset::from_name(value)
                        .ok_or_else(|| format!("unknown preset '{value}' (city or national)"))?,
                )
            }
            "--tasks" => tasks = Some(number(option, value)?),
            "--units" => units = Some(number(option, value)?),
            _ => users = Some(number(option, value)?),
        }
    }
    let size = match (preset, tasks, units, users) {
        (Some(preset), ..) => {
            let (t, u, v) = preset.numbers();
            BenchSize::new(tasks.unwrap_or(t), units.unwrap_or(u), users.unwrap_or(v))?
        }
        (None, Some(tasks), Some(units), Some(users)) => BenchSize::new(tasks, units, users)?,
        (None, ..) => {
            return Err(
                "seed-bench needs --preset city|national, or all of --tasks, --units and --users"
                    .to_owned(),
            );
        }
    };
    Ok(Command::SeedBench(size))
}

/// A count as people type it: `2000000` or `2_000_000`.
fn number(option: &str, value: &str) -> Result<u64, String> {
    let digits: String = value.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{option} needs a whole number, not '{value}'"));
    }
    digits
        .parse()
        .map_err(|_| format!("{option} {value} is too large"))
}

pub const USAGE: &str = "\
Remediation Tracking Portal

Usage: remediation-portal [COMMAND]

Commands:
  serve       start the portal (the default)
  migrate     apply pending database migrations, then exit
  seed-demo   load the Vietnamese demo data into an empty database, then exit
  seed-bench --preset city|national | --tasks N --units U --users V
              generate benchmark data into an empty database, then exit (city: 25 000
              tasks, 60 units, 1 000 users; national: 2 000 000, 5 000, 50 000; numbers
              given with a preset replace its own; every account's password is the demo's)
  create-admin USERNAME [--name \"FULL NAME\"] [--unit CODE]
              create an administrator with a temporary password (printed once, to be
              changed at the first sign-in), then exit
  help        show this help
  version     show the version

Configuration comes from environment variables (see docs/configuration.md). Without DATABASE_URL the
portal runs its own PostgreSQL in PORTAL_DATA_DIR (default ./data).";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(&args(&[])), Ok(Command::Serve));
        assert_eq!(parse(&args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(parse(&args(&["seed-demo"])), Ok(Command::SeedDemo));
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
        assert!(parse(&args(&["drop-everything"])).is_err());
        assert!(parse(&args(&["serve", "now"])).is_err());
        assert_eq!(
            parse(&args(&[
                "create-admin",
                "quantri",
                "--name",
                "Nguyễn Văn A"
            ])),
            Ok(Command::CreateAdmin(NewAdmin {
                username: "quantri".into(),
                full_name: "Nguyễn Văn A".into(),
                unit: "VPUB".into(),
            }))
        );
        assert!(parse(&args(&["create-admin"])).is_err());
        assert!(parse(&args(&["create-admin", "a", "--unit"])).is_err());
    }

    #[test]
    fn parses_seed_bench() {
        let size = |tasks, units, users| {
            Ok(Command::SeedBench(
                BenchSize::new(tasks, units, users).unwrap(),
            ))
        };
        assert_eq!(
            parse(&args(&["seed-bench", "--preset", "city"])),
            size(25_000, 60, 1_000)
        );
        assert_eq!(
            parse(&args(&[
                "seed-bench",
                "--preset",
                "national",
                "--tasks",
                "500_000"
            ])),
            size(500_000, 5_000, 50_000)
        );
        assert_eq!(
            parse(&args(&[
                "seed-bench",
                "--tasks",
                "3000",
                "--units",
                "20",
                "--users",
                "150"
            ])),
            size(3_000, 20, 150)
        );
        let error = |list: &[&str]| parse(&args(list)).unwrap_err();
        assert!(error(&["seed-bench"]).contains("--preset city|national"));
        assert!(error(&["seed-bench", "--tasks", "10", "--units", "5"]).contains("all of"));
        assert!(error(&["seed-bench", "--preset", "world"]).contains("unknown preset 'world'"));
        assert!(error(&["seed-bench", "--preset"]).contains("needs a value"));
        assert!(
            error(&["seed-bench", "--preset", "city", "--tasks", "2e6"]).contains("whole number")
        );
        assert!(error(&["seed-bench", "--preset", "city", "--units", "0"]).contains("--units"));
        assert!(error(&["seed-bench", "--preset", "city", "--units", "600"]).contains("at least"));
        assert!(error(&["seed-bench", "--fast"]).contains("unknown option"));
    }
}
