//! The typed model of a convention repository, and loading it.
//!
//! [`Snapshot::load`] reads every file of a repository through a
//! [`crate::repo::Tree`] (work tree or git revision), parses TOML into spanned
//! node trees and typed structs, Markdown into sections, and records every
//! problem it meets as a diagnostic instead of stopping: a broken file leaves
//! a hole (`None`) in the snapshot, the other files are still read and
//! checked.

pub mod base;
pub mod centre;
pub mod config;
pub mod node;
pub mod text;
pub mod types;

use anyhow::Result;

use crate::diag::{Diagnostic, FileId, Loc, Rule, Sources};
use crate::repo::{CONFIG_FILE, Tree};

pub use base::BaseFile;
pub use centre::CentreFile;
pub use config::Config;
pub use node::Node;
pub use text::Text;
pub use types::{Amount, Quantity, Year};

/// The folder that holds one folder per agreement period.
pub const PERIODS_DIR: &str = "periods";

/// The folder of a repository's overrides of the built-in templates.
pub const TEMPLATES_DIR: &str = "templates";

/// A TOML file read into a node tree and a typed value.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub file: FileId,
    pub tree: Node,
    pub data: T,
}

/// A Markdown file cut into sections.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    pub text: Text,
}

/// One agreement period folder (`periods/2022-2025`).
#[derive(Debug)]
pub struct Period {
    /// The folder name, e.g. `2022-2025`.
    pub label: String,
    /// The folder path relative to the repository root.
    pub dir: String,
    /// The years the label names, when it is well formed.
    pub years: Option<(Year, Year)>,
    /// `base.toml`, when it exists and is valid.
    pub base: Option<Parsed<BaseFile>>,
    /// `base.md`, when it exists; its H2 sections are the articles.
    pub base_text: Option<Document>,
    pub centres: Vec<Centre>,
    /// `seals.toml`, when it exists and parses.
    pub seals: Option<(FileId, Node)>,
}

impl Period {
    pub fn centre(&self, id: &str) -> Option<&Centre> {
        self.centres.iter().find(|c| c.id == id)
    }
}

/// One centre of a period: its two files, each present only when readable.
#[derive(Debug)]
pub struct Centre {
    /// The file stem, e.g. `beaulieu`.
    pub id: String,
    pub data: Option<Parsed<CentreFile>>,
    pub text: Option<Document>,
}

/// Everything read from one tree of a repository.
#[derive(Debug)]
pub struct Snapshot {
    pub sources: Sources,
    /// Problems met while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    pub config: Option<Parsed<Config>>,
    /// Periods sorted by their start year (the latest last).
    pub periods: Vec<Period>,
    /// Files of `templates/` (overrides of the built-in templates), by name.
    pub templates: Vec<(String, FileId)>,
    /// What the snapshot was read from, for messages.
    pub origin: String,
}

impl Snapshot {
    /// Read a whole repository from `tree`. Fails only on I/O errors; every
    /// problem in the files themselves becomes a diagnostic.
    pub fn load(tree: &dyn Tree) -> Result<Snapshot> {
        let mut loader = Loader {
            tree,
            sources: Sources::default(),
            diagnostics: Vec::new(),
        };
        let config = loader.toml::<Config>(CONFIG_FILE, true)?;
        let mut periods = Vec::new();
        for entry in tree.list(PERIODS_DIR)? {
            if entry.is_dir {
                periods.push(loader.period(&entry.name)?);
            }
        }
        periods.sort_by(|a, b| (a.years, &a.label).cmp(&(b.years, &b.label)));
        let mut templates = Vec::new();
        for entry in tree.list(TEMPLATES_DIR)? {
            if !entry.is_dir
                && let Some(file) = loader.text(&format!("{TEMPLATES_DIR}/{}", entry.name))?
            {
                templates.push((entry.name, file));
            }
        }
        Ok(Snapshot {
            sources: loader.sources,
            diagnostics: loader.diagnostics,
            config,
            periods,
            templates,
            origin: tree.describe(),
        })
    }

