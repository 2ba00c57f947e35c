//! `cpo diff [FROM] [TO]`: compare two snapshots and print the report.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit, style::Style};
use crate::diff::side::{Snapshots, resolve_pair};
use crate::diff::{Options, Reading, compare, write};
use crate::pipeline::{TextReader, diff_report};
use crate::repo::write_atomic;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Older snapshot: LABEL, LABEL@REV or @REV (default: the previous period)
    pub from: Option<String>,
    /// Newer snapshot: LABEL, LABEL@REV or @REV (default: the latest period)
    pub to: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Terminal)]
    pub format: DiffFormat,
    /// Write the report to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit with code 1 when the snapshots differ
    #[arg(long)]
    pub exit_code: bool,
    /// Show the common text as rendered for this centre (by id) on both
    /// sides, instead of with placeholders such as « [nom du centre] »
    #[arg(long = "as", value_name = "CENTRE")]
    pub as_centre: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Terminal,
    Md,
    Html,
    Json,
}

pub fn run(g: &Global, args: DiffArgs) -> Result<Outcome> {
    let root = crate::repo::find_root(g.dir.as_deref())?;
    let mut snapshots = Snapshots::new(&root);
    let (from, to) = resolve_pair(
        &mut snapshots,
        args.from.as_deref(),
        args.to.as_deref(),
        g.period.as_deref(),
    )?;
    let options = Options {
        reading: args
            .as_centre
            .clone()
            .map_or(Reading::Placeholders, Reading::Centre),
    };
    let report = compare(&from, &to, &options, &TextReader)?;
    let text = match args.format {
        DiffFormat::Terminal => {
            let color = args.out.is_none() && Style::for_stdout(g.color).enabled;
            write::terminal(&report, color)
        }
        // The report templates are the repository's as it is now (its work
        // tree), whichever revisions are compared.
        DiffFormat::Md => diff_report(snapshots.get(None)?, &report, true)?,
        DiffFormat::Html => diff_report(snapshots.get(None)?, &report, false)?,
        DiffFormat::Json => write::json(&report),
    };
    match g.opt_path(args.out.as_deref()) {
        Some(path) => {
            crate::pipeline::check_output_file(&root, &path)?;
            write_atomic(&path, text.as_bytes())?
        }
        None => emit(&text)?,
    }
    Ok(if args.exit_code && report.summary.changed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
