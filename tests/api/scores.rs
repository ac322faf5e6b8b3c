use serde_json::{Value, json};

use ecredit::scoring::grade::Grade;

use crate::helpers::{CODE_A, CODE_B, TestApp, assert_problem, test_model};
use crate::on_both_backends;

on_both_backends!(
    regulators_rescore_and_everyone_sees_the_grade,
    serious_events_cap_the_grade,
    models_are_listed_inspected_and_activated,
    bulk_rescoring_and_training_tables,
    bulk_rescoring_agrees_with_one_by_one_and_keeps_the_upgrade_rule,
    the_way_up_names_changes_that_raise_the_score,
    what_changed_between_two_evaluations_adds_up,
);

fn score_path(code: &str) -> String {
    format!("/api/v1/enterprises/{code}/score")
}

/// `POST …/{code}/score` (rescore now) as `token`.
async fn rescore(app: &TestApp, code: &str, token: Option<&str>) -> reqwest::Response {
    app.request(reqwest::Method::POST, &score_path(code), token)
        .send()
        .await
        .unwrap()
}

fn grade_of(value: &Value) -> Grade {
    serde_json::from_value(value.clone()).unwrap()
}

async fn regulators_rescore_and_everyone_sees_the_grade(app: TestApp) {
    let cast = app.cast().await;
    let model = test_model(1);
    app.install_model(&model, true).await;
    // Not scored yet and not registered are both 404, each saying which.
    let unscored = app.get(&score_path(CODE_A), None).await;
    let problem = assert_problem(unscored, 404).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not been scored"),
        "{problem}"
    );
    let unknown = app.get(&score_path("91110108551385082Q"), None).await;
    let problem = assert_problem(unknown, 404).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no enterprise"),
        "{problem}"
    );

    assert_problem(rescore(&app, CODE_A, None).await, 401).await;
    for token in [&cast.bank, &cast.owner_a] {
        let refused = rescore(&app, CODE_A, Some(token)).await;
        assert_problem(refused, 403).await;
    }
    let created = rescore(&app, CODE_A, Some(&cast.regulator)).await;
    assert_eq!(created.status(), 201);
    let scored: Value = created.json().await.unwrap();
    let details = &scored["details"];
    assert_eq!(details["model_version"], "test-model-1");
    assert_eq!(scored["as_of"], "2026-11-22");
    for pd in ["pd_lr", "pd_rf", "pd"] {
        let p = details[pd].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{pd} = {p}");
    }
    let scaling = model.scaling;
    let expected_score = scaling.score_from_pd(details["pd"].as_f64().unwrap());
    assert!((details["score"].as_f64().unwrap() - expected_score).abs() < 1e-6);
    let dimensions: Vec<&str> = ecredit::scoring::features::Dimension::ALL
        .iter()
        .map(|d| d.as_str())
        .collect();
    let sub_scores = details["sub_scores"].as_object().unwrap();
    assert!(
        !sub_scores.is_empty() && sub_scores.keys().all(|k| dimensions.contains(&k.as_str())),
        "{details}"
    );
    assert!(details["reasons"]["raised"].is_array() && details["reasons"]["lowered"].is_array());
    assert_eq!(details["percentile"], 0.0, "the only scored enterprise");

    // The public and banks see the grade only; the owner and regulators see it all.
    for token in [None, Some(cast.bank.as_str()), Some(cast.owner_b.as_str())] {
        let body: Value = app
            .get(&score_path(CODE_A), token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["grade"], scored["grade"]);
        assert_eq!(body["visibility"], "public");
        assert!(body.get("details").is_none(), "{body}");
    }
    let own: Value = app
        .get(&score_path(CODE_A), Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["details"]["score"], details["score"]);

    // Reasons in plain words, in the language asked for, each with its stable code.
    let mut all_reasons = 0;
    for (accept, lang) in [
        (None, "en"),
        (Some("zh-CN,zh;q=0.9"), "zh-CN"),
        (Some("fr"), "en"),
    ] {
        let mut request = app.request(
            reqwest::Method::GET,
            &score_path(CODE_A),
            Some(&cast.owner_a),
        );
        if let Some(accept) = accept {
            request = request.header("accept-language", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["content-language"], lang);
        assert!(
            response.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("Accept-Language"),
            "{:?}",
            response.headers()
        );
        let body: Value = response.json().await.unwrap();
        for (list, direction) in [("raised", "raises"), ("lowered", "lowers")] {
            for reason in body["details"]["reasons"][list].as_array().unwrap() {
                all_reasons += 1;
                let feature = reason["feature"].as_str().unwrap();
                assert_eq!(reason["code"], format!("{feature}.{direction}"));
                let text = reason["text"].as_str().unwrap();
                let expected = ecredit::i18n::reasons::bin_text(
                    ecredit::i18n::Lang::parse(lang).unwrap(),
                    feature,
                    reason["bin"].as_str().unwrap(),
                );
                assert_eq!(text, expected);
                assert!(!text.contains("inf") && !text.contains(']'), "{text}");
                let colon = if lang == "zh-CN" { '：' } else { ':' };
                assert!(text.contains(colon), "{text}");
            }
        }
    }
    assert!(all_reasons > 0, "the score comes with reasons");

    // History: every evaluation is kept.
    app.request(
        reqwest::Method::POST,
        &format!("{}?as_of=2026-06-30", score_path(CODE_A)),
        Some(&cast.admin),
    )
    .send()
    .await
    .unwrap();
    let history = format!("/api/v1/enterprises/{CODE_A}/scores");
    let list: Value = app
        .get(&history, Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["items"][0]["as_of"], "2026-06-30",
        "latest evaluation first"
    );
    // The public view follows the newest evaluation.
    let public: Value = app
        .get(&score_path(CODE_A), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["as_of"], "2026-06-30");
    assert_eq!(public["grade"], list["items"][0]["grade"]);
    assert_problem(app.get(&history, None).await, 401).await;
    assert_problem(app.get(&history, Some(&cast.bank)).await, 403).await;
    assert_problem(app.get(&history, Some(&cast.owner_b)).await, 403).await;

    let future = app
        .request(
            reqwest::Method::POST,
            &format!("{}?as_of=2030-01-01", score_path(CODE_A)),
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_problem(future, 422).await;
    let missing = rescore(&app, "91110108551385082Q", Some(&cast.regulator)).await;
    assert_problem(missing, 404).await;
}

async fn serious_events_cap_the_grade(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let event = json!({
        "kind": "dishonest_judgment_debtor", "severity": "serious", "title": "列入失信被执行人名单",
        "authority": "杭州市西湖区人民法院", "document_number": "(2026)浙0106执123号", "decided_on": "2026-05-01"
    });
    assert_eq!(
        app.post(
            &format!("/api/v1/enterprises/{CODE_B}/credit-events"),
            Some(&cast.regulator),
            &event
        )
        .await
        .status(),
        201
    );
    let scored: Value = rescore(&app, CODE_B, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    let grade = scored["grade"].as_str().unwrap();
    assert!(
        Grade::parse(grade).unwrap() >= Grade::B,
        "an active serious event caps the grade at B: {scored}"
    );
    let model_grade = scored["details"]["model_grade"].as_str().unwrap();
    if Grade::parse(model_grade).unwrap() < Grade::B {
        assert_eq!(
            scored["details"]["adjustments"],
            json!(["serious_event_cap"])
        );
    }
}

async fn models_are_listed_inspected_and_activated(app: TestApp) {
    let cast = app.cast().await;
    let first = test_model(1);
    let second = test_model(2);
    app.install_model(&first, true).await;
    app.install_model(&second, false).await;

    assert_problem(app.get("/api/v1/models", None).await, 401).await;
    assert_problem(app.get("/api/v1/models/test-model-1", None).await, 401).await;
    let anonymous_activation = app
        .request(
            reqwest::Method::POST,
            "/api/v1/models/test-model-2/activate",
            None,
        )
        .send()
        .await
        .unwrap();
    assert_problem(anonymous_activation, 401).await;
    for token in [&cast.bank, &cast.owner_a] {
        assert_problem(app.get("/api/v1/models", Some(token)).await, 403).await;
        assert_problem(
            app.get("/api/v1/models/test-model-1", Some(token)).await,
            403,
        )
        .await;
        let activate = app
            .request(
                reqwest::Method::POST,
                "/api/v1/models/test-model-2/activate",
                Some(token),
            )
            .send()
            .await
            .unwrap();
        assert_problem(activate, 403).await;
    }
    let list: Value = app
        .get("/api/v1/models", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    let active: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true)
        .map(|m| m["version"].as_str().unwrap())
        .collect();
    assert_eq!(active, ["test-model-1"]);
    let auc = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["version"] == "test-model-1")
        .unwrap()["summary"]["metrics"]["combined"]["auc"]
        .as_f64()
        .unwrap();
    assert!(auc > 0.6, "the test model learns: AUC {auc}");

    // PSI appears once enterprises hold scores from the version.
    let detail: Value = app
        .get("/api/v1/models/test-model-1", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert!(detail.get("population_stability").is_none());
    assert_eq!(
        detail["features"].as_array().unwrap().len(),
        ecredit::scoring::features::FEATURES.len()
    );
    for code in [CODE_A, CODE_B] {
        rescore(&app, code, Some(&cast.regulator)).await;
    }
    let detail: Value = app
        .get("/api/v1/models/test-model-1", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["current_scores"], 2);
    assert!(detail["population_stability"]["psi"].as_f64().unwrap() >= 0.0);

    let activate = "/api/v1/models/test-model-2/activate";
    for blank in [json!({"reason": "  "}), json!({})] {
        let problem =
            assert_problem(app.post(activate, Some(&cast.admin), &blank).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], "reason", "{problem}");
    }
    let reason = json!({"reason": "higher holdout AUC; few enterprises move"});
    // Replacing the active model needs a comparison of the two first.
    let uncompared =
        assert_problem(app.post(activate, Some(&cast.admin), &reason).await, 409).await;
    assert!(
        uncompared["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/models/test-model-2/comparisons"),
        "{uncompared}"
    );
    let still: Value = app
        .get("/api/v1/models/test-model-1", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        still["active"], true,
        "a refused activation changes nothing"
    );
    let compared = app
        .request(
            reqwest::Method::POST,
            "/api/v1/models/test-model-2/comparisons",
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(compared.status(), 201);
    let compared: Value = compared.json().await.unwrap();
    assert_eq!(compared["champion"], "test-model-1");
    assert_eq!(compared["challenger"], "test-model-2");
    assert_eq!(compared["population"]["migration"]["enterprises"], 2);

    let activated = app.post(activate, Some(&cast.admin), &reason).await;
    assert_eq!(activated.status(), 200);
    let activated: Value = activated.json().await.unwrap();
    assert_eq!(activated["active"], true);
    assert_eq!(activated["activated_by"], "admin");
    assert_eq!(activated["activation_reason"], reason["reason"]);
    let detail: Value = app
        .get("/api/v1/models/test-model-2", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["activations"][0]["replaced"], "test-model-1");
    assert_eq!(detail["activations"][0]["comparison_id"], compared["id"]);
    assert_eq!(detail["activations"][0]["reason"], reason["reason"]);
    // Activating the active version again changes nothing, and records nothing.
    let again = app
        .post(activate, Some(&cast.regulator), &json!({"reason": "again"}))
        .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["activated_by"], "admin");
    let detail: Value = app
        .get("/api/v1/models/test-model-2", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["activations"].as_array().unwrap().len(), 1);
    let scored: Value = rescore(&app, CODE_A, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        scored["details"]["model_version"], "test-model-2",
        "the new version scores at once"
    );
    let list: Value = app
        .get("/api/v1/models", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .filter(|m| m["active"] == true)
            .count(),
        1
    );

    let unknown = app
        .post(
            "/api/v1/models/nope/activate",
            Some(&cast.regulator),
            &reason,
        )
        .await;
    assert_problem(unknown, 404).await;
    let unknown = app
        .request(
            reqwest::Method::POST,
            "/api/v1/models/nope/comparisons",
            Some(&cast.regulator),
        )
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404).await;
    assert_problem(
        app.get("/api/v1/models/nope", Some(&cast.regulator)).await,
        404,
    )
    .await;
}

