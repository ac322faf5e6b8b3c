//! Bulk import: a batch of enterprises with their operating records, stored in one transaction
//! (a batch is entirely in the registry, or not at all). Regulators and admins.

use super::{Caller, Input, KEEPERS};
use crate::db::bulk::{self, NewEnterprise, Provenance};
use crate::db::enterprises;
use crate::domain::import::ImportInput;
use crate::domain::records::DataSource;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What a batch stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The codes registered, in the order sent.
    pub codes: Vec<String>,
    pub enterprises: usize,
    pub operating_records: usize,
}

/// Imports a batch of enterprises (none registered yet) with their operating records. Every
/// problem in the batch is reported at once (422, naming each place), a code already registered
/// refuses the whole batch (409); nothing is stored unless all is. The history of each
/// enterprise records the import and its reason.
pub async fn import(
    state: &AppState,
    caller: &Caller,
    batch: Input<ImportInput>,
) -> AppResult<Imported> {
    caller.viewer.require_role(KEEPERS)?;
    let batch = batch?.check(state.clock.today())?;
    let ctx = caller.change_context(state.clock.now(), Some(batch.reason.clone()))?;
    let provenance = Provenance {
        actor: ctx.actor.clone(),
        actor_role: ctx.actor_role,
        reason: batch.reason.clone(),
        at: ctx.at,
    };
    state
        .blocking(move |db| {
            let codes: Vec<String> = batch
                .items
                .iter()
                .map(|(e, _)| e.code.to_string())
                .collect();
            let rows: Vec<NewEnterprise<'_>> = batch
                .items
                .iter()
                .map(|(enterprise, operating)| NewEnterprise {
                    enterprise,
                    source: DataSource::Department,
                    operating,
                    events: &[],
                    sentiment: &[],
                    associations: &[],
                })
                .collect();
            let prepared = bulk::prepare(&rows, &provenance);
            db.write(|conn| {
                let registered = enterprises::of_codes(conn, &codes)?;
                if !registered.is_empty() {
                    let named: Vec<&str> = registered
                        .iter()
                        .map(|e| e.enterprise.code.as_str())
                        .collect();
                    return Err(AppError::Conflict(format!(
                        "already registered, nothing imported: {}",
                        named.join(", ")
                    )));
                }
                let counts = bulk::insert_prepared(conn, &prepared)?;
                Ok(Imported {
                    codes: codes.clone(),
                    enterprises: counts.enterprises,
                    operating_records: counts.operating_records,
                })
            })
        })
        .await
}
