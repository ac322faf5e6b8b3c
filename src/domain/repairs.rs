//! Credit repair (信用修复): an enterprise applies to repair one of its negative credit events or
//! a blacklist entry, saying what it corrected and linking its evidence; a regulator approves or
//! rejects. An approved repair ends the event's publicity early (status `repaired`) or removes
//! the list entry.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lists::{ListEntryState, ListKind};
use super::records::{CreditEvent, CreditEventStatus, Polarity};
use super::validation::Violations;

const CORRECTIONS_MAX: usize = 4000;
const EXPLANATION_MAX: usize = 2000;
const EVIDENCE_MAX: usize = 10;
const TITLE_MAX: usize = 200;
const DOCUMENT_MAX: usize = 100;

crate::text_enum! {
    /// Where an application stands. It only moves forward: pending → approved or rejected.
    pub enum RepairStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

crate::text_enum! {
    pub enum RepairOutcome {
        Approved = "approved",
        Rejected = "rejected",
    }
}

impl RepairOutcome {
    pub fn status(self) -> RepairStatus {
        match self {
            RepairOutcome::Approved => RepairStatus::Approved,
            RepairOutcome::Rejected => RepairStatus::Rejected,
        }
    }
}

/// What is to be repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairTarget {
    CreditEvent(i64),
    ListEntry(i64),
}

/// A link to a piece of evidence (a rectification report, a payment receipt…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceLink {
    #[schema(min_length = 1, pattern = r"\S")]
    pub title: String,
    /// An absolute http or https URL.
    pub url: String,
}

/// An application for credit repair. Name exactly one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "credit_event_id": 12,
    "corrections": "已全额缴纳罚款，下架涉事商品并完成直播话术整改，相关人员已完成合规培训。",
    "evidence": [
        {"title": "罚款缴纳凭证", "url": "https://files.example.cn/repair/receipt-118.pdf"},
        {"title": "整改报告", "url": "https://files.example.cn/repair/rectification-118.pdf"}
    ]
}))]
pub struct RepairInput {
    /// A negative credit event of the enterprise, active or disputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_event_id: Option<i64>,
    /// A current blacklist entry of the enterprise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_entry_id: Option<i64>,
    /// What the enterprise corrected.
    #[schema(min_length = 1, pattern = r"\S")]
    pub corrections: String,
    /// Up to 10 links.
    #[serde(default)]
    pub evidence: Vec<EvidenceLink>,
}

/// A validated application.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRepair {
    pub target: RepairTarget,
    pub corrections: String,
    pub evidence: Vec<EvidenceLink>,
}

impl RepairInput {
    pub fn validate(self) -> Result<NewRepair, Violations> {
        let mut v = Violations::new();
        let target = match (self.credit_event_id, self.list_entry_id) {
            (Some(id), None) => Some(RepairTarget::CreditEvent(id)),
            (None, Some(id)) => Some(RepairTarget::ListEntry(id)),
            (Some(_), Some(_)) => {
                v.add(
                    "list_entry_id",
                    "name either credit_event_id or list_entry_id, not both",
                );
                None
            }
            (None, None) => {
                v.add(
                    "credit_event_id",
                    "name the credit event (or list_entry_id the blacklist entry) to repair",
                );
                None
            }
        };
        let corrections = v.text("corrections", &self.corrections, CORRECTIONS_MAX);
        v.check(
            self.evidence.len() <= EVIDENCE_MAX,
            "evidence",
            format!("at most {EVIDENCE_MAX} links"),
        );
        let evidence = self
            .evidence
            .iter()
            .enumerate()
            .map(|(i, link)| {
                let title = v.text(&format!("evidence[{i}].title"), &link.title, TITLE_MAX);
                let url_field = format!("evidence[{i}].url");
                let url = match v.url(&url_field, Some(&link.url)) {
                    Some(url) => url,
                    None => {
                        v.add(&url_field, "must not be empty");
                        String::new()
                    }
                };
                EvidenceLink { title, url }
            })
            .collect();
        match target {
            Some(target) if v.is_empty() => Ok(NewRepair {
                target,
                corrections,
                evidence,
            }),
            _ => Err(v),
        }
    }
}

/// A regulator's decision on an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "approved",
    "explanation": "企业已履行处罚决定并完成整改，符合信用修复条件，准予修复。",
    "document_number": "杭西市监修〔2026〕7号"
}))]
pub struct RepairDecisionInput {
    pub outcome: RepairOutcome,
    /// Why; for an approved blacklist repair it is the removal decision shown on the entry.
    #[schema(min_length = 1, pattern = r"\S")]
    pub explanation: String,
    /// The number of the repair decision. Required to approve the repair of a blacklist entry
    /// (the list shows it), optional otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
}

/// A validated decision.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairDecision {
    pub outcome: RepairOutcome,
    pub explanation: String,
    pub document_number: Option<String>,
}

