//! Amazon EC2 Auto Scaling of SQS consumers (aws-rules §2): launch configurations, groups
//! whose instances go Pending → InService → Terminating → Terminated, scale-in protection,
//! simple / step / target tracking policies, their cooldown and instance warm-up, scaling
//! activities, and the group metrics (`AWS/AutoScaling`) on the metrics bus.
//!
//! An instance runs a consumer: its launch configuration's `UserData` (base64, as AWS takes
//! it) holds the JSON of a scenario consumer (`ConsumerSpec` without `name` and `count`).
//! Auto Scaling knows no consumer, no alarm and no world: what it does to them is an
//! [`Effect`] it queues — start or stop an instance's consumer, put or delete a target
//! tracking policy's CloudWatch alarms — and the world drains and routes after each call
//! and timer. Its timers come back through the world's own queue. The world reaches it only
//! through `World::call` and function pointers set on the first call, so a run without Auto
//! Scaling is untouched and a build that makes no API calls links none of it.

pub mod api;
mod ec2;
mod ops;

use crate::core::metrics::{Bill, Datapoint};
use crate::core::time::{epoch_s, SimTime, MS_PER_H, MS_PER_MIN, MS_PER_S};
use serde_json::Value;
use std::collections::BTreeMap;

/// What an instance or a group waits for.
#[derive(Clone, Debug)]
pub enum AsgTimer {
    /// The instance finished launching (Pending → InService).
    Launched { group: String, instance: String },
    /// The instance finished terminating (Terminating → Terminated, leaves the group).
    Terminated { group: String, instance: String },
}

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, AsgTimer>;

/// What Auto Scaling does to others, for the world to route (aws-rules §2.2, §2.6).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// The instance is InService: start its consumer (`user_data`: the decoded UserData),
    /// named `<group>/<instance-id>` ([`consumer_name`]): the `actor` of its events.
    StartConsumer { consumer: String, user_data: String },
    /// The instance is terminating: its consumer stops at once, abandoning the messages it
    /// holds (they stay in flight until their visibility timeout ends).
    StopConsumer { consumer: String },
    /// A CloudWatch call on the account's behalf (a target tracking policy's alarms).
    CloudWatch { op: &'static str, params: Value },
}

/// The name of an instance's consumer, the `actor` of its receives and deletes:
/// `<group>/<instance-id>` (e.g. `workers/i-0123456789abcdef0`).
pub fn consumer_name(group: &str, instance: &str) -> String {
    format!("{group}/{instance}")
}

/// Time from launch to InService: boot, then the consumer starts polling. AWS gives no
/// figure (it depends on the AMI and the user data); UNCONFIRMED, a plausible 60 s.
pub const LAUNCH_MS: SimTime = 60 * MS_PER_S;
/// Time from the start of termination (the consumer stops) to Terminated. UNCONFIRMED, 30 s.
pub const TERMINATE_MS: SimTime = 30 * MS_PER_S;
/// The group's DefaultCooldown when not given: 300 s (aws-rules §2.5).
pub const DEFAULT_COOLDOWN_S: u32 = 300;
/// Target tracking's scale-out alarm: the metric above the target for 3 of 3 one-minute
/// datapoints; its scale-in alarm: below 90 % of the target for 15 of 15 (aws-rules §2.4;
/// the numbers are what AWS is seen to create, UNCONFIRMED in its documentation).
pub const TT_OUT_DATAPOINTS: u32 = 3;
pub const TT_IN_DATAPOINTS: u32 = 15;
pub const TT_IN_FRACTION: f64 = 0.9;
/// On-demand price of a t3.micro (Linux, us-east-1), USD per hour; EC2 bills per second
/// with a one-minute minimum (aws-rules §2.9). Every simulated instance is billed at it.
pub const USD_PER_INSTANCE_HOUR: f64 = 0.0104;
pub const BILLED_MINIMUM_MS: SimTime = MS_PER_MIN;
/// Quotas: Auto Scaling groups and launch configurations per Region (AWS's defaults, 500 and
/// 200), and scaling policies per group (50).
pub const GROUPS_MAX: usize = 500;
pub const LAUNCH_CONFIGURATIONS_MAX: usize = 200;
pub const POLICIES_MAX: usize = 50;
/// A group's MaxSize here: a bound of the simulation's (each instance is a consumer), not
/// AWS's.
pub const INSTANCES_MAX: i64 = 1_000;
/// Scaling activities kept (AWS keeps six weeks); oldest dropped first.
pub const ACTIVITIES_MAX: usize = 10_000;
/// Group metric datapoints kept on the bus, oldest dropped first.
pub const METRIC_ROWS_MAX: usize = 200_000;

