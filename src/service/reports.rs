//! Credit reports: who may have which report, creating and reading them (every creation and
//! read is logged), verifying a saved one, the published keys and the query log.
//!
//! Who may have a full report: regulators and admins (any enterprise), the enterprise itself,
//! and a bank under a live authorisation from the enterprise. Everyone, signed in or not, may
//! have the reduced public report.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::{Caller, Input, PageRequest, Paged};
use crate::auth::Viewer;
use crate::db::authorizations::AuthorizationRow;
use crate::db::{DbConnection, authorizations, reports, users};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::publishing::{self, Requester};
use crate::report::document::{ReportKind, SignedReport};
use crate::report::html::render_html;
use crate::report::signing::{PublicKeySet, Verification, verify};
use crate::state::AppState;

pub use crate::db::reports::{NamedQuery, QueryRow, ReportRow};

/// The purpose printed for the public report and logged for anonymous callers.
const PUBLIC_PURPOSE: &str = "public_inquiry";

/// What report to make; both may be left out.
#[derive(Debug, Default, Clone)]
pub struct ReportOrder {
    /// `full` is the default when signed in, `public` (the only kind) for anonymous callers.
    pub kind: Option<ReportKind>,
    /// Why a regulator or admin pulls it; a bank's purpose is that of its authorisation.
    pub purpose: Option<String>,
}

/// The kind of report a caller gets when it names none.
pub fn default_kind(caller: &Caller) -> ReportKind {
    if caller.principal().is_some() {
        ReportKind::Full
    } else {
        ReportKind::Public
    }
}

/// Refuses, before any body is read, anonymous callers past their per-address allowance: every
/// public report is signed and stored, so nobody may flood the store. Whether the caller may
/// have the kind of report it asks for is judged in [`create_report`], once the body says which.
pub fn admit_report_request(state: &AppState, caller: &Caller) -> AppResult<()> {
    if caller.principal().is_none() {
        state
            .public_report_throttle
            .check(caller.peer)
            .map_err(|wait| AppError::TooManyRequests {
                retry_after_seconds: crate::auth::throttle::retry_after_seconds(wait),
            })?;
    }
    Ok(())
}

/// Creates, signs, stores and logs a report of enterprise `code` for the caller.
pub async fn create_report(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    order: ReportOrder,
) -> AppResult<ReportRow> {
    let kind = order.kind.unwrap_or_else(|| default_kind(caller));
    if kind == ReportKind::Full {
        may_have_full_report(&caller.viewer, code)?;
    }
    let mut v = crate::domain::Violations::new();
    let purpose = v.optional_text("purpose", order.purpose.as_deref(), 200);
    v.into_result(())?;
    let now = state.clock.now();
    let caller = caller.clone();
    let code = code.to_string();
    let app = state.clone();
    state
        .blocking(move |db| {
            db.write(|conn| {
                let mut requester = requester_of(conn, &caller)?;
                if kind == ReportKind::Full {
                    let grant = bank_grant(conn, &caller.viewer, &code, now.naive_utc())?;
                    requester.for_full_report(grant.as_ref(), purpose);
                }
                let keys = app.report_keys.current();
                let sources = publishing::ReportSources {
                    db,
                    models: &app.models,
                    population: &app.population,
                    keys: &keys,
                };
                publishing::create_report(conn, &sources, &code, kind, &requester, now)
            })
        })
        .await
}

/// A stored report as signed, and its printable page when asked for.
pub struct ReadReport {
    pub document: String,
    pub page: Option<String>,
}

/// Reads report `report_no` back, byte for byte as it was signed, and logs the read. A public
/// report: anyone. A full one: regulators, admins, the enterprise itself, and the bank it was
/// made for while its authorisation is live.
pub async fn read_report(
    state: &AppState,
    caller: &Caller,
    report_no: &str,
    printable: bool,
) -> AppResult<ReadReport> {
    let now = state.clock.now();
    let caller = caller.clone();
    let report_no = report_no.to_string();
    state
        .blocking(move |db| {
            let row = db.write(|conn| {
                let row = reports::get(conn, &report_no)?
                    .ok_or_else(|| AppError::NotFound(format!("no report {report_no}")))?;
                let mut requester = requester_of(conn, &caller)?;
                if ReportKind::from_stored(&row.kind) == ReportKind::Full {
                    let grant = may_read_full_report(conn, &caller.viewer, &row, now.naive_utc())?;
                    requester.for_full_report(grant.as_ref(), None);
                }
                publishing::log_read(conn, &row, &requester, now)?;
                Ok(row)
            })?;
            // Parsing and rendering stay off the async workers too.
            let page = if printable {
                let signed: SignedReport = serde_json::from_str(&row.document)
                    .map_err(|e| AppError::internal(format!("stored report unreadable: {e}")))?;
                Some(render_html(&signed))
            } else {
                None
            };
            Ok(ReadReport {
                document: row.document,
                page,
            })
        })
        .await
}

