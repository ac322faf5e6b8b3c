//! The scoring engine: reads an enterprise's records, computes its features as of a date, scores
//! them with the active model, applies the policy overrides and the upgrade rule, and stores the
//! result with the model version that made it. It joins the pure scoring core to storage; it
//! holds no SQL (that is in `db`) and no HTTP.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};

use crate::db::{Db, DbConnection, enterprises, lists, models, records, scores};
use crate::domain::enterprise::Enterprise;
use crate::domain::records::{CreditEventKind, CreditEventStatus, Severity};
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Lang};
use crate::scoring::attribution;
use crate::scoring::features::{self, EnterpriseRecords, FeatureValue};
use crate::scoring::grade::{self, Grade, GradeAdjustment, GradeState, PolicyFacts, PolicyRules};
use crate::scoring::model::{ModelArtifact, ScoreBreakdown, TrainingTable};
use crate::scoring::scorecard::{ColumnSpec, Reason};
use crate::scoring::way_up::{self, WayUp};
use crate::scoring::wording;

mod challenge;
pub use challenge::{ActivationRequest, activate_model, compare_models};

/// A model ready to score.
pub struct LoadedModel {
    pub version: String,
    pub artifact: ModelArtifact,
}

/// The active model, parsed once and reloaded when another version is activated (by this
/// instance or any other sharing the database).
#[derive(Default)]
pub struct ModelCache {
    current: RwLock<Option<Arc<LoadedModel>>>,
    /// The points range of each dimension, by model version: reports draw every score against
    /// the model that made it, which need not be the active one.
    ranges: RwLock<std::collections::HashMap<String, DimensionRanges>>,
    /// The stability of each version's current scores, with the newest score id it was
    /// computed at: every evaluation stores a new score, so a newer id means it is stale.
    stability: RwLock<std::collections::HashMap<String, StabilityAt>>,
}

/// A version's stability and the newest score id when it was computed.
type StabilityAt = (Option<i64>, Arc<CurrentStability>);

/// How the current scores made by one model version stand against its training population.
#[derive(Debug)]
pub struct CurrentStability {
    /// How many enterprises currently hold a score from the version.
    pub current_scores: usize,
    /// Their PSI against the version's reference distribution; none without current scores.
    pub psi: Option<crate::scoring::metrics::Psi>,
}

/// (dimension, fewest points, most points) of a model's scorecard.
pub type DimensionRanges = Arc<Vec<(crate::scoring::features::Dimension, f64, f64)>>;

impl ModelCache {
    pub fn active(&self, conn: &mut DbConnection) -> AppResult<Arc<LoadedModel>> {
        let version = models::active_version(conn)?.ok_or_else(|| {
            AppError::Conflict("no scoring model is active: activate one first".into())
        })?;
        if let Some(model) = self
            .current
            .read()
            .as_ref()
            .filter(|m| m.version == version)
        {
            return Ok(model.clone());
        }
        let json = models::artifact(conn, &version)?
            .ok_or_else(|| AppError::internal(format!("active model {version} has no artifact")))?;
        let artifact = ModelArtifact::from_json(&json)
            .map_err(|e| AppError::internal(format!("model {version} cannot be read: {e}")))?;
        let model = Arc::new(LoadedModel { version, artifact });
        *self.current.write() = Some(model.clone());
        Ok(model)
    }

    /// Model `version`: the active one from the cache, another parsed from its stored artifact
    /// (rare reads: a regulator comparing evaluations made under an older model).
    pub fn of_version(
        &self,
        conn: &mut DbConnection,
        version: &str,
    ) -> AppResult<Arc<LoadedModel>> {
        if let Some(model) = self.current.read().clone().filter(|m| m.version == version) {
            return Ok(model);
        }
        let json = models::artifact(conn, version)?
            .ok_or_else(|| AppError::internal(format!("model {version} has no artifact")))?;
        let artifact = ModelArtifact::from_json(&json)
            .map_err(|e| AppError::internal(format!("model {version} cannot be read: {e}")))?;
        Ok(Arc::new(LoadedModel {
            version: version.to_string(),
            artifact,
        }))
    }

