//! The bad-input corpus: every folder of `tests/corpus/` is one hostile or
//! broken repository (a clean fixture or an example, edited as its
//! `case.toml` says) and what `cpo check` must say about it. Each case goes
//! through `check --format json`, `render --format html,md --allow-errors`
//! and `diff`, each under a time bound, and fails on a panic, a crash, a
//! hang, an exit code other than 0, 1 or 2, a finding without a place, a
//! message naming a file outside the repository, a file written outside the
//! output folder, a change to the repository's own files, or findings that
//! are not the ones the case states. `tests/corpus/README.md` describes the
//! format of `case.toml`.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::harness::{cpo_command, project_root};

/// How long one command may run on one case.
const TIME_BOUND: Duration = Duration::from_secs(10);

/// The output folder `render` is given, inside the repository.
const OUT: &str = "dist";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case is about, in a sentence.
    about: String,
    /// `tests/fixtures/NAME` as the starting repository…
    fixture: Option<String>,
    /// …or `examples/NAME`.
    example: Option<String>,
    /// Takes seconds (a template that runs out of its time budget, tens
    /// of thousands of sections): started first, so that the others run
    /// meanwhile.
    #[serde(default)]
    heavy: bool,
    /// About the PDF engine (a typst template): run only in a build with
    /// the default `pdf` feature, since without it cpo never compiles one.
    #[serde(default)]
    pdf: bool,
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default)]
    run: RunSpec,
    expect: Expect,
}

/// One change to the starting repository. Exactly one of the action keys
/// (`write`, `append`, `replace`, `delete`, `rename`, `symlink`, `fifo`,
/// `mkdir`) names the path it applies to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    write: Option<String>,
    append: Option<String>,
    replace: Option<String>,
    delete: Option<String>,
    rename: Option<String>,
    symlink: Option<String>,
    fifo: Option<String>,
    mkdir: Option<String>,
    /// Content, for write, append and replace: `text` or `hex` (bytes) or
    /// `data` (a file of the case folder), then `repeat` `times` times
    /// (`{n}` in it numbered from 0), then `then`.
    text: Option<String>,
    hex: Option<String>,
    data: Option<String>,
    repeat: Option<String>,
    times: Option<usize>,
    then: Option<String>,
    /// For replace: the text replaced (it must be there), every occurrence
    /// when `all`.
    from: Option<String>,
    #[serde(default)]
    all: bool,
    /// For symlink: where the link points, as written in it; for rename:
    /// the new path.
    target: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunSpec {
    /// Run `render` without `--out`, into cpo.toml's `[render] output`.
    #[serde(default)]
    configured_output: bool,
    /// The arguments of `diff` (default: none with two periods or more,
    /// else the one period against itself).
    diff: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// 0, 1 or 2.
    check_exit: i32,
    /// Findings that must be reported, exactly at their place.
    #[serde(default)]
    finding: Vec<Finding>,
    /// No finding but those listed.
    #[serde(default)]
    only: bool,
    /// Rules that must not be reported.
    #[serde(default)]
    absent: Vec<String>,
    /// For exit 2: a fragment of check's error message.
    error: Option<String>,
    render_exit: Option<i32>,
    render_error: Option<String>,
    diff_exit: Option<i32>,
    diff_error: Option<String>,
    /// Text that must appear in no output, no message, no written file.
    #[serde(default)]
    never: Vec<String>,
    /// Files of the machine whose first line must appear nowhere (a leak).
    #[serde(default)]
    never_from: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    rule: String,
    file: String,
    line: u64,
    column: u64,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}:{}:{}",
            self.rule, self.file, self.line, self.column
        )
    }
}

/// What one command did.
struct Outcome {
    args: Vec<String>,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    timed_out: bool,
}

