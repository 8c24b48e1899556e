//! Sending the outbox by SMTP. The mail is written to `email_outbox` in the transaction that
//! makes the change (see the migration's trigger and [`super::digest`]); this sender takes due
//! rows after they are committed, renders them in the recipient's language, sends them and
//! records the outcome. A mail server that is down or refuses never fails a request or a job:
//! the row is tried again later with a growing delay, and keeps its error when given up.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::text;
use crate::config::{Config, SmtpTls};
use crate::db::email_outbox::{self as outbox, DigestLine, DueMail};
use crate::domain::clock::Clock;
use crate::domain::dates::{format_date, format_datetime};
use crate::domain::text::shorten;
use crate::domain::{NotificationKind, TaskId};
use crate::i18n::Lang;

/// Attempts before a mail is given up (the row stays, with its last error).
pub const MAX_ATTEMPTS: i32 = 8;

/// Minutes to wait after the n-th failed attempt (the last value repeats): a server that is
/// briefly down gets the mail within minutes, one that is down for a day is not hammered.
const BACKOFF_MINUTES: [i64; 7] = [1, 5, 15, 60, 240, 720, 1440];

/// Mails sent per run of [`send_due`] at most, so a run ends and shutdown is not held up.
const BATCH: usize = 50;

/// How long one conversation with the mail server may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest notification text in a subject line.
const SUBJECT_CHARS: usize = 150;

/// Notifications listed in one digest at most; the rest are counted.
const DIGEST_LINES: usize = 50;

/// Mail never tried by this age was written while email was off (or the sender down for
/// days): news that old is not sent; the portal's list still has it.
const TOO_OLD: chrono::Duration = chrono::Duration::days(3);

/// Longest error kept on a row.
const ERROR_CHARS: usize = 1000;

/// When to try again after `attempts` failed attempts; `None`: give up.
pub fn retry_at(now: DateTime<Utc>, attempts: i32) -> Option<DateTime<Utc>> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let step = (attempts.max(1) as usize - 1).min(BACKOFF_MINUTES.len() - 1);
    Some(now + chrono::Duration::minutes(BACKOFF_MINUTES[step]))
}

/// The mail server, the sender's address, and what the texts need: the portal's default
/// language, the City's time zone and the portal's address for links.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    default_lang: Lang,
    time_zone: Tz,
    public_url: Option<String>,
}

