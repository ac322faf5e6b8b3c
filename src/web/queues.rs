//! The regulators' queues (issue 16, "Queues"): the rules' list proposals to confirm with their
//! legal basis or reject, objections to answer, held submissions to approve or reject (with the
//! difference from the current data), repair applications and commitments to decide. Each queue
//! is a list with a page per item, where the decision is made; a refused decision comes back
//! with the errors beside its fields (422), one made meanwhile by someone else says so (409).
//! Regulators and admins; the service layer refuses everyone else.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{notice_ok, select, show_change, textarea, to_sign_in, val, violations};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{
    Lang, format_date, format_date_time, format_number, t, t_args, t_value, t_value_or_raw,
};
use super::layout::{page_with_status, pager, see_other};
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::Violations;
use crate::domain::commitments::{CommitmentDecisionInput, CommitmentOutcome, CommitmentStatus};
use crate::domain::lists::{ConfirmInput, RejectInput};
use crate::domain::objections::{AnswerInput, ObjectionStatus, Outcome};
use crate::domain::patch;
use crate::domain::records::Severity;
use crate::domain::repairs::{RepairDecisionInput, RepairOutcome, RepairStatus};
use crate::domain::submission::{ReviewInput, ReviewOutcome, SubmissionStatus};
use crate::error::{AppError, AppResult};
use crate::service::{
    self, PageRequest, commitments, dashboard::DUE_SOON_DAYS, lists, objections, repairs,
    submissions,
};

const PER_PAGE: u32 = 20;

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    pub page: Option<u32>,
    /// What the last decision decided, for its notice.
    pub done: Option<i64>,
    /// Objections only: `soon` (due within five days) or `overdue`.
    pub due: Option<String>,
}

/// Why a decision form comes back: its input was refused (422), or someone decided first (409).
enum Refusal {
    Invalid(Violations),
    Taken(String),
}

impl Refusal {
    /// The refusal a decision's error stands for, or the error itself (a 403, a 404…).
    fn of(error: AppError) -> AppResult<Refusal> {
        match error {
            AppError::Conflict(message) => Ok(Refusal::Taken(message)),
            other => violations(other).map(Refusal::Invalid),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Taken(_) => StatusCode::CONFLICT,
        }
    }

    fn errors(&self) -> Option<&Violations> {
        match self {
            Refusal::Invalid(v) => Some(v),
            Refusal::Taken(_) => None,
        }
    }
}

/// What a refused decision brings back to its page: the form it came from and what was typed.
struct Sent<'a> {
    form: &'a str,
    typed: &'a HashMap<String, String>,
    refusal: &'a Refusal,
}

impl<'a> Sent<'a> {
    /// The typed value of `name` when `form` was the one sent.
    fn value(sent: Option<&'a Sent<'a>>, form: &str, name: &str) -> &'a str {
        sent.filter(|s| s.form == form)
            .map_or("", |s| val(s.typed, name))
    }

    fn errors(sent: Option<&'a Sent<'a>>, form: &str) -> Option<&'a Violations> {
        sent.filter(|s| s.form == form)
            .and_then(|s| s.refusal.errors())
    }
}

fn queue_nav(ctx: &Ctx, current: &str) -> Markup {
    let lang = ctx.lang;
    let queues = [
        ("/workspace/queues/proposals", "reg-q-proposals"),
        ("/workspace/queues/objections", "reg-q-objections"),
        ("/workspace/queues/submissions", "reg-q-submissions"),
        ("/workspace/queues/repairs", "reg-q-repairs"),
        ("/workspace/queues/commitments", "reg-q-commitments"),
    ];
    html! {
        (role_nav(ctx, "/workspace/queues/proposals"))
        nav class="ws-nav sub-nav" aria-label=(t(lang, "q-nav-label")) {
            ul {
                @for (href, key) in queues {
                    li { a href=(href) aria-current=[(current == href).then_some("page")] { (t(lang, key)) } }
                }
            }
        }
    }
}

fn enterprise_link(code: &str) -> Markup {
    html! { a href=(format!("/workspace?enterprise={code}")) { code { (code) } } }
}

fn taken_notice(lang: Lang, refusal: Option<&Refusal>) -> Markup {
    html! {
        @if let Some(Refusal::Taken(message)) = refusal {
            div class="notice warning" role="alert" {
                p { strong { (t(lang, "q-taken")) } }
                p class="hint" { (message) }
            }
        }
    }
}

fn opt(typed: &str) -> Option<String> {
    let typed = typed.trim();
    (!typed.is_empty()).then(|| typed.to_string())
}

/// A date typed into a form: blank is none, anything else must be a date.
fn date(v: &mut Violations, form: &HashMap<String, String>, name: &str) -> Option<NaiveDate> {
    let typed = val(form, name).trim();
    if typed.is_empty() {
        return None;
    }
    match typed.parse() {
        Ok(d) => Some(d),
        Err(_) => {
            v.add(name, "must be a date (YYYY-MM-DD)");
            None
        }
    }
}

fn page_of(ctx: &Ctx, refusal: Option<&Refusal>, title: &str, content: Markup) -> HttpResponse {
    page_with_status(
        ctx,
        refusal.map_or(StatusCode::OK, Refusal::status),
        title,
        content,
    )
}

// ---- List proposals --------------------------------------------------------------------------

