//! The build cache (SPEC §10): `OUT/PERIOD/.cpo-cache` records, for each
//! PDF written, a key of everything it is made of and the hash of its
//! bytes, so that the next run compiles again only the PDFs whose inputs
//! changed (typst is the cost of rendering; HTML and Markdown are made
//! every time and written only when they differ).
//!
//! The key covers the document as it would be typeset (its data, texts,
//! fingerprint, date and draft state), the typst template, the bytes of
//! its PDF annexes and cpo's version: the same inputs give the same bytes,
//! so a file whose key is unchanged and whose bytes are still those
//! recorded is the file a fresh run would write. `--force` ignores it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::ir::Document;
use crate::merge::sha256_hex;

/// The cache file, in each period's output folder.
pub const CACHE_FILE: &str = ".cpo-cache";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// The version of cpo that wrote it: another version renders anew.
    version: String,
    /// File name -> its entry.
    files: BTreeMap<String, Entry>,
    /// Where the cache was read from, to check files on disk.
    #[serde(skip)]
    dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    /// SHA-256 of the bytes written.
    output: String,
}

/// The key of a PDF: everything it is made of.
pub fn pdf_key(doc: &Document, typst_template: &str) -> String {
    let mut input = String::new();
    input.push_str(env!("CARGO_PKG_VERSION"));
    input.push('\0');
    input.push_str(&serde_json::to_string(doc).unwrap_or_default());
    input.push('\0');
    input.push_str(typst_template);
    for (key, bytes) in &doc.pdf_files {
        input.push('\0');
        input.push_str(key);
        input.push('\0');
        input.push_str(&sha256_hex(bytes));
    }
    sha256_hex(input.as_bytes())
}

impl Cache {
    /// The cache of a period's output folder; empty when absent, unreadable
    /// or written by another version.
    pub fn read(dir: &Path) -> Cache {
        let cache: Option<Cache> = std::fs::read_to_string(dir.join(CACHE_FILE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        match cache {
            Some(mut c) if c.version == env!("CARGO_PKG_VERSION") => {
                c.dir = Some(dir.to_path_buf());
                c
            }
            _ => Cache::default(),
        }
    }

    /// Whether `name` on disk is what inputs of `key` would produce.
    pub fn is_fresh(&self, name: &str, key: &str) -> bool {
        let (Some(entry), Some(dir)) = (self.files.get(name), &self.dir) else {
            return false;
        };
        entry.key == key
            && std::fs::read(dir.join(name)).is_ok_and(|bytes| sha256_hex(&bytes) == entry.output)
    }

    /// A cache for the next run that keeps what this one knows of files
    /// not rendered this time (a run on some centres only).
    pub fn successor(&self) -> Cache {
        Cache {
            version: String::new(),
            files: self.files.clone(),
            dir: None,
        }
    }

    /// Record a file just made, by its key and the SHA-256 of its bytes.
    pub fn record(&mut self, name: &str, key: String, output: String) {
        self.files.insert(name.to_string(), Entry { key, output });
    }

    /// Carry over the entry of a file left as it was.
    pub fn keep(&mut self, old: &Cache, name: &str, key: String) {
        if let Some(entry) = old.files.get(name) {
            self.files.insert(
                name.to_string(),
                Entry {
                    key,
                    output: entry.output.clone(),
                },
            );
        }
    }

    /// Write the cache beside the documents.
    pub fn write(mut self, dir: &Path) -> Result<()> {
        self.version = env!("CARGO_PKG_VERSION").to_string();
        let text = serde_json::to_string_pretty(&self)?;
        super::write_if_changed(&dir.join(CACHE_FILE), text.as_bytes())?;
        Ok(())
    }
}
