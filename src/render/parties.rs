//! The parties as French administrative law names them (SPEC §8): each
//! public party with its article, its representative, the act that
//! empowers that person and its short designation; the association with
//! its legal regime and mandate. The sentences are built here, once, from
//! the data and `fr::wording`'s grammar, for conventions and avenants.

use crate::fr;
use crate::fr::wording::{self, Civility, Gender, NounPhrase};
use crate::ident;
use crate::merge::Resolved;
use crate::model::base::{PartyKind, Signatory};
use crate::model::centre::Association;
use crate::model::parties::{AssociationForm, Habilitation};

/// A public party's name with its article.
pub fn signatory_noun(s: &Signatory) -> NounPhrase {
    NounPhrase::common(&s.name, s.article.map(Into::into), s.gender.map(Into::into))
}

/// The centre's name with its article.
pub fn centre_noun(data: &Resolved) -> NounPhrase {
    NounPhrase::common(
        &data.name,
        data.article.map(Into::into),
        data.gender.map(Into::into),
    )
}

/// The association's legal name with its article.
pub fn association_noun(a: &Association) -> NounPhrase {
    NounPhrase::common(&a.legal_name, None, Some(Gender::F))
}

/// How the articles call a party: its `designation`, else a short name
/// derived from its kind (« la Ville », « la CAF », « l'État »).
pub fn designation(s: &Signatory) -> String {
    if let Some(d) = &s.designation {
        return d.clone();
    }
    let short = match s.kind {
        Some(PartyKind::Commune) => "la Ville",
        Some(PartyKind::Caf) => "la CAF",
        Some(PartyKind::Etat) => "l'État",
        Some(PartyKind::Departement) => "le Département",
        Some(PartyKind::Region) => "la Région",
        Some(PartyKind::Epci) => "l'EPCI",
        _ => return signatory_noun(s).the(),
    };
    short.to_string()
}

/// « représentée », agreed with the party.
pub fn represented(noun: &NounPhrase) -> String {
    wording::agree("représenté", noun.gender(), noun.plural())
}

/// « dénommée », agreed with the party.
fn named(noun: &NounPhrase) -> String {
    wording::agree("dénommé", noun.gender(), noun.plural())
}

/// The civility of a signer, or none.
fn civility(c: Option<crate::model::parties::Civility>) -> Option<Civility> {
    c.map(Into::into)
}

/// « Mme Élise Caradec », or the name alone when the civility is unknown.
pub fn person(c: Option<crate::model::parties::Civility>, name: &str) -> String {
    match civility(c) {
        Some(c) => format!("{} {name}", c.as_str()),
        None => name.to_string(),
    }
}

/// « par délibération du conseil municipal n° 2022-0147 du 28 mars 2022 ».
pub fn act_phrase(h: &Habilitation) -> String {
    wording::act_phrase(&h.act, &h.body, h.number.as_deref(), &fr::date_fr(h.date.0))
}

/// The gender of the person who signs: by civility, else by the form of
/// their title (« présidente »); `None` when neither says.
pub fn signer_gender(c: Option<crate::model::parties::Civility>, title: &str) -> Option<Gender> {
    civility(c)
        .map(Civility::gender)
        .or_else(|| wording::title_gender(title))
}

