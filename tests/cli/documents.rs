//! Signature-ready documents (SPEC §8): what a juriste reads in the PDFs and
//! HTML of the example conventions — the parties named as French
//! administrative law names them, no « (e) » nor « de Maison », the
//! advance and balance of every funder and year in euros, every centre's
//! introduction, French typography, PDF annexes appended, budget years
//! never split from their totals.
//!
//! Most of these read PDFs: without the `pdf` feature their helpers are
//! unused, which is expected.
#![cfg_attr(not(feature = "pdf"), allow(dead_code, unused_imports))]

use std::process::Command;

use crate::harness::{Repo, require_tool};

/// The examples' latest periods.
const EXAMPLES: &[(&str, &str)] = &[("poitiers", "2022-2025"), ("amiens", "2024-2026")];

fn pdftotext(path: &std::path::Path, page: Option<usize>) -> String {
    pdftotext_with(path, page, &[])
}

fn pdftotext_with(path: &std::path::Path, page: Option<usize>, args: &[&str]) -> String {
    let mut cmd = Command::new("pdftotext");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    cmd.args(args);
    let out = cmd.arg(path).arg("-").output().expect("pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text for comparisons: typographic spaces, apostrophe and hyphen as
/// typed, runs of spaces as one.
fn plain(s: &str) -> String {
    s.replace(['\u{202F}', '\u{A0}'], " ")
        .replace('\u{2019}', "'")
        .replace('\u{2011}', "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn pages(path: &std::path::Path) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

/// Euros as documents write them, normalised (`293 700 €`).
fn euros(v: &serde_json::Value) -> String {
    let d: rust_decimal::Decimal = v.to_string().parse().unwrap();
    plain(&cpo::fr::euros(&d))
}

#[cfg(feature = "pdf")]
#[test]
fn the_pdfs_name_the_parties_as_french_law_does() {
    if !require_tool("pdftotext") {
        return;
    }
    let city = regex::Regex::new(
        r"représentée par (Mme|M\.) [^,]+, [a-zéèê ]+, dûment habilitée? par délibération du conseil (municipal|communautaire) n° [0-9A-Z-]+ du \d{1,2}(er)? [a-zéû]+ \d{4}, ci-après dénommée « [^»]+ »",
    )
    .unwrap();
    let mandate =
        regex::Regex::new(r"dûment habilitée? par décision du conseil d'administration du \d")
            .unwrap();
    let de_vowel = regex::Regex::new(r"\bde [AEIOUÉÈÊ]").unwrap();
    for (example, period) in EXAMPLES {
        let repo = Repo::example(example);
        repo.cpo(&["render", "--format", "pdf"]).code(0);
        for id in repo.centre_ids(period) {
            let pdf = repo.file(&format!("dist/{period}/{id}.pdf"));
            let raw = pdftotext(&pdf, None);
            let text = plain(&raw);
            let at = format!("{example}/{id}");
            // Words stay whole: typst ends a line it breaks inside a word
            // with a soft hyphen, which pdftotext keeps in layout mode (and
            // joins away in its default mode).
            let laid_out = pdftotext_with(&pdf, None, &["-layout"]);
            let cut = laid_out.lines().find(|l| l.contains('\u{AD}'));
            assert!(
                cut.is_none(),
                "{at}: a word cut at the end of a line: {cut:?}"
            );
            // The party clauses (SPEC §8), in shape.
            assert!(city.is_match(&text), "{at}: the city's clause:\n{text}");
            assert!(
                text.contains("association régie par la loi du 1er juillet 1901"),
                "{at}: the association's regime"
            );
            assert!(
                text.contains("ci-après dénommée « l'association »"),
                "{at}: the association's designation"
            );
            assert!(mandate.is_match(&text), "{at}: the association's mandate");
            // Generated French that must never appear.
            for wrong in [
                "(e)",
                "de Maison",
                "de Centre",
                "de Espace",
                "de É",
                "de Les ",
                "à Les ",
            ] {
                assert!(!text.contains(wrong), "{at}: « {wrong} » in the document");
            }
            assert!(!de_vowel.is_match(&text), "{at}: « de » before a vowel");
            assert!(text.contains("Article 1er –"), "{at}: « Article 1er »");
            // The advance and the balance, in euros, for every funder and year.
            let json = repo
                .cpo(&["merge", &id, "--format", "json", "--period", period])
                .json();
            let merged: cpo::merge::Resolved =
                serde_json::from_value(strip_ids(json.clone())).unwrap();
            for (funder, years) in &merged.funding {
                for (year, amount) in years {
                    if amount.0.is_zero() {
                        continue;
                    }
                    let own = merged.signatory(funder).and_then(|s| s.payment.as_ref());
                    let terms = merged.payment.for_funder(own, funder);
                    let advance = amount
                        .percent(rust_decimal::Decimal::from(terms.advance_percent))
                        .unwrap();
                    let balance = amount.minus(advance);
                    for part in [advance, balance] {
                        let shown = plain(&cpo::fr::euros(&part.0));
                        assert!(
                            text.contains(&shown),
                            "{at}: {funder} {year}: {shown} (advance or balance) missing"
                        );
                    }
                }
            }
            // The centre's introduction, wherever base.md puts it.
            let md = repo.read(&format!("periods/{period}/centres/{id}.md"));
            // The introduction: the paragraphs before the first section.
            let body = match md.strip_prefix("---\n") {
                Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, b)| b),
                None => &md,
            };
            let intro = body
                .lines()
                .take_while(|l| !l.starts_with("## "))
                .collect::<Vec<_>>()
                .join(" ");
            let first_words: String = plain(&intro)
                .split(' ')
                .take(6)
                .collect::<Vec<_>>()
                .join(" ");
            if !first_words.is_empty() {
                assert!(
                    text.contains(&plain(&cpo::fr::typography::apply_str(
                        &first_words,
                        &cpo::fr::typography::Options::default()
                    ))),
                    "{at}: the introduction « {first_words} » is missing"
                );
            }
        }
        let _ = euros;
    }
}

/// The merged JSON as the typed `Resolved` reads it (without the id and
/// label `cpo merge` adds).
fn strip_ids(mut v: serde_json::Value) -> serde_json::Value {
    if let serde_json::Value::Object(m) = &mut v {
        m.remove("id");
        m.remove("period_label");
    }
    v
}

/// No ordinary space where French typography puts a narrow or a no-break
/// one in the HTML text, none inside a URL or an id; in the PDF, the same
/// spaces typeset (its fonts map glyphs to them) and so no line that
/// starts with « ; » or « » », ends with « « » or « n° », or splits a
/// figure from its unit.
#[cfg(feature = "pdf")]
#[test]
fn typography_on_html_and_pdf_text() {
    if !require_tool("pdftotext") || !require_tool("qpdf") {
        return;
    }
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "couronneries", "--format", "html,pdf"])
        .code(0);
    let html = repo.read("dist/2022-2025/couronneries.html");
    let body = &html[html.find("<main>").unwrap()..html.find("</main>").unwrap()];
    // The text of the page: tags removed, entities as characters.
    let text = regex::Regex::new(r"<[^>]+>")
        .unwrap()
        .replace_all(body, "")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    for bad in [" ;", " :", " !", " ?", " »", "« "] {
        let found: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(bad) && !l.trim_start().starts_with(bad.trim()))
            .collect();
        assert!(
            found.is_empty(),
            "HTML: an ordinary space in « {bad} »:\n{}",
            found.join("\n")
        );
    }
    assert!(text.contains("\u{202F};"), "narrow space before ;");
    assert!(text.contains("\u{A0}:"), "no-break space before :");
    assert!(text.contains("«\u{202F}"), "narrow space inside « »");
    assert!(text.contains("n°\u{A0}"), "no-break space after n°");
    assert!(
        regex::Regex::new(r"\d\u{A0}%").unwrap().is_match(&text),
        "« 50 % » with a no-break space"
    );
    assert!(
        regex::Regex::new(r"\d\u{A0}€").unwrap().is_match(&text),
        "« 536 055 € » with a no-break space"
    );
    assert!(
        regex::Regex::new(r"\d\u{A0}(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\u{A0}\d{4}")
            .unwrap()
            .is_match(&text),
        "a date held together"
    );
    assert!(text.contains("2000\u{2011}321"), "law numbers do not break");
    assert!(text.contains('’'), "typographic apostrophe");
    // « 1er » as a superscript in HTML.
    assert!(body.contains("1<sup>er</sup>"), "1er raised in HTML");
    // Never inside ids or URLs.
    for attr in regex::Regex::new(r#"(id|href)="([^"]*)""#)
        .unwrap()
        .captures_iter(&html)
    {
        let v = &attr[2];
        assert!(
            !v.contains(['\u{202F}', '\u{A0}', '\u{2019}', '\u{2011}']),
            "typography inside an attribute: {v}"
        );
    }

    // The PDF. pdftotext writes every kind of space as an ordinary one, so
    // look for the glyphs in the fonts' Unicode maps, and at line breaks.
    let pdf = repo.file("dist/2022-2025/couronneries.pdf");
    let qdf = repo.file("qdf.pdf");
    let status = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&qdf)
        .status()
        .unwrap();
    assert!(status.success());
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).to_uppercase();
    assert!(
        raw.contains("<202F>"),
        "PDF: no narrow no-break space typeset"
    );
    assert!(raw.contains("<00A0>"), "PDF: no no-break space typeset");
    assert!(raw.contains("<2019>"), "PDF: no typographic apostrophe");
    let text = pdftotext(&pdf, None);
    let starts = regex::Regex::new(r"^(;|:|!|\?|»|%|€)").unwrap();
    let unit = regex::Regex::new(
        r"^(€|%|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)",
    )
    .unwrap();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut previous = lines.next().unwrap_or_default();
    for line in lines {
        assert!(
            !starts.is_match(line),
            "PDF: a line starts with punctuation or a unit:\n{previous}\n{line}"
        );
        assert!(
            !previous.ends_with('«') && !previous.ends_with("n°"),
            "PDF: a line ends inside a held-together group:\n{previous}\n{line}"
        );
        // A figure at a line's end and its unit or month on the next.
        assert!(
            !(previous.ends_with(|c: char| c.is_ascii_digit()) && unit.is_match(line)),
            "PDF: a figure split from its unit:\n{previous}\n{line}"
        );
        previous = line;
    }
}

