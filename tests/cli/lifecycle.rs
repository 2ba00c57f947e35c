//! The convention's life: init, new, fmt, export, seal, verify, avenant,
//! completions and man.

use std::collections::BTreeMap;

use crate::harness::Repo;

/// A complete centre for the repository `cpo init` makes (period 2026-2029).
fn filled_centre(repo: &Repo, id: &str) {
    let path = format!("periods/2026-2029/centres/{id}.toml");
    let text = repo
        .read(&path)
        .replace(
            "name = \"Centre beaulieu\"",
            "name = \"Centre social de Beaulieu\"",
        )
        .replace(
            "legal_name = \"\"",
            "legal_name = \"Association du centre social de Beaulieu\"",
        )
        .replace("siret = \"\"", "siret = \"73282932000074\"")
        .replace(
            "address = \"\"",
            "address = \"10 boulevard Savari, 99000 Exemple\"",
        )
        .replace(
            "representative = \"\"",
            "representative = \"Jeanne Martin\"",
        )
        .replace(
            "title = \"\"\n\n[territory]",
            "title = \"Présidente\"\n\n[territory]",
        )
        .replace("quartiers = [\"\"]", "quartiers = [\"Beaulieu\"]")
        .replace(
            "title = \"\"\n[[objectives.indicators]]",
            "title = \"Faire vivre un conseil d'habitants\"\n[[objectives.indicators]]",
        )
        .replace("label = \"\"", "label = \"Participants\"")
        .replace(
            "targets = {}",
            "targets = { 2026 = 10, 2027 = 20, 2028 = 30, 2029 = 40 }",
        )
        .replace(" = 0, ", " = 1000, ")
        .replace(" = 0 }", " = 1000 }");
    // Funding: 1 000 € per funder and year; budget: charges = produits.
    let mut text = text;
    for year in 2026..=2029 {
        text = text.replace(
            &format!("[budget.{year}]\ncharges = {{}}\nproduits = {{}}"),
            &format!("[budget.{year}]\ncharges = {{ 64 = 2000 }}\nproduits = {{}}"),
        );
    }
    let text = text
        .replace("ville = 0\n", "ville = 1000\n")
        .replace("caf = 0\n", "caf = 1000\n");
    repo.write(&path, text);
    repo.write(
        &format!("periods/2026-2029/centres/{id}.md"),
        "---\ntitle: \"Projet du centre social de Beaulieu\"\n---\n## Diagnostic du territoire {#diagnostic}\n\nLe quartier compte 7 000 habitants.\n\n## Projet social {#projet}\n\nAccueillir les familles.\n\n## Plan d'action {#plan-action}\n\n- Café des parents.\n",
    );
}

fn init_repo() -> Repo {
    let repo = Repo::empty();
    repo.cpo(&["--period", "2026-2029", "init"]).code(0);
    repo
}

#[test]
fn init_makes_a_repository_that_passes_check_and_fmt() {
    let repo = Repo::empty();
    let run = repo.cpo(&["--period", "2026-2029", "init"]);
    run.code(0);
    for f in [
        "cpo.toml",
        ".gitignore",
        ".github/workflows/cpo.yml",
        ".gitlab-ci.yml",
        "periods/2026-2029/base.toml",
        "periods/2026-2029/base.md",
        "periods/2026-2029/centres/exemple.toml",
        "periods/2026-2029/centres/exemple.md",
        "schemas/centre.schema.json",
    ] {
        assert!(repo.exists(f), "{f} missing");
    }
    let check = repo.cpo(&["check", "--format", "json"]);
    check.code(0);
    assert_eq!(check.json()["summary"]["errors"], 0);
    repo.cpo(&["fmt", "--check"]).code(0);
    assert!(repo.read(".gitignore").contains("dist/"));
    // The base follows the model convention's skeleton.
    let base = repo.read("periods/2026-2029/base.md");
    for id in [
        "objet",
        "duree",
        "cout",
        "contribution",
        "versement",
        "justificatifs",
        "engagements",
        "sanctions",
        "evaluation",
        "controle",
        "renouvellement",
        "avenant",
        "annexes",
        "recours",
    ] {
        assert!(base.contains(&format!("{{#{id}}}")), "article {id} missing");
    }
    assert!(base.contains("Considérant"));
    // A second init refuses to overwrite.
    let again = repo.cpo(&["init"]);
    again.code(2);
    assert!(
        again.stderr.contains("already holds a cpo.toml"),
        "{}",
        again.stderr
    );
}

