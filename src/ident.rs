//! Identifiers of French public registers: SIREN/SIRET, RNA, QPV codes and
//! INSEE commune codes.
//!
//! The formats come from DOMAIN.md: a SIRET is 14 digits whose Luhn
//! checksum holds over all 14, its first 9 (the SIREN) being a valid SIREN;
//! La Poste's establishments (SIREN 356000000) are the one exception, with a
//! digit sum divisible by 5 instead. Each check returns what is wrong in
//! words a user can act on. Hand-written, no regex: the formats are small.

use std::fmt;

/// What is wrong with an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentError(pub String);

impl fmt::Display for IdentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdentError {}

fn err<T>(message: impl Into<String>) -> Result<T, IdentError> {
    Err(IdentError(message.into()))
}

/// The Luhn checksum holds over `digits` (ASCII digits only).
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// The digit that completes `prefix` into a Luhn-valid number.
pub fn luhn_check_digit(prefix: &str) -> char {
    (b'0'..=b'9')
        .map(char::from)
        .find(|d| luhn(&format!("{prefix}{d}")))
        .unwrap_or('0')
}

fn digits_only(value: &str, expected: usize, what: &str) -> Result<(), IdentError> {
    if value.chars().any(char::is_whitespace) {
        let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        return err(format!("write the {what} without spaces: `{compact}`"));
    }
    if let Some(c) = value.chars().find(|c| !c.is_ascii_digit()) {
        return err(format!("a {what} is made of digits only, found `{c}`"));
    }
    let n = value.len();
    if n != expected {
        return err(format!("a {what} has {expected} digits, found {n}"));
    }
    Ok(())
}

/// A SIREN: 9 digits, Luhn checksum.
pub fn check_siren(value: &str) -> Result<(), IdentError> {
    digits_only(value, 9, "SIREN")?;
    if !luhn(value) {
        return err("the Luhn checksum of the SIREN fails");
    }
    Ok(())
}

/// La Poste's SIREN, whose establishments follow their own checksum.
const LA_POSTE_SIREN: &str = "356000000";

/// A SIRET: 14 digits, a valid SIREN, Luhn over all 14 (La Poste: digit sum
/// divisible by 5, except its head office 35600000000048 which is Luhn-valid).
pub fn check_siret(value: &str) -> Result<(), IdentError> {
    digits_only(value, 14, "SIRET")?;
    if value.starts_with(LA_POSTE_SIREN) && value != "35600000000048" {
        let sum: u32 = value.bytes().map(|b| u32::from(b - b'0')).sum();
        if !sum.is_multiple_of(5) {
            return err("La Poste SIRETs need a digit sum divisible by 5");
        }
        return Ok(());
    }
    check_siren(&value[..9])
        .map_err(|e| IdentError(format!("its first 9 digits are not a valid SIREN: {e}")))?;
    if !luhn(value) {
        return err("the Luhn checksum of the SIRET fails (a digit is wrong or two are swapped)");
    }
    Ok(())
}

/// An RNA number (répertoire national des associations): `W`, a digit, a
/// digit or capital letter, then 7 digits (api-subventions-asso's form,
/// which accepts the SCDL's `W` + 9 digits).
pub fn check_rna(value: &str) -> Result<(), IdentError> {
    let b = value.as_bytes();
    if b.len() != 10 {
        return err(format!(
            "an RNA number has 10 characters, found {}",
            value.chars().count()
        ));
    }
    if b[0] != b'W' {
        return err("an RNA number starts with W");
    }
    let ok = b[1].is_ascii_digit()
        && (b[2].is_ascii_digit() || b[2].is_ascii_uppercase())
        && b[3..].iter().all(u8::is_ascii_digit);
    if !ok {
        return err("an RNA number is W, a digit, a digit or capital letter, and 7 digits");
    }
    Ok(())
}

/// Département part of a 2015-generation QPV code: 3 characters.
fn departement_2015(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 3
        && ((b.iter().all(u8::is_ascii_digit))
            || (b[0] == b'0' && b[1] == b'2' && matches!(b[2], b'A' | b'B')))
}

