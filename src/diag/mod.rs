//! Diagnostics: what every stage reports about a user's files.
//!
//! A [`Diagnostic`] names a rule of the catalogue, a location in a source file
//! and a message. Stages push diagnostics and keep going; nothing here prints.
//! Locations are byte spans into a [`SourceFile`] held by [`Sources`], turned
//! into 1-based line and column (in characters) only when reported, so a
//! stage never needs more than the file id it is already holding.
//!
//! The output formats of `cpo check` live in [`format`].

pub mod format;

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

pub mod rule;

pub use rule::{Family, Rule, Severity};

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A place in a source file: the file and a byte range of its text.
///
/// Offsets are stored as `u32` (text files are at most a few MiB): every
/// value of a TOML tree carries two locations, and 24 bytes each were a
/// quarter of a tree's memory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Loc {
    pub file: FileId,
    start: u32,
    end: u32,
}

/// The largest offset a real place has; above it, places are synthetic.
const LAST_OFFSET: u32 = u32::MAX / 2;

/// An offset as stored: real ones fit (files are at most a few MiB); the
/// span of a synthetic place, given again to [`Loc::new`], stays synthetic.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(LAST_OFFSET)
}

impl Loc {
    pub fn new(file: FileId, span: Range<usize>) -> Loc {
        Loc {
            file,
            start: offset(span.start),
            end: offset(span.end),
        }
    }

    /// The byte range in the file's text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The start of a file: for findings about a file as a whole.
    pub fn file_start(file: FileId) -> Loc {
        Loc::new(file, 0..0)
    }

    /// A place that is in no file: a value cpo filled in for a missing key
    /// so that the rest of a file can be checked (see
    /// `model::node::from_node_all`). `n` keeps them distinct. Findings
    /// located there are consequences of the missing key, already
    /// reported, and are dropped.
    pub fn synthetic(file: FileId, n: usize) -> Loc {
        let at = u32::MAX - u32::try_from(n).unwrap_or(LAST_OFFSET).min(LAST_OFFSET);
        Loc {
            file,
            start: at,
            end: at,
        }
    }

    pub fn is_synthetic(&self) -> bool {
        self.start > LAST_OFFSET
    }
}

/// One text file of a repository, as read (from the work tree or a git
/// revision). `path` is relative to the repository root with `/` separators,
/// exactly as reported to users.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// False for a placeholder of a file that does not exist (a finding
    /// about a missing file still needs a path to point at).
    pub exists: bool,
    /// Where each line starts, counted the first time a finding needs it
    /// (most files of a large check never do).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> SourceFile {
        SourceFile {
            path,
            text,
            exists: true,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// 1-based line and column (counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let column = match self.text.get(start..offset) {
            Some(prefix) => prefix.chars().count(),
            // An offset inside a multi-byte character: count up to it.
            None => self.text[start..]
                .char_indices()
                .take_while(|(i, _)| start + i < offset)
                .count(),
        };
        (line + 1, column + 1)
    }

    /// Byte range of the 1-based line `line`, without its newline.
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts[line - 1];
        let end = starts.get(line).map_or(self.text.len(), |&next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// Byte offset of the start of the 1-based line `line` (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        let starts = self.line_starts();
        starts[line.saturating_sub(1).min(starts.len() - 1)]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// Every file a run has read, so that diagnostics can be located and shown
/// with their source line.
#[derive(Debug, Default)]
pub struct Sources {
    /// Shared: the parts of a Markdown file (`model::text::Slice`) point
    /// into its text rather than copying it.
    files: Vec<Arc<SourceFile>>,
    by_path: std::collections::HashMap<String, FileId>,
}

impl Sources {
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        self.add_file(SourceFile::new(path.into(), text.into()))
    }

    /// A file already read (see [`SourceFile::new`]).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(file.path.clone(), id);
        self.files.push(Arc::new(file));
        id
    }

    /// A path that does not exist, for findings about missing files.
    pub fn add_missing(&mut self, path: impl Into<String>) -> FileId {
        let mut file = SourceFile::new(path.into(), String::new());
        file.exists = false;
        self.add_file(file)
    }

    /// How many files were actually read.
    pub fn read_count(&self) -> usize {
        self.files.iter().filter(|f| f.exists).count()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file itself, to keep parts of its text without copying them.
    pub fn shared(&self, id: FileId) -> Arc<SourceFile> {
        Arc::clone(&self.files[id.0 as usize])
    }

    pub fn find(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &**f))
    }

    /// `path:line:col` of a location, for messages and provenance.
    pub fn describe(&self, loc: &Loc) -> String {
        let file = self.get(loc.file);
        let (line, col) = file.line_col(loc.span().start);
        format!("{}:{line}:{col}", file.path)
    }
}

