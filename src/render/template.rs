//! Tera: rendering base.md for a centre, with the French filters.
//!
//! base.md is a Tera 2 template whose output is Markdown. Three things keep
//! the common text's structure in the hands of base.md alone:
//! - every value inserted with `{{ … }}` is escaped for Markdown (autoescape
//!   with [`crate::escape::markdown`]): a centre's name holding a newline,
//!   `## Article pirate` or a code fence is text, never structure;
//! - the centre's sections (and introduction) reach the template as
//!   placeholders (a private-use marker around a number), which
//!   `render::document` replaces with the section parsed on its own, as
//!   whole blocks: an unclosed fence in a section cannot swallow an article;
//! - heading ids `{#id}` of base.md are protected from Tera's comment syntax
//!   by rewriting them into an expression that prints them back, on the same
//!   line, so error lines still point into the file.
//!
//! Rendering is bounded: at most [`MAX_OUTPUT`] bytes and [`MAX_TIME`], so a
//! template that loops without end is stopped with a `template` finding
//! (see [`BoundedTera`], which the page templates use too); one that
//! grows memory faster than time runs out stops cpo at [`MAX_MEMORY`].
//! Errors are located in base.md at Tera's own line and column.

use std::io::Write;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::diag::{Diagnostic, FileId, Loc, Rule};
use crate::fr;
use crate::fr::wording::{self, NounPhrase};
use crate::model::MonthDay;

/// The name base.md is registered under; autoescape (for Markdown) is on
/// for it.
pub const BASE_TEMPLATE: &str = "base.md";

/// The most Markdown one rendering of base.md may produce: 4 MiB, a
/// hundred times a real convention.
pub const MAX_OUTPUT: usize = 4 * 1024 * 1024;

/// What one rendering may allocate (net) before cpo stops with exit code
/// 2 ([`crate::budget`]): output is capped at [`MAX_OUTPUT`], but a loop
/// can grow a string or a list in memory; real renderings use a few MB.
pub const MAX_MEMORY: usize = 1 << 30;

/// The longest one rendering of base.md may take.
pub const MAX_TIME: Duration = Duration::from_secs(5);

/// How deeply `{% … %}` blocks may nest in base.md (Tera's parser is
/// recursive).
const MAX_TAG_NESTING: usize = 64;

/// Marks the start and end of a placeholder for centre text in rendered
/// Markdown: private-use characters, which Markdown escaping leaves alone
/// and no user text is expected to hold.
pub const PLACEHOLDER_OPEN: char = '\u{F8F0}';
pub const PLACEHOLDER_CLOSE: char = '\u{F8F1}';

/// The placeholder of centre text number `n` (see `context::Context`).
pub fn placeholder(n: usize) -> String {
    format!("{PLACEHOLDER_OPEN}{n}{PLACEHOLDER_CLOSE}")
}

/// A Tera error, with where it points in the template source and the rule
/// it falls under.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub rule: Rule,
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl TemplateError {
    fn new(message: impl Into<String>) -> TemplateError {
        TemplateError {
            rule: Rule::Template,
            message: message.into(),
            span: None,
        }
    }

    pub fn into_diagnostic(self, file: FileId) -> Diagnostic {
        let span = self.span.unwrap_or(0..0);
        Diagnostic::new(self.rule, Loc::new(file, span), self.message)
    }
}

/// Messages of cpo's own functions that name a missing article or annex
/// start with this, so that they report under `article-reference`.
const REFERENCE_TAG: &str = "reference: ";

/// Convert a Tera error into located errors. Spans come as line and column
/// and map back into `source` (the user's text, before
/// `protect_heading_ids`, which keeps lines and columns before the id).
/// Unknown filters, functions and templates come as several reports in
/// one message: each is located.
pub fn from_tera(e: &tera::Error, source: &str) -> Vec<TemplateError> {
    let located = |message: &str, line: usize, col: usize, end: Option<(usize, usize)>| {
        let start = offset(source, line, col);
        let end = match end {
            Some((l, c)) if l == line => offset(source, l, c).max(start),
            _ => start,
        };
        let (rule, message) = match message.strip_prefix(REFERENCE_TAG) {
            Some(m) => (Rule::ArticleReference, m.to_string()),
            None => (Rule::Template, message.to_string()),
        };
        TemplateError {
            rule,
            message,
            span: Some(start..end),
        }
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let s = r.span();
            let mut err = located(
                r.message(),
                s.start_line,
                s.start_col,
                Some((s.end_line, s.end_col)),
            );
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                let text = c.to_string();
                match text.strip_prefix(REFERENCE_TAG) {
                    Some(m) => {
                        err.rule = Rule::ArticleReference;
                        err.message = m.to_string();
                    }
                    None => err.message.push_str(&format!(": {text}")),
                }
                cause = c.source();
            }
            vec![err]
        }
        _ => {
            let text = e.to_string();
            let reports = parse_reports(&text, &located);
            if reports.is_empty() {
                vec![TemplateError::new(text)]
            } else {
                reports
            }
        }
    }
}

