//! `cpo check`: run every rule of the catalogue over a snapshot.
//!
//! Loading already reported what stops a file from being read (syntax,
//! encoding, unknown keys, wrong types). Here the readable files are checked
//! against the base and the domain's rules, family by family, one module per
//! family, and every centre is resolved into its convention — once: the
//! conventions come out of the check with its findings ([`Outcome`]), and
//! the later stages (render, diff, export, seal) consume them instead of
//! resolving again. Nothing stops at the first finding: a centre that cannot
//! be resolved is skipped by the rules that need it, the others run.
//!
//! Centres are independent, so they are checked in parallel. Rules that
//! need more than the model (templates, links, seals) come from other
//! stages through [`RuleSource`], so `check` depends on none of them.

pub(crate) mod files;
mod identity;
mod money;
mod objectives;
mod parties;
mod text;

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Lints, Loc, Rule, Severity};
use crate::merge::{self, Convention, Shared};
use crate::model::{Period, Snapshot};
use crate::repo::FileKind;

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this period (default: all).
    pub period: Option<String>,
    /// Only these centres (default: all).
    pub centres: Vec<String>,
    /// `--deny warnings`.
    pub deny_warnings: bool,
    /// Only the findings are wanted (`cpo check`, CI): each convention is
    /// dropped once its own rules have run, unless a rule across
    /// conventions needs it ([`RuleSource::needs`]), so the memory a check
    /// takes does not grow with resolved conventions. `CheckedPeriod`'s
    /// `conventions` then holds only those.
    pub findings_only: bool,
}

/// One period as the check leaves it.
#[derive(Debug)]
pub struct CheckedPeriod {
    pub label: String,
    /// What its conventions share; `None` when its base files are unusable.
    pub shared: Option<Arc<Shared>>,
    /// Every selected centre that resolves, in id order.
    pub conventions: Vec<Convention>,
    /// Selected centres that do not resolve (their findings say why).
    pub unresolved: Vec<String>,
}

/// What `check` found and resolved.
#[derive(Debug)]
pub struct Outcome {
    /// The findings, severities final, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked periods, in time order.
    pub periods: Vec<CheckedPeriod>,
}

/// A period and what its conventions share, for rule sources.
pub struct PeriodCx<'a> {
    pub snapshot: &'a Snapshot,
    pub period: &'a Period,
    pub shared: Option<&'a Arc<Shared>>,
    /// Whether a centre of the period is signed: its base then changes
    /// only with an avenant.
    pub any_signed: bool,
}

