//! The document intermediate representation: what a convention says, once,
//! before it becomes HTML, Markdown or PDF.
//!
//! Every writer reads the same [`Document`], so the three outputs cannot say
//! different things. Text is always data here: a centre's words are
//! [`Inline::Text`] strings, escaped by the HTML and Markdown writers and
//! handed to typst as JSON strings, never as markup — so nothing a centre
//! writes can inject HTML, script or typst code into a document.

use serde::Serialize;

/// A document to render.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// The bytes of the PDF annexes that [`Block::PdfPages`] name, by key
    /// (copied beside the HTML and Markdown, which link to them); never
    /// serialised.
    #[serde(skip)]
    pub pdf_files: Vec<(String, std::sync::Arc<Vec<u8>>)>,
    /// The page images of those annexes, by key, given to typst as files.
    #[serde(skip)]
    pub images: Vec<(String, Vec<u8>)>,
}

/// What identifies a document and goes on every page of it.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The centre's id (`beaulieu`), or the avenant's id.
    pub id: String,
    /// The period label (`2022-2025`).
    pub period: String,
    /// The document title (`Convention pluriannuelle d'objectifs`).
    pub title: String,
    /// A second title line (the centre's name).
    pub subtitle: String,
    /// SHA-256 of the resolved convention, 64 hex digits.
    pub fingerprint: String,
    /// The first 12 hex digits, printed on every page.
    pub short_fingerprint: String,
    /// `status = "draft"`: every page carries a PROJET watermark.
    pub draft: bool,
    /// The document's date (ISO `YYYY-MM-DD`), from the data or the last
    /// commit, never the clock: PDF metadata use it.
    pub date: String,
    /// The authority that runs the repository (PDF author).
    pub author: String,
    /// What kind of document.
    pub kind: DocumentKind,
    /// Rendered although `cpo check` rejects it (`--allow-errors`): every
    /// page carries a « document non conforme » band.
    pub nonconforming: bool,
    /// One initials box per party on every page (« Ville », « CAF »).
    pub initials: Vec<String>,
}

/// What kind of document a rendered file is; `cpo verify` reads it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Convention,
    Avenant,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Convention => "convention",
            DocumentKind::Avenant => "avenant",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        match s {
            "convention" => Some(DocumentKind::Convention),
            "avenant" => Some(DocumentKind::Avenant),
            _ => None,
        }
    }
}

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Block {
    Heading {
        level: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        c: Vec<Inline>,
    },
    Paragraph {
        c: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        tight: bool,
        items: Vec<Vec<Block>>,
    },
    Quote {
        c: Vec<Block>,
    },
    Code {
        v: String,
    },
    Table(Table),
    Rule,
    PageBreak,
    /// A small, centred block of text (title page lines).
    Center {
        c: Vec<Block>,
    },
    /// The signature blocks: one per party.
    Signatures {
        parties: Vec<Signer>,
    },
    /// Blocks kept on one page (a budget year's heading and its table),
    /// unless together they exceed a page.
    Keep {
        c: Vec<Block>,
    },
    /// The pages of a PDF annex: appended as pages to the PDF, linked from
    /// the HTML and Markdown (`href` is relative to the document).
    PdfPages {
        title: String,
        href: String,
        /// The annex's key in the document's `pdf_files` (see `Document`).
        file: String,
        /// The file as base.toml names it, relative to the period folder
        /// (for messages).
        source: String,
        /// Its pages as images with their text, for the PDF writer (laid
        /// out by `render::pdf_annex`; empty until then).
        pages: Vec<PageImage>,
    },
    /// The fingerprint line of the signature page: small, monospace, never
    /// justified.
    Fingerprint {
        v: String,
    },
}

/// A page of a PDF annex as the PDF writer places it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageImage {
    /// The image's key in the document's `images`.
    pub image: String,
    /// The page's size in points.
    pub width: f32,
    pub height: f32,
    /// Its text lines, laid invisibly over the image.
    pub lines: Vec<PageText>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageText {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

/// A table: generated annexes (amounts right-aligned) or a Markdown table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// A class for the HTML writer (`money`, `budget`, `md`).
    pub class: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub header: Vec<Inline>,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub cells: Vec<Vec<Inline>>,
    /// A total or subtotal row, set in bold.
    pub total: bool,
}

