//! The records of an enterprise: operating figures, credit events, sentiment items and
//! associations. Each is listed, read, created and corrected the same way; the shared flow lives
//! in the generic functions at the bottom, the handlers only say which record and which rules.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::problems::*;
use super::views::{AssociationView, CreditEventView, OperatingRecordView, SentimentRecordView};
use super::{
    ApiJson, KEEPERS, Page, PageQuery, PageRequest, change_context, etag, expected_version,
    if_match, path_code,
};
use super::{ApiQuery, list_private};
use crate::auth::Viewer;
use crate::db::history::ChangeContext;
use crate::db::records::{self, events, links, operating, sentiment};
use crate::db::{DbConnection, Stored, enterprises};
use crate::domain::patch::{self, FieldChange};
use crate::domain::records::{
    Association, AssociationInput, AssociationPatch, CreditEvent, CreditEventInput,
    CreditEventPatch, OperatingInput, OperatingPatch, OperatingRecord, ReviewStatus,
    SentimentInput, SentimentPatch, SentimentRecord,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/enterprises/{code}/operating-records")
            .route(web::get().to(list_operating_records))
            .route(web::post().to(create_operating_record)),
    )
    .service(
        super::resource("/enterprises/{code}/operating-records/{id}")
            .route(web::get().to(get_operating_record))
            .route(web::patch().to(correct_operating_record)),
    )
    .service(
        super::resource("/enterprises/{code}/credit-events")
            .route(web::get().to(list_credit_events))
            .route(web::post().to(create_credit_event)),
    )
    .service(
        super::resource("/enterprises/{code}/credit-events/{id}")
            .route(web::get().to(get_credit_event))
            .route(web::patch().to(correct_credit_event)),
    )
    .service(
        super::resource("/enterprises/{code}/sentiment")
            .route(web::get().to(list_sentiment_records))
            .route(web::post().to(create_sentiment_record)),
    )
    .service(
        super::resource("/enterprises/{code}/sentiment/{id}")
            .route(web::get().to(get_sentiment_record))
            .route(web::patch().to(correct_sentiment_record)),
    )
    .service(
        super::resource("/enterprises/{code}/associations")
            .route(web::get().to(list_associations))
            .route(web::post().to(create_association)),
    )
    .service(
        super::resource("/enterprises/{code}/associations/{id}")
            .route(web::get().to(get_association))
            .route(web::patch().to(correct_association)),
    );
}

// ---------------------------------------------------------------------------------------------
// Operating records: confidential (seed 000 §15); regulators, admins and the enterprise itself.

