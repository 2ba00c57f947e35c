//! The template context: what base.md (and the page templates) see of a
//! convention, per SPEC §2 and §8.
//!
//! It is a plain serialisable struct built once per convention from the
//! resolved data, so templates never reach into cpo's internal types and a
//! new field is added in one place. Amounts are numbers (integers when
//! whole) for the filters `euros` and `en_lettres`; dates are ISO strings
//! for `date_fr`. The centre's own texts (introduction, sections) are
//! placeholders, replaced by their blocks once base.md is rendered (see
//! `render::template`), so they cannot change the common text's structure.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::parties;
use super::template::placeholder;
use crate::fr;
use crate::fr::wording;
use crate::merge::{Convention, Resolved};
use crate::model::base::{Axis, Commitment, Payment, Signatory};
use crate::model::centre::{CentreTerritory, Objective};
use crate::model::config::Territory;
use crate::model::parties::Agrement;
use crate::model::{Amount, MonthDay, Year};

/// The built-in annexes, in order, with their ids and titles.
pub const BUILT_IN_ANNEXES: &[(&str, &str)] = &[
    ("objectifs", "Objectifs et indicateurs"),
    ("financements", "Échéancier des financements"),
    ("budget", "Budget prévisionnel"),
    ("engagements", "Engagements communs"),
];

/// The id and title of the annex that holds the centre's text that base.md
/// does not place.
pub const PROJECT_ANNEX: (&str, &str) = ("projet-association", "Projet de l'association");

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub title: String,
    pub territory: Territory,
    pub period: PeriodContext,
    pub signatories: Vec<PartyContext>,
    /// Signatories with `funder = true` that fund this centre.
    pub funders: Vec<PartyContext>,
    pub centre: CentreContext,
    pub axes: Vec<AxisContext>,
    pub objectives: Vec<Objective>,
    pub commitments: Vec<Commitment>,
    pub funding: FundingContext,
    /// The total eligible cost: budget charges without in-kind (86).
    pub cost: CostContext,
    /// funding.total / cost.total, in percent, written the French way
    /// (« 92,84 »); `None` without a budget.
    pub funding_rate: Option<String>,
    pub payment: PaymentContext,
    /// Every annex in order, with its number.
    pub annexes: Vec<AnnexContext>,
    /// The centre's sections by id: a placeholder for its text, or "" when
    /// the centre has not written it (so `{% if sections.x %}` works).
    pub sections: BTreeMap<String, String>,
    /// The front-matter title of the centre's specific part.
    pub specific_title: String,
    /// The centre's introduction (text before its first section): a
    /// placeholder, or "".
    pub introduction: String,
    /// `article(id=…)`'s answers: « l'article 9 », by article id.
    pub articles: BTreeMap<String, String>,
    /// `annexe(id=…)`'s answers: « l'annexe 5 », by annex id.
    pub annex_refs: BTreeMap<String, String>,
    /// What each placeholder stands for, by its number.
    #[serde(skip)]
    pub texts: Vec<CentreText>,
}

impl Context {
    /// The context as Tera values, only the variables `reads` keeps: a
    /// template that never names `objectives` does not pay for turning
    /// every objective and indicator into Tera values, once per centre.
    /// Every serialized field is listed here; a test holds the list to
    /// the struct (`to_tera` of everything equals serializing it whole).
    pub fn to_tera(&self, reads: &dyn Fn(&str) -> bool) -> tera::TeraResult<tera::Context> {
        let mut ctx = tera::Context::new();
        macro_rules! fields {
            ($($f:ident),* $(,)?) => {$(
                if reads(stringify!($f)) {
                    ctx.insert_value(stringify!($f), tera::Value::try_from_serializable(&self.$f)?);
                }
            )*};
        }
        fields!(
            title,
            territory,
            period,
            signatories,
            funders,
            centre,
            axes,
            objectives,
            commitments,
            funding,
            cost,
            funding_rate,
            payment,
            annexes,
            sections,
            specific_title,
            introduction,
            articles,
            annex_refs,
        );
        Ok(ctx)
    }

