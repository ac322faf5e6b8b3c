//! The scoring core: point-in-time features, binning and weight of evidence, the random forest,
//! metrics, scaling and grades. Pure: no actix, no diesel.

pub mod attribution;
pub mod binning;
pub mod calibration;
pub mod challenge;
pub mod features;
pub mod forest;
pub mod grade;
pub mod metrics;
pub mod model;
pub mod scaling;
pub mod scorecard;
pub mod table;
pub mod way_up;
pub mod wording;
