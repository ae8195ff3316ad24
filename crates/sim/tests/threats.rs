//! Every executable threat of the catalogue shows its damage against baseline PoCo (paired
//! with the same market without the attack), and the threats §1 marks as mitigated show none.

use pocolab_sim::threats::{Simulation, catalogue, run_threat};

#[test]
fn catalogue_covers_every_threat_id_of_section_1() {
    let ids: Vec<&str> = catalogue().iter().map(|t| t.id).collect();
    let mut expected: Vec<String> = Vec::new();
    for (p, n) in [
        ("R", 8),
        ("A", 7),
        ("D", 5),
        ("S", 9),
        ("W", 9),
        ("C", 6),
        ("G", 4),
    ] {
        expected.extend((1..=n).map(|i| format!("{p}{i}")));
    }
    expected.push("W1'".into());
    for e in &expected {
        assert!(ids.contains(&e.as_str()), "missing threat {e}");
    }
    assert_eq!(ids.len(), expected.len(), "unexpected extra ids: {ids:?}");
    let not_sim: Vec<&str> = catalogue()
        .iter()
        .filter(|t| !t.executable())
        .map(|t| t.id)
        .collect();
    for t in catalogue() {
        if let Simulation::NotSimulated(why) = t.sim {
            assert!(why.len() > 20, "{} needs a reason", t.id);
        }
    }
    assert!(
        not_sim.len() <= 8,
        "too many threats left unsimulated: {not_sim:?}"
    );
}

#[test]
fn every_executable_threat_shows_its_damage_against_baseline() {
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for th in catalogue() {
        let Some(r) = run_threat(&th, 6, 2026).unwrap_or_else(|e| panic!("{}: {e}", th.id)) else {
            continue;
        };
        report.push(format!(
            "{:4} {:32} base {:>14.4} attack {:>14.4} diff {:>14.4} ± {:<12.4} damage={} expected={}",
            r.id, r.metric, r.baseline.mean, r.attacked.mean, r.difference.mean, r.difference.ci95, r.damage, r.expect_damage
        ));
        if r.damage != r.expect_damage {
            wrong.push(r.id);
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        wrong.is_empty(),
        "threats whose damage differs from §1's expectation: {wrong:?}\n{}",
        report.join("\n")
    );
}