async fn bulk_rescoring_and_training_tables(app: TestApp) {
    use ecredit::engine::{self, LoadedModel};
    let cast = app.cast().await;
    let serious = json!({
        "kind": "administrative_penalty", "severity": "serious", "title": "严重违法",
        "authority": "市场监督管理局", "decided_on": "2026-05-01"
    });
    assert_eq!(
        app.post(
            &format!("/api/v1/enterprises/{CODE_B}/credit-events"),
            Some(&cast.regulator),
            &serious
        )
        .await
        .status(),
        201
    );
    let artifact = test_model(1);
    app.install_model(&artifact, true).await;

    let db = app.db.clone();
    let (table, summary, progressed) = tokio::task::spawn_blocking(move || {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let table = engine::training_table(&db, as_of, |_| {}).unwrap();
        let model = LoadedModel {
            version: artifact.version.clone(),
            artifact,
        };
        let progressed = std::sync::atomic::AtomicU64::new(0);
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let summary = engine::rescore_all(&db, &model, at.date(), "test", at, |n| {
            progressed.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
        (table, summary, progressed.into_inner())
    })
    .await
    .unwrap();

    // Ordered by code: A has no serious event, B one within 12 months of the observation date.
    assert_eq!(table.bad, [false, true]);
    assert_eq!(table.rows.len(), 2);
    assert!(
        table
            .rows
            .iter()
            .all(|r| r.len() == ecredit::scoring::features::FEATURES.len())
    );
    assert_eq!(summary.scored, 2);
    assert_eq!(progressed, 2);
    assert_eq!(summary.grades.values().sum::<usize>(), 2);
    for code in [CODE_A, CODE_B] {
        let body: Value = app
            .get(&score_path(code), Some(&cast.regulator))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["details"]["model_version"], "test-model-1");
        assert_eq!(body["details"]["scored_by"], "test");
    }
    let b: Value = app
        .get(&score_path(CODE_B), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        grade_of(&b["grade"]) >= Grade::B,
        "the serious event caps B: {b}"
    );
}

/// The bulk path (grade states read per chunk, multi-row writes, current scores set from the
/// stored rows) must store exactly what scoring one enterprise at a time stores.
async fn bulk_rescoring_agrees_with_one_by_one_and_keeps_the_upgrade_rule(app: TestApp) {
    use ecredit::clock::Clock;
    use ecredit::engine::{self, LoadedModel};
    use ecredit::scoring::grade::{Grade, GradeState, publish};
    let today = app.clock.today();
    let (db, clock) = (app.db.clone(), app.clock.clone());
    let options = ecredit::seed::SeedOptions {
        enterprises: 80,
        seed: 11,
        as_of: today,
        append: false,
    };
    tokio::task::spawn_blocking(move || ecredit::seed::seed(&db, &options, &clock, &|_| {}))
        .await
        .unwrap()
        .unwrap();
    let artifact = test_model(1);
    app.install_model(&artifact, true).await;
    let regulator = app
        .token_for("regulator", ecredit::domain::Role::Regulator, None)
        .await;

    let db = app.db.clone();
    let year_ago = today - chrono::Days::new(365);
    let codes = tokio::task::spawn_blocking(move || {
        let model = LoadedModel {
            version: artifact.version.clone(),
            artifact,
        };
        let at = year_ago.and_hms_opt(9, 0, 0).unwrap();
        let first = engine::rescore_all(&db, &model, year_ago, "bulk", at, |_| {}).unwrap();
        let second = engine::rescore_all(&db, &model, today, "bulk", at, |_| {}).unwrap();
        assert_eq!((first.scored, second.scored), (80, 80));
        db.read(ecredit::db::enterprises::all_codes).unwrap()
    })
    .await
    .unwrap();

    let grade = |v: &Value| -> Grade { serde_json::from_value(v.clone()).unwrap() };
    let mut held_back = 0;
    for (i, code) in codes.iter().enumerate() {
        let history: Value = app
            .get(
                &format!("/api/v1/enterprises/{code}/scores"),
                Some(&regulator),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(history["total"], 2, "{code}: {history}");
        let (newer, older) = (&history["items"][0], &history["items"][1]);
        assert_eq!(newer["as_of"], today.to_string());
        let previous = GradeState {
            published: grade(&older["grade"]),
            last_evaluated: grade(&older["details"]["evaluated_grade"]),
        };
        let evaluated = grade(&newer["details"]["evaluated_grade"]);
        let (published, pending) = publish(Some(previous), evaluated);
        assert_eq!(grade(&newer["grade"]), published, "{code}: {history}");
        assert_eq!(newer["details"]["upgrade_pending"], pending, "{code}");
        held_back += usize::from(pending);

        // The current score is the newest stored one.
        let current: Value = app
            .get(&score_path(code), Some(&regulator))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(current["details"]["id"], newer["details"]["id"], "{code}");

        // Scoring the same enterprise on its own gives the same result.
        if i % 8 == 0 {
            let single: Value = rescore(&app, code, Some(&regulator))
                .await
                .json()
                .await
                .unwrap();
            for field in [
                "pd_lr",
                "pd_rf",
                "pd",
                "score",
                "evaluated_grade",
                "sub_scores",
                "reasons",
            ] {
                assert_eq!(
                    single["details"][field], newer["details"][field],
                    "{code} {field}"
                );
            }
        }
    }
    // The population moved between the two dates: some upgrades had to wait.
    assert!(held_back > 0, "no pending upgrade among 80 enterprises");
}

async fn the_way_up_names_changes_that_raise_the_score(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let way_up = |code: &str| format!("/api/v1/enterprises/{code}/score/way-up");
    let unscored = app.get(&way_up(CODE_A), Some(&cast.owner_a)).await;
    assert_problem(unscored, 404).await;
    // A high refund rate: the test model's main risk, and something the enterprise can act on.
    for period in ["2026-07", "2026-08", "2026-09"] {
        let created = app
            .post(
                &format!("/api/v1/enterprises/{CODE_A}/operating-records"),
                Some(&cast.regulator),
                &json!({"period": period, "online_sales": 0.5, "orders": 1, "refund_rate": 0.8,
                        "source": "platform"}),
            )
            .await;
        assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    }
    let scored: Value = rescore(&app, CODE_A, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    let response = app
        .request(reqwest::Method::GET, &way_up(CODE_A), Some(&cast.owner_a))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-language"], "zh-CN");
    let up: Value = response.json().await.unwrap();
    // Computed from the same features as the score it starts from.
    let score = up["score"].as_f64().unwrap();
    assert!(
        (score - scored["details"]["score"].as_f64().unwrap()).abs() < 0.01,
        "{up} vs {scored}"
    );
    assert_eq!(up["grade"], scored["details"]["model_grade"]);
    assert_eq!(up["as_of"], scored["as_of"]);
    let changes = up["changes"].as_array().unwrap();
    assert!(!changes.is_empty() && changes.len() <= 5, "{up}");
    let refund = changes
        .iter()
        .find(|c| c["feature"] == "refund_rate")
        .unwrap_or_else(|| panic!("lowering the refund rate is a way up: {up}"));
    assert!(
        refund["reach"].as_str().unwrap().starts_with("(-inf, "),
        "{refund}"
    );
    assert!(refund["points"].as_f64().unwrap() > 0.0);
    assert!(refund["score_after"].as_f64().unwrap() > score, "{refund}");
    assert!(
        refund["text"]
            .as_str()
            .unwrap()
            .starts_with("近 12 个月退款率：不超过 "),
        "{refund}"
    );
    assert!(
        refund["now"]
            .as_str()
            .unwrap()
            .starts_with("近 12 个月退款率：")
    );
    let actionable = ecredit::scoring::way_up::ACTIONABLE;
    for pair in changes.windows(2) {
        assert!(pair[0]["score_after"].as_f64() >= pair[1]["score_after"].as_f64());
    }
    for change in changes {
        let feature = change["feature"].as_str().unwrap();
        assert!(
            actionable.contains(&feature),
            "{feature} is not the enterprise's to change"
        );
    }
    if let Some(together) = up.get("together") {
        assert!(
            together["score_after"].as_f64().unwrap()
                >= up["next_grade_score"].as_f64().unwrap() - 0.01,
            "{up}"
        );
    }
    assert!(!up["caveat"].as_str().unwrap().is_empty());
    // The full report states the same way up, in English; the public report does not.
    let english: Value = app
        .get(&way_up(CODE_A), Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    let report: Value = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/enterprises/{CODE_A}/reports"),
            Some(&cast.owner_a),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let steps = report["report"]["rating"]["way_up"].as_array().unwrap();
    assert_eq!(
        steps.len(),
        english["changes"].as_array().unwrap().len(),
        "{report}"
    );
    for (step, change) in steps.iter().zip(english["changes"].as_array().unwrap()) {
        assert_eq!(step["text"], change["text"]);
        assert_eq!(step["score_after"], change["score_after"]);
    }
    let public: Value = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/enterprises/{CODE_A}/reports"),
            None,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        public["report"]["rating"].get("way_up").is_none(),
        "{public}"
    );
    // Regulators read it too; another enterprise does not.
    let theirs = app.get(&way_up(CODE_A), Some(&cast.regulator)).await;
    assert_eq!(theirs.status(), 200);
    assert_problem(app.get(&way_up(CODE_A), Some(&cast.owner_b)).await, 403).await;
}

async fn what_changed_between_two_evaluations_adds_up(app: TestApp) {
    let cast = app.cast().await;
    app.install_model(&test_model(1), true).await;
    let changes = |query: &str| format!("/api/v1/enterprises/{CODE_A}/score/changes{query}");
    let operating = |period: &str, refund: f64| {
        json!({"period": period, "online_sales": 0.5, "orders": 1, "refund_rate": refund,
               "source": "platform"})
    };
    let add = |body: Value| {
        let app = &app;
        let token = cast.regulator.clone();
        async move {
            let created = app
                .post(
                    &format!("/api/v1/enterprises/{CODE_A}/operating-records"),
                    Some(&token),
                    &body,
                )
                .await;
            assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
        }
    };
    add(operating("2026-07", 0.05)).await;
    let first: Value = rescore(&app, CODE_A, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    // One score: nothing to compare yet.
    assert_problem(app.get(&changes(""), Some(&cast.regulator)).await, 404).await;
    add(operating("2026-08", 0.9)).await;
    add(operating("2026-09", 0.9)).await;
    let second: Value = rescore(&app, CODE_A, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();

    let response = app
        .request(reqwest::Method::GET, &changes(""), Some(&cast.regulator))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let change: Value = response.json().await.unwrap();
    assert_eq!(change["from"]["id"], first["details"]["id"]);
    assert_eq!(change["to"]["id"], second["details"]["id"]);
    let score_change = change["score_change"].as_f64().unwrap();
    let expected =
        second["details"]["score"].as_f64().unwrap() - first["details"]["score"].as_f64().unwrap();
    assert!((score_change - expected).abs() < 0.01, "{change}");
    // The parts add up: features to the scorecard's change, and that plus the rest to the score's.
    let features = change["features"].as_array().unwrap();
    let summed: f64 = features.iter().map(|f| f["change"].as_f64().unwrap()).sum();
    assert!(
        (summed - change["scorecard_change"].as_f64().unwrap()).abs() < 0.05,
        "{change}"
    );
    let parts = change["scorecard_change"].as_f64().unwrap() + change["rest"].as_f64().unwrap();
    assert!((parts - score_change).abs() < 0.02, "{change}");
    let dimensions: f64 = change["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["change"].as_f64().unwrap())
        .sum();
    assert!(
        (dimensions - summed).abs() < 0.05,
        "dimensions and features agree: {change}"
    );
    // The refund rate rose: it lowered the score, and it is said in words.
    let refund = features
        .iter()
        .find(|f| f["feature"] == "refund_rate")
        .unwrap_or_else(|| panic!("{change}"));
    assert!(refund["change"].as_f64().unwrap() < 0.0, "{refund}");
    assert!(
        refund["to_text"]
            .as_str()
            .unwrap()
            .starts_with("近 12 个月退款率：")
    );
    for pair in features.windows(2) {
        assert!(
            pair[0]["change"].as_f64().unwrap().abs() >= pair[1]["change"].as_f64().unwrap().abs()
        );
    }
    assert_eq!(change["recomputed"], false, "both scores kept their bins");
    // Named explicitly, the other way round: the same changes, negated.
    let back: Value = app
        .get(
            &changes(&format!(
                "?from={}&to={}",
                second["details"]["id"], first["details"]["id"]
            )),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!((back["score_change"].as_f64().unwrap() + score_change).abs() < 0.01);
    // A period backdated before the first evaluation changes nothing of what was evaluated.
    add(operating("2026-06", 0.95)).await;
    let later: Value = app
        .request(reqwest::Method::GET, &changes(""), Some(&cast.regulator))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(later["features"], change["features"], "{later}");
    // Another enterprise's score id is not one of A's; owners and banks are refused.
    let other = changes(&format!("?from=999999&to={}", second["details"]["id"]));
    assert_problem(app.get(&other, Some(&cast.regulator)).await, 404).await;
    assert_problem(app.get(&changes(""), Some(&cast.owner_a)).await, 403).await;
    assert_problem(app.get(&changes(""), Some(&cast.bank)).await, 403).await;
}
