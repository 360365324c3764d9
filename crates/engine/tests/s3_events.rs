//! S3 as an SNS publisher (aws-rules §3.9, §3.12): buckets, PutObject / DeleteObject, event
//! notification configurations and the event records they publish. One test per rule.

mod sns_common;

use base64::Engine as _;
use mqlab_engine::s3::S3_NOTIFICATION_LATENCY_MS as LATENCY;
use mqlab_engine::{AwsError, EventKind};
use serde_json::{json, Value};
use sns_common::*;

const BUCKET: &str = "photos-bucket";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

trait S3Sim {
    fn s3(&mut self, op: &str, params: Value) -> Result<Value, AwsError>;
    fn s3_ok(&mut self, op: &str, params: Value) -> Value;
    fn s3_err(&mut self, op: &str, params: Value, code: &str) -> AwsError;
    fn put(&mut self, key: &str, body: &str) -> Value;
    fn delete(&mut self, key: &str);
    fn configure(&mut self, configs: Value) -> Result<Value, AwsError>;
    /// The Records JSON of every message a raw queue holds, oldest first, test events left out.
    fn records(&mut self, queue: &str) -> Vec<Value>;
}

impl S3Sim for Sim {
    fn s3(&mut self, op: &str, params: Value) -> Result<Value, AwsError> {
        self.call("s3", op, params)
    }

    fn s3_ok(&mut self, op: &str, params: Value) -> Value {
        match self.s3(op, params.clone()) {
            Ok(v) => v,
            Err(e) => panic!("{op} {params} failed: {e}"),
        }
    }

    fn s3_err(&mut self, op: &str, params: Value, code: &str) -> AwsError {
        match self.s3(op, params.clone()) {
            Ok(v) => panic!("{op} {params} succeeded with {v}; expected {code}"),
            Err(e) => {
                assert_eq!(e.code, code, "{op}: unexpected error {e}");
                e
            }
        }
    }

    fn put(&mut self, key: &str, body: &str) -> Value {
        self.s3_ok(
            "PutObject",
            json!({"Bucket": BUCKET, "Key": key, "Body": b64(body)}),
        )
    }

    fn delete(&mut self, key: &str) {
        self.s3_ok("DeleteObject", json!({"Bucket": BUCKET, "Key": key}));
    }

    fn configure(&mut self, configs: Value) -> Result<Value, AwsError> {
        self.s3(
            "PutBucketNotificationConfiguration",
            json!({"Bucket": BUCKET, "NotificationConfiguration": {"TopicConfigurations": configs}}),
        )
    }

    fn records(&mut self, queue: &str) -> Vec<Value> {
        self.bodies(queue)
            .iter()
            .filter(|b| !b.contains("s3:TestEvent"))
            .map(|b| serde_json::from_str::<Value>(b).unwrap_or_else(|e| panic!("{e}: {b}")))
            .map(|v| v["Records"][0].clone())
            .collect()
    }
}

/// A bucket, a standard topic `uploads`, and a raw-delivery queue `inbox` subscribed to it.
fn world() -> (Sim, String) {
    let mut s = Sim::new();
    let topic = s.create_topic("uploads", json!({}));
    s.create_queue("inbox", json!({}));
    s.subscribe_queue(&topic, "inbox", json!({"RawMessageDelivery": "true"}));
    s.s3_ok("CreateBucket", json!({"Bucket": BUCKET}));
    (s, topic)
}

fn config(topic: &str, events: &[&str], rules: &[(&str, &str)]) -> Value {
    let mut c = json!({"Id": "cfg-1", "TopicArn": topic, "Events": events});
    if !rules.is_empty() {
        let rules: Vec<Value> = rules
            .iter()
            .map(|(n, v)| json!({"Name": n, "Value": v}))
            .collect();
        c["Filter"] = json!({"Key": {"FilterRules": rules}});
    }
    c
}

/// Lets the notification latency and SNS's delivery pass.
fn settle(s: &mut Sim) {
    s.wait(LATENCY as f64 / 1000.0 + 1.0);
}

