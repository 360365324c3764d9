//! A scenario's Amazon MQ (aws-rules §7.12): `brokers` with CreateBroker's own members,
//! RUNNING from the start; the messaging declared in them as plainly as the SQS actors are
//! (`broker_destinations`, `broker_producers`, `broker_consumers`), made through the
//! messaging plane's operations; and `broker_events` (RebootBroker, an instance lost or
//! restored at a time) so that a failover is scriptable. Every member is checked here with
//! an error naming it. Reached only from `World::from_scenario`: the page links none of it.
//!
//! ```json
//! "brokers": [{"BrokerName": "events", "EngineType": "RABBITMQ", "EngineVersion": "3.13",
//!              "DeploymentMode": "CLUSTER_MULTI_AZ", "HostInstanceType": "mq.m5.large",
//!              "PubliclyAccessible": false,
//!              "Users": [{"Username": "admin", "Password": "correct-horse-battery"}]}],
//! "broker_destinations": [
//!   {"broker": "events", "queue": "eu", "queue_type": "quorum"},
//!   {"broker": "events", "exchange": "orders", "type": "topic",
//!    "bindings": [{"queue": "eu", "routing_key": "order.eu.*"}]}],
//! "broker_producers": [{"name": "shop", "broker": "events", "exchange": "orders",
//!                       "routing_keys": ["order.eu.new"], "rate_per_s": 20}],
//! "broker_consumers": [{"name": "eu-worker", "broker": "events", "queue": "eu",
//!                       "prefetch": 10, "processing": {"dist": "fixed", "ms": 200}}],
//! "broker_events": [{"at_s": 120, "broker": "events", "action": "RebootBroker"}]
//! ```

use super::{Scenario, ScenarioError};
use crate::actors::Processing;
use crate::core::time::MS_PER_S;
use crate::mq::api::CreateBrokerInput;
use crate::mq::clients::{
    Action, ConsumerSpec, EventSpec, ProcessingTime, ProducerSpec, Target,
    BROKER_CONSUMER_INSTANCES_MAX, BROKER_PRODUCER_RATE_MAX,
};
use crate::mq::plane::{ExchangeType, QueueSpec, QueueType};
use crate::mq::Engine;
use crate::world::World;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// CreateBroker's members (the botocore model's), each accepted in a scenario's broker.
const BROKER_MEMBERS: &[&str] = &[
    "BrokerName",
    "EngineType",
    "EngineVersion",
    "DeploymentMode",
    "HostInstanceType",
    "PubliclyAccessible",
    "AutoMinorVersionUpgrade",
    "Users",
    "StorageType",
    "MaintenanceWindowStartTime",
    "SecurityGroups",
    "SubnetIds",
    "AuthenticationStrategy",
    "CreatorRequestId",
    "Tags",
    "Logs",
    "Configuration",
    "EncryptionOptions",
];
const DESTINATION_MEMBERS: &[&str] = &[
    "broker",
    "queue",
    "topic",
    "exchange",
    "type",
    "queue_type",
    "durable",
    "dead_letter_exchange",
    "dead_letter_routing_key",
    "delivery_limit",
    "bindings",
];
const BINDING_MEMBERS: &[&str] = &["queue", "routing_key", "arguments"];
const PRODUCER_MEMBERS: &[&str] = &[
    "name",
    "broker",
    "queue",
    "topic",
    "exchange",
    "routing_keys",
    "rate_per_s",
    "persistent",
    "start_s",
    "stop_s",
];
const CONSUMER_MEMBERS: &[&str] = &[
    "name",
    "broker",
    "queue",
    "topic",
    "subscription_name",
    "count",
    "prefetch",
    "auto_ack",
    "processing",
    "failure_probability",
    "requeue",
    "start_s",
];
const EVENT_MEMBERS: &[&str] = &["at_s", "broker", "action", "instance"];
/// Most routing keys a producer rotates through, and bindings one exchange declares.
const KEYS_MAX: usize = 100;

fn err(field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError::new(field, message)
}

/// A scenario entry's object, every member known.
fn object<'a>(
    v: &'a Value,
    field: &str,
    known: &[&str],
) -> Result<&'a Map<String, Value>, ScenarioError> {
    let obj = v
        .as_object()
        .ok_or_else(|| err(field, "must be an object"))?;
    if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(err(
            format!("{field}.{k}"),
            format!("unknown member (known: {})", known.join(", ")),
        ));
    }
    Ok(obj)
}

