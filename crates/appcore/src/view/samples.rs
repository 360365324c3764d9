//! The charts' points: one sample per grid step of virtual time, per queue, topic and stream.

use super::*;

/// One point of the charts: per queue, CloudWatch's gauges and the running counters.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub t_ms: SimTime,
    pub queues: Vec<QueueSample>,
    /// Per topic (index into `sns.topics`): running NumberOfMessagesPublished,
    /// NumberOfNotificationsDelivered, NumberOfNotificationsFilteredOut,
    /// NumberOfNotificationsFailed.
    pub topics: Vec<[u64; 4]>,
    /// Per stream (index into `kinesis.streams`).
    pub streams: Vec<StreamSample>,
    /// Per Auto Scaling group (the full page; `summary.asgs`' order): GroupDesiredCapacity
    /// and GroupInServiceInstances now.
    pub asgs: Vec<[u32; 2]>,
    /// Per Lambda event source mapping (the full page; `summary.mappings`' order): batches
    /// in flight and concurrent batches allowed now.
    pub mappings: Vec<[u32; 2]>,
    /// Per Amazon MQ broker (the full page; `summary.services.brokers`' order): running
    /// messages published and acknowledged.
    pub brokers: Vec<[u64; 2]>,
    pub requests: u64,
    pub cost_usd: f64,
}

/// A stream's running IncomingRecords, Write- and ReadProvisionedThroughputExceeded, and its
/// readers' largest MillisBehindLatest now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamSample {
    pub incoming_records: u64,
    pub write_throttled: u64,
    pub read_throttled: u64,
    pub millis_behind_latest: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueSample {
    /// ApproximateNumberOfMessagesVisible
    pub visible: u64,
    /// ApproximateNumberOfMessagesNotVisible
    pub not_visible: u64,
    /// ApproximateNumberOfMessagesDelayed
    pub delayed: u64,
    /// ApproximateAgeOfOldestMessage, seconds
    pub age_of_oldest_s: u64,
    /// Running NumberOfMessagesSent / Received / Deleted and NumberOfEmptyReceives: a chart
    /// shows their differences between points as a rate.
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    pub empty_receives: u64,
}

/// The charts' points on a grid of virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    pub every_ms: SimTime,
    pub next_at_ms: SimTime,
    pub points: VecDeque<Sample>,
}

impl Default for Samples {
    fn default() -> Self {
        Samples {
            every_ms: SAMPLE_EVERY_MS_FIRST,
            next_at_ms: 0,
            points: VecDeque::new(),
        }
    }
}

impl Samples {
    /// Drops every other point and doubles the grid step (keeping points on the new grid).
    pub(super) fn thin(&mut self) {
        let every = self.every_ms * 2;
        self.points.retain(|p| p.t_ms % every == 0);
        self.every_ms = every;
        let last = self.points.back().map_or(0, |p| p.t_ms);
        self.next_at_ms = last + every;
    }

    /// A running counter as CloudWatch charts it at its 1-minute period: the count in each
    /// virtual minute, as a point at the minute's start (the current minute: so far). A
    /// sample taken exactly on a minute boundary closes the minute before it. Once the grid
    /// is coarser than a minute (a long run), the average per minute over each grid step.
    pub fn per_minute(&self, value: impl Fn(&Sample) -> u64) -> Vec<(SimTime, f64)> {
        if self.every_ms > MS_PER_MIN {
            return self.rate_per_minute(value);
        }
        let bucket = |t: SimTime| t.saturating_sub(1) / MS_PER_MIN;
        let mut out: Vec<(SimTime, f64)> = Vec::new();
        let mut points = self.points.iter();
        let Some(first) = points.next() else {
            return out;
        };
        // Counters start at zero with the run; a grid that no longer starts at 0 starts from
        // its first point.
        let mut closed = if first.t_ms == 0 { 0 } else { value(first) };
        let mut current = (bucket(first.t_ms), value(first));
        if first.t_ms == 0 {
            out.push((0, current.1 as f64));
        }
        for p in points {
            let (b, v) = (bucket(p.t_ms), value(p));
            if b != current.0 {
                closed = current.1;
            }
            current = (b, v);
            let count = v.saturating_sub(closed) as f64;
            match out.last_mut() {
                Some(last) if last.0 == b * MS_PER_MIN => last.1 = count,
                _ => out.push((b * MS_PER_MIN, count)),
            }
        }
        out
    }

    /// Per-minute rate of a running counter between consecutive points: (t_ms, per minute).
    pub fn rate_per_minute(&self, value: impl Fn(&Sample) -> u64) -> Vec<(SimTime, f64)> {
        let mut out = Vec::with_capacity(self.points.len());
        let mut prev: Option<(SimTime, u64)> = None;
        for p in &self.points {
            let v = value(p);
            if let Some((t0, v0)) = prev {
                let dt = p.t_ms.saturating_sub(t0);
                if dt > 0 {
                    out.push((p.t_ms, v.saturating_sub(v0) as f64 * 60_000.0 / dt as f64));
                }
            }
            prev = Some((p.t_ms, v));
        }
        out
    }
}
