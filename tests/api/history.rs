use serde_json::{Value, json};

use crate::helpers::{CODE_A, TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    history_records_every_change,
    history_is_private_and_masks_personal_data
);

async fn history_records_every_change(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}");
    app.patch(
        &path,
        Some(&cast.regulator),
        Some("\"1\""),
        &json!({"registered_capital": 8000000.0, "reason": "capital increase registered"}),
    )
    .await;
    app.post(&format!("{path}/credit-events"), Some(&cast.admin), &json!({
        "kind": "honour", "severity": "minor", "title": "诚信示范", "authority": "市商务局", "decided_on": "2026-01-01"
    })).await;

    let history: Value = app
        .get(&format!("{path}/history"), Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["total"], 3);
    let entries = history["items"].as_array().unwrap();
    assert_eq!(entries[0]["action"], "create");
    assert_eq!(entries[0]["actor"], "regulator");
    assert_eq!(entries[0]["actor_role"], "regulator");
    assert_eq!(entries[0]["source"], "department");
    assert!(entries[0]["request_id"].as_str().unwrap().len() >= 32);
    assert_eq!(
        entries[1]["changes"],
        json!([{"field": "registered_capital", "before": 5000000.0, "after": 8000000.0}])
    );
    assert_eq!(entries[1]["reason"], "capital increase registered");
    assert_eq!(entries[2]["entity"], "credit_event");
    assert_eq!(entries[2]["actor"], "admin");

    let only_events: Value = app
        .get(
            &format!("{path}/history?entity=credit_event"),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(only_events["total"], 1);
    assert_problem(
        app.get(
            &format!("{path}/history?entity=grade"),
            Some(&cast.regulator),
        )
        .await,
        422,
    )
    .await;
    let paged: Value = app
        .get(
            &format!("{path}/history?per_page=1&page=3"),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paged["items"][0]["entity"], "credit_event");
}

async fn history_is_private_and_masks_personal_data(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}");
    app.patch(
        &path,
        Some(&cast.regulator),
        Some("\"1\""),
        &json!({"legal_rep_phone": "13900001111"}),
    )
    .await;
    let history = format!("{path}/history");
    assert_problem(app.get(&history, None).await, 401).await;
    assert_problem(app.get(&history, Some(&cast.bank)).await, 403).await;
    assert_problem(app.get(&history, Some(&cast.owner_b)).await, 403).await;

    for token in [&cast.regulator, &cast.owner_a] {
        let body: Value = app.get(&history, Some(token)).await.json().await.unwrap();
        let text = body.to_string();
        assert!(
            !text.contains("13900001111")
                && !text.contains("13812345678")
                && !text.contains("11010519491231002X"),
            "{text}"
        );
        assert_eq!(
            body["items"][1]["changes"],
            json!([{"field": "legal_rep_phone", "before": "138****5678", "after": "139****1111"}])
        );
    }
    let body: Value = app
        .get(&history, Some(&cast.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["items"][1]["changes"],
        json!([{"field": "legal_rep_phone", "before": "13812345678", "after": "13900001111"}])
    );
}
