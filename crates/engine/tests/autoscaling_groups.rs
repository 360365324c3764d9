//! EC2 Auto Scaling groups (aws-rules §2.2, §2.3, §2.6, §2.7): instances' lifecycle, a
//! terminated instance's in-flight messages, scale-in protection, deletion, validation.

mod autoscaling_common;
mod sns_common;

use autoscaling_common::*;
use serde_json::json;

#[test]
fn instances_go_pending_then_in_service_with_aws_ids() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 0, 3, 2, json!({}));
    let g = describe(&mut s, "g");
    let inst = g["Instances"].as_array().unwrap();
    assert_eq!(inst.len(), 2);
    let id = inst[0]["InstanceId"].as_str().unwrap();
    assert!(
        id.starts_with("i-") && id.len() == 19 && id[2..].chars().all(|c| c.is_ascii_hexdigit())
    );
    assert_eq!(inst[0]["LifecycleState"], "Pending");
    assert_eq!(inst[0]["HealthStatus"], "Healthy");
    assert_eq!(inst[0]["ProtectedFromScaleIn"], false);
    assert_eq!(g["DefaultCooldown"], 300);
    s.at(61.0);
    assert_eq!(count(&mut s, "g", "InService"), 2);
    let acts = asg_ok(
        &mut s,
        "DescribeScalingActivities",
        json!({"AutoScalingGroupName": "g"}),
    );
    let a = &acts["Activities"][0];
    assert_eq!(a["StatusCode"], "Successful");
    assert!(a["Description"]
        .as_str()
        .unwrap()
        .starts_with("Launching a new EC2 instance: i-"));
    assert!(a["Cause"].as_str().unwrap().starts_with(
        "At 2026-01-01T00:00:00Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 2.  At 2026-01-01T00:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 2."
    ));
    // Scale in: Terminating, then gone.
    asg_ok(
        &mut s,
        "SetDesiredCapacity",
        json!({"AutoScalingGroupName": "g", "DesiredCapacity": 1}),
    );
    assert_eq!(count(&mut s, "g", "Terminating"), 1);
    s.wait(31.0);
    assert_eq!(
        describe(&mut s, "g")["Instances"].as_array().unwrap().len(),
        1
    );
}

/// An instance terminated mid-batch abandons its messages: they are not deleted and come
/// back when their visibility timeout ends (aws-rules §2.6).
#[test]
fn termination_returns_in_flight_messages_after_the_visibility_timeout() {
    let mut s = Sim::new();
    s.create_queue("jobs", json!({"VisibilityTimeout": "120"}));
    for i in 0..5 {
        s.sqs(
            "SendMessage",
            json!({"QueueUrl": queue_url("jobs"), "MessageBody": format!("j{i}")}),
        )
        .unwrap();
    }
    launch_configuration(
        &mut s,
        "lc",
        Some(
            json!({"queue": "jobs", "max_messages": 5, "wait_time_s": 20, "processing": {"dist": "fixed", "ms": 100000}}),
        ),
    );
    group(&mut s, "g", "lc", 0, 1, 1, json!({}));
    s.at(70.0);
    assert_eq!(
        queue_attr(&mut s, "jobs", "ApproximateNumberOfMessagesNotVisible"),
        5
    );
    asg_ok(
        &mut s,
        "SetDesiredCapacity",
        json!({"AutoScalingGroupName": "g", "DesiredCapacity": 0}),
    );
    s.at(150.0);
    // Still in flight: nobody deleted them, nobody works on them.
    assert_eq!(
        queue_attr(&mut s, "jobs", "ApproximateNumberOfMessagesNotVisible"),
        5
    );
    assert_eq!(queue_attr(&mut s, "jobs", "ApproximateNumberOfMessages"), 0);
    // Received at ~60 s with a 120 s timeout: visible again after ~180 s.
    s.at(185.0);
    assert_eq!(queue_attr(&mut s, "jobs", "ApproximateNumberOfMessages"), 5);
    assert_eq!(s.w.actors().consumers[0].processed, 0);
}

