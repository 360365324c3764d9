//! The messaging plane of a broker: what clients do over OpenWire / AMQP, as typed
//! operations named after the JMS and AMQP 0-9-1 verbs (aws-rules §7.8–§7.10). None of this
//! is an AWS API. Errors carry AMQP's reply-code names (`NOT_FOUND`, `PRECONDITION_FAILED`)
//! or `BrokerUnavailable` while no instance can take the connection.
//!
//! - ActiveMQ: queues (point-to-point) and topics (publish/subscribe) created on first use;
//!   a topic subscriber is durable (named: its subscription keeps messages while it is away)
//!   or not (gets only what is published while it is connected). After
//!   [`ACTIVEMQ_MAX_REDELIVERIES`] redeliveries a persistent message goes to `ActiveMQ.DLQ`; a
//!   non-persistent one is discarded.
//! - RabbitMQ: exchanges (direct, topic with `*`/`#`, fanout, headers, and the default
//!   exchange `""` that routes to the queue named by the key) with bindings to queues;
//!   classic or quorum queues (quorum is the default from RabbitMQ 4); dead-lettering to a
//!   queue's `x-dead-letter-exchange` on a nack without requeue or past `x-delivery-limit`.
//! - Both: the broker pushes to consumers, at most `prefetch` unacknowledged each (0 =
//!   unlimited); ack, nack with or without requeue; a dropped connection's unacknowledged
//!   messages go back to their queue (redelivered); persistent messages survive an instance
//!   going down, non-persistent ones are lost; producers are blocked (flow control) at the
//!   instance's enqueue ceiling.

use super::{Broker, Ctx, DeploymentMode, Engine, Mq, MqTimer};
use super::{FAILOVER_MS, INSTANCE_RECOVERY_MS};
use crate::core::error::AwsError;
use crate::core::event::EventKind;
use crate::core::ordmap::OrdMap;
use crate::core::time::SimTime;
use std::collections::{BTreeMap, VecDeque};

/// ActiveMQ's default redelivery policy: `maximumRedeliveries` 6, so the 7th failed delivery
/// sends the message to the dead-letter queue (aws-rules §7.10).
pub const ACTIVEMQ_MAX_REDELIVERIES: u32 = 6;
/// ActiveMQ's shared dead-letter queue.
pub const ACTIVEMQ_DLQ: &str = "ActiveMQ.DLQ";
/// RabbitMQ 4's default `x-delivery-limit` for quorum queues (RabbitMQ 4.0 release notes;
/// UNCONFIRMED for Amazon MQ). Earlier versions have no default limit.
pub const RABBITMQ4_DELIVERY_LIMIT: u32 = 20;
/// Messages one broker holds (queued and unacknowledged) before it blocks producers, as a full
/// store does (ActiveMQ's store usage limit, RabbitMQ's disk alarm). mqlab's bound on memory,
/// far below the 20–200 GB of storage an instance has (aws-rules §7.3).
pub const MESSAGES_MAX: usize = 1_000_000;
/// Connections and consumers one broker keeps records of, closed ones included (mqlab's
/// bound on memory).
pub const CLIENT_RECORDS_MAX: usize = 100_000;
/// Flow control lets a producer run this far ahead of the ceiling (a one-second burst).
pub const FLOW_BURST_US: u64 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueType {
    Classic,
    Quorum,
}

impl QueueType {
    pub fn as_str(self) -> &'static str {
        match self {
            QueueType::Classic => "classic",
            QueueType::Quorum => "quorum",
        }
    }
}

/// A queue declaration's arguments.
#[derive(Clone, Debug, Default)]
pub struct QueueSpec {
    /// RabbitMQ `x-queue-type`; `None` is the engine's default (quorum from RabbitMQ 4).
    pub queue_type: Option<QueueType>,
    /// `None` is durable.
    pub durable: Option<bool>,
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    /// `x-delivery-limit` (quorum queues).
    pub delivery_limit: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeType {
    Direct,
    Topic,
    Fanout,
    Headers,
}

impl ExchangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeType::Direct => "direct",
            ExchangeType::Topic => "topic",
            ExchangeType::Fanout => "fanout",
            ExchangeType::Headers => "headers",
        }
    }

    pub fn parse(s: &str) -> Option<ExchangeType> {
        Some(match s {
            "direct" => ExchangeType::Direct,
            "topic" => ExchangeType::Topic,
            "fanout" => ExchangeType::Fanout,
            "headers" => ExchangeType::Headers,
            _ => return None,
        })
    }
}

/// Where a message is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dest {
    /// ActiveMQ queue, or RabbitMQ's default exchange to the queue of that name.
    Queue(String),
    /// ActiveMQ topic.
    Topic(String),
    /// RabbitMQ exchange and routing key.
    Exchange(String, String),
}

/// What a publish did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Publish {
    /// Enqueued in `queues` queues (0: unroutable, or a topic without subscribers).
    Accepted { message_id: String, queues: usize },
    /// Flow control: nothing was enqueued; the producer may publish again at `until`.
    Blocked { until: SimTime },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub body: String,
    pub persistent: bool,
    pub routing_key: String,
    pub headers: Vec<(String, String)>,
    /// Deliveries so far (1 on the first; more means redelivered).
    pub deliveries: u32,
}

#[derive(Clone, Debug)]
pub struct Queue {
    pub name: String,
    pub queue_type: QueueType,
    pub durable: bool,
    /// The node a classic queue lives on (cluster).
    pub home: usize,
    pub messages: VecDeque<Message>,
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    pub delivery_limit: Option<u32>,
    /// An ActiveMQ topic subscription: the topic, and whether it is durable.
    pub subscription: Option<(String, bool)>,
    cursor: usize,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub queue: String,
    pub key: String,
    pub headers: Vec<(String, String)>,
    /// Headers exchange `x-match`: `any` (true) or `all`.
    pub match_any: bool,
}

