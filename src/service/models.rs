//! The scoring model versions, their holdout metrics and population stability, and which one is
//! active. Regulators and admins.

use super::{Caller, KEEPERS};
use crate::db::{models, scores};
use crate::error::{AppError, AppResult};
use crate::scoring::model::ModelArtifact;
use crate::state::AppState;

pub use crate::db::models::ModelRow;

/// One model version with its artifact and how the current scores made by it stand.
#[derive(Debug)]
pub struct ModelDetail {
    pub row: ModelRow,
    pub artifact: ModelArtifact,
    /// Population stability of the current scores made by this version against its training
    /// population; none while no enterprise has a current score from it.
    pub population_stability: Option<serde_json::Value>,
    /// How many enterprises currently hold a score from this version.
    pub current_scores: usize,
}

/// All model versions, newest first.
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<ModelRow>> {
    caller.viewer.require_role(KEEPERS)?;
    state.blocking(|db| db.read(models::list)).await
}

/// One model version with its features, metrics and the population stability (PSI) of the
/// current scores against its training population.
pub async fn get(state: &AppState, caller: &Caller, version: &str) -> AppResult<ModelDetail> {
    caller.viewer.require_role(KEEPERS)?;
    let version = version.to_string();
    // Parsing a 1 MB artifact is blocking work: it stays off the async workers.
    state
        .blocking(move |db| {
            let (row, artifact, current) = db.read(|conn| {
                let row = models::find(conn, &version)?
                    .ok_or_else(|| AppError::NotFound(format!("no model version {version}")))?;
                let artifact = models::artifact(conn, &version)?.unwrap_or_default();
                let current = scores::current_scores_of(conn, &version)?;
                Ok((row, artifact, current))
            })?;
            let artifact = stored_artifact(&artifact)?;
            // Binning every current score (a million of them) is no work for an async worker.
            let population_stability = if current.is_empty() {
                None
            } else {
                artifact
                    .psi(&current)
                    .ok()
                    .and_then(|psi| serde_json::to_value(psi).ok())
            };
            Ok(ModelDetail {
                row,
                artifact,
                population_stability,
                current_scores: current.len(),
            })
        })
        .await
}

/// Makes version `version` the one that scores. A model trained on other data than the
/// registry's features cannot be activated (409).
pub async fn activate(state: &AppState, caller: &Caller, version: &str) -> AppResult<ModelRow> {
    let actor = caller.viewer.require_role(KEEPERS)?.username.clone();
    let version = version.to_string();
    let at = state.clock.now_naive();
    let row = state
        .blocking(move |db| {
            // Read and checked before the write: the SQLite writer lock is not held while a
            // 1 MB artifact is parsed. Artifacts never change once registered.
            let artifact = db
                .read(|conn| models::artifact(conn, &version))?
                .ok_or_else(|| AppError::NotFound(format!("no model version {version}")))?;
            if !stored_artifact(&artifact)?.is_registry_model() {
                return Err(AppError::Conflict(format!(
                    "model {version} was not trained on the registry's features"
                )));
            }
            db.write(|conn| models::activate(conn, &version, &actor, at))
        })
        .await?;
    tracing::info!(version = %row.version, "model activated");
    Ok(row)
}

fn stored_artifact(json: &str) -> AppResult<ModelArtifact> {
    ModelArtifact::from_json(json).map_err(|e| AppError::internal(format!("stored artifact: {e}")))
}
