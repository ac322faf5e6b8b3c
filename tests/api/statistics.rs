//! Statistics for regulators: breakdowns by region, industry, business model and grade with the
//! operating figures of a year, quarterly trends, the grade distribution and its change, and the
//! suppression of groups of fewer than 3 enterprises (with the differencing guard).
//!
//! The registry of these tests (year 2025 unless said otherwise; `today` is 2026-11-22):
//!
//! | name | region | industry | 2025 figures |
//! |------|--------|----------|--------------|
//! | A  | 330106 | retail  | 2025-01 + 2025-02 via the API, and a 2025-Q1 record written past the overlap check: Q1 is the quarterly record (1000 sales, 100 orders, 12 employees, tax 10) |
//! | E0 | 330102 | retail  | 2025-Q2: 400 / 40, 4 employees, tax 4, cross-border 50; 2024-12: 999999 (another year) |
//! | E1 | 330205 | food    | 2025-05: 500 / 50 |
//! | E2 | 330106 | retail  | 2025-07: 600 / 60, 6 employees, cross-border 70 |
//! | B  | 440305 | retail  | 2025-03: 10 / 1 |
//! | E3 | 440106 | apparel | 2025-03: 20 / 2 |
//! | E4 | 440305 | apparel | 2025-03: 20 / 2 |
//! | E5 | 440304 | retail  | only a pending 2025-03 record (not counted) |
//! | E6 | 110108 | retail  | 2025-03: 7777 / 7 |
//! | E7 | 310115 | apparel | 2025-03: 11 / 1 (cross-border business model) |
//! | E8 | 310104 | apparel | 2025-03: 13 / 1 (cross-border business model) |

use chrono::NaiveDate;
use diesel::prelude::*;
use ecredit::clock::Clock;
use ecredit::db::schema::operating_records;
use ecredit::db::scores::NewScore;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, TestApp, assert_problem, enterprise_body, test_model};
use crate::on_both_backends;

on_both_backends!(
    breakdowns_sum_the_year_and_suppress_small_groups,
    quarterly_trends_roll_up_months_and_suppress_thin_quarters,
    grade_distribution_and_its_change_since_the_previous_run,
    only_keepers_see_statistics_and_parameters_are_checked,
    the_statistics_page_shows_what_the_api_publishes,
);

struct Registry {
    regulator: String,
    /// E0 … E8.
    codes: Vec<String>,
}

const ENTERPRISES: [(&str, &str, &[&str]); 9] = [
    ("330102", "retail", &["b2c", "live_streaming"]),
    ("330205", "food", &["b2c", "live_streaming"]),
    ("330106", "retail", &["b2c", "live_streaming"]),
    ("440106", "apparel", &["b2c", "live_streaming"]),
    ("440305", "apparel", &["b2c", "live_streaming"]),
    ("440304", "retail", &["b2c", "live_streaming"]),
    ("110108", "retail", &["b2c", "live_streaming"]),
    ("310115", "apparel", &["cross_border"]),
    ("310104", "apparel", &["cross_border"]),
];

