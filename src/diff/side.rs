//! One side of a comparison: a period of a snapshot (the work tree or a
//! git revision read in place), resolved into conventions and articles.
//!
//! Snapshot specs (SPEC §6): `LABEL` is a period of the work tree,
//! `LABEL@REV` that period at a git revision, `@REV` the other side's period
//! at a revision (`cpo diff @v2022-signed`: what changed since signature).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::SideInfo;
use crate::check::CheckedPeriod;
use crate::merge::Convention;
use crate::pipeline::{Checked, Project};
use crate::repo::Origin;

/// `LABEL`, `LABEL@REV` or `@REV`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spec {
    pub label: Option<String>,
    pub rev: Option<String>,
}

impl Spec {
    pub fn parse(s: &str) -> Result<Spec> {
        let (label, rev) = match s.split_once('@') {
            Some((l, r)) => (l, Some(r)),
            None => (s, None),
        };
        if rev.is_some_and(str::is_empty) {
            bail!("`{s}`: a revision is expected after `@`");
        }
        if label.is_empty() && rev.is_none() {
            bail!("an empty snapshot name");
        }
        Ok(Spec {
            label: (!label.is_empty()).then(|| label.to_string()),
            rev: rev.map(str::to_string),
        })
    }
}

/// An article of the common text as read (see [`super::reading`]).
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub body: String,
}

/// A resolved side.
#[derive(Clone)]
pub struct Side {
    pub label: String,
    pub origin: Origin,
    pub years: usize,
    pub start_year: crate::model::Year,
    pub conventions: BTreeMap<String, Convention>,
    /// base.md as written.
    pub source: String,
    /// base.toml as JSON.
    pub base_data: Value,
    /// Signatory id -> name, for funding summaries.
    pub funder_names: BTreeMap<String, String>,
}

impl Side {
    pub fn info(&self) -> SideInfo {
        SideInfo {
            label: self.label.clone(),
            origin: self.origin.to_string(),
            origin_fr: self.origin.french(),
            years: self.years,
            start_year: self.start_year,
        }
    }

    /// The side of period `label` of a checked repository: every
    /// convention that resolves (accepted or not: a comparison shows what
    /// is). Fails when the period is absent or some centre cannot be
    /// resolved (run `cpo check` there).
    pub fn resolve(checked: &Checked<'_>, label: &str) -> Result<Side> {
        let resolved = checked.period(Some(label)).map(|p| CheckedPeriod {
            label: p.label.clone(),
            shared: p.shared.clone(),
            conventions: p.conventions.clone(),
            unresolved: p.unresolved.clone(),
        });
        Side::of(checked.project, resolved, label)
    }

    /// The side of a period of a project, from its resolved conventions.
    pub fn of(project: &Project, resolved: Option<CheckedPeriod>, label: &str) -> Result<Side> {
        let snapshot = project.snapshot();
        let origin = project.origin();
        let (Some(period), Some(checked_period)) = (snapshot.period(Some(label)), resolved) else {
            bail!(
                "no period `{label}` in {origin} (periods: {})",
                snapshot.period_labels().join(", ")
            );
        };
        let base = period.base.as_ref().with_context(|| {
            format!("period {label} in {origin} has no valid base.toml: run `cpo check`")
        })?;
        let base_text = period
            .base_text
            .as_ref()
            .with_context(|| format!("period {label} in {origin} has no base.md"))?;
        if !checked_period.unresolved.is_empty() {
            bail!(
                "period {label} in {origin}: centre(s) {} cannot be resolved; run `cpo check` there",
                checked_period.unresolved.join(", ")
            );
        }
        let d = base.data.period;
        Ok(Side {
            label: label.to_string(),
            origin,
            years: d.year_count().max(1),
            start_year: d.first_year(),
            conventions: checked_period
                .conventions
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            source: snapshot.sources.get(base_text.file).text.to_string(),
            base_data: serde_json::to_value(&base.data).unwrap_or(Value::Null),
            funder_names: base
                .data
                .signatories
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
        })
    }
}

