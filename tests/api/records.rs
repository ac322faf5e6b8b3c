use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, TestApp, assert_problem, problem_fields};
use crate::on_both_backends;

on_both_backends!(
    operating_records_are_confidential,
    one_operating_record_per_period,
    operating_figures_are_range_checked,
    operating_corrections_keep_the_earlier_value,
    public_sees_only_public_credit_events,
    credit_event_documents_are_unique,
    sentiment_polarity_is_given_or_computed,
    timestamps_are_rfc3339_in_utc,
    associations_are_checked,
    writes_to_records_are_for_keepers_only,
    concurrent_record_corrections_do_not_overwrite,
);

fn ops_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/operating-records")
}

fn operating(period: &str) -> Value {
    json!({
        "period": period, "online_sales": 1250000.0, "orders": 18400, "refund_rate": 0.032,
        "complaints": 12, "on_time_delivery_rate": 0.975, "positive_review_rate": 0.964,
        "employees": 48, "tax_paid": 61000.0, "quality_checks": 3, "quality_checks_failed": 0,
        "source": "platform"
    })
}

async fn operating_records_are_confidential(app: TestApp) {
    let cast = app.cast().await;
    let created = app
        .post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-09"),
        )
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let record: Value = created.json().await.unwrap();
    assert_eq!(location, format!("{}/{}", ops_path(CODE_A), record["id"]));
    assert_eq!(record["source"], "platform");
    assert_eq!(record["review_status"], "accepted");

    for token in [&cast.regulator, &cast.admin, &cast.owner_a] {
        let list: Value = app
            .get(&ops_path(CODE_A), Some(token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["online_sales"], 1250000.0);
        let one = app.get(&location, Some(token)).await;
        assert_eq!(one.status(), 200);
        assert_eq!(one.headers()["etag"], "\"1\"");
    }
    assert_problem(app.get(&ops_path(CODE_A), None).await, 401).await;
    assert_problem(app.get(&location, None).await, 401).await;
    for token in [&cast.bank, &cast.owner_b] {
        let problem = assert_problem(app.get(&ops_path(CODE_A), Some(token)).await, 403).await;
        assert!(!problem["detail"].as_str().unwrap().contains("1250000"));
        assert_problem(app.get(&location, Some(token)).await, 403).await;
    }
    // The owner of B cannot learn whether A has a record with another id either.
    assert_problem(
        app.get(&format!("{}/999", ops_path(CODE_A)), Some(&cast.owner_b))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.get(&format!("{}/999", ops_path(CODE_A)), Some(&cast.regulator))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("{}/abc", ops_path(CODE_A)), Some(&cast.regulator))
            .await,
        404,
    )
    .await;
    // Records of A are not reachable under B's code.
    let id = record["id"].as_i64().unwrap();
    assert_problem(
        app.get(&format!("{}/{id}", ops_path(CODE_B)), Some(&cast.regulator))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&ops_path("91110108551385082Q"), Some(&cast.regulator))
            .await,
        404,
    )
    .await;
}

async fn one_operating_record_per_period(app: TestApp) {
    let cast = app.cast().await;
    assert_eq!(
        app.post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-02")
        )
        .await
        .status(),
        201
    );
    let problem = assert_problem(
        app.post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-02"),
        )
        .await,
        409,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("2026-02"));
    // A quarter that contains a recorded month overlaps it.
    assert_problem(
        app.post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-Q1"),
        )
        .await,
        409,
    )
    .await;
    // Other periods and other enterprises are fine.
    assert_eq!(
        app.post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-Q2")
        )
        .await
        .status(),
        201
    );
    assert_problem(
        app.post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-05"),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        app.post(
            &ops_path(CODE_B),
            Some(&cast.regulator),
            &operating("2026-02")
        )
        .await
        .status(),
        201
    );
    let list: Value = app
        .get(&ops_path(CODE_A), Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    let periods: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2026-Q2", "2026-02"], "latest first");
}

