//! `cpo diff`: what changed between two snapshots (two periods, or one
//! period at two git revisions), as one plain [`Report`] that the writers
//! only format (SPEC §6).
//!
//! Data flows one way: [`side::Side`] loads and resolves each snapshot
//! (work tree or git revision, read in place), [`compare`] matches centres
//! (by id, then `previous_id`), articles and sections (by id), objectives
//! (by id) and funding (by funder and year), and builds the report; the
//! report is then data: JSON as is, HTML and Markdown through the
//! templates `diff.html` and `diff.md` ([`view`]), the terminal through
//! [`write`]. The common text is compared once, in the base part, never
//! per centre, as its readers read it ([`reading`]); data changes carry
//! their French labels ([`labels`]).
//!
//! Matching is by hash map and centres are compared in parallel, so the
//! cost grows with the size of the inputs, not with its square.

pub mod labels;
pub mod reading;
pub mod side;
pub mod text;
pub mod view;
pub mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::Result;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::merge::Convention;
use crate::model::{Amount, Year};
use labels::{LabelCx, Scope};
pub use reading::{Reader, Reading, ReadingInfo};
use side::{Article, Side};
use text::{Move, Run, Texts, find_moves, has_changes, moved_items, word_runs};

/// How to compare.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How the common text is read (`--as CENTRE`).
    pub reading: Reading,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: SideInfo,
    pub to: SideInfo,
    pub summary: Summary,
    pub base: BaseReport,
    pub centres: Vec<CentreReport>,
}

