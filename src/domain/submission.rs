//! Self-maintenance (seed 000, data quality): what an enterprise submits about itself, the checks
//! every submission passes at once, and the rules that decide whether it is applied straight
//! away or held for a regulator's review.
//!
//! A submission is one unit: applied whole, or held whole, and a rejected one changes nothing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::Violations;
use super::enterprise::EnterprisePatch;
use super::records::{DataSource, OperatingInput, OperatingRecord};

/// At most this many periods in one submission (two years of months).
pub const MAX_PERIODS: usize = 24;

/// An amount or count this many times the previous period's (or a tenth of it) is held for
/// review.
pub const JUMP_FACTOR: f64 = 10.0;

/// What an enterprise submits about itself: changes to its basic data, new operating periods,
/// or both.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "operating": [{"period": "2026-10", "online_sales": 1320000.0, "orders": 19100, "refund_rate": 0.03}],
    "basic": {"platforms": [{"platform": "天猫", "shop_name": "西湖茶旗舰店"}]},
    "note": "October figures from the shop back office"
}))]
pub struct SubmissionInput {
    /// Changes to the basic data; the same fields as the regulator's correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<EnterprisePatch>,
    /// New operating records, one per period (at most 24). Their source is `self_reported`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operating: Vec<OperatingInput>,
    /// A word for the reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why a submission waits for a regulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// The field concerned, e.g. `operating[0].online_sales` or `basic.name`.
    pub field: String,
    pub message: String,
    /// What was found, so that the console can write it in its language; absent on findings
    /// stored before kinds existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FindingKind>,
    /// The figures the message names: `period`, `previous_period`, `before`, `now`, and `points`
    /// (a rate's swing) or `orders` and `complaints`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

crate::text_enum! {
    /// What keeps a submission for review.
    pub enum FindingKind {
        /// A registered fact, checked against the business register first.
        RegisteredFact = "registered_fact",
        /// More complaints than orders in a period.
        ComplaintsOverOrders = "complaints_over_orders",
        /// An amount or count ten times the previous period's or more.
        RoseTenfold = "rose_tenfold",
        /// An amount or count a tenth of the previous period's or less.
        FellTenfold = "fell_tenfold",
        /// A rate 30 percentage points or more away from the previous period's.
        RateSwing = "rate_swing",
    }
}

fn args(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

/// Basic data an enterprise may declare itself (its shops and ways of doing business); the rest
/// are registered facts (name, representative, capital, region, status ...) that a regulator
/// checks against the business register first.
fn self_declarable(patch: &EnterprisePatch) -> Vec<&'static str> {
    let mut registered = Vec::new();
    let mut note = |set: bool, field: &'static str| {
        if set {
            registered.push(field);
        }
    };
    note(patch.name.is_some(), "name");
    note(patch.legal_representative.is_some(), "legal_representative");
    note(patch.legal_rep_id_number.is_some(), "legal_rep_id_number");
    note(patch.legal_rep_phone.is_some(), "legal_rep_phone");
    note(patch.registered_capital.is_some(), "registered_capital");
    note(patch.established_on.is_some(), "established_on");
    note(patch.region_code.is_some(), "region_code");
    note(patch.industry.is_some(), "industry");
    note(patch.status.is_some(), "status");
    registered
}

fn patch_is_empty(patch: &EnterprisePatch) -> bool {
    self_declarable(patch).is_empty()
        && patch.business_models.is_none()
        && patch.platforms.is_none()
}

/// A submission that passed the checks: the operating records validated and sorted by period.
#[derive(Debug, Clone)]
pub struct CheckedSubmission {
    pub basic: Option<EnterprisePatch>,
    pub operating: Vec<OperatingRecord>,
    /// Where each of `operating` stood in the submission as sent, for the findings' field names.
    positions: Vec<usize>,
    pub note: Option<String>,
}

