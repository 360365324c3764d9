//! The changes a user makes while a run goes on, each at its virtual instant. A run is its
//! scenario plus this timeline: replaying the scenario and applying each edit at its time
//! gives the same run, event for event — which is what seeking back, share links and the
//! autosave rely on.

use mqlab_engine::actors::{ConsumerSpec, ProducerSpec};
use mqlab_engine::kcl::spec::StreamConsumerSpec;
use mqlab_engine::ordmap::btree_map_from;
use mqlab_engine::scenario::QueueSpec;
use mqlab_engine::sqs::queue_url;
use mqlab_engine::Scenario;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Edits kept on a run's timeline (and carried by a link). A run with more forgets the
/// oldest; see `Lab::edit` in the app.
pub const EDITS_MAX: usize = 1_000;

/// The calls an [`Edit::Call`] may make: what the page's buttons do (a preset's redrive or
/// purge, adding a dead-letter queue, resharding a stream, switching its capacity mode).
pub const CALL_OPS: [&str; 6] = [
    "StartMessageMoveTask",
    "PurgeQueue",
    "CreateQueue",
    "UpdateShardCount",
    "SplitShard",
    "UpdateStreamMode",
];

/// The calls an [`Edit::Call`] may make in the full page: a group's, a mapping's, a delivery
/// stream's or an alarm's settings changed while the run goes on, with the service that answers
/// them.
pub const FULL_PAGE_CALL_OPS: [(&str, &str); 6] = [
    ("UpdateAutoScalingGroup", "autoscaling"),
    ("PutScalingPolicy", "autoscaling"),
    ("UpdateEventSourceMapping", "lambda"),
    ("UpdateDestination", "firehose"),
    ("PutMetricAlarm", "cloudwatch"),
    // A broker client's prefetch (AMQP basic.qos): mqlab's messaging plane, not an AWS API.
    ("Qos", "mq-broker"),
];

/// The service of a full-page call ([`FULL_PAGE_CALL_OPS`]), None for any other.
pub fn full_page_call_service(op: &str) -> Option<&'static str> {
    FULL_PAGE_CALL_OPS
        .iter()
        .find(|(o, _)| *o == op)
        .map(|(_, svc)| *svc)
}

/// A change to a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Edit {
    /// SetQueueAttributes with one attribute ("" removes RedrivePolicy, as in AWS).
    QueueAttribute {
        queue: String,
        attribute: String,
        value: String,
    },
    /// Replace producer `index`'s settings.
    Producer { index: usize, spec: ProducerSpec },
    /// Replace consumer group `index`'s settings (its `count` sets the instances).
    Consumer { index: usize, spec: ConsumerSpec },
    /// Replace stream reader `index`'s settings (how it reads, polling or enhanced fan-out;
    /// its KCL checkpoint cadence …), or, with `index` one past the last, add a reader.
    StreamConsumer {
        index: usize,
        spec: StreamConsumerSpec,
    },
    /// One of the calls in [`CALL_OPS`], with its AWS request members.
    Call { op: String, params: Value },
    /// SetSubscriptionAttributes on the subscription of `topic` to (`protocol`, `endpoint`)
    /// ("" removes FilterPolicy, DeliveryPolicy or RedrivePolicy, as in AWS). Named by its
    /// endpoint, not its ARN, so the scenario's subscription it changes can be found.
    SubscriptionAttribute {
        topic: String,
        protocol: String,
        endpoint: String,
        attribute: String,
        value: String,
    },
    /// How the simulated endpoint behind (`protocol`, `endpoint`) answers from now on (an
    /// HTTP server going down, a slower Lambda): a setting of the simulation, not an API call.
    EndpointBehaviour {
        protocol: String,
        endpoint: String,
        behaviour: mqlab_engine::sns::delivery::Endpoint,
    },
}

impl Edit {
    /// The SQS operation the edit makes ("" for an actor setting, which is not an API call).
    pub fn operation(&self) -> &str {
        match self {
            Edit::QueueAttribute { .. } => "SetQueueAttributes",
            Edit::SubscriptionAttribute { .. } => "SetSubscriptionAttributes",
            Edit::Call { op, .. } => op,
            _ => "",
        }
    }

    /// The request the edit sends (Null for an actor setting).
    pub fn params(&self) -> Value {
        match self {
            Edit::QueueAttribute {
                queue,
                attribute,
                value,
            } => json!({"QueueUrl": queue_url(queue), "Attributes": {attribute: value}}),
            Edit::Call { params, .. } => params.clone(),
            Edit::SubscriptionAttribute {
                attribute, value, ..
            } => json!({"AttributeName": attribute, "AttributeValue": value}),
            _ => Value::Null,
        }
    }

