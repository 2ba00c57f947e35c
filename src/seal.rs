//! Seals: the fingerprints of signed conventions, in `periods/P/seals.toml`.
//!
//! `cpo seal` appends one record per centre each time a convention (or an
//! avenant) is signed; the latest record of a centre is the one in force.
//! Each record keeps the fingerprint (and its format), the date, the git
//! commit the repository was at, the avenant it records when it seals a
//! changed convention again, and a short hash of every part of the
//! convention, so that rule `sealed-changed` can say *what* changed and
//! `cpo avenant` can find the sealed text again in git.
//!
//! What is signed stays what was signed:
//! - `sealed-changed` cannot be lowered in `[lints]`;
//! - in git, `seals.toml` may only grow: every committed version and the
//!   work tree must keep every record of the versions before, unchanged;
//!   a convention sealed again with another fingerprint must name its
//!   avenant (`cpo seal --amend N`);
//! - outside git, or before seals.toml is committed, that history cannot
//!   be checked, and `seal-unverified` says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::check::{PeriodCx, RuleSource};
use crate::diag::{Diagnostic, Loc, Rule};
use crate::merge::{Convention, FINGERPRINT_FORMAT};
use crate::model::node::{Node, from_node_all};
use crate::model::{Date, Period};
use crate::repo::{Origin, layout};

/// The file name of seals, in each period folder.
pub const SEALS_FILE: &str = layout::SEALS_FILE;

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
    /// The fingerprint's format (see `merge::FINGERPRINT_FORMAT`); 1 when
    /// absent (cpo 0.1).
    #[serde(default = "format_one")]
    pub format: u32,
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The avenant this seal records, when it seals a changed convention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avenant: Option<u32>,
    #[serde(default)]
    pub parts: BTreeMap<String, String>,
}

fn format_one() -> u32 {
    1
}

impl Seal {
    /// The first 12 hex digits of the fingerprint (for messages).
    pub fn short(&self) -> &str {
        self.fingerprint.get(..12).unwrap_or(&self.fingerprint)
    }
}

