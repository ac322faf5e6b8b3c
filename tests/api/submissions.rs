use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    a_clean_submission_is_applied_at_once_as_self_reported,
    a_tenfold_jump_waits_for_a_regulator_who_approves_it,
    complaints_beyond_range_are_refused_and_a_jump_in_them_is_held,
    a_rejected_submission_changes_nothing_and_says_why,
    bad_submissions_are_refused_and_store_nothing,
);

fn period(label: &str, sales: f64, orders: i64) -> Value {
    json!({"period": label, "online_sales": sales, "orders": orders, "refund_rate": 0.03, "source": "self_reported"})
}

fn submissions_of(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/submissions")
}

async fn body(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn operating_records(app: &TestApp, token: &str) -> Value {
    body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/operating-records"),
            Some(token),
        )
        .await,
        200,
    )
    .await
}

async fn a_clean_submission_is_applied_at_once_as_self_reported(app: TestApp) {
    let cast = app.cast().await;
    let sent = app
        .post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({
                "operating": [period("2026-09", 1000.0, 100), period("2026-08", 900.0, 95)],
                "basic": {"platforms": [{"platform": "天猫", "shop_name": "西湖茶旗舰店"}]},
                "note": "from the shop back office"
            }),
        )
        .await;
    let location = sent.headers()["location"].to_str().unwrap().to_string();
    let submission = body(sent, 201).await;
    assert_eq!(submission["status"], "applied");
    assert_eq!(submission["findings"], json!([]));
    assert_eq!(submission["submitted_by"], "owner-a");
    assert_eq!(submission["applied_records"].as_array().unwrap().len(), 2);

    let records = operating_records(&app, &cast.regulator).await;
    assert_eq!(records["total"], 2);
    assert!(
        records["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"] == "self_reported" && r["review_status"] == "accepted")
    );
    let enterprise = body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}"),
            Some(&cast.owner_a),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(enterprise["platforms"][0]["shop_name"], "西湖茶旗舰店");

    // Provenance: the history names the enterprise user, the source and the submission.
    let history = body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/history?per_page=100"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let reason = format!(
        "submission {}: self-reported, applied without review",
        submission["id"]
    );
    let applied: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["reason"] == reason.as_str())
        .collect();
    assert_eq!(applied.len(), 3, "{history:#}");
    assert!(
        applied
            .iter()
            .all(|h| h["actor"] == "owner-a" && h["source"] == "self_reported")
    );
    assert_eq!(
        body(app.get(&location, Some(&cast.owner_a)).await, 200).await["id"],
        submission["id"]
    );
}

