//! Report authorisations and the banks' watch lists.

use chrono::{Duration, NaiveDate};
use ecredit::clock::Clock;
use ecredit::domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    an_enterprise_grants_lists_and_revokes_authorisations,
    expired_and_revoked_grants_stop_at_once,
    banks_watch_authorised_enterprises_for_grade_changes,
);

pub fn grants_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/authorizations")
}

/// The organisation id of the bank called `name`, as an enterprise sees it.
pub async fn bank_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let banks: Value = app
        .get("/api/v1/banks", Some(token))
        .await
        .json()
        .await
        .unwrap();
    banks
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("no bank {name} in {banks}"))["id"]
        .as_i64()
        .unwrap()
}

/// `owner` of `code` authorises the bank `bank` for `days` days; returns the grant's id.
pub async fn grant(app: &TestApp, owner: &str, code: &str, bank: i64, days: i64) -> i64 {
    let expires_on = app.clock.today() + Duration::days(days);
    let response = app
        .post(
            &grants_path(code),
            Some(owner),
            &json!({"bank_organisation_id": bank, "purpose": "loan_application", "expires_on": expires_on}),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "live");
    body["id"].as_i64().unwrap()
}

pub async fn revoke(app: &TestApp, token: Option<&str>, code: &str, id: i64) -> reqwest::Response {
    app.post(
        &format!("{}/{id}/revoke", grants_path(code)),
        token,
        &json!({"reason": "loan application withdrawn"}),
    )
    .await
}

async fn an_enterprise_grants_lists_and_revokes_authorisations(app: TestApp) {
    let cast = app.cast().await;
    assert_problem(app.get("/api/v1/banks", None).await, 401).await;
    let bank = bank_id(&app, &cast.owner_a, "Test Bank").await;
    let regulator_org = app
        .db
        .read(|conn| ecredit::db::users::find_by_username(conn, "regulator"))
        .unwrap()
        .unwrap()
        .organisation_id
        .unwrap();

    let body = json!({"bank_organisation_id": bank, "purpose": "credit_line_review",
        "expires_on": "2027-03-31", "note": "line renewal"});
    // Only the enterprise itself grants: not the public, not a regulator, not the bank, not
    // another enterprise.
    assert_problem(app.post(&grants_path(CODE_A), None, &body).await, 401).await;
    for token in [&cast.regulator, &cast.admin, &cast.bank, &cast.owner_b] {
        assert_problem(
            app.post(&grants_path(CODE_A), Some(token), &body).await,
            403,
        )
        .await;
    }
    // Bad grants change nothing.
    for (bad, field) in [
        (
            json!({"bank_organisation_id": bank, "purpose": "loan_application", "expires_on": "2026-11-01"}),
            "expires_on",
        ),
        (
            json!({"bank_organisation_id": bank, "purpose": "loan_application", "expires_on": "2031-01-01"}),
            "expires_on",
        ),
        (
            json!({"bank_organisation_id": regulator_org, "purpose": "loan_application", "expires_on": "2027-01-01"}),
            "bank_organisation_id",
        ),
        (
            json!({"bank_organisation_id": bank, "purpose": "curiosity", "expires_on": "2027-01-01"}),
            "purpose",
        ),
    ] {
        let problem = assert_problem(
            app.post(&grants_path(CODE_A), Some(&cast.owner_a), &bad)
                .await,
            422,
        )
        .await;
        assert_eq!(
            crate::helpers::problem_fields(&problem),
            vec![field.to_string()],
            "{bad}"
        );
    }
    let listed: Value = app
        .get(&grants_path(CODE_A), Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 0);

    let created = app
        .post(&grants_path(CODE_A), Some(&cast.owner_a), &body)
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let grant: Value = created.json().await.unwrap();
    assert_eq!(location, format!("{}/{}", grants_path(CODE_A), grant["id"]));
    assert_eq!(grant["bank_name"], "Test Bank");
    assert_eq!(grant["purpose"], "credit_line_review");
    assert_eq!(grant["scope"], "full_report");
    assert_eq!(grant["granted_by"], "owner-a");
    assert_eq!(grant["status"], "live");

    // The enterprise, regulators and admins list the grants; the bank sees its own list.
    for token in [&cast.owner_a, &cast.regulator, &cast.admin] {
        let listed: Value = app
            .get(&grants_path(CODE_A), Some(token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["id"], grant["id"]);
    }
    assert_problem(app.get(&grants_path(CODE_A), None).await, 401).await;
    for token in [&cast.bank, &cast.owner_b] {
        assert_problem(app.get(&grants_path(CODE_A), Some(token)).await, 403).await;
    }
    let held: Value = app
        .get("/api/v1/authorizations", Some(&cast.bank))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held["total"], 1);
    assert_eq!(held["items"][0]["enterprise_code"], CODE_A);
    let other_bank = app
        .token_in("bank-2", Role::Bank, None, Some("Other Bank"))
        .await;
    let none: Value = app
        .get("/api/v1/authorizations", Some(&other_bank))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0, "a bank sees only grants to itself");
    for token in [&cast.owner_a, &cast.regulator] {
        assert_problem(app.get("/api/v1/authorizations", Some(token)).await, 403).await;
    }

    // Revocation: only the enterprise, once.
    let id = grant["id"].as_i64().unwrap();
    assert_problem(revoke(&app, None, CODE_A, id).await, 401).await;
    for token in [&cast.bank, &cast.regulator, &cast.owner_b] {
        assert_problem(revoke(&app, Some(token), CODE_A, id).await, 403).await;
    }
    assert_problem(revoke(&app, Some(&cast.owner_b), CODE_B, id).await, 404).await;
    let revoked = revoke(&app, Some(&cast.owner_a), CODE_A, id).await;
    assert_eq!(revoked.status(), 200);
    let revoked: Value = revoked.json().await.unwrap();
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revoked_by"], "owner-a");
    assert_eq!(revoked["revocation_reason"], "loan application withdrawn");
    assert_problem(revoke(&app, Some(&cast.owner_a), CODE_A, id).await, 409).await;
}

