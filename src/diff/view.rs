//! The report for its readers: a [`Page`] of preformatted French strings
//! built from a [`Report`], for the theme's templates `diff.html`
//! (autoescaped HTML) and `diff.md` (escaped for Markdown), which a
//! repository overrides from its `templates/` like the other pages
//! (`pipeline::diff_report` renders them).
//!
//! Every decision about wording is taken here, once, so that the two
//! templates (and a user's override) only lay out: articles are named
//! « Article 6 – Modalités de versement », centres and funders by name,
//! amounts in euros with their gap in euros and percent (two decimals),
//! years of consecutive periods as « 1re année (2018 → 2022) », and French
//! typography applied to every text. Text changes come as paragraphs of
//! lines of pieces (`same`, `ins`, `del`), a mark never straddling a line,
//! so a template can mark them in any language.

use std::cell::RefCell;
use std::collections::HashMap;

use rayon::prelude::*;

use rust_decimal::Decimal;
use serde::Serialize;

use super::labels::{percent, signed_euros, year_of_period};
use super::text::{Move, Run, has_changes};
use super::{
    ArticleReport, CentreReport, DataChange, Delta, FundingCell, ObjectiveReport, Report,
    SectionReport, Status,
};
use crate::fr;
use crate::fr::typography::{self, Options};

/// What the report templates see (`templates/diff.html`, rendered with
/// HTML escaping, and `templates/diff.md`, with Markdown escaping, by the
/// pipeline's theme: `diff` and `render` are peers).
#[derive(Debug, Serialize)]
pub struct Page {
    /// « Comparaison des conventions 2018-2021 et 2022-2025 »
    pub title: String,
    pub from: SidePage,
    pub to: SidePage,
    /// How the common text is shown (placeholders, or for a centre).
    pub reading: String,
    /// Whether anything differs.
    pub changed: bool,
    pub summary: SummaryPage,
    /// The tableau comparatif of the common text, by article.
    pub articles: Vec<ArticlePage>,
    /// Paragraphs that left one article for another.
    pub moves: Vec<MovePage>,
    /// base.toml changes.
    pub data: Vec<DataRow>,
    /// Centres that changed, were added, removed or renamed.
    pub centres: Vec<CentrePage>,
}

#[derive(Debug, Serialize)]
pub struct SidePage {
    pub label: String,
    /// « copie de travail », « révision v2022 »
    pub origin: String,
    pub years: usize,
    /// « période 2018-2021 (copie de travail, 4 ans) »
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct SummaryPage {
    /// Centre names.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// « Maison de quartier SEVE (anciennement Maison de quartier de Saint-Éloi) »
    pub renamed: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    /// Funding per funder, then the total.
    pub funding: Vec<DeltaRow>,
    pub total: DeltaRow,
}

/// Both sides' money and its gap, also per year on average.
#[derive(Debug, Serialize)]
pub struct DeltaRow {
    pub name: String,
    pub from: String,
    pub to: String,
    /// « +24 451,50 € »
    pub gap: String,
    /// « +4,72 % », or « n.s. » from zero.
    pub percent: String,
    pub from_per_year: String,
    pub to_per_year: String,
    pub per_year_gap: String,
    pub per_year_percent: String,
    /// `up`, `down` or `same`, for colours.
    pub trend: &'static str,
}

/// A piece of text: unchanged (`same`), inserted (`ins`) or deleted (`del`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Piece {
    pub kind: &'static str,
    pub text: String,
}

/// A line of pieces; a paragraph is a list of lines.
pub type Line = Vec<Piece>;
pub type Paragraph = Vec<Line>;

#[derive(Debug, Serialize)]
pub struct ArticlePage {
    /// For anchors.
    pub id: String,
    /// « Article 6 – Modalités de versement », absent on the side that
    /// does not have it.
    pub from_heading: Option<String>,
    pub to_heading: Option<String>,
    /// The newer heading, else the older one.
    pub heading: String,
    /// `unchanged`, `modified`, `added`, `removed`, `renumbered`, `moved`.
    pub status: &'static str,
    /// « (modifié) », « (déplacé et modifié) », « (nouveau) »…
    pub marker: String,
    /// Whether the words changed (not only the number or the place).
    pub changed: bool,
    /// The whole text on each side, changes marked.
    pub from: Vec<Paragraph>,
    pub to: Vec<Paragraph>,
    /// The changes on one line, long unchanged stretches shortened
    /// (Markdown, terminal).
    pub inline: Line,
}

