//! Administrative division codes (GB/T 2260): six digits, the first two naming the province.

/// Province-level prefixes in use: mainland provinces, Taiwan (71), Hong Kong (81), Macao (82).
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

pub fn check_region_code(code: &str) -> Result<(), String> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must be a 6-digit GB/T 2260 region code".into());
    }
    if !PROVINCES.contains(&&code[..2]) {
        return Err(format!(
            "'{}' is not a GB/T 2260 province prefix",
            &code[..2]
        ));
    }
    Ok(())
}

/// The name of a division, from the GB/T 2260 tables (the latest revision that has the code);
/// `None` for a code they do not know (a division created since their last revision, 2016).
pub fn name(code: &str) -> Option<&'static str> {
    gb2260::Division::search(code).map(|d| d.name)
}

/// A division of the cascade: its code and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: &'static str,
}

fn known(code: String) -> Option<Division> {
    name(&code).map(|name| Division { code, name })
}

/// Every province-level division, in code order.
pub fn provinces() -> Vec<Division> {
    PROVINCES
        .iter()
        .filter_map(|p| known(format!("{p}0000")))
        .collect()
}

/// The prefecture-level divisions of a province (`33` or `330000`), in code order. The tables
/// have no list of children: the 99 possible codes are looked up, which is cheap (a perfect
/// hash each).
pub fn cities(province: &str) -> Vec<Division> {
    let Some(prefix) = province.get(..2) else {
        return vec![];
    };
    (1..=99)
        .filter_map(|c| known(format!("{prefix}{c:02}00")))
        .collect()
}

/// The county-level divisions of a prefecture (`3301` or `330100`), in code order.
pub fn districts(city: &str) -> Vec<Division> {
    let Some(prefix) = city.get(..4) else {
        return vec![];
    };
    (1..=99)
        .filter_map(|d| known(format!("{prefix}{d:02}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        assert!(check_region_code("330100").is_ok());
        assert!(check_region_code("110108").is_ok());
        assert!(check_region_code("33010").is_err());
        assert!(check_region_code("3301000").is_err());
        assert!(check_region_code("33010a").is_err());
        assert!(check_region_code("990100").is_err());
    }

    #[test]
    fn the_cascade_names_provinces_cities_and_districts() {
        let provinces = provinces();
        assert_eq!(provinces.len(), 34);
        assert_eq!(name("330000"), Some("浙江省"));
        let cities = cities("330000");
        assert!(
            cities
                .iter()
                .any(|c| c.code == "330100" && c.name == "杭州市"),
            "{cities:?}"
        );
        assert!(
            cities
                .iter()
                .all(|c| c.code.starts_with("33") && c.code.ends_with("00"))
        );
        let districts = districts("330100");
        assert!(
            districts
                .iter()
                .any(|d| d.code == "330106" && d.name == "西湖区"),
            "{districts:?}"
        );
        assert!(districts.iter().all(|d| d.code.starts_with("3301")));
        assert!(super::cities("99").is_empty() && super::districts("").is_empty());
    }
}
