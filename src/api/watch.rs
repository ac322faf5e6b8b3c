//! Portfolio watch for banks: a bank keeps a watch list of enterprises that have authorised it
//! and pulls the grade and list changes since its last look, like commercial monitoring
//! services. Enterprises whose authorisation has lapsed yield nothing.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::CreateProblems;
use super::{ApiJson, ApiQuery, path_code};
use crate::auth::Viewer;
use crate::error::{AppResult, Problem};
use crate::scoring::grade::Grade;
use crate::service::Caller;
use crate::service::watch::{self, Change, WatchItem};
use crate::state::AppState;

pub use crate::service::watch::ChangeKind;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/watch")
            .route(web::get().to(list_watch))
            .route(web::post().to(add_watch)),
    )
    .service(super::resource("/watch/changes").route(web::get().to(changes)))
    .service(super::resource("/watch/{code}").route(web::delete().to(remove_watch)));
}

/// An enterprise on the caller's watch list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WatchItemView {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub name: String,
    #[serde(with = "crate::domain::utc")]
    pub added_at: NaiveDateTime,
    pub added_by: String,
    /// Whether the enterprise's authorisation of this bank is live now; changes are reported
    /// only while it is, and the grade is shown only then.
    pub authorized: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_code": "91330100799655058B"}))]
pub struct WatchInput {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
}

/// The caller's watch list. Banks only.
#[utoipa::path(
    get, path = "/api/v1/watch", tag = "watch",
    responses(
        (status = 200, description = "The bank's watch list", body = [WatchItemView]),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks keep watch lists", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_watch(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let items = watch::list(&state, &Caller::new(viewer, None, None)).await?;
    Ok(HttpResponse::Ok().json(
        items
            .into_iter()
            .map(WatchItemView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Watch an enterprise that has authorised the caller's bank. Banks only.
#[utoipa::path(
    post, path = "/api/v1/watch", tag = "watch",
    request_body = WatchInput,
    responses(
        (status = 201, description = "Added to the watch list", body = WatchItemView, headers(("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn add_watch(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: ApiJson<WatchInput>,
) -> AppResult<HttpResponse> {
    let code = body.into_inner().map(|input| input.enterprise_code);
    let item = watch::add(&state, &Caller::new(viewer, None, None), code).await?;
    let location = format!("/api/v1/watch/{}", item.enterprise_code);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(WatchItemView::from(item)))
}

/// Stop watching an enterprise. Banks only.
#[utoipa::path(
    delete, path = "/api/v1/watch/{code}", tag = "watch",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    responses(
        (status = 204, description = "Removed from the watch list"),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks keep watch lists", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not on the watch list", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn remove_watch(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    watch::remove(&state, &Caller::new(viewer, None, None), path_code(&code)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Changes after this instant (RFC 3339); pass the `until` of the previous answer.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub since: DateTime<Utc>,
}

/// One change of a watched enterprise.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WatchChange {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub kind: ChangeKind,
    /// When the change was recorded.
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
    /// For grades, the evaluation date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// The value before: a grade, or `listed`/`not_listed`; absent for a first grade.
    pub previous: Option<String>,
    pub current: String,
}

impl From<WatchItem> for WatchItemView {
    fn from(item: WatchItem) -> Self {
        WatchItemView {
            enterprise_code: item.enterprise_code,
            name: item.name,
            added_at: item.added_at,
            added_by: item.added_by,
            authorized: item.authorized,
            grade: item.grade,
        }
    }
}

impl From<Change> for WatchChange {
    fn from(c: Change) -> Self {
        WatchChange {
            enterprise_code: c.enterprise_code,
            kind: c.kind,
            at: c.at,
            as_of: c.as_of,
            previous: c.previous,
            current: c.current,
        }
    }
}

/// What changed since `since` and up to `until` (the time of the answer).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WatchChanges {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub changes: Vec<WatchChange>,
}

/// Grade and list changes of the watched enterprises since a time, oldest first; nothing for
/// enterprises whose authorisation has lapsed. Banks only.
#[utoipa::path(
    get, path = "/api/v1/watch/changes", tag = "watch",
    params(ChangesQuery),
    responses(
        (status = 200, description = "Changes since `since`", body = WatchChanges),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks keep watch lists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`since` is missing, invalid or in the future", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn changes(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<ChangesQuery>,
) -> AppResult<HttpResponse> {
    let since = query.into_inner().map(|q| q.since);
    let found = watch::changes(&state, &Caller::new(viewer, None, None), since).await?;
    Ok(HttpResponse::Ok().json(WatchChanges {
        since: found.since,
        until: found.until,
        changes: found.changes.into_iter().map(WatchChange::from).collect(),
    }))
}
