//! Checks a scenario before anything runs: every number parses, every name refers to
//! something the scenario declares, and time only moves forward. A scenario that fails gets one
//! error naming the place (`calls[3] (deposit).amount`), what is wrong and, for names, the valid
//! ones; nothing is deployed or played.

use std::collections::BTreeSet;

use alloy_primitives::{Address, U256};

use super::{Call, Num, Op, OrderSpec, Scenario};
use crate::runner::ROLES;

/// What is wrong with a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {what}")]
pub struct ScenarioError {
    /// where: `deposits[0].amount`, `orders[1] (o1).restrict`, `calls[3] (deposit).amount`
    pub place: String,
    /// what is wrong, with the valid values where they are a list
    pub what: String,
}

/// Most workers a scenario may declare (`worker1` … `workerN`).
pub const MAX_WORKERS: usize = 1_000;

/// The restriction keys an order set may set.
const RESTRICT: [&str; 9] = [
    "app.datasetrestrict",
    "app.workerpoolrestrict",
    "app.requesterrestrict",
    "dataset.apprestrict",
    "dataset.workerpoolrestrict",
    "dataset.requesterrestrict",
    "workerpool.apprestrict",
    "workerpool.datasetrestrict",
    "workerpool.requesterrestrict",
];
/// The orders whose signer an order set may name.
const SIGNERS: [&str; 4] = ["app", "dataset", "workerpool", "request"];

impl Num {
    /// The value, strictly: a TOML integer, or a decimal or `0x` hexadecimal string (`_`
    /// separators allowed) below 2²⁵⁶.
    pub fn parse(&self) -> Result<U256, String> {
        match self {
            Num::Int(v) => Ok(U256::from(*v)),
            Num::Str(s) => {
                let t = s.trim().replace('_', "");
                let (digits, radix) = match t.strip_prefix("0x") {
                    Some(h) => (h, 16),
                    None => (t.as_str(), 10),
                };
                if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                    return Err(format!("`{s}` is not a number (decimal or 0x hexadecimal)"));
                }
                U256::from_str_radix(digits, radix as u64)
                    .map_err(|_| format!("`{s}` is above 2²⁵⁶ − 1"))
            }
        }
    }
}

/// Names a scenario can refer to, gathered before the checks.
struct Names {
    actors: BTreeSet<String>,
    assets: BTreeSet<String>,
    orders: BTreeSet<String>,
    deals: BTreeSet<String>,
}

fn list(names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        "none declared".into()
    } else {
        names.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

impl Names {
    fn actor(&self, place: &str, field: &str, who: &str) -> Result<(), ScenarioError> {
        if self.actors.contains(who) {
            return Ok(());
        }
        Err(err(
            place,
            format!(
                "{field}: unknown actor `{who}` (actors: {})",
                list(&self.actors)
            ),
        ))
    }

    /// An actor, an asset, `kitty`, `0`/`none`/empty (the zero address) or a 20-byte `0x`
    /// address.
    fn address(&self, place: &str, field: &str, who: &str) -> Result<(), ScenarioError> {
        if who.is_empty()
            || matches!(who, "none" | "0" | "kitty")
            || self.actors.contains(who)
            || self.assets.contains(who)
            || (who.starts_with("0x") && who.parse::<Address>().is_ok())
        {
            return Ok(());
        }
        Err(err(
            place,
            format!(
                "{field}: `{who}` is no actor, asset or 0x address (actors: {}; assets: {}; also kitty, none)",
                list(&self.actors),
                list(&self.assets)
            ),
        ))
    }

    fn order_set(&self, place: &str, name: &str) -> Result<(), ScenarioError> {
        if self.orders.contains(name) {
            return Ok(());
        }
        Err(err(
            place,
            format!(
                "orders: unknown order set `{name}` (order sets: {})",
                list(&self.orders)
            ),
        ))
    }

    /// A deal bound by a match call, or `none`: no deal (the zero id, on which calls fail).
    fn deal(&self, place: &str, name: &str) -> Result<(), ScenarioError> {
        if name == "none" || self.deals.contains(name) {
            return Ok(());
        }
        Err(err(
            place,
            format!(
                "deal: unknown deal `{name}` (deals named by match calls: {}; `none` for no deal)",
                list(&self.deals)
            ),
        ))
    }
}

fn err(place: &str, what: String) -> ScenarioError {
    ScenarioError {
        place: place.to_string(),
        what,
    }
}

fn num(place: &str, field: &str, n: &Num) -> Result<U256, ScenarioError> {
    n.parse().map_err(|e| err(place, format!("{field}: {e}")))
}

/// A `bytes32` field: a `0x` hexadecimal number of at most 64 digits, or any other word (hashed).
fn bytes32(place: &str, field: &str, s: &Option<String>) -> Result<(), ScenarioError> {
    match s.as_deref().and_then(|s| s.strip_prefix("0x")) {
        Some(h) if h.is_empty() || h.len() > 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) => {
            Err(err(
                place,
                format!("{field}: `0x{h}` is not a bytes32 (1 to 64 hexadecimal digits)"),
            ))
        }
        _ => Ok(()),
    }
}

