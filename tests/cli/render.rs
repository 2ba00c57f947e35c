//! `cpo render` and `cpo build`: the documents people sign.

use std::process::Command;

use crate::harness::{Repo, have, project_root};

const PERIOD_DIR: &str = "dist/2022-2025";

/// What `render` writes by default in this build (PDF needs the `pdf` feature).
pub const FORMATS: &[&str] = if cfg!(feature = "pdf") {
    &["html", "pdf", "md"]
} else {
    &["html", "md"]
};

/// Text of a PDF as pdftotext sees it, spaces normalised (narrow and
/// no-break spaces become plain ones, runs of blanks collapse).
fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    normalise(&String::from_utf8_lossy(&out.stdout))
}

/// Text for comparisons: typographic spaces as spaces, runs of spaces as
/// one, the typographic apostrophe and the non-breaking hyphen as typed.
fn normalise(s: &str) -> String {
    s.replace(['\u{202F}', '\u{A0}'], " ")
        .replace('\u{2019}', "'")
        .replace('\u{2011}', "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A literal as a document shows it: with French typography, normalised.
fn as_typeset(literal: &str) -> String {
    normalise(&cpo::fr::typography::apply_str(
        literal,
        &cpo::fr::typography::Options::default(),
    ))
}

#[test]
fn render_writes_every_convention_in_three_formats_and_the_index() {
    let repo = Repo::example("poitiers");
    let run = repo.cpo(&["render"]);
    run.code(0);
    let files = format!(
        "rendered 9 convention(s) in dist/2022-2025: {} file(s) written",
        9 * FORMATS.len() + 1
    );
    assert!(run.stderr.contains(&files), "{}", run.stderr);
    for id in repo.centre_ids("2022-2025") {
        for ext in FORMATS {
            let path = format!("{PERIOD_DIR}/{id}.{ext}");
            assert!(repo.exists(&path), "{path} missing");
        }
        if cfg!(feature = "pdf") {
            let pdf = std::fs::read(repo.file(&format!("{PERIOD_DIR}/{id}.pdf"))).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }
    }
    let index = repo.read(&format!("{PERIOD_DIR}/index.html"));
    for id in repo.centre_ids("2022-2025") {
        for ext in FORMATS {
            assert!(
                index.contains(&format!("href=\"{id}.{ext}\"")),
                "{id}.{ext} not in the index"
            );
        }
    }
    assert!(index.contains("Ville de Poitiers"));
    assert!(index.contains("projet"), "status of the draft centre");
}

#[test]
fn render_one_centre_one_format_elsewhere() {
    let repo = Repo::example("poitiers");
    let out = repo.file("sortie");
    repo.cpo(&[
        "render",
        "beaulieu",
        "--format",
        "md",
        "--out",
        out.to_str().unwrap(),
    ])
    .code(0);
    assert!(repo.exists("sortie/2022-2025/beaulieu.md"));
    assert!(!repo.exists("sortie/2022-2025/beaulieu.html"));
    assert!(!repo.exists("sortie/2022-2025/seve.md"));
    assert!(!repo.exists("dist"));
    let run = repo.cpo(&["render", "--format", "docx"]);
    run.code(2);
    assert!(
        run.stderr.contains("invalid value 'docx'"),
        "{}",
        run.stderr
    );
    let run = repo.cpo(&["--period", "2018-2021", "render", "--format", "html"]);
    run.code(0);
    assert!(repo.exists("dist/2018-2021/pont-neuf.html"));
}

#[test]
fn build_checks_then_renders() {
    let repo = Repo::example("poitiers");
    let run = repo.cpo(&["build"]);
    run.code(0);
    for id in repo.centre_ids("2022-2025") {
        for ext in FORMATS {
            assert!(repo.exists(&format!("{PERIOD_DIR}/{id}.{ext}")));
        }
    }
    assert!(repo.exists(&format!("{PERIOD_DIR}/index.html")));
}

#[test]
fn build_stops_before_rendering_when_check_fails() {
    let repo = Repo::example("poitiers");
    repo.replace(
        "periods/2022-2025/centres/beaulieu.toml",
        "rna = \"W861000123\"",
        "rna = \"X861000123\"",
    );
    let run = repo.cpo(&["build"]);
    run.code(1);
    assert!(run.stderr.contains("error[rna]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was rendered"),
        "{}",
        run.stderr
    );
    assert!(!repo.exists("dist"), "nothing written");
}

#[cfg(feature = "pdf")]
#[test]
fn pdf_carries_parties_amounts_articles_and_signatures() {
    crate::require!("pdftotext");
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "beaulieu", "--format", "pdf"]).code(0);
    let text = pdf_text(&repo.file(&format!("{PERIOD_DIR}/beaulieu.pdf")));

    let json = repo.cpo(&["merge", "beaulieu", "--format", "json"]).json();
    let mut parties: Vec<(String, String)> = json["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["siret"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    parties.push((
        json["association"]["legal_name"]
            .as_str()
            .unwrap()
            .to_string(),
        json["association"]["siret"].as_str().unwrap().to_string(),
    ));
    for (name, siret) in &parties {
        assert!(text.contains(name.as_str()), "party {name} missing");
        let spaced = format!(
            "{} {} {} {}",
            &siret[0..3],
            &siret[3..6],
            &siret[6..9],
            &siret[9..]
        );
        assert!(text.contains(&spaced), "SIRET {spaced} of {name} missing");
    }
    // An amount in figures, and the same amount in words.
    assert!(text.contains("536 055 €"), "536 055 € missing");
    assert!(text.contains("2 176 220 €"), "total of the Ville missing");
    assert!(
        text.contains("deux millions cent soixante-seize mille deux cent vingt euros"),
        "total in words missing"
    );
    // Every article title, numbered.
    let base = repo.read("periods/2022-2025/base.md");
    let titles: Vec<&str> = base
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|l| l.split(" {#").next().unwrap())
        .collect();
    assert_eq!(titles.len(), 16);
    for (i, title) in titles.iter().enumerate() {
        let number = if i == 0 {
            "1er".to_string()
        } else {
            (i + 1).to_string()
        };
        let heading = as_typeset(&format!("Article {number} – {title}"));
        assert!(text.contains(&heading), "{heading} missing");
    }
    // The visas, the signature page, the fingerprint on every page.
    assert!(text.contains("Vu la loi n° 2000-321 du 12 avril 2000"));
    assert!(text.contains("charte de la laïcité de la branche Famille"));
    assert!(text.contains("Fait à Poitiers, le"));
    assert!(text.contains("en trois exemplaires originaux"));
    for (name, _) in &parties {
        assert!(
            text.matches(name.as_str()).count() >= 2,
            "{name}: no signature block"
        );
    }
    let pages = text.matches("Paraphes :").count();
    assert!(pages >= 5, "{pages} pages with the initials line");
    let short = &json_fingerprint(&repo, "beaulieu")[..12];
    assert_eq!(text.matches(&format!("empreinte {short}")).count(), pages);
    assert!(text.contains(&format!("page 1 / {pages}")));
}

