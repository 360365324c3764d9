//! The request members of Auto Scaling's operations, with the names of botocore's model
//! (`AutoScalingGroupName`, `MinSize`, `PolicyType`, …), and its JSON layer. Answers are built
//! as JSON in `ops.rs`; timestamps are epoch seconds as numbers (as the CloudWatch layer
//! writes them).

use super::{AutoScaling, Ctx};
use crate::core::error::AwsError;
use crate::core::request;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateLaunchConfigurationInput {
    pub launch_configuration_name: Option<String>,
    pub image_id: Option<String>,
    pub instance_type: Option<String>,
    pub instance_id: Option<String>,
    pub user_data: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NamesInput {
    pub launch_configuration_names: Option<Vec<String>>,
    pub launch_configuration_name: Option<String>,
    pub auto_scaling_group_names: Option<Vec<String>>,
    pub max_records: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateSpecification {
    pub launch_template_id: Option<String>,
    pub launch_template_name: Option<String>,
    pub version: Option<String>,
}

/// CreateAutoScalingGroup and UpdateAutoScalingGroup.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupInput {
    pub auto_scaling_group_name: Option<String>,
    pub launch_configuration_name: Option<String>,
    pub launch_template: Option<LaunchTemplateSpecification>,
    pub mixed_instances_policy: Option<Value>,
    pub instance_id: Option<String>,
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub desired_capacity: Option<i64>,
    pub default_cooldown: Option<i64>,
    pub default_instance_warmup: Option<i64>,
    pub availability_zones: Option<Vec<String>>,
    #[serde(rename = "VPCZoneIdentifier")]
    pub vpc_zone_identifier: Option<String>,
    pub health_check_type: Option<String>,
    pub health_check_grace_period: Option<i64>,
    pub new_instances_protected_from_scale_in: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupActionInput {
    pub auto_scaling_group_name: Option<String>,
    pub force_delete: Option<bool>,
    pub desired_capacity: Option<i64>,
    pub honor_cooldown: Option<bool>,
    pub instance_ids: Option<Vec<String>>,
    pub protected_from_scale_in: Option<bool>,
    pub metrics: Option<Vec<String>>,
    pub granularity: Option<String>,
    pub instance_id: Option<String>,
    pub should_decrement_desired_capacity: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepAdjustment {
    pub metric_interval_lower_bound: Option<f64>,
    pub metric_interval_upper_bound: Option<f64>,
    pub scaling_adjustment: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutScalingPolicyInput {
    pub auto_scaling_group_name: Option<String>,
    pub policy_name: Option<String>,
    pub policy_type: Option<String>,
    pub adjustment_type: Option<String>,
    pub min_adjustment_magnitude: Option<i64>,
    pub scaling_adjustment: Option<i64>,
    pub cooldown: Option<i64>,
    pub metric_aggregation_type: Option<String>,
    pub step_adjustments: Option<Vec<StepAdjustment>>,
    pub estimated_instance_warmup: Option<i64>,
    /// Kept as JSON: DescribePolicies echoes it, and the alarms are made from it.
    pub target_tracking_configuration: Option<Value>,
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyInput {
    pub auto_scaling_group_name: Option<String>,
    pub policy_name: Option<String>,
    pub policy_names: Option<Vec<String>>,
    pub policy_types: Option<Vec<String>>,
    pub honor_cooldown: Option<bool>,
    pub metric_value: Option<f64>,
    pub breach_threshold: Option<f64>,
    pub max_records: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeScalingActivitiesInput {
    pub activity_ids: Option<Vec<String>>,
    pub auto_scaling_group_name: Option<String>,
    pub include_deleted_groups: Option<bool>,
    pub max_records: Option<i64>,
    pub next_token: Option<String>,
}

/// Parses a request's members. A member of the wrong type is a ValidationError, as the Auto
/// Scaling query API answers a value it cannot read.
pub fn parse<T: DeserializeOwned + Default>(params: &Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "ValidationError",
            member_message: "1 validation error detected: {}",
            not_object_message: "The request parameters must be a JSON object.",
        },
    )
}

/// The operations simulated, as an InvalidAction error lists them.
const OPERATIONS: &str = "CreateLaunchConfiguration, DescribeLaunchConfigurations, DeleteLaunchConfiguration, CreateAutoScalingGroup, DescribeAutoScalingGroups, UpdateAutoScalingGroup, DeleteAutoScalingGroup, SetDesiredCapacity, SetInstanceProtection, TerminateInstanceInAutoScalingGroup, EnableMetricsCollection, DisableMetricsCollection, PutScalingPolicy, DescribePolicies, DeletePolicy, ExecutePolicy, DescribeScalingActivities";

impl AutoScaling {
    /// The JSON layer: an AWS action name and its request members.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        let empty = |()| serde_json::json!({});
        match op {
            "CreateLaunchConfiguration" => {
                parse(params).and_then(|i| self.create_launch_configuration(ctx, &i)).map(empty)
            }
            "DescribeLaunchConfigurations" => {
                parse(params).and_then(|i| self.describe_launch_configurations(&i))
            }
            "DeleteLaunchConfiguration" => {
                parse(params).and_then(|i| self.delete_launch_configuration(&i)).map(empty)
            }
            "CreateAutoScalingGroup" => {
                parse(params).and_then(|i| self.create_group(ctx, &i)).map(empty)
            }
            "DescribeAutoScalingGroups" => parse(params).and_then(|i| self.describe_groups(&i)),
            "UpdateAutoScalingGroup" => {
                parse(params).and_then(|i| self.update_group(ctx, &i)).map(empty)
            }
            "DeleteAutoScalingGroup" => {
                parse(params).and_then(|i| self.delete_group(ctx, &i)).map(empty)
            }
            "SetDesiredCapacity" => {
                parse(params).and_then(|i| self.set_desired_capacity(ctx, &i)).map(empty)
            }
            "SetInstanceProtection" => {
                parse(params).and_then(|i| self.set_instance_protection(ctx, &i)).map(empty)
            }
            "TerminateInstanceInAutoScalingGroup" => {
                parse(params).and_then(|i| self.terminate_instance(ctx, &i))
            }
            "EnableMetricsCollection" | "DisableMetricsCollection" => parse(params)
                .and_then(|i| self.metrics_collection(&i, op == "EnableMetricsCollection"))
                .map(empty),
            "PutScalingPolicy" => parse(params).and_then(|i| self.put_scaling_policy(ctx, &i)),
            "DescribePolicies" => parse(params).and_then(|i| self.describe_policies(&i)),
            "DeletePolicy" => parse(params).and_then(|i| self.delete_policy(&i)).map(empty),
            "ExecutePolicy" => parse(params).and_then(|i| self.execute_policy(ctx, &i)).map(empty),
            "DescribeScalingActivities" => {
                parse(params).and_then(|i| self.describe_activities(&i))
            }
            other => Err(AwsError::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service (simulated: {OPERATIONS})."),
            )),
        }
    }
}