/// Rules that come with another stage (rendering: templates and links;
/// seals), plugged into the check. Each hook may push findings; state
/// kept between hooks must be thread-safe, since centres are checked in
/// parallel.
pub trait RuleSource: Sync {
    /// Once per run.
    fn snapshot(&self, _snapshot: &Snapshot, _out: &mut Vec<Diagnostic>) {}
    /// Once per checked period, before its centres.
    fn period(&self, _cx: &PeriodCx<'_>, _out: &mut Vec<Diagnostic>) {}
    /// Once per resolved convention.
    fn convention(&self, _cx: &PeriodCx<'_>, _conv: &Convention, _out: &mut Vec<Diagnostic>) {}
    /// Once per resolved convention, for a rule whose work runs on another
    /// thread (base.md renders on a template worker): the work is started
    /// here, and what it found is collected by the returned [`Later`] once
    /// the other centres of the same batch are checked, so that the other
    /// thread takes a batch's work in one go instead of waking up, and
    /// waking this thread, for each centre.
    fn convention_later<'s>(&'s self, _cx: &PeriodCx<'_>, _conv: &Convention) -> Option<Later<'s>> {
        None
    }
    /// Once per period, with all its resolved conventions (with
    /// [`Options::findings_only`], those this source [`needs`](Self::needs)).
    fn conventions(&self, _cx: &PeriodCx<'_>, _convs: &[Convention], _out: &mut Vec<Diagnostic>) {}
    /// Whether [`conventions`](Self::conventions) needs this convention.
    fn needs(&self, _cx: &PeriodCx<'_>, _conv: &Convention) -> bool {
        false
    }
}

/// The end of a rule's work on a convention ([`RuleSource::convention_later`]):
/// waits for it and pushes its findings.
pub type Later<'s> = Box<dyn FnOnce(&mut Vec<Diagnostic>) + 's>;

/// At most how many centres one thread checks before collecting their
/// [`Later`] findings.
const BATCH: usize = 16;

/// The batch for `n` centres: at most [`BATCH`], and small enough that
/// every thread gets several (a period of 40 centres in batches of 16
/// would leave one core idle for a third of the time).
fn batch(n: usize) -> usize {
    (n / (4 * rayon::current_num_threads())).clamp(1, BATCH)
}

/// The severity of what a convention still lacks to be signed (a
/// habilitation, a placeholder left to fill in): a warning while it is
/// drafted, an error once it is ready to sign or signed.
pub(crate) fn until_signing(status: crate::model::centre::Status) -> Severity {
    use crate::model::centre::Status;
    match status {
        Status::Draft => Severity::Warning,
        Status::Ready | Status::Signed => Severity::Error,
    }
}

/// Check a snapshot: every finding (severities from `[lints]` and
/// `--deny warnings`), and the conventions resolved on the way.
pub fn check(snapshot: &Snapshot, options: &Options, sources: &[&dyn RuleSource]) -> Outcome {
    let mut diags = snapshot.diagnostics.clone();
    files::config(snapshot, &mut diags);
    for s in sources {
        s.snapshot(snapshot, &mut diags);
    }
    let mut periods = Vec::new();
    for period in &snapshot.periods {
        if options.period.as_ref().is_some_and(|p| *p != period.label) {
            continue;
        }
        periods.push(check_period(snapshot, period, options, sources, &mut diags));
    }
    // Loading reports problems of every file; keep those of the selected
    // period and centres (files outside periods, like cpo.toml, always count).
    diags.retain(|d| in_scope(options, &snapshot.sources.get(d.loc.file).path));
    Outcome {
        diagnostics: lints(snapshot, options.deny_warnings).apply(&snapshot.sources, diags),
        periods,
    }
}

fn in_scope(options: &Options, path: &str) -> bool {
    let kind = FileKind::of(path);
    if let Some(p) = kind.period()
        && options.period.as_ref().is_some_and(|want| want != p)
    {
        return false;
    }
    match kind.centre() {
        Some(id) if !options.centres.is_empty() => options.centres.iter().any(|c| c == id),
        _ => true,
    }
}

fn check_period(
    snapshot: &Snapshot,
    period: &Period,
    options: &Options,
    sources: &[&dyn RuleSource],
    diags: &mut Vec<Diagnostic>,
) -> CheckedPeriod {
    files::period(period, diags);
    // The base files print in every convention of the period: what is left
    // to fill in there is an error once one of them is ready to sign.
    let statuses = || {
        period
            .centres
            .iter()
            .filter_map(|c| c.data.as_ref())
            .map(|d| d.data.status)
    };
    let base_severity = statuses()
        .map(until_signing)
        .max()
        .unwrap_or(Severity::Warning);
    let any_signed = statuses().any(|s| s == crate::model::centre::Status::Signed);
    if let Some(base) = &period.base {
        files::todos(&base.todos, &[], base_severity, diags);
    }
    if let Some(doc) = &period.base_text {
        files::todos(&[], &doc.text.placeholders, base_severity, diags);
    }
    identity::base(period, diags);
    text::base(period, diags);
    let shared = Shared::of(snapshot, period);
    let cx = PeriodCx {
        snapshot,
        period,
        shared: shared.as_ref(),
        any_signed,
    };
    files::annexes(&cx, diags);
    for s in sources {
        s.period(&cx, diags);
    }
    let selected: Vec<&crate::model::Centre> = period
        .centres
        .iter()
        .filter(|c| options.centres.is_empty() || options.centres.contains(&c.id))
        .collect();
    type Checked = (
        Option<Convention>,
        Option<identity::CentreSiret>,
        Vec<Diagnostic>,
    );
    let results: Vec<Checked> = selected
        .par_chunks(batch(selected.len()))
        .flat_map_iter(|batch| {
            let mut checked: Vec<Checked> = Vec::with_capacity(batch.len());
            let mut later = Vec::new();
            for centre in batch {
                let mut out = Vec::new();
                let conv = check_centre(&cx, centre, sources, &mut out);
                if let Some(conv) = &conv {
                    later.extend(
                        sources
                            .iter()
                            .filter_map(|s| s.convention_later(&cx, conv))
                            .map(|l| (checked.len(), l)),
                    );
                }
                let siret = conv.as_ref().map(identity::CentreSiret::of);
                let conv = conv
                    .filter(|c| !options.findings_only || sources.iter().any(|s| s.needs(&cx, c)));
                checked.push((conv, siret, out));
            }
            for (i, finish) in later {
                finish(&mut checked[i].2);
            }
            checked
        })
        .collect();
    let mut conventions = Vec::new();
    let mut sirets = Vec::new();
    let mut unresolved = Vec::new();
    for (centre, (conv, siret, out)) in selected.iter().zip(results) {
        diags.extend(out);
        match siret {
            Some(s) => sirets.push(s),
            None => unresolved.push(centre.id.clone()),
        }
        conventions.extend(conv);
    }
    identity::across_centres(&sirets, diags);
    for s in sources {
        s.conventions(&cx, &conventions, diags);
    }
    CheckedPeriod {
        label: period.label.clone(),
        shared,
        conventions,
        unresolved,
    }
}

/// Every rule about one centre; its convention when it resolves.
fn check_centre(
    cx: &PeriodCx<'_>,
    centre: &crate::model::Centre,
    sources: &[&dyn RuleSource],
    out: &mut Vec<Diagnostic>,
) -> Option<Convention> {
    // A centre whose TOML does not read is taken as a draft here: its own
    // errors already say it cannot be signed.
    let severity = centre
        .data
        .as_ref()
        .map_or(Severity::Warning, |d| until_signing(d.data.status));
    let values = centre.data.as_ref().map_or(&[][..], |d| &d.todos);
    let text = centre
        .text
        .as_ref()
        .map_or(&[][..], |d| &d.text.placeholders);
    files::todos(values, text, severity, out);
    if let (Some(base), Some(doc)) = (&cx.period.base, &centre.text) {
        text::centre(&base.data, doc, out);
    }
    let shared = cx.shared?;
    let conv = merge::convention(cx.period, shared, centre, out)?;
    identity::centre(&conv, out);
    money::centre(&conv, out);
    objectives::centre(&conv, out);
    parties::centre(cx, &conv, out);
    for s in sources {
        s.convention(cx, &conv, out);
    }
    Some(conv)
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
