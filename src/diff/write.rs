//! The writers of a diff [`Report`] that are not templates: the terminal
//! (coloured when a terminal) and JSON (the report as is, SPEC §6's stable
//! keys). HTML and Markdown are the theme's `diff.html` and `diff.md`
//! (see [`super::view`]).

use std::fmt::Write;

use rust_decimal::Decimal;

use super::labels::{percent, signed_euros, year_of_period};
use super::text::{Run, has_changes};
use super::view::{context, status_fr};
use super::{ArticleReport, FundingCell, Report, Status};
use crate::fr;

fn euros(d: Decimal) -> String {
    fr::euros(&d)
}

fn pct(p: Option<Decimal>) -> String {
    p.map_or_else(|| "n.s.".to_string(), percent)
}

fn year_cell(f: &FundingCell) -> String {
    match (f.from_year, f.to_year) {
        (Some(a), Some(b)) if a != b => {
            format!("{} ({a} → {b})", year_of_period(f.year_index as i32))
        }
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

/// `text` between `open` and `close`, its surrounding spaces kept outside.
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

/// The report for a terminal (coloured when `color`): ids for the people
/// who keep the repository, amounts and data changes in French.
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
        if has_changes(&a.changes) {
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
        let _ = writeln!(out, "  {}: {} → {}", d.label, d.from_text, d.to_text);
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
            "  {} {}{} — {}",
            paint("1", &c.id),
            status_fr(c.status),
            renamed,
            c.name
        );
        for f in &c.funding {
            let _ = writeln!(
                out,
                "      funding {} {}: {} → {} {} ({})",
                f.funder_name,
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
            if has_changes(&s.changes) {
                let _ = writeln!(out, "          {}", runs(&s.changes));
            }
        }
        for d in &c.data {
            let gap = d
                .gap
                .as_ref()
                .map(|g| format!(" ({g})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "      {}: {} → {}{gap}",
                d.label, d.from_text, d.to_text
            );
        }
    }
    out
}

/// The report as JSON (SPEC §6's stable keys).
pub fn json(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}
