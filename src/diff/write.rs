//! Writers of a diff [`Report`]: terminal, Markdown, HTML, JSON. They only
//! format; every decision about what changed was taken in `compare`.

use std::fmt::Write;

use rust_decimal::Decimal;
use serde_json::Value;

use super::text::{Move, Run};
use super::{ArticleReport, CentreReport, DataChange, Delta, Report, Status};
use crate::escape::html as escape;
use crate::fr;

fn euros(d: Decimal) -> String {
    fr::euros(&d)
}

fn signed_euros(d: Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{}", euros(d))
    } else {
        euros(d)
    }
}

fn pct(p: Option<Decimal>) -> String {
    match p {
        Some(p) => {
            let s = fr::number(&p);
            if p.is_sign_positive() && !p.is_zero() {
                format!("+{s} %")
            } else {
                format!("{s} %")
            }
        }
        None => "n.s.".to_string(),
    }
}

/// The French word for a status, as in a tableau comparatif.
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

/// A value for people: an entry by its title or name, a string as is.
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "∅".to_string(),
        Value::String(s) => s.clone(),
        Value::Object(m) => match m
            .get("title")
            .or_else(|| m.get("name"))
            .and_then(Value::as_str)
        {
            Some(t) => format!("« {t} »"),
            None => v.to_string(),
        },
        v => v.to_string(),
    }
}

/// Long unchanged stretches shortened to their ends, for reading changes.
fn context(text: &str) -> String {
    const KEEP: usize = 60;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 * KEEP + 10 {
        return text.to_string();
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head} […] {tail}")
}

