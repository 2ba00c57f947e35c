//! `cpo check [CENTRE...]`: validate everything, print the findings in the
//! chosen format, exit 1 when any is an error.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit, style::Style};
use crate::check::{self, Options};
use crate::diag::Report;
use crate::diag::format::Format;
use crate::render::checks::RenderChecks;
use crate::repo::WorkTree;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check only these centres (default: all)
    #[arg(value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (`--deny warnings`)
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

pub fn run(g: &Global, args: CheckArgs) -> Result<Outcome> {
    let (root, snapshot) = super::open(g)?;
    if let Some(label) = &g.period {
        let period = super::select_period(&snapshot, Some(label))?;
        super::check_centres(period, &args.centres)?;
    } else if !args.centres.is_empty() {
        super::check_centres(super::select_period(&snapshot, None)?, &args.centres)?;
    }
    let options = Options {
        // Centres named without --period are looked up in the latest period.
        period: g.period.clone().or_else(|| {
            (!args.centres.is_empty())
                .then(|| snapshot.period(None).map(|p| p.label.clone()))
                .flatten()
        }),
        centres: args.centres,
        deny_warnings: args.deny.is_some(),
    };
    let tree = WorkTree::new(&root);
    let render_checks = RenderChecks::new(&tree);
    let diagnostics = check::check(&snapshot, &options, &[&render_checks]);
    let report = Report {
        sources: &snapshot.sources,
        diagnostics,
        files: snapshot.sources.read_count(),
    };
    let style = Style::for_stdout(g.color);
    emit(&args.format.write(&report, style.enabled))?;
    Ok(if report.errors() > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
