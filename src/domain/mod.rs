//! Domain types and rules: no axum, no SQL. The web and jobs layers build on these.

pub mod access;
pub mod calendar;
pub mod clock;
pub mod dates;
pub mod document;
pub mod export;
pub mod files;
pub mod filter;
pub mod ids;
pub mod input;
pub mod password;
pub mod periods;
pub mod plan;
pub mod reports;
pub mod status;
pub mod text;

pub use ids::*;
pub use plan::PlanStatus;
pub use status::*;
