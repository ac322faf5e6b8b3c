//! The keepers' rescoring runs (issue 16, "Rescoring runs"): start one, watch its progress live
//! (htmx polls the progress fragment every two seconds while a run is going; without script the
//! page has a refresh link), and see past runs. Regulators and admins; the service refuses the
//! rest.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{notice_ok, to_sign_in, val, violations};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{Lang, format_date, format_date_time, format_number, t, t_args, t_value};
use super::layout::{page_with_status, pager, see_other};
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::Violations;
use crate::error::AppResult;
use crate::service::runs::{self, RUNNING, RunRow};
use crate::service::{PageRequest, models};

#[derive(Debug, Deserialize)]
pub struct RunsQuery {
    pub page: Option<u32>,
    /// Set after a run was started from the page.
    pub started: Option<i64>,
}

/// `GET /workspace/runs`.
pub async fn page(ctx: Ctx, state: State, query: web::Query<RunsQuery>) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let today = state.clock.today().to_string();
    render(&ctx, &state, query.page, query.started, &today, None).await
}

async fn render(
    ctx: &Ctx,
    state: &State,
    page_no: Option<u32>,
    started: Option<i64>,
    as_of: &str,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let listed = runs::list(state, &ctx.caller, PageRequest::new(page_no, Some(20))).await?;
    // Newest first: on the first page the latest run is its first row.
    let latest = if listed.request.page == 1 {
        listed.rows.first().cloned()
    } else {
        latest_run(ctx, state).await?
    };
    let active = models::list(state, &ctx.caller)
        .await?
        .into_iter()
        .find(|e| e.row.active)
        .map(|e| e.row.version);
    let going = latest.as_ref().is_some_and(|r| r.status == RUNNING);
    let title = t(lang, "runs-title");
    let content = html! {
        (role_nav(ctx, "/workspace/runs"))
        h1 { (title) }
        @if let Some(id) = started {
            (notice_ok(t_args(lang, "runs-started", &[("id", &id.to_string())])))
        }
        p class="lead" {
            @match &active {
                Some(v) => { (t_args(lang, "runs-lead", &[("version", v)])) }
                None => { (t(lang, "runs-no-model")) }
            }
        }
        @if let Some(run) = &latest {
            (progress(lang, run))
        }
        @if !going && active.is_some() {
            section aria-labelledby="start-title" {
                h2 id="start-title" { (t(lang, "runs-start-title")) }
                (form_errors(lang, errors, &["as_of"]))
                form method="post" action="/workspace/runs" class="stack narrow" novalidate {
                    (csrf_field(ctx))
                    (Field::new("as_of", t(lang, "runs-as-of")).kind("date").value(as_of).required().hint(t(lang, "runs-as-of-hint")).render(lang, errors))
                    button type="submit" class="button" { (t(lang, "runs-start-button")) }
                }
            }
        }
        section aria-labelledby="past-title" {
            h2 id="past-title" { (t(lang, "runs-past")) }
            @if listed.rows.is_empty() {
                p class="empty" { (t(lang, "runs-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "ws-status")) }
                            th scope="col" { (t(lang, "runs-model")) }
                            th scope="col" { (t(lang, "runs-as-of")) }
                            th scope="col" { (t(lang, "runs-started-at")) }
                            th scope="col" { (t(lang, "runs-finished-at")) }
                            th scope="col" class="num" { (t(lang, "runs-scored")) }
                        } }
                        tbody {
                            @for r in &listed.rows {
                                tr {
                                    td { (r.id) }
                                    td {
                                        (status_badge(lang, &r.status))
                                        @if let Some(e) = &r.error { br; span class="hint" { (e) } }
                                    }
                                    td { code class="small" { (r.model_version) } }
                                    td { (format_date(lang, r.as_of)) }
                                    td { (format_date_time(lang, r.started_at)) br; span class="hint" { (r.started_by) } }
                                    td { @if let Some(at) = r.finished_at { (format_date_time(lang, at)) } @else { "—" } }
                                    td class="num" { (counted(lang, r)) }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/runs", &[], listed.request.page, listed.request.per_page, listed.total))
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

fn status_badge(lang: Lang, status: &str) -> Markup {
    html! { span class=(format!("badge run-{status}")) { (t_value(lang, "runs-status", status)) } }
}

/// "1,234 of 5,000".
fn counted(lang: Lang, r: &RunRow) -> String {
    let scored = format_number(lang, r.scored.unwrap_or(0));
    match r.total {
        Some(total) => t_args(
            lang,
            "runs-of",
            &[("scored", &scored), ("total", &format_number(lang, total))],
        ),
        None => scored,
    }
}

/// The latest run: a progress bar while it goes, polled every two seconds; its outcome after.
fn progress(lang: Lang, run: &RunRow) -> Markup {
    let going = run.status == RUNNING;
    let total = run.total.unwrap_or(0).max(0);
    let scored = run.scored.unwrap_or(0).clamp(0, total.max(1));
    html! {
        // While going, htmx replaces this block with a fresh one every two seconds; the fresh
        // one stops polling once the run has ended.
        section id="run-progress" class="run-progress" aria-labelledby="progress-title" aria-live="polite"
            hx-get=[going.then_some("/workspace/runs/progress")]
            hx-trigger=[going.then_some("every 2s")]
            hx-swap=[going.then_some("outerHTML")] {
            h2 id="progress-title" { (t_args(lang, "runs-latest", &[("id", &run.id.to_string())])) }
            p { (status_badge(lang, &run.status)) " " (counted(lang, run)) }
            @if total > 0 {
                progress value=(scored) max=(total) aria-label=(t(lang, "runs-progress")) { (counted(lang, run)) }
            }
            @if going {
                p class="hint" { (t(lang, "runs-live")) " " a href="/workspace/runs" { (t(lang, "runs-refresh")) } }
            }
        }
    }
}

async fn latest_run(ctx: &Ctx, state: &State) -> AppResult<Option<RunRow>> {
    Ok(
        runs::list(state, &ctx.caller, PageRequest::new(Some(1), Some(1)))
            .await?
            .rows
            .into_iter()
            .next(),
    )
}

/// `GET /workspace/runs/progress`: the progress block alone (what htmx polls).
pub async fn progress_fragment(ctx: Ctx, state: State) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let body = match latest_run(&ctx, &state).await? {
        Some(run) => progress(ctx.lang, &run),
        None => html! { section id="run-progress" {} },
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body.into_string()))
}

/// `POST /workspace/runs`.
pub async fn start(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let typed = val(&form, "as_of").trim().to_string();
    let as_of = if typed.is_empty() {
        Ok(None)
    } else {
        NaiveDate::parse_from_str(&typed, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| crate::error::AppError::validation("as_of", "must be a date"))
    };
    match runs::start(&state, &ctx.caller, as_of).await {
        Ok(run) => Ok(see_other(
            &ctx,
            &format!("/workspace/runs?started={}", run.id),
        )),
        Err(e) => {
            let v = violations(e)?;
            render(&ctx, &state, None, None, &typed, Some(&v)).await
        }
    }
}
