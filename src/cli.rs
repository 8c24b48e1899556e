//! Command-line interface: `remediation-portal [serve | migrate | seed-demo | create-admin |
//! help | version]`.

/// What the operator asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start the web server (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the demo data into an empty database and exit.
    SeedDemo,
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
    if args.first().map(String::as_str) == Some("create-admin") {
        return parse_create_admin(&args[1..]);
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

pub const USAGE: &str = "\
Remediation Tracking Portal

Usage: remediation-portal [COMMAND]

Commands:
  serve       start the portal (the default)
  migrate     apply pending database migrations, then exit
  seed-demo   load the Vietnamese demo data into an empty database, then exit
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
}
