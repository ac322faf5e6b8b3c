//! Rescoring runs across instances: a run belongs to the instance that holds it, and no other
//! instance's start or read takes it for interrupted while it is held; once its executor is gone
//! it reads as interrupted everywhere and a new run may start.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ecredit::clock::Clock;
use ecredit::db::runs;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, test_model};
use crate::on_both_backends;

on_both_backends!(a_held_run_is_never_taken_for_interrupted);

async fn run_status(app: &TestApp, address: &str, token: &str, id: i64) -> String {
    let run: Value = app
        .client
        .get(format!("{address}/api/v1/scores/runs/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    run["status"].as_str().unwrap().to_string()
}

async fn start_run(app: &TestApp, address: &str, token: &str) -> reqwest::Response {
    app.client
        .post(format!("{address}/api/v1/scores/runs"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn a_held_run_is_never_taken_for_interrupted(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let token = &cast.regulator;
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    // A run held as its executor holds it, without scoring anything yet.
    let (run, hold) = runs::start_held(
        &app.db,
        "test-model-1",
        as_of,
        "test",
        0,
        app.clock.now_naive(),
    )
    .unwrap();
    assert_eq!(start_run(&app, &app.address, token).await.status(), 409);

    if app.backend == Backend::Postgres {
        // Another instance starts and reads it: still running, and still one run at a time.
        let second = app.another_instance().await;
        assert_eq!(
            run_status(&app, &second.address, token, run.id).await,
            "running"
        );
        assert_eq!(start_run(&app, &second.address, token).await.status(), 409);
        // Its executor gone, every instance reads it as interrupted at once.
        drop(hold);
        assert_eq!(
            run_status(&app, &second.address, token, run.id).await,
            "interrupted"
        );
        assert_eq!(
            run_status(&app, &app.address, token, run.id).await,
            "interrupted"
        );
    } else {
        // SQLite: one instance per database, and its start settles the runs it left.
        drop(hold);
        let _second = app.another_instance().await;
        assert_eq!(
            run_status(&app, &app.address, token, run.id).await,
            "interrupted"
        );
    }

    // Its late end does not overwrite what was settled.
    app.db
        .write(|conn| {
            runs::finish(
                conn,
                run.id,
                runs::COMPLETED,
                Some(0),
                None,
                app.clock.now_naive(),
            )
        })
        .unwrap();
    assert_eq!(
        run_status(&app, &app.address, token, run.id).await,
        "interrupted"
    );

    // A new run starts, completes, and is never taken for interrupted meanwhile.
    let started = start_run(&app, &app.address, token).await;
    assert_eq!(started.status(), 202);
    let id = started.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let since = Instant::now();
    loop {
        let status = run_status(&app, &app.address, token, id).await;
        assert_ne!(status, "interrupted");
        if status == "completed" {
            break;
        }
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "run {id} is {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
