//! Credit reports: create a signed snapshot, read it back (JSON or a printable page), verify a
//! saved one, publish the verification keys, and show an enterprise who pulled its reports.
//!
//! Who may have a full report: regulators and admins (any enterprise), the enterprise itself,
//! and a bank under a live authorisation from the enterprise. Everyone, signed in or not, may
//! have the reduced public report. Every creation and read is logged.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problems::{CreateProblems, PrivateListProblems};
use super::{ApiQuery, Page, PageQuery, PageRequest, path_code};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, Problem};
use crate::report::document::{ReportKind, SignedReport};
use crate::report::signing::{PublicKeySet, Verification};
use crate::service::Caller;
use crate::service::reports::{self, QueryRow, ReadReport, ReportOrder};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/reports/public-key").route(web::get().to(public_keys)))
        .service(super::resource("/reports/keys/rotate").route(web::post().to(rotate_key)))
        .service(super::resource("/reports/verify").route(web::post().to(verify_report)))
        .service(super::resource("/reports/{report_no}").route(web::get().to(get_report)))
        .service(
            super::resource("/enterprises/{code}/reports").route(web::post().to(create_report)),
        )
        .service(super::resource("/enterprises/{code}/query-log").route(web::get().to(query_log)));
}

/// What report to make. Every field may be left out, and so may the whole body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "full"}))]
pub struct ReportRequest {
    /// `full` (the default when signed in) or `public` (the default, and the only kind, for
    /// anonymous callers).
    #[serde(default)]
    pub kind: Option<ReportKind>,
    /// Why a regulator or admin pulls the report (default `regulatory_supervision`); a bank's
    /// purpose is that of its authorisation, an enterprise's is `self_review`.
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Create a signed credit report of an enterprise. Full reports: regulators, admins, the
/// enterprise itself, and banks with a live authorisation from it; the public report: anyone.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/reports", tag = "reports",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    request_body(content = Option<ReportRequest>, description = "Optional: every field may be left out, and so may the whole body"),
    responses(
        (status = 201, description = "The signed report in its canonical (RFC 8785) serialisation. Save it to verify it later; any serialisation of the same content verifies",
            body = SignedReport, headers(("Location" = String))),
        CreateProblems,
        (status = 429, description = "Too many public reports from this address (anonymous callers only); `Retry-After` says when to try again",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security((), ("bearer" = []))
)]
pub async fn create_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = super::caller(&req, viewer);
    // The caller first: a throttled or refused caller is answered before the body is read.
    reports::admit_report_request(&state, &caller)?;
    let request: ReportRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ReportRequest::default()
    } else {
        check_json(&req)?;
        // `null` stands for no body, as the schema says.
        super::json::parse::<Option<ReportRequest>>(&body)?.unwrap_or_default()
    };
    let order = ReportOrder {
        kind: request.kind,
        purpose: request.purpose,
    };
    let row = reports::create_report(&state, &caller, &code, order).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/reports/{}", row.report_no),
        ))
        .content_type("application/json")
        .body(row.document))
}

fn check_json(req: &HttpRequest) -> AppResult<()> {
    if super::json::is_json(req) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(
            "send the body as Content-Type: application/json".into(),
        ))
    }
}

/// Read a report back, byte for byte as it was signed; with `Accept: text/html`, a printable
/// page. A public report: anyone. A full one: regulators, admins, the enterprise itself, and
/// the bank it was made for while its authorisation is live.
#[utoipa::path(
    get, path = "/api/v1/reports/{report_no}", tag = "reports",
    params(("report_no" = String, Path, description = "Report number", example = "ECR-20261201-7Q4K9M2XRT")),
    responses(
        (status = 200, description = "The signed report, or its printable page",
            content(
                (SignedReport = "application/json"),
                (String = "text/html"),
            )),
        (status = 401, description = "A full report, and no valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A full report the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    report_no: web::Path<String>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    let ReadReport { document, page } =
        reports::read_report(&state, &caller, &report_no, wants_html(&req)).await?;
    if let Some(page) = page {
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
                ),
            ))
            .body(page));
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(document))
}

/// Does the caller prefer the printable page? Only when it names text/html before JSON.
fn wants_html(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let position = |mime: &str| accept.find(mime);
    match (position("text/html"), position("application/json")) {
        (Some(html), Some(json)) => html < json,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The keys reports are signed with: the active one and every earlier one, so that old reports
/// keep verifying after a rotation. Public.
#[utoipa::path(
    get, path = "/api/v1/reports/public-key", tag = "reports",
    responses((status = 200, description = "Every report signing key", body = PublicKeySet)),
    security(())
)]
pub async fn public_keys(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(reports::public_keys(&state))
}

/// Rotate the report signing key: a new key signs every report from now on, in this running
/// service; the earlier keys stay published, so the reports they signed still verify. Answers
/// every key, as `GET /reports/public-key` does from now on. Admins only.
#[utoipa::path(
    post, path = "/api/v1/reports/keys/rotate", tag = "reports",
    responses(
        (status = 200, description = "Rotated: every key, the new one active", body = PublicKeySet),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins rotate the signing key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn rotate_key(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> AppResult<HttpResponse> {
    let keys = reports::rotate_key(&state, &super::caller(&req, viewer)).await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Check a saved report: send it as saved, or as a client wrote it back (any serialisation of
/// the same content: member order, spacing, timestamp offsets and number forms may differ). The
/// answer says whether it is a genuine, unaltered report of this registry and, if not, why: an
/// added, removed or changed member fails. Public.
#[utoipa::path(
    post, path = "/api/v1/reports/verify", tag = "reports",
    request_body(content = SignedReport, description = "The saved report", content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict", body = Verification),
        (status = 413, description = "Larger than any report", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
pub async fn verify_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    check_json(&req)?;
    Ok(HttpResponse::Ok().json(reports::verify_report(&state, &body)))
}

/// One creation or read of a report of the enterprise.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QueryLogEntry {
    pub id: i64,
    pub report_no: String,
    /// `create` or `read`.
    pub action: String,
    /// The account, or `anonymous`.
    pub actor: String,
    /// `regulator`, `bank`, `enterprise`, `admin` or `public`.
    pub actor_role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub purpose: String,
    /// The authorisation a bank acted under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_id: Option<i64>,
    #[serde(with = "crate::domain::utc")]
    pub queried_at: NaiveDateTime,
}

/// Who created or read the enterprise's reports, when and why, latest first. The enterprise
/// itself, regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/query-log", tag = "reports",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), PageQuery),
    responses(
        (status = 200, description = "One page of the query log", body = Page<QueryLogEntry>),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn query_log(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let paging = paging.into_inner().and_then(PageRequest::try_from);
    let page = reports::query_log(&state, &Caller::new(viewer, None, None), &code, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(page.map(
        |(row, organisation): (QueryRow, Option<String>)| QueryLogEntry {
            id: row.id,
            report_no: row.report_no,
            action: row.action,
            actor: row.actor,
            actor_role: row.actor_role,
            organisation,
            purpose: row.purpose,
            authorization_id: row.authorization_id,
            queried_at: row.queried_at,
        },
    ))))
}
