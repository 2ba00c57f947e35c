//! The pipeline, as one value: open a repository, check it, then render,
//! compare, export or seal what the check accepted.
//!
//! ```text
//! Project::open(root)            work tree | git revision | editor buffers
//!   .check(&options) -> Checked  findings + every period's resolved conventions
//!   render(&checked, …)          documents of the accepted conventions
//!   diff::compare(from, to, …)   two checked periods
//! ```
//!
//! mdBook's `MDBook::load(root)?.build()` is the model: the command line,
//! the benchmarks and the language server all drive the same values, so a
//! convention is resolved once per run, under one written policy
//! ([`Checked::verdict`]), and `cli/` only parses arguments and prints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::check::{self, CheckedPeriod, Options};
use crate::diag::{Diagnostic, Report, Severity};
use crate::merge::Convention;
use crate::model::Snapshot;
use crate::render::template::BaseTemplate;
use crate::repo::{self, FileKind, GitTree, Origin, Overlay, Tree, WorkTree};

/// A convention repository, read.
pub struct Project {
    root: PathBuf,
    tree: Box<dyn Tree>,
    snapshot: Snapshot,
}

impl Project {
    /// The repository at `root`, from its work tree.
    pub fn open(root: &Path) -> Result<Project> {
        Project::from_tree(root, Box::new(WorkTree::new(root)))
    }

    /// The repository at `root` as it was at a git revision (read in place).
    pub fn at_revision(root: &Path, rev: &str) -> Result<Project> {
        Project::from_tree(root, Box::new(GitTree::open(root, rev)?))
    }

    /// The repository at `root` with some files replaced by the texts given
    /// (an editor's unsaved buffers), by repository-relative path.
    pub fn with_buffers(root: &Path, buffers: BTreeMap<String, String>) -> Result<Project> {
        let base = Box::new(WorkTree::new(root));
        Project::from_tree(root, Box::new(Overlay::new(base, buffers)))
    }

    /// The repository at `root` read through any tree: the language server
    /// passes its unsaved buffers over a view that lists only the period
    /// and centres an edit can affect, so that a keystroke in one centre
    /// of two thousand does not read the other 3 999 files.
    pub fn with_tree(root: &Path, tree: Box<dyn Tree>) -> Result<Project> {
        Project::from_tree(root, tree)
    }

    fn from_tree(root: &Path, tree: Box<dyn Tree>) -> Result<Project> {
        let snapshot = Snapshot::load(tree.as_ref())
            .with_context(|| format!("reading the repository at {}", root.display()))?;
        Ok(Project {
            root: root.to_path_buf(),
            tree,
            snapshot,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    pub fn tree(&self) -> &dyn Tree {
        self.tree.as_ref()
    }

    pub fn origin(&self) -> Origin {
        self.tree.origin()
    }

    /// Check the repository: every finding, and every selected period's
    /// conventions resolved once for the stages that follow.
    pub fn check(&self, options: &Options) -> Checked<'_> {
        let templates = crate::render::checks::TemplateChecks::new(self.snapshot.territory());
        let seals = crate::seal::SealChecks::new(&self.root, self.origin());
        let mut outcome = check::check(&self.snapshot, options, &[&templates, &seals]);
        // Links are checked against the tree, one after the other (a git
        // tree cannot be shared between threads).
        let links = crate::render::checks::links(&self.snapshot, self.tree.as_ref(), options);
        if !links.is_empty() {
            let mut all = std::mem::take(&mut outcome.diagnostics);
            all.extend(links);
            outcome.diagnostics = check::lints(&self.snapshot, options.deny_warnings)
                .apply(&self.snapshot.sources, all);
        }
        Checked {
            project: self,
            outcome,
            templates: templates.into_compiled(),
        }
    }
}

impl Project {
    /// One centre of a period resolved (base + centre), or why it cannot
    /// be. A convention that resolves is given even when `check` finds
    /// errors in it (`merge` and `explain` show what is; see
    /// [`Checked::verdict`]).
    pub fn resolve_centre(&self, label: &str, centre: &str) -> Result<Convention> {
        let checked = self.check(&Options {
            period: Some(label.to_string()),
            centres: vec![centre.to_string()],
            deny_warnings: false,
            findings_only: false,
        });
        if let Some(conv) = checked
            .period(Some(label))
            .and_then(|p| p.conventions.iter().find(|c| c.id == centre))
        {
            return Ok(conv.clone());
        }
        let sources = &checked.snapshot().sources;
        let errors: Vec<String> = checked
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", sources.describe(&d.loc), d.message))
            .collect();
        anyhow::bail!(
            "centre `{centre}` of period {label} cannot be resolved:\n  {}\n(run `cpo check` for details)",
            if errors.is_empty() {
                "its files are incomplete".to_string()
            } else {
                errors.join("\n  ")
            }
        )
    }
}

/// A checked repository: the findings, and what later stages consume.
pub struct Checked<'p> {
    pub project: &'p Project,
    pub outcome: check::Outcome,
    /// base.md of each period, compiled once by the check.
    templates: HashMap<String, Arc<BaseTemplate>>,
}

/// Why a convention may not be rendered, sealed or published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No finding of error severity concerns it.
    Accepted,
    /// Its error findings, as `file:line:col: message`.
    Rejected(Vec<String>),
}