    /// The period with this label, or the latest one.
    pub fn period(&self, label: Option<&str>) -> Option<&Period> {
        match label {
            Some(label) => self.periods.iter().find(|p| p.label == label),
            None => self.periods.last(),
        }
    }

    /// The period before `label` in time.
    pub fn previous_period(&self, label: &str) -> Option<&Period> {
        let i = self.periods.iter().position(|p| p.label == label)?;
        i.checked_sub(1).map(|j| &self.periods[j])
    }

    /// The authority that runs the repository, when cpo.toml is valid.
    pub fn territory(&self) -> Option<&config::Territory> {
        self.config.as_ref().map(|c| &c.data.territory)
    }

    /// The text of `templates/NAME`, when the repository overrides it.
    pub fn template(&self, name: &str) -> Option<(FileId, &str)> {
        self.templates
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| (*f, self.sources.get(*f).text.as_str()))
    }

    pub fn period_labels(&self) -> Vec<&str> {
        self.periods.iter().map(|p| p.label.as_str()).collect()
    }
}

/// Read a typed value from TOML text that is not a user's file (built-in
/// templates): any problem is an error with the first finding's message.
pub fn parse_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    let tree = node::parse_toml(crate::diag::FileId(0), text).map_err(|d| {
        anyhow::anyhow!(
            "{}",
            d.first().map_or("invalid TOML", |d| d.message.as_str())
        )
    })?;
    node::from_node(&tree).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Parse a period folder name `START-END` into its years.
