//! The credit lists (DOMAIN.md, "Reports and lists"): the blacklist (严重失信名单) and the
//! redlist (守信激励名单).
//!
//! An entry is proposed (by a rule) and then confirmed or rejected by a regulator, or added by a
//! regulator directly; a confirmed entry is current from its start until it expires or is removed
//! by credit repair (信用修复). Nothing is deleted: the status only moves forward, and "current"
//! and "expired" follow from the dates. The proposal rules are pure functions over the facts.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credit_code::CreditCode;
use super::enterprise::check_past_date;
use super::records::{
    CreditEvent, CreditEventKind, CreditEventStatus, Polarity, is_serious_negative,
};
use super::validation::Violations;
use crate::scoring::grade::Grade;

crate::text_enum! {
    /// The two credit lists.
    pub enum ListKind {
        /// 严重失信名单
        Blacklist = "blacklist",
        /// 守信激励名单
        Redlist = "redlist",
    }
}

crate::text_enum! {
    /// The stored status of an entry. It only moves forward: proposed → active or rejected,
    /// active → removed.
    pub enum ListEntryStatus {
        /// Proposed by a rule, waiting for a regulator.
        Proposed = "proposed",
        /// Confirmed or added by a regulator; current between its start and its expiry.
        Active = "active",
        /// A proposal a regulator turned down.
        Rejected = "rejected",
        /// Ended early by credit repair (信用修复).
        Removed = "removed",
    }
}

crate::text_enum! {
    /// What an entry is on a given day: the stored status with the dates applied.
    pub enum ListEntryState {
        Proposed = "proposed",
        /// Active, started and not past its expiry.
        Current = "current",
        /// Active but past its expiry: off the list.
        Expired = "expired",
        /// Confirmed with a start in the future (not reachable through the API, which refuses a
        /// future start, but a stored date may say so).
        Upcoming = "upcoming",
        Rejected = "rejected",
        Removed = "removed",
    }
}

crate::text_enum! {
    /// The rules that propose entries; a rule's proposal is made by `rule:<name>`.
    pub enum ProposalRule {
        /// An active (or disputed) dishonest-judgment-debtor (失信被执行人) event.
        DishonestJudgmentDebtor = "dishonest_judgment_debtor",
        /// Three serious negative events decided within the last 12 months.
        ThreeSeriousIn12Months = "three_serious_in_12_months",
        /// AAA published in the two latest evaluations, with no negative event.
        AaaTwice = "aaa_twice",
    }
}

impl ProposalRule {
    pub fn list(self) -> ListKind {
        match self {
            ProposalRule::DishonestJudgmentDebtor | ProposalRule::ThreeSeriousIn12Months => {
                ListKind::Blacklist
            }
            ProposalRule::AaaTwice => ListKind::Redlist,
        }
    }

    /// The `proposed_by` of the rule's proposals.
    pub fn actor(self) -> String {
        format!("rule:{}", self.as_str())
    }
}

/// The state of an entry on `today`.
pub fn state(
    status: ListEntryStatus,
    starts_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ListEntryState {
    match status {
        ListEntryStatus::Proposed => ListEntryState::Proposed,
        ListEntryStatus::Rejected => ListEntryState::Rejected,
        ListEntryStatus::Removed => ListEntryState::Removed,
        ListEntryStatus::Active if expires_on.is_some_and(|end| end < today) => {
            ListEntryState::Expired
        }
        ListEntryStatus::Active if starts_on > today => ListEntryState::Upcoming,
        ListEntryStatus::Active => ListEntryState::Current,
    }
}

/// A decision on an entry, and the one status it may be taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Confirm,
    Reject,
    Remove,
}

impl Transition {
    pub fn from(self) -> ListEntryStatus {
        match self {
            Transition::Confirm | Transition::Reject => ListEntryStatus::Proposed,
            Transition::Remove => ListEntryStatus::Active,
        }
    }

    pub fn to(self) -> ListEntryStatus {
        match self {
            Transition::Confirm => ListEntryStatus::Active,
            Transition::Reject => ListEntryStatus::Rejected,
            Transition::Remove => ListEntryStatus::Removed,
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            Transition::Confirm => "confirm",
            Transition::Reject => "reject",
            Transition::Remove => "remove",
        }
    }

