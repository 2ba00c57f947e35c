//! The comparison of two periods made of the input: base.toml, base.md
//! and a centre's two files for 2018-2021, then the same for 2022-2025,
//! cut at 0xFF (see `cpo_fuzz::split`); parts the input does not give are
//! the clean fixture's. Every report writer runs on the result.

#![no_main]

use cpo::check::Options;
use cpo::diff::{self, side::Side};
use cpo::pipeline::{Project, TextReader, diff_report};
use cpo_fuzz::{
    CLEAN_BASE, CLEAN_BASE_MD, CLEAN_CENTRE, CLEAN_CENTRE_MD, CLEAN_CONFIG, empty_root, files,
    may_loop_for_long, split,
};
use libfuzzer_sys::fuzz_target;

const LAYOUT: &[(&str, Option<&str>)] = &[
    ("periods/2018-2021/base.toml", Some(CLEAN_BASE)),
    ("periods/2018-2021/base.md", Some(CLEAN_BASE_MD)),
    (
        "periods/2018-2021/centres/beaulieu.toml",
        Some(CLEAN_CENTRE),
    ),
    (
        "periods/2018-2021/centres/beaulieu.md",
        Some(CLEAN_CENTRE_MD),
    ),
    ("periods/2022-2025/base.toml", Some(CLEAN_BASE)),
    ("periods/2022-2025/base.md", Some(CLEAN_BASE_MD)),
    (
        "periods/2022-2025/centres/beaulieu.toml",
        Some(CLEAN_CENTRE),
    ),
    (
        "periods/2022-2025/centres/beaulieu.md",
        Some(CLEAN_CENTRE_MD),
    ),
];

fuzz_target!(|data: &[u8]| {
    let parts = split(data);
    if [1, 5]
        .iter()
        .any(|&i| parts.get(i).is_some_and(|t| may_loop_for_long(t)))
    {
        return;
    }
    let mut buffers = files(&parts, LAYOUT);
    buffers.insert("cpo.toml".into(), CLEAN_CONFIG.into());
    let Ok(project) = Project::with_buffers(empty_root(), buffers) else {
        return;
    };
    let checked = project.check(&Options::default());
    let (Ok(from), Ok(to)) = (
        Side::resolve(&checked, "2018-2021"),
        Side::resolve(&checked, "2022-2025"),
    ) else {
        return;
    };
    let Ok(report) = diff::compare(&from, &to, &diff::Options::default(), &TextReader) else {
        return;
    };
    let _ = diff_report(&project, &report, true);
    let _ = diff::write::terminal(&report, false);
    let _ = diff_report(&project, &report, false);
    let _ = diff::write::json(&report);
});
