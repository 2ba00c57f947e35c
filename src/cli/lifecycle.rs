//! The convention's life: init, new, fmt, export, seal, verify, avenant,
//! completions, man. The work is in `crate::lifecycle`; this file parses
//! arguments and says what was done.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, CommandFactory, Subcommand, ValueEnum};

use super::{Global, Outcome, emit};
use crate::lifecycle::{self, avenant, export, fmt as format, verify as verify_mod};
use crate::merge::{self, Convention};
use crate::model::{Period, Snapshot};
use crate::render::theme::Theme;
use crate::repo::{GitTree, WorkTree, write_atomic};
use crate::seal;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Scdl,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// Centres whose conventions were signed
    #[arg(required = true, value_name = "CENTRE")]
    pub centres: Vec<String>,
    /// Date of signature (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
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
    /// Formats to write, comma-separated: html, pdf, md
    #[arg(long, value_delimiter = ',', default_value = crate::render::DEFAULT_FORMATS)]
    pub format: Vec<String>,
    /// Output folder (default: [render] output of cpo.toml, else dist)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
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
    let (root, snapshot) = super::open(g)?;
    let written = match cmd {
        NewCommand::Centre { id } => {
            let period = super::select_period(&snapshot, g.period.as_deref())?;
            lifecycle::new_centre(&root, &snapshot, &period.label, &id)?
        }
        NewCommand::Period { label, from } => {
            lifecycle::new_period(&root, &snapshot, &label, &from)?
        }
    };
    for f in &written {
        say(&format!(
            "created {}",
            f.strip_prefix(&root).unwrap_or(f).display()
        ));
    }
    say("run `cpo check` to see what is left to fill in");
    Ok(Outcome::Success)
}

pub fn fmt(g: &Global, args: FmtArgs) -> Result<Outcome> {
    let (root, snapshot) = super::open(g)?;
    let schemas: Vec<(String, serde_json::Value)> = crate::schema::all()
        .into_iter()
        .map(|s| Ok((s.name.to_string(), serde_json::from_str(&s.json)?)))
        .collect::<Result<_>>()?;
    let mut changed = Vec::new();
    for (_, file) in snapshot.sources.iter() {
        if !file.exists {
            continue;
        }
        let Some(name) = format::schema_for(&file.path) else {
            continue;
        };
        let schema = &schemas
            .iter()
            .find(|(n, _)| n == name)
            .expect("built-in schema")
            .1;
        let formatted = match format::format_toml(&file.text, schema) {
            Ok(f) => f,
            Err(e) => bail!("{}: {e} (run `cpo check`)", file.path),
        };
        if formatted != file.text {
            changed.push((file.path.clone(), formatted));
        }
    }
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
        write_atomic(&root.join(path), text.as_bytes())?;
        say(&format!("formatted {path}"));
    }
    Ok(Outcome::Success)
}

/// Every convention of a period, or an error naming those that cannot be resolved.
fn resolve_all(snapshot: &Snapshot, period: &Period) -> Result<Vec<Convention>> {
    let mut convs = Vec::new();
    let mut broken = Vec::new();
    for c in &period.centres {
        let mut diags = Vec::new();
        match merge::convention(snapshot, period, &c.id, &mut diags) {
            Some(conv) => convs.push(conv),
            None => broken.push(c.id.clone()),
        }
    }
    if !broken.is_empty() {
        bail!(
            "centre(s) {} cannot be resolved: run `cpo check`",
            broken.join(", ")
        );
    }
    Ok(convs)
}

pub fn export(g: &Global, args: ExportArgs) -> Result<Outcome> {
    let (_root, snapshot) = super::open(g)?;
    let period = super::select_period(&snapshot, g.period.as_deref())?;
    let convs = resolve_all(&snapshot, period)?;
    let lines = export::lines(&convs);
    let (seals, _) = seal::read(period);
    let latest = seal::latest(&seals);
    let text = match args.format {
        ExportFormat::Csv => export::csv(&lines),
        ExportFormat::Json => export::json(&lines),
        ExportFormat::Scdl => export::scdl(&convs, &lines, &|c| {
            latest.get(c.id.as_str()).map(|(s, _)| s.date.to_string())
        }),
    };
    match &args.out {
        Some(path) => write_atomic(path, text.as_bytes())?,
        None => emit(&text)?,
    }
    Ok(Outcome::Success)
}

