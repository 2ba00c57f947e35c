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
        "a value or a text still to fill in (`TODO`, `XXX`, « À COMPLÉTER », an empty value), as `cpo init` and `cpo new` leave them";
    SpecialFile = "special-file", Files, Error,
        "a symbolic link leaving the repository, a FIFO, a device, a folder where a file belongs or a file where a folder belongs: never read";
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
        "a signatory without `habilitation` (or signed in one convention by another person under the base's act), or an association without `mandate` (an error once the convention is ready or signed)";
    CivilityMissing = "civility-missing", Parties, Warning,
        "a signer without `civility` whose title does not say their gender (« maire »): the document agrees « dûment habilité » in the masculine";
    Iban = "iban", Parties, Error,
        "an IBAN whose ISO 13616 mod-97 check fails, or a malformed BIC";
    AuditorMissing = "auditor-missing", Parties, Warning,
        "public subsidies above 153 000 € in a year and no commissaire aux comptes (`association.auditor`, code de commerce L612-4)";
    AgrementExpired = "agrement-expired", Parties, Warning,
        "the CAF agrément ends before the period does, or is for another kind of structure";
    CafCharterMissing = "caf-charter-missing", Parties, Warning,
        "a CAF signs and no annex is the charte de la laïcité of the branche Famille (`kind = \"charte-laicite-caf\"`)";
    MissingSection = "missing-section", Text, Error,
        "a required section is absent from a centre's Markdown, or base.md has no article";
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

