//! The logistic-regression scorecard (DOMAIN.md, "The score"): every column is binned with
//! [`super::binning`] (numeric columns monotonic where their [`Monotonicity`] says so,
//! categorical levels grouped, a bin for missing values), columns that separate good from bad too
//! little (information value below [`ScorecardParams::min_iv`]) are dropped, and a logistic
//! regression (linfa-logistic) is fitted on the weight of evidence of the rest:
//!
//! ```text
//! logit P(bad) = b0 + Σ b_i · WoE_i
//! ```
//!
//! Points per bin follow points-to-double-odds scaling ([`Scaling`]), with `n` kept features:
//!
//! ```text
//! points_ij = −(b_i · WoE_ij + b0 / n) · factor + offset / n
//! ```
//!
//! so the points of a row add up to `offset − factor · logit P(bad)`, which is
//! `scaling.score_from_pd(pd)` of the scorecard's PD (exactly, as long as the PD lies inside the
//! scaling's floor of 1e-6 .. 1 − 1e-6). The intercept is shared out evenly, so every point of the
//! score belongs to a feature, and the points of a dimension's features make its sub-score.
//!
//! WoE is ln(%good / %bad), so a safer bin has a larger WoE and a well-behaved coefficient `b_i`
//! is negative. A positive one (two correlated columns pulling against each other) would make a
//! riskier bin earn *more* points and a reason read backwards, so such columns are dropped and the
//! model refitted ([`ScorecardParams::drop_wrong_signs`]), as scorecard practice does.

use linfa::Dataset;
use linfa::traits::Fit;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::binning::{BinRef, BinningConfig, FeatureBinning, MISSING_LABEL, Monotonicity};
use super::calibration::sigmoid;
use super::features::{Dimension, FEATURES, FeatureKind, FeatureSpec, FeatureValue};
use super::scaling::Scaling;

/// One input column of a model: what it is called, how to read it and where its points go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSpec {
    pub name: String,
    pub kind: FeatureKind,
    /// The sub-score its points count in; `None` for arbitrary (e.g. CSV) data.
    pub dimension: Option<Dimension>,
    /// Used for numeric columns only.
    pub monotonicity: Monotonicity,
    /// What it measures, for reasons shown to people (the name when nothing better is known).
    pub description: String,
}

impl ColumnSpec {
    /// A numeric column of arbitrary data: no dimension, direction taken from the data.
    pub fn numeric(name: impl Into<String>) -> Self {
        let name = name.into();
        ColumnSpec {
            description: name.clone(),
            name,
            kind: FeatureKind::Numeric,
            dimension: None,
            monotonicity: Monotonicity::Auto,
        }
    }

    /// A categorical column of arbitrary data.
    pub fn categorical(name: impl Into<String>) -> Self {
        ColumnSpec {
            kind: FeatureKind::Categorical,
            monotonicity: Monotonicity::Free,
            ..Self::numeric(name)
        }
    }

    pub fn from_feature(spec: &FeatureSpec) -> Self {
        ColumnSpec {
            name: spec.name.to_string(),
            kind: spec.kind,
            dimension: Some(spec.dimension),
            monotonicity: spec.monotonicity,
            description: spec.description.to_string(),
        }
    }

    /// The registry's features ([`FEATURES`]), in feature-vector order.
    pub fn registry() -> Vec<Self> {
        FEATURES.iter().map(Self::from_feature).collect()
    }
}

/// How the scorecard is fitted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScorecardParams {
    pub binning: BinningConfig,
    /// Columns whose information value is below this are left out (at least one is kept).
    /// 0.02 is the usual "useless predictor" bound.
    pub min_iv: f64,
    /// L2 penalty on the coefficients (not the intercept) added to the *summed* log-loss:
    /// `Σ logloss + alpha/2 · |b|²`, which is scikit-learn's objective with `C = 1/alpha`.
    /// The default 1.0 (scikit-learn's default `C`) is negligible beside thousands of rows but
    /// keeps coefficients finite and shared when WoE columns are nearly collinear or a bin
    /// separates the classes perfectly. It is absolute, not scaled by the row count, so its
    /// effect fades as data grows, as it should.
    pub alpha: f64,
    /// L-BFGS iterations; WoE columns are well scaled, so convergence normally takes far fewer.
    pub max_iterations: u64,
    /// L-BFGS stops when the gradient norm of the summed loss falls below this.
    pub gradient_tolerance: f64,
    /// Drop columns whose coefficient has the wrong sign (see the module documentation) and
    /// refit.
    pub drop_wrong_signs: bool,
}

