//! The keepers' writes on an enterprise's records (issue 16, "Enterprise detail"): record a
//! credit event, and correct any record (operating figures, credit events, sentiment items,
//! associations) with a reason that goes to its history.
//!
//! A form is read into the JSON the API takes for the same write and goes through the same
//! service call, so the rules, the history and the audit are the API's. A correction carries the
//! version it was opened at: when someone changed the record meanwhile, nothing is written and
//! the page says so, showing the record as it is now beside what was typed, with a way to start
//! again from the current version (the API's 412, told as a person needs it).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde_json::{Map, Value};

use super::enterprise::{Target, head, select, textarea, val, violations};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{Lang, t, t_args, t_value};
use super::layout::{page_with_status, see_other};
use super::session::{Ctx, State};
use crate::domain::records::{
    AssociationKind, CreditEventInput, CreditEventKind, CreditEventStatus, DataSource,
    SentimentSourceKind, Severity,
};
use crate::domain::{Violations, patch};
use crate::error::{AppError, AppResult};
use crate::service::records::{self, RecordKind};
use crate::service::{self, ExpectedVersion};

/// How a field is typed in, and read back into JSON.
#[derive(Clone, Copy)]
enum Widget {
    Text,
    LongText,
    Integer,
    Decimal,
    Date,
    /// A UTC time, typed as `datetime-local`.
    DateTime,
    /// One of a closed set, each labelled by the catalog's `{catalog}-{value}`.
    Choice {
        values: fn() -> Vec<&'static str>,
        catalog: &'static str,
    },
}

/// One field of a record's form: its JSON name, its label's catalog key, how it is typed, and
/// whether a record must have it.
struct Spec {
    name: &'static str,
    label: &'static str,
    widget: Widget,
    required: bool,
}

const fn spec(name: &'static str, label: &'static str, widget: Widget, required: bool) -> Spec {
    Spec {
        name,
        label,
        widget,
        required,
    }
}

fn sources() -> Vec<&'static str> {
    DataSource::ALL.iter().map(|s| s.as_str()).collect()
}
fn event_kinds() -> Vec<&'static str> {
    CreditEventKind::ALL.iter().map(|s| s.as_str()).collect()
}
fn severities() -> Vec<&'static str> {
    Severity::ALL.iter().map(|s| s.as_str()).collect()
}
fn event_statuses() -> Vec<&'static str> {
    CreditEventStatus::ALL.iter().map(|s| s.as_str()).collect()
}
fn sentiment_kinds() -> Vec<&'static str> {
    SentimentSourceKind::ALL
        .iter()
        .map(|s| s.as_str())
        .collect()
}
fn association_kinds() -> Vec<&'static str> {
    AssociationKind::ALL.iter().map(|s| s.as_str()).collect()
}

const SOURCE: Widget = Widget::Choice {
    values: sources,
    catalog: "source",
};

/// The operating figures a correction may change (its period is what the record is).
const OPERATING: &[Spec] = &[
    spec("online_sales", "op-online_sales", Widget::Decimal, true),
    spec("orders", "op-orders", Widget::Integer, true),
    spec("refund_rate", "op-refund_rate", Widget::Decimal, false),
    spec("complaints", "op-complaints", Widget::Integer, false),
    spec(
        "on_time_delivery_rate",
        "op-on_time_delivery_rate",
        Widget::Decimal,
        false,
    ),
    spec(
        "positive_review_rate",
        "op-positive_review_rate",
        Widget::Decimal,
        false,
    ),
    spec("employees", "op-employees", Widget::Integer, false),
    spec("tax_paid", "op-tax_paid", Widget::Decimal, false),
    spec(
        "cross_border_trade",
        "op-cross_border_trade",
        Widget::Decimal,
        false,
    ),
    spec(
        "quality_checks",
        "op-quality_checks",
        Widget::Integer,
        false,
    ),
    spec(
        "quality_checks_failed",
        "op-quality_checks_failed",
        Widget::Integer,
        false,
    ),
    spec("source", "rec-provenance", SOURCE, true),
];

