//! `cpo export`: the council's xlsx funding tables read back with calamine,
//! the CSV dialect of a spreadsheet in French, and SCDL open data that
//! leaves out what `cpo check` rejects.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_decimal::Decimal;

use crate::harness::{Repo, have};

/// The sums of `cpo export --format json` for one period: per funder name
/// and year, per funder name, and in all.
struct Sums {
    by_funder_year: BTreeMap<(String, String), Decimal>,
    by_funder: BTreeMap<String, Decimal>,
    total: Decimal,
    centres: Vec<String>,
}

fn json_sums(repo: &Repo, period: &str) -> Sums {
    let json = repo
        .cpo(&["--period", period, "export", "--format", "json"])
        .code(0)
        .json();
    let mut sums = Sums {
        by_funder_year: BTreeMap::new(),
        by_funder: BTreeMap::new(),
        total: Decimal::ZERO,
        centres: Vec::new(),
    };
    for line in json.as_array().unwrap() {
        let funder = line["funder_name"].as_str().unwrap().to_string();
        let year = line["year"].to_string();
        let amount = match &line["amount"] {
            serde_json::Value::String(s) => Decimal::from_str(s).unwrap(),
            n => Decimal::from_str(&n.to_string()).unwrap(),
        };
        *sums
            .by_funder_year
            .entry((funder.clone(), year))
            .or_default() += amount;
        *sums.by_funder.entry(funder).or_default() += amount;
        sums.total += amount;
        let centre = line["centre_name"].as_str().unwrap().to_string();
        if !sums.centres.contains(&centre) {
            sums.centres.push(centre);
        }
    }
    sums
}

/// A cell as text (strings) or an exact amount (numbers).
fn text(range: &calamine::Range<Data>, pos: (u32, u32)) -> String {
    match range.get_value(pos) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// A cell's number, as the `Decimal` it shows to the cent.
#[track_caller]
fn amount(range: &calamine::Range<Data>, pos: (u32, u32)) -> Decimal {
    match range.get_value(pos) {
        Some(Data::Float(f)) => Decimal::from_str(&f.to_string()).unwrap(),
        Some(Data::Int(i)) => Decimal::from(*i),
        other => panic!("cell {pos:?} is not a number: {other:?}"),
    }
}

/// The text of one file of the xlsx zip.
fn zip_entry(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn xlsx_of_poitiers_carries_the_funding_totals_of_the_json_export() {
    let repo = Repo::example("poitiers");
    let path = repo.file("financements.xlsx");
    repo.cpo(&["export", "--format", "xlsx", "-o", path.to_str().unwrap()])
        .code(0);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    // Without --period: every period, one sheet each, in time order.
    assert_eq!(book.sheet_names(), ["2018-2021", "2022-2025"]);

    for (index, period) in ["2018-2021", "2022-2025"].into_iter().enumerate() {
        let sums = json_sums(&repo, period);
        let range = book.worksheet_range(period).unwrap();
        let formulas = book.worksheet_formula(period).unwrap();
        let (_, last_col) = range.end().unwrap();
        assert_eq!(
            text(&range, (0, 0)),
            format!("Conventions pluriannuelles d’objectifs {period} – financements par centre")
        );
        assert_eq!(text(&range, (1, 0)), "Centre");

        // Rows 3.. are the centres by name, then the row of totals.
        let names: Vec<String> = (3..)
            .map(|r| text(&range, (r, 0)))
            .take_while(|n| n != "Total" && !n.is_empty())
            .collect();
        assert_eq!(names, sums.centres, "{period}: rows are the centres");
        let total_row = 3 + names.len() as u32;
        assert_eq!(text(&range, (total_row, 0)), "Total");

        // Column groups: a funder's name over its years and its total.
        let mut group = String::new();
        let mut seen_funders = Vec::new();
        for col in 1..=last_col {
            let head = text(&range, (1, col));
            if !head.is_empty() {
                group = head;
            }
            let year = text(&range, (2, col));
            let total = amount(&range, (total_row, col));
            let expected = match (group.as_str(), year.as_str()) {
                ("Tous financeurs", "Total") => sums.total,
                ("Tous financeurs", y) => sums
                    .by_funder_year
                    .iter()
                    .filter(|((_, fy), _)| fy == y)
                    .map(|(_, a)| *a)
                    .sum(),
                (f, "Total") => {
                    seen_funders.push(f.to_string());
                    sums.by_funder[f]
                }
                (f, y) => sums
                    .by_funder_year
                    .get(&(f.to_string(), y.to_string()))
                    .copied()
                    .unwrap_or_default(),
            };
            assert_eq!(total, expected, "{period}: total of {group} {year}");
            // Totals are formulas (the sheet follows an edited amount),
            // and carry their value (read above without recalculation).
            let formula = formulas.get_value((total_row, col)).cloned();
            assert!(
                formula.as_deref().is_some_and(|f| f.starts_with("SUM(")),
                "{period}: {group} {year}: {formula:?}"
            );
        }
        assert_eq!(group, "Tous financeurs");
        let mut funders: Vec<&String> = sums.by_funder.keys().collect();
        funders.sort();
        seen_funders.sort();
        assert_eq!(seen_funders.iter().collect::<Vec<_>>(), funders);
        // Each centre's grand total is its own sum.
        let grand: Decimal = (3..total_row).map(|r| amount(&range, (r, last_col))).sum();
        assert_eq!(grand, sums.total);

        // Amounts are numbers with a euro format, headers are bold.
        let styles = book.worksheet_style(period).unwrap();
        let money = styles.get((3, 1)).unwrap();
        assert_eq!(
            money.number_format.as_ref().unwrap().format_code,
            r#"#,##0.00\ "€""#
        );
        assert!(styles.get((2, 1)).unwrap().font.as_ref().unwrap().is_bold());
        assert!(styles.get((0, 0)).unwrap().font.as_ref().unwrap().is_bold());

        // Three header rows and the names stay in view.
        let sheet = zip_entry(&path, &format!("xl/worksheets/sheet{}.xml", index + 1));
        assert!(
            sheet.contains(r#"<pane xSplit="1" ySplit="3" topLeftCell="B4" activePane="bottomRight" state="frozen"/>"#),
            "{sheet}"
        );
        assert!(sheet.contains("<cols>"), "column widths are set");
    }
}

#[test]
fn xlsx_cents_survive_the_cell() {
    // 125000.50 €: a cell is an f64, and the cent must come back.
    let repo = Repo::example("poitiers");
    let path = repo.file("t.xlsx");
    let args = ["--period", "2022-2025", "export", "--format", "xlsx", "-o"];
    let mut args = args.to_vec();
    args.push(path.to_str().unwrap());
    repo.cpo(&args).code(0);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["2022-2025"],
        "--period selects one sheet"
    );
    let range = book.worksheet_range("2022-2025").unwrap();
    let cents = range
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::Float(f) => Some(Decimal::from_str(&f.to_string()).unwrap()),
            _ => None,
        })
        .filter(|d| d.fract() != Decimal::ZERO)
        .collect::<Vec<_>>();
    assert!(
        cents.contains(&Decimal::from_str("125000.5").unwrap()),
        "{cents:?}"
    );
    assert!(cents.iter().all(|d| d.scale() <= 2), "{cents:?}");
}

