//! The synthetic population: seeded through the library, read back through the API.

use ecredit::clock::Clock;
use ecredit::demo::Population;
use ecredit::domain::Role;
use ecredit::seed::{self, SeedOptions, SeedReport};
use serde_json::Value;

use crate::helpers::{TestApp, enterprise_body};
use crate::on_both_backends;

on_both_backends!(
    a_seeded_population_reads_back_through_the_api,
    seeding_refuses_a_filled_registry_unless_appending,
    a_failed_chunk_leaves_nothing_behind
);

async fn seed(app: &TestApp, enterprises: u64, append: bool) -> anyhow::Result<SeedReport> {
    let (db, clock) = (app.db.clone(), app.clock.clone());
    tokio::task::spawn_blocking(move || {
        let options = SeedOptions {
            enterprises,
            seed: 7,
            as_of: clock.today(),
            append,
        };
        seed::seed(&db, &options, &clock, &|_| {})
    })
    .await
    .unwrap()
}

async fn get_json(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn a_seeded_population_reads_back_through_the_api(app: TestApp) {
    let report = seed(&app, 60, false).await.unwrap();
    assert_eq!(report.first_index, 0);
    assert_eq!(report.counts.enterprises, 60);
    assert_eq!(report.counts.operating_records, 60 * 36);
    assert_eq!(report.counts.history, 60);

    let list = get_json(&app, "/api/v1/enterprises?per_page=100", None).await;
    assert_eq!(list["total"], 60);

    // Every record of one enterprise is there, as generated.
    let regulator = app.token_for("regulator", Role::Regulator, None).await;
    let generated = Population::new(7, app.clock.today(), 0..60).generate(0..60);
    let riskiest = report.riskiest.as_ref().unwrap();
    let firm = generated
        .iter()
        .find(|f| f.enterprise.code.as_str() == riskiest.code)
        .unwrap();
    let base = format!("/api/v1/enterprises/{}", riskiest.code);
    let basic = get_json(&app, &base, Some(&regulator)).await;
    assert_eq!(basic["name"], firm.enterprise.name.as_str());
    assert_eq!(basic["source"], "department");
    assert_eq!(basic["meta"]["created_by"], "demo-seed");
    let operating = get_json(
        &app,
        &format!("{base}/operating-records?per_page=100"),
        Some(&regulator),
    )
    .await;
    assert_eq!(operating["total"], 36);
    let latest = &operating["items"][0];
    let last = firm.operating.last().unwrap();
    assert_eq!(latest["period"], last.period_label.as_str());
    assert_eq!(latest["online_sales"], last.online_sales);
    assert_eq!(latest["refund_rate"], last.refund_rate.unwrap());
    for (kind, expected) in [
        ("credit-events", firm.events.len()),
        ("sentiment", firm.sentiment.len()),
        ("associations", firm.associations.len()),
    ] {
        let body = get_json(
            &app,
            &format!("{base}/{kind}?per_page=100"),
            Some(&regulator),
        )
        .await;
        assert_eq!(body["total"], expected, "{kind}");
    }

    // Associations name registered enterprises.
    let linked = generated
        .iter()
        .find(|f| !f.associations.is_empty())
        .unwrap();
    let related = linked.associations[0].related_code.as_ref().unwrap();
    get_json(&app, &format!("/api/v1/enterprises/{related}"), None).await;

    // One history row per enterprise says where it came from.
    let history = get_json(&app, &format!("{base}/history"), Some(&regulator)).await;
    assert_eq!(history["total"], 1);
    let entry = &history["items"][0];
    assert_eq!(entry["action"], "import");
    assert_eq!(entry["entity"], "enterprise");
    assert_eq!(entry["actor"], "demo-seed");
    assert_eq!(entry["reason"], "synthetic demo population, seed 7");
}

async fn seeding_refuses_a_filled_registry_unless_appending(app: TestApp) {
    seed(&app, 20, false).await.unwrap();
    let refused = seed(&app, 10, false).await.unwrap_err().to_string();
    assert!(refused.contains("--append"), "{refused}");

    // Appending continues the indices: new codes and document numbers, no clash.
    let appended = seed(&app, 30, true).await.unwrap();
    assert_eq!(appended.first_index, 20);
    assert_eq!(appended.counts.enterprises, 30);
    let list = get_json(&app, "/api/v1/enterprises?per_page=1", None).await;
    assert_eq!(list["total"], 50);
}

async fn a_failed_chunk_leaves_nothing_behind(app: TestApp) {
    seed(&app, 20, false).await.unwrap();
    // Someone registers, by hand, the code the next appended enterprise would get.
    let next = Population::new(7, app.clock.today(), 21..22).enterprise(21);
    let regulator = app.token_for("regulator", Role::Regulator, None).await;
    let body = enterprise_body(
        next.enterprise.code.as_str(),
        "手工登记的企业",
        &next.enterprise.region_code,
    );
    let response = app
        .post("/api/v1/enterprises", Some(&regulator), &body)
        .await;
    assert_eq!(response.status(), 201);

    let error = seed(&app, 10, true).await.unwrap_err().to_string();
    assert!(
        error.contains("storing the synthetic population failed"),
        "{error}"
    );
    let list = get_json(&app, "/api/v1/enterprises?per_page=1", None).await;
    assert_eq!(list["total"], 21);
}
