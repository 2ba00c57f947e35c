//! The template context: what base.md (and the page templates) see of a
//! convention, per SPEC §2.
//!
//! It is a plain serialisable struct built once per convention from the
//! resolved data, so templates never reach into cpo's internal types and a
//! new field is added in one place. Amounts are numbers (integers when
//! whole) for the filters `euros` and `en_lettres`; dates are ISO strings
//! for `date_fr`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::merge::{Convention, Resolved};
use crate::model::base::{Axis, Commitment, Payment, Signatory};
use crate::model::centre::{Association, CentreTerritory, Objective};
use crate::model::config::Territory;
use crate::model::{Amount, Year};

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub title: String,
    pub territory: Territory,
    pub period: PeriodContext,
    pub signatories: Vec<Signatory>,
    /// Signatories with `funder = true` that fund this centre.
    pub funders: Vec<Signatory>,
    pub centre: CentreContext,
    pub axes: Vec<AxisContext>,
    pub objectives: Vec<Objective>,
    pub commitments: Vec<Commitment>,
    pub funding: FundingContext,
    pub payment: Payment,
    /// The centre's sections by id, Markdown bodies without their heading.
    /// Every section the base declares is present (empty when the centre
    /// has not written an optional one), so `{% if sections.partenariats %}` works.
    pub sections: BTreeMap<String, String>,
    /// The front-matter title of the centre's specific part.
    pub specific_title: String,
    /// The centre's introduction (text before its first section).
    pub introduction: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodContext {
    pub label: String,
    pub start: String,
    pub end: String,
    pub start_year: Year,
    pub end_year: Year,
    pub years: Vec<Year>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CentreContext {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// The kind in French ("maison de quartier").
    pub kind_label: String,
    pub status: String,
    pub previous_id: Option<String>,
    pub association: Association,
    pub territory: CentreTerritory,
}

#[derive(Debug, Clone, Serialize)]
pub struct AxisContext {
    #[serde(flatten)]
    pub axis: Axis,
    /// This centre's objectives on the axis.
    pub objectives: Vec<Objective>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundingContext {
    pub funders: Vec<FunderFunding>,
    pub years: Vec<YearTotal>,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunderFunding {
    pub id: String,
    pub name: String,
    /// Year (as a string key, as in TOML) -> amount.
    pub years: BTreeMap<String, Amount>,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearTotal {
    pub year: Year,
    pub total: Amount,
}

/// Build the context of one convention.
pub fn build(conv: &Convention, territory: &Territory) -> Context {
    let data: &Resolved = &conv.data;
    let years = conv.years();
    let funders: Vec<Signatory> = data
        .funders()
        .filter(|s| data.funding.contains_key(&s.id))
        .cloned()
        .collect();
    // Funders in signing order, then any other funding line.
    let rank = |id: &str| {
        data.signatories
            .iter()
            .position(|s| s.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut funding_lines: Vec<_> = data.funding.iter().collect();
    funding_lines.sort_by_key(|(id, _)| (rank(id), id.as_str()));
    let funding = FundingContext {
        funders: funding_lines
            .into_iter()
            .map(|(id, by_year)| FunderFunding {
                id: id.clone(),
                name: data
                    .signatory(id)
                    .map_or_else(|| id.clone(), |s| s.name.clone()),
                years: by_year.iter().map(|(y, a)| (y.to_string(), *a)).collect(),
                total: by_year.values().sum(),
            })
            .collect(),
        years: years
            .iter()
            .map(|y| YearTotal {
                year: *y,
                total: data.funding_for_year(*y),
            })
            .collect(),
        total: data.funding_total(),
    };
    let mut sections: BTreeMap<String, String> = data
        .sections
        .required
        .iter()
        .chain(&data.sections.optional)
        .map(|id| (id.clone(), String::new()))
        .collect();
    for s in &conv.text.sections {
        sections.insert(s.id.clone(), s.body.clone());
    }
    Context {
        title: data.title.clone(),
        territory: territory.clone(),
        period: PeriodContext {
            label: conv.period.clone(),
            start: data.period.start.to_string(),
            end: data.period.end.to_string(),
            start_year: years[0],
            end_year: years[years.len() - 1],
            years: years.clone(),
        },
        signatories: data.signatories.clone(),
        funders,
        centre: CentreContext {
            id: conv.id.clone(),
            name: data.name.clone(),
            kind: serde_json::to_value(data.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            kind_label: data.kind.label().to_string(),
            status: data.status.as_str().to_string(),
            previous_id: data.previous_id.clone(),
            association: data.association.clone(),
            territory: data.territory.clone(),
        },
        axes: data
            .axes
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
            .collect(),
        objectives: data.objectives.clone(),
        commitments: data.commitments.clone(),
        funding,
        payment: data.payment.clone(),
        sections,
        specific_title: conv
            .text
            .title
            .clone()
            .unwrap_or_else(|| format!("Projet de {}", data.name)),
        introduction: conv.text.intro.clone(),
    }
}
