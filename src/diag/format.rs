//! Output formats of `cpo check`. Every format is a function of the same
//! [`Report`]: `--format json` carries the same data as the human output.

use serde::Serialize;

use super::{Located, Report, Severity};

/// `cpo check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-like, with the source line and a caret
    Human,
    /// file:line:col: severity[rule]: message
    Short,
    /// One JSON object: diagnostics and summary (SPEC §5)
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML
    Junit,
    /// SARIF 2.1.0
    Sarif,
}

impl Format {
    /// The whole output for `report`. `color` only affects `human`.
    pub fn write(self, report: &Report<'_>, color: bool) -> String {
        match self {
            Format::Human => human(report, color),
            Format::Short => short(report),
            Format::Json => json(report),
            Format::Github => github(report),
            Format::Gitlab => gitlab(report),
            Format::Junit => junit(report),
            Format::Sarif => sarif(report),
        }
    }
}

fn short(report: &Report<'_>) -> String {
    let mut out = String::new();
    for d in report.located() {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            d.file, d.line, d.column, d.severity, d.rule, d.message
        ));
    }
    out
}

/// rustc-like: the finding, its place, the source line with a caret
/// under the span, and the help line.
fn human(report: &Report<'_>, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};

    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in report.located() {
        let file = report.sources.get(d.file_id);
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message).id(d.rule.name());
        let group = if !file.exists || file.text.is_empty() {
            title.element(Origin::path(d.file).line(d.line).char_column(d.column - 1))
        } else {
            // Only the finding's first line is shown; the caret covers the
            // span on that line, at least one character.
            let line = file.line_span(d.line);
            let source = &file.text[line.clone()];
            let floor = |i: usize| {
                (0..=i)
                    .rev()
                    .find(|&j| source.is_char_boundary(j))
                    .unwrap_or(0)
            };
            let ceil = |i: usize| {
                (i..=source.len())
                    .find(|&j| source.is_char_boundary(j))
                    .unwrap_or(source.len())
            };
            let start = floor(d.span.start.clamp(line.start, line.end) - line.start);
            let mut end = ceil(d.span.end.clamp(line.start, line.end) - line.start);
            if end <= start {
                end = source[start..]
                    .char_indices()
                    .nth(1)
                    .map_or(source.len(), |(i, _)| start + i);
            }
            title.element(
                Snippet::source(source)
                    .line_start(d.line)
                    .path(d.file)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        };
        let group = match d.help {
            Some(help) => group.element(Level::HELP.message(help)),
            None => group,
        };
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(report, color));
    out
}

