//! The console's requests in the audit trail, by the API's rule (`api/audit.rs`): every request
//! that may change something, and every read by a signed-in caller (here: one that sent the
//! session cookie). The actor is the session's account, which the `Ctx` extractor leaves in the
//! request's extensions, as the bearer extractor does. Assets are not audited.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use tracing_actix_web::RequestId;

use super::session::SESSION_COOKIE;
use crate::auth::Principal;
use crate::domain::CreditCode;
use crate::domain::audit::AuditEvent;
use crate::error::AppError;
use crate::service;
use crate::state::AppState;

pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let signed_in = req.cookie(SESSION_COOKIE).is_some();
    let is_asset = req.path().starts_with("/assets/") || req.path().starts_with("/api/");
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let audited =
        !is_asset && (!is_read || signed_in) && res.status() != StatusCode::SERVICE_UNAVAILABLE;
    let Some(state) = state.filter(|_| audited) else {
        return Ok(res.map_into_left_body());
    };
    let event = {
        let request = res.request();
        let target = request
            .uri()
            .path_and_query()
            .map_or_else(|| request.path().to_string(), |p| p.as_str().to_string());
        let principal = request.extensions().get::<Principal>().cloned();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_string());
        AuditEvent {
            at: state.clock.now_naive(),
            actor: principal
                .as_ref()
                .map_or_else(|| "anonymous".to_string(), |p| p.username.clone()),
            actor_role: principal.as_ref().map(|p| p.role.as_str().to_string()),
            organisation_id: principal.as_ref().and_then(|p| p.organisation),
            actor_enterprise: principal.and_then(|p| p.enterprise),
            action: format!("{} {route}", request.method()),
            target,
            enterprise_code: request
                .match_info()
                .get("code")
                .and_then(|code| CreditCode::parse(code).ok())
                .map(|code| code.to_string()),
            status: i32::from(res.status().as_u16()),
            request_id: request
                .extensions()
                .get::<RequestId>()
                .map(|id| id.to_string()),
        }
    };
    match service::auth::append_audit(&state, event).await {
        Ok(()) => Ok(res.map_into_left_body()),
        Err(error) => {
            state.metrics.audit_append_failed();
            tracing::error!(%error, "audit entry not stored");
            if is_read {
                let refusal = super::errors::error_response(
                    res.request(),
                    &AppError::Unavailable(
                        "the read could not be recorded in the audit trail; try again".into(),
                    ),
                );
                Ok(res.into_response(refusal).map_into_right_body())
            } else {
                Ok(res.map_into_left_body())
            }
        }
    }
}
