//! `POST /api/v1/imports`: a batch of enterprises with their operating records, stored in one
//! transaction (a batch is entirely in the registry, or not at all).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiJson;
use super::problems::CreateProblems;
use crate::auth::Viewer;
use crate::domain::import::ImportInput;
use crate::error::AppResult;
use crate::service::imports::{self, Imported};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/imports").route(web::post().to(import)));
}

/// What a batch stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSummary {
    /// The codes registered, in the order sent.
    pub codes: Vec<String>,
    pub enterprises: usize,
    pub operating_records: usize,
}

impl From<Imported> for ImportSummary {
    fn from(done: Imported) -> Self {
        ImportSummary {
            codes: done.codes,
            enterprises: done.enterprises,
            operating_records: done.operating_records,
        }
    }
}

/// Import a batch of up to 500 enterprises (none registered yet) with their operating records,
/// in one transaction. Every problem in the batch is reported at once (422, naming each place),
/// a code already registered refuses the whole batch (409); nothing is stored unless all is.
/// The history of each enterprise records the import and its reason. Regulators and admins.
#[utoipa::path(
    post, path = "/api/v1/imports", tag = "enterprises",
    request_body = ImportInput,
    responses(
        (status = 201, description = "The batch is stored", body = ImportSummary),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    body: ApiJson<ImportInput>,
) -> AppResult<HttpResponse> {
    let done = imports::import(&state, &super::caller(&req, viewer), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ImportSummary::from(done)))
}
