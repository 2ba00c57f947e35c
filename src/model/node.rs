//! A TOML document as a tree of spanned nodes.
//!
//! Every value a user writes keeps the file it came from and its byte span.
//! That is what lets a rule point at `centres/beaulieu.toml:9:9`, what the
//! merge copies into the resolved convention as provenance, and what `cpo
//! explain` prints. Typed structs are read from the tree with serde (see
//! [`from_node`]): the deserializer attaches the innermost span to every
//! error, so an unknown key, a wrong type or a missing key is reported where
//! it is, with the closest valid key suggested.
//!
//! Floats keep their source text: money is parsed from it into an exact
//! decimal (see [`super::types::Amount`]), never through `f64`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use compact_str::CompactString;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, FileId, Loc, Rule, closest};

/// One value of a TOML document, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(CompactString),
    Integer(i64),
    /// A float, as written (`536055.50`): parsed into a decimal when needed.
    Float(String),
    Bool(bool),
    Datetime(toml::value::Datetime),
    Array(Vec<Node>),
    Table(Arc<Table>),
}

/// A table keeps the order of its keys as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: CompactString,
    pub key_loc: Loc,
    pub node: Node,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.node)
    }

    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.key.as_str())
    }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::Datetime(_) => "date",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }
}

impl Node {
    pub fn as_table(&self) -> Option<&Table> {
        match &self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_table_mut(&mut self) -> Option<&mut Table> {
        match &mut self.value {
            // Copied first when shared (a merged tree shares the base's
            // and the centre's tables until it changes one).
            Value::Table(t) => Some(Arc::make_mut(t)),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value at `key` of this table.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_table()?.get(key)
    }

    /// Follow a path of keys through tables; a segment that parses as a
    /// number indexes an array, any other segment on an array of tables
    /// selects the entry with that `id`.
    pub fn path<S: AsRef<str>>(&self, path: &[S]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            let seg = seg.as_ref();
            node = match &node.value {
                Value::Table(t) => t.get(seg)?,
                Value::Array(items) => match seg.parse::<usize>() {
                    Ok(i) => items.get(i)?,
                    Err(_) => items
                        .iter()
                        .find(|n| n.get("id").and_then(Node::as_str) == Some(seg))?,
                },
                _ => return None,
            };
        }
        Some(node)
    }

    /// The location of the key that holds `path`'s last segment, falling back
    /// to the value's location, then to the deepest existing ancestor's. For
    /// findings about a key (an unknown funder, a year out of the period).
    pub fn key_loc<S: AsRef<str>>(&self, path: &[S]) -> Option<Loc> {
        let (last, parent) = path.split_last()?;
        let parent_node = self.path(parent)?;
        if let Some(entry) = parent_node.as_table().and_then(|t| t.entry(last.as_ref())) {
            return Some(entry.key_loc.clone());
        }
        self.path(path).map(|n| n.loc.clone())
    }

    /// The location of the value at `path`, or of its deepest existing
    /// ancestor when it is absent (a missing key is reported on its table).
    pub fn loc_of<S: AsRef<str>>(&self, path: &[S]) -> Loc {
        let mut node = self;
        for i in 0..path.len() {
            match self.path(&path[..=i]) {
                Some(n) => node = n,
                None => break,
            }
        }
        node.loc.clone()
    }

    /// What this value is, for "expected …, found …" messages.
    fn unexpected(&self) -> de::Unexpected<'_> {
        match &self.value {
            Value::String(s) => de::Unexpected::Str(s),
            Value::Integer(i) => de::Unexpected::Signed(*i),
            Value::Float(raw) => de::Unexpected::Other(raw),
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Datetime(_) => de::Unexpected::Other("a date and time"),
            Value::Array(_) => de::Unexpected::Seq,
            Value::Table(_) => de::Unexpected::Map,
        }
    }

    /// An empty table at a location (the root of an empty document).
    pub fn empty_table(loc: Loc) -> Node {
        Node {
            value: Value::Table(Arc::default()),
            loc,
        }
    }
}

