use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    CODE_A, CODE_B, CODE_C, TestApp, assert_problem, enterprise_body, problem_fields,
};
use crate::on_both_backends;

on_both_backends!(
    regulator_registers_an_enterprise,
    only_keepers_register_enterprises,
    invalid_enterprises_are_rejected_with_every_field_named,
    list_filters_and_pages,
    each_caller_sees_what_the_rules_allow,
    corrections_need_the_current_version,
    refused_corrections_change_nothing,
    concurrent_corrections_do_not_overwrite_each_other,
    the_caller_is_judged_before_the_input,
);

/// Who may not register, correct or read the history is told so whatever they sent: a bad body,
/// a malformed code or bad paging never tells them the input rules first.
async fn the_caller_is_judged_before_the_input(app: TestApp) {
    let cast = app.cast().await;
    let bad_body = json!({"name": 42});
    let response = app.post("/api/v1/enterprises", None, &bad_body).await;
    assert_problem(response, 401).await;
    let response = app
        .post("/api/v1/enterprises", Some(&cast.owner_a), &bad_body)
        .await;
    assert_problem(response, 403).await;
    let response = app
        .patch(
            "/api/v1/enterprises/not-a-code",
            None,
            Some("\"1\""),
            &bad_body,
        )
        .await;
    assert_problem(response, 401).await;
    let response = app
        .patch(
            &format!("/api/v1/enterprises/{CODE_A}"),
            Some(&cast.owner_a),
            Some("\"1\""),
            &bad_body,
        )
        .await;
    assert_problem(response, 403).await;
    let response = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/history?page=0"),
            Some(&cast.owner_b),
        )
        .await;
    assert_problem(response, 403).await;
    let response = app
        .get(
            &format!("/api/v1/enterprises/{CODE_A}/history?page=0"),
            None,
        )
        .await;
    assert_problem(response, 401).await;
}

