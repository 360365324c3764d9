//! Checkpoints: a small declarative language of predicates over a running simulation, read
//! from lesson files and evaluated at every chart sample. A lesson's task is passed when the
//! *system* behaves, whatever the learner clicked to get there.
//!
//! ```json
//! {"all": [
//!   {"count": {"event": "MessageReceived", "queue": "orders", "min_receive_count": 2},
//!    "window_s": 60, "op": "==", "value": 0,
//!    "label": {"en": "messages received again", "ko": "다시 받은 메시지"}},
//!   {"metric": {"queue": "orders", "name": "NumberOfMessagesDeleted", "stat": "Sum", "minutes": 1},
//!    "op": ">=", "value": 5},
//!   {"queue": "orders", "attribute": "VisibilityTimeout", "op": ">=", "value": 10},
//!   {"consumer": "worker", "setting": "wait_time_s", "op": ">=", "value": 1}
//! ]}
//! ```
//!
//! - `count`: events of one kind (the engine's event names: `MessageReceived`,
//!   `MessageMovedToDeadLetterQueue`, `Throttled`, `NotificationDelivered`, …) matching the
//!   given members, counted over the last `window_s` virtual seconds (per-second buckets, so
//!   the count is the same however frames cut the run).
//! - `metric`: a CloudWatch metric of a queue, topic or stream, a statistic over its last
//!   `minutes` closed 1-minute periods.
//! - `queue` / `topic` / `stream` + `attribute`: an attribute as the API reports it now;
//!   `consumer` / `producer` + `setting`: a simulated actor's setting now (the scenario's
//!   member name).
//! - `all` / `any` combine; every leaf may carry a `label` in both languages, else it is
//!   described from its parts.
//!
//! Everything is read from the world and from the events it emitted: no clock, no hash-map
//! order, so the verdict at a virtual instant is the same on every machine.

use super::read::{self, join, opt, req, Field, Kind, ReadError};
use super::Text;
use crate::i18n::{t, tf, Lang};
use mqlab_engine::core::float::parse_f64;
use mqlab_engine::ordmap::OrdMap;
use mqlab_engine::{Event, EventKind, SimTime, World};
use serde_json::Value;
use std::collections::VecDeque;

/// The longest window a count may look back over, virtual seconds (one hour): its buckets are
/// per second, so this bounds what a count keeps.
pub const WINDOW_S_MAX: u64 = 3_600;
/// The most minutes a metric check may read back.
pub const METRIC_MINUTES_MAX: u32 = 60;

/// The event kinds a count may name (the engine's names).
pub const EVENTS: &[&str] = &[
    "MessageSent",
    "MessageReceived",
    "MessageDeleted",
    "MessageProcessed",
    "MessageVisible",
    "MessageMovedToDeadLetterQueue",
    "MessageExpired",
    "MessageRedriven",
    "MessageDeduplicated",
    "EmptyReceive",
    "Throttled",
    "ConsumerCrashed",
    "MessagePublished",
    "NotificationDelivered",
    "NotificationFilteredOut",
    "NotificationFailed",
    "NotificationMovedToDeadLetterQueue",
    "RecordPut",
    "ShardThrottled",
    "KinesisRecordsProcessed",
    "KinesisReadThrottled",
];

