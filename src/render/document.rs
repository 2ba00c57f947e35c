//! A resolved convention as a document (SPEC §7 and §8): title, parties,
//! visas, préambule, numbered articles with the centre's sections where
//! base.md places them, annexes (objectives, funding schedule, budget
//! prévisionnel, commitments, the base's and the centre's annexes, the
//! centre's text base.md does not place) and the signature page.
//!
//! The legal wording that every convention carries (visas, party clauses,
//! the « Fait à » line) is built here and in `render::parties`, once, in
//! French; the grammar comes from `fr::wording` and the typography is
//! applied to the whole document on the way out (`render::typeset`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::context::{self, CentreText, Context};
use super::ir::{Align, Block, Column, Document, DocumentKind, Inline, Meta, Row, Signer, Table};
use super::markdown::to_blocks;
use super::parties;
use super::template::{BaseTemplate, PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, TemplateError};
use crate::fr;
use crate::fr::wording;
use crate::merge::{Convention, Resolved};
use crate::model::base::{BudgetScope, PartyKind};
use crate::model::budget::{
    CHARGE_ACCOUNTS, IN_KIND_CHARGE, IN_KIND_PRODUCT, PRODUCT_ACCOUNTS, SubsidyCategory,
};
use crate::model::{Amount, AnnexFile, Year};

/// The common text rendered for one convention, cut into its parts, with
/// the centre's texts spliced in as blocks.
pub struct CommonText {
    pub context: Context,
    pub preamble: Vec<Block>,
    pub articles: Vec<RenderedArticle>,
    /// Centre texts base.md does not place (they go to an annex).
    pub unplaced: Vec<CentreText>,
}

/// One article of the common text, rendered.
pub struct RenderedArticle {
    pub id: String,
    pub title: String,
    /// Its Markdown as rendered (placeholders for the centre's texts).
    pub markdown: String,
    pub blocks: Vec<Block>,
}

/// Render base.md for a convention: the context (with the article numbers
/// and annex numbers this convention gets), the préambule and articles,
/// and which centre texts were placed. Renders a second time when the
/// first rendering shows that base.md's articles or the annex « Projet de
/// l'association » are not as first assumed (see `render_base`).
pub fn common_text(
    template: &BaseTemplate,
    conv: &Convention,
) -> Result<CommonText, TemplateError> {
    let Rendered {
        context,
        text,
        unplaced,
    } = render_base(template, conv, &|_| true)?;
    // Sections by id (the first of an id, as `Text::section`): a centre
    // may have thousands.
    let mut sections = HashMap::new();
    for s in &conv.text.sections {
        sections.entry(s.id.as_str()).or_insert(s);
    }
    let centre_blocks = |n: usize| -> Vec<Block> {
        match context.texts.get(n) {
            Some(CentreText::Introduction) => to_blocks(&conv.text.intro, 1),
            Some(CentreText::Section(id)) => sections
                .get(id.as_str())
                .map_or_else(Vec::new, |s| to_blocks(&s.body, 1)),
            None => Vec::new(),
        }
    };
    let preamble = splice(to_blocks(&text.intro, 0), &centre_blocks);
    let articles = text
        .sections
        .iter()
        .map(|a| RenderedArticle {
            id: a.id.clone(),
            title: a.title.clone(),
            markdown: a.body.to_string(),
            blocks: splice(to_blocks(&a.body, 0), &centre_blocks),
        })
        .collect();
    Ok(CommonText {
        context,
        preamble,
        articles,
        unplaced,
    })
}

/// base.md rendered for a convention, before its blocks are made.
struct Rendered {
    context: Context,
    text: crate::model::Text,
    unplaced: Vec<CentreText>,
}

/// Whether base.md renders for a convention (the `template` rule): what
/// [`common_text`] does up to the blocks, which the rule does not need.
/// Its rendering of base.md, when it takes one, is left running on the
/// template worker; [`CommonTextCheck::finish`] says.
pub fn start_common_text_check(template: &BaseTemplate, conv: &Convention) -> CommonTextCheck {
    let keep = |field: &str| template.reads(field);
    if !["articles", "annexes", "annex_refs"]
        .iter()
        .any(|f| keep(f))
    {
        // base.md reads neither the article numbers nor the annexes: the
        // one rendering `render_base` would do, and nothing of what it
        // looks at afterwards matters (the annex flag changes nothing).
        let context = context::build_only(conv, false, &keep);
        return CommonTextCheck::Rendering(template.start(&context));
    }
    CommonTextCheck::Done(render_base(template, conv, &keep).map(|_| ()))
}

