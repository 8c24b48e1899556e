//! Configuration from environment variables. Every variable has a default that suits a developer
//! machine; a bad value stops the program with one line naming the variable (docs/configuration.md).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;

use crate::i18n::Lang;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the portal reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the web server listens on (`PORTAL_BIND`).
    pub bind: SocketAddr,
    /// External PostgreSQL server (`DATABASE_URL`); `None` starts the embedded one.
    pub database_url: Option<String>,
    /// Where the embedded database and the lock file live (`PORTAL_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Directory with `initdb` and `postgres` (`PG_BIN`); `None` searches for them.
    pub pg_bin: Option<PathBuf>,
    /// The City's time zone: deadlines are calendar dates there (`PORTAL_TIME_ZONE`).
    pub time_zone: Tz,
    /// Log filter (`PORTAL_LOG`, else `RUST_LOG`).
    pub log_filter: String,
    pub log_format: LogFormat,
    /// Language when neither the cookie nor `Accept-Language` decides (`PORTAL_DEFAULT_LANG`).
    pub default_lang: Lang,
    /// Open tasks with at most this many days left are "due soon" (`PORTAL_DUE_SOON_DAYS`).
    pub due_soon_days: i32,
    /// Days before a deadline at which the task's people are told, widest first (7, 1).
    pub due_soon_notice_days: Vec<i32>,
    /// Days before a periodic report's due date at which its unit is told.
    pub report_notice_days: i32,
    /// Open tasks without an update for this many days are "stale" (`PORTAL_STALE_DAYS`).
    pub stale_days: i32,
    /// Connections in the pool (`PORTAL_DB_MAX_CONNECTIONS`).
    pub db_max_connections: u32,
    /// How long a request waits for a database connection before it is answered 503 "try
    /// again shortly" (`PORTAL_DB_WAIT_SECS`).
    pub db_wait: Duration,
    /// How long start-up keeps trying to reach the database before giving up
    /// (`PORTAL_DB_CONNECT_SECS`).
    pub db_connect: Duration,
    /// On SIGTERM, how long the portal goes on serving with `/readyz` answering 503, so a load
    /// balancer moves traffic away before the listener closes (`PORTAL_DRAIN_SECS`).
    pub drain: Duration,
    /// Load demo data on the first start of the embedded database (`PORTAL_DEMO_DATA`).
    pub demo_data: bool,
    /// How often the background jobs run (`PORTAL_JOB_INTERVAL_SECS`).
    pub job_interval: Duration,
    /// A session ends after this long without a request (`PORTAL_SESSION_IDLE_MINUTES`).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active (`PORTAL_SESSION_MAX_HOURS`).
    pub session_lifetime: Duration,
    /// Failed sign-ins in a row that lock an account (`PORTAL_LOGIN_MAX_FAILURES`).
    pub login_max_failures: i32,
    /// How long a locked account stays locked (`PORTAL_LOGIN_LOCK_MINUTES`).
    pub login_lock: Duration,
    /// Failed sign-ins from one address in 15 minutes before it is throttled
    /// (`PORTAL_LOGIN_IP_LIMIT`).
    pub login_ip_limit: i32,
    /// The portal is served over HTTPS (by itself or a proxy): `Secure` cookies and HSTS
    /// (`PORTAL_HTTPS`).
    pub https: bool,
    /// Largest file accepted as an upload, in bytes (`PORTAL_MAX_UPLOAD_MB`).
    pub max_upload_bytes: usize,
    /// The mail server notifications are sent through; `None` (no `PORTAL_SMTP_HOST`): no email.
    pub smtp: Option<SmtpConfig>,
    /// How often the email sender looks for mail to send (`PORTAL_EMAIL_POLL_SECS`).
    pub email_poll: Duration,
    /// The portal's address as its users reach it (`PORTAL_PUBLIC_URL`, no trailing slash), for
    /// links in emails; `None`: emails carry no links.
    pub public_url: Option<String>,
    /// Rows a worksheet of an export holds, its header included: Excel's 1,048,576
    /// (`domain::export::SHEET_ROWS`). Not read from the environment; tests lower it to see a
    /// longer list refused without writing a million rows.
    pub sheet_rows: u32,
}

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or a test server.
    None,
}

