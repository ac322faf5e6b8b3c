//! The keepers' model pages (issue 16, "Models"): the versions with their holdout AUC, KS and
//! Brier score and the PSI of the scores they made; one version with its features, activations
//! and its comparison with the active model side by side (holdout metrics with DeLong's test,
//! the grade migration matrix); and the activation, behind a confirmation page that names what
//! changes. Regulators and admins; the service refuses the rest.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{notice_ok, textarea, to_sign_in, val, violations};
use super::forms::{check_csrf, csrf_field, form_errors};
use super::i18n::{Lang, format_date, format_date_time, format_number, t, t_args, t_value};
use super::layout::{page, page_with_status, see_other};
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::Violations;
use crate::domain::models::ActivationInput;
use crate::error::AppResult;
use crate::scoring::challenge::{GradeMigration, HoldoutComparison};
use crate::scoring::metrics::{BinaryMetrics, PairedAuc};
use crate::scoring::model::ModelMetrics;
use crate::scoring::scorecard::ColumnStatus;
use crate::service::models::{self, StoredComparison};

fn metric(value: f64) -> String {
    format!("{value:.4}")
}

/// A signed difference, the sign always shown.
fn signed(value: f64) -> String {
    format!("{value:+.4}")
}

fn model_href(version: &str) -> String {
    format!(
        "/workspace/models/{}",
        form_urlencoded::byte_serialize(version.as_bytes()).collect::<String>()
    )
}

/// `GET /workspace/models`.
pub async fn list(ctx: Ctx, state: State) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let entries = models::list(&state, &ctx.caller).await?;
    // The PSI of the active version's current scores: the one the registry's grades come from.
    let active = entries.iter().find(|e| e.row.active);
    let active_psi = match active {
        Some(e) => models::get(&state, &ctx.caller, &e.row.version)
            .await?
            .population_stability
            .and_then(|p| p["psi"].as_f64()),
        None => None,
    };
    let title = t(lang, "mdl-title");
    let content = html! { div class="model-page" {
        (role_nav(&ctx, "/workspace/models"))
        h1 { (title) }
        p class="lead" { (t(lang, "mdl-lead")) }
        div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
            table {
                thead { tr {
                    th scope="col" { (t(lang, "mdl-version")) }
                    th scope="col" { (t(lang, "mdl-trained")) }
                    th scope="col" class="num" { (t(lang, "mdl-rows")) }
                    th scope="col" class="num" { "AUC" }
                    th scope="col" class="num" { "KS" }
                    th scope="col" class="num" { "Brier" }
                    th scope="col" class="num" { "PSI" }
                    th scope="col" { (t(lang, "ws-status")) }
                } }
                tbody {
                    @for e in &entries {
                        @let summary: serde_json::Value = serde_json::from_str(&e.row.summary).unwrap_or_default();
                        @let combined = &summary["metrics"]["combined"];
                        tr {
                            th scope="row" { a href=(model_href(&e.row.version)) { code { (e.row.version) } } }
                            td { (format_date_time(lang, e.row.trained_at)) }
                            td class="num" { (summary["training"]["rows"].as_i64().map(|n| format_number(lang, n)).unwrap_or_default()) }
                            td class="num" { (combined["auc"].as_f64().map(metric).unwrap_or_default()) }
                            td class="num" { (combined["ks"]["statistic"].as_f64().map(metric).unwrap_or_default()) }
                            td class="num" { (combined["brier"].as_f64().map(metric).unwrap_or_default()) }
                            td class="num" {
                                @if e.row.active { (active_psi.map(metric).unwrap_or_else(|| "—".into())) } @else { "—" }
                            }
                            td {
                                @if e.row.active { span class="badge grant-live" { (t(lang, "mdl-active")) } }
                                @else if summary["registry_model"] == false { span class="hint" { (t(lang, "mdl-not-registry")) } }
                            }
                        }
                    }
                }
            }
        }
        p class="hint" { (t(lang, "mdl-list-hint")) }
    } };
    Ok(page(&ctx, &title, content))
}

