//! How the common text is read for the tableau comparatif, and which
//! centre it is read for.
//!
//! base.md is a Tera template; comparing its source would show readers
//! `{{ centre.name }}` and `{% for f in funding.funders %}`. So each side's
//! base.md is *rendered* and compared as read: with its values as bracketed
//! labels (« [nom du centre] », the default), or as rendered for one centre
//! (`cpo diff --as CENTRE`). Rendering is `render`'s
//! (`render::reading` explains the placeholder mechanism); `diff` and
//! `render` are peers that never name each other, so the pipeline hands
//! the rendering in as a [`Reader`], as stages plug their rules into
//! `check` through `check::RuleSource`.
//!
//! This module chooses the centre: the one `--as` names (by id, or by the
//! id it had in the older period), else the first centre both sides have,
//! which only decides which conditional passages show; the report names
//! it.

use anyhow::{Result, bail};
use serde::Serialize;

use super::side::{Article, Side};
use crate::fr::typography::{self, Options};
use crate::fr::wording::NounPhrase;
use crate::merge::Convention;

/// What reads base.md and a centre's Markdown as their readers do
/// (implemented by the pipeline with `render::reading`).
pub trait Reader: Sync {
    /// base.md's articles as rendered for `conv`: values as labels when
    /// `placeholders`, else as rendered; `Err` (a message) when it does
    /// not compile or render.
    fn rendered(
        &self,
        source: &str,
        conv: &Convention,
        placeholders: bool,
    ) -> Result<Vec<Article>, String>;
    /// base.md's articles from its source: values as labels, template tags
    /// taken out.
    fn source_articles(&self, source: &str) -> Vec<Article>;
    /// A centre's Markdown as plain text, French typography applied.
    fn plain_text(&self, markdown: &str) -> String;
}

/// How the common text is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Reading {
    /// Values as bracketed labels (« [nom du centre] »).
    #[default]
    Placeholders,
    /// As rendered for this centre (by id) on both sides.
    Centre(String),
}

/// How the common text was read, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingInfo {
    /// `placeholders`, `centre`, or `source` (no centre to render for).
    pub mode: &'static str,
    /// The reference centre's id and name (newer side), and its name
    /// with its article (« le Centre d'animation de Beaulieu ») and after
    /// « de » (« du Centre d'animation de Beaulieu »).
    pub centre: Option<String>,
    pub centre_name: Option<String>,
    pub centre_the: Option<String>,
    pub centre_de: Option<String>,
}

/// Both sides' articles as read.
pub fn read_both(
    from: &Side,
    to: &Side,
    reading: &Reading,
    reader: &dyn Reader,
) -> Result<(Vec<Article>, Vec<Article>, ReadingInfo)> {
    let (f, t) = match reading {
        Reading::Centre(id) => {
            let t = to.conventions.get(id).or_else(|| {
                to.conventions
                    .values()
                    .find(|c| c.data.previous_id.as_deref() == Some(id))
            });
            let f = from.conventions.get(id).or_else(|| {
                t.and_then(|t| t.data.previous_id.as_deref())
                    .and_then(|p| from.conventions.get(p))
            });
            match (f, t) {
                (Some(f), Some(t)) => (Some(f), Some(t)),
                _ => {
                    let missing = if t.is_none() { to } else { from };
                    bail!(
                        "`--as {id}`: no centre `{id}` in period {} ({}); name a centre of both periods",
                        missing.label,
                        missing.origin
                    )
                }
            }
        }
        Reading::Placeholders => {
            // The first centre both sides have (by id, or the newer one's
            // previous id), else the first of each side.
            let pair = to.conventions.values().find_map(|t| {
                from.conventions
                    .get(&t.id)
                    .or_else(|| {
                        t.data
                            .previous_id
                            .as_deref()
                            .and_then(|p| from.conventions.get(p))
                    })
                    .map(|f| (f, t))
            });
            match pair {
                Some((f, t)) => (Some(f), Some(t)),
                None => (
                    from.conventions.values().next(),
                    to.conventions.values().next(),
                ),
            }
        }
    };
    let placeholders = *reading == Reading::Placeholders;
    let (fa, f_rendered) = read_side(from, f, placeholders, reader)?;
    // The same convention of the same snapshot (a period compared with
    // itself) is read once: a base.md that runs out of its time budget
    // costs that budget once.
    let same = match (f, t) {
        (Some(f), Some(t)) => std::sync::Arc::ptr_eq(&f.shared, &t.shared) && f.id == t.id,
        (None, None) => from.source == to.source,
        _ => false,
    };
    let (ta, t_rendered) = if same {
        (fa.clone(), f_rendered)
    } else {
        read_side(to, t, placeholders, reader)?
    };
    let mode = match reading {
        _ if !(f_rendered && t_rendered) => "source",
        Reading::Placeholders => "placeholders",
        Reading::Centre(_) => "centre",
    };
    let reference = t.or(f);
    Ok((
        fa,
        ta,
        ReadingInfo {
            mode,
            centre: reference.map(|c| c.id.clone()),
            centre_name: reference.map(|c| typeset(&c.data.name)),
            centre_the: reference.map(|c| typeset(&centre_noun(c).the())),
            centre_de: reference.map(|c| typeset(&centre_noun(c).de())),
        },
    ))
}

/// One side's articles, and whether they were rendered (not read from
/// the source). A centre reading that does not render is an error; a
/// placeholder reading falls back to the source.
fn read_side(
    side: &Side,
    conv: Option<&Convention>,
    placeholders: bool,
    reader: &dyn Reader,
) -> Result<(Vec<Article>, bool)> {
    if let Some(conv) = conv {
        match reader.rendered(&side.source, conv, placeholders) {
            Ok(articles) => return Ok((articles, true)),
            Err(e) if !placeholders => bail!(
                "base.md of period {} does not render for centre `{}`: {e} (run `cpo check`)",
                side.label,
                conv.id
            ),
            Err(_) => {}
        }
    }
    Ok((reader.source_articles(&side.source), false))
}

/// The centre's name with its article (« le Centre d'animation de Beaulieu »).
fn centre_noun(conv: &Convention) -> NounPhrase {
    let d = &conv.data;
    NounPhrase::common(&d.name, d.article.map(Into::into), d.gender.map(Into::into))
}

fn typeset(text: &str) -> String {
    typography::apply_str(text, &Options::default())
}
