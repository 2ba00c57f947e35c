//! The typed model of a convention repository, and loading it.
//!
//! [`Snapshot::load`] reads every file of a repository through a
//! [`crate::repo::Tree`] (work tree or git revision), parses TOML into spanned
//! node trees and typed structs, Markdown into sections, and records every
//! problem it meets as a diagnostic instead of stopping: a broken file leaves
//! a hole (`None`) in the snapshot, the other files are still read and
//! checked.

pub mod base;
pub mod budget;
pub mod centre;
pub mod config;
pub mod node;
mod node_builder;
pub mod parties;
pub mod text;
pub mod types;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;

use crate::diag::{Diagnostic, FileId, Loc, Rule, SourceFile, Sources};
use crate::repo::layout::{self, CONFIG_FILE, PERIODS_DIR, TEMPLATES_DIR};
use crate::repo::{EntryKind, MAX_ANNEX_BYTES, Origin, Read, Tree};

pub use base::BaseFile;
pub use centre::CentreFile;
pub use config::Config;
pub use node::Node;
pub use text::Text;
pub use types::{Amount, Date, MonthDay, Quantity, Year};

/// A TOML file read into a node tree and a typed value.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub file: FileId,
    pub tree: Node,
    pub data: T,
    /// Where string values are still to fill in (see [`is_unfilled`]), in
    /// the repaired tree (a value dropped as mistyped is reported as such),
    /// for the `todo` rule.
    pub todos: Vec<Loc>,
}

/// A Markdown file cut into sections.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    pub text: Arc<Text>,
}

/// An annex file named by base.toml or a centre file, as read.
#[derive(Debug, Clone)]
pub enum AnnexFile {
    /// A Markdown annex, rendered into the documents.
    Markdown(Arc<Document>),
    /// A PDF annex: its bytes, appended to the PDF documents.
    Pdf(Arc<Vec<u8>>),
    /// Absent, refused (a link outside the repository…), or neither .md
    /// nor .pdf: `annex-missing` says which.
    Unusable(String),
}

/// One agreement period folder (`periods/2022-2025`).
#[derive(Debug)]
pub struct Period {
    /// The folder name, e.g. `2022-2025`.
    pub label: String,
    /// The folder path relative to the repository root.
    pub dir: String,
    /// The years the label names, when it is well formed.
    pub years: Option<(Year, Year)>,
    /// `base.toml`, when it exists and is valid.
    pub base: Option<Parsed<BaseFile>>,
    /// `base.md`, when it exists; its H2 sections are the articles.
    pub base_text: Option<Arc<Document>>,
    pub centres: Vec<Centre>,
    /// `seals.toml`, when it exists and parses.
    pub seals: Option<(FileId, Node)>,
    /// `seals.toml`'s place, registered even when the file is absent: a
    /// seals.toml deleted after a commit is a finding about that file.
    pub seals_file: FileId,
    /// The annex files that base.toml and the centres name, by their path
    /// relative to the period folder.
    pub annexes: BTreeMap<String, AnnexFile>,
}

/// A national repository's period holds thousands of centres, each a
/// tree of small allocations: they are freed on every core (a check of
/// 2 000 centres spent a tenth of its time freeing them on one).
impl Drop for Period {
    fn drop(&mut self) {
        let centres = std::mem::take(&mut self.centres);
        if centres.len() >= 64 {
            centres.into_par_iter().for_each(drop);
        }
    }
}

impl Period {
    pub fn centre(&self, id: &str) -> Option<&Centre> {
        self.centres.iter().find(|c| c.id == id)
    }
}

/// One centre of a period: its two files, each present only when readable.
#[derive(Debug)]
pub struct Centre {
    /// The file stem, e.g. `beaulieu`.
    pub id: String,
    pub data: Option<Parsed<CentreFile>>,
    pub text: Option<Document>,
}

/// Everything read from one tree of a repository.
#[derive(Debug)]
pub struct Snapshot {
    pub sources: Sources,
    /// Problems met while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    pub config: Option<Parsed<Config>>,
    /// Periods sorted by their start year (the latest last).
    pub periods: Vec<Period>,
    /// Files of `templates/` (overrides of the built-in templates), by name.
    pub templates: Vec<(String, FileId)>,
    /// What the snapshot was read from, for messages.
    pub origin: Origin,
}