pub fn seal(g: &Global, args: SealArgs) -> Result<Outcome> {
    let (root, snapshot) = super::open(g)?;
    let period = super::select_period(&snapshot, g.period.as_deref())?;
    super::check_centres(period, &args.centres)?;
    // Only a convention that passes check can be sealed.
    let tree = WorkTree::new(&root);
    let render_checks = crate::render::checks::RenderChecks::new(&tree);
    let options = crate::check::Options {
        period: Some(period.label.clone()),
        centres: args.centres.clone(),
        deny_warnings: false,
    };
    let errors: Vec<String> = crate::check::check(&snapshot, &options, &[&render_checks])
        .into_iter()
        .filter(|d| {
            d.severity == crate::diag::Severity::Error && d.rule != crate::diag::Rule::SealedChanged
        })
        .map(|d| format!("{}: {}", snapshot.sources.describe(&d.loc), d.message))
        .collect();
    if !errors.is_empty() {
        say(&format!(
            "error: cannot seal, `cpo check` finds errors:\n  {}",
            errors.join("\n  ")
        ));
        return Ok(Outcome::Failure);
    }
    let date = match &args.date {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("`{d}` is not a date (YYYY-MM-DD)"))?,
        None => jiff::Zoned::now().date(),
    };
    let commit = git2::Repository::discover(&root).ok().and_then(|r| {
        r.head()
            .ok()?
            .peel_to_commit()
            .ok()
            .map(|c| c.id().to_string())
    });
    let path = root.join(&period.dir).join(seal::SEALS_FILE);
    let existing = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Empreintes des conventions signées, ajoutées par `cpo seal`. Ne pas modifier à la main.\n".to_string()
    });
    let mut doc: toml_edit::DocumentMut = existing
        .parse()
        .with_context(|| format!("{} does not parse", path.display()))?;
    let records = doc
        .entry("seal")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .with_context(|| format!("{}: `seal` is not an array of tables", path.display()))?;
    for id in &args.centres {
        let conv = merge::convention(&snapshot, period, id, &mut Vec::new())
            .with_context(|| format!("centre `{id}` cannot be resolved"))?;
        let mut t = toml_edit::Table::new();
        t.insert("centre", toml_edit::value(id.as_str()));
        t.insert("fingerprint", toml_edit::value(conv.fingerprint()));
        let date_value: toml_edit::Datetime = date
            .to_string()
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        t.insert("date", toml_edit::value(date_value));
        if let Some(c) = &commit {
            t.insert("commit", toml_edit::value(c.as_str()));
        }
        let mut parts = toml_edit::InlineTable::new();
        for (k, v) in conv.part_hashes() {
            parts.insert(&k, v.into());
        }
        let mut parts_table = parts.into_table();
        parts_table.set_implicit(false);
        t.insert("parts", toml_edit::Item::Table(parts_table));
        records.push(t);
        say(&format!(
            "sealed {id}: {} ({date})",
            &conv.fingerprint()[..12]
        ));
    }
    write_atomic(&path, doc.to_string().as_bytes())?;
    if commit.is_none() {
        say(
            "note: the repository is not in git: the seal records no commit, so `cpo avenant` cannot read the sealed text back",
        );
    }
    Ok(Outcome::Success)
}