fn year_cell(f: &super::FundingCell) -> String {
    match (f.from_year, f.to_year) {
        (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
        (a, b) => b.or(a).map_or(String::new(), |y| y.to_string()),
    }
}

fn article_label(a: &ArticleReport) -> String {
    match (a.from_number, a.to_number) {
        (Some(f), Some(t)) if f != t => format!("art. {f} → {t}"),
        (_, Some(t)) => format!("art. {t}"),
        (Some(f), None) => format!("art. {f}"),
        (None, None) => String::new(),
    }
}

// ---------------------------------------------------------------- Markdown

/// `text` between `open` and `close`, its surrounding spaces kept outside
/// (Markdown emphasis cannot start or end with a space).
fn wrap(open: &str, close: &str, text: &str) -> String {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    if start == end {
        return text.to_string();
    }
    format!(
        "{}{open}{}{close}{}",
        &text[..start],
        &text[start..end],
        &text[end..]
    )
}

fn md_runs(runs: &[Run]) -> String {
    let esc = crate::escape::markdown_text;
    let mut out = String::new();
    for r in runs {
        match r {
            Run::Equal { text } => out.push_str(&esc(&context(text))),
            Run::Delete { text } => out.push_str(&wrap("~~", "~~", &esc(text))),
            Run::Insert { text } => out.push_str(&wrap("**", "**", &esc(text))),
            Run::Replace { from, to } => {
                out.push_str(&wrap("~~", "~~", &esc(from.trim_end())));
                out.push(' ');
                out.push_str(wrap("**", "**", &esc(to)).trim_start());
            }
        }
    }
    out.replace('\n', " ")
}

fn md_delta_row(d: &Delta) -> String {
    format!(
        "| {} | {} | {} | {} | {} | {} | {} |",
        crate::escape::markdown_text(&d.name),
        euros(d.from),
        euros(d.to),
        signed_euros(d.euros),
        pct(d.percent),
        signed_euros(d.per_year_euros),
        pct(d.per_year_percent)
    )
}

const MD_DELTA_HEADER: &str = "| Financeur | Avant | Après | Écart | Écart % | Écart annuel moyen | % |\n| --- | --: | --: | --: | --: | --: | --: |";

fn md_data(out: &mut String, changes: &[DataChange]) {
    for c in changes {
        let _ = writeln!(
            out,
            "- `{}` : {} → {}",
            c.path,
            crate::escape::markdown_text(&value_text(&c.from)),
            crate::escape::markdown_text(&value_text(&c.to))
        );
    }
}

fn md_moves(out: &mut String, moves: &[Move], what: &str) {
    for m in moves {
        let _ = writeln!(
            out,
            "- Paragraphe déplacé de l'{what} `{}` vers l'{what} `{}` : {}",
            m.from,
            m.to,
            md_runs(&m.changes)
        );
    }
}

/// The report as Markdown (for a merge request or a wiki page).
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Comparaison {} → {}\n\nAvant : période {} ({}, {} ans). Après : période {} ({}, {} ans).\n",
        r.from.label,
        r.to.label,
        r.from.label,
        r.from.origin_fr,
        r.from.years,
        r.to.label,
        r.to.origin_fr,
        r.to.years
    );
    out.push_str("## Synthèse\n\n");
    let c = &r.summary.centres;
    let list = |v: &[String]| {
        if v.is_empty() {
            "aucun".to_string()
        } else {
            v.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(out, "- Centres ajoutés : {}", list(&c.added));
    let _ = writeln!(out, "- Centres retirés : {}", list(&c.removed));
    let renamed: Vec<String> = c
        .renamed
        .iter()
        .map(|x| format!("`{}` → `{}`", x.from, x.to))
        .collect();
    let _ = writeln!(
        out,
        "- Centres renommés : {}",
        if renamed.is_empty() {
            "aucun".into()
        } else {
            renamed.join(", ")
        }
    );
    let _ = writeln!(out, "- Centres modifiés : {}", list(&c.changed));
    let _ = writeln!(out, "- Centres inchangés : {}\n", list(&c.unchanged));
    out.push_str("### Financements\n\n");
    out.push_str(MD_DELTA_HEADER);
    out.push('\n');
    for d in r
        .summary
        .funding
        .funders
        .iter()
        .chain([&r.summary.funding.total])
    {
        out.push_str(&md_delta_row(d));
        out.push('\n');
    }
    out.push_str(
        "\n## Socle commun\n\n| Article | Avant | Après | Statut |\n| --- | --- | --- | --- |\n",
    );
    for a in &r.base.articles {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {}{} |",
            a.id,
            a.from_number.map_or("–".to_string(), |n| format!(
                "{n}. {}",
                a.from_title.as_deref().unwrap_or("")
            )),
            a.to_number.map_or("–".to_string(), |n| format!(
                "{n}. {}",
                a.to_title.as_deref().unwrap_or("")
            )),
            status_fr(a.status),
            if a.status == Status::Moved && a.modified {
                " et modifié"
            } else {
                ""
            }
        );
    }
    out.push('\n');
    for a in r
        .base
        .articles
        .iter()
        .filter(|a| super::text::has_changes(&a.changes))
    {
        let _ = writeln!(
            out,
            "### {} ({})\n\n{}\n",
            a.to_title.as_deref().unwrap_or(&a.id),
            article_label(a),
            md_runs(&a.changes)
        );
    }
    if !r.base.moves.is_empty() {
        out.push_str("### Paragraphes déplacés\n\n");
        md_moves(&mut out, &r.base.moves, "article");
        out.push('\n');
    }
    if !r.base.data.is_empty() {
        out.push_str("### Données du socle\n\n");
        md_data(&mut out, &r.base.data);
        out.push('\n');
    }
    out.push_str("## Centres\n");
    for c in &r.centres {
        if c.status == Status::Unchanged {
            continue;
        }
        md_centre(&mut out, c);
    }
    out
}

fn md_centre(out: &mut String, c: &CentreReport) {
    let _ = writeln!(
        out,
        "\n### {} (`{}`) — {}\n",
        crate::escape::markdown_text(&c.name),
        c.id,
        status_fr(c.status)
    );
    if let Some(prev) = &c.renamed_from {
        let _ = writeln!(out, "Anciennement `{prev}`.\n");
    }
    if matches!(c.status, Status::Added | Status::Removed) {
        return;
    }
    if !c.funding.is_empty() {
        out.push_str("| Financeur | Année | Avant | Après | Écart | % |\n| --- | --- | --: | --: | --: | --: |\n");
        for f in &c.funding {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                f.funder,
                year_cell(f),
                f.from.map_or("–".into(), euros),
                f.to.map_or("–".into(), euros),
                signed_euros(f.euros),
                pct(f.percent)
            );
        }
        out.push('\n');
        out.push_str(MD_DELTA_HEADER);
        out.push('\n');
        for d in &c.funding_totals {
            out.push_str(&md_delta_row(d));
            out.push('\n');
        }
        out.push('\n');
    }
    for o in c
        .objectives
        .iter()
        .filter(|o| o.status != Status::Unchanged)
    {
        let title = o.title();
        let _ = writeln!(
            out,
            "- Objectif `{}` ({}) : {}",
            o.id,
            status_fr(o.status),
            crate::escape::markdown_text(title)
        );
        for ch in &o.changes {
            let _ = writeln!(
                out,
                "  - `{}` : {} → {}",
                ch.path,
                value_text(&ch.from),
                value_text(&ch.to)
            );
        }
    }
    for s in c.sections.iter().filter(|s| s.status != Status::Unchanged) {
        let title = s.title();
        let _ = writeln!(
            out,
            "- Section `{}` ({}) : {}",
            s.id,
            status_fr(s.status),
            crate::escape::markdown_text(title)
        );
        if super::text::has_changes(&s.changes) {
            let _ = writeln!(out, "  - {}", md_runs(&s.changes));
        }
    }
    md_moves(out, &c.moves, "section");
    md_data(out, &c.data);
}

