//! The common text of a period as its readers read it: base.md rendered
//! for one centre, as plain text (headings, paragraphs, list items and
//! table rows as lines, French typography applied), with the centre's own
//! texts as labels (« [texte du centre : Diagnostic du territoire] »).
//! `cpo diff` compares it (its tableau comparatif); the pipeline hands
//! these functions to `diff` (the two stages are peers).
//!
//! Two readings:
//!
//! - **placeholders**: every value base.md prints is shown as a bracketed
//!   French label (« [nom du centre] », « [montant total de la
//!   contribution] »). The mechanism is a rewrite of the template, not of
//!   the data ([`with_placeholders`]): each `{{ … }}` that prints a value is
//!   replaced by the label of its expression (its path, with loop variables
//!   resolved: `f.total` in `{% for f in funding.funders %}` is
//!   `funding.funders[].total`, and filters such as `en_lettres` or `de`
//!   kept in words), and the rewritten template is rendered for a reference
//!   centre. Control flow (`if`, `for`), cross-references
//!   (`article(id=…)`, `annexe(id=…)`) and the centre's sections
//!   (placeholders already) therefore behave exactly as in a real
//!   convention, and no filter ever sees a label where it expects an
//!   amount. Rows of a loop that read the same once values are labels are
//!   shown once. The reference centre only decides which conditional
//!   passages show.
//! - **as a centre**: base.md rendered for that centre, values and all.
//!
//! When there is no centre to render for, or base.md does not render,
//! [`from_source`] reads the source with values as labels and template
//! tags taken out: no `{{` or `{%` ever reaches a reader.

use std::collections::HashMap;

use super::context::CentreText;
use super::ir::{Block, Inline};
use super::markdown::to_blocks;
use super::template::{BaseTemplate, PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN};
use crate::fr::typography::{self, Options};
use crate::merge::Convention;

/// An article of the common text as read.
#[derive(Debug, Clone)]
pub struct ReadArticle {
    pub id: String,
    /// Its title, rendered.
    pub title: String,
    /// Its text: paragraphs separated by blank lines, lines by line breaks.
    pub body: String,
}

/// base.md's articles as rendered for `conv`: its printed values as
/// labels when `placeholders`, else as rendered. `Err` (a message) when
/// it does not compile or render.
pub fn rendered(
    source: &str,
    conv: &Convention,
    placeholders: bool,
) -> Result<Vec<ReadArticle>, String> {
    let first = |e: Vec<super::template::TemplateError>| {
        e.into_iter().next().map(|e| e.message).unwrap_or_default()
    };
    let template = if placeholders {
        BaseTemplate::new(&with_placeholders(source)).map_err(first)?
    } else {
        BaseTemplate::new(source).map_err(first)?
    };
    render(&template, conv, placeholders).map_err(|e| e.message)
}

fn render(
    template: &BaseTemplate,
    conv: &Convention,
    placeholders: bool,
) -> Result<Vec<ReadArticle>, super::template::TemplateError> {
    let common = super::document::common_text(template, conv)?;
    let texts = &common.context.texts;
    let label = |n: usize| match texts.get(n) {
        Some(CentreText::Introduction) => "[introduction du centre]".to_string(),
        Some(CentreText::Section(id)) => format!(
            "[texte du centre : {}]",
            conv.text
                .section(id)
                .map_or_else(|| id.replace('-', " "), |s| s.title.clone())
        ),
        None => String::new(),
    };
    Ok(common
        .articles
        .iter()
        .map(|a| ReadArticle {
            id: a.id.clone(),
            title: typeset(&replace_markers(&a.title, &label)),
            body: readable(&a.markdown, &label, placeholders),
        })
        .collect())
}

/// base.md's articles read from its source: values as labels, template
/// tags taken out (no centre to render for, or base.md does not render).
pub fn from_source(source: &str) -> Vec<ReadArticle> {
    let stripped = strip_tags(&with_placeholders(source));
    let text = crate::model::text::parse_generated(&stripped);
    let label = |_: usize| String::new();
    text.sections
        .iter()
        .map(|s| ReadArticle {
            id: s.id.clone(),
            title: typeset(&s.title),
            body: readable(&s.body, &label, true),
        })
        .collect()
}

