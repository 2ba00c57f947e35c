//! TOML read into [`Node`]s in one pass, from toml_parser's events: the
//! usual file, which parses without a problem and never reopens a table.
//!
//! [`super::node::parse_toml`] otherwise reads a file with toml's own
//! `DeTable` and converts that: a map of every table with hashed keys and
//! spanned copy-on-write strings, then a second tree. For the centres of a
//! national repository that was a third of a check. This builder follows
//! `DeTable`'s reading exactly where it goes (the same keys in the same
//! order, the same spans: a test holds it to `DeTable` on every TOML file
//! of the repository and on cases written for it) and gives up, returning
//! `None`, on everything else: any syntax error, a key given twice, a
//! table opened again or extended in a way TOML may refuse. The caller then
//! reads the file the long way, which reports the problem.

use std::ops::Range;
use std::sync::Arc;

use compact_str::CompactString;
use toml_parser::decoder::ScalarKind;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Source};

use super::node::{Entry, Node, Table, Value};
use crate::diag::{FileId, Loc};

/// How deep arrays and inline tables may nest, and how many parts a dotted
/// key may have: toml's own limit, so that what toml refuses is refused.
const LIMIT: u32 = 80;

/// A file read in one pass, or `None` when toml must read it (see the
/// module's documentation).
pub fn build(file: FileId, text: &str) -> Option<Node> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut events: Vec<Event> = Vec::with_capacity(tokens.len());
    let mut error: Option<ParseError> = None;
    {
        let mut whitespace = ValidateWhitespace::new(&mut events, source);
        let mut guard = RecursionGuard::new(&mut whitespace, LIMIT);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut error);
    }
    if error.is_some() {
        return None;
    }
    let mut builder = Builder {
        file,
        source,
        events: &events,
        at: 0,
        error: None,
    };
    let root = builder.document()?;
    if builder.error.is_some() {
        return None;
    }
    Some(root.into_node(file))
}

/// A table as it is being built: tables made by headers and dotted keys
/// can still grow; values (scalars, arrays, inline tables) are nodes.
struct Building {
    entries: Vec<Slot>,
    span: Range<usize>,
    /// Made by a dotted key (`a` of `a.b = 1`): the one kind of table a
    /// dotted key may go into again.
    dotted: bool,
}

struct Slot {
    key: CompactString,
    key_span: Range<usize>,
    value: Part,
}

enum Part {
    Value(Node),
    Table(Building),
    /// An array of tables (`[[a]]`): its span is its first header's.
    Tables(Vec<Building>, Range<usize>),
}

impl Building {
    fn new(span: Range<usize>, dotted: bool) -> Building {
        Building {
            entries: Vec::new(),
            span,
            dotted,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|s| s.key == key)
    }

    /// Add `key` with `value`; its index.
    fn push(&mut self, key: Key, value: Part) -> usize {
        self.entries.push(Slot {
            key: key.name,
            key_span: key.span,
            value,
        });
        self.entries.len() - 1
    }

    /// The index of `key`, made a table (spanning the key, as toml does)
    /// when it is missing.
    fn table_on_the_way(&mut self, key: &Key, dotted: bool) -> usize {
        match self.position(&key.name) {
            Some(i) => i,
            None => self.push(
                key.clone(),
                Part::Table(Building::new(key.span.clone(), dotted)),
            ),
        }
    }

    fn into_node(self, file: FileId) -> Node {
        // Into vectors of the exact size: collecting would reuse the
        // building's vector, larger, for as long as the file is loaded.
        let mut entries = Vec::with_capacity(self.entries.len());
        entries.extend(self.entries.into_iter().map(|slot| Entry {
            key: slot.key,
            key_loc: Loc::new(file, slot.key_span),
            node: match slot.value {
                Part::Value(node) => node,
                Part::Table(t) => t.into_node(file),
                Part::Tables(tables, span) => {
                    let mut nodes = Vec::with_capacity(tables.len());
                    nodes.extend(tables.into_iter().map(|t| t.into_node(file)));
                    Node {
                        value: Value::Array(nodes),
                        loc: Loc::new(file, span),
                    }
                }
            },
        }));
        Node {
            value: Value::Table(Arc::new(Table { entries })),
            loc: Loc::new(file, self.span),
        }
    }
}

