//! CloudWatch alarms declared in a scenario (`alarms`, PutMetricAlarm's members): built with
//! the world, evaluated on the minutes the services close, their state changes in the event
//! log (what `mqlab run` writes), their SNS actions fanning out to a queue (aws-rules §10).

use mqlab_engine::{EventKind, Scenario, World};
use serde_json::json;

/// A queue that a producer fills faster than its one slow worker drains, an alarm on its
/// visible backlog that notifies a topic, and a queue subscribed to the topic.
fn backlog_scenario(alarms: serde_json::Value) -> Scenario {
    let text = json!({
        "name": "alarm-on-backlog",
        "seed": 7,
        "queues": [{"QueueName": "jobs"}, {"QueueName": "ops-inbox"}],
        "topics": [{"Name": "ops", "Subscriptions": [
            {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:ops-inbox",
             "Attributes": {"RawMessageDelivery": "true"}}
        ]}],
        "producers": [{"name": "app", "queue": "jobs", "rate_per_s": 5.0}],
        "consumers": [{"name": "worker", "queue": "jobs", "count": 1, "max_messages": 1,
                        "processing": {"dist": "fixed", "ms": 1000}}],
        "alarms": alarms,
    })
    .to_string();
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn backlog_alarm() -> serde_json::Value {
    json!([{
        "AlarmName": "jobs-backlog",
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": "jobs"}],
        "Statistic": "Maximum",
        "Period": 60,
        "EvaluationPeriods": 2,
        "Threshold": 100,
        "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:ops"],
    }])
}

#[test]
fn a_scenario_alarm_goes_to_alarm_when_the_backlog_grows_and_notifies_its_topic() {
    let mut w = World::from_scenario(&backlog_scenario(backlog_alarm())).unwrap();
    w.advance_to(6 * 60_000);
    let changes: Vec<(u64, &str, &str)> = w
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::AlarmStateChanged { from, to, .. } => Some((e.t, from, to)),
            _ => None,
        })
        .collect();
    // 4 messages a second more than the worker takes: over 100 visible within the first
    // minute, so two breaching minutes are complete at the end of minute 2 (the first
    // evaluation, at minute 1, has only one datapoint and no breaching run of two yet).
    assert!(!changes.is_empty(), "no state change in 6 minutes");
    let (t, from, to) = changes[changes.len() - 1];
    assert_eq!((from, to), ("INSUFFICIENT_DATA", "ALARM"), "{changes:?}");
    assert!(t <= 3 * 60_000, "ALARM only at {t} ms: {changes:?}");
    let alarm = w.cloudwatch().alarm("jobs-backlog").unwrap();
    assert_eq!(alarm.state.as_str(), "ALARM");
    // The notification reached the queue subscribed to the topic.
    let inbox = w
        .sqs()
        .queues()
        .find(|q| q.name == "ops-inbox")
        .expect("ops-inbox");
    assert_eq!(inbox.len(), 1, "one ALARM notification in the inbox");
    // CloudWatch bills its alarm once a scenario declares one.
    assert!(w.bill().iter().any(|b| b.service == "CloudWatch"));
}

#[test]
fn a_scenario_without_alarms_bills_no_cloudwatch() {
    let w = World::from_scenario(&backlog_scenario(json!([]))).unwrap();
    assert!(w.bill().iter().all(|b| b.service != "CloudWatch"));
}

#[test]
fn a_scenario_alarm_is_validated_by_put_metric_alarm_and_names_its_place() {
    let mut bad = backlog_alarm();
    bad[0]["Period"] = json!(45);
    let e = World::from_scenario(&backlog_scenario(bad)).expect_err("refused");
    assert_eq!(e.field, "alarms[0]");
    assert!(e.message.contains("Period"), "{}", e.message);

    let e = Scenario::from_json(
        &json!({"queues": [{"QueueName": "q"}], "alarms": ["not an object"]}).to_string(),
    )
    .expect_err("refused");
    assert_eq!(e.field, "alarms[0]");

    let mut wrong_type = backlog_alarm();
    wrong_type[0]["Threshold"] = json!("high");
    let e = World::from_scenario(&backlog_scenario(wrong_type)).expect_err("refused");
    assert_eq!(e.field, "alarms[0]");
    assert!(e.message.contains("invalid type"), "{}", e.message);
}
