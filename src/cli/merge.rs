//! `cpo merge CENTRE`: print the resolved convention (base + centre).

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit};
use crate::merge::Convention;
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
/// A convention that resolves is shown even when `cpo check` finds errors
/// in it (merge and explain show what is; see `pipeline::Checked::verdict`).
pub fn resolve_centre(project: &Project, g: &Global, centre: &str) -> Result<Convention> {
    let period = super::select_period(project.snapshot(), g.period.as_deref())?;
    super::check_centres(period, &[centre.to_string()])?;
    let label = period.label.clone();
    let checked = project.check(&crate::check::Options {
        period: Some(label.clone()),
        centres: vec![centre.to_string()],
        deny_warnings: false,
    });
    if let Some(conv) = checked
        .period(Some(&label))
        .and_then(|p| p.conventions.iter().find(|c| c.id == centre))
    {
        return Ok(conv.clone());
    }
    let sources = &checked.snapshot().sources;
    let errors: Vec<String> = checked
        .diagnostics()
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .map(|d| format!("{}: {}", sources.describe(&d.loc), d.message))
        .collect();
    anyhow::bail!(
        "centre `{centre}` of period {label} cannot be resolved:\n  {}\n(run `cpo check` for details)",
        if errors.is_empty() {
            "its files are incomplete".to_string()
        } else {
            errors.join("\n  ")
        }
    )
}

pub fn run(g: &Global, args: MergeArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let conv = resolve_centre(&project, g, &args.centre)?;
    let mut out = match args.format {
        DataFormat::Toml => {
            let mut table = toml::Table::new();
            table.insert("id".into(), conv.id.clone().into());
            table.insert("period_label".into(), conv.period().into());
            if let toml::Value::Table(t) = conv.tree.to_toml() {
                table.extend(t);
            }
            toml::to_string_pretty(&table).context("writing TOML")?
        }
        DataFormat::Json => {
            let mut out = serde_json::to_string_pretty(&document(&conv))?;
            out.push('\n');
            out
        }
        DataFormat::Yaml => serde_saphyr::to_string(&document(&conv)).context("writing YAML")?,
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    emit(&out)?;
    Ok(Outcome::Success)
}

/// The resolved data with the centre id and period label first.
fn document(conv: &Convention) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("id".into(), conv.id.clone().into());
    map.insert("period_label".into(), conv.period().into());
    if let serde_json::Value::Object(o) = conv.tree.to_json() {
        map.extend(o);
    }
    serde_json::Value::Object(map)
}
