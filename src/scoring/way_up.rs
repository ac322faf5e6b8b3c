//! The way up: the few changes an enterprise could make that would move it to the next grade.
//!
//! For each feature the enterprise can act on, the scorecard says which neighbouring bin gives
//! more points and where its edge lies (the value to reach). The changed row is then scored by
//! the whole model, the forest included, so "the score after" is what the model would give with
//! that one change and everything else as it is. When no single change reaches the next grade,
//! the best ones are combined, strongest first, until they do. Pure: no storage.

use super::binning::{BinRef, Edges};
use super::features::{Dimension, FeatureValue};
use super::grade::Grade;
use super::model::ModelArtifact;

/// Features an enterprise can move by what it does: its figures, its reporting, its capital,
/// shops and staff, its guarantees, its commitments. Not its age, the time since an event, past
/// events, its associates' events, or what the press writes.
pub const ACTIONABLE: &[&str] = &[
    "log_registered_capital",
    "platform_count",
    "sales_growth",
    "refund_rate",
    "complaints_per_1k_orders",
    "positive_review_rate",
    "sales_volatility",
    "months_reported",
    "positive_events_36m",
    "on_time_delivery_rate",
    "quality_fail_rate",
    "tax_to_sales",
    "log_employees",
    "guarantee_exposure",
];

/// At most this many single changes are offered.
pub const MAX_CHANGES: usize = 5;

/// One change: move `feature` from its bin into the neighbouring bin with more points.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub feature: String,
    pub dimension: Option<Dimension>,
    /// The label of the bin the value is in now.
    pub from_bin: String,
    /// The label of the bin to reach.
    pub to_bin: String,
    /// The value to reach, as a one-sided bin label (`"(0.97, +inf]"`: above 0.97;
    /// `"(-inf, 0.05]"`: at most 0.05), in the feature's own units.
    pub reach: String,
    /// Scorecard points gained.
    pub points: f64,
    /// The model's score and grade with this change alone.
    pub score_after: f64,
    pub grade_after: Grade,
}

/// The way up from a row's grade.
#[derive(Debug, Clone, PartialEq)]
pub struct WayUp {
    pub score: f64,
    /// The master-scale grade of the row, before policy overrides.
    pub grade: Grade,
    /// The grade above it; `None` at the top.
    pub next_grade: Option<Grade>,
    /// The score at which the next grade begins.
    pub next_grade_score: Option<f64>,
    /// Single changes, those that gain the most score first.
    pub changes: Vec<Change>,
    /// The fewest of `changes` (by index) that together reach the next grade, with the score
    /// they give; `None` when even all of them do not.
    pub together: Option<(Vec<usize>, f64)>,
}

/// The way up from `row` under `artifact`, counting only the features `actionable` accepts.
pub fn way_up(
    artifact: &ModelArtifact,
    row: &[FeatureValue],
    actionable: impl Fn(&str) -> bool,
) -> WayUp {
    let now = artifact.score(row);
    let next_grade = now.model_grade.rank().checked_sub(1).map(|r| Grade::ALL[r]);
    let next_grade_score = next_grade.map(|g| {
        artifact
            .scaling
            .score_from_pd(artifact.master_scale.upper_pd[g.rank()])
    });
    let mut changes: Vec<(Change, Vec<FeatureValue>)> = vec![];
    for feature in &artifact.scorecard.features {
        if !actionable(&feature.name) {
            continue;
        }
        let Edges::Numeric { cuts } = &feature.binning.edges else {
            continue;
        };
        let BinRef::Bin(at) = feature.bin_of(&row[feature.column]) else {
            continue; // No figures: nothing to move from.
        };
        let points_now = feature.points[at];
        let better = |j: usize| feature.points.get(j).is_some_and(|&p| p > points_now);
        let target = match (at.checked_sub(1).filter(|&j| better(j)), better(at + 1)) {
            (Some(below), false) => Some((below, false)),
            (None, true) => Some((at + 1, true)),
            // Both neighbours are better (a free feature in a trough): the one with more points.
            (Some(below), true) => Some(if feature.points[below] >= feature.points[at + 1] {
                (below, false)
            } else {
                (at + 1, true)
            }),
            (None, false) => None,
        };
        let Some((to, upward)) = target else {
            continue;
        };
        // Bin i is (cuts[i-1], cuts[i]]: going up means exceeding cuts[at]; going down, reaching
        // cuts[to] at most. The smallest such move is what is asked.
        let (value, reach) = if upward {
            let edge = cuts[at];
            let value = edge + edge.abs().max(1.0) * 1e-9;
            (value, format!("({}, +inf]", short(edge)))
        } else {
            let edge = cuts[to];
            (edge, format!("(-inf, {}]", short(edge)))
        };
        let mut changed = row.to_vec();
        changed[feature.column] = FeatureValue::Number(value);
        let after = artifact.score(&changed);
        changes.push((
            Change {
                feature: feature.name.clone(),
                dimension: feature.dimension,
                from_bin: feature.binning.labels[at].clone(),
                to_bin: feature.binning.labels[to].clone(),
                reach,
                points: feature.points[to] - points_now,
                score_after: after.score,
                grade_after: after.model_grade,
            },
            changed,
        ));
    }
    changes.sort_by(|a, b| b.0.score_after.total_cmp(&a.0.score_after));
    changes.truncate(MAX_CHANGES);

    let together = next_grade.and_then(|next| {
        let mut combined = row.to_vec();
        for (i, (change, changed)) in changes.iter().enumerate() {
            let column = artifact
                .scorecard
                .features
                .iter()
                .find(|f| f.name == change.feature)
                .map(|f| f.column)?;
            combined[column] = changed[column].clone();
            let after = artifact.score(&combined);
            if after.model_grade.rank() <= next.rank() {
                return Some(((0..=i).collect(), after.score));
            }
        }
        None
    });
    WayUp {
        score: now.score,
        grade: now.model_grade,
        next_grade,
        next_grade_score,
        changes: changes.into_iter().map(|(c, _)| c).collect(),
        together,
    }
}

