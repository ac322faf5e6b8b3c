//! The web console: sessions, CSRF and Origin, headers, fragments, assets, languages, errors,
//! and the page × role matrix.

use std::collections::BTreeSet;

use ecredit::domain::Role;
use ecredit::web::i18n::{LANGS, Lang, MISSING_MARKER, catalog_keys};
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use crate::helpers::{CODE_A, CODE_B, PASSWORD, TestApp};
use crate::on_both_backends;

on_both_backends!(
    sign_in_opens_a_strict_session_and_audits_its_reads,
    wrong_password_is_shown_beside_the_form,
    sign_in_is_throttled_like_the_api,
    signing_out_ends_the_session,
    disabling_the_account_ends_its_sessions,
    an_idle_session_ends,
    posts_without_the_right_token_or_from_another_origin_are_refused,
    pages_carry_the_security_headers_and_vary,
    htmx_gets_a_fragment_and_others_the_page,
    assets_are_hashed_and_cached_for_good,
    language_is_negotiated_and_switched,
    unknown_paths_are_html_for_the_console_and_problems_for_the_api,
    page_role_matrix_in_both_languages,
    search_lists_and_profile_show_public_data,
    a_public_report_made_on_the_console_verifies_and_a_tampered_one_does_not,
);

/// The value of cookie `name` set by a response, if any.
fn set_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    set_cookie(headers, name).map(|c| c.split(';').next().unwrap()[name.len() + 1..].to_string())
}

/// A browser of one: the cookies it holds.
#[derive(Default, Clone)]
pub(crate) struct Browser {
    pub(crate) csrf_cookie: Option<String>,
    pub(crate) session: Option<String>,
    pub(crate) lang: Option<String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        let mut parts = vec![];
        if let Some(c) = &self.csrf_cookie {
            parts.push(format!("ecredit_csrf={c}"));
        }
        if let Some(s) = &self.session {
            parts.push(format!("ecredit_session={s}"));
        }
        if let Some(l) = &self.lang {
            parts.push(format!("lang={l}"));
        }
        parts.join("; ")
    }

    pub(crate) fn request(&self, app: &TestApp, method: Method, path: &str) -> RequestBuilder {
        let builder = app.request(method, path, None);
        let cookies = self.cookie_header();
        if cookies.is_empty() {
            builder
        } else {
            builder.header("Cookie", cookies)
        }
    }

    pub(crate) async fn get(&self, app: &TestApp, path: &str) -> Response {
        self.request(app, Method::GET, path).send().await.unwrap()
    }

    /// Takes the cookies a response sets.
    pub(crate) fn keep(&mut self, response: &Response) {
        let headers = response.headers();
        if let Some(c) = cookie_value(headers, "ecredit_csrf") {
            self.csrf_cookie = (!c.is_empty()).then_some(c);
        }
        if let Some(s) = cookie_value(headers, "ecredit_session") {
            self.session = (!s.is_empty()).then_some(s);
        }
        if let Some(l) = cookie_value(headers, "lang") {
            self.lang = Some(l);
        }
    }

    /// Opens `path` and returns the CSRF token of its first form.
    pub(crate) async fn form_token(&mut self, app: &TestApp, path: &str) -> String {
        let response = self.get(app, path).await;
        assert_eq!(response.status(), 200, "{path}");
        self.keep(&response);
        let body = response.text().await.unwrap();
        hidden_csrf(&body).expect("a form with a csrf field")
    }

    pub(crate) async fn post_form(
        &mut self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let response = self
            .request(app, Method::POST, path)
            .form(fields)
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }

    pub(crate) async fn sign_in(
        &mut self,
        app: &TestApp,
        username: &str,
        password: &str,
    ) -> Response {
        let csrf = self.form_token(app, "/sign-in").await;
        self.post_form(
            app,
            "/sign-in",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }
}

/// The body of `path` opened by `browser`, which must answer `status`.
pub(crate) async fn page_body(browser: &Browser, app: &TestApp, path: &str, status: u16) -> String {
    let response = browser.get(app, path).await;
    assert_eq!(response.status(), status, "{path}");
    response.text().await.unwrap()
}

