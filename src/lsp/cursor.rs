//! Where the cursor is in a TOML file: which key, which table, key or value.
//!
//! Two readings, for two needs. Completion happens while the user types,
//! in text that does not parse yet (`axis = "`), so [`completing`] reads
//! the file lexically: the last table header above the cursor, then the
//! cursor's line up to the cursor (dotted keys, `=`, inline tables, arrays,
//! strings). Hover and go to definition work on what is written, so
//! [`hit`] walks the spanned node tree of a file that parses.

use std::ops::Range;

use crate::model::node::{Node, Value};

/// What is being typed at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completing {
    /// A key of the table at `path`; the word typed so far starts at `start`.
    Key { path: Vec<String>, start: usize },
    /// The value of the key at `path`; `in_string` when inside quotes (the
    /// text typed so far starts at `start`, after the quote).
    Value {
        path: Vec<String>,
        start: usize,
        in_string: bool,
    },
    /// A table header `[path.…`; the segment typed so far starts at `start`.
    Header { path: Vec<String>, start: usize },
}

/// The header path of the table holding `offset` (`[budget.2022.subsidies]`
/// gives `budget`, `2022`, `subsidies`), and whether `offset` is inside a
/// multi-line string.
fn table_at(text: &str, offset: usize) -> (Vec<String>, bool) {
    let mut header = Vec::new();
    let mut in_multiline: Option<&str> = None;
    for line in text[..offset].split_inclusive('\n') {
        if let Some(delim) = in_multiline {
            if line.contains(delim) {
                in_multiline = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if let Some(path) = parse_header(trimmed) {
                header = path;
            }
            continue;
        }
        for delim in ["\"\"\"", "'''"] {
            if line.matches(delim).count() % 2 == 1 {
                in_multiline = Some(delim);
                break;
            }
        }
    }
    (header, in_multiline.is_some())
}

/// `[a.b]`, `[[a.b]]`, `[ "a" . b ]  # comment` -> `a`, `b`.
fn parse_header(line: &str) -> Option<Vec<String>> {
    let inner = line.strip_prefix("[[").or_else(|| line.strip_prefix('['))?;
    let end = inner.find(']')?;
    Some(split_dotted(&inner[..end]))
}

fn split_dotted(s: &str) -> Vec<String> {
    s.split('.')
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .filter(|k| !k.is_empty())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Key,
    Value,
    AfterValue,
}

/// What is being typed at `offset` of a TOML text; `None` in a comment,
/// a multi-line string, or after a complete value.
pub fn completing(text: &str, offset: usize) -> Option<Completing> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (table, in_multiline) = table_at(text, line_start);
    if in_multiline {
        return None;
    }
    let prefix = &text[line_start..offset];
    let trimmed = prefix.trim_start();
    if trimmed.starts_with('[') {
        let inner = trimmed.trim_start_matches('[');
        if inner.contains(']') || inner.contains('#') {
            return None;
        }
        let (done, partial) = match inner.rfind('.') {
            Some(i) => (split_dotted(&inner[..i]), &inner[i + 1..]),
            None => (Vec::new(), inner),
        };
        let partial = partial.trim_start();
        return Some(Completing::Header {
            path: done,
            start: offset - partial.len(),
        });
    }

    // Frames of inline tables and arrays: the key path each one belongs to
    // (relative to the table), and whether it is an array.
    let mut frames: Vec<(Vec<String>, bool)> = vec![(Vec::new(), false)];
    let mut mode = Mode::Key;
    let mut keys: Vec<String> = Vec::new();
    let mut partial = String::new();
    let mut partial_start: Option<usize> = None;
    let mut value_key: Vec<String> = Vec::new();
    let mut value_start: Option<usize> = None;
    let mut string: Option<(char, usize)> = None;
    let mut chars = prefix.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = line_start + i;
        if let Some((quote, start)) = string {
            if c == '\\' && quote == '"' {
                chars.next();
            } else if c == quote {
                string = None;
                if mode == Mode::Key {
                    partial = text[start..at].to_string();
                } else {
                    mode = Mode::AfterValue;
                }
            }
            continue;
        }
        let top = frames
            .last()
            .map(|(k, a)| (k.clone(), *a))
            .unwrap_or_default();
        match mode {
            Mode::Key => match c {
                '#' => return None,
                '"' | '\'' => {
                    string = Some((c, at + 1));
                    partial_start = Some(at + 1);
                }
                '.' => {
                    keys.push(std::mem::take(&mut partial));
                    partial_start = None;
                }
                '=' => {
                    if !partial.is_empty() {
                        keys.push(std::mem::take(&mut partial));
                    }
                    value_key = top.0.iter().cloned().chain(keys.drain(..)).collect();
                    partial_start = None;
                    value_start = None;
                    mode = Mode::Value;
                }
                '}' => {
                    frames.pop();
                    mode = Mode::AfterValue;
                }
                ',' => {}
                c if c.is_whitespace() => {}
                c => {
                    if partial_start.is_none() {
                        partial_start = Some(at);
                    }
                    partial.push(c);
                }
            },
            Mode::Value => match c {
                '#' => return None,
                '"' | '\'' => string = Some((c, at + 1)),
                '{' => {
                    frames.push((value_key.clone(), false));
                    mode = Mode::Key;
                    keys.clear();
                    partial.clear();
                    partial_start = None;
                }
                '[' => frames.push((value_key.clone(), true)),
                ']' | '}' => {
                    frames.pop();
                    mode = Mode::AfterValue;
                }
                ',' => {
                    value_start = None;
                    if !top.1 {
                        mode = Mode::Key;
                        keys.clear();
                        partial.clear();
                        partial_start = None;
                    }
                }
                c if c.is_whitespace() => {
                    if value_start.is_some() {
                        mode = Mode::AfterValue;
                    }
                }
                _ => {
                    if value_start.is_none() {
                        value_start = Some(at);
                    }
                }
            },
            Mode::AfterValue => match c {
                '#' => return None,
                ',' => {
                    value_start = None;
                    if top.1 {
                        mode = Mode::Value;
                    } else {
                        mode = Mode::Key;
                        keys.clear();
                        partial.clear();
                        partial_start = None;
                    }
                }
                ']' | '}' => {
                    frames.pop();
                }
                _ => {}
            },
        }
    }
    let full = |rel: Vec<String>| table.iter().cloned().chain(rel).collect::<Vec<_>>();
    match (mode, string) {
        (Mode::Value, Some((_, start))) => Some(Completing::Value {
            path: full(value_key),
            start,
            in_string: true,
        }),
        (Mode::Key, _) => {
            let top = frames.last().map(|(k, _)| k.clone()).unwrap_or_default();
            let rel = top.into_iter().chain(keys).collect();
            Some(Completing::Key {
                path: full(rel),
                start: partial_start.unwrap_or(offset),
            })
        }
        (Mode::Value, None) => Some(Completing::Value {
            path: full(value_key),
            start: value_start.unwrap_or(offset),
            in_string: false,
        }),
        (Mode::AfterValue, _) => None,
    }
}

