//! Model versions: every artifact the service has seen, and which one is active.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::models;
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

/// Makes `version` the one active model; call inside a write transaction.
pub fn activate(
    conn: &mut DbConnection,
    version: &str,
    by: &str,
    at: NaiveDateTime,
) -> AppResult<ModelRow> {
    if find(conn, version)?.is_none() {
        return Err(AppError::NotFound(format!("no model version {version}")));
    }
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
    find(conn, version)?.ok_or_else(|| AppError::internal("activated model vanished"))
}

/// Just the active version: cheap enough to ask on every scoring request.
pub fn active_version(conn: &mut DbConnection) -> AppResult<Option<String>> {
    Ok(models::table
        .filter(models::active.eq(true))
        .select(models::version)
        .first(conn)
        .optional()?)
}
