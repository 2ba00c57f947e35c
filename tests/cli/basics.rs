//! The foundation: loading, merge, explain, exit codes, reading from git.

use crate::harness::Repo;

#[test]
fn clean_fixture_passes_check() {
    let repo = Repo::fixture("clean");
    let run = repo.cpo(&["check"]);
    run.code(0);
    assert!(
        run.stdout.contains("ok: 5 files checked, no problem found"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_finds_the_repository_upward_without_dash_c() {
    let repo = Repo::fixture("clean");
    let mut cmd = crate::harness::cpo_command();
    cmd.current_dir(repo.file("periods/2022-2025/centres"))
        .arg("check");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn not_a_repository_is_exit_2_with_a_message() {
    let repo = Repo::empty();
    let run = repo.cpo(&["check"]);
    run.code(2);
    assert!(run.stderr.contains("no cpo.toml"), "{}", run.stderr);
    assert!(!run.stderr.contains("stack backtrace"), "{}", run.stderr);
}

#[test]
fn unknown_period_and_centre_are_usage_errors() {
    let repo = Repo::fixture("clean");
    let run = repo.cpo(&["--period", "2030-2033", "check"]);
    run.code(2);
    assert!(
        run.stderr.contains("no period `2030-2033`"),
        "{}",
        run.stderr
    );
    let run = repo.cpo(&["merge", "beaulieux"]);
    run.code(2);
    assert!(
        run.stderr.contains("did you mean `beaulieu`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn merge_prints_resolved_convention_in_three_formats() {
    let repo = Repo::fixture("clean");
    let json = repo
        .cpo(&["merge", "beaulieu", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(json["id"], "beaulieu");
    assert_eq!(json["title"], "Convention pluriannuelle d'objectifs");
    assert_eq!(json["payment"]["advance_percent"], 50);
    assert_eq!(json["funding"]["ville"]["2025"], 100000.5);
    assert_eq!(json["commitments"][0]["id"], "laicite");

    let toml_out = repo
        .cpo(&["merge", "beaulieu", "--format", "toml"])
        .code(0)
        .stdout
        .clone();
    let parsed: toml::Table = toml::from_str(&toml_out).expect("merge --format toml is TOML");
    assert_eq!(
        parsed["name"].as_str(),
        Some("Centre d'animation de Beaulieu")
    );

    let yaml = repo
        .cpo(&["merge", "beaulieu", "--format", "yaml"])
        .code(0)
        .stdout
        .clone();
    assert!(
        yaml.contains("name: Centre d'animation de Beaulieu")
            || yaml.contains("name: \"Centre d'animation de Beaulieu\""),
        "{yaml}"
    );
}

#[test]
fn merge_applies_centre_overrides_and_explain_shows_provenance() {
    let repo = Repo::fixture("clean");
    repo.append(
        "periods/2022-2025/centres/beaulieu.toml",
        "\n[payment]\nadvance_percent = 30\n",
    );
    let json = repo
        .cpo(&["merge", "beaulieu", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(json["payment"]["advance_percent"], 30);
    assert_eq!(json["payment"]["advance_before"], "03-31");

    let run = repo.cpo(&["explain", "beaulieu", "payment.advance_percent"]);
    run.code(0);
    assert!(
        run.stdout.contains("payment.advance_percent = 30"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("from periods/2022-2025/centres/beaulieu.toml:"),
        "{}",
        run.stdout
    );
    let run = repo.cpo(&["explain", "beaulieu", "payment.advance_before"]);
    assert!(
        run.stdout
            .contains("from periods/2022-2025/base.toml:47:18"),
        "{}",
        run.stdout
    );

    let run = repo.cpo(&["explain", "beaulieu", "association.sirte"]);
    run.code(2);
    assert!(
        run.stderr.contains("did you mean `association.siret`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_addresses_array_entries_by_id() {
    let repo = Repo::fixture("clean");
    let run = repo.cpo(&["explain", "beaulieu", "signatories.caf.siret"]);
    run.code(0);
    assert!(run.stdout.contains("\"35600000000048\""), "{}", run.stdout);
    assert!(
        run.stdout.contains("from periods/2022-2025/base.toml:"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_problem_of_a_file_is_reported_and_other_files_still_checked() {
    let repo = Repo::fixture("clean");
    let centre = "periods/2022-2025/centres/beaulieu.toml";
    repo.replace(centre, "rna = ", "rnaa = ");
    repo.replace(
        centre,
        "kind = \"centre-social\"",
        "kind = \"centre-socail\"",
    );
    // A second, broken centre must not hide the first one's findings.
    repo.write("periods/2022-2025/centres/autre.toml", "name = [\n");
    repo.write("periods/2022-2025/centres/autre.md", "## Diagnostic\n");
    let run = repo.cpo(&["check", "--format", "json"]);
    run.code(1);
    let json = run.json();
    let rules: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("wrong-type".into(), centre.into())),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("unknown-key".into(), centre.into())),
        "{rules:?}"
    );
    assert!(
        rules.contains(&(
            "toml-syntax".into(),
            "periods/2022-2025/centres/autre.toml".into()
        )),
        "{rules:?}"
    );
}

#[test]
fn a_git_revision_resolves_like_the_work_tree() {
    if !crate::harness::require_tool("git") {
        return;
    }
    let repo = Repo::fixture("clean");
    repo.git_init();
    repo.git(&["tag", "v1"]);
    let at_head = repo
        .cpo(&["merge", "beaulieu", "--format", "json"])
        .code(0)
        .json();
    // Change the work tree after the tag: the tag must still give the old data.
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "name = \"Centre d'animation de Beaulieu\"",
        "name = \"Nouveau nom\"",
    );
    let root = repo.path();
    let resolve = |p: &cpo::pipeline::Project| {
        let checked = p.check(&cpo::check::Options::default());
        checked
            .period(None)
            .unwrap()
            .conventions
            .iter()
            .find(|c| c.id == "beaulieu")
            .unwrap()
            .clone()
    };
    let tag = resolve(&cpo::pipeline::Project::at_revision(root, "v1").unwrap());
    let wt = resolve(&cpo::pipeline::Project::open(root).unwrap());
    assert_eq!(tag.data.name, "Centre d'animation de Beaulieu");
    assert_eq!(wt.data.name, "Nouveau nom");
    // Restore the work tree: then both sides resolve identically.
    repo.git(&["checkout", "--", "."]);
    let wt = resolve(&cpo::pipeline::Project::open(root).unwrap());
    assert_eq!(tag.data, wt.data);
    assert_eq!(tag.fingerprint(), wt.fingerprint());
    assert_eq!(at_head["name"], "Centre d'animation de Beaulieu");
    // Reading the revision did not touch the repository.
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_generated_repository_is_valid() {
    let repo = Repo::empty();
    let counts = cpo::synth::generate(
        repo.path(),
        &cpo::synth::Options {
            centres: 30,
            periods: vec![(2018, 2021), (2022, 2025)],
            seed: 3,
        },
    )
    .unwrap();
    assert_eq!(counts[0], 30);
    assert!(counts[1] >= 29, "{counts:?}");
    let run = repo.cpo(&["check", "--format", "short"]);
    run.code(0);
    assert_eq!(run.stdout, "", "no finding at all, not even a warning");
    let size = std::fs::metadata(repo.file("periods/2022-2025/centres/centre-0001.toml"))
        .map(|m| m.len())
        .unwrap_or_else(|_| {
            std::fs::metadata(repo.file("periods/2018-2021/centres/centre-0001.toml"))
                .unwrap()
                .len()
        });
    assert!(
        (2_000..10_000).contains(&size),
        "centre TOML of realistic size: {size}"
    );
    // cpo reads most TOML files in one pass: what it reads of these is what
    // toml's own reading gives (the unit tests hold it to that on the
    // examples and test files, and say how many it takes).
    let mut files = 0;
    for entry in walkdir::WalkDir::new(repo.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let file = cpo::diag::FileId(0);
            assert_eq!(
                cpo::model::node::parse_toml(file, &text).ok(),
                cpo::model::node::parse_toml_with_detable(file, &text).ok(),
                "{}",
                entry.path().display()
            );
            files += 1;
        }
    }
    assert!(files > 60, "{files} TOML files");
}

#[test]
fn an_invalid_utf8_file_is_one_finding_and_the_others_are_still_checked() {
    let repo = Repo::fixture("clean");
    repo.write(
        "periods/2022-2025/centres/autre.toml",
        b"name = \"Caf\xe9 social\"\n",
    );
    repo.write(
        "periods/2022-2025/centres/autre.md",
        "## Diagnostic\n\nTexte.\n",
    );
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "rna = \"W861000123\"",
        "rna = \"W86\"",
    );
    let run = repo.cpo(&["check", "--format", "json"]);
    run.code(1);
    let json = run.json();
    let found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().into(),
                d["file"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "encoding".into(),
            "periods/2022-2025/centres/autre.toml".into()
        )),
        "{found:?}"
    );
    assert_eq!(found.iter().filter(|f| f.0 == "encoding").count(), 1);
    assert!(
        found.contains(&(
            "rna".into(),
            "periods/2022-2025/centres/beaulieu.toml".into()
        )),
        "{found:?}"
    );
}

#[test]
fn merge_and_explain_work_on_both_examples() {
    for (example, centre, key, origin) in [
        (
            "poitiers",
            "beaulieu",
            "funding.ville.2022",
            "periods/2022-2025/centres/beaulieu.toml:",
        ),
        (
            "poitiers",
            "couronneries",
            "payment.funders.ville.advance_percent",
            "periods/2022-2025/centres/couronneries.toml:",
        ),
        (
            "poitiers",
            "seve",
            "commitments.laicite.title",
            "periods/2022-2025/base.toml:",
        ),
        (
            "amiens",
            "etouvie",
            "signatories.etat.name",
            "periods/2024-2026/base.toml:",
        ),
    ] {
        let repo = Repo::example(example);
        for format in ["toml", "json", "yaml"] {
            repo.cpo(&["merge", centre, "--format", format]).code(0);
        }
        let run = repo.cpo(&["explain", centre, key]);
        run.code(0);
        assert!(
            run.stdout.contains(&format!("from {origin}")),
            "{example} {key}: {}",
            run.stdout
        );
    }
    let repo = Repo::example("poitiers");
    let json = repo
        .cpo(&["merge", "couronneries", "--format", "json"])
        .json();
    assert_eq!(
        json["payment"]["funders"]["ville"]["advance_percent"], 50,
        "the centre's override"
    );
    assert_eq!(
        json["payment"]["advance_before"], "02-28",
        "the base's value"
    );
    let older = repo
        .cpo(&[
            "--period",
            "2018-2021",
            "merge",
            "pont-neuf",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(older["period_label"], "2018-2021");
}

#[test]
fn help_snapshot() {
    let run = Repo::empty().cpo(&["--help"]);
    run.code(0);
    insta::assert_snapshot!(run.stdout);
    let bad = Repo::empty().cpo(&["chek"]);
    bad.code(2);
    assert!(
        bad.stderr.contains("check"),
        "clap suggests the command: {}",
        bad.stderr
    );
}

#[test]
fn readme_and_ci_run_the_commands_the_issue_promises() {
    let root = crate::harness::project_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let head: String = readme.lines().take(25).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("cargo run --release -- -C examples/poitiers build"),
        "README's first command"
    );
    assert!(
        head.contains("cargo test --locked"),
        "README's test command"
    );
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    for step in [
        "cargo fmt --check",
        "cargo clippy --all-targets --locked -- -D warnings",
        "cargo test --locked",
        "-C \"$example\" check",
    ] {
        assert!(ci.contains(step), ".ci/run lacks `{step}`");
    }
    // Every example it checks is one the tests know to be clean.
    for example in ["poitiers", "amiens"] {
        Repo::example(example).cpo(&["check"]).code(0);
    }
}

/// `cpo check` drops conventions as soon as their own rules ran
/// (`findings_only`); it finds exactly what the full check finds, rules
/// across centres included (a duplicated SIRET, a sealed convention
/// changed).
#[test]
fn findings_only_check_finds_what_the_full_check_finds() {
    let repo = Repo::example("poitiers");
    repo.git_init();
    repo.cpo(&["seal", "couronneries", "--date", "2022-07-04"])
        .code(0);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "seal"]);
    let siret = |id: &str| {
        let text = repo.read(&format!("periods/2022-2025/centres/{id}.toml"));
        text.lines()
            .find(|l| l.starts_with("siret = "))
            .unwrap()
            .to_string()
    };
    let (montmidi, couronneries) = (siret("montmidi"), siret("couronneries"));
    repo.replace(
        "periods/2022-2025/centres/montmidi.toml",
        &montmidi,
        &couronneries,
    );
    repo.replace(
        "periods/2022-2025/centres/couronneries.md",
        "Atelier vélo solidaire",
        "Atelier vélo",
    );
    let findings = |findings_only: bool| {
        let project = cpo::pipeline::Project::open(repo.path()).unwrap();
        let checked = project.check(&cpo::check::Options {
            findings_only,
            ..Default::default()
        });
        let report = checked.report();
        let rules: Vec<String> = report
            .located()
            .map(|d| {
                format!(
                    "{} {}:{}:{} {}",
                    d.rule.name(),
                    d.file,
                    d.line,
                    d.column,
                    d.message
                )
            })
            .collect();
        rules
    };
    let full = findings(false);
    assert!(
        full.iter().any(|d| d.starts_with("duplicate-siret")),
        "{full:?}"
    );
    assert!(
        full.iter().any(|d| d.starts_with("sealed-changed")),
        "{full:?}"
    );
    assert_eq!(findings(true), full);
}
