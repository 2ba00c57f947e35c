//! The output formats of `cpo check`: the same findings in every format,
//! snapshot-tested, with the JSON shape of SPEC §5; SARIF and JUnit
//! validated by the official validators against their published schemas
//! (vendored in tests/schemas), fingerprints that survive moved lines, and
//! `short` on one line per finding.

use std::collections::HashSet;

use crate::harness::{
    Repo, have_python_module, project_root, require_python_module, require_tool, tool_available,
};

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
    // 6 test cases: a passing one for each of the 3 clean files, one per
    // finding of the others; 3 of them fail (the warning passes).
    let counts = junit_counts(&run.stdout);
    assert_eq!((counts.tests, counts.failures), (6, 3), "{}", run.stdout);
    insta::assert_snapshot!(run.stdout);

    let clean = Repo::fixture("clean").cpo(&["check", "--format", "junit"]);
    clean.code(0);
    assert!(well_formed_xml(&clean.stdout));
    let counts = junit_counts(&clean.stdout);
    assert_eq!((counts.tests, counts.failures), (5, 0), "{}", clean.stdout);
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

/// The repository of the CI format tests: the broken fixture, plus a clean
/// centre whose file names hold a space, a comma and a `%` (its id is bad,
/// which is one more finding), a second finding with the same message as
/// another (`adresse` twice in base.toml), and a key with a line break in
/// its name, so that a message spans two lines.
fn ci_repo() -> Repo {
    let repo = broken();
    let centres = "periods/2022-2025/centres";
    let clean = project_root().join("tests/fixtures/clean").join(centres);
    for ext in ["toml", "md"] {
        let text = std::fs::read_to_string(clean.join(format!("beaulieu.{ext}"))).unwrap();
        repo.write(&format!("{centres}/a b,%.{ext}"), text);
    }
    repo.replace(
        "periods/2022-2025/base.toml",
        "representative = \"Léonore Moncond'huy\"",
        "representative = \"Léonore Moncond'huy\"\nadresse = \"Hôtel de ville\"",
    );
    let beaulieu = format!("{centres}/beaulieu.toml");
    let text = repo.read(&beaulieu);
    repo.write(&beaulieu, format!("\"sec\\nond\" = 1\n{text}"));
    repo
}

