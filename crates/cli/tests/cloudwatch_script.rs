//! `mqlab api` with `"svc": "cloudwatch"`: examples/api/cloudwatch-backlog-alarm.jsonl, an
//! alarm on a queue's visible backlog that goes from INSUFFICIENT_DATA to ALARM as the backlog
//! grows and publishes AWS's alarm notification to an SNS topic a queue subscribes to
//! (aws-rules §10).

mod common;

use common::{at, run_example};
use serde_json::Value;

fn alarm_state(line: &Value) -> &str {
    line["response"]["MetricAlarms"][0]["StateValue"]
        .as_str()
        .unwrap()
}

#[test]
fn a_backlog_alarm_goes_from_insufficient_data_to_alarm_and_pages_through_sns_to_a_queue() {
    let out = run_example("cloudwatch-backlog-alarm.jsonl");
    assert_eq!(
        alarm_state(at(&out, 0.0, "DescribeAlarms")),
        "INSUFFICIENT_DATA"
    );
    // The 3-minute period closes at 3:00; until then the alarm has not evaluated.
    assert_eq!(
        alarm_state(at(&out, 179.0, "DescribeAlarms")),
        "INSUFFICIENT_DATA"
    );
    let alarm = &at(&out, 181.0, "DescribeAlarms")["response"]["MetricAlarms"][0];
    assert_eq!(alarm["StateValue"], "ALARM");
    assert_eq!(
        alarm["StateReason"],
        "Threshold Crossed: 1 out of the last 1 datapoints [15.0 (01/01/26 00:00:00)] was \
         greater than the threshold (10.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> \
         ALARM transition)."
    );

    let page = at(&out, 182.0, "ReceiveMessage")["response"]["Messages"]
        .as_array()
        .unwrap();
    assert_eq!(page.len(), 1);
    let note: Value = serde_json::from_str(page[0]["Body"].as_str().unwrap()).unwrap();
    assert_eq!(note["NewStateValue"], "ALARM");
    assert_eq!(note["OldStateValue"], "INSUFFICIENT_DATA");
    assert_eq!(
        note["AlarmArn"],
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-backlog"
    );
    assert_eq!(note["Trigger"]["Period"], 180);
    assert_eq!(note["Trigger"]["Namespace"], "AWS/SQS");

    let history = at(&out, 183.0, "DescribeAlarmHistory")["response"]["AlarmHistoryItems"]
        .as_array()
        .unwrap();
    let kinds: Vec<&str> = history
        .iter()
        .map(|h| h["HistoryItemType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ConfigurationUpdate", "StateUpdate", "Action"]);

    let stats = &at(&out, 184.0, "GetMetricStatistics")["response"]["Datapoints"];
    let maxima: Vec<f64> = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["Maximum"].as_f64().unwrap())
        .collect();
    assert_eq!(maxima, [5.0, 10.0, 15.0]);

    // SetAlarmState runs the OK action at once; the next evaluation (6:00) is ALARM again.
    let ok = at(&out, 190.0, "ReceiveMessage")["response"]["Messages"][0]["Body"]
        .as_str()
        .unwrap();
    let ok: Value = serde_json::from_str(ok).unwrap();
    assert_eq!(ok["NewStateValue"], "OK");
    assert_eq!(ok["NewStateReason"], "Testing the OK action");
    assert_eq!(
        at(&out, 186.0, "SetAlarmState")["error"]["Code"],
        "ResourceNotFound"
    );
    assert_eq!(alarm_state(at(&out, 360.0, "DescribeAlarms")), "ALARM");
}
