//! The model artifact and the training pipeline (DOMAIN.md, "The score"; issue 3).
//!
//! [`train`] takes a [`TrainingTable`] (the registry's point-in-time features, or any labelled
//! CSV through [`super::table`]) and builds both model families:
//!
//! 1. a stratified, seeded split: 60% train, 20% validation, 20% holdout (each split keeps the
//!    table's bad rate);
//! 2. on train: the logistic-regression scorecard ([`Scorecard`]) and the random forest
//!    ([`RandomForest`]). The forest reads numeric columns as they are (NaN = missing, which it
//!    handles itself) and a categorical column as the weight of evidence of its level's group,
//!    binned on the training rows like the scorecard's (missing level → NaN). WoE rather than the
//!    group index: WoE is by definition ordered by the training bad rate, so one threshold split
//!    separates riskier groups from safer ones; the group index is only ordered as long as the
//!    binning's merges keep groups in bad-rate order;
//! 3. on validation: Platt scaling of each model ([`Platt`]), then the combination
//!    `PD = w · PD_lr + (1 − w) · PD_rf` of the calibrated PDs, with `w` on the grid
//!    0, 0.05, …, 1 minimising the Brier score (ties go to the scorecard, the explainable
//!    model), unless [`TrainParams::lr_weight`] fixes it;
//! 4. on holdout: AUC, KS, Gini, Brier and calibration by decile for LR, RF and the combination;
//! 5. the scores of the validation and holdout rows (a stratified 40% of the population that no
//!    model trained on, so an overfitted forest does not narrow it) are kept as the reference
//!    distribution for the population stability index ([`ModelArtifact::psi`]).
//!
//! # What a score is made of
//!
//! [`ModelArtifact::score`] gives both models' calibrated PDs and the combined PD; the **final
//! score is `scaling.score_from_pd(pd)` of the combined PD** and the grade follows the master
//! scale on it. The dimension sub-scores and the reasons come from the scorecard alone (the
//! forest has no points): the sub-scores are the scorecard points of each dimension's features
//! and **add up to the scorecard's own score, [`ScoreBreakdown::lr_score`]** (the score of the
//! uncalibrated LR PD), not to the final score.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use linfa::traits::Predict;
use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::binning::{BinRef, FeatureBinning, Monotonicity};
use super::calibration::Platt;
use super::features::{Dimension, FEATURES, FeatureKind, FeatureValue};
use super::forest::{MaxFeatures, RandomForest, RandomForestParams};
use super::grade::{Grade, MasterScale};
use super::metrics::{BinaryMetrics, MetricError, Psi, binary_metrics, brier, psi};
use super::scaling::Scaling;
pub use super::scorecard::ColumnSpec;
use super::scorecard::{
    ColumnStatus, Reason, Scorecard, ScorecardError, ScorecardParams, SubScore,
};

/// Bumped when the artifact's JSON changes incompatibly.
pub const ARTIFACT_FORMAT: u32 = 1;
/// Most scores kept as the reference distribution for PSI.
pub const REFERENCE_SAMPLE: usize = 10_000;
/// Bins of the PSI table.
pub const PSI_BINS: usize = 10;
/// Fewest bads (and goods) a table needs, so that every split holds both classes.
pub const MIN_PER_CLASS: usize = 5;

/// A labelled table: one row of values per observation, in the order of `columns`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingTable {
    pub columns: Vec<ColumnSpec>,
    pub rows: Vec<Vec<FeatureValue>>,
    pub bad: Vec<bool>,
    /// Where it came from (a file name, "registry as of 2025-06-30", …), for the manifest.
    pub source: String,
}

impl TrainingTable {
    pub fn n_bad(&self) -> usize {
        self.bad.iter().filter(|&&b| b).count()
    }

    fn check_shape(&self) -> Result<(), TrainError> {
        if self.rows.len() != self.bad.len() {
            return Err(TrainError::LabelCount {
                rows: self.rows.len(),
                labels: self.bad.len(),
            });
        }
        if let Some((row, r)) = self
            .rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != self.columns.len())
        {
            return Err(TrainError::RowLength {
                row,
                expected: self.columns.len(),
                found: r.len(),
            });
        }
        Ok(())
    }
}

/// The default of [`TrainParams::min_lr_weight`].
pub const DEFAULT_MIN_LR_WEIGHT: f64 = 0.5;

/// Everything [`train`] can be told.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// Seeds the split and the forest (it replaces the seed inside `forest`).
    pub seed: u64,
    pub scaling: Scaling,
    pub master_scale: MasterScale,
    pub forest: RandomForestParams,
    /// The scorecard's settings, binning included.
    pub scorecard: ScorecardParams,
    /// Fixes the weight of the scorecard in the combined PD; `None` chooses it on validation.
    pub lr_weight: Option<f64>,
    /// The least weight the validation search may give the scorecard. The reasons and sub-scores
    /// come from the scorecard, so a registry wants it to carry a real share of the score it
    /// explains, even when the forest alone has a slightly lower Brier score.
    pub min_lr_weight: f64,
    /// The artifact's version; `None` makes one from the time and a hash of the content.
    pub version: Option<String>,
    /// `None` is now.
    pub created_at: Option<DateTime<Utc>>,
    /// The observation date of the features, when they come from the registry.
    pub as_of: Option<NaiveDate>,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            seed: 0,
            scaling: Scaling::default(),
            master_scale: MasterScale::default(),
            forest: default_forest(),
            scorecard: ScorecardParams::default(),
            lr_weight: None,
            min_lr_weight: DEFAULT_MIN_LR_WEIGHT,
            version: None,
            created_at: None,
            as_of: None,
        }
    }
}

