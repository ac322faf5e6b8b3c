//! The scoring core: grades now; features, binning, models and scaling follow. Pure: no actix,
//! no diesel.

pub mod binning;
pub mod grade;
pub mod scaling;
