//! Amazon Data Firehose (aws-rules §5): delivery streams and their states, Direct PUT with
//! its quotas and partial failures, buffering (size or interval, zero buffering), S3 object
//! keys, dynamic partitioning, the Lambda transformation's processing-failed output, HTTP-style
//! sinks with retries and S3 backup, a Kinesis stream as source sharing its shard's reads,
//! UpdateDestination's version check, metrics and the bill — through `World::call` as
//! `mqlab api` makes them.

use mqlab_engine::core::aws::{b64_decode, b64_encode};
use mqlab_engine::firehose::{BILLING_UNIT_BYTES, USD_PER_GB_INGESTED, ZERO_BUFFERING_DELAY_MS};
use mqlab_engine::{AwsError, World, WorldConfig};
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";

fn world() -> World {
    World::new(WorldConfig {
        seed: 7,
        ..Default::default()
    })
}

fn call(w: &mut World, svc: &str, op: &str, params: Value) -> Result<Value, AwsError> {
    let id = w.call(svc, op, &params);
    let c = w
        .take_completions()
        .into_iter()
        .find(|c| c.call == id)
        .unwrap_or_else(|| panic!("{svc} {op} did not complete at once"));
    w.drain_events();
    c.result
}

fn ok(w: &mut World, svc: &str, op: &str, params: Value) -> Value {
    call(w, svc, op, params.clone()).unwrap_or_else(|e| panic!("{op} {params}: {e}"))
}

fn err(w: &mut World, svc: &str, op: &str, params: Value) -> AwsError {
    match call(w, svc, op, params.clone()) {
        Ok(v) => panic!("{op} {params} succeeded with {v}"),
        Err(e) => e,
    }
}

fn s3_dest(bucket: &str, size_mb: u64, interval_s: u64) -> Value {
    json!({
        "RoleARN": ROLE,
        "BucketARN": format!("arn:aws:s3:::{bucket}"),
        "BufferingHints": {"SizeInMBs": size_mb, "IntervalInSeconds": interval_s},
    })
}

/// A bucket and an ACTIVE Direct PUT delivery stream to it.
fn stream(w: &mut World, name: &str, dest: Value) {
    let _ = call(w, "s3", "CreateBucket", json!({"Bucket": "lake"}));
    ok(
        w,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": name, "ExtendedS3DestinationConfiguration": dest}),
    );
    let t = w.now() + 5_000;
    w.advance_to(t);
}

fn put(w: &mut World, name: &str, data: &[u8]) -> Result<Value, AwsError> {
    call(
        w,
        "firehose",
        "PutRecord",
        json!({"DeliveryStreamName": name, "Record": {"Data": b64_encode(data)}}),
    )
}

