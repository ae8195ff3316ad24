//! Several attacks in one run from a configuration (`kind = "coalition"`): the members' effects
//! add up, and ill-formed coalitions are refused with a reason.

use pocolab_sim::{Attack, MarketConfig, SimError, run};

const TOML: &str = r#"
deals = 40
honest_workers = 10
[attack]
kind = "coalition"
[[attack.members]]
kind = "colluding_workers"
fraction = 0.6
external_gain_nrlc = 1000000000
[[attack.members]]
kind = "censorship"
fraction = 0.5
"#;

#[test]
fn a_coalition_from_toml_plays_both_attacks() {
    let cfg: MarketConfig = toml::from_str(TOML).unwrap();
    let Attack::Coalition { members } = &cfg.attack else {
        panic!("parsed as {:?}", cfg.attack)
    };
    assert_eq!(members.len(), 2);
    let both = run(&cfg, 3, 0).unwrap();
    let only = |a: &Attack| {
        run(
            &MarketConfig {
                attack: a.clone(),
                ..cfg.clone()
            },
            3,
            0,
        )
        .unwrap()
    };
    let (colluders, censor) = (only(&members[0]), only(&members[1]));
    // colluders make wrong results; censorship fails tasks; the coalition does both
    assert!(
        colluders.wrong_accepted > 0 && censor.failed > 0,
        "{colluders:?} {censor:?}"
    );
    assert!(both.wrong_accepted > 0 && both.failed > 0, "{both:?}");
    assert_eq!(both.tasks, colluders.tasks);
}

#[test]
fn ill_formed_coalitions_are_refused() {
    let base: MarketConfig = toml::from_str(TOML).unwrap();
    let Attack::Coalition { members } = base.attack.clone() else {
        unreachable!()
    };
    for (attack, want) in [
        (
            Attack::Coalition {
                members: vec![members[0].clone()],
            },
            "at least two",
        ),
        (
            Attack::Coalition {
                members: vec![members[0].clone(), members[0].clone()],
            },
            "repeats the attack `colluding_workers`",
        ),
        (
            Attack::Coalition {
                members: vec![
                    members[0].clone(),
                    Attack::Coalition {
                        members: members.clone(),
                    },
                ],
            },
            "not a coalition",
        ),
    ] {
        match run(
            &MarketConfig {
                attack,
                ..base.clone()
            },
            1,
            0,
        ) {
            Err(SimError::Config(m)) => assert!(m.contains(want), "{m}"),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }
}
