//! The architecture, as a test: data flows one way through the pipeline.
//!
//! ```text
//!  diag  fr  escape  ident        (leaves: no crate module below them)
//!  repo                           work tree, git revisions, safe writes; the only git2 user
//!  model                          typed files with spans
//!  merge  schema                  base + centre; JSON schemas of the model
//!  check                          the rule catalogue
//!  render  diff  seal             the stages after the check (peers: none uses another)
//!  lifecycle  synth               init, new, fmt, export, verify, avenant; test data
//!  pipeline                       the hub: Project::open → check → Checked, build, verify
//!  lsp                            the editor front end: the protocol on stdin/stdout
//!  cli                            parses arguments and prints, nothing else
//! ```
//!
//! A module may use the modules of the rows above it, never those below.
//! The one exception is the pipeline's values, which the stages receive:
//! `pipeline::{Project, Checked, Verdict}` and `pipeline::document_date`
//! (mdBook's renderers likewise receive the book's `RenderContext`).
//! Checks the stages plug into `check` go through `check::RuleSource`, so
//! `check` never names them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The rank of each top-level module of `src/` (lower ranks are lower
/// layers).
const RANKS: &[(&str, u8)] = &[
    ("budget", 0),
    ("diag", 0),
    ("fr", 0),
    ("escape", 0),
    ("ident", 0),
    ("repo", 1),
    ("model", 2),
    ("merge", 3),
    ("schema", 3),
    ("check", 4),
    ("render", 5),
    ("diff", 5),
    ("seal", 5),
    ("lifecycle", 6),
    ("synth", 6),
    ("pipeline", 7),
    ("lsp", 8),
    ("cli", 9),
];

/// What the stages may name of the pipeline: the values they receive.
const PIPELINE_VALUES: &[&str] = &["Project", "Checked", "Verdict", "document_date"];

fn rank(module: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// Every `.rs` file of `src/`, with the top-level module it belongs to.
fn sources() -> Vec<(PathBuf, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(path).unwrap();
        out.push((rel.to_path_buf(), module, text));
    }
    assert!(out.len() > 40, "the sources were found");
    out
}

/// The code of a file without its comments (doc comments name modules
/// freely) and without string literals' contents.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `crate::MODULE` paths a file uses, with what it names of the
/// pipeline (`crate::pipeline::{A, B}` or `crate::pipeline::A`).
fn uses(code: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let path = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let modules = path.captures_iter(code).map(|c| c[1].to_string()).collect();
    let named = regex::Regex::new(r"crate::pipeline::(\{[^}]*\}|[A-Za-z_]+)").unwrap();
    let mut pipeline = BTreeSet::new();
    for c in named.captures_iter(code) {
        for name in c[1].trim_matches(['{', '}']).split(',') {
            let name = name.trim();
            if !name.is_empty() {
                pipeline.insert(name.to_string());
            }
        }
    }
    (modules, pipeline)
}

#[test]
fn modules_use_only_the_layers_above_them() {
    let mut violations = Vec::new();
    for (file, module, text) in sources() {
        let Some(own) = rank(&module) else {
            // lib.rs and main.rs: the crate's roots.
            assert!(
                module == "lib" || module == "main",
                "{}: module `{module}` has no layer in tests/layering.rs",
                file.display()
            );
            continue;
        };
        let code = code(&text);
        let (modules, pipeline) = uses(&code);
        for used in &modules {
            if used == &module {
                continue;
            }
            let Some(theirs) = rank(used) else {
                violations.push(format!("{}: unknown module crate::{used}", file.display()));
                continue;
            };
            if used == "pipeline" && own < rank("pipeline").unwrap() {
                for name in &pipeline {
                    if !PIPELINE_VALUES.contains(&name.as_str()) {
                        violations.push(format!(
                            "{}: `{module}` uses pipeline::{name}; stages may only receive {PIPELINE_VALUES:?}",
                            file.display()
                        ));
                    }
                }
                continue;
            }
            if theirs > own || (theirs == own && used != &module) {
                violations.push(format!(
                    "{}: `{module}` (layer {own}) uses `{used}` (layer {theirs})",
                    file.display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn only_repo_opens_git_and_only_the_front_ends_print() {
    let print =
        regex::Regex::new(r"\b(e?println!|e?print!|std::io::stdout\(|std::io::stderr\()").unwrap();
    let mut violations = Vec::new();
    for (file, module, text) in sources() {
        let code = code(&text);
        if code.contains("git2::") && module != "repo" {
            violations.push(format!("{}: git2 outside repo/", file.display()));
        }
        // The two front ends own the standard streams (lsp: the protocol).
        if print.is_match(&code) && !["cli", "lsp", "main"].contains(&module.as_str()) {
            violations.push(format!("{}: prints outside cli/ and lsp/", file.display()));
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// `cli/` parses and prints: reading files, walking folders and parsing
/// the formats of the repository are the library's.
#[test]
fn cli_holds_no_pipeline_logic() {
    let forbidden = regex::Regex::new(
        r"\b(std::fs::|fs::read|fs::write|File::open|walkdir::|toml::|toml_edit::|comrak::|tera::|typst|git2::|rayon::)",
    )
    .unwrap();
    let mut violations = Vec::new();
    for (file, module, text) in sources() {
        if module != "cli" {
            continue;
        }
        for (i, line) in code(&text).lines().enumerate() {
            if let Some(m) = forbidden.find(line) {
                violations.push(format!(
                    "{}:{}: `{}` in cli/",
                    file.display(),
                    i + 1,
                    m.as_str()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// The checks themselves can fail: a file of `model` that used `check`
/// would be reported.
#[test]
fn the_layering_check_sees_a_violation() {
    let (modules, _) = uses(&code(
        "use crate::check::Options; // crate::render in a comment",
    ));
    assert!(modules.contains("check"));
    assert!(!modules.contains("render"));
    assert!(rank("check").unwrap() > rank("model").unwrap());
    let (_, named) = uses("use crate::pipeline::{Checked, build};");
    assert!(named.contains("build") && !PIPELINE_VALUES.contains(&"build"));
}
