//! `/enterprises`: register, search, read and correct basic records.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiQuery;
use super::problems::*;
use super::views::EnterpriseView;
use super::{ApiJson, KEEPERS, Page, PageRequest, etag, path_code};
use crate::auth::Viewer;
use crate::domain::enterprise::{
    BusinessModel, EnterpriseInput, EnterprisePatch, EnterpriseStatus,
};
use crate::error::AppResult;
use crate::scoring::grade::Grade;
use crate::service::enterprises::{self, EnterpriseSearch};
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
    /// The current published grade.
    pub grade: Option<Grade>,
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
    let search = EnterpriseSearch {
        region_code: query.region_code,
        industry: query.industry,
        status: query.status,
        business_model: query.business_model,
        q: query.q,
        grade: query.grade,
    };
    let found = enterprises::search(&state, search, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(found.map(|e| EnterpriseView::of(&e, &viewer)))))
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
    // The caller first: who may not register learns nothing of the body.
    viewer.require_role(KEEPERS)?;
    let input = body.into_inner()?;
    let stored = enterprises::register(&state, &super::caller(&req, viewer.clone()), input).await?;
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
    let stored = enterprises::get(&state, &path_code(&code)?).await?;
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
    // The caller first, then the path, then the body, as every write.
    viewer.require_role(KEEPERS)?;
    let code = path_code(&code)?;
    let changes = body.into_inner()?;
    let caller = super::caller(&req, viewer.clone());
    let stored =
        enterprises::correct(&state, &caller, &code, changes, super::expected(&req)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(stored.meta.version))
        .json(EnterpriseView::of(&stored, &viewer)))
}
