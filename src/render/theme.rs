//! The page templates: built into the binary, each overridable by a file of
//! the same name in the repository's `templates/` folder.
//!
//! | name               | what it is                                   |
//! |--------------------|----------------------------------------------|
//! | `convention.html`  | the HTML page around a convention (Tera)     |
//! | `index.html`       | the period's index of conventions (Tera)     |
//! | `style.css`        | the stylesheet inlined in every HTML page    |
//! | `convention.typ`   | the typst template of PDFs                   |
//! | `diff.html`        | the comparison report, HTML (Tera)           |
//! | `diff.md`          | the comparison report, Markdown (Tera)       |
//!
//! A Tera error in an override is a `template` finding of `cpo check`,
//! located in the override at its line. HTML templates are autoescaped;
//! the Markdown report escapes for Markdown.

use serde::Serialize;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::ir::Document;
use super::template::{BoundedTera, Stopped, TemplateError, from_tera, register_filters};
use crate::diag::{Diagnostic, FileId};
use crate::model::Snapshot;

pub const CONVENTION_HTML: &str = "convention.html";
pub const INDEX_HTML: &str = "index.html";
pub const STYLE_CSS: &str = "style.css";
pub const CONVENTION_TYP: &str = "convention.typ";
pub const DIFF_HTML: &str = "diff.html";
pub const DIFF_MD: &str = "diff.md";

/// The built-in templates, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    (CONVENTION_HTML, include_str!("templates/convention.html")),
    (INDEX_HTML, include_str!("templates/index.html")),
    (STYLE_CSS, include_str!("templates/style.css")),
    (CONVENTION_TYP, include_str!("templates/convention.typ")),
    (DIFF_HTML, include_str!("templates/diff.html")),
    (DIFF_MD, include_str!("templates/diff.md")),
];

/// The Tera page templates, by name.
const PAGES: &[&str] = &[CONVENTION_HTML, INDEX_HTML, DIFF_HTML, DIFF_MD];

/// The templates of one repository: built-in ones and its overrides.
pub struct Theme {
    tera: BoundedTera,
    /// The same templates, escaping for Markdown (the Markdown report).
    tera_md: BoundedTera,
    css: String,
    typst: String,
}

/// What an HTML page template sees besides the document.
#[derive(Serialize)]
struct PageContext<'a> {
    meta: &'a super::ir::Meta,
    body: &'a str,
}

