use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{CODE_A, TestApp, assert_problem, enterprise_body};
use crate::on_both_backends;

on_both_backends!(
    a_batch_is_imported_whole_with_its_records_and_history,
    a_bad_batch_stores_nothing,
    a_rescoring_run_scores_everyone_in_the_background,
);

/// An import batch of `codes`, each with two months of figures.
pub fn batch(codes: &[String]) -> Value {
    let enterprises: Vec<Value> = codes
        .iter()
        .enumerate()
        .map(|(n, code)| {
            json!({
                "enterprise": enterprise_body(code, &format!("导入测试{n}电子商务有限公司"), &code[2..8]),
                "operating": [
                    {"period": "2026-08", "online_sales": 1000.0 + n as f64, "orders": 10},
                    {"period": "2026-09", "online_sales": 1100.0, "orders": 11, "refund_rate": 0.02}
                ]
            })
        })
        .collect();
    json!({"reason": "2026 Q3 register extract", "enterprises": enterprises})
}

fn codes(seed: u64, n: usize) -> Vec<String> {
    ecredit::demo::Population::new(
        seed,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        0..n as u64,
    )
    .generate(0..n as u64)
    .iter()
    .map(|f| f.enterprise.code.to_string())
    .collect()
}

/// Polls a rescoring run until it has ended; returns it.
pub async fn wait_for_run(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..600 {
        let run: Value = app
            .get(&format!("/api/v1/scores/runs/{id}"), Some(token))
            .await
            .json()
            .await
            .unwrap();
        if run["status"] != "running" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {id} did not end within 30 s");
}

async fn total(app: &TestApp, token: &str, path: &str) -> i64 {
    let page: Value = app.get(path, Some(token)).await.json().await.unwrap();
    page["total"]
        .as_i64()
        .unwrap_or_else(|| panic!("{path}: {page}"))
}

async fn a_batch_is_imported_whole_with_its_records_and_history(app: TestApp) {
    let cast = app.cast().await;
    let imported = codes(11, 3);
    let response = app
        .post("/api/v1/imports", Some(&cast.regulator), &batch(&imported))
        .await;
    assert_eq!(response.status(), 201);
    let summary: Value = response.json().await.unwrap();
    assert_eq!(summary["enterprises"], 3);
    assert_eq!(summary["operating_records"], 6);
    assert_eq!(summary["codes"], json!(imported));
    assert_eq!(total(&app, &cast.regulator, "/api/v1/enterprises").await, 5);
    let records = format!("/api/v1/enterprises/{}/operating-records", imported[1]);
    assert_eq!(total(&app, &cast.regulator, &records).await, 2);
    let history: Value = app
        .get(
            &format!("/api/v1/enterprises/{}/history", imported[2]),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][0]["action"], "import");
    assert_eq!(history["items"][0]["actor"], "regulator");
    assert_eq!(history["items"][0]["reason"], "2026 Q3 register extract");

    let more = codes(12, 2);
    assert_problem(app.post("/api/v1/imports", None, &batch(&more)).await, 401).await;
    for token in [&cast.owner_a, &cast.bank] {
        assert_problem(
            app.post("/api/v1/imports", Some(token), &batch(&more))
                .await,
            403,
        )
        .await;
    }
    assert_eq!(total(&app, &cast.regulator, "/api/v1/enterprises").await, 5);
}