/// Parse a TOML document into a node tree. Syntax errors are all reported
/// (the parser recovers), each with its span, under rule `toml-syntax`.
pub fn parse_toml(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    match super::node_builder::build(file, text) {
        Some(node) => Ok(node),
        None => parse_toml_with_detable(file, text),
    }
}

/// [`parse_toml`] through toml's `DeTable`: every file the one-pass
/// builder leaves, and every syntax error. Public for the differential
/// fuzz target (`fuzz/fuzz_targets/toml_node.rs`).
pub fn parse_toml_with_detable(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // The parser recovers and goes on, so one mistake can raise a
        // follow-on error on the same line: report the first of each line.
        let mut lines_seen = Vec::new();
        return Err(errors
            .into_iter()
            .filter_map(|e| {
                let span = e.span().unwrap_or(0..0);
                let line = text[..span.start.min(text.len())].matches('\n').count();
                if lines_seen.contains(&line) {
                    return None;
                }
                lines_seen.push(line);
                Some(Diagnostic::new(
                    Rule::TomlSyntax,
                    Loc::new(file, span),
                    first_line(e.message()),
                ))
            })
            .collect());
    }
    let span = doc.span();
    Ok(convert_table(
        file,
        doc.into_inner(),
        0..span.end.min(span.start),
    ))
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}

fn convert_table(file: FileId, table: DeTable<'_>, span: Range<usize>) -> Node {
    let entries = table
        .into_iter()
        .map(|(k, v)| {
            let key_loc = Loc::new(file, k.span());
            Entry {
                key: k.into_inner().as_ref().into(),
                key_loc,
                node: convert(file, v),
            }
        })
        .collect();
    Node {
        value: Value::Table(Arc::new(Table { entries })),
        loc: Loc::new(file, span),
    }
}

fn convert(file: FileId, value: toml::Spanned<DeValue<'_>>) -> Node {
    let span = value.span();
    let loc = Loc::new(file, span.clone());
    let value = match value.into_inner() {
        DeValue::String(s) => Value::String(s.as_ref().into()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Integer(n),
            // Out of i64 range: keep the text; typed reading reports it.
            Err(_) => Value::Float(i.as_str().to_string()),
        },
        DeValue::Float(f) => Value::Float(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Datetime(d),
        DeValue::Array(a) => Value::Array(a.into_iter().map(|v| convert(file, v)).collect()),
        DeValue::Table(t) => return convert_table(file, t, span),
    };
    Node { value, loc }
}

// ---------------------------------------------------------------------------
// Reading typed values from nodes.

/// What went wrong reading a typed value from a node, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub rule: Rule,
    /// For a missing key: its name.
    pub field: Option<&'static str>,
    /// For an unknown key: the valid key it is closest to; for an unknown
    /// value of an enumeration: the first valid one. Recovery uses it.
    pub suggestion: Option<&'static str>,
    pub message: String,
    pub help: Option<String>,
    pub loc: Option<Loc>,
}

impl DeError {
    fn at(mut self, loc: &Loc) -> DeError {
        if self.loc.is_none() {
            self.loc = Some(loc.clone());
        }
        self
    }