#[derive(Clone, Debug)]
pub struct Exchange {
    pub kind: ExchangeType,
    pub bindings: Vec<Binding>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    Open,
    /// Lost with its instance; a failover transport reconnects when one is up again.
    Down,
    Closed,
}

#[derive(Clone, Debug)]
pub struct Connection {
    pub name: String,
    /// OpenWire failover transport / an auto-reconnecting AMQP client.
    pub failover: bool,
    pub node: usize,
    pub state: ConnState,
}

#[derive(Clone, Debug)]
pub struct Consumer {
    pub name: String,
    pub conn: usize,
    pub queue: String,
    pub prefetch: u32,
    pub auto_ack: bool,
    pub open: bool,
    pub in_flight: u32,
    /// An ActiveMQ topic subscriber: the topic and its durable subscription name.
    pub topic: Option<(String, Option<String>)>,
}

/// A message pushed to a consumer and not yet acknowledged.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub tag: u64,
    pub consumer: usize,
    pub queue: String,
    pub message: Message,
}

/// A broker's destinations, connections, consumers and unacknowledged deliveries.
#[derive(Clone, Debug, Default)]
pub struct Plane {
    pub queues: OrdMap<String, Queue>,
    /// ActiveMQ topics and their subscriptions (names of subscription queues).
    pub topics: OrdMap<String, Vec<String>>,
    pub exchanges: OrdMap<String, Exchange>,
    pub connections: Vec<Connection>,
    pub consumers: Vec<Consumer>,
    pub unacked: BTreeMap<u64, Delivery>,
    next_tag: u64,
    next_message: u64,
    /// Flow control (GCRA): the theoretical arrival time, µs, of [non-persistent, persistent].
    flow_tat_us: [u64; 2],
    /// Totals and per-minute metrics of the destinations (aws-rules §7.11).
    pub stats: super::stats::Stats,
}

impl Plane {
    /// What `consumer` holds unacknowledged, in delivery order.
    pub fn deliveries(&self, consumer: usize) -> impl Iterator<Item = &Delivery> {
        self.unacked
            .values()
            .filter(move |d| d.consumer == consumer)
    }

    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.get(name)
    }

    /// Messages waiting in `queue` (not counting those delivered and unacknowledged).
    pub fn depth(&self, queue: &str) -> usize {
        self.queues.get(queue).map_or(0, |q| q.messages.len())
    }
}

fn err(code: &str, message: impl Into<String>) -> AwsError {
    AwsError::new(code, message)
}

fn not_found(what: &str, name: &str) -> AwsError {
    err("NOT_FOUND", format!("no {what} '{name}'"))
}

/// RabbitMQ topic-exchange matching: words split by `.`, `*` is exactly one word, `#` zero or
/// more (aws-rules §7.8).
pub fn topic_matches(pattern: &str, key: &str) -> bool {
    fn go(p: &[&str], k: &[&str]) -> bool {
        match p.split_first() {
            None => k.is_empty(),
            Some((&"#", rest)) => (0..=k.len()).any(|i| go(rest, &k[i..])),
            Some((w, rest)) => k
                .split_first()
                .is_some_and(|(kw, krest)| (*w == "*" || w == kw) && go(rest, krest)),
        }
    }
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = if key.is_empty() {
        Vec::new()
    } else {
        key.split('.').collect()
    };
    go(&p, &k)
}

