//! `cpo render` and `cpo build`. (Being written: see issue 3.)

use anyhow::Result;
use clap::Args;

use super::{Global, Outcome};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Render only these centres (default: all of the period)
    #[arg(value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Formats to write, comma-separated: html, pdf, md
    #[arg(long, value_delimiter = ',', default_value = "html,pdf,md")]
    pub format: Vec<String>,
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
}

pub fn run(_g: &Global, _args: RenderArgs) -> Result<Outcome> {
    anyhow::bail!("`cpo render` is not available in this build yet")
}

pub fn build(_g: &Global, _args: BuildArgs) -> Result<Outcome> {
    anyhow::bail!("`cpo build` is not available in this build yet")
}