impl Scenario {
    /// Parse a scenario file's text and [`check`](Scenario::check) it. Unlike
    /// [`Scenario::from_toml`] alone, a call with a key its `call` does not take is an error
    /// (serde cannot reject those itself: a call's fields are flattened).
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let sc = Scenario::from_toml(text)
            .map_err(|e| err("scenario", e.to_string().trim().to_string()))?;
        let raw: toml::Table = toml::from_str(text).map_err(|e| err("scenario", e.to_string()))?;
        if let Some(toml::Value::Array(calls)) = raw.get("calls") {
            for (i, (given, call)) in calls.iter().zip(&sc.calls).enumerate() {
                let known =
                    toml::Value::try_from(call).map_err(|e| err("scenario", e.to_string()))?;
                let known = known.as_table().expect("a call is a table");
                let extra: Vec<&String> = given
                    .as_table()
                    .into_iter()
                    .flat_map(|t| t.keys())
                    .filter(|k| {
                        !known.contains_key(*k)
                            && !["dt", "at", "check", "sender", "expect"].contains(&k.as_str())
                    })
                    .collect();
                if let Some(k) = extra.first() {
                    let mut keys: Vec<&str> = known
                        .keys()
                        .map(String::as_str)
                        .filter(|k| *k != "call")
                        .collect();
                    keys.extend(["dt", "at", "check", "sender", "expect"]);
                    return Err(err(
                        &format!("calls[{i}] ({})", op_name(&call.op)),
                        format!("unknown key `{k}` (this call takes: {})", keys.join(", ")),
                    ));
                }
            }
        }
        sc.check()?;
        Ok(sc)
    }

    /// Check everything that can be checked before the scenario runs (module docs).
    pub fn check(&self) -> Result<(), ScenarioError> {
        if self.workers > MAX_WORKERS {
            return Err(err(
                "scenario",
                format!("workers: at most {MAX_WORKERS}, got {}", self.workers),
            ));
        }
        let mut names = Names {
            actors: ROLES.iter().map(|r| r.to_string()).collect(),
            assets: self.assets.iter().map(|a| a.name.clone()).collect(),
            orders: self.orders.iter().map(|o| o.name.clone()).collect(),
            deals: BTreeSet::new(),
        };
        names
            .actors
            .extend((1..=self.workers).map(|i| format!("worker{i}")));
        for c in &self.calls {
            match &c.op {
                Op::Match { deal, .. } | Op::MatchBoost { deal, .. } => {
                    names.deals.insert(deal.clone());
                }
                Op::CreateAsset { name, .. } => {
                    names.assets.insert(name.clone());
                }
                _ => {}
            }
        }
        for (i, d) in self.deposits.iter().enumerate() {
            let place = format!("deposits[{i}]");
            names.actor(&place, "actor", &d.actor)?;
            num(&place, "amount", &d.amount)?;
        }
        for (i, a) in self.assets.iter().enumerate() {
            names.actor(&format!("assets[{i}] ({})", a.name), "owner", &a.owner)?;
        }
        for (i, o) in self.orders.iter().enumerate() {
            check_orders(&names, &format!("orders[{i}] ({})", o.name), o)?;
        }
        let mut now = self.start;
        for (i, c) in self.calls.iter().enumerate() {
            let place = format!("calls[{i}] ({})", op_name(&c.op));
            now = check_time(&place, now, c)?;
            if let Some(s) = &c.sender {
                names.address(&place, "sender", s)?;
            }
            check_op(&names, &place, &c.op)?;
        }
        Ok(())
    }
}

