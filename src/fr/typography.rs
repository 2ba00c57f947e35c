//! French typography, applied once on the way out of every renderer
//! (documents, reports, HTML, PDF, Markdown).
//!
//! The rules are those of the Lexique des règles typographiques en usage à
//! l'Imprimerie nationale as SPEC §8 lists them: a narrow no-break space
//! (U+202F) before « ; ! ? », inside « », and between groups of thousands; a
//! no-break space (U+00A0) before « : », after « n° », between a number and
//! its unit and inside a date; « er » of « 1er » raised; law numbers that
//! never break at their hyphen (U+2011); the typographic apostrophe.
//!
//! Why one pass over a whole block: a paragraph reaches a renderer as several
//! runs (plain, bold, a link's text, inline code), and the space before « ; »
//! may sit in the run before it. So the pass takes the block as a list of
//! [`Segment`]s, scans their characters as one text, and hands back what each
//! segment becomes. Inline code, URLs and ids are [`Segment::Opaque`]: they
//! come back untouched, and their neighbours see them as a word (so « voir
//! `x` ; » still gets its space, and nothing inside `a;b` moves).
//!
//! Why hand-written: each rule looks at most at the token before and the
//! token after the place it changes, so one scan with bounded look-around
//! keeps the pass linear in the length of the block; a regex per rule would
//! rescan the text once per rule and could not see across segments.
//!
//! The pass is idempotent (its output passes through unchanged), never
//! changes a digit, never touches an opaque segment and never makes a double
//! space: a space it writes either replaces a run of spaces or goes where
//! there was none, and the rule that wrote it picks the same character when
//! it meets it again.

/// U+00A0 NO-BREAK SPACE: before « : », after « n° », between a number and
/// its unit, inside a date.
pub const NBSP: char = '\u{A0}';
/// U+202F NARROW NO-BREAK SPACE: before « ; ! ? », inside « », between
/// groups of thousands.
pub const NNBSP: char = '\u{202F}';
/// U+2011 NON-BREAKING HYPHEN: inside law and code numbers (« 2000-321 »).
pub const NB_HYPHEN: char = '\u{2011}';

/// Which apostrophe prose gets (`[render] apostrophe`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Apostrophe {
    /// ’ (U+2019), the typographic apostrophe French print uses.
    #[default]
    Typographic,
    /// ' left as written, for outputs whose readers expect ASCII.
    Straight,
}

/// What the pass may change beyond the rules every output gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Whether straight apostrophes in prose become typographic ones.
    pub apostrophe: Apostrophe,
}

/// A piece of a block's text, in the order the block reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Prose the rules apply to.
    Text(&'a str),
    /// Inline code, a URL, an id: never changed, and seen by its neighbours
    /// as a word character.
    Opaque(&'a str),
}

/// What a [`Segment::Text`] becomes: plain text, or a superscript (the « er »
/// of « 1er »), which a renderer raises (`<sup>`, `#super`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text on the line.
    Text(String),
    /// Text to raise.
    Sup(String),
}

impl Piece {
    /// The characters of the piece, raised or not.
    pub fn as_str(&self) -> &str {
        match self {
            Piece::Text(s) | Piece::Sup(s) => s,
        }
    }
}

/// One character of the block. An opaque segment stands in the scan as its
/// first and last characters, flagged opaque: its neighbours see a word
/// character, unless the segment itself starts or ends with a space, which
/// must then count as the space it is (no space is glued to it).
#[derive(Debug, Clone, Copy)]
struct Item {
    ch: char,
    seg: usize,
    opaque: bool,
}

impl Item {
    /// Part of a word: a letter or digit, or an opaque segment's edge that
    /// is not a space.
    fn is_word(self) -> bool {
        if self.opaque {
            !self.ch.is_whitespace()
        } else {
            self.ch.is_alphanumeric()
        }
    }

    /// A letter, or an opaque edge (which stands for a word).
    fn is_letter(self) -> bool {
        if self.opaque {
            !self.ch.is_whitespace()
        } else {
            self.ch.is_alphabetic()
        }
    }
}

/// Spaces a rule may replace. A line break is not one: what follows it
/// starts a line, and nothing is glued across it.
fn is_hspace(c: char) -> bool {
    matches!(c, ' ' | NBSP | NNBSP | '\u{2009}')
}

/// What may follow « ; ! ? » used as punctuation: the end of a word, not the
/// middle of `a;b` or `!=`.
fn ends_punctuation(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '»' | ')'
                | ']'
                | '}'
                | '"'
                | '”'
                | '’'
                | '\''
                | '.'
                | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '…'
                | '*'
        )
}

/// Units and calendar words a number is never separated from.
const UNITS: &[&str] = &[
    "%", "‰", "€", "k€", "M€", "°C", "km", "cm", "m", "m²", "kg", "h", "min", "an", "ans", "mois",
    "jour", "jours", "heure", "heures", "semaine", "semaines", "ETP",
];

/// Month names a day or a year is never separated from (with the accentless
/// spellings a keyboard produces).
const MONTHS: &[&str] = &[
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "decembre",
];

/// The longest month name, in characters: how far a date rule looks.
const MONTH_MAX: usize = 9;

