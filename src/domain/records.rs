//! The records kept about an enterprise beside its basic data (DOMAIN.md, "The records"):
//! operating figures per period, credit events, sentiment items and associations.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credit_code::CreditCode;
use super::enterprise::{check_past_date, earliest_date};
use super::limits::{MAX_EMPLOYEES, MAX_ORDERS, MAX_QUALITY_CHECKS};
use super::validation::Violations;

crate::text_enum! {
    /// Where a record came from (provenance).
    pub enum DataSource {
        SelfReported = "self_reported",
        Platform = "platform",
        Survey = "survey",
        Department = "department",
    }
}

crate::text_enum! {
    pub enum ReviewStatus {
        Accepted = "accepted",
        Pending = "pending",
        Rejected = "rejected",
        /// Under objection (异议): the figures still count until a regulator answers.
        Disputed = "disputed",
    }
}

// ---------------------------------------------------------------------------------------------
// Reporting periods

/// A month (`2025-03`) or a quarter (`2025-Q1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    label_kind: PeriodKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodKind {
    Month,
    Quarter,
}

impl Period {
    pub fn parse(text: &str) -> Result<Self, String> {
        let err = || "must be a month like 2025-03 or a quarter like 2025-Q1".to_string();
        let (year, rest) = text.trim().split_once('-').ok_or_else(err)?;
        if year.len() != 4 {
            return Err(err());
        }
        let year: i32 = year.parse().map_err(|_| err())?;
        let (first_month, months, kind) = if let Some(q) = rest.strip_prefix('Q') {
            let q: u32 = q.parse().map_err(|_| err())?;
            if !(1..=4).contains(&q) || rest.len() != 2 {
                return Err(err());
            }
            ((q - 1) * 3 + 1, 3, PeriodKind::Quarter)
        } else {
            let m: u32 = rest.parse().map_err(|_| err())?;
            if !(1..=12).contains(&m) || rest.len() != 2 {
                return Err(err());
            }
            (m, 1, PeriodKind::Month)
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or_else(err)?;
        let end = start
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt())
            .ok_or_else(err)?;
        Ok(Period {
            start,
            end,
            label_kind: kind,
        })
    }

    pub fn label(&self) -> String {
        match self.label_kind {
            PeriodKind::Month => format!("{}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Quarter => {
                format!("{}-Q{}", self.start.year(), self.start.month0() / 3 + 1)
            }
        }
    }

    pub fn overlaps(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.start <= end && start <= self.end
    }
}

// ---------------------------------------------------------------------------------------------
// Operating records

/// Operating figures of one enterprise for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "period": "2026-09",
    "online_sales": 1250000.0,
    "orders": 18400,
    "refund_rate": 0.032,
    "complaints": 12,
    "on_time_delivery_rate": 0.975,
    "positive_review_rate": 0.964,
    "employees": 48,
    "tax_paid": 61000.0,
    "cross_border_trade": 0.0,
    "quality_checks": 3,
    "quality_checks_failed": 0,
    "source": "platform"
}))]
pub struct OperatingInput {
    /// `YYYY-MM` for a month or `YYYY-Qn` for a quarter.
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$")]
    pub period: String,
    /// Online sales in yuan.
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub online_sales: f64,
    #[schema(minimum = 0, maximum = 10000000000.0)]
    pub orders: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub refund_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000.0)]
    pub complaints: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub on_time_delivery_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub positive_review_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000.0)]
    pub employees: Option<i64>,
    /// Tax paid in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub tax_paid: Option<f64>,
    /// Cross-border trade volume in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub cross_border_trade: Option<f64>,
    /// Quality spot checks made in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1000000.0)]
    pub quality_checks: Option<i64>,
    /// Of those, how many failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1000000.0)]
    pub quality_checks_failed: Option<i64>,
    #[serde(default = "default_operating_source")]
    pub source: DataSource,
}

fn default_operating_source() -> DataSource {
    DataSource::Department
}

