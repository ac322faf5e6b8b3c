//! What the public site reads that had no use case yet: an enterprise's credit events as the
//! caller may see them. The rule is that of the API handler (`api/records.rs`): the public sees
//! the public events only; who may see the enterprise's private data sees them all.

use super::{Caller, PageRequest, Paged, Stored};
use crate::db::{enterprises, records};
use crate::domain::records::CreditEvent;
use crate::error::AppResult;
use crate::state::AppState;

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
