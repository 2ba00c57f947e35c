//! `cpo diff [FROM] [TO]`. (Being written: see issue 4.)

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Older snapshot: LABEL, LABEL@REV or @REV (default: the previous period)
    pub from: Option<String>,
    /// Newer snapshot: LABEL, LABEL@REV or @REV (default: the latest period)
    pub to: Option<String>,
    /// Output format (default: terminal)
    #[arg(long, value_enum, default_value_t = DiffFormat::Terminal)]
    pub format: DiffFormat,
    /// Write the report to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// Exit with code 1 when the snapshots differ
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Terminal,
    Md,
    Html,
    Json,
}

pub fn run(_g: &Global, _args: DiffArgs) -> Result<Outcome> {
    anyhow::bail!("`cpo diff` is not available in this build yet")
}

/// The HTML diff report of `period` against the previous one, written
/// beside the rendered conventions by `cpo build`; the links for the index.
pub fn build_report(
    _root: &std::path::Path,
    _snapshot: &crate::model::Snapshot,
    _period: &crate::model::Period,
    _out: &std::path::Path,
) -> Result<Vec<crate::render::IndexLink>> {
    Ok(Vec::new())
}
