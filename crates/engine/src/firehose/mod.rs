//! Amazon Data Firehose (aws-rules §5): delivery streams fed by Direct PUT (PutRecord,
//! PutRecordBatch) or by a Kinesis data stream they read as a consumer, buffering per
//! destination (size or interval, first reached wins), an optional Lambda transformation,
//! dynamic partitioning by a JSON key, and delivery to S3 or to a simulated HTTP-style sink
//! (HTTP endpoint, Splunk, OpenSearch) with its retry duration and S3 backup. `ops.rs` holds
//! the operations and their validation, `deliver.rs` the buffers, the transformation, the
//! deliveries and the reading of the source stream.
//!
//! Firehose reaches its peers only through the router ([`FirehoseRouter`]): S3 keeps the
//! objects it delivers, Kinesis answers its GetRecords (sharing the shard's read limits),
//! and Lambda invokes the transforming function (counted and billed there) and answers its
//! knobs. The world reaches Firehose only
//! after a first `firehose` call (fn pointers it sets then, as for Lambda).

mod config;
mod deliver;
mod ops;

pub use config::{Destination, SinkKind};

use crate::core::metrics::{Bill, Datapoint, MinuteSeries};
use crate::core::route::FirehoseRouter;
use crate::core::time::{SimTime, MS_PER_H, MS_PER_S};
use serde_json::Value;
use std::collections::BTreeMap;

/// A timer of the Firehose service; `id` tells a stream from a deleted one of the same name.
#[derive(Clone, Debug)]
pub enum FirehoseTimer {
    /// CREATING becomes ACTIVE, DELETING becomes gone.
    Settle { stream: String, id: u64 },
    /// A buffer's interval is up.
    Flush {
        stream: String,
        id: u64,
        partition: String,
        gen: u64,
    },
    /// A delivery is attempted (after the transformation, or again after a failure).
    Deliver {
        stream: String,
        id: u64,
        delivery: u64,
    },
    /// A stream-sourced delivery stream reads its shards.
    Poll { stream: String, id: u64 },
}

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, FirehoseTimer>;

/// How long a delivery stream stays CREATING or DELETING. UNCONFIRMED: AWS documents the
/// states; creation takes "a few seconds" to a minute.
pub const STATE_TRANSITION_MS: SimTime = 5 * MS_PER_S;
/// Zero buffering (IntervalInSeconds 0) delivers within a few seconds (aws-rules §5.1); mqlab
/// delivers this long after the first record.
pub const ZERO_BUFFERING_DELAY_MS: SimTime = 2 * MS_PER_S;
/// Direct PUT quotas per delivery stream, us-east-1 (aws-rules §5.2).
pub const RECORDS_PER_S: u64 = 500_000;
pub const REQUESTS_PER_S: u64 = 2_000;
pub const BYTES_PER_S: u64 = 5 * 1024 * 1024;
/// A record's data, before base64; PutRecordBatch's records and bytes (aws-rules §5.2).
pub const RECORD_MAX_BYTES: usize = 1_000 * 1024;
pub const BATCH_MAX_RECORDS: usize = 500;
pub const BATCH_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Delivery streams per Region (aws-rules §5.2).
pub const STREAMS_MAX: usize = 50;
/// S3 delivery is retried for 24 hours, then the data is lost (aws-rules §5.3).
pub const S3_RETRY_MS: SimTime = 24 * MS_PER_H;
/// Time between two delivery attempts. UNCONFIRMED: AWS retries "periodically".
pub const RETRY_INTERVAL_MS: SimTime = 5 * MS_PER_S;
/// A stream-sourced delivery stream calls GetRecords once a second per shard (aws-rules §5.2).
pub const POLL_INTERVAL_MS: SimTime = MS_PER_S;
/// Ingestion is billed per GB with each record rounded up to 5 KB; dynamic partitioning adds
/// per GB processed and per 1,000 objects delivered (us-east-1, aws-rules §5.2, §5.4).
pub const BILLING_UNIT_BYTES: u64 = 5 * 1024;
pub const USD_PER_GB_INGESTED: f64 = 0.029;
pub const USD_PER_GB_PARTITIONED: f64 = 0.02;
pub const USD_PER_1000_PARTITIONED_OBJECTS: f64 = 0.005;
const GB: f64 = 1024.0 * 1024.0 * 1024.0;

/// A delivery stream's state (`DeliveryStreamStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Creating,
    Active,
    Deleting,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Creating => "CREATING",
            Status::Active => "ACTIVE",
            Status::Deleting => "DELETING",
        }
    }
}

/// One record as Firehose holds it.
#[derive(Clone, Debug)]
pub struct Rec {
    pub data: Vec<u8>,
    pub arrival: SimTime,
}

/// A buffer (one per dynamic partition, or the one buffer).
#[derive(Clone, Debug, Default)]
struct Buffer {
    records: Vec<Rec>,
    bytes: u64,
    gen: u64,
}

