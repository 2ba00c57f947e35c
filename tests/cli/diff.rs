//! `cpo diff`: every article status, moves, renamed centres, funding
//! cells, funders added and removed, periods of different lengths, git
//! revisions read in place, and the report formats.

use serde_json::Value;

use crate::harness::Repo;

fn base_toml(start: i32, end: i32, with_etat: bool) -> String {
    let mut s = format!(
        r#"title = "Convention pluriannuelle d'objectifs"
[period]
start = {start}-01-01
end = {end}-12-31

[[signatories]]
id = "ville"
name = "Ville de Poitiers"
siret = "21860194600013"
representative = "Le maire"
title = "Maire"
funder = true

[[signatories]]
id = "caf"
name = "CAF de la Vienne"
siret = "35600000000048"
representative = "La directrice"
title = "Directrice"
kind = "caf"
funder = true
"#
    );
    if with_etat {
        s.push_str(
            "\n[[signatories]]\nid = \"etat\"\nname = \"État\"\nsiret = \"73282932000074\"\nrepresentative = \"Le préfet\"\ntitle = \"Préfet\"\nfunder = true\n",
        );
    }
    s.push_str(
        "\n[[axes]]\nid = \"lien\"\ntitle = \"Lien social\"\nrequired = true\n\n[sections]\nrequired = [\"diagnostic\", \"projet\"]\n\n[payment]\nadvance_percent = 50\nadvance_before = \"03-31\"\n",
    );
    s
}

fn centre_toml(name: &str, previous_id: Option<&str>, funding: &[(&str, &[(i32, i64)])]) -> String {
    let mut s = format!("name = \"{name}\"\nkind = \"maison-de-quartier\"\nstatus = \"signed\"\n");
    if let Some(p) = previous_id {
        s.push_str(&format!("previous_id = \"{p}\"\n"));
    }
    s.push_str(
        "\n[association]\nlegal_name = \"Association\"\nsiret = \"73282932000074\"\naddress = \"Poitiers\"\nrepresentative = \"Jeanne\"\ntitle = \"Présidente\"\n\n[territory]\nquartiers = [\"Q\"]\n\n[[objectives]]\nid = \"rencontres\"\naxis = \"lien\"\ntitle = \"Créer des rencontres\"\n\n[funding]\n",
    );
    for (funder, cells) in funding {
        let cells: Vec<String> = cells.iter().map(|(y, a)| format!("{y} = {a}")).collect();
        s.push_str(&format!("{funder} = {{ {} }}\n", cells.join(", ")));
    }
    s
}

const CENTRE_MD_A: &str = "## Diagnostic {#diagnostic}\n\nLe quartier compte 3 000 habitants.\n\n## Projet {#projet}\n\nAccueillir les familles.\n\nAnimer le jardin partagé avec les habitants du quartier chaque semaine.\n";
const CENTRE_MD_B: &str = "## Diagnostic {#diagnostic}\n\nLe quartier compte 3 200 habitants.\n\nAnimer le jardin partagé avec les habitants du quartier tous les samedis.\n\n## Projet {#projet}\n\nAccueillir les familles.\n";

const BASE_MD_A: &str = "Préambule.

## Objet {#objet}

La convention a pour objet de soutenir le projet de {{ centre.name }}.

## Durée {#duree}

La convention est conclue pour la durée de la période.

## Contribution {#contribution}

Les financeurs contribuent au projet.

## Versement {#versement}

Une avance est versée chaque année.

Le solde de la contribution est versé après la production du compte rendu financier de l'année précédente.

## Justificatifs {#justificatifs}

L'association transmet ses comptes.

## Évaluation {#evaluation}

L'évaluation a lieu chaque année en comité de suivi.

## Communication {#communication}

L'association mentionne le soutien des financeurs.

## Recours {#recours}

Tribunal administratif de Poitiers.
";

const BASE_MD_B: &str = "Préambule.

## Objet {#objet}

La convention a pour objet de garantir le soutien au projet de {{ centre.name }}.

## Durée {#duree}

La convention est conclue pour la durée de la période.

## Évaluation {#evaluation}

L'évaluation a lieu chaque année en comité de suivi.

## Projet de la structure {#projet}

{{ sections.diagnostic }}

## Contribution {#contribution}

Les financeurs contribuent au projet.

