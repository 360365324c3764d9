//! EC2 Auto Scaling declared in a scenario (aws-rules §2.10): `launch_configurations`,
//! `auto_scaling_groups`, `metrics_collection` and `scaling_policies`, each as the request's
//! members, made through the API itself (its validation, the field at fault named), before
//! the alarms, whose actions name a scenario's policy by its ARN with the id written `*`.

use mqlab_engine::autoscaling::Lifecycle;
use mqlab_engine::{EventKind, Scenario, World};
use serde_json::{json, Value};

const BACKLOG: &str = include_str!("../../../scenarios/autoscaling-backlog.json");

/// The group's (desired, in service) now.
fn sizes(w: &World, group: &str) -> (u32, u32) {
    let g = &w.autoscaling().groups[group];
    (g.desired, g.count(Lifecycle::InService))
}

#[test]
fn autoscaling_backlog_grows_the_group_on_the_burst_then_shrinks_it() {
    let s = Scenario::from_json(BACKLOG).unwrap();
    let mut w = World::from_scenario(&s).unwrap();
    // (minute, desired, in service) at the end of each minute.
    let mut seen = Vec::new();
    let mut actors = std::collections::BTreeSet::new();
    for minute in 1..=30u64 {
        w.advance_to(minute * 60_000);
        for e in w.drain_events() {
            if let EventKind::MessageReceived { actor: Some(a), .. } = e.kind {
                actors.insert(a);
            }
        }
        let (d, n) = sizes(&w, "workers");
        seen.push((minute, d, n));
    }
    // As the description says: one instance until the scale-out alarm at 5m, ten in
    // service a minute later, the queue empty by 9m, one again from 22m.
    let at = |m: u64| seen[m as usize - 1];
    assert_eq!(at(4), (4, 1, 1), "{seen:?}");
    assert_eq!(at(5), (5, 10, 1), "{seen:?}");
    assert_eq!(at(6), (6, 10, 10), "{seen:?}");
    assert_eq!(at(21), (21, 10, 10), "{seen:?}");
    assert_eq!(at(22).1, 1, "{seen:?}");
    assert_eq!(at(23), (23, 1, 1), "{seen:?}");
    assert_eq!(at(30), (30, 1, 1), "{seen:?}");
    let peak = seen.iter().map(|s| s.2).max().unwrap();
    assert_eq!(peak, 10);
    // Every instance's receives name it: `<group>/<instance-id>`.
    assert_eq!(actors.len(), 10, "{actors:?}");
    assert!(actors
        .iter()
        .all(|a| a.starts_with("workers/i-") && !a.contains('#')));
    let acts = &w.autoscaling().activities;
    assert_eq!(acts.len(), 1 + 9 + 9);
    assert!(acts.iter().all(|a| a.status == "Successful"));
    assert!(acts[1].cause.contains(
        "triggered policy backlog-per-instance changing the desired capacity from 1 to 10."
    ));
    let orders = w.sqs().queues().find(|q| q.name == "orders").unwrap();
    assert!(orders.len() < 50, "the backlog is gone: {}", orders.len());
}