#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    /// Set after a comparison was made from the page.
    pub compared: Option<i64>,
    /// Set after the activation from the page.
    pub activated: Option<u8>,
}

/// `GET /workspace/models/{version}`.
pub async fn detail(
    ctx: Ctx,
    state: State,
    version: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let detail = models::get(&state, &ctx.caller, &version).await?;
    let comparisons = models::comparisons(&state, &ctx.caller, &version).await?;
    let entries = models::list(&state, &ctx.caller).await?;
    let active = entries
        .iter()
        .find(|e| e.row.active)
        .map(|e| e.row.version.clone());
    let row = &detail.row;
    let artifact = &detail.model.artifact;
    let training = &artifact.training;
    let title = t_args(lang, "mdl-detail-title", &[("version", &row.version)]);
    let latest = comparisons.first();
    let content = html! { div class="model-page" {
        (role_nav(&ctx, "/workspace/models"))
        p class="breadcrumbs" { a href="/workspace/models" { (t(lang, "mdl-title")) } }
        h1 { (title) }
        @if let Some(id) = query.compared {
            (notice_ok(t_args(lang, "mdl-compared", &[("id", &id.to_string())])))
        }
        @if query.activated.is_some() && row.active {
            (notice_ok(t(lang, "mdl-activated")))
        }
        dl class="facts" {
            dt { (t(lang, "ws-status")) }
            dd {
                @if row.active { span class="badge grant-live" { (t(lang, "mdl-active")) } }
                @else { (t(lang, "mdl-inactive")) }
            }
            dt { (t(lang, "mdl-trained")) } dd { (format_date_time(lang, row.trained_at)) }
            dt { (t(lang, "mdl-source")) } dd { (training.source) }
            @if let Some(as_of) = training.as_of {
                dt { (t(lang, "mdl-as-of")) } dd { (format_date(lang, as_of)) }
            }
            dt { (t(lang, "mdl-rows")) }
            dd { (t_args(lang, "mdl-rows-bads", &[
                ("rows", &format_number(lang, training.rows as i64)),
                ("bads", &format_number(lang, training.bads as i64)),
                ("holdout", &format_number(lang, training.holdout_rows as i64)),
            ])) }
            dt { (t(lang, "mdl-weight")) } dd { (format!("{:.2}", artifact.combination.lr_weight)) }
            dt { (t(lang, "mdl-current-scores")) } dd { (format_number(lang, detail.current_scores as i64)) }
            @if let Some(psi) = detail.population_stability.as_ref().and_then(|p| p["psi"].as_f64()) {
                dt { "PSI" } dd { (metric(psi)) " " span class="hint" { (psi_meaning(lang, psi)) } }
            }
        }
        section aria-labelledby="metrics-title" {
            h2 id="metrics-title" { (t(lang, "mdl-holdout-metrics")) }
            (metrics_table(lang, &artifact.metrics))
        }
        section aria-labelledby="cmp-title" id="comparison" {
            h2 id="cmp-title" { (t(lang, "mdl-comparison")) }
            @match (&active, row.active) {
                (_, true) => { p class="hint" { (t(lang, "mdl-is-champion")) } }
                (None, false) => { p class="hint" { (t(lang, "mdl-no-champion")) } }
                (Some(champion), false) => {
                    @match latest.filter(|c| &c.comparison.champion == champion) {
                        Some(stored) => { (comparison(lang, stored)) }
                        None => { p { (t_args(lang, "mdl-not-compared", &[("champion", champion)])) } }
                    }
                    @if artifact.is_registry_model() {
                        div class="actions model-actions" {
                            form method="post" action=(format!("{}/comparisons", model_href(&row.version))) {
                                (csrf_field(&ctx))
                                button type="submit" class="button" { (t(lang, "mdl-compare-button")) }
                            }
                            a class="button" href=(format!("{}/activate", model_href(&row.version))) { (t(lang, "mdl-activate-button")) }
                        }
                        p class="hint" { (t(lang, "mdl-compare-hint")) }
                    }
                }
            }
        }
        section aria-labelledby="act-title" {
            h2 id="act-title" { (t(lang, "mdl-activations")) }
            @if detail.activations.is_empty() {
                p class="empty" { (t(lang, "mdl-never-active")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "mdl-activated-at")) }
                            th scope="col" { (t(lang, "mdl-by")) }
                            th scope="col" { (t(lang, "mdl-replaced")) }
                            th scope="col" { (t(lang, "mdl-comparison-no")) }
                            th scope="col" { (t(lang, "mdl-reason")) }
                        } }
                        tbody {
                            @for a in &detail.activations {
                                tr {
                                    td { (format_date_time(lang, a.activated_at)) }
                                    td { (a.activated_by) }
                                    td { @if let Some(v) = &a.replaced { a href=(model_href(v)) { code { (v) } } } @else { "—" } }
                                    td { @if let Some(id) = a.comparison_id { (id) } @else { "—" } }
                                    td { p class="prose" { (a.reason) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="features-title" {
            h2 id="features-title" { (t(lang, "mdl-features")) }
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "mdl-feature")) }
                        th scope="col" { (t(lang, "mdl-dimension")) }
                        th scope="col" class="num" { "IV" }
                        th scope="col" { (t(lang, "mdl-in-scorecard")) }
                    } }
                    tbody {
                        @for f in &artifact.features {
                            tr {
                                th scope="row" {
                                    @let key = format!("feature-{}", f.name);
                                    @if super::i18n::has(lang, &key) { (t(lang, &key)) br; }
                                    code class="small" { (f.name) }
                                }
                                td { @if let Some(d) = f.dimension { (t_value(lang, "dimension", d.as_str())) } }
                                td class="num" { (format!("{:.3}", f.iv)) }
                                td { (t_value(lang, "mdl-column", column_status(&f.scorecard))) }
                            }
                        }
                    }
                }
            }
        }
    } };
    Ok(page(&ctx, &title, content))
}

