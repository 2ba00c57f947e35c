//! Benchmark of rendering: every convention of a generated 300-centre
//! repository to HTML and PDF, as `cpo render --format html,pdf` does it
//! (all cores). Run with `cargo bench --bench render`. Prints the wall time
//! of the whole period and the time per document on one core.
//! `CPO_BENCH_CENTRES` changes the size.

use std::time::Instant;

use cpo::render::template::BaseTemplate;
use cpo::render::theme::Theme;
use cpo::render::{Formats, PeriodJob, render_all, render_convention};

/// A copy of a job (its fields are references or cheap to clone).
fn job_like<'a>(job: &PeriodJob<'a>) -> PeriodJob<'a> {
    PeriodJob {
        snapshot: job.snapshot,
        theme: job.theme,
        base: job.base,
        base_source: job.base_source,
        territory: job.territory.clone(),
        formats: job.formats,
        date: job.date.clone(),
    }
}

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
    let tree = cpo::repo::WorkTree::new(dir.path());
    let snapshot = cpo::model::Snapshot::load(&tree).expect("loading");
    let period = snapshot.period(None).expect("a period");
    let theme = Theme::load(&snapshot).unwrap_or_else(|_| panic!("templates"));
    let base_source = &snapshot
        .sources
        .get(period.base_text.as_ref().expect("base.md").file)
        .text;
    let base = BaseTemplate::new(base_source).unwrap_or_else(|e| panic!("{e:?}"));
    let t = Instant::now();
    let convs: Vec<_> = period
        .centres
        .iter()
        .filter_map(|c| cpo::merge::convention(&snapshot, period, &c.id, &mut Vec::new()))
        .collect();
    assert_eq!(convs.len(), centres);
    println!("resolved {centres} conventions in {:?}", t.elapsed());
    let job = PeriodJob {
        snapshot: &snapshot,
        theme: &theme,
        base: &base,
        base_source,
        territory: snapshot.config.as_ref().unwrap().data.territory.clone(),
        formats: Formats {
            html: true,
            pdf: true,
            md: false,
        },
        date: "2022-01-01".into(),
    };
    // Warm up fonts and the typst library once, as a real run does.
    render_convention(&job, &convs[0]).expect("render");

    let t = Instant::now();
    let results = render_all(&job, &convs, &|_| {});
    let wall = t.elapsed();
    let bytes: usize = results
        .iter()
        .map(|(_, r)| {
            r.as_ref()
                .expect("rendered")
                .outputs
                .iter()
                .map(|(_, b)| b.len())
                .sum::<usize>()
        })
        .sum();
    println!(
        "rendered {centres} conventions to HTML + PDF in {wall:?} on {} cores ({:.1} MB)",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bytes as f64 / 1e6
    );

    // Conventions not rendered yet in this process (no memoized result to reuse).
    let fresh = tempfile::tempdir().expect("temp dir");
    cpo::synth::generate(
        fresh.path(),
        &cpo::synth::Options {
            centres: 20,
            periods: vec![(2022, 2025)],
            seed: 99,
        },
    )
    .expect("generating");
    let fresh_snapshot =
        cpo::model::Snapshot::load(&cpo::repo::WorkTree::new(fresh.path())).expect("loading");
    let fresh_period = fresh_snapshot.period(None).expect("a period");
    let fresh_convs: Vec<_> = fresh_period
        .centres
        .iter()
        .filter_map(|c| {
            cpo::merge::convention(&fresh_snapshot, fresh_period, &c.id, &mut Vec::new())
        })
        .collect();
    let sample = &fresh_convs[..];
    for (label, html, pdf) in [
        ("HTML + PDF", true, true),
        ("HTML only", true, false),
        ("PDF only", false, true),
    ] {
        let job = PeriodJob {
            formats: Formats {
                html,
                pdf,
                md: false,
            },
            ..PeriodJob { ..job_like(&job) }
        };
        let t = Instant::now();
        for conv in sample {
            render_convention(&job, conv).expect("render");
        }
        println!(
            "one core: {:?} per convention ({label}), over {} conventions",
            t.elapsed() / sample.len() as u32,
            sample.len()
        );
    }
}
