//! `cpo avenant CENTRE`: the amendment that records what changed in a
//! centre's convention since it was sealed, article by article, with its
//! own signature page ("Avenant n° 1 à la convention…").
//!
//! The sealed convention is read back from git at the seal's commit (read
//! in place) and compared with the repository now, on the rendered text a
//! signatory read: base.md rendered for the centre, its sections, its data.
//! Each change becomes one article of the avenant in the French drafting
//! style: "L'article 5 est remplacé par les dispositions suivantes : …".

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::diff::{DataChange, diff_values};
use crate::fr;
use crate::merge::Convention;
use crate::model::Period;
use crate::pipeline::{Checked, Project};
use crate::render::document::{
    CommonText, common_text, initials, party_blocks, signature_page, visas,
};
use crate::render::ir::{Align, Block, Column, Document, DocumentKind, Inline, Meta, Row, Table};
use crate::render::markdown::to_blocks;
use crate::seal;

/// An article of the common text as a signatory read it: id, title and
/// its Markdown rendered for the centre.
pub struct ArticleText {
    pub id: String,
    pub title: String,
    pub body: String,
}

fn articles(common: &CommonText) -> Vec<ArticleText> {
    common
        .articles
        .iter()
        .map(|a| ArticleText {
            id: a.id.clone(),
            title: a.title.clone(),
            body: a.markdown.clone(),
        })
        .collect()
}

/// What the avenant needs: the sealed and current conventions.
pub struct Amendment {
    pub number: usize,
    pub seal: seal::Seal,
    pub sealed: Convention,
    pub current: Convention,
    pub sealed_articles: Vec<ArticleText>,
    pub current_articles: Vec<ArticleText>,
    /// Centre sections base.md places in its articles (their changes show
    /// there).
    pub placed: Vec<String>,
}

/// Load both sides of an amendment of `centre`: the convention now, from
/// `checked`, and as sealed, read back from git at the seal's commit.
pub fn prepare(checked: &Checked<'_>, period: &Period, centre: &str) -> Result<Amendment> {
    let (seals, problems) = seal::read(period);
    if let Some(p) = problems.first() {
        bail!(
            "{}: {}",
            checked.snapshot().sources.describe(&p.loc),
            p.message
        );
    }
    let latest = seal::latest(&seals);
    let Some((seal, _)) = latest.get(centre) else {
        bail!(
            "centre `{centre}` has no seal in period {}: seal the signed convention first (`cpo seal {centre}`)",
            period.label
        );
    };
    let current = checked
        .period(Some(&period.label))
        .and_then(|p| p.conventions.iter().find(|c| c.id == centre))
        .with_context(|| format!("centre `{centre}` cannot be resolved: run `cpo check {centre}`"))?
        .clone();
    if current.fingerprint() == seal.fingerprint {
        bail!(
            "the convention of `{centre}` has not changed since it was sealed on {}: no avenant to write",
            seal.date
        );
    }
    let commit = seal.commit.as_deref().with_context(|| {
        format!("the seal of `{centre}` records no git commit: the sealed text cannot be read back")
    })?;
    let sealed_project = Project::at_revision(checked.project.root(), commit)?;
    let sealed_checked = sealed_project.check(&crate::check::Options {
        period: Some(period.label.clone()),
        centres: vec![centre.to_string()],
        ..Default::default()
    });
    let sealed = sealed_checked
        .period(Some(&period.label))
        .and_then(|p| p.conventions.iter().find(|c| c.id == centre))
        .with_context(|| format!("centre `{centre}` cannot be resolved at commit {commit}"))?
        .clone();
    if sealed.fingerprint() != seal.fingerprint {
        bail!(
            "at commit {commit} the convention of `{centre}` does not have the sealed fingerprint: the seal was recorded on uncommitted changes, or with another fingerprint format"
        );
    }
    let render = |checked: &Checked<'_>, conv: &Convention| -> Result<CommonText> {
        let template = checked
            .template(&period.label)
            .context("base.md does not compile: run `cpo check`")?;
        common_text(template, conv).map_err(|e| anyhow::anyhow!("base.md: {}", e.message))
    };
    let now = render(checked, &current)?;
    let before = render(&sealed_checked, &sealed)?;
    let placed = current
        .text
        .sections
        .iter()
        .map(|s| s.id.clone())
        .filter(|id| {
            !now.unplaced
                .contains(&crate::render::context::CentreText::Section(id.clone()))
        })
        .collect();
    Ok(Amendment {
        number: seal::count(&seals, centre),
        seal: seal.clone(),
        sealed_articles: articles(&before),
        current_articles: articles(&now),
        placed,
        sealed,
        current,
    })
}

fn cell(s: impl Into<String>) -> Vec<Inline> {
    vec![Inline::text(s)]
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "(néant)".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        v => v.to_string(),
    }
}

