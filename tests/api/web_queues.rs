//! The regulators' console: the dashboard (pending work by queue, the grade distribution kept
//! as tallies, the trend over completed runs) and the queues, each decided from its page with
//! the effect checked through the JSON API; refused decisions change nothing, and a decision
//! made meanwhile by someone else is said so (409), never a bare error. And the audit log page:
//! searched by its filters, and its chain verified, intact or broken.

use ecredit::db::statistics::StatisticsFilter;
use ecredit::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, TestApp};
use crate::on_both_backends;
use crate::web::{Browser, page_body, register_a_and_b, signed_in};
use crate::web_workspace::json_of;

on_both_backends!(
    the_dashboard_counts_each_queue_and_links_to_it,
    each_queue_is_decided_from_its_page,
    grade_tallies_equal_a_count_of_the_current_scores,
    the_audit_log_is_searched_and_its_chain_verified_from_the_page,
    the_registry_is_searched_by_region_grade_and_status_and_exported,
);

/// One item waiting in each queue, all of enterprise A.
pub(crate) struct Waiting {
    pub proposal: i64,
    /// The credit event the objection and the repair are about.
    pub event: i64,
    pub objection: i64,
    pub submission: i64,
    pub repair: i64,
    pub commitment: i64,
    pub regulator: String,
}

