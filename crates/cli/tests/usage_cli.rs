//! What the command line says when it is not asked for a known command: help, never a silent
//! run; the valid ids when an id is unknown.

use std::process::{Command, Output};

fn pocolab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pocolab"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}

#[test]
fn no_subcommand_prints_help_and_runs_nothing() {
    let o = pocolab(&[]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Usage: pocolab") && out.contains("evaluate"),
        "{out}"
    );
    assert!(
        !out.contains("matchOrders ->"),
        "the demo must not run: {out}"
    );
}

#[test]
fn experiments_of_the_evaluation_point_to_it_and_unknown_ids_list_the_valid_ones() {
    let o = pocolab(&["experiment", "e3"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("part of `pocolab evaluate`"));
    let o = pocolab(&["experiment", "B1"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("part of `pocolab evaluate`"));
    let o = pocolab(&["experiment", "e42"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("available: e1"));
    let o = pocolab(&[
        "evaluate",
        "--only-threats",
        "Z1",
        "--out",
        "/nonexistent/never",
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("unknown threat id `Z1`") && e.contains("W1'"),
        "{e}"
    );
}