fn keys(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["s3"]["object"]["key"].as_str().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------------------- the record

#[test]
fn the_event_record_has_the_documented_fields_in_the_documented_order() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.at(10.0);
    s.put("dir/hello.txt", "hello world");
    settle(&mut s);
    let bodies: Vec<String> = s
        .bodies("inbox")
        .into_iter()
        .filter(|b| !b.contains("s3:TestEvent"))
        .collect();
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    // Compact JSON, members in the order of the guide's "Event message structure".
    let order = [
        "\"Records\":[{",
        "\"eventVersion\":\"2.1\"",
        "\"eventSource\":\"aws:s3\"",
        "\"awsRegion\":\"us-east-1\"",
        "\"eventTime\":\"2026-01-01T00:00:10.000Z\"",
        "\"eventName\":\"ObjectCreated:Put\"",
        "\"userIdentity\":{\"principalId\":",
        "\"requestParameters\":{\"sourceIPAddress\":",
        "\"responseElements\":{\"x-amz-request-id\":",
        "\"x-amz-id-2\":",
        "\"s3\":{\"s3SchemaVersion\":\"1.0\"",
        "\"configurationId\":\"cfg-1\"",
        "\"bucket\":{\"name\":\"photos-bucket\"",
        "\"ownerIdentity\":{\"principalId\":",
        "\"arn\":\"arn:aws:s3:::photos-bucket\"",
        "\"object\":{\"key\":\"dir/hello.txt\"",
        "\"size\":11",
        "\"eTag\":\"5eb63bbbe01eeed093cb22bb8f5acdc3\"",
        "\"sequencer\":",
    ];
    let mut last = 0;
    for part in order {
        let at = body
            .find(part)
            .unwrap_or_else(|| panic!("{part} missing: {body}"));
        assert!(at >= last, "{part} out of order: {body}");
        last = at;
    }
    let r = &serde_json::from_str::<Value>(body).unwrap()["Records"][0];
    assert_eq!(r.as_object().unwrap().len(), 9, "{r}");
    assert_eq!(
        r["userIdentity"]["principalId"],
        "AWS:AIDAIT2UOQQY3AUEKVGXU"
    );
    assert_eq!(r["requestParameters"]["sourceIPAddress"], "192.0.2.10");
    let request_id = r["responseElements"]["x-amz-request-id"].as_str().unwrap();
    assert_eq!(request_id.len(), 16);
    assert!(request_id
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    assert_eq!(
        r["responseElements"]["x-amz-id-2"].as_str().unwrap().len(),
        64
    );
    let o = &r["s3"]["object"];
    assert_eq!(o.as_object().unwrap().len(), 4, "no versionId: {o}");
    let seq = o["sequencer"].as_str().unwrap();
    assert_eq!(seq.len(), 18);
    assert!(seq.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        r["s3"]["bucket"]["ownerIdentity"]["principalId"]
            .as_str()
            .unwrap()
            .len(),
        14
    );
}

#[test]
fn s3_publishes_with_the_subject_amazon_s3_notification() {
    let mut s = Sim::new();
    let topic = s.create_topic("uploads", json!({}));
    s.create_queue("env", json!({}));
    s.subscribe_queue(&topic, "env", json!({}));
    s.s3_ok("CreateBucket", json!({"Bucket": BUCKET}));
    s.configure(json!([config(&topic, &["s3:ObjectCreated:Put"], &[])]))
        .unwrap();
    s.put("a.txt", "x");
    settle(&mut s);
    let envs: Vec<Value> = s.bodies("env").iter().map(|b| envelope(b)).collect();
    assert_eq!(envs.len(), 2, "test event + the upload");
    for e in &envs {
        assert_eq!(e["Subject"], "Amazon S3 Notification");
        assert_eq!(e["TopicArn"], topic);
    }
    let records: Value = serde_json::from_str(envs[1]["Message"].as_str().unwrap()).unwrap();
    assert_eq!(records["Records"][0]["eventName"], "ObjectCreated:Put");
}

#[test]
fn object_keys_in_event_records_are_url_encoded() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.put("red flower.jpg", "a");
    s.put("a@b", "b");
    s.put("logs/year=2026/é.gz", "c");
    settle(&mut s);
    assert_eq!(
        keys(&s.records("inbox")),
        ["red+flower.jpg", "a%40b", "logs/year%3D2026/%C3%A9.gz"]
    );
}

