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
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::problems::{KeeperReadProblems, PrivateListProblems, PrivateReadProblems};
use super::records::{revised_event, revised_operating, store_event};
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageRequest, change_context, path_code};
use crate::auth::Viewer;
use crate::db::history::ChangeContext;
use crate::db::objections::{self as store, AnswerRecord, ObjectionRow, QueueFilter};
use crate::db::records::{events, operating};
use crate::db::{DbConnection, Stored, enterprises};
use crate::domain::Violations;
use crate::domain::objections::{
    self as rules, Answer, AnswerInput, Attachment, NewObjection, ObjectionInput, ObjectionStatus,
    ObjectionTarget, Outcome,
};
use crate::domain::patch::{self, FieldChange};
use crate::domain::records::{
    CreditEvent, CreditEventPatch, CreditEventStatus, OperatingPatch, OperatingRecord, ReviewStatus,
};
use crate::error::{AppError, AppResult};
use crate::service::lists::{rescore, scoring_model};
use crate::state::AppState;

/// The source the history names for changes an objection makes.
const SOURCE: &str = "objection";

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

fn is_keeper(viewer: &Viewer) -> bool {
    viewer.role().is_some_and(|r| KEEPERS.contains(&r))
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
    viewer.require_enterprise_self(&code)?;
    let filing = body.into_inner()?.validate()?;
    let ctx = change_context(&state, &req, &viewer, None)?;
    let today = ctx.at.date();
    let row = state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                // The record must be this enterprise's before anything about it is told: the
                // open-objection check below would otherwise answer for other enterprises'
                // records (an existence oracle).
                match filing.target {
                    ObjectionTarget::CreditEvent(id) => {
                        let before = target_record(events::get(conn, &code, id), filing.target)?;
                        refuse_second_objection(conn, &code, filing.target)?;
                        if before.record.status != CreditEventStatus::Active {
                            return Err(AppError::validation(
                                filing.target.field(),
                                format!(
                                    "only an active credit event can be disputed; this one is {}",
                                    before.record.status
                                ),
                            ));
                        }
                        let previous = before.record.status.as_str();
                        let row = file(conn, &code, &filing, previous, &ctx)?;
                        let mut after = before.record.clone();
                        after.status = CreditEventStatus::Disputed;
                        // Disputed counts as active in every rule, so the blacklist rule has
                        // nothing new to say and is not run.
                        let ctx = objection_context(&ctx, row.id, "filed");
                        events::update_as(
                            conn,
                            &before,
                            &after,
                            before.meta.version,
                            &ctx,
                            "dispute",
                            Some(SOURCE),
                        )?;
                        Ok(row)
                    }
                    ObjectionTarget::OperatingRecord(id) => {
                        let before = target_record(operating::get(conn, &code, id), filing.target)?;
                        refuse_second_objection(conn, &code, filing.target)?;
                        if before.record.review_status == ReviewStatus::Disputed {
                            return Err(AppError::validation(
                                filing.target.field(),
                                "this operating record is disputed already",
                            ));
                        }
                        let previous = before.record.review_status.as_str();
                        let row = file(conn, &code, &filing, previous, &ctx)?;
                        let mut after = before.record.clone();
                        after.review_status = ReviewStatus::Disputed;
                        let ctx = objection_context(&ctx, row.id, "filed");
                        operating::update_as(
                            conn,
                            &before,
                            &after,
                            before.meta.version,
                            &ctx,
                            "dispute",
                            Some(SOURCE),
                        )?;
                        Ok(row)
                    }
                }
            })
        })
        .await?;
    let location = format!(
        "/api/v1/enterprises/{}/objections/{}",
        row.enterprise_code, row.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(ObjectionView::of(row, false, today)))
}

/// Stores the objection to a record whose status before the dispute is `previous`.
fn file(
    conn: &mut DbConnection,
    code: &str,
    filing: &NewObjection,
    previous: &str,
    ctx: &ChangeContext,
) -> AppResult<ObjectionRow> {
    store::insert(
        conn,
        code,
        filing,
        previous,
        &ctx.actor,
        ctx.at,
        rules::deadline(ctx.at.date()),
    )
}

/// One open objection per record; call once the record is known to be the enterprise's.
fn refuse_second_objection(
    conn: &mut DbConnection,
    code: &str,
    target: ObjectionTarget,
) -> AppResult<()> {
    match store::open_for(conn, code, target)? {
        Some(open) => Err(AppError::Conflict(format!(
            "objection {open} to this record is still open"
        ))),
        None => Ok(()),
    }
}

/// The record an objection names must be one of the enterprise's: otherwise the body is wrong.
fn target_record<R>(found: AppResult<Stored<R>>, target: ObjectionTarget) -> AppResult<Stored<R>> {
    found.map_err(|e| match e {
        AppError::NotFound(_) => {
            AppError::validation(target.field(), "names no record of this enterprise")
        }
        other => other,
    })
}