async fn operating_figures_are_range_checked(app: TestApp) {
    let cast = app.cast().await;
    let mut bad = operating("2026-13");
    bad["refund_rate"] = json!(1.2);
    bad["online_sales"] = json!(-1);
    bad["orders"] = json!(-3);
    bad["on_time_delivery_rate"] = json!(-0.1);
    bad["quality_checks_failed"] = json!(5);
    let problem = assert_problem(
        app.post(&ops_path(CODE_A), Some(&cast.regulator), &bad)
            .await,
        422,
    )
    .await;
    assert_eq!(
        problem_fields(&problem),
        [
            "period",
            "online_sales",
            "orders",
            "refund_rate",
            "on_time_delivery_rate",
            "quality_checks_failed"
        ]
    );
    let future = assert_problem(
        app.post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2027-01"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&future), ["period"]);
    let mut bad_source = operating("2026-01");
    bad_source["source"] = json!("rumour");
    let problem = assert_problem(
        app.post(&ops_path(CODE_A), Some(&cast.regulator), &bad_source)
            .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["source"]);
    let list: Value = app
        .get(&ops_path(CODE_A), Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
}

async fn operating_corrections_keep_the_earlier_value(app: TestApp) {
    let cast = app.cast().await;
    let record: Value = app
        .post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-09"),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("{}/{}", ops_path(CODE_A), record["id"]);
    let response = app
        .patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"refund_rate": 0.041, "reason": "platform re-issued the figures"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let corrected: Value = response.json().await.unwrap();
    assert_eq!(corrected["refund_rate"], 0.041);
    assert_eq!(corrected["orders"], 18400);

    let history: Value = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/history?entity=operating_record"),
            Some(&cast.owner_a),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["total"], 2);
    let correction = &history["items"][1];
    assert_eq!(correction["action"], "correct");
    assert_eq!(correction["reason"], "platform re-issued the figures");
    assert_eq!(correction["actor"], "regulator");
    assert_eq!(correction["entity_id"], record["id"].to_string());
    assert_eq!(
        correction["changes"],
        json!([{"field": "refund_rate", "before": 0.032, "after": 0.041}])
    );

    // Invalid corrections and stale ones change nothing.
    assert_problem(
        app.patch(
            &path,
            Some(&cast.regulator),
            Some("\"2\""),
            &json!({"refund_rate": 3}),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        app.patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"refund_rate": 0.5}),
        )
        .await,
        412,
    )
    .await;
    assert_problem(
        app.patch(
            &path,
            Some(&cast.regulator),
            Some("\"2\""),
            &json!({"period": "2026-10"}),
        )
        .await,
        422,
    )
    .await;
    let now: Value = app
        .get(&path, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["refund_rate"], 0.041);
    assert_eq!(now["meta"]["version"], 2);
}

fn event(kind: &str, decided_on: &str, publicity_until: Option<&str>, document: &str) -> Value {
    let mut body = json!({
        "kind": kind, "severity": "major", "title": "虚假宣传行政处罚",
        "authority": "杭州市西湖区市场监督管理局", "document_number": document, "decided_on": decided_on
    });
    if let Some(until) = publicity_until {
        body["publicity_until"] = json!(until);
    }
    body
}

async fn public_sees_only_public_credit_events(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    let current: Value = app
        .post(
            &path,
            Some(&cast.regulator),
            &event(
                "administrative_penalty",
                "2026-03-15",
                Some("2029-03-15"),
                "D-1",
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    let ended: Value = app
        .post(
            &path,
            Some(&cast.regulator),
            &event("tax_violation", "2019-01-10", Some("2022-01-10"), "D-2"),
        )
        .await
        .json()
        .await
        .unwrap();
    let honour: Value = app
        .post(
            &path,
            Some(&cast.regulator),
            &event("honour", "2025-05-01", None, "D-3"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["polarity"], "negative");
    assert_eq!(honour["polarity"], "positive");

    let ids = |body: Value| -> Vec<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    for token in [None, Some(cast.bank.as_str()), Some(cast.owner_b.as_str())] {
        let body: Value = app.get(&path, token).await.json().await.unwrap();
        assert_eq!(body["total"], 2);
        assert!(
            body["items"][0].get("meta").is_none(),
            "no bookkeeping in public views"
        );
        assert_eq!(
            ids(body),
            [
                current["id"].as_i64().unwrap(),
                honour["id"].as_i64().unwrap()
            ]
        );
        let hidden = app.get(&format!("{path}/{}", ended["id"]), token).await;
        assert_problem(hidden, 404).await;
        assert_eq!(
            app.get(&format!("{path}/{}", current["id"]), token)
                .await
                .status(),
            200
        );
    }
    for token in [&cast.regulator, &cast.owner_a] {
        let body: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        assert_eq!(body["total"], 3);
        assert!(body["items"][0].get("meta").is_some());
    }
    // Revoking an event takes it out of public view.
    let revoke = app
        .patch(
            &format!("{path}/{}", current["id"]),
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"status": "revoked", "reason": "withdrawn on review"}),
        )
        .await;
    assert_eq!(revoke.status(), 200);
    let body: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(ids(body), [honour["id"].as_i64().unwrap()]);
    // Time moves on: publicity periods end by the service clock.
    app.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2031, 1, 1, 0, 0, 0).unwrap());
    let body: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(body["total"], 1, "the open-ended honour stays public");
    assert_problem(
        app.get("/api/v1/enterprises/91110108551385082Q/credit-events", None)
            .await,
        404,
    )
    .await;
}

