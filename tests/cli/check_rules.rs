//! One test per rule of the catalogue: the smallest edit of the clean
//! fixture that triggers it, and the exact findings it must produce (rule,
//! file, line, column), nothing more. The clean fixture itself produces no
//! finding at all (`basics::clean_fixture_passes_check`).

use crate::harness::Repo;

const BASE: &str = "periods/2022-2025/base.toml";
const BASE_MD: &str = "periods/2022-2025/base.md";
const TOML: &str = "periods/2022-2025/centres/beaulieu.toml";
const MD: &str = "periods/2022-2025/centres/beaulieu.md";

type Finding = (String, String, String, u64, u64);

/// Run `cpo check --format json` and return (rule, severity, file, line, column).
fn findings(repo: &Repo, args: &[&str]) -> Vec<Finding> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = repo.cpo(&all);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    let json = run.json();
    let found: Vec<Finding> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let errors = found.iter().filter(|f| f.1 == "error").count();
    assert_eq!(
        run.code,
        i32::from(errors > 0),
        "exit code follows errors: {found:?}"
    );
    found
}

/// The findings of one rule.
fn findings_of(repo: &Repo, rule: &str) -> Vec<Finding> {
    findings(repo, &[])
        .into_iter()
        .filter(|x| x.0 == rule)
        .collect()
}

fn f(rule: &str, severity: &str, file: &str, line: u64, col: u64) -> Finding {
    (rule.into(), severity.into(), file.into(), line, col)
}

/// Assert the exact findings after an edit of the clean fixture.
#[track_caller]
fn expect(repo: &Repo, expected: &[Finding]) {
    assert_eq!(findings(repo, &[]), expected);
}

fn clean() -> Repo {
    Repo::fixture("clean")
}

// ---------------------------------------------------------------- files

#[test]
fn todo() {
    let repo = clean();
    // A value and a text left to fill in; a comment, ordinary French and
    // a word holding the letters are not.
    repo.replace(
        TOML,
        "address = \"10 boulevard Savari, 86000 Poitiers\"",
        "address = \"À COMPLÉTER\"",
    );
    repo.replace(
        MD,
        "compte 7 000 habitants.",
        "compte XXXX habitants (chiffre à compléter, TODOS). <!-- TODO -->",
    );
    repo.replace(BASE_MD, "Quatre ans.", "Quatre ans. TODO");
    expect(
        &repo,
        &[
            f("todo", "warning", BASE_MD, 9, 13),
            f("todo", "warning", MD, 6, 32),
            f("todo", "warning", TOML, 9, 11),
        ],
    );
    // Once the centre is ready to sign, they would print in the document
    // people sign: errors, the base's too (it prints in every convention
    // of the period).
    repo.replace(TOML, "status = \"draft\"", "status = \"ready\"");
    assert_eq!(
        findings_of(&repo, "todo"),
        [
            f("todo", "error", BASE_MD, 9, 13),
            f("todo", "error", MD, 6, 32),
            f("todo", "error", TOML, 9, 11),
        ]
    );
}

/// Empty values (as `cpo new centre` writes the names it cannot know) are
/// still to fill in too: `todo`, not the rules about a value's form. A
/// placeholder where a number belongs stays a `wrong-type` error (there is
/// no number to print, even in a draft), saying it is still to fill in;
/// where an empty value means « none » (`unit`), it is not reported.
#[test]
fn todo_for_empty_values_and_where_a_number_belongs() {
    let repo = clean();
    repo.replace(TOML, "siret = \"73282932000074\"", "siret = \"\"");
    repo.replace(
        TOML,
        "legal_name = \"Association du Centre d'animation de Beaulieu\"",
        "legal_name = \" \"",
    );
    repo.replace(
        TOML,
        "baseline = 4",
        "baseline = \"À COMPLÉTER\"\nunit = \"\"",
    );
    expect(
        &repo,
        &[
            f("todo", "warning", TOML, 6, 14),
            f("todo", "warning", TOML, 7, 9),
            f("wrong-type", "error", TOML, 23, 12),
        ],
    );
    let json = repo.cpo(&["check", "--format", "json"]).json();
    let help = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "wrong-type")
        .map(|d| d["help"].as_str().unwrap_or_default().to_string());
    assert_eq!(help.as_deref(), Some("still to fill in: write a number"));
    // A placeholder status is no status: not taken for a draft.
    repo.replace(TOML, "status = \"draft\"", "status = \"TODO\"");
    let found = findings(&repo, &[]);
    assert!(
        found.iter().any(|x| x.0 == "wrong-type" && x.3 == 3),
        "{found:?}"
    );
}