async fn a_bad_batch_stores_nothing(app: TestApp) {
    let cast = app.cast().await;
    let fresh = codes(13, 3);
    // One invalid rate anywhere refuses the batch, naming the place.
    let mut invalid = batch(&fresh);
    invalid["enterprises"][2]["operating"][1]["refund_rate"] = json!(2.0);
    let problem = assert_problem(
        app.post("/api/v1/imports", Some(&cast.regulator), &invalid)
            .await,
        422,
    )
    .await;
    assert_eq!(
        problem["errors"][0]["field"],
        "enterprises[2].operating[1].refund_rate"
    );
    // A code registered already refuses all of it, and says which.
    let mut clash = fresh.clone();
    clash.push(CODE_A.to_string());
    let problem = assert_problem(
        app.post("/api/v1/imports", Some(&cast.regulator), &batch(&clash))
            .await,
        409,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains(CODE_A));
    let mut twice = fresh.clone();
    twice.push(fresh[0].clone());
    assert_problem(
        app.post("/api/v1/imports", Some(&cast.regulator), &batch(&twice))
            .await,
        422,
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/imports",
            Some(&cast.regulator),
            &json!({"reason": "empty", "enterprises": []}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(total(&app, &cast.regulator, "/api/v1/enterprises").await, 2);
    assert_problem(
        app.get(&format!("/api/v1/enterprises/{}", fresh[0]), None)
            .await,
        404,
    )
    .await;
}

async fn a_rescoring_run_scores_everyone_in_the_background(app: TestApp) {
    let cast = app.cast().await;
    let imported = app
        .post(
            "/api/v1/imports",
            Some(&cast.regulator),
            &batch(&codes(14, 4)),
        )
        .await;
    assert_eq!(imported.status(), 201);
    for token in [&cast.owner_a, &cast.bank] {
        assert_problem(
            app.request(reqwest::Method::POST, "/api/v1/scores/runs", Some(token))
                .send()
                .await
                .unwrap(),
            403,
        )
        .await;
    }
    assert_problem(
        app.request(
            reqwest::Method::POST,
            "/api/v1/scores/runs?as_of=2027-01-01",
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap(),
        422,
    )
    .await;
    let started = app
        .request(
            reqwest::Method::POST,
            "/api/v1/scores/runs?as_of=2026-11-01",
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 202);
    let location = started.headers()["location"].to_str().unwrap().to_string();
    let run: Value = started.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/scores/runs/{}", run["id"]));
    assert_eq!(run["started_by"], "regulator");
    // What a person watching it sees: how many of how many.
    assert_eq!(
        (run["scored"].as_i64(), run["total"].as_i64()),
        (Some(0), Some(6))
    );
    let ended = wait_for_run(&app, &cast.admin, run["id"].as_i64().unwrap()).await;
    assert_eq!(ended["status"], "completed", "{ended}");
    assert_eq!(ended["scored"], 6);
    assert_eq!(ended["total"], 6);
    // Progress recorded late (by a slow writer) never rewrites an ended run.
    let id = run["id"].as_i64().unwrap();
    app.db
        .write(|conn| ecredit::db::runs::progress(conn, id, 2))
        .unwrap();
    let again = wait_for_run(&app, &cast.admin, id).await;
    assert_eq!(again["scored"], 6);
    assert_eq!(ended["as_of"], "2026-11-01");
    let score: Value = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(score["as_of"], "2026-11-01", "{score}");
    assert_eq!(total(&app, &cast.admin, "/api/v1/scores/runs").await, 1);

    // A run left going by a stopped service is closed on the next start.
    let db = app.db.clone();
    use ecredit::clock::Clock;
    let at = app.clock.now_naive();
    let stuck = db
        .write(|conn| ecredit::db::runs::start(conn, "v", app.clock.today(), "regulator", 0, at))
        .unwrap();
    let busy = app
        .request(
            reqwest::Method::POST,
            "/api/v1/scores/runs",
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    if app.backend == crate::helpers::Backend::Sqlite {
        assert_problem(busy, 409).await;
        assert_eq!(
            db.write(|conn| ecredit::db::runs::mark_interrupted(conn, at))
                .unwrap(),
            1
        );
    } else {
        // PostgreSQL: nobody holds it (tests/api/runs.rs), so the start settles it and goes on.
        assert_eq!(busy.status(), 202);
        let run: Value = busy.json().await.unwrap();
        let ended = wait_for_run(&app, &cast.admin, run["id"].as_i64().unwrap()).await;
        assert_eq!(ended["status"], "completed", "{ended}");
    }
    let closed = wait_for_run(&app, &cast.admin, stuck.id).await;
    assert_eq!(closed["status"], "interrupted");
}