/// A period with a 2-page PDF annex: both pages in the convention's PDF,
/// with their text, two pages more, PDF/A-2b kept.
#[cfg(feature = "pdf")]
#[test]
fn a_pdf_annex_is_appended_page_by_page() {
    if !require_tool("pdftotext") || !require_tool("pdfinfo") {
        return;
    }
    let repo = Repo::example("amiens");
    let base = "periods/2024-2026/base.toml";
    assert!(repo.read(base).contains("annexes/charte-laicite.pdf"));
    repo.cpo(&["render", "etouvie", "--format", "pdf,html"])
        .code(0);
    let with = repo.file("dist/2024-2026/etouvie.pdf");
    let with_pages = pages(&with);
    let text = plain(&pdftotext(&with, None));
    assert!(text.contains("page 1 / 2 (document d'exemple)"), "{text}");
    assert!(text.contains("page 2 / 2 (document d'exemple)"), "{text}");
    let bytes = std::fs::read(&with).unwrap();
    let xmp = String::from_utf8_lossy(&bytes);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"));
    assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    // The HTML links to the annex, copied beside it.
    let html = repo.read("dist/2024-2026/etouvie.html");
    assert!(html.contains("href=\"annexes/annexe-charte-laicite.pdf\""));
    assert!(repo.exists("dist/2024-2026/annexes/annexe-charte-laicite.pdf"));

    // The same convention with the annex in Markdown instead: the PDF annex
    // accounted for two pages, and its heading.
    repo.write(
        "periods/2024-2026/annexes/charte-laicite.md",
        "Texte d'attente de la charte.\n",
    );
    repo.replace(
        base,
        "annexes/charte-laicite.pdf",
        "annexes/charte-laicite.md",
    );
    repo.cpo(&["render", "etouvie", "--format", "pdf", "--out", "sans"])
        .code(0);
    let without_pages = pages(&repo.file("sans/2024-2026/etouvie.pdf"));
    assert_eq!(
        with_pages,
        without_pages + 2,
        "two pages for the two pages of the annex"
    );
}