/// A correction of an operating record: only the fields sent change. The period never changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refund_rate": 0.041, "reason": "platform re-issued the September figures"}))]
pub struct OperatingPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub online_sales: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000.0)]
    pub orders: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub refund_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000.0)]
    pub complaints: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub on_time_delivery_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub positive_review_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000.0)]
    pub employees: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub tax_paid: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub cross_border_trade: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1000000.0)]
    pub quality_checks: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1000000.0)]
    pub quality_checks_failed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<DataSource>,
    /// Why the record is corrected; kept in the history.
    #[serde(
        default,
        skip_serializing_if = "crate::domain::patch::reason_goes_to_history"
    )]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OperatingRecord {
    #[serde(skip)]
    #[schema(ignore)]
    pub period: Period,
    /// `YYYY-MM` or `YYYY-Qn`.
    #[serde(rename = "period")]
    pub period_label: String,
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
    #[schema(minimum = 0, maximum = 10000000.0)]
    pub employees: Option<i64>,
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub tax_paid: Option<f64>,
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub cross_border_trade: Option<f64>,
    #[schema(minimum = 0, maximum = 1000000.0)]
    pub quality_checks: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000.0)]
    pub quality_checks_failed: Option<i64>,
    pub source: DataSource,
    /// Whether the figures have passed review; data entered by a regulator is accepted.
    pub review_status: ReviewStatus,
}

impl OperatingInput {
    pub fn validate(self, today: NaiveDate) -> Result<OperatingRecord, Violations> {
        let mut v = Violations::new();
        let period = match Period::parse(&self.period) {
            Ok(p) => {
                v.check(p.start >= earliest_date(), "period", "is too early");
                v.check(p.start <= today, "period", "must not start in the future");
                Some(p)
            }
            Err(e) => {
                v.add("period", e);
                None
            }
        };
        v.yuan("online_sales", Some(self.online_sales));
        v.count("orders", Some(self.orders), MAX_ORDERS);
        v.rate("refund_rate", self.refund_rate);
        v.count("complaints", self.complaints, MAX_ORDERS);
        v.rate("on_time_delivery_rate", self.on_time_delivery_rate);
        v.rate("positive_review_rate", self.positive_review_rate);
        v.count("employees", self.employees, MAX_EMPLOYEES);
        v.yuan("tax_paid", self.tax_paid);
        v.yuan("cross_border_trade", self.cross_border_trade);
        v.count("quality_checks", self.quality_checks, MAX_QUALITY_CHECKS);
        v.count(
            "quality_checks_failed",
            self.quality_checks_failed,
            MAX_QUALITY_CHECKS,
        );
        if let Some(failed) = self.quality_checks_failed {
            v.check(
                self.quality_checks.is_some_and(|made| failed <= made),
                "quality_checks_failed",
                "cannot exceed quality_checks",
            );
        }
        if let Some(complaints) = self.complaints {
            v.check(
                !(self.orders == 0 && complaints > 0),
                "complaints",
                "complaints without any order are inconsistent",
            );
        }
        let period = match period {
            Some(p) if v.is_empty() => p,
            _ => return Err(v),
        };
        Ok(OperatingRecord {
            period_label: period.label(),
            period,
            online_sales: self.online_sales,
            orders: self.orders,
            refund_rate: self.refund_rate,
            complaints: self.complaints,
            on_time_delivery_rate: self.on_time_delivery_rate,
            positive_review_rate: self.positive_review_rate,
            employees: self.employees,
            tax_paid: self.tax_paid,
            cross_border_trade: self.cross_border_trade,
            quality_checks: self.quality_checks,
            quality_checks_failed: self.quality_checks_failed,
            source: self.source,
            review_status: ReviewStatus::Accepted,
        })
    }
}

