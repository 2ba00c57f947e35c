//! The command line: clap definitions and one file per command. This is the
//! only module that prints; everything it calls returns values.
//!
//! Exit codes (SPEC §4): 0 success, 1 findings of error severity (or
//! differences with `diff --exit-code`), 2 usage, I/O or internal failure.

mod check;
mod diff;
mod explain;
mod lifecycle;
mod merge;
mod render;
mod rules;
mod schema;
pub mod style;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::{Period, Snapshot};
use crate::pipeline::Project;
use crate::repo;

/// Write, check, render and compare conventions pluriannuelles d'objectifs
/// kept as plain text in git.
#[derive(Debug, Parser)]
#[command(name = "cpo", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Repository root (default: the nearest folder upward holding
    /// cpo.toml); relative output paths are taken from it, as with `git -C`
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Agreement period, e.g. 2022-2025 (default: the latest)
    #[arg(long, global = true, value_name = "LABEL")]
    pub period: Option<String>,
    /// When to use colours
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every file against the base and the domain's rules
    Check(check::CheckArgs),
    /// Print the resolved convention of a centre (base + centre merged)
    Merge(merge::MergeArgs),
    /// Print the value of one resolved key and where it comes from
    Explain(explain::ExplainArgs),
    /// Write the conventions as HTML, PDF and Markdown, and the period's index
    Render(render::RenderArgs),
    /// Compare two snapshots: periods or git revisions
    Diff(diff::DiffArgs),
    /// Check, render the latest period, and diff it against the previous one
    Build(render::BuildArgs),
    /// Create a new convention repository
    Init(lifecycle::InitArgs),
    /// Scaffold a centre or a period
    #[command(subcommand)]
    New(lifecycle::NewCommand),
    /// Format the TOML files canonically, comments kept
    Fmt(lifecycle::FmtArgs),
    /// Export funding per centre, funder and year (CSV, JSON, SCDL, XLSX)
    Export(lifecycle::ExportArgs),
    /// Record the fingerprint of signed conventions in seals.toml
    Seal(lifecycle::SealArgs),
    /// Tell which convention a rendered file is, and whether the repository still matches it
    Verify(lifecycle::VerifyArgs),
    /// Write the amendment (avenant) listing what changed since a convention was sealed
    Avenant(lifecycle::AvenantArgs),
    /// Print or write the JSON Schemas of the TOML files
    Schema(schema::SchemaArgs),
    /// List every rule with its default severity
    Rules(rules::RulesArgs),
    /// Serve the Language Server Protocol on stdin and stdout, for editors
    Lsp,
    /// Print shell completions
    Completions(lifecycle::CompletionsArgs),
    /// Print the man page
    Man,
}

/// The outcome of a command that did not fail: exit code 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Findings of error severity, or differences with `--exit-code`.
    Failure,
}