#[test]
fn the_etag_is_the_md5_of_the_body_in_quotes_in_the_response_and_bare_in_the_record() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:Put"], &[])]))
        .unwrap();
    let out = s.put("empty", "");
    assert_eq!(out["ETag"], "\"d41d8cd98f00b204e9800998ecf8427e\"");
    assert_eq!(out["ServerSideEncryption"], "AES256");
    settle(&mut s);
    let r = &s.records("inbox")[0];
    assert_eq!(
        r["s3"]["object"]["eTag"],
        "d41d8cd98f00b204e9800998ecf8427e"
    );
    assert_eq!(r["s3"]["object"]["size"], 0);
}

#[test]
fn sequencers_increase_with_each_event_on_a_key() {
    let (mut s, topic) = world();
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        &[]
    )]))
    .unwrap();
    s.put("k", "1");
    s.put("k", "22");
    s.at(5.0);
    s.delete("k");
    settle(&mut s);
    let seqs: Vec<String> = s
        .records("inbox")
        .iter()
        .map(|r| r["s3"]["object"]["sequencer"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seqs.len(), 3);
    assert!(seqs[0] < seqs[1] && seqs[1] < seqs[2], "{seqs:?}");
}

#[test]
fn the_record_carries_the_request_time_and_is_published_after_the_notification_latency() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.at(3.0);
    s.put("k", "v");
    assert_eq!(s.w.s3().pending_notifications(), 1);
    s.at_ms(3_000 + LATENCY - 1);
    assert_eq!(s.w.s3().pending_notifications(), 1);
    s.at_ms(3_000 + LATENCY);
    assert_eq!(s.w.s3().pending_notifications(), 0);
    let sent = s
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::S3NotificationSent { .. }))
        .expect("sent");
    assert_eq!(sent.t, 3_000 + LATENCY);
    settle(&mut s);
    let r = &s.records("inbox")[0];
    assert_eq!(r["eventTime"], "2026-01-01T00:00:03.000Z");
}

// ------------------------------------------------------------------------- which events

#[test]
fn delete_object_emits_object_removed_delete_without_size_or_etag() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectRemoved:Delete"], &[])]))
        .unwrap();
    s.put("gone.txt", "bye");
    s.delete("gone.txt");
    settle(&mut s);
    let records = s.records("inbox");
    assert_eq!(records.len(), 1, "the put is not asked for");
    let r = &records[0];
    assert_eq!(r["eventName"], "ObjectRemoved:Delete");
    assert_eq!(
        r["s3"]["object"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["key", "sequencer"]
    );
    assert!(s.w.s3().bucket(BUCKET).unwrap().objects.is_empty());
}

#[test]
fn deleting_a_missing_key_succeeds_and_still_emits_object_removed_delete() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectRemoved:*"], &[])]))
        .unwrap();
    let out = s.s3_ok(
        "DeleteObject",
        json!({"Bucket": BUCKET, "Key": "never-was"}),
    );
    assert_eq!(out, json!({}));
    settle(&mut s);
    assert_eq!(keys(&s.records("inbox")), ["never-was"]);
    assert!(s
        .kinds()
        .iter()
        .any(|k| matches!(k, EventKind::ObjectDeleted { existed: false, .. })));
}

#[test]
fn an_event_type_wildcard_covers_its_family_only() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.put("a", "1");
    s.delete("a");
    settle(&mut s);
    let names: Vec<Value> = s
        .records("inbox")
        .iter()
        .map(|r| r["eventName"].clone())
        .collect();
    assert_eq!(names, [json!("ObjectCreated:Put")]);
}

#[test]
fn a_prefix_filter_selects_which_uploads_notify() {
    let (mut s, topic) = world();
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*"],
        &[("prefix", "images/")]
    )]))
    .unwrap();
    s.put("images/cat.jpg", "1");
    s.put("logs/today.txt", "2");
    s.put("imagesX/dog.jpg", "3");
    settle(&mut s);
    assert_eq!(keys(&s.records("inbox")), ["images/cat.jpg"]);
}

#[test]
fn a_suffix_filter_selects_which_uploads_notify() {
    let (mut s, topic) = world();
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*"],
        &[("Suffix", ".jpg")]
    )]))
    .unwrap();
    s.put("images/cat.jpg", "1");
    s.put("images/cat.png", "2");
    s.put("notes.jpg.txt", "3");
    settle(&mut s);
    assert_eq!(keys(&s.records("inbox")), ["images/cat.jpg"]);
}

