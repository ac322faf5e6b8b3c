//! The JSON body extractor. Unlike `web::Json` it names the offending field of a body that does
//! not fit its type (`platforms[0].shop_url: invalid type…`), so every rejection says what to fix.

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::domain::Violations;
use crate::error::{AppError, AppResult};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

///
/// Extraction never fails by itself: the outcome is held until the handler asks for it with
/// `into_inner`, after it has checked who is calling. So the public gets 401 and a wrong role 403
/// whatever the body, and nobody learns the body rules of an operation they may not use.
pub struct ApiJson<T>(AppResult<T>);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> AppResult<T> {
        self.0
    }
}

/// Is the body declared as JSON (`application/json` or `application/…+json`)?
pub(crate) fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // Every body of this API is an object; serde would also read a struct from an array of its
    // fields in order, which the schema does not allow.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(AppError::validation("body", "must be a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            AppError::BadRequest(format!("body is not valid JSON: {inner}"))
        } else {
            let path = e.path().to_string();
            let message = strip_position(&inner.to_string());
            // serde reports a missing field against the object that lacks it.
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next());
            let field = match (path.as_str(), missing) {
                (".", Some(name)) => name.to_string(),
                (_, Some(name)) => format!("{path}.{name}"),
                (".", None) => "body".to_string(),
                _ => path,
            };
            AppError::Validation(Violations::single(&field, message))
        }
    })?;
    de.end()
        .map_err(|e| AppError::BadRequest(format!("body is not valid JSON: {e}")))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 40"; the field name says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move { Ok(ApiJson(read(json, body).await)) })
    }
}

async fn read<T: DeserializeOwned>(
    json: bool,
    body: impl std::future::Future<Output = Result<web::Bytes, actix_web::Error>>,
) -> AppResult<T> {
    if !json {
        return Err(AppError::UnsupportedMediaType(
            "send the body as Content-Type: application/json".into(),
        ));
    }
    let bytes = body.await.map_err(|e| {
        if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge(format!(
                "request bodies are limited to {MAX_BODY_BYTES} bytes"
            ))
        } else {
            AppError::BadRequest(format!("cannot read the body: {e}"))
        }
    })?;
    parse(&bytes)
}

/// The query-string extractor, deferred like `ApiJson` and naming the offending parameter
/// (`page: invalid digit found in string`).
pub struct ApiQuery<T>(AppResult<T>);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> AppResult<T> {
        self.0
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> AppResult<T> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "query".to_string()
        } else {
            path
        };
        AppError::Validation(Violations::single(&field, e.inner().to_string()))
    })
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(Ok(ApiQuery(parse_query(req.query_string()))))
    }
}