fn keys(w: &mut World, bucket: &str) -> Vec<String> {
    let out = ok(w, "s3", "ListObjectsV2", json!({"Bucket": bucket}));
    out["Contents"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["Key"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn body(w: &mut World, bucket: &str, key: &str) -> String {
    let out = ok(w, "s3", "GetObject", json!({"Bucket": bucket, "Key": key}));
    String::from_utf8(b64_decode(out["Body"].as_str().unwrap()).unwrap()).unwrap()
}

fn status(w: &mut World, name: &str) -> String {
    let d = ok(
        w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": name}),
    );
    d["DeliveryStreamDescription"]["DeliveryStreamStatus"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn stream_states_go_creating_active_deleting() {
    let mut w = world();
    let create = json!({"DeliveryStreamName": "s", "ExtendedS3DestinationConfiguration": s3_dest("lake", 5, 300)});
    let out = ok(&mut w, "firehose", "CreateDeliveryStream", create.clone());
    assert_eq!(
        out["DeliveryStreamARN"],
        "arn:aws:firehose:us-east-1:123456789012:deliverystream/s"
    );
    assert_eq!(status(&mut w, "s"), "CREATING");
    assert_eq!(
        put(&mut w, "s", b"x").unwrap_err().code,
        "ResourceNotFoundException"
    );
    let e = err(
        &mut w,
        "firehose",
        "DeleteDeliveryStream",
        json!({"DeliveryStreamName": "s"}),
    );
    assert_eq!(e.code, "ResourceInUseException");
    assert_eq!(
        err(&mut w, "firehose", "CreateDeliveryStream", create).code,
        "ResourceInUseException"
    );
    w.advance_to(5_000);
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "s"}),
    );
    let d = &d["DeliveryStreamDescription"];
    assert_eq!(d["DeliveryStreamStatus"], "ACTIVE");
    assert_eq!(d["DeliveryStreamType"], "DirectPut");
    assert_eq!(d["VersionId"], "1");
    let dest = &d["Destinations"][0];
    assert_eq!(dest["DestinationId"], "destinationId-000000000001");
    assert_eq!(
        dest["ExtendedS3DestinationDescription"]["CompressionFormat"],
        "UNCOMPRESSED"
    );
    let list = ok(&mut w, "firehose", "ListDeliveryStreams", json!({}));
    assert_eq!(list["DeliveryStreamNames"], json!(["s"]));
    assert_eq!(list["HasMoreDeliveryStreams"], false);
    ok(
        &mut w,
        "firehose",
        "DeleteDeliveryStream",
        json!({"DeliveryStreamName": "s"}),
    );
    assert_eq!(status(&mut w, "s"), "DELETING");
    w.advance_to(10_000);
    let e = err(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "s"}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[test]
fn buffering_hints_are_validated_with_the_destinations_ranges() {
    let mut w = world();
    let mut create = |dest: Value| {
        call(
            &mut w,
            "firehose",
            "CreateDeliveryStream",
            json!({"DeliveryStreamName": "s", "ExtendedS3DestinationConfiguration": dest}),
        )
    };
    assert_eq!(
        create(s3_dest("lake", 129, 60)).unwrap_err().code,
        "InvalidArgumentException"
    );
    assert_eq!(
        create(s3_dest("lake", 5, 901)).unwrap_err().code,
        "InvalidArgumentException"
    );
    let mut one = s3_dest("lake", 5, 60);
    one["BufferingHints"] = json!({"SizeInMBs": 5});
    assert_eq!(create(one).unwrap_err().code, "InvalidArgumentException");
    let mut none = s3_dest("lake", 5, 60);
    none.as_object_mut().unwrap().remove("BufferingHints");
    create(none).unwrap();
    w.advance_to(5_000);
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "s"}),
    );
    assert_eq!(
        d["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"]
            ["BufferingHints"],
        json!({"SizeInMBs": 5, "IntervalInSeconds": 300})
    );
}

#[test]
fn buffer_flushes_on_size_before_interval() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 1, 900));
    let big = vec![b'a'; 600 * 1024];
    put(&mut w, "s", &big).unwrap();
    assert!(keys(&mut w, "lake").is_empty());
    put(&mut w, "s", &big).unwrap();
    // 1.2 MiB ≥ 1 MiB: delivered at once, long before the 900 s interval.
    let k = keys(&mut w, "lake");
    assert_eq!(k.len(), 1);
    assert_eq!(body(&mut w, "lake", &k[0]).len(), 2 * 600 * 1024);
    // S3 keeps the body for GetObject, and counts it as payload it holds.
    assert_eq!(w.s3().payload_bytes_retained(), 2 * 600 * 1024);
    ok(
        &mut w,
        "s3",
        "DeleteObject",
        json!({"Bucket": "lake", "Key": k[0]}),
    );
    assert_eq!(w.s3().payload_bytes_retained(), 0);
}