impl Outcome {
    fn show(&self) -> String {
        let cut = |s: &str| -> String {
            if s.len() > 4000 {
                let mut end = 4000;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}… ({} bytes)", &s[..end], s.len())
            } else {
                s.to_string()
            }
        };
        format!(
            "`cpo {}`: exit {:?} after {:.1?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.elapsed,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

/// Run `cpo ARGS` in `repo`, killed after [`TIME_BOUND`].
fn run_bounded(repo: &Path, args: &[String]) -> Outcome {
    let mut cmd: Command = cpo_command();
    cmd.current_dir(repo)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("starting cpo");
    let pipe = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = pipe(Box::new(child.stdout.take().unwrap()));
    let err = pipe(Box::new(child.stderr.take().unwrap()));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for cpo") {
            break status;
        }
        if started.elapsed() > TIME_BOUND {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waiting for cpo");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    Outcome {
        args: args.to_vec(),
        code: status.code(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed,
        timed_out,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walking the starting repository");
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.components().any(|c| c.as_os_str() == OUT) {
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

fn from_hex(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).expect("hex"))
        .collect()
}

impl Edit {
    /// The bytes this edit writes, appends or replaces with.
    fn content(&self, case_dir: &Path) -> Vec<u8> {
        let mut out = match (&self.text, &self.hex, &self.data) {
            (Some(t), None, None) => t.clone().into_bytes(),
            (None, Some(h), None) => from_hex(h),
            (None, None, Some(d)) => std::fs::read(case_dir.join(d))
                .unwrap_or_else(|e| panic!("reading {}: {e}", case_dir.join(d).display())),
            (None, None, None) => Vec::new(),
            _ => panic!("an edit has one of `text`, `hex` or `data`"),
        };
        if let Some(r) = &self.repeat {
            let times = self.times.expect("`repeat` goes with `times`");
            if r.contains("{n}") {
                for n in 0..times {
                    out.extend(r.replace("{n}", &n.to_string()).into_bytes());
                }
            } else {
                out.extend(r.as_bytes().repeat(times));
            }
        }
        if let Some(t) = &self.then {
            out.extend_from_slice(t.as_bytes());
        }
        out
    }

    fn apply(&self, repo: &Path, case_dir: &Path) {
        let clear = |p: &Path| {
            match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(p).unwrap(),
                Ok(_) => std::fs::remove_file(p).unwrap(),
                Err(_) => {}
            }
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        };
        if let Some(rel) = &self.write {
            let p = repo.join(rel);
            clear(&p);
            std::fs::write(p, self.content(case_dir)).unwrap();
        } else if let Some(rel) = &self.append {
            let p = repo.join(rel);
            let mut bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("append to {rel}: {e}"));
            bytes.extend(self.content(case_dir));
            std::fs::write(p, bytes).unwrap();
        } else if let Some(rel) = &self.replace {
            let p = repo.join(rel);
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("replace in {rel}: {e}"));
            let from = self.from.as_deref().expect("`replace` goes with `from`");
            assert!(text.contains(from), "`{from}` is not in {rel}");
            let to = String::from_utf8(self.content(case_dir)).expect("replacement is text");
            let text = if self.all {
                text.replace(from, &to)
            } else {
                text.replacen(from, &to, 1)
            };
            std::fs::write(p, text).unwrap();
        } else if let Some(rel) = &self.delete {
            let p = repo.join(rel);
            assert!(
                std::fs::symlink_metadata(&p).is_ok(),
                "delete: {rel} does not exist"
            );
            clear(&p);
        } else if let Some(rel) = &self.rename {
            let target = self.target.as_deref().expect("`rename` goes with `target`");
            let to = repo.join(target);
            clear(&to);
            std::fs::rename(repo.join(rel), to).unwrap_or_else(|e| panic!("rename {rel}: {e}"));
        } else if let Some(rel) = &self.symlink {
            let p = repo.join(rel);
            clear(&p);
            let target = self
                .target
                .as_deref()
                .expect("`symlink` goes with `target`");
            std::os::unix::fs::symlink(target, p).unwrap();
        } else if let Some(rel) = &self.fifo {
            let p = repo.join(rel);
            clear(&p);
            let status = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
            assert!(status.success(), "mkfifo {rel}");
        } else if let Some(rel) = &self.mkdir {
            let p = repo.join(rel);
            clear(&p);
            std::fs::create_dir_all(p.join("inside")).unwrap();
            std::fs::write(p.join("inside/file.txt"), "a folder where a file belongs").unwrap();
        } else {
            panic!("an edit without an action: {self:?}");
        }
    }
}

