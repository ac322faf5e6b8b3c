//! The credit lists: entries of the blacklist and the redlist, their decisions, the proposal
//! rules run against stored records, and the reads other parts need (a report's list section,
//! the bank watch list's change feed, the blacklist override of scoring).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::history::{self, ChangeContext, Entity};
use super::records::events;
use super::schema::{enterprises, list_entries};
use super::{DbBackend, DbConnection};
use crate::domain::lists::{
    self, Confirmation, EntryFacts, ListEntryState, ListEntryStatus, ListKind, NewListing,
    Proposal, ProposalRule, Removal, Transition,
};
use crate::domain::patch;
use crate::domain::records::CreditEvent;
use crate::error::{AppError, AppResult};
use crate::scoring::grade::Grade;

/// Codes bound in one `IN (…)` list.
const MAX_CODES_PER_QUERY: usize = 2000;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = list_entries)]
pub struct ListEntryRow {
    pub id: i64,
    pub list: String,
    pub enterprise_code: String,
    pub status: String,
    pub reason: String,
    pub legal_basis: Option<String>,
    pub authority: Option<String>,
    pub document_number: Option<String>,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub proposed_by: String,
    pub proposed_rule: Option<String>,
    pub proposed_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub removed_by: Option<String>,
    pub removed_at: Option<NaiveDateTime>,
    pub removal_decision: Option<String>,
    pub removal_document_number: Option<String>,
    pub removal_decided_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ListEntryRow {
    pub fn kind(&self) -> ListKind {
        ListKind::from_stored(&self.list)
    }

    pub fn entry_status(&self) -> ListEntryStatus {
        ListEntryStatus::from_stored(&self.status)
    }

    pub fn rule(&self) -> Option<ProposalRule> {
        self.proposed_rule.as_deref().map(ProposalRule::from_stored)
    }

    /// What the entry is on `today` (current, expired, …).
    pub fn state(&self, today: NaiveDate) -> ListEntryState {
        lists::state(self.entry_status(), self.starts_on, self.expires_on, today)
    }

    /// Confirmed at some time: active (current or expired) or removed.
    pub fn is_confirmed(&self) -> bool {
        matches!(
            self.entry_status(),
            ListEntryStatus::Active | ListEntryStatus::Removed
        )
    }

    pub fn facts(&self) -> EntryFacts {
        EntryFacts {
            list: self.kind(),
            status: self.entry_status(),
            starts_on: self.starts_on,
            expires_on: self.expires_on,
            created_on: self.created_at.date(),
        }
    }

    /// The fields a change-history row compares.
    fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            list: &self.list,
            status: &self.status,
            reason: &self.reason,
            legal_basis: self.legal_basis.as_deref(),
            authority: self.authority.as_deref(),
            document_number: self.document_number.as_deref(),
            starts_on: self.starts_on,
            expires_on: self.expires_on,
            proposed_rule: self.proposed_rule.as_deref(),
            rejection_reason: self.rejection_reason.as_deref(),
            removal_decision: self.removal_decision.as_deref(),
            removal_document_number: self.removal_document_number.as_deref(),
            removal_decided_on: self.removal_decided_on,
        }
    }
}

#[derive(Serialize)]
struct Snapshot<'a> {
    list: &'a str,
    status: &'a str,
    reason: &'a str,
    legal_basis: Option<&'a str>,
    authority: Option<&'a str>,
    document_number: Option<&'a str>,
    starts_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    proposed_rule: Option<&'a str>,
    rejection_reason: Option<&'a str>,
    removal_decision: Option<&'a str>,
    removal_document_number: Option<&'a str>,
    removal_decided_on: Option<NaiveDate>,
}

/// An entry with the name of its enterprise, for listings.
#[derive(Debug, Clone)]
pub struct NamedEntry {
    pub entry: ListEntryRow,
    pub enterprise_name: String,
}

type Query = list_entries::BoxedQuery<'static, DbBackend>;

/// Active, started and not past its expiry on `today`.
fn current(q: Query, today: NaiveDate) -> Query {
    q.filter(list_entries::status.eq(ListEntryStatus::Active.as_str()))
        .filter(list_entries::starts_on.le(today))
        .filter(
            list_entries::expires_on
                .is_null()
                .or(list_entries::expires_on.ge(today)),
        )
}