async fn expired_and_revoked_grants_stop_at_once(app: TestApp) {
    let cast = app.cast().await;
    let bank = bank_id(&app, &cast.owner_a, "Test Bank").await;
    grant(&app, &cast.owner_a, CODE_A, bank, 0).await;
    let status = |v: &Value| v["items"][0]["status"].as_str().unwrap().to_string();
    let listed: Value = app
        .get(&grants_path(CODE_A), Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status(&listed), "live", "live through its last day");
    app.clock.advance(Duration::days(1));
    // Tokens last an hour: sign in again on the next day.
    let owner_a = app.login("owner-a", crate::helpers::PASSWORD).await;
    let bank = app.login("bank", crate::helpers::PASSWORD).await;
    let listed: Value = app
        .get(&grants_path(CODE_A), Some(&owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status(&listed), "expired");
    let id = listed["items"][0]["id"].as_i64().unwrap();
    assert_problem(revoke(&app, Some(&owner_a), CODE_A, id).await, 409).await;
    // An expired grant lets the bank watch nothing.
    let watch = app
        .post(
            "/api/v1/watch",
            Some(&bank),
            &json!({"enterprise_code": CODE_A}),
        )
        .await;
    assert_problem(watch, 403).await;
}

/// Stores an evaluation with the given grade directly, as a rescoring would.
fn store_grade(app: &TestApp, code: &str, grade: &str, as_of: NaiveDate) {
    let row = app.score_row(code, grade, as_of);
    app.db
        .write(|conn| ecredit::db::scores::insert(conn, &row))
        .unwrap();
}

async fn banks_watch_authorised_enterprises_for_grade_changes(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&crate::helpers::test_model(1), true)
        .await;
    let bank = bank_id(&app, &cast.owner_a, "Test Bank").await;
    let watch_a = json!({"enterprise_code": CODE_A});

    // Only banks keep watch lists, and only of enterprises that authorised them.
    assert_problem(app.post("/api/v1/watch", None, &watch_a).await, 401).await;
    for token in [&cast.regulator, &cast.owner_a] {
        assert_problem(app.post("/api/v1/watch", Some(token), &watch_a).await, 403).await;
        assert_problem(app.get("/api/v1/watch", Some(token)).await, 403).await;
        let changes = app
            .get(
                "/api/v1/watch/changes?since=2026-01-01T00:00:00Z",
                Some(token),
            )
            .await;
        assert_problem(changes, 403).await;
    }
    assert_problem(
        app.post("/api/v1/watch", Some(&cast.bank), &watch_a).await,
        403,
    )
    .await;
    let bad = app
        .post(
            "/api/v1/watch",
            Some(&cast.bank),
            &json!({"enterprise_code": "nope"}),
        )
        .await;
    assert_problem(bad, 422).await;

    let grant_a = grant(&app, &cast.owner_a, CODE_A, bank, 60).await;
    grant(&app, &cast.owner_b, CODE_B, bank, 60).await;
    let since = app.clock.now();
    app.clock.advance(Duration::minutes(1));
    store_grade(&app, CODE_A, "A", "2026-10-31".parse().unwrap());
    let added = app.post("/api/v1/watch", Some(&cast.bank), &watch_a).await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["grade"], "A");
    assert_problem(
        app.post("/api/v1/watch", Some(&cast.bank), &watch_a).await,
        409,
    )
    .await;
    let watch_b = json!({"enterprise_code": CODE_B});
    assert_eq!(
        app.post("/api/v1/watch", Some(&cast.bank), &watch_b)
            .await
            .status(),
        201
    );

    app.clock.advance(Duration::minutes(5));
    store_grade(&app, CODE_A, "A", "2026-11-30".parse().unwrap()); // no change
    app.clock.advance(Duration::minutes(5));
    store_grade(&app, CODE_A, "BB", "2026-12-01".parse().unwrap());
    store_grade(&app, CODE_B, "AA", "2026-12-01".parse().unwrap());
    app.clock.advance(Duration::minutes(5));

    let changes_since = |since: chrono::DateTime<chrono::Utc>| {
        let path = format!(
            "/api/v1/watch/changes?since={}",
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let app = &app;
        let token = cast.bank.clone();
        async move {
            let response = app.get(&path, Some(&token)).await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let answer = changes_since(since).await;
    let seen: Vec<(String, Value, Value)> = answer["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["kind"], "grade");
            (
                c["enterprise_code"].as_str().unwrap().to_string(),
                c["previous"].clone(),
                c["current"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (CODE_A.to_string(), Value::Null, json!("A")),
            (CODE_A.to_string(), json!("A"), json!("BB")),
            (CODE_B.to_string(), Value::Null, json!("AA")),
        ]
    );
    // A blacklisting shows as a list change, and its rescoring is a grade change.
    let listing = json!({
        "enterprise_code": CODE_B, "reason": "严重失信", "legal_basis": "《浙江省公共信用信息管理条例》",
        "authority": "杭州市市场监督管理局"
    });
    let regulator = app.login("regulator", crate::helpers::PASSWORD).await;
    let listed = app
        .post(
            "/api/v1/lists/blacklist/entries",
            Some(&regulator),
            &listing,
        )
        .await;
    assert_eq!(listed.status(), 201);
    app.clock.advance(Duration::minutes(5));
    let answer_after_listing = changes_since(since).await;
    let b_changes: Vec<(String, Value, Value)> = answer_after_listing["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["enterprise_code"] == CODE_B)
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["previous"].clone(),
                c["current"].clone(),
            )
        })
        .collect();
    assert!(
        b_changes.contains(&(
            "blacklist".to_string(),
            json!("not_listed"),
            json!("listed")
        )),
        "{b_changes:?}"
    );
    assert!(
        b_changes.contains(&("grade".to_string(), json!("AA"), json!("C"))),
        "{b_changes:?}"
    );
    let answer = answer_after_listing;
    // Pulling again from the last answer's `until` yields nothing new.
    let until: chrono::DateTime<chrono::Utc> = answer["until"].as_str().unwrap().parse().unwrap();
    assert_eq!(changes_since(until).await["changes"], json!([]));

    // Another bank's watch list is its own.
    let other_bank = app
        .token_in("bank-2", Role::Bank, None, Some("Other Bank"))
        .await;
    let theirs: Value = app
        .get("/api/v1/watch", Some(&other_bank))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, json!([]));

    // Once A revokes, its changes stop and its grade is no longer shown.
    assert_eq!(
        revoke(&app, Some(&cast.owner_a), CODE_A, grant_a)
            .await
            .status(),
        200
    );
    let answer = changes_since(since).await;
    let codes: Vec<&str> = answer["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["enterprise_code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| *c == CODE_B),
        "{codes:?}"
    );
    let listed: Value = app
        .get("/api/v1/watch", Some(&cast.bank))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["enterprise_code"], CODE_A);
    assert_eq!(listed[0]["authorized"], false);
    assert!(listed[0].get("grade").is_none());
    assert_eq!(listed[1]["grade"], "C");

    // `since` is required and may not lie ahead.
    assert_problem(
        app.get("/api/v1/watch/changes", Some(&cast.bank)).await,
        422,
    )
    .await;
    assert_problem(
        app.get(
            "/api/v1/watch/changes?since=2099-01-01T00:00:00Z",
            Some(&cast.bank),
        )
        .await,
        422,
    )
    .await;

    // Removing: once.
    let path = format!("/api/v1/watch/{CODE_A}");
    assert_eq!(
        app.request(Method::DELETE, &path, Some(&cast.bank))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_problem(
        app.request(Method::DELETE, &path, Some(&cast.bank))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
}
