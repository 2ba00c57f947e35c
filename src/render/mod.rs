//! Rendering: the documents people sign (SPEC §7, §8, §10).
//!
//! One convention flows: resolved convention -> template context ->
//! base.md rendered by Tera, centre texts spliced in as blocks
//! (`document::common_text`) -> document IR (`document`) -> French
//! typography (`typeset`) -> HTML, Markdown or PDF writers. `checks` plugs
//! the rules that come with rendering into `cpo check`.
//!
//! [`render_period`] writes a period's documents: only the conventions the
//! check accepts (or every one, marked non-conforming, with
//! `allow_errors`), in parallel, each file atomically and only when it
//! changed: a PDF is compiled again only when what it is made of changed
//! (`cache`), so rebuilding after one edit rewrites one convention.

pub mod cache;
pub mod checks;
pub mod context;
pub mod document;
pub mod html;
pub mod ir;
pub mod markdown;
pub mod md;
pub mod parties;
#[cfg(feature = "pdf")]
pub mod pdf;
#[cfg(feature = "pdf")]
pub mod pdf_annex;
pub mod reading;
pub mod template;
pub mod theme;
pub mod typeset;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::fr;
use crate::fr::typography;
use crate::merge::Convention;
use crate::model::centre::Status;
use crate::model::config::ApostropheStyle;
use crate::pipeline::{Checked, Verdict};
use crate::repo::{remove_stale_temporaries, write_atomic};
use template::BaseTemplate;
use theme::Theme;

/// Which outputs to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub html: bool,
    pub pdf: bool,
    pub md: bool,
}

impl Formats {
    /// Every format this build can produce.
    pub const ALL: Formats = Formats {
        html: true,
        pdf: cfg!(feature = "pdf"),
        md: true,
    };
}

/// What to render.
#[derive(Debug, Clone)]
pub struct Options {
    /// The period (default: the latest).
    pub period: Option<String>,
    /// Only these centres (default: all of the period).
    pub centres: Vec<String>,
    pub formats: Formats,
    /// The output folder (already checked not to overlap the sources).
    pub out: PathBuf,
    /// Render again even what the cache says is up to date.
    pub force: bool,
    /// Render conventions the check rejects too, marked « document non
    /// conforme ».
    pub allow_errors: bool,
    /// The documents' date (ISO), from the data or the last commit.
    pub date: String,
    /// Links to reports for the index (the comparison with the previous period).
    pub reports: Vec<IndexLink>,
}

/// One rendered convention: what the index shows of it.
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub id: String,
    pub name: String,
    pub status: String,
    pub status_label: String,
    pub funders: Vec<String>,
    pub total: String,
    pub nonconforming: bool,
    pub files: Vec<IndexLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexLink {
    pub href: String,
    pub label: String,
}

/// What rendering a period did.
#[derive(Debug)]
pub struct Outcome {
    /// The period's output folder.
    pub dir: PathBuf,
    pub rendered: Vec<Rendered>,
    /// Files written (relative to `dir`), in order.
    pub written: Vec<String>,
    /// Files left as they were because nothing they are made of changed.
    pub unchanged: usize,
    /// Conventions not rendered, with why.
    pub refused: Vec<(String, Vec<String>)>,
    /// Conventions whose rendering failed, with why.
    pub failures: Vec<(String, String)>,
}

pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Draft => "projet",
        Status::Ready => "prête à signer",
        Status::Signed => "signée",
    }
}

/// The typography options of a repository.
pub fn typography_options(checked: &Checked<'_>) -> typography::Options {
    let straight = checked
        .snapshot()
        .config
        .as_ref()
        .is_some_and(|c| c.data.render.apostrophe == ApostropheStyle::Straight);
    typography::Options {
        apostrophe: if straight {
            typography::Apostrophe::Straight
        } else {
            typography::Apostrophe::Typographic
        },
    }
}

