//! Model quality and stability metrics for binary scores (bad = `true`).
//!
//! Pure functions over slices: AUC (rank-based, ties take the average rank), KS, Gini
//! (= 2·AUC − 1), Brier score, calibration by decile and the population stability index.
//! Scores may be probabilities or any monotone score (only AUC, KS and PSI accept the latter
//! meaningfully). Results are plain serde structs, ready for a model manifest.

use serde::{Deserialize, Serialize};

/// Why a metric could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MetricError {
    #[error("{scores} scores but {labels} labels")]
    LengthMismatch { scores: usize, labels: usize },
    #[error("no observations")]
    Empty,
    #[error("scores must be finite numbers")]
    NonFinite,
    #[error("both classes (bad and good) are needed")]
    SingleClass,
}

/// Share given to an empty PSI bin, so that the logarithm stays finite.
pub const PSI_EPSILON: f64 = 1e-4;

/// Checks the inputs shared by the labelled metrics; returns (bad count, good count).
fn check(scores: &[f64], labels: &[bool]) -> Result<(usize, usize), MetricError> {
    if scores.len() != labels.len() {
        return Err(MetricError::LengthMismatch {
            scores: scores.len(),
            labels: labels.len(),
        });
    }
    if scores.is_empty() {
        return Err(MetricError::Empty);
    }
    if scores.iter().any(|s| !s.is_finite()) {
        return Err(MetricError::NonFinite);
    }
    let bad = labels.iter().filter(|&&b| b).count();
    Ok((bad, labels.len() - bad))
}

/// Indices of `scores` in ascending score order (stable, so ties keep input order).
fn ascending(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    order
}

/// Groups of tied scores, in ascending order: each item is (score, bad count, good count).
fn tie_groups(scores: &[f64], labels: &[bool]) -> Vec<(f64, usize, usize)> {
    let mut groups: Vec<(f64, usize, usize)> = Vec::new();
    for i in ascending(scores) {
        let (s, bad) = (scores[i], labels[i]);
        match groups.last_mut() {
            Some(g) if g.0 == s => {
                if bad {
                    g.1 += 1
                } else {
                    g.2 += 1
                }
            }
            _ => groups.push((s, usize::from(bad), usize::from(!bad))),
        }
    }
    groups
}

/// Area under the ROC curve: the probability that a random bad scores higher than a random
/// good, ties counting one half (Mann-Whitney U over average ranks).
pub fn auc(scores: &[f64], labels: &[bool]) -> Result<f64, MetricError> {
    let (n_bad, n_good) = check(scores, labels)?;
    if n_bad == 0 || n_good == 0 {
        return Err(MetricError::SingleClass);
    }
    let mut rank_sum_bad = 0.0;
    let mut seen = 0usize;
    for (_, bad, good) in tie_groups(scores, labels) {
        let size = bad + good;
        // Ranks seen+1 ..= seen+size share their average.
        let avg_rank = seen as f64 + (size as f64 + 1.0) / 2.0;
        rank_sum_bad += bad as f64 * avg_rank;
        seen += size;
    }
    let (nb, ng) = (n_bad as f64, n_good as f64);
    Ok((rank_sum_bad - nb * (nb + 1.0) / 2.0) / (nb * ng))
}

/// Gini coefficient (accuracy ratio), `2 * AUC - 1`.
pub fn gini(scores: &[f64], labels: &[bool]) -> Result<f64, MetricError> {
    auc(scores, labels).map(|a| 2.0 * a - 1.0)
}

/// The Kolmogorov-Smirnov statistic and the score where it is reached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ks {
    /// Largest gap between the cumulative score distributions of bads and goods, in [0, 1].
    pub statistic: f64,
    /// Scores `<= threshold` on one side, above on the other (the lowest such score).
    pub threshold: f64,
}

