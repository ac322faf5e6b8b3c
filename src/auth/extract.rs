//! Reads the caller from the `Authorization: Bearer` header. No header means the public; a header
//! that does not hold a valid token is refused with 401 rather than treated as the public, and so
//! is a token whose account has since been disabled (even if enabled again), deleted or changed
//! role.

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::policy::{Principal, Viewer};
use crate::db::users;
use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Viewer, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let header = req.headers().get(AUTHORIZATION).cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let Some(header) = header else {
                return Ok(Viewer::Anonymous);
            };
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let token = header
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .ok_or_else(|| {
                    AppError::Unauthorized(
                        "expected the header Authorization: Bearer <token>".into(),
                    )
                })?;
            let claims = state
                .tokens
                .verify(token, state.clock.now().timestamp())
                .map_err(AppError::Unauthorized)?;
            let user_id: i64 = claims
                .sub
                .parse()
                .map_err(|_| AppError::Unauthorized("invalid token subject".into()))?;
            let user = state
                .blocking(move |db| db.read(|conn| users::find_by_id(conn, user_id)))
                .await?;
            let refused = || {
                AppError::Unauthorized("the account behind this token is no longer valid".into())
            };
            let user = user.ok_or_else(refused)?;
            if user.disabled
                || user.token_generation != claims.generation
                || Role::parse(&user.role) != Some(claims.role)
                || user.enterprise_code != claims.ent
                || user.organisation_id != claims.org
            {
                return Err(refused());
            }
            let principal = Principal {
                user_id,
                username: user.username,
                role: claims.role,
                enterprise: user.enterprise_code,
                organisation: user.organisation_id,
            };
            // The audit trail names the caller from here, after the handler has run.
            req.extensions_mut().insert(principal.clone());
            Ok(Viewer::User(principal))
        })
    }
}