/// A CSS string's content: quotes, backslashes and line breaks escaped,
/// and `<` written as an escape so that it cannot close `<style>`.
fn css_string(v: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\3C "),
            '\n' | '\r' => out.push_str("\\A "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A stylesheet made safe to inline in `<style>`: nothing in it can close
/// the element (`</style>` becomes `<\/style>`, the same rule in CSS).
pub fn inline_css(css: &str) -> String {
    css.replace("</", "<\\/")
}

/// Escape for the Markdown report template.
fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(crate::escape::markdown_text(input).as_bytes())
}

impl Theme {
    /// The templates, for a stage that renders: an override that does not
    /// parse is an error naming each problem (`cpo check` reports them as
    /// findings).
    pub fn load_for_rendering(snapshot: &Snapshot) -> anyhow::Result<Theme> {
        Theme::load(snapshot).map_err(|diags| {
            let msgs: Vec<String> = diags
                .iter()
                .map(|d| format!("{}: {}", snapshot.sources.describe(&d.loc), d.message))
                .collect();
            anyhow::anyhow!(
                "the templates do not compile (run `cpo check`):\n  {}",
                msgs.join("\n  ")
            )
        })
    }

    /// The `template` findings about the page templates, for `cpo check`:
    /// none when the repository overrides none of them (the built-in ones
    /// compile, which the tests hold), since compiling the four pages three
    /// times was 2 % of the instructions of a check of 300 centres, on one
    /// core.
    pub fn findings(snapshot: &Snapshot) -> Vec<Diagnostic> {
        if PAGES.iter().all(|name| snapshot.template(name).is_none()) {
            return Vec::new();
        }
        Theme::load(snapshot).err().unwrap_or_default()
    }

    /// Load the templates; an override that does not parse is a `template`
    /// finding at its line.
    pub fn load(snapshot: &Snapshot) -> Result<Theme, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let text_of = |name: &str| -> (Option<FileId>, String) {
            match snapshot.template(name) {
                Some((file, text)) => (Some(file), text.to_string()),
                None => (
                    None,
                    BUILT_IN
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map_or_else(String::new, |(_, t)| (*t).to_string()),
                ),
            }
        };
        // Each template is added on its own, so that an error is located in
        // the file that has it.
        let mut pages = Vec::new();
        for name in PAGES {
            let (file, text) = text_of(name);
            let mut alone = Tera::new();
            register_filters(&mut alone);
            alone.register_filter("css_string", css_string);
            if let Err(e) = alone.add_raw_template(name, &text) {
                for err in from_tera(&e, &text) {
                    // A built-in template that does not parse is a bug of
                    // cpo, caught by the tests; it is reported on cpo.toml.
                    diags.push(err.into_diagnostic(file.unwrap_or(FileId(0))));
                }
                continue;
            }
            pages.push((*name, text));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let instance = |markdown: bool| -> Result<Tera, Vec<Diagnostic>> {
            let mut tera = Tera::new();
            register_filters(&mut tera);
            tera.register_filter("css_string", css_string);
            if markdown {
                tera.set_escape_fn(escape_markdown);
                tera.autoescape_on([".md"]);
            } else {
                tera.autoescape_on([".html"]);
            }
            tera.add_raw_templates(pages.iter().map(|(n, t)| (*n, t.as_str())))
                .map_err(|e| {
                    vec![
                        TemplateError {
                            rule: crate::diag::Rule::Template,
                            message: e.to_string(),
                            span: None,
                        }
                        .into_diagnostic(FileId(0)),
                    ]
                })?;
            Ok(tera)
        };
        // Pages are bounded in time like base.md (an override may loop);
        // their output holds a whole convention, hence a larger budget.
        let tera = BoundedTera::new(instance(false)?, MAX_PAGE);
        let tera_md = tera.sharing_time(instance(true)?);
        Ok(Theme {
            tera,
            tera_md,
            css: inline_css(&text_of(STYLE_CSS).1),
            typst: text_of(CONVENTION_TYP).1,
        })
    }

    /// The typst template of PDFs.
    pub fn typst(&self) -> &str {
        &self.typst
    }

    /// A convention (or avenant) as a self-contained HTML page.
    pub fn page(&self, doc: &Document) -> Result<String, TemplateError> {
        let body = super::html::blocks(&doc.blocks);
        self.render(
            CONVENTION_HTML,
            &PageContext {
                meta: &doc.meta,
                body: &body,
            },
        )
    }

    /// The Markdown report: rendered with Markdown escaping instead of HTML.
    pub fn render_markdown<T: Serialize>(
        &self,
        name: &str,
        context: &T,
    ) -> Result<String, TemplateError> {
        render_with(&self.tera_md, name, context, &self.css)
    }

    /// Any page template with any serialisable context (the index, the
    /// reports).
    pub fn render<T: Serialize>(&self, name: &str, context: &T) -> Result<String, TemplateError> {
        render_with(&self.tera, name, context, &self.css)
    }
}

/// The most one page may weigh: 64 MiB, far beyond a convention of
/// texts cpo accepts (2 MiB each).
const MAX_PAGE: usize = 64 * 1024 * 1024;

fn render_with<T: Serialize>(
    tera: &BoundedTera,
    name: &str,
    context: &T,
    css: &str,
) -> Result<String, TemplateError> {
    let error = |message: String| TemplateError {
        rule: crate::diag::Rule::Template,
        message,
        span: None,
    };
    let mut ctx = tera::Context::from_serialize(context).map_err(|e| error(e.to_string()))?;
    ctx.insert("css", css);
    ctx.insert("version", env!("CARGO_PKG_VERSION"));
    tera.render(name, ctx).map_err(|stopped| {
        let message = match stopped {
            Stopped::Tera(e) => {
                let mut message = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    message.push_str(&format!(": {c}"));
                    cause = c.source();
                }
                message
            }
            Stopped::TooLarge => {
                "it produced more than 64 MiB and was stopped (a loop without end?)".to_string()
            }
            Stopped::TooLong => {
                "rendering took more than 5 s and was stopped (a loop without end?)".to_string()
            }
            Stopped::Other(m) => m,
        };
        error(format!("templates/{name}: {message}"))
    })
}