    /// Folds an edit that succeeded into the scenario, so that the scenario alone (an
    /// export) starts where the run now stands.
    pub fn fold_into(&self, scenario: &mut Scenario) {
        match self {
            Edit::QueueAttribute {
                queue,
                attribute,
                value,
            } => {
                if let Some(q) = scenario.queues.iter_mut().find(|q| &q.queue_name == queue) {
                    if value.is_empty() {
                        q.attributes.remove(attribute);
                    } else {
                        q.attributes.insert(attribute.clone(), value.clone());
                    }
                }
            }
            Edit::Producer { index, spec } => {
                if let Some(p) = scenario.producers.get_mut(*index) {
                    *p = spec.clone();
                }
            }
            Edit::Consumer { index, spec } => {
                if let Some(c) = scenario.consumers.get_mut(*index) {
                    *c = spec.clone();
                }
            }
            Edit::StreamConsumer { index, spec } => {
                match scenario.stream_consumers.get_mut(*index) {
                    Some(c) => *c = spec.clone(),
                    None => scenario.stream_consumers.push(spec.clone()),
                }
            }
            Edit::Call { op, params } if op == "CreateQueue" => {
                let Some(name) = params.get("QueueName").and_then(Value::as_str) else {
                    return;
                };
                if scenario.queues.iter().any(|q| q.queue_name == name) {
                    return;
                }
                let attributes = btree_map_from(
                    params
                        .get("Attributes")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))),
                );
                // A dead-letter queue goes before the queues that name it, as scenarios list
                // them (the engine accepts either order).
                scenario.queues.insert(
                    0,
                    QueueSpec {
                        queue_name: name.to_string(),
                        attributes,
                    },
                );
            }
            // The full page's calls (in the first download none exists, so none of this is
            // linked there). A group's settings: the scenario's group of that name gets the
            // members.
            Edit::Call { op, params }
                if crate::sim::FULL_PAGE && op == "UpdateAutoScalingGroup" =>
            {
                let name = params.get("AutoScalingGroupName");
                let group = scenario
                    .auto_scaling_groups
                    .iter_mut()
                    .find(|g| name.is_some() && g.get("AutoScalingGroupName") == name);
                copy_members(params, group, &["MinSize", "MaxSize", "DesiredCapacity"]);
            }
            // A mapping's: the scenario's mapping of that function (the edit names it).
            Edit::Call { op, params }
                if crate::sim::FULL_PAGE && op == "UpdateEventSourceMapping" =>
            {
                let function = params.get("FunctionName");
                let mapping = scenario
                    .event_source_mappings
                    .iter_mut()
                    .find(|m| function.is_some() && m.get("FunctionName") == function);
                copy_members(
                    params,
                    mapping,
                    &[
                        "BatchSize",
                        "MaximumBatchingWindowInSeconds",
                        "ScalingConfig",
                    ],
                );
            }
            // A delivery stream's S3 buffering hints: merged into the scenario's stream of
            // that name, as UpdateDestination merges them.
            Edit::Call { op, params } if crate::sim::FULL_PAGE && op == "UpdateDestination" => {
                let name = params.get("DeliveryStreamName");
                let hints = params
                    .pointer("/ExtendedS3DestinationUpdate/BufferingHints")
                    .and_then(Value::as_object);
                let stream = scenario
                    .delivery_streams
                    .iter_mut()
                    .find(|d| name.is_some() && d.get("DeliveryStreamName") == name);
                if let (Some(Value::Object(d)), Some(hints)) = (stream, hints) {
                    let dest = d
                        .entry("ExtendedS3DestinationConfiguration")
                        .or_insert_with(|| Value::Object(Default::default()));
                    if let Value::Object(dest) = dest {
                        let current = dest
                            .entry("BufferingHints")
                            .or_insert_with(|| Value::Object(Default::default()));
                        if let Value::Object(current) = current {
                            current.extend(hints.clone());
                        }
                    }
                }
            }
            // An alarm's whole definition (PutMetricAlarm replaces it whole): the scenario's
            // alarm of that name becomes it.
            Edit::Call { op, params } if crate::sim::FULL_PAGE && op == "PutMetricAlarm" => {
                let name = params.get("AlarmName");
                if let Some(alarm) = scenario
                    .alarms
                    .iter_mut()
                    .find(|a| name.is_some() && a.get("AlarmName") == name)
                {
                    *alarm = params.clone();
                }
            }
            // A policy's whole configuration (PutScalingPolicy replaces it): the scenario's
            // policy of that group and name becomes it.
            Edit::Call { op, params } if crate::sim::FULL_PAGE && op == "PutScalingPolicy" => {
                let (group, name) = (params.get("AutoScalingGroupName"), params.get("PolicyName"));
                if let Some(policy) = scenario.scaling_policies.iter_mut().find(|p| {
                    name.is_some()
                        && p.get("PolicyName") == name
                        && p.get("AutoScalingGroupName") == group
                }) {
                    *policy = params.clone();
                }
            }
            // A broker consumer's prefetch: the scenario's consumer of that name gets it.
            Edit::Call { op, params } if crate::sim::FULL_PAGE && op == "Qos" => {
                let (name, broker) = (params.get("Client"), params.get("Broker"));
                let consumer = scenario
                    .broker_consumers
                    .iter_mut()
                    .find(|c| name.is_some() && c.get("name") == name && c.get("broker") == broker);
                if let (Some(Value::Object(c)), Some(n)) = (consumer, params.get("Prefetch")) {
                    c.insert("prefetch".into(), n.clone());
                }
            }
            Edit::Call { .. } => {}
            Edit::EndpointBehaviour {
                protocol,
                endpoint,
                behaviour,
            } => {
                for s in scenario
                    .topics
                    .iter_mut()
                    .flat_map(|t| t.subscriptions.iter_mut())
                    .filter(|s| &s.protocol == protocol && &s.endpoint == endpoint)
                {
                    s.behaviour = Some(behaviour.clone());
                }
            }
            Edit::SubscriptionAttribute {
                topic,
                protocol,
                endpoint,
                attribute,
                value,
            } => {
                let sub = scenario
                    .topics
                    .iter_mut()
                    .filter(|t| &t.name == topic)
                    .flat_map(|t| t.subscriptions.iter_mut())
                    .find(|s| &s.protocol == protocol && &s.endpoint == endpoint);
                if let Some(s) = sub {
                    if value.is_empty() {
                        s.attributes.remove(attribute);
                    } else {
                        s.attributes.insert(attribute.clone(), value.clone());
                    }
                }
            }
        }
    }

    /// Checks an edit read from outside (a link, the autosave) against the scenario it will
    /// be applied to: `Err((member, message))`, the member relative to the edit.
    pub fn check(&self, scenario: &Scenario) -> Result<(), (String, String)> {
        match self {
            Edit::Producer { index, spec } => {
                if *index >= scenario.producers.len() {
                    return Err(("index".into(), format!("no producer {index}")));
                }
                spec.validate().map_err(|m| split_member("spec", &m))
            }
            Edit::Consumer { index, spec } => {
                if *index >= scenario.consumers.len() {
                    return Err(("index".into(), format!("no consumer group {index}")));
                }
                spec.validate().map_err(|m| split_member("spec", &m))
            }
            Edit::StreamConsumer { index, spec } => {
                let Some(old) = scenario.stream_consumers.get(*index) else {
                    // A new reader: the scenario with it must still hold together (a stream
                    // of that name, a name no other actor has).
                    if *index > scenario.stream_consumers.len() {
                        return Err(("index".into(), format!("no stream reader {index}")));
                    }
                    let mut with = scenario.clone();
                    with.stream_consumers.push(spec.clone());
                    return with.validate().map_err(|e| {
                        let member = e.field.rsplit_once(']').map_or("", |(_, m)| m);
                        (format!("spec{member}"), e.message)
                    });
                };
                spec.validate().map_err(|m| split_member("spec", &m))?;
                // What a reader is stays; only how it reads and processes changes.
                let mut same = spec.clone();
                same.retrieval = old.retrieval;
                same.limit = old.limit;
                same.idle_time_between_reads_ms = old.idle_time_between_reads_ms;
                same.processing = old.processing.clone();
                if let (Some(n), Some(o)) = (&mut same.kcl, &old.kcl) {
                    n.failover_time_ms = o.failover_time_ms;
                    n.checkpoint_every_records = o.checkpoint_every_records;
                    n.checkpoint_interval_ms = o.checkpoint_interval_ms;
                    n.crash_probability = o.crash_probability;
                    n.restart_after_ms = o.restart_after_ms;
                }
                if same != *old {
                    return Err((
                        "spec".into(),
                        "a running reader keeps its name, stream, workers, start and planned \
                         crashes"
                            .into(),
                    ));
                }
                Ok(())
            }
            Edit::Call { op, params } => {
                if !CALL_OPS.contains(&op.as_str()) && full_page_call_service(op).is_none() {
                    let shown: String = op.chars().take(40).collect();
                    return Err((
                        "op".into(),
                        format!(
                            "{shown:?} is not a call the page makes ({})",
                            CALL_OPS.join(", ")
                        ),
                    ));
                }
                if !params.is_object() {
                    return Err(("params".into(), "must be a JSON object".into()));
                }
                Ok(())
            }
            // SetQueueAttributes checks the value itself when the edit is replayed; a refused
            // value changes nothing, as it would in AWS.
            Edit::QueueAttribute { .. } => Ok(()),
            // So does SetSubscriptionAttributes (and an unknown subscription is NotFound).
            Edit::SubscriptionAttribute { .. } => Ok(()),
            Edit::EndpointBehaviour { behaviour, .. } => behaviour
                .validate()
                .map_err(|m| split_member("behaviour", &m)),
        }
    }
}

/// Copies `members` that `params` has into `into` (a scenario's JSON entry).
fn copy_members(params: &Value, into: Option<&mut Value>, members: &[&str]) {
    let Some(Value::Object(entry)) = into else {
        return;
    };
    for m in members {
        if let Some(v) = params.get(*m) {
            entry.insert((*m).to_string(), v.clone());
        }
    }
}

/// `"rate_per_s: must be …"` → (`spec.rate_per_s`, `must be …`).
fn split_member(prefix: &str, message: &str) -> (String, String) {
    match message.split_once(": ") {
        Some((member, rest))
            if member
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_[]".contains(c)) =>
        {
            (format!("{prefix}.{member}"), rest.to_string())
        }
        _ => (prefix.to_string(), message.to_string()),
    }
}
