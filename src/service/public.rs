//! What the public site reads that had no use case yet: the current entries of a list, an
//! enterprise's list memberships and its credit events as the caller may see them. The rules are
//! those of the API handlers (`api/lists.rs`, `api/records.rs`): the public sees the confirmed
//! entries and the public events only; who may see the enterprise's private data sees them all.

use super::{Caller, KEEPERS, PageRequest, Paged, Stored};
use crate::db::lists::{self as store, ListFilter};
use crate::db::{enterprises, records};
use crate::domain::lists::ListKind;
use crate::domain::records::CreditEvent;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::lists::{ListEntryRow, NamedEntry};

/// A search of one list: blank `q` means all; `history` (keepers only) includes entries that
/// ended or were never confirmed.
#[derive(Debug, Default, Clone)]
pub struct ListSearch {
    pub q: Option<String>,
    pub history: bool,
}

/// One page of a list's entries.
pub async fn read_list(
    state: &AppState,
    caller: &Caller,
    list: ListKind,
    search: ListSearch,
    paging: PageRequest,
) -> AppResult<Paged<NamedEntry>> {
    if search.history {
        caller.viewer.require_role(KEEPERS)?;
    }
    let text = search
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::validation("q", "must be at most 100 characters"));
    }
    let filter = ListFilter {
        list,
        search: text,
        history: search.history,
        today: state.clock.today(),
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| store::page(conn, &filter, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// The list entries of one enterprise, with its name: every entry for who may see its private
/// data, the confirmed ones for everyone else.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> AppResult<(String, Vec<ListEntryRow>)> {
    let all = caller.viewer.sees_private_of(code);
    let code = code.to_string();
    let (name, rows) = state
        .blocking(move |db| {
            db.read(|conn| {
                let stored = enterprises::get(conn, &code)?;
                Ok((stored.enterprise.name, store::entries_of(conn, &code)?))
            })
        })
        .await?;
    Ok((
        name,
        rows.into_iter()
            .filter(|row| all || row.is_confirmed())
            .collect(),
    ))
}

/// One page of an enterprise's credit events, latest first: all of them for who may see its
/// private data, the public ones (not revoked, publicity running) for everyone else.
pub async fn credit_events(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<Stored<CreditEvent>>> {
    let full = caller.viewer.sees_private_of(code);
    let today = state.clock.today();
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                if full {
                    records::events::list(conn, &code, |q| q, paging.offset(), paging.limit())
                } else {
                    records::events::list(
                        conn,
                        &code,
                        records::public_events(today),
                        paging.offset(),
                        paging.limit(),
                    )
                }
            })
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}
