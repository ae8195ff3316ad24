//! A stable-toolchain fuzz harness for the simulator's input parsers: sweep scenarios (the
//! repository's and a market table), mutated at random, must parse and plan or give one error
//! — never panic; a market that plans is validated before it could run. `PROPTEST_CASES`
//! sets the number of cases.

use pocolab_sim::sweep::Scenario;
use proptest::prelude::*;

const FILES: [&str; 2] = [
    include_str!("../../../scenarios/colluders-vs-trust.toml"),
    "name = \"m\"\nreplicates = 3\n[market]\ndeals = 5\nvolume = 2\ncompute_mean_s = 60.0\nhonest_error_rate = 0.1\n[market.attack]\nkind = \"colluding_workers\"\nfraction = 0.3\nexternal_gain_nrlc = 1000\n[sweep.params]\ntrust = [1, 5]\n",
];

const WORDS: [&str; 14] = [
    "nan",
    "inf",
    "-1",
    "1e400",
    "18446744073709551615",
    "\"x\"",
    "[",
    "]",
    "= [1.5]",
    "[market.mechanisms.committees]\n",
    "kind = \"kitty_drain\"\n",
    "replicates = 0\n",
    "deals = 99999999999\n",
    "fraction = 1.0\n",
];

fn mutate(text: &str, edits: &[(usize, usize, u8)]) -> String {
    let mut b = text.as_bytes().to_vec();
    for &(i, kind, x) in edits {
        let at = |n: usize| if n == 0 { 0 } else { i % n };
        match kind % 4 {
            0 if !b.is_empty() => {
                let i = at(b.len());
                b[i] = x;
            }
            1 => {
                let i = at(b.len() + 1);
                b.splice(i..i, WORDS[x as usize % WORDS.len()].bytes());
            }
            2 if !b.is_empty() => {
                let i = at(b.len());
                b.drain(i..(i + 1 + x as usize % 30).min(b.len()));
            }
            _ => {
                let i = at(b.len() + 1);
                b.truncate(i);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// `PROPTEST_CASES`, else 512 (the CI size).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_sweeps_parse_and_plan_or_fail_cleanly(
        f in 0..FILES.len(),
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let text = mutate(FILES[f], &edits);
        if let Ok(sc) = Scenario::from_toml(&text) {
            // planning validates every cell's market; an error is fine, a panic is not
            let _ = sc.plan();
        }
    }
}

#[test]
fn the_unmutated_inputs_parse_and_plan() {
    for f in FILES {
        let p = Scenario::from_toml(f).unwrap().plan().unwrap();
        assert!(p.units() > 0);
    }
}
