//! GitLab Code Quality report: a JSON array of issues, shown in merge
//! requests (GitLab's subset of the Code Climate format).
//!
//! GitLab matches the issues of a merge request's pipeline with those of
//! its target branch by `fingerprint`: a fingerprint that changed reads as
//! one issue fixed and one introduced. So it comes from
//! [`super::fingerprints`], which leaves the line out. The location uses
//! Code Climate's `positions` form (line and column), one of the two forms
//! GitLab reads (Code Climate gives a location as lines or as positions).

use serde::Serialize;

use crate::diag::{Report, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Position>,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

pub(super) fn write(report: &Report<'_>) -> String {
    let issues: Vec<Issue<'_>> = report
        .located()
        .zip(super::fingerprints(report))
        .map(|(d, fingerprint)| {
            let file = report.sources.get(d.file_id);
            let end = (d.span.end > d.span.start).then(|| {
                let (line, column) = file.line_col(d.span.end);
                Position { line, column }
            });
            Issue {
                description: match d.help {
                    Some(help) => format!("{} ({help})", d.message),
                    None => d.message.to_string(),
                },
                check_name: d.rule.name(),
                fingerprint,
                // GitLab's scale: info, minor, major, critical, blocker.
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path: d.file,
                    positions: Positions {
                        begin: Position {
                            line: d.line,
                            column: d.column,
                        },
                        end,
                    },
                },
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}
