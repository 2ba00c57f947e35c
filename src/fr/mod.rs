//! French for documents: amounts in figures and in words, dates, and the
//! slugs that give sections and articles their ids.
//!
//! Amounts in words follow the traditional spelling used in conventions and
//! deliberations (the 1990 rectifications are not applied): hyphens only
//! between tens and units below one hundred, "et" in 21, 31, 41, 51, 61
//! and 71, "vingt" and "cent" plural only when multiplied and last (and
//! before "millions"/"milliards", which are nouns, but not before "mille",
//! which is invariable).

pub mod typography;
pub mod wording;

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// U+202F NARROW NO-BREAK SPACE, between groups of thousands.
pub const THOUSANDS_SEP: char = '\u{202F}';
/// U+00A0 NO-BREAK SPACE, before the euro sign.
pub const NBSP: char = '\u{A0}';

/// `536 055 €`, `1 234,50 €`, `-12 €`: figures grouped by thousands with a
/// narrow no-break space, cents (two digits, after a comma) only when the
/// amount is not whole, a no-break space before `€`.
pub fn euros(amount: &Decimal) -> String {
    format!("{}{NBSP}€", number(amount))
}

/// A decimal in French figures without unit: `536 055`, `1 234,5`, `12,50`
/// keeps the scale it is given once trailing zeros beyond cents are dropped.
pub fn number(amount: &Decimal) -> String {
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let whole = abs.trunc();
    let cents = ((abs - whole) * Decimal::from(100))
        .round()
        .to_u64()
        .unwrap_or(0);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(THOUSANDS_SEP);
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if cents == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{cents:02}")
    }
}

