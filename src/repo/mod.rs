//! Where a convention repository's files come from: the work tree, or a git
//! revision read in place.
//!
//! Everything above this module reads files through [`Tree`], so `check`,
//! `merge` and `diff` work the same on `periods/2022-2025` as on
//! `2022-2025@v2022-signed`. Git revisions are read from the object database
//! with git2: nothing is checked out, the index, HEAD and the work tree are
//! never touched.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The file name that marks the root of a convention repository.
pub const CONFIG_FILE: &str = "cpo.toml";

/// An entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
}

/// Read access to the files of a convention repository. Paths are relative
/// to the repository root (the folder holding `cpo.toml`), with `/`.
pub trait Tree {
    /// The content of a file, or `None` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// The entries of a directory, sorted by name; empty when it does not exist.
    fn list(&self, dir: &str) -> Result<Vec<DirEntry>>;
    /// What this tree is, for messages ("the work tree", "revision v2022").
    fn describe(&self) -> String;
}

/// The files on disk under a repository root.
#[derive(Debug, Clone)]
pub struct WorkTree {
    pub root: PathBuf,
}

impl WorkTree {
    pub fn new(root: impl Into<PathBuf>) -> WorkTree {
        WorkTree { root: root.into() }
    }

    fn path(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }
}

impl Tree for WorkTree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let full = self.path(path);
        match std::fs::read(&full) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", full.display())),
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>> {
        let full = self.path(dir);
        let entries = match std::fs::read_dir(&full) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("listing {}", full.display())),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", full.display()))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue; // not UTF-8: cannot be a period, a centre or a base file
            };
            let is_dir = entry
                .file_type()
                .with_context(|| format!("reading {}", entry.path().display()))?
                .is_dir();
            out.push(DirEntry { name, is_dir });
        }
        out.sort();
        Ok(out)
    }

    fn describe(&self) -> String {
        "the work tree".to_string()
    }
}

/// The files of a repository at a git revision.
pub struct GitTree {
    repo: git2::Repository,
    tree: git2::Oid,
    /// The convention repository's root inside the git repository
    /// (empty when they are the same folder).
    prefix: String,
    rev: String,
}

impl GitTree {
    /// Open the git repository that contains `root` and resolve `rev` (a tag,
    /// branch, commit or any revision expression git understands).
    pub fn open(root: &Path, rev: &str) -> Result<GitTree> {
        let repo = git2::Repository::discover(root)
            .with_context(|| format!("{} is not inside a git repository", root.display()))?;
        let Some(workdir) = repo.workdir() else {
            bail!("the git repository of {} has no work tree", root.display());
        };
        let workdir = workdir
            .canonicalize()
            .with_context(|| format!("resolving {}", workdir.display()))?;
        let root = root
            .canonicalize()
            .with_context(|| format!("resolving {}", root.display()))?;
        let prefix = root
            .strip_prefix(&workdir)
            .with_context(|| format!("{} is outside its git work tree", root.display()))?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let tree = repo
            .revparse_single(rev)
            .with_context(|| format!("unknown git revision `{rev}`"))?
            .peel_to_tree()
            .with_context(|| format!("git revision `{rev}` is not a commit or a tree"))?
            .id();
        Ok(GitTree {
            repo,
            tree,
            prefix,
            rev: rev.to_string(),
        })
    }

    /// The date of the commit at this revision, if it is a commit.
    pub fn commit_time(&self) -> Option<i64> {
        let commit = self
            .repo
            .revparse_single(&self.rev)
            .ok()?
            .peel_to_commit()
            .ok()?;
        Some(commit.time().seconds())
    }

    fn full(&self, rel: &str) -> String {
        match (self.prefix.is_empty(), rel.is_empty()) {
            (true, _) => rel.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}/{rel}", self.prefix),
        }
    }

    fn object(&self, rel: &str) -> Result<Option<git2::Object<'_>>> {
        let tree = self.repo.find_tree(self.tree)?;
        let full = self.full(rel);
        if full.is_empty() {
            return Ok(Some(tree.into_object()));
        }
        match tree.get_path(Path::new(&full)) {
            Ok(entry) => Ok(Some(entry.to_object(&self.repo)?)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {full} at {}", self.rev)),
        }
    }
}

impl Tree for GitTree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        match self.object(path)? {
            Some(obj) => match obj.as_blob() {
                Some(blob) => Ok(Some(blob.content().to_vec())),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>> {
        let Some(obj) = self.object(dir)? else {
            return Ok(Vec::new());
        };
        let Some(tree) = obj.as_tree() else {
            return Ok(Vec::new());
        };
        let mut out: Vec<DirEntry> = tree
            .iter()
            .filter_map(|e| {
                Some(DirEntry {
                    name: e.name().ok()?.to_string(),
                    is_dir: e.kind() == Some(git2::ObjectType::Tree),
                })
            })
            .collect();
        out.sort();
        Ok(out)
    }

    fn describe(&self) -> String {
        format!("revision {}", self.rev)
    }
}

/// The repository root: `dir` when given (it must hold `cpo.toml`), else the
/// nearest folder upward from the current one that holds `cpo.toml`.
pub fn find_root(dir: Option<&Path>) -> Result<PathBuf> {
    match dir {
        Some(dir) => {
            if dir.join(CONFIG_FILE).is_file() {
                Ok(dir.to_path_buf())
            } else if !dir.is_dir() {
                bail!("{} is not a folder", dir.display())
            } else {
                bail!(
                    "{} has no {CONFIG_FILE}: it is not a convention repository (run `cpo init` to make one)",
                    dir.display()
                )
            }
        }
        None => {
            let cwd = std::env::current_dir().context("reading the current folder")?;
            cwd.ancestors()
                .find(|d| d.join(CONFIG_FILE).is_file())
                .map(Path::to_path_buf)
                .with_context(|| {
                    format!(
                        "no {CONFIG_FILE} in {} or any parent folder: pass -C DIR or run `cpo init`",
                        cwd.display()
                    )
                })
        }
    }
}

/// Write a file atomically: a temporary file in the same folder, then a
/// rename, so a reader never sees half a file and a failure leaves none.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.cpo-tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::Error::new(e).context(format!("writing {}", path.display()))
    })
}
