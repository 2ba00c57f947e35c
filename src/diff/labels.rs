//! Data changes in French: a key path of the model (`budget.2023.charges.64`,
//! `signatories.ville.representative`) becomes what a reader calls it
//! (« Budget 2023 – 64 Charges de personnel », « Ville de Poitiers –
//! représentant »), and its values become amounts in euros, dates, days
//! of the year, « oui »/« non » or names, with the gap of amounts in euros
//! and percent (arrêté of 11 October 2006 on the compte rendu financier).
//!
//! One table of labels, by key, for every key of the model a comparison
//! can report (base.toml, a centre's resolved data, an objective). Ids in
//! paths (`signatories.ville`, `axes.participation`) are replaced by the
//! entry's name or title; a key the table does not know falls back to its
//! own words, never to a dotted path.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;

use super::DataChange;
use crate::fr;
use crate::fr::wording;
use crate::model::Year;
use crate::model::types::percent_change;

/// What a change belongs to: its path starts there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// base.toml, or a centre's resolved data.
    Data,
    /// One objective of a centre (its paths start inside it).
    Objective,
}

/// What labels need besides the path.
pub struct LabelCx<'a> {
    /// Names of entries by `collection.id`: `signatories.ville` → « Ville
    /// de Poitiers », `axes.participation` → its title; also `funders.ID`.
    pub names: &'a HashMap<String, String>,
    /// Years the older side's budget was moved by to meet the newer one
    /// (0 when both sides are the same period).
    pub shift: i32,
    /// The newer side's first year.
    pub start: Year,
}

impl LabelCx<'_> {
    fn name(&self, collection: &str, id: &str) -> String {
        self.names
            .get(&format!("{collection}.{id}"))
            .cloned()
            .unwrap_or_else(|| humanize(id))
    }

    /// « de la Ville de Poitiers », or « (État) » for a subsidy line that
    /// is not a signatory.
    fn funder_de(&self, id: &str) -> String {
        match self.names.get(&format!("signatories.{id}.de")) {
            Some(de) => de.clone(),
            None => format!("({})", crate::model::budget::SubsidyCategory::key_label(id)),
        }
    }

    /// « Budget 2023 », or « Budget, 2e année (2019 → 2023) » when the
    /// periods differ.
    fn budget_year(&self, year: &str) -> String {
        match year.parse::<Year>() {
            Ok(y) if self.shift != 0 => format!(
                "Budget, {} ({} → {y})",
                year_of_period(y - self.start + 1),
                y - self.shift
            ),
            _ => format!("Budget {year}"),
        }
    }
}

/// « 1re année », « 2e année ».
pub fn year_of_period(index: i32) -> String {
    format!("{} année", wording::ordinal_f(index.max(1) as u64))
}

/// Fill in the French label, values and gap of each change.
pub fn describe(changes: &mut [DataChange], scope: Scope, cx: &LabelCx<'_>) {
    for c in changes {
        let path: Vec<&str> = c.path.split('.').filter(|s| !s.is_empty()).collect();
        let (label, kind) = label(&path, scope, cx);
        c.label = label;
        c.from_text = value_text(&c.from, kind, &path, cx);
        c.to_text = value_text(&c.to, kind, &path, cx);
        c.gap = match (kind, amount(&c.from), amount(&c.to)) {
            (Kind::Amount, Some(a), Some(b)) => Some(gap(a, b)),
            _ => None,
        };
    }
}

/// « +24 451,50 €, +4,72 % » (no percent from zero).
pub fn gap(from: Decimal, to: Decimal) -> String {
    let euros = signed_euros(to.saturating_sub(from));
    match percent_change(from, to) {
        Some(p) => format!("{euros}, {}", percent(p)),
        None => euros,
    }
}

/// « +1 200 € », « -300 € », « 0 € ».
pub fn signed_euros(d: Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{}", fr::euros(&d))
    } else {
        fr::euros(&d)
    }
}

/// A percentage with two decimals always, signed: « +4,72 % », « -5,00 % »,
/// « 0,00 % ».
pub fn percent(p: Decimal) -> String {
    let p = crate::model::types::round_cents(p);
    let sign = if p.is_zero() {
        ""
    } else if p.is_sign_negative() {
        "-"
    } else {
        "+"
    };
    let abs = p.abs();
    let whole = abs.trunc();
    let cents = ((abs - whole) * Decimal::ONE_HUNDRED).round();
    format!(
        "{sign}{},{:02}{}%",
        fr::number(&whole),
        cents.to_u64().unwrap_or(0),
        fr::NBSP
    )
}

