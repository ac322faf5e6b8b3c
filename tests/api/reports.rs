//! Credit reports: who may have which kind, what they say, the query log, and verification.

use chrono::Duration;
use ecredit::domain::Role;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::authorizations::{bank_id, grant, revoke};
use crate::helpers::{CODE_A, CODE_B, Cast, TestApp, assert_problem, test_model};
use crate::on_both_backends;

on_both_backends!(
    reports_follow_the_rules_of_access_and_every_pull_is_logged,
    a_full_report_says_what_the_registry_holds,
    saved_reports_verify_and_tampering_is_caught,
    a_blacklisted_enterprise_is_reported_at_c_with_the_reason,
    anonymous_reports_are_limited_per_address,
    figures_out_of_range_are_refused_everywhere_and_never_break_a_report,
);

fn reports_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/reports")
}

async fn create(app: &TestApp, token: Option<&str>, code: &str, body: Option<Value>) -> Response {
    let builder = app.request(Method::POST, &reports_path(code), token);
    match body {
        Some(body) => builder.json(&body),
        None => builder,
    }
    .send()
    .await
    .unwrap()
}

/// Creates a report and returns its exact bytes and parsed form.
async fn created(
    app: &TestApp,
    token: Option<&str>,
    code: &str,
    body: Option<Value>,
) -> (String, Value) {
    let response = create(app, token, code, body).await;
    assert_eq!(response.status(), 201, "report by {token:?}");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let text = response.text().await.unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        location,
        format!(
            "/api/v1/reports/{}",
            value["report"]["report_no"].as_str().unwrap()
        )
    );
    (text, value)
}

fn report_path(report: &Value) -> String {
    format!(
        "/api/v1/reports/{}",
        report["report"]["report_no"].as_str().unwrap()
    )
}

