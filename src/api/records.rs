//! The records of an enterprise: operating figures, credit events, sentiment items and
//! associations. Each is listed, read, created and corrected the same way, through
//! `service::records`; the handlers only read the request and shape the answer.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::problems::*;
use super::views::{AssociationView, CreditEventView, OperatingRecordView, SentimentRecordView};
use super::{ApiJson, ApiQuery, Page, PageQuery, PageRequest, etag, expected, path_code};
use crate::auth::Viewer;
use crate::domain::records::{
    AssociationInput, AssociationPatch, CreditEventInput, CreditEventPatch, OperatingInput,
    OperatingPatch, SentimentInput, SentimentPatch,
};
use crate::error::AppResult;
use crate::service::records::{self, Visible};
use crate::service::{Caller, Stored};
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
    let code = path_code(&code)?;
    let paging = paging.into_inner().and_then(PageRequest::try_from);
    let caller = Caller::new(viewer, None, None);
    let page = records::operating_records(&state, &caller, &code, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(page.map(OperatingRecordView::full))))
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
    let caller = super::caller(&req, viewer);
    let stored =
        records::record_operating(&state, &caller, path_code(&code), body.into_inner()).await?;
    Ok(created(
        "operating-records",
        OperatingRecordView::full,
        stored,
    ))
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
    let code = path_code(&code)?;
    let stored =
        records::operating_record(&state, &Caller::new(viewer, None, None), &code, id).await?;
    Ok(tagged(OperatingRecordView::full, stored))
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
    let (code, id) = path.into_inner();
    let caller = super::caller(&req, viewer);
    let changes = body.into_inner();
    let stored = records::correct_operating(
        &state,
        &caller,
        path_code(&code),
        id,
        changes,
        expected(&req),
    )
    .await?;
    Ok(tagged(OperatingRecordView::full, stored))
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
    let caller = Caller::new(viewer, None, None);
    let page = match records::credit_events(&state, &caller, &code, paging).await? {
        Visible::Full(page) => page.map(CreditEventView::full),
        Visible::Public(page) => page.map(CreditEventView::public),
    };
    Ok(HttpResponse::Ok().json(Page::from(page)))
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
    let caller = super::caller(&req, viewer);
    let stored =
        records::record_event(&state, &caller, path_code(&code), body.into_inner()).await?;
    Ok(created("credit-events", CreditEventView::full, stored))
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
    let caller = Caller::new(viewer, None, None);
    Ok(
        match records::credit_event(&state, &caller, &code, id).await? {
            Visible::Full(stored) => tagged(CreditEventView::full, stored),
            Visible::Public(stored) => tagged(CreditEventView::public, stored),
        },
    )
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
    let (code, id) = path.into_inner();
    let caller = super::caller(&req, viewer);
    let changes = body.into_inner();
    let stored = records::correct_event(
        &state,
        &caller,
        path_code(&code),
        id,
        changes,
        expected(&req),
    )
    .await?;
    Ok(tagged(CreditEventView::full, stored))
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
    let code = path_code(&code)?;
    let paging = paging.into_inner().and_then(PageRequest::try_from);
    let caller = Caller::new(viewer, None, None);
    let page = records::sentiment_records(&state, &caller, &code, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(page.map(SentimentRecordView::full))))
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
    let caller = super::caller(&req, viewer);
    let stored =
        records::record_sentiment(&state, &caller, path_code(&code), body.into_inner()).await?;
    Ok(created("sentiment", SentimentRecordView::full, stored))
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
    let code = path_code(&code)?;
    let stored =
        records::sentiment_record(&state, &Caller::new(viewer, None, None), &code, id).await?;
    Ok(tagged(SentimentRecordView::full, stored))
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
    let (code, id) = path.into_inner();
    let caller = super::caller(&req, viewer);
    let changes = body.into_inner();
    let stored = records::correct_sentiment(
        &state,
        &caller,
        path_code(&code),
        id,
        changes,
        expected(&req),
    )
    .await?;
    Ok(tagged(SentimentRecordView::full, stored))
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
    let code = path_code(&code)?;
    let paging = paging.into_inner().and_then(PageRequest::try_from);
    let caller = Caller::new(viewer, None, None);
    let page = records::associations(&state, &caller, &code, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(page.map(AssociationView::full))))
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
    let caller = super::caller(&req, viewer);
    let stored =
        records::record_association(&state, &caller, path_code(&code), body.into_inner()).await?;
    Ok(created("associations", AssociationView::full, stored))
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
    let code = path_code(&code)?;
    let stored = records::association(&state, &Caller::new(viewer, None, None), &code, id).await?;
    Ok(tagged(AssociationView::full, stored))
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
    let (code, id) = path.into_inner();
    let caller = super::caller(&req, viewer);
    let changes = body.into_inner();
    let stored = records::correct_association(
        &state,
        &caller,
        path_code(&code),
        id,
        changes,
        expected(&req),
    )
    .await?;
    Ok(tagged(AssociationView::full, stored))
}

// ---------------------------------------------------------------------------------------------
// The shared answers.

/// 200 with the record and its ETag.
fn tagged<R, V: Serialize>(view: fn(Stored<R>) -> V, stored: Stored<R>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(stored.meta.version))
        .json(view(stored))
}

/// 201 with the new record, its ETag and its Location.
fn created<R, V: Serialize>(
    collection: &str,
    view: fn(Stored<R>) -> V,
    stored: Stored<R>,
) -> HttpResponse {
    let location = format!(
        "/api/v1/enterprises/{}/{collection}/{}",
        stored.enterprise_code, stored.id
    );
    HttpResponse::Created()
        .insert_header(etag(stored.meta.version))
        .insert_header((header::LOCATION, location))
        .json(view(stored))
}
