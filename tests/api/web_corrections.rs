//! The keepers' writes from the enterprise detail: a credit event recorded from its page (and the
//! blacklist rule run on it), and each kind of record corrected with a reason, checked through
//! the JSON API and the history. A correction made from a form opened before someone else's
//! change writes nothing, and the page says so with the record as it is now (409), never a bare
//! 412. Enterprises, banks and the public are refused and change nothing.

use ecredit::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, TestApp};
use crate::on_both_backends;
use crate::web::{Browser, page_body, register_a_and_b, signed_in};
use crate::web_workspace::json_of;

on_both_backends!(
    a_keeper_records_a_credit_event_from_the_page,
    each_kind_of_record_is_corrected_from_its_page,
    a_correction_from_a_stale_form_says_someone_changed_it,
);

async fn post(
    browser: &Browser,
    app: &TestApp,
    token_from: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut browser = browser.clone();
    let csrf = browser.form_token(app, token_from).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    browser.post_form(app, path, &form).await
}

async fn created(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

const DEBTOR: [(&str, &str); 6] = [
    ("kind", "dishonest_judgment_debtor"),
    ("severity", "serious"),
    ("title", "列入失信被执行人名单"),
    ("authority", "杭州市西湖区人民法院"),
    ("document_number", "（2026）浙0106执12号"),
    ("decided_on", "2026-06-01"),
];

async fn a_keeper_records_a_credit_event_from_the_page(app: TestApp) {
    register_a_and_b(&app).await;
    let token = app.token_for("e-regulator", Role::Regulator, None).await;
    let mut browser = signed_in(&app, "p-regulator", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let events = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    let form = format!("/workspace/enterprises/{CODE_A}/credit-events/new");
    let action = format!("/workspace/enterprises/{CODE_A}/credit-events");

    // The records page offers it to keepers; the form opens.
    let records = page_body(
        &browser,
        &app,
        &format!("/workspace/records?enterprise={CODE_A}"),
        200,
    )
    .await;
    assert!(records.contains(&form), "the records page links the form");
    let body = page_body(&browser, &app, &form, 200).await;
    assert!(body.contains("Record a credit event") && body.contains("field-decided_on"));

    // Without a title: beside the field, what was typed kept, nothing recorded.
    let without_title: Vec<(&str, &str)> = DEBTOR
        .iter()
        .copied()
        .filter(|(k, _)| *k != "title")
        .collect();
    let refused = post(&browser, &app, &form, &action, &without_title).await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("field-title-error"), "{body}");
    assert!(
        body.contains("杭州市西湖区人民法院"),
        "what was typed is kept"
    );
    // A date the API refuses is refused the same way, beside its field.
    let mut future = DEBTOR.to_vec();
    future.retain(|(k, _)| *k != "decided_on");
    future.push(("decided_on", "2999-01-01"));
    let refused = post(&browser, &app, &form, &action, &future).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("field-decided_on-error")
    );
    assert_eq!(
        json_of(&app, &events, &token).await["total"],
        0,
        "refusals record nothing"
    );

    // Recorded: in the API, in the history under the regulator, and the rule proposes it.
    let done = post(&browser, &app, &form, &action, &DEBTOR).await;
    assert_eq!(done.status(), 303);
    let to = location(&done);
    assert!(to.contains("recorded="), "{to}");
    let listed = json_of(&app, &events, &token).await;
    assert_eq!(listed["total"], 1);
    let event = &listed["items"][0];
    assert_eq!(event["title"], "列入失信被执行人名单");
    assert_eq!(event["document_number"], "（2026）浙0106执12号");
    let proposals = json_of(&app, "/api/v1/lists/proposals", &token).await;
    assert!(
        proposals["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["enterprise_code"] == CODE_A),
        "the blacklist rule ran on the recorded event: {proposals}"
    );
    let history = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/history?entity=credit_event"),
        &token,
    )
    .await;
    assert_eq!(history["items"][0]["actor"], "p-regulator", "{history}");
    let notice = page_body(&browser, &app, &to, 200).await;
    assert!(
        notice.contains(&format!("Credit event no. {} is recorded", event["id"])),
        "{notice}"
    );

    // The enterprise itself, another enterprise and a bank are refused; the public signs in.
    for (name, role, code) in [
        ("p-owner", Role::Enterprise, Some(CODE_A)),
        ("p-bank", Role::Bank, None),
    ] {
        let other = signed_in(&app, name, role, code).await;
        assert_eq!(other.get(&app, &form).await.status(), 403, "{name}");
        let refused = post(&other, &app, "/workspace", &action, &DEBTOR).await;
        assert_eq!(refused.status(), 403, "{name}");
    }
    let anonymous = Browser::default().get(&app, &form).await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        json_of(&app, &events, &token).await["total"],
        1,
        "the refused posts recorded nothing"
    );
}

