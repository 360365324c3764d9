//! Auto Scaling's operations with their validation, the group's reconciliation of its
//! instances with its desired capacity, the scaling policies, and the timers of instances.

use super::api::*;
use super::*;
use crate::core::aws::{arn, b64_decode, b64_encode};
use crate::core::error::AwsError;
use crate::core::time::{epoch_ms, iso8601_ms};
use serde_json::json;

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::new("ValidationError", message)
}

/// The query API's words for a member that is absent: `Value null at 'minSize' …`.
fn required<T: Clone>(v: &Option<T>, member: &str) -> Result<T, AwsError> {
    v.clone().ok_or_else(|| {
        let mut camel = member.to_string();
        camel[..1].make_ascii_lowercase();
        validation(format!(
            "1 validation error detected: Value null at '{camel}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

/// A name member: 1–255 characters (XmlStringMaxLen255).
fn name(v: &Option<String>, member: &str) -> Result<String, AwsError> {
    let s = required(v, member)?;
    if s.is_empty() || s.chars().count() > 255 {
        let mut camel = member.to_string();
        camel[..1].make_ascii_lowercase();
        return Err(validation(format!(
            "1 validation error detected: Value '{s}' at '{camel}' failed to satisfy constraint: Member must have length between 1 and 255"
        )));
    }
    Ok(s)
}

fn secs(t: SimTime) -> f64 {
    epoch_ms(t) as f64 / MS_PER_S as f64
}

/// `2026-01-01T00:05:00Z`, the times of an activity's Cause.
fn iso(t: SimTime) -> String {
    let s = iso8601_ms(t);
    format!("{}Z", &s[..19])
}

fn group_missing(n: &str) -> AwsError {
    validation(format!(
        "AutoScalingGroup name not found - AutoScalingGroup {n} not found"
    ))
}

fn max_records(v: Option<i64>, default: usize) -> Result<usize, AwsError> {
    match v {
        None => Ok(default),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(n) => Err(validation(format!(
            "1 validation error detected: Value '{n}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100"
        ))),
    }
}

/// One page of `items` from the token's position: (page, NextToken).
fn page(
    items: Vec<Value>,
    limit: usize,
    token: &Option<String>,
) -> Result<(Vec<Value>, Option<String>), AwsError> {
    let from = match token {
        None => 0,
        Some(t) => b64_decode(t)
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| AwsError::new("InvalidNextToken", "The token is invalid."))?,
    };
    let end = from.saturating_add(limit).min(items.len());
    let next = (end < items.len()).then(|| b64_encode(end.to_string()));
    Ok((items.into_iter().skip(from).take(limit).collect(), next))
}

fn paged(
    key: &str,
    items: Vec<Value>,
    limit: usize,
    token: &Option<String>,
) -> Result<Value, AwsError> {
    let (items, next) = page(items, limit, token)?;
    let mut out = json!({ key: items });
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}

fn adjustment_type(s: &str) -> Result<AdjustmentType, AwsError> {
    Ok(match s {
        "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
        "ExactCapacity" => AdjustmentType::ExactCapacity,
        "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
        _ => {
            return Err(validation(format!(
                "Invalid adjustment type {s}: must be ChangeInCapacity, ExactCapacity or PercentChangeInCapacity."
            )))
        }
    })
}

fn adjustment_type_name(t: AdjustmentType) -> &'static str {
    match t {
        AdjustmentType::ChangeInCapacity => "ChangeInCapacity",
        AdjustmentType::ExactCapacity => "ExactCapacity",
        AdjustmentType::PercentChangeInCapacity => "PercentChangeInCapacity",
    }
}

/// The capacity an adjustment makes of `current` (aws-rules §2.4): a percentage is rounded
/// toward zero, a fraction of one instance to one, and at least MinAdjustmentMagnitude.
fn adjust(t: AdjustmentType, current: u32, adj: i64, magnitude: Option<i64>) -> i64 {
    let c = current as i64;
    match t {
        AdjustmentType::ChangeInCapacity => c.saturating_add(adj),
        AdjustmentType::ExactCapacity => adj,
        AdjustmentType::PercentChangeInCapacity => {
            let exact = c as f64 * adj as f64 / 100.0;
            let mut d = exact.trunc() as i64;
            if d == 0 && exact != 0.0 {
                d = exact.signum() as i64;
            }
            let m = magnitude.unwrap_or(0).max(0);
            if d.unsigned_abs() < m.unsigned_abs() {
                d = m * d.signum();
            }
            c.saturating_add(d)
        }
    }
}

fn clamp(g: &Group, n: i64) -> u32 {
    n.clamp(g.min as i64, g.max as i64) as u32
}

/// Pending instances, and InService ones still in their warm-up of `warmup_s` (aws-rules
/// §2.5).
fn warming(g: &Group, warmup_s: u32, now: SimTime) -> u32 {
    g.instances
        .iter()
        .filter(|i| match (i.lifecycle, i.in_service_at) {
            (Lifecycle::Pending, _) => true,
            (Lifecycle::InService, Some(t)) => t + warmup_s as SimTime * MS_PER_S > now,
            _ => false,
        })
        .count() as u32
}

fn describe_instance(g: &Group, i: &Instance) -> Value {
    let mut v = json!({
        "InstanceId": i.id,
        "InstanceType": i.instance_type,
        "AvailabilityZone": zone(g),
        "LifecycleState": i.lifecycle.as_str(),
        "HealthStatus": "Healthy",
        "ProtectedFromScaleIn": i.protected,
    });
    match &i.source {
        Source::LaunchConfiguration(n) => v["LaunchConfigurationName"] = json!(n),
        Source::LaunchTemplate(..) => v["LaunchTemplate"] = source_template(&i.source),
    }
    v
}

fn source_template(s: &Source) -> Value {
    match s {
        Source::LaunchTemplate(id, name, version) => {
            json!({"LaunchTemplateId": id, "LaunchTemplateName": name, "Version": version})
        }
        Source::LaunchConfiguration(_) => Value::Null,
    }
}

/// The zone instances land in: the group's first Availability Zone (subnets are not
/// simulated: a group given only VPCZoneIdentifier lands in us-east-1a).
fn zone(g: &Group) -> String {
    g.availability_zones
        .first()
        .cloned()
        .unwrap_or_else(|| "us-east-1a".to_string())
}

fn describe_group(g: &Group) -> Value {
    let mut v = json!({
        "AutoScalingGroupName": g.name,
        "AutoScalingGroupARN": g.arn,
        "MinSize": g.min,
        "MaxSize": g.max,
        "DesiredCapacity": g.desired,
        "DefaultCooldown": g.default_cooldown,
        "AvailabilityZones": g.availability_zones,
        "LoadBalancerNames": [],
        "TargetGroupARNs": [],
        "HealthCheckType": g.health_check_type,
        "HealthCheckGracePeriod": g.health_check_grace,
        "Instances": g.instances.iter().map(|i| describe_instance(g, i)).collect::<Vec<_>>(),
        "CreatedTime": secs(g.created_at),
        "SuspendedProcesses": [],
        "EnabledMetrics": g.enabled_metrics.iter().map(|m| json!({"Metric": m, "Granularity": "1Minute"})).collect::<Vec<_>>(),
        "Tags": [],
        "TerminationPolicies": ["Default"],
        "NewInstancesProtectedFromScaleIn": g.new_instances_protected,
        "ServiceLinkedRoleARN": arn("iam", "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling").replace(":us-east-1:", "::"),
        "CapacityRebalance": false,
        "TrafficSources": [],
    });
    match &g.source {
        Source::LaunchConfiguration(n) => v["LaunchConfigurationName"] = json!(n),
        s => v["LaunchTemplate"] = source_template(s),
    }
    if let Some(z) = &g.vpc_zone_identifier {
        v["VPCZoneIdentifier"] = json!(z);
    }
    if let Some(w) = g.default_warmup {
        v["DefaultInstanceWarmup"] = json!(w);
    }
    v
}

fn describe_policy(p: &Policy) -> Value {
    let mut v = json!({
        "AutoScalingGroupName": p.group,
        "PolicyName": p.name,
        "PolicyARN": p.arn,
        "PolicyType": p.type_name(),
        "Alarms": p.alarms.iter().map(|(n, a)| json!({"AlarmName": n, "AlarmARN": a})).collect::<Vec<_>>(),
        "Enabled": p.enabled,
    });
    if let Some(t) = p.adjustment_type {
        v["AdjustmentType"] = json!(adjustment_type_name(t));
    }
    if let Some(m) = p.min_adjustment_magnitude {
        v["MinAdjustmentMagnitude"] = json!(m);
    }
    if let Some(w) = p.warmup {
        v["EstimatedInstanceWarmup"] = json!(w);
    }
    match &p.kind {
        PolicyKind::Simple {
            adjustment,
            cooldown,
        } => {
            v["ScalingAdjustment"] = json!(adjustment);
            if let Some(c) = cooldown {
                v["Cooldown"] = json!(c);
            }
        }
        PolicyKind::Step { steps, aggregation } => {
            v["MetricAggregationType"] = json!(aggregation);
            v["StepAdjustments"] = steps
                .iter()
                .map(|s| {
                    let mut x = json!({"ScalingAdjustment": s.adjustment});
                    if let Some(l) = s.lower {
                        x["MetricIntervalLowerBound"] = json!(l);
                    }
                    if let Some(u) = s.upper {
                        x["MetricIntervalUpperBound"] = json!(u);
                    }
                    x
                })
                .collect();
        }
        PolicyKind::TargetTracking { config, .. } => {
            v["TargetTrackingConfiguration"] = config.clone();
        }
    }
    v
}

fn describe_activity(a: &Activity) -> Value {
    let mut v = json!({
        "ActivityId": a.id,
        "AutoScalingGroupName": a.group,
        "AutoScalingGroupARN": a.group_arn,
        "Description": a.description,
        "Cause": a.cause,
        "StartTime": secs(a.start),
        "StatusCode": a.status,
        "Progress": if a.end.is_some() { 100 } else { 30 },
        "Details": "{\"Availability Zone\":\"us-east-1a\"}",
    });
    if let Some(e) = a.end {
        v["EndTime"] = json!(secs(e));
    }
    if a.group_deleted {
        v["AutoScalingGroupState"] = json!("Deleted");
    }
    v
}

/// The alarm a target tracking policy makes (aws-rules §2.4): PutMetricAlarm's members.
fn tt_alarm(
    config: &Value,
    group: &str,
    policy_arn: &str,
    name: &str,
    high: bool,
    target: f64,
) -> Value {
    let (n, threshold, op) = if high {
        (TT_OUT_DATAPOINTS, target, "GreaterThanThreshold")
    } else {
        (
            TT_IN_DATAPOINTS,
            target * TT_IN_FRACTION,
            "LessThanThreshold",
        )
    };
    let mut a = json!({
        "AlarmName": name,
        "AlarmDescription": format!("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policy_arn}."),
        "EvaluationPeriods": n,
        "DatapointsToAlarm": n,
        "Threshold": threshold,
        "ComparisonOperator": op,
        "AlarmActions": [policy_arn],
    });
    let c = &config["CustomizedMetricSpecification"];
    if let Some(queries) = c["Metrics"].as_array() {
        let mut qs = queries.clone();
        for q in &mut qs {
            if let Some(ms) = q.get_mut("MetricStat") {
                if ms.get("Period").is_none() {
                    ms["Period"] = json!(60);
                }
            }
        }
        a["Metrics"] = json!(qs);
    } else if c.is_object() {
        for k in ["MetricName", "Namespace", "Statistic", "Unit"] {
            if !c[k].is_null() {
                a[k] = c[k].clone();
            }
        }
        a["Dimensions"] = c.get("Dimensions").cloned().unwrap_or(json!([]));
        a["Period"] = c.get("Period").cloned().unwrap_or(json!(60));
    } else {
        // Predefined metrics: the EC2 and load balancer metrics nothing here publishes.
        let p = &config["PredefinedMetricSpecification"];
        let (ns, metric, stat) = match p["PredefinedMetricType"].as_str().unwrap_or("") {
            "ASGAverageNetworkIn" => ("AWS/EC2", "NetworkIn", "Average"),
            "ASGAverageNetworkOut" => ("AWS/EC2", "NetworkOut", "Average"),
            "ALBRequestCountPerTarget" => ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum"),
            _ => ("AWS/EC2", "CPUUtilization", "Average"),
        };
        a["Namespace"] = json!(ns);
        a["MetricName"] = json!(metric);
        a["Statistic"] = json!(stat);
        a["Dimensions"] = json!([{"Name": "AutoScalingGroupName", "Value": group}]);
        a["Period"] = json!(60);
    }
    a
}

/// The validated TargetTrackingConfiguration: its target and whether scale-in is disabled.
fn check_target_tracking(c: &Value) -> Result<(f64, bool), AwsError> {
    let target = c["TargetValue"].as_f64().ok_or_else(|| {
        validation("1 validation error detected: Value null at 'targetTrackingConfiguration.targetValue' failed to satisfy constraint: Member must not be null")
    })?;
    if !(target.is_finite() && target > 0.0) {
        return Err(validation(format!(
            "TargetValue must be greater than 0 (was {target})."
        )));
    }
    let (pre, custom) = (
        &c["PredefinedMetricSpecification"],
        &c["CustomizedMetricSpecification"],
    );
    if pre.is_null() == custom.is_null() {
        return Err(validation(
            "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.",
        ));
    }
    if !pre.is_null() {
        const TYPES: [&str; 4] = [
            "ASGAverageCPUUtilization",
            "ASGAverageNetworkIn",
            "ASGAverageNetworkOut",
            "ALBRequestCountPerTarget",
        ];
        let t = pre["PredefinedMetricType"].as_str().unwrap_or("");
        if !TYPES.contains(&t) {
            return Err(validation(format!(
                "PredefinedMetricType {t:?} is not valid: must be one of {}.",
                TYPES.join(", ")
            )));
        }
    } else if let Some(qs) = custom["Metrics"].as_array() {
        let returned = qs
            .iter()
            .filter(|q| q["ReturnData"].as_bool().unwrap_or(true))
            .count();
        let well_formed = qs.iter().all(|q| {
            q["Id"].is_string()
                && (q["Expression"].is_string()
                    != (q["MetricStat"]["Metric"]["MetricName"].is_string()
                        && q["MetricStat"]["Metric"]["Namespace"].is_string()
                        && q["MetricStat"]["Stat"].is_string()))
        });
        if qs.is_empty() || qs.len() > 10 || returned != 1 || !well_formed {
            return Err(validation(
                "CustomizedMetricSpecification.Metrics must hold 1 to 10 queries, each with an Id and exactly one of Expression and MetricStat (Metric, Stat), exactly one of them with ReturnData true.",
            ));
        }
        for e in qs.iter().filter_map(|q| q["Expression"].as_str()) {
            let known = |id: &str| {
                if qs.iter().any(|q| q["Id"] == id && q["Expression"] != e) {
                    Ok(Some(1.0))
                } else {
                    Err(format!("unknown id {id}"))
                }
            };
            crate::core::expr::eval(e, &known).map_err(|why| {
                validation(format!("Invalid metrics math expression {e:?} ({why})."))
            })?;
        }
    } else if !(custom["MetricName"].is_string()
        && custom["Namespace"].is_string()
        && custom["Statistic"].is_string())
    {
        return Err(validation(
            "CustomizedMetricSpecification needs MetricName, Namespace and Statistic, or Metrics.",
        ));
    }
    Ok((target, c["DisableScaleIn"].as_bool().unwrap_or(false)))
}

impl AutoScaling {
    fn new_id(ctx: &mut Ctx) -> String {
        let (a, b) = (ctx.rng.next_u64(), ctx.rng.next_u64());
        format!("i-{:x}{b:016x}", a & 0xF)
    }

    fn group_mut(&mut self, n: &str) -> Result<&mut Group, AwsError> {
        self.groups.get_mut(n).ok_or_else(|| group_missing(n))
    }

    fn push_activity(
        &mut self,
        ctx: &mut Ctx,
        g: &str,
        description: String,
        cause: String,
    ) -> usize {
        let group_arn = self
            .groups
            .get(g)
            .map(|g| g.arn.clone())
            .unwrap_or_default();
        if self.activities.len() >= ACTIVITIES_MAX {
            self.activities.remove(0);
            self.activities_dropped += 1;
        }
        let id = ctx.rng.uuid();
        ctx.events
            .push(ctx.now, || crate::EventKind::ScalingActivityStarted {
                group: g.to_string(),
                activity_id: id.clone(),
                description: description.clone(),
                cause: cause.clone(),
            });
        self.activities.push(Activity {
            id,
            group: g.to_string(),
            group_arn,
            description,
            cause,
            start: ctx.now,
            end: None,
            status: "InProgress",
            group_deleted: false,
        });
        self.activities_dropped + self.activities.len() - 1
    }

    fn finish_activity(&mut self, index: usize, now: SimTime) {
        if let Some(a) = self.activity_mut(index) {
            a.end = Some(now);
            a.status = "Successful";
        }
    }

    pub fn create_launch_configuration(
        &mut self,
        ctx: &mut Ctx,
        i: &CreateLaunchConfigurationInput,
    ) -> Result<(), AwsError> {
        let n = name(&i.launch_configuration_name, "LaunchConfigurationName")?;
        if self.launch_configurations.contains_key(&n) {
            return Err(AwsError::new(
                "AlreadyExists",
                format!("Launch Configuration by this name already exists - A launch configuration already exists with the name {n}"),
            ));
        }
        if self.launch_configurations.len() >= LAUNCH_CONFIGURATIONS_MAX {
            return Err(AwsError::new(
                "LimitExceeded",
                format!("Launch configuration limit exceeded. You have reached the maximum number ({LAUNCH_CONFIGURATIONS_MAX}) of launch configurations."),
            ));
        }
        if i.instance_id.is_some() {
            return Err(validation(
                "InstanceId (a launch configuration copied from a running instance) is not simulated; give ImageId and InstanceType.",
            ));
        }
        let (Some(image_id), Some(instance_type)) = (&i.image_id, &i.instance_type) else {
            return Err(validation(
                "Valid requests must contain either the InstanceID parameter or both the ImageId and InstanceType parameters.",
            ));
        };
        if let Some(u) = &i.user_data {
            if u.len() > 21_847 {
                return Err(validation("1 validation error detected: Value at 'userData' failed to satisfy constraint: Member must have length less than or equal to 21847"));
            }
            if b64_decode(u).is_none() {
                return Err(validation("Invalid BASE64 encoding of user data."));
            }
        }
        let arn = arn(
            "autoscaling",
            &format!(
                "launchConfiguration:{}:launchConfigurationName/{n}",
                ctx.rng.uuid()
            ),
        );
        self.launch_configurations.insert(
            n.clone(),
            LaunchConfiguration {
                name: n,
                arn,
                image_id: image_id.clone(),
                instance_type: instance_type.clone(),
                user_data: i.user_data.clone(),
                created_at: ctx.now,
            },
        );
        Ok(())
    }

    pub fn describe_launch_configurations(&self, i: &NamesInput) -> Result<Value, AwsError> {
        let names = i.launch_configuration_names.as_deref().unwrap_or_default();
        let items = self
            .launch_configurations
            .values()
            .filter(|l| names.is_empty() || names.contains(&l.name))
            .map(|l| {
                json!({
                    "LaunchConfigurationName": l.name,
                    "LaunchConfigurationARN": l.arn,
                    "ImageId": l.image_id,
                    "KeyName": "",
                    "SecurityGroups": [],
                    "ClassicLinkVPCSecurityGroups": [],
                    "UserData": l.user_data.clone().unwrap_or_default(),
                    "InstanceType": l.instance_type,
                    "KernelId": "",
                    "RamdiskId": "",
                    "BlockDeviceMappings": [],
                    "InstanceMonitoring": {"Enabled": true},
                    "CreatedTime": secs(l.created_at),
                    "EbsOptimized": false,
                })
            })
            .collect();
        paged(
            "LaunchConfigurations",
            items,
            max_records(i.max_records, 50)?,
            &i.next_token,
        )
    }

    pub fn delete_launch_configuration(&mut self, i: &NamesInput) -> Result<(), AwsError> {
        let n = name(&i.launch_configuration_name, "LaunchConfigurationName")?;
        if !self.launch_configurations.contains_key(&n) {
            return Err(validation(format!(
                "Launch configuration name not found - Launch configuration {n} not found"
            )));
        }
        let user = self.groups.values().find(|g| {
            g.source == Source::LaunchConfiguration(n.clone())
                || g.instances
                    .iter()
                    .any(|i| i.source == Source::LaunchConfiguration(n.clone()))
        });
        if let Some(g) = user {
            return Err(AwsError::new(
                "ResourceInUse",
                format!("Cannot delete launch configuration {n} because it is attached to AutoScalingGroup {}", g.name),
            ));
        }
        self.launch_configurations.remove(&n);
        Ok(())
    }

    /// The launch source a request names: exactly one of LaunchConfigurationName and
    /// LaunchTemplate (mixed instances policies and InstanceId are not simulated).
    fn source(&self, i: &GroupInput, create: bool) -> Result<Option<Source>, AwsError> {
        if i.mixed_instances_policy.is_some() || i.instance_id.is_some() {
            return Err(validation(
                "MixedInstancesPolicy and InstanceId are not simulated; give LaunchConfigurationName or LaunchTemplate.",
            ));
        }
        match (&i.launch_configuration_name, &i.launch_template) {
            (None, None) if !create => Ok(None),
            (Some(n), None) => {
                if !self.launch_configurations.contains_key(n) {
                    return Err(validation(format!(
                        "Launch configuration name not found - Launch configuration {n} not found"
                    )));
                }
                Ok(Some(Source::LaunchConfiguration(n.clone())))
            }
            (None, Some(t)) => {
                let found = match (&t.launch_template_id, &t.launch_template_name) {
                    (Some(id), None) => self.launch_templates.values().find(|l| l.id == *id),
                    (None, Some(n)) => self.launch_templates.get(n),
                    _ => {
                        return Err(validation(
                            "You must specify either launch template ID or launch template name in the request.",
                        ))
                    }
                };
                let Some(lt) = found else {
                    let (what, v) = match (&t.launch_template_id, &t.launch_template_name) {
                        (Some(id), _) => ("ID", id.as_str()),
                        (None, n) => ("name", n.as_deref().unwrap_or_default()),
                    };
                    return Err(validation(format!(
                        "You must use a valid fully-formed launch template. The specified launch template, with template {what} {v}, does not exist."
                    )));
                };
                let version = t.version.clone().unwrap_or_else(|| "$Default".to_string());
                if !["$Default", "$Latest", "1"].contains(&version.as_str()) {
                    return Err(validation(format!(
                        "You must use a valid fully-formed launch template. The specified launch template version {version} does not exist."
                    )));
                }
                Ok(Some(Source::LaunchTemplate(lt.id.clone(), lt.name.clone(), version)))
            }
            _ => Err(validation(
                "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.",
            )),
        }
    }

    pub fn create_group(&mut self, ctx: &mut Ctx, i: &GroupInput) -> Result<(), AwsError> {
        let n = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        if self.groups.contains_key(&n) {
            return Err(AwsError::new(
                "AlreadyExists",
                format!("AutoScalingGroup by this name already exists - A group with the name {n} already exists"),
            ));
        }
        if self.groups.len() >= GROUPS_MAX {
            return Err(AwsError::new(
                "LimitExceeded",
                format!("You have reached your limit of {GROUPS_MAX} Auto Scaling groups."),
            ));
        }
        let source = self.source(i, true)?.unwrap_or(Source::LaunchTemplate(
            String::new(),
            String::new(),
            String::new(),
        ));
        let min = required(&i.min_size, "MinSize")?;
        let max = required(&i.max_size, "MaxSize")?;
        let desired = i.desired_capacity.unwrap_or(min);
        check_sizes(min, max, desired)?;
        let zones = i.availability_zones.clone().unwrap_or_default();
        if zones.is_empty() && i.vpc_zone_identifier.as_deref().unwrap_or("").is_empty() {
            return Err(validation(
                "At least one Availability Zone or VPC Subnet is required.",
            ));
        }
        let default_cooldown =
            non_negative(i.default_cooldown, "DefaultCooldown")?.unwrap_or(DEFAULT_COOLDOWN_S);
        let arn = arn(
            "autoscaling",
            &format!(
                "autoScalingGroup:{}:autoScalingGroupName/{n}",
                ctx.rng.uuid()
            ),
        );
        self.groups.insert(
            n.clone(),
            Group {
                name: n.clone(),
                arn,
                source,
                min: min as u32,
                max: max as u32,
                desired: 0,
                default_cooldown,
                default_warmup: non_negative(i.default_instance_warmup, "DefaultInstanceWarmup")?,
                health_check_type: i.health_check_type.clone().unwrap_or_else(|| "EC2".into()),
                health_check_grace: non_negative(
                    i.health_check_grace_period,
                    "HealthCheckGracePeriod",
                )?
                .unwrap_or(0),
                availability_zones: zones,
                vpc_zone_identifier: i.vpc_zone_identifier.clone(),
                new_instances_protected: i.new_instances_protected_from_scale_in.unwrap_or(false),
                created_at: ctx.now,
                instances: Vec::new(),
                cooldown_until: 0,
                enabled_metrics: Vec::new(),
                policies: BTreeMap::new(),
            },
        );
        self.change_desired(
            ctx,
            &n,
            desired as u32,
            "a user request created an AutoScalingGroup",
        );
        Ok(())
    }

    pub fn describe_groups(&self, i: &NamesInput) -> Result<Value, AwsError> {
        let names = i.auto_scaling_group_names.as_deref().unwrap_or_default();
        let items = self
            .groups
            .values()
            .filter(|g| names.is_empty() || names.contains(&g.name))
            .map(describe_group)
            .collect();
        paged(
            "AutoScalingGroups",
            items,
            max_records(i.max_records, 50)?,
            &i.next_token,
        )
    }

    pub fn update_group(&mut self, ctx: &mut Ctx, i: &GroupInput) -> Result<(), AwsError> {
        let n = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        let source = self.source(i, false)?;
        let g = self.group_mut(&n)?;
        let min = i.min_size.unwrap_or(g.min as i64);
        let max = i.max_size.unwrap_or(g.max as i64);
        // A new minimum or maximum moves the desired capacity into range when none is given.
        let desired = i
            .desired_capacity
            .unwrap_or_else(|| (g.desired as i64).clamp(min.min(max), max));
        check_sizes(min, max, desired)?;
        let cooldown = non_negative(i.default_cooldown, "DefaultCooldown")?;
        let warmup = match i.default_instance_warmup {
            Some(-1) => Some(None),
            w => non_negative(w, "DefaultInstanceWarmup")?.map(Some),
        };
        let grace = non_negative(i.health_check_grace_period, "HealthCheckGracePeriod")?;
        let g = self.group_mut(&n)?;
        if let Some(s) = source {
            g.source = s;
        }
        g.min = min as u32;
        g.max = max as u32;
        if let Some(c) = cooldown {
            g.default_cooldown = c;
        }
        if let Some(w) = warmup {
            g.default_warmup = w;
        }
        if let Some(s) = grace {
            g.health_check_grace = s;
        }
        if let Some(p) = i.new_instances_protected_from_scale_in {
            g.new_instances_protected = p;
        }
        if let Some(z) = &i.availability_zones {
            g.availability_zones = z.clone();
        }
        if let Some(t) = &i.health_check_type {
            g.health_check_type = t.clone();
        }
        let why = format!(
            "a user request update of AutoScalingGroup constraints to min: {min}, max: {max}, desired: {desired}"
        );
        self.change_desired(ctx, &n, desired as u32, &why);
        Ok(())
    }

    pub fn delete_group(&mut self, ctx: &mut Ctx, i: &GroupActionInput) -> Result<(), AwsError> {
        let n = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        let g = self.groups.get(&n).ok_or_else(|| group_missing(&n))?;
        let force = i.force_delete.unwrap_or(false);
        if !force && !g.instances.is_empty() {
            return Err(AwsError::new(
                "ResourceInUse",
                "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
            ));
        }
        if !force
            && self
                .activities
                .iter()
                .any(|a| a.group == n && a.end.is_none())
        {
            return Err(AwsError::new(
                "ScalingActivityInProgress",
                "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.",
            ));
        }
        let Some(g) = self.groups.remove(&n) else {
            return Err(group_missing(&n));
        };
        // ForceDelete terminates every instance with the group (aws-rules §2.7).
        for inst in &g.instances {
            if inst.lifecycle == Lifecycle::InService {
                self.effects.push(Effect::StopConsumer {
                    consumer: consumer_name(&n, &inst.id),
                });
            }
            self.billed_ms += ctx
                .now
                .saturating_sub(inst.launched_at)
                .max(BILLED_MINIMUM_MS);
        }
        for p in g.policies.values() {
            self.delete_alarms(p);
        }
        for a in self.activities.iter_mut().filter(|a| a.group == n) {
            a.group_deleted = true;
            if a.end.is_none() {
                a.end = Some(ctx.now);
                a.status = "Successful";
            }
        }
        Ok(())
    }

    pub fn set_desired_capacity(
        &mut self,
        ctx: &mut Ctx,
        i: &GroupActionInput,
    ) -> Result<(), AwsError> {
        let n = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        let d = required(&i.desired_capacity, "DesiredCapacity")?;
        let g = self.groups.get(&n).ok_or_else(|| group_missing(&n))?;
        if d > g.max as i64 {
            return Err(validation(format!(
                "New SetDesiredCapacity value {d} is above max value {} for the AutoScalingGroup.",
                g.max
            )));
        }
        if d < g.min as i64 {
            return Err(validation(format!(
                "New SetDesiredCapacity value {d} is below min value {} for the AutoScalingGroup.",
                g.min
            )));
        }
        if i.honor_cooldown.unwrap_or(false) && ctx.now < g.cooldown_until {
            return Err(in_cooldown());
        }
        self.change_desired(
            ctx,
            &n,
            d as u32,
            "a user request explicitly set group desired capacity",
        );
        Ok(())
    }

    pub fn set_instance_protection(
        &mut self,
        ctx: &mut Ctx,
        i: &GroupActionInput,
    ) -> Result<(), AwsError> {
        let n = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        let ids = required(&i.instance_ids, "InstanceIds")?;
        let protect = required(&i.protected_from_scale_in, "ProtectedFromScaleIn")?;
        if ids.len() > 50 {
            return Err(validation("1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50"));
        }
        let g = self.group_mut(&n)?;
        if let Some(id) = ids
            .iter()
            .find(|id| !g.instances.iter().any(|x| &x.id == *id))
        {
            return Err(validation(format!(
                "The instance {id} is not part of Auto Scaling group {n}."
            )));
        }
        for x in g.instances.iter_mut().filter(|x| ids.contains(&x.id)) {
            x.protected = protect;
        }
        // A group held above its desired capacity by protection now sheds the instances
        // no longer protected.
        self.reconcile(ctx, &n, String::new());
        Ok(())
    }

    pub fn terminate_instance(
        &mut self,
        ctx: &mut Ctx,
        i: &GroupActionInput,
    ) -> Result<Value, AwsError> {
        let id = required(&i.instance_id, "InstanceId")?;
        let decrement = required(
            &i.should_decrement_desired_capacity,
            "ShouldDecrementDesiredCapacity",
        )?;
        let found = self.groups.values().find_map(|g| {
            g.instances.iter().position(|x| x.id == id).map(|k| {
                (
                    g.name.clone(),
                    k,
                    g.min,
                    g.desired,
                    g.instances[k].lifecycle,
                )
            })
        });
        let Some((gname, k, min, desired, lifecycle)) = found else {
            return Err(validation(format!(
                "Instance Id not found - No managed instance found for instance ID: {id}"
            )));
        };
        if lifecycle == Lifecycle::Terminating {
            let a = self.groups[&gname].instances[k].activity;
            return Ok(json!({"Activity": self.activity_mut(a).map(|a| describe_activity(a))}));
        }
        if decrement && desired <= min {
            return Err(validation(format!(
                "Currently, desiredSize equals minSize ({min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size."
            )));
        }
        let mut cause = format!(
            "At {} instance {id} was taken out of service in response to a user request",
            iso(ctx.now)
        );
        if decrement {
            cause += &format!(
                ", shrinking the capacity from {desired} to {}.",
                desired - 1
            );
            if let Some(g) = self.groups.get_mut(&gname) {
                g.desired -= 1;
            }
        } else {
            cause.push('.');
        }
        let a = self.begin_termination(ctx, &gname, k, cause);
        let out = json!({"Activity": self.activity_mut(a).map(|a| describe_activity(a))});
        // Without the decrement the group launches a replacement.
        self.reconcile(ctx, &gname, String::new());
        Ok(out)
    }

    pub fn metrics_collection(
        &mut self,
        i: &GroupActionInput,
        enable: bool,
    ) -> Result<(), AwsError> {
        let n = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        if enable {
            let gr = required(&i.granularity, "Granularity")?;
            if gr != "1Minute" {
                return Err(validation(format!(
                    "Invalid granularity {gr}: the only valid value is 1Minute."
                )));
            }
        }
        let wanted: Vec<&'static str> = match &i.metrics {
            None => GROUP_METRICS.to_vec(),
            Some(ms) => {
                if let Some(m) = ms.iter().find(|m| {
                    ![&GROUP_METRICS[..], &OTHER_METRICS[..]]
                        .concat()
                        .contains(&m.as_str())
                }) {
                    return Err(validation(format!(
                        "The metric {m} is not a valid group metric."
                    )));
                }
                // Metrics of capacity units, standby and warm pools are accepted, not
                // published (nothing here has them).
                GROUP_METRICS
                    .iter()
                    .copied()
                    .filter(|g| ms.iter().any(|m| m == g))
                    .collect()
            }
        };
        let g = self.group_mut(&n)?;
        if enable {
            for m in wanted {
                if !g.enabled_metrics.contains(&m) {
                    g.enabled_metrics.push(m);
                }
            }
            g.enabled_metrics
                .sort_by_key(|m| GROUP_METRICS.iter().position(|x| x == m));
        } else {
            g.enabled_metrics.retain(|m| !wanted.contains(m));
        }
        Ok(())
    }

    pub fn put_scaling_policy(
        &mut self,
        ctx: &mut Ctx,
        i: &PutScalingPolicyInput,
    ) -> Result<Value, AwsError> {
        let gname = name(&i.auto_scaling_group_name, "AutoScalingGroupName")?;
        let pname = name(&i.policy_name, "PolicyName")?;
        let g = self
            .groups
            .get(&gname)
            .ok_or_else(|| group_missing(&gname))?;
        let old = g.policies.get(&pname);
        if old.is_none() && g.policies.len() >= POLICIES_MAX {
            return Err(AwsError::new(
                "LimitExceeded",
                format!("You have reached the maximum number ({POLICIES_MAX}) of scaling policies for this group."),
            ));
        }
        let ptype = i.policy_type.as_deref().unwrap_or("SimpleScaling");
        let not_for = |member: &str, present: bool| {
            if present {
                Err(validation(format!(
                    "{member} is not supported for policy type {ptype}."
                )))
            } else {
                Ok(())
            }
        };
        let adj_type = i
            .adjustment_type
            .as_deref()
            .map(adjustment_type)
            .transpose()?;
        if i.min_adjustment_magnitude.is_some_and(|m| m < 1) {
            return Err(validation(
                "1 validation error detected: Value at 'minAdjustmentMagnitude' failed to satisfy constraint: Member must have value greater than or equal to 1",
            ));
        }
        if i.min_adjustment_magnitude.is_some()
            && adj_type != Some(AdjustmentType::PercentChangeInCapacity)
        {
            return Err(validation(
                "MinAdjustmentMagnitude is only supported with the PercentChangeInCapacity adjustment type.",
            ));
        }
        let need_type = || {
            adj_type.ok_or_else(|| {
                validation(format!(
                    "AdjustmentType is required for policy type {ptype}."
                ))
            })
        };
        let warmup = non_negative(i.estimated_instance_warmup, "EstimatedInstanceWarmup")?;
        let kind = match ptype {
            "SimpleScaling" => {
                not_for("StepAdjustments", i.step_adjustments.is_some())?;
                not_for("TargetTrackingConfiguration", i.target_tracking_configuration.is_some())?;
                not_for("EstimatedInstanceWarmup", warmup.is_some())?;
                not_for("MetricAggregationType", i.metric_aggregation_type.is_some())?;
                need_type()?;
                PolicyKind::Simple {
                    adjustment: i.scaling_adjustment.ok_or_else(|| {
                        validation("ScalingAdjustment is required for policy type SimpleScaling.")
                    })?,
                    cooldown: non_negative(i.cooldown, "Cooldown")?,
                }
            }
            "StepScaling" => {
                not_for("ScalingAdjustment", i.scaling_adjustment.is_some())?;
                not_for("Cooldown", i.cooldown.is_some())?;
                not_for("TargetTrackingConfiguration", i.target_tracking_configuration.is_some())?;
                need_type()?;
                let steps = check_steps(i.step_adjustments.as_deref().unwrap_or_default())?;
                let aggregation = i.metric_aggregation_type.clone().unwrap_or_else(|| "Average".into());
                if !["Minimum", "Maximum", "Average"].contains(&aggregation.as_str()) {
                    return Err(validation(format!(
                        "Invalid MetricAggregationType {aggregation}: must be Minimum, Maximum or Average."
                    )));
                }
                PolicyKind::Step { steps, aggregation }
            }
            "TargetTrackingScaling" => {
                not_for("AdjustmentType", adj_type.is_some())?;
                not_for("ScalingAdjustment", i.scaling_adjustment.is_some())?;
                not_for("Cooldown", i.cooldown.is_some())?;
                not_for("StepAdjustments", i.step_adjustments.is_some())?;
                let config = i.target_tracking_configuration.clone().ok_or_else(|| {
                    validation("TargetTrackingConfiguration is required for policy type TargetTrackingScaling.")
                })?;
                let (target, disable_scale_in) = check_target_tracking(&config)?;
                PolicyKind::TargetTracking {
                    target,
                    disable_scale_in,
                    config,
                }
            }
            "PredictiveScaling" => {
                return Err(validation("Predictive scaling policies are not simulated."))
            }
            other => {
                return Err(validation(format!(
                    "Invalid policy type {other}: must be SimpleScaling, StepScaling, TargetTrackingScaling or PredictiveScaling."
                )))
            }
        };
        let policy_arn = match old {
            Some(p) => p.arn.clone(),
            None => arn(
                "autoscaling",
                &format!(
                    "scalingPolicy:{}:autoScalingGroupName/{gname}:policyName/{pname}",
                    ctx.rng.uuid()
                ),
            ),
        };
        let old_alarms: Vec<(String, String)> = old
            .filter(|p| matches!(p.kind, PolicyKind::TargetTracking { .. }))
            .map(|p| p.alarms.clone())
            .unwrap_or_default();
        let mut policy = Policy {
            name: pname.clone(),
            arn: policy_arn.clone(),
            group: gname.clone(),
            kind,
            adjustment_type: adj_type,
            min_adjustment_magnitude: i.min_adjustment_magnitude,
            warmup,
            enabled: i.enabled.unwrap_or(true),
            alarms: Vec::new(),
        };
        if let PolicyKind::TargetTracking {
            target,
            disable_scale_in,
            config,
        } = &policy.kind
        {
            // Its two alarms (one without scale-in), made or remade (aws-rules §2.4).
            let mut names = Vec::new();
            for (high, label) in [(true, "AlarmHigh"), (false, "AlarmLow")] {
                if !high && *disable_scale_in {
                    continue;
                }
                let existing = old_alarms.iter().find(|(n, _)| n.contains(label));
                let n = match existing {
                    Some((n, _)) => n.clone(),
                    None => format!("TargetTracking-{gname}-{label}-{}", ctx.rng.uuid()),
                };
                let params = tt_alarm(config, &gname, &policy_arn, &n, high, *target);
                self.effects.push(Effect::CloudWatch {
                    op: "PutMetricAlarm",
                    params,
                });
                names.push((n.clone(), arn("cloudwatch", &format!("alarm:{n}"))));
            }
            let gone: Vec<String> = old_alarms
                .iter()
                .filter(|o| !names.contains(o))
                .map(|o| o.0.clone())
                .collect();
            if !gone.is_empty() {
                self.effects.push(Effect::CloudWatch {
                    op: "DeleteAlarms",
                    params: json!({ "AlarmNames": gone }),
                });
            }
            policy.alarms = names;
        } else if let Some(old) = old {
            // A change of type drops a target tracking policy's alarms.
            if !old_alarms.is_empty() {
                let old = old.clone();
                self.delete_alarms(&old);
            }
        }
        let alarms = policy.alarms.clone();
        self.group_mut(&gname)?.policies.insert(pname, policy);
        Ok(json!({
            "PolicyARN": policy_arn,
            "Alarms": alarms.iter().map(|(n, a)| json!({"AlarmName": n, "AlarmARN": a})).collect::<Vec<_>>(),
        }))
    }

    fn delete_alarms(&mut self, p: &Policy) {
        if matches!(p.kind, PolicyKind::TargetTracking { .. }) && !p.alarms.is_empty() {
            let names: Vec<&String> = p.alarms.iter().map(|(n, _)| n).collect();
            self.effects.push(Effect::CloudWatch {
                op: "DeleteAlarms",
                params: json!({ "AlarmNames": names }),
            });
        }
    }

    pub fn describe_policies(&self, i: &PolicyInput) -> Result<Value, AwsError> {
        if let Some(n) = &i.auto_scaling_group_name {
            if !self.groups.contains_key(n) {
                return Err(group_missing(n));
            }
        }
        let names = i.policy_names.as_deref().unwrap_or_default();
        let types = i.policy_types.as_deref().unwrap_or_default();
        let items = self
            .groups
            .values()
            .filter(|g| {
                i.auto_scaling_group_name
                    .as_ref()
                    .is_none_or(|n| *n == g.name)
            })
            .flat_map(|g| g.policies.values())
            .filter(|p| names.is_empty() || names.iter().any(|n| *n == p.name || *n == p.arn))
            .filter(|p| types.is_empty() || types.iter().any(|t| t == p.type_name()))
            .map(describe_policy)
            .collect();
        paged(
            "ScalingPolicies",
            items,
            max_records(i.max_records, 50)?,
            &i.next_token,
        )
    }

    /// The (group, policy) a PolicyName (a name with its group, or an ARN) names.
    fn find_policy(&self, group: &Option<String>, p: &str) -> Result<(String, String), AwsError> {
        self.groups
            .values()
            .filter(|g| group.as_ref().is_none_or(|n| *n == g.name))
            .flat_map(|g| g.policies.values())
            .find(|x| x.arn == p || (group.is_some() && x.name == p))
            .map(|x| (x.group.clone(), x.name.clone()))
            .ok_or_else(|| validation(format!("Policy {p} not found.")))
    }

    pub fn delete_policy(&mut self, i: &PolicyInput) -> Result<(), AwsError> {
        let p = name(&i.policy_name, "PolicyName")?;
        let (g, p) = self.find_policy(&i.auto_scaling_group_name, &p)?;
        if let Some(policy) = self.group_mut(&g)?.policies.remove(&p) {
            self.delete_alarms(&policy);
        }
        Ok(())
    }

    pub fn execute_policy(&mut self, ctx: &mut Ctx, i: &PolicyInput) -> Result<(), AwsError> {
        let p = name(&i.policy_name, "PolicyName")?;
        let (g, p) = self.find_policy(&i.auto_scaling_group_name, &p)?;
        let value = match self.groups[&g].policies[&p].kind {
            PolicyKind::TargetTracking { .. } => {
                return Err(validation(
                    "ExecutePolicy is not supported for target tracking scaling policies.",
                ))
            }
            PolicyKind::Step { .. } => {
                let v = i.metric_value.ok_or_else(|| {
                    validation("MetricValue is required for step scaling policies.")
                })?;
                let t = i.breach_threshold.ok_or_else(|| {
                    validation("BreachThreshold is required for step scaling policies.")
                })?;
                Some((v, t))
            }
            PolicyKind::Simple { .. } => None,
        };
        let who = format!("a user request executed policy {p}");
        self.run_policy(ctx, &g, &p, value, &who, i.honor_cooldown.unwrap_or(false))
    }

    pub fn describe_activities(
        &self,
        i: &DescribeScalingActivitiesInput,
    ) -> Result<Value, AwsError> {
        let ids = i.activity_ids.as_deref().unwrap_or_default();
        let deleted = i.include_deleted_groups.unwrap_or(false);
        let items = self
            .activities
            .iter()
            .rev()
            .filter(|a| ids.is_empty() || ids.contains(&a.id))
            .filter(|a| {
                i.auto_scaling_group_name
                    .as_ref()
                    .is_none_or(|n| *n == a.group)
            })
            .filter(|a| deleted || !a.group_deleted)
            .map(describe_activity)
            .collect();
        paged(
            "Activities",
            items,
            max_records(i.max_records, 100)?,
            &i.next_token,
        )
    }

    // ---- Scaling ----

    /// Sets a group's desired capacity (`why` opens the activities' Cause) and launches or
    /// terminates instances to match it.
    fn change_desired(&mut self, ctx: &mut Ctx, group: &str, desired: u32, why: &str) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        let old = g.desired;
        g.desired = desired;
        let cause = if old == desired {
            String::new()
        } else {
            format!(
                "At {} {why} changing the desired capacity from {old} to {desired}.",
                iso(ctx.now)
            )
        };
        self.reconcile(ctx, group, cause);
    }

    /// Launches or terminates instances until Pending + InService match the desired
    /// capacity; protected instances are never chosen for scale-in (aws-rules §2.6).
    fn reconcile(&mut self, ctx: &mut Ctx, group: &str, cause: String) {
        let Some(g) = self.groups.get(group) else {
            return;
        };
        let (have, want) = (g.capacity(), g.desired);
        let lead = if cause.is_empty() {
            String::new()
        } else {
            cause + "  "
        };
        let t = iso(ctx.now);
        if have < want {
            let cause = format!(
                "{lead}At {t} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {have} to {want}."
            );
            for _ in have..want {
                self.launch(ctx, group, cause.clone());
            }
        } else if have > want {
            for _ in want..have {
                let Some(g) = self.groups.get(group) else {
                    return;
                };
                // The default termination policy: instances of an older launch configuration
                // or template first, then one at random (single zone; per-second billing makes
                // "closest to the next billing hour" moot).
                let candidates: Vec<usize> = (0..g.instances.len())
                    .filter(|&k| {
                        let x = &g.instances[k];
                        !x.protected && x.lifecycle != Lifecycle::Terminating
                    })
                    .collect();
                let old: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&k| g.instances[k].source != g.source)
                    .collect();
                let pool = if old.is_empty() { candidates } else { old };
                if pool.is_empty() {
                    return; // every remaining instance is protected from scale in
                }
                let k = pool[ctx.rng.below(pool.len() as u64) as usize];
                let id = &g.instances[k].id;
                let cause = format!(
                    "{lead}At {t} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from {have} to {want}.  At {t} instance {id} was selected for termination."
                );
                self.begin_termination(ctx, group, k, cause);
            }
        }
    }

    fn launch(&mut self, ctx: &mut Ctx, group: &str, cause: String) {
        let id = Self::new_id(ctx);
        let Some(g) = self.groups.get(group) else {
            return;
        };
        let (instance_type, user_data) = match &g.source {
            Source::LaunchConfiguration(n) => match self.launch_configurations.get(n) {
                Some(lc) => (
                    lc.instance_type.clone(),
                    lc.user_data
                        .as_deref()
                        .and_then(b64_decode)
                        .and_then(|b| String::from_utf8(b).ok())
                        .unwrap_or_default(),
                ),
                None => ("t3.micro".to_string(), String::new()),
            },
            Source::LaunchTemplate(_, n, _) => match self.launch_templates.get(n) {
                Some(lt) => (
                    lt.instance_type.clone(),
                    lt.user_data
                        .as_deref()
                        .and_then(b64_decode)
                        .and_then(|b| String::from_utf8(b).ok())
                        .unwrap_or_default(),
                ),
                None => ("t3.micro".to_string(), String::new()),
            },
        };
        let (source, protected) = (g.source.clone(), g.new_instances_protected);
        let activity = self.push_activity(
            ctx,
            group,
            format!("Launching a new EC2 instance: {id}"),
            cause,
        );
        ctx.timers.schedule(
            ctx.now + LAUNCH_MS,
            AsgTimer::Launched {
                group: group.to_string(),
                instance: id.clone(),
            },
        );
        if let Some(g) = self.groups.get_mut(group) {
            g.instances.push(Instance {
                id,
                lifecycle: Lifecycle::Pending,
                protected,
                source,
                instance_type,
                user_data,
                launched_at: ctx.now,
                in_service_at: None,
                activity,
            });
        }
    }

    /// The instance at `k` starts terminating: its consumer stops now, abandoning its
    /// in-flight messages (aws-rules §2.6). Answers the activity.
    fn begin_termination(&mut self, ctx: &mut Ctx, group: &str, k: usize, cause: String) -> usize {
        let Some(x) = self.groups.get(group).and_then(|g| g.instances.get(k)) else {
            return 0;
        };
        let (id, was) = (x.id.clone(), x.lifecycle);
        let activity =
            self.push_activity(ctx, group, format!("Terminating EC2 instance: {id}"), cause);
        if was == Lifecycle::InService {
            self.effects.push(Effect::StopConsumer {
                consumer: consumer_name(group, &id),
            });
        }
        if let Some(x) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.instances.get_mut(k))
        {
            x.lifecycle = Lifecycle::Terminating;
            x.activity = activity;
        }
        ctx.timers.schedule(
            ctx.now + TERMINATE_MS,
            AsgTimer::Terminated {
                group: group.to_string(),
                instance: id,
            },
        );
        activity
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, t: AsgTimer) {
        let now = ctx.now;
        match t {
            AsgTimer::Launched { group, instance } => {
                let Some(x) = self
                    .groups
                    .get_mut(&group)
                    .and_then(|g| g.instances.iter_mut().find(|x| x.id == instance))
                else {
                    return;
                };
                if x.lifecycle != Lifecycle::Pending {
                    return;
                }
                x.lifecycle = Lifecycle::InService;
                x.in_service_at = Some(now);
                let (a, data) = (x.activity, x.user_data.clone());
                if !data.is_empty() {
                    self.effects.push(Effect::StartConsumer {
                        consumer: consumer_name(&group, &instance),
                        user_data: data,
                    });
                }
                self.finish_activity(a, now);
            }
            AsgTimer::Terminated { group, instance } => {
                let Some(g) = self.groups.get_mut(&group) else {
                    return;
                };
                let Some(k) = g.instances.iter().position(|x| x.id == instance) else {
                    return;
                };
                let x = g.instances.remove(k);
                self.billed_ms += now.saturating_sub(x.launched_at).max(BILLED_MINIMUM_MS);
                self.finish_activity(x.activity, now);
            }
        }
    }

    /// Runs a simple or step policy (`value`: the metric and the breach threshold, for a
    /// step policy). `honor_cooldown`: refuse (a user) or skip (an alarm) during a simple
    /// policy's cooldown (aws-rules §2.5).
    fn run_policy(
        &mut self,
        ctx: &mut Ctx,
        group: &str,
        policy: &str,
        value: Option<(f64, f64)>,
        who: &str,
        honor_cooldown: bool,
    ) -> Result<(), AwsError> {
        let now = ctx.now;
        let g = self.groups.get(group).ok_or_else(|| group_missing(group))?;
        let p = g
            .policies
            .get(policy)
            .ok_or_else(|| validation(format!("Policy {policy} not found.")))?;
        let t = p
            .adjustment_type
            .unwrap_or(AdjustmentType::ChangeInCapacity);
        let (new, cooldown) = match &p.kind {
            PolicyKind::Simple {
                adjustment,
                cooldown,
            } => {
                if honor_cooldown && now < g.cooldown_until {
                    return Err(in_cooldown());
                }
                let new = clamp(
                    g,
                    adjust(t, g.desired, *adjustment, p.min_adjustment_magnitude),
                );
                (new, Some(cooldown.unwrap_or(g.default_cooldown)))
            }
            PolicyKind::Step { steps, .. } => {
                let Some((v, threshold)) = value else {
                    return Ok(());
                };
                let d = v - threshold;
                let step = steps.iter().find(|s| {
                    let lo = s.lower.unwrap_or(f64::NEG_INFINITY);
                    let hi = s.upper.unwrap_or(f64::INFINITY);
                    if d >= 0.0 {
                        lo <= d && d < hi
                    } else {
                        lo < d && d <= hi
                    }
                });
                let Some(step) = step else { return Ok(()) };
                let warm = warming(g, g.policy_warmup_s(p), now);
                let new = if step.adjustment >= 0 {
                    // Warming instances already count: a higher step adds only the
                    // difference (aws-rules §2.5).
                    let base = g.desired.saturating_sub(warm);
                    clamp(
                        g,
                        adjust(t, base, step.adjustment, p.min_adjustment_magnitude),
                    )
                    .max(g.desired)
                } else if warm > 0 {
                    g.desired // no scale-in while instances warm up
                } else {
                    clamp(
                        g,
                        adjust(t, g.desired, step.adjustment, p.min_adjustment_magnitude),
                    )
                };
                (new, None)
            }
            PolicyKind::TargetTracking { .. } => return Ok(()),
        };
        if new != g.desired {
            let g = self.group_mut(group)?;
            let up = new > g.desired;
            if let Some(c) = cooldown {
                g.cooldown_until =
                    now + if up { LAUNCH_MS } else { TERMINATE_MS } + c as SimTime * MS_PER_S;
            }
            self.change_desired(ctx, group, new, who);
        }
        Ok(())
    }

    /// Runs the policies alarms invoked at this instant (aws-rules §2.4–§2.6). Simple and
    /// step policies run one by one; target tracking policies of a group are weighed
    /// together: the group scales out if any asks for more capacity (to the largest), and in
    /// only if every one with scale-in enabled asks for less (to the largest of their
    /// capacities), and not while instances warm up.
    pub fn on_alarms(
        &mut self,
        ctx: &mut Ctx,
        invocations: Vec<(String, String, bool, Option<f64>, f64)>,
    ) {
        // group → (capacity wanted, why) for scale-out; group → [(policy, capacity, why)].
        let mut out: BTreeMap<String, (u32, String)> = BTreeMap::new();
        let mut ins: BTreeMap<String, Vec<(String, u32, String)>> = BTreeMap::new();
        for (policy_arn, alarm, in_alarm, value, threshold) in invocations {
            let Some(p) = self
                .groups
                .values()
                .flat_map(|g| g.policies.values())
                .find(|p| p.arn == policy_arn)
            else {
                continue;
            };
            let (group, pname) = (p.group.clone(), p.name.clone());
            if !p.enabled {
                continue;
            }
            let state = if in_alarm { "ALARM" } else { "OK" };
            let who = format!("a monitor alarm {alarm} in state {state} triggered policy {pname}");
            let PolicyKind::TargetTracking { target, .. } = p.kind else {
                let _ = self.run_policy(
                    ctx,
                    &group,
                    &pname,
                    value.map(|v| (v, threshold)),
                    &who,
                    true,
                );
                continue;
            };
            let (Some(v), true) = (value, in_alarm) else {
                continue;
            };
            let g = &self.groups[&group];
            // The metric is taken as proportional to the capacity: the capacity that would
            // bring it to the target (aws-rules §2.4).
            let base = g.count(Lifecycle::InService).max(1) as f64;
            let need = clamp(g, (base * v / target - 1e-9).ceil() as i64);
            let high = p.alarms.first().is_some_and(|(n, _)| *n == alarm);
            if high {
                let e = out.entry(group).or_insert((0, who.clone()));
                if need > e.0 {
                    *e = (need, who);
                }
            } else {
                ins.entry(group).or_default().push((pname, need, who));
            }
        }
        for (group, (need, who)) in &out {
            if self.groups.get(group).is_some_and(|g| *need > g.desired) {
                self.change_desired(ctx, group, *need, who);
            }
        }
        for (group, asks) in ins {
            let Some(g) = self.groups.get(&group) else {
                continue;
            };
            if out.get(&group).is_some_and(|(n, _)| *n > g.desired) {
                continue;
            }
            let voters: Vec<&Policy> = g
                .policies
                .values()
                .filter(|p| {
                    p.enabled
                        && matches!(
                            p.kind,
                            PolicyKind::TargetTracking {
                                disable_scale_in: false,
                                ..
                            }
                        )
                })
                .collect();
            let all_agree = voters.iter().all(|p| asks.iter().any(|a| a.0 == p.name));
            let warm = voters
                .iter()
                .any(|p| warming(g, g.policy_warmup_s(p), ctx.now) > 0);
            let need = asks.iter().map(|a| a.1).max().unwrap_or(g.desired);
            if all_agree && !warm && need < g.desired {
                let who = asks[0].2.clone();
                self.change_desired(ctx, &group, need, &who);
            }
        }
    }
}

