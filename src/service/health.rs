//! Operations: whether the database answers, and the metrics. Public.

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The database backend (`sqlite`, `postgres`) once it has answered a query; 503 when it does
/// not answer.
pub async fn ready(state: &AppState) -> AppResult<String> {
    let backend = state.db.backend().to_string();
    state
        .blocking(|db| db.ping())
        .await
        .map_err(|e| AppError::Unavailable(format!("database not reachable: {e}")))?;
    Ok(backend)
}

/// The Prometheus text exposition: requests by route and status, latency histograms, pool use.
pub fn metrics(state: &AppState) -> String {
    let index = state.db.grade_index();
    let grades = crate::telemetry::GradeIndexState {
        live: index.is_live(),
        entries: index.len(),
    };
    state.metrics.render(state.db.pool_state(), grades)
}
