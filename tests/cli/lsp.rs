//! `cpo lsp`: the real server process, spoken to over stdio as an editor
//! does (Content-Length framed JSON-RPC), on a copy of examples/poitiers.
//! Every wait has a timeout, so a server that hangs fails the test instead
//! of stalling the suite. The last test drives a real editor, Neovim.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Repo, require_tool};
use crate::lsp_wire::{Wire, uri};

const TIMEOUT: Duration = Duration::from_secs(30);
const CENTRE: &str = "periods/2022-2025/centres/beaulieu.toml";
const BASE: &str = "periods/2022-2025/base.toml";

/// An editor's side of the conversation.
struct Client {
    wire: Wire,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
    _cache: tempfile::TempDir,
}

/// The byte offset of a 0-based line and UTF-16 column, and back.
fn position(text: &str, offset: usize) -> Value {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let character = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The range of the first occurrence of `needle` (after `after`, when given).
fn range_of(text: &str, needle: &str, after: Option<&str>) -> Value {
    let from = after.map_or(0, |a| text.find(a).expect("anchor") + a.len());
    let at = from + text[from..].find(needle).expect("needle");
    json!({ "start": position(text, at), "end": position(text, at + needle.len()) })
}

/// Apply LSP text edits to a text.
fn apply(text: &str, edits: &Value) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

impl Client {
    fn start(dir: &Path) -> Client {
        let cache = tempfile::tempdir().unwrap();
        let mut command = Command::new(assert_cmd::cargo::cargo_bin!("cpo"));
        command
            .arg("lsp")
            .current_dir(dir)
            .env("XDG_CACHE_HOME", cache.path())
            .env(cpo::lsp::PANIC_HOOK_VAR, "1")
            .env("RUST_BACKTRACE", "0")
            .stderr(Stdio::null());
        Client {
            wire: Wire::spawn(command),
            notifications: Vec::new(),
            next_id: 1,
            _cache: cache,
        }
    }

    fn raw(&mut self, body: &str) {
        self.wire.raw(body);
    }

    fn send(&mut self, message: Value) {
        self.wire.send(&message);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.wire.messages.recv_timeout(left) {
            Ok(m) => m,
            Err(_) => panic!(
                "cpo lsp sent nothing within {TIMEOUT:?}; notifications so far: {:#?}",
                self.notifications
            ),
        }
    }

    /// Send a request and wait for its response (the whole message).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.next(deadline);
            if m.get("method").is_none() && m["id"] == id {
                return m;
            }
            self.notifications.push(m);
        }
    }

    /// The result of a request that must succeed.
    fn ok(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r:#}");
        r["result"].clone()
    }

    /// Wait for the next diagnostics published for `uri`, skipping earlier ones.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = std::mem::take(&mut self.notifications);
        loop {
            if let Some(i) = seen.iter().position(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            }) {
                let m = seen.remove(i);
                self.notifications = seen;
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            seen.push(self.next(deadline));
        }
    }

    fn open(&mut self, path: &Path, text: &str) -> String {
        let u = uri(path);
        let language = if path.extension().is_some_and(|e| e == "md") {
            "markdown"
        } else {
            "toml"
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": language, "version": 1, "text": text } }),
        );
        u
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let result = self.ok(
            "initialize",
            json!({ "processId": null, "rootUri": uri(root), "capabilities": {} }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `shutdown` then `exit`: the exit code.
    fn shut_down(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r:#}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.wire.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "cpo lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.wire.child.kill();
        let _ = self.wire.child.wait();
    }
}

fn rules(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn lsp_the_done_when_scenario() {
    let repo = Repo::example("poitiers");
    let root = repo.path().to_path_buf();
    let mut client = Client::start(&root);
    let init = client.initialize(&root);
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full text sync");
    for trigger in ["\"", "=", "."] {
        assert!(
            caps["completionProvider"]["triggerCharacters"]
                .as_array()
                .unwrap()
                .contains(&json!(trigger)),
            "{caps:#}"
        );
    }
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "codeActionProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
    ] {
        assert!(caps.get(provider).is_some(), "{provider} missing: {caps:#}");
    }

    // Open a centre: the example is clean.
    let original = repo.read(CENTRE);
    let centre = client.open(&root.join(CENTRE), &original);
    assert_eq!(client.diagnostics(&centre), Vec::<Value>::new());

    // An unknown axis and an unbalanced budget, in memory only.
    let broken = original
        .replacen("axis = \"participation\"", "axis = \"jeunesse\"", 1)
        .replacen("charges = { 60 = 41823,", "charges = { 60 = 41824,", 1);
    client.change(&centre, 2, &broken);
    let diags = client.diagnostics(&centre);
    assert_eq!(
        rules(&diags),
        ["unknown-axis", "budget-unbalanced"],
        "{diags:#?}"
    );
    assert_eq!(diags[0]["range"], range_of(&broken, "\"jeunesse\"", None));
    assert_eq!(diags[0]["severity"], 1);
    assert_eq!(
        diags[1]["range"],
        range_of(&broken, "2022", Some("[budget."))
    );
    assert!(
        diags[1]["message"]
            .as_str()
            .unwrap()
            .contains("difference 1"),
        "{:#}",
        diags[1]
    );
    // The rule's guide is linked, and the base's axes are related.
    let href = diags[0]["codeDescription"]["href"].as_str().unwrap();
    let guide = std::fs::read_to_string(href.strip_prefix("file://").unwrap()).unwrap();
    assert!(guide.contains("# `unknown-axis`"), "{guide}");
    assert_eq!(
        diags[0]["relatedInformation"][0]["location"]["uri"],
        uri(&root.join(BASE))
    );
    assert!(repo.read(CENTRE) == original, "nothing written to disk");

    // base.toml gains that axis, in memory: the centre's finding goes away.
    let base_text = repo.read(BASE);
    let base = client.open(&root.join(BASE), &base_text);
    client.diagnostics(&base);
    client.diagnostics(&centre); // the period is checked again, unchanged
    let with_axis = base_text.replacen(
        "[[commitments]]",
        "[[axes]]\nid = \"jeunesse\"\ntitle = \"Accompagner la jeunesse\"\nrequired = false\n\n[[commitments]]",
        1,
    );
    client.change(&base, 2, &with_axis);
    let diags = client.diagnostics(&centre);
    assert_eq!(rules(&diags), ["budget-unbalanced"], "{diags:#?}");

    // Completion after `axis = "` lists the base's axes (the new one too).
    let at = broken.find("axis = \"participation\"").unwrap() + "axis = \"".len();
    let items = client.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": centre }, "position": position(&broken, at) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for axis in [
        "participation",
        "transition",
        "pauvrete",
        "cohesion",
        "cadre-de-vie",
        "jeunesse",
    ] {
        assert!(labels.contains(&axis), "{axis} missing from {labels:?}");
    }

    // Hover on a key: its French description, and where its value comes from.
    let at = broken.find("address = ").unwrap() + 2;
    let hover = client.ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": centre }, "position": position(&broken, at) }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Adresse du siège."), "{text}");
    let line = broken[..broken.find("address = ").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        text.contains(&format!(
            "address = \"10 boulevard Savari, 86000 Poitiers\"\n  from {CENTRE}:{line}:11"
        )),
        "{text}"
    );
    // On an amount: in French and in words.
    let at = broken.find("536055").unwrap();
    let hover = client.ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": centre }, "position": position(&broken, at) }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("536\u{202f}055\u{a0}€"), "{text}");
    assert!(
        text.contains("cinq cent trente-six mille cinquante-cinq euros"),
        "{text}"
    );

    // Definition of an axis id: its line in base.toml.
    let at = broken.find("axis = \"cohesion\"").unwrap() + "axis = \"co".len();
    let def = client.ok(
        "textDocument/definition",
        json!({ "textDocument": { "uri": centre }, "position": position(&broken, at) }),
    );
    assert_eq!(def["uri"], base, "{def:#}");
    assert_eq!(
        def["range"],
        range_of(&with_axis, "id = \"cohesion\"", None),
        "{def:#}"
    );

    // A code action turns `adress` into `address`.
    let typo = broken.replacen("address = ", "adress = ", 1);
    client.change(&centre, 3, &typo);
    let diags = client.diagnostics(&centre);
    let finding = diags
        .iter()
        .find(|d| d["code"] == "unknown-key")
        .unwrap_or_else(|| panic!("{diags:#?}"))
        .clone();
    assert_eq!(finding["range"], range_of(&typo, "adress", None));
    let actions = client.ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": centre },
            "range": finding["range"],
            "context": { "diagnostics": [finding] },
        }),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix", "{actions:#}");
    assert_eq!(fix["title"], "Replace `adress` with `address`");
    assert_eq!(apply(&typo, &fix["edit"]["changes"][&centre]), broken);

    // Formatting returns `cpo fmt`'s text.
    let messy = broken
        .replacen(
            "name = \"Centre d'animation de Beaulieu\"\narticle = \"le\"\n",
            "article = \"le\"\nname = \"Centre d'animation de Beaulieu\"\n",
            1,
        )
        .replacen("caf   = {", "caf = {", 1);
    assert_ne!(messy, broken);
    client.change(&centre, 4, &messy);
    let edits = client.ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": centre }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    let formatted = apply(&messy, &edits);
    let other = Repo::example("poitiers");
    other.write(CENTRE, &messy);
    other.cpo(&["fmt"]).code(0);
    assert_eq!(formatted, other.read(CENTRE));

    // Document symbols: the objectives and the funding lines.
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": centre } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["objectives", "funding"], "{symbols:#}");
    assert_eq!(symbols[0]["children"][0]["name"], "participation-1");
    assert_eq!(symbols[1]["children"][0]["name"], "ville");

    assert_eq!(client.shut_down(), 0);
}

#[test]
fn lsp_bad_messages_get_errors_and_the_server_goes_on() {
    let repo = Repo::example("poitiers");
    let root = repo.path().to_path_buf();
    let mut client = Client::start(&root);

    // Before `initialize`, requests are refused.
    let r = client.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r:#}");
    client.initialize(&root);

    // Not JSON: a parse error, with a null id.
    client.raw("{this is not json");
    let r = client.response(Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r:#}");
    // Not a message: an invalid request, with the id it had.
    client.raw(r#"{"jsonrpc":"2.0","id":"odd","method":42}"#);
    let r = client.response(json!("odd"));
    assert_eq!(r["error"]["code"], -32600, "{r:#}");
    // Parameters of the wrong shape.
    let r = client.request("textDocument/hover", json!({ "position": "here" }));
    assert_eq!(r["error"]["code"], -32602, "{r:#}");
    // A method cpo does not have.
    let r = client.request("textDocument/rename", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r:#}");
    // A handler that panics: an internal error, logged.
    let r = client.request("cpo/panic", json!({}));
    assert_eq!(r["error"]["code"], -32603, "{r:#}");
    assert!(
        client
            .notifications
            .iter()
            .any(|n| n["method"] == "window/logMessage"
                && n["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("cpo/panic")),
        "{:#?}",
        client.notifications
    );
    // A notification with bad parameters is ignored.
    client.notify("textDocument/didOpen", json!({ "textDocument": 3 }));

    // A file outside any repository: no diagnostics, no error.
    let outside = tempfile::tempdir().unwrap();
    let stray = outside.path().join("notes.toml");
    std::fs::write(&stray, "adress = 1\n").unwrap();
    let stray_uri = client.open(&stray, "adress = 1\n");
    let r = client.ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": stray_uri }, "position": { "line": 0, "character": 1 } }),
    );
    assert_eq!(r, Value::Null);

    // Still alive: a centre opens and is checked.
    let text = repo.read(CENTRE);
    let centre = client.open(&root.join(CENTRE), &text);
    assert_eq!(client.diagnostics(&centre), Vec::<Value>::new());
    assert!(
        !client
            .notifications
            .iter()
            .any(|n| n["params"]["uri"] == stray_uri),
        "diagnostics for a file outside any repository: {:#?}",
        client.notifications
    );
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn lsp_a_siret_taken_from_another_centre_is_reported_there_and_cleared() {
    // Editing one centre re-checks only it, and the centres that share its
    // SIRET: the finding lands in the other centre's file.
    let repo = Repo::example("poitiers");
    let root = repo.path().to_path_buf();
    let mut client = Client::start(&root);
    client.initialize(&root);
    let other_rel = "periods/2022-2025/centres/bellejouanne.toml";
    let text = repo.read(CENTRE);
    let centre = client.open(&root.join(CENTRE), &text);
    assert_eq!(client.diagnostics(&centre), Vec::<Value>::new());
    let other = client.open(&root.join(other_rel), &repo.read(other_rel));
    assert_eq!(client.diagnostics(&other), Vec::<Value>::new());

    let copied = text.replacen(
        "siret = \"32402138500020\"",
        "siret = \"90144302800021\"",
        1,
    );
    client.change(&centre, 2, &copied);
    let diags = client.diagnostics(&other);
    assert_eq!(rules(&diags), ["duplicate-siret"], "{diags:#?}");
    assert_eq!(
        diags[0]["relatedInformation"][0]["location"]["uri"], centre,
        "{diags:#?}"
    );
    client.change(&centre, 3, &text);
    assert_eq!(client.diagnostics(&other), Vec::<Value>::new());
    assert_eq!(client.shut_down(), 0);
}

/// The labels of a completion answer.
fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn lsp_completes_keys_values_and_funders_and_finds_signatories() {
    let repo = Repo::example("poitiers");
    let root = repo.path().to_path_buf();
    let mut client = Client::start(&root);
    client.initialize(&root);
    let text = repo
        .read(CENTRE)
        .replacen("kind = \"centre-social\"", "kind = \"\"", 1)
        .replacen("[funding]\n", "[funding]\n\n", 1)
        .replacen("[association]\n", "[association]\n\n", 1);
    let centre = client.open(&root.join(CENTRE), &text);
    client.diagnostics(&centre);
    let complete = |client: &mut Client, at: usize| {
        client.ok(
            "textDocument/completion",
            json!({ "textDocument": { "uri": centre }, "position": position(&text, at) }),
        )
    };
    // A key of [association], with its French description.
    let items = complete(&mut client, text.find("[association]\n").unwrap() + 14);
    let siret = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "siret")
        .unwrap_or_else(|| panic!("{items:#}"));
    assert!(
        siret["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("SIRET"),
        "{siret:#}"
    );
    // The values of an enumeration.
    let items = complete(&mut client, text.find("kind = \"").unwrap() + 8);
    assert_eq!(
        labels(&items),
        [
            "maison-de-quartier",
            "centre-social",
            "espace-de-vie-sociale",
            "association"
        ]
    );
    // Funders in [funding].
    let items = complete(&mut client, text.find("[funding]\n").unwrap() + 10);
    assert_eq!(labels(&items), ["ville", "caf"]);
    // A funder's line leads to its signatory.
    let at = text.find("\ncaf   = {").unwrap() + 2;
    let def = client.ok(
        "textDocument/definition",
        json!({ "textDocument": { "uri": centre }, "position": position(&text, at) }),
    );
    let base = repo.read(BASE);
    assert_eq!(def["uri"], uri(&root.join(BASE)));
    assert_eq!(def["range"], range_of(&base, "id = \"caf\"", None));
    // A filter of base.md, explained.
    let base_md = "periods/2022-2025/base.md";
    let md = repo.read(base_md);
    let doc = client.open(&root.join(base_md), &md);
    let at = md.find("| date_fr").unwrap() + 3;
    let hover = client.ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc }, "position": position(&md, at) }),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("5 décembre 2016"),
        "{hover:#}"
    );
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn lsp_exit_without_shutdown_is_code_1() {
    let repo = Repo::example("poitiers");
    let mut client = Client::start(repo.path());
    client.initialize(repo.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

#[test]
fn lsp_completes_and_navigates_markdown() {
    let repo = Repo::example("poitiers");
    let root = repo.path().to_path_buf();
    let mut client = Client::start(&root);
    client.initialize(&root);
    // base.md: filters after `|`, variables after `centre.`.
    let base_md = "periods/2022-2025/base.md";
    let text = repo.read(base_md);
    let doc = client.open(&root.join(base_md), &text);
    let at = text.find("{{ centre | de }}").unwrap() + "{{ centre | ".len();
    let items = client.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc }, "position": position(&text, at) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for filter in [
        "euros",
        "en_lettres",
        "date_fr",
        "de",
        "a",
        "le",
        "join_fr",
        "ordinal",
        "nombre",
    ] {
        assert!(labels.contains(&filter), "{filter} missing from {labels:?}");
    }
    let at = text.find("centre.territory").unwrap() + "centre.".len();
    let items = client.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc }, "position": position(&text, at) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"territory") && labels.contains(&"name"),
        "{labels:?}"
    );
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": doc } }),
    );
    assert_eq!(symbols[0]["name"], "Article 1 – Objet de la convention");

    // A centre's Markdown: section ids after `{#`, and a section to where
    // base.md places it.
    let centre_md = "periods/2022-2025/centres/beaulieu.md";
    let text = repo.read(centre_md);
    let doc = client.open(&root.join(centre_md), &text);
    let at = text.find("{#diagnostic}").unwrap() + 2;
    let items = client.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc }, "position": position(&text, at) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["diagnostic", "projet", "plan-action", "partenariats"]
    );
    let at = text.find("## Plan d'action").unwrap() + 4;
    let def = client.ok(
        "textDocument/definition",
        json!({ "textDocument": { "uri": doc }, "position": position(&text, at) }),
    );
    let targets: Vec<&str> = def
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [uri(&root.join(base_md)), uri(&root.join(BASE))],
        "{def:#}"
    );

    // `previous_id` completes with the centres of 2018-2021.
    let centre_toml = repo.read(CENTRE);
    let with_previous = centre_toml.replacen(
        "application_date",
        "previous_id = \"\"\napplication_date",
        1,
    );
    let doc = client.open(&root.join(CENTRE), &with_previous);
    let at = with_previous.find("previous_id = \"").unwrap() + "previous_id = \"".len();
    let items = client.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc }, "position": position(&with_previous, at) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"beaulieu"), "{labels:?}");
    assert_eq!(client.shut_down(), 0);
}

