//! Assembles a report from what the registry holds about an enterprise, applying the rules of
//! what a report may say: the public report is reduced to public facts, personal data is
//! masked, negative events more than five years past their end are left out, and a blacklisted
//! enterprise is graded C with the reason printed.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rand::Rng;

use super::document::{
    DimensionScore, FOR_REFERENCE_ONLY, GradeHistoryEntry, ListMembership, REPORT_FORMAT,
    ReportDocument, ReportEnterprise, ReportEvent, ReportKind, ReportPeriod, ReportRating,
    ReportRequester, SentimentSummary,
};
use crate::domain::enterprise::Enterprise;
use crate::domain::identity::{mask_phone, mask_resident_id};
use crate::domain::limits::yuan_in_range;
use crate::domain::lists::ListKind;
use crate::domain::records::{CreditEvent, OperatingRecord, Polarity};
use crate::scoring::features::Dimension;
use crate::scoring::grade::{Grade, GradeAdjustment};

/// How long negative events stay in reports after their end (DOMAIN.md, "Rules of access").
pub const NEGATIVE_EVENT_RETENTION_YEARS: u32 = 5;

/// What a report says about the score, as the registry holds it.
#[derive(Debug, Clone)]
pub struct RatingFacts {
    pub grade: Grade,
    pub as_of: NaiveDate,
    pub score: f64,
    pub percentile: f64,
    pub pd: f64,
    pub adjustments: Vec<GradeAdjustment>,
    /// Points per dimension of the stored score.
    pub sub_scores: Vec<(Dimension, f64)>,
    /// The range of each dimension under the model that made the score.
    pub ranges: Vec<(Dimension, f64, f64)>,
    pub raised: Vec<String>,
    pub lowered: Vec<String>,
    /// The way up under the active model (full reports only).
    pub way_up: Vec<super::document::WayUpStep>,
    pub model_version: String,
}

/// Everything a report is assembled from.
#[derive(Debug, Clone)]
pub struct ReportFacts {
    pub report_no: String,
    pub kind: ReportKind,
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    pub valid_days: u32,
    pub requested_for: ReportRequester,
    pub enterprise: Enterprise,
    pub rating: Option<RatingFacts>,
    /// Every credit event of the enterprise.
    pub events: Vec<CreditEvent>,
    /// The latest periods, latest first.
    pub operating: Vec<OperatingRecord>,
    pub sentiment: Option<SentimentSummary>,
    /// Evaluations, oldest first: (as of, grade, model version).
    pub grade_trail: Vec<(NaiveDate, Grade, String)>,
    /// Confirmed list entries (current and past); proposals are never reported.
    pub lists: Vec<ListMembership>,
}

/// A report number: the issue date and ten random characters (Crockford base 32), so numbers
/// cannot be guessed to read other reports.
pub fn new_report_no(issued_at: DateTime<Utc>, rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let tail: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("ECR-{}-{tail}", issued_at.format("%Y%m%d"))
}

/// Is a negative event still reportable on `today`? Its end is the end of publicity, or the
/// decision date for one without.
pub fn within_retention(event: &CreditEvent, today: NaiveDate) -> bool {
    if event.polarity != Polarity::Negative {
        return true;
    }
    let end = event.publicity_until.unwrap_or(event.decided_on);
    end.checked_add_months(Months::new(12 * NEGATIVE_EVENT_RETENTION_YEARS))
        .is_none_or(|cutoff| cutoff >= today)
}

