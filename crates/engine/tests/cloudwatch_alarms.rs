//! CloudWatch metric alarms over the metrics bus (aws-rules §10): configuration and its
//! validation, evaluation once per period on the services' per-minute datapoints, missing
//! data, SetAlarmState, history, paging, GetMetricStatistics, and alarm notifications
//! published to an SNS topic that fans out to a queue.

mod sns_common;

use serde_json::{json, Value};
use sns_common::*;

const EPOCH_S: f64 = 1_767_225_600.0;

fn cw(s: &mut Sim, op: &str, params: Value) -> Result<Value, mqlab_engine::AwsError> {
    s.call("cloudwatch", op, params)
}

fn cw_ok(s: &mut Sim, op: &str, params: Value) -> Value {
    cw(s, op, params.clone()).unwrap_or_else(|e| panic!("{op} {params}: {e}"))
}

fn cw_err(s: &mut Sim, op: &str, params: Value) -> String {
    match cw(s, op, params.clone()) {
        Ok(v) => panic!("{op} {params} succeeded with {v}"),
        Err(e) => e.code,
    }
}

/// An alarm on the visible backlog of queue `q`: above `threshold`, `m` of `n` minutes.
fn backlog_alarm(name: &str, q: &str, threshold: f64, m: u32, n: u32) -> Value {
    json!({
        "AlarmName": name,
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": q}],
        "Statistic": "Maximum",
        "Period": 60,
        "EvaluationPeriods": n,
        "DatapointsToAlarm": m,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold",
    })
}

fn alarm(s: &mut Sim, name: &str) -> Value {
    let v = cw_ok(s, "DescribeAlarms", json!({"AlarmNames": [name]}));
    v["MetricAlarms"][0].clone()
}

fn state(s: &mut Sim, name: &str) -> String {
    alarm(s, name)["StateValue"].as_str().unwrap().to_string()
}

fn send(s: &mut Sim, q: &str, n: usize) {
    for i in 0..n {
        s.sqs(
            "SendMessage",
            json!({"QueueUrl": queue_url(q), "MessageBody": format!("m{i}")}),
        )
        .unwrap();
    }
}

/// A topic `alerts` whose notifications land raw in the queue `inbox`; its ARN.
fn alerts_to_inbox(s: &mut Sim) -> String {
    s.create_queue("inbox", json!({}));
    let topic = s.create_topic("alerts", json!({}));
    s.subscribe(
        &topic,
        "sqs",
        &queue_arn("inbox"),
        json!({"RawMessageDelivery": "true"}),
    );
    topic
}

