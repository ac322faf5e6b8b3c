//! Collects every problem with an input at once, so a caller learns all of them in one round trip.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    /// JSON path of the offending field, e.g. `refund_rate` or `platforms[1].url`.
    pub field: String,
    pub message: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut v = Self::new();
        v.add(field, message);
        v
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Records `message` against `field` unless `ok` holds.
    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Violations> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// A required, trimmed, non-empty text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, "must not be empty");
        } else if trimmed.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        trimmed.to_string()
    }

    /// An optional text: blank becomes `None`.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let trimmed = value.map(str::trim).filter(|v| !v.is_empty())?;
        if trimmed.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        Some(trimmed.to_string())
    }

    pub fn rate(&mut self, field: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.check(
                super::limits::rate_in_range(v),
                field,
                "must be a rate between 0 and 1",
            );
        }
    }

    /// An amount of yuan in its documented range (see [`super::limits`]).
    pub fn yuan(&mut self, field: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.check(
                super::limits::yuan_in_range(v),
                field,
                "must be between 0 and 10000000000000 yuan (1e13)",
            );
        }
    }

    /// A count between 0 and `max` (see [`super::limits`]).
    pub fn count(&mut self, field: &str, value: Option<i64>, max: i64) {
        if let Some(v) = value {
            self.check(
                super::limits::count_in_range(v, max),
                field,
                format!("must be between 0 and {max}"),
            );
        }
    }

    /// A URL must be absolute http(s): links are shown to people who click them.
    pub fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = self.optional_text(field, value, 2048)?;
        match url::Url::parse(&value) {
            Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(value),
            _ => {
                self.add(field, "must be an absolute http or https URL");
                Some(value)
            }
        }
    }
}

impl std::fmt::Display for Violations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}