    /// The stability of `model`'s current scores, computed again only after a new score was
    /// stored (reading and binning 100k scores is ~10 ms; the check is one indexed `max`).
    pub fn current_stability(
        &self,
        conn: &mut DbConnection,
        model: &LoadedModel,
    ) -> AppResult<Arc<CurrentStability>> {
        let newest = scores::newest_id(conn)?;
        if let Some((at, known)) = self.stability.read().get(&model.version)
            && *at == newest
        {
            return Ok(known.clone());
        }
        let current = scores::current_scores_of(conn, &model.version)?;
        let stability = Arc::new(CurrentStability {
            current_scores: current.len(),
            psi: if current.is_empty() {
                None
            } else {
                model.artifact.psi(&current).ok()
            },
        });
        self.stability
            .write()
            .insert(model.version.clone(), (newest, stability.clone()));
        Ok(stability)
    }

    /// The dimension ranges of model `version`, parsed once per version.
    pub fn dimension_ranges(
        &self,
        conn: &mut DbConnection,
        version: &str,
    ) -> AppResult<DimensionRanges> {
        if let Some(ranges) = self.ranges.read().get(version) {
            return Ok(ranges.clone());
        }
        let active = self.current.read().clone();
        let ranges = match active.filter(|m| m.version == version) {
            Some(model) => model.artifact.scorecard.dimension_ranges(),
            None => {
                let json = models::artifact(conn, version)?.ok_or_else(|| {
                    AppError::internal(format!("model {version} has no artifact"))
                })?;
                ModelArtifact::from_json(&json)
                    .map_err(|e| {
                        AppError::internal(format!("model {version} cannot be read: {e}"))
                    })?
                    .scorecard
                    .dimension_ranges()
            }
        };
        let ranges = Arc::new(ranges);
        self.ranges
            .write()
            .insert(version.to_string(), ranges.clone());
        Ok(ranges)
    }
}

/// The scores of the whole scored population, sorted, for the percentile a report prints.
/// Counting the scores below one (`scores::percentile`) walks up to the whole index, which at
/// 100k enterprises costs milliseconds per report; a sorted snapshot answers by binary search.
/// The snapshot is refreshed on a background thread once scores have changed and it is older
/// than [`ScorePopulation::MAX_AGE`], so a report's percentile may lag a rescoring by that
/// much, and no request waits for a reload but the first.
#[derive(Default)]
pub struct ScorePopulation {
    snapshot: Arc<RwLock<Option<Arc<PopulationSnapshot>>>>,
    refreshing: Arc<std::sync::atomic::AtomicBool>,
}

struct PopulationSnapshot {
    sorted: Vec<f64>,
    /// The newest stored score when the snapshot was taken: a newer one means it is stale.
    newest_score_id: Option<i64>,
    taken_at: std::time::Instant,
}

impl PopulationSnapshot {
    fn load(conn: &mut DbConnection) -> AppResult<Self> {
        let newest_score_id = scores::newest_id(conn)?;
        let mut sorted = scores::current_score_values(conn)?;
        sorted.sort_by(f64::total_cmp);
        Ok(PopulationSnapshot {
            sorted,
            newest_score_id,
            taken_at: std::time::Instant::now(),
        })
    }

    fn share_below(&self, score: f64) -> f64 {
        if self.sorted.is_empty() {
            return 0.0;
        }
        let below = self.sorted.partition_point(|s| *s < score);
        below as f64 / self.sorted.len() as f64
    }
}

impl ScorePopulation {
    pub const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30);

    /// The share of scored enterprises whose score is below `score`, in [0, 1].
    pub fn percentile(&self, db: &Db, conn: &mut DbConnection, score: f64) -> AppResult<f64> {
        let current = self.snapshot.read().clone();
        let Some(snapshot) = current else {
            let snapshot = Arc::new(PopulationSnapshot::load(conn)?);
            *self.snapshot.write() = Some(snapshot.clone());
            return Ok(snapshot.share_below(score));
        };
        if snapshot.taken_at.elapsed() > Self::MAX_AGE
            && scores::newest_id(conn)? != snapshot.newest_score_id
            && !self
                .refreshing
                .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            let (db, slot, refreshing) =
                (db.clone(), self.snapshot.clone(), self.refreshing.clone());
            std::thread::spawn(move || {
                // A failed load keeps the old snapshot; the next stale read tries again.
                if let Ok(fresh) = db.read(PopulationSnapshot::load) {
                    *slot.write() = Some(Arc::new(fresh));
                }
                refreshing.store(false, std::sync::atomic::Ordering::Release);
            });
        }
        Ok(snapshot.share_below(score))
    }
}

