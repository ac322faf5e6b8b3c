//! The REST API under `/api/v1`: one module per resource, thin handlers over the domain rules
//! and the db layer, each documented for OpenAPI.

pub mod audit;
pub mod auth;
pub mod authorizations;
pub mod commitments;
pub mod docs;
pub mod enterprises;
pub mod health;
pub mod history;
pub mod imports;
pub mod json;
pub mod lists;
pub mod models;
pub mod objections;
pub mod problems;
pub mod records;
pub mod refusals;
pub mod repairs;
pub mod reports;
pub mod runs;
pub mod scores;
pub mod statistics;
pub mod submissions;
pub mod users;
pub mod views;
pub mod watch;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::domain::CreditCode;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::service::history::ChangeContext;
use crate::service::{Caller, ExpectedVersion, Paged};
use crate::state::AppState;

pub use crate::service::KEEPERS;
pub use json::{ApiJson, ApiQuery};

pub use crate::service::{MAX_PAGE, MAX_PAGE_SIZE, PageRequest};

/// Registers every route of `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(audit::record_request))
            // First: actix tries a scope's resources in order, one regex match per pattern with
            // a parameter, and the public grade lookup is the most frequent request (a profile
            // of it spent 14 % of the CPU matching the patterns registered before it).
            .configure(scores::routes)
            .configure(auth::routes)
            .configure(enterprises::routes)
            .configure(records::routes)
            .configure(history::routes)
            .configure(models::routes)
            .configure(authorizations::routes)
            .configure(reports::routes)
            .configure(watch::routes)
            .configure(lists::routes)
            .configure(commitments::routes)
            .configure(repairs::routes)
            .configure(objections::routes)
            .configure(statistics::routes)
            .configure(submissions::routes)
            .configure(imports::routes)
            .configure(runs::routes)
            .configure(users::routes)
            .configure(audit::routes),
    );
}

/// A resource whose unsupported methods get a 405 problem body like every other error.
pub fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<actix_web::HttpResponse, AppError> {
    Err(refusals::method_not_allowed(&req))
}

/// A path that does not parse (a record id that is not a number) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_err, req| AppError::NotFound(format!("nothing at {}", req.path())).into())
}

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

impl TryFrom<PageQuery> for PageRequest {
    type Error = AppError;
    fn try_from(q: PageQuery) -> AppResult<Self> {
        PageRequest::new(q.page, q.per_page)
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// How many items match in all.
    pub total: i64,
}

impl<T: ToSchema> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: i64) -> Self {
        Page {
            items,
            page: request.page,
            per_page: request.per_page,
            total,
        }
    }
}

impl<T: ToSchema> From<Paged<T>> for Page<T> {
    fn from(paged: Paged<T>) -> Self {
        Page::new(paged.rows, paged.request, paged.total)
    }
}

/// The caller of a use case, read off the request.
pub fn caller(req: &HttpRequest, viewer: Viewer) -> Caller {
    Caller::new(viewer, request_id(req), req.peer_addr().map(|a| a.ip()))
}

/// The language a response's words are written in: zh-CN when the first language of
/// `Accept-Language` is any Chinese, English otherwise (as the console negotiates, without its
/// cookie).
pub fn response_lang(req: &HttpRequest) -> Lang {
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    crate::i18n::negotiate(None, accept)
}

/// A response whose words follow `Accept-Language`: it says which language it is in, and that
/// it varies by the header.
pub fn in_language(
    status: actix_web::http::StatusCode,
    lang: Lang,
) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder
        .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
        .insert_header((header::VARY, "Accept-Language"));
    builder
}

/// The canonical form of a credit code in a path; a malformed one names no enterprise.
pub fn path_code(raw: &str) -> AppResult<String> {
    CreditCode::parse(raw).map(|c| c.to_string()).map_err(|_| {
        AppError::NotFound(format!(
            "no enterprise {raw}: not a valid unified social credit code"
        ))
    })
}

pub fn etag(version: i64) -> (header::HeaderName, HeaderValue) {
    (
        header::ETAG,
        HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header"),
    )
}

/// The raw `If-Match` header, read before the work moves to a blocking thread.
pub fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .map(|v| v.to_str().unwrap_or("\u{fffd}").trim().to_string())
}

/// The version a write expects, from `If-Match` (see [`ExpectedVersion`]).
pub fn expected(req: &HttpRequest) -> ExpectedVersion {
    ExpectedVersion::from_if_match(if_match(req).as_deref())
}

/// The version a write expects, from the raw `If-Match` (see [`ExpectedVersion::check`]).
pub fn expected_version(if_match: Option<&str>, current: i64) -> AppResult<i64> {
    ExpectedVersion::from_if_match(if_match).check(current)
}

pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(ToString::to_string)
}

/// Who is writing, for the history.
pub fn change_context(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    reason: Option<String>,
) -> AppResult<ChangeContext> {
    caller(req, viewer.clone()).change_context(state.clock.now(), reason)
}