/// Build the avenant document.
pub fn document(a: &Amendment, date: String) -> Document {
    let conv = &a.current;
    let territory = &conv.shared.territory;
    let data = &conv.data;
    let mut blocks = Vec::new();
    let title = format!(
        "Avenant n° {} à la {} {}",
        a.number,
        data.title.to_lowercase(),
        conv.period()
    );
    blocks.push(Block::Center {
        c: vec![
            Block::Heading {
                level: 1,
                id: Some("titre".into()),
                c: cell(&title),
            },
            Block::para_inlines(vec![Inline::strong(&data.name)]),
        ],
    });
    blocks.extend(party_blocks(data));
    blocks.push(Block::heading_id(2, "visas", "Visas"));
    for v in visas(data) {
        blocks.push(Block::para(v));
    }
    blocks.push(Block::para(format!(
        "Vu la {} {} signée le {} (empreinte {}) ;",
        data.title.to_lowercase(),
        conv.period(),
        fr::date_fr(a.seal.date.0),
        a.seal.short()
    )));
    blocks.push(Block::para("Il est convenu ce qui suit :"));

    let mut number = 1;
    let mut article = |blocks: &mut Vec<Block>, title: String, body: Vec<Block>| {
        blocks.push(Block::heading_id(
            2,
            format!("article-{number}"),
            format!("Article {number} – {title}"),
        ));
        blocks.extend(body);
        number += 1;
    };
    article(
        &mut blocks,
        "Objet de l'avenant".into(),
        vec![Block::para(format!(
            "Le présent avenant modifie la convention signée le {}, dans les conditions définies aux articles suivants.",
            fr::date_fr(a.seal.date.0)
        ))],
    );

    // The common text, article by article (rendered for this centre).
    for (i, now) in a.current_articles.iter().enumerate() {
        let before = a.sealed_articles.iter().position(|s| s.id == now.id);
        match before {
            Some(j)
                if a.sealed_articles[j].body == now.body
                    && a.sealed_articles[j].title == now.title => {}
            Some(j) => {
                let mut body = vec![Block::para(format!(
                    "L'article {} (« {} ») de la convention est remplacé par les dispositions suivantes :",
                    j + 1,
                    a.sealed_articles[j].title
                ))];
                body.push(Block::Quote {
                    c: to_blocks(&now.body, 1),
                });
                article(
                    &mut blocks,
                    format!("Modification de l'article {}", j + 1),
                    body,
                );
            }
            None => {
                let mut body = vec![Block::para(format!(
                    "Il est inséré dans la convention un article {} (« {} ») ainsi rédigé :",
                    i + 1,
                    now.title
                ))];
                body.push(Block::Quote {
                    c: to_blocks(&now.body, 1),
                });
                article(&mut blocks, format!("Nouvel article {}", i + 1), body);
            }
        }
    }
    for (j, old) in a.sealed_articles.iter().enumerate() {
        if !a.current_articles.iter().any(|s| s.id == old.id) {
            article(
                &mut blocks,
                format!("Suppression de l'article {}", j + 1),
                vec![Block::para(format!(
                    "L'article {} (« {} ») de la convention est supprimé.",
                    j + 1,
                    old.title
                ))],
            );
        }
    }

    // The centre's own text, where base.md does not place it (a placed
    // section's change already shows in its article).
    let placed = &a.placed;
    for now in conv
        .text
        .sections
        .iter()
        .filter(|s| !placed.contains(&s.id))
    {
        let before = a.sealed.text.sections.iter().find(|s| s.id == now.id);
        if before.is_some_and(|b| b.body == now.body && b.title == now.title) {
            continue;
        }
        let mut body = vec![Block::para(format!(
            "Dans le projet de l'association, la partie « {} » est {} :",
            now.title,
            if before.is_some() {
                "remplacée par les dispositions suivantes"
            } else {
                "ajoutée et ainsi rédigée"
            }
        ))];
        body.push(Block::Quote {
            c: to_blocks(&now.body, 1),
        });
        article(
            &mut blocks,
            format!("Projet de l'association : {}", now.title),
            body,
        );
    }

    // Funding: the schedule as amended.
    if a.sealed.data.funding != data.funding {
        let years = conv.years();
        let mut columns = vec![
            Column {
                header: cell("Financeur"),
                align: Align::Left,
            },
            Column {
                header: cell("Année"),
                align: Align::Left,
            },
        ];
        columns.push(Column {
            header: cell("Montant initial"),
            align: Align::Right,
        });
        columns.push(Column {
            header: cell("Montant modifié"),
            align: Align::Right,
        });
        columns.push(Column {
            header: cell("Écart"),
            align: Align::Right,
        });
        let mut rows = Vec::new();
        let funders: std::collections::BTreeSet<&String> = a
            .sealed
            .data
            .funding
            .keys()
            .chain(data.funding.keys())
            .collect();
        for f in funders {
            let name = data
                .signatory(f)
                .map_or_else(|| f.clone(), |s| s.name.clone());
            for y in &years {
                let old = a
                    .sealed
                    .data
                    .funding
                    .get(f)
                    .and_then(|m| m.get(y))
                    .map(|x| x.0)
                    .unwrap_or_default();
                let new = data
                    .funding
                    .get(f)
                    .and_then(|m| m.get(y))
                    .map(|x| x.0)
                    .unwrap_or_default();
                if old != new {
                    rows.push(Row {
                        cells: vec![
                            cell(&name),
                            cell(y.to_string()),
                            cell(fr::euros(&old)),
                            cell(fr::euros(&new)),
                            cell(fr::euros(&new.saturating_sub(old))),
                        ],
                        total: false,
                    });
                }
            }
        }
        let old_total = a.sealed.data.funding_total().0;
        let new_total = data.funding_total().0;
        rows.push(Row {
            cells: vec![
                cell("Total de la convention"),
                cell(""),
                cell(fr::euros(&old_total)),
                cell(fr::euros(&new_total)),
                cell(fr::euros(&new_total.saturating_sub(old_total))),
            ],
            total: true,
        });
        article(
            &mut blocks,
            "Contribution financière".into(),
            vec![
                Block::para("L'échéancier des financements (annexe 2) est modifié comme suit :"),
                Block::Table(Table {
                    caption: None,
                    columns,
                    rows,
                    class: "money".into(),
                }),
                Block::para(format!(
                    "Le montant total de la contribution financière est ainsi porté à {} ({}).",
                    fr::euros(&new_total),
                    fr::en_lettres(&new_total).unwrap_or_default()
                )),
            ],
        );
    }

    // Other data: objectives, budget, identity, by key path.
    let mut changes: Vec<DataChange> = Vec::new();
    let strip = |c: &Convention| {
        let mut v = serde_json::to_value(&c.data).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            for k in ["funding", "status", "title", "period", "sections"] {
                m.remove(k);
            }
        }
        v
    };
    diff_values("", &strip(&a.sealed), &strip(conv), &mut changes);
    if !changes.is_empty() {
        let rows = changes
            .iter()
            .map(|c| Row {
                cells: vec![
                    cell(&c.path),
                    cell(value_text(&c.from)),
                    cell(value_text(&c.to)),
                ],
                total: false,
            })
            .collect();
        article(
            &mut blocks,
            "Autres modifications".into(),
            vec![
                Block::para(
                    "Les données suivantes de la convention et de ses annexes sont modifiées :",
                ),
                Block::Table(Table {
                    caption: None,
                    columns: vec![
                        Column {
                            header: cell("Élément"),
                            align: Align::Left,
                        },
                        Column {
                            header: cell("Rédaction initiale"),
                            align: Align::Left,
                        },
                        Column {
                            header: cell("Rédaction modifiée"),
                            align: Align::Left,
                        },
                    ],
                    rows,
                    class: "md".into(),
                }),
            ],
        );
    }
    article(
        &mut blocks,
        "Autres dispositions".into(),
        vec![Block::para(
            "Les autres dispositions de la convention demeurent inchangées. Le présent avenant prend effet à la date de sa signature par toutes les parties.",
        )],
    );

    let fingerprint = conv.fingerprint();
    blocks.extend(signature_page(
        data,
        &territory.place,
        &fingerprint,
        "de la convention modifiée",
    ));
    let initials = initials(&blocks);
    Document {
        meta: Meta {
            id: conv.id.clone(),
            period: conv.period().to_string(),
            title: format!("{title} – {}", data.name),
            subtitle: data.name.clone(),
            short_fingerprint: fingerprint[..12].to_string(),
            fingerprint,
            draft: false,
            date,
            author: territory.name.clone(),
            kind: DocumentKind::Avenant,
            nonconforming: false,
            initials,
        },
        blocks,
        pdf_files: Vec::new(),
        images: Vec::new(),
    }
}

