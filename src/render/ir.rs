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
    /// What kind of document (`convention`, `avenant`).
    pub kind: String,
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

/// A party's signature block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signer {
    /// The party (`Ville de Poitiers`).
    pub party: String,
    /// The person who signs.
    pub name: String,
    /// Their capacity (`La Maire`, `Le Président`).
    pub capacity: String,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Inline {
    Text { v: String },
    Strong { c: Vec<Inline> },
    Emph { c: Vec<Inline> },
    Strike { c: Vec<Inline> },
    Code { v: String },
    Link { url: String, c: Vec<Inline> },
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
            Inline::Text { v } | Inline::Code { v } => out.push_str(v),
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Link { c, .. } => out.push_str(&plain(c)),
            Inline::Break => out.push(' '),
        }
    }
    out
}
