//! Reading Kinesis shards (aws-rules §4.3): iterator types, the 5-minute expiry, MillisBehindLatest,
//! closed shards read to their end before their children.

mod kinesis_common;

use kinesis_common::*;
use serde_json::json;

fn datas(r: &serde_json::Value) -> Vec<Vec<u8>> {
    r["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| unb64(&x["Data"]))
        .collect()
}

#[test]
fn trim_horizon_reads_from_the_oldest_record_and_latest_only_what_comes_next() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "k", b"one");
    k.put_ok("s", "k", b"two");
    let latest = k.iterator("s", S0, "LATEST");
    let horizon = k.iterator("s", S0, "TRIM_HORIZON");
    k.put_ok("s", "k", b"three");
    assert_eq!(
        datas(&k.get(&horizon).unwrap()),
        [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
    );
    assert_eq!(datas(&k.get(&latest).unwrap()), [b"three".to_vec()]);
}

#[test]
fn at_and_after_sequence_number_start_at_and_after_the_record() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "k", b"a");
    let seq = k.put_ok("s", "k", b"b")["SequenceNumber"].clone();
    k.put_ok("s", "k", b"c");
    let at = k.ok("GetShardIterator", json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}));
    let after = k.ok("GetShardIterator", json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}));
    assert_eq!(
        datas(&k.get(at["ShardIterator"].as_str().unwrap()).unwrap()),
        [b"b".to_vec(), b"c".to_vec()]
    );
    assert_eq!(
        datas(&k.get(after["ShardIterator"].as_str().unwrap()).unwrap()),
        [b"c".to_vec()]
    );
    let e = k.err(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "AT_SEQUENCE_NUMBER"}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    assert!(e
        .message
        .contains("Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."));
    let e = k.err("GetShardIterator", json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "LATEST", "StartingSequenceNumber": seq}));
    assert!(e
        .message
        .contains("Request specified LATEST and also a StartingSequenceNumber."));
}

#[test]
fn a_sequence_number_of_another_shard_is_refused() {
    let mut k = K::new();
    k.stream("s", 2);
    let seq = k.put_ok("s", "user-1", b"x")["SequenceNumber"].clone(); // shard 1
    let e = k.err("GetShardIterator", json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}));
    assert_eq!(e.code, "InvalidArgumentException");
    assert_eq!(e.message, "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000");
}

#[test]
fn at_timestamp_starts_at_the_first_record_that_arrived_then() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "k", b"early");
    k.advance(10_000);
    let ts = mqlab_engine::time::EPOCH_S as f64 + k.now() as f64 / 1000.0;
    k.put_ok("s", "k", b"late");
    let it = k.ok("GetShardIterator", json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": ts}));
    assert_eq!(
        datas(&k.get(it["ShardIterator"].as_str().unwrap()).unwrap()),
        [b"late".to_vec()]
    );
    let e = k.err("GetShardIterator", json!({"StreamName": "s", "ShardId": S0, "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": ts + 3600.0}));
    assert!(e.message.starts_with(
        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis."
    ));
}

#[test]
fn an_iterator_older_than_5_minutes_is_expired() {
    let mut k = K::new();
    k.stream("s", 1);
    let it = k.iterator("s", S0, "TRIM_HORIZON");
    k.advance(300_000);
    let r = k.get(&it).unwrap(); // exactly 5 minutes: still good
    k.advance(300_001);
    let e = k.get(&it).unwrap_err();
    assert_eq!(e.code, "ExpiredIteratorException");
    assert!(e.message.starts_with("Iterator expired. The iterator was created at time Thu Jan 01 00:00:30 UTC 2026 while right now it is"), "{}", e.message);
    assert!(e.message.ends_with(
        "which is further in the future than the tolerated delay of 300000 milliseconds."
    ));
    // The iterator GetRecords returned is new: valid for its own 5 minutes.
    let next = r["NextShardIterator"].as_str().unwrap().to_string();
    assert_eq!(k.get(&next).unwrap_err().code, "ExpiredIteratorException");
    let fresh = k.iterator("s", S0, "TRIM_HORIZON");
    let r = k.get(&fresh).unwrap();
    k.advance(299_000);
    k.get(r["NextShardIterator"].as_str().unwrap()).unwrap();
}

#[test]
fn a_garbled_iterator_is_invalid() {
    let mut k = K::new();
    k.stream("s", 1);
    let e = k.get("AAAAAAAAAAGarbage==").unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("InvalidArgumentException", "Invalid ShardIterator.")
    );
}