/// The document of one convention, typeset (no file written).
pub fn convention_document(
    template: &BaseTemplate,
    conv: &Convention,
    date: &str,
    nonconforming: bool,
    typo: &typography::Options,
) -> Result<ir::Document, String> {
    let common =
        document::common_text(template, conv).map_err(|e| format!("base.md: {}", e.message))?;
    let mut doc = document::build(&document::Inputs {
        conv,
        common: &common,
        date: date.to_string(),
        nonconforming,
    });
    typeset::document(&mut doc, typo);
    Ok(doc)
}

/// Lay out the pages of each PDF annex (images and text, see
/// `pdf_annex`) for the PDF writer; only the PDF needs them, the HTML and
/// Markdown link to the file. An annex that cannot be read fails the PDF:
/// a convention never goes out with an annex silently missing.
#[cfg(feature = "pdf")]
fn layout_pdf_annexes(doc: &mut ir::Document) -> Result<(), String> {
    let mut images = Vec::new();
    let mut laid: Vec<(String, Vec<ir::PageImage>)> = Vec::new();
    for (key, bytes) in &doc.pdf_files {
        let pages = pdf_annex::pages(bytes).map_err(|e| {
            let source =
                ir::find_pdf_pages(&doc.blocks, key).map_or(key.as_str(), |(source, _)| source);
            format!("annex `{source}`: {e}")
        })?;
        let refs = pages
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let image = format!("{}-{}.png", key.trim_end_matches(".pdf"), i + 1);
                images.push((image.clone(), p.png));
                ir::PageImage {
                    image,
                    width: p.width,
                    height: p.height,
                    lines: p
                        .lines
                        .into_iter()
                        .map(|l| ir::PageText {
                            x: l.x,
                            y: l.y,
                            size: l.size,
                            text: l.text,
                        })
                        .collect(),
                }
            })
            .collect();
        laid.push((key.clone(), refs));
    }
    fn walk(blocks: &mut [ir::Block], laid: &[(String, Vec<ir::PageImage>)]) {
        for b in blocks {
            match b {
                ir::Block::PdfPages { file, pages, .. } => {
                    if let Some((_, p)) = laid.iter().find(|(k, _)| k == file) {
                        *pages = p.clone();
                    }
                }
                ir::Block::Keep { c } | ir::Block::Center { c } | ir::Block::Quote { c } => {
                    walk(c, laid)
                }
                _ => {}
            }
        }
    }
    walk(&mut doc.blocks, &laid);
    doc.images = images;
    Ok(())
}

/// How long making one PDF may take by default (its annexes' pages laid
/// out, typst's compilation): ten times the longest measured, a
/// convention of 60,000 sections. Neither can be interrupted, and a typst
/// template whose loops grow with a convention's data passes check's
/// sample convention in no time: past it, the front end stops cpo
/// ([`crate::budget::deadline`]).
pub const PDF_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

static PDF_TIME: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();

/// Give every PDF of the process `limit` instead of [`PDF_TIME_LIMIT`]
/// (`CPO_PDF_TIMEOUT`, read by `cli`). The first call wins.
pub fn set_pdf_time_limit(limit: std::time::Duration) {
    let _ = PDF_TIME.set(limit);
}

#[cfg(feature = "pdf")]
fn pdf_bytes(theme: &Theme, doc: &ir::Document) -> Result<Vec<u8>, String> {
    let _deadline = crate::budget::deadline(
        *PDF_TIME.get().unwrap_or(&PDF_TIME_LIMIT),
        format!("the PDF of `{}` ({})", doc.meta.id, doc.meta.period),
    );
    if doc.pdf_files.is_empty() {
        return pdf::render(doc, theme.typst()).map_err(|e| e.to_string());
    }
    let mut doc = doc.clone();
    layout_pdf_annexes(&mut doc)?;
    pdf::render(&doc, theme.typst()).map_err(|e| e.to_string())
}

#[cfg(not(feature = "pdf"))]
fn pdf_bytes(_theme: &Theme, _doc: &ir::Document) -> Result<Vec<u8>, String> {
    Err("this cpo was built without PDF support (cargo feature `pdf`); use --format html,md".into())
}