#[test]
fn xlsx_bytes_depend_only_on_the_data() {
    let repo = Repo::example("poitiers");
    let (a, b) = (repo.file("a.xlsx"), repo.file("b.xlsx"));
    for path in [&a, &b] {
        repo.cpo(&["export", "--format", "xlsx", "-o", path.to_str().unwrap()])
            .code(0);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // The document's date is the latest period's start, not the clock.
    let core = zip_entry(&a, "docProps/core.xml");
    assert!(
        core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2022-01-01T00:00:00Z<"#),
        "{core}"
    );
}

#[test]
fn xlsx_goes_to_a_pipe_but_not_to_a_terminal() {
    let repo = Repo::example("poitiers");
    let piped = repo.cpo(&["export", "--format", "xlsx"]);
    piped.code(0);
    assert!(piped.stdout.starts_with("PK"), "a zip on the pipe");

    // `script` gives cpo a terminal for standard output.
    if !have("script") {
        eprintln!("SKIPPED (terminal part): `script` is not installed");
        return;
    }
    let cpo = assert_cmd::cargo::cargo_bin!("cpo");
    let command = format!(
        "'{}' -C '{}' export --format xlsx",
        cpo.display(),
        repo.path().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("write it to a file with `-o FILE.xlsx`"),
        "{shown}"
    );
    assert!(!shown.contains("PK"), "{shown}");
}

/// Split CSV text into records: `delimiter`, RFC 4180 quotes (a field may
/// hold the delimiter, `""` and line breaks), CRLF between records.
fn parse_csv(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => record.push(std::mem::take(&mut field)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' if !quoted => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            c => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "unterminated"
    );
    records
}

#[test]
fn csv_for_a_french_spreadsheet_round_trips() {
    let repo = Repo::example("poitiers");
    // Names that need quoting with `;` (and one that does not any more).
    let centre = "periods/2022-2025/centres/beaulieu.toml";
    repo.replace(
        centre,
        r#"name = "Centre d'animation de Beaulieu""#,
        r#"name = "Centre \"Beaulieu\"; animation""#,
    );
    let centre = "periods/2022-2025/centres/blaiserie.toml";
    repo.replace(
        centre,
        r#"name = "Centre socioculturel de la Blaiserie""#,
        r#"name = "Blaiserie, centre socioculturel""#,
    );
    let run = repo.cpo(&["export", "--delimiter", ";", "--bom", "--decimal-comma"]);
    run.code(0);
    let text = run
        .stdout
        .strip_prefix('\u{FEFF}')
        .expect("a UTF-8 byte order mark first");
    assert!(text.contains("\"Centre \"\"Beaulieu\"\"; animation\""));
    assert!(
        text.contains(";Blaiserie, centre socioculturel;"),
        "a comma needs no quotes"
    );
    let records = parse_csv(text, ';');
    assert_eq!(
        records[0],
        [
            "period",
            "centre",
            "centre_name",
            "funder",
            "funder_name",
            "funder_siret",
            "year",
            "amount"
        ]
    );

    let json = repo.cpo(&["export", "--format", "json"]).code(0).json();
    let lines = json.as_array().unwrap();
    assert_eq!(records.len() - 1, lines.len());
    for (record, line) in records[1..].iter().zip(lines) {
        let expected: Vec<String> = [
            "period",
            "centre",
            "centre_name",
            "funder",
            "funder_name",
            "funder_siret",
        ]
        .iter()
        .map(|k| line[k].as_str().unwrap().to_string())
        .collect();
        assert_eq!(record[..6], expected[..]);
        assert_eq!(record[6], line["year"].to_string());
        let json_amount = match &line["amount"] {
            serde_json::Value::String(s) => s.clone(),
            n => n.to_string(),
        };
        assert!(!record[7].contains('.'), "decimal comma: {}", record[7]);
        assert_eq!(
            Decimal::from_str(&record[7].replace(',', ".")).unwrap(),
            Decimal::from_str(&json_amount).unwrap()
        );
    }
    assert!(records.iter().any(|r| r[7] == "125000,50"));

    // A comma delimiter with a decimal comma quotes the amount.
    let run = repo.cpo(&["export", "--decimal-comma"]);
    assert!(run.code(0).stdout.contains(",\"125000,50\"\r\n"));
    // A tab, by name.
    let run = repo.cpo(&["export", "--delimiter", "tab"]);
    assert!(
        run.code(0)
            .stdout
            .starts_with("period\tcentre\tcentre_name\t")
    );
}

#[test]
fn csv_options_are_refused_where_they_mean_nothing() {
    let repo = Repo::example("poitiers");
    for args in [
        ["--format", "scdl", "--delimiter", ";"],
        ["--format", "json", "--bom", "--decimal-comma"],
    ] {
        let mut all = vec!["export"];
        all.extend(args);
        let run = repo.cpo(&all);
        run.code(2);
        assert!(
            run.stderr.contains("is an option of `--format csv`"),
            "{}",
            run.stderr
        );
    }
    for bad in ["\"", ";;", "\n", "é"] {
        let run = repo.cpo(&["export", "--delimiter", bad]);
        run.code(2);
        assert!(run.stderr.contains("--delimiter"), "{}", run.stderr);
    }
}

#[test]
fn scdl_export_leaves_out_a_convention_with_a_bad_siret() {
    let repo = Repo::example("poitiers");
    let bad = "32402138500021"; // Beaulieu's SIRET, last digit wrong (Luhn)
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        r#"siret = "32402138500020""#,
        &format!(r#"siret = "{bad}""#),
    );
    let run = repo.cpo(&["export", "--format", "scdl"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("convention `beaulieu` is left out of the export"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("beaulieu.toml:10:9"), "{}", run.stderr);
    let rows: Vec<&str> = run
        .stdout
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    // 8 centres left, 2 funders, 4 years.
    assert_eq!(rows.len(), 8 * 2 * 4);
    assert!(!run.stdout.contains(bad));
    assert!(!run.stdout.contains("Beaulieu"), "{}", run.stdout);

    // The working tables keep it: they show what is, they do not publish.
    let csv = repo.cpo(&["export"]);
    assert!(csv.code(0).stdout.contains(",beaulieu,"));
}
