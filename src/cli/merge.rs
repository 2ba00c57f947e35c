//! `cpo merge CENTRE`: print the resolved convention (base + centre).

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::{Global, Outcome, emit};
use crate::merge::Convention;
use crate::model::Snapshot;

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

/// Resolve one centre of the selected period, or explain why it cannot be.
pub fn resolve_centre(snapshot: &Snapshot, g: &Global, centre: &str) -> Result<Convention> {
    let period = super::select_period(snapshot, g.period.as_deref())?;
    super::check_centres(period, &[centre.to_string()])?;
    let mut diags = Vec::new();
    let conv = crate::merge::convention(snapshot, period, centre, &mut diags);
    // What stands in the way: errors in the period's base files or in this
    // centre's own files (other centres do not matter here).
    let base_dir = format!("{}/", period.dir);
    let own = format!("{}/centres/{centre}.", period.dir);
    let concerns = |path: &str| {
        path.starts_with(&own) || (path.starts_with(&base_dir) && !path.contains("/centres/"))
    };
    let errors: Vec<String> = snapshot
        .diagnostics
        .iter()
        .chain(&diags)
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .filter(|d| concerns(&snapshot.sources.get(d.loc.file).path))
        .map(|d| format!("{}: {}", snapshot.sources.describe(&d.loc), d.message))
        .collect();
    match conv {
        Some(conv) if errors.is_empty() => Ok(conv),
        _ => anyhow::bail!(
            "centre `{centre}` of period {} cannot be resolved:\n  {}\n(run `cpo check` for details)",
            period.label,
            if errors.is_empty() {
                "its files are incomplete".to_string()
            } else {
                errors.join("\n  ")
            }
        ),
    }
}

pub fn run(g: &Global, args: MergeArgs) -> Result<Outcome> {
    let (_root, snapshot) = super::open(g)?;
    let conv = resolve_centre(&snapshot, g, &args.centre)?;
    let mut out = match args.format {
        DataFormat::Toml => {
            let mut table = toml::Table::new();
            table.insert("id".into(), conv.id.clone().into());
            table.insert("period_label".into(), conv.period.clone().into());
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
    map.insert("period_label".into(), conv.period.clone().into());
    if let serde_json::Value::Object(o) = conv.tree.to_json() {
        map.extend(o);
    }
    serde_json::Value::Object(map)
}