#[test]
fn buffer_flushes_on_interval_before_size() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 5, 60));
    put(&mut w, "s", b"one\n").unwrap();
    put(&mut w, "s", b"two\n").unwrap();
    w.advance_to(5_000 + 59_999);
    assert!(keys(&mut w, "lake").is_empty());
    w.advance_to(5_000 + 60_000);
    let k = keys(&mut w, "lake");
    assert_eq!(k.len(), 1);
    assert_eq!(body(&mut w, "lake", &k[0]), "one\ntwo\n");
}

#[test]
fn zero_buffering_delivers_within_seconds() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 5, 0));
    put(&mut w, "s", b"now").unwrap();
    // Not at once, but within ~5 seconds (aws-rules §5.1), not after an interval.
    assert!(keys(&mut w, "lake").is_empty());
    w.advance_to(5_000 + ZERO_BUFFERING_DELAY_MS);
    assert_eq!(keys(&mut w, "lake").len(), 1);
    assert!(w.now() - 5_000 < 5_000);
}

#[test]
fn object_key_has_the_hour_prefix_and_awss_object_name() {
    let mut w = world();
    let mut dest = s3_dest("lake", 5, 60);
    dest["Prefix"] = json!("logs/");
    stream(&mut w, "orders", dest);
    put(&mut w, "orders", b"{}").unwrap();
    w.advance_to(65_000);
    let k = keys(&mut w, "lake");
    // <prefix>YYYY/MM/DD/HH/<name>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>; the run starts at
    // 2026-01-01T00:00:00Z and the record arrived 5 s in.
    let rest = k[0]
        .strip_prefix("logs/2026/01/01/00/orders-1-2026-01-01-00-00-05-")
        .unwrap_or_else(|| panic!("{}", k[0]));
    assert_eq!(rest.len(), 36, "a UUID: {rest}");
    assert_eq!(rest.matches('-').count(), 4);
}

#[test]
fn dynamic_partitioning_puts_records_under_their_keys_prefix() {
    let mut w = world();
    let mut dest = s3_dest("lake", 64, 60);
    dest["Prefix"] = json!("customer_id=!{partitionKeyFromQuery:customer_id}/");
    dest["ErrorOutputPrefix"] = json!("errors/!{firehose:error-output-type}/");
    dest["DynamicPartitioningConfiguration"] = json!({"Enabled": true});
    dest["ProcessingConfiguration"] = json!({"Enabled": true, "Processors": [{
        "Type": "MetadataExtraction",
        "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{customer_id: .customer_id}"},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
        ],
    }]});
    // Without ErrorOutputPrefix, or with a smaller buffer, AWS refuses it.
    let mut no_error_prefix = dest.clone();
    no_error_prefix
        .as_object_mut()
        .unwrap()
        .remove("ErrorOutputPrefix");
    let e = err(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "p", "ExtendedS3DestinationConfiguration": no_error_prefix}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    stream(&mut w, "p", dest);
    for r in [
        r#"{"customer_id":"a","n":1}"#,
        r#"{"customer_id":"b","n":2}"#,
        r#"{"customer_id":"a","n":3}"#,
        "not json",
    ] {
        put(&mut w, "p", r.as_bytes()).unwrap();
    }
    w.advance_to(65_000);
    let k = keys(&mut w, "lake");
    assert_eq!(k.len(), 3, "{k:?}");
    let a = k
        .iter()
        .find(|k| k.starts_with("customer_id=a/p-1-"))
        .unwrap();
    assert_eq!(
        body(&mut w, "lake", a),
        r#"{"customer_id":"a","n":1}{"customer_id":"a","n":3}"#
    );
    assert!(k.iter().any(|k| k.starts_with("customer_id=b/p-1-")));
    let p = w.firehose().stream("p").unwrap();
    assert!(k.iter().all(|k| p.owns_object(k)));
    assert_eq!(k.iter().filter(|k| p.is_error_object(k)).count(), 1);
    let failed = k
        .iter()
        .find(|k| k.starts_with("errors/processing-failed/2026/01/01/00/p-1-"))
        .unwrap();
    let line: Value = serde_json::from_str(body(&mut w, "lake", failed).trim()).unwrap();
    assert_eq!(
        b64_decode(line["rawData"].as_str().unwrap()).unwrap(),
        b"not json"
    );
}

