//! Credit commitments (信用承诺): an enterprise promises something (product quality, on-time
//! delivery…) for a period; a regulator later marks the commitment kept or broken, which becomes
//! a positive (`commitment_kept`) or negative (`broken_commitment`) credit event.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::enterprise::earliest_date;
use super::records::{
    CreditEvent, CreditEventInput, CreditEventKind, CreditEventStatus, DataSource, Severity,
};
use super::validation::Violations;

const TEXT_MAX: usize = 4000;
const SCOPE_MAX: usize = 200;
const EXPLANATION_MAX: usize = 2000;

crate::text_enum! {
    /// Where a commitment stands. It only moves forward: pending → kept or broken.
    pub enum CommitmentStatus {
        /// Made, not decided yet.
        Pending = "pending",
        Kept = "kept",
        Broken = "broken",
    }
}

crate::text_enum! {
    /// A regulator's finding on a commitment.
    pub enum CommitmentOutcome {
        Kept = "kept",
        Broken = "broken",
    }
}

impl CommitmentOutcome {
    pub fn status(self) -> CommitmentStatus {
        match self {
            CommitmentOutcome::Kept => CommitmentStatus::Kept,
            CommitmentOutcome::Broken => CommitmentStatus::Broken,
        }
    }

    /// The credit event the finding becomes.
    pub fn event_kind(self) -> CreditEventKind {
        match self {
            CommitmentOutcome::Kept => CreditEventKind::CommitmentKept,
            CommitmentOutcome::Broken => CreditEventKind::BrokenCommitment,
        }
    }
}

/// A commitment as an enterprise makes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": "本企业承诺所售茶叶均经第三方检测合格，不合格产品无条件退换。",
    "scope": "product quality",
    "period_start": "2026-12-01",
    "period_end": "2027-11-30"
}))]
pub struct CommitmentInput {
    /// What the enterprise promises, at most 4000 characters.
    #[schema(min_length = 1, pattern = r"\S")]
    pub text: String,
    /// What the commitment covers, e.g. `product quality` or `on-time delivery`.
    #[schema(min_length = 1, pattern = r"\S")]
    pub scope: String,
    pub period_start: NaiveDate,
    /// The last day of the commitment; not before `period_start`, and not already past.
    pub period_end: NaiveDate,
}

/// A validated commitment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCommitment {
    pub text: String,
    pub scope: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

impl CommitmentInput {
    pub fn validate(self, today: NaiveDate) -> Result<NewCommitment, Violations> {
        let mut v = Violations::new();
        let text = v.text("text", &self.text, TEXT_MAX);
        let scope = v.text("scope", &self.scope, SCOPE_MAX);
        v.check(
            self.period_start >= earliest_date(),
            "period_start",
            "must not be before 1949-10-01",
        );
        if self.period_end < self.period_start {
            v.add("period_end", "must not be before period_start");
        } else {
            v.check(
                self.period_end >= today,
                "period_end",
                "must not have passed already",
            );
        }
        v.into_result(NewCommitment {
            text,
            scope,
            period_start: self.period_start,
            period_end: self.period_end,
        })
    }
}

/// A regulator's decision on a commitment: the finding, why, and what the resulting credit
/// event needs (its issuing authority, and for a broken commitment its severity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "broken",
    "explanation": "2027年3月抽检两批次茶叶农残超标，未按承诺退换。",
    "severity": "major",
    "authority": "杭州市西湖区市场监督管理局",
    "document_number": "杭西市监诺〔2027〕4号"
}))]
pub struct CommitmentDecisionInput {
    pub outcome: CommitmentOutcome,
    /// Why; becomes the credit event's description.
    #[schema(min_length = 1, pattern = r"\S")]
    pub explanation: String,
    /// For a broken commitment: the event's severity (default `minor`). A kept commitment's
    /// event is always `minor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The authority that issues the credit event.
    #[schema(min_length = 1, pattern = r"\S")]
    pub authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// End of the event's publicity; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_until: Option<NaiveDate>,
}

/// A validated decision: the finding and the credit event it creates.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentDecision {
    pub outcome: CommitmentOutcome,
    pub explanation: String,
    pub event: CreditEvent,
}

