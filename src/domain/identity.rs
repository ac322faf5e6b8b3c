//! Personal data of legal representatives: the resident identity number (GB 11643-1999) and a
//! phone number. Both are checked on input and masked in every output but an admin's.

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// 18 characters: 17 digits and a mod-11 check character (digit or X).
pub fn check_resident_id(id: &str) -> Result<(), String> {
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return Err("must be an 18-character resident identity number".into());
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let expected = ID_CHECK[(sum % 11) as usize];
    if bytes[17].to_ascii_uppercase() != expected {
        return Err("check character does not match (GB 11643-1999)".into());
    }
    Ok(())
}

pub fn check_phone(phone: &str) -> Result<(), String> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if !allowed || !(5..=20).contains(&digits) {
        return Err("must be a phone number of 5 to 20 digits".into());
    }
    Ok(())
}

/// Keeps `head` leading and `tail` trailing characters and stars the rest.
fn mask(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

pub fn mask_resident_id(id: &str) -> String {
    mask(id, 6, 4)
}

pub fn mask_phone(phone: &str) -> String {
    mask(phone, 3, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_check() {
        // The worked example of GB 11643-1999.
        assert!(check_resident_id("11010519491231002X").is_ok());
        assert!(check_resident_id("110105194912310021").is_err());
        assert!(check_resident_id("11010519491231002").is_err());
    }

    #[test]
    fn masking_hides_the_middle() {
        assert_eq!(mask_resident_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("123"), "***");
    }

    #[test]
    fn phones() {
        assert!(check_phone("+86 138-1234-5678").is_ok());
        assert!(check_phone("call me").is_err());
        assert!(check_phone("12").is_err());
    }
}