async fn regulator_registers_an_enterprise(app: TestApp) {
    let cast = app.cast().await;
    let response = app
        .post(
            "/api/v1/enterprises",
            Some(&cast.regulator),
            &enterprise_body(CODE_C, "华为技术有限公司", "440307"),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["etag"], "\"1\"");
    assert_eq!(
        response.headers()["location"],
        format!("/api/v1/enterprises/{CODE_C}")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], CODE_C);
    assert_eq!(body["meta"]["created_by"], "regulator");
    assert_eq!(body["business_models"], json!(["b2c", "live_streaming"]));

    // Read back, also with a lower-case code.
    let read: Value = app
        .get(
            &format!("/api/v1/enterprises/{}", CODE_C.to_lowercase()),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["name"], "华为技术有限公司");

    // The same code again is a conflict, and changes nothing.
    let again = app
        .post(
            "/api/v1/enterprises",
            Some(&cast.admin),
            &enterprise_body(CODE_C, "另一个名字", "440307"),
        )
        .await;
    assert_problem(again, 409).await;
    let read: Value = app
        .get(&format!("/api/v1/enterprises/{CODE_C}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["name"], "华为技术有限公司");

    assert_problem(
        app.get("/api/v1/enterprises/91110108551385082Q", None)
            .await,
        404,
    )
    .await;
    assert_problem(app.get("/api/v1/enterprises/not-a-code", None).await, 404).await;
}

async fn only_keepers_register_enterprises(app: TestApp) {
    let cast = app.cast().await;
    let body = enterprise_body(CODE_C, "华为技术有限公司", "440307");
    assert_problem(app.post("/api/v1/enterprises", None, &body).await, 401).await;
    for token in [&cast.bank, &cast.owner_a] {
        assert_problem(
            app.post("/api/v1/enterprises", Some(token), &body).await,
            403,
        )
        .await;
    }
    assert_problem(
        app.get(&format!("/api/v1/enterprises/{CODE_C}"), None)
            .await,
        404,
    )
    .await;
    let response = app
        .post("/api/v1/enterprises", Some(&cast.admin), &body)
        .await;
    assert_eq!(response.status(), 201);
}

async fn invalid_enterprises_are_rejected_with_every_field_named(app: TestApp) {
    let cast = app.cast().await;
    let mut body = enterprise_body("91440300192203821X", "", "4403");
    body["registered_capital"] = json!(-5);
    body["established_on"] = json!("2099-01-01");
    body["legal_rep_id_number"] = json!("110105194912310021");
    let problem = assert_problem(
        app.post("/api/v1/enterprises", Some(&cast.regulator), &body)
            .await,
        422,
    )
    .await;
    assert_eq!(
        problem_fields(&problem),
        [
            "code",
            "name",
            "legal_rep_id_number",
            "registered_capital",
            "established_on",
            "region_code"
        ]
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check character")
    );

    // Wrong type: the field is named.
    let mut wrong_type = enterprise_body(CODE_C, "华为", "440307");
    wrong_type["registered_capital"] = json!("lots");
    let problem = assert_problem(
        app.post("/api/v1/enterprises", Some(&cast.regulator), &wrong_type)
            .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["registered_capital"]);

    let mut unknown_status = enterprise_body(CODE_C, "华为", "440307");
    unknown_status["status"] = json!("bankrupt");
    let problem = assert_problem(
        app.post(
            "/api/v1/enterprises",
            Some(&cast.regulator),
            &unknown_status,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["status"]);

    let mut unknown_field = enterprise_body(CODE_C, "华为", "440307");
    unknown_field["grade"] = json!("AAA");
    assert_problem(
        app.post("/api/v1/enterprises", Some(&cast.regulator), &unknown_field)
            .await,
        422,
    )
    .await;

    // Not JSON, and not declared as JSON.
    let not_json = app
        .request(Method::POST, "/api/v1/enterprises", Some(&cast.regulator))
        .header("Content-Type", "application/json")
        .body("{\"code\":")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400).await;
    let form = app
        .request(Method::POST, "/api/v1/enterprises", Some(&cast.regulator))
        .header("Content-Type", "text/plain")
        .body("code=1")
        .send()
        .await
        .unwrap();
    assert_problem(form, 415).await;
    let huge = app
        .request(Method::POST, "/api/v1/enterprises", Some(&cast.regulator))
        .header("Content-Type", "application/json")
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_problem(huge, 413).await;

    // Nothing was written.
    let list: Value = app
        .get("/api/v1/enterprises", Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
}

async fn list_filters_and_pages(app: TestApp) {
    let cast = app.cast().await;
    let mut third = enterprise_body(
        CODE_C,
        "杭州滨江跨境电商有限公司 Binjiang Crossborder",
        "330108",
    );
    third["industry"] = json!("wholesale");
    third["business_models"] = json!(["cross_border"]);
    third["status"] = json!("abnormal");
    assert_eq!(
        app.post("/api/v1/enterprises", Some(&cast.regulator), &third)
            .await
            .status(),
        201
    );

    let codes = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_string())
            .collect()
    };
    let get = |query: &'static str| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/enterprises?{query}"), None)
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    // Listed in code order.
    assert_eq!(codes(get("region_code=330000").await), [CODE_A, CODE_C]);
    assert_eq!(codes(get("region_code=330106").await), [CODE_A]);
    assert_eq!(codes(get("region_code=440000").await), [CODE_B]);
    assert_eq!(codes(get("industry=wholesale").await), [CODE_C]);
    assert_eq!(codes(get("status=abnormal").await), [CODE_C]);
    assert_eq!(codes(get("business_model=cross_border").await), [CODE_C]);
    assert_eq!(codes(get("q=%E8%A5%BF%E6%B9%96").await), [CODE_A]); // 西湖
    assert_eq!(codes(get("q=914403").await), [CODE_C, CODE_B]);
    assert_eq!(codes(get("q=%25").await), Vec::<String>::new()); // a literal %, not a wildcard
    assert_eq!(
        codes(get("q=binjiang").await),
        [CODE_C],
        "case-insensitive on every backend"
    );
    // Any substring of a name, through the character-pair index: one character (in the
    // middle, or the last), several, words with a space, and code prefixes of any length.
    let q = |text: &str| format!("q={}", urlencoding(text));
    let search = |text: &str| {
        let app = &app;
        let query = q(text);
        async move {
            codes(
                app.get(&format!("/api/v1/enterprises?{query}"), None)
                    .await
                    .json::<Value>()
                    .await
                    .unwrap(),
            )
        }
    };
    assert_eq!(search("滨").await, [CODE_C]);
    assert_eq!(
        search("司").await,
        [CODE_A, CODE_C, CODE_B],
        "the last character"
    );
    assert_eq!(search("r").await, [CODE_C], "the last character, in ASCII");
    assert_eq!(search("有限公司").await, [CODE_A, CODE_C, CODE_B]);
    assert_eq!(search("茶电子").await, [CODE_A]);
    assert_eq!(
        search("茶子").await,
        Vec::<String>::new(),
        "pairs, not letters"
    );
    assert_eq!(search("BINJIANG cross").await, [CODE_C]);
    assert_eq!(search("9").await, [CODE_A, CODE_C, CODE_B], "a code prefix");
    assert_eq!(search(&CODE_B[..12]).await, [CODE_B]);
    assert_eq!(search(&CODE_B.to_lowercase()).await, [CODE_B]);
    // A new name is found at once, the old one no more.
    let path = format!("/api/v1/enterprises/{CODE_B}");
    let renamed = app
        .patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"name": "深圳前海云仓供应链有限公司", "reason": "名称变更登记"}),
        )
        .await;
    assert_eq!(renamed.status(), 200, "{}", renamed.text().await.unwrap());
    assert_eq!(search("前海云仓").await, [CODE_B]);
    assert_eq!(search("南山数码").await, Vec::<String>::new());

    let page1 = get("per_page=2").await;
    let page2 = get("per_page=2&page=2").await;
    assert_eq!(page1["total"], 3);
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["page"], 2);

    for bad in [
        "per_page=0",
        "per_page=101",
        "page=0",
        "region_code=12",
        "status=unknown",
        "page=abc",
    ] {
        let response = app.get(&format!("/api/v1/enterprises?{bad}"), None).await;
        assert_problem(response, 422).await;
    }
}