#[test]
fn generated_ci_files_are_yaml_and_their_cpo_commands_run() {
    let repo = init_repo();
    let mut commands: Vec<String> = Vec::new();
    let github: serde_json::Value = serde_saphyr::from_str(&repo.read(".github/workflows/cpo.yml"))
        .expect("GitHub workflow is YAML");
    for step in github["jobs"]["cpo"]["steps"].as_array().unwrap() {
        if let Some(run) = step["run"].as_str() {
            commands.push(run.to_string());
        }
    }
    assert!(github["on"].is_object());
    let gitlab: serde_json::Value =
        serde_saphyr::from_str(&repo.read(".gitlab-ci.yml")).expect("GitLab CI is YAML");
    for job in ["check", "render"] {
        for line in gitlab[job]["script"].as_array().unwrap() {
            commands.push(line.as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        gitlab["check"]["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    let cpo_commands: Vec<&String> = commands.iter().filter(|c| c.starts_with("cpo ")).collect();
    assert!(cpo_commands.len() >= 4, "{commands:?}");
    for command in cpo_commands {
        // The first command of a line, without redirections or fallbacks.
        let first = command.split(['>', '|']).next().unwrap().trim();
        let args: Vec<&str> = first.split_whitespace().skip(1).collect();
        let run = repo.cpo(&args);
        assert_eq!(
            run.code, 0,
            "`{first}` failed: {}{}",
            run.stdout, run.stderr
        );
        if args.contains(&"gitlab") {
            serde_json::from_str::<serde_json::Value>(&run.stdout).expect("gitlab report is JSON");
        }
    }
    assert!(
        repo.exists("dist/2026-2029/exemple.html"),
        "cpo build wrote the documents"
    );
}

#[test]
fn new_centre_scaffolds_from_the_base() {
    let repo = init_repo();
    repo.cpo(&["new", "centre", "beaulieu"]).code(0);
    let toml = repo.read("periods/2026-2029/centres/beaulieu.toml");
    let md = repo.read("periods/2026-2029/centres/beaulieu.md");
    assert!(toml.starts_with("#:schema ../../../schemas/centre.schema.json\n"));
    assert!(toml.contains("status = \"draft\""));
    // No made-up date of application (it would print in the visas).
    assert!(
        !toml.lines().any(|l| l.starts_with("application_date"))
            && toml.contains("# application_date = AAAA-MM-JJ"),
        "{toml}"
    );
    for axis in ["participation", "familles"] {
        assert!(
            toml.contains(&format!("axis = \"{axis}\"")),
            "objective on {axis}"
        );
    }
    for funder in ["ville", "caf"] {
        let line = regex::Regex::new(&format!(
            r"(?m)^{funder} +=  ?\{{ 2026 = 0, 2027 = 0, 2028 = 0, 2029 = 0 \}}$"
        ))
        .unwrap();
        assert!(line.is_match(&toml), "funding line of {funder}:\n{toml}");
    }
    for section in ["diagnostic", "projet", "plan-action"] {
        assert!(md.contains(&format!("{{#{section}}}")), "section {section}");
    }
    assert!(md.contains("<!--"), "guidance comments");
    // What is left to fill in, warnings of a draft: the identity (`todo`,
    // not a `siret` error on the empty SIRET) and the texts.
    let json = repo.cpo(&["check", "--format", "json", "beaulieu"]).json();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"siret"), "{rules:?}");
    assert_eq!(json["summary"]["errors"], 0, "{json}");
    let siret_line = toml
        .lines()
        .position(|l| l.starts_with("siret = \"\""))
        .unwrap()
        + 1;
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "todo"
                && d["severity"] == "warning"
                && d["line"].as_u64() == Some(siret_line as u64)),
        "{json}"
    );
    assert_eq!(rules.iter().filter(|r| **r == "empty-section").count(), 3);
    assert!(!rules.contains(&"raw-html"), "comments are not raw HTML");
    // Existing or invalid ids are refused.
    repo.cpo(&["new", "centre", "beaulieu"]).code(2);
    let run = repo.cpo(&["new", "centre", "Beaulieu"]);
    run.code(2);
    assert!(run.stderr.contains("not a valid centre id"));
}