/// Takes the enterprise's row lock for the rest of the transaction (a no-op update), so that two
/// concurrent list decisions on one enterprise run one after the other on PostgreSQL too (SQLite
/// has one writer anyway). Also answers 404 for an unknown enterprise.
fn lock_enterprise(conn: &mut DbConnection, code: &str) -> AppResult<()> {
    let locked = diesel::update(enterprises::table.find(code))
        .set(enterprises::version.eq(enterprises::version))
        .execute(conn)?;
    if locked == 0 {
        return Err(AppError::NotFound(format!("no enterprise {code}")));
    }
    Ok(())
}

fn check_no_current(
    conn: &mut DbConnection,
    list: ListKind,
    code: &str,
    today: NaiveDate,
) -> AppResult<()> {
    let existing: Option<i64> = current(list_entries::table.into_boxed(), today)
        .filter(list_entries::list.eq(list.as_str()))
        .filter(list_entries::enterprise_code.eq(code.to_string()))
        .select(list_entries::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => Err(AppError::Conflict(format!(
            "enterprise {code} is on the {list} already (entry {id})"
        ))),
        None => Ok(()),
    }
}

pub fn find(conn: &mut DbConnection, id: i64) -> AppResult<Option<NamedEntry>> {
    Ok(list_entries::table
        .inner_join(enterprises::table)
        .filter(list_entries::id.eq(id))
        .select((ListEntryRow::as_select(), enterprises::name))
        .first::<(ListEntryRow, String)>(conn)
        .optional()?
        .map(|(entry, enterprise_name)| NamedEntry {
            entry,
            enterprise_name,
        }))
}

fn get_row(conn: &mut DbConnection, id: i64) -> AppResult<ListEntryRow> {
    list_entries::table
        .find(id)
        .select(ListEntryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("no list entry {id}")))
}

fn record_history(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    row: &ListEntryRow,
    action: &str,
    source: &str,
    changes: &[patch::FieldChange],
) -> AppResult<()> {
    history::record(
        conn,
        ctx,
        &row.enterprise_code,
        Entity::ListEntry,
        &row.id.to_string(),
        action,
        source,
        changes,
    )
}

/// Adds an entry that is active at once (a regulator's direct addition); 409 when the
/// enterprise is on that list already. Call inside a write transaction.
pub fn add(
    conn: &mut DbConnection,
    list: ListKind,
    listing: &NewListing,
    ctx: &ChangeContext,
) -> AppResult<ListEntryRow> {
    let code = listing.enterprise_code.as_str();
    lock_enterprise(conn, code)?;
    check_no_current(conn, list, code, ctx.at.date())?;
    let terms = &listing.terms;
    let id: i64 = diesel::insert_into(list_entries::table)
        .values((
            list_entries::list.eq(list.as_str()),
            list_entries::enterprise_code.eq(code),
            list_entries::status.eq(ListEntryStatus::Active.as_str()),
            list_entries::reason.eq(&listing.reason),
            list_entries::legal_basis.eq(&terms.legal_basis),
            list_entries::authority.eq(&terms.authority),
            list_entries::document_number.eq(&terms.document_number),
            list_entries::starts_on.eq(terms.starts_on),
            list_entries::expires_on.eq(terms.expires_on),
            list_entries::proposed_by.eq(&ctx.actor),
            list_entries::proposed_at.eq(ctx.at),
            list_entries::decided_by.eq(&ctx.actor),
            list_entries::decided_at.eq(ctx.at),
            list_entries::version.eq(1i64),
            list_entries::created_at.eq(ctx.at),
            list_entries::updated_at.eq(ctx.at),
        ))
        .returning(list_entries::id)
        .get_result(conn)?;
    let row = get_row(conn, id)?;
    record_history(
        conn,
        ctx,
        &row,
        "create",
        "department",
        &patch::created(&row.snapshot()),
    )?;
    Ok(row)
}

