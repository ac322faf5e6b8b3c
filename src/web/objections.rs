//! The enterprise workspace's objections (异议): the enterprise disputes one of its active credit
//! events or operating records, sees the answer's deadline count down, and reads the outcome with
//! what it changed. Filing is the enterprise's own; keepers read the page (`?enterprise=`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::enterprise::{
    ListQuery, PER_PAGE, Target, head, notice_ok, rename, select, show_change, target, textarea,
    val, violations,
};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{Lang, format_date, format_date_time, t, t_args, t_value, t_value_or_raw};
use super::layout::{page_with_status, pager, see_other};
use super::session::{Ctx, State};
use crate::domain::Violations;
use crate::domain::objections::{Attachment, ObjectionInput, ObjectionStatus, is_overdue};
use crate::domain::patch;
use crate::domain::records::{CreditEventStatus, ReviewStatus};
use crate::error::AppResult;
use crate::service::{self, PageRequest, objections, workspace};

/// `GET /workspace/objections`.
pub async fn objections_page(
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

/// The deadline with the days left, or how late it is, or when it was answered.
fn countdown(lang: Lang, status: ObjectionStatus, deadline: NaiveDate, today: NaiveDate) -> Markup {
    let days = (deadline - today).num_days();
    let date = format_date(lang, deadline);
    html! {
        (date)
        @if status == ObjectionStatus::Open {
            br;
            @if is_overdue(status, deadline, today) {
                span class="badge countdown overdue" {
                    (t_args(lang, "obj-overdue-by", &[("days", &(-days).to_string())]))
                }
            } @else if days == 0 {
                span class="badge countdown due" { (t(lang, "obj-due-today")) }
            } @else {
                span class=(if days <= 5 { "badge countdown due" } else { "badge countdown" }) {
                    (t_args(lang, "obj-days-left", &[("days", &days.to_string())]))
                }
            }
        }
    }
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
    let rows = objections::of_enterprise(
        state,
        &ctx.caller,
        &target.code,
        PageRequest::new(page_no, Some(PER_PAGE))?,
    )
    .await?;
    let head = head(ctx, state, target, "/workspace/objections").await?;
    let today = objections::today(state);
    let all = || PageRequest::new(Some(1), Some(service::MAX_PAGE_SIZE));
    let events = workspace::credit_events(state, &ctx.caller, &target.code, all()?).await?;
    let periods = workspace::operating_records(state, &ctx.caller, &target.code, all()?).await?;
    // What may be disputed: active credit events and operating records not disputed already.
    let mut targets = vec![(String::new(), t(lang, "obj-choose"))];
    targets.extend(
        events
            .rows
            .iter()
            .filter(|e| e.record.status == CreditEventStatus::Active)
            .map(|e| {
                (
                    format!("event:{}", e.id),
                    t_args(
                        lang,
                        "obj-target-event",
                        &[
                            ("id", &e.id.to_string()),
                            ("title", &e.record.title),
                            ("date", &format_date(lang, e.record.decided_on)),
                        ],
                    ),
                )
            }),
    );
    targets.extend(
        periods
            .rows
            .iter()
            .filter(|r| r.record.review_status != ReviewStatus::Disputed)
            .map(|r| {
                (
                    format!("operating:{}", r.id),
                    t_args(
                        lang,
                        "obj-target-operating",
                        &[
                            ("id", &r.id.to_string()),
                            ("period", &r.record.period_label),
                        ],
                    ),
                )
            }),
    );
    let title = t(lang, "obj-title");
    let fields = ["target", "reason", "attachment_title", "attachment_url"];
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(id) = done {
            (notice_ok(t_args(lang, "obj-filed", &[("id", &id.to_string())])))
        }
        p class="lead" { (t(lang, "obj-lead")) }
        section aria-labelledby="list-title" {
            h2 id="list-title" { (t(lang, "obj-list")) }
            @if rows.rows.is_empty() {
                p class="empty" { (t(lang, "obj-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "obj-record")) }
                            th scope="col" { (t(lang, "obj-filed-at")) }
                            th scope="col" { (t(lang, "obj-deadline")) }
                            th scope="col" { (t(lang, "ws-status")) }
                            th scope="col" { (t(lang, "obj-reason")) }
                            th scope="col" { (t(lang, "obj-outcome")) }
                        } }
                        tbody {
                            @for o in &rows.rows {
                                @let status = o.objection_status();
                                tr {
                                    td { (o.id) }
                                    td {
                                        @if let Some(id) = o.credit_event_id {
                                            (t_args(lang, "obj-of-event", &[("id", &id.to_string())]))
                                            @if let Some(e) = events.rows.iter().find(|e| e.id == id) { br; span class="hint" { (e.record.title) } }
                                        }
                                        @if let Some(id) = o.operating_record_id {
                                            (t_args(lang, "obj-of-operating", &[("id", &id.to_string())]))
                                            @if let Some(r) = periods.rows.iter().find(|r| r.id == id) { br; span class="hint" { (r.record.period_label) } }
                                        }
                                    }
                                    td { (format_date_time(lang, o.filed_at)) }
                                    td { (countdown(lang, status, o.deadline, today)) }
                                    td { span class=(format!("badge obj-{}", status.as_str())) { (t_value(lang, "obj-status", status.as_str())) } }
                                    td {
                                        p class="prose" { (o.reason) }
                                        @for a in o.attachments() { p class="hint" { a href=(a.url) rel="noopener noreferrer" { (a.title) } } }
                                    }
                                    td { (outcome(lang, o)) }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/objections", &target.query(), rows.request.page, rows.request.per_page, rows.total))
            }
        }
        @if target.is_self {
            section aria-labelledby="form-title" {
                h2 id="form-title" { (t(lang, "obj-file")) }
                @if targets.len() == 1 {
                    p class="empty" { (t(lang, "obj-nothing")) }
                } @else {
                    (form_errors(lang, errors, &fields))
                    form method="post" action="/workspace/objections" class="stack" novalidate {
                        (csrf_field(ctx))
                        input type="hidden" name="enterprise" value=(target.code);
                        (select(lang, "target", t(lang, "obj-record"), &targets, val(typed, "target"), errors))
                        (textarea(lang, "reason", t(lang, "obj-reason"), val(typed, "reason"), true, errors))
                        (Field::new("attachment_title", t(lang, "obj-attachment-title")).value(val(typed, "attachment_title")).render(lang, errors))
                        (Field::new("attachment_url", t(lang, "obj-attachment-url")).kind("url").value(val(typed, "attachment_url")).hint(t(lang, "obj-attachment-hint")).render(lang, errors))
                        button type="submit" class="button" { (t(lang, "obj-button")) }
                    }
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

/// The answer: its outcome, explanation, whether it was late, and what it changed.
fn outcome(lang: Lang, o: &objections::ObjectionRow) -> Markup {
    let snapshot = |json: &Option<String>| {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
    };
    let changes = match (snapshot(&o.record_before), snapshot(&o.record_after)) {
        (Some(before), Some(after)) => patch::diff(&before, &after),
        _ => vec![],
    };
    html! {
        @match o.outcome() {
            None => { span class="hint" { (t(lang, "obj-awaiting")) } }
            Some(outcome) => {
                strong { (t_value(lang, "obj-outcome", outcome.as_str())) }
                @if let Some(at) = o.answered_at { p class="hint" { (format_date_time(lang, at)) } }
                @if o.answered_late == Some(true) { p class="hint" { (t(lang, "obj-answered-late")) } }
                @if let Some(x) = &o.explanation { p class="prose" { (x) } }
                @if !changes.is_empty() {
                    ul class="changes" {
                        @for c in &changes {
                            li {
                                code { (t_value_or_raw(lang, "field", &c.field)) } ": "
                                (show_change(&c.field, &c.before)) " → " (show_change(&c.field, &c.after))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /workspace/objections`.
pub async fn file(
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
    let chosen = val(&form, "target");
    let id = |prefix: &str| {
        chosen
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<i64>().ok())
    };
    let title = val(&form, "attachment_title").trim();
    let url = val(&form, "attachment_url").trim();
    let attachments = if title.is_empty() && url.is_empty() {
        vec![]
    } else {
        vec![Attachment {
            title: title.to_string(),
            url: url.to_string(),
        }]
    };
    let input = ObjectionInput {
        credit_event_id: id("event:"),
        operating_record_id: id("operating:"),
        reason: val(&form, "reason").to_string(),
        attachments,
    };
    let renamed = [
        ("credit_event_id", "target"),
        ("operating_record_id", "target"),
        ("attachments[0].title", "attachment_title"),
        ("attachments[0].url", "attachment_url"),
    ];
    match objections::file_objection(&state, &ctx.caller, &target.code, input).await {
        Ok(row) => Ok(see_other(
            &ctx,
            &format!("/workspace/objections?done={}", row.id),
        )),
        Err(e) => {
            let v = rename(violations(e)?, "", &renamed);
            render(&ctx, &state, &target, None, None, &form, Some(&v)).await
        }
    }
}