/// Where a delivery goes: the destination itself, or S3 (the S3 destination, or an
/// HTTP-style destination's backup bucket) — under the error prefix when `error` names why.
#[derive(Clone, Debug)]
struct Delivery {
    records: Vec<Rec>,
    /// The partition's prefix values (dynamic partitioning), empty without.
    partition: String,
    to_sink: bool,
    error: Option<&'static str>,
    /// Lambda's error code for a processing-failed record (the error output's line).
    error_code: Option<&'static str>,
    attempts: u32,
    first_failure: Option<SimTime>,
}

/// What a delivery stream reads of one shard of its source stream.
#[derive(Clone, Debug, Default)]
struct ShardReader {
    iterator: Option<String>,
    last_seq: Option<String>,
    /// A shard found after the first read (a reshard's child): read from its oldest record.
    from_oldest: bool,
}

/// One delivery stream.
#[derive(Clone, Debug)]
pub struct DeliveryStream {
    pub name: String,
    pub arn: String,
    id: u64,
    pub status: Status,
    /// `KinesisStreamARN` and `RoleARN` of a stream-sourced delivery stream.
    pub source: Option<(String, String)>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    /// `VersionId`, raised by each UpdateDestination.
    pub version: u64,
    pub destination: Destination,
    buffers: BTreeMap<String, Buffer>,
    deliveries: BTreeMap<u64, Delivery>,
    shards: BTreeMap<String, ShardReader>,
    /// The current second's Direct PUT use: (second, records, requests, bytes).
    window: (u64, u64, u64, u64),
    pub totals: Totals,
    pub metrics: MinuteSeries<StreamMinute>,
}

impl DeliveryStream {
    /// Records waiting in the buffers.
    pub fn buffered_records(&self) -> usize {
        self.buffers.values().map(|b| b.records.len()).sum()
    }

    /// Whether `key` names one of this stream's objects (`deliver::object_key` ends every name
    /// with `<DeliveryStreamName>-<version>-…`).
    /// (A stream `a`'s name is a prefix of stream `a-2`'s: after the name come the version's
    /// digits and a four-digit year, which tells them apart.)
    pub fn owns_object(&self, key: &str) -> bool {
        let file = key.rsplit('/').next().unwrap_or(key);
        let Some(rest) = file
            .strip_prefix(self.name.as_str())
            .and_then(|r| r.strip_prefix('-'))
        else {
            return false;
        };
        let mut parts = rest.split('-');
        let digits = |p: Option<&str>, n: Option<usize>| {
            p.is_some_and(|p| {
                !p.is_empty()
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && n.is_none_or(|n| p.len() == n)
            })
        };
        digits(parts.next(), None) && digits(parts.next(), Some(4))
    }

    /// Whether one of its objects went under the error output prefix (its static part, or
    /// `<error-output-type>/` without one: `processing-failed/`, `…-failed/`).
    pub fn is_error_object(&self, key: &str) -> bool {
        let root = self
            .destination
            .error_prefix
            .as_deref()
            .map(|ep| ep.split("!{").next().unwrap_or(""))
            .filter(|ep| !ep.is_empty());
        match root {
            Some(root) => key.starts_with(root),
            None => key
                .split('/')
                .next()
                .is_some_and(|d| d.ends_with("-failed")),
        }
    }

    /// Bytes waiting in the buffers (the size hint counts these).
    pub fn buffered_bytes(&self) -> u64 {
        self.buffers.values().map(|b| b.bytes).sum()
    }

    /// When the oldest waiting record arrived: the buffering interval counts from it.
    pub fn buffered_since(&self) -> Option<SimTime> {
        self.buffers
            .values()
            .filter_map(|b| b.records.first().map(|r| r.arrival))
            .min()
    }

    /// How long a buffer waits at most: the interval hint, or the short delay of zero
    /// buffering (aws-rules §5.1).
    pub fn flush_after_ms(&self) -> SimTime {
        match self.destination.interval_ms {
            0 => ZERO_BUFFERING_DELAY_MS,
            ms => ms,
        }
    }
}

/// A delivery stream's counts since it was created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub incoming_records: u64,
    pub incoming_bytes: u64,
    pub throttled_records: u64,
    pub read_records: u64,
    pub throttled_get_records: u64,
    /// Records in objects put in S3 under the main prefix (the S3 destination, or an
    /// `AllData` backup).
    pub delivered_to_s3: u64,
    /// Records a sink (HTTP endpoint, Splunk, OpenSearch) accepted.
    pub delivered_to_sink: u64,
    /// Records written under the error prefix (processing-failed, sink-failed).
    pub error_output: u64,
    pub objects: u64,
    /// Bytes of those objects, and when the first and the last were put (what `mqlab run`
    /// reports: a buffered stream delivers in objects about every interval).
    pub object_bytes: u64,
    pub first_object_at: Option<SimTime>,
    pub last_object_at: Option<SimTime>,
    pub failed_attempts: u64,
    pub transform_invocations: u64,
    pub processing_failed: u64,
    /// Records dropped after their retries ran out (S3 unreachable for 24 h).
    pub lost: u64,
}

