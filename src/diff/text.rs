//! Text differences people can read: word-level changes merged into runs,
//! and paragraphs that moved from one article (or section) to another.
//!
//! A raw word diff of a reworded sentence alternates deletions and
//! insertions word by word; readers want "this phrase became that one".
//! So adjacent changes are merged into runs, and a short unchanged word
//! caught between two changes is absorbed into them.
//!
//! Moves: a paragraph deleted from one text and inserted into another with
//! similar words (a ratio of at least [`MOVE_SIMILARITY`]) is one move, with
//! its own word changes, not a deletion plus an insertion.
//!
//! Why it stays near-linear: a centre may have 50 000 sections, a base
//! hundreds of articles. Texts that did not change are never split; the
//! deleted and inserted paragraphs are paired through an index of their
//! rarest words (prefix filtering: two paragraphs whose word bags are
//! [`MOVE_SIMILARITY`]-similar must share one of the rarest words of each,
//! so only paragraphs that do are compared); each candidate is first
//! bounded by the overlap of its word bags (an upper bound of the diff
//! ratio, cheap), and only the best few per paragraph get a word diff,
//! which has a deadline. Every diff of a long text has a deadline too, so a huge paragraph
//! degrades to a coarser diff instead of hanging.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffTag};

/// Word similarity from which a deleted and an inserted paragraph of two
/// different texts are taken for the same paragraph, moved.
pub const MOVE_SIMILARITY: f32 = 0.6;

/// The longest one word diff may take before it settles for a coarser
/// result (a huge paragraph rewritten at once).
const DIFF_DEADLINE: Duration = Duration::from_millis(200);

/// Texts shorter than this many bytes are diffed without a deadline: the
/// diff of a few thousand tokens is quick whatever they say, and reading
/// the clock costs more than it saves.
const DEADLINE_FROM_BYTES: usize = 8 * 1024;

/// A deadline for a diff of texts of `bytes` bytes (about).
fn deadline_for(bytes: usize) -> Option<Instant> {
    (bytes >= DEADLINE_FROM_BYTES).then(|| Instant::now() + DIFF_DEADLINE)
}

/// How many candidates of one deleted paragraph get a word diff, best
/// bounds first.
const CANDIDATES_PER_PARAGRAPH: usize = 4;

/// A word shared by more paragraphs than this is too common to pair them:
/// its postings are not followed (bounds the work on texts made of one
/// boilerplate sentence repeated).
const MAX_POSTINGS: usize = 256;

/// Below this share of common words, two versions of a line are a
/// rewrite, shown whole, not word by word.
const REWRITE_SIMILARITY: f32 = 0.5;

/// Lines of a changed stretch are aligned by similarity when there are
/// at most this many pairs of them; beyond, the stretch is diffed whole.
const MAX_LINE_PAIRS: usize = 400;

/// Above this many words, a paragraph's similarity is the overlap bound
/// itself, without a word diff.
const MAX_DIFF_WORDS: usize = 20_000;

/// One run of a text difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Run {
    Equal { text: String },
    Delete { text: String },
    Insert { text: String },
    Replace { from: String, to: String },
}

impl Run {
    pub fn is_change(&self) -> bool {
        !matches!(self, Run::Equal { .. })
    }
}

/// Whether a word diff has any change.
pub fn has_changes(runs: &[Run]) -> bool {
    runs.iter().any(Run::is_change)
}