async fn record(app: &TestApp, token: &str, code: &str, body: Value) {
    let response = app
        .post(
            &format!("/api/v1/enterprises/{code}/operating-records"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

/// Writes an operating record straight into the table, past the API's checks (overlapping
/// periods, review status).
async fn raw_record(app: &TestApp, code: &str, period: &str, figures: Value, review: &str) {
    let db = app.db.clone();
    let at = app.clock.now_naive();
    let code = code.to_string();
    let period = ecredit::domain::records::Period::parse(period).unwrap();
    let label = period.label();
    let f = |name: &str| figures[name].as_f64();
    let (sales, orders) = (
        f("online_sales").unwrap(),
        figures["orders"].as_i64().unwrap(),
    );
    let (refund, complaints, employees, tax) = (
        f("refund_rate"),
        figures["complaints"].as_i64(),
        figures["employees"].as_i64(),
        f("tax_paid"),
    );
    let review = review.to_string();
    tokio::task::spawn_blocking(move || {
        db.write(|conn| {
            use operating_records::dsl as r;
            diesel::insert_into(r::operating_records)
                .values((
                    r::enterprise_code.eq(&code),
                    r::period.eq(&label),
                    r::period_start.eq(period.start),
                    r::period_end.eq(period.end),
                    r::online_sales.eq(sales),
                    r::orders.eq(orders),
                    r::refund_rate.eq(refund),
                    r::complaints.eq(complaints),
                    r::employees.eq(employees),
                    r::tax_paid.eq(tax),
                    r::source.eq("platform"),
                    r::review_status.eq(&review),
                    r::version.eq(1_i64),
                    r::created_at.eq(at),
                    r::created_by.eq("test"),
                    r::updated_at.eq(at),
                    r::updated_by.eq("test"),
                ))
                .execute(conn)?;
            // Every writer of operating records keeps the statistics in its transaction.
            ecredit::db::statistics_cells::records_changed(conn, &[(code, period.start)])
        })
    })
    .await
    .unwrap()
    .unwrap();
}

/// The registry of the module documentation, with its operating records.
async fn registry(app: &TestApp) -> Registry {
    let cast = app.cast().await;
    let regulator = cast.regulator.clone();
    let population = ecredit::demo::Population::new(7, app.clock.today(), 0..9);
    let codes: Vec<String> = population
        .generate(0..9)
        .iter()
        .map(|g| g.enterprise.code.to_string())
        .collect();
    for (n, (code, (region, industry, models))) in codes.iter().zip(ENTERPRISES).enumerate() {
        let mut body = enterprise_body(code, &format!("统计测试{n}电子商务有限公司"), region);
        body["industry"] = json!(industry);
        body["business_models"] = json!(models);
        let response = app
            .post("/api/v1/enterprises", Some(&regulator), &body)
            .await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }
    let r = &regulator;
    let figures = |period: &str, sales: f64, orders: i64| json!({"period": period, "online_sales": sales, "orders": orders, "source": "platform"});
    // Zhejiang.
    record(
        app,
        r,
        CODE_A,
        json!({"period": "2025-01", "online_sales": 100.0, "orders": 10,
        "employees": 10, "tax_paid": 1.0, "refund_rate": 0.5, "source": "platform"}),
    )
    .await;
    record(
        app,
        r,
        CODE_A,
        json!({"period": "2025-02", "online_sales": 200.0, "orders": 20,
        "employees": 20, "tax_paid": 2.0, "source": "platform"}),
    )
    .await;
    raw_record(
        app,
        CODE_A,
        "2025-Q1",
        json!({"online_sales": 1000.0, "orders": 100, "employees": 12, "tax_paid": 10.0,
            "refund_rate": 0.1, "complaints": 5}),
        "accepted",
    )
    .await;
    let c = &codes;
    record(
        app,
        r,
        &c[0],
        json!({"period": "2025-Q2", "online_sales": 400.0, "orders": 40,
        "employees": 4, "tax_paid": 4.0, "cross_border_trade": 50.0, "source": "platform"}),
    )
    .await;
    record(app, r, &c[0], figures("2024-12", 999_999.0, 9999)).await;
    record(app, r, &c[1], figures("2025-05", 500.0, 50)).await;
    record(
        app,
        r,
        &c[2],
        json!({"period": "2025-07", "online_sales": 600.0, "orders": 60,
        "employees": 6, "cross_border_trade": 70.0, "source": "platform"}),
    )
    .await;
    // Guangdong.
    record(app, r, CODE_B, figures("2025-03", 10.0, 1)).await;
    record(
        app,
        r,
        &c[3],
        json!({"period": "2025-03", "online_sales": 20.0, "orders": 2,
        "refund_rate": 0.5, "source": "platform"}),
    )
    .await;
    record(app, r, &c[4], figures("2025-03", 20.0, 2)).await;
    raw_record(
        app,
        &c[5],
        "2025-03",
        json!({"online_sales": 5000.0, "orders": 500}),
        "pending",
    )
    .await;
    // Beijing and Shanghai.
    record(
        app,
        r,
        &c[6],
        json!({"period": "2025-03", "online_sales": 7777.0, "orders": 7,
        "refund_rate": 0.0, "complaints": 3, "source": "platform"}),
    )
    .await;
    record(app, r, &c[7], figures("2025-03", 11.0, 1)).await;
    record(app, r, &c[8], figures("2025-03", 13.0, 1)).await;
    // The current year, for the trends.
    record(
        app,
        r,
        CODE_A,
        json!({"period": "2026-07", "online_sales": 50.0, "orders": 5,
        "complaints": 1, "source": "platform"}),
    )
    .await;
    record(
        app,
        r,
        CODE_B,
        json!({"period": "2026-08", "online_sales": 60.0, "orders": 6,
        "complaints": 2, "source": "platform"}),
    )
    .await;
    record(
        app,
        r,
        &c[0],
        json!({"period": "2026-Q3", "online_sales": 70.0, "orders": 7,
        "complaints": 3, "source": "platform"}),
    )
    .await;
    Registry { regulator, codes }
}

async fn stats(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/statistics/{query}"), Some(token))
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

fn group<'a>(body: &'a Value, key: &str) -> &'a Value {
    body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {body}"))
}

fn keys(body: &Value) -> Vec<String> {
    body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap().to_string())
        .collect()
}

fn assert_suppressed(group: &Value) {
    assert_eq!(group["suppressed"], true, "{group}");
    assert_eq!(group["enterprises"], Value::Null, "{group}");
    assert_eq!(group["reporting_enterprises"], Value::Null, "{group}");
    for figure in [
        "online_sales",
        "orders",
        "cross_border_trade",
        "employees",
        "tax_paid",
    ] {
        assert_eq!(group[figure]["total"], Value::Null, "{group}");
        assert_eq!(group[figure]["mean"], Value::Null, "{group}");
    }
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

async fn breakdowns_sum_the_year_and_suppress_small_groups(app: TestApp) {
    let reg = registry(&app).await;
    let token = &reg.regulator;

    // Provinces (the default level), the last complete year (2025) by default.
    let body = stats(&app, token, "enterprises?by=region").await;
    assert_eq!(body["year"], 2025);
    assert_eq!(body["level"], "province");
    assert_eq!(body["min_group_size"], 3);
    assert_eq!(keys(&body), ["11", "31", "33", "44"]);
    // Beijing (1) and Shanghai (2) are suppressed; together they hide 3, so nothing more is.
    assert_suppressed(group(&body, "11"));
    assert_suppressed(group(&body, "31"));
    let zj = group(&body, "33");
    assert_eq!(zj["suppressed"], false);
    assert_eq!(zj["enterprises"], 4);
    assert_eq!(zj["reporting_enterprises"], 4);
    // A's first quarter is its quarterly record, not that plus its months; 2024 is out.
    assert!(close(&zj["online_sales"]["total"], 2500.0), "{zj}");
    assert!(close(&zj["online_sales"]["mean"], 625.0), "{zj}");
    assert!(close(&zj["orders"]["total"], 250.0), "{zj}");
    assert_eq!(zj["online_sales"]["enterprises"], 4);
    // Employees: A 12, E0 4, E2 6.
    assert!(close(&zj["employees"]["total"], 22.0), "{zj}");
    assert!(close(&zj["employees"]["mean"], 22.0 / 3.0), "{zj}");
    // Cross-border trade and tax were given by two enterprises only: withheld.
    for figure in ["cross_border_trade", "tax_paid"] {
        assert_eq!(zj[figure]["suppressed"], true, "{zj}");
        assert_eq!(zj[figure]["total"], Value::Null, "{zj}");
    }
    let gd = group(&body, "44");
    assert_eq!(gd["enterprises"], 4);
    // The pending record of E5 is not a statistic.
    assert_eq!(gd["reporting_enterprises"], 3);
    assert!(close(&gd["online_sales"]["total"], 50.0), "{gd}");
    assert!(close(&gd["orders"]["total"], 5.0), "{gd}");
    // Nobody in Guangdong reported cross-border trade: zero, and no mean.
    assert!(close(&gd["cross_border_trade"]["total"], 0.0), "{gd}");
    assert_eq!(gd["cross_border_trade"]["mean"], Value::Null);
    let total = &body["total"];
    assert_eq!(total["key"], "total");
    assert_eq!(total["enterprises"], 11);
    assert_eq!(total["reporting_enterprises"], 10);
    assert!(close(&total["online_sales"]["total"], 10_351.0), "{total}");
    assert!(close(&total["orders"]["total"], 264.0), "{total}");

    // Cities of Zhejiang: Hangzhou holds 3, Ningbo 1. Ningbo is suppressed, and Hangzhou with
    // it, or Ningbo's figures would be the published total minus Hangzhou's.
    let body = stats(
        &app,
        token,
        "enterprises?by=region&level=city&region_code=330000",
    )
    .await;
    assert_eq!(keys(&body), ["3301", "3302"]);
    assert_suppressed(group(&body, "3301"));
    assert_suppressed(group(&body, "3302"));
    assert_eq!(body["total"]["enterprises"], 4);
    assert!(close(&body["total"]["online_sales"]["total"], 2500.0));

    // Districts within Hangzhou: 330102 (1) and 330106 (2) hide 3 together.
    let body = stats(
        &app,
        token,
        "enterprises?by=region&level=district&region_code=330100",
    )
    .await;
    assert_eq!(keys(&body), ["330102", "330106"]);
    assert_eq!(body["total"]["enterprises"], 3);

    // Industries: food (1) is suppressed, and apparel (4, the smallest other) with it.
    let body = stats(&app, token, "enterprises?by=industry").await;
    assert_eq!(keys(&body), ["apparel", "food", "retail"]);
    assert_suppressed(group(&body, "food"));
    assert_suppressed(group(&body, "apparel"));
    let retail = group(&body, "retail");
    assert_eq!(retail["enterprises"], 6);
    assert_eq!(retail["reporting_enterprises"], 5);
    assert!(close(&retail["online_sales"]["total"], 9787.0), "{retail}");
    // Filters narrow the groups and the total.
    let body = stats(&app, token, "enterprises?by=industry&region_code=440000").await;
    assert_eq!(keys(&body), ["apparel", "retail"]);
    assert_eq!(body["total"]["enterprises"], 4);

    // Business models overlap; cross-border (2) is suppressed with another group.
    let body = stats(&app, token, "enterprises?by=business_model").await;
    assert_eq!(keys(&body), ["b2c", "cross_border", "live_streaming"]);
    assert_suppressed(group(&body, "cross_border"));
    let published: Vec<&Value> = body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["suppressed"] == false)
        .collect();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["enterprises"], 9);

    // Statuses: everyone is active.
    let body = stats(&app, token, "enterprises?by=status").await;
    assert_eq!(keys(&body), ["active"]);
    assert_eq!(group(&body, "active")["enterprises"], 11);

    // Another year: only E0's December 2024.
    let body = stats(&app, token, "enterprises?by=region&year=2024").await;
    let zj = group(&body, "33");
    assert_eq!(zj["reporting_enterprises"], 1);
    // One enterprise's figure: withheld although the group is published.
    assert_eq!(zj["online_sales"]["total"], Value::Null);
    assert_eq!(body["total"]["online_sales"]["total"], Value::Null);
    assert_eq!(reg.codes.len(), 9);
}