/// A key as written: decoded, with its span.
#[derive(Clone)]
struct Key {
    name: CompactString,
    span: Range<usize>,
}

struct Builder<'e, 'i> {
    file: FileId,
    source: Source<'i>,
    events: &'e [Event],
    at: usize,
    error: Option<ParseError>,
}

fn range(span: toml_parser::Span) -> Range<usize> {
    span.start()..span.end()
}

impl Builder<'_, '_> {
    fn next(&mut self) -> Option<Event> {
        let e = self.events.get(self.at).copied();
        self.at += 1;
        e
    }

    fn peek(&self, ahead: usize) -> Option<EventKind> {
        self.events.get(self.at + ahead).map(|e| e.kind())
    }

    /// Blanks, comments and line ends (each place this is called, the
    /// parser has checked which of them may be there).
    fn skip_blank(&mut self) {
        while matches!(
            self.peek(0),
            Some(EventKind::Whitespace | EventKind::Comment | EventKind::Newline)
        ) {
            self.at += 1;
        }
    }

    fn document(&mut self) -> Option<Building> {
        let mut root = Building::new(0..0, false);
        // Where key/value pairs go: the root, then each header's table,
        // found again from the root by its path.
        let mut current: Vec<Step> = Vec::new();
        while let Some(event) = self.next() {
            match event.kind() {
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    let array = event.kind() == EventKind::ArrayTableOpen;
                    let (path, span) = self.header(event)?;
                    current = open_table(&mut root, &path, span, array)?;
                }
                EventKind::SimpleKey => {
                    let (path, key, value) = self.key_value(event)?;
                    let table = follow(&mut root, &current)?;
                    insert_dotted(table, path, key, value)?;
                }
                _ => return None,
            }
        }
        Some(root)
    }

    /// A header's keys and its span, from `[` (or `[[`) to `]`.
    fn header(&mut self, open: Event) -> Option<(Vec<Key>, Range<usize>)> {
        let mut path = Vec::new();
        loop {
            let event = self.next()?;
            match event.kind() {
                EventKind::Whitespace => {}
                EventKind::SimpleKey => {
                    let (mut keys, last) = self.key(event)?;
                    keys.push(last);
                    path = keys;
                }
                EventKind::StdTableClose | EventKind::ArrayTableClose => {
                    if path.is_empty() {
                        return None;
                    }
                    return Some((path, open.span().start()..event.span().end()));
                }
                _ => return None,
            }
        }
    }

    /// `key = value`, from the key's first event.
    fn key_value(&mut self, first: Event) -> Option<(Vec<Key>, Key, Node)> {
        let (path, key) = self.key(first)?;
        self.skip_blank();
        if self.next()?.kind() != EventKind::KeyValSep {
            return None;
        }
        self.skip_blank();
        let event = self.next()?;
        Some((path, key, self.value(event)?))
    }

    /// A key, dotted or not: the tables on the way, and the last.
    fn key(&mut self, first: Event) -> Option<(Vec<Key>, Key)> {
        let mut path = Vec::new();
        let mut last = self.decode_key(first)?;
        loop {
            let sep = match (self.peek(0), self.peek(1)) {
                (Some(EventKind::KeySep), _) => 1,
                (Some(EventKind::Whitespace), Some(EventKind::KeySep)) => 2,
                _ => break,
            };
            self.at += sep;
            if self.peek(0) == Some(EventKind::Whitespace) {
                self.at += 1;
            }
            let event = self.next()?;
            if event.kind() != EventKind::SimpleKey {
                return None;
            }
            path.push(std::mem::replace(&mut last, self.decode_key(event)?));
        }
        if path.len() as u32 >= LIMIT {
            return None;
        }
        Some((path, last))
    }

    fn decode_key(&mut self, event: Event) -> Option<Key> {
        let raw = self.source.get(event)?;
        let text = raw.as_str();
        // A bare key (letters, digits, `-`, `_`) is its own text: the
        // decoder's checks, character by character, are for the others.
        let bare = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let name = if bare {
            CompactString::from(text)
        } else {
            let mut decoded = std::borrow::Cow::Borrowed("");
            raw.decode_key(&mut decoded, &mut self.error);
            CompactString::from(decoded.as_ref())
        };
        Some(Key {
            name,
            span: range(event.span()),
        })
    }

    /// A value, from its first event: a scalar, an array or an inline
    /// table.
    fn value(&mut self, event: Event) -> Option<Node> {
        match event.kind() {
            EventKind::Scalar => self.scalar(event),
            EventKind::ArrayOpen => self.array(event),
            EventKind::InlineTableOpen => self.inline_table(event),
            _ => None,
        }
    }

    fn scalar(&mut self, event: Event) -> Option<Node> {
        let raw = self.source.get(event)?;
        let value = match plain_scalar(raw.as_str()) {
            Some(value) => value,
            None => self.decode_scalar(raw)?,
        };
        Some(Node {
            value,
            loc: Loc::new(self.file, range(event.span())),
        })
    }

    fn decode_scalar(&mut self, raw: toml_parser::Raw<'_>) -> Option<Value> {
        let mut decoded = std::borrow::Cow::Borrowed("");
        Some(match raw.decode_scalar(&mut decoded, &mut self.error) {
            ScalarKind::String => Value::String(CompactString::from(decoded.as_ref())),
            ScalarKind::Boolean(b) => Value::Bool(b),
            ScalarKind::DateTime => Value::Datetime(decoded.parse().ok()?),
            ScalarKind::Float => Value::Float(decoded.into_owned()),
            ScalarKind::Integer(radix) => match i64::from_str_radix(&decoded, radix.value()) {
                Ok(n) => Value::Integer(n),
                // Out of i64 range: kept as text, as `node::convert` does.
                Err(_) => Value::Float(decoded.into_owned()),
            },
        })
    }

    fn array(&mut self, open: Event) -> Option<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let event = self.next()?;
            match event.kind() {
                EventKind::ArrayClose => {
                    items.shrink_to_fit();
                    return Some(Node {
                        value: Value::Array(items),
                        loc: Loc::new(self.file, open.span().start()..event.span().end()),
                    });
                }
                EventKind::ValueSep => {}
                _ => items.push(self.value(event)?),
            }
        }
    }

    fn inline_table(&mut self, open: Event) -> Option<Node> {
        let mut table = Building::new(0..0, false);
        loop {
            self.skip_blank();
            let event = self.next()?;
            match event.kind() {
                EventKind::InlineTableClose => {
                    table.span = open.span().start()..event.span().end();
                    return Some(table.into_node(self.file));
                }
                EventKind::ValueSep => {}
                EventKind::SimpleKey => {
                    let (path, key, value) = self.key_value(event)?;
                    insert_dotted(&mut table, path, key, value)?;
                }
                _ => return None,
            }
        }
    }
}

