//! Scenarios: the serde unit that declares queues, actors, parameters and seed. It is what a
//! shared link carries, what import/export reads and writes, and what lessons load.
//!
//! ```json
//! {
//!   "name": "decoupling", "seed": 42,
//!   "sqs": {"short_poll_sample_ratio": 0.75},
//!   "queues": [{"QueueName": "orders", "Attributes": {"VisibilityTimeout": "30"}}],
//!   "producers": [{"name": "web", "queue": "orders", "rate_per_s": 10}],
//!   "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20}]
//! }
//! ```
//! Queues are declared with CreateQueue's own members (`QueueName`, `Attributes`), so an
//! attribute a user learns here is spelled as in the AWS console and docs.

mod autoscaling;
mod mq;
mod video;

use crate::actors::{ConsumerSpec, ProducerSpec};
use crate::sqs::{api::CreateQueueInput, api::SetQueueAttributesInput, queue_url, SqsConfig};
use crate::world::{World, WorldConfig};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Largest scenario accepted (a file import or a link), bytes.
pub const SCENARIO_BYTES_MAX: usize = 1_048_576;
/// Most queues / producers / consumer groups in one scenario.
pub const SCENARIO_ITEMS_MAX: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    #[serde(rename = "QueueName")]
    pub queue_name: String,
    #[serde(
        rename = "Attributes",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, String>,
}

/// An SNS topic with CreateTopic's own members, and its subscriptions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(
        rename = "Attributes",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, String>,
    #[serde(
        rename = "Subscriptions",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub subscriptions: Vec<SubscriptionSpec>,
}

/// A subscription with Subscribe's own members (an SQS endpoint is the queue's ARN), and how
/// the simulated endpoint behind it answers (HTTP/S, Lambda, email/SMS/push; none = it
/// accepts every delivery after a short latency).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSpec {
    #[serde(rename = "Protocol")]
    pub protocol: String,
    #[serde(rename = "Endpoint")]
    pub endpoint: String,
    #[serde(
        rename = "Attributes",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behaviour: Option<crate::sns::delivery::Endpoint>,
}

/// An S3 bucket (CreateBucket's `Bucket`) and its `NotificationConfiguration` as
/// PutBucketNotificationConfiguration takes it (botocore's member names).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketSpec {
    #[serde(rename = "Bucket")]
    pub bucket: String,
    #[serde(
        rename = "NotificationConfiguration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification_configuration: Option<serde_json::Value>,
}

