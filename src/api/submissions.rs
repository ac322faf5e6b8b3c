//! Self-maintenance: an enterprise submits its own basic data changes and operating periods;
//! clean data is applied at once, the rest waits for a regulator, who approves or rejects it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{ReviewProblems, SelfCreateProblems};
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageRequest, change_context, path_code};
use crate::auth::Viewer;
use crate::db::history::ChangeContext;
use crate::db::records::{self, operating};
use crate::db::submissions::{self, Submission};
use crate::db::{DbConnection, enterprises};
use crate::domain::enterprise::EnterprisePatch;
use crate::domain::identity::{mask_phone, mask_resident_id};
use crate::domain::patch;
use crate::domain::records::OperatingInput;
use crate::domain::submission::{
    CheckedSubmission, Finding, ReviewInput, ReviewOutcome, SubmissionInput, SubmissionStatus,
};
use crate::error::{AppError, AppResult};
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
    viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let today = state.clock.today();
    let checked = input.clone().check(today)?;
    let ctx = change_context(&state, &req, &viewer, None)?;
    let submission = state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                let recorded: Vec<_> = operating::list(conn, &code, |q| q, 0, 1000)?
                    .0
                    .into_iter()
                    .map(|s| s.record)
                    .collect();
                let findings = checked.findings(&recorded);
                let status = if findings.is_empty() {
                    SubmissionStatus::Applied
                } else {
                    // What would refuse it on approval refuses it now (an applied one is
                    // checked by `apply` below).
                    check_against_registry(conn, &code, &checked, today)?;
                    SubmissionStatus::Pending
                };
                let id = submissions::insert(
                    conn, &code, status, &input, &findings, &ctx.actor, ctx.at,
                )?;
                if status == SubmissionStatus::Applied {
                    let ctx = ChangeContext {
                        reason: Some(format!(
                            "submission {id}: self-reported, applied without review"
                        )),
                        ..ctx
                    };
                    let created = apply(conn, &code, &checked, today, &ctx)?;
                    submissions::mark_applied(conn, id, &created)?;
                }
                submissions::get(conn, &code, id)
            })
        })
        .await?;
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
        .json(SubmissionView::of(submission, &viewer)))
}

/// The basic changes merged with the current record must be valid, and no period may overlap a
/// recorded one.
fn check_against_registry(
    conn: &mut DbConnection,
    code: &str,
    checked: &CheckedSubmission,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    if let Some(basic) = &checked.basic {
        let current = enterprises::get(conn, code)?;
        patch::merge(&current.enterprise.to_input(), basic)?.validate(today)?;
    }
    for record in &checked.operating {
        records::check_period_free(conn, code, &record.period)?;
    }
    Ok(())
}

/// Applies a submission in the caller's transaction: the basic changes over the current record,
/// the periods as new `self_reported` records; the history names `ctx`'s actor and reason.
/// Returns the ids of the records created.
fn apply(
    conn: &mut DbConnection,
    code: &str,
    checked: &CheckedSubmission,
    today: chrono::NaiveDate,
    ctx: &ChangeContext,
) -> AppResult<Vec<i64>> {
    if let Some(basic) = &checked.basic {
        let before = enterprises::get(conn, code)?;
        let after = patch::merge(&before.enterprise.to_input(), basic)?.validate(today)?;
        enterprises::update(
            conn,
            &before,
            &after,
            before.meta.version,
            "self_reported",
            ctx,
        )?;
    }
    let mut created = Vec::with_capacity(checked.operating.len());
    for record in &checked.operating {
        records::check_period_free(conn, code, &record.period)?;
        created.push(operating::insert(conn, code, record, ctx)?.id);
    }
    Ok(created)
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
    viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let (outcome, reason) = body.into_inner()?.check()?;
    let ctx = change_context(&state, &req, &viewer, None)?;
    let today = state.clock.today();
    let submission = state
        .blocking(move |db| {
            db.write(|conn| {
                let submission = submissions::get(conn, &code, id)?;
                if submission.status != SubmissionStatus::Pending {
                    return Err(AppError::Conflict(format!(
                        "submission {id} is {}, not pending",
                        submission.status.as_str()
                    )));
                }
                let (status, created) = match outcome {
                    ReviewOutcome::Rejected => (SubmissionStatus::Rejected, vec![]),
                    ReviewOutcome::Approved => {
                        let checked = submission.content.clone().check(today)?;
                        let ctx = ChangeContext {
                            reason: Some(format!(
                                "submission {id}: self-reported, approved by {}: {reason}",
                                ctx.actor
                            )),
                            ..ctx.clone()
                        };
                        let created = apply(conn, &code, &checked, today, &ctx)?;
                        (SubmissionStatus::Approved, created)
                    }
                };
                submissions::decide(conn, id, status, &reason, &ctx.actor, ctx.at, &created)?;
                submissions::get(conn, &code, id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubmissionView::of(submission, &viewer)))
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
    viewer.require_private_of(&code)?;
    let query = query.into_inner()?;
    let status = query.status()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let (items, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                submissions::list(
                    conn,
                    Some(&code),
                    status,
                    false,
                    paging.offset(),
                    paging.limit(),
                )
            })
        })
        .await?;
    let items = items
        .into_iter()
        .map(|s| SubmissionView::of(s, &viewer))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, paging, total)))
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
    viewer.require_private_of(&code)?;
    let submission = state
        .blocking(move |db| db.read(|conn| submissions::get(conn, &code, id)))
        .await?;
    Ok(HttpResponse::Ok().json(SubmissionView::of(submission, &viewer)))
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
    viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
    let status = query.status()?.unwrap_or(SubmissionStatus::Pending);
    let paging = PageRequest::new(query.page, query.per_page)?;
    let (items, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                submissions::list(
                    conn,
                    None,
                    Some(status),
                    true,
                    paging.offset(),
                    paging.limit(),
                )
            })
        })
        .await?;
    let items = items
        .into_iter()
        .map(|s| SubmissionView::of(s, &viewer))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, paging, total)))
}
