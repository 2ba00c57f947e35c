//! The YAML front matter of a centre's Markdown: the input is the YAML
//! between the two `---` lines.

#![no_main]

use std::sync::Arc;

use cpo::diag::{FileId, SourceFile};
use cpo::model::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let source = format!("---\n{yaml}\n---\n## Diagnostic {{#diagnostic}}\n\nTexte.\n");
    let mut diags = Vec::new();
    let file = Arc::new(SourceFile::new(String::new(), source));
    let _ = text::parse(FileId(0), &file, true, &mut diags);
});
