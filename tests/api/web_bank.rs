//! The bank's console: the portfolio watch (add by name or code, remove, the change feed with
//! what is new since the last visit), the authorisations held with those expiring marked, and a
//! full report pulled under a live grant, downloaded and verified; each write checked through
//! the JSON API, refused ones changing nothing.

use ecredit::domain::Role;
use serde_json::Value;

use crate::authorizations::{bank_id, grant, revoke};
use crate::helpers::{CODE_A, CODE_B, TestApp};
use crate::on_both_backends;
use crate::web::{Browser, page_body, signed_in};
use crate::web_workspace::json_of;

on_both_backends!(
    the_portfolio_watch_is_kept_from_the_pages,
    a_full_report_is_pulled_under_a_live_grant_from_the_pages,
);

async fn watched(app: &TestApp, bank: &str) -> Vec<String> {
    let list = json_of(app, "/api/v1/watch", bank).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["enterprise_code"].as_str().unwrap().to_string())
        .collect()
}

async fn the_portfolio_watch_is_kept_from_the_pages(app: TestApp) {
    let cast = app.cast().await;
    let bank = bank_id(&app, &cast.owner_a, "Test Bank").await;
    grant(&app, &cast.owner_a, CODE_A, bank, 90).await;
    grant(&app, &cast.owner_b, CODE_B, bank, 90).await;
    let mut browser = signed_in(&app, "w-bank", Role::Bank, None).await;
    browser.lang = Some("en".into());

    let first = page_body(&browser, &app, "/workspace/portfolio", 200).await;
    assert!(first.contains("This is your first visit"), "{first}");
    let csrf = browser.form_token(&app, "/workspace/portfolio").await;
    let add = |typed: &'static str| {
        let csrf = csrf.clone();
        let mut b = browser.clone();
        let app = &app;
        async move {
            b.post_form(
                app,
                "/workspace/portfolio",
                &[("csrf", &csrf), ("enterprise", typed)],
            )
            .await
        }
    };
    // By a part of the name, and by the code.
    let added = add("西湖").await;
    assert_eq!(added.status(), 303);
    assert_eq!(
        added.headers()["location"],
        format!("/workspace/portfolio?added={CODE_A}")
    );
    assert_eq!(add(CODE_B).await.status(), 303);
    assert_eq!(watched(&app, &cast.bank).await, [CODE_A, CODE_B]);
    // Refused beside the field, changing nothing: twice the same, an unknown name.
    for typed in [CODE_A, "北京", ""] {
        let refused = add(typed).await;
        assert_eq!(refused.status(), 422, "{typed}");
        let page = refused.text().await.unwrap();
        assert!(page.contains("field-enterprise-error"), "{typed}: {page}");
        // Shown again, the form does not count as a visit nor forget the last one.
        assert!(page.contains("Your last visit was"), "{typed}: {page}");
    }
    assert_eq!(watched(&app, &cast.bank).await, [CODE_A, CODE_B]);

    // A change after this visit is highlighted on the next one.
    page_body(&browser, &app, "/workspace/portfolio", 200).await;
    app.clock.advance(chrono::Duration::minutes(5));
    let scored = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(scored.status(), 201);
    let next = page_body(&browser, &app, "/workspace/portfolio", 200).await;
    assert!(next.contains("one change since, highlighted"), "{next}");
    assert_eq!(next.matches(r#"class="new""#).count(), 1, "{next}");
    assert!(next.contains("First grade:"));
    // Seen now: the visit after has nothing new.
    let after = page_body(&browser, &app, "/workspace/portfolio", 200).await;
    assert!(after.contains("nothing changed since"), "{after}");
    assert_eq!(after.matches(r#"class="new""#).count(), 0);

    // Remove.
    let removed = browser
        .post_form(
            &app,
            "/workspace/portfolio/remove",
            &[("csrf", &csrf), ("enterprise_code", CODE_B)],
        )
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(watched(&app, &cast.bank).await, [CODE_A]);

    // Nobody else keeps a bank's watch list.
    let mut regulator = signed_in(&app, "w-regulator", Role::Regulator, None).await;
    let token = regulator.form_token(&app, "/workspace").await;
    let response = regulator
        .post_form(
            &app,
            "/workspace/portfolio",
            &[("csrf", &token), ("enterprise", CODE_B)],
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = regulator
        .post_form(
            &app,
            "/workspace/portfolio/remove",
            &[("csrf", &token), ("enterprise_code", CODE_A)],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(watched(&app, &cast.bank).await, [CODE_A]);
}

async fn a_full_report_is_pulled_under_a_live_grant_from_the_pages(app: TestApp) {
    let cast = app.cast().await;
    let bank = bank_id(&app, &cast.owner_a, "Test Bank").await;
    let expiring = grant(&app, &cast.owner_a, CODE_A, bank, 20).await;
    grant(&app, &cast.owner_b, CODE_B, bank, 90).await;
    let mut browser = signed_in(&app, "w-bank", Role::Bank, None).await;
    browser.lang = Some("zh-CN".into());

    let page = page_body(&browser, &app, "/workspace/grants", 200).await;
    assert!(
        page.contains("杭州西湖茶电子商务有限公司") && page.contains("深圳南山数码贸易有限公司")
    );
    assert!(page.contains("20 天后到期"), "{page}");
    assert_eq!(page.matches(r#"class="expiring""#).count(), 1);

    let csrf = browser.form_token(&app, "/workspace/grants").await;
    let pulled = browser
        .post_form(
            &app,
            "/workspace/grants/report",
            &[("csrf", &csrf), ("enterprise_code", CODE_A)],
        )
        .await;
    assert_eq!(pulled.status(), 303);
    let location = pulled.headers()["location"].to_str().unwrap().to_string();
    let report_no = location.rsplit('=').next().unwrap().to_string();
    assert!(report_no.starts_with("ECR-"), "{location}");
    let page = page_body(&browser, &app, &location, 200).await;
    assert!(page.contains(&format!("/workspace/reports/{report_no}/download")));

    let download = browser
        .get(&app, &format!("/workspace/reports/{report_no}/download"))
        .await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("{report_no}.json"))
    );
    let saved = download.text().await.unwrap();
    let document: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(document["report"]["kind"], "full");
    let verified: Value = app
        .request(reqwest::Method::POST, "/api/v1/reports/verify", None)
        .header("Content-Type", "application/json")
        .body(saved)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], true, "{verified}");
    let log: Value = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/query-log"),
            Some(&cast.owner_a),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["report_no"] == report_no.as_str()),
        "{log}"
    );

    // Revoked: no report, and the page offers none.
    assert_eq!(
        revoke(&app, Some(&cast.owner_a), CODE_A, expiring)
            .await
            .status(),
        200
    );
    let refused = browser
        .post_form(
            &app,
            "/workspace/grants/report",
            &[("csrf", &csrf), ("enterprise_code", CODE_A)],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let page = page_body(&browser, &app, "/workspace/grants", 200).await;
    assert_eq!(
        page.matches("/workspace/grants/report").count(),
        1,
        "only B's grant is live"
    );
    // Another enterprise cannot pull A's full report through the bank's form.
    let mut owner_b = signed_in(&app, "w-owner-b", Role::Enterprise, Some(CODE_B)).await;
    let b_csrf = owner_b.form_token(&app, "/workspace").await;
    let response = owner_b
        .post_form(
            &app,
            "/workspace/grants/report",
            &[("csrf", &b_csrf), ("enterprise_code", CODE_A)],
        )
        .await;
    assert_eq!(response.status(), 403);
    // Another bank's user cannot read the report.
    let mut other = Browser::default();
    app.token_in("w-other-bank", Role::Bank, None, Some("Other Bank"))
        .await;
    other
        .sign_in(&app, "w-other-bank", crate::helpers::PASSWORD)
        .await;
    let response = other
        .get(&app, &format!("/workspace/reports/{report_no}/download"))
        .await;
    assert_eq!(response.status(), 403);
}
