//! French grammar of the text cpo generates: articles, contraction, elision,
//! agreement, lists, ordinals and the wording of capacities and acts.
//!
//! A convention names its parties the way French administrative law does
//! (« la Ville de Poitiers, représentée par Mme …, maire, dûment habilitée par
//! délibération du conseil municipal n° … du … »), and every name it inserts
//! must take its article, contract with « de » and « à » (« du », « aux ») and
//! elide before a vowel or a mute h (« d'Étouvie », but « de Hautepierre »).
//! Getting one of these wrong is what a juriste corrects by hand the day
//! before a signature, so the rules live here once and everything else
//! (templates, party clauses, visas, signature blocks, avenants) calls them.
//!
//! The module is pure and depends on the standard library only: grammar is
//! data plus a few rules, it has no reason to know about the model or the
//! renderer, and it can be tested on its own. It writes the straight
//! apostrophe `'`; turning it into `’` is the typography pass's job, so that
//! `[render] apostrophe = "straight"` holds for generated text too.
//!
//! What it cannot know (the gender of a proper name, whether « Les
//! Couronneries » is plural) it infers conservatively, and the data can
//! always say it explicitly (`article`, `gender` keys).

/// Grammatical gender, of a name or of a person's civility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Feminine.
    F,
    /// Masculine.
    M,
}

/// A definite article, as the data writes it (`article = "la"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Article {
    /// « la ».
    La,
    /// « le ».
    Le,
    /// « l' », the elided form of either.
    L,
    /// « les ».
    Les,
}

impl Article {
    /// Reads `la`, `le`, `l'` (or `l’`) and `les`, in any case.
    pub fn parse(s: &str) -> Option<Article> {
        match s.trim().to_lowercase().as_str() {
            "la" => Some(Article::La),
            "le" => Some(Article::Le),
            "l'" | "l’" => Some(Article::L),
            "les" => Some(Article::Les),
            _ => None,
        }
    }

    /// The article in running text: `la`, `le`, `l'`, `les`.
    pub fn as_str(self) -> &'static str {
        match self {
            Article::La => "la",
            Article::Le => "le",
            Article::L => "l'",
            Article::Les => "les",
        }
    }

    /// The singular article a word of this gender takes, elided when the
    /// word asks for it: (F, "Ville") -> `la`, (M, "État") -> `l'`.
    pub fn singular(gender: Gender, word: &str) -> Article {
        if elides(word) {
            Article::L
        } else if gender == Gender::F {
            Article::La
        } else {
            Article::Le
        }
    }
}

/// How a signatory is addressed (`civility = "Mme"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Civility {
    /// « Mme ».
    Mme,
    /// « M. ».
    M,
}

impl Civility {
    /// Reads `Mme`, `M.` and `M` (also `Madame`, `Monsieur`), in any case.
    pub fn parse(s: &str) -> Option<Civility> {
        match s.trim().to_lowercase().as_str() {
            "mme" | "madame" => Some(Civility::Mme),
            "m." | "m" | "monsieur" => Some(Civility::M),
            _ => None,
        }
    }

    /// The abbreviation French writes before a name: `Mme`, `M.`.
    pub fn as_str(self) -> &'static str {
        match self {
            Civility::Mme => "Mme",
            Civility::M => "M.",
        }
    }

    /// The gender participles and capacities agree with.
    pub fn gender(self) -> Gender {
        match self {
            Civility::Mme => Gender::F,
            Civility::M => Gender::M,
        }
    }
}

/// A name as French text inserts it: « la Ville de Poitiers », « du Centre
/// social d'Étouvie », « aux Couronneries », « d'Amiens ».
///
/// The article is kept apart from the name because every use contracts it
/// differently (`de` + `le` = `du`, `à` + `les` = `aux`), and a name that
/// carries its own article (« Les Couronneries ») must not get a second one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NounPhrase {
    article: Option<Article>,
    gender: Gender,
    plural: bool,
    name: String,
}

impl NounPhrase {
    /// A proper name, with the article and gender the data gives, else
    /// inferred.
    ///
    /// A name starting with « Le », « La », « Les » or « L' » (any case)
    /// carries its article: « Les Couronneries » is `les` + « Couronneries »,
    /// written « des Couronneries » in running text (the article lower-case,
    /// the rest of the name as given). Any other name has no article
    /// (« Poitiers », « Étouvie »). Gender: explicit, else implied by `la` or
    /// `le`, else [`guess_gender`] of the first word, else feminine. `les`
    /// makes it plural. `la`/`le` before a vowel or mute h become `l'`, so
    /// `article = "la"` on « Association … » still reads « l'Association ».
    pub fn new(name: &str, article: Option<Article>, gender: Option<Gender>) -> NounPhrase {
        let name = name.trim();
        let (article, rest) = match (article, split_article(name)) {
            (Some(given), Some((carried, rest))) if same_article(given, carried) => {
                (Some(given), rest)
            }
            (Some(given), _) => (Some(given), name),
            (None, Some((carried, rest))) => (Some(carried), rest),
            (None, None) => (None, name),
        };
        NounPhrase::build(rest, article, gender)
    }

    /// A name that starts with a common noun (« Maison de quartier des
    /// Couronneries », « Centre social d'Étouvie », « Ville de Poitiers »,
    /// « État »): when the data gives no article and the name carries none,
    /// the first word decides it (« la Maison… », « le Centre… »,
    /// « l'Espace… », « les Jardins… »). A first word that is not a known
    /// common noun (« Seve », « Amiens Métropole ») gets no article, since
    /// guessing one onto a proper name is worse than leaving it bare.
    pub fn common(name: &str, article: Option<Article>, gender: Option<Gender>) -> NounPhrase {
        let name = name.trim();
        if article.is_some() || split_article(name).is_some() {
            return NounPhrase::new(name, article, gender);
        }
        match noun_info(name) {
            Some((noun_gender, plural)) => {
                let gender = gender.unwrap_or(noun_gender);
                let article = if plural {
                    Article::Les
                } else {
                    Article::singular(gender, name)
                };
                NounPhrase::build(name, Some(article), Some(gender))
            }
            None => NounPhrase::build(name, None, gender),
        }
    }

    fn build(name: &str, article: Option<Article>, gender: Option<Gender>) -> NounPhrase {
        let gender = gender
            .or(match article {
                Some(Article::La) => Some(Gender::F),
                Some(Article::Le) => Some(Gender::M),
                _ => None,
            })
            .or_else(|| guess_gender(name))
            .unwrap_or(Gender::F);
        // The data may say `la` before a vowel or `l'` before a consonant;
        // the name decides the form, the data only the article.
        let article = article.map(|a| match a {
            Article::Les => Article::Les,
            _ if elides(name) => Article::L,
            Article::L => Article::singular(gender, name),
            other => other,
        });
        NounPhrase {
            article,
            gender,
            plural: article == Some(Article::Les),
            name: name.to_owned(),
        }
    }

    /// The article, once fitted to the name (`None` for a bare proper name).
    pub fn article(&self) -> Option<Article> {
        self.article
    }

    /// The name without its article: « Couronneries » for « Les Couronneries ».
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The gender participles agree with (« représentée »).
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// Whether participles take the plural (article `les`).
    pub fn plural(&self) -> bool {
        self.plural
    }

    /// « la Ville de Poitiers », « l'Association X », « les Couronneries »,
    /// « Poitiers ». Capitalize it with [`capitalize`] at a sentence start.
    pub fn the(&self) -> String {
        match self.article {
            None => self.name.clone(),
            Some(Article::L) => format!("l'{}", self.name),
            Some(a) => format!("{} {}", a.as_str(), self.name),
        }
    }

