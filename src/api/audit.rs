//! The audit trail: the middleware that appends an entry for every write and every signed-in read
//! under `/api/v1`, and `GET /api/v1/audit` to read it.
//!
//! The entry is stored after the handler has answered and before the answer leaves, in its own
//! transaction (answers of 503, when the database is away, are not audited: nothing was done). A read whose entry cannot be stored is refused with 503 (no private data leaves
//! unaudited); a write has already been committed by then, so its answer stands, the failure is
//! logged and counted (`ecredit_audit_append_failures_total`) rather than inviting a retry that
//! would write twice.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use super::problems::KeeperReadProblems;
use super::{ApiQuery, Page};
use crate::auth::{Principal, Viewer};
use crate::domain::audit::{AuditEntry, AuditEvent};
use crate::domain::{CreditCode, Role};
use crate::error::{AppError, AppResult};
use crate::service::Caller;
use crate::service::audit::{self, AuditSearch};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/audit").route(web::get().to(list_audit)));
}

/// Appends the audit entry of a request: every request that may change something, and every
/// read by a caller who sent credentials (the public reads only public data, which is not
/// audited: that keeps anonymous grade lookups cheap).
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let sent_credentials = req.headers().contains_key(header::AUTHORIZATION);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    // A 503 means the database is away: nothing was done, and waiting for the pool again to
    // record that would only make a fast failure slow.
    let audited = (!is_read || sent_credentials)
        && res.status() != actix_web::http::StatusCode::SERVICE_UNAVAILABLE;
    let Some(state) = state.filter(|_| audited) else {
        return Ok(res.map_into_left_body());
    };
    let event = audit_event_of(&state, &res);
    let stored = audit::record(&state, event).await;
    match stored {
        Ok(_) => Ok(res.map_into_left_body()),
        Err(error) => {
            state.metrics.audit_append_failed();
            tracing::error!(%error, "audit entry not stored");
            if is_read {
                let refusal = AppError::Unavailable(
                    "the read could not be recorded in the audit trail; try again".into(),
                )
                .error_response();
                Ok(res.into_response(refusal).map_into_right_body())
            } else {
                Ok(res.map_into_left_body())
            }
        }
    }
}

/// The audit entry of an answered request: who (the principal the extractor left in the
/// request's extensions), what route and target, which enterprise, the status and request id.
/// The console's audit middleware records its requests with the same entry.
pub fn audit_event_of<B>(state: &AppState, res: &ServiceResponse<B>) -> AuditEvent {
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
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// Position in the chain, from 1.
    pub seq: i64,
    #[serde(with = "crate::domain::utc")]
    pub recorded_at: NaiveDateTime,
    /// Username, or `anonymous`.
    pub actor: String,
    pub actor_role: Option<String>,
    /// The actor's bank or regulator organisation.
    pub organisation_id: Option<i64>,
    /// The enterprise an enterprise user acts for.
    pub actor_enterprise: Option<String>,
    /// Method and route, e.g. `POST /api/v1/enterprises/{code}/credit-events`.
    #[schema(example = "GET /api/v1/enterprises/{code}/operating-records")]
    pub action: String,
    /// Path and query as requested.
    pub target: String,
    /// The enterprise named in the path, if any.
    pub enterprise_code: Option<String>,
    /// HTTP status of the answer: refusals are audited too.
    pub status: i32,
    pub request_id: Option<String>,
    /// SHA-256 of the previous entry (zeros for the first).
    pub prev_hash: String,
    /// SHA-256 of this entry's fields and `prev_hash` (see `ecredit audit verify`).
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(entry: AuditEntry) -> Self {
        let e = entry.event;
        AuditEntryView {
            seq: entry.seq,
            recorded_at: e.at,
            actor: e.actor,
            actor_role: e.actor_role,
            organisation_id: e.organisation_id,
            actor_enterprise: e.actor_enterprise,
            action: e.action,
            target: e.target,
            enterprise_code: e.enterprise_code,
            status: e.status,
            request_id: e.request_id,
            prev_hash: entry.prev_hash,
            hash: entry.hash,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this username (`anonymous` for the public).
    pub actor: Option<String>,
    /// Only this role: `admin`, `regulator`, `bank` or `enterprise`.
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
    /// Only requests about this enterprise (unified social credit code).
    pub enterprise: Option<String>,
    /// Only this action, exactly as entries show it.
    #[param(example = "POST /api/v1/enterprises/{code}/credit-events")]
    pub action: Option<String>,
    /// Only the entry of this request id (the `x-request-id` response header).
    pub request_id: Option<String>,
    /// From this time on (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<String>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

impl AuditQuery {
    fn into_search(self) -> AuditSearch {
        AuditSearch {
            actor: self.actor,
            role: self.role,
            enterprise: self.enterprise,
            action: self.action,
            request_id: self.request_id,
            from: self.from,
            until: self.until,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// The audit trail, newest first: who did or read what, when, in which request, with what
/// outcome, and each entry's place in the hash chain. Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of entries", body = Page<AuditEntryView>),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_audit(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<AuditQuery>,
) -> AppResult<HttpResponse> {
    let search = query.into_inner().map(AuditQuery::into_search);
    let entries = audit::search(&state, &Caller::new(viewer, None, None), search).await?;
    Ok(HttpResponse::Ok().json(Page::from(entries.map(AuditEntryView::from))))
}
