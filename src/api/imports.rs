//! `POST /api/v1/imports`: a batch of enterprises with their operating records, stored in one
//! transaction (a batch is entirely in the registry, or not at all).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::problems::CreateProblems;
use super::{ApiJson, KEEPERS, change_context};
use crate::auth::Viewer;
use crate::db::bulk::{self, NewEnterprise, Provenance};
use crate::db::enterprises;
use crate::domain::import::ImportInput;
use crate::domain::records::DataSource;
use crate::error::{AppError, AppResult};
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
    viewer.require_role(KEEPERS)?;
    let batch = body.into_inner()?.check(state.clock.today())?;
    let ctx = change_context(&state, &req, &viewer, Some(batch.reason.clone()))?;
    let provenance = Provenance {
        actor: ctx.actor.clone(),
        actor_role: ctx.actor_role,
        reason: batch.reason.clone(),
        at: ctx.at,
    };
    let summary = state
        .blocking(move |db| {
            let codes: Vec<String> = batch
                .items
                .iter()
                .map(|(e, _)| e.code.to_string())
                .collect();
            let rows: Vec<NewEnterprise<'_>> = batch
                .items
                .iter()
                .map(|(enterprise, operating)| NewEnterprise {
                    enterprise,
                    source: DataSource::Department,
                    operating,
                    events: &[],
                    sentiment: &[],
                    associations: &[],
                })
                .collect();
            let prepared = bulk::prepare(&rows, &provenance);
            db.write(|conn| {
                let registered = enterprises::of_codes(conn, &codes)?;
                if !registered.is_empty() {
                    let named: Vec<&str> = registered
                        .iter()
                        .map(|e| e.enterprise.code.as_str())
                        .collect();
                    return Err(AppError::Conflict(format!(
                        "already registered, nothing imported: {}",
                        named.join(", ")
                    )));
                }
                let counts = bulk::insert_prepared(conn, &prepared)?;
                Ok(ImportSummary {
                    codes: codes.clone(),
                    enterprises: counts.enterprises,
                    operating_records: counts.operating_records,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(summary))
}