/// EnableMetricsCollection's other valid names (standby, capacity units, warm pools): accepted,
/// not published — nothing here has them.
const OTHER_METRICS: [&str; 13] = [
    "GroupStandbyInstances",
    "GroupInServiceCapacity",
    "GroupPendingCapacity",
    "GroupStandbyCapacity",
    "GroupTerminatingCapacity",
    "GroupTotalCapacity",
    "WarmPoolDesiredCapacity",
    "WarmPoolWarmedCapacity",
    "WarmPoolPendingCapacity",
    "WarmPoolTerminatingCapacity",
    "WarmPoolTotalCapacity",
    "GroupAndWarmPoolDesiredCapacity",
    "GroupAndWarmPoolTotalCapacity",
];

fn in_cooldown() -> AwsError {
    AwsError::new(
        "ScalingActivityInProgress",
        "Scaling activity is not allowed while the group is in its cooldown period.",
    )
}

fn non_negative(v: Option<i64>, member: &str) -> Result<Option<u32>, AwsError> {
    match v {
        None => Ok(None),
        Some(n) if (0..=i32::MAX as i64).contains(&n) => Ok(Some(n as u32)),
        Some(n) => Err(validation(format!(
            "{member} must be greater than or equal to 0 (was {n})."
        ))),
    }
}