fn column_status(status: &ColumnStatus) -> &'static str {
    match status {
        ColumnStatus::Kept => "kept",
        ColumnStatus::LowIv => "low_iv",
        ColumnStatus::WrongSign => "wrong_sign",
        ColumnStatus::Empty => "empty",
    }
}

/// The rule of thumb for a PSI.
fn psi_meaning(lang: Lang, psi: f64) -> String {
    let key = if psi < 0.1 {
        "stable"
    } else if psi < 0.25 {
        "shift"
    } else {
        "significant"
    };
    t_value(lang, "mdl-psi", key)
}

/// AUC, KS, Gini and Brier of the scorecard, the forest and the combined PD.
fn metrics_table(lang: Lang, metrics: &ModelMetrics) -> Markup {
    let families: [(&str, &BinaryMetrics); 3] = [
        ("lr", &metrics.lr),
        ("rf", &metrics.rf),
        ("combined", &metrics.combined),
    ];
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
            table {
                thead { tr {
                    th scope="col" { (t(lang, "mdl-family")) }
                    th scope="col" class="num" { "AUC" }
                    th scope="col" class="num" { "KS" }
                    th scope="col" class="num" { "Gini" }
                    th scope="col" class="num" { "Brier" }
                    th scope="col" class="num" { (t(lang, "mdl-rows")) }
                } }
                tbody {
                    @for (family, m) in families {
                        tr {
                            th scope="row" { (t_value(lang, "mdl-family", family)) }
                            td class="num" { (metric(m.auc)) }
                            td class="num" { (metric(m.ks.statistic)) }
                            td class="num" { (metric(m.gini)) }
                            td class="num" { (metric(m.brier)) }
                            td class="num" { (format_number(lang, m.n as i64)) }
                        }
                    }
                }
            }
        }
    }
}

