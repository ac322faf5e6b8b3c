//! One error page for every failure of a console request (and its fragment for htmx): handlers
//! return `AppError`s with `?`, and this middleware renders them with the problem details'
//! title and detail, translated where the catalog has them. `/api/…` paths are left alone: they
//! answer problem details.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use maud::{Markup, html};

use super::i18n::{self, Lang, t};
use super::layout::{Chrome, render};
use super::session::{request_lang, wants_fragment};
use crate::auth::Principal;
use crate::error::AppError;
use crate::service::sessions::Session;

/// Middleware: an error answer (an `AppError` from a handler, or a refusal made by actix before
/// one ran) becomes the HTML error page.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.path().starts_with("/api/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    // Errors that leave a middleware as `Err` (none of the console's do) keep actix's answer.
    let response = next.call(req).await?;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return Ok(response.map_into_boxed_body());
    }
    let request = response.request().clone();
    let app_error = response
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(clone_error)
        .unwrap_or_else(|| from_status(status, &request));
    let page = error_response(&request, &app_error);
    Ok(response.into_response(page))
}

/// The error page of `error` for `request`.
pub fn error_response(request: &HttpRequest, error: &AppError) -> HttpResponse {
    let lang = request_lang(request);
    let principal = request.extensions().get::<Principal>().cloned();
    let session = request.extensions().get::<Session>().cloned();
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.path().to_string(), |p| p.as_str().to_string());
    let chrome = Chrome {
        lang,
        hx: wants_fragment(request),
        principal: principal.as_ref(),
        csrf: session.as_ref().map(|s| s.csrf.as_str()),
        path: &path,
    };
    let status = error.status_code();
    let mut response = HttpResponse::build(status);
    if let AppError::TooManyRequests {
        retry_after_seconds,
    } = error
    {
        response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
    }
    if let AppError::MethodNotAllowed { allow, .. } = error {
        response.insert_header((header::ALLOW, allow.as_str()));
    }
    let title = title(lang, error);
    let content = error_content(lang, error, &path, principal.is_some());
    render(&mut response, &chrome, &title, content)
}

/// The translated title of an error (by its problem type).
pub fn title(lang: Lang, error: &AppError) -> String {
    t(lang, &format!("error-{}", slug(error)))
}

fn slug(error: &AppError) -> String {
    let problem = error.problem();
    problem
        .problem_type
        .rsplit(':')
        .next()
        .unwrap_or("internal")
        .to_string()
}

/// The translated detail of an error: a known kind gets the catalog's explanation, and the
/// problem's own detail (in English) is shown beneath it.
pub fn detail(lang: Lang, error: &AppError) -> (String, Option<String>) {
    let explanation = match error {
        AppError::TooManyRequests {
            retry_after_seconds,
        } => i18n::t_args(
            lang,
            "error-too-many-requests-detail",
            &[("seconds", &retry_after_seconds.to_string())],
        ),
        _ => t(lang, &format!("error-{}-detail", slug(error))),
    };
    let original = match error {
        AppError::Internal(_) | AppError::TooManyRequests { .. } => None,
        other => Some(other.problem().detail),
    };
    (explanation, original)
}

fn error_content(lang: Lang, error: &AppError, path: &str, signed_in: bool) -> Markup {
    let (explanation, original) = detail(lang, error);
    let status = error.status_code().as_u16();
    let next = form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
    html! {
        section class="error-page" aria-labelledby="error-title" {
            p class="error-status" { (status) }
            h1 id="error-title" { (title(lang, error)) }
            p class="lead" { (explanation) }
            @if let Some(original) = original {
                p class="problem-detail" lang="en" { (original) }
            }
            @if let AppError::Validation(v) = error {
                ul class="field-errors" {
                    @for e in &v.0 { li { code { (e.field) } " — " (e.message) } }
                }
            }
            p class="actions" {
                @if matches!(error, AppError::Unauthorized(_)) && !signed_in {
                    a class="button" href=(format!("/sign-in?next={next}")) { (t(lang, "nav-sign-in")) }
                    " "
                }
                a href="/" { (t(lang, "error-back-home")) }
            }
        }
    }
}

/// An `AppError` again, to render (the original stays in the response for the logs).
fn clone_error(e: &AppError) -> AppError {
    match e {
        AppError::BadRequest(m) => AppError::BadRequest(m.clone()),
        AppError::Validation(v) => AppError::Validation(v.clone()),
        AppError::Unauthorized(m) => AppError::Unauthorized(m.clone()),
        AppError::Forbidden(m) => AppError::Forbidden(m.clone()),
        AppError::NotFound(m) => AppError::NotFound(m.clone()),
        AppError::MethodNotAllowed { detail, allow } => AppError::MethodNotAllowed {
            detail: detail.clone(),
            allow: allow.clone(),
        },
        AppError::Conflict(m) => AppError::Conflict(m.clone()),
        AppError::PreconditionFailed(m) => AppError::PreconditionFailed(m.clone()),
        AppError::PreconditionRequired(m) => AppError::PreconditionRequired(m.clone()),
        AppError::PayloadTooLarge(m) => AppError::PayloadTooLarge(m.clone()),
        AppError::UnsupportedMediaType(m) => AppError::UnsupportedMediaType(m.clone()),
        AppError::Unavailable(m) => AppError::Unavailable(m.clone()),
        AppError::TooManyRequests {
            retry_after_seconds,
        } => AppError::TooManyRequests {
            retry_after_seconds: *retry_after_seconds,
        },
        AppError::Internal(_) => AppError::internal("see the log"),
    }
}

fn from_status(status: StatusCode, request: &HttpRequest) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound(format!("nothing at {}", request.path())),
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed {
            detail: format!(
                "{} is not supported on {}",
                request.method(),
                request.path()
            ),
            allow: "GET".into(),
        },
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge("the form is too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::UnsupportedMediaType("the form was sent in an unexpected format".into())
        }
        StatusCode::FORBIDDEN => AppError::Forbidden("refused".into()),
        s if s.is_server_error() => AppError::internal(format!("{s} outside a handler")),
        _ => AppError::BadRequest("the request is malformed".into()),
    }
}