/// A figure (an indicator's value) in French: `12,5`, `1 200`, `0,75`:
/// grouped by thousands, with the decimals it has and no more.
pub fn quantity(value: &Decimal) -> String {
    let v = value.normalize();
    let negative = v.is_sign_negative() && !v.is_zero();
    let text = v.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(THOUSANDS_SEP);
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

const UNITS: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];
const TENS: [&str; 7] = [
    "",
    "dix",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

/// 0..=99. `last` says whether nothing follows (so "quatre-vingts" takes its s).
fn below_100(n: u64, last: bool) -> String {
    debug_assert!(n < 100);
    if n < 17 {
        return UNITS[n as usize].to_string();
    }
    if n < 20 {
        return format!("dix-{}", UNITS[(n - 10) as usize]);
    }
    let (t, u) = (n / 10, n % 10);
    match t {
        7 => {
            if u == 1 {
                "soixante et onze".to_string()
            } else {
                format!("soixante-{}", below_100(10 + u, last))
            }
        }
        8 => {
            if u == 0 {
                if last {
                    "quatre-vingts"
                } else {
                    "quatre-vingt"
                }
                .to_string()
            } else {
                format!("quatre-vingt-{}", UNITS[u as usize])
            }
        }
        9 => format!("quatre-vingt-{}", below_100(10 + u, last)),
        _ => match u {
            0 => TENS[t as usize].to_string(),
            1 => format!("{} et un", TENS[t as usize]),
            _ => format!("{}-{}", TENS[t as usize], UNITS[u as usize]),
        },
    }
}

/// 1..=999. `last`: nothing follows, or only "millions"/"milliards".
fn below_1000(n: u64, last: bool) -> String {
    let (h, r) = (n / 100, n % 100);
    let rest = || below_100(r, last);
    match h {
        0 => rest(),
        1 if r == 0 => "cent".to_string(),
        1 => format!("cent {}", rest()),
        _ if r == 0 => format!("{} cent{}", UNITS[h as usize], if last { "s" } else { "" }),
        _ => format!("{} cent {}", UNITS[h as usize], rest()),
    }
}

/// A whole number in French words: `nombre_en_lettres(80) == "quatre-vingts"`.
pub fn nombre_en_lettres(n: u64) -> String {
    if n == 0 {
        return "zéro".to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let milliards = n / 1_000_000_000;
    let millions = (n / 1_000_000) % 1000;
    let milliers = (n / 1000) % 1000;
    let rest = n % 1000;
    if milliards > 0 {
        let words = if milliards < 1000 {
            below_1000(milliards, true)
        } else {
            nombre_en_lettres(milliards)
        };
        parts.push(format!(
            "{words} milliard{}",
            if milliards > 1 { "s" } else { "" }
        ));
    }
    if millions > 0 {
        parts.push(format!(
            "{} million{}",
            below_1000(millions, true),
            if millions > 1 { "s" } else { "" }
        ));
    }
    if milliers > 0 {
        parts.push(if milliers == 1 {
            "mille".to_string()
        } else {
            format!("{} mille", below_1000(milliers, false))
        });
    }
    if rest > 0 {
        parts.push(below_1000(rest, true));
    }
    parts.join(" ")
}

/// Why an amount cannot be written in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordsError(pub String);

impl std::fmt::Display for WordsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WordsError {}

/// An amount in euros in words: "cinq cent trente-six mille cinquante-cinq
/// euros", "un million d'euros", "mille deux cent trente-quatre euros et
/// cinquante centimes", "cinquante centimes", "zéro euro". Fails on a
/// negative amount or one with more than two decimals.
pub fn en_lettres(amount: &Decimal) -> Result<String, WordsError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(WordsError(format!(
            "cannot write a negative amount ({amount}) in words"
        )));
    }
    if amount.normalize().scale() > 2 {
        return Err(WordsError(format!("{amount} has more than two decimals")));
    }
    let euros = amount
        .trunc()
        .to_u64()
        .ok_or_else(|| WordsError(format!("{amount} is too large")))?;
    let cents = ((amount.fract()) * Decimal::from(100))
        .to_u64()
        .unwrap_or(0);
    let cents_words = match cents {
        0 => None,
        1 => Some("un centime".to_string()),
        c => Some(format!("{} centimes", nombre_en_lettres(c))),
    };
    let euros_words = match euros {
        0 if cents_words.is_some() => None,
        0 => Some("zéro euro".to_string()),
        1 => Some("un euro".to_string()),
        n => {
            let words = nombre_en_lettres(n);
            // Million and milliard are nouns: "un million d'euros".
            let de = words.ends_with("million")
                || words.ends_with("millions")
                || words.ends_with("milliard")
                || words.ends_with("milliards");
            Some(format!("{words} {}euros", if de { "d'" } else { "" }).replace("d' ", "d'"))
        }
    };
    Ok(match (euros_words, cents_words) {
        (Some(e), Some(c)) => format!("{e} et {c}"),
        (Some(e), None) => e,
        (None, Some(c)) => c,
        (None, None) => "zéro euro".to_string(),
    })
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "5 décembre 2016", "1er janvier 2022".
pub fn date_fr(date: Date) -> String {
    format!("{} {}", month_day_fr(date.month(), date.day()), date.year())
}

/// "31 mars", "1er janvier": a day of the year without the year.
pub fn month_day_fr(month: i8, day: i8) -> String {
    let month = MONTHS
        .get((month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("?");
    if day == 1 {
        format!("1er {month}")
    } else {
        format!("{day} {month}")
    }
}

/// Fold one character to ASCII: accents dropped, ligatures spelled out.
fn fold(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    }
}

/// Elided words dropped from slugs: `Plan d'action` -> `plan-action`.
const ELISIONS: [&str; 9] = ["d", "l", "j", "m", "n", "s", "t", "c", "qu"];

/// The id of a heading: accents folded, lowercase, words joined by `-`,
/// elided words (d', l', qu'...) dropped, full words kept.
/// `Plan d'action` -> `plan-action`; `Contrôle de l'administration` ->
/// `controle-de-administration`.
pub fn slug(title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in title.chars() {
        if c == '\'' || c == '’' {
            if ELISIONS.contains(&word.as_str()) {
                word.clear();
            } else {
                flush(&mut word, &mut words);
            }
        } else if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if !fold(c).is_empty() {
            word.push_str(fold(c));
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut words);
        }
    }
    flush(&mut word, &mut words);
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn euros_in_figures() {
        assert_eq!(euros(&d("536055")), "536\u{202F}055\u{A0}€");
        assert_eq!(euros(&d("1234.5")), "1\u{202F}234,50\u{A0}€");
        assert_eq!(euros(&d("12")), "12\u{A0}€");
        assert_eq!(euros(&d("1000000.00")), "1\u{202F}000\u{202F}000\u{A0}€");
        assert_eq!(euros(&d("-12")), "-12\u{A0}€");
        assert_eq!(euros(&d("0.5")), "0,50\u{A0}€");
    }

    #[test]
    fn numbers_in_words() {
        let cases: &[(u64, &str)] = &[
            (0, "zéro"),
            (1, "un"),
            (16, "seize"),
            (17, "dix-sept"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (77, "soixante-dix-sept"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (91, "quatre-vingt-onze"),
            (99, "quatre-vingt-dix-neuf"),
            (100, "cent"),
            (101, "cent un"),
            (180, "cent quatre-vingts"),
            (200, "deux cents"),
            (201, "deux cent un"),
            (280, "deux cent quatre-vingts"),
            (1_000, "mille"),
            (1_001, "mille un"),
            (2_000, "deux mille"),
            (21_000, "vingt et un mille"),
            (80_000, "quatre-vingt mille"),
            (200_000, "deux cent mille"),
            (1_000_000, "un million"),
            (2_000_000, "deux millions"),
            (80_000_000, "quatre-vingts millions"),
            (200_000_000, "deux cents millions"),
            (1_200_000, "un million deux cent mille"),
            (21_000_021, "vingt et un millions vingt et un"),
            (2_000_000_000, "deux milliards"),
        ];
        for (n, words) in cases {
            assert_eq!(nombre_en_lettres(*n), *words, "{n}");
        }
    }

    #[test]
    fn amounts_in_words() {
        let cases: &[(&str, &str)] = &[
            ("0", "zéro euro"),
            ("1", "un euro"),
            ("2", "deux euros"),
            ("80", "quatre-vingts euros"),
            ("536055", "cinq cent trente-six mille cinquante-cinq euros"),
            ("1000000", "un million d'euros"),
            ("2000000", "deux millions d'euros"),
            ("1200000", "un million deux cent mille euros"),
            ("0.01", "un centime"),
            ("0.50", "cinquante centimes"),
            (
                "1234.50",
                "mille deux cent trente-quatre euros et cinquante centimes",
            ),
            ("80.80", "quatre-vingts euros et quatre-vingts centimes"),
            ("1.01", "un euro et un centime"),
        ];
        for (n, words) in cases {
            assert_eq!(en_lettres(&d(n)).unwrap(), *words, "{n}");
        }
        assert!(en_lettres(&d("-1")).is_err());
        assert!(en_lettres(&d("1.005")).is_err());
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity(&d("12.50")), "12,5");
        assert_eq!(quantity(&d("1200")), "1\u{202F}200");
        assert_eq!(quantity(&d("0.75")), "0,75");
    }

    #[test]
    fn dates() {
        assert_eq!(date_fr(jiff::civil::date(2016, 12, 5)), "5 décembre 2016");
        assert_eq!(date_fr(jiff::civil::date(2022, 1, 1)), "1er janvier 2022");
        assert_eq!(month_day_fr(3, 31), "31 mars");
    }

    #[test]
    fn slugs() {
        let cases = [
            ("Plan d'action", "plan-action"),
            ("Diagnostic du territoire", "diagnostic-du-territoire"),
            ("Évaluation", "evaluation"),
            ("Modalités de versement", "modalites-de-versement"),
            ("L’objet de l'accord", "objet-de-accord"),
            ("Contrôle de l'administration", "controle-de-administration"),
            ("Projet de la structure", "projet-de-la-structure"),
            ("  Œuvres & cœur -- 2022 ", "oeuvres-coeur-2022"),
        ];
        for (title, slug_) in cases {
            assert_eq!(slug(title), slug_, "{title}");
        }
    }
}