/// Why the published grade is what it is, and what drove the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reasons {
    pub raised: Vec<Reason>,
    pub lowered: Vec<Reason>,
}

/// A reason as stored with every score: the feature, its bin and the points. The dimension and
/// the text follow from the feature catalogue when it is read, which keeps a stored score at a
/// third of the size: rescoring a million enterprises writes every byte of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredReason {
    feature: String,
    bin: String,
    points: f64,
    impact: f64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredReasons {
    raised: Vec<StoredReason>,
    lowered: Vec<StoredReason>,
}

impl Reasons {
    fn to_stored(&self) -> String {
        // Points to the hundredth: they are shown, never added up (the sub-scores are kept exact).
        let cents = |x: f64| (x * 100.0).round() / 100.0;
        let stored = |reasons: &[Reason]| -> Vec<StoredReason> {
            reasons
                .iter()
                .map(|r| StoredReason {
                    feature: r.feature.clone(),
                    bin: r.bin.clone(),
                    points: cents(r.points),
                    impact: cents(r.impact),
                })
                .collect()
        };
        json(&StoredReasons {
            raised: stored(&self.raised),
            lowered: stored(&self.lowered),
        })
    }

    /// The reasons of a stored score, with the code, dimension and text of each feature, the
    /// text in plain words in `lang`.
    pub fn from_stored(stored: &str, lang: Lang) -> Reasons {
        let stored: StoredReasons = serde_json::from_str(stored).unwrap_or_default();
        let full = |reasons: Vec<StoredReason>, raises: bool| -> Vec<Reason> {
            reasons
                .into_iter()
                .map(|r| {
                    let spec = features::feature_index(&r.feature).map(|i| &features::FEATURES[i]);
                    Reason {
                        code: wording::reason_code(&r.feature, raises),
                        text: i18n::reasons::bin_text(lang, &r.feature, &r.bin),
                        dimension: spec.map(|f| f.dimension),
                        feature: r.feature,
                        bin: r.bin,
                        points: r.points,
                        impact: r.impact,
                    }
                })
                .collect()
        };
        Reasons {
            raised: full(stored.raised, true),
            lowered: full(stored.lowered, false),
        }
    }
}

/// The label of the training data (DOMAIN.md): a serious negative event, a dishonest-debtor
/// listing or a blacklisting.
pub fn is_serious_negative(kind: CreditEventKind, severity: Severity) -> bool {
    crate::domain::records::is_serious_negative(kind, severity)
}

/// The facts that override the model for one enterprise on `as_of`.
pub fn policy_facts(records: &records::RecordSet, as_of: NaiveDate) -> PolicyFacts {
    // A disputed event still counts as active until its objection is answered
    // (`api::objections`): filing an objection does not lift the cap.
    let active_serious = records.events.iter().any(|e| {
        is_serious_negative(e.kind, e.severity)
            && matches!(
                e.status,
                CreditEventStatus::Active | CreditEventStatus::Disputed
            )
            && e.decided_on < as_of
            && e.publicity_until.is_none_or(|until| until >= as_of)
    });
    // On the blacklist on `as_of`: from the first day of an active entry through its last.
    let blacklisted = records.blacklist.iter().any(|(starts_on, expires_on)| {
        *starts_on <= as_of && expires_on.is_none_or(|end| end >= as_of)
    });
    PolicyFacts {
        blacklisted,
        active_serious_negative_event: active_serious,
    }
}

/// What the model and the policy say of one enterprise, before the upgrade rule.
pub struct Evaluation {
    pub breakdown: ScoreBreakdown,
    pub evaluated: Grade,
    pub adjustments: Vec<GradeAdjustment>,
}

/// The features of an enterprise's records as of `as_of`.
fn features_of(
    enterprise: &Enterprise,
    set: &records::RecordSet,
    as_of: NaiveDate,
) -> Vec<FeatureValue> {
    features::compute(
        as_of,
        EnterpriseRecords {
            enterprise,
            operating: &set.operating,
            events: &set.events,
            sentiment: &set.sentiment,
            associations: &set.associations,
            related_negative_event_dates: &set.related_negative_event_dates,
        },
    )
}

