//! Money rules: funding and the budget prévisionnel.
//!
//! All sums are exact decimals. The budget follows the CERFA n° 12156
//! layout: charges (accounts 60 to 68, and 86 for contributions volontaires
//! en nature), produits (70, 73, 75 to 79, and 87), and subsidies (74) one
//! line per funder; total charges must equal total produits, 86 must equal
//! 87, and a signatory's line must equal what its funding table says.

use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Loc, Rule, closest};
use crate::merge::Convention;
use crate::model::budget::{CHARGE_ACCOUNTS, IN_KIND_CHARGE, IN_KIND_PRODUCT, PRODUCT_ACCOUNTS};
use crate::model::{Amount, Year};

fn y(year: Year) -> String {
    year.to_string()
}

pub fn centre(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    unfilled(conv, diags);
    let years = conv.years();
    let data = &conv.data;
    let tree = &conv.tree;
    let in_period = |year: Year| years.contains(&year);
    let range = format!("{}-{}", data.period.first_year(), data.period.last_year());

    // Funding: known funders, years, amounts, gaps.
    for (funder, by_year) in &data.funding {
        match data.signatory(funder) {
            Some(s) if s.funder => {}
            found => {
                let funders: Vec<&str> = data.funders().map(|s| s.id.as_str()).collect();
                let message = match found {
                    Some(_) => format!(
                        "signatory `{funder}` is not a funder (`funder = true` in base.toml)"
                    ),
                    None => format!("`{funder}` is not a funder signatory of this convention"),
                };
                let d = Diagnostic::new(
                    Rule::UnknownFunder,
                    key(conv, &["funding", funder]),
                    message,
                );
                diags.push(match closest(funder, funders.iter().copied()) {
                    Some(c) if found.is_none() => d.with_help(format!("did you mean `{c}`?")),
                    _ => d.with_help(format!("funders: {}", funders.join(", "))),
                });
            }
        }
        for (year, amount) in by_year {
            let path = ["funding", funder.as_str(), &y(*year)];
            if !in_period(*year) {
                diags.push(Diagnostic::new(
                    Rule::YearOutOfPeriod,
                    key(conv, &path),
                    format!("funding for {year} from `{funder}`, outside the period {range}"),
                ));
            }
            amount_rule(*amount, || tree.loc_of(&path), diags);
        }
        let missing: Vec<String> = years
            .iter()
            .filter(|yr| !by_year.contains_key(yr))
            .map(|yr| yr.to_string())
            .collect();
        if !missing.is_empty() && by_year.keys().any(|yr| in_period(*yr)) {
            diags.push(
                Diagnostic::new(
                    Rule::FundingGap,
                    key(conv, &["funding", funder]),
                    format!(
                        "`{funder}` funds some years of the period but not {}",
                        missing.join(", ")
                    ),
                )
                .with_help("write 0 for a year without funding if that is intended"),
            );
        }
    }

    // Budget prévisionnel.
    for year in &years {
        if !data.budget.contains_key(year) {
            diags.push(
                Diagnostic::new(
                    Rule::BudgetMissingYear,
                    budget_loc(conv),
                    format!("no budget prévisionnel for {year}"),
                )
                .with_help(format!("add a `[budget.{year}]` table")),
            );
        }
    }
    for (year, budget) in &data.budget {
        let ystr = y(*year);
        if !in_period(*year) {
            diags.push(Diagnostic::new(
                Rule::YearOutOfPeriod,
                key(conv, &["budget", &ystr]),
                format!("budget for {year}, outside the period {range}"),
            ));
        }
        for (table, accounts, map) in [
            ("charges", CHARGE_ACCOUNTS, &budget.charges),
            ("produits", PRODUCT_ACCOUNTS, &budget.produits),
        ] {
            for (account, amount) in map {
                let path = ["budget", ystr.as_str(), table, &account.to_string()];
                if !accounts.iter().any(|(a, _)| a == account) {
                    let valid: Vec<String> = accounts.iter().map(|(a, _)| a.to_string()).collect();
                    let mut d = Diagnostic::new(
                        Rule::UnknownKey,
                        key(conv, &path),
                        format!("account {account} is not a CERFA 12156 account of {table}"),
                    );
                    d = if *account == 74 && table == "produits" {
                        d.with_help(
                            "subsidies (74) go in the `subsidies` table, one line per funder",
                        )
                    } else {
                        d.with_help(format!("accounts of {table}: {}", valid.join(", ")))
                    };
                    diags.push(d);
                }
                amount_rule(*amount, || tree.loc_of(&path), diags);
            }
        }
        for (funder, amount) in &budget.subsidies {
            amount_rule(
                *amount,
                || tree.loc_of(&["budget", &ystr, "subsidies", funder]),
                diags,
            );
        }

        let charges = Amount::total(budget.charges.values());
        let produits =
            Amount::total(budget.produits.values()).plus(Amount::total(budget.subsidies.values()));
        if charges != produits {
            diags.push(
                Diagnostic::new(
                    Rule::BudgetUnbalanced,
                    key(conv, &["budget", &ystr]),
                    format!(
                        "budget {year}: charges total {} but produits total {} (difference {})",
                        charges,
                        produits,
                        charges.minus(produits)
                    ),
                )
                .with_help("total charges must equal total produits, subsidies (74) included"),
            );
        }
        let c86 = budget
            .charges
            .get(&IN_KIND_CHARGE)
            .copied()
            .unwrap_or_default();
        let p87 = budget
            .produits
            .get(&IN_KIND_PRODUCT)
            .copied()
            .unwrap_or_default();
        if c86 != p87 {
            diags.push(Diagnostic::new(
                Rule::InKindUnbalanced,
                if budget.charges.contains_key(&86) {
                    key(conv, &["budget", &ystr, "charges", "86"])
                } else {
                    key(conv, &["budget", &ystr, "produits", "87"])
                },
                format!("budget {year}: contributions volontaires en nature: 86 is {c86} but 87 is {p87}"),
            ));
        }
        for funder in data.funders() {
            let funded = data
                .funding
                .get(&funder.id)
                .and_then(|f| f.get(year))
                .copied();
            let line = budget.subsidies.get(&funder.id).copied();
            if funded.is_none() && line.is_none() {
                continue;
            }
            let funded_given = funded;
            let (funded, line_amount) = (funded.unwrap_or_default(), line.unwrap_or_default());
            if funded != line_amount {
                let loc = if line.is_some() {
                    key(conv, &["budget", &ystr, "subsidies", &funder.id])
                } else {
                    key(conv, &["budget", &ystr])
                };
                diags.push(Diagnostic::new(
                    Rule::BudgetFundingMismatch,
                    loc,
                    match (line, funded_given) {
                        (Some(_), None) => format!(
                            "budget {year}: the subsidy line of `{}` is {line_amount} but its funding has no amount for {year}",
                            funder.id
                        ),
                        (None, _) => format!(
                            "budget {year}: `{}` funds {funded} in {year} but the budget has no subsidy line for it",
                            funder.id
                        ),
                        _ => format!(
                            "budget {year}: the subsidy line of `{}` is {line_amount} but its funding for {year} is {funded}",
                            funder.id
                        ),
                    },
                ).with_help(format!("`funding.{}.{year}` and `budget.{year}.subsidies.{}` must agree", funder.id, funder.id)));
            }
        }
    }
}

