//! ecredit: an e-commerce enterprise credit registry and scoring service.
//!
//! `domain` holds the rules (no HTTP, no SQL), `db` all SQL, `api` the thin HTTP handlers,
//! `auth` identity and access policy; `startup` wires them into a server and `cli` is the binary.

pub mod api;
pub mod auth;
pub mod cli;
mod cli_model;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod error;
pub mod report;
pub mod scoring;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