#[test]
fn new_period_rolls_poitiers_over_with_every_year_shifted() {
    let repo = Repo::example("poitiers");
    let run = repo.cpo(&["new", "period", "2026-2029", "--from", "2022-2025"]);
    run.code(0);
    assert!(
        format!("{}{}", run.stdout, run.stderr)
            .contains("left out what was about the conventions of 2022-2025: 2 habilitations, 9 association mandates, 9 application dates, 55 indicator baselines, 5 agréments already over"),
        "{run:?}"
    );
    // The rolled files are as `cpo fmt` writes them.
    repo.cpo(&["fmt", "--check"]).code(0);
    let json = repo
        .cpo(&["--period", "2026-2029", "check", "--format", "json"])
        .json();
    assert_eq!(json["summary"]["errors"], 0, "{json}");
    let base = repo.read("periods/2026-2029/base.toml");
    assert!(base.contains("start = 2026-01-01") && base.contains("end = 2029-12-31"));
    assert!(!repo.exists("periods/2026-2029/seals.toml"));
    let centres: Vec<String> = std::fs::read_dir(repo.file("periods/2026-2029/centres"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    assert_eq!(centres.len(), 9);
    for name in centres {
        let text = repo.read(&format!("periods/2026-2029/centres/{name}"));
        for old in 2018..=2025 {
            assert!(
                !text.contains(&format!("{old} =")),
                "{name} still has {old}"
            );
            assert!(
                !text.contains(&format!("[budget.{old}")),
                "{name} still budgets {old}"
            );
        }
        assert!(text.contains("status = \"draft\""), "{name}");
        assert!(!text.contains("previous_id"), "{name}");
        assert!(text.contains("2029 ="), "{name}");
        // The acts of the convention being replaced are not carried over.
        for act in ["application_date", "mandate", "habilitation"] {
            assert!(!text.contains(act), "{name} keeps its {act}");
        }
    }
    assert!(!base.contains("habilitation"), "{base}");
    // Each act is then asked for, as a warning while the centres are drafts.
    let missing = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "habilitation-missing")
        .count();
    assert!(missing >= 9 + 2, "{json}");
    let seve = repo
        .cpo(&["--period", "2026-2029", "merge", "seve", "--format", "json"])
        .json();
    assert_eq!(seve["funding"]["ville"]["2026"], 289000);
    let run = repo.cpo(&["new", "period", "2026-2028", "--from", "2022-2025"]);
    run.code(2);
    assert!(run.stderr.contains("keeps the length"), "{}", run.stderr);
}

/// Comment lines of every TOML file of a repository, with their counts.
fn comments(repo: &Repo) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(repo.path()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "toml") {
            for line in std::fs::read_to_string(entry.path()).unwrap().lines() {
                if let Some(i) = line.find('#') {
                    *out.entry(line[i..].trim().to_string()).or_insert(0) += 1;
                }
            }
        }
    }
    out
}

