//! Logs and metrics. Every log line written while a request is served carries its request id
//! (tracing-actix-web opens a span per request; `AppState::blocking` carries it onto the blocking
//! pool). Metrics are Prometheus text: requests by route and status, a latency histogram per
//! route, and the database pool's use.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use tracing_actix_web::RequestId;
use tracing_subscriber::EnvFilter;

use crate::db::PoolState;
use crate::state::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the global subscriber; `ECREDIT_LOG` (or `RUST_LOG`) sets the filter.
pub fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("ECREDIT_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    audit_failures: prometheus::IntCounter,
    /// The two series of `grade_lookups_total`, resolved once: the lookup is the hottest path.
    grade_lookups_from_memory: prometheus::IntCounter,
    grade_lookups_from_database: prometheus::IntCounter,
    grade_index_live: IntGauge,
    grade_index_entries: IntGauge,
}

/// What the in-memory grade index holds, read when the metrics are rendered.
#[derive(Debug, Clone, Copy)]
pub struct GradeIndexState {
    pub live: bool,
    pub entries: usize,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("ecredit".into()), None).expect("valid prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool_connections = IntGauge::new("db_pool_connections", "Open database connections")
            .expect("valid metric");
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle database connections")
            .expect("valid metric");
        let pool_max = IntGauge::new("db_pool_max_connections", "Database pool size limit")
            .expect("valid metric");
        let audit_failures = prometheus::IntCounter::new(
            "audit_append_failures_total",
            "Audited requests whose audit entry could not be stored",
        )
        .expect("valid metric");
        let grade_lookups = IntCounterVec::new(
            Opts::new(
                "grade_lookups_total",
                "Public grade lookups by where they were answered from (memory, database)",
            ),
            &["source"],
        )
        .expect("valid metric");
        let grade_index_live = IntGauge::new(
            "grade_index_live",
            "1 while the in-memory grade index is live and answers lookups",
        )
        .expect("valid metric");
        let grade_index_entries =
            IntGauge::new("grade_index_entries", "Current grades held in memory")
                .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(grade_lookups.clone()),
            Box::new(grade_index_live.clone()),
            Box::new(grade_index_entries.clone()),
            Box::new(audit_failures.clone()),
            Box::new(latency.clone()),
            Box::new(pool_connections.clone()),
            Box::new(pool_idle.clone()),
            Box::new(pool_max.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Metrics {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            pool_max,
            audit_failures,
            grade_lookups_from_memory: grade_lookups.with_label_values(&["memory"]),
            grade_lookups_from_database: grade_lookups.with_label_values(&["database"]),
            grade_index_live,
            grade_index_entries,
        }
    }

    /// Counts a public grade lookup, answered from memory or from the database.
    pub fn grade_lookup(&self, from_memory: bool) {
        if from_memory {
            self.grade_lookups_from_memory.inc();
        } else {
            self.grade_lookups_from_database.inc();
        }
    }

    pub fn audit_append_failed(&self) {
        self.audit_failures.inc();
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The Prometheus text exposition of every metric, with the pool read now.
    pub fn render(&self, pool: PoolState, grades: GradeIndexState) -> String {
        self.grade_index_live.set(i64::from(grades.live));
        self.grade_index_entries
            .set(i64::try_from(grades.entries).unwrap_or(i64::MAX));
        self.pool_connections.set(i64::from(pool.connections));
        self.pool_idle.set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max_size));
        let mut buffer = Vec::new();
        let encoder = TextEncoder::new();
        if encoder
            .encode(&self.registry.gather(), &mut buffer)
            .is_err()
        {
            return String::new();
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Middleware: counts and times every request under its route pattern (never the raw path,
/// which would make one series per enterprise) and returns the request id as `x-request-id`.
pub async fn observe_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();
    let mut res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    if let Some(state) = state {
        state.metrics.observe(
            &method,
            &route,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    let request_id = res
        .request()
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string);
    if let Some(id) = request_id
        && let Ok(value) = HeaderValue::from_str(&id)
    {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}