#[test]
fn encoding() {
    let repo = clean();
    let mut bytes = repo.read(MD).into_bytes();
    bytes.extend_from_slice(b"\nCaf\xe9 des parents\n");
    repo.write(MD, bytes);
    expect(&repo, &[f("encoding", "error", MD, 12, 4)]);
}

#[test]
fn toml_syntax() {
    let repo = clean();
    repo.replace(TOML, "rna = \"W861000123\"", "rna = \"W861000123");
    let found = findings(&repo, &[]);
    assert_eq!(found.len(), 1, "one mistake, one finding: {found:?}");
    assert!(
        found.iter().all(|x| x.0 == "toml-syntax" && x.2 == TOML),
        "{found:?}"
    );
    // An unterminated string is reported where the line ends.
    assert_eq!((found[0].3, found[0].4), (8, 18));
}

#[test]
fn a_follow_on_syntax_error_on_the_same_line_is_not_repeated() {
    let repo = clean();
    repo.replace(TOML, "legal_name = ", "legal_name = = ");
    repo.replace(TOML, "rna = \"W861000123\"", "rna = \"W861000123");
    let found = findings(&repo, &[]);
    let lines: Vec<u64> = found.iter().map(|x| x.3).collect();
    assert_eq!(lines, [6, 8], "{found:?}");
}

#[test]
fn toml_syntax_does_not_stop_other_files() {
    let repo = clean();
    repo.replace(BASE, "title = \"Maire\"", "title = Maire");
    repo.replace(
        TOML,
        "siret = \"73282932000074\"",
        "siret = \"73282932000075\"",
    );
    let found = findings(&repo, &[]);
    assert!(
        found
            .iter()
            .any(|x| x.0 == "toml-syntax" && x.2 == BASE && x.3 == 12)
    );
    // The centre cannot be merged without its base, but its own files are still read.
    repo.replace(
        MD,
        "## Projet social {#projet}",
        "## Projet social {#projet}\n\n<b>x</b>",
    );
    let found = findings(&repo, &[]);
    assert!(
        !found.iter().any(|x| x.0 == "siret"),
        "no merge, no siret rule: {found:?}"
    );
}

#[test]
fn front_matter() {
    let repo = clean();
    repo.replace(
        MD,
        "title: \"Projet du centre d'animation de Beaulieu\"",
        "titre: Projet",
    );
    expect(&repo, &[f("front-matter", "error", MD, 2, 1)]);
}

#[test]
fn unknown_key_with_suggestion() {
    let repo = clean();
    repo.replace(TOML, "rna = ", "rnaa = ");
    expect(&repo, &[f("unknown-key", "error", TOML, 8, 1)]);
    let run = repo.cpo(&["check", "--format", "json"]);
    assert_eq!(run.json()["diagnostics"][0]["help"], "did you mean `rna`?");
}

#[test]
fn unknown_key_in_base_and_cpo_toml() {
    let repo = clean();
    repo.replace(BASE, "[payment]", "[paiement]\n[payment]");
    repo.replace("cpo.toml", "place = ", "lieu = \"x\"\nplace = ");
    expect(
        &repo,
        &[
            f("unknown-key", "error", "cpo.toml", 3, 1),
            f("unknown-key", "error", BASE, 45, 2),
        ],
    );
}

#[test]
fn wrong_type() {
    let repo = clean();
    repo.replace(
        TOML,
        "quartiers = [\"Beaulieu\"]",
        "quartiers = \"Beaulieu\"",
    );
    repo.replace(TOML, "kind = \"centre-social\"", "kind = \"centre-socail\"");
    expect(
        &repo,
        &[
            f("wrong-type", "error", TOML, 2, 8),
            f("wrong-type", "error", TOML, 14, 13),
        ],
    );
}

#[test]
fn wrong_type_of_payment_day() {
    let repo = clean();
    repo.replace(
        BASE,
        "advance_before = \"03-31\"",
        "advance_before = \"31/03\"",
    );
    expect(&repo, &[f("wrong-type", "error", BASE, 47, 18)]);
}

