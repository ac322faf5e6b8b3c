//! Point-in-time features (DOMAIN.md, "The score"): every feature of an enterprise is computed
//! as of a date from the records dated before it, so a model trained on past dates never sees
//! what happened after them. Each feature belongs to one of the six dimensions of the Hangzhou
//! cross-border model (seed 004) and says which way its risk should run.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::binning::Monotonicity;
use crate::domain::enterprise::Enterprise;
use crate::domain::records::{
    Association, AssociationKind, CreditEvent, CreditEventStatus, OperatingRecord, Polarity,
    SentimentRecord, Severity,
};

crate::text_enum! {
    /// The six scoring dimensions.
    pub enum Dimension {
        /// 企业资质
        Qualification = "qualification",
        /// 经营行为
        OperatingBehaviour = "operating_behaviour",
        /// 信用历史
        CreditHistory = "credit_history",
        /// 履约能力
        Fulfilment = "fulfilment",
        /// 关联关系
        Associations = "associations",
        /// 舆情
        Sentiment = "sentiment",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    Numeric,
    Categorical,
}

/// One feature the models use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSpec {
    pub name: &'static str,
    pub dimension: Dimension,
    pub kind: FeatureKind,
    pub monotonicity: Monotonicity,
    /// What it measures, for reasons shown to people.
    pub description: &'static str,
    /// What its values are, for writing a bin in words.
    pub unit: Unit,
}

/// What the values of a feature are: how a bin's edges are written for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole number of things (shops, events, months with figures).
    Count,
    /// A fraction of a whole, written as a percentage.
    Share,
    /// A relative change, written as a signed percentage.
    Change,
    /// A quantity with one decimal (years, months, complaints per thousand orders).
    Number,
    /// A polarity in [-1, 1], with two decimals.
    Polarity,
    /// `ln(1 + yuan)`, written as the amount of yuan.
    LogYuan,
    /// `ln(1 + n)` of a whole number, written as the number.
    LogCount,
    /// Levels of a category, each written by its name.
    Levels,
}

const fn numeric(
    name: &'static str,
    dimension: Dimension,
    monotonicity: Monotonicity,
    unit: Unit,
    description: &'static str,
) -> FeatureSpec {
    FeatureSpec {
        name,
        dimension,
        kind: FeatureKind::Numeric,
        monotonicity,
        description,
        unit,
    }
}

use Dimension::*;
use Monotonicity::{Decreasing, Free, Increasing};

