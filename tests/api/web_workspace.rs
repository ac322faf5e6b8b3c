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
);

async fn json_of(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
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
