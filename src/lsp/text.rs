//! Positions and file names as LSP has them.
//!
//! cpo locates everything by byte offsets into UTF-8 text; LSP counts lines
//! from 0 and columns in UTF-16 code units (the only encoding every client
//! supports, and the one this server announces). « é » is two bytes and one
//! unit, « 𝄞 » four bytes and two units: the conversion goes through the
//! characters of the line, never through byte arithmetic.
//!
//! Documents are named by `file://` URIs, percent-encoded; the repository
//! works with paths. Only `file` URIs name files cpo can check.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Uri};

/// Where the lines of a text start, to convert offsets and positions.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped to the text, and to the start
    /// of the character it falls in).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let character: usize = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a position. A line past the end gives the end of
    /// the text; a column past the end of its line, the end of the line
    /// (LSP asks servers to clamp so).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub fn range(&self, span: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn span(&self, range: &lsp_types::Range) -> Range<usize> {
        let start = self.offset(range.start);
        start..self.offset(range.end).max(start)
    }

    /// The range of the whole text.
    pub fn whole(&self) -> lsp_types::Range {
        self.range(&(0..self.text.len()))
    }
}

/// The path a `file://` URI names; `None` for any other scheme.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(rest)?;
    // `file:///C:/x` names `C:/x` on Windows.
    if cfg!(windows) {
        let b = decoded.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
            return Some(PathBuf::from(&decoded[1..]));
        }
    }
    Some(PathBuf::from(decoded))
}

/// The `file://` URI of a path (absolute, UTF-8).
pub fn from_path(path: &Path) -> Option<Uri> {
    let s = path.to_str()?;
    let s = s.replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_units() {
        let text = "é = 1\n𝄞x = \"ü\"\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(0), Position::new(0, 0));
        assert_eq!(
            idx.position(2),
            Position::new(0, 1),
            "after é (2 bytes, 1 unit)"
        );
        let x = text.find('x').unwrap();
        assert_eq!(
            idx.position(x),
            Position::new(1, 2),
            "after 𝄞 (4 bytes, 2 units)"
        );
        assert_eq!(idx.offset(Position::new(1, 2)), x);
        assert_eq!(idx.offset(Position::new(1, 99)), text.len() - 1, "clamped");
        assert_eq!(idx.offset(Position::new(9, 0)), text.len());
        for offset in 0..=text.len() {
            if text.is_char_boundary(offset) {
                assert_eq!(idx.offset(idx.position(offset)), offset);
            }
        }
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/dépôt cpo/periods/2022-2025/base.toml");
        let uri = from_path(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/d%C3%A9p%C3%B4t%20cpo/periods/2022-2025/base.toml"
        );
        assert_eq!(to_path(&uri).unwrap(), path);
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(to_path(&other), None);
    }
}
