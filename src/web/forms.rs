//! Form helpers: the CSRF field and its check, the `Origin` check on every console post, and
//! fields that show the validation errors (from the same problem details the API gives) beside
//! the input they name, keeping what was typed.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use maud::{Markup, html};

use super::i18n::{Lang, t};
use super::session::{Ctx, settings_of};
use crate::domain::{FieldError, Violations};
use crate::error::{AppError, AppResult};

/// The hidden field every post form carries.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

/// Refuses (403) a post whose CSRF token is not the one of its session (or, before signing in,
/// of its pre-session cookie). Checked before anything is read or written.
pub fn check_csrf(ctx: &Ctx, submitted: Option<&str>) -> AppResult<()> {
    let expected = ctx.csrf.as_bytes();
    let submitted = submitted.unwrap_or("").as_bytes();
    // A cookie minted by this very request was never sent back: no form of ours carried it.
    let fresh = ctx.session.is_none() && ctx.csrf_cookie_is_new();
    let same = expected.len() == submitted.len()
        && expected
            .iter()
            .zip(submitted)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if fresh || !same || submitted.is_empty() {
        return Err(AppError::Forbidden(
            "the form's security token is missing or out of date: reload the page and try again"
                .into(),
        ));
    }
    Ok(())
}

/// The origin this server is reached at: the configured public URL's, else the request's own
/// scheme and `Host`.
fn own_origin(req: &ServiceRequest) -> String {
    if let Some(configured) = settings_of(req.request()).public_url {
        return configured;
    }
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Middleware on the console: a request that may change something and names a foreign `Origin`
/// is refused with 403 before its handler runs.
pub async fn refuse_foreign_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && let Some(origin) = req.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
        if !origin.eq_ignore_ascii_case(&own_origin(&req)) {
            tracing::warn!(origin, path = req.path(), "cross-origin post refused");
            let refusal =
                AppError::Forbidden("this form was sent from another site; it is refused".into());
            let (request, _) = req.into_parts();
            let page = super::errors::error_response(&request, &refusal);
            return Ok(ServiceResponse::new(request, page).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The errors that name `field` (or a member of it, `platforms[1].url`).
pub fn errors_of<'a>(errors: Option<&'a Violations>, field: &str) -> Vec<&'a FieldError> {
    errors
        .map(|v| {
            v.0.iter()
                .filter(|e| {
                    e.field == field
                        || e.field.starts_with(&format!("{field}["))
                        || e.field.starts_with(&format!("{field}."))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A labelled input with its errors beside it (`aria-invalid`, `aria-describedby`).
pub struct Field<'a> {
    pub name: &'a str,
    pub label: String,
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
    pub hint: Option<String>,
    /// The id of a `<datalist>` of suggestions.
    pub list: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: String) -> Self {
        Field {
            name,
            label,
            kind: "text",
            value: "",
            required: false,
            autocomplete: None,
            hint: None,
            list: None,
        }
    }

    pub fn list(mut self, datalist_id: &'a str) -> Self {
        self.list = Some(datalist_id);
        self
    }

    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn autocomplete(mut self, value: &'a str) -> Self {
        self.autocomplete = Some(value);
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn render(&self, lang: Lang, errors: Option<&Violations>) -> Markup {
        let id = format!("field-{}", self.name);
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let mine = errors_of(errors, self.name);
        let mut described = vec![];
        if self.hint.is_some() {
            described.push(hint_id.clone());
        }
        if !mine.is_empty() {
            described.push(error_id.clone());
        }
        let described = (!described.is_empty()).then(|| described.join(" "));
        html! {
            div class=(if mine.is_empty() { "field" } else { "field has-error" }) {
                label for=(id) { (self.label) }
                @if let Some(hint) = &self.hint {
                    p class="hint" id=(hint_id) { (hint) }
                }
                input id=(id) name=(self.name) type=(self.kind) value=(self.value)
                    required[self.required] autocomplete=[self.autocomplete] list=[self.list]
                    aria-invalid=[(!mine.is_empty()).then_some("true")]
                    aria-describedby=[described];
                (field_errors(lang, &error_id, &mine))
            }
        }
    }
}

/// The errors of one field, for fields other than text inputs.
pub fn field_errors(lang: Lang, id: &str, errors: &[&FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div id=(id) role="alert" {
                ul class="field-errors" {
                    @for e in errors {
                        li { span class="visually-hidden" { (t(lang, "form-error-prefix")) " " } (e.message) }
                    }
                }
            }
        }
    }
}

/// The errors that name no field of the form, above it.
pub fn form_errors(lang: Lang, errors: Option<&Violations>, fields: &[&str]) -> Markup {
    let others: Vec<&FieldError> = errors
        .map(|v| {
            v.0.iter()
                .filter(|e| !fields.iter().any(|f| errors_of(errors, f).contains(e)))
                .collect()
        })
        .unwrap_or_default();
    html! {
        @if !others.is_empty() {
            div class="notice error" role="alert" {
                p { (t(lang, "form-has-errors")) }
                ul { @for e in &others { li { (e.field) ": " (e.message) } } }
            }
        }
    }
}
