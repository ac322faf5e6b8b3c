//! The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
//! 31-letter alphabet (digits and capitals without I, O, S, V, Z), where positions 3-8 are the
//! registering region (GB/T 2260) and the last character is a mod-31 check over the first 17.

use std::fmt;

use serde::Serialize;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    Length(usize),
    Character { position: usize, found: char },
    CheckCharacter { expected: char, found: char },
}

impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreditCodeError::Length(n) => write!(f, "must be 18 characters, got {n}"),
            CreditCodeError::Character { position, found } => write!(
                f,
                "character {position} ('{found}') is not allowed: use digits and capital letters other than I, O, S, V, Z"
            ),
            CreditCodeError::CheckCharacter { expected, found } => write!(
                f,
                "check character is '{found}' but GB 32100-2015 requires '{expected}'"
            ),
        }
    }
}

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code.
pub fn check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl CreditCode {
    /// Accepts lower-case input and surrounding spaces; stores the canonical upper-case form.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code = input.trim().to_ascii_uppercase();
        let count = code.chars().count();
        if count != 18 {
            return Err(CreditCodeError::Length(count));
        }
        let bytes = code.as_bytes();
        for (i, c) in code.chars().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(CreditCodeError::Character {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let expected = check_character(&bytes[..17]).expect("alphabet checked above");
        let found = bytes[17] as char;
        if expected != found {
            return Err(CreditCodeError::CheckCharacter { expected, found });
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 3-8: the administrative division where the code was issued.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes as published on the National Enterprise Credit Information Publicity System.
    const PUBLISHED: [&str; 5] = [
        "91330100799655058B", // 阿里巴巴（中国）有限公司
        "9144030071526726XG", // 腾讯科技（深圳）有限公司
        "914403001922038216", // 华为技术有限公司
        "91110108551385082Q", // 小米科技有限责任公司
        "91110000802100433B", // 北京百度网讯科技有限公司
    ];

    #[test]
    fn accepts_published_codes() {
        for code in PUBLISHED {
            let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(parsed.as_str(), code);
        }
        assert_eq!(
            CreditCode::parse(PUBLISHED[0]).unwrap().region_code(),
            "330100"
        );
    }

    #[test]
    fn normalises_case_and_spaces() {
        let parsed = CreditCode::parse(" 9144030071526726xg ").unwrap();
        assert_eq!(parsed.as_str(), "9144030071526726XG");
    }

    #[test]
    fn rejects_every_single_character_corruption() {
        for code in PUBLISHED {
            for pos in 0..18 {
                for &replacement in ALPHABET.iter() {
                    let mut bytes = code.as_bytes().to_vec();
                    if bytes[pos] == replacement {
                        continue;
                    }
                    bytes[pos] = replacement;
                    let corrupted = String::from_utf8(bytes).unwrap();
                    assert!(
                        CreditCode::parse(&corrupted).is_err(),
                        "{corrupted} (from {code}) was accepted"
                    );
                }
            }
        }
    }

    #[test]
    fn rejects_transposed_neighbours() {
        let code = PUBLISHED[2].as_bytes();
        let mut swapped = code.to_vec();
        swapped.swap(3, 4);
        assert!(CreditCode::parse(std::str::from_utf8(&swapped).unwrap()).is_err());
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            CreditCode::parse("91330100799655058").unwrap_err(),
            CreditCodeError::Length(17)
        );
        assert_eq!(
            CreditCode::parse("9133010079965505OB").unwrap_err(),
            CreditCodeError::Character {
                position: 17,
                found: 'O'
            }
        );
        assert_eq!(
            CreditCode::parse("91330100799655058C").unwrap_err(),
            CreditCodeError::CheckCharacter {
                expected: 'B',
                found: 'C'
            }
        );
        assert!(CreditCode::parse("91330100799655058Б").is_err());
    }
}