/// A check of base.md for one convention ([`start_common_text_check`]).
pub enum CommonTextCheck {
    Done(Result<(), TemplateError>),
    Rendering(Result<super::template::Started, TemplateError>),
}

impl CommonTextCheck {
    /// Whether base.md rendered, once it has.
    pub fn finish(self, template: &BaseTemplate) -> Result<(), TemplateError> {
        match self {
            CommonTextCheck::Done(result) => result,
            CommonTextCheck::Rendering(started) => template.finish(started).map(|_| ()),
        }
    }
}

/// Render base.md for a convention, a second time when the first shows
/// that its articles or the annex « Projet de l'association » are not as
/// first assumed.
/// `keep`: the context fields to make (see [`context::build_only`]).
fn render_base(
    template: &BaseTemplate,
    conv: &Convention,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Rendered, TemplateError> {
    let has_text = !conv.text.intro.trim().is_empty()
        || conv
            .text
            .sections
            .iter()
            .any(|s| !crate::model::text::is_blank(&s.body));
    let project_annex = has_text;
    let mut context = context::build_only(conv, project_annex, keep);
    let mut rendered = template.render(&context)?;
    let mut text = crate::model::text::parse_generated(&rendered);
    let placed = placed_texts(&rendered, &context);
    let unplaced: Vec<CentreText> = context
        .texts
        .iter()
        .filter(|t| !placed.contains(t))
        .cloned()
        .collect();
    let ids: Vec<&str> = text.sections.iter().map(|s| s.id.as_str()).collect();
    let source_ids: Vec<&str> = conv
        .base_text()
        .sections
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let needs_annex = !unplaced.is_empty();
    let annex_changes = project_annex != needs_annex;
    let articles_change = ids != source_ids;
    if annex_changes || articles_change {
        if annex_changes {
            context.set_project_annex(&conv.data, needs_annex);
        }
        if articles_change {
            context.articles = text
                .sections
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.clone(), context::article_ref(i + 1)))
                .collect();
        }
        // base.md renders again only when it reads what changed (the
        // annex list or `annexe(id=…)`, `article(id=…)`); otherwise its
        // text is the same and only the context, for the page templates,
        // had to follow.
        let reread = (annex_changes && (template.reads("annexes") || template.reads("annex_refs")))
            || (articles_change && template.reads("articles"));
        if reread {
            rendered = template.render(&context)?;
            text = crate::model::text::parse_generated(&rendered);
        }
    }
    Ok(Rendered {
        context,
        text,
        unplaced,
    })
}

/// Which of the centre's texts the rendered Markdown holds a placeholder of.
fn placed_texts(rendered: &str, context: &Context) -> HashSet<CentreText> {
    let mut out = HashSet::new();
    let mut rest = rendered;
    while let Some(i) = rest.find(PLACEHOLDER_OPEN) {
        let after = &rest[i + PLACEHOLDER_OPEN.len_utf8()..];
        let Some(j) = after.find(PLACEHOLDER_CLOSE) else {
            break;
        };
        if let Ok(n) = after[..j].parse::<usize>()
            && let Some(t) = context.texts.get(n)
            && !out.contains(t)
        {
            out.insert(t.clone());
        }
        rest = &after[j..];
    }
    out
}

/// Replace the placeholders of centre texts by their blocks: a paragraph
/// holding one is split around it; in a heading or a table cell (where
/// blocks cannot go) it is dropped. Stray marker characters never reach a
/// document.
fn splice(blocks: Vec<Block>, centre: &dyn Fn(usize) -> Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        match b {
            Block::Paragraph { c } if has_marker(&c) => {
                let mut current: Vec<Inline> = Vec::new();
                for inline in c {
                    let Inline::Text { v } = &inline else {
                        current.push(inline);
                        continue;
                    };
                    let mut rest = v.as_str();
                    while let Some(i) = rest.find(PLACEHOLDER_OPEN) {
                        push_text(&mut current, &rest[..i]);
                        let after = &rest[i + PLACEHOLDER_OPEN.len_utf8()..];
                        let (n, tail) = match after.find(PLACEHOLDER_CLOSE) {
                            Some(j) => (
                                after[..j].parse::<usize>().ok(),
                                &after[j + PLACEHOLDER_CLOSE.len_utf8()..],
                            ),
                            None => (None, after),
                        };
                        if let Some(n) = n {
                            flush_paragraph(&mut out, &mut current);
                            out.extend(centre(n));
                        }
                        rest = tail;
                    }
                    push_text(&mut current, rest);
                }
                flush_paragraph(&mut out, &mut current);
            }
            Block::List {
                ordered,
                start,
                tight,
                items,
            } => out.push(Block::List {
                ordered,
                start,
                tight,
                items: items.into_iter().map(|i| splice(i, centre)).collect(),
            }),
            Block::Quote { c } => out.push(Block::Quote {
                c: splice(c, centre),
            }),
            other => out.push(strip_markers(other)),
        }
    }
    out
}

