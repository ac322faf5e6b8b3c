use ecredit::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, PASSWORD, TestApp, assert_problem, enterprise_body};
use crate::on_both_backends;

on_both_backends!(
    login_returns_a_token_that_identifies_the_user,
    wrong_password_and_unknown_user_get_the_same_answer,
    bad_tokens_are_refused_not_downgraded,
    expired_tokens_are_refused,
    token_of_a_disabled_account_is_refused,
    sign_in_is_throttled_per_account_and_per_address,
    sign_in_limits_hold_across_instances,
);

async fn login_returns_a_token_that_identifies_the_user(app: TestApp) {
    let regulator = app.token_for("reg", Role::Regulator, None).await;
    app.post(
        "/api/v1/enterprises",
        Some(&regulator),
        &enterprise_body(CODE_A, "甲公司", "330106"),
    )
    .await;
    let _ = app.token_for("ent", Role::Enterprise, Some(CODE_A)).await;

    let response = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"username": "ent", "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["role"], "enterprise");
    let token = body["access_token"].as_str().unwrap();

    let me: Value = app
        .get("/api/v1/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "ent");
    assert_eq!(me["role"], "enterprise");
    assert_eq!(me["enterprise"], CODE_A);

    let me: Value = app
        .get("/api/v1/me", Some(&regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["organisation"], "Test Market Supervision Bureau");

    assert_problem(app.get("/api/v1/me", None).await, 401).await;
}

async fn wrong_password_and_unknown_user_get_the_same_answer(app: TestApp) {
    let _ = app.token_for("alice", Role::Regulator, None).await;
    let wrong = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"username": "alice", "password": "not-the-password"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"username": "nobody", "password": "not-the-password"}),
        )
        .await;
    let wrong = assert_problem(wrong, 401).await;
    let unknown = assert_problem(unknown, 401).await;
    assert_eq!(wrong, unknown);

    let missing = assert_problem(
        app.post("/api/v1/auth/token", None, &json!({"username": "alice"}))
            .await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "password");
}

async fn bad_tokens_are_refused_not_downgraded(app: TestApp) {
    let token = app.token_for("alice", Role::Regulator, None).await;
    // A tampered payload (role changed) breaks the signature.
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: Value = serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
        claims["role"] = json!("admin");
        engine.encode(serde_json::to_vec(&claims).unwrap())
    };
    let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_problem(app.get("/api/v1/me", Some(&forged)).await, 401).await;
    // alg: none
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
    assert_problem(app.get("/api/v1/me", Some(&none)).await, 401).await;
    // Garbage, and a header that is not a bearer token: refused even on public endpoints.
    let response = app.get("/api/v1/enterprises", Some("not-a-jwt")).await;
    let problem = assert_problem(response, 401).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("invalid token")
    );
    let basic = app
        .request(reqwest::Method::GET, "/api/v1/enterprises", None)
        .header("Authorization", "Basic YWxpY2U6cGFzcw==")
        .send()
        .await
        .unwrap();
    let response_header = basic.headers().get("www-authenticate").cloned();
    assert_problem(basic, 401).await;
    assert_eq!(response_header.unwrap(), "Bearer");
}

async fn expired_tokens_are_refused(app: TestApp) {
    let token = app.token_for("alice", Role::Regulator, None).await;
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status(), 200);
    app.clock.advance(chrono::Duration::seconds(3601));
    let problem = assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
    assert!(problem["detail"].as_str().unwrap().contains("expired"));
}

async fn token_of_a_disabled_account_is_refused(app: TestApp) {
    let token = app.token_for("alice", Role::Regulator, None).await;
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status(), 200);
    let db = app.db.clone();
    let found = tokio::task::spawn_blocking(move || {
        db.write(|conn| ecredit::db::users::set_disabled(conn, "alice", true))
    })
    .await
    .unwrap()
    .unwrap();
    assert!(found);
    assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"username": "alice", "password": PASSWORD}),
        )
        .await;
    assert_problem(login, 401).await;

    // Enabled again: a new sign-in works, the token issued before the disabling stays dead.
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        db.write(|conn| ecredit::db::users::set_disabled(conn, "alice", false))
    })
    .await
    .unwrap()
    .unwrap();
    let problem = assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no longer valid")
    );
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"username": "alice", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), 200);
    let fresh: Value = login.json().await.unwrap();
    let fresh = fresh["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", Some(fresh)).await.status(), 200);
    assert_problem(app.get("/api/v1/me", Some(&token)).await, 401).await;
}

/// Five attempts per account, then one a minute; thirty per address, then one every two
/// seconds (the defaults). Unknown usernames are throttled exactly like real ones.
async fn sign_in_is_throttled_per_account_and_per_address(app: TestApp) {
    let attempt = |username: &str, password: &str| {
        let body = json!({"username": username, "password": password});
        let app = &app;
        async move { app.post("/api/v1/auth/token", None, &body).await }
    };
    let retry_after = |response: &reqwest::Response| -> i64 {
        response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let _ = app.token_for("alice", Role::Regulator, None).await; // one attempt
    for _ in 0..4 {
        assert_problem(attempt("alice", "wrong password 123").await, 401).await;
    }
    // The right password no longer helps until the wait is over.
    let refused = attempt("ALICE", PASSWORD).await;
    let wait = retry_after(&refused);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let problem = assert_problem(refused, 429).await;
    assert_eq!(problem["type"], "urn:ecredit:problem:too-many-requests");

    // An account that does not exist gets the same five answers and the same refusal.
    for _ in 0..5 {
        assert_problem(attempt("nobody", "wrong password 123").await, 401).await;
    }
    let unknown = attempt("nobody", "wrong password 123").await;
    assert_eq!(retry_after(&unknown), 60);
    assert_problem(unknown, 429).await;

    app.clock.advance(chrono::Duration::seconds(wait));
    app.login("alice", PASSWORD).await;

    // Per address: a minute later the address has its whole burst of 30 again: 30 attempts at
    // different usernames pass, the next is refused for 2 s at most.
    app.clock.advance(chrono::Duration::seconds(60));
    for i in 0..30 {
        assert_problem(
            attempt(&format!("guess{i}"), "wrong password 123").await,
            401,
        )
        .await;
    }
    let flooded = attempt("alice", PASSWORD).await;
    assert!((1..=2).contains(&retry_after(&flooded)));
    assert_problem(flooded, 429).await;
    app.clock.advance(chrono::Duration::seconds(2));
    app.login("alice", PASSWORD).await;
}

/// Seven wrong passwords for one account spread over two instances on one database: the account
/// gets its five attempts in all, not five on each, and the wait is seen on both.
async fn sign_in_limits_hold_across_instances(app: TestApp) {
    let second = app.another_instance().await;
    let _ = app.token_for("carol", Role::Regulator, None).await; // one attempt, on the first
    let body = json!({"username": "carol", "password": "wrong password 123"});
    let mut statuses = Vec::new();
    for n in 0..7 {
        let address = if n % 2 == 0 {
            &second.address
        } else {
            &app.address
        };
        let response = app
            .client
            .post(format!("{address}/api/v1/auth/token"))
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429, 429]);
    app.clock.advance(chrono::Duration::seconds(60));
    let right = json!({"username": "carol", "password": PASSWORD});
    let response = app
        .client
        .post(format!("{}/api/v1/auth/token", second.address))
        .json(&right)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
