//! ecredit: an e-commerce enterprise credit registry and scoring service.
//!
//! `domain` holds the rules (no HTTP, no SQL), `db` all SQL, `api` the thin HTTP handlers,
//! `auth` identity and access policy, `service` the use cases that `api` (JSON) and `web`
//! (HTML) share; `startup` wires them into a server and `cli` is the binary.

pub mod api;
pub mod auth;
pub mod cli;
mod cli_model;
mod cli_report;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod error;
pub mod i18n;
pub mod publishing;
pub mod report;
pub mod scoring;
pub mod seed;
pub mod service;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
