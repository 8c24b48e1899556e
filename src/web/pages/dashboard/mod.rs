//! The dashboards (docs/design.md: Pages): the City's overview, a unit's, and an officer's own
//! tasks. Every number on them links to the task list filtered to exactly the tasks it counts.

mod blocks;
mod city;
mod mine;
mod unit;

pub use city::{index, page as city_page};
pub use mine::{index as my_tasks, page as my_tasks_page};
pub use unit::{index as unit_dashboard, page as unit_page};
