//! Rendering every convention of a generated period to HTML and PDF from
//! scratch, as `cpo render --force` does on both cores, at 300, 1 000 and
//! 2 000 centres; and, per document, against typst alone compiling the
//! same template and data: the `typst` command when it is installed
//! (`typst compile --ignore-system-fonts --pdf-standard a-2b`, the fastest
//! way to run it, CPU time of the process), and always in process
//! (`pdf::render_standalone`: a fresh library and font store per
//! document, what `typst compile` does minus starting a process).
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
        // The process's peak so far: generation, check and every render
        // up to this size. Documents are written as they are made, so it
        // does not grow with the number of conventions (it did: 2.3 GB at
        // 300, 12 GB at 2 000, when documents were rayon tasks).
        let peak = common::peak_memory_mb().unwrap_or(0.0);
        common::bound(
            &format!("render {centres}, peak memory of the run so far"),
            format!("{peak:.0} MB"),
            "≤ 1 GB",
            peak <= 1024.0,
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
        "typst in process, fresh world (wall)",
        alone,
        "none (reference)",
        true,
    );
    typst_cli(checked, template, &typo, sample, ours);
}

/// The `typst` command on the same documents: the template and its data in
/// a folder, one process per document, as someone without cpo would run it.
#[cfg(feature = "pdf")]
fn typst_cli(
    checked: &cpo::pipeline::Checked<'_>,
    template: &cpo::render::template::BaseTemplate,
    typo: &cpo::fr::typography::Options,
    sample: usize,
    ours: Duration,
) {
    let version = std::process::Command::new("typst")
        .arg("--version")
        .output();
    let Some(version) = version.ok().filter(|o| o.status.success()) else {
        println!("typst command: not installed (cargo install typst-cli), skipped");
        return;
    };
    let period = checked.period(None).expect("a period");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.typ"), cpo::render::pdf::TEMPLATE).expect("writing");
    let before = common::children_cpu_time().unwrap_or_default();
    let t = Instant::now();
    for conv in period.conventions.iter().take(sample) {
        let doc = cpo::render::convention_document(template, conv, "2022-01-01", false, typo)
            .expect("document");
        std::fs::write(
            dir.path().join("data.json"),
            serde_json::to_vec(&doc).expect("json"),
        )
        .expect("writing");
        std::fs::write(
            dir.path().join("meta.json"),
            serde_json::to_vec(&doc.meta).expect("json"),
        )
        .expect("writing");
        let status = std::process::Command::new("typst")
            .current_dir(dir.path())
            .args([
                "compile",
                "--ignore-system-fonts",
                "--pdf-standard",
                "a-2b",
                "--creation-timestamp",
                "1640995200",
                "main.typ",
                "out.pdf",
            ])
            .status()
            .expect("running typst");
        assert!(status.success(), "typst compile failed");
    }
    let wall = t.elapsed() / sample as u32;
    let cpu = common::children_cpu_time()
        .unwrap_or_default()
        .saturating_sub(before)
        / sample as u32;
    println!(
        "{} per document: {} wall, {} CPU",
        String::from_utf8_lossy(&version.stdout).trim(),
        common::ms(wall),
        common::ms(cpu)
    );
    common::line(
        "PDF per document: cpo batch (CPU)",
        ours,
        "typst compile (CPU)",
        cpu,
        "≤ 0.5x",
        ours.as_secs_f64() <= 0.5 * cpu.as_secs_f64(),
    );
}
