//! The wire of the Language Server Protocol, as an editor speaks it to
//! `cpo lsp` over stdio: Content-Length framed JSON-RPC, read on a thread
//! of its own so that every wait can have a timeout. Shared by the editor
//! tests (`tests/cli/lsp.rs`) and the benchmark (`benches/lsp.rs`, which
//! includes this file by path).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;

use serde_json::Value;

/// A `file://` URI of a path, percent-encoded as editors send them.
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().expect("UTF-8 path").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The next framed message, or `None` at the end of the stream.
fn read_message(out: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A running `cpo lsp`: its input, and its messages as they come.
pub struct Wire {
    pub child: Child,
    pub stdin: ChildStdin,
    pub messages: mpsc::Receiver<Value>,
}

impl Wire {
    /// Start the server `command` describes, stdin and stdout piped.
    pub fn spawn(mut command: Command) -> Wire {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting cpo lsp");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Wire {
            child,
            stdin,
            messages,
        }
    }

    /// Send a body as it is, framed (a test may send one that is not JSON).
    pub fn raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: &Value) {
        self.raw(&message.to_string());
    }
}
