//! Kinesis list operations page as the API reference says, and streams carry tags
//! (aws-rules §4.12).

mod kinesis_common;

use kinesis_common::*;
use mqlab_engine::kinesis::NEXT_TOKEN_TTL_MS;
use serde_json::json;

#[test]
fn list_streams_returns_at_most_100_streams_whatever_the_limit() {
    let mut k = K::new();
    for n in 0..101 {
        k.stream(&format!("s{n:03}"), 1);
    }
    let r = k.ok("ListStreams", json!({}));
    assert_eq!(r["StreamNames"].as_array().unwrap().len(), 100);
    assert_eq!(r["HasMoreStreams"], true);
    let r = k.ok("ListStreams", json!({"Limit": 10_000}));
    assert_eq!(r["StreamNames"].as_array().unwrap().len(), 100);
    assert_eq!(r["StreamSummaries"].as_array().unwrap().len(), 100);
    let r = k.ok("ListStreams", json!({"NextToken": r["NextToken"]}));
    assert_eq!(r["StreamNames"], json!(["s100"]));
    assert_eq!(r["HasMoreStreams"], false);
    assert!(r.get("NextToken").is_none());
    // The old continuation, by name, still works.
    let r = k.ok(
        "ListStreams",
        json!({"ExclusiveStartStreamName": "s098", "Limit": 1}),
    );
    assert_eq!(r["StreamNames"], json!(["s099"]));
    assert_eq!(r["HasMoreStreams"], true);
    let e = k.err("ListStreams", json!({"Limit": 10_001}));
    assert_eq!(e.code, "ValidationException");
    assert_eq!(
        k.err("ListStreams", json!({"Limit": 0})).code,
        "ValidationException"
    );
}

#[test]
fn list_streams_tokens_expire_and_garbled_ones_are_invalid() {
    let mut k = K::new();
    k.stream("a", 1);
    k.stream("b", 1);
    let r = k.ok("ListStreams", json!({"Limit": 1}));
    let token = r["NextToken"].clone();
    assert_eq!(
        k.err("ListStreams", json!({"NextToken": "garbage"})).code,
        "InvalidArgumentException"
    );
    k.advance(NEXT_TOKEN_TTL_MS + 1);
    assert_eq!(
        k.err("ListStreams", json!({"NextToken": token})).code,
        "ExpiredNextTokenException"
    );
}

#[test]
fn list_shards_next_token_excludes_the_members_that_position_the_list() {
    let mut k = K::new();
    k.stream("a", 3);
    let r = k.ok("ListShards", json!({"StreamName": "a", "MaxResults": 1}));
    let token = r["NextToken"].clone();
    for (member, value) in [
        ("ExclusiveStartShardId", json!("shardId-000000000000")),
        ("StreamCreationTimestamp", json!(0)),
        ("ShardFilter", json!({"Type": "AT_LATEST"})),
    ] {
        let mut p = json!({"NextToken": token});
        p[member] = value;
        let e = k.err("ListShards", p);
        assert_eq!(e.code, "InvalidArgumentException", "{member}");
        assert_eq!(
            e.message,
            format!("NextToken and {member} cannot be provided together.")
        );
    }
    // MaxResults may come with a token, and may exceed 1,000 (at most 1,000 are returned).
    let r = k.ok(
        "ListShards",
        json!({"NextToken": token, "MaxResults": 10_000}),
    );
    assert_eq!(r["Shards"].as_array().unwrap().len(), 2);
    assert_eq!(
        k.err(
            "ListShards",
            json!({"StreamName": "a", "MaxResults": 10_001})
        )
        .code,
        "ValidationException"
    );
}

#[test]
fn list_stream_consumers_pages_with_max_results_and_next_token() {
    let mut k = K::new();
    k.stream("s", 1);
    let arn = k.ok("DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"]
        ["StreamARN"]
        .clone();
    for c in ["a", "b", "c"] {
        k.ok(
            "RegisterStreamConsumer",
            json!({"StreamARN": arn, "ConsumerName": c}),
        );
    }
    let r = k.ok(
        "ListStreamConsumers",
        json!({"StreamARN": arn, "MaxResults": 2}),
    );
    assert_eq!(r["Consumers"].as_array().unwrap().len(), 2);
    let token = r["NextToken"].clone();
    let e = k.err(
        "ListStreamConsumers",
        json!({"StreamARN": arn, "NextToken": token, "StreamCreationTimestamp": 0}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    let r = k.ok(
        "ListStreamConsumers",
        json!({"StreamARN": arn, "NextToken": token}),
    );
    assert_eq!(r["Consumers"][0]["ConsumerName"], "c");
    assert!(r.get("NextToken").is_none());
    k.advance(NEXT_TOKEN_TTL_MS + 1);
    assert_eq!(
        k.err(
            "ListStreamConsumers",
            json!({"StreamARN": arn, "NextToken": token})
        )
        .code,
        "ExpiredNextTokenException"
    );
    assert_eq!(
        k.err(
            "ListStreamConsumers",
            json!({"StreamARN": arn, "MaxResults": 0})
        )
        .code,
        "ValidationException"
    );
}
