//! `cpo fmt`: canonical formatting of the TOML files, comments kept.
//!
//! Canonical means: keys in the order of the schema (the order of the
//! model's fields, the same order documentation and completion show),
//! unknown keys after the known ones in their own order, year and account
//! keys in numeric order, inline tables spaced `{ a = 1, b = 2 }`, and the
//! keys of a table of inline tables (`[funding]`) aligned. Everything else
//! — comments, blank lines between groups, string quoting — is kept as
//! written, because toml_edit keeps each key's and table's decoration with
//! it when they move.

use std::cmp::Ordering;

use anyhow::{Context, Result};
use serde_json::Value as J;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// The schema a file follows, from its path in the repository.
pub fn schema_for(path: &str) -> Option<&'static str> {
    match crate::repo::FileKind::of(path) {
        crate::repo::FileKind::Config => Some("cpo.schema.json"),
        crate::repo::FileKind::Base { .. } => Some("base.schema.json"),
        crate::repo::FileKind::Centre { .. } => Some("centre.schema.json"),
        _ => None,
    }
}

/// The TOML files of a snapshot that `cpo fmt` would change, with their
/// formatted text.
pub fn changes(snapshot: &crate::model::Snapshot) -> Result<Vec<(String, String)>> {
    let schemas: Vec<(String, J)> = crate::schema::all()
        .into_iter()
        .map(|s| Ok((s.name.to_string(), serde_json::from_str(&s.json)?)))
        .collect::<Result<_>>()?;
    let mut changed = Vec::new();
    for (_, file) in snapshot.sources.iter() {
        if !file.exists {
            continue;
        }
        let Some(name) = schema_for(&file.path) else {
            continue;
        };
        let Some((_, schema)) = schemas.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let formatted = format_toml(&file.text, schema)
            .with_context(|| format!("{} (run `cpo check`)", file.path))?;
        if formatted != file.text {
            changed.push((file.path.clone(), formatted));
        }
    }
    Ok(changed)
}

/// Format one TOML text against a JSON Schema.
pub fn format_toml(text: &str, schema: &J) -> Result<String> {
    let mut doc: DocumentMut = text.parse().context("the file does not parse as TOML")?;
    // The comments at the top of the file (the `#:schema` line first) are
    // the file's, not its first key's: keep them first.
    let header = take_header(doc.as_table_mut());
    let mut position = 1isize;
    visit_table(doc.as_table_mut(), schema, schema, &mut position);
    if let Some(header) = header {
        let root = doc.as_table_mut();
        let first = root
            .iter()
            .find(|(_, item)| item.is_value())
            .map(|(k, _)| k.to_string());
        match first {
            Some(first) => {
                if let Some(mut key) = root.key_mut(&first) {
                    let rest = key
                        .leaf_decor()
                        .prefix()
                        .and_then(|p| p.as_str())
                        .unwrap_or("")
                        .to_string();
                    key.leaf_decor_mut().set_prefix(format!("{header}{rest}"));
                }
            }
            None => {
                let trailing = doc.trailing().as_str().unwrap_or("").to_string();
                doc.set_trailing(format!("{header}{trailing}"));
            }
        }
    }
    Ok(doc.to_string())
}

/// Detach the file's header comments from the root's first key: the lines
/// of its prefix up to the last blank line, or all of them when they have
/// none (comments glued to the top of the file).
fn take_header(root: &mut Table) -> Option<String> {
    let first = root
        .iter()
        .find(|(_, item)| item.is_value())
        .map(|(k, _)| k.to_string())?;
    let mut key = root.key_mut(&first)?;
    let prefix = key.leaf_decor().prefix()?.as_str()?.to_string();
    if prefix.trim().is_empty() {
        return None;
    }
    let (header, rest) = match prefix.rfind("\n\n") {
        Some(i) => (prefix[..i + 2].to_string(), prefix[i + 2..].to_string()),
        None => (prefix.clone(), String::new()),
    };
    key.leaf_decor_mut().set_prefix(rest);
    Some(header)
}

fn resolve<'a>(s: &'a J, root: &'a J) -> &'a J {
    if let Some(r) = s.get("$ref").and_then(J::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        return resolve(&root["definitions"][name], root);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(options) = s.get(key).and_then(J::as_array)
            && let Some(first) = options
                .iter()
                .find(|o| o.get("type") != Some(&J::from("null")))
        {
            return resolve(first, root);
        }
    }
    s
}

