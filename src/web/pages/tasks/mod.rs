//! Tasks: the list, a task's page, and what people do on it.

mod edit;
pub mod list;
mod page;
mod requests;
pub mod shared;
mod work;

pub use edit::{bulk, create, edit_form, new_form, update};
pub use list::index;
pub use page::show;
pub use requests::{answer_escalation, decide_extension, remind, request_extension};
pub use work::{assign, confirm, contribute, report_progress, return_for_rework};