#[test]
fn prefix_and_suffix_must_both_match() {
    let (mut s, topic) = world();
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*"],
        &[("prefix", "images/"), ("suffix", ".jpg")]
    )]))
    .unwrap();
    for k in ["images/a.jpg", "images/a.png", "docs/a.jpg"] {
        s.put(k, "x");
    }
    settle(&mut s);
    assert_eq!(keys(&s.records("inbox")), ["images/a.jpg"]);
}

#[test]
fn filters_match_the_url_encoded_key() {
    // The guide: a space in a prefix or suffix is written as "+".
    let (mut s, topic) = world();
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*"],
        &[("prefix", "my+docs/")]
    )]))
    .unwrap();
    s.put("my docs/a.txt", "x");
    s.put("my+docs/b.txt", "y");
    settle(&mut s);
    assert_eq!(keys(&s.records("inbox")), ["my+docs/a.txt"]);
}

#[test]
fn a_bucket_without_configurations_publishes_nothing() {
    let (mut s, topic) = world();
    s.put("a", "1");
    settle(&mut s);
    assert!(s.bodies("inbox").is_empty());
    let published = s.w.sns().topic_by_name("uploads").unwrap().totals.published;
    assert_eq!(published, 0, "{topic}");
}

// ------------------------------------------------------------------------- through SNS

#[test]
fn sns_filter_policies_apply_to_s3_notifications() {
    let mut s = Sim::new();
    let topic = s.create_topic("uploads", json!({}));
    s.create_queue("deletes", json!({}));
    s.subscribe_queue(
        &topic,
        "deletes",
        json!({"RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody",
               "FilterPolicy": r#"{"Records":{"eventName":[{"prefix":"ObjectRemoved:"}]}}"#}),
    );
    s.s3_ok("CreateBucket", json!({"Bucket": BUCKET}));
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        &[]
    )]))
    .unwrap();
    s.put("a", "1");
    s.delete("a");
    settle(&mut s);
    let names: Vec<Value> = s
        .records("deletes")
        .iter()
        .map(|r| r["eventName"].clone())
        .collect();
    assert_eq!(names, [json!("ObjectRemoved:Delete")]);
    assert!(s
        .kinds()
        .iter()
        .any(|k| matches!(k, EventKind::NotificationFilteredOut { .. })));
}

#[test]
fn s3_notifications_count_as_sns_publishes_and_fan_out_to_every_subscriber() {
    let (mut s, topic) = world();
    s.create_queue("second", json!({}));
    s.subscribe_queue(&topic, "second", json!({"RawMessageDelivery": "true"}));
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.put("a", "1");
    settle(&mut s);
    assert_eq!(keys(&s.records("inbox")), ["a"]);
    assert_eq!(keys(&s.records("second")), ["a"]);
    let t = s.w.sns().topic_by_name("uploads").unwrap();
    assert_eq!(t.totals.published, 2, "the test event and the upload");
    s.wait(60.0);
    assert_eq!(s.metric_sum("uploads", "NumberOfMessagesPublished"), 2.0);
}

#[test]
fn a_notification_to_a_topic_deleted_meanwhile_is_lost() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.put("a", "1");
    s.ok("DeleteTopic", json!({"TopicArn": topic}));
    settle(&mut s);
    assert!(s.kinds().iter().any(|k| matches!(
        k,
        EventKind::S3NotificationFailed { reason, .. } if reason.contains("NotFoundException")
    )));
}

// ------------------------------------------------------------------------- saving a configuration

#[test]
fn saving_a_configuration_sends_an_s3_test_event_to_each_destination() {
    let (mut s, topic) = world();
    s.at(7.0);
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    settle(&mut s);
    let bodies = s.bodies("inbox");
    assert_eq!(bodies.len(), 1);
    let order = [
        "{\"Service\":\"Amazon S3\"",
        "\"Event\":\"s3:TestEvent\"",
        "\"Time\":\"2026-01-01T00:00:07.000Z\"",
        "\"Bucket\":\"photos-bucket\"",
        "\"RequestId\":",
        "\"HostId\":",
    ];
    let mut last = 0;
    for part in order {
        let at = bodies[0].find(part).unwrap_or_else(|| panic!("{part}"));
        assert!(at >= last);
        last = at;
    }
    assert!(s
        .kinds()
        .iter()
        .any(|k| matches!(k, EventKind::S3TestEventSent { .. })));
}

