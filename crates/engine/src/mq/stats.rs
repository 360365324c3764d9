//! What a broker counts of its destinations: totals for a run's summary, and per-minute
//! datapoints in the `AWS/AmazonMQ` namespace with AWS's metric names (aws-rules §7.11):
//! ActiveMQ's `EnqueueCount`, `DequeueCount`, `DispatchCount`, `QueueSize`, `InFlightCount`,
//! `ConsumerCount` per (`Broker`, `Queue`); RabbitMQ's `MessageCount`, `MessageReadyCount`,
//! `MessageUnacknowledgedCount`, `ConsumerCount` per (`Broker`, `VirtualHost`, `Queue`) and
//! its broker's `PublishRate` / `AckRate`.

use crate::core::metrics::MinuteSeries;
use crate::core::time::SimTime;
use std::collections::BTreeMap;

/// One destination's counters since the start of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DestTotals {
    /// Messages stored in the queue (published to it, or dead-lettered into it).
    pub enqueued: u64,
    /// Pushes to consumers, redeliveries included.
    pub delivered: u64,
    /// Pushes of a message delivered before (after a nack with requeue, or a dropped
    /// connection).
    pub redelivered: u64,
    /// Acknowledged (ActiveMQ's dequeue).
    pub acked: u64,
    /// Messages of this queue dead-lettered (to `ActiveMQ.DLQ`, or through the queue's
    /// dead-letter exchange).
    pub dead_lettered: u64,
    /// Lost: non-persistent messages of an instance that went down, or published while the
    /// queue was unavailable.
    pub lost: u64,
    /// Failed messages with nowhere to go (no dead-letter target), discarded.
    pub dropped: u64,
    /// Publishes routed to no queue (an exchange without a matching binding, a topic
    /// without subscribers).
    pub unroutable: u64,
}

/// One minute of one destination (its counters; gauges set when it closes).
#[derive(Clone, Debug, Default)]
pub struct DestMinute {
    pub start: SimTime,
    pub enqueued: u64,
    pub dispatched: u64,
    pub acked: u64,
    /// Gauges at the minute's close: messages waiting, and delivered but unacknowledged.
    pub ready: u64,
    pub unacked: u64,
    pub consumers: u64,
    /// Set at the close: which engine's metric names it publishes.
    pub rabbit: bool,
}

impl DestMinute {
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let f = |n: u64| n as f64;
        if self.rabbit {
            vec![
                ("MessageCount", f(self.ready + self.unacked)),
                ("MessageReadyCount", f(self.ready)),
                ("MessageUnacknowledgedCount", f(self.unacked)),
                ("ConsumerCount", f(self.consumers)),
            ]
        } else {
            vec![
                ("EnqueueCount", f(self.enqueued)),
                ("DequeueCount", f(self.acked)),
                ("DispatchCount", f(self.dispatched)),
                ("QueueSize", f(self.ready + self.unacked)),
                ("InFlightCount", f(self.unacked)),
                ("ConsumerCount", f(self.consumers)),
            ]
        }
    }
}

crate::minute!(DestMinute);

/// A RabbitMQ broker's minute: messages per second published and acknowledged.
#[derive(Clone, Debug, Default)]
pub struct BrokerMinute {
    pub start: SimTime,
    pub published: u64,
    pub acked: u64,
}

impl BrokerMinute {
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("PublishRate", self.published as f64 / 60.0),
            ("AckRate", self.acked as f64 / 60.0),
        ]
    }
}

crate::minute!(BrokerMinute);

#[derive(Clone, Debug, Default)]
pub struct DestStats {
    pub totals: DestTotals,
    pub minutes: MinuteSeries<DestMinute>,
}

/// A broker's counters.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// By destination name (queues, subscription queues, exchanges and topics for their
    /// unroutable publishes).
    pub dests: BTreeMap<String, DestStats>,
    /// Publishes refused by flow control (the producer was blocked).
    pub flow_blocked: u64,
    /// Messages accepted by the broker (each publish once, however many queues it reached).
    pub published: u64,
    pub minutes: Option<MinuteSeries<BrokerMinute>>,
}

impl Stats {
    pub fn dest(&mut self, now: SimTime, name: &str) -> &mut DestStats {
        if !self.dests.contains_key(name) {
            self.dests.insert(
                name.to_string(),
                DestStats {
                    totals: DestTotals::default(),
                    minutes: MinuteSeries::starting(now),
                },
            );
        }
        self.dests.get_mut(name).expect("just inserted")
    }

    fn broker_minute(&mut self, now: SimTime) -> &mut BrokerMinute {
        &mut self
            .minutes
            .get_or_insert_with(|| MinuteSeries::starting(now))
            .current
    }

    /// Counts a message event of the plane (`published`, `delivered`, `acked`, …) at `dest`.
    pub fn count(&mut self, now: SimTime, step: &str, dest: &str, deliveries: u32) {
        let d = self.dest(now, dest);
        match step {
            "published" | "dead_lettered" => {
                d.totals.enqueued += 1;
                d.minutes.current.enqueued += 1;
            }
            "delivered" => {
                d.totals.delivered += 1;
                d.minutes.current.dispatched += 1;
                if deliveries > 1 {
                    d.totals.redelivered += 1;
                }
            }
            "acked" => {
                d.totals.acked += 1;
                d.minutes.current.acked += 1;
                self.broker_minute(now).acked += 1;
            }
            "lost" => d.totals.lost += 1,
            "dropped" => d.totals.dropped += 1,
            "unroutable" => d.totals.unroutable += 1,
            _ => {}
        }
    }

    /// A message accepted by the broker (flow control let it through).
    pub fn accepted(&mut self, now: SimTime) {
        self.published += 1;
        self.broker_minute(now).published += 1;
    }
}