#[derive(Debug, Serialize)]
pub struct MovePage {
    /// « Article 8 – Communication → Article 8 – Autres engagements »
    pub title: String,
    pub from_heading: String,
    pub to_heading: String,
    pub from: Vec<Paragraph>,
    pub to: Vec<Paragraph>,
    pub inline: Line,
}

/// One data change, in French.
#[derive(Debug, Serialize)]
pub struct DataRow {
    pub label: String,
    pub from: String,
    pub to: String,
    pub gap: Option<String>,
    /// « Budget 2023 – 64 Charges de personnel : 517 517 € → 541 968,50 € (+24 451,50 €, +4,72 %) »
    pub line: String,
}

#[derive(Debug, Serialize)]
pub struct CentrePage {
    pub id: String,
    /// The name, and the former one when it changed.
    pub name: String,
    pub status: &'static str,
    pub marker: String,
    /// Funding cells that differ.
    pub funding: Vec<FundingRow>,
    /// Per funder, both sides' totals.
    pub totals: Vec<DeltaRow>,
    pub objectives: Vec<ObjectivePage>,
    pub sections: Vec<SectionPage>,
    pub moves: Vec<MovePage>,
    pub data: Vec<DataRow>,
}

#[derive(Debug, Serialize)]
pub struct FundingRow {
    pub funder: String,
    /// « 2023 », or « 1re année (2018 → 2022) » across periods.
    pub year: String,
    pub from: String,
    pub to: String,
    pub gap: String,
    pub percent: String,
    pub trend: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ObjectivePage {
    pub title: String,
    pub status: &'static str,
    pub marker: String,
    pub changes: Vec<DataRow>,
}

#[derive(Debug, Serialize)]
pub struct SectionPage {
    /// Its title (« Ancien titre → Nouveau titre » when renamed).
    pub title: String,
    pub status: &'static str,
    pub marker: String,
    pub from: Vec<Paragraph>,
    pub to: Vec<Paragraph>,
    pub inline: Line,
}

/// French typography on a text of the page. Labels, names and amounts
/// repeat from centre to centre, so each thread remembers what it typeset.
fn typeset(text: &str) -> String {
    thread_local! {
        static DONE: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    DONE.with(|done| {
        let mut done = done.borrow_mut();
        if let Some(t) = done.get(text) {
            return t.clone();
        }
        let t = typography::apply_str(text, &Options::default());
        if done.len() > 50_000 {
            done.clear();
        }
        done.insert(text.to_string(), t.clone());
        t
    })
}

/// The French word of a status, as in a tableau comparatif.
pub fn status_fr(s: Status) -> &'static str {
    match s {
        Status::Unchanged => "non modifié",
        Status::Modified => "modifié",
        Status::Added => "nouveau",
        Status::Removed => "supprimé",
        Status::Renumbered => "renuméroté",
        Status::Moved => "déplacé",
        Status::Renamed => "renommé",
    }
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::Unchanged => "unchanged",
        Status::Modified => "modified",
        Status::Added => "added",
        Status::Removed => "removed",
        Status::Renumbered => "renumbered",
        Status::Moved => "moved",
        Status::Renamed => "renamed",
    }
}

fn marker(s: Status) -> String {
    format!("({})", status_fr(s))
}

/// « Article 1er – Objet de la convention »
pub fn article_heading(number: usize, title: &str) -> String {
    let n = if number == 1 {
        fr::wording::ordinal(1)
    } else {
        number.to_string()
    };
    typeset(&format!("Article {n} – {title}"))
}

fn percent_or_ns(p: Option<Decimal>) -> String {
    p.map_or_else(|| "n.s.".to_string(), percent)
}