async fn each_caller_sees_what_the_rules_allow(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}");
    let public_keys = [
        "code",
        "industry",
        "name",
        "region_code",
        "status",
        "visibility",
    ];
    for token in [None, Some(cast.bank.as_str()), Some(cast.owner_b.as_str())] {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        let mut keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(keys, public_keys, "public view for {token:?}");
        assert_eq!(body["visibility"], "public");
    }
    // Regulator and owner: full record, personal data masked.
    for token in [&cast.regulator, &cast.owner_a] {
        let body: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        assert_eq!(body["visibility"], "full");
        assert_eq!(body["legal_rep_id_number"], "110105********002X");
        assert_eq!(body["legal_rep_phone"], "138****5678");
        assert_eq!(body["registered_capital"], 5000000.0);
    }
    // Admin: unmasked.
    let body: Value = app
        .get(&path, Some(&cast.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["legal_rep_id_number"], "11010519491231002X");
    assert_eq!(body["legal_rep_phone"], "13812345678");
    // Lists follow the same rule, row by row.
    let list: Value = app
        .get("/api/v1/enterprises", Some(&cast.owner_a))
        .await
        .json()
        .await
        .unwrap();
    for item in list["items"].as_array().unwrap() {
        let expected = if item["code"] == CODE_A {
            "full"
        } else {
            "public"
        };
        assert_eq!(item["visibility"], expected);
    }
    let list: Value = app
        .get("/api/v1/enterprises", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i.get("legal_representative").is_none())
    );
}