/// A Kinesis data stream with CreateStream's own members. A scenario's streams are ACTIVE
/// from the start, as its queues exist from the start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSpec {
    #[serde(rename = "StreamName")]
    pub stream_name: String,
    #[serde(
        rename = "ShardCount",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shard_count: Option<i64>,
    #[serde(
        rename = "StreamModeDetails",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_mode_details: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub sqs: SqsConfig,
    #[serde(default)]
    pub queues: Vec<QueueSpec>,
    /// SNS topics (built after the queues, so subscriptions can name them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicSpec>,
    /// S3 buckets whose uploads publish event notifications to the topics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<BucketSpec>,
    /// Kinesis data streams (Kinesis builds only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streams: Vec<StreamSpec>,
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    /// Readers of the Kinesis streams: polling or enhanced fan-out, plain or KCL-style
    /// applications with workers and leases (Kinesis builds only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stream_consumers: Vec<crate::kcl::spec::StreamConsumerSpec>,
    /// CloudWatch metric alarms, each as PutMetricAlarm's request members (`AlarmName`,
    /// `Namespace`, `MetricName`, `Dimensions`, `Threshold`, …, `AlarmActions` naming the
    /// scenario's topics by ARN): created after everything else and evaluated each minute the
    /// services close (aws-rules §10).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<serde_json::Value>,
    /// Lambda functions, each as CreateFunction's members (`FunctionName`, `Timeout`,
    /// `MemorySize`, `Environment.Variables` with mqlab's knobs `MQLAB_DURATION_MS` and
    /// `MQLAB_FAIL_IF_BODY_CONTAINS`; aws-rules §2.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<serde_json::Value>,
    /// Lambda polling the scenario's queues: CreateEventSourceMapping's members
    /// (`FunctionName`, `EventSourceArn` a queue's ARN, `BatchSize`,
    /// `MaximumBatchingWindowInSeconds`, `FunctionResponseTypes`, `ScalingConfig`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_source_mappings: Vec<serde_json::Value>,
    /// Amazon Data Firehose delivery streams, each as CreateDeliveryStream's members
    /// (`DeliveryStreamName`, `DeliveryStreamType` DirectPut or KinesisStreamAsSource with
    /// `KinesisStreamSourceConfiguration.KinesisStreamARN` a scenario stream's ARN,
    /// `ExtendedS3DestinationConfiguration` into a scenario bucket with `BufferingHints` and a
    /// Lambda `ProcessingConfiguration`): ACTIVE from the start (aws-rules §5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delivery_streams: Vec<serde_json::Value>,
    /// Managed Service for Apache Flink applications, each as CreateApplication's members
    /// with the window in the `mqlab.window` property group (a scenario stream as `source`,
    /// another as `sink`): RUNNING from the start (aws-rules §6.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flink_applications: Vec<serde_json::Value>,
    /// EC2 Auto Scaling of SQS consumers (aws-rules §2.10), made in this order before the
    /// alarms: CreateLaunchConfiguration's members (`LaunchConfigurationName`, `ImageId`,
    /// `InstanceType`, `UserData` base64 of a consumer, or mqlab's `Consumer`: that consumer
    /// as JSON, a scenario consumer without `name` and `count`) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub launch_configurations: Vec<serde_json::Value>,
    /// … CreateAutoScalingGroup's (`AutoScalingGroupName`, `LaunchConfigurationName`,
    /// `MinSize`, `MaxSize`, `DesiredCapacity`, `AvailabilityZones`, …) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_scaling_groups: Vec<serde_json::Value>,
    /// … EnableMetricsCollection's (`AutoScalingGroupName`, `Granularity`, `Metrics`) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics_collection: Vec<serde_json::Value>,
    /// … and PutScalingPolicy's (simple, step, target tracking). An alarm's action names a
    /// simple or step policy by its ARN with the policy id written `*`:
    /// `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:*:autoScalingGroupName/G:policyName/P`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scaling_policies: Vec<serde_json::Value>,
    /// Kinesis Video streams, each as CreateStream's members (`StreamName`,
    /// `DataRetentionInHours` 0 = not persisted, `MediaType`, …): ACTIVE from the start, and
    /// their producers and consumers (mqlab's: see `scenario/video.rs`; aws-rules §6.3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_streams: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_producers: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_consumers: Vec<serde_json::Value>,
    /// Amazon MQ brokers, each as CreateBroker's members (`BrokerName`, `EngineType`,
    /// `EngineVersion`, `DeploymentMode`, `HostInstanceType`, `StorageType`,
    /// `PubliclyAccessible`, `Users`, …): RUNNING from the start (aws-rules §7.12) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brokers: Vec<serde_json::Value>,
    /// … their destinations (`{"broker", "queue" | "topic" | "exchange", "type",
    /// "queue_type", "bindings": [{"queue", "routing_key"}], …}`) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broker_destinations: Vec<serde_json::Value>,
    /// … producers (`{"name", "broker", "queue" | "topic" | "exchange", "routing_keys",
    /// "rate_per_s", "persistent", "start_s", "stop_s"}`) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broker_producers: Vec<serde_json::Value>,
    /// … consumers (`{"name", "broker", "queue" | "topic", "subscription_name", "count",
    /// "prefetch", "auto_ack", "processing", "failure_probability", "requeue", "start_s"}`) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broker_consumers: Vec<serde_json::Value>,
    /// … and events at a time (`{"at_s", "broker", "action": "RebootBroker" | "LoseInstance"
    /// | "RestoreInstance", "instance"}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broker_events: Vec<serde_json::Value>,
}

/// A scenario that cannot be used, with the field at fault (e.g. `consumers[1].max_messages`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: String,
    pub message: String,
}

impl ScenarioError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// What [`World::from_scenario_for_page`] says of a scenario that only the full page runs; the
/// page recognises it (at the end of an error's text) and opens the full page instead.
pub const NEEDS_FULL_PAGE: &str =
    "this service is simulated in the full page (full/), which opens for it";