#[test]
fn a_fifo_topic_cannot_be_an_s3_destination() {
    let (mut s, _) = world();
    let fifo = s.create_fifo_topic("uploads.fifo", json!({}));
    let e = s
        .configure(json!([config(&fifo, &["s3:ObjectCreated:*"], &[])]))
        .unwrap_err();
    assert_eq!(e.code, "InvalidArgument");
    assert_eq!(
        e.message,
        "Unable to validate the following destination configurations"
    );
    let got = s.s3_ok(
        "GetBucketNotificationConfiguration",
        json!({"Bucket": BUCKET}),
    );
    assert_eq!(got, json!({}), "nothing was saved");
}

#[test]
fn a_missing_topic_cannot_be_a_destination() {
    let (mut s, _) = world();
    let e = s
        .configure(json!([config(
            &topic_arn("nope"),
            &["s3:ObjectCreated:*"],
            &[]
        )]))
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "InvalidArgument",
            "Unable to validate the following destination configurations"
        )
    );
}

#[test]
fn skip_destination_validation_saves_a_missing_topic_and_sends_no_test_event() {
    let (mut s, _) = world();
    s.s3_ok(
        "PutBucketNotificationConfiguration",
        json!({"Bucket": BUCKET, "SkipDestinationValidation": true,
               "NotificationConfiguration": {"TopicConfigurations": [
                   {"Id": "id123", "TopicArn": topic_arn("my-topic"), "Events": ["s3:ObjectCreated:*"]}]}}),
    );
    let got = s.s3_ok(
        "GetBucketNotificationConfiguration",
        json!({"Bucket": BUCKET}),
    );
    assert_eq!(
        got,
        json!({"TopicConfigurations": [{"Id": "id123", "TopicArn": topic_arn("my-topic"),
                                         "Events": ["s3:ObjectCreated:*"]}]})
    );
    assert!(!s
        .kinds()
        .iter()
        .any(|k| matches!(k, EventKind::S3TestEventSent { .. })));
}

#[test]
fn a_topic_arn_that_is_not_an_sns_arn_could_not_be_parsed() {
    let (mut s, _) = world();
    for bad in [
        "invalid-topic",
        "arn:aws:sqs:us-east-1:123456789012:q",
        "arn:aws:sns:us-east-1:123:t",
    ] {
        let e = s
            .configure(json!([config(bad, &["s3:ObjectCreated:*"], &[])]))
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("InvalidArgument", "The ARN could not be parsed"),
            "{bad}"
        );
    }
}

#[test]
fn a_topic_in_another_region_is_refused() {
    let (mut s, _) = world();
    let e = s
        .configure(json!([config(
            "arn:aws:sns:us-west-2:123456789012:uploads",
            &["s3:ObjectCreated:*"],
            &[]
        )]))
        .unwrap_err();
    assert_eq!(
        e.message,
        "The notification destination service region is not valid for the bucket location constraint"
    );
}

#[test]
fn unknown_event_names_are_refused() {
    let (mut s, topic) = world();
    for bad in [
        "notarealeventname",
        "s3:ObjectCreated",
        "ObjectCreated:Put",
        "s3:*",
    ] {
        let e = s
            .configure(json!([config(&topic, &[bad], &[])]))
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "InvalidArgument",
                "The event is not supported for notifications"
            ),
            "{bad}"
        );
    }
}

#[test]
fn filter_rule_names_are_prefix_or_suffix_in_any_case_and_stored_capitalised() {
    let (mut s, topic) = world();
    let e = s
        .configure(json!([config(
            &topic,
            &["s3:ObjectCreated:*"],
            &[("INVALID", "x")]
        )]))
        .unwrap_err();
    assert_eq!(
        e.message,
        "filter rule name must be either prefix or suffix"
    );
    s.configure(json!([config(
        &topic,
        &["s3:ObjectCreated:*"],
        &[("PREFIX", "notif-"), ("suffix", ".txt")]
    )]))
    .unwrap();
    let got = s.s3_ok(
        "GetBucketNotificationConfiguration",
        json!({"Bucket": BUCKET}),
    );
    assert_eq!(
        got["TopicConfigurations"][0]["Filter"],
        json!({"Key": {"FilterRules": [{"Name": "Prefix", "Value": "notif-"},
                                        {"Name": "Suffix", "Value": ".txt"}]}})
    );
}