fn has_marker(inlines: &[Inline]) -> bool {
    inlines
        .iter()
        .any(|i| matches!(i, Inline::Text { v } if v.contains(PLACEHOLDER_OPEN)))
}

fn push_text(current: &mut Vec<Inline>, text: &str) {
    if !text.is_empty() {
        current.push(Inline::text(text));
    }
}

fn flush_paragraph(out: &mut Vec<Block>, current: &mut Vec<Inline>) {
    let keep = current
        .iter()
        .any(|i| !matches!(i, Inline::Text { v } if v.trim().is_empty()));
    if keep {
        out.push(Block::Paragraph {
            c: std::mem::take(current),
        });
    }
    current.clear();
}

/// Drop placeholder markers left where blocks cannot go.
fn strip_markers(block: Block) -> Block {
    fn clean(inlines: &mut [Inline]) {
        for i in inlines {
            match i {
                Inline::Text { v } if v.contains(PLACEHOLDER_OPEN) => {
                    let mut s = String::new();
                    let mut inside = false;
                    for c in v.chars() {
                        match c {
                            PLACEHOLDER_OPEN => inside = true,
                            PLACEHOLDER_CLOSE => inside = false,
                            c if !inside => s.push(c),
                            _ => {}
                        }
                    }
                    *v = s;
                }
                Inline::Strong { c }
                | Inline::Emph { c }
                | Inline::Strike { c }
                | Inline::Link { c, .. } => clean(c),
                _ => {}
            }
        }
    }
    let mut block = block;
    match &mut block {
        Block::Heading { c, .. } => clean(c),
        Block::Table(t) => {
            for col in &mut t.columns {
                clean(&mut col.header);
            }
            for row in &mut t.rows {
                for cell in &mut row.cells {
                    clean(cell);
                }
            }
        }
        _ => {}
    }
    block
}

/// Everything a document needs besides the convention and its common text.
pub struct Inputs<'a> {
    pub conv: &'a Convention,
    pub common: &'a CommonText,
    /// The document date (ISO), from the data or the last commit.
    pub date: String,
    /// Rendered although check rejects it (`--allow-errors`).
    pub nonconforming: bool,
}

fn euros(a: Amount) -> String {
    fr::euros(&a.0)
}

fn cell(s: impl Into<String>) -> Vec<Inline> {
    vec![Inline::text(s)]
}

fn col(header: &str, align: Align) -> Column {
    Column {
        header: cell(header),
        align,
    }
}

/// The legal basis every convention cites.
pub fn law_visas() -> Vec<&'static str> {
    vec![
        "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment ses articles 10 et 10-1 ;",
        "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 du 12 avril 2000 et relatif à la transparence financière des aides octroyées par les personnes publiques ;",
        "Vu le décret n° 2021-1947 du 31 décembre 2021 pris pour l'application de l'article 10-1 de la loi n° 2000-321 du 12 avril 2000 et approuvant le contrat d'engagement républicain des associations et fondations bénéficiant de subventions publiques ou d'un agrément de l'État ;",
    ]
}

/// Every visa of a convention: the laws, each party's habilitation, the
/// application, the CAF's agrément, and its charter when a CAF signs.
pub fn visas(data: &Resolved) -> Vec<String> {
    let mut v: Vec<String> = law_visas().into_iter().map(str::to_string).collect();
    let caf = data
        .signatories
        .iter()
        .find(|s| s.kind == Some(PartyKind::Caf));
    if caf.is_some() {
        v.push("Vu la charte de la laïcité de la branche Famille avec ses partenaires, adoptée par le conseil d'administration de la Caisse nationale des allocations familiales le 1er septembre 2015 ;".to_string());
    }
    v.extend(
        data.signatories
            .iter()
            .filter_map(parties::habilitation_visa),
    );
    if let Some(date) = data.application_date {
        v.push(format!(
            "Vu la demande de subvention présentée par l'association le {} ;",
            fr::date_fr(date.0)
        ));
    }
    if let Some(ag) = &data.agrement {
        let by = match caf {
            Some(c) => format!(
                "par le conseil d'administration {}",
                parties::signatory_noun(c).de()
            ),
            None => "par la caisse d'allocations familiales".to_string(),
        };
        v.push(format!(
            "Vu l'agrément « {} » délivré {by} le {} pour la période du {} au {} ;",
            ag.kind.label(),
            fr::date_fr(ag.decision.0),
            fr::date_fr(ag.start.0),
            fr::date_fr(ag.end.0)
        ));
    }
    v
}

