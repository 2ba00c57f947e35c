//! `centres/ID.toml`: one centre's data (identity, objectives, funding,
//! budget) and its optional changes to the socle commun.
//!
//! [`CentreFile`] is what a centre writes; it is only used to validate the
//! file and to generate its schema. What the rest of cpo reads is the
//! resolved convention after the merge (`merge::Resolved`), which reuses the
//! entry types defined here.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::base::{PartyKind, PaymentTerms};
use super::parties::{Agrement, Article, AssociationForm, Civility, Gender, Habilitation};
use super::types::{Amount, Date, MonthDay, Quantity, Year};

/// Données d'un centre pour une période (`centres/ID.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "centre")]
pub struct CentreFile {
    /// Nom usuel du centre (« Centre d'animation de Beaulieu »).
    pub name: String,
    /// Article du nom : « la » (la Maison de quartier des Couronneries), « le », « l' », « les » ;
    /// déduit du premier mot du nom quand il est absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    /// Genre du nom, « f » ou « m » : obligatoire avec « l' » ou « les ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Nature de la structure.
    pub kind: CentreKind,
    /// Date de la demande de subvention : « Vu la demande de subvention présentée par
    /// l'association le 15 octobre 2021 ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_date: Option<Date>,
    /// Avancement de la convention : brouillon, prête, signée.
    pub status: Status,
    /// Identifiant du centre dans la période précédente, s'il a changé.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<String>,
    /// Identifiants d'entrées du socle (signataires, orientations, engagements) que ce centre retire ;
    /// « tableau.id » si l'identifiant est ambigu. Jamais une entrée obligatoire ou verrouillée.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// L'association gestionnaire, partie à la convention.
    pub association: Association,
    /// Le territoire d'intervention.
    pub territory: CentreTerritory,
    /// Agrément de la CAF (centre social ou espace de vie sociale).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agrement: Option<Agrement>,
    /// Documents annexés à la convention de ce centre (statuts, projet social…), après ceux du socle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annexes: Vec<AnnexPatch>,
    /// Objectifs du centre, chacun rattaché à une orientation.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// Financements : identifiant du financeur -> année -> montant en euros.
    #[serde(default)]
    pub funding: BTreeMap<String, BTreeMap<Year, Amount>>,
    /// Budget prévisionnel par année (comptes du CERFA n° 12156).
    #[serde(default)]
    pub budget: BTreeMap<Year, Budget>,
    /// Modification des modalités de versement du socle (facultative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentPatch>,
    /// Signataires ajoutés ou modifiés pour ce centre (fusion par identifiant).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<SignatoryPatch>,
    /// Orientations ajoutées ou modifiées pour ce centre (fusion par identifiant).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<AxisPatch>,
    /// Engagements ajoutés ou modifiés pour ce centre (fusion par identifiant).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commitments: Vec<CommitmentPatch>,
}

/// Nature de la structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CentreKind {
    /// Maison de quartier.
    MaisonDeQuartier,
    /// Centre social agréé par la CAF (animation globale).
    CentreSocial,
    /// Espace de vie sociale agréé par la CAF.
    EspaceDeVieSociale,
    /// Autre association.
    Association,
}

impl CentreKind {
    /// The French name of the kind, for documents.
    pub fn label(self) -> &'static str {
        match self {
            CentreKind::MaisonDeQuartier => "maison de quartier",
            CentreKind::CentreSocial => "centre social",
            CentreKind::EspaceDeVieSociale => "espace de vie sociale",
            CentreKind::Association => "association",
        }
    }
}

/// Avancement de la convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// En cours de rédaction : les documents portent la mention PROJET.
    Draft,
    /// Prête à signer.
    Ready,
    /// Signée.
    Signed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Ready => "ready",
            Status::Signed => "signed",
        }
    }
}