/// The scalars most files are made of, read without the decoder (which
/// tries each kind in turn): a decimal integer of digits alone, and a
/// one-line string without escapes. `None` for anything else, decoded.
fn plain_scalar(raw: &str) -> Option<Value> {
    let bytes = raw.as_bytes();
    match bytes.first()? {
        b'0'..=b'9' => {
            let digits = bytes.len() <= 18 && bytes.iter().all(u8::is_ascii_digit);
            // A leading zero is refused by TOML (`07`): left to the decoder.
            (digits && (bytes.len() == 1 || bytes[0] != b'0'))
                .then(|| raw.parse().ok().map(Value::Integer))
                .flatten()
        }
        quote @ (b'"' | b'\'') => {
            let inner = raw
                .strip_prefix(*quote as char)?
                .strip_suffix(*quote as char)?;
            // Tab is the one control character strings may hold; `\`
            // starts an escape in "…"; a third quote makes a multi-line
            // string.
            let plain = bytes.len() >= 2
                && !inner.starts_with(*quote as char)
                && inner.bytes().all(|b| {
                    (b >= 0x20 || b == b'\t') && b != 0x7F && (b != b'\\' || *quote == b'\'')
                });
            plain.then(|| Value::String(CompactString::from(inner)))
        }
        _ => None,
    }
}

