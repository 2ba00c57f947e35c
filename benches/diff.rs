//! Benchmark of `cpo diff` (issue 10's targets): two generated periods
//! (renamed, added and removed centres, changed amounts and texts) of 300,
//! 1 000 and 2 000 centres, compared by the library as `cpo diff --format
//! html` does (load, resolve, compare, HTML report), against `git
//! diff --no-index --word-diff` on the same two folders in the same run;
//! then one centre with 50 000 sections on each side.
//!
//! Run with `cargo bench --bench diff`. Prints medians (wall clock, ours
//! and git's alternately), the ratio to git, the cost per centre and the
//! targets. `CPO_BENCH_CENTRES=300,1000` changes the sizes,
//! `CPO_BENCH_RUNS` the number of runs (default 5).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use cpo::diff::side::{Snapshots, resolve_pair};

/// Load and resolve both sides (`from`: a revision, or the previous
/// period), then compare them, as `cpo diff` does.
fn compare<'a>(root: &'a Path, from: Option<&str>) -> (Snapshots<'a>, cpo::diff::Report) {
    let mut snapshots = Snapshots::new(root);
    let (from, to) = resolve_pair(&mut snapshots, from, None, None).expect("resolving");
    let report = cpo::diff::compare(
        &from,
        &to,
        &cpo::diff::Options::default(),
        &cpo::pipeline::TextReader,
    )
    .expect("comparing");
    (snapshots, report)
}

/// `cpo diff --format html` through the library: the two latest periods
/// compared, then the HTML report. Returns the report's size and how many
/// centres changed.
fn library_diff(root: &Path) -> (usize, usize) {
    let (mut snapshots, report) = compare(root, None);
    let project = snapshots.get(None).expect("the work tree");
    let html = cpo::pipeline::diff_report(project, &report, false).expect("the HTML report");
    (html.len(), report.summary.centres.changed.len())
}

/// `git diff --no-index --word-diff` of the two period folders; `false`
/// without git or when it fails.
fn git_diff(root: &Path, from: &str, to: &str) -> bool {
    Command::new("git")
        .args(["diff", "--no-index", "--word-diff"])
        .arg(format!("periods/{from}"))
        .arg(format!("periods/{to}"))
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        // 1: the folders differ (what we expect); anything else is a failure.
        .is_ok_and(|s| s.code() == Some(1))
}

fn main() {
    let runs = common::runs(5);
    let mut per_size = Vec::new();
    for centres in common::sizes(&[300, 1000, 2000]) {
        let dir = common::generate(centres, &[(2018, 2021), (2022, 2025)], 5);
        let (size, changed) = library_diff(dir.path());
        assert!(size > 1000 && changed > 0);
        let (ours, git) = if git_diff(dir.path(), "2018-2021", "2022-2025") {
            let (ours, git) = common::ab(
                runs,
                || {
                    library_diff(dir.path());
                },
                || assert!(git_diff(dir.path(), "2018-2021", "2022-2025")),
            );
            (ours, Some(git))
        } else {
            println!("git diff --no-index did not run (no git?): its baseline is skipped");
            let ours = (0..runs)
                .map(|_| {
                    let t = std::time::Instant::now();
                    library_diff(dir.path());
                    t.elapsed()
                })
                .collect();
            (common::median(ours), None)
        };
        if let Some(git) = git {
            common::line(
                &format!("diff {centres} centres ({changed} changed), HTML report"),
                ours,
                "git diff --no-index --word-diff",
                git,
                "≤ 4x",
                ours.as_secs_f64() <= 4.0 * git.as_secs_f64(),
            );
        }
        if centres == 300 {
            common::bound(
                "diff 300 centres, wall",
                common::secs(ours),
                "≤ 0.4 s",
                ours <= Duration::from_millis(400),
            );
        }
        per_size.push((centres, ours));
    }
    common::flatness("diff", &per_size);
    sections(runs);
}

/// One centre whose text has 50 000 sections on each side, a few of them
/// changed, moved, added and removed, between two revisions.
fn sections(runs: usize) {
    const SECTIONS: usize = 50_000;
    let dir = common::generate(1, &[(2022, 2025)], 5);
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
        let t = std::time::Instant::now();
        let (snapshots, report) = compare(dir.path(), Some("@HEAD"));
        times.push(t.elapsed());
        drop(snapshots); // freed outside the timing, as before
        changed = report
            .centres
            .iter()
            .flat_map(|c| &c.sections)
            .filter(|s| s.status != cpo::diff::Status::Unchanged)
            .count();
    }
    let time = common::median(times);
    common::bound(
        &format!(
            "one centre, {SECTIONS} sections on each side, {changed} changed (load, resolve, compare)"
        ),
        common::secs(time),
        "< 2 s",
        time < Duration::from_secs(2),
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