#[test]
fn fmt_is_idempotent_and_keeps_every_comment() {
    for example in ["poitiers", "amiens"] {
        let repo = Repo::example(example);
        // The examples are as `cpo fmt` writes them: a repository copied
        // from them passes `cpo fmt --check` in CI.
        repo.cpo(&["fmt", "--check"]).code(0);
        let before = comments(&repo);
        assert!(!before.is_empty());
        // Scramble the key order of a centre, then format.
        let path = if example == "poitiers" {
            "periods/2022-2025/centres/beaulieu.toml"
        } else {
            "periods/2024-2026/centres/etouvie.toml"
        };
        let text = repo.read(path);
        let scrambled = text.replacen("kind = ", "# une remarque\nkind = ", 1);
        let (head, rest) = scrambled.split_once("\n\n").unwrap();
        let mut lines: Vec<&str> = head.lines().collect();
        let schema = lines.remove(0);
        lines.reverse();
        repo.write(path, format!("{schema}\n{}\n\n{rest}", lines.join("\n")));
        repo.cpo(&["fmt", "--check"]).code(1);
        repo.cpo(&["fmt"]).code(0);
        let formatted = repo.read(path);
        assert!(
            formatted.starts_with(schema),
            "the #:schema line stays first"
        );
        let name_at = formatted.find("\nname = ").unwrap();
        let kind_at = formatted.find("\nkind = ").unwrap();
        assert!(name_at < kind_at, "keys in schema order:\n{formatted}");
        // Idempotent: nothing left to change.
        repo.cpo(&["fmt", "--check"]).code(0);
        let snapshot: Vec<String> = walk_toml(&repo);
        repo.cpo(&["fmt"]).code(0);
        assert_eq!(walk_toml(&repo), snapshot);
        // Every comment kept (plus the one added).
        let mut after = comments(&repo);
        *after.get_mut("# une remarque").unwrap() -= 1;
        after.retain(|_, n| *n > 0);
        assert_eq!(after, before);
        repo.cpo(&["check"]).code(0);
    }
}

fn walk_toml(repo: &Repo) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(repo.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    out.sort();
    out
}

/// Split one CSV line (RFC 4180 quoting).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

#[test]
fn scdl_export_of_poitiers() {
    let repo = Repo::example("poitiers");
    let run = repo.cpo(&["export", "--format", "scdl"]);
    run.code(0);
    let mut lines = run.stdout.split("\r\n").filter(|l| !l.is_empty());
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide"
    );
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    // 9 centres, 2 funders, 4 years.
    assert_eq!(rows.len(), 9 * 2 * 4);
    let date = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}$").unwrap();
    let amount = regex::Regex::new(r"^\d+(\.\d{2})?$").unwrap();
    let rna = regex::Regex::new(r"^W\d{9}$").unwrap();
    for row in &rows {
        assert_eq!(row.len(), 16, "{row:?}");
        assert!(
            cpo::ident::check_siret(&row[1]).is_ok(),
            "idAttribuant {}",
            row[1]
        );
        assert!(date.is_match(&row[2]), "dateConvention {}", row[2]);
        assert!(
            cpo::ident::check_siret(&row[5]).is_ok(),
            "idBeneficiaire {}",
            row[5]
        );
        assert!(row[6].is_empty() || rna.is_match(&row[6]));
        assert!(row[7].chars().count() < 256);
        assert!(amount.is_match(&row[8]), "montant {}", row[8]);
        assert_eq!(row[9], "aide en numéraire");
        assert!(["unique", "échelonné", "autre"].contains(&row[10].as_str()));
        let (a, b) = row[11].split_once('/').unwrap();
        assert!(date.is_match(a) && date.is_match(b));
        assert!(["oui", "non"].contains(&row[13].as_str()));
        let pct: f64 = row[14].parse().unwrap();
        assert!((0.01..=1.0).contains(&pct), "pourcentageSubvention {pct}");
        assert!(!row[8].contains(','), "dot decimals");
    }
    assert!(
        rows.iter().any(|r| r[8] == "125000.50"),
        "an amount with cents, dot-separated"
    );
    assert!(rows.iter().any(|r| r[8] == "536055"));

    let csv = repo.cpo(&["export"]).code(0).stdout.clone();
    assert!(
        csv.starts_with(
            "period,centre,centre_name,funder,funder_name,funder_siret,year,amount\r\n"
        )
    );
    let json = repo.cpo(&["export", "--format", "json"]).json();
    assert_eq!(json.as_array().unwrap().len(), 72);
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let repo = Repo::empty();
    let commands = [
        "check", "merge", "explain", "render", "diff", "build", "init", "new", "fmt", "export",
        "seal", "verify", "avenant", "schema", "rules",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let run = repo.cpo(&["completions", shell]);
        run.code(0);
        for c in commands {
            assert!(run.stdout.contains(c), "{shell} completion lacks {c}");
        }
    }
    let man = repo.cpo(&["man"]);
    man.code(0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH cpo"),
        "{}",
        &man.stdout[..200]
    );
    for c in commands {
        assert!(man.stdout.contains(c), "man page lacks {c}");
    }
    repo.cpo(&["completions", "tcsh"]).code(2);
}

