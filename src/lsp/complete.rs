//! Completion: what may be written at the cursor, from the schemas and
//! from the period the document belongs to.
//!
//! - TOML keys: the schema's keys of the table at the cursor, with their
//!   French description; funder ids in `[funding]` and `subsidies`, years of
//!   the period under `funding.X`, `budget` and `targets`, CERFA accounts
//!   under `charges` and `produits`;
//! - TOML values: axis ids after `axis = "`, the previous period's centres
//!   after `previous_id = "`, removable base entries in `remove`, and the
//!   values of enumerations (`kind`, `status`…);
//! - a centre's Markdown: section ids after `{#`;
//! - base.md: inside `{{ }}` and `{% %}`, the template's variables (as a
//!   convention of the period fills them), its filters after `|`, cpo's
//!   functions, and article and annex ids in `article(id="` / `annexe(id="`.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};
use serde_json::Value as J;

use super::cursor::{self, Completing};
use super::keys::{At, Schemas};
use super::text::LineIndex;
use super::view::View;
use crate::model::budget::{CHARGE_ACCOUNTS, PRODUCT_ACCOUNTS};
use crate::repo::FileKind;

/// The filters base.md can use, with what they do.
pub const FILTERS: &[(&str, &str)] = &[
    (
        "euros",
        "Montant en euros : `536 055 €` (espace fine insécable entre les milliers, virgule décimale, centimes seulement s'il y en a).",
    ),
    (
        "en_lettres",
        "Montant en toutes lettres : « cinq cent trente-six mille cinquante-cinq euros ».",
    ),
    (
        "date_fr",
        "Date en français : « 5 décembre 2016 » ; un jour de l'année (`03-31`) : « 31 mars ».",
    ),
    (
        "de",
        "Le nom précédé de « de », élidé ou contracté : « du centre », « de la Ville », « de l'association ».",
    ),
    (
        "a",
        "Le nom précédé de « à », contracté : « au centre », « à la Ville », « à l'association ».",
    ),
    (
        "le",
        "Le nom avec son article : « le centre », « la Ville », « l'association ».",
    ),
    (
        "join_fr",
        "Une liste à la française : « a, b et c » ; `join_fr(each=\"de\")` (ou `\"a\"`, `\"le\"`) accorde chaque nom.",
    ),
    ("ordinal", "Un nombre ordinal : « 1er », « 2e »."),
    (
        "nombre",
        "Un nombre à la française, sans unité : `1 234,5`.",
    ),
];

/// cpo's functions in base.md.
pub const FUNCTIONS: &[(&str, &str)] = &[
    (
        "article",
        "`article(id=\"evaluation\")` : « l'article 9 », le numéro de l'article d'identifiant donné.",
    ),
    (
        "annexe",
        "`annexe(id=\"budget\")` : « l'annexe 3 », le numéro de l'annexe d'identifiant donné.",
    ),
];

/// The variables of base.md when no convention of the period resolves.
const TOP_LEVEL: &[&str] = &[
    "title",
    "territory",
    "period",
    "signatories",
    "funders",
    "centre",
    "axes",
    "objectives",
    "commitments",
    "funding",
    "cost",
    "funding_rate",
    "payment",
    "annexes",
    "sections",
    "specific_title",
    "introduction",
    "articles",
    "annex_refs",
];

struct Items<'a> {
    index: LineIndex<'a>,
    range: std::ops::Range<usize>,
    out: Vec<CompletionItem>,
}

impl Items<'_> {
    fn push(
        &mut self,
        label: &str,
        insert: String,
        kind: CompletionItemKind,
        detail: Option<String>,
        doc: Option<String>,
    ) {
        let n = self.out.len();
        self.out.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail,
            documentation: doc.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            // Keep the order given (the schema's, the base's).
            sort_text: Some(format!("{n:04}")),
            filter_text: Some(label.to_string()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: self.index.range(&self.range),
                new_text: insert,
            })),
            ..CompletionItem::default()
        });
    }
}

/// The completions at `offset` of a document at `rel` in its repository.
pub fn complete(
    text: &str,
    rel: &str,
    offset: usize,
    view: Option<&View>,
    schemas: &Schemas,
) -> Vec<CompletionItem> {
    let mut items = Items {
        index: LineIndex::new(text),
        range: offset..offset,
        out: Vec::new(),
    };
    match FileKind::of(rel) {
        FileKind::Config | FileKind::Base { .. } | FileKind::Centre { .. } => {
            if let Some(schema) = schemas.for_path(rel) {
                toml(text, offset, schema, view, &mut items);
            }
        }
        FileKind::CentreText { .. } => {
            if let Some(view) = view {
                section_ids(text, offset, view, &mut items);
            }
        }
        FileKind::BaseText { .. } => template(text, offset, view, &mut items),
        _ => {}
    }
    items.out
}

fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

fn path_of(p: &[String]) -> Vec<&str> {
    p.iter().map(String::as_str).collect()
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

fn toml(text: &str, offset: usize, schema: &J, view: Option<&View>, items: &mut Items<'_>) {
    match cursor::completing(text, offset) {
        Some(Completing::Key { path, start }) => {
            items.range = start..offset;
            keys(&path_of(&path), false, schema, view, items);
        }
        Some(Completing::Header { path, start }) => {
            items.range = start..offset;
            keys(&path_of(&path), true, schema, view, items);
        }
        Some(Completing::Value {
            path,
            start,
            in_string,
        }) => {
            items.range = start..offset;
            values(&path_of(&path), in_string, schema, view, items);
        }
        None => {}
    }
}

/// The keys of the table at `path` (only tables, in a `[header]`).
fn keys(path: &[&str], header: bool, schema: &J, view: Option<&View>, items: &mut Items<'_>) {
    let years = |items: &mut Items<'_>| {
        for y in view.map(View::years).unwrap_or_default() {
            let y = y.to_string();
            items.push(
                &y,
                y.clone(),
                CompletionItemKind::VALUE,
                Some("année de la période".into()),
                None,
            );
        }
    };
    match path {
        ["funding"] | ["budget", _, "subsidies"] => {
            for (id, name) in view.map(View::funders).unwrap_or_default() {
                items.push(
                    &id,
                    quote_key(&id),
                    CompletionItemKind::VALUE,
                    Some(name),
                    Some("Signataire financeur du socle (`funder = true`).".into()),
                );
            }
        }
        ["funding", _] | ["budget"] => years(items),
        [.., "targets"] if !header => years(items),
        ["budget", y, table @ ("charges" | "produits")] if is_year(y) => {
            let accounts = if *table == "charges" {
                CHARGE_ACCOUNTS
            } else {
                PRODUCT_ACCOUNTS
            };
            for (account, label) in accounts {
                items.push(
                    &account.to_string(),
                    account.to_string(),
                    CompletionItemKind::VALUE,
                    Some(label.to_string()),
                    Some(format!("Compte {account} du CERFA n° 12156 : {label}.")),
                );
            }
        }
        _ => {
            for key in At::path(schema, path).map(At::keys).unwrap_or_default() {
                if header && !key.is_table {
                    continue;
                }
                items.push(
                    key.name,
                    quote_key(key.name),
                    CompletionItemKind::PROPERTY,
                    Some(key.kind.clone()),
                    key.description.map(str::to_string),
                );
            }
        }
    }
}

/// The values the key at `path` takes: ids of the period, or the values
/// of its enumeration.
fn values(path: &[&str], in_string: bool, schema: &J, view: Option<&View>, items: &mut Items<'_>) {
    let insert = |s: &str| {
        if in_string {
            s.to_string()
        } else {
            format!("{s:?}")
        }
    };
    match path {
        [.., "objectives", "axis"] => {
            for a in view.map(View::axes).unwrap_or_default() {
                let mut doc = a.description.clone().unwrap_or_default();
                if a.required {
                    doc.push_str(
                        "\n\nOrientation obligatoire : chaque centre y rattache au moins un objectif.",
                    );
                }
                items.push(
                    &a.id,
                    insert(&a.id),
                    CompletionItemKind::ENUM_MEMBER,
                    Some(a.title.clone()),
                    Some(doc),
                );
            }
        }
        ["previous_id"] => {
            if let Some((label, ids)) = view.and_then(|v| v.previous.as_ref()) {
                for id in ids {
                    items.push(
                        id,
                        insert(id),
                        CompletionItemKind::REFERENCE,
                        Some(format!("centre de la période {label}")),
                        None,
                    );
                }
            }
        }
        ["remove"] => {
            if let Some(base) = view.and_then(View::base) {
                for (array, id) in removable(&base.tree) {
                    items.push(
                        &id,
                        insert(&id),
                        CompletionItemKind::REFERENCE,
                        Some(format!("entrée de `{array}` du socle")),
                        None,
                    );
                }
            }
        }
        _ => {
            for (value, description) in At::path(schema, path).map(At::values).unwrap_or_default() {
                items.push(
                    value,
                    insert(value),
                    CompletionItemKind::ENUM_MEMBER,
                    None,
                    description.map(str::to_string),
                );
            }
        }
    }
}

