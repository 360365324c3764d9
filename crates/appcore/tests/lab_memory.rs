//! A run's memory on the page is small and bounded: snapshots for seeking back are thinned
//! under their share of the budget, and a run that would hold more than its budget stops with
//! the reason instead of exhausting the tab. Natively, on the engine's own accounting (not RSS).

use mqlab_appcore::lab::{Edit, Lab, MEMORY_BUDGET_BYTES};
use mqlab_appcore::presets;

const MIB: u64 = 1024 * 1024;

fn preset_lab(id: &str) -> Lab {
    let p = presets::by_id(id).unwrap_or_else(|| panic!("no preset {id}"));
    Lab::from_json(p.scenario_json(), Some(id.into())).unwrap()
}

/// One queue fed faster than its consumer can drain it, with 1 MiB bodies: the backlog grows
/// by ~200 messages a second for as long as it runs.
fn backlog_lab() -> Lab {
    let json = r#"{
      "name": "backlog", "seed": 3,
      "queues": [{ "QueueName": "q" }],
      "producers": [{ "name": "p", "queue": "q", "rate_per_s": 200, "body_bytes": 1048576 }],
      "consumers": [{ "name": "c", "queue": "q", "count": 1, "wait_time_s": 20,
                      "processing": { "dist": "fixed", "ms": 1000 } }]
    }"#;
    Lab::from_json(json, None).unwrap()
}

#[test]
fn kinesis_efo_vs_shared_runs_ten_minutes_within_the_page_budget() {
    let mut lab = preset_lab("kinesis-efo-vs-shared");
    lab.run_to(10 * 60 * 1000);
    assert_eq!(lab.memory_stop, None, "stopped: {:?}", lab.memory_stop);
    assert_eq!(lab.now(), 10 * 60 * 1000);
    let held = lab.live_bytes() + lab.snapshot_bytes();
    assert!(
        held < MEMORY_BUDGET_BYTES,
        "holds {} MiB (live {} MiB, snapshots {} MiB)",
        held / MIB,
        lab.live_bytes() / MIB,
        lab.snapshot_bytes() / MIB
    );
}

#[test]
fn snapshots_are_thinned_to_their_share_of_the_budget_and_seeking_still_replays_the_same_run() {
    let mut lab = backlog_lab();
    lab.set_memory_budget(64 * MIB);
    lab.run_to(120_000);
    assert_eq!(lab.memory_stop, None, "stopped: {:?}", lab.memory_stop);
    assert!(
        lab.snapshot_bytes() <= 64 * MIB * 20 / 100,
        "snapshots hold {} bytes",
        lab.snapshot_bytes()
    );
    // Without the budget, a snapshot every 15 s would keep 9 of them; the budget kept fewer.
    let kept = lab.snapshot_times().len();
    assert!((2..9).contains(&kept), "{kept} snapshots kept");
    let straight = {
        let mut other = backlog_lab();
        other.run_to(120_000);
        other.sim().events_hash()
    };
    assert_eq!(
        lab.sim().events_hash(),
        straight,
        "a budget changes nothing in the run"
    );
    // Back to the start and forward again: the same events, event for event.
    let hash_before = lab.sim().events_hash();
    lab.seek(5_000);
    lab.seek(120_000);
    assert_eq!(lab.now(), 120_000);
    let mut again = backlog_lab();
    again.run_to(120_000);
    assert_eq!(hash_before, again.sim().events_hash());
}

#[test]
fn a_run_over_its_budget_stops_with_the_reason_and_an_edit_lets_it_go_on() {
    let mut lab = backlog_lab();
    lab.set_memory_budget(24 * MIB);
    let target = 30 * 60 * 1000;
    lab.run_to(target);
    let stop = lab
        .memory_stop
        .clone()
        .expect("the backlog outgrows 24 MiB in 30 minutes");
    assert!(lab.now() < target, "stopped before the target");
    assert_eq!(stop.at_ms, lab.now());
    assert!(stop.held_bytes > 24 * MIB * 60 / 100);
    assert!(
        stop.messages > 10_000,
        "names the messages it holds: {stop:?}"
    );
    // Asked again, it does not move: the page pauses and shows the message.
    let at = lab.now();
    lab.run_to(target);
    assert_eq!(lab.now(), at);
    // Purging the queue is a change that frees what it held: the run goes on.
    let url = lab.world().sqs().queues().next().unwrap().url.clone();
    lab.edit(Edit::Call {
        op: "PurgeQueue".into(),
        params: serde_json::json!({ "QueueUrl": url }),
    })
    .unwrap();
    assert_eq!(lab.memory_stop, None);
    lab.run_to(at + 60_000);
    assert!(lab.now() > at);
    // The snapshots taken before the purge are now the only holders of the backlog: they are
    // recounted at that, and thinned towards their share of the budget.
    assert!(
        lab.snapshot_bytes() <= 24 * MIB * 20 / 100 || lab.snapshot_times().len() <= 2,
        "{} bytes in {:?}",
        lab.snapshot_bytes(),
        lab.snapshot_times()
    );
}

/// Every preset plays 10 virtual minutes well inside the page's budget (the README's memory
/// table has the figures after a virtual hour).
#[test]
fn every_preset_holds_well_under_the_budget_after_ten_virtual_minutes() {
    for p in presets::all() {
        let mut lab = preset_lab(p.id);
        lab.run_to(10 * 60 * 1000);
        assert_eq!(lab.memory_stop, None, "{}: {:?}", p.id, lab.memory_stop);
        let held = lab.live_bytes() + lab.snapshot_bytes();
        assert!(
            held < MEMORY_BUDGET_BYTES / 2,
            "{} holds {} MiB",
            p.id,
            held / MIB
        );
    }
}

#[test]
fn snapshots_of_a_shard_at_its_record_cap_are_counted_at_what_only_they_hold() {
    // kinesis-hot-key writes ~1,000 records a second into one shard: after a few minutes the
    // shard keeps its newest records only, so each older snapshot holds records the live run
    // has let go (the live world's size stays the same). They must be counted and thinned.
    let mut lab = preset_lab("kinesis-hot-key");
    lab.set_memory_budget(128 * MIB);
    lab.run_to(30 * 60 * 1000);
    assert_eq!(lab.memory_stop, None, "stopped: {:?}", lab.memory_stop);
    assert!(
        lab.snapshot_bytes() <= 128 * MIB * 20 / 100 || lab.snapshot_times().len() <= 2,
        "snapshots hold {} MiB in {:?}",
        lab.snapshot_bytes() / MIB,
        lab.snapshot_times()
    );
}
