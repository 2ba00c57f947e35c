//! Synthetic convention repositories of any size, for benchmarks and
//! scaling tests.
//!
//! A generated repository is valid (`cpo check` finds no error) and its
//! files have the size and shape of real ones: a centre's TOML of about
//! 4 KB (identity, five objectives with indicators, three funders over the
//! period, a balanced budget per year) and a Markdown project of about 6 KB.
//! Generation is deterministic for a given seed. With several periods, each
//! later period is the previous one with the changes real life brings: a
//! few centres renamed, added and removed, amounts up and down, edited text.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::ident::luhn_check_digit;
use crate::repo::write_atomic;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Centres in the first period.
    pub centres: usize,
    /// Periods as (start year, end year), oldest first.
    pub periods: Vec<(i32, i32)>,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            centres: 100,
            periods: vec![(2022, 2025)],
            seed: 1,
        }
    }
}

/// A small deterministic generator (xorshift64*): no dependency, same
/// output on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const QUARTIERS: &[&str] = &[
    "Beaulieu",
    "Couronneries",
    "Trois-Cités",
    "Saint-Éloi",
    "Bel-Air",
    "Gibauderie",
    "Montmidi",
    "Pont-Neuf",
    "Saint-Cyprien",
    "Bellejouanne",
    "Clos-Gaultier",
    "Rocs",
];

const SENTENCES: &[&str] = &[
    "Le quartier compte une forte proportion de familles monoparentales et de jeunes de moins de vingt-cinq ans.",
    "Les habitants expriment le besoin d'espaces de rencontre ouverts en soirée et le week-end.",
    "La maison de quartier s'appuie sur une équipe de bénévoles engagés et sur des partenaires de proximité.",
    "Les actions d'accompagnement à la scolarité touchent chaque année une centaine d'enfants.",
    "Un comité d'usagers se réunit chaque trimestre pour évaluer les activités et proposer des projets.",
    "Le centre développe des ateliers numériques pour faciliter l'accès aux droits et aux démarches en ligne.",
    "Les sorties familiales et les séjours permettent à des familles qui ne partent pas en vacances de découvrir d'autres horizons.",
    "La précarité énergétique touche une part croissante des ménages locataires du parc social.",
    "Le jardin partagé réunit des habitants de toutes générations autour de pratiques écologiques.",
    "Les permanences d'écrivain public répondent à des demandes de plus en plus nombreuses.",
    "L'équipe anime des temps d'échange entre parents sur les questions éducatives du quotidien.",
    "Le conseil d'administration associe des représentants des habitants, des partenaires et des salariés.",
];

const ACTIONS: &[&str] = &[
    "Ateliers parents-enfants le mercredi après-midi",
    "Accompagnement à la scolarité du CP à la troisième",
    "Permanences d'accès aux droits avec la CAF",
    "Fête de quartier et repas partagés",
    "Jardin partagé et compostage collectif",
    "Ateliers numériques et aide aux démarches en ligne",
    "Conseil d'habitants et budget participatif",
    "Sorties culturelles et séjours familles",
    "Accueil de loisirs sans hébergement",
    "Ateliers sociolinguistiques",
];

/// A valid SIRET (Luhn on SIREN and on all 14 digits) from a number.
fn siret(n: u64) -> String {
    let base = format!("{:08}", 40_000_000 + (n % 50_000_000));
    let siren = format!("{base}{}", luhn_check_digit(&base));
    let nic = format!("{siren}0001");
    format!("{nic}{}", luhn_check_digit(&nic))
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences)
        .map(|_| rng.pick(SENTENCES))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One centre as generated: enough to write its two files and to derive
/// the next period's version.
#[derive(Debug, Clone)]
struct Centre {
    id: String,
    previous_id: Option<String>,
    number: u64,
    quartier: &'static str,
    ville: u64,
    caf: u64,
    etat: u64,
    text_seed: u64,
}

fn first_centres(rng: &mut Rng, n: usize) -> Vec<Centre> {
    (0..n)
        .map(|i| {
            let quartier = QUARTIERS[i % QUARTIERS.len()];
            Centre {
                id: format!("centre-{i:04}"),
                previous_id: None,
                number: i as u64,
                quartier,
                ville: 150_000 + rng.below(400_000),
                caf: 40_000 + rng.below(110_000),
                etat: if i % 3 == 0 {
                    10_000 + rng.below(20_000)
                } else {
                    0
                },
                text_seed: rng.next(),
            }
        })
        .collect()
}

