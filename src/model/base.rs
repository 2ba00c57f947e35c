//! `base.toml`: the socle commun of a period, the data every centre's
//! convention shares (title, dates, signatories, axes, commitments, the
//! sections a centre must write, the payment terms).
//!
//! The same entry types describe the resolved convention after the merge
//! (see `merge`); the centre file's partial versions are in `centre`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::parties::{Annex, Article, Civility, Gender, Habilitation};
use super::types::{Date, MonthDay};

/// Socle commun d'une période (`base.toml`) : données partagées par toutes les conventions.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "base.toml")]
pub struct BaseFile {
    /// Titre des conventions (« Convention pluriannuelle d'objectifs »).
    pub title: String,
    /// Dates de la période ; le dossier doit s'appeler ANNÉE_DÉBUT-ANNÉE_FIN.
    pub period: PeriodDates,
    /// Les parties publiques, dans l'ordre de signature.
    #[serde(default)]
    pub signatories: Vec<Signatory>,
    /// Les orientations du socle commun.
    #[serde(default)]
    pub axes: Vec<Axis>,
    /// Les engagements communs imprimés dans chaque convention.
    #[serde(default)]
    pub commitments: Vec<Commitment>,
    /// Les sections (titres de niveau 2) du fichier Markdown de chaque centre.
    #[serde(default)]
    pub sections: SectionRules,
    /// Modalités de versement (un centre peut les modifier).
    pub payment: Payment,
    /// Titre du budget annexé : « association » (budget prévisionnel de l'association,
    /// pour une subvention de fonctionnement, par défaut) ou « action » (d'un projet).
    #[serde(default, skip_serializing_if = "BudgetScope::is_default")]
    pub budget_scope: BudgetScope,
    /// Documents annexés à toutes les conventions de la période (charte de la laïcité…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annexes: Vec<Annex>,
}

/// Ce que couvre le budget prévisionnel annexé (titre du CERFA n° 12156*06).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetScope {
    /// « Budget prévisionnel de l'association » : subvention de fonctionnement.
    #[default]
    Association,
    /// « Budget prévisionnel de l'action » : subvention d'un projet.
    Action,
}

impl BudgetScope {
    fn is_default(&self) -> bool {
        *self == BudgetScope::Association
    }
}

/// Début et fin de la période de la convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodDates {
    /// Premier jour de la période (date TOML, par exemple 2022-01-01).
    pub start: Date,
    /// Dernier jour de la période (date TOML, par exemple 2025-12-31).
    pub end: Date,
}

impl PeriodDates {
    /// The longest period cpo resolves a convention over: a period is at
    /// most a few years (`period-too-long` warns beyond 4); 100 bounds the
    /// work per convention whatever the dates say.
    pub const MAX_YEARS: i32 = 100;

    /// Whether the dates make a period cpo can resolve conventions over:
    /// it ends after it starts, within [`Self::MAX_YEARS`].
    pub fn is_usable(&self) -> bool {
        self.start <= self.end && self.end.year() - self.start.year() < Self::MAX_YEARS
    }

    /// The calendar years of the period, in order (never empty for a
    /// usable period).
    pub fn years(&self) -> Vec<super::Year> {
        (self.start.year()..=self.end.year()).collect()
    }

    pub fn first_year(&self) -> super::Year {
        self.start.year()
    }

    pub fn last_year(&self) -> super::Year {
        self.end.year()
    }

    /// How many calendar years the period covers.
    pub fn year_count(&self) -> usize {
        usize::try_from(self.end.year() - self.start.year() + 1).unwrap_or(0)
    }
}

