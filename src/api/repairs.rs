//! Credit repair (信用修复): an enterprise applies to repair one of its negative credit events or
//! a blacklist entry; regulators and admins review the queue and approve or reject. An approval
//! ends the event's publicity early or removes the list entry, and rescores, in one transaction.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{
    KeeperReadProblems, PrivateListProblems, PrivateReadProblems, ReviewProblems,
    SelfCreateProblems,
};
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageQuery, PageRequest, path_code};
use crate::auth::Viewer;
use crate::domain::repairs::{EvidenceLink, RepairDecisionInput, RepairInput, RepairStatus};
use crate::error::AppResult;
use crate::service::Caller;
use crate::service::repairs::{self, RepairRow};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/repairs").route(web::get().to(review_queue)))
        .service(
            super::resource("/enterprises/{code}/repairs")
                .route(web::get().to(list_repairs))
                .route(web::post().to(apply_for_repair)),
        )
        .service(
            super::resource("/enterprises/{code}/repairs/{id}").route(web::get().to(get_repair)),
        )
        .service(
            super::resource("/enterprises/{code}/repairs/{id}/decision")
                .route(web::post().to(decide_repair)),
        );
}

/// A credit repair application and, once decided, the decision.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RepairView {
    pub id: i64,
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    /// The negative credit event to repair, or…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_event_id: Option<i64>,
    /// …the blacklist entry to end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_entry_id: Option<i64>,
    pub corrections: String,
    pub evidence: Vec<EvidenceLink>,
    /// `pending` until a regulator `approved` or `rejected` it.
    pub status: RepairStatus,
    pub applied_by: String,
    #[serde(with = "crate::domain::utc")]
    pub applied_at: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::utc::option"
    )]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The number of the repair decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    pub version: i64,
}

impl RepairView {
    fn of(row: RepairRow) -> Self {
        RepairView {
            evidence: row.evidence_links(),
            status: row.repair_status(),
            id: row.id,
            enterprise_code: row.enterprise_code,
            credit_event_id: row.credit_event_id,
            list_entry_id: row.list_entry_id,
            corrections: row.corrections,
            applied_by: row.applied_by,
            applied_at: row.applied_at,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            explanation: row.explanation,
            document_number: row.document_number,
            version: row.version,
        }
    }
}

/// Apply to repair a negative credit event (active or disputed) or a current blacklist entry of
/// the enterprise, saying what was corrected. Only the enterprise itself; one open application
/// per target (409).
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/repairs", tag = "credit repair",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    request_body = RepairInput,
    responses(
        (status = 201, description = "Applied", body = RepairView, headers(("Location" = String))),
        SelfCreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn apply_for_repair(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<RepairInput>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = super::caller(&req, viewer);
    caller.viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let row = repairs::apply(&state, &caller, &code, input).await?;
    let location = format!(
        "/api/v1/enterprises/{}/repairs/{}",
        row.enterprise_code, row.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(RepairView::of(row)))
}

/// An enterprise's repair applications, latest first. Regulators, admins and the enterprise
/// itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/repairs", tag = "credit repair",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), PageQuery),
    responses(
        (status = 200, description = "One page of applications", body = Page<RepairView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_repairs(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_private_of(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let found = repairs::of_enterprise(&state, &caller, &code, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(found.map(RepairView::of))))
}

/// Read one repair application. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/repairs/{id}", tag = "credit repair",
    params(
        ("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"),
        ("id" = i64, Path, description = "Application id"),
    ),
    responses(
        (status = 200, description = "The application", body = RepairView),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_repair(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (raw_code, id) = path.into_inner();
    let code = path_code(&raw_code)?;
    let caller = Caller::new(viewer, None, None);
    let row = repairs::get(&state, &caller, &code, id).await?;
    Ok(HttpResponse::Ok().json(RepairView::of(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only applications in this status; `pending` is the work to do. All when absent.
    pub status: Option<RepairStatus>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// The review queue: every enterprise's repair applications, oldest first. Regulators and
/// admins.
#[utoipa::path(
    get, path = "/api/v1/repairs", tag = "credit repair",
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of applications", body = Page<RepairView>),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn review_queue(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<QueueQuery>,
) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let found = repairs::review_queue(&state, &caller, query.status, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(found.map(RepairView::of))))
}

/// Approve or reject a repair application. Regulators and admins (never the enterprise itself).
/// An approval, in one transaction: the event becomes `repaired` with its publicity ended today,
/// or the blacklist entry is removed with this decision (then `document_number` is required);
/// a scored enterprise is rescored. A rejection changes nothing but the application. A decided
/// application is not decided again (409).
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/repairs/{id}/decision", tag = "credit repair",
    params(
        ("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"),
        ("id" = i64, Path, description = "Application id"),
    ),
    request_body = RepairDecisionInput,
    responses(
        (status = 200, description = "Decided", body = RepairView),
        ReviewProblems,
    ),
    security(("bearer" = []))
)]
pub async fn decide_repair(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<RepairDecisionInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let (raw_code, id) = path.into_inner();
    let code = path_code(&raw_code)?;
    let input = body.into_inner()?;
    let row = repairs::decide(&state, &caller, &code, id, input).await?;
    Ok(HttpResponse::Ok().json(RepairView::of(row)))
}