async fn a_tenfold_jump_waits_for_a_regulator_who_approves_it(app: TestApp) {
    let cast = app.cast().await;
    body(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({"operating": [period("2026-08", 1000.0, 100)]}),
        )
        .await,
        201,
    )
    .await;
    let held = body(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({"operating": [period("2026-09", 120000.0, 110)]}),
        )
        .await,
        202,
    )
    .await;
    assert_eq!(held["status"], "pending");
    assert_eq!(held["findings"][0]["field"], "operating[0].online_sales");
    assert!(
        held["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("rose tenfold")
    );
    assert_eq!(held["findings"].as_array().unwrap().len(), 1);
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 1);

    // The queue is the regulators'; the enterprise cannot decide its own submission.
    let queue = body(
        app.get("/api/v1/submissions", Some(&cast.regulator)).await,
        200,
    )
    .await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], held["id"]);
    for token in [&cast.owner_a, &cast.bank] {
        assert_problem(app.get("/api/v1/submissions", Some(token)).await, 403).await;
    }
    let decision = format!("{}/{}/decision", submissions_of(CODE_A), held["id"]);
    let approve =
        json!({"outcome": "approved", "reason": "matches the platform's September statement"});
    for token in [&cast.owner_a, &cast.owner_b, &cast.bank] {
        assert_problem(app.post(&decision, Some(token), &approve).await, 403).await;
    }
    assert_problem(app.post(&decision, None, &approve).await, 401).await;
    assert_problem(
        app.get(
            &format!("{}/{}", submissions_of(CODE_A), held["id"]),
            Some(&cast.owner_b),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 1);

    let approved = body(
        app.post(&decision, Some(&cast.regulator), &approve).await,
        200,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], "regulator");
    let record_id = approved["applied_records"][0].as_i64().unwrap();
    let record = body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/operating-records/{record_id}"),
            Some(&cast.owner_a),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(record["online_sales"], 120000.0);
    assert_eq!(record["source"], "self_reported");
    let history = body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/history?entity=operating_record"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "regulator");
    assert_eq!(
        last["reason"],
        format!(
            "submission {}: self-reported, approved by regulator: matches the platform's September statement",
            held["id"]
        )
    );
    // The enterprise reads the outcome; a second decision is refused.
    let seen = body(
        app.get(
            &format!("{}?status=approved", submissions_of(CODE_A)),
            Some(&cast.owner_a),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["total"], 1);
    assert_eq!(
        seen["items"][0]["decision_reason"],
        "matches the platform's September statement"
    );
    assert_problem(
        app.post(
            &decision,
            Some(&cast.admin),
            &json!({"outcome": "rejected", "reason": "second thoughts"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 2);
    assert_eq!(
        body(app.get("/api/v1/submissions", Some(&cast.admin)).await, 200).await["total"],
        0
    );
}

async fn a_rejected_submission_changes_nothing_and_says_why(app: TestApp) {
    let cast = app.cast().await;
    let before = body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let held = body(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({
                "basic": {"name": "杭州西湖茶科技有限公司", "registered_capital": 9000000.0, "legal_rep_phone": "13800138000"},
                "operating": [period("2026-09", 1000.0, 100)]
            }),
        )
        .await,
        202,
    )
    .await;
    let fields: Vec<&str> = held["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "basic.name",
            "basic.legal_rep_phone",
            "basic.registered_capital"
        ]
    );
    // Personal data in a submission is masked for all but admins.
    assert_ne!(held["basic"]["legal_rep_phone"], "13800138000");
    let for_admin = body(
        app.get(
            &format!("{}/{}", submissions_of(CODE_A), held["id"]),
            Some(&cast.admin),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(for_admin["basic"]["legal_rep_phone"], "13800138000");

    let rejected = body(
        app.post(
            &format!("{}/{}/decision", submissions_of(CODE_A), held["id"]),
            Some(&cast.regulator),
            &json!({"outcome": "rejected", "reason": "the business register shows no change of name"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["applied_records"], json!([]));
    let after = body(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(after, before);
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 0);
    let mine = body(
        app.get(&submissions_of(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(mine["items"][0]["status"], "rejected");
    assert_eq!(
        mine["items"][0]["decision_reason"],
        "the business register shows no change of name"
    );
}

async fn bad_submissions_are_refused_and_store_nothing(app: TestApp) {
    let cast = app.cast().await;
    let mut bad_rate = period("2026-09", 1000.0, 100);
    bad_rate["refund_rate"] = json!(1.5);
    let cases = [
        json!({"operating": [bad_rate]}),
        json!({"operating": [period("2026-09", 1.0, 1), period("2026-Q3", 3.0, 3)]}),
        json!({"operating": [{"period": "2026-09", "online_sales": 1.0, "orders": 1, "source": "platform"}]}),
        json!({"operating": [{"period": "2026-09", "online_sales": 1.0, "orders": 0, "complaints": 3, "source": "self_reported"}]}),
        json!({}),
        json!({"basic": {"registered_capital": -5.0}}),
    ];
    for case in &cases {
        assert_problem(
            app.post(&submissions_of(CODE_A), Some(&cast.owner_a), case)
                .await,
            422,
        )
        .await;
    }
    let valid = json!({"operating": [period("2026-09", 1000.0, 100)]});
    assert_problem(app.post(&submissions_of(CODE_A), None, &valid).await, 401).await;
    for token in [&cast.owner_b, &cast.bank, &cast.regulator, &cast.admin] {
        assert_problem(
            app.post(&submissions_of(CODE_A), Some(token), &valid).await,
            403,
        )
        .await;
    }
    // A period that is recorded already is a duplicate.
    body(
        app.post(&submissions_of(CODE_A), Some(&cast.owner_a), &valid)
            .await,
        201,
    )
    .await;
    assert_problem(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({"operating": [period("2026-Q3", 3000.0, 300)]}),
        )
        .await,
        409,
    )
    .await;
    let mine = body(
        app.get(&submissions_of(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 1);
    assert_eq!(
        body(
            app.get(&submissions_of(CODE_B), Some(&cast.owner_b)).await,
            200
        )
        .await["total"],
        0
    );
    assert_problem(
        app.get(
            &format!("{}?status=done", submissions_of(CODE_A)),
            Some(&cast.owner_a),
        )
        .await,
        422,
    )
    .await;
}

/// The same sales and orders as last month with complaints beyond 2^53 broke every full report
/// of the enterprise; now the figure is refused, and an in-range jump in it waits for review.
async fn complaints_beyond_range_are_refused_and_a_jump_in_them_is_held(app: TestApp) {
    let cast = app.cast().await;
    let mut august = period("2026-08", 1_000_000.0, 10_000);
    august["complaints"] = json!(12);
    body(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({"operating": [august]}),
        )
        .await,
        201,
    )
    .await;
    let mut september = period("2026-09", 1_000_000.0, 10_000);
    september["complaints"] = json!(9_007_199_254_740_993_i64);
    let refused = assert_problem(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({"operating": [september.clone()]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "operating[0].complaints");
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 1);

    september["complaints"] = json!(5_000);
    let held = body(
        app.post(
            &submissions_of(CODE_A),
            Some(&cast.owner_a),
            &json!({"operating": [september]}),
        )
        .await,
        202,
    )
    .await;
    assert_eq!(held["status"], "pending");
    assert_eq!(held["findings"][0]["field"], "operating[0].complaints");
    assert_eq!(operating_records(&app, &cast.regulator).await["total"], 1);
}