/// `cpo avenant CENTRE`: write the amendment in every requested format
/// into the period's output folder; the paths written.
pub fn write(
    checked: &Checked<'_>,
    period: &Period,
    centre: &str,
    formats: crate::render::Formats,
    out: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>> {
    let amendment = prepare(checked, period, centre)?;
    let date = checked
        .period(Some(&period.label))
        .map(|p| crate::pipeline::document_date(checked.project, p))
        .unwrap_or_default();
    let mut doc = document(&amendment, date);
    crate::render::typeset::document(&mut doc, &crate::render::typography_options(checked));
    let dir = out.join(&period.label);
    let stem = file_stem(centre, amendment.number);
    let mut written = Vec::new();
    for (on, ext, format) in [
        (formats.html, "html", crate::render::FileFormat::Html),
        (formats.md, "md", crate::render::FileFormat::Md),
        (formats.pdf, "pdf", crate::render::FileFormat::Pdf),
    ] {
        if on {
            let bytes = crate::render::document_bytes(checked, &doc, format)?;
            let path = dir.join(format!("{stem}.{ext}"));
            crate::repo::write_atomic(&path, &bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// The file stem of avenant `number` of a centre.
pub fn file_stem(centre: &str, number: usize) -> String {
    format!("{centre}-avenant-{number}")
}

/// Plain text of a document, for tests and messages.
pub fn plain_text(doc: &Document) -> String {
    crate::render::md::document(doc)
}