pub(crate) fn hidden_csrf(body: &str) -> Option<String> {
    let at = body.find(r#"name="csrf" value=""#)?;
    let rest = &body[at + r#"name="csrf" value=""#.len()..];
    Some(rest[..rest.find('"')?].to_string())
}

pub(crate) async fn signed_in(
    app: &TestApp,
    username: &str,
    role: Role,
    enterprise: Option<&str>,
) -> Browser {
    app.token_for(username, role, enterprise).await;
    let mut browser = Browser::default();
    let response = browser.sign_in(app, username, PASSWORD).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    assert!(browser.session.is_some());
    browser
}

pub(crate) async fn register_a_and_b(app: &TestApp) -> String {
    let regulator = app.token_for("reg-api", Role::Regulator, None).await;
    for body in [
        crate::helpers::enterprise_body(CODE_A, "杭州西湖茶电子商务有限公司", "330106"),
        crate::helpers::enterprise_body(CODE_B, "深圳南山数码贸易有限公司", "440305"),
    ] {
        let response = app
            .post("/api/v1/enterprises", Some(&regulator), &body)
            .await;
        assert_eq!(response.status(), 201);
    }
    regulator
}

async fn sign_in_opens_a_strict_session_and_audits_its_reads(app: TestApp) {
    let regulator = app.token_for("auditor", Role::Regulator, None).await;
    app.token_for("alice", Role::Admin, None).await;
    let mut browser = Browser::default();
    let response = browser.sign_in(&app, "alice", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/workspace");
    let cookie = set_cookie(response.headers(), "ecredit_session").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "not Secure by default: {cookie}"
    );
    assert_eq!(
        browser.session.as_ref().unwrap().len(),
        64,
        "a 256-bit token"
    );

    let page = browser.get(&app, "/workspace").await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("alice"));
    assert!(body.contains("Administrator") || body.contains("管理员"));
    // The session's own CSRF token is in its forms (sign-out), not the pre-session one.
    assert_ne!(hidden_csrf(&body), browser.csrf_cookie);

    // The signed-in read is in the audit trail, under the account.
    let audit: Value = app
        .get("/api/v1/audit?actor=alice", Some(&regulator))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"GET /workspace"), "{actions:?}");
    let sign_ins = app
        .get("/api/v1/audit?action=POST%20/sign-in", Some(&regulator))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        sign_ins["total"].as_i64().unwrap() >= 1,
        "posts are audited"
    );
}

async fn wrong_password_is_shown_beside_the_form(app: TestApp) {
    app.token_for("bob", Role::Regulator, None).await;
    let mut browser = Browser::default();
    let response = browser.sign_in(&app, "bob", "not-the-password").await;
    assert_eq!(response.status(), 401);
    assert!(set_cookie(response.headers(), "ecredit_session").is_none());
    let body = response.text().await.unwrap();
    assert!(body.contains("Wrong username or password"), "{body}");
    assert!(body.contains(r#"value="bob""#), "keeps what was typed");
    // Empty fields are named beside them.
    let csrf = browser.form_token(&app, "/sign-in").await;
    let response = browser
        .post_form(
            &app,
            "/sign-in",
            &[("csrf", &csrf), ("username", ""), ("password", "")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains(r#"id="field-username-error""#), "{body}");
    assert!(body.contains(r#"aria-invalid="true""#));
}

async fn sign_in_is_throttled_like_the_api(app: TestApp) {
    app.token_for("carol", Role::Bank, None).await;
    let mut browser = Browser::default();
    // The token_for sign-in used one attempt of five; the console and the API share the count.
    let mut last = None;
    for _ in 0..5 {
        last = Some(browser.sign_in(&app, "carol", "wrong-password-x").await);
    }
    let response = last.unwrap();
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0);
    let body = response.text().await.unwrap();
    assert!(
        body.contains(&format!("Try again in {wait} seconds")),
        "{body}"
    );
    // The API is refused as well: one throttle.
    let api = app
        .post(
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"username": "carol", "password": PASSWORD}),
        )
        .await;
    assert_eq!(api.status(), 429);
}

async fn signing_out_ends_the_session(app: TestApp) {
    let mut browser = signed_in(&app, "dave", Role::Regulator, None).await;
    let before = browser.clone();
    let csrf = browser.form_token(&app, "/workspace").await;
    let response = browser
        .post_form(&app, "/sign-out", &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), 303);
    let removal = set_cookie(response.headers(), "ecredit_session").unwrap();
    assert!(removal.contains("Max-Age=0"), "{removal}");
    // The old cookie names no session any more: the server deleted it.
    let response = before.get(&app, "/workspace").await;
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in")
    );
    assert!(
        set_cookie(response.headers(), "ecredit_session").is_some(),
        "cleared"
    );
}

async fn disabling_the_account_ends_its_sessions(app: TestApp) {
    let browser = signed_in(&app, "erin", Role::Bank, None).await;
    assert_eq!(browser.get(&app, "/workspace").await.status(), 200);
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        db.write(|conn| ecredit::db::users::set_disabled(conn, "erin", true))
    })
    .await
    .unwrap()
    .unwrap();
    let response = browser.get(&app, "/workspace").await;
    assert_eq!(response.status(), 303, "ends at once");
    // Enabled again, the old session stays dead (a new generation).
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        db.write(|conn| ecredit::db::users::set_disabled(conn, "erin", false))
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(browser.get(&app, "/workspace").await.status(), 303);
}