async fn credit_event_documents_are_unique(app: TestApp) {
    let cast = app.cast().await;
    let path_a = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    let path_b = format!("/api/v1/enterprises/{CODE_B}/credit-events");
    assert_eq!(
        app.post(
            &path_a,
            Some(&cast.regulator),
            &event(
                "administrative_penalty",
                "2026-03-15",
                None,
                "杭西市监处罚〔2026〕118号"
            )
        )
        .await
        .status(),
        201
    );
    let dup = app
        .post(
            &path_b,
            Some(&cast.regulator),
            &event(
                "administrative_penalty",
                "2026-03-15",
                None,
                "杭西市监处罚〔2026〕118号",
            ),
        )
        .await;
    let problem = assert_problem(dup, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("118号"));
    let second: Value = app
        .post(
            &path_a,
            Some(&cast.regulator),
            &event("administrative_penalty", "2026-04-15", None, "D-9"),
        )
        .await
        .json()
        .await
        .unwrap();
    // Correcting the second to the first's number is a conflict too.
    let clash = app
        .patch(
            &format!("{path_a}/{}", second["id"]),
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"document_number": "杭西市监处罚〔2026〕118号"}),
        )
        .await;
    assert_problem(clash, 409).await;
    let bad = app
        .post(
            &path_a,
            Some(&cast.regulator),
            &event(
                "administrative_penalty",
                "2026-04-15",
                Some("2026-01-01"),
                "D-10",
            ),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(bad, 422).await),
        ["publicity_until"]
    );
    let unknown = app
        .post(
            &path_a,
            Some(&cast.regulator),
            &event("parking_ticket", "2026-04-15", None, "D-11"),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(unknown, 422).await),
        ["kind"]
    );
}

/// The spec says `format: date-time` (RFC 3339): times go out in UTC with `Z`, and come in with
/// any offset (converted to UTC) or, as before, without one (taken as UTC).
async fn timestamps_are_rfc3339_in_utc(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}/sentiment");
    let item = |published_at: &str| json!({"source_kind": "news", "source_name": "n", "title": "t", "published_at": published_at});
    for (sent, stored) in [
        ("2026-10-12T16:30:00+08:00", "2026-10-12T08:30:00Z"),
        ("2026-10-12T08:30:00.25Z", "2026-10-12T08:30:00.250Z"),
        ("2026-10-12T08:30:00", "2026-10-12T08:30:00Z"),
    ] {
        let created = app.post(&path, Some(&cast.regulator), &item(sent)).await;
        assert_eq!(created.status().as_u16(), 201, "{sent}");
        let created: Value = created.json().await.unwrap();
        assert_eq!(created["published_at"], stored, "{sent}: {created}");
        for field in ["created_at", "updated_at"] {
            let at = created["meta"][field].as_str().unwrap_or_default();
            assert!(at.ends_with('Z'), "{field}: {created}");
            chrono::DateTime::parse_from_rfc3339(at).unwrap();
        }
    }
    let bad = app
        .post(&path, Some(&cast.regulator), &item("12/10/2026 08:30"))
        .await;
    assert_eq!(
        problem_fields(&assert_problem(bad, 422).await),
        ["published_at"]
    );
}