#[test]
fn protection_prevents_scale_in() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(
        &mut s,
        "g",
        "lc",
        0,
        3,
        2,
        json!({"NewInstancesProtectedFromScaleIn": true}),
    );
    s.at(61.0);
    asg_ok(
        &mut s,
        "SetDesiredCapacity",
        json!({"AutoScalingGroupName": "g", "DesiredCapacity": 0}),
    );
    s.wait(60.0);
    let g = describe(&mut s, "g");
    assert_eq!(g["DesiredCapacity"], 0);
    assert_eq!(count(&mut s, "g", "InService"), 2);
    let id = g["Instances"][0]["InstanceId"].clone();
    assert_eq!(g["Instances"][0]["ProtectedFromScaleIn"], true);
    // Unprotected, it is terminated to meet the desired capacity.
    asg_ok(
        &mut s,
        "SetInstanceProtection",
        json!({"AutoScalingGroupName": "g", "InstanceIds": [id], "ProtectedFromScaleIn": false}),
    );
    assert_eq!(count(&mut s, "g", "Terminating"), 1);
    assert_eq!(count(&mut s, "g", "InService"), 1);
    let e = asg_err(
        &mut s,
        "SetInstanceProtection",
        json!({"AutoScalingGroupName": "g", "InstanceIds": ["i-00000000000000000"], "ProtectedFromScaleIn": true}),
    );
    assert_eq!(e.code, "ValidationError");
}

#[test]
fn delete_is_refused_while_instances_remain_unless_forced() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 1, 2, 1, json!({}));
    let e = asg_err(
        &mut s,
        "DeleteAutoScalingGroup",
        json!({"AutoScalingGroupName": "g"}),
    );
    assert_eq!(e.code, "ResourceInUse");
    assert_eq!(
        e.message,
        "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group."
    );
    assert_eq!(
        asg_err(
            &mut s,
            "DeleteLaunchConfiguration",
            json!({"LaunchConfigurationName": "lc"})
        )
        .code,
        "ResourceInUse"
    );
    asg_ok(
        &mut s,
        "DeleteAutoScalingGroup",
        json!({"AutoScalingGroupName": "g", "ForceDelete": true}),
    );
    let all = asg_ok(&mut s, "DescribeAutoScalingGroups", json!({}));
    assert_eq!(all["AutoScalingGroups"], json!([]));
    asg_ok(
        &mut s,
        "DeleteLaunchConfiguration",
        json!({"LaunchConfigurationName": "lc"}),
    );
    // An empty group deletes without force.
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "h", "lc", 0, 2, 0, json!({}));
    asg_ok(
        &mut s,
        "DeleteAutoScalingGroup",
        json!({"AutoScalingGroupName": "h"}),
    );
}

#[test]
fn validation_errors_use_awss_codes() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    let code = |s: &mut Sim, op: &str, p: serde_json::Value| asg_err(s, op, p).code;
    assert_eq!(
        code(
            &mut s,
            "CreateLaunchConfiguration",
            json!({"LaunchConfigurationName": "lc", "ImageId": "ami-1", "InstanceType": "t3.micro"})
        ),
        "AlreadyExists"
    );
    assert_eq!(
        code(
            &mut s,
            "CreateLaunchConfiguration",
            json!({"LaunchConfigurationName": "x", "ImageId": "ami-1", "InstanceType": "t3.micro", "UserData": "not base64!"})
        ),
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut s,
            "CreateLaunchConfiguration",
            json!({"LaunchConfigurationName": "y"})
        ),
        "ValidationError"
    );
    let base = json!({"AutoScalingGroupName": "g", "LaunchConfigurationName": "lc", "MinSize": 1, "MaxSize": 3, "AvailabilityZones": ["us-east-1a"]});
    let with = |k: &str, v: serde_json::Value| {
        let mut p = base.clone();
        p[k] = v;
        p
    };
    let e = asg_err(
        &mut s,
        "CreateAutoScalingGroup",
        with("DesiredCapacity", json!(5)),
    );
    assert_eq!(
        e.message,
        "Desired capacity:5 must be between the specified min size:1 and max size:3"
    );
    let e = asg_err(&mut s, "CreateAutoScalingGroup", with("MinSize", json!(4)));
    assert_eq!(
        e.message,
        "Max bound, 3, must be greater than or equal to min bound, 4"
    );
    let e = asg_err(
        &mut s,
        "CreateAutoScalingGroup",
        with("AvailabilityZones", json!([])),
    );
    assert_eq!(
        e.message,
        "At least one Availability Zone or VPC Subnet is required."
    );
    assert_eq!(
        code(
            &mut s,
            "CreateAutoScalingGroup",
            with("LaunchConfigurationName", json!("nope"))
        ),
        "ValidationError"
    );
    let e = asg_err(
        &mut s,
        "CreateAutoScalingGroup",
        json!({"AutoScalingGroupName": "g", "LaunchConfigurationName": "lc", "MaxSize": 3, "AvailabilityZones": ["us-east-1a"]}),
    );
    assert!(
        e.message.contains("Value null at 'minSize'"),
        "{}",
        e.message
    );
    asg_ok(&mut s, "CreateAutoScalingGroup", base.clone());
    assert_eq!(
        code(&mut s, "CreateAutoScalingGroup", base.clone()),
        "AlreadyExists"
    );
    let e = asg_err(
        &mut s,
        "SetDesiredCapacity",
        json!({"AutoScalingGroupName": "g", "DesiredCapacity": 9}),
    );
    assert_eq!(
        e.message,
        "New SetDesiredCapacity value 9 is above max value 3 for the AutoScalingGroup."
    );
    assert_eq!(
        code(
            &mut s,
            "SetDesiredCapacity",
            json!({"AutoScalingGroupName": "nope", "DesiredCapacity": 1})
        ),
        "ValidationError"
    );
    // Policies: the members each type requires and refuses.
    let pol = |extra: serde_json::Value| {
        let mut p = json!({"AutoScalingGroupName": "g", "PolicyName": "p"});
        for (k, v) in extra.as_object().cloned().unwrap() {
            p[k] = v;
        }
        p
    };
    assert_eq!(
        code(
            &mut s,
            "PutScalingPolicy",
            pol(json!({"ScalingAdjustment": 1}))
        ),
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut s,
            "PutScalingPolicy",
            pol(json!({"AdjustmentType": "Sideways", "ScalingAdjustment": 1}))
        ),
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut s,
            "PutScalingPolicy",
            pol(
                json!({"PolicyType": "StepScaling", "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
            {"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}, {"MetricIntervalLowerBound": 5, "ScalingAdjustment": 2}]})
            )
        ),
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut s,
            "PutScalingPolicy",
            pol(
                json!({"PolicyType": "TargetTrackingScaling", "TargetTrackingConfiguration": {"TargetValue": 5}})
            )
        ),
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut s,
            "ExecutePolicy",
            json!({"AutoScalingGroupName": "g", "PolicyName": "none"})
        ),
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut s,
            "DescribeAutoScalingGroups",
            json!({"MaxRecords": 500})
        ),
        "ValidationError"
    );
    assert_eq!(code(&mut s, "Frobnicate", json!({})), "InvalidAction");
}

