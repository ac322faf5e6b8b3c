//! The enterprise workspace: the dashboard (grade, score, radar of the dimensions, grade trend,
//! reasons in plain words, the way up, list memberships, open items), its records (operating,
//! events, sentiment, associations) and their change history, submissions (operating periods
//! and basic changes, with their findings), credit-repair applications, report authorisations,
//! the query log, and its own full report. Objections and commitments have their own modules.
//!
//! Every page is for the signed-in enterprise user of that enterprise; regulators and admins
//! may read them for any enterprise (`?enterprise=CODE`), as the service allows. The public is
//! sent to sign in; everyone else gets the service's refusal (the 403 page). The write forms
//! are shown to the enterprise itself only, and the service refuses them to anyone else.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{self, Field, check_csrf, csrf_field, field_errors, form_errors};
use super::i18n::{
    Lang, format_date, format_date_time, format_large_money, format_number, format_percent, t,
    t_args, t_value, t_value_or_raw,
};
use super::layout::{page, page_with_status, pager, pager_of, see_other};
use super::public::{grade_badge, industry, path_code, status_badge};
use super::session::{Ctx, State};
use crate::domain::Violations;
use crate::domain::authorization::{
    AuthorizationInput, AuthorizationPurpose, AuthorizationScope, status_at,
};
use crate::domain::enterprise::BusinessModel;
use crate::domain::records::{CreditEventStatus, DataSource, OperatingInput, Polarity};
use crate::domain::repairs::{EvidenceLink, RepairInput};
use crate::domain::submission::{SubmissionInput, SubmissionStatus};
use crate::error::{AppError, AppResult};
use crate::report::document::ReportKind;
use crate::report::svg;
use crate::scoring::grade::Grade;
use crate::service::{
    self, PageRequest, authorizations, history, lists, repairs, reports, submissions, workspace,
};

pub(super) const PER_PAGE: u32 = 20;

/// Whose workspace a request shows: `?enterprise=CODE`, else the signed-in enterprise's own.
pub struct Target {
    pub code: String,
    /// The caller is the enterprise itself (the write forms are for it only).
    pub is_self: bool,
}

impl Target {
    /// `path` for this enterprise: with `?enterprise=` unless it is the caller's own.
    pub(super) fn href(&self, path: &str) -> String {
        if self.is_self {
            path.to_string()
        } else {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}enterprise={}", self.code)
        }
    }

    pub(super) fn query(&self) -> Vec<(&'static str, &str)> {
        if self.is_self {
            vec![]
        } else {
            vec![("enterprise", self.code.as_str())]
        }
    }
}

/// The sign-in redirect for the public.
pub(super) fn to_sign_in(ctx: &Ctx) -> HttpResponse {
    let next = form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>();
    see_other(ctx, &format!("/sign-in?next={next}"))
}

/// The enterprise of the request, or the answer to give instead (sign in first). Whether the
/// caller may see it is the service's decision, made by the page's first read.
pub(super) fn target(
    ctx: &Ctx,
    requested: Option<&str>,
) -> AppResult<Result<Target, HttpResponse>> {
    let Some(principal) = ctx.principal() else {
        return Ok(Err(to_sign_in(ctx)));
    };
    let code = match requested.filter(|c| !c.trim().is_empty()) {
        Some(raw) => path_code(raw.trim())?,
        None => match &principal.enterprise {
            Some(own) => own.clone(),
            None => {
                return Err(AppError::Forbidden(
                    "the enterprise workspace is an enterprise's own: name one with ?enterprise=CODE"
                        .into(),
                ));
            }
        },
    };
    let is_self = ctx.viewer().require_enterprise_self(&code).is_ok();
    Ok(Ok(Target { code, is_self }))
}

/// Does this request ask for an enterprise's workspace (an enterprise user, or `?enterprise=`)?
pub fn wants_dashboard(ctx: &Ctx, requested: Option<&str>) -> bool {
    requested.is_some_and(|c| !c.trim().is_empty())
        || ctx.principal().is_some_and(|p| p.enterprise.is_some())
}

const SECTIONS: [(&str, &str); 9] = [
    ("/workspace", "ws-nav-dashboard"),
    ("/workspace/records", "ws-nav-records"),
    ("/workspace/history", "ws-nav-history"),
    ("/workspace/submissions", "ws-nav-submissions"),
    ("/workspace/objections", "ws-nav-objections"),
    ("/workspace/commitments", "ws-nav-commitments"),
    ("/workspace/repairs", "ws-nav-repairs"),
    ("/workspace/authorizations", "ws-nav-authorizations"),
    ("/workspace/query-log", "ws-nav-query-log"),
];

/// The heading of every workspace page: the enterprise, a read-only note for keepers, and the
/// workspace's sections.
pub(super) async fn head(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    current: &str,
) -> AppResult<Markup> {
    let lang = ctx.lang;
    let stored = service::enterprises::get(state, &target.code).await?;
    let path = ctx.path.split('?').next().unwrap_or("");
    Ok(html! {
        div class="ws-head" {
            p class="ws-enterprise" {
                a href=(format!("/enterprises/{}", target.code)) { (stored.enterprise.name) }
                " " code class="small" { (target.code) }
            }
            @if !target.is_self {
                @if service::is_keeper(&ctx.caller) {
                    p class="notice" { (t(lang, "ws-keeper-note")) }
                } @else {
                    p class="notice warning" { (t(lang, "ws-read-only")) }
                }
            }
            nav class="ws-nav" aria-label=(t(lang, "ws-nav-label")) {
                ul {
                    @for (href, key) in SECTIONS {
                        li {
                            a href=(target.href(href)) hx-get=(target.href(href)) hx-target="#main" hx-push-url="true"
                                aria-current=[(path == href || current == href).then_some("page")] {
                                (t(lang, key))
                            }
                        }
                    }
                }
            }
        }
    })
}

pub(super) fn notice_ok(text: String) -> Markup {
    html! { div class="notice success" role="status" { p { (text) } } }
}

/// A labelled `<select>` with its errors beside it.
pub(super) fn select(
    lang: Lang,
    name: &str,
    label: String,
    options: &[(String, String)],
    selected: &str,
    errors: Option<&Violations>,
) -> Markup {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let mine = forms::errors_of(errors, name);
    html! {
        div class=(if mine.is_empty() { "field" } else { "field has-error" }) {
            label for=(id) { (label) }
            select id=(id) name=(name) required
                aria-invalid=[(!mine.is_empty()).then_some("true")]
                aria-describedby=[(!mine.is_empty()).then_some(error_id.as_str())] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            (field_errors(lang, &error_id, &mine))
        }
    }
}

/// A labelled `<textarea>` with its errors beside it.
pub(super) fn textarea(
    lang: Lang,
    name: &str,
    label: String,
    value: &str,
    required: bool,
    errors: Option<&Violations>,
) -> Markup {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let mine = forms::errors_of(errors, name);
    html! {
        div class=(if mine.is_empty() { "field" } else { "field has-error" }) {
            label for=(id) { (label) }
            textarea id=(id) name=(name) rows="4" required[required] class="prose"
                aria-invalid=[(!mine.is_empty()).then_some("true")]
                aria-describedby=[(!mine.is_empty()).then_some(error_id.as_str())] { (value) }
            (field_errors(lang, &error_id, &mine))
        }
    }
}

/// The form's value of `name` (blank when not sent).
pub(super) fn val<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", |v| v.as_str())
}

/// The validation errors of `error`, or the error itself.
pub(super) fn violations(error: AppError) -> AppResult<Violations> {
    match error {
        AppError::Validation(v) => Ok(v),
        other => Err(other),
    }
}

/// Violations whose field starts with `prefix` renamed without it (`operating[0].period` →
/// `period`), and others renamed by `rename`.
pub(super) fn rename(v: Violations, prefix: &str, rename: &[(&str, &str)]) -> Violations {
    let mut out = Violations::new();
    for e in v.0 {
        let mut field = e.field.strip_prefix(prefix).unwrap_or(&e.field).to_string();
        for (from, to) in rename {
            if field == *from || field.starts_with(&format!("{from}.")) {
                field = to.to_string();
            }
        }
        out.add(&field, e.message);
    }
    out
}

// ------------------------------------------------------------------------------------------
// Dashboard

#[derive(Debug, Deserialize)]
pub struct EnterpriseQuery {
    pub enterprise: Option<String>,
}