/// Projects read so far, so each tree is loaded once.
pub struct Snapshots<'r> {
    root: &'r Path,
    work: Option<Project>,
    revs: Vec<(String, Project)>,
}

impl<'r> Snapshots<'r> {
    pub fn new(root: &'r Path) -> Snapshots<'r> {
        Snapshots {
            root,
            work: None,
            revs: Vec::new(),
        }
    }

    /// The project at a revision (`None`: the work tree).
    pub fn get(&mut self, rev: Option<&str>) -> Result<&Project> {
        match rev {
            None => {
                if self.work.is_none() {
                    self.work = Some(Project::open(self.root)?);
                }
                Ok(self.work.as_ref().expect("loaded"))
            }
            Some(rev) => {
                if let Some(i) = self.revs.iter().position(|(r, _)| r == rev) {
                    return Ok(&self.revs[i].1);
                }
                let project = Project::at_revision(self.root, rev)
                    .with_context(|| format!("reading the repository at revision {rev}"))?;
                self.revs.push((rev.to_string(), project));
                Ok(&self.revs.last().expect("pushed").1)
            }
        }
    }

    /// One side: the period at that revision, resolved. Not checked: a
    /// comparison shows every convention that resolves and reports no
    /// finding, so it does not pay for the rules (`cpo check` does).
    pub fn side(&mut self, spec: &Spec) -> Result<Side> {
        let label = spec.label.clone().unwrap_or_default();
        let project = self.get(spec.rev.as_deref())?;
        Side::of(project, project.resolve(&label), &label)
    }
}

/// Resolve FROM and TO (either may be absent) into two sides.
///
/// - TO defaults to `--period` (or the latest period) of the work tree;
/// - a spec without a label takes the other side's label;
/// - FROM defaults to the period before TO's.
pub fn resolve_pair(
    snapshots: &mut Snapshots<'_>,
    from: Option<&str>,
    to: Option<&str>,
    period: Option<&str>,
) -> Result<(Side, Side)> {
    let from = from.map(Spec::parse).transpose()?;
    let mut to = to.map(Spec::parse).transpose()?.unwrap_or_default();
    if to.label.is_none() {
        to.label = match (&from, period) {
            (
                Some(Spec {
                    label: Some(l),
                    rev: None,
                }),
                None,
            ) if to.rev.is_some() => Some(l.clone()),
            (_, Some(p)) => Some(p.to_string()),
            _ => {
                let project = snapshots.get(to.rev.as_deref())?;
                Some(
                    project
                        .snapshot()
                        .period(None)
                        .map(|p| p.label.clone())
                        .with_context(|| format!("{} has no period", project.origin()))?,
                )
            }
        };
    }
    let to_label = to.label.clone().expect("set above");
    let from = match from {
        Some(Spec { label: None, rev }) => Spec {
            label: Some(to_label.clone()),
            rev,
        },
        Some(spec) => spec,
        None => {
            let project = snapshots.get(to.rev.as_deref())?;
            let prev = project.snapshot().previous_period(&to_label).with_context(|| {
                format!("no period before {to_label} to compare with: name one, e.g. `cpo diff 2018-2021 {to_label}`")
            })?;
            Spec {
                label: Some(prev.label.clone()),
                rev: to.rev.clone(),
            }
        }
    };
    let from_side = snapshots.side(&from)?;
    // A snapshot compared with itself is checked once (a check renders
    // base.md for every centre, up to its time budget).
    let to_side = if to == from {
        from_side.clone()
    } else {
        snapshots.side(&to)?
    };
    Ok((from_side, to_side))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            Spec::parse("2022-2025").unwrap(),
            Spec {
                label: Some("2022-2025".into()),
                rev: None
            }
        );
        assert_eq!(
            Spec::parse("2022-2025@v1").unwrap(),
            Spec {
                label: Some("2022-2025".into()),
                rev: Some("v1".into())
            }
        );
        assert_eq!(
            Spec::parse("@HEAD~1").unwrap(),
            Spec {
                label: None,
                rev: Some("HEAD~1".into())
            }
        );
        assert!(Spec::parse("2022-2025@").is_err());
    }
}