async fn created(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(code, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Registers nothing: A must exist. Files one item of each queue through the API.
pub(crate) async fn one_of_each(app: &TestApp) -> Waiting {
    let regulator = app.token_for("q-regulator", Role::Regulator, None).await;
    let owner = app
        .token_for("q-owner", Role::Enterprise, Some(CODE_A))
        .await;
    let events = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    // A dishonest judgment debtor: the blacklist rule proposes an entry.
    created(
        app.post(
            &events,
            Some(&regulator),
            &json!({
                "kind": "dishonest_judgment_debtor", "severity": "serious",
                "title": "列入失信被执行人名单", "authority": "杭州市西湖区人民法院",
                "document_number": "(2026)浙0106执9号", "decided_on": "2026-05-01"
            }),
        )
        .await,
        201,
    )
    .await;
    let proposals = json_of(app, "/api/v1/lists/proposals", &regulator).await;
    let proposal = proposals["items"][0]["id"].as_i64().unwrap();
    let penalty = created(
        app.post(
            &events,
            Some(&regulator),
            &json!({
                "kind": "administrative_penalty", "severity": "major", "title": "虚假宣传",
                "authority": "杭州市西湖区市场监督管理局", "decided_on": "2026-05-01",
                "publicity_until": "2029-05-01"
            }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let objection = created(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/objections"),
            Some(&owner),
            &json!({"credit_event_id": penalty, "reason": "处罚决定已经行政复议撤销"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let submission = created(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/submissions"),
            Some(&owner),
            &json!({"basic": {"name": "杭州西湖龙井茶电子商务有限公司"}}),
        )
        .await,
        202,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let repair = created(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/repairs"),
            Some(&owner),
            &json!({"credit_event_id": penalty, "corrections": "已删除全部虚假宣传内容并公开致歉"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let commitment = created(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/commitments"),
            Some(&owner),
            &json!({
                "text": "本企业承诺所售茶叶均经第三方检测合格。", "scope": "product quality",
                "period_start": "2026-11-01", "period_end": "2026-11-30"
            }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Waiting {
        proposal,
        event: penalty,
        objection,
        submission,
        repair,
        commitment,
        regulator,
    }
}

/// The count shown on the dashboard's card for `queue`.
fn card_count(page: &str, queue: &str) -> String {
    let link = format!("<a href=\"/workspace/queues/{queue}\">");
    let at = page
        .find(&link)
        .unwrap_or_else(|| panic!("no card for {queue}: {page}"));
    let rest = &page[at..];
    let start = rest.find("queue-count\">").unwrap() + "queue-count\">".len();
    rest[start..][..rest[start..].find('<').unwrap()].to_string()
}

async fn the_dashboard_counts_each_queue_and_links_to_it(app: TestApp) {
    register_a_and_b(&app).await;
    let mut browser = signed_in(&app, "d-regulator", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let empty = page_body(&browser, &app, "/workspace", 200).await;
    for queue in [
        "proposals",
        "objections",
        "submissions",
        "repairs",
        "commitments",
    ] {
        assert_eq!(card_count(&empty, queue), "0", "{queue}");
    }
    assert!(
        empty.contains("No enterprise has been graded yet"),
        "{empty}"
    );

    let waiting = one_of_each(&app).await;
    let page = page_body(&browser, &app, "/workspace", 200).await;
    for queue in [
        "proposals",
        "objections",
        "submissions",
        "repairs",
        "commitments",
    ] {
        assert_eq!(card_count(&page, queue), "1", "{queue}");
    }
    // Filed today: the objection's 20 days are not close yet; the commitment's period is on.
    assert!(
        page.contains("0 due by") && page.contains("0 overdue"),
        "{page}"
    );
    assert!(page.contains("0 past their period"), "{page}");
    // Sixteen days on the objection is due within five days; the commitment's period is over.
    app.clock.advance(chrono::Duration::days(16));
    // Sessions end after days away: sign in afresh.
    let mut browser = signed_in(&app, "d-regulator-2", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let page = page_body(&browser, &app, "/workspace", 200).await;
    assert!(
        page.contains("1 due by") && page.contains("0 overdue"),
        "{page}"
    );
    assert!(page.contains("1 past their period"), "{page}");
    let soon = page_body(&browser, &app, "/workspace/queues/objections?due=soon", 200).await;
    assert!(soon.contains(&format!("/objections/{CODE_A}/{}", waiting.objection)));
    let overdue = page_body(
        &browser,
        &app,
        "/workspace/queues/objections?due=overdue",
        200,
    )
    .await;
    assert!(overdue.contains("Nothing waits here"), "{overdue}");
    app.clock.advance(chrono::Duration::days(6));
    let mut browser = signed_in(&app, "d-regulator-3", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let page = page_body(&browser, &app, "/workspace", 200).await;
    assert!(
        page.contains("0 due by") && page.contains("1 overdue"),
        "{page}"
    );
    let overdue = page_body(
        &browser,
        &app,
        "/workspace/queues/objections?due=overdue",
        200,
    )
    .await;
    assert!(overdue.contains("days overdue"), "{overdue}");

    // Graded: the distribution is there (one enterprise per grade is withheld), and a
    // completed run adds a point to the trend.
    app.install_model(&crate::helpers::test_model(1), true)
        .await;
    // Tokens expire too: a fresh one.
    let regulator = app.token_for("q-regulator-2", Role::Regulator, None).await;
    for code in [CODE_A, crate::helpers::CODE_B] {
        let scored = app
            .post(
                &format!("/api/v1/enterprises/{code}/score"),
                Some(&regulator),
                &json!({}),
            )
            .await;
        assert!(
            scored.status().is_success(),
            "{}",
            scored.text().await.unwrap()
        );
    }
    // Two graded: every figure would point at one of them, so all is withheld.
    let page = page_body(&browser, &app, "/workspace", 200).await;
    assert!(
        page.contains("Fewer than three enterprises hold a grade"),
        "{page}"
    );
    let third = crate::helpers::enterprise_body(
        crate::helpers::CODE_C,
        "深圳福田家居用品有限公司",
        "440304",
    );
    assert_eq!(
        app.post("/api/v1/enterprises", Some(&regulator), &third)
            .await
            .status(),
        201
    );
    let scored = app
        .post(
            &format!("/api/v1/enterprises/{}/score", crate::helpers::CODE_C),
            Some(&regulator),
            &json!({}),
        )
        .await;
    assert!(scored.status().is_success());
    let page = page_body(&browser, &app, "/workspace", 200).await;
    assert!(
        page.contains("3 enterprises hold a current grade"),
        "{page}"
    );
    assert!(page.contains("class=\"withheld\""), "{page}");
    assert!(
        page.contains("No rescoring run has completed yet"),
        "{page}"
    );
    let run = created(
        app.post("/api/v1/scores/runs", Some(&regulator), &json!({}))
            .await,
        202,
    )
    .await;
    let id = run["id"].as_i64().unwrap();
    for _ in 0..100 {
        let now = json_of(&app, &format!("/api/v1/scores/runs/{id}"), &regulator).await;
        if now["status"] != "running" {
            assert_eq!(now["status"], "completed", "{now}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let page = page_body(&browser, &app, "/workspace", 200).await;
    assert!(page.contains(&format!("Run {id}")), "{page}");
    assert!(page.contains("class-shares"), "{page}");
}

/// Posts a decision form of `path` (its CSRF token read off the page) with `fields`.
async fn decide(
    browser: &Browser,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut browser = browser.clone();
    let csrf = browser.form_token(app, path).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    browser.post_form(app, path, &form).await
}

async fn each_queue_is_decided_from_its_page(app: TestApp) {
    register_a_and_b(&app).await;
    let w = one_of_each(&app).await;
    let mut browser = signed_in(&app, "d-regulator", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let api = |path: String| {
        let app = &app;
        let token = w.regulator.clone();
        async move { json_of(app, &path, &token).await }
    };

    // A list proposal: confirming needs the legal basis, beside the field; then it is current.
    let listed = page_body(&browser, &app, "/workspace/queues/proposals", 200).await;
    assert!(listed.contains(&format!("/workspace/queues/proposals/{}", w.proposal)));
    // The rule is named in the page's language, whatever language its stored reason is in.
    assert!(
        listed.contains("Listed as a dishonest judgment debtor"),
        "{listed}"
    );
    let mut zh = browser.clone();
    zh.lang = Some("zh-CN".into());
    let listed_zh = page_body(&zh, &app, "/workspace/queues/proposals", 200).await;
    assert!(listed_zh.contains("被列为失信被执行人"));
    let path = format!("/workspace/queues/proposals/{}", w.proposal);
    let refused = decide(
        &browser,
        &app,
        &path,
        &[
            ("action", "confirm"),
            ("authority", "杭州市西湖区市场监督管理局"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("field-legal_basis-error"), "{body}");
    assert!(
        body.contains("杭州市西湖区市场监督管理局"),
        "what was typed is kept"
    );
    let entry = api(format!("/api/v1/lists/entries/{}", w.proposal)).await;
    assert_eq!(entry["state"], "proposed");
    let confirmed = decide(
        &browser,
        &app,
        &path,
        &[
            ("action", "confirm"),
            ("legal_basis", "《失信被执行人名单管理办法》第三条"),
            ("authority", "杭州市西湖区市场监督管理局"),
            ("document_number", "杭西市监信〔2026〕1号"),
            ("starts_on", "2026-11-22"),
        ],
    )
    .await;
    assert_eq!(confirmed.status(), 303);
    let entry = api(format!("/api/v1/lists/entries/{}", w.proposal)).await;
    assert_eq!(entry["state"], "current", "{entry}");
    assert_eq!(entry["legal_basis"], "《失信被执行人名单管理办法》第三条");
    // Rejecting it now: someone decided first, and the page says so.
    let late = decide(
        &browser,
        &app,
        &path,
        &[("action", "reject"), ("reason", "重复")],
    )
    .await;
    assert_eq!(late.status(), 409);
    assert!(
        late.text()
            .await
            .unwrap()
            .contains("Someone else decided this meanwhile")
    );

    // An objection: upheld needs an explanation; corrected with a figure that is no number is
    // refused beside the field; then answered.
    let path = format!("/workspace/queues/objections/{CODE_A}/{}", w.objection);
    let refused = decide(
        &browser,
        &app,
        &path,
        &[("action", "answer"), ("outcome", "upheld")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("field-explanation-error")
    );
    let answered = decide(
        &browser,
        &app,
        &path,
        &[
            ("action", "answer"),
            ("outcome", "corrected"),
            ("explanation", "经复核，处罚已被撤销，降为一般"),
            ("severity", "minor"),
        ],
    )
    .await;
    assert_eq!(answered.status(), 303);
    let objection = api(format!(
        "/api/v1/enterprises/{CODE_A}/objections/{}",
        w.objection
    ))
    .await;
    assert_eq!(objection["outcome"], "corrected", "{objection}");
    let event_id = objection["credit_event_id"].as_i64().unwrap();
    let event = api(format!(
        "/api/v1/enterprises/{CODE_A}/credit-events/{event_id}"
    ))
    .await;
    assert_eq!(event["severity"], "minor", "{event}");

    // A held submission: the page shows the difference from the current data.
    let path = format!("/workspace/queues/submissions/{CODE_A}/{}", w.submission);
    let page = page_body(&browser, &app, &path, 200).await;
    assert!(
        page.contains("杭州西湖茶电子商务有限公司")
            && page.contains("杭州西湖龙井茶电子商务有限公司"),
        "{page}"
    );
    let refused = decide(
        &browser,
        &app,
        &path,
        &[("outcome", "approved"), ("reason", " ")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let enterprise = api(format!("/api/v1/enterprises/{CODE_A}")).await;
    assert_eq!(enterprise["name"], "杭州西湖茶电子商务有限公司");
    let approved = decide(
        &browser,
        &app,
        &path,
        &[("outcome", "approved"), ("reason", "已与营业执照核对一致")],
    )
    .await;
    assert_eq!(approved.status(), 303);
    let enterprise = api(format!("/api/v1/enterprises/{CODE_A}")).await;
    assert_eq!(enterprise["name"], "杭州西湖龙井茶电子商务有限公司");

    // A repair application, rejected with the reason.
    let path = format!("/workspace/queues/repairs/{CODE_A}/{}", w.repair);
    let rejected = decide(
        &browser,
        &app,
        &path,
        &[("outcome", "rejected"), ("explanation", "整改材料不完整")],
    )
    .await;
    assert_eq!(rejected.status(), 303);
    let repair = api(format!("/api/v1/enterprises/{CODE_A}/repairs/{}", w.repair)).await;
    assert_eq!(repair["status"], "rejected", "{repair}");

    // A commitment found broken records a negative event.
    let path = format!("/workspace/queues/commitments/{CODE_A}/{}", w.commitment);
    let refused = decide(
        &browser,
        &app,
        &path,
        &[
            ("outcome", "broken"),
            ("explanation", "抽检不合格"),
            ("publicity_until", "soon"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("field-publicity_until-error")
    );
    let broken = decide(
        &browser,
        &app,
        &path,
        &[
            ("outcome", "broken"),
            ("severity", "major"),
            ("explanation", "抽检两批次不合格"),
            ("authority", "杭州市西湖区市场监督管理局"),
        ],
    )
    .await;
    assert_eq!(broken.status(), 303, "{}", broken.text().await.unwrap());
    let commitment = api(format!(
        "/api/v1/enterprises/{CODE_A}/commitments/{}",
        w.commitment
    ))
    .await;
    assert_eq!(commitment["status"], "broken", "{commitment}");

    // Every queue is empty now, and the dashboard says so.
    let dashboard = page_body(&browser, &app, "/workspace", 200).await;
    for queue in [
        "proposals",
        "objections",
        "submissions",
        "repairs",
        "commitments",
    ] {
        assert_eq!(card_count(&dashboard, queue), "0", "{queue}");
    }

    // Without the CSRF token nothing is decided; an enterprise or a bank may not decide, nor
    // open the decision page.
    let open_repair = one_more_repair(&app, &w).await;
    let path = format!("/workspace/queues/repairs/{CODE_A}/{open_repair}");
    let forged = browser
        .clone()
        .post_form(
            &app,
            &path,
            &[
                ("csrf", "forged"),
                ("outcome", "rejected"),
                ("explanation", "x"),
            ],
        )
        .await;
    assert_eq!(forged.status(), 403);
    for (name, role, enterprise) in [
        ("d-owner", Role::Enterprise, Some(CODE_A)),
        ("d-bank", Role::Bank, None),
    ] {
        let other = signed_in(&app, name, role, enterprise).await;
        assert_eq!(other.get(&app, &path).await.status(), 403, "{name}");
        let mut b = other.clone();
        let csrf = b.form_token(&app, "/workspace").await;
        let refused = b
            .post_form(
                &app,
                &path,
                &[
                    ("csrf", &csrf),
                    ("outcome", "approved"),
                    ("explanation", "自行批准"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 403, "{name}");
    }
    let repair = api(format!(
        "/api/v1/enterprises/{CODE_A}/repairs/{open_repair}"
    ))
    .await;
    assert_eq!(repair["status"], "pending", "nothing was decided: {repair}");
}

/// Every enterprise row carries the grade its current score has (none when unscored): the
/// triggers on `current_scores` keep it for the search by grade.
fn grades_on_the_rows_match(app: &TestApp) {
    use diesel::prelude::*;
    use ecredit::db::schema::{current_scores, enterprises};
    let rows: Vec<(String, Option<String>, Option<String>)> = app
        .db
        .read(|conn| {
            Ok(enterprises::table
                .left_join(
                    current_scores::table.on(current_scores::enterprise_code.eq(enterprises::code)),
                )
                .select((
                    enterprises::code,
                    enterprises::current_grade,
                    current_scores::grade.nullable(),
                ))
                .load(conn)?)
        })
        .unwrap();
    assert!(!rows.is_empty());
    for (code, kept, current) in rows {
        assert_eq!(kept, current, "{code}");
    }
}

async fn grade_tallies_equal_a_count_of_the_current_scores(app: TestApp) {
    register_a_and_b(&app).await;
    let regulator = app.token_for("t-regulator", Role::Regulator, None).await;
    app.install_model(&crate::helpers::test_model(1), true)
        .await;
    let counted = |app: &TestApp| {
        let db = app.db.clone();
        let mut tallies = db
            .read(|conn| {
                Ok((
                    ecredit::db::statistics::grade_transitions(conn, &StatisticsFilter::default())?,
                    ecredit::db::statistics::grade_transitions_counted(
                        conn,
                        &StatisticsFilter::default(),
                    )?,
                ))
            })
            .unwrap();
        let key = |t: &ecredit::domain::statistics::GradeTransition| {
            (
                t.current.as_str(),
                t.previous.map(|p| p.as_str()),
                t.enterprises,
            )
        };
        tallies.0.sort_by_key(key);
        tallies.1.sort_by_key(key);
        tallies
    };
    let (kept, scanned) = counted(&app);
    assert_eq!(kept, scanned);
    assert!(kept.is_empty());
    // Scores one at a time (each write moves a pair), events that rescore, and a full run.
    let events = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    for round in 0..3 {
        for code in [CODE_A, crate::helpers::CODE_B] {
            let scored = app
                .post(
                    &format!("/api/v1/enterprises/{code}/score"),
                    Some(&regulator),
                    &json!({}),
                )
                .await;
            assert!(scored.status().is_success());
        }
        let penalty = json!({
            "kind": "administrative_penalty", "severity": "serious", "title": format!("处罚{round}"),
            "authority": "杭州市西湖区市场监督管理局", "decided_on": "2026-05-01"
        });
        assert_eq!(
            app.post(&events, Some(&regulator), &penalty).await.status(),
            201
        );
        let (kept, scanned) = counted(&app);
        assert_eq!(kept, scanned, "round {round}");
        grades_on_the_rows_match(&app);
    }
    let run = app
        .post("/api/v1/scores/runs", Some(&regulator), &json!({}))
        .await;
    assert_eq!(run.status(), 202);
    let id = run.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for _ in 0..100 {
        let now = json_of(&app, &format!("/api/v1/scores/runs/{id}"), &regulator).await;
        if now["status"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (kept, scanned) = counted(&app);
    assert_eq!(kept, scanned);
    grades_on_the_rows_match(&app);
    assert_eq!(kept.iter().map(|t| t.enterprises).sum::<i64>(), 2);
    assert!(
        kept.iter().all(|t| t.previous.is_some()),
        "everyone was scored before: {kept:?}"
    );
}

async fn the_audit_log_is_searched_and_its_chain_verified_from_the_page(app: TestApp) {
    register_a_and_b(&app).await;
    let mut browser = signed_in(&app, "a-regulator", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let owner = signed_in(&app, "a-owner", Role::Enterprise, Some(CODE_A)).await;
    page_body(&owner, &app, &format!("/enterprises/{CODE_A}"), 200).await;
    // The owner's read is found by user, by role and by enterprise; not under another user.
    for query in [
        "actor=a-owner",
        "role=enterprise",
        &format!("enterprise={CODE_A}&actor=a-owner"),
    ] {
        let page = page_body(&browser, &app, &format!("/workspace/audit?{query}"), 200).await;
        assert!(page.contains("GET /enterprises/{code}"), "{query}: {page}");
    }
    let page = page_body(&browser, &app, "/workspace/audit?actor=nobody", 200).await;
    assert!(page.contains("No entry matches"), "{page}");
    // Today and before, by day: the entries are there; from tomorrow, none.
    let today = ecredit::clock::Clock::today(&app.clock);
    let page = page_body(
        &browser,
        &app,
        &format!("/workspace/audit?actor=a-owner&until={today}"),
        200,
    )
    .await;
    assert!(page.contains("GET /enterprises/{code}"), "{page}");
    let tomorrow = today + chrono::Duration::days(1);
    let page = page_body(
        &browser,
        &app,
        &format!("/workspace/audit?actor=a-owner&from={tomorrow}"),
        200,
    )
    .await;
    assert!(page.contains("No entry matches"), "{page}");
    // Bad filters are told beside their fields.
    for (query, field) in [
        ("from=yesterday", "field-from-error"),
        ("enterprise=123", "field-enterprise-error"),
    ] {
        let response = browser
            .get(&app, &format!("/workspace/audit?{query}"))
            .await;
        assert_eq!(response.status(), 422, "{query}");
        assert!(response.text().await.unwrap().contains(field), "{query}");
    }

    // Verified from the page: intact; then an entry altered behind the service's back is named.
    let verify = |browser: &Browser| {
        let app = &app;
        let mut browser = browser.clone();
        async move {
            let csrf = browser.form_token(app, "/workspace/audit").await;
            let response = browser
                .post_form(app, "/workspace/audit/verify", &[("csrf", &csrf)])
                .await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let intact = verify(&browser).await;
    assert!(intact.contains("The chain is intact"), "{intact}");
    crate::audit::bypass_append_only(&app);
    crate::audit::run_sql(
        &app,
        "UPDATE audit_log SET actor = 'somebody' WHERE seq = 2",
    )
    .unwrap();
    let broken = verify(&browser).await;
    assert!(
        broken.contains("The chain is broken at entry 2"),
        "{broken}"
    );
    // Without the form's token nothing is verified; the other roles may not.
    let refused = browser
        .clone()
        .post_form(&app, "/workspace/audit/verify", &[("csrf", "forged")])
        .await;
    assert_eq!(refused.status(), 403);
    let mut owner = owner.clone();
    let csrf = owner.form_token(&app, "/workspace/records").await;
    let refused = owner
        .post_form(&app, "/workspace/audit/verify", &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status(), 403);
}

async fn the_registry_is_searched_by_region_grade_and_status_and_exported(app: TestApp) {
    use crate::helpers::{CODE_B, CODE_C};
    register_a_and_b(&app).await;
    let regulator = app.token_for("r-regulator", Role::Regulator, None).await;
    let third = crate::helpers::enterprise_body(CODE_C, "深圳福田家居用品有限公司", "440304");
    assert_eq!(
        app.post("/api/v1/enterprises", Some(&regulator), &third)
            .await
            .status(),
        201
    );
    let mut browser = signed_in(&app, "r-browser", Role::Regulator, None).await;
    browser.lang = Some("en".into());
    let listed = |page: &str| -> Vec<&'static str> {
        [CODE_A, CODE_B, CODE_C]
            .into_iter()
            .filter(|c| page.contains(&format!("<code>{c}</code>")))
            .collect()
    };

    // The province narrows, and offers its cities; the city offers its districts.
    let page = page_body(
        &browser,
        &app,
        "/workspace/enterprises?province=440000",
        200,
    )
    .await;
    assert_eq!(listed(&page), [CODE_B, CODE_C], "{page}");
    assert!(
        page.contains("<option value=\"440300\">深圳市</option>"),
        "{page}"
    );
    assert!(page.contains("Choose a city first"), "{page}");
    let page = page_body(
        &browser,
        &app,
        "/workspace/enterprises?province=440000&city=440300",
        200,
    )
    .await;
    assert!(
        page.contains("<option value=\"440305\">南山区</option>"),
        "{page}"
    );
    let page = page_body(
        &browser,
        &app,
        "/workspace/enterprises?province=440000&city=440300&district=440305",
        200,
    )
    .await;
    assert_eq!(listed(&page), [CODE_B], "{page}");
    assert!(
        page.contains("广东省深圳市南山区"),
        "the region is named: {page}"
    );
    // A district left from another province is dropped, not applied.
    let page = page_body(
        &browser,
        &app,
        "/workspace/enterprises?province=330000&city=440300&district=440305",
        200,
    )
    .await;
    assert_eq!(listed(&page), [CODE_A], "{page}");

    // By grade: only the graded enterprise holds one.
    app.install_model(&crate::helpers::test_model(1), true)
        .await;
    let scored: Value = app
        .post(
            &format!("/api/v1/enterprises/{CODE_A}/score"),
            Some(&regulator),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let grade = scored["grade"].as_str().unwrap().to_string();
    let page = page_body(
        &browser,
        &app,
        &format!("/workspace/enterprises?grade={grade}"),
        200,
    )
    .await;
    assert_eq!(listed(&page), [CODE_A], "{page}");
    let other = if grade == "C" { "AAA" } else { "C" };
    let page = page_body(
        &browser,
        &app,
        &format!("/workspace/enterprises?grade={other}"),
        200,
    )
    .await;
    assert!(
        listed(&page).is_empty() && page.contains("No enterprise matches"),
        "{page}"
    );
    let api = json_of(
        &app,
        &format!("/api/v1/enterprises?grade={grade}"),
        &regulator,
    )
    .await;
    assert_eq!(api["total"], 1, "{api}");
    assert_eq!(api["items"][0]["code"], CODE_A);
    // By status and business model; a value that is no choice is refused.
    let page = page_body(
        &browser,
        &app,
        "/workspace/enterprises?status=deregistered",
        200,
    )
    .await;
    assert!(listed(&page).is_empty(), "{page}");
    let page = page_body(
        &browser,
        &app,
        "/workspace/enterprises?business_model=b2c&industry=retail",
        200,
    )
    .await;
    assert_eq!(listed(&page), [CODE_A, CODE_B, CODE_C], "{page}");
    for bad in ["grade=ZZZ", "status=gone", "business_model=barter"] {
        assert_eq!(
            browser
                .get(&app, &format!("/workspace/enterprises?{bad}"))
                .await
                .status(),
            422,
            "{bad}"
        );
    }

    // The export is the same search, as CSV a spreadsheet reads.
    let csv = browser
        .get(&app, "/workspace/enterprises/export.csv?province=440000")
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte-order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("Unified social credit code,Name"),
        "{text}"
    );
    assert!(
        lines[1].starts_with(CODE_C) && lines[2].starts_with(CODE_B),
        "{text}"
    );
    assert!(lines[2].contains("广东省深圳市南山区"), "{text}");
    let graded = browser
        .get(
            &app,
            &format!("/workspace/enterprises/export.csv?grade={grade}"),
        )
        .await;
    let text = graded.text().await.unwrap();
    assert!(
        text.contains(&format!(",{grade}")) && text.lines().count() == 2,
        "{text}"
    );

    // The keepers' tools: a bank and an enterprise may not.
    let bank = signed_in(&app, "r-bank", Role::Bank, None).await;
    for path in [
        "/workspace/enterprises",
        "/workspace/enterprises/export.csv",
    ] {
        assert_eq!(bank.get(&app, path).await.status(), 403, "{path}");
    }
}

/// A second repair application of A (the first was decided), for the refusals.
async fn one_more_repair(app: &TestApp, w: &Waiting) -> i64 {
    let owner = app
        .token_for("q-owner-2", Role::Enterprise, Some(CODE_A))
        .await;
    let events = format!("/api/v1/enterprises/{CODE_A}/credit-events");
    let event = created(
        app.post(
            &events,
            Some(&w.regulator),
            &json!({
                "kind": "administrative_penalty", "severity": "minor", "title": "未按规定公示",
                "authority": "杭州市西湖区市场监督管理局", "decided_on": "2026-06-01"
            }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    created(
        app.post(
            &format!("/api/v1/enterprises/{CODE_A}/repairs"),
            Some(&owner),
            &json!({"credit_event_id": event, "corrections": "已补充公示"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}