/// The last line of the human output.
fn summary_line(report: &Report<'_>, color: bool) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (errors, warnings) = (report.errors(), report.warnings());
    let files = plural(report.files, "file");
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    if errors + warnings == 0 {
        format!(
            "{}: {files} checked, no problem found\n",
            paint("1;32", "ok")
        )
    } else if errors > 0 {
        format!(
            "{}: {}, {} in {files}\n",
            paint("1;31", "error"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    } else {
        format!(
            "{}: {} in {files}\n",
            paint("1;33", "warning"),
            plural(warnings, "warning")
        )
    }
}

fn json(report: &Report<'_>) -> String {
    #[derive(Serialize)]
    struct Summary {
        errors: usize,
        warnings: usize,
        files: usize,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        diagnostics: Vec<Located<'a>>,
        summary: Summary,
    }
    let out = Out {
        diagnostics: report.located().collect(),
        summary: Summary {
            errors: report.errors(),
            warnings: report.warnings(),
            files: report.files,
        },
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: each finding becomes an annotation on
/// the pull request's diff.
fn github(report: &Report<'_>) -> String {
    // https://docs.github.com/actions/reference/workflow-commands-for-github-actions
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in report.located() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = match d.help {
            Some(help) => format!("{}\n{help}", d.message),
            None => d.message.to_string(),
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            property(d.file),
            d.line,
            d.column,
            property(&format!("cpo {}", d.rule)),
            data(&message)
        ));
    }
    out
}

/// A stable fingerprint of a finding (GitLab uses it to follow findings
/// across pipelines): SHA-256 of rule, file, line and message.
fn fingerprint(d: &Located<'_>) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}\0{}\0{}\0{}", d.rule, d.file, d.line, d.message));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// GitLab Code Quality report (a JSON array), shown in merge requests.
fn gitlab(report: &Report<'_>) -> String {
    let items: Vec<serde_json::Value> = report
        .located()
        .map(|d| {
            let description = match d.help {
                Some(help) => format!("{} ({help})", d.message),
                None => d.message.to_string(),
            };
            serde_json::json!({
                "description": description,
                "check_name": d.rule.name(),
                "fingerprint": fingerprint(&d),
                "severity": match d.severity { Severity::Error => "major", Severity::Warning => "minor" },
                "location": {
                    "path": d.file,
                    "lines": { "begin": d.line },
                    "positions": { "begin": { "line": d.line, "column": d.column } }
                }
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
    s.push('\n');
    s
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per checked file, failing with one failure per
/// error finding (warnings are listed in `system-out`), so CI test views
/// show which files are broken.
fn junit(report: &Report<'_>) -> String {
    let mut by_file: Vec<(&str, Vec<Located<'_>>)> = report
        .sources
        .iter()
        .filter(|(_, f)| f.exists)
        .map(|(_, f)| (f.path.as_str(), Vec::new()))
        .collect();
    for d in report.located() {
        match by_file.iter_mut().find(|(p, _)| *p == d.file) {
            Some((_, v)) => v.push(d),
            None => by_file.push((d.file, vec![d])),
        }
    }
    let failures = by_file
        .iter()
        .filter(|(_, ds)| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"cpo check\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"cpo check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        by_file.len(),
        by_file.len()
    ));
    for (file, ds) in &by_file {
        out.push_str(&format!(
            "    <testcase classname=\"cpo.check\" name=\"{}\" file=\"{}\"",
            xml_escape(file),
            xml_escape(file)
        ));
        if ds.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let mut notes = String::new();
        for d in ds {
            let text = format!(
                "{}:{}:{}: {}[{}]: {}{}",
                d.file,
                d.line,
                d.column,
                d.severity,
                d.rule,
                d.message,
                d.help.map(|h| format!("\nhelp: {h}")).unwrap_or_default()
            );
            match d.severity {
                Severity::Error => out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    d.rule,
                    xml_escape(d.message),
                    xml_escape(&text)
                )),
                Severity::Warning => {
                    notes.push_str(&text);
                    notes.push('\n');
                }
            }
        }
        if !notes.is_empty() {
            out.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                xml_escape(&notes)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// SARIF 2.1.0, for code scanning dashboards: the whole rule catalogue as
/// the tool's rules, each finding as a result pointing at its region.
fn sarif(report: &Report<'_>) -> String {
    use crate::diag::Rule;
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let rules: Vec<serde_json::Value> = Rule::ALL
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.name(),
                "shortDescription": { "text": r.explanation() },
                "defaultConfiguration": { "level": level(r.default_severity()) },
                "properties": { "family": r.family().as_str() }
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .located()
        .map(|d| {
            let text = match d.help {
                Some(help) => format!("{} ({help})", d.message),
                None => d.message.to_string(),
            };
            serde_json::json!({
                "ruleId": d.rule.name(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.file, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": d.line, "startColumn": d.column }
                    }
                }],
                "partialFingerprints": { "cpo/v1": fingerprint(&d) }
            })
        })
        .collect();
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cpo",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Loc, Rule, Sources};

    fn report_with<'a>(sources: &'a Sources, message: &str) -> Report<'a> {
        let file = sources.find("a, b:c.toml").unwrap();
        Report {
            sources,
            diagnostics: vec![Diagnostic::new(Rule::Siret, Loc::new(file, 0..1), message)],
            files: 1,
        }
    }

    #[test]
    fn github_escapes_data_and_properties() {
        let mut sources = Sources::default();
        sources.add("a, b:c.toml", "x = 1\n");
        let out = github(&report_with(&sources, "100 % sure, really: yes\nnext"));
        assert_eq!(
            out,
            "::error file=a%2C b%3Ac.toml,line=1,col=1,title=cpo siret::100 %25 sure, really: yes%0Anext\n"
        );
    }

    #[test]
    fn xml_escape_covers_markup_and_control_characters() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }
}