/// One minute of a delivery stream's metrics (`AWS/Firehose`, dimension
/// `DeliveryStreamName`).
#[derive(Clone, Debug, Default)]
pub struct StreamMinute {
    pub start: SimTime,
    pub sink: Option<SinkKind>,
    pub incoming_records: u64,
    pub incoming_bytes: u64,
    pub incoming_put_requests: u64,
    pub throttled_records: u64,
    pub read_records: u64,
    pub read_bytes: u64,
    pub throttled_get_records: u64,
    pub s3_records: u64,
    pub s3_bytes: u64,
    pub s3_attempts: u64,
    pub s3_successes: u64,
    pub s3_freshness_s: Option<f64>,
    pub sink_records: u64,
    pub sink_bytes: u64,
    pub sink_attempts: u64,
    pub sink_successes: u64,
    pub processing_ok: u64,
    pub processing_failed: u64,
}

impl StreamMinute {
    fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            ("IncomingRecords", self.incoming_records as f64),
            ("IncomingBytes", self.incoming_bytes as f64),
            ("IncomingPutRequests", self.incoming_put_requests as f64),
            ("ThrottledRecords", self.throttled_records as f64),
        ];
        if self.read_records + self.throttled_get_records > 0 {
            v.push((
                "DataReadFromKinesisStream.Records",
                self.read_records as f64,
            ));
            v.push(("DataReadFromKinesisStream.Bytes", self.read_bytes as f64));
            v.push(("ThrottledGetRecords", self.throttled_get_records as f64));
        }
        if self.s3_attempts > 0 {
            v.push(("DeliveryToS3.Records", self.s3_records as f64));
            v.push(("DeliveryToS3.Bytes", self.s3_bytes as f64));
            let ok = self.s3_successes as f64 / self.s3_attempts as f64;
            v.push(("DeliveryToS3.Success", ok));
        }
        if let Some(f) = self.s3_freshness_s {
            v.push(("DeliveryToS3.DataFreshness", f));
        }
        if let (Some(sink), true) = (self.sink, self.sink_attempts > 0) {
            let [records, bytes, success] = sink.metric_names();
            v.push((records, self.sink_records as f64));
            v.push((bytes, self.sink_bytes as f64));
            let ok = self.sink_successes as f64 / self.sink_attempts as f64;
            v.push((success, ok));
        }
        if self.processing_ok + self.processing_failed > 0 {
            v.push(("SucceedProcessing.Records", self.processing_ok as f64));
            v.push(("FailedProcessing.Records", self.processing_failed as f64));
        }
        v
    }
}
crate::minute!(StreamMinute);

/// The Firehose service: delivery streams by name, and what it has billed.
#[derive(Clone, Debug, Default)]
pub struct Firehose {
    streams: BTreeMap<String, DeliveryStream>,
    next_id: u64,
    next_delivery: u64,
    requests: u64,
    /// Ingested bytes, each record rounded up to [`BILLING_UNIT_BYTES`].
    billed_bytes: u64,
    partitioned_bytes: u64,
    partitioned_objects: u64,
}

impl Firehose {
    pub fn stream(&self, name: &str) -> Option<&DeliveryStream> {
        self.streams.get(name)
    }

    pub fn streams(&self) -> impl Iterator<Item = &DeliveryStream> {
        self.streams.values()
    }

    /// Bytes billed as ingested so far (each record rounded up to 5 KB).
    pub fn billed_bytes(&self) -> u64 {
        self.billed_bytes
    }

    /// The cost meter's line: ingestion, and dynamic partitioning's data and objects.
    pub fn bill(&self) -> Bill {
        Bill {
            service: "Firehose",
            requests: self.requests,
            usd: self.billed_bytes as f64 / GB * USD_PER_GB_INGESTED
                + self.partitioned_bytes as f64 / GB * USD_PER_GB_PARTITIONED
                + self.partitioned_objects as f64 / 1000.0 * USD_PER_1000_PARTITIONED_OBJECTS,
        }
    }

    /// Every closed minute of every delivery stream.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for s in self.streams.values() {
            s.metrics
                .publish("AWS/Firehose", &[("DeliveryStreamName", &s.name)], &mut out);
        }
        out
    }

    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        for s in self.streams.values_mut() {
            let sink = s.destination.sink.as_ref().map(|k| k.kind);
            s.metrics.close(now, |_| {});
            s.metrics.current.sink = sink;
        }
    }

    /// A `firehose` API call.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        peers: &mut dyn FirehoseRouter,
        op: &str,
        params: &Value,
    ) -> Result<Value, crate::core::error::AwsError> {
        ops::call(self, ctx, peers, op, params)
    }
}
