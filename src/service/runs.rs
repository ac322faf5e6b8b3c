//! Rescoring runs: every enterprise rescored with the active model in the background; the run's
//! row says how far it got and how it ended. Regulators and admins.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Caller, Input, KEEPERS, PageRequest, Paged};
use crate::db::runs;
use crate::engine;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::runs::{RUNNING, RunRow};

/// Starts rescoring every enterprise with the active model, as of `as_of` (today when not
/// given), and answers at once with the run. One run at a time (409 while one is going); 409
/// too when no model is active.
pub async fn start(
    state: &Arc<AppState>,
    caller: &Caller,
    as_of: Input<Option<NaiveDate>>,
) -> AppResult<RunRow> {
    caller.viewer.require_role(KEEPERS)?;
    let today = state.clock.today();
    let as_of = as_of?.unwrap_or(today);
    if as_of > today {
        return Err(AppError::validation("as_of", "must not be in the future"));
    }
    let ctx = caller.change_context(state.clock.now(), None)?;
    let app = state.clone();
    let (run, model, hold) = state
        .blocking(move |db| {
            let model = db.read(|conn| app.models.active(conn))?;
            let total = db.read(crate::db::enterprises::count)?;
            let (run, hold) =
                runs::start_held(db, &model.version, as_of, &ctx.actor, total, ctx.at)?;
            Ok((run, model, hold))
        })
        .await?;
    let id = run.id;
    let app = state.clone();
    // A plain thread: the run outlives the request, and rescore_all blocks (rayon inside).
    std::thread::Builder::new()
        .name(format!("score-run-{id}"))
        .spawn(move || {
            let scored = std::sync::atomic::AtomicI64::new(0);
            let outcome = engine::rescore_all(
                &app.db,
                &model,
                as_of,
                &format!("run {id}"),
                app.clock.now_naive(),
                // After every stored chunk, so a person can watch the run (one small write per
                // chunk of 2,000 enterprises).
                |n| {
                    let so_far = scored.fetch_add(n as i64, std::sync::atomic::Ordering::Relaxed)
                        + n as i64;
                    if let Err(e) = app.db.write(|conn| runs::progress(conn, id, so_far)) {
                        tracing::warn!(run = id, error = %e, "the progress of a run was not recorded");
                    }
                },
            );
            let at = app.clock.now_naive();
            let stored = app.db.write(|conn| match &outcome {
                Ok(summary) => {
                    runs::finish(conn, id, runs::COMPLETED, Some(summary.scored as i64), None, at)
                }
                Err(e) => runs::finish(conn, id, runs::FAILED, None, Some(&e.to_string()), at),
            });
            if let Err(e) = stored {
                tracing::error!(run = id, error = %e, "the end of a rescoring run was not recorded");
            }
            // Held to the end: until now, no instance may take the run for interrupted.
            drop(hold);
        })
        .map_err(|e| AppError::internal(format!("cannot start the run: {e}")))?;
    Ok(run)
}

/// One rescoring run.
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> AppResult<RunRow> {
    caller.viewer.require_role(KEEPERS)?;
    let now = state.clock.now_naive();
    state
        .blocking(move |db| {
            settle_orphans(db, now)?;
            db.read(|conn| runs::get(conn, id))
        })
        .await
}

/// A run whose executor stopped (its instance killed) reads as interrupted from then on, on any
/// instance (PostgreSQL: nobody holds it; nothing to do on SQLite, where the one instance settles
/// its runs when it starts).
fn settle_orphans(db: &crate::db::Db, now: chrono::NaiveDateTime) -> AppResult<()> {
    if db.backend() != crate::db::Backend::Sqlite {
        db.write(|conn| runs::interrupt_orphans(conn, now))?;
    }
    Ok(())
}

/// One page of the rescoring runs, newest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    paging: Input<PageRequest>,
) -> AppResult<Paged<RunRow>> {
    caller.viewer.require_role(KEEPERS)?;
    let paging = paging?;
    let now = state.clock.now_naive();
    let (rows, total) = state
        .blocking(move |db| {
            settle_orphans(db, now)?;
            db.read(|conn| runs::list(conn, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}
