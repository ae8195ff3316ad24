//! Scenario parsing, grids, Latin hypercubes, common random numbers and sharding.

use pocolab_sim::sweep::{Scenario, SweepError, merge, parse_shard, run_shard};

const GRID: &str = r#"
name = "t"
seed = 7
replicates = 4
[market]
deals = 12
honest_workers = 8
[sweep.params]
trust = [2, 5]
"attack.fraction" = [0.2, 0.4]
[[variants]]
name = "honest"
[variants.set]
attack = { kind = "colluding_workers", fraction = 0.0, external_gain_nrlc = 0 }
[[variants]]
name = "colluders"
[variants.set]
attack = { kind = "colluding_workers", fraction = 0.2, external_gain_nrlc = 0 }
"#;

#[test]
fn grid_plan_is_the_cartesian_product_times_variants() {
    let p = Scenario::from_toml(GRID).unwrap().plan().unwrap();
    assert_eq!(p.cells.len(), 2 * 2 * 2);
    assert_eq!(p.units(), 32);
    assert_eq!(p.cells[3].variant, "honest");
    assert_eq!(p.cells[3].config.trust, 5);
    assert_eq!(p.cells[4].variant, "colluders");
}

#[test]
fn results_are_identical_however_the_sweep_is_split() {
    let p = Scenario::from_toml(GRID).unwrap().plan().unwrap();
    let whole = merge(&p, run_shard(&p, (0, 1), &|| {}).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in (0..3).rev() {
        parts.extend(run_shard(&p, (i, 3), &|| {}).unwrap());
    }
    let split = merge(&p, parts).unwrap();
    let bits = |rows: &[pocolab_sim::sweep::RunRow]| -> Vec<(usize, u64, Vec<u64>)> {
        rows.iter()
            .map(|r| {
                (
                    r.cell,
                    r.replicate,
                    r.values.iter().map(|v| v.to_bits()).collect(),
                )
            })
            .collect()
    };
    assert_eq!(bits(&whole.0), bits(&split.0));
    assert_eq!(
        serde_json::to_string(&whole.1).unwrap(),
        serde_json::to_string(&split.1).unwrap()
    );
    // a missing shard is refused
    let err = merge(&p, run_shard(&p, (0, 2), &|| {}).unwrap()).unwrap_err();
    assert!(matches!(err, SweepError::Merge(_)), "{err}");
}

#[test]
fn variants_share_random_numbers() {
    // honest variant with fraction 0 at the same point twice (two variants that are equal)
    let text = GRID.replace("fraction = 0.2, external_gain_nrlc = 0 }\n\"#", "");
    let s =
        Scenario::from_toml(&text.replace("name = \"colluders\"", "name = \"honest2\"")).unwrap();
    let mut s = s;
    s.sweep.params.clear();
    s.variants[1].set = s.variants[0].set.clone();
    let p = s.plan().unwrap();
    let (rows, _) = merge(&p, run_shard(&p, (0, 1), &|| {}).unwrap()).unwrap();
    let r = p.replicates as usize;
    for k in 0..r {
        assert_eq!(
            rows[k]
                .values
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<_>>(),
            rows[r + k]
                .values
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn latin_hypercube_puts_one_point_in_every_stratum() {
    let text = r#"
name = "lhs"
replicates = 2
[sweep]
mode = "lhs"
samples = 10
[sweep.params]
honest_error_rate = [0.0, 0.5]
initial_score = [0, 100]
"#;
    let p = Scenario::from_toml(text).unwrap().plan().unwrap();
    assert_eq!(p.cells.len(), 10);
    let mut strata: Vec<usize> = p
        .cells
        .iter()
        .map(|c| {
            (c.point
                .iter()
                .find(|(k, _)| k == "honest_error_rate")
                .unwrap()
                .1
                / 0.05) as usize
        })
        .collect();
    strata.sort();
    assert_eq!(strata, (0..10).collect::<Vec<_>>());
    // integer parameters are rounded
    assert!(p.cells.iter().all(|c| c.config.initial_score <= 100));
}

#[test]
fn malformed_scenarios_are_refused_with_a_clear_message() {
    let e = Scenario::from_toml("name = \"x\"\n[market]\ndeals = \"many\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("deals"), "{e}");
    let e = Scenario::from_toml("name = \"x\"\n[sweep.params]\nno_such_field = [1]\n")
        .unwrap()
        .plan()
        .unwrap_err()
        .to_string();
    assert!(e.contains("no_such_field"), "{e}");
    let e = Scenario::from_toml("name = \"x\"\n[sweep.params]\nhonest_error_rate = [1.5]\n")
        .unwrap()
        .plan()
        .unwrap_err()
        .to_string();
    assert!(e.contains("honest_error_rate"), "{e}");
    let e = Scenario::from_toml("name = \"x\"\n[sweep.params]\ntrust = [-1]\n")
        .unwrap()
        .plan()
        .unwrap_err()
        .to_string();
    assert!(e.contains("non-negative"), "{e}");
    assert!(parse_shard("3/3").is_err() && parse_shard("a/b").is_err());
    assert_eq!(parse_shard("1/4").unwrap(), (1, 4));
}
