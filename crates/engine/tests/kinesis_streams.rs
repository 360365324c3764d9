//! Kinesis streams: creation and deletion in virtual time, retention (aws-rules §4.4), resharding
//! limits (§4.5, §4.1), capacity modes (§4.7), enhanced fan-out (§4.6), metrics and cost.

mod kinesis_common;

use kinesis_common::*;
use mqlab_engine::kinesis::{
    STREAM_CREATE_DELAY_MS, STREAM_DELETE_DELAY_MS, STREAM_UPDATE_DELAY_MS,
};
use mqlab_engine::time::{MS_PER_H, MS_PER_MIN};
use serde_json::json;

#[test]
fn a_stream_is_creating_until_its_delay_has_passed_then_active() {
    let mut k = K::new();
    k.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 2}));
    let d = k.ok("DescribeStream", json!({"StreamName": "s"}));
    assert_eq!(d["StreamDescription"]["StreamStatus"], "CREATING");
    assert_eq!(d["StreamDescription"]["Shards"], json!([]));
    assert_eq!(
        k.put("s", "k", b"x").unwrap_err().code,
        "ResourceNotFoundException"
    );
    k.advance(STREAM_CREATE_DELAY_MS - 1);
    assert_eq!(k.status("s"), "CREATING");
    k.advance(1);
    let d = k.ok("DescribeStream", json!({"StreamName": "s"}));
    let sd = &d["StreamDescription"];
    assert_eq!(sd["StreamStatus"], "ACTIVE");
    assert_eq!(
        sd["StreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/s"
    );
    assert_eq!(sd["RetentionPeriodHours"], 24);
    assert_eq!(sd["StreamModeDetails"]["StreamMode"], "PROVISIONED");
    assert_eq!(sd["Shards"].as_array().unwrap().len(), 2);
    assert_eq!(sd["HasMoreShards"], false);
}

#[test]
fn stream_names_are_unique_and_validated() {
    let mut k = K::new();
    k.stream("s", 1);
    let e = k.err("CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "ResourceInUseException",
            "Stream s under account 123456789012 already exists."
        )
    );
    let e = k.err(
        "CreateStream",
        json!({"StreamName": "bad name", "ShardCount": 1}),
    );
    assert_eq!(e.code, "ValidationException");
    assert_eq!(e.message, "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    let e = k.err("CreateStream", json!({"StreamName": "z", "ShardCount": 0}));
    assert!(e
        .message
        .ends_with("Member must have value greater than or equal to 1"));
    let e = k.err("DescribeStream", json!({"StreamName": "nope"}));
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "ResourceNotFoundException",
            "Stream nope under account 123456789012 not found."
        )
    );
}

#[test]
fn the_account_shard_limit_refuses_a_stream_that_would_exceed_it() {
    let mut k = K::new();
    k.stream("big", 400);
    let e = k.err(
        "CreateStream",
        json!({"StreamName": "more", "ShardCount": 101}),
    );
    assert_eq!(e.code, "LimitExceededException");
    assert!(e
        .message
        .contains("Current shard count for the account: 400. Limit: 500."));
}

#[test]
fn a_deleted_stream_is_deleting_then_gone() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "k", b"x");
    k.ok("DeleteStream", json!({"StreamName": "s"}));
    assert_eq!(k.status("s"), "DELETING");
    assert_eq!(
        k.put("s", "k", b"x").unwrap_err().code,
        "ResourceNotFoundException"
    );
    k.advance(STREAM_DELETE_DELAY_MS);
    assert_eq!(
        k.err("DescribeStreamSummary", json!({"StreamName": "s"}))
            .code,
        "ResourceNotFoundException"
    );
    // Re-created, it starts empty and old iterators do not reach it.
    k.stream("s", 1);
    assert!(k.read_all("s", S0).is_empty());
}