impl Default for ScorecardParams {
    fn default() -> Self {
        ScorecardParams {
            binning: BinningConfig::default(),
            min_iv: 0.02,
            alpha: 1.0,
            max_iterations: 1000,
            gradient_tolerance: 1e-6,
            drop_wrong_signs: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScorecardError {
    #[error("no training rows")]
    Empty,
    #[error("{rows} rows but {labels} labels")]
    LengthMismatch { rows: usize, labels: usize },
    #[error("row {row} has {found} values, expected one per column ({expected})")]
    RowLength {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("both classes (bad and good) are needed to fit a scorecard")]
    SingleClass,
    #[error("no column has any value")]
    NoUsableColumn,
    #[error("logistic regression failed: {0}")]
    Fit(String),
}

/// What became of an input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnStatus {
    /// In the scorecard.
    Kept,
    /// Information value below the threshold.
    LowIv,
    /// Its coefficient ran against its weight of evidence.
    WrongSign,
    /// No value at all in the training rows.
    Empty,
}

/// Every input column, in input order, with its information value and fate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub name: String,
    pub iv: f64,
    pub status: ColumnStatus,
}

/// A feature in the scorecard: its binning and the points of each bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardFeature {
    pub name: String,
    pub description: String,
    pub dimension: Option<Dimension>,
    pub kind: FeatureKind,
    /// Its index in an input row.
    pub column: usize,
    /// `b_i`: the weight of its WoE in logit P(bad).
    pub coefficient: f64,
    pub binning: FeatureBinning,
    /// Points of each bin of `binning.bins`.
    pub points: Vec<f64>,
    pub missing_points: f64,
    /// Mean points over the training rows: a reason is how far a row is from it.
    pub mean_points: f64,
}

impl ScorecardFeature {
    /// The bin of this feature's value; a number in a categorical column (or a level in a
    /// numeric one) counts as missing.
    #[inline]
    pub fn bin_of(&self, value: &FeatureValue) -> BinRef {
        bin_of_value(self.kind, &self.binning, value)
    }

    #[inline]
    pub fn points_of(&self, bin: BinRef) -> f64 {
        match bin {
            BinRef::Bin(i) => self.points[i],
            BinRef::Missing => self.missing_points,
        }
    }

    /// "refund rate over the last 12 months (0.08, 0.15]".
    pub fn reason_text(&self, bin: BinRef) -> String {
        reason_text(&self.description, self.binning.label(bin))
    }
}

/// A fitted scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub scaling: Scaling,
    /// `b0` of logit P(bad).
    pub intercept: f64,
    /// Length of an input row.
    pub n_inputs: usize,
    pub columns: Vec<ColumnSummary>,
    pub features: Vec<ScorecardFeature>,
    pub params: ScorecardParams,
}

/// One feature's share of a row's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FeatureScore<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub dimension: Option<Dimension>,
    #[serde(skip)]
    pub bin: BinRef,
    /// The bin's label ("missing" for the missing bin).
    pub bin_label: &'a str,
    pub points: f64,
    /// `points − mean points`: positive raised the score above the average, negative lowered it.
    pub vs_mean: f64,
}

/// A row scored by the scorecard alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardScore<'a> {
    /// P(bad) of the logistic regression.
    pub pd: f64,
    /// The sum of the points, `offset − factor · logit(pd)`.
    pub score: f64,
    /// One entry per scorecard feature, in scorecard order.
    pub features: Vec<FeatureScore<'a>>,
}

/// The points of one dimension's features.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SubScore {
    pub dimension: Dimension,
    pub points: f64,
}