#[test]
fn missing_key() {
    let repo = clean();
    repo.replace(
        TOML,
        "address = \"10 boulevard Savari, 86000 Poitiers\"\n",
        "",
    );
    expect(&repo, &[f("missing-key", "error", TOML, 5, 1)]);
}

#[test]
fn missing_file_both_ways_and_base() {
    let repo = clean();
    repo.write(
        "periods/2022-2025/centres/orphelin.md",
        "## Diagnostic\n\nx\n\n## Projet\n\ny\n",
    );
    repo.write(
        "periods/2022-2025/centres/seul.toml",
        repo.read(TOML).replace("73282932000074", "35600000049837"),
    );
    expect(
        &repo,
        &[
            f(
                "missing-file",
                "error",
                "periods/2022-2025/centres/orphelin.md",
                1,
                1,
            ),
            f(
                "missing-file",
                "error",
                "periods/2022-2025/centres/seul.toml",
                1,
                1,
            ),
        ],
    );
    let repo = clean();
    repo.remove(BASE_MD);
    expect(&repo, &[f("missing-file", "error", BASE_MD, 1, 1)]);
}

#[test]
fn bad_period_label() {
    let repo = clean();
    repo.replace(BASE, "end = 2025-12-31", "end = 2024-12-31");
    let found = findings(&repo, &[]);
    assert_eq!(found[0], f("bad-period-label", "error", BASE, 3, 1));
    let repo = clean();
    std::fs::rename(
        repo.file("periods/2022-2025"),
        repo.file("periods/2022_2025"),
    )
    .unwrap();
    let found = findings(&repo, &[]);
    assert!(
        found.contains(&f(
            "bad-period-label",
            "error",
            "periods/2022_2025/base.toml",
            1,
            1
        )),
        "{found:?}"
    );
}

// ------------------------------------------------------------- identity

#[test]
fn siret() {
    let repo = clean();
    repo.replace(
        TOML,
        "siret = \"73282932000074\"",
        "siret = \"73282932000075\"",
    );
    repo.replace(
        BASE,
        "siret = \"35600000000048\"",
        "siret = \"3560000000004\"",
    );
    expect(
        &repo,
        &[
            f("siret", "error", BASE, 20, 9),
            f("siret", "error", TOML, 7, 9),
        ],
    );
}

#[test]
fn rna() {
    let repo = clean();
    repo.replace(TOML, "rna = \"W861000123\"", "rna = \"861000123\"");
    expect(&repo, &[f("rna", "error", TOML, 8, 7)]);
}

#[test]
fn qpv() {
    let repo = clean();
    repo.replace(
        TOML,
        "qpv = [\"QP086002\"]",
        "qpv = [\"QP086002\", \"QN0860M\"]",
    );
    expect(&repo, &[f("qpv", "error", TOML, 15, 20)]);
}

#[test]
fn insee() {
    let repo = clean();
    repo.replace("cpo.toml", "insee = \"86194\"", "insee = \"8619\"");
    expect(&repo, &[f("insee", "error", "cpo.toml", 4, 9)]);
}

#[test]
fn bad_id() {
    let repo = clean();
    repo.replace(TOML, "id = \"conseil\"", "id = \"Conseil d'habitants\"");
    expect(&repo, &[f("bad-id", "error", TOML, 18, 6)]);
    let repo = clean();
    std::fs::rename(
        repo.file(TOML),
        repo.file("periods/2022-2025/centres/Beaulieu.toml"),
    )
    .unwrap();
    std::fs::rename(
        repo.file(MD),
        repo.file("periods/2022-2025/centres/Beaulieu.md"),
    )
    .unwrap();
    let found = findings(&repo, &[]);
    assert!(
        found.contains(&f(
            "bad-id",
            "error",
            "periods/2022-2025/centres/Beaulieu.toml",
            1,
            1
        )),
        "{found:?}"
    );
}

#[test]
fn duplicate_id() {
    let repo = clean();
    repo.replace(BASE, "id = \"cadre-de-vie\"", "id = \"participation\"");
    expect(&repo, &[f("duplicate-id", "error", BASE, 32, 6)]);
}