    pub fn into_diagnostic(self, fallback: &Loc) -> Diagnostic {
        let loc = self.loc.unwrap_or_else(|| fallback.clone());
        let d = Diagnostic::new(self.rule, loc, self.message);
        match self.help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

/// Marks a custom deserialization message with the rule it belongs to, so
/// that a type's own `Deserialize` (an amount beyond its bound) can report
/// under its rule rather than `wrong-type`: serde's `custom` only carries
/// text, so the rule travels inside it, between two [`RULE_TAG`]s.
const RULE_TAG: char = '\u{1}';

/// A deserialization message that reports under `rule` (see [`RULE_TAG`]).
pub fn tagged(rule: Rule, message: &str) -> String {
    format!("{RULE_TAG}{}{RULE_TAG}{message}", rule.name())
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let text = msg.to_string();
        let (rule, message) = text
            .strip_prefix(RULE_TAG)
            .and_then(|rest| rest.split_once(RULE_TAG))
            .and_then(|(name, message)| Some((Rule::from_name(name)?, message.to_string())))
            .unwrap_or((Rule::WrongType, text));
        DeError {
            rule,
            field: None,
            suggestion: None,
            message,
            help: None,
            loc: None,
        }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let found = match unexp {
            de::Unexpected::Map => "a table".to_string(),
            de::Unexpected::Seq => "an array".to_string(),
            other => other.to_string(),
        };
        // serde names Rust's integer types: say what a user writes.
        let exp = match exp.to_string().as_str() {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
                "a whole number".to_string()
            }
            "f32" | "f64" => "a number".to_string(),
            other => other.to_string(),
        };
        let mut e = Self::custom(format_args!("expected {exp}, found {found}"));
        // A placeholder where a number or a date belongs has no value cpo
        // could print: a `wrong-type` error (a draft would otherwise render
        // « 0 € »), which says what it is.
        if let de::Unexpected::Str(v) = unexp
            && super::is_unfilled(v)
        {
            e.help = Some(format!("still to fill in: write {exp}"));
        }
        e
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let mut e = Self::custom(format_args!(
            "`{variant}` is not one of {}",
            one_of(expected)
        ));
        e.help = if super::is_unfilled(variant) {
            Some(format!("still to fill in: write {}", one_of_or(expected)))
        } else {
            closest(variant, expected.iter().copied()).map(|c| format!("did you mean `{c}`?"))
        };
        e.suggestion = expected.first().copied();
        e
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let suggestion = closest(field, expected.iter().copied());
        DeError {
            rule: Rule::UnknownKey,
            field: None,
            suggestion,
            message: format!("unknown key `{field}`"),
            help: Some(match suggestion {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("valid keys here: {}", one_of(expected)),
            }),
            loc: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            rule: Rule::MissingKey,
            field: Some(field),
            suggestion: None,
            message: format!("missing key `{field}`"),
            help: None,
            loc: None,
        }
    }
}

/// `a`, `b` or `c`.
fn one_of_or(expected: &[&str]) -> String {
    match expected {
        [] => String::new(),
        [only] => format!("`{only}`"),
        [first @ .., last] => format!("{} or `{last}`", one_of(first)),
    }
}

