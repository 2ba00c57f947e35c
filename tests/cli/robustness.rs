//! Bad input never panics: random damage to an example repository (lines
//! dropped, duplicated or swapped, characters replaced, bytes made invalid)
//! always gives an exit code of 0, 1 or 2 and a message, never a crash.

use crate::harness::Repo;

/// Deterministic xorshift, so a failure is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FILES: &[&str] = &[
    "cpo.toml",
    "periods/2022-2025/base.toml",
    "periods/2022-2025/base.md",
    "periods/2022-2025/centres/beaulieu.toml",
    "periods/2022-2025/centres/beaulieu.md",
    "periods/2022-2025/centres/seve.toml",
];

const JUNK: &[&str] = &[
    "",
    "=",
    "[",
    "]]",
    "{",
    "\"",
    "#",
    "{#",
    "{{",
    "}}",
    "{%",
    "-",
    "1e999",
    "0x",
    "\u{0}",
    "é",
    "[[objectives]]",
    "[budget.abcd]",
    "id = 3",
    "## ",
    "---",
];

fn damage(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return b"\xff".to_vec();
    }
    let i = rng.below(lines.len());
    match rng.below(6) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        2 => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
        3 => {
            let junk = JUNK[rng.below(JUNK.len())];
            let line = &lines[i];
            let cut = line
                .char_indices()
                .nth(rng.below(line.chars().count() + 1))
                .map_or(line.len(), |(k, _)| k);
            lines[i] = format!("{}{junk}{}", &line[..cut], &line[cut..]);
        }
        4 => lines[i] = JUNK[rng.below(JUNK.len())].to_string(),
        _ => {
            let mut bytes = lines.join("\n").into_bytes();
            let k = rng.below(bytes.len());
            bytes[k] = 0xC3; // a lone UTF-8 lead byte
            return bytes;
        }
    }
    lines.join("\n").into_bytes()
}

#[test]
fn random_damage_never_panics() {
    let mut rng = Rng(0x5eed_cafe);
    for round in 0..30 {
        let repo = Repo::example("poitiers");
        for _ in 0..1 + rng.below(3) {
            let file = FILES[rng.below(FILES.len())];
            let text = repo.read_lossy(file);
            repo.write(file, damage(&mut rng, &text));
        }
        for args in [
            &["check", "--format", "json"][..],
            &["render"][..],
            &["diff", "--format", "json"][..],
            &["merge", "beaulieu"][..],
            &["fmt", "--check"][..],
        ] {
            let run = repo.cpo(args);
            assert!(
                (0..=2).contains(&run.code) && !run.stderr.contains("panicked"),
                "round {round}, cpo {args:?}: exit {}\n{}",
                run.code,
                run.stderr
            );
            if args[0] == "check" {
                // The JSON output stays JSON whatever the damage.
                let _ = run.json();
            }
        }
    }
}