    /// « de la Ville de Poitiers », « du Centre social d'Étouvie »,
    /// « des Couronneries », « de l'Espace… », « de Poitiers », « d'Étouvie »,
    /// « de Hautepierre ».
    pub fn de(&self) -> String {
        match self.article {
            None => de_word(&self.name),
            Some(Article::Le) => format!("du {}", self.name),
            Some(Article::Les) => format!("des {}", self.name),
            Some(Article::La) => format!("de la {}", self.name),
            Some(Article::L) => format!("de l'{}", self.name),
        }
    }

    /// « à la Ville… », « au Centre… », « aux Couronneries », « à l'Espace… »,
    /// « à Poitiers ».
    pub fn a(&self) -> String {
        match self.article {
            None => format!("à {}", self.name),
            Some(Article::Le) => format!("au {}", self.name),
            Some(Article::Les) => format!("aux {}", self.name),
            Some(Article::La) => format!("à la {}", self.name),
            Some(Article::L) => format!("à l'{}", self.name),
        }
    }
}

/// The article a name starts with, and the rest: "Les Couronneries" ->
/// (Les, "Couronneries"). Only when something follows, so a quartier called
/// « Le » (or a name like « Lesparre ») is left whole.
fn split_article(name: &str) -> Option<(Article, &str)> {
    for (prefix, article) in [("l'", Article::L), ("l’", Article::L)] {
        if let Some(rest) = strip_prefix_ignore_case(name, prefix)
            && rest.starts_with(char::is_alphabetic)
        {
            return Some((article, rest));
        }
    }
    let (word, rest) = name.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    if !rest.starts_with(char::is_alphabetic) {
        return None;
    }
    match word.to_lowercase().as_str() {
        "le" => Some((Article::Le, rest)),
        "la" => Some((Article::La, rest)),
        "les" => Some((Article::Les, rest)),
        _ => None,
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Whether a carried article is the one the data gives: `l'` is the elided
/// form of both `le` and `la`, so `article = "la"` on « L'Isle » agrees.
fn same_article(a: Article, b: Article) -> bool {
    a == b || (a != Article::Les && b != Article::Les && (a == Article::L || b == Article::L))
}

/// Lower case without accents, so lookups ignore both (« État » = « etat »).
/// `œ` and `æ` stay: they are letters of their own in the tables below.
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' | 'ý' => 'y',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

/// The letters a name starts with, up to a space, hyphen or apostrophe:
/// "Caisse d'allocations" -> "Caisse", "Hauts-de-France" -> "Hauts".
fn first_word(s: &str) -> &str {
    let s = s.trim_start();
    let end = s
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic())
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Words with an initial h aspiré: no elision, no liaison (« le hameau »,
/// « de Hautepierre »). Prefixes, because derived words and compound place
/// names share the stem (« haut », « hauteur », « Hauts-de-Seine »,
/// « Haute-Vienne », « Hautepierre »); folded (no accents, lower case).
const H_ASPIRE_PREFIXES: &[&str] = &[
    "hach", "haguenau", "haie", "haill", "hain", "halte", "hamac", "hambourg", "hamea", "hamel",
    "hamst", "hanch", "handb", "handi", "hang", "hann", "hant", "happ", "haran", "harc", "hard",
    "hareng", "harg", "haric", "harn", "harp", "hasard", "hat", "hauss", "haut", "havr", "heriss",
    "hern", "heron", "hetre", "heurt", "hibou", "hideu", "hierarch", "hiss", "hobby", "hoch",
    "hockey", "holland", "homard", "honduras", "honfleur", "hongr", "hont", "hoquet", "hord",
    "hors", "hott", "houbl", "houl", "houss", "hubl", "huit", "hurl", "hutt", "hyen",
];

/// Whole words with an h aspiré whose stem would catch mute-h words as a
/// prefix (« hall » but « l'hallucination », « héros » but « l'héroïne »).
const H_ASPIRE_WORDS: &[&str] = &[
    "hall",
    "halls",
    "halle",
    "halles",
    "hallebarde",
    "heros",
    "hic",
    "hue",
    "huee",
    "huer",
];

/// Mute-h words that an aspiré prefix above would catch: « l'huître »,
/// « l'haltère ».
const H_MUET_EXCEPTIONS: &[&str] = &["huitr", "halter"];

/// Words starting with a vowel that still take « le »/« de » whole.
const VOWEL_NO_ELISION: &[&str] = &["onze", "onzieme", "onziemes", "oui", "ouistiti"];

/// Names in y + vowel that elide all the same (« l'Yonne », « l'île d'Yeu »).
const Y_VOWEL_ELIDING: &[&str] = &["yonne", "yeu", "yerres", "yeux", "yeuse"];

fn is_h_aspire(folded: &str) -> bool {
    if H_MUET_EXCEPTIONS.iter().any(|p| folded.starts_with(p)) {
        return false;
    }
    H_ASPIRE_WORDS.contains(&folded) || H_ASPIRE_PREFIXES.iter().any(|p| folded.starts_with(p))
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'œ' | 'æ')
}

/// Whether a word (or a name, by its first word) elides a preceding « le »,
/// « la », « de », « que »: a vowel, accented or not (É, Ê, Î, Œ, Æ…), or a
/// mute h (« Hérouville », « Hôtel de ville », « habitants »), but not an h
/// aspiré (« Hautepierre », « Hauts-de-France », « Havre », « hameau »).
/// « y » elides before a consonant (« d'Yvetot », « d'Ypres ») and not before
/// a vowel (« de Yaoundé »), save a few names (« l'Yonne »). A word that does
/// not start with a letter (a figure, a quote) never elides.
pub fn elides(word: &str) -> bool {
    let folded = fold(first_word(word));
    let mut chars = folded.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    match first {
        'a' | 'e' | 'i' | 'o' | 'u' | 'œ' | 'æ' => !VOWEL_NO_ELISION.contains(&folded.as_str()),
        'h' => !is_h_aspire(&folded),
        'y' => match chars.next() {
            Some(second) if !is_vowel(second) => true,
            Some(_) => Y_VOWEL_ELIDING.contains(&folded.as_str()),
            None => false,
        },
        _ => false,
    }
}

/// Common nouns that start the names of parties, centres, bodies and acts in
/// this domain, with their gender; folded (no accents, lower case). Acronyms
/// are there too: « la CAF », « l'EPCI », « la MJC ».
const NOUNS: &[(&str, Gender)] = &[
    // Places and structures.
    ("maison", Gender::F),
    ("centre", Gender::M),
    ("espace", Gender::M),
    ("foyer", Gender::M),
    ("club", Gender::M),
    ("cercle", Gender::M),
    ("atelier", Gender::M),
    ("cafe", Gender::M),
    ("jardin", Gender::M),
    ("theatre", Gender::M),
    ("musee", Gender::M),
    ("mediatheque", Gender::F),
    ("bibliotheque", Gender::F),
    ("ludotheque", Gender::F),
    ("creche", Gender::F),
    ("halte", Gender::F),
    ("relais", Gender::M),
    ("point", Gender::M),
    ("pole", Gender::M),
    ("plateforme", Gender::F),
    ("epicerie", Gender::F),
    ("ressourcerie", Gender::F),
    ("recyclerie", Gender::F),
    ("auberge", Gender::F),
    ("ferme", Gender::F),
    ("salle", Gender::F),
    ("antenne", Gender::F),
    ("permanence", Gender::F),
    ("ecole", Gender::F),
    ("college", Gender::M),
    ("lycee", Gender::M),
    ("universite", Gender::F),
    ("conservatoire", Gender::M),
    ("gymnase", Gender::M),
    ("stade", Gender::M),
    ("hotel", Gender::M),
    ("mairie", Gender::F),
    ("residence", Gender::F),
    ("cite", Gender::F),
    ("hameau", Gender::M),
    ("quartier", Gender::M),
    ("secteur", Gender::M),
    ("territoire", Gender::M),
    ("village", Gender::M),
    // Organisations.
    ("association", Gender::F),
    ("amicale", Gender::F),
    ("collectif", Gender::M),
    ("comite", Gender::M),
    ("federation", Gender::F),
    ("confederation", Gender::F),
    ("union", Gender::F),
    ("ligue", Gender::F),
    ("fondation", Gender::F),
    ("mutuelle", Gender::F),
    ("cooperative", Gender::F),
    ("societe", Gender::F),
    ("compagnie", Gender::F),
    ("entreprise", Gender::F),
    ("structure", Gender::F),
    ("equipe", Gender::F),
    ("groupe", Gender::M),
    ("groupement", Gender::M),
    ("reseau", Gender::M),
    ("institut", Gender::M),
    ("office", Gender::M),
    ("etablissement", Gender::M),
    ("syndicat", Gender::M),
    ("regie", Gender::F),
    ("œuvre", Gender::F),
    // Public bodies.
    ("ville", Gender::F),
    ("commune", Gender::F),
    ("etat", Gender::M),
    ("republique", Gender::F),
    ("region", Gender::F),
    ("departement", Gender::M),
    ("prefecture", Gender::F),
    ("metropole", Gender::F),
    ("communaute", Gender::F),
    ("agglomeration", Gender::F),
    ("collectivite", Gender::F),
    ("intercommunalite", Gender::F),
    ("caisse", Gender::F),
    ("agence", Gender::F),
    ("direction", Gender::F),
    ("delegation", Gender::F),
    ("mission", Gender::F),
    ("service", Gender::M),
    ("ministere", Gender::M),
    ("gouvernement", Gender::M),
    ("tribunal", Gender::M),
    ("cour", Gender::F),
    ("chambre", Gender::F),
    ("conseil", Gender::M),
    ("commission", Gender::F),
    ("assemblee", Gender::F),
    ("bureau", Gender::M),
    ("conference", Gender::F),
    ("caf", Gender::F),
    ("cnaf", Gender::F),
    ("msa", Gender::F),
    ("cpam", Gender::F),
    ("urssaf", Gender::F),
    ("mjc", Gender::F),
    ("anct", Gender::F),
    ("ddets", Gender::F),
    ("dreets", Gender::F),
    ("udaf", Gender::F),
    ("ccas", Gender::M),
    ("cias", Gender::M),
    ("epci", Gender::M),
    ("gip", Gender::M),
    ("evs", Gender::M),
    ("csc", Gender::M),
    // People who act for a body.
    ("maire", Gender::M),
    ("president", Gender::M),
    ("presidente", Gender::F),
    ("directeur", Gender::M),
    ("directrice", Gender::F),
    ("prefet", Gender::M),
    ("prefete", Gender::F),
    // Acts.
    ("deliberation", Gender::F),
    ("decision", Gender::F),
    ("arrete", Gender::M),
    ("decret", Gender::M),
    ("loi", Gender::F),
    ("ordonnance", Gender::F),
    ("circulaire", Gender::F),
    ("instruction", Gender::F),
    ("note", Gender::F),
    ("lettre", Gender::F),
    ("avis", Gender::M),
    ("vote", Gender::M),
    ("mandat", Gender::M),
    ("procuration", Gender::F),
    ("resolution", Gender::F),
    ("motion", Gender::F),
    ("approbation", Gender::F),
    ("agrement", Gender::M),
    ("accord", Gender::M),
    ("protocole", Gender::M),
    ("contrat", Gender::M),
    ("convention", Gender::F),
    ("avenant", Gender::M),
    ("charte", Gender::F),
    ("reglement", Gender::M),
    ("statut", Gender::M),
    ("programme", Gender::M),
    ("acte", Gender::M),
    ("compte", Gender::M),
    ("proces", Gender::M),
    ("budget", Gender::M),
    ("projet", Gender::M),
    ("plan", Gender::M),
];

fn lookup_noun(folded: &str) -> Option<Gender> {
    NOUNS
        .iter()
        .find(|(noun, _)| *noun == folded)
        .map(|&(_, g)| g)
}

/// Gender and number of a name's first word when it is a known common noun;
/// a plural in -s or -x is recognised by its singular (« Jardins »,
/// « Bureaux »).
fn noun_info(name: &str) -> Option<(Gender, bool)> {
    let folded = fold(first_word(name));
    if folded.is_empty() {
        return None;
    }
    if let Some(g) = lookup_noun(&folded) {
        return Some((g, false));
    }
    folded
        .strip_suffix('s')
        .or_else(|| folded.strip_suffix('x'))
        .and_then(lookup_noun)
        .map(|g| (g, true))
}

/// Grammatical gender of the common noun a name starts with (« Maison » f,
/// « Centre » m, « Espace » m, « Association » f, « État » m, « Conseil » m,
/// « Délibération » f, « Arrêté » m…), ignoring case and accents; `None`
/// when the first word is not one this domain uses (a proper name).
pub fn guess_gender(word: &str) -> Option<Gender> {
    noun_info(word).map(|(g, _)| g)
}

/// Particles that drop their last vowel before a word that elides.
const ELIDABLE: &[&str] = &[
    "de", "que", "le", "la", "je", "me", "te", "se", "ne", "ce", "jusque", "lorsque", "puisque",
    "quoique",
];

/// A particle before a word, elided when the word asks for it:
/// ("de", "Étouvie") -> « d'Étouvie », ("que", "elle") -> « qu'elle »,
/// ("la", "association") -> « l'association », ("de", "Poitiers") ->
/// « de Poitiers ». A particle that never elides is joined with a space.
pub fn elide(particle: &str, word: &str) -> String {
    let word = word.trim_start();
    if word.is_empty() {
        return particle.to_owned();
    }
    let lower = particle.to_lowercase();
    if ELIDABLE.contains(&lower.as_str()) && elides(word) {
        // Every elidable particle ends in an ASCII vowel: dropping one byte
        // is dropping one character.
        format!("{}'{word}", &particle[..particle.len() - 1])
    } else {
        format!("{particle} {word}")
    }
}

/// « de » before a word without article: « d'Étouvie », « de Poitiers »,
/// « de Hautepierre ».
pub fn de_word(word: &str) -> String {
    elide("de", word)
}

/// « que » before a word: « qu'elle », « que la Ville ».
pub fn que_word(word: &str) -> String {
    elide("que", word)
}

/// Past participle (given in the masculine singular) agreed in gender and
/// number: ("représenté", F, false) -> « représentée », (M, true) ->
/// « représentés », (F, true) -> « représentées ». A feminine already
/// ending in e is not doubled; a plural already ending in s or x takes
/// nothing more (« compris »). Inclusive marks the data may carry
/// (« représenté(e) ») are dropped first: no « (e) » ever reaches a document.
pub fn agree(participle: &str, gender: Gender, plural: bool) -> String {
    let mut s = participle
        .trim()
        .replace("(e)", "")
        .replace("(es)", "")
        .replace("(s)", "");
    if gender == Gender::F && !s.ends_with('e') {
        s.push('e');
    }
    if plural && !s.ends_with('s') && !s.ends_with('x') {
        s.push('s');
    }
    s
}

/// A French list: « A », « A et B », « A, B et C » (nothing for no item).
pub fn join_fr<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} et {}", head.join(", "), last.as_ref())
        }
    }
}