/// The fingerprint a document declares, read from its HTML.
#[cfg(feature = "pdf")]
fn json_fingerprint(repo: &Repo, id: &str) -> String {
    repo.cpo(&["render", id, "--format", "html"]).code(0);
    let html = repo.read(&format!("{PERIOD_DIR}/{id}.html"));
    let start = html.find("name=\"cpo-fingerprint\" content=\"").unwrap() + 32;
    html[start..start + 64].to_string()
}

#[cfg(feature = "pdf")]
#[test]
fn pdf_is_pdfa_2b_and_byte_identical_across_runs() {
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "--format", "pdf"]).code(0);
    let first = std::fs::read(repo.file(&format!("{PERIOD_DIR}/seve.pdf"))).unwrap();
    repo.cpo(&["render", "--format", "pdf"]).code(0);
    let second = std::fs::read(repo.file(&format!("{PERIOD_DIR}/seve.pdf"))).unwrap();
    assert!(first == second, "two renders differ");
    let bytes = String::from_utf8_lossy(&first);
    assert!(
        bytes.contains("<pdfaid:part>2</pdfaid:part>"),
        "no PDF/A part in the XMP metadata"
    );
    assert!(
        bytes.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "no PDF/A conformance B"
    );
    // The date is the data's (the period's first day: this copy is not in git).
    assert!(bytes.contains("2022-01-01"), "creation date from the data");
    // Every font is embedded.
    if crate::harness::require_tool("pdffonts") {
        let out = Command::new("pdffonts")
            .arg(repo.file(&format!("{PERIOD_DIR}/seve.pdf")))
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        let fonts: Vec<&str> = listing.lines().skip(2).collect();
        assert!(!fonts.is_empty(), "{listing}");
        for font in fonts {
            let cols: Vec<&str> = font.split_whitespace().collect();
            // name type [encoding...] emb sub uni object ID: `emb` is the 5th from the end.
            assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {font}");
        }
    }
}

