//! Where a convention repository's files come from: the work tree, a git
//! revision read in place, or an overlay of unsaved buffers over either
//! (the editor's view, for `cpo lsp`).
//!
//! Everything above this module reads files through [`Tree`], so `check`,
//! `merge` and `diff` work the same on `periods/2022-2025` as on
//! `2022-2025@v2022-signed`. Git revisions are read from the object database
//! with git2: nothing is checked out, the index, HEAD and the work tree are
//! never touched.
//!
//! Only regular files inside the repository are ever read. A symbolic link
//! whose target leaves the repository, a FIFO, a device or a folder where a
//! file belongs is [`Read::Refused`], never opened, and a file is read up to
//! a size limit: a hostile checkout (a pull request can carry a symlink to
//! `/etc/passwd`) cannot make cpo hang, nor print or publish a file of the
//! machine that runs it.

pub mod layout;
mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use layout::{CONFIG_FILE, FileKind};
pub use write::{remove_stale_temporaries, write_atomic};

/// The largest text file (TOML, Markdown, template) cpo reads: 2 MiB, two
/// hundred times a real centre's files.
pub const MAX_TEXT_BYTES: u64 = 2 * 1024 * 1024;

/// The largest annex cpo reads (a scanned PDF): 64 MiB.
pub const MAX_ANNEX_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of entry a directory listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    File,
    Dir,
    /// Anything cpo does not read: a FIFO, a device, a socket, a symbolic
    /// link that leaves the repository or leads nowhere.
    Other,
}

/// An entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    pub name: String,
    pub kind: EntryKind,
}

impl DirEntry {
    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Dir
    }
}

/// Why a path was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A symbolic link whose target is outside the repository.
    LinkOutside,
    /// A symbolic link that leads nowhere, or in a loop.
    BrokenLink,
    /// Not a regular file (a FIFO, a device, a socket, a folder).
    NotAFile(&'static str),
    /// Larger than the limit for its kind.
    TooLarge { size: u64, limit: u64 },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::LinkOutside => {
                f.write_str("is a symbolic link to a file outside the repository: it was not read")
            }
            Refusal::BrokenLink => f.write_str("is a symbolic link that leads to no file"),
            Refusal::NotAFile(what) => write!(f, "is {what}, not a regular file: it was not read"),
            Refusal::TooLarge { size, limit } => write!(
                f,
                "is {} KiB, beyond the {} KiB cpo reads",
                size.div_ceil(1024),
                limit / 1024
            ),
        }
    }
}

/// The outcome of reading a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    Missing,
    File(Vec<u8>),
    Refused(Refusal),
}

impl Read {
    pub fn exists(&self) -> bool {
        !matches!(self, Read::Missing)
    }
}

/// What a snapshot was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    WorkTree,
    Revision(String),
    /// The editor's unsaved buffers over another tree.
    Buffers(Box<Origin>),
}

impl Origin {
    /// In French, for reports: « copie de travail », « révision v2022 ».
    pub fn french(&self) -> String {
        match self {
            Origin::WorkTree => "copie de travail".to_string(),
            Origin::Revision(rev) => format!("révision {rev}"),
            Origin::Buffers(inner) => format!("{} et fichiers non enregistrés", inner.french()),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::WorkTree => f.write_str("the work tree"),
            Origin::Revision(rev) => write!(f, "revision {rev}"),
            Origin::Buffers(inner) => write!(f, "{inner} with unsaved buffers"),
        }
    }
}

/// Read access to the files of a convention repository. Paths are relative
/// to the repository root (the folder holding `cpo.toml`), with `/`. A tree
/// can be shared between threads (the pipeline checks centres in parallel).
pub trait Tree: Send + Sync {
    /// A file's content, read only when it is a regular file inside the
    /// repository and at most `limit` bytes long.
    fn read_limited(&self, path: &str, limit: u64) -> Result<Read>;
    /// The entries of a directory, sorted by name; empty when it does not exist.
    fn list(&self, dir: &str) -> Result<Vec<DirEntry>>;
    /// What this tree is, for messages.
    fn origin(&self) -> Origin;

    /// A text file's content ([`MAX_TEXT_BYTES`] at most).
    fn read(&self, path: &str) -> Result<Read> {
        self.read_limited(path, MAX_TEXT_BYTES)
    }
}

/// The files on disk under a repository root.
#[derive(Debug, Clone)]
pub struct WorkTree {
    pub root: PathBuf,
    /// The root with symbolic links resolved, to tell what is inside.
    canonical: Option<PathBuf>,
    /// Folders already resolved, with where they really lead: resolving
    /// every component of every file's path again was 6 system calls per
    /// file (24 000 for 2 000 centres) for the same few folders.
    folders: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<PathBuf, Option<PathBuf>>>>,
}