/// « Entre les soussignés : » and each party's clause.
pub fn party_blocks(data: &Resolved) -> Vec<Block> {
    let mut blocks = vec![Block::heading_id(2, "parties", "Entre les soussignés")];
    for (i, s) in data.signatories.iter().enumerate() {
        let clause = parties::signatory_clause(s);
        blocks.push(Block::para(if i == 0 {
            wording::capitalize(&clause)
        } else {
            clause
        }));
    }
    blocks.push(Block::para("d'une part,"));
    blocks.push(Block::para("et"));
    blocks.push(Block::para(parties::association_clause(data)));
    blocks.push(Block::para("d'autre part,"));
    blocks
}

/// The short label of a party for the initials boxes (« Ville », « CAF »).
fn initials_label(designation: &str) -> String {
    let word = designation
        .split_once(' ')
        .map_or(designation, |(_, rest)| rest)
        .trim_start_matches(['\'', '’']);
    let word = word
        .strip_prefix("l'")
        .or_else(|| word.strip_prefix("l’"))
        .unwrap_or(word);
    wording::capitalize(word)
}

/// The signature page: the « Fait à » line, one block per party, and the
/// fingerprint.
pub fn signature_page(data: &Resolved, place: &str, fingerprint: &str, what: &str) -> Vec<Block> {
    let parties_count = data.signatories.len() + 1;
    let mut signers: Vec<Signer> = data
        .signatories
        .iter()
        .map(|s| {
            let l = parties::signatory_signature(s);
            Signer {
                party: l.party,
                capacity: l.capacity,
                name: l.name,
                initials: initials_label(&parties::designation(s)),
            }
        })
        .collect();
    let l = parties::association_signature(&data.association);
    signers.push(Signer {
        party: l.party,
        capacity: l.capacity,
        name: l.name,
        initials: "Association".to_string(),
    });
    vec![
        Block::PageBreak,
        Block::heading_id(2, "signatures", "Signatures"),
        Block::para(format!(
            "Fait à {place}, le ____________________, en {} exemplaires originaux.",
            fr::nombre_en_lettres(parties_count as u64)
        )),
        Block::Signatures { parties: signers },
        Block::Fingerprint {
            v: format!("Empreinte {what} (SHA-256) : {fingerprint}"),
        },
    ]
}

/// The heading of an article: « Article 1er – Objet ».
fn article_heading(number: usize, id: &str, title: &str) -> Block {
    let n = if number == 1 {
        wording::ordinal(1)
    } else {
        number.to_string()
    };
    Block::Heading {
        level: 2,
        id: Some(id.to_string()),
        c: cell(format!("Article {n} – {title}")),
    }
}

fn annex_heading(number: usize, id: &str, title: &str) -> Block {
    Block::heading_id(
        2,
        format!("annexe-{id}"),
        format!("Annexe {number} – {title}"),
    )
}

