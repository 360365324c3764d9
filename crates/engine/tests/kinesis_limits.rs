//! Kinesis size and throughput limits (aws-rules §4.1): record and request sizes, per-shard write
//! (1 MiB/s or 1,000 records/s) and read (2 MiB/s, 5 GetRecords/s) limits.

mod kinesis_common;

use kinesis_common::*;
use serde_json::json;

#[test]
fn puts_beyond_1000_records_per_second_per_shard_are_throttled() {
    let mut k = K::new();
    k.stream("s", 1);
    k.advance(1_000 - k.now() % 1_000); // start of a virtual second
    for n in 0..1_000 {
        k.put_ok("s", &format!("k{n}"), b"x");
    }
    let e = k.put("s", "one-more", b"x").unwrap_err();
    assert_eq!(e.code, "ProvisionedThroughputExceededException");
    assert_eq!(
        e.message,
        "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012."
    );
    k.advance(1_000);
    k.put_ok("s", "next-second", b"x");
}

#[test]
fn puts_beyond_1_mib_per_second_per_shard_are_throttled() {
    let mut k = K::new();
    k.stream("s", 2);
    k.advance(1_000 - k.now() % 1_000);
    let blob = vec![7u8; 256 * 1024 - 1]; // plus the 1-char key: 256 KiB
    for _ in 0..4 {
        k.put_ok("s", "a", &blob);
    }
    assert_eq!(
        k.put("s", "a", b"x").unwrap_err().code,
        "ProvisionedThroughputExceededException"
    );
    // The other shard has its own megabyte.
    assert_eq!(k.put_ok("s", "user-1", &blob)["ShardId"], S1);
}

#[test]
fn put_records_fails_only_the_throttled_entries() {
    let mut k = K::new();
    k.stream("s", 2);
    k.advance(1_000 - k.now() % 1_000);
    for n in 0..999 {
        k.put_ok("s", "a", format!("{n}").as_bytes());
    }
    // Two to the full shard 0 (one fits), two to shard 1.
    let r = k.ok(
        "PutRecords",
        json!({"StreamName": "s", "Records": [
            {"PartitionKey": "a", "Data": b64(b"1")},
            {"PartitionKey": "user-1", "Data": b64(b"2")},
            {"PartitionKey": "a", "Data": b64(b"3")},
            {"PartitionKey": "user-1", "Data": b64(b"4")},
        ]}),
    );
    assert_eq!(r["FailedRecordCount"], 1);
    let recs = r["Records"].as_array().unwrap();
    assert_eq!(recs[0]["ShardId"], S0);
    assert_eq!(recs[1]["ShardId"], S1);
    assert_eq!(
        recs[2]["ErrorCode"],
        "ProvisionedThroughputExceededException"
    );
    assert!(recs[2].get("SequenceNumber").is_none());
    assert_eq!(recs[3]["ShardId"], S1);
}

#[test]
fn records_over_1_mib_including_the_partition_key_are_refused() {
    let mut k = K::new();
    k.stream("s", 1);
    let e = k.put("s", "k", &vec![0u8; 1024 * 1024 + 1]).unwrap_err();
    assert_eq!(e.code, "ValidationException");
    assert!(e.message.contains("at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576"), "{}", e.message);
    let e = k.put("s", "kk", &vec![0u8; 1024 * 1024 - 1]).unwrap_err();
    assert_eq!(e.code, "InvalidArgumentException");
    k.put_ok("s", "k", &vec![0u8; 1024 * 1024 - 1]);
}

#[test]
fn partition_keys_have_1_to_256_characters() {
    let mut k = K::new();
    k.stream("s", 1);
    assert_eq!(
        k.put("s", "", b"x").unwrap_err().code,
        "ValidationException"
    );
    let long: String = "가".repeat(257);
    let e = k.put("s", &long, b"x").unwrap_err();
    assert!(e
        .message
        .contains("Member must have length less than or equal to 256"));
    k.put_ok("s", &"가".repeat(256), b"x"); // characters, not bytes
}

#[test]
fn put_records_takes_at_most_500_records() {
    let mut k = K::new();
    k.stream("s", 4);
    let entries: Vec<_> = (0..501)
        .map(|n| json!({"PartitionKey": format!("k{n}"), "Data": b64(b"x")}))
        .collect();
    let e = k.err("PutRecords", json!({"StreamName": "s", "Records": entries}));
    assert_eq!(e.code, "ValidationException");
    assert!(e
        .message
        .ends_with("Member must have length less than or equal to 500"));
    let e = k.err("PutRecords", json!({"StreamName": "s", "Records": []}));
    assert_eq!(e.code, "ValidationException");
    let r = k.ok(
        "PutRecords",
        json!({"StreamName": "s", "Records": entries[..500]}),
    );
    assert_eq!(r["FailedRecordCount"], 0);
    assert_eq!(r["Records"].as_array().unwrap().len(), 500);
}