/// One finding about a user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    /// The rule's default severity until [`Lints`] are applied.
    pub severity: Severity,
    pub loc: Loc,
    pub message: String,
    pub help: Option<String>,
    /// The centre the finding is about, when it is located in another file
    /// (a seal in seals.toml): which convention it stops from rendering.
    pub centre: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: Rule, loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            loc,
            message: message.into(),
            help: None,
            centre: None,
        }
    }

    /// Say which centre the finding is about (see [`Diagnostic::centre`]).
    pub fn about(mut self, centre: &str) -> Diagnostic {
        self.centre = Some(centre.to_string());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// A severity other than the rule's default, for rules whose severity
    /// depends on the case (`habilitation-missing` is an error once the
    /// convention is ready to sign). `[lints]` still has the last word.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// A diagnostic with its location resolved to file, line and column: the
/// shape of SPEC §5's JSON output and the input of every format.
#[derive(Debug, Clone, Serialize)]
pub struct Located<'a> {
    pub rule: Rule,
    pub severity: Severity,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
    /// Always present in JSON (`null` when there is no help), as in SPEC §5.
    pub help: Option<&'a str>,
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub file_id: FileId,
}

/// The outcome of a check: the diagnostics (severities final, sorted) and the
/// sources they point into.
#[derive(Debug)]
pub struct Report<'a> {
    pub sources: &'a Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read and checked.
    pub files: usize,
}

impl Report<'_> {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn located(&self) -> impl Iterator<Item = Located<'_>> {
        self.diagnostics.iter().map(|d| {
            let file = self.sources.get(d.loc.file);
            let (line, column) = file.line_col(d.loc.span().start);
            Located {
                rule: d.rule,
                severity: d.severity,
                file: &file.path,
                line,
                column,
                message: &d.message,
                help: d.help.as_deref(),
                span: d.loc.span(),
                file_id: d.loc.file,
            }
        })
    }
}

/// How `[lints]` (and `--deny warnings`) change the rules' severities.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The rule reports nothing.
    Allow,
    /// Findings are warnings.
    Warn,
    /// Findings are errors.
    Deny,
}

/// Severity policy of one run.
#[derive(Debug, Clone, Default)]
pub struct Lints {
    levels: std::collections::HashMap<Rule, Level>,
    pub deny_warnings: bool,
}

impl Lints {
    pub fn set(&mut self, rule: Rule, level: Level) {
        self.levels.insert(rule, level);
    }

    /// The final severity of a finding of `rule` whose rule gave it
    /// `given`, or `None` when it is allowed.
    pub fn severity(&self, rule: Rule, given: Severity) -> Option<Severity> {
        if rule.is_fixed() {
            return Some(rule.default_severity());
        }
        let severity = match self.levels.get(&rule) {
            Some(Level::Allow) => return None,
            Some(Level::Warn) => Severity::Warning,
            Some(Level::Deny) => Severity::Error,
            None => given,
        };
        if self.deny_warnings {
            Some(Severity::Error)
        } else {
            Some(severity)
        }
    }