/// A centre's Markdown as read: plain text, French typography.
pub fn plain_text(markdown: &str) -> String {
    readable(markdown, &|_| String::new(), false)
}

/// Rendered Markdown as plain text: paragraphs separated by blank lines,
/// list items and table rows one per line, centre texts as labels, French
/// typography applied.
fn readable(markdown: &str, label: &dyn Fn(usize) -> String, collapse: bool) -> String {
    let mut paragraphs = Vec::new();
    plain_blocks(&to_blocks(markdown, 0), &mut paragraphs, "");
    paragraphs
        .into_iter()
        .map(|p| {
            let mut lines: Vec<String> = replace_markers(&p, label)
                .lines()
                .map(str::to_string)
                .collect();
            if collapse {
                lines.dedup();
            }
            typeset(&lines.join("\n"))
        })
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn typeset(text: &str) -> String {
    typography::apply_str(text, &Options::default())
}

fn plain_blocks(blocks: &[Block], out: &mut Vec<String>, indent: &str) {
    for b in blocks {
        match b {
            Block::Heading { c, .. } | Block::Paragraph { c } => {
                out.push(format!("{indent}{}", inline_text(c)));
            }
            Block::List {
                ordered,
                start,
                items,
                ..
            } => {
                let mut lines = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let bullet = if *ordered {
                        format!("{}. ", *start + i as u64)
                    } else {
                        "– ".to_string()
                    };
                    let mut inner = Vec::new();
                    plain_blocks(item, &mut inner, &format!("{indent}  "));
                    let text = inner.join("\n");
                    lines.push(format!("{indent}{bullet}{}", text.trim_start_matches(' ')));
                }
                out.push(lines.join("\n"));
            }
            Block::Quote { c } | Block::Center { c } | Block::Keep { c } => {
                plain_blocks(c, out, indent);
            }
            Block::Code { v } => out.push(v.clone()),
            Block::Table(t) => {
                let mut lines = vec![
                    t.columns
                        .iter()
                        .map(|c| inline_text(&c.header))
                        .collect::<Vec<_>>()
                        .join(" | "),
                ];
                for row in &t.rows {
                    lines.push(
                        row.cells
                            .iter()
                            .map(|c| inline_text(c))
                            .collect::<Vec<_>>()
                            .join(" | "),
                    );
                }
                out.push(lines.join("\n"));
            }
            Block::PdfPages { title, .. } => out.push(title.clone()),
            Block::Fingerprint { v } => out.push(v.clone()),
            Block::Signatures { .. } | Block::Rule | Block::PageBreak => {}
        }
    }
}

fn inline_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text { v } | Inline::Code { v } | Inline::Sup { v } => out.push_str(v),
            Inline::Strong { c } | Inline::Emph { c } | Inline::Strike { c } => {
                out.push_str(&inline_text(c));
            }
            Inline::Link { c, .. } => out.push_str(&inline_text(c)),
            Inline::Break => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Centre-text placeholders replaced by their labels.
