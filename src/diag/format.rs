//! Output formats of `cpo check`. Every format is a function of the same
//! [`Report`]: `--format json` carries the same data as the human output.

use clap::ValueEnum;
use serde::Serialize;

use super::{Located, Report};

/// `cpo check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
            Format::Github | Format::Gitlab | Format::Junit | Format::Sarif => short(report),
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

fn human(report: &Report<'_>, _color: bool) -> String {
    let mut out = String::new();
    for d in report.located() {
        out.push_str(&format!("{}[{}]: {}\n", d.severity, d.rule, d.message));
        out.push_str(&format!("  --> {}:{}:{}\n", d.file, d.line, d.column));
        if let Some(help) = d.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out
}

fn summary_line(report: &Report<'_>) -> String {
    format!(
        "{} error(s), {} warning(s) in {} file(s)\n",
        report.errors(),
        report.warnings(),
        report.files
    )
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