/// 100 trees, sqrt features per split, max depth 10, min leaf 20 (issue 3).
pub fn default_forest() -> RandomForestParams {
    RandomForestParams::new()
        .n_trees(100)
        .max_features(MaxFeatures::Sqrt)
        .max_depth(Some(10))
        .min_samples_leaf(20)
}

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("the table has no columns")]
    NoColumns,
    #[error("column {0:?} appears twice")]
    DuplicateColumn(String),
    #[error("{rows} rows but {labels} labels")]
    LabelCount { rows: usize, labels: usize },
    #[error("row {row} has {found} values, expected {expected}")]
    RowLength {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("column {column:?} has an infinite value in row {row}")]
    Infinite { column: String, row: usize },
    #[error("{bads} bad and {goods} good rows: at least {MIN_PER_CLASS} of each are needed")]
    TooFewOfAClass { bads: usize, goods: usize },
    #[error("invalid parameters: {0}")]
    InvalidParams(String),
    #[error("scorecard: {0}")]
    Scorecard(#[from] ScorecardError),
    #[error("random forest: {0}")]
    Forest(String),
    #[error("metrics: {0}")]
    Metric(#[from] MetricError),
}

#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    #[error("the table has no column {0:?}, which the model needs")]
    MissingColumn(String),
    #[error("the table is malformed: {0}")]
    Table(#[from] TrainError),
    #[error("metrics: {0}")]
    Metric(#[from] MetricError),
}

#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("not a model artifact: {0}")]
    Json(#[from] serde_json::Error),
    #[error("artifact format {found} is not supported (this build reads {ARTIFACT_FORMAT})")]
    Format { found: u32 },
    #[error("inconsistent artifact: {0}")]
    Invalid(String),
}

/// An input column as the artifact records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFeature {
    pub name: String,
    pub kind: FeatureKind,
    pub dimension: Option<Dimension>,
    pub monotonicity: Monotonicity,
    pub description: String,
    /// Information value on the training split.
    pub iv: f64,
    /// Whether (and why not) it is in the scorecard; the forest uses every column.
    pub scorecard: ColumnStatus,
}

/// How the forest reads a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ForestInput {
    /// The number itself (NaN = missing).
    Numeric,
    /// The WoE of the level's group; missing → NaN, a level never seen → `unseen`.
    Categorical {
        woe: BTreeMap<String, f64>,
        unseen: f64,
    },
}

impl ForestInput {
    #[inline]
    fn encode(&self, value: &FeatureValue) -> f64 {
        match (self, value) {
            (ForestInput::Numeric, FeatureValue::Number(x)) => *x,
            (ForestInput::Categorical { woe, unseen }, FeatureValue::Level(Some(level))) => {
                woe.get(level).copied().unwrap_or(*unseen)
            }
            _ => f64::NAN,
        }
    }

    fn categorical(binning: &FeatureBinning) -> Self {
        let super::binning::Edges::Categorical { levels, unseen } = &binning.edges else {
            unreachable!("a categorical binning has levels");
        };
        ForestInput::Categorical {
            woe: levels
                .iter()
                .map(|(level, &bin)| (level.clone(), binning.bins[bin].woe))
                .collect(),
            unseen: match unseen {
                BinRef::Bin(bin) => binning.bins[*bin].woe,
                BinRef::Missing => f64::NAN,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibrations {
    pub lr: Platt,
    pub rf: Platt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightChoice {
    /// The grid weight with the lowest Brier score on the validation split.
    ValidationBrier,
    /// Given in the training parameters.
    Fixed,
}

/// The combination rule: `PD = lr_weight · PD_lr + (1 − lr_weight) · PD_rf`, both calibrated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Combination {
    pub lr_weight: f64,
    pub chosen_by: WeightChoice,
    /// Brier score of the combination on the validation split.
    pub validation_brier: f64,
}

impl Combination {
    #[inline]
    pub fn combine(&self, pd_lr: f64, pd_rf: f64) -> f64 {
        self.lr_weight * pd_lr + (1.0 - self.lr_weight) * pd_rf
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub rows: usize,
    pub bads: usize,
    pub bad_rate: f64,
    pub source: String,
    pub as_of: Option<NaiveDate>,
    pub train_rows: usize,
    pub validation_rows: usize,
    pub holdout_rows: usize,
    pub seed: u64,
    pub forest: RandomForestParams,
}

/// Holdout (or, from [`ModelArtifact::evaluate`], new-data) metrics of the calibrated PDs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMetrics {
    pub lr: BinaryMetrics,
    pub rf: BinaryMetrics,
    pub combined: BinaryMetrics,
}

/// Final scores of the rows no model trained on (validation and holdout): sorted, thinned to
/// evenly spaced quantiles when there are more than [`REFERENCE_SAMPLE`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceDistribution {
    /// How many scores the sample stands for.
    pub population: usize,
    pub scores: Vec<f64>,
}

/// A trained model: manifest, both models, calibration and combination. Serialised as JSON
/// ([`ModelArtifact::to_json`], [`ModelArtifact::from_json`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelArtifact {
    pub format: u32,
    pub version: String,
    pub created_at: DateTime<Utc>,
    /// The input columns, in the order [`ModelArtifact::score`] expects a row.
    pub features: Vec<ModelFeature>,
    pub scaling: Scaling,
    pub master_scale: MasterScale,
    pub combination: Combination,
    pub calibration: Calibrations,
    pub training: TrainingSummary,
    /// On the holdout split.
    pub metrics: ModelMetrics,
    pub reference: ReferenceDistribution,
    pub scorecard: Scorecard,
    pub forest_inputs: Vec<ForestInput>,
    pub forest: RandomForest,
}

/// A row scored by both models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreBreakdown {
    /// Calibrated P(bad) of the scorecard.
    pub pd_lr: f64,
    /// Calibrated P(bad) of the forest.
    pub pd_rf: f64,
    /// The combined P(bad).
    pub pd: f64,
    /// `scaling.score_from_pd(pd)`: the score.
    pub score: f64,
    /// The master scale's grade of `pd`, before policy overrides.
    pub model_grade: Grade,
    /// The scorecard's points in total (the score of its uncalibrated PD); the sub-scores add up
    /// to it.
    pub lr_score: f64,
    pub sub_scores: Vec<SubScore>,
    /// Up to three features that raised the score most above their average, strongest first.
    pub reasons_up: Vec<Reason>,
    /// Up to three that lowered it most.
    pub reasons_down: Vec<Reason>,
    /// The scorecard bin of every feature (`attribution::encode_bins`).
    pub feature_bins: String,
}

/// The three PDs of a row, without the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub pd_lr: f64,
    pub pd_rf: f64,
    pub pd: f64,
}

