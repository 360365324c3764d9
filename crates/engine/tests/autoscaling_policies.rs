//! EC2 Auto Scaling policies (aws-rules §2.4, §2.5): target tracking on backlog per instance
//! (metric math) against raw queue depth, the cooldown of simple scaling, instance warm-up in
//! step scaling, and several target tracking policies weighed together.

mod autoscaling_common;
mod sns_common;

use autoscaling_common::*;
use serde_json::json;

/// A worker that takes one message at a time and spends a second on it.
fn worker(q: &str) -> serde_json::Value {
    json!({"queue": q, "wait_time_s": 20, "processing": {"dist": "fixed", "ms": 1000}})
}

#[test]
fn backlog_per_instance_scales_out() {
    let mut s = Sim::new();
    s.create_queue("orders", json!({}));
    launch_configuration(&mut s, "workers-lc", Some(worker("orders")));
    group(&mut s, "workers", "workers-lc", 1, 10, 1, json!({}));
    let out = backlog_policy(&mut s, "workers", "orders", 10.0);
    let alarms = out["Alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2);
    assert!(alarms[0]["AlarmName"]
        .as_str()
        .unwrap()
        .starts_with("TargetTracking-workers-AlarmHigh-"));
    assert!(alarms[1]["AlarmName"]
        .as_str()
        .unwrap()
        .starts_with("TargetTracking-workers-AlarmLow-"));
    let high = s
        .call(
            "cloudwatch",
            "DescribeAlarms",
            json!({"AlarmNames": [alarms[0]["AlarmName"]]}),
        )
        .unwrap()["MetricAlarms"][0]
        .clone();
    assert_eq!(high["Metrics"][2]["Expression"], "m1 / m2");
    assert_eq!(high["EvaluationPeriods"], 3);
    assert_eq!(high["AlarmActions"][0], out["PolicyARN"]);
    producer(
        &mut s,
        json!({"name": "web", "queue": "orders", "rate_per_s": 4}),
    );
    s.at(59.0);
    assert_eq!(count(&mut s, "workers", "Pending"), 1);
    s.at(61.0);
    assert_eq!(count(&mut s, "workers", "InService"), 1);
    // The instance polls the queue as a consumer named `<group>/<instance-id>` (the actor of
    // its events): it has deleted messages.
    s.at(120.0);
    let c = &s.w.actors().consumers[0];
    assert!(
        c.name.starts_with("workers/i-") && c.processed > 0,
        "{} {}",
        c.name,
        c.processed
    );
    // Backlog per instance stays above 10 for three minutes (the first minute had no
    // instance in service: no datapoint), so the group scales out to about 4 workers.
    s.at(12.0 * 60.0);
    let d = desired(&mut s, "workers");
    assert!((3..=10).contains(&d), "desired {d}");
    assert!(count(&mut s, "workers", "InService") >= 3);
    let acts = asg_ok(
        &mut s,
        "DescribeScalingActivities",
        json!({"AutoScalingGroupName": "workers"}),
    );
    let causes: Vec<&str> = acts["Activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Cause"].as_str().unwrap())
        .collect();
    assert!(causes.iter().any(|c| c.contains(&format!(
        "a monitor alarm {} in state ALARM triggered policy backlog changing the desired capacity from 1 to",
        alarms[0]["AlarmName"].as_str().unwrap()
    ))));
    // Group metrics are on the bus; instances are billed as EC2.
    let bus = s.w.metric_datapoints();
    assert!(bus.iter().any(|p| p.namespace == "AWS/AutoScaling"
        && p.metric == "GroupInServiceInstances"
        && p.value >= 3.0));
    assert!(s.w.bill().iter().any(|b| b.service == "EC2" && b.usd > 0.0));
}

/// Raw depth does not fall as instances are added (aws-rules §2.4): a target on it keeps
/// scaling out to the maximum, where backlog per instance settles.
#[test]
fn raw_depth_vs_backlog_per_instance() {
    let run = |raw: bool| {
        let mut s = Sim::new();
        s.create_queue("orders", json!({}));
        launch_configuration(&mut s, "lc", Some(worker("orders")));
        group(&mut s, "g", "lc", 1, 20, 1, json!({}));
        if raw {
            depth_policy(&mut s, "g", "depth", "orders", 100.0);
        } else {
            backlog_policy(&mut s, "g", "orders", 100.0);
        }
        producer(
            &mut s,
            json!({"name": "web", "queue": "orders", "rate_per_s": 3}),
        );
        s.at(10.0 * 60.0);
        desired(&mut s, "g")
    };
    let (raw, backlog) = (run(true), run(false));
    eprintln!("raw {raw} backlog {backlog}");
    assert!(
        raw >= 2 * backlog,
        "raw depth overshoots: {raw} against {backlog}"
    );
    assert!(
        backlog < 10,
        "backlog per instance stays near what the load needs: {backlog}"
    );
}

#[test]
fn cooldown_blocks_a_second_simple_scaling() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 1, 5, 1, json!({}));
    asg_ok(
        &mut s,
        "PutScalingPolicy",
        json!({"AutoScalingGroupName": "g", "PolicyName": "up", "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": 1}),
    );
    let exec = json!({"AutoScalingGroupName": "g", "PolicyName": "up", "HonorCooldown": true});
    asg_ok(&mut s, "ExecutePolicy", exec.clone());
    assert_eq!(desired(&mut s, "g"), 2);
    // The 300 s default cooldown runs from the end of the launch.
    s.at(200.0);
    assert_eq!(
        asg_err(&mut s, "ExecutePolicy", exec.clone()).code,
        "ScalingActivityInProgress"
    );
    assert_eq!(desired(&mut s, "g"), 2);
    // Without HonorCooldown a user's execution runs anyway.
    asg_ok(
        &mut s,
        "ExecutePolicy",
        json!({"AutoScalingGroupName": "g", "PolicyName": "up"}),
    );
    assert_eq!(desired(&mut s, "g"), 3);
    s.at(200.0 + 360.0 + 1.0);
    asg_ok(&mut s, "ExecutePolicy", exec);
    assert_eq!(desired(&mut s, "g"), 4);
}

