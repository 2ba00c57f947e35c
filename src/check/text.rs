//! Text rules: the sections of a centre's Markdown against the base's
//! `[sections]`, raw HTML, and unique article ids in base.md.

use super::duplicates;
use crate::diag::{Diagnostic, Loc, Rule, closest};
use crate::model::base::SectionRules;
use crate::model::text::is_blank;
use crate::model::{Document, Period};

/// base.md: it has articles, and their ids are unique (the diff follows
/// them).
pub fn base(period: &Period, diags: &mut Vec<Diagnostic>) {
    if let Some(doc) = &period.base_text {
        if doc.text.sections.is_empty() {
            diags.push(
                Diagnostic::new(
                    Rule::MissingSection,
                    Loc::file_start(doc.file),
                    "base.md has no article: a convention would hold none",
                )
                .with_help("write each article as a heading `## Title {#id}` and its text"),
            );
        }
        duplicates(
            doc.text
                .sections
                .iter()
                .map(|s| (s.id.as_str(), s.loc.clone())),
            "article",
            diags,
        );
    }
}

/// A centre's Markdown file against the base's section rules.
pub fn centre(rules: &crate::model::BaseFile, doc: &Document, diags: &mut Vec<Diagnostic>) {
    let SectionRules { required, optional } = &rules.sections;
    let text = &doc.text;
    duplicates(
        text.sections.iter().map(|s| (s.id.as_str(), s.loc.clone())),
        "section",
        diags,
    );
    for id in required {
        if text.section(id).is_none() {
            diags.push(
                Diagnostic::new(
                    Rule::MissingSection,
                    Loc::file_start(doc.file),
                    format!("required section `{id}` is missing"),
                )
                .with_help(format!("add a heading `## … {{#{id}}}` and its text")),
            );
        }
    }
    let known: Vec<&str> = required
        .iter()
        .chain(optional)
        .map(String::as_str)
        .collect();
    for section in &text.sections {
        if !known.contains(&section.id.as_str()) {
            let d = Diagnostic::new(
                Rule::UnknownSection,
                section.loc.clone(),
                format!(
                    "section `{}` is neither required nor optional in base.toml",
                    section.id
                ),
            );
            diags.push(match closest(&section.id, known.iter().copied()) {
                Some(c) => d.with_help(format!(
                    "did you mean `{c}`? (write `{{#{c}}}` after the title to set the id)"
                )),
                None => d.with_help(format!("sections: {}", known.join(", "))),
            });
        }
        if is_blank(&section.body) {
            diags.push(Diagnostic::new(
                Rule::EmptySection,
                section.loc.clone(),
                format!("section `{}` has no text", section.id),
            ));
        }
    }
    for loc in &text.raw_html {
        diags.push(
            Diagnostic::new(
                Rule::RawHtml,
                loc.clone(),
                "raw HTML will be shown as text, not rendered",
            )
            .with_help("use Markdown instead (emphasis, lists, links)"),
        );
    }
}