async fn each_kind_of_record_is_corrected_from_its_page(app: TestApp) {
    register_a_and_b(&app).await;
    let token = app.token_for("c-regulator", Role::Regulator, None).await;
    let mut browser = signed_in(&app, "f-regulator", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let base = format!("/api/v1/enterprises/{CODE_A}");
    let operating = created(
        app.post(
            &format!("{base}/operating-records"),
            Some(&token),
            &json!({"period": "2026-09", "online_sales": 1250000.0, "orders": 18400, "refund_rate": 0.032}),
        )
        .await,
    )
    .await;
    let event = created(
        app.post(
            &format!("{base}/credit-events"),
            Some(&token),
            &json!({
                "kind": "administrative_penalty", "severity": "major", "title": "虚假宣传",
                "authority": "杭州市西湖区市场监督管理局", "decided_on": "2026-05-01"
            }),
        )
        .await,
    )
    .await;
    let sentiment = created(
        app.post(
            &format!("{base}/sentiment"),
            Some(&token),
            &json!({
                "source_kind": "news", "source_name": "钱江晚报", "title": "西湖茶电商获评诚信示范企业",
                "published_at": "2026-10-12T08:30:00", "topic": "honours"
            }),
        )
        .await,
    )
    .await;
    let link = created(
        app.post(
            &format!("{base}/associations"),
            Some(&token),
            &json!({"kind": "guarantee", "related_name": "杭州某担保有限公司", "amount": 2000000.0}),
        )
        .await,
    )
    .await;

    // The records page links each record's correction.
    let records = page_body(
        &browser,
        &app,
        &format!("/workspace/records?enterprise={CODE_A}"),
        200,
    )
    .await;
    for (segment, record) in [
        ("operating-records", &operating),
        ("credit-events", &event),
        ("sentiment", &sentiment),
        ("associations", &link),
    ] {
        let path = format!("/workspace/enterprises/{CODE_A}/{segment}/{}", record["id"]);
        assert!(records.contains(&path), "{segment} is linked");
    }

    // Operating figures: the form shows the record at its version; a figure that is no number
    // and a missing reason are refused beside their fields and change nothing.
    let path = format!(
        "/workspace/enterprises/{CODE_A}/operating-records/{}",
        operating["id"]
    );
    let body = page_body(&browser, &app, &path, 200).await;
    assert!(body.contains(r#"name="version" value="1""#), "{body}");
    assert!(body.contains("18400") && body.contains("0.032"));
    let fields = |orders: &'static str, reason: &'static str| {
        vec![
            ("version", "1"),
            ("online_sales", "1250000"),
            ("orders", orders),
            ("refund_rate", "0.032"),
            ("source", "department"),
            ("reason", reason),
        ]
    };
    let refused = post(&browser, &app, &path, &path, &fields("many", "平台复核")).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("field-orders-error"));
    let refused = post(&browser, &app, &path, &path, &fields("18500", "")).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("field-reason-error"));
    // A rate the API refuses (above 1) is refused the same way.
    let mut over = fields("18500", "平台复核");
    over[3] = ("refund_rate", "3.2");
    let refused = post(&browser, &app, &path, &path, &over).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("field-refund_rate-error")
    );
    let unchanged = json_of(
        &app,
        &format!("{base}/operating-records/{}", operating["id"]),
        &token,
    )
    .await;
    assert_eq!(unchanged["orders"], 18400);
    let done = post(
        &browser,
        &app,
        &path,
        &path,
        &fields("18500", "平台后台数据复核"),
    )
    .await;
    assert_eq!(done.status(), 303);
    assert!(location(&done).contains("corrected="));
    let fixed = json_of(
        &app,
        &format!("{base}/operating-records/{}", operating["id"]),
        &token,
    )
    .await;
    assert_eq!(fixed["orders"], 18500, "{fixed}");
    assert_eq!(fixed["source"], "department");
    let history = json_of(
        &app,
        &format!("{base}/history?entity=operating_record"),
        &token,
    )
    .await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "correct", "{last}");
    assert_eq!(last["reason"], "平台后台数据复核");
    assert_eq!(last["actor"], "f-regulator");

    // A credit event revoked by its authority.
    let path = format!(
        "/workspace/enterprises/{CODE_A}/credit-events/{}",
        event["id"]
    );
    let done = post(
        &browser,
        &app,
        &path,
        &path,
        &[
            ("version", "1"),
            ("kind", "administrative_penalty"),
            ("severity", "major"),
            ("title", "虚假宣传"),
            ("authority", "杭州市西湖区市场监督管理局"),
            ("decided_on", "2026-05-01"),
            ("status", "revoked"),
            ("source", "department"),
            ("reason", "处罚决定经行政复议撤销"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    let fixed = json_of(
        &app,
        &format!("{base}/credit-events/{}", event["id"]),
        &token,
    )
    .await;
    assert_eq!(fixed["status"], "revoked", "{fixed}");

    // A sentiment item: its time as the form types it, its tone set.
    let path = format!(
        "/workspace/enterprises/{CODE_A}/sentiment/{}",
        sentiment["id"]
    );
    let body = page_body(&browser, &app, &path, 200).await;
    assert!(
        body.contains(r#"value="2026-10-12T08:30""#),
        "the time as datetime-local"
    );
    let done = post(
        &browser,
        &app,
        &path,
        &path,
        &[
            ("version", "1"),
            ("source_kind", "news"),
            ("source_name", "钱江晚报"),
            ("title", "西湖茶电商获评诚信示范企业"),
            ("published_at", "2026-10-12T09:15"),
            ("polarity", "0.8"),
            ("topic", "honours"),
            ("source", "platform"),
            ("reason", "发布时间以报社官网为准"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    let fixed = json_of(
        &app,
        &format!("{base}/sentiment/{}", sentiment["id"]),
        &token,
    )
    .await;
    assert!(
        fixed["published_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-10-12T09:15"),
        "{fixed}"
    );
    assert_eq!(fixed["polarity"], 0.8);

    // An association: the guaranteed amount.
    let path = format!(
        "/workspace/enterprises/{CODE_A}/associations/{}",
        link["id"]
    );
    let done = post(
        &browser,
        &app,
        &path,
        &path,
        &[
            ("version", "1"),
            ("kind", "guarantee"),
            ("related_name", "杭州某担保有限公司"),
            ("amount", "1,500,000"),
            ("source", "department"),
            ("reason", "担保合同金额更正"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    let fixed = json_of(&app, &format!("{base}/associations/{}", link["id"]), &token).await;
    assert_eq!(fixed["amount"], 1500000.0, "{fixed}");

    // No such kind, no such record.
    let unknown = format!("/workspace/enterprises/{CODE_A}/licences/1");
    assert_eq!(browser.get(&app, &unknown).await.status(), 404);
    let missing = format!("/workspace/enterprises/{CODE_A}/operating-records/99999");
    assert_eq!(browser.get(&app, &missing).await.status(), 404);

    // The enterprise itself reads its records but corrects none of them; a bank neither.
    let path = format!(
        "/workspace/enterprises/{CODE_A}/operating-records/{}",
        operating["id"]
    );
    for (name, role, code) in [
        ("f-owner", Role::Enterprise, Some(CODE_A)),
        ("f-bank", Role::Bank, None),
    ] {
        let other = signed_in(&app, name, role, code).await;
        assert_eq!(other.get(&app, &path).await.status(), 403, "{name}");
        let refused = post(&other, &app, "/workspace", &path, &fields("1", "自行修改")).await;
        assert_eq!(refused.status(), 403, "{name}");
    }
    let owner = signed_in(&app, "f-owner2", Role::Enterprise, Some(CODE_A)).await;
    let own_records = page_body(&owner, &app, "/workspace/records", 200).await;
    assert!(
        !own_records.contains(&path),
        "the enterprise sees no correction link"
    );
    let after = json_of(
        &app,
        &format!("{base}/operating-records/{}", operating["id"]),
        &token,
    )
    .await;
    assert_eq!(
        after["orders"], 18500,
        "the refused corrections changed nothing"
    );
}

async fn a_correction_from_a_stale_form_says_someone_changed_it(app: TestApp) {
    register_a_and_b(&app).await;
    let token = app.token_for("s-regulator", Role::Regulator, None).await;
    let mut browser = signed_in(&app, "s-keeper", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let base = format!("/api/v1/enterprises/{CODE_A}");
    let record = created(
        app.post(
            &format!("{base}/operating-records"),
            Some(&token),
            &json!({"period": "2026-08", "online_sales": 980000.0, "orders": 12000}),
        )
        .await,
    )
    .await;
    let api_path = format!("{base}/operating-records/{}", record["id"]);
    let path = format!(
        "/workspace/enterprises/{CODE_A}/operating-records/{}",
        record["id"]
    );
    // The keeper opens the form at version 1 ...
    let body = page_body(&browser, &app, &path, 200).await;
    assert!(body.contains(r#"name="version" value="1""#));
    // ... meanwhile someone corrects the record through the API ...
    let changed = app
        .patch(
            &api_path,
            Some(&token),
            Some("\"1\""),
            &json!({"orders": 12500, "reason": "平台推送更正"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    // ... and the keeper's correction, from the form of version 1, writes nothing.
    let stale = post(
        &browser,
        &app,
        &path,
        &path,
        &[
            ("version", "1"),
            ("online_sales", "990000"),
            ("orders", "12000"),
            ("source", "department"),
            ("reason", "企业报送有误"),
        ],
    )
    .await;
    assert_eq!(stale.status(), 409);
    let body = stale.text().await.unwrap();
    assert!(
        body.contains("Someone changed this record after you opened it"),
        "{body}"
    );
    assert!(body.contains("You opened version 1; the record is now at version 2"));
    assert!(
        body.contains("12500") && body.contains("990000"),
        "now and yours side by side"
    );
    assert!(
        body.contains(&format!(r#"href="{path}""#)),
        "a way to reload the current version"
    );
    let now = json_of(&app, &api_path, &token).await;
    assert_eq!(now["orders"], 12500);
    assert_eq!(
        now["online_sales"], 980000.0,
        "nothing of the stale form was written"
    );
    // Reloaded, the form is at version 2, and the correction goes through.
    let body = page_body(&browser, &app, &path, 200).await;
    assert!(body.contains(r#"name="version" value="2""#));
    let done = post(
        &browser,
        &app,
        &path,
        &path,
        &[
            ("version", "2"),
            ("online_sales", "990000"),
            ("orders", "12500"),
            ("source", "department"),
            ("reason", "企业报送有误"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    let now = json_of(&app, &api_path, &token).await;
    assert_eq!(now["online_sales"], 990000.0);
    // In Chinese too.
    let mut zh = browser.clone();
    zh.lang = Some("zh-CN".into());
    let stale = post(
        &zh,
        &app,
        &path,
        &path,
        &[
            ("version", "1"),
            ("online_sales", "1"),
            ("orders", "1"),
            ("source", "department"),
            ("reason", "过期表单"),
        ],
    )
    .await;
    assert_eq!(stale.status(), 409);
    assert!(
        stale
            .text()
            .await
            .unwrap()
            .contains("您打开此记录后，已有其他人修改了它")
    );
}
