//! Operational endpoints outside the versioned API: liveness, readiness, metrics.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppResult, Problem};
use crate::service::health;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/health").route(web::get().to(health)))
        .service(super::resource("/ready").route(web::get().to(ready)))
        .service(super::resource("/metrics").route(web::get().to(metrics)));
}

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "Alive", body = HealthStatus)), security(()))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: "ok".into(),
        database: None,
    })
}

/// Readiness: the database answers a query.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    ),
    security(()))]
pub async fn ready(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let backend = health::ready(&state).await?;
    Ok(HttpResponse::Ok().json(HealthStatus {
        status: "ok".into(),
        database: Some(backend),
    }))
}

/// Prometheus metrics: requests by route and status, latency histograms, pool use.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain")),
    security(()))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(health::metrics(&state))
}