/// Typed readers of one object's members, errors naming `field.member`.
struct Members<'a> {
    obj: &'a Map<String, Value>,
    field: &'a str,
}

impl Members<'_> {
    fn at(&self, k: &str) -> String {
        format!("{}.{k}", self.field)
    }

    fn str(&self, k: &str) -> Result<Option<String>, ScenarioError> {
        match self.obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= 255 => {
                Ok(Some(s.clone()))
            }
            Some(_) => Err(err(self.at(k), "must be a string of 1 to 255 characters")),
        }
    }

    fn required_str(&self, k: &str) -> Result<String, ScenarioError> {
        self.str(k)?.ok_or_else(|| err(self.at(k), "is required"))
    }

    fn bool(&self, k: &str) -> Result<Option<bool>, ScenarioError> {
        match self.obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(err(self.at(k), "must be true or false")),
        }
    }

    fn u32(&self, k: &str, max: u32) -> Result<Option<u32>, ScenarioError> {
        match self.obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|&n| n <= u64::from(max))
                .map(|n| Some(n as u32))
                .ok_or_else(|| err(self.at(k), format!("must be an integer from 0 to {max}"))),
        }
    }

    fn f64(&self, k: &str, max: f64) -> Result<Option<f64>, ScenarioError> {
        match self.obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|x| x.is_finite() && (0.0..=max).contains(x))
                .map(Some)
                .ok_or_else(|| err(self.at(k), format!("must be a number from 0 to {max}"))),
        }
    }

    /// Seconds from 0 to a year, as virtual milliseconds.
    fn time_ms(&self, k: &str) -> Result<Option<u64>, ScenarioError> {
        Ok(self
            .f64(k, 365.0 * 86_400.0)?
            .map(|s| (s * MS_PER_S as f64).round() as u64))
    }

    fn strings(&self, k: &str) -> Result<Vec<String>, ScenarioError> {
        match self.obj.get(k) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) if a.len() <= KEYS_MAX => a
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| err(self.at(k), "must be a list of strings")),
            Some(_) => Err(err(
                self.at(k),
                format!("must be a list of at most {KEYS_MAX} strings"),
            )),
        }
    }

    /// Exactly one of `queue`, `topic`, `exchange`.
    fn target(&self) -> Result<(&'static str, String), ScenarioError> {
        let mut found = Vec::new();
        for k in ["queue", "topic", "exchange"] {
            if let Some(v) = self.str(k)? {
                found.push((k, v));
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            _ => Err(err(
                self.field,
                "needs exactly one of queue, topic, exchange",
            )),
        }
    }
}

/// The scenario's brokers by name, with their engines (checked: each declared once).
fn broker_engines(s: &Scenario) -> Result<BTreeMap<String, Engine>, ScenarioError> {
    let mut out = BTreeMap::new();
    for (i, b) in s.brokers.iter().enumerate() {
        let field = format!("brokers[{i}]");
        let obj = object(b, &field, BROKER_MEMBERS)?;
        let name = obj.get("BrokerName").and_then(Value::as_str).unwrap_or("");
        let engine = match obj
            .get("EngineType")
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("RABBITMQ") => Engine::RabbitMq,
            _ => Engine::ActiveMq,
        };
        if out.insert(name.to_string(), engine).is_some() {
            return Err(err(format!("{field}.BrokerName"), "declared twice"));
        }
    }
    Ok(out)
}

/// `member` of an AWS error whose message names it (`… (ErrorAttribute: engineType)` →
/// `EngineType`).
fn aws_member(message: &str) -> Option<String> {
    let attr = message
        .rsplit_once("(ErrorAttribute: ")?
        .1
        .strip_suffix(')')?;
    let mut m = attr.to_string();
    m[..1].make_ascii_uppercase();
    BROKER_MEMBERS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(&m))
        .map(|k| k.to_string())
}

fn broker_of<'a>(
    m: &Members,
    engines: &'a BTreeMap<String, Engine>,
) -> Result<(String, &'a Engine), ScenarioError> {
    let b = m.required_str("broker")?;
    let engine = engines
        .get(&b)
        .ok_or_else(|| err(m.at("broker"), format!("no broker named {b:?} in brokers")))?;
    Ok((b, engine))
}

