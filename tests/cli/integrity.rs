//! What is signed stays what was signed (issue 13): nothing a centre writes
//! changes the common articles; the seal sees every change a signatory
//! would read and cannot be silenced; `verify` reads the document's
//! content; `render` refuses what `check` rejects.

use crate::harness::Repo;

const PERIOD: &str = "periods/2022-2025";
const CENTRE_MD: &str = "periods/2022-2025/centres/couronneries.md";
const CENTRE_TOML: &str = "periods/2022-2025/centres/couronneries.toml";

/// The articles of a rendered HTML convention (its `<h2>` headings that
/// start with « Article »), in order, with their numbers.
fn articles(html: &str) -> Vec<String> {
    regex::Regex::new(r"(?s)<h2[^>]*>(.*?)</h2>")
        .unwrap()
        .captures_iter(html)
        .map(|c| {
            regex::Regex::new(r"<[^>]+>")
                .unwrap()
                .replace_all(&c[1], "")
                .into_owned()
        })
        .filter(|h| h.starts_with("Article"))
        .collect()
}

/// The articles of couronneries' convention, and its Markdown, rendered.
fn rendered(repo: &Repo) -> (Vec<String>, String, String) {
    repo.cpo(&[
        "render",
        "couronneries",
        "--format",
        "html,md",
        "--allow-errors",
        "--force",
    ])
    .code(0);
    let html = repo.read("dist/2022-2025/couronneries.html");
    let md = repo.read("dist/2022-2025/couronneries.md");
    (articles(&html), html, md)
}

/// Each injection a centre could try, in its Markdown or its values: the
/// convention still has base.md's articles, in base.md's order, each with
/// its own text.
#[test]
fn nothing_a_centre_writes_changes_the_common_articles() {
    let clean = Repo::example("poitiers");
    let (articles, _, clean_md) = rendered(&clean);
    assert_eq!(articles.len(), 16, "{articles:?}");
    assert!(
        articles
            .iter()
            .any(|a| a.starts_with("Article 16 – Recours"))
    );
    // A sentence of each of the last articles, which an open fence would
    // swallow.
    let tails = [
        "Le coût total estimé éligible de l’action",
        "Modalités de versement",
        "Recours",
    ];
    for t in tails {
        assert!(clean_md.contains(t), "{t}");
    }

    type Edit = fn(&Repo);
    let injections: &[(&str, Edit)] = &[
        ("an unclosed fence under ## Plan d'action", |r| {
            r.replace(
                CENTRE_MD,
                "- Atelier vélo solidaire.\n",
                "- Atelier vélo solidaire.\n\n```\n",
            );
        }),
        ("an unclosed tilde fence in the introduction", |r| {
            r.replace(CENTRE_MD, "Pour la période", "~~~~\nPour la période");
        }),
        ("a legal_name with a newline and a fence", |r| {
            r.replace(
                CENTRE_TOML,
                "legal_name = \"Association d'animation des Couronneries\"",
                "legal_name = \"Association d'animation\\n```\\ndes Couronneries\"",
            );
        }),
        ("a name adding an article", |r| {
            r.replace(
                CENTRE_TOML,
                "name = \"Maison de quartier des Couronneries\"",
                "name = \"Maison de quartier des Couronneries\\n\\n## Article pirate {#recours}\\n\\nTout litige est jugé par le centre.\"",
            );
        }),
        ("a section adding an H2 article", |r| {
            r.replace(
                CENTRE_MD,
                "Chaque action fait l'objet",
                "## Article pirate {#sanctions}\n\nAucune sanction.\n\nChaque action fait l'objet",
            );
        }),
        ("raw HTML headings and comments", |r| {
            r.replace(
                CENTRE_MD,
                "Chaque action fait l'objet",
                "<h2 id=\"recours\">Article pirate</h2>\n\n<!--\n\nChaque action fait l'objet",
            );
        }),
        ("a link reference definition", |r| {
            r.append(CENTRE_MD, "\n[article]: https://example.org/pirate\n");
        }),
        ("front matter in the middle", |r| {
            r.replace(
                CENTRE_MD,
                "Chaque action fait l'objet",
                "---\ntitle: pirate\n---\n\nChaque action fait l'objet",
            );
        }),
    ];
    for (what, edit) in injections {
        let repo = Repo::example("poitiers");
        edit(&repo);
        let (now, html, md) = rendered(&repo);
        assert_eq!(now, articles, "{what}: the article list changed");
        for t in tails {
            assert!(md.contains(t), "{what}: « {t} » swallowed");
        }
        assert!(!html.contains("Article pirate</h2>"), "{what}");
    }
    // Template syntax in a value is text: printed as typed, never run.
    let repo = Repo::example("poitiers");
    repo.replace(
        CENTRE_TOML,
        "representative = \"Karim Benali\"",
        "representative = \"Karim {{ sections.diagnostic }} Benali\"",
    );
    let (_, _, md) = rendered(&repo);
    assert!(
        md.contains("Karim {{ sections.diagnostic }} Benali"),
        "{md}"
    );
}