/// One step of a path in a node tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    /// An element of an array, with its `id` when it is a table that has one.
    Item {
        index: usize,
        id: Option<String>,
    },
}

/// The key or value under the cursor.
#[derive(Debug)]
pub struct Hit<'a> {
    pub path: Vec<Seg>,
    /// The value (for a key: the value it holds).
    pub node: &'a Node,
    /// The key's span, when the cursor is on a key.
    pub key: Option<Range<usize>>,
}

impl Hit<'_> {
    /// The keys of the path (array levels left out): the schema's path.
    pub fn keys(&self) -> Vec<&str> {
        self.path
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Item { .. } => None,
            })
            .collect()
    }

    /// The path as `cpo explain` takes it: array elements by id, else by index.
    pub fn dotted(&self) -> String {
        self.path
            .iter()
            .map(|s| match s {
                Seg::Key(k) => k.clone(),
                Seg::Item { id: Some(id), .. } => id.clone(),
                Seg::Item { index, .. } => index.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset <= span.end && span.start < span.end
}

/// The key or scalar value at `offset` of a parsed TOML tree.
pub fn hit(tree: &Node, offset: usize) -> Option<Hit<'_>> {
    let mut path = Vec::new();
    walk(tree, offset, &mut path)
}

fn walk<'a>(node: &'a Node, offset: usize, path: &mut Vec<Seg>) -> Option<Hit<'a>> {
    match &node.value {
        Value::Table(t) => {
            for e in &t.entries {
                path.push(Seg::Key(e.key.to_string()));
                if contains(&e.key_loc.span(), offset) && !e.key_loc.is_synthetic() {
                    return Some(Hit {
                        path: path.clone(),
                        node: &e.node,
                        key: Some(e.key_loc.span()),
                    });
                }
                if let Some(hit) = walk(&e.node, offset, path) {
                    return Some(hit);
                }
                path.pop();
            }
            None
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let id = item.get("id").and_then(Node::as_str).map(str::to_string);
                path.push(Seg::Item { index, id });
                if let Some(hit) = walk(item, offset, path) {
                    return Some(hit);
                }
                path.pop();
            }
            None
        }
        _ => (contains(&node.loc.span(), offset) && !node.loc.is_synthetic()).then(|| Hit {
            path: path.clone(),
            node,
            key: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<Completing> {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        completing(&text, offset)
    }

    fn key(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_what_is_being_typed() {
        let c = at("name = \"x\"\n[[objectives]]\nid = \"a\"\naxis = \"co|");
        assert!(
            matches!(&c, Some(Completing::Value { path, in_string: true, .. }) if *path == key(&["objectives", "axis"])),
            "{c:?}"
        );
        let c = at("[association]\nsi|");
        assert!(
            matches!(&c, Some(Completing::Key { path, .. }) if *path == key(&["association"])),
            "{c:?}"
        );
        let c = at("[funding]\nville = { 2022 = 5, |");
        assert!(
            matches!(&c, Some(Completing::Key { path, .. }) if *path == key(&["funding", "ville"])),
            "{c:?}"
        );
        let c = at("[budget.2022]\ncharges = { 60 = 1 }\n[budget.2022.subsidies]\n|");
        assert!(
            matches!(&c, Some(Completing::Key { path, .. }) if *path == key(&["budget", "2022", "subsidies"])),
            "{c:?}"
        );
        let c = at("text = \"\"\"\n[pas un titre]\n|");
        assert_eq!(c, None, "inside a multi-line string");
        assert_eq!(at("name = \"x\" # |"), None, "in a comment");
        let c = at("[budget.20|");
        assert!(
            matches!(&c, Some(Completing::Header { path, .. }) if *path == key(&["budget"])),
            "{c:?}"
        );
    }

    #[test]
    fn hits_keys_and_values_with_ids() {
        let text = "[[objectives]]\nid = \"a\"\naxis = \"cohesion\"\n";
        let tree = crate::model::node::parse_toml(crate::diag::FileId(0), text).unwrap();
        let h = hit(&tree, text.find("cohesion").unwrap()).unwrap();
        assert_eq!(h.dotted(), "objectives.a.axis");
        assert_eq!(h.keys(), ["objectives", "axis"]);
        assert!(h.key.is_none());
        let h = hit(&tree, text.find("axis").unwrap() + 1).unwrap();
        assert!(h.key.is_some());
    }
}
