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
