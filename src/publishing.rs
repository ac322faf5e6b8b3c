//! Publishing credit reports: gathers what the registry holds about an enterprise, assembles
//! the report by its rules, signs it and stores it with the log entry of its creation; reads a
//! stored report back and logs the read. It joins the pure report core to storage; it holds no
//! SQL (that is in `db`) and no HTTP.

use chrono::{DateTime, Months, SubsecRound, Utc};

use crate::db::authorizations::AuthorizationRow;
use crate::db::{Db, DbConnection, enterprises, lists, records, reports, scores};
use crate::domain::Role;
use crate::domain::lists::ListEntryState;
use crate::engine::{ModelCache, Reasons, ScorePopulation};
use crate::error::{AppError, AppResult};
use crate::report::KeyRing;
use crate::report::assemble::{self, RatingFacts, ReportFacts};
use crate::report::canonical::to_canonical_bytes;
use crate::report::document::{
    ListMembership, ReportKind, ReportRequester, SentimentHeadline, SentimentSummary,
};
use crate::scoring::features::Dimension;
use crate::scoring::grade::{Grade, GradeAdjustment};

/// The name printed as the issuer of every report.
pub const ISSUER: &str = "ecredit e-commerce enterprise credit registry";

/// How long a report speaks for the registry.
pub const REPORT_VALID_DAYS: u32 = 30;

/// What making a report draws on besides the enterprise's records.
pub struct ReportSources<'a> {
    pub db: &'a Db,
    pub models: &'a ModelCache,
    pub population: &'a ScorePopulation,
    pub keys: &'a KeyRing,
}

/// Who a report is made for or read by, as the query log records it.
#[derive(Debug, Clone)]
pub struct Requester {
    /// The username, or `anonymous`.
    pub actor: String,
    /// `None` for the public.
    pub role: Option<Role>,
    pub organisation: Option<(i64, String)>,
    pub purpose: String,
    /// The grant a bank acts under.
    pub authorization_id: Option<i64>,
    pub request_id: Option<String>,
}

impl Requester {
    /// Sets the purpose of a full report: a bank's is that of the grant it acts under, an
    /// enterprise's is `self_review`, a regulator's or admin's the one given (by default
    /// `regulatory_supervision`).
    pub fn for_full_report(&mut self, grant: Option<&AuthorizationRow>, given: Option<String>) {
        self.authorization_id = grant.map(|g| g.id);
        self.purpose = match (grant, self.role) {
            (Some(grant), _) => grant.purpose.clone(),
            (None, Some(Role::Enterprise)) => "self_review".into(),
            _ => given.unwrap_or_else(|| "regulatory_supervision".into()),
        };
    }

    fn role_name(&self) -> &'static str {
        self.role.map_or("public", Role::as_str)
    }

    fn query(
        &self,
        code: &str,
        report_no: &str,
        action: &str,
        at: DateTime<Utc>,
    ) -> reports::NewQuery {
        reports::NewQuery {
            enterprise_code: code.to_string(),
            report_no: report_no.to_string(),
            action: action.to_string(),
            actor: self.actor.clone(),
            actor_role: self.role_name().to_string(),
            organisation_id: self.organisation.as_ref().map(|(id, _)| *id),
            purpose: self.purpose.clone(),
            authorization_id: self.authorization_id,
            request_id: self.request_id.clone(),
            queried_at: at.naive_utc(),
        }
    }
}

