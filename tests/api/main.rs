//! One integration-test binary: every test starts the real service on a fresh database.

mod helpers;

mod access;
mod audit;
mod auth;
mod authorizations;
mod commitments;
mod demo;
mod enterprises;
mod grade_index;
mod history;
mod imports;
mod lists;
mod models;
mod objections;
mod operations;
mod records;
mod repairs;
mod reports;
mod runs;
mod scores;
mod statistics;
mod statistics_kept;
mod submissions;
mod users;
mod web;
mod web_accounts;
mod web_bank;
mod web_corrections;
mod web_models;
mod web_queues;
mod web_workspace;
