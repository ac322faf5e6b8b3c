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
                // An optional body is `oneOf: [null, $ref]`.
                let reference = schema["$ref"].as_str().or_else(|| {
                    schema["oneOf"]
                        .as_array()?
                        .iter()
                        .find_map(|s| s["$ref"].as_str())
                });
                let name = reference.unwrap().rsplit('/').next().unwrap();
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

/// "Try it out" works as it stands: every request example is accepted by the type and the rules.
#[test]
fn request_examples_are_valid() {
    use ecredit::domain::{enterprise::*, records::*};
    fn example<T: utoipa::ToSchema + serde::de::DeserializeOwned>() -> T {
        let schema = serde_json::to_value(T::schema()).unwrap();
        serde_json::from_value(schema["example"].clone())
            .unwrap_or_else(|e| panic!("{}: {e}", T::name()))
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let now = today.and_hms_opt(12, 0, 0).unwrap();
    let owner = ecredit::domain::CreditCode::parse("91330100799655058B").unwrap();
    let enterprise = example::<EnterpriseInput>().validate(today).unwrap();
    example::<ecredit::domain::models::ActivationInput>()
        .validate()
        .unwrap();
    ecredit::domain::patch::merge(&enterprise.to_input(), &example::<EnterprisePatch>())
        .unwrap()
        .validate(today)
        .unwrap();
    let operating = example::<OperatingInput>().validate(today).unwrap();
    ecredit::domain::patch::merge(&operating.to_input(), &example::<OperatingPatch>())
        .unwrap()
        .validate(today)
        .unwrap();
    let event = example::<CreditEventInput>().validate(today).unwrap();
    ecredit::domain::patch::merge(&event.to_input(), &example::<CreditEventPatch>())
        .unwrap()
        .validate(today)
        .unwrap();
    let item = example::<SentimentInput>().validate(now).unwrap();
    ecredit::domain::patch::merge(&item.to_input(), &example::<SentimentPatch>())
        .unwrap()
        .validate(now)
        .unwrap();
    let link = example::<AssociationInput>()
        .validate(&owner, today)
        .unwrap();
    ecredit::domain::patch::merge(&link.to_input(), &example::<AssociationPatch>())
        .unwrap()
        .validate(&owner, today)
        .unwrap();
    use ecredit::domain::objections::{AnswerInput, ObjectionInput};
    example::<ObjectionInput>().validate().unwrap();
    let answer = example::<AnswerInput>().validate().unwrap();
    let correction: CreditEventPatch = serde_json::from_value(answer.correction.unwrap()).unwrap();
    ecredit::domain::patch::merge(&event.to_input(), &correction)
        .unwrap()
        .validate(today)
        .unwrap();
}

/// `utoipa` takes literals only, so the published ranges repeat `domain::limits`: they must agree.
#[test]
fn published_ranges_are_the_enforced_ones() {
    use ecredit::domain::limits::{MAX_EMPLOYEES, MAX_ORDERS, MAX_QUALITY_CHECKS, MAX_YUAN};
    let doc: serde_json::Value = serde_json::from_str(&ecredit::api::docs::openapi_json()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let expected = [
        ("online_sales", MAX_YUAN),
        ("orders", MAX_ORDERS as f64),
        ("complaints", MAX_ORDERS as f64),
        ("employees", MAX_EMPLOYEES as f64),
        ("tax_paid", MAX_YUAN),
        ("cross_border_trade", MAX_YUAN),
        ("quality_checks", MAX_QUALITY_CHECKS as f64),
        ("quality_checks_failed", MAX_QUALITY_CHECKS as f64),
        ("refund_rate", 1.0),
    ];
    for schema in ["OperatingInput", "OperatingPatch", "OperatingRecord"] {
        for (field, max) in expected {
            let property = &schemas[schema]["properties"][field];
            assert_eq!(property["maximum"].as_f64(), Some(max), "{schema}.{field}");
            assert_eq!(property["minimum"].as_f64(), Some(0.0), "{schema}.{field}");
        }
    }
    for (schema, field) in [
        ("EnterpriseInput", "registered_capital"),
        ("EnterprisePatch", "registered_capital"),
        ("AssociationInput", "amount"),
        ("AssociationPatch", "amount"),
    ] {
        let property = &schemas[schema]["properties"][field];
        assert_eq!(
            property["maximum"].as_f64(),
            Some(MAX_YUAN),
            "{schema}.{field}"
        );
    }
}

/// Every `$ref` names a schema the document has: a typed-client generator drops the operations
/// whose references dangle.
#[test]
fn every_reference_resolves() {
    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(members) => {
                if let Some(target) = members.get("$ref").and_then(|r| r.as_str()) {
                    out.push(target);
                }
                members.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(&ecredit::api::docs::openapi_json()).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target.strip_prefix("#/components/schemas/").expect(target);
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{target} names no schema"
        );
    }
}
