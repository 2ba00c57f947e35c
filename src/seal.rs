//! Seals: the fingerprints of signed conventions, in `periods/P/seals.toml`.
//!
//! `cpo seal` appends one record per centre each time a convention (or an
//! avenant) is signed; the latest record of a centre is the one in force.
//! Each record keeps the fingerprint, the date, the git commit the
//! repository was at, and a short hash of every part of the convention, so
//! that rule `sealed-changed` can say *what* changed (the funding, the text
//! of article `objet`...) and `cpo avenant` can find the sealed text again
//! in git.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Loc, Rule};
use crate::merge::Convention;
use crate::model::Period;
use crate::model::node::{Node, from_node_all};

/// The file name of seals, in each period folder.
pub const SEALS_FILE: &str = "seals.toml";

/// `seals.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SealsFile {
    #[serde(default)]
    pub seal: Vec<Seal>,
}

/// One signature of one centre's convention.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    pub centre: String,
    pub fingerprint: String,
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default)]
    pub parts: BTreeMap<String, String>,
}

/// The seals of a period, with where each record is, or the problems of
/// the file.
pub fn read(period: &Period) -> (Vec<(Seal, Loc)>, Vec<Diagnostic>) {
    let Some((file, tree)) = &period.seals else {
        return (Vec::new(), Vec::new());
    };
    let (value, errors) = from_node_all::<SealsFile>(tree);
    let diags: Vec<Diagnostic> = errors
        .into_iter()
        .map(|e| e.into_diagnostic(&Loc::file_start(*file)))
        .collect();
    let Some((seals, tree)) = value else {
        return (Vec::new(), diags);
    };
    let records = tree
        .get("seal")
        .and_then(Node::as_array)
        .unwrap_or_default();
    let located = seals
        .seal
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let loc = records
                .get(i)
                .and_then(|r| r.get("fingerprint"))
                .map_or_else(|| Loc::file_start(*file), |n| n.loc.clone());
            (s, loc)
        })
        .collect();
    (located, diags)
}

/// The record in force for each centre: its latest seal.
pub fn latest(seals: &[(Seal, Loc)]) -> BTreeMap<&str, &(Seal, Loc)> {
    let mut out = BTreeMap::new();
    for s in seals {
        out.insert(s.0.centre.as_str(), s);
    }
    out
}

/// How many times a centre's convention was sealed (the convention, then
/// each avenant).
pub fn count(seals: &[(Seal, Loc)], centre: &str) -> usize {
    seals.iter().filter(|(s, _)| s.centre == centre).count()
}

/// Parts whose hash differs between a seal and the convention now, in
/// words people read ("data.funding", "article.objet", "section.projet").
pub fn changed_parts(seal: &Seal, conv: &Convention) -> Vec<String> {
    let now = conv.part_hashes();
    let mut keys: Vec<&String> = seal.parts.keys().chain(now.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| seal.parts.get(*k) != now.get(*k))
        .cloned()
        .collect()
}

/// Rule `sealed-changed`: every sealed convention (of `centres`, or all
/// when empty) still has its fingerprint.
pub fn check(
    period: &Period,
    convs: &[Convention],
    centres: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    let (seals, problems) = read(period);
    diags.extend(problems);
    for (centre, (seal, loc)) in latest(&seals) {
        if !centres.is_empty() && !centres.iter().any(|c| c == centre) {
            continue;
        }
        match convs.iter().find(|c| c.id == centre) {
            Some(conv) => {
                let now = conv.fingerprint();
                if now != seal.fingerprint {
                    let parts = changed_parts(seal, conv);
                    let what = if parts.is_empty() {
                        String::new()
                    } else {
                        format!(": {} changed", parts.join(", "))
                    };
                    diags.push(
                        Diagnostic::new(
                            Rule::SealedChanged,
                            loc.clone(),
                            format!(
                                "the convention of `{centre}` sealed on {} no longer has its fingerprint{what}",
                                seal.date
                            ),
                        )
                        .with_help(format!(
                            "undo the change, or record it in an avenant (`cpo avenant {centre}`) and seal again once signed"
                        )),
                    );
                }
            }
            None if period.centre(centre).is_none() => diags.push(Diagnostic::new(
                Rule::SealedChanged,
                loc.clone(),
                format!(
                    "sealed centre `{centre}` no longer exists in period {}",
                    period.label
                ),
            )),
            // The centre cannot be resolved: its own findings say why.
            None => {}
        }
    }
}