/// Makes a located error from a message, a line, a column and maybe an end.
type Locate<'a> = &'a dyn Fn(&str, usize, usize, Option<(usize, usize)>) -> TemplateError;

/// Reports Tera writes as text: `error: MESSAGE\n  --> NAME:LINE:COL`.
fn parse_reports(text: &str, located: Locate<'_>) -> Vec<TemplateError> {
    let mut out = Vec::new();
    for report in text.split("\n\n") {
        let mut lines = report.lines();
        let Some(message) = lines.next().and_then(|l| l.strip_prefix("error: ")) else {
            continue;
        };
        let Some(at) = lines.find_map(|l| l.trim_start().strip_prefix("--> ")) else {
            continue;
        };
        let mut parts = at.rsplitn(3, ':');
        let (Some(col), Some(line)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(line), Ok(col)) = (line.parse::<usize>(), col.parse::<usize>()) {
            out.push(located(message, line, col.saturating_sub(1), None));
        }
    }
    out
}

/// Byte offset of a 1-based line and 0-based character column, clamped to the line.
fn offset(source: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let text = l.trim_end_matches('\n');
            return start + text.chars().take(col).map(char::len_utf8).sum::<usize>();
        }
        start += l.len();
    }
    source.len()
}

/// Tera's escape function for base.md: values become Markdown text.
fn escape_markdown(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(crate::escape::markdown(input).as_bytes())
}

/// Decimal value of a Tera number (amounts are integers or floats in the context).
fn decimal(value: &Value) -> TeraResult<Decimal> {
    let text = match value.as_number() {
        Some(n) => n.to_string(),
        None => match value.as_str() {
            Some(s) => s.to_string(),
            None => {
                return Err(tera::Error::message(format!(
                    "expected an amount, found {value}"
                )));
            }
        },
    };
    crate::model::types::parse_decimal(text.trim()).map_err(tera::Error::message)
}

/// A name as French inserts it: a string is a proper name or a place that
/// may carry its article (« Les Couronneries »); a party or the centre is an
/// object with `name`, and `article`/`gender` when the data has them.
fn noun(value: &Value) -> TeraResult<NounPhrase> {
    if let Some(s) = value.as_str() {
        return Ok(NounPhrase::new(s, None, None));
    }
    fn field<'v>(value: &'v Value, key: &'v str) -> Option<&'v str> {
        value.get_from_path(key).and_then(Value::as_str)
    }
    let field = |k: &'static str| field(value, k);
    let Some(name) = field("name") else {
        return Err(tera::Error::message(format!(
            "expected a name, a party or the centre, found {value}"
        )));
    };
    let article = field("article").and_then(wording::Article::parse);
    let gender = field("gender").and_then(|g| match g {
        "f" => Some(wording::Gender::F),
        "m" => Some(wording::Gender::M),
        _ => None,
    });
    Ok(NounPhrase::common(name, article, gender))
}

