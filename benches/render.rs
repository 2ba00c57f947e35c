//! Rendering every convention of a generated period to HTML and PDF from
//! scratch, as `cpo render --force` does on both cores, at 300, 1 000 and
//! 2 000 centres; and, per document, against typst alone compiling the
//! same template and data (`pdf::render_standalone`: a fresh library and
//! font store per document, as `typst compile` has).
//!
//! `cargo bench --bench render`; `CPO_BENCH_CENTRES=300` and
//! `CPO_BENCH_RUNS=N` (runs of the typst-alone sample) change the work.

mod common;

use std::time::{Duration, Instant};

fn main() {
    let pdf = cfg!(feature = "pdf");
    let mut per_size = Vec::new();
    for centres in common::sizes(&[300, 1000, 2000]) {
        let dir = common::generate(centres, &[(2022, 2025)], 11);
        let project = cpo::pipeline::Project::open(dir.path()).expect("loading");
        let checked = project.check(&cpo::check::Options::default());
        assert_eq!(checked.errors(), 0);
        let out = tempfile::tempdir().expect("temp dir");
        let cpu = common::cpu_time();
        let t = Instant::now();
        let outcome = cpo::render::render_period(
            &checked,
            &cpo::render::Options {
                period: None,
                centres: Vec::new(),
                formats: cpo::render::Formats {
                    html: true,
                    pdf,
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
        let wall = t.elapsed();
        let cpu = common::cpu_time()
            .zip(cpu)
            .map(|(b, a)| b.saturating_sub(a))
            .unwrap_or_default();
        assert_eq!(outcome.rendered.len(), centres);
        let per_doc = cpu / centres as u32;
        common::bound(
            &format!("render {centres} conventions (HTML + PDF), wall"),
            common::secs(wall),
            if centres == 300 { "≤ 8 s" } else { "none" },
            centres != 300 || wall <= Duration::from_secs(8),
        );
        common::bound(
            &format!("render {centres}, CPU per convention"),
            common::ms(per_doc),
            "≤ 45 ms",
            per_doc <= Duration::from_millis(45),
        );
        per_size.push((centres, wall));
        #[cfg(feature = "pdf")]
        if centres == per_size[0].0 {
            standalone(&checked, per_doc);
        }
    }
    common::flatness("render", &per_size);
}

/// typst alone on a sample of the same documents, one core, against cpo's
/// CPU time per convention.
#[cfg(feature = "pdf")]
fn standalone(checked: &cpo::pipeline::Checked<'_>, ours: Duration) {
    let period = checked.period(None).expect("a period");
    let template = checked.template(&period.label).expect("base.md compiles");
    let typo = cpo::render::typography_options(checked);
    let sample = common::runs(10).min(period.conventions.len());
    let mut times = Vec::new();
    for conv in period.conventions.iter().take(sample) {
        let doc = cpo::render::convention_document(template, conv, "2022-01-01", false, &typo)
            .expect("document");
        let t = Instant::now();
        let bytes = cpo::render::pdf::render_standalone(&doc, cpo::render::pdf::TEMPLATE)
            .expect("typst alone");
        times.push(t.elapsed());
        assert!(bytes.starts_with(b"%PDF"));
    }
    let alone = common::median(times);
    common::line(
        "PDF per document: cpo batch (CPU)",
        ours,
        "typst alone (fresh world)",
        alone,
        "≤ 0.5x",
        ours.as_secs_f64() <= 0.5 * alone.as_secs_f64(),
    );
}
