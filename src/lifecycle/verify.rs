//! `cpo verify FILE`: which convention a rendered document is, and whether
//! it says what the repository says.
//!
//! Every rendered document carries its kind, centre id, period, full
//! fingerprint and date: HTML in `<meta name="cpo-…">` elements, PDF in its
//! metadata keywords (`cpo-convention:ID`, `cpo-period:…`,
//! `cpo-fingerprint:…`, `cpo-date:…`, stored in clear in the XMP packet),
//! Markdown in its first-line comment. That label is only where to look:
//! `verify` renders the convention again from the repository (with the
//! document's date) and compares what the file says — every byte of a PDF
//! (cpo's PDFs are deterministic), the text of HTML and Markdown — so a
//! changed number, word or byte is found, not just a changed label.

use anyhow::{Result, bail};

use crate::render::ir::DocumentKind;

/// What a document says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub kind: DocumentKind,
    pub id: String,
    pub period: String,
    pub fingerprint: String,
    /// The document's date (ISO), when it carries one (cpo 0.2 and later).
    pub date: Option<String>,
}

fn is_value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The value after `prefix` up to the first character that cannot be part of it.
fn after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let start = text.find(prefix)? + prefix.len();
    let rest = &text[start..];
    let end = rest.find(|c: char| !is_value_char(c)).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The date keyword of a PDF (`cpo-date:2024-01-05`).
fn after_date(text: &str) -> Option<&str> {
    let start = text.find("cpo-date:")? + "cpo-date:".len();
    text.get(start..start + 10)
}

fn meta<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let at = html.find(&format!("<meta name=\"{name}\" content=\""))?;
    let rest = &html[at..];
    let start = rest.find("content=\"")? + 9;
    let end = rest[start..].find('"')?;
    Some(&rest[start..start + end])
}

/// Read a document's identity from its bytes (HTML, PDF or Markdown).
pub fn identity(bytes: &[u8]) -> Result<Identity> {
    let text = String::from_utf8_lossy(bytes);
    let fingerprint_ok = |f: &str| f.len() == 64 && f.bytes().all(|b| b.is_ascii_hexdigit());
    let date_ok = |d: &str| d.len() == 10 && d.parse::<jiff::civil::Date>().is_ok();
    for kind in [DocumentKind::Convention, DocumentKind::Avenant] {
        let kind_name = kind.as_str();
        // HTML `<meta>` elements, then PDF keywords.
        let found = [
            (
                meta(&text, &format!("cpo-{kind_name}")),
                meta(&text, "cpo-period"),
                meta(&text, "cpo-fingerprint"),
                meta(&text, "cpo-date"),
            ),
            (
                after(&text, &format!("cpo-{kind_name}:")),
                after(&text, "cpo-period:"),
                after(&text, "cpo-fingerprint:"),
                after_date(&text),
            ),
        ];
        for (id, period, fp, date) in found {
            if let (Some(id), Some(period), Some(fp)) = (id, period, fp)
                && fingerprint_ok(fp)
            {
                return Ok(Identity {
                    kind,
                    id: id.into(),
                    period: period.into(),
                    fingerprint: fp.into(),
                    date: date.filter(|d| date_ok(d)).map(str::to_string),
                });
            }
        }
    }
    // Markdown: `<!-- cpo: KIND ID PERIOD FINGERPRINT -->`.
    if let Some(line) = text.lines().next()
        && let Some(inner) = line
            .strip_prefix("<!-- cpo: ")
            .and_then(|l| l.strip_suffix(" -->"))
    {
        let parts: Vec<&str> = inner.split_whitespace().collect();
        let (kind, id, period, fp, date) = match parts.as_slice() {
            [kind, id, period, fp] => (*kind, *id, *period, *fp, None),
            [kind, id, period, fp, date] => (*kind, *id, *period, *fp, Some(*date)),
            _ => ("", "", "", "", None),
        };
        if let Some(kind) = DocumentKind::parse(kind)
            && fingerprint_ok(fp)
        {
            return Ok(Identity {
                kind,
                id: id.into(),
                period: period.into(),
                fingerprint: fp.into(),
                date: date.filter(|d| date_ok(d)).map(str::to_string),
            });
        }
    }
    bail!("this file carries no cpo identity: it is not a document rendered by cpo")
}

/// Where a rendered file and the repository's rendering first differ, in
/// words: the line (text formats) or the byte (PDF).
pub fn first_difference(file: &[u8], expected: &[u8], text: bool) -> Option<String> {
    if file == expected {
        return None;
    }
    if text {
        let a = String::from_utf8_lossy(file);
        let b = String::from_utf8_lossy(expected);
        for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            if x != y {
                let shorten = |s: &str| -> String {
                    let s = s.trim();
                    if s.chars().count() > 160 {
                        format!("{}…", s.chars().take(160).collect::<String>())
                    } else {
                        s.to_string()
                    }
                };
                return Some(format!(
                    "line {}: the file says « {} » where the repository gives « {} »",
                    n + 1,
                    shorten(x),
                    shorten(y)
                ));
            }
        }
        return Some(format!(
            "the file has {} lines, the repository's rendering {}",
            a.lines().count(),
            b.lines().count()
        ));
    }
    let at = file
        .iter()
        .zip(expected)
        .position(|(x, y)| x != y)
        .unwrap_or(file.len().min(expected.len()));
    Some(format!(
        "byte {at} differs (the file has {} bytes, the repository's rendering {})",
        file.len(),
        expected.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pdf_and_markdown_identities() {
        let fp = "a".repeat(64);
        let html = format!(
            "<meta name=\"cpo-convention\" content=\"beaulieu\">\n<meta name=\"cpo-period\" content=\"2022-2025\">\n<meta name=\"cpo-fingerprint\" content=\"{fp}\">"
        );
        let want = Identity {
            kind: DocumentKind::Convention,
            id: "beaulieu".into(),
            period: "2022-2025".into(),
            fingerprint: fp.clone(),
            date: None,
        };
        assert_eq!(identity(html.as_bytes()).unwrap(), want);
        let pdf = format!(
            "%PDF-1.7 ... <pdf:Keywords>cpo-convention:beaulieu, cpo-period:2022-2025, cpo-fingerprint:{fp}</pdf:Keywords>"
        );
        assert_eq!(identity(pdf.as_bytes()).unwrap(), want);
        let md = format!("<!-- cpo: convention beaulieu 2022-2025 {fp} -->\n# Titre");
        assert_eq!(identity(md.as_bytes()).unwrap(), want);
        assert!(identity(b"%PDF-1.7 nothing").is_err());
    }
}
