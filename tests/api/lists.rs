//! The credit lists: direct additions, the rules' proposals and the regulator's decisions,
//! credit repair, expiry, the public listing and its history, and the blacklist override of the
//! grade.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    CODE_A, CODE_B, CODE_C, Cast, PASSWORD, TestApp, assert_problem, enterprise_body,
    problem_fields, test_model,
};
use crate::on_both_backends;

on_both_backends!(
    regulators_add_and_remove_entries_by_credit_repair,
    rules_propose_blacklist_entries_for_a_regulator_to_decide,
    of_two_concurrent_confirmations_exactly_one_wins,
    the_public_sees_current_entries_and_regulators_the_history,
    a_blacklisted_enterprise_is_graded_c,
    aaa_twice_proposes_a_redlist_entry,
);

fn listing(code: &str) -> Value {
    json!({
        "enterprise_code": code,
        "reason": "拒不履行生效判决",
        "legal_basis": "《浙江省公共信用信息管理条例》第二十四条",
        "authority": "杭州市市场监督管理局",
        "document_number": format!("杭市监信〔2026〕{}号", &code[..4]),
        "starts_on": "2026-11-01",
        "expires_on": "2029-10-31"
    })
}

fn confirmation() -> Value {
    json!({
        "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
        "authority": "杭州市市场监督管理局",
        "document_number": "杭市监信〔2026〕15号",
        "expires_on": "2029-11-21"
    })
}

fn repair() -> Value {
    json!({
        "decision": "企业已履行判决义务并作出信用承诺，准予信用修复",
        "document_number": "杭市监修〔2026〕3号",
        "decided_on": "2026-11-22"
    })
}

