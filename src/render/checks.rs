//! The check rules that come with rendering: `template` (base.md must
//! compile and render for every centre; the page templates and the typst
//! template overrides must compile), `article-reference` (`article(id=…)`
//! names an article), and `broken-link` (a relative link in base.md or a
//! centre's text must name a file of the repository).
//!
//! The template rules plug into `check` through
//! [`crate::check::RuleSource`], so the rule catalogue stays in one place
//! and `check` does not depend on rendering; the compiled base.md of each
//! period is kept for the stages that render afterwards. Links are checked
//! by [`links`], against the tree the repository was read from.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::template::BaseTemplate;
use crate::check::{Later, Options, PeriodCx, RuleSource};
use crate::diag::{Diagnostic, Loc, Rule};
use crate::merge::Convention;
use crate::model::Snapshot;
use crate::model::config::Territory;
use crate::repo::{Read, Tree, layout};

/// `template` and `article-reference`.
pub struct TemplateChecks {
    /// Compiled base.md per period (absent when it does not compile).
    compiled: Mutex<HashMap<String, Arc<BaseTemplate>>>,
    /// Rendering errors already reported: the same error for every centre
    /// is said once.
    reported: Mutex<HashSet<(String, Option<std::ops::Range<usize>>)>>,
}

impl TemplateChecks {
    pub fn new(_territory: Option<&Territory>) -> TemplateChecks {
        TemplateChecks {
            compiled: Mutex::new(HashMap::new()),
            reported: Mutex::new(HashSet::new()),
        }
    }

    /// The compiled base.md of each checked period.
    pub fn into_compiled(self) -> HashMap<String, Arc<BaseTemplate>> {
        self.compiled.into_inner().unwrap_or_default()
    }
}

/// What compiling `templates/convention.typ` on a sample convention
/// finds: its messages, with their spans in the template. On the template
/// worker, within its time (typst bounds `while` loops but not nested
/// `for` loops over large ranges). Remembered by the template's text for
/// the process: the editor server checks on every change, and a template
/// that overran would leave one more abandoned worker each time.
#[cfg(feature = "pdf")]
fn typst_template_findings(text: &str) -> Vec<(String, Option<std::ops::Range<usize>>)> {
    type Found = Vec<(String, Option<std::ops::Range<usize>>)>;
    static SEEN: Mutex<Vec<([u8; 32], Found)>> = Mutex::new(Vec::new());
    let key: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()).into();
    if let Some((_, found)) = SEEN
        .lock()
        .ok()
        .and_then(|seen| seen.iter().find(|(k, _)| *k == key).cloned())
    {
        return found;
    }
    let owned = text.to_string();
    let found = match super::template::submit(move || super::pdf::check_template(&owned))
        .wait(super::template::MAX_TIME)
    {
        Ok(found) => found,
        Err(super::template::Deadline::Passed) => vec![(
            format!(
                "compiling a sample convention took more than {} s and was stopped (a loop without end?)",
                super::template::MAX_TIME.as_secs()
            ),
            None,
        )],
        Err(super::template::Deadline::Failed(why)) => vec![(why, None)],
    };
    if let Ok(mut seen) = SEEN.lock() {
        // The last few versions of a template being edited.
        if seen.len() >= 8 {
            seen.remove(0);
        }
        seen.push((key, found.clone()));
    }
    found
}

impl RuleSource for TemplateChecks {
    fn snapshot(&self, snapshot: &Snapshot, out: &mut Vec<Diagnostic>) {
        out.extend(super::theme::Theme::findings(snapshot));
        #[cfg(feature = "pdf")]
        if let Some((file, text)) = snapshot.template(super::theme::CONVENTION_TYP) {
            for (message, span) in typst_template_findings(text) {
                out.push(Diagnostic::new(
                    Rule::Template,
                    Loc::new(file, span.unwrap_or(0..0)),
                    format!("templates/convention.typ: {message}"),
                ));
            }
        }
    }

    fn period(&self, cx: &PeriodCx<'_>, out: &mut Vec<Diagnostic>) {
        let Some(doc) = &cx.period.base_text else {
            return;
        };
        match BaseTemplate::new(&cx.snapshot.sources.get(doc.file).text) {
            Ok(t) => {
                if let Ok(mut compiled) = self.compiled.lock() {
                    compiled.insert(cx.period.label.clone(), Arc::new(t));
                }
            }
            Err(errors) => out.extend(errors.into_iter().map(|e| e.into_diagnostic(doc.file))),
        }
    }

    fn convention_later<'s>(&'s self, cx: &PeriodCx<'_>, conv: &Convention) -> Option<Later<'s>> {
        let template = match self.compiled.lock() {
            Ok(c) => c.get(&cx.period.label).cloned(),
            Err(_) => None,
        };
        // Without it, the syntax error is reported once by `period`.
        let template = template?;
        let started = super::document::start_common_text_check(&template, conv);
        let file = cx
            .period
            .base_text
            .as_ref()
            .map_or(conv.shared.base_file, |d| d.file);
        let centre = conv.id.clone();
        Some(Box::new(move |out: &mut Vec<Diagnostic>| {
            let Err(e) = started.finish(&template) else {
                return;
            };
            let first = self
                .reported
                .lock()
                .map(|mut r| r.insert((e.message.clone(), e.span.clone())))
                .unwrap_or(true);
            if first {
                let mut d = e.into_diagnostic(file);
                d.message = format!("{} (rendering for centre `{centre}`)", d.message);
                out.push(d);
            }
        }))
    }
}

/// `broken-link`: every relative link of base.md and the centres' texts
/// (of the checked periods and centres) names a file of the repository.
pub fn links(snapshot: &Snapshot, tree: &dyn Tree, options: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for period in &snapshot.periods {
        if options.period.as_ref().is_some_and(|p| *p != period.label) {
            continue;
        }
        let mut texts: Vec<&crate::model::Text> = Vec::new();
        if let Some(doc) = &period.base_text {
            texts.push(&doc.text);
        }
        for centre in &period.centres {
            if !options.centres.is_empty() && !options.centres.contains(&centre.id) {
                continue;
            }
            if let Some(doc) = &centre.text {
                texts.push(&doc.text);
            }
        }
        for text in texts {
            for (url, loc) in &text.links {
                check_link(snapshot, tree, url, loc, &mut out);
            }
        }
    }
    out
}

fn check_link(
    snapshot: &Snapshot,
    tree: &dyn Tree,
    url: &str,
    loc: &Loc,
    out: &mut Vec<Diagnostic>,
) {
    let Some(target) = relative_target(url) else {
        return;
    };
    let from = &snapshot.sources.get(loc.file).path;
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let Some(path) = layout::join_relative(dir, target) else {
        out.push(Diagnostic::new(
            Rule::BrokenLink,
            loc.clone(),
            format!("link `{url}` points outside the repository"),
        ));
        return;
    };
    // Existence only: a folder or a file of any size counts, nothing is
    // read beyond what the tree needs to tell.
    let exists = match tree.read_limited(&path, 0) {
        Ok(Read::File(_)) => true,
        Ok(Read::Refused(crate::repo::Refusal::TooLarge { .. })) => true,
        Ok(Read::Refused(crate::repo::Refusal::NotAFile("a folder"))) => true,
        _ => matches!(tree.list(&path), Ok(entries) if !entries.is_empty()),
    };
    if !exists {
        out.push(
            Diagnostic::new(
                Rule::BrokenLink,
                loc.clone(),
                format!("link `{url}` points to `{path}`, which does not exist"),
            )
            .with_help("link targets are relative to the Markdown file's folder"),
        );
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
    }
}