/// Why a score is where it is: one feature that moved it away from the average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reason {
    /// Stable across model versions: the feature and which way it moved the score
    /// (docs/reasons.md lists them).
    #[schema(example = "refund_rate.lowers")]
    pub code: String,
    #[schema(example = "refund_rate")]
    pub feature: String,
    #[schema(example = "operating_behaviour")]
    pub dimension: Option<Dimension>,
    pub bin: String,
    pub points: f64,
    /// Points above (positive) or below (negative) the feature's mean.
    pub impact: f64,
    /// The reason in plain words, in the language asked for (`Accept-Language`; English when
    /// none is), e.g. "refund rate over the last 12 months: 8.0% to 15.0%".
    pub text: String,
}

/// How many reasons each way a score comes with.
pub const TOP_REASONS: usize = 3;

impl Scorecard {
    /// Fits a scorecard on `rows` (one value per column of `columns`) and labels `bad`.
    pub fn fit(
        columns: &[ColumnSpec],
        rows: &[&[FeatureValue]],
        bad: &[bool],
        scaling: Scaling,
        params: &ScorecardParams,
    ) -> Result<Scorecard, ScorecardError> {
        if rows.len() != bad.len() {
            return Err(ScorecardError::LengthMismatch {
                rows: rows.len(),
                labels: bad.len(),
            });
        }
        if rows.is_empty() {
            return Err(ScorecardError::Empty);
        }
        if let Some((row, r)) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != columns.len())
        {
            return Err(ScorecardError::RowLength {
                row,
                expected: columns.len(),
                found: r.len(),
            });
        }
        if bad.iter().all(|&b| b) || !bad.iter().any(|&b| b) {
            return Err(ScorecardError::SingleClass);
        }

        let binnings: Vec<FeatureBinning> = columns
            .iter()
            .enumerate()
            .map(|(j, spec)| bin_column(spec, j, rows, bad, &params.binning))
            .collect();
        let mut summaries: Vec<ColumnSummary> = columns
            .iter()
            .zip(&binnings)
            .map(|(spec, b)| ColumnSummary {
                name: spec.name.clone(),
                iv: b.iv,
                status: if b.bins.is_empty() {
                    ColumnStatus::Empty
                } else if b.iv < params.min_iv {
                    ColumnStatus::LowIv
                } else {
                    ColumnStatus::Kept
                },
            })
            .collect();
        // Keep at least one column: the most informative non-empty one.
        if !summaries.iter().any(|s| s.status == ColumnStatus::Kept) {
            let best = (0..columns.len())
                .filter(|&j| summaries[j].status != ColumnStatus::Empty)
                .max_by(|&a, &b| binnings[a].iv.total_cmp(&binnings[b].iv).then(b.cmp(&a)))
                .ok_or(ScorecardError::NoUsableColumn)?;
            summaries[best].status = ColumnStatus::Kept;
        }

        // WoE of every row in every kept column, column-major.
        let woe_of = |j: usize| -> Vec<f64> {
            let (kind, binning) = (columns[j].kind, &binnings[j]);
            rows.iter()
                .map(|r| binning.stats(bin_of_value(kind, binning, &r[j])).woe)
                .collect()
        };
        let mut kept: Vec<usize> = (0..columns.len())
            .filter(|&j| summaries[j].status == ColumnStatus::Kept)
            .collect();
        let woe: Vec<Option<Vec<f64>>> = (0..columns.len())
            .map(|j| kept.contains(&j).then(|| woe_of(j)))
            .collect();

        let (intercept, coefficients) = loop {
            let (b0, b) = fit_logistic(&kept, &woe, bad, params)?;
            // The worst wrong-signed coefficient goes, then the model is refitted.
            let wrong = (0..kept.len())
                .filter(|&i| b[i] > 0.0)
                .max_by(|&x, &y| b[x].total_cmp(&b[y]));
            match wrong {
                Some(i) if params.drop_wrong_signs && kept.len() > 1 => {
                    summaries[kept[i]].status = ColumnStatus::WrongSign;
                    kept.remove(i);
                }
                _ => break (b0, b),
            }
        };