## Versement {#versement}

Une avance est versée chaque année.

## Justificatifs {#justificatifs}

L'association transmet ses comptes.

Le solde de la contribution annuelle n'est versé qu'après la production du compte rendu financier de l'exercice précédent.

## Recours {#recours}

Tribunal administratif de Poitiers.
";

/// Two periods of different lengths (3 and 4 years) with every kind of change.
fn two_periods() -> Repo {
    let repo = Repo::empty();
    repo.write(
        "cpo.toml",
        "[territory]\nname = \"Ville de Poitiers\"\nplace = \"Poitiers\"\n",
    );
    let a = "periods/2019-2021";
    repo.write(&format!("{a}/base.toml"), base_toml(2019, 2021, false));
    repo.write(&format!("{a}/base.md"), BASE_MD_A);
    let three: &[(i32, i64)] = &[(2019, 1000), (2020, 1000), (2021, 1000)];
    repo.write(
        &format!("{a}/centres/alpha.toml"),
        centre_toml(
            "Alpha",
            None,
            &[
                ("ville", &[(2019, 1000), (2020, 1000), (2021, 1000)]),
                ("caf", three),
            ],
        ),
    );
    repo.write(&format!("{a}/centres/alpha.md"), CENTRE_MD_A);
    repo.write(
        &format!("{a}/centres/beta.toml"),
        centre_toml("Beta", None, &[("ville", three)]),
    );
    repo.write(&format!("{a}/centres/beta.md"), CENTRE_MD_A);
    repo.write(
        &format!("{a}/centres/gamma.toml"),
        centre_toml("Gamma", None, &[("ville", three)]),
    );
    repo.write(&format!("{a}/centres/gamma.md"), CENTRE_MD_A);

    let b = "periods/2022-2025";
    repo.write(&format!("{b}/base.toml"), base_toml(2022, 2025, true));
    repo.write(&format!("{b}/base.md"), BASE_MD_B);
    let four: &[(i32, i64)] = &[(2022, 1000), (2023, 1000), (2024, 1000), (2025, 1000)];
    repo.write(
        &format!("{b}/centres/alpha.toml"),
        centre_toml(
            "Alpha",
            None,
            &[
                (
                    "ville",
                    &[(2022, 1200), (2023, 1000), (2024, 1000), (2025, 1000)],
                ),
                ("etat", four),
            ],
        ),
    );
    repo.write(&format!("{b}/centres/alpha.md"), CENTRE_MD_B);
    repo.write(
        &format!("{b}/centres/beta-nouveau.toml"),
        centre_toml("Beta nouveau", Some("beta"), &[("ville", &four[..3])]),
    );
    repo.write(&format!("{b}/centres/beta-nouveau.md"), CENTRE_MD_A);
    repo.write(
        &format!("{b}/centres/delta.toml"),
        centre_toml("Delta", None, &[("ville", four)]),
    );
    repo.write(&format!("{b}/centres/delta.md"), CENTRE_MD_A);
    repo
}

fn json_diff(repo: &Repo, args: &[&str]) -> Value {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    repo.cpo(&all).code(0).json()
}

fn article<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["base"]["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no article {id}"))
}

fn centre<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["centres"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no centre {id}"))
}

#[test]
fn every_article_status() {
    let json = json_diff(&two_periods(), &[]);
    let status = |id: &str| article(&json, id)["status"].as_str().unwrap().to_string();
    assert_eq!(status("objet"), "modified");
    assert_eq!(status("duree"), "unchanged");
    assert_eq!(status("evaluation"), "moved");
    assert_eq!(status("projet"), "added");
    assert_eq!(status("contribution"), "renumbered");
    assert_eq!(status("versement"), "modified");
    assert_eq!(status("justificatifs"), "modified");
    assert_eq!(status("communication"), "removed");
    assert_eq!(status("recours"), "unchanged");
    let contribution = article(&json, "contribution");
    assert_eq!(
        (
            contribution["from_number"].as_u64(),
            contribution["to_number"].as_u64()
        ),
        (Some(3), Some(5))
    );
    let removed = article(&json, "communication");
    assert_eq!(
        (
            removed["from_number"].as_u64(),
            removed["to_number"].as_u64()
        ),
        (Some(7), None)
    );
    let added = article(&json, "projet");
    assert_eq!(
        (added["from_number"].as_u64(), added["to_number"].as_u64()),
        (None, Some(4))
    );
}