/// How a value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Amount,
    Percent,
    Date,
    MonthDay,
    Bool,
    /// An axis id: shown as the axis' title.
    Axis,
    /// A list of indicators.
    Indicators,
    /// Payment terms (an object).
    Payment,
    /// A habilitation or a mandate (an object): « délibération du conseil
    /// municipal n° 2022-0147 du 28 mars 2022 ».
    Act,
    /// The CAF's agrément (an object).
    Agrement,
}

fn label(path: &[&str], scope: Scope, cx: &LabelCx<'_>) -> (String, Kind) {
    if scope == Scope::Objective {
        return match path {
            ["axis"] => ("Orientation".into(), Kind::Axis),
            ["title"] => ("Intitulé".into(), Kind::Text),
            ["description"] => ("Description".into(), Kind::Text),
            ["indicators", ..] => ("Indicateurs".into(), Kind::Indicators),
            _ => (fallback(path), Kind::Text),
        };
    }
    let text = |s: &str| (s.to_string(), Kind::Text);
    match path {
        ["title"] => text("Titre de la convention"),
        ["name"] => text("Nom du centre"),
        ["article"] => text("Nom du centre – article"),
        ["gender"] => text("Nom du centre – genre"),
        ["kind"] => text("Type de structure"),
        ["status"] => text("Statut de la convention"),
        ["application_date"] => ("Date de la demande de subvention".into(), Kind::Date),
        ["previous_id"] => text("Centre de la période précédente"),
        ["budget_scope"] => text("Périmètre du budget prévisionnel"),
        ["association"] => text("Association"),
        ["association", rest @ ..] => {
            let (l, k) = association_field(rest);
            (format!("Association – {l}"), k)
        }
        ["territory", "quartiers"] => text("Territoire – quartiers"),
        ["territory", "qpv"] => text("Territoire – quartiers prioritaires (QPV)"),
        ["territory", rest @ ..] => (format!("Territoire – {}", fallback(rest)), Kind::Text),
        ["agrement"] => ("Agrément de la CAF".into(), Kind::Agrement),
        ["agrement", f] => {
            let (l, k) = match *f {
                "kind" => ("nature", Kind::Text),
                "start" => ("premier jour", Kind::Date),
                "end" => ("dernier jour", Kind::Date),
                "decision" => ("date de la décision", Kind::Date),
                other => {
                    return (
                        format!("Agrément de la CAF – {}", humanize(other)),
                        Kind::Text,
                    );
                }
            };
            (format!("Agrément de la CAF – {l}"), k)
        }
        ["budget", year] => (cx.budget_year(year), Kind::Text),
        ["budget", year, "charges" | "produits", account] => {
            let title = account
                .parse::<u16>()
                .ok()
                .and_then(crate::model::budget::account_label)
                .unwrap_or("compte");
            (
                format!("{} – {account} {title}", cx.budget_year(year)),
                Kind::Amount,
            )
        }
        ["budget", year, "subsidies", funder] => (
            format!(
                "{} – 74 Subvention {}",
                cx.budget_year(year),
                cx.funder_de(funder)
            ),
            Kind::Amount,
        ),
        ["budget", year, rest @ ..] => (
            format!("{} – {}", cx.budget_year(year), fallback(rest)),
            Kind::Amount,
        ),
        ["payment"] => ("Versement".into(), Kind::Payment),
        ["payment", "funders", id] => (
            format!("Versement – {}", cx.name("signatories", id)),
            Kind::Payment,
        ),
        ["payment", "funders", id, f] => {
            let (l, k) = payment_field(f);
            (
                format!("Versement – {} – {l}", cx.name("signatories", id)),
                k,
            )
        }
        ["payment", f] => {
            let (l, k) = payment_field(f);
            (format!("Versement – {l}"), k)
        }
        ["signatories", _] => text("Signataire"),
        ["signatories", id, rest @ ..] => {
            let (l, k) = signatory_field(rest);
            (format!("{} – {l}", cx.name("signatories", id)), k)
        }
        ["axes", _] => text("Orientation"),
        ["axes", id, f] => {
            let (l, k) = flag_or(f, "intitulé", "obligatoire", "verrouillée");
            (format!("Orientation « {} » – {l}", cx.name("axes", id)), k)
        }
        ["commitments", _] => text("Engagement commun"),
        ["commitments", id, f] => {
            let (l, k) = match *f {
                "text" => ("texte", Kind::Text),
                f => flag_or(f, "intitulé", "obligatoire", "verrouillé"),
            };
            (
                format!("Engagement commun « {} » – {l}", cx.name("commitments", id)),
                k,
            )
        }
        ["annexes", _] => text("Annexe"),
        ["annexes", id, f] => {
            let (l, k) = match *f {
                "file" => ("fichier", Kind::Text),
                "kind" => ("nature", Kind::Text),
                f => flag_or(f, "titre", "obligatoire", "verrouillée"),
            };
            (format!("Annexe « {} » – {l}", cx.name("annexes", id)), k)
        }
        ["sections", "required"] => text("Sections obligatoires du projet"),
        ["sections", "optional"] => text("Sections facultatives du projet"),
        ["remove"] => text("Éléments du socle retirés par le centre"),
        _ => (fallback(path), Kind::Text),
    }
}