impl Scenario {
    /// The first member naming a service that only the full page links (CloudWatch alarms,
    /// Lambda), or `None` when the page's first download runs the whole scenario.
    pub fn needs_full_page(&self) -> Option<&'static str> {
        self.full_page_fields()
            .into_iter()
            .find_map(|(field, n)| (n > 0).then_some(field))
    }

    /// The members of the services only the full page links, with how many each holds.
    fn full_page_fields(&self) -> [(&'static str, usize); 17] {
        [
            ("alarms", self.alarms.len()),
            ("functions", self.functions.len()),
            ("event_source_mappings", self.event_source_mappings.len()),
            ("delivery_streams", self.delivery_streams.len()),
            ("flink_applications", self.flink_applications.len()),
            ("launch_configurations", self.launch_configurations.len()),
            ("auto_scaling_groups", self.auto_scaling_groups.len()),
            ("metrics_collection", self.metrics_collection.len()),
            ("scaling_policies", self.scaling_policies.len()),
            ("video_streams", self.video_streams.len()),
            ("video_producers", self.video_producers.len()),
            ("video_consumers", self.video_consumers.len()),
            ("brokers", self.brokers.len()),
            ("broker_destinations", self.broker_destinations.len()),
            ("broker_producers", self.broker_producers.len()),
            ("broker_consumers", self.broker_consumers.len()),
            ("broker_events", self.broker_events.len()),
        ]
    }

    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > SCENARIO_BYTES_MAX {
            return Err(ScenarioError::new(
                "",
                format!(
                    "the scenario is {} bytes; the limit is {SCENARIO_BYTES_MAX}",
                    text.len()
                ),
            ));
        }
        let s: Scenario = serde_json::from_str(text)
            .map_err(|e| ScenarioError::new("", format!("not a valid scenario: {e}")))?;
        s.validate()?;
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks everything that does not need a world: sizes, names, references, ranges.
    /// Queue attributes are checked by CreateQueue itself when the world is built.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.sqs.validate().map_err(|e| ScenarioError::new("", e))?;
        for (what, n) in [
            ("queues", self.queues.len()),
            ("topics", self.topics.len()),
            ("buckets", self.buckets.len()),
            ("streams", self.streams.len()),
            ("producers", self.producers.len()),
            ("consumers", self.consumers.len()),
            ("stream_consumers", self.stream_consumers.len()),
        ]
        .into_iter()
        .chain(self.full_page_fields())
        {
            if n > SCENARIO_ITEMS_MAX {
                return Err(ScenarioError::new(
                    what,
                    format!("at most {SCENARIO_ITEMS_MAX} allowed"),
                ));
            }
        }
        let mut queues = BTreeSet::new();
        for (i, q) in self.queues.iter().enumerate() {
            if !queues.insert(q.queue_name.as_str()) {
                return Err(ScenarioError::new(
                    format!("queues[{i}].QueueName"),
                    "declared twice",
                ));
            }
        }
        #[allow(unused_mut)]
        let mut topics: BTreeSet<&str> = BTreeSet::new();
        for (i, t) in self.topics.iter().enumerate() {
            if !topics.insert(t.name.as_str()) {
                return Err(ScenarioError::new(
                    format!("topics[{i}].Name"),
                    "declared twice",
                ));
            }
            if t.subscriptions.len() > SCENARIO_ITEMS_MAX {
                return Err(ScenarioError::new(
                    format!("topics[{i}].Subscriptions"),
                    format!("at most {SCENARIO_ITEMS_MAX} allowed"),
                ));
            }
            for (k, sub) in t.subscriptions.iter().enumerate() {
                if let Some(b) = &sub.behaviour {
                    b.validate().map_err(|e| {
                        ScenarioError::new(format!("topics[{i}].Subscriptions[{k}].behaviour"), e)
                    })?;
                }
            }
        }
        let mut actors = BTreeSet::new();
        for (i, p) in self.producers.iter().enumerate() {
            let f = |k: &str| format!("producers[{i}].{k}");
            if p.name.is_empty() || !actors.insert(p.name.as_str()) {
                return Err(ScenarioError::new(
                    f("name"),
                    "must be non-empty and unique",
                ));
            }
            if let Some(stream) = &p.stream {
                if !p.queue.is_empty() || p.topic.is_some() {
                    return Err(ScenarioError::new(
                        f("stream"),
                        "a producer sends to one queue, topic, bucket or stream",
                    ));
                }
                if !self.streams.iter().any(|s| &s.stream_name == stream) {
                    return Err(ScenarioError::new(
                        f("stream"),
                        format!("no stream named {stream:?}"),
                    ));
                }
                p.validate()
                    .map_err(|e| ScenarioError::new(format!("producers[{i}]"), e))?;
                continue;
            }
            if let Some(bucket) = &p.bucket {
                if !p.queue.is_empty() || p.topic.is_some() {
                    return Err(ScenarioError::new(
                        f("bucket"),
                        "a producer sends to one queue, topic or bucket",
                    ));
                }
                if !self.buckets.iter().any(|b| &b.bucket == bucket) {
                    return Err(ScenarioError::new(
                        f("bucket"),
                        format!("no bucket named {bucket:?}"),
                    ));
                }
                p.validate()
                    .map_err(|e| ScenarioError::new(format!("producers[{i}]"), e))?;
                continue;
            }
            match &p.topic {
                Some(topic) => {
                    if !p.queue.is_empty() {
                        return Err(ScenarioError::new(
                            f("topic"),
                            "a producer sends to a queue or publishes to a topic, not both",
                        ));
                    }
                    if !topics.contains(topic.as_str()) {
                        return Err(ScenarioError::new(
                            f("topic"),
                            format!("no topic named {topic:?}"),
                        ));
                    }
                }
                None if !queues.contains(p.queue.as_str()) => {
                    return Err(ScenarioError::new(
                        f("queue"),
                        format!("no queue named {:?}", p.queue),
                    ));
                }
                None => {}
            }
            p.validate()
                .map_err(|e| ScenarioError::new(format!("producers[{i}]"), e))?;
        }
        for (i, c) in self.consumers.iter().enumerate() {
            let f = |k: &str| format!("consumers[{i}].{k}");
            if c.name.is_empty() || !actors.insert(c.name.as_str()) {
                return Err(ScenarioError::new(
                    f("name"),
                    "must be non-empty and unique",
                ));
            }
            if !queues.contains(c.queue.as_str()) {
                return Err(ScenarioError::new(
                    f("queue"),
                    format!("no queue named {:?}", c.queue),
                ));
            }
            c.validate()
                .map_err(|e| ScenarioError::new(format!("consumers[{i}]"), e))?;
            if c.protect_while_processing {
                return Err(ScenarioError::new(
                    f("protect_while_processing"),
                    "only the Consumer of an Auto Scaling group's launch configuration runs on an instance it can protect from scale-in",
                ));
            }
        }
        self.validate_stream_consumers(&mut actors)?;
        for (what, items, members) in [
            (
                "alarms",
                &self.alarms,
                "PutMetricAlarm's members (AlarmName, Namespace, …)",
            ),
            (
                "functions",
                &self.functions,
                "CreateFunction's members (FunctionName, Timeout, …)",
            ),
            (
                "event_source_mappings",
                &self.event_source_mappings,
                "CreateEventSourceMapping's members (FunctionName, EventSourceArn, …)",
            ),
            (
                "delivery_streams",
                &self.delivery_streams,
                "CreateDeliveryStream's members (DeliveryStreamName, …)",
            ),
            (
                "flink_applications",
                &self.flink_applications,
                "CreateApplication's members (ApplicationName, …)",
            ),
            (
                "launch_configurations",
                &self.launch_configurations,
                "CreateLaunchConfiguration's members (LaunchConfigurationName, ImageId, InstanceType, UserData or Consumer)",
            ),
            (
                "auto_scaling_groups",
                &self.auto_scaling_groups,
                "CreateAutoScalingGroup's members (AutoScalingGroupName, MinSize, MaxSize, …)",
            ),
            (
                "metrics_collection",
                &self.metrics_collection,
                "EnableMetricsCollection's members (AutoScalingGroupName, Granularity, Metrics)",
            ),
            (
                "scaling_policies",
                &self.scaling_policies,
                "PutScalingPolicy's members (AutoScalingGroupName, PolicyName, PolicyType, …)",
            ),
            (
                "video_streams",
                &self.video_streams,
                "CreateStream's members (StreamName, DataRetentionInHours, …)",
            ),
            (
                "video_producers",
                &self.video_producers,
                "a producer (name, streams, fragment_duration_s, …)",
            ),
            (
                "video_consumers",
                &self.video_consumers,
                "a consumer (name, streams, kind, …)",
            ),
        ] {
            if let Some(i) = items.iter().position(|v| !v.is_object()) {
                return Err(ScenarioError::new(
                    format!("{what}[{i}]"),
                    format!("must be an object of {members}"),
                ));
            }
        }
        Ok(())
    }

    /// Names unique among all actors (and KCL application names among themselves: each
    /// names a lease table), streams that exist, ranges.
    fn validate_stream_consumers<'a>(
        &'a self,
        actors: &mut BTreeSet<&'a str>,
    ) -> Result<(), ScenarioError> {
        let mut applications = BTreeSet::new();
        for (i, c) in self.stream_consumers.iter().enumerate() {
            let f = |k: &str| format!("stream_consumers[{i}].{k}");
            if c.name.is_empty() || !actors.insert(c.name.as_str()) {
                return Err(ScenarioError::new(
                    f("name"),
                    "must be non-empty and unique",
                ));
            }
            if !self.streams.iter().any(|s| s.stream_name == c.stream) {
                return Err(ScenarioError::new(
                    f("stream"),
                    format!("no stream named {:?}", c.stream),
                ));
            }
            c.validate()
                .map_err(|e| ScenarioError::new(format!("stream_consumers[{i}]"), e))?;
            if !applications.insert((c.stream.as_str(), c.application())) {
                return Err(ScenarioError::new(
                    f(if c.kcl.is_some() {
                        "kcl.application_name"
                    } else {
                        "name"
                    }),
                    "another reader of this stream has the same application name",
                ));
            }
        }
        Ok(())
    }
}