// ---------------------------------------------------------------- terminal

/// The report for a terminal (coloured when `color`).
pub fn terminal(r: &Report, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mark = |code: &str, open: &str, close: &str, text: &str| {
        let (on, off) = if color {
            (format!("\x1b[{code}m"), "\x1b[0m")
        } else {
            (String::new(), "")
        };
        wrap(&format!("{on}{open}"), &format!("{close}{off}"), text)
    };
    let runs = |rs: &[Run]| {
        let mut out = String::new();
        for run in rs {
            match run {
                Run::Equal { text } => out.push_str(&context(text)),
                Run::Delete { text } => out.push_str(&mark("31;9", "[-", "-]", text)),
                Run::Insert { text } => out.push_str(&mark("32", "{+", "+}", text)),
                Run::Replace { from, to } => {
                    out.push_str(&mark("31;9", "[-", "-]", from.trim_end()));
                    out.push_str(&mark("32", "{+", "+}", to.trim_start()));
                }
            }
        }
        out.replace('\n', " ")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint(
            "1",
            &format!(
                "cpo diff {} ({}) → {} ({})",
                r.from.label, r.from.origin, r.to.label, r.to.origin
            )
        )
    );
    let c = &r.summary.centres;
    let _ = writeln!(
        out,
        "centres: {} added, {} removed, {} renamed, {} changed, {} unchanged",
        c.added.len(),
        c.removed.len(),
        c.renamed.len(),
        c.changed.len(),
        c.unchanged.len()
    );
    for d in r
        .summary
        .funding
        .funders
        .iter()
        .chain([&r.summary.funding.total])
    {
        let _ = writeln!(
            out,
            "  {:<40} {:>16} → {:>16}  {:>16} ({}), per year {} ({})",
            d.name,
            euros(d.from),
            euros(d.to),
            signed_euros(d.euros),
            pct(d.percent),
            signed_euros(d.per_year_euros),
            pct(d.per_year_percent)
        );
    }
    let _ = writeln!(out, "\n{}", paint("1", "socle commun"));
    for a in &r.base.articles {
        let status = status_fr(a.status);
        let colored = match a.status {
            Status::Unchanged => paint("2", status),
            Status::Added => paint("32", status),
            Status::Removed => paint("31", status),
            _ => paint("33", status),
        };
        let _ = writeln!(out, "  {:<16} {:<10} {}", a.id, article_label(a), colored);
        if super::text::has_changes(&a.changes) {
            let _ = writeln!(out, "      {}", runs(&a.changes));
        }
    }
    for m in &r.base.moves {
        let _ = writeln!(
            out,
            "  paragraph moved {} → {}: {}",
            m.from,
            m.to,
            runs(&m.changes)
        );
    }
    for d in &r.base.data {
        let _ = writeln!(
            out,
            "  {}: {} → {}",
            d.path,
            value_text(&d.from),
            value_text(&d.to)
        );
    }
    let _ = writeln!(out, "\n{}", paint("1", "centres"));
    for c in r.centres.iter().filter(|c| c.status != Status::Unchanged) {
        let renamed = c
            .renamed_from
            .as_ref()
            .map(|p| format!(" (from {p})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {}{}",
            paint("1", &c.id),
            status_fr(c.status),
            renamed
        );
        for f in &c.funding {
            let _ = writeln!(
                out,
                "      funding {} {}: {} → {} {} ({})",
                f.funder,
                year_cell(f),
                f.from.map_or("–".into(), euros),
                f.to.map_or("–".into(), euros),
                signed_euros(f.euros),
                pct(f.percent)
            );
        }
        for o in c
            .objectives
            .iter()
            .filter(|o| o.status != Status::Unchanged)
        {
            let _ = writeln!(out, "      objective {} {}", o.id, status_fr(o.status));
        }
        for s in c.sections.iter().filter(|s| s.status != Status::Unchanged) {
            let _ = writeln!(out, "      section {} {}", s.id, status_fr(s.status));
            if super::text::has_changes(&s.changes) {
                let _ = writeln!(out, "          {}", runs(&s.changes));
            }
        }
        for d in &c.data {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                d.path,
                value_text(&d.from),
                value_text(&d.to)
            );
        }
    }
    out
}

