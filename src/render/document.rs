//! A resolved convention as a document (SPEC §7): title, parties, visas,
//! préambule, numbered articles with the centre's sections where base.md
//! places them, annexes (objectives, funding schedule, budget prévisionnel,
//! commitments) and the signature page.
//!
//! The legal wording that every convention carries (visas, party clauses,
//! the "Fait à" line) lives here, in French, once.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::context::Context;
use super::ir::{Align, Block, Column, Document, Inline, Meta, Row, Signer, Table};
use super::markdown::to_blocks;
use crate::check::money::{CHARGE_ACCOUNTS, PRODUCT_ACCOUNTS};
use crate::diag::FileId;
use crate::fr;
use crate::merge::Convention;
use crate::model::base::PartyKind;
use crate::model::text::Section;
use crate::model::{Amount, Year};

/// Everything a document needs besides the convention itself.
pub struct Inputs<'a> {
    pub conv: &'a Convention,
    pub context: &'a Context,
    /// base.md rendered for this centre (Markdown).
    pub common_text: &'a str,
    /// The template source of base.md, to find which sections it places.
    pub base_source: &'a str,
    /// The document date (ISO), from the data or the last commit.
    pub date: String,
}

/// `218 601 946 00013`: SIREN in groups of three, then the NIC.
pub fn siret_display(siret: &str) -> String {
    if siret.len() == 14 && siret.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "{} {} {} {}",
            &siret[0..3],
            &siret[3..6],
            &siret[6..9],
            &siret[9..]
        )
    } else {
        siret.to_string()
    }
}

/// The legal basis every convention cites, and the CAF's charter when a CAF signs.
pub fn visas(caf_signs: bool) -> Vec<&'static str> {
    let mut v = vec![
        "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment ses articles 10 et 10-1 ;",
        "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 du 12 avril 2000 et relatif à la transparence financière des aides octroyées par les personnes publiques ;",
        "Vu le décret n° 2021-1947 du 31 décembre 2021 pris pour l'application de l'article 10-1 de la loi n° 2000-321 du 12 avril 2000 et approuvant le contrat d'engagement républicain des associations et fondations bénéficiant de subventions publiques ou d'un agrément de l'État ;",
    ];
    if caf_signs {
        v.push("Vu la charte de la laïcité de la branche Famille avec ses partenaires, adoptée par le conseil d'administration de la Caisse nationale des allocations familiales le 1er septembre 2015 ;");
    }
    v
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

/// Ids of the centre sections that base.md places itself
/// (`sections.projet`, `sections["plan-action"]`).
pub fn placed_sections(base_source: &str, ids: impl Iterator<Item = String>) -> Vec<String> {
    ids.filter(|id| {
        base_source.contains(&format!("sections.{id}"))
            || base_source.contains(&format!("sections[\"{id}\"]"))
            || base_source.contains(&format!("sections['{id}']"))
    })
    .collect()
}

/// Names of subsidy lines that are not signatories (CERFA 12156 wording).
fn subsidy_label(key: &str) -> String {
    match key {
        "etat" => "État".to_string(),
        "region" => "Région".to_string(),
        "departement" => "Département".to_string(),
        "epci" => "Intercommunalité (EPCI)".to_string(),
        "commune" => "Commune".to_string(),
        "fonjep" => "FONJEP".to_string(),
        "europe" | "fse" => "Fonds européens".to_string(),
        "asp" => "Agence de services et de paiement (emplois aidés)".to_string(),
        other => other.to_string(),
    }
}