impl World {
    /// The scenario's brokers (RUNNING at once), their destinations, clients and events.
    pub(super) fn add_brokers(&mut self, s: &Scenario) -> Result<(), ScenarioError> {
        let engines = broker_engines(s)?;
        for (i, b) in s.brokers.iter().enumerate() {
            let field = format!("brokers[{i}]");
            let input: CreateBrokerInput = super::members(b, "brokers", i)?;
            self.with_mq(|mq, ctx| mq.create_broker_running(ctx, &input))
                .map_err(|e| match aws_member(&e.message) {
                    Some(m) => err(format!("{field}.{m}"), e.to_string()),
                    None => err(field.clone(), e.to_string()),
                })?;
        }
        for (i, d) in s.broker_destinations.iter().enumerate() {
            self.add_destination(d, i, &engines)?;
        }
        let mut names = BTreeSet::new();
        for (i, p) in s.broker_producers.iter().enumerate() {
            let spec = producer(p, i, &engines)?;
            if !names.insert(spec.name.clone()) {
                return Err(err(
                    format!("broker_producers[{i}].name"),
                    "must be unique among the broker producers and consumers",
                ));
            }
            self.with_mq(|mq, ctx| mq.add_broker_producer(ctx, spec));
        }
        for (i, c) in s.broker_consumers.iter().enumerate() {
            let spec = consumer(c, i, &engines)?;
            if !names.insert(spec.name.clone()) {
                return Err(err(
                    format!("broker_consumers[{i}].name"),
                    "must be unique among the broker producers and consumers",
                ));
            }
            self.with_mq(|mq, ctx| mq.add_broker_consumer(ctx, spec));
        }
        for (i, e) in s.broker_events.iter().enumerate() {
            let spec = event(e, i, &engines)?;
            self.with_mq(|mq, ctx| mq.add_broker_event(ctx, spec));
        }
        Ok(())
    }

