//! `cpo check [CENTRE...]`: validate everything, print the findings in the
//! chosen format, exit 1 when any is an error.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit, style::Style};
use crate::check::Options;
use crate::diag::format::Format;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check only these centres (default: all)
    #[arg(value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Treat warnings as errors (`--deny warnings`)
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
}

/// `--format` of `cpo check` (the library's formats, for clap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// rustc-like, with the source line and a caret
    Human,
    /// file:line:col: severity[rule]: message
    Short,
    /// One JSON object: diagnostics and summary (SPEC §5)
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML
    Junit,
    /// SARIF 2.1.0
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Short => Format::Short,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Gitlab => Format::Gitlab,
            FormatArg::Junit => Format::Junit,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

pub fn run(g: &Global, args: CheckArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let snapshot = project.snapshot();
    if let Some(label) = &g.period {
        let period = super::select_period(snapshot, Some(label))?;
        super::check_centres(period, &args.centres)?;
    } else if !args.centres.is_empty() {
        super::check_centres(super::select_period(snapshot, None)?, &args.centres)?;
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
        findings_only: true,
    };
    let checked = project.check(&options);
    let report = checked.report();
    let style = Style::for_stdout(g.color);
    emit(&Format::from(args.format).write(&report, style.enabled))?;
    let outcome = if report.errors() > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    };
    // The process ends with this command: the system takes its memory back
    // at once, where freeing thousands of centres' trees one by one took a
    // tenth of a check's time.
    std::mem::forget(checked);
    std::mem::forget(project);
    Ok(outcome)
}
