//! The convention's life: init, new, fmt, export, seal, verify, avenant,
//! completions, man. The work is in `crate::lifecycle`; this file parses
//! arguments and says what was done.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory, Subcommand, ValueEnum};

use super::{Global, Outcome, emit};
use crate::lifecycle::{self, export, fmt as format};
use crate::pipeline;
use crate::repo::write_atomic;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new repository (default: the current folder)
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Both files of a new centre, from its base
    Centre {
        /// The centre's id ([a-z0-9-]+)
        id: String,
    },
    /// A new period rolled over from an existing one
    Period {
        /// The new period's label, e.g. 2026-2029
        label: String,
        /// The period to copy
        #[arg(long, value_name = "LABEL")]
        from: String,
    },
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Do not write: list the files that would change and exit 1 if any
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export format
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// CSV field separator: one ASCII character, `;` for a spreadsheet in French, `tab` for a tab
    #[arg(long, value_name = "CHAR", value_parser = export::parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Begin the CSV with a UTF-8 byte order mark, by which Excel knows the file is UTF-8
    #[arg(long)]
    pub bom: bool,
    /// Write CSV amounts with a decimal comma (125000,50), which a spreadsheet in French reads as numbers
    #[arg(long)]
    pub decimal_comma: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One row per centre, funder and year
    Csv,
    /// The rows of `csv` as a JSON array
    Json,
    /// The SCDL subventions 2.1.1 CSV (open data): only conventions `cpo check` accepts
    Scdl,
    /// A workbook of funding tables: one sheet per period (all periods unless `--period`)
    Xlsx,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// Centres whose conventions were signed
    #[arg(required = true, value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Date of signature (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Seal a changed convention again, once avenant number N is signed
    #[arg(long, value_name = "N")]
    pub amend: Option<u32>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A rendered convention or avenant (.html, .pdf or .md)
    pub file: PathBuf,
    /// Compare with the repository at this git revision instead of the work tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Args)]
pub struct AvenantArgs {
    /// The centre whose sealed convention is amended
    pub centre: String,
    /// Formats to write, comma-separated
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = super::render::default_formats())]
    pub format: Vec<super::render::FormatArg>,
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Default period of a new repository: this year and the next three.
fn default_label() -> String {
    let year = jiff::Zoned::now().year();
    format!("{year}-{}", year + 3)
}

pub fn init(g: &Global, args: InitArgs) -> Result<Outcome> {
    let dir = match (args.dir, &g.dir) {
        (Some(d), _) => d,
        (None, Some(d)) => d.clone(),
        (None, None) => std::env::current_dir().context("reading the current folder")?,
    };
    let label = g.period.clone().unwrap_or_else(default_label);
    let written = lifecycle::init(&dir, &label)?;
    for f in &written {
        say(&format!("created {}", f.display()));
    }
    say(&format!(
        "\nA new convention repository is ready in {}. Next:\n  cpo -C {} check\n  cpo -C {} new centre mon-centre\n  cpo -C {} render",
        dir.display(),
        dir.display(),
        dir.display(),
        dir.display()
    ));
    Ok(Outcome::Success)
}

