//! Timestamps in JSON: the service keeps UTC times without an offset (`NaiveDateTime`, the
//! `Timestamp` columns), and writes them as RFC 3339 with the `Z` suffix, as the OpenAPI
//! document's `format: date-time` promises (`2026-12-01T21:52:41.574982062Z`). Reading accepts
//! RFC 3339 with any offset (converted to UTC) and, as before, the bare form without one (taken
//! as UTC). Use with `#[serde(with = "crate::domain::utc")]`, or `utc::option` on an
//! `Option<NaiveDateTime>` (with `default`).

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// RFC 3339 in UTC with `Z`, sub-second digits only when there are any.
pub fn format(at: &NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(*at, Utc)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// RFC 3339 with any offset (converted to UTC), or the bare `YYYY-MM-DDTHH:MM:SS[.f]` as UTC.
pub fn parse(text: &str) -> Option<NaiveDateTime> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.naive_utc());
    }
    text.parse::<NaiveDateTime>().ok()
}

pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "invalid date-time {text:?}: expected RFC 3339, e.g. 2026-05-01T08:30:00Z"
        ))
    })
}

pub mod option {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        at: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] NaiveDateTime);
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(at)| at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_rfc3339_utc_and_reads_both_forms() {
        let at = parse("2026-12-01T21:52:41.574982062").unwrap();
        assert_eq!(format(&at), "2026-12-01T21:52:41.574982062Z");
        assert_eq!(parse("2026-12-01T21:52:41.574982062Z"), Some(at));
        assert_eq!(parse("2026-12-02T05:52:41.574982062+08:00"), Some(at));
        let whole = parse("2026-05-01T08:30:00").unwrap();
        assert_eq!(format(&whole), "2026-05-01T08:30:00Z");
        assert_eq!(parse("yesterday"), None);
    }
}
