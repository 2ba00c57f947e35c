//! Go to definition: from an id to where the period defines it.
//!
//! - an axis id (`axis = "cohesion"`) to its `id = "cohesion"` line in
//!   base.toml (or in the centre's own `[[axes]]`);
//! - a funder id (a key of `[funding]` or of `subsidies`) to its signatory;
//! - an id in `remove` to the base entry it removes;
//! - `previous_id` to the centre's file of the previous period;
//! - a section of a centre's Markdown (its `##` heading) to where base.md
//!   places it and to `[sections]` in base.toml; in base.md,
//!   `sections.x` to `[sections]`, `article(id="x")` to the article.
//!
//! The merged tree keeps each node's provenance, so a definition is found
//! in whichever file wrote it.

use std::ops::Range;

use super::cursor;
use super::view::View;
use crate::diag::{FileId, Loc};
use crate::model::node::Node;
use crate::repo::FileKind;
use crate::repo::layout;

/// A definition: a file of the repository and a byte span of its text.
pub type Target = (String, Range<usize>);

pub fn definition(text: &str, rel: &str, offset: usize, view: &View) -> Vec<Target> {
    match FileKind::of(rel) {
        FileKind::Centre { .. } | FileKind::Base { .. } => toml(text, offset, view),
        FileKind::CentreText { .. } => section_heading(text, offset, view),
        FileKind::BaseText { .. } => template(text, offset, view),
        _ => Vec::new(),
    }
}

/// The data the definitions are looked up in: the resolved convention's
/// tree, else the base's.
fn data(view: &View) -> Option<&Node> {
    match &view.conv {
        Some(conv) => Some(&conv.tree),
        None => view.base().map(|b| &b.tree),
    }
}

/// The `id = "…"` line of the entry `id` of an array of tables.
fn entry(view: &View, array: &str, id: &str) -> Option<Target> {
    let item = data(view)?.path(&[array, id])?;
    let entry = item.as_table()?.entry("id")?;
    let loc = Loc::new(
        entry.key_loc.file,
        entry.key_loc.span().start..entry.node.loc.span().end,
    );
    located(view, &loc)
}

fn located(view: &View, loc: &Loc) -> Option<Target> {
    (!loc.is_synthetic()).then(|| (view.path_of(loc.file).to_string(), loc.span()))
}

fn toml(text: &str, offset: usize, view: &View) -> Vec<Target> {
    let Ok(tree) = crate::model::node::parse_toml(FileId(0), text) else {
        return Vec::new();
    };
    let Some(hit) = cursor::hit(&tree, offset) else {
        return Vec::new();
    };
    let keys = hit.keys();
    let value = hit.node.as_str();
    let on_key = hit.key.is_some();
    let found = match (keys.as_slice(), value) {
        ([.., "objectives", "axis"], Some(axis)) => entry(view, "axes", axis),
        (["funding", funder], _) if on_key => entry(view, "signatories", funder),
        (["budget", _, "subsidies", funder], _) if on_key => entry(view, "signatories", funder),
        (["remove"], Some(spec)) => {
            let (array, id) = match spec.split_once('.') {
                Some((a, id)) if crate::merge::MERGED_ARRAYS.contains(&a) => (Some(a), id),
                _ => (None, spec),
            };
            crate::merge::MERGED_ARRAYS
                .iter()
                .filter(|a| array.is_none_or(|f| f == **a))
                .find_map(|a| {
                    let base = view.base()?;
                    let item = base.tree.path(&[*a, id])?;
                    let e = item.as_table()?.entry("id")?;
                    located(
                        view,
                        &Loc::new(
                            e.key_loc.file,
                            e.key_loc.span().start..e.node.loc.span().end,
                        ),
                    )
                })
        }
        (["previous_id"], Some(id)) => view
            .previous
            .as_ref()
            .filter(|(_, ids)| ids.iter().any(|i| i == id))
            .map(|(label, _)| (layout::centre_toml(label, id), 0..0)),
        _ => None,
    };
    found.into_iter().collect()
}

/// Where a section id is placed: `sections.ID` / `sections["ID"]` in
/// base.md, and its entry in base.toml's `[sections]`.
fn section_targets(view: &View, id: &str) -> Vec<Target> {
    let mut out = Vec::new();
    if let Some(period) = view.period()
        && let Some(doc) = &period.base_text
    {
        let source = &view.project.snapshot().sources.get(doc.file);
        let text = &source.text;
        let dotted = format!("sections.{id}");
        for (at, _) in text.match_indices(&dotted) {
            let end = at + dotted.len();
            let next = text[end..].chars().next();
            if next.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
                out.push((source.path.clone(), at..end));
            }
        }
        for quote in ['"', '\''] {
            let indexed = format!("sections[{quote}{id}{quote}]");
            for (at, _) in text.match_indices(&indexed) {
                out.push((source.path.clone(), at..at + indexed.len()));
            }
        }
    }
    if let Some(base) = view.base() {
        for list in ["required", "optional"] {
            for item in base
                .tree
                .path(&["sections", list])
                .and_then(Node::as_array)
                .unwrap_or_default()
            {
                if item.as_str() == Some(id)
                    && let Some(t) = located(view, &item.loc)
                {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// On a `##` heading of a centre's Markdown: its section's id.
fn section_heading(text: &str, offset: usize, view: &View) -> Vec<Target> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let Some(heading) = line.strip_prefix("## ") else {
        return Vec::new();
    };
    let (title, id) = crate::model::text::split_heading_id(heading);
    let id = id.unwrap_or_else(|| crate::fr::slug(&title));
    section_targets(view, &id)
}

fn template(text: &str, offset: usize, view: &View) -> Vec<Target> {
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let offset = offset.min(text.len());
    let start = offset
        - text[..offset]
            .chars()
            .rev()
            .take_while(|c| is_id(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    let end = offset
        + text[offset..]
            .chars()
            .take_while(|c| is_id(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    let word = &text[start..end];
    let before = &text[..start];
    if before.ends_with("sections.") {
        let id = word.split('-').next().unwrap_or(word);
        return section_targets(view, id);
    }
    if before.ends_with("sections[\"") || before.ends_with("sections['") {
        return section_targets(view, word);
    }
    let args = before.trim_end_matches(['"', '\'']).trim_end();
    if args.ends_with('=')
        && args[..args.len() - 1].trim_end().ends_with("id")
        && let Some(expr) = super::complete::template_expression(before)
        && expr.contains("article(")
        && let Some(doc) = view.period().and_then(|p| p.base_text.as_ref())
        && let Some(section) = doc.text.section(word)
    {
        return located(view, &section.loc).into_iter().collect();
    }
    Vec::new()
}
