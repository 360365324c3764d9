//! SNS deliveries to SQS need the queue's access policy to let the topic send
//! (aws-rules §3.12): without it the delivery is a client-side failure, not retried (§3.6),
//! counted in NumberOfNotificationsFailed and sent to the subscription's DLQ if it has one
//! whose own policy allows the topic (§3.7).

mod sns_common;

use mqlab_engine::sqs::policy::allows_service_send;
use mqlab_engine::{EventKind, Scenario, World};
use serde_json::{json, Value};
use sns_common::*;

const SNS: &str = "sns.amazonaws.com";

fn create_bare_queue(s: &mut Sim, name: &str, attrs: Value) {
    s.sqs(
        "CreateQueue",
        json!({"QueueName": name, "Attributes": attrs}),
    )
    .expect("CreateQueue");
}

fn policy(statement: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
}

fn allow_topic(queue: &str, topic: &str) -> String {
    policy(json!({
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn(queue),
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}
    }))
}

#[test]
fn a_queue_without_a_policy_refuses_sns_once_without_retries() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    create_bare_queue(&mut s, "q", json!({}));
    let sub = s.subscribe_queue(&t, "q", json!({}));
    s.publish(&t, "m");
    s.wait(3_600.0);
    assert!(s.receive("q").is_empty());
    let kinds = s.kinds();
    let failed: Vec<_> = kinds
        .iter()
        .filter_map(|k| match k {
            EventKind::DeliveryAttemptFailed {
                client_error,
                retry_at,
                reason,
                subscription,
                ..
            } => Some((
                *client_error,
                *retry_at,
                reason.clone(),
                subscription.clone(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "one attempt, no retries: {failed:?}");
    let (client, retry_at, reason, on) = &failed[0];
    assert!(client);
    assert_eq!(*retry_at, None);
    assert_eq!(on, &sub);
    assert_eq!(
        reason,
        &format!(
            "AccessDenied: Access to the resource {} is denied.",
            queue_url("q")
        )
    );
    assert!(kinds
        .iter()
        .any(|k| matches!(k, EventKind::NotificationFailed { attempts: 1, .. })));
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsFailed"), 1.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsDelivered"), 0.0);
}

#[test]
fn the_documented_policy_for_the_topic_lets_it_deliver() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    create_bare_queue(&mut s, "q", json!({"Policy": allow_topic("q", &t)}));
    s.subscribe_queue(&t, "q", json!({"RawMessageDelivery": "true"}));
    s.publish(&t, "hello");
    s.wait(1.0);
    assert_eq!(s.bodies("q"), ["hello"]);
    // The same policy for another topic does not.
    let other = s.create_topic("other", json!({}));
    s.subscribe_queue(&other, "q", json!({"RawMessageDelivery": "true"}));
    s.publish(&other, "not for q");
    s.wait(1.0);
    assert!(s.bodies("q").is_empty());
    s.wait(60.0); // metrics close each minute
    assert_eq!(s.metric_sum("other", "NumberOfNotificationsFailed"), 1.0);
}

#[test]
fn a_policy_set_later_lets_later_deliveries_through() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    create_bare_queue(&mut s, "q", json!({}));
    s.subscribe_queue(&t, "q", json!({"RawMessageDelivery": "true"}));
    s.publish(&t, "lost");
    s.wait(1.0);
    s.sqs(
        "SetQueueAttributes",
        json!({"QueueUrl": queue_url("q"), "Attributes": {"Policy": allow_topic("q", &t)}}),
    )
    .unwrap();
    s.publish(&t, "kept");
    s.wait(1.0);
    assert_eq!(s.bodies("q"), ["kept"]);
}

#[test]
fn a_refused_delivery_goes_to_the_subscription_dlq_when_the_dlq_allows_the_topic() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    create_bare_queue(&mut s, "q", json!({}));
    s.create_queue("dlq", json!({}));
    s.subscribe_queue(
        &t,
        "q",
        json!({"RedrivePolicy": json!({"deadLetterTargetArn": queue_arn("dlq")}).to_string()}),
    );
    s.publish(&t, "m");
    s.wait(1.0);
    let m = s.receive("dlq");
    assert_eq!(m.len(), 1);
    assert_eq!(envelope(m[0]["Body"].as_str().unwrap())["Message"], "m");
    assert_eq!(
        m[0]["MessageAttributes"]["ErrorCode"]["StringValue"],
        "AccessDenied"
    );
    s.wait(60.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsRedrivenToDlq"), 1.0);
    assert_eq!(s.metric_sum("t", "NumberOfNotificationsFailed"), 1.0);
}

#[test]
fn a_dlq_without_a_policy_for_the_topic_fails_the_redrive() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    create_bare_queue(&mut s, "q", json!({}));
    create_bare_queue(&mut s, "dlq", json!({}));
    s.subscribe_queue(
        &t,
        "q",
        json!({"RedrivePolicy": json!({"deadLetterTargetArn": queue_arn("dlq")}).to_string()}),
    );
    s.publish(&t, "m");
    s.wait(1.0);
    assert!(s.receive("dlq").is_empty());
    s.wait(60.0);
    assert_eq!(
        s.metric_sum("t", "NumberOfNotificationsFailedToRedriveToDlq"),
        1.0
    );
}

