//! Rules about files and their layout: `[lints]` names, period folder
//! labels against base.toml's dates, the INSEE code of cpo.toml, the
//! annex files, and value ranges the schema cannot express (percentages).
//!
//! Syntax, encoding, unknown keys, wrong types, missing keys, special files
//! and sizes are found while loading (see `model`), since a file that fails
//! them has no typed value to check.

use super::PeriodCx;
use crate::diag::{Diagnostic, Level, Loc, Rule, Severity, closest};
use crate::ident;
use crate::model::{AnnexFile, Node, Period, Snapshot};

pub fn config(snapshot: &Snapshot, diags: &mut Vec<Diagnostic>) {
    let Some(config) = &snapshot.config else {
        return;
    };
    for (name, level) in &config.data.lints {
        let loc = config
            .tree
            .key_loc(&["lints", name.as_str()])
            .unwrap_or_else(|| config.tree.loc.clone());
        match Rule::from_name(name) {
            None => {
                let d =
                    Diagnostic::new(Rule::UnknownKey, loc, format!("no rule is named `{name}`"));
                diags.push(match closest(name, Rule::ALL.iter().map(|r| r.name())) {
                    Some(c) => d.with_help(format!("did you mean `{c}`?")),
                    None => d.with_help("`cpo rules` lists every rule"),
                });
            }
            Some(rule) if rule.is_fixed() && *level != Level::Deny => diags.push(
                Diagnostic::new(
                    Rule::WrongType,
                    loc,
                    format!("`{name}` cannot be lowered: it is always an error"),
                )
                .with_help("a signed convention that changed must be amended, not silenced"),
            ),
            Some(_) => {}
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

pub fn period(period: &Period, diags: &mut Vec<Diagnostic>) {
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
    let (ys, ye) = (dates.first_year(), dates.last_year());
    if let Some((start, end)) = period.years
        && (ys, ye) != (start, end)
    {
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
    if dates.start <= dates.end {
        let years = i64::from(ye) - i64::from(ys) + 1;
        if years > 4 {
            let mut d = Diagnostic::new(
                Rule::PeriodTooLong,
                base.tree.loc_of(&["period"]),
                format!("the period lasts {years} years"),
            )
            .with_help("the circulaire of 29 September 2015 recommends at most 4 years, renewal subject to evaluation");
            if !dates.is_usable() {
                d = Diagnostic::new(
                    Rule::BadPeriodLabel,
                    base.tree.loc_of(&["period"]),
                    format!(
                        "the period lasts {years} years: cpo resolves conventions over at most {} years",
                        crate::model::base::PeriodDates::MAX_YEARS
                    ),
                );
            }
            diags.push(d);
        }
    }
    percent(&base.tree, &["payment", "advance_percent"], diags);
    for (i, _) in base.data.signatories.iter().enumerate() {
        percent(
            &base.tree,
            &["signatories", &i.to_string(), "payment", "advance_percent"],
            diags,
        );
    }
    for funder in base.data.payment.funders.keys() {
        percent(
            &base.tree,
            &["payment", "funders", funder, "advance_percent"],
            diags,
        );
    }
    for centre in &period.centres {
        if let Some(data) = &centre.data {
            percent(&data.tree, &["payment", "advance_percent"], diags);
            if let Some(p) = &data.data.payment {
                for funder in p.funders.keys() {
                    percent(
                        &data.tree,
                        &["payment", "funders", funder, "advance_percent"],
                        diags,
                    );
                }
            }
        }
    }
}

/// `todo`: what is left to fill in, as the loader found it in one file's
/// values (base.toml, a centre's TOML: empty strings and placeholders,
/// also where a number or a date belongs; the centres' are reported
/// with the centre, in parallel) and in the text of its Markdown (base.md,
/// a centre's). A warning while a convention is drafted; an error in a
/// centre's files once it is `ready` or `signed`, since the placeholder
/// would print in the document people sign.
pub fn todos(values: &[Loc], text: &[Loc], severity: Severity, diags: &mut Vec<Diagnostic>) {
    for loc in values {
        diags.push(
            Diagnostic::new(Rule::Todo, loc.clone(), "this value is still to fill in")
                .with_severity(severity)
                .with_help(
                    "write the real value in place of the placeholder or the empty text (or remove an optional key)",
                ),
        );
    }
    for loc in text {
        diags.push(
            Diagnostic::new(Rule::Todo, loc.clone(), "this text is still to fill in")
                .with_severity(severity)
                .with_help("write what the convention should say in place of the placeholder"),
        );
    }
}

/// A percentage goes from 0 to 100.
fn percent(tree: &Node, path: &[&str], diags: &mut Vec<Diagnostic>) {
    if let Some(node) = tree.path(path)
        && let crate::model::node::Value::Integer(v) = node.value
        && !(0..=100).contains(&v)
    {
        diags.push(Diagnostic::new(
            Rule::WrongType,
            node.loc.clone(),
            format!("`advance_percent` is {v}: a percentage goes from 0 to 100"),
        ));
    }
}

/// `annex-missing`: every annex named by base.toml or a centre file is a
/// readable `.md` or `.pdf` file of the period.
pub fn annexes(cx: &PeriodCx<'_>, diags: &mut Vec<Diagnostic>) {
    let period = cx.period;
    let mut named: Vec<(&str, Loc)> = Vec::new();
    if let Some(base) = &period.base {
        for (i, a) in base.data.annexes.iter().enumerate() {
            named.push((
                &a.file,
                base.tree.loc_of(&["annexes", &i.to_string(), "file"]),
            ));
        }
    }
    for c in &period.centres {
        if let Some(d) = &c.data {
            for (i, a) in d.data.annexes.iter().enumerate() {
                if let Some(file) = &a.file {
                    named.push((file, d.tree.loc_of(&["annexes", &i.to_string(), "file"])));
                }
            }
        }
    }
    for (file, loc) in named {
        if let Some(AnnexFile::Unusable(why)) = period.annexes.get(file) {
            diags.push(
                Diagnostic::new(
                    Rule::AnnexMissing,
                    loc,
                    format!("annex `{file}` cannot be used: {why}"),
                )
                .with_help(format!(
                    "annex files are .md or .pdf files, relative to the period folder `{}`",
                    period.dir
                )),
            );
        }
    }
}
