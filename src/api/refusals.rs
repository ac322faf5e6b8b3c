//! Refusals in the one problem-details format wherever they come from. Most are `AppError`s
//! already; a few are made outside the handlers (a body over the limit refused by actix's
//! payload extractor, which has no error hook; a file the Swagger UI does not have) and are
//! rewritten here. A 405 names the methods the path supports in `Allow` (RFC 9110), read off
//! the OpenAPI document, so the header and the spec cannot disagree.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, ResponseError};

use super::json::MAX_BODY_BYTES;
use crate::error::AppError;

/// The methods of every documented path, keyed by its template with parameter names erased
/// (`/api/v1/enterprises/{}`), as an `Allow` value.
fn allowed_methods() -> &'static HashMap<String, String> {
    static ALLOWED: OnceLock<HashMap<String, String>> = OnceLock::new();
    ALLOWED.get_or_init(|| {
        let doc: serde_json::Value = serde_json::from_str(&super::docs::openapi_json())
            .expect("the OpenAPI document is JSON");
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        paths
            .into_iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = item
                    .as_object()
                    .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default();
                methods.sort();
                (erase_parameters(&path), methods.join(", "))
            })
            .collect()
    })
}

/// `/a/{code}/b/{id}` → `/a/{}/b/{}`: actix and the document may name parameters differently.
fn erase_parameters(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_parameter = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => out.push(c),
        }
    }
    out
}

/// The refusal of a method the matched resource does not support.
pub fn method_not_allowed(req: &HttpRequest) -> AppError {
    let allow = req
        .match_pattern()
        .and_then(|pattern| allowed_methods().get(&erase_parameters(&pattern)).cloned())
        // Only the documentation pages are not in the document, and they are read-only.
        .unwrap_or_else(|| "GET".to_string());
    AppError::MethodNotAllowed {
        detail: format!("{} is not supported on {}", req.method(), req.path()),
        allow,
    }
}

/// Middleware: an error response that is not problem details becomes one.
pub async fn as_problem_details(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response.map_into_boxed_body());
    }
    let request = response.request().clone();
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound(format!("nothing at {}", request.path())),
        StatusCode::METHOD_NOT_ALLOWED => method_not_allowed(&request),
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge(format!("the body is larger than {MAX_BODY_BYTES} bytes"))
        }
        StatusCode::BAD_REQUEST => AppError::BadRequest("the request is malformed".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::UnsupportedMediaType("send the body as application/json".into())
        }
        _ if status.is_server_error() => AppError::internal(format!("{status} outside a handler")),
        _ => return Ok(response.map_into_boxed_body()),
    };
    Ok(response.into_response(error.error_response()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_are_erased() {
        assert_eq!(
            erase_parameters("/api/v1/enterprises/{code}/credit-events/{id}"),
            "/api/v1/enterprises/{}/credit-events/{}"
        );
        assert_eq!(erase_parameters("/health"), "/health");
    }

    #[test]
    fn every_documented_path_has_its_methods() {
        let allowed = allowed_methods();
        assert_eq!(allowed["/api/v1/enterprises/{}"], "GET, PATCH");
        assert_eq!(allowed["/health"], "GET");
        assert_eq!(allowed["/api/v1/watch/{}"], "DELETE");
    }
}