/// Which snapshot a side is.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    /// The period label.
    pub label: String,
    /// Where it was read: "the work tree" or "revision v2022".
    pub origin: String,
    /// The same in French: « copie de travail », « révision v2022 ».
    pub origin_fr: String,
    /// Years in the period.
    pub years: usize,
    /// Its first year.
    pub start_year: Year,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub centres: CentreSummary,
    pub funding: FundingSummary,
    /// Whether anything at all differs.
    pub changed: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CentreSummary {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// `{from, to}` ids.
    pub renamed: Vec<Renamed>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Renamed {
    pub from: String,
    pub to: String,
}

/// Money of both sides, per funder and in total.
#[derive(Debug, Clone, Serialize)]
pub struct FundingSummary {
    pub funders: Vec<Delta>,
    pub total: Delta,
}

/// An amount on each side and its difference, in euros and percent, also
/// per year on average since periods may differ in length.
#[derive(Debug, Clone, Serialize)]
pub struct Delta {
    /// Funder id (or "total").
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub from: Decimal,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub to: Decimal,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub euros: Decimal,
    /// `None` when `from` is zero.
    #[serde(serialize_with = "crate::model::types::serialize_opt_decimal")]
    pub percent: Option<Decimal>,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub from_per_year: Decimal,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub to_per_year: Decimal,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub per_year_euros: Decimal,
    #[serde(serialize_with = "crate::model::types::serialize_opt_decimal")]
    pub per_year_percent: Option<Decimal>,
}

/// The socle commun: articles of base.md and data of base.toml.
#[derive(Debug, Clone, Serialize)]
pub struct BaseReport {
    /// How the common text was read (placeholders, or for a centre).
    pub reading: ReadingInfo,
    pub articles: Vec<ArticleReport>,
    /// Paragraphs that left one article for another.
    pub moves: Vec<Move>,
    /// base.toml changes by key path (signatories, axes, commitments, payment...).
    pub data: Vec<DataChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Unchanged,
    Modified,
    Added,
    Removed,
    Renumbered,
    Moved,
    Renamed,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleReport {
    pub id: String,
    pub status: Status,
    pub from_number: Option<usize>,
    pub to_number: Option<usize>,
    pub from_title: Option<String>,
    pub to_title: Option<String>,
    /// Whether the text changed (an article can be moved and modified).
    pub modified: bool,
    /// Word changes of the text, moved paragraphs excluded.
    pub changes: Vec<Run>,
    /// The whole text on each side, for side-by-side reports.
    pub from_text: Option<String>,
    pub to_text: Option<String>,
}

/// One change of data, by key path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataChange {
    pub path: String,
    /// The path in French (« Budget 2023 – 64 Charges de personnel »).
    pub label: String,
    pub from: Value,
    pub to: Value,
    /// The values as read (« 517 517 € », « 28 mars 2022 »).
    pub from_text: String,
    pub to_text: String,
    /// For amounts, the gap in euros and percent (« +24 451,50 €, +4,72 % »).
    pub gap: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CentreReport {
    pub id: String,
    pub status: Status,
    pub renamed_from: Option<String>,
    pub name: String,
    /// The older side's name, when it differs.
    pub former_name: Option<String>,
    pub funding: Vec<FundingCell>,
    /// Per funder, both sides' totals.
    pub funding_totals: Vec<Delta>,
    pub objectives: Vec<ObjectiveReport>,
    pub sections: Vec<SectionReport>,
    /// Paragraphs that moved between the centre's sections.
    pub moves: Vec<Move>,
    pub data: Vec<DataChange>,
}

/// One cell of the funding table: a funder and a year of the period.
#[derive(Debug, Clone, Serialize)]
pub struct FundingCell {
    pub funder: String,
    pub funder_name: String,
    /// 1 for the first year of the period.
    pub year_index: usize,
    /// The calendar year (of the newer side when both have it).
    pub year: Year,
    pub from_year: Option<Year>,
    pub to_year: Option<Year>,
    #[serde(serialize_with = "crate::model::types::serialize_opt_decimal")]
    pub from: Option<Decimal>,
    #[serde(serialize_with = "crate::model::types::serialize_opt_decimal")]
    pub to: Option<Decimal>,
    #[serde(serialize_with = "crate::model::types::serialize_decimal")]
    pub euros: Decimal,
    #[serde(serialize_with = "crate::model::types::serialize_opt_decimal")]
    pub percent: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveReport {
    pub id: String,
    pub status: Status,
    pub from_title: Option<String>,
    pub to_title: Option<String>,
    pub changes: Vec<DataChange>,
}

impl ObjectiveReport {
    /// The newer title, else the older one.
    pub fn title(&self) -> &str {
        self.to_title
            .as_deref()
            .or(self.from_title.as_deref())
            .unwrap_or_default()
    }
}

impl SectionReport {
    /// The newer title, else the older one.
    pub fn title(&self) -> &str {
        self.to_title
            .as_deref()
            .or(self.from_title.as_deref())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    pub id: String,
    pub status: Status,
    pub from_title: Option<String>,
    pub to_title: Option<String>,
    pub changes: Vec<Run>,
}

/// Percentage change, two decimals rounded half up; `None` from zero (or
/// on overflow, which bounded amounts never reach).
fn percent(from: Decimal, to: Decimal) -> Option<Decimal> {
    crate::model::types::percent_change(from, to)
}

fn delta(
    id: &str,
    name: &str,
    from: Decimal,
    to: Decimal,
    from_years: usize,
    to_years: usize,
) -> Delta {
    // Yearly averages are rounded half up to the cent, as public
    // accounting does (766 500,125 € -> 766 500,13 €).
    let per = |v: Decimal, n: usize| {
        v.checked_div(Decimal::from(n.max(1)))
            .map_or(Decimal::ZERO, crate::model::types::round_cents)
    };
    let (fpy, tpy) = (per(from, from_years), per(to, to_years));
    Delta {
        id: id.to_string(),
        name: name.to_string(),
        from,
        to,
        euros: to.saturating_sub(from),
        percent: percent(from, to),
        from_per_year: fpy,
        to_per_year: tpy,
        per_year_euros: tpy.saturating_sub(fpy),
        per_year_percent: percent(fpy, tpy),
    }
}

/// Compare two resolved sides, reading texts with `reader` (see
/// [`reading`]). Fails only when `--as` names a centre that is not on both
/// sides, or base.md does not render for it.
pub fn compare(from: &Side, to: &Side, options: &Options, reader: &dyn Reader) -> Result<Report> {
    let names = entry_names(from, to);
    let base = compare_base(from, to, &options.reading, &names, reader)?;

    // Match centres: by id, then a new centre's previous_id.
    let mut matched: Vec<(Option<&Convention>, Option<&Convention>)> = Vec::new();
    let mut used_from: HashSet<&str> = HashSet::new();
    for t in to.conventions.values() {
        if let Some(f) = from.conventions.get(&t.id) {
            used_from.insert(&f.id);
            matched.push((Some(f), Some(t)));
        }
    }
    for t in to.conventions.values() {
        if from.conventions.contains_key(&t.id) {
            continue;
        }
        let prev = t
            .data
            .previous_id
            .as_deref()
            .filter(|p| !used_from.contains(p))
            .and_then(|p| from.conventions.get(p));
        if let Some(f) = prev {
            used_from.insert(&f.id);
        }
        matched.push((prev, Some(t)));
    }
    for f in from.conventions.values() {
        if !used_from.contains(f.id.as_str()) {
            matched.push((Some(f), None));
        }
    }
    fn key<'c>(m: &(Option<&'c Convention>, Option<&'c Convention>)) -> &'c str {
        m.1.or(m.0).map_or("", |c| c.id.as_str())
    }
    matched.sort_by(|a, b| key(a).cmp(key(b)));

    let centres: Vec<CentreReport> = matched
        .par_iter()
        .map(|(f, t)| compare_centre(from, to, *f, *t, &names, reader))
        .collect();
    let mut summary = CentreSummary::default();
    for report in &centres {
        match report.status {
            Status::Added => summary.added.push(report.id.clone()),
            Status::Removed => summary.removed.push(report.id.clone()),
            Status::Renamed => summary.renamed.push(Renamed {
                from: report.renamed_from.clone().unwrap_or_default(),
                to: report.id.clone(),
            }),
            Status::Unchanged => summary.unchanged.push(report.id.clone()),
            _ => summary.changed.push(report.id.clone()),
        }
    }

    let funding = funding_summary(from, to);
    let changed = !summary.added.is_empty()
        || !summary.removed.is_empty()
        || !summary.renamed.is_empty()
        || !summary.changed.is_empty()
        || base.articles.iter().any(|a| a.status != Status::Unchanged)
        || !base.moves.is_empty()
        || !base.data.is_empty();
    Ok(Report {
        from: from.info(),
        to: to.info(),
        summary: Summary {
            centres: summary,
            funding,
            changed,
        },
        base,
        centres,
    })
}

/// Names of the entries data changes name by id: signatories, axes,
/// commitments and annexes of both bases (the newer one wins).
fn entry_names(from: &Side, to: &Side) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for side in [from, to] {
        for collection in ["signatories", "axes", "commitments", "annexes"] {
            let Some(Value::Array(entries)) = side.base_data.get(collection) else {
                continue;
            };
            for e in entries {
                let (Some(id), Some(name)) = (
                    e.get("id").and_then(Value::as_str),
                    e.get("name")
                        .or_else(|| e.get("title"))
                        .and_then(Value::as_str),
                ) else {
                    continue;
                };
                names.insert(format!("{collection}.{id}"), name.to_string());
                if collection == "signatories"
                    && let Ok(sig) =
                        serde_json::from_value::<crate::model::base::Signatory>(e.clone())
                {
                    let noun = crate::fr::wording::NounPhrase::common(
                        &sig.name,
                        sig.article.map(Into::into),
                        sig.gender.map(Into::into),
                    );
                    names.insert(format!("{collection}.{id}.de"), noun.de());
                }
            }
        }
    }
    names
}

fn compare_base(
    from: &Side,
    to: &Side,
    reading: &Reading,
    names: &HashMap<String, String>,
    reader: &dyn Reader,
) -> Result<BaseReport> {
    let (fa, ta, reading) = reading::read_both(from, to, reading, reader)?;
    let f_index = first_by_key(fa.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)));
    let t_index = first_by_key(ta.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)));
    let texts: Vec<Texts<'_>> = ids_in_order(
        fa.iter().map(|a| a.id.as_str()),
        ta.iter().map(|a| a.id.as_str()),
    )
    .into_iter()
    .map(|id| Texts {
        id,
        from: f_index.get(id).map(|&i| fa[i].body.as_str()),
        to: t_index.get(id).map(|&i| ta[i].body.as_str()),
    })
    .collect();
    let (moves, remaining) = find_moves(&texts);
    let moved_ids: HashSet<&str> = moves
        .iter()
        .flat_map(|m| [m.from.as_str(), m.to.as_str()])
        .collect();

    // Matched articles in new order, with their old positions: the ones out
    // of order moved; the others may only have been renumbered.
    let matched_new: Vec<&str> = ta
        .iter()
        .filter(|a| f_index.contains_key(a.id.as_str()))
        .map(|a| a.id.as_str())
        .collect();
    let old_positions: Vec<usize> = matched_new.iter().map(|id| f_index[id]).collect();
    let moved = moved_items(&old_positions);
    let moved_by_id: HashMap<&str, bool> = matched_new.iter().copied().zip(moved).collect();

    let mut articles = Vec::new();
    for (t, (rest_from, rest_to)) in texts.iter().zip(&remaining) {
        let f = f_index.get(t.id).copied();
        let n = t_index.get(t.id).copied();
        let fart: Option<&Article> = f.map(|i| &fa[i]);
        let tart: Option<&Article> = n.map(|i| &ta[i]);
        let title_changed = fart.map(|a| &a.title) != tart.map(|a| &a.title);
        let changes = match (fart, tart) {
            (Some(_), Some(_)) => word_runs(rest_from, rest_to),
            _ => Vec::new(),
        };
        let moved_para = moved_ids.contains(t.id);
        let modified = fart.is_some()
            && tart.is_some()
            && (title_changed || has_changes(&changes) || moved_para);
        let status = match (f, n) {
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Removed,
            (Some(fi), Some(ni)) => {
                if moved_by_id.get(t.id).copied().unwrap_or(false) {
                    Status::Moved
                } else if modified {
                    Status::Modified
                } else if fi != ni {
                    Status::Renumbered
                } else {
                    Status::Unchanged
                }
            }
            (None, None) => continue,
        };
        articles.push(ArticleReport {
            id: t.id.to_string(),
            status,
            from_number: f.map(|i| i + 1),
            to_number: n.map(|i| i + 1),
            from_title: fart.map(|a| a.title.clone()),
            to_title: tart.map(|a| a.title.clone()),
            modified,
            changes,
            from_text: fart.map(|a| a.body.clone()),
            to_text: tart.map(|a| a.body.clone()),
        });
    }
    // New order first, removed articles at their old place.
    articles.sort_by_key(|a| {
        (
            a.to_number.unwrap_or_else(|| a.from_number.unwrap_or(0)),
            a.to_number.is_none(),
        )
    });

    let mut data = Vec::new();
    let strip = |v: Value| match v {
        Value::Object(mut m) => {
            m.remove("period");
            Value::Object(m)
        }
        v => v,
    };
    diff_values(
        "",
        &strip(from.base_data.clone()),
        &strip(to.base_data.clone()),
        &mut data,
    );
    labels::describe(
        &mut data,
        Scope::Data,
        &LabelCx {
            names,
            shift: 0,
            start: to.start_year,
        },
    );
    Ok(BaseReport {
        reading,
        articles,
        moves,
        data,
    })
}

