//! `/enterprises/{code}/score` and `/scores`: the current score and grade, rescoring, history.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{PrivateListProblems, PublicReadProblems};
use super::views::Visibility;
use super::{ApiQuery, Page, PageQuery, PageRequest, in_language, path_code, response_lang};
use crate::auth::Viewer;
use crate::engine::Reasons;
use crate::error::{AppResult, Problem};
use crate::i18n::Lang;
use crate::scoring::grade::{Grade, GradeAdjustment};
use crate::service::Caller;
use crate::service::scores::{self, CurrentScore, ScoreRow};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/enterprises/{code}/score")
            .route(web::get().to(get_score))
            .route(web::post().to(rescore)),
    )
    .service(super::resource("/enterprises/{code}/score/way-up").route(web::get().to(get_way_up)))
    .service(
        super::resource("/enterprises/{code}/score/changes").route(web::get().to(get_score_change)),
    )
    .service(super::resource("/enterprises/{code}/scores").route(web::get().to(list_scores)));
}

/// A score as the caller may see it: the public sees the grade only.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoreView {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    /// The published grade (after policy overrides and the upgrade rule).
    pub grade: Grade,
    /// The date the features were computed as of.
    pub as_of: NaiveDate,
    pub visibility: Visibility,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ScoreDetails>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoreDetails {
    pub id: i64,
    pub score: f64,
    /// Share of scored enterprises with a lower score, in [0, 1].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentile: Option<f64>,
    /// Calibrated probability of default of the scorecard (logistic regression).
    pub pd_lr: f64,
    /// Calibrated probability of default of the random forest.
    pub pd_rf: f64,
    /// The combined probability of default the score is scaled from.
    pub pd: f64,
    /// The master-scale grade of `pd`, before overrides.
    pub model_grade: Grade,
    /// After the policy overrides, before the upgrade rule.
    pub evaluated_grade: Grade,
    /// True when the evaluation was better than the published grade for the first time.
    pub upgrade_pending: bool,
    pub adjustments: Vec<GradeAdjustment>,
    /// Scorecard points per dimension.
    #[schema(value_type = Object)]
    pub sub_scores: serde_json::Map<String, serde_json::Value>,
    pub reasons: Reasons,
    pub model_version: String,
    #[serde(with = "crate::domain::utc")]
    pub scored_at: NaiveDateTime,
    pub scored_by: String,
}

impl ScoreView {
    /// What everyone may see: the published grade and the date it was evaluated for.
    fn public(enterprise_code: String, grade: &str, as_of: NaiveDate) -> Self {
        ScoreView {
            enterprise_code,
            grade: Grade::from_stored(grade),
            as_of,
            visibility: Visibility::Public,
            details: None,
        }
    }

    fn of(row: ScoreRow, full: bool, percentile: Option<f64>, lang: Lang) -> Self {
        let details = full.then(|| ScoreDetails {
            id: row.id,
            score: row.score,
            percentile,
            pd_lr: row.pd_lr,
            pd_rf: row.pd_rf,
            pd: row.pd,
            model_grade: Grade::from_stored(&row.model_grade),
            evaluated_grade: Grade::from_stored(&row.evaluated_grade),
            upgrade_pending: row.upgrade_pending,
            adjustments: serde_json::from_str(&row.adjustments).unwrap_or_default(),
            sub_scores: serde_json::from_str(&row.sub_scores).unwrap_or_default(),
            reasons: Reasons::from_stored(&row.reasons, lang),
            model_version: row.model_version.clone(),
            scored_at: row.scored_at,
            scored_by: row.scored_by.clone(),
        });
        ScoreView {
            enterprise_code: row.enterprise_code,
            grade: Grade::from_stored(&row.grade),
            as_of: row.as_of,
            visibility: if full {
                Visibility::Full
            } else {
                Visibility::Public
            },
            details,
        }
    }
}

