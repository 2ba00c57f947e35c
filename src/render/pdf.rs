//! PDF through typst, inside the binary.
//!
//! A minimal typst [`World`]: the main source is cpo's built-in template
//! (`templates/convention.typ`, overridable), the document arrives as a
//! virtual `/data.json` file that the template reads with `json(..)` (its
//! `meta` part also alone in `/meta.json`, for the page footer), and
//! the fonts are typst's embedded ones. There is no file system, no
//! package, no network, and `today()` is the document's date, so the same
//! inputs give the same bytes. The centre's words reach typst only as JSON
//! strings, which typst displays as text: they are never parsed as markup
//! or code.
//!
//! The output is PDF/A-2b (fonts embedded, XMP metadata), timestamped with
//! the document's date; cpo writes its title, author and keywords.
//!
//! In one run typst's memoized layout is shared across documents (the
//! fonts, the library and the cache live as long as the process): what two
//! conventions have in common, under the same styles, is laid out once.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use typst::diag::{FileError, FileResult};
use typst::ecow::eco_format;
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::model::DocumentInfo;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::ir::{Document, Meta};

/// The built-in typst template.
pub const TEMPLATE: &str = include_str!("templates/convention.typ");

/// What one typst compilation (and export) may allocate on its thread
/// before cpo stops with exit code 2 ([`crate::budget`]): typst bounds
/// loops but not what a template asks for (`range(400000000)` is 6.4 GB).
/// A convention takes tens of MB; a PDF annex's pages, decoded, about
/// 6.5 MB each, up to the 200 pages an annex may have.
pub const MAX_MEMORY: usize = 4 << 30;

const WHAT: &str = "the PDF template (typst)";

/// A typst failure, with typst's messages.
#[derive(Debug, thiserror::Error)]
#[error("typst could not produce the PDF: {0}")]
pub struct PdfError(pub String);

fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The typst file id of a virtual path; `None` for a path typst refuses
/// (annex keys are made of `[a-z0-9-]` and a `.pdf` extension).
fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

struct CpoWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a FontStore,
    main: Source,
    /// `/data.json`, `/meta.json` and the PDF annexes, as `/annexes/KEY`
    /// (see `ir::Block::PdfPages`).
    files: Vec<(FileId, Bytes)>,
    today: Option<Datetime>,
}

impl World for CpoWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Render a document to PDF bytes with `template` (typst source).
pub fn render(doc: &Document, template: &str) -> Result<Vec<u8>, PdfError> {
    let pdf = compile(doc, template, library(), fonts());
    // typst memoizes across compilations; with thousands of different
    // documents in one run the cache only grows and lookups slow down.
    // Keep what the last few compilations used (fonts, the template, the
    // layout of what conventions share). Evicting walks the whole cache:
    // once every EVICT_EVERY documents, keeping two rounds.
    const EVICT_EVERY: usize = 4;
    static RENDERED: AtomicUsize = AtomicUsize::new(0);
    if RENDERED.fetch_add(1, Ordering::Relaxed) % EVICT_EVERY == EVICT_EVERY - 1 {
        typst::comemo::evict(2);
    }
    pdf
}

/// What typst alone does for one document, as `typst compile` would: a
/// new standard library and font store, nothing memoized from earlier
/// documents. Not used by cpo itself: the render benchmark's baseline, so
/// that what cpo gains by sharing fonts and memoized work across a batch
/// is measured against the same template, data and typst version.
pub fn render_standalone(doc: &Document, template: &str) -> Result<Vec<u8>, PdfError> {
    typst::comemo::evict(0);
    let library = LazyHash::new(Library::default());
    let mut fonts = FontStore::new();
    fonts.extend(typst_kit::fonts::embedded());
    compile(doc, template, &library, &fonts)
}

fn compile(
    doc: &Document,
    template: &str,
    library: &LazyHash<Library>,
    fonts: &FontStore,
) -> Result<Vec<u8>, PdfError> {
    let date: jiff::civil::Date = doc
        .meta
        .date
        .parse()
        .map_err(|e| PdfError(format!("document date `{}`: {e}", doc.meta.date)))?;
    let today = Datetime::from_ymd(i32::from(date.year()), date.month() as u8, date.day() as u8);
    let (main, files) = world_files(doc)?;
    let world = CpoWorld {
        library,
        fonts,
        main: Source::new(main, template.to_string()),
        files,
        today,
    };
    // The whole compilation and export, as far as it runs on this thread.
    let _limit = crate::budget::limit(MAX_MEMORY, WHAT);
    let compiled = typst::compile::<PagedDocument>(&world);
    let mut document = compiled.output.map_err(|e| typst_error(&e))?;
    set_info(document.info_mut(), &doc.meta);
    let standards =
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| PdfError(e.message().to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "cpo/{}/{}/{}",
            doc.meta.kind.as_str(),
            doc.meta.period,
            doc.meta.id
        )),
        timestamp: today.map(Timestamp::new_utc),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|e| typst_error(&e))
}

