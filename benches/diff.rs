//! Benchmark of `cpo diff` between two generated periods of 300 centres
//! (renamed, added and removed centres, changed amounts and texts). Run
//! with `cargo bench --bench diff`. Prints the median time of loading both
//! periods, resolving them and comparing. `CPO_BENCH_CENTRES` changes the size.

use std::time::{Duration, Instant};

use cpo::diff::side::{Snapshots, resolve_pair};

fn main() {
    let centres: usize = std::env::var("CPO_BENCH_CENTRES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().expect("temp dir");
    let counts = cpo::synth::generate(
        dir.path(),
        &cpo::synth::Options {
            centres,
            periods: vec![(2018, 2021), (2022, 2025)],
            seed: 5,
        },
    )
    .expect("generating");
    println!("generated two periods of {counts:?} centres");
    let mut times: Vec<Duration> = Vec::new();
    let mut changed = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let mut snapshots = Snapshots::new(dir.path());
        let (from, to) = resolve_pair(&mut snapshots, None, None, None).expect("resolving");
        let report = cpo::diff::compare(&from, &to);
        let html = cpo::diff::write::html(&report);
        times.push(t.elapsed());
        changed = report.summary.centres.changed.len();
        assert!(html.len() > 1000);
    }
    times.sort();
    println!(
        "diff of two periods of {centres} centres (load, resolve, compare, HTML report): median {:?} over {} runs; {changed} centres changed",
        times[times.len() / 2],
        times.len()
    );
}
