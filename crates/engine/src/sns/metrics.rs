//! CloudWatch metrics of one topic (namespace `AWS/SNS`, dimension `TopicName`), at 1-minute
//! resolution in a bounded ring buffer, like `sqs::metrics`.

use crate::core::time::SimTime;
use serde::Serialize;

/// One closed minute of one topic.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TopicMinute {
    /// Virtual time at the start of the minute.
    pub start: SimTime,
    pub number_of_messages_published: u64,
    /// Sum of the sizes of messages published (PublishSize is reported as their average).
    pub publish_bytes: u64,
    pub number_of_notifications_delivered: u64,
    pub number_of_notifications_failed: u64,
    /// Rejected by a filter policy on message attributes that did not match.
    pub number_of_notifications_filtered_out: u64,
    /// Rejected because an attribute the policy looks at is malformed (a String.Array that is
    /// not a JSON array).
    pub number_of_notifications_filtered_out_invalid_attributes: u64,
    /// Rejected by an attribute policy because the message had no attributes.
    pub number_of_notifications_filtered_out_no_message_attributes: u64,
    /// Rejected by a body (MessageBody scope) policy.
    pub number_of_notifications_filtered_out_message_body: u64,
    /// Rejected by a body policy because the body is not a JSON object.
    pub number_of_notifications_filtered_out_invalid_message_body: u64,
    pub number_of_notifications_redriven_to_dlq: u64,
    pub number_of_notifications_failed_to_redrive_to_dlq: u64,
}

impl TopicMinute {
    /// (CloudWatch metric name, value) pairs, in a fixed order. PublishSize appears only once
    /// something was published.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            (
                "NumberOfMessagesPublished",
                self.number_of_messages_published as f64,
            ),
            (
                "NumberOfNotificationsDelivered",
                self.number_of_notifications_delivered as f64,
            ),
            (
                "NumberOfNotificationsFailed",
                self.number_of_notifications_failed as f64,
            ),
            (
                "NumberOfNotificationsFilteredOut",
                self.number_of_notifications_filtered_out as f64,
            ),
            (
                "NumberOfNotificationsFilteredOut-InvalidAttributes",
                self.number_of_notifications_filtered_out_invalid_attributes as f64,
            ),
            (
                "NumberOfNotificationsFilteredOut-NoMessageAttributes",
                self.number_of_notifications_filtered_out_no_message_attributes as f64,
            ),
            (
                "NumberOfNotificationsFilteredOut-MessageBody",
                self.number_of_notifications_filtered_out_message_body as f64,
            ),
            (
                "NumberOfNotificationsFilteredOut-InvalidMessageBody",
                self.number_of_notifications_filtered_out_invalid_message_body as f64,
            ),
            (
                "NumberOfNotificationsRedrivenToDlq",
                self.number_of_notifications_redriven_to_dlq as f64,
            ),
            (
                "NumberOfNotificationsFailedToRedriveToDlq",
                self.number_of_notifications_failed_to_redrive_to_dlq as f64,
            ),
        ];
        if self.number_of_messages_published > 0 {
            v.push((
                "PublishSize",
                self.publish_bytes as f64 / self.number_of_messages_published as f64,
            ));
        }
        v
    }
}

crate::minute!(TopicMinute);

/// A topic's minutes.
pub type TopicMetrics = crate::core::metrics::MinuteSeries<TopicMinute>;