/// A masculine ordinal in figures: 1 -> « 1er », 2 -> « 2e », 21 -> « 21e ».
/// Plain text: raising « er » is the typography pass's job.
pub fn ordinal(n: u64) -> String {
    if n == 1 {
        "1er".to_owned()
    } else {
        format!("{n}e")
    }
}

/// A feminine ordinal in figures: 1 -> « 1re », 2 -> « 2e ».
pub fn ordinal_f(n: u64) -> String {
    if n == 1 {
        "1re".to_owned()
    } else {
        format!("{n}e")
    }
}

/// Applies `change` to the first letter of `s`, past leading punctuation
/// (« « la » stays a guillemet then a letter); a text that starts with a
/// figure is left alone (« 1er janvier »).
fn map_first_letter<I: Iterator<Item = char>>(s: &str, change: impl Fn(char) -> I) -> String {
    let Some((i, c)) = s.char_indices().find(|(_, c)| c.is_alphanumeric()) else {
        return s.to_owned();
    };
    if !c.is_alphabetic() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push_str(&s[..i]);
    out.extend(change(c));
    out.push_str(&s[i + c.len_utf8()..]);
    out
}

/// Upper-cases the first letter, accents kept: « la Ville » -> « La Ville »,
/// « l'association » -> « L'association », « évaluation » -> « Évaluation ».
pub fn capitalize(s: &str) -> String {
    map_first_letter(s, char::to_uppercase)
}

