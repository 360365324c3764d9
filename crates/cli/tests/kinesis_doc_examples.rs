//! Kinesis Data Streams through `mqlab api` (the built binary): the shape of the AWS
//! documentation's CLI tutorial ("Tutorial: Perform basic Kinesis Data Streams operations
//! using the AWS CLI", https://docs.aws.amazon.com/streams/latest/dev/fundamental-stream.html:
//! create-stream, describe-stream-summary, list-streams, put-record with partition key 123 and
//! data "testdata", get-shard-iterator TRIM_HORIZON, get-records, delete-stream) and the
//! runnable Kinesis examples in examples/api. Sequence numbers and iterators are random-looking
//! in AWS: they are checked for shape only.

mod common;

use common::{mqlab_api, run};
use serde_json::{json, Value};
use std::path::Path;

fn run_example(name: &str) -> Vec<Value> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../examples/api/{name}.jsonl"));
    mqlab_api(path.to_str().unwrap(), "")
}

fn k(t: f64, op: &str, params: Value, bind: Value) -> Value {
    json!({"t": t, "svc": "kinesis", "op": op, "params": params, "bind": bind})
}

#[track_caller]
fn ok(v: &Value) -> &Value {
    v.get("response")
        .unwrap_or_else(|| panic!("expected a response: {v}"))
}

#[track_caller]
fn code(v: &Value) -> &str {
    v["error"]["Code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {v}"))
}