#[test]
fn a_growing_backlog_moves_the_alarm_to_alarm_and_notifies_the_topics_queue() {
    let mut s = Sim::new();
    s.create_queue("work", json!({}));
    let topic = alerts_to_inbox(&mut s);
    let mut a = backlog_alarm("backlog", "work", 5.0, 2, 2);
    a["AlarmActions"] = json!([topic]);
    cw_ok(&mut s, "PutMetricAlarm", a);
    let first = alarm(&mut s, "backlog");
    assert_eq!(first["StateValue"], "INSUFFICIENT_DATA");
    assert_eq!(first["StateReason"], "Unchecked: Initial alarm creation");
    assert_eq!(first["ActionsEnabled"], true);
    assert_eq!(first["TreatMissingData"], "missing");

    // Minute 0: 3 visible; minute 1: 8; minute 2: 13. Two breaching minutes in a row are
    // needed: the first is at the tick of 3:00.
    for (minute, n) in [(0, 3), (1, 5), (2, 5)] {
        s.at(minute as f64 * 60.0 + 1.0);
        send(&mut s, "work", n);
    }
    s.at(120.5);
    assert_eq!(
        state(&mut s, "backlog"),
        "OK",
        "one breaching minute of two"
    );
    s.at(179.9);
    assert_eq!(state(&mut s, "backlog"), "OK");
    s.at(180.0);
    let a = alarm(&mut s, "backlog");
    assert_eq!(a["StateValue"], "ALARM");
    assert_eq!(a["StateUpdatedTimestamp"], json!(EPOCH_S + 180.0));
    assert_eq!(
        a["StateReason"],
        "Threshold Crossed: 2 out of the last 2 datapoints [13.0 (01/01/26 00:02:00), \
         8.0 (01/01/26 00:01:00)] were greater than the threshold (5.0) (minimum 2 \
         datapoints for OK -> ALARM transition)."
    );
    let data: Value = serde_json::from_str(a["StateReasonData"].as_str().unwrap()).unwrap();
    assert_eq!(data["recentDatapoints"], json!([8.0, 13.0]));

    // The notification reaches the queue through the topic.
    s.at(185.0);
    let got = s
        .sqs(
            "ReceiveMessage",
            json!({"QueueUrl": queue_url("inbox"), "MaxNumberOfMessages": 10}),
        )
        .unwrap();
    let msgs = got["Messages"].as_array().expect("a notification");
    assert_eq!(msgs.len(), 1);
    let note: Value = serde_json::from_str(msgs[0]["Body"].as_str().unwrap()).unwrap();
    assert_eq!(note["AlarmName"], "backlog");
    assert_eq!(note["NewStateValue"], "ALARM");
    assert_eq!(note["OldStateValue"], "OK");
    assert_eq!(note["Region"], "US East (N. Virginia)");
    assert_eq!(note["StateChangeTime"], "2026-01-01T00:03:00.000+0000");
    assert_eq!(
        note["Trigger"]["MetricName"],
        "ApproximateNumberOfMessagesVisible"
    );
    assert_eq!(note["Trigger"]["Statistic"], "MAXIMUM");
    assert_eq!(
        note["Trigger"]["Dimensions"],
        json!([{"value": "work", "name": "QueueName"}])
    );
    assert_eq!(note["Trigger"]["Threshold"], 5.0);

    let h = cw_ok(
        &mut s,
        "DescribeAlarmHistory",
        json!({"AlarmName": "backlog"}),
    );
    let summaries: Vec<&str> = h["AlarmHistoryItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["HistorySummary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            format!("Successfully executed action {topic}").as_str(),
            "Alarm updated from OK to ALARM",
            "Alarm updated from INSUFFICIENT_DATA to OK",
            "Alarm \"backlog\" created",
        ]
    );
}

#[test]
fn an_alarm_evaluates_once_per_period_on_its_boundary() {
    let mut s = Sim::new();
    s.create_queue("work", json!({}));
    let mut a = backlog_alarm("slow", "work", 0.0, 1, 1);
    a["Period"] = json!(300);
    cw_ok(&mut s, "PutMetricAlarm", a);
    send(&mut s, "work", 2);
    s.at(299.0);
    assert_eq!(state(&mut s, "slow"), "INSUFFICIENT_DATA");
    s.at(300.0);
    assert_eq!(state(&mut s, "slow"), "ALARM");
}

#[test]
fn a_metric_without_data_is_insufficient_data_unless_missing_data_is_treated_otherwise() {
    let mut s = Sim::new();
    for (name, treat) in [
        ("m", "missing"),
        ("b", "breaching"),
        ("n", "notBreaching"),
        ("i", "ignore"),
    ] {
        let mut a = backlog_alarm(name, "no-such-queue", 1.0, 1, 1);
        a["TreatMissingData"] = json!(treat);
        cw_ok(&mut s, "PutMetricAlarm", a);
    }
    s.at(60.0);
    assert_eq!(state(&mut s, "m"), "INSUFFICIENT_DATA");
    assert_eq!(state(&mut s, "b"), "ALARM");
    assert_eq!(state(&mut s, "n"), "OK");
    assert_eq!(
        state(&mut s, "i"),
        "INSUFFICIENT_DATA",
        "ignore keeps the state"
    );
    assert_eq!(
        alarm(&mut s, "n")["StateReason"],
        "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint \
         was treated as [NonBreaching]."
    );
}