/// The time of call `c` after `now`, or why it cannot be.
fn check_time(place: &str, now: u64, c: &Call) -> Result<u64, ScenarioError> {
    match c.at {
        Some(at) if at < now => Err(err(
            place,
            format!(
                "at: {at} is before the time the previous call left ({now}): time only moves forward"
            ),
        )),
        Some(at) => Ok(at),
        None => now.checked_add(c.dt).ok_or_else(|| {
            err(
                place,
                format!("dt: {} after {now} passes 2⁶⁴ − 1 seconds", c.dt),
            )
        }),
    }
}

fn check_orders(names: &Names, place: &str, o: &OrderSpec) -> Result<(), ScenarioError> {
    for (field, who) in [
        ("app", &o.app),
        ("dataset", &o.dataset),
        ("workerpool", &o.workerpool),
    ] {
        names.address(place, field, who)?;
    }
    for (field, who) in [("requester", &o.requester), ("beneficiary", &o.beneficiary)] {
        if let Some(w) = who {
            names.address(place, field, w)?;
        }
    }
    if let Some(c) = &o.callback {
        names.address(place, "callback", c)?;
    }
    for (field, n) in [
        ("app_price", Some(&o.app_price)),
        ("dataset_price", Some(&o.dataset_price)),
        ("workerpool_price", Some(&o.workerpool_price)),
        ("trust", Some(&o.trust)),
        ("category", Some(&o.category)),
        ("volume", o.volume.as_ref()),
        ("request_volume", o.request_volume.as_ref()),
        ("workerpool_volume", o.workerpool_volume.as_ref()),
        ("app_max_price", o.app_max_price.as_ref()),
        ("dataset_max_price", o.dataset_max_price.as_ref()),
        ("workerpool_max_price", o.workerpool_max_price.as_ref()),
        ("request_category", o.request_category.as_ref()),
    ] {
        if let Some(n) = n {
            num(place, field, n)?;
        }
    }
    for (field, s) in [
        ("tag", &o.tag),
        ("request_tag", &o.request_tag),
        ("salt", &o.salt),
    ] {
        bytes32(place, field, s)?;
    }
    for (k, who) in &o.restrict {
        if !RESTRICT.contains(&k.as_str()) {
            return Err(err(
                place,
                format!(
                    "restrict: unknown key `{k}` (keys: {})",
                    RESTRICT.join(", ")
                ),
            ));
        }
        names.address(place, &format!("restrict.{k}"), who)?;
    }
    for (k, who) in &o.signer {
        if !SIGNERS.contains(&k.as_str()) {
            return Err(err(
                place,
                format!(
                    "signer: unknown order `{k}` (orders: {})",
                    SIGNERS.join(", ")
                ),
            ));
        }
        // `none` leaves the order unsigned
        if who != "none" {
            names.actor(place, &format!("signer.{k}"), who)?;
        }
    }
    Ok(())
}

fn task(names: &Names, place: &str, t: &str) -> Result<(), ScenarioError> {
    let deal = match t.rsplit_once('#') {
        Some((d, i)) => {
            i.parse::<u64>().map_err(|_| {
                err(
                    place,
                    format!("tasks: `{t}`: the index after # is not a number"),
                )
            })?;
            d
        }
        None => t,
    };
    names.deal(place, deal)
}