async fn quarterly_trends_roll_up_months_and_suppress_thin_quarters(app: TestApp) {
    let reg = registry(&app).await;
    let body = stats(&app, &reg.regulator, "trends?quarters=8").await;
    let quarters = body["quarters"].as_array().unwrap();
    let labels: Vec<&str> = quarters
        .iter()
        .map(|q| q["quarter"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"
        ]
    );
    let q1 = &quarters[0];
    assert_eq!(q1["first_day"], "2025-01-01");
    assert_eq!(q1["last_day"], "2025-03-31");
    assert_eq!(q1["complete"], true);
    assert_eq!(q1["suppressed"], false);
    // A (its quarterly record), B, E3, E4, E6, E7, E8; not E5's pending record.
    assert_eq!(q1["reporting_enterprises"], 7);
    assert!(close(&q1["online_sales"], 8851.0), "{q1}");
    assert!(close(&q1["orders"], 114.0), "{q1}");
    // Refunds weighted by orders: A 0.1 × 100, E3 0.5 × 2, E6 0 × 7 (A's monthly 0.5 ignored).
    assert!(close(&q1["refund_rate"], 11.0 / 109.0), "{q1}");
    // Complaints from two enterprises only (A and E6): withheld.
    assert_eq!(q1["complaints"], Value::Null);
    // Two and one reporting enterprises: suppressed.
    for q in &quarters[1..3] {
        assert_eq!(q["suppressed"], true, "{q}");
        assert_eq!(q["reporting_enterprises"], Value::Null);
        assert_eq!(q["online_sales"], Value::Null);
        assert_eq!(q["orders"], Value::Null);
    }
    // Nobody reported: nothing to hide.
    let q4 = &quarters[3];
    assert_eq!(q4["suppressed"], false);
    assert_eq!(q4["reporting_enterprises"], 0);
    assert!(close(&q4["online_sales"], 0.0));
    assert_eq!(q4["refund_rate"], Value::Null);
    // Two months (A in July, B in August) and E0's quarterly record.
    let q = &quarters[6];
    assert_eq!(q["reporting_enterprises"], 3);
    assert!(close(&q["online_sales"], 180.0), "{q}");
    assert!(close(&q["orders"], 18.0), "{q}");
    assert!(close(&q["complaints"], 6.0), "{q}");
    assert_eq!(quarters[7]["complete"], false);

    // Guangdong alone: B, E3 and E4 in the first quarter of 2025.
    let body = stats(&app, &reg.regulator, "trends?quarters=8&region_code=440000").await;
    let q1 = &body["quarters"][0];
    assert_eq!(q1["reporting_enterprises"], 3);
    assert!(close(&q1["online_sales"], 50.0), "{q1}");
    // Retail alone: A, B and E6.
    let body = stats(&app, &reg.regulator, "trends?quarters=8&industry=retail").await;
    let q1 = &body["quarters"][0];
    assert_eq!(q1["reporting_enterprises"], 3);
    assert!(close(&q1["online_sales"], 8787.0), "{q1}");

    // The default is 8 quarters; fewer reach back less far.
    let body = stats(&app, &reg.regulator, "trends").await;
    assert_eq!(body["quarters"].as_array().unwrap().len(), 8);
    let body = stats(&app, &reg.regulator, "trends?quarters=2").await;
    assert_eq!(body["quarters"][0]["quarter"], "2026-Q3");
}