/// KS statistic: `max_t |F_bad(t) - F_good(t)|`, with `t` running over the distinct scores
/// (tied scores move together).
pub fn ks(scores: &[f64], labels: &[bool]) -> Result<Ks, MetricError> {
    let (n_bad, n_good) = check(scores, labels)?;
    if n_bad == 0 || n_good == 0 {
        return Err(MetricError::SingleClass);
    }
    let (mut cum_bad, mut cum_good) = (0usize, 0usize);
    let mut best = Ks {
        statistic: 0.0,
        threshold: f64::NAN,
    };
    for (score, bad, good) in tie_groups(scores, labels) {
        cum_bad += bad;
        cum_good += good;
        let gap = (cum_bad as f64 / n_bad as f64 - cum_good as f64 / n_good as f64).abs();
        if best.threshold.is_nan() || gap > best.statistic {
            best = Ks {
                statistic: gap,
                threshold: score,
            };
        }
    }
    Ok(best)
}

/// Brier score: mean squared difference between the predicted P(bad) and the outcome (0/1).
pub fn brier(probs: &[f64], labels: &[bool]) -> Result<f64, MetricError> {
    check(probs, labels)?;
    let sum: f64 = probs
        .iter()
        .zip(labels)
        .map(|(&p, &y)| (p - f64::from(u8::from(y))).powi(2))
        .sum();
    Ok(sum / probs.len() as f64)
}

/// One group of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub count: usize,
    pub min_predicted: f64,
    pub max_predicted: f64,
    pub mean_predicted: f64,
    pub observed_bad_rate: f64,
}

/// Calibration table: the observations sorted by predicted probability and cut into `n_bins`
/// groups of (near) equal count, lowest first. Groups are cut by rank, so ties at a boundary
/// may fall into two neighbouring groups (score quantiles would leave groups empty or merged
/// when many scores tie); empty groups (fewer observations than bins) are left out.
pub fn calibration(
    probs: &[f64],
    labels: &[bool],
    n_bins: usize,
) -> Result<Vec<CalibrationBin>, MetricError> {
    check(probs, labels)?;
    let n = probs.len();
    let n_bins = n_bins.max(1);
    let order = ascending(probs);
    let mut bins = Vec::with_capacity(n_bins);
    for k in 0..n_bins {
        let group = &order[k * n / n_bins..(k + 1) * n / n_bins];
        if group.is_empty() {
            continue;
        }
        let count = group.len();
        let sum_p: f64 = group.iter().map(|&i| probs[i]).sum();
        let bads = group.iter().filter(|&&i| labels[i]).count();
        bins.push(CalibrationBin {
            count,
            min_predicted: probs[group[0]],
            max_predicted: probs[group[count - 1]],
            mean_predicted: sum_p / count as f64,
            observed_bad_rate: bads as f64 / count as f64,
        });
    }
    Ok(bins)
}

/// [`calibration`] with ten groups.
pub fn calibration_by_decile(
    probs: &[f64],
    labels: &[bool],
) -> Result<Vec<CalibrationBin>, MetricError> {
    calibration(probs, labels, 10)
}

/// The holdout metrics a model manifest records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryMetrics {
    pub n: usize,
    pub n_bad: usize,
    pub auc: f64,
    pub ks: Ks,
    pub gini: f64,
    pub brier: f64,
    pub calibration: Vec<CalibrationBin>,
}

/// All of the metrics above for predicted probabilities of bad.
pub fn binary_metrics(probs: &[f64], labels: &[bool]) -> Result<BinaryMetrics, MetricError> {
    let (n_bad, _) = check(probs, labels)?;
    let auc = auc(probs, labels)?;
    Ok(BinaryMetrics {
        n: probs.len(),
        n_bad,
        auc,
        ks: ks(probs, labels)?,
        gini: 2.0 * auc - 1.0,
        brier: brier(probs, labels)?,
        calibration: calibration_by_decile(probs, labels)?,
    })
}

/// One bin of a PSI table: scores in `(lower, upper]`, `None` standing for an open end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PsiBin {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub expected_share: f64,
    pub actual_share: f64,
    /// `(actual - expected) * ln(actual / expected)`, shares floored at [`PSI_EPSILON`].
    pub contribution: f64,
}

