//! `cpo lsp`: the convention repository understood inside the editor
//! (SPEC §9), as a Language Server Protocol 3.17 server over stdio.
//!
//! The server holds the editor's open documents and checks the repository
//! through them with the library's pipeline: `Project` over an overlay of
//! the unsaved buffers, `check` with every rule and the `[lints]` of
//! cpo.toml. An edit re-checks only what it can affect ([`scope`]): one
//! centre for a centre's file, the period for its base files, everything
//! for cpo.toml; and diagnostics are published for every open file the
//! check covers. Checks wait until no message is queued, so a burst of
//! keystrokes costs one check, and requests (completion, hover…) are
//! answered before it.
//!
//! It is synchronous, on lsp-server and lsp-types (rust-analyzer's pair):
//! one loop, no async runtime; a check is a function call. Everything a
//! client sends is answered or ignored, never fatal: unreadable messages
//! get JSON-RPC errors ([`transport`]), bad parameters `InvalidParams`,
//! and each handler runs under `catch_unwind`, so a bug in cpo answers
//! `InternalError`, is logged (`window/logMessage`) and the server goes on.
//! A file outside any repository gets no diagnostics and no error.

mod actions;
mod complete;
mod cursor;
mod diagnostics;
mod goto;
mod hover;
mod keys;
mod scope;
mod symbols;
mod text;
pub mod transport;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde_json::Value as J;

use self::actions::Published;
use self::scope::{Scope, ScopedTree};
use self::text::LineIndex;
use self::transport::{Incoming, Writer};
use self::view::View;
use crate::check::Options;
use crate::pipeline::Project;
use crate::repo::layout::{self, FileKind};
use crate::repo::{Overlay, Tree, WorkTree};

/// Set in the environment, this makes the request `cpo/panic` panic: the
/// tests prove with it that a panicking handler does not stop the server.
pub const PANIC_HOOK_VAR: &str = "CPO_LSP_TEST_PANIC";

/// Serve on stdin and stdout until the client says `exit`. Returns whether
/// it asked to `shutdown` first (LSP: exit code 0, else 1).
pub fn run() -> bool {
    serve(std::io::BufReader::new(std::io::stdin()), std::io::stdout())
}

/// Serve on any pair of streams (see [`run`]).
pub fn serve<R, W>(input: R, output: W) -> bool
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    let incoming = transport::spawn_reader(input);
    let mut server = Server::new(Writer::new(Box::new(output)));
    server.serve(&incoming)
}

/// An open document.
#[derive(Debug, Clone)]
struct Doc {
    uri: Uri,
    version: i32,
    text: String,
    place: Option<Place>,
}

/// Where a document is in a convention repository.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    root: PathBuf,
    /// Its path in the repository, with `/`.
    rel: String,
}

/// A request that cannot be answered, as the error the client receives.
struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Exit,
}

