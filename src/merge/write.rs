//! The resolved convention as `cpo merge` prints it: TOML, JSON or YAML,
//! with the centre's id and the period's label first.

use anyhow::{Context, Result};

use super::Convention;

/// The formats of `cpo merge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Toml,
    Json,
    Yaml,
}

/// The resolved data of a convention as text, ending with a line end.
pub fn document(conv: &Convention, format: DataFormat) -> Result<String> {
    let mut out = match format {
        DataFormat::Toml => {
            let mut table = toml::Table::new();
            table.insert("id".into(), conv.id.clone().into());
            table.insert("period_label".into(), conv.period().into());
            if let toml::Value::Table(t) = conv.tree.to_toml() {
                table.extend(t);
            }
            toml::to_string_pretty(&table).context("writing TOML")?
        }
        DataFormat::Json => serde_json::to_string_pretty(&json(conv))?,
        DataFormat::Yaml => serde_saphyr::to_string(&json(conv)).context("writing YAML")?,
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The resolved data with the centre id and period label first.
fn json(conv: &Convention) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("id".into(), conv.id.clone().into());
    map.insert("period_label".into(), conv.period().into());
    if let serde_json::Value::Object(o) = conv.tree.to_json() {
        map.extend(o);
    }
    serde_json::Value::Object(map)
}