pub fn new(g: &Global, cmd: NewCommand) -> Result<Outcome> {
    let project = super::open(g)?;
    let root = project.root();
    let snapshot = project.snapshot();
    let (written, rolled_from) = match cmd {
        NewCommand::Centre { id } => {
            let period = super::select_period(snapshot, g.period.as_deref())?;
            (
                lifecycle::new_centre(root, snapshot, &period.label, &id)?,
                None,
            )
        }
        NewCommand::Period { label, from } => {
            let rolled = lifecycle::new_period(root, snapshot, &label, &from)?;
            (rolled.written, Some((from, rolled.left_out)))
        }
    };
    for f in &written {
        say(&format!(
            "created {}",
            f.strip_prefix(root).unwrap_or(f).display()
        ));
    }
    if let Some((from, l)) = rolled_from {
        let counted: Vec<String> = [
            (l.habilitations, "habilitation", "habilitations"),
            (l.mandates, "association mandate", "association mandates"),
            (l.application_dates, "application date", "application dates"),
            (l.baselines, "indicator baseline", "indicator baselines"),
            (
                l.agrements,
                "agrément already over",
                "agréments already over",
            ),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        if !counted.is_empty() {
            say(&format!(
                "left out what was about the conventions of {from}: {}",
                counted.join(", ")
            ));
        }
    }
    say("run `cpo check` to see what is left to fill in");
    Ok(Outcome::Success)
}

pub fn fmt(g: &Global, args: FmtArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let changed = format::changes(project.snapshot())?;
    if args.check {
        for (path, _) in &changed {
            emit(&format!("{path}\n"))?;
        }
        if !changed.is_empty() {
            say(&format!(
                "{} file(s) would be reformatted (run `cpo fmt`)",
                changed.len()
            ));
            return Ok(Outcome::Failure);
        }
        return Ok(Outcome::Success);
    }
    for (path, text) in &changed {
        write_atomic(&project.root().join(path), text.as_bytes())?;
        say(&format!("formatted {path}"));
    }
    Ok(Outcome::Success)
}

pub fn export(g: &Global, args: ExportArgs) -> Result<Outcome> {
    let csv_options = [
        (args.delimiter.is_some(), "--delimiter"),
        (args.bom, "--bom"),
        (args.decimal_comma, "--decimal-comma"),
    ];
    if args.format != ExportFormat::Csv
        && let Some((_, flag)) = csv_options.iter().find(|(given, _)| *given)
    {
        anyhow::bail!("{flag} is an option of `--format csv`");
    }
    // Refused before any work: a workbook's bytes would garble the terminal.
    if args.format == ExportFormat::Xlsx && args.out.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "an xlsx workbook is binary and standard output is a terminal: write it to a file with `-o FILE.xlsx`"
        );
    }
    let project = super::open(g)?;
    // The workbook has a sheet per period: all of them unless `--period`
    // names one. The other formats export one period, the latest by default.
    let labels: Vec<String> = if args.format == ExportFormat::Xlsx && g.period.is_none() {
        project
            .snapshot()
            .period_labels()
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        let period = super::select_period(project.snapshot(), g.period.as_deref())?;
        vec![period.label.clone()]
    };
    if labels.is_empty() {
        anyhow::bail!("the repository has no period yet: create one under periods/");
    }
    let checked = project.check(&crate::check::Options {
        period: (labels.len() == 1).then(|| labels[0].clone()),
        ..Default::default()
    });
    let format = match args.format {
        ExportFormat::Csv => export::Format::Csv(export::CsvStyle {
            delimiter: args.delimiter.unwrap_or(b','),
            bom: args.bom,
            decimal_comma: args.decimal_comma,
        }),
        ExportFormat::Json => export::Format::Json,
        ExportFormat::Scdl => export::Format::Scdl,
        ExportFormat::Xlsx => export::Format::Xlsx,
    };
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let exported = export::export(&checked, &labels, format)?;
    for (id, reasons) in &exported.rejected {
        say(&format!(
            "error: convention `{id}` is left out of the export: `cpo check` rejects it\n  {}",
            reasons.join("\n  ")
        ));
    }
    match g.opt_path(args.out.as_deref()) {
        Some(path) => {
            pipeline::check_output_file(project.root(), &path)?;
            write_atomic(&path, &exported.bytes)?
        }
        None => emit_bytes(&exported.bytes)?,
    }
    Ok(if exported.rejected.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Write bytes (a workbook, a CSV with its BOM) to standard output as they
/// are; a closed pipe is not an error.
fn emit_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}