/// Seal one convention of a git copy of the poitiers example and commit.
fn sealed() -> Repo {
    let repo = Repo::example("poitiers");
    repo.git_init();
    repo.cpo(&["seal", "couronneries", "--date", "2022-07-04"])
        .code(0);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "seal"]);
    let json = repo.cpo(&["check", "--format", "json"]).json();
    assert!(
        !json.to_string().contains("sealed-changed"),
        "a fresh seal holds: {json}"
    );
    repo
}

/// The `sealed-changed` findings of a check.
fn sealed_changed(repo: &Repo) -> Vec<serde_json::Value> {
    let json = repo.cpo(&["check", "--format", "json"]).json();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "sealed-changed")
        .cloned()
        .collect()
}

#[test]
fn every_seal_hole_is_a_sealed_changed_finding() {
    let base_md = format!("{PERIOD}/base.md");
    type Edit = Box<dyn Fn(&Repo)>;
    let holes: Vec<(&str, Edit)> = vec![
        (
            "two articles swapped",
            Box::new(move |r: &Repo| {
                let text = r.read(&base_md);
                let a = text.find("## Évaluation {#evaluation}").unwrap();
                let b = text.find("## Contrôle de l'administration").unwrap();
                let c = text.find("## Conditions de renouvellement").unwrap();
                let swapped = format!("{}{}{}{}", &text[..a], &text[b..c], &text[a..b], &text[c..]);
                r.write(&base_md, swapped);
            }),
        ),
        (
            "the place of signature",
            Box::new(|r: &Repo| {
                r.replace("cpo.toml", "place = \"Poitiers\"", "place = \"Buxerolles\"");
            }),
        ),
        (
            "an HTML template override",
            Box::new(|r: &Repo| {
                let page = cpo_default_template("convention.html");
                r.write(
                    "templates/convention.html",
                    page.replacen("<main>", "<main><p>Clause ajoutée.</p>", 1),
                );
            }),
        ),
        (
            "a style.css that hides text",
            Box::new(|r: &Repo| {
                r.write("templates/style.css", "#recours { display: none; }\n");
            }),
        ),
        (
            "a typst template override",
            Box::new(|r: &Repo| {
                let typ = cpo_default_template("convention.typ");
                r.write("templates/convention.typ", typ + "\n// changed\n");
            }),
        ),
        (
            "an amount",
            Box::new(|r: &Repo| {
                r.replace(
                    CENTRE_TOML,
                    "caf   = { 2022 = 138000",
                    "caf   = { 2022 = 139000",
                );
            }),
        ),
    ];
    for (what, edit) in holes {
        let repo = sealed();
        edit(&repo);
        let found = sealed_changed(&repo);
        assert!(!found.is_empty(), "{what}: no sealed-changed");
        assert!(
            found
                .iter()
                .all(|d| d["file"] == "periods/2022-2025/seals.toml"),
            "{what}: {found:?}"
        );
    }
}