/// The files of one convention, made in memory.
struct Made {
    rendered: Rendered,
    /// (file name, bytes, cache key): bytes are `None` when the cache says
    /// the file on disk is already what it would be.
    files: Vec<(String, Option<Vec<u8>>, Option<String>)>,
}

/// A convention's files once written.
struct Placed {
    rendered: Rendered,
    files: Vec<PlacedFile>,
}

struct PlacedFile {
    name: String,
    /// Whether the file on disk changed.
    written: bool,
    /// Its cache key, for the files the cache knows (PDFs).
    key: Option<String>,
    /// SHA-256 of the bytes made; `None` when the cache said the file on
    /// disk was already what it would be, and nothing was made.
    output: Option<String>,
}

/// Write what [`make`] made into `dir`. A file several conventions share
/// (a base annex) is written by the first of them, in `claimed`.
fn place(
    dir: &Path,
    made: Made,
    claimed: &std::sync::Mutex<std::collections::BTreeSet<String>>,
) -> Result<Placed> {
    let mut files = Vec::new();
    for (name, bytes, key) in made.files {
        let first = claimed
            .lock()
            .map_or(true, |mut names| names.insert(name.clone()));
        let (written, output) = match bytes {
            Some(bytes) => {
                let written = first && write_if_changed(&dir.join(&name), &bytes)?;
                (
                    written,
                    key.is_some().then(|| crate::merge::sha256_hex(&bytes)),
                )
            }
            None => (false, None),
        };
        files.push(PlacedFile {
            name,
            written,
            key,
            output,
        });
    }
    Ok(Placed {
        rendered: made.rendered,
        files,
    })
}

/// Render one convention in every requested format, in memory.
fn make(
    checked: &Checked<'_>,
    theme: &Theme,
    template: &BaseTemplate,
    conv: &Convention,
    options: &Options,
    nonconforming: bool,
    cache: &cache::Cache,
) -> Result<Made, String> {
    let typo = typography_options(checked);
    let doc = convention_document(template, conv, &options.date, nonconforming, &typo)?;
    let mut files = Vec::new();
    let mut links = Vec::new();
    if options.formats.html {
        let page = theme
            .page(&doc)
            .map_err(|e| format!("templates/convention.html: {}", e.message))?;
        let name = format!("{}.html", conv.id);
        files.push((name.clone(), Some(page.into_bytes()), None));
        links.push(IndexLink {
            href: name,
            label: "HTML".into(),
        });
    }
    if options.formats.pdf {
        let name = format!("{}.pdf", conv.id);
        let key = cache::pdf_key(&doc, theme.typst());
        let bytes = if !options.force && cache.is_fresh(&name, &key) {
            None
        } else {
            Some(pdf_bytes(theme, &doc)?)
        };
        files.push((name.clone(), bytes, Some(key)));
        links.push(IndexLink {
            href: name,
            label: "PDF".into(),
        });
    }
    if options.formats.md {
        let name = format!("{}.md", conv.id);
        files.push((name.clone(), Some(md::document(&doc).into_bytes()), None));
        links.push(IndexLink {
            href: name,
            label: "Markdown".into(),
        });
    }
    // PDF annexes are linked from the HTML and Markdown: copy them beside.
    if options.formats.html || options.formats.md {
        for (key, bytes) in &doc.pdf_files {
            files.push((format!("annexes/{key}"), Some(bytes.as_ref().clone()), None));
        }
    }
    let data = &conv.data;
    Ok(Made {
        rendered: Rendered {
            id: conv.id.clone(),
            name: typography::apply_str(&data.name, &typo),
            status: data.status.as_str().to_string(),
            status_label: status_label(data.status).to_string(),
            funders: data
                .signatories
                .iter()
                .filter(|s| data.funding.contains_key(&s.id))
                .map(|s| s.name.clone())
                .collect(),
            total: fr::euros(&data.funding_total().0),
            nonconforming,
            files: links,
        },
        files,
    })
}