/// A credit event as it is recorded; a correction may also change its status.
const EVENT: &[Spec] = &[
    spec(
        "kind",
        "event-kind",
        Widget::Choice {
            values: event_kinds,
            catalog: "event-kind",
        },
        true,
    ),
    spec(
        "severity",
        "event-severity",
        Widget::Choice {
            values: severities,
            catalog: "severity",
        },
        true,
    ),
    spec("title", "fix-event-title", Widget::Text, true),
    spec("description", "event-description", Widget::LongText, false),
    spec("authority", "event-authority", Widget::Text, true),
    spec(
        "document_number",
        "event-document-number",
        Widget::Text,
        false,
    ),
    spec("decided_on", "event-decided-on", Widget::Date, true),
    spec("publicity_until", "ws-publicity-until", Widget::Date, false),
];

const EVENT_STATUS: Spec = spec(
    "status",
    "ws-event-status",
    Widget::Choice {
        values: event_statuses,
        catalog: "event-status",
    },
    true,
);

const SENTIMENT: &[Spec] = &[
    spec(
        "source_kind",
        "sent-source-kind",
        Widget::Choice {
            values: sentiment_kinds,
            catalog: "sent-kind",
        },
        true,
    ),
    spec("source_name", "sent-source-name", Widget::Text, true),
    spec("title", "sent-title", Widget::Text, true),
    spec("excerpt", "sent-excerpt", Widget::LongText, false),
    spec("url", "sent-url", Widget::Text, false),
    spec("published_at", "sent-published", Widget::DateTime, true),
    spec("polarity", "sent-polarity", Widget::Decimal, false),
    spec("topic", "sent-topic", Widget::Text, false),
    spec("source", "rec-provenance", SOURCE, true),
];

const ASSOCIATION: &[Spec] = &[
    spec(
        "kind",
        "assoc-kind",
        Widget::Choice {
            values: association_kinds,
            catalog: "assoc-kind",
        },
        true,
    ),
    spec("related_name", "assoc-party", Widget::Text, true),
    spec("related_code", "assoc-related-code", Widget::Text, false),
    spec("share_ratio", "assoc-share", Widget::Decimal, false),
    spec("amount", "assoc-amount", Widget::Decimal, false),
    spec("valid_from", "assoc-valid-from", Widget::Date, false),
    spec("valid_until", "assoc-valid-until", Widget::Date, false),
    spec("note", "assoc-note", Widget::LongText, false),
    spec("source", "rec-provenance", SOURCE, true),
];

/// A kind of record as the pages name it: the path segment (the API's), its service kind, the
/// section of the records page it is listed in, and the title of its correction page.
struct KindPage {
    segment: &'static str,
    kind: RecordKind,
    section: &'static str,
    title: &'static str,
}

const KINDS: [KindPage; 4] = [
    KindPage {
        segment: "operating-records",
        kind: RecordKind::Operating,
        section: "operating-title",
        title: "fix-title-operating",
    },
    KindPage {
        segment: "credit-events",
        kind: RecordKind::CreditEvent,
        section: "events-title",
        title: "fix-title-event",
    },
    KindPage {
        segment: "sentiment",
        kind: RecordKind::Sentiment,
        section: "sentiment-title",
        title: "fix-title-sentiment",
    },
    KindPage {
        segment: "associations",
        kind: RecordKind::Association,
        section: "links-title",
        title: "fix-title-association",
    },
];

impl KindPage {
    fn of(segment: &str) -> AppResult<&'static KindPage> {
        KINDS
            .iter()
            .find(|k| k.segment == segment)
            .ok_or_else(|| AppError::NotFound(format!("no kind of record {segment:?}")))
    }

    /// The fields a correction of this kind may change.
    fn fields(&self) -> Vec<&'static Spec> {
        match self.kind {
            RecordKind::Operating => OPERATING.iter().collect(),
            RecordKind::CreditEvent => EVENT.iter().chain([&EVENT_STATUS]).collect(),
            RecordKind::Sentiment => SENTIMENT.iter().collect(),
            RecordKind::Association => ASSOCIATION.iter().collect(),
        }
    }
}

/// The records page of enterprise `code` as a keeper sees it, at `section`, with a notice.
fn records_href(code: &str, notice: &str, section: &str) -> String {
    let notice = if notice.is_empty() {
        String::new()
    } else {
        format!("&{notice}")
    };
    format!("/workspace/records?enterprise={code}{notice}#{section}")
}

