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

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};

/// Word similarity from which a deleted and an inserted paragraph of two
/// different texts are taken for the same paragraph, moved.
pub const MOVE_SIMILARITY: f32 = 0.6;

/// How many (deleted, inserted) paragraph pairs are compared word by word
/// in search of moves; beyond, only paragraphs moved unchanged are found.
const MAX_MOVE_PAIRS: usize = 20_000;

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
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(from, to);
    // Raw segments: (tag, text), consecutive same tags joined.
    let mut raw: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        match raw.last_mut() {
            Some((t, text)) if *t == tag => text.push_str(change.value()),
            _ => raw.push((tag, change.value().to_string())),
        }
    }
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

fn change_run((from, to): (String, String)) -> Run {
    match (from.is_empty(), to.is_empty()) {
        (false, false) => Run::Replace { from, to },
        (false, true) => Run::Delete { text: from },
        (true, _) => Run::Insert { text: to },
    }
}

/// Similarity of two texts by words (0 to 1).
pub fn similarity(a: &str, b: &str) -> f32 {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(a, b)
        .ratio()
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

/// For each text, the paragraphs deleted and inserted, and the moves
/// found among them across texts. Returns the moves and, per text, the
/// bodies with moved paragraphs taken out (to diff what is left).
pub fn find_moves(texts: &[Texts<'_>]) -> (Vec<Move>, Vec<(String, String)>) {
    struct Para {
        text_index: usize,
        para: String,
        taken: bool,
    }
    let mut deleted: Vec<Para> = Vec::new();
    let mut inserted: Vec<Para> = Vec::new();
    let mut split: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let from = t.from.map(paragraphs).unwrap_or_default();
        let to = t.to.map(paragraphs).unwrap_or_default();
        let ops = similar::capture_diff_slices(Algorithm::Patience, &from, &to);
        for op in ops {
            for idx in op.old_range() {
                if !matches!(op.tag(), similar::DiffTag::Equal) {
                    deleted.push(Para {
                        text_index: i,
                        para: from[idx].clone(),
                        taken: false,
                    });
                }
            }
            for idx in op.new_range() {
                if !matches!(op.tag(), similar::DiffTag::Equal) {
                    inserted.push(Para {
                        text_index: i,
                        para: to[idx].clone(),
                        taken: false,
                    });
                }
            }
        }
        split.push((from, to));
    }
    // Pair each deleted paragraph with the most similar inserted one of
    // another text, best pairs first. Comparing every pair is quadratic:
    // past MAX_MOVE_PAIRS (a text rewritten wholesale, thousands of
    // sections), only paragraphs moved unchanged are found, through a map,
    // a few candidates each.
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    if deleted.len().saturating_mul(inserted.len()) <= MAX_MOVE_PAIRS {
        for (d, dp) in deleted.iter().enumerate() {
            for (n, np) in inserted.iter().enumerate() {
                if dp.text_index == np.text_index {
                    continue;
                }
                let s = similarity(&dp.para, &np.para);
                if s >= MOVE_SIMILARITY {
                    candidates.push((s, d, n));
                }
            }
        }
    } else {
        let mut same_text: HashMap<&str, Vec<usize>> = HashMap::new();
        for (n, np) in inserted.iter().enumerate() {
            same_text.entry(np.para.as_str()).or_default().push(n);
        }
        for (d, dp) in deleted.iter().enumerate() {
            let others = same_text
                .get(dp.para.as_str())
                .into_iter()
                .flatten()
                .filter(|&&n| inserted[n].text_index != dp.text_index)
                .take(4);
            candidates.extend(others.map(|&n| (1.0, d, n)));
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut moves = Vec::new();
    for (_, d, n) in candidates {
        if deleted[d].taken || inserted[n].taken {
            continue;
        }
        deleted[d].taken = true;
        inserted[n].taken = true;
        moves.push(Move {
            from: texts[deleted[d].text_index].id.to_string(),
            to: texts[inserted[n].text_index].id.to_string(),
            from_text: deleted[d].para.clone(),
            to_text: inserted[n].para.clone(),
            changes: word_runs(&deleted[d].para, &inserted[n].para),
        });
    }
    // Bodies without the moved paragraphs.
    fn taken(list: &[Para]) -> HashSet<(usize, &str)> {
        list.iter()
            .filter(|x| x.taken)
            .map(|x| (x.text_index, x.para.as_str()))
            .collect()
    }
    let (taken_deleted, taken_inserted) = (taken(&deleted), taken(&inserted));
    let remaining = split
        .into_iter()
        .enumerate()
        .map(|(i, (from, to))| {
            let keep = |paras: Vec<String>, taken: &HashSet<(usize, &str)>| {
                paras
                    .into_iter()
                    .filter(|p| !taken.contains(&(i, p.as_str())))
                    .collect::<Vec<_>>()
                    .join("\n\n")
            };
            (keep(from, &taken_deleted), keep(to, &taken_inserted))
        })
        .collect();
    moves.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    (moves, remaining)
}

/// Positions of matched items that are out of order: the complement of a
/// longest increasing subsequence of their old positions, taken in new
/// order. Those items "moved"; the others only shifted.
pub fn moved_items(old_positions_in_new_order: &[usize]) -> Vec<bool> {
    let n = old_positions_in_new_order.len();
    let a = old_positions_in_new_order;
    if n > QUADRATIC_ITEMS {
        return moved_items_many(a);
    }
    // O(n²) LIS: a convention has tens of articles.
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if a[j] < a[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut moved = vec![true; n];
    if let Some(mut i) = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) {
        loop {
            moved[i] = false;
            if prev[i] == usize::MAX {
                break;
            }
            i = prev[i];
        }
    }
    moved
}

/// Up to how many items [`moved_items`] runs its quadratic search.
const QUADRATIC_ITEMS: usize = 2_000;

/// [`moved_items`] for thousands of items (a hostile base.md): a longest
/// increasing subsequence in O(n log n) (patience sorting); where several
/// exist, it may keep another one than the quadratic search.
fn moved_items_many(a: &[usize]) -> Vec<bool> {
    let n = a.len();
    let mut prev = vec![usize::MAX; n];
    // tails[k]: the item ending the best increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    for i in 0..n {
        let k = tails.partition_point(|&t| a[t] < a[i]);
        if k > 0 {
            prev[i] = tails[k - 1];
        }
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut moved = vec![true; n];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        moved[i] = false;
        at = (prev[i] != usize::MAX).then_some(prev[i]);
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_items_of_many_is_an_increasing_run() {
        let mut a: Vec<usize> = (0..10_000).collect();
        a.swap(10, 9_000);
        let moved = moved_items(&a);
        assert_eq!(moved.iter().filter(|m| **m).count(), 2);
        let kept: Vec<usize> = a
            .iter()
            .zip(&moved)
            .filter(|(_, m)| !**m)
            .map(|(x, _)| *x)
            .collect();
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            moved_items_many(&[0, 1, 4, 2, 3]),
            [false, false, true, false, false]
        );
    }

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
    }
}