/// The findings of `cpo check --format json`: (rule, file, line, column, message).
fn findings(repo: &Repo, args: &[&str]) -> Vec<(String, String, u64, u64, String)> {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let json = repo.cpo(&all).json();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn ci_repo_has_the_findings_the_format_tests_rely_on() {
    let found = findings(&ci_repo(), &[]);
    let has = |rule: &str, file: &str| found.iter().any(|f| f.0 == rule && f.1 == file);
    assert!(
        has("bad-id", "periods/2022-2025/centres/a b,%.toml"),
        "{found:?}"
    );
    assert!(has(
        "unknown-section",
        "periods/2022-2025/centres/beaulieu.md"
    ));
    let adresse = found
        .iter()
        .filter(|f| f.0 == "unknown-key" && f.4 == "unknown key `adresse`")
        .count();
    assert_eq!(adresse, 2, "{found:?}");
    assert!(found.iter().any(|f| f.4.contains("sec\nond")), "{found:?}");
}

/// `python3` validating `document` against the vendored OASIS SARIF 2.1.0
/// schema with `jsonschema`, URI formats included.
const VALIDATE_SARIF: &str = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
document = json.load(open(sys.argv[2], encoding="utf-8"))
checker = jsonschema.FormatChecker()
assert "uri-reference" in checker.checkers, "no URI format checker"
validator = jsonschema.Draft4Validator(schema, format_checker=checker)
errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
print("\n".join(errors))
sys.exit(1 if errors else 0)
"#;

#[track_caller]
fn assert_valid_sarif(repo: &Repo, sarif: &str) {
    repo.write("report.sarif", sarif);
    let schema = project_root().join("tests/schemas/sarif-schema-2.1.0.json");
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(VALIDATE_SARIF)
        .arg(&schema)
        .arg(repo.file("report.sarif"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "SARIF not valid against the OASIS schema:\n{}{}\n--- document\n{sarif}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sarif_is_valid_against_the_oasis_schema() {
    // jsonschema checks the `uri-reference` format only with one of these.
    let uri_formats = have_python_module("rfc3986_validator") || have_python_module("rfc3987");
    if !require_python_module("jsonschema")
        || !tool_available(
            "rfc3986-validator, for jsonschema's URI formats",
            uri_formats,
        )
    {
        return;
    }
    let repo = ci_repo();
    for args in [&[][..], &["--deny", "warnings"]] {
        let mut all = vec!["check", "--format", "sarif"];
        all.extend(args);
        let run = repo.cpo(&all);
        run.code(1);
        assert_valid_sarif(&repo, &run.stdout);
    }
    let clean = Repo::fixture("clean");
    let run = clean.cpo(&["check", "--format", "sarif"]);
    run.code(0);
    assert_valid_sarif(&clean, &run.stdout);
}

#[test]
fn sarif_uris_are_percent_encoded_and_relative() {
    let run = ci_repo().cpo(&["check", "--format", "sarif"]);
    let json = run.json();
    assert_eq!(
        json["$schema"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    let run0 = &json["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    assert!(run0["originalUriBaseIds"]["%SRCROOT%"].is_object());
    let uris: Vec<&str> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            artifact["uri"].as_str().unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"periods/2022-2025/centres/a%20b%2C%25.toml"),
        "{uris:?}"
    );
    for uri in &uris {
        assert!(
            !uri.contains([' ', ',', ':']) && !uri.starts_with('/'),
            "{uri}"
        );
    }
}

#[test]
fn sarif_rules_carry_descriptions_and_help() {
    let json = broken().cpo(&["check", "--format", "sarif"]).json();
    let driver = &json["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "cpo");
    let rules = driver["rules"].as_array().unwrap();
    for (rule, sarif) in cpo::diag::Rule::ALL.iter().zip(rules) {
        assert_eq!(sarif["id"], rule.name());
        assert!(sarif["name"].as_str().is_some_and(|n| !n.is_empty()));
        for key in ["shortDescription", "fullDescription"] {
            let text = sarif[key]["text"].as_str().unwrap_or_default();
            assert!(text.len() > 10, "{} has no {key}", rule.name());
        }
        assert_eq!(sarif["help"]["text"], rule.guide());
        let markdown = sarif["help"]["markdown"].as_str().unwrap();
        assert!(markdown.starts_with(rule.guide()), "{markdown}");
        assert!(
            rule.guide()
                .starts_with(sarif["fullDescription"]["text"].as_str().unwrap())
        );
        assert_eq!(
            sarif["defaultConfiguration"]["level"],
            rule.default_severity().as_str()
        );
        assert_eq!(sarif["properties"]["family"], rule.family().as_str());
    }
    assert_eq!(rules[1]["name"], "TomlSyntax");
}

#[test]
fn cpo_rules_name_prints_the_guide_sarif_shows() {
    let repo = Repo::fixture("clean");
    let run = repo.cpo(&["rules", "budget-unbalanced"]);
    run.code(0);
    assert!(
        run.stdout
            .starts_with("budget-unbalanced (money, error by default)")
    );
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words(&run.stdout).contains(cpo::diag::Rule::BudgetUnbalanced.guide()),
        "{}",
        run.stdout
    );
    let json = repo.cpo(&["rules", "--json"]).json();
    assert_eq!(json[0]["guide"], cpo::diag::Rule::Encoding.guide());
    let wrong = repo.cpo(&["rules", "budget-unbalance"]);
    wrong.code(2);
    assert!(wrong.stderr.contains("did you mean `budget-unbalanced`?"));
}

/// What a JUnit reader counts in a report, and what the report says.
#[derive(Debug)]
struct JunitCounts {
    tests: usize,
    failures: usize,
}

/// Parse a JUnit report back: the `<testcase>` and `<failure>` elements
/// found must be what every `tests`/`failures` attribute says, with at most
/// one failure per test case and no error or skip.
#[track_caller]
fn junit_counts(xml: &str) -> JunitCounts {
    let attr = |tag: &str, name: &str| -> usize {
        let re = regex::Regex::new(&format!(r#"\b{name}="(\d+)""#)).unwrap();
        re.captures(tag)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))[1]
            .parse()
            .unwrap()
    };
    let suite_re = regex::Regex::new(r"(?s)(<testsuite [^>]*>)(.*?)</testsuite>").unwrap();
    let (mut tests, mut failures) = (0, 0);
    for suite in suite_re.captures_iter(xml) {
        let (tag, body) = (&suite[1], &suite[2]);
        let cases: Vec<&str> = body.split("<testcase ").skip(1).collect();
        let failed = cases.iter().filter(|c| c.contains("<failure ")).count();
        for case in &cases {
            assert!(case.matches("<failure ").count() <= 1, "{case}");
        }
        assert_eq!(attr(tag, "tests"), cases.len(), "{tag}");
        assert_eq!(attr(tag, "failures"), failed, "{tag}");
        assert_eq!(attr(tag, "errors"), 0, "{tag}");
        assert_eq!(attr(tag, "skipped"), 0, "{tag}");
        tests += cases.len();
        failures += failed;
    }
    assert_eq!(xml.matches("<testcase ").count(), tests);
    assert_eq!(xml.matches("<failure ").count(), failures);
    let top = &xml[xml.find("<testsuites ").unwrap()..];
    let top = &top[..top.find('>').unwrap()];
    assert_eq!(attr(top, "tests"), tests, "{top}");
    assert_eq!(attr(top, "failures"), failures, "{top}");
    assert_eq!(attr(top, "errors"), 0, "{top}");
    JunitCounts { tests, failures }
}

#[track_caller]
fn assert_valid_junit(repo: &Repo, xml: &str) {
    repo.write("report.xml", xml);
    let schema = project_root().join("tests/schemas/junit-10.xsd");
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(repo.file("report.xml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JUnit not valid against junit-10.xsd:\n{}\n--- document\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_is_valid_against_the_jenkins_xsd_with_consistent_counts() {
    let repo = ci_repo();
    let found = findings(&repo, &[]);
    let errors = found.len() - 1; // one warning: the unknown section
    let run = repo.cpo(&["check", "--format", "junit"]);
    run.code(1);
    let counts = junit_counts(&run.stdout);
    // A test case per finding, and one for each of the 3 clean files.
    assert_eq!(counts.tests, found.len() + 3, "{}", run.stdout);
    assert_eq!(counts.failures, errors, "{}", run.stdout);
    // The warning is a passing test case that shows the finding.
    assert!(
        run.stdout.contains("<testcase name=\"unknown-section at periods/2022-2025/centres/beaulieu.md:12:1\" classname=\"cpo.check.unknown-section\">\n      <system-out>"),
        "{}",
        run.stdout
    );
    // A line break in a message survives in the `message` attribute.
    assert!(
        run.stdout.contains("message=\"unknown key `sec&#10;ond`\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(" file="), "{}", run.stdout);

    // --deny warnings: every finding fails its test case.
    let denied = repo.cpo(&["check", "--format", "junit", "--deny", "warnings"]);
    let denied_counts = junit_counts(&denied.stdout);
    assert_eq!(denied_counts.failures, found.len(), "{}", denied.stdout);

    if !require_tool("xmllint") {
        return;
    }
    assert_valid_junit(&repo, &run.stdout);
    assert_valid_junit(&repo, &denied.stdout);
    let clean = Repo::fixture("clean");
    assert_valid_junit(&clean, &clean.cpo(&["check", "--format", "junit"]).stdout);
}

/// Insert a line above everything a finding points at: a comment in TOML
/// and in YAML front matter, an empty line at the top of other Markdown.
fn move_down_one_line(repo: &Repo, file: &str) {
    let text = repo.read(file);
    let moved = if let Some(rest) = text.strip_prefix("---\n") {
        format!("---\n# moved\n{rest}")
    } else if file.ends_with(".toml") {
        format!("# moved\n{text}")
    } else {
        format!("\n{text}")
    };
    repo.write(file, moved);
}

/// The GitLab fingerprints and the SARIF partial fingerprints of a run, in
/// the order of the findings.
fn fingerprints(repo: &Repo) -> (Vec<String>, Vec<String>) {
    let gitlab = repo.cpo(&["check", "--format", "gitlab"]).json();
    let gitlab = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap().to_string())
        .collect();
    let sarif = repo.cpo(&["check", "--format", "sarif"]).json();
    let sarif = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["cpo/v2"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    (gitlab, sarif)
}

#[test]
fn fingerprints_survive_moved_lines_and_never_collide() {
    let repo = ci_repo();
    let before = findings(&repo, &[]);
    let (gitlab, sarif) = fingerprints(&repo);
    assert_eq!(gitlab.len(), before.len());
    assert_eq!(sarif.len(), before.len());
    // Two findings never share a fingerprint, even with the same message
    // (`unknown key `adresse`` twice in base.toml).
    assert_eq!(
        gitlab.iter().collect::<HashSet<_>>().len(),
        gitlab.len(),
        "{gitlab:?}"
    );
    assert_eq!(
        sarif.iter().collect::<HashSet<_>>().len(),
        sarif.len(),
        "{sarif:?}"
    );

    let files: HashSet<&str> = before.iter().map(|f| f.1.as_str()).collect();
    for file in files {
        move_down_one_line(&repo, file);
    }
    let after = findings(&repo, &[]);
    assert_eq!(after.len(), before.len(), "{after:?}");
    let mut moved = 0;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1, &b.4), (&a.0, &a.1, &a.4));
        if a.2 == b.2 + 1 {
            moved += 1;
        } else {
            // Only findings about a file as a whole stay at its start.
            assert_eq!((b.2, b.3, a.2, a.3), (1, 1, 1, 1), "{b:?} -> {a:?}");
        }
    }
    assert!(moved >= before.len() - 1, "{before:?} -> {after:?}");
    assert_eq!(fingerprints(&repo), (gitlab, sarif));
}

#[test]
fn short_prints_one_line_per_finding() {
    let repo = ci_repo();
    let found = findings(&repo, &[]);
    let run = repo.cpo(&["check", "--format", "short"]);
    run.code(1);
    assert_eq!(run.stdout.lines().count(), found.len(), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("centres/beaulieu.toml:1:1: error[unknown-key]: unknown key `sec\\nond`\n"),
        "{}",
        run.stdout
    );
    // A TOML syntax error stays on its line too.
    repo.write(
        "periods/2022-2025/centres/beaulieu.toml",
        "name = \"x\nkind = 1\n",
    );
    let run = repo.cpo(&["check", "--format", "short", "beaulieu"]);
    let found = findings(&repo, &["beaulieu"]);
    assert!(found.iter().any(|f| f.0 == "toml-syntax"), "{found:?}");
    assert_eq!(run.stdout.lines().count(), found.len(), "{}", run.stdout);
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
