//! "Verify a report": paste or upload a saved report and learn whether it is genuine and
//! unaltered, why not, and the key it names; and the published keys.

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes as Upload;
use actix_multipart::form::text::Text;
use actix_web::HttpResponse;
use maud::{Markup, html};

use super::forms::{self, csrf_field};
use super::i18n::{Lang, format_date, t, t_args};
use super::layout::page;
use super::session::{Ctx, State};
use crate::error::{AppError, AppResult};
use crate::report::signing::Verification;
use crate::service::reports;

#[derive(MultipartForm)]
pub struct VerifyUpload {
    pub csrf: Option<Text<String>>,
    /// The report pasted as text.
    pub report: Option<Text<String>>,
    /// Or a saved file.
    #[multipart(limit = "4MB")]
    pub file: Option<Upload>,
}

fn verify_form(ctx: &Ctx, pasted: &str, error: Option<&str>) -> Markup {
    let lang = ctx.lang;
    html! {
        form method="post" action="/verify" enctype="multipart/form-data" class="stack" {
            (csrf_field(ctx))
            div class=(if error.is_some() { "field has-error" } else { "field" }) {
                label for="field-report" { (t(lang, "verify-paste")) }
                p class="hint" id="field-report-hint" { (t(lang, "verify-paste-hint")) }
                textarea id="field-report" name="report" rows="10" spellcheck="false"
                    aria-describedby=(if error.is_some() { "field-report-hint field-report-error" } else { "field-report-hint" })
                    aria-invalid=[error.map(|_| "true")] { (pasted) }
                @if let Some(error) = error {
                    ul class="field-errors" id="field-report-error" role="alert" { li { (error) } }
                }
            }
            div class="field" {
                label for="field-file" { (t(lang, "verify-upload")) }
                input id="field-file" type="file" name="file" accept=".json,application/json";
            }
            button type="submit" class="button" { (t(lang, "verify-button")) }
        }
    }
}

fn keys_table(lang: Lang, state: &State) -> Markup {
    let keys = reports::public_keys(state);
    html! {
        div class="table-wrap" {
            table class="keys" {
                thead { tr {
                    th scope="col" { (t(lang, "keys-id")) }
                    th scope="col" { (t(lang, "keys-algorithm")) }
                    th scope="col" { (t(lang, "keys-public")) }
                    th scope="col" { (t(lang, "keys-created")) }
                    th scope="col" { (t(lang, "keys-state")) }
                } }
                tbody {
                    @for k in &keys.keys {
                        tr {
                            td { code { (k.key_id) } }
                            td { (k.algorithm) }
                            td { code class="wrap" { (k.public_key) } }
                            td { (format_date(lang, k.created_at.date_naive())) }
                            td { @if k.active { (t(lang, "keys-active")) } @else { (t(lang, "keys-retired")) } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /verify`.
pub async fn form(ctx: Ctx, state: State) -> HttpResponse {
    let lang = ctx.lang;
    let content = html! {
        h1 { (t(lang, "verify-title")) }
        p class="lead" { (t(lang, "verify-lead")) }
        (verify_form(&ctx, "", None))
        section aria-labelledby="keys-title" {
            h2 id="keys-title" { (t(lang, "keys-title")) }
            (keys_table(lang, &state))
        }
    };
    page(&ctx, &t(lang, "verify-title"), content)
}

/// `POST /verify`.
pub async fn check(
    ctx: Ctx,
    state: State,
    upload: MultipartForm<VerifyUpload>,
) -> AppResult<HttpResponse> {
    let upload = upload.into_inner();
    forms::check_csrf(&ctx, upload.csrf.as_ref().map(|c| c.0.as_str()))?;
    let lang = ctx.lang;
    let pasted = upload.report.map(|r| r.0).unwrap_or_default();
    let file = upload.file.map(|f| f.data).filter(|d| !d.is_empty());
    let bytes: Vec<u8> = match &file {
        Some(data) => data.to_vec(),
        None => pasted.trim().as_bytes().to_vec(),
    };
    if bytes.is_empty() {
        let content = html! {
            h1 { (t(lang, "verify-title")) }
            (verify_form(&ctx, &pasted, Some(&t(lang, "verify-empty"))))
        };
        let mut response = page(&ctx, &t(lang, "verify-title"), content);
        *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    if bytes.len() > 4 * 1024 * 1024 {
        return Err(AppError::PayloadTooLarge(
            "the report is larger than 4 MB".into(),
        ));
    }
    let verdict = reports::verify_report(&state, &bytes);
    let content = html! {
        h1 { (t(lang, "verify-title")) }
        (verdict_box(lang, &verdict))
        h2 { (t(lang, "verify-again")) }
        (verify_form(&ctx, if file.is_some() { "" } else { &pasted }, None))
    };
    Ok(page(&ctx, &t(lang, "verify-title"), content))
}

fn verdict_box(lang: Lang, v: &Verification) -> Markup {
    let failure = v
        .problem
        .as_deref()
        .map(|p| p.split(':').next().unwrap_or("").trim().replace(' ', "-"));
    html! {
        div class=(if v.valid { "verdict valid" } else { "verdict invalid" }) role="status" aria-live="polite" {
            @if v.valid {
                p class="verdict-title" { "✓ " (t(lang, "verify-valid")) }
                p { (t(lang, "verify-valid-note")) }
            } @else {
                p class="verdict-title" { "✗ " (t(lang, "verify-invalid")) }
                @if let Some(failure) = &failure {
                    p { (t(lang, &format!("verify-failure-{failure}"))) }
                }
                @if let Some(problem) = &v.problem { p class="problem-detail" lang="en" { (problem) } }
            }
            dl class="facts" {
                dt { (t(lang, "verify-report-no")) } dd { (v.report_no.as_deref().unwrap_or("—")) }
                dt { (t(lang, "verify-key")) } dd { code { (v.key_id.as_deref().unwrap_or("—")) } }
            }
        }
    }
}

/// `GET /keys`.
pub async fn keys(ctx: Ctx, state: State) -> HttpResponse {
    let lang = ctx.lang;
    let count = reports::public_keys(&state).keys.len().to_string();
    let content = html! {
        h1 { (t(lang, "keys-title")) }
        p class="lead" { (t_args(lang, "keys-lead", &[("count", &count)])) }
        (keys_table(lang, &state))
        p { a href="/api/v1/reports/public-key" { (t(lang, "keys-json")) } }
    };
    page(&ctx, &t(lang, "keys-title"), content)
}
