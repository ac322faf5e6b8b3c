//! Champion and challenger against the registry: the comparison of a model version with the
//! active one ([`compare_models`]) and the activation that needs it ([`activate_model`]). The
//! pure parts are in [`crate::scoring::challenge`].

use chrono::{NaiveDate, NaiveDateTime};

use super::{
    CHUNK, LoadedModel, check_registry_model, default_training_date, features_of, grade_and_score,
    policy_facts, read_chunk, training_table,
};
use crate::db::{Db, DbConnection, enterprises, models, records};
use crate::error::{AppError, AppResult};
use crate::scoring::challenge::{self, GradeMigration, ModelComparison, PopulationComparison};
use crate::scoring::grade::Grade;
use crate::scoring::model::ModelArtifact;

/// `challenger` set against `champion`: both on the challenger's holdout (rebuilt from the
/// registry as of its training date), and both grading every enterprise as of `as_of`. Reads
/// the registry twice (once for the holdout table, once for the population); keeps only a grade
/// and a score per enterprise and model, so a million enterprises fit.
pub fn compare_models(
    db: &Db,
    champion: &LoadedModel,
    challenger: &LoadedModel,
    as_of: NaiveDate,
) -> AppResult<ModelComparison> {
    use rayon::prelude::*;
    check_registry_model(champion)?;
    check_registry_model(challenger)?;
    let (holdout, holdout_missing) = match holdout_date(db, &challenger.artifact)? {
        None => (
            None,
            Some("the registry holds no records to rebuild the holdout".into()),
        ),
        Some(date) => {
            let table = training_table(db, date, |_| {})?;
            match challenge::on_holdout(&champion.artifact, &challenger.artifact, &table) {
                Ok(holdout) => (Some(holdout), None),
                Err(e) => (None, Some(format!("the holdout as of {date}: {e}"))),
            }
        }
    };
    let codes = db.read(enterprises::all_codes_in_storage_order)?;
    let mut migration = GradeMigration::default();
    let mut champion_scores = Vec::with_capacity(codes.len());
    let mut challenger_scores = Vec::with_capacity(codes.len());
    let empty = records::RecordSet::default();
    for chunk in codes.chunks(CHUNK) {
        let (basics, sets) = read_chunk(db, chunk, as_of)?;
        let graded: Vec<((Grade, f64), (Grade, f64))> = basics
            .par_iter()
            .map(|stored| {
                let set = sets
                    .get(&stored.enterprise.code.to_string())
                    .unwrap_or(&empty);
                // The features and the policy facts once, for both models.
                let row = features_of(&stored.enterprise, set, as_of);
                let facts = policy_facts(set, as_of);
                (
                    grade_and_score(champion, &row, facts),
                    grade_and_score(challenger, &row, facts),
                )
            })
            .collect();
        for ((from, from_score), (to, to_score)) in graded {
            migration.add(from, to);
            champion_scores.push(from_score);
            challenger_scores.push(to_score);
        }
    }
    Ok(ModelComparison {
        champion: champion.version.clone(),
        challenger: challenger.version.clone(),
        holdout,
        holdout_missing,
        population: PopulationComparison {
            as_of,
            migration: migration.finish(),
            champion_psi: champion.artifact.psi(&champion_scores).ok(),
            challenger_psi: challenger.artifact.psi(&challenger_scores).ok(),
        },
    })
}

/// The date the challenger's features were observed on, or for a model trained elsewhere the
/// date a model would be trained on today.
fn holdout_date(db: &Db, challenger: &ModelArtifact) -> AppResult<Option<NaiveDate>> {
    match challenger.training.as_of {
        Some(date) => Ok(Some(date)),
        None => default_training_date(db),
    }
}

/// An activation asked for.
pub struct ActivationRequest<'a> {
    pub version: &'a str,
    pub by: &'a str,
    pub reason: &'a str,
    pub at: NaiveDateTime,
}

/// Makes `request.version` the active model. Replacing another active version needs a stored
/// comparison of the two (409 otherwise, naming how to make one); activating the active version
/// changes nothing. `also` runs in the same transaction when the activation happens (the
/// command line's audit entry). Returns the row and whether anything changed.
pub fn activate_model(
    db: &Db,
    request: ActivationRequest<'_>,
    also: impl FnOnce(&mut DbConnection) -> AppResult<()>,
) -> AppResult<(models::ModelRow, bool)> {
    let ActivationRequest {
        version,
        by,
        reason,
        at,
    } = request;
    // Read and checked before the write: the SQLite writer lock is not held while a 1 MB
    // artifact is parsed. Artifacts never change once registered.
    let artifact = db
        .read(|conn| models::artifact(conn, version))?
        .ok_or_else(|| AppError::NotFound(format!("no model version {version}")))?;
    let artifact = ModelArtifact::from_json(&artifact)
        .map_err(|e| AppError::internal(format!("stored artifact {version}: {e}")))?;
    if !artifact.is_registry_model() {
        return Err(AppError::Conflict(format!(
            "model {version} was not trained on the registry's features"
        )));
    }
    db.write(|conn| {
        let active = models::active_version(conn)?;
        if active.as_deref() == Some(version) {
            let row = models::find(conn, version)?
                .ok_or_else(|| AppError::internal("the active model vanished"))?;
            return Ok((row, false));
        }
        let comparison = match &active {
            None => None,
            Some(champion) => Some(
                models::latest_comparison(conn, version, champion)?.ok_or_else(|| {
                    AppError::Conflict(format!(
                        "model {version} has not been compared with the active model {champion}: \
                         compare them first (POST /api/v1/models/{version}/comparisons, or \
                         `ecredit model compare {version}`)"
                    ))
                })?,
            ),
        };
        let row = models::activate(
            conn,
            models::Activation {
                version,
                by,
                reason,
                comparison,
                at,
            },
        )?;
        also(conn)?;
        Ok((row, true))
    })
}