/// Scores an enterprise's records as of `as_of`. Pure: no storage.
pub fn evaluate(
    model: &LoadedModel,
    enterprise: &Enterprise,
    set: &records::RecordSet,
    as_of: NaiveDate,
) -> Evaluation {
    let breakdown = model.artifact.score(&features_of(enterprise, set, as_of));
    let (evaluated, adjustments) = grade::apply_policy(
        breakdown.model_grade,
        policy_facts(set, as_of),
        PolicyRules::default(),
    );
    Evaluation {
        breakdown,
        evaluated,
        adjustments,
    }
}

/// The policy grade and the score of an enterprise whose features are `row`: what [`evaluate`]
/// gives, without the explanation (no reasons, sub-scores or bins), for callers that grade the
/// same features with several models.
pub fn grade_and_score(
    model: &LoadedModel,
    row: &[FeatureValue],
    facts: PolicyFacts,
) -> (Grade, f64) {
    let pd = model.artifact.predict(row).pd;
    let (evaluated, _) = grade::apply_policy(
        model.artifact.master_scale.grade_for(pd),
        facts,
        PolicyRules::default(),
    );
    (evaluated, model.artifact.scaling.score_from_pd(pd))
}

/// The way up for enterprise `enterprise_code` as of `as_of` under `model`, with the policy
/// adjustments that cap its grade whatever the scorecard says (a blacklisting, an active
/// serious event).
pub fn way_up(
    conn: &mut DbConnection,
    model: &LoadedModel,
    enterprise_code: &str,
    as_of: NaiveDate,
) -> AppResult<(WayUp, Vec<GradeAdjustment>)> {
    check_registry_model(model)?;
    let stored = enterprises::get(conn, enterprise_code)?;
    let codes = [enterprise_code.to_string()];
    let set = records::record_sets(conn, &codes, records_since(as_of))?
        .remove(enterprise_code)
        .unwrap_or_default();
    let row = features_of(&stored.enterprise, &set, as_of);
    let up = way_up::way_up(&model.artifact, &row, |f| way_up::ACTIONABLE.contains(&f));
    let (_, adjustments) =
        grade::apply_policy(up.grade, policy_facts(&set, as_of), PolicyRules::default());
    Ok((up, adjustments))
}

/// The scorecard points of each feature of enterprise `enterprise_code` as of `as_of` under
/// `model`, from its records as they stand now.
pub fn points_as_of(
    conn: &mut DbConnection,
    model: &LoadedModel,
    enterprise_code: &str,
    as_of: NaiveDate,
) -> AppResult<Vec<attribution::FeaturePoints>> {
    check_registry_model(model)?;
    let stored = enterprises::get(conn, enterprise_code)?;
    let codes = [enterprise_code.to_string()];
    let set = records::record_sets(conn, &codes, records_since(as_of))?
        .remove(enterprise_code)
        .unwrap_or_default();
    let row = features_of(&stored.enterprise, &set, as_of);
    Ok(attribution::points_of(&model.artifact.scorecard, &row))
}

fn check_registry_model(model: &LoadedModel) -> AppResult<()> {
    if model.artifact.is_registry_model() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "model {} was not trained on registry features and cannot score enterprises",
            model.version
        )))
    }
}

/// Applies the upgrade rule against the enterprise's previous grades and stores the score as its
/// current one; call inside a write transaction.
pub fn store(
    conn: &mut DbConnection,
    model: &LoadedModel,
    enterprise_code: &str,
    evaluation: Evaluation,
    stamp: Stamp<'_>,
) -> AppResult<scores::ScoreRow> {
    let previous = scores::grade_state(conn, enterprise_code)?;
    let row = new_score(
        model,
        enterprise_code.to_string(),
        evaluation,
        previous.as_ref(),
        stamp,
    );
    scores::insert(conn, &row)
}

