//! Aggregates of the registry for regulators and admins (seed 000). Every figure that rests on
//! fewer than 3 enterprises is withheld (`domain::statistics` states the rules).

use chrono::Datelike;

use super::{Caller, Input, KEEPERS};
use crate::db::statistics::{self, StatisticsFilter};
use crate::db::statistics_cells;
use crate::domain::Violations;
use crate::domain::region::check_region_code;
use crate::domain::statistics::{
    GradeStatistics, GroupBy, GroupStatistics, Quarter, QuarterStatistics, RegionLevel,
    publish_breakdown, publish_grades, publish_trend,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The most quarters a trend reaches back.
pub const MAX_QUARTERS: u32 = 40;

/// Which enterprises a figure covers, as a caller types it: blank texts mean no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// GB/T 2260 code; a province or city code covers all within it.
    pub region_code: Option<String>,
    /// Exact industry.
    pub industry: Option<String>,
}

impl Filter {
    fn check(self, v: &mut Violations) -> StatisticsFilter {
        let region = self
            .region_code
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if let Some(r) = &region
            && let Err(e) = check_region_code(r)
        {
            v.add("region_code", e);
        }
        StatisticsFilter {
            region_prefix: region
                .filter(|r| check_region_code(r).is_ok())
                .map(|r| crate::db::enterprises::region_prefix(&r).to_string()),
            industry: self
                .industry
                .map(|i| i.trim().to_string())
                .filter(|i| !i.is_empty()),
        }
    }
}

/// A breakdown as asked for.
#[derive(Debug, Clone)]
pub struct BreakdownQuery {
    pub by: GroupBy,
    /// For `by=region`: province (the default), city or district level.
    pub level: Option<RegionLevel>,
    /// The calendar year of the operating figures (default: the last complete year).
    pub year: Option<i32>,
    pub filter: Filter,
}

/// A breakdown of the registry with the operating figures of one year, as published.
#[derive(Debug)]
pub struct Breakdown {
    pub by: GroupBy,
    /// The region level, for `by=region`.
    pub level: Option<RegionLevel>,
    pub year: i32,
    pub groups: Vec<GroupStatistics>,
    pub total: GroupStatistics,
}

/// Counts and operating figures by region, industry, business model, grade or status.
pub async fn breakdown(
    state: &AppState,
    caller: &Caller,
    query: Input<BreakdownQuery>,
) -> AppResult<Breakdown> {
    caller.viewer.require_role(KEEPERS)?;
    let query = query?;
    let this_year = state.clock.today().year();
    let year = query.year.unwrap_or(this_year - 1);
    let mut v = Violations::new();
    v.check(
        (2000..=this_year).contains(&year),
        "year",
        format!("must be between 2000 and {this_year}"),
    );
    v.check(
        query.level.is_none() || query.by == GroupBy::Region,
        "level",
        "applies to by=region only",
    );
    let filter = query.filter.check(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let by = query.by;
    let level = query.level.unwrap_or(RegionLevel::Province);
    let (groups, total) = state
        .blocking(move |db| {
            db.read(|conn| statistics_cells::enterprise_breakdown(conn, &filter, by, level, year))
        })
        .await?;
    let (groups, total) = publish_breakdown(&groups, &total);
    Ok(Breakdown {
        by,
        level: (by == GroupBy::Region).then_some(level),
        year,
        groups,
        total,
    })
}

/// A trend as asked for.
#[derive(Debug, Clone, Default)]
pub struct TrendQuery {
    /// How many calendar quarters, ending with the current one (1 to 40, default 8).
    pub quarters: Option<u32>,
    pub filter: Filter,
}

/// Quarterly trends of online sales, orders, refund rate and complaints, oldest first; the last
/// is the current quarter.
pub async fn trend(
    state: &AppState,
    caller: &Caller,
    query: Input<TrendQuery>,
) -> AppResult<Vec<QuarterStatistics>> {
    caller.viewer.require_role(KEEPERS)?;
    let query = query?;
    let count = query.quarters.unwrap_or(8);
    let mut v = Violations::new();
    v.check(
        (1..=MAX_QUARTERS).contains(&count),
        "quarters",
        format!("must be between 1 and {MAX_QUARTERS}"),
    );
    let filter = query.filter.check(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let today = state.clock.today();
    let quarters = Quarter::last(count, today);
    let from = quarters[0].first_day();
    let to = quarters[quarters.len() - 1].last_day();
    let found = state
        .blocking(move |db| {
            db.read(|conn| statistics_cells::quarterly_trend(conn, &filter, from, to))
        })
        .await?;
    Ok(publish_trend(&quarters, &found, today))
}

/// The current grade distribution and its change since the previous run.
pub async fn grades(
    state: &AppState,
    caller: &Caller,
    filter: Input<Filter>,
) -> AppResult<GradeStatistics> {
    caller.viewer.require_role(KEEPERS)?;
    let mut v = Violations::new();
    let filter = filter?.check(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let transitions = state
        .blocking(move |db| db.read(|conn| statistics::grade_transitions(conn, &filter)))
        .await?;
    Ok(publish_grades(&transitions))
}

/// Folds the statistics' appended cell rows in the background while it lives (the server holds
/// one in its state): writes only append, so that none waits on another, and the reads stay
/// short because this merges them every [`CellMerger::EVERY`]. Reads are exact either way.
pub struct CellMerger {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl CellMerger {
    pub const EVERY: std::time::Duration = std::time::Duration::from_secs(2);

    pub fn start(db: crate::db::Db) -> CellMerger {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let tick = std::time::Duration::from_millis(100);
            let mut waited = std::time::Duration::ZERO;
            while !stopped.load(Ordering::Acquire) {
                std::thread::sleep(tick);
                waited += tick;
                if waited < Self::EVERY {
                    continue;
                }
                waited = std::time::Duration::ZERO;
                let merged = db.read(statistics_cells::pending).and_then(|pending| {
                    if pending {
                        db.write(statistics_cells::merge)
                    } else {
                        Ok(0)
                    }
                });
                // A failure (the database away) is retried at the next tick.
                if let Err(e) = merged {
                    tracing::warn!(error = %e, "merging the statistics cells failed");
                }
            }
        });
        CellMerger { stop }
    }
}

impl Drop for CellMerger {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
    }
}