/// A serde_json error's message without the " at line L column C" it ends with when the
/// input was text.
fn unplaced(e: &serde_json::Error) -> String {
    let mut m = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    if e.line() > 0 && m.ends_with(&at) {
        m.truncate(m.len() - at.len());
    }
    m
}

/// An AWS request's members declared in a scenario, typed. Read from the value's text, as a
/// bucket's notification configuration is (the page then needs no Value-deserializer copy of
/// the type).
fn members<T: serde::de::DeserializeOwned>(
    v: &serde_json::Value,
    what: &str,
    i: usize,
) -> Result<T, ScenarioError> {
    serde_json::from_str(&v.to_string())
        .map_err(|e| ScenarioError::new(format!("{what}[{i}]"), unplaced(&e)))
}

impl World {
    fn add_topics(&mut self, topics: &[TopicSpec]) -> Result<(), ScenarioError> {
        use crate::sns::api::{ConfirmSubscriptionInput, CreateTopicInput, SubscribeInput};
        for (i, t) in topics.iter().enumerate() {
            let input = CreateTopicInput {
                name: Some(t.name.clone()),
                attributes: t.attributes.clone(),
                ..Default::default()
            };
            let created = self
                .with_sns(|sns, ctx| sns.create_topic(ctx, &input))
                .map_err(|e| ScenarioError::new(format!("topics[{i}]"), e.to_string()))?;
            let arn = created
                .get("TopicArn")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_string();
            for (k, sub) in t.subscriptions.iter().enumerate() {
                let field = format!("topics[{i}].Subscriptions[{k}]");
                let input = SubscribeInput {
                    topic_arn: Some(arn.clone()),
                    protocol: Some(sub.protocol.clone()),
                    endpoint: Some(sub.endpoint.clone()),
                    attributes: sub.attributes.clone(),
                    return_subscription_arn: Some(true),
                };
                // As the SNS console does when it subscribes a queue, the scenario's queues
                // (and a subscription's dead-letter queue) get a policy statement letting the
                // topic send: SNS deliveries need one (aws-rules §3.12).
                let dlq = sub
                    .attributes
                    .get("RedrivePolicy")
                    .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
                    .and_then(|p| p["deadLetterTargetArn"].as_str().map(str::to_string));
                let endpoint = (sub.protocol == "sqs").then(|| sub.endpoint.clone());
                for q in endpoint.into_iter().chain(dlq) {
                    self.sqs_mut().grant_sns_send(&q, &arn);
                }
                let sub_arn = self
                    .with_sns(|sns, ctx| sns.subscribe(ctx, &input))
                    .map_err(|e| ScenarioError::new(field.clone(), e.to_string()))?
                    .get("SubscriptionArn")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                // A simulated HTTP/S or email endpoint confirms its subscription at once, as
                // a subscriber that means it would (ConfirmSubscription with the token it got).
                let token = self
                    .sns()
                    .subscription(&sub_arn)
                    .and_then(|s| s.token.clone());
                if let Some(token) = token {
                    let confirm = ConfirmSubscriptionInput {
                        topic_arn: Some(arn.clone()),
                        token: Some(token),
                        authenticate_on_unsubscribe: None,
                    };
                    self.with_sns(|sns, ctx| sns.confirm_subscription(ctx, &confirm))
                        .map_err(|e| ScenarioError::new(field.clone(), e.to_string()))?;
                }
                if let Some(b) = &sub.behaviour {
                    self.with_sns(|sns, _| {
                        sns.set_endpoint_behaviour(&sub.protocol, &sub.endpoint, b.clone())
                    })
                    .map_err(|e| ScenarioError::new(format!("{field}.behaviour"), e))?;
                }
            }
        }
        Ok(())
    }