async fn ok_json(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(code, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn add(app: &TestApp, token: &str, list: &str, body: &Value) -> reqwest::Response {
    app.post(&format!("/api/v1/lists/{list}/entries"), Some(token), body)
        .await
}

async fn decide(
    app: &TestApp,
    token: Option<&str>,
    id: i64,
    decision: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/lists/entries/{id}/{decision}"),
        token,
        body,
    )
    .await
}

async fn record_event(app: &TestApp, cast: &Cast, code: &str, body: Value) -> Value {
    ok_json(
        app.post(
            &format!("/api/v1/enterprises/{code}/credit-events"),
            Some(&cast.regulator),
            &body,
        )
        .await,
        201,
    )
    .await
}

fn debtor_event(number: &str) -> Value {
    json!({
        "kind": "dishonest_judgment_debtor", "severity": "serious", "title": "列入失信被执行人名单",
        "authority": "杭州市西湖区人民法院", "document_number": number, "decided_on": "2026-05-01"
    })
}

fn serious_penalty(n: usize, decided_on: &str) -> Value {
    json!({
        "kind": "administrative_penalty", "severity": "serious", "title": format!("严重违法行政处罚{n}"),
        "authority": "深圳市市场监督管理局", "document_number": format!("深市监罚〔2026〕{n}号"),
        "decided_on": decided_on
    })
}

async fn proposals(app: &TestApp, token: &str) -> Vec<Value> {
    let page = ok_json(app.get("/api/v1/lists/proposals", Some(token)).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

async fn public_list(app: &TestApp, list: &str, query: &str) -> Value {
    ok_json(
        app.get(&format!("/api/v1/lists/{list}?{query}"), None)
            .await,
        200,
    )
    .await
}

fn codes_of(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["enterprise_code"].as_str().unwrap().to_string())
        .collect()
}

async fn regulators_add_and_remove_entries_by_credit_repair(app: TestApp) {
    let cast = app.cast().await;
    let added = add(&app, &cast.regulator, "blacklist", &listing(CODE_A)).await;
    assert_eq!(added.status(), 201);
    let location = added.headers()["location"].to_str().unwrap().to_string();
    let entry: Value = added.json().await.unwrap();
    let id = entry["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/lists/entries/{id}"));
    assert_eq!(entry["state"], "current");
    assert_eq!(entry["list"], "blacklist");
    assert_eq!(entry["enterprise_name"], "杭州西湖茶电子商务有限公司");
    assert_eq!(entry["starts_on"], "2026-11-01");
    assert_eq!(entry["decided_by"], "regulator");
    assert!(entry["proposed_rule"].is_null());

    // Once on a list, not twice; the other list is separate.
    let twice = add(&app, &cast.admin, "blacklist", &listing(CODE_A)).await;
    assert!(
        assert_problem(twice, 409).await["detail"]
            .as_str()
            .unwrap()
            .contains("blacklist")
    );
    assert_eq!(
        add(&app, &cast.admin, "redlist", &listing(CODE_B))
            .await
            .status(),
        201
    );
    // Unknown list or enterprise: 404; invalid fields: 422 naming each.
    assert_problem(
        add(&app, &cast.regulator, "greylist", &listing(CODE_B)).await,
        404,
    )
    .await;
    assert_problem(
        add(&app, &cast.regulator, "blacklist", &listing(CODE_C)).await,
        404,
    )
    .await;
    let mut bad = listing(CODE_B);
    bad["reason"] = json!(" ");
    bad["starts_on"] = json!("2026-12-01");
    bad["expires_on"] = json!("2026-11-30");
    let invalid = assert_problem(add(&app, &cast.regulator, "blacklist", &bad).await, 422).await;
    assert_eq!(
        problem_fields(&invalid),
        ["reason", "starts_on", "expires_on"]
    );

    // Everyone reads a confirmed entry, without the regulators' user names.
    let public = ok_json(
        app.get(&format!("/api/v1/lists/entries/{id}"), None).await,
        200,
    )
    .await;
    assert_eq!(public["reason"], "拒不履行生效判决");
    assert!(public.get("decided_by").is_none(), "{public}");

    // Credit repair: a decision dated before the entry began is refused; then it is removed.
    let mut early = repair();
    early["decided_on"] = json!("2026-10-31");
    let refused = assert_problem(
        decide(&app, Some(&cast.regulator), id, "remove", &early).await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&refused), ["decided_on"]);
    for (token, status) in [
        (None, 401),
        (Some(cast.bank.as_str()), 403),
        (Some(cast.owner_a.as_str()), 403),
    ] {
        assert_problem(decide(&app, token, id, "remove", &repair()).await, status).await;
    }
    let removed = ok_json(
        decide(&app, Some(&cast.regulator), id, "remove", &repair()).await,
        200,
    )
    .await;
    assert_eq!(removed["state"], "removed");
    assert_eq!(
        removed["removal"]["decision"],
        "企业已履行判决义务并作出信用承诺，准予信用修复"
    );
    assert_eq!(removed["removal"]["document_number"], "杭市监修〔2026〕3号");
    assert_eq!(removed["removed_by"], "regulator");
    // From any other state than current: 409.
    assert_problem(
        decide(&app, Some(&cast.admin), id, "remove", &repair()).await,
        409,
    )
    .await;
    assert_problem(
        decide(&app, Some(&cast.admin), id, "confirm", &confirmation()).await,
        409,
    )
    .await;
    assert_problem(
        decide(
            &app,
            Some(&cast.admin),
            id,
            "reject",
            &json!({"reason": "x"}),
        )
        .await,
        409,
    )
    .await;
    assert_problem(
        decide(&app, Some(&cast.admin), 9999, "remove", &repair()).await,
        404,
    )
    .await;
    // Still readable, and the enterprise can be listed again.
    let after = ok_json(
        app.get(&format!("/api/v1/lists/entries/{id}"), None).await,
        200,
    )
    .await;
    assert_eq!(after["state"], "removed");
    assert_eq!(
        add(&app, &cast.regulator, "blacklist", &listing(CODE_A))
            .await
            .status(),
        201
    );

    // Every step is in the enterprise's change history.
    let history = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/history?per_page=100"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let actions: Vec<(String, String)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["entity"] == "list_entry")
        .map(|h| {
            (
                h["entity_id"].as_str().unwrap().to_string(),
                h["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions[..2],
        [
            (id.to_string(), "create".to_string()),
            (id.to_string(), "remove".to_string())
        ]
    );
    assert_eq!(actions.len(), 3);
}

async fn rules_propose_blacklist_entries_for_a_regulator_to_decide(app: TestApp) {
    let cast = app.cast().await;
    assert!(proposals(&app, &cast.regulator).await.is_empty());
    record_event(&app, &cast, CODE_A, debtor_event("(2026)浙0106执123号")).await;
    let pending = proposals(&app, &cast.regulator).await;
    assert_eq!(pending.len(), 1, "{pending:?}");
    let proposal = &pending[0];
    assert_eq!(proposal["enterprise_code"], CODE_A);
    assert_eq!(proposal["list"], "blacklist");
    assert_eq!(proposal["state"], "proposed");
    assert_eq!(proposal["proposed_by"], "rule:dishonest_judgment_debtor");
    assert_eq!(proposal["proposed_rule"], "dishonest_judgment_debtor");
    assert!(proposal["legal_basis"].is_null());
    let id = proposal["id"].as_i64().unwrap();

    // A second event while the proposal is pending proposes nothing more.
    let mut second = debtor_event("(2026)浙0106执124号");
    second["decided_on"] = json!("2026-06-01");
    record_event(&app, &cast, CODE_A, second).await;
    assert_eq!(proposals(&app, &cast.admin).await.len(), 1);

    // A proposal is not public: 404 to the public and banks, visible to the enterprise itself.
    let path = format!("/api/v1/lists/entries/{id}");
    for token in [None, Some(cast.bank.as_str()), Some(cast.owner_a.as_str())] {
        assert_problem(app.get(&path, token).await, 404).await;
    }
    let own = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/lists"),
            Some(&cast.owner_a),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(own.as_array().unwrap().len(), 1);
    assert!(own[0].get("proposed_by").is_none(), "{own}");
    for token in [None, Some(cast.owner_b.as_str()), Some(cast.bank.as_str())] {
        let seen = ok_json(
            app.get(&format!("/api/v1/enterprises/{CODE_A}/lists"), token)
                .await,
            200,
        )
        .await;
        assert_eq!(seen, json!([]));
    }
    assert!(codes_of(&public_list(&app, "blacklist", "").await).is_empty());

    // The regulator completes and confirms it: on the list, public.
    let mut incomplete = confirmation();
    incomplete["authority"] = json!("");
    let refused = assert_problem(
        decide(&app, Some(&cast.regulator), id, "confirm", &incomplete).await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&refused), ["authority"]);
    assert_problem(
        decide(&app, Some(&cast.owner_a), id, "confirm", &confirmation()).await,
        403,
    )
    .await;
    let confirmed = ok_json(
        decide(&app, Some(&cast.regulator), id, "confirm", &confirmation()).await,
        200,
    )
    .await;
    assert_eq!(confirmed["state"], "current");
    assert_eq!(
        confirmed["starts_on"], "2026-11-22",
        "from the day of confirmation"
    );
    assert_eq!(confirmed["legal_basis"], confirmation()["legal_basis"]);
    assert_eq!(confirmed["decided_by"], "regulator");
    assert_eq!(confirmed["proposed_by"], "rule:dishonest_judgment_debtor");
    assert_problem(
        decide(&app, Some(&cast.admin), id, "confirm", &confirmation()).await,
        409,
    )
    .await;
    assert_problem(
        decide(
            &app,
            Some(&cast.admin),
            id,
            "reject",
            &json!({"reason": "x"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        codes_of(&public_list(&app, "blacklist", "").await),
        [CODE_A]
    );
    assert!(proposals(&app, &cast.regulator).await.is_empty());

    // Three serious negative events within 12 months propose CODE_B.
    record_event(&app, &cast, CODE_B, serious_penalty(1, "2025-11-01")).await;
    record_event(&app, &cast, CODE_B, serious_penalty(2, "2026-03-01")).await;
    record_event(&app, &cast, CODE_B, serious_penalty(3, "2026-10-01")).await;
    assert!(
        proposals(&app, &cast.regulator).await.is_empty(),
        "the first is more than 12 months old"
    );
    record_event(&app, &cast, CODE_B, serious_penalty(4, "2026-11-20")).await;
    let pending = proposals(&app, &cast.regulator).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["enterprise_code"], CODE_B);
    assert_eq!(pending[0]["proposed_by"], "rule:three_serious_in_12_months");
    let b = pending[0]["id"].as_i64().unwrap();

    // Rejected with a reason; not proposed again on the same facts.
    let refused = assert_problem(
        decide(
            &app,
            Some(&cast.admin),
            b,
            "reject",
            &json!({"reason": " "}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&refused), ["reason"]);
    let rejected = ok_json(
        decide(
            &app,
            Some(&cast.admin),
            b,
            "reject",
            &json!({"reason": "处罚已被复议撤销"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(rejected["rejection_reason"], "处罚已被复议撤销");
    assert_problem(
        decide(
            &app,
            Some(&cast.admin),
            b,
            "reject",
            &json!({"reason": "again"}),
        )
        .await,
        409,
    )
    .await;
    assert_problem(
        decide(&app, Some(&cast.admin), b, "remove", &repair()).await,
        409,
    )
    .await;
    record_event(&app, &cast, CODE_B, serious_penalty(5, "2026-11-15")).await;
    assert!(proposals(&app, &cast.regulator).await.is_empty());
    // A correction runs the rule too: a newer decision date is a new fact.
    let events = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_B}/credit-events"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let fifth = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "严重违法行政处罚5")
        .unwrap()
        .clone();
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap());
    // Tokens do not outlive the clock's move.
    let cast = Cast {
        regulator: app.login("regulator", PASSWORD).await,
        admin: app.login("admin", PASSWORD).await,
        ..cast
    };
    let corrected = app
        .patch(
            &format!("/api/v1/enterprises/{CODE_B}/credit-events/{}", fifth["id"]),
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"decided_on": "2026-11-24", "reason": "date corrected"}),
        )
        .await;
    assert_eq!(corrected.status(), 200);
    let pending = proposals(&app, &cast.regulator).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["enterprise_code"], CODE_B);
    // Rejected proposals are seen by regulators only.
    assert_problem(
        app.get(&format!("/api/v1/lists/entries/{b}"), None).await,
        404,
    )
    .await;
    let seen = ok_json(
        app.get(&format!("/api/v1/lists/entries/{b}"), Some(&cast.admin))
            .await,
        200,
    )
    .await;
    assert_eq!(seen["state"], "rejected");
}

async fn of_two_concurrent_confirmations_exactly_one_wins(app: TestApp) {
    let cast = app.cast().await;
    record_event(&app, &cast, CODE_A, debtor_event("(2026)浙0106执200号")).await;
    let id = proposals(&app, &cast.regulator).await[0]["id"]
        .as_i64()
        .unwrap();
    let body = confirmation();
    let (first, second) = tokio::join!(
        decide(&app, Some(&cast.regulator), id, "confirm", &body),
        decide(&app, Some(&cast.admin), id, "confirm", &body),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    // Confirm against reject: one of them.
    record_event(&app, &cast, CODE_B, debtor_event("(2026)浙0106执201号")).await;
    let id = proposals(&app, &cast.regulator).await[0]["id"]
        .as_i64()
        .unwrap();
    let no = json!({"reason": "no"});
    let (first, second) = tokio::join!(
        decide(&app, Some(&cast.regulator), id, "confirm", &body),
        decide(&app, Some(&cast.admin), id, "reject", &no),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let history = ok_json(
        app.get(
            "/api/v1/lists/blacklist?history=true",
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(history["total"], 1 + i64::from(first.status() == 200));
}

async fn the_public_sees_current_entries_and_regulators_the_history(app: TestApp) {
    let cast = app.cast().await;
    let third = enterprise_body(CODE_C, "Shenzhen ABC Trading 有限公司", "440305");
    ok_json(
        app.post("/api/v1/enterprises", Some(&cast.regulator), &third)
            .await,
        201,
    )
    .await;
    let mut short = listing(CODE_A);
    short["expires_on"] = json!("2026-12-31");
    let a = ok_json(add(&app, &cast.regulator, "blacklist", &short).await, 201).await;
    ok_json(
        add(&app, &cast.regulator, "blacklist", &listing(CODE_B)).await,
        201,
    )
    .await;
    let c = ok_json(
        add(&app, &cast.regulator, "blacklist", &listing(CODE_C)).await,
        201,
    )
    .await;
    ok_json(
        decide(
            &app,
            Some(&cast.regulator),
            c["id"].as_i64().unwrap(),
            "remove",
            &repair(),
        )
        .await,
        200,
    )
    .await;

    let all = public_list(&app, "blacklist", "").await;
    assert_eq!(all["total"], 2);
    let mut codes = codes_of(&all);
    codes.sort();
    assert_eq!(codes, [CODE_A, CODE_B]);
    assert!(all["items"][0].get("decided_by").is_none());
    assert_eq!(
        codes_of(&public_list(&app, "redlist", "").await),
        Vec::<String>::new()
    );
    // Search: part of the name, or the start of the code.
    assert_eq!(
        codes_of(&public_list(&app, "blacklist", "q=西湖").await),
        [CODE_A]
    );
    assert_eq!(
        codes_of(&public_list(&app, "blacklist", "q=914403").await),
        [CODE_B]
    );
    assert_eq!(
        codes_of(&public_list(&app, "blacklist", "q=%25").await),
        Vec::<String>::new()
    );
    // Case-insensitive name search finds the removed C in the history only.
    assert_eq!(
        codes_of(&public_list(&app, "blacklist", "q=abc%20trading").await),
        Vec::<String>::new()
    );
    let paged = public_list(&app, "blacklist", "per_page=1&page=2").await;
    assert_eq!(
        (
            paged["total"].as_i64(),
            paged["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    assert_problem(
        app.get("/api/v1/lists/blacklist?per_page=0", None).await,
        422,
    )
    .await;

    // History: regulators and admins only.
    assert_problem(
        app.get("/api/v1/lists/blacklist?history=true", None).await,
        401,
    )
    .await;
    for token in [&cast.bank, &cast.owner_a] {
        assert_problem(
            app.get("/api/v1/lists/blacklist?history=true", Some(token))
                .await,
            403,
        )
        .await;
    }
    let history = ok_json(
        app.get(
            "/api/v1/lists/blacklist?history=true&q=ABC%20trading",
            Some(&cast.admin),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(codes_of(&history), [CODE_C]);
    assert_eq!(history["items"][0]["state"], "removed");
    assert_eq!(
        history["items"][0]["removal"]["document_number"],
        "杭市监修〔2026〕3号"
    );

    // After its last day, A's entry has expired: off the public list, "expired" in the history.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap());
    assert_eq!(public_list(&app, "blacklist", "").await["total"], 2);
    app.clock
        .set(Utc.with_ymd_and_hms(2027, 1, 1, 0, 30, 0).unwrap());
    let cast = Cast {
        regulator: app.login("regulator", PASSWORD).await,
        ..cast
    };
    assert_eq!(
        codes_of(&public_list(&app, "blacklist", "").await),
        [CODE_B]
    );
    let history = ok_json(
        app.get(
            "/api/v1/lists/blacklist?history=true",
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    let states: Vec<(String, String)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["enterprise_code"].as_str().unwrap().to_string(),
                e["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(states.len(), 3);
    for expected in [
        (CODE_A, "expired"),
        (CODE_B, "current"),
        (CODE_C, "removed"),
    ] {
        assert!(
            states.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{states:?}"
        );
    }
    let expired = a["id"].as_i64().unwrap();
    assert_problem(
        decide(&app, Some(&cast.regulator), expired, "remove", &repair()).await,
        409,
    )
    .await;
    // An expired entry no longer blocks a new one.
    let mut again = listing(CODE_A);
    again["starts_on"] = json!("2027-01-01");
    ok_json(add(&app, &cast.regulator, "blacklist", &again).await, 201).await;

    // The change feed for the watch list: listed, removed and expired, with their times.
    let db = app.db.clone();
    let changes = tokio::task::spawn_blocking(move || {
        db.read(|conn| {
            ecredit::db::lists::changes_since(
                conn,
                &[CODE_A.to_string(), CODE_C.to_string()],
                chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
                chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            )
        })
    })
    .await
    .unwrap()
    .unwrap();
    let kinds: Vec<(String, &str)> = changes
        .iter()
        .map(|c| (c.enterprise_code.clone(), c.change.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (CODE_A.to_string(), "listed"),
            (CODE_C.to_string(), "listed"),
            (CODE_C.to_string(), "removed"),
            (CODE_A.to_string(), "expired"),
            (CODE_A.to_string(), "listed"),
        ]
    );
    assert_eq!(changes[3].at.to_string(), "2027-01-01 00:00:00");
}

async fn a_blacklisted_enterprise_is_graded_c(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let score_path = format!("/api/v1/enterprises/{CODE_A}/score");
    let scored = ok_json(
        app.request(Method::POST, &score_path, Some(&cast.regulator))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_ne!(scored["grade"], "C", "the model alone grades it better");

    ok_json(
        add(&app, &cast.regulator, "blacklist", &listing(CODE_A)).await,
        201,
    )
    .await;
    let now = ok_json(app.get(&score_path, Some(&cast.regulator)).await, 200).await;
    assert_eq!(now["grade"], "C");
    assert_eq!(now["details"]["adjustments"], json!(["blacklisted"]));
    assert_eq!(
        now["details"]["model_grade"],
        scored["details"]["model_grade"]
    );
    assert_eq!(
        ok_json(app.get(&score_path, None).await, 200).await["grade"],
        "C",
        "the public sees it too"
    );
    // A later rescore keeps the override.
    let again = ok_json(
        app.request(Method::POST, &score_path, Some(&cast.admin))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(again["grade"], "C");

    // Removed by credit repair: rescored without the override (the upgrade rule applies).
    let id = ok_json(
        app.get(&format!("/api/v1/enterprises/{CODE_A}/lists"), None)
            .await,
        200,
    )
    .await[0]["id"]
        .as_i64()
        .unwrap();
    ok_json(
        decide(&app, Some(&cast.regulator), id, "remove", &repair()).await,
        200,
    )
    .await;
    let after = ok_json(app.get(&score_path, Some(&cast.regulator)).await, 200).await;
    let adjustments = after["details"]["adjustments"].as_array().unwrap();
    assert!(!adjustments.contains(&json!("blacklisted")), "{after}");
    assert_eq!(
        after["details"]["evaluated_grade"],
        scored["details"]["model_grade"]
    );
    let history = ok_json(
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/scores"),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(history["total"], 4, "scored, listed, rescored, removed");

    // An enterprise never scored is not scored by a listing.
    ok_json(
        add(&app, &cast.regulator, "blacklist", &listing(CODE_B)).await,
        201,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/enterprises/{CODE_B}/score"), None)
            .await,
        404,
    )
    .await;
}

async fn aaa_twice_proposes_a_redlist_entry(app: TestApp) {
    let cast = app.cast().await;
    // A model whose master scale grades every PD up to 0.9 AAA.
    let mut generous = test_model(1);
    generous.version = "test-model-generous".into();
    generous.master_scale.upper_pd = [0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97];
    app.install_model(&generous, true).await;
    // B has a negative event in force: never proposed for the redlist.
    let mut minor = serious_penalty(1, "2026-10-01");
    minor["severity"] = json!("minor");
    record_event(&app, &cast, CODE_B, minor).await;

    let score = |code: &'static str| {
        let app = &app;
        let token = cast.regulator.clone();
        async move {
            ok_json(
                app.request(
                    Method::POST,
                    &format!("/api/v1/enterprises/{code}/score"),
                    Some(&token),
                )
                .send()
                .await
                .unwrap(),
                201,
            )
            .await
        }
    };
    assert_eq!(score(CODE_A).await["grade"], "AAA");
    assert_eq!(score(CODE_B).await["grade"], "AAA");
    assert!(
        proposals(&app, &cast.regulator).await.is_empty(),
        "AAA once"
    );
    score(CODE_A).await;
    let pending = proposals(&app, &cast.regulator).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["enterprise_code"], CODE_A);
    assert_eq!(pending[0]["list"], "redlist");
    assert_eq!(pending[0]["proposed_by"], "rule:aaa_twice");

    // Bulk rescoring runs the rule too: C is scored twice in bulk; A has a proposal pending
    // already and B a negative event.
    let third = enterprise_body(CODE_C, "深圳南山第三电子商务有限公司", "440305");
    ok_json(
        app.post("/api/v1/enterprises", Some(&cast.regulator), &third)
            .await,
        201,
    )
    .await;
    let db = app.db.clone();
    let model = ecredit::engine::LoadedModel {
        version: generous.version.clone(),
        artifact: generous.clone(),
    };
    let at = Utc
        .with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
        .unwrap()
        .naive_utc();
    let as_of = at.date();
    tokio::task::spawn_blocking(move || {
        for _ in 0..2 {
            ecredit::engine::rescore_all(&db, &model, as_of, "cli", at, |_| {}).unwrap();
        }
    })
    .await
    .unwrap();
    let pending = proposals(&app, &cast.regulator).await;
    let mut proposed: Vec<(String, String)> = pending
        .iter()
        .map(|p| {
            (
                p["enterprise_code"].as_str().unwrap().to_string(),
                p["proposed_by"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    proposed.sort();
    assert_eq!(
        proposed,
        [
            (CODE_A.to_string(), "rule:aaa_twice".to_string()),
            (CODE_C.to_string(), "rule:aaa_twice".to_string()),
        ]
    );
    // Confirmed, it is on the public redlist.
    let id = pending
        .iter()
        .find(|p| p["enterprise_code"] == CODE_C)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    ok_json(
        decide(&app, Some(&cast.admin), id, "confirm", &confirmation()).await,
        200,
    )
    .await;
    assert_eq!(codes_of(&public_list(&app, "redlist", "").await), [CODE_C]);
}
