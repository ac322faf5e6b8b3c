//! What changed between two evaluations of an enterprise: the scorecard points of each feature
//! in both, and the difference, largest first. The score moves by the scorecard's points and by
//! what the forest and the combination add; the caller names that rest. Pure: no storage.

use super::binning::BinRef;
use super::features::{Dimension, FeatureValue};
use super::scorecard::{Scorecard, ScorecardScore};

/// One feature's points in an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePoints {
    pub feature: String,
    pub dimension: Option<Dimension>,
    pub bin: String,
    pub points: f64,
}

/// A feature whose points differ between two evaluations. A feature the other evaluation's
/// scorecard does not have has no bin and no points there.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureChange {
    pub feature: String,
    pub dimension: Option<Dimension>,
    pub from_bin: Option<String>,
    pub to_bin: Option<String>,
    pub from_points: Option<f64>,
    pub to_points: Option<f64>,
    /// `to_points − from_points`, a missing side counting as 0.
    pub change: f64,
}

/// Every feature's points of `row` under `scorecard`.
pub fn points_of(scorecard: &Scorecard, row: &[FeatureValue]) -> Vec<FeaturePoints> {
    scorecard
        .score_row(row)
        .features
        .iter()
        .map(|f| FeaturePoints {
            feature: f.name.to_string(),
            dimension: f.dimension,
            bin: f.bin_label.to_string(),
            points: f.points,
        })
        .collect()
}

/// The bin of every feature of a scored row, in scorecard order: `"3,1,m,0"` (`m`: missing).
/// Stored with each score: with the model it gives every feature's points again.
pub fn encode_bins(card: &ScorecardScore<'_>) -> String {
    let mut out = String::with_capacity(card.features.len() * 3);
    for (i, f) in card.features.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match f.bin {
            BinRef::Bin(b) => {
                use std::fmt::Write;
                let _ = write!(out, "{b}");
            }
            BinRef::Missing => out.push('m'),
        }
    }
    out
}

/// Every feature's points from bins stored by [`encode_bins`] under the same `scorecard`;
/// `None` when they do not fit it (another model's, or none stored).
pub fn points_from_bins(scorecard: &Scorecard, encoded: &str) -> Option<Vec<FeaturePoints>> {
    let bins: Vec<&str> = encoded.split(',').collect();
    if encoded.is_empty() || bins.len() != scorecard.features.len() {
        return None;
    }
    scorecard
        .features
        .iter()
        .zip(bins)
        .map(|(f, bin)| {
            let bin = match bin {
                "m" => BinRef::Missing,
                i => BinRef::Bin(i.parse().ok().filter(|&i: &usize| i < f.points.len())?),
            };
            Some(FeaturePoints {
                feature: f.name.clone(),
                dimension: f.dimension,
                bin: f.binning.label(bin).to_string(),
                points: f.points_of(bin),
            })
        })
        .collect()
}

/// The features whose points differ (by at least `1e-9`), largest change first.
pub fn compare(from: &[FeaturePoints], to: &[FeaturePoints]) -> Vec<FeatureChange> {
    let mut names: Vec<&str> = from.iter().chain(to).map(|f| f.feature.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut changes: Vec<FeatureChange> = names
        .into_iter()
        .filter_map(|name| {
            let before = from.iter().find(|f| f.feature == name);
            let after = to.iter().find(|f| f.feature == name);
            let change = after.map_or(0.0, |f| f.points) - before.map_or(0.0, |f| f.points);
            (change.abs() >= 1e-9).then(|| FeatureChange {
                feature: name.to_string(),
                dimension: after.or(before).and_then(|f| f.dimension),
                from_bin: before.map(|f| f.bin.clone()),
                to_bin: after.map(|f| f.bin.clone()),
                from_points: before.map(|f| f.points),
                to_points: after.map(|f| f.points),
                change,
            })
        })
        .collect();
    changes.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(feature: &str, bin: &str, points: f64) -> FeaturePoints {
        FeaturePoints {
            feature: feature.into(),
            dimension: Some(Dimension::OperatingBehaviour),
            bin: bin.into(),
            points,
        }
    }

    #[test]
    fn changes_are_the_differences_largest_first() {
        let from = [
            points("refund_rate", "(0.1, 0.2]", 20.0),
            points("orders", "(1, 2]", 5.0),
            points("only_before", "(0, 1]", 3.0),
        ];
        let to = [
            points("refund_rate", "(-inf, 0.1]", 32.5),
            points("orders", "(1, 2]", 5.0),
            points("only_after", "missing", -4.0),
        ];
        let changes = compare(&from, &to);
        let summary: Vec<(&str, f64)> = changes
            .iter()
            .map(|c| (c.feature.as_str(), c.change))
            .collect();
        assert_eq!(
            summary,
            [
                ("refund_rate", 12.5),
                ("only_after", -4.0),
                ("only_before", -3.0)
            ]
        );
        assert_eq!(changes[0].from_bin.as_deref(), Some("(0.1, 0.2]"));
        assert_eq!(changes[1].from_points, None);
        assert_eq!(changes[2].to_bin, None);
    }

    #[test]
    fn stored_bins_give_the_points_back() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/models");
        let active = std::fs::read_to_string(format!("{dir}/ACTIVE")).unwrap();
        let json = std::fs::read_to_string(format!("{dir}/{}.json", active.trim())).unwrap();
        let artifact = crate::scoring::model::ModelArtifact::from_json(&json).unwrap();
        let row: Vec<FeatureValue> = crate::scoring::features::FEATURES
            .iter()
            .enumerate()
            .map(|(i, f)| match f.kind {
                crate::scoring::features::FeatureKind::Numeric if i % 5 == 0 => {
                    FeatureValue::Number(f64::NAN)
                }
                crate::scoring::features::FeatureKind::Numeric => {
                    FeatureValue::Number(i as f64 * 0.37)
                }
                crate::scoring::features::FeatureKind::Categorical => {
                    FeatureValue::Level(Some("b2b".into()))
                }
            })
            .collect();
        let card = artifact.scorecard.score_row(&row);
        let encoded = encode_bins(&card);
        assert!(encoded.contains('m'), "{encoded}");
        let points = points_from_bins(&artifact.scorecard, &encoded).unwrap();
        assert_eq!(points, points_of(&artifact.scorecard, &row));
        let total: f64 = points.iter().map(|p| p.points).sum();
        assert!(
            (total - card.score).abs() < 1e-6,
            "{total} vs {}",
            card.score
        );
        // Bins of another scorecard, or none, do not fit.
        assert_eq!(points_from_bins(&artifact.scorecard, ""), None);
        assert_eq!(points_from_bins(&artifact.scorecard, "0,1"), None);
        let too_far = encoded.replacen(|c: char| c.is_ascii_digit(), "999", 1);
        assert_eq!(points_from_bins(&artifact.scorecard, &too_far), None);
    }
}
