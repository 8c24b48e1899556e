//! The command line: `seed-bench --preset city|national | --tasks N --units U --users V
//! [--data-dir DIR]`.

use std::path::PathBuf;

use crate::load::{BenchSize, Preset};

/// What was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Generate data of `size`; into the embedded database in `data_dir` when given.
    Generate {
        size: BenchSize,
        data_dir: Option<PathBuf>,
    },
    Help,
}

/// Parses the arguments after the program name: `--preset city|national`, or `--tasks N
/// --units U --users V`; numbers given with a preset replace the preset's.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut preset = None;
    let (mut tasks, mut units, mut users) = (None, None, None);
    let mut data_dir = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let option = arg.as_str();
        let value = match option {
            "--help" | "-h" => return Ok(Command::Help),
            "--preset" | "--tasks" | "--units" | "--users" | "--data-dir" => rest
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
            "--users" => users = Some(number(option, value)?),
            _ => data_dir = Some(PathBuf::from(value)),
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
    Ok(Command::Generate { size, data_dir })
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
seed-bench: benchmark data for the Remediation Tracking Portal

Usage: seed-bench --preset city|national [--tasks N] [--units U] [--users V] [--data-dir DIR]
       seed-bench --tasks N --units U --users V [--data-dir DIR]

Generates benchmark data into an empty database, then exits (city: 25 000 tasks, 60 units,
1 000 users; national: 2 000 000, 5 000, 50 000; numbers given with a preset replace its own;
every account's password is the demo's).

Options:
  --preset city|national     a named size
  --tasks N, --units U, --users V
                             the numbers (2000000 or 2_000_000)
  --data-dir DIR             the embedded database's directory, instead of PORTAL_DATA_DIR
                             (default ./data); not with DATABASE_URL, which names another
  -h, --help                 show this help

Configuration comes from the portal's environment variables (see docs/configuration.md).";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn size(tasks: u64, units: u64, users: u64) -> Result<Command, String> {
        Ok(Command::Generate {
            size: BenchSize::new(tasks, units, users).unwrap(),
            data_dir: None,
        })
    }

    #[test]
    fn parses_sizes() {
        assert_eq!(parse(&args(&["--preset", "city"])), size(25_000, 60, 1_000));
        assert_eq!(
            parse(&args(&["--preset", "national", "--tasks", "500_000"])),
            size(500_000, 5_000, 50_000)
        );
        assert_eq!(
            parse(&args(&[
                "--tasks", "3000", "--units", "20", "--users", "150"
            ])),
            size(3_000, 20, 150)
        );
        assert_eq!(
            parse(&args(&["--preset", "city", "--data-dir", "bench-city"])),
            Ok(Command::Generate {
                size: BenchSize::new(25_000, 60, 1_000).unwrap(),
                data_dir: Some(PathBuf::from("bench-city")),
            })
        );
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
    }

    #[test]
    fn refuses_with_clear_messages() {
        let error = |list: &[&str]| parse(&args(list)).unwrap_err();
        assert!(error(&[]).contains("--preset city|national"));
        assert!(error(&["--tasks", "10", "--units", "5"]).contains("all of"));
        assert!(error(&["--preset", "world"]).contains("unknown preset 'world'"));
        assert!(error(&["--preset"]).contains("needs a value"));
        assert!(error(&["--preset", "city", "--data-dir"]).contains("needs a value"));
        assert!(error(&["--preset", "city", "--tasks", "2e6"]).contains("whole number"));
        assert!(error(&["--preset", "city", "--units", "0"]).contains("--units"));
        assert!(error(&["--preset", "city", "--units", "600"]).contains("at least"));
        assert!(error(&["--fast"]).contains("unknown option"));
        assert!(error(&["city"]).contains("unexpected argument 'city'"));
    }
}
