//! `/auth/token` (sign in) and `/me` (who am I).

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::Viewer;
use crate::domain::Role;
use crate::error::{AppError, AppResult, Problem};
use crate::service;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/auth/token").route(web::post().to(issue_token)))
        .service(super::resource("/me").route(web::get().to(who_am_i)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "the password printed at first start"}))]
pub struct TokenRequest {
    pub username: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub role: Role,
}

/// Exchange a username and password for a bearer token. The answer to a wrong password and to an
/// unknown account is the same.
#[utoipa::path(
    post, path = "/api/v1/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts on this account or from this address; `Retry-After` says when to try again",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(())
)]
pub async fn issue_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ApiJson<TokenRequest>,
) -> AppResult<HttpResponse> {
    let TokenRequest {
        username,
        password: secret,
    } = body.into_inner()?;
    let peer = request.peer_addr().map(|peer| peer.ip());
    let account = service::auth::authenticate(&state, peer, &username, secret).await?;
    let user = &account.principal;
    let role = user.role;
    let token = state
        .tokens
        .issue(
            user.user_id,
            &user.username,
            role,
            user.enterprise.clone(),
            user.organisation,
            account.token_generation,
            state.clock.now().timestamp(),
        )
        .map_err(AppError::internal)?;
    tracing::info!(user = %user.username, role = %role, "token issued");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: state.tokens.ttl_seconds,
            role,
        }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MeResponse {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// The signed-in account.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth",
    responses(
        (status = 200, description = "The caller's account", body = MeResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn who_am_i(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let principal = viewer.require_login()?.clone();
    let organisation_id = principal.organisation;
    let organisation = match organisation_id {
        Some(id) => service::auth::organisation_name(&state, id).await?,
        None => None,
    };
    Ok(HttpResponse::Ok().json(MeResponse {
        user_id: principal.user_id,
        username: principal.username,
        role: principal.role,
        enterprise: principal.enterprise,
        organisation,
    }))
}