/// The mail server settings (`PORTAL_SMTP_*`).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The sender of every mail, `name <address>` or a bare address.
    pub from: String,
}

/// Never prints the password (the configuration is logged at start in debug builds).
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.credentials.as_ref().map(|(user, _)| user))
            .field("from", &self.from)
            .finish()
    }
}

/// A configuration variable with a value the portal cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration error: {var}={value:?}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can supply any environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let bind = parse_or("PORTAL_BIND", get("PORTAL_BIND"), "127.0.0.1:8080", |v| {
            v.parse::<SocketAddr>()
                .map_err(|_| "expected host:port, for example 127.0.0.1:8080".to_owned())
        })?;
        let database_url = match get("DATABASE_URL") {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Some(url)
            }
            Some(url) => {
                return Err(ConfigError {
                    var: "DATABASE_URL",
                    value: redact_url(&url),
                    reason: "expected a postgres:// or postgresql:// URL".into(),
                });
            }
            None => None,
        };
        let data_dir = PathBuf::from(get("PORTAL_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let pg_bin = get("PG_BIN").map(PathBuf::from);
        let time_zone = parse_or(
            "PORTAL_TIME_ZONE",
            get("PORTAL_TIME_ZONE"),
            "Asia/Ho_Chi_Minh",
            |v| {
                v.parse::<Tz>()
                    .map_err(|_| "not an IANA time zone, for example Asia/Ho_Chi_Minh".to_owned())
            },
        )?;
        let log_filter = get("PORTAL_LOG")
            .or_else(|| get("RUST_LOG"))
            .unwrap_or_else(|| "info,sqlx=warn,tower_http=info".into());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| ConfigError {
            var: "PORTAL_LOG",
            value: log_filter.clone(),
            reason: e.to_string(),
        })?;
        let log_format = parse_or(
            "PORTAL_LOG_FORMAT",
            get("PORTAL_LOG_FORMAT"),
            "text",
            |v| match v {
                "text" => Ok(LogFormat::Text),
                "json" => Ok(LogFormat::Json),
                _ => Err("expected text or json".to_owned()),
            },
        )?;
        let default_lang = parse_or(
            "PORTAL_DEFAULT_LANG",
            get("PORTAL_DEFAULT_LANG"),
            "vi",
            |v| Lang::from_code(v).ok_or_else(|| "expected vi or en".to_owned()),
        )?;
        let due_soon_days = parse_or(
            "PORTAL_DUE_SOON_DAYS",
            get("PORTAL_DUE_SOON_DAYS"),
            "7",
            |v| int_in_range(v, 0, 365),
        )?;
        let stale_days = parse_or("PORTAL_STALE_DAYS", get("PORTAL_STALE_DAYS"), "30", |v| {
            int_in_range(v, 1, 3650)
        })?;
        let due_soon_notice_days = parse_or(
            "PORTAL_DUE_SOON_NOTICE_DAYS",
            get("PORTAL_DUE_SOON_NOTICE_DAYS"),
            "7,1",
            |v| {
                let mut days = v
                    .split(',')
                    .map(|d| int_in_range(d.trim(), 0, 365))
                    .collect::<Result<Vec<i32>, String>>()?;
                days.sort_unstable_by(|a, b| b.cmp(a));
                days.dedup();
                Ok(days)
            },
        )?;
        let report_notice_days = parse_or(
            "PORTAL_REPORT_NOTICE_DAYS",
            get("PORTAL_REPORT_NOTICE_DAYS"),
            "7",
            |v| int_in_range(v, 0, 365),
        )?;
        let db_max_connections = parse_or(
            "PORTAL_DB_MAX_CONNECTIONS",
            get("PORTAL_DB_MAX_CONNECTIONS"),
            "10",
            |v| int_in_range(v, 1, 1000).map(|n| n as u32),
        )?;
        let seconds = |var: &'static str, default: &str, max: i32| {
            parse_or(var, get(var), default, |v| {
                int_in_range(v, 0, max).map(|n| Duration::from_secs(n as u64))
            })
        };
        let db_wait = parse_or(
            "PORTAL_DB_WAIT_SECS",
            get("PORTAL_DB_WAIT_SECS"),
            "2",
            |v| int_in_range(v, 1, 600).map(|n| Duration::from_secs(n as u64)),
        )?;
        let db_connect = seconds("PORTAL_DB_CONNECT_SECS", "60", 86_400)?;
        let drain = seconds("PORTAL_DRAIN_SECS", "5", 600)?;
        let demo_data = parse_or(
            "PORTAL_DEMO_DATA",
            get("PORTAL_DEMO_DATA"),
            "true",
            parse_bool,
        )?;
        let job_interval = parse_or(
            "PORTAL_JOB_INTERVAL_SECS",
            get("PORTAL_JOB_INTERVAL_SECS"),
            "300",
            |v| int_in_range(v, 1, 86_400).map(|n| Duration::from_secs(n as u64)),
        )?;

        let session_idle = parse_or(
            "PORTAL_SESSION_IDLE_MINUTES",
            get("PORTAL_SESSION_IDLE_MINUTES"),
            "60",
            |v| int_in_range(v, 1, 24 * 60).map(|n| Duration::from_secs(n as u64 * 60)),
        )?;
        let session_lifetime = parse_or(
            "PORTAL_SESSION_MAX_HOURS",
            get("PORTAL_SESSION_MAX_HOURS"),
            "12",
            |v| int_in_range(v, 1, 24 * 30).map(|n| Duration::from_secs(n as u64 * 3600)),
        )?;
        let login_max_failures = parse_or(
            "PORTAL_LOGIN_MAX_FAILURES",
            get("PORTAL_LOGIN_MAX_FAILURES"),
            "5",
            |v| int_in_range(v, 1, 100),
        )?;
        let login_lock = parse_or(
            "PORTAL_LOGIN_LOCK_MINUTES",
            get("PORTAL_LOGIN_LOCK_MINUTES"),
            "15",
            |v| int_in_range(v, 1, 24 * 60).map(|n| Duration::from_secs(n as u64 * 60)),
        )?;
        let login_ip_limit = parse_or(
            "PORTAL_LOGIN_IP_LIMIT",
            get("PORTAL_LOGIN_IP_LIMIT"),
            "30",
            |v| int_in_range(v, 1, 100_000),
        )?;
        let https = parse_or("PORTAL_HTTPS", get("PORTAL_HTTPS"), "false", parse_bool)?;
        let max_upload_bytes = parse_or(
            "PORTAL_MAX_UPLOAD_MB",
            get("PORTAL_MAX_UPLOAD_MB"),
            "20",
            |v| int_in_range(v, 1, 1024).map(|mb| mb as usize * 1024 * 1024),
        )?;
        let smtp = smtp_config(&get)?;
        let email_poll = parse_or(
            "PORTAL_EMAIL_POLL_SECS",
            get("PORTAL_EMAIL_POLL_SECS"),
            "10",
            |v| int_in_range(v, 1, 3600).map(|n| Duration::from_secs(n as u64)),
        )?;
        let public_url = match get("PORTAL_PUBLIC_URL") {
            None => None,
            Some(url) => Some(parse_or("PORTAL_PUBLIC_URL", Some(url), "", |v| {
                let url = v.trim_end_matches('/');
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"));
                match rest {
                    Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
                        Ok(url.to_owned())
                    }
                    _ => Err("expected http:// or https:// and a host, for example https://theodoi.hanoi.gov.vn".to_owned()),
                }
            })?),
        };

        Ok(Config {
            bind,
            database_url,
            data_dir,
            pg_bin,
            time_zone,
            log_filter,
            log_format,
            default_lang,
            due_soon_days,
            due_soon_notice_days,
            report_notice_days,
            stale_days,
            db_max_connections,
            db_wait,
            db_connect,
            drain,
            demo_data,
            job_interval,
            session_idle,
            session_lifetime,
            login_max_failures,
            login_lock,
            login_ip_limit,
            https,
            max_upload_bytes,
            smtp,
            email_poll,
            public_url,
            sheet_rows: 1_048_576,
        })
    }
}