#[test]
fn a_moved_and_edited_paragraph_is_reported_once_as_a_move() {
    let json = json_diff(&two_periods(), &[]);
    let moves = json["base"]["moves"].as_array().unwrap();
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert_eq!(moves[0]["from"], "versement");
    assert_eq!(moves[0]["to"], "justificatifs");
    assert!(
        moves[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["op"] != "equal")
    );
    // Neither article shows the paragraph as deleted or inserted.
    for id in ["versement", "justificatifs"] {
        let changes = serde_json::to_string(&article(&json, id)["changes"]).unwrap();
        assert!(
            !changes.contains("compte rendu financier"),
            "{id}: {changes}"
        );
    }
    // The same mechanism inside a centre's sections.
    let alpha = centre(&json, "alpha");
    let moves = alpha["moves"].as_array().unwrap();
    assert_eq!(moves.len(), 1);
    assert_eq!(
        (moves[0]["from"].as_str(), moves[0]["to"].as_str()),
        (Some("projet"), Some("diagnostic"))
    );
}

#[test]
fn renamed_added_and_removed_centres() {
    let json = json_diff(&two_periods(), &[]);
    let s = &json["summary"]["centres"];
    assert_eq!(s["added"], serde_json::json!(["delta"]));
    assert_eq!(s["removed"], serde_json::json!(["gamma"]));
    assert_eq!(
        s["renamed"],
        serde_json::json!([{"from": "beta", "to": "beta-nouveau"}])
    );
    assert_eq!(s["changed"], serde_json::json!(["alpha"]));
    let beta = centre(&json, "beta-nouveau");
    assert_eq!(beta["status"], "renamed");
    assert_eq!(beta["renamed_from"], "beta");
}

#[test]
fn funding_cells_funders_and_periods_of_different_lengths() {
    let json = json_diff(&two_periods(), &[]);
    let alpha = centre(&json, "alpha");
    let cells = alpha["funding"].as_array().unwrap();
    let cell = |funder: &str, index: u64| {
        cells
            .iter()
            .find(|c| c["funder"] == funder && c["year_index"] == index)
            .cloned()
    };
    // The first year of each period: 1 000 € in 2019, 1 200 € in 2022.
    let first = cell("ville", 1).expect("ville, first year");
    assert_eq!(
        (first["from_year"].as_i64(), first["to_year"].as_i64()),
        (Some(2019), Some(2022))
    );
    assert_eq!(first["euros"], 200.0);
    assert_eq!(first["percent"], 20.0);
    // A fourth year exists only in the four-year period.
    let fourth = cell("ville", 4).expect("ville, fourth year");
    assert!(fourth["from"].is_null());
    // CAF gone, État new.
    assert!(cell("caf", 1).unwrap()["to"].is_null());
    assert!(cell("etat", 1).unwrap()["from"].is_null());
    let totals = alpha["funding_totals"].as_array().unwrap();
    let caf = totals.iter().find(|t| t["id"] == "caf").unwrap();
    assert_eq!(
        (caf["from"].as_f64(), caf["to"].as_f64()),
        (Some(3000.0), Some(0.0))
    );
    assert_eq!(caf["percent"], -100.0);
    // Yearly averages account for 3 vs 4 years.
    let ville = totals.iter().find(|t| t["id"] == "ville").unwrap();
    assert_eq!(ville["from_per_year"], 1000.0);
    assert_eq!(ville["to_per_year"], 1050.0);
    assert_eq!(json["from"]["years"], 3);
    assert_eq!(json["to"]["years"], 4);
    let total = &json["summary"]["funding"]["total"];
    assert!(total["euros"].is_number() && total["percent"].is_number());
}