#[cfg(feature = "pdf")]
#[test]
fn draft_conventions_carry_the_projet_watermark() {
    crate::require!("pdftotext");
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "montmidi", "beaulieu", "--format", "pdf,html"])
        .code(0);
    let draft = pdf_text(&repo.file(&format!("{PERIOD_DIR}/montmidi.pdf")));
    let signed = pdf_text(&repo.file(&format!("{PERIOD_DIR}/beaulieu.pdf")));
    let pages = draft.matches("Paraphes :").count();
    assert_eq!(
        draft
            .matches("PROJET – document de travail, non signé")
            .count(),
        pages
    );
    assert!(!signed.contains("PROJET"));
    // The diagonal watermark itself: a 120 pt text drawn as page background.
    if crate::harness::require_tool("qpdf") {
        let plain = repo.file("plain.pdf");
        let ok = Command::new("qpdf")
            .args(["--qdf", "--object-streams=disable"])
            .arg(repo.file(&format!("{PERIOD_DIR}/montmidi.pdf")))
            .arg(&plain)
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let raw = String::from_utf8_lossy(&std::fs::read(&plain).unwrap()).into_owned();
        let backgrounds = raw.matches("/Type/Background>>BDC").count();
        assert!(
            backgrounds >= pages,
            "{backgrounds} backgrounds for {pages} pages"
        );
        assert!(raw.contains(" 120 Tf "), "no watermark-sized text");
    }
    assert!(
        repo.read(&format!("{PERIOD_DIR}/montmidi.html"))
            .contains("class=\"watermark\"")
    );
    assert!(
        !repo
            .read(&format!("{PERIOD_DIR}/beaulieu.html"))
            .contains("class=\"watermark\"")
    );
}

const HOSTILE: &str = r#"
## Diagnostic {#diagnostic}

<script>alert('xss')</script>

Un lien [piégé](javascript:alert(1)) et un <img src="x" onerror="alert(2)"> dans le texte.

<div onclick="alert(3)">bloc HTML brut</div>

Du typst : #set page(fill: red) et $x^2$ et [crochets] et *étoiles* et _soulignés_ et @ref et #emph[non].

## Projet social {#projet}

`#raw code`
"#;

