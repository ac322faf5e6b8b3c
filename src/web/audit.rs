//! The console's requests in the audit trail, by the API's rule (`api/audit.rs`): every request
//! that may change something, and every read by a signed-in caller (here: one that sent the
//! session cookie). The actor is the session's account, which the `Ctx` extractor leaves in the
//! request's extensions, as the bearer extractor does. Assets are not audited.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web;

use super::session::SESSION_COOKIE;
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
    let event = crate::api::audit::audit_event_of(&state, &res);
    match service::audit::record(&state, event).await {
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