/// Items by key, the first of a key (as `Text::section` finds a section;
/// a repeated id is `check`'s to report): looked up once each, so a centre
/// with thousands of sections costs no more than it has.
fn first_by_key<K: Eq + std::hash::Hash, V>(
    items: impl IntoIterator<Item = (K, V)>,
) -> HashMap<K, V> {
    let mut map = HashMap::new();
    for (k, v) in items {
        map.entry(k).or_insert(v);
    }
    map
}

/// Ids of both lists, new order first, then ids only in the old list.
fn ids_in_order<'a>(
    from: impl Iterator<Item = &'a str>,
    to: impl Iterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut ids: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for id in to.chain(from) {
        if seen.insert(id) {
            ids.push(id);
        }
    }
    ids
}

/// Keys of the resolved data the centre part compares (see
/// [`centre_data`]); [`LEFT_TO_OTHER_PARTS`] are the others.
const CENTRE_KEYS: &[&str] = &[
    "name",
    "article",
    "gender",
    "kind",
    "status",
    "application_date",
    "association",
    "territory",
    "agrement",
    "budget",
    "budget_scope",
    "annexes",
    "payment",
];

/// Keys of the resolved data reported elsewhere: in their own part of the
/// report (funding, objectives, sections' texts), by the base part (the
/// base's arrays and texts), or not at all (the period, the previous id
/// that matched the centres).
#[cfg(test)]
const LEFT_TO_OTHER_PARTS: &[&str] = &[
    "title",
    "period",
    "signatories",
    "axes",
    "commitments",
    "sections",
    "funding",
    "objectives",
    "previous_id",
];