    /// A queue (ActiveMQ, or RabbitMQ classic / quorum), an ActiveMQ topic, or a RabbitMQ
    /// exchange with its bindings, through DeclareQueue / DeclareExchange / BindQueue.
    fn add_destination(
        &mut self,
        d: &Value,
        i: usize,
        engines: &BTreeMap<String, Engine>,
    ) -> Result<(), ScenarioError> {
        let field = format!("broker_destinations[{i}]");
        let m = Members {
            obj: object(d, &field, DESTINATION_MEMBERS)?,
            field: &field,
        };
        let (broker, engine) = broker_of(&m, engines)?;
        let (kind, name) = m.target()?;
        let rabbit_only = [
            "type",
            "queue_type",
            "durable",
            "dead_letter_exchange",
            "dead_letter_routing_key",
            "delivery_limit",
            "bindings",
        ];
        let allowed: &[&str] = match (kind, engine) {
            ("queue", Engine::RabbitMq) => &[
                "queue_type",
                "durable",
                "dead_letter_exchange",
                "dead_letter_routing_key",
                "delivery_limit",
            ],
            ("exchange", Engine::RabbitMq) => &["type", "bindings"],
            (_, Engine::RabbitMq) => {
                return Err(err(
                    m.at(kind),
                    "RabbitMQ has queues and exchanges (a topic exchange routes by pattern)",
                ))
            }
            ("exchange", Engine::ActiveMq) => {
                return Err(err(
                    m.at(kind),
                    "ActiveMQ has queues and topics, not exchanges",
                ))
            }
            _ => &[],
        };
        if let Some(k) = rabbit_only
            .iter()
            .find(|k| m.obj.contains_key(**k) && !allowed.contains(k))
        {
            return Err(err(
                m.at(k),
                format!("not a member of a {} {kind}", engine.as_str()),
            ));
        }
        let at = |e: crate::core::error::AwsError| err(field.clone(), e.to_string());
        match kind {
            "queue" => {
                let queue_type = match m.str("queue_type")?.as_deref() {
                    None => None,
                    Some("classic") => Some(QueueType::Classic),
                    Some("quorum") => Some(QueueType::Quorum),
                    Some(other) => {
                        return Err(err(
                            m.at("queue_type"),
                            format!("{other:?} is not simulated (classic, quorum)"),
                        ))
                    }
                };
                let spec = QueueSpec {
                    queue_type,
                    durable: m.bool("durable")?,
                    dead_letter_exchange: m.str("dead_letter_exchange")?,
                    dead_letter_routing_key: m.str("dead_letter_routing_key")?,
                    delivery_limit: m.u32("delivery_limit", 1_000_000)?,
                };
                self.with_mq(|mq, ctx| mq.declare_queue(ctx, &broker, &name, &spec))
                    .map_err(at)
            }
            // An ActiveMQ topic exists on first use: declaring it names it for the producers
            // and subscribers (a publish before any subscription reaches nobody).
            "topic" => Ok(()),
            _ => {
                let t = m.required_str("type")?;
                let kind = ExchangeType::parse(&t).ok_or_else(|| {
                    err(
                        m.at("type"),
                        format!("{t:?} is not an exchange type (direct, topic, fanout, headers)"),
                    )
                })?;
                self.with_mq(|mq, _| mq.declare_exchange(&broker, &name, kind))
                    .map_err(at)?;
                let bindings = match m.obj.get("bindings") {
                    None | Some(Value::Null) => &Vec::new(),
                    Some(Value::Array(a)) if a.len() <= KEYS_MAX => a,
                    Some(_) => {
                        return Err(err(
                            m.at("bindings"),
                            format!("must be a list of at most {KEYS_MAX} bindings"),
                        ))
                    }
                };
                for (k, b) in bindings.iter().enumerate() {
                    let bf = format!("{field}.bindings[{k}]");
                    let bm = Members {
                        obj: object(b, &bf, BINDING_MEMBERS)?,
                        field: &bf,
                    };
                    let queue = bm.required_str("queue")?;
                    let key = bm.str("routing_key")?.unwrap_or_default();
                    let args: Vec<(String, String)> = match bm.obj.get("arguments") {
                        None | Some(Value::Null) => Vec::new(),
                        Some(Value::Object(o)) => o
                            .iter()
                            .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                            .collect::<Option<_>>()
                            .ok_or_else(|| err(bm.at("arguments"), "must map names to strings"))?,
                        Some(_) => return Err(err(bm.at("arguments"), "must be an object")),
                    };
                    self.with_mq(|mq, _| mq.bind(&broker, &name, &queue, &key, &args))
                        .map_err(|e| err(bm.at("queue"), e.to_string()))?;
                }
                Ok(())
            }
        }
    }
}

fn producer(
    v: &Value,
    i: usize,
    engines: &BTreeMap<String, Engine>,
) -> Result<ProducerSpec, ScenarioError> {
    let field = format!("broker_producers[{i}]");
    let m = Members {
        obj: object(v, &field, PRODUCER_MEMBERS)?,
        field: &field,
    };
    let name = m.required_str("name")?;
    let (broker, engine) = broker_of(&m, engines)?;
    let keys = m.strings("routing_keys")?;
    let target = match (m.target()?, engine) {
        (("exchange", x), Engine::RabbitMq) => Target::Exchange(x, keys.clone()),
        (("queue", q), _) => Target::Queue(q),
        (("topic", t), Engine::ActiveMq) => Target::Topic(t, None),
        ((k, _), _) => {
            return Err(err(
                m.at(k),
                format!("a {} broker has no {k}s to publish to", engine.as_str()),
            ))
        }
    };
    if !keys.is_empty() && !matches!(target, Target::Exchange(..)) {
        return Err(err(
            m.at("routing_keys"),
            "only a producer that publishes to an exchange routes by key",
        ));
    }
    let start_ms = m.time_ms("start_s")?.unwrap_or(0);
    let stop_ms = m.time_ms("stop_s")?;
    if stop_ms.is_some_and(|s| s < start_ms) {
        return Err(err(m.at("stop_s"), "must not be before start_s"));
    }
    Ok(ProducerSpec {
        name,
        broker,
        target,
        rate_per_s: m
            .f64("rate_per_s", BROKER_PRODUCER_RATE_MAX)?
            .ok_or_else(|| err(m.at("rate_per_s"), "is required"))?,
        // JMS's default delivery mode is PERSISTENT; an AMQP publisher sets delivery_mode 2.
        persistent: m.bool("persistent")?.unwrap_or(true),
        start_ms,
        stop_ms,
    })
}

