//! `/enterprises/{code}/commitments`: credit commitments (信用承诺). The enterprise makes them;
//! regulators and admins find them kept or broken, which records the matching credit event.
//!
//! Commitments are read by regulators, admins and the enterprise itself only. What becomes
//! public is the outcome: the `commitment_kept` or `broken_commitment` credit event, public under
//! the publicity rules of every credit event.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{
    KeeperReadProblems, PrivateListProblems, PrivateReadProblems, ReviewProblems,
    SelfCreateProblems,
};
use super::views::CreditEventView;
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageQuery, PageRequest, path_code};
use crate::auth::Viewer;
use crate::domain::commitments::{CommitmentDecisionInput, CommitmentInput, CommitmentStatus};
use crate::error::AppResult;
use crate::service::Caller;
use crate::service::commitments::{self, CommitmentRow};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/commitments").route(web::get().to(review_queue)))
        .service(
            super::resource("/enterprises/{code}/commitments")
                .route(web::get().to(list_commitments))
                .route(web::post().to(create_commitment)),
        )
        .service(
            super::resource("/enterprises/{code}/commitments/{id}")
                .route(web::get().to(get_commitment)),
        )
        .service(
            super::resource("/enterprises/{code}/commitments/{id}/decision")
                .route(web::post().to(decide_commitment)),
        );
}

/// A commitment and, once decided, the finding.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentView {
    pub id: i64,
    pub enterprise_code: String,
    pub text: String,
    pub scope: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// `pending` until a regulator finds it `kept` or `broken`.
    pub status: CommitmentStatus,
    pub created_by: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
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
    /// The credit event the finding recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_event_id: Option<i64>,
    pub version: i64,
}

impl CommitmentView {
    fn of(row: CommitmentRow) -> Self {
        CommitmentView {
            status: row.commitment_status(),
            id: row.id,
            enterprise_code: row.enterprise_code,
            text: row.text,
            scope: row.scope,
            period_start: row.period_start,
            period_end: row.period_end,
            created_by: row.created_by,
            created_at: row.created_at,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            explanation: row.explanation,
            credit_event_id: row.credit_event_id,
            version: row.version,
        }
    }
}

/// A decided commitment and the credit event its finding recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentDecisionView {
    pub commitment: CommitmentView,
    pub credit_event: CreditEventView,
}

/// Make a credit commitment. Only the enterprise itself; it is `pending` until a regulator
/// decides.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/commitments", tag = "commitments",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    request_body = CommitmentInput,
    responses(
        (status = 201, description = "Recorded", body = CommitmentView, headers(("Location" = String))),
        SelfCreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn create_commitment(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<CommitmentInput>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = super::caller(&req, viewer);
    caller.viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let row = commitments::create(&state, &caller, &code, input).await?;
    let location = format!(
        "/api/v1/enterprises/{}/commitments/{}",
        row.enterprise_code, row.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(CommitmentView::of(row)))
}

/// An enterprise's commitments, latest first. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/commitments", tag = "commitments",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), PageQuery),
    responses(
        (status = 200, description = "One page of commitments", body = Page<CommitmentView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_commitments(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_private_of(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let found = commitments::of_enterprise(&state, &caller, &code, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(found.map(CommitmentView::of))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only commitments in this status; `pending` is the work to do. All when absent.
    pub status: Option<CommitmentStatus>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// The regulators' queue: every enterprise's commitments, the earliest end of period first
/// (those whose period is over are ready to be found kept). Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/commitments", tag = "commitments",
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of commitments", body = Page<CommitmentView>),
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
    let found = commitments::review_queue(&state, &caller, query.status, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(found.map(CommitmentView::of))))
}

/// Read one commitment. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/commitments/{id}", tag = "commitments",
    params(
        ("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"),
        ("id" = i64, Path, description = "Commitment id"),
    ),
    responses(
        (status = 200, description = "The commitment", body = CommitmentView),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_commitment(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (raw_code, id) = path.into_inner();
    let code = path_code(&raw_code)?;
    let caller = Caller::new(viewer, None, None);
    let row = commitments::get(&state, &caller, &code, id).await?;
    Ok(HttpResponse::Ok().json(CommitmentView::of(row)))
}

/// Find a commitment kept or broken. Regulators and admins (never the enterprise itself). In one
/// transaction the commitment is decided and a `commitment_kept` (positive) or
/// `broken_commitment` (negative) credit event is recorded, the blacklist rule runs, and a scored
/// enterprise is rescored. A commitment can be found broken at any time but kept only after its
/// period; a decided commitment is not decided again (409).
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/commitments/{id}/decision", tag = "commitments",
    params(
        ("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"),
        ("id" = i64, Path, description = "Commitment id"),
    ),
    request_body = CommitmentDecisionInput,
    responses(
        (status = 200, description = "Decided", body = CommitmentDecisionView),
        ReviewProblems,
    ),
    security(("bearer" = []))
)]
pub async fn decide_commitment(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<CommitmentDecisionInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let (raw_code, id) = path.into_inner();
    let code = path_code(&raw_code)?;
    let input = body.into_inner()?;
    let (row, event) = commitments::decide(&state, &caller, &code, id, input).await?;
    Ok(HttpResponse::Ok().json(CommitmentDecisionView {
        commitment: CommitmentView::of(row),
        credit_event: CreditEventView::full(event),
    }))
}
