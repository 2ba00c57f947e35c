//! SARIF 2.1.0 (OASIS, errata 01), for code scanning dashboards such as
//! GitHub's: the whole rule catalogue as the tool's rules, each finding as a
//! result pointing at its region.
//!
//! The log is typed, field by field, after the parts of the OASIS schema it
//! uses, so that a field the schema does not know cannot be written by
//! mistake; the tests validate the output against the vendored schema.
//! Choices the schema leaves open, made for GitHub code scanning:
//! - file URIs are relative references, percent-encoded (RFC 3986), resolved
//!   against `%SRCROOT%`, the repository root; `originalUriBaseIds` describes
//!   that base without giving its absolute path, which would differ on every
//!   machine and can reveal a user name (SARIF §3.14.14 allows leaving it out);
//! - columns count Unicode code points, as every cpo output does;
//! - `partialFingerprints` carries the line-independent fingerprint of
//!   [`super::fingerprints`] under `cpo/v2` (v1 hashed the line).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Located, Report, Rule, Severity};

/// The `$schema` of the log: the OASIS schema the output is valid against.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The URI base id every artifact location is relative to.
const SRCROOT: &str = "%SRCROOT%";

/// The versioned name of cpo's partial fingerprint (SARIF §3.27.17).
const FINGERPRINT: &str = "cpo/v2";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: ToolComponent,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolComponent {
    name: &'static str,
    full_name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

/// A rule's metadata (SARIF's `reportingDescriptor`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: ReportingConfiguration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct ReportingConfiguration {
    level: Level,
}

#[derive(Serialize)]
struct RuleProperties {
    /// The family of the rule (files, identity, money...).
    family: &'static str,
    /// Shown by GitHub as the rule's tags.
    tags: [&'static str; 1],
}

/// A `message` or `multiformatMessageString`: plain text, and Markdown
/// where a viewer can render it.
#[derive(Serialize)]
struct Message {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Message {
    fn text(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            markdown: None,
        }
    }
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Level {
    Warning,
    Error,
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Level {
        match s {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: Level,
    message: Message,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Message>,
}

/// 1-based lines and columns; the end column is the one after the region.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

pub(super) fn write(report: &Report<'_>) -> String {
    let rules = Rule::ALL.iter().map(|&r| descriptor(r)).collect();
    let results = report
        .located()
        .zip(super::fingerprints(report))
        .map(|(d, fingerprint)| result(report, &d, fingerprint))
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: ToolComponent {
                    name: "cpo",
                    full_name: concat!("cpo ", env!("CARGO_PKG_VERSION")),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: None,
                    uri_base_id: None,
                    description: Some(Message::text(
                        "The root of the convention repository, where cpo.toml is.",
                    )),
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn descriptor(rule: Rule) -> ReportingDescriptor {
    let guide = rule.guide();
    let severity = rule.default_severity();
    let markdown = format!(
        "{guide}\n\nDefault severity: **{severity}**. Change it in `cpo.toml`: \
         `[lints]` `{name} = \"allow\" | \"warn\" | \"deny\"`; `cpo rules {name}` \
         prints this text.",
        name = rule.name()
    );
    ReportingDescriptor {
        id: rule.name(),
        name: pascal_case(rule.name()),
        short_description: Message::text(sentence(rule.explanation())),
        full_description: Message::text(first_sentence(guide)),
        help: Message {
            text: guide.to_string(),
            markdown: Some(markdown),
        },
        default_configuration: ReportingConfiguration {
            level: severity.into(),
        },
        properties: RuleProperties {
            family: rule.family().as_str(),
            tags: [rule.family().as_str()],
        },
    }
}

fn result(report: &Report<'_>, d: &Located<'_>, fingerprint: String) -> SarifResult {
    let file = report.sources.get(d.file_id);
    // The end of the span, when it has one: SARIF's end column is the
    // column after the region, which is where `line_col` puts the end.
    let end = (d.span.end > d.span.start).then(|| file.line_col(d.span.end));
    let text = match d.help {
        Some(help) => format!("{} {}", sentence(d.message), sentence(help)),
        None => sentence(d.message),
    };
    SarifResult {
        rule_id: d.rule.name(),
        rule_index: Rule::ALL
            .iter()
            .position(|r| *r == d.rule)
            .unwrap_or_default(),
        level: d.severity.into(),
        message: Message::text(text),
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: Some(uri_path(d.file)),
                    uri_base_id: Some(SRCROOT),
                    description: None,
                },
                region: Region {
                    start_line: d.line,
                    start_column: d.column,
                    end_line: end.map(|(line, _)| line),
                    end_column: end.map(|(_, column)| column),
                },
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT, fingerprint)]),
    }
}

/// A repository-relative path as a relative URI reference (RFC 3986): every
/// byte but the unreserved characters and `/` percent-encoded, so a space,
/// a comma, a `%`, a `#` or an accented letter of a file name cannot change
/// what the URI means.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `toml-syntax` as `TomlSyntax`: SARIF's rule `name` is an identifier.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// A message as a sentence, as code scanning views show them: a capital
/// first letter and a final stop.
fn sentence(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut chars = text.trim_end().chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
    }
    out.extend(chars);
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// The first sentence of a guide: what the rule checks.
fn first_sentence(guide: &str) -> &str {
    match guide.find(". ") {
        Some(end) => &guide[..=end],
        None => guide,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(
            uri_path("periods/2022-2025/centres/a b,%.toml"),
            "periods/2022-2025/centres/a%20b%2C%25.toml"
        );
        assert_eq!(uri_path("centres/é#x?.md"), "centres/%C3%A9%23x%3F.md");
        assert_eq!(uri_path("A-z_0.9~/b"), "A-z_0.9~/b");
    }

    #[test]
    fn rule_names_and_sentences() {
        assert_eq!(pascal_case("toml-syntax"), "TomlSyntax");
        assert_eq!(pascal_case("rna"), "Rna");
        assert_eq!(sentence("unknown key `x`"), "Unknown key `x`.");
        assert_eq!(sentence("did you mean `y`?"), "Did you mean `y`?");
        assert_eq!(sentence("`x` is bad"), "`x` is bad.");
    }

    /// The guides feed `fullDescription` (their first sentence) and `help`:
    /// each says what, why and how in a few sentences.
    #[test]
    fn every_rule_has_a_guide_whose_first_sentence_stands_alone() {
        for rule in Rule::ALL {
            let guide = rule.guide();
            let sentences = guide.matches(". ").count() + 1;
            assert!(
                (2..=4).contains(&sentences),
                "{rule}: {sentences} sentences"
            );
            assert!(guide.ends_with('.'), "{rule}: {guide}");
            assert!(!guide.contains("  "), "{rule}: double space in {guide}");
            let first = first_sentence(guide);
            assert!(first.len() < guide.len() && first.ends_with('.'), "{rule}");
            assert!(first.starts_with(char::is_uppercase), "{rule}: {first}");
        }
    }
}