impl WorkTree {
    pub fn new(root: impl Into<PathBuf>) -> WorkTree {
        let root = root.into();
        let canonical = root.canonicalize().ok();
        WorkTree {
            root,
            canonical,
            folders: Default::default(),
        }
    }

    /// Where a folder really leads (`None`: nowhere), resolved once.
    fn real_folder(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.folders.lock().ok().and_then(|f| f.get(dir).cloned()) {
            return known;
        }
        let real = dir.canonicalize().ok();
        if let Ok(mut folders) = self.folders.lock() {
            folders.insert(dir.to_path_buf(), real.clone());
        }
        real
    }

    /// Where a file that is not itself a link really is: its folder
    /// resolved (once per folder), then its name.
    fn real_file(&self, full: &Path) -> std::result::Result<PathBuf, Refusal> {
        let (Some(dir), Some(name)) = (full.parent(), full.file_name()) else {
            return self.inside(full);
        };
        let real = self.real_folder(dir).ok_or(Refusal::BrokenLink)?.join(name);
        self.within(real)
    }

    /// `real` (a resolved path) when it is inside the repository.
    fn within(&self, real: PathBuf) -> std::result::Result<PathBuf, Refusal> {
        match &self.canonical {
            Some(root) if real.starts_with(root) => Ok(real),
            _ => Err(Refusal::LinkOutside),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// Where a path really leads, when it stays inside the repository.
    fn inside(&self, full: &Path) -> std::result::Result<PathBuf, Refusal> {
        self.within(full.canonicalize().map_err(|_| Refusal::BrokenLink)?)
    }
}

/// What a file type is, in words.
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Open a file for reading without ever blocking on it (a FIFO opened for
/// reading waits for a writer).
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

impl Tree for WorkTree {
    fn read_limited(&self, path: &str, limit: u64) -> Result<Read> {
        let full = self.path(path);
        let meta = match std::fs::symlink_metadata(&full) {
            Ok(m) => m,
            // A path no file can have (a name too long, a file where a
            // folder should be on the way: `beaulieu.toml/x.md`) names no
            // file either; the path comes from the repository's own text.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound
                        | std::io::ErrorKind::NotADirectory
                        | std::io::ErrorKind::InvalidFilename
                ) =>
            {
                return Ok(Read::Missing);
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", full.display())),
        };
        // Follow links (of the file or of a folder on its way) only inside
        // the repository.
        let real = if meta.file_type().is_symlink() {
            self.inside(&full)
        } else {
            self.real_file(&full)
        };
        let real = match real {
            Ok(real) => real,
            Err(refusal) => return Ok(Read::Refused(refusal)),
        };
        let meta = if meta.file_type().is_symlink() || real != full {
            std::fs::metadata(&real).with_context(|| format!("reading {}", full.display()))?
        } else {
            meta
        };
        if !meta.file_type().is_file() {
            return Ok(Read::Refused(Refusal::NotAFile(kind_of(&meta.file_type()))));
        }
        if meta.len() > limit {
            return Ok(Read::Refused(Refusal::TooLarge {
                size: meta.len(),
                limit,
            }));
        }
        let file =
            open_nonblocking(&real).with_context(|| format!("reading {}", full.display()))?;
        // The file may have been swapped since it was looked at: look again
        // at what was opened.
        let opened = file
            .metadata()
            .with_context(|| format!("reading {}", full.display()))?;
        if !opened.file_type().is_file() {
            return Ok(Read::Refused(Refusal::NotAFile(kind_of(
                &opened.file_type(),
            ))));
        }
        let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", full.display()))?;
        if bytes.len() as u64 > limit {
            return Ok(Read::Refused(Refusal::TooLarge {
                size: bytes.len() as u64,
                limit,
            }));
        }
        Ok(Read::File(bytes))
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>> {
        let full = self.path(dir);
        if !dir.is_empty() && self.inside(&full).is_err() {
            return Ok(Vec::new()); // a folder that leaves the repository is not listed
        }
        let entries = match std::fs::read_dir(&full) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("listing {}", full.display())),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", full.display()))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue; // not UTF-8: cannot be a period, a centre or a base file
            };
            let ft = entry
                .file_type()
                .with_context(|| format!("reading {}", entry.path().display()))?;
            let kind = if ft.is_symlink() {
                match self
                    .inside(&entry.path())
                    .and_then(|real| std::fs::metadata(real).map_err(|_| Refusal::BrokenLink))
                {
                    Ok(m) if m.is_dir() => EntryKind::Dir,
                    Ok(m) if m.is_file() => EntryKind::File,
                    _ => EntryKind::Other,
                }
            } else if ft.is_dir() {
                EntryKind::Dir
            } else if ft.is_file() {
                EntryKind::File
            } else {
                EntryKind::Other
            };
            out.push(DirEntry { name, kind });
        }
        out.sort();
        Ok(out)
    }

    fn origin(&self) -> Origin {
        Origin::WorkTree
    }
}

/// The files of a repository at a git revision.
pub struct GitTree {
    /// Behind a lock so that a tree can be shared between threads (git2's
    /// repository handle is not `Sync`); reads are short.
    repo: std::sync::Mutex<git2::Repository>,
    tree: git2::Oid,
    /// The commit of the revision, when it names one.
    commit: Option<git2::Oid>,
    /// The convention repository's root inside the git repository
    /// (empty when they are the same folder).
    prefix: String,
    rev: String,
}

/// How many symbolic links in a row a git tree follows.
const MAX_LINKS: usize = 8;

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
        let (commit, tree) = {
            let object = repo
                .revparse_single(rev)
                .with_context(|| format!("unknown git revision `{rev}`"))?;
            let commit = object.peel_to_commit().ok().map(|c| c.id());
            let tree = object
                .peel_to_tree()
                .with_context(|| format!("git revision `{rev}` is not a commit or a tree"))?
                .id();
            (commit, tree)
        };
        Ok(GitTree {
            repo: std::sync::Mutex::new(repo),
            tree,
            commit,
            prefix,
            rev: rev.to_string(),
        })
    }

    /// The commit this revision names, as 40 hex digits.
    pub fn commit_id(&self) -> Option<String> {
        self.commit.map(|c| c.to_string())
    }

    fn full(&self, rel: &str) -> String {
        match (self.prefix.is_empty(), rel.is_empty()) {
            (true, _) => rel.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}/{rel}", self.prefix),
        }
    }

    /// What is at `rel`: a blob's bytes and mode, or a tree's entries.
    fn entry(&self, rel: &str) -> Result<Option<GitEntry>> {
        let repo = self
            .repo
            .lock()
            .map_err(|_| anyhow::anyhow!("the git repository lock is poisoned"))?;
        let tree = repo.find_tree(self.tree)?;
        let full = self.full(rel);
        let (object, mode) = if full.is_empty() {
            (tree.into_object(), 0o040000)
        } else {
            match tree.get_path(Path::new(&full)) {
                Ok(entry) => {
                    let mode = entry.filemode();
                    (entry.to_object(&repo)?, mode)
                }
                Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
                Err(e) => return Err(e).with_context(|| format!("reading {full} at {}", self.rev)),
            }
        };
        if let Some(blob) = object.as_blob() {
            return Ok(Some(GitEntry::Blob {
                mode,
                size: blob.size() as u64,
                // A link's content is its target; files are read in full
                // only by `read_limited`, after the size check.
                content: blob.content().to_vec(),
            }));
        }
        if let Some(t) = object.as_tree() {
            let entries = t
                .iter()
                .filter_map(|e| {
                    let kind = match (e.kind(), e.filemode()) {
                        (Some(git2::ObjectType::Tree), _) => EntryKind::Dir,
                        (Some(git2::ObjectType::Blob), 0o120000) => EntryKind::Other,
                        (Some(git2::ObjectType::Blob), _) => EntryKind::File,
                        _ => EntryKind::Other,
                    };
                    Some(DirEntry {
                        name: e.name().ok()?.to_string(),
                        kind,
                    })
                })
                .collect();
            return Ok(Some(GitEntry::Tree(entries)));
        }
        Ok(Some(GitEntry::Other))
    }

    /// Follow a symbolic link blob at `rel` (its content is the target,
    /// relative to its folder) when it stays inside the repository.
    fn follow(&self, rel: &str, target: &[u8]) -> std::result::Result<String, Refusal> {
        let target = std::str::from_utf8(target).map_err(|_| Refusal::BrokenLink)?;
        if target.starts_with('/') {
            return Err(Refusal::LinkOutside);
        }
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        layout::join_relative(dir, target).ok_or(Refusal::LinkOutside)
    }
}