/// A queue, a producer, and a group of one instance consuming it; `extra` adds or replaces
/// members.
fn scenario(extra: Value) -> Value {
    let mut s = json!({
        "name": "asg", "seed": 3,
        "queues": [{"QueueName": "jobs"}],
        "producers": [{"name": "app", "queue": "jobs", "rate_per_s": 5.0}],
        "launch_configurations": [{
            "LaunchConfigurationName": "lc", "ImageId": "ami-1", "InstanceType": "t3.micro",
            "Consumer": {"queue": "jobs", "max_messages": 1, "processing": {"dist": "fixed", "ms": 1000}}
        }],
        "auto_scaling_groups": [{
            "AutoScalingGroupName": "workers", "LaunchConfigurationName": "lc",
            "MinSize": 1, "MaxSize": 5, "AvailabilityZones": ["us-east-1a"]
        }],
    });
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

fn build(s: &Value) -> Result<World, mqlab_engine::ScenarioError> {
    World::from_scenario(&Scenario::from_json(&s.to_string())?)
}

fn refused(s: Value) -> (String, String) {
    match build(&s) {
        Ok(_) => panic!("accepted: {s}"),
        Err(e) => (e.field, e.message),
    }
}

#[test]
fn a_launch_configuration_consumer_is_its_user_data_in_base64() {
    let mut w = build(&scenario(json!({}))).unwrap();
    w.call(
        "autoscaling",
        "DescribeLaunchConfigurations",
        &json!({"LaunchConfigurationNames": ["lc"]}),
    );
    let out = w.take_completions().pop().unwrap().result.unwrap();
    let data = out["LaunchConfigurations"][0]["UserData"].as_str().unwrap();
    let text = mqlab_engine::core::base64::decode(data).unwrap();
    let consumer: Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(consumer["queue"], "jobs");
    // The group's instance runs it once InService (60 s after launch).
    w.advance_to(2 * 60_000);
    assert_eq!(sizes(&w, "workers"), (1, 1));
    assert!(w.actors().consumers[0].processed > 0);
    assert!(w.actors().consumers[0].name.starts_with("workers/i-"));
}

#[test]
fn a_scenario_group_is_validated_by_the_api_and_names_the_member_at_fault() {
    let group = |g: Value| {
        let mut base = scenario(json!({}))["auto_scaling_groups"][0].clone();
        for (k, v) in g.as_object().unwrap() {
            base[k] = v.clone();
        }
        scenario(json!({ "auto_scaling_groups": [base] }))
    };
    let (field, message) = refused(group(json!({"MaxSize": "ten"})));
    assert_eq!(field, "auto_scaling_groups[0].MaxSize");
    assert!(message.starts_with("ValidationError: "), "{message}");
    let (field, message) = refused(group(json!({"MaxSize": 2000})));
    assert_eq!(field, "auto_scaling_groups[0].MaxSize", "{message}");
    let (field, message) = refused(group(json!({"MaxSzie": 3})));
    assert_eq!(field, "auto_scaling_groups[0].MaxSzie");
    assert!(
        message.contains("not a member of CreateAutoScalingGroup"),
        "{message}"
    );
    let mut no_min = group(json!({}));
    no_min["auto_scaling_groups"][0]
        .as_object_mut()
        .unwrap()
        .remove("MinSize");
    let (field, message) = refused(no_min);
    assert_eq!(field, "auto_scaling_groups[0].MinSize");
    assert!(message.contains("Value null at 'minSize'"), "{message}");
    let (field, message) = refused(group(json!({"LaunchConfigurationName": "nope"})));
    assert_eq!(
        field, "auto_scaling_groups[0].LaunchConfigurationName",
        "{message}"
    );
    let (field, _) = refused(scenario(json!({"auto_scaling_groups": [3]})));
    assert_eq!(field, "auto_scaling_groups[0]");
}

#[test]
fn a_launch_configuration_consumer_is_checked_as_a_scenario_consumer() {
    let lc = |c: Value| {
        let mut base = scenario(json!({}))["launch_configurations"][0].clone();
        for (k, v) in c.as_object().unwrap() {
            base[k] = v.clone();
        }
        scenario(json!({ "launch_configurations": [base] }))
    };
    let (field, _) = refused(lc(json!({"Consumer": {"queue": "nope"}})));
    assert_eq!(field, "launch_configurations[0].Consumer.queue");
    let (field, message) = refused(lc(
        json!({"Consumer": {"queue": "jobs", "max_messages": 11}}),
    ));
    assert_eq!(field, "launch_configurations[0].Consumer");
    assert!(message.contains("max_messages"), "{message}");
    let (field, _) = refused(lc(json!({"Consumer": {"queue": "jobs", "count": 2}})));
    assert_eq!(field, "launch_configurations[0].Consumer.count");
    let (field, message) = refused(lc(json!({"UserData": "eyJxIjoxfQ=="})));
    assert_eq!(field, "launch_configurations[0].Consumer", "{message}");
    let mut raw = lc(json!({}));
    raw["launch_configurations"][0]
        .as_object_mut()
        .unwrap()
        .remove("Consumer");
    raw["launch_configurations"][0]["UserData"] =
        json!(mqlab_engine::core::base64::encode("{\"q\":1}"));
    let (field, message) = refused(raw.clone());
    assert_eq!(field, "launch_configurations[0].UserData");
    assert!(message.contains("unknown field `q`"), "{message}");
    raw["launch_configurations"][0]["UserData"] = json!("not base64!");
    let (field, message) = refused(raw);
    assert_eq!(field, "launch_configurations[0].UserData");
    assert!(message.contains("Invalid BASE64"), "{message}");
}

/// An alarm on the queue's backlog whose action runs the step policy `add-two`.
fn step_scenario(action: &str) -> Value {
    scenario(json!({
        "metrics_collection": [{"AutoScalingGroupName": "workers", "Granularity": "1Minute"}],
        "scaling_policies": [{
            "AutoScalingGroupName": "workers", "PolicyName": "add-two",
            "PolicyType": "StepScaling", "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2}]
        }],
        "alarms": [{
            "AlarmName": "jobs-backlog", "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": "jobs"}],
            "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 100,
            "ComparisonOperator": "GreaterThanThreshold", "AlarmActions": [action]
        }],
    }))
}