fn check_sizes(min: i64, max: i64, desired: i64) -> Result<(), AwsError> {
    if min < 0 || max < 0 {
        return Err(validation(
            "MinSize and MaxSize must be greater than or equal to 0.",
        ));
    }
    if max > INSTANCES_MAX {
        return Err(validation(format!(
            "MaxSize may be at most {INSTANCES_MAX} here (each instance is a simulated consumer)."
        )));
    }
    if min > max {
        return Err(validation(format!(
            "Max bound, {max}, must be greater than or equal to min bound, {min}"
        )));
    }
    if desired < min || desired > max {
        return Err(validation(format!(
            "Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}"
        )));
    }
    Ok(())
}

/// A step policy's adjustments: each with a ScalingAdjustment, bounds in order, intervals
/// that do not overlap, at most one open below and one open above (aws-rules §2.4).
fn check_steps(steps: &[StepAdjustment]) -> Result<Vec<Step>, AwsError> {
    if steps.is_empty() {
        return Err(validation(
            "StepAdjustments are required for policy type StepScaling.",
        ));
    }
    let mut out: Vec<Step> = Vec::new();
    for s in steps {
        let adjustment = s.scaling_adjustment.ok_or_else(|| {
            validation("1 validation error detected: Value null at 'stepAdjustments.member.scalingAdjustment' failed to satisfy constraint: Member must not be null")
        })?;
        let (lo, hi) = (s.metric_interval_lower_bound, s.metric_interval_upper_bound);
        if lo.zip(hi).is_some_and(|(l, h)| l >= h) {
            return Err(validation(
                "The upper bound of a step adjustment must be greater than its lower bound.",
            ));
        }
        let (l, h) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
        if out.iter().any(|o| {
            l < o.upper.unwrap_or(f64::INFINITY) && o.lower.unwrap_or(f64::NEG_INFINITY) < h
        }) {
            return Err(validation("Step adjustment intervals must not overlap."));
        }
        out.push(Step {
            lower: lo,
            upper: hi,
            adjustment,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjustments_round_toward_zero_with_a_floor_of_one_and_the_minimum_magnitude() {
        use AdjustmentType::*;
        assert_eq!(adjust(ChangeInCapacity, 4, -1, None), 3);
        assert_eq!(adjust(ExactCapacity, 4, 7, None), 7);
        // 10 % of 4 is 0.4: one instance; 25 % of 10 is 2.5: two.
        assert_eq!(adjust(PercentChangeInCapacity, 4, 10, None), 5);
        assert_eq!(adjust(PercentChangeInCapacity, 10, 25, None), 12);
        assert_eq!(adjust(PercentChangeInCapacity, 10, -25, None), 8);
        assert_eq!(adjust(PercentChangeInCapacity, 10, 25, Some(4)), 14);
        assert_eq!(adjust(ChangeInCapacity, 4, i64::MAX, None), i64::MAX);
    }

    #[test]
    fn step_intervals_must_not_overlap() {
        let step = |lo: Option<f64>, hi: Option<f64>| StepAdjustment {
            metric_interval_lower_bound: lo,
            metric_interval_upper_bound: hi,
            scaling_adjustment: Some(1),
        };
        assert!(check_steps(&[step(Some(0.0), Some(10.0)), step(Some(10.0), None)]).is_ok());
        assert!(check_steps(&[step(Some(0.0), None), step(Some(5.0), None)]).is_err());
        assert!(check_steps(&[step(Some(5.0), Some(5.0))]).is_err());
        assert!(check_steps(&[]).is_err());
    }
}
