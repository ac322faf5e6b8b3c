//! The statistics kept on write (issue 17) against the same statistics computed from the records
//! themselves, after random writes through the API on every path that moves them: new and
//! corrected records (backdated, moved to another quarter, quarterly over monthly), objections
//! filed and answered, enterprises registered one by one and in bulk, enterprises changing
//! region, industry, status or business models, and scores changing their grade; with the cells
//! merged at random moments in between.

use chrono::NaiveDate;
use ecredit::clock::Clock;
use ecredit::db::statistics::{self, StatisticsFilter};
use ecredit::db::statistics_cells;
use ecredit::domain::statistics::{GroupBy, GroupTotals, QuarterTotals, RegionLevel};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, TestApp, enterprise_body, test_model};
use crate::on_both_backends;

on_both_backends!(
    kept_statistics_equal_the_records_after_random_writes,
    concurrent_writes_about_one_enterprise_keep_its_statistics,
);

const REGIONS: [&str; 5] = ["330106", "330102", "440305", "440106", "110108"];
const INDUSTRIES: [&str; 3] = ["retail", "apparel", "food"];
const MODELS: [&str; 3] = ["b2c", "cross_border", "live_streaming"];
const STATUSES: [&str; 3] = ["active", "abnormal", "deregistered"];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn same_totals(kept: &GroupTotals, counted: &GroupTotals) -> bool {
    kept.key == counted.key
        && kept.enterprises == counted.enterprises
        && kept.reporting == counted.reporting
        && kept.metrics.iter().zip(&counted.metrics).all(|(k, c)| {
            k.contributors == c.contributors
                && match (k.total, c.total) {
                    (Some(a), Some(b)) => close(a, b),
                    (None, None) => true,
                    _ => false,
                }
        })
}

fn same_quarter(kept: &QuarterTotals, counted: &QuarterTotals) -> bool {
    kept.quarter == counted.quarter
        && kept.reporting == counted.reporting
        && kept.refund_reporting == counted.refund_reporting
        && kept.complaints_reporting == counted.complaints_reporting
        && close(kept.online_sales, counted.online_sales)
        && close(kept.orders, counted.orders)
        && close(kept.refunded_orders, counted.refunded_orders)
        && close(kept.refund_base, counted.refund_base)
        && close(kept.complaints, counted.complaints)
}

/// Every breakdown, level, year and filter, and the trend under each filter: kept = counted.
/// Returns how many statistics it compared.
async fn compare(app: &TestApp, moment: &str) -> usize {
    let db = app.db.clone();
    let moment = moment.to_string();
    tokio::task::spawn_blocking(move || {
        db.read(|conn| {
            let filters = [
                StatisticsFilter::default(),
                StatisticsFilter {
                    region_prefix: Some("33".into()),
                    industry: None,
                },
                StatisticsFilter {
                    region_prefix: Some("4403".into()),
                    industry: None,
                },
                StatisticsFilter {
                    region_prefix: None,
                    industry: Some("retail".into()),
                },
            ];
            let mut compared = 0;
            for filter in &filters {
                for year in 2024..=2026 {
                    for by in [
                        GroupBy::Region,
                        GroupBy::Industry,
                        GroupBy::BusinessModel,
                        GroupBy::Grade,
                        GroupBy::Status,
                    ] {
                        let levels: &[RegionLevel] = if by == GroupBy::Region {
                            &[RegionLevel::Province, RegionLevel::City, RegionLevel::District]
                        } else {
                            &[RegionLevel::Province]
                        };
                        for &level in levels {
                            let kept = statistics_cells::enterprise_breakdown(
                                conn, filter, by, level, year,
                            )?;
                            let counted = statistics::enterprise_breakdown_from_records(
                                conn, filter, by, level, year,
                            )?;
                            let same = kept.0.len() == counted.0.len()
                                && kept.0.iter().zip(&counted.0).all(|(k, c)| same_totals(k, c))
                                && same_totals(&kept.1, &counted.1);
                            assert!(
                                same,
                                "{moment}: {by:?} {level:?} {year} {filter:?}\nkept    {kept:?}\ncounted {counted:?}"
                            );
                            compared += 1;
                        }
                    }
                }
                let (from, to) = (
                    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                    NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                );
                let kept = statistics_cells::quarterly_trend(conn, filter, from, to)?;
                let counted = statistics::quarterly_trend_from_records(conn, filter, from, to)?;
                assert!(
                    kept.len() == counted.len()
                        && kept.iter().zip(&counted).all(|(k, c)| same_quarter(k, c)),
                    "{moment}: trend {filter:?}\nkept    {kept:?}\ncounted {counted:?}"
                );
                compared += 1;
            }
            Ok(compared)
        })
    })
    .await
    .unwrap()
    .unwrap()
}

async fn merge(app: &TestApp) -> usize {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || db.write(statistics_cells::merge))
        .await
        .unwrap()
        .unwrap()
}

fn random_period(rng: &mut Xoshiro256PlusPlus) -> String {
    let year = rng.gen_range(2024..=2026);
    if rng.gen_bool(0.25) {
        format!("{year}-Q{}", rng.gen_range(1..=3))
    } else {
        format!("{year}-{:02}", rng.gen_range(1..=9))
    }
}