/// An entry of a git tree, read out of the repository.
enum GitEntry {
    Blob {
        mode: i32,
        size: u64,
        content: Vec<u8>,
    },
    Tree(Vec<DirEntry>),
    Other,
}

impl Tree for GitTree {
    fn read_limited(&self, path: &str, limit: u64) -> Result<Read> {
        let mut path = path.to_string();
        for _ in 0..MAX_LINKS {
            let Some(entry) = self.entry(&path)? else {
                return Ok(Read::Missing);
            };
            let (mode, size, content) = match entry {
                GitEntry::Blob {
                    mode,
                    size,
                    content,
                } => (mode, size, content),
                GitEntry::Tree(_) => return Ok(Read::Refused(Refusal::NotAFile("a folder"))),
                GitEntry::Other => return Ok(Read::Refused(Refusal::NotAFile("a git submodule"))),
            };
            if mode == 0o120000 {
                match self.follow(&path, &content) {
                    Ok(next) => {
                        path = next;
                        continue;
                    }
                    Err(refusal) => return Ok(Read::Refused(refusal)),
                }
            }
            if size > limit {
                return Ok(Read::Refused(Refusal::TooLarge { size, limit }));
            }
            return Ok(Read::File(content));
        }
        Ok(Read::Refused(Refusal::BrokenLink))
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>> {
        match self.entry(dir)? {
            Some(GitEntry::Tree(mut entries)) => {
                entries.sort();
                Ok(entries)
            }
            _ => Ok(Vec::new()),
        }
    }

    fn origin(&self) -> Origin {
        Origin::Revision(self.rev.clone())
    }
}

/// Files held in memory (an editor's unsaved buffers) over another tree.
pub struct Overlay {
    base: Box<dyn Tree>,
    files: BTreeMap<String, String>,
}

impl Overlay {
    /// `files` maps repository-relative paths to their current text.
    pub fn new(base: Box<dyn Tree>, files: BTreeMap<String, String>) -> Overlay {
        Overlay { base, files }
    }
}

impl Tree for Overlay {
    fn read_limited(&self, path: &str, limit: u64) -> Result<Read> {
        match self.files.get(path) {
            Some(text) if text.len() as u64 > limit => Ok(Read::Refused(Refusal::TooLarge {
                size: text.len() as u64,
                limit,
            })),
            Some(text) => Ok(Read::File(text.clone().into_bytes())),
            None => self.base.read_limited(path, limit),
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>> {
        let mut entries = self.base.list(dir)?;
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for path in self.files.keys() {
            let Some(rest) = path.strip_prefix(&prefix) else {
                continue;
            };
            let (name, kind) = match rest.split_once('/') {
                Some((d, _)) => (d, EntryKind::Dir),
                None => (rest, EntryKind::File),
            };
            if !entries.iter().any(|e| e.name == name) {
                entries.push(DirEntry {
                    name: name.to_string(),
                    kind,
                });
            }
        }
        entries.sort();
        Ok(entries)
    }

    fn origin(&self) -> Origin {
        Origin::Buffers(Box::new(self.base.origin()))
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
            find_root_from(&cwd).with_context(|| {
                format!(
                    "no {CONFIG_FILE} in {} or any parent folder: pass -C DIR or run `cpo init`",
                    cwd.display()
                )
            })
        }
    }
}

/// The nearest folder upward from `start` (a file or a folder) that holds
/// `cpo.toml`.
pub fn find_root_from(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// The commit HEAD points at, and its date, when `root` is in git: what
/// seals record and what dates documents. Read here so that no other
/// module opens git.
pub fn head_commit(root: &Path) -> Option<(String, jiff::civil::Date)> {
    let repo = git2::Repository::discover(root).ok()?;
    let commit = repo.head().ok()?.peel_to_commit().ok()?;
    let ts = jiff::Timestamp::from_second(commit.time().seconds()).ok()?;
    let date = ts.to_zoned(jiff::tz::TimeZone::UTC).date();
    Some((commit.id().to_string(), date))
}

/// The texts of a file at every commit that changed it, oldest first, from
/// HEAD's history (first parents). `None` when `root` is not in git.
pub fn file_history(root: &Path, rel: &str) -> Option<Vec<(String, Option<Vec<u8>>)>> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let prefix = root.strip_prefix(&workdir).ok()?;
    let path = prefix.join(rel);
    let head = repo.head().ok()?.peel_to_commit().ok()?;
    let mut out: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    let mut commit = Some(head);
    // A seal file changes a few times a year; a long history is walked once.
    while let Some(c) = commit {
        let content = c
            .tree()
            .ok()
            .and_then(|t| t.get_path(&path).ok())
            .and_then(|e| e.to_object(&repo).ok())
            .and_then(|o| o.as_blob().map(|b| b.content().to_vec()));
        if out.last().is_none_or(|(_, last)| *last != content) {
            out.push((c.id().to_string(), content));
        }
        commit = c.parents().next();
    }
    out.reverse();
    Some(out)
}
