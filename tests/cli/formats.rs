//! The output formats of `cpo check`: the same findings in every format,
//! snapshot-tested, with the JSON shape of SPEC §5.

use crate::harness::Repo;

/// The clean fixture with known problems: an invalid SIRET, an unknown key,
/// an unbalanced budget, and a warning (an unknown section).
fn broken() -> Repo {
    let repo = Repo::fixture("clean");
    let centre = "periods/2022-2025/centres/beaulieu.toml";
    repo.replace(
        centre,
        "siret = \"73282932000074\"",
        "siret = \"73282932000075\"",
    );
    repo.replace(
        centre,
        "charges = { 60 = 10000, 64 = 110000 }\n[budget.2023.subsidies]",
        "charges = { 60 = 12000, 64 = 110000 }\n[budget.2023.subsidies]",
    );
    repo.replace(
        "periods/2022-2025/base.toml",
        "representative = \"Marie Durand\"",
        "representative = \"Marie Durand\"\nadresse = \"67 bd du Grand Cerf, Poitiers\"",
    );
    repo.append(
        "periods/2022-2025/centres/beaulieu.md",
        "\n## Annexe photos\n\nDes photos, 100 % des ateliers : voir plus bas.\n",
    );
    repo
}

#[test]
fn json_has_exactly_the_spec_shape() {
    let repo = broken();
    let run = repo.cpo(&["check", "--format", "json"]);
    run.code(1);
    let json = run.json();
    let obj = json.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["diagnostics", "summary"]);
    let diags = json["diagnostics"].as_array().unwrap();
    for d in diags {
        let keys: Vec<_> = d.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "rule", "severity", "file", "line", "column", "message", "help"
            ],
            "{d}"
        );
        assert!(d["rule"].is_string() && d["file"].is_string() && d["message"].is_string());
        assert!(d["line"].is_u64() && d["column"].is_u64());
        assert!(d["help"].is_string() || d["help"].is_null());
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
    }
    let got: Vec<(&str, &str, u64, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unknown-key", "periods/2022-2025/base.toml", 22, 1),
            (
                "unknown-section",
                "periods/2022-2025/centres/beaulieu.md",
                12,
                1
            ),
            ("siret", "periods/2022-2025/centres/beaulieu.toml", 7, 9),
            (
                "budget-unbalanced",
                "periods/2022-2025/centres/beaulieu.toml",
                37,
                9
            ),
        ]
    );
    assert_eq!(json["summary"]["errors"], 3);
    assert_eq!(json["summary"]["warnings"], 1);
    assert_eq!(json["summary"]["files"], 5);
}

#[test]
fn human_output_snapshot() {
    let run = broken().cpo(&["check"]);
    run.code(1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn short_output_snapshot() {
    let run = broken().cpo(&["check", "--format", "short"]);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn github_output_snapshot() {
    let run = broken().cpo(&["check", "--format", "github"]);
    run.code(1);
    for line in run.stdout.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn gitlab_output_snapshot() {
    let run = broken().cpo(&["check", "--format", "gitlab"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[0]["severity"], "major");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn junit_output_snapshot() {
    let run = broken().cpo(&["check", "--format", "junit"]);
    assert!(well_formed_xml(&run.stdout), "{}", run.stdout);
    assert!(
        run.stdout.contains("tests=\"5\" failures=\"2\""),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.stdout);

    let clean = Repo::fixture("clean").cpo(&["check", "--format", "junit"]);
    clean.code(0);
    assert!(well_formed_xml(&clean.stdout));
    assert!(clean.stdout.contains("failures=\"0\""));
}

#[test]
fn sarif_output_snapshot() {
    let run = broken().cpo(&["check", "--format", "sarif"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["version"], "2.1.0");
    let run0 = &json["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), cpo::diag::Rule::ALL.len());
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    // The rule list is long and stable: snapshot the results only.
    insta::assert_snapshot!(serde_json::to_string_pretty(&run0["results"]).unwrap());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let repo = broken();
    let plain = repo.cpo(&["check"]);
    assert!(!plain.stdout.contains('\x1b'));
    let coloured = repo.cpo(&["check", "--color", "always"]);
    assert!(coloured.stdout.contains("\x1b["), "{}", coloured.stdout);
    let never = repo.cpo(&["check", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
    // Machine formats never carry escapes, even when asked.
    let json = repo.cpo(&["check", "--format", "json", "--color", "always"]);
    assert!(!json.stdout.contains('\x1b'));
}

/// A minimal well-formedness check: every tag closes in order.
fn well_formed_xml(xml: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            return false;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if tag.starts_with('?') || tag.ends_with('/') {
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        if let Some(name) = name.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return false;
            }
        } else {
            stack.push(name.to_string());
        }
    }
    stack.is_empty()
}