impl CommitmentDecisionInput {
    /// Validates the decision on a commitment of `scope`, decided `today`; the event is checked
    /// by the rules of every credit event, so its fields are named as in a credit event.
    pub fn validate(self, scope: &str, today: NaiveDate) -> Result<CommitmentDecision, Violations> {
        let mut v = Violations::new();
        let explanation = v.text("explanation", &self.explanation, EXPLANATION_MAX);
        let severity = match (self.outcome, self.severity) {
            (CommitmentOutcome::Broken, severity) => severity.unwrap_or(Severity::Minor),
            (CommitmentOutcome::Kept, None | Some(Severity::Minor)) => Severity::Minor,
            (CommitmentOutcome::Kept, Some(_)) => {
                v.add("severity", "applies to a broken commitment only");
                Severity::Minor
            }
        };
        let title = match self.outcome {
            CommitmentOutcome::Kept => format!("信用承诺履约良好：{scope}"),
            CommitmentOutcome::Broken => format!("违反信用承诺：{scope}"),
        };
        let event = CreditEventInput {
            kind: self.outcome.event_kind(),
            severity,
            title,
            description: Some(explanation.clone()),
            authority: self.authority,
            document_number: self.document_number,
            decided_on: today,
            publicity_until: self.publicity_until,
            status: CreditEventStatus::Active,
            source: DataSource::Department,
        }
        .validate(today);
        match event {
            Ok(event) if v.is_empty() => Ok(CommitmentDecision {
                outcome: self.outcome,
                explanation,
                event,
            }),
            Ok(_) => Err(v),
            Err(event_violations) => {
                v.0.extend(event_violations.0);
                Err(v)
            }
        }
    }
}

/// A commitment may be found broken at any time, but kept only once its period has ended.
pub fn decidable(
    outcome: CommitmentOutcome,
    period_end: NaiveDate,
    today: NaiveDate,
) -> Result<(), String> {
    match outcome {
        CommitmentOutcome::Kept if today <= period_end => Err(format!(
            "the commitment runs until {period_end}: it can be found kept only after that"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn input(start: &str, end: &str) -> CommitmentInput {
        CommitmentInput {
            text: "承诺按时发货".into(),
            scope: "on-time delivery".into(),
            period_start: day(start),
            period_end: day(end),
        }
    }

    fn fields(v: Violations) -> Vec<String> {
        v.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_commitment_runs_forward_from_its_start() {
        let today = day("2026-11-22");
        assert!(input("2026-11-01", "2026-11-22").validate(today).is_ok());
        assert_eq!(
            fields(
                input("2026-11-01", "2026-11-21")
                    .validate(today)
                    .unwrap_err()
            ),
            ["period_end"]
        );
        let mut bad = input("2027-01-01", "2026-12-31");
        bad.text = "x".repeat(4001);
        bad.scope = " ".into();
        assert_eq!(
            fields(bad.validate(today).unwrap_err()),
            ["text", "scope", "period_end"]
        );
    }

    #[test]
    fn a_decision_becomes_a_credit_event_of_the_matching_kind() {
        let today = day("2027-12-05");
        let decision: CommitmentDecisionInput = serde_json::from_value(serde_json::json!({
            "outcome": "broken", "explanation": "未按承诺退换", "authority": "市场监督管理局"
        }))
        .unwrap();
        let decided = decision.validate("product quality", today).unwrap();
        assert_eq!(decided.event.kind, CreditEventKind::BrokenCommitment);
        assert_eq!(
            decided.event.polarity,
            super::super::records::Polarity::Negative
        );
        assert_eq!(decided.event.severity, Severity::Minor);
        assert_eq!(decided.event.decided_on, today);
        assert_eq!(decided.event.description.as_deref(), Some("未按承诺退换"));

        let kept: CommitmentDecisionInput = serde_json::from_value(serde_json::json!({
            "outcome": "kept", "explanation": " ", "severity": "serious", "authority": "",
            "publicity_until": "2027-01-01"
        }))
        .unwrap();
        assert_eq!(
            fields(kept.validate("product quality", today).unwrap_err()),
            ["explanation", "severity", "authority", "publicity_until"]
        );
    }

    #[test]
    fn kept_only_after_the_period_broken_any_time() {
        let end = day("2026-12-31");
        assert!(decidable(CommitmentOutcome::Broken, end, day("2026-12-01")).is_ok());
        assert!(decidable(CommitmentOutcome::Kept, end, day("2026-12-31")).is_err());
        assert!(decidable(CommitmentOutcome::Kept, end, day("2027-01-01")).is_ok());
    }
}