/// The history of a change an objection makes names the objection.
fn objection_context(ctx: &ChangeContext, id: i64, what: &str) -> ChangeContext {
    ChangeContext {
        reason: Some(format!("objection {id} {what}")),
        ..ctx.clone()
    }
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
    viewer.require_private_of(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let (keeper, today) = (is_keeper(&viewer), state.clock.today());
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                store::of_enterprise(conn, &code, paging.offset(), paging.limit())
            })
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|row| ObjectionView::of(row, keeper, today))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, paging, total)))
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
    viewer.require_private_of(&code)?;
    let (keeper, today) = (is_keeper(&viewer), state.clock.today());
    let row = state
        .blocking(move |db| db.read(|conn| store::get(conn, &code, id)))
        .await?;
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
    viewer.require_role(KEEPERS)?;
    let query = query.into_inner()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let today = state.clock.today();
    let filter = QueueFilter {
        status: query.status,
        overdue: query.overdue,
        today,
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| store::queue(conn, filter, paging.offset(), paging.limit()))
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|row| ObjectionView::of(row, true, today))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, paging, total)))
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
    viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let answer = body.into_inner()?.validate()?;
    let ctx = change_context(&state, &req, &viewer, None)?;
    let ctx = objection_context(&ctx, id, &format!("answered: {}", answer.outcome));
    let today = ctx.at.date();
    let app = state.clone();
    let row = state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let objection = store::get(conn, &code, id)?;
                store::claim_answer(
                    conn,
                    id,
                    &AnswerRecord {
                        outcome: answer.outcome,
                        explanation: &answer.explanation,
                        answered_by: &ctx.actor,
                        answered_at: ctx.at,
                        answered_late: today > objection.deadline,
                    },
                )?;
                let (before, after) = match objection.target() {
                    ObjectionTarget::CreditEvent(event) => {
                        answer_event(conn, &objection, event, &answer, today, &ctx)?
                    }
                    ObjectionTarget::OperatingRecord(record) => {
                        answer_operating(conn, &objection, record, &answer, today, &ctx)?
                    }
                };
                store::keep_snapshots(conn, id, &before, &after)?;
                if answer.outcome.corrects() {
                    rescore(conn, model.as_deref(), &code, &ctx)?;
                }
                store::get(conn, &code, id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(ObjectionView::of(row, true, today)))
}

/// Applies the answer to the disputed event; returns the event before and after, as JSON.
fn answer_event(
    conn: &mut DbConnection,
    objection: &ObjectionRow,
    id: i64,
    answer: &Answer,
    today: NaiveDate,
    ctx: &ChangeContext,
) -> AppResult<(String, String)> {
    let before = events::get(conn, &objection.enterprise_code, id)?;
    let correction: Option<CreditEventPatch> = parse_correction(answer)?;
    let set_status = correction.as_ref().and_then(|c| c.status);
    if set_status == Some(CreditEventStatus::Disputed) {
        return Err(AppError::validation(
            "correction.status",
            "an answer ends the dispute: set active, repaired or revoked",
        ));
    }
    let mut after = match &correction {
        Some(c) => revised_event(conn, &before, c, today).map_err(in_correction)?,
        None => before.record.clone(),
    };
    let restored = |status| {
        rules::status_after_answer(
            before.record.status,
            CreditEventStatus::Disputed,
            CreditEventStatus::from_stored(&objection.status_before_dispute),
            status,
        )
    };
    after.status = restored(set_status);
    let unchanged = CreditEvent {
        status: restored(None),
        ..before.record.clone()
    };
    check_corrects(answer.outcome, &unchanged, &after)?;
    let (stored, _) = store_event(
        conn,
        &before,
        &after,
        before.meta.version,
        ctx,
        "answer_objection",
        Some(SOURCE),
    )?;
    Ok((json(&before.record)?, json(&stored.record)?))
}

/// Applies the answer to the disputed operating record; returns it before and after, as JSON.
fn answer_operating(
    conn: &mut DbConnection,
    objection: &ObjectionRow,
    id: i64,
    answer: &Answer,
    today: NaiveDate,
    ctx: &ChangeContext,
) -> AppResult<(String, String)> {
    let before = operating::get(conn, &objection.enterprise_code, id)?;
    let correction: Option<OperatingPatch> = parse_correction(answer)?;
    let mut after = match &correction {
        Some(c) => revised_operating(&before, c, today).map_err(in_correction)?,
        None => before.record.clone(),
    };
    let review_status = rules::status_after_answer(
        before.record.review_status,
        ReviewStatus::Disputed,
        ReviewStatus::from_stored(&objection.status_before_dispute),
        None,
    );
    after.review_status = review_status;
    let unchanged = OperatingRecord {
        review_status,
        ..before.record.clone()
    };
    check_corrects(answer.outcome, &unchanged, &after)?;
    let (stored, _) = operating::update_as(
        conn,
        &before,
        &after,
        before.meta.version,
        ctx,
        "answer_objection",
        Some(SOURCE),
    )?;
    Ok((json(&before.record)?, json(&stored.record)?))
}

/// The answer's correction as the record's PATCH type; its errors are named under `correction`.
fn parse_correction<P: DeserializeOwned>(answer: &Answer) -> AppResult<Option<P>> {
    let Some(correction) = &answer.correction else {
        return Ok(None);
    };
    serde_path_to_error::deserialize(correction.clone())
        .map(Some)
        .map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "correction".to_string()
            } else {
                format!("correction.{path}")
            };
            AppError::Validation(Violations::single(&field, e.inner().to_string()))
        })
}

/// Names the fields of a refused correction under `correction`.
fn in_correction(error: AppError) -> AppError {
    match error {
        AppError::Validation(v) => {
            let mut named = Violations::new();
            for e in v.0 {
                named.add(&format!("correction.{}", e.field), e.message);
            }
            AppError::Validation(named)
        }
        other => other,
    }
}

/// A correcting answer must change the record beyond ending the dispute.
fn check_corrects<R: PartialEq>(outcome: Outcome, unchanged: &R, after: &R) -> AppResult<()> {
    if outcome.corrects() && unchanged == after {
        return Err(AppError::validation(
            "correction",
            format!("changes nothing in the record: answer upheld rather than {outcome}"),
        ));
    }
    Ok(())
}

fn json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

// ---------------------------------------------------------------------------------------------
// The problems these operations answer.
