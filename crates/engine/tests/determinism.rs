//! Same configuration + seed + script → the same run, event for event (design: determinism).

mod common;

use common::*;
use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::{events_hash, Event, Scenario, World};
use serde_json::json;

/// A script that exercises the random parts: short-poll sampling, duplicate deliveries,
/// message IDs and receipt handles, visibility expiry, a DLQ and a FIFO queue.
fn script(seed: u64) -> (Vec<Event>, Vec<String>) {
    let mut sim = Sim::with(seed, SqsConfig::default());
    let dlq = sim.create("dlq", json!({}));
    let q = sim.create(
        "work",
        json!({"VisibilityTimeout": "3", "RedrivePolicy": redrive_policy("dlq", 3)}),
    );
    let f = sim.create_fifo("f.fifo", json!({"ContentBasedDeduplication": "true"}));
    let mut ids = Vec::new();
    for i in 0..50u64 {
        sim.at_ms(i * 200);
        ids.push(sim.send_id(&q, &format!("m{i}")));
        sim.ok(
            "SendMessage",
            json!({"QueueUrl": f, "MessageBody": format!("f{}", i % 7),
                   "MessageGroupId": format!("g{}", i % 3)}),
        );
    }
    for step in 0..120u64 {
        sim.at_ms(10_000 + step * 500);
        for m in sim.receive_n(&q, 10) {
            if step % 3 != 0 {
                sim.delete(&q, &handle(&m)).unwrap();
            }
        }
        for m in sim.receive_n(&f, 10) {
            let _ = sim.delete(&f, &handle(&m));
        }
        sim.receive_n(&dlq, 10);
    }
    sim.at(200.0);
    (sim.events(), ids)
}

#[test]
fn same_seed_and_script_give_identical_events() {
    let (a, _) = script(42);
    let (b, _) = script(42);
    assert!(a.len() > 100, "the script does something");
    assert_eq!(events_hash(&a), events_hash(&b));
    assert_eq!(a, b);
}

#[test]
fn different_seeds_give_different_message_ids() {
    let (_, a) = script(1);
    let (_, b) = script(2);
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x != y));
}

#[test]
fn a_cloned_world_replays_the_same_future() {
    let mut sim = Sim::with(9, SqsConfig::default());
    let q = sim.create("c", json!({"VisibilityTimeout": "2"}));
    for i in 0..20 {
        sim.send(&q, &format!("m{i}"));
    }
    sim.at(1.0);
    sim.events();
    let mut copy: World = sim.w.clone();
    for w in [&mut sim.w, &mut copy] {
        for step in 0..30u64 {
            w.advance_to(1_000 + step * 1_000);
            w.call(
                "sqs",
                "ReceiveMessage",
                &json!({"QueueUrl": q, "MaxNumberOfMessages": 5, "WaitTimeSeconds": 0}),
            );
        }
        w.advance_to(60_000);
    }
    let a = sim.w.drain_events();
    let b = copy.drain_events();
    assert!(!a.is_empty());
    assert_eq!(events_hash(&a), events_hash(&b));
    assert_eq!(sim.w.take_completions(), copy.take_completions());
}

#[test]
fn a_scenario_run_is_deterministic() {
    let json = r#"{
      "seed": 7,
      "queues": [{"QueueName": "orders"}],
      "producers": [{"name": "web", "queue": "orders", "rate_per_s": 5}],
      "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20}]
    }"#;
    let run = || {
        let scenario = Scenario::from_json(json).unwrap();
        let mut world = World::from_scenario(&scenario).unwrap();
        let mut h = mqlab_engine::EventHasher::default();
        let mut n = 0;
        for minute in 1..=5u64 {
            world.advance_to(minute * 60_000);
            let ev = world.drain_events();
            n += ev.len();
            h.update(&ev);
        }
        (h.finish(), n)
    };
    let (h1, n1) = run();
    let (h2, n2) = run();
    assert!(n1 > 0);
    assert_eq!((h1, n1), (h2, n2));
}

#[test]
fn event_hash_is_chunking_independent() {
    let (a, _) = script(5);
    let mut h = mqlab_engine::EventHasher::default();
    for chunk in a.chunks(17) {
        h.update(chunk);
    }
    assert_eq!(h.finish(), events_hash(&a));
}