#[test]
fn list_streams_and_list_shards_page_with_next_tokens() {
    let mut k = K::new();
    for n in ["a", "b", "c"] {
        k.stream(n, 3);
    }
    let r = k.ok("ListStreams", json!({"Limit": 2}));
    assert_eq!(r["StreamNames"], json!(["a", "b"]));
    assert_eq!(r["HasMoreStreams"], true);
    let r = k.ok("ListStreams", json!({"NextToken": r["NextToken"]}));
    assert_eq!(r["StreamNames"], json!(["c"]));
    let r = k.ok("ListShards", json!({"StreamName": "a", "MaxResults": 2}));
    assert_eq!(r["Shards"].as_array().unwrap().len(), 2);
    let token = r["NextToken"].clone();
    let e = k.err("ListShards", json!({"StreamName": "a", "NextToken": token}));
    assert_eq!(
        e.message,
        "NextToken and StreamName cannot be provided together."
    );
    let r = k.ok("ListShards", json!({"NextToken": token}));
    assert_eq!(r["Shards"][0]["ShardId"], S2);
    assert!(r.get("NextToken").is_none());
    k.advance(301_000);
    assert_eq!(
        k.err("ListShards", json!({"NextToken": token})).code,
        "ExpiredNextTokenException"
    );
    let r = k.ok(
        "ListShards",
        json!({"StreamName": "a", "ExclusiveStartShardId": S0}),
    );
    assert_eq!(r["Shards"].as_array().unwrap().len(), 2);
}

#[test]
fn list_shards_filters_open_shards_with_at_latest() {
    let mut k = K::new();
    k.stream("s", 2);
    k.ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": S0, "NewStartingHashKey": "1000"}),
    );
    k.advance(STREAM_UPDATE_DELAY_MS);
    let all = k.ok("ListShards", json!({"StreamName": "s"}));
    assert_eq!(all["Shards"].as_array().unwrap().len(), 4);
    let open = k.ok(
        "ListShards",
        json!({"StreamName": "s", "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    let ids: Vec<_> = open["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ShardId"].clone())
        .collect();
    assert_eq!(ids, [json!(S1), json!(S2), json!("shardId-000000000003")]);
    let horizon = k.ok(
        "ListShards",
        json!({"StreamName": "s", "ShardFilter": {"Type": "AT_TRIM_HORIZON"}}),
    );
    assert_eq!(horizon["Shards"].as_array().unwrap().len(), 2);
}

#[test]
fn records_older_than_the_retention_period_are_trimmed() {
    let mut k = K::new();
    k.stream("s", 1);
    k.put_ok("s", "k", b"old");
    k.advance(12 * MS_PER_H);
    k.put_ok("s", "k", b"new");
    k.advance(12 * MS_PER_H + MS_PER_MIN);
    assert_eq!(k.read_all("s", S0), [b"new".to_vec()]);
    assert_eq!(
        k.w.kinesis().stream("s").unwrap().shards[0]
            .totals
            .records_expired,
        1
    );
}

#[test]
fn retention_cannot_be_decreased_below_24_hours() {
    let mut k = K::new();
    k.stream("s", 1);
    let e = k.err(
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 23}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    assert_eq!(e.message, "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
}

#[test]
fn retention_cannot_be_increased_beyond_8760_hours() {
    let mut k = K::new();
    k.stream("s", 1);
    let e = k.err(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 8761}),
    );
    assert_eq!(e.message, "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.");
    k.ok(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 8760}),
    );
}

#[test]
fn an_increase_must_not_be_lower_and_a_decrease_not_higher_than_the_current_retention() {
    let mut k = K::new();
    k.stream("s", 1);
    k.ok(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 48}),
    );
    let e = k.err(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 30}),
    );
    assert_eq!(e.message, "Requested retention period (30 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.");
    let e = k.err(
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 72}),
    );
    assert_eq!(e.message, "Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.");
}

#[test]
fn a_longer_retention_keeps_records_longer_and_a_decrease_trims_at_once() {
    let mut k = K::new();
    k.stream("s", 1);
    k.ok(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 48}),
    );
    k.put_ok("s", "k", b"kept");
    k.advance(30 * MS_PER_H);
    assert_eq!(k.read_all("s", S0), [b"kept".to_vec()]);
    k.ok(
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 24}),
    );
    assert!(k.read_all("s", S0).is_empty());
}