        let n = kept.len() as f64;
        let (factor, offset) = (scaling.factor(), scaling.offset());
        let to_points = |b: f64, woe: f64| -(b * woe + intercept / n) * factor + offset / n;
        let features = kept
            .iter()
            .zip(&coefficients)
            .map(|(&j, &b)| {
                let binning = binnings[j].clone();
                let points: Vec<f64> = binning.bins.iter().map(|s| to_points(b, s.woe)).collect();
                let missing_points = to_points(b, binning.missing.woe);
                let total: u64 =
                    binning.bins.iter().map(|s| s.count).sum::<u64>() + binning.missing.count;
                let mean_points = (binning
                    .bins
                    .iter()
                    .zip(&points)
                    .map(|(s, p)| s.count as f64 * p)
                    .sum::<f64>()
                    + binning.missing.count as f64 * missing_points)
                    / total as f64;
                let spec = &columns[j];
                ScorecardFeature {
                    name: spec.name.clone(),
                    description: spec.description.clone(),
                    dimension: spec.dimension,
                    kind: spec.kind,
                    column: j,
                    coefficient: b,
                    binning,
                    points,
                    missing_points,
                    mean_points,
                }
            })
            .collect();
        Ok(Scorecard {
            scaling,
            intercept,
            n_inputs: columns.len(),
            columns: summaries,
            features,
            params: *params,
        })
    }

    /// logit P(bad) of a row.
    ///
    /// # Panics
    /// If `row` is shorter than the input columns.
    #[inline]
    pub fn logit(&self, row: &[FeatureValue]) -> f64 {
        self.features.iter().fold(self.intercept, |acc, f| {
            let bin = f.bin_of(&row[f.column]);
            acc + f.coefficient * f.binning.stats(bin).woe
        })
    }

    /// P(bad) of a row, without the breakdown.
    pub fn pd(&self, row: &[FeatureValue]) -> f64 {
        sigmoid(self.logit(row))
    }

    /// Writes the WoE of each scorecard feature for `row` into `out` (the design matrix row the
    /// regression saw).
    pub fn woe_row(&self, row: &[FeatureValue], out: &mut [f64]) {
        assert_eq!(out.len(), self.features.len(), "one slot per feature");
        for (o, f) in out.iter_mut().zip(&self.features) {
            *o = f.binning.stats(f.bin_of(&row[f.column])).woe;
        }
    }

    /// The WoE design matrix of `rows`: one row per input row, one column per feature.
    pub fn woe_matrix(&self, rows: &[&[FeatureValue]]) -> Array2<f64> {
        let mut x = Array2::zeros((rows.len(), self.features.len()));
        for (mut out, row) in x.rows_mut().into_iter().zip(rows) {
            let out = out.as_slice_mut().expect("a fresh array is contiguous");
            self.woe_row(row, out);
        }
        x
    }

    /// Scores a row, feature by feature.
    ///
    /// # Panics
    /// If `row.len()` differs from [`Self::n_inputs`].
    pub fn score_row<'a>(&'a self, row: &[FeatureValue]) -> ScorecardScore<'a> {
        assert_eq!(row.len(), self.n_inputs, "one value per input column");
        let mut logit = self.intercept;
        let mut score = 0.0;
        let features = self
            .features
            .iter()
            .map(|f| {
                let bin = f.bin_of(&row[f.column]);
                let points = f.points_of(bin);
                logit += f.coefficient * f.binning.stats(bin).woe;
                score += points;
                FeatureScore {
                    name: &f.name,
                    description: &f.description,
                    dimension: f.dimension,
                    bin,
                    bin_label: f.binning.label(bin),
                    points,
                    vs_mean: points - f.mean_points,
                }
            })
            .collect();
        ScorecardScore {
            pd: sigmoid(logit),
            score,
            features,
        }
    }
}

impl Scorecard {
    /// The fewest and the most points each dimension can get, in [`Dimension::ALL`] order, for
    /// the dimensions that have features: the scale a dimension's sub-score is read against.
    pub fn dimension_ranges(&self) -> Vec<(Dimension, f64, f64)> {
        Dimension::ALL
            .iter()
            .filter_map(|&d| {
                let mut of_d = self
                    .features
                    .iter()
                    .filter(|f| f.dimension == Some(d))
                    .peekable();
                of_d.peek()?;
                let (low, high) = of_d.fold((0.0, 0.0), |(low, high), f| {
                    let all = f.points.iter().copied().chain([f.missing_points]);
                    let (min, max) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                        (a.min(p), b.max(p))
                    });
                    (low + min, high + max)
                });
                Some((d, low, high))
            })
            .collect()
    }
}

