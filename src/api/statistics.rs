//! `/statistics`: aggregates of the registry for regulators (seed 000). Every figure that rests
//! on fewer than 3 enterprises is withheld (`domain::statistics` states the rules).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::problems::KeeperReadProblems;
use crate::auth::Viewer;
use crate::domain::statistics::{
    GradeStatistics, GroupBy, GroupStatistics, MIN_CONTRIBUTORS, QuarterStatistics, RegionLevel,
};
use crate::error::AppResult;
use crate::service::Caller;
use crate::service::statistics::{self, BreakdownQuery, Filter};
use crate::state::AppState;

pub use crate::service::statistics::MAX_QUARTERS;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/statistics/enterprises").route(web::get().to(enterprise_statistics)),
    )
    .service(super::resource("/statistics/trends").route(web::get().to(trend_statistics)))
    .service(super::resource("/statistics/grades").route(web::get().to(grade_statistics)));
}

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
    fn into_filter(self) -> Filter {
        Filter {
            region_code: self.region_code,
            industry: self.industry,
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
    let query = query.into_inner().map(|q| BreakdownQuery {
        by: q.by,
        level: q.level,
        year: q.year,
        filter: Filter {
            region_code: q.region_code,
            industry: q.industry,
        },
    });
    let found = statistics::breakdown(&state, &Caller::new(viewer, None, None), query).await?;
    Ok(HttpResponse::Ok().json(EnterpriseStatistics {
        by: found.by,
        level: found.level,
        year: found.year,
        min_group_size: MIN_CONTRIBUTORS,
        groups: found.groups,
        total: found.total,
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
    let query = query.into_inner().map(|q| statistics::TrendQuery {
        quarters: q.quarters,
        filter: Filter {
            region_code: q.region_code,
            industry: q.industry,
        },
    });
    let quarters = statistics::trend(&state, &Caller::new(viewer, None, None), query).await?;
    Ok(HttpResponse::Ok().json(TrendStatistics {
        min_group_size: MIN_CONTRIBUTORS,
        quarters,
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
    let filter = query.into_inner().map(FilterQuery::into_filter);
    let grades: GradeStatistics =
        statistics::grades(&state, &Caller::new(viewer, None, None), filter).await?;
    Ok(HttpResponse::Ok().json(grades))
}