/// The group metrics (aws-rules §2.8), in the order they are published.
pub const GROUP_METRICS: [&str; 7] = [
    "GroupMinSize",
    "GroupMaxSize",
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupPendingInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
];

#[derive(Clone, Debug)]
pub struct LaunchConfiguration {
    pub name: String,
    pub arn: String,
    pub image_id: String,
    pub instance_type: String,
    /// As given (base64).
    pub user_data: Option<String>,
    pub created_at: SimTime,
}

/// An EC2 launch template (`svc: "ec2"`, CreateLaunchTemplate): version 1 only.
#[derive(Clone, Debug)]
pub struct LaunchTemplate {
    pub id: String,
    pub name: String,
    pub instance_type: String,
    /// As given (base64).
    pub user_data: Option<String>,
    pub created_at: SimTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Pending,
    InService,
    Terminating,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Pending => "Pending",
            Lifecycle::InService => "InService",
            Lifecycle::Terminating => "Terminating",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub id: String,
    pub lifecycle: Lifecycle,
    pub protected: bool,
    /// The launch configuration or template it was launched from (`LaunchConfigurationName`
    /// or the template's name).
    pub source: Source,
    pub instance_type: String,
    /// The decoded UserData its consumer runs ("" = none).
    pub user_data: String,
    pub launched_at: SimTime,
    pub in_service_at: Option<SimTime>,
    /// The activity that launches or terminates it, completed when that ends.
    pub activity: usize,
}

/// Where a group's instances come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    LaunchConfiguration(String),
    /// (LaunchTemplateId, LaunchTemplateName, Version) of an EC2 launch template (aws-rules
    /// §2.2).
    LaunchTemplate(String, String, String),
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub arn: String,
    pub source: Source,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub default_cooldown: u32,
    pub default_warmup: Option<u32>,
    pub health_check_type: String,
    pub health_check_grace: u32,
    pub availability_zones: Vec<String>,
    pub vpc_zone_identifier: Option<String>,
    pub new_instances_protected: bool,
    pub created_at: SimTime,
    pub instances: Vec<Instance>,
    /// Simple scaling waits until then (aws-rules §2.5).
    pub cooldown_until: SimTime,
    /// EnableMetricsCollection: the metrics published (empty = none).
    pub enabled_metrics: Vec<&'static str>,
    pub policies: BTreeMap<String, Policy>,
}

impl Group {
    pub fn count(&self, l: Lifecycle) -> u32 {
        self.instances.iter().filter(|i| i.lifecycle == l).count() as u32
    }

    /// Instances that count toward the capacity: Pending and InService.
    pub fn capacity(&self) -> u32 {
        self.count(Lifecycle::Pending) + self.count(Lifecycle::InService)
    }

    /// The warm-up policy `p` counts (aws-rules §2.5): its own EstimatedInstanceWarmup, else
    /// the group's DefaultInstanceWarmup, else the default cooldown.
    pub fn policy_warmup_s(&self, p: &Policy) -> u32 {
        p.warmup
            .or(self.default_warmup)
            .unwrap_or(self.default_cooldown)
    }

