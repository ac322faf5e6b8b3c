//! Rescoring runs: one row per run started through the API, with its outcome.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::score_runs;
use crate::error::{AppError, AppResult};

pub const RUNNING: &str = "running";
pub const COMPLETED: &str = "completed";
pub const FAILED: &str = "failed";
pub const INTERRUPTED: &str = "interrupted";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = score_runs)]
pub struct RunRow {
    pub id: i64,
    pub status: String,
    pub model_version: String,
    pub as_of: NaiveDate,
    pub started_at: NaiveDateTime,
    pub started_by: String,
    pub finished_at: Option<NaiveDateTime>,
    /// Enterprises scored so far while running; in all once it has ended.
    pub scored: Option<i64>,
    pub error: Option<String>,
    /// Enterprises in the registry when it started (none for runs before this was kept).
    pub total: Option<i64>,
    /// The grade distribution when it completed, JSON `{"AAA": n, …}` (completed runs only).
    pub grades: Option<String>,
}

/// Records a new run; 409 while another is going (one run at a time: two would score the same
/// enterprises twice).
pub fn start(
    conn: &mut DbConnection,
    model_version: &str,
    as_of: NaiveDate,
    started_by: &str,
    total: i64,
    at: NaiveDateTime,
) -> AppResult<RunRow> {
    let going: Option<i64> = score_runs::table
        .filter(score_runs::status.eq(RUNNING))
        .select(score_runs::id)
        .first(conn)
        .optional()?;
    if let Some(id) = going {
        return Err(AppError::Conflict(format!(
            "rescoring run {id} is still going: wait for it to finish"
        )));
    }
    let id: i64 = diesel::insert_into(score_runs::table)
        .values((
            score_runs::status.eq(RUNNING),
            score_runs::model_version.eq(model_version),
            score_runs::as_of.eq(as_of),
            score_runs::started_at.eq(at),
            score_runs::started_by.eq(started_by),
            score_runs::scored.eq(0),
            score_runs::total.eq(total),
        ))
        .returning(score_runs::id)
        .get_result(conn)?;
    get(conn, id)
}

pub fn get(conn: &mut DbConnection, id: i64) -> AppResult<RunRow> {
    score_runs::table
        .filter(score_runs::id.eq(id))
        .select(RunRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("no rescoring run {id}")))
}

/// Records how a running run ended; a completed run keeps the grade distribution it left.
pub fn finish(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    scored: Option<i64>,
    error: Option<&str>,
    at: NaiveDateTime,
) -> AppResult<()> {
    let grades = if status == COMPLETED {
        let mut counts = serde_json::Map::new();
        for (grade, _, n) in super::scores::grade_tallies(conn)? {
            let sum = counts.get(&grade).and_then(|v| v.as_i64()).unwrap_or(0) + n;
            counts.insert(grade, sum.into());
        }
        Some(serde_json::Value::Object(counts).to_string())
    } else {
        None
    };
    diesel::update(score_runs::table.filter(score_runs::id.eq(id)))
        .set((
            score_runs::status.eq(status),
            score_runs::scored.eq(scored),
            score_runs::error.eq(error),
            score_runs::finished_at.eq(at),
            score_runs::grades.eq(grades),
        ))
        .execute(conn)?;
    Ok(())
}

/// The last `limit` completed runs that kept their grade distribution, oldest first.
pub fn completed_with_grades(conn: &mut DbConnection, limit: i64) -> AppResult<Vec<RunRow>> {
    let mut rows: Vec<RunRow> = score_runs::table
        .filter(score_runs::status.eq(COMPLETED))
        .filter(score_runs::grades.is_not_null())
        .order(score_runs::id.desc())
        .limit(limit)
        .select(RunRow::as_select())
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// How many enterprises a running run has scored so far.
pub fn progress(conn: &mut DbConnection, id: i64, scored: i64) -> AppResult<()> {
    diesel::update(
        score_runs::table
            .filter(score_runs::id.eq(id))
            .filter(score_runs::status.eq(RUNNING)),
    )
    .set(score_runs::scored.eq(scored))
    .execute(conn)?;
    Ok(())
}

/// On start: runs left `running` by a stopped service can no longer finish.
pub fn mark_interrupted(conn: &mut DbConnection, at: NaiveDateTime) -> AppResult<usize> {
    Ok(
        diesel::update(score_runs::table.filter(score_runs::status.eq(RUNNING)))
            .set((
                score_runs::status.eq(INTERRUPTED),
                score_runs::finished_at.eq(at),
            ))
            .execute(conn)?,
    )
}

/// One page of runs, newest first, and the total.
pub fn list(conn: &mut DbConnection, offset: i64, limit: i64) -> AppResult<(Vec<RunRow>, i64)> {
    let total = score_runs::table.count().get_result(conn)?;
    let rows = score_runs::table
        .order(score_runs::id.desc())
        .offset(offset)
        .limit(limit)
        .select(RunRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}