/// Row indices of the three splits, each in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
    pub holdout: Vec<usize>,
}

/// The metrics of each model's PDs and of the combined PD.
pub fn metrics_of(predictions: &[Prediction], bad: &[bool]) -> Result<ModelMetrics, EvaluateError> {
    let of = |pd: fn(&Prediction) -> f64| {
        let pds: Vec<f64> = predictions.iter().map(pd).collect();
        binary_metrics(&pds, bad)
    };
    Ok(ModelMetrics {
        lr: of(|p| p.pd_lr)?,
        rf: of(|p| p.pd_rf)?,
        combined: of(|p| p.pd)?,
    })
}

/// 60 / 20 / 20, separately within the bads and within the goods, shuffled by `seed`.
pub fn stratified_split(bad: &[bool], seed: u64) -> Split {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut split = Split {
        train: Vec::new(),
        validation: Vec::new(),
        holdout: Vec::new(),
    };
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..bad.len()).filter(|&i| bad[i] == class).collect();
        rows.shuffle(&mut rng);
        let n = rows.len();
        // Rounded shares; with five or more rows of a class every split gets at least one.
        let n_train = (3 * n + 2) / 5;
        let n_validation = (n + 2) / 5;
        split.train.extend(&rows[..n_train]);
        split
            .validation
            .extend(&rows[n_train..n_train + n_validation]);
        split.holdout.extend(&rows[n_train + n_validation..]);
    }
    split.train.sort_unstable();
    split.validation.sort_unstable();
    split.holdout.sort_unstable();
    split
}

