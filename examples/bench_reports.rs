//! Times creating credit reports the way the service does (`POST …/reports`: gather, assemble,
//! sign, store, log), in-process against an existing registry, and prints the latency
//! percentiles of the server-side work. `scripts/bench_reports.sh` seeds and scores a registry
//! first and then runs this.
//!
//! ```text
//! cargo run --release --example bench_reports -- --database-url sqlite://PATH \
//!     [--reports 5000] [--kind full|public] [--warmup 200]
//! ```

use std::time::Instant;

use chrono::Utc;
use ecredit::db::{DatabaseTarget, Db, enterprises};
use ecredit::domain::Role;
use ecredit::engine::{ModelCache, ScorePopulation};
use ecredit::publishing::{self, ReportSources, Requester};
use ecredit::report::KeyRing;
use ecredit::report::document::ReportKind;
use rand::seq::SliceRandom;

fn main() -> anyhow::Result<()> {
    let mut url = None;
    let mut reports = 5000usize;
    let mut warmup = 200usize;
    let mut kind = ReportKind::Full;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--database-url" => url = Some(value()?),
            "--reports" => reports = value()?.parse()?,
            "--warmup" => warmup = value()?.parse()?,
            "--kind" => {
                kind = ReportKind::parse(&value()?)
                    .ok_or_else(|| anyhow::anyhow!("--kind full|public"))?
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let url = url.ok_or_else(|| anyhow::anyhow!("--database-url is required"))?;
    let db = Db::connect(&DatabaseTarget::parse(&url).map_err(anyhow::Error::msg)?, 4)
        .map_err(anyhow::Error::msg)?;
    db.migrate()?;
    let keys_dir = tempfile::tempdir()?;
    let keys = KeyRing::open_or_create(keys_dir.path(), Utc::now())?;
    let models = ModelCache::default();
    let population = ScorePopulation::default();
    let sources = ReportSources {
        db: &db,
        models: &models,
        population: &population,
        keys: &keys,
    };
    let mut codes = db.read(enterprises::all_codes)?;
    anyhow::ensure!(!codes.is_empty(), "the registry is empty: seed it first");
    codes.shuffle(&mut rand::thread_rng());
    println!(
        "registry: {} enterprises; {} {kind} reports after {warmup} warm-up",
        codes.len(),
        reports
    );
    let requester = Requester {
        actor: "bench-regulator".into(),
        role: Some(Role::Regulator),
        organisation: None,
        purpose: "regulatory_supervision".into(),
        authorization_id: None,
        request_id: None,
    };
    let mut times = Vec::with_capacity(reports);
    let mut bytes = 0usize;
    for (i, code) in codes.iter().cycle().take(warmup + reports).enumerate() {
        let started = Instant::now();
        let row = db.write(|conn| {
            publishing::create_report(conn, &sources, code, kind, &requester, Utc::now())
        })?;
        let elapsed = started.elapsed();
        if i >= warmup {
            times.push(elapsed.as_secs_f64() * 1000.0);
            bytes += row.document.len();
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "create report (ms): mean {mean:.3}  p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}",
        at(0.50),
        at(0.90),
        at(0.99),
        at(1.0)
    );
    println!("mean report size: {} bytes", bytes / times.len());
    Ok(())
}