/// The features, in the order of a feature vector.
pub const FEATURES: &[FeatureSpec] = &[
    numeric(
        "years_established",
        Qualification,
        Decreasing,
        Unit::Number,
        "years since establishment",
    ),
    numeric(
        "log_registered_capital",
        Qualification,
        Decreasing,
        Unit::LogYuan,
        "registered capital (log yuan)",
    ),
    numeric(
        "platform_count",
        Qualification,
        Free,
        Unit::Count,
        "number of platform shops",
    ),
    FeatureSpec {
        name: "main_business_model",
        dimension: Qualification,
        kind: FeatureKind::Categorical,
        monotonicity: Free,
        description: "main business model",
        unit: Unit::Levels,
    },
    numeric(
        "sales_growth",
        OperatingBehaviour,
        Free,
        Unit::Change,
        "online sales growth over the last 6 months",
    ),
    numeric(
        "refund_rate",
        OperatingBehaviour,
        Increasing,
        Unit::Share,
        "refund rate over the last 12 months",
    ),
    numeric(
        "complaints_per_1k_orders",
        OperatingBehaviour,
        Increasing,
        Unit::Number,
        "complaints per thousand orders over the last 12 months",
    ),
    numeric(
        "positive_review_rate",
        OperatingBehaviour,
        Decreasing,
        Unit::Share,
        "positive-review rate over the last 12 months",
    ),
    numeric(
        "sales_volatility",
        OperatingBehaviour,
        Increasing,
        Unit::Share,
        "month-to-month variation of online sales",
    ),
    numeric(
        "months_reported",
        OperatingBehaviour,
        Decreasing,
        Unit::Count,
        "months with operating figures in the last 12",
    ),
    numeric(
        "negative_events_24m",
        CreditHistory,
        Increasing,
        Unit::Count,
        "negative credit events in the last 24 months",
    ),
    numeric(
        "serious_events_60m",
        CreditHistory,
        Increasing,
        Unit::Count,
        "serious negative events in the last 5 years",
    ),
    numeric(
        "months_since_negative",
        CreditHistory,
        Decreasing,
        Unit::Number,
        "months since the last negative event",
    ),
    numeric(
        "positive_events_36m",
        CreditHistory,
        Decreasing,
        Unit::Count,
        "honours and kept commitments in the last 36 months",
    ),
    numeric(
        "on_time_delivery_rate",
        Fulfilment,
        Decreasing,
        Unit::Share,
        "on-time delivery rate over the last 12 months",
    ),
    numeric(
        "quality_fail_rate",
        Fulfilment,
        Increasing,
        Unit::Share,
        "share of failed quality spot checks over the last 24 months",
    ),
    numeric(
        "tax_to_sales",
        Fulfilment,
        Decreasing,
        Unit::Share,
        "tax paid per yuan of online sales over the last 12 months",
    ),
    numeric(
        "log_employees",
        Fulfilment,
        Decreasing,
        Unit::LogCount,
        "employees in the latest period of the last 24 months (log)",
    ),
    numeric(
        "related_parties",
        Associations,
        Free,
        Unit::Count,
        "current associations",
    ),
    numeric(
        "guarantee_exposure",
        Associations,
        Increasing,
        Unit::Share,
        "guarantees given relative to registered capital",
    ),
    numeric(
        "related_negative_events_24m",
        Associations,
        Increasing,
        Unit::Count,
        "negative events of related registered enterprises in the last 24 months",
    ),
    numeric(
        "sentiment_items_12m",
        Sentiment,
        Free,
        Unit::Count,
        "sentiment items in the last 12 months",
    ),
    numeric(
        "mean_polarity_12m",
        Sentiment,
        Decreasing,
        Unit::Polarity,
        "average sentiment polarity over the last 12 months",
    ),
    numeric(
        "negative_share_12m",
        Sentiment,
        Increasing,
        Unit::Share,
        "share of clearly negative items over the last 12 months",
    ),
];

pub fn feature_index(name: &str) -> Option<usize> {
    FEATURES.iter().position(|f| f.name == name)
}

/// One feature's value: a number (NaN when unknown) or a level (None when unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FeatureValue {
    Number(f64),
    Level(Option<String>),
}

impl FeatureValue {
    pub fn as_number(&self) -> f64 {
        match self {
            FeatureValue::Number(x) => *x,
            FeatureValue::Level(_) => f64::NAN,
        }
    }
}

/// What is known about an enterprise, in any order and including records after the as-of date:
/// `compute` keeps only what was known before it.
#[derive(Debug, Clone, Copy)]
pub struct EnterpriseRecords<'a> {
    pub enterprise: &'a Enterprise,
    pub operating: &'a [OperatingRecord],
    pub events: &'a [CreditEvent],
    pub sentiment: &'a [SentimentRecord],
    pub associations: &'a [Association],
    /// Decision dates of negative events of related registered enterprises.
    pub related_negative_event_dates: &'a [NaiveDate],
}

/// How long a negative event still counts after its publicity ends (DOMAIN.md: five years).
pub const NEGATIVE_EVENT_RETENTION_YEARS: u32 = 5;

