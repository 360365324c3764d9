//! The JSON layer. `svc: "mq"` is Amazon MQ's API with the botocore model's member names
//! (`BrokerName`, `EngineType`, `BrokerState`, `PendingHostInstanceType`, …); timestamps
//! (`Created`) are epoch seconds as numbers, as every `mqlab api` answer gives them.
//!
//! `svc: "mq-broker"` is **not an AWS API**: it drives the messaging plane that clients reach
//! over OpenWire / AMQP (`plane.rs`), with operations named after the JMS / AMQP verbs
//! (Connect, DeclareQueue, DeclareExchange, BindQueue, Consume, Subscribe, Publish,
//! GetDeliveries, Ack, Nack, DropConnection, LoseInstance, RestoreInstance, ListQueues) and
//! PascalCase members in the same style (aws-rules §7.8).

use super::ops::{bad_request, broker_not_found};
use super::plane::{ConnState, Dest, ExchangeType, Publish, QueueSpec, QueueType};
use super::{Broker, BrokerState, Ctx, Engine, Mq, DAYS};
use crate::core::aws::REGION;
use crate::core::error::AwsError;
use crate::core::request;
use crate::core::time::epoch_ms;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserInput {
    pub username: Option<String>,
    pub password: Option<String>,
    pub console_access: Option<bool>,
    pub groups: Option<Vec<String>>,
    pub replication_user: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WeeklyStartTimeInput {
    pub day_of_week: Option<String>,
    pub time_of_day: Option<String>,
    pub time_zone: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBrokerInput {
    pub broker_name: Option<String>,
    pub engine_type: Option<String>,
    pub engine_version: Option<String>,
    pub deployment_mode: Option<String>,
    pub host_instance_type: Option<String>,
    pub publicly_accessible: Option<bool>,
    pub auto_minor_version_upgrade: Option<bool>,
    pub users: Option<Vec<UserInput>>,
    pub storage_type: Option<String>,
    pub maintenance_window_start_time: Option<WeeklyStartTimeInput>,
    pub security_groups: Option<Vec<String>>,
    pub subnet_ids: Option<Vec<String>>,
    pub authentication_strategy: Option<String>,
    pub creator_request_id: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    pub logs: Option<Value>,
    pub configuration: Option<Value>,
    pub encryption_options: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateBrokerInput {
    pub broker_id: Option<String>,
    pub host_instance_type: Option<String>,
    pub engine_version: Option<String>,
    pub auto_minor_version_upgrade: Option<bool>,
    pub maintenance_window_start_time: Option<WeeklyStartTimeInput>,
    pub security_groups: Option<Vec<String>>,
    pub authentication_strategy: Option<String>,
    pub logs: Option<Value>,
    pub configuration: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BrokerIdInput {
    broker_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListBrokersInput {
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// Every member of the `mq-broker` operations (each takes the few it needs).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlaneInput {
    broker: Option<String>,
    client: Option<String>,
    failover: Option<bool>,
    connection_id: Option<usize>,
    consumer_id: Option<usize>,
    queue: Option<String>,
    queue_type: Option<String>,
    durable: Option<bool>,
    dead_letter_exchange: Option<String>,
    dead_letter_routing_key: Option<String>,
    delivery_limit: Option<u32>,
    exchange: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    topic: Option<String>,
    subscription_name: Option<String>,
    routing_key: Option<String>,
    arguments: Option<BTreeMap<String, String>>,
    headers: Option<BTreeMap<String, String>>,
    prefetch: Option<u32>,
    auto_ack: Option<bool>,
    body: Option<String>,
    persistent: Option<bool>,
    delivery_tag: Option<u64>,
    requeue: Option<bool>,
    instance: Option<usize>,
}

fn parse<T: DeserializeOwned + Default>(params: &Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "BadRequestException",
            member_message: "The request could not be read: {}.",
            not_object_message: "The request parameters must be a JSON object.",
        },
    )
}

fn epoch_s(t: u64) -> f64 {
    epoch_ms(t) as f64 / 1_000.0
}

/// `BrokerInstances`: none while the broker is being created; one per ActiveMQ instance
/// (`-1`, `-2`), one (the cluster's load balancer) for RabbitMQ.
fn instances(b: &Broker) -> Vec<Value> {
    if b.state == BrokerState::CreationInProgress {
        return Vec::new();
    }
    match b.engine {
        Engine::ActiveMq => (1..=b.instances.len())
            .map(|k| {
                let host = format!("{}-{k}.mq.{REGION}.amazonaws.com", b.id);
                json!({
                    "ConsoleURL": format!("https://{host}:8162"),
                    "Endpoints": [
                        format!("ssl://{host}:61617"),
                        format!("amqp+ssl://{host}:5671"),
                        format!("stomp+ssl://{host}:61614"),
                        format!("mqtt+ssl://{host}:8883"),
                        format!("wss://{host}:61619"),
                    ],
                })
            })
            .collect(),
        Engine::RabbitMq => {
            let host = format!("{}.mq.{REGION}.amazonaws.com", b.id);
            vec![json!({
                "ConsoleURL": format!("https://{host}"),
                "Endpoints": [format!("amqps://{host}:5671")],
            })]
        }
    }
}

fn window(b: &Broker) -> Value {
    json!({
        "DayOfWeek": DAYS[b.maintenance.day as usize % 7],
        "TimeOfDay": b.maintenance.time_of_day(),
        "TimeZone": "UTC",
    })
}

fn describe(b: &Broker) -> Value {
    let mut out = json!({
        "AuthenticationStrategy": "SIMPLE",
        "AutoMinorVersionUpgrade": b.auto_minor_version_upgrade,
        "BrokerArn": b.arn,
        "BrokerId": b.id,
        "BrokerInstances": instances(b),
        "BrokerName": b.name,
        "BrokerState": b.state.as_str(),
        "Created": epoch_s(b.created_at),
        "DataReplicationMode": "NONE",
        "DeploymentMode": b.deployment_mode.as_str(),
        "EncryptionOptions": {"UseAwsOwnedKey": true},
        "EngineType": b.engine.as_str(),
        "EngineVersion": b.engine_version,
        "HostInstanceType": b.instance_type.0,
        "MaintenanceWindowStartTime": window(b),
        "PubliclyAccessible": b.publicly_accessible,
        "SecurityGroups": b.security_groups,
        "StorageType": b.storage.as_str(),
        "SubnetIds": b.subnet_ids,
        "Tags": b.tags.iter().cloned().collect::<BTreeMap<String, String>>(),
        "Users": b.users.iter().map(|u| json!({"Username": u})).collect::<Vec<_>>(),
    });
    if let Some(t) = &b.pending_instance_type {
        out["PendingHostInstanceType"] = json!(t.0);
    }
    if let Some(v) = &b.pending_engine_version {
        out["PendingEngineVersion"] = json!(v);
    }
    out
}

fn summary(b: &Broker) -> Value {
    json!({
        "BrokerArn": b.arn,
        "BrokerId": b.id,
        "BrokerName": b.name,
        "BrokerState": b.state.as_str(),
        "Created": epoch_s(b.created_at),
        "DeploymentMode": b.deployment_mode.as_str(),
        "EngineType": b.engine.as_str(),
        "HostInstanceType": b.instance_type.0,
    })
}

fn need<'a, T>(v: &'a Option<T>, member: &str) -> Result<&'a T, AwsError> {
    v.as_ref().ok_or_else(|| {
        AwsError::new(
            "MissingParameter",
            format!("The request must contain the parameter {member}."),
        )
    })
}

impl Mq {
    /// One call: `svc` is `mq` (Amazon MQ's API) or `mq-broker` (the messaging plane, not an
    /// AWS API).
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        svc: &str,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        if svc == "mq-broker" {
            return self.plane_json(ctx, op, params);
        }
        match op {
            "CreateBroker" => {
                let input: CreateBrokerInput = parse(params)?;
                let (id, arn) = self.create_broker(ctx, &input)?;
                Ok(json!({"BrokerArn": arn, "BrokerId": id}))
            }
            "DescribeBroker" => {
                let input: BrokerIdInput = parse(params)?;
                let id = input.broker_id.ok_or_else(|| {
                    bad_request("broker-id", "The parameter BrokerId is required.")
                })?;
                self.broker(&id)
                    .map(describe)
                    .ok_or_else(|| broker_not_found(&id))
            }
            "ListBrokers" => {
                let input: ListBrokersInput = parse(params)?;
                let max = input.max_results.unwrap_or(20);
                if !(1..=100).contains(&max) {
                    return Err(bad_request(
                        "maxResults",
                        format!("MaxResults [{max}] must be an integer from 1 to 100."),
                    ));
                }
                let start = match &input.next_token {
                    None => 0,
                    Some(t) => t
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| n <= self.order.len())
                        .ok_or_else(|| bad_request("nextToken", "The NextToken is invalid."))?,
                };
                let all: Vec<&Broker> = self.brokers().collect();
                let end = (start + max as usize).min(all.len());
                let page: Vec<Value> = all[start..end].iter().map(|b| summary(b)).collect();
                let mut out = json!({ "BrokerSummaries": page });
                if end < all.len() {
                    out["NextToken"] = json!(end.to_string());
                }
                Ok(out)
            }
            "RebootBroker" => {
                let input: BrokerIdInput = parse(params)?;
                self.reboot_broker(ctx, input.broker_id.as_ref())?;
                Ok(json!({}))
            }
            "UpdateBroker" => {
                let input: UpdateBrokerInput = parse(params)?;
                let id = self.update_broker(ctx, &input)?;
                let b = self.broker(&id).ok_or_else(|| broker_not_found(&id))?;
                let mut out = json!({
                    "AuthenticationStrategy": "SIMPLE",
                    "AutoMinorVersionUpgrade": b.auto_minor_version_upgrade,
                    "BrokerId": b.id,
                    "MaintenanceWindowStartTime": window(b),
                    "SecurityGroups": b.security_groups,
                });
                if input.host_instance_type.is_some() {
                    out["HostInstanceType"] = json!(input.host_instance_type);
                }
                if input.engine_version.is_some() {
                    out["EngineVersion"] = json!(input.engine_version);
                }
                Ok(out)
            }
            "DeleteBroker" => {
                let input: BrokerIdInput = parse(params)?;
                let id = self.delete_broker(ctx, input.broker_id.as_ref())?;
                Ok(json!({"BrokerId": id}))
            }
            other => Err(AwsError::new(
                "UnknownOperationException",
                format!("The operation {other} is not simulated for Amazon MQ (mq)."),
            )),
        }
    }

    fn plane_json(&mut self, ctx: &mut Ctx, op: &str, params: &Value) -> Result<Value, AwsError> {
        let p: PlaneInput = parse(params)?;
        let broker = need(&p.broker, "Broker")?.clone();
        let conn = || need(&p.connection_id, "ConnectionId").copied();
        let pairs = |m: &Option<BTreeMap<String, String>>| -> Vec<(String, String)> {
            m.iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        match op {
            "Connect" => {
                let client = p.client.clone().unwrap_or_else(|| "client".into());
                let id = self.connect(ctx, &broker, &client, p.failover.unwrap_or(false))?;
                Ok(json!({ "ConnectionId": id }))
            }
            "DeclareQueue" => {
                let queue_type = match p.queue_type.as_deref() {
                    None => None,
                    Some("classic") => Some(QueueType::Classic),
                    Some("quorum") => Some(QueueType::Quorum),
                    Some(other) => {
                        return Err(AwsError::new(
                            "PRECONDITION_FAILED",
                            format!("x-queue-type '{other}' is not simulated (classic, quorum)"),
                        ))
                    }
                };
                let spec = QueueSpec {
                    queue_type,
                    durable: p.durable,
                    dead_letter_exchange: p.dead_letter_exchange.clone(),
                    dead_letter_routing_key: p.dead_letter_routing_key.clone(),
                    delivery_limit: p.delivery_limit,
                };
                self.declare_queue(ctx, &broker, need(&p.queue, "Queue")?, &spec)?;
                Ok(json!({}))
            }
            "DeclareExchange" => {
                let kind = need(&p.kind, "Type")?;
                let kind = ExchangeType::parse(kind).ok_or_else(|| {
                    AwsError::new("COMMAND_INVALID", format!("unknown exchange type '{kind}'"))
                })?;
                self.declare_exchange(&broker, need(&p.exchange, "Exchange")?, kind)?;
                Ok(json!({}))
            }
            "BindQueue" => {
                let key = p.routing_key.clone().unwrap_or_default();
                self.bind(
                    &broker,
                    need(&p.exchange, "Exchange")?,
                    need(&p.queue, "Queue")?,
                    &key,
                    &pairs(&p.arguments),
                )?;
                Ok(json!({}))
            }
            "Consume" => {
                let id = self.consume(
                    ctx,
                    &broker,
                    conn()?,
                    need(&p.queue, "Queue")?,
                    p.prefetch.unwrap_or(0),
                    p.auto_ack.unwrap_or(false),
                )?;
                Ok(json!({ "ConsumerId": id }))
            }
            // AMQP's basic.qos / OpenWire's prefetch policy, changed on a live consumer: the
            // consumer `ConsumerId`, or every instance of the scenario's consumer `Client`
            // (which keeps it when its connection is re-established). A larger window is
            // filled at once; a smaller one keeps what it holds until acked.
            "Qos" => {
                let prefetch = *need(&p.prefetch, "Prefetch")?;
                match &p.client {
                    Some(group) => self.qos_group(ctx, &broker, group, prefetch)?,
                    None => {
                        self.qos(ctx, &broker, *need(&p.consumer_id, "ConsumerId")?, prefetch)?
                    }
                }
                Ok(json!({}))
            }
            "Subscribe" => {
                let id = self.subscribe(
                    ctx,
                    &broker,
                    conn()?,
                    need(&p.topic, "Topic")?,
                    p.subscription_name.as_deref(),
                    p.prefetch.unwrap_or(0),
                )?;
                Ok(json!({ "ConsumerId": id }))
            }
            "Publish" => {
                let dest = match (&p.queue, &p.topic, &p.exchange) {
                    (Some(q), None, None) => Dest::Queue(q.clone()),
                    (None, Some(t), None) => Dest::Topic(t.clone()),
                    (None, None, Some(x)) => {
                        Dest::Exchange(x.clone(), p.routing_key.clone().unwrap_or_default())
                    }
                    _ => {
                        return Err(AwsError::new(
                            "MissingParameter",
                            "The request must contain exactly one of Queue, Topic, Exchange.",
                        ))
                    }
                };
                let body = p.body.clone().unwrap_or_default();
                let persistent = p.persistent.unwrap_or(true);
                let r = self.publish(
                    ctx,
                    &broker,
                    conn()?,
                    &dest,
                    &body,
                    persistent,
                    &pairs(&p.headers),
                )?;
                Ok(match r {
                    Publish::Accepted { message_id, queues } => {
                        json!({ "MessageId": message_id, "Queues": queues })
                    }
                    Publish::Blocked { until } => {
                        json!({ "Blocked": true, "RetryAt": until as f64 / 1_000.0 })
                    }
                })
            }
            "GetDeliveries" => {
                let consumer = *need(&p.consumer_id, "ConsumerId")?;
                let b = self
                    .find(&broker)
                    .ok_or_else(|| broker_not_found(&broker))?;
                let list: Vec<Value> = b
                    .plane
                    .deliveries(consumer)
                    .map(|d| {
                        json!({
                            "DeliveryTag": d.tag,
                            "MessageId": d.message.id,
                            "Queue": d.queue,
                            "Body": d.message.body,
                            "Persistent": d.message.persistent,
                            "Redelivered": d.message.deliveries > 1,
                            "DeliveryCount": d.message.deliveries,
                        })
                    })
                    .collect();
                Ok(json!({ "Deliveries": list }))
            }
            "Ack" => {
                self.ack(ctx, &broker, *need(&p.delivery_tag, "DeliveryTag")?)?;
                Ok(json!({}))
            }
            "Nack" => {
                let tag = *need(&p.delivery_tag, "DeliveryTag")?;
                self.nack(ctx, &broker, tag, p.requeue.unwrap_or(true))?;
                Ok(json!({}))
            }
            "DropConnection" => {
                self.drop_connection(ctx, &broker, conn()?)?;
                Ok(json!({}))
            }
            "LoseInstance" | "RestoreInstance" => {
                let i = *need(&p.instance, "Instance")?;
                if op == "LoseInstance" {
                    self.lose_instance(ctx, &broker, i)?;
                } else {
                    self.restore_instance(ctx, &broker, i)?;
                }
                Ok(json!({}))
            }
            "ListQueues" => {
                let b = self
                    .find(&broker)
                    .ok_or_else(|| broker_not_found(&broker))?;
                let queues: Vec<Value> = b
                    .plane
                    .queues
                    .values()
                    .map(|q| {
                        json!({
                            "Queue": q.name,
                            "QueueType": q.queue_type.as_str(),
                            "Available": b.queue_available(q),
                            "Messages": q.messages.len(),
                            "Unacked": b.plane.unacked.values().filter(|d| d.queue == q.name).count(),
                        })
                    })
                    .collect();
                let open = b
                    .plane
                    .connections
                    .iter()
                    .filter(|c| c.state == ConnState::Open)
                    .count();
                Ok(json!({ "Queues": queues, "OpenConnections": open }))
            }
            other => Err(AwsError::new(
                "UnknownOperationException",
                format!("The operation {other} is not a mq-broker operation."),
            )),
        }
    }
}
