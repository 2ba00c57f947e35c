//! `cpo export`: funding per centre, funder and year, as CSV, JSON, the
//! SCDL "subventions" 2.1.1 CSV that décret n° 2017-779 asks funders to
//! publish as open data, or an xlsx workbook of the council's funding
//! tables.
//!
//! Every format starts from the same [`Line`]s (one per centre, funder and
//! year, amounts exact); `csv.rs` writes the two CSV dialects and `xlsx.rs`
//! the workbook. CSV, JSON and xlsx are working tables and take every
//! convention that resolves; SCDL is open data and takes only those
//! `cpo check` accepts.
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

mod csv;
mod xlsx;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::merge::Convention;
use crate::model::{Amount, Year};

pub use csv::{CsvStyle, SCDL_COLUMNS, dot_amount, field, parse_delimiter};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One row per centre, funder and year, in the given dialect.
    Csv(CsvStyle),
    Json,
    Scdl,
    /// The council's funding tables: one sheet per period.
    Xlsx,
}

/// What `cpo export` made.
pub struct Exported {
    pub bytes: Vec<u8>,
    /// Conventions left out because `cpo check` rejects them (SCDL: open
    /// data publishes only what is right), with why.
    pub rejected: Vec<(String, Vec<String>)>,
}

/// One period's conventions as an export takes them.
pub(crate) struct PeriodConventions<'c> {
    pub label: &'c str,
    pub conventions: Vec<&'c Convention>,
}

/// Export checked periods, in the order given: every resolvable
/// convention for CSV, JSON and xlsx (working tables), only the accepted
/// ones for SCDL (open data).
pub fn export(
    checked: &crate::pipeline::Checked<'_>,
    labels: &[&str],
    format: Format,
) -> anyhow::Result<Exported> {
    let mut rejected = Vec::new();
    let mut periods = Vec::new();
    for label in labels {
        let period = checked
            .period(Some(label))
            .ok_or_else(|| anyhow::anyhow!("no period {label}"))?;
        if !period.unresolved.is_empty() {
            anyhow::bail!(
                "centre(s) {} of period {label} cannot be resolved: run `cpo check`",
                period.unresolved.join(", ")
            );
        }
        let conventions = period
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
            .collect();
        periods.push(PeriodConventions {
            label: &period.label,
            conventions,
        });
    }
    let convs: Vec<&Convention> = periods
        .iter()
        .flat_map(|p| p.conventions.iter().copied())
        .collect();
    let bytes = match format {
        Format::Csv(style) => csv::csv(&lines(&convs), &style),
        Format::Json => json(&lines(&convs)).into_bytes(),
        Format::Scdl => {
            // The latest seal of each centre, per period.
            let mut seal_dates: BTreeMap<(&str, &str), String> = BTreeMap::new();
            for p in &periods {
                let Some(period) = checked.snapshot().period(Some(p.label)) else {
                    continue;
                };
                let (seals, _) = crate::seal::read(period);
                for (centre, (seal, _)) in crate::seal::latest(&seals) {
                    if let Some(c) = p.conventions.iter().find(|c| c.id == centre) {
                        seal_dates.insert((p.label, &c.id), seal.date.to_string());
                    }
                }
            }
            csv::scdl(&convs, &lines(&convs), &|c| {
                seal_dates.get(&(c.period(), c.id.as_str())).cloned()
            })
            .into_bytes()
        }
        Format::Xlsx => xlsx::workbook(&periods)?,
    };
    Ok(Exported { bytes, rejected })
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
    /// The line's convention, as an index into the slice given to [`lines`].
    #[serde(skip)]
    pub conv_index: usize,
}

/// Every funding cell of the conventions, in centre, funder, year order.
pub fn lines(convs: &[&Convention]) -> Vec<Line> {
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

pub fn json(lines: &[Line]) -> String {
    let mut s = serde_json::to_string_pretty(lines).unwrap_or_default();
    s.push('\n');
    s
}

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
