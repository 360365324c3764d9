//! A scenario's EC2 Auto Scaling (aws-rules §2, §2.10): its launch configurations, groups,
//! metrics collection and scaling policies, each declared with the request's own members
//! and made through the same `autoscaling` requests as `mqlab api` (AWS's validation answers,
//! the field at fault named), in that order, before the alarms — whose actions name a
//! scenario's policy by its ARN with the policy id written `*`, since AWS generates it.
//! Reached only from `World::from_scenario`: the page links none of it.

use super::{Scenario, ScenarioError};
use crate::actors::ConsumerSpec;
use crate::autoscaling::api::{
    parse, CreateLaunchConfigurationInput, GroupActionInput, GroupInput, PutScalingPolicyInput,
};
use crate::core::aws::{arn, b64_decode, b64_encode};
use crate::world::World;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The members of CreateLaunchConfiguration simulated (the others are not: an instance here
/// is its type and the consumer its UserData runs).
const LAUNCH_CONFIGURATION_MEMBERS: &[&str] = &[
    "LaunchConfigurationName",
    "ImageId",
    "InstanceType",
    "InstanceId",
    "UserData",
    CONSUMER,
];
/// mqlab's member of a scenario's launch configuration: the consumer its instances run, as
/// JSON (a scenario consumer without `name` and `count`), written into `UserData` as base64.
const CONSUMER: &str = "Consumer";
const GROUP_MEMBERS: &[&str] = &[
    "AutoScalingGroupName",
    "LaunchConfigurationName",
    "LaunchTemplate",
    "MixedInstancesPolicy",
    "InstanceId",
    "MinSize",
    "MaxSize",
    "DesiredCapacity",
    "DefaultCooldown",
    "DefaultInstanceWarmup",
    "AvailabilityZones",
    "VPCZoneIdentifier",
    "HealthCheckType",
    "HealthCheckGracePeriod",
    "NewInstancesProtectedFromScaleIn",
];
const METRICS_COLLECTION_MEMBERS: &[&str] = &["AutoScalingGroupName", "Metrics", "Granularity"];
const POLICY_MEMBERS: &[&str] = &[
    "AutoScalingGroupName",
    "PolicyName",
    "PolicyType",
    "AdjustmentType",
    "MinAdjustmentMagnitude",
    "ScalingAdjustment",
    "Cooldown",
    "MetricAggregationType",
    "StepAdjustments",
    "EstimatedInstanceWarmup",
    "TargetTrackingConfiguration",
    "Enabled",
];
/// The alarm members that list actions.
const ACTION_LISTS: [&str; 3] = ["AlarmActions", "OKActions", "InsufficientDataActions"];

/// `MaxSize` as words: `max size`.
fn in_words(member: &str) -> String {
    let mut out = String::new();
    for (k, c) in member.chars().enumerate() {
        if k > 0 && c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `what[i].Member` for an AWS error on a scenario's request when its message names one
/// member (`MaxSize`, `'maxSize'` as the query API's validation writes it, or `max size` in
/// words), else `what[i]`.
fn aws_error(
    what: &str,
    i: usize,
    members: &[&str],
    e: &crate::core::error::AwsError,
) -> ScenarioError {
    let lower = e.message.to_ascii_lowercase();
    let named = |words: bool| -> Vec<&str> {
        members
            .iter()
            .copied()
            .filter(|m| {
                let mut camel = m.to_string();
                camel[..1].make_ascii_lowercase();
                match words {
                    false => e.message.contains(m) || e.message.contains(&format!("'{camel}'")),
                    true => lower.contains(&in_words(m)),
                }
            })
            .collect()
    };
    // A member written as such first (`AdjustmentType is required for policy type …`).
    let exact = named(false);
    let field = match (exact.as_slice(), named(true).as_slice()) {
        ([m], _) | ([], [m]) => format!("{what}[{i}].{m}"),
        _ => format!("{what}[{i}]"),
    };
    ScenarioError::new(field, e.to_string())
}

/// The request's members, each known (simulated) and of its type, as the API reads them.
fn request<T: DeserializeOwned + Default>(
    v: &Value,
    what: &str,
    i: usize,
    op: &str,
    members: &[&str],
) -> Result<Map<String, Value>, ScenarioError> {
    let Some(obj) = v.as_object() else {
        return Err(ScenarioError::new(
            format!("{what}[{i}]"),
            format!(
                "must be an object of {op}'s members ({})",
                members.join(", ")
            ),
        ));
    };
    for (k, m) in obj {
        if !members.contains(&k.as_str()) {
            return Err(ScenarioError::new(
                format!("{what}[{i}].{k}"),
                format!(
                    "not a member of {op} simulated here (members: {})",
                    members.join(", ")
                ),
            ));
        }
        if k == CONSUMER {
            continue;
        }
        let alone = Value::Object(Map::from_iter([(k.clone(), m.clone())]));
        parse::<T>(&alone)
            .map_err(|e| ScenarioError::new(format!("{what}[{i}].{k}"), e.to_string()))?;
    }
    Ok(obj.clone())
}

/// A consumer an instance runs, checked as a scenario's consumers are: its members, its
/// ranges, its queue one of the scenario's.
fn check_consumer(s: &Scenario, c: &Value, field: &str) -> Result<(), ScenarioError> {
    let Some(obj) = c.as_object() else {
        return Err(ScenarioError::new(
            field,
            "must be an object: a scenario consumer without name and count (queue, wait_time_s, max_messages, processing, …)",
        ));
    };
    if let Some(k) = ["name", "count"].into_iter().find(|k| obj.contains_key(*k)) {
        return Err(ScenarioError::new(
            format!("{field}.{k}"),
            "set by the group: each instance runs one consumer, named <group>/<instance-id>",
        ));
    }
    let mut named = obj.clone();
    named.insert("name".into(), Value::from("instance"));
    let spec: ConsumerSpec = serde_json::from_str(&Value::Object(named).to_string())
        .map_err(|e| ScenarioError::new(field, unplaced(&e)))?;
    spec.validate().map_err(|e| ScenarioError::new(field, e))?;
    if !s.queues.iter().any(|q| q.queue_name == spec.queue) {
        return Err(ScenarioError::new(
            format!("{field}.queue"),
            format!("no queue named {:?}", spec.queue),
        ));
    }
    Ok(())
}

/// A serde_json error's message without the " at line L column C" it ends with.
fn unplaced(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    m.strip_suffix(&at).map(str::to_string).unwrap_or(m)
}

impl World {
    /// Makes the scenario's launch configurations (a `Consumer` written into `UserData`),
    /// groups, metrics collection and scaling policies, and answers its alarms with the
    /// scaling policies their actions name resolved to the policies' ARNs.
    pub(crate) fn add_autoscaling(&mut self, s: &Scenario) -> Result<Vec<Value>, ScenarioError> {
        for (i, v) in s.launch_configurations.iter().enumerate() {
            let what = "launch_configurations";
            let op = "CreateLaunchConfiguration";
            let members = LAUNCH_CONFIGURATION_MEMBERS;
            let mut params = request::<CreateLaunchConfigurationInput>(v, what, i, op, members)?;
            if let Some(c) = params.remove(CONSUMER) {
                if params.contains_key("UserData") {
                    return Err(ScenarioError::new(
                        format!("{what}[{i}].{CONSUMER}"),
                        "give the consumer as UserData (base64) or as Consumer (JSON), not both",
                    ));
                }
                check_consumer(s, &c, &format!("{what}[{i}].{CONSUMER}"))?;
                params.insert("UserData".into(), Value::from(b64_encode(c.to_string())));
            } else if let Some(u) = params.get("UserData").and_then(Value::as_str) {
                // Base64 the API cannot read is refused by it; what it reads must be a consumer.
                if let Some(text) = b64_decode(u) {
                    let c = serde_json::from_slice::<Value>(&text).unwrap_or(Value::Null);
                    check_consumer(s, &c, &format!("{what}[{i}].UserData"))?;
                }
            }
            self.autoscaling_request("autoscaling", op, &Value::Object(params))
                .map_err(|e| aws_error(what, i, members, &e))?;
        }
        for (what, op, members, items) in [
            (
                "auto_scaling_groups",
                "CreateAutoScalingGroup",
                GROUP_MEMBERS,
                &s.auto_scaling_groups,
            ),
            (
                "metrics_collection",
                "EnableMetricsCollection",
                METRICS_COLLECTION_MEMBERS,
                &s.metrics_collection,
            ),
            (
                "scaling_policies",
                "PutScalingPolicy",
                POLICY_MEMBERS,
                &s.scaling_policies,
            ),
        ] {
            for (i, v) in items.iter().enumerate() {
                let params = match op {
                    "CreateAutoScalingGroup" => request::<GroupInput>(v, what, i, op, members),
                    "EnableMetricsCollection" => {
                        request::<GroupActionInput>(v, what, i, op, members)
                    }
                    _ => request::<PutScalingPolicyInput>(v, what, i, op, members),
                }?;
                self.autoscaling_request("autoscaling", op, &Value::Object(params))
                    .map_err(|e| aws_error(what, i, members, &e))?;
            }
        }
        s.alarms
            .iter()
            .enumerate()
            .map(|(i, a)| self.resolve_policy_actions(a, i))
            .collect()
    }

    /// An alarm with each scaling policy action written
    /// `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:*:autoScalingGroupName/G:policyName/P`
    /// replaced by policy P of group G's ARN; any other Auto Scaling action must be one.
    fn resolve_policy_actions(&self, alarm: &Value, i: usize) -> Result<Value, ScenarioError> {
        let mut alarm = alarm.clone();
        let prefix = arn("autoscaling", "scalingPolicy:");
        for list in ACTION_LISTS {
            let Some(actions) = alarm.get_mut(list).and_then(Value::as_array_mut) else {
                continue;
            };
            for (k, action) in actions.iter_mut().enumerate() {
                let Some(a) = action
                    .as_str()
                    .filter(|a| a.starts_with("arn:aws:autoscaling:"))
                else {
                    continue;
                };
                let named = a.strip_prefix(&prefix).and_then(|rest| {
                    let (id, rest) = rest.split_once(":autoScalingGroupName/")?;
                    let (group, policy) = rest.split_once(":policyName/")?;
                    let p = self.autoscaling.groups.get(group)?.policies.get(policy)?;
                    (id == "*" || p.arn == a).then(|| p.arn.clone())
                });
                match named {
                    Some(policy_arn) => *action = Value::from(policy_arn),
                    None => {
                        return Err(ScenarioError::new(
                            format!("alarms[{i}].{list}[{k}]"),
                            format!(
                                "{a} names no scaling policy of the scenario: write a scaling_policies entry's ARN with its policy id as `*`, {prefix}*:autoScalingGroupName/<AutoScalingGroupName>:policyName/<PolicyName>"
                            ),
                        ));
                    }
                }
            }
        }
        Ok(alarm)
    }
}
