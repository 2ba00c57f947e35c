//! `base.toml`: the socle commun of a period, the data every centre's
//! convention shares (title, dates, signatories, axes, commitments, the
//! sections a centre must write, the payment terms).
//!
//! The same entry types describe the resolved convention after the merge
//! (see `merge`); the centre file's partial versions are in `centre`.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// Une partie publique signataire (Ville, CAF, État…).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Identifiant stable ([a-z0-9-]+), utilisé dans les tableaux de financement.
    pub id: String,
    /// Nom de la partie (« Ville de Poitiers »).
    pub name: String,
    /// SIRET de la partie (14 chiffres).
    pub siret: String,
    /// Adresse du siège (facultative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Personne qui signe.
    pub representative: String,
    /// Qualité du signataire (« Maire », « Directrice »…).
    pub title: String,
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
    pub advance_before: String,
    /// Jour de l'année (MM-JJ) avant lequel le solde est versé (facultatif).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_before: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
