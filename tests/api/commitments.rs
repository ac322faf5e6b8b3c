//! Credit commitments (信用承诺): the enterprise makes them, a regulator finds them kept or
//! broken, and the finding becomes a positive or negative credit event.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    CODE_A, CODE_B, Cast, PASSWORD, TestApp, assert_problem, problem_fields, test_model,
};
use crate::on_both_backends;

on_both_backends!(
    an_enterprise_commits_and_a_regulator_finds_it_broken_or_kept,
    only_keepers_decide_and_only_the_enterprise_commits,
    a_finding_rescores_a_scored_enterprise,
    of_two_concurrent_findings_exactly_one_wins,
    the_keepers_queue_puts_the_ended_periods_first,
);

fn commitments_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/commitments")
}

fn commitment(period_end: &str) -> Value {
    json!({
        "text": "本企业承诺所售茶叶均经第三方检测合格，不合格产品无条件退换。",
        "scope": "product quality",
        "period_start": "2026-11-01",
        "period_end": period_end
    })
}

fn broken() -> Value {
    json!({
        "outcome": "broken",
        "explanation": "抽检两批次茶叶农残超标，未按承诺退换。",
        "severity": "major",
        "authority": "杭州市西湖区市场监督管理局",
        "document_number": "杭西市监诺〔2026〕4号"
    })
}

fn kept() -> Value {
    json!({
        "outcome": "kept",
        "explanation": "承诺期内抽检全部合格，无相关投诉。",
        "authority": "杭州市西湖区市场监督管理局"
    })
}