/// Word-level difference of two texts, merged into readable runs.
pub fn word_runs(from: &str, to: &str) -> Vec<Run> {
    if from == to {
        return if from.is_empty() {
            Vec::new()
        } else {
            vec![Run::Equal {
                text: from.to_string(),
            }]
        };
    }
    // Raw segments: (tag, text), consecutive same tags joined. Lines
    // first, then words within the lines that differ: most of a long text
    // is equal lines, which cost one hash each.
    let mut raw: Vec<(ChangeTag, String)> = Vec::new();
    let deadline = deadline_for(from.len() + to.len());
    let old: Vec<&str> = from.split_inclusive('\n').collect();
    let new: Vec<&str> = to.split_inclusive('\n').collect();
    // Lines are the same with or without their line break (the last line
    // of a text that grew has one).
    let ops = similar::capture_diff_slices_by_key_deadline(
        Algorithm::Patience,
        &old,
        &new,
        |l| l.trim_end_matches('\n'),
        deadline,
    );
    let (mut hunk_old, mut hunk_new) = (String::new(), String::new());
    for op in &ops {
        if op.tag() == DiffTag::Equal {
            word_segments(&hunk_old, &hunk_new, deadline, &mut raw);
            hunk_old.clear();
            hunk_new.clear();
            for (a, b) in old[op.old_range()].iter().zip(&new[op.new_range()]) {
                let line = a.trim_end_matches('\n');
                push_segment(&mut raw, ChangeTag::Equal, line);
                let (ra, rb) = (&a[line.len()..], &b[line.len()..]);
                if ra == rb {
                    push_segment(&mut raw, ChangeTag::Equal, ra);
                } else {
                    push_segment(&mut raw, ChangeTag::Delete, ra);
                    push_segment(&mut raw, ChangeTag::Insert, rb);
                }
            }
        } else {
            hunk_old.push_str(&old[op.old_range()].concat());
            hunk_new.push_str(&new[op.new_range()].concat());
        }
    }
    word_segments(&hunk_old, &hunk_new, deadline, &mut raw);
    // Absorb short equal stretches (a space, one short word) between changes.
    let mut runs: Vec<Run> = Vec::new();
    let mut pending: Option<(String, String)> = None;
    for (i, (tag, text)) in raw.iter().enumerate() {
        match tag {
            ChangeTag::Delete => pending.get_or_insert_default().0.push_str(text),
            ChangeTag::Insert => pending.get_or_insert_default().1.push_str(text),
            ChangeTag::Equal => {
                let short = text.split_whitespace().count() <= 1 && text.chars().count() <= 12;
                match pending.as_mut() {
                    Some(p) if short && i + 1 < raw.len() => {
                        p.0.push_str(text);
                        p.1.push_str(text);
                    }
                    _ => {
                        if let Some(p) = pending.take() {
                            runs.push(change_run(p));
                        }
                        runs.push(Run::Equal { text: text.clone() });
                    }
                }
            }
        }
    }
    if let Some(p) = pending.take() {
        runs.push(change_run(p));
    }
    runs
}

fn push_segment(raw: &mut Vec<(ChangeTag, String)>, tag: ChangeTag, text: &str) {
    if text.is_empty() {
        return;
    }
    match raw.last_mut() {
        Some((t, s)) if *t == tag => s.push_str(text),
        _ => raw.push((tag, text.to_string())),
    }
}

