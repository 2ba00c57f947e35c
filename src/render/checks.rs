//! The check rules that come with rendering: `template` (base.md must
//! compile and render for every centre) and `broken-link` (a relative link
//! in base.md or a centre's text must name a file of the repository).
//!
//! They plug into `check` through [`crate::check::Extra`], so the rule
//! catalogue stays in one place and `check` does not depend on rendering.

use std::cell::RefCell;
use std::collections::HashMap;

use super::context;
use super::template::BaseTemplate;
use crate::check::Extra;
use crate::diag::{Diagnostic, Loc, Rule};
use crate::merge::Convention;
use crate::model::config::Territory;
use crate::model::{Period, Snapshot};
use crate::repo::Tree;

/// `template` and `broken-link`, reading linked files through `tree`.
pub struct RenderChecks<'t> {
    tree: &'t dyn Tree,
    /// Compiled base.md per period (None when it does not compile).
    templates: RefCell<HashMap<String, Option<std::rc::Rc<BaseTemplate>>>>,
    /// Rendering errors already reported: the same error for every centre is said once.
    reported: RefCell<std::collections::HashSet<(String, Option<std::ops::Range<usize>>)>>,
    /// The page templates (templates/ overrides) are checked once per run.
    theme_checked: std::cell::Cell<bool>,
}

impl<'t> RenderChecks<'t> {
    pub fn new(tree: &'t dyn Tree) -> RenderChecks<'t> {
        RenderChecks {
            tree,
            templates: RefCell::new(HashMap::new()),
            reported: RefCell::new(std::collections::HashSet::new()),
            theme_checked: std::cell::Cell::new(false),
        }
    }

    /// base.md of a period, compiled once by `check_period` (None when it
    /// does not compile).
    fn template(&self, period: &Period) -> Option<std::rc::Rc<BaseTemplate>> {
        self.templates
            .borrow()
            .get(&period.label)
            .cloned()
            .flatten()
    }

    fn links(&self, snapshot: &Snapshot, links: &[(String, Loc)], diags: &mut Vec<Diagnostic>) {
        for (url, loc) in links {
            let Some(target) = relative_target(url) else {
                continue;
            };
            let from = &snapshot.sources.get(loc.file).path;
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
            let Some(path) = normalize(dir, target) else {
                diags.push(Diagnostic::new(
                    Rule::BrokenLink,
                    loc.clone(),
                    format!("link `{url}` points outside the repository"),
                ));
                continue;
            };
            let exists = matches!(self.tree.read(&path), Ok(Some(_)))
                || matches!(self.tree.list(&path), Ok(entries) if !entries.is_empty());
            if !exists {
                diags.push(
                    Diagnostic::new(
                        Rule::BrokenLink,
                        loc.clone(),
                        format!("link `{url}` points to `{path}`, which does not exist"),
                    )
                    .with_help("link targets are relative to the Markdown file's folder"),
                );
            }
        }
    }
}

/// The path part of a relative link, or `None` for URLs, anchors,
/// absolute paths and e-mail addresses.
fn relative_target(url: &str) -> Option<&str> {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    if let Some(colon) = url.find(':') {
        let scheme = &url[..colon];
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return None; // http:, https:, mailto:, tel:, javascript: ...
        }
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    (!path.is_empty()).then_some(path)
}

/// Join `dir` and a relative `target`, resolving `.` and `..`; `None` when
/// it climbs above the repository root.
fn normalize(dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn territory(snapshot: &Snapshot) -> Territory {
    snapshot.territory().cloned().unwrap_or(Territory {
        name: String::new(),
        place: String::new(),
        insee: None,
    })
}

impl Extra for RenderChecks<'_> {
    fn check_period(&self, snapshot: &Snapshot, period: &Period, diags: &mut Vec<Diagnostic>) {
        if !self.theme_checked.replace(true)
            && let Err(errors) = super::theme::Theme::load(snapshot)
        {
            diags.extend(errors);
        }
        let Some(doc) = &period.base_text else {
            return;
        };
        let compiled = match BaseTemplate::new(&snapshot.sources.get(doc.file).text) {
            Ok(t) => Some(std::rc::Rc::new(t)),
            Err(e) => {
                diags.push(e.into_diagnostic(doc.file));
                None
            }
        };
        self.templates
            .borrow_mut()
            .insert(period.label.clone(), compiled);
        self.links(snapshot, &doc.text.links, diags);
        for centre in &period.centres {
            if let Some(text) = &centre.text {
                self.links(snapshot, &text.text.links, diags);
            }
        }
    }

    fn check_convention(
        &self,
        snapshot: &Snapshot,
        conv: &Convention,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(period) = snapshot.period(Some(&conv.period)) else {
            return;
        };
        let Some(template) = self.template(period) else {
            return; // the syntax error is reported once by check_period
        };
        let ctx = context::build(conv, &territory(snapshot));
        if let Err(e) = template.render(&ctx) {
            if !self
                .reported
                .borrow_mut()
                .insert((e.message.clone(), e.span.clone()))
            {
                return;
            }
            let mut d =
                e.into_diagnostic(period.base_text.as_ref().map_or(conv.base_file, |d| d.file));
            d.message = format!("{} (rendering for centre `{}`)", d.message, conv.id);
            diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_only() {
        assert_eq!(
            relative_target("annexes/plan.pdf"),
            Some("annexes/plan.pdf")
        );
        assert_eq!(relative_target("../x.md#part"), Some("../x.md"));
        assert_eq!(relative_target("https://example.org"), None);
        assert_eq!(relative_target("mailto:a@b.fr"), None);
        assert_eq!(relative_target("javascript:alert(1)"), None);
        assert_eq!(relative_target("#objet"), None);
        assert_eq!(
            normalize("periods/2022-2025/centres", "../annexe.pdf").as_deref(),
            Some("periods/2022-2025/annexe.pdf")
        );
        assert_eq!(normalize("a", "../../x"), None);
    }
}