impl Mailer {
    /// The mailer the configuration describes; `None` when no mail server is configured.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Mailer>> {
        let Some(smtp) = &config.smtp else {
            return Ok(None);
        };
        let builder = match smtp.tls {
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        };
        let mut builder = builder.port(smtp.port).timeout(Some(SEND_TIMEOUT));
        if let Some((user, password)) = &smtp.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            // Checked when the configuration was read.
            from: smtp.from.parse()?,
            default_lang: config.default_lang,
            time_zone: config.time_zone,
            public_url: config.public_url.clone(),
        }))
    }

    fn lang(&self, language: Option<&str>) -> Lang {
        language
            .and_then(Lang::from_code)
            .unwrap_or(self.default_lang)
    }

    /// A full link to `path`, when the portal's address is known.
    fn link(&self, path: &str) -> Option<String> {
        self.public_url.as_ref().map(|base| format!("{base}{path}"))
    }

    /// The mail telling of one notification.
    fn compose_notice(&self, lang: Lang, name: &str, notice: &Notice<'_>) -> Composed {
        let c = lang.catalog();
        let said = text::render(
            lang,
            self.time_zone,
            notice.kind,
            notice.params,
            notice.task_code,
        );
        let mut body = vec![c.format("email.greeting", &[("n", &name)]), String::new()];
        body.push(said.clone());
        if let (Some(code), Some(title)) = (notice.task_code, notice.task_title) {
            body.push(c.format("email.task", &[("a", &code), ("b", &title)]));
        }
        let target = text::target(notice.task_id, notice.params);
        match target.as_deref().and_then(|path| self.link(path)) {
            Some(url) => body.push(c.format("email.link", &[("n", &url)])),
            None => body.push(c.get("email.portal_hint").to_owned()),
        }
        self.sign_off(lang, &mut body);
        Composed {
            subject: c.format("email.subject", &[("n", &shorten(&said, SUBJECT_CHARS))]),
            body: body.join("\n"),
        }
    }

    /// The daily digest: every notification it lists, oldest first.
    fn compose_digest(
        &self,
        lang: Lang,
        name: &str,
        day: NaiveDate,
        lines: &[DigestLine],
    ) -> Composed {
        let c = lang.catalog();
        let mut body = vec![
            c.format("email.greeting", &[("n", &name)]),
            String::new(),
            c.get("email.digest_intro").to_owned(),
            String::new(),
        ];
        for line in lines.iter().take(DIGEST_LINES) {
            let said = text::render(
                lang,
                self.time_zone,
                line.kind,
                &line.params,
                line.task_code.as_deref(),
            );
            let at = format_datetime(line.created_at, self.time_zone);
            body.push(format!("- {at} · {said}"));
            if let Some(url) = text::target(line.task_id, &line.params)
                .as_deref()
                .and_then(|path| self.link(path))
            {
                body.push(format!("  {url}"));
            }
        }
        if lines.len() > DIGEST_LINES {
            body.push(c.format("email.digest_more", &[("n", &(lines.len() - DIGEST_LINES))]));
        }
        if self.public_url.is_none() {
            body.push(String::new());
            body.push(c.get("email.portal_hint").to_owned());
        }
        self.sign_off(lang, &mut body);
        Composed {
            subject: c.format(
                "email.digest_subject",
                &[("a", &format_date(day)), ("b", &lines.len())],
            ),
            body: body.join("\n"),
        }
    }

    /// The closing lines every mail carries: who sent it and how to receive less.
    fn sign_off(&self, lang: Lang, body: &mut Vec<String>) {
        let c = lang.catalog();
        body.push(String::new());
        body.push("-- ".to_owned());
        body.push(c.get("email.footer").to_owned());
        match self.link("/account/notifications") {
            Some(url) => body.push(c.format("email.settings_link", &[("n", &url)])),
            None => body.push(c.get("email.settings_hint").to_owned()),
        }
    }

    /// Renders `mail` in its recipient's language (or takes the text already rendered).
    async fn prepare(
        &self,
        conn: &mut sqlx::PgConnection,
        mail: &DueMail,
        now: DateTime<Utc>,
    ) -> Result<Result<Composed, &'static str>, sqlx::Error> {
        if let (Some(subject), Some(body)) = (&mail.subject, &mail.body) {
            return Ok(Ok(Composed {
                subject: subject.clone(),
                body: body.clone(),
            }));
        }
        if mail.attempts == 0 && mail.created_at < now - TOO_OLD {
            return Ok(Err(
                "not sent: written more than three days ago, while email was off",
            ));
        }
        if mail.active != Some(true) {
            return Ok(Err("the recipient's account is no longer active"));
        }
        let lang = self.lang(mail.language.as_deref());
        let name = mail.full_name.clone().unwrap_or_default();
        if let Some(day) = mail.digest_day {
            let lines = outbox::digest_lines(&mut *conn, mail.id).await?;
            if lines.is_empty() {
                return Ok(Err(
                    "nothing to send: the digest's notifications were deleted",
                ));
            }
            return Ok(Ok(self.compose_digest(lang, &name, day, &lines)));
        }
        match (mail.kind, &mail.params) {
            (Some(kind), Some(params)) => Ok(Ok(self.compose_notice(
                lang,
                &name,
                &Notice {
                    kind,
                    params,
                    task_id: mail.task_id,
                    task_code: mail.task_code.as_deref(),
                    task_title: mail.task_title.as_deref(),
                },
            ))),
            _ => Ok(Err("nothing to send: the notification was deleted")),
        }
    }

    /// One conversation with the mail server.
    async fn deliver(&self, to: Mailbox, composed: &Composed) -> Result<(), String> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(composed.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(composed.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What a notification's mail is made of.
struct Notice<'a> {
    kind: NotificationKind,
    params: &'a Value,
    task_id: Option<TaskId>,
    task_code: Option<&'a str>,
    task_title: Option<&'a str>,
}

/// A mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

/// What one run of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SendCounts {
    pub sent: u32,
    /// Failed, to be tried again later.
    pub failed: u32,
    /// Failed for the last time, or could never be sent.
    pub gave_up: u32,
}

