//! `mqlab api` with `"svc": "firehose"`: examples/api/firehose-direct-put-to-s3.jsonl, a
//! Direct PUT delivery stream to S3 with a Lambda transformation (aws-rules §5): a buffering
//! hint out of range refused, CREATING then ACTIVE, records buffered for the 60 s interval
//! and delivered as one object under the prefix's `YYYY/MM/DD/HH/` with AWS's object name,
//! the record the function fails under `errors/processing-failed/`, both read back with
//! ListObjectsV2 and GetObject, UpdateDestination's version check, the AWS/Firehose metric
//! read through CloudWatch, and the stream deleted.

mod common;

use common::{all, run_example};
use mqlab_engine::core::aws::b64_decode;
use serde_json::Value;

fn body(v: &Value) -> String {
    String::from_utf8(b64_decode(v["response"]["Body"].as_str().unwrap()).unwrap()).unwrap()
}

#[test]
fn direct_put_records_are_delivered_to_s3_and_the_failed_one_to_processing_failed() {
    let out = run_example("firehose-direct-put-to-s3.jsonl");
    let creates = all(&out, 0.0, "CreateDeliveryStream");
    assert_eq!(creates[0]["error"]["Code"], "InvalidArgumentException");
    assert!(creates[1]["response"]["DeliveryStreamARN"].is_string());
    let status = |t, i: usize| {
        all(&out, t, "DescribeDeliveryStream")[i]["response"]["DeliveryStreamDescription"]
            ["DeliveryStreamStatus"]
            .clone()
    };
    assert_eq!(status(0.0, 0), "CREATING");
    assert_eq!(
        all(&out, 0.0, "PutRecord")[0]["error"]["Code"],
        "ResourceNotFoundException"
    );
    assert_eq!(status(5.0, 0), "ACTIVE");
    assert_eq!(
        all(&out, 6.0, "PutRecordBatch")[0]["response"]["FailedPutCount"],
        0
    );

    // Nothing before the 60 s interval (and the transformation's 500 ms) is over.
    assert_eq!(
        all(&out, 66.0, "ListObjectsV2")[0]["response"]["KeyCount"],
        0
    );
    let listed = &all(&out, 67.0, "ListObjectsV2")[0]["response"]["Contents"];
    let key = listed[0]["Key"].as_str().unwrap();
    assert!(
        key.starts_with("clicks/2026/01/01/00/clicks-1-2026-01-01-00-00-06-"),
        "{key}"
    );
    let failed = listed[1]["Key"].as_str().unwrap();
    assert!(failed.starts_with("errors/processing-failed/2026/01/01/00/clicks-1-"));
    let gets = all(&out, 67.0, "GetObject");
    assert_eq!(body(gets[0]), "{\"page\":\"home\"}\n{\"page\":\"cart\"}\n");
    let line: Value = serde_json::from_str(body(gets[1]).trim()).unwrap();
    assert_eq!(
        b64_decode(line["rawData"].as_str().unwrap()).unwrap(),
        b"{\"page\":\"poison\"}\n"
    );

    let updates = all(&out, 67.0, "UpdateDestination");
    assert!(updates[0]["response"].is_object());
    assert_eq!(
        updates[1]["error"]["Code"],
        "ConcurrentModificationException"
    );
    let stats = &all(&out, 120.0, "GetMetricStatistics")[0]["response"]["Datapoints"];
    assert_eq!(stats[0]["Sum"], 2.0);
    assert_eq!(status(120.0, 0), "DELETING");
    assert_eq!(
        all(&out, 125.0, "DescribeDeliveryStream")[0]["error"]["Code"],
        "ResourceNotFoundException"
    );
}