/// `GET /workspace/queues/proposals`.
pub async fn proposals(
    ctx: Ctx,
    state: State,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let found = lists::proposals(
        &state,
        &ctx.caller,
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await?;
    let title = t(lang, "reg-q-proposals");
    let content = html! {
        (queue_nav(&ctx, "/workspace/queues/proposals"))
        h1 { (title) }
        @if let Some(id) = query.done { (notice_ok(t_args(lang, "q-decided", &[("id", &id.to_string())]))) }
        p class="hint" { (t(lang, "q-proposals-about")) }
        @if found.rows.is_empty() {
            p class="empty" { (t(lang, "q-empty")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(title) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "ws-id")) }
                        th scope="col" { (t(lang, "q-enterprise")) }
                        th scope="col" { (t(lang, "q-list")) }
                        th scope="col" { (t(lang, "q-reason")) }
                        th scope="col" { (t(lang, "q-proposed-at")) }
                        th scope="col" { span class="visually-hidden" { (t(lang, "q-decide")) } }
                    } }
                    tbody {
                        @for p in &found.rows {
                            tr {
                                td { (p.entry.id) }
                                td { (p.enterprise_name) br; (enterprise_link(&p.entry.enterprise_code)) }
                                td { span class=(format!("badge list-{}", p.entry.list)) { (t_value(lang, "list", &p.entry.list)) } }
                                td {
                                    // The rule in the page's language; its stored reason gives the particulars.
                                    @if let Some(rule) = &p.entry.proposed_rule { (t_value(lang, "q-rule", rule)) p class="hint" { (p.entry.reason) } }
                                    @else { (p.entry.reason) }
                                }
                                td { (format_date_time(lang, p.entry.proposed_at)) }
                                td { a class="button small" href=(format!("/workspace/queues/proposals/{}", p.entry.id)) { (t(lang, "q-decide")) } }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/queues/proposals", &[], found.request.page, found.request.per_page, found.total))
        }
    };
    Ok(page_of(&ctx, None, &title, content))
}

/// `GET /workspace/queues/proposals/{id}`.
pub async fn proposal(ctx: Ctx, state: State, id: web::Path<i64>) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    render_proposal(&ctx, &state, id.into_inner(), None).await
}

async fn render_proposal(
    ctx: &Ctx,
    state: &State,
    id: i64,
    sent: Option<&Sent<'_>>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    // Keepers only: the entry read alone would show a confirmed entry to anyone.
    service::require_keeper(&ctx.caller)?;
    let named = lists::entry(state, &ctx.caller, id).await?;
    let e = &named.entry;
    let pending = e.entry_status() == crate::domain::lists::ListEntryStatus::Proposed;
    let title = t_args(lang, "q-proposal-title", &[("id", &id.to_string())]);
    let today = state.clock.today().to_string();
    let v = |name: &str| Sent::value(sent, "confirm", name);
    let confirm_errors = Sent::errors(sent, "confirm");
    let reject_errors = Sent::errors(sent, "reject");
    let content = html! {
        (queue_nav(ctx, "/workspace/queues/proposals"))
        h1 { (title) }
        (taken_notice(lang, sent.map(|s| s.refusal)))
        dl class="facts" {
            dt { (t(lang, "q-enterprise")) } dd { (named.enterprise_name) " " (enterprise_link(&e.enterprise_code)) }
            dt { (t(lang, "q-list")) } dd { span class=(format!("badge list-{}", e.list)) { (t_value(lang, "list", &e.list)) } }
            dt { (t(lang, "q-reason")) } dd { (e.reason) }
            @if let Some(rule) = &e.proposed_rule { dt { (t(lang, "q-rule")) } dd { (t_value(lang, "q-rule", rule)) " " code class="small" { (rule) } } }
            dt { (t(lang, "q-proposed-at")) } dd { (format_date_time(lang, e.proposed_at)) " · " (e.proposed_by) }
            dt { (t(lang, "ws-status")) } dd { (t_value(lang, "entry-state", e.state(state.clock.today()).as_str())) }
        }
        @if pending {
            section aria-labelledby="confirm-title" {
                h2 id="confirm-title" { (t(lang, "q-confirm-title")) }
                p class="hint" { (t(lang, "q-confirm-note")) }
                (form_errors(lang, confirm_errors, &["legal_basis", "authority", "document_number", "starts_on", "expires_on", "reason"]))
                form method="post" action=(format!("/workspace/queues/proposals/{id}")) class="form-grid" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="action" value="confirm";
                    (textarea(lang, "legal_basis", t(lang, "q-legal-basis"), v("legal_basis"), true, confirm_errors))
                    (Field::new("authority", t(lang, "q-authority")).value(v("authority")).required().render(lang, confirm_errors))
                    (Field::new("document_number", t(lang, "q-document-number")).value(v("document_number")).render(lang, confirm_errors))
                    (Field::new("starts_on", t(lang, "q-starts-on")).kind("date").value(if sent.is_some() { v("starts_on") } else { &today }).render(lang, confirm_errors))
                    (Field::new("expires_on", t(lang, "q-expires-on")).kind("date").value(v("expires_on")).render(lang, confirm_errors))
                    div class="actions" { button type="submit" class="button" { (t(lang, "q-confirm-button")) } }
                }
            }
            section aria-labelledby="reject-title" {
                h2 id="reject-title" { (t(lang, "q-reject-title")) }
                (form_errors(lang, reject_errors, &["reason"]))
                form method="post" action=(format!("/workspace/queues/proposals/{id}")) class="form-grid" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="action" value="reject";
                    (textarea_named(lang, "reject_reason", "reason", t(lang, "q-reject-reason"), Sent::value(sent, "reject", "reason"), reject_errors))
                    div class="actions" { button type="submit" class="button danger" { (t(lang, "q-reject-button")) } }
                }
            }
        } @else {
            p class="notice" { (t(lang, "q-already-decided")) }
        }
        p { a href="/workspace/queues/proposals" { (t(lang, "q-back")) } }
    };
    Ok(page_of(ctx, sent.map(|s| s.refusal), &title, content))
}

/// A textarea whose element id differs from its field name (two forms on a page share field
/// names; ids must stay unique).
fn textarea_named(
    lang: Lang,
    id: &str,
    name: &str,
    label: String,
    value: &str,
    errors: Option<&Violations>,
) -> Markup {
    let element = format!("field-{id}");
    let error_id = format!("{element}-error");
    let mine = super::forms::errors_of(errors, name);
    html! {
        div class=(if mine.is_empty() { "field" } else { "field has-error" }) {
            label for=(element) { (label) }
            textarea id=(element) name=(name) rows="3" required class="prose"
                aria-invalid=[(!mine.is_empty()).then_some("true")]
                aria-describedby=[(!mine.is_empty()).then_some(error_id.as_str())] { (value) }
            (super::forms::field_errors(lang, &error_id, &mine))
        }
    }
}

