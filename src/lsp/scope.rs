//! What an edit can affect, and a view of the repository limited to it.
//!
//! A centre's files are checked against their period's base files and
//! nothing else, except the SIRET shared with another centre
//! (`duplicate-siret`), so an edit of `centres/x.toml` re-checks centre `x`
//! (and the centres that had its SIRET); an edit of a period's base files
//! re-checks that period; cpo.toml and template overrides concern every
//! period. [`ScopedTree`] hides the rest of the repository from the
//! loader, so re-checking one centre of two thousand reads a handful of
//! files instead of four thousand.

use std::collections::BTreeSet;

use anyhow::Result;

use crate::repo::layout::{self, FileKind, PERIODS_DIR};
use crate::repo::{DirEntry, Origin, Read, Tree};

/// What a check covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Every period (cpo.toml, templates).
    All,
    /// One period: its base files and every centre.
    Period(String),
    /// One centre of a period.
    Centre(String, String),
}

impl Scope {
    /// What editing the file at `rel` can affect; `None` for files cpo
    /// does not read (README, schemas).
    pub fn of(rel: &str) -> Option<Scope> {
        match FileKind::of(rel) {
            FileKind::Config | FileKind::Template { .. } => Some(Scope::All),
            FileKind::Base { period }
            | FileKind::BaseText { period }
            | FileKind::Seals { period }
            | FileKind::PeriodFile { period } => Some(Scope::Period(period)),
            FileKind::Centre { period, id } | FileKind::CentreText { period, id } => {
                Some(Scope::Centre(period, id))
            }
            FileKind::Schema | FileKind::Other => None,
        }
    }

    /// Whether the findings of a check of this scope are complete for the
    /// file at `rel` (so that they can replace what the editor shows).
    pub fn covers(&self, rel: &str) -> bool {
        match (self, Scope::of(rel)) {
            (_, None) => false,
            (Scope::All, Some(_)) => true,
            (Scope::Period(p), Some(Scope::Period(q) | Scope::Centre(q, _))) => *p == q,
            (Scope::Centre(p, id), Some(Scope::Centre(q, jd))) => *p == q && *id == jd,
            _ => false,
        }
    }

    /// Whether this scope includes everything `other` does.
    pub fn includes(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::All, _) => true,
            (Scope::Period(p), Scope::Period(q) | Scope::Centre(q, _)) => p == q,
            (a, b) => a == b,
        }
    }
}

/// Keep of a list of scopes only those no other one includes.
pub fn coalesce(mut scopes: Vec<Scope>) -> Vec<Scope> {
    scopes.sort();
    scopes.dedup();
    let all = scopes.clone();
    scopes.retain(|s| !all.iter().any(|o| o != s && o.includes(s)));
    scopes
}

/// A tree that lists only one period, and of it only some centres.
pub struct ScopedTree {
    inner: Box<dyn Tree>,
    period: Option<String>,
    centres: Option<BTreeSet<String>>,
}

impl ScopedTree {
    /// `period`: the only period listed (`None`: all); `centres`: the only
    /// centres listed in it (`None`: all).
    pub fn new(
        inner: Box<dyn Tree>,
        period: Option<String>,
        centres: Option<BTreeSet<String>>,
    ) -> ScopedTree {
        ScopedTree {
            inner,
            period,
            centres,
        }
    }
}

impl Tree for ScopedTree {
    fn read_limited(&self, path: &str, limit: u64) -> Result<Read> {
        self.inner.read_limited(path, limit)
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>> {
        let mut entries = self.inner.list(dir)?;
        if let Some(period) = &self.period {
            if dir == PERIODS_DIR {
                entries.retain(|e| e.name == *period);
            } else if let Some(centres) = &self.centres
                && dir == layout::centres_dir(period)
            {
                entries.retain(|e| {
                    let stem = e
                        .name
                        .strip_suffix(".toml")
                        .or_else(|| e.name.strip_suffix(".md"));
                    stem.is_some_and(|s| centres.contains(s))
                });
            }
        }
        Ok(entries)
    }

    fn origin(&self) -> Origin {
        self.inner.origin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_of_files_and_what_they_cover() {
        let centre = Scope::of("periods/2022-2025/centres/seve.md").unwrap();
        assert_eq!(centre, Scope::Centre("2022-2025".into(), "seve".into()));
        assert!(centre.covers("periods/2022-2025/centres/seve.toml"));
        assert!(!centre.covers("periods/2022-2025/base.toml"));
        let period = Scope::of("periods/2022-2025/base.md").unwrap();
        assert!(period.covers("periods/2022-2025/centres/seve.toml"));
        assert!(!period.covers("periods/2018-2021/base.toml"));
        assert!(!period.covers("cpo.toml"));
        assert_eq!(Scope::of("README.md"), None);
        assert_eq!(
            coalesce(vec![centre.clone(), period.clone(), centre]),
            vec![period]
        );
    }
}