async fn sentiment_polarity_is_given_or_computed(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}/sentiment");
    let item = json!({
        "source_kind": "complaint", "source_name": "黑猫投诉", "title": "网店售卖假货，消费者投诉维权",
        "url": "https://tousu.example.cn/1", "published_at": "2026-10-12T08:30:00"
    });
    let computed: Value = app
        .post(&path, Some(&cast.regulator), &item)
        .await
        .json()
        .await
        .unwrap();
    assert!(computed["polarity"].as_f64().unwrap() < -0.3, "{computed}");
    assert_eq!(computed["polarity_computed"], true);
    let mut given = item.clone();
    given["polarity"] = json!(0.25);
    let given: Value = app
        .post(&path, Some(&cast.regulator), &given)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(given["polarity"], 0.25);
    assert_eq!(given["polarity_computed"], false);

    let mut bad = item.clone();
    bad["polarity"] = json!(1.5);
    bad["url"] = json!("ftp://x");
    bad["published_at"] = json!("2030-01-01T00:00:00");
    let problem = assert_problem(app.post(&path, Some(&cast.regulator), &bad).await, 422).await;
    assert_eq!(
        problem_fields(&problem),
        ["url", "published_at", "polarity"]
    );

    // Correcting the text of a computed item computes the polarity again.
    let corrected = app
        .patch(
            &format!("{path}/{}", computed["id"]),
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"title": "获评诚信示范企业，消费者好评"}),
        )
        .await;
    let corrected: Value = corrected.json().await.unwrap();
    assert!(corrected["polarity"].as_f64().unwrap() > 0.3, "{corrected}");

    assert_problem(app.get(&path, None).await, 401).await;
    assert_problem(app.get(&path, Some(&cast.bank)).await, 403).await;
    let own: Value = app
        .get(&path, Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["total"], 2);
}

async fn associations_are_checked(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}/associations");
    let link = json!({"kind": "shareholder", "related_code": CODE_B, "related_name": "深圳南山数码贸易有限公司", "share_ratio": 0.15, "valid_from": "2019-04-01"});
    let created = app.post(&path, Some(&cast.regulator), &link).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["related_code"], CODE_B);

    let mut to_self = link.clone();
    to_self["related_code"] = json!(CODE_A);
    to_self["share_ratio"] = json!(1.5);
    to_self["valid_until"] = json!("2018-01-01");
    let problem = assert_problem(app.post(&path, Some(&cast.regulator), &to_self).await, 422).await;
    assert_eq!(
        problem_fields(&problem),
        ["related_code", "share_ratio", "valid_until"]
    );

    let ended = app
        .patch(
            &format!("{path}/{}", created["id"]),
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"valid_until": "2026-06-30", "reason": "shares transferred"}),
        )
        .await;
    assert_eq!(ended.status(), 200);
    let list: Value = app
        .get(&path, Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["valid_until"], "2026-06-30");
    assert_problem(app.get(&path, Some(&cast.owner_b)).await, 403).await;
}

async fn writes_to_records_are_for_keepers_only(app: TestApp) {
    let cast = app.cast().await;
    let bodies = [
        ("operating-records", operating("2026-09")),
        ("credit-events", event("honour", "2026-01-01", None, "H-1")),
        (
            "sentiment",
            json!({"source_kind": "news", "source_name": "n", "title": "t", "published_at": "2026-10-12T08:30:00"}),
        ),
        (
            "associations",
            json!({"kind": "guarantee", "related_name": "某担保公司"}),
        ),
    ];
    for (collection, body) in &bodies {
        let path = format!("/api/v1/enterprises/{CODE_A}/{collection}");
        assert_problem(app.post(&path, None, body).await, 401).await;
        for token in [&cast.bank, &cast.owner_a, &cast.owner_b] {
            assert_problem(app.post(&path, Some(token), body).await, 403).await;
        }
        let created = app.post(&path, Some(&cast.admin), body).await;
        assert_eq!(created.status(), 201, "{collection}");
        let created: Value = created.json().await.unwrap();
        let record = format!("{path}/{}", created["id"]);
        for token in [&cast.bank, &cast.owner_a] {
            assert_problem(
                app.patch(&record, Some(token), Some("\"1\""), &json!({"reason": "x"}))
                    .await,
                403,
            )
            .await;
        }
        assert_problem(
            app.patch(&record, None, Some("\"1\""), &json!({})).await,
            401,
        )
        .await;
        assert_problem(
            app.patch(&record, Some(&cast.regulator), None, &json!({}))
                .await,
            428,
        )
        .await;
        // Unknown enterprise.
        let missing = format!("/api/v1/enterprises/91110108551385082Q/{collection}");
        assert_problem(app.post(&missing, Some(&cast.regulator), body).await, 404).await;
    }
}

async fn concurrent_record_corrections_do_not_overwrite(app: TestApp) {
    let cast = app.cast().await;
    let record: Value = app
        .post(
            &ops_path(CODE_A),
            Some(&cast.regulator),
            &operating("2026-09"),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("{}/{}", ops_path(CODE_A), record["id"]);
    let bodies: Vec<Value> = (0..6).map(|i| json!({"orders": 100 + i})).collect();
    let attempts = bodies
        .iter()
        .map(|body| app.patch(&path, Some(&cast.regulator), Some("\"1\""), body));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 412),
        "{statuses:?}"
    );
}
