//! Changing a Kinesis reader while the run goes on (`Edit::StreamConsumer`): switching between
//! polling and enhanced fan-out resumes after the last record read — nothing skipped, nothing
//! read twice — a KCL application's checkpoint cadence changes from then on, a new reader can be
//! added, and what a reader *is* (its stream, workers, planned crashes) cannot change. Also the
//! UpdateStreamMode call a lesson's button makes.

use mqlab_appcore::lab::{Edit, Lab};
use mqlab_engine::kcl::spec::{Retrieval, StreamConsumerSpec};
use mqlab_engine::kcl::ShardState;

/// One 2-shard stream, 20 records a second, one polling reader `r` and a KCL application `k`.
fn lab() -> Lab {
    Lab::from_json(
        r#"{"seed": 3, "streams": [{"StreamName": "s", "ShardCount": 2}],
            "producers": [{"name": "p", "stream": "s", "rate_per_s": 20, "arrival": "constant",
                           "stop_s": 100, "partition_keys": ["a", "b", "c", "d"]}],
            "stream_consumers": [
              {"name": "r", "stream": "s", "initial_position": "TRIM_HORIZON",
               "processing": {"dist": "fixed", "ms": 20}},
              {"name": "k", "stream": "s", "initial_position": "TRIM_HORIZON",
               "kcl": {"application_name": "k", "workers": 2, "checkpoint_interval_ms": 60000}}]}"#,
        None,
    )
    .unwrap()
}

fn spec(lab: &Lab, name: &str) -> StreamConsumerSpec {
    lab.scenario
        .stream_consumers
        .iter()
        .find(|c| c.name == name)
        .unwrap()
        .clone()
}

fn app<'a>(lab: &'a Lab, name: &str) -> &'a mqlab_engine::kcl::App {
    lab.world().stream_consumers().app(name).unwrap()
}

#[test]
fn a_reader_switched_to_enhanced_fan_out_and_back_reads_every_record_once() {
    let mut lab = lab();
    lab.run_to(30_000);
    let mut s = spec(&lab, "r");
    s.retrieval = Retrieval::EnhancedFanOut;
    lab.edit(Edit::StreamConsumer { index: 0, spec: s })
        .unwrap();
    lab.run_to(60_000);
    let a = app(&lab, "r");
    assert_eq!(a.spec.retrieval, Retrieval::EnhancedFanOut);
    assert!(a.consumer_arn.is_some(), "registered as a stream consumer");
    let pushed_before = a.totals.records_read;
    lab.run_to(70_000);
    assert!(
        app(&lab, "r").totals.records_read > pushed_before,
        "records keep coming by push"
    );

    // Switch back while a batch is being processed: the reader gets an iterator once done.
    let busy = |lab: &Lab| {
        app(lab, "r").workers[0]
            .shards
            .values()
            .any(|c| c.state == ShardState::Processing)
    };
    while !busy(&lab) {
        lab.run_to(lab.now() + 7);
    }
    let mut s = spec(&lab, "r");
    s.retrieval = Retrieval::Polling;
    lab.edit(Edit::StreamConsumer { index: 0, spec: s })
        .unwrap();
    // The producer stops at 100 s; by 150 s every record was read.
    lab.run_to(150_000);
    let a = app(&lab, "r");
    let written = lab.world().actors().producers[0].sent;
    assert_eq!(written, 2_000);
    assert_eq!(
        a.totals.records_processed, written,
        "every record processed once across both switches"
    );
    assert_eq!(a.totals.duplicates, 0);
    // The scenario an export carries says how it reads now.
    assert_eq!(spec(&lab, "r").retrieval, Retrieval::Polling);
}

