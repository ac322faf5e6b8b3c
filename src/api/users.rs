//! `/users`: the accounts, their roles and what they belong to. Admins only. Password hashes
//! never leave the service; disabling an account, changing its role or affiliation and setting
//! a new password end its tokens and console sessions at once.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, Page, PageRequest, etag};
use crate::auth::Viewer;
use crate::domain::Role;
use crate::domain::accounts::{AccountPatch, NewAccountInput, PasswordInput};
use crate::error::{AppResult, Problem};
use crate::service::accounts::{self, Account, AccountQuery};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/users")
            .route(web::get().to(list_users))
            .route(web::post().to(create_user)),
    )
    .service(
        super::resource("/users/{username}")
            .route(web::get().to(get_user))
            .route(web::patch().to(update_user)),
    )
    .service(super::resource("/users/{username}/disable").route(web::post().to(disable_user)))
    .service(super::resource("/users/{username}/enable").route(web::post().to(enable_user)))
    .service(super::resource("/users/{username}/password").route(web::post().to(set_password)));
}

/// An account. Its password is never shown, hashed or not.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "username": "wang.li", "role": "regulator", "organisation": "Hangzhou Market Supervision Bureau",
    "disabled": false, "created_at": "2026-11-22T08:00:00Z", "version": 1
}))]
pub struct AccountView {
    pub username: String,
    pub role: Role,
    /// The bank or regulator organisation it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The credit code of an enterprise user's enterprise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<String>,
    /// A disabled account can neither sign in nor use a token it holds.
    pub disabled: bool,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Moves on with every change; the ETag is this number in quotes.
    pub version: i64,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            username: a.username,
            role: a.role,
            organisation: a.organisation,
            enterprise: a.enterprise,
            disabled: a.disabled,
            created_at: a.created_at,
            version: a.version,
        }
    }
}

fn one(account: Account) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(account.version))
        .json(AccountView::from(account))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Only accounts of this role.
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
    /// Only disabled (`true`) or only enabled (`false`) accounts.
    pub disabled: Option<bool>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// The accounts, by username, narrowed by role and by disabled. Admins only.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    params(UsersQuery),
    responses(
        (status = 200, description = "One page of accounts", body = Page<AccountView>),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_users(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: ApiQuery<UsersQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let paging = match &query {
        Ok(q) => PageRequest::new(q.page, q.per_page),
        Err(_) => PageRequest::new(None, None),
    };
    let filter = query.map(|q| AccountQuery {
        role: q.role,
        disabled: q.disabled,
    });
    let page = accounts::list(&state, &super::caller(&req, viewer), filter, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(page.map(AccountView::from))))
}

/// Create an account. Bank and regulator users need their organisation (registered the first
/// time it is named), enterprise users the credit code of their registered enterprise. Every
/// invalid field is named at once. Admins only.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users",
    request_body = NewAccountInput,
    responses(
        (status = 201, description = "Created", body = AccountView,
            headers(("ETag" = String, description = "Version tag for If-Match"), ("Location" = String))),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (username, password strength, role, organisation, enterprise, or the enterprise is not registered); `errors` names each", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    body: ApiJson<NewAccountInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    let account = accounts::create(&state, &caller, body.into_inner()).await?;
    let location = format!("/api/v1/users/{}", account.username);
    Ok(HttpResponse::Created()
        .insert_header(etag(account.version))
        .insert_header((header::LOCATION, location))
        .json(AccountView::from(account)))
}

/// One account. Admins only.
#[utoipa::path(
    get, path = "/api/v1/users/{username}", tag = "users",
    params(("username" = String, Path, description = "Username", example = "wang.li")),
    responses(
        (status = 200, description = "The account", body = AccountView,
            headers(("ETag" = String, description = "Version tag for If-Match"))),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let account = accounts::get(&state, &super::caller(&req, viewer), &username).await?;
    Ok(one(account))
}

/// Change an account's role, organisation or enterprise; what is left out stays as far as the
/// new role allows. Send `If-Match` with the ETag you read. A real change ends the account's
/// tokens and sessions: it signs in again. Demoting the last enabled admin is refused (409).
/// Admins only.
#[utoipa::path(
    patch, path = "/api/v1/users/{username}", tag = "users",
    params(
        ("username" = String, Path, description = "Username", example = "wang.li"),
        ("If-Match" = String, Header, description = "ETag of the version being changed", example = "\"1\""),
    ),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "Changed (or already so)", body = AccountView,
            headers(("ETag" = String, description = "The new version tag"))),
        (status = 400, description = "The body is not JSON, or If-Match is not an ETag of this service", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no enabled admin", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The account has changed since it was read; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or the role lacks what it needs; `errors` names each", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    username: web::Path<String>,
    body: ApiJson<AccountPatch>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    let expected = super::expected(&req);
    let account = accounts::change(&state, &caller, &username, body.into_inner(), expected).await?;
    Ok(one(account))
}

/// Disable an account: it can no longer sign in, and its tokens and console sessions end at
/// once (for good: enabling it again does not revive them). Disabling the last enabled admin is
/// refused (409). Admins only.
#[utoipa::path(
    post, path = "/api/v1/users/{username}/disable", tag = "users",
    params(("username" = String, Path, description = "Username", example = "wang.li")),
    responses(
        (status = 200, description = "Disabled (or already so)", body = AccountView,
            headers(("ETag" = String, description = "The new version tag"))),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no enabled admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn disable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    Ok(one(accounts::set_disabled(
        &state, &caller, &username, true,
    )
    .await?))
}

/// Enable a disabled account again: it may sign in; tokens issued before it was disabled stay
/// refused. Admins only.
#[utoipa::path(
    post, path = "/api/v1/users/{username}/enable", tag = "users",
    params(("username" = String, Path, description = "Username", example = "wang.li")),
    responses(
        (status = 200, description = "Enabled (or already so)", body = AccountView,
            headers(("ETag" = String, description = "The new version tag"))),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn enable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    Ok(one(accounts::set_disabled(
        &state, &caller, &username, false,
    )
    .await?))
}

/// Set a new password for an account (at least 10 characters, not one character repeated). Its
/// tokens and console sessions end: it signs in again with the new password. Admins only.
#[utoipa::path(
    post, path = "/api/v1/users/{username}/password", tag = "users",
    params(("username" = String, Path, description = "Username", example = "wang.li")),
    request_body = PasswordInput,
    responses(
        (status = 200, description = "Set", body = AccountView,
            headers(("ETag" = String, description = "The new version tag"))),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too weak; `errors` says why", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    username: web::Path<String>,
    body: ApiJson<PasswordInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    let account = accounts::reset_password(&state, &caller, &username, body.into_inner()).await?;
    Ok(one(account))
}