/// A comparison, written as in the lesson file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Ge,
    Gt,
    Le,
    Lt,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            ">=" => Op::Ge,
            ">" => Op::Gt,
            "<=" => Op::Le,
            "<" => Op::Lt,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
        }
    }

    fn holds(self, actual: &Value, goal: &Value) -> bool {
        if let (Some(a), Some(b)) = (number(actual), number(goal)) {
            return match self {
                Op::Eq => a == b,
                Op::Ne => a != b,
                Op::Ge => a >= b,
                Op::Gt => a > b,
                Op::Le => a <= b,
                Op::Lt => a < b,
            };
        }
        let same = text(actual) == text(goal);
        match self {
            Op::Eq => same,
            Op::Ne => !same,
            // An order between texts means nothing here; a missing value meets no goal.
            _ => false,
        }
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_f64(s.trim()).ok(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Which events a count counts: the kind and the members that must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventFilter {
    pub event: String,
    /// The queue (for a move to a DLQ, the source queue; for a redrive, the destination).
    pub queue: Option<String>,
    pub topic: Option<String>,
    /// A subscription's endpoint (a queue's ARN, a URL, a function's ARN).
    pub endpoint: Option<String>,
    pub stream: Option<String>,
    pub shard: Option<String>,
    /// The actor (producer, consumer instance — `worker` matches `worker-1`, `worker-2` …,
    /// or a Kinesis reader).
    pub actor: Option<String>,
    /// MessageReceived: only receives with at least this ApproximateReceiveCount (2 = a
    /// message seen again).
    pub min_receive_count: Option<u32>,
    /// MessageProcessed: only successes (true) or failures (false). ShardThrottled: —.
    pub ok: Option<bool>,
    /// MessageReceived: only deliveries of a message already deleted (a standard queue's
    /// at-least-once copy); KinesisRecordsProcessed: count the records processed again.
    pub duplicate: Option<bool>,
    /// EmptyReceive: only long polls (true) or short polls (false); ShardThrottled: `write`
    /// or `read` in `operation`.
    pub long_poll: Option<bool>,
    pub operation: Option<String>,
    /// MessageDeleted: only messages deleted after a later-sent message of their message group
    /// (of their queue, without groups) was deleted — processed out of order (true) — or only
    /// the others (false). Messages sent before the watch began count for neither.
    pub out_of_order: Option<bool>,
}

/// The most messages an out-of-order count remembers the send order of (a bound on memory:
/// beyond it, new messages count for neither).
pub const ORDER_TRACKED_MAX: usize = 100_000;

/// The send order of the messages a count watches, and per queue and message group the
/// latest-sent message deleted so far: a deletion of a message sent before that one is out of
/// order. (String-keyed `OrdMap`s: the B-tree code the page already has, where a `BTreeMap`
/// keyed by a tuple cost ~4 KB of wasm.)
#[derive(Clone, Debug, Default)]
struct Order {
    /// Message id → (its queue and group as one key of `done`, its place in send order).
    sent: OrdMap<String, (String, u64)>,
    next: u64,
    /// "queue\ngroup" → the latest place deleted.
    done: OrdMap<String, u64>,
}

impl Order {
    /// Remembers a send; for a deletion, whether it came out of order (None: not known).
    /// Only sends to `queue` (when given) are remembered.
    fn see(&mut self, kind: &EventKind, only: Option<&str>) -> Option<bool> {
        match kind {
            EventKind::MessageSent {
                queue,
                message_id,
                group_id,
                ..
            } => {
                if self.sent.len() < ORDER_TRACKED_MAX && only.is_none_or(|q| q == queue) {
                    self.next += 1;
                    let group = format!("{queue}\n{}", group_id.as_deref().unwrap_or(""));
                    self.sent.insert(message_id.clone(), (group, self.next));
                }
                None
            }
            EventKind::MessageDeleted { message_id, .. } => {
                let (group, n) = self.sent.remove(message_id.as_str())?;
                let latest = self.done.entry(group).or_insert(0);
                let late = n < *latest;
                *latest = (*latest).max(n);
                Some(late)
            }
            _ => None,
        }
    }
}

/// The members of one event a filter can test, and how much it counts for.
#[derive(Default)]
struct Facts<'a> {
    queue: Option<&'a str>,
    topic: Option<&'a str>,
    endpoint: Option<&'a str>,
    stream: Option<&'a str>,
    shard: Option<&'a str>,
    actor: Option<&'a str>,
    receive_count: Option<u32>,
    ok: Option<bool>,
    duplicate: Option<bool>,
    long_poll: Option<bool>,
    operation: Option<&'a str>,
    weight: u64,
    /// KinesisRecordsProcessed: of `weight`, how many were processed before.
    duplicates: u64,
}

/// The name and testable members of an event, or None for kinds a count cannot name.
fn facts(kind: &EventKind) -> Option<(&'static str, Facts<'_>)> {
    let f = Facts {
        weight: 1,
        ..Facts::default()
    };
    Some(match kind {
        EventKind::MessageSent { queue, actor, .. } => (
            "MessageSent",
            Facts {
                queue: Some(queue),
                actor: actor.as_deref(),
                ..f
            },
        ),
        EventKind::MessageReceived {
            queue,
            receive_count,
            duplicate,
            actor,
            ..
        } => (
            "MessageReceived",
            Facts {
                queue: Some(queue),
                actor: actor.as_deref(),
                receive_count: Some(*receive_count),
                duplicate: Some(*duplicate),
                ..f
            },
        ),
        EventKind::MessageDeleted { queue, actor, .. } => (
            "MessageDeleted",
            Facts {
                queue: Some(queue),
                actor: actor.as_deref(),
                ..f
            },
        ),
        EventKind::MessageProcessed {
            queue, actor, ok, ..
        } => (
            "MessageProcessed",
            Facts {
                queue: Some(queue),
                actor: Some(actor),
                ok: Some(*ok),
                ..f
            },
        ),
        EventKind::MessageVisible { queue, .. } => (
            "MessageVisible",
            Facts {
                queue: Some(queue),
                ..f
            },
        ),
        EventKind::MessageMovedToDeadLetterQueue { queue, .. } => (
            "MessageMovedToDeadLetterQueue",
            Facts {
                queue: Some(queue),
                ..f
            },
        ),
        EventKind::MessageExpired { queue, .. } => (
            "MessageExpired",
            Facts {
                queue: Some(queue),
                ..f
            },
        ),
        EventKind::MessageRedriven { destination, .. } => (
            "MessageRedriven",
            Facts {
                queue: Some(destination),
                ..f
            },
        ),
        EventKind::MessageDeduplicated { queue, actor, .. } => (
            "MessageDeduplicated",
            Facts {
                queue: Some(queue),
                actor: actor.as_deref(),
                ..f
            },
        ),
        EventKind::EmptyReceive {
            queue,
            long_poll,
            actor,
        } => (
            "EmptyReceive",
            Facts {
                queue: Some(queue),
                actor: actor.as_deref(),
                long_poll: Some(*long_poll),
                ..f
            },
        ),
        EventKind::Throttled {
            queue,
            operation,
            actor,
        } => (
            "Throttled",
            Facts {
                queue: Some(queue),
                operation: Some(operation),
                actor: actor.as_deref(),
                ..f
            },
        ),
        EventKind::ConsumerCrashed { actor, .. } => (
            "ConsumerCrashed",
            Facts {
                actor: Some(actor),
                ..f
            },
        ),
        EventKind::MessagePublished { topic, .. } => (
            "MessagePublished",
            Facts {
                topic: Some(topic),
                ..f
            },
        ),
        EventKind::NotificationDelivered {
            topic, endpoint, ..
        } => (
            "NotificationDelivered",
            Facts {
                topic: Some(topic),
                endpoint: Some(endpoint),
                ..f
            },
        ),
        EventKind::NotificationFilteredOut { topic, .. } => (
            "NotificationFilteredOut",
            Facts {
                topic: Some(topic),
                ..f
            },
        ),
        EventKind::NotificationFailed { topic, .. } => (
            "NotificationFailed",
            Facts {
                topic: Some(topic),
                ..f
            },
        ),
        EventKind::NotificationMovedToDeadLetterQueue { topic, .. } => (
            "NotificationMovedToDeadLetterQueue",
            Facts {
                topic: Some(topic),
                ..f
            },
        ),
        EventKind::RecordPut { stream, shard, .. } => (
            "RecordPut",
            Facts {
                stream: Some(stream),
                shard: Some(shard),
                ..f
            },
        ),
        EventKind::ShardThrottled {
            stream,
            shard,
            operation,
        } => (
            "ShardThrottled",
            Facts {
                stream: Some(stream),
                shard: Some(shard),
                operation: Some(operation),
                ..f
            },
        ),
        EventKind::KinesisRecordsProcessed {
            stream,
            shard_id,
            consumer,
            count,
            duplicates,
            ..
        } => (
            "KinesisRecordsProcessed",
            Facts {
                stream: Some(stream),
                shard: Some(shard_id),
                actor: Some(consumer),
                weight: *count as u64,
                duplicates: *duplicates as u64,
                ..f
            },
        ),
        EventKind::KinesisReadThrottled {
            stream,
            shard_id,
            consumer,
            ..
        } => (
            "KinesisReadThrottled",
            Facts {
                stream: Some(stream),
                shard: Some(shard_id),
                actor: Some(consumer),
                ..f
            },
        ),
        _ => return None,
    })
}

/// `worker` names the group: its instances are `worker-1`, `worker-2` ….
fn actor_matches(want: &str, actual: &str) -> bool {
    actual == want
        || actual
            .strip_prefix(want)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl EventFilter {
    /// How much `kind` counts for under this filter (0: it does not match).
    pub fn weight(&self, kind: &EventKind) -> u64 {
        let Some((name, f)) = facts(kind) else {
            return 0;
        };
        let eq = |want: &Option<String>, actual: Option<&str>| {
            want.as_deref().is_none_or(|w| actual == Some(w))
        };
        let matches = name == self.event
            && eq(&self.queue, f.queue)
            && eq(&self.topic, f.topic)
            && eq(&self.endpoint, f.endpoint)
            && eq(&self.stream, f.stream)
            && eq(&self.shard, f.shard)
            && eq(&self.operation, f.operation)
            && self
                .actor
                .as_deref()
                .is_none_or(|w| f.actor.is_some_and(|a| actor_matches(w, a)))
            && self
                .min_receive_count
                .is_none_or(|m| f.receive_count.is_some_and(|c| c >= m))
            && self.ok.is_none_or(|w| f.ok == Some(w))
            && self.long_poll.is_none_or(|w| f.long_poll == Some(w));
        if !matches {
            return 0;
        }
        match (self.duplicate, f.duplicate) {
            (None, _) => f.weight,
            (Some(w), Some(d)) => u64::from(w == d),
            // Kinesis: the records processed again (or not) among the batch.
            (Some(true), None) => f.duplicates,
            (Some(false), None) => f.weight - f.duplicates.min(f.weight),
        }
    }
}

/// Which resource a metric belongs to (its CloudWatch dimension).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRef {
    pub queue: Option<String>,
    pub topic: Option<String>,
    pub stream: Option<String>,
    /// The CloudWatch metric name (`NumberOfEmptyReceives`, `IncomingRecords` …).
    pub name: String,
    pub stat: Stat,
    /// The last this many closed 1-minute periods.
    pub minutes: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Sum,
    Average,
    Maximum,
    Minimum,
}

/// One predicate, as the lesson file writes it: the first member says which kind (see
/// [`Check::read`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    All(Vec<Check>),
    Any(Vec<Check>),
    Count(CountCheck),
    Metric(MetricCheck),
    Attribute(AttributeCheck),
    Setting(SettingCheck),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CountCheck {
    pub count: EventFilter,
    pub window_s: u64,
    pub op: Op,
    pub value: Value,
    pub label: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetricCheck {
    pub metric: MetricRef,
    pub op: Op,
    pub value: Value,
    pub label: Option<Text>,
}

/// `{"queue": "orders", "attribute": "VisibilityTimeout", …}` (or `topic`, `stream`).
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeCheck {
    pub queue: Option<String>,
    pub topic: Option<String>,
    pub stream: Option<String>,
    pub attribute: String,
    pub op: Op,
    pub value: Value,
    pub label: Option<Text>,
}

/// `{"consumer": "worker", "setting": "wait_time_s", …}` (or `producer`).
#[derive(Clone, Debug, PartialEq)]
pub struct SettingCheck {
    pub consumer: Option<String>,
    pub producer: Option<String>,
    pub setting: String,
    pub op: Op,
    pub value: Value,
    pub label: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Resource {
    Queue(String),
    Topic(String),
    Stream(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Actor {
    Consumer(String),
    Producer(String),
}

impl AttributeCheck {
    pub fn of(&self) -> Option<Resource> {
        match (&self.queue, &self.topic, &self.stream) {
            (Some(q), None, None) => Some(Resource::Queue(q.clone())),
            (None, Some(t), None) => Some(Resource::Topic(t.clone())),
            (None, None, Some(s)) => Some(Resource::Stream(s.clone())),
            _ => None,
        }
    }
}

impl SettingCheck {
    pub fn of(&self) -> Option<Actor> {
        match (&self.consumer, &self.producer) {
            (Some(c), None) => Some(Actor::Consumer(c.clone())),
            (None, Some(p)) => Some(Actor::Producer(p.clone())),
            _ => None,
        }
    }
}

/// The state of one leaf, in words, and whether it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub met: bool,
    pub text: String,
}

/// A checkpoint's verdict at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub met: bool,
    /// One line per leaf, in the order of the file.
    pub parts: Vec<Part>,
}

impl Check {
    /// Reads a checkpoint from a lesson file, checking what can be checked without a world
    /// (kinds, event names, ranges). `Err((member, message))`, the member relative to the
    /// check (`all[1].count.event`).
    pub fn read(v: &Value) -> Result<Check, ReadError> {
        let Some(obj) = v.as_object() else {
            return Err((String::new(), "must be a JSON object".into()));
        };
        for key in ["all", "any"] {
            if obj.contains_key(key) {
                if obj.len() != 1 {
                    return Err((String::new(), format!("{key} stands alone in its object")));
                }
                let list = read::list(v, key);
                if list.is_empty() {
                    return Err((key.into(), "must be a list of at least one check".into()));
                }
                let mut checks = Vec::new();
                for (i, c) in list.iter().enumerate() {
                    checks.push(
                        Check::read(c).map_err(|(m, e)| (join(&format!("{key}[{i}]"), &m), e))?,
                    );
                }
                return Ok(if key == "all" {
                    Check::All(checks)
                } else {
                    Check::Any(checks)
                });
            }
        }
        let schema = if obj.contains_key("count") {
            Kind::Obj(COUNT)
        } else if obj.contains_key("metric") {
            Kind::Obj(METRIC)
        } else if obj.contains_key("attribute") {
            Kind::OneObj(ATTRIBUTE, DIMS)
        } else if obj.contains_key("setting") {
            Kind::OneObj(SETTING, &["consumer", "producer"])
        } else {
            return Err((
                String::new(),
                "expected all, any, count, metric, queue/topic/stream + attribute, or consumer/producer + setting".into(),
            ));
        };
        read::check(v, &schema, "")?;
        // Checked above: what follows only takes the members out.
        let op = Op::parse(&read::str_of(v, "op")).unwrap_or(Op::Eq);
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        let label = read::opt_text(v, "label");
        let whole = |x: &Value, k: &str| x.get(k).and_then(Value::as_f64).unwrap_or(0.0) as u64;
        if let Some(f) = v.get("count") {
            check_number(&value)?;
            let flag = |k: &str| f.get(k).and_then(Value::as_bool);
            let count = EventFilter {
                event: read::str_of(f, "event"),
                queue: read::opt_str(f, "queue"),
                topic: read::opt_str(f, "topic"),
                endpoint: read::opt_str(f, "endpoint"),
                stream: read::opt_str(f, "stream"),
                shard: read::opt_str(f, "shard"),
                actor: read::opt_str(f, "actor"),
                min_receive_count: f
                    .get("min_receive_count")
                    .map(|_| whole(f, "min_receive_count").min(u64::from(u32::MAX)) as u32),
                ok: flag("ok"),
                duplicate: flag("duplicate"),
                long_poll: flag("long_poll"),
                operation: read::opt_str(f, "operation"),
                out_of_order: flag("out_of_order"),
            };
            return Ok(Check::Count(CountCheck {
                count,
                window_s: whole(v, "window_s"),
                op,
                value,
                label,
            }));
        }
        if let Some(m) = v.get("metric") {
            check_number(&value)?;
            let stat = match read::str_of(m, "stat").as_str() {
                "Sum" => Stat::Sum,
                "Average" => Stat::Average,
                "Maximum" => Stat::Maximum,
                _ => Stat::Minimum,
            };
            let metric = MetricRef {
                queue: read::opt_str(m, "queue"),
                topic: read::opt_str(m, "topic"),
                stream: read::opt_str(m, "stream"),
                name: read::str_of(m, "name"),
                stat,
                minutes: whole(m, "minutes") as u32,
            };
            return Ok(Check::Metric(MetricCheck {
                metric,
                op,
                value,
                label,
            }));
        }
        if obj.contains_key("attribute") {
            return Ok(Check::Attribute(AttributeCheck {
                queue: read::opt_str(v, "queue"),
                topic: read::opt_str(v, "topic"),
                stream: read::opt_str(v, "stream"),
                attribute: read::str_of(v, "attribute"),
                op,
                value,
                label,
            }));
        }
        Ok(Check::Setting(SettingCheck {
            consumer: read::opt_str(v, "consumer"),
            producer: read::opt_str(v, "producer"),
            setting: read::str_of(v, "setting"),
            op,
            value,
            label,
        }))
    }

    /// Visits every leaf, depth first.
    pub fn leaves<'a>(&'a self, out: &mut Vec<&'a Check>) {
        match self {
            Check::All(v) | Check::Any(v) => {
                for c in v {
                    c.leaves(out);
                }
            }
            leaf => out.push(leaf),
        }
    }

    /// What must exist in the world for the check to mean anything: (member, kind, name).
    pub fn names(&self) -> Vec<(&'static str, &'static str, String)> {
        let mut out = Vec::new();
        let mut leaves = Vec::new();
        self.leaves(&mut leaves);
        for leaf in leaves {
            let dims: [(&'static str, &'static str, &Option<String>); 3] = match leaf {
                Check::Count(c) => [
                    ("count.queue", "queue", &c.count.queue),
                    ("count.topic", "topic", &c.count.topic),
                    ("count.stream", "stream", &c.count.stream),
                ],
                Check::Metric(c) => [
                    ("metric.queue", "queue", &c.metric.queue),
                    ("metric.topic", "topic", &c.metric.topic),
                    ("metric.stream", "stream", &c.metric.stream),
                ],
                Check::Attribute(c) => [
                    ("queue", "queue", &c.queue),
                    ("topic", "topic", &c.topic),
                    ("stream", "stream", &c.stream),
                ],
                Check::Setting(c) => [
                    ("consumer", "consumer", &c.consumer),
                    ("producer", "producer", &c.producer),
                    ("", "", &None),
                ],
                Check::All(_) | Check::Any(_) => continue,
            };
            for (member, kind, v) in dims {
                if let Some(v) = v {
                    out.push((member, kind, v.clone()));
                }
            }
        }
        out
    }
}

const COMMON_OP: Field = req("op", Kind::OneOf(&["==", "!=", ">=", ">", "<=", "<"]));
const FILTER: &[Field] = &[
    req("event", Kind::OneOf(EVENTS)),
    opt("queue", Kind::Str),
    opt("topic", Kind::Str),
    opt("endpoint", Kind::Str),
    opt("stream", Kind::Str),
    opt("shard", Kind::Str),
    opt("actor", Kind::Str),
    opt("min_receive_count", Kind::Count),
    opt("ok", Kind::Bool),
    opt("duplicate", Kind::Bool),
    opt("long_poll", Kind::Bool),
    opt("operation", Kind::Str),
    opt("out_of_order", Kind::Bool),
];
const COUNT: &[Field] = &[
    req("count", Kind::Obj(FILTER)),
    req("window_s", Kind::Range(1.0, WINDOW_S_MAX as f64)),
    COMMON_OP,
    req("value", Kind::Any),
    opt("label", Kind::Text),
];
const DIMS: &[&str] = &["queue", "topic", "stream"];
const METRIC_REF: &[Field] = &[
    opt("queue", Kind::Str),
    opt("topic", Kind::Str),
    opt("stream", Kind::Str),
    req("name", Kind::Str),
    req(
        "stat",
        Kind::OneOf(&["Sum", "Average", "Maximum", "Minimum"]),
    ),
    req("minutes", Kind::Range(1.0, METRIC_MINUTES_MAX as f64)),
];
const METRIC: &[Field] = &[
    req("metric", Kind::OneObj(METRIC_REF, DIMS)),
    COMMON_OP,
    req("value", Kind::Any),
    opt("label", Kind::Text),
];
const ATTRIBUTE: &[Field] = &[
    opt("queue", Kind::Str),
    opt("topic", Kind::Str),
    opt("stream", Kind::Str),
    req("attribute", Kind::Str),
    COMMON_OP,
    req("value", Kind::Any),
    opt("label", Kind::Text),
];
const SETTING: &[Field] = &[
    opt("consumer", Kind::Str),
    opt("producer", Kind::Str),
    req("setting", Kind::Str),
    COMMON_OP,
    req("value", Kind::Any),
    opt("label", Kind::Text),
];

fn check_number(v: &Value) -> Result<(), (String, String)> {
    match number(v) {
        Some(n) if n.is_finite() => Ok(()),
        _ => Err(("value".into(), "must be a number".into())),
    }
}

/// One count's events: per virtual second, how many matched, for the seconds that had any.
#[derive(Clone, Debug, Default)]
struct Counter {
    filter: EventFilter,
    window_s: u64,
    buckets: VecDeque<(u64, u64)>,
    /// For an out-of-order count: the order messages were sent in.
    order: Option<Order>,
}

impl Counter {
    fn add(&mut self, t: SimTime, n: u64) {
        let s = t / 1_000;
        match self.buckets.back_mut() {
            Some((last, c)) if *last == s => *c += n,
            _ => self.buckets.push_back((s, n)),
        }
    }

    /// Drops the seconds older than the window ending at `now` (at most `window_s` remain).
    fn prune(&mut self, now: SimTime) {
        let now_s = now / 1_000;
        while self
            .buckets
            .front()
            .is_some_and(|&(s, _)| s + self.window_s <= now_s)
        {
            self.buckets.pop_front();
        }
    }

    /// Events in the last `window_s` seconds up to `now` (the current second included).
    fn total(&self, now: SimTime) -> u64 {
        let now_s = now / 1_000;
        self.buckets
            .iter()
            .filter(|&&(s, _)| s + self.window_s > now_s && s <= now_s)
            .map(|&(_, c)| c)
            .sum()
    }
}

/// A checkpoint watching a run: fed every event the run emits, evaluated at every sample.
#[derive(Clone, Debug)]
pub struct Watch {
    pub check: Check,
    counters: Vec<Counter>,
    /// Since when the watch has seen the run (a window cannot reach before it).
    pub since_ms: SimTime,
    pub last: Option<(SimTime, bool)>,
    /// Whether the checkpoint has held at any sample since the watch began.
    pub ever_met: bool,
}

impl Watch {
    pub fn new(check: Check, now: SimTime) -> Watch {
        let mut leaves = Vec::new();
        check.leaves(&mut leaves);
        let counters = leaves
            .into_iter()
            .filter_map(|l| match l {
                Check::Count(c) => Some(Counter {
                    filter: c.count.clone(),
                    window_s: c.window_s.min(WINDOW_S_MAX),
                    buckets: VecDeque::new(),
                    order: c.count.out_of_order.map(|_| Order::default()),
                }),
                _ => None,
            })
            .collect();
        Watch {
            check,
            counters,
            since_ms: now,
            last: None,
            ever_met: false,
        }
    }

    pub fn observe(&mut self, events: &[Event]) {
        for e in events {
            if e.t < self.since_ms {
                continue;
            }
            for c in &mut self.counters {
                let mut n = c.filter.weight(&e.kind);
                if let Some(order) = &mut c.order {
                    let late = order.see(&e.kind, c.filter.queue.as_deref());
                    if late.is_none() || late != c.filter.out_of_order {
                        n = 0;
                    }
                }
                if n > 0 {
                    c.add(e.t, n);
                }
            }
        }
    }

    /// The verdict now, remembered (the run calls it at every chart sample).
    pub fn evaluate(&mut self, world: &World) -> bool {
        let now = world.now();
        for c in &mut self.counters {
            c.prune(now);
        }
        let mut next_counter = 0;
        let met = eval(
            &self.check,
            world,
            &self.counters,
            &mut next_counter,
            self.since_ms,
            None,
        )
        .met;
        self.last = Some((now, met));
        self.ever_met |= met;
        met
    }

    /// The verdict now, not remembered.
    pub fn evaluate_now(&self, world: &World) -> bool {
        let mut next_counter = 0;
        eval(
            &self.check,
            world,
            &self.counters,
            &mut next_counter,
            self.since_ms,
            None,
        )
        .met
    }

    /// The verdict now with its state in words, in `lang` (for the page).
    pub fn status(&self, world: &World, lang: Lang) -> Status {
        let mut next_counter = 0;
        eval(
            &self.check,
            world,
            &self.counters,
            &mut next_counter,
            self.since_ms,
            Some(lang),
        )
    }
}

/// The verdict of `check`; with `lang` None, no texts (the per-sample verdict needs none).
fn eval(
    check: &Check,
    world: &World,
    counters: &[Counter],
    next: &mut usize,
    since_ms: SimTime,
    lang: Option<Lang>,
) -> Status {
    let now = world.now();
    // One line per leaf: "{what}: {n} {scope} (goal {op} {goal})", in `lang` if texts are
    // asked for. `what` is the lesson's label, else described from the check.
    let leaf = |met: bool,
                label: &Option<Text>,
                what: &dyn Fn(Lang) -> String,
                n: String,
                scope: &dyn Fn(Lang) -> String,
                op: Op,
                goal: &Value| {
        let text = lang.map_or_else(String::new, |lang| {
            let what = label
                .as_ref()
                .map_or_else(|| what(lang), |l| l.get(lang).to_string());
            tf(
                lang,
                "check.part",
                &[
                    ("what", &what),
                    ("n", &n),
                    ("scope", &scope(lang)),
                    ("op", op.symbol()),
                    ("goal", &text(goal)),
                ],
            )
        });
        Status {
            met,
            parts: vec![Part { met, text }],
        }
    };
    let now_scope = |lang: Lang| t(lang, "check.now").to_string();
    match check {
        Check::All(list) | Check::Any(list) => {
            let subs: Vec<Status> = list
                .iter()
                .map(|c| eval(c, world, counters, next, since_ms, lang))
                .collect();
            let met = if matches!(check, Check::All(_)) {
                subs.iter().all(|s| s.met)
            } else {
                subs.iter().any(|s| s.met)
            };
            Status {
                met,
                parts: subs.into_iter().flat_map(|s| s.parts).collect(),
            }
        }
        Check::Count(c) => {
            let n = counters.get(*next).map_or(0, |k| k.total(now));
            *next += 1;
            // "At most n in the last minute" means nothing until a whole minute was watched.
            let watched_s = now.saturating_sub(since_ms) / 1_000;
            let full = watched_s >= c.window_s;
            let upper_bound = matches!(c.op, Op::Eq | Op::Le | Op::Lt);
            let met = c.op.holds(&Value::from(n), &c.value) && (full || !upper_bound);
            let scope = |lang: Lang| {
                let mut s = tf(
                    lang,
                    "check.in_last",
                    &[("window", &window_text(c.window_s, lang))],
                );
                if upper_bound && !full {
                    s.push_str(&tf(
                        lang,
                        "check.watching",
                        &[
                            ("s", &watched_s.to_string()),
                            ("window", &c.window_s.to_string()),
                        ],
                    ));
                }
                s
            };
            leaf(
                met,
                &c.label,
                &|lang| describe_event(&c.count, lang),
                n.to_string(),
                &scope,
                c.op,
                &c.value,
            )
        }
        Check::Metric(c) => {
            let m = &c.metric;
            let actual = metric_value(world, m);
            let met = actual.is_some_and(|a| c.op.holds(&Value::from(a), &c.value));
            let dim = [&m.queue, &m.topic, &m.stream]
                .iter()
                .find_map(|x| x.as_deref())
                .unwrap_or_default();
            leaf(
                met,
                &c.label,
                &|_| format!("{} {} ({dim})", stat_name(m.stat), m.name),
                actual.map_or_else(|| "—".to_string(), round),
                &|lang| {
                    tf(
                        lang,
                        "check.in_last",
                        &[("window", &window_text(u64::from(m.minutes) * 60, lang))],
                    )
                },
                c.op,
                &c.value,
            )
        }
        Check::Attribute(c) => {
            let actual = c
                .of()
                .and_then(|of| attribute_value(world, &of, &c.attribute));
            let met = actual.as_ref().is_some_and(|a| c.op.holds(a, &c.value));
            let name = [&c.queue, &c.topic, &c.stream]
                .iter()
                .find_map(|x| x.as_deref())
                .unwrap_or_default();
            leaf(
                met,
                &c.label,
                &|_| format!("{} ({name})", c.attribute),
                shown(actual.as_ref()),
                &now_scope,
                c.op,
                &c.value,
            )
        }
        Check::Setting(c) => {
            let actual = c.of().and_then(|of| setting_value(world, &of, &c.setting));
            let met = actual.as_ref().is_some_and(|a| c.op.holds(a, &c.value));
            let name = [&c.consumer, &c.producer]
                .iter()
                .find_map(|x| x.as_deref())
                .unwrap_or_default();
            leaf(
                met,
                &c.label,
                &|_| format!("{name}.{}", c.setting),
                shown(actual.as_ref()),
                &now_scope,
                c.op,
                &c.value,
            )
        }
    }
}

/// A value as the checkpoint line shows it ("—" when unset).
fn shown(v: Option<&Value>) -> String {
    match v {
        Some(Value::Null) | None => "—".to_string(),
        Some(v) => text(v),
    }
}

fn round(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

fn stat_name(s: Stat) -> &'static str {
    match s {
        Stat::Sum => "Sum",
        Stat::Average => "Average",
        Stat::Maximum => "Maximum",
        Stat::Minimum => "Minimum",
    }
}

fn window_text(window_s: u64, lang: Lang) -> String {
    if window_s.is_multiple_of(60) {
        tf(
            lang,
            "check.window_min",
            &[("n", &(window_s / 60).to_string())],
        )
    } else {
        tf(lang, "check.window_s", &[("n", &window_s.to_string())])
    }
}

/// A count described from its parts: "MessageReceived (orders, received 2+ times)".
fn describe_event(f: &EventFilter, lang: Lang) -> String {
    let mut parts: Vec<String> = [
        &f.queue,
        &f.topic,
        &f.endpoint,
        &f.stream,
        &f.shard,
        &f.actor,
    ]
    .iter()
    .filter_map(|v| v.as_ref().cloned())
    .collect();
    if let Some(n) = f.min_receive_count {
        parts.push(tf(lang, "check.receive_count", &[("n", &n.to_string())]));
    }
    if f.duplicate == Some(true) {
        parts.push(t(lang, "msg.duplicate").to_string());
    }
    if f.out_of_order == Some(true) {
        parts.push(t(lang, "check.out_of_order").to_string());
    }
    if parts.is_empty() {
        f.event.clone()
    } else {
        format!("{} ({})", f.event, parts.join(", "))
    }
}

/// The statistic over the last `minutes` closed minutes, or None before the first closes.
fn metric_value(world: &World, m: &MetricRef) -> Option<f64> {
    let n = m.minutes as usize;
    let values: Vec<f64> = if let Some(q) = &m.queue {
        let q = world.sqs().queue_by_name(q)?;
        let h = &q.metrics.history;
        h.iter_from(h.len().saturating_sub(n))
            .map(|s| value_of(&s.values(), &m.name))
            .collect()
    } else if let Some(name) = &m.topic {
        let topic = world.sns().topic_by_name(name)?;
        let h = &topic.metrics.history;
        h.iter_from(h.len().saturating_sub(n))
            .map(|s| value_of(&s.values(), &m.name))
            .collect()
    } else if let Some(name) = &m.stream {
        let s = world.kinesis().stream(name)?;
        let h = &s.metrics.history;
        h.iter_from(h.len().saturating_sub(n))
            .map(|s| value_of(&s.values(), &m.name))
            .collect()
    } else {
        return None;
    };
    if values.is_empty() {
        return None;
    }
    let sum: f64 = values.iter().sum();
    Some(match m.stat {
        Stat::Sum => sum,
        Stat::Average => sum / values.len() as f64,
        Stat::Maximum => values.iter().copied().fold(f64::MIN, f64::max),
        Stat::Minimum => values.iter().copied().fold(f64::MAX, f64::min),
    })
}

/// A metric absent from a minute (SentMessageSize before the first send) counts as 0.
fn value_of(values: &[(&'static str, f64)], name: &str) -> f64 {
    values
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0.0, |&(_, v)| v)
}

/// An attribute as the API reports it now (GetQueueAttributes, GetTopicAttributes,
/// DescribeStreamSummary), as JSON; None when the resource or attribute does not exist.
pub fn attribute_value(world: &World, of: &Resource, attribute: &str) -> Option<Value> {
    match of {
        Resource::Queue(name) => {
            let q = world.sqs().queue_by_name(name)?;
            let n = |v: usize| Some(Value::from(v as u64));
            match attribute {
                "ApproximateNumberOfMessages" => n(q.visible_count()),
                "ApproximateNumberOfMessagesNotVisible" => n(q.in_flight_count()),
                "ApproximateNumberOfMessagesDelayed" => n(q.delayed_count()),
                "RedrivePolicy" => {
                    Some(q.attrs.render(attribute).map_or(Value::Null, Value::String))
                }
                "maxReceiveCount" => q
                    .attrs
                    .redrive_policy
                    .as_ref()
                    .map(|p| Value::from(p.max_receive_count)),
                _ => q.attrs.render(attribute).map(Value::String),
            }
        }
        Resource::Topic(name) => world
            .sns()
            .topic_by_name(name)?
            .rendered(attribute)
            .map(Value::String),
        Resource::Stream(name) => {
            let s = world.kinesis().stream(name)?;
            match attribute {
                "OpenShardCount" => Some(Value::from(s.open_shard_count())),
                "StreamMode" => Some(Value::from(s.mode.as_str())),
                "RetentionPeriodHours" => Some(Value::from(s.retention_hours)),
                "StreamStatus" => Some(Value::from(s.status.as_str())),
                _ => None,
            }
        }
    }
}

/// A simulated actor's setting now, by its scenario member name (`wait_time_s`, `count`,
/// `heartbeat`, `rate_per_s` …); Null when the member is unset.
pub fn setting_value(world: &World, of: &Actor, setting: &str) -> Option<Value> {
    let actors = world.actors();
    let spec = match of {
        Actor::Consumer(name) => actors
            .consumer_specs
            .iter()
            .find(|c| &c.name == name)
            .and_then(|c| serde_json::to_value(c).ok())?,
        Actor::Producer(name) => actors
            .producers
            .iter()
            .find(|p| &p.spec.name == name)
            .and_then(|p| serde_json::to_value(&p.spec).ok())?,
    };
    let mut v = &spec;
    for part in setting.split('.') {
        v = v.get(part)?;
    }
    Some(v.clone())
}

/// Whether `world` has what a check names.
pub fn exists(world: &World, kind: &str, name: &str) -> bool {
    match kind {
        "queue" => world.sqs().queue_by_name(name).is_some(),
        "topic" => world.sns().topic_by_name(name).is_some(),
        "stream" => world.kinesis().stream(name).is_some(),
        "consumer" => world.actors().consumer_specs.iter().any(|c| c.name == name),
        "producer" => world.actors().producers.iter().any(|p| p.spec.name == name),
        _ => false,
    }
}