/// Centre data compared by key path: [`CENTRE_KEYS`], serialized one by
/// one (not the whole convention, whose objectives and base texts are
/// most of it). Budget years are moved by `shift` so that the first year
/// of one period meets the first year of the other. Payment terms and
/// annexes are the centre's own: those it writes in its file, and annexes
/// that differ from the base's.
fn centre_data(conv: &Convention, shift: Year, base: &Value) -> Value {
    fn put<T: Serialize>(m: &mut serde_json::Map<String, Value>, key: &str, value: &T) {
        match serde_json::to_value(value) {
            Ok(Value::Null) | Err(_) => {}
            Ok(v) => {
                m.insert(key.to_string(), v);
            }
        }
    }
    let d = &conv.data;
    let mut m = serde_json::Map::new();
    put(&mut m, "name", &d.name);
    put(&mut m, "article", &d.article);
    put(&mut m, "gender", &d.gender);
    put(&mut m, "kind", &d.kind);
    put(&mut m, "status", &d.status);
    put(&mut m, "application_date", &d.application_date);
    put(&mut m, "association", &d.association);
    put(&mut m, "territory", &d.territory);
    put(&mut m, "agrement", &d.agrement);
    let budget: serde_json::Map<String, Value> = d
        .budget
        .iter()
        .map(|(year, b)| {
            (
                (year + shift).to_string(),
                serde_json::to_value(b).unwrap_or(Value::Null),
            )
        })
        .collect();
    m.insert("budget".into(), Value::Object(budget));
    put(&mut m, "budget_scope", &d.budget_scope);
    let base_annexes: HashMap<&str, &Value> = base
        .get("annexes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a.get("id")?.as_str()?, a)))
        .collect();
    let own_annexes: Vec<Value> = d
        .annexes
        .iter()
        .filter_map(|a| serde_json::to_value(a).ok())
        .filter(|a| {
            let id = a.get("id").and_then(Value::as_str).unwrap_or_default();
            base_annexes.get(id).is_none_or(|b| *b != a)
        })
        .collect();
    m.insert("annexes".into(), Value::Array(own_annexes));
    let own: serde_json::Map<String, Value> = conv
        .tree
        .get("payment")
        .and_then(|p| p.as_table())
        .map(|t| {
            t.entries
                .iter()
                .filter(|e| e.node.loc.file == conv.centre_file)
                .map(|e| (e.key.to_string(), e.node.to_json()))
                .collect()
        })
        .unwrap_or_default();
    if !own.is_empty() {
        m.insert("payment".into(), Value::Object(own));
    }
    debug_assert!(m.keys().all(|k| CENTRE_KEYS.contains(&k.as_str())));
    Value::Object(m)
}

/// An objective as compared across periods: its indicators' target years
/// moved by `shift`, like the budget's.
fn shifted_objective(
    o: &crate::model::centre::Objective,
    shift: Year,
) -> crate::model::centre::Objective {
    let mut o = o.clone();
    if shift != 0 {
        for i in &mut o.indicators {
            i.targets = std::mem::take(&mut i.targets)
                .into_iter()
                .map(|(y, q)| (y + shift, q))
                .collect();
        }
    }
    o
}

fn compare_centre(
    from_side: &Side,
    to_side: &Side,
    from: Option<&Convention>,
    to: Option<&Convention>,
    names: &HashMap<String, String>,
    reader: &dyn Reader,
) -> CentreReport {
    let id = to.or(from).map(|c| c.id.clone()).unwrap_or_default();
    let name = to.or(from).map(|c| c.data.name.clone()).unwrap_or_default();
    let former_name = match (from, to) {
        (Some(f), Some(t)) if f.data.name != t.data.name => Some(f.data.name.clone()),
        _ => None,
    };
    let renamed_from = match (from, to) {
        (Some(f), Some(t)) if f.id != t.id => Some(f.id.clone()),
        _ => None,
    };

    // Funding, cell by cell.
    let empty = BTreeMap::new();
    let ff = from.map_or(&empty, |c| &c.data.funding);
    let tf = to.map_or(&empty, |c| &c.data.funding);
    let funders: BTreeSet<&String> = ff.keys().chain(tf.keys()).collect();
    // Cells are matched by funder and year of the period (1st year with
    // 1st year...), which is the calendar year when both sides are the
    // same period, and what readers compare when periods follow each other.
    let mut funding = Vec::new();
    let mut funding_totals = Vec::new();
    for funder in funders {
        let fname = to
            .and_then(|c| c.data.signatory(funder))
            .or_else(|| from.and_then(|c| c.data.signatory(funder)))
            .map_or_else(|| funder.clone(), |s| s.name.clone());
        let fy = ff.get(funder);
        let ty = tf.get(funder);
        let cells =
            |m: Option<&BTreeMap<Year, Amount>>, start: Year| -> BTreeMap<usize, (Year, Decimal)> {
                m.into_iter()
                    .flatten()
                    .filter(|(y, _)| **y >= start)
                    .map(|(y, a)| ((*y - start) as usize, (*y, a.0)))
                    .collect()
            };
        let a_cells = cells(fy, from_side.start_year);
        let b_cells = cells(ty, to_side.start_year);
        let indexes: BTreeSet<usize> = a_cells.keys().chain(b_cells.keys()).copied().collect();
        for index in indexes {
            let a = a_cells.get(&index);
            let b = b_cells.get(&index);
            if a.map(|x| x.1) == b.map(|x| x.1) && a.map(|x| x.0) == b.map(|x| x.0) {
                continue;
            }
            let (x, y) = (
                a.map_or(Decimal::ZERO, |v| v.1),
                b.map_or(Decimal::ZERO, |v| v.1),
            );
            if a.is_some() && b.is_some() && x == y {
                continue; // same amount, the year only shifted with the period
            }
            funding.push(FundingCell {
                funder: funder.clone(),
                funder_name: fname.clone(),
                year_index: index + 1,
                year: b.or(a).map_or(0, |v| v.0),
                from_year: a.map(|v| v.0),
                to_year: b.map(|v| v.0),
                from: a.map(|v| v.1),
                to: b.map(|v| v.1),
                euros: y.saturating_sub(x),
                percent: match (a, b) {
                    (Some(a), Some(_)) => percent(a.1, y),
                    _ => None,
                },
            });
        }
        let total = |m: Option<&BTreeMap<Year, Amount>>| -> Decimal {
            m.map_or(Decimal::ZERO, |m| Amount::total(m.values()).0)
        };
        funding_totals.push(delta(
            funder,
            &fname,
            total(fy),
            total(ty),
            from_side.years,
            to_side.years,
        ));
    }

    // Objectives by id.
    let mut objectives = Vec::new();
    let fo = from
        .map(|c| c.data.objectives.as_slice())
        .unwrap_or_default();
    let to_objs = to.map(|c| c.data.objectives.as_slice()).unwrap_or_default();
    let fo_by_id = first_by_key(fo.iter().map(|o| (o.id.as_str(), o)));
    let to_by_id = first_by_key(to_objs.iter().map(|o| (o.id.as_str(), o)));
    let label_cx = LabelCx {
        names,
        shift: to_side.start_year - from_side.start_year,
        start: to_side.start_year,
    };
    for oid in ids_in_order(
        fo.iter().map(|o| o.id.as_str()),
        to_objs.iter().map(|o| o.id.as_str()),
    ) {
        let a = fo_by_id.get(oid).copied();
        let b = to_by_id.get(oid).copied();
        let mut changes = Vec::new();
        let shifted = a.map(|a| shifted_objective(a, label_cx.shift));
        if let (Some(a), Some(b)) = (&shifted, b)
            && a != b
        {
            diff_values(
                "",
                &serde_json::to_value(a).unwrap_or(Value::Null),
                &serde_json::to_value(b).unwrap_or(Value::Null),
                &mut changes,
            );
            labels::describe(&mut changes, Scope::Objective, &label_cx);
        }
        let status = match (a, b) {
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Removed,
            _ if changes.is_empty() => Status::Unchanged,
            _ => Status::Modified,
        };
        objectives.push(ObjectiveReport {
            id: oid.to_string(),
            status,
            from_title: a.map(|o| o.title.clone()),
            to_title: b.map(|o| o.title.clone()),
            changes,
        });
    }

    // Sections by id, with moves between them.
    let fs = from.map(|c| c.text.sections.as_slice()).unwrap_or_default();
    let ts = to.map(|c| c.text.sections.as_slice()).unwrap_or_default();
    let fs_by_id = first_by_key(fs.iter().map(|s| (s.id.as_str(), s)));
    let ts_by_id = first_by_key(ts.iter().map(|s| (s.id.as_str(), s)));
    let ids = ids_in_order(
        fs.iter().map(|s| s.id.as_str()),
        ts.iter().map(|s| s.id.as_str()),
    );
    // A section that changed is compared as read (plain text, French
    // typography), like the common text; the others are left as they are.
    let read: Vec<Option<(Option<String>, Option<String>)>> = ids
        .iter()
        .map(|id| {
            let a = fs_by_id.get(id).map(|s| s.body.as_str());
            let b = ts_by_id.get(id).map(|s| s.body.as_str());
            (a != b).then(|| {
                (
                    a.map(|t| reader.plain_text(t)),
                    b.map(|t| reader.plain_text(t)),
                )
            })
        })
        .collect();
    let texts: Vec<Texts<'_>> = ids
        .iter()
        .zip(&read)
        .map(|(id, read)| match read {
            Some((a, b)) => Texts {
                id,
                from: a.as_deref(),
                to: b.as_deref(),
            },
            None => Texts {
                id,
                from: fs_by_id.get(id).map(|s| s.body.as_str()),
                to: ts_by_id.get(id).map(|s| s.body.as_str()),
            },
        })
        .collect();
    let (moves, remaining) = if from.is_some() && to.is_some() {
        find_moves(&texts)
    } else {
        (
            Vec::new(),
            texts
                .iter()
                .map(|_| (String::new(), String::new()))
                .collect(),
        )
    };
    let moved_ids: HashSet<&str> = moves
        .iter()
        .flat_map(|m| [m.from.as_str(), m.to.as_str()])
        .collect();
    let mut sections = Vec::new();
    for (t, (rf, rt)) in texts.iter().zip(&remaining) {
        let a = fs_by_id.get(t.id);
        let b = ts_by_id.get(t.id);
        let changes = if a.is_some() && b.is_some() {
            word_runs(rf, rt)
        } else {
            Vec::new()
        };
        let moved = moved_ids.contains(t.id);
        let status = match (a, b) {
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Removed,
            (Some(x), Some(y)) if x.title != y.title || has_changes(&changes) || moved => {
                Status::Modified
            }
            _ => Status::Unchanged,
        };
        sections.push(SectionReport {
            id: t.id.to_string(),
            status,
            from_title: a.map(|s| s.title.clone()),
            to_title: b.map(|s| s.title.clone()),
            changes,
        });
    }

    let mut data = Vec::new();
    if from.is_some() && to.is_some() {
        diff_values(
            "",
            &from
                .map(|c| centre_data(c, label_cx.shift, &from_side.base_data))
                .unwrap_or(Value::Null),
            &to.map(|c| centre_data(c, 0, &to_side.base_data))
                .unwrap_or(Value::Null),
            &mut data,
        );
        if !data.is_empty() {
            // The centre's own annexes and signatories are named too.
            let mut names = names.clone();
            for c in [from, to].into_iter().flatten() {
                for a in &c.data.annexes {
                    names.insert(format!("annexes.{}", a.id), a.title.clone());
                }
                for s in &c.data.signatories {
                    names.insert(format!("signatories.{}", s.id), s.name.clone());
                }
            }
            labels::describe(
                &mut data,
                Scope::Data,
                &LabelCx {
                    names: &names,
                    ..label_cx
                },
            );
        }
    }
    if from.is_none() || to.is_none() {
        data.clear();
        funding.clear();
        objectives.clear();
        sections.clear();
    }

    let anything = !funding.is_empty()
        || objectives.iter().any(|o| o.status != Status::Unchanged)
        || sections.iter().any(|s| s.status != Status::Unchanged)
        || !moves.is_empty()
        || !data.is_empty();
    let status = match (from, to) {
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
        _ if renamed_from.is_some() => Status::Renamed,
        _ if anything => Status::Modified,
        _ => Status::Unchanged,
    };
    CentreReport {
        id,
        status,
        renamed_from,
        name,
        former_name,
        funding,
        funding_totals,
        objectives,
        sections,
        moves,
        data,
    }
}

fn funding_summary(from: &Side, to: &Side) -> FundingSummary {
    let sum = |side: &Side| -> BTreeMap<String, Decimal> {
        let mut m = BTreeMap::new();
        for c in side.conventions.values() {
            for (f, years) in &c.data.funding {
                let sum = m.entry(f.clone()).or_insert(Decimal::ZERO);
                *sum = sum.saturating_add(Amount::total(years.values()).0);
            }
        }
        m
    };
    let (a, b) = (sum(from), sum(to));
    let funders: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let name = |id: &str| {
        to.funder_names
            .get(id)
            .or_else(|| from.funder_names.get(id))
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    let funders = funders
        .into_iter()
        .map(|f| {
            delta(
                f,
                &name(f),
                a.get(f).copied().unwrap_or_default(),
                b.get(f).copied().unwrap_or_default(),
                from.years,
                to.years,
            )
        })
        .collect();
    FundingSummary {
        funders,
        total: delta(
            "total",
            "Total",
            a.values().fold(Decimal::ZERO, |s, v| s.saturating_add(*v)),
            b.values().fold(Decimal::ZERO, |s, v| s.saturating_add(*v)),
            from.years,
            to.years,
        ),
    }
}

impl DataChange {
    /// A change by key path; its French label and values are filled in by
    /// [`labels::describe`].
    pub fn new(path: String, from: Value, to: Value) -> DataChange {
        DataChange {
            path,
            label: String::new(),
            from,
            to,
            from_text: String::new(),
            to_text: String::new(),
            gap: None,
        }
    }
}

/// Differences of two JSON values by key path. Arrays of objects with an
/// `id` are matched by id; other arrays are compared whole.
pub fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<DataChange>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<&String> = {
                let mut k: Vec<&String> = x.keys().collect();
                for key in y.keys() {
                    if !x.contains_key(key) {
                        k.push(key);
                    }
                }
                k
            };
            for key in keys {
                diff_values(
                    &join(key),
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y))
            if x.iter()
                .chain(y)
                .all(|v| v.get("id").and_then(Value::as_str).is_some()) =>
        {
            fn id(v: &Value) -> &str {
                v["id"].as_str().unwrap_or_default()
            }
            let xs = first_by_key(x.iter().map(|v| (id(v), v)));
            let ys = first_by_key(y.iter().map(|v| (id(v), v)));
            for key in ids_in_order(x.iter().map(id), y.iter().map(id)) {
                let va = xs.get(key).copied().unwrap_or(&Value::Null);
                let vb = ys.get(key).copied().unwrap_or(&Value::Null);
                if va.is_null() || vb.is_null() {
                    if va != vb {
                        out.push(DataChange::new(join(key), va.clone(), vb.clone()));
                    }
                } else {
                    diff_values(&join(key), va, vb, out);
                }
            }
        }
        _ if a != b => out.push(DataChange::new(path.to_string(), a.clone(), b.clone())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the resolved data is compared in the centre part or
    /// left to another part on purpose: a new key cannot go unreported.
    #[test]
    fn every_key_of_a_convention_has_its_part() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/poitiers");
        let project = crate::pipeline::Project::open(&root).expect("the example");
        let checked = project.check(&crate::check::Options::default());
        let conv = checked
            .period(None)
            .and_then(|p| p.conventions.first())
            .expect("a convention");
        let Value::Object(all) = serde_json::to_value(&conv.data).expect("serializes") else {
            panic!("an object");
        };
        for key in all.keys() {
            assert!(
                CENTRE_KEYS.contains(&key.as_str()) || LEFT_TO_OTHER_PARTS.contains(&key.as_str()),
                "`{key}` is neither compared nor left to another part"
            );
        }
    }
}