fn one_of(expected: &[&str]) -> String {
    expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Read a typed value from a node; errors carry the location of the
/// innermost offending node.
pub fn from_node<'de, T: serde::Deserialize<'de>>(node: &'de Node) -> Result<T, DeError> {
    T::deserialize(node).map_err(|e| e.at(&node.loc))
}

/// Read a typed value, reporting every structural problem of the tree and
/// still producing a value whenever the file can be repaired, so that the
/// rest of the file goes through every rule (one mistake does not hide the
/// others):
/// - an unknown key that is a near miss of a valid key the table lacks
///   (`adress` for `address`) is reported once, as `unknown-key` with its
///   suggestion, and read as the key it was meant to be;
/// - any other unknown key, or a value of the wrong type, is reported and
///   dropped; a string that reads as the date or number expected is kept
///   as that value (`start = "2022-01-01"`);
/// - a required key that is missing (or was dropped) is reported once, and
///   a neutral placeholder stands in for it, tried type by type. Placeholder
///   nodes carry a [synthetic](Loc::is_synthetic) location: findings about
///   them are consequences of the missing key and are dropped when reported.
///
/// Returns the value (with the repaired tree, so that paths into it match
/// the value) unless no repair makes the file readable, and the errors in
/// the order found.
pub fn from_node_all<T: serde::de::DeserializeOwned>(
    mut tree: Node,
) -> (Option<(T, Node)>, Vec<DeError>) {
    let mut repair = Repair::default();
    // Each round fixes one problem; files have at most a few hundred keys.
    for _ in 0..1024 {
        match from_node::<T>(&tree) {
            Ok(value) => return (Some((value, tree)), repair.errors),
            Err(e) => {
                if !repair.fix(&mut tree, e) {
                    return (None, repair.errors);
                }
            }
        }
    }
    (None, repair.errors)
}

/// Neutral values tried, in order, for a missing key whose type is unknown.
const PLACEHOLDERS: usize = 7;

fn placeholder(attempt: usize, variant: Option<&'static str>) -> Option<Value> {
    Some(match attempt {
        0 => Value::String(variant.unwrap_or_default().into()),
        1 => Value::Integer(0),
        2 => Value::Table(Arc::default()),
        3 => Value::Array(Vec::new()),
        4 => Value::Bool(false),
        5 => Value::Datetime("1970-01-01".parse().ok()?),
        6 => Value::String("01-01".into()),
        _ => return None,
    })
}

/// What the recovery loop of [`from_node_all`] has done so far.
#[derive(Default)]
struct Repair {
    errors: Vec<DeError>,
    /// (table, key) of keys dropped or renamed: their absence was reported.
    handled: Vec<(Loc, String)>,
    /// Placeholders inserted: (its location, the table, the key, attempt).
    placeholders: Vec<(Loc, Loc, &'static str, usize)>,
    /// Values coerced from a string: a second error there drops them.
    coerced: Vec<Loc>,
    next_synthetic: usize,
}

impl Repair {
    /// Fix the tree for `e`; false when it cannot be fixed.
    fn fix(&mut self, tree: &mut Node, e: DeError) -> bool {
        let Some(loc) = e.loc.clone() else {
            self.errors.push(e);
            return false;
        };
        // A placeholder table lacks keys of its own: fill them too, silently
        // (the missing table was reported).
        if e.rule == Rule::MissingKey
            && let Some(field) = e.field
            && self.placeholders.iter().any(|p| p.0 == loc)
        {
            return self.place(tree, loc, field, 0, None);
        }
        // An error about a placeholder: try the next neutral value.
        if let Some(i) = self.placeholders.iter().position(|p| p.0 == loc) {
            let (old, table, key, attempt) = self.placeholders.remove(i);
            let variant = (e.rule == Rule::WrongType)
                .then_some(e.suggestion)
                .flatten();
            let attempt = if variant.is_some() && attempt == 0 {
                0
            } else {
                attempt + 1
            };
            remove_entry_at(tree, &old);
            return self.place(tree, table, key, attempt, variant);
        }
        match e.rule {
            Rule::MissingKey => {
                let Some(field) = e.field else {
                    self.errors.push(e);
                    return false;
                };
                if !self.handled.iter().any(|(l, k)| *l == loc && k == field) {
                    self.handled.push((loc.clone(), field.to_string()));
                    self.errors.push(e);
                }
                self.place(tree, loc, field, 0, None)
            }
            Rule::UnknownKey => {
                let suggestion = e.suggestion;
                self.errors.push(e);
                if let Some(key) = suggestion
                    && let Some(table) = rename_at(tree, &loc, key)
                {
                    self.handled.push((table, key.to_string()));
                    return true;
                }
                self.drop(tree, &loc)
            }
            _ => {
                self.errors.push(e);
                if !self.coerced.contains(&loc) && coerce_at(tree, &loc) {
                    self.coerced.push(loc);
                    return true;
                }
                self.drop(tree, &loc)
            }
        }
    }

    fn drop(&mut self, tree: &mut Node, loc: &Loc) -> bool {
        match drop_at(tree, loc) {
            Some(dropped) => {
                self.handled.push(dropped);
                true
            }
            None => false,
        }
    }

    /// Insert placeholder number `attempt` for `key` in the table at `table`.
    fn place(
        &mut self,
        tree: &mut Node,
        table: Loc,
        key: &'static str,
        attempt: usize,
        variant: Option<&'static str>,
    ) -> bool {
        if attempt >= PLACEHOLDERS {
            return false;
        }
        let Some(value) = placeholder(attempt, variant) else {
            return false;
        };
        let loc = Loc::synthetic(table.file, self.next_synthetic);
        self.next_synthetic += 1;
        let Some(target) = table_at(tree, &table) else {
            return false;
        };
        target.entries.push(Entry {
            key: key.into(),
            key_loc: loc.clone(),
            node: Node {
                value,
                loc: loc.clone(),
            },
        });
        self.placeholders.push((loc, table, key, attempt));
        true
    }
}

/// The table whose node is at `loc`.
fn table_at<'a>(node: &'a mut Node, loc: &Loc) -> Option<&'a mut Table> {
    if node.loc == *loc && matches!(node.value, Value::Table(_)) {
        return node.as_table_mut();
    }
    match &mut node.value {
        Value::Table(t) => Arc::make_mut(t)
            .entries
            .iter_mut()
            .find_map(|e| table_at(&mut e.node, loc)),
        Value::Array(items) => items.iter_mut().find_map(|n| table_at(n, loc)),
        _ => None,
    }
}

