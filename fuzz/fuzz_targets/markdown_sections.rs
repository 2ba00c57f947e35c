//! Markdown cut into sections (with and without front matter), and the
//! same text turned into document blocks and HTML, as render does.

#![no_main]

use std::sync::Arc;

use cpo::diag::{FileId, SourceFile};
use cpo::model::text;
use cpo::render::{html, markdown};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Vec::new();
    let file = Arc::new(SourceFile::new(String::new(), source.to_string()));
    let _ = text::parse(FileId(0), &file, false, &mut diags);
    let parsed = text::parse(FileId(0), &file, true, &mut diags);
    let _ = html::blocks(&markdown::to_blocks(source, 1));
    for section in &parsed.sections {
        let _ = html::blocks(&markdown::to_blocks(&section.body, 2));
    }
});
