//! The layout of a convention repository (SPEC §2), in one place: the
//! paths of its files and what kind of file a path is.
//!
//! ```text
//! cpo.toml
//! periods/START-END/base.toml, base.md, seals.toml, annexes/…
//! periods/START-END/centres/ID.toml, ID.md
//! templates/NAME
//! schemas/NAME.schema.json
//! ```

/// The file name that marks the root of a convention repository.
pub const CONFIG_FILE: &str = "cpo.toml";
/// The folder that holds one folder per agreement period.
pub const PERIODS_DIR: &str = "periods";
/// The folder of a repository's overrides of the built-in templates.
pub const TEMPLATES_DIR: &str = "templates";
/// The folder of the JSON Schemas (`cpo schema --write`).
pub const SCHEMAS_DIR: &str = "schemas";
/// The seals of a period.
pub const SEALS_FILE: &str = "seals.toml";
/// The common data and text of a period.
pub const BASE_TOML: &str = "base.toml";
pub const BASE_MD: &str = "base.md";
/// The folder of a period's centres.
pub const CENTRES_DIR: &str = "centres";

/// `periods/LABEL`
pub fn period_dir(label: &str) -> String {
    format!("{PERIODS_DIR}/{label}")
}

/// `periods/LABEL/NAME` (base.toml, base.md, seals.toml)
pub fn period_file(label: &str, name: &str) -> String {
    format!("{PERIODS_DIR}/{label}/{name}")
}

/// `periods/LABEL/centres`
pub fn centres_dir(label: &str) -> String {
    format!("{PERIODS_DIR}/{label}/{CENTRES_DIR}")
}

/// `periods/LABEL/centres/ID.toml`
pub fn centre_toml(label: &str, id: &str) -> String {
    format!("{PERIODS_DIR}/{label}/{CENTRES_DIR}/{id}.toml")
}

/// `periods/LABEL/centres/ID.md`
pub fn centre_md(label: &str, id: &str) -> String {
    format!("{PERIODS_DIR}/{label}/{CENTRES_DIR}/{id}.md")
}

/// `templates/NAME`
pub fn template(name: &str) -> String {
    format!("{TEMPLATES_DIR}/{name}")
}

/// What a file of the repository is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileKind {
    Config,
    /// `base.toml` of a period.
    Base {
        period: String,
    },
    /// `base.md` of a period.
    BaseText {
        period: String,
    },
    /// `seals.toml` of a period.
    Seals {
        period: String,
    },
    /// Any other file of a period folder (annexes).
    PeriodFile {
        period: String,
    },
    /// `centres/ID.toml`.
    Centre {
        period: String,
        id: String,
    },
    /// `centres/ID.md`.
    CentreText {
        period: String,
        id: String,
    },
    /// `templates/NAME`.
    Template {
        name: String,
    },
    Schema,
    Other,
}

impl FileKind {
    /// Classify a repository-relative path.
    pub fn of(path: &str) -> FileKind {
        if path == CONFIG_FILE {
            return FileKind::Config;
        }
        if let Some(name) = path.strip_prefix(&format!("{TEMPLATES_DIR}/")) {
            return FileKind::Template {
                name: name.to_string(),
            };
        }
        // `templates` itself (a file, a link out): as every override, it
        // concerns every convention.
        if path == TEMPLATES_DIR {
            return FileKind::Template {
                name: String::new(),
            };
        }
        if path.starts_with(&format!("{SCHEMAS_DIR}/")) {
            return FileKind::Schema;
        }
        let Some(rest) = path.strip_prefix(&format!("{PERIODS_DIR}/")) else {
            return FileKind::Other;
        };
        let Some((period, inner)) = rest.split_once('/') else {
            return FileKind::Other;
        };
        let period = period.to_string();
        if let Some(file) = inner.strip_prefix(&format!("{CENTRES_DIR}/"))
            && !file.contains('/')
        {
            if let Some(id) = file.strip_suffix(".toml") {
                return FileKind::Centre {
                    period,
                    id: id.to_string(),
                };
            }
            if let Some(id) = file.strip_suffix(".md") {
                return FileKind::CentreText {
                    period,
                    id: id.to_string(),
                };
            }
        }
        match inner {
            BASE_TOML => FileKind::Base { period },
            BASE_MD => FileKind::BaseText { period },
            SEALS_FILE => FileKind::Seals { period },
            _ => FileKind::PeriodFile { period },
        }
    }

    /// The period a file belongs to, if any.
    pub fn period(&self) -> Option<&str> {
        match self {
            FileKind::Base { period }
            | FileKind::BaseText { period }
            | FileKind::Seals { period }
            | FileKind::PeriodFile { period }
            | FileKind::Centre { period, .. }
            | FileKind::CentreText { period, .. } => Some(period),
            _ => None,
        }
    }

    /// The centre a file belongs to, if any.
    pub fn centre(&self) -> Option<&str> {
        match self {
            FileKind::Centre { id, .. } | FileKind::CentreText { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// Join `dir` and a relative `target`, resolving `.` and `..`; `None` when
/// it climbs above the repository root or is absolute.
pub fn join_relative(dir: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains('\\') || target.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(FileKind::of("cpo.toml"), FileKind::Config);
        assert_eq!(
            FileKind::of("periods/2022-2025/centres/beaulieu.md"),
            FileKind::CentreText {
                period: "2022-2025".into(),
                id: "beaulieu".into()
            }
        );
        assert_eq!(
            FileKind::of("periods/2022-2025/annexes/charte.pdf"),
            FileKind::PeriodFile {
                period: "2022-2025".into()
            }
        );
        assert_eq!(join_relative("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(join_relative("a", "../../c"), None);
        assert_eq!(join_relative("a", "/etc/passwd"), None);
    }
}
