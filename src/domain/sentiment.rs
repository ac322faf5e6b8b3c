//! Polarity of a sentiment item when its source gives none: a lexicon score over the title and
//! excerpt, with negation. No Chinese sentiment model ships on crates.io and nothing may be
//! downloaded at run time, so this is a transparent lexicon method (in the manner of VADER/HowNet
//! word lists) tuned to credit-relevant vocabulary; a given polarity always takes precedence.

/// An item whose polarity is below this reads as negative (the scorecard's negative share counts
/// these), above [`POSITIVE_ABOVE`] as positive, and neutral between.
pub const NEGATIVE_BELOW: f64 = -0.2;
pub const POSITIVE_ABOVE: f64 = 0.2;

const POSITIVE: &[&str] = &[
    "诚信",
    "守信",
    "好评",
    "表彰",
    "示范",
    "荣誉",
    "获评",
    "优秀",
    "满意",
    "点赞",
    "放心",
    "品质",
    "推荐",
    "领先",
    "增长",
    "合规",
    "获奖",
    "先进",
    "信赖",
    "正品",
    "praised",
    "award",
    "trusted",
    "excellent",
    "growth",
    "compliant",
    "honest",
    "reliable",
    "recommend",
    "satisfied",
    "quality",
];

const NEGATIVE: &[&str] = &[
    "投诉",
    "处罚",
    "罚款",
    "违法",
    "违规",
    "欺诈",
    "虚假",
    "假货",
    "侵权",
    "失信",
    "曝光",
    "维权",
    "差评",
    "退款难",
    "拖欠",
    "跑路",
    "召回",
    "不合格",
    "抽检",
    "造假",
    "纠纷",
    "被执行",
    "诈骗",
    "complaint",
    "fine",
    "fined",
    "fraud",
    "fake",
    "counterfeit",
    "penalty",
    "violation",
    "scam",
    "lawsuit",
    "recall",
    "refund",
    "default",
    "misleading",
];

const NEGATORS: &[&str] = &[
    "不", "没有", "未", "无", "零", "非", "not ", "no ", "never ", "zero ",
];

/// A score in [-1, 1]; 0 when no lexicon word occurs.
pub fn polarity(text: &str) -> f64 {
    let lower = text.to_lowercase();
    let mut score = 0.0f64;
    let mut hits = 0.0f64;
    for (words, sign) in [(POSITIVE, 1.0), (NEGATIVE, -1.0)] {
        for word in words {
            for (at, _) in lower.match_indices(word) {
                // Negation directly before the word flips it ("不合格" is its own entry).
                let before = &lower[..at];
                let negated = NEGATORS.iter().any(|n| before.ends_with(n));
                score += if negated { -sign } else { sign };
                hits += 1.0;
            }
        }
    }
    if hits == 0.0 {
        return 0.0;
    }
    // Shrinks towards 0 when little evidence is present.
    (score / (hits + 1.0)).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::polarity;

    #[test]
    fn polarity_follows_the_words() {
        assert!(polarity("西湖茶电商获评省级诚信示范企业，消费者好评") > 0.5);
        assert!(polarity("某网店售卖假货被罚款，消费者投诉维权") < -0.5);
        assert_eq!(polarity("公司发布年度报告"), 0.0);
        assert!(polarity("The shop was fined for counterfeit goods") < 0.0);
        assert!(polarity("产品没有投诉") > 0.0);
        assert!(polarity("连续三年零投诉") > 0.0);
        for text in ["诚信诚信诚信诚信", "投诉投诉投诉投诉投诉"] {
            let p = polarity(text);
            assert!((-1.0..=1.0).contains(&p));
        }
    }
}