/// The mail server settings: none without `PORTAL_SMTP_HOST`; with it, `PORTAL_SMTP_FROM` is
/// required and the other variables have defaults.
fn smtp_config(get: &impl Fn(&str) -> Option<String>) -> Result<Option<SmtpConfig>, ConfigError> {
    let Some(host) = get("PORTAL_SMTP_HOST") else {
        return Ok(None);
    };
    let host = parse_or("PORTAL_SMTP_HOST", Some(host), "", |v| {
        if v.contains(|c: char| c.is_whitespace() || c == '/' || c == '@') {
            Err("expected a host name or address, for example smtp.hanoi.gov.vn".to_owned())
        } else {
            Ok(v.to_owned())
        }
    })?;
    let port = parse_or("PORTAL_SMTP_PORT", get("PORTAL_SMTP_PORT"), "587", |v| {
        int_in_range(v, 1, 65_535).map(|n| n as u16)
    })?;
    let tls = parse_or(
        "PORTAL_SMTP_TLS",
        get("PORTAL_SMTP_TLS"),
        "starttls",
        |v| match v.to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" => Ok(SmtpTls::Tls),
            "none" => Ok(SmtpTls::None),
            _ => Err("expected starttls, tls or none".to_owned()),
        },
    )?;
    let credentials = match (get("PORTAL_SMTP_USERNAME"), get("PORTAL_SMTP_PASSWORD")) {
        (None, None) => None,
        (Some(user), Some(password)) => Some((user.trim().to_owned(), password)),
        (None, Some(_)) => {
            return Err(ConfigError {
                var: "PORTAL_SMTP_USERNAME",
                value: String::new(),
                reason: "required when PORTAL_SMTP_PASSWORD is set".into(),
            });
        }
        (Some(user), None) => {
            return Err(ConfigError {
                var: "PORTAL_SMTP_PASSWORD",
                value: String::new(),
                reason: format!("required when PORTAL_SMTP_USERNAME is set ({user})"),
            });
        }
    };
    let Some(from) = get("PORTAL_SMTP_FROM") else {
        return Err(ConfigError {
            var: "PORTAL_SMTP_FROM",
            value: String::new(),
            reason: "required when PORTAL_SMTP_HOST is set, for example \"Theo dõi khắc phục <khacphuc@hanoi.gov.vn>\"".into(),
        });
    };
    let from = parse_or("PORTAL_SMTP_FROM", Some(from), "", |v| {
        v.parse::<lettre::message::Mailbox>()
            .map(|_| v.to_owned())
            .map_err(|_| "expected an email address, or a name and <address>".to_owned())
    })?;
    Ok(Some(SmtpConfig {
        host,
        port,
        tls,
        credentials,
        from,
    }))
}