    /// Whether an entry in `state` may take this transition: a proposal may be confirmed or
    /// rejected; only a current entry may be removed (an expired one has left the list already).
    pub fn allowed_from(self, state: ListEntryState) -> bool {
        match self {
            Transition::Confirm | Transition::Reject => state == ListEntryState::Proposed,
            Transition::Remove => {
                matches!(state, ListEntryState::Current | ListEntryState::Upcoming)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs

const REASON_MAX: usize = 2000;
const LEGAL_BASIS_MAX: usize = 1000;
const AUTHORITY_MAX: usize = 200;
const DOCUMENT_MAX: usize = 100;

/// A regulator's direct addition to a list: active at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "enterprise_code": "91330100799655058B",
    "reason": "拒不履行生效判决，被列为失信被执行人",
    "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
    "authority": "杭州市市场监督管理局",
    "document_number": "杭市监信〔2026〕12号",
    "starts_on": "2026-11-20",
    "expires_on": "2029-11-19"
}))]
pub struct ListEntryInput {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub legal_basis: String,
    /// The authority that decides the listing.
    #[schema(min_length = 1, pattern = r"\S")]
    pub authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// First day on the list; today when absent. Never in the future.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<NaiveDate>,
    /// Last day on the list; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
}

/// A validated direct addition.
#[derive(Debug, Clone, PartialEq)]
pub struct NewListing {
    pub enterprise_code: CreditCode,
    pub reason: String,
    pub terms: ListingTerms,
}

/// What a regulator settles when an entry becomes active.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListingTerms {
    pub legal_basis: String,
    pub authority: String,
    pub document_number: Option<String>,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

fn check_terms(
    v: &mut Violations,
    legal_basis: &str,
    authority: &str,
    document_number: Option<&str>,
    starts_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ListingTerms {
    let legal_basis = v.text("legal_basis", legal_basis, LEGAL_BASIS_MAX);
    let authority = v.text("authority", authority, AUTHORITY_MAX);
    let document_number = v.optional_text("document_number", document_number, DOCUMENT_MAX);
    let starts_on = starts_on.unwrap_or(today);
    check_past_date(v, "starts_on", starts_on, today);
    if let Some(end) = expires_on {
        v.check(end > starts_on, "expires_on", "must be after starts_on");
        v.check(end >= today, "expires_on", "must not have passed already");
    }
    ListingTerms {
        legal_basis,
        authority,
        document_number,
        starts_on,
        expires_on,
    }
}

impl ListEntryInput {
    pub fn validate(self, today: NaiveDate) -> Result<NewListing, Violations> {
        let mut v = Violations::new();
        let code = CreditCode::parse(&self.enterprise_code)
            .map_err(|e| v.add("enterprise_code", e.to_string()))
            .ok();
        let reason = v.text("reason", &self.reason, REASON_MAX);
        let terms = check_terms(
            &mut v,
            &self.legal_basis,
            &self.authority,
            self.document_number.as_deref(),
            self.starts_on,
            self.expires_on,
            today,
        );
        match code {
            Some(enterprise_code) if v.is_empty() => Ok(NewListing {
                enterprise_code,
                reason,
                terms,
            }),
            _ => Err(v),
        }
    }
}

/// A regulator's confirmation of a proposal, completing what the rule could not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "legal_basis": "《浙江省公共信用信息管理条例》第二十四条",
    "authority": "杭州市市场监督管理局",
    "document_number": "杭市监信〔2026〕15号",
    "expires_on": "2029-11-21"
}))]
pub struct ConfirmInput {
    #[schema(min_length = 1, pattern = r"\S")]
    pub legal_basis: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// First day on the list; today when absent. Never in the future.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    /// Replaces the rule's reason when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A validated confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    pub terms: ListingTerms,
    pub reason: Option<String>,
}

impl ConfirmInput {
    pub fn validate(self, today: NaiveDate) -> Result<Confirmation, Violations> {
        let mut v = Violations::new();
        let terms = check_terms(
            &mut v,
            &self.legal_basis,
            &self.authority,
            self.document_number.as_deref(),
            self.starts_on,
            self.expires_on,
            today,
        );
        let reason = self
            .reason
            .as_deref()
            .map(|r| v.text("reason", r, REASON_MAX));
        v.into_result(Confirmation { terms, reason })
    }
}

