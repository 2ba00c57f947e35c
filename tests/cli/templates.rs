//! base.md as a Tera template: `template` and `broken-link` findings.

use crate::harness::Repo;

fn findings(repo: &Repo) -> Vec<(String, String, u64, u64)> {
    let run = repo.cpo(&["check", "--format", "json"]);
    run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_tera_syntax_error_is_reported_at_its_line() {
    let repo = Repo::fixture("clean");
    repo.replace(
        "periods/2022-2025/base.md",
        "Quatre ans.",
        "Quatre ans.\n\nMontant : {{ funding.total | euros ",
    );
    let run = repo.cpo(&["check"]);
    run.code(1);
    let f = findings(&repo);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "template");
    assert_eq!(f[0].1, "periods/2022-2025/base.md");
    assert_eq!(f[0].2, 11, "{f:?}");
}

#[test]
fn an_undefined_variable_is_a_template_error_reported_once() {
    let repo = Repo::fixture("clean");
    repo.replace(
        "periods/2022-2025/base.md",
        "Quatre ans.",
        "Quatre ans.\n\n{{ centre.nom }}",
    );
    // A second centre: the same error must not be repeated per centre.
    repo.write(
        "periods/2022-2025/centres/autre.toml",
        repo.read("periods/2022-2025/centres/beaulieu.toml")
            .replace("73282932000074", "35600000049837"),
    );
    repo.write(
        "periods/2022-2025/centres/autre.md",
        repo.read("periods/2022-2025/centres/beaulieu.md"),
    );
    let f = findings(&repo);
    let templates: Vec<_> = f.iter().filter(|d| d.0 == "template").collect();
    assert_eq!(templates.len(), 1, "{f:?}");
    assert_eq!(templates[0].2, 11);
}

#[test]
fn heading_ids_and_filters_are_valid_template_syntax() {
    let repo = Repo::fixture("clean");
    repo.replace(
        "periods/2022-2025/base.md",
        "Quatre ans.",
        "Du {{ period.start | date_fr }} au {{ period.end | date_fr }} : {{ funding.total | euros }} ({{ funding.total | en_lettres }}).\n\n{% for f in funding.funders %}- {{ f.name }} : {{ f.total | euros }}\n{% endfor %}\n{% if sections.partenariats %}{{ sections.partenariats }}{% endif %}",
    );
    repo.cpo(&["check"]).code(0);
}

#[test]
fn broken_relative_links_are_errors_and_urls_are_not() {
    let repo = Repo::fixture("clean");
    repo.append(
        "periods/2022-2025/centres/beaulieu.md",
        "\nVoir [le plan](annexes/plan.pdf), [le site](https://example.org) et [l'objet](#objet).\n",
    );
    let f = findings(&repo);
    assert_eq!(
        f,
        vec![(
            "broken-link".to_string(),
            "periods/2022-2025/centres/beaulieu.md".to_string(),
            12,
            6
        )]
    );
    repo.write("periods/2022-2025/centres/annexes/plan.pdf", "%PDF-1.7\n");
    assert!(findings(&repo).is_empty());
}

/// base.md that does not place the centre's texts may name the annex they
/// go to (« Projet de l'association ») in its own text: no finding, and the
/// reference is the annex's number.
#[test]
fn base_md_may_name_the_project_annex() {
    let repo = Repo::fixture("clean");
    repo.replace(
        "periods/2022-2025/base.md",
        "Quatre ans.",
        "Quatre ans. Le projet figure à {{ annexe(id=\"projet-association\") }}.",
    );
    let f = findings(&repo);
    assert!(
        f.iter()
            .all(|d| d.0 != "template" && d.0 != "article-reference"),
        "{f:?}"
    );
    repo.cpo(&["render", "beaulieu", "--format", "md"]).code(0);
    let md = repo.read("dist/2022-2025/beaulieu.md");
    assert!(md.contains("figure à l’annexe "), "{md}");
}

/// A typst template whose loops grow with a convention's data passes
/// check's sample convention at once, then would keep `render` busy for
/// hours: each PDF has `CPO_PDF_TIMEOUT` seconds (120 by default), past
/// which cpo says which PDF took too long and stops with exit code 2,
/// leaving no PDF behind, whole or in part.
#[cfg(feature = "pdf")]
#[test]
fn a_pdf_that_takes_too_long_stops_render_with_a_message() {
    let repo = Repo::fixture("clean");
    let template = std::fs::read_to_string(
        crate::harness::project_root().join("src/render/templates/convention.typ"),
    )
    .unwrap();
    // check compiles the template on a sample convention named `exemple`.
    repo.write(
        "templates/convention.typ",
        "#if json(\"/meta.json\").id != \"exemple\" {\n  let n = 0\n  for i in range(100000) { for j in range(100000) { n += 1 } }\n}\n"
            .to_string()
            + &template,
    );
    repo.cpo(&["check"]).code(0);

    let started = std::time::Instant::now();
    let mut child = crate::harness::cpo_command()
        .arg("-C")
        .arg(repo.path())
        .args(["render", "--format", "pdf", "--out", "dist"])
        .env("CPO_PDF_TIMEOUT", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running cpo");
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for cpo") {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("render still running after 60 s: the PDF time limit did not stop it");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the PDF of `beaulieu` (2022-2025) took more than 1 s")
            && stderr.contains("CPO_PDF_TIMEOUT"),
        "{stderr}"
    );
    let written: Vec<_> = walkdir::WalkDir::new(repo.file("dist"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(written.is_empty(), "{written:?}");

    // Not a number of seconds: said before anything runs.
    let mut cmd = crate::harness::cpo_command();
    cmd.arg("-C")
        .arg(repo.path())
        .arg("check")
        .env("CPO_PDF_TIMEOUT", "2 min");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("CPO_PDF_TIMEOUT must be a whole number"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