/// `title`, `required`, `locked` and `description` of an entry.
fn flag_or(
    f: &str,
    title: &'static str,
    required: &'static str,
    locked: &'static str,
) -> (&'static str, Kind) {
    match f {
        "title" => (title, Kind::Text),
        "description" => ("description", Kind::Text),
        "required" => (required, Kind::Bool),
        "locked" => (locked, Kind::Bool),
        _ => ("valeur", Kind::Text),
    }
}

fn association_field(rest: &[&str]) -> (String, Kind) {
    let t = |s: &str| (s.to_string(), Kind::Text);
    match rest {
        ["legal_name"] => t("dénomination"),
        ["siret"] => t("SIRET"),
        ["rna"] => t("numéro RNA"),
        ["address"] => t("adresse"),
        ["form"] => t("régime juridique"),
        ["register_court"] => t("tribunal du registre des associations"),
        ["representative"] => t("représentant"),
        ["civility"] => t("civilité du représentant"),
        ["title"] => t("qualité du représentant"),
        ["mandate"] => ("mandat du représentant".into(), Kind::Act),
        ["mandate", f] => habilitation_field("mandat du représentant", f),
        ["iban"] => t("IBAN"),
        ["bic"] => t("BIC"),
        ["auditor"] => ("commissaire aux comptes".into(), Kind::Bool),
        ["email"] => t("courriel"),
        other => t(&fallback(other)),
    }
}

fn habilitation_field(what: &str, f: &str) -> (String, Kind) {
    match f {
        "act" => (format!("{what} – acte"), Kind::Text),
        "body" => (format!("{what} – organe"), Kind::Text),
        "number" => (format!("{what} – numéro"), Kind::Text),
        "date" => (format!("{what} – date"), Kind::Date),
        other => (format!("{what} – {}", humanize(other)), Kind::Text),
    }
}

fn signatory_field(rest: &[&str]) -> (String, Kind) {
    let t = |s: &str| (s.to_string(), Kind::Text);
    match rest {
        ["name"] => t("nom"),
        ["article"] => t("article du nom"),
        ["gender"] => t("genre du nom"),
        ["designation"] => t("désignation"),
        ["siret"] => t("SIRET"),
        ["address"] => t("adresse"),
        ["representative"] => t("représentant"),
        ["civility"] => t("civilité du représentant"),
        ["title"] => t("qualité du représentant"),
        ["habilitation"] => ("habilitation du représentant".into(), Kind::Act),
        ["habilitation", f] => habilitation_field("habilitation du représentant", f),
        ["payment"] => ("modalités de versement".into(), Kind::Payment),
        ["payment", f] => {
            let (l, k) = payment_field(f);
            (format!("versement – {l}"), k)
        }
        ["kind"] => t("nature"),
        ["funder"] => ("financeur".into(), Kind::Bool),
        ["locked"] => ("verrouillé".into(), Kind::Bool),
        ["required"] => ("obligatoire".into(), Kind::Bool),
        other => t(&fallback(other)),
    }
}

fn payment_field(f: &str) -> (String, Kind) {
    match f {
        "advance_percent" => ("part de l'avance".into(), Kind::Percent),
        "advance_before" => ("avance versée au plus tard le".into(), Kind::MonthDay),
        "balance_before" => ("solde versé au plus tard le".into(), Kind::MonthDay),
        other => (humanize(other), Kind::Text),
    }
}

/// The words of a key the table does not know: `plan_action` → « plan action ».
fn fallback(path: &[&str]) -> String {
    let words: Vec<String> = path.iter().map(|s| humanize(s)).collect();
    wording::capitalize(&words.join(" – "))
}