async fn corrections_need_the_current_version(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}");
    let response = app
        .patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"status": "abnormal", "reason": "listed by the district bureau"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "abnormal");
    assert_eq!(body["meta"]["version"], 2);
    assert_eq!(body["name"], "杭州西湖茶电子商务有限公司");

    // The old tag is now stale.
    let stale = app
        .patch(
            &path,
            Some(&cast.admin),
            Some("\"1\""),
            &json!({"name": "新名字"}),
        )
        .await;
    assert_problem(stale, 412).await;
    // No tag at all.
    assert_problem(
        app.patch(&path, Some(&cast.admin), None, &json!({"name": "新名字"}))
            .await,
        428,
    )
    .await;
    assert_problem(
        app.patch(
            &path,
            Some(&cast.admin),
            Some("version-2"),
            &json!({"name": "新名字"}),
        )
        .await,
        400,
    )
    .await;
    // A weak tag of the current version and `*` both work.
    assert_eq!(
        app.patch(
            &path,
            Some(&cast.admin),
            Some("W/\"2\""),
            &json!({"name": "新名字"})
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.patch(
            &path,
            Some(&cast.admin),
            Some("*"),
            &json!({"industry": "wholesale"})
        )
        .await
        .status(),
        200
    );
    let body: Value = app
        .get(&path, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            body["name"].as_str(),
            body["industry"].as_str(),
            body["meta"]["version"].as_i64()
        ),
        (Some("新名字"), Some("wholesale"), Some(4))
    );
    // A correction that changes nothing keeps the version.
    let same = app
        .patch(
            &path,
            Some(&cast.admin),
            Some("\"4\""),
            &json!({"industry": "wholesale"}),
        )
        .await;
    assert_eq!(same.headers()["etag"], "\"4\"");
}

async fn refused_corrections_change_nothing(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}");
    let change = json!({"status": "deregistered"});
    assert_problem(app.patch(&path, None, Some("\"1\""), &change).await, 401).await;
    for token in [&cast.bank, &cast.owner_a, &cast.owner_b] {
        assert_problem(
            app.patch(&path, Some(token), Some("\"1\""), &change).await,
            403,
        )
        .await;
    }
    let invalid = app
        .patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"status": "active", "region_code": "99"}),
        )
        .await;
    let problem = assert_problem(invalid, 422).await;
    assert_eq!(problem_fields(&problem), ["region_code"]);
    // The code is not a correctable field.
    assert_problem(
        app.patch(
            &path,
            Some(&cast.regulator),
            Some("\"1\""),
            &json!({"code": CODE_C}),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        app.patch(
            "/api/v1/enterprises/91110108551385082Q",
            Some(&cast.regulator),
            Some("\"1\""),
            &change,
        )
        .await,
        404,
    )
    .await;

    let body: Value = app
        .get(&path, Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], "active");
    assert_eq!(body["meta"]["version"], 1);
    let history: Value = app
        .get(&format!("{path}/history"), Some(&cast.regulator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["total"], 1, "only the creation is in the history");
}

async fn concurrent_corrections_do_not_overwrite_each_other(app: TestApp) {
    let cast = app.cast().await;
    let path = format!("/api/v1/enterprises/{CODE_A}");
    let bodies: Vec<Value> = (0..8)
        .map(|i| json!({"name": format!("名字{i}")}))
        .collect();
    let attempts = bodies
        .iter()
        .map(|body| app.patch(&path, Some(&cast.regulator), Some("\"1\""), body));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        7,
        "{statuses:?}"
    );
    let history: Value = app
        .get(
            &format!("{path}/history?entity=enterprise"),
            Some(&cast.regulator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["total"], 2);
}

/// Percent-encodes a query value (UTF-8 bytes; unreserved characters kept).
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
