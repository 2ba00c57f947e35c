//! Benchmark of `cpo check` on a generated repository of 2,000 centres,
//! through the library's pipeline (`Project::open(..)?.check(..)`).
//! Run with `cargo bench --bench check`. `CPO_BENCH_CENTRES` changes the size.

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
    cpo::synth::generate(
        dir.path(),
        &cpo::synth::Options {
            centres,
            periods: vec![(2022, 2025)],
            seed: 7,
        },
    )
    .expect("generating");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let project = cpo::pipeline::Project::open(dir.path()).expect("loading");
        let checked = project.check(&cpo::check::Options::default());
        times.push(t.elapsed());
        assert_eq!(
            checked.errors(),
            0,
            "the generated repository must be valid"
        );
    }
    println!(
        "check of {centres} centres: median {:?} over {} runs",
        median(times.clone()),
        times.len()
    );
}
