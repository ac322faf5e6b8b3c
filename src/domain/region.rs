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
}