impl Checked<'_> {
    pub fn snapshot(&self) -> &Snapshot {
        &self.project.snapshot
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.outcome.diagnostics
    }

    /// The findings as a report for the output formats.
    pub fn report(&self) -> Report<'_> {
        Report {
            sources: &self.snapshot().sources,
            diagnostics: self.outcome.diagnostics.clone(),
            files: self.snapshot().sources.read_count(),
        }
    }

    pub fn errors(&self) -> usize {
        self.outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// A checked period by label, or the latest one.
    pub fn period(&self, label: Option<&str>) -> Option<&CheckedPeriod> {
        match label {
            Some(l) => self.outcome.periods.iter().find(|p| p.label == l),
            None => self.outcome.periods.last(),
        }
    }

    /// The compiled base.md of a period (when it compiles).
    pub fn template(&self, period: &str) -> Option<&Arc<BaseTemplate>> {
        self.templates.get(period)
    }

    /// The policy, written once: a convention is accepted for rendering,
    /// sealing and publishing when no error-severity finding concerns it —
    /// one located in its own two files, in its period's base files,
    /// annexes or seals about it, in cpo.toml, or in a template override.
    /// (`diff`, `merge` and `explain` work on every convention that
    /// resolves, accepted or not: they show what is, they do not publish.)
    pub fn verdict(&self, conv: &Convention) -> Verdict {
        let sources = &self.snapshot().sources;
        let reasons: Vec<String> = self
            .outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| concerns(d, &FileKind::of(&sources.get(d.loc.file).path), conv))
            .map(|d| format!("{}: {}", sources.describe(&d.loc), d.message))
            .collect();
        if reasons.is_empty() {
            Verdict::Accepted
        } else {
            Verdict::Rejected(reasons)
        }
    }
}

impl Project {
    /// One period's conventions resolved (base and centre merged, as the
    /// check resolves them), without the check's rules: for `diff`, which
    /// shows every convention that resolves and reports no finding. `None`
    /// when there is no such period.
    pub fn resolve(&self, label: &str) -> Option<CheckedPeriod> {
        use rayon::prelude::*;
        let period = self.snapshot.period(Some(label))?;
        let shared = crate::merge::Shared::of(&self.snapshot, period);
        let resolved: Vec<(String, Option<Convention>)> = period
            .centres
            .par_iter()
            .map(|c| {
                let conv = shared
                    .as_ref()
                    .and_then(|s| crate::merge::convention(period, s, c, &mut Vec::new()));
                (c.id.clone(), conv)
            })
            .collect();
        let mut out = CheckedPeriod {
            label: period.label.clone(),
            shared,
            conventions: Vec::new(),
            unresolved: Vec::new(),
        };
        for (id, conv) in resolved {
            match conv {
                Some(c) => out.conventions.push(c),
                None => out.unresolved.push(id),
            }
        }
        Some(out)
    }
}

/// How `diff` reads the common text and the centres' texts: as `render`
/// reads them (`render::reading`). The two stages are peers; the pipeline
/// hands one to the other.
pub struct TextReader;

impl crate::diff::Reader for TextReader {
    fn rendered(
        &self,
        source: &str,
        conv: &Convention,
        placeholders: bool,
    ) -> Result<Vec<crate::diff::side::Article>, String> {
        crate::render::reading::rendered(source, conv, placeholders)
            .map(|articles| articles.into_iter().map(article).collect())
    }

