//! The catalogue of rules: every finding cpo can report, with its kebab-case
//! name, its default severity and a one-line explanation.
//!
//! Rule names are part of the contract with users (SPEC §5): they appear in
//! every output format and users change their severity in `[lints]`. Keeping
//! them in one table, rather than as strings scattered through the checks,
//! means `cpo rules`, the `[lints]` validation and the documentation can never
//! disagree with what the checks emit.

use std::fmt;

use serde::Serialize;

/// How serious a finding is. `Error` makes `cpo check` exit with code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family a rule belongs to; it orders `cpo rules` and names the module
/// of `check` that implements the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Files,
    Identity,
    Money,
    Objectives,
    Parties,
    Text,
    Merge,
    Seals,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Files => "files",
            Family::Identity => "identity",
            Family::Money => "money",
            Family::Objectives => "objectives",
            Family::Parties => "parties",
            Family::Text => "text",
            Family::Merge => "merge",
            Family::Seals => "seals",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = $name:literal, $family:ident, $severity:ident, $doc:literal; )*) => {
        /// One rule of the catalogue. See [`Rule::ALL`] for the list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( #[doc = $doc] $variant, )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The kebab-case name users see and write in `[lints]`.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            pub fn family(self) -> Family {
                match self { $( Rule::$variant => Family::$family, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$severity, )* }
            }

            /// One line saying what the rule finds.
            pub fn explanation(self) -> &'static str {
                match self { $( Rule::$variant => $doc, )* }
            }
        }
    };
}

