//! `cpo render` and `cpo build`.
//!
//! render: resolve every selected convention of a period, render it in
//! memory (in parallel: typst and Tera are the costly part), write each
//! file atomically, then the period's index. A convention that cannot be
//! rendered is reported and the others are still written; the exit code is
//! then 1.
//!
//! build: check everything (stopping with exit code 1 before rendering
//! when there are errors), render the latest period, and write the diff
//! report against the previous period beside the documents.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::{Global, Outcome, style::Style};
use crate::check;
use crate::diag::Report;
use crate::diag::format::Format;
use crate::merge::{self, Convention};
use crate::model::{Period, Snapshot};
use crate::render::template::BaseTemplate;
use crate::render::theme::Theme;
use crate::render::{self, Formats, IndexLink, PeriodJob, Rendered};
use crate::repo::{WorkTree, write_atomic};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Render only these centres (default: all of the period)
    #[arg(value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Formats to write, comma-separated: html, pdf, md
    #[arg(long, value_delimiter = ',', default_value = crate::render::DEFAULT_FORMATS)]
    pub format: Vec<String>,
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The output folder: `--out`, else `[render] output` under the root.
pub fn output_dir(root: &Path, snapshot: &Snapshot, out: Option<&Path>) -> PathBuf {
    match out {
        Some(o) => o.to_path_buf(),
        None => root.join(
            snapshot
                .config
                .as_ref()
                .map_or("dist", |c| c.data.render.output.as_str()),
        ),
    }
}

/// The date documents carry: the last commit's (UTC) when the repository is
/// in git, else the period's first day. Never the clock, so the same inputs
/// give the same files.
pub fn document_date(root: &Path, period: &Period) -> String {
    let from_git = git2::Repository::discover(root).ok().and_then(|repo| {
        let commit = repo.head().ok()?.peel_to_commit().ok()?;
        let ts = jiff::Timestamp::from_second(commit.time().seconds()).ok()?;
        Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
    });
    from_git
        .or_else(|| {
            period
                .base
                .as_ref()
                .map(|b| b.data.period.start.to_string())
        })
        .unwrap_or_else(|| {
            period
                .years
                .map_or_else(|| "2000-01-01".to_string(), |(y, _)| format!("{y}-01-01"))
        })
}