/// List an enterprise's operating records, latest period first.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/operating-records", tag = "operating records",
    params(("code" = String, Path, description = "Unified social credit code"), PageQuery),
    responses(
        (status = 200, description = "One page of records", body = Page<OperatingRecordView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_operating_records(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    list_private(
        &state,
        &viewer,
        &code,
        paging,
        |c, code, o, l| operating::list(c, code, |q| q, o, l),
        OperatingRecordView::full,
    )
    .await
}

/// Record an enterprise's operating figures for a period. Regulators and admins; one record per
/// enterprise and period (a month inside a recorded quarter is refused too).
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/operating-records", tag = "operating records",
    params(("code" = String, Path, description = "Unified social credit code")),
    request_body = OperatingInput,
    responses(
        (status = 201, description = "Recorded", body = OperatingRecordView, headers(("ETag" = String), ("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn create_operating_record(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<OperatingInput>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let record = body.into_inner()?.validate(state.clock.today())?;
    create(
        &state,
        &req,
        &viewer,
        &code,
        "operating-records",
        OperatingRecordView::full,
        move |conn, code, ctx| {
            records::check_period_free(conn, code, &record.period)?;
            operating::insert(conn, code, &record, ctx)
        },
    )
    .await
}

/// Read one operating record.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/operating-records/{id}", tag = "operating records",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Record id")),
    responses(
        (status = 200, description = "The record", body = OperatingRecordView, headers(("ETag" = String))),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_operating_record(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    get_private(
        &state,
        &viewer,
        &code,
        id,
        operating::get,
        OperatingRecordView::full,
    )
    .await
}

/// Correct an operating record (not its period). Regulators and admins; `If-Match` required.
#[utoipa::path(
    patch, path = "/api/v1/enterprises/{code}/operating-records/{id}", tag = "operating records",
    params(
        ("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Record id"),
        ("If-Match" = String, Header, description = "ETag of the version being corrected", example = "\"1\""),
    ),
    request_body = OperatingPatch,
    responses(
        (status = 200, description = "Corrected", body = OperatingRecordView, headers(("ETag" = String))),
        CorrectProblems,
    ),
    security(("bearer" = []))
)]
pub async fn correct_operating_record(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<OperatingPatch>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let changes = body.into_inner()?;
    let today = state.clock.today();
    let reason = changes.reason.clone();
    correct(
        &state,
        &req,
        &viewer,
        &code,
        id,
        reason,
        operating::get,
        operating::update,
        OperatingRecordView::full,
        move |_conn, before: &Stored<OperatingRecord>| revised_operating(before, &changes, today),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Credit events: public while their publicity period runs; the rest for regulators, admins and
// the enterprise itself.

/// List an enterprise's credit events, latest first. Callers without access to the enterprise's
/// private records see its public events only.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/credit-events", tag = "credit events",
    params(("code" = String, Path, description = "Unified social credit code"), PageQuery),
    responses(
        (status = 200, description = "One page of events", body = Page<CreditEventView>),
        PublicListProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn list_credit_events(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let full = viewer.sees_private_of(&code);
    let today = state.clock.today();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                if full {
                    events::list(conn, &code, |q| q, paging.offset(), paging.limit())
                } else {
                    events::list(
                        conn,
                        &code,
                        records::public_events(today),
                        paging.offset(),
                        paging.limit(),
                    )
                }
            })
        })
        .await?;
    let view = if full {
        CreditEventView::full
    } else {
        CreditEventView::public
    };
    Ok(HttpResponse::Ok().json(Page::new(
        rows.into_iter().map(view).collect(),
        paging,
        total,
    )))
}

/// Record a credit event (negative or positive). Regulators and admins.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/credit-events", tag = "credit events",
    params(("code" = String, Path, description = "Unified social credit code")),
    request_body = CreditEventInput,
    responses(
        (status = 201, description = "Recorded", body = CreditEventView, headers(("ETag" = String), ("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn create_credit_event(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<CreditEventInput>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let event = body.into_inner()?.validate(state.clock.today())?;
    create(
        &state,
        &req,
        &viewer,
        &code,
        "credit-events",
        CreditEventView::full,
        move |conn, code, ctx| record_credit_event(conn, code, &event, ctx),
    )
    .await
}

/// The write path of every new credit event, whoever records it (a regulator directly, or by a
/// decision on a commitment): refuses a duplicate decision number, stores the event with its
/// history, then runs the blacklist rule. Call inside the write transaction of the change.
pub(crate) fn record_credit_event(
    conn: &mut DbConnection,
    code: &str,
    event: &CreditEvent,
    ctx: &ChangeContext,
) -> AppResult<Stored<CreditEvent>> {
    records::check_document_free(conn, event, None)?;
    let stored = events::insert(conn, code, event, ctx)?;
    crate::db::lists::run_blacklist_rule(conn, code, ctx)?;
    Ok(stored)
}

/// Read one credit event. A non-public event is invisible (404) to callers without access.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/credit-events/{id}", tag = "credit events",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event", body = CreditEventView, headers(("ETag" = String))),
        PublicReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn get_credit_event(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let code = path_code(&code)?;
    let full = viewer.sees_private_of(&code);
    let today = state.clock.today();
    let stored = state
        .blocking(move |db| db.read(|conn| events::get(conn, &code, id)))
        .await?;
    if !full && !stored.record.is_public(today) {
        return Err(AppError::NotFound(format!("no public credit event {id}")));
    }
    let version = stored.meta.version;
    let view = if full {
        CreditEventView::full(stored)
    } else {
        CreditEventView::public(stored)
    };
    Ok(HttpResponse::Ok().insert_header(etag(version)).json(view))
}

/// Correct a credit event (e.g. revoke it, end its publicity). Regulators and admins;
/// `If-Match` required.
#[utoipa::path(
    patch, path = "/api/v1/enterprises/{code}/credit-events/{id}", tag = "credit events",
    params(
        ("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Event id"),
        ("If-Match" = String, Header, description = "ETag of the version being corrected", example = "\"1\""),
    ),
    request_body = CreditEventPatch,
    responses(
        (status = 200, description = "Corrected", body = CreditEventView, headers(("ETag" = String))),
        CorrectProblems,
    ),
    security(("bearer" = []))
)]
pub async fn correct_credit_event(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<CreditEventPatch>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let changes = body.into_inner()?;
    let today = state.clock.today();
    let reason = changes.reason.clone();
    correct(
        &state,
        &req,
        &viewer,
        &code,
        id,
        reason,
        events::get,
        update_event,
        CreditEventView::full,
        move |conn, before: &Stored<CreditEvent>| revised_event(conn, before, &changes, today),
    )
    .await
}

/// An operating record with `changes` applied, validated as a new record would be. A disputed
/// record stays marked disputed until its objection is answered.
pub(crate) fn revised_operating(
    before: &Stored<OperatingRecord>,
    changes: &OperatingPatch,
    today: chrono::NaiveDate,
) -> AppResult<OperatingRecord> {
    let mut after = patch::merge(&before.record.to_input(), changes)?.validate(today)?;
    if before.record.review_status == ReviewStatus::Disputed {
        after.review_status = ReviewStatus::Disputed;
    }
    Ok(after)
}

/// A credit event with `changes` applied, validated as a new event would be, and not taking
/// another event's decision number.
pub(crate) fn revised_event(
    conn: &mut DbConnection,
    before: &Stored<CreditEvent>,
    changes: &CreditEventPatch,
    today: chrono::NaiveDate,
) -> AppResult<CreditEvent> {
    let after = patch::merge(&before.record.to_input(), changes)?.validate(today)?;
    records::check_document_free(conn, &after, Some(before.id))?;
    Ok(after)
}

fn update_event(
    conn: &mut DbConnection,
    before: &Stored<CreditEvent>,
    after: &CreditEvent,
    expected_version: i64,
    ctx: &ChangeContext,
) -> AppResult<(Stored<CreditEvent>, Vec<FieldChange>)> {
    store_event(conn, before, after, expected_version, ctx, "correct", None)
}

/// Stores a changed event (history action and source as `events::update_as`), then runs the
/// blacklist rule on the enterprise's events as they now are, in the same transaction.
pub(crate) fn store_event(
    conn: &mut DbConnection,
    before: &Stored<CreditEvent>,
    after: &CreditEvent,
    expected_version: i64,
    ctx: &ChangeContext,
    action: &str,
    source: Option<&str>,
) -> AppResult<(Stored<CreditEvent>, Vec<FieldChange>)> {
    let updated = events::update_as(conn, before, after, expected_version, ctx, action, source)?;
    crate::db::lists::run_blacklist_rule(conn, &before.enterprise_code, ctx)?;
    Ok(updated)
}

// ---------------------------------------------------------------------------------------------
// Sentiment (舆情): regulators, admins and the enterprise itself.

/// List an enterprise's sentiment items, latest first.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/sentiment", tag = "sentiment",
    params(("code" = String, Path, description = "Unified social credit code"), PageQuery),
    responses(
        (status = 200, description = "One page of items", body = Page<SentimentRecordView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_sentiment_records(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    list_private(
        &state,
        &viewer,
        &code,
        paging,
        |c, code, o, l| sentiment::list(c, code, |q| q, o, l),
        SentimentRecordView::full,
    )
    .await
}

/// Record a sentiment item. Polarity is computed from the text when not given. Regulators and
/// admins.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/sentiment", tag = "sentiment",
    params(("code" = String, Path, description = "Unified social credit code")),
    request_body = SentimentInput,
    responses(
        (status = 201, description = "Recorded", body = SentimentRecordView, headers(("ETag" = String), ("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn create_sentiment_record(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<SentimentInput>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let item = body.into_inner()?.validate(state.clock.now_naive())?;
    create(
        &state,
        &req,
        &viewer,
        &code,
        "sentiment",
        SentimentRecordView::full,
        move |conn, code, ctx| sentiment::insert(conn, code, &item, ctx),
    )
    .await
}

/// Read one sentiment item.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/sentiment/{id}", tag = "sentiment",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = SentimentRecordView, headers(("ETag" = String))),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_sentiment_record(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    get_private(
        &state,
        &viewer,
        &code,
        id,
        sentiment::get,
        SentimentRecordView::full,
    )
    .await
}

/// Correct a sentiment item. Regulators and admins; `If-Match` required.
#[utoipa::path(
    patch, path = "/api/v1/enterprises/{code}/sentiment/{id}", tag = "sentiment",
    params(
        ("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Item id"),
        ("If-Match" = String, Header, description = "ETag of the version being corrected", example = "\"1\""),
    ),
    request_body = SentimentPatch,
    responses(
        (status = 200, description = "Corrected", body = SentimentRecordView, headers(("ETag" = String))),
        CorrectProblems,
    ),
    security(("bearer" = []))
)]
pub async fn correct_sentiment_record(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<SentimentPatch>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let changes = body.into_inner()?;
    let now = state.clock.now_naive();
    let reason = changes.reason.clone();
    correct(
        &state,
        &req,
        &viewer,
        &code,
        id,
        reason,
        sentiment::get,
        sentiment::update,
        SentimentRecordView::full,
        move |_conn, before: &Stored<SentimentRecord>| {
            Ok(patch::merge(&before.record.to_input(), &changes)?.validate(now)?)
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Associations (关联关系): regulators, admins and the enterprise itself.

/// List an enterprise's associations.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/associations", tag = "associations",
    params(("code" = String, Path, description = "Unified social credit code"), PageQuery),
    responses(
        (status = 200, description = "One page of associations", body = Page<AssociationView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_associations(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    list_private(
        &state,
        &viewer,
        &code,
        paging,
        |c, code, o, l| links::list(c, code, |q| q, o, l),
        AssociationView::full,
    )
    .await
}

/// Record an association to another party. Regulators and admins.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/associations", tag = "associations",
    params(("code" = String, Path, description = "Unified social credit code")),
    request_body = AssociationInput,
    responses(
        (status = 201, description = "Recorded", body = AssociationView, headers(("ETag" = String), ("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn create_association(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<AssociationInput>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let owner = path_code(&code)?;
    let owner_code =
        crate::domain::CreditCode::parse(&owner).expect("path_code returned a valid code");
    let link = body
        .into_inner()?
        .validate(&owner_code, state.clock.today())?;
    create(
        &state,
        &req,
        &viewer,
        &owner,
        "associations",
        AssociationView::full,
        move |conn, code, ctx| links::insert(conn, code, &link, ctx),
    )
    .await
}

/// Read one association.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/associations/{id}", tag = "associations",
    params(("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Association id")),
    responses(
        (status = 200, description = "The association", body = AssociationView, headers(("ETag" = String))),
        PrivateReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn get_association(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    get_private(
        &state,
        &viewer,
        &code,
        id,
        links::get,
        AssociationView::full,
    )
    .await
}

/// Correct an association. Regulators and admins; `If-Match` required.
#[utoipa::path(
    patch, path = "/api/v1/enterprises/{code}/associations/{id}", tag = "associations",
    params(
        ("code" = String, Path, description = "Unified social credit code"), ("id" = i64, Path, description = "Association id"),
        ("If-Match" = String, Header, description = "ETag of the version being corrected", example = "\"1\""),
    ),
    request_body = AssociationPatch,
    responses(
        (status = 200, description = "Corrected", body = AssociationView, headers(("ETag" = String))),
        CorrectProblems,
    ),
    security(("bearer" = []))
)]
pub async fn correct_association(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<AssociationPatch>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let (code, id) = path.into_inner();
    let changes = body.into_inner()?;
    let today = state.clock.today();
    let reason = changes.reason.clone();
    correct(
        &state,
        &req,
        &viewer,
        &code,
        id,
        reason,
        links::get,
        links::update,
        AssociationView::full,
        move |_conn, before: &Stored<Association>| {
            let owner = crate::domain::CreditCode::parse(&before.enterprise_code)
                .expect("stored codes are valid");
            Ok(patch::merge(&before.record.to_input(), &changes)?.validate(&owner, today)?)
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The shared flows.

type Getter<R> = fn(&mut DbConnection, &str, i64) -> AppResult<Stored<R>>;
type Updater<R> = fn(
    &mut DbConnection,
    &Stored<R>,
    &R,
    i64,
    &ChangeContext,
) -> AppResult<(Stored<R>, Vec<FieldChange>)>;

async fn get_private<R, V>(
    state: &AppState,
    viewer: &Viewer,
    raw_code: &str,
    id: i64,
    getter: Getter<R>,
    view: fn(Stored<R>) -> V,
) -> AppResult<HttpResponse>
where
    R: Send + 'static,
    V: Serialize,
{
    let code = path_code(raw_code)?;
    viewer.require_private_of(&code)?;
    let stored = state
        .blocking(move |db| db.read(|conn| getter(conn, &code, id)))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(stored.meta.version))
        .json(view(stored)))
}

/// Stores a validated new record of an existing enterprise, in one transaction with its history.
/// Callers check the role before they parse the body, so it is not checked again here.
#[allow(clippy::too_many_arguments)]
async fn create<R, V>(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    raw_code: &str,
    collection: &'static str,
    view: fn(Stored<R>) -> V,
    insert: impl FnOnce(&mut DbConnection, &str, &ChangeContext) -> AppResult<Stored<R>>
    + Send
    + 'static,
) -> AppResult<HttpResponse>
where
    R: Send + 'static,
    V: Serialize,
{
    let code = path_code(raw_code)?;
    let ctx = change_context(state, req, viewer, None)?;
    let stored = state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                insert(conn, &code, &ctx)
            })
        })
        .await?;
    let location = format!(
        "/api/v1/enterprises/{}/{collection}/{}",
        stored.enterprise_code, stored.id
    );
    Ok(HttpResponse::Created()
        .insert_header(etag(stored.meta.version))
        .insert_header((header::LOCATION, location))
        .json(view(stored)))
}

/// Reads the record, checks `If-Match`, applies the correction and stores it with the earlier
/// values in the history, all in one transaction. Callers have checked the role.
#[allow(clippy::too_many_arguments)]
async fn correct<R, V>(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    raw_code: &str,
    id: i64,
    reason: Option<String>,
    getter: Getter<R>,
    updater: Updater<R>,
    view: fn(Stored<R>) -> V,
    revise: impl FnOnce(&mut DbConnection, &Stored<R>) -> AppResult<R> + Send + 'static,
) -> AppResult<HttpResponse>
where
    R: Send + 'static,
    V: Serialize,
{
    let code = path_code(raw_code)?;
    let ctx = change_context(state, req, viewer, reason)?;
    let if_match = if_match(req);
    let stored = state
        .blocking(move |db| {
            db.write(|conn| {
                let before = getter(conn, &code, id)?;
                // The body first: an invalid correction is 422 whichever version it names.
                let after = revise(conn, &before)?;
                let version = expected_version(if_match.as_deref(), before.meta.version)?;
                let (stored, _changes) = updater(conn, &before, &after, version, &ctx)?;
                Ok(stored)
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(stored.meta.version))
        .json(view(stored)))
}
