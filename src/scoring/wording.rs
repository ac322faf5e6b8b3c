//! A reason's bin as something a person can read: the label a scorecard gives a bin
//! (`"(0.9719, +inf]"`, `"b2b, o2o"`, `"missing"`) turned into a range of amounts in the
//! feature's own unit, and the stable code of a reason. Writing it in a language is the
//! catalogs' part (`crate::i18n::reasons`); this part knows no language.

use super::binning::MISSING_LABEL;
use super::features::{FEATURES, FeatureSpec, Unit, feature_index};

/// An amount in a feature's unit, ready to be formatted: logs are undone, counts are whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Count(i64),
    /// A fraction (0.08 is 8 %).
    Share(f64),
    /// A relative change (-0.12 is −12 %).
    Change(f64),
    Number(f64),
    Polarity(f64),
    Yuan(f64),
}

/// The range of a bin.
#[derive(Debug, Clone, PartialEq)]
pub enum BinRange {
    /// The feature could not be computed (no figures).
    Missing,
    /// The levels of a categorical bin, by their stored names.
    Levels(Vec<String>),
    Exactly(Amount),
    AtMost(Amount),
    AtLeast(Amount),
    MoreThan(Amount),
    /// Both ends included for whole numbers; for the others, above the low end up to the high.
    Between(Amount, Amount),
    /// A label this module cannot read (a model trained elsewhere): shown as it is.
    Raw(String),
}

/// The range of the bin labelled `label` of the feature `feature`.
pub fn bin_range(feature: &str, label: &str) -> BinRange {
    if label == MISSING_LABEL {
        return BinRange::Missing;
    }
    let Some(spec) = spec_of(feature) else {
        return BinRange::Raw(label.to_string());
    };
    if spec.unit == Unit::Levels {
        return BinRange::Levels(label.split(", ").map(str::to_string).collect());
    }
    let Some((low, high)) = parse_interval(label) else {
        return BinRange::Raw(label.to_string());
    };
    match spec.unit {
        Unit::Count => whole_range(low, high),
        Unit::LogCount => whole_range(low.map(f64::exp_m1), high.map(f64::exp_m1)),
        unit => {
            let amount = |x: f64| match unit {
                Unit::Share => Amount::Share(x),
                Unit::Change => Amount::Change(x),
                Unit::Polarity => Amount::Polarity(x),
                Unit::LogYuan => Amount::Yuan(x.exp_m1()),
                _ => Amount::Number(x),
            };
            match (low, high) {
                (None, None) => BinRange::Raw(label.to_string()),
                (None, Some(h)) => BinRange::AtMost(amount(h)),
                (Some(l), None) => BinRange::MoreThan(amount(l)),
                (Some(l), Some(h)) => BinRange::Between(amount(l), amount(h)),
            }
        }
    }
}

/// The whole numbers in `(low, high]`; counts are never negative.
fn whole_range(low: Option<f64>, high: Option<f64>) -> BinRange {
    let first = low.map_or(0, |l| l.max(-1.0).floor() as i64 + 1).max(0);
    let last = high.map(|h| h.floor() as i64);
    match last {
        Some(last) if last <= first => BinRange::Exactly(Amount::Count(last.max(0))),
        Some(last) if first == 0 => BinRange::AtMost(Amount::Count(last)),
        Some(last) => BinRange::Between(Amount::Count(first), Amount::Count(last)),
        None => BinRange::AtLeast(Amount::Count(first)),
    }
}

/// `"(a, b]"` with `-inf` / `+inf` for an open end.
fn parse_interval(label: &str) -> Option<(Option<f64>, Option<f64>)> {
    let inner = label.strip_prefix('(')?.strip_suffix(']')?;
    let (low, high) = inner.split_once(", ")?;
    let edge = |s: &str| -> Option<Option<f64>> {
        match s {
            "-inf" | "+inf" | "inf" => Some(None),
            _ => s.parse::<f64>().ok().filter(|x| x.is_finite()).map(Some),
        }
    };
    Some((edge(low)?, edge(high)?))
}

fn spec_of(feature: &str) -> Option<&'static FeatureSpec> {
    feature_index(feature).map(|i| &FEATURES[i])
}

/// The stable code of a reason: the feature and which way it moved the score, e.g.
/// `refund_rate.lowers`. Codes outlive model versions (bins change with every training; the
/// feature and the direction do not); docs/reasons.md lists them all.
pub fn reason_code(feature: &str, raises: bool) -> String {
    let direction = if raises { "raises" } else { "lowers" };
    let mut code = String::with_capacity(feature.len() + 7);
    code.push_str(feature);
    code.push('.');
    code.push_str(direction);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_changes_keep_their_edges() {
        assert_eq!(
            bin_range("positive_review_rate", "(0.9719, +inf]"),
            BinRange::MoreThan(Amount::Share(0.9719))
        );
        assert_eq!(
            bin_range("refund_rate", "(0.08, 0.15]"),
            BinRange::Between(Amount::Share(0.08), Amount::Share(0.15))
        );
        assert_eq!(
            bin_range("sales_growth", "(-inf, -0.1]"),
            BinRange::AtMost(Amount::Change(-0.1))
        );
    }

    #[test]
    fn counts_are_whole_numbers() {
        let count = |n| Amount::Count(n);
        assert_eq!(
            bin_range("negative_events_24m", "(-inf, 0.5]"),
            BinRange::Exactly(count(0))
        );
        assert_eq!(
            bin_range("negative_events_24m", "(0.5, 1.5]"),
            BinRange::Exactly(count(1))
        );
        assert_eq!(
            bin_range("negative_events_24m", "(1.5, +inf]"),
            BinRange::AtLeast(count(2))
        );
        assert_eq!(
            bin_range("platform_count", "(1.5, 4.5]"),
            BinRange::Between(count(2), count(4))
        );
        assert_eq!(
            bin_range("platform_count", "(-inf, 2.5]"),
            BinRange::AtMost(count(2))
        );
        // ln(1 + 10) = 2.3979: more than 10 employees.
        assert_eq!(
            bin_range("log_employees", "(2.3979, +inf]"),
            BinRange::AtLeast(count(11))
        );
    }

    #[test]
    fn logs_of_money_are_undone() {
        let BinRange::AtMost(Amount::Yuan(y)) =
            bin_range("log_registered_capital", "(-inf, 13.8155]")
        else {
            panic!("an upper bound in yuan");
        };
        assert!((y - 1_000_000.0).abs() < 100.0, "{y}");
    }

    #[test]
    fn levels_missing_and_unknown() {
        assert_eq!(
            bin_range("main_business_model", "b2b, o2o"),
            BinRange::Levels(vec!["b2b".into(), "o2o".into()])
        );
        assert_eq!(bin_range("refund_rate", "missing"), BinRange::Missing);
        assert_eq!(
            bin_range("no_such_feature", "(1, 2]"),
            BinRange::Raw("(1, 2]".into())
        );
        assert_eq!(
            bin_range("refund_rate", "[1; 2)"),
            BinRange::Raw("[1; 2)".into())
        );
    }

    #[test]
    fn codes_name_the_feature_and_the_direction() {
        assert_eq!(reason_code("refund_rate", false), "refund_rate.lowers");
        assert_eq!(reason_code("refund_rate", true), "refund_rate.raises");
    }

    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../../docs/reasons.md");
        for spec in FEATURES {
            for raises in [true, false] {
                let code = reason_code(spec.name, raises);
                assert!(
                    docs.contains(&format!("`{code}`")),
                    "docs/reasons.md does not list {code}"
                );
            }
        }
    }
}