/// Build the document of one convention.
pub fn build(inputs: &Inputs<'_>) -> Document {
    let conv = inputs.conv;
    let common = inputs.common;
    let ctx = &common.context;
    let data = &conv.data;
    let years = conv.years();
    let mut blocks: Vec<Block> = Vec::new();

    blocks.push(Block::Center {
        c: vec![
            Block::Heading {
                level: 1,
                id: Some("titre".into()),
                c: cell(&data.title),
            },
            Block::para(format!(
                "Période {} – du {} au {}",
                conv.period(),
                fr::date_fr(data.period.start.0),
                fr::date_fr(data.period.end.0)
            )),
            Block::para_inlines(vec![Inline::strong(&data.name)]),
        ],
    });
    blocks.extend(party_blocks(data));
    blocks.push(Block::heading_id(2, "visas", "Visas"));
    for v in visas(data) {
        blocks.push(Block::para(v));
    }
    blocks.push(Block::heading_id(2, "preambule", "Préambule"));
    blocks.extend(common.preamble.iter().cloned());
    blocks.push(Block::para("Il est convenu ce qui suit :"));
    for (i, a) in common.articles.iter().enumerate() {
        blocks.push(article_heading(i + 1, &a.id, &a.title));
        blocks.extend(a.blocks.iter().cloned());
    }

    // Annexes, in the order and with the numbers the context gave them.
    let mut pdf_files = Vec::new();
    let period = &conv.shared;
    for (i, annex) in ctx.annexes.iter().enumerate() {
        if i == 0 {
            blocks.push(Block::PageBreak);
        }
        let heading = annex_heading(annex.number, &annex.id, &annex_title(annex, data));
        match annex.id.as_str() {
            "objectifs" if annex.file.is_none() => {
                blocks.push(heading);
                blocks.extend(objectives_annex(data, &years));
            }
            "financements" if annex.file.is_none() => {
                blocks.push(heading);
                blocks.extend(funding_annex(ctx, data));
            }
            "budget" if annex.file.is_none() => {
                blocks.push(heading);
                blocks.extend(budget_annex(data, &years));
            }
            "engagements" if annex.file.is_none() => {
                blocks.push(heading);
                for c in &data.commitments {
                    blocks.push(Block::heading_id(
                        3,
                        format!("engagement-{}", c.id),
                        &c.title,
                    ));
                    blocks.extend(to_blocks(&c.text, 2));
                }
            }
            id if id == context::PROJECT_ANNEX.0 && annex.file.is_none() => {
                blocks.push(heading);
                blocks.extend(project_annex(conv, &common.unplaced));
            }
            _ => {
                let file = annex.file.clone().unwrap_or_default();
                match period.annex_files.get(&file) {
                    Some(AnnexFile::Markdown(doc)) => {
                        blocks.push(heading);
                        blocks.extend(to_blocks(&doc.text.intro, 1));
                        for s in &doc.text.sections {
                            blocks.push(Block::heading_id(3, &s.id, &s.title));
                            blocks.extend(to_blocks(&s.body, 2));
                        }
                    }
                    Some(AnnexFile::Pdf(bytes)) => {
                        blocks.push(Block::PageBreak);
                        blocks.push(heading);
                        let key = annex_copy_name(&file, &annex.id);
                        blocks.push(Block::PdfPages {
                            title: annex.title.clone(),
                            href: format!("annexes/{key}"),
                            file: key.clone(),
                            source: file.clone(),
                            pages: Vec::new(),
                        });
                        pdf_files.push((key, Arc::clone(bytes)));
                    }
                    _ => {
                        // `annex-missing` rejects the convention; drafts
                        // rendered anyway say what is missing.
                        blocks.push(heading);
                        blocks.push(Block::para(format!(
                            "Le fichier de cette annexe ({file}) est manquant."
                        )));
                    }
                }
            }
        }
    }

    let fingerprint = conv.fingerprint();
    blocks.extend(signature_page(
        data,
        &period.territory.place,
        &fingerprint,
        "de la convention",
    ));
    let initials = initials(&blocks);

    Document {
        meta: Meta {
            id: conv.id.clone(),
            period: conv.period().to_string(),
            title: format!("{} – {}", data.title, data.name),
            subtitle: data.name.clone(),
            short_fingerprint: fingerprint[..12].to_string(),
            fingerprint,
            draft: data.status == crate::model::centre::Status::Draft,
            date: inputs.date.clone(),
            author: period.territory.name.clone(),
            kind: DocumentKind::Convention,
            nonconforming: inputs.nonconforming,
            initials,
        },
        blocks,
        pdf_files,
        images: Vec::new(),
    }
}

/// The title an annex gets in the document.
fn annex_title(annex: &context::AnnexContext, data: &Resolved) -> String {
    if annex.id == "budget" && annex.file.is_none() {
        return match data.budget_scope {
            BudgetScope::Association => {
                "Budget prévisionnel de l'association (CERFA n° 12156*06)".to_string()
            }
            BudgetScope::Action => {
                "Budget prévisionnel de l'action (CERFA n° 12156*06)".to_string()
            }
        };
    }
    annex.title.clone()
}

/// The centre's text that base.md does not place: its introduction and
/// sections, in the order the centre wrote them.
fn project_annex(conv: &Convention, unplaced: &[CentreText]) -> Vec<Block> {
    let unplaced: HashSet<&CentreText> = unplaced.iter().collect();
    let mut out = Vec::new();
    if unplaced.contains(&CentreText::Introduction) {
        out.extend(to_blocks(&conv.text.intro, 1));
    }
    for s in &conv.text.sections {
        if unplaced.contains(&CentreText::Section(s.id.clone())) {
            out.push(Block::heading_id(3, &s.id, &s.title));
            out.extend(to_blocks(&s.body, 2));
        }
    }
    out
}

