//! The admin's pages: an account created, disabled, enabled, given a new password and a new role
//! from the console, and the signing key rotated, each step checked through the JSON API;
//! refused roles, forged posts and refused input change nothing.

use ecredit::domain::Role;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{CODE_A, TestApp};
use crate::on_both_backends;
use crate::web::{Browser, hidden_csrf, page_body, register_a_and_b, signed_in};
use crate::web_workspace::json_of;

on_both_backends!(
    an_admin_manages_an_account_from_the_pages,
    refused_roles_and_forged_posts_change_nothing,
    the_signing_key_is_rotated_from_its_page,
    the_pages_speak_chinese,
);

const PASSWORD: &str = "console-pass-12345";

async fn account(app: &TestApp, admin: &str, username: &str) -> Value {
    json_of(app, &format!("/api/v1/users/{username}"), admin).await
}

async fn login_status(app: &TestApp, username: &str, password: &str) -> u16 {
    app.post(
        "/api/v1/auth/token",
        None,
        &serde_json::json!({"username": username, "password": password}),
    )
    .await
    .status()
    .as_u16()
}

async fn an_admin_manages_an_account_from_the_pages(app: TestApp) {
    register_a_and_b(&app).await;
    let api = app.token_for("api-admin", Role::Admin, None).await;
    let mut admin = signed_in(&app, "p-admin", Role::Admin, None).await;
    admin.lang = Some("en".into());

    let list = page_body(&admin, &app, "/workspace/accounts", 200).await;
    assert!(list.contains("Create an account") && list.contains("p-admin"));
    assert!(
        list.contains(r#"href="/workspace/accounts""#),
        "in the section bar"
    );
    assert!(list.contains(r#"href="/workspace/keys""#));

    // Refused input: every problem beside its field, what was typed kept, the password not.
    let csrf = admin.form_token(&app, "/workspace/accounts").await;
    let refused = admin
        .post_form(
            &app,
            "/workspace/accounts",
            &[
                ("csrf", &csrf),
                ("username", "li.na"),
                ("role", "bank"),
                ("organisation", ""),
                ("enterprise", CODE_A),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    for id in [
        "field-password-error",
        "field-organisation-error",
        "field-enterprise-error",
    ] {
        assert!(body.contains(id), "{id}");
    }
    assert!(!body.contains("field-username-error"));
    assert!(body.contains(r#"value="li.na""#) && body.contains(CODE_A));
    assert!(
        !body.contains(r#"value="short""#),
        "the password is not echoed"
    );
    assert_eq!(
        app.get("/api/v1/users/li.na", Some(&api)).await.status(),
        404
    );

    // Created: the account page, and the account through the API.
    let created = admin
        .post_form(
            &app,
            "/workspace/accounts",
            &[
                ("csrf", &csrf),
                ("username", "li.na"),
                ("role", "bank"),
                ("organisation", "Some Bank"),
                ("enterprise", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/workspace/accounts/li.na?"),
        "{location}"
    );
    let page = page_body(&admin, &app, &location, 200).await;
    assert!(page.contains("Account li.na was created"), "{page}");
    let li = account(&app, &api, "li.na").await;
    assert_eq!(li["role"], "bank");
    assert_eq!(li["organisation"], "Some Bank");
    // The same username again: beside the field.
    let taken = admin
        .post_form(
            &app,
            "/workspace/accounts",
            &[
                ("csrf", &csrf),
                ("username", "li.na"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert!(taken.text().await.unwrap().contains("field-username-error"));

    // Li signs in to the console; disabling the account ends that session.
    let mut li_browser = Browser::default();
    assert_eq!(
        li_browser.sign_in(&app, "li.na", PASSWORD).await.status(),
        303
    );
    assert_eq!(li_browser.get(&app, "/workspace").await.status(), 200);
    let detail = "/workspace/accounts/li.na";
    let disabled = admin
        .post_form(&app, &format!("{detail}/disable"), &[("csrf", &csrf)])
        .await;
    assert_eq!(disabled.status(), 303);
    assert_eq!(account(&app, &api, "li.na").await["disabled"], true);
    assert_eq!(li_browser.get(&app, "/workspace").await.status(), 303);
    let page = page_body(&admin, &app, &format!("{detail}?done=disabled"), 200).await;
    assert!(page.contains("li.na is disabled") && page.contains("Enable the account"));
    let enabled = admin
        .post_form(&app, &format!("{detail}/enable"), &[("csrf", &csrf)])
        .await;
    assert_eq!(enabled.status(), 303);
    assert_eq!(account(&app, &api, "li.na").await["disabled"], false);

    // A new password: a weak one is refused beside the field; a good one signs in.
    let weak = admin
        .post_form(
            &app,
            &format!("{detail}/password"),
            &[("csrf", &csrf), ("password", "xxxxxxxxxxxx")],
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert!(weak.text().await.unwrap().contains("field-password-error"));
    assert_eq!(login_status(&app, "li.na", PASSWORD).await, 200);
    let set = admin
        .post_form(
            &app,
            &format!("{detail}/password"),
            &[("csrf", &csrf), ("password", "second-console-pass")],
        )
        .await;
    assert_eq!(set.status(), 303);
    assert_eq!(login_status(&app, "li.na", PASSWORD).await, 401);
    assert_eq!(
        login_status(&app, "li.na", "second-console-pass").await,
        200
    );

    // A new role: refused without what it needs, with the typed values kept; then done.
    let version = account(&app, &api, "li.na").await["version"].to_string();
    let incomplete = admin
        .post_form(
            &app,
            &format!("{detail}/role"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("role", "enterprise"),
                ("organisation", ""),
                ("enterprise", ""),
            ],
        )
        .await;
    assert_eq!(incomplete.status(), 422);
    let body = incomplete.text().await.unwrap();
    assert!(body.contains("field-enterprise-error"));
    assert!(
        body.contains(r#"<option value="enterprise" selected>"#),
        "{body}"
    );
    let changed = admin
        .post_form(
            &app,
            &format!("{detail}/role"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("role", "enterprise"),
                ("organisation", ""),
                ("enterprise", CODE_A),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    let li = account(&app, &api, "li.na").await;
    assert_eq!(li["role"], "enterprise");
    assert_eq!(li["enterprise"], CODE_A);
    // The same form again names a version that is gone: 412, nothing changed.
    let stale = admin
        .post_form(
            &app,
            &format!("{detail}/role"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("role", "admin"),
                ("organisation", ""),
                ("enterprise", ""),
            ],
        )
        .await;
    assert_eq!(stale.status(), 412);
    assert_eq!(account(&app, &api, "li.na").await["role"], "enterprise");

    // The list filters.
    let banks = page_body(
        &admin,
        &app,
        "/workspace/accounts?role=enterprise&state=enabled",
        200,
    )
    .await;
    assert!(banks.contains("li.na") && !banks.contains("/workspace/accounts/p-admin"));
    let none = page_body(&admin, &app, "/workspace/accounts?state=disabled", 200).await;
    assert!(none.contains("No account matches"));
    let bad = admin.get(&app, "/workspace/accounts?role=boss").await;
    assert_eq!(bad.status(), 422);
}

async fn refused_roles_and_forged_posts_change_nothing(app: TestApp) {
    register_a_and_b(&app).await;
    app.token_for("api-admin", Role::Admin, None).await;
    let mut admin = signed_in(&app, "p-admin", Role::Admin, None).await;
    let mut regulator = signed_in(&app, "p-regulator", Role::Regulator, None).await;
    let mut owner = signed_in(&app, "p-owner", Role::Enterprise, Some(CODE_A)).await;
    let mut bank = signed_in(&app, "p-bank", Role::Bank, None).await;
    let fields = |csrf: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("username".into(), "mallory".into()),
            ("role".into(), "admin".into()),
            ("password".into(), PASSWORD.into()),
        ]
    };
    // Other roles: 403 on the pages and on every post, with their own valid token.
    for browser in [&mut regulator, &mut owner, &mut bank] {
        for page in [
            "/workspace/accounts",
            "/workspace/accounts/p-admin",
            "/workspace/keys",
        ] {
            assert_eq!(browser.get(&app, page).await.status(), 403, "{page}");
        }
        let csrf = browser.form_token(&app, "/workspace").await;
        for path in [
            "/workspace/accounts",
            "/workspace/accounts/p-admin/disable",
            "/workspace/accounts/p-admin/password",
            "/workspace/accounts/p-admin/role",
            "/workspace/keys/rotate",
        ] {
            let mut f = fields(&csrf);
            f.push(("confirm".into(), "yes".into()));
            f.push(("version".into(), "1".into()));
            let r = browser
                .request(&app, Method::POST, path)
                .form(&f)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{path}");
        }
    }
    // The public is sent to sign in.
    let anonymous = Browser::default();
    let r = anonymous.get(&app, "/workspace/accounts").await;
    assert_eq!(r.status(), 303);

    // The admin without the session's token, or from another site: 403.
    let csrf = admin.form_token(&app, "/workspace/accounts").await;
    let forged = admin
        .post_form(
            &app,
            "/workspace/accounts",
            &[
                ("csrf", "0".repeat(64).as_str()),
                ("username", "mallory"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status(), 403);
    let missing = admin
        .post_form(&app, "/workspace/accounts/p-regulator/disable", &[])
        .await;
    assert_eq!(missing.status(), 403);
    let foreign = admin
        .request(&app, Method::POST, "/workspace/keys/rotate")
        .header("Origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    // Two admins here, p-admin and api-admin: disabling both would leave none, so the second
    // is refused (409, the error page).
    let first = admin
        .post_form(
            &app,
            "/workspace/accounts/api-admin/disable",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(first.status(), 303);
    let last = admin
        .post_form(
            &app,
            "/workspace/accounts/p-admin/disable",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(last.status(), 409);
    assert!(
        last.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    // Nothing of that changed anything else.
    let admin_token = app.login("p-admin", crate::helpers::PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/users/mallory", Some(&admin_token))
            .await
            .status(),
        404
    );
    let p = account(&app, &admin_token, "p-regulator").await;
    assert_eq!(p["disabled"], false);
    assert_eq!(
        account(&app, &admin_token, "p-admin").await["disabled"],
        false
    );
    let keys: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);
}

async fn the_signing_key_is_rotated_from_its_page(app: TestApp) {
    let mut admin = signed_in(&app, "p-admin", Role::Admin, None).await;
    admin.lang = Some("en".into());
    let before: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    let old = before["keys"][0]["key_id"].as_str().unwrap().to_string();
    let page = page_body(&admin, &app, "/workspace/keys", 200).await;
    assert!(page.contains(&old) && page.contains("Signs new reports"));

    // Without the confirmation: refused beside the box, nothing rotated.
    let csrf = hidden_csrf(&page).unwrap();
    let unconfirmed = admin
        .post_form(&app, "/workspace/keys/rotate", &[("csrf", &csrf)])
        .await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(
        unconfirmed
            .text()
            .await
            .unwrap()
            .contains("field-confirm-error")
    );
    let same: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(same, before);

    let rotated = admin
        .post_form(
            &app,
            "/workspace/keys/rotate",
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_eq!(rotated.status(), 303);
    let location = rotated.headers()["location"].to_str().unwrap().to_string();
    let after: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    let keys = after["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    let new = keys.iter().find(|k| k["active"] == true).unwrap()["key_id"]
        .as_str()
        .unwrap();
    assert_ne!(new, old);
    assert_eq!(location, format!("/workspace/keys?rotated={new}"));
    let page = page_body(&admin, &app, &location, 200).await;
    assert!(page.contains(&format!("Key {new} now signs")) && page.contains(&old));
    // The rotation is in the audit trail under the admin.
    let audit = json_of(
        &app,
        "/api/v1/audit?actor=p-admin&per_page=100",
        &app.login("p-admin", crate::helpers::PASSWORD).await,
    )
    .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "POST /workspace/keys/rotate" && e["status"] == 303),
        "{audit}"
    );
}

async fn the_pages_speak_chinese(app: TestApp) {
    let mut admin = signed_in(&app, "p-admin", Role::Admin, None).await;
    admin.lang = Some("zh-CN".into());
    let list = page_body(&admin, &app, "/workspace/accounts", 200).await;
    assert!(list.contains("账号管理") && list.contains("创建账号") && list.contains("密钥管理"));
    let detail = page_body(&admin, &app, "/workspace/accounts/p-admin", 200).await;
    assert!(detail.contains("这是您本人的账号") && detail.contains("停用账号"));
    let keys = page_body(&admin, &app, "/workspace/keys", 200).await;
    assert!(keys.contains("报告签名密钥") && keys.contains("轮换签名密钥"));
    // The account rules' problems in Chinese, beside their fields.
    let csrf = admin.form_token(&app, "/workspace/accounts").await;
    let refused = admin
        .post_form(
            &app,
            "/workspace/accounts",
            &[
                ("csrf", &csrf),
                ("username", "p-admin"),
                ("role", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("账号未创建"), "{body}");
    assert!(body.contains("请选择一个角色") && body.contains("至少需要 10 个字符"));
}