#[test]
fn terminate_instance_with_or_without_replacement() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 1, 3, 2, json!({}));
    s.at(61.0);
    let ids: Vec<String> = describe(&mut s, "g")["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap().to_string())
        .collect();
    let out = asg_ok(
        &mut s,
        "TerminateInstanceInAutoScalingGroup",
        json!({"InstanceId": ids[0], "ShouldDecrementDesiredCapacity": false}),
    );
    assert_eq!(
        out["Activity"]["Description"],
        format!("Terminating EC2 instance: {}", ids[0])
    );
    // A replacement launches.
    assert_eq!(count(&mut s, "g", "Pending"), 1);
    asg_ok(
        &mut s,
        "TerminateInstanceInAutoScalingGroup",
        json!({"InstanceId": ids[1], "ShouldDecrementDesiredCapacity": true}),
    );
    assert_eq!(desired(&mut s, "g"), 1);
    let e = asg_err(
        &mut s,
        "TerminateInstanceInAutoScalingGroup",
        json!({"InstanceId": "i-0123456789abcdef0", "ShouldDecrementDesiredCapacity": true}),
    );
    assert_eq!(e.code, "ValidationError");
}

/// Group metrics reach the bus only once EnableMetricsCollection turns them on, one datapoint
/// per minute with the group's counts at its close (aws-rules §2.8); instances bill as EC2
/// from launch (aws-rules §2.9).
#[test]
fn group_metrics_are_published_only_when_enabled() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    asg_ok(
        &mut s,
        "CreateAutoScalingGroup",
        json!({"AutoScalingGroupName": "g", "LaunchConfigurationName": "lc", "MinSize": 2, "MaxSize": 4, "AvailabilityZones": ["us-east-1a"]}),
    );
    s.at(120.0);
    let asg_points = |s: &Sim| {
        s.w.metric_datapoints()
            .into_iter()
            .filter(|p| p.namespace == "AWS/AutoScaling")
            .collect::<Vec<_>>()
    };
    assert!(asg_points(&s).is_empty());
    let e = asg_err(
        &mut s,
        "EnableMetricsCollection",
        json!({"AutoScalingGroupName": "g", "Granularity": "1Minute", "Metrics": ["GroupCpu"]}),
    );
    assert_eq!(e.code, "ValidationError");
    asg_ok(
        &mut s,
        "EnableMetricsCollection",
        json!({"AutoScalingGroupName": "g", "Granularity": "1Minute", "Metrics": ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupStandbyInstances"]}),
    );
    s.at(180.0);
    let points = asg_points(&s);
    assert_eq!(points.len(), 2);
    assert_eq!(points[0].metric, "GroupDesiredCapacity");
    assert_eq!(points[1].metric, "GroupInServiceInstances");
    assert_eq!(points[1].value, 2.0);
    assert_eq!(points[1].dimension("AutoScalingGroupName"), Some("g"));
    assert_eq!(points[1].timestamp, 1_767_225_600 + 120);
    let enabled = &describe(&mut s, "g")["EnabledMetrics"];
    assert_eq!(
        enabled[0],
        json!({"Metric": "GroupDesiredCapacity", "Granularity": "1Minute"})
    );
    // Two instances for three minutes at $0.0104 an hour.
    let ec2 = s.w.bill().into_iter().find(|b| b.service == "EC2").unwrap();
    assert!(
        (ec2.usd - 2.0 * 0.0104 * 3.0 / 60.0).abs() < 1e-9,
        "{}",
        ec2.usd
    );
}

/// A group may launch from an EC2 launch template (`svc: "ec2"`) whose UserData declares the
/// consumer; a template that does not exist is refused (aws-rules §2.2).
#[test]
fn a_launch_template_runs_its_consumer() {
    let mut s = Sim::new();
    s.create_queue("jobs", json!({}));
    s.sqs(
        "SendMessage",
        json!({"QueueUrl": queue_url("jobs"), "MessageBody": "j"}),
    )
    .unwrap();
    let data = user_data(json!({"queue": "jobs", "wait_time_s": 20}));
    let lt = s
        .call(
            "ec2",
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "workers", "LaunchTemplateData": {"ImageId": "ami-1", "InstanceType": "t3.small", "UserData": data}}),
        )
        .unwrap();
    let id = lt["LaunchTemplate"]["LaunchTemplateId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("lt-") && id.len() == 20);
    let dup = s.call(
        "ec2",
        "CreateLaunchTemplate",
        json!({"LaunchTemplateName": "workers", "LaunchTemplateData": {}}),
    );
    assert_eq!(
        dup.unwrap_err().code,
        "InvalidLaunchTemplateName.AlreadyExistsException"
    );
    let base = json!({"AutoScalingGroupName": "g", "MinSize": 1, "MaxSize": 1, "AvailabilityZones": ["us-east-1a"]});
    let mut missing = base.clone();
    missing["LaunchTemplate"] = json!({"LaunchTemplateName": "nope"});
    assert_eq!(
        asg_err(&mut s, "CreateAutoScalingGroup", missing).code,
        "ValidationError"
    );
    let mut p = base;
    p["LaunchTemplate"] = json!({"LaunchTemplateId": id, "Version": "$Latest"});
    asg_ok(&mut s, "CreateAutoScalingGroup", p);
    let g = describe(&mut s, "g");
    assert_eq!(g["LaunchTemplate"]["LaunchTemplateName"], "workers");
    assert_eq!(g["Instances"][0]["InstanceType"], "t3.small");
    s.at(70.0);
    assert_eq!(queue_attr(&mut s, "jobs", "ApproximateNumberOfMessages"), 0);
    assert_eq!(s.w.actors().consumers[0].processed, 1);
}

