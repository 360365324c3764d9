//! The driver of a run: seeking back replays the same run, edits are replayed at their time,
//! a refused attribute comes back with AWS's message, frames do not change the run.

use mqlab::lab::{Edit, Lab, SNAPSHOTS_MAX};
use mqlab::sim::Sim;
use mqlab::SMOKE_SCENARIO;
use mqlab_appcore::presets;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn preset(id: &str) -> Lab {
    Lab::from_json(presets::by_id(id).unwrap().scenario_json(), Some(id.into())).unwrap()
}

fn fingerprint(lab: &Lab) -> (u64, u64, u64) {
    (lab.now(), lab.sim().events_hash(), lab.vm.totals.received)
}

#[wasm_bindgen_test]
fn seeking_back_replays_the_same_run() {
    let mut lab = preset("visibility-too-short");
    lab.run_to(50_000);
    let at_50 = fingerprint(&lab);
    let samples_50 = lab.vm.samples.clone();
    lab.run_to(120_000);
    assert!(lab.snapshot_times().len() > 2);
    lab.seek(50_000);
    assert_eq!(fingerprint(&lab), at_50);
    assert_eq!(lab.vm.samples, samples_50);
    // And forwards again, to the end of the timeline.
    lab.seek(120_000);
    let mut straight = preset("visibility-too-short");
    straight.run_to(120_000);
    assert_eq!(fingerprint(&lab), fingerprint(&straight));
}

#[wasm_bindgen_test]
fn an_edit_is_replayed_at_its_time_after_a_seek() {
    let mut lab = preset("visibility-too-short");
    lab.run_to(30_000);
    lab.edit(Edit::QueueAttribute {
        queue: "orders".into(),
        attribute: "VisibilityTimeout".into(),
        value: "60".into(),
    })
    .unwrap();
    assert_eq!(
        lab.scenario.queues[0].attributes["VisibilityTimeout"], "60",
        "the scenario a link carries follows the edit"
    );
    lab.run_to(90_000);
    let at_90 = fingerprint(&lab);
    lab.seek(10_000);
    assert_eq!(lab.now(), 10_000);
    lab.seek(90_000);
    assert_eq!(fingerprint(&lab), at_90);
    let vt = lab
        .world()
        .sqs()
        .queue_by_name("orders")
        .unwrap()
        .attrs
        .visibility_timeout;
    assert_eq!(vt, 60);
}

#[wasm_bindgen_test]
fn a_refused_attribute_comes_back_with_the_aws_message() {
    let mut lab = preset("decoupling");
    let err = lab
        .edit(Edit::QueueAttribute {
            queue: "orders".into(),
            attribute: "VisibilityTimeout".into(),
            value: "99999".into(),
        })
        .unwrap_err();
    assert!(err.contains("VisibilityTimeout"), "{err}");
    let log = lab.vm.api_log.back().unwrap();
    assert_eq!(log.operation, "SetQueueAttributes");
    assert!(log.error.is_some());
    // Nothing changed.
    let vt = lab
        .world()
        .sqs()
        .queue_by_name("orders")
        .unwrap()
        .attrs
        .visibility_timeout;
    assert_ne!(vt, 99_999);
}

#[wasm_bindgen_test]
fn frames_of_any_length_give_the_same_run() {
    let mut a = preset("short-polling");
    let mut b = preset("short-polling");
    a.run_to(40_000);
    while b.now() < 40_000 {
        b.frame(16.7, 25.0);
    }
    b.seek(40_000);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_eq!(a.vm.samples, b.vm.samples);
}

#[wasm_bindgen_test]
fn snapshots_stay_within_their_cap_over_a_long_run() {
    let mut lab = preset("decoupling");
    lab.run_to(2 * 60 * 60 * 1000);
    assert!(lab.snapshot_times().len() <= SNAPSHOTS_MAX);
    assert_eq!(lab.snapshot_times()[0], 0);
}