fn humanize(key: &str) -> String {
    key.replace(['_', '-'], " ")
}

fn amount(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => crate::model::types::parse_decimal(&n.to_string()).ok(),
        Value::String(s) => crate::model::types::parse_decimal(s).ok(),
        _ => None,
    }
}

/// A value as a reader reads it.
fn value_text(v: &Value, kind: Kind, path: &[&str], cx: &LabelCx<'_>) -> String {
    match (v, kind) {
        (Value::Null, _) => "—".to_string(),
        (_, Kind::Amount) => amount(v).map_or_else(|| plain(v), |d| fr::euros(&d)),
        (Value::Number(n), Kind::Percent) => format!("{n}{}%", fr::NBSP),
        (Value::String(s), Kind::Date) => date(s),
        (Value::String(s), Kind::MonthDay) => month_day(s),
        (Value::Bool(b), _) => if *b { "oui" } else { "non" }.to_string(),
        (Value::String(s), Kind::Axis) => cx.name("axes", s),
        (Value::Array(items), Kind::Indicators) => {
            items.iter().map(indicator).collect::<Vec<_>>().join(" ; ")
        }
        (Value::Object(m), Kind::Payment) => m
            .iter()
            .map(|(k, v)| {
                let (l, kind) = payment_field(k);
                format!("{l} {}", value_text(v, kind, path, cx))
            })
            .collect::<Vec<_>>()
            .join(", "),
        (Value::Object(m), Kind::Act) => {
            let field = |k: &str| m.get(k).and_then(Value::as_str);
            fr::wording::act_phrase(
                field("act").unwrap_or("délibération"),
                field("body").unwrap_or_default(),
                field("number"),
                &field("date").map(date).unwrap_or_default(),
            )
        }
        (Value::Object(m), Kind::Agrement) => {
            let field = |k: &str| m.get(k).and_then(Value::as_str);
            let mut out = format!(
                "agrément « {} »",
                enum_word("kind", field("kind").unwrap_or_default())
            );
            if let (Some(start), Some(end)) = (field("start"), field("end")) {
                out.push_str(&format!(" du {} au {}", date(start), date(end)));
            }
            if let Some(decision) = field("decision") {
                out.push_str(&format!(", décision du {}", date(decision)));
            }
            out
        }
        (Value::String(s), _) => enum_word(path.last().copied().unwrap_or_default(), s),
        _ => plain(v),
    }
}

/// A value without a kind: an entry by its title or name, a list joined.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => amount(v).map_or_else(|| n.to_string(), |d| fr::quantity(&d)),
        Value::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Object(m) => match m
            .get("name")
            .or_else(|| m.get("title"))
            .or_else(|| m.get("label"))
            .and_then(Value::as_str)
        {
            Some(t) => t.to_string(),
            None => m
                .iter()
                .map(|(k, v)| format!("{} : {}", humanize(k), plain(v)))
                .collect::<Vec<_>>()
                .join(", "),
        },
    }
}

/// « Nombre de familles accompagnées (familles) : référence 40 ; 2022 : 45, 2023 : 50 ».
fn indicator(v: &Value) -> String {
    let Some(m) = v.as_object() else {
        return plain(v);
    };
    let mut out = m
        .get("label")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(unit) = m.get("unit").and_then(Value::as_str) {
        out.push_str(&format!(" ({unit})"));
    }
    let mut parts = Vec::new();
    if let Some(b) = m.get("baseline").filter(|b| !b.is_null()) {
        parts.push(format!("référence {}", plain(b)));
    }
    if let Some(Value::Object(targets)) = m.get("targets") {
        let t: Vec<String> = targets
            .iter()
            .map(|(y, q)| format!("{y} : {}", plain(q)))
            .collect();
        if !t.is_empty() {
            parts.push(format!("cibles {}", t.join(", ")));
        }
    }
    if !parts.is_empty() {
        out.push_str(" : ");
        out.push_str(&parts.join(" ; "));
    }
    out
}

fn date(s: &str) -> String {
    s.parse::<jiff::civil::Date>()
        .map_or_else(|_| s.to_string(), fr::date_fr)
}

fn month_day(s: &str) -> String {
    crate::model::MonthDay::parse(s).map_or_else(
        || s.to_string(),
        |md| fr::month_day_fr(md.month(), md.day()),
    )
}