/// A block of text as the scan sees it.
struct Block {
    items: Vec<Item>,
}

impl Block {
    fn new(segments: &[Segment<'_>]) -> Block {
        let capacity = segments
            .iter()
            .map(|s| match s {
                Segment::Text(t) => t.len(),
                Segment::Opaque(_) => 2,
            })
            .sum();
        let mut items = Vec::with_capacity(capacity);
        for (seg, segment) in segments.iter().enumerate() {
            match *segment {
                Segment::Text(t) => items.extend(t.chars().map(|ch| Item {
                    ch,
                    seg,
                    opaque: false,
                })),
                Segment::Opaque(t) => {
                    // An empty opaque segment has nothing for its neighbours
                    // to see; treating it as a word would glue spaces to
                    // nothing.
                    let (Some(first), Some(last)) = (t.chars().next(), t.chars().next_back())
                    else {
                        continue;
                    };
                    items.push(Item {
                        ch: first,
                        seg,
                        opaque: true,
                    });
                    if t.len() > first.len_utf8() {
                        items.push(Item {
                            ch: last,
                            seg,
                            opaque: true,
                        });
                    }
                }
            }
        }
        Block { items }
    }

    fn at(&self, i: usize) -> Option<Item> {
        self.items.get(i).copied()
    }

    /// The item `k` places before `i`, if any.
    fn back(&self, i: usize, k: usize) -> Option<Item> {
        i.checked_sub(k).and_then(|j| self.at(j))
    }

    /// The character at `i` when it is text (not opaque, not past the end).
    fn text(&self, i: usize) -> Option<char> {
        self.at(i).filter(|it| !it.opaque).map(|it| it.ch)
    }

    fn digit(&self, i: usize) -> bool {
        self.text(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn digit_item(item: Option<Item>) -> bool {
        item.is_some_and(|it| !it.opaque && it.ch.is_ascii_digit())
    }

    /// A letter, digit or opaque segment: what makes a word go on.
    fn word(item: Option<Item>) -> bool {
        item.is_some_and(Item::is_word)
    }

    /// Nothing, or something that is not white space (a line break or a tab
    /// stops the rules that glue a sign to the word before or after it).
    fn solid(item: Option<Item>) -> bool {
        item.is_some_and(|it| !it.ch.is_whitespace())
    }

    /// Whether `i` holds the « ° » (or « º ») of a « n° » starting a word.
    fn numero_sign(&self, i: Option<usize>) -> bool {
        let Some(i) = i else { return false };
        matches!(self.text(i), Some('°' | 'º'))
            && i.checked_sub(1)
                .is_some_and(|n| matches!(self.text(n), Some('n' | 'N')))
            && !Block::word(self.back(i, 2))
    }

    /// Whether `next` ends the word before it, by `test`; an opaque segment
    /// does only when it starts with a space.
    fn ends(next: Item, test: impl Fn(char) -> bool) -> bool {
        if next.opaque {
            next.ch.is_whitespace()
        } else {
            test(next.ch)
        }
    }

    /// `&amp;`, `&#160;`: the « ; » closing an HTML entity left in text.
    fn entity_before(&self, i: usize) -> bool {
        for k in 1..=32 {
            match self.back(i, k) {
                Some(it) if !it.opaque && (it.ch.is_ascii_alphanumeric() || it.ch == '#') => {}
                Some(it) => return k > 1 && !it.opaque && it.ch == '&',
                None => return false,
            }
        }
        false
    }

    /// What a run of spaces `start..end` becomes, if a rule claims it. The
    /// order matters only where two rules meet at one run, and it is fixed so
    /// that a space written by one rule is claimed by the same rule next time
    /// (« «: » keeps the guillemet's narrow space).
    fn run_replacement(&self, start: usize, end: usize) -> Option<char> {
        let prev = self.back(start, 1);
        let next = self.at(end);
        let prev_text = prev.filter(|it| !it.opaque).map(|it| it.ch);
        let next_text = next.filter(|it| !it.opaque).map(|it| it.ch);
        let (prev_ok, next_ok) = (Block::solid(prev), Block::solid(next));
        if prev_text == Some('«') && next_ok {
            return Some(NNBSP);
        }
        if next_text == Some('»') && prev_ok {
            return Some(NNBSP);
        }
        if self.numero_sign(start.checked_sub(1)) && next_ok {
            return Some(NBSP);
        }
        if matches!(next_text, Some(';' | '!' | '?'))
            && prev_ok
            && self
                .at(end + 1)
                .is_none_or(|it| Block::ends(it, ends_punctuation))
        {
            return Some(NNBSP);
        }
        if next_text == Some(':')
            && prev_ok
            && self
                .at(end + 1)
                .is_none_or(|it| it.opaque || !matches!(it.ch, ':' | '=' | '/'))
        {
            return Some(NBSP);
        }
        if end - start == 1 && self.thousands(start) {
            return Some(NNBSP);
        }
        if self.honorific_before(start) && next_text.is_some_and(char::is_uppercase) {
            return Some(NBSP);
        }
        if self.date_gap(start, end) || self.unit_gap(start, end) {
            return Some(NBSP);
        }
        None
    }

    /// A one-character gap between a group of 1-3 digits that starts a
    /// number and exactly three digits: « 9 200 », « 536 055 », but not
    /// « 2022 200 » (a year, then a count) nor « 0,5 200 ».
    fn thousands(&self, gap: usize) -> bool {
        let mut len = 0;
        while len < 4 && Block::digit_item(self.back(gap, len + 1)) {
            len += 1;
        }
        if len == 0 || len > 3 {
            return false;
        }
        let before = self.back(gap, len + 1);
        let starts_number =
            !Block::word(before) && !before.is_some_and(|it| matches!(it.ch, ',' | '.'));
        starts_number && (1..=3).all(|d| self.digit(gap + d)) && !self.digit(gap + 4)
    }

    /// The letters of a word of at most `max` letters starting at `i`, if a
    /// word boundary follows.
    fn word_at(&self, i: usize, max: usize) -> Option<String> {
        let mut word = String::new();
        let mut j = i;
        while let Some(c) = self.text(j).filter(|c| c.is_alphabetic()) {
            if word.chars().count() == max {
                return None;
            }
            word.push(c);
            j += 1;
        }
        (!word.is_empty() && !Block::word(self.at(j))).then_some(word)
    }

    /// The word of at most `max` alphanumeric characters ending just before
    /// `end`, if a word boundary precedes it.
    fn word_before(&self, end: usize, max: usize) -> Option<String> {
        let mut len = 0;
        while self
            .back(end, len + 1)
            .is_some_and(|it| !it.opaque && it.ch.is_alphanumeric())
        {
            if len == max {
                return None;
            }
            len += 1;
        }
        if len == 0 || Block::word(self.back(end, len + 1)) {
            return None;
        }
        Some(self.items[end - len..end].iter().map(|it| it.ch).collect())
    }

    fn is_month(word: &str) -> bool {
        let lower = word.to_lowercase();
        MONTHS.contains(&lower.as_str())
    }

    /// A gap inside a date: day and month (« 11 octobre », « 1er janvier »),
    /// month and year (« octobre 2006 »).
    fn date_gap(&self, start: usize, end: usize) -> bool {
        let day_month = || {
            self.word_before(start, 3).is_some_and(|day| {
                day == "1er"
                    || (day.len() <= 2 && day.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)))
            }) && self
                .word_at(end, MONTH_MAX)
                .is_some_and(|m| Block::is_month(&m))
        };
        let month_year = || {
            self.word_before(start, MONTH_MAX)
                .is_some_and(|m| Block::is_month(&m))
                && (0..4).all(|d| self.digit(end + d))
                && !Block::word(self.at(end + 4))
        };
        day_month() || month_year()
    }

    /// An honorific just before `end` (« M. », « Mme », « MM. », « Mmes »,
    /// « Mlle », « Me », « Dr »): it stays with the name that follows.
    fn honorific_before(&self, end: usize) -> bool {
        const HONORIFICS: [&str; 7] = ["M.", "MM.", "Mme", "Mmes", "Mlle", "Me", "Dr"];
        HONORIFICS.iter().any(|h| {
            let n = h.chars().count();
            if end < n {
                return false;
            }
            let start = end - n;
            h.chars()
                .enumerate()
                .all(|(k, c)| self.text(start + k) == Some(c))
                && !Block::word(self.back(start, 1))
        })
    }

    /// A gap between a number and its unit: « 60 % », « 536 055 € »,
    /// « 25,5 M€ », « 60 jours ».
    fn unit_gap(&self, start: usize, end: usize) -> bool {
        if start == 0 || !self.digit(start - 1) || !self.unit_at(end) {
            return false;
        }
        // The number is the token before the gap: figures, with a decimal
        // comma; a token like « A4 » or « L612 » is not one.
        let mut first = start - 1;
        while first > 0 && matches!(self.text(first - 1), Some('0'..='9' | ',' | '.')) {
            first -= 1;
        }
        self.digit(first) && !Block::word(self.back(first, 1))
    }

    fn unit_at(&self, i: usize) -> bool {
        UNITS.iter().any(|unit| {
            let mut j = i;
            for c in unit.chars() {
                if self.text(j) != Some(c) {
                    return false;
                }
                j += 1;
            }
            !Block::word(self.at(j))
        })
    }

    /// If an ordinal starts at `i` (« 1er », « 1re », « 2e », « 2nd »,
    /// « XIXe », « Ier »), the range of its suffix. Only whole words: « 1era »
    /// and « 2eme » are left alone, and so is a figure inside a number
    /// (« 1,5e »).
    fn ordinal_suffix(&self, i: usize) -> Option<(usize, usize)> {
        let first = self.text(i)?;
        let roman = matches!(first, 'I' | 'V' | 'X');
        if !(roman || first.is_ascii_digit()) {
            return None;
        }
        let before = self.back(i, 1);
        if Block::word(before)
            || (before.is_some_and(|it| matches!(it.ch, ',' | '.'))
                && Block::digit_item(self.back(i, 2)))
        {
            return None;
        }
        let mut start = i;
        while self.text(start).is_some_and(|c| {
            if roman {
                matches!(c, 'I' | 'V' | 'X')
            } else {
                c.is_ascii_digit()
            }
        }) {
            start += 1;
        }
        let mut end = start;
        while end - start < 4 && self.text(end).is_some_and(|c| c.is_ascii_lowercase()) {
            end += 1;
        }
        if end == start || Block::word(self.at(end)) {
            return None;
        }
        let numeral: String = self.items[i..start].iter().map(|it| it.ch).collect();
        let suffix: String = self.items[start..end].iter().map(|it| it.ch).collect();
        let one = numeral == "1" || numeral == "I";
        let two = numeral == "2" || numeral == "II";
        let valid = match suffix.as_str() {
            "er" | "re" | "ers" | "res" => one,
            "nd" | "nde" | "nds" | "ndes" => two,
            "e" | "es" => !one && !numeral.starts_with('0'),
            _ => false,
        };
        valid.then_some((start, end))
    }

    /// A space to insert before the character at `i`, where the rules want
    /// one and there is none.
    fn insert_before(&self, i: usize) -> Option<char> {
        let prev = self.back(i, 1);
        let next = self.at(i + 1);
        let prev_text = prev.filter(|it| !it.opaque).map(|it| it.ch);
        match self.text(i)? {
            ';' | '!' | '?' => {
                let after_word =
                    Block::word(prev) || matches!(prev_text, Some('»' | ')' | '%' | '€' | '‰'));
                let ends = next.is_none_or(|it| Block::ends(it, ends_punctuation));
                (after_word && ends && !self.entity_before(i)).then_some(NNBSP)
            }
            ':' => {
                let after_word =
                    prev.is_some_and(Item::is_letter) || matches!(prev_text, Some('»' | ')'));
                // « » » will get its own space before it, so « : » then
                // ends where it stands.
                let ends = next.is_none_or(|it| {
                    Block::ends(it, |c| c.is_whitespace() || (!it.opaque && c == '»'))
                });
                (after_word && ends).then_some(NBSP)
            }
            '»' => (Block::solid(prev) && prev_text != Some('«')).then_some(NNBSP),
            c if c.is_ascii_digit() => self.numero_sign(i.checked_sub(1)).then_some(NBSP),
            _ => None,
        }
    }

    /// What the character at `i` itself becomes.
    fn replace(&self, i: usize, options: &Options) -> char {
        let ch = self.items[i].ch;
        let prev_letter = self
            .back(i, 1)
            .is_some_and(|it| !it.opaque && it.ch.is_alphabetic());
        match ch {
            // Law and code numbers (« 2000-321 », « L612-4 »), never words
            // (« Marcel-Pagnol ») nor spaced ranges.
            '-' if Block::digit_item(self.back(i, 1)) && self.digit(i + 1) => NB_HYPHEN,
            '\'' if options.apostrophe == Apostrophe::Typographic
                && prev_letter
                && self.at(i + 1).is_some_and(Item::is_letter) =>
            {
                '’'
            }
            other => other,
        }
    }
}

/// Appends a character to what segment `seg` becomes, merging it with the
/// last piece when both are raised or both are not.
fn push(out: &mut [Vec<Piece>], seg: usize, c: char, sup: bool) {
    let pieces = &mut out[seg];
    match (pieces.last_mut(), sup) {
        (Some(Piece::Text(s)), false) | (Some(Piece::Sup(s)), true) => s.push(c),
        _ => pieces.push(if sup {
            Piece::Sup(c.into())
        } else {
            Piece::Text(c.into())
        }),
    }
}

/// Applies French typography to one block (a paragraph, a heading, a table
/// cell) given as its segments. Returns what each segment becomes, in order:
/// a text segment as plain and raised pieces (empty when it is empty), an
/// opaque one as a single unchanged [`Piece::Text`].
///
/// A space the rules replace or insert goes into the segment of the text it
/// belongs to (the run it replaces, or the sign it precedes or follows), so
/// a renderer can keep each segment's formatting.
pub fn apply(segments: &[Segment<'_>], options: &Options) -> Vec<Vec<Piece>> {
    let mut out: Vec<Vec<Piece>> = segments
        .iter()
        .map(|s| match *s {
            Segment::Text(_) => Vec::new(),
            Segment::Opaque(t) => vec![Piece::Text(t.to_owned())],
        })
        .collect();
    let block = Block::new(segments);
    let items = &block.items;
    let mut raised = 0..0;
    let mut i = 0;
    while i < items.len() {
        let item = items[i];
        if item.opaque {
            i += 1;
            continue;
        }
        if is_hspace(item.ch) {
            let mut end = i + 1;
            while block.text(end).is_some_and(is_hspace) {
                end += 1;
            }
            match block.run_replacement(i, end) {
                Some(c) => push(&mut out, item.seg, c, false),
                None => {
                    for it in &items[i..end] {
                        push(&mut out, it.seg, it.ch, false);
                    }
                }
            }
            i = end;
            continue;
        }
        if let Some(c) = block.insert_before(i) {
            push(&mut out, item.seg, c, false);
        }
        if i >= raised.end
            && let Some((start, end)) = block.ordinal_suffix(i)
        {
            raised = start..end;
        }
        push(
            &mut out,
            item.seg,
            block.replace(i, options),
            raised.contains(&i),
        );
        if item.ch == '«' && block.at(i + 1).is_some_and(|it| !it.ch.is_whitespace()) {
            push(&mut out, item.seg, NNBSP, false);
        }
        i += 1;
    }
    out
}

/// [`apply`] on a single string (Markdown output, reports): superscripts
/// stay on the line as plain text.
pub fn apply_str(text: &str, options: &Options) -> String {
    apply(&[Segment::Text(text)], options)
        .iter()
        .flatten()
        .map(Piece::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const TYPO: Options = Options {
        apostrophe: Apostrophe::Typographic,
    };
    const STRAIGHT: Options = Options {
        apostrophe: Apostrophe::Straight,
    };

    /// Every input a test runs through [`t`] or [`segs`]; the idempotence
    /// and invariant tests run them all again.
    #[test]
    fn honorifics_stay_with_names() {
        let o = Options::default();
        assert_eq!(
            apply_str("par M. Karim Benali", &o),
            "par M.\u{A0}Karim Benali"
        );
        assert_eq!(
            apply_str("par Mme Élise Caradec", &o),
            "par Mme\u{A0}Élise Caradec"
        );
        assert_eq!(apply_str("la somme totale", &o), "la somme totale");
    }

    fn plain_cases() -> Vec<&'static str> {
        PLAIN.iter().map(|&(input, _)| input).collect()
    }

    /// Text and what the pass makes of it (`_` stands for U+202F, `~` for
    /// U+00A0, `‑` is U+2011), under [`TYPO`].
    const PLAIN: &[(&str, &str)] = &[
        // ; ! ?
        ("oui ; non", "oui_; non"),
        ("oui; non", "oui_; non"),
        ("oui  ; non", "oui_; non"),
        ("oui\u{A0}; non", "oui_; non"),
        ("Attention !", "Attention_!"),
        ("Attention!", "Attention_!"),
        ("Vraiment ?", "Vraiment_?"),
        ("Quoi ?!", "Quoi_?!"),
        ("Quoi?!", "Quoi_?!"),
        ("Non!!!", "Non_!!!"),
        ("Article 5;", "Article 5_;"),
        ("« la Ville »;", "«_la Ville_»_;"),
        ("60 %;", "60~%_;"),
        ("a;b", "a;b"),
        ("x != y", "x != y"),
        ("x!=y", "x!=y"),
        ("a?b=c", "a?b=c"),
        ("Fish &amp; chips", "Fish &amp; chips"),
        ("&#160; fin", "&#160; fin"),
        ("; au début", "; au début"),
        ("fin\n; ligne", "fin\n; ligne"),
        // :
        ("la Ville : ", "la Ville~: "),
        ("Objet:", "Objet~:"),
        ("Objet: la suite", "Objet~: la suite"),
        ("Objet :\nsuite", "Objet~:\nsuite"),
        ("à 10:30", "à 10:30"),
        ("http://exemple.fr", "http://exemple.fr"),
        ("ex:ample", "ex:ample"),
        ("a := b", "a := b"),
        ("Paraphes : ____", "Paraphes~: ____"),
        // « »
        ("« la Ville »", "«_la Ville_»"),
        ("«la Ville»", "«_la Ville_»"),
        ("«  la Ville  »", "«_la Ville_»"),
        ("« »", "«_»"),
        ("«»", "«_»"),
        ("«:", "«_:"),
        (
            "ci-après dénommée « la Ville »,",
            "ci-après dénommée «_la Ville_»,",
        ),
        ("\"quoted\" and 'single'", "\"quoted\" and 'single'"),
        // n°
        ("n° 2000-321", "n°~2000‑321"),
        ("n°2000-321", "n°~2000‑321"),
        ("N° SIRET", "N°~SIRET"),
        ("nº 12", "nº~12"),
        ("un° 5", "un° 5"),
        ("n°", "n°"),
        // Units.
        ("60 %", "60~%"),
        ("536 055 €", "536_055~€"),
        ("1 234,50 €", "1_234,50~€"),
        ("25,5 M€", "25,5~M€"),
        ("12 k€", "12~k€"),
        ("0,5 ‰", "0,5~‰"),
        ("20 °C", "20~°C"),
        ("3 km", "3~km"),
        ("12 m²", "12~m²"),
        ("3 m", "3~m"),
        ("5 kg", "5~kg"),
        ("9 h", "9~h"),
        ("45 min", "45~min"),
        ("4 ans", "4~ans"),
        ("1 an", "1~an"),
        ("6 mois", "6~mois"),
        ("60 jours", "60~jours"),
        ("35 heures", "35~heures"),
        ("3,5 ETP", "3,5~ETP"),
        ("60  %", "60~%"),
        ("3 maisons", "3 maisons"),
        ("A4 %", "A4 %"),
        ("2 mâts", "2 mâts"),
        // Thousands.
        ("9 200 habitants", "9_200 habitants"),
        ("1 234 567", "1_234_567"),
        ("153\u{A0}000 €", "153_000~€"),
        ("en 2022 200 familles", "en 2022 200 familles"),
        ("12 34", "12 34"),
        ("1 2345", "1 2345"),
        ("1  234", "1  234"),
        ("0,5 200", "0,5 200"),
        ("05 49 41 00 00", "05 49 41 00 00"),
        ("FR76 3000 4000 0312", "FR76 3000 4000 0312"),
        ("SIRET 218 601 946 00013", "SIRET 218_601_946 00013"),
        // Dates.
        ("11 octobre 2006", "11~octobre~2006"),
        ("1er janvier 2022", "1er~janvier~2022"),
        ("du 1er juillet 1901", "du 1er~juillet~1901"),
        ("le 28 mars 2022", "le 28~mars~2022"),
        ("31 décembre 2025", "31~décembre~2025"),
        ("mois d'août 2022", "mois d’août~2022"),
        ("Mars 2022", "Mars~2022"),
        ("32 mars", "32 mars"),
        ("le 3 marsupiaux", "le 3 marsupiaux"),
        ("mars 20222", "mars 20222"),
        ("2022 - 2025", "2022 - 2025"),
        // Ordinals (plain text in apply_str).
        ("Article 1er", "Article 1er"),
        ("XIXe siècle", "XIXe siècle"),
        // Law and code numbers.
        (
            "loi n° 2000-321 du 12 avril 2000",
            "loi n°~2000‑321 du 12~avril~2000",
        ),
        ("décret n° 2021-1947", "décret n°~2021‑1947"),
        ("loi n° 2021-875", "loi n°~2021‑875"),
        ("article L612-4", "article L612‑4"),
        ("article L. 612-4", "article L. 612‑4"),
        ("article R. 1611-4", "article R. 1611‑4"),
        ("art. 10-1", "art. 10‑1"),
        ("Marcel-Pagnol", "Marcel-Pagnol"),
        ("Saint-Éloi", "Saint-Éloi"),
        ("articles 21 à 79-III", "articles 21 à 79-III"),
        ("-12", "-12"),
        // Apostrophes.
        ("l'association", "l’association"),
        ("aujourd'hui", "aujourd’hui"),
        ("qu'il", "qu’il"),
        ("L'État", "L’État"),
        ("'quoted'", "'quoted'"),
        ("rock 'n' roll", "rock 'n' roll"),
        ("l' ", "l' "),
        // Whole sentences.
        (
            "Vu la loi n° 2000-321 du 12 avril 2000 ; vu l'arrêté du 11 octobre 2006 : ok !",
            "Vu la loi n°~2000‑321 du 12~avril~2000_; vu l’arrêté du 11~octobre~2006~: ok_!",
        ),
        (
            "une avance de 60 % de 489 500 €, soit 293 700 €.",
            "une avance de 60~% de 489_500~€, soit 293_700~€.",
        ),
    ];

    fn visible(s: &str) -> String {
        s.replace(NNBSP, "_").replace(NBSP, "~")
    }

    fn t(s: &str) -> String {
        visible(&apply_str(s, &TYPO))
    }

    /// The segments' output, spaces made visible and raised text as `^{…}`.
    fn segs(segments: &[Segment<'_>]) -> Vec<String> {
        render(&apply(segments, &TYPO))
    }

    fn render(out: &[Vec<Piece>]) -> Vec<String> {
        out.iter()
            .map(|pieces| {
                pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text(s) => visible(s),
                        Piece::Sup(s) => format!("^{{{s}}}"),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn plain_rules() {
        for &(input, want) in PLAIN {
            assert_eq!(t(input), want, "input {input:?}");
        }
    }

    #[test]
    fn spec_examples() {
        assert_eq!(t("60 %"), "60~%");
        assert_eq!(t("536 055 €"), "536_055~€");
        assert_eq!(t("n° 2000-321"), "n°~2000‑321");
        assert_eq!(t("1er janvier"), "1er~janvier");
        assert_eq!(
            t("ci-après dénommée « la Ville »"),
            "ci-après dénommée «_la Ville_»"
        );
        assert_eq!(
            segs(&[Segment::Text("Article 1er – Objet")]),
            ["Article 1^{er} – Objet"]
        );
    }

    #[test]
    fn straight_apostrophes_stay() {
        assert_eq!(apply_str("l'association", &STRAIGHT), "l'association");
        assert_eq!(apply_str("l’association", &STRAIGHT), "l’association");
        assert_eq!(
            visible(&apply_str("l'arrêté ; n° 12", &STRAIGHT)),
            "l'arrêté_; n°~12"
        );
        assert_eq!(Options::default().apostrophe, Apostrophe::Typographic);
    }

    #[test]
    fn ordinals_are_raised() {
        let cases: &[(&str, &[&str])] = &[
            ("Article 1er", &["Article 1^{er}"]),
            ("la 1re année", &["la 1^{re} année"]),
            ("les 1ers jours", &["les 1^{ers} jours"]),
            ("les 1res années", &["les 1^{res} années"]),
            ("le 2e alinéa", &["le 2^{e} alinéa"]),
            ("les 3es rencontres", &["les 3^{es} rencontres"]),
            ("le 2nd tour", &["le 2^{nd} tour"]),
            ("la 2nde phase", &["la 2^{nde} phase"]),
            ("le 21e siècle", &["le 21^{e} siècle"]),
            ("le XIXe siècle", &["le XIX^{e} siècle"]),
            ("la IIe République", &["la II^{e} République"]),
            ("la Ve République", &["la V^{e} République"]),
            ("Napoléon Ier", &["Napoléon I^{er}"]),
            ("(1er)", &["(1^{er})"]),
            ("1er janvier 2022", &["1^{er}~janvier~2022"]),
            ("1era", &["1era"]),
            ("2eme", &["2eme"]),
            ("2ex", &["2ex"]),
            ("1e", &["1e"]),
            ("2er", &["2er"]),
            ("3nd", &["3nd"]),
            ("0e", &["0e"]),
            ("A1er", &["A1er"]),
            ("1,5e", &["1,5e"]),
            ("2é", &["2é"]),
            ("Ce Le De Vie Ile Ive", &["Ce Le De Vie Ile Ive"]),
            ("VIE", &["VIE"]),
        ];
        for &(input, want) in cases {
            assert_eq!(segs(&[Segment::Text(input)]), want, "input {input:?}");
        }
        assert_eq!(apply_str("Article 1er", &TYPO), "Article 1er");
    }

    #[test]
    fn across_segments() {
        use Segment::{Opaque, Text};
        let cases: &[(&[Segment<'_>], &[&str])] = &[
            // ; ! ? after an opaque word, the space in another run.
            (
                &[Text("voir "), Opaque("code"), Text(" ;")],
                &["voir ", "code", "_;"],
            ),
            (
                &[Opaque("code"), Text("; la suite")],
                &["code", "_; la suite"],
            ),
            (&[Text("a"), Text(";")], &["a", "_;"]),
            (&[Text("Attention "), Text("!")], &["Attention_", "!"]),
            (&[Text("Attention  "), Text(" !")], &["Attention_", "!"]),
            (&[Text("a"), Opaque("b;c"), Text("d")], &["a", "b;c", "d"]),
            (&[Text("x"), Text(";"), Opaque("y")], &["x", ";", "y"]),
            // :
            (&[Text("la Ville"), Text(" : ")], &["la Ville", "~: "]),
            (&[Text("la Ville "), Text(": ")], &["la Ville~", ": "]),
            (&[Text("la Ville"), Text(": x")], &["la Ville", "~: x"]),
            (&[Text("10"), Text(":30")], &["10", ":30"]),
            // URL-like opaque next to : and ?
            (
                &[
                    Text("Site "),
                    Opaque("https://exemple.fr/a?b=c"),
                    Text(" : voir ?"),
                ],
                &["Site ", "https://exemple.fr/a?b=c", "~: voir_?"],
            ),
            (
                &[
                    Opaque("https://exemple.fr"),
                    Text(": voir"),
                    Opaque("http://x?"),
                    Text("?"),
                ],
                &["https://exemple.fr", "~: voir", "http://x?", "_?"],
            ),
            (&[Text("voir"), Opaque("http://a")], &["voir", "http://a"]),
            // « »
            (
                &[Text("« "), Text("la Ville"), Text(" »")],
                &["«_", "la Ville", "_»"],
            ),
            (&[Text("«"), Opaque("id"), Text("»")], &["«_", "id", "_»"]),
            (&[Text("« "), Opaque("id"), Text(" »")], &["«_", "id", "_»"]),
            (&[Text("«"), Text("»")], &["«_", "»"]),
            // n°
            (&[Text("n°"), Text(" 12")], &["n°", "~12"]),
            (&[Text("n"), Text("°12")], &["n", "°~12"]),
            (&[Text("n° "), Opaque("ABC-1")], &["n°~", "ABC-1"]),
            // Units and thousands.
            (&[Text("60"), Text(" %")], &["60", "~%"]),
            (&[Text("536 "), Text("055 €")], &["536_", "055~€"]),
            (&[Opaque("x"), Text(" 200 €")], &["x", " 200~€"]),
            (&[Text("60 "), Opaque("%")], &["60 ", "%"]),
            // Dates.
            (
                &[Text("le 1er"), Text(" janvier 2022")],
                &["le 1^{er}", "~janvier~2022"],
            ),
            (
                &[Text("le 1"), Text("er janvier")],
                &["le 1", "^{er}~janvier"],
            ),
            (
                &[Text("11 octobre "), Text("2006")],
                &["11~octobre~", "2006"],
            ),
            // Ordinals.
            (&[Text("XIX"), Text("e siècle")], &["XIX", "^{e} siècle"]),
            (&[Text("1"), Opaque("er")], &["1", "er"]),
            // Hyphens.
            (&[Text("2000"), Text("-321")], &["2000", "‑321"]),
            (&[Opaque("2000"), Text("-321")], &["2000", "-321"]),
            // Apostrophes.
            (&[Text("l'"), Text("association")], &["l’", "association"]),
            (&[Text("l'"), Opaque("EPCI")], &["l’", "EPCI"]),
            (&[Opaque("l'id"), Text("'x")], &["l'id", "'x"]),
            // An opaque segment's own edge spaces count as spaces: nothing
            // is glued to them.
            (
                &[Text("«"), Opaque(" x "), Text("»;")],
                &["«", " x ", "»_;"],
            ),
            (&[Text("Objet"), Opaque(" :")], &["Objet", " :"]),
            // Empty segments.
            (&[Text(""), Opaque(""), Text("a ;")], &["", "", "a_;"]),
        ];
        for &(input, want) in cases {
            assert_eq!(segs(input), want, "input {input:?}");
        }
    }

    #[test]
    fn opaque_segments_are_untouched() {
        let nasty = "a ; b : « c » 1er 2000-321 l'x n° 5 60 % 1 234";
        for segments in [
            vec![Segment::Opaque(nasty)],
            vec![
                Segment::Text("« "),
                Segment::Opaque(nasty),
                Segment::Text(" »"),
            ],
            vec![
                Segment::Opaque(nasty),
                Segment::Text(" ;"),
                Segment::Opaque(nasty),
            ],
        ] {
            let out = apply(&segments, &TYPO);
            assert_eq!(out.len(), segments.len());
            for (seg, pieces) in segments.iter().zip(&out) {
                if let Segment::Opaque(s) = seg {
                    assert_eq!(pieces, &[Piece::Text((*s).to_owned())]);
                }
            }
        }
        assert_eq!(
            apply(&[Segment::Opaque("")], &TYPO),
            [[Piece::Text(String::new())]]
        );
    }

    /// All segment inputs of the tests above, for the invariant tests.
    fn segment_cases() -> Vec<Vec<Segment<'static>>> {
        use Segment::{Opaque, Text};
        let mut cases: Vec<Vec<Segment<'static>>> =
            plain_cases().into_iter().map(|s| vec![Text(s)]).collect();
        cases.extend([
            vec![Text("voir "), Opaque("code"), Text(" ;")],
            vec![Text("la Ville"), Text(" : ")],
            vec![Text("«"), Opaque("id"), Text("»")],
            vec![Text("«"), Text("»")],
            vec![Text("le 1"), Text("er janvier 2022")],
            vec![
                Opaque("https://exemple.fr"),
                Text(": voir"),
                Opaque("http://x?"),
                Text("?"),
            ],
            vec![Text("n"), Text("°12")],
            vec![Text("536 "), Text("055 €")],
            vec![Text("l'"), Opaque("EPCI"), Text("'s ; « ok »!")],
            vec![Text("Attention  "), Text(" !")],
        ]);
        cases
    }

    /// The output read back as text, one string per segment.
    fn reread(out: &[Vec<Piece>]) -> Vec<String> {
        out.iter()
            .map(|pieces| pieces.iter().map(Piece::as_str).collect())
            .collect()
    }

    #[test]
    fn idempotent() {
        for options in [TYPO, STRAIGHT] {
            for segments in segment_cases() {
                let once = apply(&segments, &options);
                let texts = reread(&once);
                let again: Vec<Segment<'_>> = segments
                    .iter()
                    .zip(&texts)
                    .map(|(seg, text)| match seg {
                        Segment::Text(_) => Segment::Text(text),
                        Segment::Opaque(s) => Segment::Opaque(s),
                    })
                    .collect();
                let twice = apply(&again, &options);
                assert_eq!(render(&once), render(&twice), "input {segments:?}");
            }
        }
    }

    #[test]
    fn invariants() {
        let is_space = |c: char| c == ' ' || c == NBSP || c == NNBSP;
        for segments in segment_cases() {
            let input: String = segments
                .iter()
                .map(|s| match s {
                    Segment::Text(t) | Segment::Opaque(t) => *t,
                })
                .collect();
            let output: String = apply(&segments, &TYPO)
                .iter()
                .flatten()
                .map(Piece::as_str)
                .collect();
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            assert_eq!(digits(&input), digits(&output), "digits of {input:?}");
            let doubles = |s: &str| {
                s.chars()
                    .zip(s.chars().skip(1))
                    .filter(|&(a, b)| is_space(a) && is_space(b))
                    .count()
            };
            assert!(
                doubles(&output) <= doubles(&input),
                "{input:?} -> {output:?} has a new double space"
            );
            // No space inside a number: figures are only ever separated by
            // the spaces that were there.
            let gaps = |s: &str| {
                let chars: Vec<char> = s.chars().collect();
                chars
                    .windows(2)
                    .filter(|w| w[0].is_ascii_digit() && w[1].is_ascii_digit())
                    .count()
            };
            assert_eq!(gaps(&input), gaps(&output), "{input:?} -> {output:?}");
        }
    }

    #[test]
    fn a_megabyte_is_linear() {
        let sentence = "Vu la loi n° 2000-321 du 12 avril 2000 ; l'association « la Ville » : 536 055 € (60 %) le 1er janvier 2022, XIXe siècle ! ";
        let mut big = String::new();
        while big.len() < 1 << 20 {
            big.push_str(sentence);
        }
        let inputs = [
            big,
            "1".repeat(1 << 20),
            " ".repeat(1 << 20),
            "a".repeat(1 << 20),
            "1 ".repeat(1 << 19),
            "'".repeat(1 << 20),
            "«".repeat(1 << 19),
            format!("{} %", "1".repeat(1 << 20)),
            "1-".repeat(1 << 19),
            "I".repeat(1 << 20),
        ];
        for input in &inputs {
            let started = Instant::now();
            let out = apply_str(input, &TYPO);
            assert!(out.len() >= input.len());
            // Unoptimised test builds do this in well under a second; a
            // quadratic pass would take hours.
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{:?} took {:?}",
                &input[..20],
                started.elapsed()
            );
        }
    }
}