#[test]
fn a_split_key_must_lie_inside_the_shards_range_and_not_at_its_start() {
    let mut k = K::new();
    k.stream("s", 1);
    for key in ["0", "1", "340282366920938463463374607431768211455"] {
        let e = k.err(
            "SplitShard",
            json!({"StreamName": "s", "ShardToSplit": S0, "NewStartingHashKey": key}),
        );
        assert_eq!(e.code, "InvalidArgumentException", "{key}");
        assert!(e
            .message
            .contains("is not both greater than one plus the shard's StartingHashKey 0"));
    }
    let e = k.err("SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000009", "NewStartingHashKey": "10"}));
    assert_eq!(e.code, "ResourceNotFoundException");
    k.ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": S0, "NewStartingHashKey": "2"}),
    );
    k.advance(STREAM_UPDATE_DELAY_MS);
    let e = k.err(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": S0, "NewStartingHashKey": "10"}),
    );
    assert!(e.message.ends_with(
        "has already been merged or split, and thus is not eligible for merging or splitting."
    ));
}

#[test]
fn update_shard_count_scales_uniformly_within_double_and_half() {
    let mut k = K::new();
    k.stream("s", 2);
    let up = |k: &mut K, n: u32| {
        k.call(
            "UpdateShardCount",
            json!({"StreamName": "s", "TargetShardCount": n, "ScalingType": "UNIFORM_SCALING"}),
        )
    };
    assert_eq!(up(&mut k, 5).unwrap_err().code, "LimitExceededException");
    let r = up(&mut k, 4).unwrap();
    assert_eq!(
        (
            r["CurrentShardCount"].as_u64(),
            r["TargetShardCount"].as_u64()
        ),
        (Some(2), Some(4))
    );
    assert_eq!(k.status("s"), "UPDATING");
    k.advance(STREAM_UPDATE_DELAY_MS);
    let open = k.ok(
        "ListShards",
        json!({"StreamName": "s", "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    let starts: Vec<String> = open["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["HashKeyRange"]["StartingHashKey"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let even: Vec<String> = mqlab_engine::kinesis::keys::even_ranges(4)
        .iter()
        .map(|r| r.0.to_string())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_by_key(|s| s.parse::<u128>().unwrap());
    assert_eq!(sorted, even, "doubling gives the even split");
    assert_eq!(up(&mut k, 1).unwrap_err().code, "LimitExceededException");
    up(&mut k, 2).unwrap();
    k.advance(STREAM_UPDATE_DELAY_MS);
    assert_eq!(
        k.ok("DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"]
            ["OpenShardCount"],
        2
    );
    // Every key still lands on exactly one open shard.
    for key in ["a", "bob", "user-1", "한글"] {
        k.put_ok("s", key, b"x");
    }
}

#[test]
fn update_shard_count_is_limited_to_10_calls_per_24_hours() {
    let mut k = K::new();
    k.stream("s", 4);
    for n in 0..10 {
        let target = if n % 2 == 0 { 5 } else { 4 };
        k.ok("UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}));
        k.advance(STREAM_UPDATE_DELAY_MS);
    }
    let e = k.err(
        "UpdateShardCount",
        json!({"StreamName": "s", "TargetShardCount": 5, "ScalingType": "UNIFORM_SCALING"}),
    );
    assert_eq!(e.code, "LimitExceededException");
    k.advance(24 * MS_PER_H);
    k.ok(
        "UpdateShardCount",
        json!({"StreamName": "s", "TargetShardCount": 5, "ScalingType": "UNIFORM_SCALING"}),
    );
}

#[test]
fn on_demand_streams_cannot_be_resharded_by_hand() {
    let mut k = K::new();
    k.ok(
        "CreateStream",
        json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    k.advance(STREAM_CREATE_DELAY_MS);
    let e = k.err(
        "SplitShard",
        json!({"StreamName": "od", "ShardToSplit": S0, "NewStartingHashKey": "10"}),
    );
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "ValidationException",
            "Request is invalid. Stream od under account 123456789012 is in On-Demand mode."
        )
    );
}

#[test]
fn the_capacity_mode_switches_at_most_twice_per_24_hours() {
    let mut k = K::new();
    k.stream("s", 1);
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
    let switch = |k: &mut K, mode: &str| {
        k.call(
            "UpdateStreamMode",
            json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": mode}}),
        )
    };
    switch(&mut k, "ON_DEMAND").unwrap();
    assert_eq!(k.status("s"), "UPDATING");
    k.advance(STREAM_UPDATE_DELAY_MS);
    let d = k.ok("DescribeStreamSummary", json!({"StreamARN": arn}));
    assert_eq!(
        d["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"],
        "ON_DEMAND"
    );
    switch(&mut k, "PROVISIONED").unwrap();
    k.advance(STREAM_UPDATE_DELAY_MS);
    assert_eq!(
        switch(&mut k, "ON_DEMAND").unwrap_err().code,
        "LimitExceededException"
    );
    k.advance(24 * MS_PER_H);
    switch(&mut k, "ON_DEMAND").unwrap();
}

#[test]
fn enhanced_fan_out_consumers_register_and_each_get_their_own_pushes() {
    let mut k = K::new();
    k.stream("s", 1);
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
    let c = k.ok(
        "RegisterStreamConsumer",
        json!({"StreamARN": arn, "ConsumerName": "app"}),
    );
    assert_eq!(c["Consumer"]["ConsumerStatus"], "CREATING");
    let carn = c["Consumer"]["ConsumerARN"].as_str().unwrap().to_string();
    assert!(carn.starts_with("arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/app:"));
    assert_eq!(
        k.err(
            "RegisterStreamConsumer",
            json!({"StreamARN": arn, "ConsumerName": "app"})
        )
        .code,
        "ResourceInUseException"
    );
    k.advance(mqlab_engine::kinesis::CONSUMER_STATUS_DELAY_MS);
    let d = k.ok("DescribeStreamConsumer", json!({"ConsumerARN": carn}));
    assert_eq!(d["ConsumerDescription"]["ConsumerStatus"], "ACTIVE");
    assert_eq!(
        k.ok("ListStreamConsumers", json!({"StreamARN": arn}))["Consumers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    k.put_ok("s", "k", b"first");
    let call = k.w.call(
        "kinesis",
        "SubscribeToShard",
        &json!({"ConsumerARN": carn, "ShardId": S0, "StartingPosition": {"Type": "TRIM_HORIZON"}}),
    );
    assert!(
        k.w.take_completions().is_empty(),
        "a subscription answers when it ends"
    );
    let again = k.err(
        "SubscribeToShard",
        json!({"ConsumerARN": carn, "ShardId": S0, "StartingPosition": {"Type": "LATEST"}}),
    );
    assert_eq!(again.code, "ResourceInUseException");
    k.advance(10_000);
    k.put_ok("s", "k", b"second");
    k.advance(300_000);
    let done = k.w.take_completions();
    let answer = done
        .iter()
        .find(|c| c.call == call)
        .unwrap()
        .result
        .clone()
        .unwrap();
    let events = answer["EventStream"].as_array().unwrap();
    let got: Vec<Vec<u8>> = events
        .iter()
        .flat_map(|e| {
            e["SubscribeToShardEvent"]["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| unb64(&r["Data"]))
        })
        .collect();
    assert_eq!(got, [b"first".to_vec(), b"second".to_vec()]);
    k.ok("DeregisterStreamConsumer", json!({"ConsumerARN": carn}));
    k.advance(mqlab_engine::kinesis::CONSUMER_STATUS_DELAY_MS);
    assert_eq!(
        k.err("DescribeStreamConsumer", json!({"ConsumerARN": carn}))
            .code,
        "ResourceNotFoundException"
    );
}

#[test]
fn metrics_count_puts_reads_and_iterator_age_per_minute() {
    let mut k = K::new();
    k.stream("s", 1);
    k.advance(MS_PER_MIN - k.now() % MS_PER_MIN);
    k.put_ok("s", "k", b"12345");
    k.ok(
        "PutRecords",
        json!({"StreamName": "s", "Records": [{"PartitionKey": "k", "Data": b64(b"ab")}]}),
    );
    k.advance(5_000);
    let it = k.iterator("s", S0, "TRIM_HORIZON");
    k.get(&it).unwrap();
    k.advance(MS_PER_MIN);
    let rows = k.w.kinesis().metric_rows();
    let v = |m: &str| {
        rows.iter()
            .filter(|r| r.metric == m)
            .map(|r| r.value)
            .sum::<f64>()
    };
    assert_eq!(v("IncomingRecords"), 2.0);
    assert_eq!(v("IncomingBytes"), 9.0); // data plus partition keys
    assert_eq!(v("PutRecord.Success"), 1.0);
    assert_eq!(v("PutRecords.Success"), 1.0);
    assert_eq!(v("GetRecords.Records"), 2.0);
    assert_eq!(v("GetRecords.IteratorAgeMilliseconds"), 5_000.0);
    assert_eq!(v("WriteProvisionedThroughputExceeded"), 0.0);
}

#[test]
fn provisioned_streams_cost_shard_hours_and_25_kb_put_payload_units() {
    let mut k = K::new();
    k.stream("s", 2);
    k.put_ok("s", "k", &vec![0u8; 5 * 1024]); // 1 unit
    k.put_ok("s", "k", &vec![0u8; 45 * 1024]); // 2 units
    k.advance(MS_PER_H);
    let cost = k.w.kinesis().cost();
    assert_eq!(cost.put_payload_units, 3);
    assert!(
        cost.shard_ms >= 2 * MS_PER_H && cost.shard_ms < 2 * MS_PER_H + 2 * MS_PER_MIN,
        "{}",
        cost.shard_ms
    );
    let usd = cost.usd();
    assert!(
        (usd - (2.0 * 0.015 + 3.0 * 0.014 / 1e6)).abs() < 0.002,
        "{usd}"
    );
}

#[test]
fn on_demand_streams_cost_per_gb_with_records_rounded_up_to_1_kb() {
    let mut k = K::new();
    k.ok(
        "CreateStream",
        json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    k.advance(STREAM_CREATE_DELAY_MS);
    k.put_ok("od", "k", b"tiny");
    assert_eq!(k.w.kinesis().cost().on_demand_write_bytes, 1024);
    assert_eq!(k.w.kinesis().cost().put_payload_units, 0);
}

#[test]
fn the_same_calls_give_the_same_events() {
    let run = || {
        let mut k = K::new();
        k.stream("s", 3);
        for n in 0..50 {
            k.put_ok("s", &format!("k{n}"), b"x");
            k.advance(37);
        }
        k.ok("SplitShard", json!({"StreamName": "s", "ShardToSplit": S1, "NewStartingHashKey": "200000000000000000000000000000000000000"}));
        k.advance(60_000);
        mqlab_engine::events_hash(&k.w.drain_events())
    };
    assert_eq!(run(), run());
}

/// Every operation, fed odd values in every member, answers (a response or an AWS error)
/// instead of panicking.
#[test]
fn no_input_makes_the_engine_panic() {
    let ops = [
        "CreateStream",
        "DeleteStream",
        "DescribeStream",
        "DescribeStreamSummary",
        "ListStreams",
        "ListShards",
        "DescribeLimits",
        "PutRecord",
        "PutRecords",
        "GetShardIterator",
        "GetRecords",
        "IncreaseStreamRetentionPeriod",
        "DecreaseStreamRetentionPeriod",
        "SplitShard",
        "MergeShards",
        "UpdateShardCount",
        "UpdateStreamMode",
        "RegisterStreamConsumer",
        "DescribeStreamConsumer",
        "ListStreamConsumers",
        "DeregisterStreamConsumer",
        "SubscribeToShard",
        "AddTagsToStream",
        "RemoveTagsFromStream",
        "ListTagsForStream",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
        "Nope",
    ];
    let members = [
        "StreamName",
        "StreamARN",
        "ShardCount",
        "Limit",
        "ExclusiveStartShardId",
        "NextToken",
        "MaxResults",
        "Data",
        "PartitionKey",
        "ExplicitHashKey",
        "SequenceNumberForOrdering",
        "ShardId",
        "ShardIteratorType",
        "StartingSequenceNumber",
        "Timestamp",
        "ShardIterator",
        "RetentionPeriodHours",
        "ShardToSplit",
        "NewStartingHashKey",
        "ShardToMerge",
        "AdjacentShardToMerge",
        "TargetShardCount",
        "ScalingType",
        "ConsumerName",
        "ConsumerARN",
        "Records",
        "StreamModeDetails",
        "ShardFilter",
        "StartingPosition",
        "Tags",
        "TagKeys",
        "ExclusiveStartTagKey",
        "ResourceARN",
    ];
    let values = [
        json!(null),
        json!(-1),
        json!(0),
        json!(1),
        json!(1e300),
        json!(""),
        json!("s"),
        json!("shardId-000000000000"),
        json!("340282366920938463463374607431768211456"),
        json!("99999999999999999999999999999999999999999999999999999999999999999"),
        json!("AAAAAAAAAAE="),
        json!([]),
        json!({}),
        json!([{"PartitionKey": "k", "Data": "eA=="}]),
        json!({"StreamMode": "ON_DEMAND", "Type": "AT_LATEST"}),
        json!("TRIM_HORIZON"),
        json!("arn:aws:kinesis:us-east-1:123456789012:stream/s"),
    ];
    let mut k = K::new();
    k.stream("s", 2);
    for op in ops {
        for m in members {
            for v in &values {
                let mut p = serde_json::Map::new();
                p.insert("StreamName".into(), json!("s"));
                p.insert(m.into(), v.clone());
                k.w.call("kinesis", op, &serde_json::Value::Object(p));
                k.w.take_completions();
            }
        }
        k.advance(1_000);
    }
    k.advance(3_600_000);
}

#[test]
fn a_scenario_stream_is_active_from_the_start_and_its_producer_writes_by_partition_key() {
    use mqlab_engine::{EventKind, Scenario, World};
    let s = Scenario::from_json(
        r#"{"streams": [{"StreamName": "clicks", "ShardCount": 2}],
            "producers": [{"name": "web", "stream": "clicks", "rate_per_s": 10, "batch_size": 5,
                           "partition_keys": ["user-1", "user-2", "user-3"]}]}"#,
    )
    .unwrap();
    let mut w = World::from_scenario(&s).unwrap();
    w.advance_to(10_000);
    let ev = w.drain_events();
    let puts: Vec<(String, String)> = ev
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RecordPut {
                shard,
                partition_key,
                ..
            } => Some((partition_key.clone(), shard.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        puts.len(),
        105,
        "10/s from t = 0 in batches of 5: {}",
        puts.len()
    );
    // The same key always lands on the same shard.
    for key in ["user-1", "user-2", "user-3"] {
        let shards: std::collections::BTreeSet<&String> = puts
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, s)| s)
            .collect();
        assert_eq!(shards.len(), 1, "{key}: {shards:?}");
    }
    // A CreateStream made while the run goes on is CREATING for its usual 30 s.
    let id = w.call(
        "kinesis",
        "CreateStream",
        &serde_json::json!({"StreamName": "later", "ShardCount": 1}),
    );
    let _ = id;
    let id = w.call(
        "kinesis",
        "DescribeStreamSummary",
        &serde_json::json!({"StreamName": "later"}),
    );
    let done = w.take_completions();
    let summary = done
        .iter()
        .find(|c| c.call == id)
        .unwrap()
        .result
        .as_ref()
        .unwrap();
    assert_eq!(
        summary["StreamDescriptionSummary"]["StreamStatus"],
        "CREATING"
    );
    assert!(
        Scenario::from_json(r#"{"producers":[{"name":"p","stream":"nope"}]}"#)
            .unwrap_err()
            .field
            .starts_with("producers[0].stream")
    );
}