async fn grade_distribution_and_its_change_since_the_previous_run(app: TestApp) {
    let reg = registry(&app).await;
    let model = test_model(1);
    app.install_model(&model, true).await;
    let c = &reg.codes;
    let first = [
        (CODE_A, "A"),
        (CODE_B, "A"),
        (&c[0], "A"),
        (&c[1], "BBB"),
        (&c[2], "BBB"),
        (&c[3], "BBB"),
        (&c[4], "BB"),
    ];
    let second = [
        (CODE_A, "AA"),
        (CODE_B, "A"),
        (&c[0], "BBB"),
        (&c[1], "BBB"),
        (&c[2], "A"),
        (&c[3], "BBB"),
        (&c[4], "BBB"),
        (&c[5], "BB"),
        (&c[6], "BB"),
        (&c[7], "BB"),
    ];
    let scores: Vec<NewScore> = first
        .iter()
        .chain(second.iter())
        .map(|(code, grade)| NewScore {
            enterprise_code: code.to_string(),
            model_version: model.version.clone(),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            scored_at: app.clock.now_naive(),
            scored_by: "test".into(),
            pd_lr: 0.02,
            pd_rf: 0.02,
            pd: 0.02,
            score: 600.0,
            model_grade: grade.to_string(),
            evaluated_grade: grade.to_string(),
            grade: grade.to_string(),
            upgrade_pending: false,
            adjustments: "[]".into(),
            sub_scores: "{}".into(),
            reasons: r#"{"raised":[],"lowered":[]}"#.into(),
            feature_bins: String::new(),
        })
        .collect();
    // The first run goes in as a bulk rescoring does, the second half by one and half in bulk:
    // both write paths keep each enterprise's previous grade.
    let db = app.db.clone();
    let first_run = first.len();
    tokio::task::spawn_blocking(move || {
        db.write(|conn| {
            let (first, second) = scores.split_at(first_run);
            let (one_by_one, bulk) = second.split_at(second.len() / 2);
            ecredit::db::scores::insert_many(conn, first)?;
            for score in one_by_one {
                ecredit::db::scores::insert(conn, score)?;
            }
            ecredit::db::scores::insert_many(conn, bulk)?;
            Ok(())
        })
    })
    .await
    .unwrap()
    .unwrap();

    let body = stats(&app, &reg.regulator, "grades").await;
    assert_eq!(body["scored_enterprises"], 10);
    assert_eq!(body["previously_scored"], 7);
    let grades = body["grades"].as_array().unwrap();
    let names: Vec<&str> = grades
        .iter()
        .map(|g| g["grade"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]
    );
    let grade = |name: &str| grades.iter().find(|g| g["grade"] == name).unwrap();
    // Now: AA 1, A 2 (both suppressed, together 3), BBB 4, BB 3.
    assert_eq!(grade("AA")["current"], Value::Null);
    assert_eq!(grade("AA")["suppressed"], true);
    assert_eq!(grade("A")["current"], Value::Null);
    assert_eq!(grade("BBB")["current"], 4);
    assert!(close(&grade("BBB")["current_share"], 0.4));
    assert_eq!(grade("BB")["current"], 3);
    assert!(close(&grade("BB")["current_share"], 0.3));
    assert_eq!(grade("AAA")["current"], 0);
    assert_eq!(grade("AAA")["suppressed"], false);
    // Before: A 3, BBB 3, BB 1: BB suppressed, and A (the first of the next smallest) with it.
    assert_eq!(grade("BB")["previous"], Value::Null);
    assert_eq!(grade("A")["previous"], Value::Null);
    assert_eq!(grade("BBB")["previous"], 3);
    assert!(close(&grade("BBB")["previous_share"], 3.0 / 7.0));
    assert_eq!(grade("AA")["previous"], 0);
    // Upgraded 3 (A, E2, E4), downgraded 1 (E0): hidden with the upgrades; unchanged 3
    // (B, E1, E3), newly scored 3 (E5, E6, E7).
    let change = &body["change"];
    assert_eq!(change["downgraded"], Value::Null);
    assert_eq!(change["upgraded"], Value::Null);
    assert_eq!(change["unchanged"], 3);
    assert_eq!(change["newly_scored"], 3);

    // Guangdong: B (A), E3 (BBB), E4 (BBB), E5 (BB).
    let body = stats(&app, &reg.regulator, "grades?region_code=440000").await;
    assert_eq!(body["scored_enterprises"], 4);
    let grades = body["grades"].as_array().unwrap();
    let current: Vec<&Value> = grades.iter().map(|g| &g["current"]).collect();
    // A 1 and BB 1 hide 2: BBB (2) goes too.
    assert!(current.iter().all(|c| **c == Value::Null || **c == 0));

    // The grade breakdown of the registry: A 2, AA 1, BB 3, BBB 4, unscored 1.
    let body = stats(&app, &reg.regulator, "enterprises?by=grade").await;
    assert_eq!(keys(&body), ["A", "AA", "BB", "BBB", "unscored"]);
    for key in ["A", "AA", "unscored"] {
        assert_suppressed(group(&body, key));
    }
    let bbb = group(&body, "BBB");
    assert_eq!(bbb["enterprises"], 4);
    assert!(close(&bbb["online_sales"]["total"], 940.0), "{bbb}");
    // BB is published (3 enterprises) but only E6 and E7 reported figures: withheld.
    let bb = group(&body, "BB");
    assert_eq!(bb["enterprises"], 3);
    assert_eq!(bb["reporting_enterprises"], 2);
    assert_eq!(bb["online_sales"]["suppressed"], true);
    assert_eq!(bb["online_sales"]["total"], Value::Null);
}

