//! Publish, PublishBatch and fan-out to SQS (aws-rules §3.2, §3.4, §3.8, §3.5): the envelope, raw
//! delivery, MessageStructure=json, FIFO topics, filter policies, and SQS rules applied to
//! deliveries.

mod sns_common;

use mqlab_engine::sns::SNS_DELIVERY_LATENCY_MS;
use mqlab_engine::EventKind;
use serde_json::{json, Value};
use sns_common::*;

fn fanout() -> (Sim, String) {
    let mut s = Sim::new();
    let t = s.create_topic("MyTopic", json!({}));
    s.create_queue("envelope", json!({}));
    s.create_queue("raw", json!({}));
    s.subscribe_queue(&t, "envelope", json!({}));
    s.subscribe_queue(&t, "raw", json!({"RawMessageDelivery": "true"}));
    (s, t)
}

#[test]
fn each_subscribed_queue_gets_its_own_copy() {
    let (mut s, t) = fanout();
    s.publish(&t, "Hello world!");
    s.wait(1.0);
    assert_eq!(s.receive("envelope").len(), 1);
    assert_eq!(s.bodies("raw"), ["Hello world!"]);
    let delivered = s
        .kinds()
        .into_iter()
        .filter(|k| matches!(k, EventKind::NotificationDelivered { .. }))
        .count();
    assert_eq!(delivered, 2);
}

#[test]
fn publish_returns_at_once_and_delivers_after_the_delivery_latency() {
    let (mut s, t) = fanout();
    s.at(10.0);
    s.publish(&t, "x");
    assert!(
        s.receive("raw").is_empty(),
        "nothing is delivered at publish time"
    );
    s.at_ms(10_000 + SNS_DELIVERY_LATENCY_MS);
    assert_eq!(s.bodies("raw"), ["x"]);
}

#[test]
fn envelope_has_the_documented_fields() {
    let (mut s, t) = fanout();
    s.at(3.5);
    let id = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "Hello world!", "Subject": "Testing publish to subscribed queues"}),
    )["MessageId"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait(1.0);
    let body = s.bodies("envelope").remove(0);
    // Members in the documentation's order, laid out as SNS lays them out.
    let order = [
        "Type",
        "MessageId",
        "TopicArn",
        "Subject",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|k| {
            body.find(&format!("\"{k}\" : "))
                .unwrap_or_else(|| panic!("{k} in {body}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{body}");
    let e = envelope(&body);
    assert_eq!(e["Type"], "Notification");
    assert_eq!(e["MessageId"], id.as_str());
    assert_eq!(e["TopicArn"], t);
    assert_eq!(e["Subject"], "Testing publish to subscribed queues");
    assert_eq!(e["Message"], "Hello world!");
    assert_eq!(e["Timestamp"], "2026-01-01T00:00:03.500Z");
    assert_eq!(e["SignatureVersion"], "1");
    assert_eq!(e["Signature"].as_str().unwrap().len(), 344);
    assert!(e["SigningCertURL"]
        .as_str()
        .unwrap()
        .starts_with("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-"));
    assert!(e["UnsubscribeURL"].as_str().unwrap().starts_with(&format!(
        "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={t}:"
    )));
    assert!(e.get("MessageAttributes").is_none());
}

#[test]
fn envelope_has_no_subject_unless_one_was_published() {
    let (mut s, t) = fanout();
    s.publish(&t, "no subject");
    s.wait(1.0);
    let e = envelope(&s.bodies("envelope")[0]);
    assert!(e.get("Subject").is_none(), "{e}");
}

#[test]
fn envelope_carries_message_attributes() {
    let (mut s, t) = fanout();
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageAttributes": {
            "store": {"DataType": "String", "StringValue": "example_corp"},
            "price": {"DataType": "Number", "StringValue": "10.5"},
            "blob": {"DataType": "Binary", "BinaryValue": "AQID"},
            "tags": {"DataType": "String.Array", "StringValue": "[\"a\",\"b\"]"}}}),
    );
    s.wait(1.0);
    let e = envelope(&s.bodies("envelope")[0]);
    assert_eq!(
        e["MessageAttributes"],
        json!({
            "blob": {"Type": "Binary", "Value": "AQID"},
            "price": {"Type": "Number", "Value": "10.5"},
            "store": {"Type": "String", "Value": "example_corp"},
            "tags": {"Type": "String.Array", "Value": "[\"a\",\"b\"]"}
        })
    );
}