/// The next period's centres: 2 % renamed, 2 % removed, 3 % added,
/// amounts moved by -5 % to +8 %, one text in five edited.
fn next_centres(rng: &mut Rng, previous: &[Centre], next_number: &mut u64) -> Vec<Centre> {
    let mut out = Vec::new();
    for c in previous {
        let roll = rng.below(100);
        if roll < 2 {
            continue; // gone
        }
        let mut c = c.clone();
        c.previous_id = None;
        if roll < 4 {
            c.previous_id = Some(c.id.clone());
            c.id = format!("{}-r", c.id);
        }
        let scale = |v: u64, rng: &mut Rng| v * (95 + rng.below(14)) / 100;
        c.ville = scale(c.ville, rng);
        c.caf = scale(c.caf, rng);
        c.etat = scale(c.etat, rng);
        if rng.below(5) == 0 {
            c.text_seed = rng.next();
        }
        out.push(c);
    }
    let added = (previous.len() * 3).div_ceil(100);
    for _ in 0..added {
        let n = *next_number;
        *next_number += 1;
        out.push(Centre {
            id: format!("centre-{n:04}"),
            previous_id: None,
            number: n,
            quartier: QUARTIERS[(n as usize) % QUARTIERS.len()],
            ville: 150_000 + rng.below(400_000),
            caf: 40_000 + rng.below(110_000),
            etat: 0,
            text_seed: rng.next(),
        });
    }
    out
}

fn cpo_toml() -> String {
    "[territory]\nname = \"Ville de Synthèse\"\nplace = \"Synthèse\"\ninsee = \"86194\"\n"
        .to_string()
}

fn base_toml(start: i32, end: i32) -> String {
    // The acts that empower the signatories were taken the year before.
    let mut s = format!(
        "title = \"Convention pluriannuelle d'objectifs\"\n\n[period]\nstart = {start}-01-01\nend = {end}-12-31\n\n"
    );
    for (id, name, kind, n) in [
        ("ville", "Ville de Synthèse", "commune", 900_001u64),
        (
            "caf",
            "Caisse d'allocations familiales de Synthèse",
            "caf",
            900_002,
        ),
        ("etat", "Préfecture de Synthèse", "etat", 900_003),
    ] {
        let (article, body) = match kind {
            "commune" => ("la", "conseil municipal"),
            "caf" => ("la", "conseil d'administration"),
            _ => ("l'", "Président de la République"),
        };
        let gender = if article == "l'" {
            "gender = \"m\"\n"
        } else {
            ""
        };
        let act = if kind == "etat" {
            "décret"
        } else {
            "délibération"
        };
        let _ = write!(
            s,
            "[[signatories]]\nid = \"{id}\"\nname = \"{name}\"\narticle = \"{article}\"\n{gender}siret = \"{}\"\nrepresentative = \"Camille Martin\"\ncivility = \"Mme\"\ntitle = \"Représentante\"\nhabilitation = {{ act = \"{act}\", body = \"{body}\", date = {}-12-15 }}\nkind = \"{kind}\"\nfunder = true\n\n",
            siret(n),
            start - 1
        );
    }
    for (id, title, required) in [
        (
            "participation",
            "Rendre indispensable la place des habitants dans la co-construction des politiques publiques",
            true,
        ),
        (
            "transition",
            "Réussir une transition écologique de façon inclusive",
            true,
        ),
        (
            "solidarite",
            "Sortir de la pauvreté par l'équité et la solidarité",
            true,
        ),
        (
            "cohesion",
            "Renforcer la cohésion sociale capable de résilience",
            true,
        ),
        (
            "cadre-de-vie",
            "Améliorer le cadre de vie des habitants",
            false,
        ),
    ] {
        let _ = write!(
            s,
            "[[axes]]\nid = \"{id}\"\ntitle = \"{title}\"\nrequired = {required}\n\n"
        );
    }
    s.push_str("[[commitments]]\nid = \"laicite\"\ntitle = \"Charte de la laïcité\"\ntext = \"\"\"\nLa charte de la laïcité de la branche Famille est annexée à la présente convention.\n\"\"\"\nlocked = true\n\n");
    s.push_str("[[commitments]]\nid = \"cer\"\ntitle = \"Contrat d'engagement républicain\"\ntext = \"\"\"\nL'association souscrit au contrat d'engagement républicain (décret n° 2021-1947).\n\"\"\"\nlocked = true\n\n");
    s.push_str("[sections]\nrequired = [\"diagnostic\", \"projet\", \"plan-action\"]\noptional = [\"partenariats\"]\n\n[payment]\nadvance_percent = 50\nadvance_before = \"03-31\"\nbalance_before = \"09-30\"\n\n");
    s.push_str("[[annexes]]\nid = \"charte-laicite\"\ntitle = \"Charte de la laïcité de la branche Famille avec ses partenaires\"\nfile = \"annexes/charte-laicite.md\"\nkind = \"charte-laicite-caf\"\n");
    s
}

