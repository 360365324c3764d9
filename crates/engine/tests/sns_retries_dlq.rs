//! Delivery to non-SQS endpoints, retries in virtual time and subscription DLQs (aws-rules §3.6,
//! §3.7), using the simulated endpoints of `sns::delivery`.

mod sns_common;

use mqlab_engine::sns::delivery::{
    Endpoint, HttpEndpoint, LambdaEndpoint, RetryPhase, SinkEndpoint,
};
use mqlab_engine::sns::{DEFAULT_ENDPOINT_LATENCY_MS, SNS_DELIVERY_LATENCY_MS};
use mqlab_engine::EventKind;
use serde_json::json;
use sns_common::*;

const HOOK: &str = "https://example.com/hook";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:worker";

/// A topic with a confirmed https subscription to HOOK behind `server`.
fn http_topic(server: HttpEndpoint, attrs: serde_json::Value) -> (Sim, String, String) {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.w.with_sns(|sns, _| sns.set_endpoint_behaviour("https", HOOK, Endpoint::Http(server)))
        .unwrap();
    let sub = s.subscribe(&t, "https", HOOK, attrs);
    let token = s.inbox(HOOK)[0]["Token"].as_str().unwrap().to_string();
    s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    (s, t, sub)
}

fn failing_server(status: u16) -> HttpEndpoint {
    HttpEndpoint {
        latency_ms: 100,
        availability: 0.0,
        failure_status: status,
    }
}

/// (time, attempt) of every DeliveryAttempted event.
fn attempts(s: &Sim) -> Vec<(u64, u32)> {
    s.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DeliveryAttempted { attempt, .. } => Some((e.t, *attempt)),
            _ => None,
        })
        .collect()
}

#[test]
fn an_endpoint_without_a_behaviour_accepts_after_the_default_latency() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.subscribe(&t, "sms", "+15555550100", json!({}));
    s.publish(&t, "hello");
    s.wait(1.0);
    let delivered: Vec<u64> = s
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::NotificationDelivered { .. }))
        .map(|e| e.t)
        .collect();
    assert_eq!(
        delivered,
        [SNS_DELIVERY_LATENCY_MS + DEFAULT_ENDPOINT_LATENCY_MS]
    );
    assert_eq!(s.inbox("+15555550100")[0]["Body"], "hello");
}

#[test]
fn http_notifications_carry_the_envelope_and_the_sns_headers() {
    let (mut s, t, sub) = http_topic(
        HttpEndpoint {
            latency_ms: 100,
            availability: 1.0,
            failure_status: 500,
        },
        json!({}),
    );
    s.publish(&t, "hello");
    s.wait(1.0);
    let inbox = s.inbox(HOOK);
    let m = &inbox[1];
    assert_eq!(m["Type"], "Notification");
    assert_eq!(m["Headers"]["x-amz-sns-message-type"], "Notification");
    assert_eq!(m["Headers"]["x-amz-sns-subscription-arn"], sub.as_str());
    assert_eq!(m["Headers"]["x-amz-sns-topic-arn"], t.as_str());
    assert_eq!(m["Headers"]["Content-Type"], "text/plain; charset=UTF-8");
    assert_eq!(envelope(m["Body"].as_str().unwrap())["Message"], "hello");
}

#[test]
fn raw_http_deliveries_add_the_rawdelivery_header_and_drop_attributes() {
    let (mut s, t, _) = http_topic(
        HttpEndpoint {
            latency_ms: 10,
            availability: 1.0,
            failure_status: 500,
        },
        json!({"RawMessageDelivery": "true"}),
    );
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "raw body",
               "MessageAttributes": {"a": {"DataType": "String", "StringValue": "b"}}}),
    );
    s.wait(1.0);
    let m = &s.inbox(HOOK)[1];
    assert_eq!(m["Body"], "raw body");
    assert_eq!(m["Headers"]["x-amz-sns-rawdelivery"], "true");
}

#[test]
fn http_retries_follow_the_default_policy_20s_apart() {
    let (mut s, t, _) = http_topic(failing_server(503), json!({}));
    s.publish(&t, "m");
    s.wait(600.0);
    let a = attempts(&s);
    // 1 attempt + 3 retries (aws-rules §3.6), each retry 20 s after the failed attempt ended.
    assert_eq!(a.len(), 4, "{a:?}");
    for w in a.windows(2) {
        assert_eq!(w[1].0 - w[0].0, 100 + 20_000, "{a:?}");
    }
    let failed = s.kinds().into_iter().any(|k| {
        matches!(k, EventKind::NotificationFailed { attempts: 4, reason, .. } if reason.contains("HTTP 503"))
    });
    assert!(failed);
    assert_eq!(s.w.sns().topic_by_name("t").unwrap().totals.failed, 1);
}

