//! The keepers' enterprise search (issue 16, "Enterprise search"): the registry filtered by
//! name or code, grade, region (province → city → district, named from GB/T 2260), industry,
//! business model and status, with each enterprise's current grade; the same result exported as
//! CSV. Regulators and admins (the public has its own search by name on `/enterprises`).
//!
//! The region selects cascade: choosing a province fills the cities (htmx re-renders the page
//! on change; without script the search button does it), choosing a city fills the districts.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{to_sign_in, violations};
use super::forms::form_errors;
use super::i18n::{Lang, format_number, t, t_args, t_value, t_value_or_raw};
use super::layout::{page_with_status, pager};
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::enterprise::{BusinessModel, EnterpriseStatus};
use crate::domain::region;
use crate::error::{AppError, AppResult};
use crate::scoring::grade::Grade;
use crate::service::enterprises::{self, EnterpriseSearch, StoredEnterprise};
use crate::service::{PageRequest, Paged};

const PER_PAGE: u32 = 25;

/// The most rows one export holds: more is a job for the API's paging, not a download.
pub const EXPORT_LIMIT: u32 = 10_000;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct RegistryQuery {
    pub q: Option<String>,
    pub grade: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub industry: Option<String>,
    pub business_model: Option<String>,
    pub status: Option<String>,
    pub page: Option<u32>,
}

fn given(v: &Option<String>) -> &str {
    v.as_deref().map_or("", str::trim)
}

impl RegistryQuery {
    /// The most specific region chosen, as long as it lies inside the ones above it (a
    /// district left over from another city is dropped).
    fn region(&self) -> (&str, &str, &str) {
        let province = given(&self.province);
        let city = given(&self.city);
        let city = if !province.is_empty() && city.starts_with(&province[..2.min(province.len())]) {
            city
        } else {
            ""
        };
        let district = given(&self.district);
        let district = if city.len() >= 4 && district.starts_with(&city[..4]) {
            district
        } else {
            ""
        };
        (province, city, district)
    }

