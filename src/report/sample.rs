//! Typical report documents, for tests, benchmarks and demonstrations: one full report of an
//! enterprise with something in every section, and the public report of the same enterprise.
//! Made of fixed values, so the same call gives the same document.

use chrono::{NaiveDate, TimeZone, Utc};

use super::document::{
    DimensionScore, FOR_REFERENCE_ONLY, GradeHistoryEntry, ListMembership, REPORT_FORMAT,
    ReportDocument, ReportEnterprise, ReportEvent, ReportKind, ReportPeriod, ReportRating,
    ReportRequester, SentimentHeadline, SentimentSummary, WayUpStep,
};
use crate::domain::enterprise::{BusinessModel, EnterpriseStatus, PlatformShop};
use crate::domain::lists::ListKind;
use crate::domain::records::{CreditEventKind, CreditEventStatus, Polarity, Severity};
use crate::scoring::features::Dimension;
use crate::scoring::grade::{Grade, GradeAdjustment};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid sample date")
}

/// A full report made for a bank under a loan-application authorisation.
pub fn document() -> ReportDocument {
    let dimension = |dimension, points, min_points, max_points| DimensionScore {
        dimension,
        points,
        min_points,
        max_points,
    };
    ReportDocument {
        format: REPORT_FORMAT.into(),
        report_no: "ECR-20261201-7Q4K9M2XRT".into(),
        kind: ReportKind::Full,
        issuer: "杭州市商务局 ecredit registry".into(),
        issued_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap(),
        valid_until: Utc.with_ymd_and_hms(2026, 12, 31, 9, 30, 0).unwrap(),
        model_version: Some("2026.11-lr-rf-3".into()),
        requested_for: ReportRequester {
            role: "bank".into(),
            organisation: Some("浙江泰隆商业银行 Zhejiang Tailong Commercial Bank".into()),
            purpose: "loan_application".into(),
        },
        enterprise: ReportEnterprise {
            code: "91330100799655058B".into(),
            name: "杭州西湖茶电子商务有限公司".into(),
            region_code: "330106".into(),
            industry: "retail".into(),
            status: EnterpriseStatus::Active,
            legal_representative: Some("张三".into()),
            legal_rep_id_number: Some("110105********002X".into()),
            legal_rep_phone: Some("138****5678".into()),
            registered_capital: Some(5_000_000.0),
            established_on: Some(date(2015, 6, 1)),
            business_models: vec![BusinessModel::B2c, BusinessModel::LiveStreaming],
            platforms: vec![
                PlatformShop {
                    platform: "Tmall".into(),
                    shop_name: "西湖茶旗舰店".into(),
                    shop_url: Some("https://xihutea.tmall.com".into()),
                },
                PlatformShop {
                    platform: "Douyin".into(),
                    shop_name: "西湖茶直播间".into(),
                    shop_url: None,
                },
            ],
        },
        rating: Some(ReportRating {
            grade: Grade::Bbb,
            as_of: date(2026, 11, 30),
            score: Some(612.4),
            percentile: Some(0.63),
            pd: Some(0.0187),
            adjustments: vec![GradeAdjustment::UpgradePending],
            dimensions: vec![
                dimension(Dimension::Qualification, 92.5, 40.0, 120.0),
                dimension(Dimension::OperatingBehaviour, 131.0, 60.0, 160.0),
                dimension(Dimension::CreditHistory, 88.0, 20.0, 150.0),
                dimension(Dimension::Fulfilment, 104.3, 50.0, 130.0),
                dimension(Dimension::Associations, 71.0, 30.0, 90.0),
                dimension(Dimension::Sentiment, 45.6, 20.0, 80.0),
            ],
            raised: vec![
                "Ten years in business".into(),
                "On-time delivery rate above 97% for the last four periods".into(),
                "Demonstration enterprise of the provincial commerce department".into(),
            ],
            lowered: vec![
                "An administrative penalty for misleading advertising in 2026".into(),
                "Refund rate above the industry median".into(),
            ],
            way_up: vec![WayUpStep {
                text: "Refund rate over the last 12 months: at most 3.2%".into(),
                points: 9.4,
                score_after: 621.8,
                grade_after: Grade::A,
            }],
        }),
        credit_events: vec![
            ReportEvent {
                kind: CreditEventKind::AdministrativePenalty,
                polarity: Polarity::Negative,
                severity: Severity::Major,
                title: "虚假宣传行政处罚 (misleading claims in a live stream)".into(),
                authority: "杭州市西湖区市场监督管理局".into(),
                document_number: Some("杭西市监处罚〔2026〕118号".into()),
                decided_on: date(2026, 3, 15),
                publicity_until: Some(date(2029, 3, 15)),
                status: CreditEventStatus::Disputed,
            },
            ReportEvent {
                kind: CreditEventKind::DemonstrationEnterprise,
                polarity: Polarity::Positive,
                severity: Severity::Minor,
                title: "浙江省电子商务示范企业".into(),
                authority: "浙江省商务厅".into(),
                document_number: None,
                decided_on: date(2025, 9, 1),
                publicity_until: None,
                status: CreditEventStatus::Active,
            },
            ReportEvent {
                kind: CreditEventKind::QualityCheckFailed,
                polarity: Polarity::Negative,
                severity: Severity::Minor,
                title: "Spot check: tea polyphenol content below label".into(),
                authority: "杭州市市场监督管理局".into(),
                document_number: Some("杭市监抽〔2023〕42号".into()),
                decided_on: date(2023, 5, 20),
                publicity_until: Some(date(2024, 5, 20)),
                status: CreditEventStatus::Repaired,
            },
        ],
        operating_summary: vec![
            period("2026-Q3", 3_184_220.5, 41_230, 0.031, 12, 0.978, 0.962, "platform", "accepted"),
            period("2026-Q2", 2_755_900.0, 36_870, 0.034, 15, 0.971, 0.955, "platform", "accepted"),
            period("2026-Q1", 2_960_410.8, 39_015, 0.029, 9, 0.981, 0.958, "self_reported", "accepted"),
            period("2025-Q4", 3_842_077.25, 50_412, 0.041, 21, 0.965, 0.949, "self_reported", "pending"),
        ],
        sentiment_summary: Some(SentimentSummary {
            window_months: 12,
            items: 37,
            negative: 6,
            positive: 24,
            mean_polarity: Some(0.31),
            latest: vec![
                SentimentHeadline {
                    title: "西湖茶旗舰店双十一销量同比增长 18%".into(),
                    source_name: "钱江晚报".into(),
                    published_at: date(2026, 11, 13).and_hms_opt(8, 15, 0).unwrap(),
                    polarity: 0.8,
                },
                SentimentHeadline {
                    title: "Consumers complain about slow refunds after a live-stream sale".into(),
                    source_name: "12315 complaint platform".into(),
                    published_at: date(2026, 10, 2).and_hms_opt(19, 40, 0).unwrap(),
                    polarity: -0.6,
                },
            ],
        }),
        grade_history: vec![
            GradeHistoryEntry {
                as_of: date(2026, 9, 30),
                grade: Grade::Bbb,
                model_version: "2026.08-lr-rf-2".into(),
            },
            GradeHistoryEntry {
                as_of: date(2026, 3, 31),
                grade: Grade::Bb,
                model_version: "2026.02-lr-rf-1".into(),
            },
            GradeHistoryEntry {
                as_of: date(2025, 12, 31),
                grade: Grade::Bbb,
                model_version: "2025.11-lr-rf-1".into(),
            },
        ],
        lists: vec![ListMembership {
            list: ListKind::Redlist,
            current: false,
            reason: "AAA in two consecutive evaluations with no negative event".into(),
            legal_basis: "《浙江省公共信用信息管理条例》第二十六条".into(),
            authority: "杭州市发展和改革委员会".into(),
            starts_on: date(2024, 1, 10),
            expires_on: Some(date(2026, 1, 10)),
            ended_on: Some(date(2026, 1, 10)),
            ended_by: Some("expired".into()),
        }],
        notes: vec![
            "The administrative penalty of 2026-03-15 is under objection; the regulator answers by 2026-12-10.".into(),
            FOR_REFERENCE_ONLY.into(),
        ],
    }
}