/// The charter annex of a generated period (a stand-in text).
const CHARTER: &str = "La charte de la laïcité de la branche Famille avec ses partenaires, adoptée par la Caisse nationale des allocations familiales le 1er septembre 2015, est annexée à la convention (texte d'exemple d'un dépôt généré).\n";

/// A fictitious French IBAN whose ISO 13616 check digits hold.
fn iban(n: u64) -> String {
    let bban = format!("30004{:05}{:011}{:02}", n % 100_000, n, n % 97);
    // Check digits: 98 - (BBAN + "FR00" as digits) mod 97.
    let digits: String = bban
        .chars()
        .chain("FR00".chars())
        .map(|c| match c.to_digit(36) {
            Some(v) => v.to_string(),
            None => String::new(),
        })
        .collect();
    let rem = digits
        .bytes()
        .fold(0u64, |r, b| (r * 10 + u64::from(b - b'0')) % 97);
    format!("FR{:02}{bban}", 98 - rem)
}

fn base_md(variant: u64) -> String {
    let mut s = String::from("Préambule.\n\nConsidérant le projet social de l'association ;\n\n");
    let articles = [
        (
            "objet",
            "Objet",
            "La présente convention a pour objet de soutenir le projet de {{ centre.name }}.",
        ),
        (
            "duree",
            "Durée",
            "La convention couvre la période {{ period.label }}.",
        ),
        (
            "projet",
            "Projet de la structure",
            "{{ sections.diagnostic }}\n\n{{ sections.projet }}\n\n{{ sections[\"plan-action\"] }}",
        ),
        (
            "contribution",
            "Contribution financière",
            "Les financeurs contribuent pour un montant total de {{ funding.total }} euros.",
        ),
        (
            "versement",
            "Modalités de versement",
            "Une avance de {{ payment.advance_percent }} % est versée chaque année.",
        ),
        (
            "evaluation",
            "Évaluation",
            "L'évaluation porte sur la réalisation des objectifs et des indicateurs.",
        ),
    ];
    for (i, (id, title, body)) in articles.iter().enumerate() {
        let body = if variant % 2 == 1 && i == 4 {
            "Une avance de {{ payment.advance_percent }} % est versée avant le 31 mars de chaque année."
        } else {
            body
        };
        let _ = write!(s, "## {title} {{#{id}}}\n\n{body}\n\n");
    }
    s
}

