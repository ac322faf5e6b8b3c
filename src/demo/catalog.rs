//! Industries, business models and platforms, with the parameters that differ between them.

use crate::domain::enterprise::BusinessModel;

pub struct Industry {
    /// As stored in `enterprises.industry`.
    pub name: &'static str,
    /// The word in company names, e.g. 服饰 in 杭州云禾服饰有限公司.
    pub words: &'static [&'static str],
    pub weight: f64,
    /// Typical refund rate of a firm with average risk.
    pub refund_rate: f64,
    /// Typical order value in yuan (before the business-model factor).
    pub order_value: f64,
    /// Chance of a quality spot check in a month.
    pub spot_check: f64,
}

pub static INDUSTRIES: &[Industry] = &[
    Industry {
        name: "retail",
        words: &["电子商务", "网络科技", "商贸"],
        weight: 20.0,
        refund_rate: 0.06,
        order_value: 120.0,
        spot_check: 0.05,
    },
    Industry {
        name: "apparel",
        words: &["服饰", "服装", "鞋业"],
        weight: 16.0,
        refund_rate: 0.16,
        order_value: 150.0,
        spot_check: 0.06,
    },
    Industry {
        name: "food",
        words: &["食品", "食品科技"],
        weight: 10.0,
        refund_rate: 0.02,
        order_value: 80.0,
        spot_check: 0.12,
    },
    Industry {
        name: "agricultural products",
        words: &["农业科技", "农产品", "生态农业"],
        weight: 7.0,
        refund_rate: 0.03,
        order_value: 70.0,
        spot_check: 0.10,
    },
    Industry {
        name: "consumer electronics",
        words: &["电子科技", "电器", "数码科技"],
        weight: 9.0,
        refund_rate: 0.05,
        order_value: 600.0,
        spot_check: 0.06,
    },
    Industry {
        name: "cosmetics",
        words: &["化妆品", "生物科技"],
        weight: 7.0,
        refund_rate: 0.06,
        order_value: 180.0,
        spot_check: 0.12,
    },
    Industry {
        name: "home furnishings",
        words: &["家居用品", "家具", "日用品"],
        weight: 8.0,
        refund_rate: 0.05,
        order_value: 300.0,
        spot_check: 0.05,
    },
    Industry {
        name: "maternal and infant products",
        words: &["母婴用品", "儿童用品"],
        weight: 5.0,
        refund_rate: 0.04,
        order_value: 200.0,
        spot_check: 0.12,
    },
    Industry {
        name: "wholesale",
        words: &["贸易", "供应链管理", "进出口"],
        weight: 12.0,
        refund_rate: 0.02,
        order_value: 1500.0,
        spot_check: 0.04,
    },
    Industry {
        name: "e-commerce services",
        words: &["网络科技", "信息技术", "文化传媒"],
        weight: 6.0,
        refund_rate: 0.01,
        order_value: 900.0,
        spot_check: 0.0,
    },
];

pub fn industry_weights() -> &'static [f64] {
    static WEIGHTS: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| INDUSTRIES.iter().map(|i| i.weight).collect())
}

/// Weights of the main business model, by industry and by whether the county is rural.
pub fn model_weights(industry: &Industry, rural: bool) -> [(BusinessModel, f64); 8] {
    use BusinessModel::*;
    let wholesale = industry.name == "wholesale";
    let farm = industry.name == "agricultural products";
    [
        (B2c, if wholesale { 0.05 } else { 0.34 }),
        (B2b, if wholesale { 0.70 } else { 0.14 }),
        (CrossBorder, if wholesale { 0.20 } else { 0.11 }),
        (LiveStreaming, 0.14),
        (Social, 0.07),
        (
            Rural,
            0.05 * if rural { 5.0 } else { 1.0 } * if farm { 4.0 } else { 1.0 },
        ),
        (O2o, 0.05),
        (C2c, 0.04),
    ]
}

/// How the business model moves the order value and the sales level (log scale).
pub fn model_factors(model: BusinessModel) -> (f64, f64) {
    use BusinessModel::*;
    match model {
        B2b => (8.0, 0.8),
        CrossBorder => (1.5, 0.4),
        LiveStreaming => (0.7, 0.2),
        Rural => (0.8, -0.5),
        C2c => (0.8, -0.8),
        _ => (1.0, 0.0),
    }
}

/// Platforms as (display name, URL slug).
pub const DOMESTIC: &[(&str, &str)] = &[
    ("Tmall", "tmall"),
    ("Taobao", "taobao"),
    ("JD", "jd"),
    ("Pinduoduo", "pinduoduo"),
    ("Douyin", "douyin"),
    ("Kuaishou", "kuaishou"),
    ("Xiaohongshu", "xiaohongshu"),
    ("WeChat Mini Program", "wechat"),
];
pub const LIVE: &[(&str, &str)] = &[("Douyin", "douyin"), ("Kuaishou", "kuaishou")];
pub const CROSS_BORDER: &[(&str, &str)] = &[
    ("Amazon", "amazon"),
    ("AliExpress", "aliexpress"),
    ("Shopee", "shopee"),
    ("TikTok Shop", "tiktokshop"),
    ("Temu", "temu"),
    ("Lazada", "lazada"),
];
pub const WHOLESALE: &[(&str, &str)] = &[("1688", "1688"), ("Alibaba.com", "alibaba")];

pub const SHOP_SUFFIXES: &[&str] = &["旗舰店", "官方旗舰店", "专营店", "企业店", "专卖店"];
