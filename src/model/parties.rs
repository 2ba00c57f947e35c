//! The legal identity of the parties (SPEC §8): how French administrative
//! law names a party and its signatory — article and gender of the name,
//! civility, the act that empowers the person who signs — and the
//! documents annexed to a convention.
//!
//! These are data; the sentences made from them are written by
//! `fr::wording`, and the rules about them live in `check::parties`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Date;

/// Article d'un nom : « la », « le », « l' » ou « les ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Article {
    /// « la » (la Ville de Poitiers).
    #[serde(rename = "la")]
    La,
    /// « le » (le Centre social d'Étouvie).
    #[serde(rename = "le")]
    Le,
    /// « l' » (l'Association…, l'État) : préciser `gender`.
    #[serde(rename = "l'", alias = "l’")]
    L,
    /// « les » : préciser `gender`.
    #[serde(rename = "les")]
    Les,
}

/// Genre grammatical d'un nom : « f » ou « m ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Gender {
    /// Féminin.
    #[serde(rename = "f")]
    F,
    /// Masculin.
    #[serde(rename = "m")]
    M,
}

/// Civilité d'une personne : « Mme » ou « M. ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Civility {
    /// Madame.
    #[serde(rename = "Mme")]
    Mme,
    /// Monsieur.
    #[serde(rename = "M.", alias = "M")]
    M,
}

impl From<Article> for crate::fr::wording::Article {
    fn from(a: Article) -> Self {
        use crate::fr::wording::Article as W;
        match a {
            Article::La => W::La,
            Article::Le => W::Le,
            Article::L => W::L,
            Article::Les => W::Les,
        }
    }
}

impl From<Gender> for crate::fr::wording::Gender {
    fn from(g: Gender) -> Self {
        match g {
            Gender::F => crate::fr::wording::Gender::F,
            Gender::M => crate::fr::wording::Gender::M,
        }
    }
}

impl From<Civility> for crate::fr::wording::Civility {
    fn from(c: Civility) -> Self {
        match c {
            Civility::Mme => crate::fr::wording::Civility::Mme,
            Civility::M => crate::fr::wording::Civility::M,
        }
    }
}

/// L'acte qui habilite un signataire : délibération, décision, arrêté…
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Habilitation {
    /// Nature de l'acte (par défaut « délibération ») : « décision », « arrêté »…
    #[serde(default = "default_act")]
    pub act: String,
    /// Organe qui l'a pris : « conseil municipal », « conseil d'administration »…
    pub body: String,
    /// Numéro de l'acte, s'il en a un (« 2022-0147 »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Date de l'acte (date TOML).
    pub date: Date,
}

fn default_act() -> String {
    "délibération".to_string()
}

/// Un document annexé à la convention.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Annex {
    /// Identifiant stable de l'annexe ([a-z0-9-]+), pour la citer : `annexe(id="…")`.
    pub id: String,
    /// Titre de l'annexe.
    pub title: String,
    /// Fichier, relatif au dossier de la période : `.md` (rendu dans le document) ou `.pdf`
    /// (ses pages sont ajoutées au PDF de la convention).
    pub file: String,
    /// Nature de l'annexe, facultative ; « charte-laicite-caf » satisfait la règle caf-charter-missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Ne peut être ni modifiée ni retirée par un centre.
    #[serde(default, skip_serializing_if = "is_false")]
    pub locked: bool,
    /// Ne peut pas être retirée par un centre.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

/// The annex kind that carries the CAF's charte de la laïcité.
pub const CHARTE_LAICITE_CAF: &str = "charte-laicite-caf";

/// Régime juridique de l'association.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum AssociationForm {
    /// Association régie par la loi du 1er juillet 1901.
    #[default]
    #[serde(rename = "loi-1901")]
    Loi1901,
    /// Association inscrite au registre des associations du tribunal judiciaire
    /// (droit local d'Alsace-Moselle, articles 21 à 79-III du code civil local).
    #[serde(rename = "loi-1908")]
    Loi1908,
}

/// L'agrément de la CAF d'un centre social ou d'un espace de vie sociale.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agrement {
    /// Nature de l'agrément : « centre-social » ou « espace-de-vie-sociale ».
    pub kind: AgrementKind,
    /// Premier jour de l'agrément.
    pub start: Date,
    /// Dernier jour de l'agrément.
    pub end: Date,
    /// Date de la décision du conseil d'administration de la CAF.
    pub decision: Date,
}

/// Nature d'un agrément de la CAF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AgrementKind {
    /// Centre social (animation globale).
    CentreSocial,
    /// Espace de vie sociale (animation locale).
    EspaceDeVieSociale,
}

impl AgrementKind {
    /// « centre social », « espace de vie sociale ».
    pub fn label(self) -> &'static str {
        match self {
            AgrementKind::CentreSocial => "centre social",
            AgrementKind::EspaceDeVieSociale => "espace de vie sociale",
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}