async fn only_keepers_see_statistics_and_parameters_are_checked(app: TestApp) {
    let cast = app.cast().await;
    let paths = [
        "/api/v1/statistics/enterprises?by=region",
        "/api/v1/statistics/trends",
        "/api/v1/statistics/grades",
    ];
    for path in paths {
        assert_problem(app.get(path, None).await, 401).await;
        for token in [&cast.owner_a, &cast.owner_b, &cast.bank] {
            assert_problem(app.get(path, Some(token)).await, 403).await;
        }
        for token in [&cast.regulator, &cast.admin] {
            assert_eq!(app.get(path, Some(token)).await.status(), 200, "{path}");
        }
    }
    // Two enterprises: everything is suppressed, the total too.
    let body = stats(&app, &cast.regulator, "enterprises?by=region").await;
    assert_suppressed(group(&body, "33"));
    assert_suppressed(group(&body, "44"));
    assert_suppressed(&body["total"]);

    // The caller is checked before the query: a bad query from the public is still 401.
    assert_problem(
        app.get("/api/v1/statistics/enterprises?by=nonsense", None)
            .await,
        401,
    )
    .await;
    let token = Some(cast.regulator.as_str());
    for (query, field) in [
        ("enterprises?by=region&region_code=990000", "region_code"),
        ("enterprises?by=industry&level=city", "level"),
        ("enterprises?by=region&year=1999", "year"),
        ("enterprises?by=region&year=2027", "year"),
        ("trends?quarters=0", "quarters"),
        ("trends?quarters=41", "quarters"),
        ("grades?region_code=33", "region_code"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/api/v1/statistics/{query}"), token).await,
            422,
        )
        .await;
        assert_eq!(crate::helpers::problem_fields(&problem), [field], "{query}");
    }
    for query in [
        "enterprises",
        "enterprises?by=nonsense",
        "enterprises?by=region&level=street",
    ] {
        let response = app.get(&format!("/api/v1/statistics/{query}"), token).await;
        let status = response.status().as_u16();
        assert!(status == 400 || status == 422, "{query}: {status}");
    }
}