    /// With or without the annex « Projet de l'association » (the annex
    /// list and `annexe(id=…)`'s answers), the rest as it is.
    pub fn set_project_annex(&mut self, data: &Resolved, project: bool) {
        self.annexes = annexes(data, project);
        self.annex_refs = annex_refs(&self.annexes);
    }
}

/// A piece of the centre's text that a placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CentreText {
    Introduction,
    Section(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodContext {
    pub label: String,
    pub start: String,
    pub end: String,
    pub start_year: Year,
    pub end_year: Year,
    pub years: Vec<Year>,
    /// How many years (4), and in words (« quatre »).
    pub count: usize,
    pub count_words: String,
}

/// A public party, with the wording made from it.
#[derive(Debug, Clone, Serialize)]
pub struct PartyContext {
    pub id: String,
    pub name: String,
    pub siret: String,
    pub address: Option<String>,
    pub representative: String,
    pub title: String,
    pub kind: Option<String>,
    pub funder: bool,
    pub article: Option<String>,
    pub gender: String,
    pub civility: Option<String>,
    /// The signer's gender, `f` or `m`, by civility else by the form of the
    /// title (« présidente »); "" when neither says. For the base's own
    /// agreements (« signés par la présidente »).
    pub signer_gender: String,
    /// « la Ville de Poitiers »
    pub the: String,
    /// « la Ville »
    pub designation: String,
    /// « représentée »
    pub represented: String,
    /// « dûment habilitée par délibération du conseil municipal n° … du … », or "".
    pub habilitation_text: String,
    /// This funder's payment terms, resolved.
    pub payment: PaymentContext,
}

#[derive(Debug, Clone, Serialize)]
pub struct CentreContext {
    pub id: String,
    pub name: String,
    /// « la Maison de quartier des Couronneries »
    pub the: String,
    pub article: Option<String>,
    pub gender: String,
    pub kind: String,
    /// The kind in French ("maison de quartier").
    pub kind_label: String,
    pub status: String,
    pub previous_id: Option<String>,
    pub application_date: Option<String>,
    pub agrement: Option<Agrement>,
    pub association: AssociationContext,
    pub territory: CentreTerritory,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssociationContext {
    pub legal_name: String,
    /// « l'Association d'animation des Couronneries »
    pub the: String,
    pub siret: String,
    pub rna: Option<String>,
    pub address: String,
    pub form: String,
    /// « association régie par la loi du 1er juillet 1901 »
    pub regime: String,
    pub register_court: Option<String>,
    pub representative: String,
    pub civility: Option<String>,
    pub title: String,
    /// As a party's `signer_gender`.
    pub signer_gender: String,
    pub habilitation_text: String,
    /// Grouped by four: « FR76 3000 … ».
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub auditor: bool,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AxisContext {
    #[serde(flatten)]
    pub axis: Axis,
    /// This centre's objectives on the axis.
    pub objectives: Vec<Objective>,
}

/// Payment terms with every day resolved: the balance falls due by 31
/// December when no day is given.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentContext {
    pub advance_percent: u8,
    pub advance_before: String,
    pub balance_before: String,
}

impl PaymentContext {
    fn of(p: &Payment) -> PaymentContext {
        PaymentContext {
            advance_percent: p.advance_percent,
            advance_before: p.advance_before.to_string(),
            balance_before: p
                .balance_before
                .unwrap_or_else(|| MonthDay::parse("12-31").expect("a valid day"))
                .to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FundingContext {
    pub funders: Vec<FunderFunding>,
    pub years: Vec<YearFunding>,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunderFunding {
    pub id: String,
    pub name: String,
    pub the: String,
    pub designation: String,
    /// Year (as a string key, as in TOML) -> amount.
    pub years: BTreeMap<String, Amount>,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearFunding {
    pub year: Year,
    pub total: Amount,
    /// Each funder's amount that year, in the order of `funding.funders`,
    /// split into the advance and the balance.
    pub funders: Vec<Instalments>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Instalments {
    pub id: String,
    pub name: String,
    pub designation: String,
    pub amount: Amount,
    pub advance: Amount,
    pub balance: Amount,
    pub advance_percent: u8,
    pub advance_before: String,
    pub balance_before: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostContext {
    pub years: Vec<YearTotal>,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearTotal {
    pub year: Year,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnexContext {
    pub number: usize,
    pub id: String,
    pub title: String,
    pub kind: Option<String>,
    /// The file, for the base's and the centre's annexes.
    pub file: Option<String>,
}

/// Serialize a value to the string serde gives it (`"centre-social"`).
fn label<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn gender_str(g: wording::Gender) -> String {
    match g {
        wording::Gender::F => "f",
        wording::Gender::M => "m",
    }
    .to_string()
}

fn party(s: &Signatory, payment: &Payment) -> PartyContext {
    let noun = parties::signatory_noun(s);
    PartyContext {
        id: s.id.clone(),
        name: s.name.clone(),
        siret: parties::siret_display(&s.siret),
        address: s.address.clone(),
        representative: s.representative.clone(),
        title: s.title.clone(),
        kind: s.kind.map(|k| label(&k)),
        funder: s.funder,
        article: noun.article().map(|a| a.as_str().to_string()),
        gender: gender_str(noun.gender()),
        civility: s.civility.map(|c| label(&c)),
        signer_gender: parties::signer_gender(s.civility, &s.title)
            .map_or_else(String::new, gender_str),
        the: noun.the(),
        designation: parties::designation(s),
        represented: parties::represented(&noun),
        habilitation_text: parties::habilitation_text(
            s.civility,
            &s.title,
            s.habilitation.as_ref(),
        ),
        payment: PaymentContext::of(&payment.for_funder(s.payment.as_ref(), &s.id)),
    }
}

/// `make()` when `keep` names `field`, else nothing (see [`build_only`]).
fn kept<T>(keep: &dyn Fn(&str) -> bool, field: &str, make: impl FnOnce() -> Vec<T>) -> Vec<T> {
    if keep(field) { make() } else { Vec::new() }
}

/// `annexe(id=…)`'s answers: « l'annexe 5 », by annex id.
fn annex_refs(annexes: &[AnnexContext]) -> BTreeMap<String, String> {
    annexes
        .iter()
        .map(|a| (a.id.clone(), format!("l'annexe {}", a.number)))
        .collect()
}

/// The annexes of a convention, numbered in order: the built-in ones, the
/// base's, the centre's, then « Projet de l'association » when `project`.
pub fn annexes(data: &Resolved, project: bool) -> Vec<AnnexContext> {
    let mut out: Vec<AnnexContext> = BUILT_IN_ANNEXES
        .iter()
        .map(|(id, title)| AnnexContext {
            number: 0,
            id: id.to_string(),
            title: title.to_string(),
            kind: None,
            file: None,
        })
        .collect();
    out.extend(data.annexes.iter().map(|a| AnnexContext {
        number: 0,
        id: a.id.clone(),
        title: a.title.clone(),
        kind: a.kind.clone(),
        file: Some(a.file.clone()),
    }));
    if project {
        out.push(AnnexContext {
            number: 0,
            id: PROJECT_ANNEX.0.to_string(),
            title: PROJECT_ANNEX.1.to_string(),
            kind: None,
            file: None,
        });
    }
    for (i, a) in out.iter_mut().enumerate() {
        a.number = i + 1;
    }
    out
}

/// « l'article 1er », « l'article 9 ».
pub fn article_ref(number: usize) -> String {
    let n = if number == 1 {
        wording::ordinal(1)
    } else {
        number.to_string()
    };
    format!("l'article {n}")
}

/// Build the context of one convention. `project_annex` says whether the
/// annex « Projet de l'association » exists (some centre text is not
/// placed by base.md), which numbers it.
pub fn build(conv: &Convention, project_annex: bool) -> Context {
    build_only(conv, project_annex, &|_| true)
}

/// The context with the costly lists (parties, funding tables, axes,
/// objectives, commitments) made only when `keep` names them, left empty
/// otherwise: what the `template` rule renders base.md with, for every
/// centre, when base.md reads only some of them (see
/// `BaseTemplate::reads`).
pub fn build_only(conv: &Convention, project_annex: bool, keep: &dyn Fn(&str) -> bool) -> Context {
    let data: &Resolved = &conv.data;
    let territory = &conv.shared.territory;
    let years = conv.years();
    let parties_ctx: Vec<PartyContext> = if keep("signatories") || keep("funders") {
        data.signatories
            .iter()
            .map(|s| party(s, &data.payment))
            .collect()
    } else {
        Vec::new()
    };
    let funders: Vec<PartyContext> = parties_ctx
        .iter()
        .filter(|p| p.funder && data.funding.contains_key(&p.id))
        .cloned()
        .collect();
    // Funders in signing order, then any other funding line.
    let rank = |id: &str| {
        data.signatories
            .iter()
            .position(|s| s.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut funding_lines: Vec<_> = kept(keep, "funding", || data.funding.iter().collect());
    funding_lines.sort_by_key(|(id, _)| (rank(id), id.as_str()));
    let funder_rows: Vec<FunderFunding> = funding_lines
        .iter()
        .map(|(id, by_year)| {
            let s = data.signatory(id);
            FunderFunding {
                id: (*id).clone(),
                name: s.map_or_else(|| (*id).clone(), |s| s.name.clone()),
                the: s.map_or_else(|| (*id).clone(), |s| parties::signatory_noun(s).the()),
                designation: s.map_or_else(|| (*id).clone(), parties::designation),
                years: by_year.iter().map(|(y, a)| (y.to_string(), *a)).collect(),
                total: Amount::total(by_year.values()),
            }
        })
        .collect();
    let funding_years: &[Year] = if keep("funding") { &years } else { &[] };
    let year_rows = funding_years
        .iter()
        .map(|y| YearFunding {
            year: *y,
            total: data.funding_for_year(*y),
            funders: funder_rows
                .iter()
                .map(|f| {
                    let amount = f.years.get(&y.to_string()).copied().unwrap_or_default();
                    let own = data.signatory(&f.id).and_then(|s| s.payment.as_ref());
                    let terms = PaymentContext::of(&data.payment.for_funder(own, &f.id));
                    let advance = amount
                        .percent(Decimal::from(terms.advance_percent))
                        .unwrap_or(amount);
                    Instalments {
                        id: f.id.clone(),
                        name: f.name.clone(),
                        designation: f.designation.clone(),
                        amount,
                        advance,
                        balance: amount.minus(advance),
                        advance_percent: terms.advance_percent,
                        advance_before: terms.advance_before,
                        balance_before: terms.balance_before,
                    }
                })
                .collect(),
        })
        .collect();
    let funding = FundingContext {
        funders: funder_rows,
        years: year_rows,
        total: data.funding_total(),
    };
    let cost = CostContext {
        years: years
            .iter()
            .map(|y| YearTotal {
                year: *y,
                total: data.budget.get(y).map_or(Amount::ZERO, |b| {
                    Amount::total(
                        b.charges
                            .iter()
                            .filter(|(acc, _)| **acc != crate::model::budget::IN_KIND_CHARGE)
                            .map(|(_, a)| a),
                    )
                }),
            })
            .collect::<Vec<_>>(),
        total: Amount::ZERO,
    };
    let cost = CostContext {
        total: Amount::total(cost.years.iter().map(|y| &y.total)),
        ..cost
    };
    let funding_rate = (!cost.total.0.is_zero())
        .then(|| {
            funding
                .total
                .0
                .checked_mul(Decimal::ONE_HUNDRED)?
                .checked_div(cost.total.0)
        })
        .flatten()
        .map(|r| fr::number(&crate::model::types::round_cents(r)));

    // The centre's texts, as placeholders.
    let mut texts = Vec::new();
    let introduction = if conv.text.intro.trim().is_empty() {
        String::new()
    } else {
        texts.push(CentreText::Introduction);
        placeholder(texts.len() - 1)
    };
    let mut sections: BTreeMap<String, String> = data
        .sections
        .required
        .iter()
        .chain(&data.sections.optional)
        .map(|id| (id.clone(), String::new()))
        .collect();
    for s in &conv.text.sections {
        if crate::model::text::is_blank(&s.body) {
            sections.entry(s.id.clone()).or_default();
            continue;
        }
        texts.push(CentreText::Section(s.id.clone()));
        sections.insert(s.id.clone(), placeholder(texts.len() - 1));
    }

    let annex_list = annexes(data, project_annex);
    let annex_refs = annex_refs(&annex_list);
    let articles = conv
        .base_text()
        .sections
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), article_ref(i + 1)))
        .collect();

    let centre_noun = parties::centre_noun(data);
    let a = &data.association;
    Context {
        title: data.title.clone(),
        territory: territory.clone(),
        period: PeriodContext {
            label: conv.period().to_string(),
            start: data.period.start.to_string(),
            end: data.period.end.to_string(),
            start_year: data.period.first_year(),
            end_year: data.period.last_year(),
            count: years.len(),
            count_words: fr::nombre_en_lettres(years.len() as u64),
            years,
        },
        signatories: kept(keep, "signatories", || parties_ctx),
        funders,
        centre: CentreContext {
            id: conv.id.clone(),
            name: data.name.clone(),
            the: centre_noun.the(),
            article: centre_noun.article().map(|a| a.as_str().to_string()),
            gender: gender_str(centre_noun.gender()),
            kind: label(&data.kind),
            kind_label: data.kind.label().to_string(),
            status: data.status.as_str().to_string(),
            previous_id: data.previous_id.clone(),
            application_date: data.application_date.map(|d| d.to_string()),
            agrement: data.agrement.clone(),
            association: AssociationContext {
                legal_name: a.legal_name.clone(),
                the: parties::association_noun(a).the(),
                siret: parties::siret_display(&a.siret),
                rna: a.rna.clone(),
                address: a.address.clone(),
                form: label(&a.form),
                regime: parties::regime(a),
                register_court: a.register_court.clone(),
                representative: a.representative.clone(),
                civility: a.civility.map(|c| label(&c)),
                title: a.title.clone(),
                signer_gender: parties::signer_gender(a.civility, &a.title)
                    .map_or_else(String::new, gender_str),
                habilitation_text: parties::habilitation_text(
                    a.civility,
                    &a.title,
                    a.mandate.as_ref(),
                ),
                iban: a.iban.as_deref().map(crate::ident::display_iban),
                bic: a.bic.clone(),
                auditor: a.auditor,
                email: a.email.clone(),
            },
            territory: data.territory.clone(),
        },
        axes: kept(keep, "axes", || {
            data.axes
                .iter()
                .map(|a| AxisContext {
                    axis: a.clone(),
                    objectives: data
                        .objectives
                        .iter()
                        .filter(|o| o.axis == a.id)
                        .cloned()
                        .collect(),
                })
                .collect()
        }),
        objectives: kept(keep, "objectives", || data.objectives.clone()),
        commitments: kept(keep, "commitments", || data.commitments.clone()),
        funding,
        cost,
        funding_rate,
        payment: PaymentContext::of(&data.payment),
        annexes: annex_list,
        sections,
        specific_title: conv
            .text
            .title
            .clone()
            .unwrap_or_else(|| format!("Projet {}", centre_noun.de())),
        introduction,
        articles,
        annex_refs,
        texts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `to_tera` names every field the context serializes: rendering
    /// with all of them is rendering with the whole context.
    #[test]
    fn to_tera_lists_every_field() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/poitiers");
        let project = crate::pipeline::Project::open(&root).expect("the example opens");
        let checked = project.check(&Default::default());
        let conv = &checked.period(None).expect("a period").conventions[0];
        let context = build(conv, true);
        let whole = tera::Context::from_serialize(&context).expect("serializes");
        let listed = context.to_tera(&|_| true).expect("serializes");
        let json = serde_json::to_value(&context).expect("serializes");
        let fields: Vec<&String> = json.as_object().expect("a struct").keys().collect();
        assert!(fields.len() > 10);
        for field in fields {
            assert!(
                listed.get(field).is_some(),
                "`{field}` is missing from to_tera"
            );
            assert_eq!(listed.get(field), whole.get(field), "{field}");
        }
        let some = context.to_tera(&|f| f == "centre").expect("serializes");
        assert!(some.get("centre").is_some() && some.get("title").is_none());
    }
}