async fn an_idle_session_ends(app: TestApp) {
    let browser = signed_in(&app, "frank", Role::Regulator, None).await;
    // Used every 29 minutes, it lives on.
    for _ in 0..3 {
        app.clock.advance(chrono::Duration::minutes(29));
        assert_eq!(browser.get(&app, "/workspace").await.status(), 200);
    }
    app.clock.advance(chrono::Duration::minutes(31));
    let response = browser.get(&app, "/workspace").await;
    assert_eq!(response.status(), 303);
    // And it is gone for good, not only refused.
    app.clock.advance(chrono::Duration::minutes(-31));
    assert_eq!(browser.get(&app, "/workspace").await.status(), 303);
}

async fn posts_without_the_right_token_or_from_another_origin_are_refused(app: TestApp) {
    app.token_for("gina", Role::Regulator, None).await;
    let mut browser = Browser::default();
    let csrf = browser.form_token(&app, "/sign-in").await;
    let fields = |token: &'static str| {
        vec![
            ("csrf", token),
            ("username", "gina"),
            ("password", PASSWORD),
        ]
    };
    // Missing, wrong: 403, no session.
    for token in [
        "",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let response = browser.post_form(&app, "/sign-in", &fields(token)).await;
        assert_eq!(response.status(), 403, "token {token:?}");
        assert!(set_cookie(response.headers(), "ecredit_session").is_none());
        let body = response.text().await.unwrap();
        assert!(body.contains("<!DOCTYPE html>"), "an HTML page");
    }
    // No pre-session cookie at all: the form's token alone is not enough.
    let bare = app
        .request(Method::POST, "/sign-in", None)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "gina"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 403);
    // A foreign Origin, with the right token: 403.
    let foreign = browser
        .request(&app, Method::POST, "/sign-in")
        .header("Origin", "https://evil.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "gina"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert!(set_cookie(foreign.headers(), "ecredit_session").is_none());
    // The same origin is fine.
    let origin = app.address.clone();
    let ok = browser
        .request(&app, Method::POST, "/sign-in")
        .header("Origin", origin)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "gina"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    browser.keep(&ok);

    // Signing out with the wrong token leaves the session alive.
    let response = browser
        .post_form(&app, "/sign-out", &[("csrf", &csrf)])
        .await;
    assert_eq!(
        response.status(),
        403,
        "the pre-session token is not the session's"
    );
    assert_eq!(browser.get(&app, "/workspace").await.status(), 200);

    // A report post without a token makes no report.
    let regulator = register_a_and_b(&app).await;
    let response = browser
        .post_form(&app, &format!("/enterprises/{CODE_A}/report"), &[])
        .await;
    assert_eq!(response.status(), 403);
    let log: Value = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/query-log"),
            Some(&regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 0, "{log}");
}