/// Sends the mail that is due at `now`, up to a batch. A mail the server refuses, or a server
/// that cannot be reached, is recorded on its row and tried again later; only a database
/// error is an error.
pub async fn send_due(
    pool: &PgPool,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<SendCounts, sqlx::Error> {
    send_batch(pool, mailer, now, &|| false).await
}

/// [`send_due`], stopping before the next mail once `stop` says so.
async fn send_batch(
    pool: &PgPool,
    mailer: &Mailer,
    now: DateTime<Utc>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<SendCounts, sqlx::Error> {
    let mut counts = SendCounts::default();
    for _ in 0..BATCH {
        if stop() {
            break;
        }
        // The row stays locked while its mail is sent: another instance skips it.
        let mut tx = pool.begin().await?;
        let Some(mail) = outbox::take_due(&mut tx, now).await? else {
            break;
        };
        let composed = match mailer.prepare(&mut tx, &mail, now).await? {
            Ok(composed) => composed,
            Err(reason) => {
                tracing::warn!(outbox.id = mail.id, reason, "email given up");
                outbox::mark_failed(&mut *tx, mail.id, now, reason, None, None).await?;
                tx.commit().await?;
                counts.gave_up += 1;
                continue;
            }
        };
        let text = Some((composed.subject.as_str(), composed.body.as_str()));
        let Ok(to) = mail.to_address.parse::<Mailbox>() else {
            let reason = "not a valid email address";
            tracing::warn!(outbox.id = mail.id, reason, "email given up");
            outbox::mark_failed(&mut *tx, mail.id, now, reason, None, text).await?;
            tx.commit().await?;
            counts.gave_up += 1;
            continue;
        };
        match mailer.deliver(to, &composed).await {
            Ok(()) => {
                outbox::mark_sent(&mut *tx, mail.id, now, &composed.subject, &composed.body)
                    .await?;
                counts.sent += 1;
            }
            Err(error) => {
                let attempts = mail.attempts + 1;
                let retry = retry_at(now, attempts);
                let error = shorten(&error, ERROR_CHARS);
                tracing::warn!(outbox.id = mail.id, attempts, error, retry_at = ?retry, "email not sent");
                outbox::mark_failed(&mut *tx, mail.id, now, &error, retry, text).await?;
                match retry {
                    Some(_) => counts.failed += 1,
                    None => counts.gave_up += 1,
                }
            }
        }
        tx.commit().await?;
    }
    Ok(counts)
}

/// Starts the sender: every `poll`, the mail that is due. It stops when `cancel` is cancelled,
/// after the mail in flight (await the handle to wait for it).
pub fn spawn(
    pool: PgPool,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    poll: Duration,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(poll);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = ticker.tick() => {}
            }
            match send_batch(&pool, &mailer, clock.now(), &|| cancel.is_cancelled()).await {
                Ok(counts) if counts != SendCounts::default() => {
                    tracing::info!(
                        sent = counts.sent,
                        failed = counts.failed,
                        gave_up = counts.gave_up,
                        "email sender"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "email sender: database error"),
            }
        }
        tracing::info!("email sender stopped");
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mailer(public_url: Option<&str>) -> Mailer {
        let mut config = Config::from_lookup(|_| None).unwrap();
        config.smtp = Some(crate::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port: 2525,
            tls: SmtpTls::None,
            credentials: None,
            from: "Theo dõi khắc phục <khacphuc@hanoi.gov.vn>".into(),
        });
        config.public_url = public_url.map(str::to_owned);
        Mailer::from_config(&config).unwrap().unwrap()
    }

    #[test]
    fn backoff_grows_then_gives_up() {
        let now = Utc::now();
        let minutes = |attempts| retry_at(now, attempts).map(|at| (at - now).num_minutes());
        assert_eq!(minutes(1), Some(1));
        assert_eq!(minutes(2), Some(5));
        assert_eq!(minutes(4), Some(60));
        assert_eq!(minutes(7), Some(1440));
        assert_eq!(minutes(MAX_ATTEMPTS), None);
    }

    #[test]
    fn a_notice_in_each_language() {
        let params = json!({ "code": "TT-05.01", "by": "Trần Thị Bình" });
        let notice = Notice {
            kind: NotificationKind::Reminder,
            params: &params,
            task_id: Some(TaskId(12)),
            task_code: Some("TT-05.01"),
            task_title: Some("Rà soát các dự án chậm triển khai"),
        };
        let m = mailer(Some("https://theodoi.hanoi.gov.vn"));
        let vi = m.compose_notice(Lang::Vi, "Nguyễn Văn An", &notice);
        assert_eq!(
            vi.subject,
            "[Theo dõi khắc phục] Trần Thị Bình đôn đốc thực hiện nhiệm vụ TT-05.01"
        );
        assert!(vi.body.starts_with("Kính gửi đồng chí Nguyễn Văn An,"));
        assert!(
            vi.body
                .contains("Nhiệm vụ: TT-05.01 — Rà soát các dự án chậm triển khai")
        );
        assert!(vi.body.contains("https://theodoi.hanoi.gov.vn/tasks/12"));
        assert!(
            vi.body
                .contains("https://theodoi.hanoi.gov.vn/account/notifications")
        );
        let en = mailer(None).compose_notice(Lang::En, "Nguyễn Văn An", &notice);
        assert_eq!(
            en.subject,
            "[Remediation tracking] Trần Thị Bình sent a reminder about task TT-05.01"
        );
        assert!(!en.body.contains("http"));
    }
}
