//! The scoring model versions, their holdout metrics and population stability, and which one is
//! active. Regulators and admins.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use super::{Caller, KEEPERS};
use crate::db::{Db, models};
use crate::domain::models::ActivationInput;
use crate::engine::{self, ActivationRequest, LoadedModel, ModelCache};
use crate::error::{AppError, AppResult};
use crate::scoring::challenge::ModelComparison;
use crate::state::AppState;

pub use crate::db::models::{ActivationRow, ModelRow};

/// A model version as listed, with the reason it was last activated for.
#[derive(Debug)]
pub struct ModelEntry {
    pub row: ModelRow,
    pub activation_reason: Option<String>,
}

/// One model version with its artifact and how the current scores made by it stand.
pub struct ModelDetail {
    pub row: ModelRow,
    pub model: Arc<LoadedModel>,
    /// Population stability of the current scores made by this version against its training
    /// population; none while no enterprise has a current score from it.
    pub population_stability: Option<serde_json::Value>,
    /// How many enterprises currently hold a score from this version.
    pub current_scores: usize,
    /// Every activation of this version, newest first.
    pub activations: Vec<ActivationRow>,
}

/// All model versions, newest first.
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<ModelEntry>> {
    caller.viewer.require_role(KEEPERS)?;
    state
        .blocking(|db| {
            db.read(|conn| {
                let mut reasons = models::latest_activation_reasons(conn)?;
                Ok(models::list(conn)?
                    .into_iter()
                    .map(|row| ModelEntry {
                        activation_reason: reasons.remove(&row.version),
                        row,
                    })
                    .collect())
            })
        })
        .await
}

/// One model version with its features, metrics and the population stability (PSI) of the
/// current scores against its training population.
pub async fn get(state: &Arc<AppState>, caller: &Caller, version: &str) -> AppResult<ModelDetail> {
    caller.viewer.require_role(KEEPERS)?;
    let version = version.to_string();
    let app = state.clone();
    // Parsing a 1 MB artifact (the active one is cached) and binning every current score are
    // blocking work: they stay off the async workers.
    state
        .blocking(move |db| {
            db.read(|conn| {
                let row = models::find(conn, &version)?
                    .ok_or_else(|| AppError::NotFound(format!("no model version {version}")))?;
                let model = app.models.of_version(conn, &version)?;
                let stability = app.models.current_stability(conn, &model)?;
                let activations = models::activations(conn, &version)?;
                Ok(ModelDetail {
                    row,
                    population_stability: stability
                        .psi
                        .as_ref()
                        .and_then(|psi| serde_json::to_value(psi).ok()),
                    current_scores: stability.current_scores,
                    model,
                    activations,
                })
            })
        })
        .await
}

/// Makes version `version` the one that scores, for `input.reason`. Replacing the active
/// version needs a comparison of the two ([`compare`]) first (409); a model trained on other
/// data than the registry's features cannot be activated (409); activating the active version
/// changes nothing.
pub async fn activate(
    state: &AppState,
    caller: &Caller,
    version: &str,
    input: ActivationInput,
) -> AppResult<ModelEntry> {
    let actor = caller.viewer.require_role(KEEPERS)?.username.clone();
    let reason = input.validate()?;
    let version = version.to_string();
    let at = state.clock.now_naive();
    let (row, changed, activation_reason) = state
        .blocking(move |db| {
            let (row, changed) = engine::activate_model(
                db,
                ActivationRequest {
                    version: &version,
                    by: &actor,
                    reason: &reason,
                    at,
                },
                |_| Ok(()),
            )?;
            // A no-op keeps the reason of the activation that made it active.
            let activation_reason = if changed {
                Some(reason)
            } else {
                db.read(|conn| models::latest_activation_reason(conn, &version))?
            };
            Ok((row, changed, activation_reason))
        })
        .await?;
    if changed {
        tracing::info!(version = %row.version, "model activated");
    }
    Ok(ModelEntry {
        row,
        activation_reason,
    })
}

/// A comparison as stored: who made it and when, and what it found.
#[derive(Debug)]
pub struct StoredComparison {
    pub id: i64,
    pub computed_at: NaiveDateTime,
    pub computed_by: String,
    pub comparison: ModelComparison,
}

impl TryFrom<models::ComparisonRow> for StoredComparison {
    type Error = AppError;

    fn try_from(row: models::ComparisonRow) -> AppResult<Self> {
        Ok(StoredComparison {
            id: row.id,
            computed_at: row.computed_at,
            computed_by: row.computed_by,
            comparison: serde_json::from_str(&row.body)
                .map_err(|e| AppError::internal(format!("stored comparison {}: {e}", row.id)))?,
        })
    }
}

/// Compares version `version` (the challenger) with the active model (the champion) on the
/// challenger's holdout and on the population as of today, and stores the comparison. 409 when
/// no model is active, or `version` is the active one or cannot score registry enterprises.
/// Scores the whole registry twice: seconds at 100k enterprises (the command line's
/// `ecredit model compare` does the same for a larger registry).
pub async fn compare(
    state: &Arc<AppState>,
    caller: &Caller,
    version: &str,
) -> AppResult<StoredComparison> {
    let actor = caller.viewer.require_role(KEEPERS)?.username.clone();
    let version = version.to_string();
    let app = state.clone();
    state
        .blocking(move |db| {
            compare_and_store(
                db,
                &app.models,
                &version,
                app.clock.today(),
                &actor,
                app.clock.now_naive(),
            )
        })
        .await
}

/// The comparison of [`compare`], for callers that hold the database themselves (the command
/// line).
pub fn compare_and_store(
    db: &Db,
    cache: &ModelCache,
    version: &str,
    as_of: NaiveDate,
    actor: &str,
    at: NaiveDateTime,
) -> AppResult<StoredComparison> {
    let (champion, challenger) = db.read(|conn| {
        if models::find(conn, version)?.is_none() {
            return Err(AppError::NotFound(format!("no model version {version}")));
        }
        let champion = cache.active(conn)?;
        if champion.version == version {
            return Err(AppError::Conflict(format!(
                "model {version} is the active model: compare another version with it"
            )));
        }
        Ok((champion, cache.of_version(conn, version)?))
    })?;
    let comparison = engine::compare_models(db, &champion, &challenger, as_of)?;
    let body = serde_json::to_string(&comparison)
        .map_err(|e| AppError::internal(format!("comparison: {e}")))?;
    let row = db.write(|conn| {
        models::insert_comparison(conn, version, &champion.version, &body, actor, at)
    })?;
    Ok(StoredComparison {
        id: row.id,
        computed_at: row.computed_at,
        computed_by: row.computed_by,
        comparison,
    })
}

/// The comparisons of version `version` with the models active when they were made, newest
/// first.
pub async fn comparisons(
    state: &AppState,
    caller: &Caller,
    version: &str,
) -> AppResult<Vec<StoredComparison>> {
    caller.viewer.require_role(KEEPERS)?;
    let version = version.to_string();
    state
        .blocking(move |db| {
            db.read(|conn| {
                if models::find(conn, &version)?.is_none() {
                    return Err(AppError::NotFound(format!("no model version {version}")));
                }
                models::comparisons_of(conn, &version)?
                    .into_iter()
                    .map(StoredComparison::try_from)
                    .collect()
            })
        })
        .await
}
