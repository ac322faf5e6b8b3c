use serde_json::Value;

use crate::helpers::{TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    health_ready_and_metrics,
    openapi_and_docs_are_served,
    unknown_routes_are_problems
);

async fn health_ready_and_metrics(app: TestApp) {
    let health = app.get("/health", None).await;
    assert_eq!(health.status(), 200);
    assert!(health.headers().get("x-request-id").is_some());
    let ready: Value = app.get("/ready", None).await.json().await.unwrap();
    let expected = match app.backend {
        crate::helpers::Backend::Sqlite => "sqlite",
        crate::helpers::Backend::Postgres => "postgres",
    };
    assert_eq!(ready["database"], expected);

    app.get("/api/v1/enterprises/91330100799655058B", None)
        .await;
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(metrics.contains(r#"ecredit_http_requests_total{method="GET",route="/api/v1/enterprises/{code}",status="404"} 1"#), "{metrics}");
    assert!(metrics.contains("ecredit_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("ecredit_db_pool_max_connections 4"));
}

async fn openapi_and_docs_are_served(app: TestApp) {
    let served = app
        .get("/api/v1/openapi.json", None)
        .await
        .text()
        .await
        .unwrap();
    let served: Value = serde_json::from_str(&served).unwrap();
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string("openapi/openapi.json").unwrap()).unwrap();
    assert_eq!(
        served, committed,
        "the served document is the committed one"
    );
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status(), 308);
}

async fn unknown_routes_are_problems(app: TestApp) {
    assert_problem(app.get("/api/v1/nothing-here", None).await, 404).await;
    // Outside /api, an unknown path is the console's HTML 404 page (tests/api/web.rs).
    assert_problem(app.get("/api/nothing", None).await, 404).await;
    // A file the documentation does not have is a problem too, not a bare 404.
    assert_problem(app.get("/docs/no-such-file.js", None).await, 404).await;
    // A wrong method gets 405 and `Allow` names the documented methods (RFC 9110).
    for (method, path, allow) in [
        (
            reqwest::Method::DELETE,
            "/api/v1/enterprises/91330100799655058B",
            "GET, PATCH",
        ),
        (reqwest::Method::PUT, "/api/v1/auth/token", "POST"),
        (reqwest::Method::POST, "/health", "GET"),
        (reqwest::Method::DELETE, "/ready", "GET"),
        (reqwest::Method::PUT, "/metrics", "GET"),
        (
            reqwest::Method::GET,
            "/api/v1/watch/91330100799655058B",
            "DELETE",
        ),
    ] {
        let response = app
            .request(method.clone(), path, None)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers().get("allow").map(|v| v.to_str().unwrap()),
            Some(allow),
            "{method} {path}"
        );
        assert_problem(response, 405).await;
    }
    // Bodies over the limit, also to the operations that read raw bytes, are 413 problems.
    let huge = vec![b' '; 300 * 1024];
    for path in [
        "/api/v1/enterprises/91330100799655058B/reports",
        "/api/v1/reports/verify",
    ] {
        let response = app
            .request(reqwest::Method::POST, path, None)
            .header("content-type", "application/json")
            .body(huge.clone())
            .send()
            .await
            .unwrap();
        assert_problem(response, 413).await;
    }
}

/// With PostgreSQL gone, readiness and data endpoints answer 503 problems instead of hanging or
/// failing opaquely.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_is_a_503() {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let Ok(admin_url) = std::env::var("ECREDIT_TEST_POSTGRES_URL") else {
        eprintln!("ECREDIT_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
        return;
    };
    let app = TestApp::spawn(crate::helpers::Backend::Postgres).await;
    assert_eq!(app.get("/ready", None).await.status(), 200);
    let name = app.database_name().expect("a PostgreSQL test database");
    let mut conn = PgConnection::establish(&admin_url).unwrap();
    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .unwrap();

    let ready = app.get("/ready", None).await;
    assert_eq!(ready.headers().get("retry-after").unwrap(), "5");
    assert_problem(ready, 503).await;
    assert_problem(app.get("/api/v1/enterprises", None).await, 503).await;
}