#[wasm_bindgen_test]
fn restarting_with_the_same_seed_gives_the_same_run_and_a_new_seed_another() {
    let mut lab = preset("short-polling");
    lab.run_to(20_000);
    let mut again = lab.restart(None).unwrap();
    again.run_to(20_000);
    assert_eq!(fingerprint(&lab), fingerprint(&again));
    let mut other = lab.restart(Some(lab.scenario.seed + 1)).unwrap();
    other.run_to(20_000);
    assert_ne!(lab.sim().events_hash(), other.sim().events_hash());
}

#[wasm_bindgen_test]
fn the_smoke_scenario_still_builds_as_a_sim() {
    let mut sim = Sim::from_json(SMOKE_SCENARIO).unwrap();
    sim.advance_to(1_000);
    assert!(sim.events_seen() > 0);
}

#[wasm_bindgen_test]
fn a_run_reopened_from_its_timeline_is_the_same_run() {
    let mut lab = preset("decoupling");
    lab.run_to(10_000);
    let mut consumer = lab.scenario.consumers[0].clone();
    consumer.count += 1;
    lab.edit(Edit::Consumer {
        index: 0,
        spec: consumer,
    })
    .unwrap();
    lab.run_to(25_000);
    // Burst now, and a dead-letter queue added mid-run.
    let mut producer = lab.scenario.producers[0].clone();
    producer.bursts.push(mqlab_engine::actors::Burst {
        at_s: 25.0,
        count: 50,
    });
    lab.edit(Edit::Producer {
        index: 0,
        spec: producer,
    })
    .unwrap();
    lab.edit(Edit::Call {
        op: "CreateQueue".into(),
        params: serde_json::json!({"QueueName": "orders-dlq"}),
    })
    .unwrap();
    lab.edit(Edit::QueueAttribute {
        queue: "orders".into(),
        attribute: "RedrivePolicy".into(),
        value: r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq","maxReceiveCount":"2"}"#.into(),
    })
    .unwrap();
    lab.run_to(90_000);
    let (base, edits) = lab.timeline();
    assert_eq!(edits.len(), 4);
    assert!(base.queues.iter().all(|q| q.queue_name != "orders-dlq"));
    assert!(
        lab.scenario
            .queues
            .iter()
            .any(|q| q.queue_name == "orders-dlq"),
        "an export carries the added queue"
    );
    let mut reopened = Lab::with_edits(base.clone(), edits.to_vec(), lab.preset.clone()).unwrap();
    reopened.run_to(90_000);
    assert_eq!(fingerprint(&reopened), fingerprint(&lab));
    assert!(reopened.world().sqs().queue_by_name("orders-dlq").is_some());
}

#[wasm_bindgen_test]
fn edits_made_at_one_instant_replay_in_order_with_what_each_set_off() {
    let mut lab = preset("decoupling");
    lab.run_to(8_000);
    let mut producer = lab.scenario.producers[0].clone();
    producer.bursts.push(mqlab_engine::actors::Burst {
        at_s: 8.0,
        count: 30,
    });
    lab.edit(Edit::Producer {
        index: 0,
        spec: producer,
    })
    .unwrap();
    // At the same instant: the burst already sent, then a queue and a redrive policy.
    lab.edit(Edit::Call {
        op: "CreateQueue".into(),
        params: serde_json::json!({"QueueName": "orders-dlq"}),
    })
    .unwrap();
    lab.edit(Edit::QueueAttribute {
        queue: "orders".into(),
        attribute: "VisibilityTimeout".into(),
        value: "3".into(),
    })
    .unwrap();
    lab.run_to(40_000);
    let (base, edits) = lab.timeline();
    let mut reopened = Lab::with_edits(base.clone(), edits.to_vec(), None).unwrap();
    reopened.run_to(40_000);
    assert_eq!(fingerprint(&reopened), fingerprint(&lab));
}