/// Remove the entry whose value is at `loc` (a placeholder).
fn remove_entry_at(node: &mut Node, loc: &Loc) -> bool {
    match &mut node.value {
        Value::Table(t) => {
            let t = Arc::make_mut(t);
            if let Some(i) = t.entries.iter().position(|e| e.node.loc == *loc) {
                t.entries.remove(i);
                return true;
            }
            t.entries
                .iter_mut()
                .any(|e| remove_entry_at(&mut e.node, loc))
        }
        Value::Array(items) => items.iter_mut().any(|n| remove_entry_at(n, loc)),
        _ => false,
    }
}

/// Rename the key at `loc` to `key` when its table has no such key yet.
/// Returns the table's location.
fn rename_at(node: &mut Node, loc: &Loc, key: &str) -> Option<Loc> {
    let here = node.loc.clone();
    match &mut node.value {
        Value::Table(t) => {
            let t = Arc::make_mut(t);
            if let Some(i) = t.entries.iter().position(|e| e.key_loc == *loc) {
                if t.get(key).is_some() {
                    return None;
                }
                t.entries[i].key = key.into();
                return Some(here);
            }
            t.entries
                .iter_mut()
                .find_map(|e| rename_at(&mut e.node, loc, key))
        }
        Value::Array(items) => items.iter_mut().find_map(|n| rename_at(n, loc, key)),
        _ => None,
    }
}

/// A string value at `loc` that reads as a TOML date or number becomes
/// that value, a date-time its date. Returns whether it did.
fn coerce_at(node: &mut Node, loc: &Loc) -> bool {
    if node.loc == *loc {
        if let Value::Datetime(d) = &node.value
            && d.date.is_some()
            && d.time.is_some()
        {
            node.value = Value::Datetime(toml::value::Datetime {
                date: d.date,
                time: None,
                offset: None,
            });
            return true;
        }
        let Value::String(s) = &node.value else {
            return false;
        };
        let s = s.trim();
        let coerced = if let Ok(d) = s.parse::<toml::value::Datetime>() {
            Value::Datetime(d)
        } else if let Ok(i) = s.parse::<i64>() {
            Value::Integer(i)
        } else if super::types::parse_decimal(s).is_ok() && !s.is_empty() {
            Value::Float(s.to_string())
        } else {
            return false;
        };
        node.value = coerced;
        return true;
    }
    match &mut node.value {
        Value::Table(t) => Arc::make_mut(t)
            .entries
            .iter_mut()
            .any(|e| coerce_at(&mut e.node, loc)),
        Value::Array(items) => items.iter_mut().any(|n| coerce_at(n, loc)),
        _ => false,
    }
}

/// Remove the table entry whose key or value is at `loc`, or the array
/// element at `loc`. Returns the containing table's location and the key.
fn drop_at(node: &mut Node, loc: &Loc) -> Option<(Loc, String)> {
    let here = node.loc.clone();
    match &mut node.value {
        Value::Table(t) => {
            let t = Arc::make_mut(t);
            if let Some(i) = t
                .entries
                .iter()
                .position(|e| &e.key_loc == loc || &e.node.loc == loc)
            {
                let e = t.entries.remove(i);
                return Some((here, e.key.into()));
            }
            t.entries.iter_mut().find_map(|e| drop_at(&mut e.node, loc))
        }
        Value::Array(items) => {
            if let Some(i) = items
                .iter()
                .position(|n| &n.loc == loc && n.as_table().is_none())
            {
                items.remove(i);
                return Some((here, i.to_string()));
            }
            items.iter_mut().find_map(|n| drop_at(n, loc))
        }
        _ => None,
    }
}

