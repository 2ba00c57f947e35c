//! What completion, hover and go to definition look at: one period of the
//! repository read through the editor's buffers, with the document's
//! centre resolved (base + centre merged, provenance kept), and the
//! centres of the previous period for `previous_id`.
//!
//! A view reads only the period's base files and one centre (see
//! [`ScopedTree`]) and runs no rule: it is the merge `cpo explain` prints,
//! not a check. The server keeps the last views until a buffer changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;

use super::scope::ScopedTree;
use crate::merge::{self, Convention};
use crate::model::{BaseFile, Parsed, Period, Year};
use crate::pipeline::Project;
use crate::repo::layout::{self, PERIODS_DIR};
use crate::repo::{Overlay, Tree, WorkTree};

pub struct View {
    pub project: Project,
    pub period: String,
    /// The convention of the document's centre (for base files: of a
    /// centre of the period, to show what the template sees), when it
    /// resolves.
    pub conv: Option<Convention>,
    /// The previous period's label and the ids of its centres.
    pub previous: Option<(String, Vec<String>)>,
}

/// An axis as completion shows it.
pub struct AxisInfo {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub required: bool,
}

impl View {
    pub fn build(
        root: &Path,
        buffers: BTreeMap<String, String>,
        period: &str,
        centre: Option<&str>,
    ) -> Result<View> {
        let overlay = Overlay::new(Box::new(WorkTree::new(root)), buffers);
        let previous = previous_period(&overlay, period)?;
        let centres: BTreeSet<String> = centre.map(str::to_string).into_iter().collect();
        let tree = ScopedTree::new(Box::new(overlay), Some(period.to_string()), Some(centres));
        let project = Project::with_tree(root, Box::new(tree))?;
        let conv = centre.and_then(|id| {
            let p = project.snapshot().period(Some(period))?;
            let shared = merge::Shared::of(project.snapshot(), p)?;
            merge::convention(p, &shared, p.centre(id)?, &mut Vec::new())
        });
        Ok(View {
            project,
            period: period.to_string(),
            conv,
            previous,
        })
    }

    pub fn period(&self) -> Option<&Period> {
        self.project.snapshot().period(Some(&self.period))
    }

    pub fn base(&self) -> Option<&Parsed<BaseFile>> {
        self.period()?.base.as_ref()
    }

    /// The repository path of a file the view read.
    pub fn path_of(&self, file: crate::diag::FileId) -> &str {
        &self.project.snapshot().sources.get(file).path
    }

    /// The axes a centre may use: the resolved ones (the base's, and any
    /// the centre adds), else the base's.
    pub fn axes(&self) -> Vec<AxisInfo> {
        let axes = match (&self.conv, self.base()) {
            (Some(conv), _) => &conv.data.axes,
            (None, Some(base)) => &base.data.axes,
            (None, None) => return Vec::new(),
        };
        axes.iter()
            .map(|a| AxisInfo {
                id: a.id.clone(),
                title: a.title.clone(),
                description: a.description.clone(),
                required: a.required,
            })
            .collect()
    }

    /// The funder signatories: id and name.
    pub fn funders(&self) -> Vec<(String, String)> {
        let signatories = match (&self.conv, self.base()) {
            (Some(conv), _) => &conv.data.signatories,
            (None, Some(base)) => &base.data.signatories,
            (None, None) => return Vec::new(),
        };
        signatories
            .iter()
            .filter(|s| s.funder)
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect()
    }

    /// The section ids of `[sections]`: required, then optional.
    pub fn sections(&self) -> (Vec<String>, Vec<String>) {
        self.base()
            .map(|b| {
                (
                    b.data.sections.required.clone(),
                    b.data.sections.optional.clone(),
                )
            })
            .unwrap_or_default()
    }

    pub fn years(&self) -> Vec<Year> {
        self.base()
            .filter(|b| b.data.period.is_usable())
            .map(|b| b.data.period.years())
            .unwrap_or_default()
    }
}

/// The period before `label` (periods sorted as the loader sorts them:
/// by their years) and the ids of its centres.
fn previous_period(tree: &dyn Tree, label: &str) -> Result<Option<(String, Vec<String>)>> {
    let mut periods: Vec<(Option<(Year, Year)>, String)> = tree
        .list(PERIODS_DIR)?
        .into_iter()
        .filter(|e| e.is_dir())
        .map(|e| (crate::model::parse_period_label(&e.name), e.name))
        .collect();
    periods.sort();
    let Some(i) = periods.iter().position(|(_, l)| l == label) else {
        return Ok(None);
    };
    let Some((_, previous)) = i.checked_sub(1).map(|j| periods[j].clone()) else {
        return Ok(None);
    };
    let ids = tree
        .list(&layout::centres_dir(&previous))?
        .into_iter()
        .filter_map(|e| e.name.strip_suffix(".toml").map(str::to_string))
        .collect();
    Ok(Some((previous, ids)))
}
