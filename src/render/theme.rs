//! The page templates: built into the binary, each overridable by a file of
//! the same name in the repository's `templates/` folder.
//!
//! | name               | what it is                                   |
//! |--------------------|----------------------------------------------|
//! | `convention.html`  | the HTML page around a convention (Tera)     |
//! | `index.html`       | the period's index of conventions (Tera)     |
//! | `style.css`        | the stylesheet inlined in every HTML page    |
//! | `convention.typ`   | the typst template of PDFs                   |
//!
//! A Tera error in an override is a `template` finding of `cpo check`,
//! located in the override.

use serde::Serialize;
use tera::Tera;

use super::ir::Document;
use super::template::{TemplateError, register_filters};
use crate::diag::{Diagnostic, FileId};
use crate::model::Snapshot;

pub const CONVENTION_HTML: &str = "convention.html";
pub const INDEX_HTML: &str = "index.html";
pub const STYLE_CSS: &str = "style.css";
pub const CONVENTION_TYP: &str = "convention.typ";

/// The built-in templates, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    (CONVENTION_HTML, include_str!("templates/convention.html")),
    (INDEX_HTML, include_str!("templates/index.html")),
    (STYLE_CSS, include_str!("templates/style.css")),
    (CONVENTION_TYP, include_str!("templates/convention.typ")),
];

/// The templates of one repository: built-in ones and its overrides.
pub struct Theme {
    tera: Tera,
    css: String,
    typst: String,
}

/// What an HTML page template sees besides the document.
#[derive(Serialize)]
struct PageContext<'a> {
    meta: &'a super::ir::Meta,
    body: &'a str,
    css: &'a str,
    version: &'a str,
}

impl Theme {
    /// Load the templates; an override that does not parse is a `template`
    /// finding at its line.
    pub fn load(snapshot: &Snapshot) -> Result<Theme, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
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
        for name in [CONVENTION_HTML, INDEX_HTML] {
            let (file, text) = text_of(name);
            if let Err(e) = tera.add_raw_template(name, &text) {
                let e = super::template::from_tera(&e, &text);
                match file {
                    Some(file) => diags.push(e.into_diagnostic(file)),
                    // A built-in template that does not parse is a bug of cpo,
                    // caught by the tests; report it on cpo.toml nonetheless.
                    None => diags.push(e.into_diagnostic(FileId(0))),
                }
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(Theme {
            tera,
            css: text_of(STYLE_CSS).1,
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
        let ctx = PageContext {
            meta: &doc.meta,
            body: &body,
            css: &self.css,
            version: env!("CARGO_PKG_VERSION"),
        };
        self.render(CONVENTION_HTML, &ctx)
    }

    /// Any page template with any serialisable context (the index).
    pub fn render<T: Serialize>(&self, name: &str, context: &T) -> Result<String, TemplateError> {
        let mut ctx = tera::Context::from_serialize(context).map_err(|e| TemplateError {
            message: e.to_string(),
            span: None,
        })?;
        ctx.insert("css", &self.css);
        ctx.insert("version", env!("CARGO_PKG_VERSION"));
        self.tera.render(name, &ctx).map_err(|e| TemplateError {
            message: e.to_string(),
            span: None,
        })
    }
}