impl SubmissionInput {
    /// Ranges, consistency and duplicates inside the submission. Overlaps with periods already
    /// recorded, and the basic data merged with the current record, are checked against the
    /// database by the caller.
    pub fn check(self, today: NaiveDate) -> Result<CheckedSubmission, Violations> {
        let mut v = Violations::new();
        let note = v.optional_text("note", self.note.as_deref(), 1000);
        let basic = self
            .basic
            .filter(|b| !patch_is_empty(b) || b.reason.is_some());
        if let Some(b) = &basic
            && patch_is_empty(b)
        {
            v.add("basic", "names no field to change");
        }
        v.check(
            basic.is_some() || !self.operating.is_empty(),
            "operating",
            "a submission needs basic data changes or at least one operating period",
        );
        v.check(
            self.operating.len() <= MAX_PERIODS,
            "operating",
            format!("at most {MAX_PERIODS} periods per submission"),
        );
        let mut records: Vec<(usize, OperatingRecord)> = Vec::new();
        for (i, input) in self.operating.into_iter().enumerate() {
            let field = |name: &str| format!("operating[{i}].{name}");
            if input.source != DataSource::SelfReported {
                v.add(
                    &field("source"),
                    "what an enterprise submits is self_reported",
                );
            }
            match input.validate(today) {
                Ok(record) => {
                    if let Some((_, other)) = records
                        .iter()
                        .find(|(_, r)| record.period.overlaps(r.period.start, r.period.end))
                    {
                        v.add(
                            &field("period"),
                            format!(
                                "{} overlaps {} in the same submission",
                                record.period_label, other.period_label
                            ),
                        );
                    }
                    records.push((i, record));
                }
                Err(errors) => {
                    for e in errors.0 {
                        v.add(&field(&e.field), e.message);
                    }
                }
            }
        }
        records.sort_by_key(|(_, r)| r.period.start);
        let (positions, operating) = records.into_iter().unzip();
        v.into_result(CheckedSubmission {
            basic,
            operating,
            positions,
            note,
        })
    }
}

impl CheckedSubmission {
    /// What keeps this submission from being applied at once: registered facts among the basic
    /// changes; more complaints than orders; and, against the previous period of the same
    /// length (from this submission or from `recorded`, the enterprise's stored records), any
    /// amount or count that jumps tenfold up or down, and any rate that moves 30 points.
    pub fn findings(&self, recorded: &[OperatingRecord]) -> Vec<Finding> {
        let mut findings = Vec::new();
        if let Some(basic) = &self.basic {
            for field in self_declarable(basic) {
                findings.push(Finding {
                    field: format!("basic.{field}"),
                    message:
                        "a registered fact: a regulator checks it against the business register"
                            .into(),
                    kind: Some(FindingKind::RegisteredFact),
                    args: BTreeMap::new(),
                });
            }
        }
        for (i, record) in self.operating.iter().enumerate() {
            let quarterly = is_quarter(record);
            let previous = recorded
                .iter()
                .chain(self.operating[..i].iter())
                .filter(|r| is_quarter(r) == quarterly && r.period.end < record.period.start)
                .max_by_key(|r| r.period.start);
            let at = |name: &str| format!("operating[{}].{name}", self.positions[i]);
            if record.complaints.is_some_and(|c| c > record.orders) {
                let complaints = record.complaints.unwrap_or_default();
                findings.push(Finding {
                    field: at("complaints"),
                    message: format!(
                        "more complaints ({complaints}) than orders ({}) in {}",
                        record.orders, record.period_label
                    ),
                    kind: Some(FindingKind::ComplaintsOverOrders),
                    args: args(&[
                        ("complaints", complaints.to_string()),
                        ("orders", record.orders.to_string()),
                        ("period", record.period_label.clone()),
                    ]),
                });
            }
            let Some(previous) = previous else { continue };
            for (name, before, now) in amounts_and_counts(previous, record) {
                if let Some((kind, change)) = jump(name, before, now) {
                    findings.push(Finding {
                        field: at(name),
                        message: format!(
                            "{name} {change} from {before} in {} to {now} in {}",
                            previous.period_label, record.period_label
                        ),
                        kind: Some(kind),
                        args: args(&[
                            ("before", before.to_string()),
                            ("now", now.to_string()),
                            ("previous_period", previous.period_label.clone()),
                            ("period", record.period_label.clone()),
                        ]),
                    });
                }
            }
            for (name, before, now) in rates(previous, record) {
                if (now - before).abs() >= RATE_SWING {
                    let points = format!("{:.0}", (now - before).abs() * 100.0);
                    findings.push(Finding {
                        field: at(name),
                        message: format!(
                            "{name} moved {points} percentage points, from {before} in {} to {now} in {}",
                            previous.period_label, record.period_label
                        ),
                        kind: Some(FindingKind::RateSwing),
                        args: args(&[
                            ("points", points.clone()),
                            ("before", before.to_string()),
                            ("now", now.to_string()),
                            ("previous_period", previous.period_label.clone()),
                            ("period", record.period_label.clone()),
                        ]),
                    });
                }
            }
        }
        findings
    }
}