    fn search(&self) -> AppResult<EnterpriseSearch> {
        let (province, city, district) = self.region();
        let region = [district, city, province]
            .into_iter()
            .find(|r| !r.is_empty())
            .map(str::to_string);
        let closed = |field: &str, raw: &str, known: bool| -> AppResult<()> {
            if raw.is_empty() || known {
                Ok(())
            } else {
                Err(AppError::validation(field, "is not one of the choices"))
            }
        };
        let grade = Grade::parse(given(&self.grade));
        closed("grade", given(&self.grade), grade.is_some())?;
        let model = BusinessModel::parse(given(&self.business_model));
        closed(
            "business_model",
            given(&self.business_model),
            model.is_some(),
        )?;
        let status = EnterpriseStatus::parse(given(&self.status));
        closed("status", given(&self.status), status.is_some())?;
        Ok(EnterpriseSearch {
            region_code: region,
            industry: self.industry.clone(),
            status,
            business_model: model,
            q: self.q.clone(),
            grade,
        })
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let (province, city, district) = self.region();
        [
            ("q", given(&self.q)),
            ("grade", given(&self.grade)),
            ("province", province),
            ("city", city),
            ("district", district),
            ("industry", given(&self.industry)),
            ("business_model", given(&self.business_model)),
            ("status", given(&self.status)),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

/// `GET /workspace/enterprises`.
pub async fn search(
    ctx: Ctx,
    state: State,
    query: web::Query<RegistryQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    crate::service::require_keeper(&ctx.caller)?;
    let query = query.into_inner();
    let lang = ctx.lang;
    let found = match query.search() {
        Ok(search) => {
            enterprises::search(
                &state,
                search,
                PageRequest::new(query.page, Some(PER_PAGE))?,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let (found, errors) = match found {
        Ok(found) => (Some(found), None),
        Err(e) => (None, Some(violations(e)?)),
    };
    let grades = match &found {
        Some(found) => {
            let codes = found
                .rows
                .iter()
                .map(|e| e.enterprise.code.to_string())
                .collect();
            enterprises::current_grades(&state, codes).await?
        }
        None => HashMap::new(),
    };
    let title = t(lang, "reg-search-title");
    let export = {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.pairs() {
            ser.append_pair(k, v);
        }
        format!("/workspace/enterprises/export.csv?{}", ser.finish())
    };
    let content = html! {
        (role_nav(&ctx, "/workspace/enterprises"))
        h1 { (title) }
        (form_errors(lang, errors.as_ref(), &["q", "grade", "region_code", "industry", "business_model", "status", "page"]))
        (filter_form(lang, &query))
        @if let Some(found) = &found {
            section aria-labelledby="results-title" {
                div class="results-head" {
                    h2 id="results-title" { (t_args(lang, "reg-search-found", &[("count", &format_number(lang, found.total))])) }
                    @if found.total > 0 {
                        a class="button small" href=(export) download {
                            (t(lang, "reg-export"))
                        }
                    }
                }
                @if found.total > i64::from(EXPORT_LIMIT) {
                    p class="hint" { (t_args(lang, "reg-export-limit", &[("count", &format_number(lang, i64::from(EXPORT_LIMIT)))])) }
                }
                (results(lang, found, &grades, &query))
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

fn options(
    lang: Lang,
    any: &str,
    values: impl IntoIterator<Item = (String, String)>,
    chosen: &str,
) -> Markup {
    html! {
        option value="" selected[chosen.is_empty()] { (t(lang, any)) }
        @for (value, label) in values {
            option value=(value) selected[value == chosen] { (label) }
        }
    }
}

fn select(name: &str, label: String, body: Markup, cascade: bool) -> Markup {
    let id = format!("field-{name}");
    html! {
        div class="field" {
            label for=(id) { (label) }
            @if cascade {
                // A new province or city re-renders the page, so that the next select offers
                // what lies inside it.
                select id=(id) name=(name) hx-get="/workspace/enterprises" hx-include="closest form"
                    hx-target="#main" hx-push-url="true" hx-trigger="change" { (body) }
            } @else {
                select id=(id) name=(name) { (body) }
            }
        }
    }
}

fn filter_form(lang: Lang, query: &RegistryQuery) -> Markup {
    let (province, city, district) = query.region();
    let named = |divisions: Vec<region::Division>| {
        divisions
            .into_iter()
            .map(|d| (d.code, d.name.to_string()))
            .collect::<Vec<_>>()
    };
    let provinces = named(region::provinces());
    let cities = if province.is_empty() {
        vec![]
    } else {
        named(region::cities(province))
    };
    let districts = if city.is_empty() {
        vec![]
    } else {
        named(region::districts(city))
    };
    let grades = Grade::ALL
        .iter()
        .map(|g| (g.as_str().to_string(), g.as_str().to_string()));
    let models = BusinessModel::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), t_value(lang, "model", m.as_str())));
    let statuses = EnterpriseStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), t_value(lang, "status", s.as_str())));
    let industries = crate::demo::industry_names()
        .map(|name| (name.to_string(), t_value_or_raw(lang, "industry", name)));
    html! {
        form method="get" action="/workspace/enterprises" class="filter registry-filter" role="search" aria-label=(t(lang, "reg-search-filter")) {
            div class="field" {
                label for="field-q" { (t(lang, "reg-search-q")) }
                input id="field-q" name="q" type="search" value=(given(&query.q));
            }
            (select("grade", t(lang, "reg-grade"), options(lang, "reg-any", grades, given(&query.grade)), false))
            (select("province", t(lang, "reg-province"), options(lang, "reg-any", provinces, province), true))
            (select("city", t(lang, "reg-city"), options(lang, if province.is_empty() { "reg-province-first" } else { "reg-any" }, cities, city), true))
            (select("district", t(lang, "reg-district"), options(lang, if city.is_empty() { "reg-city-first" } else { "reg-any" }, districts, district), false))
            (select("industry", t(lang, "field-industry"), options(lang, "reg-any", industries, given(&query.industry)), false))
            (select("business_model", t(lang, "reg-business-model"), options(lang, "reg-any", models, given(&query.business_model)), false))
            (select("status", t(lang, "field-status"), options(lang, "reg-any", statuses, given(&query.status)), false))
            div class="actions" { button type="submit" class="button" { (t(lang, "reg-search-button")) } }
        }
    }
}

/// The region as a person reads it: province, city and district names (the code when the
/// tables do not know it).
pub fn region_label(code: &str) -> String {
    let province = format!("{}0000", &code[..2.min(code.len())]);
    let city = format!("{}00", &code[..4.min(code.len())]);
    let mut parts: Vec<&str> = vec![];
    for c in [province.as_str(), city.as_str(), code] {
        if let Some(name) = region::name(c)
            && !parts.contains(&name)
            && name != "市辖区"
            && name != "县"
        {
            parts.push(name);
        }
    }
    if parts.is_empty() {
        code.to_string()
    } else {
        parts.concat()
    }
}

fn results(
    lang: Lang,
    found: &Paged<StoredEnterprise>,
    grades: &HashMap<String, String>,
    query: &RegistryQuery,
) -> Markup {
    html! {
        @if found.rows.is_empty() {
            p class="empty" { (t(lang, "reg-search-none")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "reg-search-title")) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "field-name")) }
                        th scope="col" { (t(lang, "field-code")) }
                        th scope="col" { (t(lang, "reg-region")) }
                        th scope="col" { (t(lang, "field-industry")) }
                        th scope="col" { (t(lang, "field-status")) }
                        th scope="col" { (t(lang, "reg-grade")) }
                    } }
                    tbody {
                        @for e in &found.rows {
                            @let code = e.enterprise.code.to_string();
                            tr {
                                th scope="row" { a href=(format!("/workspace?enterprise={code}")) { (e.enterprise.name) } }
                                td { code { (code) } }
                                td { (region_label(&e.enterprise.region_code)) }
                                td { (t_value_or_raw(lang, "industry", &e.enterprise.industry)) }
                                td { (t_value(lang, "status", e.enterprise.status.as_str())) }
                                td {
                                    @match grades.get(&code) {
                                        Some(g) => { span class=(format!("badge {}", Grade::parse(g).map_or("", crate::report::svg::grade_class))) { (g) } }
                                        None => { span class="hint" { (t(lang, "reg-not-graded")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/enterprises", &query.pairs(), found.request.page, found.request.per_page, found.total))
        }
    }
}

/// `GET /workspace/enterprises/export.csv`: the same search as CSV (UTF-8 with a byte-order
/// mark, so that spreadsheet programs read the Chinese names), at most [`EXPORT_LIMIT`] rows.
pub async fn export(
    ctx: Ctx,
    state: State,
    query: web::Query<RegistryQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    crate::service::require_keeper(&ctx.caller)?;
    let lang = ctx.lang;
    let search = query.search()?;
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let columns = [
        t(lang, "field-code"),
        t(lang, "field-name"),
        t(lang, "reg-region-code"),
        t(lang, "reg-region"),
        t(lang, "field-industry"),
        t(lang, "field-business-models"),
        t(lang, "field-status"),
        t(lang, "reg-grade"),
    ];
    out.write_record(&columns).map_err(AppError::internal)?;
    // Pages of 100 (the service's most): one read each, never the whole registry at once.
    let mut page = 1;
    let mut written = 0u32;
    loop {
        let found = enterprises::search(
            &state,
            search.clone(),
            PageRequest::new(Some(page), Some(100))?,
        )
        .await?;
        let codes = found
            .rows
            .iter()
            .map(|e| e.enterprise.code.to_string())
            .collect();
        let grades = enterprises::current_grades(&state, codes).await?;
        for e in &found.rows {
            let code = e.enterprise.code.to_string();
            let models: Vec<&str> = e
                .enterprise
                .business_models
                .iter()
                .map(|m| m.as_str())
                .collect();
            out.write_record([
                code.as_str(),
                &e.enterprise.name,
                &e.enterprise.region_code,
                &region_label(&e.enterprise.region_code),
                &e.enterprise.industry,
                &models.join(" "),
                e.enterprise.status.as_str(),
                grades.get(&code).map_or("", String::as_str),
            ])
            .map_err(AppError::internal)?;
            written += 1;
        }
        if found.rows.len() < 100 || written >= EXPORT_LIMIT || i64::from(page) * 100 >= found.total
        {
            break;
        }
        page += 1;
    }
    let body = out.into_inner().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename("enterprises.csv".into())],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