/// Entries of the base a centre may remove: neither required nor locked.
fn removable(base: &crate::model::Node) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for array in crate::merge::MERGED_ARRAYS {
        for item in base
            .get(array)
            .and_then(crate::model::Node::as_array)
            .unwrap_or_default()
        {
            let flag = |k: &str| {
                matches!(
                    item.get(k).map(|n| &n.value),
                    Some(crate::model::node::Value::Bool(true))
                )
            };
            if let Some(id) = item.get("id").and_then(crate::model::Node::as_str)
                && !flag("required")
                && !flag("locked")
            {
                out.push((*array, id.to_string()));
            }
        }
    }
    out
}

/// Section ids after `{#` in a centre's Markdown.
fn section_ids(text: &str, offset: usize, view: &View, items: &mut Items<'_>) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let Some(open) = line.rfind("{#") else {
        return;
    };
    let partial = &line[open + 2..];
    if partial.contains('}') {
        return;
    }
    items.range = offset - partial.len()..offset;
    let (required, optional) = view.sections();
    for (ids, what) in [
        (required, "section obligatoire"),
        (optional, "section facultative"),
    ] {
        for id in ids {
            items.push(
                &id,
                id.clone(),
                CompletionItemKind::REFERENCE,
                Some(what.into()),
                None,
            );
        }
    }
}

/// The open `{{` or `{%` the cursor is in, as the text after it.
pub fn template_expression(before: &str) -> Option<&str> {
    let open = [before.rfind("{{"), before.rfind("{%")]
        .into_iter()
        .flatten()
        .max()?;
    let expr = &before[open + 2..];
    (!expr.contains("}}") && !expr.contains("%}")).then_some(expr)
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn template(text: &str, offset: usize, view: Option<&View>, items: &mut Items<'_>) {
    let before = &text[..offset];
    let Some(expr) = template_expression(before) else {
        return;
    };
    // article(id="…") and annexe(id="…")
    for (function, kind) in [("article(", "article"), ("annexe(", "annexe")] {
        if let Some(at) = expr.rfind(function) {
            let args = &expr[at + function.len()..];
            if let Some(q) = args.rfind(['"', '\''])
                && args[..q].trim_end().ends_with('=')
                && args.matches(['"', '\'']).count() % 2 == 1
            {
                let partial = &args[q + 1..];
                items.range = offset - partial.len()..offset;
                for (id, title) in reference_ids(view, kind) {
                    items.push(
                        &id,
                        id.clone(),
                        CompletionItemKind::REFERENCE,
                        Some(title),
                        None,
                    );
                }
                return;
            }
        }
    }
    // A filter after `|`.
    let word_len = expr
        .chars()
        .rev()
        .take_while(|c| ident_char(*c))
        .map(char::len_utf8)
        .sum::<usize>();
    let before_word = expr[..expr.len() - word_len].trim_end();
    if before_word.ends_with('|') {
        items.range = offset - word_len..offset;
        for (name, doc) in FILTERS {
            items.push(
                name,
                name.to_string(),
                CompletionItemKind::FUNCTION,
                Some("filtre".into()),
                Some(doc.to_string()),
            );
        }
        return;
    }
    // A variable, or a field of one.
    let path_len = expr
        .chars()
        .rev()
        .take_while(|c| ident_char(*c) || *c == '.')
        .map(char::len_utf8)
        .sum::<usize>();
    let dotted = &expr[expr.len() - path_len..];
    let mut segments: Vec<&str> = dotted.split('.').collect();
    let partial = segments.pop().unwrap_or_default();
    items.range = offset - partial.len()..offset;
    let context = view
        .and_then(|v| v.conv.as_ref())
        .and_then(|conv| serde_json::to_value(crate::render::context::build(conv, false)).ok());
    if segments.is_empty() {
        let names: Vec<(String, Option<String>)> = match &context {
            Some(J::Object(map)) => map.iter().map(|(k, v)| (k.clone(), preview(v))).collect(),
            _ => TOP_LEVEL.iter().map(|k| (k.to_string(), None)).collect(),
        };
        for (name, detail) in names {
            items.push(
                &name,
                name.clone(),
                CompletionItemKind::VARIABLE,
                detail,
                None,
            );
        }
        for (name, var) in loop_variables(before) {
            items.push(
                &name,
                name.clone(),
                CompletionItemKind::VARIABLE,
                Some(format!("élément de `{var}`")),
                None,
            );
        }
        for (name, doc) in FUNCTIONS {
            items.push(
                name,
                name.to_string(),
                CompletionItemKind::FUNCTION,
                Some("fonction".into()),
                Some(doc.to_string()),
            );
        }
        return;
    }
    if segments == ["sections"] {
        if let Some(view) = view {
            let (required, optional) = view.sections();
            for (ids, what) in [
                (required, "section obligatoire"),
                (optional, "section facultative"),
            ] {
                for id in ids {
                    // `sections.plan-action` would read as a subtraction:
                    // such ids are written `sections["plan-action"]`.
                    let (range, insert) = if id.contains('-') {
                        (offset - partial.len() - 1..offset, format!("[{id:?}]"))
                    } else {
                        (offset - partial.len()..offset, id.clone())
                    };
                    items.range = range;
                    items.push(
                        &id,
                        insert,
                        CompletionItemKind::FIELD,
                        Some(what.into()),
                        None,
                    );
                    if let Some(last) = items.out.last_mut()
                        && id.contains('-')
                    {
                        // Clients filter on the text the edit replaces.
                        last.filter_text = Some(format!(".{id}"));
                    }
                }
            }
        }
        return;
    }
    // Loop variables stand for an element of what they iterate.
    let loops = loop_variables(before);
    let mut path: Vec<String> = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        match loops.iter().find(|(name, _)| i == 0 && name == s) {
            Some((_, var)) => {
                path.extend(var.split('.').map(str::to_string));
                path.push("[]".into());
            }
            None => path.push(s.to_string()),
        }
    }
    let Some(mut node) = context.as_ref() else {
        return;
    };
    for seg in &path {
        node = match node {
            J::Array(a) if seg == "[]" => match a.first() {
                Some(first) => first,
                None => return,
            },
            J::Object(m) => match m.get(seg.as_str()) {
                Some(n) => n,
                None => return,
            },
            _ => return,
        };
    }
    if let J::Object(map) = node {
        for (name, value) in map {
            items.push(
                name,
                name.clone(),
                CompletionItemKind::FIELD,
                preview(value),
                None,
            );
        }
    }
}