#[test]
fn transformation_failure_goes_to_processing_failed() {
    let mut w = world();
    ok(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({
            "FunctionName": "enrich",
            "Environment": {"Variables": {"MQLAB_FAIL_IF_BODY_CONTAINS": "poison", "MQLAB_DURATION_MS": "200"}},
        }),
    );
    let mut dest = s3_dest("lake", 5, 60);
    dest["ProcessingConfiguration"] = json!({"Enabled": true, "Processors": [{
        "Type": "Lambda",
        "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:enrich"}],
    }]});
    stream(&mut w, "t", dest);
    put(&mut w, "t", b"good\n").unwrap();
    put(&mut w, "t", b"poison pill\n").unwrap();
    w.advance_to(65_000);
    // The transformation takes 200 ms after the interval.
    assert!(keys(&mut w, "lake").is_empty());
    w.advance_to(65_200);
    let k = keys(&mut w, "lake");
    assert_eq!(k.len(), 2, "{k:?}");
    let main = k.iter().find(|k| k.starts_with("2026/")).unwrap();
    assert_eq!(body(&mut w, "lake", main), "good\n");
    let failed = k
        .iter()
        .find(|k| k.starts_with("processing-failed/2026/01/01/00/t-1-"))
        .unwrap();
    let line: Value = serde_json::from_str(body(&mut w, "lake", failed).trim()).unwrap();
    assert_eq!(
        b64_decode(line["rawData"].as_str().unwrap()).unwrap(),
        b"poison pill\n"
    );
    assert_eq!(
        line["lambdaArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:enrich"
    );
    let s = w.firehose().stream("t").unwrap();
    // The stream knows its own objects by their names, and which went to the error prefix.
    assert!(k.iter().all(|k| s.owns_object(k)));
    assert!(s.is_error_object(failed) && !s.is_error_object(main));
    assert!(!s.owns_object("2026/01/01/00/t-2-1-2026-01-01-00-01-00-uuid"));
    assert_eq!(s.totals.processing_failed, 1);
    assert_eq!(s.totals.delivered_to_s3, 1);
    // Lambda counted the invocation (one per MiB of buffer).
    assert_eq!(w.lambda().function("enrich").unwrap().totals.invocations, 1);
    assert_eq!(
        w.bill()
            .iter()
            .find(|b| b.service == "Lambda")
            .unwrap()
            .requests,
        1
    );
}

#[test]
fn put_record_batch_partial_failure_over_the_bytes_quota() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 128, 900));
    let rec = json!({"Data": b64_encode(vec![b'x'; 1_000 * 1024])});
    let batch = |n| json!({"DeliveryStreamName": "s", "Records": vec![rec.clone(); n]});
    let first = ok(&mut w, "firehose", "PutRecordBatch", batch(4));
    assert_eq!(first["FailedPutCount"], 0);
    // 5 MiB/s: one more 1,000 KiB record fits this second, three do not.
    let second = ok(&mut w, "firehose", "PutRecordBatch", batch(4));
    assert_eq!(second["FailedPutCount"], 3);
    let r = &second["RequestResponses"];
    assert!(r[0]["RecordId"].is_string());
    assert_eq!(r[1]["ErrorCode"], "ServiceUnavailableException");
    assert_eq!(r[1]["ErrorMessage"], "Slow down.");
    w.advance_to(6_000);
    assert_eq!(
        ok(&mut w, "firehose", "PutRecordBatch", batch(4))["FailedPutCount"],
        0
    );
    // The batch limits: 500 records, 4 MiB, 1,000 KiB a record.
    let small = json!({"Data": b64_encode(b"x")});
    let e = err(
        &mut w,
        "firehose",
        "PutRecordBatch",
        json!({"DeliveryStreamName": "s", "Records": vec![small; 501]}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(&mut w, "firehose", "PutRecordBatch", batch(5));
    assert_eq!(e.code, "InvalidArgumentException");
    assert_eq!(
        put(&mut w, "s", &vec![b'x'; 1_000 * 1024 + 1])
            .unwrap_err()
            .code,
        "ValidationException"
    );
}

#[test]
fn quotas_throttle_direct_put_requests() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 128, 900));
    for _ in 0..2_000 {
        put(&mut w, "s", b"r").unwrap();
    }
    let e = put(&mut w, "s", b"r").unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ServiceUnavailableException", "Slow down.")
    );
    w.advance_to(6_000);
    put(&mut w, "s", b"r").unwrap();
    w.advance_to(60_000);
    let bus = w.metric_datapoints();
    let sum = |m: &str| -> f64 {
        bus.iter()
            .filter(|d| d.namespace == "AWS/Firehose" && d.metric == m)
            .map(|d| d.value)
            .sum()
    };
    assert_eq!(sum("ThrottledRecords"), 1.0);
    assert_eq!(sum("IncomingRecords"), 2_001.0);
    assert_eq!(sum("IncomingPutRequests"), 2_001.0);
}