/// One step from the root to the table key/value pairs go to: a table, or
/// the last table of an array of tables.
struct Step(usize);

/// The table at the end of `steps` from `root`.
fn follow<'t>(root: &'t mut Building, steps: &[Step]) -> Option<&'t mut Building> {
    let mut table = root;
    for Step(i) in steps {
        table = match &mut table.entries.get_mut(*i)?.value {
            Part::Table(t) => t,
            Part::Tables(ts, _) => ts.last_mut()?,
            Part::Value(_) => return None,
        };
    }
    Some(table)
}

/// `key = value` (or `a.b.key = value`) in `table`: the tables on the way
/// are made, or followed when a dotted key made them; a key given twice,
/// or a dotted key into any other table, is left to toml.
fn insert_dotted(table: &mut Building, path: Vec<Key>, key: Key, value: Node) -> Option<()> {
    let mut table = table;
    for step in &path {
        let i = table.table_on_the_way(step, true);
        table = match &mut table.entries[i].value {
            Part::Table(t) if t.dotted => t,
            _ => return None,
        };
    }
    if table.position(&key.name).is_some() {
        return None;
    }
    table.push(key, Part::Value(value));
    Some(())
}

/// A header `[a.b]` or `[[a.b]]`: the table it opens, made in place, as
/// steps from the root. The tables on the way are made when missing and
/// followed otherwise (into the last table of an array of tables); a table
/// named by a header that exists already (toml may accept it, moving it)
/// is left to toml, and so is anything else.
fn open_table(
    root: &mut Building,
    path: &[Key],
    span: Range<usize>,
    array: bool,
) -> Option<Vec<Step>> {
    let (last, on_the_way) = path.split_last()?;
    let mut steps = Vec::with_capacity(path.len());
    let mut table = root;
    for step in on_the_way {
        let i = table.table_on_the_way(step, false);
        steps.push(Step(i));
        table = match &mut table.entries[i].value {
            Part::Table(t) => t,
            Part::Tables(ts, _) => ts.last_mut()?,
            Part::Value(_) => return None,
        };
    }
    let i = match (table.position(&last.name), array) {
        (None, false) => table.push(last.clone(), Part::Table(Building::new(span, false))),
        (None, true) => table.push(
            last.clone(),
            Part::Tables(vec![Building::new(span.clone(), false)], span),
        ),
        (Some(i), true) => match &mut table.entries[i].value {
            Part::Tables(ts, _) => {
                ts.push(Building::new(span, false));
                i
            }
            _ => return None,
        },
        (Some(_), false) => return None,
    };
    steps.push(Step(i));
    Some(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::node::parse_toml_with_detable;

    /// Whether the builder read `text`, after checking that what it read is
    /// exactly what toml's `DeTable` reads, and that it read nothing toml
    /// refuses.
    fn agrees(text: &str) -> bool {
        let fast = build(FileId(0), text);
        let slow = parse_toml_with_detable(FileId(0), text);
        match (fast, slow) {
            (Some(fast), Ok(slow)) => {
                assert_eq!(fast, slow, "{text:?}");
                true
            }
            (Some(_), Err(e)) => panic!("built a file toml refuses: {text:?}: {e:?}"),
            (None, _) => false,
        }
    }

    /// What the builder reads, one construct at a time.
    #[test]
    fn reads_what_toml_reads() {
        for text in [
            "",
            "# only a comment\n",
            "a = 1",
            "a = 1 # comment\r\nb = 'x'\r\n",
            "\u{feff}a = 1\n",
            "a.b.c = 1\na.b.d = 2\na.e = 3\nf = 4\n",
            "a . b = 1\n\"quoted key\".'literal' = 2\n\"é\\u00e9\" = \"x\\ty\\u00e9\\n\"\n",
            "[a]\n[b]\nx = 1\n",
            "[a.b]\nx = 1\n[a.c]\ny = 2\n[d]\n",
            "[ a . \"b c\" ]\nx = 1\n",
            "[[a]]\nx = 1\n[[a]]\nx = 2\n[a.b]\nc = 1\n[[a.d]]\n[[a.d]]\ne = 1\n",
            "x = { a.b = 1, a.c = 2, d = [1, { e = 2 }], f = {} }\n",
            "x = {\n  a = 1, # TOML 1.1\n  b = 2,\n}\n",
            "s = \"\"\"\nline\\\n  continued\n\"\"\"\nt = '''\nraw \\n\n'''\n",
            "n = [0x1F, 0o17, 0b101, 1_000, +5, -0, 9223372036854775807, 9223372036854775808]\n",
            "f = [3.14, -1e10, 6.02E+23, 1_000.5, inf, -nan]\n",
            "d = [1979-05-27T07:32:00Z, 1979-05-27, 07:32:00, 1979-05-27 07:32:00.5+01:00]\n",
            "a = [\n  1, # one\n  [2, 3],\n\n  'x',\n]\n",
            "b = true\nc = false\n",
            "s = \"\"\nt = ''\nu = 'C:\\dossier'\nv = \"tab\there « é »\"\nw = \"\"\"\"\"\"\n",
            "n = [0, 7, 123456789012345678, 1234567890123456789, 12_3]\n",
            "[a]\nb.c = 1\n[a.b.d]\ne = 2\n",
        ] {
            assert!(agrees(text), "the builder should read {text:?}");
        }
    }

    /// What it leaves to toml: errors, and tables opened again.
    #[test]
    fn leaves_the_rest_to_toml() {
        for text in [
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "a = {}\na.b = 1\n",
            "a = [1]\n[[a]]\n",
            "[[a]]\n[a]\n",
            "a.b = 1\n[a]\n",
            "a.b = 1\n[a.b]\n",
            "[a.b.c]\n[a]\nx = 1\n",
            "[a.b]\n[a]\nb.c = 1\n",
            "a = \n",
            "a = \"unterminated\n",
            "[a\n",
            "a = 1 b = 2\n",
            "x = 1979-13-45\n",
            "x = 07\n",
            "x = \"bell\u{7}\"\n",
            "a = { b = 1, b = 2 }\n",
            "a = { b.c = 1, b = 2 }\n",
            "a = { b = {}, b.c = 1 }\n",
            "a = 1\n[a.b]\n",
            "x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
        ] {
            // Agreeing is all that is asked: toml accepts some of them
            // (moving a table), and `agrees` holds those to it too.
            agrees(text);
        }
        assert!(!agrees("a = 1\na = 2\n"));
        assert!(!agrees("[a.b.c]\n[a]\nx = 1\n"));
        assert!(!agrees("x = 07\n"));
    }

    /// Every TOML file of the repository's examples and tests (a generated
    /// repository's are held to toml in `tests/cli/basics.rs`): the builder
    /// reads them as toml does, and reads nearly all of them.
    #[test]
    fn reads_the_repository_files_as_toml_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut read, mut total) = (0, 0);
        for dir in [root.join("examples"), root.join("tests")] {
            for entry in walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
            {
                if entry.path().extension().is_some_and(|e| e == "toml")
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    total += 1;
                    if agrees(&text) {
                        read += 1;
                    }
                }
            }
        }
        assert!(total > 200, "{total} files");
        assert!(
            read * 10 >= total * 9,
            "the builder read {read} of {total} files"
        );
    }
}