async fn pages_carry_the_security_headers_and_vary(app: TestApp) {
    for path in ["/", "/sign-in", "/no-such-page", "/verify"] {
        let response = app.get(path, None).await;
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"));
        assert!(csp.contains("style-src 'self'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("form-action 'self'"));
        assert!(csp.contains("base-uri 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let timing = h["server-timing"].to_str().unwrap();
        let millis: f64 = timing.strip_prefix("app;dur=").unwrap().parse().unwrap();
        assert!(millis >= 0.0, "{path}: {timing}");
        let vary = h["vary"].to_str().unwrap();
        assert!(
            vary.contains("HX-Request") && vary.contains("Accept-Language"),
            "{path}: {vary}"
        );
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("<script>") && !body.contains("style="),
            "{path}: no inline"
        );
    }
}

async fn htmx_gets_a_fragment_and_others_the_page(app: TestApp) {
    register_a_and_b(&app).await;
    let full = app
        .get("/enterprises?q=杭州", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(full.starts_with("<!DOCTYPE html>"));
    assert!(full.contains("杭州西湖茶电子商务有限公司"));
    let fragment = app
        .request(Method::GET, "/enterprises?q=杭州", None)
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(fragment.status(), 200);
    assert!(
        fragment.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("HX-Request")
    );
    let fragment = fragment.text().await.unwrap();
    assert!(!fragment.contains("<html"), "{fragment}");
    assert!(!fragment.contains("<nav aria-label=\"Main\""));
    assert!(fragment.contains("杭州西湖茶电子商务有限公司"));
    // A history restore needs the whole page.
    let restore = app
        .request(Method::GET, "/enterprises?q=杭州", None)
        .header("HX-Request", "true")
        .header("HX-History-Restore-Request", "true")
        .send()
        .await
        .unwrap();
    assert!(restore.text().await.unwrap().starts_with("<!DOCTYPE html>"));
    // The search form and the pager are real forms and links, enhanced by htmx.
    assert!(full.contains(r#"action="/enterprises""#) && full.contains(r#"hx-get="/enterprises""#));
    // Errors come as fragments too.
    let error = app
        .request(Method::GET, "/enterprises/91330100799655058X", None)
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(error.status(), 404);
    assert!(!error.text().await.unwrap().contains("<html"));
}

async fn assets_are_hashed_and_cached_for_good(app: TestApp) {
    let body = app.get("/", None).await.text().await.unwrap();
    for (prefix, kind) in [
        ("/assets/app.", "text/css"),
        ("/assets/htmx.min.", "text/javascript"),
    ] {
        let at = body
            .find(prefix)
            .unwrap_or_else(|| panic!("{prefix} in {body}"));
        let url = &body[at..at + body[at..].find('"').unwrap()];
        let hash = url[prefix.len()..].split('.').next().unwrap();
        assert_eq!(hash.len(), 16, "{url}");
        let response = app.get(url, None).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        let head = app
            .request(reqwest::Method::HEAD, url, None)
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200, "HEAD {url}");
        assert_eq!(
            head.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD has no body");
        let wrong = url.replace(hash, "0123456789abcdef");
        assert_eq!(app.get(&wrong, None).await.status(), 404, "{wrong}");
    }
    assert_eq!(app.get("/assets/app.css", None).await.status(), 404);
}

async fn language_is_negotiated_and_switched(app: TestApp) {
    let page = |accept: &'static str, cookie: Option<&'static str>| {
        let mut builder = app
            .request(Method::GET, "/", None)
            .header("Accept-Language", accept);
        if let Some(c) = cookie {
            builder = builder.header("Cookie", c);
        }
        async move { builder.send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        page("zh-CN,zh;q=0.9", None)
            .await
            .contains(r#"<html lang="zh-CN">"#)
    );
    assert!(page("zh-TW", None).await.contains("查询电子商务企业信用"));
    assert!(page("en-GB,en", None).await.contains(r#"<html lang="en">"#));
    assert!(page("fr", None).await.contains("Look up an e-commerce"));
    assert!(
        page("zh-CN", Some("lang=en"))
            .await
            .contains(r#"<html lang="en">"#)
    );
    assert!(
        page("en", Some("lang=zh-CN"))
            .await
            .contains(r#"<html lang="zh-CN">"#)
    );
    // Every page has the switch to the other language, back to the same page.
    let body = page("en", None).await;
    assert!(body.contains(r#"href="/lang/zh-CN?next=%2F""#), "{body}");

    let switch = app.get("/lang/en?next=/enterprises%3Fq%3Da", None).await;
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/enterprises?q=a");
    assert_eq!(
        cookie_value(switch.headers(), "lang").as_deref(),
        Some("en")
    );
    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let next = form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>();
        let switch = app.get(&format!("/lang/zh-CN?next={next}"), None).await;
        assert_eq!(switch.headers()["location"], "/", "{evil}");
    }
    assert_eq!(app.get("/lang/fr?next=/", None).await.status(), 404);
}

async fn unknown_paths_are_html_for_the_console_and_problems_for_the_api(app: TestApp) {
    let api = app.get("/api/v1/no-such-thing", None).await;
    crate::helpers::assert_problem(api, 404).await;
    let api = app.get("/api/v2", None).await;
    crate::helpers::assert_problem(api, 404).await;
    let page = app.get("/no/such/page", None).await;
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = page.text().await.unwrap();
    assert!(body.contains("Page not found"));
    // A method a page does not take is the HTML page too.
    let put = app
        .request(Method::PUT, "/sign-in", None)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_client_error());
    assert!(
        put.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Allowed,
    SignIn,
    Forbidden,
}

async fn page_role_matrix_in_both_languages(app: TestApp) {
    register_a_and_b(&app).await;
    let cast = [
        ("anonymous", Browser::default()),
        (
            "owner",
            signed_in(&app, "m-owner", Role::Enterprise, Some(CODE_A)).await,
        ),
        (
            "other",
            signed_in(&app, "m-other", Role::Enterprise, Some(CODE_B)).await,
        ),
        ("bank", signed_in(&app, "m-bank", Role::Bank, None).await),
        (
            "regulator",
            signed_in(&app, "m-regulator", Role::Regulator, None).await,
        ),
        ("admin", signed_in(&app, "m-admin", Role::Admin, None).await),
    ];
    use Cell::*;
    let all = [Allowed; 6];
    let matrix: Vec<(&str, String, [Cell; 6])> = vec![
        ("/", "/".into(), all),
        ("/enterprises", "/enterprises?q=公司".into(), all),
        ("/enterprises/{code}", format!("/enterprises/{CODE_A}"), all),
        ("/lists/blacklist", "/lists/blacklist".into(), all),
        ("/lists/redlist", "/lists/redlist".into(), all),
        ("/verify", "/verify".into(), all),
        ("/keys", "/keys".into(), all),
        ("/sign-in", "/sign-in".into(), all),
        (
            "/workspace",
            "/workspace".into(),
            [SignIn, Allowed, Allowed, Allowed, Allowed, Allowed],
        ),
    ];
    // The enterprise workspace: the owner's own, read-only for keepers, refused to the rest.
    let workspace = [SignIn, Allowed, Forbidden, Forbidden, Allowed, Allowed];
    let mut matrix = matrix;
    for page in [
        "/workspace/records",
        "/workspace/history",
        "/workspace/submissions",
        "/workspace/objections",
        "/workspace/commitments",
        "/workspace/repairs",
        "/workspace/authorizations",
        "/workspace/query-log",
    ] {
        matrix.push((page, format!("{page}?enterprise={CODE_A}"), workspace));
    }
    // The bank's pages.
    let banks = [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden];
    matrix.push(("/workspace/portfolio", "/workspace/portfolio".into(), banks));
    matrix.push(("/workspace/grants", "/workspace/grants".into(), banks));
    // The keepers' model pages.
    let keepers = [SignIn, Forbidden, Forbidden, Forbidden, Allowed, Allowed];
    let active = std::fs::read_to_string("models/ACTIVE").unwrap();
    let active = active.trim();
    matrix.push(("/workspace/models", "/workspace/models".into(), keepers));
    matrix.push(("/workspace/runs", "/workspace/runs".into(), keepers));
    matrix.push((
        "/workspace/runs/progress",
        "/workspace/runs/progress".into(),
        keepers,
    ));
    matrix.push((
        "/workspace/models/{version}",
        format!("/workspace/models/{active}"),
        keepers,
    ));
    matrix.push((
        "/workspace/models/{version}/activate",
        format!("/workspace/models/{active}/activate"),
        keepers,
    ));
    matrix.push(("/workspace/audit", "/workspace/audit".into(), keepers));
    matrix.push((
        "/workspace/statistics",
        "/workspace/statistics?by=grade".into(),
        keepers,
    ));
    matrix.push((
        "/workspace/enterprises",
        "/workspace/enterprises?province=330000".into(),
        keepers,
    ));
    matrix.push((
        "/workspace/enterprises/export.csv",
        "/workspace/enterprises/export.csv".into(),
        keepers,
    ));
    // The regulators' queues, with one item waiting in each.
    let waiting = crate::web_queues::one_of_each(&app).await;
    // The keepers' record writes on the enterprise detail.
    matrix.push((
        "/workspace/enterprises/{code}/credit-events/new",
        format!("/workspace/enterprises/{CODE_A}/credit-events/new"),
        keepers,
    ));
    matrix.push((
        "/workspace/enterprises/{code}/{kind}/{id}",
        format!(
            "/workspace/enterprises/{CODE_A}/credit-events/{}",
            waiting.event
        ),
        keepers,
    ));
    let q = "/workspace/queues";
    for (list, detail, item) in [
        (
            "/workspace/queues/proposals",
            "/workspace/queues/proposals/{id}",
            format!("{q}/proposals/{}", waiting.proposal),
        ),
        (
            "/workspace/queues/objections",
            "/workspace/queues/objections/{code}/{id}",
            format!("{q}/objections/{CODE_A}/{}", waiting.objection),
        ),
        (
            "/workspace/queues/submissions",
            "/workspace/queues/submissions/{code}/{id}",
            format!("{q}/submissions/{CODE_A}/{}", waiting.submission),
        ),
        (
            "/workspace/queues/repairs",
            "/workspace/queues/repairs/{code}/{id}",
            format!("{q}/repairs/{CODE_A}/{}", waiting.repair),
        ),
        (
            "/workspace/queues/commitments",
            "/workspace/queues/commitments/{code}/{id}",
            format!("{q}/commitments/{CODE_A}/{}", waiting.commitment),
        ),
    ] {
        matrix.push((list, list.to_string(), keepers));
        matrix.push((detail, item, keepers));
    }
    // The admin's accounts and keys.
    let admins = [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Allowed];
    for (pattern, path) in [
        ("/workspace/accounts", "/workspace/accounts"),
        (
            "/workspace/accounts/{username}",
            "/workspace/accounts/m-owner",
        ),
        ("/workspace/keys", "/workspace/keys"),
    ] {
        matrix.push((pattern, path.into(), admins));
    }
    let covered: BTreeSet<&str> = matrix.iter().map(|(p, _, _)| *p).collect();
    let pages: BTreeSet<&str> = ecredit::web::PAGES.iter().copied().collect();
    assert_eq!(covered, pages, "every page has a row in the matrix");
    for (pattern, path, cells) in &matrix {
        for ((role, browser), expected) in cast.iter().zip(cells) {
            for lang in LANGS {
                let mut b = browser.clone();
                b.lang = Some(lang.tag().into());
                let response = b.get(&app, path).await;
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                match expected {
                    Allowed => assert_eq!(status, 200, "{pattern} as {role}"),
                    SignIn => assert_eq!(status, 303, "{pattern} as {role}"),
                    Forbidden => assert_eq!(status, 403, "{pattern} as {role}"),
                }
                assert!(
                    !body.contains(MISSING_MARKER),
                    "{pattern} as {role} in {}: {}",
                    lang.tag(),
                    &body[body.find(MISSING_MARKER).unwrap()..][..60]
                );
                // No page shows an identity number or phone, masked or not, nor another
                // enterprise's private data.
                assert!(!body.contains("11010519491231002X") && !body.contains("13812345678"));
                if *pattern == "/enterprises/{code}" {
                    let private = ["owner", "regulator", "admin"].contains(role);
                    let capital = if lang == Lang::ZhCn {
                        "500.00万元"
                    } else {
                        "CNY 5.00 million"
                    };
                    assert_eq!(body.contains(capital), private, "{role} {}", lang.tag());
                }
            }
        }
    }
}

async fn search_lists_and_profile_show_public_data(app: TestApp) {
    register_a_and_b(&app).await;
    let zh = |path: String| {
        let app = &app;
        async move {
            app.request(Method::GET, &path, None)
                .header("Accept-Language", "zh-CN")
                .send()
                .await
                .unwrap()
        }
    };
    let body = zh("/enterprises?q=9133".into()).await.text().await.unwrap();
    assert!(body.contains("杭州西湖茶电子商务有限公司") && !body.contains("深圳南山"));
    assert!(body.contains("共找到 1 家企业"), "{body}");
    // Bad input is shown beside the field, and the input kept.
    let long = "长".repeat(101);
    let response = zh(format!("/enterprises?q={long}")).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("search-q-error") && body.contains(&long));
    let body = zh(format!("/enterprises/{CODE_A}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("杭州西湖茶电子商务有限公司"));
    assert!(body.contains("尚未评级"), "not scored yet");
    assert!(body.contains("未列入严重失信名单或守信激励名单"));
    let response = zh("/lists/blacklist?q=x&page=1".into()).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("没有匹配的名单条目")
    );
    assert_eq!(zh("/lists/redlist?page=0".into()).await.status(), 422);
    assert_eq!(zh("/enterprises/not-a-code".into()).await.status(), 404);
}

async fn a_public_report_made_on_the_console_verifies_and_a_tampered_one_does_not(app: TestApp) {
    register_a_and_b(&app).await;
    let artifact = crate::helpers::test_model(7);
    app.install_model(&artifact, true).await;
    let regulator = app.token_for("scorer", Role::Regulator, None).await;
    let rescored = app
        .post(
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&regulator),
            &serde_json::json!({}),
        )
        .await;
    assert!(
        rescored.status().is_success(),
        "{}",
        rescored.text().await.unwrap()
    );
    let mut browser = Browser::default();
    let csrf = browser
        .form_token(&app, &format!("/enterprises/{CODE_A}"))
        .await;
    let response = browser
        .post_form(
            &app,
            &format!("/enterprises/{CODE_A}/report"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/api/v1/reports/ECR-"), "{location}");
    let saved = app.get(&location, None).await.text().await.unwrap();
    let verify = |report: String, browser: Browser| {
        let app = &app;
        async move {
            let mut browser = browser;
            let csrf = browser.form_token(app, "/verify").await;
            let form = reqwest::multipart::Form::new()
                .text("csrf", csrf)
                .text("report", report);
            let response = browser
                .request(app, Method::POST, "/verify")
                .header("Accept-Language", "en")
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let body = verify(saved.clone(), browser.clone()).await;
    assert!(body.contains("Genuine"), "{body}");
    let tampered = saved.replacen("杭州", "上海", 1);
    assert_ne!(tampered, saved);
    let body = verify(tampered, browser.clone()).await;
    assert!(body.contains("Not valid"), "{body}");
    // Upload as a file works the same.
    let csrf = browser.form_token(&app, "/verify").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(saved.into_bytes()).file_name("report.json"),
    );
    let body = browser
        .request(&app, Method::POST, "/verify")
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("Genuine") || body.contains("真实有效"),
        "{body}"
    );
}

#[test]
fn both_catalogs_have_the_same_keys() {
    let zh = catalog_keys(Lang::ZhCn);
    let en = catalog_keys(Lang::En);
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(
        only_zh.is_empty() && only_en.is_empty(),
        "only zh-CN: {only_zh:?}; only en: {only_en:?}"
    );
    assert!(zh.len() > 100);
}

#[test]
fn the_console_never_reaches_the_db_layer() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains("crate::db") || text.contains("ecredit::db") {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let mut found = vec![];
    visit(std::path::Path::new("src/web"), &mut found);
    assert!(found.is_empty(), "src/web imports the db layer: {found:?}");
}
