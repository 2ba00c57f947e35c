//! Merge: the socle commun and one centre's files become one resolved
//! convention (SPEC §3).
//!
//! The merge works on node trees, not on typed structs, for two reasons: the
//! rules are the same for every key (a general mechanism, no per-field
//! code), and every node keeps the file and span it came from, so the
//! resolved tree *is* the provenance that `cpo explain` prints. The typed
//! [`Resolved`] view is read from the merged tree afterwards.
//!
//! Rules of the merge:
//! - a key only the centre has is added; a key only the base has is kept;
//! - tables the base allows a centre to change (`payment`) merge key by key;
//! - arrays of tables merge by `id`: a new id is added, an existing one
//!   overridden field by field, unless the base entry is `locked`;
//! - `remove = ["id", ...]` drops base entries, never `required` or `locked` ones.

pub mod canonical;
pub mod write;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, FileId, Loc, Rule, closest};
use crate::model::base::{
    Axis, BudgetScope, Commitment, Payment, PeriodDates, SectionRules, Signatory,
};
use crate::model::centre::{Association, Budget, CentreKind, CentreTerritory, Objective, Status};
use crate::model::config::Territory;
use crate::model::node::{self, Entry, Node, Value};
use crate::model::parties::{Agrement, Annex, Article, Gender};
use crate::model::{Amount, AnnexFile, Centre, Date, Period, Snapshot, Text, Year};

/// Tables of the base that a centre may change key by key.
pub const OVERRIDABLE_TABLES: &[&str] = &["payment"];

/// Arrays of tables that merge by `id`.
pub const MERGED_ARRAYS: &[&str] = &["signatories", "axes", "commitments", "annexes"];

/// The resolved data of one convention: base and centre merged.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resolved {
    pub title: String,
    pub period: PeriodDates,
    #[serde(default)]
    pub signatories: Vec<Signatory>,
    #[serde(default)]
    pub axes: Vec<Axis>,
    #[serde(default)]
    pub commitments: Vec<Commitment>,
    #[serde(default)]
    pub sections: SectionRules,
    pub payment: Payment,
    #[serde(default)]
    pub budget_scope: BudgetScope,
    #[serde(default)]
    pub annexes: Vec<Annex>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    pub kind: CentreKind,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<String>,
    pub association: Association,
    pub territory: CentreTerritory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agrement: Option<Agrement>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub funding: BTreeMap<String, BTreeMap<Year, Amount>>,
    #[serde(default)]
    pub budget: BTreeMap<Year, Budget>,
}

impl Resolved {
    /// The signatories that may fund (`funder = true`).
    pub fn funders(&self) -> impl Iterator<Item = &Signatory> {
        self.signatories.iter().filter(|s| s.funder)
    }

    pub fn signatory(&self, id: &str) -> Option<&Signatory> {
        self.signatories.iter().find(|s| s.id == id)
    }

    /// Total funding of one year, all funders.
    pub fn funding_for_year(&self, year: Year) -> Amount {
        Amount::total(self.funding.values().filter_map(|years| years.get(&year)))
    }

    /// Total funding over the period, all funders.
    pub fn funding_total(&self) -> Amount {
        Amount::total(self.funding.values().flat_map(|y| y.values()))
    }

    /// Total funding of one funder over the period.
    pub fn funder_total(&self, id: &str) -> Amount {
        Amount::total(self.funding.get(id).into_iter().flat_map(|y| y.values()))
    }

    /// Whether a CAF signs (its charte de la laïcité is then due).
    pub fn caf_signs(&self) -> bool {
        self.signatories
            .iter()
            .any(|s| s.kind == Some(crate::model::base::PartyKind::Caf))
    }
}

/// What every convention of a period shares, read once per period: the
/// common text, the authority and place of signature, and the hashes of
/// what shapes the documents besides the data (template overrides,
/// annexes), which fingerprints cover.
#[derive(Debug)]
pub struct Shared {
    /// The period label (`2022-2025`).
    pub period: String,
    /// base.md: its source (a Tera template) and its articles.
    pub base_source: String,
    pub base_text: Arc<crate::model::Document>,
    pub base_file: FileId,
    pub territory: Territory,
    /// SHA-256 of each template override of `templates/` (normalized text).
    pub templates: BTreeMap<String, String>,
    /// SHA-256 of each annex file, by its name in the data.
    pub annexes: BTreeMap<String, String>,
    /// The annex files themselves, by their name in the data.
    pub annex_files: BTreeMap<String, AnnexFile>,
}