/// The stack of every thread a document is laid out on. typst's layout
/// recurses deeply (tables in blocks in grids): the 2 MiB stacks of
/// ordinary threads overflow on long conventions, so these threads have
/// 64 MiB (address space, touched only as deep as a layout goes).
const DEEP_STACK: usize = 64 << 20;

/// One single-thread rayon pool per core (`RAYON_NUM_THREADS` respected),
/// made once and reused by every render of the process. Each document is
/// made inside one of them, so typst's own parallel work runs on that
/// document's thread: with a document per core the cores are already
/// busy, and a shared pool only added contention and, worse, let a worker
/// waiting inside one document start another (the PDF writer yields to
/// its pool), so that a run held every document it had begun in memory
/// (2.3 GB for 300 conventions, 12 GB for 2 000).
fn render_pools() -> &'static [rayon::ThreadPool] {
    static POOLS: std::sync::OnceLock<Vec<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOLS.get_or_init(|| {
        (0..rayon::current_num_threads())
            .filter_map(|i| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .thread_name(move |_| format!("cpo-render-{i}"))
                    .stack_size(DEEP_STACK)
                    .build()
                    .ok()
            })
            .collect()
    })
}

/// `work` on every job, one document at a time on each render pool, from
/// as many threads as there are pools. `None` for a job whose thread died
/// (a bug of cpo: `work` catches panics).
fn one_document_per_thread<T: Sync, R: Send>(
    jobs: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let pools = render_pools();
    let next = AtomicUsize::new(0);
    // Takes the next job until none is left; run by each thread, with its
    // pool (none: the work runs on the thread itself, which has a deep stack).
    let take_jobs = |pool: Option<&rayon::ThreadPool>| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs.len() {
                break done;
            }
            let result = match pool {
                Some(pool) => pool.install(|| work(&jobs[i])),
                None => work(&jobs[i]),
            };
            done.push((i, result));
        }
    };
    let threads = pools.len().clamp(1, jobs.len().max(1));
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|k| {
                std::thread::Builder::new()
                    .name("cpo-document".into())
                    .stack_size(DEEP_STACK)
                    .spawn_scoped(scope, move || take_jobs(pools.get(k)))
                    .ok()
            })
            .collect();
        // No thread could be made: this one does the work.
        let here = if handles.is_empty() {
            take_jobs(pools.first())
        } else {
            Vec::new()
        };
        let joined = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default());
        for (i, result) in here.into_iter().chain(joined) {
            out[i] = Some(result);
        }
    });
    out
}