#[test]
fn set_alarm_state_lasts_until_the_next_evaluation() {
    let mut s = Sim::new();
    s.create_queue("work", json!({}));
    cw_ok(
        &mut s,
        "PutMetricAlarm",
        backlog_alarm("a", "work", 100.0, 1, 1),
    );
    s.at(60.0);
    assert_eq!(state(&mut s, "a"), "OK");
    s.at(61.0);
    cw_ok(
        &mut s,
        "SetAlarmState",
        json!({"AlarmName": "a", "StateValue": "ALARM", "StateReason": "testing actions"}),
    );
    let a = alarm(&mut s, "a");
    assert_eq!(a["StateValue"], "ALARM");
    assert_eq!(a["StateReason"], "testing actions");
    s.at(119.0);
    assert_eq!(state(&mut s, "a"), "ALARM");
    s.at(120.0);
    assert_eq!(state(&mut s, "a"), "OK", "the evaluation sets it back");
    assert_eq!(
        cw_err(
            &mut s,
            "SetAlarmState",
            json!({"AlarmName": "nope", "StateValue": "OK", "StateReason": "x"})
        ),
        "ResourceNotFound"
    );
    assert_eq!(
        cw_err(
            &mut s,
            "SetAlarmState",
            json!({"AlarmName": "a", "StateValue": "BAD", "StateReason": "x"})
        ),
        "InvalidParameterValue"
    );
    assert_eq!(
        cw_err(
            &mut s,
            "SetAlarmState",
            json!({"AlarmName": "a", "StateValue": "OK"})
        ),
        "MissingParameter"
    );
    assert_eq!(
        cw_err(
            &mut s,
            "SetAlarmState",
            json!({"AlarmName": "a", "StateValue": "OK", "StateReason": "x", "StateReasonData": "{"})
        ),
        "InvalidFormat"
    );
}