/// The French word of an enumerated value of the model.
fn enum_word(key: &str, value: &str) -> String {
    let word = match (key, value) {
        ("kind", "maison-de-quartier") => "maison de quartier",
        ("kind", "centre-social") => "centre social",
        ("kind", "espace-de-vie-sociale") => "espace de vie sociale",
        ("kind", "association") => "association",
        ("kind", "commune") => "commune",
        ("kind", "epci") => "intercommunalité",
        ("kind", "departement") => "département",
        ("kind", "region") => "région",
        ("kind", "etat") => "État",
        ("kind", "caf") => "caisse d'allocations familiales",
        ("kind", "autre") => "autre",
        ("status", "draft") => "projet",
        ("status", "ready") => "prête à signer",
        ("status", "signed") => "signée",
        ("form", "loi-1901") => "association régie par la loi du 1er juillet 1901",
        ("form", "loi-1908") => "association de droit local (Alsace-Moselle)",
        ("budget_scope", "association") => "budget de l'association",
        ("budget_scope", "action") => "budget de l'action",
        ("gender", "f") => "féminin",
        ("gender", "m") => "masculin",
        _ => value,
    };
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(names: &HashMap<String, String>, shift: i32) -> LabelCx<'_> {
        LabelCx {
            names,
            shift,
            start: 2022,
        }
    }

    fn change(path: &str, from: Value, to: Value) -> DataChange {
        DataChange::new(path.into(), from, to)
    }

    #[test]
    fn budget_lines_read_in_french() {
        let names = HashMap::from([(
            "signatories.caf.de".to_string(),
            "de la Caisse d'allocations familiales de la Vienne".to_string(),
        )]);
        let mut c = [
            change(
                "budget.2023.charges.64",
                serde_json::json!(517517),
                serde_json::json!(541968.5),
            ),
            change(
                "budget.2023.subsidies.caf",
                serde_json::json!(119000),
                serde_json::json!(125000.5),
            ),
        ];
        describe(&mut c, Scope::Data, &cx(&names, 0));
        let line = |c: &DataChange| {
            format!(
                "{} : {} → {} ({})",
                c.label,
                c.from_text,
                c.to_text,
                c.gap.clone().unwrap_or_default()
            )
            .replace(['\u{202F}', '\u{A0}'], " ")
        };
        assert_eq!(
            line(&c[0]),
            "Budget 2023 – 64 Charges de personnel : 517 517 € → 541 968,50 € (+24 451,50 €, +4,72 %)"
        );
        assert_eq!(
            c[1].label,
            "Budget 2023 – 74 Subvention de la Caisse d'allocations familiales de la Vienne"
        );
        // Consecutive periods: the year of the period, both years shown.
        describe(&mut c, Scope::Data, &cx(&names, 4));
        assert_eq!(
            c[0].label,
            "Budget, 2e année (2019 → 2023) – 64 Charges de personnel"
        );
    }

    #[test]
    fn ids_become_names_and_values_read() {
        let names = HashMap::from([("signatories.ville".to_string(), "Ville de Poitiers".into())]);
        let mut c = [
            change(
                "signatories.ville.habilitation.date",
                "2017-12-11".into(),
                "2022-03-28".into(),
            ),
            change("payment.advance_percent", 50.into(), 40.into()),
            change("payment.advance_before", "03-31".into(), "02-28".into()),
            change("association.siret", "1".into(), "2".into()),
            change("association.auditor", false.into(), true.into()),
        ];
        describe(&mut c, Scope::Data, &cx(&names, 0));
        assert_eq!(
            c[0].label,
            "Ville de Poitiers – habilitation du représentant – date"
        );
        assert_eq!(c[0].to_text, "28 mars 2022");
        assert_eq!(c[1].label, "Versement – part de l'avance");
        assert_eq!(c[1].to_text, "40\u{A0}%");
        assert_eq!(c[2].from_text, "31 mars");
        assert_eq!(c[3].label, "Association – SIRET");
        assert_eq!(
            (c[4].from_text.as_str(), c[4].to_text.as_str()),
            ("non", "oui")
        );
    }

    #[test]
    fn percentages_have_two_decimals() {
        let p = |s: &str| percent(s.parse().unwrap()).replace('\u{A0}', " ");
        assert_eq!(p("4.7"), "+4,70 %");
        assert_eq!(p("-5"), "-5,00 %");
        assert_eq!(p("0"), "0,00 %");
        assert_eq!(
            percent("1234.567".parse().unwrap()),
            "+1\u{202F}234,57\u{A0}%"
        );
    }
}
