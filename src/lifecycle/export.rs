//! `cpo export`: funding per centre, funder and year, as CSV, JSON, or the
//! SCDL "subventions" 2.1.1 CSV that décret n° 2017-779 asks funders to
//! publish as open data.
//!
//! SCDL choices (the schema leaves them to the publisher):
//! - one row per funder, centre and year; `montant` is that year's amount;
//! - `dateConvention`: the date of the centre's latest seal when it is
//!   sealed, else the first day of the period;
//! - `conditionsVersement`: `échelonné` when the payment terms pay an advance
//!   of less than 100 %, else `unique`; `datesPeriodeVersement` the year;
//! - `pourcentageSubvention`: the funder's share of the centre's total
//!   produits for that year (subsidies included) from the budget
//!   prévisionnel, else of all funding that year; rounded to two decimals
//!   and kept within 0.01..1 as the schema requires;
//! - `rnaBeneficiaire` only when it has the SCDL form `W` + 9 digits.

use std::fmt::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::merge::Convention;
use crate::model::{Amount, Year};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Scdl,
}

/// What `cpo export` made.
pub struct Exported {
    pub bytes: Vec<u8>,
    /// Conventions left out because `cpo check` rejects them (SCDL: open
    /// data publishes only what is right), with why.
    pub rejected: Vec<(String, Vec<String>)>,
}

/// Export a checked period: every resolvable convention for CSV and JSON
/// (working tables), only the accepted ones for SCDL (open data).
pub fn export(
    checked: &crate::pipeline::Checked<'_>,
    label: &str,
    format: Format,
) -> anyhow::Result<Exported> {
    let period = checked
        .period(Some(label))
        .ok_or_else(|| anyhow::anyhow!("no period {label}"))?;
    if !period.unresolved.is_empty() {
        anyhow::bail!(
            "centre(s) {} cannot be resolved: run `cpo check`",
            period.unresolved.join(", ")
        );
    }
    let mut rejected = Vec::new();
    let convs: Vec<Convention> = period
        .conventions
        .iter()
        .filter(|c| {
            if format != Format::Scdl {
                return true;
            }
            match checked.verdict(c) {
                crate::pipeline::Verdict::Accepted => true,
                crate::pipeline::Verdict::Rejected(reasons) => {
                    rejected.push((c.id.clone(), reasons));
                    false
                }
            }
        })
        .cloned()
        .collect();
    let lines = lines(&convs);
    let text = match format {
        Format::Csv => csv(&lines),
        Format::Json => json(&lines),
        Format::Scdl => {
            let snapshot_period = checked.snapshot().period(Some(label));
            let seals = snapshot_period
                .map(crate::seal::read)
                .map(|(s, _)| s)
                .unwrap_or_default();
            let latest = crate::seal::latest(&seals);
            scdl(&convs, &lines, &|c| {
                latest.get(c.id.as_str()).map(|(s, _)| s.date.to_string())
            })
        }
    };
    Ok(Exported {
        bytes: text.into_bytes(),
        rejected,
    })
}

/// One exported line: a funder's funding of a centre for a year.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub period: String,
    pub centre: String,
    pub centre_name: String,
    pub funder: String,
    pub funder_name: String,
    pub funder_siret: String,
    pub year: Year,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub amount: Decimal,
    #[serde(skip)]
    pub conv_index: usize,
}

/// Every funding cell of the conventions, in centre, funder, year order.
pub fn lines(convs: &[Convention]) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, conv) in convs.iter().enumerate() {
        for (funder, years) in &conv.data.funding {
            let signatory = conv.data.signatory(funder);
            for (year, amount) in years {
                out.push(Line {
                    period: conv.period().to_string(),
                    centre: conv.id.clone(),
                    centre_name: conv.data.name.clone(),
                    funder: funder.clone(),
                    funder_name: signatory.map_or_else(|| funder.clone(), |s| s.name.clone()),
                    funder_siret: signatory.map(|s| s.siret.clone()).unwrap_or_default(),
                    year: *year,
                    amount: amount.0,
                    conv_index: i,
                });
            }
        }
    }
    out
}

/// A CSV field, quoted when needed (RFC 4180).
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

pub fn csv(lines: &[Line]) -> String {
    let mut out =
        String::from("period,centre,centre_name,funder,funder_name,funder_siret,year,amount\r\n");
    for l in lines {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{}\r\n",
            field(&l.period),
            field(&l.centre),
            field(&l.centre_name),
            field(&l.funder),
            field(&l.funder_name),
            field(&l.funder_siret),
            l.year,
            dot_amount(l.amount)
        );
    }
    out
}

pub fn json(lines: &[Line]) -> String {
    let mut s = serde_json::to_string_pretty(lines).unwrap_or_default();
    s.push('\n');
    s
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

/// The funder's share of what the centre receives that year, 0.01..1.
fn share(conv: &Convention, year: Year, amount: Decimal) -> Decimal {
    let data = &conv.data;
    let total = match data.budget.get(&year) {
        Some(b) => {
            Amount::total(
                b.produits
                    .iter()
                    .filter(|(acc, _)| **acc != crate::model::budget::IN_KIND_PRODUCT)
                    .map(|(_, a)| a),
            )
            .plus(Amount::total(b.subsidies.values()))
            .0
        }
        None => data.funding_for_year(year).0,
    };
    let raw = amount.checked_div(total).unwrap_or(Decimal::ONE);
    crate::model::types::round_cents(raw).clamp(Decimal::new(1, 2), Decimal::ONE)
}

/// The SCDL subventions 2.1.1 CSV. `seal_date(centre)` gives the date of a
/// centre's seal when it has one.
pub fn scdl(
    convs: &[Convention],
    lines: &[Line],
    seal_date: &dyn Fn(&Convention) -> Option<String>,
) -> String {
    let mut out = SCDL_COLUMNS.join(",");
    out.push_str("\r\n");
    for l in lines {
        let conv = &convs[l.conv_index];
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
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