/// A JSON value as a form shows it.
fn shown(widget: Widget, value: Option<&Value>) -> String {
    match (widget, value) {
        (_, None | Some(Value::Null)) => String::new(),
        // `datetime-local` takes minutes: "2026-10-12T08:30".
        (Widget::DateTime, Some(Value::String(s))) => s.chars().take(16).collect(),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(other)) => other.to_string(),
    }
}

/// The typed values of `specs` as the JSON of the write, blanks left out; what cannot be read
/// (a blank required field, a word in a number field) goes into `v`.
fn read_fields(
    specs: &[&Spec],
    form: &HashMap<String, String>,
    v: &mut Violations,
) -> Map<String, Value> {
    let mut fields = Map::new();
    for spec in specs {
        let raw = val(form, spec.name).trim();
        if raw.is_empty() {
            if spec.required {
                v.add(spec.name, "is required");
            }
            continue;
        }
        let value = match spec.widget {
            Widget::Integer => match raw.replace(',', "").parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    v.add(spec.name, "must be a whole number");
                    continue;
                }
            },
            Widget::Decimal => match raw.replace(',', "").parse::<f64>() {
                Ok(x) if x.is_finite() => Value::from(x),
                _ => {
                    v.add(spec.name, "must be a number");
                    continue;
                }
            },
            Widget::DateTime if raw.len() == 16 => Value::from(format!("{raw}:00")),
            _ => Value::from(raw),
        };
        fields.insert(spec.name.to_string(), value);
    }
    fields
}

/// The inputs of `specs`, filled with `value_of`, with their errors beside them.
fn render_fields(
    lang: Lang,
    specs: &[&Spec],
    value_of: &dyn Fn(&Spec) -> String,
    errors: Option<&Violations>,
) -> Markup {
    let inputs = specs.iter().map(|spec| {
        let value = value_of(spec);
        let label = t(lang, spec.label);
        match spec.widget {
            Widget::Choice { values, catalog } => {
                let blank = (!spec.required).then(|| (String::new(), "—".to_string()));
                let options: Vec<(String, String)> = blank
                    .into_iter()
                    .chain(
                        values()
                            .into_iter()
                            .map(|x| (x.to_string(), t_value(lang, catalog, x))),
                    )
                    .collect();
                select(lang, spec.name, label, &options, &value, errors)
            }
            Widget::LongText => textarea(lang, spec.name, label, &value, spec.required, errors),
            widget => {
                let kind = match widget {
                    Widget::Date => "date",
                    Widget::DateTime => "datetime-local",
                    _ => "text",
                };
                let mut field = Field::new(spec.name, label).kind(kind).value(&value);
                if spec.required {
                    field = field.required();
                }
                if matches!(widget, Widget::Decimal | Widget::Integer) {
                    field = field.hint(hint(lang, spec.name));
                }
                field.render(lang, errors)
            }
        }
    });
    let inputs: Vec<Markup> = inputs.collect();
    html! { @for input in inputs { (input) } }
}

fn hint(lang: Lang, name: &str) -> String {
    match name {
        "refund_rate" | "on_time_delivery_rate" | "positive_review_rate" | "share_ratio" => {
            t(lang, "op-hint-rate")
        }
        "polarity" => t(lang, "fix-hint-polarity"),
        "online_sales" | "tax_paid" | "cross_border_trade" | "amount" => t(lang, "op-hint-yuan"),
        _ => t(lang, "fix-hint-whole"),
    }
}

// ---- Record a credit event -------------------------------------------------------------------

/// `GET /workspace/enterprises/{code}/credit-events/new`.
pub async fn new_event(ctx: Ctx, state: State, path: web::Path<String>) -> AppResult<HttpResponse> {
    let target = match super::enterprise::target(&ctx, Some(&path.into_inner()))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    // Only keepers record: the service's rule, asked before anything is shown.
    service::require_keeper(&ctx.caller)?;
    render_new_event(&ctx, &state, &target, &HashMap::new(), None).await
}

