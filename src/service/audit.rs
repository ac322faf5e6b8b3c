//! The audit trail: appending the entry of a request, and reading the trail (regulators and
//! admins).

use super::{Caller, Input, KEEPERS, PageRequest, Paged};
use crate::db::audit::{self, AuditFilter};
use crate::domain::audit::{AuditEntry, AuditEvent};
use crate::domain::{CreditCode, Role, Violations};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Appends the entry of one request to the trail; returns once it is committed.
pub async fn record(state: &AppState, event: AuditEvent) -> AppResult<()> {
    state.audit_appender.append(event).await
}

/// Group commit of the audit trail. Every audited request waits for its entry to be durable,
/// and the chain takes one writer at a time; with a transaction per entry, concurrent requests
/// queued on that one lock (and on SQLite's single writer), a transaction and its fsync each.
/// One thread appends instead: it takes every entry waiting, chains them in arrival order,
/// commits them in one transaction, and only then answers each request. Nothing waits to fill a
/// batch: a batch is whatever arrived while the previous one committed.
pub struct AuditAppender {
    queue: std::sync::mpsc::Sender<PendingEntry>,
}

struct PendingEntry {
    event: AuditEvent,
    stored: tokio::sync::oneshot::Sender<AppResult<()>>,
}

impl AuditAppender {
    /// The most entries one transaction takes.
    pub const MAX_BATCH: usize = 500;

    /// Starts the appender's thread; it ends when the appender is dropped.
    pub fn start(db: crate::db::Db) -> AuditAppender {
        let (queue, waiting) = std::sync::mpsc::channel::<PendingEntry>();
        std::thread::Builder::new()
            .name("audit-appender".into())
            .spawn(move || {
                while let Ok(first) = waiting.recv() {
                    let mut batch = vec![first];
                    while batch.len() < Self::MAX_BATCH {
                        match waiting.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    append_batch(&db, batch);
                }
            })
            .expect("the audit appender thread starts");
        AuditAppender { queue }
    }

    /// Queues `event` and waits until its entry is committed (or could not be).
    pub async fn append(&self, event: AuditEvent) -> AppResult<()> {
        let stopped = || AppError::internal("the audit appender has stopped");
        let (stored, committed) = tokio::sync::oneshot::channel();
        self.queue
            .send(PendingEntry { event, stored })
            .map_err(|_| stopped())?;
        committed.await.map_err(|_| stopped())?
    }
}

fn append_batch(db: &crate::db::Db, batch: Vec<PendingEntry>) {
    let events: Vec<AuditEvent> = batch.iter().map(|p| p.event.clone()).collect();
    match db.write(|conn| audit::append_many(conn, events)) {
        Ok(_) => {
            for pending in batch {
                let _ = pending.stored.send(Ok(()));
            }
        }
        // The database is away: every entry fails alike, and fast.
        Err(AppError::Unavailable(cause)) => {
            for pending in batch {
                let _ = pending
                    .stored
                    .send(Err(AppError::Unavailable(cause.clone())));
            }
        }
        // One entry may be at fault: each on its own, in order, so the others are stored.
        Err(e) if batch.len() > 1 => {
            tracing::warn!(error = %e, entries = batch.len(), "an audit batch failed; appending its entries one by one");
            for pending in batch {
                let stored = db.write(|conn| audit::append(conn, pending.event).map(|_| ()));
                let _ = pending.stored.send(stored);
            }
        }
        Err(e) => {
            if let Some(pending) = batch.into_iter().next() {
                let _ = pending.stored.send(Err(e));
            }
        }
    }
}

/// A search of the trail as a caller types it: every field narrows the result, and an empty
/// field is no filter (a search form sends its empty fields).
#[derive(Debug, Clone, Default)]
pub struct AuditSearch {
    /// This username (`anonymous` for the public).
    pub actor: Option<String>,
    /// `admin`, `regulator`, `bank` or `enterprise`.
    pub role: Option<String>,
    /// Requests about this enterprise (unified social credit code).
    pub enterprise: Option<String>,
    /// This action, exactly as entries show it.
    pub action: Option<String>,
    pub request_id: Option<String>,
    /// From this time on (RFC 3339).
    pub from: Option<String>,
    /// Before this time (RFC 3339).
    pub until: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl AuditSearch {
    fn filter(self, v: &mut Violations) -> AuditFilter {
        let given = |value: Option<String>| value.filter(|s| !s.trim().is_empty());
        let (actor, role, action, request_id) = (
            given(self.actor),
            given(self.role),
            given(self.action),
            given(self.request_id),
        );
        let enterprise = given(self.enterprise).and_then(|raw| match CreditCode::parse(&raw) {
            Ok(code) => Some(code.to_string()),
            Err(_) => {
                v.add("enterprise", "is not a valid unified social credit code");
                None
            }
        });
        if let Some(role) = &role
            && Role::parse(role).is_none()
        {
            v.add("role", "must be admin, regulator, bank or enterprise");
        }
        let mut time = |field: &str, raw: Option<String>| {
            raw.and_then(|raw| {
                let at = crate::domain::utc::parse(&raw);
                if at.is_none() {
                    v.add(field, "must be an RFC 3339 date-time");
                }
                at
            })
        };
        let from = time("from", self.from);
        let until = time("until", self.until);
        AuditFilter {
            actor,
            actor_role: role,
            enterprise_code: enterprise,
            action,
            request_id,
            from,
            until,
        }
    }
}

/// One page of the trail, newest first: who did or read what, when, in which request, with
/// what outcome, and each entry's place in the hash chain.
pub async fn search(
    state: &AppState,
    caller: &Caller,
    search: Input<AuditSearch>,
) -> AppResult<Paged<AuditEntry>> {
    caller.viewer.require_role(KEEPERS)?;
    let search = search?;
    // The filter's problems are told before the paging's.
    let paging = PageRequest::new(search.page, search.per_page);
    let mut v = Violations::new();
    let filter = search.filter(&mut v);
    v.into_result(()).map_err(AppError::from)?;
    let paging = paging?;
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| audit::list(conn, &filter, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        entries: i64,
        head_hash: String,
    },
    /// The first entry that fails, and how.
    Broken {
        entry: i64,
        reason: String,
    },
}

/// Verifies the whole chain up to its head as it is now (as `ecredit audit verify` does).
/// Regulators and admins. It reads the log in slices, so it never holds all of it.
pub async fn verify_chain(state: &AppState, caller: &Caller) -> AppResult<ChainCheck> {
    caller.viewer.require_role(KEEPERS)?;
    let outcome = state.blocking(|db| db.read(audit::verify)).await?;
    Ok(match outcome {
        Ok(chain) => ChainCheck::Intact {
            entries: chain.entries,
            head_hash: chain.head_hash,
        },
        Err(broken) => ChainCheck::Broken {
            entry: broken.entry(),
            reason: broken.to_string(),
        },
    })
}