/// An acronym or a word in capitals (« DGS », « CAF »), which keeps its case
/// inside a sentence.
fn is_capitals(word: &str) -> bool {
    word.chars().nth(1).is_some() && word.chars().all(char::is_uppercase)
}

/// A capacity written inside a sentence (« représentée par Mme X, maire, »):
/// its first letter lower-cased, as French writes titles in running text,
/// unless its first word is an acronym or in capitals (« DGS »).
pub fn capacity_inline(title: &str) -> String {
    let title = title.trim();
    if is_capitals(first_word(title)) {
        title.to_owned()
    } else {
        map_first_letter(title, char::to_lowercase)
    }
}

/// The gender a title shows by its form, for a signer whose civility is
/// not given: the first word before a preposition that shows one, noun or
/// adjective (« présidente », « conseillère municipale déléguée »,
/// « secrétaire générale », « maire adjointe », « 1re adjointe » are
/// feminine; « président », « directeur général », « adjoint » masculine;
/// the last part of a compound: « vice-présidente »), or its article
/// (« la présidente »); `None` for a title of either gender (« maire »,
/// « secrétaire », « chef de service », « interprète »).
pub fn title_gender(title: &str) -> Option<Gender> {
    // The head noun: any of these endings.
    const NOUN_F: &[&str] = &[
        "trice", "ente", "ante", "ère", "euse", "esse", "ointe", "ée", "ète", "enne", "élue",
        "eure", "effe",
    ];
    const NOUN_M: &[&str] = &[
        "teur", "eur", "ier", "ent", "ant", "oint", "é", "et", "ien", "élu",
    ];
    // The words after it: adjectives and participles only (« secrétaire
    // générale », « maire adjointe »), not nouns (« responsable secteur »).
    const ADJ_F: &[&str] = &["ale", "ée", "ointe", "élue", "ère", "ive", "elle"];
    const ADJ_M: &[&str] = &["al", "é", "oint", "élu", "ier", "if", "el"];
    /// Words of those forms that are of either gender.
    const EITHER: &[&str] = &["interprète", "athlète", "membre"];
    const STOP: &[&str] = &["de", "du", "des", "au", "aux", "à", "en", "pour", "par"];
    let lower = title.trim().to_lowercase();
    for (i, word) in lower.split_whitespace().enumerate() {
        if STOP.contains(&word) || word.starts_with("d'") || word.starts_with("d\u{2019}") {
            return None;
        }
        match (i, word) {
            (0, "la" | "madame") => return Some(Gender::F),
            (0, "le" | "monsieur") => return Some(Gender::M),
            (_, "1re" | "1ère") => return Some(Gender::F),
            (_, "1er") => return Some(Gender::M),
            _ => {}
        }
        let word = word
            .strip_prefix("l'")
            .or_else(|| word.strip_prefix("l\u{2019}"))
            .unwrap_or(word);
        let last = word
            .rsplit('-')
            .next()
            .unwrap_or(word)
            .trim_end_matches(|c: char| !c.is_alphabetic());
        if EITHER.contains(&last) {
            continue;
        }
        // (A leading article has given the gender already.)
        let (f, m) = if i == 0 {
            (NOUN_F, NOUN_M)
        } else {
            (ADJ_F, ADJ_M)
        };
        if f.iter().any(|e| last.ends_with(e)) {
            return Some(Gender::F);
        }
        if m.iter().any(|e| last.ends_with(e)) {
            return Some(Gender::M);
        }
    }
    None
}

/// A capacity with its article, for signature blocks (« Pour la Ville de
/// Poitiers, / La maire, / Élise Caradec »). The article follows the
/// signer's civility, because the title names a person: (Mme, "Maire") ->
/// « La maire », (M, "Président") -> « Le président », (Mme, "Adjointe au
/// maire") -> « L'adjointe au maire ». A title that already has its article
/// is only capitalized.
pub fn capacity_with_article(civility: Civility, title: &str) -> String {
    let inline = capacity_inline(title);
    if split_article(&inline).is_some() {
        return capitalize(&inline);
    }
    let phrase = match Article::singular(civility.gender(), &inline) {
        Article::L => format!("l'{inline}"),
        article => format!("{} {inline}", article.as_str()),
    };
    capitalize(&phrase)
}

/// A number as the data may write it, without a « n° » of its own.
fn bare_number(number: &str) -> &str {
    let n = number.trim();
    ["n°", "N°", "nº", "Nº"]
        .iter()
        .find_map(|p| n.strip_prefix(p))
        .unwrap_or(n)
        .trim_start()
}

/// An act that empowers a signatory, worded as SPEC §8 has it:
/// ("délibération", "conseil municipal", Some("2022-0147"), "28 mars 2022")
/// -> « délibération du conseil municipal n° 2022-0147 du 28 mars 2022 »;
/// ("décision", "conseil d'administration", None, "3 mars 2022") ->
/// « décision du conseil d'administration du 3 mars 2022 ». The body takes
/// its article and contracts (« de l'assemblée générale », « de la
/// commission permanente », « le bureau » -> « du bureau »). An empty body or
/// date is left out (« arrêté du 11 octobre 2006 »). `date_fr` arrives
/// written in French by the caller; spaces stay plain, the typography pass
/// makes them unbreakable.
pub fn act_phrase(act: &str, body: &str, number: Option<&str>, date_fr: &str) -> String {
    let mut s = act.trim().to_owned();
    let body = body.trim();
    if !body.is_empty() {
        s.push(' ');
        s.push_str(&NounPhrase::common(body, None, None).de());
    }
    if let Some(n) = number.map(bare_number).filter(|n| !n.is_empty()) {
        s.push_str(" n° ");
        s.push_str(n);
    }
    let date = date_fr.trim();
    if !date.is_empty() {
        s.push_str(" du ");
        s.push_str(date);
    }
    s
}

/// Endings of feminine nouns of the administrative vocabulary
/// (« autorisation », « saisine », « procédure »).
const FEMININE_ENDINGS: &[&str] = &[
    "tion", "sion", "ance", "ence", "ure", "te", "ie", "ude", "ise", "ine",
];

/// The gender of an act's noun when the table does not know it, from its
/// ending: most feminine nouns of the administrative vocabulary end so.
fn gender_by_ending(word: &str) -> Gender {
    let folded = fold(first_word(word));
    if FEMININE_ENDINGS.iter().any(|end| folded.ends_with(end)) {
        Gender::F
    } else {
        Gender::M
    }
}