/// A stored comparison: the holdout side by side, then the migration.
fn comparison(lang: Lang, stored: &StoredComparison) -> Markup {
    let c = &stored.comparison;
    html! {
        p {
            (t_args(lang, "mdl-comparison-of", &[
                ("id", &stored.id.to_string()),
                ("champion", &c.champion),
                ("at", &format_date_time(lang, stored.computed_at)),
                ("by", &stored.computed_by),
            ]))
        }
        h3 { (t(lang, "mdl-on-holdout")) }
        @match &c.holdout {
            Some(h) => { (holdout(lang, h)) }
            None => { p class="notice warning" { (c.holdout_missing.clone().unwrap_or_default()) } }
        }
        h3 { (t_args(lang, "mdl-on-population", &[("date", &format_date(lang, c.population.as_of))])) }
        (migration_summary(lang, &c.population.migration))
        (migration_matrix(lang, &c.population.migration))
        dl class="facts" {
            @if let Some(psi) = &c.population.champion_psi {
                dt { (t(lang, "mdl-champion-psi")) } dd { (metric(psi.psi)) " " span class="hint" { (psi_meaning(lang, psi.psi)) } }
            }
            @if let Some(psi) = &c.population.challenger_psi {
                dt { (t(lang, "mdl-challenger-psi")) } dd { (metric(psi.psi)) " " span class="hint" { (psi_meaning(lang, psi.psi)) } }
            }
        }
    }
}

/// Both models' holdout metrics in columns, with the difference and DeLong's p-value for AUC.
fn holdout(lang: Lang, h: &HoldoutComparison) -> Markup {
    let families: [(&str, &BinaryMetrics, &BinaryMetrics, &PairedAuc); 3] = [
        ("lr", &h.champion.lr, &h.challenger.lr, &h.auc_difference.lr),
        ("rf", &h.champion.rf, &h.challenger.rf, &h.auc_difference.rf),
        (
            "combined",
            &h.champion.combined,
            &h.challenger.combined,
            &h.auc_difference.combined,
        ),
    ];
    html! {
        p class="hint" {
            (t_args(lang, "mdl-holdout-rows", &[
                ("rows", &format_number(lang, h.rows as i64)),
                ("bads", &format_number(lang, h.bads as i64)),
            ]))
            " "
            @if !h.same_as_training { (t(lang, "mdl-holdout-changed")) " " }
            @if !h.shared_holdout { (t(lang, "mdl-holdout-not-shared")) }
        }
        div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
            table class="side-by-side" {
                thead { tr {
                    th scope="col" { (t(lang, "mdl-family")) }
                    th scope="col" { (t(lang, "mdl-metric")) }
                    th scope="col" class="num" { (t(lang, "mdl-champion")) }
                    th scope="col" class="num" { (t(lang, "mdl-challenger")) }
                    th scope="col" class="num" { (t(lang, "mdl-difference")) }
                } }
                tbody {
                    @for (family, a, b, test) in families {
                        tr {
                            th scope="row" rowspan="3" { (t_value(lang, "mdl-family", family)) }
                            td { "AUC" }
                            td class="num" { (metric(a.auc)) }
                            td class="num" { (metric(b.auc)) }
                            td class="num" {
                                span class=(better_class(b.auc - a.auc, true)) { (signed(b.auc - a.auc)) }
                                br;
                                span class="hint" { (t_args(lang, "mdl-delong", &[
                                    ("p", &p_value(test.p_value)),
                                    ("low", &signed(test.ci95[0])),
                                    ("high", &signed(test.ci95[1])),
                                ])) }
                            }
                        }
                        tr {
                            td { "KS" }
                            td class="num" { (metric(a.ks.statistic)) }
                            td class="num" { (metric(b.ks.statistic)) }
                            td class="num" { span class=(better_class(b.ks.statistic - a.ks.statistic, true)) { (signed(b.ks.statistic - a.ks.statistic)) } }
                        }
                        tr {
                            td { "Brier" }
                            td class="num" { (metric(a.brier)) }
                            td class="num" { (metric(b.brier)) }
                            td class="num" { span class=(better_class(b.brier - a.brier, false)) { (signed(b.brier - a.brier)) } }
                        }
                    }
                }
            }
        }
    }
}

/// "= 0.382", and "< 0.001" rather than a p-value of zero.
fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("= {p:.3}")
    }
}

/// `better` or `worse` for a difference, by which direction is good.
fn better_class(difference: f64, higher_is_better: bool) -> &'static str {
    if difference == 0.0 {
        ""
    } else if (difference > 0.0) == higher_is_better {
        "better"
    } else {
        "worse"
    }
}

