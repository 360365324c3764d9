//! Kinesis partitioning (aws-rules §4.2): MD5 partition-key routing, the even split of the hash
//! space, explicit hash keys, sequence numbers.

mod kinesis_common;

use kinesis_common::*;
use md5::{Digest, Md5};
use mqlab_engine::kinesis::keys::{even_ranges, partition_key_hash, SeqNum};
use serde_json::json;

/// Partition key → MD5 hex → the 128-bit big-endian integer, derived once outside mqlab
/// (`python3 -c "import hashlib; int(hashlib.md5(b'a').hexdigest(), 16)"`); MD5("a") =
/// 0cc175b9c0f1b6a831c399e269772661 is the RFC 1321 test vector.
const KNOWN: [(&str, &str, &str); 6] = [
    (
        "a",
        "0cc175b9c0f1b6a831c399e269772661",
        "16955237001963240173058271559858726497",
    ),
    (
        "123",
        "202cb962ac59075b964b07152d234b70",
        "42767516990368493138776584305024125808",
    ),
    (
        "alice",
        "6384e2b2184bcbf58eccf10ca7a6563c",
        "132283552702735894323332391932430538300",
    ),
    (
        "bob",
        "9f9d51bc70ef21ca5c14f307980a29d8",
        "212164099741615454138234394844395612632",
    ),
    (
        "user-1",
        "d6d7705392bc7af633328bea8c4c6904",
        "285573413173782752570879317399258818820",
    ),
    (
        "한글",
        "52b8c54ab4ea672ee6cdfdfef0a31db4",
        "109956079829900132974957416630108495284",
    ),
];

#[test]
fn partition_keys_hash_to_the_md5_of_their_utf8_as_a_big_endian_integer() {
    for (key, hex, decimal) in KNOWN {
        let digest = Md5::digest(key.as_bytes());
        let computed: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(computed, hex, "{key}");
        assert_eq!(u128::from_str_radix(hex, 16).unwrap().to_string(), decimal);
        assert_eq!(partition_key_hash(key).to_string(), decimal, "{key}");
    }
}

#[test]
fn the_initial_shards_split_the_hash_space_evenly_as_kinesalite_does() {
    let mut k = K::new();
    k.stream("four", 4);
    let shards = k.shards("four");
    let step = (1u128 << 126).to_string(); // 2^128 / 4
    assert_eq!(shards[0]["HashKeyRange"]["StartingHashKey"], "0");
    assert_eq!(shards[1]["HashKeyRange"]["StartingHashKey"], step);
    assert_eq!(
        shards[3]["HashKeyRange"]["EndingHashKey"],
        "340282366920938463463374607431768211455"
    );
    // Three shards: ⌊2^128/3⌋ = 113427455640312821154458202477256070485 each, the last to the end.
    let three = even_ranges(3);
    assert_eq!(
        three[1].0.to_string(),
        "113427455640312821154458202477256070485"
    );
    assert_eq!(three[0].1 + 1, three[1].0);
    assert_eq!(three[2].1, u128::MAX);
}

#[test]
fn a_partition_key_lands_on_the_shard_whose_range_holds_its_md5() {
    let mut k = K::new();
    k.stream("s", 4);
    let shards = k.shards("s");
    for (key, _, decimal) in KNOWN {
        let hash: u128 = decimal.parse().unwrap();
        let expected = shards
            .iter()
            .find(|s| {
                let lo: u128 = s["HashKeyRange"]["StartingHashKey"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                let hi: u128 = s["HashKeyRange"]["EndingHashKey"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                lo <= hash && hash <= hi
            })
            .unwrap()["ShardId"]
            .clone();
        assert_eq!(k.put_ok("s", key, b"x")["ShardId"], expected, "{key}");
    }
    // Worked by hand: "a" → 0.199·2^128 → shard 0; "user-1" → 0.84·2^128 → shard 3.
    assert_eq!(k.put_ok("s", "a", b"x")["ShardId"], S0);
    assert_eq!(
        k.put_ok("s", "user-1", b"x")["ShardId"],
        "shardId-000000000003"
    );
}

#[test]
fn the_same_partition_key_always_lands_on_the_same_shard() {
    let mut k = K::new();
    k.stream("s", 8);
    for key in ["alice", "bob", "carol", "dave"] {
        let first = k.put_ok("s", key, b"1")["ShardId"].clone();
        for _ in 0..5 {
            k.advance(10);
            assert_eq!(k.put_ok("s", key, b"2")["ShardId"], first);
        }
    }
}

#[test]
fn an_explicit_hash_key_overrides_the_partition_key() {
    let mut k = K::new();
    k.stream("s", 2);
    let top = (u128::MAX).to_string();
    let r = k.ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "ExplicitHashKey": top, "Data": b64(b"x")}),
    );
    assert_eq!(r["ShardId"], S1); // "a" alone would go to shard 0
    let e = k.err(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "ExplicitHashKey": "340282366920938463463374607431768211456", "Data": b64(b"x")}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    assert!(e.message.starts_with(
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]."
    ));
    let e = k.err(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "ExplicitHashKey": "-1", "Data": b64(b"x")}),
    );
    assert_eq!(e.code, "ValidationException");
}

#[test]
fn sequence_numbers_increase_within_a_shard_and_are_unique_in_the_stream() {
    let mut k = K::new();
    k.stream("s", 3);
    let mut all = std::collections::BTreeSet::new();
    let mut last: std::collections::BTreeMap<String, SeqNum> = Default::default();
    for n in 0..300 {
        let r = k.put_ok("s", &format!("key-{n}"), b"d");
        let text = r["SequenceNumber"].as_str().unwrap().to_string();
        assert_eq!(text.len(), 56, "AWS's 56-digit form: {text}");
        let seq = SeqNum::parse(&text).unwrap();
        let shard = r["ShardId"].as_str().unwrap().to_string();
        if let Some(prev) = last.get(&shard) {
            assert!(seq > *prev);
        }
        last.insert(shard, seq);
        assert!(all.insert(text));
        if n % 7 == 0 {
            k.advance(1_300);
        }
    }
}

#[test]
fn sequence_number_for_ordering_must_be_a_sequence_number_from_the_past() {
    let mut k = K::new();
    k.stream("s", 1);
    let first = k.put_ok("s", "k", b"1")["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let r = k.ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(b"2"), "SequenceNumberForOrdering": first}),
    );
    assert!(
        SeqNum::parse(r["SequenceNumber"].as_str().unwrap()).unwrap()
            > SeqNum::parse(&first).unwrap()
    );
    let e = k.err(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(b"2"), "SequenceNumberForOrdering": "12"}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
}