/// Population stability index and its table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Psi {
    /// Sum of the bins' contributions. Rule of thumb: < 0.1 stable, 0.1-0.25 some shift,
    /// > 0.25 a significant shift.
    pub psi: f64,
    pub bins: Vec<PsiBin>,
}

/// Population stability index of `actual` against `expected` (e.g. current scores against the
/// training population). Bins are cut at the expected sample's quantiles (`n_bins` of them,
/// fewer when ties make cut points coincide); an empty bin's share counts as [`PSI_EPSILON`].
pub fn psi(expected: &[f64], actual: &[f64], n_bins: usize) -> Result<Psi, MetricError> {
    if expected.is_empty() || actual.is_empty() {
        return Err(MetricError::Empty);
    }
    if expected.iter().chain(actual).any(|s| !s.is_finite()) {
        return Err(MetricError::NonFinite);
    }
    let mut sorted = expected.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let n_bins = n_bins.max(1);
    // Upper edge of bin k: the expected value at rank ceil(k n / n_bins).
    let mut edges: Vec<f64> = (1..n_bins)
        .map(|k| sorted[(k * n).div_ceil(n_bins) - 1])
        .collect();
    edges.dedup();
    // The last edge may be the maximum, which would leave the top bin empty by construction.
    if edges.last() == sorted.last() {
        edges.pop();
    }
    let shares = |sample: &[f64]| {
        let mut counts = vec![0usize; edges.len() + 1];
        for &x in sample {
            counts[edges.partition_point(|&e| e < x)] += 1;
        }
        counts
            .into_iter()
            .map(|c| c as f64 / sample.len() as f64)
            .collect::<Vec<_>>()
    };
    let (exp_shares, act_shares) = (shares(expected), shares(actual));
    let bins: Vec<PsiBin> = (0..=edges.len())
        .map(|k| {
            let (e, a) = (exp_shares[k], act_shares[k]);
            let (ef, af) = (e.max(PSI_EPSILON), a.max(PSI_EPSILON));
            PsiBin {
                lower: k.checked_sub(1).map(|j| edges[j]),
                upper: edges.get(k).copied(),
                expected_share: e,
                actual_share: a,
                contribution: (af - ef) * (af / ef).ln(),
            }
        })
        .collect();
    Ok(Psi {
        psi: bins.iter().map(|b| b.contribution).sum(),
        bins,
    })
}

/// Two models' AUCs on the same rows, and whether they differ by more than chance: DeLong's
/// test for correlated ROC curves (DeLong, DeLong & Clarke-Pearson 1988), computed with the
/// midrank algorithm of Sun & Xu (2014) in O(n log n), so a holdout of 200,000 rows is no work.
/// Written here because no well-kept Rust crate offers it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedAuc {
    pub first: f64,
    pub second: f64,
    /// `second - first`.
    pub difference: f64,
    /// Of the difference.
    pub standard_error: f64,
    /// Two-sided p-value of "the AUCs are equal"; 1 when both models rank every pair alike.
    pub p_value: f64,
    /// 95 % confidence interval of the difference.
    pub ci95: [f64; 2],
}