/// The word diff of two stretches of text (lines that differ), as raw
/// segments. Lines are paired in order with their most similar
/// counterpart (sharing at least [`REWRITE_SIMILARITY`] of their words);
/// a line left without one was deleted or inserted whole.
fn word_segments(
    from: &str,
    to: &str,
    deadline: Option<Instant>,
    raw: &mut Vec<(ChangeTag, String)>,
) {
    let old: Vec<&str> = from.split_inclusive('\n').collect();
    let new: Vec<&str> = to.split_inclusive('\n').collect();
    if old.is_empty() || new.is_empty() {
        push_segment(raw, ChangeTag::Delete, from);
        push_segment(raw, ChangeTag::Insert, to);
        return;
    }
    if old.len() == new.len() {
        for (a, b) in old.iter().zip(&new) {
            word_segments_of(a, b, deadline, raw);
        }
        return;
    }
    if old.len() * new.len() > MAX_LINE_PAIRS {
        return word_segments_of(from, to, deadline, raw);
    }
    // The longest chain of similar pairs, in order (a small LCS whose
    // matches are « similar enough »).
    let (ow, nw): (Vec<Vec<&str>>, Vec<Vec<&str>>) = (
        old.iter().map(|l| l.split_whitespace().collect()).collect(),
        new.iter().map(|l| l.split_whitespace().collect()).collect(),
    );
    let similar = |i: usize, j: usize| {
        !ow[i].is_empty() && !nw[j].is_empty() && bag_overlap(&ow[i], &nw[j]) >= REWRITE_SIMILARITY
    };
    let (n, m) = (old.len(), new.len());
    let mut best = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            best[i][j] = if similar(i, j) {
                best[i + 1][j + 1] + 1
            } else {
                best[i + 1][j].max(best[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if similar(i, j) && best[i][j] == best[i + 1][j + 1] + 1 {
            word_segments_of(old[i], new[j], deadline, raw);
            i += 1;
            j += 1;
        } else if best[i + 1][j] >= best[i][j + 1] {
            push_segment(raw, ChangeTag::Delete, old[i]);
            i += 1;
        } else {
            push_segment(raw, ChangeTag::Insert, new[j]);
            j += 1;
        }
    }
    for l in &old[i..] {
        push_segment(raw, ChangeTag::Delete, l);
    }
    for l in &new[j..] {
        push_segment(raw, ChangeTag::Insert, l);
    }
}

/// Two versions of a line: sentences first (an unchanged sentence costs
/// one hash), then words within the sentences that differ, paired when
/// both sides have as many.
fn word_segments_of(
    from: &str,
    to: &str,
    deadline: Option<Instant>,
    raw: &mut Vec<(ChangeTag, String)>,
) {
    if from == to {
        push_segment(raw, ChangeTag::Equal, from);
        return;
    }
    let old = sentences(from);
    let new = sentences(to);
    if old.len() <= 1 && new.len() <= 1 {
        return words_of(from, to, deadline, raw);
    }
    let ops = similar::capture_diff_slices_deadline(Algorithm::Patience, &old, &new, deadline);
    for op in ops {
        let (a, b) = (&old[op.old_range()], &new[op.new_range()]);
        if op.tag() == DiffTag::Equal {
            push_segment(raw, ChangeTag::Equal, &a.concat());
        } else if a.len() == b.len() {
            for (x, y) in a.iter().zip(b) {
                words_of(x, y, deadline, raw);
            }
        } else {
            words_of(&a.concat(), &b.concat(), deadline, raw);
        }
    }
}

/// The sentences of a line, each with its final sign and the spaces
/// after it.
fn sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b';' | b'!' | b'?') && bytes.get(i + 1).is_some_and(|n| *n == b' ') {
            let mut end = i + 1;
            while bytes.get(end) == Some(&b' ') {
                end += 1;
            }
            out.push(&line[start..end]);
            start = end;
        }
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

/// The word diff of two stretches of text; a rewrite (see
/// [`REWRITE_SIMILARITY`]) is one deletion and one insertion.
fn words_of(from: &str, to: &str, deadline: Option<Instant>, raw: &mut Vec<(ChangeTag, String)>) {
    if from == to {
        push_segment(raw, ChangeTag::Equal, from);
        return;
    }
    let a = tokens(from);
    let b = tokens(to);
    fn words<'t>(t: &[&'t str]) -> Vec<&'t str> {
        t.iter().copied().filter(|w| !w.trim().is_empty()).collect()
    }
    let (wa, wb) = (words(&a), words(&b));
    if from.is_empty()
        || to.is_empty()
        || (wa.len() + wb.len() > 16 && bag_overlap(&wa, &wb) < REWRITE_SIMILARITY)
    {
        push_segment(raw, ChangeTag::Delete, from);
        push_segment(raw, ChangeTag::Insert, to);
        return;
    }
    // Words: Myers (as git's word diff); its edit script of prose is as
    // readable as patience's and needs no hashing.
    for op in similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, deadline) {
        if op.tag() == DiffTag::Equal {
            push_segment(raw, ChangeTag::Equal, &a[op.old_range()].concat());
        } else {
            push_segment(raw, ChangeTag::Delete, &a[op.old_range()].concat());
            push_segment(raw, ChangeTag::Insert, &b[op.new_range()].concat());
        }
    }
}

