//! A scenario's simulated broker clients (aws-rules §7.12): producers that publish at a rate,
//! consumers that take pushes within their prefetch, process them one at a time and ack or
//! nack, and scheduled events (RebootBroker, an instance lost). Like the SQS actors they act
//! only through the messaging plane's operations (`plane.rs`: Connect, Consume, Subscribe,
//! Publish, Ack, Nack) and the control plane's (RebootBroker), so what they show is what the
//! broker does. Every client connects with the failover transport (ActiveMQ) or as an
//! auto-reconnecting AMQP client (RabbitMQ): a connection lost with its instance comes back
//! when an instance takes over.

use super::plane::{Dest, Publish};
use super::{Ctx, Mq, MqTimer};
use crate::core::rng::Rng;
use crate::core::time::{SimTime, MS_PER_S};
use std::collections::BTreeSet;

/// Wait before a client tries again after a refused call (broker unreachable, connection
/// down): mqlab's choice, as the SQS actors' `RETRY_BACKOFF_MS`.
pub const CLIENT_RETRY_MS: SimTime = MS_PER_S;
/// Most messages per second one simulated broker producer publishes.
pub const BROKER_PRODUCER_RATE_MAX: f64 = 10_000.0;
/// Most instances one broker consumer group runs.
pub const BROKER_CONSUMER_INSTANCES_MAX: u32 = 100;

/// How long a consumer takes over one message, ms: a scenario's `processing` distribution
/// (the SQS consumers' `{"dist": …}`, which the scenario reads; a service sees only the core).
#[derive(Clone, Debug, PartialEq)]
pub enum ProcessingTime {
    Fixed(u64),
    Uniform(u64, u64),
    Exponential(u64),
    Normal(u64, u64),
}

impl ProcessingTime {
    pub fn sample(&self, rng: &mut Rng) -> SimTime {
        match *self {
            ProcessingTime::Fixed(ms) => ms,
            ProcessingTime::Uniform(min, max) => min + rng.below(max.saturating_sub(min) + 1),
            ProcessingTime::Exponential(mean) => rng.exponential(mean as f64).round() as u64,
            ProcessingTime::Normal(mean, sd) => {
                (mean as f64 + sd as f64 * rng.normal()).max(0.0).round() as u64
            }
        }
    }
}