/// `POST /workspace/queues/proposals/{id}`: `action` is `confirm` or `reject`.
pub async fn decide_proposal(
    ctx: Ctx,
    state: State,
    id: web::Path<i64>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let id = id.into_inner();
    let form = form.into_inner();
    let action = val(&form, "action");
    let outcome = match action {
        "confirm" => {
            let mut v = Violations::new();
            let starts_on = date(&mut v, &form, "starts_on");
            let expires_on = date(&mut v, &form, "expires_on");
            if !v.is_empty() {
                Err(AppError::Validation(v))
            } else {
                let input = ConfirmInput {
                    legal_basis: val(&form, "legal_basis").to_string(),
                    authority: val(&form, "authority").to_string(),
                    document_number: opt(val(&form, "document_number")),
                    starts_on,
                    expires_on,
                    reason: None,
                };
                lists::confirm(&state, &ctx.caller, id, input)
                    .await
                    .map(|_| ())
            }
        }
        "reject" => {
            let input = RejectInput {
                reason: val(&form, "reason").to_string(),
            };
            lists::reject(&state, &ctx.caller, id, input)
                .await
                .map(|_| ())
        }
        _ => Err(AppError::BadRequest("unknown action".into())),
    };
    match outcome {
        Ok(()) => Ok(see_other(
            &ctx,
            &format!("/workspace/queues/proposals?done={id}"),
        )),
        Err(e) => {
            let refusal = Refusal::of(e)?;
            let sent = Sent {
                form: action,
                typed: &form,
                refusal: &refusal,
            };
            render_proposal(&ctx, &state, id, Some(&sent)).await
        }
    }
}

// ---- Objections ------------------------------------------------------------------------------

