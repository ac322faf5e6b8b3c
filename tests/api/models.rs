//! Champion and challenger: a model trained on the registry compared with the active one, on
//! the challenger's holdout and on the population, and the activation that relies on it.

use ecredit::engine::{self, LoadedModel};
use ecredit::scoring::grade::Grade;
use ecredit::scoring::model::{self, ModelArtifact, TrainParams, TrainingTable};
use ecredit::seed::{self, SeedOptions};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(a_challenger_is_compared_with_the_champion_before_it_replaces_it);

const SEEDED: u64 = 400;
/// The seeded ones and the cast's two.
const ENTERPRISES: u64 = SEEDED + 2;

/// Seeds the demo population and trains a challenger on it, as `ecredit model train` does.
async fn seed_and_train(app: &TestApp) -> (ModelArtifact, TrainingTable) {
    let (db, clock) = (app.db.clone(), app.clock.clone());
    tokio::task::spawn_blocking(move || {
        let options = SeedOptions {
            enterprises: SEEDED,
            seed: 11,
            as_of: ecredit::clock::Clock::today(&clock),
            // The cast's two enterprises are there already.
            append: true,
        };
        seed::seed(&db, &options, &clock, &|_| {}).unwrap();
        let as_of = engine::default_training_date(&db).unwrap().unwrap();
        let table = engine::training_table(&db, as_of, |_| {}).unwrap();
        let params = TrainParams {
            seed: 23,
            forest: model::default_forest().n_trees(30),
            version: Some("challenger-23".into()),
            as_of: Some(as_of),
            ..TrainParams::default()
        };
        (model::train(&table, &params).unwrap(), table)
    })
    .await
    .unwrap()
}

fn rows_of(table: &TrainingTable, rows: &[usize]) -> TrainingTable {
    TrainingTable {
        rows: rows.iter().map(|&i| table.rows[i].clone()).collect(),
        bad: rows.iter().map(|&i| table.bad[i]).collect(),
        ..table.clone()
    }
}

async fn a_challenger_is_compared_with_the_champion_before_it_replaces_it(app: TestApp) {
    let cast = app.cast().await;
    let (challenger, table) = seed_and_train(&app).await;
    app.install_model(&challenger, false).await;
    let champion_version = std::fs::read_to_string("models/ACTIVE")
        .unwrap()
        .trim()
        .to_string();
    let champion = ModelArtifact::from_json(engine::BUILT_IN_MODEL).unwrap();
    assert_eq!(champion.version, champion_version);

    let path = "/api/v1/models/challenger-23/comparisons";
    for token in [&cast.bank, &cast.owner_a] {
        let response = app
            .request(reqwest::Method::POST, path, Some(token))
            .send()
            .await
            .unwrap();
        assert_problem(response, 403).await;
    }
    // The active version has nothing to be compared with.
    let itself = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/models/{champion_version}/comparisons"),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_problem(itself, 409).await;

    let response = app
        .request(reqwest::Method::POST, path, Some(&cast.regulator))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], path);
    let compared: Value = response.json().await.unwrap();
    assert_eq!(compared["champion"], champion_version.as_str());
    assert_eq!(compared["computed_by"], "regulator");

    // On the holdout: the challenger's own holdout rows, each model's own evaluation of them.
    let holdout = model::stratified_split(&table.bad, 23).holdout;
    let rows = rows_of(&table, &holdout);
    let on_holdout = &compared["holdout"];
    assert_eq!(on_holdout["rows"], holdout.len());
    assert_eq!(on_holdout["bads"], rows.n_bad());
    assert_eq!(on_holdout["same_as_training"], true);
    assert_eq!(on_holdout["shared_holdout"], false);
    assert_eq!(
        on_holdout["challenger"],
        serde_json::to_value(&challenger.metrics).unwrap(),
        "the rebuilt holdout is the one the challenger was measured on"
    );
    assert_eq!(
        on_holdout["champion"],
        serde_json::to_value(champion.evaluate(&rows).unwrap()).unwrap()
    );

    // On the population: everyone graded by both; the champion's grades are what a rescoring
    // with it gives.
    let migration = &compared["population"]["migration"];
    assert_eq!(migration["enterprises"], ENTERPRISES);
    let counts: Vec<Vec<u64>> = serde_json::from_value(migration["counts"].clone()).unwrap();
    let total: u64 = counts.iter().flatten().sum();
    assert_eq!(total, ENTERPRISES);
    let moved = |key: &str| migration[key].as_u64().unwrap();
    assert_eq!(
        moved("unchanged") + moved("upgraded") + moved("downgraded"),
        ENTERPRISES
    );
    let diagonal: u64 = (0..counts.len()).map(|i| counts[i][i]).sum();
    assert_eq!(moved("unchanged"), diagonal);
    let db = app.db.clone();
    let at = ecredit::clock::Clock::now_naive(&app.clock);
    let graded = tokio::task::spawn_blocking(move || {
        let model = LoadedModel {
            version: champion.version.clone(),
            artifact: champion,
        };
        engine::rescore_all(&db, &model, at.date(), "test", at, |_| {}).unwrap()
    })
    .await
    .unwrap();
    for (i, grade) in Grade::ALL.iter().enumerate() {
        assert_eq!(
            counts[i].iter().sum::<u64>() as usize,
            graded.grades.get(grade).copied().unwrap_or(0),
            "enterprises graded {grade:?} by the champion"
        );
    }
    assert!(
        compared["population"]["champion_psi"]["psi"]
            .as_f64()
            .unwrap()
            >= 0.0
    );
    assert!(
        compared["population"]["challenger_psi"]["psi"]
            .as_f64()
            .unwrap()
            >= 0.0
    );

    let listed: Value = app.get(path, Some(&cast.admin)).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], compared["id"]);
    assert_eq!(listed[0]["population"], compared["population"]);

    // The activation relies on the comparison and says why.
    let reason = "holdout AUC and Brier no worse; the migration matrix was reviewed";
    let activated = app
        .post(
            "/api/v1/models/challenger-23/activate",
            Some(&cast.regulator),
            &json!({ "reason": reason }),
        )
        .await;
    assert_eq!(activated.status(), 200);
    let detail: Value = app
        .get("/api/v1/models/challenger-23", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["active"], true);
    assert_eq!(detail["activation_reason"], reason);
    let activation = &detail["activations"][0];
    assert_eq!(activation["replaced"], champion_version.as_str());
    assert_eq!(activation["comparison_id"], compared["id"]);
    assert_eq!(activation["activated_by"], "regulator");
    // Going back to the former champion needs a comparison the other way round.
    let back = app
        .post(
            &format!("/api/v1/models/{champion_version}/activate"),
            Some(&cast.regulator),
            &json!({ "reason": "back" }),
        )
        .await;
    assert_problem(back, 409).await;
}
