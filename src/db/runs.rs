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
    let inserted: Result<i64, diesel::result::Error> = diesel::insert_into(score_runs::table)
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
        .get_result(conn);
    let id = match inserted {
        // Another instance started one between the check and the insert: the partial unique
        // index `score_runs_one_running` admits one running run.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {
            return Err(AppError::Conflict(
                "another rescoring run has just started: wait for it to finish".into(),
            ));
        }
        other => other?,
    };
    get(conn, id)
}

/// The executor of a run holds it while it works; dropping the hold lets go. On PostgreSQL the
/// hold is a session advisory lock on a connection of its own: if the instance dies, its
/// connection closes and the lock goes with it at once, so any instance can tell a live run from
/// an orphan without a timeout. SQLite has one instance per file and needs no hold.
pub struct RunHold {
    #[allow(dead_code)]
    conn: Option<DbConnection>,
}

/// The first key of the advisory locks of runs (the second is the run id).
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
const RUN_LOCKS: i32 = 0x5c0e;

/// [`start`], with the hold on the new run taken in the transaction that records it, so that no
/// instance ever sees it running and unheld. First settles the runs whose executors are gone.
pub fn start_held(
    db: &super::Db,
    model_version: &str,
    as_of: NaiveDate,
    started_by: &str,
    total: i64,
    at: NaiveDateTime,
) -> AppResult<(RunRow, RunHold)> {
    if db.backend() == super::Backend::Sqlite {
        let run = db.write(|conn| start(conn, model_version, as_of, started_by, total, at))?;
        return Ok((run, RunHold { conn: None }));
    }
    let mut conn = db.open_dedicated()?;
    let run = conn.transaction(|conn| {
        interrupt_orphans(conn, at)?;
        let run = start(conn, model_version, as_of, started_by, total, at)?;
        lock_run(conn, run.id)?;
        Ok::<_, AppError>(run)
    })?;
    Ok((run, RunHold { conn: Some(conn) }))
}

/// The advisory lock key of run `id`: (RUN_LOCKS, id).
fn lock_key(id: i64) -> AppResult<i32> {
    i32::try_from(id).map_err(|_| AppError::internal("run ids past 2^31"))
}

/// Takes the advisory lock of run `id` on this session, waiting for it.
fn lock_run(conn: &mut DbConnection, id: i64) -> AppResult<()> {
    diesel::sql_query("SELECT pg_advisory_lock($1, $2)")
        .bind::<diesel::sql_types::Integer, _>(RUN_LOCKS)
        .bind::<diesel::sql_types::Integer, _>(lock_key(id)?)
        .execute(conn)?;
    Ok(())
}

/// True when nobody holds run `id`: its lock could be taken on this session (and is let go).
fn unheld(conn: &mut DbConnection, id: i64) -> AppResult<bool> {
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        taken: bool,
    }
    let key = lock_key(id)?;
    let probe = |sql| {
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Integer, _>(RUN_LOCKS)
            .bind::<diesel::sql_types::Integer, _>(key)
    };
    let taken: Taken = probe("SELECT pg_try_advisory_lock($1, $2) AS taken").get_result(conn)?;
    if taken.taken {
        probe("SELECT pg_advisory_unlock($1, $2)").execute(conn)?;
    }
    Ok(taken.taken)
}

/// Marks interrupted the running runs nobody holds: their executor stopped (PostgreSQL). A run
/// held by a live instance, this one or another, is left alone.
pub fn interrupt_orphans(conn: &mut DbConnection, at: NaiveDateTime) -> AppResult<usize> {
    if conn.backend() == super::Backend::Sqlite {
        return Ok(0);
    }
    let running: Vec<i64> = score_runs::table
        .filter(score_runs::status.eq(RUNNING))
        .select(score_runs::id)
        .load(conn)?;
    let mut interrupted = 0;
    for id in running {
        if unheld(conn, id)? {
            interrupted += diesel::update(
                score_runs::table
                    .filter(score_runs::id.eq(id))
                    .filter(score_runs::status.eq(RUNNING)),
            )
            .set((
                score_runs::status.eq(INTERRUPTED),
                score_runs::finished_at.eq(at),
            ))
            .execute(conn)?;
        }
    }
    Ok(interrupted)
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
    // Only a run still running: one taken for interrupted (its executor seemed gone) keeps that.
    let updated = diesel::update(
        score_runs::table
            .filter(score_runs::id.eq(id))
            .filter(score_runs::status.eq(RUNNING)),
    )
    .set((
        score_runs::status.eq(status),
        score_runs::scored.eq(scored),
        score_runs::error.eq(error),
        score_runs::finished_at.eq(at),
        score_runs::grades.eq(grades),
    ))
    .execute(conn)?;
    if updated == 0 {
        tracing::warn!(
            run = id,
            status,
            "the run was no longer running; its end is not recorded"
        );
    }
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

/// On start: runs left `running` by a stopped service can no longer finish. SQLite has one
/// instance per database, so every running run was this one's; on PostgreSQL other instances
/// may be executing theirs, and only the runs nobody holds are orphans.
pub fn mark_interrupted(conn: &mut DbConnection, at: NaiveDateTime) -> AppResult<usize> {
    if conn.backend() != super::Backend::Sqlite {
        return interrupt_orphans(conn, at);
    }
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