pub fn parse_period_label(label: &str) -> Option<(Year, Year)> {
    let (start, end) = label.split_once('-')?;
    let year = |s: &str| -> Option<Year> {
        (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (start, end) = (year(start)?, year(end)?);
    (start <= end).then_some((start, end))
}

/// Whether a centre id is well formed (`[a-z0-9-]+`).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

struct Loader<'t> {
    tree: &'t dyn Tree,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
}

impl Loader<'_> {
    /// Read a text file into the sources. `None` when absent; an invalid
    /// UTF-8 file is reported and yields `None` too.
    fn text(&mut self, path: &str) -> Result<Option<FileId>> {
        let Some(bytes) = self.tree.read(path)? else {
            return Ok(None);
        };
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(self.sources.add(path, text))),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = self.sources.add(path, lossy);
                self.diagnostics.push(
                    Diagnostic::new(
                        Rule::Encoding,
                        Loc::new(file, valid..valid + char::REPLACEMENT_CHARACTER.len_utf8()),
                        "this file is not valid UTF-8",
                    )
                    .with_help(
                        "save it as UTF-8 (most editors offer it under \"Save with encoding\")",
                    ),
                );
                Ok(None)
            }
        }
    }

    /// Read and parse a TOML file into a typed value.
    fn toml<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &str,
        required: bool,
    ) -> Result<Option<Parsed<T>>> {
        let Some(file) = self.text(path)? else {
            if required && self.sources.find(path).is_none() {
                let file = self.sources.add_missing(path);
                self.diagnostics.push(Diagnostic::new(
                    Rule::MissingFile,
                    Loc::file_start(file),
                    format!("`{path}` is missing"),
                ));
            }
            return Ok(None);
        };
        let text = &self.sources.get(file).text;
        let tree = match node::parse_toml(file, text) {
            Ok(tree) => tree,
            Err(diags) => {
                self.diagnostics.extend(diags);
                return Ok(None);
            }
        };
        let (value, errors) = node::from_node_all::<T>(&tree);
        self.diagnostics.extend(
            errors
                .into_iter()
                .map(|e| e.into_diagnostic(&Loc::file_start(file))),
        );
        Ok(value.map(|(data, tree)| Parsed { file, tree, data }))
    }

    fn markdown(&mut self, path: &str, front_matter: bool) -> Result<Option<Document>> {
        let Some(file) = self.text(path)? else {
            return Ok(None);
        };
        let text = text::parse(
            file,
            &self.sources.get(file).text,
            front_matter,
            &mut self.diagnostics,
        );
        Ok(Some(Document { file, text }))
    }

    fn period(&mut self, label: &str) -> Result<Period> {
        let dir = format!("{PERIODS_DIR}/{label}");
        let base_path = format!("{dir}/base.toml");
        let base_md_path = format!("{dir}/base.md");
        let years = parse_period_label(label);
        let base_exists = self.tree.read(&base_path)?.is_some();
        let base = self.toml::<BaseFile>(&base_path, true)?;
        let base_text = self.markdown(&base_md_path, false)?;
        if base_text.is_none() && self.sources.find(&base_md_path).is_none() {
            let file = self.sources.add_missing(&base_md_path);
            self.diagnostics.push(Diagnostic::new(
                Rule::MissingFile,
                Loc::file_start(file),
                format!("`{base_md_path}` is missing: every period needs its common text"),
            ));
        }
        if years.is_none() {
            let file = self
                .sources
                .find(&base_path)
                .filter(|_| base_exists)
                .unwrap_or_else(|| self.sources.add_missing(&dir));
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::BadPeriodLabel,
                    Loc::file_start(file),
                    format!("period folder `{label}` is not named START-END"),
                )
                .with_help("name it after the years of the period, e.g. `2022-2025`"),
            );
        }

        let centres_dir = format!("{dir}/centres");
        let mut stems: Vec<String> = Vec::new();
        for entry in self.tree.list(&centres_dir)? {
            if entry.is_dir {
                continue;
            }
            if let Some(stem) = entry
                .name
                .strip_suffix(".toml")
                .or_else(|| entry.name.strip_suffix(".md"))
                && !stems.iter().any(|s| s == stem)
            {
                stems.push(stem.to_string());
            }
        }
        let mut centres = Vec::new();
        for id in stems {
            centres.push(self.centre(&centres_dir, id)?);
        }

        let seals_path = format!("{dir}/seals.toml");
        let seals = match self.text(&seals_path)? {
            Some(file) => match node::parse_toml(file, &self.sources.get(file).text) {
                Ok(tree) => Some((file, tree)),
                Err(diags) => {
                    self.diagnostics.extend(diags);
                    None
                }
            },
            None => None,
        };

        Ok(Period {
            label: label.to_string(),
            dir,
            years,
            base,
            base_text,
            centres,
            seals,
        })
    }

    fn centre(&mut self, centres_dir: &str, id: String) -> Result<Centre> {
        let toml_path = format!("{centres_dir}/{id}.toml");
        let md_path = format!("{centres_dir}/{id}.md");
        let has_toml = self.tree.read(&toml_path)?.is_some();
        let has_md = self.tree.read(&md_path)?.is_some();
        let data = if has_toml {
            self.toml::<CentreFile>(&toml_path, false)?
        } else {
            None
        };
        let text = if has_md {
            self.markdown(&md_path, true)?
        } else {
            None
        };
        let (present, missing) = match (has_toml, has_md) {
            (true, false) => (toml_path.as_str(), md_path.as_str()),
            (false, true) => (md_path.as_str(), toml_path.as_str()),
            _ => ("", ""),
        };
        if !present.is_empty() {
            let file = self
                .sources
                .find(present)
                .unwrap_or_else(|| self.sources.add_missing(present));
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::MissingFile,
                    Loc::file_start(file),
                    format!("centre `{id}` has no `{missing}`"),
                )
                .with_help("a centre needs both its data (.toml) and its specific part (.md)"),
            );
        }
        if !is_valid_id(&id) {
            let path = if has_toml { &toml_path } else { &md_path };
            let file = self
                .sources
                .find(path)
                .unwrap_or_else(|| self.sources.add_missing(path.as_str()));
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::BadId,
                    Loc::file_start(file),
                    format!("`{id}` is not a valid centre id"),
                )
                .with_help("centre file names use lowercase letters, digits and `-` only"),
            );
        }
        Ok(Centre { id, data, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_labels() {
        assert_eq!(parse_period_label("2022-2025"), Some((2022, 2025)));
        assert_eq!(parse_period_label("2025-2022"), None);
        assert_eq!(parse_period_label("2022_2025"), None);
        assert_eq!(parse_period_label("22-25"), None);
    }
}