fn is_sequence_number(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 56 && s.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn the_cli_tutorial_creates_a_stream_puts_a_record_and_reads_it_back() {
    let out = run(&[
        k(
            0.0,
            "CreateStream",
            json!({"StreamName": "Foo", "ShardCount": 1}),
            json!({}),
        ),
        k(
            0.0,
            "DescribeStreamSummary",
            json!({"StreamName": "Foo"}),
            json!({}),
        ),
        k(
            40.0,
            "DescribeStreamSummary",
            json!({"StreamName": "Foo"}),
            json!({}),
        ),
        k(41.0, "ListStreams", json!({}), json!({})),
        k(
            42.0,
            "PutRecord",
            json!({"StreamName": "Foo", "PartitionKey": "123", "Data": "dGVzdGRhdGE="}),
            json!({}),
        ),
        k(
            43.0,
            "GetShardIterator",
            json!({"StreamName": "Foo", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
            json!({"it": "ShardIterator"}),
        ),
        k(
            44.0,
            "GetRecords",
            json!({"ShardIterator": "${it}"}),
            json!({"next": "NextShardIterator"}),
        ),
        k(
            45.0,
            "GetRecords",
            json!({"ShardIterator": "${next}"}),
            json!({}),
        ),
        k(
            46.0,
            "DeleteStream",
            json!({"StreamName": "Foo"}),
            json!({}),
        ),
        k(
            46.0,
            "DescribeStreamSummary",
            json!({"StreamName": "Foo"}),
            json!({}),
        ),
        k(60.0, "ListStreams", json!({}), json!({})),
    ]);
    assert_eq!(ok(&out[0]), &json!({}));
    let summary = &ok(&out[1])["StreamDescriptionSummary"];
    assert_eq!(summary["StreamStatus"], "CREATING");
    let summary = &ok(&out[2])["StreamDescriptionSummary"];
    assert_eq!(summary["StreamStatus"], "ACTIVE");
    assert_eq!(summary["StreamName"], "Foo");
    assert_eq!(
        summary["StreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/Foo"
    );
    assert_eq!(summary["RetentionPeriodHours"], 24);
    assert_eq!(summary["OpenShardCount"], 1);
    assert_eq!(summary["EncryptionType"], "NONE");
    assert_eq!(
        summary["EnhancedMonitoring"],
        json!([{"ShardLevelMetrics": []}])
    );
    assert_eq!(ok(&out[3])["StreamNames"], json!(["Foo"]));
    assert_eq!(ok(&out[3])["HasMoreStreams"], false);
    let put = ok(&out[4]);
    assert_eq!(put["ShardId"], "shardId-000000000000");
    assert!(is_sequence_number(&put["SequenceNumber"]), "{put}");
    let got = ok(&out[6]);
    let rec = &got["Records"][0];
    assert_eq!(rec["Data"], "dGVzdGRhdGE="); // "testdata"
    assert_eq!(rec["PartitionKey"], "123");
    assert_eq!(rec["SequenceNumber"], put["SequenceNumber"]);
    assert_eq!(rec["ApproximateArrivalTimestamp"], 1_767_225_642.0);
    assert_eq!(got["MillisBehindLatest"], 0);
    assert!(got["NextShardIterator"].is_string());
    assert_eq!(ok(&out[7])["Records"], json!([]));
    assert_eq!(ok(&out[8]), &json!({}));
    assert_eq!(
        ok(&out[9])["StreamDescriptionSummary"]["StreamStatus"],
        "DELETING"
    );
    assert_eq!(ok(&out[10])["StreamNames"], json!([]));
}

#[test]
fn subscribe_to_shard_answers_with_the_events_of_its_five_minutes() {
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
    let out = run(&[
        k(
            0.0,
            "CreateStream",
            json!({"StreamName": "s", "ShardCount": 1}),
            json!({}),
        ),
        k(
            30.0,
            "RegisterStreamConsumer",
            json!({"StreamARN": arn, "ConsumerName": "c"}),
            json!({"c": "Consumer.ConsumerARN"}),
        ),
        k(
            40.0,
            "SubscribeToShard",
            json!({"ConsumerARN": "${c}", "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "LATEST"}}),
            json!({}),
        ),
        k(
            50.0,
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="}),
            json!({}),
        ),
    ]);
    assert_eq!(out[2]["t_done"], 340.0);
    let events = ok(&out[2])["EventStream"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0]["SubscribeToShardEvent"];
    assert_eq!(e["Records"][0]["Data"], "aGk=");
    assert!(is_sequence_number(&e["ContinuationSequenceNumber"]));
}

#[test]
fn example_kinesis_basics_same_key_same_shard() {
    let out = run_example("kinesis-basics");
    assert_eq!(
        ok(&out[1])["StreamDescriptionSummary"]["StreamStatus"],
        "CREATING"
    );
    assert_eq!(ok(&out[2])["StreamDescription"]["StreamStatus"], "ACTIVE");
    let alice1 = &ok(&out[3])["ShardId"];
    let bob = &ok(&out[4])["ShardId"];
    let alice2 = &ok(&out[5])["ShardId"];
    assert_eq!(alice1, alice2);
    assert_ne!(alice1, bob);
    let batch = ok(&out[6]);
    assert_eq!(batch["FailedRecordCount"], 0);
    assert_eq!(&batch["Records"][0]["ShardId"], alice1);
    assert_eq!(ok(&out[7])["ShardId"], "shardId-000000000001");
    let shard0 = ok(&out[9])["Records"].as_array().unwrap();
    let keys: Vec<_> = shard0
        .iter()
        .map(|r| r["PartitionKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["alice", "alice", "alice"]);
    assert_eq!(ok(&out[11])["Records"].as_array().unwrap().len(), 2);
    assert_eq!(ok(&out[13])["Records"].as_array().unwrap().len(), 2); // after order-1
    assert_eq!(ok(&out[14])["Records"], json!([]));
}

#[test]
fn example_kinesis_resharding_reads_the_parent_to_its_end() {
    let out = run_example("kinesis-resharding");
    assert_eq!(
        ok(&out[4])["StreamDescriptionSummary"]["StreamStatus"],
        "UPDATING"
    );
    assert_eq!(code(&out[5]), "ResourceInUseException");
    assert_eq!(ok(&out[6])["ShardId"], "shardId-000000000000");
    assert_eq!(ok(&out[7])["Shards"].as_array().unwrap().len(), 3);
    assert_eq!(ok(&out[8])["ShardId"], "shardId-000000000001");
    assert_eq!(ok(&out[9])["ShardId"], "shardId-000000000002");
    assert_eq!(ok(&out[11])["Records"].as_array().unwrap().len(), 3);
    let end = ok(&out[12]);
    assert!(end["NextShardIterator"].is_null());
    assert_eq!(end["ChildShards"].as_array().unwrap().len(), 2);
    assert_eq!(ok(&out[14])["Records"][0]["PartitionKey"], "alice");
    assert_eq!(ok(&out[16])["TargetShardCount"], 2);
    assert_eq!(ok(&out[17])["Shards"].as_array().unwrap().len(), 2);
}

#[test]
fn example_kinesis_errors_give_the_documented_codes() {
    let out = run_example("kinesis-errors");
    let codes: Vec<&str> = out
        .iter()
        .map(|l| l["error"]["Code"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        codes,
        [
            "-",
            "ResourceNotFoundException",
            "ResourceInUseException",
            "ValidationException",
            "ResourceNotFoundException",
            "ValidationException",
            "InvalidArgumentException",
            "-",
            "ResourceNotFoundException",
            "InvalidArgumentException",
            "ExpiredIteratorException",
            "InvalidArgumentException",
            "InvalidArgumentException",
            "InvalidArgumentException",
            "-",
            "InvalidArgumentException",
            "InvalidArgumentException",
            "LimitExceededException",
            "InvalidArgumentException",
            "-",
            "ResourceNotFoundException",
        ]
    );
}

/// aws-rules §4.12: stream tags through `mqlab api`: given at CreateStream, added, listed a
/// page at a time, removed, listed by ARN; an unknown stream is not found.
#[test]
fn stream_tags_through_mqlab_api() {
    let out = run(&[
        k(
            0.0,
            "CreateStream",
            json!({"StreamName": "s", "ShardCount": 1, "Tags": {"Owner": "me"}}),
            json!({}),
        ),
        k(
            30.0,
            "AddTagsToStream",
            json!({"StreamName": "s", "Tags": {"Project": "myProject", "Environment": "Production"}}),
            json!({}),
        ),
        k(
            31.0,
            "ListTagsForStream",
            json!({"StreamName": "s", "Limit": 2}),
            json!({}),
        ),
        k(
            32.0,
            "RemoveTagsFromStream",
            json!({"StreamName": "s", "TagKeys": ["Owner"]}),
            json!({}),
        ),
        k(
            33.0,
            "ListTagsForResource",
            json!({"ResourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}),
            json!({}),
        ),
        k(
            34.0,
            "AddTagsToStream",
            json!({"StreamName": "missing", "Tags": {"a": "b"}}),
            json!({}),
        ),
    ]);
    assert_eq!(ok(&out[1]), &json!({}));
    assert_eq!(
        ok(&out[2]),
        &json!({"Tags": [{"Key": "Environment", "Value": "Production"}, {"Key": "Owner", "Value": "me"}], "HasMoreTags": true})
    );
    assert_eq!(
        ok(&out[4]),
        &json!({"Tags": [{"Key": "Environment", "Value": "Production"}, {"Key": "Project", "Value": "myProject"}]})
    );
    assert_eq!(code(&out[5]), "ResourceNotFoundException");
}