/// The same act with its article, for a visa (« Vu la délibération du
/// conseil municipal n° … du … approuvant… », « Vu l'arrêté du … »).
pub fn act_with_article(act: &str, body: &str, number: Option<&str>, date_fr: &str) -> String {
    let phrase = act_phrase(act, body, number, date_fr);
    let act = act.trim();
    if split_article(act).is_some() {
        return phrase;
    }
    let (gender, plural) = noun_info(act).unwrap_or_else(|| (gender_by_ending(act), false));
    match (plural, Article::singular(gender, act)) {
        (true, _) => format!("les {phrase}"),
        (false, Article::L) => format!("l'{phrase}"),
        (false, article) => format!("{} {phrase}", article.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_shows_its_gender_or_not() {
        for (title, gender) in [
            ("Présidente", Some(Gender::F)),
            ("président", Some(Gender::M)),
            ("Directrice générale", Some(Gender::F)),
            ("Directeur", Some(Gender::M)),
            ("Trésorière", Some(Gender::F)),
            ("Co-présidente", Some(Gender::F)),
            ("Vice-président", Some(Gender::M)),
            ("Adjointe au maire", Some(Gender::F)),
            ("Déléguée", Some(Gender::F)),
            ("Préfet", Some(Gender::M)),
            ("Préfète de la Somme", Some(Gender::F)),
            ("Conseillère municipale déléguée", Some(Gender::F)),
            ("Secrétaire générale", Some(Gender::F)),
            ("Secrétaire général", Some(Gender::M)),
            ("Maire adjointe", Some(Gender::F)),
            ("Élue déléguée", Some(Gender::F)),
            ("Élu", Some(Gender::M)),
            ("La présidente", Some(Gender::F)),
            ("L'adjointe au maire", Some(Gender::F)),
            ("1re adjointe au maire", Some(Gender::F)),
            ("Première adjointe", Some(Gender::F)),
            ("Premier adjoint", Some(Gender::M)),
            ("Président-directeur général", Some(Gender::M)),
            ("Représentante légale", Some(Gender::F)),
            ("Chargée de mission", Some(Gender::F)),
            ("Chargé de mission", Some(Gender::M)),
            ("Ingénieure", Some(Gender::F)),
            ("Cheffe de service", Some(Gender::F)),
            ("Madame la Maire", Some(Gender::F)),
            ("Monsieur le Maire", Some(Gender::M)),
            ("Professeure", Some(Gender::F)),
            ("Professeur", Some(Gender::M)),
            ("Maire", None),
            ("Maire de Poitiers", None),
            ("Secrétaire", None),
            ("Chef de service", None),
            ("Responsable", None),
            ("Interprète", None),
            ("Membre du bureau", None),
            ("Responsable secteur jeunesse", None),
            ("Responsable technique", None),
            ("", None),
        ] {
            assert_eq!(title_gender(title), gender, "{title}");
        }
    }

    /// Outputs a juriste would strike out, whatever the name.
    fn assert_clean(s: &str) {
        for bad in [
            "(e)", "de Le ", "de Les ", "à Le ", "à Les ", "de le ", "de les ", "à le ",
        ] {
            assert!(!s.contains(bad), "{s:?} contains {bad:?}");
        }
        for prefix in ["de ", "de la ", "la ", "le ", "que "] {
            if let Some(rest) = s.strip_prefix(prefix) {
                let first = rest.chars().next().map(|c| fold(&c.to_string()));
                let vowel = first
                    .as_deref()
                    .is_some_and(|f| f.starts_with(['a', 'e', 'i', 'o', 'u', 'œ', 'æ']));
                assert!(!vowel, "{s:?}: {prefix:?} before a vowel");
            }
        }
    }

    #[track_caller]
    fn check(np: NounPhrase, the: &str, de: &str, a: &str) {
        assert_eq!(np.the(), the, "the() of {np:?}");
        assert_eq!(np.de(), de, "de() of {np:?}");
        assert_eq!(np.a(), a, "a() of {np:?}");
        for s in [np.the(), np.de(), np.a()] {
            assert_clean(&s);
        }
    }

    fn proper(name: &str) -> NounPhrase {
        NounPhrase::new(name, None, None)
    }

    fn common(name: &str) -> NounPhrase {
        NounPhrase::common(name, None, None)
    }

    #[test]
    fn proper_names_without_article() {
        check(proper("Poitiers"), "Poitiers", "de Poitiers", "à Poitiers");
        check(proper("Amiens"), "Amiens", "d'Amiens", "à Amiens");
        check(proper("Étouvie"), "Étouvie", "d'Étouvie", "à Étouvie");
        check(proper("Beaulieu"), "Beaulieu", "de Beaulieu", "à Beaulieu");
        check(proper("Montmidi"), "Montmidi", "de Montmidi", "à Montmidi");
        check(proper("Orléans"), "Orléans", "d'Orléans", "à Orléans");
        check(proper("Issoudun"), "Issoudun", "d'Issoudun", "à Issoudun");
        check(proper("Ussel"), "Ussel", "d'Ussel", "à Ussel");
        check(proper("Évry"), "Évry", "d'Évry", "à Évry");
        check(proper("Œuilly"), "Œuilly", "d'Œuilly", "à Œuilly");
        check(
            proper("Saint-Éloi"),
            "Saint-Éloi",
            "de Saint-Éloi",
            "à Saint-Éloi",
        );
        check(proper("Yvetot"), "Yvetot", "d'Yvetot", "à Yvetot");
        check(proper("Ypres"), "Ypres", "d'Ypres", "à Ypres");
        check(proper("Yaoundé"), "Yaoundé", "de Yaoundé", "à Yaoundé");
        check(
            proper("Hérouville"),
            "Hérouville",
            "d'Hérouville",
            "à Hérouville",
        );
        check(
            proper("Hautepierre"),
            "Hautepierre",
            "de Hautepierre",
            "à Hautepierre",
        );
        check(proper("Honfleur"), "Honfleur", "de Honfleur", "à Honfleur");
        for name in ["Poitiers", "Étouvie", "Yvetot"] {
            let np = proper(name);
            assert_eq!(np.article(), None);
            assert_eq!(np.name(), name);
            assert!(!np.plural());
        }
    }

    #[test]
    fn names_that_carry_their_article() {
        let couronneries = proper("Les Couronneries");
        assert!(couronneries.plural());
        assert_eq!(couronneries.name(), "Couronneries");
        check(
            couronneries,
            "les Couronneries",
            "des Couronneries",
            "aux Couronneries",
        );
        let clos = proper("Le Clos-Gaultier");
        assert_eq!(clos.gender(), Gender::M);
        check(
            clos,
            "le Clos-Gaultier",
            "du Clos-Gaultier",
            "au Clos-Gaultier",
        );
        let blaiserie = proper("La Blaiserie");
        assert_eq!(blaiserie.gender(), Gender::F);
        check(
            blaiserie,
            "la Blaiserie",
            "de la Blaiserie",
            "à la Blaiserie",
        );
        check(
            proper("L'Isle-d'Abeau"),
            "l'Isle-d'Abeau",
            "de l'Isle-d'Abeau",
            "à l'Isle-d'Abeau",
        );
        check(
            proper("L’Île-Rousse"),
            "l'Île-Rousse",
            "de l'Île-Rousse",
            "à l'Île-Rousse",
        );
        check(proper("Le Havre"), "le Havre", "du Havre", "au Havre");
        check(proper("Le Mans"), "le Mans", "du Mans", "au Mans");
        check(proper("Les Ulis"), "les Ulis", "des Ulis", "aux Ulis");
        check(
            proper("LES Trois-Cités"),
            "les Trois-Cités",
            "des Trois-Cités",
            "aux Trois-Cités",
        );
        check(
            proper("la Gibauderie"),
            "la Gibauderie",
            "de la Gibauderie",
            "à la Gibauderie",
        );
        // Not an article: no space after it, or nothing after it.
        check(proper("Lesparre"), "Lesparre", "de Lesparre", "à Lesparre");
    }

    #[test]
    fn explicit_article_and_gender() {
        check(
            NounPhrase::new("Couronneries", Some(Article::Les), None),
            "les Couronneries",
            "des Couronneries",
            "aux Couronneries",
        );
        // The data's article and the one the name carries are the same one.
        check(
            NounPhrase::new("Les Couronneries", Some(Article::Les), None),
            "les Couronneries",
            "des Couronneries",
            "aux Couronneries",
        );
        check(
            NounPhrase::new("L'Isle", Some(Article::La), None),
            "l'Isle",
            "de l'Isle",
            "à l'Isle",
        );
        check(
            NounPhrase::new("habitants d'Étouvie", Some(Article::Les), Some(Gender::M)),
            "les habitants d'Étouvie",
            "des habitants d'Étouvie",
            "aux habitants d'Étouvie",
        );
        check(
            NounPhrase::new("Hauts-de-France", Some(Article::Les), Some(Gender::M)),
            "les Hauts-de-France",
            "des Hauts-de-France",
            "aux Hauts-de-France",
        );
        // « la » before a vowel is written « l' »; the gender stays.
        let assoc = NounPhrase::new("Association des habitants", Some(Article::La), None);
        assert_eq!(assoc.gender(), Gender::F);
        check(
            assoc,
            "l'Association des habitants",
            "de l'Association des habitants",
            "à l'Association des habitants",
        );
        // h muet and h aspiré with an article.
        check(
            NounPhrase::new("Hérault", Some(Article::Le), None),
            "l'Hérault",
            "de l'Hérault",
            "à l'Hérault",
        );
        check(
            NounPhrase::new("Hainaut", Some(Article::Le), None),
            "le Hainaut",
            "du Hainaut",
            "au Hainaut",
        );
        check(
            NounPhrase::new("Hongrie", Some(Article::La), None),
            "la Hongrie",
            "de la Hongrie",
            "à la Hongrie",
        );
        // « l' » given before a consonant: the gender picks the full form.
        check(
            NounPhrase::new("Maison du projet", Some(Article::L), Some(Gender::F)),
            "la Maison du projet",
            "de la Maison du projet",
            "à la Maison du projet",
        );
        let clos = NounPhrase::new("Clos", Some(Article::L), Some(Gender::M));
        check(clos, "le Clos", "du Clos", "au Clos");
        assert_eq!(
            NounPhrase::new("Seve", None, Some(Gender::M)).gender(),
            Gender::M
        );
        assert_eq!(proper("Poitiers").gender(), Gender::F);
    }

    #[test]
    fn party_and_centre_names() {
        let maison = common("Maison de quartier des Couronneries");
        assert_eq!(maison.gender(), Gender::F);
        check(
            maison,
            "la Maison de quartier des Couronneries",
            "de la Maison de quartier des Couronneries",
            "à la Maison de quartier des Couronneries",
        );
        let centre = common("Centre social d'Étouvie");
        assert_eq!(centre.gender(), Gender::M);
        check(
            centre,
            "le Centre social d'Étouvie",
            "du Centre social d'Étouvie",
            "au Centre social d'Étouvie",
        );
        let evs = common("Espace de vie sociale Marcel-Pagnol");
        assert_eq!(evs.gender(), Gender::M);
        check(
            evs,
            "l'Espace de vie sociale Marcel-Pagnol",
            "de l'Espace de vie sociale Marcel-Pagnol",
            "à l'Espace de vie sociale Marcel-Pagnol",
        );
        let assoc = common("Association d'animation des Couronneries");
        assert_eq!(assoc.gender(), Gender::F);
        check(
            assoc,
            "l'Association d'animation des Couronneries",
            "de l'Association d'animation des Couronneries",
            "à l'Association d'animation des Couronneries",
        );
        check(
            common("Ville de Poitiers"),
            "la Ville de Poitiers",
            "de la Ville de Poitiers",
            "à la Ville de Poitiers",
        );
        check(
            common("Ville d'Amiens"),
            "la Ville d'Amiens",
            "de la Ville d'Amiens",
            "à la Ville d'Amiens",
        );
        check(
            common("Caisse d'allocations familiales de la Vienne"),
            "la Caisse d'allocations familiales de la Vienne",
            "de la Caisse d'allocations familiales de la Vienne",
            "à la Caisse d'allocations familiales de la Vienne",
        );
        let etat = common("État");
        assert_eq!(etat.gender(), Gender::M);
        check(etat, "l'État", "de l'État", "à l'État");
        check(
            common("Amiens Métropole"),
            "Amiens Métropole",
            "d'Amiens Métropole",
            "à Amiens Métropole",
        );
        check(common("Seve"), "Seve", "de Seve", "à Seve");
        check(
            common("Communauté urbaine du Grand Poitiers"),
            "la Communauté urbaine du Grand Poitiers",
            "de la Communauté urbaine du Grand Poitiers",
            "à la Communauté urbaine du Grand Poitiers",
        );
        check(
            common("Département de la Vienne"),
            "le Département de la Vienne",
            "du Département de la Vienne",
            "au Département de la Vienne",
        );
        check(
            common("Préfecture de la Somme"),
            "la Préfecture de la Somme",
            "de la Préfecture de la Somme",
            "à la Préfecture de la Somme",
        );
        check(
            common("Conseil départemental de la Somme"),
            "le Conseil départemental de la Somme",
            "du Conseil départemental de la Somme",
            "au Conseil départemental de la Somme",
        );
        check(
            common("Foyer des jeunes travailleurs"),
            "le Foyer des jeunes travailleurs",
            "du Foyer des jeunes travailleurs",
            "au Foyer des jeunes travailleurs",
        );
        check(
            common("Hôtel de ville"),
            "l'Hôtel de ville",
            "de l'Hôtel de ville",
            "à l'Hôtel de ville",
        );
        check(
            common("Halte-garderie des Lutins"),
            "la Halte-garderie des Lutins",
            "de la Halte-garderie des Lutins",
            "à la Halte-garderie des Lutins",
        );
        check(
            common("Hameau des Trois-Cités"),
            "le Hameau des Trois-Cités",
            "du Hameau des Trois-Cités",
            "au Hameau des Trois-Cités",
        );
        check(
            common("Union départementale des associations familiales"),
            "l'Union départementale des associations familiales",
            "de l'Union départementale des associations familiales",
            "à l'Union départementale des associations familiales",
        );
        check(
            common("Établissement public territorial"),
            "l'Établissement public territorial",
            "de l'Établissement public territorial",
            "à l'Établissement public territorial",
        );
        check(
            common("Office public de l'habitat"),
            "l'Office public de l'habitat",
            "de l'Office public de l'habitat",
            "à l'Office public de l'habitat",
        );
        check(
            common("Œuvre des orphelins"),
            "l'Œuvre des orphelins",
            "de l'Œuvre des orphelins",
            "à l'Œuvre des orphelins",
        );
        check(
            common("École Jules-Ferry"),
            "l'École Jules-Ferry",
            "de l'École Jules-Ferry",
            "à l'École Jules-Ferry",
        );
        check(
            common("CAF de la Vienne"),
            "la CAF de la Vienne",
            "de la CAF de la Vienne",
            "à la CAF de la Vienne",
        );
        check(common("EPCI"), "l'EPCI", "de l'EPCI", "à l'EPCI");
        check(
            common("MJC Claude-Nougaro"),
            "la MJC Claude-Nougaro",
            "de la MJC Claude-Nougaro",
            "à la MJC Claude-Nougaro",
        );
        let jardins = common("Jardins familiaux de Montmidi");
        assert!(jardins.plural());
        check(
            jardins,
            "les Jardins familiaux de Montmidi",
            "des Jardins familiaux de Montmidi",
            "aux Jardins familiaux de Montmidi",
        );
        check(
            common("Les Amis de Beaulieu"),
            "les Amis de Beaulieu",
            "des Amis de Beaulieu",
            "aux Amis de Beaulieu",
        );
        check(
            common("La Passerelle"),
            "la Passerelle",
            "de la Passerelle",
            "à la Passerelle",
        );
    }

    #[test]
    fn elision() {
        for w in [
            "association",
            "Amiens",
            "État",
            "Étouvie",
            "Être",
            "Ève",
            "Île",
            "Îlot",
            "Œuvre",
            "œil",
            "Æsope",
            "Âge",
            "Ô",
            "Usine",
            "Ouest",
            "Hérouville",
            "Hôtel de ville",
            "habitants",
            "hiver",
            "héroïne",
            "hallucination",
            "huître",
            "haltère",
            "Yvetot",
            "Ypres",
            "Yonne",
            "EPCI",
        ] {
            assert!(elides(w), "{w} should elide");
        }
        for w in [
            "Poitiers",
            "Hautepierre",
            "Hauts-de-France",
            "Hauts-de-Seine",
            "Haut-Rhin",
            "Haute-Vienne",
            "Havre",
            "Hainaut",
            "Hamel",
            "hameau",
            "hall",
            "halle",
            "handicap",
            "hangar",
            "hasard",
            "héros",
            "hibou",
            "hockey",
            "Hongrie",
            "honte",
            "hors",
            "Hollande",
            "huit",
            "Yaoundé",
            "yaourt",
            "onze",
            "1er",
            "« Les",
            "",
            "  ",
            "CAF",
        ] {
            assert!(!elides(w), "{w} should not elide");
        }
        assert_eq!(de_word("Étouvie"), "d'Étouvie");
        assert_eq!(de_word("Poitiers"), "de Poitiers");
        assert_eq!(de_word("Hautepierre"), "de Hautepierre");
        assert_eq!(de_word("Hauts-de-France"), "de Hauts-de-France");
        assert_eq!(de_word("Hérouville"), "d'Hérouville");
        assert_eq!(de_word("  Ypres"), "d'Ypres");
        assert_eq!(de_word(""), "de");
        assert_eq!(que_word("elle"), "qu'elle");
        assert_eq!(que_word("la Ville"), "que la Ville");
        assert_eq!(elide("la", "association"), "l'association");
        assert_eq!(elide("le", "hameau"), "le hameau");
        assert_eq!(elide("Le", "Isle"), "L'Isle");
        assert_eq!(elide("à", "Amiens"), "à Amiens");
    }

    #[test]
    fn every_initial_vowel_elides() {
        for initial in [
            'A', 'E', 'I', 'O', 'U', 'À', 'Â', 'Ä', 'É', 'È', 'Ê', 'Ë', 'Î', 'Ï', 'Ô', 'Ö', 'Ù',
            'Û', 'Ü', 'Œ', 'Æ', 'a', 'é', 'ê', 'î', 'ô', 'û', 'œ',
        ] {
            let name = format!("{initial}rbec");
            check(
                proper(&name),
                &name,
                &format!("d'{name}"),
                &format!("à {name}"),
            );
            check(
                NounPhrase::new(&name, Some(Article::La), None),
                &format!("l'{name}"),
                &format!("de l'{name}"),
                &format!("à l'{name}"),
            );
        }
        for initial in ['B', 'Ç', 'Y', 'Z'] {
            let name = format!("{initial}arbec");
            check(
                proper(&name),
                &name,
                &format!("de {name}"),
                &format!("à {name}"),
            );
        }
    }

    #[test]
    fn genders() {
        let nouns: &[(&str, Gender)] = &[
            ("Maison", Gender::F),
            ("centre", Gender::M),
            ("Espace", Gender::M),
            ("ASSOCIATION", Gender::F),
            ("ville", Gender::F),
            ("Commune", Gender::F),
            ("Caisse", Gender::F),
            ("Conseil", Gender::M),
            ("Commission", Gender::F),
            ("Assemblée", Gender::F),
            ("assemblee", Gender::F),
            ("Bureau", Gender::M),
            ("Comité", Gender::M),
            ("Délibération", Gender::F),
            ("décision", Gender::F),
            ("Arrêté", Gender::M),
            ("Décret", Gender::M),
            ("ÉTAT", Gender::M),
            ("Département", Gender::M),
            ("Région", Gender::F),
            ("Préfecture", Gender::F),
            ("Métropole", Gender::F),
            ("Communauté", Gender::F),
            ("Agglomération", Gender::F),
            ("Syndicat", Gender::M),
            ("Fédération", Gender::F),
            ("Union", Gender::F),
            ("Foyer", Gender::M),
            ("Club", Gender::M),
            ("Collectif", Gender::M),
            ("Amicale", Gender::F),
            ("Maisons", Gender::F),
            ("Bureaux", Gender::M),
            ("Centre social d'Étouvie", Gender::M),
            ("Caisse d'allocations", Gender::F),
        ];
        for &(w, g) in nouns {
            assert_eq!(guess_gender(w), Some(g), "{w}");
        }
        assert!(NOUNS.len() >= 40);
        for w in [
            "Poitiers", "Amiens", "Étouvie", "Seve", "Montmidi", "", "2022",
        ] {
            assert_eq!(guess_gender(w), None, "{w}");
        }
    }

    #[test]
    fn agreement() {
        assert_eq!(agree("représenté", Gender::M, false), "représenté");
        assert_eq!(agree("représenté", Gender::F, false), "représentée");
        assert_eq!(agree("représenté", Gender::M, true), "représentés");
        assert_eq!(agree("représenté", Gender::F, true), "représentées");
        assert_eq!(
            agree("dûment habilité", Gender::F, false),
            "dûment habilitée"
        );
        assert_eq!(agree("dénommé", Gender::F, false), "dénommée");
        assert_eq!(agree("compris", Gender::M, true), "compris");
        assert_eq!(agree("compris", Gender::F, true), "comprises");
        // Already feminine: not doubled.
        assert_eq!(agree("représentée", Gender::F, false), "représentée");
        assert_eq!(agree("représentée", Gender::F, true), "représentées");
        // Inclusive marks from the data never reach a document.
        assert_eq!(agree("représenté(e)", Gender::F, false), "représentée");
        assert_eq!(agree("représenté(e)", Gender::M, false), "représenté");
        assert_eq!(agree("habilité(e)(s)", Gender::M, true), "habilités");
        let party = common("Ville de Poitiers");
        assert_eq!(
            agree("représenté", party.gender(), party.plural()),
            "représentée"
        );
        let centre = common("Centre social d'Étouvie");
        assert_eq!(
            agree("représenté", centre.gender(), centre.plural()),
            "représenté"
        );
    }

    #[test]
    fn lists() {
        let none: [&str; 0] = [];
        assert_eq!(join_fr(&none), "");
        assert_eq!(join_fr(&["Montmidi"]), "Montmidi");
        assert_eq!(
            join_fr(&["Montmidi", "Clos-Gaultier"]),
            "Montmidi et Clos-Gaultier"
        );
        assert_eq!(
            join_fr(&["la Ville", "la CAF", "l'association"]),
            "la Ville, la CAF et l'association"
        );
        let owned = vec![
            "A".to_owned(),
            "B".to_owned(),
            "C".to_owned(),
            "D".to_owned(),
        ];
        assert_eq!(join_fr(&owned), "A, B, C et D");
    }

    #[test]
    fn ordinals() {
        let expected = [
            "1er", "2e", "3e", "4e", "5e", "6e", "7e", "8e", "9e", "10e", "11e", "12e", "13e",
            "14e", "15e", "16e", "17e", "18e", "19e", "20e", "21e", "22e",
        ];
        for (n, want) in (1..=22).zip(expected) {
            assert_eq!(ordinal(n), want);
        }
        assert_eq!(ordinal_f(1), "1re");
        assert_eq!(ordinal_f(2), "2e");
        assert_eq!(ordinal_f(21), "21e");
    }

    #[test]
    fn capitals() {
        assert_eq!(capitalize("la Ville"), "La Ville");
        assert_eq!(capitalize("l'association"), "L'association");
        assert_eq!(capitalize("l’association"), "L’association");
        assert_eq!(capitalize("évaluation"), "Évaluation");
        assert_eq!(capitalize("être"), "Être");
        assert_eq!(capitalize("île"), "Île");
        assert_eq!(capitalize("œuvre"), "Œuvre");
        assert_eq!(capitalize("« la Ville »"), "« La Ville »");
        assert_eq!(capitalize("1er janvier"), "1er janvier");
        assert_eq!(capitalize("Déjà"), "Déjà");
        assert_eq!(capitalize(""), "");
        assert_eq!(capitalize(&common("État").the()), "L'État");
    }

    #[test]
    fn capacities() {
        assert_eq!(capacity_inline("Maire"), "maire");
        assert_eq!(capacity_inline("Présidente"), "présidente");
        assert_eq!(
            capacity_inline("Préfète de la Somme"),
            "préfète de la Somme"
        );
        assert_eq!(capacity_inline("Directrice"), "directrice");
        assert_eq!(capacity_inline("Élue déléguée"), "élue déléguée");
        assert_eq!(capacity_inline("DGS"), "DGS");
        assert_eq!(capacity_inline("DGA-CAF"), "DGA-CAF");
        assert_eq!(capacity_inline(" maire "), "maire");
        assert_eq!(capacity_with_article(Civility::Mme, "Maire"), "La maire");
        assert_eq!(capacity_with_article(Civility::M, "Maire"), "Le maire");
        assert_eq!(
            capacity_with_article(Civility::M, "Président"),
            "Le président"
        );
        assert_eq!(
            capacity_with_article(Civility::Mme, "Présidente"),
            "La présidente"
        );
        assert_eq!(
            capacity_with_article(Civility::Mme, "Adjointe au maire"),
            "L'adjointe au maire"
        );
        assert_eq!(
            capacity_with_article(Civility::M, "Directeur"),
            "Le directeur"
        );
        assert_eq!(
            capacity_with_article(Civility::Mme, "Directrice"),
            "La directrice"
        );
        assert_eq!(
            capacity_with_article(Civility::Mme, "Préfète de la Somme"),
            "La préfète de la Somme"
        );
        assert_eq!(
            capacity_with_article(Civility::M, "Élu délégué"),
            "L'élu délégué"
        );
        assert_eq!(capacity_with_article(Civility::Mme, "DGS"), "La DGS");
        assert_eq!(
            capacity_with_article(Civility::M, "Haut-commissaire"),
            "Le haut-commissaire"
        );
        assert_eq!(capacity_with_article(Civility::Mme, "la maire"), "La maire");
    }

    #[test]
    fn civilities_and_articles() {
        assert_eq!(Civility::parse("Mme"), Some(Civility::Mme));
        assert_eq!(Civility::parse("M."), Some(Civility::M));
        assert_eq!(Civility::parse("M"), Some(Civility::M));
        assert_eq!(Civility::parse(" madame "), Some(Civility::Mme));
        assert_eq!(Civility::parse("Mlle"), None);
        assert_eq!(Civility::Mme.as_str(), "Mme");
        assert_eq!(Civility::M.as_str(), "M.");
        assert_eq!(Civility::Mme.gender(), Gender::F);
        assert_eq!(Civility::M.gender(), Gender::M);
        for (s, a) in [
            ("la", Article::La),
            ("Le", Article::Le),
            ("l'", Article::L),
            ("l’", Article::L),
            ("LES", Article::Les),
        ] {
            assert_eq!(Article::parse(s), Some(a));
        }
        assert_eq!(Article::parse("un"), None);
        assert_eq!(Article::parse("l"), None);
        for a in [Article::La, Article::Le, Article::L, Article::Les] {
            assert_eq!(Article::parse(a.as_str()), Some(a));
        }
        assert_eq!(Article::singular(Gender::F, "Ville"), Article::La);
        assert_eq!(Article::singular(Gender::M, "État"), Article::L);
        assert_eq!(Article::singular(Gender::M, "hameau"), Article::Le);
    }

    #[test]
    fn acts() {
        assert_eq!(
            act_phrase(
                "délibération",
                "conseil municipal",
                Some("2022-0147"),
                "28 mars 2022"
            ),
            "délibération du conseil municipal n° 2022-0147 du 28 mars 2022"
        );
        assert_eq!(
            act_phrase("décision", "conseil d'administration", None, "3 mars 2022"),
            "décision du conseil d'administration du 3 mars 2022"
        );
        assert_eq!(
            act_phrase("délibération", "assemblée générale", None, "12 juin 2021"),
            "délibération de l'assemblée générale du 12 juin 2021"
        );
        assert_eq!(
            act_phrase(
                "délibération",
                "commission permanente",
                Some("CP-2022-14"),
                "1er avril 2022"
            ),
            "délibération de la commission permanente n° CP-2022-14 du 1er avril 2022"
        );
        assert_eq!(
            act_phrase("décision", "le bureau", None, "5 mai 2021"),
            "décision du bureau du 5 mai 2021"
        );
        assert_eq!(
            act_phrase("décision", "les membres du bureau", None, "5 mai 2021"),
            "décision des membres du bureau du 5 mai 2021"
        );
        assert_eq!(
            act_phrase("arrêté", "maire", Some("n° 2022-12"), "2 mai 2022"),
            "arrêté du maire n° 2022-12 du 2 mai 2022"
        );
        assert_eq!(
            act_phrase("arrêté", "", None, "11 octobre 2006"),
            "arrêté du 11 octobre 2006"
        );
        assert_eq!(
            act_phrase("délibération", "Seve", Some(" "), ""),
            "délibération de Seve"
        );
        assert_eq!(
            act_with_article(
                "délibération",
                "conseil municipal",
                Some("2022-0147"),
                "28 mars 2022"
            ),
            "la délibération du conseil municipal n° 2022-0147 du 28 mars 2022"
        );
        assert_eq!(
            act_with_article("arrêté", "", None, "11 octobre 2006"),
            "l'arrêté du 11 octobre 2006"
        );
        assert_eq!(
            act_with_article("décision", "conseil d'administration", None, "3 mars 2022"),
            "la décision du conseil d'administration du 3 mars 2022"
        );
        assert_eq!(
            act_with_article("décret", "", Some("2021-1947"), "31 décembre 2021"),
            "le décret n° 2021-1947 du 31 décembre 2021"
        );
        assert_eq!(
            act_with_article("avis", "comité technique", None, "2 mai 2022"),
            "l'avis du comité technique du 2 mai 2022"
        );
        // Unknown acts take their article from their ending.
        assert_eq!(
            act_with_article("autorisation", "conseil", None, "2 mai 2022"),
            "l'autorisation du conseil du 2 mai 2022"
        );
        assert_eq!(
            act_with_article("saisine", "bureau", None, "2 mai 2022"),
            "la saisine du bureau du 2 mai 2022"
        );
        assert_eq!(
            act_with_article("la délibération", "conseil municipal", None, "2 mai 2022"),
            "la délibération du conseil municipal du 2 mai 2022"
        );
        assert_eq!(
            act_with_article("délibérations", "conseil municipal", None, "2 mai 2022"),
            "les délibérations du conseil municipal du 2 mai 2022"
        );
    }
}
