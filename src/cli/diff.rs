//! `cpo diff [FROM] [TO]`: compare two snapshots and print the report.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit, style::Style};
use crate::diff::side::{Snapshots, resolve_pair};
use crate::diff::{Options, Reading, compare, view, write};
use crate::render::theme::Theme;
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
    let report = compare(&from, &to, &options)?;
    // The report templates are the repository's as it is now (its work
    // tree), whichever revisions are compared.
    let mut theme = || -> Result<Theme> {
        let project = snapshots.get(None)?;
        Theme::load(project.snapshot()).map_err(|diags| {
            let msgs: Vec<String> = diags
                .iter()
                .map(|d| {
                    format!(
                        "{}: {}",
                        project.snapshot().sources.describe(&d.loc),
                        d.message
                    )
                })
                .collect();
            anyhow::anyhow!(
                "the templates do not compile (run `cpo check`):\n  {}",
                msgs.join("\n  ")
            )
        })
    };
    let text = match args.format {
        DiffFormat::Terminal => {
            let color = args.out.is_none() && Style::for_stdout(g.color).enabled;
            write::terminal(&report, color)
        }
        DiffFormat::Md => {
            view::markdown(&report, &theme()?).map_err(|e| anyhow::anyhow!(e.message))?
        }
        DiffFormat::Html => {
            view::html(&report, &theme()?).map_err(|e| anyhow::anyhow!(e.message))?
        }
        DiffFormat::Json => write::json(&report),
    };
    match &args.out {
        Some(path) => {
            crate::pipeline::check_output_file(&root, path)?;
            write_atomic(path, text.as_bytes())?
        }
        None => emit(&text)?,
    }
    Ok(if args.exit_code && report.summary.changed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