impl Shared {
    /// Gather what a period's conventions share; `None` without base files.
    pub fn of(snapshot: &Snapshot, period: &Period) -> Option<Arc<Shared>> {
        let base = period.base.as_ref()?;
        let base_text = period.base_text.clone()?;
        let templates = snapshot
            .templates
            .iter()
            .map(|(name, file)| {
                let text = normalize_text(&snapshot.sources.get(*file).text);
                (name.clone(), sha256_hex(text.as_bytes()))
            })
            .collect();
        let annexes = period
            .annexes
            .iter()
            .map(|(name, file)| {
                let hash = match file {
                    AnnexFile::Markdown(doc) => {
                        sha256_hex(normalize_text(&snapshot.sources.get(doc.file).text).as_bytes())
                    }
                    AnnexFile::Pdf(bytes) => sha256_hex(bytes),
                    AnnexFile::Unusable(why) => format!("unusable: {why}"),
                };
                (name.clone(), hash)
            })
            .collect();
        Some(Arc::new(Shared {
            period: period.label.clone(),
            base_source: snapshot.sources.get(base_text.file).text.clone(),
            base_file: base.file,
            base_text,
            territory: snapshot.territory().cloned().unwrap_or_default(),
            templates,
            annexes,
            annex_files: period.annexes.clone(),
        }))
    }
}

/// One centre's convention for a period, resolved.
#[derive(Debug, Clone)]
pub struct Convention {
    /// The centre's id (its file stem).
    pub id: String,
    /// What the period's conventions share.
    pub shared: Arc<Shared>,
    /// The merged data tree, each node with its provenance.
    pub tree: Node,
    /// The centre's two files, for findings about a whole file.
    pub centre_file: FileId,
    pub text_file: FileId,
    pub data: Resolved,
    /// The centre's Markdown file.
    pub text: Arc<Text>,
}

/// The version of the fingerprint's canonical form. Seals record it; a
/// seal of another format cannot be verified and must be renewed.
pub const FINGERPRINT_FORMAT: u32 = 2;

/// Text as its readers see it: line endings made `\n` (a Windows checkout
/// changes nothing), trailing blanks of lines and leading and trailing
/// blank lines dropped — except two or more spaces ending a line, which Markdown reads
/// as a line break and are kept as exactly two.
pub fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let lines = text
        .split('\n')
        .skip_while(|l| l.trim_matches([' ', '\t', '\r']).is_empty());
    for line in lines {
        let line = line.trim_end_matches('\r');
        let kept = line.trim_end_matches([' ', '\t', '\r']);
        out.push_str(kept);
        if line[kept.len()..].starts_with("  ") && !kept.is_empty() {
            out.push_str("  ");
        }
        out.push('\n');
    }
    let trimmed = out.trim_end_matches(['\n', ' ']).len();
    out.truncate(trimmed);
    out
}

impl Convention {
    /// The period label.
    pub fn period(&self) -> &str {
        &self.shared.period
    }

    /// Years of the period, in order.
    pub fn years(&self) -> Vec<Year> {
        self.data.period.years()
    }

    /// base.md's source.
    pub fn base_source(&self) -> &str {
        &self.shared.base_source
    }

    /// base.md's préambule and articles.
    pub fn base_text(&self) -> &Text {
        &self.shared.base_text.text
    }