/// Parse the command line, run it, print errors, return the exit code.
pub fn main() -> ExitCode {
    crate::budget::on_exceeded(out_of_memory);
    crate::budget::on_overtime(overtime);
    if let Some(value) = std::env::var_os("CPO_PDF_TIMEOUT").filter(|v| !v.is_empty()) {
        match value.to_str().and_then(|v| v.trim().parse::<u64>().ok()) {
            Some(seconds) if seconds > 0 => {
                crate::render::set_pdf_time_limit(std::time::Duration::from_secs(seconds))
            }
            _ => {
                print_error(&anyhow::anyhow!(
                    "CPO_PDF_TIMEOUT must be a whole number of seconds, more than 0 (got {value:?})"
                ));
                return ExitCode::from(2);
            }
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::from(1),
        Err(e) => {
            print_error(&e);
            ExitCode::from(2)
        }
    }
}

/// A template's work passed its memory limit ([`crate::budget`]): say so
/// and stop, as for any input cpo cannot process. Called from inside the
/// allocator (the thread has no limit any more, so it may allocate).
fn out_of_memory(what: &'static str, limit: usize, total: usize) -> ! {
    stop_now(&format!(
        "error: {what} needed more than {} MB of memory (or all templates' work at once more \
         than {} MB); cpo stopped rather than exhaust the machine's (a loop or a range without \
         end?)\n",
        limit >> 20,
        total >> 20
    ))
}

/// Work under a deadline ([`crate::budget::deadline`]: a PDF) took too
/// long: say so and stop, while the work still runs on its own thread.
fn overtime(what: &str, within: std::time::Duration) -> ! {
    stop_now(&format!(
        "error: {what} took more than {} s and was stopped, with the rest of the run: a loop \
         without end in templates/convention.typ, or a convention or annex too large to lay \
         out in that time? (CPO_PDF_TIMEOUT=SECONDS allows longer)\n",
        within.as_secs()
    ))
}

/// Write `message` on stderr and end the process with exit code 2, from
/// the middle of other work: straight to the file descriptor (a thread
/// stopped while it held stderr's lock must not keep the process from
/// ending; a closed stderr is ignored), and without exit handlers or
/// thread-local destructors, which could find the interrupted code's
/// state half changed.
fn stop_now(message: &str) -> ! {
    #[cfg(unix)]
    // SAFETY: writes `message`'s bytes, which outlive the call; `_exit`
    // only ends the process.
    unsafe {
        libc::write(2, message.as_ptr().cast(), message.len());
        libc::_exit(2)
    }
    #[cfg(not(unix))]
    {
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(message.as_bytes());
        std::process::exit(2)
    }
}

/// Print an error and its causes on stderr.
pub fn print_error(e: &anyhow::Error) {
    let mut err = std::io::stderr().lock();
    let style = style::Style::for_stderr(ColorChoice::Auto);
    let _ = writeln!(err, "{}: {e}", style.error("error"));
    for cause in e.chain().skip(1) {
        let _ = writeln!(err, "  caused by: {cause}");
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let g = &cli.global;
    match cli.command {
        Command::Check(args) => check::run(g, args),
        Command::Merge(args) => merge::run(g, args),
        Command::Explain(args) => explain::run(g, args),
        Command::Render(args) => render::run(g, args),
        Command::Build(args) => render::build(g, args),
        Command::Diff(args) => diff::run(g, args),
        Command::Init(args) => lifecycle::init(g, args),
        Command::New(cmd) => lifecycle::new(g, cmd),
        Command::Fmt(args) => lifecycle::fmt(g, args),
        Command::Export(args) => lifecycle::export(g, args),
        Command::Seal(args) => lifecycle::seal(g, args),
        Command::Verify(args) => lifecycle::verify(g, args),
        Command::Avenant(args) => lifecycle::avenant(g, args),
        Command::Schema(args) => schema::run(g, args),
        Command::Rules(args) => rules::run(g, args),
        Command::Completions(args) => lifecycle::completions(g, args),
        Command::Man => lifecycle::man(g),
        // LSP: exit code 0 after `shutdown` then `exit`, 1 otherwise.
        Command::Lsp => Ok(if crate::lsp::run() {
            Outcome::Success
        } else {
            Outcome::Failure
        }),
    }
}

impl Global {
    /// A path the user typed (`--out`, `-o`), as if cpo had been started in
    /// the `-C` folder: relative paths are taken from it, like `git -C`.
    pub fn path(&self, p: &Path) -> PathBuf {
        match &self.dir {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// An optional path the user typed, see [`Global::path`].
    pub fn opt_path(&self, p: Option<&Path>) -> Option<PathBuf> {
        p.map(|p| self.path(p))
    }
}

/// The repository, from its work tree.
pub fn open(g: &Global) -> Result<Project> {
    let root = repo::find_root(g.dir.as_deref())?;
    Project::open(&root)
}

/// The period `--period` names, or the latest; an error listing the
/// periods when there is no such period.
pub fn select_period<'s>(snapshot: &'s Snapshot, label: Option<&str>) -> Result<&'s Period> {
    match snapshot.period(label) {
        Some(p) => Ok(p),
        None => match label {
            Some(l) => anyhow::bail!(
                "no period `{l}` (periods: {})",
                list_or_none(&snapshot.period_labels())
            ),
            None => anyhow::bail!("the repository has no period yet: create one under periods/"),
        },
    }
}

/// Check that every named centre exists in the period.
pub fn check_centres(period: &Period, centres: &[String]) -> Result<()> {
    for id in centres {
        if period.centre(id).is_none() {
            let ids: Vec<&str> = period.centres.iter().map(|c| c.id.as_str()).collect();
            let hint = crate::diag::closest(id, ids.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            anyhow::bail!(
                "no centre `{id}` in period {}{hint} (centres: {})",
                period.label,
                list_or_none(&ids)
            );
        }
    }
    Ok(())
}

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Write to stdout, ignoring a closed pipe (`cpo check | head`).
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
