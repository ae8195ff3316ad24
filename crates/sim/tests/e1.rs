//! E1 (threats-and-mechanisms.md §5.3): the core and the market reproduce F1–F7 of §0.3.

use pocolab_sim::experiments::{e1, kitty_after};

#[test]
fn e1_reproduces_f1_to_f7() {
    let rows = e1(8, 2026).unwrap();
    for id in ["F1", "F2", "F3", "F4", "F5", "F6", "F7"] {
        assert!(rows.iter().any(|r| r.id == id), "E1 lacks {id}");
    }
    let bad: Vec<String> = rows
        .iter()
        .filter(|r| !r.agrees)
        .map(|r| {
            format!(
                "{} {}: formula {} vs {:?}",
                r.id, r.params, r.formula, r.simulated
            )
        })
        .collect();
    assert!(bad.is_empty(), "disagreements:\n{}", bad.join("\n"));
}

#[test]
fn kitty_recurrence_has_the_one_rlc_floor() {
    let rlc = 1_000_000_000u128;
    assert_eq!(kitty_after(100 * rlc, 1), 90 * rlc);
    assert_eq!(kitty_after(5 * rlc, 2), 3 * rlc); // 10 % < 1 RLC: the floor pays 1 RLC
    assert_eq!(kitty_after(rlc / 2, 1), 0); // capped by the kitty itself
}