/// Stores the evaluations of many enterprises (one each) in bulk; call inside a write
/// transaction. The previous grades are read in the same transaction, so the upgrade rule sees
/// every evaluation stored before it. Returns the published grades, each with the one before.
pub fn store_many(
    conn: &mut DbConnection,
    model: &LoadedModel,
    evaluations: Vec<(String, Evaluation)>,
    stamp: Stamp<'_>,
) -> AppResult<Vec<lists::ScoredGrades>> {
    let codes: Vec<String> = evaluations.iter().map(|(code, _)| code.clone()).collect();
    let mut previous = scores::grade_states(conn, &codes)?;
    let mut scored = Vec::with_capacity(evaluations.len());
    let rows: Vec<scores::NewScore> = evaluations
        .into_iter()
        .map(|(code, evaluation)| {
            let state = previous.remove(&code);
            let row = new_score(model, code, evaluation, state.as_ref(), stamp);
            scored.push(lists::ScoredGrades {
                code: row.enterprise_code.clone(),
                latest: Grade::from_stored(&row.grade),
                previous: state.as_ref().map(|s| Grade::from_stored(&s.published)),
                previous_as_of: state.map(|s| s.as_of),
            });
            row
        })
        .collect();
    scores::insert_many(conn, &rows)?;
    Ok(scored)
}

/// The change context of what a scoring run does beside storing scores (the redlist rule's
/// proposals).
fn scoring_context(stamp: Stamp<'_>) -> crate::db::history::ChangeContext {
    crate::db::history::ChangeContext {
        actor: stamp.actor.to_string(),
        actor_role: crate::domain::Role::Admin,
        request_id: None,
        reason: None,
        at: stamp.at,
    }
}

/// When, as of when and by whom a score is made.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    pub as_of: NaiveDate,
    pub actor: &'a str,
    pub at: NaiveDateTime,
}

/// The row to store for an evaluation, after the upgrade rule against the previous
/// (published, evaluated) grades.
fn new_score(
    model: &LoadedModel,
    enterprise_code: String,
    evaluation: Evaluation,
    previous: Option<&scores::PreviousGrade>,
    stamp: Stamp<'_>,
) -> scores::NewScore {
    let Evaluation {
        breakdown,
        evaluated,
        mut adjustments,
    } = evaluation;
    let previous = previous.map(|p| GradeState {
        published: Grade::from_stored(&p.published),
        last_evaluated: Grade::from_stored(&p.evaluated),
    });
    let (published, pending) = grade::publish(previous, evaluated);
    if pending {
        adjustments.push(GradeAdjustment::UpgradePending);
    }
    let sub_scores: BTreeMap<String, f64> = breakdown
        .sub_scores
        .iter()
        .map(|s| (s.dimension.as_str().to_string(), s.points))
        .collect();
    let reasons = Reasons {
        raised: breakdown.reasons_up,
        lowered: breakdown.reasons_down,
    };
    scores::NewScore {
        enterprise_code,
        model_version: model.version.clone(),
        as_of: stamp.as_of,
        scored_at: stamp.at,
        scored_by: stamp.actor.to_string(),
        pd_lr: breakdown.pd_lr,
        pd_rf: breakdown.pd_rf,
        pd: breakdown.pd,
        score: breakdown.score,
        model_grade: breakdown.model_grade.as_str().to_string(),
        evaluated_grade: evaluated.as_str().to_string(),
        grade: published.as_str().to_string(),
        upgrade_pending: pending,
        adjustments: json(&adjustments),
        sub_scores: json(&sub_scores),
        reasons: reasons.to_stored(),
        feature_bins: breakdown.feature_bins,
    }
}

/// Scores one enterprise as of `as_of` and stores the result; call inside a write transaction.
pub fn score_enterprise(
    conn: &mut DbConnection,
    model: &LoadedModel,
    enterprise_code: &str,
    as_of: NaiveDate,
    actor: &str,
    at: NaiveDateTime,
) -> AppResult<scores::ScoreRow> {
    check_registry_model(model)?;
    let stored = enterprises::get(conn, enterprise_code)?;
    // The same read as bulk rescoring, for one enterprise: both score from the same records.
    let codes = [enterprise_code.to_string()];
    let set = records::record_sets(conn, &codes, records_since(as_of))?
        .remove(enterprise_code)
        .unwrap_or_default();
    let evaluation = evaluate(model, &stored.enterprise, &set, as_of);
    store(
        conn,
        model,
        enterprise_code,
        evaluation,
        Stamp { as_of, actor, at },
    )
}

/// Enterprises read and scored per round trip in bulk work.
pub const CHUNK: usize = 2000;