/// The map key under which a float's source text reaches a visitor through
/// `deserialize_any`, so that [`super::types::Amount`] can read it exactly.
pub const DECIMAL_TOKEN: &str = "$__cpo_private_decimal";

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let loc = &self.loc;
        let result = match &self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Integer(i) => visitor.visit_i64(*i),
            Value::Float(raw) => visitor.visit_map(DecimalAccess { raw: Some(raw) }),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Datetime(d) => visitor.visit_string(d.to_string()),
            Value::Array(items) => visitor.visit_seq(SeqAccess {
                items: items.iter(),
            }),
            Value::Table(t) => visitor.visit_map(MapAccess {
                entries: t.entries.iter(),
                value: None,
            }),
        };
        result.map_err(|e| e.at(loc))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Float(raw) => match raw.parse::<f64>() {
                Ok(f) => visitor.visit_f64(f),
                Err(_) => Err(de::Error::custom(format_args!("invalid number `{raw}`"))),
            },
            _ => self.deserialize_any(visitor),
        }
        .map_err(|e| e.at(&self.loc))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Float(raw) => Err(de::Error::invalid_type(
                de::Unexpected::Other(&format!("the number {raw}")),
                &visitor,
            )),
            _ => self.deserialize_any(visitor),
        }
        .map_err(|e| e.at(&self.loc))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self).map_err(|e| e.at(&self.loc))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // A date is a TOML date alone: not a string, not a date-time whose
        // time and offset would be dropped without a word.
        if name == super::types::DATE_NEWTYPE
            && !matches!(&self.value, Value::Datetime(d) if d.date.is_some() && d.time.is_none())
        {
            return Err(de::Error::invalid_type(self.unexpected(), &visitor))
                .map_err(|e: DeError| e.at(&self.loc));
        }
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.at(&self.loc))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.value {
            Value::String(s) => {
                let de: de::value::StrDeserializer<'_, DeError> = s.as_str().into_deserializer();
                visitor.visit_enum(de)
            }
            _ => self.deserialize_any(visitor),
        }
        .map_err(|e| e.at(&self.loc))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct SeqAccess<'de> {
    items: std::slice::Iter<'de, Node>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(node) => seed
                .deserialize(node)
                .map(Some)
                .map_err(|e| e.at(&node.loc)),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'de> {
    entries: std::slice::Iter<'de, Entry>,
    value: Option<&'de Node>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some(entry) => {
                self.value = Some(&entry.node);
                seed.deserialize(KeyDeserializer { key: &entry.key })
                    .map(Some)
                    .map_err(|e| e.at(&entry.key_loc))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let node = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("value without a key"))?;
        seed.deserialize(node).map_err(|e| e.at(&node.loc))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A float's source text presented as a one-entry map (see [`DECIMAL_TOKEN`]).
struct DecimalAccess<'de> {
    raw: Option<&'de str>,
}

impl<'de> de::MapAccess<'de> for DecimalAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.raw.is_none() {
            return Ok(None);
        }
        seed.deserialize(KeyDeserializer { key: DECIMAL_TOKEN })
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let raw = self.raw.take().unwrap_or_default();
        seed.deserialize(KeyDeserializer { key: raw })
    }
}

/// Table keys are strings in TOML; years (`2022 = 536055`) and CERFA
/// accounts (`64 = 640000`) are read from them as numbers.
struct KeyDeserializer<'de> {
    key: &'de str,
}

