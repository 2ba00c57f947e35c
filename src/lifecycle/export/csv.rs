//! The two CSV dialects of `cpo export`.
//!
//! `--format csv` is a working table, so its dialect is the reader's
//! choice ([`CsvStyle`]): a comma and a decimal dot by default, which
//! programs read; a semicolon, a byte order mark and a decimal comma for a
//! spreadsheet in French, which splits on `;`, takes a file without a BOM
//! for Windows-1252 (« Ã© » for « é »), and reads `125000.50` as text (or
//! `1.5` as a date) because its decimal separator is the comma.
//!
//! SCDL is a published schema, so its dialect is fixed: comma, dot,
//! no BOM, CRLF.

use std::borrow::Cow;
use std::fmt::Write;

use rust_decimal::Decimal;

use super::{Line, share};
use crate::merge::Convention;

/// How `--format csv` writes its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// The field separator: an ASCII character other than `"`, CR, LF or
    /// another control character than tab (see [`parse_delimiter`]).
    pub delimiter: u8,
    /// Begin with a UTF-8 byte order mark, by which Excel knows the file
    /// is UTF-8.
    pub bom: bool,
    /// Write amounts with a decimal comma (`125000,50`).
    pub decimal_comma: bool,
}

impl Default for CsvStyle {
    fn default() -> Self {
        CsvStyle {
            delimiter: b',',
            bom: false,
            decimal_comma: false,
        }
    }
}

impl CsvStyle {
    /// A field, quoted when it holds the delimiter, a quote or a line
    /// break (RFC 4180, with this style's delimiter for the comma).
    pub fn field<'s>(&self, s: &'s str) -> Cow<'s, str> {
        let delimiter = char::from(self.delimiter);
        if s.contains([delimiter, '"', '\n', '\r']) {
            Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
        } else {
            Cow::Borrowed(s)
        }
    }

    /// An amount, without thousands separator, with this style's decimal
    /// separator.
    pub fn amount(&self, d: Decimal) -> String {
        let dot = dot_amount(d);
        if self.decimal_comma {
            dot.replace('.', ",")
        } else {
            dot
        }
    }
}

/// Read `--delimiter`: one ASCII character, or `tab` (or `\t`) for a tab.
/// A quote, CR, LF and other control characters are refused: they would
/// make the quoting ambiguous or the file unreadable.
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    if s == "tab" || s == "\\t" {
        return Ok(b'\t');
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some('"'), None) => Err("`\"` quotes fields: it cannot separate them".into()),
        (Some(c), None) if c.is_ascii() && (c == '\t' || !c.is_ascii_control()) => Ok(c as u8),
        _ => Err(format!(
            "`{}` is not one printable ASCII character (`;`, `,`, `|`, or `tab`)",
            s.escape_debug()
        )),
    }
}

/// The `--format csv` table: a header, then one row per [`Line`], CRLF.
pub fn csv(lines: &[Line], style: &CsvStyle) -> Vec<u8> {
    const HEADER: [&str; 8] = [
        "period",
        "centre",
        "centre_name",
        "funder",
        "funder_name",
        "funder_siret",
        "year",
        "amount",
    ];
    let sep = char::from(style.delimiter).to_string();
    let mut out = String::new();
    if style.bom {
        out.push('\u{FEFF}');
    }
    let header: Vec<Cow<str>> = HEADER.iter().map(|h| style.field(h)).collect();
    out.push_str(&header.join(&sep));
    out.push_str("\r\n");
    for l in lines {
        let year = l.year.to_string();
        let amount = style.amount(l.amount);
        let row = [
            style.field(&l.period),
            style.field(&l.centre),
            style.field(&l.centre_name),
            style.field(&l.funder),
            style.field(&l.funder_name),
            style.field(&l.funder_siret),
            style.field(&year),
            style.field(&amount),
        ];
        out.push_str(&row.join(&sep));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// An SCDL field, quoted when needed (RFC 4180; a `;` is quoted too, for
/// readers that guess the delimiter).
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// An amount with a dot and no thousands separator (`125000.50`).
pub fn dot_amount(d: Decimal) -> String {
    let d = d.round_dp(2).normalize();
    if d.scale() == 0 {
        d.to_string()
    } else {
        format!("{:.2}", d)
    }
}

/// The columns of SCDL subventions 2.1.1, in order.
pub const SCDL_COLUMNS: [&str; 16] = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
];

/// The SCDL subventions 2.1.1 CSV of `lines`, whose `conv_index` points
/// into `convs`. `seal_date(centre)` gives the date of a centre's seal
/// when it has one.
pub fn scdl(
    convs: &[&Convention],
    lines: &[Line],
    seal_date: &dyn Fn(&Convention) -> Option<String>,
) -> String {
    let mut out = SCDL_COLUMNS.join(",");
    out.push_str("\r\n");
    for l in lines {
        let conv = convs[l.conv_index];
        let data = &conv.data;
        let date = seal_date(conv).unwrap_or_else(|| data.period.start.to_string());
        let rna = data
            .association
            .rna
            .clone()
            .filter(|r| {
                r.len() == 10 && r.starts_with('W') && r[1..].bytes().all(|b| b.is_ascii_digit())
            })
            .unwrap_or_default();
        let mut objet = format!(
            "{} {} – {} (année {})",
            data.title,
            conv.period(),
            data.name,
            l.year
        );
        if objet.chars().count() > 255 {
            objet = objet.chars().take(255).collect();
        }
        let versement = if data.payment.advance_percent < 100 {
            "échelonné"
        } else {
            "unique"
        };
        let row = [
            field(&l.funder_name),
            field(&l.funder_siret),
            date,
            String::new(),
            field(&data.association.legal_name),
            field(&data.association.siret),
            rna,
            field(&objet),
            dot_amount(l.amount),
            "aide en numéraire".to_string(),
            versement.to_string(),
            format!("{}-01-01/{}-12-31", l.year, l.year),
            String::new(),
            "non".to_string(),
            share(conv, l.year, l.amount).to_string(),
            field(&format!("{} {}", data.title, conv.period())),
        ];
        let _ = write!(out, "{}\r\n", row.join(","));
    }
    out
}
