//! `cpo check`: run every rule of the catalogue over a snapshot.
//!
//! Loading already reported what stops a file from being read (syntax,
//! encoding, unknown keys, wrong types). Here the readable files are checked
//! against the base and the domain's rules, family by family, one module per
//! family. Nothing stops at the first finding: a centre that cannot be
//! resolved is skipped by the rules that need it, the others run.

pub mod catalogue;
mod files;
mod identity;
pub mod money;
mod objectives;
pub mod text;

pub use files::parse_month_day;

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Lints, Loc, Rule};
use crate::merge::{self, Convention};
use crate::model::{Period, Snapshot};

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this period (default: all).
    pub period: Option<String>,
    /// Only these centres (default: all).
    pub centres: Vec<String>,
    /// `--deny warnings`.
    pub deny_warnings: bool,
}

/// A hook for rules that need more than the model (templates, seals): the
/// render and seal stages plug their checks in here, so `check` does not
/// depend on them.
pub trait Extra {
    fn check_period(&self, snapshot: &Snapshot, period: &Period, diags: &mut Vec<Diagnostic>);
    fn check_convention(&self, snapshot: &Snapshot, conv: &Convention, diags: &mut Vec<Diagnostic>);
}

/// Everything `check` found, severities not yet applied (see [`lints`]).
pub fn run(snapshot: &Snapshot, options: &Options, extra: &[&dyn Extra]) -> Vec<Diagnostic> {
    let mut diags = snapshot.diagnostics.clone();
    files::config(snapshot, &mut diags);
    for period in &snapshot.periods {
        if options.period.as_ref().is_some_and(|p| *p != period.label) {
            continue;
        }
        check_period(snapshot, period, options, extra, &mut diags);
    }
    // Loading reports problems of every file; keep those of the selected
    // period and centres (files outside periods, like cpo.toml, always count).
    let periods = format!("{}/", crate::model::PERIODS_DIR);
    let in_scope = |path: &str| {
        let Some(rest) = path.strip_prefix(&periods) else {
            return true;
        };
        let (label, inner) = rest.split_once('/').unwrap_or((rest, ""));
        if options.period.as_ref().is_some_and(|p| p != label) {
            return false;
        }
        match inner.strip_prefix("centres/") {
            Some(file) if !options.centres.is_empty() => {
                let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
                options.centres.iter().any(|c| c == stem)
            }
            _ => true,
        }
    };
    diags.retain(|d| in_scope(&snapshot.sources.get(d.loc.file).path));
    diags
}

fn check_period(
    snapshot: &Snapshot,
    period: &Period,
    options: &Options,
    extra: &[&dyn Extra],
    diags: &mut Vec<Diagnostic>,
) {
    files::period(snapshot, period, diags);
    identity::base(period, diags);
    text::base(period, diags);
    for e in extra {
        e.check_period(snapshot, period, diags);
    }
    let mut convs = Vec::new();
    for centre in &period.centres {
        if !options.centres.is_empty() && !options.centres.contains(&centre.id) {
            continue;
        }
        if let (Some(base), Some(doc)) = (&period.base, &centre.text) {
            text::centre(&base.data, doc, diags);
        }
        if let Some(conv) = merge::convention(snapshot, period, &centre.id, diags) {
            identity::centre(&conv, diags);
            money::centre(&conv, diags);
            objectives::centre(&conv, diags);
            for e in extra {
                e.check_convention(snapshot, &conv, diags);
            }
            convs.push(conv);
        }
    }
    identity::across_centres(&convs, diags);
    crate::seal::check(period, &convs, &options.centres, diags);
}

/// The severity policy of a snapshot: `[lints]` of cpo.toml (unknown rule
/// names there are reported by `files::config`) and `--deny warnings`.
pub fn lints(snapshot: &Snapshot, deny_warnings: bool) -> Lints {
    let mut lints = Lints::default();
    lints.deny_warnings = deny_warnings;
    if let Some(config) = &snapshot.config {
        for (name, level) in &config.data.lints {
            if let Some(rule) = Rule::from_name(name) {
                lints.set(rule, *level);
            }
        }
    }
    lints
}

/// Run the checks and apply the severity policy: the final findings.
pub fn check(snapshot: &Snapshot, options: &Options, extra: &[&dyn Extra]) -> Vec<Diagnostic> {
    let raw = run(snapshot, options, extra);
    lints(snapshot, options.deny_warnings).apply(&snapshot.sources, raw)
}

/// Report ids that appear more than once, at each repetition.
pub(crate) fn duplicates<'a>(
    items: impl IntoIterator<Item = (&'a str, Loc)>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen = BTreeSet::new();
    for (id, loc) in items {
        if !seen.insert(id) {
            diags.push(Diagnostic::new(
                Rule::DuplicateId,
                loc,
                format!("{what} `{id}` is defined more than once"),
            ));
        }
    }
}