/// A registry with a scored enterprise A, some records, and the bank's organisation id.
async fn registry(app: &TestApp) -> (Cast, i64) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let events = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    for body in [
        // Ended in mid-2021: more than five years before the test clock's 2026-11-22.
        json!({"kind": "administrative_penalty", "severity": "major", "title": "旧处罚",
               "authority": "杭州市市场监督管理局", "decided_on": "2019-03-01", "publicity_until": "2021-06-30"}),
        json!({"kind": "quality_check_failed", "severity": "minor", "title": "抽检不合格",
               "authority": "杭州市市场监督管理局", "decided_on": "2026-04-01", "publicity_until": "2027-04-01"}),
    ] {
        assert_eq!(
            app.post(&events, Some(&cast.regulator), &body)
                .await
                .status(),
            201
        );
    }
    for (period, sales) in [
        ("2026-06", 900000.0),
        ("2026-07", 1000000.0),
        ("2026-08", 1100000.0),
        ("2026-09", 1200000.0),
        ("2026-10", 1250000.0),
    ] {
        let body = json!({"period": period, "online_sales": sales, "orders": 18000, "refund_rate": 0.03, "source": "platform"});
        let response = app
            .post(
                &format!("/api/v1/enterprises/{CODE_A}/operating-records"),
                Some(&cast.regulator),
                &body,
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let sentiment = json!({"source_kind": "complaint", "source_name": "黑猫投诉", "title": "网店售卖假货",
        "published_at": "2026-10-12T08:30:00", "polarity": -0.6});
    assert_eq!(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/sentiment"),
            Some(&cast.regulator),
            &sentiment
        )
        .await
        .status(),
        201
    );
    for code in [CODE_B, CODE_A] {
        let scored = app
            .request(
                Method::POST,
                &format!("/api/v1/enterprises/{code}/score"),
                Some(&cast.regulator),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(scored.status(), 201);
    }
    let bank = bank_id(app, &cast.owner_a, "Test Bank").await;
    (cast, bank)
}

async fn reports_follow_the_rules_of_access_and_every_pull_is_logged(app: TestApp) {
    let (cast, bank) = registry(&app).await;
    let other_bank = app
        .token_in("bank-2", Role::Bank, None, Some("Other Bank"))
        .await;

    // The public report: anyone, with or without a body (`null` is no body, as the spec says).
    let (_, public) = created(&app, None, CODE_A, None).await;
    assert_eq!(public["report"]["kind"], "public");
    let (_, with_null) = created(&app, None, CODE_A, Some(Value::Null)).await;
    assert_eq!(with_null["report"]["kind"], "public");
    assert_eq!(
        public["report"]["requested_for"]["purpose"],
        "public_inquiry"
    );
    let (_, _) = created(
        &app,
        Some(&cast.bank),
        CODE_A,
        Some(json!({"kind": "public"})),
    )
    .await;
    let (_, _) = created(
        &app,
        Some(&cast.owner_b),
        CODE_A,
        Some(json!({"kind": "public"})),
    )
    .await;

    // Full reports: not for the public, other enterprises, or banks without a live grant.
    assert_problem(
        create(&app, None, CODE_A, Some(json!({"kind": "full"}))).await,
        401,
    )
    .await;
    for token in [&cast.owner_b, &cast.bank, &other_bank] {
        assert_problem(create(&app, Some(token), CODE_A, None).await, 403).await;
    }
    assert_problem(
        create(&app, Some(&cast.regulator), "91330100799655058X", None).await,
        404,
    )
    .await;
    let bad = create(
        &app,
        Some(&cast.regulator),
        CODE_A,
        Some(json!({"kind": "secret"})),
    )
    .await;
    assert_problem(bad, 422).await;

    let (_, by_owner) = created(&app, Some(&cast.owner_a), CODE_A, None).await;
    assert_eq!(by_owner["report"]["kind"], "full");
    assert_eq!(
        by_owner["report"]["requested_for"]["purpose"],
        "self_review"
    );
    let (_, by_regulator) = created(&app, Some(&cast.regulator), CODE_A, None).await;
    assert_eq!(
        by_regulator["report"]["requested_for"]["organisation"],
        "Test Market Supervision Bureau"
    );

    // With a live grant the bank has the full report, made for the grant's purpose.
    let grant_id = grant(&app, &cast.owner_a, CODE_A, bank, 30).await;
    let (bytes, by_bank) = created(&app, Some(&cast.bank), CODE_A, None).await;
    assert_eq!(by_bank["report"]["kind"], "full");
    assert_eq!(
        by_bank["report"]["requested_for"],
        json!({"role": "bank", "organisation": "Test Bank", "purpose": "loan_application"})
    );
    assert_problem(create(&app, Some(&other_bank), CODE_A, None).await, 403).await;

    // Reading back: byte for byte, for those who may.
    let path = report_path(&by_bank);
    for token in [&cast.bank, &cast.owner_a, &cast.regulator, &cast.admin] {
        let read = app.get(&path, Some(token)).await;
        assert_eq!(read.status(), 200);
        assert_eq!(
            read.text().await.unwrap(),
            bytes,
            "the stored report is served as signed"
        );
    }
    assert_problem(app.get(&path, None).await, 401).await;
    for token in [&cast.owner_b, &other_bank] {
        assert_problem(app.get(&path, Some(token)).await, 403).await;
    }
    // The public report reads for anyone.
    assert_eq!(app.get(&report_path(&public), None).await.status(), 200);
    assert_problem(
        app.get("/api/v1/reports/ECR-20261122-0000000000", None)
            .await,
        404,
    )
    .await;

    // Revoked: no more reads or new full reports, at once.
    assert_eq!(
        revoke(&app, Some(&cast.owner_a), CODE_A, grant_id)
            .await
            .status(),
        200
    );
    assert_problem(app.get(&path, Some(&cast.bank)).await, 403).await;
    assert_problem(create(&app, Some(&cast.bank), CODE_A, None).await, 403).await;
    // Expired: the same, from the day after the last.
    grant(&app, &cast.owner_a, CODE_A, bank, 0).await;
    let (_, last_day) = created(&app, Some(&cast.bank), CODE_A, None).await;
    app.clock.advance(Duration::days(1));
    let bank_token = app.login("bank", crate::helpers::PASSWORD).await;
    let owner_a = app.login("owner-a", crate::helpers::PASSWORD).await;
    let regulator = app.login("regulator", crate::helpers::PASSWORD).await;
    assert_problem(
        app.get(&report_path(&last_day), Some(&bank_token)).await,
        403,
    )
    .await;
    assert_problem(create(&app, Some(&bank_token), CODE_A, None).await, 403).await;

    // The query log: who created and read A's reports, latest first.
    let log_path = format!("/api/v1/enterprises/{CODE_A}/query-log?per_page=100");
    assert_problem(app.get(&log_path, None).await, 401).await;
    let owner_b = app.login("owner-b", crate::helpers::PASSWORD).await;
    for token in [&bank_token, &owner_b] {
        assert_problem(app.get(&log_path, Some(token)).await, 403).await;
    }
    assert_eq!(app.get(&log_path, Some(&regulator)).await.status(), 200);
    let log: Value = app
        .get(&log_path, Some(&owner_a))
        .await
        .json()
        .await
        .unwrap();
    let entries = log["items"].as_array().unwrap();
    // 4 public + owner + regulator + bank + bank (last day) created; 4 reads of the bank's
    // report and 1 of the public one.
    assert_eq!(log["total"], 13, "{log}");
    let bank_entries: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e["actor_role"] == "bank" && e["purpose"] == "loan_application")
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["organisation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bank_entries,
        vec![
            ("create", "Test Bank"),
            ("read", "Test Bank"),
            ("create", "Test Bank")
        ]
    );
    let anonymous = entries.iter().filter(|e| e["actor"] == "anonymous").count();
    assert_eq!(anonymous, 3, "the anonymous creations and read are logged");
    assert!(
        entries
            .iter()
            .all(|e| e["report_no"].as_str().unwrap().starts_with("ECR-"))
    );
    // B's log holds none of A's pulls.
    let b_log: Value = app
        .get(
            &format!("/api/v1/enterprises/{CODE_B}/query-log"),
            Some(&owner_b),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(b_log["total"], 0);
}

async fn a_full_report_says_what_the_registry_holds(app: TestApp) {
    let (cast, _) = registry(&app).await;
    let (_, full) = created(&app, Some(&cast.regulator), CODE_A, None).await;
    let report = &full["report"];
    assert_eq!(report["format"], "ecredit-report/1");
    assert_eq!(report["model_version"], "test-model-1");
    assert_eq!(
        report["enterprise"]["legal_rep_id_number"], "110105********002X",
        "masked even for regulators"
    );
    assert_eq!(report["enterprise"]["legal_rep_phone"], "138****5678");
    let rating = &report["rating"];
    assert!(
        rating["score"].is_number() && rating["percentile"].is_number() && rating["pd"].is_number()
    );
    let score: Value = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    let (in_report, in_registry) = (
        rating["percentile"].as_f64().unwrap(),
        score["details"]["percentile"].as_f64().unwrap(),
    );
    assert!(
        (in_report - in_registry).abs() < 1e-4,
        "the report's percentile is the registry's: {in_report} vs {in_registry}"
    );
    assert_eq!(rating["grade"], score["grade"]);
    let dimensions = rating["dimensions"].as_array().unwrap();
    assert!(!dimensions.is_empty());
    for d in dimensions {
        let (p, lo, hi) = (
            d["points"].as_f64().unwrap(),
            d["min_points"].as_f64().unwrap(),
            d["max_points"].as_f64().unwrap(),
        );
        assert!(lo - 0.01 <= p && p <= hi + 0.01, "{d}");
    }
    let titles: Vec<&str> = report["credit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["抽检不合格"],
        "the penalty that ended in 2021 is left out"
    );
    let periods: Vec<&str> = report["operating_summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, vec!["2026-10", "2026-09", "2026-08", "2026-07"]);
    assert_eq!(report["sentiment_summary"]["items"], 1);
    assert_eq!(report["sentiment_summary"]["negative"], 1);
    assert_eq!(report["grade_history"].as_array().unwrap().len(), 1);
    assert_eq!(report["grade_history"][0]["grade"], rating["grade"]);
    assert!(
        report["notes"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_str()
            .unwrap()
            .starts_with("For reference only")
    );
    let issued: chrono::DateTime<chrono::Utc> =
        report["issued_at"].as_str().unwrap().parse().unwrap();
    let valid: chrono::DateTime<chrono::Utc> =
        report["valid_until"].as_str().unwrap().parse().unwrap();
    assert_eq!(valid - issued, Duration::days(30));

    // The public report of the same enterprise: grade and public facts only.
    let (_, public) = created(&app, None, CODE_A, None).await;
    let report = &public["report"];
    assert_eq!(report["rating"]["grade"], rating["grade"]);
    assert!(report["rating"]["score"].is_null() && report["rating"]["dimensions"] == json!([]));
    assert!(report["enterprise"]["legal_rep_id_number"].is_null());
    assert_eq!(report["operating_summary"], json!([]));
    assert!(report["sentiment_summary"].is_null());

    // The printable page: HTML with inline charts, no scripts, locked down.
    let page = app
        .request(Method::GET, &report_path(&full), Some(&cast.regulator))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains(full["report"]["report_no"].as_str().unwrap()));
    assert!(
        html.matches("<svg").count() >= 2,
        "a radar and a trend chart"
    );
    assert!(!html.contains("<script"));
}

async fn saved_reports_verify_and_tampering_is_caught(app: TestApp) {
    let (cast, _) = registry(&app).await;
    let keys: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    let active: Vec<&Value> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["active"] == true)
        .collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["algorithm"], "Ed25519");

    let (bytes, report) = created(&app, Some(&cast.regulator), CODE_A, None).await;
    assert_eq!(report["signature"]["key_id"], active[0]["key_id"]);
    let verify = |body: Vec<u8>| {
        let app = &app;
        async move {
            let response = app
                .request(Method::POST, "/api/v1/reports/verify", None)
                .header(CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let verdict = verify(bytes.clone().into_bytes()).await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["report_no"], report["report"]["report_no"]);

    // Any change fails: a better grade, a digit of the score, a space.
    let grade = report["report"]["rating"]["grade"].as_str().unwrap();
    let better = bytes.replacen(&format!("\"grade\":\"{grade}\""), "\"grade\":\"AAA\"", 1);
    let score = report["report"]["rating"]["score"].to_string();
    let nudged = bytes.replacen(
        &format!("\"score\":{score}"),
        &format!(
            "\"score\":{}",
            report["report"]["rating"]["score"].as_f64().unwrap() + 1.0
        ),
        1,
    );
    let mut fewer = report.clone();
    fewer["report"]
        .as_object_mut()
        .unwrap()
        .remove("model_version");
    let mut more = report.clone();
    more["report"]["enterprise"]["rating_agency"] = json!("us");
    for tampered in [better, nudged, fewer.to_string(), more.to_string()] {
        assert_ne!(tampered, bytes);
        let verdict = verify(tampered.into_bytes()).await;
        assert_eq!(verdict["valid"], false, "{verdict}");
        assert!(verdict["problem"].is_string());
    }
    // Any serialisation of the same content verifies: as a typed client writes it back, with
    // other spacing and member order, and the timestamps with an offset and microseconds.
    let mut rewritten = report.clone();
    for field in ["issued_at", "valid_until"] {
        let at: chrono::DateTime<chrono::Utc> = rewritten["report"][field]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        rewritten["report"][field] = json!(at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string());
    }
    let spaced = bytes.replacen(':', ": ", 1);
    for same in [serde_json::to_string_pretty(&rewritten).unwrap(), spaced] {
        assert_ne!(same, bytes);
        let verdict = verify(same.into_bytes()).await;
        assert_eq!(verdict["valid"], true, "{verdict}");
    }
    let garbage = verify(b"{\"not\": \"a report\"}".to_vec()).await;
    assert_eq!(garbage["valid"], false);
    let wrong_type = app
        .request(Method::POST, "/api/v1/reports/verify", None)
        .header(CONTENT_TYPE, "text/plain")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_problem(wrong_type, 415).await;
}

async fn a_blacklisted_enterprise_is_reported_at_c_with_the_reason(app: TestApp) {
    let (cast, _) = registry(&app).await;
    let listing = json!({
        "enterprise_code": CODE_A, "reason": "拒不履行法院生效判决", "legal_basis": "《严重失信主体名单管理办法》第五条",
        "authority": "杭州市市场监督管理局", "document_number": "杭市监信〔2026〕7号", "expires_on": "2029-11-21"
    });
    let listed = app
        .post(
            "/api/v1/lists/blacklist/entries",
            Some(&cast.regulator),
            &listing,
        )
        .await;
    assert_eq!(listed.status(), 201, "{}", listed.text().await.unwrap());
    for token in [None, Some(cast.regulator.as_str())] {
        let (_, report) = created(&app, token, CODE_A, None).await;
        let report = &report["report"];
        assert_eq!(
            report["rating"]["grade"], "C",
            "graded C from the moment of listing"
        );
        assert_eq!(report["rating"]["adjustments"][0], "blacklisted");
        let note = report["notes"][0].as_str().unwrap();
        assert!(
            note.contains("blacklist") && note.contains("拒不履行法院生效判决"),
            "{note}"
        );
        assert_eq!(report["lists"].as_array().unwrap().len(), 1);
        assert_eq!(report["lists"][0]["list"], "blacklist");
        assert_eq!(report["lists"][0]["current"], true);
    }
    // B is on no list, and its report says so.
    let (_, b) = created(&app, Some(&cast.regulator), CODE_B, None).await;
    assert_eq!(b["report"]["lists"], json!([]));
}

/// Every public report is signed and stored, so the public may create only so many from one
/// address: 20 at once, then one every 10 s. A refused request stores nothing; signed-in callers
/// are not counted.
async fn anonymous_reports_are_limited_per_address(app: TestApp) {
    let (cast, _) = registry(&app).await;
    let log_path = format!("/api/v1/enterprises/{CODE_A}/query-log");
    for _ in 0..20 {
        created(&app, None, CODE_A, None).await;
    }
    let before = logged(&app, &log_path, &cast.regulator).await;
    let refused = create(&app, None, CODE_A, None).await;
    assert_eq!(refused.headers()["retry-after"], "10");
    assert_problem(refused, 429).await;
    // Another enterprise's public report from the same address: the same budget.
    assert_problem(create(&app, None, CODE_B, None).await, 429).await;
    assert_eq!(
        logged(&app, &log_path, &cast.regulator).await,
        before,
        "a refused request stores nothing"
    );
    // Signed-in callers are answerable for what they do and are not limited.
    for _ in 0..3 {
        created(
            &app,
            Some(&cast.regulator),
            CODE_A,
            Some(json!({"kind": "public"})),
        )
        .await;
    }
    app.clock.advance(Duration::seconds(10));
    created(&app, None, CODE_A, None).await;
    assert_problem(create(&app, None, CODE_A, None).await, 429).await;
}

async fn logged(app: &TestApp, path: &str, token: &str) -> i64 {
    let log: Value = app.get(path, Some(token)).await.json().await.unwrap();
    log["total"].as_i64().unwrap()
}

/// Figures beyond their documented ranges (beyond 2^53 they are not exact in JSON, and a report
/// holding one cannot be signed as itself) are refused on every write path; the bounds
/// themselves are accepted and reported exactly; and a row stored around the service is left
/// out of the report with a note instead of answering 500.
async fn figures_out_of_range_are_refused_everywhere_and_never_break_a_report(app: TestApp) {
    let (cast, _) = registry(&app).await;
    let reg = Some(cast.regulator.as_str());
    let records = format!("/api/v1/enterprises/{CODE_A}/operating-records");
    let huge_orders = json!({"period": "2026-11", "online_sales": 1000.0,
        "orders": i64::MAX, "source": "platform"});
    let refused = assert_problem(app.post(&records, reg, &huge_orders).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "orders");

    let listed: Value = app.get(&records, reg).await.json().await.unwrap();
    let id = listed["items"][0]["id"].as_i64().unwrap();
    let one = format!("{records}/{id}");
    let etag = app.get(&one, reg).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    for (field, value) in [
        ("complaints", json!(9_007_199_254_740_993_i64)),
        ("online_sales", json!(1e14)),
        ("employees", json!(10_000_001)),
    ] {
        let patch = json!({field: value, "reason": "platform re-issued the figures"});
        let refused = assert_problem(app.patch(&one, reg, Some(&etag), &patch).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field);
        // The body is judged before the version: 422 even from a stale copy.
        assert_problem(app.patch(&one, reg, Some("\"99\""), &patch).await, 422).await;
    }

    let submission = json!({"operating": [{"period": "2026-11", "online_sales": 1000.0,
        "orders": 10, "complaints": 9_007_199_254_740_993_i64, "source": "self_reported"}]});
    let refused = assert_problem(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/submissions"),
            Some(&cast.owner_a),
            &submission,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "operating[0].complaints");

    let mut rich =
        crate::helpers::enterprise_body("91110108551385082Q", "北京海淀网店有限公司", "110108");
    rich["registered_capital"] = json!(1e14);
    let refused = assert_problem(app.post("/api/v1/enterprises", reg, &rich).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "registered_capital");
    let batch = json!({"reason": "register extract", "enterprises": [{
        "enterprise": rich,
        "operating": [{"period": "2026-09", "online_sales": 1.0, "orders": i64::MAX, "source": "platform"}]
    }]});
    let refused = assert_problem(app.post("/api/v1/imports", reg, &batch).await, 422).await;
    assert_eq!(
        crate::helpers::problem_fields(&refused),
        [
            "enterprises[0].enterprise.registered_capital",
            "enterprises[0].operating[0].orders"
        ]
    );
    let enterprise = format!("/api/v1/enterprises/{CODE_A}");
    let etag = app.get(&enterprise, reg).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    let refused = assert_problem(
        app.patch(
            &enterprise,
            reg,
            Some(&etag),
            &json!({"registered_capital": 1e14, "reason": "capital increase"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "registered_capital");
    let guarantee = json!({"kind": "guarantee", "related_name": "某担保公司", "amount": 1e14});
    let refused = assert_problem(
        app.post(&format!("{enterprise}/associations"), reg, &guarantee)
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "amount");

    // The bounds themselves are in range, and a full report states them exactly.
    let at_the_bounds = json!({"period": "2026-11", "online_sales": 1e13,
        "orders": 10_000_000_000_i64, "complaints": 10_000_000_000_i64, "refund_rate": 1.0,
        "source": "platform"});
    assert_eq!(app.post(&records, reg, &at_the_bounds).await.status(), 201);
    let (_, report) = created(&app, reg, CODE_A, None).await;
    let newest = &report["report"]["operating_summary"][0];
    assert_eq!(newest["period"], "2026-11");
    assert_eq!(newest["orders"], 10_000_000_000_i64);
    assert_eq!(newest["online_sales"], 1e13);

    // Stored around the service: a full report still comes, without what it cannot state.
    let sql = format!(
        "UPDATE operating_records SET orders = 9223372036854775807, complaints = 9007199254740993 \
         WHERE enterprise_code = '{CODE_A}' AND period = '2026-10'; \
         UPDATE enterprises SET registered_capital = 1e300 WHERE code = '{CODE_A}'"
    );
    crate::audit::run_sql(&app, &sql).unwrap();
    let (bytes, report) = created(&app, reg, CODE_A, None).await;
    let periods: Vec<&str> = report["report"]["operating_summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2026-11", "2026-09", "2026-08"]);
    assert_eq!(
        report["report"]["enterprise"]["registered_capital"],
        Value::Null
    );
    let notes = report["report"]["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("2026-10")),
        "{notes:?}"
    );
    let verified: Value = app
        .request(Method::POST, "/api/v1/reports/verify", None)
        .header(CONTENT_TYPE, "application/json")
        .body(bytes)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], true, "{verified}");
    // Scoring reads the same rows and answers too.
    let scored = app
        .request(Method::POST, &format!("{enterprise}/score"), reg)
        .send()
        .await
        .unwrap();
    assert_eq!(scored.status(), 201);
}
