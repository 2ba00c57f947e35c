//! `cpo verify FILE`: which convention a rendered document is, and whether
//! the repository still matches it.
//!
//! Every rendered document carries its kind, centre id, period and full
//! fingerprint: HTML in `<meta name="cpo-…">` elements, PDF in its
//! metadata keywords (`cpo-convention:ID`, `cpo-period:…`,
//! `cpo-fingerprint:…`, stored in clear in the XMP packet), Markdown in its
//! first-line comment.

use anyhow::{Result, bail};

/// What a document says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `convention` or `avenant`.
    pub kind: String,
    pub id: String,
    pub period: String,
    pub fingerprint: String,
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
    for kind in ["convention", "avenant"] {
        // HTML `<meta>` elements, then PDF keywords.
        let found = [
            (
                meta(&text, &format!("cpo-{kind}")),
                meta(&text, "cpo-period"),
                meta(&text, "cpo-fingerprint"),
            ),
            (
                after(&text, &format!("cpo-{kind}:")),
                after(&text, "cpo-period:"),
                after(&text, "cpo-fingerprint:"),
            ),
        ];
        for (id, period, fp) in found {
            if let (Some(id), Some(period), Some(fp)) = (id, period, fp)
                && fingerprint_ok(fp)
            {
                return Ok(Identity {
                    kind: kind.into(),
                    id: id.into(),
                    period: period.into(),
                    fingerprint: fp.into(),
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
        if let [kind, id, period, fp] = parts.as_slice()
            && fingerprint_ok(fp)
        {
            return Ok(Identity {
                kind: (*kind).into(),
                id: (*id).into(),
                period: (*period).into(),
                fingerprint: (*fp).into(),
            });
        }
    }
    bail!("this file carries no cpo identity: it is not a document rendered by cpo")
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
            kind: "convention".into(),
            id: "beaulieu".into(),
            period: "2022-2025".into(),
            fingerprint: fp.clone(),
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
