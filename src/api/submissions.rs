//! Self-maintenance: an enterprise submits its own basic data changes and operating periods;
//! clean data is applied at once, the rest waits for a regulator, who approves or rejects it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{ReviewProblems, SelfCreateProblems};
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageRequest, path_code};
use crate::auth::Viewer;
use crate::domain::enterprise::EnterprisePatch;
use crate::domain::identity::{mask_phone, mask_resident_id};
use crate::domain::records::OperatingInput;
use crate::domain::submission::{Finding, ReviewInput, SubmissionInput, SubmissionStatus};
use crate::error::{AppError, AppResult};
use crate::service::Caller;
use crate::service::submissions::{self, Submission};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/submissions").route(web::get().to(review_queue)))
        .service(
            super::resource("/enterprises/{code}/submissions")
                .route(web::get().to(list_submissions))
                .route(web::post().to(submit)),
        )
        .service(
            super::resource("/enterprises/{code}/submissions/{id}")
                .route(web::get().to(get_submission)),
        )
        .service(
            super::resource("/enterprises/{code}/submissions/{id}/decision")
                .route(web::post().to(decide)),
        );
}

/// A submission and what became of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: i64,
    pub enterprise_code: String,
    /// `applied` (at once), `pending` (held for review), `approved` or `rejected`.
    #[schema(value_type = String, example = "pending")]
    pub status: SubmissionStatus,
    /// The basic data changes as submitted (personal data masked for all but admins).
    pub basic: Option<EnterprisePatch>,
    /// The operating periods as submitted.
    pub operating: Vec<OperatingInput>,
    pub note: Option<String>,
    /// Why it was held for review; empty when it was applied at once.
    pub findings: Vec<Finding>,
    #[serde(with = "crate::domain::utc")]
    pub submitted_at: NaiveDateTime,
    pub submitted_by: String,
    #[serde(with = "crate::domain::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<NaiveDateTime>,
    /// The regulator who reviewed it.
    pub decided_by: Option<String>,
    /// The regulator's reason, which the enterprise reads.
    pub decision_reason: Option<String>,
    /// The operating records it created (source `self_reported`).
    pub applied_records: Vec<i64>,
}

impl SubmissionView {
    fn of(submission: Submission, viewer: &Viewer) -> Self {
        let mut basic = submission.content.basic;
        if let Some(b) = basic.as_mut()
            && !viewer.sees_personal_data()
        {
            b.legal_rep_id_number = b.legal_rep_id_number.as_deref().map(mask_resident_id);
            b.legal_rep_phone = b.legal_rep_phone.as_deref().map(mask_phone);
        }
        SubmissionView {
            id: submission.id,
            enterprise_code: submission.enterprise_code,
            status: submission.status,
            basic,
            operating: submission.content.operating,
            note: submission.content.note,
            findings: submission.findings,
            submitted_at: submission.submitted_at,
            submitted_by: submission.submitted_by,
            decided_at: submission.decided_at,
            decided_by: submission.decided_by,
            decision_reason: submission.decision_reason,
            applied_records: submission.applied_records,
        }
    }
}

/// Submit basic data changes and/or operating periods (up to 24) of one's own enterprise. Each
/// is checked at once: ranges, consistency, periods overlapping each other or a recorded one.
/// A clean submission is applied at once (`applied`, 201); one that changes registered facts
/// (name, representative, capital, region, industry, status) or whose sales or orders jump
/// tenfold up or down over the previous period is held for review (`pending`, 202), and its
/// findings say why. Only the enterprise's own users.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/submissions", tag = "submissions",
    params(("code" = String, Path, description = "Unified social credit code")),
    request_body = SubmissionInput,
    responses(
        (status = 201, description = "Applied at once", body = SubmissionView, headers(("Location" = String))),
        (status = 202, description = "Held for review", body = SubmissionView, headers(("Location" = String))),
        SelfCreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<SubmissionInput>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = super::caller(&req, viewer);
    caller.viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let submission = submissions::submit(&state, &caller, &code, input).await?;
    let location = format!(
        "/api/v1/enterprises/{}/submissions/{}",
        submission.enterprise_code, submission.id
    );
    let mut response = if submission.status == SubmissionStatus::Applied {
        HttpResponse::Created()
    } else {
        HttpResponse::Accepted()
    };
    Ok(response
        .insert_header((header::LOCATION, location))
        .json(SubmissionView::of(submission, &caller.viewer)))
}

/// Decide on a held submission: `approved` applies it (the history names the reviewer),
/// `rejected` changes nothing but the submission. The reason is required and shown to the
/// enterprise. Regulators and admins; 409 unless the submission is pending, or when a period
/// has been recorded meanwhile.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/submissions/{id}/decision", tag = "submissions",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Submission id")),
    request_body = ReviewInput,
    responses(
        (status = 200, description = "Decided", body = SubmissionView),
        ReviewProblems,
    ),
    security(("bearer" = []))
)]
pub async fn decide(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<ReviewInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let input = body.into_inner()?;
    let submission = submissions::decide(&state, &caller, &code, id, input).await?;
    Ok(HttpResponse::Ok().json(SubmissionView::of(submission, &caller.viewer)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionQuery {
    /// Only submissions in this status: `applied`, `pending`, `approved` or `rejected`.
    #[param(value_type = Option<SubmissionStatus>)]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

impl SubmissionQuery {
    fn status(&self) -> AppResult<Option<SubmissionStatus>> {
        self.status
            .as_deref()
            .map(|s| {
                SubmissionStatus::parse(s).ok_or_else(|| {
                    AppError::validation(
                        "status",
                        format!("must be one of: {}", SubmissionStatus::allowed()),
                    )
                })
            })
            .transpose()
    }
}

/// An enterprise's submissions, newest first, with their status and the reviewer's reason.
/// Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/submissions", tag = "submissions",
    params(("code" = String, Path, description = "Unified social credit code"), SubmissionQuery),
    responses(
        (status = 200, description = "One page of submissions", body = Page<SubmissionView>),
        super::problems::PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_submissions(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    query: ApiQuery<SubmissionQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_private_of(&code)?;
    let query = query.into_inner()?;
    let status = query.status()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let found = submissions::of_enterprise(&state, &caller, &code, status, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(
        found.map(|s| SubmissionView::of(s, &caller.viewer)),
    )))
}

/// One submission. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/submissions/{id}", tag = "submissions",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The submission", body = SubmissionView),
        super::problems::PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_submission(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    let submission = submissions::get(&state, &caller, &code, id).await?;
    Ok(HttpResponse::Ok().json(SubmissionView::of(submission, &caller.viewer)))
}

/// The review queue: submissions of every enterprise, oldest first, pending ones unless
/// `status` says otherwise. Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/submissions", tag = "submissions",
    params(SubmissionQuery),
    responses(
        (status = 200, description = "One page of submissions", body = Page<SubmissionView>),
        super::problems::KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn review_queue(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<SubmissionQuery>,
) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
    let status = query.status()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let found = submissions::review_queue(&state, &caller, status, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(
        found.map(|s| SubmissionView::of(s, &caller.viewer)),
    )))
}
