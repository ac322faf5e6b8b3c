//! Objections (异议): an enterprise disputes one of its credit events or operating records; the
//! record shows as disputed (in its views and in every report made from then on) until a
//! regulator answers `corrected`, `partly_corrected` or `upheld`, due within 20 calendar days.
//! Filing and answering each change the objection and the record in one transaction, with the
//! record's before and after in its history (source `objection`). A disputed event still counts
//! in scores and list rules as an active one until the answer (see `engine::policy_facts`); a
//! correcting answer rescores the enterprise.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::problems::{KeeperReadProblems, PrivateListProblems, PrivateReadProblems};
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageRequest, path_code};
use crate::auth::Viewer;
use crate::domain::objections::{
    self as rules, AnswerInput, Attachment, ObjectionInput, ObjectionStatus, Outcome,
};
use crate::domain::patch::{self, FieldChange};
use crate::error::AppResult;
use crate::service::Caller;
use crate::service::objections::{self, ObjectionRow};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/enterprises/{code}/objections")
            .route(web::get().to(list_objections))
            .route(web::post().to(file_objection)),
    )
    .service(
        super::resource("/enterprises/{code}/objections/{id}").route(web::get().to(get_objection)),
    )
    .service(
        super::resource("/enterprises/{code}/objections/{id}/answer")
            .route(web::post().to(answer_objection)),
    )
    .service(super::resource("/objections").route(web::get().to(objection_queue)));
}

/// An objection as the enterprise and the regulators see it. The answer fields are null while
/// it is open.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ObjectionView {
    pub id: i64,
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    /// The disputed credit event, or null.
    pub credit_event_id: Option<i64>,
    /// The disputed operating record, or null.
    pub operating_record_id: Option<i64>,
    pub reason: String,
    pub attachments: Vec<Attachment>,
    pub status: ObjectionStatus,
    /// The record's status (credit event) or review status (operating record) before it was
    /// marked `disputed`; an answer restores it unless its correction sets another.
    pub status_before_dispute: String,
    /// The enterprise user who filed it.
    pub filed_by: String,
    #[serde(with = "crate::domain::utc")]
    pub filed_at: NaiveDateTime,
    /// The last day to answer: the filing day plus 20 calendar days.
    pub deadline: NaiveDate,
    /// Open and past the deadline today.
    pub overdue: bool,
    pub outcome: Option<Outcome>,
    pub explanation: Option<String>,
    #[serde(default, with = "crate::domain::utc::option")]
    pub answered_at: Option<NaiveDateTime>,
    /// Answered after the deadline.
    pub answered_late: Option<bool>,
    /// The regulator who answered. Regulators and admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    /// The record just before the answer (while disputed).
    #[schema(value_type = Option<Object>)]
    pub record_before: Option<Value>,
    /// The record as the answer left it.
    #[schema(value_type = Option<Object>)]
    pub record_after: Option<Value>,
    /// What the answer changed in the record, field by field (empty while open).
    pub changes: Vec<FieldChange>,
}

impl ObjectionView {
    fn of(row: ObjectionRow, keeper: bool, today: NaiveDate) -> Self {
        let status = row.objection_status();
        let snapshot = |json: &Option<String>| {
            json.as_deref()
                .map(|j| serde_json::from_str::<Value>(j).unwrap_or(Value::Null))
        };
        let record_before = snapshot(&row.record_before);
        let record_after = snapshot(&row.record_after);
        let changes = match (&record_before, &record_after) {
            (Some(before), Some(after)) => patch::diff(before, after),
            _ => vec![],
        };
        ObjectionView {
            id: row.id,
            attachments: row.attachments(),
            outcome: row.outcome(),
            overdue: rules::is_overdue(status, row.deadline, today),
            enterprise_code: row.enterprise_code,
            credit_event_id: row.credit_event_id,
            operating_record_id: row.operating_record_id,
            reason: row.reason,
            status,
            status_before_dispute: row.status_before_dispute,
            filed_by: row.filed_by,
            filed_at: row.filed_at,
            deadline: row.deadline,
            explanation: row.explanation,
            answered_at: row.answered_at,
            answered_late: row.answered_late,
            answered_by: row.answered_by.filter(|_| keeper),
            record_before,
            record_after,
            changes,
        }
    }
}