/// An indicator's figure with its unit: « 12,5 % », « 130 familles ».
fn figure(q: &crate::model::Quantity, unit: Option<&str>) -> String {
    let n = fr::quantity(&q.0);
    match unit {
        Some(u) if !u.is_empty() => format!("{n} {u}"),
        _ => n,
    }
}

fn objectives_annex(data: &Resolved, years: &[Year]) -> Vec<Block> {
    let mut out = Vec::new();
    let reference = format!("Référence {}", years.first().map_or(0, |y| y - 1));
    for axis in &data.axes {
        let objectives: Vec<_> = data
            .objectives
            .iter()
            .filter(|o| o.axis == axis.id)
            .collect();
        if objectives.is_empty() {
            continue;
        }
        out.push(Block::heading_id(
            3,
            format!("axe-{}", axis.id),
            &axis.title,
        ));
        let mut columns = vec![
            col("Objectif", Align::Left),
            col("Indicateur", Align::Left),
            col(&reference, Align::Right),
        ];
        columns.extend(years.iter().map(|y| col(&y.to_string(), Align::Right)));
        let mut rows = Vec::new();
        for o in objectives {
            if o.indicators.is_empty() {
                let mut cells = vec![cell(&o.title), cell("—"), cell("")];
                cells.extend(years.iter().map(|_| cell("")));
                rows.push(Row {
                    cells,
                    total: false,
                });
            }
            for (i, ind) in o.indicators.iter().enumerate() {
                let unit = ind.unit.as_deref();
                let mut cells = vec![
                    cell(if i == 0 {
                        o.title.clone()
                    } else {
                        String::new()
                    }),
                    cell(&ind.label),
                    cell(ind.baseline.map(|b| figure(&b, unit)).unwrap_or_default()),
                ];
                cells.extend(years.iter().map(|y| {
                    cell(
                        ind.targets
                            .get(y)
                            .map(|t| figure(t, unit))
                            .unwrap_or_default(),
                    )
                }));
                rows.push(Row {
                    cells,
                    total: false,
                });
            }
        }
        out.push(Block::Table(Table {
            caption: None,
            columns,
            rows,
            class: "objectives".into(),
        }));
    }
    if out.is_empty() {
        out.push(Block::para("Aucun objectif n'est défini."));
    }
    out
}

fn funding_annex(ctx: &Context, data: &Resolved) -> Vec<Block> {
    let mut columns = vec![col("Financeur", Align::Left)];
    columns.extend(
        ctx.funding
            .years
            .iter()
            .map(|y| col(&y.year.to_string(), Align::Right)),
    );
    columns.push(col("Total", Align::Right));
    let mut rows = Vec::new();
    for f in &ctx.funding.funders {
        let mut cells = vec![cell(&f.name)];
        cells.extend(ctx.funding.years.iter().map(|y| {
            cell(
                f.years
                    .get(&y.year.to_string())
                    .map(|a| euros(*a))
                    .unwrap_or_else(|| "—".into()),
            )
        }));
        cells.push(cell(euros(f.total)));
        rows.push(Row {
            cells,
            total: false,
        });
    }
    let mut cells = vec![cell("Total")];
    cells.extend(ctx.funding.years.iter().map(|y| cell(euros(y.total))));
    cells.push(cell(euros(ctx.funding.total)));
    rows.push(Row { cells, total: true });
    let mut out = vec![Block::Table(Table {
        caption: Some("Montants prévisionnels, sous réserve de l'inscription des crédits au budget de chaque financeur".into()),
        columns,
        rows,
        class: "money".into(),
    })];
    let mut words = Vec::new();
    for f in &ctx.funding.funders {
        words.push(vec![Block::para_inlines(vec![
            Inline::strong(&f.name),
            Inline::text(format!(" : {} ({})", euros(f.total), in_words(f.total))),
        ])]);
    }
    words.push(vec![Block::para_inlines(vec![
        Inline::strong("Total"),
        Inline::text(format!(
            " : {} ({})",
            euros(ctx.funding.total),
            in_words(ctx.funding.total)
        )),
    ])]);
    out.push(Block::para(
        "Montants sur la durée de la convention, en lettres :",
    ));
    out.push(Block::List {
        ordered: false,
        start: 1,
        tight: true,
        items: words,
    });

    // The instalments: advance and balance of each funder, each year.
    out.push(Block::heading_id(
        3,
        "echeancier-versements",
        "Échéancier des versements",
    ));
    let mut rows = Vec::new();
    for y in &ctx.funding.years {
        for f in &y.funders {
            if f.amount.0.is_zero() {
                continue;
            }
            let day = |md: &str| {
                crate::model::MonthDay::parse(md)
                    .map(|md| format!("{} {}", fr::month_day_fr(md.month(), md.day()), y.year))
                    .unwrap_or_default()
            };
            rows.push(Row {
                cells: vec![
                    cell(y.year.to_string()),
                    cell(&f.name),
                    cell(euros(f.amount)),
                    cell(format!("{} ({} %)", euros(f.advance), f.advance_percent)),
                    cell(day(&f.advance_before)),
                    cell(euros(f.balance)),
                    cell(day(&f.balance_before)),
                ],
                total: false,
            });
        }
    }
    out.push(Block::Table(Table {
        caption: None,
        columns: vec![
            col("Année", Align::Left),
            col("Financeur", Align::Left),
            col("Montant", Align::Right),
            col("Avance", Align::Right),
            col("Au plus tard le", Align::Left),
            col("Solde", Align::Right),
            col("Au plus tard le", Align::Left),
        ],
        rows,
        class: "money".into(),
    }));
    match parties::account(&data.association) {
        Some(account) => out.push(Block::para(format!(
            "Les versements sont faits sur le compte de l'association : {account}."
        ))),
        None => out.push(Block::para(
            "Les coordonnées bancaires de l'association ne sont pas renseignées.",
        )),
    }
    out
}