/// Une partie publique signataire (Ville, CAF, État…).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Identifiant stable ([a-z0-9-]+), utilisé dans les tableaux de financement.
    pub id: String,
    /// Nom de la partie (« Ville de Poitiers »).
    pub name: String,
    /// Article du nom : « la » (la Ville de Poitiers), « le », « l' » ou « les ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    /// Genre du nom, « f » ou « m » : obligatoire avec « l' » ou « les », sinon déduit de l'article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Nom court utilisé dans les articles : « ci-après dénommée « la Ville » ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designation: Option<String>,
    /// SIRET de la partie (14 chiffres).
    pub siret: String,
    /// Adresse du siège (facultative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Personne qui signe.
    pub representative: String,
    /// Civilité du signataire, « Mme » ou « M. » : « représentée par Mme Élise Caradec ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civility: Option<Civility>,
    /// Qualité du signataire (« Maire », « Directrice »…).
    pub title: String,
    /// Acte qui habilite le signataire : « dûment habilitée par délibération du conseil
    /// municipal n° 2022-0147 du 28 mars 2022 ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub habilitation: Option<Habilitation>,
    /// Modalités de versement propres à ce financeur, par-dessus celles du socle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentTerms>,
    /// Nature de la partie ; une CAF apporte le visa de la charte de la laïcité.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<PartyKind>,
    /// La partie finance-t-elle les centres (peut-elle figurer dans les tableaux de financement) ?
    #[serde(default)]
    pub funder: bool,
    /// Ne peut être ni modifiée ni retirée par un centre.
    #[serde(default, skip_serializing_if = "is_false")]
    pub locked: bool,
    /// Ne peut pas être retirée par un centre.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

/// Nature d'une partie publique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PartyKind {
    /// Commune.
    Commune,
    /// Établissement public de coopération intercommunale.
    Epci,
    /// Département.
    Departement,
    /// Région.
    Region,
    /// État (préfecture, politique de la ville).
    Etat,
    /// Caisse d'allocations familiales.
    Caf,
    /// Autre financeur.
    Autre,
}

/// Une orientation du socle commun.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Identifiant stable de l'orientation.
    pub id: String,
    /// Intitulé de l'orientation.
    pub title: String,
    /// Présentation de l'orientation (Markdown, facultative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Chaque centre doit-il avoir au moins un objectif sur cette orientation ?
    #[serde(default)]
    pub required: bool,
    /// Ne peut être ni modifiée ni retirée par un centre.
    #[serde(default, skip_serializing_if = "is_false")]
    pub locked: bool,
}

/// Un engagement commun (charte de la laïcité, contrat d'engagement républicain…).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// Identifiant stable de l'engagement.
    pub id: String,
    /// Intitulé de l'engagement.
    pub title: String,
    /// Texte de l'engagement (Markdown).
    pub text: String,
    /// Ne peut être ni modifié ni retiré par un centre.
    #[serde(default)]
    pub locked: bool,
    /// Ne peut pas être retiré par un centre.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

/// Les sections du projet de chaque centre.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionRules {
    /// Identifiants des sections obligatoires (« diagnostic », « projet », « plan-action »).
    #[serde(default)]
    pub required: Vec<String>,
    /// Identifiants des sections facultatives.
    #[serde(default)]
    pub optional: Vec<String>,
}

/// Modalités de versement de la contribution financière.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// Part de la contribution annuelle versée en avance, en pourcentage (0 à 100).
    pub advance_percent: u8,
    /// Jour de l'année (MM-JJ) avant lequel l'avance est versée.
    pub advance_before: MonthDay,
    /// Jour de l'année (MM-JJ) avant lequel le solde est versé (facultatif).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_before: Option<MonthDay>,
    /// Modalités propres à certains financeurs (identifiant du signataire -> modalités),
    /// par-dessus celles du socle et de chaque signataire.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub funders: std::collections::BTreeMap<String, PaymentTerms>,
}

/// Modalités de versement d'un financeur : chaque clé absente reprend celle du socle.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentTerms {
    /// Part de la contribution annuelle versée en avance, en pourcentage (0 à 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_percent: Option<u8>,
    /// Jour de l'année (MM-JJ) avant lequel l'avance est versée.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_before: Option<MonthDay>,
    /// Jour de l'année (MM-JJ) avant lequel le solde est versé.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_before: Option<MonthDay>,
}

impl Payment {
    /// The terms that apply to one funder: the convention's, then the
    /// funder's own (`signatories[].payment`), then the per-funder override
    /// (`[payment.funders.ID]`), each key by key.
    pub fn for_funder(&self, own: Option<&PaymentTerms>, id: &str) -> Payment {
        let mut p = Payment {
            funders: Default::default(),
            ..self.clone()
        };
        for terms in [own, self.funders.get(id)].into_iter().flatten() {
            if let Some(v) = terms.advance_percent {
                p.advance_percent = v;
            }
            if let Some(v) = terms.advance_before {
                p.advance_before = v;
            }
            if terms.balance_before.is_some() {
                p.balance_before = terms.balance_before;
            }
        }
        p
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}
