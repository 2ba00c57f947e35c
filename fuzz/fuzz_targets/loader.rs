//! The whole pipeline on a small repository made of the input: load,
//! check, then render every convention to HTML and Markdown in memory.
//!
//! The input is the files of the clean fixture's layout, cut at 0xFF (see
//! `cpo_fuzz::split`): cpo.toml, base.toml, base.md, a centre's .toml and
//! .md, templates/style.css, seals.toml and a Markdown annex. Files past
//! the input's last part are the clean fixture's (or absent).

#![no_main]

use cpo::check::Options;
use cpo::pipeline::Project;
use cpo::render::{self, FileFormat};
use cpo_fuzz::{
    CLEAN_BASE, CLEAN_BASE_MD, CLEAN_CENTRE, CLEAN_CENTRE_MD, CLEAN_CONFIG, empty_root, files,
    may_loop_for_long, split,
};
use libfuzzer_sys::fuzz_target;

const LAYOUT: &[(&str, Option<&str>)] = &[
    ("cpo.toml", Some(CLEAN_CONFIG)),
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
    ("templates/style.css", None),
    ("periods/2022-2025/seals.toml", None),
    ("periods/2022-2025/annexes/annexe.md", None),
];

fuzz_target!(|data: &[u8]| {
    let parts = split(data);
    if parts.get(2).is_some_and(|t| may_loop_for_long(t)) {
        return;
    }
    let Ok(project) = Project::with_buffers(empty_root(), files(&parts, LAYOUT)) else {
        return;
    };
    let checked = project.check(&Options::default());
    let _ = checked.report();
    let typo = render::typography_options(&checked);
    for period in &checked.outcome.periods {
        let Some(template) = checked.template(&period.label) else {
            continue;
        };
        for conv in &period.conventions {
            let Ok(doc) = render::convention_document(template, conv, "2022-01-10", true, &typo)
            else {
                continue;
            };
            let _ = render::document_bytes(&checked, &doc, FileFormat::Html);
            let _ = render::document_bytes(&checked, &doc, FileFormat::Md);
        }
    }
});
