//! Model versions: every artifact the service has seen, and which one is active.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{model_activations, model_comparisons, models};
use crate::error::{AppError, AppResult};

/// A model version without its (large) artifact.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = models)]
pub struct ModelRow {
    pub version: String,
    pub summary: String,
    pub trained_at: NaiveDateTime,
    pub registered_at: NaiveDateTime,
    pub active: bool,
    pub activated_at: Option<NaiveDateTime>,
    pub activated_by: Option<String>,
}

pub fn list(conn: &mut DbConnection) -> AppResult<Vec<ModelRow>> {
    Ok(models::table
        .order(models::trained_at.desc())
        .select(ModelRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, version: &str) -> AppResult<Option<ModelRow>> {
    Ok(models::table
        .find(version)
        .select(ModelRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn artifact(conn: &mut DbConnection, version: &str) -> AppResult<Option<String>> {
    Ok(models::table
        .find(version)
        .select(models::artifact)
        .first(conn)
        .optional()?)
}

/// The active version and its artifact, if any version is active.
pub fn active(conn: &mut DbConnection) -> AppResult<Option<(String, String)>> {
    Ok(models::table
        .filter(models::active.eq(true))
        .select((models::version, models::artifact))
        .first(conn)
        .optional()?)
}

/// Registers an artifact; registering the same version again with the same content is a no-op,
/// with different content a conflict (a version names one model forever).
pub fn register(
    conn: &mut DbConnection,
    version: &str,
    artifact: &str,
    summary: &str,
    trained_at: NaiveDateTime,
    at: NaiveDateTime,
) -> AppResult<bool> {
    if let Some(existing) = self::artifact(conn, version)? {
        return if existing == artifact {
            Ok(false)
        } else {
            Err(AppError::Conflict(format!(
                "model version {version} is registered with a different artifact"
            )))
        };
    }
    diesel::insert_into(models::table)
        .values((
            models::version.eq(version),
            models::artifact.eq(artifact),
            models::summary.eq(summary),
            models::trained_at.eq(trained_at),
            models::registered_at.eq(at),
            models::active.eq(false),
        ))
        .execute(conn)?;
    Ok(true)
}

/// One activation as [`activate`] records it.
pub struct Activation<'a> {
    pub version: &'a str,
    pub by: &'a str,
    pub reason: &'a str,
    /// The comparison of `version` with the model it replaces, when it replaces one.
    pub comparison: Option<i64>,
    pub at: NaiveDateTime,
}

/// Makes `activation.version` the one active model and keeps the activation in its history;
/// call inside a write transaction.
pub fn activate(conn: &mut DbConnection, activation: Activation<'_>) -> AppResult<ModelRow> {
    let Activation {
        version,
        by,
        reason,
        comparison,
        at,
    } = activation;
    if find(conn, version)?.is_none() {
        return Err(AppError::NotFound(format!("no model version {version}")));
    }
    let replaced = active_version(conn)?;
    diesel::update(models::table.filter(models::active.eq(true)))
        .set(models::active.eq(false))
        .execute(conn)?;
    diesel::update(models::table.find(version))
        .set((
            models::active.eq(true),
            models::activated_at.eq(Some(at)),
            models::activated_by.eq(Some(by)),
        ))
        .execute(conn)?;
    diesel::insert_into(model_activations::table)
        .values((
            model_activations::version.eq(version),
            model_activations::replaced.eq(replaced),
            model_activations::comparison_id.eq(comparison),
            model_activations::reason.eq(reason),
            model_activations::activated_at.eq(at),
            model_activations::activated_by.eq(by),
        ))
        .execute(conn)?;
    find(conn, version)?.ok_or_else(|| AppError::internal("activated model vanished"))
}

/// One activation of a model version: what it replaced, on which comparison, and why.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = model_activations)]
pub struct ActivationRow {
    pub id: i64,
    pub version: String,
    pub replaced: Option<String>,
    pub comparison_id: Option<i64>,
    pub reason: String,
    pub activated_at: NaiveDateTime,
    pub activated_by: String,
}

/// The activations of `version`, newest first.
pub fn activations(conn: &mut DbConnection, version: &str) -> AppResult<Vec<ActivationRow>> {
    Ok(model_activations::table
        .filter(model_activations::version.eq(version))
        .order(model_activations::id.desc())
        .select(ActivationRow::as_select())
        .load(conn)?)
}

/// The reason of the latest activation of `version`, if it was ever activated.
pub fn latest_activation_reason(
    conn: &mut DbConnection,
    version: &str,
) -> AppResult<Option<String>> {
    Ok(model_activations::table
        .filter(model_activations::version.eq(version))
        .order(model_activations::id.desc())
        .select(model_activations::reason)
        .first(conn)
        .optional()?)
}

/// The reason of the latest activation of each version that has one.
pub fn latest_activation_reasons(
    conn: &mut DbConnection,
) -> AppResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = model_activations::table
        .order(model_activations::id.asc())
        .select((model_activations::version, model_activations::reason))
        .load(conn)?;
    // Ascending ids: a later activation overwrites an earlier one.
    Ok(rows.into_iter().collect())
}

/// A stored comparison of a challenger with a champion; `body` is the comparison as JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = model_comparisons)]
pub struct ComparisonRow {
    pub id: i64,
    pub challenger: String,
    pub champion: String,
    pub computed_at: NaiveDateTime,
    pub computed_by: String,
    pub body: String,
}

pub fn insert_comparison(
    conn: &mut DbConnection,
    challenger: &str,
    champion: &str,
    body: &str,
    by: &str,
    at: NaiveDateTime,
) -> AppResult<ComparisonRow> {
    let id: i64 = diesel::insert_into(model_comparisons::table)
        .values((
            model_comparisons::challenger.eq(challenger),
            model_comparisons::champion.eq(champion),
            model_comparisons::computed_at.eq(at),
            model_comparisons::computed_by.eq(by),
            model_comparisons::body.eq(body),
        ))
        .returning(model_comparisons::id)
        .get_result(conn)?;
    Ok(model_comparisons::table
        .find(id)
        .select(ComparisonRow::as_select())
        .first(conn)?)
}

/// The comparisons of `challenger` with any champion, newest first.
pub fn comparisons_of(conn: &mut DbConnection, challenger: &str) -> AppResult<Vec<ComparisonRow>> {
    Ok(model_comparisons::table
        .filter(model_comparisons::challenger.eq(challenger))
        .order(model_comparisons::id.desc())
        .select(ComparisonRow::as_select())
        .load(conn)?)
}

/// The id of the newest comparison of `challenger` with `champion`.
pub fn latest_comparison(
    conn: &mut DbConnection,
    challenger: &str,
    champion: &str,
) -> AppResult<Option<i64>> {
    Ok(model_comparisons::table
        .filter(model_comparisons::challenger.eq(challenger))
        .filter(model_comparisons::champion.eq(champion))
        .order(model_comparisons::id.desc())
        .select(model_comparisons::id)
        .first(conn)
        .optional()?)
}

/// Just the active version: cheap enough to ask on every scoring request.
pub fn active_version(conn: &mut DbConnection) -> AppResult<Option<String>> {
    Ok(models::table
        .filter(models::active.eq(true))
        .select(models::version)
        .first(conn)
        .optional()?)
}