fn binding_matches(kind: ExchangeType, b: &Binding, m: &Message) -> bool {
    match kind {
        ExchangeType::Direct => b.key == m.routing_key,
        ExchangeType::Fanout => true,
        ExchangeType::Topic => topic_matches(&b.key, &m.routing_key),
        ExchangeType::Headers => {
            let has =
                |(k, v): &(String, String)| m.headers.iter().any(|(mk, mv)| mk == k && mv == v);
            let wanted = b.headers.iter().filter(|(k, _)| !k.starts_with("x-"));
            if b.match_any {
                wanted.clone().any(has)
            } else {
                wanted.clone().all(has)
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn msg_event(
    ctx: &mut Ctx,
    stats: &mut super::stats::Stats,
    broker: &str,
    step: &str,
    dest: &str,
    m: &Message,
    consumer: Option<&str>,
) {
    stats.count(ctx.now, step, dest, m.deliveries);
    ctx.events.push(ctx.now, || EventKind::BrokerMessage {
        broker: broker.to_string(),
        step: step.to_string(),
        destination: dest.to_string(),
        message_id: m.id.clone(),
        consumer: consumer.map(str::to_string),
        persistent: m.persistent,
        deliveries: m.deliveries,
    });
}

fn conn_event(ctx: &mut Ctx, broker: &str, conn: &str, state: &str) {
    ctx.events.push(ctx.now, || EventKind::BrokerConnection {
        broker: broker.to_string(),
        connection: conn.to_string(),
        state: state.to_string(),
    });
}

pub(super) fn instance_event(ctx: &mut Ctx, b: &Broker, i: usize, role: &str, reason: &str) {
    ctx.events
        .push(ctx.now, || EventKind::BrokerInstanceChanged {
            broker: b.name.clone(),
            instance: i,
            role: role.to_string(),
            reason: reason.to_string(),
        });
}

impl Broker {
    /// Whether `queue` can take and deliver messages: the broker is reachable and, on a
    /// cluster, a quorum queue has a majority of its three replicas up and a classic queue its
    /// node (aws-rules §7.9).
    pub fn queue_available(&self, q: &Queue) -> bool {
        if !self.reachable() {
            return false;
        }
        if self.deployment_mode != DeploymentMode::ClusterMultiAz {
            return true;
        }
        match q.queue_type {
            QueueType::Quorum => self.instances.iter().filter(|i| i.up).count() * 2 > 3,
            QueueType::Classic => self.instances.get(q.home).is_some_and(|i| i.up),
        }
    }

    fn next_message_id(&mut self) -> String {
        self.plane.next_message += 1;
        format!("ID:{}-{}", self.name, self.plane.next_message)
    }

    fn up_node(&self, hint: usize) -> Option<usize> {
        let n = self.instances.len();
        (0..n)
            .map(|k| (hint + k) % n)
            .find(|&i| self.instances[i].up)
    }

    /// Enqueues `m` in `queue` (if it can take it) and says whether it did.
    fn enqueue(&mut self, ctx: &mut Ctx, queue: &str, m: Message) -> bool {
        let Some(q) = self.plane.queues.get(queue) else {
            return false;
        };
        let step = if self.queue_available(q) {
            "published"
        } else {
            "lost"
        };
        msg_event(
            ctx,
            &mut self.plane.stats,
            &self.name,
            step,
            queue,
            &m,
            None,
        );
        if step == "lost" {
            return false;
        }
        if let Some(q) = self.plane.queues.get_mut(queue) {
            q.messages.push_back(m);
        }
        true
    }

    /// RabbitMQ: the queues an exchange routes `m` to (each once).
    fn route(&self, exchange: &str, m: &Message) -> Result<Vec<String>, AwsError> {
        if exchange.is_empty() || exchange == "amq.default" {
            let found = self.plane.queues.contains_key(&m.routing_key);
            return Ok(if found {
                vec![m.routing_key.clone()]
            } else {
                Vec::new()
            });
        }
        let x = self
            .plane
            .exchanges
            .get(exchange)
            .ok_or_else(|| not_found("exchange", exchange))?;
        let mut out: Vec<String> = Vec::new();
        for b in &x.bindings {
            if binding_matches(x.kind, b, m) && !out.contains(&b.queue) {
                out.push(b.queue.clone());
            }
        }
        Ok(out)
    }

    /// A message that failed for good: RabbitMQ routes it through the queue's dead-letter
    /// exchange; ActiveMQ moves a persistent one to `ActiveMQ.DLQ` (aws-rules §7.10).
    fn dead_letter(&mut self, ctx: &mut Ctx, queue: &str, mut m: Message) {
        let target = match self.engine {
            Engine::ActiveMq if m.persistent => {
                self.ensure_queue(ACTIVEMQ_DLQ, None);
                Some((String::new(), ACTIVEMQ_DLQ.to_string()))
            }
            Engine::ActiveMq => None,
            Engine::RabbitMq => self.plane.queues.get(queue).and_then(|q| {
                let x = q.dead_letter_exchange.clone()?;
                let key = q.dead_letter_routing_key.clone();
                Some((x, key.unwrap_or_else(|| m.routing_key.clone())))
            }),
        };
        let queues = match &target {
            Some((x, key)) => {
                m.routing_key = key.clone();
                self.route(x, &m).unwrap_or_default()
            }
            None => Vec::new(),
        };
        if queues.is_empty() {
            msg_event(
                ctx,
                &mut self.plane.stats,
                &self.name,
                "dropped",
                queue,
                &m,
                None,
            );
            return;
        }
        self.plane.stats.dest(ctx.now, queue).totals.dead_lettered += 1;
        let deliveries = m.deliveries;
        m.deliveries = 0;
        for dq in queues {
            let mut copy = m.clone();
            copy.deliveries = deliveries;
            msg_event(
                ctx,
                &mut self.plane.stats,
                &self.name,
                "dead_lettered",
                &dq,
                &copy,
                None,
            );
            copy.deliveries = 0;
            if let Some(q) = self.plane.queues.get_mut(&dq) {
                q.messages.push_back(copy);
            }
        }
    }

    /// A delivery came back unacknowledged (a nack with requeue, or its connection
    /// dropped): to the head of its queue, or dead-lettered past the delivery limit.
    fn give_back(&mut self, ctx: &mut Ctx, d: Delivery) {
        if let Some(c) = self.plane.consumers.get_mut(d.consumer) {
            c.in_flight = c.in_flight.saturating_sub(1);
        }
        let limit = match self.engine {
            Engine::ActiveMq => Some(ACTIVEMQ_MAX_REDELIVERIES),
            Engine::RabbitMq => self
                .plane
                .queues
                .get(&d.queue)
                .and_then(|q| q.delivery_limit),
        };
        if limit.is_some_and(|l| d.message.deliveries > l) {
            return self.dead_letter(ctx, &d.queue, d.message);
        }
        match self.plane.queues.get_mut(&d.queue) {
            Some(q) => {
                msg_event(
                    ctx,
                    &mut self.plane.stats,
                    &self.name,
                    "requeued",
                    &d.queue,
                    &d.message,
                    None,
                );
                q.messages.push_front(d.message);
            }
            None => msg_event(
                ctx,
                &mut self.plane.stats,
                &self.name,
                "dropped",
                &d.queue,
                &d.message,
                None,
            ),
        }
    }

    fn ensure_queue(&mut self, name: &str, subscription: Option<(String, bool)>) {
        if self.plane.queues.contains_key(name) {
            return;
        }
        let home = self.plane.queues.len() % self.instances.len().max(1);
        self.plane.queues.insert(
            name.to_string(),
            Queue {
                name: name.to_string(),
                queue_type: QueueType::Classic,
                durable: true,
                home,
                messages: VecDeque::new(),
                dead_letter_exchange: None,
                dead_letter_routing_key: None,
                delivery_limit: None,
                subscription,
                cursor: 0,
            },
        );
    }

    /// Pushes what every queue holds to its consumers, round robin, within their prefetch.
    pub(super) fn dispatch(&mut self, ctx: &mut Ctx) {
        let names: Vec<String> = self.plane.queues.keys().cloned().collect();
        for name in names {
            let Some(q) = self.plane.queues.get(&name) else {
                continue;
            };
            if q.messages.is_empty() || !self.queue_available(q) {
                continue;
            }
            let n = self.plane.consumers.len();
            while let Some(q) = self.plane.queues.get(&name) {
                if q.messages.is_empty() {
                    break;
                }
                let start = q.cursor;
                let pick = (0..n).map(|k| (start + k) % n).find(|&i| {
                    let c = &self.plane.consumers[i];
                    c.open
                        && c.queue == name
                        && self.plane.connections[c.conn].state == ConnState::Open
                        && (c.auto_ack || c.prefetch == 0 || c.in_flight < c.prefetch)
                });
                let Some(i) = pick else {
                    break;
                };
                let Some(q) = self.plane.queues.get_mut(&name) else {
                    break;
                };
                q.cursor = i + 1;
                let Some(mut m) = q.messages.pop_front() else {
                    break;
                };
                m.deliveries += 1;
                let c = &mut self.plane.consumers[i];
                msg_event(
                    ctx,
                    &mut self.plane.stats,
                    &self.name,
                    "delivered",
                    &name,
                    &m,
                    Some(&c.name),
                );
                if c.auto_ack {
                    msg_event(
                        ctx,
                        &mut self.plane.stats,
                        &self.name,
                        "acked",
                        &name,
                        &m,
                        Some(&c.name),
                    );
                    continue;
                }
                c.in_flight += 1;
                self.plane.next_tag += 1;
                let tag = self.plane.next_tag;
                self.plane.unacked.insert(
                    tag,
                    Delivery {
                        tag,
                        consumer: i,
                        queue: name.clone(),
                        message: m,
                    },
                );
            }
        }
    }

    /// A connection is gone (`closed`) or lost with its instance: its unacknowledged
    /// messages go back; a non-durable topic subscription ends with it.
    fn lose_connection(&mut self, ctx: &mut Ctx, conn: usize, closed: bool) {
        let tags: Vec<u64> = self
            .plane
            .unacked
            .values()
            .filter(|d| self.plane.consumers[d.consumer].conn == conn)
            .map(|d| d.tag)
            .collect();
        // Last first: each goes back to the head, so they keep their order.
        for tag in tags.into_iter().rev() {
            if let Some(d) = self.plane.unacked.remove(&tag) {
                self.give_back(ctx, d);
            }
        }
        for i in 0..self.plane.consumers.len() {
            let c = &mut self.plane.consumers[i];
            if c.conn != conn || !c.open {
                continue;
            }
            if closed {
                c.open = false;
            }
            if let Some((topic, None)) = c.topic.clone() {
                let sub = c.queue.clone();
                self.remove_subscription(&topic, &sub);
            }
        }
        let c = &mut self.plane.connections[conn];
        c.state = if closed {
            ConnState::Closed
        } else {
            ConnState::Down
        };
        let name = c.name.clone();
        conn_event(
            ctx,
            &self.name,
            &name,
            if closed { "closed" } else { "dropped" },
        );
    }

    fn remove_subscription(&mut self, topic: &str, sub: &str) {
        self.plane.queues.remove(sub);
        if let Some(subs) = self.plane.topics.get_mut(topic) {
            subs.retain(|s| s != sub);
        }
    }

    /// Connections lost with an instance come back (failover transport / auto-reconnect) on
    /// an instance that is up; their consumers resume, a non-durable subscriber with a new,
    /// empty subscription.
    fn reconnect(&mut self, ctx: &mut Ctx) {
        for i in 0..self.plane.connections.len() {
            if self.plane.connections[i].state != ConnState::Down {
                continue;
            }
            let node = match self.deployment_mode {
                DeploymentMode::ClusterMultiAz => self.up_node(i),
                _ => Some(self.active).filter(|_| self.reachable()),
            };
            let Some(node) = node else {
                continue;
            };
            let c = &mut self.plane.connections[i];
            c.state = ConnState::Open;
            c.node = node;
            let name = c.name.clone();
            conn_event(ctx, &self.name, &name, "reconnected");
            for k in 0..self.plane.consumers.len() {
                let c = &self.plane.consumers[k];
                if c.conn == i && c.open {
                    if let Some((topic, None)) = c.topic.clone() {
                        let sub = c.queue.clone();
                        self.ensure_queue(&sub, Some((topic.clone(), false)));
                        let subs = self.plane.topics.entry(topic).or_default();
                        if !subs.contains(&sub) {
                            subs.push(sub);
                        }
                    }
                }
            }
        }
    }

    /// An instance or node goes down (reboot, maintenance, loss): aws-rules §7.9.
    pub(super) fn instance_down(&mut self, ctx: &mut Ctx, i: usize, reason: &str) {
        if !self.instances.get(i).is_some_and(|x| x.up) {
            return;
        }
        self.instances[i].up = false;
        instance_event(ctx, self, i, "down", reason);
        let cluster = self.deployment_mode == DeploymentMode::ClusterMultiAz;
        if !cluster && i != self.active {
            return; // the standby: nobody notices
        }
        for c in 0..self.plane.connections.len() {
            let conn = &self.plane.connections[c];
            if conn.state == ConnState::Open && (!cluster || conn.node == i) {
                let failover = conn.failover;
                self.lose_connection(ctx, c, !failover);
            }
        }
        // What lived only in the instance's memory is gone: non-persistent messages (of the
        // node's classic queues, on a cluster; quorum queues keep every message in their
        // replicated log) and, on RabbitMQ, transient queues.
        let names: Vec<String> = self.plane.queues.keys().cloned().collect();
        for name in names {
            let Some(q) = self.plane.queues.get_mut(&name) else {
                continue;
            };
            if cluster && (q.queue_type == QueueType::Quorum || q.home != i) {
                continue;
            }
            let lost: Vec<Message> = q
                .messages
                .iter()
                .filter(|m| !m.persistent)
                .cloned()
                .collect();
            q.messages.retain(|m| m.persistent);
            let transient = self.engine == Engine::RabbitMq && !q.durable;
            for m in &lost {
                msg_event(
                    ctx,
                    &mut self.plane.stats,
                    &self.name,
                    "lost",
                    &name,
                    m,
                    None,
                );
            }
            if transient {
                self.plane.queues.remove(&name);
            }
        }
        if !cluster {
            let other = 1 - i.min(1);
            if self.deployment_mode == DeploymentMode::ActiveStandbyMultiAz
                && self.instances[other].up
            {
                ctx.timers
                    .schedule(ctx.now + FAILOVER_MS, MqTimer::Failover(self.id.clone()));
            }
        } else {
            self.reconnect(ctx);
            self.dispatch(ctx);
        }
    }

    /// The ActiveMQ standby takes the storage lock and becomes active (aws-rules §7.9).
    pub(super) fn failover(&mut self, ctx: &mut Ctx) {
        if self.reachable() {
            return;
        }
        let Some(other) = (0..self.instances.len()).find(|&k| self.instances[k].up) else {
            return;
        };
        self.active = other;
        instance_event(ctx, self, other, "active", "failover");
        self.reconnect(ctx);
        self.dispatch(ctx);
    }

    pub(super) fn instance_up(&mut self, ctx: &mut Ctx, i: usize, reason: &str) {
        if self.instances.get(i).is_none_or(|x| x.up) {
            return;
        }
        self.instances[i].up = true;
        let role = match self.deployment_mode {
            DeploymentMode::ClusterMultiAz => "up",
            _ if self.reachable() => "standby",
            _ => {
                self.active = i;
                "active"
            }
        };
        instance_event(ctx, self, i, role, reason);
        self.reconnect(ctx);
        self.dispatch(ctx);
    }
}

impl Mq {
    /// The broker, for a client: it must exist and be reachable.
    fn engine_of(&mut self, broker: &str) -> Result<&mut Broker, AwsError> {
        let b = self
            .broker_mut(broker)
            .ok_or_else(|| not_found("broker", broker))?;
        if !b.reachable() {
            return Err(err(
                "BrokerUnavailable",
                format!(
                    "broker '{}' is not reachable ({})",
                    b.name,
                    b.state.as_str()
                ),
            ));
        }
        Ok(b)
    }

    fn open_conn(b: &Broker, conn: usize) -> Result<(), AwsError> {
        match b.plane.connections.get(conn) {
            Some(c) if c.state == ConnState::Open => Ok(()),
            Some(c) => Err(err(
                "CONNECTION_FORCED",
                format!("connection '{}' is not open", c.name),
            )),
            None => Err(not_found("connection", &conn.to_string())),
        }
    }

    /// Opens a client connection (`failover`: OpenWire's failover transport, or an AMQP
    /// client that reconnects). At most the instance type's connections (aws-rules §7.3).
    pub fn connect(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        client: &str,
        failover: bool,
    ) -> Result<usize, AwsError> {
        let b = self.engine_of(broker)?;
        let open = b
            .plane
            .connections
            .iter()
            .filter(|c| c.state != ConnState::Closed)
            .count();
        let max = b.instance_type.connections_max(b.engine) * b.instances.len();
        if open >= max {
            return Err(err(
                "CONNECTION_REFUSED",
                format!("broker '{}' has its {max} connections", b.name),
            ));
        }
        let n = b.plane.connections.len();
        if n >= CLIENT_RECORDS_MAX {
            return Err(err(
                "CONNECTION_REFUSED",
                format!(
                    "broker '{}' has had {CLIENT_RECORDS_MAX} connections (mqlab's bound)",
                    b.name
                ),
            ));
        }
        let node = match b.deployment_mode {
            DeploymentMode::ClusterMultiAz => b.up_node(n).unwrap_or(0),
            _ => b.active,
        };
        b.plane.connections.push(Connection {
            name: client.to_string(),
            failover,
            node,
            state: ConnState::Open,
        });
        conn_event(ctx, &b.name, client, "open");
        Ok(n)
    }

    /// Declares a queue (idempotent when the arguments agree). ActiveMQ queues need no
    /// declaration (created on first use) and ignore the RabbitMQ arguments.
    pub fn declare_queue(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        name: &str,
        spec: &QueueSpec,
    ) -> Result<(), AwsError> {
        let _ = ctx;
        let b = self.engine_of(broker)?;
        if name.is_empty() {
            return Err(err("PRECONDITION_FAILED", "a queue needs a name"));
        }
        if b.engine == Engine::ActiveMq {
            b.ensure_queue(name, None);
            return Ok(());
        }
        let (major, minor) = b.version();
        let qt = spec.queue_type.unwrap_or(if major >= 4 {
            QueueType::Quorum
        } else {
            QueueType::Classic
        });
        let durable = spec.durable.unwrap_or(true);
        if qt == QueueType::Quorum && !durable {
            return Err(err(
                "PRECONDITION_FAILED",
                format!("queue '{name}': quorum queues must be durable"),
            ));
        }
        if (major, minor) >= (4, 3) && !durable {
            return Err(err(
                "PRECONDITION_FAILED",
                format!("queue '{name}': RabbitMQ 4.3 rejects transient non-exclusive queues"),
            ));
        }
        if let Some(q) = b.plane.queues.get(name) {
            if q.queue_type != qt {
                return Err(err(
                    "PRECONDITION_FAILED",
                    format!(
                        "inequivalent arg 'x-queue-type' for queue '{name}': received '{}' but current is '{}'",
                        qt.as_str(),
                        q.queue_type.as_str()
                    ),
                ));
            }
            return Ok(());
        }
        if b.plane.queues.len() >= b.instance_type.queues_max() {
            return Err(err(
                "RESOURCE_ERROR",
                format!(
                    "broker '{}' has its {} queues",
                    b.name,
                    b.instance_type.queues_max()
                ),
            ));
        }
        b.ensure_queue(name, None);
        let limit = match qt {
            QueueType::Quorum => spec
                .delivery_limit
                .or((major >= 4).then_some(RABBITMQ4_DELIVERY_LIMIT)),
            QueueType::Classic => None,
        };
        if let Some(q) = b.plane.queues.get_mut(name) {
            q.queue_type = qt;
            q.durable = durable;
            q.dead_letter_exchange = spec.dead_letter_exchange.clone();
            q.dead_letter_routing_key = spec.dead_letter_routing_key.clone();
            q.delivery_limit = limit;
        }
        Ok(())
    }

    /// Declares a RabbitMQ exchange (`direct`, `topic`, `fanout`, `headers`).
    pub fn declare_exchange(
        &mut self,
        broker: &str,
        name: &str,
        kind: ExchangeType,
    ) -> Result<(), AwsError> {
        let b = self.engine_of(broker)?;
        if b.engine != Engine::RabbitMq {
            return Err(err(
                "PRECONDITION_FAILED",
                "exchanges are RabbitMQ's; ActiveMQ has queues and topics",
            ));
        }
        if name.is_empty() || name.starts_with("amq.") {
            return Err(err(
                "ACCESS_REFUSED",
                format!("exchange name '{name}' is reserved"),
            ));
        }
        match b.plane.exchanges.get(name) {
            Some(x) if x.kind != kind => Err(err(
                "PRECONDITION_FAILED",
                format!("inequivalent arg 'type' for exchange '{name}'"),
            )),
            Some(_) => Ok(()),
            None => {
                b.plane.exchanges.insert(
                    name.to_string(),
                    Exchange {
                        kind,
                        bindings: Vec::new(),
                    },
                );
                Ok(())
            }
        }
    }

    /// Binds `queue` to `exchange` with a routing key (direct, topic) or header arguments
    /// (headers: `x-match` `all`, the default, or `any`).
    pub fn bind(
        &mut self,
        broker: &str,
        exchange: &str,
        queue: &str,
        key: &str,
        headers: &[(String, String)],
    ) -> Result<(), AwsError> {
        let b = self.engine_of(broker)?;
        if !b.plane.queues.contains_key(queue) {
            return Err(not_found("queue", queue));
        }
        let x = b
            .plane
            .exchanges
            .get_mut(exchange)
            .ok_or_else(|| not_found("exchange", exchange))?;
        let match_any = headers.iter().any(|(k, v)| k == "x-match" && v == "any");
        let binding = Binding {
            queue: queue.to_string(),
            key: key.to_string(),
            headers: headers.to_vec(),
            match_any,
        };
        if !x
            .bindings
            .iter()
            .any(|o| o.queue == queue && o.key == key && o.headers == binding.headers)
        {
            x.bindings.push(binding);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn add_consumer(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        conn: usize,
        queue: String,
        prefetch: u32,
        auto_ack: bool,
        topic: Option<(String, Option<String>)>,
    ) -> Result<usize, AwsError> {
        let b = self.engine_of(broker)?;
        Self::open_conn(b, conn)?;
        let id = b.plane.consumers.len();
        if id >= CLIENT_RECORDS_MAX {
            return Err(err(
                "RESOURCE_ERROR",
                format!(
                    "broker '{}' has had {CLIENT_RECORDS_MAX} consumers (mqlab's bound)",
                    b.name
                ),
            ));
        }
        b.plane.consumers.push(Consumer {
            name: format!("{}/{}", b.plane.connections[conn].name, id),
            conn,
            queue,
            prefetch,
            auto_ack,
            open: true,
            in_flight: 0,
            topic,
        });
        b.dispatch(ctx);
        Ok(id)
    }

    /// Sets consumer `consumer`'s prefetch (0: unlimited) and pushes what now fits.
    pub fn qos(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        consumer: usize,
        prefetch: u32,
    ) -> Result<(), AwsError> {
        let b = self.engine_of(broker)?;
        let c = b
            .plane
            .consumers
            .get_mut(consumer)
            .filter(|c| c.open)
            .ok_or_else(|| not_found("consumer", &consumer.to_string()))?;
        c.prefetch = prefetch;
        b.dispatch(ctx);
        Ok(())
    }

    /// Sets the prefetch of the scenario's consumer `group` on `broker`: its spec (what a
    /// reconnection uses) and each connected instance's consumer.
    pub fn qos_group(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        group: &str,
        prefetch: u32,
    ) -> Result<(), AwsError> {
        let b = self
            .find(broker)
            .ok_or_else(|| not_found("broker", broker))?;
        let (id, name) = (b.id.clone(), b.name.clone());
        let g = self
            .clients
            .consumer_specs
            .iter()
            .position(|s| s.name == group && (s.broker == name || s.broker == id))
            .ok_or_else(|| not_found("consumer", group))?;
        self.clients.consumer_specs[g].prefetch = prefetch;
        let live: Vec<usize> = self
            .clients
            .consumers
            .iter()
            .filter(|c| c.group == g)
            .filter_map(|c| c.consumer)
            .collect();
        for k in live {
            if self
                .find(broker)
                .and_then(|b| b.plane.consumers.get(k))
                .is_some_and(|c| c.open)
            {
                self.qos(ctx, broker, k, prefetch)?;
            }
        }
        Ok(())
    }

    /// A consumer on `queue` over connection `conn`: the broker pushes to it, at most
    /// `prefetch` unacknowledged (0: unlimited; no limit either with `auto_ack`, where a
    /// delivery counts as acknowledged). Answers the consumer's id.
    pub fn consume(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        conn: usize,
        queue: &str,
        prefetch: u32,
        auto_ack: bool,
    ) -> Result<usize, AwsError> {
        let b = self.engine_of(broker)?;
        match b.engine {
            Engine::ActiveMq => b.ensure_queue(queue, None),
            Engine::RabbitMq if !b.plane.queues.contains_key(queue) => {
                return Err(not_found("queue", queue))
            }
            Engine::RabbitMq => {}
        }
        self.add_consumer(
            ctx,
            broker,
            conn,
            queue.to_string(),
            prefetch,
            auto_ack,
            None,
        )
    }

    /// An ActiveMQ topic subscriber. With a `durable` subscription name its subscription
    /// outlives the connection and collects what is published meanwhile; without one it gets
    /// only what is published while it is connected (aws-rules §7.8).
    pub fn subscribe(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        conn: usize,
        topic: &str,
        durable: Option<&str>,
        prefetch: u32,
    ) -> Result<usize, AwsError> {
        let b = self.engine_of(broker)?;
        if b.engine != Engine::ActiveMq {
            return Err(err(
                "PRECONDITION_FAILED",
                "topics are ActiveMQ's; RabbitMQ routes through exchanges",
            ));
        }
        Self::open_conn(b, conn)?;
        let sub = match durable {
            Some(name) => format!("{topic}:{name}"),
            None => format!(
                "{topic}:{}/{}",
                b.plane.connections[conn].name,
                b.plane.consumers.len()
            ),
        };
        if durable.is_some()
            && b.plane.consumers.iter().any(|c| {
                c.open && c.queue == sub && b.plane.connections[c.conn].state != ConnState::Closed
            })
        {
            return Err(err(
                "PRECONDITION_FAILED",
                format!("durable subscription '{sub}' already has an active subscriber"),
            ));
        }
        b.ensure_queue(&sub, Some((topic.to_string(), durable.is_some())));
        let subs = b.plane.topics.entry(topic.to_string()).or_default();
        if !subs.contains(&sub) {
            subs.push(sub.clone());
        }
        let t = Some((topic.to_string(), durable.map(str::to_string)));
        self.add_consumer(ctx, broker, conn, sub, prefetch, false, t)
    }

    /// Publishes over connection `conn`. Flow control first: past the instance's enqueue
    /// ceiling for this kind of message (aws-rules §7.7) the producer is blocked and nothing
    /// is enqueued. Then routing: an ActiveMQ queue (created on first use), an ActiveMQ topic
    /// (a copy to each subscription), a RabbitMQ exchange (`Dest::Queue` is the default
    /// exchange). A queue that is unavailable loses its copy.
    #[allow(clippy::too_many_arguments)]
    pub fn publish(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        conn: usize,
        dest: &Dest,
        body: &str,
        persistent: bool,
        headers: &[(String, String)],
    ) -> Result<Publish, AwsError> {
        let b = self.engine_of(broker)?;
        Self::open_conn(b, conn)?;
        let (dest_name, key) = match (b.engine, dest) {
            (_, Dest::Queue(q)) => (String::new(), q.clone()),
            (Engine::ActiveMq, Dest::Topic(t)) => (t.clone(), String::new()),
            (Engine::RabbitMq, Dest::Exchange(x, k)) => (x.clone(), k.clone()),
            (Engine::ActiveMq, Dest::Exchange(..)) => {
                return Err(err("PRECONDITION_FAILED", "ActiveMQ has no exchanges"))
            }
            (Engine::RabbitMq, Dest::Topic(_)) => {
                return Err(err(
                    "PRECONDITION_FAILED",
                    "RabbitMQ publishes to exchanges (a topic exchange routes by pattern)",
                ))
            }
        };
        if b.engine == Engine::RabbitMq
            && !dest_name.is_empty()
            && !b.plane.exchanges.contains_key(&dest_name)
        {
            return Err(not_found("exchange", &dest_name));
        }
        let held = b.plane.unacked.len()
            + b.plane
                .queues
                .values()
                .map(|q| q.messages.len())
                .sum::<usize>();
        if held >= MESSAGES_MAX {
            return Err(err(
                "RESOURCE_ERROR",
                format!("broker '{}' holds {MESSAGES_MAX} messages (its store is full): producers are blocked until consumers catch up", b.name),
            ));
        }
        // Flow control: GCRA over the ceiling, with a one-second burst.
        let now_us = ctx.now * 1_000;
        let cost = 1_000_000 / b.ceiling_per_s(persistent).max(1);
        let tat = &mut b.plane.flow_tat_us[usize::from(persistent)];
        let next = (*tat).max(now_us) + cost;
        if next - now_us > FLOW_BURST_US {
            let until = (next - FLOW_BURST_US).div_ceil(1_000);
            let connection = b.plane.connections[conn].name.clone();
            b.plane.stats.flow_blocked += 1;
            ctx.events.push(ctx.now, || EventKind::BrokerFlowControl {
                broker: b.name.clone(),
                connection,
                until,
            });
            return Ok(Publish::Blocked { until });
        }
        *tat = next;
        b.plane.stats.accepted(ctx.now);
        let m = Message {
            id: b.next_message_id(),
            body: body.to_string(),
            persistent,
            routing_key: key.clone(),
            headers: headers.to_vec(),
            deliveries: 0,
        };
        let targets = match (b.engine, dest) {
            (Engine::ActiveMq, Dest::Queue(q)) => {
                b.ensure_queue(q, None);
                vec![q.clone()]
            }
            (Engine::ActiveMq, _) => b.plane.topics.get(&dest_name).cloned().unwrap_or_default(),
            (Engine::RabbitMq, _) => b.route(&dest_name, &m)?,
        };
        let mut queues = 0;
        for q in &targets {
            queues += usize::from(b.enqueue(ctx, q, m.clone()));
        }
        if targets.is_empty() {
            let shown = if dest_name.is_empty() {
                &key
            } else {
                &dest_name
            };
            msg_event(
                ctx,
                &mut b.plane.stats,
                &b.name,
                "unroutable",
                shown,
                &m,
                None,
            );
        }
        b.dispatch(ctx);
        Ok(Publish::Accepted {
            message_id: m.id,
            queues,
        })
    }

    fn settle(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        tag: u64,
    ) -> Result<(&mut Broker, Delivery), AwsError> {
        let b = self.engine_of(broker)?;
        let Some(d) = b.plane.unacked.remove(&tag) else {
            return Err(err(
                "PRECONDITION_FAILED",
                format!("unknown delivery tag {tag}"),
            ));
        };
        let _ = ctx;
        Ok((b, d))
    }

    /// Acknowledges a delivery: the message is gone, and the consumer may take another.
    pub fn ack(&mut self, ctx: &mut Ctx, broker: &str, tag: u64) -> Result<(), AwsError> {
        let (b, d) = self.settle(ctx, broker, tag)?;
        let c = &mut b.plane.consumers[d.consumer];
        c.in_flight = c.in_flight.saturating_sub(1);
        let name = c.name.clone();
        msg_event(
            ctx,
            &mut b.plane.stats,
            &b.name,
            "acked",
            &d.queue,
            &d.message,
            Some(&name),
        );
        b.dispatch(ctx);
        Ok(())
    }

    /// Rejects a delivery: with `requeue` it goes back to the head of its queue (until a
    /// delivery limit dead-letters it); without, it is dead-lettered or dropped
    /// (aws-rules §7.10).
    pub fn nack(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        tag: u64,
        requeue: bool,
    ) -> Result<(), AwsError> {
        let (b, d) = self.settle(ctx, broker, tag)?;
        if requeue {
            b.give_back(ctx, d);
        } else {
            let c = &mut b.plane.consumers[d.consumer];
            c.in_flight = c.in_flight.saturating_sub(1);
            b.dead_letter(ctx, &d.queue, d.message);
        }
        b.dispatch(ctx);
        Ok(())
    }

    /// The client's connection drops for good (its process died): its unacknowledged
    /// messages are redelivered to other consumers, its non-durable subscriptions end.
    pub fn drop_connection(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        conn: usize,
    ) -> Result<(), AwsError> {
        let b = self
            .broker_mut(broker)
            .ok_or_else(|| not_found("broker", broker))?;
        if b.plane
            .connections
            .get(conn)
            .is_none_or(|c| c.state == ConnState::Closed)
        {
            return Err(not_found("connection", &conn.to_string()));
        }
        b.lose_connection(ctx, conn, true);
        b.dispatch(ctx);
        Ok(())
    }

    /// An instance (ActiveMQ) or node (RabbitMQ) fails. AWS replaces it after
    /// [`INSTANCE_RECOVERY_MS`] unless [`Mq::restore_instance`] brings it back first.
    pub fn lose_instance(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        instance: usize,
    ) -> Result<(), AwsError> {
        let b = self
            .broker_mut(broker)
            .ok_or_else(|| not_found("broker", broker))?;
        if instance >= b.instances.len() {
            return Err(not_found("instance", &instance.to_string()));
        }
        b.instance_down(ctx, instance, "lost");
        let id = b.id.clone();
        ctx.timers.schedule(
            ctx.now + INSTANCE_RECOVERY_MS,
            MqTimer::InstanceUp(id, instance),
        );
        Ok(())
    }

    /// A lost instance or node is back now.
    pub fn restore_instance(
        &mut self,
        ctx: &mut Ctx,
        broker: &str,
        instance: usize,
    ) -> Result<(), AwsError> {
        let b = self
            .broker_mut(broker)
            .ok_or_else(|| not_found("broker", broker))?;
        if instance >= b.instances.len() {
            return Err(not_found("instance", &instance.to_string()));
        }
        b.instance_up(ctx, instance, "restored");
        Ok(())
    }
}