/// An edge as the scorecard writes its labels (four decimals, no trailing zeros).
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::features::FEATURES;

    /// The committed default model, and a row in the worst bin of every scorecard feature.
    fn committed_model_and_a_weak_row() -> (ModelArtifact, Vec<FeatureValue>) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/models");
        let active = std::fs::read_to_string(format!("{dir}/ACTIVE")).unwrap();
        let json = std::fs::read_to_string(format!("{dir}/{}.json", active.trim())).unwrap();
        let artifact = ModelArtifact::from_json(&json).unwrap();
        let mut row: Vec<FeatureValue> = FEATURES
            .iter()
            .map(|f| match f.kind {
                crate::scoring::features::FeatureKind::Numeric => FeatureValue::Number(f64::NAN),
                crate::scoring::features::FeatureKind::Categorical => {
                    FeatureValue::Level(Some("b2c".into()))
                }
            })
            .collect();
        for f in &artifact.scorecard.features {
            let Edges::Numeric { cuts } = &f.binning.edges else {
                continue;
            };
            let worst = (0..f.points.len())
                .min_by(|&a, &b| f.points[a].total_cmp(&f.points[b]))
                .unwrap();
            let value = match (worst.checked_sub(1).map(|i| cuts[i]), cuts.get(worst)) {
                (Some(low), Some(&high)) => (low + high) / 2.0,
                (None, Some(&high)) => high - 1.0,
                (Some(low), None) => low + 1.0,
                (None, None) => 0.0,
            };
            row[f.column] = FeatureValue::Number(value);
        }
        (artifact, row)
    }

    #[test]
    fn changes_move_into_better_bins_and_together_reach_the_next_grade() {
        let (artifact, row) = committed_model_and_a_weak_row();
        let up = way_up(&artifact, &row, |f| ACTIONABLE.contains(&f));
        assert!(!up.changes.is_empty(), "{up:?}");
        assert!(up.changes.len() <= MAX_CHANGES);
        assert_eq!(up.next_grade.map(|g| g.rank() + 1), Some(up.grade.rank()));
        for pair in up.changes.windows(2) {
            assert!(pair[0].score_after >= pair[1].score_after, "best first");
        }
        for change in &up.changes {
            assert!(ACTIONABLE.contains(&change.feature.as_str()));
            assert!(change.points > 0.0, "{change:?}");
            assert_ne!(change.from_bin, change.to_bin);
            let feature = artifact
                .scorecard
                .features
                .iter()
                .find(|f| f.name == change.feature)
                .unwrap();
            // The bin to reach is a neighbour, and the value to reach is the edge between them.
            let labels = &feature.binning.labels;
            let from = labels.iter().position(|l| *l == change.from_bin).unwrap();
            let to = labels.iter().position(|l| *l == change.to_bin).unwrap();
            assert_eq!(from.abs_diff(to), 1, "{change:?}");
            let Edges::Numeric { cuts } = &feature.binning.edges else {
                panic!("numeric");
            };
            let edge = short(cuts[from.min(to)]);
            let expected = if to > from {
                format!("({edge}, +inf]")
            } else {
                format!("(-inf, {edge}]")
            };
            assert_eq!(change.reach, expected);
        }
        if let Some((indices, score)) = &up.together {
            assert_eq!(indices[0], 0);
            assert!(*score >= up.next_grade_score.unwrap() - 1e-6, "{up:?}");
        }
        // Nothing to act on, nothing offered.
        assert!(way_up(&artifact, &row, |_| false).changes.is_empty());
    }

    #[test]
    fn actionable_features_exist() {
        for name in ACTIONABLE {
            assert!(FEATURES.iter().any(|f| f.name == *name), "{name}");
        }
    }
}