#[test]
fn ingestion_is_billed_with_records_rounded_up_to_5_kb() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 5, 60));
    for _ in 0..10 {
        put(&mut w, "s", b"1").unwrap();
    }
    put(&mut w, "s", &vec![b'x'; 5 * 1024 + 1]).unwrap();
    assert_eq!(w.firehose().billed_bytes(), 12 * BILLING_UNIT_BYTES);
    let line = w
        .bill()
        .into_iter()
        .find(|b| b.service == "Firehose")
        .unwrap();
    let usd = (12 * BILLING_UNIT_BYTES) as f64 / (1u64 << 30) as f64 * USD_PER_GB_INGESTED;
    assert!((line.usd - usd).abs() < 1e-15);
    assert_eq!(line.requests, 11);
}

#[test]
fn update_destination_checks_the_version() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 5, 60));
    let update = |v: &str| {
        json!({
            "DeliveryStreamName": "s",
            "CurrentDeliveryStreamVersionId": v,
            "DestinationId": "destinationId-000000000001",
            "ExtendedS3DestinationUpdate": {"BufferingHints": {"SizeInMBs": 10, "IntervalInSeconds": 120}},
        })
    };
    ok(&mut w, "firehose", "UpdateDestination", update("1"));
    let e = err(&mut w, "firehose", "UpdateDestination", update("1"));
    assert_eq!(e.code, "ConcurrentModificationException");
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "s"}),
    );
    let d = &d["DeliveryStreamDescription"];
    assert_eq!(d["VersionId"], "2");
    let s3 = &d["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(
        s3["BufferingHints"],
        json!({"SizeInMBs": 10, "IntervalInSeconds": 120})
    );
    assert_eq!(s3["BucketARN"], "arn:aws:s3:::lake");
    // Objects now carry the new version in their name.
    put(&mut w, "s", b"v2").unwrap();
    w.advance_to(5_000 + 120_000);
    assert!(keys(&mut w, "lake")[0].contains("/s-2-"));
}

