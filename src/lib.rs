//! Remediation Tracking Portal: the City's remediation of the shortcomings found by reviews,
//! inspections and audits, tracked task by task until done.
//!
//! Layers (one direction): [`web`] → [`commands`] → [`jobs`], [`notify`] → [`db`] →
//! [`domain`]; `tests/architecture.rs` holds the code to it.
//! [`app`] wires them with the configuration, the database and the embedded PostgreSQL.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod embedded;
pub mod i18n;
pub mod jobs;
pub mod notify;
pub mod seed;
pub mod telemetry;
pub mod web;