/// Counts of a bulk rescoring.
#[derive(Debug, Default, Serialize)]
pub struct RescoreSummary {
    pub scored: usize,
    pub grades: BTreeMap<Grade, usize>,
}

/// Rescores every enterprise with `model` as of `as_of`. A pipeline: chunks of enterprises are
/// read and scored on the rayon pool (several chunks at once, each scored in parallel) while
/// this thread stores the finished ones, each chunk in one transaction. The bounded channel
/// keeps a few chunks in memory at most. `progress` is told how many enterprises each stored
/// chunk held. A failure stops the run; the chunks stored before it stay (each is whole).
pub fn rescore_all(
    db: &Db,
    model: &LoadedModel,
    as_of: NaiveDate,
    actor: &str,
    at: NaiveDateTime,
    progress: impl Fn(u64),
) -> AppResult<RescoreSummary> {
    use rayon::prelude::*;
    check_registry_model(model)?;
    let codes = db.read(enterprises::all_codes_in_storage_order)?;
    let stamp = Stamp { as_of, actor, at };
    let timings = StageTimings::default();
    let timings = &timings;
    let (scored, finished) =
        std::sync::mpsc::sync_channel::<AppResult<Vec<(String, Evaluation)>>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // An error is sent on; a failed send means the writer has stopped.
            let _ = codes.par_chunks(CHUNK).try_for_each(|chunk| {
                scored
                    .send(evaluate_chunk(db, model, chunk, as_of, timings))
                    .map_err(|_| ())
            });
        });
        let mut summary = RescoreSummary::default();
        for evaluations in finished {
            let evaluations = evaluations?;
            let n = evaluations.len();
            let started = std::time::Instant::now();
            // The redlist rule runs on each stored chunk, in its transaction: it reads further
            // only the enterprises graded AAA twice.
            let scored = db.write(|conn| {
                let scored = store_many(conn, model, evaluations, stamp)?;
                lists::run_redlist_rule(conn, &scored, &scoring_context(stamp))?;
                Ok(scored)
            })?;
            timings.add(&timings.storing, started);
            for s in scored {
                *summary.grades.entry(s.latest).or_default() += 1;
            }
            summary.scored += n;
            progress(n as u64);
        }
        tracing::info!(
            scored = summary.scored,
            reading_s = timings.seconds(&timings.reading),
            scoring_s = timings.seconds(&timings.scoring),
            storing_s = timings.seconds(&timings.storing),
            "rescored (busy time of each stage, summed over threads)"
        );
        // Fold the grade moves into the statistics' cells now, not at the next merge.
        db.write(crate::db::statistics_cells::merge)?;
        Ok(summary)
    })
}

/// Busy time of each stage of a bulk run, in microseconds summed over threads: where the time
/// goes, in the log of every run.
#[derive(Default)]
struct StageTimings {
    reading: std::sync::atomic::AtomicU64,
    scoring: std::sync::atomic::AtomicU64,
    storing: std::sync::atomic::AtomicU64,
}

impl StageTimings {
    fn add(&self, stage: &std::sync::atomic::AtomicU64, since: std::time::Instant) {
        let micros = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
        stage.fetch_add(micros, std::sync::atomic::Ordering::Relaxed);
    }

    fn seconds(&self, stage: &std::sync::atomic::AtomicU64) -> f64 {
        stage.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e6
    }
}

/// The basic records of a chunk of enterprises and the records their features as of `as_of`
/// look at (credit events whole: training labels come from the events after `as_of`).
fn read_chunk(
    db: &Db,
    chunk: &[String],
    as_of: NaiveDate,
) -> AppResult<(
    Vec<enterprises::StoredEnterprise>,
    std::collections::HashMap<String, records::RecordSet>,
)> {
    db.read(|conn| {
        Ok((
            enterprises::of_codes(conn, chunk)?,
            records::record_sets(conn, chunk, records_since(as_of))?,
        ))
    })
}

/// The oldest records the features of `as_of` look at.
fn records_since(as_of: NaiveDate) -> records::Since {
    let lookback = features::lookback(as_of);
    records::Since {
        operating: lookback.operating_from,
        sentiment: lookback.sentiment_from,
    }
}