#[test]
fn reading_from_a_kinesis_stream_shares_the_shards_5_reads_per_second() {
    let mut w = world();
    ok(&mut w, "s3", "CreateBucket", json!({"Bucket": "lake"}));
    ok(
        &mut w,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "src", "ShardCount": 1}),
    );
    w.advance_to(31_000);
    ok(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "k",
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/src", "RoleARN": ROLE},
            "ExtendedS3DestinationConfiguration": s3_dest("lake", 5, 60),
        }),
    );
    w.advance_to(37_000);
    assert_eq!(
        put(&mut w, "k", b"x").unwrap_err().code,
        "InvalidArgumentException"
    );
    for i in 0..3 {
        ok(
            &mut w,
            "kinesis",
            "PutRecord",
            json!({"StreamName": "src", "PartitionKey": "p", "Data": b64_encode(format!("r{i};"))}),
        );
    }
    // Another reader of the shard in a second Firehose has read in: its fifth call is
    // throttled.
    w.advance_to(40_000);
    let it = ok(
        &mut w,
        "kinesis",
        "GetShardIterator",
        json!({"StreamName": "src", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let it = it["ShardIterator"].clone();
    for _ in 0..4 {
        ok(
            &mut w,
            "kinesis",
            "GetRecords",
            json!({"ShardIterator": it}),
        );
    }
    let e = err(
        &mut w,
        "kinesis",
        "GetRecords",
        json!({"ShardIterator": it}),
    );
    assert_eq!(e.code, "ProvisionedThroughputExceededException");
    w.advance_to(100_000);
    let k = keys(&mut w, "lake");
    assert_eq!(k.len(), 1);
    assert_eq!(body(&mut w, "lake", &k[0]), "r0;r1;r2;");
    let s = w.firehose().stream("k").unwrap();
    assert_eq!(s.totals.read_records, 3);
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "k"}),
    );
    assert_eq!(
        d["DeliveryStreamDescription"]["Source"]["KinesisStreamSourceDescription"]
            ["KinesisStreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/src"
    );
}

fn http_stream(w: &mut World, url: &str, mode: &str) {
    ok(w, "s3", "CreateBucket", json!({"Bucket": "backup"}));
    ok(
        w,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "h",
            "HttpEndpointDestinationConfiguration": {
                "EndpointConfiguration": {"Url": url, "Name": "sink", "AccessKey": "secret"},
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
                "RetryOptions": {"DurationInSeconds": 60},
                "S3BackupMode": mode,
                "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::backup"},
            },
        }),
    );
    w.advance_to(5_000);
}

#[test]
fn failed_http_sink_delivery_is_retried_for_its_duration_then_backed_up_to_s3() {
    let mut w = world();
    http_stream(
        &mut w,
        "https://unreachable.example.com/ingest",
        "FailedDataOnly",
    );
    put(&mut w, "h", b"lost?").unwrap();
    // First attempt at 7 s; retried for 60 s.
    w.advance_to(7_000 + 59_999);
    assert!(keys(&mut w, "backup").is_empty());
    w.advance_to(7_000 + 60_000);
    let k = keys(&mut w, "backup");
    assert_eq!(k.len(), 1);
    assert!(
        k[0].starts_with("http-endpoint-failed/2026/01/01/00/h-1-"),
        "{}",
        k[0]
    );
    let line: Value = serde_json::from_str(body(&mut w, "backup", &k[0]).trim()).unwrap();
    assert_eq!(
        b64_decode(line["rawData"].as_str().unwrap()).unwrap(),
        b"lost?"
    );
    let s = w.firehose().stream("h").unwrap();
    assert_eq!((s.totals.delivered_to_sink, s.totals.error_output), (0, 1));
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "h"}),
    );
    let desc =
        &d["DeliveryStreamDescription"]["Destinations"][0]["HttpEndpointDestinationDescription"];
    assert_eq!(desc["EndpointConfiguration"]["Name"], "sink");
    assert!(desc["EndpointConfiguration"]["AccessKey"].is_null());
}

#[test]
fn a_reachable_sink_with_all_data_backup_also_writes_s3() {
    let mut w = world();
    http_stream(&mut w, "https://example.com/ingest", "AllData");
    put(&mut w, "h", b"ok").unwrap();
    w.advance_to(10_000);
    let s = w.firehose().stream("h").unwrap();
    assert_eq!(
        (s.totals.delivered_to_sink, s.totals.delivered_to_s3),
        (1, 1)
    );
    assert_eq!(keys(&mut w, "backup").len(), 1);
}