#[test]
fn warm_up_counts_warming_instances_and_blocks_step_scale_in() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(
        &mut s,
        "g",
        "lc",
        1,
        10,
        1,
        json!({"DefaultInstanceWarmup": 300}),
    );
    asg_ok(
        &mut s,
        "PutScalingPolicy",
        json!({"AutoScalingGroupName": "g", "PolicyName": "out", "PolicyType": "StepScaling",
               "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
                 {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1},
                 {"MetricIntervalLowerBound": 10, "ScalingAdjustment": 3}]}),
    );
    asg_ok(
        &mut s,
        "PutScalingPolicy",
        json!({"AutoScalingGroupName": "g", "PolicyName": "in", "PolicyType": "StepScaling",
               "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
                 {"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}]}),
    );
    // The first instance is in service at 60 s and warm at 360 s.
    s.at(400.0);
    let step = |v: f64, p: &str| json!({"AutoScalingGroupName": "g", "PolicyName": p, "MetricValue": v, "BreachThreshold": 10});
    asg_ok(&mut s, "ExecutePolicy", step(15.0, "out"));
    assert_eq!(desired(&mut s, "g"), 2);
    // A higher step while the new instance warms adds only the difference: 1 warm + 3.
    asg_ok(&mut s, "ExecutePolicy", step(25.0, "out"));
    assert_eq!(desired(&mut s, "g"), 4);
    // No scale-in while instances warm up.
    asg_ok(&mut s, "ExecutePolicy", step(5.0, "in"));
    assert_eq!(desired(&mut s, "g"), 4);
    s.at(400.0 + 60.0 + 300.0 + 1.0);
    asg_ok(&mut s, "ExecutePolicy", step(5.0, "in"));
    assert_eq!(desired(&mut s, "g"), 3);
}

/// Two target tracking policies (aws-rules §2.4): out if any, in only if all.
#[test]
fn scale_out_if_any_policy_in_only_if_all() {
    let mut s = Sim::new();
    s.create_queue("orders", json!({}));
    s.create_queue("other", json!({}));
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 1, 10, 4, json!({}));
    depth_policy(&mut s, "g", "orders-depth", "orders", 10.0);
    depth_policy(&mut s, "g", "other-depth", "other", 10.0);
    // "other" holds 10 messages: at its target, neither in nor out.
    for i in 0..10 {
        s.sqs(
            "SendMessage",
            json!({"QueueUrl": queue_url("other"), "MessageBody": format!("m{i}")}),
        )
        .unwrap();
    }
    // "orders" is empty for 20 minutes: its policy asks to scale in, "other"'s does not.
    s.at(20.0 * 60.0);
    assert_eq!(desired(&mut s, "g"), 4);
    // "other" grows past its target: out, whatever "orders" says.
    for i in 0..20 {
        s.sqs(
            "SendMessage",
            json!({"QueueUrl": queue_url("other"), "MessageBody": format!("n{i}")}),
        )
        .unwrap();
    }
    s.at(25.0 * 60.0);
    assert!(desired(&mut s, "g") > 4);
    // Both empty: both agree, and the group scales in to its minimum.
    s.sqs("PurgeQueue", json!({"QueueUrl": queue_url("other")}))
        .unwrap();
    s.at(50.0 * 60.0);
    assert_eq!(desired(&mut s, "g"), 1);
}

/// An alarm whose AlarmActions name a scaling policy runs it on entering ALARM, and again at
/// each evaluation while it stays there — a simple policy only once its cooldown has passed
/// (aws-rules §2.5, §10.5).
#[test]
fn an_alarm_action_runs_a_simple_policy_within_its_cooldown() {
    let mut s = Sim::new();
    s.create_queue("orders", json!({}));
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 1, 10, 1, json!({}));
    let arn = asg_ok(
        &mut s,
        "PutScalingPolicy",
        json!({"AutoScalingGroupName": "g", "PolicyName": "up", "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": 2, "Cooldown": 120}),
    )["PolicyARN"]
        .clone();
    s.call(
        "cloudwatch",
        "PutMetricAlarm",
        json!({"AlarmName": "deep", "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
               "Dimensions": [{"Name": "QueueName", "Value": "orders"}], "Statistic": "Maximum", "Period": 60,
               "EvaluationPeriods": 1, "Threshold": 5, "ComparisonOperator": "GreaterThanThreshold", "AlarmActions": [arn]}),
    )
    .unwrap();
    for i in 0..10 {
        s.sqs(
            "SendMessage",
            json!({"QueueUrl": queue_url("orders"), "MessageBody": format!("{i}")}),
        )
        .unwrap();
    }
    s.at(61.0);
    assert_eq!(desired(&mut s, "g"), 3);
    // Still in ALARM at 2:00 and 3:00, but the cooldown (launch 60 s + 120 s) runs to 4:00.
    s.at(181.0);
    assert_eq!(desired(&mut s, "g"), 3);
    s.at(241.0);
    assert_eq!(desired(&mut s, "g"), 5);
}