use super::{Broker, Engine, Mq, StorageType};
use crate::core::metrics::{Bill, Datapoint};
use crate::core::time::{MS_PER_H, MS_PER_MIN};

/// An mq.m5.large broker instance, per hour, us-east-1 (Amazon MQ pricing; both engines;
/// UNCONFIRMED against the current price list). Larger sizes scale with
/// [`super::InstanceType::scale`].
pub const USD_PER_LARGE_INSTANCE_HOUR: f64 = 0.288;
/// An mq.m7g.large (RabbitMQ, Graviton) per hour (UNCONFIRMED).
pub const USD_PER_M7G_LARGE_INSTANCE_HOUR: f64 = 0.2592;
/// An mq.t3.micro / mq.t2.micro per hour (UNCONFIRMED).
pub const USD_PER_MICRO_INSTANCE_HOUR: f64 = 0.027;
/// Storage, per GB-month of messages held: EFS (ActiveMQ's durable, multi-AZ storage) and
/// EBS (UNCONFIRMED).
pub const USD_PER_GB_MONTH_EFS: f64 = 0.30;
pub const USD_PER_GB_MONTH_EBS: f64 = 0.10;
/// Minutes in AWS's billing month (730 hours).
const MINUTES_PER_MONTH: f64 = 730.0 * 60.0;
const GB: f64 = 1_073_741_824.0;

/// What a broker's instances cost per hour: every instance of its deployment mode runs (an
/// active/standby pair is billed twice, a cluster three times; aws-rules §7.11).
pub fn usd_per_hour(b: &Broker) -> f64 {
    let t = &b.instance_type;
    let one = if t.is_micro() {
        USD_PER_MICRO_INSTANCE_HOUR
    } else if t.family() == "m7g" {
        USD_PER_M7G_LARGE_INSTANCE_HOUR * t.scale()
    } else {
        USD_PER_LARGE_INSTANCE_HOUR * t.scale()
    };
    one * b.deployment_mode.instances() as f64
}

fn instance_usd(b: &Broker, now: SimTime) -> f64 {
    usd_per_hour(b) * now.saturating_sub(b.created_at) as f64 / MS_PER_H as f64
}

/// The meter of brokers gone (deleted) and of storage, which a broker's own record does not
/// keep.
#[derive(Clone, Debug, Default)]
pub struct Meter {
    pub retired_usd: f64,
    pub storage_usd: f64,
}

impl Mq {
    /// A broker is gone: its instance-hours stay on the bill.
    pub(super) fn retire(&mut self, b: &Broker, now: SimTime) {
        self.meter.retired_usd += instance_usd(b, now);
    }

    /// Closes the minute of every destination (its gauges now) and bills the minute's
    /// storage of the messages held.
    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        let next = now - now % MS_PER_MIN;
        for id in &self.order {
            let Some(b) = self.brokers.get_mut(id) else {
                continue;
            };
            let rabbit = b.engine == Engine::RabbitMq;
            let plane = &mut b.plane;
            let mut bytes = 0u64;
            for (name, d) in plane.stats.dests.iter_mut() {
                let q = plane.queues.get(name);
                let ready = q.map_or(0, |q| q.messages.len() as u64);
                bytes += q.map_or(0, |q| {
                    q.messages.iter().map(|m| m.body.len() as u64).sum::<u64>()
                });
                let unacked = plane.unacked.values().filter(|x| &x.queue == name).count() as u64;
                let consumers = plane
                    .consumers
                    .iter()
                    .filter(|c| c.open && &c.queue == name)
                    .count() as u64;
                d.minutes.close(next, |m| {
                    m.ready = ready;
                    m.unacked = unacked;
                    m.consumers = consumers;
                    m.rabbit = rabbit;
                });
            }
            if let Some(m) = plane.stats.minutes.as_mut() {
                m.close(next, |_| {});
            }
            let per_gb_month = match b.storage {
                StorageType::Efs => USD_PER_GB_MONTH_EFS,
                StorageType::Ebs => USD_PER_GB_MONTH_EBS,
            };
            self.meter.storage_usd += bytes as f64 / GB * per_gb_month / MINUTES_PER_MONTH;
        }
    }

    /// Every closed minute of every broker's queues (not an ActiveMQ topic's subscription
    /// queues, nor exchanges), brokers in creation order, queues by name.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for b in self.brokers() {
            for (name, d) in &b.plane.stats.dests {
                let Some(q) = b.plane.queues.get(name) else {
                    continue;
                };
                if q.subscription.is_some() {
                    continue;
                }
                let dims: &[(&'static str, &str)] = match b.engine {
                    Engine::ActiveMq => &[("Broker", &b.name), ("Queue", name)],
                    Engine::RabbitMq => {
                        &[("Broker", &b.name), ("VirtualHost", "/"), ("Queue", name)]
                    }
                };
                d.minutes.publish("AWS/AmazonMQ", dims, &mut out);
            }
            if let (Engine::RabbitMq, Some(m)) = (b.engine, &b.plane.stats.minutes) {
                m.publish("AWS/AmazonMQ", &[("Broker", &b.name)], &mut out);
            }
        }
        out
    }

    /// The cost meter's line: broker instance-hours (every instance of each broker, from its
    /// creation) and storage; `requests` counts the messages published (Amazon MQ bills no
    /// requests).
    pub fn bill(&self, now: SimTime) -> Bill {
        let instances: f64 = self.brokers().map(|b| instance_usd(b, now)).sum();
        Bill {
            service: "Amazon MQ",
            requests: self.brokers().map(|b| b.plane.stats.published).sum(),
            usd: self.meter.retired_usd + instances + self.meter.storage_usd,
        }
    }
}
