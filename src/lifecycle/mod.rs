//! The convention's life after the first check: starting a repository,
//! adding centres, rolling a period over, formatting, exporting open data,
//! sealing what was signed, verifying a document, and amending by avenant.
//!
//! These are the only operations besides `schema --write` that write
//! outside the output folder; every write is atomic, and none overwrites a
//! user's file without being asked to.

pub mod avenant;
pub mod export;
pub mod fmt;
pub mod scaffold;
pub mod verify;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::model::{BaseFile, Snapshot, is_valid_id, parse_period_label};
use crate::repo::{CONFIG_FILE, write_atomic};
use scaffold::Fill;

const CPO_TOML: &str = include_str!("templates/cpo.toml");
const BASE_TOML: &str = include_str!("templates/base.toml");
const BASE_MD: &str = include_str!("templates/base.md");
const GITIGNORE: &str = include_str!("templates/gitignore");
const CHARTER_MD: &str = include_str!("templates/charte-laicite.md");
const GITHUB_CI: &str = include_str!("templates/github.yml");
const GITLAB_CI: &str = include_str!("templates/gitlab-ci.yml");

/// The example centre `cpo init` writes.
pub const EXAMPLE_CENTRE: &str = "exemple";

/// A generated TOML file in `cpo fmt`'s canonical form, so that a new
/// repository or centre passes `cpo fmt --check` from the start.
fn canonical(rel_path: &str, text: String) -> String {
    let Some(name) = fmt::schema_for(rel_path) else {
        return text;
    };
    let schema = crate::schema::all()
        .into_iter()
        .find(|s| s.name == name)
        .and_then(|s| serde_json::from_str(&s.json).ok());
    match schema {
        Some(schema) => fmt::format_toml(&text, &schema).unwrap_or(text),
        None => text,
    }
}

/// Files `cpo init` writes, relative to the new repository's root.
pub fn init_files(label: &str) -> Result<Vec<(PathBuf, String)>> {
    let (start, end) = parse_period_label(label)
        .with_context(|| format!("`{label}` is not a period label (START-END, e.g. 2026-2029)"))?;
    let base_toml = BASE_TOML
        .replace("{START}", &start.to_string())
        .replace("{END}", &end.to_string());
    let base: BaseFile = crate::model::parse_str(&base_toml).context("the built-in base.toml")?;
    let period = PathBuf::from("periods").join(label);
    let name = "Maison de quartier d'exemple";
    let mut files = vec![
        (PathBuf::from(CONFIG_FILE), CPO_TOML.to_string()),
        (PathBuf::from(".gitignore"), GITIGNORE.to_string()),
        (
            PathBuf::from(".github/workflows/cpo.yml"),
            GITHUB_CI.to_string(),
        ),
        (PathBuf::from(".gitlab-ci.yml"), GITLAB_CI.to_string()),
        (period.join("base.toml"), base_toml),
        (period.join("base.md"), BASE_MD.to_string()),
        (
            period.join("annexes").join("charte-laicite.md"),
            CHARTER_MD.to_string(),
        ),
        (
            period
                .join("centres")
                .join(format!("{EXAMPLE_CENTRE}.toml")),
            scaffold::centre_toml(&base, name, Fill::Example),
        ),
        (
            period.join("centres").join(format!("{EXAMPLE_CENTRE}.md")),
            scaffold::centre_md(&base.sections, name, Fill::Example),
        ),
    ];
    for s in crate::schema::all() {
        files.push((
            PathBuf::from(crate::schema::SCHEMAS_DIR).join(s.name),
            s.json,
        ));
    }
    Ok(files
        .into_iter()
        .map(|(path, text)| {
            let rel = path.to_string_lossy().replace('\\', "/");
            (path, canonical(&rel, text))
        })
        .collect())
}

/// `cpo init DIR`: refuse to touch an existing repository.
pub fn init(dir: &Path, label: &str) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).exists() {
        bail!(
            "{} already holds a {CONFIG_FILE}: not overwriting it",
            dir.display()
        );
    }
    let files = init_files(label)?;
    let mut written = Vec::new();
    for (rel, content) in files {
        let path = dir.join(&rel);
        if path.exists() {
            bail!("{} already exists: not overwriting it", path.display());
        }
        write_atomic(&path, content.as_bytes())?;
        written.push(rel);
    }
    Ok(written)
}