/// Every budget year's heading and its « Total » line on the same page, in
/// every example convention.
#[cfg(feature = "pdf")]
#[test]
fn budget_years_are_never_split_from_their_totals() {
    if !require_tool("pdftotext") || !require_tool("pdfinfo") {
        return;
    }
    let heading = regex::Regex::new(r"(?m)^Exercice \d{4}$").unwrap();
    for (example, period) in EXAMPLES {
        let repo = Repo::example(example);
        repo.cpo(&["render", "--format", "pdf"]).code(0);
        for id in repo.centre_ids(period) {
            let path = repo.file(&format!("dist/{period}/{id}.pdf"));
            let n = pages(&path);
            let mut seen = 0;
            for page in 1..=n {
                // Text order within a page follows the two columns of the
                // table, so count: each year heading on this page brings
                // its two totals onto the same page.
                let text = pdftotext(&path, Some(page));
                let years = heading.find_iter(&text).count();
                seen += years;
                for total in ["Total des charges", "Total des produits"] {
                    assert_eq!(
                        text.matches(total).count(),
                        years,
                        "{example}/{id}: a budget year split from its « {total} » (page {page})"
                    );
                }
            }
            assert!(seen > 0, "{example}/{id}: no budget year found");
        }
    }
}

/// A PDF annex that cannot be read fails the PDF of the conventions that
/// carry it, with the annex named: never a convention with an annex
/// silently missing. The HTML, which links to the file, is still made.
#[cfg(feature = "pdf")]
#[test]
fn an_unreadable_pdf_annex_fails_the_pdf_by_name() {
    let repo = Repo::example("amiens");
    repo.write(
        "periods/2024-2026/annexes/charte-laicite.pdf",
        "%PDF-1.7\nnot really a PDF\n",
    );
    let run = repo.cpo(&["render", "etouvie", "--format", "pdf"]);
    let out = run.code(1);
    assert!(out.stderr.contains("charte-laicite.pdf"), "{}", out.stderr);
    assert!(!repo.exists("dist/2024-2026/etouvie.pdf"));
    repo.cpo(&["render", "etouvie", "--format", "html"]).code(0);
}