async fn render_new_event(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    typed: &HashMap<String, String>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let head = head(ctx, state, target, "/workspace/records").await?;
    let title = t(lang, "fix-new-event-title");
    let specs: Vec<&Spec> = EVENT.iter().collect();
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    let code = &target.code;
    let content = html! {
        (head)
        h1 { (title) }
        p class="hint" { (t(lang, "fix-new-event-about")) }
        (form_errors(lang, errors, &names))
        form method="post" action=(format!("/workspace/enterprises/{code}/credit-events")) class="form-grid" novalidate {
            (csrf_field(ctx))
            (render_fields(lang, &specs, &|s| val(typed, s.name).to_string(), errors))
            div class="actions" {
                button type="submit" class="button" { (t(lang, "fix-record")) }
                " "
                a href=(records_href(code, "", "events-title")) { (t(lang, "fix-cancel")) }
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

/// `POST /workspace/enterprises/{code}/credit-events`.
pub async fn record_event(
    ctx: Ctx,
    state: State,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let form = form.into_inner();
    let target = match super::enterprise::target(&ctx, Some(&path.into_inner()))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let specs: Vec<&Spec> = EVENT.iter().collect();
    let mut v = Violations::new();
    let fields = read_fields(&specs, &form, &mut v);
    let input = if v.is_empty() {
        patch::from_fields::<CreditEventInput>(fields).map_err(AppError::from)
    } else {
        Err(AppError::Validation(v))
    };
    let written = records::record_event(&state, &ctx.caller, Ok(target.code.clone()), input).await;
    match written {
        Ok(event) => Ok(see_other(
            &ctx,
            &records_href(
                &target.code,
                &format!("recorded={}", event.id),
                "events-title",
            ),
        )),
        Err(e) => {
            let v = violations(e)?;
            render_new_event(&ctx, &state, &target, &form, Some(&v)).await
        }
    }
}

// ---- Correct a record ------------------------------------------------------------------------

/// `GET /workspace/enterprises/{code}/{kind}/{id}`: the correction form, at the current version.
pub async fn correction(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, String, i64)>,
) -> AppResult<HttpResponse> {
    let (code, segment, id) = path.into_inner();
    let target = match super::enterprise::target(&ctx, Some(&code))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let kind = KindPage::of(&segment)?;
    let draft = records::correction_draft(&state, &ctx.caller, kind.kind, &target.code, id).await?;
    render_correction(&ctx, &state, &target, kind, id, &draft, None, None).await
}

/// Why a correction comes back: its input was refused, or the record changed meanwhile.
enum Refused<'a> {
    Invalid(&'a HashMap<String, String>, Violations),
    /// The version the form was opened at, and what was typed.
    Stale(i64, &'a HashMap<String, String>),
}

#[allow(clippy::too_many_arguments)]
async fn render_correction(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    kind: &KindPage,
    id: i64,
    draft: &records::CorrectionDraft,
    refused: Option<&Refused<'_>>,
    reason: Option<&str>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let head = head(ctx, state, target, "/workspace/records").await?;
    let title = t_args(lang, kind.title, &[("id", &id.to_string())]);
    let specs = kind.fields();
    let code = &target.code;
    let action = format!("/workspace/enterprises/{code}/{}/{id}", kind.segment);
    let current = |s: &Spec| shown(s.widget, draft.fields.get(s.name));
    let (errors, typed) = match refused {
        Some(Refused::Invalid(typed, v)) => (Some(v), Some(*typed)),
        Some(Refused::Stale(_, typed)) => (None, Some(*typed)),
        None => (None, None),
    };
    let value_of = |s: &Spec| match typed {
        Some(typed) => val(typed, s.name).to_string(),
        None => current(s),
    };
    let mut names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    names.push("reason");
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(Refused::Stale(opened, typed)) = refused {
            div class="notice warning" role="alert" id="stale" {
                h2 { (t(lang, "fix-stale-title")) }
                p { (t_args(lang, "fix-stale-body", &[("opened", &opened.to_string()), ("now", &draft.version.to_string())])) }
                p { a class="button" href=(action) { (t(lang, "fix-stale-reload")) } }
            }
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "fix-stale-compare")) {
                table {
                    caption { (t(lang, "fix-stale-compare")) }
                    thead { tr {
                        th scope="col" { (t(lang, "fix-field")) }
                        th scope="col" { (t(lang, "fix-now")) }
                        th scope="col" { (t(lang, "fix-yours")) }
                    } }
                    tbody {
                        @for s in &specs {
                            @let now = current(s);
                            @let yours = val(typed, s.name).trim().to_string();
                            tr class=[(now != yours).then_some("changed")] {
                                th scope="row" { (t(lang, s.label)) }
                                td { (shown_label(lang, s, &now)) }
                                td { (shown_label(lang, s, &yours)) }
                            }
                        }
                    }
                }
            }
        } @else {
            p class="hint" { (t(lang, "fix-about")) }
            (form_errors(lang, errors, &names))
            form method="post" action=(action) class="form-grid" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(draft.version);
                (render_fields(lang, &specs, &value_of, errors))
                (textarea(lang, "reason", t(lang, "fix-reason"), reason.unwrap_or(""), true, errors))
                div class="actions" {
                    button type="submit" class="button" { (t(lang, "fix-save")) }
                    " "
                    a href=(records_href(code, "", kind.section)) { (t(lang, "fix-cancel")) }
                }
            }
        }
        p { a href=(format!("/workspace/history?enterprise={code}&entity={}", entity_of(kind.kind))) { (t(lang, "fix-history")) } }
    };
    let status = match refused {
        Some(Refused::Invalid(..)) => StatusCode::UNPROCESSABLE_ENTITY,
        Some(Refused::Stale(..)) => StatusCode::CONFLICT,
        None => StatusCode::OK,
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// A value in the comparison of a stale correction: a closed-set value by its label.
fn shown_label(lang: Lang, spec: &Spec, value: &str) -> String {
    match spec.widget {
        _ if value.is_empty() => "—".into(),
        Widget::Choice { catalog, .. } => t_value(lang, catalog, value),
        _ => value.to_string(),
    }
}

fn entity_of(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Operating => "operating_record",
        RecordKind::CreditEvent => "credit_event",
        RecordKind::Sentiment => "sentiment_record",
        RecordKind::Association => "association",
    }
}

/// `POST /workspace/enterprises/{code}/{kind}/{id}`: the correction, written over the version
/// the form was opened at.
pub async fn correct(
    ctx: Ctx,
    state: State,
    path: web::Path<(String, String, i64)>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let form = form.into_inner();
    let (code, segment, id) = path.into_inner();
    let target = match super::enterprise::target(&ctx, Some(&code))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let kind = KindPage::of(&segment)?;
    let specs = kind.fields();
    let mut v = Violations::new();
    let mut fields = read_fields(&specs, &form, &mut v);
    let reason = val(&form, "reason").trim();
    if reason.is_empty() {
        v.add("reason", "is required: it is kept in the record's history");
    } else {
        fields.insert("reason".into(), Value::from(reason));
    }
    // A form always names the version it was opened at; without one it was not sent by a form.
    let opened = val(&form, "version").trim().parse::<i64>().ok();
    let expected = opened.map_or(ExpectedVersion::Missing, ExpectedVersion::Exactly);
    let written = if v.is_empty() {
        records::correct_fields(
            &state,
            &ctx.caller,
            kind.kind,
            &target.code,
            id,
            fields,
            expected,
        )
        .await
    } else {
        // The access decision comes first, as the service would make it.
        service::require_keeper(&ctx.caller)?;
        Err(AppError::Validation(v))
    };
    match written {
        Ok(version) => Ok(see_other(
            &ctx,
            &records_href(
                &target.code,
                &format!("corrected={id}&version={version}"),
                kind.section,
            ),
        )),
        Err(AppError::PreconditionFailed(_)) => {
            let draft =
                records::correction_draft(&state, &ctx.caller, kind.kind, &target.code, id).await?;
            let refused = Refused::Stale(opened.unwrap_or_default(), &form);
            render_correction(
                &ctx,
                &state,
                &target,
                kind,
                id,
                &draft,
                Some(&refused),
                None,
            )
            .await
        }
        Err(e) => {
            let v = violations(e)?;
            let draft =
                records::correction_draft(&state, &ctx.caller, kind.kind, &target.code, id).await?;
            // The form keeps the version it was opened at, not the one read now.
            let draft = records::CorrectionDraft {
                version: opened.unwrap_or(draft.version),
                ..draft
            };
            let refused = Refused::Invalid(&form, v);
            render_correction(
                &ctx,
                &state,
                &target,
                kind,
                id,
                &draft,
                Some(&refused),
                Some(reason),
            )
            .await
        }
    }
}
