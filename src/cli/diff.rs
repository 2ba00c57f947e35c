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