fn consumer(
    v: &Value,
    i: usize,
    engines: &BTreeMap<String, Engine>,
) -> Result<ConsumerSpec, ScenarioError> {
    let field = format!("broker_consumers[{i}]");
    let m = Members {
        obj: object(v, &field, CONSUMER_MEMBERS)?,
        field: &field,
    };
    let name = m.required_str("name")?;
    let (broker, engine) = broker_of(&m, engines)?;
    let durable = m.str("subscription_name")?;
    let target = match (m.target()?, engine) {
        (("queue", q), _) => Target::Queue(q),
        (("topic", t), Engine::ActiveMq) => Target::Topic(t, durable.clone()),
        ((k, _), _) => {
            return Err(err(
                m.at(k),
                format!(
                    "a {} consumer reads a queue{}",
                    engine.as_str(),
                    if *engine == Engine::ActiveMq {
                        " or a topic"
                    } else {
                        " (bound to an exchange)"
                    }
                ),
            ))
        }
    };
    if durable.is_some() && !matches!(target, Target::Topic(..)) {
        return Err(err(
            m.at("subscription_name"),
            "only a topic subscriber has a durable subscription",
        ));
    }
    let processing = match m.obj.get("processing") {
        None | Some(Value::Null) => Processing::default(),
        Some(p) => {
            let p: Processing = super::members(p, &format!("{field}.processing"), 0)
                .map_err(|e| err(m.at("processing"), e.message))?;
            p.validate().map_err(|e| err(m.at("processing"), e))?;
            p
        }
    };
    let processing = match processing {
        Processing::Fixed { ms } => ProcessingTime::Fixed(ms),
        Processing::Uniform { min_ms, max_ms } => ProcessingTime::Uniform(min_ms, max_ms),
        Processing::Exponential { mean_ms } => ProcessingTime::Exponential(mean_ms),
        Processing::Normal { mean_ms, stddev_ms } => ProcessingTime::Normal(mean_ms, stddev_ms),
    };
    let auto_ack = m.bool("auto_ack")?.unwrap_or(false);
    let failure_probability = m.f64("failure_probability", 1.0)?.unwrap_or(0.0);
    if auto_ack && failure_probability > 0.0 {
        return Err(err(
            m.at("failure_probability"),
            "an auto_ack consumer acknowledges on delivery: it cannot nack",
        ));
    }
    Ok(ConsumerSpec {
        name,
        broker,
        target,
        count: m.u32("count", BROKER_CONSUMER_INSTANCES_MAX)?.unwrap_or(1),
        // 0 is AMQP's "unlimited"; one is always worth setting (aws-rules §7.8).
        prefetch: m.u32("prefetch", 65_535)?.unwrap_or(0),
        auto_ack,
        processing,
        failure_probability,
        requeue: m.bool("requeue")?.unwrap_or(true),
        start_ms: m.time_ms("start_s")?.unwrap_or(0),
    })
}

fn event(
    v: &Value,
    i: usize,
    engines: &BTreeMap<String, Engine>,
) -> Result<EventSpec, ScenarioError> {
    let field = format!("broker_events[{i}]");
    let m = Members {
        obj: object(v, &field, EVENT_MEMBERS)?,
        field: &field,
    };
    let (broker, _) = broker_of(&m, engines)?;
    let at_ms = m
        .time_ms("at_s")?
        .ok_or_else(|| err(m.at("at_s"), "is required"))?;
    let instance = m.u32("instance", 2)?;
    let action = match (m.required_str("action")?.as_str(), instance) {
        ("RebootBroker", None) => Action::Reboot,
        ("LoseInstance", Some(k)) => Action::LoseInstance(k as usize),
        ("RestoreInstance", Some(k)) => Action::RestoreInstance(k as usize),
        ("RebootBroker", Some(_)) => {
            return Err(err(
                m.at("instance"),
                "RebootBroker reboots the whole broker",
            ))
        }
        ("LoseInstance" | "RestoreInstance", None) => {
            return Err(err(m.at("instance"), "is required (0, 1 or 2)"))
        }
        (other, _) => {
            return Err(err(
                m.at("action"),
                format!("{other:?} is not an event (RebootBroker, LoseInstance, RestoreInstance)"),
            ))
        }
    };
    Ok(EventSpec {
        at_ms,
        broker,
        action,
    })
}