    /// The parts of the convention, each in canonical form (see
    /// [`canonical`]), by a key people can read in `sealed-changed`:
    /// - `data.KEY`: the resolved data by top-level key (`status` left
    ///   out: signing a convention does not change it);
    /// - `place`, `authority`: « Fait à … » and the authority's name;
    /// - `preamble`, `article.ID` (its number, title and text),
    ///   `articles.order`: the common text as written, in its order;
    /// - `text.title`, `text.intro`, `section.ID`, `sections.order`: the
    ///   centre's own text;
    /// - `annex.FILE`: the hash of each annex file the data names;
    /// - `template.NAME`: the hash of each template override, since an
    ///   override can change what the signatories read.
    ///
    /// Texts are normalized ([`normalize_text`]).
    pub fn parts(&self) -> BTreeMap<String, String> {
        let mut parts = BTreeMap::new();
        let canon = |v: &dyn erased::Canon| v.canon();
        if let Ok(serde_json::Value::Object(keys)) = serde_json::to_value(&self.data) {
            for key in keys.keys() {
                if key == "status" {
                    continue;
                }
                // Every serialized key is hashed; one that `field` does not
                // know yet (a new field) is caught by a test below.
                let text = erased::field(&self.data, key).unwrap_or_default();
                parts.insert(format!("data.{key}"), text);
            }
        }
        let t = &self.shared.territory;
        parts.insert("place".into(), canonical::string(&t.place));
        parts.insert("authority".into(), canonical::string(&t.name));
        let base = self.base_text();
        parts.insert(
            "preamble".into(),
            canonical::string(&normalize_text(&base.intro)),
        );
        for (i, a) in base.sections.iter().enumerate() {
            parts.insert(
                format!("article.{}", a.id),
                canon(&(i + 1, &a.title, normalize_text(&a.body))),
            );
        }
        let order: Vec<&str> = base.sections.iter().map(|a| a.id.as_str()).collect();
        parts.insert("articles.order".into(), canon(&order));
        parts.insert("text.title".into(), canon(&self.text.title));
        parts.insert(
            "text.intro".into(),
            canonical::string(&normalize_text(&self.text.intro)),
        );
        for s in &self.text.sections {
            parts.insert(
                format!("section.{}", s.id),
                canon(&(&s.title, normalize_text(&s.body))),
            );
        }
        let order: Vec<&str> = self.text.sections.iter().map(|s| s.id.as_str()).collect();
        parts.insert("sections.order".into(), canon(&order));
        for annex in &self.data.annexes {
            if let Some(hash) = self.shared.annexes.get(&annex.file) {
                parts.insert(format!("annex.{}", annex.file), canonical::string(hash));
            }
        }
        for (name, hash) in &self.shared.templates {
            parts.insert(format!("template.{name}"), canonical::string(hash));
        }
        parts
    }

    /// Short hashes of each part (16 hex digits), stored in seals so that a
    /// changed convention can say which parts changed.
    pub fn part_hashes(&self) -> BTreeMap<String, String> {
        self.parts()
            .into_iter()
            .map(|(k, v)| (k, sha256_hex(v.as_bytes())[..16].to_string()))
            .collect()
    }

    /// SHA-256 (hex) of the canonical form of the convention: its id,
    /// period, the format number, and its [`parts`](Self::parts). Seals and
    /// documents carry it.
    pub fn fingerprint(&self) -> String {
        let canonical = format!(
            "{{\"format\":{FINGERPRINT_FORMAT},\"id\":{},\"parts\":{},\"period\":{}}}",
            canonical::string(&self.id),
            canonical::to_string(&self.parts()).unwrap_or_default(),
            canonical::string(self.period()),
        );
        sha256_hex(canonical.as_bytes())
    }
}

/// Canonical text of values, by name: `Resolved`'s fields are reached by
/// their key without depending on their declaration order.
mod erased {
    use super::{Resolved, canonical};

    pub trait Canon {
        fn canon(&self) -> String;
    }

    impl<T: serde::Serialize> Canon for T {
        fn canon(&self) -> String {
            canonical::to_string(self).unwrap_or_default()
        }
    }

    /// The canonical text of one top-level field of the resolved data.
    pub fn field(data: &Resolved, key: &str) -> Option<String> {
        let d = data;
        Some(match key {
            "title" => d.title.canon(),
            "period" => d.period.canon(),
            "signatories" => d.signatories.canon(),
            "axes" => d.axes.canon(),
            "commitments" => d.commitments.canon(),
            "sections" => d.sections.canon(),
            "payment" => d.payment.canon(),
            "budget_scope" => d.budget_scope.canon(),
            "annexes" => d.annexes.canon(),
            "name" => d.name.canon(),
            "article" => d.article.canon(),
            "gender" => d.gender.canon(),
            "kind" => d.kind.canon(),
            "application_date" => d.application_date.canon(),
            "previous_id" => d.previous_id.canon(),
            "association" => d.association.canon(),
            "territory" => d.territory.canon(),
            "agrement" => d.agrement.canon(),
            "objectives" => d.objectives.canon(),
            "funding" => d.funding.canon(),
            "budget" => d.budget.canon(),
            _ => return None,
        })
    }
}