fn parse_or<T>(
    var: &'static str,
    value: Option<String>,
    default: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    let value = value.unwrap_or_else(|| default.to_owned());
    parse(value.trim()).map_err(|reason| ConfigError { var, value, reason })
}

fn int_in_range(v: &str, min: i32, max: i32) -> Result<i32, String> {
    match v.parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from {min} to {max}")),
    }
}

fn parse_bool(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

/// Hides the password of a database URL before it is shown anywhere.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_suit_a_developer_machine() {
        let c = config(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert!(c.bind.ip().is_loopback());
        assert_eq!(c.database_url, None);
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.time_zone, chrono_tz::Asia::Ho_Chi_Minh);
        assert_eq!(c.default_lang, Lang::Vi);
        assert_eq!(c.due_soon_days, 7);
        assert_eq!(c.stale_days, 30);
        assert!(c.demo_data);
        assert_eq!(c.job_interval, Duration::from_secs(300));
        assert_eq!(c.sheet_rows, crate::domain::export::SHEET_ROWS);
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            ("PORTAL_BIND", "localhost"),
            ("PORTAL_TIME_ZONE", "Mars/Olympus"),
            ("PORTAL_DEFAULT_LANG", "fr"),
            ("PORTAL_DUE_SOON_DAYS", "-1"),
            ("PORTAL_STALE_DAYS", "many"),
            ("PORTAL_DB_MAX_CONNECTIONS", "0"),
            ("PORTAL_DEMO_DATA", "maybe"),
            ("PORTAL_LOG_FORMAT", "xml"),
            ("PORTAL_JOB_INTERVAL_SECS", "0"),
            ("PORTAL_SESSION_IDLE_MINUTES", "0"),
            ("PORTAL_SESSION_MAX_HOURS", "x"),
            ("PORTAL_LOGIN_MAX_FAILURES", "0"),
            ("PORTAL_LOGIN_LOCK_MINUTES", "-5"),
            ("PORTAL_LOGIN_IP_LIMIT", "none"),
            ("PORTAL_HTTPS", "sometimes"),
            ("PORTAL_MAX_UPLOAD_MB", "0"),
            ("DATABASE_URL", "mysql://x"),
            ("PORTAL_EMAIL_POLL_SECS", "0"),
            ("PORTAL_PUBLIC_URL", "theodoi.hanoi.gov.vn"),
        ];
        for (var, value) in cases {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
            assert!(err.to_string().contains(var));
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn accepts_explicit_values() {
        let c = config(&[
            ("PORTAL_BIND", "0.0.0.0:9000"),
            ("DATABASE_URL", "postgres://u:p@db/portal"),
            ("PORTAL_TIME_ZONE", "UTC"),
            ("PORTAL_DEFAULT_LANG", "en"),
            ("PORTAL_DEMO_DATA", "off"),
        ])
        .unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.database_url.as_deref(), Some("postgres://u:p@db/portal"));
        assert_eq!(c.time_zone, chrono_tz::UTC);
        assert_eq!(c.default_lang, Lang::En);
        assert!(!c.demo_data);
    }

    #[test]
    fn email_is_off_without_a_mail_server() {
        let c = config(&[("PORTAL_SMTP_FROM", "khacphuc@hanoi.gov.vn")]).unwrap();
        assert_eq!(c.smtp, None);
        assert_eq!(c.email_poll, Duration::from_secs(10));
        assert_eq!(c.public_url, None);
    }

    #[test]
    fn a_mail_server_needs_a_sender() {
        let c = config(&[
            ("PORTAL_SMTP_HOST", "smtp.hanoi.gov.vn"),
            (
                "PORTAL_SMTP_FROM",
                "Theo dõi khắc phục <khacphuc@hanoi.gov.vn>",
            ),
            ("PORTAL_PUBLIC_URL", "https://theodoi.hanoi.gov.vn/"),
        ])
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
        assert_eq!(smtp.credentials, None);
        assert_eq!(
            c.public_url.as_deref(),
            Some("https://theodoi.hanoi.gov.vn")
        );

        let c = config(&[
            ("PORTAL_SMTP_HOST", "127.0.0.1"),
            ("PORTAL_SMTP_PORT", "2525"),
            ("PORTAL_SMTP_TLS", "none"),
            ("PORTAL_SMTP_USERNAME", "portal"),
            ("PORTAL_SMTP_PASSWORD", "bí mật"),
            ("PORTAL_SMTP_FROM", "khacphuc@hanoi.gov.vn"),
        ])
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (2525, SmtpTls::None));
        assert!(!format!("{smtp:?}").contains("bí mật"));

        let host = ("PORTAL_SMTP_HOST", "smtp.hanoi.gov.vn");
        let from = ("PORTAL_SMTP_FROM", "khacphuc@hanoi.gov.vn");
        let cases: [(&[(&str, &str)], &str); 6] = [
            (&[host], "PORTAL_SMTP_FROM"),
            (
                &[host, ("PORTAL_SMTP_FROM", "not an address")],
                "PORTAL_SMTP_FROM",
            ),
            (
                &[host, from, ("PORTAL_SMTP_PORT", "70000")],
                "PORTAL_SMTP_PORT",
            ),
            (
                &[host, from, ("PORTAL_SMTP_TLS", "ssl3")],
                "PORTAL_SMTP_TLS",
            ),
            (
                &[host, from, ("PORTAL_SMTP_PASSWORD", "x")],
                "PORTAL_SMTP_USERNAME",
            ),
            (
                &[("PORTAL_SMTP_HOST", "smtp://x"), from],
                "PORTAL_SMTP_HOST",
            ),
        ];
        for (vars, var) in cases {
            let err = config(vars).unwrap_err();
            assert_eq!(err.var, var, "{vars:?}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://user:secret@host/db"),
            "postgres://user:***@host/db"
        );
        assert_eq!(redact_url("postgres://host/db"), "postgres://host/db");
    }
}
