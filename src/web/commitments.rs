//! The enterprise workspace's credit commitments (信用承诺): the enterprise commits to keep a
//! rule for a period, and sees each commitment's status and a keeper's finding (kept or broken,
//! with the credit event it recorded). Making one is the enterprise's own; keepers read the page.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;

use super::enterprise::{
    ListQuery, PER_PAGE, Target, head, notice_ok, target, textarea, val, violations,
};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{format_date, format_date_time, t, t_args, t_value};
use super::layout::{page_with_status, pager, see_other};
use super::session::{Ctx, State};
use crate::domain::Violations;
use crate::domain::commitments::CommitmentInput;
use crate::error::{AppError, AppResult};
use crate::service::{PageRequest, commitments};
use maud::html;

/// `GET /workspace/commitments`.
pub async fn commitments_page(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    render(
        &ctx,
        &state,
        &target,
        query.page,
        query.done,
        &HashMap::new(),
        None,
    )
    .await
}

async fn render(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    page_no: Option<u32>,
    done: Option<i64>,
    typed: &HashMap<String, String>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let rows = commitments::of_enterprise(
        state,
        &ctx.caller,
        &target.code,
        PageRequest::new(page_no, Some(PER_PAGE))?,
    )
    .await?;
    let head = head(ctx, state, target, "/workspace/commitments").await?;
    let title = t(lang, "cm-title");
    let fields = ["text", "scope", "period_start", "period_end"];
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(id) = done {
            (notice_ok(t_args(lang, "cm-made", &[("id", &id.to_string())])))
        }
        p class="lead" { (t(lang, "cm-lead")) }
        section aria-labelledby="list-title" {
            h2 id="list-title" { (t(lang, "cm-list")) }
            @if rows.rows.is_empty() {
                p class="empty" { (t(lang, "cm-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "cm-scope")) }
                            th scope="col" { (t(lang, "cm-text")) }
                            th scope="col" { (t(lang, "cm-period")) }
                            th scope="col" { (t(lang, "ws-status")) }
                            th scope="col" { (t(lang, "cm-finding")) }
                        } }
                        tbody {
                            @for c in &rows.rows {
                                tr {
                                    td { (c.id) }
                                    td { (c.scope) }
                                    td { p class="prose" { (c.text) } }
                                    td { (format_date(lang, c.period_start)) " – " (format_date(lang, c.period_end)) }
                                    td { span class=(format!("badge cm-{}", c.status)) { (t_value(lang, "cm-status", &c.status)) } }
                                    td {
                                        @if let Some(at) = c.decided_at { p class="hint" { (format_date_time(lang, at)) } }
                                        @if let Some(x) = &c.explanation { p class="prose" { (x) } }
                                        @if let Some(id) = c.credit_event_id {
                                            p class="hint" { (t_args(lang, "cm-event", &[("id", &id.to_string())])) }
                                        }
                                        @if c.decided_at.is_none() { span class="hint" { (t(lang, "cm-awaiting")) } }
                                    }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/commitments", &target.query(), rows.request.page, rows.request.per_page, rows.total))
            }
        }
        @if target.is_self {
            section aria-labelledby="form-title" {
                h2 id="form-title" { (t(lang, "cm-make")) }
                (form_errors(lang, errors, &fields))
                form method="post" action="/workspace/commitments" class="stack" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="enterprise" value=(target.code);
                    (Field::new("scope", t(lang, "cm-scope")).value(val(typed, "scope")).required().hint(t(lang, "cm-scope-hint")).render(lang, errors))
                    (textarea(lang, "text", t(lang, "cm-text"), val(typed, "text"), true, errors))
                    (Field::new("period_start", t(lang, "cm-period-start")).kind("date").value(val(typed, "period_start")).required().render(lang, errors))
                    (Field::new("period_end", t(lang, "cm-period-end")).kind("date").value(val(typed, "period_end")).required().render(lang, errors))
                    button type="submit" class="button" { (t(lang, "cm-button")) }
                }
            }
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// A date field of the form into `v`'s errors when it is not one.
fn date(v: &mut Violations, form: &HashMap<String, String>, name: &str) -> Option<NaiveDate> {
    let raw = val(form, name).trim();
    if raw.is_empty() {
        v.add(name, "is required");
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            v.add(name, "must be a date, YYYY-MM-DD");
            None
        }
    }
}

/// `POST /workspace/commitments`.
pub async fn make(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let form = form.into_inner();
    let target = match target(&ctx, form.get("enterprise").map(|s| s.as_str()))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let mut v = Violations::new();
    let start = date(&mut v, &form, "period_start");
    let end = date(&mut v, &form, "period_end");
    let result = match (start, end) {
        (Some(period_start), Some(period_end)) if v.is_empty() => {
            let input = CommitmentInput {
                text: val(&form, "text").to_string(),
                scope: val(&form, "scope").to_string(),
                period_start,
                period_end,
            };
            commitments::create(&state, &ctx.caller, &target.code, input).await
        }
        _ => {
            // The access decision comes first, as the service would make it.
            ctx.viewer().require_enterprise_self(&target.code)?;
            // The other fields' errors are shown at the same time, judged by the same rules.
            let today = crate::service::commitments::today(&state);
            let rest = CommitmentInput {
                text: val(&form, "text").to_string(),
                scope: val(&form, "scope").to_string(),
                period_start: today,
                period_end: today,
            };
            if let Err(others) = rest.validate(today) {
                for e in others.0 {
                    if e.field == "text" || e.field == "scope" {
                        v.add(&e.field, e.message);
                    }
                }
            }
            Err(AppError::Validation(v))
        }
    };
    match result {
        Ok(row) => Ok(see_other(
            &ctx,
            &format!("/workspace/commitments?done={}", row.id),
        )),
        Err(e) => {
            let v = violations(e)?;
            render(&ctx, &state, &target, None, None, &form, Some(&v)).await
        }
    }
}