/// Reads and evaluates one chunk of enterprises.
fn evaluate_chunk(
    db: &Db,
    model: &LoadedModel,
    chunk: &[String],
    as_of: NaiveDate,
    timings: &StageTimings,
) -> AppResult<Vec<(String, Evaluation)>> {
    use rayon::prelude::*;
    let started = std::time::Instant::now();
    let (basics, sets) = read_chunk(db, chunk, as_of)?;
    timings.add(&timings.reading, started);
    let started = std::time::Instant::now();
    let empty = records::RecordSet::default();
    let evaluations = basics
        .par_iter()
        .map(|stored| {
            let code = stored.enterprise.code.to_string();
            let set = sets.get(&code).unwrap_or(&empty);
            let evaluation = evaluate(model, &stored.enterprise, set, as_of);
            (code, evaluation)
        })
        .collect();
    timings.add(&timings.scoring, started);
    Ok(evaluations)
}

/// The features of every enterprise as of `as_of`, labelled bad when a serious negative event
/// follows within 12 months (DOMAIN.md, "Training labels").
pub fn training_table(
    db: &Db,
    as_of: NaiveDate,
    progress: impl Fn(u64),
) -> AppResult<TrainingTable> {
    use rayon::prelude::*;
    let horizon = as_of
        .checked_add_months(chrono::Months::new(12))
        .expect("a date 12 months on exists");
    let codes = db.read(enterprises::all_codes)?;
    let mut rows = Vec::with_capacity(codes.len());
    let mut bad = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(CHUNK) {
        let (basics, sets) = read_chunk(db, chunk, as_of)?;
        let labelled: Vec<(Vec<FeatureValue>, bool)> = basics
            .par_iter()
            .filter(|stored| stored.enterprise.established_on < as_of)
            .map(|stored| {
                let code = stored.enterprise.code.to_string();
                let empty = records::RecordSet::default();
                let set = sets.get(&code).unwrap_or(&empty);
                let row = features_of(&stored.enterprise, set, as_of);
                let outcome = set.events.iter().any(|e| {
                    is_serious_negative(e.kind, e.severity)
                        && e.status != CreditEventStatus::Revoked
                        && e.decided_on >= as_of
                        && e.decided_on < horizon
                });
                (row, outcome)
            })
            .collect();
        for (row, outcome) in labelled {
            rows.push(row);
            bad.push(outcome);
        }
        progress(chunk.len() as u64);
    }
    Ok(TrainingTable {
        columns: ColumnSpec::registry(),
        rows,
        bad,
        source: format!("registry as of {as_of}, label: serious negative event within 12 months"),
    })
}

/// The latest observation date that leaves a full 12-month outcome window in the data.
pub fn default_training_date(db: &Db) -> AppResult<Option<NaiveDate>> {
    Ok(db
        .read(records::latest_record_date)?
        .and_then(|last| last.checked_sub_months(chrono::Months::new(12))))
}

/// Plain data as JSON text, for the columns that hold JSON.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// What `register_directory` found.
#[derive(Debug, Default)]
pub struct Registration {
    pub registered: Vec<String>,
    pub activated: Option<String>,
}

/// The summary kept beside an artifact in the database, for listings.
pub fn artifact_summary(artifact: &ModelArtifact) -> String {
    serde_json::json!({
        "training": artifact.training,
        "metrics": artifact.metrics,
        "combination": artifact.combination,
        "scaling": artifact.scaling,
        "features": artifact.features.len(),
        "registry_model": artifact.is_registry_model(),
    })
    .to_string()
}

/// The committed default model (`models/ACTIVE`), built into the binary: a service started
/// from another folder, or installed with `cargo install`, grades with it when its models
/// directory holds no artifact. A test checks that it is the one `models/ACTIVE` names.
pub const BUILT_IN_MODEL: &str = include_str!("../../models/2026-11-22T07:18:53Z-10d574e8.json");

/// Registers one artifact file; returns its version.
pub fn register_file(db: &Db, path: &Path, at: NaiveDateTime) -> anyhow::Result<String> {
    let json = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    register_json(db, &json, &path.display().to_string(), at)
}