#[test]
fn a_put_records_request_over_10_mib_is_refused() {
    let mut k = K::new();
    k.stream("s", 1);
    let blob = b64(&vec![1u8; 1024 * 1024 - 10]);
    let entries: Vec<_> = (0..11)
        .map(|n| json!({"PartitionKey": format!("k{n}"), "Data": blob}))
        .collect();
    let e = k.err("PutRecords", json!({"StreamName": "s", "Records": entries}));
    assert_eq!(e.code, "InvalidArgumentException");
}

#[test]
fn more_than_5_get_records_calls_per_second_per_shard_are_throttled() {
    let mut k = K::new();
    k.stream("s", 1);
    k.advance(1_000 - k.now() % 1_000);
    let it = k.iterator("s", S0, "TRIM_HORIZON");
    for _ in 0..5 {
        k.get(&it).unwrap();
    }
    let e = k.get(&it).unwrap_err();
    assert_eq!(e.code, "ProvisionedThroughputExceededException");
    k.advance(1_000);
    k.get(&it).unwrap();
    let rows = {
        k.advance(60_000);
        k.w.kinesis().metric_rows()
    };
    let exceeded: f64 = rows
        .iter()
        .filter(|r| r.metric == "ReadProvisionedThroughputExceeded")
        .map(|r| r.value)
        .sum();
    assert_eq!(exceeded, 1.0);
}

#[test]
fn a_large_read_blocks_the_shard_for_the_seconds_it_overdrew() {
    let mut k = K::new();
    k.stream("s", 1);
    // 6 MiB over six seconds (one shard writes 1 MiB/s).
    let blob = vec![0u8; 1024 * 1024 - 1];
    for _ in 0..6 {
        k.put_ok("s", "k", &blob);
        k.advance(1_000);
    }
    k.advance(1_000 - k.now() % 1_000);
    let it = k.iterator("s", S0, "TRIM_HORIZON");
    let r = k.get(&it).unwrap();
    assert_eq!(r["Records"].as_array().unwrap().len(), 6);
    // 6 MiB at 2 MiB/s: the next 3 seconds are refused.
    let next = r["NextShardIterator"].as_str().unwrap().to_string();
    k.advance(2_000);
    assert_eq!(
        k.get(&next).unwrap_err().code,
        "ProvisionedThroughputExceededException"
    );
    k.advance(1_000);
    k.get(&next).unwrap();
}

#[test]
fn get_records_returns_at_most_limit_records() {
    let mut k = K::new();
    k.stream("s", 1);
    for n in 0..30 {
        k.put_ok("s", "k", format!("{n}").as_bytes());
    }
    let it = k.iterator("s", S0, "TRIM_HORIZON");
    let r = k.ok("GetRecords", json!({"ShardIterator": it, "Limit": 10}));
    assert_eq!(r["Records"].as_array().unwrap().len(), 10);
    assert_eq!(unb64(&r["Records"][9]["Data"]), b"9");
    let e = k.err("GetRecords", json!({"ShardIterator": it, "Limit": 10_001}));
    assert_eq!(e.code, "ValidationException");
}