impl Rule {
    /// A few sentences for people reading a finding in a code scanning or
    /// merge request view: what the rule checks, why it matters for a
    /// convention, and how to fix it. The first sentence stands alone (it is
    /// SARIF's `fullDescription`); `cpo rules NAME` prints the whole text.
    pub fn guide(self) -> &'static str {
        match self {
            Rule::Todo => {
                "Reports a value or a text still to fill in: `TODO` (as `cpo init` and `cpo new \
                 centre` write values), `XXX` or « À COMPLÉTER » / « A COMPLETER » in capitals, \
                 in a TOML value or in the text of base.md or a centre's Markdown (HTML comments \
                 are notes to editors, not looked at), and an empty TOML value (as `cpo new \
                 centre` writes the names it cannot know; not `unit`, `description`, \
                 `previous_id` or `email`, where empty means none), an indicator's empty \
                 `targets`, and a convention whose every \
                 amount is 0 with no budget line (as `cpo new centre` writes it). It would print in the \
                 convention people sign, or fail to identify a party or an account: a warning \
                 while the centre's `status` is `draft`, an error in its files once it is \
                 `ready` or `signed`, and in the base files, which print in every convention of \
                 the period, once one of its centres is. Replace it with the real value or text \
                 (the number of the délibération, the association's IBAN…). A placeholder where \
                 a number, a date or a word of a list belongs is a `wrong-type` error instead."
            }
            Rule::SpecialFile => {
                "Checks that every file cpo would read is a regular file inside the repository: \
                 a symbolic link that leaves it, a FIFO, a device or a folder in a file's place \
                 is never opened, and a file in the place of `periods/`, `templates/` or a \
                 period's `centres/` is said, not taken for an empty folder. A pull request can carry a link to a file of the machine that \
                 runs CI; reading it would print that file in findings or rendered documents, \
                 and a FIFO would make every command wait forever. Replace the link or special \
                 file with the file itself."
            }
            Rule::TooLarge => {
                "Reports a file, or a rendering of base.md, larger than cpo accepts (2 MiB for a \
                 text file, 64 MiB for an annex, 4 MiB of Markdown for one convention). Real \
                 conventions are a hundred times smaller; larger input is a mistake or an attack \
                 and would slow every command down. Split the text, or move long material to an \
                 annex."
            }
            Rule::AnnexMissing => {
                "Checks that every annex named in base.toml or a centre file (`[[annexes]]`, \
                 `file = …`) exists in the period folder and is a Markdown (.md) or PDF (.pdf) \
                 file. A convention that cites an annex it does not contain is not signed: the \
                 review of the example conventions found the charte de la laïcité « annexée » \
                 and absent. Add the file, or fix its path (relative to the period folder)."
            }
            Rule::HabilitationMissing => {
                "Reports a public party without `habilitation` (the délibération or décision \
                 that empowers its representative to sign), one whose representative a centre \
                 changes while keeping the base's act, civility or title, or an association \
                 without `mandate`. \
                 The contrôle de légalité checks that act, and the party clause cites it \
                 (« dûment habilitée par délibération du conseil municipal n° … du … »). A \
                 warning while the convention is a draft, an error once it is ready or signed; \
                 add `habilitation = { act, body, number, date }` to the signatory, or `mandate` \
                 under [association]."
            }
            Rule::CivilityMissing => {
                "Reports a signer (a signatory's representative, the association's) with no \
                 `civility` and a title of either gender (« maire », « secrétaire », \
                 « responsable »). The party clause agrees with the signer (« dûment habilitée \
                 par délibération … ») and the signature block gives the title its article \
                 (« La maire, »); without a civility and with such a title cpo cannot know, \
                 writes the masculine and a bare title. A title that shows the gender \
                 (« présidente », « directeur ») needs no civility. Add `civility = \"Mme\"` \
                 or `civility = \"M.\"`; a signed convention is not asked (nor its base while \
                 one is signed), since it changes only by an avenant."
            }
            Rule::Iban => {
                "Checks the IBAN (ISO 13616 check digits, 27 characters for a French account) \
                 and the BIC (8 or 11 characters) of the association's account. The versement \
                 article prints them, and a wrong digit sends public money to no account or to \
                 another one. Copy them again from the association's relevé d'identité bancaire."
            }
            Rule::AuditorMissing => {
                "Reports an association receiving more than 153 000 € of public subsidies in one \
                 year of the period without `auditor = true`. Above that amount the association \
                 must appoint a commissaire aux comptes and publish its accounts (code de \
                 commerce L612-4), and the justificatifs article then asks for the auditor's \
                 report. Set `auditor = true` under [association] once one is appointed."
            }
            Rule::AgrementExpired => {
                "Checks that the CAF's agrément of a centre social or espace de vie sociale \
                 covers the whole period and is for the centre's kind. A CAF adviser expects it \
                 in the visas, and its prestations de service depend on it. Record the renewed \
                 agrément (`[agrement]` start, end, decision) or plan an avenant for its renewal."
            }
            Rule::CafCharterMissing => {
                "Reports a convention signed by a CAF that annexes no charte de la laïcité of the \
                 branche Famille (an annex with `kind = \"charte-laicite-caf\"`). The CAF's rule \
                 is that the charter is annexed in full to every financial convention it signs. \
                 Add the CNAF's PDF under the period's annexes and declare it in base.toml."
            }
            Rule::ArticleReference => {
                "Checks that `article(id=…)` and `annexe(id=…)` in base.md name an article or an \
                 annex of the convention. They print « l'article 9 », « l'annexe 5 » with the \
                 number each gets; a wrong id would print nothing sensible. Use an id of \
                 base.md's headings (`{#id}`) or of `[[annexes]]`."
            }
            Rule::TooDeep => {
                "Reports Markdown nested more than 32 levels deep (block quotes, lists, \
                 emphasis). No real text nests that deep, and documents are written by code \
                 that must not be driven to exhaustion: what lies deeper is flattened. Write \
                 the text with fewer levels."
            }
            Rule::ControlCharacter => {
                "Reports a control character (other than tab and line breaks) in a text or a \
                 TOML value. It cannot be printed, and it breaks the PDF or the HTML of the \
                 convention. Remove it; it usually comes from a copy and paste."
            }
            Rule::SealUnverified => {
                "Warns that seals.toml exists but cpo cannot compare it with its history: the \
                 repository is not in git, or seals.toml is not committed yet. In git, cpo \
                 checks that seals are only ever appended, never edited or removed. Commit the \
                 repository right after sealing."
            }
            Rule::Encoding => {
                "Checks that every file cpo reads (TOML, Markdown) is valid UTF-8. A file saved as \
                 Latin-1 or Windows-1252 by an office suite turns « é » and « € » into garbage \
                 in the signed convention, and cpo cannot check it reliably. Save the file \
                 again with the UTF-8 encoding (most editors offer it in « Save as »)."
            }
            Rule::TomlSyntax => {
                "Checks that each TOML file (cpo.toml, base.toml, a centre's data) parses. \
                 Nothing in a file that does not parse can be checked or rendered, so one typo \
                 hides every other problem of that file. Fix the line shown: the usual causes \
                 are text without quotes, a missing `=`, or a key or table header written twice."
            }
            Rule::FrontMatter => {
                "Checks the optional YAML front matter between `---` lines at the top of a \
                 centre's Markdown file. Its only key, `title`, is the heading of the centre's \
                 specific part in the documents, and anything else would be silently ignored. \
                 Fix the YAML syntax, or remove every key other than `title`."
            }
            Rule::UnknownKey => {
                "Reports a key that the file's schema does not define, with the closest valid \
                 key when there is one; it also covers a `[lints]` entry naming no rule and a \
                 budget account that is not a CERFA 12156 account. A misspelt key (`adresse` \
                 for `address`) is otherwise ignored: its value never reaches the convention \
                 and the signed text misses it without anyone noticing. Rename the key as \
                 suggested or remove it; `cpo schema` prints the keys every file accepts."
            }
            Rule::WrongType => {
                "Reports a value of the wrong type (text where a number or a date is expected) \
                 or outside its allowed values (a `kind` or `status` not in the list, an \
                 `advance_percent` over 100). Such a value cannot be rendered or added up \
                 correctly in the convention and its budget annex. Write the value in the form \
                 the message names; `cpo schema` describes the type and allowed values of \
                 every key."
            }
            Rule::MissingKey => {
                "Reports a required key that is absent, such as a centre's `name` or its \
                 association's `siret`. Loi n° 2000-321 (article 10) and décret n° 2001-495 \
                 require a convention to identify its parties and state the object, amount \
                 and payment terms of the subsidy, so a convention without them cannot be \
                 signed. Add the key where the message points; `cpo new centre` writes a \
                 complete centre to copy from."
            }
            Rule::MissingFile => {
                "Reports a centre whose .toml has no .md or the reverse, and a period without \
                 its base.toml or base.md. A convention is the period's socle commun plus the \
                 centre's own data and specific part: with one half missing it cannot be \
                 rendered. Create the missing file (`cpo new centre` writes both halves of a \
                 centre) or remove the orphan."
            }
            Rule::BadPeriodLabel => {
                "Checks that each folder under periods/ is named START-END with years, like \
                 2022-2025, and that those years match the `[period]` dates of its base.toml. \
                 The label names the period in every document, comparison and seal, so a \
                 folder and dates that disagree put the wrong years in the signed text. Rename \
                 the folder or correct `period.start` and `period.end` so that they agree."
            }
            Rule::Siret => {
                "Checks that each SIRET, the association's and the signatories', has 14 \
                 digits and a valid Luhn checksum (with La Poste's exception). The SIRET \
                 identifies the beneficiary in the convention, in the funders' payment files \
                 and in the SCDL open data a funder publishes above 23 000 € a year (décret \
                 n° 2017-779): one wrong digit pays or declares the wrong body. Copy the SIRET \
                 from annuaire-entreprises.data.gouv.fr or the association's INSEE notice."
            }
            Rule::Rna => {
                "Checks that the association's RNA number (Répertoire national des \
                 associations) is a W followed by 9 characters, like `W861000123`. It \
                 identifies a declared association in subsidy files and in the SCDL open data \
                 (`rnaBeneficiaire`). Copy it from the association's récépissé de déclaration, \
                 or leave `rna` out for an association of Alsace-Moselle registered at a \
                 tribunal, which has none."
            }
            Rule::Qpv => {
                "Checks that each quartier prioritaire (QPV) code has the form of the 2015 \
                 generation (`QP` + département + 3 digits, like QP086004) or of the 2024 one \
                 (`QN` + département + 2 digits + N, M or I, like QN08601M). The State's \
                 politique de la ville credits and reports rely on these codes to tell which \
                 priority neighbourhoods a centre serves. Copy the code from the official list \
                 of QPV, in its 2024 generation for conventions signed from 2024 on."
            }
            Rule::Insee => {
                "Checks that an INSEE commune code has 5 characters, digits or 2A and 2B for \
                 Corsica, like 86194 for Poitiers. It is not the postcode: the INSEE code \
                 identifies the commune in registers and open data. Look it up in INSEE's Code \
                 officiel géographique and write it as text (`insee = \"86194\"`)."
            }
            Rule::BadId => {
                "Checks that ids (a centre's file name, signatories, axes, objectives, \
                 commitments) are made of lowercase letters a-z, digits and `-` only. Ids link a centre to its funding, merge a centre's entries with the \
                 base's, name the output files and let `cpo diff` follow an entry across \
                 periods, so they must pass through URLs, file systems and shells unchanged. \
                 Rename the file or the id without capitals, accents, spaces or punctuation \
                 (`Saint-Éloi.toml` becomes `saint-eloi.toml`) and update what refers to it."
            }
            Rule::DuplicateId => {
                "Reports two entries of one list (signatories, axes, objectives, commitments, \
                 sections, articles) that share an id. Entries of the base and of a centre are \
                 merged by id, and documents and comparisons follow them by id, so one entry \
                 silently hides the other. Give each entry its own id."
            }
            Rule::DuplicateSiret => {
                "Warns when two centres of a period declare the same association SIRET. One \
                 association may run two centres, but more often a centre file was copied and \
                 its SIRET not updated, which puts one centre's subsidy under another's \
                 identity in payments and open data. Check both SIRETs; when one association \
                 really runs both centres, set `duplicate-siret = \"allow\"` in `[lints]`."
            }
            Rule::YearOutOfPeriod => {
                "Reports a funding amount, a budget or an indicator target for a year outside \
                 the period of the convention. A multi-year convention commits its funders for \
                 its own years only: an amount outside them is never voted or paid, and it \
                 distorts the totals of the document. Move the amount to a year of the period, \
                 or into the next period's convention."
            }
            Rule::UnknownFunder => {
                "Reports funding from an id that is not a signatory of base.toml with \
                 `funder = true`. Only the public parties that sign the convention commit money \
                 in it: an unknown id is a typo (`vile` for `ville`) or a funder missing from \
                 the signatories. Use a funder id of base.toml, or add the funder to \
                 `[[signatories]]` with `funder = true`."
            }
            Rule::BadAmount => {
                "Reports a negative amount or one with more than 2 decimals. Subsidies and \
                 budget lines are sums of money in euros and cents (the CERFA 12156 budget is \
                 in whole euros), so such an amount is a typing mistake that would be printed \
                 in the signed convention. Write a positive amount in euros with at most 2 \
                 decimals, like `536055` or `536055.50`."
            }
            Rule::BudgetUnbalanced => {
                "Checks that, for each year, total charges equal total produits in the budget \
                 prévisionnel, subsidies (account 74) included. The CERFA 12156 budget form \
                 must balance, and the city and the CAF send an unbalanced budget back. Adjust \
                 a charge or a produit, often a subsidy or account 70, until the totals match: \
                 the message gives the difference."
            }
            Rule::InKindUnbalanced => {
                "Checks that contributions volontaires en nature balance: account 86 (their use: \
                 volunteer work, premises lent) must equal account 87 (the contributions \
                 received). The CERFA 12156 form records in-kind help on both sides of the \
                 budget, so the two totals are equal by definition. Write the same total in \
                 charges 86 and produits 87 for the year."
            }
            Rule::BudgetFundingMismatch => {
                "Checks that a signatory's subsidy line in the budget (account 74, under \
                 `[budget.YEAR.subsidies]`) equals what it funds for that year in `[funding]`. \
                 The budget annex and the financial article of the convention must state the \
                 same amounts, or the signed document contradicts itself and the payment can \
                 be disputed. Correct whichever of the two is wrong so that both carry the \
                 amount voted."
            }
            Rule::BudgetMissingYear => {
                "Warns when a year of the period has no budget prévisionnel. Funders expect \
                 the CERFA 12156 forecast budget for every year the convention funds, and the \
                 budget annex is incomplete without it. Add `[budget.YEAR]` with its charges, \
                 produits and subsidies, or set `budget-missing-year = \"allow\"` in `[lints]` \
                 when budgets are voted year by year."
            }
            Rule::FundingGap => {
                "Warns when a funder funds some years of the period and not others. A \
                 multi-year commitment normally covers every year, so a missing year is often \
                 an amount forgotten while copying. Add the missing year to the funder's \
                 `[funding]` entry, with `0` when the gap is intended."
            }
            Rule::PeriodTooLong => {
                "Warns when a period lasts more than 4 years. The circulaire of 29 September \
                 2015 (n° 5811-SG) recommends multi-year objective agreements of at most 4 \
                 years, renewed after an evaluation. Shorten the period (its folder name and \
                 `[period]` dates), or set `period-too-long = \"allow\"` in `[lints]` when a \
                 longer term is intended."
            }
            Rule::UnknownAxis => {
                "Reports an objective on an axis that base.toml does not define. The \
                 convention groups objectives by the axes of the socle commun and they are \
                 evaluated per axis, so an unknown axis is a typo or an axis renamed in the \
                 base. Use one of the ids of `[[axes]]` in base.toml."
            }
            Rule::AxisUncovered => {
                "Reports a required axis (`required = true` in base.toml) on which a centre \
                 has no objective. The socle commun sets orientations every centre commits to, \
                 such as habitants' participation, which the CAF holds fundamental for its \
                 agrément; a convention without an objective on one breaks the common \
                 framework. Add an objective with that `axis` to the centre's \
                 `[[objectives]]`."
            }
            Rule::IndicatorTargetMissing => {
                "Warns when an indicator has no target for some year of the period. The \
                 evaluation compares each year's result with its target, so a year without \
                 one cannot be evaluated before renewal. Add the year to the indicator's \
                 `targets`."
            }
            Rule::ObjectiveWithoutIndicator => {
                "Warns when an objective has no indicator. The model conventions tie each \
                 objective to indicators in the evaluation annex, and an objective without \
                 one cannot be evaluated when the convention is renewed. Add at least one \
                 `[[objectives.indicators]]` with a label, a baseline and yearly targets."
            }
            Rule::MissingSection => {
                "Reports a section that base.toml requires (`[sections] required`) and that \
                 a centre's Markdown lacks. The centre's specific part is the project the \
                 funders sign for (diagnostic of the quartier, projet, plan d'action), and a \
                 missing section leaves a hole in the convention. Add an H2 heading with that \
                 id, like `## Diagnostic` or `## Any title {#diagnostic}`, and its text. It \
                 also reports a base.md without any article (no H2 heading), which would make \
                 conventions of nothing but their annexes."
            }
            Rule::UnknownSection => {
                "Warns about an H2 section of a centre's Markdown that base.toml neither \
                 requires nor allows. It is usually a heading with a typo or content outside \
                 the structure every convention of the period shares, where readers comparing \
                 centres will not look for it. Rename it to a known section, add its id to \
                 `[sections] optional` in base.toml, or make it an H3 inside a known section."
            }
            Rule::EmptySection => {
                "Warns about a section with a heading and no text. An empty heading in a \
                 convention ready for signature reads as an unfinished document. Write the \
                 section, or remove the heading when the section is optional."
            }
            Rule::Template => {
                "Reports a Tera error in base.md or a template: a syntax error, an unknown \
                 variable or filter, an expression that cannot be evaluated. base.md is the \
                 common text of every convention of the period, so none can be rendered until \
                 it is fixed. Correct the expression at the place shown, using the variables \
                 and the French filters (`euros`, `en_lettres`, `date_fr`) the documentation \
                 lists."
            }
            Rule::RawHtml => {
                "Warns about raw HTML in Markdown. cpo escapes it, so the tags appear as \
                 literal text in the HTML and PDF conventions instead of being rendered. Use \
                 Markdown instead (emphasis, lists, tables, links), or remove the tags."
            }
            Rule::BrokenLink => {
                "Reports a relative link in Markdown to a file that does not exist in the \
                 repository or that lies outside it. Annexes such as the budget, the statutes \
                 or the charte de la laïcité are often linked from the text, and a broken link \
                 leaves a signed document pointing at nothing. Fix the path, which is relative \
                 to the Markdown file's folder, or add the missing file."
            }
            Rule::Locked => {
                "Reports a centre that overrides or removes an entry of the base marked \
                 `locked = true`, such as a commitment. Locked entries are texts every \
                 convention carries unchanged, like the contrat d'engagement républicain or \
                 the charte de la laïcité the CAF annexes to each of its conventions. Remove \
                 the override or the `remove` entry from the centre's file; wording that must \
                 change is changed in base.toml, for every centre."
            }
            Rule::RemoveRequired => {
                "Reports a centre that lists in `remove` an entry the base marks as required. \
                 Required entries, such as an axis every centre commits to, are the common \
                 part of every convention of the period and cannot be dropped for one centre. \
                 Take the id out of the centre's `remove` list."
            }
            Rule::SealedChanged => {
                "Reports a signed convention whose inputs changed after it was sealed: its \
                 fingerprint no longer matches the one `cpo seal` recorded in seals.toml, or \
                 its centre no longer exists. What was signed is a legal act, and the \
                 repository must keep producing it. Revert the change, or make it through an \
                 avenant (`cpo avenant`), have it signed, and seal again."
            }
        }
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
