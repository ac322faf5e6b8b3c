//! The audit trail: appending the entry of a request, and reading the trail (regulators and
//! admins).

use super::{Caller, Input, KEEPERS, PageRequest, Paged};
use crate::db::audit::{self, AuditFilter};
use crate::domain::audit::{AuditEntry, AuditEvent};
use crate::domain::{CreditCode, Role, Violations};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Appends the entry of one request to the trail, in its own transaction.
pub async fn record(state: &AppState, event: AuditEvent) -> AppResult<()> {
    state
        .blocking(move |db| db.write(|conn| audit::append(conn, event)))
        .await
        .map(|_| ())
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