/// `GET /workspace/queues/objections[?due=soon|overdue]`.
pub async fn objections_queue(
    ctx: Ctx,
    state: State,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let due = query.due.as_deref().unwrap_or("");
    let overdue = match due {
        "overdue" => Some(true),
        // Due soon: the open ones not yet overdue, the earliest deadline first; the page marks
        // those within the window.
        "soon" => Some(false),
        _ => None,
    };
    let found = objections::queue(
        &state,
        &ctx.caller,
        Some(ObjectionStatus::Open),
        overdue,
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await?;
    let today = state.clock.today();
    let due_by = today + chrono::Duration::days(DUE_SOON_DAYS);
    let title = t(lang, "reg-q-objections");
    let filters = [
        ("", "q-due-all"),
        ("soon", "q-due-soon"),
        ("overdue", "q-due-overdue"),
    ];
    let rows: Vec<_> = found
        .rows
        .iter()
        .filter(|o| due != "soon" || o.deadline <= due_by)
        .collect();
    let content = html! {
        (queue_nav(&ctx, "/workspace/queues/objections"))
        h1 { (title) }
        @if let Some(id) = query.done { (notice_ok(t_args(lang, "q-answered", &[("id", &id.to_string())]))) }
        nav class="filter-links" aria-label=(t(lang, "q-due-label")) {
            @for (value, key) in filters {
                a href=(if value.is_empty() { "/workspace/queues/objections".to_string() } else { format!("/workspace/queues/objections?due={value}") })
                    aria-current=[(due == value).then_some("page")] { (t(lang, key)) }
            }
        }
        @if rows.is_empty() {
            p class="empty" { (t(lang, "q-empty")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(title) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "ws-id")) }
                        th scope="col" { (t(lang, "q-enterprise")) }
                        th scope="col" { (t(lang, "q-disputed")) }
                        th scope="col" { (t(lang, "q-reason")) }
                        th scope="col" { (t(lang, "q-deadline")) }
                        th scope="col" { span class="visually-hidden" { (t(lang, "q-decide")) } }
                    } }
                    tbody {
                        @for o in &rows {
                            tr {
                                td { (o.id) }
                                td { (enterprise_link(&o.enterprise_code)) }
                                td { (disputed(lang, o)) }
                                td { p class="prose clamp" { (o.reason) } }
                                td { (deadline(lang, o.deadline, today, due_by)) }
                                td { a class="button small" href=(format!("/workspace/queues/objections/{}/{}", o.enterprise_code, o.id)) { (t(lang, "q-answer")) } }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/queues/objections", &[("due", due)], found.request.page, found.request.per_page, found.total))
        }
    };
    Ok(page_of(&ctx, None, &title, content))
}

fn disputed(lang: Lang, o: &objections::ObjectionRow) -> Markup {
    html! {
        @if let Some(id) = o.credit_event_id {
            (t_args(lang, "q-disputed-event", &[("id", &id.to_string())]))
        } @else if let Some(id) = o.operating_record_id {
            (t_args(lang, "q-disputed-operating", &[("id", &id.to_string())]))
        }
    }
}

fn deadline(lang: Lang, deadline: NaiveDate, today: NaiveDate, due_by: NaiveDate) -> Markup {
    let days = (deadline - today).num_days();
    html! {
        (format_date(lang, deadline))
        br;
        @if days < 0 {
            span class="badge countdown overdue" { (t_args(lang, "q-overdue-by", &[("days", &(-days).to_string())])) }
        } @else if deadline <= due_by {
            span class="badge countdown due" { (t_args(lang, "q-days-left", &[("days", &days.to_string())])) }
        } @else {
            span class="badge countdown" { (t_args(lang, "q-days-left", &[("days", &days.to_string())])) }
        }
    }
}

/// The fields a correcting answer may set on a disputed credit event (the rest of its PATCH is
/// for the record's own correction form).
const EVENT_CORRECTIONS: [(&str, &str); 3] = [
    ("severity", "q-corr-severity"),
    ("publicity_until", "q-corr-publicity-until"),
    ("title", "q-corr-title"),
];

/// The figures a correcting answer may set on a disputed operating record, with their kind.
const OPERATING_CORRECTIONS: [(&str, &str); 6] = [
    ("online_sales", "number"),
    ("orders", "integer"),
    ("refund_rate", "number"),
    ("complaints", "integer"),
    ("on_time_delivery_rate", "number"),
    ("positive_review_rate", "number"),
];

/// `GET /workspace/queues/objections/{code}/{id}`.
pub async fn objection(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let (code, id) = path.into_inner();
    render_objection(&ctx, &state, &code, id, None).await
}

async fn render_objection(
    ctx: &Ctx,
    state: &State,
    code: &str,
    id: i64,
    sent: Option<&Sent<'_>>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    service::require_keeper(&ctx.caller)?;
    let o = objections::get(state, &ctx.caller, code, id).await?;
    let record = disputed_record(ctx, state, &o).await?;
    let today = state.clock.today();
    let due_by = today + chrono::Duration::days(DUE_SOON_DAYS);
    let title = t_args(lang, "q-objection-title", &[("id", &id.to_string())]);
    let errors = Sent::errors(sent, "answer");
    let v = |name: &str| Sent::value(sent, "answer", name);
    let outcomes: Vec<(String, String)> = [
        Outcome::Upheld,
        Outcome::Corrected,
        Outcome::PartlyCorrected,
    ]
    .iter()
    .map(|o| {
        (
            o.as_str().to_string(),
            t_value(lang, "obj-outcome", o.as_str()),
        )
    })
    .collect();
    let severities: Vec<(String, String)> =
        std::iter::once((String::new(), t(lang, "q-corr-keep")))
            .chain(Severity::ALL.iter().map(|s| {
                (
                    s.as_str().to_string(),
                    t_value_or_raw(lang, "severity", s.as_str()),
                )
            }))
            .collect();
    let mut correction_fields: Vec<&str> = vec!["outcome", "explanation", "correction"];
    correction_fields.extend(EVENT_CORRECTIONS.iter().map(|(n, _)| *n));
    correction_fields.extend(OPERATING_CORRECTIONS.iter().map(|(n, _)| *n));
    let content = html! {
        (queue_nav(ctx, "/workspace/queues/objections"))
        h1 { (title) }
        (taken_notice(lang, sent.map(|s| s.refusal)))
        dl class="facts" {
            dt { (t(lang, "q-enterprise")) } dd { (enterprise_link(&o.enterprise_code)) }
            dt { (t(lang, "q-disputed")) } dd {
                (disputed(lang, &o)) " · "
                a href=(format!("/workspace/records?enterprise={}", o.enterprise_code)) { (t(lang, "q-see-records")) }
                (record)
            }
            dt { (t(lang, "q-reason")) } dd { p class="prose" { (o.reason) } }
            dt { (t(lang, "q-filed")) } dd { (format_date_time(lang, o.filed_at)) " · " (o.filed_by) }
            dt { (t(lang, "q-deadline")) } dd { (deadline(lang, o.deadline, today, due_by)) }
        }
        @if o.status == ObjectionStatus::Open.as_str() {
            section aria-labelledby="answer-title" {
                h2 id="answer-title" { (t(lang, "q-answer-title")) }
                p class="hint" { (t(lang, "q-answer-note")) }
                (form_errors(lang, errors, &correction_fields))
                form method="post" action=(format!("/workspace/queues/objections/{}/{id}", o.enterprise_code)) class="form-grid" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="action" value="answer";
                    (select(lang, "outcome", t(lang, "obj-outcome"), &outcomes, v("outcome"), errors))
                    (textarea(lang, "explanation", t(lang, "q-explanation"), v("explanation"), true, errors))
                    fieldset {
                        legend { (t(lang, "q-correction")) }
                        p class="hint" { (t(lang, "q-correction-note")) }
                        @if o.credit_event_id.is_some() {
                            div class="form-row" {
                                (select(lang, "severity", t(lang, "q-corr-severity"), &severities, v("severity"), errors))
                                (Field::new("publicity_until", t(lang, "q-corr-publicity-until")).kind("date").value(v("publicity_until")).render(lang, errors))
                                (Field::new("title", t(lang, "q-corr-title")).value(v("title")).render(lang, errors))
                            }
                        } @else {
                            div class="form-row" {
                                @for (name, kind) in OPERATING_CORRECTIONS {
                                    (Field::new(name, t_value(lang, "op", name)).kind("text").value(v(name))
                                        .hint(t(lang, if kind == "integer" { "q-hint-integer" } else { "q-hint-number" }))
                                        .render(lang, errors))
                                }
                            }
                        }
                    }
                    div class="actions" { button type="submit" class="button" { (t(lang, "q-answer-button")) } }
                }
            }
        } @else {
            p class="notice" { (t(lang, "q-already-answered")) }
        }
        p { a href="/workspace/queues/objections" { (t(lang, "q-back")) } }
    };
    Ok(page_of(ctx, sent.map(|s| s.refusal), &title, content))
}

/// The disputed record as it stands, so that the answer is written with it in view.
async fn disputed_record(
    ctx: &Ctx,
    state: &State,
    o: &objections::ObjectionRow,
) -> AppResult<Markup> {
    let lang = ctx.lang;
    if let Some(id) = o.credit_event_id {
        let event = match service::records::credit_event(state, &ctx.caller, &o.enterprise_code, id)
            .await?
        {
            service::records::Visible::Full(e) | service::records::Visible::Public(e) => e.record,
        };
        return Ok(html! {
            ul class="plain record-facts" {
                li { strong { (event.title) } " · " (t_value(lang, "event-kind", event.kind.as_str())) }
                li { (t(lang, "q-corr-severity")) ": " (t_value(lang, "severity", event.severity.as_str()))
                    " · " (t_value(lang, "event-status", event.status.as_str())) }
                li { (event.authority) " · " (format_date(lang, event.decided_on))
                    @if let Some(until) = event.publicity_until { " · " (t(lang, "q-corr-publicity-until")) " " (format_date(lang, until)) } }
            }
        });
    }
    let Some(id) = o.operating_record_id else {
        return Ok(html! {});
    };
    let stored =
        service::records::operating_record(state, &ctx.caller, &o.enterprise_code, id).await?;
    let figures = serde_json::to_value(&stored.record).unwrap_or_default();
    Ok(html! {
        ul class="plain record-facts" {
            li { strong { (stored.record.period_label) } }
            @for (name, _) in OPERATING_CORRECTIONS {
                @if let Some(v) = figures.get(name).filter(|v| !v.is_null()) {
                    li { (t_value(lang, "op", name)) ": " (show_change(name, v)) }
                }
            }
        }
    })
}