#[test]
fn raw_delivery_maps_attributes_to_sqs_message_attributes() {
    let (mut s, t) = fanout();
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageAttributes": {
            "store": {"DataType": "String", "StringValue": "example_corp"},
            "price": {"DataType": "Number", "StringValue": "10.5"},
            "blob": {"DataType": "Binary", "BinaryValue": "AQID"}}}),
    );
    s.wait(1.0);
    let m = s.receive("raw").remove(0);
    assert_eq!(m["Body"], "m");
    assert_eq!(
        m["MessageAttributes"],
        json!({
            "blob": {"DataType": "Binary", "BinaryValue": "AQID"},
            "price": {"DataType": "Number", "StringValue": "10.5"},
            "store": {"DataType": "String", "StringValue": "example_corp"}
        })
    );
    assert!(m["MD5OfMessageAttributes"].is_string());
}

#[test]
fn raw_delivery_with_more_than_10_attributes_is_a_client_side_failure() {
    let (mut s, t) = fanout();
    let mut attrs = serde_json::Map::new();
    for i in 0..11 {
        attrs.insert(
            format!("a{i}"),
            json!({"DataType": "String", "StringValue": "v"}),
        );
    }
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageAttributes": attrs}),
    );
    s.wait(1.0);
    assert_eq!(
        s.receive("envelope").len(),
        1,
        "the envelope carries all 11"
    );
    assert!(s.receive("raw").is_empty());
    let failed = s.kinds().into_iter().any(|k| {
        matches!(
            k,
            EventKind::DeliveryAttemptFailed {
                client_error: true,
                attempt: 1,
                ..
            }
        )
    });
    assert!(failed);
    let attempts = s
        .kinds()
        .into_iter()
        .filter(|k| matches!(k, EventKind::DeliveryAttempted { .. }))
        .count();
    assert_eq!(
        attempts, 2,
        "one per subscription, no retry of a client-side error"
    );
}

#[test]
fn signature_version_2_shows_in_the_envelope() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({"SignatureVersion": "2"}));
    s.create_queue("q", json!({}));
    s.subscribe_queue(&t, "q", json!({}));
    s.publish(&t, "m");
    s.wait(1.0);
    assert_eq!(envelope(&s.bodies("q")[0])["SignatureVersion"], "2");
}

#[test]
fn message_structure_json_selects_the_message_per_protocol() {
    let (mut s, t) = fanout();
    s.subscribe(&t, "email-json", "a@example.com", json!({}));
    let token = s.inbox("a@example.com")[0]["Token"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    let msg = json!({"default": "for everyone", "sqs": "for queues", "ignored": 5}).to_string();
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": msg, "MessageStructure": "json",
               "MessageAttributes": {"a": {"DataType": "String", "StringValue": "b"}}}),
    );
    s.wait(1.0);
    assert_eq!(s.bodies("raw"), ["for queues"]);
    let e = envelope(&s.bodies("envelope")[0]);
    assert_eq!(e["Message"], "for queues");
    assert!(
        e.get("MessageAttributes").is_none(),
        "attributes are delivered only with a string message structure"
    );
    let mail = s.inbox("a@example.com");
    assert_eq!(
        envelope(mail[1]["Body"].as_str().unwrap())["Message"],
        "for everyone"
    );
}