/// Render a period's conventions into `OUT/PERIOD/`, with its index. Fails
/// (exit 2) only when nothing can be rendered at all (no such period,
/// templates that do not compile); a convention refused or failing is
/// reported in the outcome and the others are still written.
pub fn render_period(checked: &Checked<'_>, options: &Options) -> Result<Outcome> {
    let snapshot = checked.snapshot();
    let period = checked
        .period(options.period.as_deref())
        .context("the repository has no such period")?;
    let theme = Theme::load_for_rendering(snapshot)?;
    let template = checked.template(&period.label).with_context(|| {
        format!(
            "base.md of period {} does not compile or is missing: run `cpo check`",
            period.label
        )
    })?;
    let dir = options.out.join(&period.label);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    remove_stale_temporaries(&dir)?;
    remove_stale_temporaries(&dir.join("annexes"))?;
    let cache = if options.force {
        cache::Cache::default()
    } else {
        cache::Cache::read(&dir)
    };

    let mut refused = Vec::new();
    let mut jobs: Vec<(&Convention, bool)> = Vec::new();
    for conv in &period.conventions {
        if !options.centres.is_empty() && !options.centres.contains(&conv.id) {
            continue;
        }
        match checked.verdict(conv) {
            Verdict::Accepted => jobs.push((conv, false)),
            Verdict::Rejected(_) if options.allow_errors => jobs.push((conv, true)),
            Verdict::Rejected(reasons) => refused.push((conv.id.clone(), reasons)),
        }
    }
    for id in &period.unresolved {
        if options.centres.is_empty() || options.centres.contains(id) {
            refused.push((
                id.clone(),
                vec![format!(
                    "centre `{id}` cannot be resolved: run `cpo check {id}`"
                )],
            ));
        }
    }

    // Each convention's files are written as soon as they are made, so
    // that a run holds a few documents at a time, not every PDF.
    let claimed = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let results = one_document_per_thread(&jobs, |(conv, nonconforming)| {
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            make(
                checked,
                &theme,
                template,
                conv,
                options,
                *nonconforming,
                &cache,
            )
        }))
        .unwrap_or_else(|_| Err("rendering panicked (a bug of cpo)".to_string()));
        made.map(|made| place(&dir, made, &claimed))
    });

    let mut rendered = Vec::new();
    let mut written = Vec::new();
    let mut unchanged = 0;
    let mut failures = Vec::new();
    let mut new_cache = cache.successor();
    for ((conv, _), result) in jobs.iter().zip(results) {
        match result {
            Some(Ok(placed)) => {
                let placed = placed?;
                rendered.push(placed.rendered);
                for file in placed.files {
                    if file.written {
                        written.push(file.name.clone());
                    } else {
                        unchanged += 1;
                    }
                    match (file.key, file.output) {
                        (Some(key), Some(output)) => new_cache.record(&file.name, key, output),
                        (Some(key), None) => new_cache.keep(&cache, &file.name, key),
                        (None, _) => {}
                    }
                }
            }
            Some(Err(e)) => failures.push((conv.id.clone(), e)),
            None => failures.push((
                conv.id.clone(),
                "rendering stopped (a bug of cpo)".to_string(),
            )),
        }
    }
    rendered.sort_by(|a, b| a.id.cmp(&b.id));
    if options.formats.html {
        let index = index_page(&theme, checked, &period.label, &rendered, &options.reports)
            .map_err(anyhow::Error::msg)?;
        if write_if_changed(&dir.join("index.html"), index.as_bytes())? {
            written.push("index.html".into());
        }
    }
    new_cache.write(&dir)?;
    Ok(Outcome {
        dir,
        rendered,
        written,
        unchanged,
        refused,
        failures,
    })
}

/// Write a file unless it already holds exactly these bytes; true when written.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if let Ok(existing) = std::fs::read(path)
        && existing == bytes
    {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// What the period's index page shows.
#[derive(Serialize)]
struct IndexContext<'a> {
    title: String,
    territory: &'a str,
    period: &'a str,
    total: String,
    conventions: &'a [Rendered],
    funders: Vec<FunderTotal>,
    reports: &'a [IndexLink],
}

#[derive(Serialize)]
struct FunderTotal {
    name: String,
    total: String,
}