/// Why a proposal is turned down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "判决已履行完毕，不符合列入条件"}))]
pub struct RejectInput {
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
}

impl RejectInput {
    pub fn validate(self) -> Result<String, Violations> {
        let mut v = Violations::new();
        let reason = v.text("reason", &self.reason, REASON_MAX);
        v.into_result(reason)
    }
}

/// The credit-repair decision (信用修复决定) that ends a listing early.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "decision": "企业已履行判决义务并作出信用承诺，准予信用修复",
    "document_number": "杭市监修〔2026〕3号",
    "decided_on": "2026-11-21"
}))]
pub struct RemoveInput {
    #[schema(min_length = 1, pattern = r"\S")]
    pub decision: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub document_number: String,
    /// The day of the repair decision: not in the future, not before the entry started.
    pub decided_on: NaiveDate,
}

/// A validated credit-repair decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Removal {
    pub decision: String,
    pub document_number: String,
    pub decided_on: NaiveDate,
}

impl RemoveInput {
    pub fn validate(self, today: NaiveDate) -> Result<Removal, Violations> {
        let mut v = Violations::new();
        let decision = v.text("decision", &self.decision, REASON_MAX);
        let document_number = v.text("document_number", &self.document_number, DOCUMENT_MAX);
        check_past_date(&mut v, "decided_on", self.decided_on, today);
        v.into_result(Removal {
            decision,
            document_number,
            decided_on: self.decided_on,
        })
    }
}

impl Removal {
    /// A removal decided before the entry began is inconsistent.
    pub fn check_against(&self, starts_on: NaiveDate) -> Result<(), Violations> {
        let mut v = Violations::new();
        v.check(
            self.decided_on >= starts_on,
            "decided_on",
            format!("must not be before the entry started ({starts_on})"),
        );
        v.into_result(())
    }
}

// ---------------------------------------------------------------------------------------------
// Proposal rules

/// What the rules need to know of an enterprise's existing entries on a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFacts {
    pub list: ListKind,
    pub status: ListEntryStatus,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    /// The day the entry (or its proposal) was made.
    pub created_on: NaiveDate,
}

/// A proposal a rule makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub rule: ProposalRule,
    pub reason: String,
    /// The latest fact the proposal rests on; see `blocks`.
    pub basis_on: NaiveDate,
}

impl Proposal {
    pub fn list(&self) -> ListKind {
        self.rule.list()
    }
}

/// Whether the enterprise's entries rule out a proposal on `list` resting on facts of
/// `basis_on`: a pending proposal or a current entry does; so does any entry made on or after
/// `basis_on` (a regulator has already decided on these facts: a rejected proposal is not made
/// again until a newer fact arrives, nor is an entry that was repaired or has expired).
fn blocked(list: ListKind, basis_on: NaiveDate, entries: &[EntryFacts], today: NaiveDate) -> bool {
    entries.iter().filter(|e| e.list == list).any(|e| {
        matches!(
            state(e.status, e.starts_on, e.expires_on, today),
            ListEntryState::Proposed | ListEntryState::Current | ListEntryState::Upcoming
        ) || e.created_on >= basis_on
    })
}

fn in_force(event: &CreditEvent) -> bool {
    matches!(
        event.status,
        CreditEventStatus::Active | CreditEventStatus::Disputed
    )
}