/// `bad-amount`: negative, or more than 2 decimals (amounts beyond the
/// bound are reported when read, see `model::types::Amount`). `loc` is
/// looked up only for a finding: a centre has hundreds of amounts.
pub(super) fn amount_rule(amount: Amount, loc: impl FnOnce() -> Loc, diags: &mut Vec<Diagnostic>) {
    let d: Decimal = amount.0;
    if d.is_sign_negative() && !d.is_zero() {
        diags.push(Diagnostic::new(
            Rule::BadAmount,
            loc(),
            format!("negative amount {amount}"),
        ));
    } else if d.normalize().scale() > 2 {
        diags.push(
            Diagnostic::new(
                Rule::BadAmount,
                loc(),
                format!("amount {amount} has more than 2 decimals"),
            )
            .with_help("amounts are in euros, with at most 2 decimals (cents)"),
        );
    }
}

/// `todo`: a convention whose every amount is 0 and whose budget has no
/// line is one whose money is still to fill in (as `cpo new centre` writes
/// it); it would read « une contribution financière d'un montant total de
/// 0 € ». A warning while the centre is a draft, an error once it is ready.
/// A convention funding nothing with a budget (help in kind) is not one.
fn unfilled(conv: &Convention, diags: &mut Vec<Diagnostic>) {
    let data = &conv.data;
    let nonzero = |a: &Amount| !a.0.is_zero();
    let funded = data.funding.values().flat_map(|y| y.values()).any(nonzero);
    let budgeted = data.budget.values().any(|b| {
        b.charges
            .values()
            .chain(b.produits.values())
            .chain(b.subsidies.values())
            .any(nonzero)
    });
    if funded || budgeted {
        return;
    }
    diags.push(
        Diagnostic::new(
            Rule::Todo,
            key(conv, &["funding"]),
            "the funding and the budget are still to fill in: every amount is 0",
        )
        .with_severity(super::until_signing(data.status))
        .with_help(
            "write each funder's contribution per year under [funding] and the budget prévisionnel under [budget.YEAR]",
        ),
    );
}

fn key(conv: &Convention, path: &[&str]) -> Loc {
    conv.tree
        .key_loc(path)
        .unwrap_or_else(|| conv.tree.loc_of(path))
}

/// Where to report a missing budget: the `budget` key, else the centre file.
fn budget_loc(conv: &Convention) -> Loc {
    conv.tree
        .key_loc(&["budget"])
        .unwrap_or_else(|| Loc::file_start(conv.centre_file))
}