/// Register the French filters and cpo's functions on a Tera instance.
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "euros",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(fr::euros(&decimal(v)?)) },
    );
    tera.register_filter(
        "nombre",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(fr::number(&decimal(v)?)) },
    );
    tera.register_filter(
        "en_lettres",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            fr::en_lettres(&decimal(v)?).map_err(|e| tera::Error::message(e.to_string()))
        },
    );
    tera.register_filter(
        "date_fr",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            let text = v
                .as_str()
                .ok_or_else(|| tera::Error::message(format!("expected a date, found {v}")))?;
            // A day of the year ("03-31", as in payment terms) gives "31 mars".
            if let Some(md) = MonthDay::parse(text) {
                return Ok(fr::month_day_fr(md.month(), md.day()));
            }
            let date: jiff::civil::Date = text
                .parse()
                .map_err(|e| tera::Error::message(format!("`{text}` is not a date: {e}")))?;
            Ok(fr::date_fr(date))
        },
    );
    tera.register_filter(
        "de",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(noun(v)?.de()) },
    );
    tera.register_filter(
        "a",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(noun(v)?.a()) },
    );
    tera.register_filter(
        "le",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(noun(v)?.the()) },
    );
    tera.register_filter(
        "join_fr",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let items = v.as_array().ok_or_else(|| {
                tera::Error::message(format!("`join_fr` expects a list, found {v}"))
            })?;
            let each: Option<&str> = kwargs.get("each")?;
            let words = items
                .iter()
                .map(|item| match each {
                    Some("de") => noun(item).map(|n| n.de()),
                    Some("a") => noun(item).map(|n| n.a()),
                    Some("le") => noun(item).map(|n| n.the()),
                    Some(other) => Err(tera::Error::message(format!(
                        "`join_fr(each=\"{other}\")`: each is \"de\", \"a\" or \"le\""
                    ))),
                    None => Ok(item
                        .as_str()
                        .map_or_else(|| item.to_string(), str::to_string)),
                })
                .collect::<TeraResult<Vec<String>>>()?;
            Ok(wording::join_fr(&words))
        },
    );
    tera.register_filter(
        "ordinal",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            let n = v
                .as_i64()
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| tera::Error::message(format!("expected a number, found {v}")))?;
            Ok(wording::ordinal(n))
        },
    );
    for (name, table) in FUNCTIONS {
        tera.register_function(name, move |kwargs: Kwargs, state: &State| {
            reference(kwargs, state, table, name)
        });
    }
}

/// cpo's functions of base.md, each with the context table it reads.
const FUNCTIONS: [(&str, &str); 2] = [("article", "articles"), ("annexe", "annex_refs")];

/// `article(id="evaluation")` -> « l'article 9 »; `annexe(id=…)` ->
/// « l'annexe 5 ». The numbers are in the context (`articles`,
/// `annex_refs`), per convention.
fn reference(kwargs: Kwargs, state: &State, table: &str, what: &str) -> TeraResult<String> {
    let id: &str = kwargs.must_get("id")?;
    let refs: Option<Value> = state.get(table)?;
    refs.as_ref()
        .and_then(|r| r.get_from_path(id))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            tera::Error::message(format!(
                "{REFERENCE_TAG}`{what}(id=\"{id}\")` names no {what} of this convention"
            ))
        })
}