/// Registers one artifact given as JSON (`source` names it in errors); returns its version.
pub fn register_json(
    db: &Db,
    json: &str,
    source: &str,
    at: NaiveDateTime,
) -> anyhow::Result<String> {
    let artifact = ModelArtifact::from_json(json).map_err(|e| anyhow::anyhow!("{source}: {e}"))?;
    let version = artifact.version.clone();
    let summary = artifact_summary(&artifact);
    db.write(|conn| {
        models::register(
            conn,
            &version,
            json,
            &summary,
            artifact.created_at.naive_utc(),
            at,
        )
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(version)
}

/// Registers every artifact in `dir` (`*.json`) and, when no model is active yet, activates the
/// one named in `dir/ACTIVE` (or else the newest registry model), so a fresh start scores with
/// the committed default model. A directory that is missing or holds no artifact stands for
/// the built-in default model.
pub fn register_directory(db: &Db, dir: &Path, at: NaiveDateTime) -> anyhow::Result<Registration> {
    let mut outcome = Registration::default();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    if paths.is_empty() {
        let version = register_json(db, BUILT_IN_MODEL, "the built-in default model", at)?;
        tracing::info!(%version, dir = %dir.display(), "no model artifact in the models directory: using the built-in default");
        outcome.registered.push(version);
    }
    for path in &paths {
        outcome.registered.push(register_file(db, path, at)?);
    }
    let has_active = db
        .read(models::active_version)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .is_some();
    if has_active || outcome.registered.is_empty() {
        return Ok(outcome);
    }
    let named = std::fs::read_to_string(dir.join("ACTIVE"))
        .ok()
        .map(|s| s.trim().to_string());
    let choice = match named {
        Some(version) if outcome.registered.contains(&version) => version,
        _ => {
            let rows = db.read(models::list).map_err(|e| anyhow::anyhow!("{e}"))?;
            match rows
                .into_iter()
                .find(|m| m.summary.contains("\"registry_model\":true"))
            {
                Some(row) => row.version,
                None => return Ok(outcome),
            }
        }
    };
    db.write(|conn| {
        models::activate(
            conn,
            models::Activation {
                version: &choice,
                by: "system",
                reason: "the first model of the registry, activated at its first start",
                comparison: None,
                at,
            },
        )
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    outcome.activated = Some(choice);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::features::Dimension;

    fn reason(feature: &str, bin: &str, points: f64, impact: f64) -> Reason {
        let spec = &features::FEATURES[features::feature_index(feature).unwrap()];
        Reason {
            code: wording::reason_code(feature, impact > 0.0),
            feature: feature.into(),
            dimension: Some(spec.dimension),
            bin: bin.into(),
            points,
            impact,
            text: i18n::reasons::bin_text(Lang::En, feature, bin),
        }
    }

    #[test]
    fn stored_reasons_read_back_whole() {
        let reasons = Reasons {
            raised: vec![reason(
                "refund_rate",
                "(0.0123, 0.0456]",
                38.927783,
                2.545228,
            )],
            lowered: vec![
                reason("tax_to_sales", "missing", 20.0, -4.004999),
                reason("sales_growth", "(-0.29, -0.26]", 28.137754, -8.568726),
            ],
        };
        let stored = reasons.to_stored();
        assert!(
            !stored.contains("text") && !stored.contains("dimension"),
            "{stored}"
        );
        let back = Reasons::from_stored(&stored, Lang::En);
        assert_eq!(back.raised[0].text, reasons.raised[0].text);
        assert_eq!(back.raised[0].code, "refund_rate.raises");
        assert_eq!(back.lowered[0].code, "tax_to_sales.lowers");
        assert_eq!(back.raised[0].points, 38.93);
        assert_eq!(back.raised[0].impact, 2.55);
        assert_eq!(back.lowered[0].dimension, Some(Dimension::Fulfilment));
        assert_eq!(
            back.lowered[0].text,
            "Tax paid per yuan of online sales over the last 12 months: no figures"
        );
        assert_eq!(back.lowered[1].impact, -8.57);
        assert_eq!(back.lowered[1].text, reasons.lowered[1].text);
        let zh = Reasons::from_stored(&stored, Lang::ZhCn);
        assert_eq!(
            zh.lowered[1].text,
            "近 6 个月网络销售额增长：−29.0% 至 −26.0%"
        );
        // Unreadable or empty storage gives no reasons rather than an error.
        assert_eq!(Reasons::from_stored("", Lang::En).raised, []);
    }
}
