//! Command-line interface: `remediation-portal [serve | migrate | seed-demo | help | version]`.

/// What the operator asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Start the web server (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the demo data into an empty database and exit.
    SeedDemo,
    Help,
    Version,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
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

pub const USAGE: &str = "\
Remediation Tracking Portal

Usage: remediation-portal [COMMAND]

Commands:
  serve       start the portal (the default)
  migrate     apply pending database migrations, then exit
  seed-demo   load the Vietnamese demo data into an empty database, then exit
  help        show this help
  version     show the version

Configuration comes from environment variables (see README.md). Without DATABASE_URL the
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
    }
}