/// The PDF's title, author and keywords, written by cpo whatever the
/// template sets: `cpo verify` reads the keywords back. (The template does
/// not set them: a `set document` rule would style every convention
/// differently, and typst would share no layout between them.)
fn set_info(info: &mut DocumentInfo, meta: &Meta) {
    info.title = Some(meta.title.as_str().into());
    info.author = vec![meta.author.as_str().into()];
    info.keywords = vec![
        eco_format!("cpo-{}:{}", meta.kind.as_str(), meta.id),
        eco_format!("cpo-period:{}", meta.period),
        eco_format!("cpo-fingerprint:{}", meta.fingerprint),
        eco_format!("cpo-date:{}", meta.date),
    ];
}

/// The main file's id and the files a template reads: the document as
/// `/data.json`, its `meta` part as `/meta.json`, the pages of its PDF
/// annexes as `/annexes/KEY`.
fn world_files(doc: &Document) -> Result<(FileId, Vec<(FileId, Bytes)>), PdfError> {
    let json = |value: Result<Vec<u8>, serde_json::Error>| {
        value.map(Bytes::new).map_err(|e| PdfError(e.to_string()))
    };
    let (Some(main), Some(data_id), Some(meta_id)) = (
        file_id("/main.typ"),
        file_id("/data.json"),
        file_id("/meta.json"),
    ) else {
        return Err(PdfError("invalid virtual paths".into()));
    };
    let mut files = vec![
        (data_id, json(serde_json::to_vec(doc))?),
        (meta_id, json(serde_json::to_vec(&doc.meta))?),
    ];
    for (key, bytes) in &doc.images {
        let id = file_id(&format!("/annexes/{key}"))
            .ok_or_else(|| PdfError(format!("invalid annex name `{key}`")))?;
        files.push((id, Bytes::new(bytes.clone())));
    }
    Ok((main, files))
}

fn typst_error(errors: &[typst::diag::SourceDiagnostic]) -> PdfError {
    PdfError(
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Compile a typst template override against a small document holding
/// every kind of block, for `cpo check`: its errors, with their spans in
/// the template.
pub fn check_template(template: &str) -> Vec<(String, Option<std::ops::Range<usize>>)> {
    let Ok((main, files)) = world_files(&super::ir::sample()) else {
        return Vec::new();
    };
    let world = CpoWorld {
        library: library(),
        fonts: fonts(),
        main: Source::new(main, template.to_string()),
        files,
        today: Datetime::from_ymd(2024, 1, 1),
    };
    let compiled = {
        let _limit = crate::budget::limit(MAX_MEMORY, WHAT);
        typst::compile::<PagedDocument>(&world)
    };
    typst::comemo::evict(8);
    match compiled.output {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .iter()
            .map(|e| {
                let span = (e.span.id() == Some(main))
                    .then(|| typst::WorldExt::range(&world, e.span))
                    .flatten();
                (e.message.to_string(), span)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keywords `cpo verify` reads back are cpo's, whatever a template
    /// override sets (or does not set).
    #[test]
    fn the_metadata_is_written_by_cpo() {
        let doc = crate::render::ir::sample();
        let keywords = format!(
            "<pdf:Keywords>cpo-convention:exemple, cpo-period:2024-2027, cpo-fingerprint:{}, cpo-date:{}</pdf:Keywords>",
            doc.meta.fingerprint, doc.meta.date
        );
        for template in [
            "Texte.",
            "#set document(title: \"autre\", keywords: (\"autre\",))\nTexte.",
        ] {
            let pdf = render(&doc, template).expect("typst compiles");
            let pdf = String::from_utf8_lossy(&pdf);
            assert!(pdf.contains(&keywords), "{template}");
            assert!(!pdf.contains(">autre<"), "{template}");
        }
    }

    /// The built-in template reads a document's own values in the page
    /// footer from /meta.json, and sets no style from them (but the draft
    /// and non-conforming flags): what lets typst share layout across the
    /// conventions of a run.
    #[test]
    fn the_built_in_template_styles_every_document_alike() {
        let mut code = TEMPLATE.lines().map(|l| l.split("//").next().unwrap_or(""));
        assert!(!code.any(|l| l.contains("set document")));
        let footer = &TEMPLATE[TEMPLATE.find("footer: context {").expect("a footer")..];
        let footer = &footer[..footer.find("\n  },").expect("its end")];
        assert!(footer.contains("json(\"/meta.json\")"));
    }
}