/// Trains both models on `table` (see the module documentation).
pub fn train(table: &TrainingTable, params: &TrainParams) -> Result<ModelArtifact, TrainError> {
    params
        .scaling
        .validate()
        .map_err(TrainError::InvalidParams)?;
    params
        .master_scale
        .validate()
        .map_err(TrainError::InvalidParams)?;
    if let Some(w) = params.lr_weight
        && !(0.0..=1.0).contains(&w)
    {
        return Err(TrainError::InvalidParams(format!(
            "lr_weight must be in [0, 1], got {w}"
        )));
    }
    if !(0.0..=1.0).contains(&params.min_lr_weight) {
        return Err(TrainError::InvalidParams(format!(
            "min_lr_weight must be in [0, 1], got {}",
            params.min_lr_weight
        )));
    }
    if table.columns.is_empty() {
        return Err(TrainError::NoColumns);
    }
    let mut names = std::collections::BTreeSet::new();
    if let Some(dup) = table
        .columns
        .iter()
        .find(|c| !names.insert(c.name.as_str()))
    {
        return Err(TrainError::DuplicateColumn(dup.name.clone()));
    }
    table.check_shape()?;
    for (row, r) in table.rows.iter().enumerate() {
        if let Some(j) = r
            .iter()
            .position(|v| matches!(v, FeatureValue::Number(x) if x.is_infinite()))
        {
            return Err(TrainError::Infinite {
                column: table.columns[j].name.clone(),
                row,
            });
        }
    }
    let bads = table.n_bad();
    let goods = table.bad.len() - bads;
    if bads < MIN_PER_CLASS || goods < MIN_PER_CLASS {
        return Err(TrainError::TooFewOfAClass { bads, goods });
    }

    let split = stratified_split(&table.bad, params.seed);
    let rows_of = |idx: &[usize]| -> Vec<&[FeatureValue]> {
        idx.iter().map(|&i| table.rows[i].as_slice()).collect()
    };
    let labels_of = |idx: &[usize]| -> Vec<bool> { idx.iter().map(|&i| table.bad[i]).collect() };
    let (train_rows, train_bad) = (rows_of(&split.train), labels_of(&split.train));
    let (val_rows, val_bad) = (rows_of(&split.validation), labels_of(&split.validation));
    let (hold_rows, hold_bad) = (rows_of(&split.holdout), labels_of(&split.holdout));

    let scorecard = Scorecard::fit(
        &table.columns,
        &train_rows,
        &train_bad,
        params.scaling,
        &params.scorecard,
    )?;

    let forest_inputs: Vec<ForestInput> = table
        .columns
        .iter()
        .enumerate()
        .map(|(j, spec)| match spec.kind {
            FeatureKind::Numeric => ForestInput::Numeric,
            FeatureKind::Categorical => {
                let levels: Vec<Option<&str>> = train_rows
                    .iter()
                    .map(|r| match &r[j] {
                        FeatureValue::Level(level) => level.as_deref(),
                        FeatureValue::Number(_) => None,
                    })
                    .collect();
                let binning =
                    FeatureBinning::fit_categorical(&levels, &train_bad, &params.scorecard.binning);
                ForestInput::categorical(&binning)
            }
        })
        .collect();
    let forest_matrix = |rows: &[&[FeatureValue]]| -> Array2<f64> {
        Array2::from_shape_fn((rows.len(), forest_inputs.len()), |(r, j)| {
            forest_inputs[j].encode(&rows[r][j])
        })
    };
    let forest_params = params.forest.clone().seed(params.seed);
    let forest = forest_params
        .fit_rows(forest_matrix(&train_rows).view(), &train_bad)
        .map_err(|e| TrainError::Forest(e.to_string()))?;

    // Calibration and the combination, on validation.
    let raw = |rows: &[&[FeatureValue]]| -> (Vec<f64>, Vec<f64>) {
        let lr = rows.iter().map(|r| scorecard.pd(r)).collect();
        let rf = forest.predict(&forest_matrix(rows)).to_vec();
        (lr, rf)
    };
    let (val_lr, val_rf) = raw(&val_rows);
    let calibration = Calibrations {
        lr: Platt::fit(&val_lr, &val_bad),
        rf: Platt::fit(&val_rf, &val_bad),
    };
    let calibrate = |lr: &[f64], rf: &[f64]| -> (Vec<f64>, Vec<f64>) {
        (
            lr.iter().map(|&p| calibration.lr.apply(p)).collect(),
            rf.iter().map(|&p| calibration.rf.apply(p)).collect(),
        )
    };
    let (val_lr, val_rf) = calibrate(&val_lr, &val_rf);
    let combined_brier = |w: f64| -> Result<f64, MetricError> {
        let c = Combination {
            lr_weight: w,
            chosen_by: WeightChoice::Fixed,
            validation_brier: 0.0,
        };
        let pd: Vec<f64> = val_lr
            .iter()
            .zip(&val_rf)
            .map(|(&l, &r)| c.combine(l, r))
            .collect();
        brier(&pd, &val_bad)
    };
    let combination = match params.lr_weight {
        Some(w) => Combination {
            lr_weight: w,
            chosen_by: WeightChoice::Fixed,
            validation_brier: combined_brier(w)?,
        },
        None => {
            // From w = 1 down to the floor, replacing only on a strictly lower Brier: ties keep
            // the scorecard.
            let mut best = (1.0, combined_brier(1.0)?);
            for k in (0..20).rev() {
                let w = f64::from(k) / 20.0;
                if w < params.min_lr_weight - 1e-9 {
                    break;
                }
                let b = combined_brier(w)?;
                if b < best.1 {
                    best = (w, b);
                }
            }
            Combination {
                lr_weight: best.0,
                chosen_by: WeightChoice::ValidationBrier,
                validation_brier: best.1,
            }
        }
    };

    // Holdout metrics.
    let (hold_lr, hold_rf) = raw(&hold_rows);
    let (hold_lr, hold_rf) = calibrate(&hold_lr, &hold_rf);
    let hold_pd: Vec<f64> = hold_lr
        .iter()
        .zip(&hold_rf)
        .map(|(&l, &r)| combination.combine(l, r))
        .collect();
    let metrics = ModelMetrics {
        lr: binary_metrics(&hold_lr, &hold_bad)?,
        rf: binary_metrics(&hold_rf, &hold_bad)?,
        combined: binary_metrics(&hold_pd, &hold_bad)?,
    };

    // Reference scores: validation and holdout.
    let val_pd = val_lr
        .iter()
        .zip(&val_rf)
        .map(|(&l, &r)| combination.combine(l, r));
    let mut scores: Vec<f64> = val_pd
        .chain(hold_pd.iter().copied())
        .map(|pd| params.scaling.score_from_pd(pd))
        .collect();
    scores.sort_by(f64::total_cmp);
    let reference = ReferenceDistribution {
        population: scores.len(),
        scores: thin(&scores, REFERENCE_SAMPLE),
    };

    let features = table
        .columns
        .iter()
        .zip(&scorecard.columns)
        .map(|(spec, summary)| ModelFeature {
            name: spec.name.clone(),
            kind: spec.kind,
            dimension: spec.dimension,
            monotonicity: spec.monotonicity,
            description: spec.description.clone(),
            iv: summary.iv,
            scorecard: summary.status,
        })
        .collect();
    let mut artifact = ModelArtifact {
        format: ARTIFACT_FORMAT,
        version: String::new(),
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        features,
        scaling: params.scaling,
        master_scale: params.master_scale.clone(),
        combination,
        calibration,
        training: TrainingSummary {
            rows: table.rows.len(),
            bads,
            bad_rate: bads as f64 / table.rows.len() as f64,
            source: table.source.clone(),
            as_of: params.as_of,
            train_rows: split.train.len(),
            validation_rows: split.validation.len(),
            holdout_rows: split.holdout.len(),
            seed: params.seed,
            forest: forest_params,
        },
        metrics,
        reference,
        scorecard,
        forest_inputs,
        forest,
    };
    // The hash covers the content only (version and time blank), so equal models share it.
    let hash = fnv1a(artifact.to_json().as_bytes());
    // Whole seconds, like the version that shows it.
    let created_at = params
        .created_at
        .unwrap_or_else(Utc::now)
        .with_nanosecond(0)
        .expect("zero nanoseconds is valid");
    artifact.created_at = created_at;
    artifact.version = params.version.clone().unwrap_or_else(|| {
        format!(
            "{}-{:08x}",
            created_at.format("%Y-%m-%dT%H:%M:%SZ"),
            hash >> 32
        )
    });
    Ok(artifact)
}

/// At most `k` evenly spaced quantiles of sorted `xs` (all of them when there are few).
fn thin(xs: &[f64], k: usize) -> Vec<f64> {
    if xs.len() <= k {
        return xs.to_vec();
    }
    // The middle of each of k equal-count groups.
    (0..k)
        .map(|i| xs[(2 * i + 1) * xs.len() / (2 * k)])
        .collect()
}