/// The Neovim script: start `cpo lsp` on the opened file, wait for its
/// diagnostics, write them as JSON, quit. Neovim 0.7 (Debian's) has no
/// `vim.lsp.start`; `start_client` + `buf_attach_client` is its form.
const NVIM_SCRIPT: &str = r#"
local out, cpo, root = os.getenv('CPO_OUT'), os.getenv('CPO_BIN'), os.getenv('CPO_ROOT')
local done = false
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
  if #result.diagnostics > 0 then done = true end
end
local id = vim.lsp.start_client({ name = 'cpo', cmd = { cpo, 'lsp' }, root_dir = root })
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(20000, function() return done end, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(found, { code = d.code, line = d.lnum, col = d.col, severity = d.severity, message = d.message })
end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode({ ok = ok, diagnostics = found }))
f:close()
vim.lsp.stop_client(id)
vim.cmd('qall!')
"#;

#[test]
fn lsp_drives_neovim() {
    if !require_tool("nvim") {
        return;
    }
    let repo = Repo::example("poitiers");
    let root = repo.path().to_path_buf();
    let broken = repo
        .read(CENTRE)
        .replacen("axis = \"transition\"", "axis = \"transtion\"", 1);
    repo.write(CENTRE, &broken);
    let script = root.join("check.lua");
    std::fs::write(&script, NVIM_SCRIPT).unwrap();
    let out: PathBuf = root.join("diagnostics.json");
    let cache = tempfile::tempdir().unwrap();
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-n"])
        .arg(root.join(CENTRE))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(&root)
        .env("CPO_OUT", &out)
        .env("CPO_BIN", assert_cmd::cargo::cargo_bin!("cpo"))
        .env("CPO_ROOT", &root)
        .env("XDG_CACHE_HOME", cache.path())
        .env("XDG_STATE_HOME", cache.path())
        .env("XDG_DATA_HOME", cache.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting nvim");
    let mut status = status;
    let deadline = Instant::now() + Duration::from_secs(60);
    while status.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = status.kill();
            panic!("nvim did not quit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(&out).expect("nvim wrote no diagnostics file"),
    )
    .unwrap();
    assert_eq!(report["ok"], true, "{report:#}");
    let diags = report["diagnostics"].as_array().unwrap();
    let mut codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    codes.sort();
    // The typo leaves the required axis `transition` without objective.
    assert_eq!(codes, ["axis-uncovered", "unknown-axis"], "{report:#}");
    let typo = diags.iter().find(|d| d["code"] == "unknown-axis").unwrap();
    let line = broken[..broken.find("\"transtion\"").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(typo["line"], line);
    assert_eq!(typo["col"], "axis = ".len());
    assert_eq!(typo["severity"], 1);
    assert!(
        typo["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `transition`?"),
        "{report:#}"
    );
}
