//! Objections (异议, DOMAIN.md "Rules of access"): an enterprise disputes one of its credit events
//! or operating records; the record shows as disputed until a regulator answers, which must
//! happen within 20 days. The rules here are pure: what a filing and an answer must hold, when
//! the answer is due, and what status the record returns to.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::Violations;

/// Days a regulator has to answer. The seeds say "20 days" and name no working-day rule, so
/// these are calendar days: the last day to answer is the filing day plus 20.
pub const ANSWER_DAYS: u64 = 20;
pub const REASON_MAX: usize = 4000;
pub const EXPLANATION_MAX: usize = 4000;
pub const MAX_ATTACHMENTS: usize = 10;
const ATTACHMENT_TITLE_MAX: usize = 200;

crate::text_enum! {
    pub enum ObjectionStatus {
        /// Waiting for a regulator's answer; the record is marked disputed.
        Open = "open",
        Answered = "answered",
    }
}

crate::text_enum! {
    /// A regulator's answer to an objection.
    pub enum Outcome {
        /// The record was wrong and is corrected as the enterprise asked.
        Corrected = "corrected",
        /// The record is corrected in part.
        PartlyCorrected = "partly_corrected",
        /// The record stands as it is.
        Upheld = "upheld",
    }
}

impl Outcome {
    /// Corrected and partly corrected answers change the record; an upheld one does not.
    pub fn corrects(self) -> bool {
        self != Outcome::Upheld
    }
}

/// A document the enterprise points to (a court ruling, a platform statement), by link: the
/// registry keeps no files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    #[schema(min_length = 1, pattern = r"\S")]
    pub title: String,
    /// An absolute http or https URL.
    pub url: String,
}

/// Filing an objection: exactly one of `credit_event_id` and `operating_record_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "credit_event_id": 42,
    "reason": "The penalty was withdrawn on administrative review; see the review decision.",
    "attachments": [{"title": "行政复议决定书", "url": "https://files.example.cn/review-2026-118.pdf"}]
}))]
pub struct ObjectionInput {
    /// The disputed credit event (of the enterprise in the path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_event_id: Option<i64>,
    /// The disputed operating record (of the enterprise in the path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_record_id: Option<i64>,
    /// Why the record is wrong; at most 4000 characters.
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
    /// At most 10 links.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// What an objection disputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionTarget {
    CreditEvent(i64),
    OperatingRecord(i64),
}

impl ObjectionTarget {
    /// The input field that names the target, for error messages.
    pub fn field(self) -> &'static str {
        match self {
            ObjectionTarget::CreditEvent(_) => "credit_event_id",
            ObjectionTarget::OperatingRecord(_) => "operating_record_id",
        }
    }
}

/// A validated filing.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObjection {
    pub target: ObjectionTarget,
    pub reason: String,
    pub attachments: Vec<Attachment>,
}

impl ObjectionInput {
    pub fn validate(self) -> Result<NewObjection, Violations> {
        let mut v = Violations::new();
        let target = match (self.credit_event_id, self.operating_record_id) {
            (Some(id), None) => Some(ObjectionTarget::CreditEvent(id)),
            (None, Some(id)) => Some(ObjectionTarget::OperatingRecord(id)),
            _ => {
                v.add(
                    "credit_event_id",
                    "send exactly one of credit_event_id and operating_record_id",
                );
                None
            }
        };
        let reason = v.text("reason", &self.reason, REASON_MAX);
        v.check(
            self.attachments.len() <= MAX_ATTACHMENTS,
            "attachments",
            format!("at most {MAX_ATTACHMENTS} attachments"),
        );
        let attachments = self
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let title = v.text(
                    &format!("attachments[{i}].title"),
                    &a.title,
                    ATTACHMENT_TITLE_MAX,
                );
                let field = format!("attachments[{i}].url");
                let url = v.url(&field, Some(&a.url)).unwrap_or_else(|| {
                    v.add(&field, "must not be empty");
                    String::new()
                });
                Attachment { title, url }
            })
            .collect();
        match target {
            Some(target) if v.is_empty() => Ok(NewObjection {
                target,
                reason,
                attachments,
            }),
            _ => Err(v),
        }
    }
}

/// A regulator's answer. `correction` holds the fields to change, with the same names and rules
/// as the record's PATCH body (`CreditEventPatch` or `OperatingPatch`); it is required for
/// `corrected` and `partly_corrected` and refused for `upheld`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "corrected",
    "explanation": "The review decision withdrew the penalty; the event is revoked.",
    "correction": {"status": "revoked"}
}))]
pub struct AnswerInput {
    pub outcome: Outcome,
    /// Why; kept with the answer. At most 4000 characters.
    #[schema(min_length = 1, pattern = r"\S")]
    pub explanation: String,
    /// The field changes to apply to the disputed record (a `CreditEventPatch` or an
    /// `OperatingPatch`, without `reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub correction: Option<serde_json::Value>,
}

/// A validated answer; the correction is still raw, as its type depends on the record.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub outcome: Outcome,
    pub explanation: String,
    pub correction: Option<serde_json::Value>,
}