/// Stores a rule's proposal, made by `rule:<name>` in the request (or run) of `ctx`.
pub fn propose(
    conn: &mut DbConnection,
    code: &str,
    proposal: &Proposal,
    ctx: &ChangeContext,
) -> AppResult<ListEntryRow> {
    let actor = proposal.rule.actor();
    let id: i64 = diesel::insert_into(list_entries::table)
        .values((
            list_entries::list.eq(proposal.list().as_str()),
            list_entries::enterprise_code.eq(code),
            list_entries::status.eq(ListEntryStatus::Proposed.as_str()),
            list_entries::reason.eq(&proposal.reason),
            list_entries::starts_on.eq(ctx.at.date()),
            list_entries::proposed_by.eq(&actor),
            list_entries::proposed_rule.eq(proposal.rule.as_str()),
            list_entries::proposed_at.eq(ctx.at),
            list_entries::version.eq(1i64),
            list_entries::created_at.eq(ctx.at),
            list_entries::updated_at.eq(ctx.at),
        ))
        .returning(list_entries::id)
        .get_result(conn)?;
    let row = get_row(conn, id)?;
    let rule_ctx = ChangeContext {
        actor,
        reason: Some(format!("proposed after a change by {}", ctx.actor)),
        ..ctx.clone()
    };
    record_history(
        conn,
        &rule_ctx,
        &row,
        "propose",
        "rule",
        &patch::created(&row.snapshot()),
    )?;
    Ok(row)
}

/// The entry's state must allow `transition` on the day of `ctx`; 409 otherwise.
fn check_transition(row: &ListEntryRow, transition: Transition, today: NaiveDate) -> AppResult<()> {
    let state = row.state(today);
    if transition.allowed_from(state) {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "list entry {} is {state}: it cannot be {}ed",
            row.id,
            transition.verb().trim_end_matches('e')
        )))
    }
}

/// The entry as read, if it is still in the status `transition` starts from, at the version
/// read and not past its expiry (proposals have none): an update of this target changes nothing
/// when another decision came first, so of two concurrent decisions exactly one takes effect.
macro_rules! guarded {
    ($before:expr, $transition:expr, $today:expr) => {
        list_entries::table
            .filter(list_entries::id.eq($before.id))
            .filter(list_entries::status.eq($transition.from().as_str()))
            .filter(list_entries::version.eq($before.version))
            .filter(
                list_entries::expires_on
                    .is_null()
                    .or(list_entries::expires_on.ge($today)),
            )
    };
}

/// After a guarded update: 409 when it changed nothing, else the change goes in the history.
/// Returns the entry after.
fn finish(
    conn: &mut DbConnection,
    before: &ListEntryRow,
    transition: Transition,
    updated: usize,
    ctx: &ChangeContext,
) -> AppResult<ListEntryRow> {
    if updated == 0 {
        return Err(AppError::Conflict(format!(
            "list entry {} was decided by someone else meanwhile; read it again",
            before.id
        )));
    }
    let after = get_row(conn, before.id)?;
    let changes = patch::diff(&before.snapshot(), &after.snapshot());
    record_history(conn, ctx, &after, transition.verb(), "department", &changes)?;
    Ok(after)
}

/// Confirms a proposal with the terms the regulator completes; 409 unless it is proposed, or
/// when the enterprise is on that list already.
pub fn confirm(
    conn: &mut DbConnection,
    id: i64,
    confirmation: &Confirmation,
    ctx: &ChangeContext,
) -> AppResult<ListEntryRow> {
    let before = get_row(conn, id)?;
    let today = ctx.at.date();
    check_transition(&before, Transition::Confirm, today)?;
    lock_enterprise(conn, &before.enterprise_code)?;
    check_no_current(conn, before.kind(), &before.enterprise_code, today)?;
    let terms = &confirmation.terms;
    let reason = confirmation
        .reason
        .clone()
        .unwrap_or_else(|| before.reason.clone());
    let updated = diesel::update(guarded!(before, Transition::Confirm, today))
        .set((
            list_entries::status.eq(ListEntryStatus::Active.as_str()),
            list_entries::reason.eq(reason),
            list_entries::legal_basis.eq(terms.legal_basis.clone()),
            list_entries::authority.eq(terms.authority.clone()),
            list_entries::document_number.eq(terms.document_number.clone()),
            list_entries::starts_on.eq(terms.starts_on),
            list_entries::expires_on.eq(terms.expires_on),
            list_entries::decided_by.eq(ctx.actor.clone()),
            list_entries::decided_at.eq(ctx.at),
            list_entries::version.eq(before.version + 1),
            list_entries::updated_at.eq(ctx.at),
        ))
        .execute(conn)?;
    finish(conn, &before, Transition::Confirm, updated, ctx)
}

