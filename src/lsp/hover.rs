//! Hover: what a key means, what it resolves to, what an amount says.
//!
//! On a key or value of a TOML file: the key's French description (from
//! the schema); in a centre's file, the resolved value and where it comes
//! from, as `cpo explain CENTRE PATH` prints it; on an amount, the amount
//! as documents write it (`536 055 €`) and in words. In base.md: what a
//! filter or one of cpo's functions does.

use std::ops::Range;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::complete::{FILTERS, FUNCTIONS, template_expression};
use super::cursor;
use super::keys::{At, Schemas};
use super::view::View;
use crate::diag::FileId;
use crate::model::node::{Node, Value};
use crate::repo::FileKind;

/// How many sources of a table's leaves a hover lists.
const MAX_PARTS: usize = 12;

/// The hover text (Markdown) at `offset`, and the span it is about.
pub fn hover(
    text: &str,
    rel: &str,
    offset: usize,
    view: Option<&View>,
    schemas: &Schemas,
) -> Option<(String, Range<usize>)> {
    match FileKind::of(rel) {
        FileKind::Config | FileKind::Base { .. } | FileKind::Centre { .. } => {
            toml(text, rel, offset, view, schemas.for_path(rel)?)
        }
        FileKind::BaseText { .. } => template(text, offset),
        _ => None,
    }
}

fn toml(
    text: &str,
    rel: &str,
    offset: usize,
    view: Option<&View>,
    schema: &serde_json::Value,
) -> Option<(String, Range<usize>)> {
    let tree = crate::model::node::parse_toml(FileId(0), text).ok()?;
    let hit = cursor::hit(&tree, offset)?;
    let span = hit.key.clone().unwrap_or_else(|| hit.node.loc.span());
    let dotted = hit.dotted();
    let at = At::path(schema, &hit.keys());
    let mut out = format!("**`{dotted}`**");
    if let Some(description) = at.and_then(|a| a.description) {
        out.push_str("\n\n");
        out.push_str(description);
    }
    if at.is_some_and(|a| a.is_amount())
        && let Some(amount) = amount(hit.node)
    {
        out.push_str(&format!("\n\n**{}**", crate::fr::euros(&amount)));
        if let Ok(words) = crate::fr::en_lettres(&amount) {
            out.push_str(&format!(" — {words}"));
        }
    }
    if matches!(FileKind::of(rel), FileKind::Centre { .. })
        && let Some(view) = view
        && let Some(conv) = &view.conv
        && let Some(exp) = crate::merge::explain(view.project.snapshot(), conv, &dotted)
    {
        let value = match &exp.value {
            serde_json::Value::String(s) => format!("{s:?}"),
            v => serde_json::to_string(v).unwrap_or_default(),
        };
        let value = if value.chars().count() > 200 {
            format!("{}…", value.chars().take(200).collect::<String>())
        } else {
            value
        };
        let mut explained = format!("{} = {}\n  from {}\n", exp.path, value, exp.origin);
        if exp.parts.len() > 1 || exp.parts.first().is_some_and(|(p, _)| *p != exp.path) {
            for (path, origin) in exp.parts.iter().take(MAX_PARTS) {
                explained.push_str(&format!("  {path}  <- {origin}\n"));
            }
            if exp.parts.len() > MAX_PARTS {
                explained.push_str(&format!("  … ({} more)\n", exp.parts.len() - MAX_PARTS));
            }
        }
        out.push_str(&format!(
            "\n\nResolved (`cpo explain {} {dotted}`):\n```text\n{explained}```",
            conv.id
        ));
    }
    Some((out, span))
}

/// An amount as written, exactly (never through a float).
pub fn amount(node: &Node) -> Option<Decimal> {
    match &node.value {
        Value::Integer(i) => Some(Decimal::from(*i)),
        Value::Float(raw) => Decimal::from_str(&raw.replace('_', "")).ok(),
        _ => None,
    }
}

/// A filter or function of base.md under the cursor.
fn template(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = offset
        - text[..offset]
            .chars()
            .rev()
            .take_while(|c| is_ident(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    let end = offset
        + text[offset..]
            .chars()
            .take_while(|c| is_ident(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    let word = &text[start..end];
    let expr = template_expression(&text[..start])?;
    if expr.trim_end().ends_with('|')
        && let Some((name, doc)) = FILTERS.iter().find(|(n, _)| *n == word)
    {
        return Some((format!("**filtre `{name}`**\n\n{doc}"), start..end));
    }
    if text[end..].trim_start().starts_with('(')
        && let Some((name, doc)) = FUNCTIONS.iter().find(|(n, _)| *n == word)
    {
        return Some((format!("**fonction `{name}`**\n\n{doc}"), start..end));
    }
    None
}