async fn ok_json(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(code, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn make(app: &TestApp, token: &str, code: &str, body: &Value) -> reqwest::Response {
    app.post(&commitments_path(code), Some(token), body).await
}

async fn decide(
    app: &TestApp,
    token: Option<&str>,
    code: &str,
    id: i64,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("{}/{id}/decision", commitments_path(code)),
        token,
        body,
    )
    .await
}

async fn events_of(app: &TestApp, token: Option<&str>, code: &str) -> Vec<Value> {
    let page = ok_json(
        app.get(&format!("/api/v1/enterprises/{code}/credit-events"), token)
            .await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn an_enterprise_commits_and_a_regulator_finds_it_broken_or_kept(app: TestApp) {
    let cast = app.cast().await;
    let response = make(&app, &cast.owner_a, CODE_A, &commitment("2026-12-31")).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let made: Value = response.json().await.unwrap();
    let id = made["id"].as_i64().unwrap();
    assert_eq!(location, format!("{}/{id}", commitments_path(CODE_A)));
    assert_eq!(made["status"], "pending");
    assert_eq!(made["scope"], "product quality");
    assert_eq!(made["created_by"], "owner-a");
    assert!(made.get("credit_event_id").is_none(), "{made}");

    // Bad input: every field named, nothing stored.
    let mut bad = commitment("2026-10-31");
    bad["text"] = json!(" ");
    bad["scope"] = json!("x".repeat(201));
    let invalid = assert_problem(make(&app, &cast.owner_a, CODE_A, &bad).await, 422).await;
    assert_eq!(problem_fields(&invalid), ["text", "scope", "period_end"]);
    let already_over = assert_problem(
        make(
            &app,
            &cast.owner_a,
            CODE_A,
            &json!({
                "text": "按时发货", "scope": "on-time delivery",
                "period_start": "2026-01-01", "period_end": "2026-11-21"
            }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&already_over), ["period_end"]);
    let listed = ok_json(
        app.get(&commitments_path(CODE_A), Some(&cast.owner_a))
            .await,
        200,
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], id);

    // Kept cannot be found before the period ends; broken can. Neither stored anything.
    let early = assert_problem(
        decide(&app, Some(&cast.regulator), CODE_A, id, &kept()).await,
        409,
    )
    .await;
    assert!(
        early["detail"].as_str().unwrap().contains("2026-12-31"),
        "{early}"
    );
    let mut incomplete = broken();
    incomplete["explanation"] = json!("");
    incomplete["authority"] = json!(" ");
    let refused = assert_problem(
        decide(&app, Some(&cast.regulator), CODE_A, id, &incomplete).await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&refused), ["explanation", "authority"]);
    let mut graded_kept = kept();
    graded_kept["severity"] = json!("serious");
    assert_eq!(
        problem_fields(
            &assert_problem(
                decide(&app, Some(&cast.regulator), CODE_A, id, &graded_kept).await,
                422
            )
            .await
        ),
        ["severity"]
    );
    assert!(
        events_of(&app, Some(&cast.regulator), CODE_A)
            .await
            .is_empty()
    );

    // Broken: the commitment is decided and a negative credit event recorded, public at once.
    let decided = ok_json(
        decide(&app, Some(&cast.regulator), CODE_A, id, &broken()).await,
        200,
    )
    .await;
    let found = &decided["commitment"];
    assert_eq!(found["status"], "broken");
    assert_eq!(found["decided_by"], "regulator");
    assert_eq!(found["explanation"], broken()["explanation"]);
    assert_eq!(found["version"], 2);
    let event = &decided["credit_event"];
    assert_eq!(found["credit_event_id"], event["id"]);
    assert_eq!(event["kind"], "broken_commitment");
    assert_eq!(event["polarity"], "negative");
    assert_eq!(event["severity"], "major");
    assert_eq!(event["decided_on"], "2026-11-22");
    assert_eq!(event["authority"], "杭州市西湖区市场监督管理局");
    assert_eq!(event["document_number"], "杭西市监诺〔2026〕4号");
    assert_eq!(event["description"], broken()["explanation"]);
    assert_eq!(event["title"], "违反信用承诺：product quality");
    let public = events_of(&app, None, CODE_A).await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["kind"], "broken_commitment");
    let read = ok_json(
        app.get(
            &format!("{}/{id}", commitments_path(CODE_A)),
            Some(&cast.owner_a),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read["status"], "broken");
    assert_eq!(read["credit_event_id"], event["id"]);

    // A decided commitment is not decided again.
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_A, id, &broken()).await,
        409,
    )
    .await;
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_A, id, &kept()).await,
        409,
    )
    .await;
    assert_eq!(
        events_of(&app, Some(&cast.regulator), CODE_A).await.len(),
        1
    );
    // Unknown commitments, and those of another enterprise: 404.
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_A, 9999, &broken()).await,
        404,
    )
    .await;
    assert_problem(
        decide(&app, Some(&cast.admin), CODE_B, id, &broken()).await,
        404,
    )
    .await;
    assert_problem(
        app.get(
            &format!("{}/{id}", commitments_path(CODE_B)),
            Some(&cast.admin),
        )
        .await,
        404,
    )
    .await;

    // A commitment whose period has ended can be found kept: a positive, minor event.
    let short = ok_json(
        make(&app, &cast.owner_a, CODE_A, &commitment("2026-11-30")).await,
        201,
    )
    .await;
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    let cast = Cast {
        admin: app.login("admin", PASSWORD).await,
        owner_a: app.login("owner-a", PASSWORD).await,
        regulator: app.login("regulator", PASSWORD).await,
        ..cast
    };
    let short_id = short["id"].as_i64().unwrap();
    let decided = ok_json(
        decide(&app, Some(&cast.admin), CODE_A, short_id, &kept()).await,
        200,
    )
    .await;
    assert_eq!(decided["commitment"]["status"], "kept");
    assert_eq!(decided["commitment"]["decided_by"], "admin");
    let event = &decided["credit_event"];
    assert_eq!(event["kind"], "commitment_kept");
    assert_eq!(event["polarity"], "positive");
    assert_eq!(event["severity"], "minor");
    assert_eq!(event["decided_on"], "2026-12-01");
    let listed = ok_json(
        app.get(&commitments_path(CODE_A), Some(&cast.regulator))
            .await,
        200,
    )
    .await;
    let statuses: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["kept", "broken"], "latest first");

    // The history keeps who made and who decided each commitment, and the events it recorded.
    let history = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/history?entity=commitment"),
            Some(&cast.owner_a),
        )
        .await,
        200,
    )
    .await;
    let steps: Vec<(String, String, String)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["entity_id"].as_str().unwrap().to_string(),
                h["action"].as_str().unwrap().to_string(),
                h["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (first, second) = (id.to_string(), short_id.to_string());
    assert_eq!(
        steps,
        [
            (first.clone(), "create".into(), "owner-a".into()),
            (first, "decide".into(), "regulator".into()),
            (second.clone(), "create".into(), "owner-a".into()),
            (second, "decide".into(), "admin".into()),
        ]
    );
    let decision = &history["items"][1];
    assert_eq!(decision["reason"], broken()["explanation"]);
    let status_change = decision["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "status")
        .unwrap();
    assert_eq!(
        (&status_change["before"], &status_change["after"]),
        (&json!("pending"), &json!("broken"))
    );
    let events = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/history?entity=credit_event"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(events["total"], 2);
}

async fn only_keepers_decide_and_only_the_enterprise_commits(app: TestApp) {
    let cast = app.cast().await;
    // Only the enterprise itself makes its commitments.
    for (token, status) in [
        (None, 401),
        (Some(cast.regulator.as_str()), 403),
        (Some(cast.admin.as_str()), 403),
        (Some(cast.bank.as_str()), 403),
        (Some(cast.owner_b.as_str()), 403),
    ] {
        let response = app
            .post(&commitments_path(CODE_A), token, &commitment("2026-12-31"))
            .await;
        assert_problem(response, status).await;
    }
    let id = ok_json(
        make(&app, &cast.owner_a, CODE_A, &commitment("2026-12-31")).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    // Keepers and the enterprise read them; nobody else.
    let one = format!("{}/{id}", commitments_path(CODE_A));
    for (token, status) in [
        (None, 401),
        (Some(cast.bank.as_str()), 403),
        (Some(cast.owner_b.as_str()), 403),
    ] {
        assert_problem(app.get(&one, token).await, status).await;
        assert_problem(app.get(&commitments_path(CODE_A), token).await, status).await;
    }
    for token in [&cast.owner_a, &cast.regulator, &cast.admin] {
        ok_json(app.get(&one, Some(token)).await, 200).await;
    }
    // The enterprise cannot decide its own commitment, nor can banks or the public.
    for (token, status) in [
        (None, 401),
        (Some(cast.owner_a.as_str()), 403),
        (Some(cast.owner_b.as_str()), 403),
        (Some(cast.bank.as_str()), 403),
    ] {
        assert_problem(decide(&app, token, CODE_A, id, &broken()).await, status).await;
    }
    let still = ok_json(app.get(&one, Some(&cast.owner_a)).await, 200).await;
    assert_eq!(still["status"], "pending");
    assert_eq!(still["version"], 1);
    assert!(
        events_of(&app, Some(&cast.regulator), CODE_A)
            .await
            .is_empty()
    );
}

async fn a_finding_rescores_a_scored_enterprise(app: TestApp) {
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
    let id = ok_json(
        make(&app, &cast.owner_a, CODE_A, &commitment("2026-12-31")).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    ok_json(
        decide(&app, Some(&cast.regulator), CODE_A, id, &broken()).await,
        200,
    )
    .await;
    let scores = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/scores"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(scores["total"], 2, "scored, then rescored by the finding");
    assert_eq!(scores["items"][0]["details"]["scored_by"], "regulator");
    // An enterprise never scored is not scored by a finding.
    let other = ok_json(
        make(&app, &cast.owner_b, CODE_B, &commitment("2026-12-31")).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut renumbered = broken();
    renumbered["document_number"] = json!("杭西市监诺〔2026〕6号");
    ok_json(
        decide(&app, Some(&cast.admin), CODE_B, other, &renumbered).await,
        200,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/enterprises/{CODE_B}/score"), None)
            .await,
        404,
    )
    .await;
}

async fn of_two_concurrent_findings_exactly_one_wins(app: TestApp) {
    let cast = app.cast().await;
    let id = ok_json(
        make(&app, &cast.owner_a, CODE_A, &commitment("2026-12-31")).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut other_number = broken();
    other_number["document_number"] = json!("杭西市监诺〔2026〕5号");
    let first_number = broken();
    let (first, second) = tokio::join!(
        decide(&app, Some(&cast.regulator), CODE_A, id, &first_number),
        decide(&app, Some(&cast.admin), CODE_A, id, &other_number),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(
        events_of(&app, Some(&cast.regulator), CODE_A).await.len(),
        1,
        "the losing decision recorded no event"
    );
}

async fn the_keepers_queue_puts_the_ended_periods_first(app: TestApp) {
    let cast = app.cast().await;
    // Made on 2026-11-22: A's ends next month, B's this month, so B's comes first.
    let later = ok_json(
        make(&app, &cast.owner_a, CODE_A, &commitment("2026-12-31")).await,
        201,
    )
    .await;
    let sooner = ok_json(
        make(&app, &cast.owner_b, CODE_B, &commitment("2026-11-30")).await,
        201,
    )
    .await;
    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let queue = ok_json(
        app.get("/api/v1/commitments?status=pending", Some(&cast.regulator))
            .await,
        200,
    )
    .await;
    assert_eq!(
        ids(&queue),
        [
            sooner["id"].as_i64().unwrap(),
            later["id"].as_i64().unwrap()
        ]
    );
    assert_eq!(queue["total"], 2);
    // Decided, it leaves the pending queue and stays in the whole one.
    let found = decide(
        &app,
        Some(&cast.regulator),
        CODE_B,
        sooner["id"].as_i64().unwrap(),
        &broken(),
    )
    .await;
    assert_eq!(found.status(), 200);
    let pending = ok_json(
        app.get("/api/v1/commitments?status=pending", Some(&cast.admin))
            .await,
        200,
    )
    .await;
    assert_eq!(ids(&pending), [later["id"].as_i64().unwrap()]);
    let all = ok_json(app.get("/api/v1/commitments", Some(&cast.admin)).await, 200).await;
    assert_eq!(all["total"], 2);
    // The queue is the keepers': not the enterprises', nor a bank's; a bad status is a 400.
    assert_problem(app.get("/api/v1/commitments", None).await, 401).await;
    for token in [&cast.owner_a, &cast.bank] {
        assert_problem(app.get("/api/v1/commitments", Some(token)).await, 403).await;
    }
    let bad = app
        .get("/api/v1/commitments?status=maybe", Some(&cast.regulator))
        .await;
    assert!(bad.status().is_client_error());
}