/// Lower-case hex of a SHA-256 digest.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Merge the base tree and a centre tree. Pure: findings are returned, not
/// printed. The merged tree always exists; whether it reads into a valid
/// [`Resolved`] is up to [`resolve`].
pub fn merge_trees(base: &Node, centre: &Node) -> (Node, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut merged = base.clone();
    let (Some(out), Some(centre_table)) = (merged.as_table_mut(), centre.as_table()) else {
        return (merged, diags);
    };
    let mut removals: Option<&Entry> = None;
    for entry in &centre_table.entries {
        if entry.key == "remove" {
            removals = Some(entry);
            continue;
        }
        match out.get_mut(&entry.key) {
            None => out.entries.push(entry.clone()),
            Some(existing) => {
                if MERGED_ARRAYS.contains(&entry.key.as_str()) {
                    merge_by_id(existing, &entry.node, &entry.key, &mut diags);
                } else if OVERRIDABLE_TABLES.contains(&entry.key.as_str()) {
                    overlay(existing, &entry.node);
                } else {
                    // The centre schema forbids the base's other keys, so
                    // this is not reached by valid files; the centre wins.
                    *existing = entry.node.clone();
                }
            }
        }
    }
    if let Some(removals) = removals {
        remove_entries(out, removals, &mut diags);
    }
    (merged, diags)
}