macro_rules! key_number {
    ($($method:ident => $visit:ident : $ty:ty),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                match self.key.parse::<$ty>() {
                    Ok(n) => visitor.$visit(n),
                    Err(_) => Err(de::Error::invalid_type(
                        de::Unexpected::Str(self.key),
                        &visitor,
                    )),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_borrowed_str(self.key)
    }

    key_number! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let de: de::value::StrDeserializer<'_, DeError> = self.key.into_deserializer();
        visitor.visit_enum(de)
    }

    serde::forward_to_deserialize_any! {
        bool i128 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

// ---------------------------------------------------------------------------
// Writing nodes out (`cpo merge --format`).

impl Node {
    /// The node as JSON. Floats become JSON numbers through their shortest
    /// round-trip text, which is the decimal the user wrote for every amount
    /// a convention can hold.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::String(s) => J::String(s.to_string()),
            Value::Integer(i) => J::from(*i),
            Value::Float(raw) => raw
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| J::String(raw.clone()), J::Number),
            Value::Bool(b) => J::Bool(*b),
            Value::Datetime(d) => J::String(d.to_string()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Table(t) => J::Object(
                t.entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.node.to_json()))
                    .collect(),
            ),
        }
    }

    /// The node as a `toml` value, for TOML output.
    pub fn to_toml(&self) -> toml::Value {
        use toml::Value as T;
        match &self.value {
            Value::String(s) => T::String(s.to_string()),
            Value::Integer(i) => T::Integer(*i),
            Value::Float(raw) => raw
                .replace('_', "")
                .parse::<f64>()
                .map_or_else(|_| T::String(raw.clone()), T::Float),
            Value::Bool(b) => T::Boolean(*b),
            Value::Datetime(d) => T::Datetime(*d),
            Value::Array(items) => T::Array(items.iter().map(Node::to_toml).collect()),
            Value::Table(t) => T::Table(
                t.entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.node.to_toml()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn parse(text: &str) -> Node {
        parse_toml(FileId(0), text).expect("valid toml")
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Assoc {
        legal_name: String,
        siret: String,
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = "name = \"x\"\n[association]\nsiret = \"123\"\n";
        let root = parse(text);
        let siret = root.path(&["association", "siret"]).unwrap();
        assert_eq!(&text[siret.loc.span()], "\"123\"");
        let key = root.key_loc(&["association", "siret"]).unwrap();
        assert_eq!(&text[key.span()], "siret");
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let text = "legal_name = \"A\"\nsirett = \"1\"\n";
        let root = parse(text);
        let err = from_node::<Assoc>(&root).unwrap_err();
        assert_eq!(err.rule, Rule::UnknownKey);
        assert_eq!(&text[err.loc.unwrap().span()], "sirett");
        assert_eq!(err.help.as_deref(), Some("did you mean `siret`?"));
    }

    #[test]
    fn wrong_type_and_missing_key_are_located() {
        let text = "legal_name = 12\nsiret = \"1\"\n";
        let err = from_node::<Assoc>(&parse(text)).unwrap_err();
        assert_eq!(err.rule, Rule::WrongType);
        assert_eq!(&text[err.loc.unwrap().span()], "12");
        assert!(err.message.contains("expected a string"), "{}", err.message);
    }

    #[test]
    fn missing_key_points_at_its_table() {
        let text = "[a]\nlegal_name = \"A\"\n";
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            a: Assoc,
        }
        let root = parse(text);
        let err = from_node::<Outer>(&root).unwrap_err();
        assert_eq!(err.rule, Rule::MissingKey);
        assert_eq!(err.message, "missing key `siret`");
        let loc = err.loc.unwrap();
        assert_eq!(loc, root.get("a").unwrap().loc);
    }

    #[test]
    fn a_date_time_is_not_a_date_and_is_read_as_its_date() {
        #[derive(Debug, Deserialize)]
        struct Period {
            start: crate::model::Date,
        }
        let root = parse("start = 2022-01-01T08:00:00+01:00\n");
        let err = from_node::<Period>(&root).unwrap_err();
        assert_eq!(err.rule, Rule::WrongType);
        let (value, errors) = from_node_all::<Period>(root);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(value.unwrap().0.start.to_string(), "2022-01-01");
    }

    #[test]
    fn numeric_keys_and_syntax_errors() {
        let root = parse("ville = { 2022 = 5, 2023 = 6 }\n");
        let m: std::collections::BTreeMap<String, std::collections::BTreeMap<i32, i64>> =
            from_node(&root).unwrap();
        assert_eq!(m["ville"][&2023], 6);

        let errs = parse_toml(FileId(0), "a = \nb = [1,\n").unwrap_err();
        assert!(!errs.is_empty());
        assert!(errs.iter().all(|d| d.rule == Rule::TomlSyntax));
    }
}