impl ScorecardScore<'_> {
    /// Points per dimension, in [`Dimension::ALL`] order, for the dimensions that have features.
    /// Features without a dimension count in the score but in no sub-score; when every feature
    /// has one (always, for the registry's features), the sub-scores add up to [`Self::score`].
    pub fn sub_scores(&self) -> Vec<SubScore> {
        Dimension::ALL
            .iter()
            .filter_map(|&d| {
                let mut of_d = self.features.iter().filter(|f| f.dimension == Some(d));
                let first = of_d.next()?;
                Some(SubScore {
                    dimension: d,
                    points: of_d.fold(first.points, |acc, f| acc + f.points),
                })
            })
            .collect()
    }

    /// Up to [`TOP_REASONS`] features that raised the score most above their average, and up
    /// to as many that lowered it most, strongest first.
    pub fn reasons(&self) -> (Vec<Reason>, Vec<Reason>) {
        let up = top(&self.features, |f| f.vs_mean);
        let down = top(&self.features, |f| -f.vs_mean);
        let reason = |f: &FeatureScore<'_>| Reason {
            code: super::wording::reason_code(f.name, f.vs_mean > 0.0),
            feature: f.name.to_string(),
            dimension: f.dimension,
            bin: f.bin_label.to_string(),
            points: f.points,
            impact: f.vs_mean,
            text: reason_text(f.description, f.bin_label),
        };
        (
            up.into_iter()
                .flatten()
                .map(|i| reason(&self.features[i]))
                .collect(),
            down.into_iter()
                .flatten()
                .map(|i| reason(&self.features[i]))
                .collect(),
        )
    }
}

