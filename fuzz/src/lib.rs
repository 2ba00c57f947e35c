//! What the fuzz targets share: a fuzz input cut into the files of a small
//! convention repository, held in memory (`cpo::repo::Overlay`, through
//! `Project::with_buffers`) over an empty folder, so that nothing is
//! written and every run starts from the same tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Separates the files of one input: a byte that UTF-8 text never holds.
pub const SEPARATOR: u8 = 0xFF;

/// The input cut at [`SEPARATOR`] into texts (invalid UTF-8 replaced: the
/// in-memory files are text, as an editor's buffers are).
pub fn split(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == SEPARATOR)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect()
}

/// The clean fixture: what an input that gives fewer files leaves as is.
pub const CLEAN_CONFIG: &str = include_str!("../../tests/fixtures/clean/cpo.toml");
pub const CLEAN_BASE: &str = include_str!("../../tests/fixtures/clean/periods/2022-2025/base.toml");
pub const CLEAN_BASE_MD: &str =
    include_str!("../../tests/fixtures/clean/periods/2022-2025/base.md");
pub const CLEAN_CENTRE: &str =
    include_str!("../../tests/fixtures/clean/periods/2022-2025/centres/beaulieu.toml");
pub const CLEAN_CENTRE_MD: &str =
    include_str!("../../tests/fixtures/clean/periods/2022-2025/centres/beaulieu.md");

/// The files of a repository: part `i` of the input at `layout[i].0`, or,
/// past the input's last part, the default text of that path (`None`: the
/// file is absent).
pub fn files(parts: &[String], layout: &[(&str, Option<&str>)]) -> BTreeMap<String, String> {
    layout
        .iter()
        .enumerate()
        .filter_map(|(i, (path, default))| {
            let text = parts.get(i).cloned().or(default.map(str::to_string))?;
            Some((path.to_string(), text))
        })
        .collect()
}

/// An empty folder for the in-memory files to lie over (never written:
/// every fuzzing process may share it).
pub fn empty_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join("cpo-fuzz-empty-root");
        std::fs::create_dir_all(&dir).expect("creating the fuzz root");
        dir
    })
}

/// Whether a base.md would keep a thread busy for seconds: cpo stops a
/// rendering after 5 s but cannot kill its thread (Tera cannot be
/// interrupted), so a fuzzer that keeps finding loops would slow to a
/// crawl on threads it abandoned. Such templates are the bad-input
/// corpus's business (cases tera-endless-loop*); the fuzzer skips them.
pub fn may_loop_for_long(text: &str) -> bool {
    text.contains("range") || text.contains("component") || text.matches("for").count() > 1
}