/// Every entry under `dir` (not following links) with a digest of what it
/// is: the bytes of a file, the target of a link, the kind of the rest.
/// Special files are never opened (a FIFO would block).
fn inventory(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.expect("walking the sandbox");
        let path = entry.path();
        if path.starts_with(skip) {
            continue;
        }
        let ft = entry.file_type();
        let what = if ft.is_symlink() {
            format!("link -> {}", std::fs::read_link(path).unwrap().display())
        } else if ft.is_dir() {
            "folder".to_string()
        } else if ft.is_file() {
            let bytes = std::fs::read(path).unwrap();
            format!("file {}", cpo::merge::sha256_hex(&bytes))
        } else {
            "special".to_string()
        };
        out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), what);
    }
    out
}

/// Absolute paths named in a message.
fn absolute_paths(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"(?:^|[\s`'(\x22=])(/[A-Za-z0-9._~+-]+(?:/[A-Za-z0-9._~+-]*)*)")
        .unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// The periods of a repository, by folder name.
fn period_labels(repo: &Path) -> Vec<String> {
    let mut labels: Vec<String> = std::fs::read_dir(repo.join("periods"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    labels.sort();
    labels
}

/// Run one case; the problems found, empty when it passes.
fn run_case(case_dir: &Path, case: &Case) -> Vec<String> {
    let name = case_dir.file_name().unwrap().to_string_lossy().into_owned();

    let sandbox = tempfile::Builder::new()
        .prefix("cpo-corpus-")
        .tempdir()
        .unwrap();
    // The repository sits in a folder of its own, so that a file written
    // next to it (`../x`) is seen.
    let sandbox_root = sandbox.path().canonicalize().unwrap();
    let repo = sandbox_root.join("repo");
    let start = match (&case.fixture, &case.example) {
        (Some(f), None) => project_root().join("tests/fixtures").join(f),
        (None, Some(e)) => project_root().join("examples").join(e),
        _ => panic!("{name}: a case starts from one `fixture` or one `example`"),
    };
    std::fs::create_dir_all(&repo).unwrap();
    copy_dir(&start, &repo);
    for edit in &case.edit {
        edit.apply(&repo, case_dir);
    }
    let out_dir = repo.join(OUT);
    let before = inventory(&sandbox_root, &out_dir);

    let mut commands: Vec<Vec<String>> =
        vec![vec!["check".into(), "--format".into(), "json".into()]];
    let mut render: Vec<String> = ["render", "--format", "html,md", "--allow-errors"]
        .map(String::from)
        .to_vec();
    if !case.run.configured_output {
        render.extend(["--out".to_string(), OUT.to_string()]);
    }
    commands.push(render);
    let diff_args = case.run.diff.clone().unwrap_or_else(|| {
        let labels = period_labels(&repo);
        match labels.as_slice() {
            [one] => vec![one.clone(), one.clone()],
            _ => Vec::new(),
        }
    });
    let mut diff = vec!["diff".to_string()];
    diff.extend(diff_args);
    commands.push(diff);

    let located = regex::Regex::new(r"^\s*[^\s:/][^\s:]*:\d+:\d+: ").unwrap();
    let mut problems = Vec::new();
    let mut outcomes = Vec::new();
    for args in &commands {
        let mut full = vec!["-C".to_string(), repo.display().to_string()];
        full.extend(args.iter().cloned());
        let o = run_bounded(&repo, &full);
        let what = &args[0];
        if o.timed_out {
            problems.push(format!(
                "{what}: still running after {TIME_BOUND:?} (a hang)\n{}",
                o.show()
            ));
        } else if o.code.is_none() {
            problems.push(format!(
                "{what}: killed by a signal (a crash)\n{}",
                o.show()
            ));
        } else if o.code == Some(101) || o.stderr.contains("panicked") {
            problems.push(format!("{what}: panicked\n{}", o.show()));
        } else if !matches!(o.code, Some(0..=2)) {
            problems.push(format!("{what}: exit code outside 0, 1, 2\n{}", o.show()));
        }
        // A message names files by their path in the repository: an
        // absolute path may only lead into the sandbox, unless the line is
        // located in a file of the repository (it quotes that file's text).
        for line in o.stderr.lines() {
            if located.is_match(line) {
                continue;
            }
            for path in absolute_paths(line) {
                if !Path::new(&path).starts_with(&sandbox_root) {
                    problems.push(format!(
                        "{what}: stderr names `{path}`, outside the repository, in an unlocated message\n{}",
                        o.show()
                    ));
                }
            }
        }
        outcomes.push(o);
    }

    // check: the exit code, the findings, their places.
    let check = &outcomes[0];
    let e = &case.expect;
    if check.code != Some(e.check_exit) {
        problems.push(format!(
            "check: exit {:?}, the case expects {}\n{}",
            check.code,
            e.check_exit,
            check.show()
        ));
    }
    if e.check_exit == 2 {
        if let Some(fragment) = &e.error
            && !check.stderr.contains(fragment.as_str())
        {
            problems.push(format!(
                "check: stderr lacks `{fragment}`\n{}",
                check.show()
            ));
        }
    } else if matches!(check.code, Some(0 | 1)) {
        match serde_json::from_str::<serde_json::Value>(&check.stdout) {
            Err(err) => problems.push(format!(
                "check: stdout is not JSON ({err})\n{}",
                check.show()
            )),
            Ok(json) => {
                let mut found = Vec::new();
                for d in json["diagnostics"].as_array().into_iter().flatten() {
                    let file = d["file"].as_str().unwrap_or("");
                    let (line, column) = (d["line"].as_u64(), d["column"].as_u64());
                    let rule = d["rule"].as_str().unwrap_or("").to_string();
                    if file.is_empty() || file.starts_with('/') || file.contains("..") {
                        problems.push(format!(
                            "check: a finding with no file of the repository: {d}"
                        ));
                    }
                    let (Some(line), Some(column)) = (line, column) else {
                        problems.push(format!("check: a finding with no line and column: {d}"));
                        continue;
                    };
                    if line == 0 || column == 0 || d["message"].as_str().is_none_or(str::is_empty) {
                        problems.push(format!(
                            "check: a finding badly located or without message: {d}"
                        ));
                    }
                    found.push(Finding {
                        rule,
                        file: file.to_string(),
                        line,
                        column,
                    });
                }
                if std::env::var_os("CORPUS_SHOW").is_some() {
                    // What the case got, on one line, to write its expectations.
                    let codes: Vec<String> = outcomes
                        .iter()
                        .map(|o| format!("{} {:?} {:.1?}", o.args[2], o.code, o.elapsed))
                        .collect();
                    let lines: Vec<String> = json["diagnostics"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|d| {
                            let m = d["message"].as_str().unwrap_or("");
                            let m: String = m.chars().take(90).collect();
                            format!(
                                " | {} {}:{}:{} {m}",
                                d["rule"], d["file"], d["line"], d["column"]
                            )
                        })
                        .collect();
                    eprintln!("SHOW [{name}] {}{}", codes.join(", "), lines.concat());
                }
                let listing = || {
                    found
                        .iter()
                        .map(|f| format!("  {f}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                for want in &e.finding {
                    if !found.contains(want) {
                        problems.push(format!("check: no finding {want}; found:\n{}", listing()));
                    }
                }
                if e.only {
                    for f in &found {
                        if !e.finding.contains(f) {
                            problems.push(format!(
                                "check: unexpected finding {f}; found:\n{}",
                                listing()
                            ));
                        }
                    }
                }
                for rule in &e.absent {
                    if found.iter().any(|f| &f.rule == rule) {
                        problems.push(format!(
                            "check: `{rule}` must not be reported; found:\n{}",
                            listing()
                        ));
                    }
                }
            }
        }
    }
    for (i, (code, fragment)) in [
        (e.render_exit, &e.render_error),
        (e.diff_exit, &e.diff_error),
    ]
    .into_iter()
    .enumerate()
    {
        let o = &outcomes[i + 1];
        if let Some(code) = code
            && o.code != Some(code)
        {
            problems.push(format!(
                "{}: exit {:?}, the case expects {code}\n{}",
                o.args[2],
                o.code,
                o.show()
            ));
        }
        if let Some(fragment) = fragment
            && !o.stderr.contains(fragment.as_str())
        {
            problems.push(format!(
                "{}: stderr lacks `{fragment}`\n{}",
                o.args[2],
                o.show()
            ));
        }
    }

    // Files: the repository unchanged, nothing written but in the output folder.
    let after = inventory(&sandbox_root, &out_dir);
    for (path, was) in &before {
        match after.get(path) {
            None => problems.push(format!("{} was removed", path.display())),
            Some(now) if now != was => problems.push(format!("{} was changed", path.display())),
            _ => {}
        }
    }
    for path in after.keys() {
        if !before.contains_key(path) {
            problems.push(format!(
                "{} was written, outside the output folder `{OUT}`",
                path.display()
            ));
        }
    }

    // Leaks: text that must appear nowhere.
    let mut never = e.never.clone();
    for file in &e.never_from {
        if let Some(first) = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| t.lines().find(|l| l.trim().len() >= 8).map(str::to_string))
        {
            never.push(first);
        }
    }
    if !never.is_empty() {
        let mut places: Vec<(String, String)> = outcomes
            .iter()
            .flat_map(|o| {
                [
                    (format!("stdout of {}", o.args[2]), o.stdout.clone()),
                    (format!("stderr of {}", o.args[2]), o.stderr.clone()),
                ]
            })
            .collect();
        for entry in walkdir::WalkDir::new(&out_dir).into_iter().flatten() {
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                places.push((
                    entry.path().display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
        for secret in &never {
            for (place, text) in &places {
                if text.contains(secret.as_str()) {
                    problems.push(format!("`{secret}` leaked into {place}"));
                }
            }
        }
    }
    problems
        .into_iter()
        .map(|p| format!("[{name}] {}\n  ({})", p, case.about))
        .collect()
}

/// Every case of `tests/corpus/`, read.
fn cases() -> Vec<(PathBuf, Case)> {
    let dir = project_root().join("tests/corpus");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p.join("case.toml"))
                .unwrap_or_else(|e| panic!("{}: reading case.toml: {e}", p.display()));
            let case: Case = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: case.toml is invalid: {e}", p.display()));
            assert!(
                !case.about.is_empty(),
                "{}: `about` says what it tests",
                p.display()
            );
            (p, case)
        })
        .collect()
}

#[test]
fn bad_input_corpus() {
    let all = cases();
    assert!(all.len() >= 120, "the corpus holds {} cases", all.len());
    // `CORPUS=NNN` runs the cases whose folder name contains it.
    let only = std::env::var("CORPUS").ok();
    let mut queue: Vec<(PathBuf, Case)> = all
        .into_iter()
        .filter(|(p, c)| {
            only.as_deref()
                .is_none_or(|o| p.to_string_lossy().contains(o))
                && (cfg!(feature = "pdf") || !c.pdf)
        })
        .collect();
    // Workers take from the end: heavy cases first.
    queue.sort_by_key(|(p, c)| (c.heavy, p.clone()));
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4);
    let queue = std::sync::Mutex::new(queue);
    let mut problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut found = Vec::new();
                    loop {
                        let Some((dir, case)) = queue.lock().unwrap().pop() else {
                            break;
                        };
                        found.extend(run_case(&dir, &case));
                    }
                    found
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    problems.sort();
    assert!(
        problems.is_empty(),
        "{} problem(s) in the corpus:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}