/// The current grade of an enterprise. Everyone sees the grade; regulators, admins and the
/// enterprise itself also see the score, both models' PDs, sub-scores, reasons and percentile.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/score", tag = "scores",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), ReasonLanguage),
    responses(
        (status = 200, description = "The current score", body = ScoreView,
         headers(("Content-Language" = String, description = "The language of the reasons' texts"))),
        PublicReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn get_score(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let lang = response_lang(&req);
    let caller = Caller::new(viewer, None, None);
    let view = match scores::current(&state, &caller, &code).await? {
        CurrentScore::Public { code, grade, as_of } => ScoreView::public(code, &grade, as_of),
        CurrentScore::Full { row, percentile } => ScoreView::of(*row, true, Some(percentile), lang),
    };
    Ok(in_language(StatusCode::OK, lang).json(view))
}

/// The language of the reasons' texts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ReasonLanguage {
    /// zh-CN when the first language is any Chinese (`zh`, `zh-CN`, `zh-TW`…), English
    /// otherwise.
    #[serde(rename = "Accept-Language")]
    #[param(rename = "Accept-Language", example = "zh-CN,zh;q=0.9")]
    pub accept_language: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RescoreQuery {
    /// Compute the features as of this date (default: today).
    #[param(example = "2026-11-01")]
    pub as_of: Option<NaiveDate>,
}

/// Rescore an enterprise now with the active model. Regulators and admins.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{code}/score", tag = "scores",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), RescoreQuery, ReasonLanguage),
    responses(
        (status = 201, description = "Scored and stored", body = ScoreView,
         headers(("Content-Language" = String, description = "The language of the reasons' texts"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins rescore", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enterprise", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No model is active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`as_of` is invalid or in the future", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn rescore(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    query: ApiQuery<RescoreQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let as_of = query.into_inner()?.as_of;
    let caller = super::caller(&req, viewer);
    let lang = response_lang(&req);
    let (row, percentile) = scores::rescore(&state, &caller, &code, as_of).await?;
    Ok(in_language(StatusCode::CREATED, lang).json(ScoreView::of(
        row,
        true,
        Some(percentile),
        lang,
    )))
}

/// An enterprise's scores, latest first: the grade history. Regulators, admins and the
/// enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/scores", tag = "scores",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), PageQuery, ReasonLanguage),
    responses(
        (status = 200, description = "One page of scores", body = Page<ScoreView>,
         headers(("Content-Language" = String, description = "The language of the reasons' texts"))),
        PrivateListProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_scores(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let paging = paging.into_inner().and_then(PageRequest::try_from);
    let caller = Caller::new(viewer, None, None);
    let lang = response_lang(&req);
    let scores = scores::history(&state, &caller, &code, paging).await?;
    Ok(in_language(StatusCode::OK, lang).json(Page::from(
        scores.map(|row| ScoreView::of(row, true, None, lang)),
    )))
}

/// The way up: the changes an enterprise could make that would move it to the next grade.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WayUpView {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    /// The date of the latest score, which the features are computed as of.
    pub as_of: NaiveDate,
    /// The active model, which the changes are scored with.
    pub model_version: String,
    /// The model's score and master-scale grade now (before policy overrides).
    pub score: f64,
    pub grade: Grade,
    /// The grade above; absent at AAA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_grade: Option<Grade>,
    /// The score at which the next grade begins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_grade_score: Option<f64>,
    /// Single changes, those that gain the most score first (at most five). Only features the
    /// enterprise can act on count: not its age, past events, its associates or the press.
    pub changes: Vec<WayUpChange>,
    /// The fewest of `changes` that together reach the next grade, strongest first, and the
    /// score they give; absent when even all of them do not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub together: Option<WayUpTogether>,
    /// Policy adjustments that hold the grade down whatever the figures (`blacklisted`,
    /// `serious_event_cap`): while they hold, no change below lifts the published grade.
    pub capped_by: Vec<GradeAdjustment>,
    /// What the figures mean, in the language asked for.
    pub caveat: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WayUpChange {
    #[schema(example = "refund_rate")]
    pub feature: String,
    pub dimension: Option<crate::scoring::features::Dimension>,
    /// The scorecard's bin now and the bin to reach, as the model labels them.
    pub from_bin: String,
    pub to_bin: String,
    /// The value to reach as a one-sided bin label, e.g. `(-inf, 0.05]`.
    pub reach: String,
    /// The value to reach in plain words, e.g. "Refund rate over the last 12 months: at most 5.0%".
    pub text: String,
    /// Where the feature is now, in plain words.
    pub now: String,
    /// Scorecard points gained.
    pub points: f64,
    /// The whole model's score and grade with this change alone.
    pub score_after: f64,
    pub grade_after: Grade,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WayUpTogether {
    /// Features, in the order of `changes`.
    pub features: Vec<String>,
    pub score_after: f64,
}

impl WayUpView {
    fn of(answer: scores::WayUpAnswer, lang: Lang) -> Self {
        let up = answer.way_up;
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let together = up.together.map(|(indices, score)| WayUpTogether {
            features: indices
                .iter()
                .map(|&i| up.changes[i].feature.clone())
                .collect(),
            score_after: round(score),
        });
        WayUpView {
            enterprise_code: answer.enterprise_code,
            as_of: answer.as_of,
            model_version: answer.model_version,
            score: round(up.score),
            grade: up.grade,
            next_grade: up.next_grade,
            next_grade_score: up.next_grade_score.map(round),
            changes: up
                .changes
                .into_iter()
                .map(|c| WayUpChange {
                    text: crate::i18n::reasons::bin_text(lang, &c.feature, &c.reach),
                    now: crate::i18n::reasons::bin_text(lang, &c.feature, &c.from_bin),
                    feature: c.feature,
                    dimension: c.dimension,
                    from_bin: c.from_bin,
                    to_bin: c.to_bin,
                    reach: c.reach,
                    points: round(c.points),
                    score_after: round(c.score_after),
                    grade_after: c.grade_after,
                })
                .collect(),
            together,
            capped_by: answer.capped_by,
            caveat: crate::i18n::t(lang, "way-up-caveat"),
        }
    }
}

/// The way up for an enterprise: the few changes to its figures that would move it to the next
/// grade, each with the value to reach, the scorecard points it gains and the whole model's
/// score with it. Regulators, admins and the enterprise itself.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/score/way-up", tag = "scores",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), ReasonLanguage),
    responses(
        (status = 200, description = "The way up", body = WayUpView,
         headers(("Content-Language" = String, description = "The language of the texts"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Banks, and other enterprises", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enterprise, or not scored yet", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No model is active", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_way_up(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let lang = response_lang(&req);
    let caller = Caller::new(viewer, None, None);
    let answer = scores::way_up(&state, &caller, &code).await?;
    Ok(in_language(StatusCode::OK, lang).json(WayUpView::of(answer, lang)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoreChangeQuery {
    /// The earlier score's id (default: the one before the latest).
    pub from: Option<i64>,
    /// The later score's id (default: the latest).
    pub to: Option<i64>,
}

/// One of the two evaluations compared.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvaluationMark {
    pub id: i64,
    pub as_of: NaiveDate,
    pub model_version: String,
    pub score: f64,
    /// The published grade.
    pub grade: Grade,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DimensionChange {
    pub dimension: crate::scoring::features::Dimension,
    pub from: f64,
    pub to: f64,
    pub change: f64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeatureChangeView {
    #[schema(example = "refund_rate")]
    pub feature: String,
    pub dimension: Option<crate::scoring::features::Dimension>,
    /// The bins as the model labels them; absent when that evaluation's scorecard has no such
    /// feature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_bin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_bin: Option<String>,
    /// The bins in plain words, in the language asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_points: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_points: Option<f64>,
    pub change: f64,
}

/// What moved an enterprise's score between two evaluations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoreChangeView {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub from: EvaluationMark,
    pub to: EvaluationMark,
    /// `to.score − from.score`.
    pub score_change: f64,
    /// Each dimension's scorecard points in both evaluations, as stored with them.
    pub dimensions: Vec<DimensionChange>,
    /// Features whose scorecard points differ, the largest change first.
    pub features: Vec<FeatureChangeView>,
    /// The sum of the features' changes: what the scorecard explains.
    pub scorecard_change: f64,
    /// `score_change − scorecard_change`: what the random forest and the combination of the two
    /// models add.
    pub rest: f64,
    /// True when a score was stored before each score kept its bins: its features were then
    /// computed again from the records as they stand now, which may have changed since.
    pub recomputed: bool,
}

impl ScoreChangeView {
    fn of(change: scores::ScoreChange, lang: Lang) -> Self {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let mark = |row: &ScoreRow| EvaluationMark {
            id: row.id,
            as_of: row.as_of,
            model_version: row.model_version.clone(),
            score: round(row.score),
            grade: Grade::from_stored(&row.grade),
        };
        let sub = |row: &ScoreRow| -> serde_json::Map<String, serde_json::Value> {
            serde_json::from_str(&row.sub_scores).unwrap_or_default()
        };
        let (before, after) = (sub(&change.from), sub(&change.to));
        let dimensions = crate::scoring::features::Dimension::ALL
            .iter()
            .filter_map(|d| {
                let get = |m: &serde_json::Map<String, serde_json::Value>| {
                    m.get(d.as_str()).and_then(serde_json::Value::as_f64)
                };
                let (from, to) = (get(&before), get(&after));
                (from.is_some() || to.is_some()).then(|| DimensionChange {
                    dimension: *d,
                    from: round(from.unwrap_or(0.0)),
                    to: round(to.unwrap_or(0.0)),
                    change: round(to.unwrap_or(0.0) - from.unwrap_or(0.0)),
                })
            })
            .collect();
        let words = |feature: &str, bin: &Option<String>| {
            bin.as_deref()
                .map(|b| crate::i18n::reasons::bin_text(lang, feature, b))
        };
        let scorecard_change: f64 = change.features.iter().map(|f| f.change).sum();
        let score_change = change.to.score - change.from.score;
        ScoreChangeView {
            enterprise_code: change.to.enterprise_code.clone(),
            from: mark(&change.from),
            to: mark(&change.to),
            score_change: round(score_change),
            dimensions,
            features: change
                .features
                .into_iter()
                .map(|f| FeatureChangeView {
                    from_text: words(&f.feature, &f.from_bin),
                    to_text: words(&f.feature, &f.to_bin),
                    feature: f.feature,
                    dimension: f.dimension,
                    from_bin: f.from_bin,
                    to_bin: f.to_bin,
                    from_points: f.from_points.map(round),
                    to_points: f.to_points.map(round),
                    change: round(f.change),
                })
                .collect(),
            scorecard_change: round(scorecard_change),
            rest: round(score_change - scorecard_change),
            recomputed: change.recomputed,
        }
    }
}

/// What changed between two evaluations of an enterprise: the score difference attributed to
/// features (their scorecard points, recomputed from the records) and dimensions (as stored),
/// and what the forest adds. Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/score/changes", tag = "scores",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B"), ScoreChangeQuery, ReasonLanguage),
    responses(
        (status = 200, description = "The two evaluations and what moved the score", body = ScoreChangeView,
         headers(("Content-Language" = String, description = "The language of the texts"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only regulators and admins", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enterprise or score, or fewer than two scores", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` is not a number", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_score_change(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    code: web::Path<String>,
    query: ApiQuery<ScoreChangeQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let lang = response_lang(&req);
    let query = query.into_inner()?;
    let caller = Caller::new(viewer, None, None);
    let change = scores::change(&state, &caller, &code, query.from, query.to).await?;
    Ok(in_language(StatusCode::OK, lang).json(ScoreChangeView::of(change, lang)))
}
