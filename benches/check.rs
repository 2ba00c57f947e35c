//! `cpo check` at 300, 1 000 and 2 000 generated centres, against its
//! natural baseline: reading the same files and parsing their TOML, on
//! both cores, which any checker must do. Also the peak memory of a check
//! alone (in a child process) and the per-centre cost across sizes.
//!
//! `cargo bench --bench check`; `CPO_BENCH_CENTRES=300,2000` and
//! `CPO_BENCH_RUNS=N` change the sizes and the runs per median.

mod common;

use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;

/// What `cpo check` does: load, check, findings only.
fn check(dir: &Path) {
    let project = cpo::pipeline::Project::open(dir).expect("loading");
    let checked = project.check(&cpo::check::Options {
        findings_only: true,
        ..Default::default()
    });
    assert_eq!(checked.errors(), 0, "the generated repository is valid");
}

/// Read every file of the repository and parse the TOML ones, in parallel.
fn read_and_parse(dir: &Path) {
    let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let parsed: usize = files
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("reading");
            if f.extension().is_some_and(|e| e == "toml") {
                let table: toml::Table = toml::from_str(&text).expect("parsing");
                table.len()
            } else {
                text.len()
            }
        })
        .sum();
    assert!(parsed > 0);
}

fn main() {
    if let Some((task, arg)) = common::child_task() {
        assert_eq!(task, "check");
        check(&arg);
        println!("{:.1}", common::peak_memory_mb().unwrap_or(0.0));
        return;
    }
    let runs = common::runs(5);
    let mut per_size = Vec::new();
    for centres in common::sizes(&[300, 1000, 2000]) {
        let dir = common::generate(centres, &[(2022, 2025)], 7);
        let (ours, baseline) =
            common::ab(runs, || check(dir.path()), || read_and_parse(dir.path()));
        common::line(
            &format!("check {centres} centres"),
            ours,
            "read + TOML parse",
            baseline,
            "≤ 2x",
            ours.as_secs_f64() <= 2.0 * baseline.as_secs_f64(),
        );
        if centres == 2000 {
            common::bound(
                "check 2000 centres, wall",
                common::secs(ours),
                "≤ 0.6 s",
                ours <= Duration::from_millis(600),
            );
        }
        let peak: f64 = common::child("check", dir.path())
            .parse()
            .unwrap_or(f64::NAN);
        common::bound(
            &format!("check {centres} centres, peak memory"),
            format!("{peak:.0} MB"),
            "≤ 150 MB",
            peak <= 150.0,
        );
        per_size.push((centres, ours));
    }
    common::flatness("check", &per_size);
}
