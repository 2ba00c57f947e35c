//! Document symbols: the outline of a file.
//!
//! base.md: its articles, numbered as documents number them; a centre's
//! Markdown: its sections; a TOML file: its arrays of tables by id
//! (a centre's objectives with their indicators, the base's signatories,
//! axes, commitments) and a centre's funding lines with their totals.

use std::ops::Range;

use lsp_types::{DocumentSymbol, SymbolKind};
use rust_decimal::Decimal;

use super::text::LineIndex;
use crate::diag::FileId;
use crate::model::node::{Node, Value};
use crate::repo::FileKind;

pub fn symbols(text: &str, rel: &str) -> Vec<DocumentSymbol> {
    let index = LineIndex::new(text);
    match FileKind::of(rel) {
        FileKind::BaseText { .. } => markdown(text, &index, true),
        FileKind::CentreText { .. } => markdown(text, &index, false),
        FileKind::Base { .. } | FileKind::Centre { .. } | FileKind::Config => {
            match crate::model::node::parse_toml(FileId(0), text) {
                Ok(tree) => toml(&tree, &index),
                Err(_) => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: lsp_types::Range,
    selection: lsp_types::Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "?".into()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    }
}

fn markdown(text: &str, index: &LineIndex<'_>, articles: bool) -> Vec<DocumentSymbol> {
    let parsed = crate::model::text::parse_text(text.to_string(), !articles);
    parsed
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let heading = s.loc.span();
            let end = s.body_span.end.max(heading.end);
            let name = if articles {
                format!("Article {} – {}", i + 1, s.title)
            } else {
                s.title.clone()
            };
            symbol(
                name,
                Some(s.id.clone()),
                if articles {
                    SymbolKind::MODULE
                } else {
                    SymbolKind::STRING
                },
                index.range(&(heading.start..end)),
                index.range(&heading),
                Vec::new(),
            )
        })
        .collect()
}

/// The span from the first to the last byte a node and its keys cover.
fn extent(node: &Node) -> Option<Range<usize>> {
    let mut span: Option<Range<usize>> = None;
    let mut add = |s: &Range<usize>, synthetic: bool| {
        if synthetic || s.start >= s.end {
            return;
        }
        span = Some(match span.take() {
            Some(a) => a.start.min(s.start)..a.end.max(s.end),
            None => s.clone(),
        });
    };
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        add(&n.loc.span(), n.loc.is_synthetic());
        match &n.value {
            Value::Table(t) => {
                for e in &t.entries {
                    add(&e.key_loc.span(), e.key_loc.is_synthetic());
                    stack.push(&e.node);
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    span
}

fn toml(tree: &Node, index: &LineIndex<'_>) -> Vec<DocumentSymbol> {
    let Some(table) = tree.as_table() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in &table.entries {
        let Some(whole) = extent(&e.node).map(|s| s.start.min(e.key_loc.span().start)..s.end)
        else {
            continue;
        };
        if let Some(items) = e.node.as_array()
            && items.iter().any(|i| i.get("id").is_some())
        {
            let children = items.iter().filter_map(|i| item(i, index)).collect();
            out.push(symbol(
                e.key.to_string(),
                None,
                SymbolKind::ARRAY,
                index.range(&whole),
                index.range(&e.key_loc.span()),
                children,
            ));
        } else if e.key == "funding"
            && let Some(funders) = e.node.as_table()
        {
            let children = funders
                .entries
                .iter()
                .filter_map(|f| {
                    let span = extent(&f.node)?;
                    let total = f.node.as_table().map(|years| {
                        years
                            .entries
                            .iter()
                            .filter_map(|y| super::hover::amount(&y.node))
                            .sum::<Decimal>()
                    });
                    Some(symbol(
                        f.key.to_string(),
                        total.map(|t| format!("{} sur la période", crate::fr::euros(&t))),
                        SymbolKind::NUMBER,
                        index.range(&(f.key_loc.span().start.min(span.start)..span.end)),
                        index.range(&f.key_loc.span()),
                        Vec::new(),
                    ))
                })
                .collect();
            out.push(symbol(
                e.key.to_string(),
                None,
                SymbolKind::OBJECT,
                index.range(&whole),
                index.range(&e.key_loc.span()),
                children,
            ));
        }
    }
    out
}

/// An entry of an array of tables: its id, its title or name, and its own
/// arrays of tables (an objective's indicators).
fn item(node: &Node, index: &LineIndex<'_>) -> Option<DocumentSymbol> {
    let span = extent(node)?;
    let id = node.get("id");
    let label = |n: &Node| match &n.value {
        Value::String(s) => Some(s.to_string()),
        _ => None,
    };
    let name = id
        .and_then(label)
        .or_else(|| node.get("label").and_then(label))
        .unwrap_or_default();
    let detail = node
        .get("title")
        .or_else(|| node.get("name"))
        .and_then(label);
    let selection = id
        .or_else(|| node.get("label"))
        .map_or(span.start..span.start, |n| n.loc.span());
    let mut children = Vec::new();
    if let Some(t) = node.as_table() {
        for e in &t.entries {
            if let Some(items) = e.node.as_array() {
                children.extend(
                    items
                        .iter()
                        .filter(|i| i.as_table().is_some())
                        .filter_map(|i| item(i, index)),
                );
            }
        }
    }
    Some(symbol(
        name,
        detail,
        if id.is_some() {
            SymbolKind::OBJECT
        } else {
            SymbolKind::FIELD
        },
        index.range(&span),
        index.range(&selection),
        children,
    ))
}