/// Words (letters and digits, with the apostrophes inside them), runs of
/// spaces, and each other character alone: « centre], » is a word and two
/// signs, so a comma that goes does not take its word with it.
fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Other,
    }
    let class = |c: char| {
        if c.is_alphanumeric() {
            Class::Word
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Other
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<Class> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut k = class(c);
        // An apostrophe between letters belongs to the word (« l’action »).
        if matches!(c, '\'' | '’')
            && current == Some(Class::Word)
            && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric())
        {
            k = Class::Word;
        }
        let joins = current == Some(k) && k != Class::Other;
        if !joins {
            if i > start {
                out.push(&text[start..i]);
            }
            start = i;
        }
        current = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn change_run((from, to): (String, String)) -> Run {
    match (from.is_empty(), to.is_empty()) {
        (false, false) => Run::Replace { from, to },
        (false, true) => Run::Delete { text: from },
        (true, _) => Run::Insert { text: to },
    }
}

/// Similarity of two texts by words (0 to 1): the share of words a word
/// diff keeps (`2 × kept / (words of a + words of b)`), whitespace aside.
pub fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    word_ratio(&a, &b)
}

fn word_ratio(a: &[&str], b: &[&str]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.len().max(b.len()) > MAX_DIFF_WORDS {
        return bag_overlap(a, b);
    }
    let ops = similar::capture_diff_slices_deadline(
        Algorithm::Myers,
        a,
        b,
        deadline_for(4 * (a.len() + b.len())),
    );
    similar::diff_ratio(&ops, a.len(), b.len())
}

/// `2 × |a ∩ b| / (|a| + |b|)` of the two bags of words: no word diff can
/// keep more words than the bags share, so this bounds [`word_ratio`].
fn bag_overlap(a: &[&str], b: &[&str]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    // Sorted and merged: no hashing, and short bags are the common case.
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * shared) as f32 / (a.len() + b.len()) as f32
}

/// Paragraphs of a Markdown text: blocks separated by blank lines, trimmed.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                out.push(current.trim().to_string());
            }
            current.clear();
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// A paragraph that left one text for another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// Id of the article or section it left.
    pub from: String,
    /// Id of the article or section it joined.
    pub to: String,
    pub from_text: String,
    pub to_text: String,
    /// Its own word changes.
    pub changes: Vec<Run>,
}

/// One text on each side, by id (an article, a section).
pub struct Texts<'a> {
    pub id: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// A deleted or inserted paragraph: which text, which paragraph of it.
struct Para<'a> {
    text: usize,
    index: usize,
    words: Vec<&'a str>,
    /// Its words as ids, rarest first (ties by id), repeats kept.
    sorted: Vec<u32>,
    taken: bool,
}

impl Para<'_> {
    /// How many of its rarest words any [`MOVE_SIMILARITY`]-similar
    /// paragraph must share one of: with `o ≥ t / (2 − t) × n` words in
    /// common (from `2o / (n + m) ≥ t` and `m ≥ o`), the first shared word
    /// in the global order lies within the first `n − o + 1`.
    fn prefix(&self) -> &[u32] {
        let n = self.sorted.len();
        let t = f64::from(MOVE_SIMILARITY);
        let overlap = ((t / (2.0 - t)) * n as f64).ceil() as usize;
        let len = (n + 1).saturating_sub(overlap.max(1)).min(n);
        &self.sorted[..len]
    }
}

