//! The document IR as HTML: the body of a convention, every text escaped.
//!
//! The page around it (head, styles, header and footer) is a Tera template
//! (`templates/convention.html`) that users may override; this module only
//! turns blocks into markup, so no template can forget to escape a centre's
//! words.

use std::fmt::Write;

use super::ir::{Align, Block, Inline, Table};
use crate::escape::html as escape;

/// Blocks as an HTML fragment.
pub fn blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        block(&mut out, b, false);
    }
    out
}

fn block(out: &mut String, b: &Block, tight: bool) {
    match b {
        Block::Heading { level, id, c } => {
            let level = (*level).clamp(1, 6);
            match id {
                Some(id) => {
                    let _ = write!(out, "<h{level} id=\"{}\">", escape(id));
                }
                None => {
                    let _ = write!(out, "<h{level}>");
                }
            }
            inlines(out, c);
            let _ = writeln!(out, "</h{level}>");
        }
        Block::Paragraph { c } if tight => inlines(out, c),
        Block::Paragraph { c } => {
            out.push_str("<p>");
            inlines(out, c);
            out.push_str("</p>\n");
        }
        Block::List {
            ordered,
            start,
            tight,
            items,
        } => {
            if *ordered {
                if *start == 1 {
                    out.push_str("<ol>\n");
                } else {
                    let _ = writeln!(out, "<ol start=\"{start}\">");
                }
            } else {
                out.push_str("<ul>\n");
            }
            for item in items {
                out.push_str("<li>");
                for b in item {
                    block(out, b, *tight);
                }
                out.push_str("</li>\n");
            }
            out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
        }
        Block::Quote { c } => {
            out.push_str("<blockquote>\n");
            for b in c {
                block(out, b, false);
            }
            out.push_str("</blockquote>\n");
        }
        Block::Code { v } => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(v));
        }
        Block::Table(t) => table(out, t),
        Block::Rule => out.push_str("<hr>\n"),
        Block::PageBreak => out.push_str("<div class=\"page-break\"></div>\n"),
        Block::Center { c } => {
            out.push_str("<div class=\"center\">\n");
            for b in c {
                block(out, b, false);
            }
            out.push_str("</div>\n");
        }
        Block::Signatures { parties } => {
            out.push_str("<div class=\"signatures\">\n");
            for p in parties {
                let _ = writeln!(
                    out,
                    "<div class=\"signature\"><p class=\"party\">{}</p><p class=\"capacity\">{}</p><div class=\"sign-here\"></div><p class=\"signer\">{}</p></div>",
                    escape(&p.party),
                    escape(&p.capacity),
                    escape(&p.name)
                );
            }
            out.push_str("</div>\n");
        }
        Block::Keep { c } => {
            out.push_str("<div class=\"keep\">\n");
            for b in c {
                block(out, b, false);
            }
            out.push_str("</div>\n");
        }
        Block::PdfPages { title, href, .. } => {
            let _ = writeln!(
                out,
                "<p class=\"pdf-annex\">Document annexé (PDF) : <a href=\"{}\">{}</a></p>",
                escape(href),
                escape(title)
            );
        }
        Block::Fingerprint { v } => {
            let _ = writeln!(out, "<p class=\"fingerprint\">{}</p>", escape(v));
        }
    }
}

fn align_class(a: Align) -> &'static str {
    match a {
        Align::Left => "",
        Align::Center => " class=\"c\"",
        Align::Right => " class=\"r\"",
    }
}

fn table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "<table class=\"{}\">", escape(&t.class));
    if let Some(caption) = &t.caption {
        let _ = writeln!(out, "<caption>{}</caption>", escape(caption));
    }
    out.push_str("<thead><tr>");
    for col in &t.columns {
        let _ = write!(out, "<th scope=\"col\"{}>", align_class(col.align));
        inlines(out, &col.header);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str(if row.total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (i, cell) in row.cells.iter().enumerate() {
            let align = t.columns.get(i).map_or(Align::Left, |c| c.align);
            let _ = write!(out, "<td{}>", align_class(align));
            inlines(out, cell);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn inlines(out: &mut String, items: &[Inline]) {
    for i in items {
        match i {
            Inline::Text { v } => out.push_str(&escape(v)),
            Inline::Strong { c } => {
                out.push_str("<strong>");
                inlines(out, c);
                out.push_str("</strong>");
            }
            Inline::Emph { c } => {
                out.push_str("<em>");
                inlines(out, c);
                out.push_str("</em>");
            }
            Inline::Strike { c } => {
                out.push_str("<del>");
                inlines(out, c);
                out.push_str("</del>");
            }
            Inline::Code { v } => {
                let _ = write!(out, "<code>{}</code>", escape(v));
            }
            Inline::Link { url, c } => {
                let _ = write!(out, "<a href=\"{}\">", escape(url));
                inlines(out, c);
                out.push_str("</a>");
            }
            Inline::Sup { v } => {
                let _ = write!(out, "<sup>{}</sup>", escape(v));
            }
            Inline::Break => out.push_str("<br>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::to_blocks;

    #[test]
    fn everything_is_escaped() {
        let html = blocks(&to_blocks(
            "<script>alert('x')</script>\n\nA & B \"q\" <img src=x onerror=alert(1)>\n\n[lien](javascript:alert(1))",
            0,
        ));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("A &amp; B &quot;q&quot;"), "{html}");
    }

    #[test]
    fn lists_and_headings() {
        let html = blocks(&to_blocks("### T {#t}\n\n- a\n- b\n", 0));
        assert_eq!(
            html,
            "<h3 id=\"t\">T</h3>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        );
    }
}
