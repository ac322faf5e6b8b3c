//! The in-memory grade index behind the public grade lookup: it answers from memory, it sees
//! every write within its stated bound (`db::grade_index::STALENESS_BOUND`) whichever instance
//! or path made it, and while its feed is lost the lookups read the database.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::Connection;
use ecredit::db::grade_index::STALENESS_BOUND;
use ecredit::db::scores::{self, NewScore};
use ecredit::db::{Db, DbConnection};
use serde_json::Value;

use crate::helpers::{CODE_A, CODE_B, TestApp, test_model};
use crate::on_both_backends;

on_both_backends!(
    lookups_come_from_memory_and_see_writes_on_any_path,
    another_instance_sees_grades_within_the_bound,
);

fn score_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/score")
}

/// Stores a score in a transaction of its own, not through `Db::write`: as another process, or
/// raw SQL, would. Only the feed can bring it to the index.
fn store_behind_the_index(db: &Db, row: &NewScore) {
    db.read(|conn: &mut DbConnection| conn.transaction(|conn| scores::insert(conn, row)))
        .expect("score stored");
}

/// The grade and date an anonymous lookup at `address` answers.
async fn public_grade(client: &reqwest::Client, address: &str, code: &str) -> (String, String) {
    let response = client
        .get(format!("{address}{}", score_path(code)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body.get("score").is_none(), "a public lookup: {body}");
    (
        body["grade"].as_str().unwrap().to_string(),
        body["as_of"].as_str().unwrap().to_string(),
    )
}

/// A metric's value in the exposition at `address`, 0 when absent.
async fn metric(client: &reqwest::Client, address: &str, name: &str) -> f64 {
    let text = client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

async fn wait_until_live(client: &reqwest::Client, address: &str) {
    let started = Instant::now();
    while metric(client, address, "ecredit_grade_index_live").await != 1.0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the grade index did not become live"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls the lookup until it answers `expected` (from memory, when `from_memory`); returns how
/// long that took, failing past `limit`.
async fn seen_within(
    client: &reqwest::Client,
    address: &str,
    code: &str,
    expected: (&str, &str),
    limit: Duration,
    from_memory: bool,
) -> Duration {
    let started = Instant::now();
    loop {
        let served_before = metric(client, address, MEMORY).await;
        let (grade, as_of) = public_grade(client, address, code).await;
        let served = metric(client, address, MEMORY).await - served_before;
        if (grade.as_str(), as_of.as_str()) == expected && (served == 1.0 || !from_memory) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() <= limit,
            "{code} still answered {grade} as of {as_of} (from memory: {served}) after {limit:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

const MEMORY: &str = "ecredit_grade_lookups_total{source=\"memory\"}";
const DATABASE: &str = "ecredit_grade_lookups_total{source=\"database\"}";

async fn lookups_come_from_memory_and_see_writes_on_any_path(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    wait_until_live(&app.client, &app.address).await;

    // A rescoring through the API: the next lookup has it, from memory.
    let scored = app
        .request(
            reqwest::Method::POST,
            &score_path(CODE_A),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(scored.status(), 201);
    let scored: Value = scored.json().await.unwrap();
    let from_memory = metric(&app.client, &app.address, MEMORY).await;
    let (grade, as_of) = public_grade(&app.client, &app.address, CODE_A).await;
    assert_eq!(grade, scored["grade"].as_str().unwrap());
    assert_eq!(as_of, scored["as_of"].as_str().unwrap());
    assert_eq!(
        metric(&app.client, &app.address, MEMORY).await,
        from_memory + 1.0
    );

    // A write through `Db::write` (what every service does) is in the index when it returns.
    let row = app.score_row(CODE_A, "CCC", NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
    app.db.write(|conn| scores::insert(conn, &row)).unwrap();
    assert_eq!(
        public_grade(&app.client, &app.address, CODE_A).await,
        ("CCC".to_string(), "2026-10-01".to_string())
    );

    // A write the index was not told of arrives through the feed, within the bound.
    let row = app.score_row(CODE_A, "BB", NaiveDate::from_ymd_opt(2026, 10, 2).unwrap());
    store_behind_the_index(&app.db, &row);
    seen_within(
        &app.client,
        &app.address,
        CODE_A,
        ("BB", "2026-10-02"),
        STALENESS_BOUND,
        true,
    )
    .await;

    // Unknown and unscored enterprises are not in the index: the database tells them apart.
    let before = metric(&app.client, &app.address, DATABASE).await;
    let unscored = app.get(&score_path(CODE_B), None).await;
    let problem = crate::helpers::assert_problem(unscored, 404).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not been scored")
    );
    let unknown = app.get(&score_path("91110108551385082Q"), None).await;
    let problem = crate::helpers::assert_problem(unknown, 404).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no enterprise")
    );
    assert_eq!(
        metric(&app.client, &app.address, DATABASE).await,
        before + 2.0
    );
    assert_eq!(
        metric(&app.client, &app.address, "ecredit_grade_index_entries").await,
        1.0
    );
}

async fn another_instance_sees_grades_within_the_bound(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let second = app.another_instance().await;
    wait_until_live(&app.client, &second.address).await;

    // Scored on the first instance: the second serves it from memory within the bound.
    let scored = app
        .request(
            reqwest::Method::POST,
            &score_path(CODE_A),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(scored.status(), 201);
    let scored: Value = scored.json().await.unwrap();
    let expected = (
        scored["grade"].as_str().unwrap(),
        scored["as_of"].as_str().unwrap(),
    );
    seen_within(
        &app.client,
        &second.address,
        CODE_A,
        expected,
        STALENESS_BOUND,
        true,
    )
    .await;
    let from_memory = metric(&app.client, &second.address, MEMORY).await;
    public_grade(&app.client, &second.address, CODE_A).await;
    assert_eq!(
        metric(&app.client, &second.address, MEMORY).await,
        from_memory + 1.0
    );

    // Many writes at once, from both instances, each enterprise ending on its newest score.
    let mut last = Vec::new();
    for day in 1..=20u32 {
        for (code, db) in [(CODE_A, &app.db), (CODE_B, &second.db)] {
            let grade = ["A", "BB", "CCC", "C"][day as usize % 4];
            let as_of = NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
            store_behind_the_index(db, &app.score_row(code, grade, as_of));
            if day == 20 {
                last.push((code, grade, as_of.to_string()));
            }
        }
    }
    for (code, grade, as_of) in &last {
        for address in [&app.address, &second.address] {
            seen_within(
                &app.client,
                address,
                code,
                (grade, as_of),
                STALENESS_BOUND,
                true,
            )
            .await;
        }
    }

    #[cfg(feature = "postgres")]
    if app.backend == crate::helpers::Backend::Postgres {
        the_listener_comes_back_after_its_connection_is_ended(&app, &second).await;
    }
}

/// Ends every grade-feed connection on the server: lookups go to the database meanwhile (never
/// stale), and the feeds reconnect, reload and follow again.
#[cfg(feature = "postgres")]
async fn the_listener_comes_back_after_its_connection_is_ended(
    app: &TestApp,
    second: &crate::helpers::Instance,
) {
    use diesel::RunQueryDsl;
    use ecredit::db::grade_index::LISTENER_APPLICATION_NAME;
    let ended = app
        .db
        .read(|conn| {
            Ok(diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND application_name = '{LISTENER_APPLICATION_NAME}'"
            ))
            .execute(conn)?)
        })
        .unwrap();
    assert_eq!(ended, 2, "one listener per instance");
    // Written while the listeners are gone: either the database answers, or a reloaded index.
    let row = app.score_row(CODE_B, "AA", NaiveDate::from_ymd_opt(2026, 10, 5).unwrap());
    store_behind_the_index(&app.db, &row);
    // The loss is noticed within a ping, the reconnect follows a second later.
    let limit = STALENESS_BOUND + Duration::from_secs(3);
    for address in [&app.address, &second.address] {
        seen_within(
            &app.client,
            address,
            CODE_B,
            ("AA", "2026-10-05"),
            limit,
            false,
        )
        .await;
    }
    wait_until_live(&app.client, &second.address).await;
    let row = app.score_row(CODE_B, "B", NaiveDate::from_ymd_opt(2026, 10, 6).unwrap());
    store_behind_the_index(&app.db, &row);
    seen_within(
        &app.client,
        &second.address,
        CODE_B,
        ("B", "2026-10-06"),
        STALENESS_BOUND,
        true,
    )
    .await;
}
