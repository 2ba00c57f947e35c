//! French typography on the way out: the one pass of `fr::typography`
//! applied to a whole document, block by block, just before it becomes
//! HTML, Markdown or PDF.
//!
//! A block's inlines are seen as one text (the space before « ; » may sit
//! in the previous run); code and link destinations are opaque, never
//! changed. Ordinal suffixes become [`Inline::Sup`].

use super::ir::{Block, Document, Inline};
use crate::fr::typography::{self, Options, Piece, Segment};

/// Typeset a document in place.
pub fn document(doc: &mut Document, options: &Options) {
    doc.meta.title = typography::apply_str(&doc.meta.title, options);
    doc.meta.subtitle = typography::apply_str(&doc.meta.subtitle, options);
    blocks(&mut doc.blocks, options);
}

/// Typeset blocks in place.
pub fn blocks(blocks: &mut [Block], options: &Options) {
    for b in blocks {
        block(b, options);
    }
}

fn block(b: &mut Block, options: &Options) {
    match b {
        Block::Heading { c, .. } | Block::Paragraph { c } => inlines(c, options),
        Block::List { items, .. } => {
            for item in items {
                blocks(item, options);
            }
        }
        Block::Quote { c } | Block::Center { c } | Block::Keep { c } => blocks(c, options),
        Block::Table(t) => {
            if let Some(caption) = &mut t.caption {
                *caption = typography::apply_str(caption, options);
            }
            for column in &mut t.columns {
                inlines(&mut column.header, options);
            }
            for row in &mut t.rows {
                for cell in &mut row.cells {
                    inlines(cell, options);
                }
            }
        }
        Block::Signatures { parties } => {
            for p in parties {
                p.party = typography::apply_str(&p.party, options);
                p.capacity = typography::apply_str(&p.capacity, options);
                p.name = typography::apply_str(&p.name, options);
            }
        }
        Block::PdfPages { title, .. } => *title = typography::apply_str(title, options),
        // The fingerprint line is data: only its words get the pass, the
        // hash is left as it is (it has no spaces, apostrophes or ordinals).
        Block::Fingerprint { v } => *v = typography::apply_str(v, options),
        Block::Code { .. } | Block::Rule | Block::PageBreak => {}
    }
}

/// Collect the text leaves of an inline tree in reading order.
fn collect<'a>(items: &'a [Inline], out: &mut Vec<Segment<'a>>) {
    for i in items {
        match i {
            Inline::Text { v } => out.push(Segment::Text(v)),
            Inline::Code { v } | Inline::Sup { v } => out.push(Segment::Opaque(v)),
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Link { c, .. } => collect(c, out),
            Inline::Break => out.push(Segment::Opaque("\n")),
        }
    }
}

/// Typeset inlines in place: each text leaf is replaced by its pieces.
pub fn inlines(items: &mut Vec<Inline>, options: &Options) {
    let results = {
        let mut segments = Vec::new();
        collect(items, &mut segments);
        if segments.is_empty() {
            return;
        }
        typography::apply(&segments, options)
    };
    let mut results = results.into_iter();
    rebuild(items, &mut results);
}

fn rebuild(items: &mut Vec<Inline>, results: &mut std::vec::IntoIter<Vec<Piece>>) {
    let old = std::mem::take(items);
    for i in old {
        match i {
            Inline::Text { .. } => {
                let pieces = results.next().unwrap_or_default();
                for p in pieces {
                    match p {
                        Piece::Text(v) => items.push(Inline::Text { v }),
                        Piece::Sup(v) => items.push(Inline::Sup { v }),
                    }
                }
            }
            Inline::Code { .. } | Inline::Sup { .. } | Inline::Break => {
                results.next();
                items.push(i);
            }
            Inline::Strong { mut c } => {
                rebuild(&mut c, results);
                items.push(Inline::Strong { c });
            }
            Inline::Emph { mut c } => {
                rebuild(&mut c, results);
                items.push(Inline::Emph { c });
            }
            Inline::Strike { mut c } => {
                rebuild(&mut c, results);
                items.push(Inline::Strike { c });
            }
            Inline::Link { url, mut c } => {
                rebuild(&mut c, results);
                items.push(Inline::Link { url, c });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_become_superscripts_and_spaces_join() {
        let mut items = vec![
            Inline::text("Article 1er – Objet de l'accord"),
            Inline::Strong {
                c: vec![Inline::text(" ; voir")],
            },
            Inline::Code { v: "a : b".into() },
        ];
        inlines(&mut items, &Options::default());
        assert!(
            matches!(&items[1], Inline::Sup { v } if v == "er"),
            "{items:?}"
        );
        let text = crate::render::ir::plain(&items);
        assert!(text.contains("l’accord\u{202F};"), "{text:?}");
        assert!(text.ends_with("a : b"), "code untouched: {text:?}");
    }
}
