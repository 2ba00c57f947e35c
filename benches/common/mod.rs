//! What the benchmarks share: sizes, generated repositories, timing with
//! medians, CPU time, peak memory, and one line per result with its
//! baseline, ratio and target.
//!
//! Every benchmark runs its baseline in the same run, on the same files,
//! and prints the ratio: the figures of a shared, noisy machine are only
//! meaningful side by side.

#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `cpo` binary (see `src/main.rs`), so that the
/// benchmarks measure what users run; baselines in the same process get
/// it too.
#[global_allocator]
static GLOBAL: cpo::budget::Budgeted<mimalloc::MiMalloc> =
    cpo::budget::Budgeted(mimalloc::MiMalloc);

/// The sizes to measure: `CPO_BENCH_CENTRES=300,1000` or the defaults.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    std::env::var("CPO_BENCH_CENTRES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// How many runs to take the median of: `CPO_BENCH_RUNS` or `default`.
pub fn runs(default: usize) -> usize {
    std::env::var("CPO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .max(1)
}

/// A generated repository of `centres` centres over `periods`.
pub fn generate(centres: usize, periods: &[(i32, i32)], seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    cpo::synth::generate(
        dir.path(),
        &cpo::synth::Options {
            centres,
            periods: periods.to_vec(),
            seed,
        },
    )
    .expect("generating");
    dir
}

/// The median of a list of durations.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Time `ours` and `baseline` alternately, `n` times each (so that the
/// machine's moods fall on both), and return both medians.
pub fn ab(n: usize, mut ours: impl FnMut(), mut baseline: impl FnMut()) -> (Duration, Duration) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    // One warm-up each: the file cache and the allocator, for both.
    ours();
    baseline();
    for _ in 0..n {
        let t = Instant::now();
        ours();
        a.push(t.elapsed());
        let t = Instant::now();
        baseline();
        b.push(t.elapsed());
    }
    (median(a), median(b))
}

/// CPU time of this process so far (user + system, all threads), from
/// `/proc/self/stat`; `None` elsewhere than Linux.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux the kernel's ABI describes.
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time of the children this process waited for (user + system), from
/// `/proc/self/stat`.
pub fn children_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Peak resident memory of this process so far, in MB (`VmHWM`).
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Run this benchmark binary again as a child with `CPO_BENCH_CHILD=task`
/// and `arg`, and return what it printed: how the benchmarks measure the
/// peak memory of one task alone.
pub fn child(task: &str, arg: &Path) -> String {
    let exe = std::env::current_exe().expect("the benchmark's path");
    let out = std::process::Command::new(exe)
        .env("CPO_BENCH_CHILD", task)
        .env("CPO_BENCH_ARG", arg)
        .output()
        .expect("running the child");
    assert!(
        out.status.success(),
        "child {task} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The task this process was started for by [`child`], with its argument.
pub fn child_task() -> Option<(String, std::path::PathBuf)> {
    let task = std::env::var("CPO_BENCH_CHILD").ok()?;
    let arg = std::env::var_os("CPO_BENCH_ARG")?;
    Some((task, arg.into()))
}

pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// One line of result: the figure, its baseline and the ratio, and the
/// target with whether it is met.
pub fn line(
    what: &str,
    ours: Duration,
    baseline_name: &str,
    baseline: Duration,
    target: &str,
    met: bool,
) {
    println!(
        "{what}: {} | {baseline_name}: {} | ratio {:.2}x | target {target}: {}",
        secs(ours),
        secs(baseline),
        ours.as_secs_f64() / baseline.as_secs_f64().max(1e-9),
        if met { "met" } else { "MISSED" }
    );
}

/// A figure with a target and no baseline (an absolute bound).
pub fn bound(what: &str, value: String, target: &str, met: bool) {
    println!(
        "{what}: {value} | target {target}: {}",
        if met { "met" } else { "MISSED" }
    );
}

/// Per-centre costs at each size, and whether they stay within 20 % of
/// the smallest size's.
pub fn flatness(what: &str, per_size: &[(usize, Duration)]) {
    let Some(&(first_n, first)) = per_size.first() else {
        return;
    };
    let unit = first.as_secs_f64() / first_n as f64;
    let mut parts = Vec::new();
    let mut flat = true;
    for (n, d) in per_size {
        let per = d.as_secs_f64() / *n as f64;
        flat &= per <= unit * 1.2;
        parts.push(format!("{n}: {:.3} ms", per * 1000.0));
    }
    bound(
        &format!("{what} per centre"),
        parts.join(", "),
        "within 20 % of the smallest size",
        flat,
    );
}
