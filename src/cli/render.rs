//! `cpo render` and `cpo build`: parse the arguments, call the pipeline,
//! say what was written.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Global, Outcome, style::Style};
use crate::diag::format::Format;
use crate::pipeline;
use crate::render::{self, Formats};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Render only these centres (default: all of the period)
    #[arg(value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Formats to write, comma-separated
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = default_formats())]
    pub format: Vec<FormatArg>,
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render every document again, even those the cache says are up to date
    #[arg(long)]
    pub force: bool,
    /// Also render conventions `cpo check` rejects, marked « document non conforme »
    #[arg(long)]
    pub allow_errors: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render every document again, even those the cache says are up to date
    #[arg(long)]
    pub force: bool,
}

/// A document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Html,
    Pdf,
    Md,
}

pub fn default_formats() -> Vec<FormatArg> {
    if cfg!(feature = "pdf") {
        vec![FormatArg::Html, FormatArg::Pdf, FormatArg::Md]
    } else {
        vec![FormatArg::Html, FormatArg::Md]
    }
}

pub fn formats(list: &[FormatArg]) -> Formats {
    Formats {
        html: list.contains(&FormatArg::Html),
        pdf: list.contains(&FormatArg::Pdf),
        md: list.contains(&FormatArg::Md),
    }
}

/// Say what a render did; exit 1 when a convention was refused or failed.
fn summarize(result: &render::Outcome, root: &std::path::Path) -> Outcome {
    let mut err = std::io::stderr().lock();
    for (id, reasons) in &result.refused {
        let _ = writeln!(
            err,
            "error: convention `{id}` is not rendered: `cpo check` rejects it\n  {}",
            reasons.join("\n  ")
        );
    }
    for (id, e) in &result.failures {
        let _ = writeln!(err, "error: centre `{id}`: {e}");
    }
    let shown = result.dir.strip_prefix(root).unwrap_or(&result.dir);
    let _ = writeln!(
        err,
        "rendered {} convention(s) in {}: {} file(s) written, {} unchanged",
        result.rendered.len(),
        shown.display(),
        result.written.len(),
        result.unchanged
    );
    if result.refused.is_empty() && result.failures.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

pub fn run(g: &Global, args: RenderArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let period = super::select_period(project.snapshot(), g.period.as_deref())?;
    super::check_centres(period, &args.centres)?;
    let label = period.label.clone();
    let out = pipeline::output_dir(&project, g.opt_path(args.out.as_deref()).as_deref())?;
    let checked = project.check(&crate::check::Options {
        period: Some(label.clone()),
        centres: args.centres.clone(),
        deny_warnings: false,
        findings_only: false,
    });
    let date = checked
        .period(Some(&label))
        .map(|p| pipeline::document_date(&project, p))
        .unwrap_or_default();
    let result = render::render_period(
        &checked,
        &render::Options {
            period: Some(label),
            centres: args.centres,
            formats: formats(&args.format),
            out,
            force: args.force,
            allow_errors: args.allow_errors,
            date,
            reports: Vec::new(),
        },
    )?;
    Ok(summarize(&result, project.root()))
}

pub fn build(g: &Global, args: BuildArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    super::select_period(project.snapshot(), g.period.as_deref())?;
    let out = pipeline::output_dir(&project, g.opt_path(args.out.as_deref()).as_deref())?;
    let built = pipeline::build(&project, g.period.as_deref(), &out, args.force)?;
    let report = built.checked.report();
    let style = Style::for_stderr(g.color);
    if report.errors() > 0 || report.warnings() > 0 {
        eprint!("{}", Format::Human.write(&report, style.enabled));
    }
    match &built.render {
        None => {
            eprintln!("cpo build: check found errors; nothing was rendered");
            Ok(Outcome::Failure)
        }
        Some(result) => Ok(summarize(result, project.root())),
    }
}
