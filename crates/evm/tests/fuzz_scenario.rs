//! A stable-toolchain fuzz harness for the conformance scenario parser: the hand-written
//! scenarios, mutated at random (bytes replaced, inserted or deleted, lines dropped or
//! duplicated, truncation), must parse into a checked scenario or give one error — never
//! panic. `PROPTEST_CASES` sets the number of cases (CI: the default below; longer runs are
//! reported in docs/conformance.md).

use pocolab_evm::scenario::Scenario;
use proptest::prelude::*;

const FILES: [&str; 5] = [
    include_str!("../../../scenarios/conformance/01-classic-consensus.toml"),
    include_str!("../../../scenarios/conformance/02-claim-reopen-kitty.toml"),
    include_str!("../../../scenarios/conformance/03-boost.toml"),
    include_str!("../../../scenarios/conformance/04-invalid-orders.toml"),
    include_str!("../../../scenarios/conformance/05-erc20-and-arrays.toml"),
];

/// Words that make mutations reach deeper than random bytes: keys, names and odd values.
const WORDS: [&str; 16] = [
    "amount = ",
    "\"0x\"",
    "\"-1\"",
    "18446744073709551616",
    "deal = \"none\"",
    "at = 0",
    "dt = 18446744073709551615",
    "call = \"batch\"",
    "tasks = [\"d1#x\"]",
    "\"worker9\"",
    "restrict = { \"x\" = \"y\" }",
    "[[calls]]\n",
    "nan",
    "inf",
    "\"\u{0}\"",
    "= [",
];

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    DropLine(usize),
    DupLine(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(i, w)| Edit::Insert(i, w)),
        (any::<usize>(), 1..40usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        any::<usize>().prop_map(Edit::DropLine),
        any::<usize>().prop_map(Edit::DupLine),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut b = text.as_bytes().to_vec();
    for e in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match *e {
            Edit::Replace(i, x) if !b.is_empty() => {
                let i = at(i, b.len());
                b[i] = x;
            }
            Edit::Insert(i, w) => {
                let i = at(i, b.len() + 1);
                b.splice(i..i, WORDS[w].bytes());
            }
            Edit::Delete(i, n) if !b.is_empty() => {
                let i = at(i, b.len());
                b.drain(i..(i + n).min(b.len()));
            }
            Edit::DropLine(i) | Edit::DupLine(i) => {
                let s = String::from_utf8_lossy(&b).into_owned();
                let mut lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let i = at(i, lines.len());
                    if matches!(e, Edit::DropLine(_)) {
                        lines.remove(i);
                    } else {
                        lines.insert(i, lines[i]);
                    }
                }
                b = lines.join("\n").into_bytes();
            }
            Edit::Truncate(i) => {
                let i = at(i, b.len() + 1);
                b.truncate(i);
            }
            _ => {}
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
    fn mutated_scenarios_parse_or_fail_cleanly(f in 0..FILES.len(), edits in prop::collection::vec(edit(), 1..6)) {
        let text = apply(FILES[f], &edits);
        // the property is that parsing returns (a scenario or an error) instead of panicking
        let _ = Scenario::parse(&text);
    }
}

#[test]
fn the_unmutated_scenarios_parse() {
    for f in FILES {
        Scenario::parse(f).unwrap();
    }
}