#[test]
fn sealed_changed_is_located_on_the_seal_and_names_what_changed() {
    let repo = Repo::fixture("clean");
    repo.git_init();
    repo.cpo(&["seal", "beaulieu", "--date", "2022-07-04"])
        .code(0);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "seal"]);
    let seals = repo.read("periods/2022-2025/seals.toml");
    assert!(seals.contains("centre = \"beaulieu\""));
    assert!(seals.contains("date = 2022-07-04"));
    repo.cpo(&["check"]).code(0);
    // Signing does not change the fingerprint.
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "status = \"draft\"",
        "status = \"signed\"",
    );
    repo.cpo(&["check"]).code(0);
    // A change of amount does.
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "caf = { 2022 = 20000,",
        "caf = { 2022 = 21000,",
    );
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "ville = 100000\ncaf = 20000\n\n[budget.2023]",
        "ville = 100000\ncaf = 21000\n\n[budget.2023]",
    );
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "charges = { 60 = 10000, 64 = 110000, 86 = 5000 }",
        "charges = { 60 = 11000, 64 = 110000, 86 = 5000 }",
    );
    let json = repo.cpo(&["check", "--format", "json"]).json();
    let d = &json["diagnostics"][0];
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(d["rule"], "sealed-changed");
    assert_eq!(d["file"], "periods/2022-2025/seals.toml");
    let line = seals
        .lines()
        .position(|l| l.starts_with("fingerprint"))
        .unwrap()
        + 1;
    assert_eq!(d["line"].as_u64(), Some(line as u64));
    assert_eq!(d["column"], 15);
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("data.budget") && message.contains("data.funding"),
        "{message}"
    );
    assert!(!message.contains("section."), "{message}");
}

#[test]
fn seal_refuses_a_convention_with_errors() {
    let repo = Repo::fixture("clean");
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "siret = \"73282932000074\"",
        "siret = \"73282932000075\"",
    );
    let run = repo.cpo(&["seal", "beaulieu"]);
    run.code(1);
    assert!(run.stderr.contains("cannot seal"), "{}", run.stderr);
    assert!(!repo.exists("periods/2022-2025/seals.toml"));
}

