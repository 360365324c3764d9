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
    let e = k.err(
        "ListStreams",
        json!({"ExclusiveStartStreamName": "bad name"}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = k.err("ListStreams", json!({"Limit": 10_001}));
    assert_eq!(e.code, "ValidationException");
    assert_eq!(
        k.err("ListStreams", json!({"Limit": 0})).code,
        "ValidationException"
    );
}

#[test]
fn describe_stream_returns_at_most_100_shards_whatever_the_limit() {
    let mut k = K::new();
    k.stream("s", 101);
    let d = k.ok(
        "DescribeStream",
        json!({"StreamName": "s", "Limit": 10_000}),
    );
    let sd = &d["StreamDescription"];
    assert_eq!(sd["Shards"].as_array().unwrap().len(), 100);
    assert_eq!(sd["HasMoreShards"], true);
    let last = sd["Shards"][99]["ShardId"].clone();
    let d = k.ok(
        "DescribeStream",
        json!({"StreamName": "s", "ExclusiveStartShardId": last}),
    );
    let sd = &d["StreamDescription"];
    assert_eq!(sd["Shards"].as_array().unwrap().len(), 1);
    assert_eq!(sd["HasMoreShards"], false);
    let e = k.err(
        "DescribeStream",
        json!({"StreamName": "s", "Limit": 10_001}),
    );
    assert_eq!(e.code, "ValidationException");
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

fn tags(v: &serde_json::Value) -> Vec<(String, String)> {
    v["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().unwrap().to_string(),
                t["Value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn stream_tags_are_added_listed_in_pages_and_removed() {
    let mut k = K::new();
    k.ok(
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 1, "Tags": {"team": "data"}}),
    );
    k.advance(mqlab_engine::kinesis::STREAM_CREATE_DELAY_MS);
    k.ok(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"env": "prod", "team": "ingest", "cost": ""}}),
    );
    let r = k.ok("ListTagsForStream", json!({"StreamName": "s"}));
    assert_eq!(
        tags(&r),
        [("cost", ""), ("env", "prod"), ("team", "ingest")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(r["HasMoreTags"], false);
    let r = k.ok("ListTagsForStream", json!({"StreamName": "s", "Limit": 2}));
    assert_eq!(tags(&r).len(), 2);
    assert_eq!(r["HasMoreTags"], true);
    let r = k.ok(
        "ListTagsForStream",
        json!({"StreamName": "s", "ExclusiveStartTagKey": "env"}),
    );
    assert_eq!(tags(&r), [("team".to_string(), "ingest".to_string())]);
    k.ok(
        "RemoveTagsFromStream",
        json!({"StreamName": "s", "TagKeys": ["env", "absent"]}),
    );
    let r = k.ok("ListTagsForStream", json!({"StreamName": "s"}));
    assert_eq!(tags(&r).len(), 2);
    // The ARN-based operations see the same tags.
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
    k.ok(
        "TagResource",
        json!({"ResourceARN": arn, "Tags": {"x": "1"}}),
    );
    k.ok(
        "UntagResource",
        json!({"ResourceARN": arn, "TagKeys": ["cost"]}),
    );
    let r = k.ok("ListTagsForResource", json!({"ResourceARN": arn}));
    assert_eq!(
        tags(&r),
        [("team", "ingest"), ("x", "1")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let r = k.ok("ListTagsForStream", json!({"StreamARN": arn}));
    assert_eq!(tags(&r).len(), 2);
}

#[test]
fn tag_limits_give_the_documented_errors() {
    let mut k = K::new();
    k.stream("s", 1);
    let eleven: serde_json::Map<String, serde_json::Value> =
        (0..11).map(|n| (format!("k{n}"), json!("v"))).collect();
    let e = k.err(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": eleven}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = k.err("AddTagsToStream", json!({"StreamName": "s", "Tags": {}}));
    assert_eq!(e.code, "ValidationException");
    let e = k.err("AddTagsToStream", json!({"StreamName": "s"}));
    assert_eq!(e.code, "ValidationException");
    let long_key = "k".repeat(129);
    let e = k.err(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {long_key: "v"}}),
    );
    assert_eq!(e.code, "ValidationException");
    let long_value = "v".repeat(257);
    let e = k.err(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"k": long_value}}),
    );
    assert_eq!(e.code, "ValidationException");
    k.ok(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"k".repeat(128): "v".repeat(256)}}),
    );
    let e = k.err(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"a#b": "v"}}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    // 50 tags per stream: 1 + 49 fit, the 51st does not, and nothing of the refused call stays.
    for batch in 0..5 {
        let t: serde_json::Map<String, serde_json::Value> = (0..10)
            .filter(|n| batch * 10 + n < 49)
            .map(|n| (format!("t{:02}", batch * 10 + n), json!("v")))
            .collect();
        k.ok("AddTagsToStream", json!({"StreamName": "s", "Tags": t}));
    }
    let e = k.err(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"one-more": "v", "t00": "w"}}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    assert!(
        e.message.contains("cannot have more than 50 tags"),
        "{}",
        e.message
    );
    let r = k.ok("ListTagsForStream", json!({"StreamName": "s"}));
    assert_eq!(tags(&r).len(), 50);
    assert_eq!(r["HasMoreTags"], false);
    assert!(tags(&r).contains(&("t00".to_string(), "v".to_string())));
    // Overwriting an existing key is not a new tag.
    k.ok(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"t00": "w"}}),
    );
    for bad in [0, 51] {
        let e = k.err(
            "ListTagsForStream",
            json!({"StreamName": "s", "Limit": bad}),
        );
        assert_eq!(e.code, "ValidationException");
    }
    let e = k.err("ListTagsForStream", json!({"StreamName": "nope"}));
    assert_eq!(e.code, "ResourceNotFoundException");
    let e = k.err(
        "TagResource",
        json!({"ResourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/nope", "Tags": {"a": "b"}}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
    let fifty_one: serde_json::Map<String, serde_json::Value> =
        (0..51).map(|n| (format!("k{n}"), json!("v"))).collect();
    let e = k.err(
        "CreateStream",
        json!({"StreamName": "t", "ShardCount": 1, "Tags": fifty_one}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    let e = k.err(
        "RemoveTagsFromStream",
        json!({"StreamName": "s", "TagKeys": []}),
    );
    assert_eq!(e.code, "ValidationException");
}

#[test]
fn a_recreated_stream_starts_without_tags() {
    let mut k = K::new();
    k.stream("s", 1);
    k.ok(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"a": "b"}}),
    );
    k.ok("DeleteStream", json!({"StreamName": "s"}));
    k.advance(mqlab_engine::kinesis::STREAM_DELETE_DELAY_MS);
    k.stream("s", 1);
    let r = k.ok("ListTagsForStream", json!({"StreamName": "s"}));
    assert!(tags(&r).is_empty());
}