#[test]
fn http_retries_follow_a_subscription_delivery_policy() {
    let policy = json!({"healthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 5,
                                               "numRetries": 2}});
    let (mut s, t, _) = http_topic(
        failing_server(500),
        json!({"DeliveryPolicy": policy.to_string()}),
    );
    s.publish(&t, "m");
    s.wait(600.0);
    let a = attempts(&s);
    assert_eq!(a.len(), 3, "{a:?}");
    assert_eq!(a[1].0 - a[0].0, 100 + 5_000);
}

#[test]
fn a_topic_delivery_policy_applies_to_its_http_subscriptions() {
    let mut s = Sim::new();
    let policy = json!({"http": {"defaultHealthyRetryPolicy": {
        "minDelayTarget": 2, "maxDelayTarget": 2, "numRetries": 1}}});
    let t = s.create_topic("t", json!({"DeliveryPolicy": policy.to_string()}));
    s.w.with_sns(|sns, _| {
        sns.set_endpoint_behaviour("https", HOOK, Endpoint::Http(failing_server(500)))
    })
    .unwrap();
    s.subscribe(&t, "https", HOOK, json!({}));
    let token = s.inbox(HOOK)[0]["Token"].as_str().unwrap().to_string();
    s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    s.publish(&t, "m");
    s.wait(600.0);
    let a = attempts(&s);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[1].0 - a[0].0, 100 + 2_000);
}

#[test]
fn http_4xx_is_a_permanent_failure_and_is_not_retried() {
    let (mut s, t, _) = http_topic(failing_server(404), json!({}));
    s.publish(&t, "m");
    s.wait(600.0);
    assert_eq!(attempts(&s).len(), 1);
    let client = s.kinds().into_iter().any(|k| {
        matches!(
            k,
            EventKind::DeliveryAttemptFailed {
                client_error: true,
                retry_at: None,
                ..
            }
        )
    });
    assert!(client);
}

#[test]
fn exhausted_http_retries_move_to_the_subscription_dead_letter_queue() {
    let mut s0 = Sim::new();
    s0.create_queue("dlq", json!({}));
    let (mut s, t, _) = {
        let mut s = s0;
        let t = s.create_topic("t", json!({}));
        s.w.with_sns(|sns, _| {
            sns.set_endpoint_behaviour("https", HOOK, Endpoint::Http(failing_server(500)))
        })
        .unwrap();
        let sub = s.subscribe(
            &t,
            "https",
            HOOK,
            json!({"RedrivePolicy": format!(r#"{{"deadLetterTargetArn":"{}"}}"#, queue_arn("dlq"))}),
        );
        let token = s.inbox(HOOK)[0]["Token"].as_str().unwrap().to_string();
        s.ok(
            "ConfirmSubscription",
            json!({"TopicArn": t, "Token": token}),
        );
        (s, t, sub)
    };
    let id = s.publish(&t, "undeliverable")["MessageId"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait(59.0);
    assert!(s.receive("dlq").is_empty(), "still retrying");
    s.wait(60.0);
    let m = s.receive("dlq").remove(0);
    let e = envelope(m["Body"].as_str().unwrap());
    assert_eq!(e["MessageId"], id.as_str());
    assert_eq!(e["Message"], "undeliverable");
    s.wait(60.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsRedrivenToDlq"), 1.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsFailed"), 1.0);
}

#[test]
fn a_missing_dead_letter_queue_counts_as_failed_to_redrive() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.subscribe_queue(
        &t,
        "gone",
        json!({"RedrivePolicy": format!(r#"{{"deadLetterTargetArn":"{}"}}"#, queue_arn("no-dlq"))}),
    );
    s.publish(&t, "m");
    s.wait(61.0);
    assert_eq!(
        s.metric_sum("t", "NumberOfNotificationsFailedToRedriveToDlq"),
        1.0
    );
}

#[test]
fn lambda_deliveries_are_async_invokes_with_the_sns_event() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe(&t, "lambda", FUNCTION, json!({}));
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": "work", "Subject": "job",
               "MessageAttributes": {"a": {"DataType": "String", "StringValue": "b"}}}),
    );
    s.wait(1.0);
    let m = &s.inbox(FUNCTION)[0];
    let event: serde_json::Value = serde_json::from_str(m["Body"].as_str().unwrap()).unwrap();
    let r = &event["Records"][0];
    assert_eq!(r["EventSource"], "aws:sns");
    assert_eq!(r["EventVersion"], "1.0");
    assert_eq!(r["EventSubscriptionArn"], sub.as_str());
    assert_eq!(r["Sns"]["Message"], "work");
    assert_eq!(r["Sns"]["Subject"], "job");
    assert_eq!(
        r["Sns"]["MessageAttributes"]["a"],
        json!({"Type": "String", "Value": "b"})
    );
}

#[test]
fn a_saturated_lambda_is_retried_per_the_aws_managed_policy() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.w.with_sns(|sns, _| {
        sns.set_endpoint_behaviour(
            "lambda",
            FUNCTION,
            Endpoint::Lambda(LambdaEndpoint {
                duration_ms: 10_000,
                concurrency: 1,
                error_rate: 0.0,
            }),
        )
    })
    .unwrap();
    s.subscribe(&t, "lambda", FUNCTION, json!({}));
    s.publish(&t, "first");
    s.publish(&t, "second");
    s.wait(120.0);
    let phases: Vec<Option<RetryPhase>> = s
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DeliveryAttempted { phase, .. } => Some(*phase),
            _ => None,
        })
        .collect();
    // The second message is throttled while the first runs for 10 s: 3 immediate retries,
    // then pre-backoff (1 s apart) and backoff retries until a slot frees.
    assert!(
        phases
            .iter()
            .filter(|p| **p == Some(RetryPhase::Immediate))
            .count()
            == 3,
        "{phases:?}"
    );
    assert!(phases.contains(&Some(RetryPhase::PreBackoff)), "{phases:?}");
    assert!(phases.contains(&Some(RetryPhase::Backoff)), "{phases:?}");
    let delivered = s
        .kinds()
        .into_iter()
        .filter(|k| matches!(k, EventKind::NotificationDelivered { .. }))
        .count();
    assert_eq!(delivered, 2);
    let state = s.w.sns().endpoint_state("lambda", FUNCTION).unwrap();
    assert_eq!(state.invocations, 2);
}

