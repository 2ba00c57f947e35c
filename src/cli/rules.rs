//! `cpo rules`: the catalogue, with default severities and explanations;
//! `cpo rules NAME`: one rule's guide (what it checks, why, how to fix).

use anyhow::{Result, bail};
use clap::Args;

use super::{Global, Outcome, emit};
use crate::diag::{Rule, closest};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the guide of this rule only
    #[arg(value_name = "NAME")]
    pub rule: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(_g: &Global, args: RulesArgs) -> Result<Outcome> {
    let rules = match &args.rule {
        None => Rule::ALL.to_vec(),
        Some(name) => match Rule::from_name(name) {
            Some(rule) => vec![rule],
            None => match closest(name, Rule::ALL.iter().map(|r| r.name())) {
                Some(c) => bail!("no rule is named `{name}`: did you mean `{c}`?"),
                None => bail!("no rule is named `{name}`: `cpo rules` lists every rule"),
            },
        },
    };
    let mut out = String::new();
    if args.json {
        let rules: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "rule": r.name(),
                    "family": r.family().as_str(),
                    "severity": r.default_severity().as_str(),
                    "explanation": r.explanation(),
                    "guide": r.guide(),
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&rules)?;
        out.push('\n');
    } else if let [rule] = rules[..]
        && args.rule.is_some()
    {
        out.push_str(&format!(
            "{} ({}, {} by default): {}\n\n",
            rule.name(),
            rule.family().as_str(),
            rule.default_severity(),
            rule.explanation()
        ));
        out.push_str(&wrap(rule.guide(), 79));
        out.push_str(&format!(
            "\nChange its severity in cpo.toml: [lints] {} = \"allow\" | \"warn\" | \"deny\"\n",
            rule.name()
        ));
    } else {
        let width = Rule::ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
        let mut family = None;
        for r in Rule::ALL {
            if family != Some(r.family()) {
                family = Some(r.family());
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{}:\n", r.family().as_str()));
            }
            out.push_str(&format!(
                "  {:width$}  {:7}  {}\n",
                r.name(),
                r.default_severity().as_str(),
                r.explanation()
            ));
        }
        out.push_str("\nChange a severity in cpo.toml: [lints] rule-name = \"allow\" | \"warn\" | \"deny\"\n");
    }
    emit(&out)?;
    Ok(Outcome::Success)
}

/// `text` broken between words into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out.push('\n');
    out
}
