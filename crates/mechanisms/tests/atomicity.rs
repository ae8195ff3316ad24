//! A call rejected anywhere (a core check, a mechanism hook, a later hook of the chain, a
//! later task of a batch) changes nothing: ledger, core state and mechanism state.

mod common;
use common::*;
use pocolab_core::{Env, JournaledState, MatchedOrders, PocoError, Result, State, Weight};

#[test]
fn later_hook_failure_rolls_back_earlier_hooks() {
    // M3 locks B_r and records it, then M1 cannot lock B_c on a poor pool owner
    let mut w = world(
        mech(|m| {
            m.requester_bond = Some(RequesterBond::default());
            m.market_integrity = Some(MarketIntegrity::default());
            m.optimistic_verification = Some(OptimisticVerification::default());
        }),
        1,
    );
    let e = w.env(sched(&w));
    w.poco.withdraw(&e, rlc(80)).unwrap();
    let o = w.orders(&params(4));
    let before = w.poco.clone();
    assert!(w.match_orders(&o).is_err());
    assert_eq!(before, w.poco);
    assert!(
        w.poco
            .ext
            .requester_bond
            .as_ref()
            .unwrap()
            .deal_bond
            .is_empty()
    );
}

#[test]
fn claim_array_rolls_back_mechanism_effects_of_earlier_tasks() {
    let mut w = world(
        mech(|m| {
            m.requester_bond = Some(RequesterBond::default());
            m.market_integrity = Some(MarketIntegrity::default());
            m.reputation = Some(Reputation::default());
            m.fair_exchange = Some(FairExchange::default());
        }),
        2,
    );
    let o = w.orders(&OrderParams {
        volume: u(2),
        ..params(4)
    });
    let d = w.match_orders(&o).unwrap();
    let t0 = w.initialize(d, 0).unwrap();
    let t1 = w.initialize(d, 1).unwrap();
    for i in 0..2 {
        let env = w.env(w.worker(i));
        w.poco
            .report_failure(
                &env,
                t0,
                &ReportInput::plain(Cause::InputUnavailable, digest("l"), digest("i")),
            )
            .unwrap();
    }
    w.contribute(0, t1, digest("x")).unwrap();
    w.now += 10 * T;
    let missing = B256::repeat_byte(0xee);
    let env = w.env(anyone(&w));
    let before = w.poco.clone();
    // t0 would forfeit B_r, pay reporters, restore volume and record reputation; the missing
    // task then fails the whole batch
    assert!(w.poco.claim_array(&env, &[t0, t1, missing]).is_err());
    assert_eq!(before, w.poco);
    w.poco.claim_array(&env, &[t0, t1]).unwrap();
    assert!(matches!(
        w.poco.ext.evidence.outcomes.get(&t0),
        Some(Attribution::Requester { .. })
    ));
    assert_eq!(
        w.poco.ext.evidence.outcomes.get(&t1),
        Some(&Attribution::Unattributed)
    );
}

/// An extension that rejects at a chosen hook, to check the core's restoration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Reject {
    at: &'static str,
}

impl Extension for Reject {
    fn on_match(
        &mut self,
        st: &mut JournaledState,
        _: &Env,
        _: B256,
        _: &MatchedOrders,
    ) -> Result<()> {
        if self.at == "match" {
            let s = st.ledger.proxy();
            let _ = s;
            return Err(PocoError::Extension {
                extension: "reject",
                reason: "match",
            });
        }
        Ok(())
    }
    fn after_initialize(&mut self, st: &mut JournaledState, _: &Env, t: B256) -> Result<()> {
        // write first, then fail: the failed call must leave the task unchanged
        st.task_mut(t).unwrap().final_deadline = U256::ZERO;
        if self.at == "initialize" {
            Err(PocoError::Extension {
                extension: "reject",
                reason: "init",
            })
        } else {
            Ok(())
        }
    }
    fn contribution_weight(
        &mut self,
        _: &State,
        _: &Env,
        _: B256,
        _: Address,
    ) -> Result<Option<Weight>> {
        if self.at == "weight" {
            Err(PocoError::Extension {
                extension: "reject",
                reason: "weight",
            })
        } else {
            Ok(None)
        }
    }
    fn after_contribute(
        &mut self,
        st: &mut JournaledState,
        _: &Env,
        _: B256,
        w: Address,
    ) -> Result<()> {
        if self.at == "contribute" {
            st.ledger_mut().lock(w, U256::from(1u8))?; // rolled back by the journal
            return Err(PocoError::Extension {
                extension: "reject",
                reason: "contribute",
            });
        }
        Ok(())
    }
}

#[test]
fn core_restores_its_writes_when_a_hook_fails() {
    for at in ["match", "initialize", "weight", "contribute"] {
        let mut w = world(Reject { at: "" }, 2);
        let o = w.orders(&params(4));
        let o2 = w.orders(&OrderParams {
            salt: B256::repeat_byte(1),
            ..params(4)
        });
        let d = w.match_orders(&o).unwrap();
        let t = w.initialize(d, 0).unwrap();
        w.contribute(0, t, digest("a")).unwrap();
        w.poco.ext.at = at;
        let before = w.poco.clone();
        let r = match at {
            "match" => w.match_orders(&o2).map(|_| ()),
            "initialize" => {
                let d2 = {
                    w.poco.ext.at = "";
                    let d2 = w.match_orders(&o2).unwrap();
                    w.poco.ext.at = at;
                    d2
                };
                let before = w.poco.clone();
                let r = w.initialize(d2, 0).map(|_| ());
                assert_eq!(before, w.poco, "{at}");
                r
            }
            // a contribution that reaches consensus (status, deadlines, counters) is undone
            _ => w.contribute(1, t, digest("a")),
        };
        assert!(r.is_err(), "{at}");
        if at != "initialize" {
            assert_eq!(before, w.poco, "{at}");
        }
    }
}