pub fn assemble(facts: ReportFacts) -> ReportDocument {
    let full = facts.kind == ReportKind::Full;
    let today = facts.issued_at.date_naive();
    let e = &facts.enterprise;
    let enterprise = ReportEnterprise {
        code: e.code.to_string(),
        name: e.name.clone(),
        region_code: e.region_code.clone(),
        industry: e.industry.clone(),
        status: e.status,
        legal_representative: full.then(|| e.legal_representative.clone()),
        legal_rep_id_number: e
            .legal_rep_id_number
            .as_deref()
            .filter(|_| full)
            .map(mask_resident_id),
        legal_rep_phone: e
            .legal_rep_phone
            .as_deref()
            .filter(|_| full)
            .map(mask_phone),
        registered_capital: full
            .then_some(e.registered_capital)
            .filter(|capital| yuan_in_range(*capital)),
        established_on: full.then_some(e.established_on),
        business_models: e.business_models.clone(),
        platforms: if full { e.platforms.clone() } else { vec![] },
    };

    let lists: Vec<ListMembership> = facts
        .lists
        .into_iter()
        .filter(|m| full || m.current)
        .collect();
    let blacklisting = lists
        .iter()
        .find(|m| m.current && m.list == ListKind::Blacklist)
        .cloned();

    let model_version = facts.rating.as_ref().map(|r| r.model_version.clone());
    let mut rating = facts.rating.map(|r| rating_of(r, full));
    let mut notes = Vec::new();
    if let Some(entry) = &blacklisting {
        // The listing overrides the model from its first day, even before the next evaluation.
        let rating = rating.get_or_insert_with(|| ReportRating {
            grade: Grade::C,
            as_of: entry.starts_on,
            score: None,
            percentile: None,
            pd: None,
            adjustments: vec![],
            dimensions: vec![],
            raised: vec![],
            lowered: vec![],
            way_up: vec![],
        });
        rating.grade = Grade::C;
        if !rating.adjustments.contains(&GradeAdjustment::Blacklisted) {
            rating.adjustments.insert(0, GradeAdjustment::Blacklisted);
        }
        notes.push(format!(
            "Graded C: on the blacklist (严重失信名单) since {} by {}: {} (legal basis: {}).",
            entry.starts_on, entry.authority, entry.reason, entry.legal_basis
        ));
    }
    if rating.is_none() {
        notes.push("Not yet rated: the enterprise has not been scored.".to_string());
    }

    let credit_events: Vec<ReportEvent> = facts
        .events
        .iter()
        .filter(|ev| within_retention(ev, today))
        .filter(|ev| full || ev.is_public(today))
        .map(|ev| ReportEvent {
            kind: ev.kind,
            polarity: ev.polarity,
            severity: ev.severity,
            title: ev.title.clone(),
            authority: ev.authority.clone(),
            document_number: ev.document_number.clone(),
            decided_on: ev.decided_on,
            publicity_until: ev.publicity_until,
            status: ev.status,
        })
        .collect();
    let left_out = facts
        .events
        .iter()
        .filter(|ev| !within_retention(ev, today))
        .count();
    if left_out > 0 && full {
        notes.push(format!(
            "{left_out} negative event(s) ended more than {NEGATIVE_EVENT_RETENTION_YEARS} years ago and are not reported."
        ));
    }

    if full && !yuan_in_range(e.registered_capital) {
        notes.push(
            "The registered capital on record lies outside the documented range and is not reported."
                .to_string(),
        );
    }
    let operating_summary = if full {
        let out_of_range: Vec<&str> = facts
            .operating
            .iter()
            .take(4)
            .filter(|r| !r.figures_in_range())
            .map(|r| r.period_label.as_str())
            .collect();
        if !out_of_range.is_empty() {
            notes.push(format!(
                "The figures on record for {} lie outside the documented ranges and are not reported.",
                out_of_range.join(", ")
            ));
        }
        facts
            .operating
            .iter()
            .take(4)
            .filter(|r| r.figures_in_range())
            .map(|r| ReportPeriod {
                period: r.period_label.clone(),
                online_sales: r.online_sales,
                orders: r.orders,
                refund_rate: r.refund_rate,
                complaints: r.complaints,
                on_time_delivery_rate: r.on_time_delivery_rate,
                positive_review_rate: r.positive_review_rate,
                source: r.source.as_str().to_string(),
                review_status: r.review_status.as_str().to_string(),
            })
            .collect()
    } else {
        vec![]
    };

    let grade_history = if full {
        grade_changes(&facts.grade_trail)
    } else {
        vec![]
    };

    notes.push(FOR_REFERENCE_ONLY.to_string());
    ReportDocument {
        format: REPORT_FORMAT.to_string(),
        report_no: facts.report_no,
        kind: facts.kind,
        issuer: facts.issuer,
        issued_at: facts.issued_at,
        valid_until: facts.issued_at + chrono::Duration::days(i64::from(facts.valid_days)),
        model_version,
        requested_for: facts.requested_for,
        enterprise,
        rating,
        credit_events,
        operating_summary,
        sentiment_summary: if full { facts.sentiment } else { None },
        grade_history,
        lists,
        notes,
    }
}

