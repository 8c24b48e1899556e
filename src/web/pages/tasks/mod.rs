//! Tasks: the list, a task's page, and what people do on it.

mod edit;
mod export;
pub mod list;
mod page;
mod requests;
pub mod shared;
mod work;

pub use edit::{bulk, create, edit_form, new_form, update};
pub use export::{csv as export_csv, xlsx as export_xlsx};
pub use list::index;
pub use page::show;
pub use requests::{answer_escalation, decide_extension, remind, request_extension};
pub use work::{assign, confirm, contribute, report_progress, return_for_rework};