fn replace_markers(text: &str, label: &dyn Fn(usize) -> String) -> String {
    if !text.contains(PLACEHOLDER_OPEN) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(PLACEHOLDER_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + PLACEHOLDER_OPEN.len_utf8()..];
        match after.find(PLACEHOLDER_CLOSE) {
            Some(j) => {
                if let Ok(n) = after[..j].parse::<usize>() {
                    out.push_str(&label(n));
                }
                rest = &after[j + PLACEHOLDER_CLOSE.len_utf8()..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out.replace([PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE], "")
}

// ------------------------------------------------------------ the rewrite

/// A Tera tag of the source: `{{ … }}`, `{% … %}` or `{# … #}`.
#[derive(Debug, PartialEq)]
enum Tag<'a> {
    Text(&'a str),
    Print(&'a str),
    Statement(&'a str),
    Comment(&'a str),
}

/// Cut a template into text and tags (quotes inside tags respected).
/// Markdown heading ids `{#id}` are not comments: callers protect them
/// first (`render::template::protect_heading_ids`).
fn tags(source: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let bytes = source.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let close = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => "}}",
            (b'{', b'%') => "%}",
            (b'{', b'#') => "#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(end) = closing(source, i + 2, close) else {
            break;
        };
        if text_start < i {
            out.push(Tag::Text(&source[text_start..i]));
        }
        let whole = &source[i..end + 2];
        out.push(match close {
            "}}" => Tag::Print(whole),
            "%}" => Tag::Statement(whole),
            _ => Tag::Comment(whole),
        });
        i = end + 2;
        text_start = i;
    }
    if text_start < source.len() {
        out.push(Tag::Text(&source[text_start..]));
    }
    out
}

/// Where `close` ends a tag opened before `from`, outside string literals.
fn closing(source: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if source[i..].starts_with(close) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// The inside of a tag, without its delimiters and whitespace controls.
fn inner(tag: &str) -> (&str, bool, bool) {
    let body = &tag[2..tag.len() - 2];
    let left = body.starts_with('-');
    let right = body.ends_with('-') && body.len() > 1;
    let body = body.strip_prefix('-').unwrap_or(body);
    let body = if right { &body[..body.len() - 1] } else { body };
    (body.trim(), left, right)
}

/// base.md with every printed value replaced by its label (see the module
/// documentation). Statements and comments are kept.
pub fn with_placeholders(source: &str) -> String {
    let protected = super::template::protect_heading_ids(source);
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut out = String::with_capacity(protected.len());
    let mut raw = false;
    for tag in tags(&protected) {
        match tag {
            Tag::Text(t) | Tag::Comment(t) => out.push_str(t),
            Tag::Statement(t) => {
                let (body, ..) = inner(t);
                let mut words = body.split_whitespace();
                match words.next() {
                    Some("raw") => raw = true,
                    Some("endraw") => raw = false,
                    Some("for") if !raw => bind_loop(body, &mut vars),
                    Some("set" | "set_global") if !raw => bind_set(body, &mut vars),
                    _ => {}
                }
                out.push_str(t);
            }
            Tag::Print(t) if raw => out.push_str(t),
            Tag::Print(t) => {
                let (body, left, right) = inner(t);
                match label_of(body, &vars) {
                    Some(label) => {
                        out.push_str(if left { "{{- " } else { "{{ " });
                        out.push('"');
                        out.push_str(&label.replace(['"', '\\'], ""));
                        out.push_str("\" | safe");
                        out.push_str(if right { " -}}" } else { " }}" });
                    }
                    None => out.push_str(t),
                }
            }
        }
    }
    out
}

/// Statements taken out (the fallback reading of a source).
fn strip_tags(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for tag in tags(source) {
        match tag {
            Tag::Text(t) => out.push_str(t),
            // What is left printing is a literal (a protected heading id),
            // a cross-reference or a centre text: keep literals only.
            Tag::Print(t) => {
                let (body, ..) = inner(t);
                if let Some(lit) = body
                    .split('|')
                    .next()
                    .map(str::trim)
                    .and_then(|b| b.strip_prefix('"'))
                    .and_then(|b| b.strip_suffix('"'))
                {
                    out.push_str(lit);
                } else {
                    out.push_str("[…]");
                }
            }
            Tag::Statement(_) | Tag::Comment(_) => {}
        }
    }
    out
}

/// `for x in path` / `for k, v in path`: the loop variables' paths.
fn bind_loop(body: &str, vars: &mut HashMap<String, String>) {
    let Some(rest) = body.strip_prefix("for") else {
        return;
    };
    let Some((names, iterable)) = rest.split_once(" in ") else {
        return;
    };
    let iterable = iterable.split('|').next().unwrap_or_default().trim();
    let base = path_of(iterable, vars).map(|p| p.join("."));
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    for n in &names {
        vars.remove(*n);
    }
    if let Some(base) = base {
        match names.as_slice() {
            [v] => {
                vars.insert(v.to_string(), format!("{base}[]"));
            }
            [_, v] => {
                vars.insert(v.to_string(), format!("{base}[]"));
            }
            _ => {}
        }
    }
}

/// `set x = path`: x stands for that path.
fn bind_set(body: &str, vars: &mut HashMap<String, String>) {
    let rest = body
        .strip_prefix("set_global")
        .or_else(|| body.strip_prefix("set"))
        .unwrap_or_default();
    let Some((name, value)) = rest.split_once('=') else {
        return;
    };
    let name = name.trim().to_string();
    match path_of(value.trim(), vars) {
        Some(p) => {
            vars.insert(name, p.join("."));
        }
        None => {
            vars.remove(&name);
        }
    }
}

/// The leading variable path of an expression, loop variables resolved,
/// indexes and keys as `[]`: `f.years[y]` → `funding.funders[].years[]`.
fn path_of(expr: &str, vars: &HashMap<String, String>) -> Option<Vec<String>> {
    let expr = expr.trim_start_matches(['(', ' ']);
    let ident = |s: &str| -> usize {
        s.char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map_or(s.len(), |(i, _)| i)
    };
    let first_len = ident(expr);
    if first_len == 0 || expr.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let first = &expr[..first_len];
    if matches!(first, "true" | "false" | "none" | "not") {
        return None;
    }
    // A function call is not a path.
    if expr[first_len..].trim_start().starts_with('(') {
        return None;
    }
    let mut segments: Vec<String> = match vars.get(first) {
        Some(p) => p.split('.').map(str::to_string).collect(),
        None => vec![first.to_string()],
    };
    let mut i = first_len;
    while i < expr.len() {
        let rest = &expr[i..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = ident(r);
            if n == 0 {
                break;
            }
            segments.push(r[..n].to_string());
            i += 1 + n;
        } else if rest.starts_with('[') {
            let Some(end) = closing(rest, 1, "]") else {
                break;
            };
            match segments.last_mut() {
                Some(last) => last.push_str("[]"),
                None => break,
            }
            i += end + 1;
        } else {
            break;
        }
    }
    Some(segments)
}

/// The label of a printed expression, or `None` to keep it as written
/// (literals, function calls such as `article(id=…)`, loop counters, the
/// centre's texts, the list of annexes).
fn label_of(expr: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut parts = split_filters(expr);
    let head = parts.remove(0);
    let path = path_of(head, vars)?;
    let root = path.first().map(String::as_str).unwrap_or_default();
    let root = root.strip_suffix("[]").unwrap_or(root);
    if matches!(
        root,
        "loop" | "sections" | "introduction" | "annexes" | "annex_refs" | "articles"
    ) {
        return None;
    }
    let key = path.join(".");
    let mut label = expression_label(&key).map_or_else(
        || {
            path.iter()
                .rev()
                .map(|s| s.trim_end_matches("[]"))
                .find(|s| !s.is_empty())
                .unwrap_or("valeur")
                .replace(['_', '-'], " ")
        },
        str::to_string,
    );
    let mut prefix = "";
    for filter in parts {
        let name: String = filter
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        match name.as_str() {
            "en_lettres" => label.push_str(" en lettres"),
            "de" => prefix = "de ",
            "a" => prefix = "à ",
            "join_fr" if filter.contains("\"de\"") => prefix = "de ",
            "join_fr" if filter.contains("\"a\"") => prefix = "à ",
            "length" => label = format!("nombre : {label}"),
            _ => {}
        }
    }
    Some(format!("{prefix}[{label}]"))
}

/// `a.b | f(x="|") | g` → `["a.b", "f(x=\"|\")", "g"]`.
fn split_filters(expr: &str) -> Vec<&str> {
    let bytes = expr.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<u8>, 0);
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b'|' if depth == 0 => {
                    parts.push(expr[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    parts.push(expr[start..].trim());
    parts
}

/// French labels of the template context's values (`render::context`), by
/// path; parties and funders share theirs.
fn expression_label(path: &str) -> Option<&'static str> {
    let party = |field: &str, funder: bool| -> Option<&'static str> {
        Some(match (field, funder) {
            ("name" | "the", false) => "nom du signataire",
            ("name" | "the", true) => "nom du financeur",
            ("designation", false) => "désignation du signataire",
            ("designation", true) => "désignation du financeur",
            ("id", _) => "financeur",
            ("siret", _) => "SIRET du signataire",
            ("address", _) => "adresse du signataire",
            ("representative", _) => "représentant du signataire",
            ("title", _) => "qualité du représentant du signataire",
            ("civility", _) => "civilité du représentant du signataire",
            ("signer_gender", _) => "genre du représentant du signataire",
            ("represented", _) => "représenté ou représentée",
            ("habilitation_text", _) => "habilitation du représentant du signataire",
            ("kind", _) => "nature du signataire",
            ("payment.advance_percent", _) => "part de l'avance",
            ("payment.advance_before", _) => "date limite de l'avance",
            ("payment.balance_before", _) => "date limite du solde",
            _ => return None,
        })
    };
    if let Some(f) = path.strip_prefix("signatories[].") {
        return party(f, false);
    }
    if let Some(f) = path.strip_prefix("funders[].") {
        return party(f, true);
    }
    Some(match path {
        "title" => "titre de la convention",
        "specific_title" => "titre de la partie spécifique",
        "territory.name" => "nom du territoire",
        "territory.place" => "lieu",
        "territory.insee" => "code INSEE",
        "period.label" => "période",
        "period.start" => "date de début",
        "period.end" => "date de fin",
        "period.start_year" => "première année",
        "period.end_year" => "dernière année",
        "period.years[]" => "année",
        "period.count" => "nombre d'années",
        "period.count_words" => "nombre d'années en lettres",
        "signatories" | "funders" => "signataires",
        "centre" | "centre.name" | "centre.the" => "nom du centre",
        "centre.id" => "identifiant du centre",
        "centre.kind" | "centre.kind_label" => "type de structure",
        "centre.status" => "statut de la convention",
        "centre.application_date" => "date de la demande de subvention",
        "centre.previous_id" => "centre de la période précédente",
        "centre.agrement" => "agrément de la CAF",
        "centre.agrement.kind" => "nature de l'agrément",
        "centre.agrement.start" => "premier jour de l'agrément",
        "centre.agrement.end" => "dernier jour de l'agrément",
        "centre.agrement.decision" => "date de la décision d'agrément",
        "centre.association" | "centre.association.legal_name" | "centre.association.the" => {
            "nom de l'association"
        }
        "centre.association.siret" => "SIRET de l'association",
        "centre.association.rna" => "numéro RNA de l'association",
        "centre.association.address" => "adresse de l'association",
        "centre.association.form" | "centre.association.regime" => "régime de l'association",
        "centre.association.register_court" => "tribunal du registre des associations",
        "centre.association.representative" => "représentant de l'association",
        "centre.association.civility" => "civilité du représentant de l'association",
        "centre.association.signer_gender" => "genre du représentant de l'association",
        "centre.association.title" => "qualité du représentant de l'association",
        "centre.association.habilitation_text" => "mandat du représentant de l'association",
        "centre.association.iban" => "IBAN de l'association",
        "centre.association.bic" => "BIC de l'association",
        "centre.association.email" => "courriel de l'association",
        "centre.association.auditor" => "commissaire aux comptes",
        "centre.territory.quartiers" | "centre.territory.quartiers[]" => "quartiers du centre",
        "centre.territory.qpv" | "centre.territory.qpv[]" => "codes des quartiers prioritaires",
        "axes[].title" | "axes[].axis.title" => "intitulé de l'orientation",
        "axes[].description" => "description de l'orientation",
        "axes[].objectives[].title" | "objectives[].title" => "intitulé de l'objectif",
        "axes[].objectives[].description" | "objectives[].description" => {
            "description de l'objectif"
        }
        "commitments[].title" => "intitulé de l'engagement commun",
        "commitments[].text" => "texte de l'engagement commun",
        "funding.total" => "montant total de la contribution",
        "funding.funders[].name" | "funding.funders[].the" => "nom du financeur",
        "funding.funders[].designation" => "désignation du financeur",
        "funding.funders[].id" => "financeur",
        "funding.funders[].total" => "contribution totale du financeur",
        "funding.funders[].years[]" => "contribution annuelle du financeur",
        "funding.years[].year" | "cost.years[].year" => "année",
        "funding.years[].total" => "contribution totale de l'année",
        "funding.years[].funders[].name" => "nom du financeur",
        "funding.years[].funders[].designation" => "désignation du financeur",
        "funding.years[].funders[].amount" => "contribution annuelle du financeur",
        "funding.years[].funders[].advance" => "montant de l'avance",
        "funding.years[].funders[].balance" => "montant du solde",
        "funding.years[].funders[].advance_percent" | "payment.advance_percent" => {
            "part de l'avance"
        }
        "funding.years[].funders[].advance_before" | "payment.advance_before" => {
            "date limite de l'avance"
        }
        "funding.years[].funders[].balance_before" | "payment.balance_before" => {
            "date limite du solde"
        }
        "cost.total" => "coût total éligible",
        "cost.years[].total" => "coût éligible de l'année",
        "funding_rate" => "taux de financement",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_labels_and_structure_stays() {
        let src = "## Objet {#objet}\n\nLe projet {{ centre | de }} ({{ centre.association.siret }}), voir {{ article(id=\"objet\") }}.\n{% for f in funding.funders %}- {{ f.designation }} : {{ f.total | euros }} ({{ f.total | en_lettres }}){% if loop.last %}.{% endif %}\n{% endfor %}{{ sections.diagnostic }}\n{% raw %}{{ brut }}{% endraw %}\n";
        let out = with_placeholders(src);
        assert!(out.contains("{{ \"de [nom du centre]\" | safe }}"), "{out}");
        assert!(
            out.contains("{{ \"[SIRET de l'association]\" | safe }}"),
            "{out}"
        );
        assert!(out.contains("{{ article(id=\"objet\") }}"), "{out}");
        assert!(
            out.contains("{{ \"[contribution totale du financeur en lettres]\" | safe }}"),
            "{out}"
        );
        assert!(
            out.contains("{{ \"[désignation du financeur]\" | safe }}"),
            "{out}"
        );
        assert!(out.contains("{% if loop.last %}"), "{out}");
        assert!(out.contains("{{ sections.diagnostic }}"), "{out}");
        assert!(out.contains("{% raw %}{{ brut }}{% endraw %}"), "{out}");
        // The heading id is still an id once compiled.
        assert!(BaseTemplate::new(&out).is_ok());
    }

    #[test]
    fn nested_loops_resolve_their_variables() {
        let src = "{% for y in funding.years %}{% for yf in y.funders %}{{ yf.advance | euros }} {{ y.year }}{% endfor %}{% endfor %}";
        let out = with_placeholders(src);
        assert!(out.contains("\"[montant de l'avance]\""), "{out}");
        assert!(out.contains("\"[année]\""), "{out}");
    }

    /// Every value the example base.md files print has a label of the table.
    #[test]
    fn the_examples_print_only_labelled_values() {
        for src in [
            include_str!("../../examples/poitiers/periods/2018-2021/base.md"),
            include_str!("../../examples/poitiers/periods/2022-2025/base.md"),
            include_str!("../../examples/amiens/periods/2024-2026/base.md"),
        ] {
            let protected = super::super::template::protect_heading_ids(src);
            let mut vars = HashMap::new();
            for tag in tags(&protected) {
                match tag {
                    Tag::Statement(t) => {
                        let (body, ..) = inner(t);
                        if body.starts_with("for ") {
                            bind_loop(body, &mut vars);
                        }
                        if body.starts_with("set ") {
                            bind_set(body, &mut vars);
                        }
                    }
                    Tag::Print(t) => {
                        let (body, ..) = inner(t);
                        let head = split_filters(body)[0];
                        let Some(path) = path_of(head, &vars) else {
                            continue;
                        };
                        let root = path[0].trim_end_matches("[]");
                        if matches!(
                            root,
                            "loop"
                                | "sections"
                                | "introduction"
                                | "annexes"
                                | "annex_refs"
                                | "articles"
                        ) {
                            continue;
                        }
                        assert!(
                            expression_label(&path.join(".")).is_some(),
                            "no label for `{body}` ({})",
                            path.join(".")
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn plain_text_of_markdown() {
        let label = |_: usize| "[texte du centre : Diagnostic]".to_string();
        let md = "### Diagnostic\n\n\u{F8F0}0\u{F8F1}\n\n| Année | Total |\n| --- | ---: |\n| [année] | [total] |\n| [année] | [total] |\n\n- un ;\n- deux.\n\nTexte **gras** d\\'un \\[x\\].\n";
        let text = readable(md, &label, true);
        assert_eq!(
            text,
            "Diagnostic\n\n[texte du centre\u{A0}: Diagnostic]\n\nAnnée | Total\n[année] | [total]\n\n– un\u{202F};\n– deux.\n\nTexte gras d’un [x]."
        );
    }
}
