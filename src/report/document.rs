//! The credit report as a document: what a report says, in the shape that is signed, stored,
//! served and verified. A report is a snapshot: it is assembled once, signed over its RFC 8785
//! form, and read back byte for byte; any serialisation of the same content verifies.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::enterprise::{BusinessModel, EnterpriseStatus, PlatformShop};
use crate::domain::lists::ListKind;
use crate::domain::records::{CreditEventKind, CreditEventStatus, Polarity, Severity};
use crate::scoring::features::Dimension;
use crate::scoring::grade::{Grade, GradeAdjustment};

/// The format tag every report carries, so a verifier knows what it reads.
pub const REPORT_FORMAT: &str = "ecredit-report/1";

/// The note every report ends with.
pub const FOR_REFERENCE_ONLY: &str = "For reference only (仅供参考): this report reflects the registry's records at the time of issue; it is not a guarantee of the enterprise's future conduct.";

crate::text_enum! {
    /// A full report (regulators, the enterprise, authorised banks) or the reduced public one.
    pub enum ReportKind {
        Full = "full",
        Public = "public",
    }
}

/// A signed report: the document and its signature over the document's canonical form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::report::sample::signed_example)]
pub struct SignedReport {
    pub report: ReportDocument,
    pub signature: ReportSignature,
}

/// An Ed25519 signature over the JCS (RFC 8785) serialisation of `report`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSignature {
    /// Always `Ed25519`.
    pub algorithm: String,
    /// Which signing key: look it up at `GET /api/v1/reports/public-key`.
    pub key_id: String,
    /// The 64-byte signature, base64 (standard alphabet, padded).
    pub value: String,
}

/// What a report says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDocument {
    /// [`REPORT_FORMAT`].
    pub format: String,
    /// Unique and unguessable, e.g. `ECR-20261201-7Q4K9M2XRT`.
    pub report_no: String,
    pub kind: ReportKind,
    /// The registry that issued the report.
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    /// The report speaks for the registry until this time.
    pub valid_until: DateTime<Utc>,
    /// The scoring model behind the rating, when the enterprise has been scored.
    pub model_version: Option<String>,
    /// For whom and why the report was made.
    pub requested_for: ReportRequester,
    pub enterprise: ReportEnterprise,
    /// Absent when the enterprise has not been scored.
    pub rating: Option<ReportRating>,
    /// Credit events within the report's window (negative events more than 5 years past their
    /// end are left out; a public report has public events only).
    pub credit_events: Vec<ReportEvent>,
    /// The last four periods, latest first (full reports only).
    pub operating_summary: Vec<ReportPeriod>,
    /// Sentiment over the last 12 months (full reports only).
    pub sentiment_summary: Option<SentimentSummary>,
    /// Grade changes, latest first (full reports only).
    pub grade_history: Vec<GradeHistoryEntry>,
    /// Current and past blacklist/redlist entries.
    pub lists: Vec<ListMembership>,
    /// Notes to the reader, ending with [`FOR_REFERENCE_ONLY`]; a blacklisted enterprise's
    /// report says here why its grade is C.
    pub notes: Vec<String>,
}

/// The caller a report was made for, as printed on it (no personal names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequester {
    /// `regulator`, `bank`, `enterprise`, `admin` or `public`.
    pub role: String,
    pub organisation: Option<String>,
    /// Why the report was made, e.g. `loan_application`, `regulatory`, `self_review`, `public`.
    pub purpose: String,
}

/// Basic data. Personal data is always masked in a report: it leaves the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEnterprise {
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub industry: String,
    pub status: EnterpriseStatus,
    /// Full reports only, from here on.
    pub legal_representative: Option<String>,
    /// Masked.
    pub legal_rep_id_number: Option<String>,
    /// Masked.
    pub legal_rep_phone: Option<String>,
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub registered_capital: Option<f64>,
    pub established_on: Option<NaiveDate>,
    pub business_models: Vec<BusinessModel>,
    pub platforms: Vec<PlatformShop>,
}

