//! Metric math in CloudWatch alarms (aws-rules §10.8): an expression over metrics the alarm
//! names by id, validated on PutMetricAlarm and evaluated per period like one metric.

mod sns_common;

use serde_json::{json, Value};
use sns_common::*;

fn queries(expr: &str) -> Value {
    json!([
        {"Id": "m1", "ReturnData": false, "MetricStat": {"Period": 60, "Stat": "Maximum", "Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Dimensions": [{"Name": "QueueName", "Value": "a"}]}}},
        {"Id": "m2", "ReturnData": false, "MetricStat": {"Period": 60, "Stat": "Maximum", "Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Dimensions": [{"Name": "QueueName", "Value": "b"}]}}},
        {"Id": "e1", "Expression": expr, "ReturnData": true}
    ])
}

fn alarm(expr: &str) -> Value {
    json!({"AlarmName": "ratio", "Metrics": queries(expr), "EvaluationPeriods": 1, "Threshold": 2, "ComparisonOperator": "GreaterThanThreshold"})
}

#[test]
fn a_metric_math_alarm_compares_the_expression_with_its_threshold() {
    let mut s = Sim::new();
    s.create_queue("a", json!({}));
    s.create_queue("b", json!({}));
    for (q, n) in [("a", 9), ("b", 3)] {
        for i in 0..n {
            s.sqs(
                "SendMessage",
                json!({"QueueUrl": queue_url(q), "MessageBody": format!("{i}")}),
            )
            .unwrap();
        }
    }
    s.call("cloudwatch", "PutMetricAlarm", alarm("(m1 + 0) / m2"))
        .unwrap();
    s.at(61.0);
    let a = &s
        .call(
            "cloudwatch",
            "DescribeAlarms",
            json!({"AlarmNames": ["ratio"]}),
        )
        .unwrap()["MetricAlarms"][0];
    assert_eq!(a["StateValue"], "ALARM");
    assert!(a["StateReason"]
        .as_str()
        .unwrap()
        .contains("[3.0 (01/01/26 00:00:00)]"));
    assert!(a.get("MetricName").is_none() && a.get("Period").is_none());
    assert_eq!(a["Metrics"][2]["Expression"], "(m1 + 0) / m2");
}

#[test]
fn metric_math_queries_are_validated() {
    let mut s = Sim::new();
    let code = |s: &mut Sim, p: Value| s.call("cloudwatch", "PutMetricAlarm", p).unwrap_err().code;
    assert_eq!(code(&mut s, alarm("m1 / m3")), "InvalidParameterValue");
    assert_eq!(code(&mut s, alarm("m1 /")), "InvalidParameterValue");
    let mut two = alarm("m1 / m2");
    two["Metrics"][0]["ReturnData"] = json!(true);
    assert_eq!(code(&mut s, two), "InvalidParameterValue");
    let mut mixed = alarm("m1 / m2");
    mixed["MetricName"] = json!("X");
    assert_eq!(code(&mut s, mixed), "InvalidParameterCombination");
}
