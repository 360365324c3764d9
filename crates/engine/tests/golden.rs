//! Pinned runs: the fingerprint of every preset and every scenario in `scenarios/`, over a
//! fixed virtual duration, must equal the one written in `tests/golden/fingerprints.txt`.
//!
//! The determinism tests elsewhere compare a run with itself, so a change that reorders events
//! or draws the RNG differently passes them; this one catches it. A deliberate change of
//! behaviour updates the file in the same commit, and the commit says why:
//!
//! ```sh
//! MQLAB_BLESS=1 cargo test -p mqlab-engine --test golden   # rewrites the file
//! git diff crates/engine/tests/golden/                      # which runs changed
//! ```
//!
//! The browser test (`tests/determinism.rs` at the repository root) checks the same list in
//! wasm.

use mqlab_engine::{Scenario, World};
use std::path::{Path, PathBuf};

const GOLDEN: &str = "tests/golden/fingerprints.txt";

/// Virtual seconds each scenario runs for: long enough that every preset's story has started
/// (bursts, crashes, DLQ moves, throttling, resharding buttons are not pressed), short enough
/// that the whole list runs in seconds natively and well under a minute in the browser.
const RUN_S: u64 = 180;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every scenario file the repository ships, as paths relative to the repository root, sorted.
fn scenario_files() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["scenarios", "scenarios/presets"] {
        let entries = std::fs::read_dir(repo_root().join(dir)).expect("scenarios/ is readable");
        for e in entries {
            let name = e.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") {
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    out
}

fn fingerprint(path: &str) -> u64 {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut world = World::from_scenario(&scenario).unwrap_or_else(|e| panic!("{path}: {e}"));
    world.fingerprint(RUN_S * 1000)
}

/// (path, seconds, fingerprint) lines of the golden file; `#` starts a comment.
fn read_golden() -> Vec<(String, u64, u64)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN))
        .unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "{GOLDEN}: bad line {l:?}");
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_scenario_runs_as_pinned() {
    let files = scenario_files();
    assert!(files.len() >= 25, "found only {files:?}");
    let got: Vec<(String, u64, u64)> = files
        .iter()
        .map(|p| (p.clone(), RUN_S, fingerprint(p)))
        .collect();
    if std::env::var_os("MQLAB_BLESS").is_some() {
        let mut text = String::from(
            "# The event fingerprint (`mqlab hash FILE --for Ns`) of every scenario the repository\n\
             # ships, over N virtual seconds. Checked natively by crates/engine/tests/golden.rs and\n\
             # in the browser by tests/determinism.rs. Rewrite with MQLAB_BLESS=1 (see golden.rs)\n\
             # only for a deliberate change of behaviour, and say why in the commit.\n",
        );
        for (p, s, h) in &got {
            text.push_str(&format!("{p} {s} {h}\n"));
        }
        std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN), text).unwrap();
        return;
    }
    let pinned = read_golden();
    let mut wrong = Vec::new();
    for (p, s, h) in &got {
        match pinned.iter().find(|(q, _, _)| q == p) {
            None => wrong.push(format!(
                "{p}: not pinned (run with MQLAB_BLESS=1 to add it)"
            )),
            Some((_, ps, ph)) if (ps, ph) != (s, h) => {
                wrong.push(format!("{p}: pinned {ph} over {ps} s, got {h} over {s} s"))
            }
            Some(_) => {}
        }
    }
    for (q, _, _) in &pinned {
        if !files.contains(q) {
            wrong.push(format!("{q}: pinned but no longer in scenarios/"));
        }
    }
    assert!(
        wrong.is_empty(),
        "runs differ from {GOLDEN} (a behaviour change: if deliberate, rewrite it with \
         MQLAB_BLESS=1 and say why in the commit):\n  {}",
        wrong.join("\n  ")
    );
}
