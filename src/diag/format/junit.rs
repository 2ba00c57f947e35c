//! JUnit XML, valid against the Jenkins xUnit plugin's `junit-10.xsd` (the
//! schema most JUnit consumers follow), for CI test views.
//!
//! The shape: one `<testsuite>` per file, named by its path; in it, one
//! `<testcase>` per finding, named `RULE at FILE:LINE:COL`, or a single
//! passing test case named by the path when the file has no finding.
//! Errors fail their test case with exactly one `<failure>`. Warnings are
//! passing test cases whose `<system-out>` carries the finding: a warning
//! does not fail `cpo check`, so it must not fail the test report either
//! (`skipped` would say the check did not run, which is false). With
//! `--deny warnings` they are errors, and fail like any other. The counts
//! are those of the elements written: `tests` test cases, `failures`
//! failures, no errors, nothing skipped.
//!
//! The XSD has no `file` attribute on a test case and no `skipped` on
//! `<testsuites>`, so neither is written. Attribute values keep their
//! line breaks as `&#10;` (a raw line break in an attribute is read back as
//! a space); characters XML 1.0 cannot carry are dropped.

use std::collections::{HashMap, HashSet};

use crate::diag::{Located, Report, Severity};

/// One `<testsuite>`: a file and its findings.
struct Suite<'a> {
    path: &'a str,
    findings: Vec<Located<'a>>,
}

impl Suite<'_> {
    /// Test cases written: one per finding, or the file's passing one.
    fn tests(&self) -> usize {
        self.findings.len().max(1)
    }

    fn failures(&self) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

pub(super) fn write(report: &Report<'_>) -> String {
    // Files in the order they were read, each once; findings in report order.
    let mut findings: HashMap<&str, Vec<Located<'_>>> = HashMap::new();
    for d in report.located() {
        findings.entry(d.file).or_default().push(d);
    }
    let mut suites: Vec<Suite<'_>> = Vec::new();
    let mut seen = HashSet::new();
    for (_, file) in report.sources.iter() {
        let path = file.path.as_str();
        if !seen.insert(path) {
            continue;
        }
        let findings = findings.remove(path).unwrap_or_default();
        if file.exists || !findings.is_empty() {
            suites.push(Suite { path, findings });
        }
    }

    let tests: usize = suites.iter().map(Suite::tests).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"cpo check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    for suite in &suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
            attribute(suite.path),
            suite.tests(),
            suite.failures()
        ));
        if suite.findings.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"cpo.check\"/>\n",
                attribute(suite.path)
            ));
        }
        for d in &suite.findings {
            out.push_str(&testcase(d));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(d: &Located<'_>) -> String {
    let place = format!("{}:{}:{}", d.file, d.line, d.column);
    let mut details = format!("{place}: {}[{}]: {}", d.severity, d.rule, d.message);
    if let Some(help) = d.help {
        details.push_str(&format!("\nhelp: {help}"));
    }
    let body = match d.severity {
        Severity::Error => format!(
            "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
            d.rule,
            attribute(d.message),
            text(&details)
        ),
        Severity::Warning => format!("      <system-out>{}</system-out>\n", text(&details)),
    };
    format!(
        "    <testcase name=\"{} at {}\" classname=\"cpo.check.{}\">\n{body}    </testcase>\n",
        d.rule,
        attribute(&place),
        d.rule
    )
}

/// Escaped for element content.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escaped for a double-quoted attribute value, whitespace kept.
fn attribute(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // Attribute-value normalisation turns these into spaces.
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            // Characters XML 1.0 forbids, even as references.
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_line_breaks_and_drops_what_xml_forbids() {
        assert_eq!(
            attribute("<a href=\"x\">&'\u{1}\nb\tc"),
            "&lt;a href=&quot;x&quot;&gt;&amp;'&#10;b&#9;c"
        );
        assert_eq!(text("a\n\"b\"\r\u{1b}"), "a\n\"b\"&#13;");
    }
}
