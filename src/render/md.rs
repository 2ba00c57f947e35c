//! The document IR as one Markdown file: the resolved convention for
//! review in a merge request, where a diff of two renders reads like a diff
//! of the document. Text is escaped so that a centre's words stay words.

use std::fmt::Write;

use super::ir::{Align, Block, Document, Inline};
use crate::escape::markdown_text as escape;

/// The whole document.
pub fn document(doc: &Document) -> String {
    let mut out = String::new();
    let m = &doc.meta;
    let _ = writeln!(
        out,
        "<!-- cpo: {} {} {} {} {} -->\n",
        m.kind.as_str(),
        m.id,
        m.period,
        m.fingerprint,
        m.date
    );
    if m.draft {
        out.push_str("> **PROJET** — document de travail, non signé.\n\n");
    }
    if m.nonconforming {
        out.push_str("> **DOCUMENT NON CONFORME** — `cpo check` signale des erreurs : ce document ne peut pas être signé.\n\n");
    }
    for b in &doc.blocks {
        block(&mut out, b, "");
    }
    let _ = writeln!(
        out,
        "---\n\n{} `{}` · période {} · empreinte `{}`",
        crate::fr::wording::capitalize(m.kind.as_str()),
        m.id,
        m.period,
        m.fingerprint
    );
    out
}

fn block(out: &mut String, b: &Block, indent: &str) {
    match b {
        Block::Heading { level, c, .. } => {
            let _ = writeln!(
                out,
                "{indent}{} {}\n",
                "#".repeat(usize::from(*level)),
                inlines(c)
            );
        }
        Block::Paragraph { c } => {
            let text = inlines(c).replace('\n', &format!("\n{indent}"));
            let _ = writeln!(out, "{indent}{text}\n");
        }
        Block::List {
            ordered,
            start,
            items,
            ..
        } => {
            for (i, item) in items.iter().enumerate() {
                let marker = if *ordered {
                    format!("{}. ", *start as usize + i)
                } else {
                    "- ".to_string()
                };
                let inner_indent = format!("{indent}{}", " ".repeat(marker.len()));
                let mut inner = String::new();
                for b in item {
                    block(&mut inner, b, &inner_indent);
                }
                let inner = inner.trim_end();
                let inner = inner.strip_prefix(inner_indent.as_str()).unwrap_or(inner);
                let _ = writeln!(out, "{indent}{marker}{inner}");
            }
            out.push('\n');
        }
        Block::Quote { c } => {
            let mut inner = String::new();
            for b in c {
                block(&mut inner, b, "");
            }
            for line in inner.trim_end().lines() {
                let _ = writeln!(out, "{indent}> {line}");
            }
            out.push('\n');
        }
        Block::Code { v } => {
            let _ = writeln!(out, "{indent}```\n{v}\n{indent}```\n");
        }
        Block::Table(t) => {
            if let Some(caption) = &t.caption {
                let _ = writeln!(out, "{indent}*{}*\n", escape(caption));
            }
            let header: Vec<String> = t.columns.iter().map(|c| inlines(&c.header)).collect();
            let _ = writeln!(out, "{indent}| {} |", header.join(" | "));
            let rule: Vec<&str> = t
                .columns
                .iter()
                .map(|c| match c.align {
                    Align::Left => "---",
                    Align::Center => ":-:",
                    Align::Right => "--:",
                })
                .collect();
            let _ = writeln!(out, "{indent}| {} |", rule.join(" | "));
            for row in &t.rows {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| {
                        let text = inlines(c);
                        if row.total && !text.is_empty() {
                            format!("**{text}**")
                        } else {
                            text
                        }
                    })
                    .collect();
                let _ = writeln!(out, "{indent}| {} |", cells.join(" | "));
            }
            out.push('\n');
        }
        Block::Rule => {
            let _ = writeln!(out, "{indent}* * *\n");
        }
        Block::PageBreak => {}
        Block::Center { c } => {
            for b in c {
                block(out, b, indent);
            }
        }
        Block::Signatures { parties } => {
            for p in parties {
                let _ = writeln!(
                    out,
                    "{indent}- **{}** {} {} : signature ________________",
                    escape(&p.party),
                    escape(&p.capacity),
                    escape(&p.name)
                );
            }
            out.push('\n');
        }
        Block::Keep { c } => {
            for b in c {
                block(out, b, indent);
            }
        }
        Block::PdfPages { title, href, .. } => {
            let _ = writeln!(
                out,
                "{indent}Document annexé (PDF) : [{}](<{}>)\n",
                escape(title),
                href.replace('>', "%3E")
            );
        }
        Block::Fingerprint { v } => {
            let _ = writeln!(out, "{indent}{}\n", escape(v));
        }
    }
}

fn inlines(items: &[Inline]) -> String {
    let mut out = String::new();
    for i in items {
        match i {
            Inline::Text { v } => out.push_str(&escape(v)),
            Inline::Strong { c } => {
                let _ = write!(out, "**{}**", inlines(c));
            }
            Inline::Emph { c } => {
                let _ = write!(out, "*{}*", inlines(c));
            }
            Inline::Strike { c } => {
                let _ = write!(out, "~~{}~~", inlines(c));
            }
            Inline::Code { v } => {
                let ticks = if v.contains('`') { "``" } else { "`" };
                let _ = write!(out, "{ticks}{v}{ticks}");
            }
            Inline::Link { url, c } => {
                let _ = write!(out, "[{}](<{}>)", inlines(c), url.replace('>', "%3E"));
            }
            // Markdown has no superscript: « 1er » is written plain.
            Inline::Sup { v } => out.push_str(&escape(v)),
            Inline::Break => out.push_str("\\\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::to_blocks;

    #[test]
    fn text_round_trips_as_text() {
        let md = "Un *mot*, <b>html</b> et # dièse [x](https://a.fr).";
        let blocks = to_blocks(md, 0);
        let mut out = String::new();
        for b in &blocks {
            block(&mut out, b, "");
        }
        // Reparsing the output gives the same IR: nothing became markup.
        assert_eq!(to_blocks(&out, 0), blocks, "{out}");
    }
}