/// The correction typed into an answer: only the fields filled in, as the record's PATCH.
fn correction_of(
    form: &HashMap<String, String>,
    event: bool,
) -> Result<Option<serde_json::Value>, Violations> {
    let mut v = Violations::new();
    let mut fields = serde_json::Map::new();
    if event {
        for (name, _) in EVENT_CORRECTIONS {
            if let Some(typed) = opt(val(form, name)) {
                fields.insert(name.to_string(), typed.into());
            }
        }
    } else {
        for (name, kind) in OPERATING_CORRECTIONS {
            let Some(typed) = opt(val(form, name)) else {
                continue;
            };
            let number = if kind == "integer" {
                typed.parse::<i64>().ok().map(serde_json::Value::from)
            } else {
                typed
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(serde_json::Value::from)
            };
            match number {
                Some(n) => {
                    fields.insert(name.to_string(), n);
                }
                None => v.add(
                    name,
                    if kind == "integer" {
                        "must be a whole number"
                    } else {
                        "must be a number"
                    },
                ),
            }
        }
    }
    v.into_result(())?;
    Ok((!fields.is_empty()).then_some(serde_json::Value::Object(fields)))
}

/// `POST /workspace/queues/objections/{code}/{id}`.
pub async fn answer_objection(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let (code, id) = path.into_inner();
    let form = form.into_inner();
    let existing = objections::get(&state, &ctx.caller, &code, id).await?;
    let outcome = match correction_of(&form, existing.credit_event_id.is_some()) {
        Err(v) => Err(AppError::Validation(v)),
        Ok(correction) => match Outcome::parse(val(&form, "outcome")) {
            None => Err(AppError::validation("outcome", "choose an outcome")),
            Some(outcome) => {
                let input = AnswerInput {
                    outcome,
                    explanation: val(&form, "explanation").to_string(),
                    correction,
                };
                objections::answer(&state, &ctx.caller, &code, id, input)
                    .await
                    .map(|_| ())
            }
        },
    };
    match outcome {
        Ok(()) => Ok(see_other(
            &ctx,
            &format!("/workspace/queues/objections?done={id}"),
        )),
        Err(e) => {
            // The correction's fields are named `correction.x` by the service: the page's are `x`.
            let refusal = match Refusal::of(e)? {
                Refusal::Invalid(v) => {
                    Refusal::Invalid(super::enterprise::rename(v, "correction.", &[]))
                }
                taken => taken,
            };
            let sent = Sent {
                form: "answer",
                typed: &form,
                refusal: &refusal,
            };
            render_objection(&ctx, &state, &code, id, Some(&sent)).await
        }
    }
}

// ---- Submissions -----------------------------------------------------------------------------