/// Indices of the (up to) [`TOP_REASONS`] features with the largest positive `key`, largest
/// first; no allocation.
fn top(
    features: &[FeatureScore<'_>],
    key: impl Fn(&FeatureScore<'_>) -> f64,
) -> [Option<usize>; TOP_REASONS] {
    let mut best: [Option<usize>; TOP_REASONS] = [None; TOP_REASONS];
    for (i, f) in features.iter().enumerate() {
        let k = key(f);
        if k <= 0.0 {
            continue;
        }
        // Insertion into a short sorted array; ties keep scorecard order.
        let Some(pos) = best
            .iter()
            .position(|b| b.is_none_or(|j| k > key(&features[j])))
        else {
            continue;
        };
        best[pos..].rotate_right(1);
        best[pos] = Some(i);
    }
    best
}

/// "refund rate over the last 12 months (0.08, 0.15]", from a description and a bin label.
pub fn reason_text(description: &str, bin_label: &str) -> String {
    let suffix = if bin_label == MISSING_LABEL {
        "(missing)"
    } else {
        bin_label
    };
    // Built by hand: `format!` costs more than the rest of a reason (scoring is a hot path).
    let mut text = String::with_capacity(description.len() + 1 + suffix.len());
    text.push_str(description);
    text.push(' ');
    text.push_str(suffix);
    text
}

/// The bin of a value; a number in a categorical column (or a level in a numeric one) counts as
/// missing.
#[inline]
fn bin_of_value(kind: FeatureKind, binning: &FeatureBinning, value: &FeatureValue) -> BinRef {
    match (kind, value) {
        (FeatureKind::Numeric, FeatureValue::Number(x)) => binning.bin_of_number(*x),
        (FeatureKind::Categorical, FeatureValue::Level(level)) => {
            binning.bin_of_level(level.as_deref())
        }
        _ => BinRef::Missing,
    }
}

fn bin_column(
    spec: &ColumnSpec,
    j: usize,
    rows: &[&[FeatureValue]],
    bad: &[bool],
    config: &BinningConfig,
) -> FeatureBinning {
    match spec.kind {
        FeatureKind::Numeric => {
            let values: Vec<f64> = rows
                .iter()
                .map(|r| match &r[j] {
                    FeatureValue::Number(x) => *x,
                    FeatureValue::Level(_) => f64::NAN,
                })
                .collect();
            FeatureBinning::fit_numeric(&values, bad, spec.monotonicity, config)
        }
        FeatureKind::Categorical => {
            let values: Vec<Option<&str>> = rows
                .iter()
                .map(|r| match &r[j] {
                    FeatureValue::Level(level) => level.as_deref(),
                    FeatureValue::Number(_) => None,
                })
                .collect();
            FeatureBinning::fit_categorical(&values, bad, config)
        }
    }
}

/// Fits logit P(bad) on the WoE columns `kept`; returns `(b0, b)` oriented for P(bad).
fn fit_logistic(
    kept: &[usize],
    woe: &[Option<Vec<f64>>],
    bad: &[bool],
    params: &ScorecardParams,
) -> Result<(f64, Vec<f64>), ScorecardError> {
    let n = bad.len();
    let cols: Vec<&Vec<f64>> = kept
        .iter()
        .map(|&j| woe[j].as_ref().expect("kept columns have WoE"))
        .collect();
    let x = Array2::from_shape_fn((n, cols.len()), |(r, c)| cols[c][r]);
    let dataset = Dataset::new(x, Array1::from(bad.to_vec()));
    let model = LogisticRegression::default()
        .alpha(params.alpha)
        .max_iterations(params.max_iterations)
        .gradient_tolerance(params.gradient_tolerance)
        .fit(&dataset)
        .map_err(|e| ScorecardError::Fit(e.to_string()))?;
    // linfa-logistic models the class that was more frequent in training ("pos"), which is
    // "good" unless bads are the majority: flip the sign so the model is always of P(bad).
    let sign = if model.labels().pos.class { 1.0 } else { -1.0 };
    let b0 = sign * model.intercept();
    let b: Vec<f64> = model.params().iter().map(|w| sign * w).collect();
    if !b0.is_finite() || b.iter().any(|w| !w.is_finite()) {
        return Err(ScorecardError::Fit("non-finite coefficients".into()));
    }
    Ok((b0, b))
}

#[cfg(test)]
mod tests {
    use super::super::metrics::auc;
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn num(x: f64) -> FeatureValue {
        FeatureValue::Number(x)
    }
    fn level(s: &str) -> FeatureValue {
        FeatureValue::Level(Some(s.to_string()))
    }

    /// Rows of (risk ↑ with x0, risk ↓ with x1, channel level, noise), logistic labels;
    /// `shift` moves the bad rate.
    fn synthetic(
        n: usize,
        seed: u64,
        shift: f64,
    ) -> (Vec<ColumnSpec>, Vec<Vec<FeatureValue>>, Vec<bool>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut rows = Vec::with_capacity(n);
        let mut bad = Vec::with_capacity(n);
        for _ in 0..n {
            let x0: f64 = rng.r#gen();
            let x1: f64 = rng.r#gen::<f64>() * 10.0;
            let channel = ["a", "b", "c"][rng.gen_range(0..3)];
            let z = -2.0 + shift + 3.0 * x0 - 0.2 * x1
                + match channel {
                    "a" => -0.7,
                    "b" => 0.0,
                    _ => 0.8,
                };
            bad.push(rng.r#gen::<f64>() < sigmoid(z));
            let x0 = if rng.r#gen::<f64>() < 0.05 {
                f64::NAN
            } else {
                x0
            };
            rows.push(vec![num(x0), num(x1), level(channel), num(rng.r#gen())]);
        }
        let mut columns = vec![
            ColumnSpec::numeric("x0"),
            ColumnSpec::numeric("x1"),
            ColumnSpec::categorical("channel"),
            ColumnSpec::numeric("noise"),
        ];
        columns[0].dimension = Some(Dimension::OperatingBehaviour);
        columns[0].monotonicity = Monotonicity::Increasing;
        columns[0].description = "refund rate".into();
        columns[1].dimension = Some(Dimension::Fulfilment);
        columns[2].dimension = Some(Dimension::Qualification);
        columns[3].dimension = Some(Dimension::Sentiment);
        (columns, rows, bad)
    }

    fn fit(columns: &[ColumnSpec], rows: &[Vec<FeatureValue>], bad: &[bool]) -> Scorecard {
        let refs: Vec<&[FeatureValue]> = rows.iter().map(Vec::as_slice).collect();
        Scorecard::fit(
            columns,
            &refs,
            bad,
            Scaling::default(),
            &ScorecardParams::default(),
        )
        .unwrap()
    }

    #[test]
    fn points_sum_to_the_score_of_the_lr_pd() {
        let (columns, rows, bad) = synthetic(4000, 1, 0.0);
        let card = fit(&columns, &rows, &bad);
        assert!(card.features.len() >= 3, "{:?}", card.columns);
        for row in rows.iter().take(300) {
            let s = card.score_row(row);
            let points: f64 = s.features.iter().map(|f| f.points).sum();
            assert!((points - s.score).abs() < 1e-9);
            assert!((s.score - card.scaling.score_from_pd(s.pd)).abs() < 1e-9);
            assert!((s.pd - card.pd(row)).abs() < 1e-15);
        }
        // Risk falls as x1 grows and the scorecard knows it: points rise bin by bin.
        let x1 = card.features.iter().find(|f| f.name == "x1").unwrap();
        assert!(x1.coefficient < 0.0);
        assert!(
            x1.points.windows(2).all(|w| w[0] <= w[1]),
            "{:?}",
            x1.points
        );
    }

    #[test]
    fn sub_scores_sum_to_the_lr_total() {
        let (columns, rows, bad) = synthetic(3000, 2, 0.0);
        let card = fit(&columns, &rows, &bad);
        for row in rows.iter().take(100) {
            let s = card.score_row(row);
            let subs = s.sub_scores();
            assert_eq!(
                subs.len(),
                card.features.len(),
                "one dimension per feature here"
            );
            let total: f64 = subs.iter().map(|d| d.points).sum();
            assert!((total - s.score).abs() < 1e-9);
        }
        // A feature without a dimension counts in the total, not in a sub-score.
        let mut columns = columns;
        columns[1].dimension = None;
        let card = fit(&columns, &rows, &bad);
        let s = card.score_row(&rows[0]);
        let x1 = s.features.iter().find(|f| f.name == "x1").unwrap().points;
        let total: f64 = s.sub_scores().iter().map(|d| d.points).sum();
        assert!((total + x1 - s.score).abs() < 1e-9);
    }

    #[test]
    fn every_sub_score_lies_within_its_dimension_range() {
        let (columns, rows, bad) = synthetic(3000, 2, 0.0);
        let card = fit(&columns, &rows, &bad);
        let ranges = card.dimension_ranges();
        assert!(!ranges.is_empty());
        for row in rows.iter().take(300) {
            for sub in card.score_row(row).sub_scores() {
                let (_, low, high) = ranges
                    .iter()
                    .find(|(d, _, _)| *d == sub.dimension)
                    .expect("a range for every scored dimension");
                assert!(*low <= sub.points + 1e-9 && sub.points <= *high + 1e-9);
                assert!(low < high, "a fitted dimension spans some points");
            }
        }
    }

    #[test]
    fn reasons_point_the_right_way() {
        let (columns, rows, bad) = synthetic(4000, 3, 0.0);
        let card = fit(&columns, &rows, &bad);
        // Low x0 (safe), high x1 (safe), channel "c" (risky).
        let row = vec![num(0.02), num(9.9), level("c"), num(0.5)];
        let s = card.score_row(&row);
        let (up, down) = s.reasons();
        let names = |r: &[Reason]| r.iter().map(|r| r.feature.clone()).collect::<Vec<_>>();
        assert!(names(&up).contains(&"x0".to_string()), "{up:?}");
        assert!(names(&up).contains(&"x1".to_string()), "{up:?}");
        assert_eq!(down[0].feature, "channel", "{down:?}");
        assert!(up.iter().all(|r| r.impact > 0.0) && down.iter().all(|r| r.impact < 0.0));
        assert!(up.windows(2).all(|w| w[0].impact >= w[1].impact));
        assert!(up.len() <= TOP_REASONS && down.len() <= TOP_REASONS);
        let x0 = up.iter().find(|r| r.feature == "x0").unwrap();
        assert!(x0.text.starts_with("refund rate (-inf, "), "{}", x0.text);
        // A missing value has its own bin and says so.
        let row = vec![num(f64::NAN), num(5.0), level("b"), num(0.5)];
        let s = card.score_row(&row);
        let x0 = s.features.iter().find(|f| f.name == "x0").unwrap();
        assert_eq!(x0.bin_label, "missing");
        let (up, down) = s.reasons();
        if let Some(r) = up.iter().chain(&down).find(|r| r.feature == "x0") {
            assert_eq!(r.text, "refund rate (missing)");
        }
    }

    #[test]
    fn bads_in_the_majority_still_give_the_pd_of_bad() {
        // linfa-logistic models the more frequent class; here that is "bad".
        let (columns, rows, bad) = synthetic(4000, 4, 3.0);
        let share = bad.iter().filter(|&&b| b).count() as f64 / bad.len() as f64;
        assert!(share > 0.6, "bads are the majority: {share}");
        let card = fit(&columns, &rows, &bad);
        let pds: Vec<f64> = rows.iter().map(|r| card.pd(r)).collect();
        let mean = pds.iter().sum::<f64>() / pds.len() as f64;
        assert!(
            (mean - share).abs() < 0.02,
            "mean PD {mean} vs bad rate {share}"
        );
        assert!(auc(&pds, &bad).unwrap() > 0.7);
        assert!(card.features.iter().all(|f| f.coefficient < 0.0));
        // And with bads the minority, the same holds.
        let (columns, rows, bad) = synthetic(4000, 4, -1.0);
        let share = bad.iter().filter(|&&b| b).count() as f64 / bad.len() as f64;
        let card = fit(&columns, &rows, &bad);
        let mean = rows.iter().map(|r| card.pd(r)).sum::<f64>() / rows.len() as f64;
        assert!(share < 0.4 && (mean - share).abs() < 0.02);
    }

    #[test]
    fn useless_columns_are_dropped_but_one_is_kept() {
        let (columns, rows, bad) = synthetic(4000, 5, 0.0);
        let card = fit(&columns, &rows, &bad);
        let noise = card.columns.iter().find(|c| c.name == "noise").unwrap();
        assert_ne!(noise.status, ColumnStatus::Kept, "{noise:?}");
        assert!(card.features.iter().all(|f| f.name != "noise"));
        // Only noise: it stays, as the one column.
        let rows: Vec<Vec<FeatureValue>> = rows.iter().map(|r| vec![r[3].clone()]).collect();
        let card = fit(&columns[3..], &rows, &bad);
        assert_eq!(card.features.len(), 1);
        assert!(card.score_row(&rows[0]).score.is_finite());
    }

    #[test]
    fn bad_inputs_are_errors() {
        let columns = vec![ColumnSpec::numeric("x")];
        let rows: Vec<Vec<FeatureValue>> = (0..10).map(|i| vec![num(f64::from(i))]).collect();
        let refs: Vec<&[FeatureValue]> = rows.iter().map(Vec::as_slice).collect();
        let p = ScorecardParams::default();
        let s = Scaling::default();
        assert_eq!(
            Scorecard::fit(&columns, &refs, &[false; 10], s, &p),
            Err(ScorecardError::SingleClass)
        );
        assert!(matches!(
            Scorecard::fit(&columns, &refs, &[false; 3], s, &p),
            Err(ScorecardError::LengthMismatch { .. })
        ));
        let empty: Vec<Vec<FeatureValue>> = (0..10).map(|_| vec![num(f64::NAN)]).collect();
        let refs: Vec<&[FeatureValue]> = empty.iter().map(Vec::as_slice).collect();
        let bad: Vec<bool> = (0..10).map(|i| i % 2 == 0).collect();
        assert_eq!(
            Scorecard::fit(&columns, &refs, &bad, s, &p),
            Err(ScorecardError::NoUsableColumn)
        );
    }

    #[test]
    fn serde_round_trip() {
        let (columns, rows, bad) = synthetic(2000, 6, 0.0);
        let card = fit(&columns, &rows, &bad);
        let back: Scorecard = serde_json::from_str(&serde_json::to_string(&card).unwrap()).unwrap();
        assert_eq!(card, back);
    }
}