fn is_quarter(record: &OperatingRecord) -> bool {
    record.period_label.contains('Q')
}

/// Every amount and count both periods state, as (name, previous, now).
fn amounts_and_counts(
    previous: &OperatingRecord,
    record: &OperatingRecord,
) -> Vec<(&'static str, f64, f64)> {
    let count = |v: Option<i64>| v.map(|v| v as f64);
    [
        (
            "online_sales",
            Some(previous.online_sales),
            Some(record.online_sales),
        ),
        (
            "orders",
            count(Some(previous.orders)),
            count(Some(record.orders)),
        ),
        (
            "complaints",
            count(previous.complaints),
            count(record.complaints),
        ),
        (
            "employees",
            count(previous.employees),
            count(record.employees),
        ),
        ("tax_paid", previous.tax_paid, record.tax_paid),
        (
            "cross_border_trade",
            previous.cross_border_trade,
            record.cross_border_trade,
        ),
        (
            "quality_checks",
            count(previous.quality_checks),
            count(record.quality_checks),
        ),
        (
            "quality_checks_failed",
            count(previous.quality_checks_failed),
            count(record.quality_checks_failed),
        ),
    ]
    .into_iter()
    .filter_map(|(name, before, now)| Some((name, before?, now?)))
    .collect()
}

/// Every rate both periods state, as (name, previous, now).
fn rates(previous: &OperatingRecord, record: &OperatingRecord) -> Vec<(&'static str, f64, f64)> {
    [
        ("refund_rate", previous.refund_rate, record.refund_rate),
        (
            "on_time_delivery_rate",
            previous.on_time_delivery_rate,
            record.on_time_delivery_rate,
        ),
        (
            "positive_review_rate",
            previous.positive_review_rate,
            record.positive_review_rate,
        ),
    ]
    .into_iter()
    .filter_map(|(name, before, now)| Some((name, before?, now?)))
    .collect()
}

/// A rate that moves this far (30 percentage points) from the previous period is held.
pub const RATE_SWING: f64 = 0.3;

/// Below this much, a figure is too small for a ratio to mean anything (1 complaint → 10 is no
/// anomaly): a rise is measured from at least this base, and a fall only from above it.
fn small_base(name: &str) -> f64 {
    match name {
        "online_sales" | "tax_paid" | "cross_border_trade" => 10_000.0,
        "orders" => 100.0,
        _ => 10.0,
    }
}

/// "rose tenfold" / "fell to a tenth" when the change reaches the factor. A rise is measured
/// from the previous figure or the small base of the figure, whichever is larger, so a start
/// from zero is held only when it is large.
fn jump(name: &str, before: f64, now: f64) -> Option<(FindingKind, &'static str)> {
    let base = small_base(name);
    if now >= JUMP_FACTOR * before.max(base) {
        Some((FindingKind::RoseTenfold, "rose tenfold or more"))
    } else if before >= base && now <= before / JUMP_FACTOR {
        Some((FindingKind::FellTenfold, "fell to a tenth or less"))
    } else {
        None
    }
}

