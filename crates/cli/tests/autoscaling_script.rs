//! `mqlab api` with `"svc": "autoscaling"`: examples/api/autoscaling-backlog-per-instance.jsonl,
//! a queue under load, a group of consumers launched from a launch configuration whose
//! UserData declares the consumer, and a target tracking policy on backlog per instance
//! (metric math m1/m2): the group scales out, then in once the load stops, and refuses to be
//! deleted while instances remain (aws-rules §2).

mod common;

use common::{at, run_example};
use serde_json::Value;

fn group(out: &[Value], t: f64) -> &Value {
    &at(out, t, "DescribeAutoScalingGroups")["response"]["AutoScalingGroups"][0]
}

fn states(g: &Value) -> Vec<&str> {
    g["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["LifecycleState"].as_str().unwrap())
        .collect()
}

#[test]
fn a_group_scales_out_on_backlog_per_instance_and_back_in_when_the_load_stops() {
    let out = run_example("autoscaling-backlog-per-instance.jsonl");
    assert!(out
        .iter()
        .all(|l| l.get("error").is_none() || l["op"] == "DeleteAutoScalingGroup"));
    let policy = &at(&out, 0.0, "PutScalingPolicy")["response"];
    assert!(policy["PolicyARN"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:"));
    assert_eq!(policy["Alarms"].as_array().unwrap().len(), 2);
    assert_eq!(states(group(&out, 0.0)), ["Pending"]);
    assert_eq!(states(group(&out, 61.0)), ["InService"]);

    let g = group(&out, 601.0);
    assert_eq!(g["DesiredCapacity"], 5);
    assert_eq!(states(g), ["InService"; 5]);
    let acts = at(&out, 601.0, "DescribeScalingActivities")["response"]["Activities"]
        .as_array()
        .unwrap();
    assert!(acts.iter().any(|a| a["Cause"]
        .as_str()
        .unwrap()
        .contains("in state ALARM triggered policy backlog-per-instance changing the desired capacity from 1 to 5.")));
    assert!(acts.iter().all(|a| a["StatusCode"] == "Successful"));

    // The load stopped at 10 minutes; 15 minutes under 90 % of the target scale it back in.
    assert_eq!(group(&out, 2400.0)["DesiredCapacity"], 1);
    let low = &at(&out, 2400.0, "DescribeAlarms")["response"]["MetricAlarms"][0];
    assert_eq!(low["StateValue"], "ALARM");
    assert_eq!(low["Threshold"], 18.0);
    assert_eq!(low["Metrics"][2]["Expression"], "m1 / m2");

    let refused = at(&out, 2400.0, "DeleteAutoScalingGroup");
    assert_eq!(refused["error"]["Code"], "ResourceInUse");
    // ForceDelete removes the group, its policy and the policy's alarms.
    assert_eq!(
        at(&out, 2401.0, "DescribePolicies")["response"]["ScalingPolicies"],
        serde_json::json!([])
    );
    assert_eq!(
        at(&out, 2401.0, "DescribeAlarms")["response"]["MetricAlarms"],
        serde_json::json!([])
    );
}