#[test]
fn a_filter_has_at_most_one_prefix_and_one_suffix_rule() {
    let (mut s, topic) = world();
    let e = s
        .configure(json!([config(
            &topic,
            &["s3:ObjectCreated:*"],
            &[("prefix", "a"), ("Prefix", "b")]
        )]))
        .unwrap_err();
    assert_eq!(
        e.message,
        "Cannot specify more than one prefix rule in a filter."
    );
    let long = "x".repeat(1_025);
    let e = s
        .configure(json!([config(
            &topic,
            &["s3:ObjectCreated:*"],
            &[("suffix", long.as_str())]
        )]))
        .unwrap_err();
    assert_eq!(e.code, "InvalidArgument");
}

#[test]
fn overlapping_configurations_are_refused() {
    let (mut s, topic) = world();
    let cases = [
        // Same event type through a wildcard, no filters.
        (
            config(&topic, &["s3:ObjectCreated:*"], &[]),
            config(&topic, &["s3:ObjectCreated:Put"], &[]),
        ),
        // Overlapping prefixes.
        (
            config(&topic, &["s3:ObjectCreated:Put"], &[("prefix", "images/")]),
            config(
                &topic,
                &["s3:ObjectCreated:*"],
                &[("prefix", "images/jpg/")],
            ),
        ),
        // Overlapping suffixes.
        (
            config(&topic, &["s3:ObjectCreated:Put"], &[("suffix", ".jpg")]),
            config(&topic, &["s3:ObjectCreated:Put"], &[("suffix", "jpg")]),
        ),
        // A prefix in one and a suffix in the other: "images/x.jpg" passes both.
        (
            config(&topic, &["s3:ObjectCreated:Put"], &[("prefix", "images/")]),
            config(&topic, &["s3:ObjectCreated:Put"], &[("suffix", ".jpg")]),
        ),
    ];
    for (a, b) in cases {
        let mut b = b;
        b["Id"] = json!("cfg-2");
        let e = s.configure(json!([a, b])).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "InvalidArgument",
                "Configurations overlap. Configurations on the same bucket cannot share a common event type."
            )
        );
    }
}

#[test]
fn configurations_that_cannot_match_the_same_event_are_accepted() {
    let (mut s, topic) = world();
    s.create_topic("logs", json!({}));
    let logs = topic_arn("logs");
    let ok_pairs = [
        (
            config(&topic, &["s3:ObjectCreated:*"], &[("prefix", "images/")]),
            config(&logs, &["s3:ObjectCreated:*"], &[("prefix", "logs/")]),
        ),
        (
            config(&topic, &["s3:ObjectCreated:*"], &[]),
            config(&logs, &["s3:ObjectRemoved:*"], &[]),
        ),
        (
            config(
                &topic,
                &["s3:ObjectCreated:Put"],
                &[("prefix", "images/"), ("suffix", ".jpg")],
            ),
            config(
                &logs,
                &["s3:ObjectCreated:Put"],
                &[("prefix", "images/"), ("suffix", ".png")],
            ),
        ),
    ];
    for (a, b) in ok_pairs {
        let mut b = b;
        b["Id"] = json!("cfg-2");
        s.configure(json!([a, b])).unwrap();
    }
}

#[test]
fn a_configuration_without_an_id_gets_one() {
    let (mut s, topic) = world();
    s.configure(json!([{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]))
        .unwrap();
    let got = s.s3_ok(
        "GetBucketNotificationConfiguration",
        json!({"Bucket": BUCKET}),
    );
    let id = got["TopicConfigurations"][0]["Id"].as_str().unwrap();
    assert!(!id.is_empty());
    s.put("a", "1");
    settle(&mut s);
    assert_eq!(s.records("inbox")[0]["s3"]["configurationId"], id);
}

#[test]
fn an_empty_configuration_turns_notifications_off() {
    let (mut s, topic) = world();
    s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[])]))
        .unwrap();
    s.configure(json!([])).unwrap();
    assert_eq!(
        s.s3_ok(
            "GetBucketNotificationConfiguration",
            json!({"Bucket": BUCKET})
        ),
        json!({})
    );
    s.put("a", "1");
    settle(&mut s);
    assert!(s.records("inbox").is_empty());
}

#[test]
fn only_topic_configurations_are_simulated() {
    let (mut s, _) = world();
    s.s3_err(
        "PutBucketNotificationConfiguration",
        json!({"Bucket": BUCKET, "NotificationConfiguration": {"QueueConfigurations": [
            {"QueueArn": queue_arn("inbox"), "Events": ["s3:ObjectCreated:*"]}]}}),
        "NotImplemented",
    );
}