struct Server {
    out: Writer,
    initialized: bool,
    shutdown: bool,
    /// Open documents by URI.
    docs: BTreeMap<String, Doc>,
    /// Checks to run once no message is waiting.
    pending: Vec<(PathBuf, Scope)>,
    /// What was last published for each open document.
    published: HashMap<String, Vec<Published>>,
    /// Each period's centres' SIRETs, from its last complete check: the
    /// centres an edit must be checked with for `duplicate-siret`.
    sirets: HashMap<(PathBuf, String), BTreeMap<String, String>>,
    /// Views for requests, until a buffer of their repository changes.
    views: HashMap<(PathBuf, String, Option<String>), Rc<View>>,
    schemas: keys::Schemas,
    rule_docs: diagnostics::RuleDocs,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Parse a request's parameters, run it, serialize its result.
fn call<R: req::Request>(
    params: J,
    f: impl FnOnce(R::Params) -> Result<R::Result, Failure>,
) -> Result<J, Failure> {
    let params: R::Params = serde_json::from_value(params).map_err(|e| {
        Failure::new(
            ErrorCode::InvalidParams,
            format!("invalid parameters for {}: {e}", R::METHOD),
        )
    })?;
    let result = f(params)?;
    serde_json::to_value(result).map_err(|e| Failure::new(ErrorCode::InternalError, e.to_string()))
}

/// Parse a notification's parameters and run it.
fn notify<N: note::Notification>(params: J, f: impl FnOnce(N::Params)) -> Result<(), String> {
    let params: N::Params = serde_json::from_value(params)
        .map_err(|e| format!("ignored {}: invalid parameters: {e}", N::METHOD))?;
    f(params);
    Ok(())
}

/// The period a scope checks, if it is one.
fn options_period(scope: &Scope) -> Option<&str> {
    match scope {
        Scope::All => None,
        Scope::Period(p) | Scope::Centre(p, _) => Some(p),
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                ["\"", "=", ".", "|", "#"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

impl Server {
    fn new(out: Writer) -> Server {
        Server {
            out,
            initialized: false,
            shutdown: false,
            docs: BTreeMap::new(),
            pending: Vec::new(),
            published: HashMap::new(),
            sirets: HashMap::new(),
            views: HashMap::new(),
            schemas: keys::Schemas::load(),
            rule_docs: diagnostics::RuleDocs::default(),
        }
    }

    fn serve(&mut self, incoming: &mpsc::Receiver<Incoming>) -> bool {
        while let Ok(first) = incoming.recv() {
            let mut next = Some(first);
            while let Some(message) = next {
                if self.handle(message) == Flow::Exit {
                    return self.shutdown;
                }
                next = incoming.try_recv().ok();
            }
            self.run_checks();
        }
        false // the client went away without `exit`
    }

    fn log(&mut self, typ: MessageType, message: String) {
        self.out.send(
            Notification::new(
                note::LogMessage::METHOD.into(),
                LogMessageParams { typ, message },
            )
            .into(),
        );
    }

    fn handle(&mut self, incoming: Incoming) -> Flow {
        match incoming {
            Incoming::Malformed { id, code, message } => {
                self.log(MessageType::WARNING, format!("cpo lsp: {message}"));
                self.out.send_error(id, code, &message);
                Flow::Continue
            }
            Incoming::Message(Message::Request(r)) => {
                self.on_request(r);
                Flow::Continue
            }
            Incoming::Message(Message::Notification(n)) => self.on_notification(n),
            Incoming::Message(Message::Response(_)) => Flow::Continue, // cpo sends no requests
        }
    }

    fn on_request(&mut self, r: Request) {
        let Request { id, method, params } = r;
        let refused = if method == req::Initialize::METHOD && self.initialized {
            Some(Failure::new(
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            ))
        } else if method != req::Initialize::METHOD && !self.initialized {
            Some(Failure::new(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet: send `initialize` first",
            ))
        } else if self.shutdown {
            Some(Failure::new(
                ErrorCode::InvalidRequest,
                "the server is shutting down: only `exit` is accepted",
            ))
        } else {
            None
        };
        let outcome = match refused {
            Some(f) => Err(f),
            None => match catch_unwind(AssertUnwindSafe(|| self.dispatch(&method, params))) {
                Ok(outcome) => outcome,
                Err(payload) => {
                    let what = panic_message(payload.as_ref());
                    self.log(
                        MessageType::ERROR,
                        format!("cpo lsp: internal error in {method}: {what}"),
                    );
                    Err(Failure::new(
                        ErrorCode::InternalError,
                        format!("internal error in {method}: {what}"),
                    ))
                }
            },
        };
        let response = match outcome {
            Ok(result) => Response::new_ok(id, result),
            Err(f) => Response::new_err(id, f.code as i32, f.message),
        };
        self.out.send(response.into());
    }

    fn dispatch(&mut self, method: &str, params: J) -> Result<J, Failure> {
        match method {
            req::Initialize::METHOD => call::<req::Initialize>(params, |_| {
                self.initialized = true;
                Ok(InitializeResult {
                    capabilities: capabilities(),
                    server_info: Some(ServerInfo {
                        name: "cpo".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                })
            }),
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(J::Null)
            }
            req::Completion::METHOD => call::<req::Completion>(params, |p| self.completion(p)),
            req::HoverRequest::METHOD => call::<req::HoverRequest>(params, |p| self.hover(p)),
            req::GotoDefinition::METHOD => {
                call::<req::GotoDefinition>(params, |p| self.definition(p))
            }
            req::CodeActionRequest::METHOD => {
                call::<req::CodeActionRequest>(params, |p| self.code_action(p))
            }
            req::Formatting::METHOD => call::<req::Formatting>(params, |p| self.formatting(p)),
            req::DocumentSymbolRequest::METHOD => {
                call::<req::DocumentSymbolRequest>(params, |p| self.document_symbol(p))
            }
            "cpo/panic" if std::env::var_os(PANIC_HOOK_VAR).is_some() => {
                panic!("cpo/panic was requested ({PANIC_HOOK_VAR} is set)")
            }
            _ => Err(Failure::new(
                ErrorCode::MethodNotFound,
                format!("cpo lsp does not handle `{method}`"),
            )),
        }
    }

    fn on_notification(&mut self, n: Notification) -> Flow {
        let Notification { method, params } = n;
        if method == note::Exit::METHOD {
            return Flow::Exit;
        }
        if !self.initialized {
            return Flow::Continue; // LSP: dropped until `initialize`
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| match method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                notify::<note::DidOpenTextDocument>(params, |p| self.did_open(p))
            }
            note::DidChangeTextDocument::METHOD => {
                notify::<note::DidChangeTextDocument>(params, |p| self.did_change(p))
            }
            note::DidSaveTextDocument::METHOD => {
                notify::<note::DidSaveTextDocument>(params, |p| self.did_save(p))
            }
            note::DidCloseTextDocument::METHOD => {
                notify::<note::DidCloseTextDocument>(params, |p| self.did_close(p))
            }
            // `initialized`, `$/cancelRequest` (requests are answered in
            // order, before the next is read), configuration…
            _ => Ok(()),
        }));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => self.log(MessageType::WARNING, format!("cpo lsp: {why}")),
            Err(payload) => {
                let what = panic_message(payload.as_ref());
                self.log(
                    MessageType::ERROR,
                    format!("cpo lsp: internal error in {method}: {what}"),
                );
            }
        }
        Flow::Continue
    }

    // ---------------------------------------------------------------------
    // Documents.

    /// Where a document is: its repository and its path there; `None` for
    /// a file outside any repository (or not a file).
    fn place(uri: &Uri) -> Option<Place> {
        let path = text::to_path(uri)?;
        let root = crate::repo::find_root_from(path.parent()?)?;
        let rel = path
            .strip_prefix(&root)
            .ok()?
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()?
            .join("/");
        Some(Place { root, rel })
    }

    /// The buffers changed in a repository: forget what was read from it.
    fn changed(&mut self, root: &Path) {
        self.views.retain(|(r, _, _), _| r != root);
    }

    fn schedule(&mut self, place: &Place, saved: bool) {
        let Some(scope) = Scope::of(&place.rel) else {
            return;
        };
        // A centre is checked alone once its period's SIRETs are known;
        // the first time, and on save, the whole period is, so that
        // findings across centres are up to date.
        let scope = match scope {
            Scope::Centre(period, id)
                if !saved
                    && self
                        .sirets
                        .contains_key(&(place.root.clone(), period.clone())) =>
            {
                Scope::Centre(period, id)
            }
            Scope::Centre(period, _) => Scope::Period(period),
            other => other,
        };
        self.pending.push((place.root.clone(), scope));
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        let place = Server::place(&doc.uri);
        self.docs.insert(
            doc.uri.as_str().to_string(),
            Doc {
                uri: doc.uri.clone(),
                version: doc.version,
                text: doc.text,
                place: place.clone(),
            },
        );
        if let Some(place) = place {
            self.changed(&place.root);
            self.schedule(&place, false);
        }
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                // Clients may send ranges even when asked for whole texts.
                Some(range) => {
                    let span = LineIndex::new(&doc.text).span(&range);
                    doc.text.replace_range(span, &change.text);
                }
                None => doc.text = change.text,
            }
        }
        doc.version = p.text_document.version;
        if let Some(place) = doc.place.clone() {
            self.changed(&place.root);
            self.schedule(&place, false);
        }
    }

    fn did_save(&mut self, p: DidSaveTextDocumentParams) {
        let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
            return;
        };
        if let Some(text) = p.text {
            doc.text = text;
        }
        if let Some(place) = doc.place.clone() {
            self.changed(&place.root);
            self.schedule(&place, true);
        }
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let key = p.text_document.uri.as_str().to_string();
        let Some(doc) = self.docs.remove(&key) else {
            return;
        };
        self.published.remove(&key);
        self.publish(doc.uri, Vec::new(), None);
        // Its unsaved text no longer counts: check the others again.
        if let Some(place) = doc.place {
            self.changed(&place.root);
            if self
                .docs
                .values()
                .any(|d| d.place.as_ref().is_some_and(|p| p.root == place.root))
            {
                self.schedule(&place, false);
            }
        }
    }

    /// The open documents of a repository, by path, for the overlay.
    fn buffers(&self, root: &Path) -> BTreeMap<String, String> {
        self.docs
            .values()
            .filter_map(|d| {
                let p = d.place.as_ref()?;
                (p.root == root).then(|| (p.rel.clone(), d.text.clone()))
            })
            .collect()
    }

    /// The URI of a repository file: the editor's own when it is open.
    fn uri_for(&self, root: &Path, rel: &str) -> Option<Uri> {
        self.docs
            .values()
            .find(|d| {
                d.place
                    .as_ref()
                    .is_some_and(|p| p.root == root && p.rel == rel)
            })
            .map(|d| d.uri.clone())
            .or_else(|| text::from_path(&root.join(rel)))
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.out.send(
            Notification::new(
                note::PublishDiagnostics::METHOD.into(),
                PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                },
            )
            .into(),
        );
    }

    // ---------------------------------------------------------------------
    // Checking.

    fn run_checks(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let mut by_root: BTreeMap<PathBuf, Vec<Scope>> = BTreeMap::new();
        for (root, scope) in pending {
            by_root.entry(root).or_default().push(scope);
        }
        for (root, scopes) in by_root {
            for scope in scope::coalesce(scopes) {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| self.check(&root, &scope))) {
                    let what = panic_message(payload.as_ref());
                    self.log(
                        MessageType::ERROR,
                        format!(
                            "cpo lsp: internal error checking {}: {what}",
                            root.display()
                        ),
                    );
                }
            }
        }
    }

    /// The centres that share centre `id`'s SIRET, as it is now or as it
    /// was at the last check: `duplicate-siret` may appear or go away in
    /// their files.
    fn twins(&self, root: &Path, period: &str, id: &str) -> BTreeSet<String> {
        let Some(known) = self.sirets.get(&(root.to_path_buf(), period.to_string())) else {
            return BTreeSet::new();
        };
        let rel = layout::centre_toml(period, id);
        let text = match self.docs.values().find(|d| {
            d.place
                .as_ref()
                .is_some_and(|p| p.root == root && p.rel == rel)
        }) {
            Some(d) => d.text.clone(),
            None => std::fs::read_to_string(root.join(&rel)).unwrap_or_default(),
        };
        let now = crate::model::node::parse_toml(crate::diag::FileId(0), &text)
            .ok()
            .and_then(|t| {
                t.path(&["association", "siret"])
                    .and_then(|n| n.as_str().map(str::to_string))
            });
        let sirets: Vec<&str> = now
            .as_deref()
            .into_iter()
            .chain(known.get(id).map(String::as_str))
            .collect();
        known
            .iter()
            .filter(|(other, s)| *other != id && sirets.contains(&s.as_str()))
            .map(|(other, _)| other.clone())
            .collect()
    }

    fn check(&mut self, root: &Path, scope: &Scope) {
        let (period, centres) = match scope {
            Scope::All => (None, None),
            Scope::Period(p) => (Some(p.clone()), None),
            Scope::Centre(p, id) => {
                let mut set = self.twins(root, p, id);
                set.insert(id.clone());
                (Some(p.clone()), Some(set))
            }
        };
        // The findings of every centre checked are complete.
        let checked_centres = centres.clone().unwrap_or_default();
        let covers = |rel: &str| {
            scope.covers(rel)
                || match FileKind::of(rel) {
                    FileKind::Centre { period: p, id } | FileKind::CentreText { period: p, id } => {
                        Some(p.as_str()) == options_period(scope) && checked_centres.contains(&id)
                    }
                    _ => false,
                }
        };
        let overlay = Overlay::new(Box::new(WorkTree::new(root)), self.buffers(root));
        let tree = ScopedTree::new(Box::new(overlay), period.clone(), centres.clone());
        let project = match Project::with_tree(root, Box::new(tree)) {
            Ok(p) => p,
            Err(e) => {
                self.log(MessageType::ERROR, format!("cpo lsp: {e:#}"));
                return;
            }
        };
        let options = Options {
            period,
            centres: centres.map(|c| c.into_iter().collect()).unwrap_or_default(),
            deny_warnings: false,
            findings_only: false,
        };
        let checked = project.check(&options);
        for p in &checked.outcome.periods {
            let key = (root.to_path_buf(), p.label.clone());
            let complete = !matches!(scope, Scope::Centre(..));
            if complete {
                self.sirets.remove(&key);
            }
            if complete || self.sirets.contains_key(&key) {
                let known = self.sirets.entry(key).or_default();
                for conv in &p.conventions {
                    known.insert(conv.id.clone(), conv.data.association.siret.clone());
                }
            }
        }
        let sources = &checked.snapshot().sources;
        let mut by_file: HashMap<&str, Vec<&crate::diag::Diagnostic>> = HashMap::new();
        for d in checked.diagnostics() {
            by_file
                .entry(sources.get(d.loc.file).path.as_str())
                .or_default()
                .push(d);
        }
        let targets: Vec<(Uri, i32, String)> = self
            .docs
            .values()
            .filter_map(|d| {
                let p = d.place.as_ref()?;
                (p.root == root && covers(&p.rel))
                    .then(|| (d.uri.clone(), d.version, p.rel.clone()))
            })
            .collect();
        for (uri, version, rel) in targets {
            let Some(file) = sources.find(&rel).map(|f| sources.get(f)) else {
                // Not read by this check (a file of no period…): nothing to say.
                continue;
            };
            let index = LineIndex::new(&file.text);
            let mut published = Vec::new();
            for d in by_file.get(rel.as_str()).into_iter().flatten() {
                let related: Vec<DiagnosticRelatedInformation> = diagnostics::related(&checked, d)
                    .into_iter()
                    .filter_map(|(loc, message)| {
                        let other = sources.get(loc.file);
                        Some(DiagnosticRelatedInformation {
                            location: Location::new(
                                self.uri_for(root, &other.path)?,
                                LineIndex::new(&other.text).range(&loc.span()),
                            ),
                            message,
                        })
                    })
                    .collect();
                let diagnostic = lsp_types::Diagnostic {
                    range: index.range(&d.loc.span()),
                    severity: Some(diagnostics::severity(d.severity)),
                    code: Some(NumberOrString::String(d.rule.name().into())),
                    code_description: self
                        .rule_docs
                        .href(d.rule)
                        .map(|href| CodeDescription { href }),
                    source: Some("cpo".into()),
                    message: diagnostics::message(d),
                    related_information: (!related.is_empty()).then_some(related),
                    tags: None,
                    data: None,
                };
                published.push(Published {
                    rule: d.rule,
                    help: d.help.clone(),
                    was: file.text.get(d.loc.span()).unwrap_or_default().to_string(),
                    diagnostic,
                });
            }
            let diagnostics = published.iter().map(|p| p.diagnostic.clone()).collect();
            self.published.insert(uri.as_str().to_string(), published);
            self.publish(uri, diagnostics, Some(version));
        }
    }

    // ---------------------------------------------------------------------
    // Requests.

    /// An open document and the byte offset of a position in it.
    fn doc_at(&self, uri: &Uri, position: Option<Position>) -> Option<(Doc, usize)> {
        let doc = self.docs.get(uri.as_str())?.clone();
        let offset = position.map_or(0, |p| LineIndex::new(&doc.text).offset(p));
        Some((doc, offset))
    }

    /// A centre of a period to show base.md's variables with: an open one,
    /// else the first.
    fn sample_centre(&self, root: &Path, period: &str) -> Option<String> {
        let open = self.docs.values().find_map(|d| {
            let p = d.place.as_ref()?;
            match FileKind::of(&p.rel) {
                FileKind::Centre { period: q, id } if p.root == root && q == period => Some(id),
                _ => None,
            }
        });
        open.or_else(|| {
            WorkTree::new(root)
                .list(&layout::centres_dir(period))
                .ok()?
                .into_iter()
                .find_map(|e| e.name.strip_suffix(".toml").map(str::to_string))
        })
    }

    /// The view of the period (and centre) a document belongs to.
    fn view(&mut self, place: &Place) -> Option<Rc<View>> {
        let kind = FileKind::of(&place.rel);
        let period = kind.period()?.to_string();
        let centre = match kind.centre() {
            Some(id) => Some(id.to_string()),
            None => self.sample_centre(&place.root, &period),
        };
        let key = (place.root.clone(), period.clone(), centre.clone());
        if let Some(v) = self.views.get(&key) {
            return Some(Rc::clone(v));
        }
        match View::build(
            &place.root,
            self.buffers(&place.root),
            &period,
            centre.as_deref(),
        ) {
            Ok(v) => {
                let v = Rc::new(v);
                self.views.insert(key, Rc::clone(&v));
                Some(v)
            }
            Err(e) => {
                self.log(MessageType::ERROR, format!("cpo lsp: {e:#}"));
                None
            }
        }
    }

    fn completion(&mut self, p: CompletionParams) -> Result<Option<CompletionResponse>, Failure> {
        let at = p.text_document_position;
        let Some((doc, offset)) = self.doc_at(&at.text_document.uri, Some(at.position)) else {
            return Ok(None);
        };
        let Some(place) = &doc.place else {
            return Ok(None);
        };
        let view = self.view(place);
        let items = complete::complete(
            &doc.text,
            &place.rel,
            offset,
            view.as_deref(),
            &self.schemas,
        );
        Ok(Some(CompletionResponse::Array(items)))
    }

    fn hover(&mut self, p: HoverParams) -> Result<Option<Hover>, Failure> {
        let at = p.text_document_position_params;
        let Some((doc, offset)) = self.doc_at(&at.text_document.uri, Some(at.position)) else {
            return Ok(None);
        };
        let Some(place) = &doc.place else {
            return Ok(None);
        };
        let view = self.view(place);
        let Some((markdown, span)) = hover::hover(
            &doc.text,
            &place.rel,
            offset,
            view.as_deref(),
            &self.schemas,
        ) else {
            return Ok(None);
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(LineIndex::new(&doc.text).range(&span)),
        }))
    }

    fn definition(
        &mut self,
        p: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>, Failure> {
        let at = p.text_document_position_params;
        let Some((doc, offset)) = self.doc_at(&at.text_document.uri, Some(at.position)) else {
            return Ok(None);
        };
        let Some(place) = &doc.place else {
            return Ok(None);
        };
        let Some(view) = self.view(place) else {
            return Ok(None);
        };
        let locations: Vec<Location> = goto::definition(&doc.text, &place.rel, offset, &view)
            .into_iter()
            .filter_map(|(rel, span)| {
                let sources = &view.project.snapshot().sources;
                let text = sources
                    .find(&rel)
                    .map(|f| sources.get(f).text.clone())
                    .unwrap_or_default();
                Some(Location::new(
                    self.uri_for(&place.root, &rel)?,
                    LineIndex::new(&text).range(&span),
                ))
            })
            .collect();
        Ok(match locations.len() {
            0 => None,
            1 => locations
                .into_iter()
                .next()
                .map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locations)),
        })
    }

    fn code_action(&mut self, p: CodeActionParams) -> Result<Option<CodeActionResponse>, Failure> {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get(uri.as_str()) else {
            return Ok(None);
        };
        let published = self
            .published
            .get(uri.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        Ok(Some(actions::quick_fixes(
            &uri, &doc.text, &p.range, published,
        )))
    }

    fn formatting(
        &mut self,
        p: DocumentFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>, Failure> {
        let Some((doc, _)) = self.doc_at(&p.text_document.uri, None) else {
            return Ok(None);
        };
        let Some(place) = &doc.place else {
            return Ok(None);
        };
        let Some(schema) = self.schemas.for_path(&place.rel) else {
            return Ok(None); // not a TOML file cpo formats
        };
        let formatted = crate::lifecycle::fmt::format_toml(&doc.text, schema).map_err(|e| {
            Failure::new(
                ErrorCode::RequestFailed,
                format!("cannot format {}: {e:#}", place.rel),
            )
        })?;
        if formatted == doc.text {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![TextEdit {
            range: LineIndex::new(&doc.text).whole(),
            new_text: formatted,
        }]))
    }

    fn document_symbol(
        &mut self,
        p: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>, Failure> {
        let Some((doc, _)) = self.doc_at(&p.text_document.uri, None) else {
            return Ok(None);
        };
        let Some(place) = &doc.place else {
            return Ok(None);
        };
        Ok(Some(DocumentSymbolResponse::Nested(symbols::symbols(
            &doc.text, &place.rel,
        ))))
    }
}