#[test]
fn message_structure_json_needs_a_default_key_and_valid_json() {
    let (mut s, t) = fanout();
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "{\"sqs\":\"x\"}", "MessageStructure": "json"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: Message Structure - No default entry in JSON message body"
    );
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "not json", "MessageStructure": "json"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: Message Structure - JSON message body failed to parse"
    );
}

#[test]
fn publish_rejects_messages_over_256_kb() {
    let (mut s, t) = fanout();
    s.publish(&t, &"x".repeat(262_144));
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "x".repeat(262_145)}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: Message too long");
    // Attributes count toward the limit.
    s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "x".repeat(262_140),
               "MessageAttributes": {"a": {"DataType": "String", "StringValue": "bcdef"}}}),
        "InvalidParameterException",
    );
}

#[test]
fn subject_must_be_short_and_on_one_line() {
    let (mut s, t) = fanout();
    for subject in ["", "two\nlines", &"s".repeat(100)] {
        let e = s.err(
            "Publish",
            json!({"TopicArn": t, "Message": "m", "Subject": subject}),
            "InvalidParameterException",
        );
        assert_eq!(e.message, "Invalid parameter: Subject");
    }
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "Subject": "s".repeat(99)}),
    );
}

#[test]
fn publish_needs_a_target_and_a_message() {
    let (mut s, t) = fanout();
    let e = s.err(
        "Publish",
        json!({"Message": "m"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
    );
    let e = s.err(
        "Publish",
        json!({"TopicArn": t}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: Empty message");
    // TargetArn may name a topic.
    s.ok("Publish", json!({"TargetArn": t, "Message": "m"}));
}

#[test]
fn publish_to_a_phone_number_sends_one_sms() {
    let mut s = Sim::new();
    let v = s.ok(
        "Publish",
        json!({"PhoneNumber": "+15555550100", "Message": "code 1234"}),
    );
    assert!(v["MessageId"].is_string());
    let inbox = s.inbox("+15555550100");
    assert_eq!(inbox[0]["Body"], "code 1234");
    s.err(
        "Publish",
        json!({"PhoneNumber": "555", "Message": "x"}),
        "InvalidParameterException",
    );
}

#[test]
fn message_attributes_are_validated() {
    let (mut s, t) = fanout();
    let cases = [
        (
            json!({"a": {"DataType": "Text", "StringValue": "x"}}),
            "invalid message attribute type",
        ),
        (
            json!({"a": {"DataType": "Number", "StringValue": "ten"}}),
            "Could not cast",
        ),
        (
            json!({"a": {"DataType": "String", "StringValue": ""}}),
            "non-empty",
        ),
        (
            json!({".a": {"DataType": "String", "StringValue": "x"}}),
            "starting with character '.'",
        ),
        (
            json!({"a b": {"DataType": "String", "StringValue": "x"}}),
            "non-alphanumeric",
        ),
        (
            json!({"AWS.x": {"DataType": "String", "StringValue": "x"}}),
            "reserved",
        ),
    ];
    for (attrs, text) in cases {
        let e = s.err(
            "Publish",
            json!({"TopicArn": t, "Message": "m", "MessageAttributes": attrs}),
            "InvalidParameterValueException",
        );
        assert!(e.message.contains(text), "{e}");
    }
}

#[test]
fn standard_topic_forwards_message_group_id_to_standard_queues() {
    let (mut s, t) = fanout();
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageGroupId": "tenant-1"}),
    );
    s.wait(1.0);
    let m = s.receive("raw").remove(0);
    assert_eq!(m["Attributes"]["MessageGroupId"], "tenant-1");
}

#[test]
fn deduplication_id_on_a_standard_topic_is_refused() {
    let (mut s, t) = fanout();
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageDeduplicationId": "d"}),
        "InvalidParameterException",
    );
    assert!(e.message.contains("not valid for this topic type"), "{e}");
}

// ------------------------------------------------------------------------------ FIFO

fn fifo(cbd: bool) -> (Sim, String) {
    let mut s = Sim::new();
    let t = s.create_fifo_topic(
        "orders.fifo",
        json!({"ContentBasedDeduplication": if cbd { "true" } else { "false" }}),
    );
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    s.create_queue("std", json!({}));
    s.subscribe_queue(&t, "q.fifo", json!({}));
    s.subscribe_queue(&t, "std", json!({"RawMessageDelivery": "true"}));
    (s, t)
}

#[test]
fn fifo_publish_requires_message_group_id() {
    let (mut s, t) = fifo(true);
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "m"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    );
}

#[test]
fn fifo_publish_requires_a_deduplication_id_or_content_based_deduplication() {
    let (mut s, t) = fifo(false);
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageGroupId": "g"}),
        "InvalidParameterException",
    );
    assert!(e.message.contains("ContentBasedDeduplication"), "{e}");
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageGroupId": "g", "MessageDeduplicationId": "d"}),
    );
}