fn trend(d: Decimal) -> &'static str {
    if d.is_zero() {
        "same"
    } else if d.is_sign_negative() {
        "down"
    } else {
        "up"
    }
}

fn delta_row(d: &Delta) -> DeltaRow {
    DeltaRow {
        name: typeset(&d.name),
        from: fr::euros(&d.from),
        to: fr::euros(&d.to),
        gap: signed_euros(d.euros),
        percent: percent_or_ns(d.percent),
        from_per_year: fr::euros(&d.from_per_year),
        to_per_year: fr::euros(&d.to_per_year),
        per_year_gap: signed_euros(d.per_year_euros),
        per_year_percent: percent_or_ns(d.per_year_percent),
        trend: trend(d.euros),
    }
}

fn data_row(c: &DataChange) -> DataRow {
    let label = typeset(&c.label);
    let from = typeset(&c.from_text);
    let to = typeset(&c.to_text);
    let gap = c.gap.as_deref().map(typeset);
    // The parts are typeset; the colon gets its no-break space here.
    let line = match &gap {
        Some(g) => format!("{label}\u{A0}: {from} → {to} ({g})"),
        None => format!("{label}\u{A0}: {from} → {to}"),
    };
    DataRow {
        line,
        label,
        from,
        to,
        gap,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    From,
    To,
}

/// One side of word runs as paragraphs of lines of pieces.
fn side_paragraphs(runs: &[Run], side: Side) -> Vec<Paragraph> {
    let mut pieces: Vec<(&'static str, &str)> = Vec::new();
    for r in runs {
        match (r, side) {
            (Run::Equal { text }, _) => pieces.push(("same", text)),
            (Run::Delete { text }, Side::From) | (Run::Replace { from: text, .. }, Side::From) => {
                pieces.push(("del", text));
            }
            (Run::Insert { text }, Side::To) | (Run::Replace { to: text, .. }, Side::To) => {
                pieces.push(("ins", text));
            }
            (Run::Delete { .. }, Side::To) | (Run::Insert { .. }, Side::From) => {}
        }
    }
    layout(&pieces)
}

/// Plain text as paragraphs of one unchanged piece per line.
fn plain_paragraphs(text: &str) -> Vec<Paragraph> {
    layout(&[("same", text)])
}

/// Cut pieces at line breaks: one break starts a line, a blank line a
/// paragraph. Marked pieces keep their surrounding spaces outside the mark.
fn layout(pieces: &[(&'static str, &str)]) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut lines: Vec<Line> = vec![Vec::new()];
    let mut breaks = 0usize;
    let push = |lines: &mut Vec<Line>, kind: &'static str, text: &str| {
        let line = lines.last_mut().expect("one line at least");
        let mut add = |kind: &'static str, text: &str| {
            if text.is_empty() {
                return;
            }
            match line.last_mut() {
                Some(p) if p.kind == kind && kind == "same" => p.text.push_str(text),
                _ => line.push(Piece {
                    kind,
                    text: text.to_string(),
                }),
            }
        };
        if kind == "same" {
            add(kind, text);
            return;
        }
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len().max(start);
        add("same", &text[..start]);
        add(kind, &text[start..end]);
        add("same", &text[end..]);
    };
    for (kind, text) in pieces {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                breaks += 1;
            }
            if part.trim().is_empty() && i > 0 {
                continue;
            }
            if breaks == 1 {
                lines.push(Vec::new());
            } else if breaks > 1 {
                flush(&mut paragraphs, &mut lines);
            }
            breaks = 0;
            let part = if lines.last().is_some_and(Vec::is_empty) {
                part.trim_start()
            } else {
                part
            };
            push(&mut lines, kind, part);
        }
    }
    flush(&mut paragraphs, &mut lines);
    paragraphs
}

fn flush(paragraphs: &mut Vec<Paragraph>, lines: &mut Vec<Line>) {
    let done: Vec<Line> = std::mem::replace(lines, vec![Vec::new()])
        .into_iter()
        .filter(|l| l.iter().any(|p| !p.text.trim().is_empty()))
        .collect();
    if !done.is_empty() {
        paragraphs.push(done);
    }
}