// ---------------------------------------------------------------- HTML

/// `<tag>` around each paragraph of `text`, so marks never straddle the
/// paragraph breaks that become `<p>` elements.
fn mark(tag: &str, text: &str) -> String {
    escape(text)
        .split("\n\n")
        .map(|p| {
            if p.trim().is_empty() {
                p.to_string()
            } else {
                format!("<{tag}>{p}</{tag}>")
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn html_runs(runs: &[Run], side: Side) -> String {
    let mut out = String::new();
    for r in runs {
        match (r, side) {
            (Run::Equal { text }, _) => out.push_str(&escape(text)),
            (Run::Delete { text }, Side::From) | (Run::Replace { from: text, .. }, Side::From) => {
                out.push_str(&mark("del", text));
            }
            (Run::Insert { text }, Side::To) | (Run::Replace { to: text, .. }, Side::To) => {
                out.push_str(&mark("ins", text));
            }
            (Run::Delete { .. }, Side::To) | (Run::Insert { .. }, Side::From) => {}
        }
    }
    paragraphs_html(&out)
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    From,
    To,
}

/// Blank-line separated text as `<p>` elements (already escaped).
fn paragraphs_html(escaped: &str) -> String {
    escaped
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.trim().replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn plain_html(text: &str) -> String {
    paragraphs_html(&escape(text))
}

const CSS: &str = r#"
body { margin: 0; font-family: "Libertinus Serif", Georgia, serif; color: #1d1d1f; background: #f4f4f6; line-height: 1.45; }
main { max-width: 72rem; margin: 1.5rem auto; padding: 2rem 2.5rem; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1, h2, h3 { color: #12355b; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .92rem; }
th, td { border: 1px solid #c9c9d1; padding: .35rem .5rem; vertical-align: top; text-align: left; }
th { background: #eef0f5; }
td.r, th.r { text-align: right; white-space: nowrap; }
.comparatif td { width: 50%; }
.comparatif p { margin: .3rem 0; }
ins { background: #dff5e3; text-decoration: none; font-weight: bold; }
del { background: #fbe3e3; }
.status { font-style: italic; color: #5b5b66; }
.moved { border-left: 3px solid #d9a400; padding-left: .6rem; }
.up { color: #1d6b2f; } .down { color: #a11f1f; }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; max-width: none; } }
"#;

fn html_delta_rows(out: &mut String, deltas: &[&Delta]) {
    for d in deltas {
        let class = if d.euros.is_sign_negative() && !d.euros.is_zero() {
            "down"
        } else {
            "up"
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r {class}\">{}</td><td class=\"r {class}\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r {class}\">{}</td></tr>",
            escape(&d.name),
            euros(d.from),
            euros(d.to),
            signed_euros(d.euros),
            pct(d.percent),
            euros(d.from_per_year),
            euros(d.to_per_year),
            pct(d.per_year_percent)
        );
    }
}

const HTML_DELTA_HEAD: &str = "<thead><tr><th scope=\"col\">Financeur</th><th scope=\"col\" class=\"r\">Avant</th><th scope=\"col\" class=\"r\">Après</th><th scope=\"col\" class=\"r\">Écart</th><th scope=\"col\" class=\"r\">Écart %</th><th scope=\"col\" class=\"r\">Moyenne annuelle avant</th><th scope=\"col\" class=\"r\">Moyenne annuelle après</th><th scope=\"col\" class=\"r\">Écart annuel %</th></tr></thead>";

/// The report as one self-contained HTML file: summary, tableau
/// comparatif of the common text by article, then each centre.
pub fn html(r: &Report) -> String {
    let mut out = String::new();
    let title = format!(
        "Comparaison des conventions {} et {}",
        r.from.label, r.to.label
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"cpo {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p>Avant : période {} ({}, {} ans). Après : période {} ({}, {} ans).</p>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&title),
        escape(&title),
        escape(&r.from.label),
        escape(&r.from.origin_fr),
        r.from.years,
        escape(&r.to.label),
        escape(&r.to.origin_fr),
        r.to.years
    );

    // Summary.
    out.push_str("<h2 id=\"synthese\">Synthèse</h2>\n<ul>\n");
    let c = &r.summary.centres;
    let ids = |v: &[String]| {
        if v.is_empty() {
            "aucun".to_string()
        } else {
            v.iter()
                .map(|s| format!("<code>{}</code>", escape(s)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(out, "<li>Centres ajoutés : {}</li>", ids(&c.added));
    let _ = writeln!(out, "<li>Centres retirés : {}</li>", ids(&c.removed));
    let renamed: Vec<String> = c
        .renamed
        .iter()
        .map(|x| {
            format!(
                "<code>{}</code> → <code>{}</code>",
                escape(&x.from),
                escape(&x.to)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "<li>Centres renommés : {}</li>",
        if renamed.is_empty() {
            "aucun".into()
        } else {
            renamed.join(", ")
        }
    );
    let _ = writeln!(out, "<li>Centres modifiés : {}</li>", ids(&c.changed));
    let _ = writeln!(
        out,
        "<li>Centres inchangés : {}</li>\n</ul>",
        ids(&c.unchanged)
    );
    out.push_str("<h3>Financements de la période</h3>\n<table>\n");
    out.push_str(HTML_DELTA_HEAD);
    out.push_str("\n<tbody>\n");
    let deltas: Vec<&Delta> = r
        .summary
        .funding
        .funders
        .iter()
        .chain([&r.summary.funding.total])
        .collect();
    html_delta_rows(&mut out, &deltas);
    out.push_str("</tbody>\n</table>\n");

    // Tableau comparatif.
    let _ = writeln!(
        out,
        "<h2 id=\"tableau-comparatif\">Tableau comparatif du socle commun</h2>\n<table class=\"comparatif\">\n<thead><tr><th scope=\"col\">Rédaction {}</th><th scope=\"col\">Rédaction {}</th></tr></thead>\n<tbody>",
        escape(&r.from.label),
        escape(&r.to.label)
    );
    for a in &r.base.articles {
        let marker = match a.status {
            Status::Modified if a.modified => "(modifié)".to_string(),
            Status::Moved if a.modified => "(déplacé et modifié)".to_string(),
            s => format!("({})", status_fr(s)),
        };
        let from_head = a
            .from_title
            .as_ref()
            .map(|t| {
                format!(
                    "<strong>Article {} – {}</strong>",
                    a.from_number.unwrap_or(0),
                    escape(t)
                )
            })
            .unwrap_or_default();
        let to_head = a
            .to_title
            .as_ref()
            .map(|t| {
                format!(
                    "<strong>Article {} – {}</strong>",
                    a.to_number.unwrap_or(0),
                    escape(t)
                )
            })
            .unwrap_or_default();
        let (left, right) = match a.status {
            Status::Added => (
                String::new(),
                plain_html(a.to_text.as_deref().unwrap_or("")),
            ),
            Status::Removed => (
                plain_html(a.from_text.as_deref().unwrap_or("")),
                String::new(),
            ),
            _ if super::text::has_changes(&a.changes) => (
                html_runs(&a.changes, Side::From),
                html_runs(&a.changes, Side::To),
            ),
            _ => (
                plain_html(a.from_text.as_deref().unwrap_or("")),
                plain_html(a.to_text.as_deref().unwrap_or("")),
            ),
        };
        let _ = writeln!(
            out,
            "<tr id=\"article-{}\"><td>{from_head} <span class=\"status\">{}</span>\n{left}</td><td>{to_head} <span class=\"status\">{}</span>\n{right}</td></tr>",
            escape(&a.id),
            if a.from_title.is_some() {
                escape(&marker)
            } else {
                String::new()
            },
            escape(&marker)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if !r.base.moves.is_empty() {
        out.push_str("<h3>Paragraphes déplacés</h3>\n");
        for m in &r.base.moves {
            let _ = writeln!(
                out,
                "<div class=\"moved\"><p>De l'article <code>{}</code> vers l'article <code>{}</code> :</p>\n<table class=\"comparatif\"><tbody><tr><td>{}</td><td>{}</td></tr></tbody></table></div>",
                escape(&m.from),
                escape(&m.to),
                html_runs(&m.changes, Side::From),
                html_runs(&m.changes, Side::To)
            );
        }
    }
    if !r.base.data.is_empty() {
        out.push_str("<h3>Données du socle commun</h3>\n");
        html_data(&mut out, &r.base.data);
    }

    // Centres.
    out.push_str("<h2 id=\"centres\">Centres</h2>\n");
    for c in &r.centres {
        html_centre(&mut out, c);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn html_data(out: &mut String, changes: &[DataChange]) {
    if changes.is_empty() {
        return;
    }
    out.push_str("<table>\n<thead><tr><th scope=\"col\">Clé</th><th scope=\"col\">Avant</th><th scope=\"col\">Après</th></tr></thead>\n<tbody>\n");
    for d in changes {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&d.path),
            escape(&value_text(&d.from)),
            escape(&value_text(&d.to))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn html_centre(out: &mut String, c: &CentreReport) {
    let _ = writeln!(
        out,
        "<h3 id=\"centre-{}\">{} <small>(<code>{}</code>) — {}</small></h3>",
        escape(&c.id),
        escape(&c.name),
        escape(&c.id),
        status_fr(c.status)
    );
    if let Some(prev) = &c.renamed_from {
        let _ = writeln!(out, "<p>Anciennement <code>{}</code>.</p>", escape(prev));
    }
    if matches!(
        c.status,
        Status::Added | Status::Removed | Status::Unchanged
    ) {
        return;
    }
    if !c.funding.is_empty() {
        out.push_str("<table>\n<thead><tr><th scope=\"col\">Financeur</th><th scope=\"col\">Année</th><th scope=\"col\" class=\"r\">Avant</th><th scope=\"col\" class=\"r\">Après</th><th scope=\"col\" class=\"r\">Écart</th><th scope=\"col\" class=\"r\">Écart %</th></tr></thead>\n<tbody>\n");
        for f in &c.funding {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td></tr>",
                escape(&f.funder),
                year_cell(f),
                f.from.map_or("–".into(), euros),
                f.to.map_or("–".into(), euros),
                signed_euros(f.euros),
                pct(f.percent)
            );
        }
        out.push_str("</tbody>\n</table>\n<table>\n");
        out.push_str(HTML_DELTA_HEAD);
        out.push_str("\n<tbody>\n");
        let deltas: Vec<&Delta> = c.funding_totals.iter().collect();
        html_delta_rows(out, &deltas);
        out.push_str("</tbody>\n</table>\n");
    }
    let objectives: Vec<_> = c
        .objectives
        .iter()
        .filter(|o| o.status != Status::Unchanged)
        .collect();
    if !objectives.is_empty() {
        out.push_str("<ul>\n");
        for o in objectives {
            let title = o.title();
            let _ = write!(
                out,
                "<li>Objectif <code>{}</code> ({}) : {}",
                escape(&o.id),
                status_fr(o.status),
                escape(title)
            );
            if !o.changes.is_empty() {
                out.push_str("<ul>");
                for ch in &o.changes {
                    let _ = write!(
                        out,
                        "<li><code>{}</code> : {} → {}</li>",
                        escape(&ch.path),
                        escape(&value_text(&ch.from)),
                        escape(&value_text(&ch.to))
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    let sections: Vec<_> = c
        .sections
        .iter()
        .filter(|s| s.status != Status::Unchanged)
        .collect();
    if !sections.is_empty() {
        out.push_str("<table class=\"comparatif\">\n<tbody>\n");
        for s in sections {
            let title = s.title();
            let _ = writeln!(
                out,
                "<tr><td><strong>{}</strong> <span class=\"status\">({})</span>\n{}</td><td><strong>{}</strong> <span class=\"status\">({})</span>\n{}</td></tr>",
                escape(title),
                status_fr(s.status),
                html_runs(&s.changes, Side::From),
                escape(title),
                status_fr(s.status),
                html_runs(&s.changes, Side::To)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    for m in &c.moves {
        let _ = writeln!(
            out,
            "<div class=\"moved\"><p>Paragraphe déplacé de la section <code>{}</code> vers la section <code>{}</code> :</p>\n{}</div>",
            escape(&m.from),
            escape(&m.to),
            html_runs(&m.changes, Side::To)
        );
    }
    html_data(out, &c.data);
}

/// The report as JSON (SPEC §6's stable keys).
pub fn json(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}