pub fn seal(g: &Global, args: SealArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let period = super::select_period(project.snapshot(), g.period.as_deref())?;
    super::check_centres(period, &args.centres)?;
    let label = period.label.clone();
    let date = match &args.date {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("`{d}` is not a date (YYYY-MM-DD)"))?,
        None => jiff::Zoned::now().date(),
    };
    let checked = project.check(&crate::check::Options {
        period: Some(label.clone()),
        centres: args.centres.clone(),
        deny_warnings: false,
        findings_only: false,
    });
    let sealed = match pipeline::seal(&checked, &label, &args.centres, date.into(), args.amend) {
        Ok(s) => s,
        Err(e) => {
            say(&format!("error: {e:#}"));
            return Ok(Outcome::Failure);
        }
    };
    for s in &sealed {
        say(&format!(
            "sealed {}: {} ({date})",
            s.centre,
            &s.fingerprint[..12]
        ));
    }
    if crate::repo::head_commit(project.root()).is_none() {
        say(
            "note: the repository is not in git: the seal records no commit, so `cpo avenant` cannot read the sealed text back",
        );
    }
    Ok(Outcome::Success)
}

pub fn verify(g: &Global, args: VerifyArgs) -> Result<Outcome> {
    let root = crate::repo::find_root(g.dir.as_deref())?;
    let v = pipeline::verify(&root, &args.file, args.rev.as_deref())?;
    let id = &v.identity;
    let mut out = format!(
        "{}: {} `{}`, period {}, fingerprint {}\n",
        args.file.display(),
        id.kind.as_str(),
        id.id,
        id.period,
        id.fingerprint
    );
    let same_label = v.fingerprint == id.fingerprint;
    match (&v.difference, same_label) {
        (None, true) => {
            out.push_str(&format!(
                "it matches {}: rendered again, the repository gives the same document\n",
                v.origin
            ));
            emit(&out)?;
            return Ok(Outcome::Success);
        }
        (None, false) => out.push_str(&format!(
            "its content matches {}, but the fingerprint it carries differs from the convention's ({}): the label was edited\n",
            v.origin, v.fingerprint
        )),
        (Some(diff), _) => {
            out.push_str(&format!(
                "it does NOT match {}: {diff}\n",
                v.origin
            ));
            if !same_label {
                out.push_str(&format!(
                    "the convention's fingerprint is now {}\n",
                    v.fingerprint
                ));
            }
        }
    }
    if !v.changed_parts.is_empty() {
        out.push_str(&format!(
            "changed since its seal: {}\n",
            v.changed_parts.join(", ")
        ));
    }
    emit(&out)?;
    Ok(Outcome::Failure)
}

pub fn avenant(g: &Global, args: AvenantArgs) -> Result<Outcome> {
    let formats = super::render::formats(&args.format);
    let project = super::open(g)?;
    let period = super::select_period(project.snapshot(), g.period.as_deref())?;
    super::check_centres(period, std::slice::from_ref(&args.centre))?;
    let out = pipeline::output_dir(&project, g.opt_path(args.out.as_deref()).as_deref())?;
    let checked = project.check(&crate::check::Options {
        period: Some(period.label.clone()),
        ..Default::default()
    });
    let written = lifecycle::avenant::write(&checked, period, &args.centre, formats, &out)?;
    for path in &written {
        say(&format!(
            "wrote {}",
            path.strip_prefix(project.root()).unwrap_or(path).display()
        ));
    }
    Ok(Outcome::Success)
}

pub fn completions(_g: &Global, args: CompletionsArgs) -> Result<Outcome> {
    let shell = args.shell;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut super::Cli::command(), "cpo", &mut buf);
    emit(&String::from_utf8_lossy(&buf))?;
    Ok(Outcome::Success)
}

pub fn man(_g: &Global) -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(super::Cli::command())
        .render(&mut buf)
        .context("writing the man page")?;
    emit(&String::from_utf8_lossy(&buf))?;
    Ok(Outcome::Success)
}