/// Build the document of one convention.
pub fn build(inputs: &Inputs<'_>) -> Document {
    let conv = inputs.conv;
    let ctx = inputs.context;
    let data = &conv.data;
    let years = conv.years();
    let mut blocks: Vec<Block> = Vec::new();

    // Title.
    blocks.push(Block::Center {
        c: vec![
            Block::Heading {
                level: 1,
                id: Some("titre".into()),
                c: cell(&data.title),
            },
            Block::para(format!(
                "Période {} – du {} au {}",
                conv.period,
                fr::date_fr(data.period.start),
                fr::date_fr(data.period.end)
            )),
            Block::para_inlines(vec![Inline::strong(&data.name)]),
        ],
    });

    blocks.extend(parties(data));

    // Visas.
    let caf_signs = data
        .signatories
        .iter()
        .any(|s| s.kind == Some(PartyKind::Caf) || s.id == "caf");
    blocks.push(Block::heading_id(2, "visas", "Visas"));
    for v in visas(caf_signs) {
        blocks.push(Block::para(v));
    }

    // The common text: préambule, then numbered articles.
    let mut diags = Vec::new();
    let common = crate::model::text::parse(FileId(0), inputs.common_text, false, &mut diags);
    if !common.intro.is_empty() {
        blocks.push(Block::heading_id(2, "preambule", "Préambule"));
        blocks.extend(to_blocks(&common.intro, 0));
    }
    for (i, article) in common.sections.iter().enumerate() {
        blocks.push(article_heading(i + 1, article));
        blocks.extend(to_blocks(&article.body, 0));
    }

    // Centre sections base.md did not place: the specific part, after the articles.
    let placed = placed_sections(
        inputs.base_source,
        conv.text.sections.iter().map(|s| s.id.clone()),
    );
    let unplaced: Vec<&Section> = conv
        .text
        .sections
        .iter()
        .filter(|s| !placed.contains(&s.id))
        .collect();
    if !unplaced.is_empty() || (!conv.text.intro.is_empty() && placed.is_empty()) {
        blocks.push(Block::heading_id(
            2,
            "partie-specifique",
            &ctx.specific_title,
        ));
        if !conv.text.intro.is_empty() {
            blocks.extend(to_blocks(&conv.text.intro, 1));
        }
        for s in unplaced {
            blocks.push(Block::heading_id(3, &s.id, &s.title));
            blocks.extend(to_blocks(&s.body, 1));
        }
    }

    // Annexes.
    blocks.push(Block::PageBreak);
    blocks.push(Block::heading_id(
        2,
        "annexe-objectifs",
        "Annexe 1 – Objectifs et indicateurs",
    ));
    blocks.extend(objectives_annex(inputs, &years));
    blocks.push(Block::heading_id(
        2,
        "annexe-financements",
        "Annexe 2 – Échéancier des financements",
    ));
    blocks.extend(funding_annex(inputs, &years));
    blocks.push(Block::heading_id(
        2,
        "annexe-budget",
        "Annexe 3 – Budget prévisionnel",
    ));
    blocks.extend(budget_annex(inputs, &years));
    blocks.push(Block::heading_id(
        2,
        "annexe-engagements",
        "Annexe 4 – Engagements communs",
    ));
    for c in &data.commitments {
        blocks.push(Block::heading_id(
            3,
            format!("engagement-{}", c.id),
            &c.title,
        ));
        blocks.extend(to_blocks(&c.text, 2));
    }

    blocks.extend(signature_page(data, &ctx.territory.place));

    let fingerprint = conv.fingerprint();
    blocks.push(Block::para(format!(
        "Empreinte de la convention (SHA-256) : {fingerprint}"
    )));

    Document {
        meta: Meta {
            id: conv.id.clone(),
            period: conv.period.clone(),
            title: format!("{} – {}", data.title, data.name),
            subtitle: data.name.clone(),
            short_fingerprint: fingerprint[..12].to_string(),
            fingerprint,
            draft: data.status == crate::model::centre::Status::Draft,
            date: inputs.date.clone(),
            author: ctx.territory.name.clone(),
            kind: "convention".to_string(),
        },
        blocks,
    }
}

/// "Entre les soussignés": each public party, then the association.
pub fn parties(data: &crate::merge::Resolved) -> Vec<Block> {
    let mut blocks = vec![Block::heading_id(2, "parties", "Entre les soussignés")];
    for s in &data.signatories {
        let mut c = vec![Inline::strong(&s.name)];
        let mut rest = format!(", SIRET {}", siret_display(&s.siret));
        if let Some(address) = &s.address {
            rest.push_str(&format!(", dont le siège est situé {address}"));
        }
        rest.push_str(&format!(
            ", représenté(e) par {}, en qualité de {},",
            s.representative, s.title
        ));
        c.push(Inline::text(rest));
        blocks.push(Block::para_inlines(c));
    }
    blocks.push(Block::para("d'une part, et"));
    let a = &data.association;
    let mut rest = format!(", SIRET {}", siret_display(&a.siret));
    if let Some(rna) = &a.rna {
        rest.push_str(&format!(", RNA {rna}"));
    }
    rest.push_str(&format!(
        ", dont le siège est situé {}, représentée par {}, en qualité de {}, gestionnaire de {} ({}), ci-après dénommée « l'association »,",
        a.address,
        a.representative,
        a.title,
        data.name,
        data.kind.label()
    ));
    blocks.push(Block::para_inlines(vec![
        Inline::strong(&a.legal_name),
        Inline::text(rest),
    ]));
    blocks.push(Block::para("d'autre part,"));
    blocks
}

/// The signature page: the "Fait à" line and one block per party.
pub fn signature_page(data: &crate::merge::Resolved, place: &str) -> Vec<Block> {
    let parties = data.signatories.len() + 1;
    let mut signers: Vec<Signer> = data
        .signatories
        .iter()
        .map(|s| Signer {
            party: s.name.clone(),
            name: s.representative.clone(),
            capacity: s.title.clone(),
        })
        .collect();
    let a = &data.association;
    signers.push(Signer {
        party: a.legal_name.clone(),
        name: a.representative.clone(),
        capacity: a.title.clone(),
    });
    vec![
        Block::PageBreak,
        Block::heading_id(2, "signatures", "Signatures"),
        Block::para(format!(
            "Fait à {place}, le ____________________, en {} exemplaires originaux.",
            fr::nombre_en_lettres(parties as u64)
        )),
        Block::Signatures { parties: signers },
    ]
}