impl Snapshot {
    /// Read a whole repository from `tree`. Fails only on I/O errors; every
    /// problem in the files themselves becomes a diagnostic. Files are read
    /// one after the other (the tree need not be shared between threads)
    /// and parsed in parallel.
    pub fn load(tree: &dyn Tree) -> Result<Snapshot> {
        let mut loader = Loader {
            tree,
            sources: Sources::default(),
            diagnostics: Vec::new(),
            prefetched: HashMap::new(),
        };
        let config_file = loader.read_text(CONFIG_FILE, true)?;
        // A folder cpo lists that is a link out of the repository (or a
        // special file) is not listed, and said so.
        for entry in tree.list("")? {
            if [PERIODS_DIR, TEMPLATES_DIR].contains(&entry.name.as_str()) {
                match entry.kind {
                    EntryKind::Other => loader.refuse_entry(&entry.name),
                    EntryKind::File => loader.not_a_folder(&entry.name),
                    EntryKind::Dir => {}
                }
            }
        }
        let mut plans = Vec::new();
        for entry in tree.list(PERIODS_DIR)? {
            match entry.kind {
                EntryKind::Dir => plans.push(loader.plan_period(&entry.name)?),
                EntryKind::Other => loader.refuse_entry(&layout::period_dir(&entry.name)),
                EntryKind::File => {}
            }
        }
        let mut templates = Vec::new();
        for entry in tree.list(TEMPLATES_DIR)? {
            let path = layout::template(&entry.name);
            match entry.kind {
                EntryKind::File => {
                    if let Some(file) = loader.read_text(&path, false)? {
                        templates.push((entry.name, file));
                    }
                }
                EntryKind::Other => loader.refuse_entry(&path),
                EntryKind::Dir => {}
            }
        }

        // Parse every file in parallel: TOML into trees and typed values,
        // Markdown into sections.
        let sources = &loader.sources;
        let config_parsed = config_file.map(|f| parse_toml::<Config>(sources, f));
        let parsed: Vec<ParsedPeriod> = plans
            .par_iter()
            .map(|plan| ParsedPeriod::parse(sources, plan))
            .collect();

        let mut diagnostics = std::mem::take(&mut loader.diagnostics);
        let config = config_parsed.and_then(|(value, diags)| {
            diagnostics.extend(diags);
            value
        });
        let mut periods = Vec::new();
        for (plan, p) in plans.into_iter().zip(parsed) {
            diagnostics.extend(p.diagnostics);
            periods.push(Period {
                label: plan.label,
                dir: plan.dir,
                years: plan.years,
                base: p.base,
                base_text: p.base_text.map(Arc::new),
                centres: p.centres,
                seals: p.seals,
                seals_file: plan.seals_file,
                annexes: BTreeMap::new(),
            });
        }
        loader.diagnostics = diagnostics;
        for period in &mut periods {
            period.annexes = loader.annexes(period)?;
        }
        periods.sort_by(|a, b| (a.years, &a.label).cmp(&(b.years, &b.label)));
        Ok(Snapshot {
            sources: loader.sources,
            diagnostics: loader.diagnostics,
            config,
            periods,
            templates,
            origin: tree.origin(),
        })
    }

    /// The period with this label, or the latest one.
    pub fn period(&self, label: Option<&str>) -> Option<&Period> {
        match label {
            Some(label) => self.periods.iter().find(|p| p.label == label),
            None => self.periods.last(),
        }
    }

    /// The period before `label` in time.
    pub fn previous_period(&self, label: &str) -> Option<&Period> {
        let i = self.periods.iter().position(|p| p.label == label)?;
        i.checked_sub(1).map(|j| &self.periods[j])
    }

    /// The authority that runs the repository, when cpo.toml is valid.
    pub fn territory(&self) -> Option<&config::Territory> {
        self.config.as_ref().map(|c| &c.data.territory)
    }

    /// The text of `templates/NAME`, when the repository overrides it.
    pub fn template(&self, name: &str) -> Option<(FileId, &str)> {
        self.templates
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| (*f, self.sources.get(*f).text.as_str()))
    }

    pub fn period_labels(&self) -> Vec<&str> {
        self.periods.iter().map(|p| p.label.as_str()).collect()
    }
}

/// Read a typed value from TOML text that is not a user's file (built-in
/// templates): any problem is an error with the first finding's message.
pub fn parse_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    let tree = node::parse_toml(crate::diag::FileId(0), text).map_err(|d| {
        anyhow::anyhow!(
            "{}",
            d.first().map_or("invalid TOML", |d| d.message.as_str())
        )
    })?;
    node::from_node(&tree).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Parse a period folder name `START-END` into its years.
