//! JSON Schemas of the three TOML file kinds, generated from the model's
//! types (their `///` lines, in French, become the descriptions editors
//! show). `cpo schema --write` stores them in `schemas/`; a test fails when
//! the committed files differ from what the code generates.

use schemars::generate::SchemaSettings;

use crate::model::{BaseFile, CentreFile, Config};

/// One schema file: its name in `schemas/` and its content.
pub struct SchemaFile {
    pub name: &'static str,
    pub json: String,
}

/// The folder, relative to the project (or a repository made by `cpo
/// init`), where schemas are kept.
pub const SCHEMAS_DIR: &str = "schemas";

fn generate<T: schemars::JsonSchema>(name: &'static str) -> SchemaFile {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut json = serde_json::to_string_pretty(&schema).unwrap_or_default();
    json.push('\n');
    SchemaFile { name, json }
}

/// Every schema, in a stable order.
pub fn all() -> Vec<SchemaFile> {
    vec![
        generate::<Config>("cpo.schema.json"),
        generate::<BaseFile>("base.schema.json"),
        generate::<CentreFile>("centre.schema.json"),
    ]
}