/// What DescribeScalingActivities lists is also an event as each activity starts (the full
/// page logs it): same id, description and cause, at the activity's start.
#[test]
fn a_scaling_activity_is_an_event_as_it_starts() {
    let mut s = Sim::new();
    launch_configuration(&mut s, "lc", None);
    group(&mut s, "g", "lc", 0, 3, 2, json!({}));
    s.at(61.0);
    asg_ok(
        &mut s,
        "SetDesiredCapacity",
        json!({"AutoScalingGroupName": "g", "DesiredCapacity": 1}),
    );
    s.at(62.0);
    let acts = asg_ok(
        &mut s,
        "DescribeScalingActivities",
        json!({"AutoScalingGroupName": "g"}),
    );
    let events: Vec<(u64, String, String, String)> = s
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            mqlab_engine::EventKind::ScalingActivityStarted {
                group,
                activity_id,
                description,
                cause,
            } => {
                assert_eq!(group, "g");
                Some((e.t, activity_id.clone(), description.clone(), cause.clone()))
            }
            _ => None,
        })
        .collect();
    // Two launches at 0 s, one termination at 61 s; DescribeScalingActivities lists newest
    // first.
    assert_eq!(events.len(), 3);
    assert_eq!(
        events.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![0, 0, 61_000]
    );
    let listed = acts["Activities"].as_array().unwrap();
    for (e, a) in events.iter().rev().zip(listed) {
        assert_eq!(a["ActivityId"], e.1.as_str());
        assert_eq!(a["Description"], e.2.as_str());
        assert_eq!(a["Cause"], e.3.as_str());
    }
    assert!(events[2].2.starts_with("Terminating EC2 instance: i-"));
}