impl OperatingRecord {
    /// Whether every figure lies in its documented range. Whatever is written through the
    /// service does; a row stored otherwise (an old database, a hand edit) may not, and a report
    /// leaves such a period out rather than state figures it cannot state exactly.
    pub fn figures_in_range(&self) -> bool {
        use super::limits::{count_in_range, rate_in_range, yuan_in_range};
        let counts = [
            (Some(self.orders), MAX_ORDERS),
            (self.complaints, MAX_ORDERS),
            (self.employees, MAX_EMPLOYEES),
            (self.quality_checks, MAX_QUALITY_CHECKS),
            (self.quality_checks_failed, MAX_QUALITY_CHECKS),
        ];
        let amounts = [
            Some(self.online_sales),
            self.tax_paid,
            self.cross_border_trade,
        ];
        let rates = [
            self.refund_rate,
            self.on_time_delivery_rate,
            self.positive_review_rate,
        ];
        counts
            .iter()
            .all(|(value, max)| value.is_none_or(|v| count_in_range(v, *max)))
            && amounts.iter().flatten().all(|v| yuan_in_range(*v))
            && rates.iter().flatten().all(|v| rate_in_range(*v))
    }

    pub fn to_input(&self) -> OperatingInput {
        OperatingInput {
            period: self.period_label.clone(),
            online_sales: self.online_sales,
            orders: self.orders,
            refund_rate: self.refund_rate,
            complaints: self.complaints,
            on_time_delivery_rate: self.on_time_delivery_rate,
            positive_review_rate: self.positive_review_rate,
            employees: self.employees,
            tax_paid: self.tax_paid,
            cross_border_trade: self.cross_border_trade,
            quality_checks: self.quality_checks,
            quality_checks_failed: self.quality_checks_failed,
            source: self.source,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Credit events

crate::text_enum! {
    pub enum CreditEventKind {
        AdministrativePenalty = "administrative_penalty",
        /// Listed as a dishonest judgment debtor (失信被执行人).
        DishonestJudgmentDebtor = "dishonest_judgment_debtor",
        TaxViolation = "tax_violation",
        CustomsViolation = "customs_violation",
        AbnormalOperation = "abnormal_operation",
        QualityCheckFailed = "quality_check_failed",
        BrokenCommitment = "broken_commitment",
        OtherNegative = "other_negative",
        Honour = "honour",
        DemonstrationEnterprise = "demonstration_enterprise",
        CommitmentKept = "commitment_kept",
        OtherPositive = "other_positive",
    }
}

crate::text_enum! {
    pub enum Polarity {
        Negative = "negative",
        Positive = "positive",
    }
}

crate::text_enum! {
    pub enum Severity {
        Minor = "minor",
        Major = "major",
        Serious = "serious",
    }
}

crate::text_enum! {
    pub enum CreditEventStatus {
        Active = "active",
        /// Under objection (异议).
        Disputed = "disputed",
        /// Ended early by approved credit repair (信用修复).
        Repaired = "repaired",
        /// Withdrawn by the issuing authority.
        Revoked = "revoked",
    }
}

/// A serious negative event (DOMAIN.md, "Training labels"): a negative event of serious
/// severity, or a dishonest-debtor listing whatever its severity.
pub fn is_serious_negative(kind: CreditEventKind, severity: Severity) -> bool {
    kind.polarity() == Polarity::Negative
        && (severity == Severity::Serious || kind == CreditEventKind::DishonestJudgmentDebtor)
}

impl CreditEventKind {
    pub fn polarity(self) -> Polarity {
        use CreditEventKind::*;
        match self {
            Honour | DemonstrationEnterprise | CommitmentKept | OtherPositive => Polarity::Positive,
            _ => Polarity::Negative,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "administrative_penalty",
    "severity": "major",
    "title": "虚假宣传行政处罚",
    "description": "Fined 50,000 yuan for misleading product claims in a live stream.",
    "authority": "杭州市西湖区市场监督管理局",
    "document_number": "杭西市监处罚〔2026〕118号",
    "decided_on": "2026-03-15",
    "publicity_until": "2029-03-15",
    "status": "active",
    "source": "department"
}))]
pub struct CreditEventInput {
    pub kind: CreditEventKind,
    pub severity: Severity,
    #[schema(min_length = 1, pattern = r"\S")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The issuing authority.
    #[schema(min_length = 1, pattern = r"\S")]
    pub authority: String,
    /// The decision's document number; unique per authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    pub decided_on: NaiveDate,
    /// End of the publicity period; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_until: Option<NaiveDate>,
    #[serde(default = "default_event_status")]
    pub status: CreditEventStatus,
    #[serde(default = "default_event_source")]
    pub source: DataSource,
}

fn default_event_status() -> CreditEventStatus {
    CreditEventStatus::Active
}

fn default_event_source() -> DataSource {
    DataSource::Department
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "revoked", "reason": "decision withdrawn on administrative review"}))]
pub struct CreditEventPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CreditEventKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CreditEventStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<DataSource>,
    #[serde(
        default,
        skip_serializing_if = "crate::domain::patch::reason_goes_to_history"
    )]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CreditEvent {
    pub kind: CreditEventKind,
    pub polarity: Polarity,
    pub severity: Severity,
    pub title: String,
    pub description: Option<String>,
    pub authority: String,
    pub document_number: Option<String>,
    pub decided_on: NaiveDate,
    pub publicity_until: Option<NaiveDate>,
    pub status: CreditEventStatus,
    pub source: DataSource,
}

