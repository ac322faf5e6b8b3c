use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use ecredit::domain::audit::ChainBreak;
use serde_json::{Value, json};

use crate::helpers::{Backend, CODE_A, CODE_B, TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    writes_and_private_reads_are_audited_with_who_what_and_outcome,
    the_audit_trail_is_for_regulators_and_admins_and_filters,
    concurrent_requests_chain_without_gaps,
    a_group_commit_chains_its_entries_in_order,
    verify_names_an_edited_deleted_or_reordered_entry,
);

async fn audit_page(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/audit{query}"), Some(token)).await;
    assert_eq!(response.status(), 200, "GET /api/v1/audit{query}");
    response.json().await.unwrap()
}

fn verify(app: &TestApp) -> Result<ecredit::domain::audit::VerifiedChain, ChainBreak> {
    app.db
        .read(ecredit::db::audit::verify)
        .expect("the log can be read")
}

async fn writes_and_private_reads_are_audited_with_who_what_and_outcome(app: TestApp) {
    let cast = app.cast().await;
    let event = json!({
        "kind": "administrative_penalty", "severity": "major", "title": "虚假宣传",
        "authority": "市场监督管理局", "decided_on": "2026-03-01", "publicity_until": "2027-03-01"
    });
    let created = app
        .post(
            &format!("/api/v1/enterprises/{CODE_A}/credit-events"),
            Some(&cast.regulator),
            &event,
        )
        .await;
    assert_eq!(created.status(), 201);
    let write_request_id = created.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    // A private read by the owner, a refused one by another enterprise, a public read.
    let own = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/operating-records?per_page=5"),
            Some(&cast.owner_a),
        )
        .await;
    assert_eq!(own.status(), 200);
    let refused = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/operating-records"),
            Some(&cast.owner_b),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let before_public = audit_page(&app, &cast.admin, "").await["total"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/enterprises/{CODE_A}"), None)
            .await
            .status(),
        200
    );
    // The admin's read of the audit trail is itself an entry; the public read is not.
    let page = audit_page(&app, &cast.admin, "").await;
    assert_eq!(page["total"].as_i64().unwrap(), before_public + 1);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items[0]["action"], "GET /api/v1/audit");
    assert_eq!(items[0]["actor"], "admin");

    let find = |action: &str, actor: &str| {
        items
            .iter()
            .find(|e| e["action"] == action && e["actor"] == actor)
            .unwrap_or_else(|| panic!("no entry for {action} by {actor} in {items:#?}"))
            .clone()
    };
    let write = find("POST /api/v1/enterprises/{code}/credit-events", "regulator");
    assert_eq!(write["actor_role"], "regulator");
    assert!(write["organisation_id"].as_i64().is_some());
    assert_eq!(write["enterprise_code"], CODE_A);
    assert_eq!(
        write["target"],
        format!("/api/v1/enterprises/{CODE_A}/credit-events")
    );
    assert_eq!(write["status"], 201);
    assert_eq!(write["request_id"], write_request_id.as_str());

    let read = find(
        "GET /api/v1/enterprises/{code}/operating-records",
        "owner-a",
    );
    assert_eq!(read["actor_role"], "enterprise");
    assert_eq!(read["actor_enterprise"], CODE_A);
    assert_eq!(
        read["target"],
        format!("/api/v1/enterprises/{CODE_A}/operating-records?per_page=5")
    );
    assert_eq!(read["status"], 200);
    let denied = find(
        "GET /api/v1/enterprises/{code}/operating-records",
        "owner-b",
    );
    assert_eq!(denied["status"], 403);
    assert_eq!(denied["actor_enterprise"], CODE_B);

    // Sign-ins are writes: audited, successful or not, without the password.
    assert_eq!(
        app.post(
            "/api/v1/auth/token",
            None,
            &json!({"username": "regulator", "password": "wrong-password-123"})
        )
        .await
        .status(),
        401
    );
    let logins = audit_page(&app, &cast.admin, "?action=POST%20/api/v1/auth/token").await;
    let statuses: Vec<i64> = logins["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses[0], 401);
    assert!(statuses.contains(&200));
    assert!(
        logins["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "anonymous" && !e.to_string().contains("wrong-password"))
    );
    assert!(verify(&app).is_ok());
}

async fn the_audit_trail_is_for_regulators_and_admins_and_filters(app: TestApp) {
    let cast = app.cast().await;
    assert_problem(app.get("/api/v1/audit", None).await, 401).await;
    for token in [&cast.bank, &cast.owner_a] {
        assert_problem(app.get("/api/v1/audit", Some(token)).await, 403).await;
    }
    app.get(
        &format!("/api/v1/enterprises/{CODE_B}/history"),
        Some(&cast.owner_b),
    )
    .await;
    app.get(&format!("/api/v1/enterprises/{CODE_B}"), Some(&cast.bank))
        .await;
    let by_enterprise = audit_page(&app, &cast.regulator, &format!("?enterprise={CODE_B}")).await;
    assert!(by_enterprise["total"].as_i64().unwrap() >= 2);
    assert!(
        by_enterprise["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["enterprise_code"] == CODE_B)
    );
    let by_actor = audit_page(&app, &cast.regulator, "?actor=owner-b&role=enterprise").await;
    assert!(audit_page(&app, &cast.regulator, "?actor=owner-b&role=bank").await["total"] == 0);
    assert_eq!(by_actor["total"], 1);
    assert_eq!(
        by_actor["items"][0]["action"],
        "GET /api/v1/enterprises/{code}/history"
    );
    let request_id = by_actor["items"][0]["request_id"].as_str().unwrap();
    let by_request = audit_page(&app, &cast.regulator, &format!("?request_id={request_id}")).await;
    assert_eq!(by_request["total"], 1);
    assert_eq!(by_request["items"][0]["seq"], by_actor["items"][0]["seq"]);

    // Time window: nothing before the test clock's start, everything before a later time.
    let all = audit_page(&app, &cast.regulator, "").await["total"]
        .as_i64()
        .unwrap();
    assert_eq!(
        audit_page(&app, &cast.regulator, "?until=2026-11-22T07:59:59Z").await["total"],
        0
    );
    assert_eq!(
        audit_page(
            &app,
            &cast.regulator,
            "?from=2026-11-22T08:00:00Z&until=2026-11-23T00:00:00Z"
        )
        .await["total"]
            .as_i64()
            .unwrap(),
        all + 2
    );
    let paged = audit_page(&app, &cast.regulator, "?per_page=2&page=2").await;
    assert_eq!(paged["items"].as_array().unwrap().len(), 2);
    assert!(paged["items"][0]["seq"].as_i64() > paged["items"][1]["seq"].as_i64());

    for bad in [
        "?enterprise=123",
        "?role=auditor",
        "?from=yesterday",
        "?per_page=1000",
    ] {
        assert_problem(
            app.get(&format!("/api/v1/audit{bad}"), Some(&cast.admin))
                .await,
            422,
        )
        .await;
    }
}

async fn concurrent_requests_chain_without_gaps(app: TestApp) {
    let cast = app.cast().await;
    let writes = (0..24).map(|n| {
        let path = format!("/api/v1/enterprises/{CODE_A}/sentiment");
        let body = json!({
            "source_kind": "news", "source_name": "钱江晚报", "title": format!("报道 {n}"),
            "published_at": "2026-11-01T08:00:00Z"
        });
        let app = &app;
        let token = cast.regulator.clone();
        async move { app.post(&path, Some(&token), &body).await.status() }
    });
    let statuses = futures_util::future::join_all(writes).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let chain = verify(&app).expect("the chain holds");
    let page = audit_page(&app, &cast.admin, "?per_page=100").await;
    // The page is read before its own entry is appended: it shows exactly the verified chain.
    assert_eq!(page["total"].as_i64().unwrap(), chain.entries);
    let seqs: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=chain.entries).rev().collect();
    assert_eq!(seqs, expected);
    assert_eq!(page["items"][0]["hash"], chain.head_hash.as_str());
    assert_eq!(page["items"][0]["prev_hash"], page["items"][1]["hash"]);
    let after = verify(&app).unwrap();
    assert_eq!(after.entries, chain.entries + 1);
}

/// The appender's batches (`db::audit::append_many`) and single appends make one chain, in the
/// order given, each entry's contents kept.
async fn a_group_commit_chains_its_entries_in_order(app: TestApp) {
    use ecredit::db::audit;
    use ecredit::domain::audit::AuditEvent;
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    let event = |n: usize| AuditEvent::console(at, "operator", &format!("command {n}"), "target");
    let before = verify(&app).unwrap().entries;
    let first = app
        .db
        .write(|conn| audit::append_many(conn, (0..7).map(event).collect()))
        .unwrap();
    app.db.write(|conn| audit::append(conn, event(7))).unwrap();
    let second = app
        .db
        .write(|conn| audit::append_many(conn, (8..10).map(event).collect()))
        .unwrap();
    assert!(
        app.db
            .write(|conn| audit::append_many(conn, Vec::new()))
            .unwrap()
            .is_empty()
    );
    let seqs: Vec<i64> = first.iter().chain(&second).map(|e| e.seq).collect();
    let expected: Vec<i64> = (before + 1..=before + 7)
        .chain(before + 9..=before + 10)
        .collect();
    assert_eq!(seqs, expected);
    for pair in first.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let chain = verify(&app).expect("the chain holds");
    assert_eq!(chain.entries, before + 10);
    assert_eq!(chain.head_hash, second[1].hash);
    let cast = app.cast().await;
    let page = audit_page(&app, &cast.admin, "?per_page=100").await;
    let targets: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == "target")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..10).rev().map(|n| format!("CLI command {n}")).collect();
    assert_eq!(targets, expected);
}