#[test]
fn on_demand_streams_absorb_up_to_twice_their_previous_peak() {
    let mut k = K::new();
    k.ok(
        "CreateStream",
        json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    k.advance(60_000);
    assert_eq!(k.shards("od").len(), 4);
    let put_second = |k: &mut K, n: usize| -> usize {
        k.advance(1_000 - k.now() % 1_000);
        let mut ok = 0;
        for i in 0..n {
            if k.put("od", &format!("key-{i}"), b"x").is_ok() {
                ok += 1;
            }
        }
        ok
    };
    // 4,000 records/s to start with.
    assert_eq!(put_second(&mut k, 4_500), 4_000);
    // Fifteen minutes after a peak of 4,000/s, twice that is absorbed.
    k.advance(16 * 60_000);
    assert_eq!(put_second(&mut k, 8_500), 8_000);
    // A single partition key is still held to one shard's 1,000 records/s.
    k.advance(1_000 - k.now() % 1_000);
    let hot = (0..1_200)
        .filter(|_| k.put("od", "hot", b"x").is_ok())
        .count();
    assert_eq!(hot, 1_000);
}

#[test]
fn get_shard_iterator_is_limited_to_5_calls_per_second_per_open_shard() {
    let mut k = K::new();
    k.stream("s", 2);
    let call = |k: &mut K, shard: &str| {
        k.call(
            "GetShardIterator",
            json!({"StreamName": "s", "ShardId": shard, "ShardIteratorType": "LATEST"}),
        )
    };
    for _ in 0..5 {
        call(&mut k, "shardId-000000000000").unwrap();
    }
    let e = call(&mut k, "shardId-000000000000").unwrap_err();
    assert_eq!(e.code, "ProvisionedThroughputExceededException");
    assert!(e.message.contains("shardId-000000000000"), "{}", e.message);
    // Another shard has its own limit; the next second has room again.
    call(&mut k, "shardId-000000000001").unwrap();
    let next_second = (k.now() / 1_000 + 1) * 1_000;
    k.advance(next_second - k.now());
    call(&mut k, "shardId-000000000000").unwrap();
}

fn hot_key_world(mode: &str) -> mqlab_engine::World {
    use mqlab_engine::{Scenario, World};
    // One partition key at 600 records/s of 1,000 bytes: about 600 KB/s into one shard.
    let s = Scenario::from_json(&format!(
        r#"{{"streams": [{{"StreamName": "hot", {mode}}}],
            "producers": [{{"name": "p", "stream": "hot", "rate_per_s": 600, "batch_size": 10,
                           "body_bytes": 1000, "partition_keys": ["tenant-1"]}}],
            "stream_consumers": [{{"name": "app", "stream": "hot", "initial_position": "TRIM_HORIZON",
                                   "kcl": {{"application_name": "app", "workers": 2}}}}]}}"#
    ))
    .unwrap();
    World::from_scenario(&s).unwrap()
}

#[test]
fn an_on_demand_shard_receiving_over_500_kb_per_second_for_minutes_is_split() {
    use mqlab_engine::kinesis::ON_DEMAND_SPLIT_SUSTAINED_MS;
    use mqlab_engine::EventKind;
    let mut w = hot_key_world(r#""StreamModeDetails": {"StreamMode": "ON_DEMAND"}"#);
    w.advance_to(ON_DEMAND_SPLIT_SUSTAINED_MS - 1);
    let ev = w.drain_events();
    assert!(!ev
        .iter()
        .any(|e| matches!(e.kind, EventKind::ShardSplit { .. })));
    let hot = ev
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::RecordPut { shard, .. } => Some(shard.clone()),
            _ => None,
        })
        .unwrap();
    w.advance_to(ON_DEMAND_SPLIT_SUSTAINED_MS + 120_000);
    let ev = w.drain_events();
    let splits: Vec<_> = ev
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ShardSplit {
                parent, children, ..
            } => Some((e.t, parent.clone(), children.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(splits.len(), 1, "{splits:?}");
    let (t, parent, children) = &splits[0];
    assert_eq!(
        *t, ON_DEMAND_SPLIT_SUSTAINED_MS,
        "at the minute the load had lasted long enough"
    );
    assert_eq!(parent, &hot);
    let stream = w.kinesis().stream("hot").unwrap();
    assert_eq!(
        stream.open_shard_count(),
        5,
        "4 on-demand shards to start, one split"
    );
    // The key's records go to one of the children now; the KCL reader follows them there
    // after reading the parent to its end.
    let later_shards: std::collections::BTreeSet<String> = ev
        .iter()
        .filter(|e| e.t > *t)
        .filter_map(|e| match &e.kind {
            EventKind::RecordPut { shard, .. } => Some(shard.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(later_shards.len(), 1);
    assert!(children.contains(later_shards.iter().next().unwrap()));
    assert!(ev.iter().any(|e| matches!(&e.kind,
        EventKind::KclCheckpoint { shard_id, checkpoint, .. }
            if shard_id == parent && checkpoint == "SHARD_END")));
    assert!(ev.iter().any(|e| matches!(&e.kind,
        EventKind::KinesisRecordsRead { shard_id, .. } if later_shards.contains(shard_id))));
}

#[test]
fn a_provisioned_shard_is_never_split_by_itself() {
    use mqlab_engine::EventKind;
    let mut w = hot_key_world(r#""ShardCount": 2"#);
    w.advance_to(mqlab_engine::kinesis::ON_DEMAND_SPLIT_SUSTAINED_MS + 180_000);
    assert!(!w
        .drain_events()
        .iter()
        .any(|e| matches!(e.kind, EventKind::ShardSplit { .. })));
}