fn migration_summary(lang: Lang, m: &GradeMigration) -> Markup {
    let n = |v: u64| format_number(lang, v as i64);
    let share = |v: u64| {
        if m.enterprises == 0 {
            String::new()
        } else {
            format!("{:.1}%", v as f64 * 100.0 / m.enterprises as f64)
        }
    };
    html! {
        dl class="facts migration-summary" {
            dt { (t(lang, "mdl-enterprises")) } dd { (n(m.enterprises)) }
            dt { (t(lang, "mdl-unchanged")) } dd { (n(m.unchanged)) " (" (share(m.unchanged)) ")" }
            dt { (t(lang, "mdl-upgraded")) } dd { (n(m.upgraded)) " (" (share(m.upgraded)) ")" }
            dt { (t(lang, "mdl-downgraded")) } dd { (n(m.downgraded)) " (" (share(m.downgraded)) ")" }
            dt { (t(lang, "mdl-moved-two")) } dd { (n(m.moved_two_or_more)) " (" (share(m.moved_two_or_more)) ")" }
            dt { (t(lang, "mdl-grade-psi")) } dd { (metric(m.grade_psi)) " " span class="hint" { (psi_meaning(lang, m.grade_psi)) } }
        }
    }
}

/// The 9 × 9 matrix: rows the champion's grade, columns the challenger's.
fn migration_matrix(lang: Lang, m: &GradeMigration) -> Markup {
    let champion_totals = m.champion_grades();
    let challenger_totals = m.challenger_grades();
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "mdl-matrix")) {
            table class="matrix" {
                caption { (t(lang, "mdl-matrix-caption")) }
                thead {
                    tr {
                        th scope="col" { (t(lang, "mdl-from-to")) }
                        @for g in &m.grades { th scope="col" class="num" { (g.as_str()) } }
                        th scope="col" class="num" { (t(lang, "mdl-total")) }
                    }
                }
                tbody {
                    @for (i, row) in m.counts.iter().enumerate() {
                        tr {
                            th scope="row" { (m.grades[i].as_str()) }
                            @for (j, &count) in row.iter().enumerate() {
                                td class=(cell_class(i, j, count)) { @if count > 0 { (format_number(lang, count as i64)) } }
                            }
                            td class="num total" { (format_number(lang, champion_totals[i] as i64)) }
                        }
                    }
                    tr {
                        th scope="row" { (t(lang, "mdl-total")) }
                        @for total in &challenger_totals { td class="num total" { (format_number(lang, *total as i64)) } }
                        td class="num total" { (format_number(lang, m.enterprises as i64)) }
                    }
                }
            }
        }
    }
}

fn cell_class(i: usize, j: usize, count: u64) -> &'static str {
    match (i.abs_diff(j), count) {
        (_, 0) => "num",
        (0, _) => "num same",
        (1, _) => "num near",
        _ => "num far",
    }
}

/// `POST /workspace/models/{version}/comparisons`.
pub async fn compare(
    ctx: Ctx,
    state: State,
    version: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let stored = models::compare(&state, &ctx.caller, &version).await?;
    Ok(see_other(
        &ctx,
        &format!("{}?compared={}#comparison", model_href(&version), stored.id),
    ))
}

/// `GET /workspace/models/{version}/activate`: what the activation changes, and the reason.
pub async fn confirm(
    ctx: Ctx,
    state: State,
    version: web::Path<String>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    render_confirm(&ctx, &state, &version, "", None).await
}

