//! Identity rules: SIRET, RNA and QPV codes, well-formed and unique ids.
//!
//! The format checks themselves live in `ident` (pure functions, tested
//! against DOMAIN.md's vectors); this module finds the values and says where
//! they are.

use std::collections::BTreeMap;

use super::duplicates;
use crate::diag::{Diagnostic, Loc, Rule};
use crate::ident;
use crate::merge::Convention;
use crate::model::{Node, Period, is_unfilled, is_valid_id};

/// Ids of the base's arrays of tables, its signatories' SIRETs.
pub fn base(period: &Period, diags: &mut Vec<Diagnostic>) {
    let Some(base) = &period.base else {
        return;
    };
    for array in ["signatories", "axes", "commitments"] {
        ids(&base.tree, array, array_label(array), diags);
    }
    for (i, s) in base.data.signatories.iter().enumerate() {
        siret(
            &s.siret,
            base.tree.loc_of(&["signatories", &i.to_string(), "siret"]),
            &format!("signatory `{}`", s.id),
            diags,
        );
    }
    let sections = &base.data.sections;
    let all = sections.required.iter().chain(&sections.optional);
    let section_locs = sections
        .required
        .iter()
        .enumerate()
        .map(|(i, _)| ("required", i))
        .chain(
            sections
                .optional
                .iter()
                .enumerate()
                .map(|(i, _)| ("optional", i)),
        );
    duplicates(
        all.zip(section_locs).map(|(id, (list, i))| {
            (
                id.as_str(),
                base.tree.loc_of(&["sections", list, &i.to_string()]),
            )
        }),
        "section",
        diags,
    );
}

fn array_label(array: &str) -> &'static str {
    match array {
        "signatories" => "signatory",
        "axes" => "axis",
        "commitments" => "commitment",
        "objectives" => "objective",
        _ => "entry",
    }
}

/// `bad-id` and `duplicate-id` over the `id`s of an array of tables.
fn ids(tree: &Node, array: &str, what: &str, diags: &mut Vec<Diagnostic>) {
    let Some(items) = tree.get(array).and_then(Node::as_array) else {
        return;
    };
    let mut found = Vec::new();
    for item in items {
        if let Some(id_node) = item.get("id")
            && let Some(id) = id_node.as_str()
        {
            if !is_valid_id(id) {
                diags.push(
                    Diagnostic::new(
                        Rule::BadId,
                        id_node.loc.clone(),
                        format!("{what} id `{id}` is not made of a-z, 0-9 and -"),
                    )
                    .with_help(format!("try `{}`", crate::fr::slug(id))),
                );
            }
            found.push((id, id_node.loc.clone()));
        }
    }
    duplicates(found, what, diags);
}

/// The centre's own identifiers.
pub fn centre(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    let tree = &conv.tree;
    siret(
        &data.association.siret,
        tree.loc_of(&["association", "siret"]),
        "the association",
        diags,
    );
    if let Some(rna) = data.association.rna.as_deref().filter(|v| !is_unfilled(v))
        && let Err(e) = ident::check_rna(rna)
    {
        diags.push(
            Diagnostic::new(
                Rule::Rna,
                tree.loc_of(&["association", "rna"]),
                format!("RNA number `{rna}` is not valid: {e}"),
            )
            .with_help("an RNA number is W followed by 9 characters, e.g. W861000123"),
        );
    }
    for (i, qpv) in data.territory.qpv.iter().enumerate() {
        if let Err(e) = ident::check_qpv(qpv)
            && !is_unfilled(qpv)
        {
            diags.push(
                Diagnostic::new(
                    Rule::Qpv,
                    tree.loc_of(&["territory", "qpv", &i.to_string()]),
                    format!("`{qpv}` is not a quartier prioritaire code: {e}"),
                )
                .with_help(
                    "codes look like QP086002 (2015 generation) or QN08601M (2024 generation)",
                ),
            );
        }
    }
    // Entries a centre adds to the base's arrays, and its objectives.
    for array in ["signatories", "axes", "commitments", "objectives"] {
        ids(tree, array, array_label(array), diags);
    }
    for (i, s) in data.signatories.iter().enumerate() {
        let loc = tree.loc_of(&["signatories", &i.to_string(), "siret"]);
        if loc.file == conv.centre_file {
            siret(&s.siret, loc, &format!("signatory `{}`", s.id), diags);
        }
    }
}

/// `siret`, for a value filled in (`todo` reports one that is not).
fn siret(value: &str, loc: Loc, whose: &str, diags: &mut Vec<Diagnostic>) {
    if let Err(e) = ident::check_siret(value)
        && !is_unfilled(value)
    {
        diags.push(
            Diagnostic::new(Rule::Siret, loc, format!("the SIRET of {whose}, `{value}`, is not valid: {e}"))
                .with_help("a SIRET is 14 digits (SIREN + NIC) whose Luhn checksum holds; check it on annuaire-entreprises.data.gouv.fr"),
        );
    }
}

/// What the check across centres needs of a convention: its SIRET and
/// where it is written.
#[derive(Debug, Clone)]
pub struct CentreSiret {
    pub id: String,
    pub siret: String,
    pub loc: Loc,
}

impl CentreSiret {
    pub fn of(conv: &Convention) -> CentreSiret {
        CentreSiret {
            id: conv.id.clone(),
            siret: conv.data.association.siret.clone(),
            loc: conv.tree.loc_of(&["association", "siret"]),
        }
    }
}

/// Two centres of a period with one SIRET.
pub fn across_centres(centres: &[CentreSiret], diags: &mut Vec<Diagnostic>) {
    let mut by_siret: BTreeMap<&str, Vec<&CentreSiret>> = BTreeMap::new();
    for c in centres.iter().filter(|c| !is_unfilled(&c.siret)) {
        by_siret.entry(c.siret.as_str()).or_default().push(c);
    }
    for (siret, same) in by_siret {
        if same.len() < 2 {
            continue;
        }
        for c in &same[1..] {
            diags.push(
                Diagnostic::new(
                    Rule::DuplicateSiret,
                    c.loc.clone(),
                    format!("centre `{}` has the SIRET {siret} of centre `{}`", c.id, same[0].id),
                )
                .with_help("each establishment has its own SIRET; one association running two centres has two NICs"),
            );
        }
    }
}