#[test]
fn millis_behind_latest_is_how_far_the_next_unread_record_is_behind_now() {
    let mut k = K::new();
    k.stream("s", 1);
    for n in 0..3 {
        k.put_ok("s", "k", format!("{n}").as_bytes());
        k.advance(1_000);
    }
    let it = k.iterator("s", S0, "TRIM_HORIZON");
    let r = k.ok("GetRecords", json!({"ShardIterator": it, "Limit": 1}));
    assert_eq!(r["MillisBehindLatest"], 2_000); // the second record is 2 s old
    let r = k.ok(
        "GetRecords",
        json!({"ShardIterator": r["NextShardIterator"], "Limit": 5}),
    );
    assert_eq!(r["MillisBehindLatest"], 0);
}

#[test]
fn a_closed_parent_is_read_to_its_end_before_its_children() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "a", b"before-1");
    k.put_ok("s", "bob", b"before-2");
    let half = (1u128 << 127).to_string();
    k.ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": S0, "NewStartingHashKey": half}),
    );
    assert_eq!(k.status("s"), "UPDATING");
    // While UPDATING, writes still go to the parent.
    k.put_ok("s", "a", b"during");
    k.advance(mqlab_engine::kinesis::STREAM_UPDATE_DELAY_MS);
    assert_eq!(k.status("s"), "ACTIVE");
    let after_a = k.put_ok("s", "a", b"after-a");
    let after_bob = k.put_ok("s", "bob", b"after-bob");
    assert_eq!(after_a["ShardId"], S1);
    assert_eq!(after_bob["ShardId"], S2);
    let shards = k.shards("s");
    assert_eq!(shards.len(), 3);
    assert!(shards[0]["SequenceNumberRange"]["EndingSequenceNumber"].is_string());
    assert_eq!(shards[1]["ParentShardId"], S0);
    assert_eq!(shards[2]["HashKeyRange"]["StartingHashKey"], half);

    // The parent keeps its data and ends: NextShardIterator null, ChildShards named.
    let mut it = k.iterator("s", S0, "TRIM_HORIZON");
    let r = k.get(&it).unwrap();
    assert_eq!(
        datas(&r),
        [
            b"before-1".to_vec(),
            b"before-2".to_vec(),
            b"during".to_vec()
        ]
    );
    it = r["NextShardIterator"].as_str().unwrap().to_string();
    let end = k.get(&it).unwrap();
    assert!(end["NextShardIterator"].is_null(), "{end}");
    let children = end["ChildShards"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[0]["ShardId"], S1);
    assert_eq!(children[0]["ParentShards"], json!([S0]));
    assert_eq!(
        datas(&{
            let it = k.iterator("s", S1, "TRIM_HORIZON");
            k.get(&it).unwrap()
        }),
        [b"after-a".to_vec()]
    );
}

#[test]
fn a_closed_shards_latest_iterator_reaches_its_end_at_once() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "a", b"x");
    k.ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": S0, "NewStartingHashKey": "1000"}),
    );
    k.advance(60_000);
    let it = k.iterator("s", S0, "LATEST");
    let r = k.get(&it).unwrap();
    assert!(r["NextShardIterator"].is_null());
    assert!(r["Records"].as_array().unwrap().is_empty());
}

#[test]
fn merged_shards_have_one_child_with_both_parents() {
    let mut k = K::new();
    k.stream("s", 3);
    k.put_ok("s", "a", b"p0");
    let e = k.err(
        "MergeShards",
        json!({"StreamName": "s", "ShardToMerge": S0, "AdjacentShardToMerge": S2}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    assert!(e
        .message
        .ends_with("are not an adjacent pair of shards eligible for merging"));
    k.ok(
        "MergeShards",
        json!({"StreamName": "s", "ShardToMerge": S1, "AdjacentShardToMerge": S0}),
    );
    let e = k.err(
        "MergeShards",
        json!({"StreamName": "s", "ShardToMerge": S1, "AdjacentShardToMerge": S2}),
    );
    assert_eq!(e.code, "ResourceInUseException");
    k.advance(60_000);
    let shards = k.shards("s");
    let child = &shards[3];
    assert_eq!(child["ParentShardId"], S1);
    assert_eq!(child["AdjacentParentShardId"], S0);
    assert_eq!(child["HashKeyRange"]["StartingHashKey"], "0");
    assert_eq!(k.put_ok("s", "a", b"c")["ShardId"], "shardId-000000000003");
    assert_eq!(k.read_all("s", S0), [b"p0".to_vec()]);
}
