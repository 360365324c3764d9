//! A run's memory is small and bounded: the large bodies of simulated producers are
//! synthetic payloads, so what the services keep grows with the number of messages, not with
//! their size (`World::payload_bytes_retained`). Each test runs a service at AWS's largest
//! payloads for ten virtual minutes and compares what it holds (in bytes as a reader sees
//! them) with what it retains.

use mqlab_engine::{Scenario, World};
use serde_json::json;

const MIN: u64 = 60_000;
/// Bytes a synthetic payload may retain: its head (`{"producer":"…","n":…}`) and, for an
/// SNS envelope, the members around the message. Generous on purpose: the rule is "not the
/// pad".
const HEAD_BYTES_MAX: u64 = 2_048;

fn world(scenario: serde_json::Value) -> World {
    let s = Scenario::from_json(&scenario.to_string()).unwrap();
    let mut w = World::from_scenario(&s).unwrap();
    // Nobody reads the events here; a busy run would only fill the log.
    w.set_event_recording(false);
    w
}

/// Advances a minute at a time, checking the bound at each step: it must hold throughout the
/// run, not only at its end.
fn run(w: &mut World, minutes: u64, held: impl Fn(&World) -> (u64, u64)) -> (u64, u64) {
    let mut last = (0, 0);
    for m in 1..=minutes {
        w.advance_to(m * MIN);
        let (messages, bytes) = held(w);
        let retained = w.payload_bytes_retained();
        assert!(
            retained <= messages * HEAD_BYTES_MAX,
            "minute {m}: {retained} bytes retained for {messages} payloads of {bytes} bytes"
        );
        last = (messages, bytes);
    }
    last
}

fn sqs_held(w: &World) -> (u64, u64) {
    w.sqs()
        .queues()
        .flat_map(|q| q.messages())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.body.len() as u64))
}

#[test]
fn sqs_queue_of_1_mib_bodies_retains_only_their_heads() {
    // 100 sends a second of 1 MiB bodies (SQS's largest), two slow workers: the backlog grows
    // by ~98 messages a second, tens of gigabytes as a reader sees them.
    let mut w = world(json!({
        "seed": 1,
        "queues": [{"QueueName": "big"}],
        "producers": [{"name": "p", "queue": "big", "rate_per_s": 100, "body_bytes": 1_048_576}],
        "consumers": [{"name": "c", "queue": "big", "count": 2, "wait_time_s": 20,
                       "processing": {"dist": "fixed", "ms": 1000}}]
    }));
    let (messages, bytes) = run(&mut w, 10, sqs_held);
    assert!(messages > 50_000, "{messages} messages held");
    assert!(bytes > 50_000 * 1_048_576, "{bytes} bytes held");
    assert!(w.payload_bytes_retained() < 64 * 1024 * 1024);
}

#[test]
fn sns_fan_out_of_256_kib_messages_retains_only_heads_and_envelopes() {
    // SNS's largest message, fanned out to three queues: two receive the JSON envelope, one
    // the raw message. Nobody consumes.
    let q = |n: &str| format!("arn:aws:sqs:us-east-1:123456789012:{n}");
    let mut w = world(json!({
        "seed": 2,
        "queues": [{"QueueName": "a"}, {"QueueName": "b"}, {"QueueName": "raw"}],
        "topics": [{"Name": "t", "Subscriptions": [
            {"Protocol": "sqs", "Endpoint": q("a")},
            {"Protocol": "sqs", "Endpoint": q("b")},
            {"Protocol": "sqs", "Endpoint": q("raw"), "Attributes": {"RawMessageDelivery": "true"}}
        ]}],
        "producers": [{"name": "p", "topic": "t", "rate_per_s": 2, "body_bytes": 262_144}]
    }));
    let (messages, bytes) = run(&mut w, 10, sqs_held);
    assert!(messages > 3_000, "{messages} messages held");
    assert!(bytes > 3_000 * 262_144, "{bytes} bytes held");
    // The envelopes are synthetic too, not only the raw copies.
    let a = w.sqs().queue_by_name("a").unwrap();
    assert!(a.messages().all(|m| m.body.is_synthetic()));
    assert!(w.payload_bytes_retained() < 16 * 1024 * 1024);
}

#[test]
fn kinesis_shards_of_1_mib_records_retain_only_their_heads() {
    // Records of ~1 MiB (RECORD_SIZE_MAX counts data plus partition key), about one a second
    // per shard (the write limit is 1 MiB/s per shard), read by a polling reader.
    let mut w = world(json!({
        "seed": 3,
        "streams": [{"StreamName": "s", "ShardCount": 2}],
        "producers": [{"name": "p", "stream": "s", "rate_per_s": 2,
                       "body_bytes": 1_048_576 - 16, "partition_keys": ["k1", "k2", "k3", "k4"]}],
        "stream_consumers": [{"name": "r", "stream": "s", "idle_time_between_reads_ms": 1000}]
    }));
    let held = |w: &World| {
        w.kinesis()
            .streams()
            .flat_map(|s| s.shards.iter())
            .flat_map(|sh| sh.records.iter())
            .fold((0, 0), |(n, b), r| (n + 1, b + r.data.len() as u64))
    };
    let (records, bytes) = run(&mut w, 10, held);
    // SHARD_BYTES_MAX (which counts the data's length) caps what a shard keeps.
    assert!(records > 200, "{records} records held");
    assert!(bytes > 200 * 1_000_000, "{bytes} bytes held");
    assert!(w.payload_bytes_retained() < 4 * 1024 * 1024);
}
