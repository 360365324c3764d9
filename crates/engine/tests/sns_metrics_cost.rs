//! SNS CloudWatch metrics (namespace AWS/SNS, per topic, per minute), the cost meter
//! (aws-rules §3.10) and determinism of runs that use SNS.

mod sns_common;

use mqlab_engine::events_hash;
use mqlab_engine::sns::cost::{PRICE_HTTP_PER_MILLION_USD, PRICE_PUBLISH_PER_MILLION_USD};
use serde_json::json;
use sns_common::*;

#[test]
fn publishes_and_deliveries_are_counted_per_minute() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.create_queue("q1", json!({}));
    s.create_queue("q2", json!({}));
    s.subscribe_queue(&t, "q1", json!({}));
    s.subscribe_queue(&t, "q2", json!({}));
    s.publish(&t, "abcd");
    s.publish(&t, "abcdefgh");
    s.at(61.0);
    s.publish(&t, "x");
    s.at(121.0);
    let rows = s.w.sns().metric_rows();
    let minute = |m: &str, i: usize| -> f64 {
        rows.iter()
            .filter(|r| r.metric == m)
            .nth(i)
            .map(|r| r.value)
            .unwrap_or(f64::NAN)
    };
    assert_eq!(minute("NumberOfMessagesPublished", 0), 2.0);
    assert_eq!(minute("NumberOfMessagesPublished", 1), 1.0);
    assert_eq!(minute("NumberOfNotificationsDelivered", 0), 4.0);
    assert_eq!(minute("NumberOfNotificationsDelivered", 1), 2.0);
    assert_eq!(
        minute("PublishSize", 0),
        6.0,
        "the average size of the minute's publishes"
    );
    assert_eq!(minute("NumberOfNotificationsFailed", 0), 0.0);
    assert!(rows.iter().all(|r| r.dimension("TopicName") == Some("t")));
    assert_eq!(rows[0].timestamp, 1_767_225_600);
}

#[test]
fn failed_deliveries_count_in_number_of_notifications_failed() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.subscribe_queue(&t, "missing", json!({}));
    s.publish(&t, "m");
    s.at(61.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsFailed"), 1.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsDelivered"), 0.0);
}

#[test]
fn publishes_are_billed_per_64_kb_chunk_and_deliveries_by_protocol() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.create_queue("q", json!({}));
    s.subscribe_queue(&t, "q", json!({}));
    s.subscribe(
        &t,
        "lambda",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        json!({}),
    );
    s.publish(&t, &"x".repeat(65_537));
    s.publish(&t, "small");
    s.wait(1.0);
    let c = s.w.sns().cost().clone();
    assert_eq!(c.publish_requests, 3, "2 chunks + 1");
    assert_eq!(c.sqs_lambda_deliveries, 4);
    assert_eq!(c.http_deliveries, 0);
    let usd = c.usd();
    assert!(
        (usd - 3.0 * PRICE_PUBLISH_PER_MILLION_USD / 1e6).abs() < 1e-12,
        "{usd}"
    );
    // HTTP/S deliveries are billed.
    let hook = "https://example.com/h";
    s.subscribe(&t, "https", hook, json!({}));
    let token = s.inbox(hook)[0]["Token"].as_str().unwrap().to_string();
    s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    s.publish(&t, "m");
    s.wait(1.0);
    let c = s.w.sns().cost();
    assert_eq!(c.http_deliveries, 1);
    let expected = (4.0 * PRICE_PUBLISH_PER_MILLION_USD + PRICE_HTTP_PER_MILLION_USD) / 1e6;
    assert!((c.usd() - expected).abs() < 1e-12);
    // The SQS side bills the SendMessage calls SNS makes on the queue.
    assert!(s.w.sqs().cost().requests() >= 3);
}

fn run(seed: u64) -> Vec<mqlab_engine::Event> {
    let mut s = Sim::seeded(seed);
    let t = s.create_topic("t", json!({}));
    let f = s.create_fifo_topic("f.fifo", json!({"ContentBasedDeduplication": "true"}));
    s.create_queue("q", json!({}));
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    s.subscribe_queue(
        &t,
        "q",
        json!({"FilterPolicy": r#"{"n":[{"numeric":[">",3]}]}"#}),
    );
    s.subscribe_queue(&f, "q.fifo", json!({}));
    s.subscribe(
        &t,
        "lambda",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        json!({}),
    );
    for i in 0..20 {
        s.at(i as f64 * 0.5);
        s.ok(
            "Publish",
            json!({"TopicArn": t, "Message": format!("m{i}"),
                   "MessageAttributes": {"n": {"DataType": "Number", "StringValue": i.to_string()}}}),
        );
        s.ok(
            "Publish",
            json!({"TopicArn": f, "Message": format!("f{}", i % 5), "MessageGroupId": format!("g{}", i % 3)}),
        );
    }
    s.at(30.0);
    s.receive("q");
    s.receive("q.fifo");
    s.events().to_vec()
}

#[test]
fn same_seed_and_script_give_identical_sns_events() {
    let a = run(7);
    let b = run(7);
    assert!(a.len() > 50);
    assert_eq!(events_hash(&a), events_hash(&b));
    assert_ne!(events_hash(&a), events_hash(&run(8)));
}