fn in_words(a: Amount) -> String {
    fr::en_lettres(&a.0).unwrap_or_else(|e| e.to_string())
}

/// The subsidy lines (account 74) of a year in the CERFA 12156*06 order of
/// categories, each labelled by its category.
fn subsidy_lines(
    data: &Resolved,
    subsidies: &std::collections::BTreeMap<String, Amount>,
) -> Vec<(String, Amount)> {
    let mut lines: Vec<(SubsidyCategory, String, Amount)> = subsidies
        .iter()
        .map(|(key, amount)| match data.signatory(key) {
            Some(s) => (
                s.kind.map_or(
                    SubsidyCategory::AutresEtablissementsPublics,
                    SubsidyCategory::of_party,
                ),
                s.name.clone(),
                *amount,
            ),
            None => (
                SubsidyCategory::of_key(key),
                SubsidyCategory::key_label(key),
                *amount,
            ),
        })
        .collect();
    lines.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    lines
        .into_iter()
        .map(|(cat, name, amount)| {
            let label = if cat.label().trim_end_matches("(s)") == name {
                cat.label().to_string()
            } else {
                format!("{} : {name}", cat.label())
            };
            (label, amount)
        })
        .collect()
}

fn budget_annex(data: &Resolved, years: &[Year]) -> Vec<Block> {
    let mut out = Vec::new();
    for year in years {
        let heading = Block::heading_id(3, format!("budget-{year}"), format!("Exercice {year}"));
        let Some(budget) = data.budget.get(year) else {
            out.push(Block::Keep {
                c: vec![heading, Block::para("Budget non communiqué.")],
            });
            continue;
        };
        let amount = |m: &std::collections::BTreeMap<u16, Amount>, acc: u16| m.get(&acc).copied();
        let show = |a: Option<Amount>| a.map(euros).unwrap_or_else(|| "—".into());
        let left: Vec<(String, Option<Amount>)> = CHARGE_ACCOUNTS
            .iter()
            .filter(|(acc, _)| *acc != IN_KIND_CHARGE)
            .map(|(acc, name)| (format!("{acc} – {name}"), amount(&budget.charges, *acc)))
            .collect();
        let mut right: Vec<(String, Option<Amount>)> = Vec::new();
        for (acc, name) in PRODUCT_ACCOUNTS
            .iter()
            .filter(|(acc, _)| *acc != IN_KIND_PRODUCT)
        {
            right.push((format!("{acc} – {name}"), amount(&budget.produits, *acc)));
            if *acc == 73 {
                right.push((
                    "74 – Subventions d'exploitation".into(),
                    Some(Amount::total(budget.subsidies.values())),
                ));
                for (label, a) in subsidy_lines(data, &budget.subsidies) {
                    right.push((format!("    {label}"), Some(a)));
                }
            }
        }
        let mut rows = Vec::new();
        for i in 0..left.len().max(right.len()) {
            let (l, la) = left.get(i).cloned().unwrap_or_default();
            let (r, ra) = right.get(i).cloned().unwrap_or_default();
            rows.push(Row {
                cells: vec![
                    cell(l.clone()),
                    cell(if l.is_empty() {
                        String::new()
                    } else {
                        show(la)
                    }),
                    cell(r.clone()),
                    cell(if r.is_empty() {
                        String::new()
                    } else {
                        show(ra)
                    }),
                ],
                total: false,
            });
        }
        let charges = Amount::total(
            budget
                .charges
                .iter()
                .filter(|(acc, _)| **acc != IN_KIND_CHARGE)
                .map(|(_, a)| a),
        );
        let produits = Amount::total(
            budget
                .produits
                .iter()
                .filter(|(acc, _)| **acc != IN_KIND_PRODUCT)
                .map(|(_, a)| a),
        )
        .plus(Amount::total(budget.subsidies.values()));
        rows.push(Row {
            cells: vec![
                cell("Total des charges"),
                cell(euros(charges)),
                cell("Total des produits"),
                cell(euros(produits)),
            ],
            total: true,
        });
        let c86 = budget.charges.get(&IN_KIND_CHARGE).copied();
        let p87 = budget.produits.get(&IN_KIND_PRODUCT).copied();
        rows.push(Row {
            cells: vec![
                cell("86 – Emplois des contributions volontaires en nature"),
                cell(show(c86)),
                cell("87 – Contributions volontaires en nature"),
                cell(show(p87)),
            ],
            total: false,
        });
        rows.push(Row {
            cells: vec![
                cell("Total"),
                cell(euros(charges.plus(c86.unwrap_or_default()))),
                cell("Total"),
                cell(euros(produits.plus(p87.unwrap_or_default()))),
            ],
            total: true,
        });
        out.push(Block::Keep {
            c: vec![
                heading,
                Block::Table(Table {
                    caption: None,
                    columns: vec![
                        col("Charges", Align::Left),
                        col("Montant", Align::Right),
                        col("Produits", Align::Left),
                        col("Montant", Align::Right),
                    ],
                    rows,
                    class: "budget".into(),
                }),
            ],
        });
    }
    out
}

