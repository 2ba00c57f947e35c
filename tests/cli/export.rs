//! `cpo export`: the CSV dialect of a spreadsheet in French, and SCDL open
//! data that leaves out what `cpo check` rejects.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::harness::Repo;

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