#[test]
fn fifo_publish_returns_increasing_sequence_numbers() {
    let (mut s, t) = fifo(true);
    let mut last = 0u128;
    for i in 0..5 {
        let v = s.ok(
            "Publish",
            json!({"TopicArn": t, "Message": format!("m{i}"), "MessageGroupId": "g"}),
        );
        let seq: u128 = v["SequenceNumber"].as_str().unwrap().parse().unwrap();
        assert!(seq > last);
        last = seq;
    }
    let (mut s, t) = fanout();
    assert!(s.publish(&t, "m").get("SequenceNumber").is_none());
}

#[test]
fn fifo_duplicate_within_5_minutes_is_not_delivered() {
    let (mut s, t) = fifo(true);
    let first = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "same", "MessageGroupId": "g"}),
    );
    s.at(60.0);
    let dup = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "same", "MessageGroupId": "g"}),
    );
    assert_eq!(dup["MessageId"], first["MessageId"]);
    s.wait(1.0);
    assert_eq!(s.bodies("std"), ["same"]);
    s.at(301.0);
    let later = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "same", "MessageGroupId": "g"}),
    );
    assert_ne!(later["MessageId"], first["MessageId"]);
}

#[test]
fn fifo_deduplication_is_per_group_with_message_group_throughput_scope() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic(
        "t.fifo",
        json!({"ContentBasedDeduplication": "true", "FifoThroughputScope": "MessageGroup"}),
    );
    let a = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "x", "MessageGroupId": "a"}),
    );
    let b = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "x", "MessageGroupId": "b"}),
    );
    assert_ne!(a["MessageId"], b["MessageId"]);
}

