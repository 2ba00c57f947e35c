//! `cpo rules`: the catalogue, with default severities and explanations.

use anyhow::Result;
use clap::Args;

use super::{Global, Outcome, emit};
use crate::diag::Rule;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(_g: &Global, args: RulesArgs) -> Result<Outcome> {
    let mut out = String::new();
    if args.json {
        let rules: Vec<serde_json::Value> = Rule::ALL
            .iter()
            .map(|r| {
                serde_json::json!({
                    "rule": r.name(),
                    "family": r.family().as_str(),
                    "severity": r.default_severity().as_str(),
                    "explanation": r.explanation(),
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&rules)?;
        out.push('\n');
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