fn article_heading(number: usize, article: &Section) -> Block {
    Block::Heading {
        level: 2,
        id: Some(article.id.clone()),
        c: cell(format!("Article {number} – {}", article.title)),
    }
}

fn objectives_annex(inputs: &Inputs<'_>, years: &[Year]) -> Vec<Block> {
    let data = &inputs.conv.data;
    let mut out = Vec::new();
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
            col("Référence", Align::Right),
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
                let unit = ind
                    .unit
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                let mut cells = vec![
                    cell(if i == 0 {
                        o.title.clone()
                    } else {
                        String::new()
                    }),
                    cell(format!("{}{unit}", ind.label)),
                    cell(ind.baseline.map(|b| fr::number(&b.0)).unwrap_or_default()),
                ];
                cells.extend(years.iter().map(|y| {
                    cell(
                        ind.targets
                            .get(y)
                            .map(|t| fr::number(&t.0))
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

fn funding_annex(inputs: &Inputs<'_>, years: &[Year]) -> Vec<Block> {
    let ctx = inputs.context;
    let mut columns = vec![col("Financeur", Align::Left)];
    columns.extend(years.iter().map(|y| col(&y.to_string(), Align::Right)));
    columns.push(col("Total", Align::Right));
    let mut rows = Vec::new();
    for f in &ctx.funding.funders {
        let mut cells = vec![cell(&f.name)];
        cells.extend(years.iter().map(|y| {
            cell(
                f.years
                    .get(&y.to_string())
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
    out
}

fn in_words(a: Amount) -> String {
    fr::en_lettres(&a.0).unwrap_or_else(|e| e.to_string())
}

fn budget_annex(inputs: &Inputs<'_>, years: &[Year]) -> Vec<Block> {
    let data = &inputs.conv.data;
    let mut out = Vec::new();
    for year in years {
        let Some(budget) = data.budget.get(year) else {
            out.push(Block::heading_id(
                3,
                format!("budget-{year}"),
                format!("Budget prévisionnel {year}"),
            ));
            out.push(Block::para("Budget non communiqué."));
            continue;
        };
        out.push(Block::heading_id(
            3,
            format!("budget-{year}"),
            format!("Budget prévisionnel {year}"),
        ));
        let amount = |m: &BTreeMap<u16, Amount>, acc: u16| m.get(&acc).copied();
        let show = |a: Option<Amount>| a.map(euros).unwrap_or_else(|| "—".into());
        // Left: charges 60–68; right: produits 70, 73, 74 (one line per funder), 75–79.
        let left: Vec<(String, Option<Amount>)> = CHARGE_ACCOUNTS
            .iter()
            .filter(|(acc, _)| *acc != 86)
            .map(|(acc, name)| (format!("{acc} – {name}"), amount(&budget.charges, *acc)))
            .collect();
        let mut right: Vec<(String, Option<Amount>)> = Vec::new();
        for (acc, name) in PRODUCT_ACCOUNTS.iter().filter(|(acc, _)| *acc != 87) {
            right.push((format!("{acc} – {name}"), amount(&budget.produits, *acc)));
            if *acc == 73 {
                let total: Amount = budget.subsidies.values().sum();
                right.push(("74 – Subventions d'exploitation".into(), Some(total)));
                for (key, a) in &budget.subsidies {
                    let label = data
                        .signatory(key)
                        .map_or_else(|| subsidy_label(key), |s| s.name.clone());
                    right.push((format!("    dont {label}"), Some(*a)));
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
        let charges: Amount = budget
            .charges
            .iter()
            .filter(|(acc, _)| **acc != 86)
            .map(|(_, a)| *a)
            .sum();
        let produits: Amount = budget
            .produits
            .iter()
            .filter(|(acc, _)| **acc != 87)
            .map(|(_, a)| *a)
            .sum::<Amount>()
            + budget.subsidies.values().sum();
        rows.push(Row {
            cells: vec![
                cell("Total des charges"),
                cell(euros(charges)),
                cell("Total des produits"),
                cell(euros(produits)),
            ],
            total: true,
        });
        let c86 = budget.charges.get(&86).copied();
        let p87 = budget.produits.get(&87).copied();
        rows.push(Row {
            cells: vec![
                cell("86 – Emplois des contributions volontaires en nature"),
                cell(show(c86)),
                cell("87 – Contributions volontaires en nature"),
                cell(show(p87)),
            ],
            total: false,
        });
        let zero = Amount(Decimal::ZERO);
        rows.push(Row {
            cells: vec![
                cell("Total"),
                cell(euros(charges + c86.unwrap_or(zero))),
                cell("Total"),
                cell(euros(produits + p87.unwrap_or(zero))),
            ],
            total: true,
        });
        out.push(Block::Table(Table {
            caption: Some(format!(
                "Budget prévisionnel de l'action {year} (CERFA n° 12156)"
            )),
            columns: vec![
                col("Charges", Align::Left),
                col("Montant", Align::Right),
                col("Produits", Align::Left),
                col("Montant", Align::Right),
            ],
            rows,
            class: "budget".into(),
        }));
    }
    out
}