/// Dispute one of the enterprise's own credit events or operating records. Only the
/// enterprise itself; the record is marked `disputed` at once (an event's status, an operating
/// record's review status) and a regulator must answer within 20 calendar days. Only an
/// active credit event can be disputed; one open objection per record.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/objections", tag = "objections",
    params(("code" = String, Path, description = "Unified social credit code")),
    request_body = ObjectionInput,
    responses(
        (status = 201, description = "Filed; the record is disputed", body = ObjectionView, headers(("Location" = String))),
        super::problems::SelfCreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn file_objection(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<ObjectionInput>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = super::caller(&req, viewer);
    caller.viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let row = objections::file_objection(&state, &caller, &code, input).await?;
    let location = format!(
        "/api/v1/enterprises/{}/objections/{}",
        row.enterprise_code, row.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(ObjectionView::of(row, false, objections::today(&state))))
}

/// An enterprise's objections, latest first. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/objections", tag = "objections",
    params(("code" = String, Path, description = "Unified social credit code"), super::PageQuery),
    responses(
        (status = 200, description = "One page of objections", body = Page<ObjectionView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_objections(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<super::PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_private_of(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let found = objections::of_enterprise(&state, &caller, &code, paging).await?;
    let (keeper, today) = (objections::is_keeper(&caller), objections::today(&state));
    Ok(HttpResponse::Ok().json(Page::from(
        found.map(|row| ObjectionView::of(row, keeper, today)),
    )))
}

/// Read one objection. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/objections/{id}", tag = "objections",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Objection id")),
    responses(
        (status = 200, description = "The objection", body = ObjectionView),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_objection(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    let row = objections::get(&state, &caller, &code, id).await?;
    let (keeper, today) = (objections::is_keeper(&caller), objections::today(&state));
    Ok(HttpResponse::Ok().json(ObjectionView::of(row, keeper, today)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `open` or `answered`; both when absent.
    pub status: Option<ObjectionStatus>,
    /// `true`: only the overdue ones (open and past the deadline today); `false`: only the
    /// others.
    pub overdue: Option<bool>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// The objections of every enterprise, the earliest deadline first: the regulators' queue.
/// Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/objections", tag = "objections",
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of objections", body = Page<ObjectionView>),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn objection_queue(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<QueueQuery>,
) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let found = objections::queue(&state, &caller, query.status, query.overdue, paging).await?;
    let today = objections::today(&state);
    Ok(HttpResponse::Ok().json(Page::from(
        found.map(|row| ObjectionView::of(row, true, today)),
    )))
}

/// Answer an objection: `corrected` or `partly_corrected` with the `correction` to apply (the
/// record's PATCH fields), or `upheld`. Regulators and admins; the enterprise cannot answer its
/// own. The record leaves `disputed` (back to its earlier status, or the one the correction
/// sets); the record before and after is kept on the objection and in the history; a corrected
/// record rescores a scored enterprise when a model is active. An answer after the deadline is
/// accepted and marked `answered_late`.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/objections/{id}/answer", tag = "objections",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Objection id")),
    request_body = AnswerInput,
    responses(
        (status = 200, description = "Answered", body = ObjectionView),
        super::problems::ReviewProblems,
    ),
    security(("bearer" = []))
)]
pub async fn answer_objection(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<AnswerInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let input = body.into_inner()?;
    let row = objections::answer(&state, &caller, &code, id, input).await?;
    Ok(HttpResponse::Ok().json(ObjectionView::of(row, true, objections::today(&state))))
}

// ---------------------------------------------------------------------------------------------
// The problems these operations answer.