#[test]
fn a_missing_bucket_is_retried_for_24_hours_then_the_data_is_lost() {
    let mut w = world();
    ok(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "m", "ExtendedS3DestinationConfiguration": s3_dest("later", 5, 60)}),
    );
    w.advance_to(5_000);
    put(&mut w, "m", b"a").unwrap();
    w.advance_to(600_000);
    ok(&mut w, "s3", "CreateBucket", json!({"Bucket": "later"}));
    w.advance_to(610_000);
    assert_eq!(keys(&mut w, "later").len(), 1);
    let key = keys(&mut w, "later")[0].clone();
    ok(
        &mut w,
        "s3",
        "DeleteObject",
        json!({"Bucket": "later", "Key": key}),
    );
    ok(&mut w, "s3", "DeleteBucket", json!({"Bucket": "later"}));
    put(&mut w, "m", b"b").unwrap();
    w.advance_to(610_000 + 60_000 + 24 * 3_600_000 + 10_000);
    let s = w.firehose().stream("m").unwrap();
    assert_eq!((s.totals.delivered_to_s3, s.totals.lost), (1, 1));
}

#[test]
fn delivery_metrics_are_on_the_bus() {
    let mut w = world();
    stream(&mut w, "s", s3_dest("lake", 5, 30));
    put(&mut w, "s", b"abc").unwrap();
    w.advance_to(120_000);
    let bus = w.metric_datapoints();
    let get = |m: &str| -> Vec<f64> {
        bus.iter()
            .filter(|d| d.metric == m && d.dimension("DeliveryStreamName") == Some("s"))
            .map(|d| d.value)
            .collect()
    };
    assert_eq!(get("IncomingBytes").iter().sum::<f64>(), 3.0);
    assert_eq!(get("DeliveryToS3.Records"), vec![1.0]);
    assert_eq!(get("DeliveryToS3.Success"), vec![1.0]);
    assert_eq!(get("DeliveryToS3.DataFreshness"), vec![30.0]);
}

