//! `cpo.toml`: the settings of a convention repository.
//!
//! The `///` lines on fields are in French: they become the descriptions of
//! the JSON Schema that editors show while a user types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::Level;

/// Réglages du dépôt de conventions (`cpo.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cpo.toml")]
pub struct Config {
    /// La collectivité qui tient le dépôt.
    pub territory: Territory,
    /// Réglages du rendu des documents.
    #[serde(default)]
    pub render: RenderConfig,
    /// Sévérité de chaque règle de `cpo check` : "allow", "warn" ou "deny".
    #[serde(default)]
    pub lints: BTreeMap<String, Level>,
}

/// La collectivité qui tient le dépôt.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    /// Nom de la collectivité (« Ville de Poitiers »).
    pub name: String,
    /// Lieu de signature : « Fait à Poitiers, le … ».
    pub place: String,
    /// Code INSEE de la commune (facultatif), par exemple « 86194 ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insee: Option<String>,
}

/// Réglages du rendu.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderConfig {
    /// Dossier de sortie des documents rendus (par défaut « dist ») ; il ne peut être ni
    /// `periods/`, ni `templates/`, ni `schemas/`, ni `.git`, ni les contenir.
    #[serde(default = "default_output")]
    pub output: String,
    /// Apostrophe des documents : « typographic » (’, par défaut) ou « straight » (').
    #[serde(default)]
    pub apostrophe: ApostropheStyle,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig {
            output: default_output(),
            apostrophe: ApostropheStyle::default(),
        }
    }
}

/// L'apostrophe des documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApostropheStyle {
    /// L'apostrophe typographique ’.
    #[default]
    Typographic,
    /// L'apostrophe droite ', telle qu'écrite.
    Straight,
}

fn default_output() -> String {
    "dist".to_string()
}
