//! S3 → SNS → SQS through `mqlab api` (the built binary): the S3 guide's walkthrough
//! ("Walkthrough: Configuring a bucket for notifications (SNS topic or SQS queue)",
//! https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html)
//! replayed with the values LocalStack recorded against AWS in
//! `tests/aws/services/s3/test_s3_notifications_sns.snapshot.json` (sizes, ETags, Subject,
//! errors), and examples/api/s3-events.jsonl. Random values (request ids, MessageIds) are
//! checked for shape only.

mod common;

use common::{mqlab_api, run};
use serde_json::{json, Value};
use std::path::Path;

const TOPIC_ARN: &str = "arn:aws:sns:us-east-1:123456789012:s3-events";
const QUEUE_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:s3-events-queue";

fn line(t: f64, svc: &str, op: &str, params: Value) -> Value {
    json!({"t": t, "svc": svc, "op": op, "params": params})
}

fn b64(s: &str) -> String {
    use base64_lite::encode;
    encode(s.as_bytes())
}

/// Enough base64 for test bodies (the CLI crate has no base64 dependency).
mod base64_lite {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    pub fn encode(b: &[u8]) -> String {
        let mut out = String::new();
        for c in b.chunks(3) {
            let n = (c[0] as u32) << 16
                | (*c.get(1).unwrap_or(&0) as u32) << 8
                | *c.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                if i <= c.len() {
                    out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[track_caller]
fn ok(v: &Value) -> &Value {
    v.get("response")
        .unwrap_or_else(|| panic!("expected a response: {v}"))
}

fn messages(v: &Value) -> Vec<Value> {
    ok(v)["Messages"].as_array().cloned().unwrap_or_default()
}

/// The walkthrough's setup: a topic whose policy lets S3 publish, a queue whose policy lets
/// the topic send, subscribed to it (envelope delivery, as LocalStack's recording), a bucket.
fn setup() -> Vec<Value> {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "SNS:Publish",
            "Resource": TOPIC_ARN,
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::amzn-example-bucket-1"}}
        }]
    });
    let queue_policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": QUEUE_ARN,
            "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}
        }]
    });
    vec![
        line(0.0, "sns", "CreateTopic", json!({"Name": "s3-events"})),
        line(
            0.0,
            "sns",
            "SetTopicAttributes",
            json!({"TopicArn": TOPIC_ARN, "AttributeName": "Policy",
                   "AttributeValue": policy.to_string()}),
        ),
        // The queue's policy lets the topic send (SNS needs it, aws-rules §3.12).
        line(
            0.0,
            "sqs",
            "CreateQueue",
            json!({"QueueName": "s3-events-queue", "Attributes": {"Policy": queue_policy.to_string()}}),
        ),
        line(
            0.0,
            "sns",
            "Subscribe",
            json!({"TopicArn": TOPIC_ARN, "Protocol": "sqs", "Endpoint": QUEUE_ARN}),
        ),
        line(
            0.0,
            "s3",
            "CreateBucket",
            json!({"Bucket": "amzn-example-bucket-1"}),
        ),
    ]
}

fn receive_all(t: f64) -> Value {
    line(
        t,
        "sqs",
        "ReceiveMessage",
        json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/s3-events-queue",
               "MaxNumberOfMessages": 10}),
    )
}

/// The envelopes of a ReceiveMessage answer, test events left out, by object size.
fn notifications(v: &Value) -> Vec<(Value, Value)> {
    let mut out: Vec<(Value, Value)> = messages(v)
        .iter()
        .map(|m| serde_json::from_str::<Value>(m["Body"].as_str().unwrap()).unwrap())
        .filter(|env| !env["Message"].as_str().unwrap().contains("s3:TestEvent"))
        .map(|env| {
            let msg: Value = serde_json::from_str(env["Message"].as_str().unwrap()).unwrap();
            (env, msg["Records"][0].clone())
        })
        .collect();
    out.sort_by_key(|(_, r)| r["s3"]["object"]["size"].as_u64());
    out
}