/// Creates, signs and stores a report of enterprise `code`, and logs its creation; call inside
/// a write transaction. Returns the stored row (its `document` is the signed report).
pub fn create_report(
    conn: &mut DbConnection,
    sources: &ReportSources<'_>,
    code: &str,
    kind: ReportKind,
    requester: &Requester,
    now: DateTime<Utc>,
) -> AppResult<reports::ReportRow> {
    let facts = gather(conn, sources, code, kind, requester, now)?;
    let document = assemble::assemble(facts);
    let signed = sources
        .keys
        .sign(&document)
        .map_err(|e| AppError::internal(format!("signing report: {e}")))?;
    let bytes = to_canonical_bytes(&signed)
        .map_err(|e| AppError::internal(format!("serialising report: {e}")))?;
    let row = reports::ReportRow {
        report_no: document.report_no.clone(),
        enterprise_code: code.to_string(),
        kind: kind.as_str().to_string(),
        issued_at: document.issued_at.naive_utc(),
        valid_until: document.valid_until.naive_utc(),
        model_version: document.model_version.clone(),
        key_id: signed.signature.key_id.clone(),
        requested_by: requester.actor.clone(),
        requester_role: requester.role_name().to_string(),
        organisation_id: requester.organisation.as_ref().map(|(id, _)| *id),
        authorization_id: requester.authorization_id,
        purpose: requester.purpose.clone(),
        document: String::from_utf8(bytes)
            .map_err(|e| AppError::internal(format!("report is not UTF-8: {e}")))?,
    };
    let creation = requester.query(code, &row.report_no, "create", now);
    reports::insert(conn, &row, &creation)?;
    Ok(row)
}

/// Logs a read of a stored report; call inside a write transaction.
pub fn log_read(
    conn: &mut DbConnection,
    report: &reports::ReportRow,
    requester: &Requester,
    now: DateTime<Utc>,
) -> AppResult<()> {
    reports::log(
        conn,
        &requester.query(&report.enterprise_code, &report.report_no, "read", now),
    )
}

fn gather(
    conn: &mut DbConnection,
    sources: &ReportSources<'_>,
    code: &str,
    kind: ReportKind,
    requester: &Requester,
    now: DateTime<Utc>,
) -> AppResult<ReportFacts> {
    let enterprise = enterprises::get(conn, code)?.enterprise;
    let full = kind == ReportKind::Full;
    let rating = match scores::latest(conn, code)? {
        Some(row) => Some(rating_facts(conn, sources, row, full)?),
        None => None,
    };
    let codes = [code.to_string()];
    let mut events: Vec<_> = records::events::of_enterprises(conn, &codes, |q| q)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    events.sort_by_key(|e| std::cmp::Reverse(e.decided_on));
    let (operating, sentiment, grade_trail) = if full {
        let (operating, _) = records::operating::list(conn, code, |q| q, 0, 4)?;
        let since = (now - Months::new(12)).naive_utc();
        let (items, negative, positive, mean) = reports::sentiment_counts(conn, code, since)?;
        let latest = reports::latest_sentiment(conn, code, since, 3)?
            .into_iter()
            .map(
                |(title, source_name, published_at, polarity)| SentimentHeadline {
                    title,
                    source_name,
                    // Microseconds at most, as common clients keep them (see `issued_at`).
                    published_at: published_at.trunc_subsecs(6),
                    polarity,
                },
            )
            .collect();
        let sentiment = SentimentSummary {
            window_months: 12,
            items,
            negative,
            positive,
            mean_polarity: mean.map(|m| (m * 1000.0).round() / 1000.0),
            latest,
        };
        let trail = reports::grade_trail(conn, code, 120)?
            .into_iter()
            .map(|(as_of, grade, model)| (as_of, Grade::from_stored(&grade), model))
            .collect();
        (
            operating.into_iter().map(|s| s.record).collect(),
            Some(sentiment),
            trail,
        )
    } else {
        (vec![], None, vec![])
    };
    let mut rng = rand::thread_rng();
    Ok(ReportFacts {
        report_no: assemble::new_report_no(now, &mut rng),
        kind,
        issuer: ISSUER.to_string(),
        // Microseconds at most: a client that parses and re-serialises the report keeps that
        // much, and verification compares instants.
        issued_at: now.trunc_subsecs(6),
        valid_days: REPORT_VALID_DAYS,
        requested_for: ReportRequester {
            role: requester.role_name().to_string(),
            organisation: requester.organisation.as_ref().map(|(_, n)| n.clone()),
            purpose: requester.purpose.clone(),
        },
        enterprise,
        rating,
        events,
        operating,
        sentiment,
        grade_trail,
        lists: list_memberships(conn, code, now)?,
    })
}