/// The dashboard: `GET /workspace` for an enterprise user (or a keeper with `?enterprise=`).
pub async fn dashboard(ctx: Ctx, state: State, requested: Option<&str>) -> AppResult<HttpResponse> {
    let target = match target(&ctx, requested)? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let lang = ctx.lang;
    let score = workspace::dashboard(&state, &ctx.caller, &target.code, lang).await?;
    let head = head(&ctx, &state, &target, "/workspace").await?;
    let (_, memberships) = lists::of_enterprise(&state, &ctx.caller, &target.code).await?;
    let open = workspace::open_items(&state, &ctx.caller, &target.code).await?;
    let history = service::scores::history(
        &state,
        &ctx.caller,
        &target.code,
        PageRequest::new(Some(1), Some(TREND_SCORES)),
    )
    .await?;
    let trend = grade_points(lang, &history.rows);
    let way_up = match &score {
        Some(_) => match service::scores::way_up(&state, &ctx.caller, &target.code).await {
            Ok(answer) => Some(answer),
            // No active registry model: the score stands, there is no way up to compute.
            Err(AppError::Conflict(_)) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    let today = lists::today(&state);
    let title = t(lang, "ws-dashboard-title");
    let content = html! {
        (head)
        h1 { (title) }
        @match &score {
            None => { p class="empty" { (t(lang, "profile-not-scored")) } }
            Some(d) => {
                section class="ws-rating" aria-labelledby="rating-title" {
                    h2 id="rating-title" class="visually-hidden" { (t(lang, "ws-rating")) }
                    div class="grade-box" {
                        p class="label" { (t(lang, "profile-grade")) }
                        (grade_badge(lang, &d.row.grade))
                        p class="grade-meaning" { (t_value(lang, "grade-meaning", &d.row.grade)) }
                    }
                    dl class="facts" {
                        dt { (t(lang, "ws-score")) } dd { (format!("{:.0}", d.row.score)) }
                        dt { (t(lang, "ws-percentile")) }
                        dd { (t_args(lang, "ws-percentile-value", &[("percent", &format_percent(lang, d.percentile))])) }
                        dt { (t(lang, "ws-as-of")) } dd { (format_date(lang, d.row.as_of)) }
                        dt { (t(lang, "ws-model")) } dd { code { (d.row.model_version) } }
                        @if d.row.upgrade_pending {
                            dt { (t(lang, "ws-upgrade")) } dd { (t(lang, "ws-upgrade-pending")) }
                        }
                    }
                }
                section aria-labelledby="dims-title" {
                    h2 id="dims-title" { (t(lang, "ws-dimensions")) }
                    div class="ws-dimensions" {
                        figure class="chart-box" {
                            (radar(lang, &d.dimensions))
                            figcaption class="hint" { (t(lang, "ws-radar-caption")) }
                        }
                        div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                            table {
                                caption class="visually-hidden" { (t(lang, "ws-dimensions")) }
                                thead { tr {
                                    th scope="col" { (t(lang, "ws-dimension")) }
                                    th scope="col" { (t(lang, "ws-points")) }
                                    th scope="col" { (t(lang, "ws-range")) }
                                } }
                                tbody {
                                    @for dim in &d.dimensions {
                                        tr {
                                            th scope="row" { (t_value(lang, "dimension", dim.dimension.as_str())) }
                                            td { (format!("{:.1}", dim.points)) }
                                            td { (format!("{:.1} – {:.1}", dim.min_points, dim.max_points)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section aria-labelledby="trend-title" {
                    h2 id="trend-title" { (t(lang, "ws-trend")) }
                    @if trend.len() < 2 {
                        p class="empty" { (t(lang, "ws-trend-short")) }
                    } @else {
                        figure class="chart-box trend-box" {
                            (svg::grade_trend(&trend, &t(lang, "ws-trend-aria")))
                            figcaption class="hint" {
                                (t_args(lang, "ws-trend-caption", &[
                                    ("count", &trend.len().to_string()),
                                    ("first", &trend[0].title),
                                    ("last", &trend[trend.len() - 1].title),
                                ]))
                            }
                        }
                    }
                }
                section aria-labelledby="reasons-title" {
                    h2 id="reasons-title" { (t(lang, "ws-reasons")) }
                    div class="ws-reasons" {
                        div class="reason-col up" {
                            h3 { (t(lang, "ws-reasons-raised")) }
                            (reason_list(lang, &d.reasons.raised))
                        }
                        div class="reason-col down" {
                            h3 { (t(lang, "ws-reasons-lowered")) }
                            (reason_list(lang, &d.reasons.lowered))
                        }
                    }
                }
                @if let Some(answer) = &way_up { (way_up_section(lang, answer)) }
            }
        }
        section aria-labelledby="lists-title" {
            h2 id="lists-title" { (t(lang, "profile-lists")) }
            @if memberships.is_empty() {
                p class="empty" { (t(lang, "profile-no-lists")) }
            } @else {
                ul class="memberships" {
                    @for m in &memberships {
                        li {
                            span class=(format!("badge list-{}", m.list)) { (t_value(lang, "list", &m.list)) }
                            " " (m.reason)
                            " · " (t_args(lang, "list-since", &[("date", &format_date(lang, m.starts_on))]))
                            @if let Some(until) = m.expires_on {
                                " · " (t_args(lang, "list-until", &[("date", &format_date(lang, until))]))
                            }
                            " · " (t_value(lang, "entry-state", m.state(today).as_str()))
                        }
                    }
                }
            }
        }
        section aria-labelledby="open-title" {
            h2 id="open-title" { (t(lang, "ws-open-items")) }
            ul class="ws-open" {
                li {
                    a href=(target.href("/workspace/submissions")) {
                        (t_args(lang, "ws-open-submissions", &[("count", &format_number(lang, open.held_submissions))]))
                    }
                }
                li {
                    a href=(target.href("/workspace/objections")) {
                        (t_args(lang, "ws-open-objections", &[("count", &format_number(lang, open.open_objections))]))
                    }
                }
                li {
                    a href=(target.href("/workspace/commitments")) {
                        (t_args(lang, "ws-open-commitments", &[("count", &format_number(lang, open.pending_commitments))]))
                    }
                }
                li {
                    a href=(target.href("/workspace/repairs")) {
                        (t_args(lang, "ws-open-repairs", &[("count", &format_number(lang, open.pending_repairs))]))
                    }
                }
            }
        }
        @if target.is_self { section aria-labelledby="report-title" class="report-box" {
            h2 id="report-title" { (t(lang, "ws-report")) }
            p { (t(lang, "ws-report-note")) }
            form method="post" action="/workspace/reports" {
                (csrf_field(&ctx))
                input type="hidden" name="enterprise" value=(target.code);
                button type="submit" class="button" { (t(lang, "ws-report-button")) }
            }
        } }
    };
    Ok(page(&ctx, &title, content))
}

/// Scores the dashboard's grade trend shows at most (the latest).
const TREND_SCORES: u32 = 24;

/// The grade trend's points, oldest first, from scores newest first: one per day scored (the
/// day's last score).
fn grade_points(lang: Lang, newest_first: &[service::scores::ScoreRow]) -> Vec<svg::GradePoint> {
    let mut points: Vec<svg::GradePoint> = Vec::new();
    let mut last_day = None;
    for row in newest_first.iter() {
        if last_day == Some(row.as_of) {
            continue;
        }
        last_day = Some(row.as_of);
        let Some(grade) = Grade::parse(&row.grade) else {
            continue;
        };
        points.push(svg::GradePoint {
            label: format_date(lang, row.as_of),
            grade,
            title: t_args(
                lang,
                "ws-trend-point",
                &[
                    ("date", &format_date(lang, row.as_of)),
                    ("grade", grade.as_str()),
                    ("score", &format!("{:.0}", row.score)),
                ],
            ),
        });
    }
    points.reverse();
    points
}

/// The radar of the dimensions, labelled in the page's language.
fn radar(lang: Lang, dimensions: &[crate::report::document::DimensionScore]) -> Markup {
    let axis = |d: &crate::report::document::DimensionScore| {
        (
            t_value(lang, "dimension", d.dimension.as_str()),
            format!("{:.1} / {:.1}", d.points, d.max_points),
        )
    };
    svg::radar_with(
        dimensions,
        &svg::RadarText {
            axis: &axis,
            aria_label: &t(lang, "ws-radar-aria"),
            title: &t(lang, "ws-radar-caption"),
        },
    )
}

/// The way up: the changes that would move the enterprise to the next grade.
fn way_up_section(lang: Lang, answer: &service::scores::WayUpAnswer) -> Markup {
    let up = &answer.way_up;
    let together: Vec<&str> = up.together.as_ref().map_or(vec![], |(indices, _)| {
        indices
            .iter()
            .map(|&i| up.changes[i].feature.as_str())
            .collect()
    });
    html! {
        section aria-labelledby="way-up-title" class="way-up" {
            h2 id="way-up-title" { (t(lang, "ws-way-up")) }
            @match up.next_grade {
                None => p { (t(lang, "ws-way-up-top")) },
                Some(next) => {
                    p {
                        (t_args(lang, "ws-way-up-intro", &[
                            ("grade", up.grade.as_str()),
                            ("next", next.as_str()),
                            ("score", &format!("{:.0}", up.score)),
                            ("needed", &format!("{:.0}", up.next_grade_score.unwrap_or(up.score))),
                        ]))
                    }
                    @if !answer.capped_by.is_empty() {
                        p class="notice warning" { (t(lang, "ws-way-up-capped")) }
                    }
                    @if up.changes.is_empty() {
                        p class="empty" { (t(lang, "ws-way-up-none")) }
                    } @else {
                        div class="table-wrap" tabindex="0" role="region" aria-labelledby="way-up-title" {
                            table {
                                thead { tr {
                                    th scope="col" { (t(lang, "ws-way-up-change")) }
                                    th scope="col" { (t(lang, "ws-way-up-now")) }
                                    th scope="col" class="num" { (t(lang, "ws-way-up-points")) }
                                    th scope="col" class="num" { (t(lang, "ws-way-up-after")) }
                                } }
                                tbody {
                                    @for c in &up.changes {
                                        tr {
                                            td {
                                                (crate::i18n::reasons::bin_text(lang, &c.feature, &c.reach))
                                                @if together.contains(&c.feature.as_str()) {
                                                    " " span class="badge together" { (t(lang, "ws-way-up-together-mark")) }
                                                }
                                            }
                                            td { (crate::i18n::reasons::bin_text(lang, &c.feature, &c.from_bin)) }
                                            td class="num" { (format!("{:+.1}", c.points)) }
                                            td class="num" { (format!("{:.0}", c.score_after)) " · " (c.grade_after.as_str()) }
                                        }
                                    }
                                }
                            }
                        }
                        @match &up.together {
                            Some((indices, score)) => p {
                                (t_args(lang, "ws-way-up-together", &[
                                    ("count", &indices.len().to_string()),
                                    ("next", next.as_str()),
                                    ("score", &format!("{score:.0}")),
                                ]))
                            },
                            None => p { (t_args(lang, "ws-way-up-not-enough", &[("next", next.as_str())])) },
                        }
                    }
                }
            }
            p class="hint" { (t(lang, "way-up-caveat")) }
        }
    }
}

fn reason_list(lang: Lang, reasons: &[crate::scoring::scorecard::Reason]) -> Markup {
    html! {
        @if reasons.is_empty() {
            p class="empty" { (t(lang, "ws-reasons-none")) }
        } @else {
            ul {
                @for r in reasons {
                    li {
                        @if let Some(d) = r.dimension {
                            strong { (t_value(lang, "dimension", d.as_str())) } ": "
                        }
                        (r.text)
                        " · " (t_args(lang, "ws-reason-impact", &[("points", &format!("{:+.1}", r.impact))]))
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Records and history

#[derive(Debug, Deserialize)]
pub struct RecordsQuery {
    pub enterprise: Option<String>,
    pub page: Option<u32>,
    pub events_page: Option<u32>,
    pub sentiment_page: Option<u32>,
    pub links_page: Option<u32>,
    /// The credit event a keeper just recorded, for its notice.
    pub recorded: Option<i64>,
    /// The record a keeper just corrected, and its new version, for the notice.
    pub corrected: Option<i64>,
    pub version: Option<i64>,
}

/// The tone of a sentiment polarity in [-1, 1], as a catalog value.
fn tone(polarity: f64) -> &'static str {
    use crate::domain::sentiment::{NEGATIVE_BELOW, POSITIVE_ABOVE};
    if polarity > POSITIVE_ABOVE {
        "positive"
    } else if polarity < NEGATIVE_BELOW {
        "negative"
    } else {
        "neutral"
    }
}

fn opt_percent(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format_percent(lang, x))
}

fn opt_number(lang: Lang, v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |x| format_number(lang, x))
}

/// `GET /workspace/records`: the basic record, the operating records, the credit events, the
/// sentiment items and the associations, each section with its own pager.
pub async fn records(
    ctx: Ctx,
    state: State,
    query: web::Query<RecordsQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let lang = ctx.lang;
    let operating = workspace::operating_records(
        &state,
        &ctx.caller,
        &target.code,
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await?;
    let events = workspace::credit_events(
        &state,
        &ctx.caller,
        &target.code,
        PageRequest::new(query.events_page, Some(PER_PAGE))?,
    )
    .await?;
    let sentiment = service::records::sentiment_records(
        &state,
        &ctx.caller,
        &target.code,
        PageRequest::new(query.sentiment_page, Some(PER_PAGE)),
    )
    .await?;
    let links = service::records::associations(
        &state,
        &ctx.caller,
        &target.code,
        PageRequest::new(query.links_page, Some(PER_PAGE)),
    )
    .await?;
    let head = head(&ctx, &state, &target, "/workspace/records").await?;
    let stored = service::enterprises::get(&state, &target.code).await?;
    let e = &stored.enterprise;
    let title = t(lang, "ws-records-title");
    // Keepers record and correct from here; the links are shown to them only, the service
    // refuses everyone else.
    let keeper = !target.is_self && service::is_keeper(&ctx.caller);
    let code = target.code.as_str();
    let fix = |segment: &str, id: i64| -> Markup {
        html! {
            @if keeper {
                td { a class="button small secondary" href=(format!("/workspace/enterprises/{code}/{segment}/{id}")) { (t(lang, "fix-correct")) } }
            }
        }
    };
    let fix_head = html! { @if keeper { th scope="col" { span class="visually-hidden" { (t(lang, "fix-correct")) } } } };
    // Each section's pager keeps the other sections where they are.
    let pages = [
        ("page", operating.request.page.to_string()),
        ("events_page", events.request.page.to_string()),
        ("sentiment_page", sentiment.request.page.to_string()),
        ("links_page", links.request.page.to_string()),
    ];
    let others = |param: &str| {
        let mut q = target.query();
        q.extend(
            pages
                .iter()
                .filter(|(p, _)| *p != param)
                .map(|(p, v)| (*p, v.as_str())),
        );
        q
    };
    let op_query = others("page");
    let ev_query = others("events_page");
    let sentiment_query = others("sentiment_page");
    let links_query = others("links_page");
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(id) = query.recorded {
            (notice_ok(t_args(lang, "fix-recorded", &[("id", &id.to_string())])))
        }
        @if let (Some(id), Some(version)) = (query.corrected, query.version) {
            (notice_ok(t_args(lang, "fix-corrected", &[("id", &id.to_string()), ("version", &version.to_string())])))
        }
        section aria-labelledby="basic-title" {
            h2 id="basic-title" { (t(lang, "profile-basic")) }
            dl class="facts" {
                dt { (t(lang, "field-name")) } dd { (e.name) }
                dt { (t(lang, "field-status")) } dd { (status_badge(lang, e.status.as_str())) }
                dt { (t(lang, "field-legal-rep")) } dd { (e.legal_representative) }
                dt { (t(lang, "field-capital")) } dd { (format_large_money(lang, e.registered_capital)) }
                dt { (t(lang, "field-established")) } dd { (format_date(lang, e.established_on)) }
                dt { (t(lang, "field-region")) } dd { (e.region_code) }
                dt { (t(lang, "field-industry")) } dd { (industry(lang, &e.industry)) }
                dt { (t(lang, "field-business-models")) }
                dd { @for (i, m) in e.business_models.iter().enumerate() {
                    @if i > 0 { ", " } (t_value(lang, "model", m.as_str()))
                } }
            }
        }
        section aria-labelledby="operating-title" {
            h2 id="operating-title" { (t(lang, "ws-operating")) }
            @if operating.rows.is_empty() {
                p class="empty" { (t(lang, "ws-operating-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "op-period")) }
                            th scope="col" { (t(lang, "op-online_sales")) }
                            th scope="col" { (t(lang, "op-orders")) }
                            th scope="col" { (t(lang, "op-refund_rate")) }
                            th scope="col" { (t(lang, "op-complaints")) }
                            th scope="col" { (t(lang, "op-on_time_delivery_rate")) }
                            th scope="col" { (t(lang, "op-positive_review_rate")) }
                            th scope="col" { (t(lang, "op-source")) }
                            th scope="col" { (t(lang, "op-review")) }
                            (fix_head)
                        } }
                        tbody {
                            @for s in &operating.rows {
                                @let r = &s.record;
                                tr {
                                    th scope="row" { (r.period_label) }
                                    td { (format_large_money(lang, r.online_sales)) }
                                    td { (format_number(lang, r.orders)) }
                                    td { (opt_percent(lang, r.refund_rate)) }
                                    td { (opt_number(lang, r.complaints)) }
                                    td { (opt_percent(lang, r.on_time_delivery_rate)) }
                                    td { (opt_percent(lang, r.positive_review_rate)) }
                                    td { (t_value(lang, "source", r.source.as_str())) }
                                    td { (t_value(lang, "review", r.review_status.as_str())) }
                                    (fix("operating-records", s.id))
                                }
                            }
                        }
                    }
                }
                (pager_of(lang, "/workspace/records", &op_query, "page", operating.request.page, operating.request.per_page, operating.total))
            }
        }
        section aria-labelledby="events-title" {
            h2 id="events-title" { (t(lang, "ws-events")) }
            @if keeper {
                p { a class="button" href=(format!("/workspace/enterprises/{code}/credit-events/new")) { (t(lang, "fix-new-event-title")) } }
            }
            @if events.rows.is_empty() {
                p class="empty" { (t(lang, "profile-no-events")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "event-date")) }
                            th scope="col" { (t(lang, "event-kind")) }
                            th scope="col" { (t(lang, "event-title")) }
                            th scope="col" { (t(lang, "event-authority")) }
                            th scope="col" { (t(lang, "event-severity")) }
                            th scope="col" { (t(lang, "ws-event-status")) }
                            th scope="col" { (t(lang, "ws-publicity-until")) }
                            (fix_head)
                        } }
                        tbody {
                            @for ev in &events.rows {
                                @let r = &ev.record;
                                tr class=(format!("polarity-{}", r.polarity.as_str())) {
                                    td { (ev.id) }
                                    td { (format_date(lang, r.decided_on)) }
                                    td { (t_value(lang, "event-kind", r.kind.as_str())) }
                                    td { (r.title) }
                                    td { (r.authority) }
                                    td { (t_value(lang, "severity", r.severity.as_str())) }
                                    td { (t_value(lang, "event-status", r.status.as_str())) }
                                    td { (r.publicity_until.map_or_else(|| "—".into(), |d| format_date(lang, d))) }
                                    (fix("credit-events", ev.id))
                                }
                            }
                        }
                    }
                }
                (pager_of(lang, "/workspace/records", &ev_query, "events_page", events.request.page, events.request.per_page, events.total))
            }
        }
        section aria-labelledby="sentiment-title" {
            h2 id="sentiment-title" { (t(lang, "ws-sentiment")) }
            @if sentiment.rows.is_empty() {
                p class="empty" { (t(lang, "ws-sentiment-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "sent-published")) }
                            th scope="col" { (t(lang, "sent-source")) }
                            th scope="col" { (t(lang, "sent-title")) }
                            th scope="col" { (t(lang, "sent-polarity")) }
                            th scope="col" { (t(lang, "sent-topic")) }
                            (fix_head)
                        } }
                        tbody {
                            @for item in &sentiment.rows {
                                @let r = &item.record;
                                tr {
                                    td { (item.id) }
                                    td { (format_date(lang, r.published_at.date())) }
                                    td { (t_value(lang, "sent-kind", r.source_kind.as_str())) " · " (r.source_name) }
                                    td {
                                        @if let Some(url) = &r.url { a href=(url) rel="noopener noreferrer" { (r.title) } } @else { (r.title) }
                                        @if let Some(x) = &r.excerpt { p class="hint" { (x) } }
                                    }
                                    td {
                                        span class=(format!("badge tone-{}", tone(r.polarity))) { (t_value(lang, "sent-tone", tone(r.polarity))) }
                                        " " span class="small" { (format!("{:+.2}", r.polarity)) }
                                    }
                                    td { (r.topic.as_deref().map_or_else(|| "—".to_string(), |topic| topic_label(lang, topic))) }
                                    (fix("sentiment", item.id))
                                }
                            }
                        }
                    }
                }
                (pager_of(lang, "/workspace/records", &sentiment_query, "sentiment_page", sentiment.request.page, sentiment.request.per_page, sentiment.total))
            }
        }
        section aria-labelledby="links-title" {
            h2 id="links-title" { (t(lang, "ws-associations")) }
            @if links.rows.is_empty() {
                p class="empty" { (t(lang, "ws-associations-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "assoc-kind")) }
                            th scope="col" { (t(lang, "assoc-party")) }
                            th scope="col" { (t(lang, "assoc-share")) }
                            th scope="col" { (t(lang, "assoc-amount")) }
                            th scope="col" { (t(lang, "assoc-valid")) }
                            (fix_head)
                        } }
                        tbody {
                            @for link in &links.rows {
                                @let r = &link.record;
                                tr {
                                    td { (link.id) }
                                    td { (t_value(lang, "assoc-kind", r.kind.as_str())) }
                                    td {
                                        @if let Some(code) = &r.related_code {
                                            a href=(format!("/enterprises/{code}")) { (r.related_name) } " " code class="small" { (code.to_string()) }
                                        } @else { (r.related_name) }
                                        @if let Some(x) = &r.note { p class="hint" { (x) } }
                                    }
                                    td { (opt_percent(lang, r.share_ratio)) }
                                    td { (r.amount.map_or_else(|| "—".into(), |a| format_large_money(lang, a))) }
                                    td {
                                        (r.valid_from.map_or_else(|| "…".into(), |d| format_date(lang, d)))
                                        " – "
                                        (r.valid_until.map_or_else(|| "…".into(), |d| format_date(lang, d)))
                                    }
                                    (fix("associations", link.id))
                                }
                            }
                        }
                    }
                }
                (pager_of(lang, "/workspace/records", &links_query, "links_page", links.request.page, links.request.per_page, links.total))
            }
        }
        p { a href=(target.href("/workspace/history")) { (t(lang, "ws-history-link")) } }
    };
    Ok(page(&ctx, &title, content))
}

#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    pub enterprise: Option<String>,
    pub entity: Option<String>,
    pub page: Option<u32>,
}

/// `GET /workspace/history?entity=…`: the change history, paged, optionally of one kind.
pub async fn change_history(
    ctx: Ctx,
    state: State,
    query: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let lang = ctx.lang;
    let entity = query.entity.clone().filter(|e| !e.is_empty());
    let read = history::changes(
        &state,
        &ctx.caller,
        &target.code,
        entity.clone(),
        PageRequest::new(query.page, Some(PER_PAGE))?,
    )
    .await;
    let (rows, errors) = match read {
        Ok(rows) => (Some(rows), None),
        Err(e) => (None, Some(violations(e)?)),
    };
    let head = head(&ctx, &state, &target, "/workspace/history").await?;
    let title = t(lang, "ws-history-title");
    let entity_value = entity.clone().unwrap_or_default();
    let mut options = vec![(String::new(), t(lang, "ws-history-all"))];
    options.extend(
        history::ENTITIES
            .iter()
            .map(|e| (e.to_string(), t_value(lang, "entity", e))),
    );
    let mut paging_query = target.query();
    paging_query.push(("entity", &entity_value));
    let content = html! {
        (head)
        h1 { (title) }
        form method="get" action="/workspace/history" class="filter" hx-get="/workspace/history" hx-target="#main" hx-push-url="true" {
            @if !target.is_self { input type="hidden" name="enterprise" value=(target.code); }
            (select(lang, "entity", t(lang, "ws-history-entity"), &options, &entity_value, errors.as_ref()))
            button type="submit" class="button" { (t(lang, "ws-filter")) }
        }
        @if let Some(rows) = &rows {
            p class="count" role="status" { (t_args(lang, "ws-history-count", &[("count", &format_number(lang, rows.total))])) }
            @if rows.rows.is_empty() {
                p class="empty" { (t(lang, "ws-history-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-when")) }
                            th scope="col" { (t(lang, "ws-history-entity")) }
                            th scope="col" { (t(lang, "ws-history-action")) }
                            th scope="col" { (t(lang, "ws-history-actor")) }
                            th scope="col" { (t(lang, "op-source")) }
                            th scope="col" { (t(lang, "ws-history-changes")) }
                        } }
                        tbody {
                            @for h in &rows.rows {
                                tr {
                                    td { (format_date_time(lang, h.changed_at)) }
                                    td { (t_value_or_raw(lang, "entity", &h.entity)) " " code class="small" { "#" (h.entity_id) } }
                                    td { (t_value_or_raw(lang, "action", &h.action)) }
                                    td { (h.actor) " (" (t_value_or_raw(lang, "role", &h.actor_role)) ")" }
                                    td { (t_value_or_raw(lang, "source", &h.source)) }
                                    td {
                                        @if let Some(reason) = &h.reason { p class="hint" { (reason) } }
                                        ul class="changes" {
                                            @for c in h.field_changes() {
                                                li { code { (c.field) } ": " (show_change(&c.field, &c.before)) " → " (show_change(&c.field, &c.after)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/history", &paging_query, rows.request.page, rows.request.per_page, rows.total))
            }
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(&ctx, status, &title, content))
}

/// Personal data in the history is masked on every page of the console (the API shows it to
/// admins unmasked).
type Mask = fn(&str) -> String;

const PERSONAL_FIELDS: [(&str, Mask); 2] = [
    (
        "legal_rep_id_number",
        crate::domain::identity::mask_resident_id,
    ),
    ("legal_rep_phone", crate::domain::identity::mask_phone),
];

pub(super) fn show_change(field: &str, v: &serde_json::Value) -> String {
    match (
        PERSONAL_FIELDS.iter().find(|(f, _)| *f == field),
        v.as_str(),
    ) {
        (Some((_, mask)), Some(text)) => mask(text),
        _ => show_json(v),
    }
}

pub(super) fn show_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// ------------------------------------------------------------------------------------------
// Submissions

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub enterprise: Option<String>,
    pub page: Option<u32>,
    /// The id of what the last post made, for its result.
    pub done: Option<i64>,
    pub revoked: Option<i64>,
}

/// A sentiment item's topic in the page's language when the catalog knows it (`topic-*`, spaces
/// and hyphens as `_`), else as the source wrote it.
fn topic_label(lang: Lang, topic: &str) -> String {
    let key = format!("topic-{}", topic.replace([' ', '-'], "_"));
    if super::i18n::has(lang, &key) {
        t(lang, &key)
    } else {
        topic.to_string()
    }
}

/// A finding in the page's language: the field's label, then what was found in it.
pub(super) fn finding_line(lang: Lang, finding: &crate::domain::submission::Finding) -> Markup {
    let (label, text) = finding_words(lang, finding);
    html! { strong { (label) } (t(lang, "finding-separator")) (text) }
}

/// The label of a finding's field and its text, from the catalogs when the finding has a kind.
fn finding_words(lang: Lang, finding: &crate::domain::submission::Finding) -> (String, String) {
    let name = finding
        .field
        .rsplit('.')
        .next()
        .unwrap_or(&finding.field)
        .to_string();
    let label = if finding.field.starts_with("basic.") {
        t_value_or_raw(lang, "finding-field", &name)
    } else {
        t_value_or_raw(lang, "op", &name)
    };
    let Some(kind) = finding.kind else {
        return (label, finding.message.clone());
    };
    let is_rate = kind == crate::domain::submission::FindingKind::RateSwing;
    let figure = |key: &str| -> String {
        let raw = finding.args.get(key).map(String::as_str).unwrap_or("");
        match raw.parse::<f64>() {
            Ok(x) if is_rate => format_percent(lang, x),
            Ok(x) if x.fract() == 0.0 && x.abs() < 1e15 => format_number(lang, x as i64),
            Ok(x) => format!("{x:.2}"),
            Err(_) => raw.to_string(),
        }
    };
    let text = t_args(
        lang,
        &format!("finding-{}", kind.as_str()),
        &[
            ("before", &figure("before")),
            ("now", &figure("now")),
            ("orders", &figure("orders")),
            ("complaints", &figure("complaints")),
            (
                "points",
                finding.args.get("points").map_or("", String::as_str),
            ),
            (
                "period",
                finding.args.get("period").map_or("", String::as_str),
            ),
            (
                "previous_period",
                finding
                    .args
                    .get("previous_period")
                    .map_or("", String::as_str),
            ),
        ],
    );
    (label, text)
}

const OPERATING_FIELDS: [(&str, &str); 12] = [
    ("period", "text"),
    ("online_sales", "number"),
    ("orders", "number"),
    ("refund_rate", "number"),
    ("complaints", "number"),
    ("on_time_delivery_rate", "number"),
    ("positive_review_rate", "number"),
    ("employees", "number"),
    ("tax_paid", "number"),
    ("cross_border_trade", "number"),
    ("quality_checks", "number"),
    ("quality_checks_failed", "number"),
];

/// `GET /workspace/submissions`.
pub async fn submissions_page(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    render_submissions(
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

async fn render_submissions(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    page_no: Option<u32>,
    done: Option<i64>,
    typed: &HashMap<String, String>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let rows = submissions::of_enterprise(
        state,
        &ctx.caller,
        &target.code,
        None,
        PageRequest::new(page_no, Some(PER_PAGE))?,
    )
    .await?;
    let result = match done {
        Some(id) => Some(submissions::get(state, &ctx.caller, &target.code, id).await?),
        None => None,
    };
    let head = head(ctx, state, target, "/workspace/submissions").await?;
    let current = service::enterprises::get(state, &target.code)
        .await?
        .enterprise;
    // The errors belong to the form that was sent.
    let sent_basic = val(typed, "kind") == "basic";
    let (op_errors, basic_errors) = if sent_basic {
        (None, errors)
    } else {
        (errors, None)
    };
    let title = t(lang, "ws-submissions-title");
    let field_names: Vec<&str> = OPERATING_FIELDS
        .iter()
        .map(|(n, _)| *n)
        .chain(["note"])
        .collect();
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(s) = &result {
            @if s.status == SubmissionStatus::Applied {
                (notice_ok(t_args(lang, "ws-submission-applied", &[("id", &s.id.to_string())])))
            } @else {
                div class="notice warning" role="status" {
                    p { (t_args(lang, "ws-submission-held", &[("id", &s.id.to_string())])) }
                    ul { @for f in &s.findings { li { (finding_line(lang, f)) } } }
                }
            }
        }
        section aria-labelledby="list-title" {
            h2 id="list-title" { (t(lang, "ws-submissions-list")) }
            @if rows.rows.is_empty() {
                p class="empty" { (t(lang, "ws-submissions-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "ws-submitted-at")) }
                            th scope="col" { (t(lang, "ws-content")) }
                            th scope="col" { (t(lang, "ws-status")) }
                            th scope="col" { (t(lang, "ws-findings")) }
                        } }
                        tbody {
                            @for s in &rows.rows {
                                tr {
                                    td { (s.id) }
                                    td { (format_date_time(lang, s.submitted_at)) }
                                    td {
                                        @for op in &s.content.operating { (op.period) " " }
                                        @if s.content.basic.is_some() { (t(lang, "ws-basic-changes")) }
                                    }
                                    td {
                                        span class=(format!("badge sub-{}", s.status.as_str())) { (t_value(lang, "submission-status", s.status.as_str())) }
                                        @if let Some(reason) = &s.decision_reason { p class="hint" { (reason) } }
                                    }
                                    td {
                                        @if s.findings.is_empty() { "—" }
                                        @for f in &s.findings { p class="hint" { (finding_line(lang, f)) } }
                                    }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/submissions", &target.query(), rows.request.page, rows.request.per_page, rows.total))
            }
        }
        @if target.is_self {
            section aria-labelledby="form-title" {
                h2 id="form-title" { (t(lang, "ws-submit-title")) }
                p class="hint" { (t(lang, "ws-submit-note")) }
                (form_errors(lang, op_errors, &field_names))
                form method="post" action="/workspace/submissions" class="form-grid" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="enterprise" value=(target.code);
                    @for (name, kind) in OPERATING_FIELDS {
                        (op_field(lang, name, kind, if sent_basic { "" } else { val(typed, name) }).render(lang, op_errors))
                    }
                    (textarea(lang, "note", t(lang, "ws-note"), if sent_basic { "" } else { val(typed, "note") }, false, op_errors))
                    div class="actions" {
                        button type="submit" class="button" { (t(lang, "ws-submit-button")) }
                    }
                }
            }
            (basic_form(ctx, target, &current, sent_basic.then_some(typed), basic_errors))
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// Shop rows the basic-data form offers (the current shops, then blank rows up to this many).
const PLATFORM_ROWS: usize = 4;

/// The registered facts the basic-data form may propose (held for a regulator's check against the
/// business register), with their input kind.
const REGISTERED_FIELDS: [(&str, &str, &str); 5] = [
    ("name", "field-name", "text"),
    ("legal_representative", "field-legal-rep", "text"),
    ("legal_rep_phone", "ws-basic-phone", "tel"),
    ("registered_capital", "field-capital", "number"),
    ("region_code", "field-region", "text"),
];

/// The form for changes to the basic data: the shops and business models (applied at once) and
/// the registered facts (held for review). It shows the current data; `typed` is what was sent
/// when the form comes back with errors.
fn basic_form(
    ctx: &Ctx,
    target: &Target,
    current: &crate::domain::enterprise::Enterprise,
    typed: Option<&HashMap<String, String>>,
    errors: Option<&Violations>,
) -> Markup {
    let lang = ctx.lang;
    let shop = |i: usize, part: &str| -> String {
        match typed {
            Some(form) => val(form, &format!("platforms[{i}].{part}")).to_string(),
            None => current
                .platforms
                .get(i)
                .map_or(String::new(), |p| match part {
                    "platform" => p.platform.clone(),
                    "shop_name" => p.shop_name.clone(),
                    _ => p.shop_url.clone().unwrap_or_default(),
                }),
        }
    };
    let has_model = |m: BusinessModel| match typed {
        Some(form) => !val(form, &format!("model_{}", m.as_str())).is_empty(),
        None => current.business_models.contains(&m),
    };
    let rows = PLATFORM_ROWS.max(current.platforms.len() + 1);
    let mut names: Vec<String> = REGISTERED_FIELDS
        .iter()
        .map(|(n, _, _)| n.to_string())
        .collect();
    names.extend([
        "business_models".to_string(),
        "platforms".to_string(),
        "basic_note".to_string(),
    ]);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let model_errors = forms::errors_of(errors, "business_models");
    html! {
        section aria-labelledby="basic-form-title" {
            h2 id="basic-form-title" { (t(lang, "ws-basic-title")) }
            p class="hint" { (t(lang, "ws-basic-note")) }
            (form_errors(lang, errors, &names))
            form method="post" action="/workspace/submissions" class="stack" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="enterprise" value=(target.code);
                input type="hidden" name="kind" value="basic";
                fieldset {
                    legend { (t(lang, "ws-basic-shops")) }
                    @for i in 0..rows {
                        @let platform = format!("platforms[{i}].platform");
                        @let shop_name = format!("platforms[{i}].shop_name");
                        @let shop_url = format!("platforms[{i}].shop_url");
                        @let (p, n, u) = (shop(i, "platform"), shop(i, "shop_name"), shop(i, "shop_url"));
                        div class="form-row" {
                            (Field::new(&platform, t_args(lang, "ws-basic-platform", &[("n", &(i + 1).to_string())])).value(&p).render(lang, errors))
                            (Field::new(&shop_name, t_args(lang, "ws-basic-shop", &[("n", &(i + 1).to_string())])).value(&n).render(lang, errors))
                            (Field::new(&shop_url, t_args(lang, "ws-basic-shop-url", &[("n", &(i + 1).to_string())])).kind("url").value(&u).render(lang, errors))
                        }
                    }
                    p class="hint" { (t(lang, "ws-basic-shops-hint")) }
                }
                fieldset class=(if model_errors.is_empty() { "checks" } else { "checks has-error" }) {
                    legend { (t(lang, "field-business-models")) }
                    @for m in BusinessModel::ALL {
                        @let id = format!("field-model_{}", m.as_str());
                        label for=(id) class="check" {
                            input type="checkbox" id=(id) name=(format!("model_{}", m.as_str())) value="on" checked[has_model(*m)];
                            " " (t_value(lang, "model", m.as_str()))
                        }
                    }
                    (forms::field_errors(lang, "field-business_models-error", &model_errors))
                }
                fieldset {
                    legend { (t(lang, "ws-basic-registered")) }
                    p class="hint" { (t(lang, "ws-basic-registered-hint")) }
                    @for (name, label, kind) in REGISTERED_FIELDS {
                        @let now = match name {
                            "name" => current.name.clone(),
                            "legal_representative" => current.legal_representative.clone(),
                            "legal_rep_phone" => current.legal_rep_phone.as_deref().map(crate::domain::identity::mask_phone).unwrap_or_else(|| "—".into()),
                            "registered_capital" => format_large_money(lang, current.registered_capital),
                            _ => current.region_code.clone(),
                        };
                        (Field::new(name, t(lang, label)).kind(kind).value(typed.map_or("", |f| val(f, name)))
                            .hint(t_args(lang, "ws-basic-now", &[("value", &now)])).render(lang, errors))
                    }
                }
                (textarea(lang, "basic_note", t(lang, "ws-note"), typed.map_or("", |f| val(f, "basic_note")), false, errors))
                div class="actions" {
                    button type="submit" class="button" { (t(lang, "ws-basic-button")) }
                }
            }
        }
    }
}

/// The basic-data changes a sent form proposes: only what differs from `current`.
fn basic_changes(
    form: &HashMap<String, String>,
    current: &crate::domain::enterprise::Enterprise,
    v: &mut Violations,
) -> crate::domain::enterprise::EnterprisePatch {
    let text = |name: &str| Some(val(form, name).trim().to_string()).filter(|s| !s.is_empty());
    let mut platforms = vec![];
    for i in 0..form.len() {
        let part = |p: &str| val(form, &format!("platforms[{i}].{p}")).trim().to_string();
        let (platform, shop_name, shop_url) =
            (part("platform"), part("shop_name"), part("shop_url"));
        if !form.contains_key(&format!("platforms[{i}].platform")) {
            break;
        }
        if platform.is_empty() && shop_name.is_empty() && shop_url.is_empty() {
            continue;
        }
        platforms.push(crate::domain::enterprise::PlatformShop {
            platform,
            shop_name,
            shop_url: Some(shop_url).filter(|u| !u.is_empty()),
        });
    }
    let models: Vec<BusinessModel> = BusinessModel::ALL
        .iter()
        .copied()
        .filter(|m| !val(form, &format!("model_{}", m.as_str())).is_empty())
        .collect();
    let mut current_models = current.business_models.clone();
    current_models.sort_by_key(|m| m.as_str());
    let mut sent_models = models.clone();
    sent_models.sort_by_key(|m| m.as_str());
    crate::domain::enterprise::EnterprisePatch {
        name: text("name"),
        legal_representative: text("legal_representative"),
        legal_rep_phone: text("legal_rep_phone"),
        registered_capital: number(v, form, "registered_capital"),
        region_code: text("region_code"),
        business_models: (sent_models != current_models).then_some(models),
        platforms: (platforms != current.platforms).then_some(platforms),
        ..Default::default()
    }
}

/// A field of the operating-period form.
fn op_field<'a>(lang: Lang, name: &'a str, kind: &'a str, value: &'a str) -> Field<'a> {
    let mut field = Field::new(name, t(lang, &format!("op-{name}")))
        .kind(kind)
        .value(value);
    if ["period", "online_sales", "orders"].contains(&name) {
        field = field.required();
    }
    if let Some(hint) = hint_of(lang, name) {
        field = field.hint(hint);
    }
    field
}

fn hint_of(lang: Lang, name: &str) -> Option<String> {
    match name {
        "period" => Some(t(lang, "op-hint-period")),
        "online_sales" | "tax_paid" | "cross_border_trade" => Some(t(lang, "op-hint-yuan")),
        "refund_rate" | "on_time_delivery_rate" | "positive_review_rate" => {
            Some(t(lang, "op-hint-rate"))
        }
        _ => None,
    }
}

/// Reads an optional number field into `v`'s errors when it is not one.
pub(super) fn number<T: std::str::FromStr>(
    v: &mut Violations,
    form: &HashMap<String, String>,
    name: &str,
) -> Option<T> {
    let raw = val(form, name).trim().replace(',', "");
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<T>() {
        Ok(x) => Some(x),
        Err(_) => {
            v.add(name, "must be a number");
            None
        }
    }
}

/// `POST /workspace/submissions`: one operating period.
pub async fn submit(
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
    if val(&form, "kind") == "basic" {
        return submit_basic(&ctx, &state, &target, &form).await;
    }
    let mut v = Violations::new();
    let online_sales = number::<f64>(&mut v, &form, "online_sales");
    let orders = number::<i64>(&mut v, &form, "orders");
    if val(&form, "online_sales").trim().is_empty() {
        v.add("online_sales", "is required");
    }
    if val(&form, "orders").trim().is_empty() {
        v.add("orders", "is required");
    }
    let input = OperatingInput {
        period: val(&form, "period").trim().to_string(),
        online_sales: online_sales.unwrap_or(0.0),
        orders: orders.unwrap_or(0),
        refund_rate: number(&mut v, &form, "refund_rate"),
        complaints: number(&mut v, &form, "complaints"),
        on_time_delivery_rate: number(&mut v, &form, "on_time_delivery_rate"),
        positive_review_rate: number(&mut v, &form, "positive_review_rate"),
        employees: number(&mut v, &form, "employees"),
        tax_paid: number(&mut v, &form, "tax_paid"),
        cross_border_trade: number(&mut v, &form, "cross_border_trade"),
        quality_checks: number(&mut v, &form, "quality_checks"),
        quality_checks_failed: number(&mut v, &form, "quality_checks_failed"),
        source: DataSource::SelfReported,
    };
    let note = Some(val(&form, "note").trim().to_string()).filter(|n| !n.is_empty());
    let result = if v.is_empty() {
        submissions::submit(
            &state,
            &ctx.caller,
            &target.code,
            SubmissionInput {
                basic: None,
                operating: vec![input],
                note,
            },
        )
        .await
        .map_err(|e| match e {
            AppError::Validation(v) => AppError::Validation(rename(v, "operating[0].", &[])),
            other => other,
        })
    } else {
        // The access decision comes first, as the service would make it.
        ctx.viewer().require_enterprise_self(&target.code)?;
        Err(AppError::Validation(v))
    };
    match result {
        Ok(s) => Ok(see_other(
            &ctx,
            &format!("/workspace/submissions?done={}", s.id),
        )),
        Err(e) => {
            let v = violations(e)?;
            render_submissions(&ctx, &state, &target, None, None, &form, Some(&v)).await
        }
    }
}

/// `POST /workspace/submissions` with `kind=basic`: changes to the basic data.
async fn submit_basic(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    form: &HashMap<String, String>,
) -> AppResult<HttpResponse> {
    // The access decision comes first, as the service would make it.
    ctx.viewer().require_enterprise_self(&target.code)?;
    let current = service::enterprises::get(state, &target.code)
        .await?
        .enterprise;
    let mut v = Violations::new();
    let basic = basic_changes(form, &current, &mut v);
    let note = Some(val(form, "basic_note").trim().to_string()).filter(|n| !n.is_empty());
    let result = if v.is_empty() {
        submissions::submit(
            state,
            &ctx.caller,
            &target.code,
            SubmissionInput {
                basic: Some(basic),
                operating: vec![],
                note,
            },
        )
        .await
        .map_err(|e| match e {
            AppError::Validation(v) => {
                AppError::Validation(rename(v, "basic.", &[("note", "basic_note")]))
            }
            other => other,
        })
    } else {
        Err(AppError::Validation(v))
    };
    match result {
        Ok(s) => Ok(see_other(
            ctx,
            &format!("/workspace/submissions?done={}", s.id),
        )),
        Err(e) => {
            let v = violations(e)?;
            render_submissions(ctx, state, target, None, None, form, Some(&v)).await
        }
    }
}

// ------------------------------------------------------------------------------------------
// Credit repair

/// `GET /workspace/repairs`.
pub async fn repairs_page(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    render_repairs(
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

async fn render_repairs(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    page_no: Option<u32>,
    done: Option<i64>,
    typed: &HashMap<String, String>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let rows = repairs::of_enterprise(
        state,
        &ctx.caller,
        &target.code,
        PageRequest::new(page_no, Some(PER_PAGE))?,
    )
    .await?;
    let head = head(ctx, state, target, "/workspace/repairs").await?;
    // What may be repaired: negative events that are active or disputed, current blacklist
    // entries.
    let events = workspace::credit_events(
        state,
        &ctx.caller,
        &target.code,
        PageRequest::new(Some(1), Some(service::MAX_PAGE_SIZE))?,
    )
    .await?;
    let (_, entries) = lists::of_enterprise(state, &ctx.caller, &target.code).await?;
    let today = lists::today(state);
    let mut targets = vec![(String::new(), t(lang, "ws-repair-choose"))];
    targets.extend(
        events
            .rows
            .iter()
            .filter(|e| {
                e.record.polarity == Polarity::Negative
                    && matches!(
                        e.record.status,
                        CreditEventStatus::Active | CreditEventStatus::Disputed
                    )
            })
            .map(|e| {
                (
                    format!("event:{}", e.id),
                    t_args(
                        lang,
                        "ws-repair-target-event",
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
        entries
            .iter()
            .filter(|m| m.list == "blacklist" && m.state(today).as_str() == "current")
            .map(|m| {
                (
                    format!("entry:{}", m.id),
                    t_args(
                        lang,
                        "ws-repair-target-entry",
                        &[("id", &m.id.to_string()), ("reason", &m.reason)],
                    ),
                )
            }),
    );
    let title = t(lang, "ws-repairs-title");
    let fields = ["target", "corrections", "evidence_title", "evidence_url"];
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(id) = done {
            (notice_ok(t_args(lang, "ws-repair-applied", &[("id", &id.to_string())])))
        }
        p class="lead" { (t(lang, "ws-repairs-lead")) }
        section aria-labelledby="list-title" {
            h2 id="list-title" { (t(lang, "ws-repairs-list")) }
            @if rows.rows.is_empty() {
                p class="empty" { (t(lang, "ws-repairs-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "ws-repair-target")) }
                            th scope="col" { (t(lang, "ws-applied-at")) }
                            th scope="col" { (t(lang, "ws-status")) }
                            th scope="col" { (t(lang, "ws-repair-corrections")) }
                        } }
                        tbody {
                            @for r in &rows.rows {
                                tr {
                                    td { (r.id) }
                                    td {
                                        @if let Some(id) = r.credit_event_id { (t_args(lang, "ws-repair-of-event", &[("id", &id.to_string())])) }
                                        @if let Some(id) = r.list_entry_id { (t_args(lang, "ws-repair-of-entry", &[("id", &id.to_string())])) }
                                    }
                                    td { (format_date_time(lang, r.applied_at)) }
                                    td {
                                        span class=(format!("badge sub-{}", r.status)) { (t_value(lang, "repair-status", &r.status)) }
                                        @if let Some(x) = &r.explanation { p class="hint" { (x) } }
                                    }
                                    td { (r.corrections) }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/repairs", &target.query(), rows.request.page, rows.request.per_page, rows.total))
            }
        }
        @if target.is_self {
            section aria-labelledby="form-title" {
                h2 id="form-title" { (t(lang, "ws-repair-apply")) }
                @if targets.len() == 1 {
                    p class="empty" { (t(lang, "ws-repair-nothing")) }
                } @else {
                    (form_errors(lang, errors, &fields))
                    form method="post" action="/workspace/repairs" class="stack" novalidate {
                        (csrf_field(ctx))
                        input type="hidden" name="enterprise" value=(target.code);
                        (select(lang, "target", t(lang, "ws-repair-target"), &targets, val(typed, "target"), errors))
                        (textarea(lang, "corrections", t(lang, "ws-repair-corrections"), val(typed, "corrections"), true, errors))
                        (Field::new("evidence_title", t(lang, "ws-evidence-title")).value(val(typed, "evidence_title")).render(lang, errors))
                        (Field::new("evidence_url", t(lang, "ws-evidence-url")).kind("url").value(val(typed, "evidence_url")).hint(t(lang, "ws-evidence-hint")).render(lang, errors))
                        button type="submit" class="button" { (t(lang, "ws-repair-button")) }
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

/// `POST /workspace/repairs`.
pub async fn apply_repair(
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
    let title = val(&form, "evidence_title").trim();
    let url = val(&form, "evidence_url").trim();
    let evidence = if title.is_empty() && url.is_empty() {
        vec![]
    } else {
        vec![EvidenceLink {
            title: title.to_string(),
            url: url.to_string(),
        }]
    };
    let input = RepairInput {
        credit_event_id: id("event:"),
        list_entry_id: id("entry:"),
        corrections: val(&form, "corrections").to_string(),
        evidence,
    };
    let renamed = [
        ("credit_event_id", "target"),
        ("list_entry_id", "target"),
        ("evidence[0].title", "evidence_title"),
        ("evidence[0].url", "evidence_url"),
    ];
    match repairs::apply(&state, &ctx.caller, &target.code, input).await {
        Ok(row) => Ok(see_other(
            &ctx,
            &format!("/workspace/repairs?done={}", row.id),
        )),
        Err(e) => {
            let v = rename(violations(e)?, "", &renamed);
            render_repairs(&ctx, &state, &target, None, None, &form, Some(&v)).await
        }
    }
}

// ------------------------------------------------------------------------------------------
// Authorisations

/// `GET /workspace/authorizations`.
pub async fn authorizations_page(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let flash = match (query.done, query.revoked) {
        (Some(id), _) => Some(t_args(
            ctx.lang,
            "ws-grant-done",
            &[("id", &id.to_string())],
        )),
        (_, Some(id)) => Some(t_args(
            ctx.lang,
            "ws-revoke-done",
            &[("id", &id.to_string())],
        )),
        _ => None,
    };
    render_authorizations(
        &ctx,
        &state,
        &target,
        query.page,
        flash,
        &HashMap::new(),
        None,
    )
    .await
}

async fn render_authorizations(
    ctx: &Ctx,
    state: &State,
    target: &Target,
    page_no: Option<u32>,
    flash: Option<String>,
    typed: &HashMap<String, String>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let rows = authorizations::of_enterprise(
        state,
        &ctx.caller,
        &target.code,
        PageRequest::new(page_no, Some(PER_PAGE))?,
    )
    .await?;
    let banks = authorizations::banks(state, &ctx.caller).await?;
    let head = head(ctx, state, target, "/workspace/authorizations").await?;
    let now = authorizations::now(state);
    let mut bank_options = vec![(String::new(), t(lang, "ws-grant-choose-bank"))];
    bank_options.extend(banks.iter().map(|b| (b.id.to_string(), b.name.clone())));
    let purposes: Vec<(String, String)> = [
        AuthorizationPurpose::LoanApplication,
        AuthorizationPurpose::CreditLineReview,
        AuthorizationPurpose::PostLoanMonitoring,
        AuthorizationPurpose::GuaranteeReview,
        AuthorizationPurpose::SupplyChainFinance,
    ]
    .iter()
    .map(|p| (p.as_str().to_string(), t_value(lang, "purpose", p.as_str())))
    .collect();
    let scopes = vec![(
        AuthorizationScope::FullReport.as_str().to_string(),
        t_value(lang, "scope", AuthorizationScope::FullReport.as_str()),
    )];
    let default_expiry = (now.date() + chrono::Duration::days(90)).to_string();
    let expires = if typed.contains_key("expires_on") {
        val(typed, "expires_on").to_string()
    } else {
        default_expiry
    };
    let title = t(lang, "ws-authorizations-title");
    let fields = [
        "bank_organisation_id",
        "purpose",
        "scope",
        "expires_on",
        "note",
    ];
    let content = html! {
        (head)
        h1 { (title) }
        @if let Some(text) = flash { (notice_ok(text)) }
        p class="lead" { (t(lang, "ws-authorizations-lead")) }
        section aria-labelledby="list-title" {
            h2 id="list-title" { (t(lang, "ws-authorizations-list")) }
            @if rows.rows.is_empty() {
                p class="empty" { (t(lang, "ws-authorizations-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "ws-id")) }
                            th scope="col" { (t(lang, "ws-bank")) }
                            th scope="col" { (t(lang, "ws-purpose")) }
                            th scope="col" { (t(lang, "ws-granted-at")) }
                            th scope="col" { (t(lang, "ws-expires-on")) }
                            th scope="col" { (t(lang, "ws-status")) }
                            @if target.is_self { th scope="col" { (t(lang, "ws-actions")) } }
                        } }
                        tbody {
                            @for a in &rows.rows {
                                @let r = &a.row;
                                @let status = status_at(r.expires_on, r.revoked_at, now);
                                tr {
                                    td { (r.id) }
                                    td { (a.bank_name) }
                                    td {
                                        (t_value_or_raw(lang, "purpose", &r.purpose))
                                        @if let Some(note) = &r.note { p class="hint" { (note) } }
                                    }
                                    td { (format_date_time(lang, r.granted_at)) }
                                    td { (format_date(lang, r.expires_on)) }
                                    td {
                                        span class=(format!("badge grant-{}", status.as_str())) { (t_value(lang, "grant-status", status.as_str())) }
                                        @if let Some(at) = r.revoked_at { p class="hint" { (format_date_time(lang, at)) } }
                                    }
                                    @if target.is_self {
                                        td {
                                            @if status.as_str() == "live" {
                                                form method="post" action=(format!("/workspace/authorizations/{}/revoke", r.id)) class="inline" {
                                                    (csrf_field(ctx))
                                                    button type="submit" class="button small danger"
                                                        aria-label=(t_args(lang, "ws-revoke-label", &[("id", &r.id.to_string()), ("bank", &a.bank_name)])) {
                                                        (t(lang, "ws-revoke"))
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pager(lang, "/workspace/authorizations", &target.query(), rows.request.page, rows.request.per_page, rows.total))
            }
        }
        @if target.is_self {
            section aria-labelledby="form-title" {
                h2 id="form-title" { (t(lang, "ws-grant-title")) }
                (form_errors(lang, errors, &fields))
                form method="post" action="/workspace/authorizations" class="stack" novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="enterprise" value=(target.code);
                    (select(lang, "bank_organisation_id", t(lang, "ws-bank"), &bank_options, val(typed, "bank_organisation_id"), errors))
                    (select(lang, "purpose", t(lang, "ws-purpose"), &purposes, val(typed, "purpose"), errors))
                    (select(lang, "scope", t(lang, "ws-scope"), &scopes, val(typed, "scope"), errors))
                    (Field::new("expires_on", t(lang, "ws-expires-on")).kind("date").value(&expires).required().hint(t(lang, "ws-expires-hint")).render(lang, errors))
                    (textarea(lang, "note", t(lang, "ws-note"), val(typed, "note"), false, errors))
                    button type="submit" class="button" { (t(lang, "ws-grant-button")) }
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

/// `POST /workspace/authorizations`: a grant.
pub async fn grant(
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
    let bank = val(&form, "bank_organisation_id").parse::<i64>().ok();
    v.check(bank.is_some(), "bank_organisation_id", "choose a bank");
    let purpose = AuthorizationPurpose::parse(val(&form, "purpose"));
    v.check(
        purpose.is_some(),
        "purpose",
        format!("must be one of: {}", AuthorizationPurpose::allowed()),
    );
    let scope = match val(&form, "scope") {
        "" => Some(AuthorizationScope::FullReport),
        other => AuthorizationScope::parse(other),
    };
    v.check(
        scope.is_some(),
        "scope",
        format!("must be one of: {}", AuthorizationScope::allowed()),
    );
    let expires = NaiveDate::parse_from_str(val(&form, "expires_on").trim(), "%Y-%m-%d").ok();
    v.check(
        expires.is_some(),
        "expires_on",
        "must be a date like 2027-05-31",
    );
    let note = Some(val(&form, "note").trim().to_string()).filter(|n| !n.is_empty());
    let result = match (v.is_empty(), bank, purpose, scope, expires) {
        (true, Some(bank), Some(purpose), Some(scope), Some(expires_on)) => {
            authorizations::grant(
                &state,
                &ctx.caller,
                &target.code,
                AuthorizationInput {
                    bank_organisation_id: bank,
                    purpose,
                    scope,
                    expires_on,
                    note,
                },
            )
            .await
        }
        _ => {
            ctx.viewer().require_enterprise_self(&target.code)?;
            Err(AppError::Validation(v))
        }
    };
    match result {
        Ok(a) => Ok(see_other(
            &ctx,
            &format!("/workspace/authorizations?done={}", a.row.id),
        )),
        Err(e) => {
            let v = violations(e)?;
            render_authorizations(&ctx, &state, &target, None, None, &form, Some(&v)).await
        }
    }
}

/// `POST /workspace/authorizations/{id}/revoke`.
pub async fn revoke(
    ctx: Ctx,
    state: State,
    id: web::Path<i64>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let target = match target(&ctx, form.get("enterprise").map(|s| s.as_str()))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let reason = Some(val(&form, "reason").trim().to_string()).filter(|r| !r.is_empty());
    let id = id.into_inner();
    authorizations::revoke(&state, &ctx.caller, &target.code, id, reason).await?;
    Ok(see_other(
        &ctx,
        &format!("/workspace/authorizations?revoked={id}"),
    ))
}

// ------------------------------------------------------------------------------------------
// Query log and reports

/// `GET /workspace/query-log`: who created or read the enterprise's reports.
pub async fn query_log(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let target = match target(&ctx, query.enterprise.as_deref())? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let lang = ctx.lang;
    let rows = reports::query_log(
        &state,
        &ctx.caller,
        &target.code,
        PageRequest::new(query.page, Some(PER_PAGE)),
    )
    .await?;
    let head = head(&ctx, &state, &target, "/workspace/query-log").await?;
    let title = t(lang, "ws-query-log-title");
    let content = html! {
        (head)
        h1 { (title) }
        p class="lead" { (t(lang, "ws-query-log-lead")) }
        p class="count" role="status" { (t_args(lang, "ws-query-log-count", &[("count", &format_number(lang, rows.total))])) }
        @if rows.rows.is_empty() {
            p class="empty" { (t(lang, "ws-query-log-none")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "ws-when")) }
                        th scope="col" { (t(lang, "ws-query-action")) }
                        th scope="col" { (t(lang, "ws-query-who")) }
                        th scope="col" { (t(lang, "workspace-organisation")) }
                        th scope="col" { (t(lang, "ws-purpose")) }
                        th scope="col" { (t(lang, "ws-report-no")) }
                    } }
                    tbody {
                        @for (q, organisation) in &rows.rows {
                            tr {
                                td { (format_date_time(lang, q.queried_at)) }
                                td { (t_value_or_raw(lang, "query-action", &q.action)) }
                                td { (q.actor) " (" (t_value_or_raw(lang, "role", &q.actor_role)) ")" }
                                td { (organisation.as_deref().unwrap_or("—")) }
                                td { (t_value_or_raw(lang, "purpose", &q.purpose)) }
                                td { code class="small" { (q.report_no) } }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/query-log", &target.query(), rows.request.page, rows.request.per_page, rows.total))
        }
    };
    Ok(page(&ctx, &title, content))
}

/// `POST /workspace/reports`: the enterprise's own full report, then its printable page.
pub async fn create_report(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let target = match target(&ctx, form.get("enterprise").map(|s| s.as_str()))? {
        Ok(t) => t,
        Err(redirect) => return Ok(redirect),
    };
    let report_no = make_full_report(&ctx, &state, &target.code).await?;
    Ok(see_other(&ctx, &format!("/workspace/reports/{report_no}")))
}

/// A full report of `code` for the signed-in caller (the enterprise itself, or a bank under a
/// live grant: the service decides), under the report throttle; its number.
pub(super) async fn make_full_report(ctx: &Ctx, state: &State, code: &str) -> AppResult<String> {
    reports::admit_report_request(state, &ctx.caller)?;
    let row = reports::create_report(
        state,
        &ctx.caller,
        code,
        reports::ReportOrder {
            kind: Some(ReportKind::Full),
            purpose: None,
        },
    )
    .await?;
    Ok(row.report_no)
}

/// `GET /workspace/reports/{no}`: the printable page of a report, as the API gives it for
/// `Accept: text/html` (its own stylesheet, under the report page's policy).
pub async fn report_page(
    ctx: Ctx,
    state: State,
    report_no: web::Path<String>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let read = reports::read_report(&state, &ctx.caller, &report_no, true).await?;
    let body = read
        .page
        .ok_or_else(|| AppError::internal("no printable page"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