impl AnswerInput {
    pub fn validate(self) -> Result<Answer, Violations> {
        let mut v = Violations::new();
        let explanation = v.text("explanation", &self.explanation, EXPLANATION_MAX);
        let correction = self.correction.filter(|c| !c.is_null());
        match (&correction, self.outcome.corrects()) {
            (None, true) => v.add(
                "correction",
                format!("a {} answer names the fields it corrects", self.outcome),
            ),
            (Some(_), false) => v.add("correction", "an upheld record is not corrected"),
            (Some(c), true) if !c.is_object() => {
                v.add("correction", "must be an object of the fields to change")
            }
            _ => {}
        }
        v.into_result(Answer {
            outcome: self.outcome,
            explanation,
            correction,
        })
    }
}

/// The last day a regulator may answer an objection filed on `filed_on`.
pub fn deadline(filed_on: NaiveDate) -> NaiveDate {
    filed_on + Days::new(ANSWER_DAYS)
}

/// Overdue: still open, and `today` is past the deadline.
pub fn is_overdue(status: ObjectionStatus, deadline: NaiveDate, today: NaiveDate) -> bool {
    status == ObjectionStatus::Open && today > deadline
}

/// The status a disputed record returns to when its objection is answered: the one the
/// correction sets, else the one it had before the dispute. A record someone re-marked in the
/// meantime (no longer `disputed`) keeps what it has.
pub fn status_after_answer<S: Copy + PartialEq>(
    current: S,
    disputed: S,
    before_dispute: S,
    set_by_correction: Option<S>,
) -> S {
    match set_by_correction {
        Some(status) => status,
        None if current == disputed => before_dispute,
        None => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filing(body: serde_json::Value) -> Result<NewObjection, Violations> {
        serde_json::from_value::<ObjectionInput>(body)
            .unwrap()
            .validate()
    }

    fn fields(v: Violations) -> Vec<String> {
        v.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_filing_names_one_record_a_reason_and_web_links() {
        let ok = filing(
            json!({"operating_record_id": 3, "reason": " wrong figures ",
            "attachments": [{"title": "平台对账单", "url": "https://example.cn/a.pdf"}]}),
        )
        .unwrap();
        assert_eq!(ok.target, ObjectionTarget::OperatingRecord(3));
        assert_eq!(ok.reason, "wrong figures");

        let both = filing(json!({"credit_event_id": 1, "operating_record_id": 3, "reason": "x"}));
        assert_eq!(fields(both.unwrap_err()), vec!["credit_event_id"]);
        let neither = filing(json!({"reason": "x"}));
        assert_eq!(fields(neither.unwrap_err()), vec!["credit_event_id"]);

        let bad = filing(json!({"credit_event_id": 1, "reason": "   ",
            "attachments": [{"title": "", "url": "ftp://example.cn/a"}, {"title": "t", "url": ""}]}));
        assert_eq!(
            fields(bad.unwrap_err()),
            vec![
                "reason",
                "attachments[0].title",
                "attachments[0].url",
                "attachments[1].url"
            ]
        );
        let long = "长".repeat(REASON_MAX + 1);
        assert!(filing(json!({"credit_event_id": 1, "reason": long})).is_err());
        let many: Vec<_> = (0..=MAX_ATTACHMENTS)
            .map(|i| json!({"title": format!("t{i}"), "url": "https://example.cn"}))
            .collect();
        let too_many = filing(json!({"credit_event_id": 1, "reason": "x", "attachments": many}));
        assert_eq!(fields(too_many.unwrap_err()), vec!["attachments"]);
    }

    #[test]
    fn corrections_go_with_corrected_answers_only() {
        let answer = |body: serde_json::Value| {
            serde_json::from_value::<AnswerInput>(body)
                .unwrap()
                .validate()
        };
        assert!(answer(json!({"outcome": "upheld", "explanation": "correct as recorded"})).is_ok());
        assert!(
            answer(json!({"outcome": "partly_corrected", "explanation": "e",
                "correction": {"severity": "minor"}}))
            .is_ok()
        );
        let missing = answer(json!({"outcome": "corrected", "explanation": "e"}));
        assert_eq!(fields(missing.unwrap_err()), vec!["correction"]);
        let unwanted = answer(json!({"outcome": "upheld", "explanation": "e",
            "correction": {"severity": "minor"}}));
        assert_eq!(fields(unwanted.unwrap_err()), vec!["correction"]);
        let not_object = answer(json!({"outcome": "corrected", "explanation": "e",
            "correction": [1]}));
        assert_eq!(fields(not_object.unwrap_err()), vec!["correction"]);
        let blank = answer(json!({"outcome": "upheld", "explanation": " "}));
        assert_eq!(fields(blank.unwrap_err()), vec!["explanation"]);
    }

    #[test]
    fn the_answer_is_due_twenty_calendar_days_after_filing() {
        let filed = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let due = deadline(filed);
        assert_eq!(due, NaiveDate::from_ymd_opt(2026, 12, 12).unwrap());
        assert!(!is_overdue(ObjectionStatus::Open, due, due));
        assert!(is_overdue(ObjectionStatus::Open, due, due + Days::new(1)));
        assert!(!is_overdue(
            ObjectionStatus::Answered,
            due,
            due + Days::new(1)
        ));
    }

    #[test]
    fn an_answer_restores_the_status_unless_the_correction_sets_one() {
        // (current, disputed, before the dispute, set by the correction)
        assert_eq!(
            status_after_answer("disputed", "disputed", "active", None),
            "active"
        );
        assert_eq!(
            status_after_answer("disputed", "disputed", "active", Some("revoked")),
            "revoked"
        );
        assert_eq!(
            status_after_answer("revoked", "disputed", "active", None),
            "revoked"
        );
    }
}