#[allow(clippy::too_many_arguments)]
fn period(
    period: &str,
    online_sales: f64,
    orders: i64,
    refund_rate: f64,
    complaints: i64,
    on_time_delivery_rate: f64,
    positive_review_rate: f64,
    source: &str,
    review_status: &str,
) -> ReportPeriod {
    ReportPeriod {
        period: period.into(),
        online_sales,
        orders,
        refund_rate: Some(refund_rate),
        complaints: Some(complaints),
        on_time_delivery_rate: Some(on_time_delivery_rate),
        positive_review_rate: Some(positive_review_rate),
        source: source.into(),
        review_status: review_status.into(),
    }
}

/// The public report of the same enterprise: grade, public events and lists only.
pub fn public_document() -> ReportDocument {
    let full = document();
    let rating = full.rating.map(|r| ReportRating {
        grade: r.grade,
        as_of: r.as_of,
        score: None,
        percentile: None,
        pd: None,
        adjustments: vec![],
        dimensions: vec![],
        raised: vec![],
        lowered: vec![],
        way_up: vec![],
    });
    ReportDocument {
        report_no: "ECR-20261201-PUB3W8D6HN".into(),
        kind: ReportKind::Public,
        model_version: full.model_version,
        requested_for: ReportRequester {
            role: "public".into(),
            organisation: None,
            purpose: "public".into(),
        },
        enterprise: ReportEnterprise {
            legal_representative: None,
            legal_rep_id_number: None,
            legal_rep_phone: None,
            registered_capital: None,
            established_on: None,
            ..full.enterprise
        },
        rating,
        credit_events: full
            .credit_events
            .into_iter()
            .filter(|e| e.status != CreditEventStatus::Repaired)
            .collect(),
        operating_summary: vec![],
        sentiment_summary: None,
        grade_history: vec![],
        notes: vec![FOR_REFERENCE_ONLY.into()],
        ..document()
    }
}

/// The example of a saved report in the OpenAPI document: the sample document with a signature
/// of the right shape (an example shows the format; it is not signed by any published key).
pub fn signed_example() -> serde_json::Value {
    let signed = super::document::SignedReport {
        report: public_document(),
        signature: super::document::ReportSignature {
            algorithm: "Ed25519".into(),
            key_id: "3f9a0c51d2e47b86".into(),
            value: "b1Z3mQ0o5S1Yc2a7p9XfW4kR2nT8vL6uJ0eH3dG1cB5aZ7yX9wV2uT4sR6qP8oN0mL2kJ4iH6gF8eD0cB2aZ1w==".into(),
        },
    };
    serde_json::to_value(signed).expect("a sample report serialises")
}