/// The keys reports are signed with: the active one and every earlier one. Public.
pub fn public_keys(state: &AppState) -> PublicKeySet {
    state.report_keys.current().public_key_set()
}

/// The published keys, for the admins' page that rotates them.
pub fn signing_keys(state: &AppState, caller: &Caller) -> AppResult<PublicKeySet> {
    caller.viewer.require_role(super::accounts::ADMINS)?;
    Ok(public_keys(state))
}

/// Adds a new signing key and signs with it from now on; earlier keys stay published, so the
/// reports they signed still verify. Admins only. Returns every key.
pub async fn rotate_key(state: &Arc<AppState>, caller: &Caller) -> AppResult<PublicKeySet> {
    caller.viewer.require_role(super::accounts::ADMINS)?;
    let app = state.clone();
    let now = state.clock.now();
    let ring = state
        .blocking(move |_| {
            app.report_keys
                .rotate(now)
                .map_err(|e| AppError::Internal(anyhow::Error::new(e)))
        })
        .await?;
    tracing::info!(key_id = ring.active_key_id(), "report signing key rotated");
    Ok(ring.public_key_set())
}

/// Is `saved` a genuine, unaltered report of this registry, and if not, why? Public.
pub fn verify_report(state: &AppState, saved: &[u8]) -> Verification {
    verify(saved, &state.report_keys.current().public_keys())
}

/// Who created or read the enterprise's reports, latest first, with the organisation's name.
/// The enterprise itself, regulators and admins.
pub async fn query_log(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: Input<PageRequest>,
) -> AppResult<Paged<NamedQuery>> {
    super::private_page(state, caller, code, paging, reports::query_log).await
}

/// 401 for the public, 403 for other enterprises; banks are checked against their grants when
/// the work runs.
fn may_have_full_report(viewer: &Viewer, code: &str) -> AppResult<()> {
    let principal = viewer.require_login()?;
    match principal.role {
        Role::Bank => Ok(()),
        _ if viewer.sees_private_of(code) => Ok(()),
        _ => Err(AppError::Forbidden(
            "a full report is for regulators, the enterprise itself and banks it has authorised"
                .into(),
        )),
    }
}

/// The caller as the query log records it, with the purpose of a public report.
fn requester_of(conn: &mut DbConnection, caller: &Caller) -> AppResult<Requester> {
    let request_id = caller.request_id.clone();
    let Some(principal) = caller.principal() else {
        return Ok(Requester {
            actor: "anonymous".into(),
            role: None,
            organisation: None,
            purpose: PUBLIC_PURPOSE.into(),
            authorization_id: None,
            request_id,
        });
    };
    let organisation = match principal.organisation {
        Some(id) => users::organisation_name(conn, id)?.map(|name| (id, name)),
        None => None,
    };
    Ok(Requester {
        actor: principal.username.clone(),
        role: Some(principal.role),
        organisation,
        purpose: PUBLIC_PURPOSE.into(),
        authorization_id: None,
        request_id,
    })
}

/// For a bank, the live grant of enterprise `code` it acts under (403 without one); `None`
/// for every other caller, whose access is already checked.
fn bank_grant(
    conn: &mut DbConnection,
    viewer: &Viewer,
    code: &str,
    now: NaiveDateTime,
) -> AppResult<Option<AuthorizationRow>> {
    let Some(principal) = viewer.principal().filter(|p| p.role == Role::Bank) else {
        return Ok(None);
    };
    let grant = match principal.organisation {
        Some(bank) => authorizations::live(conn, code, bank, now)?,
        None => None,
    };
    grant.map(Some).ok_or_else(|| {
        AppError::Forbidden("no live authorisation from this enterprise for your bank".into())
    })
}

/// 401 for the public; 403 unless the caller sees the enterprise's private data, or is the bank
/// the report was made for and still holds a live grant, which is returned.
fn may_read_full_report(
    conn: &mut DbConnection,
    viewer: &Viewer,
    row: &ReportRow,
    now: NaiveDateTime,
) -> AppResult<Option<AuthorizationRow>> {
    let principal = viewer.require_login()?;
    let refused = || {
        AppError::Forbidden(
            "this report is not yours to read, or its authorisation has lapsed".into(),
        )
    };
    match principal.role {
        Role::Bank => match principal.organisation {
            Some(bank) if row.organisation_id == Some(bank) => {
                authorizations::live(conn, &row.enterprise_code, bank, now)?
                    .map(Some)
                    .ok_or_else(refused)
            }
            _ => Err(refused()),
        },
        _ if viewer.sees_private_of(&row.enterprise_code) => Ok(None),
        _ => Err(refused()),
    }
}