    /// Apply the policy: drop allowed findings, set severities, sort by
    /// file and position, and drop exact duplicates (a base problem seen
    /// through several centres is reported once).
    pub fn apply(&self, sources: &Sources, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| !d.loc.is_synthetic())
            .filter_map(|mut d| {
                d.severity = self.severity(d.rule, d.severity)?;
                Some(d)
            })
            .collect();
        // Errors first among equal findings, so that deduplication keeps
        // the most severe (a base problem seen through a draft and a signed
        // convention).
        out.sort_by(|a, b| {
            let pa = &sources.get(a.loc.file).path;
            let pb = &sources.get(b.loc.file).path;
            (
                pa,
                a.loc.span().start,
                a.rule,
                &a.message,
                std::cmp::Reverse(a.severity),
            )
                .cmp(&(
                    pb,
                    b.loc.span().start,
                    b.rule,
                    &b.message,
                    std::cmp::Reverse(b.severity),
                ))
        });
        out.dedup_by(|a, b| {
            a.rule == b.rule
                && a.loc.span().start == b.loc.span().start
                && sources.get(a.loc.file).path == sources.get(b.loc.file).path
                && a.message == b.message
        });
        out
    }
}

/// The closest candidate to `word` by edit distance, if close enough to be a
/// plausible typo ("did you mean `siret`?"). Transposed letters count as one
/// edit ("sirte"). Words of more than 100 characters are not typos of a key.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len > 100 {
        return None;
    }
    let limit = (len / 3).max(1) + 1;
    candidates
        .into_iter()
        .filter(|c| c.len() <= 4 * word.len() + 8)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A place rebuilt from another's span (go to definition joins a key's
    /// and its value's) is synthetic when they are; real places keep their
    /// offsets.
    #[test]
    fn places_keep_their_kind_through_their_span() {
        let file = FileId(3);
        for n in [0, 1, 7, usize::MAX] {
            let synthetic = Loc::synthetic(file, n);
            assert!(synthetic.is_synthetic());
            assert!(Loc::new(file, synthetic.span()).is_synthetic(), "{n}");
            assert!(Loc::new(file, synthetic.span().start..usize::MAX).is_synthetic());
        }
        let real = Loc::new(file, 12..2 * 1024 * 1024);
        assert!(!real.is_synthetic());
        assert_eq!(real.span(), 12..2 * 1024 * 1024);
        assert_ne!(Loc::synthetic(file, 1), Loc::synthetic(file, 2));
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new("a.toml".into(), "é = 1\nname = \"x\"\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (1, 3)); // after "é " (é is 2 bytes)
        assert_eq!(f.line_col(7), (2, 1));
        assert_eq!(f.line_col(14), (2, 8));
        assert_eq!(f.line_span(2), 7..17);
    }

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["siret", "rna", "legal_name", "address"];
        assert_eq!(closest("sirett", keys), Some("siret"));
        assert_eq!(closest("adress", keys), Some("address"));
        assert_eq!(closest("budget", keys), None);
    }

    #[test]
    fn lints_change_severity_and_allow_drops() {
        let mut sources = Sources::default();
        let f = sources.add("x.toml", "a\nb\n");
        let d = |rule| Diagnostic::new(rule, Loc::new(f, 0..1), "m");
        let mut lints = Lints::default();
        lints.set(Rule::BudgetMissingYear, Level::Allow);
        lints.set(Rule::Siret, Level::Warn);
        let out = lints.apply(
            &sources,
            vec![d(Rule::BudgetMissingYear), d(Rule::Siret), d(Rule::Siret)],
        );
        assert_eq!(out.len(), 1, "allowed dropped, duplicate merged");
        assert_eq!(out[0].severity, Severity::Warning);
        lints.deny_warnings = true;
        let out = lints.apply(&sources, vec![d(Rule::Siret)]);
        assert_eq!(out[0].severity, Severity::Error);
    }
}