#[test]
fn policy_statements_are_matched_by_principal_action_resource_condition_and_effect() {
    let q = "arn:aws:sqs:us-east-1:123456789012:q";
    let t = "arn:aws:sns:us-east-1:123456789012:t";
    let allow = |principal: Value, action: Value, resource: Value, condition: Value| {
        let mut st = json!({"Effect": "Allow", "Principal": principal, "Action": action});
        if !resource.is_null() {
            st["Resource"] = resource;
        }
        if !condition.is_null() {
            st["Condition"] = condition;
        }
        policy(st)
    };
    let ok = |p: &str| allows_service_send(Some(p), q, SNS, t);
    let cond = json!({"ArnEquals": {"aws:SourceArn": t}});
    // Principals: *, {"AWS": "*"}, the SNS service; not another service or an account.
    assert!(ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!(q),
        cond.clone()
    )));
    assert!(ok(&allow(
        json!({"AWS": "*"}),
        json!("SQS:SendMessage"),
        json!(q),
        cond.clone()
    )));
    assert!(ok(&allow(
        json!({"Service": ["s3.amazonaws.com", SNS]}),
        json!("sqs:*"),
        json!(q),
        Value::Null
    )));
    assert!(!ok(&allow(
        json!({"Service": "s3.amazonaws.com"}),
        json!("sqs:SendMessage"),
        json!(q),
        Value::Null
    )));
    assert!(!ok(&allow(
        json!({"AWS": "arn:aws:iam::123456789012:root"}),
        json!("sqs:SendMessage"),
        json!(q),
        Value::Null
    )));
    // Actions: wildcards, lists, case; not another action.
    assert!(ok(&allow(
        json!(SNS),
        json!(["sqs:ReceiveMessage", "sqs:Send*"]),
        json!(q),
        Value::Null
    )
    .replace(
        "\"sns.amazonaws.com\"",
        "{\"Service\":\"sns.amazonaws.com\"}"
    )));
    assert!(ok(&allow(json!("*"), json!("*"), json!("*"), Value::Null)));
    assert!(!ok(&allow(
        json!("*"),
        json!("sqs:ReceiveMessage"),
        json!(q),
        Value::Null
    )));
    // Resources: the queue, a pattern covering it, or none; not another queue.
    assert!(ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!("arn:aws:sqs:*:123456789012:*"),
        Value::Null
    )));
    assert!(ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        Value::Null,
        Value::Null
    )));
    assert!(!ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!("arn:aws:sqs:us-east-1:123456789012:other"),
        Value::Null
    )));
    // Conditions on the topic and the account.
    assert!(ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!(q),
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}})
    )));
    assert!(!ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!(q),
        json!({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:u"}})
    )));
    assert!(ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!(q),
        json!({"StringEquals": {"aws:SourceAccount": "123456789012"}})
    )));
    assert!(!ok(&allow(
        json!("*"),
        json!("sqs:SendMessage"),
        json!(q),
        json!({"StringEquals": {"aws:SourceAccount": "999999999999"}})
    )));
    // A matching Deny wins over an Allow; no policy, or garbage, refuses.
    let both = json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": q},
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": q,
         "Condition": {"ArnEquals": {"aws:SourceArn": t}}}
    ]})
    .to_string();
    assert!(!ok(&both));
    assert!(!allows_service_send(None, q, SNS, t));
    assert!(!ok("not json"));
    // A single statement object (not a list) counts.
    let single =
        json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}})
            .to_string();
    assert!(ok(&single));
}

/// Scenario queues subscribed to a topic get the statement the SNS console adds (aws-rules
/// §3.12), keeping the statements they had.
#[test]
fn scenario_queues_get_the_console_policy_statement_for_their_topics() {
    let existing = policy(
        json!({"Sid": "mine", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sqs:ReceiveMessage"}),
    );
    let scenario = json!({
        "queues": [
            {"QueueName": "a"},
            {"QueueName": "b", "Attributes": {"Policy": existing}},
            {"QueueName": "dlq"}
        ],
        "topics": [{
            "Name": "t",
            "Subscriptions": [
                {"Protocol": "sqs", "Endpoint": queue_arn("a"),
                 "Attributes": {"RawMessageDelivery": "true",
                                "RedrivePolicy": json!({"deadLetterTargetArn": queue_arn("dlq")}).to_string()}},
                {"Protocol": "sqs", "Endpoint": queue_arn("b"), "Attributes": {"RawMessageDelivery": "true"}}
            ]
        }]
    });
    let sc = Scenario::from_json(&scenario.to_string()).unwrap();
    let w = World::from_scenario(&sc).unwrap();
    let t = topic_arn("t");
    for q in ["a", "b", "dlq"] {
        let p = w
            .sqs()
            .queue_by_name(q)
            .unwrap()
            .attrs
            .policy
            .clone()
            .unwrap();
        assert!(
            allows_service_send(Some(&p), &queue_arn(q), SNS, &t),
            "{q}: {p}"
        );
        let doc: Value = serde_json::from_str(&p).unwrap();
        let statements = doc["Statement"].as_array().unwrap();
        let added = statements.last().unwrap();
        assert_eq!(added["Sid"], format!("topic-subscription-{t}"));
        assert_eq!(added["Action"], "SQS:SendMessage");
        assert_eq!(added["Condition"]["ArnLike"]["aws:SourceArn"], t.as_str());
        if q == "b" {
            assert_eq!(statements[0]["Sid"], "mine");
        }
    }
}
