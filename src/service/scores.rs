//! Scores and grades: the current one (its public grade for everyone, the whole score for who may
//! see the enterprise's private data), rescoring one enterprise, and the history of its scores.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Caller, Input, KEEPERS, PageRequest, Paged, private_page};
use crate::db::{enterprises, lists, scores};
use crate::engine;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::scores::ScoreRow;

/// The current score as the caller may have it.
#[derive(Debug)]
pub enum CurrentScore {
    /// The published grade and its date: what the public may know.
    Public {
        code: String,
        grade: String,
        as_of: NaiveDate,
    },
    /// The whole score, with where it stands in the population (0 to 1).
    Full { row: Box<ScoreRow>, percentile: f64 },
}

fn not_scored(code: &str) -> AppError {
    AppError::NotFound(format!("enterprise {code} has not been scored yet"))
}

/// The current score of enterprise `code`, as the caller may have it.
pub async fn current(state: &AppState, caller: &Caller, code: &str) -> AppResult<CurrentScore> {
    let code = code.to_string();
    if !caller.viewer.sees_private_of(&code) {
        // The most frequent request of the registry: answered from memory when the grade index
        // is live (its staleness bound: `db::grade_index`), without the blocking pool.
        if let Some(public) = state.db.grade_index().get(&code) {
            state.metrics.grade_lookup(true);
            return Ok(CurrentScore::Public {
                code,
                grade: public.grade.as_str().to_string(),
                as_of: public.as_of,
            });
        }
        state.metrics.grade_lookup(false);
        // Otherwise the grade and its date from current_scores: one small indexed read.
        return state
            .blocking(move |db| {
                db.read(|conn| match scores::grade_state(conn, &code)? {
                    Some(current) => Ok(CurrentScore::Public {
                        grade: current.published,
                        as_of: current.as_of,
                        code,
                    }),
                    None => {
                        enterprises::get(conn, &code)?;
                        Err(not_scored(&code))
                    }
                })
            })
            .await;
    }
    state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                let row = scores::latest(conn, &code)?.ok_or_else(|| not_scored(&code))?;
                let percentile = scores::percentile(conn, row.score)?;
                Ok(CurrentScore::Full {
                    row: Box::new(row),
                    percentile,
                })
            })
        })
        .await
}

/// Scores enterprise `code` now with the active model, as of `as_of` (today when not given),
/// and applies the redlist rule to its two latest grades. Regulators and admins only.
pub async fn rescore(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    as_of: Option<NaiveDate>,
) -> AppResult<(ScoreRow, f64)> {
    let actor = caller.viewer.require_role(KEEPERS)?.username.clone();
    let today = state.clock.today();
    let as_of = as_of.unwrap_or(today);
    if as_of > today {
        return Err(AppError::validation("as_of", "must not be in the future"));
    }
    let ctx = caller.change_context(state.clock.now(), None)?;
    let at = ctx.at;
    let app = state.clone();
    let code = code.to_string();
    state
        .blocking(move |db| {
            let model = db.read(|conn| app.models.active(conn))?;
            db.write(|conn| {
                let row = engine::score_enterprise(conn, &model, &code, as_of, &actor, at)?;
                // The redlist rule looks at the two latest published grades.
                if let Some(grades) = lists::latest_grades(conn, &code)? {
                    lists::run_redlist_rule(conn, &[grades], &ctx)?;
                }
                let percentile = scores::percentile(conn, row.score)?;
                Ok((row, percentile))
            })
        })
        .await
}

/// One page of the scores of enterprise `code`, newest first.
pub async fn history(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: Input<PageRequest>,
) -> AppResult<Paged<ScoreRow>> {
    private_page(state, caller, code, paging, scores::history).await
}

/// The way up of enterprise `code`: the changes that would move it to the next grade, as of its
/// latest score's date, under the active model. Regulators, admins and the enterprise itself.
pub async fn way_up(state: &Arc<AppState>, caller: &Caller, code: &str) -> AppResult<WayUpAnswer> {
    caller.viewer.require_private_of(code)?;
    let app = state.clone();
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                let latest = scores::latest(conn, &code)?.ok_or_else(|| not_scored(&code))?;
                let model = app.models.active(conn)?;
                let (way_up, capped_by) = engine::way_up(conn, &model, &code, latest.as_of)?;
                Ok(WayUpAnswer {
                    enterprise_code: code,
                    as_of: latest.as_of,
                    model_version: model.version.clone(),
                    way_up,
                    capped_by,
                })
            })
        })
        .await
}

/// The way up with what it was computed for.
#[derive(Debug)]
pub struct WayUpAnswer {
    pub enterprise_code: String,
    pub as_of: NaiveDate,
    pub model_version: String,
    pub way_up: crate::scoring::way_up::WayUp,
    /// Policy adjustments that hold the grade down whatever the scorecard says.
    pub capped_by: Vec<crate::scoring::grade::GradeAdjustment>,
}

/// Two evaluations of an enterprise and what moved the score between them.
#[derive(Debug)]
pub struct ScoreChange {
    pub from: ScoreRow,
    pub to: ScoreRow,
    /// Features whose scorecard points differ, largest change first.
    pub features: Vec<crate::scoring::attribution::FeatureChange>,
    /// True when a score stored no bins (stored before they were kept): its features were
    /// computed again from the records as they stand now.
    pub recomputed: bool,
}

/// What changed between scores `from` and `to` of enterprise `code` (by default the latest and
/// the one before it). Regulators and admins.
pub async fn change(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> AppResult<ScoreChange> {
    caller.viewer.require_role(KEEPERS)?;
    let app = state.clone();
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                let named = |conn: &mut crate::db::DbConnection, id: i64| {
                    scores::of_enterprise(conn, &code, id)?.ok_or_else(|| {
                        AppError::NotFound(format!("enterprise {code} has no score {id}"))
                    })
                };
                let (from, to) = match (from, to) {
                    (Some(from), Some(to)) => (named(conn, from)?, named(conn, to)?),
                    (from, to) => {
                        let (latest, _) = scores::history(conn, &code, 0, 2)?;
                        let to = match to {
                            Some(id) => named(conn, id)?,
                            None => latest.first().cloned().ok_or_else(|| not_scored(&code))?,
                        };
                        let from = match from {
                            Some(id) => named(conn, id)?,
                            None => latest.get(1).cloned().ok_or_else(|| {
                                AppError::NotFound(format!(
                                    "enterprise {code} has one score: there is nothing to compare"
                                ))
                            })?,
                        };
                        (from, to)
                    }
                };
                // Each score's own bins under its own model; recomputed only for a score stored
                // before bins were kept.
                let points = |conn: &mut crate::db::DbConnection, row: &ScoreRow| {
                    let model = app.models.of_version(conn, &row.model_version)?;
                    let stored = crate::scoring::attribution::points_from_bins(
                        &model.artifact.scorecard,
                        &row.feature_bins,
                    );
                    match stored {
                        Some(points) => Ok::<_, AppError>((points, false)),
                        None => Ok((engine::points_as_of(conn, &model, &code, row.as_of)?, true)),
                    }
                };
                let (before, before_recomputed) = points(conn, &from)?;
                let (after, after_recomputed) = points(conn, &to)?;
                Ok(ScoreChange {
                    features: crate::scoring::attribution::compare(&before, &after),
                    from,
                    to,
                    recomputed: before_recomputed || after_recomputed,
                })
            })
        })
        .await
}