    /// Whether instance `i` is InService but still within a warm-up at `now`: the longest
    /// of its policies' (the group's own without a policy). The full page draws it so.
    pub fn warming_up(&self, i: &Instance, now: SimTime) -> bool {
        let warmup_s = self
            .policies
            .values()
            .map(|p| self.policy_warmup_s(p))
            .max()
            .unwrap_or(self.default_warmup.unwrap_or(self.default_cooldown));
        i.lifecycle == Lifecycle::InService
            && i.in_service_at
                .is_some_and(|t| t + SimTime::from(warmup_s) * MS_PER_S > now)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PolicyKind {
    Simple {
        adjustment: i64,
        cooldown: Option<u32>,
    },
    Step {
        steps: Vec<Step>,
        aggregation: String,
    },
    TargetTracking {
        target: f64,
        disable_scale_in: bool,
        /// TargetTrackingConfiguration as given (DescribePolicies echoes it).
        config: Value,
    },
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub arn: String,
    pub group: String,
    pub kind: PolicyKind,
    pub adjustment_type: Option<AdjustmentType>,
    pub min_adjustment_magnitude: Option<i64>,
    pub warmup: Option<u32>,
    pub enabled: bool,
    /// (AlarmName, AlarmARN): a target tracking policy's own alarms, or the alarms whose
    /// actions name it.
    pub alarms: Vec<(String, String)>,
}

impl Policy {
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            PolicyKind::Simple { .. } => "SimpleScaling",
            PolicyKind::Step { .. } => "StepScaling",
            PolicyKind::TargetTracking { .. } => "TargetTrackingScaling",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Activity {
    pub id: String,
    pub group: String,
    pub group_arn: String,
    pub description: String,
    pub cause: String,
    pub start: SimTime,
    pub end: Option<SimTime>,
    pub status: &'static str,
    /// The group was deleted (listed only with IncludeDeletedGroups).
    pub group_deleted: bool,
}

/// The Auto Scaling service: launch configurations and groups by name (listed in name
/// order), activities in the order they started, the effects for the world, the group
/// metrics published so far and the instance time billed.
#[derive(Clone, Debug, Default)]
pub struct AutoScaling {
    pub launch_configurations: BTreeMap<String, LaunchConfiguration>,
    /// EC2 launch templates by name.
    pub launch_templates: BTreeMap<String, LaunchTemplate>,
    pub groups: BTreeMap<String, Group>,
    pub activities: Vec<Activity>,
    /// Activities dropped from the front (an instance's `activity` index is absolute).
    activities_dropped: usize,
    /// Drained by the world after each call and timer.
    pub effects: Vec<Effect>,
    /// The group metrics' closed minutes, for the metrics bus.
    pub rows: Vec<Datapoint>,
    /// Instance-milliseconds of instances that have terminated (live ones bill from launch).
    billed_ms: u64,
}

impl AutoScaling {
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(name)
    }

    /// Publishes each group's metrics (those EnableMetricsCollection turned on) for the
    /// minute that closes at `now`: the group's sizes at its close (aws-rules §2.8).
    pub fn close_metrics_minute(&mut self, now: SimTime) {
        let Some(start) = now.checked_sub(MS_PER_MIN) else {
            return;
        };
        for g in self.groups.values() {
            let values = [
                g.min,
                g.max,
                g.desired,
                g.count(Lifecycle::InService),
                g.count(Lifecycle::Pending),
                g.count(Lifecycle::Terminating),
                g.instances.len() as u32,
            ];
            for (name, v) in GROUP_METRICS.iter().zip(values) {
                if g.enabled_metrics.contains(name) {
                    self.rows.push(Datapoint {
                        timestamp: epoch_s(start),
                        namespace: "AWS/AutoScaling".to_string(),
                        metric: name,
                        dimensions: vec![("AutoScalingGroupName", g.name.clone())],
                        value: v as f64,
                    });
                }
            }
        }
        if self.rows.len() > METRIC_ROWS_MAX {
            self.rows.drain(..METRIC_ROWS_MAX / 2);
        }
    }

    /// The cost meter's line: instance time at the t3.micro price (Auto Scaling itself is
    /// free).
    pub fn bill(&self, now: SimTime) -> Bill {
        let live: u64 = self
            .groups
            .values()
            .flat_map(|g| &g.instances)
            .map(|i| now.saturating_sub(i.launched_at))
            .sum();
        Bill {
            service: "EC2",
            requests: 0,
            usd: (self.billed_ms + live) as f64 / MS_PER_H as f64 * USD_PER_INSTANCE_HOUR,
        }
    }

    fn activity_mut(&mut self, index: usize) -> Option<&mut Activity> {
        index
            .checked_sub(self.activities_dropped)
            .and_then(|k| self.activities.get_mut(k))
    }
}