/// The blacklist rule: an active (or disputed) dishonest-judgment-debtor event, or three
/// serious negative events (see `is_serious_negative`) decided within the last 12 months.
pub fn blacklist_proposal(
    events: &[CreditEvent],
    entries: &[EntryFacts],
    today: NaiveDate,
) -> Option<Proposal> {
    let debtor = events
        .iter()
        .filter(|e| {
            e.kind == CreditEventKind::DishonestJudgmentDebtor
                && in_force(e)
                && e.decided_on <= today
        })
        .max_by_key(|e| e.decided_on);
    let proposal = if let Some(event) = debtor {
        Proposal {
            rule: ProposalRule::DishonestJudgmentDebtor,
            reason: format!(
                "失信被执行人: {} ({}, {})",
                event.title, event.authority, event.decided_on
            ),
            basis_on: event.decided_on,
        }
    } else {
        let year_ago = today.checked_sub_months(Months::new(12))?;
        let mut serious: Vec<&CreditEvent> = events
            .iter()
            .filter(|e| {
                is_serious_negative(e.kind, e.severity)
                    && in_force(e)
                    && e.decided_on > year_ago
                    && e.decided_on <= today
            })
            .collect();
        if serious.len() < 3 {
            return None;
        }
        serious.sort_by_key(|e| e.decided_on);
        let latest = serious.last()?.decided_on;
        Proposal {
            rule: ProposalRule::ThreeSeriousIn12Months,
            reason: format!(
                "{} serious negative events within 12 months, the latest on {latest}",
                serious.len()
            ),
            basis_on: latest,
        }
    };
    (!blocked(ListKind::Blacklist, proposal.basis_on, entries, today)).then_some(proposal)
}

/// Are the two latest published grades both AAA? The cheap first test of the redlist rule.
pub fn aaa_twice(latest: Grade, previous: Option<Grade>) -> bool {
    latest == Grade::Aaa && previous == Some(Grade::Aaa)
}