/// Two centres each annex their own « statuts » (same annex id, different
/// files): each convention links to its own file, copied once under a
/// name of its own, and the base's shared annex keeps its single copy.
#[test]
fn centres_annexes_of_the_same_id_never_overwrite_each_other() {
    let repo = Repo::example("amiens");
    let period = "periods/2024-2026";
    let pdf = std::fs::read(repo.file(&format!("{period}/annexes/charte-laicite.pdf"))).unwrap();
    for centre in ["etouvie", "condorcet"] {
        let mut bytes = pdf.clone();
        bytes.extend_from_slice(format!("%statuts de {centre}\n").as_bytes());
        repo.write(&format!("{period}/centres/{centre}-statuts.pdf"), bytes);
        let toml = format!("{period}/centres/{centre}.toml");
        let text = repo.read(&toml);
        repo.write(
            &toml,
            format!(
                "{text}\n[[annexes]]\nid = \"statuts\"\ntitle = \"Statuts de l'association\"\nfile = \"centres/{centre}-statuts.pdf\"\n"
            ),
        );
    }
    repo.cpo(&["render", "--format", "html"]).code(0);
    for centre in ["etouvie", "condorcet"] {
        let html = repo.read(&format!("dist/2024-2026/{centre}.html"));
        // annexe-centres-{centre}-statuts-HASH.pdf: a hash of the path.
        let prefix = format!("href=\"annexes/annexe-centres-{centre}-statuts-");
        let at = html
            .find(&prefix)
            .unwrap_or_else(|| panic!("{centre}: {html}"));
        let rest = &html[at + prefix.len()..];
        let hash = &rest[..rest.find(".pdf").expect("a PDF link")];
        assert!(
            hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{hash}"
        );
        let name = format!("annexe-centres-{centre}-statuts-{hash}.pdf");
        let copied = std::fs::read(repo.file(&format!("dist/2024-2026/annexes/{name}"))).unwrap();
        assert!(
            copied.ends_with(format!("%statuts de {centre}\n").as_bytes()),
            "{centre}: another centre's file"
        );
        assert!(html.contains("href=\"annexes/annexe-charte-laicite.pdf\""));
    }
}