#[test]
fn a_switch_replays_to_the_same_run() {
    let run = || {
        let mut lab = lab();
        lab.run_to(25_000);
        let mut s = spec(&lab, "k");
        s.retrieval = Retrieval::EnhancedFanOut;
        lab.edit(Edit::StreamConsumer { index: 1, spec: s })
            .unwrap();
        lab.run_to(80_000);
        lab
    };
    let mut a = run();
    let b = run();
    assert_eq!(a.sim().events_hash(), b.sim().events_hash());
    // Seeking back across the edit and forward again replays it.
    let processed = app(&a, "k").totals.records_processed;
    a.seek(10_000);
    a.seek(80_000);
    assert_eq!(app(&a, "k").totals.records_processed, processed);
    assert_eq!(app(&a, "k").spec.retrieval, Retrieval::EnhancedFanOut);
}

#[test]
fn a_kcl_checkpoint_cadence_changes_from_then_on() {
    let mut lab = lab();
    lab.run_to(20_000);
    let checkpoints = |lab: &Lab| app(lab, "k").totals.checkpoints;
    let before = checkpoints(&lab);
    let mut s = spec(&lab, "k");
    let kcl = s.kcl.as_mut().unwrap();
    kcl.checkpoint_interval_ms = None;
    lab.edit(Edit::StreamConsumer { index: 1, spec: s })
        .unwrap();
    lab.run_to(40_000);
    assert!(
        checkpoints(&lab) >= before + 20,
        "a checkpoint after every batch: {} then {}",
        before,
        checkpoints(&lab)
    );
    let k = app(&lab, "k");
    assert_eq!(k.spec.kcl.as_ref().unwrap().checkpoint_interval_ms, None);
}

#[test]
fn a_new_reader_is_added_and_a_reader_keeps_what_it_is() {
    let mut lab = lab();
    lab.run_to(50_000);
    let added: StreamConsumerSpec = serde_json::from_str(
        r#"{"name": "replay", "stream": "s", "initial_position": "TRIM_HORIZON"}"#,
    )
    .unwrap();
    lab.edit(Edit::StreamConsumer {
        index: 2,
        spec: added.clone(),
    })
    .unwrap();
    lab.run_to(60_000);
    assert!(
        app(&lab, "replay").totals.records_processed >= 900,
        "it read what was written before it started"
    );
    assert_eq!(lab.scenario.stream_consumers.len(), 3);

    let check = |index: usize, spec: StreamConsumerSpec| {
        Edit::StreamConsumer { index, spec }
            .check(&lab.scenario)
            .unwrap_err()
    };
    // Added twice: the name is taken.
    assert_eq!(check(3, added.clone()).0, "spec.name");
    assert_eq!(check(9, added.clone()).0, "index");
    let mut other_stream = spec(&lab, "r");
    other_stream.stream = "t".into();
    assert_eq!(check(0, other_stream).0, "spec");
    let mut more_workers = spec(&lab, "k");
    more_workers.kcl.as_mut().unwrap().workers = 3;
    let (member, message) = check(1, more_workers);
    assert_eq!(member, "spec");
    assert!(message.contains("workers"), "{message}");
    let mut bad_limit = spec(&lab, "r");
    bad_limit.limit = 0;
    assert_eq!(check(0, bad_limit).0, "spec.limit");
}

#[test]
fn update_stream_mode_is_a_call_the_page_makes() {
    let mut lab = lab();
    lab.run_to(5_000);
    let call = |mode: &str| Edit::Call {
        op: "UpdateStreamMode".into(),
        params: serde_json::json!({
            "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "StreamModeDetails": {"StreamMode": mode}
        }),
    };
    call("ON_DEMAND").check(&lab.scenario).unwrap();
    lab.edit(call("ON_DEMAND")).unwrap();
    lab.run_to(120_000);
    let s = lab.world().kinesis().stream("s").unwrap();
    assert_eq!(s.mode.as_str(), "ON_DEMAND");
    // Already on demand: AWS's refusal comes back as the message, and nothing is recorded.
    let edits = lab.timeline().1.len();
    let err = lab.edit(call("ON_DEMAND")).unwrap_err();
    assert!(err.contains("already"), "{err}");
    assert_eq!(lab.timeline().1.len(), edits);
    assert!(lab.edit(call("SOMETIMES")).is_err());
}