#[test]
fn email_failures_follow_the_customer_managed_policy() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.w.with_sns(|sns, _| {
        sns.set_endpoint_behaviour(
            "email",
            "a@example.com",
            Endpoint::Sink(SinkEndpoint {
                latency_ms: 100,
                failure_rate: 1.0,
            }),
        )
    })
    .unwrap();
    s.subscribe(&t, "email", "a@example.com", json!({}));
    let token = s.inbox("a@example.com")[0]["Token"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    s.publish(&t, "m");
    s.wait(2.0 * 86_400.0);
    let a = attempts(&s);
    // 50 retries over more than 6 hours (aws-rules §3.6).
    assert_eq!(a.len(), 51);
    assert!(a[50].0 - a[0].0 > 6 * 3_600_000);
    assert_eq!(a[1].0 - a[0].0, 100 + 10_000, "pre-backoff: 10 s");
}

#[test]
fn throttled_sqs_deliveries_are_retried_per_the_aws_managed_policy() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic("t.fifo", json!({"ContentBasedDeduplication": "true"}));
    s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
    s.subscribe_queue(&t, "q.fifo", json!({"RawMessageDelivery": "true"}));
    for i in 0..310 {
        s.ok(
            "Publish",
            json!({"TopicArn": t, "Message": format!("m{i}"), "MessageGroupId": format!("g{i}")}),
        );
    }
    s.wait(5.0);
    let throttled = s
        .kinds()
        .into_iter()
        .filter(|k| matches!(k, EventKind::DeliveryAttemptFailed { client_error: false, reason, .. } if reason.starts_with("RequestThrottled")))
        .count();
    assert!(throttled >= 10, "{throttled}");
    let attrs = s
        .sqs(
            "GetQueueAttributes",
            json!({"QueueUrl": queue_url("q.fifo"), "AttributeNames": ["ApproximateNumberOfMessages"]}),
        )
        .unwrap();
    assert_eq!(attrs["Attributes"]["ApproximateNumberOfMessages"], "310");
}

#[test]
fn retries_keep_the_message_id() {
    let (mut s, t, _) = http_topic(failing_server(500), json!({}));
    let id = s.publish(&t, "m")["MessageId"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait(600.0);
    let ids: Vec<&str> = s
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DeliveryAttempted { message_id, .. } => Some(message_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|m| *m == id));
}

#[test]
fn an_invalid_endpoint_behaviour_is_refused_with_the_field_named() {
    let mut s = Sim::new();
    let e =
        s.w.with_sns(|sns, _| {
            sns.set_endpoint_behaviour(
                "https",
                HOOK,
                Endpoint::Http(HttpEndpoint {
                    latency_ms: 1,
                    availability: 2.0,
                    failure_status: 500,
                }),
            )
        })
        .unwrap_err();
    assert!(e.contains("availability"), "{e}");
}
