//! The printable page of a report: one self-contained HTML5 document (inline CSS and SVG, no
//! scripts, no fonts, images or links from elsewhere) laid out for A4 paper. Every text from the
//! report goes through the template's escaping; the only raw markup is the fixed style sheet.
//! Sections follow DOMAIN.md, "Reports and lists". A public report shows only what it holds.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::document::{
    FOR_REFERENCE_ONLY, ReportDocument, ReportEnterprise, ReportKind, ReportPeriod, ReportRating,
    SignedReport,
};
use super::svg;
use crate::domain::lists::ListKind;
use crate::domain::records::{CreditEventStatus, Polarity, ReviewStatus, Severity};
use crate::scoring::features::Dimension;
use crate::scoring::grade::{Grade, GradeAdjustment};

/// The page of a signed report.
pub fn render_html(signed: &SignedReport) -> String {
    let doc = &signed.report;
    let public = doc.kind == ReportKind::Public;
    let title = format!("Credit report {} — {}", doc.report_no, doc.enterprise.name);
    let n = &Counter::new(0);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main.page {
                    (header(doc))
                    (basic_data(n, &doc.enterprise, public))
                    (rating(n, doc, public))
                    (credit_events(n, doc, public))
                    @if !(public && doc.operating_summary.is_empty()) {
                        (operating_summary(n, &doc.operating_summary))
                    }
                    @if !(public && doc.sentiment_summary.is_none()) {
                        (sentiment(n, doc))
                    }
                    @if !(public && doc.grade_history.is_empty()) {
                        (grade_history(n, doc))
                    }
                    (lists(n, doc))
                    (notes(n, doc))
                    (signature(signed))
                }
            }
        }
    }
    .into_string()
}

fn header(doc: &ReportDocument) -> Markup {
    let requester = &doc.requested_for;
    let requested_for = match &requester.organisation {
        Some(org) => format!("{} · {}", humanize(&requester.role), org),
        None => humanize(&requester.role),
    };
    html! {
        header.report-header {
            div.brand {
                div.kicker { (doc.issuer) }
                h1 { "Enterprise Credit Report" span.zh { "企业信用报告" } }
                div.subject {
                    span.subject-name { (doc.enterprise.name) }
                    span.subject-code { (doc.enterprise.code) }
                }
            }
            div.stamp {
                @match doc.kind {
                    ReportKind::Full => span.kind { "Full report · 完整版" },
                    ReportKind::Public => span.kind.public { "Public report · 公开版" },
                }
                div.report-no { (doc.report_no) }
            }
        }
        dl.meta {
            div { dt { "Issued" } dd { (datetime(doc.issued_at)) } }
            div { dt { "Valid until" } dd { (datetime(doc.valid_until)) } }
            div { dt { "Model version" } dd { (doc.model_version.as_deref().unwrap_or("— (not scored)")) } }
            div { dt { "Requested for" } dd { (requested_for) } }
            div { dt { "Purpose" } dd { (humanize(&requester.purpose)) } }
            div { dt { "Format" } dd { (doc.format) } }
        }
        @if doc.kind == ReportKind::Public {
            p.public-note {
                "Public report: it holds the grade, public credit events and list entries only. "
                "Banks authorised by the enterprise can obtain the full report."
            }
        }
    }
}

/// Numbers the sections a page shows, so a public page has no gaps.
type Counter = std::cell::Cell<u8>;

fn section(counter: &Counter, title: &str, chinese: &str, body: Markup) -> Markup {
    let number = counter.get() + 1;
    counter.set(number);
    html! {
        section {
            h2 { span.num { (number) } (title) span.zh { (chinese) } }
            (body)
        }
    }
}

