//! The same scenario and seed give the same run in wasm as natively, event for event.
//!
//! Every preset and scenario is pinned: `crates/engine/tests/golden/fingerprints.txt` holds
//! the fingerprint of each over a fixed virtual duration, checked natively by the engine's
//! golden test and here, in the browser, against the same file.
//!
//! The native half is the CLI: scripts/test.sh runs
//! `mqlab hash scenarios/smoke.json --for 10m` and passes the printed hash to this test at
//! compile time as `MQLAB_EXPECTED_HASH` (a wasm test cannot read files). Without it the test
//! fails, naming the command to run, rather than passing unchecked.

use mqlab::sim::Sim;
use mqlab::SMOKE_SCENARIO;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RUN_MS: u64 = 10 * 60 * 1000;

/// Advance the way the page does: one 60 fps frame at 10x real time per step.
fn run_frame_by_frame(step_ms: u64) -> Sim {
    let mut sim = Sim::from_json(SMOKE_SCENARIO).unwrap();
    let mut t = 0;
    while t < RUN_MS {
        t = (t + step_ms).min(RUN_MS);
        sim.advance_to(t);
    }
    sim
}

/// The CLI may print the hash in hex (padded or not, with or without 0x) or in decimal.
fn same_hash(got: u64, printed: &str) -> bool {
    let printed = printed.trim().to_ascii_lowercase();
    let hex = printed.strip_prefix("0x").unwrap_or(&printed);
    hex == format!("{got:016x}") || hex == format!("{got:x}") || printed == got.to_string()
}

#[wasm_bindgen_test]
fn smoke_scenario_in_wasm_hashes_like_the_native_cli() {
    let sim = run_frame_by_frame(167);
    assert_eq!(sim.world().now(), RUN_MS);
    assert!(
        sim.events_seen() > 1000,
        "only {} events",
        sim.events_seen()
    );
    let got = sim.events_hash();
    let Some(expected) = option_env!("MQLAB_EXPECTED_HASH") else {
        panic!(
            "MQLAB_EXPECTED_HASH is not set, so the wasm run ({got:016x}) cannot be compared with \
             the native one: run scripts/test.sh, or set it to the output of \
             `cargo run -p mqlab-cli --release -- hash scenarios/smoke.json --for 10m`"
        );
    };
    assert!(
        same_hash(got, expected),
        "wasm and native runs of scenarios/smoke.json differ: wasm {got:016x} ({got}), \
         native {expected}"
    );
}

#[wasm_bindgen_test]
fn advancing_frame_by_frame_gives_the_same_run_as_one_jump() {
    let mut jump = Sim::from_json(SMOKE_SCENARIO).unwrap();
    jump.advance_to(RUN_MS);
    let frames = run_frame_by_frame(167);
    assert_eq!(jump.events_seen(), frames.events_seen());
    assert_eq!(jump.events_hash(), frames.events_hash());
}

/// The golden file's (path, seconds, fingerprint) lines.
const GOLDEN: &str = include_str!("../crates/engine/tests/golden/fingerprints.txt");

/// The scenario JSON of a golden path: the presets the page carries, the smoke scenario, and
/// the other scenarios of `scenarios/` (read from the repository: the page does not carry them).
fn scenario_of(path: &str) -> Option<&'static str> {
    if path == "scenarios/smoke.json" {
        return Some(SMOKE_SCENARIO);
    }
    if let Some((_, json)) = full_page_only(path) {
        return Some(json);
    }
    let id = path
        .strip_prefix("scenarios/presets/")?
        .strip_suffix(".json")?;
    mqlab_appcore::presets::by_id(id).map(|p| p.scenario_json())
}

/// Pinned scenarios of services only the full page (`full/`, the `full` feature) links: the
/// field the first download refuses them at, and the scenario. `scripts/test.sh` runs this
/// test in both builds.
fn full_page_only(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "scenarios/alarm-on-backlog.json" => {
            Some(("alarms", include_str!("../scenarios/alarm-on-backlog.json")))
        }
        "scenarios/lambda-consumer.json" => Some((
            "functions",
            include_str!("../scenarios/lambda-consumer.json"),
        )),
        "scenarios/firehose-near-real-time.json" => Some((
            "delivery_streams",
            include_str!("../scenarios/firehose-near-real-time.json"),
        )),
        "scenarios/flink-windows.json" => Some((
            "flink_applications",
            include_str!("../scenarios/flink-windows.json"),
        )),
        "scenarios/autoscaling-backlog.json" => Some((
            "launch_configurations",
            include_str!("../scenarios/autoscaling-backlog.json"),
        )),
        "scenarios/video-retention.json" => Some((
            "video_streams",
            include_str!("../scenarios/video-retention.json"),
        )),
        "scenarios/mq-activemq-failover.json" => Some((
            "brokers",
            include_str!("../scenarios/mq-activemq-failover.json"),
        )),
        "scenarios/mq-rabbitmq-exchanges.json" => Some((
            "brokers",
            include_str!("../scenarios/mq-rabbitmq-exchanges.json"),
        )),
        _ => None,
    }
}

#[wasm_bindgen_test]
fn every_pinned_scenario_runs_in_wasm_as_the_golden_file_says() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in GOLDEN.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let (path, secs, pinned) = (f[0], f[1].parse::<u64>().unwrap(), f[2]);
        match full_page_only(path) {
            Some(field) if !mqlab_appcore::sim::FULL_PAGE => {
                // The first download refuses it, naming the field, with the message that
                // makes the page open the full page (its download carries none of that
                // service).
                let refused = Sim::from_json(field.1).err().unwrap_or_default();
                if !refused.starts_with(field.0) || !mqlab_appcore::sim::needs_full_page(&refused) {
                    wrong.push(format!(
                        "{path}: the first download should hand it to the full page at {}: {refused}",
                        field.0
                    ));
                }
                continue;
            }
            _ => {}
        }
        let Some(json) = scenario_of(path) else {
            wrong.push(format!("{path}: the page does not carry this scenario"));
            continue;
        };
        let mut sim = Sim::from_json(json).unwrap();
        // In frames, as the page advances (the run must not depend on how time is cut).
        let mut t = 0;
        while t < secs * 1000 {
            t = (t + 1_667).min(secs * 1000);
            sim.advance_to(t);
        }
        let got = sim.events_hash();
        if got.to_string() != pinned {
            wrong.push(format!("{path}: wasm {got}, pinned {pinned}"));
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} pinned runs");
    assert!(wrong.is_empty(), "wasm runs differ:\n{}", wrong.join("\n"));
}