/// Where a producer publishes or a consumer reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Queue(String),
    /// ActiveMQ topic; a consumer's durable subscription name.
    Topic(String, Option<String>),
    /// RabbitMQ exchange and the routing keys a producer rotates through.
    Exchange(String, Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerSpec {
    pub name: String,
    pub broker: String,
    pub target: Target,
    pub rate_per_s: f64,
    pub persistent: bool,
    pub start_ms: SimTime,
    pub stop_ms: Option<SimTime>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerSpec {
    pub name: String,
    pub broker: String,
    pub target: Target,
    pub count: u32,
    pub prefetch: u32,
    pub auto_ack: bool,
    pub processing: ProcessingTime,
    pub failure_probability: f64,
    /// A failed message is nacked with requeue (redelivered, until the delivery limit
    /// dead-letters it) or without (dead-lettered at once).
    pub requeue: bool,
    pub start_ms: SimTime,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Reboot,
    LoseInstance(usize),
    RestoreInstance(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventSpec {
    pub at_ms: SimTime,
    pub broker: String,
    pub action: Action,
}

/// A producer's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerTotals {
    pub published: u64,
    /// Publishes refused by flow control (the producer waited).
    pub blocked: u64,
    /// Publishes refused because the broker or the connection was down (tried again).
    pub refused: u64,
}

#[derive(Clone, Debug)]
pub struct Producer {
    pub spec: ProducerSpec,
    pub conn: Option<usize>,
    pub sent: u64,
    pub totals: ProducerTotals,
    next_us: u64,
}

/// One instance of a consumer group.
#[derive(Clone, Debug)]
pub struct ConsumerInstance {
    /// `<group>#<k>`.
    pub name: String,
    pub group: usize,
    pub conn: Option<usize>,
    /// Its consumer on the broker's plane.
    pub consumer: Option<usize>,
    pub processed: u64,
    pub failed: u64,
    /// Most deliveries it held unacknowledged at once.
    pub peak_held: u32,
    busy_until: SimTime,
    /// Delivery tags whose processing is scheduled.
    scheduled: BTreeSet<u64>,
}

/// What the event did: the call's error, if it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventOutcome {
    pub at: SimTime,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Clients {
    pub producers: Vec<Producer>,
    pub consumer_specs: Vec<ConsumerSpec>,
    pub consumers: Vec<ConsumerInstance>,
    pub events: Vec<EventSpec>,
    pub outcomes: Vec<Option<EventOutcome>>,
}

impl Clients {
    pub fn is_empty(&self) -> bool {
        self.producers.is_empty() && self.consumers.is_empty() && self.events.is_empty()
    }
}

/// The client timers (variants of [`MqTimer`]).
#[derive(Clone, Debug)]
pub enum ClientTimer {
    Produce(usize),
    StartConsumer(usize),
    Processed(usize, u64),
    Event(usize),
}

impl Mq {
    /// A producer publishing `rate_per_s` messages a second from its start (none at 0).
    pub fn add_broker_producer(&mut self, ctx: &mut Ctx, spec: ProducerSpec) {
        let i = self.clients.producers.len();
        let at = spec.start_ms.max(ctx.now);
        let idle = spec.rate_per_s <= 0.0;
        self.clients.producers.push(Producer {
            spec,
            conn: None,
            sent: 0,
            totals: ProducerTotals::default(),
            next_us: at * 1_000,
        });
        if !idle {
            ctx.timers
                .schedule(at, MqTimer::Client(ClientTimer::Produce(i)));
        }
    }

    pub fn add_broker_consumer(&mut self, ctx: &mut Ctx, spec: ConsumerSpec) {
        let group = self.clients.consumer_specs.len();
        let at = spec.start_ms.max(ctx.now);
        for k in 1..=spec.count {
            let i = self.clients.consumers.len();
            self.clients.consumers.push(ConsumerInstance {
                name: format!("{}#{k}", spec.name),
                group,
                conn: None,
                consumer: None,
                processed: 0,
                failed: 0,
                peak_held: 0,
                busy_until: 0,
                scheduled: BTreeSet::new(),
            });
            ctx.timers
                .schedule(at, MqTimer::Client(ClientTimer::StartConsumer(i)));
        }
        self.clients.consumer_specs.push(spec);
    }

    pub fn add_broker_event(&mut self, ctx: &mut Ctx, spec: EventSpec) {
        let i = self.clients.events.len();
        ctx.timers.schedule(
            spec.at_ms.max(ctx.now),
            MqTimer::Client(ClientTimer::Event(i)),
        );
        self.clients.events.push(spec);
        self.clients.outcomes.push(None);
    }

    pub(super) fn on_client_timer(&mut self, ctx: &mut Ctx, t: ClientTimer) {
        match t {
            ClientTimer::Produce(i) => self.produce(ctx, i),
            ClientTimer::StartConsumer(i) => self.start_consumer(ctx, i),
            ClientTimer::Processed(i, tag) => self.processed(ctx, i, tag),
            ClientTimer::Event(i) => self.scheduled_event(ctx, i),
        }
    }

    fn produce(&mut self, ctx: &mut Ctx, i: usize) {
        let p = &self.clients.producers[i];
        if p.spec.stop_ms.is_some_and(|s| ctx.now >= s) {
            return;
        }
        let broker = p.spec.broker.clone();
        let conn = match p.conn {
            Some(c) => c,
            None => match self.connect(ctx, &broker, &p.spec.name.clone(), true) {
                Ok(c) => {
                    self.clients.producers[i].conn = Some(c);
                    c
                }
                Err(_) => return self.produce_later(ctx, i, true),
            },
        };
        let p = &self.clients.producers[i];
        let n = p.sent;
        let dest = match &p.spec.target {
            Target::Queue(q) => Dest::Queue(q.clone()),
            Target::Topic(t, _) => Dest::Topic(t.clone()),
            Target::Exchange(x, keys) => {
                let key = keys
                    .get(n as usize % keys.len().max(1))
                    .cloned()
                    .unwrap_or_default();
                Dest::Exchange(x.clone(), key)
            }
        };
        let body = format!("{}-{}", p.spec.name, n + 1);
        let persistent = p.spec.persistent;
        let r = self.publish(ctx, &broker, conn, &dest, &body, persistent, &[]);
        let p = &mut self.clients.producers[i];
        match r {
            Ok(Publish::Accepted { .. }) => {
                p.sent += 1;
                p.totals.published += 1;
                self.produce_later(ctx, i, false);
            }
            Ok(Publish::Blocked { until }) => {
                p.totals.blocked += 1;
                p.next_us = p.next_us.max(until * 1_000);
                ctx.timers
                    .schedule(until.max(ctx.now), MqTimer::Client(ClientTimer::Produce(i)));
            }
            // The broker or the connection is down (a failover), or the broker refused
            // (a full store): the producer tries again a little later.
            Err(_) => {
                p.totals.refused += 1;
                self.produce_later(ctx, i, true);
            }
        }
    }

    /// The producer's next publish: one interval on, or after [`CLIENT_RETRY_MS`] when the
    /// broker refused (the schedule restarts from then: no burst to catch up).
    fn produce_later(&mut self, ctx: &mut Ctx, i: usize, refused: bool) {
        let p = &mut self.clients.producers[i];
        if p.spec.rate_per_s <= 0.0 {
            return;
        }
        let interval_us = ((1e6 / p.spec.rate_per_s).round() as u64).max(1);
        p.next_us = if refused {
            (ctx.now + CLIENT_RETRY_MS) * 1_000
        } else {
            // On time the timer fired at the first millisecond at or after `next_us`: the
            // schedule goes on from `next_us`, not from now (which lost up to a millisecond
            // an interval: a producer of 30/s published 29.4/s). Late, after a block, it
            // restarts from now.
            let on_time = ctx.now == p.next_us.div_ceil(1_000);
            (if on_time {
                p.next_us
            } else {
                p.next_us.max(ctx.now * 1_000)
            }) + interval_us
        };
        let at = p.next_us.div_ceil(1_000);
        if p.spec.stop_ms.is_some_and(|s| at >= s) {
            return;
        }
        ctx.timers
            .schedule(at, MqTimer::Client(ClientTimer::Produce(i)));
    }

    fn start_consumer(&mut self, ctx: &mut Ctx, i: usize) {
        let c = &self.clients.consumers[i];
        let spec = self.clients.consumer_specs[c.group].clone();
        let name = c.name.clone();
        let conn = match c.conn {
            Some(conn) => conn,
            None => match self.connect(ctx, &spec.broker, &name, true) {
                Ok(conn) => {
                    self.clients.consumers[i].conn = Some(conn);
                    conn
                }
                Err(_) => {
                    ctx.timers.schedule(
                        ctx.now + CLIENT_RETRY_MS,
                        MqTimer::Client(ClientTimer::StartConsumer(i)),
                    );
                    return;
                }
            },
        };
        let r = match &spec.target {
            Target::Topic(t, durable) => self.subscribe(
                ctx,
                &spec.broker,
                conn,
                t,
                durable.as_deref(),
                spec.prefetch,
            ),
            Target::Queue(q) | Target::Exchange(q, _) => {
                self.consume(ctx, &spec.broker, conn, q, spec.prefetch, spec.auto_ack)
            }
        };
        match r {
            Ok(id) => self.clients.consumers[i].consumer = Some(id),
            Err(_) => ctx.timers.schedule(
                ctx.now + CLIENT_RETRY_MS,
                MqTimer::Client(ClientTimer::StartConsumer(i)),
            ),
        }
    }

    /// Schedules the processing of what the brokers pushed to the simulated consumers since
    /// last time: each instance works through its deliveries one at a time, in delivery order.
    pub fn poll_client_deliveries(&mut self, ctx: &mut Ctx) {
        for i in 0..self.clients.consumers.len() {
            let c = &self.clients.consumers[i];
            let Some(cid) = c.consumer else {
                continue;
            };
            let spec = &self.clients.consumer_specs[c.group];
            if spec.auto_ack {
                continue;
            }
            let Some(b) = self.find(&spec.broker) else {
                continue;
            };
            let tags: Vec<u64> = b.plane.deliveries(cid).map(|d| d.tag).collect();
            let processing = spec.processing.clone();
            let c = &mut self.clients.consumers[i];
            c.peak_held = c.peak_held.max(tags.len() as u32);
            // Deliveries given back (a dropped connection) are no longer this instance's.
            c.scheduled.retain(|t| tags.binary_search(t).is_ok());
            for tag in tags {
                if !c.scheduled.insert(tag) {
                    continue;
                }
                let done = c.busy_until.max(ctx.now) + processing.sample(ctx.rng);
                c.busy_until = done;
                ctx.timers
                    .schedule(done, MqTimer::Client(ClientTimer::Processed(i, tag)));
            }
        }
    }

    fn processed(&mut self, ctx: &mut Ctx, i: usize, tag: u64) {
        let c = &mut self.clients.consumers[i];
        if !c.scheduled.remove(&tag) {
            return;
        }
        let spec = &self.clients.consumer_specs[c.group];
        let broker = spec.broker.clone();
        let requeue = spec.requeue;
        let fail = ctx.rng.chance(spec.failure_probability);
        let r = if fail {
            self.nack(ctx, &broker, tag, requeue)
        } else {
            self.ack(ctx, &broker, tag)
        };
        // A refused settle (the delivery went back with a dropped connection) counts nothing.
        if r.is_ok() {
            let c = &mut self.clients.consumers[i];
            if fail {
                c.failed += 1;
            } else {
                c.processed += 1;
            }
        }
    }

    fn scheduled_event(&mut self, ctx: &mut Ctx, i: usize) {
        let e = self.clients.events[i].clone();
        let id = self.find(&e.broker).map(|b| b.id.clone());
        let r = match (&e.action, id) {
            (_, None) => Err(format!("no broker named {:?}", e.broker)),
            (Action::Reboot, Some(id)) => self
                .reboot_broker(ctx, Some(&id))
                .map_err(|e| e.to_string()),
            (Action::LoseInstance(k), Some(id)) => {
                self.lose_instance(ctx, &id, *k).map_err(|e| e.to_string())
            }
            (Action::RestoreInstance(k), Some(id)) => self
                .restore_instance(ctx, &id, *k)
                .map_err(|e| e.to_string()),
        };
        self.clients.outcomes[i] = Some(EventOutcome {
            at: ctx.now,
            error: r.err(),
        });
    }
}