/// For each text, the paragraphs deleted and inserted, and the moves
/// found among them across texts. Returns the moves and, per text, the
/// bodies with moved paragraphs taken out (to diff what is left).
pub fn find_moves(texts: &[Texts<'_>]) -> (Vec<Move>, Vec<(String, String)>) {
    let mut split: Vec<Option<(Vec<String>, Vec<String>)>> = Vec::with_capacity(texts.len());
    // (text, paragraph index) of each deleted / inserted paragraph.
    let mut deleted_at: Vec<(usize, usize)> = Vec::new();
    let mut inserted_at: Vec<(usize, usize)> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        // An unchanged text has nothing to give or receive.
        if t.from == t.to {
            split.push(None);
            continue;
        }
        let from = t.from.map(paragraphs).unwrap_or_default();
        let to = t.to.map(paragraphs).unwrap_or_default();
        let ops = similar::capture_diff_slices_deadline(
            Algorithm::Patience,
            &from,
            &to,
            deadline_for(64 * (from.len() + to.len())),
        );
        for op in ops.iter().filter(|op| op.tag() != DiffTag::Equal) {
            // A paragraph replaced in place by one sharing most of its
            // words was edited, not moved: neither is offered to other
            // texts (the bag overlap, an upper bound of the similarity,
            // is enough to keep it home).
            let edited: Vec<(usize, usize)> = op
                .old_range()
                .zip(op.new_range())
                .filter(|&(o, n)| {
                    let a: Vec<&str> = from[o].split_whitespace().collect();
                    let b: Vec<&str> = to[n].split_whitespace().collect();
                    bag_overlap(&a, &b) >= MOVE_SIMILARITY
                })
                .collect();
            deleted_at.extend(
                op.old_range()
                    .filter(|o| !edited.iter().any(|e| e.0 == *o))
                    .map(|p| (i, p)),
            );
            inserted_at.extend(
                op.new_range()
                    .filter(|n| !edited.iter().any(|e| e.1 == *n))
                    .map(|p| (i, p)),
            );
        }
        split.push(Some((from, to)));
    }

    let mut moves = Vec::new();
    let mut taken_from: Vec<(usize, usize)> = Vec::new();
    let mut taken_to: Vec<(usize, usize)> = Vec::new();
    if !deleted_at.is_empty() && !inserted_at.is_empty() {
        let para = |side: usize, (text, index): (usize, usize)| -> Para<'_> {
            let (from, to) = split[text].as_ref().expect("a changed text is split");
            let body = if side == 0 { &from[index] } else { &to[index] };
            Para {
                text,
                index,
                words: body.split_whitespace().collect(),
                sorted: Vec::new(),
                taken: false,
            }
        };
        let mut deleted: Vec<Para<'_>> = deleted_at.iter().map(|&at| para(0, at)).collect();
        let mut inserted: Vec<Para<'_>> = inserted_at.iter().map(|&at| para(1, at)).collect();
        rank_words(&mut deleted, &mut inserted);

        // The index: each inserted paragraph under the words of its prefix.
        let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
        for (n, p) in inserted.iter().enumerate() {
            let mut prefix = p.prefix().to_vec();
            prefix.dedup();
            for w in prefix {
                postings.entry(w).or_default().push(n);
            }
        }
        // Candidates: inserted paragraphs of another text sharing a prefix
        // word; bounded by their bags, the best few get a word diff.
        let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
        let mut seen: Vec<usize> = vec![usize::MAX; inserted.len()];
        for (d, dp) in deleted.iter().enumerate() {
            let mut bounded: Vec<(f32, usize)> = Vec::new();
            let mut prefix = dp.prefix().to_vec();
            prefix.dedup();
            for w in prefix {
                let Some(list) = postings.get(&w) else {
                    continue;
                };
                if list.len() > MAX_POSTINGS {
                    continue;
                }
                for &n in list {
                    if seen[n] == d || inserted[n].text == dp.text {
                        continue;
                    }
                    seen[n] = d;
                    let bound = sorted_overlap(&dp.sorted, &inserted[n].sorted);
                    if bound >= MOVE_SIMILARITY {
                        bounded.push((bound, n));
                    }
                }
            }
            bounded.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            // The bound is an upper bound of the ratio: once a candidate's
            // bound is below the best ratio found, no later one can beat it.
            let mut best = 0.0f32;
            for &(bound, n) in bounded.iter().take(CANDIDATES_PER_PARAGRAPH) {
                if bound < best {
                    break;
                }
                let s = word_ratio(&dp.words, &inserted[n].words);
                if s >= MOVE_SIMILARITY {
                    pairs.push((s, d, n));
                    best = best.max(s);
                }
            }
        }
        // Best pairs first; ties in reading order, so the result is stable.
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        for (_, d, n) in pairs {
            if deleted[d].taken || inserted[n].taken {
                continue;
            }
            deleted[d].taken = true;
            inserted[n].taken = true;
            let (dt, di) = (deleted[d].text, deleted[d].index);
            let (nt, ni) = (inserted[n].text, inserted[n].index);
            taken_from.push((dt, di));
            taken_to.push((nt, ni));
            let from_text = &split[dt].as_ref().expect("split").0[di];
            let to_text = &split[nt].as_ref().expect("split").1[ni];
            moves.push(Move {
                from: texts[dt].id.to_string(),
                to: texts[nt].id.to_string(),
                from_text: from_text.clone(),
                to_text: to_text.clone(),
                changes: word_runs(from_text, to_text),
            });
        }
    }

    // Bodies without the moved paragraphs.
    taken_from.sort_unstable();
    taken_to.sort_unstable();
    let remaining = split
        .into_iter()
        .enumerate()
        .map(|(i, parts)| match parts {
            None => {
                let same = texts[i].from.unwrap_or_default().to_string();
                (same.clone(), same)
            }
            Some((from, to)) => {
                let keep = |paras: Vec<String>, taken: &[(usize, usize)]| {
                    paras
                        .into_iter()
                        .enumerate()
                        .filter(|(p, _)| taken.binary_search(&(i, *p)).is_err())
                        .map(|(_, text)| text)
                        .collect::<Vec<_>>()
                        .join("\n\n")
                };
                (keep(from, &taken_from), keep(to, &taken_to))
            }
        })
        .collect();
    moves.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    (moves, remaining)
}