#[test]
fn an_alarm_action_names_a_scenario_policy_by_its_arn_with_the_id_written_as_a_star() {
    let star = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:*:autoScalingGroupName/workers:policyName/add-two";
    let mut w = build(&step_scenario(star)).unwrap();
    let policy = w.autoscaling().groups["workers"].policies["add-two"]
        .arn
        .clone();
    let alarm = w.cloudwatch().alarm("jobs-backlog").unwrap();
    assert_eq!(alarm.alarm_actions, vec![policy]);
    // 4 messages a second more than the instance takes: ALARM within minutes, +2 instances.
    w.advance_to(5 * 60_000);
    assert_eq!(
        w.cloudwatch().alarm("jobs-backlog").unwrap().state.as_str(),
        "ALARM"
    );
    // (The instance launched at 0 s is still warming up: it counts toward the step, aws-rules
    // §2.5, so the group grows by one.)
    assert!(sizes(&w, "workers").0 >= 2, "{:?}", sizes(&w, "workers"));
    assert!(w.autoscaling().activities.iter().any(|a| a
        .cause
        .contains("a monitor alarm jobs-backlog in state ALARM triggered policy add-two")));

    for wrong in [
        star.replace("add-two", "add-three"),
        star.replace('*', "0b1a4c5e-0000-4000-8000-000000000000"),
        "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy".to_string(),
    ] {
        let (field, message) = refused(step_scenario(&wrong));
        assert_eq!(field, "alarms[0].AlarmActions[0]", "{wrong}");
        assert!(
            message.contains("scalingPolicy:*:autoScalingGroupName/"),
            "{message}"
        );
    }
}

#[test]
fn scenario_metrics_collection_and_policies_are_validated_by_the_api() {
    let (field, message) = refused(scenario(json!({
        "metrics_collection": [{"AutoScalingGroupName": "workers", "Granularity": "5Minute"}]
    })));
    assert_eq!(field, "metrics_collection[0].Granularity");
    assert!(
        message.contains("the only valid value is 1Minute"),
        "{message}"
    );
    let (field, message) = refused(scenario(json!({
        "scaling_policies": [{"AutoScalingGroupName": "workers", "PolicyName": "p",
                              "PolicyType": "SimpleScaling", "ScalingAdjustment": 1}]
    })));
    assert_eq!(field, "scaling_policies[0].AdjustmentType", "{message}");
    let (field, _) = refused(scenario(json!({
        "scaling_policies": [{"AutoScalingGroupName": "nope", "PolicyName": "p",
                              "PolicyType": "SimpleScaling", "AdjustmentType": "ChangeInCapacity",
                              "ScalingAdjustment": 1}]
    })));
    assert_eq!(field, "scaling_policies[0]");
}

#[test]
fn a_scenario_with_auto_scaling_needs_the_full_page() {
    let s = Scenario::from_json(BACKLOG).unwrap();
    assert_eq!(s.needs_full_page(), Some("launch_configurations"));
    let Err(e) = World::from_scenario_for_page(&s) else {
        panic!("the page built a scenario with Auto Scaling");
    };
    assert_eq!(e.field, "launch_configurations");
    for field in [
        "auto_scaling_groups",
        "metrics_collection",
        "scaling_policies",
    ] {
        let s = Scenario::from_json(&json!({ field: [{}] }).to_string()).unwrap();
        assert_eq!(s.needs_full_page(), Some(field));
    }
}
