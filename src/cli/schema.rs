//! `cpo schema [--write]`: print the JSON Schemas, or write them to
//! `schemas/` under the current folder (or `-C DIR`).

use anyhow::{Context, Result};
use clap::Args;

use super::{Global, Outcome, emit};
use crate::repo::write_atomic;
use crate::schema::{SCHEMAS_DIR, all};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write schemas/*.schema.json instead of printing them
    #[arg(long)]
    pub write: bool,
}

pub fn run(g: &Global, args: SchemaArgs) -> Result<Outcome> {
    let schemas = all();
    if args.write {
        let base = match &g.dir {
            Some(d) => d.clone(),
            None => std::env::current_dir().context("reading the current folder")?,
        };
        let dir = base.join(SCHEMAS_DIR);
        for s in &schemas {
            let path = dir.join(s.name);
            write_atomic(&path, s.json.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
    } else {
        // One JSON object keyed by file name, so the output stays JSON.
        let mut object = serde_json::Map::new();
        for s in &schemas {
            let value: serde_json::Value = serde_json::from_str(&s.json)?;
            object.insert(s.name.to_string(), value);
        }
        let mut out = serde_json::to_string_pretty(&object)?;
        out.push('\n');
        emit(&out)?;
    }
    Ok(Outcome::Success)
}