/// Does a negative event still count on `as_of`: not withdrawn, and not more than five years past
/// its end (the end of publicity, or the decision when no publicity period is set)?
pub fn negative_event_counts(event: &CreditEvent, as_of: NaiveDate) -> bool {
    if event.status == CreditEventStatus::Revoked || event.decided_on >= as_of {
        return false;
    }
    let end = event.publicity_until.unwrap_or(event.decided_on);
    end.checked_add_months(Months::new(12 * NEGATIVE_EVENT_RETENTION_YEARS))
        .is_none_or(|limit| limit >= as_of)
}

/// How far back the features look: no feature reads an operating record that starts before
/// `operating_from` or a sentiment item published before `sentiment_from`, so bulk scoring
/// reads only these (two thirds of the operating records and a third of the sentiment of a
/// 36-month history). Credit events and associations are few and are read whole: the 5-year
/// rule and the months since the last negative event look further back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookback {
    pub operating_from: NaiveDate,
    pub sentiment_from: NaiveDateTime,
}

/// The oldest operating period and sentiment item the features of `as_of` use.
pub fn lookback(as_of: NaiveDate) -> Lookback {
    Lookback {
        operating_from: months_before(as_of, OPERATING_LOOKBACK_MONTHS),
        sentiment_from: months_before(as_of, SENTIMENT_LOOKBACK_MONTHS)
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists"),
    }
}

const OPERATING_LOOKBACK_MONTHS: u32 = 24;
const SENTIMENT_LOOKBACK_MONTHS: u32 = 12;

fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// Months with figures: a quarter counts as three.
fn months_covered(record: &OperatingRecord) -> u32 {
    let p = record.period;
    (p.end.year() - p.start.year()) as u32 * 12 + p.end.month() - p.start.month() + 1
}