/// Shows "[12/300] beaulieu" on a terminal while documents are rendered.
struct Progress {
    enabled: bool,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            enabled: total > 1 && std::io::stderr().is_terminal(),
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn tick(&self, id: &str) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if self.enabled {
            let width = 30;
            let filled = width * n / self.total.max(1);
            let _ = write!(
                std::io::stderr(),
                "\r\x1b[2K[{}{}] {n}/{} {id}",
                "#".repeat(filled),
                " ".repeat(width - filled),
                self.total
            );
        }
    }

    fn finish(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// What rendering a period did.
pub struct PeriodRender {
    pub dir: PathBuf,
    pub rendered: Vec<Rendered>,
    pub failures: Vec<String>,
}

/// Render `centres` (all when empty) of `period` into `out/PERIOD/`.
pub fn render_period(
    root: &Path,
    snapshot: &Snapshot,
    period: &Period,
    centres: &[String],
    formats: Formats,
    out: &Path,
    reports: &[IndexLink],
) -> Result<PeriodRender> {
    let theme = Theme::load(snapshot).map_err(|diags| {
        let msgs: Vec<String> = diags
            .iter()
            .map(|d| format!("{}: {}", snapshot.sources.describe(&d.loc), d.message))
            .collect();
        anyhow::anyhow!("the templates do not compile:\n  {}", msgs.join("\n  "))
    })?;
    let Some(base_doc) = &period.base_text else {
        anyhow::bail!("period {} has no base.md: run `cpo check`", period.label);
    };
    let base_source = &snapshot.sources.get(base_doc.file).text;
    let base = BaseTemplate::new(base_source).map_err(|e| {
        anyhow::anyhow!(
            "{}: {} (run `cpo check`)",
            snapshot
                .sources
                .describe(&e.into_diagnostic(base_doc.file).loc),
            "base.md does not compile as a template"
        )
    })?;
    let territory = snapshot
        .territory()
        .cloned()
        .context("cpo.toml is missing or invalid: run `cpo check`")?;

    let mut failures = Vec::new();
    let mut convs: Vec<Convention> = Vec::new();
    for centre in &period.centres {
        if !centres.is_empty() && !centres.contains(&centre.id) {
            continue;
        }
        let mut diags = Vec::new();
        match merge::convention(snapshot, period, &centre.id, &mut diags) {
            Some(conv) if diags.is_empty() => convs.push(conv),
            _ => failures.push(format!(
                "centre `{}` cannot be resolved: run `cpo check {}`",
                centre.id, centre.id
            )),
        }
    }

    let job = PeriodJob {
        snapshot,
        theme: &theme,
        base: &base,
        base_source,
        territory: territory.clone(),
        formats,
        date: document_date(root, period),
    };
    let dir = render::period_dir(out, &period.label);
    let progress = Progress::new(convs.len());
    let results = render::render_all(&job, &convs, &|id| progress.tick(id));
    progress.finish();

    let mut rendered = Vec::new();
    for (id, result) in results {
        match result {
            Ok(r) => {
                for (name, bytes) in &r.outputs {
                    write_atomic(&dir.join(name), bytes)?;
                }
                rendered.push(r);
            }
            Err(e) => failures.push(format!("centre `{id}`: {e}")),
        }
    }
    rendered.sort_by(|a, b| a.id.cmp(&b.id));
    let total = convs.iter().map(|c| c.data.funding_total()).sum();
    let title = period
        .base
        .as_ref()
        .map_or("Convention", |b| b.data.title.as_str());
    if formats.html {
        let index = render::index_page(
            &theme,
            &territory,
            &period.label,
            title,
            &rendered,
            reports,
            total,
        )
        .map_err(anyhow::Error::msg)?;
        write_atomic(&dir.join("index.html"), index.as_bytes())?;
    }
    Ok(PeriodRender {
        dir,
        rendered,
        failures,
    })
}

fn summarize(result: &PeriodRender, root: &Path) -> Outcome {
    let mut err = std::io::stderr().lock();
    for f in &result.failures {
        let _ = writeln!(err, "error: {f}");
    }
    let shown = result.dir.strip_prefix(root).unwrap_or(&result.dir);
    let files: usize = result.rendered.iter().map(|r| r.files.len()).sum();
    let _ = writeln!(
        err,
        "rendered {} convention(s), {files} file(s) in {}",
        result.rendered.len(),
        shown.display()
    );
    if result.failures.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

pub fn run(g: &Global, args: RenderArgs) -> Result<Outcome> {
    let formats = Formats::parse(&args.format).map_err(anyhow::Error::msg)?;
    let (root, snapshot) = super::open(g)?;
    let period = super::select_period(&snapshot, g.period.as_deref())?;
    super::check_centres(period, &args.centres)?;
    let out = output_dir(&root, &snapshot, args.out.as_deref());
    let result = render_period(&root, &snapshot, period, &args.centres, formats, &out, &[])?;
    Ok(summarize(&result, &root))
}

pub fn build(g: &Global, args: BuildArgs) -> Result<Outcome> {
    let (root, snapshot) = super::open(g)?;
    let period = super::select_period(&snapshot, g.period.as_deref())?;

    // 1. check: stop before rendering when anything is an error.
    let tree = WorkTree::new(&root);
    let render_checks = crate::render::checks::RenderChecks::new(&tree);
    let diagnostics = check::check(&snapshot, &check::Options::default(), &[&render_checks]);
    let report = Report {
        sources: &snapshot.sources,
        diagnostics,
        files: snapshot.sources.read_count(),
    };
    let style = Style::for_stderr(g.color);
    if report.errors() > 0 || report.warnings() > 0 {
        eprint!("{}", Format::Human.write(&report, style.enabled));
    }
    if report.errors() > 0 {
        eprintln!("cpo build: check found errors; nothing was rendered");
        return Ok(Outcome::Failure);
    }

    // 2. the diff report against the previous period, linked from the index.
    let out = output_dir(&root, &snapshot, args.out.as_deref());
    let reports = super::diff::build_report(&snapshot, period, &out)?;

    // 3. render the period.
    let result = render_period(&root, &snapshot, period, &[], Formats::ALL, &out, &reports)?;
    Ok(summarize(&result, &root))
}
