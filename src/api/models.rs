//! `/models`: the scoring model versions, their holdout metrics and population stability, and
//! which one is active. Regulators and admins.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::{AppResult, Problem};
use crate::service::Caller;
use crate::service::models::{self, ModelDetail, ModelRow};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/models").route(web::get().to(list_models)))
        .service(super::resource("/models/{version}").route(web::get().to(get_model)))
        .service(
            super::resource("/models/{version}/activate").route(web::post().to(activate_model)),
        );
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ModelView {
    pub version: String,
    pub active: bool,
    #[serde(with = "crate::domain::utc")]
    pub trained_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub registered_at: NaiveDateTime,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        with = "crate::domain::utc::option"
    )]
    pub activated_at: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activated_by: Option<String>,
    /// Training data, holdout metrics (AUC, KS, Gini, Brier, calibration by decile) of the
    /// scorecard, the forest and their combination, the combination rule and the scaling.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

impl From<ModelRow> for ModelView {
    fn from(row: ModelRow) -> Self {
        ModelView {
            version: row.version,
            active: row.active,
            trained_at: row.trained_at,
            registered_at: row.registered_at,
            activated_at: row.activated_at,
            activated_by: row.activated_by,
            summary: serde_json::from_str(&row.summary).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ModelDetailView {
    #[serde(flatten)]
    pub model: ModelView,
    /// The input features with their dimension, information value and scorecard status.
    #[schema(value_type = Vec<Object>)]
    pub features: serde_json::Value,
    /// Population stability of the current scores made by this version against its training
    /// population; absent while no enterprise has a current score from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub population_stability: Option<serde_json::Value>,
    /// How many enterprises currently hold a score from this version.
    pub current_scores: usize,
}

/// All model versions, newest first.
#[utoipa::path(
    get, path = "/api/v1/models", tag = "models",
    responses(
        (status = 200, description = "The model versions", body = Vec<ModelView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins see models", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_models(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let rows = models::list(&state, &Caller::new(viewer, None, None)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ModelView::from).collect::<Vec<_>>()))
}

/// One model version with its features, metrics and the population stability (PSI) of the
/// current scores against its training population.
#[utoipa::path(
    get, path = "/api/v1/models/{version}", tag = "models",
    params(("version" = String, Path, description = "Model version")),
    responses(
        (status = 200, description = "The model", body = ModelDetailView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins see models", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_model(
    state: web::Data<AppState>,
    viewer: Viewer,
    version: web::Path<String>,
) -> AppResult<HttpResponse> {
    let ModelDetail {
        row,
        artifact,
        population_stability,
        current_scores,
    } = models::get(&state, &Caller::new(viewer, None, None), &version).await?;
    Ok(HttpResponse::Ok().json(ModelDetailView {
        model: row.into(),
        features: serde_json::to_value(&artifact.features).unwrap_or_default(),
        population_stability,
        current_scores,
    }))
}

/// Make this version the one that scores. Regulators and admins. A model trained on other data
/// than the registry's features cannot be activated.
#[utoipa::path(
    post, path = "/api/v1/models/{version}/activate", tag = "models",
    params(("version" = String, Path, description = "Model version")),
    responses(
        (status = 200, description = "Activated", body = ModelView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins activate models", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The model cannot score registry enterprises", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn activate_model(
    state: web::Data<AppState>,
    viewer: Viewer,
    version: web::Path<String>,
) -> AppResult<HttpResponse> {
    let row = models::activate(&state, &Caller::new(viewer, None, None), &version).await?;
    Ok(HttpResponse::Ok().json(ModelView::from(row)))
}
