//! Telling people: what a notification says in each language ([`text`]), email through an
//! outbox sent by SMTP ([`email`]) and the daily digest ([`digest`]).
//!
//! In-portal notifications are rows written by the portal's actions (`db::notifications::
//! notify`) and by the background jobs, in the transaction of the change they tell of. Email
//! never happens inside that transaction: a trigger on `notifications` writes an outbox row for
//! each recipient who wants that kind by email, and the sender ([`email::spawn`]) sends the
//! rows after they are committed, retrying with a growing delay when the mail server fails.

pub mod digest;
pub mod email;
pub mod text;

pub use digest::daily_digest;
pub use email::{Mailer, SendCounts, send_due};