    fn source_articles(&self, source: &str) -> Vec<crate::diff::side::Article> {
        crate::render::reading::from_source(source)
            .into_iter()
            .map(article)
            .collect()
    }

    fn plain_text(&self, markdown: &str) -> String {
        crate::render::reading::plain_text(markdown)
    }
}

fn article(a: crate::render::reading::ReadArticle) -> crate::diff::side::Article {
    crate::diff::side::Article {
        id: a.id,
        title: a.title,
        body: a.body,
    }
}

/// The comparison report as HTML (`markdown` false) or Markdown, with the
/// repository's templates `diff.html` and `diff.md` (overridable from
/// `templates/`). Templates that do not compile are an error naming them.
pub fn diff_report(
    project: &Project,
    report: &crate::diff::Report,
    markdown: bool,
) -> Result<String> {
    use crate::render::theme::{DIFF_HTML, DIFF_MD, Theme};
    let snapshot = project.snapshot();
    let theme = Theme::load_for_rendering(snapshot)?;
    let page = crate::diff::view::Page::of(report);
    let text = if markdown {
        theme.render_markdown(DIFF_MD, &page)
    } else {
        theme.render(DIFF_HTML, &page)
    };
    text.map_err(|e| anyhow::anyhow!(e.message))
}

/// Whether a finding concerns a convention (see [`Checked::verdict`]).
fn concerns(d: &Diagnostic, kind: &FileKind, conv: &Convention) -> bool {
    if let Some(about) = &d.centre {
        return about == &conv.id && kind.period().is_none_or(|p| p == conv.period());
    }
    match kind {
        FileKind::Config | FileKind::Template { .. } => true,
        FileKind::Base { period }
        | FileKind::BaseText { period }
        | FileKind::PeriodFile { period }
        | FileKind::Seals { period } => period == conv.period(),
        FileKind::Centre { period, id } | FileKind::CentreText { period, id } => {
            period == conv.period() && *id == conv.id
        }
        FileKind::Schema | FileKind::Other => false,
    }
}

/// The output folder of a repository: `--out`, else `[render] output`
/// under the root. It may not overlap the files cpo reads (`periods/`,
/// `templates/`, `schemas/`, `.git`) nor be the root itself: rendering
/// there could overwrite a source (a centre called `base` in
/// `periods/2022-2025/`).
pub fn output_dir(project: &Project, out: Option<&Path>) -> Result<PathBuf> {
    let root = project.root();
    let dir = match out {
        Some(o) => o.to_path_buf(),
        None => {
            // The configured folder comes with the repository (a pull
            // request can change it): it must stay inside the repository,
            // symbolic links followed, so that checking out and building
            // someone's branch never writes elsewhere. `--out` is the
            // user's own choice.
            let configured = project
                .snapshot()
                .config
                .as_ref()
                .map_or("dist", |c| c.data.render.output.as_str());
            let dir = root.join(configured);
            if !resolve(&dir).starts_with(resolve(root)) {
                anyhow::bail!(
                    "cpo.toml's [render] output leads outside the repository (an absolute path, `..` or a symbolic link out): choose a folder inside it, such as `dist`, or give `--out DIR`"
                );
            }
            dir
        }
    };
    check_output_dir(root, &dir)?;
    Ok(dir)
}

/// Refuse an output file (`diff -o`, `export -o`) among the sources.
pub fn check_output_file(root: &Path, file: &Path) -> Result<()> {
    check_output_dir(root, file).map_err(|_| {
        anyhow::anyhow!(
            "{} is among the repository's sources (`periods/`, `templates/`, `schemas/`, `.git`) or is the repository itself: write it elsewhere",
            file.display()
        )
    })
}

