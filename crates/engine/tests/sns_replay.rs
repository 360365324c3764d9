//! FIFO message archiving (`ArchivePolicy`, `BeginningArchiveTime`) and replay
//! (`ReplayPolicy`, `ReplayStatus`) (aws-rules §3.1, §3.3). Virtual time 0 is
//! 2026-01-01T00:00:00Z.

mod sns_common;

use serde_json::{json, Value};
use sns_common::*;

const WEEK: &str = r#"{"MessageRetentionPeriod":"7"}"#;

fn replay_from(start: &str) -> String {
    json!({"PointType": "Timestamp", "StartingPoint": start}).to_string()
}

/// An archiving FIFO topic with three messages published at 10, 20 and 30 s.
fn archived_topic(s: &mut Sim) -> String {
    let t = s.create_fifo_topic(
        "orders.fifo",
        json!({"ArchivePolicy": WEEK, "ContentBasedDeduplication": "true"}),
    );
    for (at, body) in [(10.0, "m1"), (20.0, "m2"), (30.0, "m3")] {
        s.at(at);
        s.ok(
            "Publish",
            json!({"TopicArn": t, "Message": body, "MessageGroupId": "g"}),
        );
    }
    t
}

fn messages(s: &mut Sim, queue: &str) -> Vec<Value> {
    s.receive(queue)
        .iter()
        .map(|m| envelope(m["Body"].as_str().unwrap()))
        .collect()
}

#[test]
fn archive_policy_is_only_for_fifo_topics() {
    let mut s = Sim::new();
    let t = s.create_topic("std", json!({}));
    let e = s.err(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "ArchivePolicy", "AttributeValue": WEEK}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: ArchivePolicy Reason: Message archiving is only supported for FIFO topics"
    );
}

#[test]
fn beginning_archive_time_is_when_archiving_began_then_follows_retention() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic("f.fifo", json!({}));
    assert!(s.topic_attrs(&t).get("BeginningArchiveTime").is_none());
    s.at(60.0);
    s.ok(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "ArchivePolicy",
               "AttributeValue": r#"{"MessageRetentionPeriod":"1"}"#}),
    );
    assert_eq!(
        s.topic_attrs(&t)["BeginningArchiveTime"],
        "2026-01-01T00:01:00.000Z"
    );
    s.at(2.0 * 86_400.0);
    assert_eq!(
        s.topic_attrs(&t)["BeginningArchiveTime"],
        "2026-01-02T00:00:00.000Z"
    );
    // BeginningArchiveTime is read-only.
    s.err(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "BeginningArchiveTime", "AttributeValue": "x"}),
        "InvalidParameterException",
    );
    s.ok(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "ArchivePolicy", "AttributeValue": ""}),
    );
    assert!(s.topic_attrs(&t).get("BeginningArchiveTime").is_none());
}

#[test]
fn replay_redelivers_archived_messages_from_the_starting_point() {
    let mut s = Sim::new();
    let t = archived_topic(&mut s);
    s.create_queue("live.fifo", json!({"FifoQueue": "true"}));
    s.at(100.0);
    s.create_queue("audit.fifo", json!({"FifoQueue": "true"}));
    let sub = s.subscribe_queue(
        &t,
        "audit.fifo",
        json!({"ReplayPolicy": replay_from("2026-01-01T00:00:15Z")}),
    );
    assert_eq!(s.sub_attrs(&sub)["ReplayStatus"], "Pending");
    s.wait(5.0);
    assert_eq!(s.sub_attrs(&sub)["ReplayStatus"], "Completed");
    let got = messages(&mut s, "audit.fifo");
    let bodies: Vec<&str> = got.iter().map(|e| e["Message"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["m2", "m3"]);
    // Same Timestamp as the original publish, marked as replayed.
    assert_eq!(got[0]["Timestamp"], "2026-01-01T00:00:20.000Z");
    assert_eq!(got[0]["Replayed"], true);
}

#[test]
fn replayed_messages_keep_their_message_id() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic("orders.fifo", json!({"ArchivePolicy": WEEK}));
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    let id = s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m1", "MessageGroupId": "g", "MessageDeduplicationId": "d1"}),
    )["MessageId"]
        .clone();
    s.at(10.0);
    s.subscribe_queue(
        &t,
        "q.fifo",
        json!({"ReplayPolicy": replay_from("2026-01-01T00:00:00Z")}),
    );
    s.wait(1.0);
    let got = messages(&mut s, "q.fifo");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["MessageId"], id);
}