/// `GET /workspace/queues/submissions`.
pub async fn submissions_queue(
    ctx: Ctx,
    state: State,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let found = submissions::review_queue(
        &state,
        &ctx.caller,
        Some(SubmissionStatus::Pending),
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await?;
    let title = t(lang, "reg-q-submissions");
    let content = html! {
        (queue_nav(&ctx, "/workspace/queues/submissions"))
        h1 { (title) }
        @if let Some(id) = query.done { (notice_ok(t_args(lang, "q-decided", &[("id", &id.to_string())]))) }
        @if found.rows.is_empty() {
            p class="empty" { (t(lang, "q-empty")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(title) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "ws-id")) }
                        th scope="col" { (t(lang, "q-enterprise")) }
                        th scope="col" { (t(lang, "ws-submitted-at")) }
                        th scope="col" { (t(lang, "ws-content")) }
                        th scope="col" { (t(lang, "ws-findings")) }
                        th scope="col" { span class="visually-hidden" { (t(lang, "q-decide")) } }
                    } }
                    tbody {
                        @for s in &found.rows {
                            tr {
                                td { (s.id) }
                                td { (enterprise_link(&s.enterprise_code)) }
                                td { (format_date_time(lang, s.submitted_at)) }
                                td {
                                    @for op in &s.content.operating { (op.period) " " }
                                    @if s.content.basic.is_some() { (t(lang, "ws-basic-changes")) }
                                }
                                td { (format_number(lang, s.findings.len() as i64)) }
                                td { a class="button small" href=(format!("/workspace/queues/submissions/{}/{}", s.enterprise_code, s.id)) { (t(lang, "q-review")) } }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/queues/submissions", &[], found.request.page, found.request.per_page, found.total))
        }
    };
    Ok(page_of(&ctx, None, &title, content))
}

/// `GET /workspace/queues/submissions/{code}/{id}`.
pub async fn submission(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let (code, id) = path.into_inner();
    render_submission(&ctx, &state, &code, id, None).await
}

async fn render_submission(
    ctx: &Ctx,
    state: &State,
    code: &str,
    id: i64,
    sent: Option<&Sent<'_>>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    service::require_keeper(&ctx.caller)?;
    let s = submissions::get(state, &ctx.caller, code, id).await?;
    let current = service::enterprises::get(state, code).await?.enterprise;
    // The difference from the current data: the current record against it with the changes.
    let before = serde_json::to_value(&current).unwrap_or_default();
    let mut after = before.clone();
    if let (Some(basic), Some(merged)) = (&s.content.basic, after.as_object_mut())
        && let Ok(serde_json::Value::Object(changes)) = serde_json::to_value(basic)
    {
        for (field, value) in changes.into_iter().filter(|(_, v)| !v.is_null()) {
            merged.insert(field, value);
        }
    }
    let changes = patch::diff(&before, &after);
    let title = t_args(lang, "q-submission-title", &[("id", &id.to_string())]);
    let errors = Sent::errors(sent, "review");
    let outcomes: Vec<(String, String)> = [ReviewOutcome::Approved, ReviewOutcome::Rejected]
        .iter()
        .map(|o| {
            (
                o.as_str().to_string(),
                t_value(lang, "q-review-outcome", o.as_str()),
            )
        })
        .collect();
    let content = html! {
        (queue_nav(ctx, "/workspace/queues/submissions"))
        h1 { (title) }
        (taken_notice(lang, sent.map(|s| s.refusal)))
        dl class="facts" {
            dt { (t(lang, "q-enterprise")) } dd { (current.name) " " (enterprise_link(code)) }
            dt { (t(lang, "ws-submitted-at")) } dd { (format_date_time(lang, s.submitted_at)) " · " (s.submitted_by) }
            dt { (t(lang, "ws-status")) } dd { span class=(format!("badge sub-{}", s.status.as_str())) { (t_value(lang, "submission-status", s.status.as_str())) } }
            @if let Some(note) = &s.content.note { dt { (t(lang, "ws-note")) } dd { (note) } }
        }
        @if !s.findings.is_empty() {
            section aria-labelledby="findings-title" {
                h2 id="findings-title" { (t(lang, "q-findings-title")) }
                ul { @for f in &s.findings { li { (super::enterprise::finding_line(lang, f)) } } }
            }
        }
        @if !changes.is_empty() {
            section aria-labelledby="diff-title" {
                h2 id="diff-title" { (t(lang, "q-diff-title")) }
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "q-diff-title")) {
                    table class="diff" {
                        thead { tr {
                            th scope="col" { (t(lang, "q-field")) }
                            th scope="col" { (t(lang, "q-current")) }
                            th scope="col" { (t(lang, "q-proposed")) }
                        } }
                        tbody {
                            @for c in &changes {
                                tr {
                                    th scope="row" { (t_value_or_raw(lang, "finding-field", &c.field)) }
                                    td class="before" { (shown(lang, &c.field, &c.before)) }
                                    td class="after" { (shown(lang, &c.field, &c.after)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !s.content.operating.is_empty() {
            section aria-labelledby="periods-title" {
                h2 id="periods-title" { (t(lang, "q-periods-title")) }
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "q-periods-title")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "q-period")) }
                            @for (name, _) in OPERATING_CORRECTIONS { th scope="col" class="num" { (t_value(lang, "op", name)) } }
                        } }
                        tbody {
                            @for op in &s.content.operating {
                                @let figures = serde_json::to_value(op).unwrap_or_default();
                                tr {
                                    th scope="row" { (op.period) }
                                    @for (name, _) in OPERATING_CORRECTIONS {
                                        td class="num" { (figures.get(name).map(|v| show_change(name, v)).unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if s.status == SubmissionStatus::Pending {
            section aria-labelledby="review-title" {
                h2 id="review-title" { (t(lang, "q-review-title")) }
                (form_errors(lang, errors, &["outcome", "reason"]))
                form method="post" action=(format!("/workspace/queues/submissions/{code}/{id}")) class="form-grid" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="action" value="review";
                    (select(lang, "outcome", t(lang, "q-review-outcome-label"), &outcomes, Sent::value(sent, "review", "outcome"), errors))
                    (textarea(lang, "reason", t(lang, "q-review-reason"), Sent::value(sent, "review", "reason"), true, errors))
                    div class="actions" { button type="submit" class="button" { (t(lang, "q-review-button")) } }
                }
            }
        } @else {
            p class="notice" { (t(lang, "q-already-decided")) }
        }
        p { a href="/workspace/queues/submissions" { (t(lang, "q-back")) } }
    };
    Ok(page_of(ctx, sent.map(|s| s.refusal), &title, content))
}

/// A value of the basic data as a person reads it: capital as money, the rest as it is.
fn shown(lang: Lang, field: &str, value: &serde_json::Value) -> String {
    match (field, value.as_f64()) {
        ("registered_capital", Some(yuan)) => super::i18n::format_large_money(lang, yuan),
        _ => show_change(field, value),
    }
}

/// `POST /workspace/queues/submissions/{code}/{id}`.
pub async fn review_submission(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let (code, id) = path.into_inner();
    let form = form.into_inner();
    let outcome = match ReviewOutcome::parse(val(&form, "outcome")) {
        None => Err(AppError::validation("outcome", "choose approve or reject")),
        Some(outcome) => {
            let input = ReviewInput {
                outcome,
                reason: val(&form, "reason").to_string(),
            };
            submissions::decide(&state, &ctx.caller, &code, id, input)
                .await
                .map(|_| ())
        }
    };
    match outcome {
        Ok(()) => Ok(see_other(
            &ctx,
            &format!("/workspace/queues/submissions?done={id}"),
        )),
        Err(e) => {
            let refusal = Refusal::of(e)?;
            let sent = Sent {
                form: "review",
                typed: &form,
                refusal: &refusal,
            };
            render_submission(&ctx, &state, &code, id, Some(&sent)).await
        }
    }
}

// ---- Repairs ---------------------------------------------------------------------------------

/// `GET /workspace/queues/repairs`.
pub async fn repairs_queue(
    ctx: Ctx,
    state: State,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let found = repairs::review_queue(
        &state,
        &ctx.caller,
        Some(RepairStatus::Pending),
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await?;
    let title = t(lang, "reg-q-repairs");
    let content = html! {
        (queue_nav(&ctx, "/workspace/queues/repairs"))
        h1 { (title) }
        @if let Some(id) = query.done { (notice_ok(t_args(lang, "q-decided", &[("id", &id.to_string())]))) }
        @if found.rows.is_empty() {
            p class="empty" { (t(lang, "q-empty")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(title) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "ws-id")) }
                        th scope="col" { (t(lang, "q-enterprise")) }
                        th scope="col" { (t(lang, "q-target")) }
                        th scope="col" { (t(lang, "q-corrections")) }
                        th scope="col" { (t(lang, "q-applied-at")) }
                        th scope="col" { span class="visually-hidden" { (t(lang, "q-decide")) } }
                    } }
                    tbody {
                        @for r in &found.rows {
                            tr {
                                td { (r.id) }
                                td { (enterprise_link(&r.enterprise_code)) }
                                td { (repair_target(lang, r)) }
                                td { p class="prose clamp" { (r.corrections) } }
                                td { (format_date_time(lang, r.applied_at)) }
                                td { a class="button small" href=(format!("/workspace/queues/repairs/{}/{}", r.enterprise_code, r.id)) { (t(lang, "q-decide")) } }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/queues/repairs", &[], found.request.page, found.request.per_page, found.total))
        }
    };
    Ok(page_of(&ctx, None, &title, content))
}

fn repair_target(lang: Lang, r: &repairs::RepairRow) -> Markup {
    html! {
        @if let Some(id) = r.credit_event_id {
            (t_args(lang, "q-disputed-event", &[("id", &id.to_string())]))
        } @else if let Some(id) = r.list_entry_id {
            (t_args(lang, "q-target-entry", &[("id", &id.to_string())]))
        }
    }
}

/// `GET /workspace/queues/repairs/{code}/{id}`.
pub async fn repair(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let (code, id) = path.into_inner();
    render_repair(&ctx, &state, &code, id, None).await
}

async fn render_repair(
    ctx: &Ctx,
    state: &State,
    code: &str,
    id: i64,
    sent: Option<&Sent<'_>>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    service::require_keeper(&ctx.caller)?;
    let r = repairs::get(state, &ctx.caller, code, id).await?;
    let title = t_args(lang, "q-repair-title", &[("id", &id.to_string())]);
    let errors = Sent::errors(sent, "decide");
    let v = |name: &str| Sent::value(sent, "decide", name);
    let outcomes: Vec<(String, String)> = [RepairOutcome::Approved, RepairOutcome::Rejected]
        .iter()
        .map(|o| {
            (
                o.as_str().to_string(),
                t_value(lang, "q-review-outcome", o.as_str()),
            )
        })
        .collect();
    let content = html! {
        (queue_nav(ctx, "/workspace/queues/repairs"))
        h1 { (title) }
        (taken_notice(lang, sent.map(|s| s.refusal)))
        dl class="facts" {
            dt { (t(lang, "q-enterprise")) } dd { (enterprise_link(code)) }
            dt { (t(lang, "q-target")) } dd {
                (repair_target(lang, &r)) " · "
                a href=(format!("/workspace/records?enterprise={code}")) { (t(lang, "q-see-records")) }
            }
            dt { (t(lang, "q-corrections")) } dd { p class="prose" { (r.corrections) } }
            dt { (t(lang, "q-evidence")) } dd {
                @let links = r.evidence_links();
                @if links.is_empty() { "—" }
                ul class="plain" { @for link in &links { li { a href=(link.url) rel="noopener noreferrer" { (link.title) } } } }
            }
            dt { (t(lang, "q-applied-at")) } dd { (format_date_time(lang, r.applied_at)) " · " (r.applied_by) }
        }
        @if r.repair_status() == RepairStatus::Pending {
            section aria-labelledby="decide-title" {
                h2 id="decide-title" { (t(lang, "q-decide-title")) }
                @if r.list_entry_id.is_some() { p class="hint" { (t(lang, "q-repair-entry-note")) } }
                (form_errors(lang, errors, &["outcome", "explanation", "document_number"]))
                form method="post" action=(format!("/workspace/queues/repairs/{code}/{id}")) class="form-grid" novalidate {
                    (csrf_field(ctx))
                    (select(lang, "outcome", t(lang, "q-review-outcome-label"), &outcomes, v("outcome"), errors))
                    (textarea(lang, "explanation", t(lang, "q-explanation"), v("explanation"), true, errors))
                    (Field::new("document_number", t(lang, "q-document-number")).value(v("document_number")).render(lang, errors))
                    div class="actions" { button type="submit" class="button" { (t(lang, "q-decide-button")) } }
                }
            }
        } @else {
            p class="notice" { (t(lang, "q-already-decided")) }
        }
        p { a href="/workspace/queues/repairs" { (t(lang, "q-back")) } }
    };
    Ok(page_of(ctx, sent.map(|s| s.refusal), &title, content))
}

/// `POST /workspace/queues/repairs/{code}/{id}`.
pub async fn decide_repair(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let (code, id) = path.into_inner();
    let form = form.into_inner();
    let outcome = match RepairOutcome::parse(val(&form, "outcome")) {
        None => Err(AppError::validation("outcome", "choose approve or reject")),
        Some(outcome) => {
            let input = RepairDecisionInput {
                outcome,
                explanation: val(&form, "explanation").to_string(),
                document_number: opt(val(&form, "document_number")),
            };
            repairs::decide(&state, &ctx.caller, &code, id, input)
                .await
                .map(|_| ())
        }
    };
    match outcome {
        Ok(()) => Ok(see_other(
            &ctx,
            &format!("/workspace/queues/repairs?done={id}"),
        )),
        Err(e) => {
            let refusal = Refusal::of(e)?;
            let sent = Sent {
                form: "decide",
                typed: &form,
                refusal: &refusal,
            };
            render_repair(&ctx, &state, &code, id, Some(&sent)).await
        }
    }
}

// ---- Commitments -----------------------------------------------------------------------------

/// `GET /workspace/queues/commitments`.
pub async fn commitments_queue(
    ctx: Ctx,
    state: State,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let found = commitments::review_queue(
        &state,
        &ctx.caller,
        Some(CommitmentStatus::Pending),
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await?;
    let today = state.clock.today();
    let title = t(lang, "reg-q-commitments");
    let content = html! {
        (queue_nav(&ctx, "/workspace/queues/commitments"))
        h1 { (title) }
        @if let Some(id) = query.done { (notice_ok(t_args(lang, "q-decided", &[("id", &id.to_string())]))) }
        p class="hint" { (t(lang, "q-commitments-about")) }
        @if found.rows.is_empty() {
            p class="empty" { (t(lang, "q-empty")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(title) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "ws-id")) }
                        th scope="col" { (t(lang, "q-enterprise")) }
                        th scope="col" { (t(lang, "q-commitment")) }
                        th scope="col" { (t(lang, "q-period")) }
                        th scope="col" { span class="visually-hidden" { (t(lang, "q-decide")) } }
                    } }
                    tbody {
                        @for c in &found.rows {
                            tr {
                                td { (c.id) }
                                td { (enterprise_link(&c.enterprise_code)) }
                                td { p class="prose clamp" { (c.text) } }
                                td {
                                    (format_date(lang, c.period_start)) " – " (format_date(lang, c.period_end))
                                    @if c.period_end < today { br; span class="badge countdown due" { (t(lang, "q-period-over")) } }
                                }
                                td { a class="button small" href=(format!("/workspace/queues/commitments/{}/{}", c.enterprise_code, c.id)) { (t(lang, "q-decide")) } }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/queues/commitments", &[], found.request.page, found.request.per_page, found.total))
        }
    };
    Ok(page_of(&ctx, None, &title, content))
}

/// `GET /workspace/queues/commitments/{code}/{id}`.
pub async fn commitment(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let (code, id) = path.into_inner();
    render_commitment(&ctx, &state, &code, id, None).await
}

async fn render_commitment(
    ctx: &Ctx,
    state: &State,
    code: &str,
    id: i64,
    sent: Option<&Sent<'_>>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    service::require_keeper(&ctx.caller)?;
    let c = commitments::get(state, &ctx.caller, code, id).await?;
    let today = state.clock.today();
    let title = t_args(lang, "q-commitment-title", &[("id", &id.to_string())]);
    let errors = Sent::errors(sent, "decide");
    let v = |name: &str| Sent::value(sent, "decide", name);
    let outcomes: Vec<(String, String)> = [CommitmentOutcome::Kept, CommitmentOutcome::Broken]
        .iter()
        .map(|o| {
            (
                o.as_str().to_string(),
                t_value(lang, "q-commitment-outcome", o.as_str()),
            )
        })
        .collect();
    let severities: Vec<(String, String)> = Severity::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                t_value_or_raw(lang, "severity", s.as_str()),
            )
        })
        .collect();
    let content = html! {
        (queue_nav(ctx, "/workspace/queues/commitments"))
        h1 { (title) }
        (taken_notice(lang, sent.map(|s| s.refusal)))
        dl class="facts" {
            dt { (t(lang, "q-enterprise")) } dd { (enterprise_link(code)) }
            dt { (t(lang, "q-commitment")) } dd { p class="prose" { (c.text) } }
            dt { (t(lang, "q-scope")) } dd { (c.scope) }
            dt { (t(lang, "q-period")) } dd {
                (format_date(lang, c.period_start)) " – " (format_date(lang, c.period_end))
                @if c.period_end < today { " " span class="badge countdown due" { (t(lang, "q-period-over")) } }
            }
            dt { (t(lang, "q-made")) } dd { (format_date_time(lang, c.created_at)) " · " (c.created_by) }
        }
        @if c.commitment_status() == CommitmentStatus::Pending {
            section aria-labelledby="decide-title" {
                h2 id="decide-title" { (t(lang, "q-decide-title")) }
                p class="hint" { (t(lang, "q-commitment-note")) }
                (form_errors(lang, errors, &["outcome", "explanation", "severity", "authority", "document_number", "publicity_until"]))
                form method="post" action=(format!("/workspace/queues/commitments/{code}/{id}")) class="form-grid" novalidate {
                    (csrf_field(ctx))
                    (select(lang, "outcome", t(lang, "q-review-outcome-label"), &outcomes, v("outcome"), errors))
                    (select(lang, "severity", t(lang, "q-severity-broken"), &severities, if v("severity").is_empty() { "minor" } else { v("severity") }, errors))
                    (textarea(lang, "explanation", t(lang, "q-explanation"), v("explanation"), true, errors))
                    (Field::new("authority", t(lang, "q-authority")).value(v("authority")).required().render(lang, errors))
                    (Field::new("document_number", t(lang, "q-document-number")).value(v("document_number")).render(lang, errors))
                    (Field::new("publicity_until", t(lang, "q-corr-publicity-until")).kind("date").value(v("publicity_until")).render(lang, errors))
                    div class="actions" { button type="submit" class="button" { (t(lang, "q-decide-button")) } }
                }
            }
        } @else {
            p class="notice" { (t(lang, "q-already-decided")) }
        }
        p { a href="/workspace/queues/commitments" { (t(lang, "q-back")) } }
    };
    Ok(page_of(ctx, sent.map(|s| s.refusal), &title, content))
}

/// `POST /workspace/queues/commitments/{code}/{id}`.
pub async fn decide_commitment(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, i64)>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let (code, id) = path.into_inner();
    let form = form.into_inner();
    let mut v = Violations::new();
    let publicity_until = date(&mut v, &form, "publicity_until");
    let outcome = match CommitmentOutcome::parse(val(&form, "outcome")) {
        _ if !v.is_empty() => Err(AppError::Validation(v)),
        None => Err(AppError::validation("outcome", "choose kept or broken")),
        Some(outcome) => {
            let input = CommitmentDecisionInput {
                outcome,
                explanation: val(&form, "explanation").to_string(),
                // A kept commitment's event is always minor: the severity is for a broken one.
                severity: (outcome == CommitmentOutcome::Broken)
                    .then(|| Severity::parse(val(&form, "severity")))
                    .flatten(),
                authority: val(&form, "authority").to_string(),
                document_number: opt(val(&form, "document_number")),
                publicity_until,
            };
            commitments::decide(&state, &ctx.caller, &code, id, input)
                .await
                .map(|_| ())
        }
    };
    match outcome {
        Ok(()) => Ok(see_other(
            &ctx,
            &format!("/workspace/queues/commitments?done={id}"),
        )),
        Err(e) => {
            let refusal = Refusal::of(e)?;
            let sent = Sent {
                form: "decide",
                typed: &form,
                refusal: &refusal,
            };
            render_commitment(&ctx, &state, &code, id, Some(&sent)).await
        }
    }
}
