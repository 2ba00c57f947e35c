//! The Markdown files: a centre's specific part (`centres/ID.md`) and the
//! common text (`base.md`), cut into H2 sections with stable ids.
//!
//! Sections are what the rest of cpo works with: check looks for required,
//! unknown and empty ones, render places them, diff follows them by id when
//! they move or are renumbered. A section's id is its explicit `{#id}` or the
//! slug of its title, so renaming a heading without an explicit id is a new
//! section — which is why the examples give every article an explicit id.
//!
//! Parsing uses comrak's source positions, so headings inside fenced code
//! blocks or HTML are not mistaken for sections.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};
use serde::Deserialize;

use crate::diag::{Diagnostic, FileId, Loc, Rule, SourceFile};
use crate::fr::slug;

/// A part of a text file, read from the file's text rather than copied
/// out of it (the sections of 2 000 centres were 11 MB of copies). It reads
/// as a `&str`.
#[derive(Clone)]
pub struct Slice {
    file: Arc<SourceFile>,
    range: Range<usize>,
}

impl Slice {
    /// `range` of `file`'s text, without the white space around it.
    fn trimmed(file: &Arc<SourceFile>, range: Range<usize>) -> Slice {
        let part = &file.text[range.clone()];
        let start = range.start + (part.len() - part.trim_start().len());
        Slice {
            file: Arc::clone(file),
            range: start..start + part.trim().len(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.file.text[self.range.clone()]
    }
}

impl Default for Slice {
    fn default() -> Slice {
        Slice {
            file: Arc::new(SourceFile::new(String::new(), String::new())),
            range: 0..0,
        }
    }
}

impl Deref for Slice {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Slice {
    fn eq(&self, other: &Slice) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<&str> for Slice {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One H2 section (an article of base.md, a section of a centre's file).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    /// The heading text without `##` and without `{#id}`.
    pub title: String,
    /// Whether the id was written as `{#id}` (rather than derived).
    pub explicit_id: bool,
    /// The Markdown between this heading and the next H2, trimmed.
    pub body: Slice,
    /// The heading line.
    pub loc: Loc,
    /// The body's span in the file, before trimming.
    pub body_span: Range<usize>,
}

/// A Markdown file cut into its parts.
#[derive(Debug, Clone, Default)]
pub struct Text {
    /// `title` of the YAML front matter, if any.
    pub title: Option<String>,
    /// Markdown before the first H2 (a centre's introduction, base.md's préambule).
    pub intro: Slice,
    pub sections: Vec<Section>,
    /// Raw HTML (blocks and inline, not comments) found in the text.
    pub raw_html: Vec<Loc>,
    /// Link destinations, with where they are written.
    pub links: Vec<(String, Loc)>,
    /// Placeholders left to fill in (`TODO`, « À COMPLÉTER »…, see
    /// [`super::placeholders`]) in text a document prints: not in comments.
    pub placeholders: Vec<Loc>,
}

impl Text {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// Keys of a centre file's YAML front matter.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    /// Heading of the centre's specific part in documents.
    title: Option<String>,
}

/// Parse a Markdown file: front matter (when `front_matter` is allowed),
/// introduction, H2 sections. Problems are pushed to `diags`; the result is
/// always usable.
pub fn parse(
    file: FileId,
    shared: &Arc<SourceFile>,
    front_matter: bool,
    diags: &mut Vec<Diagnostic>,
) -> Text {
    let source = shared.text.as_str();
    let mut text = Text::default();
    let mut body_start = 0;
    if front_matter && let Some((yaml, yaml_start, end)) = split_front_matter(source) {
        body_start = end;
        if let Some(title) = plain_title(yaml) {
            text.title = Some(title.to_string());
        } else {
            read_front_matter(file, yaml, yaml_start, &mut text, diags);
        }
        // The title prints as the heading of the centre's part: its
        // placeholders, where they are written (not in YAML comments).
        if text
            .title
            .as_deref()
            .is_some_and(|t| !super::placeholders(t).is_empty())
        {
            let mut line_start = 0;
            for line in yaml.split_inclusive('\n') {
                if !line.trim_start().starts_with('#') {
                    text.placeholders
                        .extend(super::placeholders(line).into_iter().map(|r| {
                            let from = yaml_start + line_start;
                            Loc::new(file, from + r.start..from + r.end)
                        }));
                }
                line_start += line.len();
            }
        }
    }
    let body = &source[body_start..];
    let structure = scan(body);
    let at = |r: Range<usize>| Loc::new(file, body_start + r.start..body_start + r.end);

    let first = structure
        .headings
        .first()
        .map_or(body.len(), |h| h.line.start);
    text.intro = Slice::trimmed(shared, body_start..body_start + first);
    for (i, h) in structure.headings.iter().enumerate() {
        let end = structure
            .headings
            .get(i + 1)
            .map_or(body.len(), |next| next.line.start);
        let body_range = h.body_start.min(end)..end;
        let (title, id) = split_heading_id(&h.text);
        text.sections.push(Section {
            id: id.clone().unwrap_or_else(|| slug(&title)),
            explicit_id: id.is_some(),
            title,
            body: Slice::trimmed(
                shared,
                body_start + body_range.start..body_start + body_range.end,
            ),
            loc: at(h.line.clone()),
            body_span: body_start + body_range.start..body_start + body_range.end,
        });
    }
    if let Some(r) = structure.too_deep.clone() {
        diags.push(
            Diagnostic::new(
                Rule::TooDeep,
                at(r),
                format!("this text nests more than {MAX_NESTING} levels deep (block quotes, lists or emphasis)"),
            )
            .with_help("documents flatten what lies deeper; write it with fewer levels"),
        );
    }
    text.raw_html = structure.raw_html.into_iter().map(at).collect();
    text.links = structure
        .links
        .into_iter()
        .map(|(url, r)| (url, at(r)))
        .collect();
    text.placeholders
        .extend(structure.placeholders.into_iter().map(at));
    text
}

/// The front matter's usual form, one line `title: "…"` without escapes,
/// read without a YAML parser: the parser took a quarter of the time spent
/// on a centre's Markdown. `None` for anything else, which the parser reads.
/// Inside double quotes YAML changes nothing but escapes (`\`) and line
/// breaks, both refused here (a test holds this to the parser).
fn plain_title(yaml: &str) -> Option<&str> {
    let line = yaml
        .strip_suffix('\n')
        .map_or(yaml, |l| l.strip_suffix('\r').unwrap_or(l));
    let value = line.strip_prefix("title: \"")?.trim_end_matches(' ');
    let value = value.strip_suffix('"')?;
    value
        .chars()
        .all(|c| !matches!(c, '"' | '\\' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') && !c.is_control())
        .then_some(value)
}

/// The front matter through the YAML parser; its error, located in the file.
fn read_front_matter(
    file: FileId,
    yaml: &str,
    yaml_start: usize,
    text: &mut Text,
    diags: &mut Vec<Diagnostic>,
) {
    match serde_saphyr::from_str::<Option<FrontMatter>>(yaml) {
        Ok(fm) => text.title = fm.unwrap_or_default().title,
        Err(e) => {
            let offset = e
                .location()
                .map(|l| yaml_start + offset_of(yaml, l.line() as usize, l.column() as usize))
                .unwrap_or(0);
            let message = e.to_string();
            let message = message.lines().next().unwrap_or("invalid YAML");
            // The finding is placed in the file: drop the parser's own
            // `error: line 1 column 8: `, counted in the YAML alone.
            let message = message.strip_prefix("error: ").unwrap_or(message);
            let message = match message.split_once(": ") {
                Some((at, rest)) if at.starts_with("line ") && at.contains(" column ") => rest,
                _ => message,
            }
            .to_string();
            diags.push(
                Diagnostic::new(Rule::FrontMatter, Loc::new(file, offset..offset), message)
                    .with_help("the front matter accepts one key: `title`"),
            );
        }
    }
}

/// Cut generated Markdown (base.md rendered for a centre) into its parts;
/// its problems were reported on the template.
pub fn parse_generated(source: &str) -> Text {
    parse_text(source.to_string(), false)
}

/// Cut a text that is no file of the repository (generated, or an
/// editor's buffer) into its parts; its problems are dropped.
pub fn parse_text(source: String, front_matter: bool) -> Text {
    let file = Arc::new(SourceFile::new(String::new(), source));
    parse(FileId(0), &file, front_matter, &mut Vec::new())
}

/// `---\n...\n---\n` at the very start: (yaml, its offset, offset after the closing line).
fn split_front_matter(source: &str) -> Option<(&str, usize, usize)> {
    // A byte order mark (Windows editors write one) may come first.
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    let (rest, newline) = if let Some(rest) = text.strip_prefix("---\n") {
        (rest, '\n')
    } else if let Some(rest) = text.strip_prefix("---\r\n") {
        (rest, '\n')
    } else {
        // Lines ended by a lone `\r` (old Mac files), as CommonMark allows.
        (text.strip_prefix("---\r")?, '\r')
    };
    let start = source.len() - rest.len();
    let mut offset = start;
    for line in rest.split_inclusive(newline) {
        if line.trim_end() == "---" {
            return Some((&source[start..offset], start, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// Byte offset in `text` of a 1-based line and character column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + col;
        }
        offset += l.len();
    }
    offset
}

/// Split `Title {#id}` into the title and the explicit id.
pub fn split_heading_id(heading: &str) -> (String, Option<String>) {
    let trimmed = heading.trim();
    if let Some(open) = trimmed.rfind("{#")
        && trimmed.ends_with('}')
    {
        let id = &trimmed[open + 2..trimmed.len() - 1];
        if !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return (trimmed[..open].trim_end().to_string(), Some(id.to_string()));
        }
    }
    (trimmed.to_string(), None)
}

struct Heading {
    /// Span of the heading line(s) in the scanned text.
    line: Range<usize>,
    /// Where the section's body starts (after the heading).
    body_start: usize,
    /// Raw heading text (without the `##` marker or setext underline).
    text: String,
}

struct Structure {
    headings: Vec<Heading>,
    raw_html: Vec<Range<usize>>,
    links: Vec<(String, Range<usize>)>,
    placeholders: Vec<Range<usize>>,
    /// The first place nested deeper than [`MAX_NESTING`].
    too_deep: Option<Range<usize>>,
}

/// How deep Markdown may nest (block quotes, lists, emphasis) in a text
/// cpo renders: real documents use three or four levels; documents are
/// written by recursive code, so depth is bounded rather than trusted.
pub const MAX_NESTING: usize = 32;

/// The Markdown dialect of centre and base texts (CommonMark, tables,
/// strikethrough, autolinks): parsing for structure and for documents
/// must agree.
pub(crate) fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o
}

/// Find the top-level H2 headings, raw HTML and links of a Markdown text.
fn scan(text: &str) -> Structure {
    // Lines as CommonMark counts them (comrak's positions): ended by
    // `\n`, `\r\n` or a lone `\r`.
    let bytes = text.as_bytes();
    let mut line_starts = vec![0];
    line_starts.extend(
        memchr::memchr2_iter(b'\n', b'\r', bytes)
            .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| i + 1),
    );
    let offset = |line: usize, col: usize| -> usize {
        let start = line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        (start + col.saturating_sub(1)).min(text.len())
    };
    let line_end = |line: usize| -> usize {
        line_starts
            .get(line)
            .map_or(text.len(), |&next| next)
            .min(text.len())
    };

    let arena = Arena::new();
    let root = parse_document(&arena, text, &options());
    let mut out = Structure {
        headings: Vec::new(),
        raw_html: Vec::new(),
        links: Vec::new(),
        placeholders: Vec::new(),
        too_deep: None,
    };
    // Placeholders anywhere in the source (rare), kept where they lie in
    // text or code a document prints.
    let pending = super::placeholders(text);
    for node in root.children() {
        let data = node.data();
        if let NodeValue::Heading(h) = &data.value
            && h.level == 2
        {
            let pos = data.sourcepos;
            let start = offset(pos.start.line, 1);
            let first_line = &text[start..line_end(pos.start.line)];
            let raw = if h.setext {
                first_line.trim().to_string()
            } else {
                let t = first_line.trim().trim_start_matches('#').trim();
                // An ATX heading may close with a run of `#`.
                let t = t.trim_end_matches(['#', ' ']);
                if t.is_empty() {
                    first_line.trim().trim_start_matches('#').trim()
                } else {
                    t
                }
                .to_string()
            };
            let end = line_end(pos.end.line);
            out.headings.push(Heading {
                line: start..line_end(pos.start.line).max(start),
                body_start: end,
                text: raw,
            });
        }
    }
    // Depth with an explicit counter over the traversal's edges: no
    // recursion, whatever the input.
    let mut depth = 0usize;
    for edge in root.traverse() {
        match edge {
            comrak::arena_tree::NodeEdge::Start(node) => {
                depth += 1;
                if depth > MAX_NESTING + 1 && out.too_deep.is_none() {
                    let pos = node.data().sourcepos;
                    let at = offset(pos.start.line, pos.start.column);
                    out.too_deep = Some(at..at);
                }
            }
            comrak::arena_tree::NodeEdge::End(_) => depth = depth.saturating_sub(1),
        }
    }
    for node in root.descendants() {
        let data = node.data();
        let pos = data.sourcepos;
        let span =
            || offset(pos.start.line, pos.start.column)..offset(pos.end.line, pos.end.column + 1);
        match &data.value {
            NodeValue::HtmlBlock(b) if !is_comment(&b.literal) => out.raw_html.push(span()),
            NodeValue::HtmlInline(s) if !is_comment(s) => out.raw_html.push(span()),
            NodeValue::Link(link) | NodeValue::Image(link) => {
                out.links.push((link.url.to_string(), span()))
            }
            NodeValue::Text(_) | NodeValue::Code(_) | NodeValue::CodeBlock(_)
                if !pending.is_empty() =>
            {
                // `pending` is in order: a binary search, then the few
                // within this node (a text of nothing but placeholders
                // stays linear).
                let mut within = span();
                if let NodeValue::CodeBlock(b) = &data.value
                    && b.fenced
                {
                    // The opening fence and its info string print nothing.
                    within.start = within.start.max(line_end(pos.start.line));
                }
                let from = pending.partition_point(|r| r.start < within.start);
                // « À » at the end of a line and « COMPLÉTER » on the next
                // are two texts of one paragraph: kept with the first, if
                // it ends in the paragraph (not in the paragraph after a
                // heading).
                let paragraph_end = match &data.value {
                    NodeValue::Text(_) => node
                        .ancestors()
                        .find(|a| matches!(a.data().value, NodeValue::Paragraph))
                        .map(|p| {
                            let pos = p.data().sourcepos;
                            offset(pos.end.line, pos.end.column + 1)
                        }),
                    _ => None,
                }
                .unwrap_or(within.end);
                out.placeholders.extend(
                    pending[from..]
                        .iter()
                        .take_while(|r| r.start < within.end)
                        .filter(|r| r.end <= within.end.max(paragraph_end))
                        .cloned(),
                );
            }
            _ => {}
        }
    }
    out.placeholders.sort_by_key(|r| r.start);
    out.placeholders.dedup();
    // Trailing `\n` of heading lines are not part of the heading.
    for h in &mut out.headings {
        let t = &text[h.line.clone()];
        h.line.end = h.line.start + t.trim_end().len();
    }
    out
}

/// Whether raw HTML is only a comment (a note to editors, dropped).
pub(crate) fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

/// Whether a section body holds nothing but whitespace and HTML comments.
pub fn is_blank(body: &str) -> bool {
    let mut rest = body.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            None => return true,
        }
    }
    rest.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(source: &str, diags: &mut Vec<Diagnostic>) -> Text {
        let file = Arc::new(SourceFile::new(String::new(), source.to_string()));
        parse(FileId(0), &file, true, diags)
    }

    const CENTRE: &str = "---\ntitle: \"Projet de Beaulieu\"\n---\nIntro.\n\n## Diagnostic du territoire {#diagnostic}\n\nLe quartier.\n\n```\n## not a heading\n```\n\n## Plan d'action\n\n- agir <b>fort</b>\n\n## Partenariats\n\n<!-- à compléter -->\n";

    /// The front matter read without the YAML parser reads as the parser
    /// does; what it cannot read exactly goes to the parser.
    #[test]
    fn plain_titles_read_as_yaml_reads_them() {
        let titles = [
            "Projet de Beaulieu",
            "Projet social : Centre d'animation de Beaulieu",
            "",
            " espaces autour ",
            "# pas un commentaire",
            "a: b, [c] {d} & *e !f | > % @ `g`",
            "n° 12\u{a0}€ – « élan » 😀",
            "tab\there",
            "a \\\" b",
            "a\\nb",
            "bom\u{feff}",
            "nel\u{85}",
            "del\u{7f}",
        ];
        let mut fast = 0;
        for title in titles {
            for yaml in [
                format!("title: \"{title}\"\n"),
                format!("title: \"{title}\"  \r\n"),
                format!("title: \"{title}\"\r"),
                format!("title: \"{title}\" # note\n"),
                format!("title:  \"{title}\"\n"),
                format!("title: \"{title}\"\nother: 1\n"),
            ] {
                let parsed = serde_saphyr::from_str::<Option<FrontMatter>>(&yaml)
                    .ok()
                    .map(|fm| fm.unwrap_or_default().title);
                if let Some(plain) = plain_title(&yaml) {
                    fast += 1;
                    assert_eq!(parsed, Some(Some(plain.to_string())), "{yaml:?}");
                }
            }
        }
        assert_eq!(fast, 14, "the usual forms are read without the parser");
    }

    #[test]
    fn placeholders_in_printed_text_only_and_in_linear_time() {
        let text = parse_text(
            "## A\n\nTODO here, `XXX` in code, <!-- TODO not here --> and\n\n```TODO\nÀ COMPLÉTER\n```\n"
                .into(),
            false,
        );
        let found: Vec<_> = text.placeholders.iter().map(|l| l.span().start).collect();
        assert_eq!(found, [6, 18, 68]);
        // The front matter's title prints too; a YAML comment does not.
        let text = parse_text(
            "---\n# TODO: a note\ntitle: \"Projet XXX\"\n---\nTexte.\n".into(),
            true,
        );
        let found: Vec<_> = text.placeholders.iter().map(|l| l.span().start).collect();
        assert_eq!(found, [34]);
        // « À » ending a line, « COMPLÉTER » starting the next: one
        // paragraph, one placeholder (not across paragraphs).
        let text = parse_text(
            "Montant : À\nCOMPLÉTER.\n\nÀ\n\nCOMPLÉTER\n\n### Scénario A\nCOMPLÉTER LES FORMULAIRES.\n"
                .into(),
            false,
        );
        let found: Vec<_> = text
            .placeholders
            .iter()
            .map(|l| (l.span().start, l.span().end))
            .collect();
        assert_eq!(found, [(10, 23)]);
        // A text of nothing but placeholders: each is matched to its node
        // by a binary search (this took minutes when every node went
        // through the whole list).
        let many = "XXX\n".repeat(50_000);
        let text = parse_text(many, false);
        assert_eq!(text.placeholders.len(), 50_000);
        assert!(
            text.placeholders
                .windows(2)
                .all(|w| w[0].span().start < w[1].span().start)
        );
    }

    #[test]
    fn sections_ids_and_bodies() {
        let mut diags = vec![];
        let t = parse_str(CENTRE, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(t.title.as_deref(), Some("Projet de Beaulieu"));
        assert_eq!(t.intro, "Intro.");
        let ids: Vec<_> = t.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["diagnostic", "plan-action", "partenariats"]);
        assert!(t.sections[0].explicit_id);
        assert_eq!(t.sections[0].title, "Diagnostic du territoire");
        assert!(t.sections[0].body.contains("## not a heading"));
        assert_eq!(&CENTRE[t.sections[1].loc.span()], "## Plan d'action");
        assert!(is_blank(&t.sections[2].body));
        assert_eq!(t.raw_html.len(), 2, "inline <b> and </b>, not the comment");
    }

    #[test]
    fn bad_front_matter_is_located() {
        let mut diags = vec![];
        let src = "---\ntitle: [unclosed\n---\n## A\n";
        let t = parse_str(src, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].rule, Rule::FrontMatter);
        assert!(!diags[0].message.contains("line 1"), "{}", diags[0].message);
        assert_eq!(t.sections.len(), 1);

        let mut diags = vec![];
        parse_str("---\ntitel: x\n---\n", &mut diags);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("titel"), "{}", diags[0].message);
    }

    #[test]
    fn front_matter_after_a_byte_order_mark() {
        let mut diags = vec![];
        for src in [
            format!("\u{feff}{CENTRE}"),
            format!("\u{feff}{}", CENTRE.replace('\n', "\r\n")),
        ] {
            let t = parse_str(&src, &mut diags);
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(t.title.as_deref(), Some("Projet de Beaulieu"));
            assert_eq!(t.sections[0].id, "diagnostic");
        }
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let mut diags = vec![];
        let t = parse_str(&CENTRE.replace('\n', "\r"), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(t.title.as_deref(), Some("Projet de Beaulieu"));
        let ids: Vec<_> = t.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["diagnostic", "plan-action", "partenariats"]);
    }

    #[test]
    fn heading_ids() {
        assert_eq!(
            split_heading_id("Objet {#objet}"),
            ("Objet".to_string(), Some("objet".to_string()))
        );
        assert_eq!(split_heading_id("Objet"), ("Objet".to_string(), None));
    }
}
