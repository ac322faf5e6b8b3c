//! Times the statistics of regulators the way `GET /api/v1/statistics/…` computes them (the sums
//! of the kept cells, then the suppression rules), in-process against an existing registry, and
//! prints the fastest, median and slowest of the runs per query. With `--from-records` it times
//! the same statistics computed from the records instead (what the cells are held to). `scripts/bench_statistics.sh` seeds and
//! scores a registry first and then runs this.
//!
//! ```text
//! cargo run --release --example bench_statistics -- --database-url sqlite://PATH \
//!     [--as-of 2026-10-31] [--runs 50] [--from-records]
//! ```

use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use ecredit::db::statistics::{self, StatisticsFilter};
use ecredit::db::statistics_cells;
use ecredit::db::{DatabaseTarget, Db};
use ecredit::domain::statistics::{
    GroupBy, Quarter, RegionLevel, publish_breakdown, publish_grades, publish_trend,
};
use ecredit::error::AppResult;

fn main() -> anyhow::Result<()> {
    let mut url = None;
    let mut runs = 50usize;
    let mut from_records = false;
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
            "--from-records" => from_records = true,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let url = url.ok_or_else(|| anyhow::anyhow!("--database-url is required"))?;
    let db = Db::connect(&DatabaseTarget::parse(&url).map_err(anyhow::Error::msg)?, 2)
        .map_err(anyhow::Error::msg)?;
    db.migrate()?;
    let all = StatisticsFilter::default();
    let guangdong = StatisticsFilter {
        region_prefix: Some("44".into()),
        industry: None,
    };
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
                let (groups, total) = if from_records {
                    statistics::enterprise_breakdown_from_records(conn, &filter, by, level, year)?
                } else {
                    statistics_cells::enterprise_breakdown(conn, &filter, by, level, year)?
                };
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
            "enterprises?by=grade&region_code=440000",
            Box::new(breakdown(&guangdong, GroupBy::Grade, RegionLevel::Province)),
        ),
        (
            "enterprises?by=region&level=district",
            Box::new(breakdown(&all, GroupBy::Region, RegionLevel::District)),
        ),
        (
            "trends?quarters=8",
            Box::new(|db: &Db| {
                db.read(|conn| {
                    let found = if from_records {
                        statistics::quarterly_trend_from_records(conn, &all, from, to)?
                    } else {
                        statistics_cells::quarterly_trend(conn, &all, from, to)?
                    };
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
    println!("| call | fastest | median | slowest | groups |");
    println!("|---|---|---|---|---|");
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
            "| `{name}` | {:.2} ms | {:.2} ms | {:.2} ms | {groups} |",
            times[0] * 1e3,
            times[times.len() / 2] * 1e3,
            times[times.len() - 1] * 1e3
        );
    }
    Ok(())
}