/// DeLong's test of `second`'s AUC against `first`'s, both predicted on the rows of `labels`
/// (higher = more likely bad).
pub fn paired_auc(
    first: &[f64],
    second: &[f64],
    labels: &[bool],
) -> Result<PairedAuc, MetricError> {
    let (n_bad, n_good) = check(first, labels)?;
    check(second, labels)?;
    if n_bad == 0 || n_good == 0 {
        return Err(MetricError::SingleClass);
    }
    let (m, n) = (n_bad as f64, n_good as f64);
    // Per model: the AUC and each row's structural component (V10 for bads, V01 for goods).
    let components = |scores: &[f64]| {
        let bads: Vec<f64> = scores
            .iter()
            .zip(labels)
            .filter(|(_, b)| **b)
            .map(|(s, _)| *s)
            .collect();
        let goods: Vec<f64> = scores
            .iter()
            .zip(labels)
            .filter(|(_, b)| !**b)
            .map(|(s, _)| *s)
            .collect();
        let all: Vec<f64> = bads.iter().chain(&goods).copied().collect();
        let (tx, ty, tz) = (midranks(&bads), midranks(&goods), midranks(&all));
        let auc = (tz[..n_bad].iter().sum::<f64>() - m * (m + 1.0) / 2.0) / (m * n);
        let v10: Vec<f64> = (0..n_bad).map(|i| (tz[i] - tx[i]) / n).collect();
        let v01: Vec<f64> = (0..n_good)
            .map(|j| 1.0 - (tz[n_bad + j] - ty[j]) / m)
            .collect();
        (auc, v10, v01)
    };
    let (auc1, v10_1, v01_1) = components(first);
    let (auc2, v10_2, v01_2) = components(second);
    // The variance of the difference: var1 + var2 - 2 cov, from each class's components.
    let var_of_difference = |a: &[f64], b: &[f64]| {
        let diff: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        sample_variance(&diff) / diff.len() as f64
    };
    let variance = var_of_difference(&v10_1, &v10_2) + var_of_difference(&v01_1, &v01_2);
    let standard_error = variance.max(0.0).sqrt();
    let difference = auc2 - auc1;
    let p_value = if standard_error > 0.0 {
        libm::erfc((difference / standard_error).abs() / std::f64::consts::SQRT_2)
    } else {
        1.0
    };
    let half_width = 1.959_963_984_540_054 * standard_error;
    Ok(PairedAuc {
        first: auc1,
        second: auc2,
        difference,
        standard_error,
        p_value,
        ci95: [difference - half_width, difference + half_width],
    })
}