/// The name a PDF annex is copied under beside the documents
/// (`annexes/NAME`), from its file's path in the period so that two files
/// never share one (two centres' « statuts ») and a file the base shares
/// is copied once. A file of `annexes/` named as a slug keeps its name
/// (`annexes/charte-laicite.pdf` → `annexe-charte-laicite.pdf`); any other
/// path gets a short hash of itself after its slug, since slugs lose case,
/// accents and `/` (`centres/etouvie-statuts.pdf` and
/// `centres/etouvie/statuts.pdf` would meet):
/// `annexe-centres-etouvie-statuts-3b316bf4.pdf`.
fn annex_copy_name(file: &str, id: &str) -> String {
    let stem = file.strip_suffix(".pdf").unwrap_or(file);
    if let Some(name) = stem.strip_prefix("annexes/")
        && !name.is_empty()
        && crate::fr::slug(name) == name
    {
        return format!("annexe-{name}.pdf");
    }
    let slug = crate::fr::slug(&stem.replace('/', "-"));
    let hash = &crate::merge::sha256_hex(file.as_bytes())[..8];
    format!(
        "annexe-{}-{hash}.pdf",
        if slug.is_empty() {
            crate::fr::slug(id)
        } else {
            slug
        }
    )
}

/// The initials boxes of every page: one per party of the signature page.
pub fn initials(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .find_map(|b| match b {
            Block::Signatures { parties } => {
                Some(parties.iter().map(|p| p.initials.clone()).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::annex_copy_name;

    /// Paths whose slugs meet still get names of their own.
    #[test]
    fn annex_copy_names_are_distinct() {
        assert_eq!(
            annex_copy_name("annexes/charte-laicite.pdf", "charte"),
            "annexe-charte-laicite.pdf"
        );
        let names: Vec<String> = [
            "annexes/a-b.pdf",
            "annexes/a/b.pdf",
            "annexes/A-b.pdf",
            "annexes/á-b.pdf",
            "a-b.pdf",
            "centres/a-b.pdf",
            "centres/a/b.pdf",
        ]
        .iter()
        .map(|f| annex_copy_name(f, "x"))
        .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }
}