pub fn parse_period_label(label: &str) -> Option<(Year, Year)> {
    let (start, end) = label.split_once('-')?;
    let year = |s: &str| -> Option<Year> {
        (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (start, end) = (year(start)?, year(end)?);
    (start <= end).then_some((start, end))
}

/// Whether a centre id is well formed (`[a-z0-9-]+`).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Read and parse a TOML file into a typed value: the value when the file
/// can be read (repaired if need be, see `node::from_node_all`), and every
/// problem found.
fn parse_toml<T: serde::de::DeserializeOwned>(
    sources: &Sources,
    file: FileId,
) -> (Option<Parsed<T>>, Vec<Diagnostic>) {
    let text = &sources.get(file).text;
    let tree = match node::parse_toml(file, text) {
        Ok(tree) => tree,
        Err(diags) => return (None, diags),
    };
    let mut diags = control_characters_in_values(&tree);
    let (value, errors) = node::from_node_all::<T>(tree);
    diags.extend(
        errors
            .into_iter()
            .map(|e| e.into_diagnostic(&Loc::file_start(file))),
    );
    let parsed = value.map(|(data, tree)| Parsed {
        file,
        todos: todo_values(&tree),
        tree,
        data,
    });
    (parsed, diags)
}

/// Whether a value is a placeholder left to fill in (see [`placeholders`]).
pub fn is_todo(value: &str) -> bool {
    !placeholders(value).is_empty()
}

/// Whether a string value is still to fill in: empty (as `cpo new centre`
/// writes the names it cannot know) or holding a placeholder. The `todo`
/// rule reports it (but see [`EMPTY_MEANS_NONE`]); the rules about a
/// value's form (SIRET, IBAN…) leave it.
pub fn is_unfilled(value: &str) -> bool {
    value.trim().is_empty() || is_todo(value)
}

/// Where a text holds a placeholder left to fill in: the word `TODO` in any
/// case at its start (as `cpo init` and `cpo new` write values), and anywhere the
/// words `TODO`, `XXX` (or more X) and `À COMPLÉTER` / `A COMPLETER`, in
/// capitals (« à compléter » in lower case is ordinary French, and the
/// `XXX` of a BIC's branch code is part of a word). Byte ranges, in order.
/// One pass of memchr over the capitals that start them: nearly every text
/// has none, and `check` reads every value and text of every centre.
pub fn placeholders(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let whole = |r: &std::ops::Range<usize>| {
        !word(text[..r.start].chars().next_back()) && !word(text[r.end..].chars().next())
    };
    let mut out = Vec::new();
    let lead = text.len() - text.trim_start().len();
    if text[lead..]
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("todo"))
        && whole(&(lead..lead + 4))
    {
        out.push(lead..lead + 4);
    }
    for at in memchr::memchr3_iter(b'T', b'X', b'C', bytes) {
        let rest = &text[at..];
        let found = if rest.starts_with("TODO") {
            Some(at..at + 4)
        } else if rest.starts_with("XXX") && (at == 0 || bytes[at - 1] != b'X') {
            // A run of X, taken whole from its start.
            Some(at..at + rest.len() - rest.trim_start_matches('X').len())
        } else if let Some(word) = ["COMPLÉTER", "COMPLETER", "COMPLE\u{301}TER"]
            .into_iter()
            .find(|w| rest.starts_with(w))
        {
            a_before(&text[..at]).map(|start| start..at + word.len())
        } else {
            None
        };
        if let Some(r) = found.filter(whole)
            && out.last() != Some(&r)
        {
            out.push(r);
        }
    }
    out
}

/// Where the « À » of « À COMPLÉTER » starts, `before` being what comes
/// before « COMPLÉTER »: « À », « A » or « A » and a combining grave
/// accent, then spaces of any kind (a line break of the same paragraph
/// among them) or `&nbsp;`, as editors and word processors write them.
fn a_before(before: &str) -> Option<usize> {
    let mut rest = before;
    let mut breaks = 0;
    let mut stripped_newline = false;
    loop {
        if let Some(r) = rest
            .strip_suffix("&nbsp;")
            .or_else(|| rest.strip_suffix("&#160;"))
        {
            rest = r;
            stripped_newline = false;
        } else if let Some(c) = rest.chars().next_back().filter(|c| c.is_whitespace()) {
            // A line ends at `\n`, `\r\n` or a lone `\r`.
            breaks += usize::from(c == '\n' || (c == '\r' && !stripped_newline));
            stripped_newline = c == '\n';
            rest = &rest[..rest.len() - c.len_utf8()];
        } else {
            break;
        }
    }
    if rest.len() == before.len() || breaks > 1 {
        return None;
    }
    ["À", "A\u{300}", "A"]
        .into_iter()
        .find(|a| rest.ends_with(a))
        .map(|a| rest.len() - a.len())
}

/// Keys whose empty value means « none », as leaving the key out does:
/// an indicator's `unit`, a `description`, a centre's `previous_id`, an
/// `email`. Every other empty value is still to fill in.
const EMPTY_MEANS_NONE: &[&str] = &["unit", "description", "previous_id", "email"];

/// The values of a tree that are still to fill in: strings (see
/// [`is_unfilled`]) and an indicator's empty `targets` table (as `cpo new
/// centre` writes it).
fn todo_values(tree: &Node) -> Vec<Loc> {
    let mut out = Vec::new();
    let mut stack = vec![(tree, "")];
    while let Some((node, key)) = stack.pop() {
        match &node.value {
            node::Value::String(s)
                if is_todo(s) || (s.trim().is_empty() && !EMPTY_MEANS_NONE.contains(&key)) =>
            {
                out.push(node.loc.clone())
            }
            node::Value::Table(t) if key == "targets" && t.entries.is_empty() => {
                out.push(node.loc.clone())
            }
            node::Value::Array(items) => stack.extend(items.iter().map(|n| (n, key))),
            node::Value::Table(t) => {
                stack.extend(t.entries.iter().map(|e| (&e.node, e.key.as_str())))
            }
            _ => {}
        }
    }
    out
}

/// Every string value of a tree with its location, without recursion.
fn for_each_string(tree: &Node, mut f: impl FnMut(&str, &Loc)) {
    let mut stack = vec![tree];
    while let Some(node) = stack.pop() {
        match &node.value {
            node::Value::String(s) => f(s, &node.loc),
            node::Value::Array(items) => stack.extend(items.iter()),
            node::Value::Table(t) => stack.extend(t.entries.iter().map(|e| &e.node)),
            _ => {}
        }
    }
}

/// A control character (other than tab, line feed, carriage return) in a
/// TOML string, written as an escape (`"\u0007"`): documents cannot print it.
fn control_characters_in_values(tree: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for_each_string(tree, |s, loc| {
        if let Some((_, c)) = first_forbidden_control(s) {
            out.push(control_finding(loc.clone(), c));
        }
    });
    out
}

/// Control characters no document can print: C0 controls but tab, line
/// feed and carriage return, DEL, and C1 controls.
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The first forbidden control character of a text and its byte offset.
/// Scans bytes, not characters (every centre's text is scanned): in UTF-8
/// the C0 controls and DEL are single bytes, C1 controls are 0xC2 then
/// 0x80–0x9F, and U+2028/U+2029 are 0xE2 0x80 0xA8/0xA9. French text is
/// full of other characters that start with those bytes (no-break space,
/// « », ’), so the bytes that follow decide, without decoding.
pub fn first_forbidden_control(text: &str) -> Option<(usize, char)> {
    // Bytes that may start a forbidden character.
    let candidate = |b: u8| b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2;
    let bytes = text.as_bytes();
    // Sixteen bytes at a time: a test of each byte of a block, without
    // stopping early, is what the compiler turns into vector instructions.
    for (k, block) in bytes.chunks(16).enumerate() {
        if !block.iter().fold(false, |any, &b| any | candidate(b)) {
            continue;
        }
        for (j, &b) in block.iter().enumerate() {
            let i = 16 * k + j;
            let next = |n: usize| bytes.get(i + n).copied();
            let forbidden = candidate(b)
                && match b {
                    b'\t' | b'\n' | b'\r' => false,
                    0xC2 => matches!(next(1), Some(0x80..=0x9F)),
                    0xE2 => next(1) == Some(0x80) && matches!(next(2), Some(0xA8 | 0xA9)),
                    _ => true,
                };
            if forbidden {
                return Some((i, text[i..].chars().next()?));
            }
        }
    }
    None
}

fn control_finding(loc: Loc, c: char) -> Diagnostic {
    Diagnostic::new(
        Rule::ControlCharacter,
        loc,
        format!("control character U+{:04X} in a text", c as u32),
    )
    .with_help("remove it: documents cannot print it")
}

/// A Markdown file parsed, with its problems.
fn parse_markdown(
    sources: &Sources,
    file: FileId,
    front_matter: bool,
) -> (Document, Vec<Diagnostic>) {
    let shared = sources.shared(file);
    let mut diags = Vec::new();
    if let Some((i, c)) = first_forbidden_control(&shared.text) {
        diags.push(control_finding(Loc::new(file, i..i + c.len_utf8()), c));
    }
    let text = text::parse(file, &shared, front_matter, &mut diags);
    (
        Document {
            file,
            text: Arc::new(text),
        },
        diags,
    )
}

/// What the loader will parse of a period: its files, already read.
struct PeriodPlan {
    label: String,
    dir: String,
    years: Option<(Year, Year)>,
    base: Option<FileId>,
    base_text: Option<FileId>,
    seals: Option<FileId>,
    seals_file: FileId,
    /// Centre ids with their two files (each read when present).
    centres: Vec<(String, Option<FileId>, Option<FileId>)>,
}

struct ParsedPeriod {
    base: Option<Parsed<BaseFile>>,
    base_text: Option<Document>,
    seals: Option<(FileId, Node)>,
    centres: Vec<Centre>,
    diagnostics: Vec<Diagnostic>,
}

impl ParsedPeriod {
    fn parse(sources: &Sources, plan: &PeriodPlan) -> ParsedPeriod {
        let mut diagnostics = Vec::new();
        let base = plan.base.and_then(|f| {
            let (v, d) = parse_toml::<BaseFile>(sources, f);
            diagnostics.extend(d);
            v
        });
        let base_text = plan.base_text.map(|f| {
            let (doc, d) = parse_markdown(sources, f, false);
            diagnostics.extend(d);
            doc
        });
        let seals = plan
            .seals
            .and_then(|f| match node::parse_toml(f, &sources.get(f).text) {
                Ok(tree) => Some((f, tree)),
                Err(d) => {
                    diagnostics.extend(d);
                    None
                }
            });
        let centres: Vec<(Centre, Vec<Diagnostic>)> = plan
            .centres
            .par_iter()
            .map(|(id, toml, md)| {
                let mut diags = Vec::new();
                let data = toml.and_then(|f| {
                    let (v, d) = parse_toml::<CentreFile>(sources, f);
                    diags.extend(d);
                    v
                });
                let text = md.map(|f| {
                    let (doc, d) = parse_markdown(sources, f, true);
                    diags.extend(d);
                    doc
                });
                (
                    Centre {
                        id: id.clone(),
                        data,
                        text,
                    },
                    diags,
                )
            })
            .collect();
        let centres = centres
            .into_iter()
            .map(|(c, d)| {
                diagnostics.extend(d);
                c
            })
            .collect();
        ParsedPeriod {
            base,
            base_text,
            seals,
            centres,
            diagnostics,
        }
    }
}

struct Loader<'t> {
    tree: &'t dyn Tree,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    /// Files read ahead, in parallel, by [`Loader::prefetch`]; taken by
    /// [`Loader::read_text`], which keeps the order files are registered in.
    prefetched: HashMap<String, Result<Fetched>>,
}

