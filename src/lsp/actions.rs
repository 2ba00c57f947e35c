//! Code actions: the « did you mean » fixes.
//!
//! A finding whose help says ``did you mean `x`?`` (an unknown key, axis,
//! funder, section or enumeration value) becomes a quick fix that writes
//! `x` where the finding points: the key, the quoted value, or the
//! section's `{#id}`. The fix is offered only while the text at the
//! finding's range is still what was checked.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, TextEdit, Uri, WorkspaceEdit,
};

use super::text::LineIndex;
use crate::diag::Rule;

/// A finding as published, with what a fix needs.
#[derive(Debug, Clone)]
pub struct Published {
    pub rule: Rule,
    pub help: Option<String>,
    /// The text of the finding's range when it was checked.
    pub was: String,
    pub diagnostic: Diagnostic,
}

/// `x` of ``did you mean `x`?``.
pub fn suggestion(help: &str) -> Option<&str> {
    let rest = help.split("did you mean `").nth(1)?;
    let end = rest.find('`')?;
    Some(&rest[..end]).filter(|s| !s.is_empty())
}

/// The quick fixes for the findings of `uri` that touch `range`.
pub fn quick_fixes(
    uri: &Uri,
    text: &str,
    range: &lsp_types::Range,
    published: &[Published],
) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for p in published {
        let d = &p.diagnostic;
        if d.range.end < range.start || range.end < d.range.start {
            continue;
        }
        let Some(x) = p.help.as_deref().and_then(suggestion) else {
            continue;
        };
        let span = index.span(&d.range);
        if text.get(span.clone()) != Some(p.was.as_str()) {
            continue; // edited since: the range no longer holds what was checked
        }
        let Some((edit_span, new_text, old)) = fix(text, span, p.rule, x) else {
            continue;
        };
        let edit = TextEdit {
            range: index.range(&edit_span),
            new_text,
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Replace `{old}` with `{x}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    out
}

/// The edit that writes `x` at a finding's span: the span, its new text,
/// and the word replaced.
fn fix(
    text: &str,
    span: std::ops::Range<usize>,
    rule: Rule,
    x: &str,
) -> Option<(std::ops::Range<usize>, String, String)> {
    let was = &text[span.clone()];
    if rule == Rule::UnknownSection {
        // A heading line: replace its `{#id}`, or give it one.
        let line = was.trim_end();
        return match line.rfind("{#") {
            Some(open) if line.ends_with('}') => {
                let old = &line[open + 2..line.len() - 1];
                Some((
                    span.start + open..span.start + line.len(),
                    format!("{{#{x}}}"),
                    old.to_string(),
                ))
            }
            _ => {
                let end = span.start + line.len();
                let title = line.trim_start_matches('#').trim();
                Some((end..end, format!(" {{#{x}}}"), crate::fr::slug(title)))
            }
        };
    }
    for quote in ['"', '\''] {
        if let Some(inner) = was.strip_prefix(quote).and_then(|w| w.strip_suffix(quote)) {
            return Some((span, format!("{quote}{x}{quote}"), inner.to_string()));
        }
    }
    let token =
        !was.is_empty() && !was.contains(|c: char| c.is_whitespace() || "=[]{}#,".contains(c));
    token.then(|| (span, x.to_string(), was.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_keys_values_and_headings() {
        assert_eq!(suggestion("did you mean `address`?"), Some("address"));
        assert_eq!(
            suggestion("did you mean `projet`? (write `{#projet}` after the title to set the id)"),
            Some("projet")
        );
        assert_eq!(suggestion("funders: ville, caf"), None);
        let text = "adress = \"x\"\naxis = \"cohesoin\"\n## Projet {#projt}\n## Plan d'acton\n";
        let span = |s: &str| {
            let at = text.find(s).unwrap();
            at..at + s.len()
        };
        let (s, new, old) = fix(text, span("adress"), Rule::UnknownKey, "address").unwrap();
        assert_eq!(
            (&text[s], new.as_str(), old.as_str()),
            ("adress", "address", "adress")
        );
        let (_, new, _) = fix(text, span("\"cohesoin\""), Rule::UnknownAxis, "cohesion").unwrap();
        assert_eq!(new, "\"cohesion\"");
        let (s, new, _) = fix(
            text,
            span("## Projet {#projt}"),
            Rule::UnknownSection,
            "projet",
        )
        .unwrap();
        assert_eq!((&text[s], new.as_str()), ("{#projt}", "{#projet}"));
        let (s, new, _) = fix(
            text,
            span("## Plan d'acton"),
            Rule::UnknownSection,
            "plan-action",
        )
        .unwrap();
        assert_eq!(
            (s.start, new.as_str()),
            (span("## Plan d'acton").end, " {#plan-action}")
        );
    }
}