/// A path as the system will follow it when it creates the folder: each
/// existing part resolved (symbolic links), `..` going up from there, the
/// rest as written (`dist/../periods` is `periods`).
fn resolve(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for part in abs.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => {
                out.push(other);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    out
}

/// Refuse an output folder that overlaps what cpo reads.
pub fn check_output_dir(root: &Path, dir: &Path) -> Result<()> {
    let root = resolve(root);
    let dir = resolve(dir);
    if dir == root {
        anyhow::bail!(
            "the output folder {} is the repository itself: choose a folder of its own, such as `dist`",
            dir.display()
        );
    }
    for protected in [
        repo::layout::PERIODS_DIR,
        repo::layout::TEMPLATES_DIR,
        repo::layout::SCHEMAS_DIR,
        ".git",
    ] {
        let p = root.join(protected);
        if dir.starts_with(&p) || p.starts_with(&dir) {
            anyhow::bail!(
                "the output folder {} overlaps `{protected}`, which holds the repository's sources: choose another one, such as `dist`",
                dir.display()
            );
        }
    }
    Ok(())
}

/// The date documents carry: the last commit's (UTC) when the repository
/// is in git, else the period's first day. Never the clock, so the same
/// inputs give the same files.
pub fn document_date(project: &Project, period: &CheckedPeriod) -> String {
    if let Some((_, date)) = repo::head_commit(project.root()) {
        return date.to_string();
    }
    period
        .conventions
        .first()
        .map(|c| c.data.period.start.to_string())
        .or_else(|| {
            crate::model::parse_period_label(&period.label).map(|(y, _)| format!("{y}-01-01"))
        })
        .unwrap_or_else(|| "1970-01-01".to_string())
}

/// What `cpo build` did.
pub struct Built<'p> {
    pub checked: Checked<'p>,
    /// `None` when the check found errors: nothing was rendered.
    pub render: Option<crate::render::Outcome>,
}

/// `cpo build`: check everything; unless something is an error, write the
/// comparison with the previous period and render the latest period (or
/// `period`), each file only when it changed.
pub fn build<'p>(
    project: &'p Project,
    period: Option<&str>,
    out: &Path,
    force: bool,
) -> Result<Built<'p>> {
    let checked = project.check(&Options::default());
    if checked.errors() > 0 {
        return Ok(Built {
            checked,
            render: None,
        });
    }
    let label = checked
        .period(period)
        .map(|p| p.label.clone())
        .context("the repository has no period yet: create one under periods/")?;
    let mut reports = Vec::new();
    if let Some(previous) = project.snapshot().previous_period(&label) {
        let from = crate::diff::side::Side::resolve(&checked, &previous.label)
            .with_context(|| format!("comparing with period {}", previous.label))?;
        let to = crate::diff::side::Side::resolve(&checked, &label)?;
        let report =
            crate::diff::compare(&from, &to, &crate::diff::Options::default(), &TextReader)?;
        let name = format!("comparaison-{}.html", previous.label);
        let html = diff_report(project, &report, false)?;
        crate::render::write_if_changed(&out.join(&label).join(&name), html.as_bytes())?;
        reports.push(crate::render::IndexLink {
            href: name,
            label: format!("Ce qui change depuis la période {}", previous.label),
        });
    }
    let date = checked
        .period(Some(&label))
        .map(|p| document_date(project, p))
        .unwrap_or_default();
    let render = crate::render::render_period(
        &checked,
        &crate::render::Options {
            period: Some(label),
            centres: Vec::new(),
            formats: crate::render::Formats::ALL,
            out: out.to_path_buf(),
            force,
            allow_errors: false,
            date,
            reports,
        },
    )?;
    Ok(Built {
        checked,
        render: Some(render),
    })
}

/// What `cpo verify` found.
pub struct Verification {
    pub identity: crate::lifecycle::verify::Identity,
    /// What the document was compared with.
    pub origin: Origin,
    /// The convention's fingerprint in the repository now.
    pub fingerprint: String,
    /// Where the document and the repository's rendering first differ;
    /// `None` when they are the same.
    pub difference: Option<String>,
    /// The parts changed since the seal the document carries, when the
    /// fingerprint differs and that seal is recorded.
    pub changed_parts: Vec<String>,
}

