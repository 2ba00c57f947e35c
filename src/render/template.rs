//! Tera: rendering base.md for a centre, with the French filters.
//!
//! base.md is a Tera 2 template whose output is Markdown. Its H2 headings
//! may carry an id as `{#id}`, and `{#` opens a Tera comment; rather than
//! change Tera's comment syntax, cpo rewrites such heading ids into a Tera
//! expression that prints them back (`{{ "{#id}" }}`) before parsing. The
//! rewrite stays on the same line, so error lines still point into the
//! user's file.
//!
//! Errors are located in base.md and reported as rule `template`.

use std::ops::Range;

use rust_decimal::Decimal;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::diag::{Diagnostic, FileId, Loc, Rule};
use crate::fr;

/// The name base.md is registered under (no `.html` suffix: no HTML escaping,
/// the output is Markdown and is escaped when written as HTML).
pub const BASE_TEMPLATE: &str = "base.md";

/// A Tera error, with where it points in the template source.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl TemplateError {
    pub fn into_diagnostic(self, file: FileId) -> Diagnostic {
        let span = self.span.unwrap_or(0..0);
        Diagnostic::new(Rule::Template, Loc::new(file, span), self.message)
    }
}

/// Convert a Tera error. Its span is given as line and column so that it
/// maps back into `source` (the user's text, before `protect_heading_ids`).
pub(crate) fn from_tera(e: &tera::Error, source: &str) -> TemplateError {
    let (message, span) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let s = r.span();
            let start = offset(source, s.start_line, s.start_col);
            let end = if s.end_line == s.start_line {
                offset(source, s.end_line, s.end_col).max(start)
            } else {
                start
            };
            (r.message().to_string(), Some(start..end))
        }
        _ => (e.to_string(), None),
    };
    let mut message = message;
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    TemplateError { message, span }
}

/// Byte offset of a 1-based line and 0-based character column, clamped to the line.
fn offset(source: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let text = l.trim_end_matches('\n');
            return start + text.chars().take(col).map(char::len_utf8).sum::<usize>();
        }
        start += l.len();
    }
    source.len()
}

/// Decimal value of a Tera number (amounts are integers or floats in the context).
fn decimal(value: &Value) -> TeraResult<Decimal> {
    let text = match value.as_number() {
        Some(n) => n.to_string(),
        None => match value.as_str() {
            Some(s) => s.to_string(),
            None => {
                return Err(tera::Error::message(format!(
                    "expected an amount, found {value}"
                )));
            }
        },
    };
    crate::model::types::parse_decimal(text.trim()).map_err(tera::Error::message)
}

/// Register the French filters on a Tera instance.
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "euros",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(fr::euros(&decimal(v)?)) },
    );
    tera.register_filter(
        "en_lettres",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            fr::en_lettres(&decimal(v)?).map_err(|e| tera::Error::message(e.to_string()))
        },
    );
    tera.register_filter(
        "date_fr",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            let text = v
                .as_str()
                .ok_or_else(|| tera::Error::message(format!("expected a date, found {v}")))?;
            // A day of the year ("03-31", as in payment terms) gives "31 mars".
            if let Some((m, d)) = crate::check::parse_month_day(text) {
                return Ok(fr::month_day_fr(m, d));
            }
            let date: jiff::civil::Date = text
                .parse()
                .map_err(|e| tera::Error::message(format!("`{text}` is not a date: {e}")))?;
            Ok(fr::date_fr(date))
        },
    );
}

/// Protect `{#id}` at the end of Markdown headings from Tera's comment syntax.
pub fn protect_heading_ids(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 64);
    for line in source.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim_end();
        let is_heading = trimmed.trim_start().starts_with('#');
        match (is_heading, crate::model::text::split_heading_id(trimmed)) {
            (true, (_, Some(id))) => {
                let cut = trimmed.rfind("{#").unwrap_or(trimmed.len());
                out.push_str(&trimmed[..cut]);
                out.push_str(&format!("{{{{ \"{{#{id}}}\" }}}}"));
                out.push_str(&body[trimmed.len()..]);
                out.push_str(newline);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// A compiled base.md, ready to render for each centre of a period.
pub struct BaseTemplate {
    tera: Tera,
    source: String,
}

impl BaseTemplate {
    /// Parse base.md. A syntax error is located in the original source.
    pub fn new(source: &str) -> Result<BaseTemplate, TemplateError> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        tera.add_raw_template(BASE_TEMPLATE, &protect_heading_ids(source))
            .map_err(|e| from_tera(&e, source))?;
        Ok(BaseTemplate {
            tera,
            source: source.to_string(),
        })
    }

    /// Render base.md with a convention's context: the common text as Markdown.
    pub fn render(&self, context: &super::context::Context) -> Result<String, TemplateError> {
        let ctx =
            tera::Context::from_serialize(context).map_err(|e| from_tera(&e, &self.source))?;
        self.tera
            .render(BASE_TEMPLATE, &ctx)
            .map_err(|e| from_tera(&e, &self.source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_survive_tera() {
        let src = "Intro {{ x }}\n\n## Objet {#objet}\n\nTexte.\n## Autre\n";
        let protected = protect_heading_ids(src);
        assert_eq!(protected.lines().count(), src.lines().count());
        let mut tera = Tera::new();
        tera.add_raw_template("t", &protected).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("x", &1);
        let out = tera.render("t", &ctx).unwrap();
        assert!(out.contains("## Objet {#objet}\n"), "{out}");
        assert!(out.starts_with("Intro 1"));
    }

    #[test]
    fn syntax_errors_point_into_the_source() {
        let src = "Line one\n\n## Objet {#objet}\n\n{{ centre.name \n";
        let err = match BaseTemplate::new(src) {
            Err(e) => e,
            Ok(_) => panic!("should not parse"),
        };
        let span = err.span.clone().expect("located");
        let line = src[..span.start].matches('\n').count() + 1;
        assert_eq!(line, 5, "{err:?}");
    }
}
