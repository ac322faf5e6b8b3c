//! Validated types and the rules of the registry. Nothing here knows about HTTP or SQL.

pub mod accounts;
pub mod audit;
pub mod authorization;
pub mod commitments;
pub mod credit_code;
pub mod enterprise;
pub mod identity;
pub mod import;
pub mod limits;
pub mod lists;
pub mod models;
pub mod objections;
pub mod patch;
pub mod records;
pub mod region;
pub mod repairs;
pub mod role;
pub mod sentiment;
pub mod statistics;
pub mod statistics_cells;
pub mod submission;
pub mod text_enum;
pub mod utc;
pub mod validation;

pub use credit_code::CreditCode;
pub use role::Role;
pub use validation::{FieldError, Violations};