/// The table row of `label` on a statistics page.
fn row_of<'a>(page: &'a str, label: &str) -> &'a str {
    let at = page
        .find(&format!(r#"<th scope="row">{label}"#))
        .unwrap_or_else(|| panic!("no row {label}"));
    let rest = &page[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn the_statistics_page_shows_what_the_api_publishes(app: TestApp) {
    let reg = registry(&app).await;
    let api = stats(&app, &reg.regulator, "enterprises?by=region").await;
    let mut browser = crate::web::signed_in(
        &app,
        "stat-regulator",
        ecredit::domain::Role::Regulator,
        None,
    )
    .await;
    browser.lang = Some("en".into());
    let page = crate::web::page_body(&browser, &app, "/workspace/statistics?by=region", 200).await;
    assert!(
        page.contains("the enterprises and their operating figures of 2025"),
        "{page}"
    );
    // Zhejiang is published with the API's count; Beijing and Shanghai are marked withheld.
    let zhejiang = row_of(&page, "浙江省");
    let count = group(&api, "33")["enterprises"].as_i64().unwrap();
    assert!(
        zhejiang.contains(&format!("<td>{count}</td>")),
        "{zhejiang}"
    );
    // Each figure withheld by the API, and only those, is marked withheld on the page.
    let withheld = [
        "online_sales",
        "orders",
        "cross_border_trade",
        "employees",
        "tax_paid",
    ]
    .iter()
    .filter(|f| group(&api, "33")[**f]["suppressed"] == true)
    .count();
    assert_eq!(
        zhejiang.matches(r#"class="withheld""#).count(),
        withheld,
        "{zhejiang}"
    );
    for (key, label) in [("11", "北京市"), ("31", "上海市")] {
        assert_suppressed(group(&api, key));
        let row = row_of(&page, label);
        assert!(row.contains(r#"class="withheld""#), "{row}");
        assert!(
            !row.contains("<td>1</td>") && !row.contains("<td>2</td>"),
            "{row}"
        );
    }
    assert!(
        page.contains("<svg"),
        "the breakdown and the trend are drawn"
    );
    // The trend: as many quarters as asked, the running one marked.
    let trend = stats(&app, &reg.regulator, "trends?quarters=4").await;
    let page = crate::web::page_body(&browser, &app, "/workspace/statistics?quarters=4", 200).await;
    for q in trend["quarters"].as_array().unwrap() {
        let label = q["quarter"].as_str().unwrap();
        let row = row_of(&page, label);
        // Every figure the API leaves out is marked withheld, and only those.
        let nulls = [
            "reporting_enterprises",
            "online_sales",
            "orders",
            "refund_rate",
            "complaints",
        ]
        .iter()
        .filter(|f| q[**f].is_null())
        .count();
        assert_eq!(
            row.matches(r#"class="withheld""#).count(),
            nulls,
            "{label}: {row}"
        );
    }
    assert!(page.contains("running"));
    // In Chinese, by industry.
    browser.lang = Some("zh-CN".into());
    let page =
        crate::web::page_body(&browser, &app, "/workspace/statistics?by=industry", 200).await;
    assert!(page.contains("按行业分组"), "{page}");
    // Input the API refuses is refused on the page, with the field named.
    browser.lang = Some("en".into());
    for (query, field) in [
        ("year=abc", "year"),
        ("year=1990", "year"),
        ("quarters=99", "quarters"),
        ("by=colour", "by"),
    ] {
        let response = browser
            .get(&app, &format!("/workspace/statistics?{query}"))
            .await;
        assert_eq!(response.status(), 422, "{query}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains(&format!("{field}: ")),
            "{query}"
        );
    }
}