/// LocalStack's `test_object_created_put`, recorded against AWS: two puts of one key with
/// `ObjectCreated:*`; each arrives in an SNS envelope with Subject "Amazon S3 Notification",
/// the documented record, and the recorded sizes and ETags.
#[test]
fn object_created_put_delivers_the_recorded_records_in_sns_envelopes() {
    let mut script = setup();
    script.push(line(
        1.0,
        "s3",
        "PutBucketNotificationConfiguration",
        json!({"Bucket": "amzn-example-bucket-1",
               "NotificationConfiguration": {"TopicConfigurations": [
                   {"TopicArn": TOPIC_ARN, "Events": ["s3:ObjectCreated:*"]}]}}),
    ));
    for body in ["first event", "second event"] {
        script.push(line(
            2.0,
            "s3",
            "PutObject",
            json!({"Bucket": "amzn-example-bucket-1", "Key": "bucket-key", "Body": b64(body)}),
        ));
    }
    script.push(receive_all(5.0));
    let out = run(&script);
    assert_eq!(ok(&out[6])["ETag"], "\"c8e3a3027a133355210f85cfbb1acc35\"");
    let got = notifications(&out[8]);
    assert_eq!(got.len(), 2);
    let expected = [
        (11, "c8e3a3027a133355210f85cfbb1acc35"),
        (12, "05c7c1b96e20928f6e55a881b5ca1c45"),
    ];
    for ((env, r), (size, etag)) in got.iter().zip(expected) {
        assert_eq!(env["Type"], "Notification");
        assert_eq!(env["TopicArn"], TOPIC_ARN);
        assert_eq!(env["Subject"], "Amazon S3 Notification");
        assert_eq!(r["eventVersion"], "2.1");
        assert_eq!(r["eventSource"], "aws:s3");
        assert_eq!(r["awsRegion"], "us-east-1");
        assert_eq!(r["eventTime"], "2026-01-01T00:00:02.000Z");
        assert_eq!(r["eventName"], "ObjectCreated:Put");
        assert_eq!(r["s3"]["s3SchemaVersion"], "1.0");
        assert_eq!(r["s3"]["bucket"]["name"], "amzn-example-bucket-1");
        assert_eq!(
            r["s3"]["bucket"]["arn"],
            "arn:aws:s3:::amzn-example-bucket-1"
        );
        assert_eq!(r["s3"]["object"]["key"], "bucket-key");
        assert_eq!(r["s3"]["object"]["size"], size);
        assert_eq!(r["s3"]["object"]["eTag"], etag);
        assert!(r["s3"]["object"].get("versionId").is_none());
        assert!(!r["s3"]["configurationId"].as_str().unwrap().is_empty());
    }
}