impl RepairDecisionInput {
    pub fn validate(self) -> Result<RepairDecision, Violations> {
        let mut v = Violations::new();
        let explanation = v.text("explanation", &self.explanation, EXPLANATION_MAX);
        let document_number = v.optional_text(
            "document_number",
            self.document_number.as_deref(),
            DOCUMENT_MAX,
        );
        v.into_result(RepairDecision {
            outcome: self.outcome,
            explanation,
            document_number,
        })
    }
}

/// Why a credit event cannot be repaired, if it cannot: a positive event has nothing to repair
/// (422), and only an event in force (active or disputed) can be (409).
pub fn check_event_repairable(event: &CreditEvent) -> Result<(), Refusal> {
    if event.polarity != Polarity::Negative {
        return Err(Refusal::Invalid(
            "only a negative credit event can be repaired".into(),
        ));
    }
    match event.status {
        CreditEventStatus::Active | CreditEventStatus::Disputed => Ok(()),
        status => Err(Refusal::State(format!(
            "the credit event is {status}: only an active or disputed event can be repaired"
        ))),
    }
}

/// Why a list entry cannot be repaired, if it cannot: only the blacklist is repaired (422), and
/// only an entry the enterprise is on now (409).
pub fn check_entry_repairable(list: ListKind, state: ListEntryState) -> Result<(), Refusal> {
    if list != ListKind::Blacklist {
        return Err(Refusal::Invalid(
            "only a blacklist entry can be repaired".into(),
        ));
    }
    match state {
        ListEntryState::Current | ListEntryState::Upcoming => Ok(()),
        state => Err(Refusal::State(format!(
            "the list entry is {state}: only a current entry can be repaired"
        ))),
    }
}

/// A refused target: the application is wrong in itself, or the target is not in a state that
/// can be repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Invalid(String),
    State(String),
}

/// The event after an approved repair: `repaired`, its publicity ended `today` (never extended).
pub fn repaired_event(before: &CreditEvent, today: NaiveDate) -> CreditEvent {
    let mut after = before.clone();
    after.status = CreditEventStatus::Repaired;
    after.publicity_until = Some(
        before
            .publicity_until
            .map_or(today, |until| until.min(today)),
    );
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::CreditEventInput;

    fn fields(v: Violations) -> Vec<String> {
        v.0.into_iter().map(|e| e.field).collect()
    }

    fn application(body: serde_json::Value) -> RepairInput {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn an_application_names_one_target_and_valid_links() {
        let ok = application(serde_json::json!({
            "credit_event_id": 3, "corrections": "已整改",
            "evidence": [{"title": "整改报告", "url": "https://files.example.cn/r.pdf"}]
        }))
        .validate()
        .unwrap();
        assert_eq!(ok.target, RepairTarget::CreditEvent(3));
        let bad = application(serde_json::json!({
            "credit_event_id": 3, "list_entry_id": 4, "corrections": " ",
            "evidence": [{"title": "", "url": "javascript:alert(1)"}, {"title": "t", "url": ""}]
        }));
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            [
                "list_entry_id",
                "corrections",
                "evidence[0].title",
                "evidence[0].url",
                "evidence[1].url"
            ]
        );
        let link = serde_json::json!({"title": "t", "url": "https://e.cn/x"});
        let many = application(serde_json::json!({
            "corrections": "x", "evidence": vec![link; 11]
        }));
        assert_eq!(
            fields(many.validate().unwrap_err()),
            ["credit_event_id", "evidence"]
        );
    }

    fn event(kind: &str, status: &str, until: Option<&str>) -> CreditEvent {
        serde_json::from_value::<CreditEventInput>(serde_json::json!({
            "kind": kind, "severity": "major", "title": "t", "authority": "a",
            "decided_on": "2026-01-01", "publicity_until": until, "status": status
        }))
        .unwrap()
        .validate("2026-11-22".parse().unwrap())
        .unwrap()
    }

    #[test]
    fn only_negative_events_in_force_are_repaired() {
        assert!(check_event_repairable(&event("administrative_penalty", "active", None)).is_ok());
        assert!(check_event_repairable(&event("tax_violation", "disputed", None)).is_ok());
        assert!(matches!(
            check_event_repairable(&event("honour", "active", None)),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            check_event_repairable(&event("tax_violation", "revoked", None)),
            Err(Refusal::State(_))
        ));
        assert!(matches!(
            check_entry_repairable(ListKind::Redlist, ListEntryState::Current),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            check_entry_repairable(ListKind::Blacklist, ListEntryState::Expired),
            Err(Refusal::State(_))
        ));
    }

    #[test]
    fn a_repair_ends_publicity_today_but_never_extends_it() {
        let today: NaiveDate = "2026-11-22".parse().unwrap();
        let open = repaired_event(&event("tax_violation", "active", None), today);
        assert_eq!(open.status, CreditEventStatus::Repaired);
        assert_eq!(open.publicity_until, Some(today));
        let later = repaired_event(&event("tax_violation", "active", Some("2029-01-01")), today);
        assert_eq!(later.publicity_until, Some(today));
        let ended = repaired_event(&event("tax_violation", "active", Some("2026-06-30")), today);
        assert_eq!(ended.publicity_until, Some("2026-06-30".parse().unwrap()));
    }
}
