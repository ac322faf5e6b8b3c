//! Credit repair (信用修复): the enterprise applies to repair a negative event or a blacklist
//! entry; a regulator approves (the event's publicity ends, the entry is removed, the enterprise
//! is rescored) or rejects (nothing changes but the application).

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, Cast, TestApp, assert_problem, problem_fields, test_model};
use crate::on_both_backends;

on_both_backends!(
    an_enterprise_repairs_a_negative_credit_event,
    only_the_enterprise_applies_and_only_keepers_decide,
    an_approved_repair_removes_a_blacklist_entry_and_rescores,
    one_open_application_per_target_even_when_sent_at_once,
);

fn repairs_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/repairs")
}

fn penalty(number: &str) -> Value {
    json!({
        "kind": "administrative_penalty", "severity": "serious", "title": "虚假宣传行政处罚",
        "authority": "杭州市西湖区市场监督管理局", "document_number": number,
        "decided_on": "2026-05-01", "publicity_until": "2029-05-01"
    })
}

fn application(target: Value) -> Value {
    let mut body = json!({
        "corrections": "已全额缴纳罚款，下架涉事商品并完成直播话术整改。",
        "evidence": [
            {"title": "罚款缴纳凭证", "url": "https://files.example.cn/repair/receipt-118.pdf"},
            {"title": "整改报告", "url": "http://files.example.cn/repair/rectification-118.pdf"}
        ]
    });
    for (key, value) in target.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

fn approval() -> Value {
    json!({
        "outcome": "approved",
        "explanation": "企业已履行处罚决定并完成整改，准予信用修复。",
        "document_number": "杭西市监修〔2026〕7号"
    })
}

fn rejection() -> Value {
    json!({"outcome": "rejected", "explanation": "整改材料不完整，请补充后重新申请。"})
}

async fn ok_json(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(code, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn record_event(app: &TestApp, cast: &Cast, code: &str, body: &Value) -> i64 {
    ok_json(
        app.post(
            &format!("/api/v1/enterprises/{code}/credit-events"),
            Some(&cast.regulator),
            body,
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn apply(app: &TestApp, token: Option<&str>, code: &str, body: &Value) -> reqwest::Response {
    app.post(&repairs_path(code), token, body).await
}

async fn decide(
    app: &TestApp,
    token: Option<&str>,
    code: &str,
    id: i64,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("{}/{id}/decision", repairs_path(code)),
        token,
        body,
    )
    .await
}

async fn event(app: &TestApp, token: Option<&str>, code: &str, id: i64) -> reqwest::Response {
    app.get(
        &format!("/api/v1/enterprises/{code}/credit-events/{id}"),
        token,
    )
    .await
}

async fn queue(app: &TestApp, token: &str, query: &str) -> Value {
    ok_json(
        app.get(&format!("/api/v1/repairs{query}"), Some(token))
            .await,
        200,
    )
    .await
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn history(app: &TestApp, token: &str, code: &str, entity: &str) -> Vec<Value> {
    let page = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{code}/history?entity={entity}&per_page=100"),
            Some(token),
        )
        .await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn score_count(app: &TestApp, cast: &Cast, code: &str) -> i64 {
    ok_json(
        app.get(
            &format!("/api/v1/enterprises/{code}/scores"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await["total"]
        .as_i64()
        .unwrap()
}

async fn an_enterprise_repairs_a_negative_credit_event(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let penalty_id = record_event(&app, &cast, CODE_A, &penalty("杭西市监处罚〔2026〕118号")).await;
    let honour = record_event(
        &app,
        &cast,
        CODE_A,
        &json!({"kind": "honour", "severity": "minor", "title": "守合同重信用企业",
                "authority": "杭州市市场监督管理局", "decided_on": "2026-03-01"}),
    )
    .await;
    let mut withdrawn = penalty("杭西市监处罚〔2026〕119号");
    withdrawn["status"] = json!("revoked");
    let revoked = record_event(&app, &cast, CODE_A, &withdrawn).await;
    let others = record_event(&app, &cast, CODE_B, &penalty("深市监罚〔2026〕7号")).await;
    let score_path = format!("/api/v1/enterprises/{CODE_A}/score");
    ok_json(
        app.request(Method::POST, &score_path, Some(&cast.regulator))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;

    // The enterprise applies, with what it corrected and its evidence.
    let response = apply(
        &app,
        Some(&cast.owner_a),
        CODE_A,
        &application(json!({"credit_event_id": penalty_id})),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let applied: Value = response.json().await.unwrap();
    let first = applied["id"].as_i64().unwrap();
    assert_eq!(location, format!("{}/{first}", repairs_path(CODE_A)));
    assert_eq!(applied["status"], "pending");
    assert_eq!(applied["credit_event_id"], penalty_id);
    assert_eq!(applied["applied_by"], "owner-a");
    assert_eq!(applied["evidence"][1]["title"], "整改报告");

    // Targets that cannot be repaired, and bad input: refused, nothing stored.
    let refusals = [
        (json!({"credit_event_id": penalty_id}), 409, vec![]),
        (json!({"credit_event_id": revoked}), 409, vec![]),
        (
            json!({"credit_event_id": honour}),
            422,
            vec!["credit_event_id"],
        ),
        (
            json!({"credit_event_id": others}),
            422,
            vec!["credit_event_id"],
        ),
        (
            json!({"credit_event_id": 9999}),
            422,
            vec!["credit_event_id"],
        ),
        (json!({"list_entry_id": 9999}), 422, vec!["list_entry_id"]),
        (
            json!({"credit_event_id": penalty_id, "list_entry_id": 1}),
            422,
            vec!["list_entry_id"],
        ),
        (json!({}), 422, vec!["credit_event_id"]),
    ];
    for (target, status, fields) in refusals {
        let problem = assert_problem(
            apply(
                &app,
                Some(&cast.owner_a),
                CODE_A,
                &application(target.clone()),
            )
            .await,
            status,
        )
        .await;
        assert_eq!(problem_fields(&problem), fields, "{target}");
    }
    let mut bad = application(json!({"credit_event_id": honour}));
    bad["corrections"] = json!("");
    bad["evidence"] = json!([{"title": "", "url": "javascript:alert(1)"}]);
    let invalid = assert_problem(apply(&app, Some(&cast.owner_a), CODE_A, &bad).await, 422).await;
    assert_eq!(
        problem_fields(&invalid),
        ["corrections", "evidence[0].title", "evidence[0].url"]
    );
    let mut many = application(json!({"credit_event_id": penalty_id}));
    many["evidence"] = json!(vec![
        json!({"title": "t", "url": "https://e.example.cn/x"});
        11
    ]);
    assert_eq!(
        problem_fields(
            &assert_problem(apply(&app, Some(&cast.owner_a), CODE_A, &many).await, 422).await
        ),
        ["evidence"]
    );
    let own = ok_json(
        app.get(&repairs_path(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(ids(&own), [first]);

    // The review queue, oldest first; filtered by status.
    assert_eq!(
        ids(&queue(&app, &cast.regulator, "?status=pending").await),
        [first]
    );
    assert_problem(
        app.get("/api/v1/repairs?status=open", Some(&cast.regulator))
            .await,
        422,
    )
    .await;

    // Rejected: the application is decided, the event is untouched.
    let rejected = ok_json(
        decide(&app, Some(&cast.admin), CODE_A, first, &rejection()).await,
        200,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["decided_by"], "admin");
    assert_eq!(rejected["explanation"], rejection()["explanation"]);
    let untouched = ok_json(
        event(&app, Some(&cast.regulator), CODE_A, penalty_id).await,
        200,
    )
    .await;
    assert_eq!(untouched["status"], "active");
    assert_eq!(untouched["publicity_until"], "2029-05-01");
    assert_eq!(untouched["meta"]["version"], 1);
    assert_eq!(
        score_count(&app, &cast, CODE_A).await,
        1,
        "a rejection does not rescore"
    );
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_A, first, &approval()).await,
        409,
    )
    .await;
    assert!(ids(&queue(&app, &cast.regulator, "?status=pending").await).is_empty());

    // A new application after the rejection, approved: the event is repaired, its publicity
    // ends today, the enterprise is rescored.
    let second = ok_json(
        apply(
            &app,
            Some(&cast.owner_a),
            CODE_A,
            &application(json!({"credit_event_id": penalty_id})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let approved = ok_json(
        decide(&app, Some(&cast.regulator), CODE_A, second, &approval()).await,
        200,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["document_number"], "杭西市监修〔2026〕7号");
    let repaired = ok_json(
        event(&app, Some(&cast.regulator), CODE_A, penalty_id).await,
        200,
    )
    .await;
    assert_eq!(repaired["status"], "repaired");
    assert_eq!(repaired["publicity_until"], "2026-11-22");
    assert_eq!(repaired["meta"]["version"], 2);
    assert_eq!(
        score_count(&app, &cast, CODE_A).await,
        2,
        "rescored by the approval"
    );
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_A, second, &rejection()).await,
        409,
    )
    .await;
    assert_problem(
        apply(
            &app,
            Some(&cast.owner_a),
            CODE_A,
            &application(json!({"credit_event_id": penalty_id})),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        ids(&queue(&app, &cast.regulator, "").await),
        [first, second]
    );
    assert_eq!(
        ids(&queue(&app, &cast.admin, "?status=approved").await),
        [second]
    );

    // The history shows the repair on the event (source credit_repair) and every step of the
    // applications.
    let event_steps = history(&app, &cast.owner_a, CODE_A, "credit_event").await;
    let repair_step = event_steps
        .iter()
        .find(|h| h["action"] == "repair")
        .expect("a repair step in the event's history");
    assert_eq!(repair_step["entity_id"], penalty_id.to_string());
    assert_eq!(repair_step["source"], "credit_repair");
    assert_eq!(repair_step["actor"], "regulator");
    assert!(
        repair_step["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("application {second}"))
    );
    let mut changed: Vec<(String, Value, Value)> = repair_step["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["before"].clone(),
                c["after"].clone(),
            )
        })
        .collect();
    changed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        changed,
        [
            (
                "publicity_until".to_string(),
                json!("2029-05-01"),
                json!("2026-11-22")
            ),
            ("status".to_string(), json!("active"), json!("repaired")),
        ]
    );
    let application_steps: Vec<(String, String)> =
        history(&app, &cast.regulator, CODE_A, "credit_repair")
            .await
            .iter()
            .map(|h| {
                (
                    h["entity_id"].as_str().unwrap().to_string(),
                    h["action"].as_str().unwrap().to_string(),
                )
            })
            .collect();
    assert_eq!(
        application_steps,
        [
            (first.to_string(), "apply".to_string()),
            (first.to_string(), "decide".to_string()),
            (second.to_string(), "apply".to_string()),
            (second.to_string(), "decide".to_string()),
        ]
    );

    // The day after, the repaired event is no longer public.
    ok_json(event(&app, None, CODE_A, penalty_id).await, 200).await;
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap());
    assert_problem(event(&app, None, CODE_A, penalty_id).await, 404).await;
}

async fn only_the_enterprise_applies_and_only_keepers_decide(app: TestApp) {
    let cast = app.cast().await;
    let penalty_id = record_event(&app, &cast, CODE_A, &penalty("杭西市监处罚〔2026〕120号")).await;
    let body = application(json!({"credit_event_id": penalty_id}));
    for (token, status) in [
        (None, 401),
        (Some(cast.regulator.as_str()), 403),
        (Some(cast.admin.as_str()), 403),
        (Some(cast.bank.as_str()), 403),
        (Some(cast.owner_b.as_str()), 403),
    ] {
        assert_problem(apply(&app, token, CODE_A, &body).await, status).await;
    }
    let id = ok_json(apply(&app, Some(&cast.owner_a), CODE_A, &body).await, 201).await["id"]
        .as_i64()
        .unwrap();
    let one = format!("{}/{id}", repairs_path(CODE_A));
    for (token, status) in [
        (None, 401),
        (Some(cast.bank.as_str()), 403),
        (Some(cast.owner_b.as_str()), 403),
    ] {
        assert_problem(app.get(&one, token).await, status).await;
        assert_problem(app.get(&repairs_path(CODE_A), token).await, status).await;
    }
    for token in [&cast.owner_a, &cast.regulator, &cast.admin] {
        assert_eq!(
            ok_json(app.get(&one, Some(token)).await, 200).await["id"],
            id
        );
    }
    // The queue is the keepers'.
    assert_problem(app.get("/api/v1/repairs", None).await, 401).await;
    for token in [&cast.owner_a, &cast.bank] {
        assert_problem(app.get("/api/v1/repairs", Some(token)).await, 403).await;
    }
    // The enterprise cannot approve its own repair; nor can anyone but a keeper.
    for (token, status) in [
        (None, 401),
        (Some(cast.owner_a.as_str()), 403),
        (Some(cast.owner_b.as_str()), 403),
        (Some(cast.bank.as_str()), 403),
    ] {
        assert_problem(decide(&app, token, CODE_A, id, &approval()).await, status).await;
    }
    // Bad decisions: 422, nothing changed.
    let mut bad = approval();
    bad["explanation"] = json!(" ");
    bad["outcome"] = json!("approved");
    assert_eq!(
        problem_fields(
            &assert_problem(
                decide(&app, Some(&cast.regulator), CODE_A, id, &bad).await,
                422
            )
            .await
        ),
        ["explanation"]
    );
    assert_eq!(
        problem_fields(
            &assert_problem(
                decide(
                    &app,
                    Some(&cast.regulator),
                    CODE_A,
                    id,
                    &json!({"outcome": "maybe", "explanation": "x"})
                )
                .await,
                422
            )
            .await
        ),
        ["outcome"]
    );
    assert_problem(
        decide(&app, Some(&cast.regulator), CODE_B, id, &approval()).await,
        404,
    )
    .await;
    let still = ok_json(app.get(&one, Some(&cast.owner_a)).await, 200).await;
    assert_eq!(still["status"], "pending");
    assert_eq!(still["version"], 1);
    let event_now = ok_json(
        event(&app, Some(&cast.regulator), CODE_A, penalty_id).await,
        200,
    )
    .await;
    assert_eq!(event_now["status"], "active");
}

async fn an_approved_repair_removes_a_blacklist_entry_and_rescores(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let score_path = format!("/api/v1/enterprises/{CODE_A}/score");
    ok_json(
        app.request(Method::POST, &score_path, Some(&cast.regulator))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let listing = |list: &str| {
        json!({
            "enterprise_code": CODE_A, "reason": format!("{list} 测试"),
            "legal_basis": "《浙江省公共信用信息管理条例》第二十四条",
            "authority": "杭州市市场监督管理局", "starts_on": "2026-11-01"
        })
    };
    let entry = ok_json(
        app.post(
            "/api/v1/lists/blacklist/entries",
            Some(&cast.regulator),
            &listing("blacklist"),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let red = ok_json(
        app.post(
            "/api/v1/lists/redlist/entries",
            Some(&cast.regulator),
            &listing("redlist"),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let listed = ok_json(app.get(&score_path, Some(&cast.regulator)).await, 200).await;
    assert_eq!(listed["grade"], "C");
    assert_eq!(
        score_count(&app, &cast, CODE_A).await,
        3,
        "scored, blacklisted, redlisted"
    );

    // Only the blacklist is repaired.
    assert_eq!(
        problem_fields(
            &assert_problem(
                apply(
                    &app,
                    Some(&cast.owner_a),
                    CODE_A,
                    &application(json!({"list_entry_id": red}))
                )
                .await,
                422
            )
            .await
        ),
        ["list_entry_id"]
    );
    // Another enterprise's entry names nothing of this one.
    assert_problem(
        apply(
            &app,
            Some(&cast.owner_b),
            CODE_B,
            &application(json!({"list_entry_id": entry})),
        )
        .await,
        422,
    )
    .await;

    // Rejected: the entry stays current, the grade C, no rescoring.
    let entry_path = format!("/api/v1/lists/entries/{entry}");
    let first = ok_json(
        apply(
            &app,
            Some(&cast.owner_a),
            CODE_A,
            &application(json!({"list_entry_id": entry})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    ok_json(
        decide(&app, Some(&cast.regulator), CODE_A, first, &rejection()).await,
        200,
    )
    .await;
    let unchanged = ok_json(app.get(&entry_path, Some(&cast.regulator)).await, 200).await;
    assert_eq!(unchanged["state"], "current");
    assert_eq!(unchanged["version"], 1);
    assert!(unchanged.get("removal").is_none(), "{unchanged}");
    assert_eq!(score_count(&app, &cast, CODE_A).await, 3);

    // Approving the repair of an entry needs the decision's document number.
    let second = ok_json(
        apply(
            &app,
            Some(&cast.owner_a),
            CODE_A,
            &application(json!({"list_entry_id": entry})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut unnumbered = approval();
    unnumbered
        .as_object_mut()
        .unwrap()
        .remove("document_number");
    assert_eq!(
        problem_fields(
            &assert_problem(
                decide(&app, Some(&cast.regulator), CODE_A, second, &unnumbered).await,
                422
            )
            .await
        ),
        ["document_number"]
    );
    assert_eq!(
        ok_json(app.get(&entry_path, None).await, 200).await["state"],
        "current"
    );

    // Approved: the entry is removed with this decision, and the enterprise rescored without
    // the blacklist override.
    let approved = ok_json(
        decide(&app, Some(&cast.admin), CODE_A, second, &approval()).await,
        200,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    let removed = ok_json(app.get(&entry_path, None).await, 200).await;
    assert_eq!(removed["state"], "removed");
    assert_eq!(removed["removal"]["decision"], approval()["explanation"]);
    assert_eq!(
        removed["removal"]["document_number"],
        "杭西市监修〔2026〕7号"
    );
    assert_eq!(removed["removal"]["decided_on"], "2026-11-22");
    let public = ok_json(app.get("/api/v1/lists/blacklist", None).await, 200).await;
    assert_eq!(public["total"], 0);
    assert_eq!(
        score_count(&app, &cast, CODE_A).await,
        4,
        "rescored by the approval"
    );
    let after = ok_json(app.get(&score_path, Some(&cast.regulator)).await, 200).await;
    let adjustments = after["details"]["adjustments"].as_array().unwrap();
    assert!(!adjustments.contains(&json!("blacklisted")), "{after}");
    let entry_id = entry.to_string();
    let entry_steps: Vec<String> = history(&app, &cast.owner_a, CODE_A, "list_entry")
        .await
        .iter()
        .filter(|h| h["entity_id"] == entry_id.as_str())
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(entry_steps, ["create", "remove"]);

    // A removed entry cannot be repaired again.
    assert_problem(
        apply(
            &app,
            Some(&cast.owner_a),
            CODE_A,
            &application(json!({"list_entry_id": entry})),
        )
        .await,
        409,
    )
    .await;
    // An application whose entry was removed meanwhile by other means: approval is 409, and
    // nothing is decided.
    let listed_again = ok_json(
        app.post(
            "/api/v1/lists/blacklist/entries",
            Some(&cast.regulator),
            &listing("blacklist"),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let third = ok_json(
        apply(
            &app,
            Some(&cast.owner_a),
            CODE_A,
            &application(json!({"list_entry_id": listed_again})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    ok_json(
        app.post(
            &format!("/api/v1/lists/entries/{listed_again}/remove"),
            Some(&cast.regulator),
            &json!({"decision": "准予信用修复", "document_number": "杭市监修〔2026〕9号", "decided_on": "2026-11-22"}),
        )
        .await,
        200,
    )
    .await;
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_A, third, &approval()).await,
        409,
    )
    .await;
    let undecided = ok_json(
        app.get(
            &format!("{}/{third}", repairs_path(CODE_A)),
            Some(&cast.admin),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(undecided["status"], "pending");
    // Still rejectable, so the queue can be cleared.
    ok_json(
        decide(&app, Some(&cast.admin), CODE_A, third, &rejection()).await,
        200,
    )
    .await;
}

async fn one_open_application_per_target_even_when_sent_at_once(app: TestApp) {
    let cast = app.cast().await;
    let penalty_id = record_event(&app, &cast, CODE_A, &penalty("杭西市监处罚〔2026〕121号")).await;
    let body = application(json!({"credit_event_id": penalty_id}));
    let (first, second) = tokio::join!(
        apply(&app, Some(&cast.owner_a), CODE_A, &body),
        apply(&app, Some(&cast.owner_a), CODE_A, &body),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let pending = queue(&app, &cast.regulator, "?status=pending").await;
    assert_eq!(pending["total"], 1);
    let id = ids(&pending)[0];
    // Two decisions at once: one wins, the other changes nothing.
    let (yes, no) = (approval(), rejection());
    let (approve, reject) = tokio::join!(
        decide(&app, Some(&cast.regulator), CODE_A, id, &yes),
        decide(&app, Some(&cast.admin), CODE_A, id, &no),
    );
    let mut statuses = [approve.status().as_u16(), reject.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let decided = ok_json(
        app.get(
            &format!("{}/{id}", repairs_path(CODE_A)),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let expected_event_status = if decided["status"] == "approved" {
        "repaired"
    } else {
        "active"
    };
    let now = ok_json(
        event(&app, Some(&cast.regulator), CODE_A, penalty_id).await,
        200,
    )
    .await;
    assert_eq!(now["status"], expected_event_status);
}