#[test]
fn fifo_topic_passes_group_and_deduplication_ids_to_fifo_queues() {
    let (mut s, t) = fifo(false);
    for (i, g) in ["g1", "g2", "g1"].iter().enumerate() {
        s.ok(
            "Publish",
            json!({"TopicArn": t, "Message": format!("m{i}"), "MessageGroupId": g,
                   "MessageDeduplicationId": format!("d{i}")}),
        );
    }
    s.wait(1.0);
    let msgs = s.receive("q.fifo");
    let got: Vec<(String, String)> = msgs
        .iter()
        .map(|m| {
            (
                m["Attributes"]["MessageGroupId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                m["Attributes"]["MessageDeduplicationId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("g1".into(), "d0".into()),
            ("g1".into(), "d2".into()),
            ("g2".into(), "d1".into())
        ]
    );
    let bodies: Vec<String> = msgs
        .iter()
        .map(|m| {
            envelope(m["Body"].as_str().unwrap())["Message"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(bodies, ["m0", "m2", "m1"], "order within each group");
}

#[test]
fn fifo_topic_delivers_to_standard_queues_without_the_group_id() {
    let (mut s, t) = fifo(true);
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageGroupId": "g"}),
    );
    s.wait(1.0);
    let m = s.receive("std").remove(0);
    assert_eq!(m["Body"], "m");
    assert!(m["Attributes"].get("MessageGroupId").is_none(), "{m}");
}

#[test]
fn fifo_envelope_has_a_sequence_number_and_no_signature() {
    let (mut s, t) = fifo(true);
    let v = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m", "MessageGroupId": "g"}),
    );
    s.wait(1.0);
    let e = envelope(&s.bodies("q.fifo")[0]);
    assert_eq!(e["SequenceNumber"], v["SequenceNumber"]);
    assert!(e.get("Signature").is_none());
    assert!(e.get("SignatureVersion").is_none());
    assert!(e.get("SigningCertURL").is_none());
}

// ------------------------------------------------------------------------------ SQS rules

#[test]
fn sqs_rules_apply_to_deliveries() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.create_queue("delayed", json!({"DelaySeconds": "5"}));
    s.create_queue("small", json!({"MaximumMessageSize": "1024"}));
    s.subscribe_queue(&t, "delayed", json!({"RawMessageDelivery": "true"}));
    s.subscribe_queue(&t, "small", json!({"RawMessageDelivery": "true"}));
    s.publish(&t, &"x".repeat(2_000));
    s.wait(1.0);
    assert!(s.receive("delayed").is_empty(), "the queue's delay applies");
    assert!(s.receive("small").is_empty(), "too big for the queue");
    let refused = s.kinds().into_iter().any(|k| {
        matches!(k, EventKind::NotificationFailed { reason, .. } if reason.contains("InvalidParameterValue"))
    });
    assert!(refused);
    s.wait(5.0);
    assert_eq!(s.receive("delayed").len(), 1);
}

#[test]
fn a_deleted_queue_is_a_client_side_failure_and_is_not_retried() {
    let (mut s, t) = fanout();
    s.sqs("DeleteQueue", json!({"QueueUrl": queue_url("raw")}))
        .unwrap();
    s.publish(&t, "m");
    s.wait(3600.0);
    let attempts: Vec<_> = s
        .kinds()
        .into_iter()
        .filter(|k| matches!(k, EventKind::DeliveryAttempted { .. }))
        .collect();
    assert_eq!(attempts.len(), 2);
    let failed = s.kinds().into_iter().any(|k| {
        matches!(k, EventKind::NotificationFailed { reason, attempts: 1, .. } if reason.starts_with("QueueDoesNotExist"))
    });
    assert!(failed);
    assert_eq!(s.w.sns().topic_by_name("MyTopic").unwrap().totals.failed, 1);
    assert_eq!(
        s.receive("envelope").len(),
        1,
        "other subscribers keep receiving"
    );
}

#[test]
fn a_deleted_queue_failure_goes_to_the_subscription_dead_letter_queue() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.create_queue("dlq", json!({}));
    s.subscribe_queue(
        &t,
        "gone",
        json!({"RedrivePolicy": format!(r#"{{"deadLetterTargetArn":"{}"}}"#, queue_arn("dlq"))}),
    );
    let id = s.publish(&t, "lost")["MessageId"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait(1.0);
    let m = s.receive("dlq").remove(0);
    let e = envelope(m["Body"].as_str().unwrap());
    assert_eq!(e["MessageId"], id.as_str());
    assert_eq!(e["Message"], "lost");
    assert_eq!(
        m["MessageAttributes"]["ErrorCode"]["StringValue"],
        "QueueDoesNotExist"
    );
    assert!(m["MessageAttributes"]["RequestID"]["StringValue"].is_string());
    assert!(m["MessageAttributes"]["ErrorMessage"]["StringValue"].is_string());
    let moved = s.kinds().into_iter().any(|k| {
        matches!(k, EventKind::NotificationMovedToDeadLetterQueue { dead_letter_queue, .. } if *dead_letter_queue == queue_arn("dlq"))
    });
    assert!(moved);
}

#[test]
fn unsubscribed_subscriptions_get_nothing_more() {
    let (mut s, t) = fanout();
    let subs = s.ok("ListSubscriptionsByTopic", json!({"TopicArn": t}));
    let raw_sub = subs["Subscriptions"][1]["SubscriptionArn"]
        .as_str()
        .unwrap()
        .to_string();
    s.publish(&t, "in flight");
    s.ok("Unsubscribe", json!({"SubscriptionArn": raw_sub}));
    s.wait(1.0);
    assert!(s.receive("raw").is_empty());
    assert_eq!(s.receive("envelope").len(), 1);
}

#[test]
fn pending_subscriptions_are_not_delivered_to() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.subscribe(&t, "https", "https://example.com/hook", json!({}));
    s.publish(&t, "m");
    s.wait(10.0);
    let inbox = s.inbox("https://example.com/hook");
    assert_eq!(inbox.len(), 1, "only the SubscriptionConfirmation");
}

// ------------------------------------------------------------------------------ filters

#[test]
fn filtered_out_messages_are_counted_and_recorded_with_a_reason() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.create_queue("corp", json!({}));
    s.create_queue("body", json!({}));
    s.subscribe_queue(
        &t,
        "corp",
        json!({"RawMessageDelivery": "true", "FilterPolicy": r#"{"store":["example_corp"]}"#}),
    );
    s.subscribe_queue(
        &t,
        "body",
        json!({"RawMessageDelivery": "true", "FilterPolicy": r#"{"kind":["order"]}"#,
               "FilterPolicyScope": "MessageBody"}),
    );
    let store = |v: &str| json!({"store": {"DataType": "String", "StringValue": v}});
    s.ok("Publish", json!({"TopicArn": t, "Message": r#"{"kind":"order"}"#, "MessageAttributes": store("example_corp")}));
    s.ok("Publish", json!({"TopicArn": t, "Message": r#"{"kind":"refund"}"#, "MessageAttributes": store("other")}));
    s.ok("Publish", json!({"TopicArn": t, "Message": "not json"}));
    s.wait(61.0);
    assert_eq!(s.bodies("corp"), [r#"{"kind":"order"}"#]);
    assert_eq!(s.bodies("body"), [r#"{"kind":"order"}"#]);
    let reasons: Vec<(String, String)> = s
        .kinds()
        .into_iter()
        .filter_map(|k| match k {
            EventKind::NotificationFilteredOut { metric, reason, .. } => {
                Some((metric.clone(), reason.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons.iter().all(|(_, r)| !r.is_empty()));
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsFilteredOut"), 1.0);
    assert_eq!(
        s.metric_sum("t", "NumberOfNotificationsFilteredOut-NoMessageAttributes"),
        1.0
    );
    assert_eq!(
        s.metric_sum("t", "NumberOfNotificationsFilteredOut-MessageBody"),
        1.0
    );
    assert_eq!(
        s.metric_sum("t", "NumberOfNotificationsFilteredOut-InvalidMessageBody"),
        1.0
    );
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsDelivered"), 2.0);
}

// ------------------------------------------------------------------------------ PublishBatch

fn entry(id: &str, message: &str) -> Value {
    json!({"Id": id, "Message": message})
}

#[test]
fn publish_batch_publishes_in_order_and_reports_per_entry_failures() {
    let (mut s, t) = fanout();
    let v = s.ok(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [
            entry("a", "one"), entry("b", ""), entry("c", "three")]}),
    );
    let ok: Vec<&str> = v["Successful"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Id"].as_str().unwrap())
        .collect();
    assert_eq!(ok, ["a", "c"]);
    assert!(v["Successful"][0]["MessageId"].is_string());
    assert_eq!(v["Failed"][0]["Id"], "b");
    assert_eq!(v["Failed"][0]["Code"], "InvalidParameterException");
    assert_eq!(v["Failed"][0]["SenderFault"], true);
    s.wait(1.0);
    assert_eq!(s.bodies("raw"), ["one", "three"]);
}

#[test]
fn publish_batch_errors_are_the_api_model_batch_errors() {
    let (mut s, t) = fanout();
    let eleven: Vec<Value> = (0..11).map(|i| entry(&format!("e{i}"), "m")).collect();
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": eleven}),
        "TooManyEntriesInBatchRequestException",
    );
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": []}),
        "EmptyBatchRequestException",
    );
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [entry("a", "1"), entry("a", "2")]}),
        "BatchEntryIdsNotDistinctException",
    );
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [entry("bad id!", "1")]}),
        "InvalidBatchEntryIdException",
    );
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [entry(&"i".repeat(81), "1")]}),
        "InvalidBatchEntryIdException",
    );
    let big = "x".repeat(150_000);
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [entry("a", &big), entry("b", &big)]}),
        "BatchRequestTooLongException",
    );
    s.err(
        "PublishBatch",
        json!({"TopicArn": topic_arn("nope"), "PublishBatchRequestEntries": [entry("a", "1")]}),
        "NotFoundException",
    );
}

#[test]
fn fifo_publish_batch_needs_group_ids_on_every_entry_and_returns_sequence_numbers() {
    let (mut s, t) = fifo(true);
    s.err(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [
            {"Id": "a", "Message": "1", "MessageGroupId": "g"}, {"Id": "b", "Message": "2"}]}),
        "InvalidParameterException",
    );
    let v = s.ok(
        "PublishBatch",
        json!({"TopicArn": t, "PublishBatchRequestEntries": [
            {"Id": "a", "Message": "1", "MessageGroupId": "g"},
            {"Id": "b", "Message": "2", "MessageGroupId": "g"},
            {"Id": "c", "Message": "1", "MessageGroupId": "g"}]}),
    );
    let ok = v["Successful"].as_array().unwrap();
    assert_eq!(ok.len(), 3);
    assert!(ok[0]["SequenceNumber"].is_string());
    // Deduplicated within the batch (content-based): the same MessageId as the first.
    assert_eq!(ok[2]["MessageId"], ok[0]["MessageId"]);
    s.wait(1.0);
    assert_eq!(s.bodies("std"), ["1", "2"]);
}

#[test]
fn a_fifo_topic_with_topic_scope_is_throttled_past_3000_messages_per_second() {
    let mut s = Sim::new();
    for (name, scope) in [
        ("per-topic.fifo", "Topic"),
        ("per-group.fifo", "MessageGroup"),
    ] {
        s.ok(
            "CreateTopic",
            json!({"Name": name, "Attributes": {"FifoTopic": "true", "ContentBasedDeduplication": "true", "FifoThroughputScope": scope}}),
        );
        let entries = |batch: u32| -> Vec<Value> {
            (0..10)
                .map(|i| json!({"Id": format!("e{i}"), "Message": format!("m{batch}-{i}"), "MessageGroupId": format!("g{}", i % 3)}))
                .collect()
        };
        let mut throttled = 0;
        // 301 batches of 10 in one virtual second: the 301st is the 3,010th message.
        for b in 0..301 {
            match s.sns(
                "PublishBatch",
                json!({"TopicArn": topic_arn(name), "PublishBatchRequestEntries": entries(b)}),
            ) {
                Ok(_) => {}
                Err(e) => {
                    assert_eq!(e.code, "ThrottledException");
                    throttled += 1;
                }
            }
        }
        if scope == "Topic" {
            assert_eq!(throttled, 1, "{name}: the batch past 3,000 messages");
            // The next second has room again.
            s.w.advance_to(1_000);
            let r = s.sns(
                "Publish",
                json!({"TopicArn": topic_arn(name), "Message": "later", "MessageGroupId": "g"}),
            );
            assert!(r.is_ok(), "{r:?}");
        } else {
            assert_eq!(
                throttled, 0,
                "{name}: MessageGroup scope is not limited per topic"
            );
        }
    }
}