/// 1-based ranks of `values`, ties sharing their average.
fn midranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// The unbiased sample variance (0 for fewer than two values).
fn sample_variance(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn auc_by_hand() {
        // Pairs (bad, good): 0.35 > 0.1, 0.35 < 0.4, 0.8 > both: 3 of 4.
        let s = [0.1, 0.4, 0.35, 0.8];
        let y = [false, false, true, true];
        assert!(close(auc(&s, &y).unwrap(), 0.75));
        assert!(close(gini(&s, &y).unwrap(), 0.5));
    }

    #[test]
    fn auc_with_ties_counts_half() {
        // Pairs: 0.5 vs 0.1 wins, 0.5 vs 0.5 ties (1/2), 0.9 wins twice: 3.5 of 4.
        let s = [0.1, 0.5, 0.5, 0.9];
        let y = [false, true, false, true];
        assert!(close(auc(&s, &y).unwrap(), 0.875));
        // All scores tied: no discrimination.
        assert!(close(
            auc(&[0.3; 6], &[true, false, true, false, false, false]).unwrap(),
            0.5
        ));
        // Order of the input does not matter.
        assert!(close(
            auc(&[0.9, 0.5, 0.1, 0.5], &[true, false, false, true]).unwrap(),
            0.875
        ));
    }

    #[test]
    fn auc_perfect_and_reversed() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert!(close(auc(&s, &[false, false, true, true]).unwrap(), 1.0));
        assert!(close(auc(&s, &[true, true, false, false]).unwrap(), 0.0));
    }

    #[test]
    fn ks_by_hand() {
        // Ascending: 0.1 good (F_good .5, F_bad 0) -> .5; 0.35 bad -> 0; 0.4 good -> .5; 0.8 -> 0.
        let k = ks(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap();
        assert!(close(k.statistic, 0.5));
        assert_eq!(k.threshold, 0.1);
        // Ties move together: after 0.5 both classes jump: |.5 - 1| = .5, never more.
        let k = ks(&[0.1, 0.5, 0.5, 0.9], &[false, true, false, true]).unwrap();
        assert!(close(k.statistic, 0.5));
        // Perfect separation.
        let k = ks(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]).unwrap();
        assert!(close(k.statistic, 1.0));
        assert_eq!(k.threshold, 0.2);
        // All tied: the distributions never separate.
        assert!(close(
            ks(&[0.5; 4], &[true, false, true, false])
                .unwrap()
                .statistic,
            0.0
        ));
    }

    #[test]
    fn brier_by_hand() {
        // (0.1² + 0.2² + 0.5²) / 3
        let b = brier(&[0.9, 0.2, 0.5], &[true, false, true]).unwrap();
        assert!(close(b, (0.01 + 0.04 + 0.25) / 3.0));
        assert!(close(brier(&[1.0, 0.0], &[true, false]).unwrap(), 0.0));
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert_eq!(
            auc(&[0.1], &[true, false]),
            Err(MetricError::LengthMismatch {
                scores: 1,
                labels: 2
            })
        );
        assert_eq!(auc(&[], &[]), Err(MetricError::Empty));
        assert_eq!(
            auc(&[0.1, 0.2], &[true, true]),
            Err(MetricError::SingleClass)
        );
        assert_eq!(
            ks(&[f64::NAN, 0.2], &[true, false]),
            Err(MetricError::NonFinite)
        );
        assert_eq!(
            psi(&[1.0], &[f64::INFINITY], 10),
            Err(MetricError::NonFinite)
        );
    }

    #[test]
    fn calibration_groups_by_rank() {
        // 20 predictions 0.00..0.95; bad exactly for the top half.
        let p: Vec<f64> = (0..20).map(|i| f64::from(i) / 20.0).collect();
        let y: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let table = calibration_by_decile(&p, &y).unwrap();
        assert_eq!(table.len(), 10);
        assert!(table.iter().all(|b| b.count == 2));
        assert!(close(table[0].mean_predicted, 0.025));
        assert_eq!(
            (table[0].min_predicted, table[0].max_predicted),
            (0.0, 0.05)
        );
        assert!(close(table[4].observed_bad_rate, 0.0));
        assert!(close(table[5].observed_bad_rate, 1.0));
        // Fewer observations than bins: no empty groups.
        let table = calibration_by_decile(&[0.2, 0.7, 0.4], &[false, true, false]).unwrap();
        assert_eq!(table.iter().map(|b| b.count).sum::<usize>(), 3);
        assert!(table.iter().all(|b| b.count == 1));
    }

    #[test]
    fn psi_of_identical_samples_is_zero() {
        let s: Vec<f64> = (0..1000).map(|i| f64::from(i % 97) / 97.0).collect();
        let r = psi(&s, &s, 10).unwrap();
        assert!(r.psi.abs() < 1e-12);
        assert_eq!(r.bins.len(), 10);
        assert!(
            r.bins
                .iter()
                .all(|b| close(b.expected_share, b.actual_share))
        );
    }

    #[test]
    fn psi_by_hand() {
        // One edge at the median 2: expected shares (.5, .5), actual (.75, .25).
        let r = psi(&[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 1.0, 4.0], 2).unwrap();
        assert_eq!(r.bins.len(), 2);
        assert_eq!((r.bins[0].lower, r.bins[0].upper), (None, Some(2.0)));
        let want = 0.25 * 1.5f64.ln() + (-0.25) * 0.5f64.ln();
        assert!(close(r.psi, want), "{} vs {want}", r.psi);
    }

    #[test]
    fn psi_flags_a_shift_and_survives_empty_bins() {
        let expected: Vec<f64> = (0..1000).map(f64::from).collect();
        let shifted: Vec<f64> = expected.iter().map(|x| x + 300.0).collect();
        assert!(psi(&expected, &shifted, 10).unwrap().psi > 0.25);
        // Everything in the top bin: the empty bins use the epsilon, the result stays finite.
        let r = psi(&expected, &[5000.0; 10], 10).unwrap();
        assert!(r.psi.is_finite() && r.psi > 1.0);
    }

    #[test]
    fn metrics_serialise() {
        let p = [0.1, 0.4, 0.35, 0.8, 0.6, 0.2];
        let y = [false, false, true, true, true, false];
        let m = binary_metrics(&p, &y).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let back: BinaryMetrics = serde_json::from_str(&json).unwrap();
        assert_eq!(m, back);
        let r = psi(&p, &p, 4).unwrap();
        let back: Psi = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(r, back);
    }

    #[test]
    fn delong_agrees_with_the_pairwise_definition() {
        // Small enough to compute the structural components pair by pair.
        let labels = [
            true, false, true, false, false, true, false, false, true, false,
        ];
        let a = [0.9, 0.3, 0.6, 0.6, 0.2, 0.4, 0.5, 0.1, 0.8, 0.7];
        let b = [0.7, 0.4, 0.9, 0.2, 0.3, 0.5, 0.6, 0.2, 0.5, 0.1];
        let r = paired_auc(&a, &b, &labels).unwrap();
        assert!(close(r.first, auc(&a, &labels).unwrap()));
        assert!(close(r.second, auc(&b, &labels).unwrap()));
        let psi_of = |x: f64, y: f64| {
            if x > y {
                1.0
            } else if x == y {
                0.5
            } else {
                0.0
            }
        };
        let split = |s: &[f64]| -> (Vec<f64>, Vec<f64>) {
            (
                s.iter()
                    .zip(&labels)
                    .filter(|(_, b)| **b)
                    .map(|(v, _)| *v)
                    .collect(),
                s.iter()
                    .zip(&labels)
                    .filter(|(_, b)| !**b)
                    .map(|(v, _)| *v)
                    .collect(),
            )
        };
        let var = |v: &[f64]| {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64
        };
        let (ax, ay) = split(&a);
        let (bx, by) = split(&b);
        let v10 = |x: &[f64], y: &[f64]| -> Vec<f64> {
            x.iter()
                .map(|xi| y.iter().map(|yj| psi_of(*xi, *yj)).sum::<f64>() / y.len() as f64)
                .collect()
        };
        let v01 = |x: &[f64], y: &[f64]| -> Vec<f64> {
            y.iter()
                .map(|yj| x.iter().map(|xi| psi_of(*xi, *yj)).sum::<f64>() / x.len() as f64)
                .collect()
        };
        let d10: Vec<f64> = v10(&ax, &ay)
            .iter()
            .zip(v10(&bx, &by))
            .map(|(p, q)| p - q)
            .collect();
        let d01: Vec<f64> = v01(&ax, &ay)
            .iter()
            .zip(v01(&bx, &by))
            .map(|(p, q)| p - q)
            .collect();
        let want = (var(&d10) / d10.len() as f64 + var(&d01) / d01.len() as f64).sqrt();
        assert!(
            close(r.standard_error, want),
            "{} vs {want}",
            r.standard_error
        );
        assert!(r.p_value > 0.0 && r.p_value <= 1.0);
        assert!(close(
            r.ci95[1] - r.difference,
            1.959_963_984_540_054 * want
        ));
    }

    #[test]
    fn the_same_scores_do_not_differ_and_a_clear_gain_is_significant() {
        let mut rng = 17u64;
        let mut next = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 11) as f64 / (1u64 << 53) as f64
        };
        let labels: Vec<bool> = (0..4000).map(|i| i % 5 == 0).collect();
        let strong: Vec<f64> = labels
            .iter()
            .map(|&b| next() + if b { 0.8 } else { 0.0 })
            .collect();
        let weak: Vec<f64> = strong.iter().map(|s| s + 1.5 * next()).collect();
        let same = paired_auc(&strong, &strong, &labels).unwrap();
        assert_eq!((same.difference, same.p_value), (0.0, 1.0));
        let gain = paired_auc(&weak, &strong, &labels).unwrap();
        assert!(gain.difference > 0.05, "{gain:?}");
        assert!(gain.p_value < 1e-6, "{gain:?}");
        assert!(gain.ci95[0] > 0.0);
    }
}
