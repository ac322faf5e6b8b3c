//! The two languages of the console and the API: message catalogs (Fluent, `zh-CN.ftl` and `en.ftl`,
//! embedded at compile time), choosing the language of a request, and formatting dates, money
//! and numbers for it.
//!
//! Every label of a template is `t(lang, "key")` or `t_args(lang, "key", &[…])`. A key missing
//! from a catalog renders as `⟦missing:key⟧` (and is logged), which the page tests look for.

pub mod reasons;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The name of the cookie that holds a chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The marker a missing message renders as.
pub const MISSING_MARKER: &str = "⟦missing:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

pub const LANGS: [Lang; 2] = [Lang::ZhCn, Lang::En];

impl Lang {
    /// The BCP 47 tag, as in `<html lang>` and the switch URL.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(tag: &str) -> Option<Lang> {
        match tag {
            "zh-CN" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "中文",
            Lang::En => "English",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    /// The catalog's source text.
    pub fn catalog_source(self) -> &'static str {
        match self {
            Lang::ZhCn => include_str!("zh-CN.ftl"),
            Lang::En => include_str!("en.ftl"),
        }
    }
}

/// The language of a request: a valid `lang` cookie wins; else zh-CN when the first language
/// of `Accept-Language` is any Chinese (`zh`, `zh-CN`, `zh-Hans-CN`, `zh-TW`…), English otherwise.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::parse) {
        return lang;
    }
    let first = accept_language
        .and_then(|header| header.split(',').next())
        .map(|range| {
            range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if first == "zh" || first.starts_with("zh-") {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| LANGS.map(build_bundle));
    match lang {
        Lang::ZhCn => &bundles[0],
        Lang::En => &bundles[1],
    }
}

fn build_bundle(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().expect("a valid language tag");
    let resource = FluentResource::try_new(lang.catalog_source().to_string())
        .unwrap_or_else(|(_, errors)| panic!("catalog {} does not parse: {errors:?}", lang.tag()));
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the pages are plain left-to-right text.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("catalog {} has duplicates: {errors:?}", lang.tag()));
    bundle
}

/// The message `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    t_args(lang, key, &[])
}

/// The message `key` in `lang`, with named arguments (`{ $name }` in the catalog). A plain
/// integer argument is passed as a number, so the catalog can choose a plural form by it
/// (`{ $days -> [one] … *[other] … }`); formatted numbers ("1,250") stay text.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::warn!(key, lang = lang.tag(), "message missing from the catalog");
        return format!("{MISSING_MARKER}{key}⟧");
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let plain_integer = !value.is_empty()
            && value.len() < 16
            && value
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
            && !(value.len() > 1 && value.starts_with('0'));
        match value.parse::<i64>() {
            Ok(n) if plain_integer => fluent_args.set(*name, FluentValue::from(n)),
            _ => fluent_args.set(*name, FluentValue::from(*value)),
        }
    }
    let mut errors = vec![];
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, lang = lang.tag(), ?errors, "message did not format");
    }
    text.into_owned()
}

/// Does the catalog of `lang` have message `key`?
pub fn has(lang: Lang, key: &str) -> bool {
    bundle(lang).has_message(key)
}

/// A value of a set that may grow (history actions, features): translated when the catalog has
/// `prefix-value`, else as stored.
pub fn t_value_or_raw(lang: Lang, prefix: &str, value: &str) -> String {
    let key = format!("{prefix}-{value}");
    if has(lang, &key) {
        t(lang, &key)
    } else {
        value.to_string()
    }
}

/// A translated value of a closed set (grades, statuses, list kinds…): `prefix-value`.
pub fn t_value(lang: Lang, prefix: &str, value: &str) -> String {
    t(lang, &format!("{prefix}-{value}"))
}