/// A file as read from the tree: a text ready to register (UTF-8 checked
/// on the reading core), or what else the tree said (bytes here are not
/// UTF-8).
enum Fetched {
    Text(SourceFile),
    Other(Read),
}

fn fetch(tree: &dyn Tree, path: &str) -> Result<Fetched> {
    Ok(match tree.read(path)? {
        Read::File(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Fetched::Text(SourceFile::new(path.to_string(), text)),
            Err(e) => Fetched::Other(Read::File(e.into_bytes())),
        },
        other => Fetched::Other(other),
    })
}

impl Loader<'_> {
    /// A path cpo would read but refuses (a FIFO, a link outside…): a
    /// finding at the path, nothing read.
    fn refuse_entry(&mut self, path: &str) {
        match self.tree.read(path) {
            Ok(Read::Refused(refusal)) => self.refused(path, &refusal),
            Ok(_) | Err(_) => {
                let file = self.placeholder(path);
                self.diagnostics.push(Diagnostic::new(
                    Rule::SpecialFile,
                    Loc::file_start(file),
                    format!("`{path}` is not a regular file or folder: it was not read"),
                ));
            }
        }
    }

    /// A file where cpo expects a folder (`periods`, `templates`, a
    /// period's `centres`): nothing in it can be read, and it is said.
    fn not_a_folder(&mut self, path: &str) {
        let file = self.placeholder(path);
        self.diagnostics.push(
            Diagnostic::new(
                Rule::SpecialFile,
                Loc::file_start(file),
                format!("`{path}` is a file where cpo expects a folder: nothing was read from it"),
            )
            .with_help("make it a folder holding the files it names"),
        );
    }

    /// Read files ahead, in parallel, for [`Loader::read_text`].
    fn prefetch(&mut self, paths: Vec<String>) {
        let tree = self.tree;
        let fetched: Vec<(String, Result<Fetched>)> = paths
            .into_par_iter()
            .map(|path| {
                let fetched = fetch(tree, &path);
                (path, fetched)
            })
            .collect();
        self.prefetched.extend(fetched);
    }

    fn placeholder(&mut self, path: &str) -> FileId {
        self.sources
            .find(path)
            .unwrap_or_else(|| self.sources.add_missing(path))
    }

    fn refused(&mut self, path: &str, refusal: &crate::repo::Refusal) {
        let file = self.placeholder(path);
        let rule = match refusal {
            crate::repo::Refusal::TooLarge { .. } => Rule::TooLarge,
            _ => Rule::SpecialFile,
        };
        self.diagnostics.push(
            Diagnostic::new(rule, Loc::file_start(file), format!("`{path}` {refusal}"))
                .with_help(match rule {
                    Rule::TooLarge => "split the text, or move long material to an annex",
                    _ => "cpo reads only regular files inside the repository; replace it with the file itself",
                }),
        );
    }

    /// Read a text file into the sources. `None` when absent, refused, or
    /// not UTF-8 (each reported). A `required` file that is absent is
    /// reported as `missing-file`.
    fn read_text(&mut self, path: &str, required: bool) -> Result<Option<FileId>> {
        let fetched = match self.prefetched.remove(path) {
            Some(fetched) => fetched?,
            None => fetch(self.tree, path)?,
        };
        let bytes = match fetched {
            Fetched::Text(file) => return Ok(Some(self.sources.add_file(file))),
            Fetched::Other(Read::File(bytes)) => bytes,
            Fetched::Other(Read::Missing) => {
                if required && self.sources.find(path).is_none() {
                    let file = self.sources.add_missing(path);
                    self.diagnostics.push(Diagnostic::new(
                        Rule::MissingFile,
                        Loc::file_start(file),
                        format!("`{path}` is missing"),
                    ));
                }
                return Ok(None);
            }
            Fetched::Other(Read::Refused(refusal)) => {
                self.refused(path, &refusal);
                return Ok(None);
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(self.sources.add(path, text))),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = self.sources.add(path, lossy);
                self.diagnostics.push(
                    Diagnostic::new(
                        Rule::Encoding,
                        Loc::new(file, valid..valid + char::REPLACEMENT_CHARACTER.len_utf8()),
                        "this file is not valid UTF-8",
                    )
                    .with_help(
                        "save it as UTF-8 (most editors offer it under \"Save with encoding\")",
                    ),
                );
                Ok(None)
            }
        }
    }

    fn plan_period(&mut self, label: &str) -> Result<PeriodPlan> {
        let dir = layout::period_dir(label);
        let base_path = layout::period_file(label, layout::BASE_TOML);
        let base_md_path = layout::period_file(label, layout::BASE_MD);
        let years = parse_period_label(label);
        let base = self.read_text(&base_path, true)?;
        let base_text = self.read_text(&base_md_path, false)?;
        if base_text.is_none() && self.sources.find(&base_md_path).is_none() {
            let file = self.sources.add_missing(&base_md_path);
            self.diagnostics.push(Diagnostic::new(
                Rule::MissingFile,
                Loc::file_start(file),
                format!("`{base_md_path}` is missing: every period needs its common text"),
            ));
        }
        if years.is_none() {
            let file = base
                .or_else(|| {
                    self.sources
                        .find(&base_path)
                        .filter(|f| self.sources.get(*f).exists)
                })
                .unwrap_or_else(|| self.sources.add_missing(&dir));
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::BadPeriodLabel,
                    Loc::file_start(file),
                    format!("period folder `{label}` is not named START-END"),
                )
                .with_help("name it after the years of the period, e.g. `2022-2025`"),
            );
        }

        let centres_dir = layout::centres_dir(label);
        match self
            .tree
            .list(&dir)?
            .iter()
            .find(|e| e.name == layout::CENTRES_DIR)
            .map(|e| e.kind)
        {
            Some(EntryKind::Other) => self.refuse_entry(&centres_dir),
            Some(EntryKind::File) => self.not_a_folder(&centres_dir),
            _ => {}
        }
        let mut stems: Vec<String> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for entry in self.tree.list(&centres_dir)? {
            let Some(stem) = entry
                .name
                .strip_suffix(".toml")
                .or_else(|| entry.name.strip_suffix(".md"))
            else {
                continue;
            };
            if entry.kind == EntryKind::Dir {
                self.refuse_entry(&format!("{centres_dir}/{}", entry.name));
                continue;
            }
            // Each stem once (its .toml and .md), in listing order; a set,
            // not a scan of the list, for thousands of centres.
            if seen.insert(stem.to_string()) {
                stems.push(stem.to_string());
            }
        }
        // Thousands of centres: their files are read on every core, then
        // registered in order.
        let paths: Vec<String> = stems
            .iter()
            .flat_map(|id| [layout::centre_toml(label, id), layout::centre_md(label, id)])
            .collect();
        self.prefetch(paths);
        let mut centres = Vec::new();
        for id in stems {
            centres.push(self.plan_centre(label, id)?);
        }
        let seals_path = layout::period_file(label, layout::SEALS_FILE);
        let seals = self.read_text(&seals_path, false)?;
        let seals_file = seals.unwrap_or_else(|| self.sources.add_missing(&seals_path));
        Ok(PeriodPlan {
            label: label.to_string(),
            dir,
            years,
            base,
            base_text,
            seals,
            seals_file,
            centres,
        })
    }

    fn plan_centre(
        &mut self,
        label: &str,
        id: String,
    ) -> Result<(String, Option<FileId>, Option<FileId>)> {
        let toml_path = layout::centre_toml(label, &id);
        let md_path = layout::centre_md(label, &id);
        let toml = self.read_text(&toml_path, false)?;
        let md = self.read_text(&md_path, false)?;
        let seen = |loader: &Self, path: &str| loader.sources.find(path).is_some();
        let (has_toml, has_md) = (seen(self, &toml_path), seen(self, &md_path));
        let (present, missing) = match (has_toml, has_md) {
            (true, false) => (toml_path.as_str(), md_path.as_str()),
            (false, true) => (md_path.as_str(), toml_path.as_str()),
            _ => ("", ""),
        };
        if !present.is_empty() {
            let file = self.placeholder(present);
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::MissingFile,
                    Loc::file_start(file),
                    format!("centre `{id}` has no `{missing}`"),
                )
                .with_help("a centre needs both its data (.toml) and its specific part (.md)"),
            );
        }
        if !is_valid_id(&id) {
            let path = if has_toml { &toml_path } else { &md_path };
            let file = self.placeholder(path);
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::BadId,
                    Loc::file_start(file),
                    format!("`{id}` is not a valid centre id"),
                )
                .with_help("centre file names use lowercase letters, digits and `-` only"),
            );
        }
        Ok((id, toml, md))
    }

    /// Read the annex files a period's base and centres name. Problems are
    /// not reported here: `check` reports `annex-missing` where the annex
    /// is named.
    fn annexes(&mut self, period: &Period) -> Result<BTreeMap<String, AnnexFile>> {
        let mut names: Vec<&str> = Vec::new();
        if let Some(base) = &period.base {
            names.extend(base.data.annexes.iter().map(|a| a.file.as_str()));
        }
        for c in &period.centres {
            if let Some(d) = &c.data {
                names.extend(d.data.annexes.iter().filter_map(|a| a.file.as_deref()));
            }
        }
        let mut out = BTreeMap::new();
        for name in names {
            if out.contains_key(name) {
                continue;
            }
            let joined = layout::join_relative(&period.dir, name);
            let Some(path) = joined
                .clone()
                .filter(|p| p.starts_with(&format!("{}/", period.dir)))
            else {
                // The tests of `join_relative`, in its order.
                let why = if joined.as_deref() == Some(period.dir.as_str()) {
                    "its path names the period folder itself"
                } else if joined.is_some() {
                    "its path leaves the period folder"
                } else if name.starts_with('/') {
                    "its path is absolute"
                } else if name.contains('\\') {
                    "its path holds `\\`: folders are separated by `/`"
                } else if name.contains('\0') {
                    "its path holds a NUL character"
                } else {
                    "its path leaves the period folder"
                };
                out.insert(name.to_string(), AnnexFile::Unusable(why.into()));
                continue;
            };
            let lower = name.to_ascii_lowercase();
            let annex = if lower.ends_with(".md") {
                match self.tree.read(&path)? {
                    Read::File(bytes) => match String::from_utf8(bytes) {
                        Ok(text) => {
                            let file = self.sources.add(&path, text);
                            let (doc, diags) = parse_markdown(&self.sources, file, false);
                            self.diagnostics.extend(diags);
                            AnnexFile::Markdown(Arc::new(doc))
                        }
                        Err(_) => AnnexFile::Unusable("it is not valid UTF-8".into()),
                    },
                    Read::Missing => AnnexFile::Unusable("it does not exist".into()),
                    Read::Refused(r) => AnnexFile::Unusable(format!("it {r}")),
                }
            } else if lower.ends_with(".pdf") {
                match self.tree.read_limited(&path, MAX_ANNEX_BYTES)? {
                    Read::File(bytes) if bytes.starts_with(b"%PDF-") => {
                        AnnexFile::Pdf(Arc::new(bytes))
                    }
                    Read::File(_) => AnnexFile::Unusable("it is not a PDF file".into()),
                    Read::Missing => AnnexFile::Unusable("it does not exist".into()),
                    Read::Refused(r) => AnnexFile::Unusable(format!("it {r}")),
                }
            } else {
                AnnexFile::Unusable("an annex is a .md or a .pdf file".into())
            };
            out.insert(name.to_string(), annex);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_capitalised_words_or_a_leading_todo() {
        fn found(t: &str) -> Vec<&str> {
            placeholders(t).into_iter().map(|r| &t[r]).collect()
        }
        assert_eq!(found("TODO"), ["TODO"]);
        assert_eq!(found("  todo: le numéro"), ["todo"]);
        assert_eq!(found("n° XXXX du TODO"), ["XXXX", "TODO"]);
        assert_eq!(found("Montant : À COMPLÉTER."), ["À COMPLÉTER"]);
        assert_eq!(found("(A\u{a0}COMPLETER)"), ["A\u{a0}COMPLETER"]);
        assert_eq!(found("TODO et TODO"), ["TODO", "TODO"]);
        // As editors write it: a line break of the paragraph, two spaces,
        // an entity, a narrow space, combining accents.
        for written in [
            "À\nCOMPLÉTER",
            "À  COMPLÉTER",
            "À&nbsp;COMPLÉTER",
            "À\u{202f}COMPLÉTER",
            "A\u{300} COMPLE\u{301}TER",
        ] {
            assert_eq!(found(&format!("({written})")), [written], "{written:?}");
        }
        // Not across paragraphs, nor without a space.
        assert_eq!(found("À\n\nCOMPLÉTER"), Vec::<&str>::new());
        assert_eq!(found("À\r\rCOMPLÉTER"), Vec::<&str>::new());
        assert_eq!(found("À\r\n\r\nCOMPLÉTER"), Vec::<&str>::new());
        assert_eq!(found("(À\r\nCOMPLÉTER)"), ["À\r\nCOMPLÉTER"]);
        assert_eq!(found("ÀCOMPLÉTER"), Vec::<&str>::new());
        // Ordinary French, a BIC, words that merely contain the letters.
        for none in [
            "un dossier à compléter par l'association",
            "CCOPFRPPXXX",
            "TODOS",
            "XX",
            "le XXXe siècle",
            "ÀTODO",
            "",
        ] {
            assert_eq!(found(none), Vec::<&str>::new(), "{none:?}");
        }
        assert!(is_todo("iban: TODO"));
        assert!(!is_todo("FR76 3000 4000"));
    }

    #[test]
    fn forbidden_controls_are_found_by_bytes() {
        for (text, want) in [
            ("plain é text\t\r\n", None),
            ("a\u{7}b", Some((1, '\u{7}'))),
            ("é\u{85}", Some((2, '\u{85}'))),
            ("\u{2027}\u{2028}", Some((3, '\u{2028}'))),
            ("x\u{7f}", Some((1, '\u{7f}'))),
            ("\u{a0}\u{2030}", None),
        ] {
            assert_eq!(first_forbidden_control(text), want, "{text:?}");
            let slow = text.char_indices().find(|(_, c)| is_forbidden_control(*c));
            assert_eq!(slow, want, "{text:?}");
        }
        // Every character of the first planes, alone and between others.
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("«\u{a0}{c}’")] {
                let slow = text.char_indices().find(|(_, c)| is_forbidden_control(*c));
                assert_eq!(first_forbidden_control(&text), slow, "{text:?}");
            }
        }
    }

    #[test]
    fn period_labels() {
        assert_eq!(parse_period_label("2022-2025"), Some((2022, 2025)));
        assert_eq!(parse_period_label("2025-2022"), None);
        assert_eq!(parse_period_label("2022_2025"), None);
        assert_eq!(parse_period_label("22-25"), None);
    }
}