/// « dûment habilitée par délibération du conseil municipal … », agreed with
/// the person who signs: by civility, else by the form of their title
/// (« présidente »), else masculine; empty without an act.
pub fn habilitation_text(
    c: Option<crate::model::parties::Civility>,
    title: &str,
    h: Option<&Habilitation>,
) -> String {
    let Some(h) = h else {
        return String::new();
    };
    let gender = signer_gender(c, title).unwrap_or(Gender::M);
    format!(
        "dûment {} par {}",
        wording::agree("habilité", gender, false),
        act_phrase(h)
    )
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

/// The clause that names a public party, after « Entre les soussignés » :
/// « la Ville de Poitiers, SIRET …, dont le siège est situé …, représentée
/// par Mme Élise Caradec, maire, dûment habilitée par délibération …,
/// ci-après dénommée « la Ville », ». Starts lower-case; the caller
/// capitalises the first clause.
pub fn signatory_clause(s: &Signatory) -> String {
    let noun = signatory_noun(s);
    let mut out = noun.the();
    out.push_str(&format!(", SIRET {}", siret_display(&s.siret)));
    if let Some(address) = &s.address {
        out.push_str(&format!(", dont le siège est situé {address}"));
    }
    out.push_str(&format!(
        ", {} par {}, {}",
        represented(&noun),
        person(s.civility, &s.representative),
        wording::capacity_inline(&s.title)
    ));
    let hab = habilitation_text(s.civility, &s.title, s.habilitation.as_ref());
    if !hab.is_empty() {
        out.push_str(&format!(", {hab}"));
    }
    out.push_str(&format!(
        ", ci-après {} « {} »,",
        named(&noun),
        designation(s)
    ));
    out
}

/// The legal regime of an association, as its clause says it.
pub fn regime(a: &Association) -> String {
    match a.form {
        AssociationForm::Loi1901 => "association régie par la loi du 1er juillet 1901".to_string(),
        AssociationForm::Loi1908 => match &a.register_court {
            Some(court) => format!(
                "association inscrite au registre des associations du tribunal judiciaire {}",
                NounPhrase::new(court, None, None).de()
            ),
            None => {
                "association inscrite au registre des associations (droit local d'Alsace-Moselle)"
                    .to_string()
            }
        },
    }
}

/// The association's clause: « l'Association …, association régie par la
/// loi du 1er juillet 1901, SIRET …, RNA …, dont le siège est situé …,
/// représentée par …, présidente, dûment habilitée par décision du conseil
/// d'administration du …, gestionnaire de la Maison de quartier …,
/// ci-après dénommée « l'association », ».
pub fn association_clause(data: &Resolved) -> String {
    let a = &data.association;
    let mut out = association_noun(a).the();
    out.push_str(&format!(", {}", regime(a)));
    out.push_str(&format!(", SIRET {}", siret_display(&a.siret)));
    if let Some(rna) = &a.rna {
        out.push_str(&format!(", RNA {rna}"));
    }
    out.push_str(&format!(
        ", dont le siège est situé {}, représentée par {}, {}",
        a.address,
        person(a.civility, &a.representative),
        wording::capacity_inline(&a.title)
    ));
    let hab = habilitation_text(a.civility, &a.title, a.mandate.as_ref());
    if !hab.is_empty() {
        out.push_str(&format!(", {hab}"));
    }
    let centre = centre_noun(data);
    if !a.legal_name.eq_ignore_ascii_case(&data.name) {
        out.push_str(&format!(", gestionnaire {}", centre.de()));
    }
    out.push_str(", ci-après dénommée « l'association »,");
    out
}

/// The visa of a party's habilitation: « Vu la délibération du conseil
/// municipal n° … du … approuvant la présente convention ; ». The State's
/// representative is appointed by decree: « Vu le décret du … portant
/// nomination de Mme …, préfète de … ; ».
pub fn habilitation_visa(s: &Signatory) -> Option<String> {
    let h = s.habilitation.as_ref()?;
    if s.kind == Some(PartyKind::Etat) && wording::capitalize(&h.act).starts_with("Décret") {
        return Some(format!(
            "Vu le décret du {} portant nomination de {}, {} ;",
            fr::date_fr(h.date.0),
            person(s.civility, &s.representative),
            wording::capacity_inline(&s.title)
        ));
    }
    let act =
        wording::act_with_article(&h.act, &h.body, h.number.as_deref(), &fr::date_fr(h.date.0));
    Some(format!("Vu {act} approuvant la présente convention ;"))
}

/// The signature block of a party: « Pour la Ville de Poitiers, », « La
/// maire, », « Élise Caradec ».
pub struct SignatureLines {
    pub party: String,
    pub capacity: String,
    pub name: String,
}

pub fn signatory_signature(s: &Signatory) -> SignatureLines {
    SignatureLines {
        party: format!("Pour {},", signatory_noun(s).the()),
        capacity: capacity_line(s.civility, &s.title),
        name: s.representative.clone(),
    }
}

pub fn association_signature(a: &Association) -> SignatureLines {
    SignatureLines {
        party: format!("Pour {},", association_noun(a).the()),
        capacity: capacity_line(a.civility, &a.title),
        name: a.representative.clone(),
    }
}

/// « La présidente, »: the article follows the civility, else the form of
/// the title; a title of either gender without a civility goes bare.
fn capacity_line(c: Option<crate::model::parties::Civility>, title: &str) -> String {
    let by_gender = signer_gender(c, title).map(|g| match g {
        Gender::F => Civility::Mme,
        Gender::M => Civility::M,
    });
    let line = match by_gender {
        Some(c) => wording::capacity_with_article(c, title),
        None => wording::capitalize(title),
    };
    format!("{line},")
}

/// The association's bank account, for the payment terms: « IBAN FR76 …,
/// BIC … ».
pub fn account(a: &Association) -> Option<String> {
    let iban = a.iban.as_deref()?;
    let mut out = format!("IBAN {}", ident::display_iban(iban));
    if let Some(bic) = &a.bic {
        out.push_str(&format!(", BIC {bic}"));
    }
    Some(out)
}
