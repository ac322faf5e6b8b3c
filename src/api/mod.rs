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
pub mod views;
pub mod watch;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Viewer;
use crate::db::DbConnection;
use crate::db::history::ChangeContext;
use crate::domain::{CreditCode, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use json::{ApiJson, ApiQuery};

pub const MAX_PAGE_SIZE: u32 = 100;

/// The last page number accepted (the documented `maximum`): far beyond any list, and inside
/// every client's 32-bit integers.
pub const MAX_PAGE: u32 = 1_000_000;

/// Registers every route of `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(audit::record_request))
            .configure(auth::routes)
            .configure(enterprises::routes)
            .configure(records::routes)
            .configure(history::routes)
            .configure(scores::routes)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> AppResult<Self> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        let mut v = crate::domain::Violations::new();
        v.check(
            (1..=MAX_PAGE).contains(&page),
            "page",
            format!("must be between 1 and {MAX_PAGE}"),
        );
        v.check(
            (1..=MAX_PAGE_SIZE).contains(&per_page),
            "per_page",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        );
        v.into_result(PageRequest { page, per_page })
            .map_err(AppError::from)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
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

/// The version a write expects, from `If-Match`. Writes without it are refused (428) so that no
/// client overwrites a change it has not seen; `*` accepts whatever is current.
pub fn expected_version(if_match: Option<&str>, current: i64) -> AppResult<i64> {
    let raw = if_match.ok_or_else(|| {
        AppError::PreconditionRequired("send If-Match with the ETag of the version you read".into())
    })?;
    if raw == "*" {
        return Ok(current);
    }
    let tag = raw.strip_prefix("W/").unwrap_or(raw);
    let version = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(format!("If-Match {raw} is not an ETag of this service"))
        })?;
    if version != current {
        return Err(AppError::PreconditionFailed(format!(
            "the record is at version {current}, not {version}: read it again and retry"
        )));
    }
    Ok(version)
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
    let principal = viewer.require_login()?;
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if let Some(r) = &reason
        && r.chars().count() > 1000
    {
        return Err(AppError::validation(
            "reason",
            "must be at most 1000 characters",
        ));
    }
    Ok(ChangeContext {
        actor: principal.username.clone(),
        actor_role: principal.role,
        request_id: request_id(req),
        reason,
        at: state.clock.now_naive(),
    })
}

/// Roles that keep the registry.
pub const KEEPERS: &[Role] = &[Role::Regulator, Role::Admin];

/// Reads one page of an enterprise's rows (code, offset, limit) and the total.
pub(crate) type PageLister<R> = fn(&mut DbConnection, &str, i64, i64) -> AppResult<(Vec<R>, i64)>;

/// Lists one page of an enterprise's confidential rows (records, scores) for the regulators,
/// admins and the enterprise itself: the caller is checked first, then the enterprise must
/// exist, then `lister` reads the page and `view` shapes each row.
pub(crate) async fn list_private<R, V>(
    state: &AppState,
    viewer: &Viewer,
    raw_code: &str,
    paging: ApiQuery<PageQuery>,
    lister: PageLister<R>,
    view: fn(R) -> V,
) -> AppResult<HttpResponse>
where
    R: Send + 'static,
    V: serde::Serialize + utoipa::ToSchema,
{
    let code = path_code(raw_code)?;
    viewer.require_private_of(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                crate::db::enterprises::get(conn, &code)?;
                lister(conn, &code, paging.offset(), paging.limit())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::new(
        rows.into_iter().map(view).collect(),
        paging,
        total,
    )))
}
