//! A builder for tests: copy a fixture or example repository to a temporary
//! folder, edit its files, run the real `cpo` binary in it, and look at the
//! exit code, the outputs and the files it wrote.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The project root (where Cargo.toml is).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A repository in a temporary folder, deleted when dropped.
pub struct Repo {
    dir: TempDir,
}

/// What a run of `cpo` did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Assert the exit code, showing both outputs when it is not the expected one.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "exit code {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Parse stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walking fixture");
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.components().any(|c| c.as_os_str() == "dist") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl Repo {
    /// An empty folder.
    pub fn empty() -> Repo {
        Repo {
            dir: tempfile::Builder::new()
                .prefix("cpo-test-")
                .tempdir()
                .unwrap(),
        }
    }

    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Repo {
        let repo = Repo::empty();
        copy_dir(
            &project_root().join("tests/fixtures").join(name),
            repo.path(),
        );
        repo
    }

    /// A copy of `examples/NAME`.
    pub fn example(name: &str) -> Repo {
        let repo = Repo::empty();
        copy_dir(&project_root().join("examples").join(name), repo.path());
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Path of a file of the repository.
    pub fn file(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// A file's text, invalid UTF-8 replaced (for tests that damage files).
    pub fn read_lossy(&self, rel: &str) -> String {
        String::from_utf8_lossy(&std::fs::read(self.file(rel)).unwrap()).into_owned()
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.file(rel).exists()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Repo {
        let path = self.file(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Repo {
        std::fs::remove_file(self.file(rel)).unwrap();
        self
    }

    /// Replace the first occurrence of `from` by `to` in a file; panics when
    /// `from` is absent, so a test cannot silently stop testing anything.
    #[track_caller]
    pub fn replace(&self, rel: &str, from: &str, to: &str) -> &Repo {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` not found in {rel}");
        self.write(rel, text.replacen(from, to, 1))
    }

    /// The ids of a period's centres (their `.toml` files), sorted.
    pub fn centre_ids(&self, period: &str) -> Vec<String> {
        let mut ids: Vec<String> =
            std::fs::read_dir(self.file(&format!("periods/{period}/centres")))
                .unwrap()
                .filter_map(|e| {
                    let name = e.unwrap().file_name().into_string().unwrap();
                    name.strip_suffix(".toml").map(str::to_string)
                })
                .collect();
        ids.sort();
        ids
    }

    /// Append text to a file.
    pub fn append(&self, rel: &str, more: &str) -> &Repo {
        let text = self.read(rel);
        self.write(rel, text + more)
    }

    /// Run `cpo -C <repo> ARGS` with colours off.
    pub fn cpo(&self, args: &[&str]) -> Run {
        let mut cmd = cpo_command();
        cmd.arg("-C").arg(self.path()).args(args);
        run(cmd)
    }

    /// Run `cpo ARGS` with the repository as current folder (no `-C`).
    pub fn cpo_here(&self, args: &[&str]) -> Run {
        let mut cmd = cpo_command();
        cmd.current_dir(self.path()).args(args);
        run(cmd)
    }

    /// Run `git ARGS` in the repository (tests that need git call `git_init` first).
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .env("GIT_AUTHOR_DATE", "2022-01-10T10:00:00+01:00")
            .env("GIT_COMMITTER_DATE", "2022-01-10T10:00:00+01:00")
            .output()
            .expect("running git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `git init` and a first commit of everything.
    pub fn git_init(&self) -> &Repo {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "initial"]);
        self
    }
}

pub fn cpo_command() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("cpo"));
    cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    cmd
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("running cpo");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Whether an external program is installed; tests that need one print why
/// they skip and return early when it is not.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null 2>&1"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Skip a test (with a visible message) unless `program` is installed;
/// under CI a missing program fails the test (see [`tool_available`]).
#[macro_export]
macro_rules! require {
    ($program:expr) => {
        if !$crate::harness::require_tool($program) {
            return;
        }
    };
}

/// Whether a test may use `what`, an external tool that `available` says is
/// installed. Without it a test prints SKIPPED and returns early, except in
/// CI (the `CI` variable set, as CI services and `.ci/run`'s runner do),
/// where .ci/run installs every tool and a missing one is a failure: a
/// validation that silently never runs proves nothing.
#[track_caller]
pub fn tool_available(what: &str, available: bool) -> bool {
    if available {
        return true;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !in_ci,
        "{what} is not installed, and CI must run this test (.ci/run installs it)"
    );
    eprintln!("SKIPPED: {what} is not installed");
    false
}

/// [`tool_available`] for a program on the PATH: `if !require_tool("xmllint") { return; }`.
#[track_caller]
pub fn require_tool(program: &str) -> bool {
    tool_available(&format!("`{program}`"), have(program))
}

/// Whether `python3 -c 'import MODULE'` works.
pub fn have_python_module(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// [`tool_available`] for a Python 3 module.
#[track_caller]
pub fn require_python_module(module: &str) -> bool {
    tool_available(
        &format!("the Python module `{module}`"),
        have_python_module(module),
    )
}