/// The seals of a period, with where each record is, or the problems of
/// the file.
pub fn read(period: &Period) -> (Vec<(Seal, Loc)>, Vec<Diagnostic>) {
    let Some((file, tree)) = &period.seals else {
        return (Vec::new(), Vec::new());
    };
    let (value, errors) = from_node_all::<SealsFile>(tree.clone());
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

/// Parse seals.toml text (a version from git history).
fn parse_seals(text: &str) -> Option<SealsFile> {
    crate::model::parse_str(text).ok()
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

/// `sealed-changed` and `seal-unverified`, plugged into the check.
pub struct SealChecks {
    root: PathBuf,
    /// Only the work tree has a history to compare with.
    history: bool,
}

impl SealChecks {
    pub fn new(root: &Path, origin: Origin) -> SealChecks {
        SealChecks {
            root: root.to_path_buf(),
            history: matches!(origin, Origin::WorkTree | Origin::Buffers(_)),
        }
    }
}

impl RuleSource for SealChecks {
    /// The sealed conventions: their fingerprints are compared.
    fn needs(&self, cx: &PeriodCx<'_>, conv: &Convention) -> bool {
        cx.period.seals.as_ref().is_some_and(|(_, tree)| {
            tree.get("seal")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .any(|r| r.get("centre").and_then(Node::as_str) == Some(conv.id.as_str()))
        })
    }

    fn conventions(&self, cx: &PeriodCx<'_>, convs: &[Convention], out: &mut Vec<Diagnostic>) {
        let period = cx.period;
        let (seals, problems) = read(period);
        out.extend(problems);
        for (centre, (seal, loc)) in latest(&seals) {
            let about = |d: Diagnostic| d.about(centre);
            match convs.iter().find(|c| c.id == centre) {
                Some(_) if seal.format != FINGERPRINT_FORMAT => out.push(about(
                    Diagnostic::new(
                        Rule::SealedChanged,
                        loc.clone(),
                        format!(
                            "the seal of `{centre}` of {} uses fingerprint format {}, which this version of cpo cannot recompute",
                            seal.date, seal.format
                        ),
                    )
                    .with_help(format!(
                        "check the signed document with `cpo verify`, then seal it again: `cpo seal {centre}`"
                    )),
                )),
                Some(conv) => {
                    let now = conv.fingerprint();
                    if now != seal.fingerprint {
                        let parts = changed_parts(seal, conv);
                        let what = if parts.is_empty() {
                            String::new()
                        } else {
                            format!(": {} changed", parts.join(", "))
                        };
                        out.push(about(
                            Diagnostic::new(
                                Rule::SealedChanged,
                                loc.clone(),
                                format!(
                                    "the convention of `{centre}` sealed on {} no longer has its fingerprint{what}",
                                    seal.date
                                ),
                            )
                            .with_help(format!(
                                "undo the change, or record it in an avenant (`cpo avenant {centre}`) and, once signed, `cpo seal {centre} --amend N`"
                            )),
                        ));
                    }
                }
                None if period.centre(centre).is_none() => out.push(about(Diagnostic::new(
                    Rule::SealedChanged,
                    loc.clone(),
                    format!(
                        "sealed centre `{centre}` no longer exists in period {}",
                        period.label
                    ),
                ))),
                // The centre cannot be resolved: its own findings say why.
                None => {}
            }
        }
        self.history(period, &seals, out);
    }
}

impl SealChecks {
    /// Compare seals.toml with its committed history: records may only be
    /// appended, and a convention sealed again with another fingerprint
    /// names its avenant.
    fn history(&self, period: &Period, seals: &[(Seal, Loc)], out: &mut Vec<Diagnostic>) {
        if !self.history {
            return;
        }
        let rel = layout::period_file(&period.label, SEALS_FILE);
        let file_loc = period.seals.as_ref().map(|(f, _)| Loc::file_start(*f));
        let deleted_loc = Loc::file_start(period.seals_file);
        let history = crate::repo::file_history(&self.root, &rel);
        let committed: Vec<(String, Option<SealsFile>)> = match &history {
            Some(h) => h
                .iter()
                .map(|(commit, bytes)| {
                    let file = bytes
                        .as_ref()
                        .and_then(|b| std::str::from_utf8(b).ok())
                        .and_then(parse_seals);
                    (commit.clone(), file)
                })
                .collect(),
            None => Vec::new(),
        };
        let ever_committed = committed.iter().any(|(_, f)| f.is_some());
        if let Some(loc) = &file_loc
            && (history.is_none() || !ever_committed)
        {
            out.push(
                Diagnostic::new(
                    Rule::SealUnverified,
                    loc.clone(),
                    if history.is_none() {
                        "the repository is not in git: cpo cannot check that these seals were only ever appended".to_string()
                    } else {
                        "seals.toml is not committed yet: cpo cannot check that these seals were only ever appended".to_string()
                    },
                )
                .with_help("commit the repository in git right after sealing"),
            );
        }
        // Each version must keep every record of the one before, in order.
        let mut previous: Option<(&str, Vec<Seal>)> = None;
        let now: Vec<Seal> = seals.iter().map(|(s, _)| s.clone()).collect();
        let versions = committed
            .iter()
            .map(|(c, f)| (c.as_str(), f.as_ref().map(|f| f.seal.clone())))
            .chain(std::iter::once(("the work tree", Some(now))));
        for (commit, records) in versions {
            let records = records.unwrap_or_default();
            if let Some((prev_commit, prev)) = &previous {
                let kept =
                    records.len() >= prev.len() && prev.iter().zip(&records).all(|(a, b)| a == b);
                if !kept {
                    let what = prev
                        .iter()
                        .zip(records.iter().map(Some).chain(std::iter::repeat(None)))
                        .find(|(a, b)| Some(*a) != *b)
                        .map(|(a, _)| a);
                    let (centre, date) = what
                        .map(|s| (s.centre.clone(), s.date.to_string()))
                        .unwrap_or_default();
                    let loc = file_loc
                        .clone()
                        .or_else(|| seals.first().map(|s| s.1.clone()))
                        .unwrap_or_else(|| deleted_loc.clone());
                    let at = if commit == "the work tree" {
                        "in the work tree".to_string()
                    } else {
                        format!("at commit {}", &commit[..commit.len().min(12)])
                    };
                    out.push(
                        Diagnostic::new(
                            Rule::SealedChanged,
                            loc,
                            format!(
                                "seals.toml was rewritten {at}: the seal of `{centre}` of {date} recorded at commit {} was edited or removed",
                                &prev_commit[..prev_commit.len().min(12)]
                            ),
                        )
                        .with_help("seals are only ever appended: restore seals.toml from git and add new seals with `cpo seal`")
                        .about(&centre),
                    );
                    return;
                }
            }
            previous = Some((commit, records));
        }
        // A convention sealed again with another fingerprint names its avenant.
        let mut last: BTreeMap<&str, &Seal> = BTreeMap::new();
        for (seal, loc) in seals {
            if let Some(before) = last.get(seal.centre.as_str())
                && before.fingerprint != seal.fingerprint
                && before.format == seal.format
                && seal.avenant.is_none()
            {
                out.push(
                    Diagnostic::new(
                        Rule::SealedChanged,
                        loc.clone(),
                        format!(
                            "`{}` was sealed again on {} with another fingerprint, and the record names no avenant",
                            seal.centre, seal.date
                        ),
                    )
                    .with_help(format!(
                        "a changed convention is sealed again only with its avenant: `cpo seal {} --amend N`",
                        seal.centre
                    ))
                    .about(&seal.centre),
                );
            }
            last.insert(&seal.centre, seal);
        }
    }
}

/// What `cpo seal` recorded.
pub struct Sealed {
    pub centre: String,
    pub fingerprint: String,
}

/// Append a seal for each convention to the period's seals.toml. Refuses a
/// convention already sealed with another fingerprint unless `amend` names
/// the avenant that was signed. `commit` is HEAD when in git.
pub fn seal(
    root: &Path,
    period: &Period,
    convs: &[&Convention],
    date: Date,
    amend: Option<u32>,
    commit: Option<String>,
) -> Result<Vec<Sealed>> {
    let (existing, problems) = read(period);
    if let Some(p) = problems.first() {
        bail!("seals.toml cannot be read: {} (run `cpo check`)", p.message);
    }
    let latest = latest(&existing);
    let path = root.join(&period.dir).join(SEALS_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Empreintes des conventions signées, ajoutées par `cpo seal`. Ne pas modifier à la main :\n# un sceau s'ajoute, il ne se modifie ni ne se retire.\n".to_string()
    });
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} does not parse", path.display()))?;
    let records = doc
        .entry("seal")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .with_context(|| format!("{}: `seal` is not an array of tables", path.display()))?;
    let mut out = Vec::new();
    for conv in convs {
        let fingerprint = conv.fingerprint();
        if let Some((before, _)) = latest.get(conv.id.as_str()) {
            if before.fingerprint == fingerprint && before.format == FINGERPRINT_FORMAT {
                bail!(
                    "`{}` is already sealed with this fingerprint (on {})",
                    conv.id,
                    before.date
                );
            }
            if before.format == FINGERPRINT_FORMAT && amend.is_none() {
                bail!(
                    "`{}` was sealed on {} and has changed since: seal it again only once its avenant is signed, with `cpo seal {} --amend N`",
                    conv.id,
                    before.date,
                    conv.id
                );
            }
        }
        let mut t = toml_edit::Table::new();
        t.insert("centre", toml_edit::value(conv.id.as_str()));
        t.insert("fingerprint", toml_edit::value(fingerprint.as_str()));
        t.insert("format", toml_edit::value(i64::from(FINGERPRINT_FORMAT)));
        let date_value: toml_edit::Datetime = date
            .to_string()
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        t.insert("date", toml_edit::value(date_value));
        if let Some(c) = &commit {
            t.insert("commit", toml_edit::value(c.as_str()));
        }
        if let Some(n) = amend {
            t.insert("avenant", toml_edit::value(i64::from(n)));
        }
        let mut parts = toml_edit::InlineTable::new();
        for (k, v) in conv.part_hashes() {
            parts.insert(&k, v.into());
        }
        let mut parts_table = parts.into_table();
        parts_table.set_implicit(false);
        t.insert("parts", toml_edit::Item::Table(parts_table));
        records.push(t);
        out.push(Sealed {
            centre: conv.id.clone(),
            fingerprint,
        });
    }
    crate::repo::write_atomic(&path, doc.to_string().as_bytes())?;
    Ok(out)
}
