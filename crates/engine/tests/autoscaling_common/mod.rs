//! Helpers of the Auto Scaling tests: a queue, a launch configuration whose UserData runs a
//! consumer of it, a group with its metrics enabled, a producer, and a look at the group.
#![allow(dead_code)]

use mqlab_engine::actors::ProducerSpec;
use mqlab_engine::AwsError;
use serde_json::{json, Value};

pub use crate::sns_common::*;

pub fn asg(s: &mut Sim, op: &str, params: Value) -> Result<Value, AwsError> {
    s.call("autoscaling", op, params)
}

pub fn asg_ok(s: &mut Sim, op: &str, params: Value) -> Value {
    asg(s, op, params.clone()).unwrap_or_else(|e| panic!("{op} {params}: {e}"))
}

pub fn asg_err(s: &mut Sim, op: &str, params: Value) -> AwsError {
    match asg(s, op, params.clone()) {
        Ok(v) => panic!("{op} {params} succeeded with {v}"),
        Err(e) => e,
    }
}

/// Base64 of a consumer's JSON: the UserData an instance runs.
pub fn user_data(consumer: Value) -> String {
    mqlab_engine::core::base64::encode(consumer.to_string())
}

/// A launch configuration `lc` whose instances consume `consumer` (None: no UserData).
pub fn launch_configuration(s: &mut Sim, lc: &str, consumer: Option<Value>) {
    let mut p = json!({"LaunchConfigurationName": lc, "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro"});
    if let Some(c) = consumer {
        p["UserData"] = json!(user_data(c));
    }
    asg_ok(s, "CreateLaunchConfiguration", p);
}

/// Group `g` from launch configuration `lc`, with every group metric collected.
pub fn group(s: &mut Sim, g: &str, lc: &str, min: u32, max: u32, desired: u32, extra: Value) {
    let mut p = json!({
        "AutoScalingGroupName": g, "LaunchConfigurationName": lc,
        "MinSize": min, "MaxSize": max, "DesiredCapacity": desired,
        "AvailabilityZones": ["us-east-1a"],
    });
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        p[k] = v;
    }
    asg_ok(s, "CreateAutoScalingGroup", p);
    asg_ok(
        s,
        "EnableMetricsCollection",
        json!({"AutoScalingGroupName": g, "Granularity": "1Minute"}),
    );
}

pub fn describe(s: &mut Sim, g: &str) -> Value {
    asg_ok(
        s,
        "DescribeAutoScalingGroups",
        json!({"AutoScalingGroupNames": [g]}),
    )["AutoScalingGroups"][0]
        .clone()
}

pub fn desired(s: &mut Sim, g: &str) -> u64 {
    describe(s, g)["DesiredCapacity"].as_u64().unwrap()
}

/// Instances of the group in `state`.
pub fn count(s: &mut Sim, g: &str, state: &str) -> usize {
    describe(s, g)["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["LifecycleState"] == state)
        .count()
}

pub fn producer(s: &mut Sim, spec: Value) {
    let spec: ProducerSpec = serde_json::from_value(spec).unwrap();
    s.w.with_actors(|a, ctx| a.add_producer(ctx, spec));
}

pub fn queue_attr(s: &mut Sim, q: &str, attr: &str) -> u64 {
    let v = s
        .sqs(
            "GetQueueAttributes",
            json!({"QueueUrl": queue_url(q), "AttributeNames": ["All"]}),
        )
        .unwrap();
    v["Attributes"][attr].as_str().unwrap().parse().unwrap()
}

/// A target tracking policy on backlog per instance (metric math, aws-rules §2.4): m1 the
/// queue's visible messages, m2 the group's InService instances, e1 = m1/m2.
pub fn backlog_policy(s: &mut Sim, g: &str, q: &str, target: f64) -> Value {
    asg_ok(
        s,
        "PutScalingPolicy",
        json!({
            "AutoScalingGroupName": g, "PolicyName": "backlog", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": {"TargetValue": target, "CustomizedMetricSpecification": {"Metrics": [
                {"Id": "m1", "ReturnData": false, "MetricStat": {"Stat": "Sum", "Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Dimensions": [{"Name": "QueueName", "Value": q}]}}},
                {"Id": "m2", "ReturnData": false, "MetricStat": {"Stat": "Average", "Metric": {"Namespace": "AWS/AutoScaling", "MetricName": "GroupInServiceInstances", "Dimensions": [{"Name": "AutoScalingGroupName", "Value": g}]}}},
                {"Id": "e1", "Expression": "m1 / m2", "ReturnData": true}
            ]}}
        }),
    )
}

/// A target tracking policy on a queue's raw visible depth (what AWS says not to do).
pub fn depth_policy(s: &mut Sim, g: &str, name: &str, q: &str, target: f64) -> Value {
    asg_ok(
        s,
        "PutScalingPolicy",
        json!({
            "AutoScalingGroupName": g, "PolicyName": name, "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": {"TargetValue": target, "CustomizedMetricSpecification": {
                "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": q}], "Statistic": "Average"}}
        }),
    )
}