// ------------------------------------------------------------------------- buckets

#[test]
fn bucket_names_follow_the_naming_rules() {
    let mut s = Sim::new();
    for bad in [
        "ab",
        "Uppercase",
        "under_score",
        "192.168.5.4",
        "a..b",
        "-dash",
    ] {
        let e = s.s3_err("CreateBucket", json!({"Bucket": bad}), "InvalidBucketName");
        assert_eq!(e.message, "The specified bucket is not valid.");
    }
    assert_eq!(
        s.s3_ok("CreateBucket", json!({"Bucket": "my.bucket-1"})),
        json!({"Location": "/my.bucket-1"})
    );
}

#[test]
fn recreating_an_owned_bucket_in_us_east_1_succeeds() {
    // The CreateBucket reference: BucketAlreadyOwnedByYou everywhere but N. Virginia, where
    // the call answers 200 OK for legacy compatibility.
    let (mut s, _) = world();
    s.put("keep", "me");
    assert_eq!(
        s.s3_ok("CreateBucket", json!({"Bucket": BUCKET})),
        json!({"Location": format!("/{BUCKET}")})
    );
    assert_eq!(s.w.s3().bucket(BUCKET).unwrap().objects.len(), 1);
}

#[test]
fn a_bucket_name_another_account_owns_already_exists() {
    let mut s = Sim::new();
    s.s3_err(
        "CreateBucket",
        json!({"Bucket": "examplebucket"}),
        "BucketAlreadyExists",
    );
}

#[test]
fn a_location_constraint_is_refused_in_us_east_1() {
    let mut s = Sim::new();
    s.s3_err(
        "CreateBucket",
        json!({"Bucket": "b-123", "CreateBucketConfiguration": {"LocationConstraint": "us-east-1"}}),
        "InvalidLocationConstraint",
    );
}