fn child<'a>(s: &'a J, key: &str, root: &'a J) -> Option<&'a J> {
    let s = resolve(s, root);
    if let Some(p) = s.get("properties").and_then(|p| p.get(key)) {
        return Some(resolve(p, root));
    }
    if let Some(p) = s.get("patternProperties").and_then(J::as_object)
        && let Some(first) = p.values().next()
    {
        return Some(resolve(first, root));
    }
    s.get("additionalProperties")
        .filter(|a| a.is_object())
        .map(|a| resolve(a, root))
}

/// Rank of a key: its index among the schema's properties, numeric keys
/// (years, accounts) by value, unknown keys last.
fn rank(order: &[&str], key: &str) -> (usize, i64) {
    match order.iter().position(|k| *k == key) {
        Some(i) => (i, 0),
        None => match key.parse::<i64>() {
            Ok(n) => (usize::MAX - 1, n),
            Err(_) => (usize::MAX, 0),
        },
    }
}

fn order_of(s: &J) -> Vec<&str> {
    s.get("properties")
        .and_then(J::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn visit_table(table: &mut Table, schema: &J, root: &J, position: &mut isize) {
    let schema = resolve(schema, root);
    let order = order_of(schema);
    table.sort_values_by(|k1, _, k2, _| {
        let (a, b) = (rank(&order, k1.get()), rank(&order, k2.get()));
        a.cmp(&b).then(Ordering::Equal)
    });
    let all_inline = table.len() > 1
        && table
            .iter()
            .all(|(_, item)| matches!(item, Item::Value(Value::InlineTable(_))));
    for (key, item) in table.iter_mut() {
        let sub = child(schema, key.get(), root).unwrap_or(&J::Null);
        visit_item(item, sub, root, position);
    }
    if all_inline {
        let width = table
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        for k in keys {
            if let Some(mut key) = table.key_mut(&k) {
                let pad = width - k.chars().count();
                key.leaf_decor_mut().set_suffix(" ".repeat(pad + 1));
            }
        }
    }
}

fn visit_item(item: &mut Item, schema: &J, root: &J, position: &mut isize) {
    match item {
        Item::Table(t) => {
            if !t.is_implicit() && !t.is_dotted() {
                t.set_position(Some(*position));
                *position += 1;
            }
            visit_table(t, schema, root, position);
        }
        Item::ArrayOfTables(array) => {
            let items = resolve(schema, root)
                .get("items")
                .map(|i| resolve(i, root))
                .unwrap_or(&J::Null);
            for t in array.iter_mut() {
                t.set_position(Some(*position));
                *position += 1;
                visit_table(t, items, root, position);
            }
        }
        Item::Value(v) => visit_value(v, schema, root),
        Item::None => {}
    }
}

fn visit_value(value: &mut Value, schema: &J, root: &J) {
    match value {
        Value::InlineTable(t) => visit_inline(t, schema, root),
        Value::Array(a) => {
            let items = resolve(schema, root).get("items").unwrap_or(&J::Null);
            for v in a.iter_mut() {
                visit_value(v, items, root);
            }
        }
        _ => {}
    }
}

fn visit_inline(table: &mut InlineTable, schema: &J, root: &J) {
    let schema = resolve(schema, root);
    let order = order_of(schema);
    table.sort_values_by(|k1, _, k2, _| rank(&order, k1.get()).cmp(&rank(&order, k2.get())));
    for (key, value) in table.iter_mut() {
        let sub = child(schema, key.get(), root).unwrap_or(&J::Null);
        visit_value(value, sub, root);
    }
    table.fmt();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn centre_schema() -> J {
        let s = crate::schema::all()
            .into_iter()
            .find(|s| s.name == "centre.schema.json")
            .unwrap();
        serde_json::from_str(&s.json).unwrap()
    }

    #[test]
    fn orders_keys_and_tables_as_the_schema_keeping_comments() {
        let text = "# en-tête\nstatus = \"draft\"\nname = \"X\"  # le nom\nkind = \"centre-social\"\n\n[funding]\ncaf = {2023=2,   2022 = 1}\nville = { 2022 = 10 }\n\n# l'association\n[association]\ntitle = \"P\"\nlegal_name = \"A\"\n";
        let out = format_toml(text, &centre_schema()).unwrap();
        assert_eq!(
            out,
            "# en-tête\nname = \"X\"  # le nom\nkind = \"centre-social\"\nstatus = \"draft\"\n\n# l'association\n[association]\nlegal_name = \"A\"\ntitle = \"P\"\n\n[funding]\ncaf   = { 2022 = 1, 2023 = 2 }\nville = { 2022 = 10 }\n"
        );
        assert_eq!(
            format_toml(&out, &centre_schema()).unwrap(),
            out,
            "idempotent"
        );
    }
}
