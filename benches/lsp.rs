//! Benchmark of `cpo lsp`: the time from a `didChange` to its
//! `publishDiagnostics`, through the real process over stdio, on
//! generated repositories of 40 and 2,000 centres (SPEC §9: within 300 ms
//! at 40 centres; the issue: within 1 s at 2,000).
//!
//! Two edits: a centre's TOML (one amount changed, which unbalances its
//! budget), re-checking that centre; and base.toml (its title), re-checking
//! the whole period. The baseline, measured in the same run on the same
//! machine, is what one does without the server: the same change written
//! to disk, then `cpo check` from the command line. Run with
//! `cargo bench --bench lsp`; `CPO_BENCH_SIZES=40,500` changes the sizes.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "../tests/cli/lsp_wire.rs"]
mod lsp_wire;
use lsp_wire::{Wire, uri};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Server {
    wire: Wire,
}

impl Server {
    fn start(root: &Path, cache: &Path) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cpo"));
        command
            .arg("lsp")
            .current_dir(root)
            .env("XDG_CACHE_HOME", cache);
        let mut server = Server {
            wire: Wire::spawn(command),
        };
        server.send(json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "processId": null, "rootUri": uri(root), "capabilities": {} } }));
        server.wait(|m| m["id"] == 0);
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, m: Value) {
        self.wire.send(&m);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .wire
                .messages
                .recv_timeout(Duration::from_secs(120))
                .expect("cpo lsp answered nothing within 2 minutes");
            if pred(&m) {
                return m;
            }
        }
    }

    /// Wait for the diagnostics of `uri` at `version`.
    fn published(&mut self, uri: &str, version: i32) -> Value {
        self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        })
    }

    fn open(&mut self, path: &Path, text: &str) -> String {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": "toml", "version": 1, "text": text } }),
        );
        self.published(&u, 1);
        u
    }

    /// Change a document and time until its diagnostics arrive.
    fn change(&mut self, uri: &str, version: i32, text: &str) -> Duration {
        let t = Instant::now();
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": text }] }),
        );
        self.published(uri, version);
        t.elapsed()
    }

    fn stop(mut self) {
        self.send(json!({ "jsonrpc": "2.0", "id": 999, "method": "shutdown" }));
        self.wait(|m| m["id"] == 999);
        self.notify("exit", Value::Null);
        let _ = self.wire.child.wait();
    }
}

/// The centre's text with one amount of its first budget changed.
fn unbalanced(text: &str) -> String {
    let at = text.find("charges = { 60 = ").expect("a budget") + "charges = { 60 = ".len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let n: u64 = digits.parse().unwrap();
    format!("{}{}{}", &text[..at], n + 1, &text[at + digits.len()..])
}

fn cpo_check(root: &Path) -> Duration {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cpo"))
        .arg("-C")
        .arg(root)
        .args(["check", "--format", "short"])
        .output()
        .expect("running cpo check");
    let elapsed = t.elapsed();
    assert!(out.status.code().is_some(), "cpo check crashed");
    elapsed
}

fn main() {
    let sizes: Vec<usize> = std::env::var("CPO_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![40, 2000]);
    let cache = tempfile::tempdir().unwrap();
    println!(
        "| centres | edit | didChange -> publishDiagnostics (median) | target | `cpo check` of the same change (median) | ratio |"
    );
    println!("|---:|---|---:|---:|---:|---:|");
    for centres in sizes {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        cpo::synth::generate(
            root,
            &cpo::synth::Options {
                centres,
                periods: vec![(2022, 2025)],
                seed: 7,
            },
        )
        .expect("generating");
        let centres_dir = root.join("periods/2022-2025/centres");
        let mut names: Vec<String> = std::fs::read_dir(&centres_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        let centre_path = centres_dir.join(&names[names.len() / 2]);
        let base_path = root.join("periods/2022-2025/base.toml");
        let centre_text = std::fs::read_to_string(&centre_path).unwrap();
        let base_text = std::fs::read_to_string(&base_path).unwrap();
        let centre_edit = unbalanced(&centre_text);
        let base_edit = base_text.replacen(
            "title = \"Convention pluriannuelle d'objectifs\"",
            "title = \"Convention pluriannuelle d'objectifs (projet)\"",
            1,
        );
        assert_ne!(base_edit, base_text);
        let target = if centres <= 40 {
            Duration::from_millis(300)
        } else {
            Duration::from_secs(1)
        };
        let runs = if centres > 500 { 7 } else { 21 };

        let mut server = Server::start(root, cache.path());
        let centre = server.open(&centre_path, &centre_text);
        let base = server.open(&base_path, &base_text);
        let mut on_centre = Vec::new();
        let mut on_base = Vec::new();
        let mut version = 1;
        for i in 0..runs {
            version += 1;
            let text = if i % 2 == 0 {
                &centre_edit
            } else {
                &centre_text
            };
            on_centre.push(server.change(&centre, version, text));
        }
        // A base edit re-checks the period: base.toml's diagnostics are
        // published first, the centre's last.
        let mut base_version = 1;
        for i in 0..runs {
            base_version += 1;
            let text = if i % 2 == 0 { &base_edit } else { &base_text };
            let t = Instant::now();
            server.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": base, "version": base_version },
                        "contentChanges": [{ "text": text }] }),
            );
            server.published(&base, base_version);
            server.published(&centre, version);
            on_base.push(t.elapsed());
        }
        server.stop();

        let mut baseline_centre = Vec::new();
        let mut baseline_base = Vec::new();
        for i in 0..runs.min(7) {
            std::fs::write(
                &centre_path,
                if i % 2 == 0 {
                    &centre_edit
                } else {
                    &centre_text
                },
            )
            .unwrap();
            baseline_centre.push(cpo_check(root));
        }
        std::fs::write(&centre_path, &centre_text).unwrap();
        for i in 0..runs.min(7) {
            std::fs::write(&base_path, if i % 2 == 0 { &base_edit } else { &base_text }).unwrap();
            baseline_base.push(cpo_check(root));
        }
        std::fs::write(&base_path, &base_text).unwrap();

        for (edit, lsp, baseline) in [
            (
                "a centre's TOML",
                median(on_centre),
                median(baseline_centre),
            ),
            ("base.toml", median(on_base), median(baseline_base)),
        ] {
            println!(
                "| {centres} | {edit} | {} {} | < {} | {} | {:.2} |",
                ms(lsp),
                if lsp < target { "(met)" } else { "(MISSED)" },
                ms(target),
                ms(baseline),
                lsp.as_secs_f64() / baseline.as_secs_f64(),
            );
        }
    }
}
