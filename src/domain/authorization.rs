//! Report authorisations (征信业管理条例: a bank sees an enterprise's full report only with its
//! authorisation): what an enterprise grants a bank, and when a grant is live.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Violations;

/// The longest an authorisation may run: a grant is for one financing relationship, and the
/// enterprise renews it rather than granting open-ended access.
pub const MAX_AUTHORIZATION_DAYS: i64 = 3 * 366;

crate::text_enum! {
    /// Why the bank may pull the report.
    pub enum AuthorizationPurpose {
        /// 贷款申请
        LoanApplication = "loan_application",
        /// 授信审查
        CreditLineReview = "credit_line_review",
        /// 贷后管理
        PostLoanMonitoring = "post_loan_monitoring",
        /// 担保审查
        GuaranteeReview = "guarantee_review",
        /// 供应链金融
        SupplyChainFinance = "supply_chain_finance",
    }
}

crate::text_enum! {
    /// What the bank may see.
    pub enum AuthorizationScope {
        /// The full credit report, and grade and list changes while the grant is live.
        FullReport = "full_report",
    }
}

crate::text_enum! {
    /// Where a grant stands, as of now.
    pub enum AuthorizationStatus {
        Live = "live",
        Expired = "expired",
        Revoked = "revoked",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "bank_organisation_id": 2,
    "purpose": "loan_application",
    "expires_on": "2027-05-31",
    "note": "Working-capital loan application, ref. HZ-2026-0412"
}))]
pub struct AuthorizationInput {
    /// The bank: an organisation from `GET /api/v1/banks`.
    pub bank_organisation_id: i64,
    pub purpose: AuthorizationPurpose,
    #[serde(default = "default_scope")]
    pub scope: AuthorizationScope,
    /// The last day the grant is live (inclusive, UTC).
    pub expires_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn default_scope() -> AuthorizationScope {
    AuthorizationScope::FullReport
}

/// A grant, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorization {
    pub bank_organisation_id: i64,
    pub purpose: AuthorizationPurpose,
    pub scope: AuthorizationScope,
    pub expires_on: NaiveDate,
    pub note: Option<String>,
}

impl AuthorizationInput {
    pub fn validate(self, today: NaiveDate) -> Result<Authorization, Violations> {
        let mut v = Violations::new();
        v.check(
            self.bank_organisation_id > 0,
            "bank_organisation_id",
            "must name a bank",
        );
        v.check(
            self.expires_on >= today,
            "expires_on",
            "must not be in the past",
        );
        v.check(
            (self.expires_on - today).num_days() <= MAX_AUTHORIZATION_DAYS,
            "expires_on",
            format!("must be at most {MAX_AUTHORIZATION_DAYS} days ahead"),
        );
        let note = v.optional_text("note", self.note.as_deref(), 500);
        v.into_result(Authorization {
            bank_organisation_id: self.bank_organisation_id,
            purpose: self.purpose,
            scope: self.scope,
            expires_on: self.expires_on,
            note,
        })
    }
}

/// Where a grant stands at `now`: revoked wins, then expiry (live through its last day).
pub fn status_at(
    expires_on: NaiveDate,
    revoked_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> AuthorizationStatus {
    if revoked_at.is_some_and(|at| at <= now) {
        AuthorizationStatus::Revoked
    } else if now.date() > expires_on {
        AuthorizationStatus::Expired
    } else {
        AuthorizationStatus::Live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input(expires_on: &str) -> AuthorizationInput {
        AuthorizationInput {
            bank_organisation_id: 7,
            purpose: AuthorizationPurpose::LoanApplication,
            scope: AuthorizationScope::FullReport,
            expires_on: day(expires_on),
            note: Some("  ".into()),
        }
    }

    #[test]
    fn expiry_must_lie_ahead_and_within_the_limit() {
        let today = day("2026-12-01");
        let ok = input("2026-12-01").validate(today).unwrap();
        assert_eq!(ok.note, None, "a blank note is no note");
        assert!(input("2026-11-30").validate(today).is_err());
        assert!(input("2029-12-01").validate(today).is_ok());
        let err = input("2030-01-01").validate(today).unwrap_err();
        assert_eq!(err.0[0].field, "expires_on");
    }

    #[test]
    fn a_grant_is_live_through_its_last_day_until_revoked() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let until = day("2026-12-31");
        assert_eq!(
            status_at(until, None, at("2026-12-31 23:59:59")),
            AuthorizationStatus::Live
        );
        assert_eq!(
            status_at(until, None, at("2027-01-01 00:00:00")),
            AuthorizationStatus::Expired
        );
        assert_eq!(
            status_at(
                until,
                Some(at("2026-12-05 10:00:00")),
                at("2026-12-05 10:00:00")
            ),
            AuthorizationStatus::Revoked
        );
    }
}