    fn add_streams(&mut self, streams: &[StreamSpec]) -> Result<(), ScenarioError> {
        use crate::kinesis::api::CreateStreamInput;
        // ACTIVE from the start: no CREATING delay for the scenario's own streams (the delay
        // is back for CreateStream calls made while the run goes on).
        let delay = std::mem::replace(&mut self.kinesis_config_mut().create_delay_ms, 0);
        let mut result = Ok(());
        for (i, st) in streams.iter().enumerate() {
            let field = format!("streams[{i}]");
            let mode = match &st.stream_mode_details {
                Some(v) => match serde_json::from_value(v.clone()) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        result = Err(ScenarioError::new(
                            format!("{field}.StreamModeDetails"),
                            e.to_string(),
                        ));
                        break;
                    }
                },
                None => None,
            };
            let input = CreateStreamInput {
                stream_name: Some(st.stream_name.clone()),
                shard_count: st.shard_count,
                stream_mode_details: mode,
                tags: None,
            };
            if let Err(e) = self.with_kinesis(|k, ctx| k.create_stream(ctx, &input)) {
                result = Err(ScenarioError::new(field, e.to_string()));
                break;
            }
        }
        // The status timers at t = 0 make the streams ACTIVE before anything else runs.
        if !streams.is_empty() {
            self.advance_to(self.now());
        }
        self.kinesis_config_mut().create_delay_ms = delay;
        result
    }

    fn add_buckets(&mut self, buckets: &[BucketSpec]) -> Result<(), ScenarioError> {
        use crate::s3::api::{
            CreateBucketInput, NotificationConfigurationInput,
            PutBucketNotificationConfigurationInput,
        };
        for (i, b) in buckets.iter().enumerate() {
            let input = CreateBucketInput {
                bucket: Some(b.bucket.clone()),
                create_bucket_configuration: None,
            };
            self.with_s3(|s3, _, ctx| s3.create_bucket(ctx, &input))
                .map_err(|e| ScenarioError::new(format!("buckets[{i}]"), e.to_string()))?;
            let Some(config) = &b.notification_configuration else {
                continue;
            };
            let field = format!("buckets[{i}].NotificationConfiguration");
            // Read from its text rather than with `from_value`: the app then needs no
            // Value-deserializer copy of these types (1.3 KB gzipped). The messages are
            // from_value's: the Value's keys come back in the same order, and the place in
            // the text that from_str appends is dropped.
            let config: NotificationConfigurationInput = serde_json::from_str(&config.to_string())
                .map_err(|e| ScenarioError::new(field.clone(), unplaced(&e)))?;
            let input = PutBucketNotificationConfigurationInput {
                bucket: Some(b.bucket.clone()),
                notification_configuration: Some(config),
                skip_destination_validation: None,
            };
            self.with_s3(|s3, sns, ctx| s3.put_bucket_notification_configuration(ctx, sns, &input))
                .map_err(|e| ScenarioError::new(field, e.to_string()))?;
        }
        Ok(())
    }

    /// Builds a world from a scenario: queues through CreateQueue (redrive policies in a
    /// second pass, so a DLQ may be declared after its source), topics, buckets, streams,
    /// the actors, Lambda's functions and mappings, Auto Scaling, then the alarms (which may
    /// watch any of it, and name its scaling policies).
    pub fn from_scenario(s: &Scenario) -> Result<World, ScenarioError> {
        let mut world = World::with_drawn_services(s)?;
        world.add_lambda(s)?;
        world.add_firehose_and_flink(s)?;
        world.add_kinesis_video(s)?;
        world.add_brokers(s)?;
        let alarms = world.add_autoscaling(s)?;
        world.add_alarms(&alarms)?;
        Ok(world)
    }

    /// [`World::from_scenario`] for the page's first download, which draws SQS, SNS, S3
    /// events and Kinesis: a scenario with a service only the full page
    /// (`full/`) links is refused with a message naming the field (so the first download
    /// carries none of that service's code). [`Scenario::needs_full_page`] says which.
    pub fn from_scenario_for_page(s: &Scenario) -> Result<World, ScenarioError> {
        if let Some(field) = s.needs_full_page() {
            return Err(ScenarioError::new(field, NEEDS_FULL_PAGE));
        }
        World::with_drawn_services(s)
    }

    fn with_drawn_services(s: &Scenario) -> Result<World, ScenarioError> {
        s.validate()?;
        let mut world = World::new(WorldConfig {
            seed: s.seed,
            sqs: s.sqs.clone(),
        });
        let mut redrive = Vec::new();
        for (i, q) in s.queues.iter().enumerate() {
            let mut attributes = q.attributes.clone();
            if let Some(p) = attributes.remove("RedrivePolicy") {
                redrive.push((i, p));
            }
            let input = CreateQueueInput {
                queue_name: Some(q.queue_name.clone()),
                attributes,
                tags: BTreeMap::new(),
            };
            world
                .with_sqs(|sqs, ctx| sqs.create_queue(ctx, &input))
                .map_err(|e| ScenarioError::new(format!("queues[{i}]"), e.to_string()))?;
        }
        for (i, policy) in redrive {
            let input = SetQueueAttributesInput {
                queue_url: Some(queue_url(&s.queues[i].queue_name)),
                attributes: BTreeMap::from([("RedrivePolicy".to_string(), policy)]),
            };
            world
                .with_sqs(|sqs, ctx| sqs.set_queue_attributes(ctx, &input))
                .map_err(|e| {
                    ScenarioError::new(
                        format!("queues[{i}].Attributes.RedrivePolicy"),
                        e.to_string(),
                    )
                })?;
        }
        world.add_topics(&s.topics)?;
        world.add_buckets(&s.buckets)?;
        world.add_streams(&s.streams)?;
        for p in &s.producers {
            world.with_actors(|actors, ctx| actors.add_producer(ctx, p.clone()));
        }
        for c in &s.consumers {
            world.with_actors(|actors, ctx| actors.add_consumer(ctx, c.clone()));
        }
        for c in &s.stream_consumers {
            world.add_stream_consumer(c.clone());
        }
        Ok(world)
    }

    /// Functions before the mappings that name them.
    fn add_lambda(&mut self, s: &Scenario) -> Result<(), ScenarioError> {
        for (i, f) in s.functions.iter().enumerate() {
            let input = members(f, "functions", i)?;
            self.create_function(&input)
                .map_err(|e| ScenarioError::new(format!("functions[{i}]"), e.to_string()))?;
        }
        for (i, m) in s.event_source_mappings.iter().enumerate() {
            let input = members(m, "event_source_mappings", i)?;
            self.create_event_source_mapping(&input).map_err(|e| {
                ScenarioError::new(format!("event_source_mappings[{i}]"), e.to_string())
            })?;
        }
        Ok(())
    }

    /// Firehose's delivery streams (after the streams, buckets and functions they name),
    /// then Flink's applications: only from [`World::from_scenario`], through the hooks the
    /// services' glue sets (the page links neither).
    fn add_firehose_and_flink(&mut self, s: &Scenario) -> Result<(), ScenarioError> {
        /// An AWS error of a scenario's request, with the member at fault in the field when the
        /// message starts with one the request gives (`ExtendedS3DestinationConfiguration.
        /// BufferingHints.IntervalInSeconds must be …` → field `delivery_streams[0].Extended…`,
        /// message `must be … (InvalidArgumentException)`).
        fn aws_field(
            what: &str,
            i: usize,
            request: &serde_json::Value,
            e: crate::core::error::AwsError,
        ) -> ScenarioError {
            let word = e.message.split(' ').next().unwrap_or_default();
            let path = word.trim_end_matches(':');
            let root = path.split(['.', '[']).next().unwrap_or_default();
            let is_path = path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.[]".contains(&b));
            if is_path && !root.is_empty() && request.get(root).is_some() {
                let rest = e.message[word.len()..].trim_start();
                return ScenarioError::new(
                    format!("{what}[{i}].{path}"),
                    format!("{rest} ({})", e.code),
                );
            }
            ScenarioError::new(format!("{what}[{i}]"), e.to_string())
        }
        let function_names: BTreeSet<&str> = s
            .functions
            .iter()
            .filter_map(|f| f["FunctionName"].as_str())
            .collect();
        for (i, d) in s.delivery_streams.iter().enumerate() {
            let at = |m: String| ScenarioError::new(format!("delivery_streams[{i}]"), m);
            self.create_delivery_stream_active(d)
                .map_err(|e| aws_field("delivery_streams", i, d, e))?;
            let name = d["DeliveryStreamName"].as_str().unwrap_or_default();
            let Some(dest) = self.firehose().stream(name).map(|x| x.destination.clone()) else {
                continue;
            };
            let s3 = match dest.sink {
                None => format!("{}Configuration", dest.member()),
                Some(_) => format!("{}Configuration.S3Configuration", dest.member()),
            };
            if !s.buckets.iter().any(|b| b.bucket == dest.bucket) {
                return Err(ScenarioError::new(
                    format!("delivery_streams[{i}].{s3}.BucketARN"),
                    format!("no bucket named {:?}", dest.bucket),
                ));
            }
            if let Some(t) = &dest.transform {
                let f = t
                    .lambda_arn
                    .rsplit_once(":function:")
                    .map_or(t.lambda_arn.as_str(), |(_, f)| {
                        f.split(':').next().unwrap_or(f)
                    });
                if !function_names.contains(f) {
                    return Err(at(format!(
                        "the Lambda processor's LambdaArn {:?} names no function of the scenario",
                        t.lambda_arn
                    )));
                }
            }
        }
        let streams: BTreeSet<&str> = s.streams.iter().map(|x| x.stream_name.as_str()).collect();
        for (i, a) in s.flink_applications.iter().enumerate() {
            let spec = self
                .create_running_application(a)
                .map_err(|e| aws_field("flink_applications", i, a, e))?;
            for (key, name) in [("source", Some(&spec.source)), ("sink", spec.sink.as_ref())] {
                if let Some(name) = name.filter(|n| !streams.contains(n.as_str())) {
                    return Err(ScenarioError::new(
                        format!("flink_applications[{i}].ApplicationConfiguration.EnvironmentProperties.PropertyGroups"),
                        format!("mqlab.window's {key} {name:?} is no stream of the scenario"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn add_alarms(&mut self, alarms: &[serde_json::Value]) -> Result<(), ScenarioError> {
        for (i, a) in alarms.iter().enumerate() {
            let input = members(a, "alarms", i)?;
            self.put_metric_alarm(&input)
                .map_err(|e| ScenarioError::new(format!("alarms[{i}]"), e.to_string()))?;
        }
        Ok(())
    }
}
