//! CloudWatch metrics of one stream (namespace `AWS/Kinesis`, dimension `StreamName`,
//! aws-rules §4.9), at 1-minute resolution in a bounded ring buffer, like `sqs::metrics`.

use crate::core::time::SimTime;
use serde::Serialize;

/// One closed minute of one stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StreamMinute {
    /// Virtual time at the start of the minute.
    pub start: SimTime,
    /// Data plus partition key of every record written.
    pub incoming_bytes: u64,
    pub incoming_records: u64,
    pub put_record_success: u64,
    pub put_record_bytes: u64,
    /// PutRecords calls with at least one record written.
    pub put_records_success: u64,
    pub put_records_total_records: u64,
    pub put_records_successful_records: u64,
    pub put_records_failed_records: u64,
    pub put_records_throttled_records: u64,
    /// Records (PutRecord calls and PutRecords entries) refused for throughput.
    pub write_provisioned_throughput_exceeded: u64,
    /// GetRecords calls refused for throughput.
    pub read_provisioned_throughput_exceeded: u64,
    pub get_records_success: u64,
    pub get_records_records: u64,
    pub get_records_bytes: u64,
    /// The largest iterator age seen this minute (CloudWatch's Maximum statistic).
    pub get_records_iterator_age_ms: Option<u64>,
    pub subscribe_to_shard_event_records: u64,
    pub subscribe_to_shard_event_bytes: u64,
}

impl StreamMinute {
    /// (CloudWatch metric name, value) pairs in a fixed order; the iterator age only once a
    /// GetRecords returned.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            ("IncomingBytes", self.incoming_bytes as f64),
            ("IncomingRecords", self.incoming_records as f64),
            ("PutRecord.Success", self.put_record_success as f64),
            ("PutRecord.Bytes", self.put_record_bytes as f64),
            ("PutRecords.Success", self.put_records_success as f64),
            (
                "PutRecords.TotalRecords",
                self.put_records_total_records as f64,
            ),
            (
                "PutRecords.SuccessfulRecords",
                self.put_records_successful_records as f64,
            ),
            (
                "PutRecords.FailedRecords",
                self.put_records_failed_records as f64,
            ),
            (
                "PutRecords.ThrottledRecords",
                self.put_records_throttled_records as f64,
            ),
            (
                "WriteProvisionedThroughputExceeded",
                self.write_provisioned_throughput_exceeded as f64,
            ),
            (
                "ReadProvisionedThroughputExceeded",
                self.read_provisioned_throughput_exceeded as f64,
            ),
            ("GetRecords.Success", self.get_records_success as f64),
            ("GetRecords.Records", self.get_records_records as f64),
            ("GetRecords.Bytes", self.get_records_bytes as f64),
            (
                "SubscribeToShardEvent.Records",
                self.subscribe_to_shard_event_records as f64,
            ),
            (
                "SubscribeToShardEvent.Bytes",
                self.subscribe_to_shard_event_bytes as f64,
            ),
        ];
        if let Some(age) = self.get_records_iterator_age_ms {
            v.push(("GetRecords.IteratorAgeMilliseconds", age as f64));
        }
        v
    }
}

crate::minute!(StreamMinute);

/// A stream's minutes.
pub type StreamMetrics = crate::core::metrics::MinuteSeries<StreamMinute>;