async fn render_confirm(
    ctx: &Ctx,
    state: &State,
    version: &str,
    reason: &str,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let entries = models::list(state, &ctx.caller).await?;
    let Some(entry) = entries.iter().find(|e| e.row.version == version) else {
        return Err(crate::error::AppError::NotFound(format!(
            "no model version {version}"
        )));
    };
    let champion = entries
        .iter()
        .find(|e| e.row.active)
        .map(|e| e.row.version.clone());
    let comparisons = models::comparisons(state, &ctx.caller, version).await?;
    let stored = champion
        .as_ref()
        .and_then(|c| comparisons.iter().find(|s| &s.comparison.champion == c));
    let title = t_args(lang, "mdl-confirm-title", &[("version", version)]);
    let content = html! { div class="model-page" {
        (role_nav(ctx, "/workspace/models"))
        p class="breadcrumbs" {
            a href="/workspace/models" { (t(lang, "mdl-title")) } " › "
            a href=(model_href(version)) { code { (version) } }
        }
        h1 { (title) }
        @if entry.row.active {
            p class="notice" { (t(lang, "mdl-already-active")) }
        } @else {
            @match (&champion, stored) {
                (Some(champion), None) => {
                    div class="notice warning" {
                        p { (t_args(lang, "mdl-confirm-needs-comparison", &[("champion", champion)])) }
                    }
                    form method="post" action=(format!("{}/comparisons", model_href(version))) {
                        (csrf_field(ctx))
                        button type="submit" class="button" { (t(lang, "mdl-compare-button")) }
                    }
                }
                (champion, stored) => {
                    div class="notice warning" {
                        @match (champion, stored) {
                            (Some(champion), Some(stored)) => {
                                @let m = &stored.comparison.population.migration;
                                p { (t_args(lang, "mdl-confirm-replaces", &[("version", version), ("champion", champion)])) }
                                p { (t_args(lang, "mdl-confirm-moves", &[
                                    ("id", &stored.id.to_string()),
                                    ("date", &format_date(lang, stored.comparison.population.as_of)),
                                    ("enterprises", &format_number(lang, m.enterprises as i64)),
                                    ("upgraded", &format_number(lang, m.upgraded as i64)),
                                    ("downgraded", &format_number(lang, m.downgraded as i64)),
                                    ("far", &format_number(lang, m.moved_two_or_more as i64)),
                                ])) }
                            }
                            _ => { p { (t_args(lang, "mdl-confirm-first", &[("version", version)])) } }
                        }
                        p { (t(lang, "mdl-confirm-rescoring")) }
                    }
                    @if let Some(stored) = stored {
                        (migration_matrix(lang, &stored.comparison.population.migration))
                    }
                    (form_errors(lang, errors, &["reason"]))
                    form method="post" action=(format!("{}/activate", model_href(version))) class="stack" novalidate {
                        (csrf_field(ctx))
                        (textarea(lang, "reason", t(lang, "mdl-reason"), reason, true, errors))
                        div class="actions model-actions" {
                            button type="submit" class="button danger" { (t(lang, "mdl-confirm-button")) }
                            a href=(model_href(version)) { (t(lang, "mdl-cancel")) }
                        }
                    }
                }
            }
        }
    } };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// `POST /workspace/models/{version}/activate`.
pub async fn activate(
    ctx: Ctx,
    state: State,
    version: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let reason = val(&form, "reason").to_string();
    let input = ActivationInput {
        reason: reason.clone(),
    };
    match models::activate(&state, &ctx.caller, &version, input).await {
        Ok(_) => Ok(see_other(
            &ctx,
            &format!("{}?activated=1", model_href(&version)),
        )),
        Err(e) => {
            let v = violations(e)?;
            render_confirm(&ctx, &state, &version, &reason, Some(&v)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_classed_by_distance() {
        assert_eq!(cell_class(2, 2, 5), "num same");
        assert_eq!(cell_class(2, 3, 5), "num near");
        assert_eq!(cell_class(2, 5, 5), "num far");
        assert_eq!(cell_class(2, 5, 0), "num");
    }

    #[test]
    fn a_lower_brier_is_better_and_a_higher_auc() {
        assert_eq!(better_class(0.01, true), "better");
        assert_eq!(better_class(0.01, false), "worse");
        assert_eq!(better_class(-0.01, false), "better");
        assert_eq!(better_class(0.0, true), "");
    }

    #[test]
    fn tiny_p_values_are_not_written_as_zero() {
        assert_eq!(p_value(1e-9), "< 0.001");
        assert_eq!(p_value(0.38225), "= 0.382");
    }
}