/// The period's `index.html`: « Conventions pluriannuelles d'objectifs
/// 2022-2025 », every convention with its documents, and the total per
/// funder in signing order (what the council votes).
fn index_page(
    theme: &Theme,
    checked: &Checked<'_>,
    label: &str,
    rendered: &[Rendered],
    reports: &[IndexLink],
) -> Result<String, String> {
    let period = checked.period(Some(label));
    let convs: Vec<&Convention> = period
        .map(|p| {
            p.conventions
                .iter()
                .filter(|c| rendered.iter().any(|r| r.id == c.id))
                .collect()
        })
        .unwrap_or_default();
    let mut funders: Vec<(usize, String, String, crate::model::Amount)> = Vec::new();
    for c in &convs {
        for (i, s) in c.data.signatories.iter().enumerate() {
            let total = c.data.funder_total(&s.id);
            if total.0.is_zero() && !c.data.funding.contains_key(&s.id) {
                continue;
            }
            match funders.iter_mut().find(|f| f.1 == s.id) {
                Some(f) => f.3 = f.3.plus(total),
                None => funders.push((i, s.id.clone(), s.name.clone(), total)),
            }
        }
    }
    funders.sort_by_key(|f| f.0);
    let total = crate::model::Amount::total(funders.iter().map(|f| &f.3));
    let title = convs
        .first()
        .map(|c| plural_title(&c.data.title))
        .unwrap_or_else(|| "Conventions".to_string());
    let territory = checked
        .snapshot()
        .territory()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let typo = typography_options(checked);
    theme
        .render(
            theme::INDEX_HTML,
            &IndexContext {
                title: typography::apply_str(&format!("{title} {label}"), &typo),
                territory: &typography::apply_str(&territory, &typo),
                period: label,
                total: fr::euros(&total.0),
                conventions: rendered,
                funders: funders
                    .into_iter()
                    .map(|f| FunderTotal {
                        name: f.2,
                        total: fr::euros(&f.3.0),
                    })
                    .collect(),
                reports,
            },
        )
        .map_err(|e| e.message)
}

/// « Convention pluriannuelle d'objectifs » -> « Conventions pluriannuelles
/// d'objectifs »: the head noun and its adjectives before the first
/// complement take the plural.
pub fn plural_title(title: &str) -> String {
    let mut out = Vec::new();
    let mut in_head = true;
    let words: Vec<&str> = title.split(' ').collect();
    let last = words.len().saturating_sub(1);
    for (i, word) in words.into_iter().enumerate() {
        // An adjective ending the title after a complement still agrees
        // with the head noun: « Conventions de financement triennales ».
        let trailing_adjective = !in_head
            && i == last
            && ["ale", "elle", "ive", "aire", "ée"]
                .iter()
                .any(|end| word.ends_with(end));
        if trailing_adjective {
            out.push(format!("{word}s"));
            continue;
        }
        let lower = word.to_lowercase();
        if in_head
            && ([
                "de", "d'", "du", "des", "à", "au", "aux", "pour", "entre", "et",
            ]
            .contains(&lower.as_str())
                || lower.starts_with("d'")
                || lower.starts_with("d’"))
        {
            in_head = false;
        }
        if in_head && !word.ends_with(['s', 'x', 'z']) && !word.is_empty() {
            let plural = if let Some(stem) = word.strip_suffix("al") {
                format!("{stem}aux")
            } else {
                format!("{word}s")
            };
            out.push(plural);
        } else {
            out.push(word.to_string());
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_titles() {
        assert_eq!(
            plural_title("Convention pluriannuelle d'objectifs"),
            "Conventions pluriannuelles d'objectifs"
        );
        assert_eq!(
            plural_title("Convention de financement triennale"),
            "Conventions de financement triennales"
        );
    }
}

/// A file format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Html,
    Pdf,
    Md,
}

impl FileFormat {
    /// The format of a rendered file, from its first bytes.
    pub fn sniff(bytes: &[u8]) -> FileFormat {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_ascii_lowercase();
        if bytes.starts_with(b"%PDF-") {
            FileFormat::Pdf
        } else if head.trim_start().starts_with("<!doctype")
            || head.trim_start().starts_with("<html")
        {
            FileFormat::Html
        } else {
            FileFormat::Md
        }
    }
}

/// The bytes of a document in one format, with the repository's templates.
pub fn document_bytes(
    checked: &Checked<'_>,
    doc: &ir::Document,
    format: FileFormat,
) -> Result<Vec<u8>> {
    let snapshot = checked.snapshot();
    let theme = Theme::load_for_rendering(snapshot)?;
    Ok(match format {
        FileFormat::Html => theme
            .page(doc)
            .map_err(|e| anyhow::anyhow!("templates/convention.html: {}", e.message))?
            .into_bytes(),
        FileFormat::Md => md::document(doc).into_bytes(),
        FileFormat::Pdf => pdf_bytes(&theme, doc).map_err(anyhow::Error::msg)?,
    })
}