rules! {
    Encoding = "encoding", Files, Error,
        "a file is not valid UTF-8";
    TomlSyntax = "toml-syntax", Files, Error,
        "a TOML file does not parse";
    FrontMatter = "front-matter", Files, Error,
        "the YAML front matter of a Markdown file is invalid";
    UnknownKey = "unknown-key", Files, Error,
        "a key that the file's schema does not define (the closest valid key is suggested)";
    WrongType = "wrong-type", Files, Error,
        "a value of the wrong type or outside its allowed values";
    MissingKey = "missing-key", Files, Error,
        "a required key is absent";
    MissingFile = "missing-file", Files, Error,
        "a centre's .toml without its .md or the reverse, or a period without base files";
    BadPeriodLabel = "bad-period-label", Files, Error,
        "a period folder not named START-END, or not matching the dates of its base.toml";
    Todo = "todo", Files, Warning,
        "a value still to fill in (`TODO`), as `cpo init` and `cpo new` leave them";
    SpecialFile = "special-file", Files, Error,
        "a symbolic link leaving the repository, a FIFO, a device or a folder where a file belongs: never read";
    TooLarge = "too-large", Files, Error,
        "a file, a text or a template output beyond the sizes cpo accepts";
    AnnexMissing = "annex-missing", Files, Error,
        "an annex file that does not exist or is not .md or .pdf";
    Siret = "siret", Identity, Error,
        "a SIRET that is not 14 digits with a valid checksum";
    Rna = "rna", Identity, Error,
        "an RNA number that is not of the form W + 9 characters";
    Qpv = "qpv", Identity, Error,
        "a quartier prioritaire code that is not of the QP or QN form";
    Insee = "insee", Identity, Error,
        "an INSEE commune code that is not of the form 86194 or 2A004";
    BadId = "bad-id", Identity, Error,
        "an id (centre file name, signatory, axis, objective...) that is not made of a-z, 0-9 and -";
    DuplicateId = "duplicate-id", Identity, Error,
        "two entries (signatories, axes, objectives, sections, articles...) share an id";
    DuplicateSiret = "duplicate-siret", Identity, Warning,
        "two centres of a period declare the same SIRET";
    YearOutOfPeriod = "year-out-of-period", Money, Error,
        "a funding, budget or target year outside the period";
    UnknownFunder = "unknown-funder", Money, Error,
        "funding from an id that is not a funder signatory";
    BadAmount = "bad-amount", Money, Error,
        "a negative amount or one with more than 2 decimals";
    BudgetUnbalanced = "budget-unbalanced", Money, Error,
        "total charges differ from total produits for a year";
    InKindUnbalanced = "in-kind-unbalanced", Money, Error,
        "contributions volontaires en nature: account 86 differs from account 87";
    BudgetFundingMismatch = "budget-funding-mismatch", Money, Error,
        "a signatory's subsidy line (account 74) differs from its funding for that year";
    BudgetMissingYear = "budget-missing-year", Money, Warning,
        "a year of the period has no budget prévisionnel";
    FundingGap = "funding-gap", Money, Warning,
        "a funder funds some years of the period and not others";
    PeriodTooLong = "period-too-long", Money, Warning,
        "a period longer than 4 years (circulaire of 29 September 2015)";
    UnknownAxis = "unknown-axis", Objectives, Error,
        "an objective on an axis the base does not define";
    AxisUncovered = "axis-uncovered", Objectives, Error,
        "a required axis has no objective";
    IndicatorTargetMissing = "indicator-target-missing", Objectives, Warning,
        "an indicator without a target for some year of the period";
    ObjectiveWithoutIndicator = "objective-without-indicator", Objectives, Warning,
        "an objective with no indicator";
    HabilitationMissing = "habilitation-missing", Parties, Warning,
        "a signatory without `habilitation` or an association without `mandate` (an error once the convention is ready or signed)";
    Iban = "iban", Parties, Error,
        "an IBAN whose ISO 13616 mod-97 check fails, or a malformed BIC";
    AuditorMissing = "auditor-missing", Parties, Warning,
        "public subsidies above 153 000 € in a year and no commissaire aux comptes (`association.auditor`, code de commerce L612-4)";
    AgrementExpired = "agrement-expired", Parties, Warning,
        "the CAF agrément ends before the period does, or is for another kind of structure";
    CafCharterMissing = "caf-charter-missing", Parties, Warning,
        "a CAF signs and no annex is the charte de la laïcité of the branche Famille (`kind = \"charte-laicite-caf\"`)";
    MissingSection = "missing-section", Text, Error,
        "a required section is absent from a centre's Markdown";
    UnknownSection = "unknown-section", Text, Warning,
        "a section that the base neither requires nor allows";
    EmptySection = "empty-section", Text, Warning,
        "a section with a heading and no text";
    Template = "template", Text, Error,
        "a Tera error in base.md or a template";
    ArticleReference = "article-reference", Text, Error,
        "`article(id=…)` or `annexe(id=…)` in base.md names no article or annex";
    TooDeep = "too-deep", Text, Error,
        "Markdown nested deeper than documents can hold (block quotes, lists, emphasis)";
    ControlCharacter = "control-character", Text, Error,
        "a control character in a text: it cannot be printed";
    RawHtml = "raw-html", Text, Warning,
        "raw HTML in Markdown: it will be escaped, not rendered";
    BrokenLink = "broken-link", Text, Error,
        "a relative link to a file that does not exist";
    Locked = "locked", Merge, Error,
        "a centre overrides or removes a locked entry of the base";
    RemoveRequired = "remove-required", Merge, Error,
        "a centre removes a required entry of the base";
    SealedChanged = "sealed-changed", Seals, Error,
        "a sealed convention no longer has the fingerprint recorded in seals.toml, or seals.toml was rewritten (always an error)";
    SealUnverified = "seal-unverified", Seals, Warning,
        "seals.toml exists but is not committed in git: cpo cannot check that seals were only ever appended";
}

impl Rule {
    /// Whether `[lints]` may not change the rule's severity: a sealed
    /// convention that changed is always an error (it must be amended by
    /// avenant, never silenced).
    pub fn is_fixed(self) -> bool {
        self == Rule::SealedChanged
    }

    /// The rule with this kebab-case name.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            let name = rule.name();
            assert!(seen.insert(name), "duplicate rule name {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert_eq!(Rule::from_name(name), Some(*rule));
        }
        assert_eq!(Rule::from_name("no-such-rule"), None);
    }

    #[test]
    fn spec_severities() {
        assert_eq!(Rule::DuplicateSiret.default_severity(), Severity::Warning);
        assert_eq!(
            Rule::BudgetMissingYear.default_severity(),
            Severity::Warning
        );
        assert_eq!(Rule::Siret.default_severity(), Severity::Error);
        assert_eq!(Rule::RawHtml.default_severity(), Severity::Warning);
    }
}
