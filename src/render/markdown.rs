//! Markdown (CommonMark + tables + strikethrough) into the document IR.
//!
//! This is where a centre's words become data. Raw HTML is never passed
//! through: an HTML block or inline tag becomes literal text (shown as
//! written), HTML comments are dropped (they are notes to editors). A link
//! keeps its destination only for http, https, mailto and relative targets;
//! `javascript:` and other schemes become plain text. Images become their
//! alternative text, since a document must not load external resources.

use comrak::nodes::{AstNode, ListType, NodeValue, TableAlignment};
use comrak::{Arena, Options, parse_document};

use super::ir::{Align, Block, Column, Inline, Row, Table};
use crate::model::text::split_heading_id;

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o
}

/// Convert Markdown into blocks. Headings are moved `shift` levels down
/// (a centre's `##` placed inside an article becomes a level-3 heading or
/// lower), never below level 6.
pub fn to_blocks(markdown: &str, shift: u8) -> Vec<Block> {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    blocks(root, shift)
}

fn blocks<'a>(node: &'a AstNode<'a>, shift: u8) -> Vec<Block> {
    node.children().filter_map(|c| block(c, shift)).collect()
}

fn block<'a>(node: &'a AstNode<'a>, shift: u8) -> Option<Block> {
    let value = node.data().value.clone();
    Some(match value {
        NodeValue::Paragraph => Block::Paragraph { c: inlines(node) },
        NodeValue::Heading(h) => {
            let mut c = inlines(node);
            let mut id = None;
            // `### Titre {#id}` inside a text: the id is not shown.
            if let Some(Inline::Text { v }) = c.last_mut() {
                let (title, explicit) = split_heading_id(v);
                if explicit.is_some() {
                    *v = title;
                    id = explicit;
                }
            }
            Block::Heading {
                level: (h.level + shift).min(6),
                id,
                c,
            }
        }
        NodeValue::List(list) => Block::List {
            ordered: list.list_type == ListType::Ordered,
            start: list.start as u64,
            tight: list.tight,
            items: node.children().map(|item| blocks(item, shift)).collect(),
        },
        NodeValue::BlockQuote => Block::Quote {
            c: blocks(node, shift),
        },
        NodeValue::CodeBlock(code) => Block::Code {
            v: code.literal.trim_end_matches('\n').to_string(),
        },
        NodeValue::HtmlBlock(html) => {
            let text = html.literal.trim_end().to_string();
            if is_comment(&text) {
                return None;
            }
            Block::Paragraph {
                c: vec![Inline::Text { v: text }],
            }
        }
        NodeValue::ThematicBreak => Block::Rule,
        NodeValue::Table(table) => {
            let mut rows = node.children();
            let header: Vec<Vec<Inline>> = rows
                .next()
                .map(|r| r.children().map(inlines).collect())
                .unwrap_or_default();
            let columns = header
                .into_iter()
                .enumerate()
                .map(|(i, h)| Column {
                    header: h,
                    align: match table.alignments.get(i) {
                        Some(TableAlignment::Right) => Align::Right,
                        Some(TableAlignment::Center) => Align::Center,
                        _ => Align::Left,
                    },
                })
                .collect();
            Block::Table(Table {
                caption: None,
                columns,
                rows: rows
                    .map(|r| Row {
                        cells: r.children().map(inlines).collect(),
                        total: false,
                    })
                    .collect(),
                class: "md".to_string(),
            })
        }
        // Anything else that holds blocks: keep its content.
        _ => {
            let inner = blocks(node, shift);
            return match inner.len() {
                0 => None,
                1 => inner.into_iter().next(),
                _ => Some(Block::Quote { c: inner }),
            };
        }
    })
}

fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

/// Link destinations kept as links: web, mail, and relative paths/anchors.
pub fn safe_url(url: &str) -> bool {
    let u = url.trim();
    match u.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &u[..colon];
            // A colon after a slash, `?` or `#` is not a scheme separator.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto"
            )
        }
    }
}

fn inlines<'a>(node: &'a AstNode<'a>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for child in node.children() {
        let value = child.data().value.clone();
        let item = match value {
            NodeValue::Text(t) => Inline::Text { v: t.to_string() },
            NodeValue::SoftBreak => Inline::text(" "),
            NodeValue::LineBreak => Inline::Break,
            NodeValue::Code(code) => Inline::Code { v: code.literal },
            NodeValue::Emph => Inline::Emph { c: inlines(child) },
            NodeValue::Strong => Inline::Strong { c: inlines(child) },
            NodeValue::Strikethrough => Inline::Strike { c: inlines(child) },
            NodeValue::Link(link) => {
                let c = inlines(child);
                if safe_url(&link.url) {
                    Inline::Link { url: link.url, c }
                } else {
                    out.extend(c);
                    continue;
                }
            }
            NodeValue::Image(link) => {
                let alt = super::ir::plain(&inlines(child));
                Inline::text(if alt.is_empty() {
                    format!("[image : {}]", link.url)
                } else {
                    format!("[image : {alt}]")
                })
            }
            NodeValue::HtmlInline(html) => {
                if is_comment(&html) {
                    continue;
                }
                Inline::Text { v: html }
            }
            _ => {
                out.extend(inlines(child));
                continue;
            }
        };
        // Merge adjacent texts: fewer nodes, simpler outputs.
        if let (Inline::Text { v: next }, Some(Inline::Text { v: prev })) = (&item, out.last_mut())
        {
            prev.push_str(next);
        } else {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ir::plain;

    #[test]
    fn structure() {
        let b = to_blocks(
            "## Titre {#t}\n\nUn *mot* et **deux**.\n\n- a\n- b\n\n1. x\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n",
            1,
        );
        assert_eq!(
            b[0],
            Block::Heading {
                level: 3,
                id: Some("t".into()),
                c: vec![Inline::text("Titre")]
            }
        );
        assert!(matches!(&b[2], Block::List { ordered: false, items, .. } if items.len() == 2));
        assert!(matches!(
            &b[3],
            Block::List {
                ordered: true,
                start: 1,
                ..
            }
        ));
        let Block::Table(t) = &b[4] else {
            panic!("{b:?}")
        };
        assert_eq!(t.columns[1].align, Align::Right);
        assert_eq!(plain(&t.rows[0].cells[1]), "2");
    }

    #[test]
    fn html_is_text_and_comments_vanish() {
        let b = to_blocks(
            "<script>alert(1)</script>\n\nUn <b>gras</b> <!-- note -->\n\n<!-- bloc -->\n",
            0,
        );
        assert_eq!(b.len(), 2, "{b:?}");
        assert_eq!(
            plain(match &b[0] {
                Block::Paragraph { c } => c,
                _ => panic!(),
            }),
            "<script>alert(1)</script>"
        );
        assert_eq!(
            plain(match &b[1] {
                Block::Paragraph { c } => c,
                _ => panic!(),
            }),
            "Un <b>gras</b> "
        );
    }

    #[test]
    fn dangerous_links_lose_their_destination() {
        let b = to_blocks(
            "[ok](https://example.org) [bad](javascript:alert(1)) [rel](annexe.pdf) [x](data:text/html,x)",
            0,
        );
        let Block::Paragraph { c } = &b[0] else {
            panic!()
        };
        let links: Vec<_> = c
            .iter()
            .filter_map(|i| match i {
                Inline::Link { url, .. } => Some(url.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(links, ["https://example.org", "annexe.pdf"]);
        assert!(plain(c).contains("bad"));
    }
}
