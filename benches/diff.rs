//! Benchmark of `cpo diff` (issue 10's targets): two generated periods
//! (renamed, added and removed centres, changed amounts and texts) of 300,
//! 1 000 and 2 000 centres, compared by the library as `cpo diff --format
//! html` does (load, resolve, compare, HTML report), against `git
//! diff --no-index --word-diff` on the same two folders in the same run;
//! then one centre with 50 000 sections on each side.
//!
//! Run with `cargo bench --bench diff`. Prints medians (wall clock), the
//! cost per centre and the ratio to git. `CPO_BENCH_CENTRES=300,1000`
//! changes the sizes, `CPO_BENCH_RUNS` the number of runs (default 5).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cpo::diff::side::{Snapshots, resolve_pair};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// `cpo diff --format html` through the library; returns the report's size
/// and how many centres changed.
fn library_diff(root: &Path) -> (usize, usize) {
    let mut snapshots = Snapshots::new(root);
    let (from, to) = resolve_pair(&mut snapshots, None, None, None).expect("resolving");
    let report = cpo::diff::compare(
        &from,
        &to,
        &cpo::diff::Options::default(),
        &cpo::pipeline::TextReader,
    )
    .expect("comparing");
    let project = snapshots.get(None).expect("the work tree");
    let html = cpo::pipeline::diff_report(project, &report, false).expect("the HTML report");
    (html.len(), report.summary.centres.changed.len())
}

/// `git diff --no-index --word-diff` of the two period folders, or `None`
/// without git.
fn git_diff(root: &Path, from: &str, to: &str) -> Option<Duration> {
    let t = Instant::now();
    let status = Command::new("git")
        .args(["diff", "--no-index", "--word-diff"])
        .arg(format!("periods/{from}"))
        .arg(format!("periods/{to}"))
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    // 1: the folders differ (what we expect); anything else is a failure.
    (status.code() == Some(1)).then(|| t.elapsed())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("CPO_BENCH_CENTRES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![300, 1000, 2000]);
    let runs: usize = std::env::var("CPO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let have_git = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_git {
        println!("git not found: the `git diff --no-index --word-diff` baseline is skipped");
    }
    println!(
        "{:>7}  {:>12}  {:>12}  {:>10}  {:>12}  {:>7}",
        "centres", "cpo diff", "per centre", "changed", "git diff", "ratio"
    );
    for centres in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        cpo::synth::generate(
            dir.path(),
            &cpo::synth::Options {
                centres,
                periods: vec![(2018, 2021), (2022, 2025)],
                seed: 5,
            },
        )
        .expect("generating");
        // One warm-up run of each (file cache), then the measured runs.
        let (size, changed) = library_diff(dir.path());
        assert!(size > 1000);
        let mut ours = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            library_diff(dir.path());
            ours.push(t.elapsed());
        }
        let ours = median(ours);
        let git = have_git
            .then(|| {
                git_diff(dir.path(), "2018-2021", "2022-2025")?;
                let times: Option<Vec<Duration>> = (0..runs)
                    .map(|_| git_diff(dir.path(), "2018-2021", "2022-2025"))
                    .collect();
                times.map(median)
            })
            .flatten();
        println!(
            "{centres:>7}  {:>10.1}ms  {:>10.3}ms  {changed:>10}  {:>12}  {:>7}",
            ours.as_secs_f64() * 1e3,
            ours.as_secs_f64() * 1e3 / centres as f64,
            git.map_or("skipped".to_string(), |g| format!(
                "{:.1}ms",
                g.as_secs_f64() * 1e3
            )),
            git.map_or("–".to_string(), |g| format!(
                "{:.2}×",
                ours.as_secs_f64() / g.as_secs_f64()
            )),
        );
    }
    sections(runs);
}

/// One centre whose text has 50 000 sections on each side, a few of them
/// changed, moved, added and removed.
fn sections(runs: usize) {
    const SECTIONS: usize = 50_000;
    let dir = tempfile::tempdir().expect("temp dir");
    cpo::synth::generate(
        dir.path(),
        &cpo::synth::Options {
            centres: 1,
            periods: vec![(2022, 2025)],
            seed: 5,
        },
    )
    .expect("generating");
    let centres = dir.path().join("periods/2022-2025/centres");
    let md = std::fs::read_dir(&centres)
        .expect("centres")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("a centre text");
    let (old, new) = big_texts(SECTIONS);
    std::fs::write(&md, old).expect("writing");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let ok = git(&["init", "-q"])
        && git(&["add", "-A"])
        && git(&[
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.org",
            "commit",
            "-qm",
            "old",
        ]);
    if !ok {
        println!("git not found: the 50 000-section diff (between two revisions) is skipped");
        return;
    }
    std::fs::write(&md, new).expect("writing");
    let mut times = Vec::new();
    let mut changed = 0;
    for _ in 0..runs.min(3) {
        let t = Instant::now();
        let mut snapshots = Snapshots::new(dir.path());
        let (from, to) =
            resolve_pair(&mut snapshots, Some("@HEAD"), None, None).expect("resolving");
        let report = cpo::diff::compare(
            &from,
            &to,
            &cpo::diff::Options::default(),
            &cpo::pipeline::TextReader,
        )
        .expect("comparing");
        times.push(t.elapsed());
        changed = report
            .centres
            .iter()
            .flat_map(|c| &c.sections)
            .filter(|s| s.status != cpo::diff::Status::Unchanged)
            .count();
    }
    println!(
        "one centre, {SECTIONS} sections on each side (load, resolve, compare): median {:.1}ms; {changed} sections changed",
        median(times).as_secs_f64() * 1e3
    );
}

/// A centre text of `n` sections (short, so that 50 000 fit in the 2 MiB
/// a text file may have), and the same with a few edits: one section
/// reworded, one removed, one added, and a paragraph moved from one
/// section to the next.
pub fn big_texts(n: usize) -> (String, String) {
    const MOVED: &str =
        "Le jardin partagé ouvre chaque samedi matin avec les habitants du quartier.";
    let section = |i: usize, text: &str| format!("## S{i} {{#s{i}}}\n\n{text}\n\n");
    let mut old = String::with_capacity(n * 40);
    let mut new = String::with_capacity(n * 40);
    for i in 0..n {
        let text = format!("Texte {i}.");
        old.push_str(&section(i, &text));
        if i == 30 {
            old.push_str(&format!("{MOVED}\n\n"));
        }
        match i {
            10 => new.push_str(&section(i, &format!("Texte {i} modifié."))),
            20 => {}
            31 => {
                new.push_str(&section(i, &text));
                new.push_str(&format!("{MOVED}\n\n"));
            }
            _ => new.push_str(&section(i, &text)),
        }
    }
    new.push_str(&section(n, "Une action nouvelle."));
    (old, new)
}