/// Protect `{#id}` at the end of Markdown headings from Tera's comment syntax.
pub fn protect_heading_ids(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 64);
    for line in source.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim_end();
        let is_heading = trimmed.trim_start().starts_with('#');
        match (is_heading, crate::model::text::split_heading_id(trimmed)) {
            (true, (_, Some(id))) => {
                let cut = trimmed.rfind("{#").unwrap_or(trimmed.len());
                out.push_str(&trimmed[..cut]);
                out.push_str(&format!("{{{{ \"{{#{id}}}\" | safe }}}}"));
                out.push_str(&body[trimmed.len()..]);
                out.push_str(newline);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Blocks `{% … %}` nested deeper than Tera's recursive parser should see.
fn tag_nesting_error(source: &str) -> Option<TemplateError> {
    let mut depth = 0usize;
    let mut rest = source;
    let mut consumed = 0;
    while let Some(i) = rest.find("{%") {
        let tag = rest[i + 2..].trim_start_matches('-').trim_start();
        let word = tag
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        if matches!(
            word,
            "if" | "for" | "block" | "macro" | "filter" | "raw" | "component"
        ) {
            depth += 1;
        } else if word.starts_with("end") {
            depth = depth.saturating_sub(1);
        }
        if depth > MAX_TAG_NESTING {
            let at = consumed + i;
            return Some(TemplateError {
                rule: Rule::Template,
                message: format!("template blocks nest more than {MAX_TAG_NESTING} levels deep"),
                span: Some(at..at + 2),
            });
        }
        consumed += i + 2;
        rest = &rest[i + 2..];
    }
    None
}

/// Why a bounded rendering stopped.
#[derive(Debug)]
pub enum Stopped {
    /// Tera's own error.
    Tera(tera::Error),
    /// The output grew past its budget.
    TooLarge,
    /// The rendering ran past [`MAX_TIME`], or an earlier one of the same
    /// templates did.
    TooLong,
    /// Anything else (output that is not UTF-8, no thread to render on).
    Other(String),
}

/// Tera templates rendered within an output budget and [`MAX_TIME`], on a
/// template worker thread ([`submit`]). Tera cannot be interrupted: a
/// rendering still running after the time budget is abandoned, and from
/// then on these templates render nothing more, since every later
/// rendering would run as long again (a looping base.md would cost its
/// budget once per centre, and its abandoned threads would keep the cores
/// busy).
pub struct BoundedTera {
    tera: Arc<Tera>,
    max_output: usize,
    /// Shared by the instances of one set of templates (HTML and Markdown
    /// escaping of the same pages).
    out_of_time: Arc<AtomicBool>,
}

impl BoundedTera {
    pub fn new(tera: Tera, max_output: usize) -> BoundedTera {
        BoundedTera {
            tera: Arc::new(tera),
            max_output,
            out_of_time: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Other templates that share this one's time budget.
    pub fn sharing_time(&self, tera: Tera) -> BoundedTera {
        BoundedTera {
            tera: Arc::new(tera),
            max_output: self.max_output,
            out_of_time: Arc::clone(&self.out_of_time),
        }
    }

    pub fn render(&self, name: &str, ctx: tera::Context) -> Result<String, Stopped> {
        self.start(name, ctx).finish()
    }

    /// Hand a rendering to this thread's template worker; [`Started::finish`]
    /// waits for it. Renderings started one after the other run one after
    /// the other, and a thread that starts several before waiting for the
    /// first spares the worker a wake-up for each.
    pub fn start(&self, name: &str, ctx: tera::Context) -> Started {
        let out_of_time = Arc::clone(&self.out_of_time);
        if self.out_of_time.load(Ordering::Relaxed) {
            return Started {
                job: Err(Stopped::TooLong),
                out_of_time,
            };
        }
        let tera = Arc::clone(&self.tera);
        let name = name.to_string();
        let max_output = self.max_output;
        let overran = Arc::clone(&self.out_of_time);
        let job = submit(move || {
            // Sent after another rendering of these templates overran:
            // this one would run as long.
            if overran.load(Ordering::Relaxed) {
                return None;
            }
            let mut out = Bounded {
                bytes: Vec::new(),
                started: Instant::now(),
                max_output,
            };
            Some(tera.render_to(&name, &ctx, &mut out).map(|_| out.bytes))
        });
        Started {
            job: Ok(job),
            out_of_time,
        }
    }
}

/// A rendering handed to a template worker ([`BoundedTera::start`]).
pub struct Started {
    /// The job on the worker, whose result is `None` when it did not
    /// render (these templates had overrun); or why it was not handed over.
    job: Result<Pending<Option<TeraResult<Vec<u8>>>>, Stopped>,
    /// The templates' flag: set when one of their renderings overran.
    out_of_time: Arc<AtomicBool>,
}

impl Started {
    /// Wait for the rendering (and for those started before it on this
    /// thread), each given [`MAX_TIME`] ([`Pending::wait`]). Once a
    /// rendering of the same templates has overrun, one not finished yet
    /// is not waited for.
    pub fn finish(self) -> Result<String, Stopped> {
        let job = self.job?;
        let result = if self.out_of_time.load(Ordering::Relaxed) {
            job.ready().ok_or(Deadline::Passed)
        } else {
            job.wait(MAX_TIME)
        };
        let stopped = match result {
            Ok(None) => Stopped::TooLong,
            Ok(Some(Ok(bytes))) => {
                return String::from_utf8(bytes).map_err(|_| {
                    Stopped::Other("the template produced text that is not UTF-8".into())
                });
            }
            Ok(Some(Err(e))) => bounded_cause(&e).unwrap_or(Stopped::Tera(e)),
            Err(Deadline::Passed) => Stopped::TooLong,
            Err(Deadline::Failed(why)) => Stopped::Other(why),
        };
        if matches!(stopped, Stopped::TooLong) {
            self.out_of_time.store(true, Ordering::Relaxed);
        }
        Err(stopped)
    }
}

/// A compiled base.md, ready to render for each centre of a period.
pub struct BaseTemplate {
    tera: BoundedTera,
    source: String,
    /// The context variables base.md reads (`None`: it may read any).
    reads: Option<std::collections::HashSet<String>>,
}

impl BaseTemplate {
    /// Parse base.md. Errors are located in the original source.
    pub fn new(source: &str) -> Result<BaseTemplate, Vec<TemplateError>> {
        if let Some(e) = tag_nesting_error(source) {
            return Err(vec![e]);
        }
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_markdown);
        tera.autoescape_on([BASE_TEMPLATE]);
        register_filters(&mut tera);
        tera.add_raw_template(BASE_TEMPLATE, &protect_heading_ids(source))
            .map_err(|e| from_tera(&e, source))?;
        let reads = variables_read(&tera, source);
        Ok(BaseTemplate {
            tera: BoundedTera::new(tera, MAX_OUTPUT),
            source: source.to_string(),
            reads,
        })
    }

    /// Whether base.md may read the context variable `name`.
    pub fn reads(&self, name: &str) -> bool {
        self.reads.as_ref().is_none_or(|r| r.contains(name))
    }

    /// Render base.md with a convention's context: the common text as
    /// Markdown, within [`MAX_OUTPUT`] bytes and [`MAX_TIME`] (see
    /// [`BoundedTera`]).
    pub fn render(&self, context: &super::context::Context) -> Result<String, TemplateError> {
        self.finish(self.start(context))
    }

    /// [`render`](Self::render) handed to the template worker, to be
    /// waited for by [`finish`](Self::finish) (see [`BoundedTera::start`]).
    pub fn start(&self, context: &super::context::Context) -> Result<Started, TemplateError> {
        let ctx = context
            .to_tera(&|name| self.reads(name))
            .map_err(|e| TemplateError::new(format!("the template context: {e}")))?;
        Ok(self.tera.start(BASE_TEMPLATE, ctx))
    }

    /// The Markdown of a rendering [`start`](Self::start)ed, or its error
    /// located in base.md.
    pub fn finish(&self, started: Result<Started, TemplateError>) -> Result<String, TemplateError> {
        started?.finish().map_err(|stopped| match stopped {
            Stopped::Tera(e) => self.first_error(&e),
            Stopped::TooLarge => TemplateError::new(TOO_LARGE),
            Stopped::TooLong => TemplateError::new(TOO_LONG),
            Stopped::Other(m) => TemplateError::new(format!("base.md: {m}")),
        })
    }

    fn first_error(&self, e: &tera::Error) -> TemplateError {
        let mut errors = from_tera(e, &self.source);
        errors.truncate(1);
        errors
            .pop()
            .unwrap_or_else(|| TemplateError::new(e.to_string()))
    }
}

/// The context variables a compiled base.md can read: the names it uses
/// at its top level (Tera's own list, includes followed) and the tables
/// cpo's functions it calls look up (`article`, `annexe`). `None` when it may read
/// anything: it dumps `__tera_context`, or defines components (whose
/// bodies Tera does not list).
fn variables_read(tera: &Tera, source: &str) -> Option<std::collections::HashSet<String>> {
    if source.contains("__tera_") || tera.get_component_names().next().is_some() {
        return None;
    }
    let mut reads: std::collections::HashSet<String> = tera
        .get_template_variables(BASE_TEMPLATE)
        .ok()?
        .into_iter()
        .map(str::to_string)
        .collect();
    for (function, table) in FUNCTIONS {
        if calls(source, function) {
            reads.insert(table.to_string());
        }
    }
    // Tera counts a name as the template's own from its first `set` on,
    // even a `set` under an `if` that may not run, after which the name is
    // the context's again: every name a `set` assigns is kept.
    reads.extend(set_targets(source));
    Some(reads)
}

/// The names after `set` and `set_global` anywhere in `source` (text
/// included: more names kept, never fewer).
fn set_targets(source: &str) -> Vec<String> {
    ["set", "set_global"]
        .into_iter()
        .flat_map(|keyword| after_word(source, keyword))
        // A space, then the name: not `settings`, nor `set_global` as `set`.
        .filter(|rest| rest.starts_with(char::is_whitespace))
        .map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Whether `source` may call the function `name`: the name followed by
/// `(` (spaces allowed) anywhere, text included, which errs on the side
/// of reading.
fn calls(source: &str, name: &str) -> bool {
    after_word(source, name).any(|rest| rest.trim_start().starts_with('('))
}

/// What follows each occurrence of `word` in `source` that does not
/// continue a longer name on its left.
fn after_word<'a>(source: &'a str, word: &'a str) -> impl Iterator<Item = &'a str> {
    source.match_indices(word).filter_map(move |(i, _)| {
        let before = source[..i].chars().next_back();
        (!before.is_some_and(|c| c.is_alphanumeric() || c == '_'))
            .then(|| &source[i + word.len()..])
    })
}

/// Why a job handed to a template worker has no result.
#[derive(Debug)]
pub enum Deadline {
    /// The job was still running when the time was up, or queued behind
    /// one that was; it is abandoned.
    Passed,
    /// The job could not run, or panicked.
    Failed(String),
}

/// A job for a template worker.
type Task = Box<dyn FnOnce() + Send + 'static>;

/// A thread's template jobs. They run on its template worker: a thread
/// that runs them one after the other, so that a job can be abandoned when
/// it overruns (Tera cannot be interrupted) without spawning a thread per
/// rendering, which cost four times the rendering itself. Jobs are sent
/// to the worker when one is waited for, all those handed over until then
/// at once, and the wait lasts until the worker has run them all: the
/// worker takes a batch one job after the other, and neither thread wakes
/// the other for each job.
#[derive(Default)]
struct Jobs {
    worker: Option<Worker>,
    /// Jobs handed over and not sent yet, numbered from `sent + 1`.
    queued: Vec<Task>,
    /// The number of the last job sent.
    sent: u64,
    /// The number of the last job sent to a worker that was abandoned:
    /// the jobs up to it that had not run then never will.
    abandoned: u64,
}

thread_local! {
    static JOBS: std::cell::RefCell<Jobs> = std::cell::RefCell::new(Jobs::default());
}

struct Worker {
    jobs: std::sync::mpsc::Sender<Vec<Task>>,
    progress: Arc<Progress>,
}

/// How far a worker has gone, for the thread waiting for it.
#[derive(Default)]
struct Progress {
    state: std::sync::Mutex<ProgressState>,
    changed: std::sync::Condvar,
}

#[derive(Default)]
struct ProgressState {
    /// The number of the last job run.
    done: u64,
    /// The job the waiting thread waits for, if one waits.
    awaited: Option<u64>,
}

impl Jobs {
    /// Send the queued jobs to the worker (a new one when there is none,
    /// or when it is gone).
    fn flush(&mut self) -> Result<(), Deadline> {
        if self.queued.is_empty() {
            return Ok(());
        }
        // One message for them all: sent one by one, each would wake the
        // worker, which would then run it before the next was sent.
        // Without a worker to run them, the jobs stay queued (and keep
        // their numbers) for the next wait.
        let worker = match self.worker.take() {
            Some(w) => w,
            None => spawn_worker(self.sent)?,
        };
        let batch = std::mem::take(&mut self.queued);
        let count = batch.len() as u64;
        let worker = match worker.jobs.send(batch) {
            Ok(()) => worker,
            Err(std::sync::mpsc::SendError(batch)) => {
                let worker = match spawn_worker(self.sent) {
                    Ok(w) => w,
                    Err(e) => {
                        self.queued = batch;
                        return Err(e);
                    }
                };
                if let Err(std::sync::mpsc::SendError(batch)) = worker.jobs.send(batch) {
                    self.queued = batch;
                    return Err(Deadline::Failed("the template worker stopped".into()));
                }
                worker
            }
        };
        self.worker = Some(worker);
        self.sent += count;
        Ok(())
    }
}

/// A worker whose first job will be number `sent + 1`.
fn spawn_worker(sent: u64) -> Result<Worker, Deadline> {
    let (send, receive) = std::sync::mpsc::channel::<Vec<Task>>();
    let progress = Arc::new(Progress::default());
    progress.lock().done = sent;
    let shared = Arc::clone(&progress);
    std::thread::Builder::new()
        .name("cpo-template".into())
        .stack_size(16 << 20)
        .spawn(move || {
            for batch in receive {
                for task in batch {
                    // Each rendering may allocate MAX_MEMORY at most.
                    let _limit = crate::budget::limit(
                        MAX_MEMORY,
                        "a template's rendering (base.md or templates/*.html)",
                    );
                    // A panicking job drops its result sender: the caller
                    // sees it, and the worker lives on.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task));
                    let mut state = shared.lock();
                    state.done += 1;
                    if state.awaited.is_some_and(|n| state.done >= n) {
                        shared.changed.notify_one();
                    }
                }
            }
        })
        .map_err(|e| Deadline::Failed(format!("cannot start a template worker: {e}")))?;
    Ok(Worker {
        jobs: send,
        progress,
    })
}

impl Progress {
    fn lock(&self) -> std::sync::MutexGuard<'_, ProgressState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait until job `last` has run; `false` when no job finished for
    /// `limit`: the one running then has run at least that long.
    fn wait(&self, last: u64, limit: Duration) -> bool {
        let mut state = self.lock();
        let mut seen = state.done;
        while state.done < last {
            state.awaited = Some(last);
            let (next, timeout) = self
                .changed
                .wait_timeout(state, limit)
                .unwrap_or_else(|e| e.into_inner());
            state = next;
            if timeout.timed_out() && state.done < last {
                if state.done == seen {
                    state.awaited = None;
                    return false;
                }
                seen = state.done;
            }
        }
        state.awaited = None;
        true
    }
}

/// A job handed to this thread's template worker ([`submit`]), not waited
/// for yet. Waited for on the thread that handed it over (it is not
/// `Send`).
pub struct Pending<T> {
    result: std::sync::mpsc::Receiver<T>,
    number: u64,
    _this_thread: std::marker::PhantomData<*const ()>,
}

/// Hand `job` to this thread's template worker.
pub fn submit<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Pending<T> {
    let (send, receive) = std::sync::mpsc::channel();
    let number = JOBS.with_borrow_mut(|jobs| {
        jobs.queued.push(Box::new(move || {
            let _ = send.send(job());
        }));
        jobs.sent + jobs.queued.len() as u64
    });
    Pending {
        result: receive,
        number,
        _this_thread: std::marker::PhantomData,
    }
}

impl<T> Pending<T> {
    /// Wait for the job, and for every job handed over before this wait;
    /// a job that runs for `limit` is abandoned with its worker, and so are
    /// the jobs queued behind it. Each job gets at least `limit`; one that
    /// overruns is found within twice that.
    pub fn wait(self, limit: Duration) -> Result<T, Deadline> {
        let (abandoned, sent, progress) = JOBS.with_borrow_mut(|jobs| {
            jobs.flush().map(|()| {
                let progress = jobs.worker.as_ref().map(|w| Arc::clone(&w.progress));
                (jobs.abandoned, jobs.sent, progress)
            })
        })?;
        if self.number <= abandoned {
            return self.ready().ok_or(Deadline::Passed);
        }
        let ran = match progress {
            Some(progress) => progress.wait(sent, limit),
            None => true,
        };
        if !ran {
            // A job of the worker overran (this one, or one behind it):
            // the worker is abandoned at once, so that the jobs that did
            // finish before it are not each waited for another `limit`.
            JOBS.with_borrow_mut(|jobs| {
                jobs.worker = None;
                jobs.abandoned = jobs.sent;
            });
        }
        match self.result.try_recv() {
            Ok(value) => Ok(value),
            Err(std::sync::mpsc::TryRecvError::Empty) if !ran => Err(Deadline::Passed),
            Err(_) => Err(Deadline::Failed(
                "the template panicked (a bug of cpo)".into(),
            )),
        }
    }

    /// The job's result if it has run, without waiting.
    pub fn ready(self) -> Option<T> {
        self.result.try_recv().ok()
    }
}

/// The output of one rendering, refusing to grow past its budget or to go
/// on past [`MAX_TIME`].
struct Bounded {
    bytes: Vec<u8>,
    started: Instant,
    max_output: usize,
}

const TOO_LARGE: &str = "base.md produced more than 4 MiB of text for one convention and was stopped (a loop without end?)";
const TOO_LONG: &str = "rendering base.md took more than 5 s and was stopped (a loop without end?)";

/// What [`Bounded`] says when it stops a rendering (found again in Tera's
/// error by [`bounded_cause`]).
const OUTPUT_SPENT: &str = "cpo: output budget spent";
const TIME_SPENT: &str = "cpo: time budget spent";

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max_output {
            return Err(std::io::Error::other(OUTPUT_SPENT));
        }
        if self.started.elapsed() > MAX_TIME {
            return Err(std::io::Error::other(TIME_SPENT));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Which budget stopped a rendering, when [`Bounded`] said stop.
fn bounded_cause(e: &tera::Error) -> Option<Stopped> {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(&c.to_string());
        cause = c.source();
    }
    if text.contains(OUTPUT_SPENT) {
        Some(Stopped::TooLarge)
    } else if text.contains(TIME_SPENT) {
        Some(Stopped::TooLong)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` jobs handed over together, job `i` sleeping `sleep(i)` and
    /// giving `i`, then waited for in order: what each gave.
    fn batch(n: u32, sleep: fn(u32) -> Duration, limit: Duration) -> Vec<Option<u32>> {
        let jobs: Vec<Pending<u32>> = (0..n)
            .map(|i| {
                submit(move || {
                    std::thread::sleep(sleep(i));
                    i
                })
            })
            .collect();
        jobs.into_iter().map(|p| p.wait(limit).ok()).collect()
    }

    /// Jobs handed over together run one after the other; the one that
    /// overruns is abandoned with those queued behind it, and the next job
    /// goes to a new worker.
    #[test]
    fn an_overrunning_job_is_abandoned_with_those_behind_it() {
        let limit = Duration::from_millis(200);
        let slow_second = |i| Duration::from_secs(if i == 1 { 3 } else { 0 });
        assert_eq!(batch(4, slow_second, limit), [Some(0), None, None, None]);
        assert_eq!(submit(|| 7).wait(limit).ok(), Some(7));
    }

    /// The last job of a batch overruns: the ones before it give their
    /// results without each being waited for again, and the overrun is
    /// found within twice the limit.
    #[test]
    fn an_overrun_at_the_end_of_a_batch_is_found_once() {
        let limit = Duration::from_millis(300);
        let slow_last = |i| Duration::from_secs(if i == 7 { 5 } else { 0 });
        let started = Instant::now();
        let results = batch(8, slow_last, limit);
        let took = started.elapsed();
        assert_eq!(
            results,
            [
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                None
            ]
        );
        // Each finished job waited for again would make it 8 limits.
        assert!(took < 4 * limit, "{took:?}");
    }

    /// The time limit is each job's, not the batch's.
    #[test]
    fn each_job_of_a_batch_has_its_own_time() {
        let limit = Duration::from_millis(400);
        let results = batch(5, |_| Duration::from_millis(100), limit);
        assert_eq!(results, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    }

    /// base.md gets only the variables it names (and the tables cpo's
    /// functions read); one that dumps the whole context gets it all.
    #[test]
    fn the_context_holds_what_base_md_reads() {
        let t = BaseTemplate::new(
            "{{ centre.name }} {% for f in funders %}{{ f.name }}{% endfor %}\n\n## Objet {#objet}\n",
        )
        .unwrap();
        let mut reads: Vec<&str> = t
            .reads
            .as_ref()
            .unwrap()
            .iter()
            .map(String::as_str)
            .collect();
        reads.sort();
        assert_eq!(reads, ["centre", "funders"]);
        let t = BaseTemplate::new("Voir {{ article (id=\"objet\") }}.").unwrap();
        assert!(t.reads("articles") && !t.reads("annex_refs"));
        let t = BaseTemplate::new("{{ __tera_context }}").unwrap();
        assert!(t.reads.is_none());
        // A `set` under an `if` that does not run leaves the context's value.
        let t = BaseTemplate::new(
            "{% if false %}{% set title = \"x\" %}{% set_global cost = 1 %}{% endif %}{{ title }}",
        )
        .unwrap();
        assert!(t.reads("title") && t.reads("cost"));
    }

    #[test]
    fn heading_ids_survive_tera() {
        let src = "Intro {{ x }}\n\n## Objet {#objet}\n\nTexte.\n## Autre\n";
        let protected = protect_heading_ids(src);
        assert_eq!(protected.lines().count(), src.lines().count());
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_markdown);
        tera.autoescape_on(["t"]);
        tera.add_raw_template("t", &protected).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("x", &"a*b");
        let out = tera.render("t", &ctx).unwrap();
        assert!(out.contains("## Objet {#objet}\n"), "{out}");
        assert!(out.starts_with("Intro a\\*b"), "{out}");
    }

    #[test]
    fn syntax_errors_point_into_the_source() {
        let src = "Line one\n\n## Objet {#objet}\n\n{{ centre.name \n";
        let err = match BaseTemplate::new(src) {
            Err(e) => e.into_iter().next().unwrap(),
            Ok(_) => panic!("should not parse"),
        };
        let span = err.span.clone().expect("located");
        let line = src[..span.start].matches('\n').count() + 1;
        assert_eq!(line, 5, "{err:?}");
    }

    #[test]
    fn unknown_filters_are_located_each() {
        let src = "Texte.\n\n{{ x | nope }}\n\nEt {{ y | autre }}.\n";
        let errs = match BaseTemplate::new(src) {
            Err(e) => e,
            Ok(_) => panic!("should not compile"),
        };
        let lines: Vec<usize> = errs
            .iter()
            .map(|e| src[..e.span.clone().unwrap().start].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [3, 5], "{errs:?}");
    }

    #[test]
    fn deep_tag_nesting_is_refused() {
        let src = "{% if a %}".repeat(100);
        assert!(BaseTemplate::new(&src).is_err());
    }
}