fn centre_toml(c: &Centre, start: i32, end: i32) -> String {
    let mut rng = Rng(c.text_seed | 1);
    let years: Vec<i32> = (start..=end).collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "name = \"Maison de quartier {} {}\"\nkind = \"maison-de-quartier\"\nstatus = \"signed\"\n",
        c.quartier, c.number
    );
    if let Some(prev) = &c.previous_id {
        let _ = writeln!(s, "previous_id = \"{prev}\"");
    }
    let _ = write!(
        s,
        "\n[association]\nlegal_name = \"Association de la maison de quartier {q} {n}\"\nsiret = \"{siret}\"\nrna = \"W86{n:07}\"\naddress = \"{num} rue des Écoles, 86000 Synthèse\"\nrepresentative = \"Dominique Bernard\"\ncivility = \"M.\"\ntitle = \"Président\"\nmandate = {{ act = \"décision\", body = \"conseil d'administration\", date = {mandate}-06-12 }}\niban = \"{iban}\"\nbic = \"BNPAFRPP\"\nauditor = true\n\n[territory]\nquartiers = [\"{q}\"]\nqpv = [\"QP086{qpv:03}\"]\n",
        q = c.quartier,
        n = c.number,
        siret = siret(c.number + 1),
        num = 1 + c.number % 120,
        qpv = 1 + c.number % 20,
        mandate = start - 1,
        iban = iban(c.number + 1),
    );
    let axes = [
        "participation",
        "transition",
        "solidarite",
        "cohesion",
        "cadre-de-vie",
    ];
    for (i, axis) in axes.iter().enumerate() {
        let _ = write!(
            s,
            "\n[[objectives]]\nid = \"objectif-{i}\"\naxis = \"{axis}\"\ntitle = \"{}\"\ndescription = \"{}\"\n",
            rng.pick(ACTIONS),
            rng.pick(SENTENCES)
        );
        for k in 0..2 {
            let base = 20 + rng.below(200);
            let targets: Vec<String> = years
                .iter()
                .enumerate()
                .map(|(j, y)| format!("{y} = {}", base + 5 * (j as u64 + 1)))
                .collect();
            let _ = write!(
                s,
                "[[objectives.indicators]]\nlabel = \"Indicateur {k} : participants aux actions\"\nunit = \"personnes\"\nbaseline = {base}\ntargets = {{ {} }}\n",
                targets.join(", ")
            );
        }
    }
    let funders: Vec<(&str, u64)> = [("ville", c.ville), ("caf", c.caf), ("etat", c.etat)]
        .into_iter()
        .filter(|(_, v)| *v > 0)
        .collect();
    s.push_str("\n[funding]\n");
    for (f, amount) in &funders {
        let cells: Vec<String> = years
            .iter()
            .enumerate()
            .map(|(j, y)| format!("{y} = {}", amount + 1_000 * j as u64))
            .collect();
        let _ = writeln!(s, "{f} = {{ {} }}", cells.join(", "));
    }
    for (j, y) in years.iter().enumerate() {
        let subsidies: u64 = funders.iter().map(|(_, a)| a + 1_000 * j as u64).sum();
        let ventes = 20_000 + rng.below(30_000);
        let autres = 1_000 + rng.below(5_000);
        let in_kind = 5_000 + rng.below(10_000);
        let total = subsidies + ventes + autres;
        let achats = total / 10;
        let services = total / 8;
        let autres_services = total / 20;
        let personnel = total - achats - services - autres_services;
        let _ = write!(
            s,
            "\n[budget.{y}]\ncharges = {{ 60 = {achats}, 61 = {services}, 62 = {autres_services}, 64 = {personnel}, 86 = {in_kind} }}\nproduits = {{ 70 = {ventes}, 75 = {autres}, 87 = {in_kind} }}\n[budget.{y}.subsidies]\n"
        );
        for (f, amount) in &funders {
            let _ = writeln!(s, "{f} = {}", amount + 1_000 * j as u64);
        }
    }
    s
}

fn centre_md(c: &Centre) -> String {
    let mut rng = Rng(c.text_seed | 1);
    let mut s = format!(
        "---\ntitle: \"Projet de la maison de quartier {} {}\"\n---\n",
        c.quartier, c.number
    );
    for (id, title) in [
        ("diagnostic", "Diagnostic du territoire"),
        ("projet", "Projet social"),
        ("plan-action", "Plan d'action"),
        ("partenariats", "Partenariats"),
    ] {
        let _ = write!(s, "\n## {title} {{#{id}}}\n\n");
        for _ in 0..3 {
            let _ = write!(s, "{}\n\n", paragraph(&mut rng, 4));
        }
        for _ in 0..4 {
            let _ = writeln!(s, "- {}", rng.pick(ACTIONS));
        }
    }
    s
}

/// Write a synthetic repository under `dir` (created if needed).
/// Returns the number of centres of each period.
pub fn generate(dir: &Path, options: &Options) -> Result<Vec<usize>> {
    let mut rng = Rng(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    write_atomic(&dir.join("cpo.toml"), cpo_toml().as_bytes())?;
    let mut counts = Vec::new();
    let mut centres = first_centres(&mut rng, options.centres);
    let mut next_number = options.centres as u64;
    for (i, (start, end)) in options.periods.iter().enumerate() {
        if i > 0 {
            centres = next_centres(&mut rng, &centres, &mut next_number);
        }
        let period = dir.join("periods").join(format!("{start}-{end}"));
        write_atomic(
            &period.join("base.toml"),
            base_toml(*start, *end).as_bytes(),
        )?;
        write_atomic(&period.join("base.md"), base_md(i as u64).as_bytes())?;
        write_atomic(
            &period.join("annexes").join("charte-laicite.md"),
            CHARTER.as_bytes(),
        )?;
        for c in &centres {
            let centres_dir = period.join("centres");
            write_atomic(
                &centres_dir.join(format!("{}.toml", c.id)),
                centre_toml(c, *start, *end).as_bytes(),
            )?;
            write_atomic(
                &centres_dir.join(format!("{}.md", c.id)),
                centre_md(c).as_bytes(),
            )?;
        }
        counts.push(centres.len());
    }
    Ok(counts)
}