/// Rejects a proposal; 409 unless it is proposed.
pub fn reject(
    conn: &mut DbConnection,
    id: i64,
    reason: &str,
    ctx: &ChangeContext,
) -> AppResult<ListEntryRow> {
    let before = get_row(conn, id)?;
    check_transition(&before, Transition::Reject, ctx.at.date())?;
    let updated = diesel::update(guarded!(before, Transition::Reject, ctx.at.date()))
        .set((
            list_entries::status.eq(ListEntryStatus::Rejected.as_str()),
            list_entries::rejection_reason.eq(reason.to_string()),
            list_entries::decided_by.eq(ctx.actor.clone()),
            list_entries::decided_at.eq(ctx.at),
            list_entries::version.eq(before.version + 1),
            list_entries::updated_at.eq(ctx.at),
        ))
        .execute(conn)?;
    finish(conn, &before, Transition::Reject, updated, ctx)
}

/// Ends a current entry by credit repair; 409 unless it is current, 422 when the decision
/// predates the entry.
pub fn remove(
    conn: &mut DbConnection,
    id: i64,
    removal: &Removal,
    ctx: &ChangeContext,
) -> AppResult<ListEntryRow> {
    let before = get_row(conn, id)?;
    check_transition(&before, Transition::Remove, ctx.at.date())?;
    removal.check_against(before.starts_on)?;
    let updated = diesel::update(guarded!(before, Transition::Remove, ctx.at.date()))
        .set((
            list_entries::status.eq(ListEntryStatus::Removed.as_str()),
            list_entries::removed_by.eq(ctx.actor.clone()),
            list_entries::removed_at.eq(ctx.at),
            list_entries::removal_decision.eq(removal.decision.clone()),
            list_entries::removal_document_number.eq(removal.document_number.clone()),
            list_entries::removal_decided_on.eq(removal.decided_on),
            list_entries::version.eq(before.version + 1),
            list_entries::updated_at.eq(ctx.at),
        ))
        .execute(conn)?;
    finish(conn, &before, Transition::Remove, updated, ctx)
}

diesel::define_sql_function! {
    /// SQL `lower`, so a name search ignores case the same way on SQLite and PostgreSQL.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Escapes LIKE wildcards so a search for `50%` means the text `50%`.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// What a public list read asks for.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub list: ListKind,
    /// Part of the enterprise name (any case), or the start of its credit code.
    pub search: Option<String>,
    /// Every confirmed entry (current, expired, removed) instead of the current ones.
    pub history: bool,
    pub today: NaiveDate,
}