/// LocalStack's `test_bucket_notifications_with_filter`, recorded against AWS: a `Prefix`
/// rule `testupload/`; of two uploads only the matching key notifies (35 bytes, recorded ETag).
#[test]
fn a_prefix_filter_lets_only_matching_uploads_through_the_topic() {
    let mut script = setup();
    script.push(line(
        1.0,
        "s3",
        "PutBucketNotificationConfiguration",
        json!({"Bucket": "amzn-example-bucket-1",
               "NotificationConfiguration": {"TopicConfigurations": [
                   {"Id": "id123", "Events": ["s3:ObjectCreated:*"], "TopicArn": TOPIC_ARN,
                    "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "testupload/"}]}}}]}}),
    ));
    let data = r#"{"test": "bucket_notification one"}"#;
    for key in ["test/dir1/myfile.txt", "testupload/dir1/testfile.txt"] {
        script.push(line(
            2.0,
            "s3",
            "PutObject",
            json!({"Bucket": "amzn-example-bucket-1", "Key": key, "Body": b64(data)}),
        ));
    }
    script.push(receive_all(5.0));
    let out = run(&script);
    let got = notifications(&out[8]);
    assert_eq!(got.len(), 1);
    let r = &got[0].1;
    assert_eq!(r["s3"]["configurationId"], "id123");
    assert_eq!(r["s3"]["object"]["key"], "testupload/dir1/testfile.txt");
    assert_eq!(r["s3"]["object"]["size"], 35);
    assert_eq!(
        r["s3"]["object"]["eTag"],
        "f5260f0f41af2722d9fe17a57dfa9da5"
    );
}

/// The walkthrough's note: when the configuration is saved, S3 sends a test message to the
/// destination, delivered like any other publish.
#[test]
fn saving_the_configuration_delivers_an_s3_test_event() {
    let mut script = setup();
    script.push(line(
        1.0,
        "s3",
        "PutBucketNotificationConfiguration",
        json!({"Bucket": "amzn-example-bucket-1",
               "NotificationConfiguration": {"TopicConfigurations": [
                   {"TopicArn": TOPIC_ARN, "Events": ["s3:ObjectCreated:*"]}]}}),
    ));
    script.push(receive_all(2.0));
    let out = run(&script);
    let m = &messages(&out[6])[0];
    let env: Value = serde_json::from_str(m["Body"].as_str().unwrap()).unwrap();
    assert_eq!(env["Subject"], "Amazon S3 Notification");
    let test: Value = serde_json::from_str(env["Message"].as_str().unwrap()).unwrap();
    assert_eq!(test["Service"], "Amazon S3");
    assert_eq!(test["Event"], "s3:TestEvent");
    assert_eq!(test["Time"], "2026-01-01T00:00:01.000Z");
    assert_eq!(test["Bucket"], "amzn-example-bucket-1");
    assert!(test["RequestId"].is_string() && test["HostId"].is_string());
}

/// LocalStack's `test_invalid_topic_arn` and `test_bucket_not_exist`, recorded against AWS.
#[test]
fn s3_errors_use_the_recorded_codes_and_messages() {
    let config = |arn: &str| json!({"TopicConfigurations": [{"Id": "id123", "Events": ["s3:ObjectCreated:*"], "TopicArn": arn}]});
    let my_topic = "arn:aws:sns:us-east-1:123456789012:my-topic";
    let out = run(&[
        line(
            0.0,
            "s3",
            "CreateBucket",
            json!({"Bucket": "amzn-example-bucket-2"}),
        ),
        line(
            0.0,
            "s3",
            "PutBucketNotificationConfiguration",
            json!({"Bucket": "amzn-example-bucket-2", "NotificationConfiguration": config("invalid-topic")}),
        ),
        line(
            0.0,
            "s3",
            "PutBucketNotificationConfiguration",
            json!({"Bucket": "amzn-example-bucket-2", "NotificationConfiguration": config(my_topic)}),
        ),
        line(
            0.0,
            "s3",
            "PutBucketNotificationConfiguration",
            json!({"Bucket": "amzn-example-bucket-2", "SkipDestinationValidation": true,
                   "NotificationConfiguration": config(my_topic)}),
        ),
        line(
            0.0,
            "s3",
            "GetBucketNotificationConfiguration",
            json!({"Bucket": "amzn-example-bucket-2"}),
        ),
        line(
            0.0,
            "s3",
            "PutBucketNotificationConfiguration",
            json!({"Bucket": "this-bucket-does-not-exist-1", "SkipDestinationValidation": true,
                   "NotificationConfiguration": config(my_topic)}),
        ),
    ]);
    assert_eq!(
        out[1]["error"],
        json!({"Code": "InvalidArgument", "Message": "The ARN could not be parsed"})
    );
    assert_eq!(out[2]["error"]["Code"], "InvalidArgument");
    assert_eq!(
        ok(&out[4]),
        &json!({"TopicConfigurations": [{"Events": ["s3:ObjectCreated:*"], "Id": "id123", "TopicArn": my_topic}]})
    );
    assert_eq!(
        out[5]["error"],
        json!({"Code": "NoSuchBucket", "Message": "The specified bucket does not exist"})
    );
}

/// examples/api/s3-events.jsonl: a prefix filter (the log upload does not notify), a key with
/// a space URL-encoded, a delete without size or ETag, and an overlapping configuration refused.
#[test]
fn example_s3_events() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/api/s3-events.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let out = mqlab_api(path.to_str().unwrap(), "");
    assert_eq!(
        out.len(),
        text.lines().filter(|l| !l.trim().is_empty()).count()
    );
    let test = messages(&out[6]);
    assert!(test[0]["Body"].as_str().unwrap().contains("s3:TestEvent"));
    let records: Vec<Value> = messages(&out[11])
        .iter()
        .map(|m| {
            serde_json::from_str::<Value>(m["Body"].as_str().unwrap()).unwrap()["Records"][0]
                .clone()
        })
        .collect();
    assert_eq!(records.len(), 2, "logs/today.txt is outside the prefix");
    assert_eq!(records[0]["eventName"], "ObjectCreated:Put");
    assert_eq!(records[0]["s3"]["object"]["key"], "images/red+flower.jpg");
    assert_eq!(records[0]["s3"]["configurationId"], "new-images");
    assert_eq!(records[1]["eventName"], "ObjectRemoved:Delete");
    assert!(records[1]["s3"]["object"].get("size").is_none());
    assert!(
        records[0]["s3"]["object"]["sequencer"].as_str()
            < records[1]["s3"]["object"]["sequencer"].as_str()
    );
    assert_eq!(
        out[12]["error"]["Message"],
        "Configurations overlap. Configurations on the same bucket cannot share a common event type."
    );
}