/// Runs SQL as the database owner would, around the service: the way a tamperer would go.
pub fn run_sql(app: &TestApp, sql: &str) -> Result<(), String> {
    let mut refusal = None;
    let _ = app.db.write(|conn| {
        conn.batch_execute(sql).map_err(|e| {
            refusal = Some(e.to_string());
            ecredit::error::AppError::Conflict("rolled back".into())
        })
    });
    refusal.map_or(Ok(()), Err)
}

pub(crate) fn bypass_append_only(app: &TestApp) {
    let sql = match app.backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;",
    };
    run_sql(app, sql).unwrap();
}

async fn verify_names_an_edited_deleted_or_reordered_entry(app: TestApp) {
    let cast = app.cast().await;
    for _ in 0..4 {
        app.get(
            &format!("/api/v1/enterprises/{CODE_A}/history"),
            Some(&cast.regulator),
        )
        .await;
    }
    let intact = verify(&app).unwrap();
    assert!(intact.entries >= 8, "{intact:?}");

    // The service's own account cannot change or remove entries.
    for sql in [
        "UPDATE audit_log SET status = 200 WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 3",
    ] {
        let refused = run_sql(&app, sql).unwrap_err();
        assert!(refused.contains("append-only"), "{refused}");
    }
    assert_eq!(verify(&app).unwrap(), intact);

    bypass_append_only(&app);
    // Edited: the entry names itself; restoring it exactly restores the chain.
    let original = row_values(&app, 3);
    run_sql(
        &app,
        "UPDATE audit_log SET actor = 'somebody' WHERE seq = 3",
    )
    .unwrap();
    assert_eq!(verify(&app).unwrap_err(), ChainBreak::Altered { seq: 3 });
    run_sql(&app, &overwrite_sql(3, &original)).unwrap();
    assert_eq!(verify(&app).unwrap(), intact);

    // Reordered: two entries' contents swapped, numbers kept.
    let (five, six) = (row_values(&app, 5), row_values(&app, 6));
    run_sql(&app, &overwrite_sql(5, &six)).unwrap();
    run_sql(&app, &overwrite_sql(6, &five)).unwrap();
    assert_eq!(verify(&app).unwrap_err(), ChainBreak::Unlinked { seq: 5 });
    run_sql(&app, &overwrite_sql(5, &five)).unwrap();
    run_sql(&app, &overwrite_sql(6, &six)).unwrap();
    assert_eq!(verify(&app).unwrap(), intact);

    // Deleted in the middle, then the newest.
    run_sql(&app, "DELETE FROM audit_log WHERE seq = 4").unwrap();
    assert_eq!(
        verify(&app).unwrap_err(),
        ChainBreak::Missing {
            expected: 4,
            found: 5
        }
    );
    run_sql(&app, "DELETE FROM audit_log WHERE seq >= 4").unwrap();
    assert_eq!(
        verify(&app).unwrap_err(),
        ChainBreak::Truncated {
            last: 3,
            head_seq: intact.entries
        }
    );
}

/// The columns a tamperer would move between rows: everything but `seq`.
#[derive(diesel::QueryableByName, Clone)]
struct RowValues {
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    target: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    status: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    request_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    recorded_at: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    prev_hash: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    hash: String,
}

fn row_values(app: &TestApp, seq: i64) -> RowValues {
    let mut rows: Vec<RowValues> = app
        .db
        .read(|conn| {
            Ok(diesel::sql_query(format!(
                "SELECT actor, action, target, status, request_id, \
                 CAST(recorded_at AS TEXT) AS recorded_at, prev_hash, hash \
                 FROM audit_log WHERE seq = {seq}"
            ))
            .load(conn)?)
        })
        .unwrap();
    rows.remove(0)
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn overwrite_sql(seq: i64, v: &RowValues) -> String {
    format!(
        "UPDATE audit_log SET actor = {}, action = {}, target = {}, status = {}, request_id = {}, \
         recorded_at = {}, prev_hash = {}, hash = {} WHERE seq = {seq}",
        quote(&v.actor),
        quote(&v.action),
        quote(&v.target),
        v.status,
        v.request_id.as_deref().map_or("NULL".into(), quote),
        quote(&v.recorded_at),
        quote(&v.prev_hash),
        quote(&v.hash),
    )
}