#[test]
fn calls_on_a_missing_bucket_answer_no_such_bucket() {
    let mut s = Sim::new();
    let topic = s.create_topic("t", json!({}));
    for (op, params) in [
        ("PutObject", json!({"Bucket": "nope-1", "Key": "k"})),
        ("DeleteObject", json!({"Bucket": "nope-1", "Key": "k"})),
        (
            "GetBucketNotificationConfiguration",
            json!({"Bucket": "nope-1"}),
        ),
        ("ListObjectsV2", json!({"Bucket": "nope-1"})),
        ("DeleteBucket", json!({"Bucket": "nope-1"})),
        (
            "PutBucketNotificationConfiguration",
            json!({"Bucket": "nope-1", "SkipDestinationValidation": true,
                   "NotificationConfiguration": {"TopicConfigurations": [
                       {"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}}),
        ),
    ] {
        let e = s.s3_err(op, params, "NoSuchBucket");
        assert_eq!(e.message, "The specified bucket does not exist");
    }
}

#[test]
fn a_bucket_with_objects_cannot_be_deleted() {
    let (mut s, _) = world();
    s.put("a", "1");
    s.s3_err("DeleteBucket", json!({"Bucket": BUCKET}), "BucketNotEmpty");
    s.delete("a");
    s.s3_ok("DeleteBucket", json!({"Bucket": BUCKET}));
    assert!(s.w.s3().bucket(BUCKET).is_none());
}

#[test]
fn list_objects_v2_lists_keys_in_order_by_prefix_and_page() {
    let (mut s, _) = world();
    for k in ["b/2", "a/1", "b/1", "b/3"] {
        s.put(k, "xyz");
    }
    let page = s.s3_ok(
        "ListObjectsV2",
        json!({"Bucket": BUCKET, "Prefix": "b/", "MaxKeys": 2}),
    );
    let keys: Vec<&str> = page["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["b/1", "b/2"]);
    assert_eq!(page["IsTruncated"], true);
    assert_eq!(page["Contents"][0]["Size"], 3);
    let token = page["NextContinuationToken"].as_str().unwrap().to_string();
    let next = s.s3_ok(
        "ListObjectsV2",
        json!({"Bucket": BUCKET, "Prefix": "b/", "ContinuationToken": token}),
    );
    assert_eq!(next["Contents"][0]["Key"], "b/3");
    assert_eq!(next["IsTruncated"], false);
}

#[test]
fn object_puts_and_deletes_are_recorded_as_events() {
    let (mut s, _) = world();
    s.put("a", "hello");
    s.delete("a");
    let kinds = s.kinds();
    assert!(kinds.iter().any(|k| matches!(k,
        EventKind::ObjectPut { key, size: 5, etag, .. } if key == "a" && etag == "5d41402abc4b2a76b9719d911017c592")));
    assert!(kinds.iter().any(|k| matches!(k,
        EventKind::ObjectDeleted { key, existed: true, .. } if key == "a")));
    assert!(kinds
        .iter()
        .any(|k| matches!(k, EventKind::BucketCreated { .. })));
}

// ------------------------------------------------------------------------- robustness

#[test]
fn malformed_requests_are_errors_not_panics() {
    let (mut s, topic) = world();
    let cases = [
        ("CreateBucket", json!({})),
        ("CreateBucket", json!({"Bucket": 5})),
        ("PutObject", json!({"Bucket": BUCKET})),
        (
            "PutObject",
            json!({"Bucket": BUCKET, "Key": "k", "Body": "not base64!"}),
        ),
        (
            "PutObject",
            json!({"Bucket": BUCKET, "Key": "k".repeat(1_025)}),
        ),
        (
            "DeleteObject",
            json!({"Bucket": BUCKET, "Key": "k", "VersionId": "v1"}),
        ),
        (
            "PutBucketNotificationConfiguration",
            json!({"Bucket": BUCKET}),
        ),
        (
            "PutBucketNotificationConfiguration",
            json!({"Bucket": BUCKET, "NotificationConfiguration": {"TopicConfigurations": [{}]}}),
        ),
        (
            "PutBucketNotificationConfiguration",
            json!({"Bucket": BUCKET, "NotificationConfiguration": {"TopicConfigurations": [
                {"TopicArn": topic, "Events": []}]}}),
        ),
        (
            "PutBucketNotificationConfiguration",
            json!({"Bucket": BUCKET, "NotificationConfiguration": {"TopicConfigurations": [
                {"TopicArn": topic, "Events": ["s3:ObjectCreated:*"],
                 "Filter": {"Key": {"FilterRules": [{"Name": "prefix"}]}}}]}}),
        ),
        (
            "PutBucketNotificationConfiguration",
            json!({"Bucket": BUCKET, "NotificationConfiguration": []}),
        ),
        ("ListObjectsV2", json!({"Bucket": BUCKET, "MaxKeys": -1})),
        (
            "ListObjectsV2",
            json!({"Bucket": BUCKET, "ContinuationToken": "%%%"}),
        ),
        ("GetObject", json!({"Bucket": BUCKET, "Key": "k"})),
    ];
    for (op, params) in cases {
        assert!(s.s3(op, params.clone()).is_err(), "{op} {params}");
    }
    let id = s.w.call("s3", "PutObject", &json!("not an object"));
    let done = s.w.take_completions();
    assert!(done.iter().any(|c| c.call == id && c.result.is_err()));
}

#[test]
fn the_same_seed_gives_the_same_s3_run() {
    let run = || {
        let (mut s, topic) = world();
        s.configure(
            json!([{"TopicArn": topic, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]),
        )
        .unwrap();
        s.put("a b", "1");
        s.delete("a b");
        settle(&mut s);
        s.bodies("inbox")
    };
    assert_eq!(run(), run());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any keys and filter values: no panic, and exactly the puts whose encoded key passes
    /// the filter notify.
    #[test]
    fn any_keys_and_filters_notify_exactly_the_matching_uploads(
        prefix in "[a-z/ +%]{1,4}",
        uploads in proptest::collection::vec("\\PC{1,12}", 1..8),
    ) {
        let (mut s, topic) = world();
        s.configure(json!([config(&topic, &["s3:ObjectCreated:*"], &[("prefix", prefix.as_str())])]))
            .unwrap();
        let mut expected = Vec::new();
        for k in &uploads {
            s.put(k, k);
            let encoded = mqlab_engine::s3::record::encode_key(k);
            if encoded.starts_with(prefix.as_str()) {
                expected.push(encoded);
            }
        }
        settle(&mut s);
        let mut got: Vec<String> = Vec::new();
        // At most 8 messages (the test event and 7 uploads): one receive of 10 takes them all.
        got.extend(keys(&s.records("inbox")));
        got.sort();
        expected.sort();
        proptest::prop_assert_eq!(got, expected);
    }
}
