//! Scaffolding: the files of a new centre from its base, and a new period
//! rolled over from an existing one.
//!
//! A new centre gets every required section as a heading with a guidance
//! comment, one objective per required axis, funding lines per funder and
//! year at 0 and a budget per year: the structure is right, the user fills
//! in the values. A new period copies base and centres with every year
//! shifted, leaving out what was about the conventions it replaces (acts,
//! baselines, an agrément already over: see [`roll_centre`]); files are
//! edited with toml_edit so comments and layout survive.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, InlineTable, Item, Key, TableLike, Value};

use crate::model::BaseFile;
use crate::model::base::SectionRules;

/// What to put in a scaffolded centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Empty values the user must fill in (`cpo new centre`).
    Blank,
    /// A complete, valid example (`cpo init`).
    Example,
}

/// A TOML string literal (toml_edit escapes what must be).
fn q(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// A readable title for a section id.
pub fn section_title(id: &str) -> String {
    match id {
        "diagnostic" => "Diagnostic du territoire".into(),
        "projet" => "Projet social".into(),
        "plan-action" => "Plan d'action".into(),
        "partenariats" => "Partenariats".into(),
        "gouvernance" => "Gouvernance".into(),
        "evaluation" => "Évaluation".into(),
        other => {
            let words = other.replace('-', " ");
            let mut c = words.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

fn guidance(id: &str) -> &'static str {
    match id {
        "diagnostic" => {
            "Le quartier, ses habitants, leurs besoins : ce que montre le diagnostic partagé."
        }
        "projet" => "Les finalités et les priorités du projet de l'association pour la période.",
        "plan-action" => "Les actions prévues, une par ligne, avec leurs publics.",
        "partenariats" => "Les partenaires du projet et ce que chacun apporte.",
        _ => "À rédiger.",
    }
}

/// `centres/ID.toml` for a base.
pub fn centre_toml(base: &BaseFile, name: &str, fill: Fill) -> String {
    let years: Vec<i32> = base.period.years();
    let example = fill == Fill::Example;
    let mut s = String::from("#:schema ../../../schemas/centre.schema.json\n");
    let _ = write!(
        s,
        "name = {}\nkind = \"maison-de-quartier\"        # maison-de-quartier | centre-social | espace-de-vie-sociale | association\nstatus = \"draft\"                   # draft | ready | signed\n",
        q(name)
    );
    let (legal, siret, rna, address, representative, title) = if example {
        (
            format!("Association de la {}", name.to_lowercase()),
            "49912345300148",
            "W991000123",
            "1 rue des Écoles, 99000 Exemple",
            "Prénom Nom",
            "Président",
        )
    } else {
        (String::new(), "", "", "", "", "")
    };
    let rna_line = if example {
        format!(
            "rna = {}                   # W suivi de 9 caractères",
            q(rna)
        )
    } else {
        "# rna = \"W000000000\"         # numéro RNA (facultatif) : W suivi de 9 caractères"
            .to_string()
    };
    // A date cpo cannot know: printed in the visas (« Vu la demande de
    // subvention présentée par l'association le … »), so a new centre's is
    // left for its editor to write rather than made up.
    if example {
        let _ = writeln!(
            s,
            "application_date = {}-10-15        # date de la demande de subvention",
            years.first().map_or(2000, |y| y - 1)
        );
    } else {
        s.push_str(
            "# application_date = AAAA-MM-JJ   # date de la demande de subvention (visée par la convention)\n",
        );
    }
    let _ = write!(
        s,
        "\n[association]\nlegal_name = {}\nsiret = {}               # 14 chiffres\n{rna_line}\naddress = {}\nrepresentative = {}\n",
        q(&legal),
        q(siret),
        q(address),
        q(representative),
    );
    if example {
        let _ = write!(
            s,
            "civility = \"M.\"                    # Mme ou M.\ntitle = {}\nmandate = {{ act = \"décision\", body = \"conseil d'administration\", date = {}-06-12 }}\niban = \"FR76 3000 6000 0112 3456 7890 189\"\nbic = \"AGRIFRPP\"\nauditor = false                     # un commissaire aux comptes est-il nommé ?\n",
            q(title),
            years.first().map_or(2000, |y| y - 1)
        );
    } else {
        let _ = write!(
            s,
            "# civility = \"Mme\"                # Mme ou M.\ntitle = {}\n# mandate = {{ act = \"décision\", body = \"conseil d'administration\", date = AAAA-MM-JJ }}\niban = \"TODO\"                      # compte qui reçoit les versements\nbic = \"TODO\"\nauditor = false                     # un commissaire aux comptes est-il nommé (plus de 153 000 € de subventions par an) ?\n",
            q(title)
        );
    }
    let _ = write!(
        s,
        "\n[territory]\nquartiers = [{}]\n",
        q(if example { "Centre" } else { "" })
    );
    // A new centre's indicators have no values yet: none made up (zeros
    // would print as its commitments), `indicator-target-missing` asks for
    // the targets.
    let indicator_values = if example {
        let targets: Vec<String> = years
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{y} = {}", 10 * (i + 1)))
            .collect();
        format!("baseline = 0\ntargets = {{ {} }}\n", targets.join(", "))
    } else {
        let years: Vec<String> = years.iter().map(|y| format!("{y} = …")).collect();
        format!(
            "# baseline = …                   # valeur de départ (facultative)\ntargets = {{}}                      # {}\n",
            years.join(", ")
        )
    };
    for axis in base.axes.iter().filter(|a| a.required) {
        let _ = write!(
            s,
            "\n# Orientation : {}\n[[objectives]]\nid = {}\naxis = {}\ntitle = {}\n[[objectives.indicators]]\nlabel = {}\n{indicator_values}",
            axis.title,
            q(&axis.id),
            q(&axis.id),
            q(if example { "Objectif d'exemple" } else { "" }),
            q(if example { "Participants" } else { "" }),
        );
    }
    let funders: Vec<&crate::model::base::Signatory> =
        base.signatories.iter().filter(|f| f.funder).collect();
    let amount = |i: usize| if example { 100_000 / (i as u64 + 1) } else { 0 };
    s.push_str(
        "\n# Financements prévisionnels : financeur -> année -> montant en euros.\n[funding]\n",
    );
    for (i, f) in funders.iter().enumerate() {
        let cells: Vec<String> = years
            .iter()
            .map(|y| format!("{y} = {}", amount(i)))
            .collect();
        let _ = writeln!(s, "{} = {{ {} }}", f.id, cells.join(", "));
    }
    s.push_str("\n# Budget prévisionnel (CERFA n° 12156) : charges = produits, chaque année.\n");
    for y in &years {
        let subsidies: u64 = (0..funders.len()).map(amount).sum();
        let (charges, produits) = if example {
            (
                format!("{{ 60 = 10000, 64 = {} }}", subsidies + 5_000 - 10_000),
                "{ 70 = 5000 }".to_string(),
            )
        } else {
            ("{}".to_string(), "{}".to_string())
        };
        let _ = write!(
            s,
            "\n[budget.{y}]\ncharges = {charges}\nproduits = {produits}\n[budget.{y}.subsidies]\n"
        );
        for (i, f) in funders.iter().enumerate() {
            let _ = writeln!(s, "{} = {}", f.id, amount(i));
        }
    }
    s
}

/// `centres/ID.md` for a base's section rules.
pub fn centre_md(sections: &SectionRules, name: &str, fill: Fill) -> String {
    let mut s = format!("---\ntitle: {}\n---\n", q(&format!("Projet de {name}")));
    for id in &sections.required {
        let _ = write!(s, "\n## {} {{#{id}}}\n\n", section_title(id));
        match fill {
            Fill::Blank => {
                let _ = writeln!(s, "<!-- {} -->", guidance(id));
            }
            Fill::Example => {
                let _ = writeln!(
                    s,
                    "Texte d'exemple de la section « {} », à remplacer par celui du centre.",
                    section_title(id)
                );
            }
        }
    }
    s
}

/// Shift every year key of an inline table (`{ 2022 = 1, 2023 = 2 }`).
fn shift_inline_years(table: &mut InlineTable, delta: i32) {
    let entries: Vec<(String, Value)> = table
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    if !entries.iter().all(|(k, _)| k.parse::<i32>().is_ok()) {
        return;
    }
    table.clear();
    for (k, v) in entries {
        let year = k.parse::<i32>().unwrap_or_default().saturating_add(delta);
        table.insert(year.to_string(), v);
    }
    table.fmt();
}

fn shift_item_years(item: &mut Item, delta: i32) {
    if let Some(t) = item.as_inline_table_mut() {
        shift_inline_years(t, delta);
    } else if let Some(t) = item.as_table_mut() {
        // `[funding.ville]` with a line per year; another table is left.
        let _ = shift_table_years(t, delta);
    }
}

/// Shift the keys of a table whose keys are all years (`[budget.2022]`,
/// `[funding.ville]`), keeping each key's comments; otherwise change
/// nothing and give the first key that is not a year.
fn shift_table_years(t: &mut toml_edit::Table, delta: i32) -> Result<(), String> {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    if let Some(bad) = keys.iter().find(|k| k.parse::<i32>().is_err()) {
        return Err(bad.clone());
    }
    let entries: Vec<_> = keys.iter().filter_map(|k| t.remove_entry(k)).collect();
    for (key, value) in entries {
        let year = key.get().parse::<i32>().unwrap_or_default();
        let new_key = Key::new(year.saturating_add(delta).to_string())
            .with_leaf_decor(key.leaf_decor().clone());
        t.insert_formatted(&new_key, value);
    }
    Ok(())
}

/// Shift a TOML date value by whole years.
fn shift_date(value: &mut Value, delta: i32) -> Result<()> {
    let text = value.as_datetime().context("expected a date")?.to_string();
    let date: jiff::civil::Date = text
        .parse()
        .with_context(|| format!("`{text}` is not a date"))?;
    let shifted = date
        .checked_add(jiff::Span::new().years(delta))
        .with_context(|| format!("cannot shift {date} by {delta} years"))?;
    let decor = value.decor().clone();
    let mut new: Value = shifted
        .to_string()
        .parse::<toml_edit::Datetime>()
        .map(Value::from)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    *new.decor_mut() = decor;
    *value = new;
    Ok(())
}

/// Drop each signatory's `habilitation`: the act that approved the
/// convention being replaced (« Vu la délibération … approuvant la
/// présente convention ») does not approve the next one, and
/// `habilitation-missing` then asks for the new act.
fn drop_habilitations(doc: &mut DocumentMut, left_out: &mut LeftOut) {
    if let Some(signatories) = doc.get_mut("signatories") {
        each_table(signatories, &mut |signatory| {
            let removed = signatory.remove("habilitation").is_some();
            left_out.habilitations += usize::from(removed);
            removed
        });
    }
}

/// What a roll-over left out, by kind: what was about the conventions it
/// replaces (see [`roll_centre`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    pub habilitations: usize,
    pub mandates: usize,
    pub application_dates: usize,
    pub baselines: usize,
    pub agrements: usize,
}

/// `f` on each table of an array of tables (`[[objectives]]`) or of an
/// inline array (`objectives = [ { … } ]`), which TOML allows alike. `f`
/// says whether it removed a key: only such an inline table is laid out
/// again (which would drop the comments inside it).
fn each_table(item: &mut Item, f: &mut dyn FnMut(&mut dyn TableLike) -> bool) {
    match item {
        Item::ArrayOfTables(tables) => {
            for t in tables.iter_mut() {
                f(t);
            }
        }
        Item::Value(Value::Array(values)) => {
            for v in values.iter_mut() {
                if let Some(t) = v.as_inline_table_mut()
                    && f(t)
                {
                    t.fmt();
                }
            }
        }
        _ => {}
    }
}

/// base.toml of the new period: the dates shifted, the signatories'
/// habilitations dropped (they approved the previous convention).
pub fn roll_base(text: &str, delta: i32, left_out: &mut LeftOut) -> Result<String> {
    let mut doc: DocumentMut = text.parse().context("base.toml does not parse")?;
    drop_habilitations(&mut doc, left_out);
    for key in ["start", "end"] {
        if let Some(v) = doc
            .get_mut("period")
            .and_then(|p| p.get_mut(key))
            .and_then(Item::as_value_mut)
        {
            shift_date(v, delta)?;
        }
    }
    Ok(doc.to_string())
}

/// A centre's TOML for the new period: years shifted (funding, budget,
/// targets), status back to draft, no `previous_id` (ids stay the same),
/// and nothing that was about the convention it replaces: the application
/// for it, the board's mandate to sign it, signatories' habilitations, the
/// indicators' baselines (the year before the old period), an agrément
/// over before `first_year`. Each would print in the new convention as if
/// it were about that one.
pub fn roll_centre(
    text: &str,
    delta: i32,
    first_year: i32,
    left_out: &mut LeftOut,
) -> Result<String> {
    let mut doc: DocumentMut = text.parse().context("the centre file does not parse")?;
    left_out.application_dates += usize::from(doc.remove("application_date").is_some());
    // An agrément over before the new period starts covers none of it.
    let agrement_end = doc
        .get("agrement")
        .and_then(|a| a.get("end"))
        .and_then(Item::as_value)
        .and_then(Value::as_datetime)
        .and_then(|d| d.date)
        .map(|d| i32::from(d.year));
    if agrement_end.is_some_and(|end| end < first_year) {
        left_out.agrements += usize::from(doc.remove("agrement").is_some());
    }
    if let Some(association) = doc.get_mut("association").and_then(Item::as_table_like_mut) {
        left_out.mandates += usize::from(association.remove("mandate").is_some());
    }
    drop_habilitations(&mut doc, left_out);
    if let Some(status) = doc.get_mut("status").and_then(Item::as_value_mut) {
        let decor = status.decor().clone();
        *status = Value::from("draft");
        *status.decor_mut() = decor;
    }
    doc.remove("previous_id");
    if let Some(funding) = doc.get_mut("funding").and_then(Item::as_table_like_mut) {
        for (_, item) in funding.iter_mut() {
            shift_item_years(item, delta);
        }
    }
    if let Some(budget) = doc.get_mut("budget").and_then(Item::as_table_mut) {
        shift_table_years(budget, delta)
            .map_err(|key| anyhow::anyhow!("budget key `{key}` is not a year"))?;
    }
    if let Some(objectives) = doc.get_mut("objectives") {
        each_table(objectives, &mut |objective| {
            if let Some(indicators) = objective.get_mut("indicators") {
                each_table(indicators, &mut |indicator| {
                    if let Some(targets) = indicator.get_mut("targets") {
                        shift_item_years(targets, delta);
                    }
                    // The value before the old period is not the one before
                    // the new: it would print as « Référence 2025 ».
                    let removed = indicator.remove("baseline").is_some();
                    left_out.baselines += usize::from(removed);
                    removed
                });
            }
            false
        });
    }
    Ok(doc.to_string())
}

/// Check a new period label against the one it is rolled from.
pub fn period_delta(from: (i32, i32), to: (i32, i32)) -> Result<i32> {
    if to.1 - to.0 != from.1 - from.0 {
        bail!(
            "{}-{} lasts {} years and {}-{} {}: rolling over keeps the length of the period",
            to.0,
            to.1,
            to.1 - to.0 + 1,
            from.0,
            from.1,
            from.1 - from.0 + 1
        );
    }
    Ok(to.0 - from.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_shifts_years_and_keeps_comments() {
        let text = "name = \"X\"\nstatus = \"signed\"  # signée\nprevious_id = \"y\"\n\n[[objectives]]\nid = \"a\"\n[[objectives.indicators]]\nlabel = \"L\"\ntargets = { 2022 = 1, 2023 = 2 }\n\n# financements\n[funding]\nville = { 2022 = 10, 2023 = 20.50 }\n\n[budget.2022]  # première année\ncharges = { 60 = 1 }\n[budget.2022.subsidies]\nville = 10\n";
        let out = roll_centre(text, 4, 2026, &mut LeftOut::default()).unwrap();
        assert!(out.contains("status = \"draft\"  # signée"), "{out}");
        assert!(!out.contains("previous_id"));
        assert!(out.contains("targets = { 2026 = 1, 2027 = 2 }"), "{out}");
        assert!(out.contains("ville = { 2026 = 10, 2027 = 20.50 }"), "{out}");
        assert!(out.contains("[budget.2026]  # première année"), "{out}");
        assert!(out.contains("[budget.2026.subsidies]"), "{out}");
        assert!(out.contains("# financements"));
        assert!(!out.contains("2022"), "{out}");
        let base = roll_base(
            "[period]\nstart = 2022-01-01 # début\nend = 2025-12-31\n",
            4,
            &mut LeftOut::default(),
        )
        .unwrap();
        assert_eq!(
            base,
            "[period]\nstart = 2026-01-01 # début\nend = 2029-12-31\n"
        );
    }

    #[test]
    fn a_period_keeps_its_length() {
        assert_eq!(period_delta((2022, 2025), (2026, 2029)).unwrap(), 4);
        assert!(period_delta((2022, 2025), (2026, 2028)).is_err());
    }

    /// What was about the convention being replaced is left out, in every
    /// form TOML allows; an agrément still running is kept.
    #[test]
    fn rolling_leaves_out_the_acts_of_the_old_convention() {
        let text = "name = \"X\"\napplication_date = 2021-10-15\nsignatories = [ { id = \"ville\", habilitation = { act = \"délibération\", body = \"conseil municipal\", number = \"2022-0151\", date = 2022-03-28 } } ]\n\n[association]\nrepresentative = \"A\"\n[association.mandate]\nact = \"décision\"\nbody = \"conseil d'administration\"\ndate = 2021-06-12\n\n[agrement]\nkind = \"centre-social\"\nstart = 2022-01-01\nend = 2025-12-31\ndecision = 2021-11-18\n\n[[objectives]]\nid = \"a\"\n[[objectives.indicators]]\nlabel = \"L\"\nbaseline = 20\ntargets = { 2022 = 1 }\n";
        let mut left_out = LeftOut::default();
        let out = roll_centre(text, 4, 2026, &mut left_out).unwrap();
        assert_eq!(
            left_out,
            LeftOut {
                habilitations: 1,
                mandates: 1,
                application_dates: 1,
                baselines: 1,
                agrements: 1
            }
        );
        for gone in [
            "application_date",
            "habilitation",
            "mandate",
            "2021-06-12",
            "agrement",
            "baseline",
        ] {
            assert!(!out.contains(gone), "{gone}:\n{out}");
        }
        assert!(out.contains("representative = \"A\""), "{out}");
        assert!(out.contains("{ id = \"ville\" }"), "{out}");
        // Inline arrays of indicators, and years as a sub-table, too; an
        // inline table left alone keeps its layout and its comments.
        let inline = roll_centre(
            "objectives = [ { id = \"a\", indicators = [ { label = \"L\", baseline = 20, targets = { 2022 = 1 } } ] } ]\nsignatories = [\n  {id=\"caf\",   # la CAF\n   title = \"Directrice\"},\n]\n",
            4,
            2026,
            &mut LeftOut::default(),
        )
        .unwrap();
        assert!(
            inline.contains("indicators = [ { label = \"L\", targets = { 2026 = 1 } } ]"),
            "{inline}"
        );
        assert!(
            inline.contains("  {id=\"caf\",   # la CAF\n   title = \"Directrice\"},"),
            "{inline}"
        );
        let table = roll_centre(
            "[funding.ville]\n2022 = 10 # an 1\n2023 = 20\n",
            4,
            2026,
            &mut LeftOut::default(),
        )
        .unwrap();
        assert_eq!(table, "[funding.ville]\n2026 = 10 # an 1\n2027 = 20\n");
        // An agrément running into the new period stays.
        let running = text.replace("end = 2025-12-31", "end = 2027-12-31");
        assert!(
            roll_centre(&running, 4, 2026, &mut LeftOut::default())
                .unwrap()
                .contains("[agrement]")
        );
        let base = roll_base(
            "[period]\nstart = 2022-01-01\nend = 2025-12-31\n\n[[signatories]]\nid = \"caf\"\n[signatories.habilitation]\nact = \"décision\"\ndate = 2022-03-03\n",
            4,
            &mut LeftOut::default(),
        )
        .unwrap();
        assert!(
            !base.contains("habilitation") && !base.contains("2022-03-03"),
            "{base}"
        );
    }
}
