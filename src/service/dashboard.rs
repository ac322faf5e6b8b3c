//! The regulators' dashboard: the grade distribution with its change since the previous
//! evaluation, its trend over the completed rescoring runs, and the pending work of every queue.
//! Regulators and admins. Every figure is a small read (the grade tallies kept with each score
//! write, the runs' stored distributions, counts over the queues' status columns), so the page
//! stays fast at any registry size.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{Caller, KEEPERS};
use crate::db::runs;
use crate::db::statistics::{self, StatisticsFilter};
use crate::domain::statistics::{GradeStatistics, publish_distribution, publish_grades};
use crate::error::AppResult;
use crate::scoring::grade::Grade;
use crate::state::AppState;

pub use crate::db::workspace::PendingWork;

/// Objections due within this many days are flagged as due soon.
pub const DUE_SOON_DAYS: i64 = 5;

/// How many completed runs the trend shows.
pub const TREND_RUNS: i64 = 12;

/// The grade distribution a completed run left.
#[derive(Debug, Clone, PartialEq)]
pub struct RunGrades {
    pub run_id: i64,
    pub finished_at: NaiveDateTime,
    /// Enterprises graded when it completed.
    pub graded: i64,
    /// AAA to C, `None` where suppressed.
    pub grades: Vec<Option<i64>>,
}

#[derive(Debug, Clone)]
pub struct RegulatorDashboard {
    pub today: NaiveDate,
    /// Objections due on or before this day (and not overdue) are due soon.
    pub due_by: NaiveDate,
    pub grades: GradeStatistics,
    /// Oldest first.
    pub trend: Vec<RunGrades>,
    pub pending: PendingWork,
}

/// The dashboard as of today.
pub async fn regulator(state: &AppState, caller: &Caller) -> AppResult<RegulatorDashboard> {
    caller.viewer.require_role(KEEPERS)?;
    let today = state.clock.today();
    let due_by = today + Duration::days(DUE_SOON_DAYS);
    let (transitions, runs, pending) = state
        .blocking(move |db| {
            db.read(|conn| {
                Ok((
                    statistics::grade_transitions(conn, &StatisticsFilter::default())?,
                    runs::completed_with_grades(conn, TREND_RUNS)?,
                    crate::db::workspace::pending_work(conn, today, due_by)?,
                ))
            })
        })
        .await?;
    let trend = runs
        .into_iter()
        .filter_map(|run| {
            let stored: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(run.grades.as_deref()?).ok()?;
            let mut counts = [0i64; 9];
            for (i, grade) in Grade::ALL.iter().enumerate() {
                counts[i] = stored
                    .get(grade.as_str())
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0);
            }
            Some(RunGrades {
                run_id: run.id,
                finished_at: run.finished_at?,
                graded: counts.iter().sum(),
                grades: publish_distribution(&counts),
            })
        })
        .collect();
    Ok(RegulatorDashboard {
        today,
        due_by,
        grades: publish_grades(&transitions),
        trend,
        pending,
    })
}
