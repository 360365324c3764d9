//! CloudWatch metrics of one queue (namespace `AWS/SQS`, dimension `QueueName`, aws-rules §1.13),
//! at 1-minute resolution in a bounded ring buffer.

use crate::core::time::SimTime;
use serde::Serialize;

pub use crate::core::metrics::METRIC_MINUTES_MAX;

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

crate::minute!(MinuteSample);

/// A queue's minutes.
pub type QueueMetrics = crate::core::metrics::MinuteSeries<MinuteSample>;