/// A party's signature block: « Pour la Ville de Poitiers, / La maire, /
/// Élise Caradec ».
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signer {
    /// « Pour la Ville de Poitiers, »
    pub party: String,
    /// « La maire, »
    pub capacity: String,
    /// The person who signs.
    pub name: String,
    /// Initials for the initials boxes of every page (« V », « CAF »).
    pub initials: String,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Inline {
    Text {
        v: String,
    },
    Strong {
        c: Vec<Inline>,
    },
    Emph {
        c: Vec<Inline>,
    },
    Strike {
        c: Vec<Inline>,
    },
    Code {
        v: String,
    },
    Link {
        url: String,
        c: Vec<Inline>,
    },
    /// A superscript (the « er » of « 1er »).
    Sup {
        v: String,
    },
    Break,
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text { v: s.into() }
    }

    pub fn strong(s: impl Into<String>) -> Inline {
        Inline::Strong {
            c: vec![Inline::text(s)],
        }
    }
}

impl Block {
    pub fn heading(level: u8, text: impl Into<String>) -> Block {
        Block::Heading {
            level,
            id: None,
            c: vec![Inline::text(text)],
        }
    }

    pub fn heading_id(level: u8, id: impl Into<String>, text: impl Into<String>) -> Block {
        Block::Heading {
            level,
            id: Some(id.into()),
            c: vec![Inline::text(text)],
        }
    }

    pub fn para(text: impl Into<String>) -> Block {
        Block::Paragraph {
            c: vec![Inline::text(text)],
        }
    }

    pub fn para_inlines(c: Vec<Inline>) -> Block {
        Block::Paragraph { c }
    }
}

/// The plain text of inlines (for titles, alt texts, tests).
pub fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text { v } | Inline::Code { v } | Inline::Sup { v } => out.push_str(v),
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Link { c, .. } => out.push_str(&plain(c)),
            Inline::Break => out.push(' '),
        }
    }
    out
}

/// The source file and title of the PDF annex block with this key.
pub fn find_pdf_pages<'b>(blocks: &'b [Block], key: &str) -> Option<(&'b str, &'b str)> {
    blocks.iter().find_map(|b| match b {
        Block::PdfPages {
            file,
            source,
            title,
            ..
        } if file == key => Some((source.as_str(), title.as_str())),
        Block::Keep { c } | Block::Center { c } | Block::Quote { c } => find_pdf_pages(c, key),
        _ => None,
    })
}

/// A small document holding every kind of block and inline, for checking a
/// template override before any real document reaches it.
pub fn sample() -> Document {
    let text = |s: &str| vec![Inline::text(s)];
    Document {
        meta: Meta {
            id: "exemple".into(),
            period: "2024-2027".into(),
            title: "Convention pluriannuelle d'objectifs – Exemple".into(),
            subtitle: "Exemple".into(),
            fingerprint: "0".repeat(64),
            short_fingerprint: "0".repeat(12),
            draft: true,
            date: "2024-01-01".into(),
            author: "Ville".into(),
            kind: DocumentKind::Convention,
            nonconforming: true,
            initials: vec!["Ville".into(), "Association".into()],
        },
        blocks: vec![
            Block::Center {
                c: vec![Block::heading(1, "Titre")],
            },
            Block::heading_id(2, "objet", "Article 1"),
            Block::Paragraph {
                c: vec![
                    Inline::text("Texte "),
                    Inline::Sup { v: "er".into() },
                    Inline::Strong { c: text("gras") },
                    Inline::Emph {
                        c: text("italique"),
                    },
                    Inline::Strike { c: text("barré") },
                    Inline::Code { v: "code".into() },
                    Inline::Link {
                        url: "https://example.org".into(),
                        c: text("lien"),
                    },
                    Inline::Break,
                ],
            },
            Block::List {
                ordered: true,
                start: 1,
                tight: true,
                items: vec![vec![Block::para("un")]],
            },
            Block::Quote {
                c: vec![Block::para("citation")],
            },
            Block::Code { v: "code".into() },
            Block::Keep {
                c: vec![
                    Block::heading(3, "Exercice"),
                    Block::Table(Table {
                        caption: Some("Légende".into()),
                        columns: vec![
                            Column {
                                header: text("A"),
                                align: Align::Left,
                            },
                            Column {
                                header: text("B"),
                                align: Align::Right,
                            },
                            Column {
                                header: text("C"),
                                align: Align::Left,
                            },
                            Column {
                                header: text("D"),
                                align: Align::Right,
                            },
                        ],
                        rows: vec![Row {
                            cells: vec![text("1"), text("2"), text("3"), text("4")],
                            total: true,
                        }],
                        class: "budget".into(),
                    }),
                ],
            },
            Block::Rule,
            Block::PageBreak,
            Block::Signatures {
                parties: vec![Signer {
                    party: "Pour la Ville,".into(),
                    capacity: "La maire,".into(),
                    name: "Nom".into(),
                    initials: "Ville".into(),
                }],
            },
            Block::Fingerprint {
                v: "Empreinte : 0".into(),
            },
        ],
        pdf_files: Vec::new(),
        images: Vec::new(),
    }
}