/// What a new user does, from an empty folder to an avenant.
#[test]
fn a_new_users_journey_from_init_to_avenant() {
    if !crate::harness::require_tool("git") {
        return;
    }
    let repo = init_repo();
    repo.cpo(&["new", "centre", "beaulieu"]).code(0);
    filled_centre(&repo, "beaulieu");
    let check = repo.cpo(&["check"]);
    check.code(0);
    repo.cpo(&["render"]).code(0);
    for ext in crate::render::FORMATS {
        assert!(repo.exists(&format!("dist/2026-2029/beaulieu.{ext}")));
    }
    // The signed document: the PDF when this build makes PDFs.
    let signed_ext = if cfg!(feature = "pdf") { "pdf" } else { "html" };
    // The signed state is committed, then sealed.
    repo.git_init();
    let run = repo.cpo(&["seal", "beaulieu", "--date", "2026-03-02"]);
    run.code(0);
    let seals = repo.read("periods/2026-2029/seals.toml");
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert!(
        seals.contains(&format!("commit = \"{}\"", head.trim())),
        "{seals}"
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "seal"]);
    let signed = repo.file(&format!("signed.{signed_ext}"));
    std::fs::copy(
        repo.file(&format!("dist/2026-2029/beaulieu.{signed_ext}")),
        &signed,
    )
    .unwrap();
    std::fs::copy(
        repo.file("dist/2026-2029/beaulieu.html"),
        repo.file("signed.html"),
    )
    .unwrap();
    let verify = repo.cpo(&["verify", signed.to_str().unwrap()]);
    verify.code(0);
    assert!(
        verify
            .stdout
            .contains("convention `beaulieu`, period 2026-2029"),
        "{}",
        verify.stdout
    );
    assert!(verify.stdout.contains("it matches"), "{}", verify.stdout);

    // An amount changes: check fails, an avenant records it, the signed PDF no longer matches.
    let path = "periods/2026-2029/centres/beaulieu.toml";
    let text = repo.read(path);
    let text = text.replacen(
        "ville = { 2026 = 1000, 2027 = 1000,",
        "ville = { 2026 = 1000, 2027 = 1500,",
        1,
    );
    repo.write(
        path,
        text.replacen(
            "[budget.2027]\ncharges = { 64 = 2000 }",
            "[budget.2027]\ncharges = { 64 = 2500 }",
            1,
        )
        .replacen(
            "[budget.2027.subsidies]\nville = 1000",
            "[budget.2027.subsidies]\nville = 1500",
            1,
        ),
    );
    let json = repo.cpo(&["check", "--format", "json"]).json();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["sealed-changed"], "{json}");

    let run = repo.cpo(&["avenant", "beaulieu"]);
    run.code(0);
    for ext in crate::render::FORMATS {
        assert!(
            repo.exists(&format!("dist/2026-2029/beaulieu-avenant-1.{ext}")),
            "{}",
            run.stderr
        );
    }
    let md = repo.read("dist/2026-2029/beaulieu-avenant-1.md");
    assert!(
        md.contains("Avenant n°\u{A0}1 à la convention pluriannuelle d’objectifs 2026\u{2011}2029"),
        "{md}"
    );
    assert!(md.contains("signée le 2\u{A0}mars\u{A0}2026"), "{md}");
    assert!(
        md.contains("1\u{202F}000\u{A0}€ | 1\u{202F}500\u{A0}€ | 500\u{A0}€"),
        "the changed cell:\n{md}"
    );
    assert!(
        md.contains("Modification de l’article 5"),
        "the contribution article:\n{md}"
    );
    assert!(md.contains("Signatures"));
    assert!(md.contains("Les autres dispositions de la convention demeurent inchangées"));
    if cfg!(feature = "pdf") && crate::harness::require_tool("pdftotext") {
        let out = std::process::Command::new("pdftotext")
            .arg(repo.file("dist/2026-2029/beaulieu-avenant-1.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace('\u{A0}', " ");
        assert!(text.contains("Avenant n° 1"), "{text}");
    }

    let verify = repo.cpo(&["verify", signed.to_str().unwrap()]);
    verify.code(1);
    assert!(
        verify.stdout.contains("does NOT match"),
        "{}",
        verify.stdout
    );
    assert!(verify.stdout.contains("data.funding"), "{}", verify.stdout);
    // The signed HTML says the same; at the sealed revision it still matches.
    repo.cpo(&["verify", repo.file("signed.html").to_str().unwrap()])
        .code(1);
    repo.cpo(&["verify", signed.to_str().unwrap(), "--rev", "HEAD~1"])
        .code(0);
    // The avenant itself carries the amended fingerprint.
    repo.cpo(&[
        "verify",
        repo.file("dist/2026-2029/beaulieu-avenant-1.html")
            .to_str()
            .unwrap(),
    ])
    .code(0);
}

#[test]
fn avenant_without_a_seal_or_a_change_is_refused() {
    let repo = Repo::fixture("clean");
    let run = repo.cpo(&["avenant", "beaulieu"]);
    run.code(2);
    assert!(run.stderr.contains("has no seal"), "{}", run.stderr);
    repo.cpo(&["seal", "beaulieu"]).code(0);
    let run = repo.cpo(&["avenant", "beaulieu"]);
    run.code(2);
    assert!(run.stderr.contains("has not changed"), "{}", run.stderr);
}
