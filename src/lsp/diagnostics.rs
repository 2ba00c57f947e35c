//! Findings of `cpo check` as LSP diagnostics.
//!
//! Same rule names (the diagnostic's `code`), severities and locations as
//! every other output of `cpo check`; the help goes after the message, as
//! the terminal prints it. Ranges are byte spans turned into UTF-16
//! positions (see [`super::text`]).
//!
//! Each rule's `codeDescription` links to the text `cpo rules NAME`
//! prints, written once as a Markdown file in the user's cache folder
//! (`$XDG_CACHE_HOME/cpo/VERSION/rules/NAME.md`): cpo has no web site a
//! link could rely on, the file matches the very version that reported
//! the finding, it works offline, and every editor opens a `file:` link.
//!
//! Related locations point at what a finding is measured against: the
//! base's axes for `unknown-axis`, its signatories for `unknown-funder`,
//! `[sections]` for section findings, the locking entry for `locked`, the
//! other centre for `duplicate-siret`, the funding line for
//! `budget-funding-mismatch`.

use std::path::PathBuf;

use crate::diag::{Diagnostic, Loc, Rule, Severity};
use crate::model::node::{Node, Value};
use crate::pipeline::Checked;
use crate::repo::FileKind;

/// A related location: where, and what it is.
pub type Related = (Loc, String);

/// What a finding is measured against, when that is somewhere else.
pub fn related(checked: &Checked<'_>, d: &Diagnostic) -> Vec<Related> {
    let snapshot = checked.snapshot();
    let file = snapshot.sources.get(d.loc.file);
    let kind = FileKind::of(&file.path);
    let Some(period) = kind.period() else {
        return Vec::new();
    };
    let base = snapshot
        .period(Some(period))
        .and_then(|p| p.base.as_ref())
        .map(|b| &b.tree);
    let conv = match &kind {
        FileKind::Centre { id, .. } | FileKind::CentreText { id, .. } => checked
            .period(Some(period))
            .and_then(|p| p.conventions.iter().find(|c| c.id == *id)),
        _ => None,
    };
    let was = file.text.get(d.loc.span()).unwrap_or_default();
    let unquoted = was.trim_matches(['"', '\'']);
    let mut out = Vec::new();
    let mut base_key = |key: &str, what: &str| {
        if let Some(loc) = base.and_then(|b| b.key_loc(&[key])) {
            out.push((loc, what.to_string()));
        }
    };
    match d.rule {
        Rule::UnknownAxis => base_key("axes", "the axes of the base"),
        Rule::UnknownFunder => base_key(
            "signatories",
            "the signatories of the base (funders have `funder = true`)",
        ),
        Rule::MissingSection | Rule::UnknownSection => {
            base_key("sections", "the sections of the base")
        }
        Rule::Locked => {
            for array in crate::merge::MERGED_ARRAYS {
                if let Some(locked) = base
                    .and_then(|b| b.path(&[*array, unquoted]))
                    .and_then(|e| e.as_table())
                    .and_then(|t| t.entry("locked"))
                {
                    out.push((locked.key_loc.clone(), "locked by the base here".into()));
                }
            }
        }
        Rule::DuplicateSiret => {
            if let Some(p) = checked.period(Some(period)) {
                for other in &p.conventions {
                    if conv.is_some_and(|c| c.id == other.id)
                        || other.data.association.siret != unquoted
                    {
                        continue;
                    }
                    out.push((
                        other.tree.loc_of(&["association", "siret"]),
                        format!("the SIRET of centre `{}`", other.id),
                    ));
                    break;
                }
            }
        }
        Rule::BudgetFundingMismatch => {
            if let Some(conv) = conv
                && let Some(path) = path_at(&conv.tree, &d.loc)
                && let [budget, year, subsidies, funder] = path.as_slice()
                && budget == "budget"
                && subsidies == "subsidies"
                && let Some(line) = conv.tree.path(&["funding", funder, year])
            {
                out.push((line.loc.clone(), format!("`funding.{funder}.{year}`")));
            }
        }
        _ => {}
    }
    out.retain(|(loc, _)| !loc.is_synthetic());
    out
}

/// The path of the key written at `loc` in a tree.
fn path_at(tree: &Node, loc: &Loc) -> Option<Vec<String>> {
    fn walk(node: &Node, loc: &Loc, path: &mut Vec<String>) -> bool {
        match &node.value {
            Value::Table(t) => t.entries.iter().any(|e| {
                path.push(e.key.to_string());
                if e.key_loc == *loc || walk(&e.node, loc, path) {
                    return true;
                }
                path.pop();
                false
            }),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let seg = item
                    .get("id")
                    .and_then(Node::as_str)
                    .map_or_else(|| i.to_string(), str::to_string);
                path.push(seg);
                if walk(item, loc, path) {
                    return true;
                }
                path.pop();
                false
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    walk(tree, loc, &mut path).then_some(path)
}

pub fn severity(s: Severity) -> lsp_types::DiagnosticSeverity {
    match s {
        Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
    }
}

/// The message as the terminal shows it: the finding, then its help.
pub fn message(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}

/// The rules' guides, written as files for `codeDescription` links.
#[derive(Default)]
pub struct RuleDocs {
    dir: Option<Option<PathBuf>>,
}

impl RuleDocs {
    /// The link to a rule's guide; `None` when no folder could hold them.
    pub fn href(&mut self, rule: Rule) -> Option<lsp_types::Uri> {
        let dir = self.dir.get_or_insert_with(write_guides).as_ref()?;
        super::text::from_path(&dir.join(format!("{}.md", rule.name())))
    }
}

/// Where the guides go: the user's cache folder, per version of cpo.
fn guides_dir() -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .or_else(|| std::env::var_os("LOCALAPPDATA").map(PathBuf::from))
        .unwrap_or_else(std::env::temp_dir);
    Some(
        cache
            .join("cpo")
            .join(env!("CARGO_PKG_VERSION"))
            .join("rules"),
    )
}

fn write_guides() -> Option<PathBuf> {
    let dir = guides_dir()?;
    for rule in Rule::ALL {
        let path = dir.join(format!("{}.md", rule.name()));
        let text = guide(*rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            crate::repo::write_atomic(&path, text.as_bytes()).ok()?;
        }
    }
    Some(dir)
}

/// A rule's guide in Markdown: what `cpo rules NAME` prints.
pub fn guide(rule: Rule) -> String {
    format!(
        "# `{name}`\n\n{family} rule, **{severity}** by default: {explanation}\n\n{guide}\n\nChange its severity in `cpo.toml`:\n\n```toml\n[lints]\n{name} = \"allow\" # or \"warn\", \"deny\"\n```\n\n`cpo rules {name}` prints this text.\n",
        name = rule.name(),
        family = rule.family().as_str(),
        severity = rule.default_severity(),
        explanation = rule.explanation(),
        guide = rule.guide().trim_end(),
    )
}
