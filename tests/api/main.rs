//! One integration-test binary: every test starts the real service on a fresh database.

mod helpers;

mod access;
mod auth;
mod authorizations;
mod demo;
mod enterprises;
mod history;
mod lists;
mod objections;
mod operations;
mod records;
mod reports;
mod scores;
mod statistics;
