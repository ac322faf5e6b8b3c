//! Accounts through `/api/v1/users` (admins only) and the report signing key rotation: what each
//! change does to the account's tokens, the last-admin rule, the problems of bad input, and
//! that a rotated key signs at once while older reports still verify.

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, Cast, TestApp, assert_problem, problem_fields};
use crate::on_both_backends;

on_both_backends!(
    an_admin_creates_lists_and_reads_accounts,
    every_field_problem_is_named_at_once,
    only_admins_manage_accounts,
    disabling_ends_tokens_and_enabling_does_not_revive_them,
    a_new_password_ends_the_old_tokens,
    a_role_change_needs_if_match_and_ends_the_old_tokens,
    the_last_enabled_admin_stays,
    account_changes_are_in_the_audit_trail,
    a_rotated_key_signs_at_once_and_older_reports_still_verify,
);

const NEW_PASSWORD: &str = "a-fresh-passphrase-9";

async fn create(app: &TestApp, admin: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/users", Some(admin), &body).await
}

async fn created(app: &TestApp, admin: &str, body: Value) -> Value {
    let response = create(app, admin, body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn wang(app: &TestApp, cast: &Cast) -> Value {
    created(
        app,
        &cast.admin,
        json!({"username": "wang.li", "password": NEW_PASSWORD, "role": "regulator",
               "organisation": "Hangzhou Market Supervision Bureau"}),
    )
    .await
}

async fn login_status(app: &TestApp, username: &str, password: &str) -> u16 {
    app.post(
        "/api/v1/auth/token",
        None,
        &json!({"username": username, "password": password}),
    )
    .await
    .status()
    .as_u16()
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get("/api/v1/me", Some(token)).await.status().as_u16()
}

async fn an_admin_creates_lists_and_reads_accounts(app: TestApp) {
    let cast = app.cast().await;
    let response = create(
        &app,
        &cast.admin,
        json!({"username": "wang.li", "password": NEW_PASSWORD, "role": "regulator",
               "organisation": " Hangzhou Market Supervision Bureau "}),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/api/v1/users/wang.li");
    assert_eq!(response.headers()["etag"], "\"1\"");
    let text = response.text().await.unwrap();
    assert!(
        !text.contains("password") && !text.contains("argon2"),
        "{text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["role"], "regulator");
    assert_eq!(body["organisation"], "Hangzhou Market Supervision Bureau");
    assert_eq!(body["disabled"], false);
    // The new account signs in.
    let token = app.login("wang.li", NEW_PASSWORD).await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["organisation"], "Hangzhou Market Supervision Bureau");

    let ent = created(
        &app,
        &cast.admin,
        json!({"username": "xihu", "password": NEW_PASSWORD, "role": "enterprise",
               "enterprise": CODE_A.to_lowercase()}),
    )
    .await;
    assert_eq!(ent["enterprise"], CODE_A);
    assert!(ent.get("organisation").is_none());

    // The same username again: 409.
    let again = create(
        &app,
        &cast.admin,
        json!({"username": "wang.li", "password": NEW_PASSWORD, "role": "admin"}),
    )
    .await;
    assert_problem(again, 409).await;

    // Lists: by username, filtered, paged; no hash anywhere.
    let list = app
        .get("/api/v1/users?per_page=100", Some(&cast.admin))
        .await;
    assert_eq!(list.status(), 200);
    let text = list.text().await.unwrap();
    assert!(!text.contains("argon2") && !text.contains("password"));
    let list: Value = serde_json::from_str(&text).unwrap();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "admin",
            "bank",
            "owner-a",
            "owner-b",
            "regulator",
            "wang.li",
            "xihu"
        ]
    );
    assert_eq!(list["total"], 7);
    let regulators: Value = app
        .get("/api/v1/users?role=regulator&per_page=1", Some(&cast.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(regulators["total"], 2);
    assert_eq!(regulators["items"].as_array().unwrap().len(), 1);
    assert_eq!(regulators["items"][0]["username"], "regulator");
    let disabled: Value = app
        .get("/api/v1/users?disabled=true", Some(&cast.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(disabled["total"], 0);
    let bad = app
        .get("/api/v1/users?role=superuser", Some(&cast.admin))
        .await;
    assert_eq!(problem_fields(&assert_problem(bad, 422).await), ["role"]);
    let bad = app
        .get("/api/v1/users?disabled=maybe", Some(&cast.admin))
        .await;
    assert_eq!(
        problem_fields(&assert_problem(bad, 422).await),
        ["disabled"]
    );
    let bad = app.get("/api/v1/users?per_page=0", Some(&cast.admin)).await;
    assert_eq!(
        problem_fields(&assert_problem(bad, 422).await),
        ["per_page"]
    );

    // One account; an unknown one is 404 for every operation.
    let one = app.get("/api/v1/users/xihu", Some(&cast.admin)).await;
    assert_eq!(one.status(), 200);
    assert_eq!(one.headers()["etag"], "\"1\"");
    for (method, path, body) in [
        (Method::GET, "/api/v1/users/nobody", None),
        (Method::POST, "/api/v1/users/nobody/disable", None),
        (Method::POST, "/api/v1/users/nobody/enable", None),
        (
            Method::POST,
            "/api/v1/users/nobody/password",
            Some(json!({"password": NEW_PASSWORD})),
        ),
        (
            Method::PATCH,
            "/api/v1/users/nobody",
            Some(json!({"role": "admin"})),
        ),
    ] {
        let mut request = app
            .request(method.clone(), path, Some(&cast.admin))
            .header("If-Match", "*");
        if let Some(body) = body {
            request = request.json(&body);
        }
        assert_problem(request.send().await.unwrap(), 404).await;
    }
}

async fn every_field_problem_is_named_at_once(app: TestApp) {
    let cast = app.cast().await;
    let bad = create(
        &app,
        &cast.admin,
        json!({"username": "no spaces!", "password": "short", "role": "superuser"}),
    )
    .await;
    let problem = assert_problem(bad, 422).await;
    assert_eq!(problem["type"], "urn:ecredit:problem:validation");
    assert_eq!(problem_fields(&problem), ["username", "password", "role"]);
    let messages: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages[1].contains("at least 10"), "{messages:?}");
    assert!(
        !problem.to_string().contains("short"),
        "the password is never echoed"
    );

    let cases = [
        (
            json!({"username": "b1", "password": NEW_PASSWORD, "role": "bank"}),
            vec!["organisation"],
        ),
        (
            json!({"username": "e1", "password": NEW_PASSWORD, "role": "enterprise", "organisation": "X"}),
            vec!["enterprise", "organisation"],
        ),
        (
            json!({"username": "e2", "password": "aaaaaaaaaaaa", "role": "enterprise", "enterprise": "123"}),
            vec!["password", "enterprise"],
        ),
        (
            json!({"username": "r1", "password": NEW_PASSWORD, "role": "regulator", "organisation": "R", "enterprise": CODE_A}),
            vec!["enterprise"],
        ),
        // A valid code of an enterprise that is not registered.
        (
            json!({"username": "e3", "password": NEW_PASSWORD, "role": "enterprise", "enterprise": "914403001922038216"}),
            vec!["enterprise"],
        ),
        (json!({"username": "x", "role": "admin"}), vec!["password"]),
        (
            json!({"username": "x", "password": NEW_PASSWORD, "role": "admin", "colour": "red"}),
            vec!["colour"],
        ),
    ];
    for (body, fields) in cases {
        let response = create(&app, &cast.admin, body.clone()).await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem_fields(&problem), fields, "{body}");
    }
    let not_json = app
        .request(Method::POST, "/api/v1/users", Some(&cast.admin))
        .header(CONTENT_TYPE, "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400).await;
    let not_declared = app
        .request(Method::POST, "/api/v1/users", Some(&cast.admin))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(not_declared, 415).await;
    // Nothing was created.
    let list: Value = app
        .get("/api/v1/users", Some(&cast.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 5);
}

async fn only_admins_manage_accounts(app: TestApp) {
    let cast = app.cast().await;
    wang(&app, &cast).await;
    let body = json!({"username": "intruder", "password": NEW_PASSWORD, "role": "admin"});
    let refused = [
        (None, 401),
        (Some(cast.regulator.as_str()), 403),
        (Some(cast.bank.as_str()), 403),
        (Some(cast.owner_a.as_str()), 403),
    ];
    for (token, status) in refused {
        for (method, path) in [
            (Method::GET, "/api/v1/users"),
            (Method::POST, "/api/v1/users"),
            (Method::GET, "/api/v1/users/wang.li"),
            (Method::PATCH, "/api/v1/users/wang.li"),
            (Method::POST, "/api/v1/users/wang.li/disable"),
            (Method::POST, "/api/v1/users/wang.li/enable"),
            (Method::POST, "/api/v1/users/wang.li/password"),
            (Method::POST, "/api/v1/reports/keys/rotate"),
        ] {
            // Even a body that would be invalid is refused for who sends it, not for what.
            let response = app
                .request(method.clone(), path, token)
                .header("If-Match", "\"1\"")
                .json(&body)
                .send()
                .await
                .unwrap();
            let problem = assert_problem(response, status).await;
            assert!(problem["errors"].is_null(), "{method} {path}: {problem}");
        }
    }
    // Nothing changed: wang.li still signs in with its password, nobody was created.
    assert_eq!(login_status(&app, "wang.li", NEW_PASSWORD).await, 200);
    assert_eq!(login_status(&app, "intruder", NEW_PASSWORD).await, 401);
    let keys: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);
}

async fn disabling_ends_tokens_and_enabling_does_not_revive_them(app: TestApp) {
    let cast = app.cast().await;
    wang(&app, &cast).await;
    let token = app.login("wang.li", NEW_PASSWORD).await;
    assert_eq!(me_status(&app, &token).await, 200);

    let disabled = app
        .request(
            Method::POST,
            "/api/v1/users/wang.li/disable",
            Some(&cast.admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 200);
    assert_eq!(disabled.headers()["etag"], "\"2\"");
    let body: Value = disabled.json().await.unwrap();
    assert_eq!(body["disabled"], true);
    assert_eq!(me_status(&app, &token).await, 401);
    assert_eq!(login_status(&app, "wang.li", NEW_PASSWORD).await, 401);
    // Disabling again changes nothing.
    let again: Value = app
        .request(
            Method::POST,
            "/api/v1/users/wang.li/disable",
            Some(&cast.admin),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["version"], 2);
    let listed: Value = app
        .get("/api/v1/users?disabled=true", Some(&cast.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["username"], "wang.li");

    let enabled: Value = app
        .request(
            Method::POST,
            "/api/v1/users/wang.li/enable",
            Some(&cast.admin),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(enabled["disabled"], false);
    assert_eq!(
        me_status(&app, &token).await,
        401,
        "the old token stays dead"
    );
    let fresh = app.login("wang.li", NEW_PASSWORD).await;
    assert_eq!(me_status(&app, &fresh).await, 200);
}

async fn a_new_password_ends_the_old_tokens(app: TestApp) {
    let cast = app.cast().await;
    wang(&app, &cast).await;
    let token = app.login("wang.li", NEW_PASSWORD).await;
    let path = "/api/v1/users/wang.li/password";
    let weak = app
        .post(path, Some(&cast.admin), &json!({"password": "1111111111"}))
        .await;
    assert_eq!(
        problem_fields(&assert_problem(weak, 422).await),
        ["password"]
    );
    assert_eq!(
        me_status(&app, &token).await,
        200,
        "a refused reset changes nothing"
    );

    let set = app
        .post(
            path,
            Some(&cast.admin),
            &json!({"password": "the-second-passphrase"}),
        )
        .await;
    assert_eq!(set.status(), 200);
    let text = set.text().await.unwrap();
    assert!(!text.contains("passphrase") && !text.contains("argon2"));
    assert_eq!(me_status(&app, &token).await, 401);
    assert_eq!(login_status(&app, "wang.li", NEW_PASSWORD).await, 401);
    assert_eq!(
        login_status(&app, "wang.li", "the-second-passphrase").await,
        200
    );
}

async fn a_role_change_needs_if_match_and_ends_the_old_tokens(app: TestApp) {
    let cast = app.cast().await;
    wang(&app, &cast).await;
    let token = app.login("wang.li", NEW_PASSWORD).await;
    let path = "/api/v1/users/wang.li";
    let to_bank = json!({"role": "bank", "organisation": "Some Bank"});

    let missing = app.patch(path, Some(&cast.admin), None, &to_bank).await;
    assert_problem(missing, 428).await;
    let stale = app
        .patch(path, Some(&cast.admin), Some("\"7\""), &to_bank)
        .await;
    assert_problem(stale, 412).await;
    // A patch that is wrong whatever the account is now is judged before the version: 422.
    let unknown_role = app
        .patch(
            path,
            Some(&cast.admin),
            Some("\"7\""),
            &json!({"role": "AAA"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(unknown_role, 422).await),
        ["role"]
    );
    let malformed = app
        .patch(path, Some(&cast.admin), Some("seven"), &to_bank)
        .await;
    assert_problem(malformed, 400).await;
    // To enterprise without an enterprise: 422, naming it.
    let incomplete = app
        .patch(
            path,
            Some(&cast.admin),
            Some("\"1\""),
            &json!({"role": "enterprise"}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(incomplete, 422).await),
        ["enterprise"]
    );
    assert_eq!(
        me_status(&app, &token).await,
        200,
        "refusals change nothing"
    );

    let changed = app
        .patch(path, Some(&cast.admin), Some("\"1\""), &to_bank)
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.headers()["etag"], "\"2\"");
    let body: Value = changed.json().await.unwrap();
    assert_eq!(body["role"], "bank");
    assert_eq!(body["organisation"], "Some Bank");
    assert_eq!(
        me_status(&app, &token).await,
        401,
        "the regulator's token ends"
    );
    let bank_token = app.login("wang.li", NEW_PASSWORD).await;
    let me: Value = app
        .get("/api/v1/me", Some(&bank_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "bank");
    assert_eq!(me["organisation"], "Some Bank");
    // The same values again change nothing (no new version, the token lives).
    let same = app
        .patch(path, Some(&cast.admin), Some("*"), &json!({"role": "bank"}))
        .await;
    assert_eq!(same.headers()["etag"], "\"2\"");
    assert_eq!(me_status(&app, &bank_token).await, 200);
    // To enterprise: the organisation goes.
    let ent: Value = app
        .patch(
            path,
            Some(&cast.admin),
            Some("\"2\""),
            &json!({"role": "enterprise", "enterprise": CODE_A}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ent["enterprise"], CODE_A);
    assert!(ent.get("organisation").is_none(), "{ent}");
}

async fn the_last_enabled_admin_stays(app: TestApp) {
    let cast = app.cast().await;
    let disable_self = app
        .request(
            Method::POST,
            "/api/v1/users/admin/disable",
            Some(&cast.admin),
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(disable_self, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no enabled admin")
    );
    let demote_self = app
        .patch(
            "/api/v1/users/admin",
            Some(&cast.admin),
            Some("*"),
            &json!({"role": "regulator", "organisation": "Bureau"}),
        )
        .await;
    assert_problem(demote_self, 409).await;
    assert_eq!(me_status(&app, &cast.admin).await, 200, "still an admin");

    // With a second admin, the first may step down; the second may then not.
    created(
        &app,
        &cast.admin,
        json!({"username": "admin2", "password": NEW_PASSWORD, "role": "admin"}),
    )
    .await;
    let second = app.login("admin2", NEW_PASSWORD).await;
    let stepped_down = app
        .request(
            Method::POST,
            "/api/v1/users/admin/disable",
            Some(&cast.admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stepped_down.status(), 200);
    assert_eq!(me_status(&app, &cast.admin).await, 401);
    let last = app
        .patch(
            "/api/v1/users/admin2",
            Some(&second),
            Some("*"),
            &json!({"role": "bank", "organisation": "Bank"}),
        )
        .await;
    assert_problem(last, 409).await;
    let last = app
        .request(Method::POST, "/api/v1/users/admin2/disable", Some(&second))
        .send()
        .await
        .unwrap();
    assert_problem(last, 409).await;
    // Demoting another admin is fine while one stays.
    let enabled = app
        .request(Method::POST, "/api/v1/users/admin/enable", Some(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);
    let demoted = app
        .patch(
            "/api/v1/users/admin",
            Some(&second),
            Some("*"),
            &json!({"role": "regulator", "organisation": "Bureau"}),
        )
        .await;
    assert_eq!(demoted.status(), 200);
}

async fn account_changes_are_in_the_audit_trail(app: TestApp) {
    let cast = app.cast().await;
    wang(&app, &cast).await;
    app.request(
        Method::POST,
        "/api/v1/users/wang.li/disable",
        Some(&cast.admin),
    )
    .send()
    .await
    .unwrap();
    app.post(
        "/api/v1/users/wang.li/password",
        Some(&cast.admin),
        &json!({"password": "the-second-passphrase"}),
    )
    .await;
    let audit: Value = app
        .get(
            "/api/v1/audit?actor=admin&per_page=100",
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    let entries: Vec<(String, String, i64)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
                e["status"].as_i64().unwrap(),
            )
        })
        .collect();
    for (action, target, status) in [
        ("POST /api/v1/users", "/api/v1/users", 201),
        (
            "POST /api/v1/users/{username}/disable",
            "/api/v1/users/wang.li/disable",
            200,
        ),
        (
            "POST /api/v1/users/{username}/password",
            "/api/v1/users/wang.li/password",
            200,
        ),
    ] {
        assert!(
            entries.contains(&(action.into(), target.into(), status)),
            "{action}: {entries:?}"
        );
    }
    assert!(!audit.to_string().contains("passphrase"));
}

async fn a_rotated_key_signs_at_once_and_older_reports_still_verify(app: TestApp) {
    let cast = app.cast().await;
    let scored = app
        .request(
            Method::POST,
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(scored.status(), 201);
    let old = report(&app).await;
    let old_key = serde_json::from_str::<Value>(&old).unwrap()["signature"]["key_id"]
        .as_str()
        .unwrap()
        .to_string();

    let rotated = app
        .request(
            Method::POST,
            "/api/v1/reports/keys/rotate",
            Some(&cast.admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 200);
    let rotated: Value = rotated.json().await.unwrap();
    let published: Value = app
        .get("/api/v1/reports/public-key", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rotated, published, "the answer is what is published now");
    let keys = published["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["key_id"], old_key.as_str());
    assert_eq!(keys[0]["active"], false);
    assert_eq!(keys[1]["active"], true);
    let new_key = keys[1]["key_id"].as_str().unwrap();
    assert_ne!(new_key, old_key);

    let new = report(&app).await;
    assert_eq!(
        serde_json::from_str::<Value>(&new).unwrap()["signature"]["key_id"],
        new_key,
        "signed with the new key at once, without a restart"
    );
    for saved in [old, new] {
        let verdict: Value = app
            .request(Method::POST, "/api/v1/reports/verify", None)
            .header(CONTENT_TYPE, "application/json")
            .body(saved)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(verdict["valid"], true, "{verdict}");
    }
    // The public keys page lists both.
    let page = app
        .request(Method::GET, "/keys", None)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&old_key) && page.contains(new_key));
}

/// A public report of CODE_A, as signed.
async fn report(app: &TestApp) -> String {
    let response = app
        .request(
            Method::POST,
            &format!("/api/v1/enterprises/{CODE_A}/reports"),
            None,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.text().await.unwrap()
}
