//! Markdown (CommonMark + tables + strikethrough) into the document IR.
//!
//! Nesting is bounded: below [`MAX_NESTING`] levels (block quotes, lists,
//! emphasis) a subtree becomes its plain text, gathered without recursion,
//! so no input can overflow the stack of the writers that walk the IR
//! (`cpo check` reports such a text as `too-deep`).
//!
//! This is where a centre's words become data. Raw HTML is never passed
//! through: an HTML block or inline tag becomes literal text (shown as
//! written), HTML comments are dropped (they are notes to editors). A link
//! keeps its destination only for http, https, mailto and relative targets;
//! `javascript:` and other schemes become plain text. Images become their
//! alternative text, since a document must not load external resources.

use comrak::nodes::{AstNode, ListType, NodeValue, TableAlignment};
use comrak::{Arena, parse_document};

use super::ir::{Align, Block, Column, Inline, Row, Table};
use crate::model::text::{MAX_NESTING, is_comment, options, split_heading_id};

/// Convert Markdown into blocks. Headings are moved `shift` levels down
/// (a centre's `##` placed inside an article becomes a level-3 heading or
/// lower), never below level 6.
pub fn to_blocks(markdown: &str, shift: u8) -> Vec<Block> {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    blocks(root, shift, 0)
}

fn blocks<'a>(node: &'a AstNode<'a>, shift: u8, depth: usize) -> Vec<Block> {
    node.children()
        .filter_map(|c| block(c, shift, depth + 1))
        .collect()
}

/// The text of a subtree, gathered with an explicit stack.
fn flat_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::CodeBlock(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            NodeValue::Paragraph | NodeValue::Heading(_) | NodeValue::Item(_)
                if !out.is_empty() && !out.ends_with(' ') =>
            {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

fn block<'a>(node: &'a AstNode<'a>, shift: u8, depth: usize) -> Option<Block> {
    if depth > MAX_NESTING {
        let text = flat_text(node);
        return (!text.is_empty()).then(|| Block::para(text));
    }
    let value = node.data().value.clone();
    Some(match value {
        NodeValue::Paragraph => Block::Paragraph {
            c: inlines(node, depth),
        },
        NodeValue::Heading(h) => {
            let mut c = inlines(node, depth);
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
            items: node
                .children()
                .map(|item| blocks(item, shift, depth + 1))
                .collect(),
        },
        NodeValue::BlockQuote => Block::Quote {
            c: blocks(node, shift, depth),
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
                .map(|r| r.children().map(|c| inlines(c, depth)).collect())
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
                        cells: r.children().map(|c| inlines(c, depth)).collect(),
                        total: false,
                    })
                    .collect(),
                class: "md".to_string(),
            })
        }
        // Anything else that holds blocks: keep its content.
        _ => {
            let inner = blocks(node, shift, depth);
            return match inner.len() {
                0 => None,
                1 => inner.into_iter().next(),
                _ => Some(Block::Quote { c: inner }),
            };
        }
    })
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

fn inlines<'a>(node: &'a AstNode<'a>, depth: usize) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    if depth > MAX_NESTING {
        let text = flat_text(node);
        if !text.is_empty() {
            out.push(Inline::Text { v: text });
        }
        return out;
    }
    let depth = depth + 1;
    for child in node.children() {
        let value = child.data().value.clone();
        let item = match value {
            NodeValue::Text(t) => Inline::Text { v: t.to_string() },
            NodeValue::SoftBreak => Inline::text(" "),
            NodeValue::LineBreak => Inline::Break,
            NodeValue::Code(code) => Inline::Code { v: code.literal },
            NodeValue::Emph => Inline::Emph {
                c: inlines(child, depth),
            },
            NodeValue::Strong => Inline::Strong {
                c: inlines(child, depth),
            },
            NodeValue::Strikethrough => Inline::Strike {
                c: inlines(child, depth),
            },
            NodeValue::Link(link) => {
                let c = inlines(child, depth);
                if safe_url(&link.url) {
                    Inline::Link { url: link.url, c }
                } else {
                    out.extend(c);
                    continue;
                }
            }
            NodeValue::Image(link) => {
                let alt = super::ir::plain(&inlines(child, depth));
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
                out.extend(inlines(child, depth));
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
    fn deep_nesting_is_flattened() {
        let deep = format!("{}mot profond", "> ".repeat(10_000));
        let b = to_blocks(&deep, 0);
        assert!(plain_of(&b).contains("mot profond"));
        let emph = format!("{}x{}", "*".repeat(5_000), "*".repeat(5_000));
        let _ = to_blocks(&emph, 0);
    }

    fn plain_of(blocks: &[Block]) -> String {
        let mut out = String::new();
        let mut stack: Vec<&Block> = blocks.iter().collect();
        while let Some(b) = stack.pop() {
            match b {
                Block::Paragraph { c } => out.push_str(&plain(c)),
                Block::Quote { c } => stack.extend(c.iter()),
                _ => {}
            }
        }
        out
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