/// `cpo verify FILE`: render the convention the file says it is, from the
/// work tree or `rev`, with the file's date, and compare.
pub fn verify(root: &Path, file: &Path, rev: Option<&str>) -> Result<Verification> {
    let meta = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
    if !meta.is_file() {
        anyhow::bail!("{} is not a regular file", file.display());
    }
    if meta.len() > repo::MAX_ANNEX_BYTES {
        anyhow::bail!(
            "{} is too large to be a rendered convention",
            file.display()
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let identity = crate::lifecycle::verify::identity(&bytes)?;
    let project = match rev {
        Some(rev) => Project::at_revision(root, rev)?,
        None => Project::open(root)?,
    };
    let origin = project.origin();
    let checked = project.check(&Options {
        period: Some(identity.period.clone()),
        centres: vec![identity.id.clone()],
        deny_warnings: false,
        findings_only: false,
    });
    let period = project
        .snapshot()
        .period(Some(&identity.period))
        .with_context(|| format!("{origin} has no period {}", identity.period))?;
    let conv = checked
        .period(Some(&identity.period))
        .and_then(|p| p.conventions.iter().find(|c| c.id == identity.id))
        .with_context(|| {
            format!(
                "centre `{}` of period {} cannot be resolved in {origin}",
                identity.id, identity.period
            )
        })?;
    let fingerprint = conv.fingerprint();
    let date = match &identity.date {
        Some(d) => d.clone(),
        None => checked
            .period(Some(&identity.period))
            .map(|p| document_date(&project, p))
            .unwrap_or_default(),
    };
    let format = crate::render::FileFormat::sniff(&bytes);
    let doc = match identity.kind {
        crate::render::ir::DocumentKind::Convention => {
            let template = checked
                .template(&identity.period)
                .context("base.md does not compile: run `cpo check`")?;
            let nonconforming = checked.verdict(conv) != Verdict::Accepted;
            crate::render::convention_document(
                template,
                conv,
                &date,
                nonconforming,
                &crate::render::typography_options(&checked),
            )
            .map_err(anyhow::Error::msg)?
        }
        crate::render::ir::DocumentKind::Avenant => {
            let amendment = crate::lifecycle::avenant::prepare(&checked, period, &identity.id)?;
            let mut doc = crate::lifecycle::avenant::document(&amendment, date);
            crate::render::typeset::document(
                &mut doc,
                &crate::render::typography_options(&checked),
            );
            doc
        }
    };
    let expected = crate::render::document_bytes(&checked, &doc, format)?;
    let difference = crate::lifecycle::verify::first_difference(
        &bytes,
        &expected,
        format != crate::render::FileFormat::Pdf,
    );
    let mut changed_parts = Vec::new();
    if fingerprint != identity.fingerprint {
        let (seals, _) = crate::seal::read(period);
        if let Some((s, _)) = seals
            .iter()
            .rev()
            .find(|(s, _)| s.centre == identity.id && s.fingerprint == identity.fingerprint)
        {
            changed_parts = crate::seal::changed_parts(s, conv);
        }
    }
    Ok(Verification {
        identity,
        origin,
        fingerprint,
        difference,
        changed_parts,
    })
}

/// `cpo seal`: record the signed conventions of `centres`, refusing any
/// that `cpo check` rejects for another reason than the seal itself.
pub fn seal(
    checked: &Checked<'_>,
    label: &str,
    centres: &[String],
    date: crate::model::Date,
    amend: Option<u32>,
) -> Result<Vec<crate::seal::Sealed>> {
    let project = checked.project;
    let period = project
        .snapshot()
        .period(Some(label))
        .with_context(|| format!("no period {label}"))?;
    let checked_period = checked
        .period(Some(label))
        .with_context(|| format!("no period {label}"))?;
    let sources = &checked.snapshot().sources;
    let mut convs = Vec::new();
    for id in centres {
        let conv = checked_period
            .conventions
            .iter()
            .find(|c| &c.id == id)
            .with_context(|| format!("centre `{id}` cannot be resolved: run `cpo check {id}`"))?;
        let blocking: Vec<String> = checked
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| !matches!(d.rule, crate::diag::Rule::SealedChanged))
            .filter(|d| concerns(d, &FileKind::of(&sources.get(d.loc.file).path), conv))
            .map(|d| format!("{}: {}", sources.describe(&d.loc), d.message))
            .collect();
        if !blocking.is_empty() {
            anyhow::bail!(
                "cannot seal `{id}`, `cpo check` finds errors:\n  {}",
                blocking.join("\n  ")
            );
        }
        convs.push(conv);
    }
    let commit = repo::head_commit(project.root()).map(|(c, _)| c);
    crate::seal::seal(project.root(), period, &convs, date, amend, commit)
}