#[test]
fn duplicate_id_of_sections_and_articles() {
    let repo = clean();
    repo.append(MD, "\n## Encore le diagnostic {#diagnostic}\n\nTexte.\n");
    repo.append(BASE_MD, "\n## Objet, encore {#objet}\n\nTexte.\n");
    expect(
        &repo,
        &[
            f("duplicate-id", "error", BASE_MD, 11, 1),
            f("duplicate-id", "error", MD, 12, 1),
        ],
    );
}

#[test]
fn duplicate_siret_is_a_warning() {
    let repo = clean();
    repo.write("periods/2022-2025/centres/autre.toml", repo.read(TOML));
    repo.write("periods/2022-2025/centres/autre.md", repo.read(MD));
    expect(
        &repo,
        &[f(
            "duplicate-siret",
            "warning",
            "periods/2022-2025/centres/beaulieu.toml",
            7,
            9,
        )],
    );
}

// ---------------------------------------------------------------- money

#[test]
fn year_out_of_period() {
    let repo = clean();
    repo.replace(
        TOML,
        "caf = { 2022 = 20000,",
        "caf = { 2021 = 0, 2022 = 20000,",
    );
    expect(&repo, &[f("year-out-of-period", "error", TOML, 28, 9)]);
}

#[test]
fn year_out_of_period_in_targets_and_budget() {
    let repo = clean();
    repo.replace(TOML, "2025 = 10 }", "2025 = 10, 2026 = 12 }");
    repo.append(
        TOML,
        "\n[budget.2026]\ncharges = { 60 = 1 }\nproduits = { 70 = 1 }\n",
    );
    expect(
        &repo,
        &[
            f("year-out-of-period", "error", TOML, 24, 54),
            f("year-out-of-period", "error", TOML, 55, 9),
        ],
    );
}

#[test]
fn unknown_funder() {
    let repo = clean();
    repo.replace(TOML, "caf = { 2022", "cafe = { 2022");
    let found = findings(&repo, &[]);
    assert_eq!(found[0], f("unknown-funder", "error", TOML, 28, 1));
    let run = repo.cpo(&["check", "--format", "json"]);
    assert_eq!(run.json()["diagnostics"][0]["help"], "did you mean `caf`?");
}

#[test]
fn bad_amount() {
    let repo = clean();
    repo.replace(
        TOML,
        "2024 = 20000, 2025 = 20000 }",
        "2024 = 20000, 2025 = 20000.125 }",
    );
    repo.replace(
        TOML,
        "charges = { 60 = 10000, 64 = 110000, 86 = 5000 }",
        "charges = { 60 = -10000, 64 = 130000, 86 = 5000 }",
    );
    let found = findings(&repo, &[]);
    assert!(
        found.contains(&f("bad-amount", "error", TOML, 28, 58)),
        "{found:?}"
    );
    assert!(
        found.contains(&f("bad-amount", "error", TOML, 31, 18)),
        "{found:?}"
    );
}

#[test]
fn budget_unbalanced() {
    let repo = clean();
    repo.replace(
        TOML,
        "charges = { 60 = 10000, 64 = 110000 }\n[budget.2024",
        "charges = { 60 = 10000, 64 = 111000 }\n[budget.2024",
    );
    expect(&repo, &[f("budget-unbalanced", "error", TOML, 43, 9)]);
}

#[test]
fn in_kind_unbalanced() {
    let repo = clean();
    repo.replace(
        TOML,
        "produits = { 87 = 5000 }",
        "produits = { 70 = 1000, 87 = 4000 }",
    );
    expect(&repo, &[f("in-kind-unbalanced", "error", TOML, 31, 38)]);
}

#[test]
fn budget_funding_mismatch() {
    let repo = clean();
    repo.replace(
        TOML,
        "[budget.2023.subsidies]\nville = 100000\ncaf = 20000",
        "[budget.2023.subsidies]\nville = 100000\ncaf = 19000\netat = 1000",
    );
    expect(&repo, &[f("budget-funding-mismatch", "error", TOML, 41, 1)]);
}

#[test]
fn budget_funding_mismatch_when_the_line_is_missing() {
    let repo = clean();
    repo.replace(
        TOML,
        "[budget.2024.subsidies]\nville = 100000\ncaf = 20000",
        "[budget.2024.subsidies]\nville = 100000\ndepartement = 20000",
    );
    expect(&repo, &[f("budget-funding-mismatch", "error", TOML, 43, 9)]);
    assert_eq!(
        messages(&repo, "budget-funding-mismatch"),
        ["budget 2024: `caf` funds 20000 in 2024 but the budget has no subsidy line for it"]
    );
}

