//! `cpo export --format xlsx`: the funding tables a city council votes, as
//! one workbook with one sheet per period.
//!
//! A sheet reads like the table in a council report:
//!
//! ```text
//! Conventions pluriannuelles d’objectifs 2022-2025 – financements par centre
//!          | Ville de Poitiers          | CAF de la Vienne           | Tous financeurs
//! Centre   | 2022 2023 2024 2025 Total  | 2022 2023 2024 2025 Total  | 2022 … 2025 Total
//! Beaulieu |  …
//! Total    |  …
//! ```
//!
//! Rows are centres (by name, in id order), column groups are funders (in
//! the order the base lists the signatories) with one column per year and
//! the funder's total, then all funders per year and the grand total; the
//! last row totals every column. Totals are `SUM` formulas, so a finance
//! officer who changes an amount sees the totals follow, and each formula
//! carries its value, computed exactly here: a reader that does not
//! recalculate (a viewer, a library, calamine) sees the right figure.
//!
//! Amounts are numbers with a euro format. A number format is stored in the
//! file in Excel's invariant syntax (`,` groups thousands, `.` marks the
//! decimals) and each spreadsheet shows it with its locale's separators:
//! `#,##0.00\ "€"` reads « 125 000,50 € » in a French Excel or LibreOffice.
//!
//! The bytes depend only on the data: the document's creation date is the
//! start of the latest period (not the clock), and the zip entries carry
//! rust_xlsxwriter's fixed timestamp.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use rust_decimal::Decimal;
use rust_xlsxwriter::utility::{cell_range, row_col_to_cell};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet,
};

use super::{PeriodConventions, lines};
use crate::model::{Year, parse_period_label};

/// Euros with two decimals and grouped thousands, in Excel's invariant
/// syntax (see the module docs).
const MONEY: &str = r#"#,##0.00\ "€""#;

/// Rows of a sheet: the title, the funders, the years, then the centres.
const TITLE_ROW: u32 = 0;
const FUNDER_ROW: u32 = 1;
const YEAR_ROW: u32 = 2;
const FIRST_CENTRE_ROW: u32 = 3;

/// The workbook of the periods, one sheet each, in the order given.
pub(crate) fn workbook(periods: &[PeriodConventions<'_>]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    for period in periods {
        let table = Table::of(period);
        let sheet = book.add_worksheet();
        write_sheet(sheet, period.label, &table, &styles)
            .with_context(|| format!("writing the sheet of period {}", period.label))?;
    }
    let properties = DocProperties::new()
        .set_title("Conventions pluriannuelles d’objectifs – financements par centre")
        .set_creation_datetime(&creation_date(periods));
    book.set_properties(&properties);
    book.save_to_buffer().context("writing the xlsx workbook")
}

/// The first day of the latest period: the workbook's date, from the data
/// so that the same repository gives the same bytes.
fn creation_date(periods: &[PeriodConventions<'_>]) -> ExcelDateTime {
    periods
        .iter()
        .rev()
        .find_map(|p| {
            let start = p.conventions.first().map(|c| c.data.period.start);
            match start {
                Some(d) => Some((d.year(), d.month(), d.day())),
                None => parse_period_label(p.label).map(|(y, _)| (y, 1, 1)),
            }
        })
        .and_then(|(y, m, d): (Year, i8, i8)| {
            ExcelDateTime::from_ymd(u16::try_from(y).ok()?, m as u8, d as u8).ok()
        })
        .unwrap_or_default()
}

/// A period's funding, ready to lay out.
struct Table {
    years: Vec<Year>,
    /// Funder names, in column order.
    funders: Vec<String>,
    centres: Vec<Row>,
}

/// A centre's row: its name and its amounts by (funder index, year).
struct Row {
    name: String,
    amounts: BTreeMap<(usize, Year), Decimal>,
}

impl Table {
    fn of(period: &PeriodConventions<'_>) -> Table {
        let convs = &period.conventions;
        let mut years = BTreeSet::new();
        // Funders in the order the base lists the signatories, then any
        // funding key that names no signatory (a finding of its own).
        let mut funder_ids: Vec<&str> = Vec::new();
        for conv in convs {
            years.extend(conv.years());
            for s in conv.data.funders() {
                if !funder_ids.contains(&s.id.as_str()) && conv.data.funding.contains_key(&s.id) {
                    funder_ids.push(&s.id);
                }
            }
        }
        for conv in convs {
            for id in conv.data.funding.keys() {
                if !funder_ids.contains(&id.as_str()) {
                    funder_ids.push(id);
                }
            }
        }
        let mut funders: Vec<String> = funder_ids.iter().map(|id| id.to_string()).collect();
        let mut centres: Vec<Row> = convs
            .iter()
            .map(|c| Row {
                name: c.data.name.clone(),
                amounts: BTreeMap::new(),
            })
            .collect();
        for line in lines(convs) {
            let Some(f) = funder_ids.iter().position(|id| *id == line.funder) else {
                continue;
            };
            funders[f] = line.funder_name;
            years.insert(line.year);
            let cell = centres[line.conv_index]
                .amounts
                .entry((f, line.year))
                .or_default();
            *cell += line.amount;
        }
        Table {
            years: years.into_iter().collect(),
            funders,
            centres,
        }
    }

    /// Columns per group: the years and a total.
    fn group_width(&self) -> u16 {
        self.years.len() as u16 + 1
    }

    /// The first column of funder `f`'s group; `f == funders.len()` is the
    /// group of all funders.
    fn group_start(&self, f: usize) -> u16 {
        1 + f as u16 * self.group_width()
    }
}

/// The cell formats of a sheet.
struct Styles {
    title: Format,
    header: Format,
    header_left: Format,
    name: Format,
    total_label: Format,
    money: Format,
    money_total: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let header = cell
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(0xDDE4EE))
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let money = cell.clone().set_num_format(MONEY);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header_left: header.clone().set_align(FormatAlign::Left),
            header: header.set_align(FormatAlign::Center),
            name: cell.clone(),
            total_label: cell.set_bold(),
            money_total: money.clone().set_bold(),
            money,
        }
    }
}

