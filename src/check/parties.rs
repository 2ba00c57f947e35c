//! Rules about the parties' legal identity (SPEC §8): the acts that empower
//! the signatories, the association's bank account and commissaire aux
//! comptes, the CAF's agrément, and the charte de la laïcité a CAF annexes.

use super::PeriodCx;
use crate::diag::{Diagnostic, Loc, Rule};
use crate::ident;
use crate::merge::Convention;
use crate::model::Amount;
use crate::model::budget::SubsidyCategory;
use crate::model::centre::CentreKind;
use crate::model::parties::{AgrementKind, CHARTE_LAICITE_CAF};

/// The yearly public subsidies above which an association appoints a
/// commissaire aux comptes (code de commerce L612-4, décret n° 2006-335).
pub const AUDITOR_THRESHOLD: i64 = 153_000;

pub fn centre(cx: &PeriodCx<'_>, conv: &Convention, diags: &mut Vec<Diagnostic>) {
    habilitations(cx, conv, diags);
    civilities(cx, conv, diags);
    bank(conv, diags);
    auditor(conv, diags);
    agrement(conv, diags);
    charter(conv, diags);
}

/// `habilitation-missing`: a warning while the convention is drafted, an
/// error once it is ready to sign or signed.
fn habilitations(cx: &PeriodCx<'_>, conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    let severity = super::until_signing(data.status);
    for s in &data.signatories {
        // Another person signs for this party in this convention (the
        // centre's file names them): the base's act empowered the base's
        // signer, and its civility and title were theirs.
        let from_base = |key: &str| {
            // An act merged key by key: its date says whose it is.
            let path: &[&str] = if key == "habilitation" {
                &["signatories", &s.id, key, "date"]
            } else {
                &["signatories", &s.id, key]
            };
            conv.tree.loc_of(path).file != conv.centre_file
        };
        let base_signer = cx
            .period
            .base
            .as_ref()
            .and_then(|b| b.data.signatories.iter().find(|b| b.id == s.id))
            .map(|b| b.representative.trim());
        if !from_base("representative") && base_signer.is_some_and(|b| b != s.representative.trim())
        {
            let inherited: Vec<&str> = [
                ("habilitation", s.habilitation.is_some()),
                ("civility", s.civility.is_some()),
                ("title", true),
            ]
            .into_iter()
            .filter(|(key, present)| *present && from_base(key))
            .map(|(key, _)| key)
            .collect();
            if !inherited.is_empty() {
                diags.push(
                    Diagnostic::new(
                        Rule::HabilitationMissing,
                        conv.tree.loc_of(&["signatories", &s.id, "representative"]),
                        format!(
                            "{} signs for `{}` in this convention, under the {} of the base's signer",
                            s.representative,
                            s.id,
                            inherited.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .with_severity(severity)
                    .with_help(
                        "give this signer's own `habilitation` (a délégation), `civility` and `title` next to `representative`",
                    ),
                );
            }
        }
        if s.habilitation.is_none() {
            let loc = conv.tree.loc_of(&["signatories", &s.id, "id"]);
            diags.push(
                Diagnostic::new(
                    Rule::HabilitationMissing,
                    loc,
                    format!(
                        "signatory `{}` has no `habilitation`: the act that empowers {} to sign",
                        s.id, s.representative
                    ),
                )
                .with_severity(severity)
                .with_help(
                    "add `habilitation = { act = \"délibération\", body = \"conseil municipal\", number = \"…\", date = AAAA-MM-JJ }` (the act that approves this convention)",
                ),
            );
        }
    }
    if data.association.mandate.is_none() {
        let loc = conv
            .tree
            .key_loc(&["association"])
            .unwrap_or_else(|| Loc::file_start(conv.centre_file));
        diags.push(
            Diagnostic::new(
                Rule::HabilitationMissing,
                loc,
                format!(
                    "the association has no `mandate`: the decision that empowers {} to sign",
                    data.association.representative
                ),
            )
            .with_severity(severity)
            .with_help(
                "add `mandate = { act = \"décision\", body = \"conseil d'administration\", date = AAAA-MM-JJ }` under [association]",
            ),
        );
    }
}

/// `civility-missing`: a signer whose gender neither a civility nor the
/// form of the title gives (« maire »), for whom the documents write the
/// masculine. An empty title is `todo`'s. Not for a signed convention: a
/// civility added would change it, and it changes only by an avenant (nor,
/// for a base signatory, while any convention of the period is signed).
fn civilities(cx: &PeriodCx<'_>, conv: &Convention, diags: &mut Vec<Diagnostic>) {
    use crate::model::centre::Status;
    if conv.data.status == Status::Signed {
        return;
    }
    let unknown = |civility: Option<crate::model::parties::Civility>, title: &str| {
        civility.is_none()
            && !crate::model::is_unfilled(title)
            && crate::fr::wording::title_gender(title).is_none()
    };
    let finding = |loc: Loc, who: String, title: &str| {
        Diagnostic::new(
            Rule::CivilityMissing,
            loc,
            format!(
                "{who} has no `civility`, and « {} » does not say whether a woman or a man signs: the documents use the masculine",
                title.trim()
            ),
        )
        .with_help("add `civility = \"Mme\"` or `civility = \"M.\"`")
    };
    for s in &conv.data.signatories {
        let loc = conv.tree.loc_of(&["signatories", &s.id, "title"]);
        if unknown(s.civility, &s.title) && !(cx.any_signed && loc.file != conv.centre_file) {
            diags.push(finding(
                loc,
                format!("the representative of signatory `{}`", s.id),
                &s.title,
            ));
        }
    }
    let a = &conv.data.association;
    if unknown(a.civility, &a.title) {
        diags.push(finding(
            conv.tree.loc_of(&["association", "title"]),
            "the association's representative".to_string(),
            &a.title,
        ));
    }
}

/// `iban`: the account the subsidy is paid to.
fn bank(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let a = &conv.data.association;
    let todo = crate::model::is_unfilled;
    if let Some(iban) = a.iban.as_deref().filter(|v| !todo(v))
        && let Err(e) = ident::check_iban(iban)
    {
        diags.push(
            Diagnostic::new(
                Rule::Iban,
                conv.tree.loc_of(&["association", "iban"]),
                format!("IBAN `{iban}` is not valid: {e}"),
            )
            .with_help("copy it from the association's relevé d'identité bancaire"),
        );
    }
    if let Some(bic) = a.bic.as_deref().filter(|v| !todo(v))
        && let Err(e) = ident::check_bic(bic)
    {
        diags.push(
            Diagnostic::new(
                Rule::Iban,
                conv.tree.loc_of(&["association", "bic"]),
                format!("BIC `{bic}` is not valid: {e}"),
            )
            .with_help("a BIC looks like BNPAFRPP or BNPAFRPPXXX"),
        );
    }
}

/// `auditor-missing`: the public subsidies of one year, from the funding
/// tables or the budget's account 74 (private aid left out), whichever is
/// larger.
fn auditor(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    if data.association.auditor {
        return;
    }
    let threshold = Amount(AUDITOR_THRESHOLD.into());
    let over = conv.years().into_iter().find_map(|year| {
        let funded = data.funding_for_year(year);
        let subsidies = data.budget.get(&year).map_or(Amount::ZERO, |b| {
            Amount::total(
                b.subsidies
                    .iter()
                    .filter(|(k, _)| {
                        data.signatory(k).is_some()
                            || SubsidyCategory::of_key(k) != SubsidyCategory::AidesPrivees
                    })
                    .map(|(_, a)| a),
            )
        });
        let public = funded.max(subsidies);
        (public > threshold).then_some((year, public))
    });
    if let Some((year, public)) = over {
        let loc = conv
            .tree
            .key_loc(&["association", "auditor"])
            .or_else(|| conv.tree.key_loc(&["association"]))
            .unwrap_or_else(|| Loc::file_start(conv.centre_file));
        diags.push(
            Diagnostic::new(
                Rule::AuditorMissing,
                loc,
                format!(
                    "the association receives {} of public subsidies in {year}, above {}, and no commissaire aux comptes is recorded",
                    crate::fr::euros(&public.0),
                    crate::fr::euros(&AUDITOR_THRESHOLD.into())
                ),
            )
            .with_help("set `auditor = true` under [association] once the commissaire aux comptes is appointed (code de commerce L612-4)"),
        );
    }
}

/// `agrement-expired`: the CAF's agrément covers the period, for the right
/// kind of structure.
fn agrement(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    let Some(ag) = &data.agrement else {
        return;
    };
    if ag.end < data.period.end {
        diags.push(
            Diagnostic::new(
                Rule::AgrementExpired,
                conv.tree.loc_of(&["agrement", "end"]),
                if ag.end < data.period.start {
                    format!(
                        "the CAF's agrément ended on {}, before the period starts on {}: it covers none of it",
                        ag.end, data.period.start
                    )
                } else {
                    format!(
                        "the CAF's agrément ends on {}, before the period ends on {}",
                        ag.end, data.period.end
                    )
                },
            )
            .with_help("record the renewed agrément, or plan an avenant when it is renewed"),
        );
    }
    let expected = match data.kind {
        CentreKind::CentreSocial => Some(AgrementKind::CentreSocial),
        CentreKind::EspaceDeVieSociale => Some(AgrementKind::EspaceDeVieSociale),
        _ => None,
    };
    if let Some(expected) = expected
        && expected != ag.kind
    {
        diags.push(Diagnostic::new(
            Rule::AgrementExpired,
            conv.tree.loc_of(&["agrement", "kind"]),
            format!(
                "the agrément is for a {} but the centre is a {}",
                ag.kind.label(),
                expected.label()
            ),
        ));
    }
}

/// `caf-charter-missing`: a CAF signs, and the charte de la laïcité of the
/// branche Famille is annexed.
fn charter(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    let Some(caf) = data
        .signatories
        .iter()
        .find(|s| s.kind == Some(crate::model::base::PartyKind::Caf))
    else {
        return;
    };
    if data
        .annexes
        .iter()
        .any(|a| a.kind.as_deref() == Some(CHARTE_LAICITE_CAF))
    {
        return;
    }
    diags.push(
        Diagnostic::new(
            Rule::CafCharterMissing,
            conv.tree.loc_of(&["signatories", &caf.id, "kind"]),
            format!(
                "{} signs, and no annex is the charte de la laïcité of the branche Famille",
                caf.name
            ),
        )
        .with_help(format!(
            "add to base.toml: [[annexes]] id = \"charte-laicite\", title = \"Charte de la laïcité de la branche Famille avec ses partenaires\", file = \"annexes/charte-laicite.pdf\", kind = \"{CHARTE_LAICITE_CAF}\""
        )),
    );
}