#[test]
fn actions_run_only_when_enabled_and_for_the_new_state() {
    let mut s = Sim::new();
    let topic = alerts_to_inbox(&mut s);
    let mut a = backlog_alarm("quiet", "none", 1.0, 1, 1);
    a["AlarmActions"] = json!([topic]);
    a["OKActions"] = json!([topic]);
    a["ActionsEnabled"] = json!(false);
    cw_ok(&mut s, "PutMetricAlarm", a.clone());
    let set = |s: &mut Sim, v: &str| {
        cw_ok(
            s,
            "SetAlarmState",
            json!({"AlarmName": "quiet", "StateValue": v, "StateReason": "t"}),
        );
    };
    set(&mut s, "ALARM");
    s.at(1.0);
    let got = s
        .sqs("ReceiveMessage", json!({"QueueUrl": queue_url("inbox")}))
        .unwrap();
    assert!(got
        .get("Messages")
        .is_none_or(|m| m.as_array().unwrap().is_empty()));
    a["ActionsEnabled"] = json!(true);
    cw_ok(&mut s, "PutMetricAlarm", a);
    set(&mut s, "OK");
    set(&mut s, "INSUFFICIENT_DATA"); // no InsufficientDataActions: nothing sent
    s.at(2.0);
    let got = s
        .sqs(
            "ReceiveMessage",
            json!({"QueueUrl": queue_url("inbox"), "MaxNumberOfMessages": 10}),
        )
        .unwrap();
    let msgs = got["Messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1);
    let note: Value = serde_json::from_str(msgs[0]["Body"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            note["OldStateValue"].as_str(),
            note["NewStateValue"].as_str()
        ),
        (Some("ALARM"), Some("OK"))
    );
}

#[test]
fn put_metric_alarm_validates_as_aws_does() {
    let mut s = Sim::new();
    let base = backlog_alarm("v", "q", 1.0, 1, 1);
    let with = |k: &str, v: Value| {
        let mut a = base.clone();
        if v.is_null() {
            a.as_object_mut().unwrap().remove(k);
        } else {
            a[k] = v;
        }
        a
    };
    let cases = [
        (with("AlarmName", Value::Null), "MissingParameter"),
        (with("MetricName", Value::Null), "MissingParameter"),
        (with("Threshold", Value::Null), "MissingParameter"),
        (with("Period", json!(90)), "InvalidParameterValue"),
        (with("Period", json!(45)), "InvalidParameterValue"),
        (with("EvaluationPeriods", json!(0)), "InvalidParameterValue"),
        (
            with("EvaluationPeriods", json!(1441)),
            "InvalidParameterValue",
        ),
        (with("DatapointsToAlarm", json!(2)), "InvalidParameterValue"),
        (with("Statistic", json!("p99")), "InvalidParameterValue"),
        (
            with("ExtendedStatistic", json!("p99")),
            "InvalidParameterCombination",
        ),
        (
            with(
                "ComparisonOperator",
                json!("LessThanLowerOrGreaterThanUpperThreshold"),
            ),
            "InvalidParameterValue",
        ),
        (
            with("TreatMissingData", json!("sometimes")),
            "InvalidParameterValue",
        ),
        (
            with("AlarmActions", json!(["not-an-arn"])),
            "InvalidParameterValue",
        ),
        (
            with("AlarmActions", json!(vec![topic_arn("t"); 6])),
            "InvalidParameterValue",
        ),
        (with("Period", json!("60")), "InvalidParameterValue"),
    ];
    for (params, code) in cases {
        assert_eq!(
            cw_err(&mut s, "PutMetricAlarm", params.clone()),
            code,
            "{params}"
        );
    }
    let mut no_stat = base.clone();
    no_stat.as_object_mut().unwrap().remove("Statistic");
    assert_eq!(
        cw_err(&mut s, "PutMetricAlarm", no_stat),
        "InvalidParameterCombination"
    );
    // A week of hourly periods is allowed; a day and a minute of minutes is not.
    cw_ok(
        &mut s,
        "PutMetricAlarm",
        with("Period", json!(3600)).tap(|a| a["EvaluationPeriods"] = json!(168)),
    );
    assert_eq!(cw_err(&mut s, "UnknownOp", json!({})), "InvalidAction");
}

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> Self;
}
impl Tap for Value {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

#[test]
fn putting_an_existing_alarm_updates_it_and_keeps_its_state() {
    let mut s = Sim::new();
    cw_ok(&mut s, "PutMetricAlarm", backlog_alarm("u", "q", 1.0, 1, 1));
    cw_ok(
        &mut s,
        "SetAlarmState",
        json!({"AlarmName": "u", "StateValue": "ALARM", "StateReason": "r"}),
    );
    s.at(10.0);
    cw_ok(&mut s, "PutMetricAlarm", backlog_alarm("u", "q", 7.0, 1, 1));
    let a = alarm(&mut s, "u");
    assert_eq!(a["Threshold"], 7.0);
    assert_eq!(a["StateValue"], "ALARM");
    assert_eq!(
        a["AlarmConfigurationUpdatedTimestamp"],
        json!(EPOCH_S + 10.0)
    );
    let h = cw_ok(
        &mut s,
        "DescribeAlarmHistory",
        json!({"HistoryItemType": "ConfigurationUpdate", "ScanBy": "TimestampAscending"}),
    );
    let s: Vec<&str> = h["AlarmHistoryItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["HistorySummary"].as_str().unwrap())
        .collect();
    assert_eq!(s, ["Alarm \"u\" created", "Alarm \"u\" updated"]);
}

#[test]
fn describe_alarms_filters_by_name_prefix_and_state_and_pages_in_name_order() {
    let mut s = Sim::new();
    for name in ["e", "c", "a", "d", "b", "x1"] {
        cw_ok(
            &mut s,
            "PutMetricAlarm",
            backlog_alarm(name, "q", 1.0, 1, 1),
        );
    }
    cw_ok(
        &mut s,
        "SetAlarmState",
        json!({"AlarmName": "c", "StateValue": "OK", "StateReason": "r"}),
    );
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut p = json!({"MaxRecords": 2});
        if let Some(t) = &token {
            p["NextToken"] = json!(t);
        }
        let v = cw_ok(&mut s, "DescribeAlarms", p);
        pages += 1;
        for a in v["MetricAlarms"].as_array().unwrap() {
            names.push(a["AlarmName"].as_str().unwrap().to_string());
        }
        assert_eq!(v["CompositeAlarms"], json!([]));
        match v.get("NextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_string()),
            None => break,
        }
    }
    assert_eq!(names, ["a", "b", "c", "d", "e", "x1"]);
    assert_eq!(pages, 3);
    let v = cw_ok(&mut s, "DescribeAlarms", json!({"AlarmNamePrefix": "x"}));
    assert_eq!(v["MetricAlarms"].as_array().unwrap().len(), 1);
    let v = cw_ok(&mut s, "DescribeAlarms", json!({"StateValue": "OK"}));
    assert_eq!(v["MetricAlarms"][0]["AlarmName"], "c");
    assert_eq!(v["MetricAlarms"].as_array().unwrap().len(), 1);
    let v = cw_ok(
        &mut s,
        "DescribeAlarms",
        json!({"AlarmTypes": ["CompositeAlarm"]}),
    );
    assert_eq!(v["MetricAlarms"], json!([]));
    assert_eq!(
        cw_err(
            &mut s,
            "DescribeAlarms",
            json!({"AlarmNames": ["a"], "AlarmNamePrefix": "a"})
        ),
        "InvalidParameterCombination"
    );
    assert_eq!(
        cw_err(&mut s, "DescribeAlarms", json!({"MaxRecords": 101})),
        "InvalidParameterValue"
    );
    assert_eq!(
        cw_err(&mut s, "DescribeAlarms", json!({"NextToken": "%%"})),
        "InvalidNextToken"
    );
}

#[test]
fn delete_alarms_deletes_all_the_named_alarms_or_none() {
    let mut s = Sim::new();
    for name in ["a", "b"] {
        cw_ok(
            &mut s,
            "PutMetricAlarm",
            backlog_alarm(name, "q", 1.0, 1, 1),
        );
    }
    assert_eq!(
        cw_err(&mut s, "DeleteAlarms", json!({"AlarmNames": ["a", "zz"]})),
        "ResourceNotFound"
    );
    assert_eq!(
        cw_ok(&mut s, "DescribeAlarms", json!({}))["MetricAlarms"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        cw_err(&mut s, "DeleteAlarms", json!({})),
        "MissingParameter"
    );
    cw_ok(&mut s, "DeleteAlarms", json!({"AlarmNames": ["a", "b"]}));
    assert_eq!(
        cw_ok(&mut s, "DescribeAlarms", json!({}))["MetricAlarms"],
        json!([])
    );
    // Deleted alarms no longer evaluate.
    s.at(120.0);
    assert!(s.w.cloudwatch().alarms().next().is_none());
}

#[test]
fn describe_alarm_history_pages_newest_first() {
    let mut s = Sim::new();
    cw_ok(&mut s, "PutMetricAlarm", backlog_alarm("h", "q", 1.0, 1, 1));
    for (i, v) in ["OK", "ALARM", "OK", "ALARM"].into_iter().enumerate() {
        s.at(i as f64 + 1.0);
        cw_ok(
            &mut s,
            "SetAlarmState",
            json!({"AlarmName": "h", "StateValue": v, "StateReason": "r"}),
        );
    }
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut p = json!({"AlarmName": "h", "MaxRecords": 2, "HistoryItemType": "StateUpdate"});
        if let Some(t) = &token {
            p["NextToken"] = json!(t);
        }
        let v = cw_ok(&mut s, "DescribeAlarmHistory", p);
        for i in v["AlarmHistoryItems"].as_array().unwrap() {
            assert_eq!(i["AlarmType"], "MetricAlarm");
            all.push((
                i["Timestamp"].as_f64().unwrap(),
                i["HistorySummary"].as_str().unwrap().to_string(),
            ));
        }
        match v.get("NextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_string()),
            None => break,
        }
    }
    assert_eq!(all.len(), 4);
    assert_eq!(
        all[0],
        (EPOCH_S + 4.0, "Alarm updated from OK to ALARM".to_string())
    );
    assert_eq!(
        all[3],
        (
            EPOCH_S + 1.0,
            "Alarm updated from INSUFFICIENT_DATA to OK".to_string()
        )
    );
    let v = cw_ok(
        &mut s,
        "DescribeAlarmHistory",
        json!({"StartDate": EPOCH_S + 3.5}),
    );
    assert_eq!(v["AlarmHistoryItems"].as_array().unwrap().len(), 1);
    let data: Value =
        serde_json::from_str(v["AlarmHistoryItems"][0]["HistoryData"].as_str().unwrap()).unwrap();
    assert_eq!(data["oldState"]["stateValue"], "OK");
    assert_eq!(data["newState"]["stateValue"], "ALARM");
}

#[test]
fn get_metric_statistics_aggregates_the_minutes_of_each_period() {
    let mut s = Sim::new();
    s.create_queue("work", json!({}));
    for (minute, n) in [(0, 2), (1, 3), (2, 4)] {
        s.at(minute as f64 * 60.0 + 1.0);
        send(&mut s, "work", n);
    }
    s.at(181.0);
    let v = cw_ok(
        &mut s,
        "GetMetricStatistics",
        json!({
            "Namespace": "AWS/SQS", "MetricName": "NumberOfMessagesSent",
            "Dimensions": [{"Name": "QueueName", "Value": "work"}],
            "StartTime": EPOCH_S, "EndTime": EPOCH_S + 180.0, "Period": 120,
            "Statistics": ["Sum", "SampleCount", "Maximum", "Average"],
        }),
    );
    assert_eq!(v["Label"], "NumberOfMessagesSent");
    assert_eq!(
        v["Datapoints"],
        json!([
            {"Timestamp": EPOCH_S, "SampleCount": 2.0, "Average": 2.5, "Sum": 5.0, "Maximum": 3.0},
            {"Timestamp": EPOCH_S + 120.0, "SampleCount": 1.0, "Average": 4.0, "Sum": 4.0, "Maximum": 4.0},
        ])
    );
    // Other dimensions are another metric.
    let v = cw_ok(
        &mut s,
        "GetMetricStatistics",
        json!({"Namespace": "AWS/SQS", "MetricName": "NumberOfMessagesSent", "StartTime": EPOCH_S,
               "EndTime": EPOCH_S + 180.0, "Period": 60, "Statistics": ["Sum"]}),
    );
    assert_eq!(v["Datapoints"], json!([]));
    let bad = |extra: Value| {
        let mut p = json!({"Namespace": "AWS/SQS", "MetricName": "X", "StartTime": EPOCH_S,
                           "EndTime": EPOCH_S + 60.0, "Period": 60, "Statistics": ["Sum"]});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        p
    };
    for (extra, code) in [
        (json!({"EndTime": EPOCH_S}), "InvalidParameterValue"),
        (json!({"Period": 45}), "InvalidParameterValue"),
        (
            json!({"ExtendedStatistics": ["p90"]}),
            "InvalidParameterCombination",
        ),
        (
            json!({"EndTime": EPOCH_S + 60.0 * 1441.0}),
            "InvalidParameterCombination",
        ),
        (json!({"Statistics": ["Median"]}), "InvalidParameterValue"),
    ] {
        assert_eq!(
            cw_err(&mut s, "GetMetricStatistics", bad(extra.clone())),
            code,
            "{extra}"
        );
    }
}

#[test]
fn cloudwatch_bills_alarm_hours_only_once_used() {
    let mut s = Sim::new();
    s.at(60.0);
    assert!(s.w.bill().iter().all(|b| b.service != "CloudWatch"));
    cw_ok(&mut s, "PutMetricAlarm", backlog_alarm("b", "q", 1.0, 1, 1));
    s.at(60.0 + 730.0 * 3600.0 / 10.0);
    let line =
        s.w.bill()
            .into_iter()
            .find(|b| b.service == "CloudWatch")
            .unwrap();
    assert!(
        (line.usd - 0.01).abs() < 1e-9,
        "a tenth of a month of one alarm: {}",
        line.usd
    );
}

/// AWS takes a Period of 10, 20 or 30 s for any alarm: a high-resolution alarm, $0.30 a
/// month. Over 1-minute datapoints only one period in two (at 30 s) holds one; with the
/// default `missing` treatment the alarm decides on the datapoints its range does hold.
#[test]
fn a_sub_minute_period_is_a_high_resolution_alarm() {
    let mut s = Sim::new();
    s.create_queue("q", json!({}));
    for period in [10, 20, 30] {
        let mut a = backlog_alarm(&format!("p{period}"), "q", 1.0, 1, 1);
        a["Period"] = json!(period);
        cw_ok(&mut s, "PutMetricAlarm", a);
        assert_eq!(alarm(&mut s, &format!("p{period}"))["Period"], period);
    }
    send(&mut s, "q", 20);
    s.at(300.0);
    assert_eq!(state(&mut s, "p30"), "ALARM");
    let reason = alarm(&mut s, "p30")["StateReason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("1 out of the last 1 datapoints"),
        "{reason}"
    );
    cw_ok(
        &mut s,
        "DeleteAlarms",
        json!({"AlarmNames": ["p10", "p20"]}),
    );
    // Billed at $0.30 a month: a tenth of a month of p30 alone.
    let before = cw_line(&s);
    s.at(300.0 + 730.0 * 3600.0 / 10.0);
    let added = cw_line(&s) - before;
    assert!(
        (added - 0.03).abs() < 1e-9,
        "a tenth of a month at $0.30: {added}"
    );
}

fn cw_line(s: &Sim) -> f64 {
    s.w.bill()
        .into_iter()
        .find(|b| b.service == "CloudWatch")
        .map_or(0.0, |b| b.usd)
}