/// A year missing from a funder's funding (or left `"TODO"`) is said to be
/// missing, not to be 0.
#[test]
fn budget_funding_mismatch_when_the_funding_is_missing() {
    let repo = clean();
    repo.replace(
        TOML,
        "caf = { 2022 = 20000, 2023 = 20000, 2024 = 20000, 2025 = 20000 }",
        "caf = { 2022 = \"TODO\", 2023 = 20000, 2024 = 20000, 2025 = 20000 }",
    );
    assert_eq!(
        messages(&repo, "budget-funding-mismatch"),
        ["budget 2022: the subsidy line of `caf` is 20000 but its funding has no amount for 2022"]
    );
}

/// The messages of `rule`'s findings, in order.
fn messages(repo: &Repo, rule: &str) -> Vec<String> {
    repo.cpo(&["check", "--format", "json"]).json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn budget_missing_year_is_a_warning() {
    let repo = clean();
    let text = repo.read(TOML);
    let cut = text.find("[budget.2025]").unwrap();
    repo.write(TOML, &text[..cut]);
    expect(&repo, &[f("budget-missing-year", "warning", TOML, 30, 2)]);
}

#[test]
fn funding_gap_is_a_warning() {
    let repo = clean();
    repo.replace(
        TOML,
        "caf = { 2022 = 20000, 2023 = 20000, 2024 = 20000, 2025 = 20000 }",
        "caf = { 2022 = 20000, 2023 = 20000, 2025 = 20000 }",
    );
    repo.replace(
        TOML,
        "[budget.2024.subsidies]\nville = 100000\ncaf = 20000",
        "[budget.2024.subsidies]\nville = 100000\netat = 20000",
    );
    expect(&repo, &[f("funding-gap", "warning", TOML, 28, 1)]);
}

#[test]
fn period_too_long_is_a_warning() {
    let repo = clean();
    repo.replace(BASE, "end = 2025-12-31", "end = 2026-12-31");
    std::fs::rename(
        repo.file("periods/2022-2025"),
        repo.file("periods/2022-2026"),
    )
    .unwrap();
    let found = findings(&repo, &["--period", "2022-2026"]);
    let base = "periods/2022-2026/base.toml";
    assert!(
        found.contains(&f("period-too-long", "warning", base, 3, 1)),
        "{found:?}"
    );
}

// ----------------------------------------------------------- objectives

#[test]
fn unknown_axis() {
    let repo = clean();
    repo.replace(TOML, "axis = \"participation\"", "axis = \"particpation\"");
    let found = findings(&repo, &[]);
    assert!(
        found.contains(&f("unknown-axis", "error", TOML, 19, 8)),
        "{found:?}"
    );
    // The required axis is then uncovered.
    assert!(
        found.contains(&f("axis-uncovered", "error", TOML, 17, 3)),
        "{found:?}"
    );
}

#[test]
fn axis_uncovered() {
    let repo = clean();
    repo.replace(TOML, "axis = \"participation\"", "axis = \"cadre-de-vie\"");
    expect(&repo, &[f("axis-uncovered", "error", TOML, 17, 3)]);
}

#[test]
fn indicator_target_missing_is_a_warning() {
    let repo = clean();
    repo.replace(TOML, ", 2025 = 10 }", " }");
    expect(
        &repo,
        &[f("indicator-target-missing", "warning", TOML, 24, 1)],
    );
}

#[test]
fn objective_without_indicator_is_a_warning() {
    let repo = clean();
    repo.replace(
        TOML,
        "[[objectives.indicators]]\nlabel = \"Réunions du conseil\"\nbaseline = 4\ntargets = { 2022 = 6, 2023 = 8, 2024 = 8, 2025 = 10 }\n",
        "",
    );
    expect(
        &repo,
        &[f("objective-without-indicator", "warning", TOML, 18, 6)],
    );
}

// ----------------------------------------------------------------- text

#[test]
fn missing_section() {
    let repo = clean();
    repo.replace(
        MD,
        "## Projet social {#projet}\n\nDévelopper la participation des habitants.\n",
        "",
    );
    expect(&repo, &[f("missing-section", "error", MD, 1, 1)]);
}

#[test]
fn unknown_section_is_a_warning_with_a_suggestion() {
    let repo = clean();
    repo.append(MD, "\n## Partenariat\n\nAvec l'école.\n");
    expect(&repo, &[f("unknown-section", "warning", MD, 12, 1)]);
    let run = repo.cpo(&["check", "--format", "json"]);
    assert!(
        run.json()["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `partenariats`?")
    );
}

#[test]
fn empty_section_is_a_warning_even_with_a_comment() {
    let repo = clean();
    repo.append(MD, "\n## Partenariats\n\n<!-- à compléter -->\n");
    expect(&repo, &[f("empty-section", "warning", MD, 12, 1)]);
}

#[test]
fn raw_html_is_a_warning() {
    let repo = clean();
    repo.replace(
        MD,
        "compte 7 000 habitants.",
        "compte <strong>7 000</strong> habitants.\n\n<div>bloc</div>",
    );
    expect(
        &repo,
        &[
            f("raw-html", "warning", MD, 6, 32),
            f("raw-html", "warning", MD, 6, 45),
            f("raw-html", "warning", MD, 8, 1),
        ],
    );
}

// ---------------------------------------------------------------- merge

#[test]
fn locked_override_and_removal() {
    let repo = clean();
    repo.replace(
        TOML,
        "status = \"draft\"",
        "status = \"draft\"\nremove = [\"laicite\"]",
    );
    repo.append(
        TOML,
        "\n[[commitments]]\nid = \"laicite\"\ntitle = \"Autre charte\"\n",
    );
    expect(
        &repo,
        &[
            f("locked", "error", TOML, 4, 11),
            f("locked", "error", TOML, 57, 6),
        ],
    );
}

#[test]
fn remove_required() {
    let repo = clean();
    repo.replace(
        TOML,
        "status = \"draft\"",
        "status = \"draft\"\nremove = [\"ville\", \"cadre-de-vie\"]",
    );
    // ville is required: refused; cadre-de-vie is optional: removed, no finding.
    expect(&repo, &[f("remove-required", "error", TOML, 4, 11)]);
    repo.replace(TOML, "remove = [\"ville\", ", "remove = [");
    expect(&repo, &[]);
    let json = repo.cpo(&["merge", "beaulieu", "--format", "json"]).json();
    let axes: Vec<_> = json["axes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(axes, ["participation"]);
}

// ------------------------------------------------------ policy and scope

#[test]
fn lints_change_severities() {
    let repo = clean();
    repo.append(MD, "\n## Partenariats\n\n<!-- à compléter -->\n");
    repo.append("cpo.toml", "empty-section = \"deny\"\n");
    expect(&repo, &[f("empty-section", "error", MD, 12, 1)]);
    repo.replace(
        "cpo.toml",
        "empty-section = \"deny\"",
        "empty-section = \"allow\"",
    );
    expect(&repo, &[]);
    repo.replace("cpo.toml", "empty-section = \"allow\"", "siret = \"warn\"");
    repo.replace(
        TOML,
        "siret = \"73282932000074\"",
        "siret = \"73282932000075\"",
    );
    let found = findings(&repo, &[]);
    assert!(
        found.contains(&f("siret", "warning", TOML, 7, 9)),
        "{found:?}"
    );
}

#[test]
fn deny_warnings() {
    let repo = clean();
    repo.append(MD, "\n## Partenariats\n\n<!-- à compléter -->\n");
    repo.cpo(&["check"]).code(0);
    assert_eq!(
        findings(&repo, &["--deny", "warnings"]),
        [f("empty-section", "error", MD, 12, 1)]
    );
    repo.cpo(&["check", "--deny", "warnings"]).code(1);
}

#[test]
fn unknown_rule_name_in_lints() {
    let repo = clean();
    repo.append(
        "cpo.toml",
        "budget-unbalance = \"allow\"\nsiret = \"error\"\nsealed-changed = \"warn\"\n",
    );
    let found = findings(&repo, &[]);
    assert_eq!(
        found,
        [
            f("unknown-key", "error", "cpo.toml", 13, 1),
            f("wrong-type", "error", "cpo.toml", 14, 9),
            f("wrong-type", "error", "cpo.toml", 15, 1),
        ],
        "sealed-changed cannot be lowered"
    );
    let json = repo.cpo(&["check", "--format", "json"]).json();
    assert_eq!(
        json["diagnostics"][0]["help"],
        "did you mean `budget-unbalanced`?"
    );
}

#[test]
fn check_named_centres_and_periods_only() {
    let repo = clean();
    repo.write(
        "periods/2022-2025/centres/autre.toml",
        repo.read(TOML).replace("73282932000074", "73282932000075"),
    );
    repo.write("periods/2022-2025/centres/autre.md", repo.read(MD));
    // A broken file of another centre is not this centre's problem.
    repo.write("periods/2022-2025/centres/casse.toml", "name = [\n");
    repo.write("periods/2022-2025/centres/casse.md", "## Diagnostic\n");
    assert_eq!(findings(&repo, &["beaulieu"]), []);
    repo.remove("periods/2022-2025/centres/casse.toml");
    repo.remove("periods/2022-2025/centres/casse.md");
    assert_eq!(
        findings(&repo, &["autre"]),
        [f(
            "siret",
            "error",
            "periods/2022-2025/centres/autre.toml",
            7,
            9
        )]
    );
    // Another period with a problem is not checked with --period.
    repo.write("periods/2018-2021/base.toml", "title = 1\n");
    repo.write("periods/2018-2021/base.md", "");
    let found = findings(&repo, &["--period", "2022-2025", "beaulieu"]);
    assert_eq!(found, []);
    let found = findings(&repo, &[]);
    assert!(
        found.iter().any(|x| x.2 == "periods/2018-2021/base.toml"),
        "{found:?}"
    );
}

#[test]
fn every_rule_is_listed_by_cpo_rules() {
    let repo = clean();
    let run = repo.cpo(&["rules"]);
    run.code(0);
    for rule in cpo::diag::Rule::ALL {
        assert!(run.stdout.contains(rule.name()), "{} missing", rule.name());
    }
    let json = repo.cpo(&["rules", "--json"]).json();
    assert_eq!(json.as_array().unwrap().len(), cpo::diag::Rule::ALL.len());
    assert_eq!(json[0]["rule"], "encoding");
}

/// An annex path cpo will not open says why: the period folder left or
/// named itself, an absolute path, a Windows separator, a NUL byte.
#[test]
fn annex_paths_say_why_they_are_refused() {
    for (path, why) in [
        ("../../cpo.toml", "its path leaves the period folder"),
        ("/etc/hosts.md", "its path is absolute"),
        (
            "annexes\\\\plan.pdf",
            "its path holds `\\`: folders are separated by `/`",
        ),
        ("plan\\u0000.pdf", "its path holds a NUL character"),
        ("../plan\\t.pdf", "its path leaves the period folder"),
        (".", "its path names the period folder itself"),
    ] {
        let repo = clean();
        repo.append(
            TOML,
            &format!("\n[[annexes]]\nid = \"plan\"\ntitle = \"Plan\"\nfile = \"{path}\"\n"),
        );
        let json = repo.cpo(&["check", "--format", "json"]).json();
        let messages: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "annex-missing")
            .map(|d| d["message"].as_str().unwrap())
            .collect();
        assert!(
            messages.len() == 1 && messages[0].ends_with(why),
            "{path}: {messages:?}"
        );
    }
}

/// A convention whose every amount is 0 (as `cpo new centre` writes it)
/// has its money still to fill in: it would grant « 0 € (zéro euro) ».
#[test]
fn todo_when_every_amount_is_zero() {
    let repo = clean();
    let text = repo.read(TOML);
    let cut = text.find("[funding]").unwrap();
    let zeros = regex::Regex::new(r"(= *)\d+(\.\d+)?")
        .unwrap()
        .replace_all(&text[cut..], "${1}0");
    repo.write(TOML, format!("{}{zeros}", &text[..cut]));
    let line = text[..cut].lines().count() as u64 + 1;
    let todos = |repo: &Repo| findings_of(repo, "todo");
    assert_eq!(todos(&repo), [f("todo", "warning", TOML, line, 2)]);
    repo.replace(TOML, "status = \"draft\"", "status = \"ready\"");
    assert_eq!(todos(&repo), [f("todo", "error", TOML, line, 2)]);
    // One amount is enough to say the money is being written: a funding
    // year, or a budget line.
    repo.replace(TOML, "ville = { 2022 = 0,", "ville = { 2022 = 1000,");
    assert_eq!(todos(&repo), []);
    repo.replace(TOML, "ville = { 2022 = 1000,", "ville = { 2022 = 0,");
    assert_eq!(todos(&repo).len(), 1);
    repo.replace(TOML, "charges = { 60 = 0", "charges = { 60 = 1000");
    assert_eq!(todos(&repo), []);
}

/// `agrement-expired`: the CAF's agrément must cover the period; one over
/// before it starts covers none of it, and says so.
#[test]
fn agrement_expired() {
    let repo = clean();
    repo.append(
        TOML,
        "\n[agrement]\nkind = \"centre-social\"\nstart = 2022-01-01\nend = 2025-12-31\ndecision = 2021-11-18\n",
    );
    assert!(messages(&repo, "agrement-expired").is_empty());
    repo.replace(
        TOML,
        "end = 2025-12-31\ndecision",
        "end = 2024-12-31\ndecision",
    );
    assert_eq!(
        messages(&repo, "agrement-expired"),
        ["the CAF's agrément ends on 2024-12-31, before the period ends on 2025-12-31"]
    );
    repo.replace(
        TOML,
        "end = 2024-12-31\ndecision",
        "end = 2021-12-31\ndecision",
    );
    assert_eq!(
        messages(&repo, "agrement-expired"),
        [
            "the CAF's agrément ended on 2021-12-31, before the period starts on 2022-01-01: it covers none of it"
        ]
    );
}

/// `civility-missing`: a signer whose gender neither a civility nor the
/// title's form gives (« maire ») would be « dûment habilité » by default.
#[test]
fn civility_missing() {
    let repo = clean();
    repo.replace("cpo.toml", "civility-missing = \"allow\"\n", "");
    let civility = |repo: &Repo| findings_of(repo, "civility-missing");
    // « Maire » says nothing; « Directrice » and « Présidente » do.
    assert_eq!(
        civility(&repo),
        [f("civility-missing", "warning", BASE, 12, 9)]
    );
    repo.replace(
        BASE,
        "title = \"Maire\"",
        "civility = \"Mme\"\ntitle = \"Maire\"",
    );
    assert_eq!(civility(&repo), []);
    repo.replace(TOML, "title = \"Présidente\"", "title = \"Responsable\"");
    assert_eq!(
        civility(&repo),
        [f("civility-missing", "warning", TOML, 11, 9)]
    );
    // A signed convention changes only by an avenant: not asked for a
    // civility, nor is its base while it is signed.
    repo.replace(BASE, "civility = \"Mme\"\n", "");
    repo.replace(TOML, "status = \"draft\"", "status = \"signed\"");
    assert_eq!(civility(&repo), []);
}

/// Another person signing for a base party in one convention signs under
/// their own act, civility and title, not the base signer's.
#[test]
fn habilitation_of_another_signer() {
    let setup = |representative: &str| {
        let repo = clean();
        repo.replace("cpo.toml", "habilitation-missing = \"allow\"\n", "");
        repo.replace(
            BASE,
            "title = \"Maire\"",
            "title = \"Maire\"\ncivility = \"Mme\"\nhabilitation = { act = \"délibération\", body = \"conseil municipal\", number = \"2022-0147\", date = 2022-03-28 }",
        );
        repo.append(
            TOML,
            &format!("\n[[signatories]]\nid = \"ville\"\nrepresentative = \"{representative}\"\n"),
        );
        repo
    };
    let others = |repo: &Repo| -> Vec<String> {
        messages(repo, "habilitation-missing")
            .into_iter()
            .filter(|m| m.contains("signs for"))
            .collect()
    };
    let repo = setup("Jean Dupont");
    assert_eq!(
        others(&repo),
        [
            "Jean Dupont signs for `ville` in this convention, under the `habilitation`, `civility`, `title` of the base's signer"
        ]
    );
    let line = repo.read(TOML).lines().count() as u64;
    let found = findings(&repo, &[]);
    assert!(
        found.contains(&f("habilitation-missing", "warning", TOML, line, 18)),
        "{found:?}"
    );
    // His own act, civility and title: nothing to say.
    repo.append(
        TOML,
        "civility = \"M.\"\ntitle = \"Adjoint délégué\"\nhabilitation = { act = \"arrêté\", body = \"maire\", number = \"2022-12\", date = 2022-04-01 }\n",
    );
    assert!(others(&repo).is_empty());
    // The base's signer named again is no other signer.
    assert!(others(&setup("Léonore Moncond'huy")).is_empty());
}
