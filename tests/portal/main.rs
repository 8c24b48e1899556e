//! The portal's integration tests: one binary, so one database cluster serves the whole run.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod admin;
mod audit_log;
mod auth;
mod bench;
mod browser;
mod dashboard;
mod demo;
mod faults;
mod jobs;
mod lifecycle;
mod migrations;
mod notifications;
mod pages;
mod plans;
mod reports;
mod robustness;
mod shortcoming_edit;
mod task_export;
mod task_list;
mod task_work;