/// Département part of a 2024-generation QPV code, per INSEE's expression
/// `0[013-8][0-9]|02[0-9AB]|09[0-5]|97[1-9]|98[1-9]`.
fn departement_2024(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 3 {
        return false;
    }
    match (b[0], b[1], b[2]) {
        (b'0', b'0' | b'1' | b'3'..=b'8', c) => c.is_ascii_digit(),
        (b'0', b'2', c) => c.is_ascii_digit() || matches!(c, b'A' | b'B'),
        (b'0', b'9', c) => (b'0'..=b'5').contains(&c),
        (b'9', b'7' | b'8', c) => (b'1'..=b'9').contains(&c),
        _ => false,
    }
}

/// A quartier prioritaire code: `QP` + département + 3 digits (2015
/// generation, e.g. QP075019) or `QN` + département + 2 digits + N, M or I
/// (2024 generation, décret 2023-1314, e.g. QN08601M).
pub fn check_qpv(value: &str) -> Result<(), IdentError> {
    if !value.is_ascii() || value.len() != 8 {
        return err("a QPV code has 8 characters (QP075019, QN08601M)");
    }
    match &value[..2] {
        "QP" => {
            if departement_2015(&value[2..5]) && value[5..].bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                err("a 2015 QPV code is QP, a département (3 characters) and 3 digits")
            }
        }
        "QN" => {
            let tail = value.as_bytes();
            if departement_2024(&value[2..5])
                && tail[5].is_ascii_digit()
                && tail[6].is_ascii_digit()
                && matches!(tail[7], b'N' | b'M' | b'I')
            {
                Ok(())
            } else {
                err("a 2024 QPV code is QN, a département, 2 digits and N, M or I")
            }
        }
        _ => err("a QPV code starts with QP (2015) or QN (2024)"),
    }
}

/// An INSEE commune code: 5 characters, the second may be A or B (Corsica).
pub fn check_insee(value: &str) -> Result<(), IdentError> {
    let b = value.as_bytes();
    let ok = b.len() == 5
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_digit() || matches!(b[1], b'A' | b'B'))
        && b[2..].iter().all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        err("an INSEE commune code is 5 characters, e.g. 86194 or 2A004")
    }
}

