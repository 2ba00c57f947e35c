//! The JSON Schemas: the committed files are exactly what the model
//! generates, and they accept every example file (and reject broken ones).
//!
//! The validator below covers the subset of JSON Schema (draft 7) that
//! schemars emits for our types; it exists so that this test needs no
//! network and no heavy dependency.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Repo, project_root};

#[test]
fn committed_schemas_match_the_model() {
    for schema in cpo::schema::all() {
        let path = project_root().join("schemas").join(schema.name);
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == schema.json,
            "{} differs from the model: run `cargo run -- schema --write` and commit",
            schema.name
        );
    }
}

#[test]
fn schema_write_writes_the_same_files() {
    let repo = Repo::empty();
    repo.cpo(&["schema", "--write"]).code(0);
    for schema in cpo::schema::all() {
        assert_eq!(repo.read(&format!("schemas/{}", schema.name)), schema.json);
    }
}

#[test]
fn every_key_has_a_french_description() {
    for schema in cpo::schema::all() {
        let v: Value = serde_json::from_str(&schema.json).unwrap();
        let mut missing = Vec::new();
        let mut objects = vec![("root".to_string(), &v)];
        if let Some(defs) = v["definitions"].as_object() {
            objects.extend(defs.iter().map(|(k, d)| (k.clone(), d)));
        }
        for (name, obj) in objects {
            if let Some(props) = obj["properties"].as_object() {
                for (key, prop) in props {
                    if prop["description"].as_str().is_none_or(str::is_empty) {
                        missing.push(format!("{name}.{key}"));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{}: no description on {missing:?}",
            schema.name
        );
    }
}

fn schema_value(name: &str) -> Value {
    let schema = cpo::schema::all()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap();
    serde_json::from_str(&schema.json).unwrap()
}

/// TOML file -> JSON value as editors see it (dates become strings).
fn toml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let node = cpo::model::node::parse_toml(cpo::diag::FileId(0), &text)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    node.to_json()
}

/// Validate `value` against `schema`; errors are JSON-pointer-ish paths.
fn validate(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/definitions/");
        return validate(root, &root["definitions"][name], value, path, errors);
    }
    for sub in schema["allOf"].as_array().into_iter().flatten() {
        validate(root, sub, value, path, errors);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let ok = options.iter().any(|o| {
                let mut e = Vec::new();
                validate(root, o, value, path, &mut e);
                e.is_empty()
            });
            if !ok {
                errors.push(format!("{path}: matches none of {key}"));
            }
        }
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        errors.push(format!("{path}: expected {c}"));
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(value)
    {
        errors.push(format!("{path}: not in enum"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() {
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        if !ok {
            errors.push(format!("{path}: expected {types:?}, found {value}"));
            return;
        }
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_f64(), value.as_f64())
        && n < min
    {
        errors.push(format!("{path}: below minimum {min}"));
    }
    if let Some(items) = value.as_array()
        && schema["items"].is_object()
    {
        for (i, item) in items.iter().enumerate() {
            validate(root, &schema["items"], item, &format!("{path}/{i}"), errors);
        }
    }
    if let Some(obj) = value.as_object() {
        for req in schema["required"].as_array().into_iter().flatten() {
            let req = req.as_str().unwrap();
            if !obj.contains_key(req) {
                errors.push(format!("{path}: missing {req}"));
            }
        }
        let props = schema["properties"].as_object();
        let patterns = schema["patternProperties"].as_object();
        for (key, v) in obj {
            let sub = format!("{path}/{key}");
            if let Some(p) = props.and_then(|p| p.get(key)) {
                validate(root, p, v, &sub, errors);
                continue;
            }
            if let Some((_, p)) = patterns.and_then(|ps| {
                ps.iter()
                    .find(|(pat, _)| regex::Regex::new(pat).unwrap().is_match(key))
            }) {
                validate(root, p, v, &sub, errors);
                continue;
            }
            match &schema["additionalProperties"] {
                Value::Bool(false) => errors.push(format!("{sub}: unknown key")),
                s @ Value::Object(_) => validate(root, s, v, &sub, errors),
                _ => {}
            }
        }
    }
}

fn errors_of(schema_name: &str, path: &Path) -> Vec<String> {
    let schema = schema_value(schema_name);
    let mut errors = Vec::new();
    validate(&schema, &schema, &toml_as_json(path), "", &mut errors);
    errors
}

/// Every TOML file of a repository with the schema it follows.
fn toml_files(root: &Path) -> Vec<(&'static str, std::path::PathBuf)> {
    let mut out = vec![("cpo.schema.json", root.join("cpo.toml"))];
    for period in std::fs::read_dir(root.join("periods")).unwrap() {
        let period = period.unwrap().path();
        out.push(("base.schema.json", period.join("base.toml")));
        for centre in std::fs::read_dir(period.join("centres")).unwrap() {
            let centre = centre.unwrap().path();
            if centre.extension().is_some_and(|e| e == "toml") {
                out.push(("centre.schema.json", centre));
            }
        }
    }
    out
}

#[test]
fn schemas_accept_every_example_and_fixture_file() {
    let mut roots = vec![project_root().join("tests/fixtures/clean")];
    if let Ok(examples) = std::fs::read_dir(project_root().join("examples")) {
        roots.extend(
            examples
                .map(|e| e.unwrap().path())
                .filter(|p| p.join("cpo.toml").exists()),
        );
    }
    let mut checked = 0;
    for root in roots {
        for (schema, file) in toml_files(&root) {
            let errors = errors_of(schema, &file);
            assert!(
                errors.is_empty(),
                "{} against {schema}: {errors:?}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} files validated");
}

#[test]
fn schemas_reject_what_check_rejects() {
    let repo = Repo::fixture("clean");
    let centre = "periods/2022-2025/centres/beaulieu.toml";
    repo.replace(centre, "kind = \"centre-social\"", "kind = \"centre\"");
    repo.replace(centre, "rna = ", "rnaa = ");
    let errors = errors_of("centre.schema.json", &repo.file(centre));
    assert!(errors.iter().any(|e| e.starts_with("/kind")), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("/association/rnaa: unknown key")),
        "{errors:?}"
    );
}

#[test]
fn example_toml_files_declare_their_schema() {
    let Ok(examples) = std::fs::read_dir(project_root().join("examples")) else {
        return;
    };
    for root in examples
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cpo.toml").exists())
    {
        for (schema, file) in toml_files(&root) {
            let text = std::fs::read_to_string(&file).unwrap();
            let first = text.lines().next().unwrap_or("");
            assert!(
                first.starts_with("#:schema ") && first.ends_with(schema),
                "{} should start with `#:schema .../{schema}`",
                file.display()
            );
            let target = file
                .parent()
                .unwrap()
                .join(first.trim_start_matches("#:schema ").trim());
            assert!(
                target.exists(),
                "{}: {} does not exist",
                file.display(),
                target.display()
            );
        }
    }
}