#[test]
fn hostile_markdown_is_shown_literally_and_never_executed() {
    let repo = Repo::fixture("clean");
    repo.write("periods/2022-2025/centres/beaulieu.md", HOSTILE);
    repo.cpo(&["render"]).code(0);

    let html = repo.read(&format!("{PERIOD_DIR}/beaulieu.html"));
    let body = &html[html.find("<main>").unwrap()..];
    assert!(!body.contains("<script"), "script tag passed through");
    assert!(!body.contains("<img"), "img tag passed through");
    assert!(
        !body.contains("<div onclick"),
        "raw HTML block passed through"
    );
    assert!(
        !body.contains("href=\"javascript:"),
        "javascript: link kept"
    );
    assert!(body.contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"));
    assert!(body.contains("&lt;div onclick=&quot;alert(3)&quot;&gt;bloc HTML brut&lt;/div&gt;"));
    assert!(!html.contains("<script"), "no script anywhere in the page");

    let md = repo.read(&format!("{PERIOD_DIR}/beaulieu.md"));
    assert!(md.contains("\\<script\\>"), "script escaped in Markdown");

    if cfg!(feature = "pdf") && crate::harness::require_tool("pdftotext") {
        let text = pdf_text(&repo.file(&format!("{PERIOD_DIR}/beaulieu.pdf")));
        for literal in [
            "<script>alert('xss')</script>",
            "#set page(fill: red)",
            "$x^2$",
            "[crochets]",
            "@ref",
            "#emph[non]",
            "#raw code",
            "<div onclick=\"alert(3)\">bloc HTML brut</div>",
        ] {
            assert!(
                text.contains(&as_typeset(literal)),
                "`{literal}` not shown literally in the PDF:\n{text}"
            );
        }
        // The page was not filled red: typst did not evaluate the text.
        let pdf = std::fs::read(repo.file(&format!("{PERIOD_DIR}/beaulieu.pdf"))).unwrap();
        assert!(
            !String::from_utf8_lossy(&pdf).contains("1 0 0 rg"),
            "a red fill appeared"
        );
    } else {
        eprintln!("SKIPPED (PDF part): pdftotext is not installed");
    }
}

/// The Nu Html Checker's jar: `VNU_JAR`, or where `.ci/run` installs it.
fn vnu_jar() -> Option<std::path::PathBuf> {
    if let Ok(p) = std::env::var("VNU_JAR") {
        return Some(p.into());
    }
    let p = project_root().join("target/vnu/node_modules/vnu-jar/build/dist/vnu.jar");
    p.exists().then_some(p)
}

/// Run the Nu Html Checker on files; skips (returns false) without java or the jar.
pub fn vnu(files: &[std::path::PathBuf]) -> bool {
    let available = vnu_jar().is_some() && have("java");
    if !crate::harness::tool_available(
        "the Nu Html Checker (java and vnu.jar: npm install vnu-jar, or set VNU_JAR)",
        available,
    ) {
        return false;
    }
    let Some(jar) = vnu_jar() else {
        return false;
    };
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg("--errors-only")
        .args(files)
        .output()
        .expect("running vnu");
    assert!(
        out.status.success(),
        "the Nu Html Checker found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

#[test]
fn html_passes_the_nu_html_checker() {
    let repo = Repo::example("poitiers");
    repo.write("periods/2022-2025/centres/beaulieu.md", HOSTILE);
    // The hostile text lacks required sections: render it anyway, marked.
    repo.cpo(&["render", "--format", "html", "--allow-errors"])
        .code(0);
    let files: Vec<_> = std::fs::read_dir(repo.file(PERIOD_DIR))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(files.len(), 10);
    vnu(&files);
}

#[test]
fn html_is_self_contained() {
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "--format", "html"]).code(0);
    for name in ["beaulieu.html", "index.html"] {
        let html = repo.read(&format!("{PERIOD_DIR}/{name}"));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
        for external in ["<link", "<script", "src=\"http", "@import", "url("] {
            assert!(
                !html.contains(external),
                "{name} loads an external resource: {external}"
            );
        }
        assert!(html.contains("@media print"), "print stylesheet");
        assert!(html.contains("size: A4"));
    }
}

#[test]
fn html_and_markdown_snapshots() {
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "seve", "--format", "html,md"]).code(0);
    insta::assert_snapshot!("seve.md", repo.read(&format!("{PERIOD_DIR}/seve.md")));
    let html = repo.read(&format!("{PERIOD_DIR}/seve.html"));
    // The stylesheet is snapshot once, not in every convention.
    let body = &html[html.find("</style>").unwrap()..];
    insta::assert_snapshot!("seve.html", body);
}

