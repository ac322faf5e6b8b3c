//! Binning and weight of evidence for the scorecard: every feature is cut into a few bins (a bin
//! for missing values always among them), bins are merged until each holds enough of the
//! population and, where the relation should be monotonic, until the bad rate rises or falls
//! steadily across them; each bin then gets its weight of evidence, WoE = ln(%good / %bad).
//! Categorical levels are grouped by bad rate the same way. No crate on crates.io does
//! scorecard binning (optbinning is Python), hence this module.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BinningConfig {
    /// Quantile bins to start from.
    pub initial_bins: usize,
    /// The smallest share of the (non-missing) population a final bin may hold.
    pub min_bin_share: f64,
    /// At most this many groups of categorical levels.
    pub max_groups: usize,
}

impl Default for BinningConfig {
    fn default() -> Self {
        BinningConfig {
            initial_bins: 20,
            min_bin_share: 0.05,
            max_groups: 6,
        }
    }
}

/// How the bad rate should move as the feature grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Monotonicity {
    /// More of the feature, more risk (e.g. refund rate).
    Increasing,
    /// More of the feature, less risk (e.g. on-time delivery).
    Decreasing,
    /// Follow the direction the data shows.
    Auto,
    /// No constraint (e.g. age of a business, where both ends may be risky).
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BinStats {
    pub count: u64,
    pub bads: u64,
    pub woe: f64,
}

impl BinStats {
    pub fn bad_rate(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.bads as f64 / self.count as f64
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edges {
    /// Bin `i` holds values up to and including `cuts[i]` (and above `cuts[i-1]`); the last bin
    /// holds everything above the last cut.
    Numeric { cuts: Vec<f64> },
    /// The bin of each known level; unseen levels go to `unseen`.
    Categorical {
        levels: BTreeMap<String, usize>,
        unseen: BinRef,
    },
}

/// Which bin a value falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinRef {
    Bin(usize),
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureBinning {
    pub edges: Edges,
    pub bins: Vec<BinStats>,
    /// Human-readable bin descriptions, e.g. `(0.05, 0.12]` or `tmall, jd`.
    pub labels: Vec<String>,
    pub missing: BinStats,
    /// Information value: how well the feature separates good from bad.
    pub iv: f64,
}

/// Work-in-progress bin: the values it spans and its counts.
#[derive(Debug, Clone, Copy)]
struct Run {
    upper: f64,
    count: u64,
    bads: u64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.bads as f64 / self.count.max(1) as f64
    }
    fn absorb(&mut self, other: Run) {
        self.count += other.count;
        self.bads += other.bads;
        self.upper = self.upper.max(other.upper);
    }
}

/// WoE with half-count smoothing, so a bin without goods or bads stays finite.
fn woe(count: u64, bads: u64, total_goods: u64, total_bads: u64) -> f64 {
    if count == 0 {
        return 0.0;
    }
    let goods = (count - bads) as f64;
    let good_share = (goods + 0.5) / (total_goods as f64 + 0.5);
    let bad_share = (bads as f64 + 0.5) / (total_bads as f64 + 0.5);
    (good_share / bad_share).ln()
}

fn finish(
    edges: Edges,
    runs: &[(u64, u64)],
    labels: Vec<String>,
    missing: (u64, u64),
) -> FeatureBinning {
    let total_bads: u64 = runs.iter().map(|r| r.1).sum::<u64>() + missing.1;
    let total: u64 = runs.iter().map(|r| r.0).sum::<u64>() + missing.0;
    let total_goods = total - total_bads;
    let stat = |(count, bads): (u64, u64)| BinStats {
        count,
        bads,
        woe: woe(count, bads, total_goods, total_bads),
    };
    let bins: Vec<BinStats> = runs.iter().copied().map(stat).collect();
    let missing = stat(missing);
    let iv = bins
        .iter()
        .chain(std::iter::once(&missing))
        .filter(|b| b.count > 0)
        .map(|b| {
            let good_share = (b.count - b.bads) as f64 / total_goods.max(1) as f64;
            let bad_share = b.bads as f64 / total_bads.max(1) as f64;
            (good_share - bad_share) * b.woe
        })
        .sum();
    FeatureBinning {
        edges,
        bins,
        labels,
        missing,
        iv,
    }
}

/// The neighbour of `i` (in a row of `len` groups) whose bad rate is closest to its own.
fn closest_neighbour(len: usize, i: usize, rate: impl Fn(usize) -> f64) -> Option<usize> {
    let left = i.checked_sub(1);
    let right = (i + 1 < len).then_some(i + 1);
    match (left, right) {
        (Some(l), Some(r)) => Some(if (rate(l) - rate(i)).abs() <= (rate(r) - rate(i)).abs() {
            l
        } else {
            r
        }),
        (one, None) | (None, one) => one,
    }
}

/// Merges run `i` into its neighbour whose bad rate is closest.
fn merge_into_neighbour(runs: &mut Vec<Run>, i: usize) {
    let Some(target) = closest_neighbour(runs.len(), i, |j| runs[j].rate()) else {
        return;
    };
    let run = runs.remove(i);
    let target = if target > i { target - 1 } else { target };
    runs[target].absorb(run);
}

fn merge_small(runs: &mut Vec<Run>, min_count: u64) {
    while runs.len() > 1 {
        let Some((i, _)) = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.count < min_count)
            .min_by_key(|(_, r)| r.count)
        else {
            break;
        };
        merge_into_neighbour(runs, i);
    }
}

