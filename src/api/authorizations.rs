//! Report authorisations: an enterprise grants a bank access to its full credit report, lists
//! and revokes its grants; banks list the grants they hold.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problems::{CreateProblems, PrivateListProblems};
use super::{ApiJson, ApiQuery, Page, PageQuery, PageRequest, path_code};
use crate::auth::Viewer;
use crate::domain::authorization::{
    AuthorizationInput, AuthorizationPurpose, AuthorizationScope, AuthorizationStatus, status_at,
};
use crate::error::{AppResult, Problem};
use crate::service::Caller;
use crate::service::authorizations::{self, NamedAuthorization};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/banks").route(web::get().to(list_banks)))
        .service(super::resource("/authorizations").route(web::get().to(list_bank_authorizations)))
        .service(
            super::resource("/enterprises/{code}/authorizations")
                .route(web::get().to(list_authorizations))
                .route(web::post().to(grant)),
        )
        .service(
            super::resource("/enterprises/{code}/authorizations/{id}/revoke")
                .route(web::post().to(revoke)),
        );
}

/// A bank an enterprise may authorise.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BankView {
    /// The organisation id to name in an authorisation.
    pub id: i64,
    pub name: String,
}

/// A grant and where it stands now.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthorizationView {
    pub id: i64,
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub bank_organisation_id: i64,
    pub bank_name: String,
    pub scope: AuthorizationScope,
    pub purpose: AuthorizationPurpose,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub granted_at: NaiveDateTime,
    pub granted_by: String,
    /// The last day the grant is live (UTC).
    pub expires_on: NaiveDate,
    /// `live`, `expired` or `revoked`, as of the time of the response.
    pub status: AuthorizationStatus,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        with = "crate::domain::utc::option"
    )]
    pub revoked_at: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
}

impl AuthorizationView {
    fn of(named: NamedAuthorization, now: NaiveDateTime) -> Self {
        let row = named.row;
        AuthorizationView {
            status: status_at(row.expires_on, row.revoked_at, now),
            id: row.id,
            enterprise_code: row.enterprise_code,
            bank_organisation_id: row.bank_organisation_id,
            bank_name: named.bank_name,
            scope: AuthorizationScope::from_stored(&row.scope),
            purpose: AuthorizationPurpose::from_stored(&row.purpose),
            note: row.note,
            granted_at: row.granted_at,
            granted_by: row.granted_by,
            expires_on: row.expires_on,
            revoked_at: row.revoked_at,
            revoked_by: row.revoked_by,
            revocation_reason: row.revocation_reason,
        }
    }
}

/// The banks an enterprise can authorise. Any signed-in caller.
#[utoipa::path(
    get, path = "/api/v1/banks", tag = "authorizations",
    responses(
        (status = 200, description = "Every bank organisation", body = [BankView]),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_banks(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    let views: Vec<BankView> = authorizations::banks(&state, &caller)
        .await?
        .into_iter()
        .map(|bank| BankView {
            id: bank.id,
            name: bank.name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Authorise a bank to pull this enterprise's full credit report until `expires_on`. Only the
/// enterprise itself grants.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/authorizations", tag = "authorizations",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    request_body = AuthorizationInput,
    responses(
        (status = 201, description = "Granted", body = AuthorizationView, headers(("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn grant(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    body: ApiJson<AuthorizationInput>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    // The caller first: who may not grant learns nothing of the body.
    caller.viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let named = authorizations::grant(&state, &caller, &code, input).await?;
    let location = format!(
        "/api/v1/enterprises/{}/authorizations/{}",
        named.row.enterprise_code, named.row.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(AuthorizationView::of(named, authorizations::now(&state))))
}

/// The grants an enterprise made, latest first, live or not. Regulators, admins and the
/// enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/authorizations", tag = "authorizations",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), PageQuery),
    responses(
        (status = 200, description = "One page of grants", body = Page<AuthorizationView>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_authorizations(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_private_of(&code)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let grants = authorizations::of_enterprise(&state, &caller, &code, paging).await?;
    let now = authorizations::now(&state);
    Ok(HttpResponse::Ok().json(Page::from(grants.map(|r| AuthorizationView::of(r, now)))))
}

/// The grants made to the caller's bank, latest first. Banks only.
#[utoipa::path(
    get, path = "/api/v1/authorizations", tag = "authorizations",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of grants to this bank", body = Page<AuthorizationView>),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks hold authorisations", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_bank_authorizations(
    state: web::Data<AppState>,
    viewer: Viewer,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_bank()?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let grants = authorizations::held_by_bank(&state, &caller, paging).await?;
    let now = authorizations::now(&state);
    Ok(HttpResponse::Ok().json(Page::from(grants.map(|r| AuthorizationView::of(r, now)))))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "loan application withdrawn"}))]
pub struct RevokeInput {
    #[serde(default)]
    pub reason: Option<String>,
}

/// Revoke a grant: the bank loses access at once. Only the enterprise itself.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/authorizations/{id}/revoke", tag = "authorizations",
    params(
        ("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"),
        ("id" = i64, Path, description = "Authorisation id"),
    ),
    request_body = RevokeInput,
    responses(
        (status = 200, description = "Revoked", body = AuthorizationView),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    body: ApiJson<RevokeInput>,
) -> AppResult<HttpResponse> {
    let (raw_code, id) = path.into_inner();
    let code = path_code(&raw_code)?;
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_enterprise_self(&code)?;
    let input = body.into_inner()?;
    let named = authorizations::revoke(&state, &caller, &code, id, input.reason).await?;
    Ok(HttpResponse::Ok().json(AuthorizationView::of(named, authorizations::now(&state))))
}