/// 64-bit FNV-1a: a stable content hash with no dependency (not for security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Rows this short are encoded for the forest on the stack.
const STACK_ROW: usize = 64;

impl ModelArtifact {
    /// Scores one row, in the order of [`Self::features`]: both models' PDs, the combined PD,
    /// score and grade, the scorecard's sub-scores and reasons. See the module documentation for
    /// how they relate.
    ///
    /// # Panics
    /// If `row.len()` differs from the number of features.
    pub fn score(&self, row: &[FeatureValue]) -> ScoreBreakdown {
        let card = self.scorecard.score_row(row);
        let pd_lr = self.calibration.lr.apply(card.pd);
        let pd_rf = self.calibration.rf.apply(self.forest_pd(row));
        let pd = self.combination.combine(pd_lr, pd_rf);
        let (reasons_up, reasons_down) = card.reasons();
        let feature_bins = super::attribution::encode_bins(&card);
        ScoreBreakdown {
            feature_bins,
            pd_lr,
            pd_rf,
            pd,
            score: self.scaling.score_from_pd(pd),
            model_grade: self.master_scale.grade_for(pd),
            lr_score: card.score,
            sub_scores: card.sub_scores(),
            reasons_up,
            reasons_down,
        }
    }

    /// The PDs of one row, without the explanation.
    ///
    /// # Panics
    /// If `row.len()` differs from the number of features.
    pub fn predict(&self, row: &[FeatureValue]) -> Prediction {
        assert_eq!(row.len(), self.features.len(), "one value per feature");
        let pd_lr = self.calibration.lr.apply(self.scorecard.pd(row));
        let pd_rf = self.calibration.rf.apply(self.forest_pd(row));
        Prediction {
            pd_lr,
            pd_rf,
            pd: self.combination.combine(pd_lr, pd_rf),
        }
    }

    /// The forest's uncalibrated P(bad).
    fn forest_pd(&self, row: &[FeatureValue]) -> f64 {
        let n = self.forest_inputs.len();
        assert_eq!(row.len(), n, "one value per feature");
        let encode = |out: &mut [f64]| {
            for ((o, input), value) in out.iter_mut().zip(&self.forest_inputs).zip(row) {
                *o = input.encode(value);
            }
        };
        if n <= STACK_ROW {
            let mut buf = [0.0; STACK_ROW];
            let (buf, _) = buf.split_at_mut(n);
            encode(buf);
            self.forest.predict_proba_row(buf)
        } else {
            let mut buf = vec![0.0; n];
            encode(&mut buf);
            self.forest.predict_proba_row(&buf)
        }
    }

    /// Metrics of the saved model on new labelled data; columns are matched by name (extra
    /// columns are ignored, missing ones are an error). A column read with the other kind is
    /// converted: text in a numeric column is parsed (else missing), a number in a categorical
    /// column becomes its shortest decimal text.
    pub fn evaluate(&self, table: &TrainingTable) -> Result<ModelMetrics, EvaluateError> {
        let predictions = self.predictions(table)?;
        metrics_of(&predictions, &table.bad)
    }

    /// The PDs of every row of `table`, its columns matched as in [`Self::evaluate`].
    pub fn predictions(&self, table: &TrainingTable) -> Result<Vec<Prediction>, EvaluateError> {
        table.check_shape()?;
        let index: Vec<usize> = self
            .features
            .iter()
            .map(|f| {
                table
                    .columns
                    .iter()
                    .position(|c| c.name == f.name)
                    .ok_or_else(|| EvaluateError::MissingColumn(f.name.clone()))
            })
            .collect::<Result<_, _>>()?;
        let mut row = Vec::with_capacity(self.features.len());
        Ok(table
            .rows
            .iter()
            .map(|r| {
                row.clear();
                row.extend(
                    self.features
                        .iter()
                        .zip(&index)
                        .map(|(f, &j)| convert(f.kind, &r[j])),
                );
                self.predict(&row)
            })
            .collect())
    }

    /// The input columns as specs, e.g. for [`super::table::read_csv_as`], so that new data is
    /// read with the kinds the model was trained on.
    pub fn columns(&self) -> Vec<ColumnSpec> {
        self.features
            .iter()
            .map(|f| ColumnSpec {
                name: f.name.clone(),
                kind: f.kind,
                dimension: f.dimension,
                monotonicity: f.monotonicity,
                description: f.description.clone(),
            })
            .collect()
    }

    /// Population stability of `current` final scores ([`ScoreBreakdown::score`]) against the
    /// reference distribution.
    pub fn psi(&self, current: &[f64]) -> Result<Psi, MetricError> {
        psi(&self.reference.scores, current, PSI_BINS)
    }

    /// Whether the model reads the registry's feature vector ([`FEATURES`], in order), so that
    /// it can score enterprises (a model trained on a CSV cannot).
    pub fn is_registry_model(&self) -> bool {
        self.features.len() == FEATURES.len()
            && self
                .features
                .iter()
                .zip(FEATURES)
                .all(|(f, spec)| f.name == spec.name && f.kind == spec.kind)
    }