#[test]
fn records_written_across_a_reshard_are_all_delivered() {
    let mut w = world();
    ok(&mut w, "s3", "CreateBucket", json!({"Bucket": "lake"}));
    ok(
        &mut w,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "src", "ShardCount": 1}),
    );
    w.advance_to(31_000);
    ok(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "k",
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/src", "RoleARN": ROLE},
            "ExtendedS3DestinationConfiguration": s3_dest("lake", 5, 60),
        }),
    );
    w.advance_to(37_000);
    ok(
        &mut w,
        "kinesis",
        "PutRecord",
        json!({"StreamName": "src", "PartitionKey": "p", "Data": b64_encode("before;")}),
    );
    ok(
        &mut w,
        "kinesis",
        "UpdateShardCount",
        json!({"StreamName": "src", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
    );
    w.advance_to(60_000);
    for i in 0..10 {
        ok(
            &mut w,
            "kinesis",
            "PutRecord",
            json!({"StreamName": "src", "PartitionKey": format!("key-{i}"), "Data": b64_encode(format!("after{i};"))}),
        );
    }
    w.advance_to(200_000);
    let s = w.firehose().stream("k").unwrap();
    assert_eq!((s.totals.read_records, s.totals.delivered_to_s3), (11, 11));
}

#[test]
fn sink_buffering_ranges_and_defaults_follow_the_destination() {
    let mut w = world();
    let s3 = json!({"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::backup"});
    let splunk = |hints: Value| {
        json!({
            "DeliveryStreamName": "splunk",
            "SplunkDestinationConfiguration": {
                "HECEndpoint": "https://splunk.example.com:8088",
                "HECEndpointType": "Raw",
                "HECToken": "token",
                "BufferingHints": hints,
                "S3Configuration": s3,
            },
        })
    };
    // Splunk: 1–5 MiB, 0–60 s.
    let e = err(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        splunk(json!({"SizeInMBs": 6, "IntervalInSeconds": 60})),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    let e = err(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        splunk(json!({"SizeInMBs": 5, "IntervalInSeconds": 61})),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    ok(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        splunk(Value::Null),
    );
    ok(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "search",
            "AmazonopensearchserviceDestinationConfiguration": {
                "RoleARN": ROLE,
                "DomainARN": "arn:aws:es:us-east-1:123456789012:domain/logs",
                "IndexName": "logs",
                "S3BackupMode": "FailedDocumentsOnly",
                "S3Configuration": s3,
            },
        }),
    );
    let e = err(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "bad",
            "AmazonopensearchserviceDestinationConfiguration": {
                "RoleARN": ROLE, "DomainARN": "arn:aws:es:us-east-1:123456789012:domain/logs", "IndexName": "logs",
                "S3BackupMode": "AllData", "S3Configuration": s3,
            },
        }),
    );
    assert_eq!(e.code, "InvalidArgumentException");
    w.advance_to(5_000);
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "splunk"}),
    );
    let desc = &d["DeliveryStreamDescription"]["Destinations"][0]["SplunkDestinationDescription"];
    assert_eq!(
        desc["BufferingHints"],
        json!({"SizeInMBs": 5, "IntervalInSeconds": 60})
    );
    assert_eq!(desc["S3BackupMode"], "FailedEventsOnly");
    assert_eq!(
        desc["S3DestinationDescription"]["BucketARN"],
        "arn:aws:s3:::backup"
    );
    let d = ok(
        &mut w,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "search"}),
    );
    let desc = &d["DeliveryStreamDescription"]["Destinations"][0]
        ["AmazonopensearchserviceDestinationDescription"];
    assert_eq!(
        desc["BufferingHints"],
        json!({"SizeInMBs": 5, "IntervalInSeconds": 300})
    );
    assert_eq!(desc["RetryOptions"], json!({"DurationInSeconds": 300}));
    let e = err(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "r", "RedshiftDestinationConfiguration": {}}),
    );
    assert_eq!(e.code, "InvalidArgumentException");
}

#[test]
fn a_transformation_that_times_out_fails_every_record_after_its_retries() {
    let mut w = world();
    ok(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({
            "FunctionName": "slow",
            "Timeout": 1,
            "Environment": {"Variables": {"MQLAB_DURATION_MS": "5000"}},
        }),
    );
    let mut dest = s3_dest("lake", 5, 60);
    dest["ProcessingConfiguration"] = json!({"Enabled": true, "Processors": [{
        "Type": "Lambda",
        "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:slow"},
            {"ParameterName": "NumberOfRetries", "ParameterValue": "2"},
        ],
    }]});
    stream(&mut w, "t", dest);
    put(&mut w, "t", b"a").unwrap();
    put(&mut w, "t", b"b").unwrap();
    // Three attempts of 1 s (the Timeout) after the 60 s interval.
    w.advance_to(65_000 + 2_999);
    assert!(keys(&mut w, "lake").is_empty());
    w.advance_to(65_000 + 3_000);
    let k = keys(&mut w, "lake");
    assert_eq!(k.len(), 1);
    assert!(k[0].starts_with("processing-failed/"));
    assert_eq!(body(&mut w, "lake", &k[0]).lines().count(), 2);
    let f = &w.lambda().function("slow").unwrap().totals;
    assert_eq!((f.invocations, f.errors), (3, 3));
}

#[test]
fn a_prefix_with_timestamp_expressions_replaces_the_hour_prefix() {
    let mut w = world();
    let mut dest = s3_dest("lake", 5, 60);
    dest["Prefix"] = json!("dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/");
    stream(&mut w, "s", dest);
    put(&mut w, "s", b"x").unwrap();
    w.advance_to(65_000);
    let k = keys(&mut w, "lake");
    assert!(
        k[0].starts_with("dt=2026-01-01/h=00/s-1-2026-01-01-00-00-05-"),
        "{}",
        k[0]
    );
}
