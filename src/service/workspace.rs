//! Reads for the enterprise workspace of the console: the dashboard's score with the ranges of
//! its dimensions, and the enterprise's own operating records and credit events. Regulators,
//! admins and the enterprise itself, as the API's private reads (`require_private_of`).

use std::sync::Arc;

use super::{Caller, PageRequest, Paged, private_page};
use crate::db::records::{events, operating};
use crate::db::{Stored, enterprises, scores};
use crate::domain::records::{CreditEvent, OperatingRecord};
use crate::engine::Reasons;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::report::document::DimensionScore;
use crate::scoring::features::Dimension;
use crate::state::AppState;

pub use crate::db::scores::ScoreRow;
pub use crate::db::workspace::OpenItems;

/// The latest score of an enterprise as its dashboard shows it.
#[derive(Debug)]
pub struct Dashboard {
    pub row: ScoreRow,
    pub percentile: f64,
    /// Points per dimension with the model's range for each, for the radar.
    pub dimensions: Vec<DimensionScore>,
    pub reasons: Reasons,
}

/// The dashboard's score, or `None` when the enterprise has not been scored yet; the reasons
/// are written in `lang`.
pub async fn dashboard(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    lang: Lang,
) -> AppResult<Option<Dashboard>> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    let app = state.clone();
    state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                let Some(row) = scores::latest(conn, &code)? else {
                    return Ok(None);
                };
                let percentile = scores::percentile(conn, row.score)?;
                let ranges = app
                    .models
                    .dimension_ranges(conn, &row.model_version)
                    .map(|r| r.to_vec())
                    .unwrap_or_default();
                let sub_scores: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&row.sub_scores).unwrap_or_default();
                let dimensions = sub_scores
                    .iter()
                    .filter_map(|(name, points)| {
                        let dimension = Dimension::parse(name)?;
                        let points = points.as_f64()?;
                        let (min_points, max_points) = ranges
                            .iter()
                            .find(|(d, _, _)| *d == dimension)
                            .map_or((points, points), |&(_, low, high)| (low, high));
                        Some(DimensionScore {
                            dimension,
                            points: (points * 100.0).round() / 100.0,
                            min_points: (min_points * 100.0).round() / 100.0,
                            max_points: (max_points * 100.0).round() / 100.0,
                        })
                    })
                    .collect();
                let reasons = Reasons::from_stored(&row.reasons, lang);
                Ok(Some(Dashboard {
                    row,
                    percentile,
                    dimensions,
                    reasons,
                }))
            })
        })
        .await
}

/// What of the enterprise waits for a regulator: held submissions, open objections, repairs and
/// commitments to decide.
pub async fn open_items(state: &AppState, caller: &Caller, code: &str) -> AppResult<OpenItems> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                crate::db::workspace::open_items(conn, &code)
            })
        })
        .await
}

/// One page of the enterprise's operating records (as `GET …/operating-records`).
pub async fn operating_records(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<Stored<OperatingRecord>>> {
    private_page(state, caller, code, Ok(paging), |c, code, o, l| {
        operating::list(c, code, |q| q, o, l)
    })
    .await
}

/// One page of all the enterprise's credit events, as who sees its private data reads them
/// (as `GET …/credit-events` for that caller).
pub async fn credit_events(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<Stored<CreditEvent>>> {
    private_page(state, caller, code, Ok(paging), |c, code, o, l| {
        events::list(c, code, |q| q, o, l)
    })
    .await
}