/// Give every word of the paragraphs an id, rarer words first, and sort
/// each paragraph's words by it.
fn rank_words<'a>(deleted: &mut [Para<'a>], inserted: &mut [Para<'a>]) {
    let mut freq: HashMap<&str, u32> = HashMap::new();
    for p in deleted.iter().chain(inserted.iter()) {
        for w in &p.words {
            *freq.entry(w).or_default() += 1;
        }
    }
    let mut words: Vec<(&str, u32)> = freq.into_iter().collect();
    words.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let ids: HashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (*w, i as u32))
        .collect();
    for p in deleted.iter_mut().chain(inserted.iter_mut()) {
        p.sorted = p.words.iter().map(|w| ids[w]).collect();
        p.sorted.sort_unstable();
    }
}

/// [`bag_overlap`] of two sorted bags of word ids, by merging them.
fn sorted_overlap(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * shared) as f32 / (a.len() + b.len()) as f32
}

/// Positions of matched items that are out of order: the complement of a
/// longest increasing subsequence of their old positions, taken in new
/// order. Those items "moved"; the others only shifted. O(n log n); among
/// the longest subsequences, the one that keeps the earliest items (an
/// article swapped with the next one: the second is said to move).
pub fn moved_items(old_positions_in_new_order: &[usize]) -> Vec<bool> {
    let a = old_positions_in_new_order;
    let n = a.len();
    // longest[i]: length of the longest increasing subsequence starting at
    // i, by patience sorting from the right (decreasing values, as seen
    // from there).
    let mut tails: Vec<std::cmp::Reverse<usize>> = Vec::new();
    let mut longest = vec![0usize; n];
    for i in (0..n).rev() {
        let v = std::cmp::Reverse(a[i]);
        let k = tails.partition_point(|t| *t < v);
        if k == tails.len() {
            tails.push(v);
        } else {
            tails[k] = v;
        }
        longest[i] = k + 1;
    }
    // The earliest item that starts a longest one, then the earliest that
    // continues it, and so on.
    let mut moved = vec![true; n];
    let mut need = tails.len();
    let mut last: Option<usize> = None;
    for i in 0..n {
        if need > 0 && longest[i] == need && last.is_none_or(|l| a[i] > l) {
            moved[i] = false;
            last = Some(a[i]);
            need -= 1;
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_adjacent_changes() {
        let runs = word_runs(
            "Les financeurs contribuent au projet pour un montant.",
            "Les financeurs s'engagent à soutenir le projet pour un montant.",
        );
        assert_eq!(
            runs,
            vec![
                Run::Equal {
                    text: "Les financeurs ".into()
                },
                Run::Replace {
                    from: "contribuent au".into(),
                    to: "s'engagent à soutenir le".into()
                },
                Run::Equal {
                    text: " projet pour un montant.".into()
                },
            ]
        );
        assert_eq!(
            word_runs("a b", "a b"),
            vec![Run::Equal { text: "a b".into() }]
        );
        assert_eq!(
            word_runs("a b", "a b c"),
            vec![
                Run::Equal { text: "a b".into() },
                Run::Insert { text: " c".into() }
            ]
        );
    }

    /// Each side of the runs is that side's text, whatever was merged,
    /// absorbed or shown whole.
    #[test]
    fn runs_give_back_both_texts() {
        let cases = [
            ("a b", "a b c"),
            ("Un.", "Un.\n\nDeux."),
            ("Un.\n\nDeux.", "Un."),
            (
                "Le quartier compte 3 000 habitants.\n- un\n- deux",
                "Le quartier compte 3 200 habitants.\n- un\n- trois\n",
            ),
            (
                "Les financeurs contribuent au projet pour un montant.",
                "Une phrase sans aucun rapport avec la précédente, écrite de nouveau de bout en bout.",
            ),
            ("", "Nouveau."),
            ("Ancien.", ""),
        ];
        for (from, to) in cases {
            let runs = word_runs(from, to);
            let side = |old: bool| {
                runs.iter()
                    .map(|r| match r {
                        Run::Equal { text } => text.as_str(),
                        Run::Delete { text } => {
                            if old {
                                text
                            } else {
                                ""
                            }
                        }
                        Run::Insert { text } => {
                            if old {
                                ""
                            } else {
                                text
                            }
                        }
                        Run::Replace { from, to } => {
                            if old {
                                from
                            } else {
                                to
                            }
                        }
                    })
                    .collect::<String>()
            };
            assert_eq!(side(true), from, "{runs:?}");
            assert_eq!(side(false), to, "{runs:?}");
        }
    }

    #[test]
    fn words_and_signs_are_tokens() {
        assert_eq!(
            tokens("[nom du centre], l’action  co-construite"),
            [
                "[",
                "nom",
                " ",
                "du",
                " ",
                "centre",
                "]",
                ",",
                " ",
                "l’action",
                "  ",
                "co",
                "-",
                "construite"
            ]
        );
        // A comma that goes does not take its word with it.
        assert_eq!(
            word_runs("le centre, au service", "le centre au service"),
            vec![
                Run::Equal {
                    text: "le centre".into()
                },
                Run::Delete { text: ",".into() },
                Run::Equal {
                    text: " au service".into()
                },
            ]
        );
    }

    #[test]
    fn a_moved_and_edited_paragraph_is_one_move() {
        let texts = [
            Texts {
                id: "versement",
                from: Some(
                    "Une avance est versée.\n\nLe solde de la contribution de chaque année est versé après la production du compte rendu financier.",
                ),
                to: Some("Une avance est versée."),
            },
            Texts {
                id: "justificatifs",
                from: Some("Le compte rendu est transmis."),
                to: Some(
                    "Le compte rendu est transmis.\n\nLe solde de la contribution annuelle est versé après la production du compte rendu financier.",
                ),
            },
        ];
        let (moves, remaining) = find_moves(&texts);
        assert_eq!(moves.len(), 1);
        assert_eq!(
            (moves[0].from.as_str(), moves[0].to.as_str()),
            ("versement", "justificatifs")
        );
        assert!(has_changes(&moves[0].changes));
        assert_eq!(
            remaining[0],
            (
                "Une avance est versée.".into(),
                "Une avance est versée.".into()
            )
        );
        assert_eq!(remaining[1].0, remaining[1].1);
    }

    #[test]
    fn lis_finds_the_moved_item() {
        // Old order a b c d e; new order a b e c d: e moved.
        assert_eq!(
            moved_items(&[0, 1, 4, 2, 3]),
            [false, false, true, false, false]
        );
        assert_eq!(moved_items(&[0, 1, 2]), [false, false, false]);
        // Two neighbours swapped: the second one moved.
        assert_eq!(moved_items(&[0, 2, 1, 3]), [false, false, true, false]);
        assert_eq!(moved_items(&[]), Vec::<bool>::new());
        // Reversed: everything but the first moved.
        assert_eq!(moved_items(&[2, 1, 0]), [false, true, true]);
    }
}
