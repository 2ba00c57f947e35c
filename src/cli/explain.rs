//! `cpo explain CENTRE KEY.PATH`: one resolved value and where it came from.

use anyhow::Result;
use clap::Args;

use super::{Global, Outcome, emit};
use crate::merge;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The centre's id
    pub centre: String,
    /// Dotted key path: `association.siret`, `funding.ville.2022`, `commitments.laicite.title`
    pub path: String,
}

pub fn run(g: &Global, args: ExplainArgs) -> Result<Outcome> {
    let project = super::open(g)?;
    let conv = super::merge::resolve_centre(&project, g, &args.centre)?;
    let Some(exp) = merge::explain(project.snapshot(), &conv, &args.path) else {
        let candidates = merge::path_candidates(&conv, &args.path);
        let hint = crate::diag::closest(&args.path, candidates.iter().map(String::as_str))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_else(|| {
                if candidates.is_empty() {
                    String::new()
                } else {
                    format!(" (keys here: {})", candidates.join(", "))
                }
            });
        anyhow::bail!(
            "no key `{}` in the resolved convention of `{}`{hint}",
            args.path,
            args.centre
        );
    };
    let value = match &exp.value {
        serde_json::Value::String(s) => format!("{s:?}"),
        v => serde_json::to_string(v)?,
    };
    let mut out = format!("{} = {}\n  from {}\n", exp.path, value, exp.origin);
    if exp.parts.len() > 1 || exp.parts.first().is_some_and(|(p, _)| *p != exp.path) {
        for (path, origin) in &exp.parts {
            out.push_str(&format!("  {path}  <- {origin}\n"));
        }
    }
    emit(&out)?;
    Ok(Outcome::Success)
}
