//! CloudWatch-style per-minute metrics: one series type every service uses (a minute in
//! progress plus the closed minutes, bounded), and the datapoint every service publishes to the
//! world's metrics bus ([`crate::world::World::metric_datapoints`]).

use crate::core::segvec::SegVec;
use crate::core::time::{epoch_s, SimTime, MS_PER_MIN};
use serde::Serialize;

/// 14 days of minutes: the longest retention a queue can have, so a 14-day run keeps its whole
/// history; older minutes are dropped first.
pub const METRIC_MINUTES_MAX: usize = 14 * 24 * 60;

/// One minute of one resource's counters (a queue's, a topic's, a stream's, a reader's).
pub trait Minute: Clone + Default {
    /// Virtual time at the start of the minute.
    fn start(&self) -> SimTime;
    fn set_start(&mut self, start: SimTime);
    /// (CloudWatch metric name, value) pairs, in a fixed order.
    fn values(&self) -> Vec<(&'static str, f64)>;
}

/// A resource's per-minute series: the minute in progress and the closed minutes, oldest
/// first, in sealed segments shared with the world's snapshots (up to 14 days of minutes,
/// which a snapshot would otherwise copy whole).
#[derive(Clone, Debug, Default)]
pub struct MinuteSeries<M> {
    /// Counters of the minute in progress.
    pub current: M,
    pub history: SegVec<M>,
}

impl<M: Minute> MinuteSeries<M> {
    /// A series whose first minute is the one `now` falls in.
    pub fn starting(now: SimTime) -> Self {
        let mut current = M::default();
        current.set_start(now - now % MS_PER_MIN);
        MinuteSeries {
            current,
            history: SegVec::new(),
        }
    }

    /// Closes the minute in progress (after `finish` sets its gauges) and starts the next at
    /// `next_start`, dropping the oldest closed minute past [`METRIC_MINUTES_MAX`].
    pub fn close(&mut self, next_start: SimTime, finish: impl FnOnce(&mut M)) {
        let mut closed = std::mem::take(&mut self.current);
        finish(&mut closed);
        if self.history.len() >= METRIC_MINUTES_MAX {
            self.history.remove_front();
        }
        self.history.push_back(closed);
        self.current.set_start(next_start);
    }

    /// Every closed minute's datapoints for one resource, oldest first.
    pub fn publish(
        &self,
        namespace: &str,
        dimensions: &[(&'static str, &str)],
        out: &mut Vec<Datapoint>,
    ) {
        for m in &self.history {
            for (metric, value) in m.values() {
                out.push(Datapoint {
                    timestamp: epoch_s(m.start()),
                    namespace: namespace.to_string(),
                    metric,
                    dimensions: dimensions
                        .iter()
                        .map(|(n, v)| (*n, v.to_string()))
                        .collect(),
                    value,
                });
            }
        }
    }
}

/// Implements [`Minute`] for a struct with a `start: SimTime` field and a `values` method.
#[macro_export]
macro_rules! minute {
    ($t:ty) => {
        impl $crate::core::metrics::Minute for $t {
            fn start(&self) -> $crate::core::time::SimTime {
                self.start
            }
            fn set_start(&mut self, start: $crate::core::time::SimTime) {
                self.start = start;
            }
            fn values(&self) -> Vec<(&'static str, f64)> {
                <$t>::values(self)
            }
        }
    };
}

/// One closed minute of one metric of one resource, as CloudWatch would hold it: what every
/// service publishes on the world's metrics bus, and what `mqlab run --metrics` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Datapoint {
    /// Epoch seconds of the start of the minute.
    pub timestamp: u64,
    /// `AWS/SQS`, `AWS/SNS`, `AWS/Kinesis`, … (a KCL application publishes under its own
    /// name).
    pub namespace: String,
    pub metric: &'static str,
    /// (name, value): `QueueName`, `TopicName`, `StreamName`, …
    pub dimensions: Vec<(&'static str, String)>,
    pub value: f64,
}

impl Datapoint {
    /// The value of dimension `name` (`QueueName`, `TopicName`, `StreamName`).
    pub fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What one service has cost so far: the cost meter's line for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bill {
    /// `SQS`, `SNS`, `Kinesis`, …
    pub service: &'static str,
    /// API requests billed or counted (SQS counts 64 KB chunks as requests; SNS its
    /// publishes; Kinesis its PutRecord(s) and GetRecords calls).
    pub requests: u64,
    pub usd: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, Default)]
    struct M {
        start: SimTime,
        n: u64,
    }
    impl M {
        fn values(&self) -> Vec<(&'static str, f64)> {
            vec![("N", self.n as f64)]
        }
    }
    crate::minute!(M);

    #[test]
    fn closing_keeps_minutes_in_order_and_bounded() {
        let mut s = MinuteSeries::<M>::starting(90_000);
        assert_eq!(s.current.start, 60_000);
        for k in 0..(METRIC_MINUTES_MAX as u64 + 2) {
            s.current.n = k;
            s.close(120_000 + k * MS_PER_MIN, |m| m.n += 1000);
        }
        assert_eq!(s.history.len(), METRIC_MINUTES_MAX);
        // The two oldest minutes went; the first kept one closed with n = 2 (+1000).
        assert_eq!(s.history.iter().next().unwrap().n, 1002);
        let mut out = Vec::new();
        s.publish("NS", &[("Name", "q")], &mut out);
        assert_eq!(out.len(), METRIC_MINUTES_MAX);
        assert_eq!(out[0].dimension("Name"), Some("q"));
        assert_eq!(out[0].dimension("Other"), None);
        assert!(out.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
    }
}
