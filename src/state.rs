//! What every request handler shares, and the bridge from async handlers to blocking diesel.

use std::sync::Arc;

use actix_web::web;

use crate::auth::TokenKeys;
use crate::clock::Clock;
use crate::db::Db;
use crate::engine::ModelCache;
use crate::error::{AppError, AppResult};
use crate::telemetry::Metrics;

pub struct AppState {
    pub db: Db,
    pub tokens: TokenKeys,
    pub clock: Arc<dyn Clock>,
    pub metrics: Metrics,
    /// The active scoring model, parsed once.
    pub models: ModelCache,
    /// The scored population, for the percentile in reports.
    pub population: crate::engine::ScorePopulation,
    pub login_throttle: crate::auth::throttle::LoginThrottle,
    /// Anonymous report creation per client address: each public report is signed and stored.
    pub public_report_throttle: crate::auth::throttle::AddressThrottle,
    /// Signs every report; holds the earlier keys too, for verification. Rotated at run time.
    pub report_keys: crate::report::SharedKeyRing,
    /// Merges the statistics' cells while the server runs.
    pub cell_merger: crate::service::statistics::CellMerger,
    /// Keeps `db`'s in-memory grade index fresh while the server runs.
    pub grade_feed: crate::db::grade_index::GradeFeed,
    /// Appends the audit entries of concurrent requests in one transaction.
    pub audit_appender: crate::service::audit::AuditAppender,
}

impl AppState {
    /// Runs blocking work (diesel, argon2) on actix's blocking thread pool, so the async workers
    /// keep serving, and keeps the request's tracing span (and with it the request id).
    pub async fn blocking<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&crate::db::Db) -> AppResult<T> + Send + 'static,
    {
        let span = tracing::Span::current();
        let db = self.db.clone();
        web::block(move || span.in_scope(|| work(&db)))
            .await
            .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
    }
}