/// Pool-adjacent-violators: merge neighbours until bad rates move one way only.
fn make_monotonic(runs: &mut Vec<Run>, increasing: bool) {
    let mut i = 0;
    while i + 1 < runs.len() {
        let violates = if increasing {
            runs[i].rate() > runs[i + 1].rate()
        } else {
            runs[i].rate() < runs[i + 1].rate()
        };
        if violates {
            let next = runs.remove(i + 1);
            runs[i].absorb(next);
            i = i.saturating_sub(1);
        } else {
            i += 1;
        }
    }
}

fn fmt_edge(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl FeatureBinning {
    /// Bins a numeric feature; NaN is missing.
    pub fn fit_numeric(
        values: &[f64],
        bad: &[bool],
        monotonicity: Monotonicity,
        config: &BinningConfig,
    ) -> Self {
        assert_eq!(values.len(), bad.len(), "one label per value");
        let mut present: Vec<(f64, bool)> = values
            .iter()
            .copied()
            .zip(bad.iter().copied())
            .filter(|(v, _)| !v.is_nan())
            .collect();
        present.sort_by(|a, b| a.0.total_cmp(&b.0));
        let missing_count = (values.len() - present.len()) as u64;
        let missing_bads = values
            .iter()
            .zip(bad)
            .filter(|(v, b)| v.is_nan() && **b)
            .count() as u64;

        // Quantile runs, cut only between distinct values.
        let n = present.len();
        let mut runs: Vec<Run> = Vec::new();
        let target = (n / config.initial_bins.max(1)).max(1);
        let mut start = 0;
        while start < n {
            let mut end = (start + target).min(n);
            while end < n && present[end].0 == present[end - 1].0 {
                end += 1;
            }
            let slice = &present[start..end];
            runs.push(Run {
                upper: slice[slice.len() - 1].0,
                count: slice.len() as u64,
                bads: slice.iter().filter(|(_, b)| *b).count() as u64,
            });
            start = end;
        }
        let min_count = ((config.min_bin_share * n as f64).ceil() as u64).max(1);
        merge_small(&mut runs, min_count);
        let increasing = match monotonicity {
            Monotonicity::Increasing => Some(true),
            Monotonicity::Decreasing => Some(false),
            Monotonicity::Free => None,
            Monotonicity::Auto => Some(correlation_sign(&present) >= 0.0),
        };
        if let Some(increasing) = increasing {
            make_monotonic(&mut runs, increasing);
        }
        let cuts: Vec<f64> = runs
            .iter()
            .take(runs.len().saturating_sub(1))
            .map(|r| r.upper)
            .collect();
        let mut labels = Vec::with_capacity(runs.len());
        for i in 0..runs.len() {
            let low = if i == 0 {
                "-inf".to_string()
            } else {
                fmt_edge(cuts[i - 1])
            };
            let high = if i < cuts.len() {
                fmt_edge(cuts[i])
            } else {
                "+inf".to_string()
            };
            labels.push(format!("({low}, {high}]"));
        }
        let counts: Vec<(u64, u64)> = runs.iter().map(|r| (r.count, r.bads)).collect();
        finish(
            Edges::Numeric { cuts },
            &counts,
            labels,
            (missing_count, missing_bads),
        )
    }

    /// Groups the levels of a categorical feature by bad rate; `None` is missing.
    pub fn fit_categorical(values: &[Option<&str>], bad: &[bool], config: &BinningConfig) -> Self {
        assert_eq!(values.len(), bad.len(), "one label per value");
        let mut per_level: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        let mut missing = (0u64, 0u64);
        for (value, is_bad) in values.iter().zip(bad) {
            let slot = match value {
                Some(level) => per_level.entry(level).or_default(),
                None => &mut missing,
            };
            slot.0 += 1;
            slot.1 += u64::from(*is_bad);
        }
        // Groups of levels in bad-rate order; a group's `upper` is its position, for merging.
        let mut ordered: Vec<(&str, (u64, u64))> = per_level.into_iter().collect();
        ordered.sort_by(|a, b| {
            let rate = |c: (u64, u64)| c.1 as f64 / c.0 as f64;
            rate(a.1).total_cmp(&rate(b.1)).then(a.0.cmp(b.0))
        });
        let mut groups: Vec<(Vec<&str>, Run)> = ordered
            .iter()
            .map(|(level, (count, bads))| {
                (
                    vec![*level],
                    Run {
                        upper: 0.0,
                        count: *count,
                        bads: *bads,
                    },
                )
            })
            .collect();
        let present: u64 = groups.iter().map(|g| g.1.count).sum();
        let min_count = ((config.min_bin_share * present as f64).ceil() as u64).max(1);
        loop {
            // Merge the smallest under-sized group, or else the closest pair while too many.
            let small = groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.1.count < min_count)
                .min_by_key(|(_, g)| g.1.count)
                .map(|(i, _)| i);
            let pair = if small.is_none() && groups.len() > config.max_groups.max(1) {
                (0..groups.len() - 1).min_by(|&a, &b| {
                    let gap = |i: usize| (groups[i + 1].1.rate() - groups[i].1.rate()).abs();
                    gap(a).total_cmp(&gap(b))
                })
            } else {
                None
            };
            let (into, from) = match (small, pair) {
                (Some(i), _) if groups.len() > 1 => {
                    let neighbour = closest_neighbour(groups.len(), i, |j| groups[j].1.rate())
                        .expect("two or more groups");
                    (neighbour.min(i), neighbour.max(i))
                }
                (_, Some(i)) => (i, i + 1),
                _ => break,
            };
            let (levels, run) = groups.remove(from);
            groups[into].0.extend(levels);
            groups[into].1.absorb(run);
        }
        let mut levels = BTreeMap::new();
        let mut labels = Vec::with_capacity(groups.len());
        for (i, (names, _)) in groups.iter().enumerate() {
            let mut names = names.clone();
            names.sort();
            labels.push(names.join(", "));
            for name in names {
                levels.insert(name.to_string(), i);
            }
        }
        // A level never seen in training is treated like the largest group: the most typical.
        let unseen = groups
            .iter()
            .enumerate()
            .max_by_key(|(_, g)| g.1.count)
            .map(|(i, _)| BinRef::Bin(i))
            .unwrap_or(BinRef::Missing);
        let counts: Vec<(u64, u64)> = groups.iter().map(|g| (g.1.count, g.1.bads)).collect();
        finish(
            Edges::Categorical { levels, unseen },
            &counts,
            labels,
            missing,
        )
    }

    pub fn bin_of_number(&self, x: f64) -> BinRef {
        match &self.edges {
            Edges::Numeric { cuts } if !x.is_nan() => {
                BinRef::Bin(cuts.partition_point(|cut| *cut < x))
            }
            _ => BinRef::Missing,
        }
    }

    pub fn bin_of_level(&self, level: Option<&str>) -> BinRef {
        match (&self.edges, level) {
            (Edges::Categorical { levels, unseen }, Some(level)) => levels
                .get(level)
                .map(|i| BinRef::Bin(*i))
                .unwrap_or(*unseen),
            _ => BinRef::Missing,
        }
    }

    pub fn stats(&self, bin: BinRef) -> &BinStats {
        match bin {
            BinRef::Bin(i) => &self.bins[i],
            BinRef::Missing => &self.missing,
        }
    }

    pub fn label(&self, bin: BinRef) -> &str {
        match bin {
            BinRef::Bin(i) => &self.labels[i],
            BinRef::Missing => MISSING_LABEL,
        }
    }
}