/// A default template, as `cpo` ships it (read from the source tree).
fn cpo_default_template(name: &str) -> String {
    std::fs::read_to_string(
        crate::harness::project_root()
            .join("src/render/templates")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn seals_cannot_be_rewritten_silenced_or_renewed_quietly() {
    let seals = format!("{PERIOD}/seals.toml");
    // Edited by hand.
    let repo = sealed();
    let text = repo.read(&seals);
    let fp = regex::Regex::new(r#"fingerprint = "([0-9a-f]{8})"#)
        .unwrap()
        .captures(&text)
        .unwrap()[1]
        .to_string();
    repo.replace(&seals, &fp, "00000000");
    let found = sealed_changed(&repo);
    assert!(
        found
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("rewritten")),
        "edited: {found:?}"
    );

    // Deleted.
    let repo = sealed();
    repo.remove(&seals);
    let found = sealed_changed(&repo);
    assert!(
        found
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("rewritten")),
        "deleted: {found:?}"
    );
    repo.cpo(&["check"]).code(1);

    // Deleted and committed: the history still has it.
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "drop the seals"]);
    assert!(!sealed_changed(&repo).is_empty(), "deleted and committed");

    // `[lints] sealed-changed = "allow"` is refused.
    let repo = sealed();
    repo.append("cpo.toml", "\n[lints]\nsealed-changed = \"allow\"\n");
    repo.replace(
        CENTRE_TOML,
        "caf   = { 2022 = 138000",
        "caf   = { 2022 = 139000",
    );
    let run = repo.cpo(&["check"]);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("sealed-changed"),
        "{run:?}"
    );

    // Sealed again after a change, without an avenant: `cpo seal` refuses,
    // and a record appended by hand is a finding.
    let repo = sealed();
    repo.replace(CENTRE_MD, "Atelier vélo solidaire", "Atelier vélo");
    let run = repo.cpo(&["seal", "couronneries", "--date", "2023-01-10"]);
    run.code(1);
    assert!(run.stderr.contains("--amend"), "{}", run.stderr);
    let record = repo.read(&seals);
    let last = record.rfind("[[seal]]").unwrap();
    let copy = record[last..]
        .replace("2022-07-04", "2023-01-10")
        .replace(&fp, "1234abcd");
    repo.append(&seals, &format!("\n{copy}"));
    let found = sealed_changed(&repo);
    assert!(
        found
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("names no avenant")),
        "re-sealed by hand: {found:?}"
    );
    // With --amend, the new seal holds.
    let repo = sealed();
    repo.replace(CENTRE_MD, "Atelier vélo solidaire", "Atelier vélo");
    repo.cpo(&[
        "seal",
        "couronneries",
        "--date",
        "2023-01-10",
        "--amend",
        "1",
    ])
    .code(0);
    assert!(sealed_changed(&repo).is_empty());
}