fn rating_of(r: RatingFacts, full: bool) -> ReportRating {
    if !full {
        return ReportRating {
            grade: r.grade,
            as_of: r.as_of,
            score: None,
            percentile: None,
            pd: None,
            adjustments: vec![],
            dimensions: vec![],
            raised: vec![],
            lowered: vec![],
            way_up: vec![],
        };
    }
    let dimensions = r
        .sub_scores
        .iter()
        .map(|&(dimension, points)| {
            let (min_points, max_points) = r
                .ranges
                .iter()
                .find(|(d, _, _)| *d == dimension)
                .map_or((points, points), |&(_, low, high)| (low, high));
            DimensionScore {
                dimension,
                points: round2(points),
                min_points: round2(min_points),
                max_points: round2(max_points),
            }
        })
        .collect();
    ReportRating {
        grade: r.grade,
        as_of: r.as_of,
        score: Some(round2(r.score)),
        percentile: Some((r.percentile * 10_000.0).round() / 10_000.0),
        pd: Some((r.pd * 1e6).round() / 1e6),
        adjustments: r.adjustments,
        dimensions,
        raised: r.raised,
        lowered: r.lowered,
        way_up: r.way_up,
    }
}

/// Points to the hundredth: a report is read by people, and short numbers keep it stable.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The evaluations at which the grade changed (the first one included), latest first.
fn grade_changes(trail: &[(NaiveDate, Grade, String)]) -> Vec<GradeHistoryEntry> {
    let mut changes: Vec<GradeHistoryEntry> = Vec::new();
    for (as_of, grade, model) in trail {
        if changes.last().is_none_or(|last| last.grade != *grade) {
            changes.push(GradeHistoryEntry {
                as_of: *as_of,
                grade: *grade,
                model_version: model.clone(),
            });
        }
    }
    changes.reverse();
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CreditCode;
    use crate::domain::enterprise::{BusinessModel, EnterpriseStatus};
    use crate::domain::records::{CreditEventKind, CreditEventStatus, DataSource, Severity};
    use rand::SeedableRng;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn event(kind: CreditEventKind, decided: &str, until: Option<&str>) -> CreditEvent {
        CreditEvent {
            kind,
            polarity: kind.polarity(),
            severity: Severity::Major,
            title: format!("{kind} {decided}"),
            description: None,
            authority: "市场监督管理局".into(),
            document_number: None,
            decided_on: day(decided),
            publicity_until: until.map(day),
            status: CreditEventStatus::Active,
            source: DataSource::Department,
        }
    }

    fn facts(kind: ReportKind) -> ReportFacts {
        ReportFacts {
            report_no: "ECR-20261201-0000000000".into(),
            kind,
            issuer: "ecredit".into(),
            issued_at: "2026-12-01T08:00:00Z".parse().unwrap(),
            valid_days: 30,
            requested_for: ReportRequester {
                role: "bank".into(),
                organisation: Some("Test Bank".into()),
                purpose: "loan_application".into(),
            },
            enterprise: Enterprise {
                code: CreditCode::parse("91330100799655058B").unwrap(),
                name: "杭州西湖茶电子商务有限公司".into(),
                legal_representative: "张三".into(),
                legal_rep_id_number: Some("11010519491231002X".into()),
                legal_rep_phone: Some("13812345678".into()),
                registered_capital: 5e6,
                established_on: day("2015-06-01"),
                region_code: "330106".into(),
                industry: "retail".into(),
                business_models: vec![BusinessModel::B2c],
                platforms: vec![],
                status: EnterpriseStatus::Active,
            },
            rating: Some(RatingFacts {
                grade: Grade::Bbb,
                as_of: day("2026-11-30"),
                score: 612.345,
                percentile: 0.53219,
                pd: 0.0213456789,
                adjustments: vec![],
                sub_scores: vec![(Dimension::CreditHistory, 120.0)],
                ranges: vec![(Dimension::CreditHistory, 40.0, 180.0)],
                raised: vec!["no penalties".into()],
                lowered: vec!["refund rate high".into()],
                way_up: vec![crate::report::document::WayUpStep {
                    text: "Refund rate over the last 12 months: at most 5.0%".into(),
                    points: 8.0,
                    score_after: 620.0,
                    grade_after: Grade::A,
                }],
                model_version: "m1".into(),
            }),
            events: vec![
                // Ended 2021-06-30: more than five years before 2026-12-01.
                event(
                    CreditEventKind::AdministrativePenalty,
                    "2019-06-30",
                    Some("2021-06-30"),
                ),
                // Ended 2022-01-10: within five years, but no longer public.
                event(
                    CreditEventKind::TaxViolation,
                    "2021-01-10",
                    Some("2022-01-10"),
                ),
                event(CreditEventKind::Honour, "2012-05-01", Some("2013-05-01")),
                event(CreditEventKind::AbnormalOperation, "2026-03-01", None),
            ],
            operating: vec![],
            sentiment: None,
            grade_trail: vec![
                (day("2026-08-31"), Grade::A, "m1".into()),
                (day("2026-09-30"), Grade::A, "m1".into()),
                (day("2026-10-31"), Grade::Bbb, "m1".into()),
                (day("2026-11-30"), Grade::Bbb, "m1".into()),
            ],
            lists: vec![],
        }
    }

    fn membership(list: ListKind, current: bool) -> ListMembership {
        ListMembership {
            list,
            current,
            reason: "拒不履行法院判决".into(),
            legal_basis: "《严重失信主体名单管理办法》第五条".into(),
            authority: "杭州市市场监督管理局".into(),
            starts_on: day("2026-11-15"),
            expires_on: Some(day("2029-11-14")),
            ended_on: None,
            ended_by: None,
        }
    }

    #[test]
    fn negative_events_drop_out_five_years_after_their_end() {
        let doc = assemble(facts(ReportKind::Full));
        let titles: Vec<&str> = doc.credit_events.iter().map(|e| e.title.as_str()).collect();
        assert!(
            !titles
                .iter()
                .any(|t| t.starts_with("administrative_penalty"))
        );
        assert!(titles.iter().any(|t| t.starts_with("tax_violation")));
        assert!(
            titles.iter().any(|t| t.starts_with("honour")),
            "positive events stay"
        );
        assert!(doc.notes.iter().any(|n| n.contains("1 negative event")));
    }

    #[test]
    fn the_public_report_holds_public_facts_only() {
        let doc = assemble(facts(ReportKind::Public));
        let rating = doc.rating.unwrap();
        assert_eq!(rating.grade, Grade::Bbb);
        assert_eq!(
            (rating.score, rating.pd, rating.percentile),
            (None, None, None)
        );
        assert!(rating.dimensions.is_empty() && rating.lowered.is_empty());
        assert!(rating.way_up.is_empty(), "the way up is for full reports");
        assert_eq!(doc.enterprise.legal_rep_id_number, None);
        assert_eq!(doc.enterprise.legal_representative, None);
        assert_eq!(doc.enterprise.registered_capital, None);
        assert!(doc.grade_history.is_empty());
        let titles: Vec<&str> = doc.credit_events.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            ["abnormal_operation 2026-03-01"],
            "only events whose publicity runs"
        );
    }

    #[test]
    fn the_full_report_masks_personal_data_and_keeps_the_figures() {
        let doc = assemble(facts(ReportKind::Full));
        assert_eq!(
            doc.enterprise.legal_rep_id_number.as_deref(),
            Some("110105********002X")
        );
        assert_eq!(
            doc.enterprise.legal_rep_phone.as_deref(),
            Some("138****5678")
        );
        let rating = doc.rating.unwrap();
        assert_eq!(rating.score, Some(612.35));
        assert_eq!(rating.percentile, Some(0.5322));
        assert_eq!(rating.dimensions[0].max_points, 180.0);
        assert_eq!(rating.way_up.len(), 1, "the way up is in the full report");
        assert_eq!(doc.model_version.as_deref(), Some("m1"));
        let history: Vec<(Grade, NaiveDate)> = doc
            .grade_history
            .iter()
            .map(|h| (h.grade, h.as_of))
            .collect();
        assert_eq!(
            history,
            vec![
                (Grade::Bbb, day("2026-10-31")),
                (Grade::A, day("2026-08-31"))
            ]
        );
        assert_eq!(doc.notes.last().unwrap(), FOR_REFERENCE_ONLY);
        assert_eq!(doc.valid_until.to_rfc3339(), "2026-12-31T08:00:00+00:00");
    }

    #[test]
    fn a_blacklisted_enterprise_is_graded_c_and_told_why() {
        let mut f = facts(ReportKind::Full);
        f.lists = vec![
            membership(ListKind::Blacklist, true),
            membership(ListKind::Redlist, false),
        ];
        let doc = assemble(f.clone());
        let rating = doc.rating.unwrap();
        assert_eq!(rating.grade, Grade::C);
        assert_eq!(rating.adjustments, vec![GradeAdjustment::Blacklisted]);
        assert!(doc.notes[0].contains("blacklist") && doc.notes[0].contains("拒不履行法院判决"));
        assert_eq!(doc.lists.len(), 2);

        f.kind = ReportKind::Public;
        f.rating = None;
        let public = assemble(f);
        assert_eq!(
            public.rating.unwrap().grade,
            Grade::C,
            "even when never scored"
        );
        assert_eq!(
            public.lists.len(),
            1,
            "the public report shows current entries"
        );
    }

    #[test]
    fn report_numbers_are_dated_and_random() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        let at: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        let a = new_report_no(at, &mut rng);
        let b = new_report_no(at, &mut rng);
        assert!(a.starts_with("ECR-20261201-") && a.len() == 23, "{a}");
        assert_ne!(a, b);
    }
}
