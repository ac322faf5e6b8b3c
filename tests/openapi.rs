//! The committed OpenAPI document must be the one the code generates.

#[test]
fn committed_openapi_matches_the_code() {
    let generated = ecredit::api::docs::openapi_json();
    let committed = std::fs::read_to_string("openapi/openapi.json").unwrap_or_default();
    assert!(
        generated == committed,
        "openapi/openapi.json is out of date: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_request_body_has_an_example_and_every_operation_documents_its_errors() {
    let doc: serde_json::Value = serde_json::from_str(&ecredit::api::docs::openapi_json()).unwrap();
    let schemas = &doc["components"]["schemas"];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(body) = op.get("requestBody") {
                let schema = &body["content"]["application/json"]["schema"];
                let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
                assert!(
                    schemas[name].get("example").is_some(),
                    "{method} {path}: {name} has no example"
                );
            }
            let responses = op["responses"].as_object().unwrap();
            let secured = op
                .get("security")
                .and_then(|s| s.as_array())
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            if secured && !path.starts_with("/health") {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} does not document 401"
                );
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]
                            .get("application/problem+json")
                            .is_some(),
                        "{method} {path} {status} is not problem+json"
                    );
                }
            }
        }
    }
}