/// The grade and, in full reports, what is behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRating {
    pub grade: Grade,
    /// The date the features were computed as of.
    pub as_of: NaiveDate,
    /// Full reports only, from here on.
    pub score: Option<f64>,
    /// Share of scored enterprises with a lower score, in [0, 1].
    pub percentile: Option<f64>,
    /// Combined probability of default.
    pub pd: Option<f64>,
    pub adjustments: Vec<GradeAdjustment>,
    /// Scorecard points per dimension, with the range the model allows, for the radar chart.
    pub dimensions: Vec<DimensionScore>,
    /// What raised the score most (text of each reason).
    pub raised: Vec<String>,
    /// What lowered it most.
    pub lowered: Vec<String>,
    /// Full reports: the changes to figures the enterprise can act on that would move it to the
    /// next grade (the way up), those that gain the most first. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub way_up: Vec<WayUpStep>,
}

/// One change of the way up, as a report states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WayUpStep {
    /// The value to reach, in plain words.
    pub text: String,
    /// Scorecard points gained.
    pub points: f64,
    /// The model's score and grade with this change alone.
    pub score_after: f64,
    pub grade_after: Grade,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionScore {
    pub dimension: Dimension,
    pub points: f64,
    /// The fewest points the model can give this dimension.
    pub min_points: f64,
    /// The most points the model can give this dimension.
    pub max_points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEvent {
    pub kind: CreditEventKind,
    pub polarity: Polarity,
    pub severity: Severity,
    pub title: String,
    pub authority: String,
    pub document_number: Option<String>,
    pub decided_on: NaiveDate,
    pub publicity_until: Option<NaiveDate>,
    /// `disputed` while an objection is open.
    pub status: CreditEventStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportPeriod {
    /// `2026-10` or `2026-Q3`.
    pub period: String,
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub online_sales: f64,
    #[schema(minimum = 0, maximum = 10000000000.0)]
    pub orders: i64,
    #[schema(minimum = 0, maximum = 1)]
    pub refund_rate: Option<f64>,
    #[schema(minimum = 0, maximum = 10000000000.0)]
    pub complaints: Option<i64>,
    #[schema(minimum = 0, maximum = 1)]
    pub on_time_delivery_rate: Option<f64>,
    #[schema(minimum = 0, maximum = 1)]
    pub positive_review_rate: Option<f64>,
    /// `self_reported`, `platform`, …; `disputed` records are marked by the review status.
    pub source: String,
    /// `accepted`, `pending`, `rejected`, or `disputed` while an objection is open.
    pub review_status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SentimentSummary {
    pub window_months: u32,
    pub items: i64,
    pub negative: i64,
    pub positive: i64,
    /// Mean polarity in [-1, 1]; absent with no items.
    pub mean_polarity: Option<f64>,
    /// The most recent items' titles, latest first (at most three).
    pub latest: Vec<SentimentHeadline>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SentimentHeadline {
    pub title: String,
    pub source_name: String,
    /// UTC, written without an offset, at most to the microsecond. Unlike the rest of the API
    /// this stays as issued: the `ecredit-report/1` format, which signatures cover, is fixed.
    #[schema(
        value_type = String,
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$",
        example = "2026-11-04T14:10:44"
    )]
    pub published_at: chrono::NaiveDateTime,
    pub polarity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeHistoryEntry {
    pub as_of: NaiveDate,
    pub grade: Grade,
    pub model_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMembership {
    pub list: ListKind,
    /// True while the entry is in force.
    pub current: bool,
    pub reason: String,
    pub legal_basis: String,
    pub authority: String,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    /// When and how a past entry ended: `expired` or `credit_repair`.
    pub ended_on: Option<NaiveDate>,
    pub ended_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::SentimentHeadline;

    /// Reports issued before the API wrote timestamps with `Z` must still re-serialise to the
    /// same bytes, or they would stop verifying.
    #[test]
    fn published_at_keeps_the_issued_form() {
        let issued = r#"{"title":"t","source_name":"s","published_at":"2026-11-04T14:10:44","polarity":-0.5}"#;
        let headline: SentimentHeadline = serde_json::from_str(issued).unwrap();
        assert_eq!(serde_json::to_string(&headline).unwrap(), issued);
    }
}
