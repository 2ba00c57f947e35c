//! The JSON Schemas as the editor's dictionary: what a key means (its
//! French description, from the model's `///` lines), which keys a table
//! takes, which values an enumeration allows, whether a number is an
//! amount in euros.
//!
//! The schemas are the ones `cpo schema` writes, generated from the model,
//! so completion and hover can never disagree with what `cpo check`
//! accepts. Arrays of tables are walked through transparently: the path
//! `objectives.indicators.label` reaches an indicator's `label`.

use serde_json::Value as J;

/// The three schemas, parsed once.
pub struct Schemas {
    schemas: Vec<(&'static str, J)>,
}

impl Schemas {
    pub fn load() -> Schemas {
        let schemas = crate::schema::all()
            .into_iter()
            .filter_map(|s| Some((s.name, serde_json::from_str(&s.json).ok()?)))
            .collect();
        Schemas { schemas }
    }

    /// The schema of a repository file, by its path in the repository.
    pub fn for_path(&self, rel: &str) -> Option<&J> {
        let name = crate::lifecycle::fmt::schema_for(rel)?;
        self.schemas
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s)
    }
}

/// A place in a schema.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    root: &'a J,
    /// The schema there, references followed.
    pub schema: &'a J,
    /// The key's description (the property's own, else its type's).
    pub description: Option<&'a str>,
    /// The definition the value is an instance of (`Amount`, `Objective`).
    pub def: Option<&'a str>,
}

/// One key a table takes.
pub struct Key<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    /// The value's type, in the schema's words (`string`, `Amount`, `array`).
    pub kind: String,
    pub is_table: bool,
}

impl<'a> At<'a> {
    pub fn root(root: &'a J) -> At<'a> {
        let mut def = None;
        let schema = resolve(root, root, &mut def);
        At {
            root,
            schema,
            description: root.get("description").and_then(J::as_str),
            def,
        }
    }

    /// Follow a path of keys (array levels are stepped through).
    pub fn path<S: AsRef<str>>(root: &'a J, path: &[S]) -> Option<At<'a>> {
        let mut at = At::root(root);
        for key in path {
            at = at.step(key.as_ref())?;
        }
        Some(at)
    }

    /// The items of an array, or this place itself.
    fn element(self) -> At<'a> {
        match self.schema.get("items") {
            Some(items) => {
                let mut def = None;
                let schema = resolve(items, self.root, &mut def);
                At {
                    root: self.root,
                    schema,
                    description: self.description,
                    def,
                }
            }
            None => self,
        }
    }

    fn step(self, key: &str) -> Option<At<'a>> {
        let here = self.element();
        let s = here.schema;
        let child = s
            .get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| {
                s.get("patternProperties")
                    .and_then(J::as_object)
                    .and_then(|p| {
                        p.iter()
                            .find(|(pattern, _)| matches_pattern(pattern, key))
                            .map(|(_, sub)| sub)
                    })
            })
            .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))?;
        let mut def = None;
        let schema = resolve(child, self.root, &mut def);
        let description = child
            .get("description")
            .and_then(J::as_str)
            .or_else(|| schema.get("description").and_then(J::as_str));
        Some(At {
            root: self.root,
            schema,
            description,
            def,
        })
    }

    /// The keys the table here takes, in the schema's order.
    pub fn keys(self) -> Vec<Key<'a>> {
        let here = self.element();
        let Some(props) = here.schema.get("properties").and_then(J::as_object) else {
            return Vec::new();
        };
        props
            .iter()
            .map(|(name, p)| {
                let mut def = None;
                let resolved = resolve(p, self.root, &mut def);
                let kind = def
                    .map(str::to_string)
                    .or_else(|| type_name(resolved))
                    .unwrap_or_default();
                let is_table = resolved.get("properties").is_some()
                    || resolved
                        .get("additionalProperties")
                        .is_some_and(J::is_object)
                    || resolved.get("patternProperties").is_some()
                    || resolved.get("items").is_some_and(|i| {
                        let mut d = None;
                        resolve(i, self.root, &mut d).get("properties").is_some()
                    });
                Key {
                    name,
                    description: p
                        .get("description")
                        .and_then(J::as_str)
                        .or_else(|| resolved.get("description").and_then(J::as_str)),
                    kind,
                    is_table,
                }
            })
            .collect()
    }

    /// The values an enumeration takes, with their descriptions.
    pub fn values(self) -> Vec<(&'a str, Option<&'a str>)> {
        let mut out = Vec::new();
        if let Some(variants) = self.schema.get("oneOf").and_then(J::as_array) {
            for v in variants {
                if let Some(c) = v.get("const").and_then(J::as_str) {
                    out.push((c, v.get("description").and_then(J::as_str)));
                }
            }
        }
        if let Some(values) = self.schema.get("enum").and_then(J::as_array) {
            out.extend(values.iter().filter_map(J::as_str).map(|v| (v, None)));
        }
        out
    }

    pub fn is_amount(&self) -> bool {
        self.def == Some("Amount")
    }
}

/// Follow `$ref`s, and `allOf`/`anyOf` to their first non-null member
/// (how schemars writes an optional or documented reference).
fn resolve<'a>(s: &'a J, root: &'a J, def: &mut Option<&'a str>) -> &'a J {
    if let Some(r) = s.get("$ref").and_then(J::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        *def = Some(name);
        return match root.get("definitions").and_then(|d| d.get(name)) {
            Some(target) => resolve(target, root, def),
            None => s,
        };
    }
    for key in ["allOf", "anyOf"] {
        if let Some(first) = s
            .get(key)
            .and_then(J::as_array)
            .and_then(|o| o.iter().find(|o| o.get("type") != Some(&J::from("null"))))
        {
            return resolve(first, root, def);
        }
    }
    s
}

fn type_name(s: &J) -> Option<String> {
    match s.get("type")? {
        J::String(t) => Some(t.clone()),
        J::Array(ts) => Some(
            ts.iter()
                .filter_map(J::as_str)
                .filter(|t| *t != "null")
                .collect::<Vec<_>>()
                .join(" | "),
        ),
        _ => None,
    }
}

/// The schemas' key patterns are numbers (years, accounts).
fn matches_pattern(pattern: &str, key: &str) -> bool {
    if pattern.contains("\\d") {
        let digits = key.strip_prefix('-').unwrap_or(key);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_reach_descriptions_through_arrays_and_years() {
        let schemas = Schemas::load();
        let centre = schemas
            .for_path("periods/2022-2025/centres/x.toml")
            .unwrap();
        let address = At::path(centre, &["association", "address"]).unwrap();
        assert!(address.description.unwrap().contains("dresse"));
        let label = At::path(centre, &["objectives", "indicators", "label"]).unwrap();
        assert_eq!(label.description, Some("Libellé de l'indicateur."));
        assert!(
            At::path(centre, &["funding", "ville", "2022"])
                .unwrap()
                .is_amount()
        );
        assert!(
            At::path(centre, &["budget", "2023", "subsidies", "caf"])
                .unwrap()
                .is_amount()
        );
        let kinds: Vec<_> = At::path(centre, &["kind"])
            .unwrap()
            .values()
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(kinds.contains(&"centre-social"), "{kinds:?}");
        let keys: Vec<_> = At::path(centre, &["association"])
            .unwrap()
            .keys()
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert!(keys.contains(&"siret"), "{keys:?}");
    }
}
