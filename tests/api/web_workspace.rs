//! The enterprise workspace of the console: its pages for each role, and every write through
//! them (submit a period, grant and revoke an authorisation, apply for credit repair, create the
//! own report) checked afterwards through the JSON API; refused writes change nothing.

use chrono::{Datelike, Duration};
use ecredit::clock::Clock;
use ecredit::domain::Role;
use ecredit::web::i18n::{LANGS, MISSING_MARKER};
use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, TestApp};
use crate::on_both_backends;
use crate::web::{Browser, hidden_csrf, signed_in};

on_both_backends!(
    workspace_pages_show_the_owner_its_data_in_both_languages,
    writes_through_the_pages_are_seen_through_the_api,
    refused_writes_change_nothing,
    the_own_full_report_opens_for_the_owner_only,
    an_objection_filed_on_the_page_counts_down_and_shows_its_answer,
    a_commitment_made_on_the_page_is_seen_through_the_api,
    basic_changes_apply_shops_at_once_and_hold_registered_facts,
    records_show_sentiment_and_associations_and_the_dashboard_the_grade_trend,
);

pub(crate) async fn json_of(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// A fresh session of `username` in `lang` (the clock moved past the last one's idle timeout).
async fn signed_in_again(app: &TestApp, username: &str, lang: &str) -> Browser {
    let mut browser = Browser::default();
    let response = browser
        .sign_in(app, username, crate::helpers::PASSWORD)
        .await;
    assert_eq!(response.status(), 303);
    browser.lang = Some(lang.into());
    browser
}

async fn score(app: &TestApp, base: &str, regulator: &str) -> reqwest::Response {
    app.request(
        reqwest::Method::POST,
        &format!("{base}/score"),
        Some(regulator),
    )
    .send()
    .await
    .unwrap()
}

async fn record_penalty(app: &TestApp, regulator: &str) -> i64 {
    let response = app
        .post(
            &format!("/api/v1/enterprises/{CODE_A}/credit-events"),
            Some(regulator),
            &json!({
                "kind": "administrative_penalty", "severity": "major", "title": "虚假宣传行政处罚",
                "authority": "杭州市西湖区市场监督管理局", "document_number": "杭西市监罚〔2026〕12号",
                "decided_on": "2026-05-01", "publicity_until": "2029-05-01"
            }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// GETs `path` and returns the status and body, with the CSRF token of its first form.
async fn open(b: &mut Browser, app: &TestApp, path: &str) -> (u16, String) {
    let response = b.get(app, path).await;
    b.keep(&response);
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn workspace_pages_show_the_owner_its_data_in_both_languages(app: TestApp) {
    let cast = app.cast().await;
    record_penalty(&app, &cast.regulator).await;
    let owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let regulator = signed_in(&app, "w-regulator", Role::Regulator, None).await;
    let other = signed_in(&app, "w-other", Role::Enterprise, Some(CODE_B)).await;
    let bank = signed_in(&app, "w-bank", Role::Bank, None).await;
    let pages = [
        "/workspace",
        "/workspace/records",
        "/workspace/history",
        "/workspace/history?entity=credit_event",
        "/workspace/submissions",
        "/workspace/objections",
        "/workspace/commitments",
        "/workspace/repairs",
        "/workspace/authorizations",
        "/workspace/query-log",
    ];
    for path in pages {
        for lang in LANGS {
            let mut b = owner.clone();
            b.lang = Some(lang.tag().into());
            let (status, body) = open(&mut b, &app, path).await;
            assert_eq!(status, 200, "{path} {}", lang.tag());
            assert!(
                !body.contains(MISSING_MARKER),
                "{path} {}: {}",
                lang.tag(),
                &body[body.find(MISSING_MARKER).unwrap()..][..60]
            );
            assert!(body.contains("class=\"ws-nav\""), "{path}");
            let mut ids = std::collections::BTreeSet::new();
            for id in body
                .split(" id=\"")
                .skip(1)
                .map(|rest| &rest[..rest.find('"').unwrap()])
            {
                assert!(ids.insert(id), "{path}: the id {id} is used twice");
            }
            assert!(!body.contains("style="), "no inline style on {path}");
            assert!(!body.contains("11010519491231002X"), "{path}");
            // Keepers read the same page of enterprise A, without its forms.
            let sep = if path.contains('?') { '&' } else { '?' };
            let theirs = format!("{path}{sep}enterprise={CODE_A}");
            let mut r = regulator.clone();
            r.lang = Some(lang.tag().into());
            let (status, body) = open(&mut r, &app, &theirs).await;
            assert_eq!(status, 200, "{theirs} as regulator");
            assert!(!body.contains(MISSING_MARKER), "{theirs} as regulator");
            assert!(
                !body.contains("method=\"post\" action=\"/workspace/"),
                "{theirs}: read-only"
            );
            for refused in [&other, &bank] {
                assert_eq!(refused.get(&app, &theirs).await.status(), 403, "{theirs}");
            }
            let anonymous = Browser::default().get(&app, path).await;
            assert_eq!(anonymous.status(), 303, "{path}");
            assert!(
                anonymous.headers()["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/sign-in?next=")
            );
        }
    }
    // The records page shows the event, and the history names its creation.
    let (_, records) = open(&mut owner.clone(), &app, "/workspace/records").await;
    assert!(records.contains("虚假宣传行政处罚"));
    let (_, history) = open(
        &mut owner.clone(),
        &app,
        "/workspace/history?entity=credit_event",
    )
    .await;
    assert!(
        history.contains("credit_event")
            || history.contains("信用事件")
            || history.contains("Credit event")
    );
    // A kind the history does not know is shown beside its field.
    let response = owner.get(&app, "/workspace/history?entity=nonsense").await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"field-entity-error\""), "{body}");
}

async fn writes_through_the_pages_are_seen_through_the_api(app: TestApp) {
    let cast = app.cast().await;
    let penalty = record_penalty(&app, &cast.regulator).await;
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let bank = crate::authorizations::bank_id(&app, &cast.owner_a, "Test Bank").await;

    // Submit an operating period.
    let (_, page) = open(&mut owner, &app, "/workspace/submissions").await;
    let csrf = hidden_csrf(&page).unwrap();
    let period = format!("{}-01", app.clock.today().year() - 1);
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("period", &period),
                ("online_sales", "1250000"),
                ("orders", "8200"),
                ("refund_rate", "0.04"),
                ("complaints", "12"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/workspace/submissions?done="),
        "{location}"
    );
    let (status, shown) = open(&mut owner, &app, &location).await;
    assert_eq!(status, 200);
    assert!(shown.contains("notice"), "the result is shown");
    let submissions = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/submissions"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(submissions["total"], 1, "{submissions}");
    assert_eq!(
        submissions["items"][0]["operating"][0]["period"]
            .as_str()
            .or(submissions["items"][0]["content"]["operating"][0]["period"].as_str()),
        Some(period.as_str()),
        "{submissions}"
    );

    // Grant an authorisation, then revoke it.
    let expires = (app.clock.today() + Duration::days(60)).to_string();
    let response = owner
        .post_form(
            &app,
            "/workspace/authorizations",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("bank_organisation_id", &bank.to_string()),
                ("purpose", "loan_application"),
                ("scope", "full_report"),
                ("expires_on", &expires),
                ("note", "流动资金贷款"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let grants = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/authorizations"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(grants["total"], 1);
    assert_eq!(grants["items"][0]["status"], "live");
    let id = grants["items"][0]["id"].as_i64().unwrap();
    let (_, listed) = open(&mut owner, &app, "/workspace/authorizations?done=1").await;
    assert!(listed.contains(&format!("action=\"/workspace/authorizations/{id}/revoke\"")));
    let response = owner
        .post_form(
            &app,
            &format!("/workspace/authorizations/{id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let grants = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/authorizations"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(grants["items"][0]["status"], "revoked");
    // Revoking twice is a conflict, shown as the error page.
    let again = owner
        .post_form(
            &app,
            &format!("/workspace/authorizations/{id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(again.status(), 409);

    // Apply for repair of the penalty.
    let (_, page) = open(&mut owner, &app, "/workspace/repairs").await;
    assert!(
        page.contains(&format!("value=\"event:{penalty}\"")),
        "the penalty can be chosen"
    );
    let response = owner
        .post_form(
            &app,
            "/workspace/repairs",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("target", &format!("event:{penalty}")),
                ("corrections", "已全额缴纳罚款并完成整改。"),
                ("evidence_title", "罚款缴纳凭证"),
                (
                    "evidence_url",
                    "https://files.example.cn/repair/receipt-118.pdf",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let repairs = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/repairs"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(repairs["total"], 1, "{repairs}");
    assert_eq!(repairs["items"][0]["credit_event_id"], penalty);
    let (_, dashboard) = open(&mut owner, &app, "/workspace").await;
    assert!(!dashboard.contains(MISSING_MARKER));
}

async fn refused_writes_change_nothing(app: TestApp) {
    let cast = app.cast().await;
    let penalty = record_penalty(&app, &cast.regulator).await;
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let mut regulator = signed_in(&app, "w-regulator", Role::Regulator, None).await;
    let bank = crate::authorizations::bank_id(&app, &cast.owner_a, "Test Bank").await;
    let (_, page) = open(&mut owner, &app, "/workspace/authorizations").await;
    let csrf = hidden_csrf(&page).unwrap();
    let expires = (app.clock.today() + Duration::days(60)).to_string();
    let bank_s = bank.to_string();
    let period = format!("{}-01", app.clock.today().year() - 1);
    let event = format!("event:{penalty}");
    let posts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "/workspace/submissions",
            vec![
                ("enterprise", CODE_A),
                ("period", &period),
                ("online_sales", "100"),
                ("orders", "3"),
            ],
        ),
        (
            "/workspace/authorizations",
            vec![
                ("enterprise", CODE_A),
                ("bank_organisation_id", &bank_s),
                ("purpose", "loan_application"),
                ("expires_on", &expires),
            ],
        ),
        (
            "/workspace/repairs",
            vec![
                ("enterprise", CODE_A),
                ("target", &event),
                ("corrections", "已整改。"),
            ],
        ),
        ("/workspace/reports", vec![("enterprise", CODE_A)]),
    ];
    // Without the CSRF token, or with a wrong one: 403.
    for (path, fields) in &posts {
        let response = owner.post_form(&app, path, fields).await;
        assert_eq!(response.status(), 403, "{path} without a token");
        let mut wrong = fields.clone();
        wrong.push((
            "csrf",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ));
        assert_eq!(
            owner.post_form(&app, path, &wrong).await.status(),
            403,
            "{path}"
        );
    }
    // A regulator's post is refused by the service: these writes are the enterprise's own.
    let (_, rpage) = open(
        &mut regulator,
        &app,
        &format!("/workspace/authorizations?enterprise={CODE_A}"),
    )
    .await;
    let rcsrf = rpage
        .find("name=\"csrf\"")
        .map(|_| hidden_csrf(&rpage).unwrap())
        .unwrap();
    for (path, fields) in &posts[..3] {
        let mut with = fields.clone();
        with.push(("csrf", &rcsrf));
        assert_eq!(
            regulator.post_form(&app, path, &with).await.status(),
            403,
            "{path} as regulator"
        );
    }
    // Bad input: 422, the error beside its field, what was typed kept.
    let response = owner
        .post_form(
            &app,
            "/workspace/authorizations",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("bank_organisation_id", &bank_s),
                ("purpose", "loan_application"),
                ("expires_on", "2001-01-01"),
                ("note", "保留的备注"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"field-expires_on-error\""), "{body}");
    assert!(body.contains("value=\"2001-01-01\"") && body.contains("保留的备注"));
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("period", &period),
                ("online_sales", "lots"),
                ("orders", "3"),
                ("refund_rate", "1.5"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"field-online_sales-error\""), "{body}");
    assert!(body.contains("value=\"lots\""));
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("period", "2026-13"),
                ("online_sales", "100"),
                ("orders", "3"),
                ("refund_rate", "1.5"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"field-period-error\""), "{body}");
    assert!(body.contains("id=\"field-refund_rate-error\""), "{body}");
    let response = owner
        .post_form(
            &app,
            "/workspace/repairs",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("target", ""),
                ("corrections", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("id=\"field-target-error\"")
            && body.contains("id=\"field-corrections-error\""),
        "{body}"
    );
    // Nothing changed.
    for what in ["submissions", "authorizations", "repairs", "query-log"] {
        let listed = json_of(
            &app,
            &format!("/api/v1/enterprises/{CODE_A}/{what}"),
            &cast.owner_a,
        )
        .await;
        assert_eq!(listed["total"], 0, "{what}: {listed}");
    }
}

async fn the_own_full_report_opens_for_the_owner_only(app: TestApp) {
    let cast = app.cast().await;
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let other = signed_in(&app, "w-other", Role::Enterprise, Some(CODE_B)).await;
    let (_, page) = open(&mut owner, &app, "/workspace").await;
    assert!(page.contains("action=\"/workspace/reports\""));
    let csrf = hidden_csrf(&page).unwrap();
    let response = owner
        .post_form(
            &app,
            "/workspace/reports",
            &[("csrf", &csrf), ("enterprise", CODE_A)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/workspace/reports/"), "{location}");
    let response = owner.get(&app, &location).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(other.get(&app, &location).await.status(), 403);
    assert_eq!(Browser::default().get(&app, &location).await.status(), 303);
    // The creation and the read are in the query log, through the API and on the page.
    let log = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/query-log"),
        &cast.owner_a,
    )
    .await;
    assert!(log["total"].as_i64().unwrap() >= 2, "{log}");
    let (_, shown) = open(&mut owner, &app, "/workspace/query-log").await;
    assert!(shown.contains("w-owner"));
}

async fn an_objection_filed_on_the_page_counts_down_and_shows_its_answer(app: TestApp) {
    let cast = app.cast().await;
    let penalty = record_penalty(&app, &cast.regulator).await;
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let mut other = signed_in(&app, "w-other", Role::Enterprise, Some(CODE_B)).await;
    let (_, page) = open(&mut owner, &app, "/workspace/objections").await;
    assert!(
        page.contains(&format!("value=\"event:{penalty}\"")),
        "the penalty can be disputed"
    );
    let csrf = hidden_csrf(&page).unwrap();

    // Bad input: the errors beside the fields, what was typed kept, nothing filed.
    let response = owner
        .post_form(
            &app,
            "/workspace/objections",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("target", ""),
                ("reason", "  "),
                ("attachment_title", "复议决定书"),
                ("attachment_url", "ftp://nowhere"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    for field in ["target", "reason", "attachment_url"] {
        assert!(
            body.contains(&format!("id=\"field-{field}-error\"")),
            "{field}: {body}"
        );
    }
    assert!(
        body.contains("value=\"复议决定书\""),
        "what was typed is kept"
    );
    // Another enterprise cannot dispute A's record through its own form.
    let (_, theirs) = open(&mut other, &app, "/workspace/objections").await;
    let their_csrf = hidden_csrf(&theirs).unwrap();
    let refused = other
        .post_form(
            &app,
            "/workspace/objections",
            &[
                ("csrf", &their_csrf),
                ("enterprise", CODE_A),
                ("target", &format!("event:{penalty}")),
                ("reason", "不是我们的"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let listed = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/objections"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(listed["total"], 0, "{listed}");

    // Filed: the event is disputed, the deadline counts down.
    let response = owner
        .post_form(
            &app,
            "/workspace/objections",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("target", &format!("event:{penalty}")),
                ("reason", "该处罚已被行政复议撤销。"),
                ("attachment_title", "行政复议决定书"),
                (
                    "attachment_url",
                    "https://files.example.cn/review-2026-118.pdf",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let listed = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/objections"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(listed["total"], 1, "{listed}");
    let objection = &listed["items"][0];
    assert_eq!(objection["credit_event_id"], penalty);
    assert_eq!(objection["status"], "open");
    assert_eq!(objection["attachments"][0]["title"], "行政复议决定书");
    let id = objection["id"].as_i64().unwrap();
    let event = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/credit-events/{penalty}"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(event["status"], "disputed");
    let mut en = owner.clone();
    en.lang = Some("en".into());
    let (_, dashboard) = open(&mut en, &app, "/workspace").await;
    assert!(
        dashboard.contains("Objections awaiting an answer: 1"),
        "the dashboard counts the open objection: {dashboard}"
    );
    let (status, shown) = open(&mut en, &app, &location).await;
    assert_eq!(status, 200);
    assert!(shown.contains("20 days left"), "{shown}");
    assert!(
        !shown.contains(&format!("value=\"event:{penalty}\"")),
        "a disputed event is not offered again"
    );
    app.clock.advance(Duration::days(19));
    let mut en = signed_in_again(&app, "w-owner", "en").await;
    let (_, shown) = open(&mut en, &app, "/workspace/objections").await;
    assert!(
        shown.contains("1 day left"),
        "the countdown is singular at one"
    );
    app.clock.advance(Duration::days(3));
    let mut en = signed_in_again(&app, "w-owner", "en").await;
    let (_, shown) = open(&mut en, &app, "/workspace/objections").await;
    assert!(shown.contains("Overdue by 2 days"), "{shown}");
    let mut zh = signed_in_again(&app, "w-owner", "zh-CN").await;
    let (_, shown) = open(&mut zh, &app, "/workspace/objections").await;
    assert!(shown.contains("已逾期 2 天"));
    let regulator = app.login("regulator", crate::helpers::PASSWORD).await;

    // Answered through the API: the outcome and the explanation are on the page.
    let answered = app
        .post(
            &format!("/api/v1/enterprises/{CODE_A}/objections/{id}/answer"),
            Some(&regulator),
            &json!({"outcome": "upheld", "explanation": "经复核，处罚决定合法有效。"}),
        )
        .await;
    assert_eq!(answered.status(), 200, "{}", answered.text().await.unwrap());
    let (_, shown) = open(&mut en, &app, "/workspace/objections").await;
    assert!(shown.contains("Upheld"), "{shown}");
    assert!(shown.contains("经复核，处罚决定合法有效。"));
    assert!(shown.contains("Answered after the deadline"));
    assert!(!shown.contains("days left") && !shown.contains("Overdue by"));
    let (_, dashboard) = open(&mut en, &app, "/workspace").await;
    assert!(
        dashboard.contains("Objections awaiting an answer: 0"),
        "an answered objection no longer waits: {dashboard}"
    );
}

async fn a_commitment_made_on_the_page_is_seen_through_the_api(app: TestApp) {
    let cast = app.cast().await;
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let mut regulator = signed_in(&app, "w-regulator", Role::Regulator, None).await;
    let (_, page) = open(&mut owner, &app, "/workspace/commitments").await;
    let csrf = hidden_csrf(&page).unwrap();
    let today = app.clock.today();
    let end = (today + Duration::days(365)).to_string();
    // Bad dates and an empty text: every error beside its field at once, nothing recorded.
    let response = owner
        .post_form(
            &app,
            "/workspace/commitments",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("scope", "产品质量"),
                ("text", ""),
                ("period_start", "2026-02-30"),
                ("period_end", &end),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"field-period_start-error\""), "{body}");
    assert!(body.contains("id=\"field-text-error\""), "{body}");
    assert!(body.contains("value=\"产品质量\""));
    let past = (today - Duration::days(3)).to_string();
    let response = owner
        .post_form(
            &app,
            "/workspace/commitments",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("scope", "产品质量"),
                ("text", "所售茶叶均经第三方检测合格。"),
                ("period_start", &past),
                ("period_end", &past),
            ],
        )
        .await;
    assert_eq!(response.status(), 422, "a period already over");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"field-period_end-error\"")
    );
    // A keeper's post is refused: the commitment is the enterprise's own.
    let (_, rpage) = open(
        &mut regulator,
        &app,
        &format!("/workspace/commitments?enterprise={CODE_A}"),
    )
    .await;
    assert!(
        !rpage.contains("action=\"/workspace/commitments\""),
        "read-only for keepers"
    );
    let rcsrf = hidden_csrf(&rpage).unwrap();
    let refused = regulator
        .post_form(
            &app,
            "/workspace/commitments",
            &[
                ("csrf", &rcsrf),
                ("enterprise", CODE_A),
                ("scope", "产品质量"),
                ("text", "代为承诺"),
                ("period_start", &today.to_string()),
                ("period_end", &end),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let listed = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/commitments"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(listed["total"], 0, "{listed}");

    let response = owner
        .post_form(
            &app,
            "/workspace/commitments",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("scope", "产品质量"),
                ("text", "所售茶叶均经第三方检测合格，不合格产品无条件退换。"),
                ("period_start", &today.to_string()),
                ("period_end", &end),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let listed = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/commitments"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["scope"], "产品质量");
    assert_eq!(listed["items"][0]["status"], "pending");
    let id = listed["items"][0]["id"].as_i64().unwrap();
    // Found broken through the API: the page shows the finding and its credit event.
    let decided = app
        .post(
            &format!("/api/v1/enterprises/{CODE_A}/commitments/{id}/decision"),
            Some(&cast.regulator),
            &json!({"outcome": "broken", "explanation": "抽检两批次不合格，未按承诺退换。", "severity": "major", "authority": "杭州市西湖区市场监督管理局"}),
        )
        .await;
    assert!(
        decided.status().is_success(),
        "{}",
        decided.text().await.unwrap()
    );
    let mut en = owner.clone();
    en.lang = Some("en".into());
    let (_, shown) = open(&mut en, &app, "/workspace/commitments").await;
    assert!(
        shown.contains("Broken") && shown.contains("抽检两批次不合格"),
        "{shown}"
    );
    assert!(shown.contains("Recorded as credit event"));
}

async fn basic_changes_apply_shops_at_once_and_hold_registered_facts(app: TestApp) {
    let cast = app.cast().await;
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let (_, page) = open(&mut owner, &app, "/workspace/submissions").await;
    assert!(page.contains("name=\"kind\" value=\"basic\""));
    let csrf = hidden_csrf(&page).unwrap();
    let before = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}"),
        &cast.owner_a,
    )
    .await;
    // A shop added: applied at once.
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("kind", "basic"),
                ("platforms[0].platform", "抖音"),
                ("platforms[0].shop_name", "西湖茶直播间"),
                ("platforms[0].shop_url", ""),
                ("model_b2c", "on"),
                ("model_live_streaming", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let after = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}"),
        &cast.owner_a,
    )
    .await;
    let platforms = after["platforms"].to_string();
    assert!(platforms.contains("西湖茶直播间"), "{after}");
    assert!(
        after["business_models"]
            .to_string()
            .contains("live_streaming"),
        "{after}"
    );
    // A new name: held for review, the name unchanged.
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("kind", "basic"),
                ("platforms[0].platform", "抖音"),
                ("platforms[0].shop_name", "西湖茶直播间"),
                ("model_b2c", "on"),
                ("model_live_streaming", "on"),
                ("name", "杭州西湖新茶电子商务有限公司"),
                ("basic_note", "已完成工商变更登记"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let (_, shown) = open(&mut owner, &app, &location).await;
    assert!(
        shown.contains("notice warning"),
        "the held submission is shown as held"
    );
    let mut zh = owner.clone();
    zh.lang = Some("zh-CN".into());
    let (_, shown) = open(&mut zh, &app, &location).await;
    assert!(
        shown.contains("<strong>企业名称</strong>：属登记事项，须经监管部门核对工商登记后生效"),
        "the finding in the page's language"
    );
    assert!(!shown.contains("a registered fact"));
    let now = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(now["name"], before["name"]);
    let submissions = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/submissions"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(submissions["total"], 2, "{submissions}");
    assert_eq!(
        submissions["items"][0]["status"], "pending",
        "{submissions}"
    );
    assert_eq!(
        submissions["items"][0]["findings"][0]["kind"], "registered_fact",
        "{submissions}"
    );
    // A bad capital and a bad shop link: beside their fields, nothing submitted.
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("kind", "basic"),
                ("platforms[0].platform", "抖音"),
                ("platforms[0].shop_name", "西湖茶直播间"),
                ("platforms[0].shop_url", "not a link"),
                ("registered_capital", "很多"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("id=\"field-registered_capital-error\""),
        "{body}"
    );
    assert!(body.contains("value=\"很多\""));
    let response = owner
        .post_form(
            &app,
            "/workspace/submissions",
            &[
                ("csrf", &csrf),
                ("enterprise", CODE_A),
                ("kind", "basic"),
                ("platforms[0].platform", "抖音"),
                ("platforms[0].shop_name", "西湖茶直播间"),
                ("platforms[0].shop_url", "not a link"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("id=\"field-platforms[0].shop_url-error\""),
        "{body}"
    );
    let submissions = json_of(
        &app,
        &format!("/api/v1/enterprises/{CODE_A}/submissions"),
        &cast.owner_a,
    )
    .await;
    assert_eq!(submissions["total"], 2, "nothing more was submitted");
}

async fn records_show_sentiment_and_associations_and_the_dashboard_the_grade_trend(app: TestApp) {
    let cast = app.cast().await;
    let base = format!("/api/v1/enterprises/{CODE_A}");
    let created = app
        .post(
            &format!("{base}/sentiment"),
            Some(&cast.regulator),
            &json!({"source_kind": "complaint", "source_name": "黑猫投诉", "title": "发货延迟且客服推诿",
                    "published_at": "2026-10-12T08:30:00", "polarity": -0.7, "topic": "after-sales"}),
        )
        .await;
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let created = app
        .post(
            &format!("{base}/associations"),
            Some(&cast.regulator),
            &json!({"kind": "guarantee", "related_code": CODE_B, "related_name": "深圳南山数码贸易有限公司", "amount": 2000000.0}),
        )
        .await;
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let mut owner = signed_in(&app, "w-owner", Role::Enterprise, Some(CODE_A)).await;
    let mut en = owner.clone();
    en.lang = Some("en".into());
    let (_, records) = open(&mut en, &app, "/workspace/records").await;
    assert!(
        records.contains("发货延迟且客服推诿") && records.contains("tone-negative"),
        "{records}"
    );
    assert!(records.contains("Complaint"));
    assert!(
        records.contains("<td>After-sales</td>"),
        "a known topic in the page's language"
    );
    let mut zh = owner.clone();
    zh.lang = Some("zh-CN".into());
    let (_, zh_records) = open(&mut zh, &app, "/workspace/records").await;
    assert!(zh_records.contains("<td>售后服务</td>"));
    assert!(records.contains("Guarantee") && records.contains(&format!("/enterprises/{CODE_B}")));
    // Scored on two days: the dashboard draws the trend, one point per day.
    let (_, dashboard) = open(&mut owner, &app, "/workspace").await;
    assert!(
        !dashboard.contains("grade-trend"),
        "no trend before two days scored"
    );
    // Twice on the first day, once on the next.
    for _ in 0..2 {
        let scored = score(&app, &base, &cast.regulator).await;
        assert_eq!(scored.status(), 201, "{}", scored.text().await.unwrap());
    }
    app.clock.advance(Duration::days(1));
    let regulator = app.login("regulator", crate::helpers::PASSWORD).await;
    let scored = score(&app, &base, &regulator).await;
    assert_eq!(scored.status(), 201);
    let mut en = signed_in_again(&app, "w-owner", "en").await;
    let mut owner = signed_in_again(&app, "w-owner", "zh-CN").await;
    let (_, dashboard) = open(&mut en, &app, "/workspace").await;
    assert!(
        dashboard.contains("class=\"chart grade-trend\""),
        "{dashboard}"
    );
    let trend = &dashboard[dashboard.find("grade-trend").unwrap()..];
    let trend = &trend[..trend.find("</svg>").unwrap()];
    assert_eq!(
        trend.matches("<circle").count(),
        2,
        "one point per day scored"
    );
    assert!(dashboard.contains("The last 2 days scored"));
    // The radar speaks the page's language.
    let (_, zh) = open(&mut owner, &app, "/workspace").await;
    let radar = &zh[zh.find("chart radar").unwrap()..];
    assert!(
        radar.contains("信用历史") && radar.contains("经营行为"),
        "{radar}"
    );
    // The reasons read as the API writes them in the page's language, never as raw bins.
    let token = app.login("w-owner", crate::helpers::PASSWORD).await;
    for (page, accept) in [(&dashboard, "en"), (&zh, "zh-CN")] {
        let score: serde_json::Value = app
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/enterprises/{CODE_A}/score"),
                Some(&token),
            )
            .header("accept-language", accept)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let reasons = &score["details"]["reasons"];
        let texts: Vec<&str> = ["raised", "lowered"]
            .iter()
            .flat_map(|list| reasons[list].as_array().unwrap())
            .map(|r| r["text"].as_str().unwrap())
            .collect();
        assert!(!texts.is_empty(), "{score}");
        for text in texts {
            assert!(page.contains(text), "{accept}: {text}");
        }
        assert!(
            !page.contains("inf]") && !page.contains("(-inf"),
            "{accept}"
        );
        // The way up, as the API gives it.
        let way_up: serde_json::Value = app
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/enterprises/{CODE_A}/score/way-up"),
                Some(&token),
            )
            .header("accept-language", accept)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(page.contains("id=\"way-up-title\""), "{accept}");
        assert!(
            page.contains(way_up["caveat"].as_str().unwrap()),
            "{accept}"
        );
        for change in way_up["changes"].as_array().unwrap() {
            for text in [&change["text"], &change["now"]] {
                assert!(page.contains(text.as_str().unwrap()), "{accept}: {change}");
            }
        }
    }
}
