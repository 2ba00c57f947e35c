//! Objective rules: every objective sits on an axis of the base, every
//! required axis is covered, every objective is measured by indicators
//! with a target for each year of the period.

use crate::diag::{Diagnostic, Loc, Rule, closest};
use crate::merge::Convention;

pub fn centre(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    let tree = &conv.tree;
    let years = conv.years();
    let axis_ids: Vec<&str> = data.axes.iter().map(|a| a.id.as_str()).collect();

    for (i, obj) in data.objectives.iter().enumerate() {
        let idx = i.to_string();
        if !axis_ids.contains(&obj.axis.as_str()) {
            let d = Diagnostic::new(
                Rule::UnknownAxis,
                tree.loc_of(&["objectives", &idx, "axis"]),
                format!(
                    "objective `{}` is on axis `{}`, which the base does not define",
                    obj.id, obj.axis
                ),
            );
            diags.push(match closest(&obj.axis, axis_ids.iter().copied()) {
                Some(c) => d.with_help(format!("did you mean `{c}`?")),
                None => d.with_help(format!("axes: {}", axis_ids.join(", "))),
            });
        }
        if obj.indicators.is_empty() {
            diags.push(
                Diagnostic::new(
                    Rule::ObjectiveWithoutIndicator,
                    tree.loc_of(&["objectives", &idx, "id"]),
                    format!("objective `{}` has no indicator", obj.id),
                )
                .with_help("add an `[[objectives.indicators]]` table with a label and targets"),
            );
        }
        for (j, ind) in obj.indicators.iter().enumerate() {
            let jdx = j.to_string();
            let missing: Vec<String> = years
                .iter()
                .filter(|y| !ind.targets.contains_key(y))
                .map(|y| y.to_string())
                .collect();
            if !missing.is_empty() {
                let loc = tree
                    .key_loc(&["objectives", &idx, "indicators", &jdx, "targets"])
                    .unwrap_or_else(|| {
                        tree.loc_of(&["objectives", &idx, "indicators", &jdx, "label"])
                    });
                diags.push(Diagnostic::new(
                    Rule::IndicatorTargetMissing,
                    loc,
                    format!(
                        "indicator « {} » has no target for {}",
                        ind.label,
                        missing.join(", ")
                    ),
                ));
            }
            for year in ind.targets.keys() {
                if !years.contains(year) {
                    let ys = year.to_string();
                    let path = [
                        "objectives",
                        idx.as_str(),
                        "indicators",
                        &jdx,
                        "targets",
                        &ys,
                    ];
                    diags.push(Diagnostic::new(
                        Rule::YearOutOfPeriod,
                        tree.key_loc(&path).unwrap_or_else(|| tree.loc_of(&path)),
                        format!(
                            "indicator « {} » has a target for {year}, outside the period",
                            ind.label
                        ),
                    ));
                }
            }
        }
    }

    for axis in data.axes.iter().filter(|a| a.required) {
        if !data.objectives.iter().any(|o| o.axis == axis.id) {
            let loc = tree
                .key_loc(&["objectives"])
                .filter(|l| l.file == conv.centre_file)
                .unwrap_or_else(|| Loc::file_start(conv.centre_file));
            diags.push(
                Diagnostic::new(
                    Rule::AxisUncovered,
                    loc,
                    format!("required axis `{}` has no objective", axis.id),
                )
                .with_help(format!(
                    "add an objective with `axis = \"{}\"` ({})",
                    axis.id, axis.title
                )),
            );
        }
    }
}