/// An amount as a cell number. Amounts are exact `Decimal`s everywhere
/// else; here they become `f64` because a cell holds a double. That keeps
/// the cent: an amount is at most 10^12 € with two decimals (the model
/// refuses more), 15 significant digits, and `f64` holds any decimal of 15
/// significant digits exactly enough to read back the same digits (Excel
/// shows 15 as well). Parsing the decimal text gives the nearest double.
fn number(d: Decimal) -> f64 {
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// A `SUM` formula carrying its exact value for readers that do not
/// recalculate.
fn sum(args: &str, value: Decimal) -> Formula {
    Formula::new(format!("=SUM({args})")).set_result(value.normalize().to_string())
}

fn write_sheet(sheet: &mut Worksheet, label: &str, t: &Table, s: &Styles) -> Result<()> {
    sheet.set_name(label)?;
    let width = t.group_width();
    let groups = t.funders.len() + 1;
    let last_col = t.group_start(groups) - 1;
    let total_row = FIRST_CENTRE_ROW + t.centres.len() as u32;

    sheet.write_string_with_format(
        TITLE_ROW,
        0,
        format!("Conventions pluriannuelles d’objectifs {label} – financements par centre"),
        &s.title,
    )?;
    sheet.set_row_height(TITLE_ROW, 24)?;
    sheet.merge_range(FUNDER_ROW, 0, YEAR_ROW, 0, "Centre", &s.header_left)?;
    for g in 0..groups {
        let first = t.group_start(g);
        let name = t.funders.get(g).map_or("Tous financeurs", String::as_str);
        if width > 1 {
            sheet.merge_range(
                FUNDER_ROW,
                first,
                FUNDER_ROW,
                first + width - 1,
                name,
                &s.header,
            )?;
        } else {
            sheet.write_string_with_format(FUNDER_ROW, first, name, &s.header)?;
        }
        for (i, year) in t.years.iter().enumerate() {
            sheet.write_string_with_format(
                YEAR_ROW,
                first + i as u16,
                year.to_string(),
                &s.header,
            )?;
        }
        sheet.write_string_with_format(YEAR_ROW, first + width - 1, "Total", &s.header)?;
    }

    // Each column's exact total, for the last row.
    let mut column_totals = vec![Decimal::ZERO; usize::from(last_col) + 1];
    for (r, Row { name, amounts }) in t.centres.iter().enumerate() {
        let row = FIRST_CENTRE_ROW + r as u32;
        sheet.write_string_with_format(row, 0, name, &s.name)?;
        let mut cell = |col: u16, value: Decimal| column_totals[usize::from(col)] += value;
        let mut all_years = Decimal::ZERO;
        for f in 0..t.funders.len() {
            let first = t.group_start(f);
            let mut funder_total = Decimal::ZERO;
            for (i, year) in t.years.iter().enumerate() {
                let col = first + i as u16;
                match amounts.get(&(f, *year)) {
                    Some(a) => {
                        sheet.write_number_with_format(row, col, number(*a), &s.money)?;
                        funder_total += a;
                        cell(col, *a);
                    }
                    None => {
                        sheet.write_blank(row, col, &s.money)?;
                    }
                }
            }
            let total_col = first + width - 1;
            let range = cell_range(row, first, row, total_col - 1);
            sheet.write_formula_with_format(row, total_col, sum(&range, funder_total), &s.money)?;
            cell(total_col, funder_total);
        }
        let first = t.group_start(t.funders.len());
        for (i, year) in t.years.iter().enumerate() {
            let col = first + i as u16;
            let value: Decimal = (0..t.funders.len())
                .filter_map(|f| amounts.get(&(f, *year)))
                .sum();
            let cells: Vec<String> = (0..t.funders.len())
                .map(|f| row_col_to_cell(row, t.group_start(f) + i as u16))
                .collect();
            let formula = if cells.is_empty() {
                Formula::new("=0").set_result("0")
            } else {
                sum(&cells.join(","), value)
            };
            sheet.write_formula_with_format(row, col, formula, &s.money)?;
            all_years += value;
            cell(col, value);
        }
        let range = cell_range(row, first, row, last_col - 1);
        sheet.write_formula_with_format(row, last_col, sum(&range, all_years), &s.money_total)?;
        cell(last_col, all_years);
    }

    sheet.write_string_with_format(total_row, 0, "Total", &s.total_label)?;
    for col in 1..=last_col {
        let value = column_totals[usize::from(col)];
        if t.centres.is_empty() {
            sheet.write_number_with_format(total_row, col, 0.0, &s.money_total)?;
        } else {
            let range = cell_range(FIRST_CENTRE_ROW, col, total_row - 1, col);
            sheet.write_formula_with_format(total_row, col, sum(&range, value), &s.money_total)?;
        }
    }

    // Layout: names readable, amounts up to « 999 999 999,99 € » wide,
    // headers and names frozen, a landscape A4 page per sheet width.
    let name_chars = t
        .centres
        .iter()
        .map(|r| r.name.chars().count())
        .chain([6, 16])
        .max()
        .unwrap_or(16);
    sheet.set_column_width(0, (name_chars + 2).min(60) as f64)?;
    for col in 1..=last_col {
        sheet.set_column_width(col, 16)?;
    }
    sheet.set_freeze_panes(FIRST_CENTRE_ROW, 1)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(FUNDER_ROW, YEAR_ROW)?;
    Ok(())
}