/// The message ids a catalog defines (for the test that both catalogs agree).
pub fn catalog_keys(lang: Lang) -> BTreeSet<String> {
    let resource = FluentResource::try_new(lang.catalog_source().to_string())
        .unwrap_or_else(|(_, errors)| panic!("catalog {} does not parse: {errors:?}", lang.tag()));
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

/// `1234567` → `1,234,567` (both languages group by thousands in figures).
pub fn format_number(_lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A figure with two decimals and grouping: `1234.5` → `1,234.50`.
fn grouped_2(amount: f64) -> String {
    let cents = (amount.abs() * 100.0).round() as i64;
    let sign = if amount < 0.0 && cents > 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        format_number(Lang::En, cents / 100),
        cents % 100
    )
}

/// An amount of yuan: `¥1,234.50` in both languages.
pub fn format_money(_lang: Lang, yuan: f64) -> String {
    format!("¥{}", grouped_2(yuan))
}

/// A large amount of yuan (registered capital, sales): `500.00万元` in Chinese, and in English
/// `CNY 5.00 million` (or billion); below ten thousand yuan, as money.
pub fn format_large_money(lang: Lang, yuan: f64) -> String {
    match lang {
        Lang::ZhCn if yuan.abs() >= 100_000_000.0 => {
            format!("{}亿元", grouped_2(yuan / 100_000_000.0))
        }
        Lang::ZhCn if yuan.abs() >= 10_000.0 => format!("{}万元", grouped_2(yuan / 10_000.0)),
        Lang::En if yuan.abs() >= 1_000_000_000.0 => {
            format!("CNY {} billion", grouped_2(yuan / 1_000_000_000.0))
        }
        Lang::En if yuan.abs() >= 1_000_000.0 => {
            format!("CNY {} million", grouped_2(yuan / 1_000_000.0))
        }
        _ => format_money(lang, yuan),
    }
}

/// `2026年12月6日` / `6 Dec 2026`.
pub fn format_date(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::ZhCn => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{} {} {}",
                date.day(),
                MONTHS[date.month0() as usize],
                date.year()
            )
        }
    }
}

/// A moment (UTC): `2026年12月6日 14:05` / `6 Dec 2026 14:05`, with the zone named.
pub fn format_date_time(lang: Lang, at: chrono::NaiveDateTime) -> String {
    format!(
        "{} {} UTC",
        format_date(lang, at.date()),
        at.format("%H:%M")
    )
}

/// A fraction in [0, 1] as a percentage with one decimal: `0.8734` → `87.3%`.
pub fn format_percent(_lang: Lang, fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::ZhCn);
        assert_eq!(negotiate(None, Some("zh")), Lang::ZhCn);
        assert_eq!(negotiate(None, Some("zh-TW")), Lang::ZhCn);
        assert_eq!(negotiate(None, Some("en-US,zh;q=0.9")), Lang::En);
        assert_eq!(negotiate(None, Some("zhx")), Lang::En);
        assert_eq!(negotiate(None, None), Lang::En);
        assert_eq!(negotiate(Some("en"), Some("zh-CN")), Lang::En);
        assert_eq!(negotiate(Some("zh-CN"), None), Lang::ZhCn);
        assert_eq!(negotiate(Some("fr"), Some("zh-CN")), Lang::ZhCn);
    }

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(format_date(Lang::ZhCn, d), "2026年12月6日");
        assert_eq!(format_date(Lang::En, d), "6 Dec 2026");
        assert_eq!(format_money(Lang::ZhCn, 1234.5), "¥1,234.50");
        assert_eq!(format_money(Lang::En, -0.004), "¥0.00");
        assert_eq!(format_large_money(Lang::ZhCn, 5_000_000.0), "500.00万元");
        assert_eq!(format_large_money(Lang::ZhCn, 250_000_000.0), "2.50亿元");
        assert_eq!(
            format_large_money(Lang::En, 5_000_000.0),
            "CNY 5.00 million"
        );
        assert_eq!(format_large_money(Lang::En, 1234.5), "¥1,234.50");
        assert_eq!(format_number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(format_number(Lang::En, -999), "-999");
        assert_eq!(format_number(Lang::En, 1000), "1,000");
        assert_eq!(format_percent(Lang::En, 0.8734), "87.3%");
    }

    #[test]
    fn missing_keys_are_marked() {
        assert_eq!(t(Lang::En, "no-such-key"), "⟦missing:no-such-key⟧");
    }
}