impl CreditEventInput {
    pub fn validate(self, today: NaiveDate) -> Result<CreditEvent, Violations> {
        let mut v = Violations::new();
        let title = v.text("title", &self.title, 300);
        let description = v.optional_text("description", self.description.as_deref(), 5000);
        let authority = v.text("authority", &self.authority, 200);
        let document_number =
            v.optional_text("document_number", self.document_number.as_deref(), 100);
        check_past_date(&mut v, "decided_on", self.decided_on, today);
        if let Some(until) = self.publicity_until {
            v.check(
                until >= self.decided_on,
                "publicity_until",
                "must not be before decided_on",
            );
        }
        v.into_result(CreditEvent {
            kind: self.kind,
            polarity: self.kind.polarity(),
            severity: self.severity,
            title,
            description,
            authority,
            document_number,
            decided_on: self.decided_on,
            publicity_until: self.publicity_until,
            status: self.status,
            source: self.source,
        })
    }
}

impl CreditEvent {
    pub fn to_input(&self) -> CreditEventInput {
        CreditEventInput {
            kind: self.kind,
            severity: self.severity,
            title: self.title.clone(),
            description: self.description.clone(),
            authority: self.authority.clone(),
            document_number: self.document_number.clone(),
            decided_on: self.decided_on,
            publicity_until: self.publicity_until,
            status: self.status,
            source: self.source,
        }
    }

    /// Public under the publicity rules: not withdrawn, and its publicity period still runs.
    pub fn is_public(&self, today: NaiveDate) -> bool {
        self.status != CreditEventStatus::Revoked
            && self.publicity_until.is_none_or(|until| until >= today)
    }
}

// ---------------------------------------------------------------------------------------------
// Sentiment (舆情)

crate::text_enum! {
    pub enum SentimentSourceKind {
        News = "news",
        Social = "social",
        Review = "review",
        Complaint = "complaint",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "source_kind": "news",
    "source_name": "钱江晚报",
    "title": "西湖茶电商获评省级诚信示范企业",
    "excerpt": "该企业连续三年零投诉，获得消费者好评。",
    "url": "https://news.example.cn/2026/10/12/xihu-tea.html",
    "published_at": "2026-10-12T08:30:00",
    "topic": "honours"
}))]
pub struct SentimentInput {
    pub source_kind: SentimentSourceKind,
    /// The outlet, platform or account.
    #[schema(min_length = 1, pattern = r"\S")]
    pub source_name: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication time, UTC.
    #[serde(with = "crate::domain::utc")]
    pub published_at: NaiveDateTime,
    /// Polarity in [-1, 1]; computed from the title and excerpt when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -1, maximum = 1)]
    pub polarity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default = "default_event_source")]
    pub source: DataSource,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"polarity": -0.4, "reason": "analyst review of the article"}))]
