//! Rendering: the documents people sign (SPEC §7).
//!
//! One convention flows: resolved convention -> template context ->
//! base.md rendered by Tera -> document IR (`document`) -> HTML, Markdown
//! or PDF writers. `checks` plugs the rules that come with rendering into
//! `cpo check`.

pub mod checks;
pub mod context;
pub mod document;
pub mod html;
pub mod ir;
pub mod markdown;
pub mod md;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod template;
pub mod theme;

use std::path::PathBuf;

use serde::Serialize;

use crate::fr;
use crate::merge::Convention;
use crate::model::Snapshot;
use crate::model::centre::Status;
use crate::model::config::Territory;
use template::BaseTemplate;
use theme::Theme;

/// Which outputs to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub html: bool,
    pub pdf: bool,
    pub md: bool,
}

/// The formats written by default: all those this build can produce.
pub const DEFAULT_FORMATS: &str = if cfg!(feature = "pdf") {
    "html,pdf,md"
} else {
    "html,md"
};

impl Formats {
    pub const ALL: Formats = Formats {
        html: true,
        pdf: cfg!(feature = "pdf"),
        md: true,
    };

    /// `html,pdf,md` (any subset, any order).
    pub fn parse(list: &[String]) -> Result<Formats, String> {
        let mut f = Formats {
            html: false,
            pdf: false,
            md: false,
        };
        for item in list.iter().flat_map(|s| s.split(',')) {
            match item.trim() {
                "html" => f.html = true,
                "pdf" => f.pdf = true,
                "md" => f.md = true,
                "" => {}
                other => return Err(format!("unknown format `{other}` (formats: html, pdf, md)")),
            }
        }
        if !(f.html || f.pdf || f.md) {
            return Err("no format to render (formats: html, pdf, md)".into());
        }
        Ok(f)
    }
}

/// One rendered convention: its files and what the index shows of it.
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub id: String,
    pub name: String,
    pub status: String,
    pub status_label: String,
    pub funders: Vec<String>,
    pub total: String,
    /// (file name, bytes), to be written under the period's output folder.
    #[serde(skip)]
    pub outputs: Vec<(String, Vec<u8>)>,
    pub files: Vec<IndexLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexLink {
    pub href: String,
    pub label: String,
}

/// Everything shared by the conventions of one period.
pub struct PeriodJob<'a> {
    pub snapshot: &'a Snapshot,
    pub theme: &'a Theme,
    pub base: &'a BaseTemplate,
    pub base_source: &'a str,
    pub territory: Territory,
    pub formats: Formats,
    /// The documents' date (ISO), from the data or the last commit.
    pub date: String,
}

pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Draft => "projet",
        Status::Ready => "prête à signer",
        Status::Signed => "signée",
    }
}

/// The document of one convention (no file written).
pub fn convention_document(job: &PeriodJob<'_>, conv: &Convention) -> Result<ir::Document, String> {
    let ctx = context::build(conv, &job.territory);
    let common = job
        .base
        .render(&ctx)
        .map_err(|e| format!("base.md: {}", e.message))?;
    Ok(document::build(&document::Inputs {
        conv,
        context: &ctx,
        common_text: &common,
        base_source: job.base_source,
        date: job.date.clone(),
    }))
}

/// Render one convention in every requested format, in memory.
pub fn render_convention(job: &PeriodJob<'_>, conv: &Convention) -> Result<Rendered, String> {
    let doc = convention_document(job, conv)?;
    let mut outputs = Vec::new();
    let mut files = Vec::new();
    if job.formats.html {
        let page = job
            .theme
            .page(&doc)
            .map_err(|e| format!("templates/convention.html: {}", e.message))?;
        outputs.push((format!("{}.html", conv.id), page.into_bytes()));
        files.push(IndexLink {
            href: format!("{}.html", conv.id),
            label: "HTML".into(),
        });
    }
    if job.formats.pdf {
        outputs.push((format!("{}.pdf", conv.id), pdf_bytes(job, &doc)?));
        files.push(IndexLink {
            href: format!("{}.pdf", conv.id),
            label: "PDF".into(),
        });
    }
    if job.formats.md {
        outputs.push((format!("{}.md", conv.id), md::document(&doc).into_bytes()));
        files.push(IndexLink {
            href: format!("{}.md", conv.id),
            label: "Markdown".into(),
        });
    }
    let data = &conv.data;
    Ok(Rendered {
        id: conv.id.clone(),
        name: data.name.clone(),
        status: data.status.as_str().to_string(),
        status_label: status_label(data.status).to_string(),
        funders: data
            .funding
            .keys()
            .map(|f| {
                data.signatory(f)
                    .map_or_else(|| f.clone(), |s| s.name.clone())
            })
            .collect(),
        total: fr::euros(&data.funding_total().0),
        outputs,
        files,
    })
}

#[cfg(feature = "pdf")]
fn pdf_bytes(job: &PeriodJob<'_>, doc: &ir::Document) -> Result<Vec<u8>, String> {
    pdf::render(doc, job.theme.typst()).map_err(|e| e.to_string())
}

#[cfg(not(feature = "pdf"))]
fn pdf_bytes(_job: &PeriodJob<'_>, _doc: &ir::Document) -> Result<Vec<u8>, String> {
    Err("this cpo was built without PDF support (cargo feature `pdf`); use --format html,md".into())
}

/// Render many conventions, on every core: typst and Tera are the costly
/// part, and conventions are independent. `on_done` is called after each
/// (for a progress bar). Results come back in the input order.
pub fn render_all(
    job: &PeriodJob<'_>,
    convs: &[Convention],
    on_done: &(dyn Fn(&str) + Sync),
) -> Vec<(String, Result<Rendered, String>)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(convs.len().max(1));
    let chunk = convs.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = convs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|conv| {
                            let r = render_convention(job, conv);
                            on_done(&conv.id);
                            (conv.id.clone(), r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![(String::new(), Err("rendering panicked".into()))])
            })
            .collect()
    })
}

/// What the period's index page shows.
#[derive(Serialize)]
struct IndexContext<'a> {
    title: String,
    territory: &'a str,
    period: &'a str,
    total: String,
    conventions: &'a [Rendered],
    reports: &'a [IndexLink],
}

/// The period's `index.html`.
pub fn index_page(
    theme: &Theme,
    territory: &Territory,
    period: &str,
    title: &str,
    rendered: &[Rendered],
    reports: &[IndexLink],
    total: crate::model::Amount,
) -> Result<String, String> {
    theme
        .render(
            theme::INDEX_HTML,
            &IndexContext {
                title: format!("{title}s"),
                territory: &territory.name,
                period,
                total: fr::euros(&total.0),
                conventions: rendered,
                reports,
            },
        )
        .map_err(|e| format!("templates/index.html: {}", e.message))
}

/// The output folder of a period: `OUT/PERIOD`.
pub fn period_dir(out: &std::path::Path, period: &str) -> PathBuf {
    out.join(period)
}