/// `{% for a in axes %}` before the cursor: `a` stands for an element of
/// `axes`.
fn loop_variables(before: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for tag in before.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or_default();
        let mut words = tag.trim().trim_start_matches('-').split_whitespace();
        if words.next() != Some("for") {
            continue;
        }
        let (Some(name), Some("in"), Some(var)) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        if name.chars().all(ident_char) {
            let var: String = var
                .chars()
                .take_while(|c| ident_char(*c) || *c == '.')
                .collect();
            out.push((name.to_string(), var));
        }
    }
    out
}

/// A short view of a template value, as completion's detail.
fn preview(v: &J) -> Option<String> {
    Some(match v {
        J::String(s) if s.chars().count() > 60 => {
            format!("{}…", s.chars().take(60).collect::<String>())
        }
        J::String(s) => s.clone(),
        J::Number(n) => n.to_string(),
        J::Bool(b) => b.to_string(),
        J::Null => "(vide)".into(),
        J::Array(a) => format!("liste de {} éléments", a.len()),
        J::Object(m) => format!("{{ {} }}", m.keys().cloned().collect::<Vec<_>>().join(", ")),
    })
}

/// The ids `article(id=…)` and `annexe(id=…)` take, with their titles.
fn reference_ids(view: Option<&View>, kind: &str) -> Vec<(String, String)> {
    let Some(view) = view else {
        return Vec::new();
    };
    if kind == "article" {
        return view
            .period()
            .and_then(|p| p.base_text.as_ref())
            .map(|doc| {
                doc.text
                    .sections
                    .iter()
                    .map(|s| (s.id.clone(), s.title.clone()))
                    .collect()
            })
            .unwrap_or_default();
    }
    match &view.conv {
        Some(conv) => crate::render::context::annexes(&conv.data, true)
            .into_iter()
            .map(|a| (a.id, a.title))
            .collect(),
        None => crate::render::context::BUILT_IN_ANNEXES
            .iter()
            .map(|(id, title)| (id.to_string(), title.to_string()))
            .collect(),
    }
}