/// The feature vector of an enterprise as of `as_of`, in the order of `FEATURES`.
pub fn compute(as_of: NaiveDate, r: EnterpriseRecords<'_>) -> Vec<FeatureValue> {
    let e = r.enterprise;
    let n = |x: f64| FeatureValue::Number(x);
    let mut out = Vec::with_capacity(FEATURES.len());

    // Qualification.
    let years = if e.established_on < as_of {
        (as_of - e.established_on).num_days() as f64 / 365.25
    } else {
        f64::NAN
    };
    out.push(n(years));
    out.push(n((1.0 + e.registered_capital).ln()));
    out.push(n(e.platforms.len() as f64));
    out.push(FeatureValue::Level(
        e.business_models.first().map(|m| m.as_str().to_string()),
    ));

    // Operating behaviour: periods that ended before the as-of date.
    let known: Vec<&OperatingRecord> = r
        .operating
        .iter()
        .filter(|o| o.period.end < as_of)
        .collect();
    let last_12: Vec<&&OperatingRecord> = known
        .iter()
        .filter(|o| o.period.start >= months_before(as_of, 12))
        .collect();
    let recent_6 = months_before(as_of, 6);
    let sales_in = |from: NaiveDate, to: NaiveDate| -> f64 {
        known
            .iter()
            .filter(|o| o.period.start >= from && o.period.start < to)
            .map(|o| o.online_sales)
            .sum()
    };
    let recent = sales_in(recent_6, as_of);
    let earlier = sales_in(months_before(as_of, 12), recent_6);
    out.push(n(if earlier > 0.0 {
        (recent - earlier) / earlier
    } else {
        f64::NAN
    }));
    out.push(n(mean(last_12.iter().filter_map(|o| o.refund_rate))));
    // Summed as doubles: a row stored around the service may hold counts whose i64 sum overflows.
    let orders: f64 = last_12.iter().map(|o| o.orders as f64).sum();
    let complaints: f64 = last_12
        .iter()
        .filter_map(|o| o.complaints)
        .map(|c| c as f64)
        .sum();
    out.push(n(if orders > 0.0 {
        complaints * 1000.0 / orders
    } else {
        f64::NAN
    }));
    out.push(n(mean(
        last_12.iter().filter_map(|o| o.positive_review_rate),
    )));
    let monthly: Vec<f64> = last_12
        .iter()
        .map(|o| o.online_sales / f64::from(months_covered(o)))
        .collect();
    let avg = mean(monthly.iter().copied());
    let volatility = if monthly.len() >= 3 && avg > 0.0 {
        (monthly.iter().map(|s| (s - avg).powi(2)).sum::<f64>() / monthly.len() as f64).sqrt() / avg
    } else {
        f64::NAN
    };
    out.push(n(volatility));
    out.push(n(f64::from(
        last_12
            .iter()
            .map(|o| months_covered(o))
            .sum::<u32>()
            .min(12),
    )));

    // Credit history.
    let negatives: Vec<&CreditEvent> = r
        .events
        .iter()
        .filter(|ev| ev.polarity == Polarity::Negative && negative_event_counts(ev, as_of))
        .collect();
    out.push(n(negatives
        .iter()
        .filter(|ev| ev.decided_on >= months_before(as_of, 24))
        .count() as f64));
    out.push(n(negatives
        .iter()
        .filter(|ev| ev.severity == Severity::Serious && ev.decided_on >= months_before(as_of, 60))
        .count() as f64));
    let last_negative = negatives.iter().map(|ev| ev.decided_on).max();
    out.push(n(last_negative
        .map(|d| (as_of - d).num_days() as f64 / 30.44)
        .unwrap_or(f64::NAN)));
    let positives = r
        .events
        .iter()
        .filter(|ev| {
            ev.polarity == Polarity::Positive
                && ev.status != CreditEventStatus::Revoked
                && ev.decided_on < as_of
                && ev.decided_on >= months_before(as_of, 36)
        })
        .count();
    out.push(n(positives as f64));

    // Fulfilment.
    out.push(n(mean(
        last_12.iter().filter_map(|o| o.on_time_delivery_rate),
    )));
    let last_24: Vec<&&OperatingRecord> = known
        .iter()
        .filter(|o| o.period.start >= months_before(as_of, OPERATING_LOOKBACK_MONTHS))
        .collect();
    let checks: f64 = last_24
        .iter()
        .filter_map(|o| o.quality_checks)
        .map(|c| c as f64)
        .sum();
    let failed: f64 = (last_24.iter())
        .filter_map(|o| o.quality_checks_failed)
        .map(|c| c as f64)
        .sum();
    out.push(n(if checks > 0.0 {
        failed / checks
    } else {
        f64::NAN
    }));
    let sales_12: f64 = last_12.iter().map(|o| o.online_sales).sum();
    let tax_12: f64 = last_12.iter().filter_map(|o| o.tax_paid).sum();
    let any_tax = last_12.iter().any(|o| o.tax_paid.is_some());
    out.push(n(if sales_12 > 0.0 && any_tax {
        tax_12 / sales_12
    } else {
        f64::NAN
    }));
    let latest_employees = last_24
        .iter()
        .max_by_key(|o| o.period.start)
        .and_then(|o| o.employees);
    out.push(n(latest_employees
        .map(|x| (1.0 + x as f64).ln())
        .unwrap_or(f64::NAN)));

    // Associations in force on the as-of date.
    let current: Vec<&Association> = r
        .associations
        .iter()
        .filter(|a| {
            a.valid_from.is_none_or(|from| from < as_of)
                && a.valid_until.is_none_or(|until| until >= as_of)
        })
        .collect();
    out.push(n(current.len() as f64));
    let guaranteed: f64 = current
        .iter()
        .filter(|a| a.kind == AssociationKind::Guarantee)
        .filter_map(|a| a.amount)
        .sum();
    out.push(n(if e.registered_capital > 0.0 {
        guaranteed / e.registered_capital
    } else {
        f64::NAN
    }));
    let related = r
        .related_negative_event_dates
        .iter()
        .filter(|d| **d < as_of && **d >= months_before(as_of, 24))
        .count();
    out.push(n(related as f64));

    // Sentiment published before the as-of date.
    let start = lookback(as_of).sentiment_from;
    let end = as_of.and_hms_opt(0, 0, 0).expect("midnight exists");
    let items: Vec<&SentimentRecord> = r
        .sentiment
        .iter()
        .filter(|s| s.published_at >= start && s.published_at < end)
        .collect();
    out.push(n(items.len() as f64));
    out.push(n(mean(items.iter().map(|s| s.polarity))));
    let negative = items
        .iter()
        .filter(|s| s.polarity < crate::domain::sentiment::NEGATIVE_BELOW)
        .count();
    out.push(n(if items.is_empty() {
        f64::NAN
    } else {
        negative as f64 / items.len() as f64
    }));

    debug_assert_eq!(out.len(), FEATURES.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{DataSource, Period, ReviewStatus};

    fn enterprise() -> Enterprise {
        serde_json::from_value::<crate::domain::enterprise::EnterpriseInput>(serde_json::json!({
            "code": "91330100799655058B", "name": "甲", "legal_representative": "张三",
            "registered_capital": 1000000.0, "established_on": "2015-06-01", "region_code": "330106",
            "industry": "retail", "business_models": ["b2c"]
        }))
        .unwrap()
        .validate(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
        .unwrap()
    }

    fn month(label: &str, sales: f64, refund: f64) -> OperatingRecord {
        let period = Period::parse(label).unwrap();
        OperatingRecord {
            period,
            period_label: label.into(),
            online_sales: sales,
            orders: 1000,
            refund_rate: Some(refund),
            complaints: Some(2),
            on_time_delivery_rate: Some(0.95),
            positive_review_rate: Some(0.9),
            employees: Some(10),
            tax_paid: Some(sales * 0.01),
            cross_border_trade: None,
            quality_checks: Some(1),
            quality_checks_failed: Some(0),
            source: DataSource::Platform,
            review_status: ReviewStatus::Accepted,
        }
    }

    fn event(decided: &str, severity: Severity) -> CreditEvent {
        CreditEvent {
            kind: crate::domain::records::CreditEventKind::AdministrativePenalty,
            polarity: Polarity::Negative,
            severity,
            title: "t".into(),
            description: None,
            authority: "a".into(),
            document_number: None,
            decided_on: NaiveDate::parse_from_str(decided, "%Y-%m-%d").unwrap(),
            publicity_until: None,
            status: CreditEventStatus::Active,
            source: DataSource::Department,
        }
    }

    fn value(v: &[FeatureValue], name: &str) -> f64 {
        v[feature_index(name).unwrap()].as_number()
    }

    #[test]
    fn records_older_than_the_lookback_change_no_feature() {
        let e = enterprise();
        // 40 months of figures with an old spike, sentiment over three years, old and recent
        // events: everything before the lookback must not matter.
        let ops: Vec<OperatingRecord> = (0..40u32)
            .map(|i| {
                let (y, m) = (2022 + (9 + i) / 12, (9 + i) % 12 + 1);
                let mut r = month(&format!("{y}-{m:02}"), 100.0 + f64::from(i * i), 0.02);
                r.employees = (i % 7 != 0).then_some(i64::from(i));
                r
            })
            .collect();
        let sentiment: Vec<SentimentRecord> = (0..36u32)
            .map(|i| SentimentRecord {
                source_kind: crate::domain::records::SentimentSourceKind::News,
                source_name: "n".into(),
                title: "t".into(),
                excerpt: None,
                url: None,
                published_at: NaiveDate::from_ymd_opt(2023, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
                    + chrono::Days::new(u64::from(i) * 30),
                polarity: if i % 3 == 0 { -0.8 } else { 0.4 },
                polarity_computed: false,
                topic: None,
                source: DataSource::Platform,
            })
            .collect();
        let events = vec![
            event("2021-03-01", Severity::Serious),
            event("2024-02-01", Severity::Minor),
        ];
        for as_of in ["2024-12-31", "2025-07-01", "2026-01-01"] {
            let as_of: NaiveDate = as_of.parse().unwrap();
            let window = lookback(as_of);
            let recent_ops: Vec<OperatingRecord> = ops
                .iter()
                .filter(|o| o.period.start >= window.operating_from)
                .cloned()
                .collect();
            let recent_sentiment: Vec<SentimentRecord> = sentiment
                .iter()
                .filter(|s| s.published_at >= window.sentiment_from)
                .cloned()
                .collect();
            assert!(recent_ops.len() < ops.len() && recent_sentiment.len() < sentiment.len());
            let features = |operating: &[OperatingRecord], sentiment: &[SentimentRecord]| {
                compute(
                    as_of,
                    EnterpriseRecords {
                        enterprise: &e,
                        operating,
                        events: &events,
                        sentiment,
                        associations: &[],
                        related_negative_event_dates: &[],
                    },
                )
            };
            assert_eq!(
                format!("{:?}", features(&ops, &sentiment)),
                format!("{:?}", features(&recent_ops, &recent_sentiment)),
                "as of {as_of}"
            );
        }
    }

    #[test]
    fn features_as_of_a_date_ignore_later_records() {
        let e = enterprise();
        let ops: Vec<OperatingRecord> = (1..=12)
            .map(|m| month(&format!("2025-{m:02}"), 100.0, 0.02))
            .collect();
        let mut with_future = ops.clone();
        with_future.push(month("2026-01", 1e9, 0.9));
        with_future.push(month("2025-Q4", 0.0, 1.0).clone()); // never mind the overlap: it ends after the as-of date
        let events = vec![event("2024-05-01", Severity::Serious)];
        let mut events_with_future = events.clone();
        events_with_future.push(event("2026-01-15", Severity::Serious));
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let base = compute(
            as_of,
            EnterpriseRecords {
                enterprise: &e,
                operating: &ops,
                events: &events,
                sentiment: &[],
                associations: &[],
                related_negative_event_dates: &[],
            },
        );
        let future = compute(
            as_of,
            EnterpriseRecords {
                enterprise: &e,
                operating: &with_future[..13],
                events: &events_with_future,
                sentiment: &[],
                associations: &[],
                related_negative_event_dates: &[NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()],
            },
        );
        assert_eq!(
            format!("{base:?}"),
            format!("{future:?}"),
            "records after the as-of date change nothing"
        );
        assert_eq!(value(&base, "months_reported"), 12.0);
        assert!((value(&base, "refund_rate") - 0.02).abs() < 1e-12);
        assert_eq!(value(&base, "negative_events_24m"), 1.0);
        assert_eq!(value(&base, "serious_events_60m"), 1.0);
        assert!((value(&base, "years_established") - 10.59).abs() < 0.01);
        assert!(
            value(&base, "mean_polarity_12m").is_nan(),
            "no sentiment is missing, not zero"
        );
    }

    #[test]
    fn old_and_revoked_negative_events_stop_counting() {
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut old = event("2019-06-01", Severity::Serious);
        assert!(
            !negative_event_counts(&old, as_of),
            "more than five years past its decision"
        );
        old.publicity_until = Some(NaiveDate::from_ymd_opt(2022, 6, 1).unwrap());
        assert!(
            negative_event_counts(&old, as_of),
            "publicity ended less than five years ago"
        );
        let mut revoked = event("2025-06-01", Severity::Minor);
        revoked.status = CreditEventStatus::Revoked;
        assert!(!negative_event_counts(&revoked, as_of));
        assert!(
            !negative_event_counts(&event("2026-01-01", Severity::Minor), as_of),
            "decided on the as-of date"
        );
    }

    #[test]
    fn every_dimension_has_features() {
        for d in Dimension::ALL {
            assert!(FEATURES.iter().any(|f| f.dimension == *d), "{d}");
        }
        let names: std::collections::BTreeSet<&str> = FEATURES.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), FEATURES.len(), "names are unique");
    }
}
