//! The audit log: appending a chained entry, reading pages of it for the API, and scanning it in
//! order for verification.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::bulk::insert_all;

use super::DbConnection;
use super::schema::{audit_head, audit_log};
use crate::domain::audit::{self, AuditEntry, AuditEvent};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
struct AuditRow {
    seq: i64,
    recorded_at: NaiveDateTime,
    actor: String,
    actor_role: Option<String>,
    organisation_id: Option<i64>,
    actor_enterprise: Option<String>,
    action: String,
    target: String,
    enterprise_code: Option<String>,
    status: i32,
    request_id: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            seq: row.seq,
            event: AuditEvent {
                at: row.recorded_at,
                actor: row.actor,
                actor_role: row.actor_role,
                organisation_id: row.organisation_id,
                actor_enterprise: row.actor_enterprise,
                action: row.action,
                target: row.target,
                enterprise_code: row.enterprise_code,
                status: row.status,
                request_id: row.request_id,
            },
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

impl From<AuditEntry> for AuditRow {
    fn from(entry: AuditEntry) -> Self {
        let e = entry.event;
        AuditRow {
            seq: entry.seq,
            recorded_at: e.at,
            actor: e.actor,
            actor_role: e.actor_role,
            organisation_id: e.organisation_id,
            actor_enterprise: e.actor_enterprise,
            action: e.action,
            target: e.target,
            enterprise_code: e.enterprise_code,
            status: e.status,
            request_id: e.request_id,
            prev_hash: entry.prev_hash,
            hash: entry.hash,
        }
    }
}

/// The newest entry's number and hash (0 and the genesis hash for an empty log).
pub fn head(conn: &mut DbConnection) -> AppResult<(i64, String)> {
    Ok(audit_head::table
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?)
}

/// Appends `event` as the next entry; call inside a write transaction. The head row is updated
/// before it is read, so that in PostgreSQL a concurrent append waits on its lock and then sees
/// this entry as its predecessor.
pub fn append(conn: &mut DbConnection, event: AuditEvent) -> AppResult<AuditEntry> {
    Ok(append_many(conn, vec![event])?
        .pop()
        .expect("one entry for one event"))
}

/// Appends `events` in order as the next entries, in one statement per few hundred rows; call
/// inside a write transaction. The head row is moved past all of them first, with the same
/// locking for one entry or many: a group commit of many requests' entries.
pub fn append_many(conn: &mut DbConnection, events: Vec<AuditEvent>) -> AppResult<Vec<AuditEntry>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let n = i64::try_from(events.len()).expect("a batch fits in i64");
    let (last_seq, mut prev_hash): (i64, String) = diesel::update(audit_head::table)
        .set(audit_head::seq.eq(audit_head::seq + n))
        .returning((audit_head::seq, audit_head::hash))
        .get_result(conn)?;
    let mut prev_seq = last_seq - n;
    let mut entries = Vec::with_capacity(events.len());
    for event in events {
        let entry = audit::chain(prev_seq, &prev_hash, event);
        prev_seq = entry.seq;
        prev_hash.clone_from(&entry.hash);
        entries.push(entry);
    }
    diesel::update(audit_head::table)
        .set(audit_head::hash.eq(&prev_hash))
        .execute(conn)?;
    let rows: Vec<AuditRow> = entries.iter().cloned().map(AuditRow::from).collect();
    let _stored = insert_all!(conn, audit_log::table, rows.as_slice(), AuditRow::COLUMNS);
    Ok(entries)
}

impl AuditRow {
    const COLUMNS: usize = 13;
}

/// Appends the entry of a console command, in its own transaction.
pub fn append_console(
    db: &super::Db,
    at: NaiveDateTime,
    command: &str,
    target: &str,
) -> AppResult<()> {
    let operator = console_operator();
    db.write(|conn| append(conn, AuditEvent::console(at, &operator, command, target)))?;
    Ok(())
}

/// The login of whoever runs a console command.
pub fn console_operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

/// Which entries a reader asks for; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub actor_role: Option<String>,
    pub enterprise_code: Option<String>,
    /// Exactly this action, e.g. `POST /api/v1/enterprises/{code}/credit-events`.
    pub action: Option<String>,
    pub request_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// One page of entries matching `filter`, newest first, and the total.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<AuditEntry>, i64)> {
    let filtered = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(actor) = &filter.actor {
            q = q.filter(audit_log::actor.eq(actor.clone()));
        }
        if let Some(role) = &filter.actor_role {
            q = q.filter(audit_log::actor_role.eq(role.clone()));
        }
        if let Some(code) = &filter.enterprise_code {
            q = q.filter(audit_log::enterprise_code.eq(code.clone()));
        }
        if let Some(action) = &filter.action {
            q = q.filter(audit_log::action.eq(action.clone()));
        }
        if let Some(id) = &filter.request_id {
            q = q.filter(audit_log::request_id.eq(id.clone()));
        }
        if let Some(from) = filter.from {
            q = q.filter(audit_log::recorded_at.ge(from));
        }
        if let Some(until) = filter.until {
            q = q.filter(audit_log::recorded_at.lt(until));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<AuditRow> = filtered()
        .order(audit_log::seq.desc())
        .offset(offset)
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(AuditEntry::from).collect(), total))
}

/// Up to `limit` entries after `after_seq` and at most `up_to`, in chain order: verification
/// reads the log in these slices so that it never holds all of it.
pub fn scan(
    conn: &mut DbConnection,
    after_seq: i64,
    up_to: i64,
    limit: i64,
) -> AppResult<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = audit_log::table
        .filter(audit_log::seq.gt(after_seq))
        .filter(audit_log::seq.le(up_to))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Verifies the chain up to the head as it is when verification starts (the service may go on
/// appending meanwhile); `Err` names the first broken entry.
pub fn verify(
    conn: &mut DbConnection,
) -> AppResult<Result<audit::VerifiedChain, audit::ChainBreak>> {
    const SLICE: i64 = 10_000;
    let (head_seq, head_hash) = head(conn)?;
    let mut verifier = audit::ChainVerifier::default();
    let mut after = 0;
    loop {
        let slice = scan(conn, after, head_seq, SLICE)?;
        let Some(last) = slice.last() else { break };
        after = last.seq;
        for entry in &slice {
            if let Err(broken) = verifier.push(entry) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(verifier.finish(head_seq, &head_hash))
}
