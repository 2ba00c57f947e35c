//! Output formats of `cpo check`. Every format is a function of the same
//! [`Report`]: `--format json` carries the same data as the human output.
//!
//! The terminal, JSON and GitHub formats live here; the three formats that
//! CI systems validate against a published schema have a file each
//! ([`sarif`], [`junit`], [`gitlab`]), next to the notes on how they read
//! that schema. What those formats share is here too: the fingerprint that
//! follows a finding across commits.

mod gitlab;
mod junit;
mod sarif;

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::{Located, Report, Rule, Severity};

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
            Format::Gitlab => gitlab::write(report),
            Format::Junit => junit::write(report),
            Format::Sarif => sarif::write(report),
        }
    }
}

/// One line per finding, so that `wc -l` counts findings and `grep` finds
/// them whole: line breaks, tabs and other control characters of a message
/// (or of a file name) are written as escapes.
fn short(report: &Report<'_>) -> String {
    let mut out = String::new();
    for d in report.located() {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            one_line(d.file),
            d.line,
            d.column,
            d.severity,
            d.rule,
            one_line(d.message)
        ));
    }
    out
}

/// `text` on one line: `\n`, `\r` and `\t` as those two-character escapes,
/// other control characters as `\u{..}`. Backslashes are left alone, so a
/// message quoting a Windows path stays readable.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
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
            // `char_column` is shown as given (1-based, as everywhere).
            title.element(Origin::path(d.file).line(d.line).char_column(d.column))
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

/// Fingerprints of the findings of `report`, in the order of
/// [`Report::located`]: GitLab's `fingerprint` and SARIF's
/// `partialFingerprints`, by which CI systems follow a finding from one
/// pipeline to the next.
///
/// A fingerprint is the SHA-256 of the rule, the file, the message and the
/// finding's rank among the findings of the same rule, file and message
/// (the first 128 bits, in hexadecimal). It leaves out the line and column:
/// inserting a line above a finding must not make it look fixed and new.
/// The message is what names the finding in its file (the key, the value,
/// the year, the section), and the rank tells apart two findings that read
/// the same, so two findings of one report never share a fingerprint.
pub fn fingerprints(report: &Report<'_>) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let mut seen: HashMap<(Rule, &str, &str), usize> = HashMap::new();
    report
        .located()
        .map(|d| {
            let rank = seen.entry((d.rule, d.file, d.message)).or_default();
            let key = format!("{}\0{}\0{}\0{rank}", d.rule, d.file, d.message);
            *rank += 1;
            let digest = Sha256::digest(key);
            digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
        })
        .collect()
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
    fn human_places_a_finding_on_an_empty_file_at_1_1() {
        let mut sources = Sources::default();
        let file = sources.add("periods/2022-2025/base.md", "");
        let report = Report {
            sources: &sources,
            diagnostics: vec![Diagnostic::new(
                Rule::MissingSection,
                Loc::file_start(file),
                "m",
            )],
            files: 1,
        };
        let out = human(&report, false);
        assert!(out.contains("--> periods/2022-2025/base.md:1:1\n"), "{out}");
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
    fn short_keeps_each_finding_on_one_line() {
        let mut sources = Sources::default();
        sources.add("a, b:c.toml", "x = 1\n");
        let out = short(&report_with(&sources, "first\nsecond\tthird\r\u{7}"));
        assert_eq!(
            out,
            "a, b:c.toml:1:1: error[siret]: first\\nsecond\\tthird\\r\\u{7}\n"
        );
    }

    #[test]
    fn fingerprints_ignore_lines_and_tell_equal_messages_apart() {
        let mut sources = Sources::default();
        let file = sources.add("a, b:c.toml", "x = 1\nx = 1\n");
        let at = |start: usize| Diagnostic::new(Rule::Siret, Loc::new(file, start..start + 1), "m");
        let report = |diagnostics| Report {
            sources: &sources,
            diagnostics,
            files: 1,
        };
        let before = fingerprints(&report(vec![at(0), at(6)]));
        assert_ne!(before[0], before[1]);
        assert_eq!(before[0].len(), 32);
        // Both findings one line lower: same fingerprints.
        let moved = fingerprints(&report(vec![at(6), at(8)]));
        assert_eq!(before, moved);
    }
}
