//! `/enterprises`: register, search, read and correct basic records.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiQuery;
use super::problems::*;
use super::views::EnterpriseView;
use super::{
    ApiJson, KEEPERS, Page, PageRequest, change_context, etag, expected_version, if_match,
    path_code,
};
use crate::auth::Viewer;
use crate::db::enterprises::{self, EnterpriseFilter};
use crate::domain::enterprise::{
    BusinessModel, EnterpriseInput, EnterprisePatch, EnterpriseStatus,
};
use crate::domain::patch;
use crate::domain::region::check_region_code;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/enterprises")
            .route(web::get().to(list_enterprises))
            .route(web::post().to(create_enterprise)),
    )
    .service(
        super::resource("/enterprises/{code}")
            .route(web::get().to(get_enterprise))
            .route(web::patch().to(update_enterprise)),
    );
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseListQuery {
    /// GB/T 2260 code; a province (`330000`) or city (`330100`) code matches all within it.
    #[param(pattern = r"^([0-9]{6})?$", example = "330100")]
    pub region_code: Option<String>,
    /// Exact industry.
    pub industry: Option<String>,
    pub status: Option<EnterpriseStatus>,
    pub business_model: Option<BusinessModel>,
    /// Part of the name, or the first characters of the credit code.
    #[param(example = "西湖")]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// Search the registry. Everyone may search; callers who may not see an enterprise's private
/// data get its public fields only.
#[utoipa::path(
    get, path = "/api/v1/enterprises", tag = "enterprises",
    params(EnterpriseListQuery),
    responses(
        (status = 200, description = "One page of matching enterprises", body = Page<EnterpriseView>),
        PublicListProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn list_enterprises(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<EnterpriseListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let region_code = query
        .region_code
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if let Some(region) = &region_code {
        check_region_code(region).map_err(|e| AppError::validation("region_code", e))?;
    }
    let search = query
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if search.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::validation("q", "must be at most 100 characters"));
    }
    let filter = EnterpriseFilter {
        region_code,
        industry: query
            .industry
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty()),
        status: query.status,
        business_model: query.business_model,
        search,
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| enterprises::list(conn, &filter, paging.offset(), paging.limit()))
        })
        .await?;
    let items = rows
        .iter()
        .map(|e| EnterpriseView::of(e, &viewer))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, paging, total)))
}

/// Register an enterprise. Regulators and admins only.
#[utoipa::path(
    post, path = "/api/v1/enterprises", tag = "enterprises",
    request_body = EnterpriseInput,
    responses(
        (status = 201, description = "Registered", body = EnterpriseView,
            headers(("ETag" = String, description = "Version tag for If-Match"), ("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn create_enterprise(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    body: ApiJson<EnterpriseInput>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let enterprise = body.into_inner()?.validate(state.clock.today())?;
    let ctx = change_context(&state, &req, &viewer, None)?;
    let stored = state
        .blocking(move |db| {
            db.write(|conn| enterprises::insert(conn, &enterprise, "department", &ctx))
        })
        .await?;
    let location = format!("/api/v1/enterprises/{}", stored.enterprise.code);
    Ok(HttpResponse::Created()
        .insert_header(etag(stored.meta.version))
        .insert_header((header::LOCATION, location))
        .json(EnterpriseView::of(&stored, &viewer)))
}

/// Read one enterprise by its unified social credit code: the full record for regulators,
/// admins and the enterprise itself; public fields for everyone else.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}", tag = "enterprises",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    responses(
        (status = 200, description = "The enterprise", body = EnterpriseView,
            headers(("ETag" = String, description = "Version tag for If-Match"))),
        PublicReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn get_enterprise(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let stored = state
        .blocking(move |db| db.read(|conn| enterprises::get(conn, &code)))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(stored.meta.version))
        .json(EnterpriseView::of(&stored, &viewer)))
}

/// Correct an enterprise's basic record. Regulators and admins only; send `If-Match` with the
/// ETag you read: a stale version gets 412 and changes nothing. The earlier values are kept in
/// the history.
#[utoipa::path(
    patch, path = "/api/v1/enterprises/{code}", tag = "enterprises",
    params(
        ("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"),
        ("If-Match" = String, Header, description = "ETag of the version being corrected", example = "\"1\""),
    ),
    request_body = EnterprisePatch,
    responses(
        (status = 200, description = "Corrected", body = EnterpriseView,
            headers(("ETag" = String, description = "The new version tag"))),
        CorrectProblems,
    ),
    security(("bearer" = []))
)]
pub async fn update_enterprise(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<EnterprisePatch>,
) -> AppResult<HttpResponse> {
    viewer.require_role(KEEPERS)?;
    let code = path_code(&code)?;
    let changes = body.into_inner()?;
    let ctx = change_context(&state, &req, &viewer, changes.reason.clone())?;
    let today = state.clock.today();
    let if_match = if_match(&req);
    let stored = state
        .blocking(move |db| {
            db.write(|conn| {
                let before = enterprises::get(conn, &code)?;
                // The body first: an invalid correction is 422 whichever version it names.
                let after =
                    patch::merge(&before.enterprise.to_input(), &changes)?.validate(today)?;
                let version = expected_version(if_match.as_deref(), before.meta.version)?;
                let (stored, _) =
                    enterprises::update(conn, &before, &after, version, "department", &ctx)?;
                Ok(stored)
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(stored.meta.version))
        .json(EnterpriseView::of(&stored, &viewer)))
}