/// The label of the bin of missing values.
pub const MISSING_LABEL: &str = "missing";

/// The sign of the Pearson correlation between the value and being bad.
fn correlation_sign(present: &[(f64, bool)]) -> f64 {
    let n = present.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean_x = present.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = present.iter().filter(|p| p.1).count() as f64 / n;
    present
        .iter()
        .map(|(x, y)| (x - mean_x) * (f64::from(u8::from(*y)) - mean_y))
        .sum::<f64>()
        .signum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values 0..1000; the bad rate rises with the value, with some noise.
    fn rising() -> (Vec<f64>, Vec<bool>) {
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let bad = (0..1000).map(|i| (i * 7919 % 1000) < i / 2).collect();
        (values, bad)
    }

    #[test]
    fn numeric_bins_are_monotonic_and_large_enough() {
        let (values, bad) = rising();
        let b = FeatureBinning::fit_numeric(
            &values,
            &bad,
            Monotonicity::Auto,
            &BinningConfig::default(),
        );
        assert!(
            b.bins.len() >= 2 && b.bins.len() <= 20,
            "{} bins",
            b.bins.len()
        );
        assert!(
            b.bins
                .windows(2)
                .all(|w| w[0].bad_rate() <= w[1].bad_rate())
        );
        assert!(
            b.bins.windows(2).all(|w| w[0].woe >= w[1].woe),
            "WoE falls as risk rises"
        );
        assert!(b.bins.iter().all(|s| s.count >= 50));
        assert_eq!(b.bins.iter().map(|s| s.count).sum::<u64>(), 1000);
        assert!(b.iv > 0.1, "a strong feature has a high IV: {}", b.iv);
        assert_eq!(b.bin_of_number(-5.0), BinRef::Bin(0));
        assert_eq!(b.bin_of_number(1e9), BinRef::Bin(b.bins.len() - 1));
        assert_eq!(b.bin_of_number(f64::NAN), BinRef::Missing);
        // Every training value falls in a bin whose label range holds it.
        let Edges::Numeric { cuts } = &b.edges else {
            panic!()
        };
        assert_eq!(
            b.bin_of_number(cuts[0]),
            BinRef::Bin(0),
            "a cut belongs to the bin below"
        );
    }

    #[test]
    fn forced_direction_and_missing_values() {
        let (mut values, bad) = rising();
        values[0] = f64::NAN;
        values[1] = f64::NAN;
        let b = FeatureBinning::fit_numeric(
            &values,
            &bad,
            Monotonicity::Decreasing,
            &BinningConfig::default(),
        );
        assert!(
            b.bins
                .windows(2)
                .all(|w| w[0].bad_rate() >= w[1].bad_rate())
        );
        assert_eq!(b.missing.count, 2);
        assert!(b.missing.woe.is_finite());
        let free = FeatureBinning::fit_numeric(
            &values,
            &bad,
            Monotonicity::Free,
            &BinningConfig::default(),
        );
        assert!(free.bins.len() >= b.bins.len());
    }

    #[test]
    fn woe_matches_a_hand_computation() {
        // Two bins: 0s (90 good, 10 bad) and 1s (60 good, 40 bad).
        let mut values = vec![0.0; 100];
        values.extend(vec![1.0; 100]);
        let mut bad = vec![false; 90];
        bad.extend(vec![true; 10]);
        bad.extend(vec![false; 60]);
        bad.extend(vec![true; 40]);
        let b = FeatureBinning::fit_numeric(
            &values,
            &bad,
            Monotonicity::Increasing,
            &BinningConfig {
                initial_bins: 2,
                ..Default::default()
            },
        );
        assert_eq!(b.bins.len(), 2);
        let expected0 = ((90.5_f64 / 150.5) / (10.5 / 50.5)).ln();
        assert!((b.bins[0].woe - expected0).abs() < 1e-12);
        let iv = (90.0 / 150.0 - 10.0 / 50.0) * b.bins[0].woe
            + (60.0 / 150.0 - 40.0 / 50.0) * b.bins[1].woe;
        assert!((b.iv - iv).abs() < 1e-12);
    }

    #[test]
    fn categorical_levels_are_grouped_by_bad_rate() {
        let mut values = Vec::new();
        let mut bad = Vec::new();
        for (level, n, bads) in [
            ("tmall", 300, 6),
            ("jd", 300, 9),
            ("douyin", 300, 60),
            ("kuaishou", 280, 50),
            ("rare", 5, 4),
        ] {
            for i in 0..n {
                values.push(Some(level));
                bad.push(i < bads);
            }
        }
        values.push(None);
        bad.push(true);
        let b = FeatureBinning::fit_categorical(
            &values,
            &bad,
            &BinningConfig {
                max_groups: 2,
                ..Default::default()
            },
        );
        assert_eq!(b.bins.len(), 2);
        assert_eq!(b.bin_of_level(Some("tmall")), b.bin_of_level(Some("jd")));
        assert_eq!(
            b.bin_of_level(Some("douyin")),
            b.bin_of_level(Some("kuaishou"))
        );
        assert_ne!(
            b.bin_of_level(Some("tmall")),
            b.bin_of_level(Some("douyin"))
        );
        assert_eq!(b.bin_of_level(None), BinRef::Missing);
        assert!(matches!(b.bin_of_level(Some("never seen")), BinRef::Bin(_)));
        assert!(
            b.stats(b.bin_of_level(Some("tmall"))).woe
                > b.stats(b.bin_of_level(Some("douyin"))).woe
        );
        assert!(b.label(b.bin_of_level(Some("jd"))).contains("tmall"));
    }
}
