//! The convention's life: init, new, fmt, export, seal, verify, avenant,
//! completions, man. (Being written: see issue 5.)

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};

use super::{Global, Outcome};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new repository (default: the current folder)
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Both files of a new centre, from its base
    Centre {
        /// The centre's id ([a-z0-9-]+)
        id: String,
    },
    /// A new period rolled over from an existing one
    Period {
        /// The new period's label, e.g. 2026-2029
        label: String,
        /// The period to copy
        #[arg(long, value_name = "LABEL")]
        from: String,
    },
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Do not write: list the files that would change and exit 1 if any
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export format
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Scdl,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// Centres whose conventions were signed
    #[arg(required = true, value_name = "CENTRE")]
    pub centres: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A rendered convention (.html or .pdf)
    pub file: PathBuf,
    /// Compare with the repository at this git revision instead of the work tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Args)]
pub struct AvenantArgs {
    /// The centre whose sealed convention is amended
    pub centre: String,
    /// Formats to write, comma-separated: html, pdf, md
    #[arg(long, value_delimiter = ',', default_value = "html,pdf,md")]
    pub format: Vec<String>,
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh or fish
    pub shell: String,
}

fn not_yet(what: &str) -> Result<Outcome> {
    anyhow::bail!("`cpo {what}` is not available in this build yet")
}

pub fn init(_g: &Global, _args: InitArgs) -> Result<Outcome> {
    not_yet("init")
}
pub fn new(_g: &Global, _cmd: NewCommand) -> Result<Outcome> {
    not_yet("new")
}
pub fn fmt(_g: &Global, _args: FmtArgs) -> Result<Outcome> {
    not_yet("fmt")
}
pub fn export(_g: &Global, _args: ExportArgs) -> Result<Outcome> {
    not_yet("export")
}
pub fn seal(_g: &Global, _args: SealArgs) -> Result<Outcome> {
    not_yet("seal")
}
pub fn verify(_g: &Global, _args: VerifyArgs) -> Result<Outcome> {
    not_yet("verify")
}
pub fn avenant(_g: &Global, _args: AvenantArgs) -> Result<Outcome> {
    not_yet("avenant")
}
pub fn completions(_g: &Global, _args: CompletionsArgs) -> Result<Outcome> {
    not_yet("completions")
}
pub fn man(_g: &Global) -> Result<Outcome> {
    not_yet("man")
}
