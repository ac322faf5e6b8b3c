//! The keepers' model pages: a challenger compared with the active model and activated from the
//! console, each step checked through the JSON API; refused steps change nothing.

use ecredit::domain::Role;
use serde_json::Value;

use crate::helpers::{TestApp, test_model};
use crate::on_both_backends;
use crate::web::{page_body, register_a_and_b, signed_in};
use crate::web_workspace::json_of;

on_both_backends!(
    a_challenger_is_compared_and_activated_from_the_console,
    a_rescoring_run_is_started_and_followed_from_the_console,
);

async fn active_version(app: &TestApp, token: &str) -> String {
    let list = json_of(app, "/api/v1/models", token).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["active"] == true)
        .unwrap()["version"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn a_challenger_is_compared_and_activated_from_the_console(app: TestApp) {
    let regulator_token = register_a_and_b(&app).await;
    app.install_model(&test_model(2), false).await;
    let champion = std::fs::read_to_string("models/ACTIVE").unwrap();
    let champion = champion.trim().to_string();
    let mut regulator = signed_in(&app, "p-regulator", Role::Regulator, None).await;
    regulator.lang = Some("en".into());

    let list = page_body(&regulator, &app, "/workspace/models", 200).await;
    assert!(list.contains("/workspace/models/test-model-2") && list.contains(&champion));
    assert!(list.contains("Scoring models"));
    let detail = page_body(&regulator, &app, "/workspace/models/test-model-2", 200).await;
    assert!(
        detail.contains("Not yet compared with the active model"),
        "{detail}"
    );

    // Without a comparison the confirmation page offers the comparison, not the activation;
    // an activation posted anyway is refused and changes nothing.
    let confirm = page_body(
        &regulator,
        &app,
        "/workspace/models/test-model-2/activate",
        200,
    )
    .await;
    assert!(confirm.contains("Compare them first") && !confirm.contains("field-reason"));
    let csrf = regulator
        .form_token(&app, "/workspace/models/test-model-2")
        .await;
    let refused = regulator
        .post_form(
            &app,
            "/workspace/models/test-model-2/activate",
            &[("csrf", &csrf), ("reason", "no comparison yet")],
        )
        .await;
    assert_eq!(refused.status(), 409);
    assert_eq!(active_version(&app, &regulator_token).await, champion);

    // Compare from the page: the comparison is stored and shown side by side.
    let compared = regulator
        .post_form(
            &app,
            "/workspace/models/test-model-2/comparisons",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(compared.status(), 303);
    let location = compared.headers()["location"].to_str().unwrap().to_string();
    let stored: Value = app
        .get(
            "/api/v1/models/test-model-2/comparisons",
            Some(&regulator_token),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = stored[0]["id"].as_i64().unwrap();
    assert!(location.contains(&format!("compared={id}")), "{location}");
    let detail = page_body(&regulator, &app, &location, 200).await;
    assert!(detail.contains(&format!("Comparison {id} was made")));
    assert!(detail.contains(r#"class="matrix""#), "{detail}");

    // The confirmation names what changes; a blank reason is refused beside the field.
    let mut chinese = regulator.clone();
    chinese.lang = Some("zh-CN".into());
    let confirm = page_body(
        &chinese,
        &app,
        "/workspace/models/test-model-2/activate",
        200,
    )
    .await;
    assert!(
        confirm.contains(&format!("第 {id} 次对比")) && confirm.contains("2 家企业中"),
        "{confirm}"
    );
    let blank = regulator
        .post_form(
            &app,
            "/workspace/models/test-model-2/activate",
            &[("csrf", &csrf), ("reason", "   ")],
        )
        .await;
    assert_eq!(blank.status(), 422);
    assert!(blank.text().await.unwrap().contains("field-reason-error"));
    assert_eq!(active_version(&app, &regulator_token).await, champion);

    // Others may not.
    let mut bank = signed_in(&app, "p-bank", Role::Bank, None).await;
    assert_eq!(bank.get(&app, "/workspace/models").await.status(), 403);
    let bank_csrf = bank.form_token(&app, "/workspace").await;
    let response = bank
        .post_form(
            &app,
            "/workspace/models/test-model-2/activate",
            &[("csrf", &bank_csrf), ("reason", "a bank's wish")],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(active_version(&app, &regulator_token).await, champion);
    let response = bank
        .post_form(
            &app,
            "/workspace/models/test-model-2/comparisons",
            &[("csrf", &bank_csrf)],
        )
        .await;
    assert_eq!(response.status(), 403);
    let stored = json_of(
        &app,
        "/api/v1/models/test-model-2/comparisons",
        &regulator_token,
    )
    .await;
    assert_eq!(
        stored.as_array().unwrap().len(),
        1,
        "a refused comparison stores nothing"
    );

    let reason = "comparison reviewed: two enterprises, neither moves two grades";
    let activated = regulator
        .post_form(
            &app,
            "/workspace/models/test-model-2/activate",
            &[("csrf", &csrf), ("reason", reason)],
        )
        .await;
    assert_eq!(activated.status(), 303);
    let model: Value = app
        .get("/api/v1/models/test-model-2", Some(&regulator_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(model["active"], true);
    assert_eq!(model["activations"][0]["reason"], reason);
    assert_eq!(model["activations"][0]["comparison_id"], id);
    assert_eq!(model["activations"][0]["activated_by"], "p-regulator");
    let location = activated.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let detail = page_body(&regulator, &app, &location, 200).await;
    assert!(detail.contains("This version is now the active model"));
}

async fn a_rescoring_run_is_started_and_followed_from_the_console(app: TestApp) {
    let regulator_token = register_a_and_b(&app).await;
    let mut regulator = signed_in(&app, "r-regulator", Role::Regulator, None).await;
    regulator.lang = Some("en".into());
    let page = page_body(&regulator, &app, "/workspace/runs", 200).await;
    assert!(page.contains("No run yet") && page.contains("Rescore every enterprise"));
    let csrf = regulator.form_token(&app, "/workspace/runs").await;

    // A date in the future is refused beside the field, and starts nothing.
    let refused = regulator
        .post_form(
            &app,
            "/workspace/runs",
            &[("csrf", &csrf), ("as_of", "2999-01-01")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("field-as_of-error"));
    let runs: Value = app
        .get("/api/v1/scores/runs", Some(&regulator_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs["total"], 0);

    // A bank may not start one.
    let mut bank = signed_in(&app, "r-bank", Role::Bank, None).await;
    let bank_csrf = bank.form_token(&app, "/workspace").await;
    let response = bank
        .post_form(
            &app,
            "/workspace/runs",
            &[("csrf", &bank_csrf), ("as_of", "")],
        )
        .await;
    assert_eq!(response.status(), 403);

    let started = regulator
        .post_form(&app, "/workspace/runs", &[("csrf", &csrf), ("as_of", "")])
        .await;
    assert_eq!(started.status(), 303);
    let location = started.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.rsplit('=').next().unwrap().parse().unwrap();
    let ended = crate::imports::wait_for_run(&app, &regulator_token, id).await;
    assert_eq!(ended["status"], "completed", "{ended}");
    assert_eq!(
        (ended["scored"].as_i64(), ended["total"].as_i64()),
        (Some(2), Some(2))
    );
    let page = page_body(&regulator, &app, &location, 200).await;
    assert!(page.contains(&format!("Run {id} started")));
    assert!(
        page.contains("Completed") && page.contains("2 of 2"),
        "{page}"
    );
    // The ended run's block no longer polls.
    let fragment = page_body(&regulator, &app, "/workspace/runs/progress", 200).await;
    assert!(fragment.contains(r#"id="run-progress""#) && !fragment.contains("hx-trigger"));
    assert!(!fragment.contains("<html"), "a fragment, not a page");

    // While a run goes, its block polls and no second run is offered.
    let at = ecredit::clock::Clock::now_naive(&app.clock);
    let today = ecredit::clock::Clock::today(&app.clock);
    // Held as its executor holds it: an unheld run on PostgreSQL reads as interrupted.
    let (_run, _hold) =
        ecredit::db::runs::start_held(&app.db, "v", today, "regulator", 10, at).unwrap();
    let fragment = page_body(&regulator, &app, "/workspace/runs/progress", 200).await;
    assert!(fragment.contains(r#"hx-trigger="every 2s""#), "{fragment}");
    assert!(fragment.contains("0 of 10"));
    let page = page_body(&regulator, &app, "/workspace/runs", 200).await;
    assert!(!page.contains("Rescore every enterprise"));
}