#[test]
fn replay_stops_at_the_ending_point_and_respects_the_filter_policy() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic(
        "orders.fifo",
        json!({"ArchivePolicy": WEEK, "ContentBasedDeduplication": "true"}),
    );
    for (at, body, kind) in [
        (10.0, "a", "keep"),
        (20.0, "b", "drop"),
        (30.0, "c", "keep"),
        (40.0, "d", "keep"),
    ] {
        s.at(at);
        s.ok(
            "Publish",
            json!({"TopicArn": t, "Message": body, "MessageGroupId": "g",
                   "MessageAttributes": {"kind": {"DataType": "String", "StringValue": kind}}}),
        );
    }
    s.at(100.0);
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    let policy = json!({"PointType": "Timestamp", "StartingPoint": "2026-01-01T00:00:00Z",
                        "EndingPoint": "2026-01-01T00:00:35Z"})
    .to_string();
    s.subscribe_queue(
        &t,
        "q.fifo",
        json!({"ReplayPolicy": policy, "FilterPolicy": r#"{"kind":["keep"]}"#}),
    );
    s.wait(5.0);
    let bodies: Vec<String> = messages(&mut s, "q.fifo")
        .iter()
        .map(|e| e["Message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(bodies, ["a", "c"]);
}

#[test]
fn a_replay_set_later_with_set_subscription_attributes_redelivers_to_that_subscription_only() {
    let mut s = Sim::new();
    // Standard queues (aws-rules §0.1: FIFO topics may feed them): no group lock or
    // deduplication in the way, and received messages stay hidden for the rest of the test.
    let hidden = json!({"VisibilityTimeout": "43200"});
    s.create_queue("a", hidden.clone());
    s.create_queue("b", hidden);
    let t = s.create_fifo_topic(
        "orders.fifo",
        json!({"ArchivePolicy": WEEK, "ContentBasedDeduplication": "true"}),
    );
    let sa = s.subscribe_queue(&t, "a", json!({}));
    s.subscribe_queue(&t, "b", json!({}));
    s.at(1.0);
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "m1", "MessageGroupId": "g"}),
    );
    s.wait(1.0);
    assert_eq!(messages(&mut s, "a").len(), 1);
    assert_eq!(messages(&mut s, "b").len(), 1);
    assert!(s.sub_attrs(&sa).get("ReplayStatus").is_none());
    s.at(400.0);
    s.ok(
        "SetSubscriptionAttributes",
        json!({"SubscriptionArn": sa, "AttributeName": "ReplayPolicy",
               "AttributeValue": replay_from("2026-01-01T00:00:00Z")}),
    );
    s.wait(60.0);
    assert_eq!(s.sub_attrs(&sa)["ReplayStatus"], "Completed");
    let again = s.bodies("a");
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(s.bodies("b").is_empty());
}

#[test]
fn replay_policies_are_validated() {
    let mut s = Sim::new();
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    let plain = s.create_fifo_topic("plain.fifo", json!({}));
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": plain, "Protocol": "sqs", "Endpoint": queue_arn("q.fifo"),
               "Attributes": {"ReplayPolicy": replay_from("2026-01-01T00:00:00Z")}}),
        "InvalidParameterException",
    );
    assert!(e.message.contains("ArchivePolicy"), "{}", e.message);
    let t = s.create_fifo_topic("orders.fifo", json!({"ArchivePolicy": WEEK}));
    let sub = s.subscribe_queue(&t, "q.fifo", json!({}));
    let cases = [
        (
            "{",
            "Invalid parameter: ReplayPolicy: failed to parse JSON.",
        ),
        (
            r#"{"PointType":"SequenceNumber","StartingPoint":"2026-01-01T00:00:00Z"}"#,
            "Invalid parameter: ReplayPolicy: PointType must be Timestamp",
        ),
        (
            r#"{"PointType":"Timestamp"}"#,
            "Invalid parameter: ReplayPolicy: StartingPoint is required",
        ),
        (
            r#"{"PointType":"Timestamp","StartingPoint":"yesterday"}"#,
            "Invalid parameter: ReplayPolicy: StartingPoint must be an ISO-8601 timestamp",
        ),
        (
            r#"{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z","EndingPoint":"2026-01-01T00:00:00Z"}"#,
            "Invalid parameter: ReplayPolicy: EndingPoint must be later than StartingPoint",
        ),
    ];
    for (policy, message) in cases {
        let e = s.err(
            "SetSubscriptionAttributes",
            json!({"SubscriptionArn": sub, "AttributeName": "ReplayPolicy", "AttributeValue": policy}),
            "InvalidParameterException",
        );
        assert_eq!(e.message, message);
    }
    assert!(s.sub_attrs(&sub).get("ReplayPolicy").is_none());
}

#[test]
fn a_replay_with_nothing_to_replay_completes_at_once() {
    let mut s = Sim::new();
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    let t = s.create_fifo_topic("orders.fifo", json!({"ArchivePolicy": WEEK}));
    let sub = s.subscribe_queue(
        &t,
        "q.fifo",
        json!({"ReplayPolicy": replay_from("2026-01-01T00:00:00Z")}),
    );
    s.wait(1.0);
    assert_eq!(s.sub_attrs(&sub)["ReplayStatus"], "Completed");
    // An empty ReplayPolicy stops (and forgets) the replay.
    s.ok(
        "SetSubscriptionAttributes",
        json!({"SubscriptionArn": sub, "AttributeName": "ReplayPolicy", "AttributeValue": ""}),
    );
    assert!(s.sub_attrs(&sub).get("ReplayStatus").is_none());
}