pub struct SentimentPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_kind: Option<SentimentSourceKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::utc::option"
    )]
    pub published_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -1, maximum = 1)]
    pub polarity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<DataSource>,
    #[serde(
        default,
        skip_serializing_if = "crate::domain::patch::reason_goes_to_history"
    )]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SentimentRecord {
    pub source_kind: SentimentSourceKind,
    pub source_name: String,
    pub title: String,
    pub excerpt: Option<String>,
    pub url: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub published_at: NaiveDateTime,
    #[schema(minimum = -1, maximum = 1)]
    pub polarity: f64,
    /// True when the service computed the polarity from the text.
    pub polarity_computed: bool,
    pub topic: Option<String>,
    pub source: DataSource,
}

impl SentimentInput {
    pub fn validate(self, now: NaiveDateTime) -> Result<SentimentRecord, Violations> {
        let mut v = Violations::new();
        let source_name = v.text("source_name", &self.source_name, 200);
        let title = v.text("title", &self.title, 500);
        let excerpt = v.optional_text("excerpt", self.excerpt.as_deref(), 5000);
        let url = v.url("url", self.url.as_deref());
        v.check(
            self.published_at.date() >= earliest_date(),
            "published_at",
            "is too early",
        );
        v.check(
            self.published_at <= now,
            "published_at",
            "must not be in the future",
        );
        if let Some(p) = self.polarity {
            v.check(
                p.is_finite() && (-1.0..=1.0).contains(&p),
                "polarity",
                "must lie between -1 and 1",
            );
        }
        let topic = v.optional_text("topic", self.topic.as_deref(), 100);
        let (polarity, polarity_computed) = match self.polarity {
            Some(p) => (p, false),
            None => {
                let text = format!("{} {}", title, excerpt.as_deref().unwrap_or(""));
                (super::sentiment::polarity(&text), true)
            }
        };
        v.into_result(SentimentRecord {
            source_kind: self.source_kind,
            source_name,
            title,
            excerpt,
            url,
            published_at: self.published_at,
            polarity,
            polarity_computed,
            topic,
            source: self.source,
        })
    }
}

impl SentimentRecord {
    /// The input form; a computed polarity is left out so that it is computed again from the
    /// corrected text.
    pub fn to_input(&self) -> SentimentInput {
        SentimentInput {
            source_kind: self.source_kind,
            source_name: self.source_name.clone(),
            title: self.title.clone(),
            excerpt: self.excerpt.clone(),
            url: self.url.clone(),
            published_at: self.published_at,
            polarity: (!self.polarity_computed).then_some(self.polarity),
            topic: self.topic.clone(),
            source: self.source,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Associations (关联关系)

crate::text_enum! {
    pub enum AssociationKind {
        Shareholder = "shareholder",
        SameLegalRepresentative = "same_legal_representative",
        Guarantee = "guarantee",
        SupplyChain = "supply_chain",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "shareholder",
    "related_code": "9144030071526726XG",
    "related_name": "腾讯科技（深圳）有限公司",
    "share_ratio": 0.15,
    "valid_from": "2019-04-01",
    "note": "strategic investor",
    "source": "department"
}))]
pub struct AssociationInput {
    pub kind: AssociationKind,
    /// Credit code of the related party, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub related_code: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub related_name: String,
    /// Shareholding in [0, 1] for shareholder links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub share_ratio: Option<f64>,
    /// Guaranteed or traded amount in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default = "default_event_source")]
    pub source: DataSource,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"valid_until": "2026-06-30", "reason": "shares transferred"}))]
pub struct AssociationPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AssociationKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub related_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1)]
    pub share_ratio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<DataSource>,
    #[serde(
        default,
        skip_serializing_if = "crate::domain::patch::reason_goes_to_history"
    )]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Association {
    pub kind: AssociationKind,
    #[schema(value_type = Option<String>)]
    pub related_code: Option<CreditCode>,
    pub related_name: String,
    #[schema(minimum = 0, maximum = 1)]
    pub share_ratio: Option<f64>,
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub amount: Option<f64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub note: Option<String>,
    pub source: DataSource,
}