/// A Windows checkout (CRLF line endings, trailing spaces) changes nothing
/// a signatory reads: no `sealed-changed`.
#[test]
fn crlf_line_endings_are_no_change() {
    let repo = sealed();
    for entry in walkdir::WalkDir::new(repo.file("periods")) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md" || e == "toml") {
            let text = std::fs::read_to_string(path).unwrap();
            let crlf = text
                .lines()
                .map(|l| {
                    // One trailing space (two would be a Markdown line break).
                    if !l.is_empty() {
                        format!("{l} ")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\r\n");
            std::fs::write(path, crlf + "\r\n").unwrap();
        }
    }
    let text = repo.read("cpo.toml").replace('\n', "\r\n");
    repo.write("cpo.toml", text);
    let found = sealed_changed(&repo);
    assert!(found.is_empty(), "{found:?}");
}

/// `cpo verify` re-renders and compares: a changed figure in the HTML, a
/// flipped byte in the PDF or a changed word in the Markdown is exit 1
/// with where it differs; the untouched files are exit 0.
#[test]
fn verify_reads_the_content_not_the_label() {
    let repo = Repo::example("poitiers");
    let formats = if cfg!(feature = "pdf") {
        "html,pdf,md"
    } else {
        "html,md"
    };
    repo.cpo(&["render", "couronneries", "--format", formats])
        .code(0);
    let dir = "dist/2022-2025";
    for ext in formats.split(',') {
        let file = format!("{dir}/couronneries.{ext}");
        let run = repo.cpo(&["verify", repo.file(&file).to_str().unwrap()]);
        run.code(0);
    }

    // A figure changed in the HTML.
    let html = repo.read(&format!("{dir}/couronneries.html"));
    let figure = regex::Regex::new(r"\d{3}\u{202F}\d{3}\u{A0}€")
        .unwrap()
        .find(&html)
        .expect("an amount in the HTML")
        .as_str()
        .to_string();
    let changed = format!("9{}", &figure[1..]);
    repo.write("tampered.html", html.replacen(&figure, &changed, 1));
    let run = repo.cpo(&["verify", repo.file("tampered.html").to_str().unwrap()]);
    run.code(1);
    assert!(
        run.stdout.contains(&changed) || run.stderr.contains(&changed),
        "where it differs: {run:?}"
    );

    // A word changed in the Markdown.
    let md = repo.read(&format!("{dir}/couronneries.md"));
    repo.write("tampered.md", md.replacen("Recours", "Recourt", 1));
    let run = repo.cpo(&["verify", repo.file("tampered.md").to_str().unwrap()]);
    run.code(1);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("Recourt"),
        "{run:?}"
    );

    // A byte of the PDF flipped, away from its metadata.
    if cfg!(feature = "pdf") {
        let mut pdf = std::fs::read(repo.file(&format!("{dir}/couronneries.pdf"))).unwrap();
        let at = pdf.len() / 2;
        pdf[at] ^= 0x01;
        repo.write("tampered.pdf", &pdf);
        let run = repo.cpo(&["verify", repo.file("tampered.pdf").to_str().unwrap()]);
        run.code(1);
        assert!(
            format!("{}{}", run.stdout, run.stderr).contains("byte"),
            "{run:?}"
        );
    }
}

/// `render` refuses a convention `check` rejects: named on stderr, exit 1,
/// none of its files written, the others rendered; `--allow-errors` marks
/// it « document non conforme ».
#[test]
fn render_refuses_what_check_rejects() {
    let repo = Repo::example("poitiers");
    repo.replace(
        CENTRE_TOML,
        "caf   = { 2022 = 138000",
        "caf   = { 2022 = -138000",
    );
    repo.cpo(&["check"]).code(1);
    let run = repo.cpo(&["render", "--format", "html,md"]);
    run.code(1);
    assert!(run.stderr.contains("couronneries"), "{}", run.stderr);
    assert!(!repo.exists("dist/2022-2025/couronneries.html"));
    assert!(!repo.exists("dist/2022-2025/couronneries.md"));
    assert!(repo.exists("dist/2022-2025/montmidi.html"));
    let run = repo.cpo(&["build"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!repo.exists("dist/2022-2025/couronneries.html"));

    repo.cpo(&[
        "render",
        "couronneries",
        "--format",
        "html",
        "--allow-errors",
    ])
    .code(0);
    let html = repo.read("dist/2022-2025/couronneries.html");
    assert!(html.contains("Document non conforme"), "the band");
}

/// A temporary file left by a killed run is removed by the next one.
#[test]
fn stale_temporary_files_are_removed() {
    let repo = Repo::example("poitiers");
    repo.cpo(&["render", "couronneries", "--format", "html"])
        .code(0);
    let stale = "dist/2022-2025/.couronneries.pdf.cpo-tmp-99999";
    repo.write(stale, "half a PDF");
    repo.cpo(&["render", "couronneries", "--format", "html"])
        .code(0);
    assert!(!repo.exists(stale));
}

/// Template errors at the line and column Tera gives, not at base.md:1:1.
#[test]
fn template_errors_are_at_their_real_line() {
    for (what, call) in [
        ("an unknown filter", "{{ cost.total | euroz }}"),
        ("an unknown function", "{{ articel(id=\"objet\") }}"),
        ("an include", "{% include \"autre.md\" %}"),
    ] {
        let repo = Repo::example("poitiers");
        let base = format!("{PERIOD}/base.md");
        let text = repo.read(&base);
        let line = text
            .lines()
            .position(|l| l.starts_with("## Durée"))
            .unwrap()
            + 3;
        let mut lines: Vec<&str> = text.lines().collect();
        let inserted = format!("Texte {call} ajouté.");
        lines.insert(line - 1, &inserted);
        repo.write(&base, lines.join("\n") + "\n");
        let json = repo.cpo(&["check", "--format", "json"]).json();
        let d = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "template")
            .unwrap_or_else(|| panic!("{what}: no template finding: {json}"))
            .clone();
        assert_eq!(d["file"], base, "{what}");
        assert_eq!(d["line"].as_u64(), Some(line as u64), "{what}: {d}");
        assert!(d["column"].as_u64().unwrap() >= 7, "{what}: {d}");
    }
}