#[test]
fn json_report_has_the_spec_keys_and_snapshot() {
    let json = json_diff(&two_periods(), &[]);
    for key in ["summary", "base", "centres"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    for a in json["base"]["articles"].as_array().unwrap() {
        for key in ["id", "status", "from_number", "to_number"] {
            assert!(a.get(key).is_some(), "article {key}");
        }
    }
    for c in json["centres"].as_array().unwrap() {
        for key in [
            "id",
            "status",
            "renamed_from",
            "funding",
            "objectives",
            "sections",
            "data",
        ] {
            assert!(c.get(key).is_some(), "centre {key}");
        }
    }
    let mut json = json;
    // The origin names the temp dir in no way, but keep the snapshot stable anyway.
    json["from"]["origin"] = "x".into();
    json["to"]["origin"] = "x".into();
    insta::assert_json_snapshot!(json);
}

#[test]
fn markdown_report_snapshot() {
    let run = two_periods().cpo(&["diff", "--format", "md"]);
    run.code(0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn exit_code_and_output_file() {
    let repo = two_periods();
    repo.cpo(&["diff", "--exit-code"]).code(1);
    repo.cpo(&["diff", "2022-2025", "2022-2025", "--exit-code"])
        .code(0);
    let out = repo.file("rapport.html");
    repo.cpo(&["diff", "--format", "html", "-o", out.to_str().unwrap()])
        .code(0);
    assert!(repo.read("rapport.html").starts_with("<!DOCTYPE html>"));
    let run = repo.cpo(&["diff", "2010-2012"]);
    run.code(2);
    assert!(
        run.stderr.contains("no period `2010-2012`"),
        "{}",
        run.stderr
    );
}

#[test]
fn html_report_is_self_contained_and_valid() {
    let repo = two_periods();
    let out = repo.file("rapport.html");
    repo.cpo(&["diff", "--format", "html", "-o", out.to_str().unwrap()])
        .code(0);
    let html = repo.read("rapport.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    for external in ["<link", "<script", "src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external resource: {external}");
    }
    let summary = html.find("Synthèse").unwrap();
    let table = html.find("Tableau comparatif").unwrap();
    assert!(summary < table, "summary first");
    assert!(
        html.contains("(nouveau)") && html.contains("(supprimé)") && html.contains("(non modifié)")
    );
    assert!(html.contains("<ins>") && html.contains("<del>"));
    crate::render::vnu(&[out]);
}

#[test]
fn git_revisions_are_read_in_place() {
    crate::require!("git");
    let repo = two_periods();
    repo.git_init();
    repo.git(&["tag", "v1"]);
    // A signed state, then a change in the work tree, committed.
    repo.replace(
        "periods/2022-2025/centres/alpha.toml",
        "ville = { 2022 = 1200,",
        "ville = { 2022 = 1500,",
    );
    repo.git(&["commit", "-qam", "more money"]);
    repo.git(&["tag", "v2"]);
    repo.replace(
        "periods/2022-2025/centres/alpha.toml",
        "name = \"Alpha\"",
        "name = \"Alpha bis\"",
    );
    let head_before = repo.git(&["rev-parse", "HEAD"]);
    let status_before = repo.git(&["status", "--porcelain"]);
    let index_before = std::fs::read(repo.file(".git/index")).unwrap();

    // `@REV`: the same period at a revision, against the work tree.
    let since_v1 = json_diff(&repo, &["@v1"]);
    assert_eq!(since_v1["from"]["label"], "2022-2025");
    assert!(since_v1["from"]["origin"].as_str().unwrap().contains("v1"));
    let alpha = centre(&since_v1, "alpha");
    let cell = &alpha["funding"][0];
    assert_eq!(
        (cell["from"].as_f64(), cell["to"].as_f64()),
        (Some(1200.0), Some(1500.0))
    );
    assert!(
        alpha["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "name" && d["to"] == "Alpha bis"),
        "{alpha}"
    );

    // `LABEL@REV` on both sides, read in place.
    let revs = json_diff(&repo, &["2019-2021@v2", "2022-2025@v2"]);

    // Nothing was checked out or modified by reading revisions.
    assert_eq!(
        std::fs::read(repo.file(".git/index")).unwrap(),
        index_before
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head_before);
    assert_eq!(repo.git(&["status", "--porcelain"]), status_before);

    // ... and equals the work-tree result when the work tree is at that revision.
    repo.git(&["stash", "-q"]);
    let work = json_diff(&repo, &["2019-2021", "2022-2025"]);
    repo.git(&["stash", "pop", "-q"]);
    let strip = |mut v: Value| {
        for side in ["from", "to"] {
            v[side]["origin"] = Value::Null;
            v[side]["origin_fr"] = Value::Null;
        }
        v
    };
    assert_eq!(strip(revs), strip(work));
    assert!(
        repo.read("periods/2022-2025/centres/alpha.toml")
            .contains("Alpha bis")
    );
}

/// The example's documented changes, all found.
#[test]
fn poitiers_example_changes_are_all_reported() {
    let repo = Repo::example("poitiers");
    let json = json_diff(&repo, &[]);
    assert_eq!(json["from"]["label"], "2018-2021");
    assert_eq!(json["to"]["label"], "2022-2025");
    let s = &json["summary"]["centres"];
    assert_eq!(
        s["renamed"],
        serde_json::json!([{"from": "saint-eloi", "to": "seve"}])
    );
    assert_eq!(s["added"], serde_json::json!(["bellejouanne"]));
    assert_eq!(s["removed"], serde_json::json!(["pont-neuf"]));

    let expected = [
        ("objet", "modified", Some(1), Some(1)),
        ("duree", "modified", Some(2), Some(2)),
        ("projet", "added", None, Some(3)),
        ("cout", "renumbered", Some(3), Some(4)),
        ("contribution", "modified", Some(4), Some(5)),
        ("versement", "modified", Some(5), Some(6)),
        ("justificatifs", "modified", Some(6), Some(7)),
        ("engagements", "modified", Some(7), Some(8)),
        ("communication", "removed", Some(8), None),
        ("sanctions", "modified", Some(9), Some(9)),
        ("resiliation", "modified", Some(10), Some(10)),
        ("evaluation", "modified", Some(12), Some(11)),
        ("controle", "moved", Some(11), Some(12)),
        // The text as rendered: its cross-references follow the swapped
        // articles (« l'article 12 » became « l'article 11 »).
        ("renouvellement", "modified", Some(13), Some(13)),
        ("avenant", "unchanged", Some(14), Some(14)),
        // 2018-2021 annexed the centres' projects (annexes 1 to 6);
        // 2022-2025 places them in article 3 (annexes 1 to 5).
        ("annexes", "modified", Some(15), Some(15)),
        ("recours", "modified", Some(16), Some(16)),
    ];
    for (id, status, from, to) in expected {
        let a = article(&json, id);
        assert_eq!(a["status"], status, "{id}");
        assert_eq!(a["from_number"].as_u64(), from.map(|n: u64| n), "{id}");
        assert_eq!(a["to_number"].as_u64(), to.map(|n: u64| n), "{id}");
    }
    assert!(
        article(&json, "controle")["modified"].as_bool().unwrap(),
        "moved and reworded"
    );
    // Both paragraphs CHANGES-2018-2022.md says moved.
    let moves: Vec<(&str, &str)> = json["base"]["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            // The communication clause joined « Autres engagements ».
            ("communication", "engagements"),
            // The balance clause, reworded, joined « Justificatifs ».
            ("versement", "justificatifs"),
        ]
    );

    // Funding: up for beaulieu (536 055 € in 2022 against 512 000 € in 2018), down for gibauderie.
    let beaulieu = centre(&json, "beaulieu");
    let cell = beaulieu["funding"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["funder"] == "ville" && c["year_index"] == 1)
        .unwrap();
    assert_eq!(
        (cell["from"].as_f64(), cell["to"].as_f64()),
        (Some(512000.0), Some(536055.0))
    );
    assert_eq!(cell["euros"], 24055.0);
    assert_eq!(cell["percent"], 4.7);
    let gibauderie = centre(&json, "gibauderie");
    let ville = gibauderie["funding_totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "ville")
        .unwrap();
    assert!(ville["euros"].as_f64().unwrap() < 0.0);
    assert!(ville["percent"].as_f64().unwrap() < 0.0);
    // The terminal report says it too.
    let run = repo.cpo(&["diff"]);
    run.code(0);
    assert!(
        run.stdout.contains("seve renommé (from saint-eloi)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("paragraph moved communication → engagements")
    );
}

#[test]
fn build_writes_the_report_beside_the_conventions() {
    let repo = Repo::example("poitiers");
    repo.cpo(&["build"]).code(0);
    let report = repo.read("dist/2022-2025/comparaison-2018-2021.html");
    assert!(report.contains("Tableau comparatif"));
    assert!(
        repo.read("dist/2022-2025/index.html")
            .contains("comparaison-2018-2021.html")
    );
}