#[test]
fn a_template_override_changes_the_page_and_its_errors_are_located() {
    let repo = Repo::example("poitiers");
    repo.write(
        "templates/convention.html",
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{{ meta.title }}</title></head><body><p>Sur mesure</p>{{ body | safe }}</body></html>",
    );
    repo.cpo(&["render", "beaulieu", "--format", "html"])
        .code(0);
    assert!(
        repo.read(&format!("{PERIOD_DIR}/beaulieu.html"))
            .contains("<p>Sur mesure</p>")
    );

    repo.write("templates/convention.html", "<p>\n{{ meta.title </p>\n");
    let run = repo.cpo(&["check", "--format", "short"]);
    run.code(1);
    assert!(
        run.stdout.starts_with("templates/convention.html:2:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("error[template]"), "{}", run.stdout);
    repo.cpo(&["render", "--format", "html"]).code(2);
}

/// `cpo build` after editing one centre rewrites that convention's files
/// (and the comparison report, which shows the edit), nothing else: the
/// other conventions' files keep their inode (files are replaced by
/// rename, so a rewritten file always gets a new one).
#[cfg(unix)]
#[test]
fn build_after_one_edit_rewrites_only_that_convention() {
    use std::collections::BTreeMap;
    use std::os::unix::fs::MetadataExt;
    let repo = Repo::example("poitiers");
    let inodes = |repo: &Repo| -> BTreeMap<String, u64> {
        walkdir::WalkDir::new(repo.file("dist"))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(repo.path()).unwrap();
                (rel.display().to_string(), e.metadata().unwrap().ino())
            })
            .collect()
    };
    repo.cpo(&["build"]).code(0);
    let before = inodes(&repo);
    assert!(before.len() > 20, "{before:?}");
    repo.append(
        "periods/2022-2025/centres/couronneries.md",
        "\nUn paragraphe ajouté au projet.\n",
    );
    repo.cpo(&["build"]).code(0);
    let after = inodes(&repo);
    let rewritten: Vec<&str> = after
        .iter()
        .filter(|(f, ino)| before.get(*f) != Some(ino))
        .map(|(f, _)| f.as_str())
        .collect();
    let mut expected = vec![
        "dist/2022-2025/comparaison-2018-2021.html",
        "dist/2022-2025/couronneries.html",
        "dist/2022-2025/couronneries.md",
    ];
    // The cache records PDFs: without the PDF engine it stays empty, and
    // is not written again.
    if cfg!(feature = "pdf") {
        expected.insert(0, "dist/2022-2025/.cpo-cache");
        expected.push("dist/2022-2025/couronneries.pdf");
    }
    assert_eq!(rewritten, expected);
    // And a build with nothing changed rewrites nothing but the cache.
    let again = inodes(&repo);
    repo.cpo(&["build"]).code(0);
    let after = inodes(&repo);
    let rewritten: Vec<&str> = after
        .iter()
        .filter(|(f, ino)| again.get(*f) != Some(ino))
        .map(|(f, _)| f.as_str())
        .collect();
    assert!(
        rewritten.iter().all(|f| f.ends_with(".cpo-cache")),
        "{rewritten:?}"
    );
}

/// Beaulieu's convention rendered as Markdown, as read.
fn beaulieu_md(repo: &Repo) -> String {
    repo.cpo(&["render", "beaulieu", "--format", "md"]).code(0);
    repo.read(&format!("{PERIOD_DIR}/beaulieu.md"))
}

/// Without a civility, « habilité » agrees with the form of the signer's
/// title (« présidente »), not with a masculine default.
#[test]
fn habilitation_agrees_with_the_title_when_the_civility_is_not_given() {
    let repo = Repo::example("poitiers");
    let toml = "periods/2022-2025/centres/beaulieu.toml";
    repo.replace(
        toml,
        "civility = \"Mme\"\ntitle = \"Présidente\"",
        "title = \"Présidente\"",
    );
    let md = beaulieu_md(&repo);
    assert!(
        md.contains("représentée par Hélène Garnier, présidente, dûment habilitée par décision")
            && md.contains("La présidente, Hélène Garnier"),
        "{md}"
    );
    repo.replace(toml, "title = \"Présidente\"", "title = \"Président\"");
    let md = beaulieu_md(&repo);
    assert!(
        md.contains("représentée par Hélène Garnier, président, dûment habilité par décision")
            && md.contains("Le président, Hélène Garnier"),
        "{md}"
    );
}

/// base.md can agree with the signer too: `signer_gender` is `f` or `m` by
/// civility, else by the title's form, "" when neither says.
#[test]
fn base_md_reads_the_signers_gender() {
    let repo = Repo::fixture("clean");
    let toml = "periods/2022-2025/centres/beaulieu.toml";
    assert!(!repo.read(toml).contains("civility"));
    repo.append(
        "periods/2022-2025/base.md",
        "\nSigné par {% if centre.association.signer_gender == \"f\" %}la présidente{% else %}le président{% endif %} ({{ centre.association.signer_gender }}).\n",
    );
    let md = beaulieu_md(&repo);
    assert!(md.contains("Signé par la présidente (f)."), "{md}");
    repo.replace(toml, "title = \"Présidente\"", "title = \"Maire\"");
    let md = beaulieu_md(&repo);
    assert!(md.contains("Signé par le président ()."), "{md}");
}
