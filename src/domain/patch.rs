//! Partial updates and the record of what they changed.
//!
//! An update is applied by merging the fields it names (RFC 7396 style) onto the current
//! value's input form and validating the result exactly as a new record would be; what changed
//! is then read off by comparing the two values field by field. One path for every record type.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use super::validation::Violations;

/// `skip_serializing_if` for the `reason` of a patch: the reason goes to the history beside the
/// change, never into the merged fields. (`skip_serializing` would do the same, but `utoipa` then
/// leaves the field out of the request schema, and a typed client could not send it.)
pub fn reason_goes_to_history(_: &Option<String>) -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    /// Any JSON value; `null` when the field had none (or the record was created).
    pub before: Value,
    /// Any JSON value; `null` when the field was cleared.
    pub after: Value,
}

/// `current` with every field that `patch` sets replaced. `patch` serialises only the fields the
/// caller sent (its `None`s are skipped).
pub fn merge<I, P>(current: &I, patch: &P) -> Result<I, Violations>
where
    I: Serialize + DeserializeOwned,
    P: Serialize,
{
    let mut base = to_object(current);
    for (key, value) in to_object(patch) {
        base.insert(key, value);
    }
    serde_path_to_error::deserialize(Value::Object(base))
        .map_err(|e| Violations::single(&e.path().to_string(), e.inner().to_string()))
}

/// The fields whose values differ between `before` and `after`, in field order.
pub fn diff<T: Serialize>(before: &T, after: &T) -> Vec<FieldChange> {
    let before = to_object(before);
    let after = to_object(after);
    let mut changes = Vec::new();
    for (field, new_value) in &after {
        let old_value = before.get(field).cloned().unwrap_or(Value::Null);
        if &old_value != new_value {
            changes.push(FieldChange {
                field: field.clone(),
                before: old_value,
                after: new_value.clone(),
            });
        }
    }
    for (field, old_value) in &before {
        if !after.contains_key(field) {
            changes.push(FieldChange {
                field: field.clone(),
                before: old_value.clone(),
                after: Value::Null,
            });
        }
    }
    changes
}

/// Every field of a new record, as a change from nothing.
pub fn created<T: Serialize>(value: &T) -> Vec<FieldChange> {
    to_object(value)
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(field, after)| FieldChange {
            field,
            before: Value::Null,
            after,
        })
        .collect()
}

/// A record or patch read from its fields as JSON (what a form filled in), with the field a
/// value does not fit named: the same reading the API gives a request body.
pub fn from_fields<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, Violations> {
    serde_path_to_error::deserialize(Value::Object(fields)).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // A missing field is reported at the top (`.`): name the field instead.
        let field = match message.strip_prefix("missing field `") {
            Some(rest) if path == "." => rest.trim_end_matches('`').to_string(),
            _ => path,
        };
        Violations::single(&field, message)
    })
}

/// The fields of `value` as a JSON object (nothing when it is not one).
pub fn to_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Input {
        name: String,
        rate: Option<f64>,
    }

    #[derive(Serialize)]
    struct Patch {
        #[serde(skip_serializing_if = "Option::is_none")]
        rate: Option<f64>,
    }

    #[test]
    fn merge_replaces_only_sent_fields_and_diff_names_them() {
        let current = Input {
            name: "a".into(),
            rate: Some(0.1),
        };
        let merged = merge(&current, &Patch { rate: Some(0.2) }).unwrap();
        assert_eq!(
            merged,
            Input {
                name: "a".into(),
                rate: Some(0.2)
            }
        );
        let untouched = merge(&current, &Patch { rate: None }).unwrap();
        assert_eq!(untouched, current);
        let changes = diff(&current, &merged);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "rate");
        assert_eq!(changes[0].before, serde_json::json!(0.1));
        assert_eq!(changes[0].after, serde_json::json!(0.2));
        assert!(diff(&current, &current).is_empty());
    }
}