/// Long unchanged stretches shortened to their ends, for reading changes,
/// cut between words.
pub fn context(text: &str) -> String {
    const KEEP: usize = 60;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 * KEEP + 10 {
        return text.to_string();
    }
    let mut head = KEEP;
    while head > KEEP / 2 && !chars[head].is_whitespace() {
        head -= 1;
    }
    let mut tail = chars.len() - KEEP;
    while tail < chars.len() - KEEP / 2 && !chars[tail - 1].is_whitespace() {
        tail += 1;
    }
    let head: String = chars[..head].iter().collect();
    let tail: String = chars[tail..].iter().collect();
    format!("{} […] {}", head.trim_end(), tail.trim_start())
}

/// The changes on one line: deletions then insertions, unchanged text
/// shortened.
fn inline(runs: &[Run]) -> Line {
    let mut pieces: Vec<(&'static str, String)> = Vec::new();
    for r in runs {
        match r {
            Run::Equal { text } => pieces.push(("same", context(text))),
            Run::Delete { text } => pieces.push(("del", text.clone())),
            Run::Insert { text } => pieces.push(("ins", text.clone())),
            Run::Replace { from, to } => {
                pieces.push(("del", from.trim_end().to_string()));
                pieces.push(("same", " ".to_string()));
                pieces.push(("ins", to.trim_start().to_string()));
            }
        }
    }
    let flat: Vec<(&'static str, String)> =
        pieces.into_iter().map(|(k, t)| (k, one_line(&t))).collect();
    let refs: Vec<(&'static str, &str)> = flat.iter().map(|(k, t)| (*k, t.as_str())).collect();
    layout(&refs)
        .into_iter()
        .flatten()
        .flatten()
        .collect::<Vec<_>>()
}

/// Line breaks as spaces, runs of spaces as one.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c == '\n' { ' ' } else { c };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}

impl Page {
    /// The page of a report.
    pub fn of(r: &Report) -> Page {
        let names: HashMap<&str, &CentreReport> =
            r.centres.iter().map(|c| (c.id.as_str(), c)).collect();
        let name_of = |id: &String| -> String {
            names
                .get(id.as_str())
                .map_or_else(|| id.clone(), |c| typeset(&c.name))
        };
        let c = &r.summary.centres;
        let summary = SummaryPage {
            added: c.added.iter().map(name_of).collect(),
            removed: c.removed.iter().map(name_of).collect(),
            renamed: c
                .renamed
                .iter()
                .map(|x| {
                    names
                        .get(x.to.as_str())
                        .map_or_else(|| x.to.clone(), |c| centre_name(c))
                })
                .collect(),
            changed: c.changed.iter().map(name_of).collect(),
            unchanged: c.unchanged.iter().map(name_of).collect(),
            funding: r.summary.funding.funders.iter().map(delta_row).collect(),
            total: delta_row(&r.summary.funding.total),
        };
        let side = |s: &super::SideInfo| SidePage {
            label: s.label.clone(),
            origin: s.origin_fr.clone(),
            years: s.years,
            description: typeset(&format!(
                "période {} ({}, {} an{})",
                s.label,
                s.origin_fr,
                s.years,
                if s.years > 1 { "s" } else { "" }
            )),
        };
        let headings: HashMap<&str, &ArticleReport> =
            r.base.articles.iter().map(|a| (a.id.as_str(), a)).collect();
        let article_of = |id: &str, newer: bool| -> String {
            headings.get(id).map_or_else(
                || id.to_string(),
                |a| {
                    let (n, t) = if newer {
                        (
                            a.to_number.or(a.from_number),
                            a.to_title.as_ref().or(a.from_title.as_ref()),
                        )
                    } else {
                        (
                            a.from_number.or(a.to_number),
                            a.from_title.as_ref().or(a.to_title.as_ref()),
                        )
                    };
                    article_heading(n.unwrap_or(0), t.map_or("", String::as_str))
                },
            )
        };
        let moves = r
            .base
            .moves
            .iter()
            .map(|m| move_page(m, &article_of(&m.from, false), &article_of(&m.to, true)))
            .collect();
        Page {
            title: typeset(&format!(
                "Comparaison des conventions {} et {}",
                r.from.label, r.to.label
            )),
            from: side(&r.from),
            to: side(&r.to),
            reading: reading_sentence(r),
            changed: r.summary.changed,
            summary,
            articles: r.base.articles.iter().map(article_page).collect(),
            moves,
            data: r.base.data.iter().map(data_row).collect(),
            centres: r
                .centres
                .par_iter()
                .filter(|c| c.status != Status::Unchanged)
                .map(centre_page)
                .collect(),
        }
    }
}

fn reading_sentence(r: &Report) -> String {
    let reading = &r.base.reading;
    let the = reading.centre_the.clone().unwrap_or_default();
    let de = reading.centre_de.clone().unwrap_or_default();
    typeset(&match reading.mode {
        "centre" => format!("Le socle commun est comparé tel qu'il est rédigé pour {the}."),
        "placeholders" => format!(
            "Le socle commun est comparé tel qu'il est rédigé, les données propres à chaque centre étant remplacées par leur désignation entre crochets (« [nom du centre] ») ; les passages conditionnels sont ceux de la convention {de}."
        ),
        _ => "Le socle commun est comparé sur son texte source, les données de chaque centre remplacées par leur désignation entre crochets.".to_string(),
    })
}

fn centre_name(c: &CentreReport) -> String {
    let name = match (&c.former_name, &c.renamed_from) {
        (Some(former), _) => format!("{} (anciennement {former})", c.name),
        (None, Some(id)) => format!("{} (anciennement {id})", c.name),
        (None, None) => c.name.clone(),
    };
    typeset(&name)
}

fn article_page(a: &ArticleReport) -> ArticlePage {
    let from_heading = a
        .from_title
        .as_deref()
        .map(|t| article_heading(a.from_number.unwrap_or(0), t));
    let to_heading = a
        .to_title
        .as_deref()
        .map(|t| article_heading(a.to_number.unwrap_or(0), t));
    let marker = match a.status {
        Status::Moved if a.modified => "(déplacé et modifié)".to_string(),
        Status::Renumbered if a.modified => "(renuméroté et modifié)".to_string(),
        s => marker(s),
    };
    let changed = has_changes(&a.changes);
    let (from, to) = match a.status {
        Status::Added => (
            Vec::new(),
            plain_paragraphs(a.to_text.as_deref().unwrap_or("")),
        ),
        Status::Removed => (
            plain_paragraphs(a.from_text.as_deref().unwrap_or("")),
            Vec::new(),
        ),
        _ if changed => (
            side_paragraphs(&a.changes, Side::From),
            side_paragraphs(&a.changes, Side::To),
        ),
        _ => (
            plain_paragraphs(a.from_text.as_deref().unwrap_or("")),
            plain_paragraphs(a.to_text.as_deref().unwrap_or("")),
        ),
    };
    ArticlePage {
        id: a.id.clone(),
        heading: to_heading
            .clone()
            .or_else(|| from_heading.clone())
            .unwrap_or_default(),
        from_heading,
        to_heading,
        status: status_key(a.status),
        marker,
        changed,
        from,
        to,
        inline: if changed {
            inline(&a.changes)
        } else {
            Vec::new()
        },
    }
}

fn move_page(m: &Move, from_heading: &str, to_heading: &str) -> MovePage {
    MovePage {
        title: typeset(&format!("{from_heading} → {to_heading}")),
        from_heading: typeset(from_heading),
        to_heading: typeset(to_heading),
        from: side_paragraphs(&m.changes, Side::From),
        to: side_paragraphs(&m.changes, Side::To),
        inline: inline(&m.changes),
    }
}

fn year_cell(f: &FundingCell) -> String {
    match (f.from_year, f.to_year) {
        (Some(a), Some(b)) if a != b => {
            format!("{} ({a} → {b})", year_of_period(f.year_index as i32))
        }
        (a, b) => b.or(a).map_or(String::new(), |y| y.to_string()),
    }
}

fn funding_row(f: &FundingCell) -> FundingRow {
    FundingRow {
        funder: typeset(&f.funder_name),
        year: year_cell(f),
        from: f.from.map_or_else(|| "—".to_string(), |d| fr::euros(&d)),
        to: f.to.map_or_else(|| "—".to_string(), |d| fr::euros(&d)),
        gap: signed_euros(f.euros),
        percent: percent_or_ns(f.percent),
        trend: trend(f.euros),
    }
}

fn objective_page(o: &ObjectiveReport) -> ObjectivePage {
    ObjectivePage {
        title: typeset(o.title()),
        status: status_key(o.status),
        marker: marker(o.status),
        changes: o.changes.iter().map(data_row).collect(),
    }
}

fn section_page(s: &SectionReport) -> SectionPage {
    let title = match (&s.from_title, &s.to_title) {
        (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
        _ => s.title().to_string(),
    };
    SectionPage {
        title: typeset(&title),
        status: status_key(s.status),
        marker: marker(s.status),
        from: side_paragraphs(&s.changes, Side::From),
        to: side_paragraphs(&s.changes, Side::To),
        inline: if has_changes(&s.changes) {
            inline(&s.changes)
        } else {
            Vec::new()
        },
    }
}

fn centre_page(c: &CentreReport) -> CentrePage {
    let titles: HashMap<&str, &SectionReport> =
        c.sections.iter().map(|s| (s.id.as_str(), s)).collect();
    let section_title = |id: &str, newer: bool| -> String {
        titles.get(id).map_or_else(
            || id.to_string(),
            |s| {
                let t = if newer {
                    s.to_title.as_ref().or(s.from_title.as_ref())
                } else {
                    s.from_title.as_ref().or(s.to_title.as_ref())
                };
                t.cloned().unwrap_or_default()
            },
        )
    };
    let (note_status, marker_text) = (status_key(c.status), marker(c.status));
    CentrePage {
        id: c.id.clone(),
        name: centre_name(c),
        status: note_status,
        marker: marker_text,
        funding: c.funding.iter().map(funding_row).collect(),
        totals: if c.funding.is_empty() {
            Vec::new()
        } else {
            c.funding_totals.iter().map(delta_row).collect()
        },
        objectives: c
            .objectives
            .iter()
            .filter(|o| o.status != Status::Unchanged)
            .map(objective_page)
            .collect(),
        sections: c
            .sections
            .iter()
            .filter(|s| s.status != Status::Unchanged)
            .map(section_page)
            .collect(),
        moves: c
            .moves
            .iter()
            .map(|m| {
                move_page(
                    m,
                    &section_title(&m.from, false),
                    &section_title(&m.to, true),
                )
            })
            .collect(),
        data: c.data.iter().map(data_row).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &[Paragraph]) -> Vec<Vec<Vec<(&str, &str)>>> {
        p.iter()
            .map(|para| {
                para.iter()
                    .map(|l| l.iter().map(|x| (x.kind, x.text.as_str())).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn marks_never_straddle_lines_and_keep_spaces_outside() {
        let runs = vec![
            Run::Equal {
                text: "Un deux".into(),
            },
            Run::Replace {
                from: " trois\nquatre ".into(),
                to: " cinq ".into(),
            },
            Run::Equal {
                text: "six.\n\nSept.".into(),
            },
        ];
        assert_eq!(
            texts(&side_paragraphs(&runs, Side::From)),
            vec![
                vec![
                    vec![("same", "Un deux "), ("del", "trois")],
                    vec![("del", "quatre"), ("same", " six.")],
                ],
                vec![vec![("same", "Sept.")]],
            ]
        );
        assert_eq!(
            texts(&side_paragraphs(&runs, Side::To)),
            vec![
                vec![vec![
                    ("same", "Un deux "),
                    ("ins", "cinq"),
                    ("same", " six.")
                ]],
                vec![vec![("same", "Sept.")]],
            ]
        );
    }

    #[test]
    fn articles_are_named_with_number_and_title() {
        assert_eq!(
            article_heading(6, "Modalités de versement"),
            "Article 6 – Modalités de versement"
        );
        assert_eq!(article_heading(1, "Objet"), "Article 1er – Objet");
    }
}
