//! Rules about files and their layout: `[lints]` names, period folder
//! labels against base.toml's dates, the INSEE code of cpo.toml, and value
//! formats the schema cannot express (payment days, percentages).
//!
//! Syntax, encoding, unknown keys, wrong types and missing keys are found
//! while loading (see `model`), since a file that fails them has no typed
//! value to check.

use crate::diag::{Diagnostic, Rule, closest};
use crate::ident;
use crate::model::{Period, Snapshot};

pub fn config(snapshot: &Snapshot, diags: &mut Vec<Diagnostic>) {
    let Some(config) = &snapshot.config else {
        return;
    };
    for name in config.data.lints.keys() {
        if crate::diag::Rule::from_name(name).is_none() {
            let loc = config
                .tree
                .key_loc(&["lints", name.as_str()])
                .unwrap_or_else(|| config.tree.loc.clone());
            let d = Diagnostic::new(Rule::UnknownKey, loc, format!("no rule is named `{name}`"));
            diags.push(match closest(name, Rule::ALL.iter().map(|r| r.name())) {
                Some(c) => d.with_help(format!("did you mean `{c}`?")),
                None => d.with_help("`cpo rules` lists every rule"),
            });
        }
    }
    if let Some(insee) = &config.data.territory.insee
        && let Err(e) = ident::check_insee(insee)
    {
        let loc = config.tree.loc_of(&["territory", "insee"]);
        diags.push(Diagnostic::new(
            Rule::Insee,
            loc,
            format!("`{insee}` is not an INSEE commune code: {e}"),
        ));
    }
}

pub fn period(_snapshot: &Snapshot, period: &Period, diags: &mut Vec<Diagnostic>) {
    let Some(base) = &period.base else {
        return;
    };
    let dates = base.data.period;
    if dates.start > dates.end {
        diags.push(Diagnostic::new(
            Rule::BadPeriodLabel,
            base.tree.loc_of(&["period", "end"]),
            format!(
                "the period ends ({}) before it starts ({})",
                dates.end, dates.start
            ),
        ));
    }
    if let Some((start, end)) = period.years {
        let (ys, ye) = (i32::from(dates.start.year()), i32::from(dates.end.year()));
        if (ys, ye) != (start, end) {
            diags.push(
                Diagnostic::new(
                    Rule::BadPeriodLabel,
                    base.tree.loc_of(&["period"]),
                    format!(
                        "folder `{}` says {start}-{end} but base.toml's dates run from {} to {}",
                        period.label, dates.start, dates.end
                    ),
                )
                .with_help(format!("rename the folder `{ys}-{ye}` or fix the dates")),
            );
        }
        let years = end - start + 1;
        if years > 4 {
            diags.push(
                Diagnostic::new(
                    Rule::PeriodTooLong,
                    base.tree.loc_of(&["period"]),
                    format!("the period lasts {years} years"),
                )
                .with_help("the circulaire of 29 September 2015 recommends at most 4 years, renewal subject to evaluation"),
            );
        }
    }
    let payment = &base.data.payment;
    payment_values(
        &base.tree,
        payment.advance_percent,
        Some(&payment.advance_before),
        payment.balance_before.as_deref(),
        diags,
    );
    for centre in &period.centres {
        if let Some(data) = &centre.data
            && let Some(p) = &data.data.payment
        {
            payment_values(
                &data.tree,
                p.advance_percent.unwrap_or(0),
                p.advance_before.as_ref(),
                p.balance_before.as_deref(),
                diags,
            );
        }
    }
}

fn payment_values(
    tree: &crate::model::Node,
    percent: u8,
    advance_before: Option<&String>,
    balance_before: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    if percent > 100 {
        diags.push(Diagnostic::new(
            Rule::WrongType,
            tree.loc_of(&["payment", "advance_percent"]),
            format!("`advance_percent` is {percent}: a percentage goes from 0 to 100"),
        ));
    }
    for (key, value) in [
        ("advance_before", advance_before.map(String::as_str)),
        ("balance_before", balance_before),
    ] {
        if let Some(v) = value
            && parse_month_day(v).is_none()
        {
            diags.push(
                Diagnostic::new(
                    Rule::WrongType,
                    tree.loc_of(&["payment", key]),
                    format!("`{key}` is `{v}`, not a day of the year"),
                )
                .with_help("write it MM-DD, e.g. \"03-31\" for 31 March"),
            );
        }
    }
}

/// `"03-31"` -> (3, 31), when it is a real day of a leap year.
pub fn parse_month_day(s: &str) -> Option<(i8, i8)> {
    let (m, d) = s.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    jiff::civil::Date::new(2024, m, d).ok()?;
    Some((m, d))
}
