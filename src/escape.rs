//! Escaping text for the languages cpo writes: HTML, XML and Markdown.
//!
//! One module, so that the documents (`render`), the reports (`diff`) and the
//! CI formats (`diag::format`) cannot escape the same character two ways.
//! Every function takes text that is data (a centre's name, a message) and
//! returns it so that the target language shows it as written and never
//! reads it as markup.

/// Escape text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for XML 1.0 content and attribute values. Characters XML
/// forbids (controls other than tab, newline, carriage return) are dropped;
/// newlines and tabs are written as character references so that they
/// survive attribute-value normalisation (`message="a&#10;b"`).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escape a value for Markdown so that it reads as the text it is, on one
/// line: every ASCII punctuation character is backslash-escaped (CommonMark
/// allows it for all of them, and shows the character itself), and line
/// breaks become spaces, so a value can neither open a block (heading,
/// list, fence, quote, table row) nor an inline construct (emphasis, code,
/// link, HTML).
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '\r' => {}
            '\n' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escape running text for Markdown with as few backslashes as reading
/// allows: the characters that open inline markup (`\` `` ` `` `*` `_`
/// `[` `]` `<` `>` `#` `|` `~` `!`) anywhere, and what would open a block
/// at the start of a line (`-`, `+`, `=`, `1.`). Line breaks are kept (the
/// caller indents them). Safe in table cells (`|` is escaped).
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        out.push_str(&line[..indent]);
        let rest = &line[indent..];
        // A list number (`2022.` or `3)`) at the start of a line: escape
        // its punctuation, since a digit cannot be escaped.
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut skip_to = 0;
        if digits > 0 && matches!(rest.as_bytes().get(digits), Some(b'.' | b')')) {
            out.push_str(&rest[..digits]);
            out.push('\\');
            skip_to = digits;
        } else if rest.starts_with(['-', '+', '=']) {
            out.push('\\');
        }
        for c in rest[skip_to..].chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_xml() {
        assert_eq!(
            html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}\nb"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;b"
        );
    }

    #[test]
    fn markdown_values_cannot_make_structure() {
        assert_eq!(
            markdown("Nom\n\n## Article pirate {#recours}"),
            "Nom  \\#\\# Article pirate \\{\\#recours\\}"
        );
        assert_eq!(markdown("```"), "\\`\\`\\`");
        assert_eq!(markdown("- a | b"), "\\- a \\| b");
        assert_eq!(markdown("Maison d'Étouvie"), "Maison d\\'Étouvie");
        assert_eq!(markdown_text("- a | b # c"), "\\- a \\| b \\# c");
        assert_eq!(markdown_text("2022. Bilan"), "2022\\. Bilan");
        assert_eq!(markdown_text("le 1er"), "le 1er");
    }
}