fn check_op(names: &Names, place: &str, op: &Op) -> Result<(), ScenarioError> {
    match op {
        Op::Mint { actor, amount } => {
            names.actor(place, "actor", actor)?;
            num(place, "amount", amount)?;
        }
        Op::Deposit { amount } | Op::Withdraw { amount } => {
            num(place, "amount", amount)?;
        }
        Op::Match { orders, deal, .. } | Op::MatchBoost { orders, deal, .. } => {
            names.order_set(place, orders)?;
            if deal == "none" {
                return Err(err(
                    place,
                    "deal: `none` is reserved for \"no deal\"; name the deal otherwise".into(),
                ));
            }
        }
        Op::Manage { orders, .. } => names.order_set(place, orders)?,
        Op::Initialize { deal, .. }
        | Op::Reveal { deal, .. }
        | Op::Reopen { deal, .. }
        | Op::Finalize { deal, .. }
        | Op::Claim { deal, .. }
        | Op::ClaimBoost { deal, .. } => names.deal(place, deal)?,
        Op::Contribute {
            deal,
            authorizer,
            enclave,
            ..
        }
        | Op::ContributeAndFinalize {
            deal,
            authorizer,
            enclave,
            ..
        }
        | Op::PushResultBoost {
            deal,
            authorizer,
            enclave,
            ..
        } => {
            names.deal(place, deal)?;
            // `none`: no one signs the authorization (an empty signature)
            if let Some(a) = authorizer.as_deref().filter(|a| *a != "none") {
                names.actor(place, "authorizer", a)?;
            }
            if let Some(e) = enclave {
                names.address(place, "enclave", e)?;
            }
        }
        Op::SetScore { worker, .. } => names.actor(place, "worker", worker)?,
        Op::DepositFor { amount, target } | Op::WithdrawTo { amount, target } => {
            num(place, "amount", amount)?;
            names.address(place, "target", target)?;
        }
        Op::Transfer { to, amount } => {
            num(place, "amount", amount)?;
            names.address(place, "to", to)?;
        }
        Op::Approve { spender, amount } => {
            num(place, "amount", amount)?;
            names.address(place, "spender", spender)?;
        }
        Op::TransferFrom { from, to, amount } => {
            num(place, "amount", amount)?;
            names.address(place, "from", from)?;
            names.address(place, "to", to)?;
        }
        Op::Batch { tasks, .. } => {
            for t in tasks {
                task(names, place, t)?;
            }
        }
        Op::CreateAsset { owner, .. } => names.actor(place, "owner", owner)?,
        Op::SetTeeBroker { broker } => names.address(place, "broker", broker)?,
        Op::ChangePolicy {
            pool,
            worker_stake_ratio,
            scheduler_reward_ratio,
        } => {
            names.address(place, "pool", pool)?;
            num(place, "worker_stake_ratio", worker_stake_ratio)?;
            num(place, "scheduler_reward_ratio", scheduler_reward_ratio)?;
        }
    }
    Ok(())
}

