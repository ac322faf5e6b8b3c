//! `/statistics`: aggregates of the registry for regulators (seed 000). Every figure that rests
//! on fewer than 3 enterprises is withheld (`domain::statistics` states the rules).

use actix_web::{HttpResponse, web};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::KeeperReadProblems;
use super::{ApiQuery, KEEPERS};
use crate::auth::Viewer;
use crate::db::statistics::{self, StatisticsFilter};
use crate::domain::Violations;
use crate::domain::region::check_region_code;
use crate::domain::statistics::{
    GradeStatistics, GroupBy, GroupStatistics, MIN_CONTRIBUTORS, Quarter, QuarterStatistics,
    RegionLevel, publish_breakdown, publish_grades, publish_trend,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/statistics/enterprises").route(web::get().to(enterprise_statistics)),
    )
    .service(super::resource("/statistics/trends").route(web::get().to(trend_statistics)))
    .service(super::resource("/statistics/grades").route(web::get().to(grade_statistics)));
}

/// The most quarters a trend reaches back.
pub const MAX_QUARTERS: u32 = 40;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterQuery {
    /// GB/T 2260 code; a province (`330000`) or city (`330100`) code covers all within it.
    #[param(pattern = r"^([0-9]{6})?$", example = "330000")]
    pub region_code: Option<String>,
    /// Exact industry.
    pub industry: Option<String>,
}

impl FilterQuery {
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseStatisticsQuery {
    /// What to group by.
    pub by: GroupBy,
    /// For `by=region`: group at province (2 digits, default), city (4) or district level.
    pub level: Option<RegionLevel>,
    /// The calendar year of the operating figures (default: the last complete year).
    #[param(minimum = 2000, maximum = 9999, example = 2025)]
    pub year: Option<i32>,
    #[param(pattern = r"^([0-9]{6})?$", example = "330000")]
    pub region_code: Option<String>,
    pub industry: Option<String>,
}

/// A breakdown of the registry with the operating figures of one year.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseStatistics {
    pub by: GroupBy,
    /// The region level, for `by=region`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<RegionLevel>,
    pub year: i32,
    /// The least number of enterprises a published figure rests on.
    pub min_group_size: i64,
    /// Groups in key order; suppressed groups keep their key, not their figures.
    pub groups: Vec<GroupStatistics>,
    /// Over all enterprises the filters select.
    pub total: GroupStatistics,
}

/// Counts and operating figures by region, industry, business model, grade or status.
/// Regulators and admins.
///
/// Per group: the enterprises, how many filed figures for the year, and per figure (online
/// sales, orders, cross-border trade, employees, tax paid) the total and the mean per reporting
/// enterprise. An enterprise's year is the sum of its quarters, a quarter being its quarterly
/// record or else the sum of its monthly ones (the employees: the mean headcount). A group of
/// fewer than 3 enterprises is suppressed (`suppressed: true`, count and figures null); when the
/// suppressed groups together hold fewer than 3 enterprises, the smallest other groups are
/// suppressed too, so that no suppressed group can be recovered as the total minus the rest. A
/// figure fewer than 3 enterprises of a group reported is withheld by the same rules. Business
/// models overlap (an enterprise may have several).
#[utoipa::path(
    get, path = "/api/v1/statistics/enterprises", tag = "statistics",
    params(EnterpriseStatisticsQuery),
    responses(
        (status = 200, description = "The breakdown", body = EnterpriseStatistics),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn enterprise_statistics(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<EnterpriseStatisticsQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
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
    let filter = FilterQuery {
        region_code: query.region_code,
        industry: query.industry,
    }
    .check(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let by = query.by;
    let level = query.level.unwrap_or(RegionLevel::Province);
    let (groups, total) = state
        .blocking(move |db| {
            db.read(|conn| statistics::enterprise_breakdown(conn, &filter, by, level, year))
        })
        .await?;
    let (groups, total) = publish_breakdown(&groups, &total);
    Ok(HttpResponse::Ok().json(EnterpriseStatistics {
        by,
        level: (by == GroupBy::Region).then_some(level),
        year,
        min_group_size: MIN_CONTRIBUTORS,
        groups,
        total,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// How many calendar quarters, ending with the current one (1 to 40, default 8).
    #[param(minimum = 1, maximum = 40, example = 8)]
    pub quarters: Option<u32>,
    #[param(pattern = r"^([0-9]{6})?$", example = "330000")]
    pub region_code: Option<String>,
    pub industry: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrendStatistics {
    pub min_group_size: i64,
    /// Oldest first; the last is the current quarter (`complete: false`).
    pub quarters: Vec<QuarterStatistics>,
}

/// Quarterly trends of online sales, orders, refund rate (weighted by orders) and complaints,
/// with the number of reporting enterprises. Regulators and admins.
///
/// Monthly records roll up into their quarter; an enterprise's quarterly record counts as is and,
/// should it also have monthly records for that quarter, replaces them (never counted twice). A
/// quarter with fewer than 3 reporting enterprises is suppressed; so are the refund rate and the
/// complaints when fewer than 3 enterprises gave them.
#[utoipa::path(
    get, path = "/api/v1/statistics/trends", tag = "statistics",
    params(TrendQuery),
    responses(
        (status = 200, description = "The quarters, oldest first", body = TrendStatistics),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn trend_statistics(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<TrendQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
    let count = query.quarters.unwrap_or(8);
    let mut v = Violations::new();
    v.check(
        (1..=MAX_QUARTERS).contains(&count),
        "quarters",
        format!("must be between 1 and {MAX_QUARTERS}"),
    );
    let filter = FilterQuery {
        region_code: query.region_code,
        industry: query.industry,
    }
    .check(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let today = state.clock.today();
    let quarters = Quarter::last(count, today);
    let from = quarters[0].first_day();
    let to = quarters[quarters.len() - 1].last_day();
    let found = state
        .blocking(move |db| db.read(|conn| statistics::quarterly_trend(conn, &filter, from, to)))
        .await?;
    Ok(HttpResponse::Ok().json(TrendStatistics {
        min_group_size: MIN_CONTRIBUTORS,
        quarters: publish_trend(&quarters, &found, today),
    }))
}

/// The current grade distribution and its change since the previous run. Regulators and admins.
///
/// "Current" is each enterprise's current published grade. "Previous" is, per enterprise, the
/// published grade of its stored score just before the current one, whenever that was made; an
/// enterprise scored only once is `newly_scored`. Upgraded and downgraded compare the two.
/// Counts below 3 are suppressed, and each column (current, previous, kinds of change) keeps
/// its suppressed counts from being recovered by subtraction from its total.
#[utoipa::path(
    get, path = "/api/v1/statistics/grades", tag = "statistics",
    params(FilterQuery),
    responses(
        (status = 200, description = "The distribution", body = GradeStatistics),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn grade_statistics(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<FilterQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let mut v = Violations::new();
    let filter = query.into_inner()?.check(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let transitions = state
        .blocking(move |db| db.read(|conn| statistics::grade_transitions(conn, &filter)))
        .await?;
    Ok(HttpResponse::Ok().json(publish_grades(&transitions)))
}
