//! Reasons in plain words: "Positive-review rate over the last 12 months: more than 97.2%"
//! instead of "positive-review rate over the last 12 months (0.9719, +inf]". The console, the
//! API (by `Accept-Language`) and the reports all write a reason through here, from the same
//! catalogs.

use super::{Lang, format_large_money, format_number, has, t, t_args, t_value_or_raw};
use crate::scoring::scorecard::Reason;
use crate::scoring::wording::{Amount, BinRange, bin_range};

/// The reason in words: the feature, then its bin as a range of amounts.
pub fn reason_text(lang: Lang, reason: &Reason) -> String {
    bin_text(lang, &reason.feature, &reason.bin)
}

/// A feature and one of its bins in words.
pub fn bin_text(lang: Lang, feature: &str, bin: &str) -> String {
    let label_key = format!("feature-{feature}");
    let label = if has(lang, &label_key) {
        capitalised(lang, &t(lang, &label_key))
    } else {
        feature.to_string()
    };
    let bin_range = bin_range(feature, bin);
    let mut range = range_text(lang, feature, &bin_range);
    // A unit the label does not already say ("成立年限：4.2 至 5.2 年").
    let unit_key = format!("range-unit-{feature}");
    let is_amount = !matches!(
        bin_range,
        BinRange::Missing | BinRange::Levels(_) | BinRange::Raw(_)
    );
    if is_amount && has(lang, &unit_key) {
        range.push(' ');
        range.push_str(&t(lang, &unit_key));
    }
    t_args(lang, "reason", &[("feature", &label), ("range", &range)])
}

fn range_text(lang: Lang, feature: &str, range: &BinRange) -> String {
    let one = |key: &str, value: &Amount| t_args(lang, key, &[("value", &amount(lang, value))]);
    match range {
        BinRange::Missing => {
            let specific = format!("range-missing-{feature}");
            t(
                lang,
                if has(lang, &specific) {
                    &specific
                } else {
                    "range-missing"
                },
            )
        }
        BinRange::Levels(levels) => {
            let names: Vec<String> = levels
                .iter()
                .map(|l| t_value_or_raw(lang, "model", l))
                .collect();
            names.join(match lang {
                Lang::ZhCn => "、",
                Lang::En => ", ",
            })
        }
        BinRange::Exactly(v) => amount(lang, v),
        BinRange::AtMost(v) => one("range-at-most", v),
        BinRange::AtLeast(v) => one("range-at-least", v),
        BinRange::MoreThan(v) => one("range-more-than", v),
        BinRange::Between(low, high) => t_args(
            lang,
            "range-between",
            &[("low", &amount(lang, low)), ("high", &amount(lang, high))],
        ),
        BinRange::Raw(label) => label.clone(),
    }
}

/// An amount as people write it: `8.0%`, `+12.5%`, `3.5`, `500.00万元`, `1,250`.
fn amount(lang: Lang, value: &Amount) -> String {
    match *value {
        Amount::Count(n) => format_number(lang, n),
        Amount::Share(x) => percent(x, false),
        Amount::Change(x) => percent(x, true),
        Amount::Number(x) => trimmed(x, 1),
        Amount::Polarity(x) => format!("{x:+.2}").replace('-', "−"),
        Amount::Yuan(y) => format_large_money(lang, y),
    }
}

/// One decimal, or two when one would round a non-zero share to nothing (tax per yuan of sales).
fn percent(fraction: f64, signed: bool) -> String {
    let pct = fraction * 100.0;
    let decimals = if pct != 0.0 && pct.abs() < 0.95 { 2 } else { 1 };
    let text = if signed {
        format!("{pct:+.decimals$}%")
    } else {
        format!("{pct:.decimals$}%")
    };
    text.replace('-', "−")
}

/// `x` with up to `decimals` decimals, no trailing zeros: 3.5, 12.
fn trimmed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    text.replace('-', "−")
}

/// English sentences start with a capital; Chinese has none.
fn capitalised(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => {
            let mut chars = label.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
        Lang::ZhCn => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_read_as_words_in_both_languages() {
        let en = |f, b| bin_text(Lang::En, f, b);
        let zh = |f, b| bin_text(Lang::ZhCn, f, b);
        assert_eq!(
            en("positive_review_rate", "(0.9719, +inf]"),
            "Positive-review rate over the last 12 months: more than 97.2%"
        );
        assert_eq!(
            zh("positive_review_rate", "(0.9719, +inf]"),
            "近 12 个月好评率：超过 97.2%"
        );
        assert_eq!(
            en("refund_rate", "(0.08, 0.15]"),
            "Refund rate over the last 12 months: 8.0% to 15.0%"
        );
        assert_eq!(
            zh("negative_events_24m", "(1.5, +inf]"),
            "近 24 个月负面信用事件数：2 及以上"
        );
        assert_eq!(
            en("negative_events_24m", "(-inf, 0.5]"),
            "Negative credit events in the last 24 months: 0"
        );
        assert_eq!(
            en("sales_growth", "(-inf, -0.1]"),
            "Online sales growth over the last 6 months: at most −10.0%"
        );
        assert_eq!(
            zh("years_established", "(4.219, 5.1608]"),
            "成立年限：4.2 至 5.2 年"
        );
        assert_eq!(
            en("years_established", "(4.219, 5.1608]"),
            "Years since establishment: 4.2 to 5.2 years"
        );
        assert_eq!(
            zh("log_registered_capital", "(13.8155, +inf]"),
            "注册资本：超过 100.00万元"
        );
        assert_eq!(
            en("main_business_model", "b2b, cross_border"),
            "Main business model: B2B, Cross-border"
        );
        assert_eq!(
            zh("main_business_model", "b2b, cross_border"),
            "主营模式：B2B、跨境电商"
        );
        assert_eq!(
            zh("months_since_negative", "missing"),
            "距最近一次负面事件的月数：无负面事件记录"
        );
        assert_eq!(
            en("tax_to_sales", "(-inf, 0.0042]"),
            "Tax paid per yuan of online sales over the last 12 months: at most 0.42%"
        );
        assert_eq!(
            en("mean_polarity_12m", "(-0.2, 0.1]"),
            "Average sentiment polarity over the last 12 months: −0.20 to +0.10"
        );
    }

    #[test]
    fn what_cannot_be_read_is_shown_as_it_is() {
        assert_eq!(
            bin_text(Lang::En, "duration_months", "(12, 24]"),
            "duration_months: (12, 24]"
        );
    }

    #[test]
    fn every_feature_has_a_label_in_both_languages() {
        for spec in crate::scoring::features::FEATURES {
            for lang in crate::i18n::LANGS {
                assert!(
                    has(lang, &format!("feature-{}", spec.name)),
                    "{}",
                    spec.name
                );
            }
        }
    }
}
