//! The canonical form of a report: RFC 8785, the JSON Canonicalization Scheme (JCS). Object
//! members sorted by the UTF-16 code units of their names, no insignificant whitespace, strings
//! with the minimal JSON escapes and non-ASCII text as UTF-8, numbers as ECMAScript prints
//! them. The signature covers the canonical bytes of the [`ReportDocument`]; the file that is
//! served, saved and verified is the canonical bytes of the whole [`SignedReport`].

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ReportError;
use super::document::{ReportDocument, SignedReport};

/// JCS of a value that reads back as itself. `serde_jcs`, like `serde_json`, writes a NaN or an
/// infinity nested in a structure as `null`; a report holding one would then be signed as
/// something else than it says (or not read back at all). So the canonical bytes are parsed
/// again and must give the same value.
pub fn canonical_json<T>(value: &T) -> Result<Vec<u8>, ReportError>
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    let bytes =
        serde_jcs::to_vec(value).map_err(|e| ReportError::NotCanonicalisable(e.to_string()))?;
    match serde_json::from_slice::<T>(&bytes) {
        Ok(back) if back == *value => Ok(bytes),
        _ => Err(ReportError::NotCanonicalisable(
            "it does not read back as itself (a number is not finite or not exact in JSON)".into(),
        )),
    }
}

/// JCS of a value just parsed from JSON, which holds only what JSON can say, so needs no
/// round-trip check: for [`super::verify`].
pub(crate) fn canonical_of_parsed<T: Serialize>(value: &T) -> Option<Vec<u8>> {
    serde_jcs::to_vec(value).ok()
}

/// Whether `given` (a report as a client sent it back) says the same as `ours` (the same report
/// read and written again by the service): the same members everywhere, equal numbers (`1` and
/// `1.0` alike), and equal strings, where two timestamps for the same instant are equal
/// (`…T09:30:00Z` and `…T09:30:00.000000+00:00`). So any serialisation of the report verifies,
/// and an added or removed member (even a `null`) does not.
pub fn same_content(given: &serde_json::Value, ours: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (given, ours) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same_content(value, other)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_content(x, y))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), Value::String(b)) => a == b || same_instant(a, b),
        (a, b) => a == b,
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    use chrono::{DateTime, NaiveDateTime};
    if !(full_date_and_time(a) && full_date_and_time(b)) {
        return false;
    }
    if let (Ok(a), Ok(b)) = (
        DateTime::parse_from_rfc3339(a),
        DateTime::parse_from_rfc3339(b),
    ) {
        return a == b;
    }
    // Times written without an offset (UTC by the format), as some fields are.
    let naive = |s: &str| s.parse::<NaiveDateTime>().ok();
    matches!((naive(a), naive(b)), (Some(a), Some(b)) if a == b)
}

/// Starts `YYYY-MM-DDTHH:MM:SS`, every digit written (chrono's parsers also take `08:15:0`).
fn full_date_and_time(text: &str) -> bool {
    let pattern = b"dddd-dd-ddTdd:dd:dd";
    text.len() >= pattern.len()
        && text.bytes().zip(pattern).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            _ => c == *p,
        })
}

/// The bytes a report's signature covers.
pub fn canonical_document(document: &ReportDocument) -> Result<Vec<u8>, ReportError> {
    canonical_json(document)
}

/// The file a report is: what the service stores and serves and what a bank saves and verifies.
/// It fails only for a report that [`super::KeyRing::sign`] refuses to sign (one holding a
/// non-finite number).
pub fn to_canonical_bytes(signed: &SignedReport) -> Result<Vec<u8>, ReportError> {
    canonical_json(signed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn jcs(value: &Value) -> String {
        String::from_utf8(canonical_json(value).unwrap()).unwrap()
    }

    /// RFC 8785, appendix B: IEEE 754 doubles as ECMAScript prints them.
    #[test]
    fn numbers_follow_the_rfc_appendix_b() {
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for (bits, expected) in cases {
            let value = f64::from_bits(*bits);
            let text = String::from_utf8(canonical_json(&value).unwrap()).unwrap();
            assert_eq!(&text, expected, "bits {bits:#018x}");
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                canonical_json(&bad),
                Err(ReportError::NotCanonicalisable(_))
            ));
            // Nested, where serde writes them as null.
            assert!(matches!(
                canonical_json(&vec![Some(1.0), Some(bad)]),
                Err(ReportError::NotCanonicalisable(_))
            ));
        }
        // Integers beyond 2^53 are not exact in JCS (every number is a double).
        assert!(canonical_json(&(1i64 << 53)).is_ok());
        assert!(canonical_json(&((1i64 << 53) + 1)).is_err());
    }

    /// RFC 8785, section 3.2.2 and 3.2.3: the worked example (sorting, escapes, literals,
    /// numbers) and the sorting by UTF-16 code units.
    #[test]
    fn the_rfc_examples_come_out_byte_for_byte() {
        let input: Value = serde_json::from_str(
            r#"{
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }"#,
        )
        .unwrap();
        assert_eq!(
            jcs(&input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );

        let sorting: Value = serde_json::from_str(
            r#"{
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }"#,
        )
        .unwrap();
        let order: Vec<String> = {
            let text = jcs(&sorting);
            let back: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
            back.into_iter()
                .map(|(_, v)| v.as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            order,
            [
                "Carriage Return",
                "One",
                "Control",
                "Latin Small Letter O With Diaeresis",
                "Euro Sign",
                "Emoji: Grinning Face",
                "Hebrew Letter Dalet With Dagesh",
            ]
        );
    }

    #[test]
    fn non_ascii_text_is_kept_as_utf8_and_only_controls_are_escaped() {
        let value = json!({"name": "杭州西湖茶 \u{7f} é 😀", "tab": "a\tb\u{1}"});
        assert_eq!(
            jcs(&value),
            "{\"name\":\"杭州西湖茶 \u{7f} é 😀\",\"tab\":\"a\\tb\\u0001\"}"
        );
    }

    #[test]
    fn a_report_canonicalises_with_sorted_members_and_round_trips() {
        let document = crate::report::sample::document();
        let bytes = canonical_document(&document).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with(r#"{"credit_events":["#), "{text}");
        assert!(!text.contains('\n') && !text.contains("\": ") && !text.contains(", \""));
        let back: ReportDocument = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, document);
        assert_eq!(canonical_document(&back).unwrap(), bytes);
    }
}