    /// Compact JSON (the forest alone is large; pretty-printing would multiply its lines).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an artifact holds only finite numbers and strings")
    }

    /// Reads an artifact and checks that its parts fit together, so a damaged file is an error
    /// here and not a panic when scoring.
    pub fn from_json(json: &str) -> Result<ModelArtifact, ArtifactError> {
        #[derive(Deserialize)]
        struct Header {
            format: u32,
        }
        let header: Header = serde_json::from_str(json)?;
        if header.format != ARTIFACT_FORMAT {
            return Err(ArtifactError::Format {
                found: header.format,
            });
        }
        let artifact: ModelArtifact = serde_json::from_str(json)?;
        artifact.check().map_err(ArtifactError::Invalid)?;
        Ok(artifact)
    }

    fn check(&self) -> Result<(), String> {
        let n = self.features.len();
        if n == 0 {
            return Err("no features".into());
        }
        if self.scorecard.n_inputs != n || self.scorecard.columns.len() != n {
            return Err("the scorecard's inputs differ from the features".into());
        }
        if self.forest.n_features() != n || self.forest_inputs.len() != n {
            return Err("the forest's inputs differ from the features".into());
        }
        for (f, input) in self.features.iter().zip(&self.forest_inputs) {
            let categorical = matches!(input, ForestInput::Categorical { .. });
            if categorical != (f.kind == FeatureKind::Categorical) {
                return Err(format!(
                    "feature {:?}: forest input of the wrong kind",
                    f.name
                ));
            }
        }
        if self.scorecard.features.is_empty() {
            return Err("the scorecard has no features".into());
        }
        for f in &self.scorecard.features {
            let ok = f.column < n
                && self.features[f.column].name == f.name
                && self.features[f.column].kind == f.kind
                && !f.binning.bins.is_empty()
                && f.points.len() == f.binning.bins.len()
                && f.binning.labels.len() == f.binning.bins.len();
            let edges_fit = match &f.binning.edges {
                super::binning::Edges::Numeric { cuts } => {
                    f.kind == FeatureKind::Numeric && cuts.len() + 1 == f.binning.bins.len()
                }
                super::binning::Edges::Categorical { levels, unseen } => {
                    let nb = f.binning.bins.len();
                    f.kind == FeatureKind::Categorical
                        && levels.values().all(|&b| b < nb)
                        && !matches!(unseen, BinRef::Bin(b) if *b >= nb)
                }
            };
            if !(ok && edges_fit) {
                return Err(format!("scorecard feature {:?} is inconsistent", f.name));
            }
        }
        let w = self.combination.lr_weight;
        if !(0.0..=1.0).contains(&w) {
            return Err(format!("combination weight {w} outside [0, 1]"));
        }
        let c = &self.calibration;
        if ![c.lr.a, c.lr.b, c.rf.a, c.rf.b]
            .iter()
            .all(|x| x.is_finite())
        {
            return Err("calibration parameters must be finite".into());
        }
        self.scaling.validate()?;
        self.master_scale.validate()?;
        if self.reference.scores.is_empty() {
            return Err("no reference score distribution".into());
        }
        Ok(())
    }
}

