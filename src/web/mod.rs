//! The web layer: routes, extractors, pages and the middleware around them.

pub mod assets;
pub mod charts;
pub mod conflict;
pub mod ctx;
pub mod error;
pub mod error_page;
pub mod export;
pub mod extract;
pub mod form_page;
pub mod forms;
pub mod guard;
pub mod http;
pub mod once;
mod pages;
mod routes;
pub mod session;
pub mod state;

pub use routes::{Access, RouteInfo, route_table, router};
pub use state::AppState;