/// The redlist rule: AAA published in the two latest evaluations (the earlier one as of
/// `previous_as_of`) and no negative event in force (active or disputed, publicity running).
pub fn redlist_proposal(
    latest: Grade,
    previous: Option<Grade>,
    previous_as_of: NaiveDate,
    events: &[CreditEvent],
    entries: &[EntryFacts],
    today: NaiveDate,
) -> Option<Proposal> {
    if !aaa_twice(latest, previous) {
        return None;
    }
    let negative = events.iter().any(|e| {
        e.polarity == Polarity::Negative
            && in_force(e)
            && e.publicity_until.is_none_or(|until| until >= today)
    });
    if negative {
        return None;
    }
    let proposal = Proposal {
        rule: ProposalRule::AaaTwice,
        reason: "AAA in two consecutive evaluations, with no negative credit event".into(),
        basis_on: previous_as_of,
    };
    (!blocked(ListKind::Redlist, proposal.basis_on, entries, today)).then_some(proposal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::CreditEventInput;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn today() -> NaiveDate {
        day("2026-11-22")
    }

    fn event(kind: &str, severity: &str, decided_on: &str, status: &str) -> CreditEvent {
        let input: CreditEventInput = serde_json::from_value(serde_json::json!({
            "kind": kind, "severity": severity, "title": "t", "authority": "a",
            "decided_on": decided_on, "status": status
        }))
        .unwrap();
        input.validate(today()).unwrap()
    }

    fn entry(list: ListKind, status: ListEntryStatus, created_on: &str) -> EntryFacts {
        EntryFacts {
            list,
            status,
            starts_on: day(created_on),
            expires_on: None,
            created_on: day(created_on),
        }
    }

    #[test]
    fn states_follow_the_dates() {
        let active = ListEntryStatus::Active;
        let start = day("2026-01-01");
        assert_eq!(state(active, start, None, today()), ListEntryState::Current);
        assert_eq!(
            state(active, start, Some(day("2026-11-22")), today()),
            ListEntryState::Current,
            "current through its last day"
        );
        assert_eq!(
            state(active, start, Some(day("2026-11-21")), today()),
            ListEntryState::Expired
        );
        assert_eq!(
            state(active, day("2026-12-01"), None, today()),
            ListEntryState::Upcoming
        );
        assert_eq!(
            state(ListEntryStatus::Removed, start, None, today()),
            ListEntryState::Removed
        );
    }

    #[test]
    fn transitions_go_forward_only() {
        use ListEntryState::*;
        assert!(Transition::Confirm.allowed_from(Proposed));
        assert!(Transition::Reject.allowed_from(Proposed));
        for state in [Current, Expired, Rejected, Removed] {
            assert!(!Transition::Confirm.allowed_from(state), "{state}");
            assert!(!Transition::Reject.allowed_from(state), "{state}");
        }
        assert!(Transition::Remove.allowed_from(Current));
        for state in [Proposed, Expired, Rejected, Removed] {
            assert!(!Transition::Remove.allowed_from(state), "{state}");
        }
        assert_eq!(Transition::Remove.from(), ListEntryStatus::Active);
        assert_eq!(Transition::Confirm.to(), ListEntryStatus::Active);
    }

    #[test]
    fn direct_additions_are_validated() {
        let input = |starts: Option<&str>, expires: Option<&str>| ListEntryInput {
            enterprise_code: "91330100799655058B".into(),
            reason: "r".into(),
            legal_basis: "b".into(),
            authority: "a".into(),
            document_number: None,
            starts_on: starts.map(day),
            expires_on: expires.map(day),
        };
        let ok = input(None, Some("2027-01-01")).validate(today()).unwrap();
        assert_eq!(ok.terms.starts_on, today(), "starts today by default");
        let fields = |i: ListEntryInput| -> Vec<String> {
            i.validate(today())
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(input(Some("2026-12-01"), None)), ["starts_on"]);
        assert_eq!(
            fields(input(Some("2026-01-01"), Some("2025-12-31"))),
            ["expires_on", "expires_on"]
        );
        assert_eq!(
            fields(input(Some("2026-01-01"), Some("2026-06-01"))),
            ["expires_on"]
        );
        let mut blank = input(None, None);
        blank.reason = " ".into();
        blank.legal_basis = String::new();
        blank.authority = "x".repeat(201);
        blank.enterprise_code = "123".into();
        assert_eq!(
            fields(blank),
            ["enterprise_code", "reason", "legal_basis", "authority"]
        );
    }

    #[test]
    fn removal_needs_a_decision_dated_within_the_listing() {
        let removal = RemoveInput {
            decision: "准予修复".into(),
            document_number: "修〔2026〕3号".into(),
            decided_on: day("2026-11-01"),
        }
        .validate(today())
        .unwrap();
        assert!(removal.check_against(day("2026-10-01")).is_ok());
        assert!(removal.check_against(day("2026-11-02")).is_err());
        let future = RemoveInput {
            decision: " ".into(),
            document_number: "n".into(),
            decided_on: day("2026-11-23"),
        };
        let fields: Vec<String> = future
            .validate(today())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["decision", "decided_on"]);
    }

    #[test]
    fn a_dishonest_debtor_is_proposed_for_the_blacklist() {
        let events = [event(
            "dishonest_judgment_debtor",
            "major",
            "2026-05-01",
            "active",
        )];
        let proposal = blacklist_proposal(&events, &[], today()).unwrap();
        assert_eq!(proposal.rule, ProposalRule::DishonestJudgmentDebtor);
        assert_eq!(proposal.list(), ListKind::Blacklist);
        assert_eq!(proposal.rule.actor(), "rule:dishonest_judgment_debtor");
        assert_eq!(proposal.basis_on, day("2026-05-01"));
        // Disputed still counts; repaired or revoked does not.
        let disputed = [event(
            "dishonest_judgment_debtor",
            "major",
            "2026-05-01",
            "disputed",
        )];
        assert!(blacklist_proposal(&disputed, &[], today()).is_some());
        for status in ["repaired", "revoked"] {
            let ended = [event(
                "dishonest_judgment_debtor",
                "major",
                "2026-05-01",
                status,
            )];
            assert!(
                blacklist_proposal(&ended, &[], today()).is_none(),
                "{status}"
            );
        }
    }

    #[test]
    fn three_serious_events_within_12_months() {
        let serious = |d: &str| event("administrative_penalty", "serious", d, "active");
        let two = [serious("2026-01-10"), serious("2026-06-01")];
        assert!(blacklist_proposal(&two, &[], today()).is_none());
        let three = [
            serious("2026-01-10"),
            serious("2026-06-01"),
            serious("2026-09-30"),
        ];
        let proposal = blacklist_proposal(&three, &[], today()).unwrap();
        assert_eq!(proposal.rule, ProposalRule::ThreeSeriousIn12Months);
        assert_eq!(proposal.basis_on, day("2026-09-30"));
        // One of them more than 12 months ago: not three within the window.
        let spread = [
            serious("2025-11-22"),
            serious("2026-06-01"),
            serious("2026-09-30"),
        ];
        assert!(blacklist_proposal(&spread, &[], today()).is_none());
        // Major (not serious) events and revoked ones do not count.
        let mixed = [
            serious("2026-01-10"),
            serious("2026-06-01"),
            event("administrative_penalty", "major", "2026-09-30", "active"),
            event("administrative_penalty", "serious", "2026-10-01", "revoked"),
        ];
        assert!(blacklist_proposal(&mixed, &[], today()).is_none());
        // Positive events are never serious negatives.
        let honours = [
            serious("2026-01-10"),
            serious("2026-06-01"),
            event("honour", "serious", "2026-09-30", "active"),
        ];
        assert!(blacklist_proposal(&honours, &[], today()).is_none());
    }

    #[test]
    fn no_proposal_beside_a_pending_or_current_entry_or_a_decision_on_the_same_facts() {
        let events = [event(
            "dishonest_judgment_debtor",
            "major",
            "2026-05-01",
            "active",
        )];
        let black = ListKind::Blacklist;
        for status in [ListEntryStatus::Proposed, ListEntryStatus::Active] {
            let entries = [entry(black, status, "2020-01-01")];
            assert!(
                blacklist_proposal(&events, &entries, today()).is_none(),
                "{status}"
            );
        }
        // An expired or repaired entry made before the fact does not block a new proposal …
        let mut expired = entry(black, ListEntryStatus::Active, "2020-01-01");
        expired.expires_on = Some(day("2021-01-01"));
        let old = [
            expired,
            entry(black, ListEntryStatus::Removed, "2020-01-01"),
        ];
        assert!(blacklist_proposal(&events, &old, today()).is_some());
        // … one made on or after it does: a regulator has decided on these facts.
        let rejected = [entry(black, ListEntryStatus::Rejected, "2026-05-01")];
        assert!(blacklist_proposal(&events, &rejected, today()).is_none());
        // Entries on the other list do not matter.
        let red = [entry(
            ListKind::Redlist,
            ListEntryStatus::Active,
            "2026-06-01",
        )];
        assert!(blacklist_proposal(&events, &red, today()).is_some());
    }

    #[test]
    fn aaa_twice_without_negative_events_is_proposed_for_the_redlist() {
        let propose = |latest, previous, events: &[CreditEvent], entries: &[EntryFacts]| {
            redlist_proposal(
                latest,
                previous,
                day("2026-10-31"),
                events,
                entries,
                today(),
            )
        };
        let proposal = propose(Grade::Aaa, Some(Grade::Aaa), &[], &[]).unwrap();
        assert_eq!(proposal.rule, ProposalRule::AaaTwice);
        assert_eq!(proposal.list(), ListKind::Redlist);
        assert!(propose(Grade::Aaa, Some(Grade::Aa), &[], &[]).is_none());
        assert!(propose(Grade::Aaa, None, &[], &[]).is_none());
        assert!(propose(Grade::Aa, Some(Grade::Aaa), &[], &[]).is_none());
        let minor = [event(
            "administrative_penalty",
            "minor",
            "2026-01-01",
            "active",
        )];
        assert!(propose(Grade::Aaa, Some(Grade::Aaa), &minor, &[]).is_none());
        // A negative event whose publicity has ended, or a repaired one, no longer counts.
        let mut over = event("administrative_penalty", "minor", "2020-01-01", "active");
        over.publicity_until = Some(day("2021-01-01"));
        let repaired = event("administrative_penalty", "minor", "2026-01-01", "repaired");
        assert!(propose(Grade::Aaa, Some(Grade::Aaa), &[over, repaired], &[]).is_some());
        let honour = [event("honour", "minor", "2026-01-01", "active")];
        assert!(propose(Grade::Aaa, Some(Grade::Aaa), &honour, &[]).is_some());
        // A proposal rejected after the earlier evaluation holds until two newer ones.
        let rejected = [entry(
            ListKind::Redlist,
            ListEntryStatus::Rejected,
            "2026-11-01",
        )];
        assert!(propose(Grade::Aaa, Some(Grade::Aaa), &[], &rejected).is_none());
        assert!(
            redlist_proposal(
                Grade::Aaa,
                Some(Grade::Aaa),
                day("2026-11-15"),
                &[],
                &rejected,
                today()
            )
            .is_some()
        );
    }
}