/// The typst template override is compiled by `cpo check`, its errors
/// located in it.
#[cfg(feature = "pdf")]
#[test]
fn check_compiles_the_typst_override() {
    let repo = Repo::example("poitiers");
    let typ = cpo_default_template("convention.typ");
    repo.write("templates/convention.typ", typ + "\n#let broken = (\n");
    let json = repo.cpo(&["check", "--format", "json"]).json();
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "template")
        .unwrap_or_else(|| panic!("no template finding: {json}"))
        .clone();
    assert_eq!(d["file"], "templates/convention.typ");
    assert!(d["line"].as_u64().unwrap() > 1, "{d}");
}

/// A control character in a centre text is a located finding of `check`,
/// not a broken PDF.
#[test]
fn control_characters_are_located() {
    let repo = Repo::example("poitiers");
    repo.replace(
        CENTRE_MD,
        "Atelier vélo solidaire",
        "Atelier\u{7} vélo solidaire",
    );
    let md = repo.read(CENTRE_MD);
    let line = md.lines().position(|l| l.contains('\u{7}')).unwrap() + 1;
    let json = repo.cpo(&["check", "--format", "json"]).json();
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "control-character")
        .unwrap_or_else(|| panic!("no control-character finding: {json}"))
        .clone();
    assert_eq!(d["file"], CENTRE_MD);
    assert_eq!(d["line"].as_u64(), Some(line as u64));
    assert_eq!(d["column"].as_u64(), Some(10));
}

/// The fingerprint of the `clean` fixture, pinned. Seals recorded in every
/// repository compare against fingerprints like this one: if this test
/// fails, a change made existing seals report `sealed-changed`. That is
/// acceptable only with a new `FINGERPRINT_FORMAT` and an upgrade note in
/// the CHANGELOG; then update the value here.
const CLEAN_FINGERPRINT: &str = "0f5b9500175ecb35f3eb786fe156e71f1573c48123409d6317ddc0b124b344a1";

fn clean_fingerprint(repo: &Repo) -> String {
    repo.cpo(&["render", "beaulieu", "--format", "html", "--force"])
        .code(0);
    let html = repo.read("dist/2022-2025/beaulieu.html");
    let marker = "name=\"cpo-fingerprint\" content=\"";
    let start = html.find(marker).expect("the fingerprint meta") + marker.len();
    html[start..start + 64].to_string()
}

#[test]
fn fingerprint_golden_and_the_same_from_a_windows_checkout() {
    let repo = Repo::fixture("clean");
    assert_eq!(clean_fingerprint(&repo), CLEAN_FINGERPRINT);
    // A Windows checkout: every text file with CRLF line endings.
    for rel in [
        "cpo.toml",
        "periods/2022-2025/base.toml",
        "periods/2022-2025/base.md",
        "periods/2022-2025/centres/beaulieu.toml",
        "periods/2022-2025/centres/beaulieu.md",
    ] {
        let text = repo.read(rel).replace("\r\n", "\n").replace('\n', "\r\n");
        repo.write(rel, text);
    }
    assert_eq!(clean_fingerprint(&repo), CLEAN_FINGERPRINT);
}