fn random_figures(rng: &mut Xoshiro256PlusPlus, period: &str) -> Value {
    let mut body = json!({
        "period": period,
        "online_sales": f64::from(rng.gen_range(1..100_000)) / 4.0,
        "orders": rng.gen_range(0..5_000),
        "source": "platform",
    });
    if rng.gen_bool(0.6) {
        body["employees"] = json!(rng.gen_range(1..300));
    }
    if rng.gen_bool(0.5) {
        body["refund_rate"] = json!(f64::from(rng.gen_range(0..50)) / 100.0);
    }
    if rng.gen_bool(0.5) {
        body["complaints"] = json!(rng.gen_range(0..40));
    }
    if rng.gen_bool(0.4) {
        body["tax_paid"] = json!(f64::from(rng.gen_range(0..9_000)));
    }
    if rng.gen_bool(0.3) {
        body["cross_border_trade"] = json!(f64::from(rng.gen_range(0..9_000)));
    }
    body
}

fn pick<T: Clone>(rng: &mut Xoshiro256PlusPlus, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())].clone()
}

async fn kept_statistics_equal_the_records_after_random_writes(app: TestApp) {
    let cast = app.cast().await;
    let r = cast.regulator.as_str();
    app.install_model(&test_model(3), true).await;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    let population = ecredit::demo::Population::new(41, app.clock.today(), 0..40);
    let mut fresh_codes = population
        .generate(0..40)
        .into_iter()
        .map(|g| g.enterprise.code.to_string());
    let mut codes = vec![CODE_A.to_string(), CODE_B.to_string()];
    for n in 0..6 {
        let code = fresh_codes.next().unwrap();
        let mut body = enterprise_body(
            &code,
            &format!("统计维护测试{n}电子商务有限公司"),
            pick(&mut rng, &REGIONS[..]),
        );
        body["industry"] = json!(pick(&mut rng, &INDUSTRIES[..]));
        let response = app.post("/api/v1/enterprises", Some(r), &body).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        codes.push(code);
    }
    // (enterprise, record id) of the records stored so far.
    let mut records: Vec<(String, i64)> = Vec::new();
    let mut open_objections: Vec<i64> = Vec::new();
    let mut writes = [0usize; 8];
    let mut compared = 0;
    let mut taken = 0;
    for step in 0..90 {
        let action = rng.gen_range(0..8);
        let code = pick(&mut rng, &codes);
        let (kind, done) = match action {
            // A record, often backdated, monthly or quarterly.
            0..=2 => {
                let period = random_period(&mut rng);
                let body = random_figures(&mut rng, &period);
                let response = app
                    .post(
                        &format!("/api/v1/enterprises/{code}/operating-records"),
                        Some(r),
                        &body,
                    )
                    .await;
                let ok = response.status() == 201;
                if ok {
                    let stored: Value = response.json().await.unwrap();
                    records.push((code, stored["id"].as_i64().unwrap()));
                }
                (action, ok)
            }
            // A correction: other figures, sometimes another period.
            3 if !records.is_empty() => {
                let (code, id) = pick(&mut rng, &records);
                let path = format!("/api/v1/enterprises/{code}/operating-records/{id}");
                let current = app.get(&path, Some(r)).await;
                let tag = current.headers()["etag"].to_str().unwrap().to_string();
                let mut patch = json!({
                    "online_sales": f64::from(rng.gen_range(1..50_000)),
                    "employees": if rng.gen_bool(0.5) { json!(rng.gen_range(1..99)) } else { Value::Null },
                    "reason": "统计口径更正",
                });
                if rng.gen_bool(0.4) {
                    patch["period"] = json!(random_period(&mut rng));
                }
                (
                    3,
                    app.patch(&path, Some(r), Some(&tag), &patch).await.status() == 200,
                )
            }
            // What groups an enterprise: region, industry, status, business models.
            4 => {
                let path = format!("/api/v1/enterprises/{code}");
                let current = app.get(&path, Some(r)).await;
                let tag = current.headers()["etag"].to_str().unwrap().to_string();
                let models: Vec<&str> = MODELS
                    .iter()
                    .copied()
                    .filter(|_| rng.gen_bool(0.5))
                    .collect();
                let patch = match rng.gen_range(0..4) {
                    0 => json!({"region_code": pick(&mut rng, &REGIONS[..])}),
                    1 => json!({"industry": pick(&mut rng, &INDUSTRIES[..])}),
                    2 => json!({"status": pick(&mut rng, &STATUSES[..])}),
                    _ => {
                        json!({"business_models": if models.is_empty() { vec!["b2c"] } else { models }})
                    }
                };
                let mut patch = patch;
                patch["reason"] = json!("登记信息变更");
                (
                    4,
                    app.patch(&path, Some(r), Some(&tag), &patch).await.status() == 200,
                )
            }
            // A score: its grade moves the enterprise between grade groups.
            5 => {
                let status = app
                    .request(
                        reqwest::Method::POST,
                        &format!("/api/v1/enterprises/{code}/score"),
                        Some(r),
                    )
                    .send()
                    .await
                    .unwrap()
                    .status();
                (5, status.is_success())
            }
            // An objection to one of A's records by A's owner, or an answer to one.
            6 => {
                if let Some(id) = open_objections.pop() {
                    let outcome = if rng.gen_bool(0.5) {
                        "upheld"
                    } else {
                        "corrected"
                    };
                    let mut body = json!({"outcome": outcome, "explanation": "经核实"});
                    if outcome == "corrected" {
                        body["correction"] = json!({"online_sales": 4321.0});
                    }
                    let response = app
                        .post(
                            &format!("/api/v1/enterprises/{CODE_A}/objections/{id}/answer"),
                            Some(r),
                            &body,
                        )
                        .await;
                    (6, response.status() == 200)
                } else if let Some((_, id)) = records.iter().find(|(c, _)| c == CODE_A) {
                    let response = app
                        .post(
                            &format!("/api/v1/enterprises/{CODE_A}/objections"),
                            Some(&cast.owner_a),
                            &json!({"operating_record_id": id, "reason": "订单数统计有误"}),
                        )
                        .await;
                    let ok = response.status() == 201;
                    if ok {
                        let filed: Value = response.json().await.unwrap();
                        open_objections.push(filed["id"].as_i64().unwrap());
                    }
                    (6, ok)
                } else {
                    (6, false)
                }
            }
            // Two enterprises in one import, with their records.
            _ => {
                let batch: Vec<Value> = (0..2)
                    .map(|n| {
                        let code = fresh_codes.next().unwrap();
                        codes.push(code.clone());
                        let mut enterprise = enterprise_body(
                            &code,
                            &format!("导入维护测试{step}{n}电子商务有限公司"),
                            &code[2..8],
                        );
                        enterprise["industry"] = json!(pick(&mut rng, &INDUSTRIES[..]));
                        json!({"enterprise": enterprise, "operating": [
                            random_figures(&mut rng, "2025-03"),
                            random_figures(&mut rng, "2025-Q3"),
                            random_figures(&mut rng, "2026-05"),
                        ]})
                    })
                    .collect();
                let response = app
                    .post(
                        "/api/v1/imports",
                        Some(r),
                        &json!({"reason": "批量导入", "enterprises": batch}),
                    )
                    .await;
                let status = response.status();
                assert!(status.is_success(), "{}", response.text().await.unwrap());
                (7, true)
            }
        };
        if done {
            writes[kind] += 1;
        }
        if step % 15 == 14 {
            compared += compare(&app, &format!("after step {step}")).await;
            if rng.gen_bool(0.5) {
                taken += merge(&app).await;
                compared += compare(&app, &format!("merged after step {step}")).await;
            }
        }
    }
    // Every kind of write happened, so the comparison covered them.
    assert!(writes.iter().all(|&n| n > 0), "writes per kind: {writes:?}");
    taken += merge(&app).await;
    compared += compare(&app, "merged at the end").await;
    assert!(compared > 500, "{compared}");
    // Merging folded rows; merged, every cell is one row and merging again takes nothing.
    assert!(taken > 0);
    assert_eq!(merge(&app).await, 0);
}

