//! LSP's base protocol on stdio: `Content-Length` framed JSON-RPC.
//!
//! lsp-server's own stdio transport stops at the first message that is not
//! valid JSON-RPC (its reader thread returns an error and the server loses
//! its input). A client bug must not cost the user their diagnostics, so
//! this reader answers what it cannot read — a parse error, an invalid
//! request with the id it could find — and goes on with the next message.
//! Messages are lsp-server's types; only the framing is ours.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message};
use serde_json::json;

/// The largest message read (a 2 MiB file is the most cpo reads; JSON
/// escaping can double it).
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// What the reader hands the server.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A message that could not be read: answer it (when it has an id) and
    /// go on.
    Malformed {
        id: Option<serde_json::Value>,
        code: ErrorCode,
        message: String,
    },
}

/// Read messages from `input` on a thread of their own, so that the server
/// can see whether more are waiting (and coalesce edits) before it checks.
/// The channel closes at the end of input or after an `exit` notification.
pub fn spawn_reader<R: BufRead + Send + 'static>(mut input: R) -> mpsc::Receiver<Incoming> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("cpo-lsp-reader".into())
        .spawn(move || {
            while let Some(incoming) = read(&mut input) {
                let exit = matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
                if tx.send(incoming).is_err() || exit {
                    break;
                }
            }
        })
        .ok();
    rx
}

/// One message, or `None` at the end of input.
fn read(input: &mut impl BufRead) -> Option<Incoming> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue; // blank lines between messages
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {} // Content-Type and any other header
            None => bad_header = Some(format!("malformed header `{header}`")),
        }
    }
    let Some(length) = length else {
        return Some(malformed(
            None,
            ErrorCode::ParseError,
            bad_header.unwrap_or_else(|| "no Content-Length header".into()),
        ));
    };
    if length > MAX_MESSAGE {
        // Read it away so that the next message starts where it should.
        let skipped = io::copy(&mut input.take(length as u64), &mut io::sink()).ok()?;
        if skipped < length as u64 {
            return None;
        }
        return Some(malformed(
            None,
            ErrorCode::InvalidRequest,
            format!("message of {length} bytes, beyond the {MAX_MESSAGE} this server reads"),
        ));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    Some(parse(&body))
}

/// A message from its JSON text.
pub fn parse(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return malformed(None, ErrorCode::ParseError, format!("invalid JSON: {e}")),
    };
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned();
    if !value.is_object() {
        return malformed(
            None,
            ErrorCode::InvalidRequest,
            "a message is a JSON object (batches are not part of LSP)".into(),
        );
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => malformed(
            id,
            ErrorCode::InvalidRequest,
            format!("invalid message: {e}"),
        ),
    }
}

fn malformed(id: Option<serde_json::Value>, code: ErrorCode, message: String) -> Incoming {
    Incoming::Malformed { id, code, message }
}

/// Writes messages to the client.
pub struct Writer {
    out: Box<dyn Write + Send>,
}

impl Writer {
    pub fn new(out: Box<dyn Write + Send>) -> Writer {
        Writer { out }
    }

    pub fn send(&mut self, message: Message) {
        // A client that went away is noticed by the reader (end of input).
        let _ = message.write(&mut self.out);
    }

    /// An error answer with an id lsp-server cannot represent (`null`, for
    /// a message whose id could not be read).
    pub fn send_error(&mut self, id: Option<serde_json::Value>, code: ErrorCode, message: &str) {
        let body = json!({
            "jsonrpc": "2.0",
            "id": id.unwrap_or(serde_json::Value::Null),
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_messages_are_reported_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
            "X-Nonsense\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":8,"method":"shutdown"}"#),
        ]
        .concat();
        let mut input = io::Cursor::new(input.into_bytes());
        let mut got = Vec::new();
        while let Some(m) = read(&mut input) {
            got.push(m);
        }
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(matches!(
            &got[0],
            Incoming::Malformed {
                id: None,
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(
            matches!(&got[1], Incoming::Malformed { id: Some(id), code: ErrorCode::InvalidRequest, .. } if id == 7)
        );
        assert!(matches!(&got[2], Incoming::Malformed { id: None, .. }));
        assert!(
            matches!(&got[3], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
    }
}
