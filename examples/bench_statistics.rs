//! Times the statistics of regulators the way `GET /api/v1/statistics/…` computes them (the SQL
//! aggregates, then the suppression rules), in-process against an existing registry, and prints
//! the fastest and median of a few runs per query. `scripts/bench_statistics.sh` seeds and
//! scores a registry first and then runs this.
//!
//! ```text
//! cargo run --release --example bench_statistics -- --database-url sqlite://PATH \
//!     [--as-of 2026-10-31] [--runs 5]
//! ```

use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use ecredit::db::statistics::{self, StatisticsFilter};
use ecredit::db::{DatabaseTarget, Db};
use ecredit::domain::statistics::{
    GroupBy, Quarter, RegionLevel, publish_breakdown, publish_grades, publish_trend,
};
use ecredit::error::AppResult;

fn main() -> anyhow::Result<()> {
    let mut url = None;
    let mut runs = 5usize;
    let mut as_of = NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--database-url" => url = Some(value()?),
            "--runs" => runs = value()?.parse()?,
            "--as-of" => as_of = value()?.parse()?,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let url = url.ok_or_else(|| anyhow::anyhow!("--database-url is required"))?;
    let db = Db::connect(&DatabaseTarget::parse(&url).map_err(anyhow::Error::msg)?, 2)
        .map_err(anyhow::Error::msg)?;
    db.migrate()?;
    let all = StatisticsFilter::default();
    let zhejiang = StatisticsFilter {
        region_prefix: Some("33".into()),
        industry: None,
    };
    let year = as_of.year() - 1;
    let quarters = Quarter::last(8, as_of);
    let (from, to) = (quarters[0].first_day(), quarters[7].last_day());
    type Job<'a> = (&'a str, Box<dyn Fn(&Db) -> AppResult<usize> + 'a>);
    let breakdown = |filter: &StatisticsFilter, by, level| {
        let filter = filter.clone();
        move |db: &Db| {
            db.read(|conn| {
                let (groups, total) =
                    statistics::enterprise_breakdown(conn, &filter, by, level, year)?;
                Ok(publish_breakdown(&groups, &total).0.len())
            })
        }
    };
    let jobs: Vec<Job> = vec![
        (
            "enterprises?by=region (provinces)",
            Box::new(breakdown(&all, GroupBy::Region, RegionLevel::Province)),
        ),
        (
            "enterprises?by=region&level=city&region_code=330000",
            Box::new(breakdown(&zhejiang, GroupBy::Region, RegionLevel::City)),
        ),
        (
            "enterprises?by=industry",
            Box::new(breakdown(&all, GroupBy::Industry, RegionLevel::Province)),
        ),
        (
            "enterprises?by=business_model",
            Box::new(breakdown(
                &all,
                GroupBy::BusinessModel,
                RegionLevel::Province,
            )),
        ),
        (
            "enterprises?by=grade",
            Box::new(breakdown(&all, GroupBy::Grade, RegionLevel::Province)),
        ),
        (
            "trends?quarters=8",
            Box::new(|db: &Db| {
                db.read(|conn| {
                    let found = statistics::quarterly_trend(conn, &all, from, to)?;
                    Ok(publish_trend(&quarters, &found, as_of).len())
                })
            }),
        ),
        (
            "grades",
            Box::new(|db: &Db| {
                db.read(|conn| {
                    let t = statistics::grade_transitions(conn, &all)?;
                    Ok(publish_grades(&t).grades.len())
                })
            }),
        ),
    ];
    println!("| call | fastest | median | groups |");
    println!("|---|---|---|---|");
    for (name, job) in &jobs {
        let mut times = Vec::with_capacity(runs);
        let mut groups = 0;
        for _ in 0..runs {
            let started = Instant::now();
            groups = job(&db)?;
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| `{name}` | {:.3} s | {:.3} s | {groups} |",
            times[0],
            times[times.len() / 2]
        );
    }
    Ok(())
}
