//! CloudWatch metrics of one queue (namespace `AWS/SQS`, dimension `QueueName`, aws-rules §1.13),
//! at 1-minute resolution in a bounded ring buffer.

use crate::segvec::SegVec;
use crate::time::SimTime;
use serde::Serialize;

/// 14 days of minutes: the longest retention a queue can have, so a 14-day run keeps its whole
/// history; older minutes are dropped first.
pub const METRIC_MINUTES_MAX: usize = 14 * 24 * 60;

/// One closed minute of one queue.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MinuteSample {
    /// Virtual time at the start of the minute.
    pub start: SimTime,
    pub number_of_messages_sent: u64,
    /// Sum of the sizes of messages sent during the minute (SentMessageSize is reported as
    /// its average, below).
    pub sent_bytes: u64,
    pub number_of_messages_received: u64,
    pub number_of_messages_deleted: u64,
    pub number_of_empty_receives: u64,
    pub approximate_number_of_messages_visible: u64,
    pub approximate_number_of_messages_not_visible: u64,
    pub approximate_number_of_messages_delayed: u64,
    pub approximate_age_of_oldest_message: u64,
    /// FIFO only.
    pub approximate_number_of_groups_with_inflight_messages: Option<u64>,
}

impl MinuteSample {
    /// (CloudWatch metric name, value) pairs, in a fixed order. SentMessageSize appears only
    /// once something was sent (aws-rules §1.13: "not shown until first send").
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            (
                "ApproximateNumberOfMessagesVisible",
                self.approximate_number_of_messages_visible as f64,
            ),
            (
                "ApproximateNumberOfMessagesNotVisible",
                self.approximate_number_of_messages_not_visible as f64,
            ),
            (
                "ApproximateNumberOfMessagesDelayed",
                self.approximate_number_of_messages_delayed as f64,
            ),
            (
                "ApproximateAgeOfOldestMessage",
                self.approximate_age_of_oldest_message as f64,
            ),
            ("NumberOfMessagesSent", self.number_of_messages_sent as f64),
            (
                "NumberOfMessagesReceived",
                self.number_of_messages_received as f64,
            ),
            (
                "NumberOfMessagesDeleted",
                self.number_of_messages_deleted as f64,
            ),
            (
                "NumberOfEmptyReceives",
                self.number_of_empty_receives as f64,
            ),
        ];
        if self.number_of_messages_sent > 0 {
            v.push((
                "SentMessageSize",
                self.sent_bytes as f64 / self.number_of_messages_sent as f64,
            ));
        }
        if let Some(g) = self.approximate_number_of_groups_with_inflight_messages {
            v.push(("ApproximateNumberOfGroupsWithInflightMessages", g as f64));
        }
        v
    }
}

#[derive(Clone, Debug, Default)]
pub struct QueueMetrics {
    /// Counters of the minute in progress.
    pub current: MinuteSample,
    /// Closed minutes, oldest first: sealed segments shared with the world's snapshots
    /// (up to 14 days of minutes, which a snapshot would otherwise copy whole).
    pub history: SegVec<MinuteSample>,
}

impl QueueMetrics {
    pub fn close_minute(&mut self, gauges: MinuteSample, next_start: SimTime) {
        let mut closed = std::mem::take(&mut self.current);
        closed.approximate_number_of_messages_visible =
            gauges.approximate_number_of_messages_visible;
        closed.approximate_number_of_messages_not_visible =
            gauges.approximate_number_of_messages_not_visible;
        closed.approximate_number_of_messages_delayed =
            gauges.approximate_number_of_messages_delayed;
        closed.approximate_age_of_oldest_message = gauges.approximate_age_of_oldest_message;
        closed.approximate_number_of_groups_with_inflight_messages =
            gauges.approximate_number_of_groups_with_inflight_messages;
        if self.history.len() >= METRIC_MINUTES_MAX {
            self.history.remove_front();
        }
        self.history.push_back(closed);
        self.current.start = next_start;
    }
}

/// One row of exported metrics: what `mqlab run --metrics` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    /// Epoch seconds of the start of the minute.
    pub timestamp: u64,
    pub queue: String,
    pub metric: String,
    pub value: f64,
}