/// The `call` tag of an operation (its name in scenario files).
fn op_name(op: &Op) -> String {
    let v = toml::Value::try_from(op).ok();
    v.as_ref()
        .and_then(|v| v.get("call"))
        .and_then(|c| c.as_str())
        .unwrap_or("?")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{GenParams, generate};

    const FILES: [&str; 5] = [
        include_str!("../../../../scenarios/conformance/01-classic-consensus.toml"),
        include_str!("../../../../scenarios/conformance/02-claim-reopen-kitty.toml"),
        include_str!("../../../../scenarios/conformance/03-boost.toml"),
        include_str!("../../../../scenarios/conformance/04-invalid-orders.toml"),
        include_str!("../../../../scenarios/conformance/05-erc20-and-arrays.toml"),
    ];

    #[test]
    fn the_hand_written_and_generated_scenarios_pass() {
        for f in FILES {
            let sc = Scenario::from_toml(f).unwrap();
            sc.check().unwrap_or_else(|e| panic!("{}: {e}", sc.name));
        }
        for i in 0..300 {
            let sc = generate(7, i, GenParams::default());
            sc.check().unwrap_or_else(|e| panic!("random 7/{i}: {e}"));
        }
    }

    /// The classic scenario with `from` replaced by `to` must fail with a message containing
    /// every one of `want`.
    fn fails(from: &str, to: &str, want: &[&str]) {
        assert!(FILES[0].contains(from), "{from}");
        let sc = Scenario::from_toml(&FILES[0].replacen(from, to, 1)).unwrap();
        let e = sc.check().expect_err(to).to_string();
        for w in want {
            assert!(e.contains(w), "{to}: {e} lacks {w}");
        }
    }

    #[test]
    fn bad_values_and_names_are_errors_that_say_where_and_what() {
        fails(
            r#"{ actor = "requester", amount = 1000 }"#,
            r#"{ actor = "requester", amount = "1_000x" }"#,
            &["deposits[0]", "amount", "`1_000x` is not a number"],
        );
        fails(
            r#"{ actor = "requester", amount = 1000 }"#,
            r#"{ actor = "requestor", amount = 1000 }"#,
            &[
                "deposits[0]",
                "unknown actor `requestor`",
                "requester",
                "worker3",
            ],
        );
        fails(
            r#"owner = "scheduler""#,
            r#"owner = "schedular""#,
            &["assets[2] (pool)", "unknown actor `schedular`"],
        );
        fails(
            r#"workerpool = "pool""#,
            r#"workerpool = "pol""#,
            &[
                "orders[0] (o1)",
                "workerpool: `pol` is no actor, asset or 0x address",
                "assets: app, dataset, pool",
            ],
        );
        fails(
            r#"trust = 3"#,
            r#"trust = 3
restrict = { "app.requestrestrict" = "requester" }"#,
            &[
                "restrict: unknown key `app.requestrestrict`",
                "app.requesterrestrict",
            ],
        );
        fails(
            r#"tag = "0x0""#,
            r#"tag = "0x1g""#,
            &["tag: `0x1g` is not a bytes32"],
        );
    }

    #[test]
    fn time_only_moves_forward_and_never_wraps() {
        let mut sc = Scenario::from_toml(FILES[0]).unwrap();
        sc.calls[1].at = Some(sc.start - 1);
        let e = sc.check().unwrap_err();
        assert!(
            e.place.starts_with("calls[1]") && e.what.contains("before"),
            "{e}"
        );
        let mut sc = Scenario::from_toml(FILES[0]).unwrap();
        sc.calls[0].dt = u64::MAX;
        let e = sc.check().unwrap_err();
        assert!(
            e.place.starts_with("calls[0]") && e.what.contains("dt"),
            "{e}"
        );
    }

    #[test]
    fn unknown_deals_and_order_sets_list_the_declared_ones() {
        let mut sc = Scenario::from_toml(FILES[0]).unwrap();
        let i = sc
            .calls
            .iter()
            .position(|c| matches!(c.op, Op::Initialize { .. }))
            .unwrap();
        sc.calls[i].op = Op::Initialize {
            deal: "d9".into(),
            idx: 0,
        };
        let e = sc.check().unwrap_err().to_string();
        assert!(
            e.contains("(initialize)") && e.contains("unknown deal `d9`"),
            "{e}"
        );
        let mut sc = Scenario::from_toml(FILES[0]).unwrap();
        let i = sc
            .calls
            .iter()
            .position(|c| matches!(c.op, Op::Match { .. }))
            .unwrap();
        sc.calls[i].op = Op::Match {
            orders: "o2".into(),
            deal: "d1".into(),
            sponsored: false,
        };
        let e = sc.check().unwrap_err().to_string();
        assert!(e.contains("unknown order set `o2` (order sets: o1)"), "{e}");
    }

    #[test]
    fn a_call_key_the_call_does_not_take_is_an_error() {
        assert!(Scenario::parse(FILES[0]).is_ok());
        let bad = FILES[0].replacen(
            "worker = \"worker2\"",
            "worker = \"worker2\"\nscores = 3",
            1,
        );
        let e = Scenario::parse(&bad).unwrap_err();
        assert_eq!(e.place, "calls[0] (set_score)");
        assert!(
            e.what.contains("unknown key `scores`") && e.what.contains("score"),
            "{e}"
        );
        let e = Scenario::parse("name = \"x\"\nworkers = \"three\"").unwrap_err();
        assert!(e.place == "scenario" && e.what.contains("workers"), "{e}");
    }

    #[test]
    fn numbers_parse_strictly() {
        assert_eq!(Num::Str("0x10".into()).parse(), Ok(U256::from(16)));
        assert_eq!(Num::Str("1_000".into()).parse(), Ok(U256::from(1000)));
        for bad in ["", "0x", "-1", "1e9", "12 3", "0xzz"] {
            assert!(Num::Str(bad.into()).parse().is_err(), "{bad}");
        }
        let huge = format!("0x1{}", "0".repeat(64));
        assert!(Num::Str(huge).parse().unwrap_err().contains("above"));
    }
}