crate::text_enum! {
    pub enum SubmissionStatus {
        /// Passed every check and applied at once.
        Applied = "applied",
        /// Held for a regulator's review.
        Pending = "pending",
        /// Reviewed and applied.
        Approved = "approved",
        /// Reviewed and refused: nothing was changed.
        Rejected = "rejected",
    }
}

crate::text_enum! {
    pub enum ReviewOutcome {
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// A regulator's decision on a held submission.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "rejected", "reason": "the October sales do not match the platform's figures"}))]
pub struct ReviewInput {
    pub outcome: ReviewOutcome,
    /// Required: the enterprise reads it.
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
}

impl ReviewInput {
    pub fn check(self) -> Result<(ReviewOutcome, String), Violations> {
        let mut v = Violations::new();
        let reason = v.text("reason", &self.reason, 1000);
        v.into_result((self.outcome, reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(label: &str, sales: f64, orders: i64) -> OperatingInput {
        serde_json::from_value(serde_json::json!({
            "period": label, "online_sales": sales, "orders": orders, "source": "self_reported"
        }))
        .unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn submit(operating: Vec<OperatingInput>) -> SubmissionInput {
        SubmissionInput {
            basic: None,
            operating,
            note: None,
        }
    }

    #[test]
    fn clean_periods_pass_and_are_sorted() {
        let checked = submit(vec![
            period("2026-10", 1100.0, 110),
            period("2026-09", 1000.0, 100),
        ])
        .check(today())
        .unwrap();
        let labels: Vec<_> = checked
            .operating
            .iter()
            .map(|r| r.period_label.as_str())
            .collect();
        assert_eq!(labels, ["2026-09", "2026-10"]);
        assert!(checked.findings(&[]).is_empty());
    }

    #[test]
    fn ranges_duplicates_and_foreign_sources_are_refused() {
        let mut bad_rate = period("2026-08", 10.0, 1);
        bad_rate.refund_rate = Some(1.5);
        let mut platform = period("2026-06", 10.0, 1);
        platform.source = DataSource::Platform;
        let errors = submit(vec![
            period("2026-09", 1000.0, 100),
            period("2026-Q3", 3000.0, 300),
            bad_rate,
            platform,
        ])
        .check(today())
        .unwrap_err();
        let fields: Vec<String> = errors.0.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "operating[1].period",
                "operating[2].refund_rate",
                "operating[3].source"
            ]
        );
        assert!(submit(vec![]).check(today()).is_err());
        assert!(
            submit(
                (1..=25)
                    .map(|m| period(&format!("2024-{:02}", (m - 1) % 12 + 1), 1.0, 1))
                    .collect()
            )
            .check(today())
            .is_err()
        );
    }

    #[test]
    fn a_tenfold_jump_over_the_previous_period_is_a_finding() {
        let stored = submit(vec![period("2026-08", 100_000.0, 100)])
            .check(today())
            .unwrap()
            .operating;
        let checked = submit(vec![
            period("2026-10", 50_000.0, 50),
            period("2026-09", 1_000_000.0, 99),
        ])
        .check(today())
        .unwrap();
        let findings = checked.findings(&stored);
        // September rose tenfold over the stored August; October fell to a twentieth of it.
        assert_eq!(
            findings
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>(),
            ["operating[1].online_sales", "operating[0].online_sales"]
        );
        assert!(findings[0].message.contains("rose tenfold"));
        assert!(findings[0].message.contains("2026-08"));
        assert!(findings[1].message.contains("fell to a tenth"));
        // Nine times is not ten; quarters are not compared with months; zero has no ratio.
        let calm = submit(vec![
            period("2026-09", 900_000.0, 900),
            period("2026-Q4", 1e9, 1),
        ])
        .check(today())
        .unwrap();
        assert!(calm.findings(&stored).is_empty());
        assert_eq!(jump("orders", 0.0, 5.0), None);
        // Small figures have no meaningful ratio: a rise is measured from their small base.
        assert_eq!(jump("complaints", 1.0, 10.0), None);
        assert_eq!(
            jump("complaints", 0.0, 100.0),
            Some((FindingKind::RoseTenfold, "rose tenfold or more"))
        );
        assert_eq!(jump("complaints", 5.0, 0.0), None);
    }

    #[test]
    fn every_figure_is_checked_not_only_sales_and_orders() {
        let mut august = period("2026-08", 100_000.0, 1000);
        august.complaints = Some(12);
        august.employees = Some(40);
        august.tax_paid = Some(5_000.0);
        august.refund_rate = Some(0.03);
        august.positive_review_rate = Some(0.95);
        let stored = submit(vec![august.clone()])
            .check(today())
            .unwrap()
            .operating;
        // The same sales and orders, but complaints beyond belief, a swing in a rate, and a
        // tax bill that vanished.
        let mut september = august.clone();
        september.period = "2026-09".into();
        september.complaints = Some(9_000_000_000);
        september.orders = 1000;
        september.tax_paid = Some(0.0);
        september.refund_rate = Some(0.45);
        september.positive_review_rate = Some(0.9);
        let held = submit(vec![september]).check(today()).unwrap();
        let fields: Vec<String> = held
            .findings(&stored)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "operating[0].complaints",
                "operating[0].complaints",
                "operating[0].refund_rate"
            ],
            "complaints exceed orders and rose; the refund rate moved 42 points"
        );
        // tax_paid: 5,000 yuan is under the small base, so its fall is no finding.
        let mut calm = august;
        calm.period = "2026-09".into();
        calm.complaints = Some(30);
        calm.refund_rate = Some(0.2);
        let calm = submit(vec![calm]).check(today()).unwrap();
        assert!(calm.findings(&stored).is_empty());
    }

    #[test]
    fn figures_beyond_their_documented_range_are_refused() {
        let mut huge = period("2026-09", 1e13 + 1.0, 10_000_000_001);
        huge.complaints = Some(9_007_199_254_740_993);
        huge.employees = Some(10_000_001);
        huge.quality_checks = Some(1_000_001);
        let errors = submit(vec![huge]).check(today()).unwrap_err();
        let fields: Vec<String> = errors.0.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "operating[0].online_sales",
                "operating[0].orders",
                "operating[0].complaints",
                "operating[0].employees",
                "operating[0].quality_checks"
            ]
        );
        let at_the_bounds = period("2026-09", 1e13, 10_000_000_000);
        assert!(submit(vec![at_the_bounds]).check(today()).is_ok());
    }

    #[test]
    fn registered_facts_wait_for_review_and_shops_do_not() {
        let shops: EnterprisePatch = serde_json::from_value(serde_json::json!({
            "platforms": [{"platform": "天猫", "shop_name": "西湖茶旗舰店"}]
        }))
        .unwrap();
        let checked = SubmissionInput {
            basic: Some(shops.clone()),
            operating: vec![],
            note: None,
        }
        .check(today())
        .unwrap();
        assert!(checked.findings(&[]).is_empty());
        let renamed = EnterprisePatch {
            name: Some("新名字".into()),
            registered_capital: Some(1.0),
            ..shops
        };
        let held = SubmissionInput {
            basic: Some(renamed),
            operating: vec![],
            note: None,
        }
        .check(today())
        .unwrap()
        .findings(&[]);
        assert_eq!(
            held.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["basic.name", "basic.registered_capital"]
        );
        let empty = SubmissionInput {
            basic: Some(EnterprisePatch {
                reason: Some("nothing".into()),
                ..EnterprisePatch::default()
            }),
            operating: vec![],
            note: None,
        };
        assert!(empty.check(today()).is_err());
    }
}