fn basic_data(n: &Counter, e: &ReportEnterprise, public: bool) -> Markup {
    let rows: Vec<(&str, Option<String>)> = vec![
        ("Enterprise name", Some(e.name.clone())),
        ("Unified social credit code", Some(e.code.clone())),
        ("Region code", Some(e.region_code.clone())),
        ("Industry", Some(humanize(&e.industry))),
        ("Status", Some(humanize(e.status.as_str()))),
        ("Legal representative", e.legal_representative.clone()),
        ("Representative ID number", e.legal_rep_id_number.clone()),
        ("Representative phone", e.legal_rep_phone.clone()),
        ("Registered capital", e.registered_capital.map(money)),
        ("Established", e.established_on.map(|d| d.to_string())),
        (
            "Business models",
            (!e.business_models.is_empty()).then(|| {
                e.business_models
                    .iter()
                    .map(|m| business_model_label(m.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
    ];
    let body = html! {
        table.kv {
            tbody {
                @for (label, value) in &rows {
                    @if let Some(value) = value {
                        tr { th { (label) } td { (value) } }
                    } @else if !public {
                        tr { th { (label) } td.none { "—" } }
                    }
                }
            }
        }
        @if !e.platforms.is_empty() {
            h3 { "Platforms and shops" }
            table.grid {
                thead { tr { th { "Platform" } th { "Shop" } th { "Shop address" } } }
                tbody {
                    @for shop in &e.platforms {
                        tr {
                            td { (shop.platform) }
                            td { (shop.shop_name) }
                            td.mono { (shop.shop_url.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
        p.small { "Personal data of the legal representative is masked in every report." }
    };
    section(n, "Basic data", "基本信息", body)
}

fn rating(n: &Counter, doc: &ReportDocument, public: bool) -> Markup {
    let body = match &doc.rating {
        None => html! {
            p.empty { "Not rated: the enterprise has not been scored yet." }
        },
        Some(r) => rating_body(r, public),
    };
    section(n, "Credit rating", "信用评级", body)
}

fn rating_body(r: &ReportRating, public: bool) -> Markup {
    let figures: Vec<(&str, String)> = [
        ("Score", r.score.map(|s| format!("{s:.1}"))),
        (
            "Percentile",
            r.percentile
                .map(|p| format!("higher than {} of scored enterprises", percent(p, 0))),
        ),
        ("Probability of default", r.pd.map(|p| percent(p, 2))),
        ("Rated as of", Some(r.as_of.to_string())),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect();
    html! {
        div.rating {
            div.grade-box {
                div.grade-label { "Grade 信用等级" }
                div class=(format!("grade {}", grade_class(r.grade))) { (r.grade) }
                div.grade-scale {
                    @for g in Grade::ALL {
                        span class=(if *g == r.grade { "step current" } else { "step" }) { (g) }
                    }
                }
            }
            div.figures {
                table.kv {
                    tbody {
                        @for (label, value) in &figures {
                            tr { th { (label) } td { (value) } }
                        }
                    }
                }
                @if !r.adjustments.is_empty() {
                    ul.adjustments {
                        @for a in &r.adjustments {
                            li { strong { (humanize(a.as_str())) } ": " (adjustment_text(*a)) }
                        }
                    }
                }
            }
        }
        @if !r.dimensions.is_empty() {
            h3 { "Dimension scores" span.zh { "分项得分" } }
            div.dimensions {
                div.chart-box { (svg::radar(&r.dimensions)) }
                table.grid.compact {
                    thead { tr { th { "Dimension" } th.num { "Points" } th.num { "Range" } } }
                    tbody {
                        @for d in &r.dimensions {
                            @let (english, chinese) = dimension_label(d.dimension);
                            tr {
                                td { (english) " " span.zh { (chinese) } }
                                td.num { (format!("{:.1}", d.points)) }
                                td.num { (format!("{:.0}–{:.0}", d.min_points, d.max_points)) }
                            }
                        }
                    }
                }
            }
        } @else if !public {
            p.empty { "No dimension scores." }
        }
        @if !(r.raised.is_empty() && r.lowered.is_empty()) {
            div.reasons {
                div.reason-col.up {
                    h3 { "What raised the score" }
                    @if r.raised.is_empty() { p.empty { "Nothing in particular." } }
                    ul { @for reason in &r.raised { li { (reason) } } }
                }
                div.reason-col.down {
                    h3 { "What lowered the score" }
                    @if r.lowered.is_empty() { p.empty { "Nothing in particular." } }
                    ul { @for reason in &r.lowered { li { (reason) } } }
                }
            }
        }
        @if !r.way_up.is_empty() {
            div.way-up {
                h3 { "The way up" span.zh { "提升路径" } }
                p.hint { "Changes the enterprise could make that would raise the score most, each on its own: scorecard points gained, and the whole model's score and grade after it." }
                table.grid.compact {
                    thead { tr { th { "Change to reach" } th.num { "Points" } th.num { "Score after" } th { "Grade after" } } }
                    tbody {
                        @for step in &r.way_up {
                            tr {
                                td { (step.text) }
                                td.num { (format!("{:+.1}", step.points)) }
                                td.num { (format!("{:.0}", step.score_after)) }
                                td { (step.grade_after.as_str()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn credit_events(n: &Counter, doc: &ReportDocument, public: bool) -> Markup {
    let body = html! {
        @if doc.credit_events.is_empty() {
            p.empty { "No credit events in the report window." }
        } @else {
            table.grid.events {
                thead {
                    tr {
                        th { "Decided" } th { "Event" } th { "Authority · document" }
                        th { "Severity" } th { "Publicity until" } th { "Status" }
                    }
                }
                tbody {
                    @for e in &doc.credit_events {
                        @let disputed = e.status == CreditEventStatus::Disputed;
                        tr.disputed[disputed] {
                            td.nowrap { (e.decided_on) }
                            td {
                                span class=(match e.polarity { Polarity::Negative => "pol neg", Polarity::Positive => "pol pos" }) {
                                    (match e.polarity { Polarity::Negative => "−", Polarity::Positive => "+" })
                                }
                                " " strong { (e.title) }
                                div.small { (humanize(e.kind.as_str())) }
                            }
                            td {
                                (e.authority)
                                @if let Some(no) = &e.document_number { div.small { (no) } }
                            }
                            td { span class=(severity_class(e.severity)) { (humanize(e.severity.as_str())) } }
                            td.nowrap { (e.publicity_until.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                            td {
                                @if disputed {
                                    span.badge.disputed title="An objection to this record is open" { "Disputed · 异议中" }
                                } @else {
                                    (humanize(e.status.as_str()))
                                }
                            }
                        }
                    }
                }
            }
            @if doc.credit_events.iter().any(|e| e.status == CreditEventStatus::Disputed) {
                p.small { "Disputed: the enterprise has objected to the record and a regulator has not yet answered." }
            }
        }
        p.small {
            "Negative events more than five years past their end are left out."
            @if public { " This public report lists public events only." }
        }
    };
    section(n, "Credit events", "信用事件", body)
}

fn operating_summary(n: &Counter, periods: &[ReportPeriod]) -> Markup {
    let oldest_first: Vec<&ReportPeriod> = periods.iter().rev().collect();
    let body = html! {
        @if periods.is_empty() {
            p.empty { "No operating records for the last four periods." }
        } @else {
            table.grid.numbers {
                thead {
                    tr {
                        th { "Period" } th.num { "Online sales (CNY)" } th.num { "Orders" }
                        th.num { "Refund rate" } th.num { "Complaints" } th.num { "On-time delivery" }
                        th.num { "Positive reviews" } th { "Source" }
                    }
                }
                tbody {
                    @for p in periods {
                        @let disputed = p.review_status == ReviewStatus::Disputed.as_str();
                        tr.disputed[disputed] {
                            td.nowrap { (p.period) }
                            td.num { (grouped(p.online_sales, 2)) }
                            td.num { (grouped(p.orders as f64, 0)) }
                            td.num { (opt_percent(p.refund_rate)) }
                            td.num { (p.complaints.map(|c| c.to_string()).unwrap_or_else(|| "—".into())) }
                            td.num { (opt_percent(p.on_time_delivery_rate)) }
                            td.num { (opt_percent(p.positive_review_rate)) }
                            td {
                                (humanize(&p.source))
                                @if disputed {
                                    " " span.badge.disputed title="An objection to this record is open" { "Disputed · 异议中" }
                                } @else if p.review_status != ReviewStatus::Accepted.as_str() {
                                    " " span.badge.pending { (humanize(&p.review_status)) }
                                }
                            }
                        }
                    }
                }
            }
            @if periods.iter().any(|p| p.review_status == ReviewStatus::Disputed.as_str()) {
                p.small { "Disputed: the enterprise has objected to the figures and a regulator has not yet answered." }
            }
            div.chart-box.wide { (svg::trend(&oldest_first)) }
            p.small { "Latest period first in the table; the chart runs from the oldest period to the latest." }
        }
    };
    section(n, "Operating summary", "经营概况", body)
}

fn sentiment(n: &Counter, doc: &ReportDocument) -> Markup {
    let body = match &doc.sentiment_summary {
        None => html! { p.empty { "No sentiment summary." } },
        Some(s) => html! {
            div.tiles {
                div.tile { div.value { (s.items) } div.label { "Items in " (s.window_months) " months" } }
                div.tile.pos { div.value { (s.positive) } div.label { "Positive" } }
                div.tile.neg { div.value { (s.negative) } div.label { "Negative" } }
                div.tile {
                    div.value { (s.mean_polarity.map(|p| format!("{p:+.2}")).unwrap_or_else(|| "—".into())) }
                    div.label { "Mean polarity (−1 to +1)" }
                }
            }
            @if !s.latest.is_empty() {
                h3 { "Latest items" }
                table.grid {
                    thead { tr { th { "Published" } th { "Title" } th { "Source" } th.num { "Polarity" } } }
                    tbody {
                        @for h in &s.latest {
                            tr {
                                td.nowrap { (h.published_at.format("%Y-%m-%d %H:%M")) }
                                td { (h.title) }
                                td { (h.source_name) }
                                td.num { span class=(if h.polarity < 0.0 { "pol neg" } else { "pol pos" }) { (format!("{:+.2}", h.polarity)) } }
                            }
                        }
                    }
                }
            }
        },
    };
    section(n, "Sentiment summary", "舆情摘要", body)
}

fn grade_history(n: &Counter, doc: &ReportDocument) -> Markup {
    let body = html! {
        @if doc.grade_history.is_empty() {
            p.empty { "No grade changes recorded." }
        } @else {
            table.grid.compact {
                thead { tr { th { "As of" } th { "Grade" } th { "Model version" } } }
                tbody {
                    @for h in &doc.grade_history {
                        tr {
                            td.nowrap { (h.as_of) }
                            td { span class=(format!("chip {}", grade_class(h.grade))) { (h.grade) } }
                            td.mono { (h.model_version) }
                        }
                    }
                }
            }
        }
    };
    section(n, "Grade history", "评级历史", body)
}

fn lists(n: &Counter, doc: &ReportDocument) -> Markup {
    let body = html! {
        @if doc.lists.is_empty() {
            p.empty { "Not on the blacklist or the redlist, now or before." }
        } @else {
            table.grid.lists {
                thead {
                    tr { th { "List" } th { "Reason · legal basis" } th { "Authority" } th { "Period" } th { "State" } }
                }
                tbody {
                    @for m in &doc.lists {
                        tr {
                            td {
                                @match m.list {
                                    ListKind::Blacklist => span.badge.black { "Blacklist · 严重失信名单" },
                                    ListKind::Redlist => span.badge.red { "Redlist · 守信激励名单" },
                                }
                            }
                            td { (m.reason) div.small { (m.legal_basis) } }
                            td { (m.authority) }
                            td.nowrap {
                                (m.starts_on) " – "
                                (m.expires_on.map(|d| d.to_string()).unwrap_or_else(|| "open-ended".into()))
                            }
                            td {
                                @if m.current {
                                    strong { "In force" }
                                } @else {
                                    "Ended"
                                    @if let Some(on) = m.ended_on { " " (on) }
                                    @if let Some(by) = &m.ended_by { div.small { (humanize(by)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    section(n, "List memberships", "红黑名单", body)
}

fn notes(n: &Counter, doc: &ReportDocument) -> Markup {
    let notes: Vec<&String> = doc
        .notes
        .iter()
        .filter(|n| n.as_str() != FOR_REFERENCE_ONLY)
        .collect();
    let body = html! {
        @if !notes.is_empty() {
            ul.notes { @for n in notes { li { (n) } } }
        }
        div.reference { (FOR_REFERENCE_ONLY) }
    };
    section(n, "Notes", "说明", body)
}

fn signature(signed: &SignedReport) -> Markup {
    let s = &signed.signature;
    html! {
        section.signature {
            h2 { span.num { "✓" } "Signature" span.zh { "电子签名" } }
            table.kv {
                tbody {
                    tr { th { "Algorithm" } td { (s.algorithm) } }
                    tr { th { "Key id" } td.mono { (s.key_id) } }
                    tr { th { "Signature" } td.mono.sig { (s.value) } }
                }
            }
            p.small {
                "The signature covers the report's JSON document in canonical form (RFC 8785), "
                "not this page. To verify, save the JSON document of report " (signed.report.report_no)
                " and run " code { "ecredit report verify FILE" } ", or send it to "
                code { "POST /api/v1/reports/verify" } ". The registry publishes its keys at "
                code { "GET /api/v1/reports/public-key" } "."
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Labels and number formats (shared with the charts)

pub(crate) fn dimension_label(d: Dimension) -> (&'static str, &'static str) {
    match d {
        Dimension::Qualification => ("Qualification", "企业资质"),
        Dimension::OperatingBehaviour => ("Operating behaviour", "经营行为"),
        Dimension::CreditHistory => ("Credit history", "信用历史"),
        Dimension::Fulfilment => ("Fulfilment capability", "履约能力"),
        Dimension::Associations => ("Associations", "关联关系"),
        Dimension::Sentiment => ("Public sentiment", "舆情"),
    }
}

fn business_model_label(model: &str) -> String {
    match model {
        "b2b" => "B2B".into(),
        "b2c" => "B2C".into(),
        "c2c" => "C2C".into(),
        "o2o" => "O2O".into(),
        other => humanize(other),
    }
}

fn adjustment_text(a: GradeAdjustment) -> &'static str {
    match a {
        GradeAdjustment::Blacklisted => {
            "the enterprise is on the blacklist, so its grade is C whatever the model says"
        }
        GradeAdjustment::SeriousEventCap => "an active serious negative event caps the grade",
        GradeAdjustment::UpgradePending => {
            "the model rates the enterprise higher; an upgrade takes effect after a second evaluation at the higher grade"
        }
    }
}

fn grade_class(g: Grade) -> &'static str {
    match g {
        Grade::Aaa | Grade::Aa | Grade::A => "g-high",
        Grade::Bbb | Grade::Bb => "g-mid",
        Grade::B | Grade::Ccc => "g-low",
        Grade::Cc | Grade::C => "g-bad",
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "sev minor",
        Severity::Major => "sev major",
        Severity::Serious => "sev serious",
    }
}

/// `loan_application` → `Loan application`.
fn humanize(code: &str) -> String {
    let text = code.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn datetime(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `1234567.891` with 2 decimals → `1,234,567.89`.
pub(crate) fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

fn money(x: f64) -> String {
    format!("CNY {}", grouped(x, 2))
}

/// `3184220.5` → `3.18M`, for chart scales.
pub(crate) fn compact_number(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    let (value, suffix) = if a >= 1e9 {
        (x / 1e9, "B")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

fn percent(share: f64, decimals: usize) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    format!("{:.*}%", decimals, share * 100.0)
}

fn opt_percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| percent(s, 1))
}

const STYLE: &str = r#"
@page { size: A4; margin: 12mm 12mm 14mm; }
* { box-sizing: border-box; }
html { background: #e9ecf1; }
body { margin: 0; color: #1d2733; font: 13px/1.5 "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.page { max-width: 210mm; margin: 24px auto; background: #fff; padding: 14mm 13mm; box-shadow: 0 2px 14px rgba(20, 35, 60, .18); }
.zh { color: #5b6775; font-weight: normal; margin-left: .5em; font-size: .85em; }
.report-header { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; border-bottom: 3px solid #163a63; padding-bottom: 10px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: #5b6775; }
h1 { margin: 2px 0 6px; font-size: 25px; color: #163a63; letter-spacing: .01em; }
h1 .zh { color: #163a63; font-size: 19px; }
.subject-name { font-size: 16px; font-weight: 600; margin-right: 10px; }
.subject-code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; color: #5b6775; }
.stamp { text-align: right; white-space: nowrap; }
.kind { display: inline-block; border: 1.5px solid #163a63; color: #163a63; border-radius: 3px; padding: 1px 8px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
.kind.public { border-color: #7a5a00; color: #7a5a00; }
.report-no { margin-top: 6px; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 14px; font-weight: 600; }
dl.meta { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 18px; margin: 12px 0 4px; padding: 10px 12px; background: #f3f6fa; border: 1px solid #dbe2ea; border-radius: 4px; }
dl.meta div { min-width: 0; }
dl.meta dt { font-size: 10.5px; text-transform: uppercase; letter-spacing: .06em; color: #5b6775; }
dl.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.public-note { margin: 8px 0 0; padding: 6px 10px; background: #fff7e0; border-left: 3px solid #c99400; font-size: 12px; }
section { margin-top: 20px; }
h2 { font-size: 15.5px; color: #163a63; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid #c9d3de; display: flex; align-items: baseline; }
h2 .num { display: inline-block; min-width: 22px; height: 22px; line-height: 22px; margin-right: 8px; text-align: center; border-radius: 50%; background: #163a63; color: #fff; font-size: 12px; }
h3 { font-size: 13px; margin: 14px 0 6px; color: #2b3a4a; }
table { border-collapse: collapse; width: 100%; }
table.kv th { text-align: left; font-weight: normal; color: #5b6775; width: 34%; padding: 3px 10px 3px 0; vertical-align: top; }
table.kv td { padding: 3px 0; font-weight: 500; }
table.grid { font-size: 12px; }
table.grid th { text-align: left; background: #eef2f7; color: #2b3a4a; font-weight: 600; padding: 5px 7px; border-bottom: 1.5px solid #b9c5d3; }
table.grid td { padding: 5px 7px; border-bottom: 1px solid #e2e7ee; vertical-align: top; }
table.grid.compact { width: auto; min-width: 50%; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11.5px; overflow-wrap: anywhere; }
.small { font-size: 11px; color: #5b6775; }
p.small { margin: 6px 0 0; }
.empty { color: #5b6775; font-style: italic; margin: 4px 0; }
td.none { color: #9aa5b1; }
.rating { display: flex; gap: 22px; align-items: stretch; }
.grade-box { flex: 0 0 200px; text-align: center; border: 1px solid #dbe2ea; border-radius: 6px; padding: 10px 8px; background: #f8fafc; }
.grade-label { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: #5b6775; }
.grade { font-size: 54px; font-weight: 800; line-height: 1.1; margin: 4px 0 8px; letter-spacing: .02em; }
.g-high { color: #17703a; } .g-mid { color: #1f5c99; } .g-low { color: #b36b00; } .g-bad { color: #b3261e; }
.grade-scale { display: flex; justify-content: center; gap: 2px; }
.grade-scale .step { font-size: 9px; padding: 1px 2px; color: #8a96a3; border-radius: 2px; }
.grade-scale .step.current { background: #163a63; color: #fff; font-weight: 700; }
.figures { flex: 1; }
ul.adjustments { margin: 8px 0 0; padding: 6px 10px 6px 26px; background: #fff7e0; border-left: 3px solid #c99400; font-size: 12px; }
.dimensions { display: flex; gap: 16px; align-items: center; }
.chart-box { flex: 0 0 55%; min-width: 0; }
.dimensions table.grid.compact { flex: 1; min-width: 0; width: auto; }
.chart-box.wide { margin-top: 10px; }
svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
.chart .grid { fill: none; stroke: #d3dbe5; stroke-width: 1; }
.chart .axis { stroke: #c2ccd8; stroke-width: 1; }
.chart .radar-value { fill: rgba(31, 92, 153, .22); stroke: #1f5c99; stroke-width: 2; stroke-linejoin: round; }
.chart .radar-dot { fill: #1f5c99; }
.chart .axis-label { font-size: 14px; fill: #2b3a4a; font-weight: 600; }
.chart .axis-value { font-size: 12.5px; fill: #5b6775; font-weight: normal; }
.chart .bar-track { fill: #e6ebf1; }
.chart .bar-value { fill: #1f5c99; }
.chart .gridline { stroke: #e2e7ee; stroke-width: 1; }
.chart .tick { font-size: 11px; fill: #5b6775; }
.chart .sales-bar, .chart .legend-sales { fill: #8fb3d9; }
.chart .orders-line, .chart .legend-orders { fill: none; stroke: #c2571a; stroke-width: 2.2; }
.chart .orders-dot { fill: #fff; stroke: #c2571a; stroke-width: 2; }
.chart .legend { font-size: 11px; fill: #2b3a4a; }
.reasons { display: flex; gap: 18px; margin-top: 6px; }
.reason-col { flex: 1; border-radius: 4px; padding: 2px 12px 8px; }
.reason-col.up { background: #eef7f1; border-left: 3px solid #17703a; }
.reason-col.down { background: #fbefee; border-left: 3px solid #b3261e; }
.reason-col ul { margin: 0; padding-left: 18px; }
.way-up { margin-top: 10px; }
.way-up .hint { color: #5b6775; margin: 2px 0 6px; }
.pol { display: inline-block; min-width: 16px; text-align: center; font-weight: 700; border-radius: 3px; }
.pol.neg { color: #b3261e; } .pol.pos { color: #17703a; }
.sev { font-size: 11px; padding: 0 5px; border-radius: 3px; }
.sev.minor { background: #eef2f7; } .sev.major { background: #fde7d2; } .sev.serious { background: #f6d3d0; color: #8c1d17; font-weight: 600; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 6px; border-radius: 3px; white-space: nowrap; }
.badge.disputed { background: #fff1c2; color: #7a5a00; border: 1px solid #e0b400; }
.badge.pending { background: #eef2f7; color: #5b6775; }
.badge.black { background: #2b2f36; color: #fff; }
.badge.red { background: #b3261e; color: #fff; }
tr.disputed td { background: #fffbea; }
.tiles { display: flex; gap: 10px; }
.tile { flex: 1; border: 1px solid #dbe2ea; border-radius: 4px; padding: 6px 10px; }
.tile .value { font-size: 20px; font-weight: 700; }
.tile .label { font-size: 11px; color: #5b6775; }
.tile.pos .value { color: #17703a; } .tile.neg .value { color: #b3261e; }
.chip { font-weight: 700; }
ul.notes { margin: 0 0 8px; padding-left: 18px; }
.reference { margin-top: 8px; padding: 8px 12px; border: 1px dashed #8a96a3; border-radius: 4px; font-size: 12px; color: #2b3a4a; background: #fafbfc; }
section.signature { border-top: 3px solid #163a63; padding-top: 8px; }
.sig { font-size: 10.5px; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; background: #eef2f7; padding: 0 3px; border-radius: 2px; }
@media print {
  html, body { background: #fff; }
  .page { margin: 0; padding: 0; max-width: none; box-shadow: none; }
  tr, .rating, .dimensions, .reasons, .tiles, .chart-box, .reference, section.signature { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
@media (max-width: 700px) {
  .rating, .dimensions, .reasons, .tiles { flex-direction: column; }
  dl.meta { grid-template-columns: 1fr 1fr; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::ReportSignature;
    use crate::report::sample;

    fn signed(report: ReportDocument) -> SignedReport {
        SignedReport {
            report,
            signature: ReportSignature {
                algorithm: "Ed25519".into(),
                key_id: "3f9a0c51d2e47b86".into(),
                value: "c2lnbmF0dXJl".into(),
            },
        }
    }

    /// Checks the tags of a fragment nest and close (void HTML elements aside).
    fn assert_balanced(fragment: &str) {
        const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link"];
        let mut stack: Vec<String> = Vec::new();
        let mut rest = fragment;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("tag closes") + start;
            let tag = &rest[start + 1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced </{name}>");
            } else {
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                assert!(!name.is_empty(), "bad tag <{tag}>");
                if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                    stack.push(name);
                }
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    fn svgs(page: &str) -> Vec<&str> {
        page.match_indices("<svg")
            .map(|(at, _)| &page[at..at + page[at..].find("</svg>").unwrap() + 6])
            .collect()
    }

    #[test]
    fn the_page_is_complete_and_self_contained() {
        let page = render_html(&signed(sample::document()));
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(page.ends_with("</html>"));
        assert_balanced(&page);
        let lower = page.to_lowercase();
        for forbidden in [
            "<script",
            "javascript:",
            "<link",
            "<img",
            "<iframe",
            "<object",
            "<embed",
            "<form",
            "src=",
            "href=",
            "@import",
            "url(",
            "@font-face",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden}");
        }
        // No event-handler attribute (` onload=`, ` onclick=` …).
        for (at, _) in lower.match_indices(" on") {
            let name: String = lower[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase())
                .collect();
            assert!(
                !lower[at + 3 + name.len()..].starts_with('='),
                "event handler on{name}"
            );
        }
        // The only URL is the enterprise's own shop address, shown as text.
        let shop = "https://xihutea.tmall.com";
        assert_eq!(lower.matches("http").count(), page.matches(shop).count());
        assert_eq!(page.matches(shop).count(), 1);
        assert!(page.contains("@media print") && page.contains("size: A4"));
    }

    #[test]
    fn sections_come_in_the_order_of_the_domain() {
        let page = render_html(&signed(sample::document()));
        let order = [
            "ECR-20261201-7Q4K9M2XRT",
            "2026-12-01 09:30 UTC",
            "2026-12-31 09:30 UTC",
            "2026.11-lr-rf-3",
            "浙江泰隆商业银行",
            "Basic data",
            "Credit rating",
            "612.4",
            "higher than 63% of scored enterprises",
            "1.87%",
            "Upgrade pending",
            "Dimension scores",
            "class=\"chart radar\"",
            "What raised the score",
            "What lowered the score",
            "Credit events",
            "Operating summary",
            "class=\"chart trend\"",
            "Sentiment summary",
            "Grade history",
            "List memberships",
            "Notes",
            "under objection",
            "For reference only",
            "Signature",
            "3f9a0c51d2e47b86",
            "c2lnbmF0dXJl",
            "ecredit report verify FILE",
            "POST /api/v1/reports/verify",
        ];
        let mut at = 0;
        for needle in order {
            let found = page[at..]
                .find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing or out of order"));
            at += found + needle.len();
        }
        // The grade is shown large, the disputed event marked, the for-reference note once.
        assert!(page.contains("<div class=\"grade g-mid\">BBB</div>"));
        assert_eq!(page.matches("Disputed · 异议中").count(), 1);
        assert!(page.contains("<tr class=\"disputed\">"));
        assert_eq!(page.matches(FOR_REFERENCE_ONLY).count(), 1);
        assert!(page.contains("110105********002X"));
    }

    #[test]
    fn a_disputed_operating_period_is_marked_like_a_disputed_event() {
        let mut document = sample::document();
        document.operating_summary[1].review_status = "disputed".into();
        let page = render_html(&signed(document));
        let table = &page[page.find("Operating summary").unwrap()
            ..page.find("<svg class=\"chart trend\"").unwrap()];
        assert_eq!(table.matches("Disputed · 异议中").count(), 1);
        assert_eq!(table.matches("<tr class=\"disputed\">").count(), 1);
        assert!(table.contains("objected to the figures"));
        assert!(
            table.contains("Pending"),
            "the pending period keeps its badge"
        );
    }

    #[test]
    fn charts_are_inline_svg_with_a_vertex_per_dimension_and_a_point_per_period() {
        let document = sample::document();
        let page = render_html(&signed(document.clone()));
        let charts = svgs(&page);
        assert_eq!(charts.len(), 2);
        for chart in &charts {
            assert_balanced(chart);
            assert!(!chart.contains("xmlns") && !chart.contains("NaN"));
        }
        let vertices = |svg: &str, class: &str| {
            let at = svg.find(&format!("class=\"{class}\" points=\"")).unwrap();
            let start = at + class.len() + 17;
            svg[start..start + svg[start..].find('"').unwrap()]
                .split(' ')
                .count()
        };
        let dims = document.rating.as_ref().unwrap().dimensions.len();
        assert_eq!(vertices(charts[0], "radar-value"), dims);
        assert_eq!(
            vertices(charts[1], "orders-line"),
            document.operating_summary.len()
        );
        // Oldest period first in the chart, latest first in the table.
        let chart_q4 = charts[1].find("2025-Q4").unwrap();
        assert!(chart_q4 < charts[1].find("2026-Q3").unwrap());
        let table = &page[page.find("Operating summary").unwrap()
            ..page.find("<svg class=\"chart trend\"").unwrap()];
        assert!(table.find("2026-Q3").unwrap() < table.find("2025-Q4").unwrap());
    }

    #[test]
    fn every_text_is_escaped() {
        let evil = "<script>alert(\"x\")</script>&\"'";
        let mut document = sample::document();
        document.report_no = format!("ECR-{evil}");
        document.issuer = evil.into();
        document.enterprise.name = format!("Evil {evil} Ltd");
        document.enterprise.industry = evil.into();
        document.enterprise.legal_representative = Some(evil.into());
        document.enterprise.platforms[0].shop_name = evil.into();
        document.enterprise.platforms[0].platform = evil.into();
        document.requested_for.organisation = Some(evil.into());
        document.requested_for.purpose = evil.into();
        document.model_version = Some(evil.into());
        let rating = document.rating.as_mut().unwrap();
        rating.raised.push(evil.into());
        rating.lowered.push(evil.into());
        document.credit_events[0].title = evil.into();
        document.credit_events[0].authority = evil.into();
        document.credit_events[0].document_number = Some(evil.into());
        document.operating_summary[0].period = evil.into();
        document.operating_summary[0].source = evil.into();
        document.operating_summary[0].review_status = evil.into();
        let sentiment = document.sentiment_summary.as_mut().unwrap();
        sentiment.latest[0].title = evil.into();
        sentiment.latest[0].source_name = evil.into();
        document.grade_history[0].model_version = evil.into();
        document.lists[0].reason = evil.into();
        document.lists[0].legal_basis = evil.into();
        document.lists[0].authority = evil.into();
        document.lists[0].ended_by = Some(evil.into());
        document.notes.insert(0, evil.into());
        let mut signed = signed(document);
        signed.signature.key_id = evil.into();
        signed.signature.value = evil.into();
        signed.signature.algorithm = evil.into();

        let page = render_html(&signed);
        assert!(!page.to_lowercase().contains("<script"), "unescaped script");
        assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;'"));
        assert!(page.contains("<title>Credit report ECR-&lt;script&gt;"));
        assert!(page.matches("&lt;script&gt;").count() >= 25);
        assert_balanced(&page);
        for chart in svgs(&page) {
            assert_balanced(chart);
        }
    }

    #[test]
    fn a_public_report_shows_only_what_it_holds() {
        let page = render_html(&signed(sample::public_document()));
        assert_balanced(&page);
        assert!(page.contains("Public report · 公开版"));
        assert!(page.contains("<div class=\"grade g-mid\">BBB</div>"));
        for absent in [
            "Operating summary",
            "Sentiment summary",
            "Grade history",
            "Dimension scores",
            "Score</th>",
            "Probability of default",
            "Legal representative",
            "Registered capital",
            "<svg",
        ] {
            assert!(!page.contains(absent), "{absent} shown in a public report");
        }
        // Sections are numbered as shown, without gaps.
        assert!(page.contains("<span class=\"num\">4</span>List memberships"));
        assert!(page.contains("<span class=\"num\">5</span>Notes"));
        for present in [
            "Credit events",
            "List memberships",
            "For reference only",
            "Signature",
        ] {
            assert!(page.contains(present), "{present}");
        }
    }

    #[test]
    fn sparse_and_degenerate_documents_render() {
        let mut document = sample::document();
        document.rating = None;
        document.model_version = None;
        document.credit_events.clear();
        document.operating_summary.truncate(1);
        document.sentiment_summary = None;
        document.grade_history.clear();
        document.lists.clear();
        document.notes.clear();
        document.enterprise.platforms.clear();
        let page = render_html(&signed(document.clone()));
        assert_balanced(&page);
        for text in [
            "Not rated",
            "No credit events",
            "No sentiment summary",
            "No grade changes",
            "Not on the blacklist",
            "For reference only",
        ] {
            assert!(page.contains(text), "{text}");
        }
        // One period: a bar and a dot, no line.
        assert_eq!(svgs(&page).len(), 1);
        assert!(!page.contains("orders-line\" points"));

        for n in 0..=6 {
            let mut d = sample::document();
            let rating = d.rating.as_mut().unwrap();
            rating.dimensions.truncate(n);
            for dim in &mut rating.dimensions {
                dim.min_points = 10.0;
                dim.max_points = 10.0;
                dim.points = 10.0;
            }
            d.operating_summary.iter_mut().for_each(|p| {
                p.online_sales = 0.0;
                p.orders = 0;
            });
            let page = render_html(&signed(d));
            assert_balanced(&page);
            assert!(
                !page.contains("NaN") && !page.contains("\"inf") && !page.contains("\"-inf"),
                "{n} dimensions"
            );
            assert_eq!(page.matches("<svg").count(), if n == 0 { 1 } else { 2 });
        }
    }

    #[test]
    fn number_formats() {
        assert_eq!(grouped(3_184_220.5, 2), "3,184,220.50");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 0), "1,000");
        assert_eq!(grouped(-1_234_567.0, 0), "-1,234,567");
        assert_eq!(grouped(-0.001, 2), "0.00");
        assert_eq!(grouped(f64::NAN, 2), "—");
        assert_eq!(compact_number(3_184_220.5), "3.18M");
        assert_eq!(compact_number(50_412.0), "50.41k");
        assert_eq!(compact_number(0.0), "0");
        assert_eq!(compact_number(25_206.0), "25.21k");
        assert_eq!(percent(0.0187, 2), "1.87%");
        assert_eq!(humanize("loan_application"), "Loan application");
        assert_eq!(humanize(""), "");
    }
}