/// Keys of `patch` replace or extend those of `target`, recursively.
fn overlay(target: &mut Node, patch: &Node) {
    match (target.as_table_mut(), patch.as_table()) {
        (Some(t), Some(p)) => {
            for e in &p.entries {
                match t.get_mut(&e.key) {
                    Some(existing) if existing.as_table().is_some() => overlay(existing, &e.node),
                    Some(existing) => *existing = e.node.clone(),
                    None => t.entries.push(e.clone()),
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

fn entry_id(node: &Node) -> Option<&str> {
    node.get("id").and_then(Node::as_str)
}

fn flag(node: &Node, key: &str) -> bool {
    matches!(node.get(key).map(|n| &n.value), Some(Value::Bool(true)))
}

fn merge_by_id(target: &mut Node, patch: &Node, array: &str, diags: &mut Vec<Diagnostic>) {
    let (Value::Array(items), Some(patches)) = (&mut target.value, patch.as_array()) else {
        *target = patch.clone();
        return;
    };
    for p in patches {
        let Some(id) = entry_id(p) else {
            items.push(p.clone());
            continue;
        };
        match items.iter_mut().find(|i| entry_id(i) == Some(id)) {
            Some(existing) if flag(existing, "locked") => diags.push(
                Diagnostic::new(
                    Rule::Locked,
                    p.get("id").map_or(p.loc.clone(), |n| n.loc.clone()),
                    format!("`{array}` entry `{id}` is locked by the base and cannot be changed"),
                )
                .with_help("remove this entry from the centre's file"),
            ),
            Some(existing) => overlay(existing, p),
            None => items.push(p.clone()),
        }
    }
}

fn remove_entries(out: &mut node::Table, removals: &Entry, diags: &mut Vec<Diagnostic>) {
    let Some(list) = removals.node.as_array() else {
        return; // the centre schema reports the wrong type
    };
    for item in list {
        let Some(spec) = item.as_str() else { continue };
        let (array_filter, id) = match spec.split_once('.') {
            Some((a, id)) if MERGED_ARRAYS.contains(&a) => (Some(a), id),
            _ => (None, spec),
        };
        let mut hits: Vec<(&str, usize)> = Vec::new();
        for array in MERGED_ARRAYS {
            if array_filter.is_some_and(|f| f != *array) {
                continue;
            }
            if let Some(items) = out.get(array).and_then(Node::as_array)
                && let Some(i) = items.iter().position(|n| entry_id(n) == Some(id))
            {
                hits.push((array, i));
            }
        }
        let loc = item.loc.clone();
        match hits.as_slice() {
            [] => {
                let candidates: Vec<&str> = MERGED_ARRAYS
                    .iter()
                    .filter_map(|a| out.get(a).and_then(Node::as_array))
                    .flatten()
                    .filter_map(entry_id)
                    .collect();
                let d = Diagnostic::new(
                    Rule::UnknownKey,
                    loc,
                    format!("`remove` names `{spec}`, which the base does not define"),
                );
                diags.push(match closest(id, candidates) {
                    Some(c) => d.with_help(format!("did you mean `{c}`?")),
                    None => d,
                });
            }
            [(array, i)] => {
                let items = match out.get_mut(array).map(|n| &mut n.value) {
                    Some(Value::Array(items)) => items,
                    _ => continue,
                };
                let target = &items[*i];
                if flag(target, "locked") {
                    diags.push(Diagnostic::new(
                        Rule::Locked,
                        loc,
                        format!(
                            "`{array}` entry `{id}` is locked by the base and cannot be removed"
                        ),
                    ));
                } else if flag(target, "required") {
                    diags.push(Diagnostic::new(
                        Rule::RemoveRequired,
                        loc,
                        format!(
                            "`{array}` entry `{id}` is required by the base and cannot be removed"
                        ),
                    ));
                } else {
                    items.remove(*i);
                }
            }
            several => {
                let arrays: Vec<String> =
                    several.iter().map(|(a, _)| format!("`{a}.{id}`")).collect();
                diags.push(
                    Diagnostic::new(
                        Rule::UnknownKey,
                        loc,
                        format!("`{id}` is ambiguous: it names entries of several arrays"),
                    )
                    .with_help(format!("write one of {}", arrays.join(", "))),
                );
            }
        }
    }
}

/// Read the typed view of a merged tree. A problem (a new signatory
/// missing a key, say) is located in the file that introduced it.
pub fn resolve(tree: &Node) -> Result<Resolved, Diagnostic> {
    node::from_node::<Resolved>(tree).map_err(|e| e.into_diagnostic(&tree.loc))
}

/// Merge one centre of a period, when both its files and the base are
/// usable. Merge findings are pushed to `diags`; `None` means the centre
/// cannot be resolved (its problems were reported when loading, or here).
/// The centre itself is given, not its id: looking each of thousands of
/// centres up by id among the others was quadratic.
pub fn convention(
    period: &Period,
    shared: &Arc<Shared>,
    centre: &Centre,
    diags: &mut Vec<Diagnostic>,
) -> Option<Convention> {
    let base = period.base.as_ref()?;
    let data = centre.data.as_ref()?;
    let text = centre.text.as_ref()?;
    let (tree, merge_diags) = merge_trees(&base.tree, &data.tree);
    diags.extend(merge_diags);
    match resolve(&tree) {
        // A period that ends before it starts, or lasts centuries, has no
        // years to resolve a convention over; `bad-period-label` reports it.
        Ok(resolved) if !resolved.period.is_usable() => None,
        Ok(resolved) => Some(Convention {
            id: centre.id.clone(),
            shared: Arc::clone(shared),
            tree,
            centre_file: data.file,
            text_file: text.file,
            data: resolved,
            text: Arc::clone(&text.text),
        }),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Where a resolved value came from: `cpo explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub path: String,
    pub value: serde_json::Value,
    /// `file:line:col` of the value (for a table: of its header or first key).
    pub origin: String,
    /// Where each leaf below the value came from, when it is a table or array.
    pub parts: Vec<(String, String)>,
}

/// Explain `path` (`association.siret`, `funding.ville.2022`,
/// `signatories.caf.name`) in a convention's resolved tree.
pub fn explain(snapshot: &Snapshot, conv: &Convention, path: &str) -> Option<Explanation> {
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let node = conv.tree.path(&segments)?;
    let mut parts = Vec::new();
    collect_leaves(snapshot, node, path, &mut parts);
    Some(Explanation {
        path: path.to_string(),
        value: node.to_json(),
        origin: snapshot.sources.describe(&node.loc),
        parts,
    })
}

fn collect_leaves(snapshot: &Snapshot, node: &Node, prefix: &str, out: &mut Vec<(String, String)>) {
    match &node.value {
        Value::Table(t) => {
            for e in &t.entries {
                collect_leaves(snapshot, &e.node, &format!("{prefix}.{}", e.key), out);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.as_table().is_some()) => {
            for (i, item) in items.iter().enumerate() {
                let seg = entry_id(item).map_or_else(|| i.to_string(), str::to_string);
                collect_leaves(snapshot, item, &format!("{prefix}.{seg}"), out);
            }
        }
        _ => out.push((prefix.to_string(), snapshot.sources.describe(&node.loc))),
    }
}

/// The keys a path could continue with, for "did you mean" on `explain`.
pub fn path_candidates(conv: &Convention, path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let parent = &segments[..segments.len().saturating_sub(1)];
    let Some(node) = conv.tree.path(parent) else {
        return Vec::new();
    };
    let prefix = if parent.is_empty() {
        String::new()
    } else {
        format!("{}.", parent.join("."))
    };
    match &node.value {
        Value::Table(t) => t.keys().map(|k| format!("{prefix}{k}")).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| {
                format!(
                    "{prefix}{}",
                    entry_id(n).map_or_else(|| i.to_string(), str::to_string)
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A location in the merged tree for a finding about `path`, falling back to
/// the deepest existing ancestor.
pub fn loc_of(conv: &Convention, path: &[&str]) -> Loc {
    conv.tree.loc_of(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::node::parse_toml;

    #[test]
    fn normalized_text_ignores_line_endings_and_blanks_but_not_line_breaks() {
        let unix = "Titre\n\nUn paragraphe,  \nsur deux lignes.\n";
        let windows = " \r\nTitre \r\n\r\nUn paragraphe,   \r\nsur deux lignes.\t\r\n\r\n";
        assert_eq!(normalize_text(unix), normalize_text(windows));
        assert_eq!(
            normalize_text(unix),
            "Titre\n\nUn paragraphe,  \nsur deux lignes."
        );
        // Removing the Markdown line break is a change.
        assert_ne!(
            normalize_text(unix),
            normalize_text("Titre\n\nUn paragraphe,\nsur deux lignes.")
        );
    }

    fn trees(base: &str, centre: &str) -> (Node, Vec<Diagnostic>) {
        let b = parse_toml(FileId(0), base).unwrap();
        let c = parse_toml(FileId(1), centre).unwrap();
        merge_trees(&b, &c)
    }

    const BASE: &str = r#"
title = "T"
[[commitments]]
id = "laicite"
title = "Charte"
text = "..."
locked = true
[[commitments]]
id = "sport"
title = "Sport"
text = "..."
[[axes]]
id = "participation"
title = "P"
required = true
[payment]
advance_percent = 50
advance_before = "03-31"
"#;

    #[test]
    fn by_id_merge_adds_overrides_and_keeps_provenance() {
        let (m, d) = trees(
            BASE,
            "name = \"C\"\n[payment]\nadvance_percent = 30\n[[commitments]]\nid = \"sport\"\ntitle = \"Sport pour tous\"\n[[commitments]]\nid = \"new\"\ntitle = \"N\"\ntext = \"n\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let titles: Vec<_> = m
            .get("commitments")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.get("title").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Charte", "Sport pour tous", "N"]);
        let pct = m.path(&["payment", "advance_percent"]).unwrap();
        assert_eq!(
            pct.loc.file,
            FileId(1),
            "overridden value comes from the centre"
        );
        let before = m.path(&["payment", "advance_before"]).unwrap();
        assert_eq!(before.loc.file, FileId(0), "kept value comes from the base");
        assert_eq!(m.get("name").unwrap().loc.file, FileId(1));
    }

    #[test]
    fn locked_and_required_entries_resist() {
        let (m, d) = trees(
            BASE,
            "remove = [\"laicite\", \"participation\", \"sport\", \"sprot\"]\n[[commitments]]\nid = \"laicite\"\ntitle = \"Autre\"\n",
        );
        let rules: Vec<_> = d.iter().map(|d| d.rule).collect();
        assert_eq!(
            rules,
            [
                Rule::Locked,
                Rule::Locked,
                Rule::RemoveRequired,
                Rule::UnknownKey
            ]
        );
        assert!(d[3].message.contains("`sprot`"), "{}", d[3].message);
        let ids: Vec<_> = m
            .get("commitments")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| entry_id(c).unwrap())
            .collect();
        assert_eq!(ids, ["laicite"], "sport removed, laicite kept unchanged");
        assert_eq!(
            m.path(&["commitments", "laicite", "title"])
                .unwrap()
                .as_str(),
            Some("Charte")
        );
    }
}