fn rating_facts(
    conn: &mut DbConnection,
    sources: &ReportSources<'_>,
    row: scores::ScoreRow,
    full: bool,
) -> AppResult<RatingFacts> {
    let (percentile, ranges) = if full {
        (
            sources.population.percentile(sources.db, conn, row.score)?,
            sources
                .models
                .dimension_ranges(conn, &row.model_version)?
                .to_vec(),
        )
    } else {
        (0.0, vec![])
    };
    let sub_scores: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.sub_scores).unwrap_or_default();
    // The report is written in English, as its headings are.
    let reasons = Reasons::from_stored(&row.reasons, crate::i18n::Lang::En);
    let way_up = if full {
        way_up_steps(conn, sources, &row)?
    } else {
        vec![]
    };
    Ok(RatingFacts {
        grade: Grade::from_stored(&row.grade),
        as_of: row.as_of,
        score: row.score,
        percentile,
        pd: row.pd,
        adjustments: serde_json::from_str::<Vec<GradeAdjustment>>(&row.adjustments)
            .unwrap_or_default(),
        sub_scores: Dimension::ALL
            .iter()
            .filter_map(|d| Some((*d, sub_scores.get(d.as_str())?.as_f64()?)))
            .collect(),
        ranges,
        raised: reasons.raised.into_iter().map(|r| r.text).collect(),
        lowered: reasons.lowered.into_iter().map(|r| r.text).collect(),
        way_up,
        model_version: row.model_version,
    })
}

/// The way up as a report states it, under the active model as of the score's date; none when
/// no registry model is active.
fn way_up_steps(
    conn: &mut DbConnection,
    sources: &ReportSources<'_>,
    row: &scores::ScoreRow,
) -> AppResult<Vec<crate::report::document::WayUpStep>> {
    let model = match sources.models.active(conn) {
        Ok(model) => model,
        Err(AppError::Conflict(_)) => return Ok(vec![]),
        Err(other) => return Err(other),
    };
    let up = match crate::engine::way_up(conn, &model, &row.enterprise_code, row.as_of) {
        Ok((up, _)) => up,
        Err(AppError::Conflict(_)) => return Ok(vec![]),
        Err(other) => return Err(other),
    };
    let round = |x: f64| (x * 100.0).round() / 100.0;
    Ok(up
        .changes
        .into_iter()
        .map(|c| crate::report::document::WayUpStep {
            text: crate::i18n::reasons::bin_text(crate::i18n::Lang::En, &c.feature, &c.reach),
            points: round(c.points),
            score_after: round(c.score_after),
            grade_after: c.grade_after,
        })
        .collect())
}

/// The enterprise's confirmed list entries, current and past; proposals and rejected ones are
/// never reported.
fn list_memberships(
    conn: &mut DbConnection,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<ListMembership>> {
    let today = now.date_naive();
    Ok(lists::entries_of(conn, code)?
        .into_iter()
        .filter(|entry| entry.is_confirmed())
        .map(|entry| {
            let state = entry.state(today);
            let (ended_on, ended_by) = match state {
                ListEntryState::Removed => (
                    entry
                        .removal_decided_on
                        .or(entry.removed_at.map(|at| at.date())),
                    Some("credit_repair".to_string()),
                ),
                ListEntryState::Expired => (entry.expires_on, Some("expired".to_string())),
                _ => (None, None),
            };
            ListMembership {
                list: entry.kind(),
                current: state == ListEntryState::Current,
                reason: entry.reason,
                legal_basis: entry.legal_basis.unwrap_or_default(),
                authority: entry.authority.unwrap_or_default(),
                starts_on: entry.starts_on,
                expires_on: entry.expires_on,
                ended_on,
                ended_by,
            }
        })
        .collect())
}