/// An IBAN with its spaces removed, upper-cased: what is checked and
/// printed grouped by four.
pub fn compact_iban(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// An IBAN grouped by four characters for print: `FR76 3000 4000 …`.
pub fn display_iban(value: &str) -> String {
    let compact = compact_iban(value);
    let chars: Vec<char> = compact.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An IBAN (ISO 13616): two letters of country, two check digits, then up
/// to 30 letters and digits; the number formed by moving the first four
/// characters to the end and replacing letters by 10..35 is ≡ 1 (mod 97).
/// A French IBAN (`FR`) has 27 characters. Spaces are allowed.
pub fn check_iban(value: &str) -> Result<(), IdentError> {
    let iban = compact_iban(value);
    if iban.len() < 15 || iban.len() > 34 {
        return err(format!(
            "an IBAN has 15 to 34 characters, this one has {}",
            iban.len()
        ));
    }
    let bytes = iban.as_bytes();
    if !bytes[..2].iter().all(u8::is_ascii_uppercase) || !bytes[2..4].iter().all(u8::is_ascii_digit)
    {
        return err("an IBAN starts with two letters of country and two check digits");
    }
    if !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return err("an IBAN holds only letters and digits");
    }
    if iban.starts_with("FR") && iban.len() != 27 {
        return err(format!(
            "a French IBAN has 27 characters, this one has {}",
            iban.len()
        ));
    }
    // Mod 97 digit by digit, so no big integer is needed.
    let mut rem: u32 = 0;
    for b in bytes[4..].iter().chain(&bytes[..4]) {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    if rem != 1 {
        return err("its check digits do not match (a character is wrong or two are swapped)");
    }
    Ok(())
}

/// A BIC (ISO 9362): 4 letters of bank, 2 letters of country, 2 letters
/// or digits of location, and an optional branch of 3.
pub fn check_bic(value: &str) -> Result<(), IdentError> {
    let bic = value.trim();
    if bic.len() != 8 && bic.len() != 11 {
        return err(format!(
            "a BIC has 8 or 11 characters, this one has {}",
            bic.chars().count()
        ));
    }
    let b = bic.as_bytes();
    if !b[..6].iter().all(u8::is_ascii_uppercase) {
        return err("a BIC starts with 4 letters of bank and 2 letters of country");
    }
    if !b[6..]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return err("a BIC's location and branch are capital letters or digits");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_test_vectors() {
        assert!(check_siret("73282932000074").is_ok());
        assert!(check_siret("35600000000048").is_ok());
        assert!(check_siret("35600000049837").is_ok(), "La Poste rule");
        assert!(check_siret("73282932000075").is_err());
    }

    #[test]
    fn siret_messages_say_what_is_wrong() {
        assert_eq!(
            check_siret("7328293200007").unwrap_err().0,
            "a SIRET has 14 digits, found 13"
        );
        assert!(
            check_siret("732 829 320 00074")
                .unwrap_err()
                .0
                .contains("`73282932000074`")
        );
        assert!(check_siret("7328293200007A").unwrap_err().0.contains("`A`"));
        assert!(
            check_siret("35600000049838")
                .unwrap_err()
                .0
                .contains("La Poste")
        );
        // A valid Luhn over 14 digits whose SIREN is invalid.
        let bad_siren = "123456789";
        assert!(!luhn(bad_siren));
        let prefix = format!("{bad_siren}0000");
        let siret = format!("{prefix}{}", luhn_check_digit(&prefix));
        assert!(luhn(&siret));
        assert!(check_siret(&siret).unwrap_err().0.contains("SIREN"));
    }

    #[test]
    fn generated_sirets_validate() {
        for n in [0u64, 1, 42, 99_999_999] {
            let base = format!("{:08}", n % 100_000_000);
            let siren = format!("{base}{}", luhn_check_digit(&base));
            assert!(check_siren(&siren).is_ok(), "{siren}");
            let prefix = format!("{siren}0001");
            let siret = format!("{prefix}{}", luhn_check_digit(&prefix));
            assert!(check_siret(&siret).is_ok(), "{siret}");
        }
    }

    #[test]
    fn rna() {
        assert!(check_rna("W861000123").is_ok());
        assert!(check_rna("W8A1000123").is_ok());
        assert!(check_rna("W86A000123").is_err());
        assert!(check_rna("W8610001234").is_err());
        assert!(check_rna("X861000123").is_err());
        assert!(check_rna("W86a000123").is_err());
    }

    #[test]
    fn qpv() {
        for ok in [
            "QP075019", "QP086002", "QP02A001", "QN08601M", "QN02B12N", "QN97101I", "QN09599M",
        ] {
            assert!(check_qpv(ok).is_ok(), "{ok}");
        }
        for bad in [
            "QN09699M", "QN08601X", "QN02C12N", "QP07501", "QX075019", "QN00201m",
        ] {
            assert!(check_qpv(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iban_and_bic() {
        for ok in [
            "FR76 3000 6000 0112 3456 7890 189",
            "FR7630006000011234567890189",
            "DE89 3704 0044 0532 0130 00",
            "GB82 WEST 1234 5698 7654 32",
        ] {
            assert!(check_iban(ok).is_ok(), "{ok}");
        }
        for bad in [
            "FR76 3000 6000 0112 3456 7890 188",
            "FR7630006000011234567890",
            "76FR3000600001123456789018",
            "FR76 3000 6000 0112 3456 7890 18!",
        ] {
            assert!(check_iban(bad).is_err(), "{bad}");
        }
        assert_eq!(
            display_iban("fr7630006000011234567890189"),
            "FR76 3000 6000 0112 3456 7890 189"
        );
        for ok in ["BNPAFRPP", "BNPAFRPPXXX", "AGRIFRPP882"] {
            assert!(check_bic(ok).is_ok(), "{ok}");
        }
        for bad in ["BNPAFRP", "bnpafrpp", "BNP1FRPP", "BNPAFRPP12"] {
            assert!(check_bic(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn insee() {
        for ok in ["86194", "80021", "2A004", "2B033", "97411"] {
            assert!(check_insee(ok).is_ok(), "{ok}");
        }
        for bad in ["8619", "861944", "2C004", "A6194"] {
            assert!(check_insee(bad).is_err(), "{bad}");
        }
    }
}