/// One page of a list, newest start first, and the total.
pub fn page(
    conn: &mut DbConnection,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<NamedEntry>, i64)> {
    let query = || {
        let mut q = list_entries::table
            .inner_join(enterprises::table)
            .filter(list_entries::list.eq(filter.list.as_str()))
            .into_boxed();
        if filter.history {
            q = q.filter(list_entries::status.eq_any([
                ListEntryStatus::Active.as_str(),
                ListEntryStatus::Removed.as_str(),
            ]));
        } else {
            q = q
                .filter(list_entries::status.eq(ListEntryStatus::Active.as_str()))
                .filter(list_entries::starts_on.le(filter.today))
                .filter(
                    list_entries::expires_on
                        .is_null()
                        .or(list_entries::expires_on.ge(filter.today)),
                );
        }
        if let Some(search) = &filter.search {
            let literal = like_literal(search);
            q = q.filter(
                lower(enterprises::name)
                    .like(format!("%{}%", literal.to_lowercase()))
                    .escape('\\')
                    .or(enterprises::code
                        .like(format!("{}%", literal.to_uppercase()))
                        .escape('\\')),
            );
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<(ListEntryRow, String)> = query()
        .order((list_entries::starts_on.desc(), list_entries::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((ListEntryRow::as_select(), enterprises::name))
        .load(conn)?;
    Ok((named(rows), total))
}

fn named(rows: Vec<(ListEntryRow, String)>) -> Vec<NamedEntry> {
    rows.into_iter()
        .map(|(entry, enterprise_name)| NamedEntry {
            entry,
            enterprise_name,
        })
        .collect()
}

/// One page of the pending proposals, oldest first, and the total.
pub fn proposals(
    conn: &mut DbConnection,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<NamedEntry>, i64)> {
    let pending = || {
        list_entries::table
            .inner_join(enterprises::table)
            .filter(list_entries::status.eq(ListEntryStatus::Proposed.as_str()))
    };
    let total = pending().count().get_result(conn)?;
    let rows: Vec<(ListEntryRow, String)> = pending()
        .order(list_entries::id.asc())
        .offset(offset)
        .limit(limit)
        .select((ListEntryRow::as_select(), enterprises::name))
        .load(conn)?;
    Ok((named(rows), total))
}

/// Every entry of one enterprise (proposals and rejected ones included), oldest first: for the
/// list section of a report and the enterprise's own page. Filter with `is_confirmed`/`state`.
pub fn entries_of(conn: &mut DbConnection, code: &str) -> AppResult<Vec<ListEntryRow>> {
    Ok(list_entries::table
        .filter(list_entries::enterprise_code.eq(code))
        .order(list_entries::id.asc())
        .select(ListEntryRow::as_select())
        .load(conn)?)
}

/// The first and last day of an entry (the last open-ended when `None`).
pub type ListedPeriod = (NaiveDate, Option<NaiveDate>);

/// The active blacklist entries of many enterprises, by code: what the blacklist override of
/// scoring looks at.
pub fn blacklist_periods(
    conn: &mut DbConnection,
    codes: &[String],
) -> AppResult<HashMap<String, Vec<ListedPeriod>>> {
    let mut periods: HashMap<String, Vec<ListedPeriod>> = HashMap::new();
    for chunk in codes.chunks(MAX_CODES_PER_QUERY) {
        let rows: Vec<(String, NaiveDate, Option<NaiveDate>)> = list_entries::table
            .filter(list_entries::enterprise_code.eq_any(chunk))
            .filter(list_entries::list.eq(ListKind::Blacklist.as_str()))
            .filter(list_entries::status.eq(ListEntryStatus::Active.as_str()))
            .select((
                list_entries::enterprise_code,
                list_entries::starts_on,
                list_entries::expires_on,
            ))
            .load(conn)?;
        for (code, starts_on, expires_on) in rows {
            periods
                .entry(code)
                .or_default()
                .push((starts_on, expires_on));
        }
    }
    Ok(periods)
}

crate::text_enum! {
    /// How an enterprise's place on a list changed.
    pub enum ListChangeKind {
        /// Put on the list (a direct addition or a confirmed proposal).
        Listed = "listed",
        /// Taken off by credit repair.
        Removed = "removed",
        /// Left the list when its entry expired.
        Expired = "expired",
    }
}

/// One change of an enterprise's place on a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListChange {
    pub enterprise_code: String,
    pub list: ListKind,
    pub entry_id: i64,
    pub change: ListChangeKind,
    /// When it happened: the decision time, or the start of the day after the last day of an
    /// expired entry.
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
}

/// The list changes of the given enterprises after `since` and up to `today`, oldest first: the
/// list part of a bank's watch-list feed.
pub fn changes_since(
    conn: &mut DbConnection,
    codes: &[String],
    since: NaiveDateTime,
    today: NaiveDate,
) -> AppResult<Vec<ListChange>> {
    let mut changes = Vec::new();
    for chunk in codes.chunks(MAX_CODES_PER_QUERY) {
        let rows: Vec<ListEntryRow> = list_entries::table
            .filter(list_entries::enterprise_code.eq_any(chunk))
            .filter(list_entries::status.eq_any([
                ListEntryStatus::Active.as_str(),
                ListEntryStatus::Removed.as_str(),
            ]))
            .select(ListEntryRow::as_select())
            .load(conn)?;
        for row in rows {
            let mut push = |change, at: NaiveDateTime| {
                if at > since {
                    changes.push(ListChange {
                        enterprise_code: row.enterprise_code.clone(),
                        list: row.kind(),
                        entry_id: row.id,
                        change,
                        at,
                    });
                }
            };
            if let Some(at) = row.decided_at {
                push(ListChangeKind::Listed, at);
            }
            if let Some(at) = row.removed_at {
                push(ListChangeKind::Removed, at);
            }
            if row.state(today) == ListEntryState::Expired
                && let Some(after) = row.expires_on.and_then(|d| d.succ_opt())
            {
                push(
                    ListChangeKind::Expired,
                    after.and_time(chrono::NaiveTime::MIN),
                );
            }
        }
    }
    changes.sort_by_key(|c| (c.at, c.entry_id));
    Ok(changes)
}

// ---------------------------------------------------------------------------------------------
// The proposal rules, run against stored records.

fn entry_facts(
    conn: &mut DbConnection,
    codes: &[String],
) -> AppResult<HashMap<String, Vec<EntryFacts>>> {
    let mut facts: HashMap<String, Vec<EntryFacts>> = HashMap::new();
    for chunk in codes.chunks(MAX_CODES_PER_QUERY) {
        let rows: Vec<ListEntryRow> = list_entries::table
            .filter(list_entries::enterprise_code.eq_any(chunk))
            .select(ListEntryRow::as_select())
            .load(conn)?;
        for row in rows {
            facts
                .entry(row.enterprise_code.clone())
                .or_default()
                .push(row.facts());
        }
    }
    Ok(facts)
}

fn events_of(
    conn: &mut DbConnection,
    codes: &[String],
) -> AppResult<HashMap<String, Vec<CreditEvent>>> {
    let mut by_code: HashMap<String, Vec<CreditEvent>> = HashMap::new();
    for chunk in codes.chunks(MAX_CODES_PER_QUERY) {
        for (code, event) in events::of_enterprises(conn, chunk, |q| q)? {
            by_code.entry(code).or_default().push(event);
        }
    }
    Ok(by_code)
}

/// Runs the blacklist rule for one enterprise after its credit events changed, and stores the
/// proposal it makes, if any; call in the transaction of the change.
pub fn run_blacklist_rule(
    conn: &mut DbConnection,
    code: &str,
    ctx: &ChangeContext,
) -> AppResult<Option<ListEntryRow>> {
    // Concurrent changes of one enterprise's events run the rule one after the other, so that
    // they cannot both propose.
    lock_enterprise(conn, code)?;
    let codes = [code.to_string()];
    let events = events_of(conn, &codes)?.remove(code).unwrap_or_default();
    let entries = entry_facts(conn, &codes)?.remove(code).unwrap_or_default();
    match lists::blacklist_proposal(&events, &entries, ctx.at.date()) {
        Some(proposal) => Ok(Some(propose(conn, code, &proposal, ctx)?)),
        None => Ok(None),
    }
}

/// The published grades of a stored evaluation and of the one before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredGrades {
    pub code: String,
    pub latest: Grade,
    pub previous: Option<Grade>,
    /// The as-of date of the previous evaluation.
    pub previous_as_of: Option<NaiveDate>,
}

/// Runs the redlist rule for enterprises just scored, and stores the proposals it makes; call in
/// the transaction that stored the scores. Only enterprises with AAA twice are read further, so
/// a bulk run pays nothing for the rest.
pub fn run_redlist_rule(
    conn: &mut DbConnection,
    scored: &[ScoredGrades],
    ctx: &ChangeContext,
) -> AppResult<Vec<ListEntryRow>> {
    let candidates: Vec<&ScoredGrades> = scored
        .iter()
        .filter(|s| lists::aaa_twice(s.latest, s.previous) && s.previous_as_of.is_some())
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let codes: Vec<String> = candidates.iter().map(|s| s.code.clone()).collect();
    for chunk in codes.chunks(MAX_CODES_PER_QUERY) {
        diesel::update(enterprises::table.filter(enterprises::code.eq_any(chunk)))
            .set(enterprises::version.eq(enterprises::version))
            .execute(conn)?;
    }
    let mut events = events_of(conn, &codes)?;
    let mut entries = entry_facts(conn, &codes)?;
    let today = ctx.at.date();
    let mut proposed = Vec::new();
    for s in candidates {
        let Some(previous_as_of) = s.previous_as_of else {
            continue;
        };
        let proposal = lists::redlist_proposal(
            s.latest,
            s.previous,
            previous_as_of,
            &events.remove(&s.code).unwrap_or_default(),
            &entries.remove(&s.code).unwrap_or_default(),
            today,
        );
        if let Some(proposal) = proposal {
            proposed.push(propose(conn, &s.code, &proposal, ctx)?);
        }
    }
    Ok(proposed)
}

/// The published grades of an enterprise's latest evaluation and the one before it, for the
/// redlist rule after a single scoring; `None` when it has never been scored.
pub fn latest_grades(conn: &mut DbConnection, code: &str) -> AppResult<Option<ScoredGrades>> {
    use super::schema::scores;
    let rows: Vec<(String, NaiveDate)> = scores::table
        .filter(scores::enterprise_code.eq(code))
        .order(scores::id.desc())
        .limit(2)
        .select((scores::grade, scores::as_of))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((latest, _)) = rows.next() else {
        return Ok(None);
    };
    let previous = rows.next();
    Ok(Some(ScoredGrades {
        code: code.to_string(),
        latest: Grade::from_stored(&latest),
        previous: previous.as_ref().map(|(g, _)| Grade::from_stored(g)),
        previous_as_of: previous.map(|(_, as_of)| as_of),
    }))
}
