//! The documented range of every figure the registry keeps. Each upper bound is generous for the
//! trade and keeps the value exact in JSON: common clients read every JSON number as a double,
//! which is exact only up to 2^53 (about 9.0e15), and a signed report must read back as itself.
//!
//! `utoipa` takes only literals in `#[schema(maximum = ...)]`, so the OpenAPI annotations repeat
//! these numbers; a test compares the published schema with them.

/// Ten trillion yuan (1e13): above the yearly turnover of the largest platform, for sales,
/// tax, cross-border trade, registered capital and guaranteed amounts.
pub const MAX_YUAN: f64 = 1e13;

/// Ten billion (1e10) orders, or complaints, in one period.
pub const MAX_ORDERS: i64 = 10_000_000_000;

/// Ten million employees.
pub const MAX_EMPLOYEES: i64 = 10_000_000;

/// A million quality spot checks in one period.
pub const MAX_QUALITY_CHECKS: i64 = 1_000_000;

/// Whether a stored amount lies in its documented range (a report leaves out what does not).
pub fn yuan_in_range(value: f64) -> bool {
    value.is_finite() && (0.0..=MAX_YUAN).contains(&value)
}

pub fn count_in_range(value: i64, max: i64) -> bool {
    (0..=max).contains(&value)
}

pub fn rate_in_range(value: f64) -> bool {
    value.is_finite() && (0.0..=1.0).contains(&value)
}
