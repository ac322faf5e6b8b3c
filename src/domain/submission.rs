//! Self-maintenance (seed 000, data quality): what an enterprise submits about itself, the checks
//! every submission passes at once, and the rules that decide whether it is applied straight
//! away or held for a regulator's review.
//!
//! A submission is one unit: applied whole, or held whole, and a rejected one changes nothing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Violations;
use super::enterprise::EnterprisePatch;
use super::records::{DataSource, OperatingInput, OperatingRecord};

/// At most this many periods in one submission (two years of months).
pub const MAX_PERIODS: usize = 24;

/// A figure this many times the previous period's (or a tenth of it) is held for review.
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
    /// changes, and figures that jump tenfold (up or down) over the previous period of the same
    /// length, from this submission or from `recorded` (the enterprise's stored records).
    pub fn findings(&self, recorded: &[OperatingRecord]) -> Vec<Finding> {
        let mut findings = Vec::new();
        if let Some(basic) = &self.basic {
            for field in self_declarable(basic) {
                findings.push(Finding {
                    field: format!("basic.{field}"),
                    message:
                        "a registered fact: a regulator checks it against the business register"
                            .into(),
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
            let Some(previous) = previous else { continue };
            let figures = [
                ("online_sales", previous.online_sales, record.online_sales),
                ("orders", previous.orders as f64, record.orders as f64),
            ];
            for (name, before, now) in figures {
                if let Some(change) = jump(before, now) {
                    findings.push(Finding {
                        field: format!("operating[{}].{name}", self.positions[i]),
                        message: format!(
                            "{name} {change} from {before} in {} to {now} in {}",
                            previous.period_label, record.period_label
                        ),
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

/// "rose tenfold" / "fell to a tenth" when the change reaches the factor; nothing for a start
/// from zero, which has no ratio (a new shop).
fn jump(before: f64, now: f64) -> Option<&'static str> {
    if before <= 0.0 {
        return None;
    }
    let ratio = now / before;
    if ratio >= JUMP_FACTOR {
        Some("rose tenfold or more")
    } else if ratio <= 1.0 / JUMP_FACTOR {
        Some("fell to a tenth or less")
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
        let stored = submit(vec![period("2026-08", 1000.0, 100)])
            .check(today())
            .unwrap()
            .operating;
        let checked = submit(vec![
            period("2026-10", 500.0, 50),
            period("2026-09", 10_000.0, 99),
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
            period("2026-09", 9000.0, 900),
            period("2026-Q4", 1e9, 1),
        ])
        .check(today())
        .unwrap();
        assert!(calm.findings(&stored).is_empty());
        assert_eq!(jump(0.0, 5.0), None);
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
