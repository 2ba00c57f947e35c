//! The budget prévisionnel as the CERFA n° 12156*06 lays it out: the
//! accounts of charges and produits with their printed labels, and the
//! categories of operating subsidies (account 74) in the form's order.
//!
//! The check rules (which accounts are valid, balance) and the budget annex
//! of documents read the same tables, so they cannot disagree.

use super::base::PartyKind;

/// CERFA 12156*06 charge accounts, with their labels on the form.
pub const CHARGE_ACCOUNTS: &[(u16, &str)] = &[
    (60, "Achats"),
    (61, "Services extérieurs"),
    (62, "Autres services extérieurs"),
    (63, "Impôts et taxes"),
    (64, "Charges de personnel"),
    (65, "Autres charges de gestion courante"),
    (66, "Charges financières"),
    (67, "Charges exceptionnelles"),
    (68, "Dotation aux amortissements"),
    (
        69,
        "Impôt sur les bénéfices (IS) ; participation des salariés",
    ),
    (86, "Emplois des contributions volontaires en nature"),
];

/// CERFA 12156*06 product accounts (74, subsidies, is the `subsidies`
/// table, one line per funder).
pub const PRODUCT_ACCOUNTS: &[(u16, &str)] = &[
    (
        70,
        "Vente de produits finis, de marchandises, prestations de services",
    ),
    (73, "Dotations et produits de tarification"),
    (75, "Autres produits de gestion courante"),
    (76, "Produits financiers"),
    (77, "Produits exceptionnels"),
    (78, "Reprises sur amortissements et provisions"),
    (79, "Transferts de charges"),
    (87, "Contributions volontaires en nature"),
];

/// The in-kind accounts: charges 86 (emplois) must equal produits 87
/// (contributions); they sit below the totals on the form.
pub const IN_KIND_CHARGE: u16 = 86;
pub const IN_KIND_PRODUCT: u16 = 87;

/// The label of an account, charges or produits.
pub fn account_label(account: u16) -> Option<&'static str> {
    CHARGE_ACCOUNTS
        .iter()
        .chain(PRODUCT_ACCOUNTS)
        .find(|(a, _)| *a == account)
        .map(|(_, l)| *l)
}

/// The categories of account 74 on the CERFA 12156*06, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubsidyCategory {
    Etat,
    Region,
    Departement,
    Intercommunalite,
    Commune,
    OrganismesSociaux,
    FondsEuropeens,
    Asp,
    AutresEtablissementsPublics,
    AidesPrivees,
}

impl SubsidyCategory {
    /// The category's label on the form.
    pub fn label(self) -> &'static str {
        match self {
            SubsidyCategory::Etat => "État",
            SubsidyCategory::Region => "Région(s)",
            SubsidyCategory::Departement => "Département(s)",
            SubsidyCategory::Intercommunalite => "Intercommunalité(s) : EPCI",
            SubsidyCategory::Commune => "Commune(s)",
            SubsidyCategory::OrganismesSociaux => "Organismes sociaux",
            SubsidyCategory::FondsEuropeens => "Fonds européens",
            SubsidyCategory::Asp => "Agence de services et de paiement (emplois aidés)",
            SubsidyCategory::AutresEtablissementsPublics => "Autres établissements publics",
            SubsidyCategory::AidesPrivees => "Aides privées",
        }
    }

    /// The category of a signatory's kind.
    pub fn of_party(kind: PartyKind) -> SubsidyCategory {
        match kind {
            PartyKind::Etat => SubsidyCategory::Etat,
            PartyKind::Region => SubsidyCategory::Region,
            PartyKind::Departement => SubsidyCategory::Departement,
            PartyKind::Epci => SubsidyCategory::Intercommunalite,
            PartyKind::Commune => SubsidyCategory::Commune,
            PartyKind::Caf => SubsidyCategory::OrganismesSociaux,
            PartyKind::Autre => SubsidyCategory::AutresEtablissementsPublics,
        }
    }

    /// The category of a subsidy line that is not a signatory, from its
    /// key (`etat`, `region`, `fse`, `asp`…); unknown keys are "Aides
    /// privées" only when they say so, else "Autres établissements publics".
    pub fn of_key(key: &str) -> SubsidyCategory {
        let k = key.to_ascii_lowercase();
        let starts = |p: &str| k == p || k.starts_with(&format!("{p}-"));
        if starts("etat") || starts("prefecture") || starts("dreets") || starts("anct") {
            SubsidyCategory::Etat
        } else if starts("region") {
            SubsidyCategory::Region
        } else if starts("departement") || starts("cd") {
            SubsidyCategory::Departement
        } else if starts("epci") || starts("agglo") || starts("metropole") || starts("cu") {
            SubsidyCategory::Intercommunalite
        } else if starts("commune") || starts("ville") || starts("mairie") {
            SubsidyCategory::Commune
        } else if starts("caf") || starts("msa") || starts("cpam") || starts("carsat") {
            SubsidyCategory::OrganismesSociaux
        } else if starts("europe") || starts("fse") || starts("feder") || starts("ue") {
            SubsidyCategory::FondsEuropeens
        } else if starts("asp") {
            SubsidyCategory::Asp
        } else if starts("prive") || starts("fondation") || starts("mecenat") {
            SubsidyCategory::AidesPrivees
        } else {
            SubsidyCategory::AutresEtablissementsPublics
        }
    }

    /// A readable name for a subsidy line that is not a signatory.
    pub fn key_label(key: &str) -> String {
        match key.to_ascii_lowercase().as_str() {
            "etat" => "État".to_string(),
            "region" => "Région".to_string(),
            "departement" => "Département".to_string(),
            "epci" => "Intercommunalité".to_string(),
            "commune" => "Commune".to_string(),
            "fonjep" => "FONJEP".to_string(),
            "europe" | "fse" => "Fonds social européen".to_string(),
            "feder" => "FEDER".to_string(),
            "asp" => "Agence de services et de paiement".to_string(),
            _ => key.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_the_form() {
        let mut keys = ["caf", "ville", "etat", "fse", "region"]
            .map(SubsidyCategory::of_key)
            .to_vec();
        keys.sort();
        assert_eq!(
            keys,
            [
                SubsidyCategory::Etat,
                SubsidyCategory::Region,
                SubsidyCategory::Commune,
                SubsidyCategory::OrganismesSociaux,
                SubsidyCategory::FondsEuropeens
            ]
        );
        assert_eq!(account_label(64), Some("Charges de personnel"));
    }
}