impl AssociationInput {
    pub fn validate(self, owner: &CreditCode, today: NaiveDate) -> Result<Association, Violations> {
        let mut v = Violations::new();
        let related_code = match self
            .related_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(code) => match CreditCode::parse(code) {
                Ok(code) => {
                    v.check(
                        &code != owner,
                        "related_code",
                        "an enterprise cannot be associated with itself",
                    );
                    Some(code)
                }
                Err(e) => {
                    v.add("related_code", e.to_string());
                    None
                }
            },
        };
        let related_name = v.text("related_name", &self.related_name, 200);
        v.rate("share_ratio", self.share_ratio);
        v.yuan("amount", self.amount);
        if let Some(from) = self.valid_from {
            check_past_date(&mut v, "valid_from", from, today);
        }
        if let (Some(from), Some(until)) = (self.valid_from, self.valid_until) {
            v.check(
                until >= from,
                "valid_until",
                "must not be before valid_from",
            );
        }
        let note = v.optional_text("note", self.note.as_deref(), 1000);
        v.into_result(Association {
            kind: self.kind,
            related_code,
            related_name,
            share_ratio: self.share_ratio,
            amount: self.amount,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            note,
            source: self.source,
        })
    }
}

impl Association {
    pub fn to_input(&self) -> AssociationInput {
        AssociationInput {
            kind: self.kind,
            related_code: self.related_code.as_ref().map(ToString::to_string),
            related_name: self.related_name.clone(),
            share_ratio: self.share_ratio,
            amount: self.amount,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            note: self.note.clone(),
            source: self.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn periods() {
        let m = Period::parse("2025-03").unwrap();
        assert_eq!(
            (m.start.to_string(), m.end.to_string()),
            ("2025-03-01".into(), "2025-03-31".into())
        );
        let q = Period::parse("2024-Q1").unwrap();
        assert_eq!(
            (q.start.to_string(), q.end.to_string()),
            ("2024-01-01".into(), "2024-03-31".into())
        );
        assert_eq!(q.label(), "2024-Q1");
        assert!(q.overlaps(
            NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        ));
        for bad in [
            "2025-13", "2025-Q5", "2025-3", "25-03", "2025", "2025-Q", "2025-00",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    fn operating() -> OperatingInput {
        serde_json::from_value(serde_json::json!({
            "period": "2026-09", "online_sales": 100.0, "orders": 10,
            "refund_rate": 0.1, "complaints": 1, "quality_checks": 2, "quality_checks_failed": 1
        }))
        .unwrap()
    }

    #[test]
    fn operating_ranges_and_consistency() {
        assert!(operating().validate(today()).is_ok());
        let mut bad = operating();
        bad.refund_rate = Some(1.5);
        bad.online_sales = -1.0;
        bad.quality_checks_failed = Some(3);
        bad.period = "2027-01".into();
        let fields: Vec<String> = bad
            .validate(today())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "period",
                "online_sales",
                "refund_rate",
                "quality_checks_failed"
            ]
        );
        let mut nan = operating();
        nan.on_time_delivery_rate = Some(f64::NAN);
        assert!(nan.validate(today()).is_err());
    }

    #[test]
    fn event_publicity() {
        let input: CreditEventInput = serde_json::from_value(serde_json::json!({
            "kind": "administrative_penalty", "severity": "major", "title": "t",
            "authority": "a", "decided_on": "2020-01-01", "publicity_until": "2023-01-01"
        }))
        .unwrap();
        let event = input.validate(today()).unwrap();
        assert_eq!(event.polarity, Polarity::Negative);
        assert!(!event.is_public(today()));
        assert!(event.is_public(NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()));
    }

    #[test]
    fn association_cannot_point_at_itself() {
        let owner = CreditCode::parse("91330100799655058B").unwrap();
        let input: AssociationInput = serde_json::from_value(serde_json::json!({
            "kind": "guarantee", "related_code": "91330100799655058B", "related_name": "x"
        }))
        .unwrap();
        assert_eq!(
            input.validate(&owner, today()).unwrap_err().0[0].field,
            "related_code"
        );
    }
}
