//! `/models`: the scoring model versions, their holdout metrics and population stability, and
//! which one is active. Regulators and admins.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, KEEPERS};
use crate::auth::Viewer;
use crate::domain::models::ActivationInput;
use crate::error::{AppResult, Problem};
use crate::service::Caller;
use crate::service::models::{self, ActivationRow, ModelDetail, ModelEntry, StoredComparison};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/models").route(web::get().to(list_models)))
        .service(super::resource("/models/{version}").route(web::get().to(get_model)))
        .service(
            super::resource("/models/{version}/activate").route(web::post().to(activate_model)),
        )
        .service(
            super::resource("/models/{version}/comparisons")
                .route(web::post().to(compare_model))
                .route(web::get().to(list_comparisons)),
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
    /// Why it was last activated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activation_reason: Option<String>,
    /// Training data, holdout metrics (AUC, KS, Gini, Brier, calibration by decile) of the
    /// scorecard, the forest and their combination, the combination rule and the scaling.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

impl From<ModelEntry> for ModelView {
    fn from(
        ModelEntry {
            row,
            activation_reason,
        }: ModelEntry,
    ) -> Self {
        ModelView {
            activation_reason,
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
    /// Every activation of this version, newest first.
    pub activations: Vec<ActivationView>,
}

/// One activation of a model version.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActivationView {
    #[serde(with = "crate::domain::utc")]
    pub activated_at: NaiveDateTime,
    pub activated_by: String,
    pub reason: String,
    /// The version it replaced as the active model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// The comparison with the replaced version it relied on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison_id: Option<i64>,
}

impl From<ActivationRow> for ActivationView {
    fn from(row: ActivationRow) -> Self {
        ActivationView {
            activated_at: row.activated_at,
            activated_by: row.activated_by,
            reason: row.reason,
            replaced: row.replaced,
            comparison_id: row.comparison_id,
        }
    }
}

/// A challenger set against the champion (the model active when it was made).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ComparisonView {
    pub id: i64,
    #[serde(with = "crate::domain::utc")]
    pub computed_at: NaiveDateTime,
    pub computed_by: String,
    pub champion: String,
    pub challenger: String,
    /// Both models on the challenger's holdout rows: `rows`, `bads`, `same_as_training` (the
    /// registry still has its training shape), `shared_holdout` (the champion held out the same
    /// rows; when false it may have trained on some of them), and `champion` / `challenger`
    /// metrics (AUC, KS, Gini, Brier, calibration by decile) of the scorecard, the forest and
    /// the combined PD, and `auc_difference`: for each, DeLong's test of the challenger's AUC
    /// against the champion's (`difference`, `standard_error`, `p_value`, `ci95`). Absent when
    /// it cannot be rebuilt.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub holdout: Option<serde_json::Value>,
    /// Why there is no holdout comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdout_missing: Option<String>,
    /// Both models grading every enterprise as of `as_of`: `migration` (`grades` best first,
    /// `counts[i][j]` enterprises graded `grades[i]` by the champion and `grades[j]` by the
    /// challenger, with `unchanged`, `upgraded`, `downgraded`, `moved_two_or_more` and
    /// `grade_psi`), and `champion_psi` / `challenger_psi`, each model's scores against its
    /// training population.
    #[schema(value_type = Object)]
    pub population: serde_json::Value,
}

impl From<StoredComparison> for ComparisonView {
    fn from(stored: StoredComparison) -> Self {
        let c = stored.comparison;
        ComparisonView {
            id: stored.id,
            computed_at: stored.computed_at,
            computed_by: stored.computed_by,
            champion: c.champion,
            challenger: c.challenger,
            holdout: c.holdout.and_then(|h| serde_json::to_value(h).ok()),
            holdout_missing: c.holdout_missing,
            population: serde_json::to_value(c.population).unwrap_or_default(),
        }
    }
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
        model,
        population_stability,
        current_scores,
        activations,
    } = models::get(&state, &Caller::new(viewer, None, None), &version).await?;
    let activation_reason = activations.first().map(|a| a.reason.clone());
    Ok(HttpResponse::Ok().json(ModelDetailView {
        model: ModelEntry {
            row,
            activation_reason,
        }
        .into(),
        activations: activations.into_iter().map(ActivationView::from).collect(),
        features: serde_json::to_value(&model.artifact.features).unwrap_or_default(),
        population_stability,
        current_scores,
    }))
}

/// Make this version the one that scores, saying why. Regulators and admins. Replacing the
/// active version needs a comparison of the two first (`POST /models/{version}/comparisons`);
/// activating the active version changes nothing. A model trained on other data than the
/// registry's features cannot be activated.
#[utoipa::path(
    post, path = "/api/v1/models/{version}/activate", tag = "models",
    params(("version" = String, Path, description = "Model version")),
    request_body = ActivationInput,
    responses(
        (status = 200, description = "Activated (or already active)", body = ModelView),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins activate models", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not compared with the active model yet, or the model cannot score registry enterprises", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or one too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn activate_model(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    version: web::Path<String>,
    body: ApiJson<ActivationInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let input = body.into_inner()?;
    let entry = models::activate(&state, &caller, &version, input).await?;
    Ok(HttpResponse::Ok().json(ModelView::from(entry)))
}

/// Compare this version (the challenger) with the active model (the champion): both on the
/// challenger's holdout (AUC, KS, Brier, calibration), and both grading every enterprise as of
/// today, with the grade migration matrix and each model's PSI. The comparison is stored; it is
/// what an activation replacing the champion relies on. Regulators and admins. It scores the
/// registry twice, so it takes seconds at 100k enterprises.
#[utoipa::path(
    post, path = "/api/v1/models/{version}/comparisons", tag = "models",
    params(("version" = String, Path, description = "Model version (the challenger)")),
    responses(
        (status = 201, description = "Compared", body = ComparisonView, headers(("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins compare models", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No model is active, this version is the active one, or it cannot score registry enterprises", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn compare_model(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    version: web::Path<String>,
) -> AppResult<HttpResponse> {
    let stored = models::compare(&state, &super::caller(&req, viewer), &version).await?;
    let location = format!(
        "/api/v1/models/{}/comparisons",
        stored.comparison.challenger
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(ComparisonView::from(stored)))
}

/// The comparisons of this version with the models active when they were made, newest first.
/// Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/models/{version}/comparisons", tag = "models",
    params(("version" = String, Path, description = "Model version (the challenger)")),
    responses(
        (status = 200, description = "The comparisons", body = Vec<ComparisonView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins see models", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_comparisons(
    state: web::Data<AppState>,
    viewer: Viewer,
    version: web::Path<String>,
) -> AppResult<HttpResponse> {
    let stored = models::comparisons(&state, &Caller::new(viewer, None, None), &version).await?;
    Ok(HttpResponse::Ok().json(
        stored
            .into_iter()
            .map(ComparisonView::from)
            .collect::<Vec<_>>(),
    ))
}
