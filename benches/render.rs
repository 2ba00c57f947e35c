//! Benchmark of rendering every convention of a generated 300-centre
//! repository to HTML and PDF, as `cpo render` does (all cores).
//! Run with `cargo bench --bench render`. `CPO_BENCH_CENTRES` changes the size.

use std::time::Instant;

fn main() {
    let centres: usize = std::env::var("CPO_BENCH_CENTRES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().expect("temp dir");
    cpo::synth::generate(
        dir.path(),
        &cpo::synth::Options {
            centres,
            periods: vec![(2022, 2025)],
            seed: 11,
        },
    )
    .expect("generating");
    let project = cpo::pipeline::Project::open(dir.path()).expect("loading");
    let checked = project.check(&cpo::check::Options::default());
    let out = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let outcome = cpo::render::render_period(
        &checked,
        &cpo::render::Options {
            period: None,
            centres: Vec::new(),
            formats: cpo::render::Formats {
                html: true,
                pdf: cfg!(feature = "pdf"),
                md: false,
            },
            out: out.path().to_path_buf(),
            force: true,
            allow_errors: false,
            date: "2022-01-01".into(),
            reports: Vec::new(),
        },
    )
    .expect("rendering");
    println!(
        "rendered {} conventions in {:?}",
        outcome.rendered.len(),
        t.elapsed()
    );
}
