//! Objections (异议): the enterprise disputes its own records, the record shows as disputed at
//! once, a regulator answers within 20 days, and the answer keeps the record's before and after.

use chrono::Duration;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{
    CODE_A, CODE_B, Cast, PASSWORD, TestApp, assert_problem, problem_fields, test_model,
};
use crate::on_both_backends;

on_both_backends!(
    filing_marks_the_record_disputed_in_its_view_and_in_reports,
    only_the_enterprise_objects_and_only_keepers_answer,
    overdue_objections_are_listed_after_twenty_days,
    an_upheld_answer_restores_the_status_and_changes_nothing_else,
    a_correcting_answer_changes_the_record_keeps_before_and_after_and_rescores,
    bad_filings_and_answers_are_refused_and_change_nothing,
    another_enterprises_records_are_unknown_disputed_or_not,
);

fn objections_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/objections")
}

fn answer_path(code: &str, id: i64) -> String {
    format!("/api/v1/enterprises/{code}/objections/{id}/answer")
}

async fn ok_json(response: Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(code, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A regulator records a credit event of `code` and returns its id.
async fn event(app: &TestApp, cast: &Cast, code: &str, title: &str) -> i64 {
    let body = json!({
        "kind": "administrative_penalty", "severity": "major", "title": title,
        "authority": "杭州市西湖区市场监督管理局", "decided_on": "2026-05-01",
        "publicity_until": "2029-05-01"
    });
    let created = app
        .post(
            &format!("/api/v1/enterprises/{code}/credit-events"),
            Some(&cast.regulator),
            &body,
        )
        .await;
    ok_json(created, 201).await["id"].as_i64().unwrap()
}

/// A regulator records operating figures of `code` for `period` and returns the record's id.
async fn operating(app: &TestApp, cast: &Cast, code: &str, period: &str) -> i64 {
    let body = json!({"period": period, "online_sales": 1200000.0, "orders": 18000,
        "refund_rate": 0.03, "source": "platform"});
    let created = app
        .post(
            &format!("/api/v1/enterprises/{code}/operating-records"),
            Some(&cast.regulator),
            &body,
        )
        .await;
    ok_json(created, 201).await["id"].as_i64().unwrap()
}

fn against_event(id: i64) -> Value {
    json!({
        "credit_event_id": id,
        "reason": "处罚决定已经行政复议撤销",
        "attachments": [{"title": "行政复议决定书", "url": "https://files.example.cn/review.pdf"}]
    })
}

async fn file(app: &TestApp, token: Option<&str>, code: &str, body: &Value) -> Response {
    app.post(&objections_path(code), token, body).await
}

/// The owner of CODE_A files an objection; returns its id.
async fn filed(app: &TestApp, cast: &Cast, body: &Value) -> i64 {
    let response = file(app, Some(&cast.owner_a), CODE_A, body).await;
    ok_json(response, 201).await["id"].as_i64().unwrap()
}

async fn answer(app: &TestApp, token: &str, id: i64, body: &Value) -> Response {
    app.post(&answer_path(CODE_A, id), Some(token), body).await
}

async fn get_event(app: &TestApp, cast: &Cast, id: i64) -> Value {
    let path = format!("/api/v1/enterprises/{CODE_A}/credit-events/{id}");
    ok_json(app.get(&path, Some(&cast.owner_a)).await, 200).await
}

async fn get_operating(app: &TestApp, cast: &Cast, id: i64) -> Value {
    let path = format!("/api/v1/enterprises/{CODE_A}/operating-records/{id}");
    ok_json(app.get(&path, Some(&cast.owner_a)).await, 200).await
}

async fn queue(app: &TestApp, cast: &Cast, query: &str) -> Value {
    let path = format!("/api/v1/objections{query}");
    ok_json(app.get(&path, Some(&cast.regulator)).await, 200).await
}

/// The record's own fields, without its bookkeeping.
fn fields_of(view: &Value) -> Value {
    let mut view = view.clone();
    view.as_object_mut().unwrap().remove("meta");
    view
}

async fn history(app: &TestApp, cast: &Cast, entity: &str) -> Vec<Value> {
    let path = format!("/api/v1/enterprises/{CODE_A}/history?entity={entity}&per_page=100");
    ok_json(app.get(&path, Some(&cast.regulator)).await, 200).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn score_count(app: &TestApp, cast: &Cast) -> i64 {
    let path = format!("/api/v1/enterprises/{CODE_A}/scores");
    ok_json(app.get(&path, Some(&cast.regulator)).await, 200).await["total"]
        .as_i64()
        .unwrap()
}

/// Scores CODE_A now with the active model.
async fn score(app: &TestApp, cast: &Cast) -> Value {
    let path = format!("/api/v1/enterprises/{CODE_A}/score");
    let response = app
        .request(Method::POST, &path, Some(&cast.regulator))
        .send()
        .await
        .unwrap();
    ok_json(response, 201).await
}

async fn full_report(app: &TestApp, cast: &Cast) -> Value {
    let response = app
        .request(
            Method::POST,
            &format!("/api/v1/enterprises/{CODE_A}/reports"),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    ok_json(response, 201).await["report"].clone()
}

async fn filing_marks_the_record_disputed_in_its_view_and_in_reports(app: TestApp) {
    let cast = app.cast().await;
    let event_id = event(&app, &cast, CODE_A, "虚假宣传行政处罚").await;
    let record_id = operating(&app, &cast, CODE_A, "2026-09").await;
    let before_report = full_report(&app, &cast).await;
    assert_eq!(before_report["credit_events"][0]["status"], "active");
    assert_eq!(
        before_report["operating_summary"][0]["review_status"],
        "accepted"
    );

    let response = file(&app, Some(&cast.owner_a), CODE_A, &against_event(event_id)).await;
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let objection = ok_json(response, 201).await;
    let id = objection["id"].as_i64().unwrap();
    assert_eq!(location, format!("{}/{id}", objections_path(CODE_A)));
    assert_eq!(objection["status"], "open");
    assert_eq!(objection["credit_event_id"], event_id);
    assert_eq!(objection["operating_record_id"], Value::Null);
    assert_eq!(objection["filed_by"], "owner-a");
    assert_eq!(objection["status_before_dispute"], "active");
    assert_eq!(
        objection["deadline"], "2026-12-12",
        "filed 2026-11-22, + 20 days"
    );
    assert_eq!(objection["overdue"], false);
    assert_eq!(objection["outcome"], Value::Null);
    assert_eq!(
        objection["attachments"],
        json!([{"title": "行政复议决定书", "url": "https://files.example.cn/review.pdf"}])
    );

    // The event is disputed at once, in its own view, in the public list and in a new report.
    assert_eq!(get_event(&app, &cast, event_id).await["status"], "disputed");
    let public = app
        .get(&format!("/api/v1/enterprises/{CODE_A}/credit-events"), None)
        .await;
    assert_eq!(ok_json(public, 200).await["items"][0]["status"], "disputed");
    let report = full_report(&app, &cast).await;
    assert_eq!(report["credit_events"][0]["status"], "disputed");

    // An operating record is disputed through its review status.
    let on_figures = json!({"operating_record_id": record_id, "reason": "平台重新出具了九月数据"});
    let second = ok_json(
        file(&app, Some(&cast.owner_a), CODE_A, &on_figures).await,
        201,
    )
    .await;
    assert_eq!(second["status_before_dispute"], "accepted");
    assert_eq!(second["attachments"], json!([]));
    assert_eq!(
        get_operating(&app, &cast, record_id).await["review_status"],
        "disputed"
    );
    let report = full_report(&app, &cast).await;
    assert_eq!(report["operating_summary"][0]["review_status"], "disputed");
    let page = app
        .request(
            Method::GET,
            &format!("/api/v1/reports/{}", report["report_no"].as_str().unwrap()),
            Some(&cast.regulator),
        )
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        page.matches("Disputed · 异议中").count(),
        2,
        "event and period"
    );

    // Both changes are in the history, with before and after, from source `objection`.
    let events = history(&app, &cast, "credit_event").await;
    let dispute = events.last().unwrap();
    assert_eq!(dispute["action"], "dispute");
    assert_eq!(dispute["source"], "objection");
    assert_eq!(dispute["actor"], "owner-a");
    assert_eq!(dispute["reason"], format!("objection {id} filed"));
    assert_eq!(
        dispute["changes"],
        json!([{"field": "status", "before": "active", "after": "disputed"}])
    );
    let records = history(&app, &cast, "operating_record").await;
    assert_eq!(
        records.last().unwrap()["changes"],
        json!([{"field": "review_status", "before": "accepted", "after": "disputed"}])
    );

    // The enterprise reads its objections, latest first.
    let mine = ok_json(
        app.get(&objections_path(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(mine["total"], 2);
    assert_eq!(mine["items"][0]["id"], second["id"]);
    let one = app
        .get(
            &format!("{}/{id}", objections_path(CODE_A)),
            Some(&cast.owner_a),
        )
        .await;
    assert_eq!(
        ok_json(one, 200).await["reason"],
        "处罚决定已经行政复议撤销"
    );
}

async fn only_the_enterprise_objects_and_only_keepers_answer(app: TestApp) {
    let cast = app.cast().await;
    let event_id = event(&app, &cast, CODE_A, "虚假宣传行政处罚").await;
    let body = against_event(event_id);
    // Another enterprise, a bank, the keepers and the public cannot object for CODE_A.
    for token in [&cast.owner_b, &cast.bank, &cast.regulator, &cast.admin] {
        assert_problem(file(&app, Some(token), CODE_A, &body).await, 403).await;
    }
    assert_problem(file(&app, None, CODE_A, &body).await, 401).await;
    assert_eq!(get_event(&app, &cast, event_id).await["status"], "active");

    let id = filed(&app, &cast, &body).await;
    let upheld = json!({"outcome": "upheld", "explanation": "处罚决定合法有效"});
    // The enterprise cannot answer its own objection, nor can another or a bank.
    for token in [&cast.owner_a, &cast.owner_b, &cast.bank] {
        assert_problem(answer(&app, token, id, &upheld).await, 403).await;
    }
    assert_problem(app.post(&answer_path(CODE_A, id), None, &upheld).await, 401).await;
    assert_eq!(get_event(&app, &cast, event_id).await["status"], "disputed");

    // Reading: the enterprise itself and the keepers; the queue is for keepers only.
    let one = format!("{}/{id}", objections_path(CODE_A));
    for token in [&cast.owner_b, &cast.bank] {
        assert_problem(app.get(&objections_path(CODE_A), Some(token)).await, 403).await;
        assert_problem(app.get(&one, Some(token)).await, 403).await;
    }
    assert_problem(app.get(&one, None).await, 401).await;
    for token in [&cast.owner_a, &cast.bank] {
        assert_problem(app.get("/api/v1/objections", Some(token)).await, 403).await;
    }
    assert_problem(app.get("/api/v1/objections", None).await, 401).await;
    // An objection is read under its own enterprise only.
    assert_problem(
        app.get(
            &format!("{}/{id}", objections_path(CODE_B)),
            Some(&cast.admin),
        )
        .await,
        404,
    )
    .await;

    let answered = ok_json(answer(&app, &cast.admin, id, &upheld).await, 200).await;
    assert_eq!(answered["answered_by"], "admin");
    let seen_by_owner = ok_json(app.get(&one, Some(&cast.owner_a)).await, 200).await;
    assert_eq!(seen_by_owner["outcome"], "upheld");
    assert_eq!(seen_by_owner["explanation"], "处罚决定合法有效");
    assert!(
        seen_by_owner.get("answered_by").is_none(),
        "regulators' user names are for keepers only"
    );
}

/// Signs the cast in again: tokens live an hour, and these tests move the clock by days.
async fn signed_in_again(app: &TestApp, cast: &mut Cast) {
    cast.regulator = app.login("regulator", PASSWORD).await;
    cast.owner_a = app.login("owner-a", PASSWORD).await;
}

async fn overdue_objections_are_listed_after_twenty_days(app: TestApp) {
    let mut cast = app.cast().await;
    let first = event(&app, &cast, CODE_A, "虚假宣传行政处罚").await;
    let second = event(&app, &cast, CODE_A, "价格违法行政处罚").await;
    let id = filed(&app, &cast, &against_event(first)).await;
    assert_eq!(queue(&app, &cast, "?overdue=true").await["total"], 0);

    // On the deadline (20 days on) it is still in time.
    app.clock.advance(Duration::days(20));
    signed_in_again(&app, &mut cast).await;
    assert_eq!(queue(&app, &cast, "?overdue=true").await["total"], 0);
    let open = queue(&app, &cast, "?status=open").await;
    assert_eq!(open["total"], 1);
    assert_eq!(open["items"][0]["overdue"], false);
    assert_eq!(open["items"][0]["deadline"], "2026-12-12");
    let later = filed(&app, &cast, &against_event(second)).await;

    // A day later it is overdue; the one filed on day 20 is not.
    app.clock.advance(Duration::days(1));
    signed_in_again(&app, &mut cast).await;
    let overdue = queue(&app, &cast, "?overdue=true").await;
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["id"], id);
    assert_eq!(overdue["items"][0]["overdue"], true);
    let in_time = queue(&app, &cast, "?overdue=false").await;
    assert_eq!(in_time["total"], 1);
    assert_eq!(in_time["items"][0]["id"], later);
    // The whole queue: the earliest deadline first.
    let all = queue(&app, &cast, "").await;
    let ids: Vec<i64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id, later]);
    let mine = ok_json(
        app.get(&objections_path(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(
        mine["items"][1]["overdue"], true,
        "the enterprise sees it too"
    );

    // A late answer is still taken, and marked late; answered, it is no longer overdue.
    let late = ok_json(
        answer(
            &app,
            &cast.regulator,
            id,
            &json!({"outcome": "upheld", "explanation": "经复核，处罚正确"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(late["answered_late"], true);
    assert_eq!(late["overdue"], false);
    assert_eq!(queue(&app, &cast, "?overdue=true").await["total"], 0);
    assert_eq!(queue(&app, &cast, "?status=answered").await["total"], 1);
    let in_time = ok_json(
        answer(
            &app,
            &cast.regulator,
            later,
            &json!({"outcome": "upheld", "explanation": "经复核，处罚正确"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(in_time["answered_late"], false);

    for bad in ["?overdue=maybe", "?status=closed", "?per_page=0"] {
        let response = app
            .get(&format!("/api/v1/objections{bad}"), Some(&cast.regulator))
            .await;
        assert_problem(response, 422).await;
    }
}

async fn an_upheld_answer_restores_the_status_and_changes_nothing_else(app: TestApp) {
    let cast = app.cast().await;
    let event_id = event(&app, &cast, CODE_A, "虚假宣传行政处罚").await;
    let original = get_event(&app, &cast, event_id).await;
    let id = filed(&app, &cast, &against_event(event_id)).await;

    let upheld = json!({"outcome": "upheld", "explanation": "处罚决定合法有效，维持原记录"});
    let answered = ok_json(answer(&app, &cast.regulator, id, &upheld).await, 200).await;
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["outcome"], "upheld");
    assert_eq!(answered["explanation"], "处罚决定合法有效，维持原记录");
    assert_eq!(answered["answered_by"], "regulator");
    assert_eq!(answered["answered_late"], false);
    assert!(answered["answered_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(answered["record_before"]["status"], "disputed");
    assert_eq!(answered["record_after"]["status"], "active");
    assert_eq!(
        answered["changes"],
        json!([{"field": "status", "before": "disputed", "after": "active"}])
    );

    let now = get_event(&app, &cast, event_id).await;
    assert_eq!(
        fields_of(&now),
        fields_of(&original),
        "only the status moved, and back"
    );
    let last = history(&app, &cast, "credit_event").await.pop().unwrap();
    assert_eq!(last["action"], "answer_objection");
    assert_eq!(last["source"], "objection");
    assert_eq!(last["reason"], format!("objection {id} answered: upheld"));

    // One answer per objection.
    assert_problem(answer(&app, &cast.admin, id, &upheld).await, 409).await;
    // The record can be disputed again once the first objection is answered.
    filed(&app, &cast, &against_event(event_id)).await;
}

async fn a_correcting_answer_changes_the_record_keeps_before_and_after_and_rescores(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let revoked = event(&app, &cast, CODE_A, "虚假宣传行政处罚").await;
    let kept = event(&app, &cast, CODE_A, "价格违法行政处罚").await;
    let record_id = operating(&app, &cast, CODE_A, "2026-09").await;
    let first = score(&app, &cast).await;
    assert_eq!(score_count(&app, &cast).await, 1);

    let on_event = filed(&app, &cast, &against_event(revoked)).await;
    let on_kept = filed(&app, &cast, &against_event(kept)).await;
    let on_figures = filed(
        &app,
        &cast,
        &json!({"operating_record_id": record_id, "reason": "退款率统计口径有误"}),
    )
    .await;
    assert_eq!(score_count(&app, &cast).await, 1, "filing does not rescore");
    // Disputed records count as they did until the answer: scoring now gives the same result.
    let while_disputed = score(&app, &cast).await;
    for field in ["score", "pd", "evaluated_grade", "sub_scores", "reasons"] {
        let (now, then) = (&while_disputed["details"][field], &first["details"][field]);
        assert!(!then.is_null(), "{field}");
        assert_eq!(now, then, "{field}");
    }
    assert_eq!(score_count(&app, &cast).await, 2);

    // Corrected: the event is revoked by the correction, not restored to active.
    let corrected = ok_json(
        answer(
            &app,
            &cast.regulator,
            on_event,
            &json!({"outcome": "corrected", "explanation": "复议机关已撤销处罚决定",
                "correction": {"status": "revoked", "description": "经行政复议撤销"}}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(corrected["outcome"], "corrected");
    assert_eq!(corrected["record_before"]["status"], "disputed");
    assert_eq!(corrected["record_before"]["description"], Value::Null);
    assert_eq!(corrected["record_after"]["status"], "revoked");
    assert_eq!(corrected["record_after"]["description"], "经行政复议撤销");
    assert_eq!(
        corrected["record_after"]["title"],
        corrected["record_before"]["title"]
    );
    let event_now = get_event(&app, &cast, revoked).await;
    assert_eq!(event_now["status"], "revoked");
    assert_eq!(event_now["description"], "经行政复议撤销");
    let last = history(&app, &cast, "credit_event").await.pop().unwrap();
    assert_eq!(last["action"], "answer_objection");
    assert_eq!(last["source"], "objection");
    assert_eq!(
        last["changes"],
        json!([
            {"field": "description", "before": null, "after": "经行政复议撤销"},
            {"field": "status", "before": "disputed", "after": "revoked"}
        ])
    );
    assert_eq!(
        score_count(&app, &cast).await,
        3,
        "a corrected record rescores"
    );
    let rescored = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&cast.regulator),
        )
        .await;
    let rescored = ok_json(rescored, 200).await;
    assert_ne!(
        rescored["details"]["score"], first["details"]["score"],
        "one negative event fewer counts"
    );

    // Partly corrected figures: the value changes and the review status is restored.
    let partly = ok_json(
        answer(
            &app,
            &cast.admin,
            on_figures,
            &json!({"outcome": "partly_corrected", "explanation": "退款率按平台口径更正，订单数维持",
                "correction": {"refund_rate": 0.05}}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(partly["record_before"]["refund_rate"], 0.03);
    assert_eq!(partly["record_after"]["refund_rate"], 0.05);
    let figures = get_operating(&app, &cast, record_id).await;
    assert_eq!(figures["refund_rate"], 0.05);
    assert_eq!(figures["review_status"], "accepted");
    assert_eq!(score_count(&app, &cast).await, 4);

    // Upheld changes nothing to score.
    ok_json(
        answer(
            &app,
            &cast.regulator,
            on_kept,
            &json!({"outcome": "upheld", "explanation": "处罚正确"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(score_count(&app, &cast).await, 4);
    assert_eq!(get_event(&app, &cast, kept).await["status"], "active");
}

async fn bad_filings_and_answers_are_refused_and_change_nothing(app: TestApp) {
    let cast = app.cast().await;
    let event_id = event(&app, &cast, CODE_A, "虚假宣传行政处罚").await;
    let others = event(&app, &cast, CODE_B, "深圳处罚").await;
    let record_id = operating(&app, &cast, CODE_A, "2026-09").await;
    let many: Vec<Value> = (0..11)
        .map(|i| json!({"title": format!("附件{i}"), "url": "https://files.example.cn/a.pdf"}))
        .collect();
    let long = "长".repeat(4001);
    let refused = [
        (
            json!({"credit_event_id": event_id, "operating_record_id": record_id, "reason": "x"}),
            "credit_event_id",
        ),
        (json!({"reason": "x"}), "credit_event_id"),
        (
            json!({"credit_event_id": event_id, "reason": "  "}),
            "reason",
        ),
        (
            json!({"credit_event_id": event_id, "reason": long}),
            "reason",
        ),
        (
            json!({"credit_event_id": event_id, "reason": "x", "attachments": many}),
            "attachments",
        ),
        (
            json!({"credit_event_id": event_id, "reason": "x",
                "attachments": [{"title": "附件", "url": "javascript:alert(1)"}]}),
            "attachments[0].url",
        ),
        (
            json!({"credit_event_id": event_id, "reason": "x", "urgent": true}),
            "urgent",
        ),
        (
            json!({"credit_event_id": others, "reason": "x"}),
            "credit_event_id",
        ),
        (
            json!({"credit_event_id": 99999, "reason": "x"}),
            "credit_event_id",
        ),
        (
            json!({"operating_record_id": 99999, "reason": "x"}),
            "operating_record_id",
        ),
    ];
    for (body, field) in refused {
        let problem =
            assert_problem(file(&app, Some(&cast.owner_a), CODE_A, &body).await, 422).await;
        assert!(
            problem_fields(&problem).contains(&field.to_string()),
            "{body}: {problem}"
        );
    }
    let none = ok_json(
        app.get(&objections_path(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(none["total"], 0);
    let untouched = get_event(&app, &cast, event_id).await;
    assert_eq!(untouched["status"], "active");
    assert_eq!(untouched["meta"]["version"], 1);

    // A revoked event is not disputed (it no longer counts anywhere).
    let revoked = event(&app, &cast, CODE_A, "已撤销处罚").await;
    let path = format!("/api/v1/enterprises/{CODE_A}/credit-events/{revoked}");
    let patched = app
        .patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"status": "revoked"}),
        )
        .await;
    ok_json(patched, 200).await;
    let problem = assert_problem(
        file(&app, Some(&cast.owner_a), CODE_A, &against_event(revoked)).await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["credit_event_id"]);

    // One open objection per record.
    let id = filed(&app, &cast, &against_event(event_id)).await;
    assert_problem(
        file(&app, Some(&cast.owner_a), CODE_A, &against_event(event_id)).await,
        409,
    )
    .await;
    let figures = json!({"operating_record_id": record_id, "reason": "数据有误"});
    let on_figures = filed(&app, &cast, &figures).await;
    assert_problem(file(&app, Some(&cast.owner_a), CODE_A, &figures).await, 409).await;
    let all = ok_json(
        app.get(&objections_path(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(all["total"], 2);

    // Answers that do not fit the outcome or the record.
    let disputed = get_event(&app, &cast, event_id).await;
    let refused_answers = [
        (
            json!({"outcome": "corrected", "explanation": "更正"}),
            "correction",
        ),
        (
            json!({"outcome": "upheld", "explanation": "维持", "correction": {"severity": "minor"}}),
            "correction",
        ),
        (
            json!({"outcome": "upheld", "explanation": " "}),
            "explanation",
        ),
        (
            json!({"outcome": "withdrawn", "explanation": "x"}),
            "outcome",
        ),
        (
            json!({"outcome": "corrected", "explanation": "更正", "correction": {"severity": "huge"}}),
            "correction.severity",
        ),
        (
            json!({"outcome": "corrected", "explanation": "更正", "correction": {"colour": "red"}}),
            "correction.colour",
        ),
        (
            json!({"outcome": "corrected", "explanation": "更正", "correction": {"status": "disputed"}}),
            "correction.status",
        ),
        (
            json!({"outcome": "corrected", "explanation": "更正",
                "correction": {"publicity_until": "2020-01-01"}}),
            "correction.publicity_until",
        ),
        (
            json!({"outcome": "corrected", "explanation": "更正", "correction": {"severity": "major"}}),
            "correction",
        ),
    ];
    for (body, field) in refused_answers {
        let problem = assert_problem(answer(&app, &cast.regulator, id, &body).await, 422).await;
        assert!(
            problem_fields(&problem).contains(&field.to_string()),
            "{body}: {problem}"
        );
    }
    let figure_problem = assert_problem(
        answer(
            &app,
            &cast.regulator,
            on_figures,
            &json!({"outcome": "corrected", "explanation": "更正", "correction": {"refund_rate": 1.5}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        problem_fields(&figure_problem),
        vec!["correction.refund_rate"]
    );
    assert_problem(
        answer(
            &app,
            &cast.regulator,
            99999,
            &json!({"outcome": "upheld", "explanation": "x"}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.post(
            &answer_path(CODE_B, id),
            Some(&cast.regulator),
            &json!({"outcome": "upheld", "explanation": "x"}),
        )
        .await,
        404,
    )
    .await;

    // Nothing was stored: the objections are open, the records still disputed and unchanged.
    let still = ok_json(
        app.get(
            &format!("{}/{id}", objections_path(CODE_A)),
            Some(&cast.regulator),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still["status"], "open");
    assert_eq!(still["outcome"], Value::Null);
    assert_eq!(still["record_before"], Value::Null);
    assert_eq!(get_event(&app, &cast, event_id).await, disputed);
    assert_eq!(
        get_operating(&app, &cast, record_id).await["review_status"],
        "disputed"
    );
    assert_eq!(queue(&app, &cast, "?status=answered").await["total"], 0);
}

/// A's objection naming B's record gets the answer a nonexistent id gets, whether or not B
/// disputes that record: nothing tells A that B's confidential record exists or is disputed.
async fn another_enterprises_records_are_unknown_disputed_or_not(app: TestApp) {
    let cast = app.cast().await;
    let event_b = event(&app, &cast, CODE_B, "虚假宣传行政处罚").await;
    let record_b = operating(&app, &cast, CODE_B, "2026-03").await;
    let unknown = json!({"credit_event_id": 999_999, "reason": "与本企业无关"});
    let baseline =
        assert_problem(file(&app, Some(&cast.owner_a), CODE_A, &unknown).await, 422).await;

    let naming_b = [
        json!({"credit_event_id": event_b, "reason": "与本企业无关"}),
        json!({"operating_record_id": record_b, "reason": "与本企业无关"}),
    ];
    let mut before = Vec::new();
    for body in &naming_b {
        before.push(assert_problem(file(&app, Some(&cast.owner_a), CODE_A, body).await, 422).await);
    }
    // B disputes both of its records.
    for body in &naming_b {
        let response = file(&app, Some(&cast.owner_b), CODE_B, body).await;
        ok_json(response, 201).await;
    }
    for (body, earlier) in naming_b.iter().zip(&before) {
        let after = assert_problem(file(&app, Some(&cast.owner_a), CODE_A, body).await, 422).await;
        assert_eq!(
            &after, earlier,
            "B's open objection must not change A's answer"
        );
        assert_eq!(after["title"], baseline["title"]);
        assert_eq!(
            after["errors"][0]["message"], baseline["errors"][0]["message"],
            "same wording as for an id that does not exist"
        );
    }
    // A has filed nothing.
    let own = ok_json(
        app.get(&objections_path(CODE_A), Some(&cast.owner_a)).await,
        200,
    )
    .await;
    assert_eq!(own["total"], 0);
}