/// L'association gestionnaire du centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Association {
    /// Dénomination de l'association.
    pub legal_name: String,
    /// SIRET de l'association (14 chiffres).
    pub siret: String,
    /// Numéro RNA (W suivi de 9 caractères), facultatif.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rna: Option<String>,
    /// Adresse du siège.
    pub address: String,
    /// Régime : « loi-1901 » (par défaut) ou « loi-1908 » (Alsace-Moselle).
    #[serde(default)]
    pub form: AssociationForm,
    /// Loi 1908 : le tribunal judiciaire dont le registre des associations l'inscrit (« Strasbourg »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_court: Option<String>,
    /// Personne qui signe pour l'association.
    pub representative: String,
    /// Civilité du signataire, « Mme » ou « M. ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civility: Option<Civility>,
    /// Qualité du signataire (« Président », « Présidente »…).
    pub title: String,
    /// Acte qui habilite le signataire : « décision du conseil d'administration du 12 juin 2021 ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mandate: Option<Habilitation>,
    /// IBAN du compte qui reçoit les versements (groupé par 4 ou non).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// BIC de la banque (8 ou 11 caractères).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// Un commissaire aux comptes est-il nommé (code de commerce L612-4) ?
    #[serde(default)]
    pub auditor: bool,
    /// Adresse électronique de contact (facultative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Territoire d'intervention du centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CentreTerritory {
    /// Quartiers couverts.
    pub quartiers: Vec<String>,
    /// Codes des quartiers prioritaires de la politique de la ville (QP… ou QN…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qpv: Vec<String>,
}

/// Un objectif du centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Identifiant stable de l'objectif.
    pub id: String,
    /// Identifiant de l'orientation du socle à laquelle l'objectif se rattache.
    pub axis: String,
    /// Intitulé de l'objectif.
    pub title: String,
    /// Présentation de l'objectif (Markdown, facultative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Indicateurs de suivi de l'objectif.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// Un indicateur de suivi.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Libellé de l'indicateur.
    pub label: String,
    /// Unité (« familles », « % »…), facultative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Valeur de départ, facultative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Quantity>,
    /// Cible par année de la période.
    #[serde(default)]
    pub targets: BTreeMap<Year, Quantity>,
}

/// Budget prévisionnel d'une année, selon les comptes du CERFA n° 12156.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Charges par compte : 60 à 68, et 86 (emplois des contributions volontaires en nature).
    #[serde(default)]
    pub charges: BTreeMap<u16, Amount>,
    /// Produits par compte : 70, 73, 75 à 79, et 87 (contributions volontaires en nature) ;
    /// les subventions (74) vont dans `subsidies`.
    #[serde(default)]
    pub produits: BTreeMap<u16, Amount>,
    /// Subventions d'exploitation (compte 74), une ligne par financeur.
    #[serde(default)]
    pub subsidies: BTreeMap<String, Amount>,
}

/// Modification des modalités de versement pour ce centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentPatch {
    /// Part de la contribution annuelle versée en avance, en pourcentage (0 à 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_percent: Option<u8>,
    /// Jour de l'année (MM-JJ) avant lequel l'avance est versée.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_before: Option<MonthDay>,
    /// Jour de l'année (MM-JJ) avant lequel le solde est versé.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_before: Option<MonthDay>,
    /// Modalités propres à certains financeurs : `[payment.funders.caf]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub funders: BTreeMap<String, PaymentTerms>,
}

/// Une annexe ajoutée (toutes les clés) ou modifiée (les clés à changer) pour ce centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnexPatch {
    /// Identifiant de l'annexe à ajouter ou modifier.
    pub id: String,
    /// Titre de l'annexe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Fichier, relatif au dossier de la période (`.md` ou `.pdf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Nature de l'annexe (« charte-laicite-caf »…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Un signataire ajouté (toutes les clés) ou modifié (les clés à changer).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatoryPatch {
    /// Identifiant du signataire à ajouter ou modifier.
    pub id: String,
    /// Nom de la partie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Article du nom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    /// Genre du nom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Nom court utilisé dans les articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designation: Option<String>,
    /// SIRET de la partie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    /// Adresse du siège.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Personne qui signe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<String>,
    /// Civilité du signataire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civility: Option<Civility>,
    /// Qualité du signataire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Acte qui habilite le signataire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub habilitation: Option<Habilitation>,
    /// Modalités de versement propres à ce financeur.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentTerms>,
    /// Nature de la partie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<PartyKind>,
    /// La partie finance-t-elle ce centre ?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funder: Option<bool>,
}

/// Une orientation ajoutée ou modifiée pour ce centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AxisPatch {
    /// Identifiant de l'orientation à ajouter ou modifier.
    pub id: String,
    /// Intitulé de l'orientation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Présentation de l'orientation (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Au moins un objectif du centre sur cette orientation est-il exigé ?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// Un engagement ajouté ou modifié pour ce centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentPatch {
    /// Identifiant de l'engagement à ajouter ou modifier.
    pub id: String,
    /// Intitulé de l'engagement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Texte de l'engagement (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