pub fn verify(g: &Global, args: VerifyArgs) -> Result<Outcome> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let id = verify_mod::identity(&bytes)?;
    let root = crate::repo::find_root(g.dir.as_deref())?;
    let snapshot = match &args.rev {
        Some(rev) => Snapshot::load(&GitTree::open(&root, rev)?)?,
        None => Snapshot::load(&WorkTree::new(&root))?,
    };
    let mut out = format!(
        "{}: {} `{}`, period {}, fingerprint {}\n",
        args.file.display(),
        id.kind,
        id.id,
        id.period,
        id.fingerprint
    );
    let period = snapshot
        .period(Some(&id.period))
        .with_context(|| format!("{} has no period {}", snapshot.origin, id.period))?;
    let conv =
        merge::convention(&snapshot, period, &id.id, &mut Vec::new()).with_context(|| {
            format!(
                "centre `{}` of period {} cannot be resolved in {}",
                id.id, id.period, snapshot.origin
            )
        })?;
    let now = conv.fingerprint();
    if now == id.fingerprint {
        out.push_str(&format!("it matches {}\n", snapshot.origin));
        emit(&out)?;
        return Ok(Outcome::Success);
    }
    out.push_str(&format!(
        "it does NOT match {}: the convention's fingerprint is now {}\n",
        snapshot.origin, now
    ));
    let (seals, _) = seal::read(period);
    if let Some((s, _)) = seals
        .iter()
        .rev()
        .find(|(s, _)| s.centre == id.id && s.fingerprint == id.fingerprint)
    {
        out.push_str(&format!(
            "changed since the seal of {}: {}\n",
            s.date,
            seal::changed_parts(s, &conv).join(", ")
        ));
    }
    emit(&out)?;
    Ok(Outcome::Failure)
}

pub fn avenant(g: &Global, args: AvenantArgs) -> Result<Outcome> {
    let formats = crate::render::Formats::parse(&args.format).map_err(anyhow::Error::msg)?;
    let (root, snapshot) = super::open(g)?;
    let period = super::select_period(&snapshot, g.period.as_deref())?;
    super::check_centres(period, std::slice::from_ref(&args.centre))?;
    let territory = snapshot
        .territory()
        .cloned()
        .context("cpo.toml is missing or invalid: run `cpo check`")?;
    let amendment = avenant::prepare(&root, &snapshot, period, &args.centre, &territory)?;
    let date = super::render::document_date(&root, period);
    let doc = avenant::document(&amendment, &territory, date);
    let theme = Theme::load(&snapshot)
        .map_err(|_| anyhow::anyhow!("the templates do not compile: run `cpo check`"))?;
    let out = super::render::output_dir(&root, &snapshot, args.out.as_deref());
    let dir = crate::render::period_dir(&out, &period.label);
    let stem = avenant::file_stem(&args.centre, amendment.number);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if formats.html {
        let page = theme
            .page(&doc)
            .map_err(|e| anyhow::anyhow!("templates/convention.html: {}", e.message))?;
        files.push((dir.join(format!("{stem}.html")), page.into_bytes()));
    }
    if formats.md {
        files.push((
            dir.join(format!("{stem}.md")),
            crate::render::md::document(&doc).into_bytes(),
        ));
    }
    if formats.pdf {
        files.push((dir.join(format!("{stem}.pdf")), avenant_pdf(&theme, &doc)?));
    }
    for (path, bytes) in &files {
        write_atomic(path, bytes)?;
        say(&format!(
            "wrote {}",
            path.strip_prefix(&root).unwrap_or(path).display()
        ));
    }
    Ok(Outcome::Success)
}

#[cfg(feature = "pdf")]
fn avenant_pdf(theme: &Theme, doc: &crate::render::ir::Document) -> Result<Vec<u8>> {
    Ok(crate::render::pdf::render(doc, theme.typst())?)
}

#[cfg(not(feature = "pdf"))]
fn avenant_pdf(_theme: &Theme, _doc: &crate::render::ir::Document) -> Result<Vec<u8>> {
    bail!("this cpo was built without PDF support (cargo feature `pdf`); use --format html,md")
}

pub fn completions(_g: &Global, args: CompletionsArgs) -> Result<Outcome> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
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