/// `cpo new centre ID`: both files from the period's base.
pub fn new_centre(root: &Path, snapshot: &Snapshot, label: &str, id: &str) -> Result<Vec<PathBuf>> {
    if !is_valid_id(id) {
        bail!("`{id}` is not a valid centre id: use lowercase letters, digits and `-`");
    }
    let period = snapshot
        .period(Some(label))
        .with_context(|| format!("no period `{label}`"))?;
    if period.centre(id).is_some() {
        bail!("centre `{id}` already exists in period {label}");
    }
    let base = period
        .base
        .as_ref()
        .with_context(|| format!("period {label} has no valid base.toml: run `cpo check`"))?;
    let name = format!("Centre {id}");
    let dir = root.join(&period.dir).join("centres");
    let toml_rel = format!("{}/centres/{id}.toml", period.dir);
    let files = [
        (
            dir.join(format!("{id}.toml")),
            canonical(
                &toml_rel,
                scaffold::centre_toml(&base.data, &name, Fill::Blank),
            ),
        ),
        (
            dir.join(format!("{id}.md")),
            scaffold::centre_md(&base.data.sections, &name, Fill::Blank),
        ),
    ];
    for (path, _) in &files {
        if path.exists() {
            bail!("{} already exists: not overwriting it", path.display());
        }
    }
    let mut written = Vec::new();
    for (path, content) in files {
        write_atomic(&path, content.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// A period rolled over: the files written, and what was left out of them
/// because it was about the conventions they replace.
#[derive(Debug)]
pub struct Rolled {
    pub written: Vec<PathBuf>,
    pub left_out: scaffold::LeftOut,
}

/// `cpo new period LABEL --from LABEL`: base and centres copied with every
/// year shifted, statuses back to draft, no seals, and none of what was
/// about the old conventions (see [`scaffold::roll_centre`]).
pub fn new_period(root: &Path, snapshot: &Snapshot, label: &str, from: &str) -> Result<Rolled> {
    let to_years = parse_period_label(label)
        .with_context(|| format!("`{label}` is not a period label (START-END, e.g. 2026-2029)"))?;
    let source = snapshot
        .period(Some(from))
        .with_context(|| format!("no period `{from}` to roll over"))?;
    let from_years = source
        .years
        .with_context(|| format!("`{from}` is not a period label"))?;
    let delta = scaffold::period_delta(from_years, to_years)?;
    let target = root.join(crate::repo::layout::PERIODS_DIR).join(label);
    if target.exists() {
        bail!("{} already exists: not overwriting it", target.display());
    }
    // The files as the snapshot read them: only regular files inside the
    // repository (never through a link to elsewhere).
    let src = |rel: &str| -> Result<String> {
        let path = format!("{}/{rel}", source.dir);
        snapshot
            .sources
            .find(&path)
            .map(|f| snapshot.sources.get(f))
            .filter(|f| f.exists)
            .map(|f| f.text.clone())
            .with_context(|| format!("{path} could not be read: run `cpo check`"))
    };
    let mut left_out = scaffold::LeftOut::default();
    let mut files: Vec<(PathBuf, String)> = vec![
        (
            target.join("base.toml"),
            scaffold::roll_base(&src("base.toml")?, delta, &mut left_out)?,
        ),
        (target.join("base.md"), src("base.md")?),
    ];
    for centre in &source.centres {
        let toml_rel = format!("centres/{}.toml", centre.id);
        let md_rel = format!("centres/{}.md", centre.id);
        files.push((
            target.join(&toml_rel),
            scaffold::roll_centre(&src(&toml_rel)?, delta, to_years.0, &mut left_out)
                .with_context(|| format!("rolling over {toml_rel}"))?,
        ));
        files.push((target.join(&md_rel), src(&md_rel)?));
    }
    let mut written = Vec::new();
    for (path, content) in files {
        write_atomic(&path, content.as_bytes())?;
        written.push(path);
    }
    // The annexes the period names, as read (Markdown text or PDF bytes).
    for (name, annex) in &source.annexes {
        let Some(rel) = crate::repo::layout::join_relative("", name) else {
            continue;
        };
        let bytes: Vec<u8> = match annex {
            crate::model::AnnexFile::Markdown(doc) => {
                snapshot.sources.get(doc.file).text.clone().into_bytes()
            }
            crate::model::AnnexFile::Pdf(bytes) => bytes.as_ref().clone(),
            crate::model::AnnexFile::Unusable(_) => continue,
        };
        let path = target.join(rel);
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(Rolled { written, left_out })
}