/// A value read with the other kind than the model's, converted (see `evaluate`).
fn convert(kind: FeatureKind, value: &FeatureValue) -> FeatureValue {
    match (kind, value) {
        (FeatureKind::Numeric, FeatureValue::Level(level)) => FeatureValue::Number(
            level
                .as_deref()
                .and_then(|s| s.trim().parse::<f64>().ok())
                .unwrap_or(f64::NAN),
        ),
        (FeatureKind::Categorical, FeatureValue::Number(x)) => {
            FeatureValue::Level((!x.is_nan()).then(|| x.to_string()))
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::Rng;

    fn sigmoid(z: f64) -> f64 {
        1.0 / (1.0 + (-z).exp())
    }

    /// A logistic population: four informative numeric columns (one with NaNs, one
    /// non-linear), a categorical channel (with missing levels) and a noise column.
    pub(crate) fn synthetic_table(n: usize, seed: u64) -> TrainingTable {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut rows = Vec::with_capacity(n);
        let mut bad = Vec::with_capacity(n);
        for _ in 0..n {
            let refund: f64 = rng.r#gen::<f64>() * 0.3;
            let on_time: f64 = 0.6 + 0.4 * rng.r#gen::<f64>();
            let years: f64 = rng.r#gen::<f64>() * 20.0;
            let events = f64::from(rng.gen_range(0..4u8));
            let channel = ["b2b", "b2c", "live", "cross_border"][rng.gen_range(0..4)];
            let z = -2.5 + 8.0 * refund - 4.0 * (on_time - 0.8) - 0.08 * years
                + 0.5 * events
                + 0.8 * f64::from(u8::from(years < 2.0))
                + match channel {
                    "live" => 0.7,
                    "b2b" => -0.5,
                    _ => 0.0,
                };
            bad.push(rng.r#gen::<f64>() < sigmoid(z));
            let refund = if rng.r#gen::<f64>() < 0.08 {
                f64::NAN
            } else {
                refund
            };
            let channel = (rng.r#gen::<f64>() > 0.03).then(|| channel.to_string());
            rows.push(vec![
                FeatureValue::Number(refund),
                FeatureValue::Number(on_time),
                FeatureValue::Number(years),
                FeatureValue::Number(events),
                FeatureValue::Level(channel),
                FeatureValue::Number(rng.r#gen()),
            ]);
        }
        let mut columns = vec![
            ColumnSpec::numeric("refund_rate"),
            ColumnSpec::numeric("on_time_delivery_rate"),
            ColumnSpec::numeric("years_established"),
            ColumnSpec::numeric("negative_events_24m"),
            ColumnSpec::categorical("main_business_model"),
            ColumnSpec::numeric("noise"),
        ];
        let dims = [
            Dimension::OperatingBehaviour,
            Dimension::Fulfilment,
            Dimension::Qualification,
            Dimension::CreditHistory,
            Dimension::Qualification,
            Dimension::Sentiment,
        ];
        for (c, d) in columns.iter_mut().zip(dims) {
            c.dimension = Some(d);
        }
        columns[0].description = "refund rate over the last 12 months".into();
        columns[0].monotonicity = Monotonicity::Increasing;
        TrainingTable {
            columns,
            rows,
            bad,
            source: "synthetic".into(),
        }
    }

    pub(crate) fn small_params(seed: u64) -> TrainParams {
        TrainParams {
            seed,
            forest: default_forest().n_trees(30),
            created_at: Some("2026-11-22T04:10:00Z".parse().unwrap()),
            ..TrainParams::default()
        }
    }

    #[test]
    fn stratified_split_keeps_the_bad_rate_and_covers_every_row_once() {
        let bad: Vec<bool> = (0..1000).map(|i| i % 10 == 0).collect();
        let s = stratified_split(&bad, 3);
        assert_eq!(
            (s.train.len(), s.validation.len(), s.holdout.len()),
            (600, 200, 200)
        );
        for part in [&s.train, &s.validation, &s.holdout] {
            let bads = part.iter().filter(|&&i| bad[i]).count() as f64;
            assert!((bads / part.len() as f64 - 0.1).abs() < 1e-9);
        }
        let mut all: Vec<usize> = [s.train, s.validation, s.holdout].concat();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        assert_ne!(stratified_split(&bad, 3), stratified_split(&bad, 4));
        // Five of a class: one in validation, one in holdout.
        let bad: Vec<bool> = (0..50).map(|i| i < 5).collect();
        let s = stratified_split(&bad, 0);
        assert!(s.validation.iter().any(|&i| bad[i]) && s.holdout.iter().any(|&i| bad[i]));
    }

    #[test]
    fn trains_a_useful_model_deterministically() {
        let table = synthetic_table(6000, 1);
        let a = train(&table, &small_params(7)).unwrap();
        let m = &a.metrics;
        assert!(m.lr.auc > 0.72, "LR holdout AUC {}", m.lr.auc);
        assert!(m.rf.auc > 0.68, "RF holdout AUC {}", m.rf.auc);
        assert!(
            m.combined.auc > 0.72,
            "combined holdout AUC {}",
            m.combined.auc
        );
        assert_eq!(m.combined.n, a.training.holdout_rows);
        assert_eq!(
            a.training.train_rows + a.training.validation_rows + a.training.holdout_rows,
            6000
        );
        let noise = a.features.iter().find(|f| f.name == "noise").unwrap();
        assert_ne!(noise.scorecard, ColumnStatus::Kept);
        assert!(a.version.starts_with("2026-11-22T04:10:00Z-") && a.version.len() == 29);
        // Same seed, same artifact (version included: it hashes the content).
        let b = train(&table, &small_params(7)).unwrap();
        assert_eq!(a.to_json(), b.to_json());
        let c = train(&table, &small_params(8)).unwrap();
        assert_ne!(a.forest, c.forest);
        assert_ne!(a.version, c.version);
    }

    #[test]
    fn a_score_is_consistent_with_its_parts() {
        let table = synthetic_table(4000, 2);
        let a = train(&table, &small_params(1)).unwrap();
        for row in table.rows.iter().take(200) {
            let s = a.score(row);
            assert!((s.score - a.scaling.score_from_pd(s.pd)).abs() < 1e-9);
            assert_eq!(s.model_grade, a.master_scale.grade_for(s.pd));
            let w = a.combination.lr_weight;
            assert!((s.pd - (w * s.pd_lr + (1.0 - w) * s.pd_rf)).abs() < 1e-12);
            let subs: f64 = s.sub_scores.iter().map(|d| d.points).sum();
            assert!(
                (subs - s.lr_score).abs() < 1e-9,
                "sub-scores add up to the LR score"
            );
            let raw_lr = a.scorecard.pd(row);
            assert!((s.lr_score - a.scaling.score_from_pd(raw_lr)).abs() < 1e-9);
            let p = a.predict(row);
            assert_eq!((p.pd_lr, p.pd_rf, p.pd), (s.pd_lr, s.pd_rf, s.pd));
            assert!(s.reasons_up.len() <= 3 && s.reasons_down.len() <= 3);
        }
    }

    #[test]
    fn the_validation_search_keeps_the_scorecard_weight_above_its_floor() {
        let table = synthetic_table(3000, 4);
        for floor in [0.0, 0.5, 0.8] {
            let params = TrainParams {
                min_lr_weight: floor,
                ..small_params(3)
            };
            let a = train(&table, &params).unwrap();
            assert!(a.combination.lr_weight >= floor - 1e-9, "{floor}");
            assert_eq!(a.combination.chosen_by, WeightChoice::ValidationBrier);
        }
        let out_of_range = TrainParams {
            min_lr_weight: 1.5,
            ..small_params(3)
        };
        assert!(matches!(
            train(&table, &out_of_range),
            Err(TrainError::InvalidParams(_))
        ));
    }

    #[test]
    fn json_round_trip_scores_identically() {
        let table = synthetic_table(3000, 3);
        let a = train(&table, &small_params(2)).unwrap();
        let json = a.to_json();
        let b = ModelArtifact::from_json(&json).unwrap();
        assert_eq!(a, b);
        for row in table.rows.iter().take(300) {
            assert_eq!(
                a.score(row),
                b.score(row),
                "bit-identical after a round trip"
            );
        }
        assert_eq!(b.to_json(), json);
        // Damage is caught when loading, not when scoring.
        let mut broken: serde_json::Value = serde_json::from_str(&json).unwrap();
        broken["forest_inputs"].as_array_mut().unwrap().pop();
        assert!(matches!(
            ModelArtifact::from_json(&broken.to_string()),
            Err(ArtifactError::Invalid(_))
        ));
        let mut future: serde_json::Value = serde_json::from_str(&json).unwrap();
        future["format"] = 99.into();
        assert!(matches!(
            ModelArtifact::from_json(&future.to_string()),
            Err(ArtifactError::Format { found: 99 })
        ));
        assert!(ModelArtifact::from_json("{}").is_err());
    }

    #[test]
    fn evaluate_matches_columns_by_name() {
        let table = synthetic_table(3000, 4);
        let a = train(&table, &small_params(3)).unwrap();
        let fresh = synthetic_table(2000, 5);
        let m = a.evaluate(&fresh).unwrap();
        assert!(
            m.lr.auc > 0.7 && m.combined.auc > 0.7,
            "{} {}",
            m.lr.auc,
            m.combined.auc
        );
        // Columns in another order, plus one the model does not know: the same metrics.
        let order = [5, 3, 1, 0, 2, 4];
        let mut shuffled = TrainingTable {
            columns: order.iter().map(|&j| fresh.columns[j].clone()).collect(),
            rows: fresh
                .rows
                .iter()
                .map(|r| order.iter().map(|&j| r[j].clone()).collect())
                .collect(),
            ..fresh.clone()
        };
        shuffled.columns.push(ColumnSpec::numeric("extra"));
        for r in &mut shuffled.rows {
            r.push(FeatureValue::Number(1.0));
        }
        assert_eq!(a.evaluate(&shuffled).unwrap(), m);
        // A categorical column read as numbers still matches its levels as text.
        assert_eq!(
            convert(FeatureKind::Categorical, &FeatureValue::Number(3.0)),
            FeatureValue::Level(Some("3".into()))
        );
        let mut missing = fresh.clone();
        missing.columns[0].name = "renamed".into();
        assert!(matches!(
            a.evaluate(&missing),
            Err(EvaluateError::MissingColumn(c)) if c == "refund_rate"
        ));
    }

    #[test]
    fn psi_against_the_reference() {
        let table = synthetic_table(4000, 6);
        let a = train(&table, &small_params(4)).unwrap();
        assert_eq!(a.reference.population, 1600);
        assert!(a.reference.scores.windows(2).all(|w| w[0] <= w[1]));
        let same: Vec<f64> = a.reference.scores.clone();
        assert!(a.psi(&same).unwrap().psi < 1e-9);
        let shifted: Vec<f64> = same.iter().map(|s| s - 40.0).collect();
        assert!(a.psi(&shifted).unwrap().psi > 0.25);
        assert_eq!(thin(&[1.0, 2.0, 3.0, 4.0], 2), vec![2.0, 4.0]);
    }

    #[test]
    fn fixed_weight_and_bad_tables() {
        let table = synthetic_table(2000, 7);
        let params = TrainParams {
            lr_weight: Some(1.0),
            ..small_params(5)
        };
        let a = train(&table, &params).unwrap();
        assert_eq!(a.combination.chosen_by, WeightChoice::Fixed);
        let s = a.score(&table.rows[0]);
        assert_eq!(s.pd, s.pd_lr);

        let mut few = table.clone();
        for b in &mut few.bad {
            *b = false;
        }
        few.bad[0] = true;
        assert!(matches!(
            train(&few, &params),
            Err(TrainError::TooFewOfAClass { bads: 1, .. })
        ));
        let mut ragged = table.clone();
        ragged.rows[3].pop();
        assert!(matches!(
            train(&ragged, &params),
            Err(TrainError::RowLength { row: 3, .. })
        ));
        let mut dup = table.clone();
        dup.columns[1].name = dup.columns[0].name.clone();
        assert!(matches!(
            train(&dup, &params),
            Err(TrainError::DuplicateColumn(_))
        ));
        let bad_weight = TrainParams {
            lr_weight: Some(1.5),
            ..params
        };
        assert!(matches!(
            train(&table, &bad_weight),
            Err(TrainError::InvalidParams(_))
        ));
    }

    #[test]
    fn registry_features_train_into_a_registry_model() {
        // Every registry feature driven by a latent risk in its documented direction.
        let columns = ColumnSpec::registry();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let (mut rows, mut bad) = (Vec::new(), Vec::new());
        for _ in 0..3000 {
            let risk: f64 = rng.r#gen::<f64>() * 2.0 - 1.0;
            let row: Vec<FeatureValue> = columns
                .iter()
                .map(|c| {
                    let noise: f64 = rng.r#gen();
                    match (c.kind, c.monotonicity) {
                        (FeatureKind::Categorical, _) => FeatureValue::Level(Some(
                            ["b2b", "b2c", "live_streaming"]
                                [usize::from(risk > 0.0) + usize::from(noise > 0.5)]
                            .to_string(),
                        )),
                        (_, Monotonicity::Increasing) => FeatureValue::Number(risk + noise),
                        (_, Monotonicity::Decreasing) => FeatureValue::Number(noise - risk),
                        _ => FeatureValue::Number(noise),
                    }
                })
                .collect();
            bad.push(rng.r#gen::<f64>() < sigmoid(-2.0 + 2.5 * risk));
            rows.push(row);
        }
        let table = TrainingTable {
            columns,
            rows,
            bad,
            source: "registry as of 2025-06-30".into(),
        };
        let params = TrainParams {
            as_of: NaiveDate::from_ymd_opt(2025, 6, 30),
            ..small_params(6)
        };
        let a = train(&table, &params).unwrap();
        assert!(a.is_registry_model());
        assert_eq!(a.training.as_of, params.as_of);
        assert!(a.metrics.combined.auc > 0.75, "{}", a.metrics.combined.auc);
        let s = a.score(&table.rows[0]);
        let dims: std::collections::BTreeSet<Dimension> = a
            .scorecard
            .features
            .iter()
            .filter_map(|f| f.dimension)
            .collect();
        assert_eq!(s.sub_scores.len(), dims.len());
        let subs: f64 = s.sub_scores.iter().map(|d| d.points).sum();
        assert!((subs - s.lr_score).abs() < 1e-9);
        // A model trained on other columns cannot score enterprises.
        let other = train(&synthetic_table(1000, 8), &small_params(6)).unwrap();
        assert!(!other.is_registry_model());
    }
}
