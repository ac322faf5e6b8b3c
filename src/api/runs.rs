//! Rescoring runs: `POST /api/v1/scores/runs` rescores every enterprise with the active model in
//! the background; the run's row says how far it got and how it ended.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{KeeperReadProblems, PrivateReadProblems};
use super::{ApiQuery, Page, PageQuery, PageRequest};
use crate::auth::Viewer;
use crate::error::{AppResult, Problem};
use crate::service::Caller;
use crate::service::runs::{self, RunRow};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/scores/runs")
            .route(web::get().to(list_runs))
            .route(web::post().to(start_run)),
    )
    .service(super::resource("/scores/runs/{id}").route(web::get().to(get_run)));
}

/// A rescoring run.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: i64,
    /// `running`, `completed`, `failed`, or `interrupted` (the service stopped during it; the
    /// chunks it stored stay, each whole).
    #[schema(example = "running")]
    pub status: String,
    pub model_version: String,
    pub as_of: NaiveDate,
    #[serde(with = "crate::domain::utc")]
    pub started_at: NaiveDateTime,
    pub started_by: String,
    #[serde(with = "crate::domain::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<NaiveDateTime>,
    /// Enterprises scored so far while running; in all once finished.
    pub scored: Option<i64>,
    /// Enterprises in the registry when the run started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    pub error: Option<String>,
}

impl From<RunRow> for RunView {
    fn from(r: RunRow) -> Self {
        RunView {
            id: r.id,
            status: r.status,
            model_version: r.model_version,
            as_of: r.as_of,
            started_at: r.started_at,
            started_by: r.started_by,
            finished_at: r.finished_at,
            scored: r.scored,
            total: r.total,
            error: r.error,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// Compute the features as of this date (default: today).
    #[param(example = "2026-11-01")]
    pub as_of: Option<NaiveDate>,
}

/// Start rescoring every enterprise with the active model. Answers at once (202) with the run;
/// follow it at its Location. One run at a time (409 while one is going); 409 too when no
/// model is active. Regulators and admins.
#[utoipa::path(
    post, path = "/api/v1/scores/runs", tag = "scores",
    params(RunQuery),
    responses(
        (status = 202, description = "Started", body = RunView, headers(("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A run is going, or no model is active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "as_of is invalid or in the future", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn start_run(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: ApiQuery<RunQuery>,
) -> AppResult<HttpResponse> {
    let as_of = query.into_inner().map(|q| q.as_of);
    let run = runs::start(&state, &super::caller(&req, viewer), as_of).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/v1/scores/runs/{}", run.id)))
        .json(RunView::from(run)))
}

/// One rescoring run. Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/scores/runs/{id}", tag = "scores",
    params(("id" = i64, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = RunView),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_run(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let run = runs::get(&state, &Caller::new(viewer, None, None), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(RunView::from(run)))
}

/// Rescoring runs, newest first. Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/scores/runs", tag = "scores",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of runs", body = Page<RunView>),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_runs(
    state: web::Data<AppState>,
    viewer: Viewer,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let paging = paging.into_inner().and_then(PageRequest::try_from);
    let found = runs::list(&state, &Caller::new(viewer, None, None), paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(found.map(RunView::from))))
}
