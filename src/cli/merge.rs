//! `cpo merge CENTRE`: print the resolved convention (base + centre).

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit};
use crate::merge::{Convention, write};
use crate::pipeline::Project;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The centre's id (its file name without extension)
    pub centre: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = DataFormat::Toml)]
    pub format: DataFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Toml,
    Json,
    Yaml,
}

/// Resolve one centre of the selected period, or say why it cannot be.
pub fn resolve_centre(project: &Project, g: &Global, centre: &str) -> Result<Convention> {
    let period = super::select_period(project.snapshot(), g.period.as_deref())?;
    super::check_centres(period, &[centre.to_string()])?;
    project.resolve_centre(&period.label.clone(), centre)
}

pub fn run(g: &Global, args: MergeArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let conv = resolve_centre(&project, g, &args.centre)?;
    let format = match args.format {
        DataFormat::Toml => write::DataFormat::Toml,
        DataFormat::Json => write::DataFormat::Json,
        DataFormat::Yaml => write::DataFormat::Yaml,
    };
    emit(&write::document(&conv, format)?)?;
    Ok(Outcome::Success)
}
