//! The use cases of the registry, one function each ("create a report for this caller", "file an
//! objection", "grant an authorisation"). Each takes the caller, decides access, validates its
//! input and runs its work in one transaction. The JSON API (`src/api`) and the console
//! (`src/web`) are two thin adapters over this layer: neither reaches the db layer itself
//! (`tests/layers.rs` fails when one does), so both doors apply the same rules.
//!
//! No actix types cross into here: a use case gets the shared state, a [`Caller`] and plain
//! input, and answers with plain data or an [`AppError`].

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod authorizations;
pub mod commitments;
pub mod dashboard;
pub mod enterprises;
pub mod health;
pub mod history;
pub mod imports;
pub mod lists;
pub mod models;
pub mod objections;
pub mod public;
pub mod records;
pub mod repairs;
pub mod reports;
pub mod runs;
pub mod scores;
pub mod sessions;
pub mod statistics;
pub mod submissions;
pub mod watch;
pub mod workspace;

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::auth::{Principal, Viewer};
use crate::db::DbConnection;
use crate::db::history::ChangeContext;
use crate::domain::Role;
use crate::domain::Violations;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The stored rows the use cases hand back are plain data; they are named through the service
/// so that the adapters never import the db layer.
pub use crate::db::{RecordMeta, Stored};

/// Input as an adapter read it off a request (a body, a query, a code in a path), or why it
/// could not be read. A use case opens it only where the handler did before: after the caller
/// is checked, so that the public gets 401 and a wrong role 403 whatever they sent, and nobody
/// learns the input rules of an operation they may not use.
pub type Input<T> = AppResult<T>;

/// Who asks, and from where: what a use case needs of the request besides its input.
#[derive(Debug, Clone)]
pub struct Caller {
    pub viewer: Viewer,
    /// The request id, for the history and the query log.
    pub request_id: Option<String>,
    /// The client's address, for per-address throttles.
    pub peer: Option<IpAddr>,
}

impl Caller {
    pub fn new(viewer: Viewer, request_id: Option<String>, peer: Option<IpAddr>) -> Self {
        Caller {
            viewer,
            request_id,
            peer,
        }
    }

    /// The public, as a caller (tests, and pages nobody signed in to).
    pub fn anonymous() -> Self {
        Caller::new(Viewer::Anonymous, None, None)
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.viewer.principal()
    }

    /// Who is writing, for the change history; `reason` is trimmed, and blank means none.
    pub fn change_context(
        &self,
        at: DateTime<Utc>,
        reason: Option<String>,
    ) -> AppResult<ChangeContext> {
        let principal = self.viewer.require_login()?;
        let reason = reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if let Some(r) = &reason
            && r.chars().count() > 1000
        {
            return Err(AppError::validation(
                "reason",
                "must be at most 1000 characters",
            ));
        }
        Ok(ChangeContext {
            actor: principal.username.clone(),
            actor_role: principal.role,
            request_id: self.request_id.clone(),
            reason,
            at: at.naive_utc(),
        })
    }
}

/// Roles that keep the registry.
pub const KEEPERS: &[Role] = &[Role::Regulator, Role::Admin];

/// Refuses all but the keepers: for the console's views that only keepers have (a decision
/// page, the registry search, the record writes) where the reads beneath them are open to more
/// callers (an enterprise reads its own objection; anyone reads a confirmed list entry).
pub fn require_keeper(caller: &Caller) -> AppResult<()> {
    caller.viewer.require_role(KEEPERS).map(|_| ())
}

/// Whether the caller keeps the registry: for showing the keepers' links and forms.
pub fn is_keeper(caller: &Caller) -> bool {
    require_keeper(caller).is_ok()
}

/// The version of a record a write expects to change: read from `If-Match` by the API, from a
/// hidden field by the console. A write that names none is refused (428) so that nobody
/// overwrites a change they have not seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedVersion {
    Missing,
    /// Whatever is current (`If-Match: *`).
    Any,
    Exactly(i64),
    /// Something that names no version of this service, as sent.
    Malformed(String),
}

impl ExpectedVersion {
    /// Reads an `If-Match` header value: `*`, or an ETag `"N"` (weak or strong).
    pub fn from_if_match(raw: Option<&str>) -> Self {
        let Some(raw) = raw else {
            return ExpectedVersion::Missing;
        };
        if raw == "*" {
            return ExpectedVersion::Any;
        }
        let tag = raw.strip_prefix("W/").unwrap_or(raw);
        tag.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .and_then(|t| t.parse::<i64>().ok())
            .map_or_else(
                || ExpectedVersion::Malformed(raw.to_string()),
                ExpectedVersion::Exactly,
            )
    }

    /// The version to write over, when it is the current one.
    pub fn check(&self, current: i64) -> AppResult<i64> {
        match self {
            ExpectedVersion::Missing => Err(AppError::PreconditionRequired(
                "send If-Match with the ETag of the version you read".into(),
            )),
            ExpectedVersion::Any => Ok(current),
            ExpectedVersion::Malformed(raw) => Err(AppError::BadRequest(format!(
                "If-Match {raw} is not an ETag of this service"
            ))),
            ExpectedVersion::Exactly(version) if *version != current => {
                Err(AppError::PreconditionFailed(format!(
                    "the record is at version {current}, not {version}: read it again and retry"
                )))
            }
            ExpectedVersion::Exactly(version) => Ok(*version),
        }
    }
}

pub const MAX_PAGE_SIZE: u32 = 100;

/// The last page number accepted (the documented `maximum`): far beyond any list, and inside
/// every client's 32-bit integers.
pub const MAX_PAGE: u32 = 1_000_000;

/// A checked page request: page from 1, 1 to [`MAX_PAGE_SIZE`] items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> AppResult<Self> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        let mut v = Violations::new();
        v.check(
            (1..=MAX_PAGE).contains(&page),
            "page",
            format!("must be between 1 and {MAX_PAGE}"),
        );
        v.check(
            (1..=MAX_PAGE_SIZE).contains(&per_page),
            "per_page",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        );
        v.into_result(PageRequest { page, per_page })
            .map_err(AppError::from)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

/// One page of rows and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<R> {
    pub rows: Vec<R>,
    pub request: PageRequest,
    pub total: i64,
}

impl<R> Paged<R> {
    pub fn map<V>(self, view: impl FnMut(R) -> V) -> Paged<V> {
        Paged {
            rows: self.rows.into_iter().map(view).collect(),
            request: self.request,
            total: self.total,
        }
    }
}

/// Reads one page of an enterprise's rows (code, offset, limit) and the total.
pub(crate) type PageLister<R> = fn(&mut DbConnection, &str, i64, i64) -> AppResult<(Vec<R>, i64)>;

/// One page of an enterprise's confidential rows (records, scores, the query log) for the
/// regulators, admins and the enterprise itself: the caller is checked first, then the
/// paging is opened, then the enterprise must exist, then `lister` reads the page.
pub(crate) async fn private_page<R: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: Input<PageRequest>,
    lister: PageLister<R>,
) -> AppResult<Paged<R>> {
    caller.viewer.require_private_of(code)?;
    let paging = paging?;
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                crate::db::enterprises::get(conn, &code)?;
                lister(conn, &code, paging.offset(), paging.limit())
            })
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}
