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

/// A report as a reader reads it: no-break spaces as spaces, typographic
/// apostrophes as straight ones, HTML's escaped apostrophes decoded.
fn reading(text: &str) -> String {
    text.replace(['\u{202F}', '\u{A0}'], " ")
        .replace(['’', '\u{2011}'], "'")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

/// Issue 12's « Done when »: the report of `examples/poitiers`, in HTML and
/// in Markdown, shows no template code, no key path and no bare id where a
/// name exists; it says what changed in French.
#[test]
fn poitiers_reports_are_written_for_their_readers() {
    let repo = Repo::example("poitiers");
    let html_file = repo.file("../comparaison.html");
    repo.cpo(&[
        "diff",
        "--format",
        "html",
        "-o",
        html_file.to_str().unwrap(),
    ])
    .code(0);
    let html = std::fs::read_to_string(&html_file).unwrap();
    let run = repo.cpo(&["diff", "--format", "md"]);
    run.code(0);
    let md = run.stdout.clone();
    for (format, report) in [
        ("html", reading(&html)),
        ("md", reading(&md).replace('\\', "")),
    ] {
        for code in ["{{", "{%", "%}", "}}"] {
            assert!(!report.contains(code), "{format}: template code `{code}`");
        }
        for raw in ["budget.2023.", "signatories.", "payment.advance", "axes."] {
            assert!(!report.contains(raw), "{format}: key path `{raw}`");
        }
        for id in [
            " caf ",
            "| caf |",
            "saint-eloi → seve",
            "`saint-eloi`",
            "`versement`",
            "De l'article",
            "`bellejouanne`",
        ] {
            assert!(!report.contains(id), "{format}: bare id `{id}`");
        }
        for said in [
            "Article 6 – Modalités de versement",
            "Article 8 – Communication → Article 8 – Autres engagements",
            "Article 5 – Modalités de versement → Article 7 – Justificatifs",
            "Maison de quartier SEVE – Saint-Éloi Vivre Ensemble (anciennement Maison de quartier de Saint-Éloi)",
            "Caisse d'allocations familiales de la Vienne",
            "Espace de vie sociale de Bellejouanne",
            "1re année (2018 → 2022)",
            "[nom du centre]",
            "[quartiers du centre]",
            "(non modifié)",
            "(nouveau)",
            "(supprimé)",
            "(déplacé et modifié)",
        ] {
            assert!(report.contains(said), "{format}: does not say « {said} »");
        }
        // Data changes: a line in Markdown, a row of cells in HTML.
        let lines = [
            [
                "Budget, 2e année (2019 → 2023) – 64 Charges de personnel",
                "517 517 €",
                "541 968,50 €",
                "+24 451,50 €, +4,72 %",
            ],
            ["Versement – part de l'avance", "50 %", "40 %", ""],
            [
                "Ville de Poitiers – habilitation du représentant – date",
                "11 décembre 2017",
                "28 mars 2022",
                "",
            ],
        ];
        for [label, from, to, gap] in lines {
            let said = if format == "md" {
                let gap = if gap.is_empty() {
                    String::new()
                } else {
                    format!(" ({gap})")
                };
                format!("{label} : {from} → {to}{gap}")
            } else {
                format!("<td>{label}</td><td>{from}</td><td>{to}</td><td class=\"r\">{gap}</td>")
            };
            assert!(report.contains(&said), "{format}: does not say « {said} »");
        }
        // Averages rounded half up (766 500,125 € → 766 500,13 €), percentages
        // with two decimals.
        assert!(report.contains("766 500,13 €"), "{format}");
        assert!(report.contains("+5,00 %"), "{format}");
    }
    // HTML marks insertions and deletions, and is valid.
    assert!(html.contains("<ins>") && html.contains("<del>"));
    crate::render::vnu(&[html_file]);
}

#[test]
fn a_template_override_of_the_report_is_used_and_its_errors_are_located() {
    let repo = Repo::example("poitiers");
    repo.write(
        "templates/diff.html",
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head><body><p>Rapport de la Ville</p>\n{% for a in articles %}<p>{{ a.heading }} {{ a.marker }}</p>\n{% endfor %}</body></html>\n",
    );
    repo.write(
        "templates/diff.md",
        "# Rapport de la Ville\n{% for c in centres %}\n- {{ c.name }} {{ c.marker }}{% endfor %}\n",
    );
    let run = repo.cpo(&["diff", "--format", "html"]);
    run.code(0);
    assert!(
        run.stdout.contains("<p>Rapport de la Ville</p>"),
        "{}",
        run.stdout
    );
    assert!(reading(&run.stdout).contains("<p>Article 6 – Modalités de versement (modifié)</p>"));
    let run = repo.cpo(&["diff", "--format", "md"]);
    run.code(0);
    assert!(
        run.stdout.starts_with("# Rapport de la Ville\n"),
        "{}",
        run.stdout
    );
    assert!(
        reading(&run.stdout).contains(
            "- Maison de quartier SEVE – Saint-Éloi Vivre Ensemble (anciennement Maison de quartier de Saint-Éloi) (renommé)"
        ),
        "{}",
        run.stdout
    );
    // `cpo build` writes the comparison with the override too.
    repo.cpo(&["build"]).code(0);
    assert!(
        repo.read("dist/2022-2025/comparaison-2018-2021.html")
            .contains("Rapport de la Ville")
    );

    // A Tera error in the override: a `template` finding at its line, and
    // the report is not written (exit 2, the message names the file).
    repo.write("templates/diff.html", "<p>\n{{ title </p>\n");
    let run = repo.cpo(&["check", "--format", "short"]);
    run.code(1);
    assert!(
        run.stdout.starts_with("templates/diff.html:2:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("error[template]"), "{}", run.stdout);
    let run = repo.cpo(&["diff", "--format", "html"]);
    run.code(2);
    assert!(
        run.stderr.contains("templates/diff.html:2"),
        "{}",
        run.stderr
    );
    // The other formats do not need it.
    repo.cpo(&["diff", "--format", "json"]).code(0);
}

#[test]
fn as_a_centre_shows_the_common_text_as_rendered_for_it() {
    let repo = Repo::example("poitiers");
    let run = repo.cpo(&["diff", "--as", "beaulieu", "--format", "md"]);
    run.code(0);
    let md = reading(&run.stdout).replace('\\', "");
    assert!(
        md.contains("tel qu'il est rédigé pour le Centre d'animation de Beaulieu"),
        "{md}"
    );
    assert!(!md.contains("[nom du centre]"), "{md}");
    // Values as rendered: the centre's name and amounts.
    assert!(
        md.contains("projet du Centre d'animation de Beaulieu"),
        "{md}"
    );
    assert!(md.contains("FR76"), "{md}");
    // Across a rename: `seve` was `saint-eloi` in 2018-2021.
    let run = repo.cpo(&["diff", "--as", "seve", "--format", "json"]);
    run.code(0);
    let json = run.json();
    assert_eq!(json["base"]["reading"]["mode"], "centre");
    assert_eq!(json["base"]["reading"]["centre"], "seve");
    let objet = article(&json, "objet");
    assert!(
        objet["from_text"]
            .as_str()
            .unwrap()
            .contains("Maison de quartier de Saint-Éloi"),
        "{objet}"
    );
    // A centre of one period only.
    let run = repo.cpo(&["diff", "--as", "bellejouanne"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("no centre `bellejouanne` in period 2018-2021"),
        "{}",
        run.stderr
    );
}

/// A `|` in an article title stays inside its Markdown table cell.
#[test]
fn markdown_table_cells_with_pipes_stay_valid() {
    let repo = two_periods();
    for period in ["2019-2021", "2022-2025"] {
        repo.replace(
            &format!("periods/{period}/base.md"),
            "## Durée {#duree}",
            "## Durée | délais {#duree}",
        );
    }
    let run = repo.cpo(&["diff", "--format", "md"]);
    run.code(0);
    let unescaped_pipes = |line: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => n += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        n
    };
    let table: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("## Socle commun"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() > 3, "{}", run.stdout);
    for line in &table {
        assert_eq!(unescaped_pipes(line), 4, "{line}");
    }
    assert!(
        table.iter().any(|l| l.contains("Durée \\| délais")),
        "{table:?}"
    );
}

/// Issue 10: a centre with 50 000 sections diffs (the timing is in
/// `benches/diff.rs`), and its few changes are reported.
#[test]
fn a_centre_with_50_000_sections_diffs_and_reports_its_changes() {
    const N: usize = 50_000;
    const MOVED: &str =
        "Le jardin partagé ouvre chaque samedi matin avec les habitants du quartier.";
    let section = |i: usize, text: &str| format!("## S{i} {{#s{i}}}\n\n{text}\n\n");
    let (mut old, mut new) = (String::new(), String::new());
    for i in 0..N {
        let text = format!("Texte {i}.");
        old.push_str(&section(i, &text));
        if i == 30 {
            old.push_str(&format!("{MOVED}\n\n"));
        }
        match i {
            10 => new.push_str(&section(i, "Texte 10 modifié.")),
            20 => {}
            31 => {
                new.push_str(&section(i, &text));
                new.push_str(&format!("{MOVED}\n\n"));
            }
            _ => new.push_str(&section(i, &text)),
        }
    }
    new.push_str(&section(N, "Une action nouvelle."));
    let repo = Repo::example("poitiers");
    repo.write("periods/2018-2021/centres/beaulieu.md", old);
    repo.write("periods/2022-2025/centres/beaulieu.md", new);
    let json = json_diff(&repo, &[]);
    let beaulieu = centre(&json, "beaulieu");
    let sections = beaulieu["sections"].as_array().unwrap();
    assert_eq!(sections.len(), N + 1);
    let changed: Vec<(&str, &str)> = sections
        .iter()
        .filter(|s| s["status"] != "unchanged")
        .map(|s| (s["id"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changed,
        [
            ("s10", "modified"),
            ("s30", "modified"),
            ("s31", "modified"),
            ("s50000", "added"),
            ("s20", "removed"),
        ]
    );
    let moves: Vec<(&str, &str)> = beaulieu["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["to"].as_str().unwrap()))
        .collect();
    assert_eq!(moves, [("s30", "s31")]);
}

/// A rolled-over period reads, for the CAF adviser, as French: the acts
/// left out are named as acts (« délibération du conseil municipal n° … du
/// … »), the agrément as an agrément, never as the TOML's keys.
#[test]
fn acts_and_agrements_read_as_french() {
    let repo = Repo::example("poitiers");
    repo.cpo(&["new", "period", "2026-2029", "--from", "2022-2025"])
        .code(0);
    let run = repo.cpo(&["diff", "2022-2025", "2026-2029", "--format", "md"]);
    let md = run
        .stdout
        .replace(['\u{202F}', '\u{A0}'], " ")
        .replace('\u{2011}', "-")
        .replace('\u{2019}', "'");
    for expected in [
        "Ville de Poitiers – habilitation du représentant : délibération du conseil municipal n° 2022-0147 du 28 mars 2022 → —",
        "Association – mandat du représentant : décision du conseil d'administration du 12 juin 2021 → —",
        "Agrément de la CAF : agrément « centre social » du 1er janvier 2022 au 31 décembre 2025, décision du 18 novembre 2021 → —",
    ] {
        assert!(md.contains(expected), "{expected}\n{md}");
    }
    let keys = regex::Regex::new(r"\b(act|body|kind|start|end|decision|number) : ").unwrap();
    assert!(!keys.is_match(&md), "{md}");
}