/// Writes about one enterprise at the same moment (records of one year, some in one quarter,
/// and scores) each keep its figures after the other's: on PostgreSQL they would otherwise read
/// the quarters before the other committed and subtract the same figures twice.
async fn concurrent_writes_about_one_enterprise_keep_its_statistics(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(3), true).await;
    let r = cast.regulator.as_str();
    let writes = (1..=9).map(|month| {
        let app = &app;
        async move {
            let body = json!({"period": format!("2025-{month:02}"), "online_sales": 100.0 * f64::from(month),
                "orders": month, "employees": month, "source": "platform"});
            let response = app
                .post(&format!("/api/v1/enterprises/{CODE_A}/operating-records"), Some(r), &body)
                .await;
            assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        }
    });
    let scores = (0..4).map(|_| {
        let app = &app;
        async move {
            let response = app
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/enterprises/{CODE_A}/score"),
                    Some(r),
                )
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "{}",
                response.text().await.unwrap()
            );
        }
    });
    futures_util::future::join(
        futures_util::future::join_all(writes),
        futures_util::future::join_all(scores),
    )
    .await;
    compare(&app, "after concurrent writes").await;
    let db = app.db.clone();
    let kept = tokio::task::spawn_blocking(move || {
        db.read(|conn| {
            statistics_cells::enterprise_breakdown(
                conn,
                &StatisticsFilter::default(),
                GroupBy::Region,
                RegionLevel::Province,
                2025,
            )
        })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(kept.1.reporting, 1);
    assert_eq!(kept.1.metrics[0].total, Some(4500.0));
    // The mean headcount of the quarters: (2 + 5 + 8) / 3, summed from signed cell rows in
    // whatever order the merges left them (5.000000000000001 seen once on PostgreSQL).
    let mean = kept.1.metrics[3].total.expect("a mean headcount");
    assert!((mean - 5.0).abs() < 1e-9, "mean headcount {mean}");
}
