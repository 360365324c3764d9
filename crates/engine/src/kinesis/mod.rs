//! Amazon Kinesis Data Streams: streams of shards with hash-key ranges, MD5 partition-key
//! routing, sequence numbers, iterators, per-shard throughput limits, retention, resharding,
//! capacity modes, enhanced fan-out, metrics and cost.
//!
//! - [`keys`] — hash keys (MD5 → 128-bit integer), sequence numbers in AWS's 56-digit form.
//! - [`api`] — request/response types with the API model's member names.
//! - [`metrics`], [`cost`] — CloudWatch `AWS/Kinesis` series and the cost meter.
//! - `ops` — the operations; `stream` — one stream, its shards and records.
//!
//! Control-plane changes are asynchronous as in AWS: CreateStream leaves the stream CREATING,
//! SplitShard / MergeShards / UpdateShardCount / UpdateStreamMode leave it UPDATING, and a
//! Kinesis timer finishes the change later in virtual time. Records are immutable; they leave
//! a shard only when the retention period has passed (trimmed at each metrics minute, and never
//! returned by a read once too old). Nothing here draws from the RNG.

pub mod api;
pub mod cost;
pub mod keys;
pub mod metrics;
mod ops;
pub mod stream;
pub mod tags;

use crate::core::ctx::CallId;
use crate::core::error::AwsError;
use crate::core::metrics::{Bill, Datapoint};
use crate::core::time::{SimTime, MS_PER_H, MS_PER_S};
use cost::{KinesisCostMeter, KinesisPrices};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use stream::{Stream, Subscription};

/// What Kinesis acts on at one instant (see [`crate::core::ctx`]).
pub type Ctx<'a> = crate::core::ctx::Ctx<'a, KinesisTimer>;

pub use crate::core::aws::{ACCOUNT_ID, REGION};

/// CREATING → ACTIVE. AWS gives no figure (streams are usually ACTIVE within a minute):
/// UNCONFIRMED, 30 s.
pub const STREAM_CREATE_DELAY_MS: SimTime = 30_000;
/// UPDATING → ACTIVE after SplitShard, MergeShards, UpdateShardCount or UpdateStreamMode
/// ("a few seconds" for a split in the developer guide): UNCONFIRMED, 10 s.
pub const STREAM_UPDATE_DELAY_MS: SimTime = 10_000;
/// DELETING → gone. UNCONFIRMED, 10 s.
pub const STREAM_DELETE_DELAY_MS: SimTime = 10_000;
/// Consumer CREATING → ACTIVE and DELETING → gone. UNCONFIRMED, 5 s.
pub const CONSUMER_STATUS_DELAY_MS: SimTime = 5_000;

/// Write limit per shard: 1 MiB/s including partition keys (aws-rules §4.1).
pub const SHARD_WRITE_BYTES_PER_S: u64 = 1024 * 1024;
/// …or 1,000 records/s (aws-rules §4.1).
pub const SHARD_WRITE_RECORDS_PER_S: u64 = 1_000;
/// Read limit per shard: 2 MiB/s shared by every GetRecords reader (aws-rules §4.1).
pub const SHARD_READ_BYTES_PER_S: u64 = 2 * 1024 * 1024;
/// …and 5 GetRecords calls/s (aws-rules §4.1).
pub const SHARD_READ_CALLS_PER_S: u32 = 5;
/// Enhanced fan-out: 2 MiB/s per consumer per shard (aws-rules §4.6).
pub const EFO_BYTES_PER_S: u64 = 2 * 1024 * 1024;

/// Record: data blob up to 1 MiB (the default MaxRecordSizeInKiB, aws-rules §4.1), data plus
/// partition key up to the same.
pub const RECORD_SIZE_MAX: usize = 1024 * 1024;
pub const PARTITION_KEY_CHARS_MAX: usize = 256;
/// PutRecords: at most 500 records (aws-rules §4.1).
pub const PUT_RECORDS_ENTRIES_MAX: usize = 500;
/// PutRecords: the whole request, partition keys included. The current API model says
/// 10 MiB (aws-rules §0.1, §4.1: "was 5 MB"); docs/aws-rules.md wins over older texts.
pub const PUT_RECORDS_REQUEST_MAX: usize = 10 * 1024 * 1024;
/// GetRecords: at most 10,000 records and 10 MiB per call (aws-rules §4.1).
pub const GET_RECORDS_LIMIT_MAX: usize = 10_000;
pub const GET_RECORDS_BYTES_MAX: u64 = 10 * 1024 * 1024;
/// Shard iterators expire 5 minutes after they are returned (aws-rules §4.1).
pub const ITERATOR_TTL_MS: SimTime = 300_000;
/// ListShards / ListStreamConsumers next tokens: AWS documents 300 s; ListStreams tokens get
/// the same life (their expiry is UNCONFIRMED) (aws-rules §4.12).
pub const NEXT_TOKEN_TTL_MS: SimTime = 300_000;
/// ListStreams: `Limit` 1–10,000, default 100, at most 100 returned (aws-rules §4.12).
pub const LIST_STREAMS_PAGE_MAX: i64 = 100;
/// ListShards: `MaxResults` 1–10,000, default 1,000, at most 1,000 returned (aws-rules §4.12).
pub const LIST_SHARDS_PAGE_MAX: i64 = 1_000;
/// ListStreamConsumers: `MaxResults` 1–10,000, default 100, at most 100 returned
/// (aws-rules §4.12).
pub const LIST_CONSUMERS_PAGE_MAX: i64 = 100;
/// DescribeStream: `Limit` 1–10,000, default 100, at most 100 shards returned (aws-rules §4.12).
pub const DESCRIBE_STREAM_PAGE_MAX: i64 = 100;
/// The upper bound of the `Limit`/`MaxResults` members of the list operations above.
pub const LIST_MEMBER_MAX: i64 = 10_000;

/// Retention: 24 h default and minimum, 8,760 h (365 days) maximum (aws-rules §4.4).
pub const RETENTION_DEFAULT_HOURS: u32 = 24;
pub const RETENTION_MIN_HOURS: u32 = 24;
pub const RETENTION_MAX_HOURS: u32 = 8_760;

/// Open shards per account in us-east-1 (aws-rules §4.1).
pub const ACCOUNT_SHARD_LIMIT: u32 = 500;
/// Shards per stream (UpdateShardCount, aws-rules §4.1).
pub const STREAM_SHARDS_MAX: u32 = 10_000;
/// Streams CREATING at the same time (aws-rules §4.1).
pub const STREAMS_CREATING_MAX: usize = 5;
/// UpdateShardCount calls per rolling 24 h per stream (aws-rules §4.1).
pub const UPDATE_SHARD_COUNT_PER_DAY_MAX: usize = 10;
/// Capacity-mode switches per rolling 24 h per stream (aws-rules §4.7).
pub const MODE_SWITCHES_PER_DAY_MAX: usize = 2;
/// Enhanced fan-out consumers per stream (aws-rules §4.6) and CREATING at once.
pub const CONSUMERS_PER_STREAM_MAX: usize = 20;
pub const CONSUMERS_CREATING_MAX: usize = 5;
/// A SubscribeToShard subscription lives 5 minutes; a new one for the same consumer and shard
/// within 5 s of the last success is refused (aws-rules §4.6).
pub const SUBSCRIPTION_TTL_MS: SimTime = 300_000;
pub const RESUBSCRIBE_MIN_INTERVAL_MS: SimTime = 5_000;
/// How often a subscription pushes what arrived. AWS pushes as records arrive; one push per
/// second of virtual time keeps the per-second 2 MiB budget simple. UNCONFIRMED cadence.
pub const SUBSCRIPTION_PUSH_INTERVAL_MS: SimTime = 1_000;
/// Events kept per subscription until its answer is taken.
pub const SUBSCRIPTION_EVENTS_MAX: usize = 1_000;
/// How long after a record is written an enhanced fan-out consumer receives it (AWS's
/// enhanced fan-out announcement speaks of about 70 ms; aws-rules §4.6 has no figure):
/// UNCONFIRMED. Used by the pushes of simulated consumers' subscriptions.
pub const EFO_PUSH_LATENCY_MS: SimTime = 70;
/// Events a simulated consumer's subscription holds untaken before it stops reading ahead
/// (the HTTP/2 flow control of a real subscription).
pub const PUSHED_EVENTS_PENDING_MAX: usize = 1;

/// On-demand: shards a new on-demand stream starts with (4 MiB/s of writes, aws-rules §4.7).
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;
/// On-demand absorbs up to twice the peak write rate of the previous 30 days (aws-rules §4.7).
pub const ON_DEMAND_PEAK_MULTIPLIER: u64 = 2;
pub const ON_DEMAND_PEAK_WINDOW_MS: SimTime = 30 * crate::core::time::MS_PER_DAY;
/// A new peak raises capacity only after this long ("traffic more than doubling the previous
/// peak within 15 minutes" can be throttled, aws-rules §4.7). UNCONFIRMED that it is a sharp step.
pub const ON_DEMAND_SCALE_UP_MS: SimTime = 15 * crate::core::time::MS_PER_MIN;
/// On-demand splits a shard that receives more than 500 KB/s (aws-rules §4.7; KB read as KiB).
pub const ON_DEMAND_SHARD_SPLIT_BYTES_PER_S: u64 = 500 * 1024;
/// …once the shard has been that busy, on average over each minute, for this long.
/// aws-rules §4.7 says only that the split comes "within 15 min": UNCONFIRMED, 5 minutes
/// (short enough for a lesson to watch).
pub const ON_DEMAND_SPLIT_SUSTAINED_MS: SimTime = 5 * crate::core::time::MS_PER_MIN;
/// Partition keys whose on-demand per-key rate is tracked within one second; keys beyond it
/// are not throttled individually (memory bound).
pub const ON_DEMAND_KEYS_TRACKED_MAX: usize = 100_000;

/// Records kept per shard. AWS keeps everything within retention; a simulation of a busy
/// shard over 365 days cannot, so beyond this the oldest records go early (counted in
/// `ShardTotals::records_dropped_over_cap`).
pub const SHARD_RECORDS_MAX: usize = 200_000;
/// Bytes of record data kept in memory per shard (`Shard::bytes_stored`: synthetic data
/// counts what it stores), for the same reason.
pub const SHARD_BYTES_MAX: u64 = 256 * 1024 * 1024;
/// Streams in the simulated account (listing and memory bound).
pub const STREAMS_MAX: usize = 1_000;

/// Knobs of the simulation that AWS does not expose as API parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KinesisConfig {
    pub create_delay_ms: SimTime,
    pub update_delay_ms: SimTime,
    pub delete_delay_ms: SimTime,
    pub consumer_delay_ms: SimTime,
    pub account_shard_limit: u32,
    pub prices: KinesisPrices,
}

impl Default for KinesisConfig {
    fn default() -> Self {
        KinesisConfig {
            create_delay_ms: STREAM_CREATE_DELAY_MS,
            update_delay_ms: STREAM_UPDATE_DELAY_MS,
            delete_delay_ms: STREAM_DELETE_DELAY_MS,
            consumer_delay_ms: CONSUMER_STATUS_DELAY_MS,
            account_shard_limit: ACCOUNT_SHARD_LIMIT,
            prices: KinesisPrices::default(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum KinesisTimer {
    /// A stream's pending change (creation, resharding, mode switch, deletion) completes.
    StreamChange {
        stream: String,
        incarnation: u64,
        change: u64,
    },
    /// A consumer finishes registering (CREATING → ACTIVE) or deregistering.
    ConsumerChange {
        stream: String,
        incarnation: u64,
        consumer: String,
    },
    /// A SubscribeToShard subscription pushes what arrived, or ends.
    SubscriptionPush { subscription: u64 },
}

#[derive(Clone, Debug)]
pub struct Kinesis {
    config: KinesisConfig,
    streams: BTreeMap<String, Stream>,
    next_incarnation: u64,
    subscriptions: BTreeMap<u64, Subscription>,
    next_subscription: u64,
    /// Answers of calls that completed later (SubscribeToShard in the JSON API).
    replies: Vec<(CallId, Result<Value, AwsError>)>,
    /// Pushed subscriptions that got an event or ended since the world last looked.
    notified: Vec<u64>,
    cost: KinesisCostMeter,
    /// When the cost meter last integrated shard-hours.
    accrued_at: SimTime,
}

pub fn stream_arn(name: &str) -> String {
    format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{name}")
}

pub fn stream_not_found(name: &str) -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        format!("Stream {name} under account {ACCOUNT_ID} not found."),
    )
}

pub fn invalid_argument(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidArgumentException", message)
}

/// A constraint violation as AWS's JSON services word it (kinesalite's
/// validations/index.js): `1 validation error detected: Value 'x' at 'member' failed to
/// satisfy constraint: …`.
pub fn validation(value: Option<&str>, member: &str, constraint: &str) -> AwsError {
    let value = match value {
        Some(v) => format!("'{v}'"),
        None => "null".to_string(),
    };
    AwsError::new(
        "ValidationException",
        format!(
            "1 validation error detected: Value {value} at '{member}' failed to satisfy constraint: {constraint}"
        ),
    )
}

/// A required member that is absent.
pub fn required(member: &str) -> AwsError {
    validation(None, member, "Member must not be null")
}

/// The epoch-seconds number of a virtual instant, with milliseconds.
pub fn epoch_secs_f64(t: SimTime) -> f64 {
    crate::core::time::epoch_ms(t) as f64 / 1000.0
}

/// A timestamp member (epoch seconds) as virtual time: before the run began is 0.
pub fn sim_time_of(epoch_secs: f64) -> SimTime {
    if !epoch_secs.is_finite() {
        return 0;
    }
    let ms = (epoch_secs * 1000.0).round() - (crate::core::time::EPOCH_S * MS_PER_S) as f64;
    if ms <= 0.0 {
        0
    } else {
        ms.min(u64::MAX as f64 / 2.0) as SimTime
    }
}

impl Default for Kinesis {
    fn default() -> Self {
        Kinesis::new(KinesisConfig::default())
    }
}

impl Kinesis {
    pub fn new(config: KinesisConfig) -> Self {
        let cost = KinesisCostMeter {
            prices: config.prices.clone(),
            ..Default::default()
        };
        Kinesis {
            config,
            streams: BTreeMap::new(),
            next_incarnation: 0,
            subscriptions: BTreeMap::new(),
            next_subscription: 0,
            replies: Vec::new(),
            notified: Vec::new(),
            cost,
            accrued_at: 0,
        }
    }

    pub fn config(&self) -> &KinesisConfig {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut KinesisConfig {
        &mut self.config
    }

    pub fn cost(&self) -> &KinesisCostMeter {
        &self.cost
    }

    /// Kinesis's line of the world's bill: PutRecord, PutRecords and GetRecords calls
    /// answered (an on-demand stream bills data, not payload units, but its calls are
    /// requests all the same), and shard-hours, PUT payload units, on-demand and enhanced
    /// fan-out data.
    pub fn bill(&self) -> Bill {
        let requests = self
            .streams()
            .flat_map(|st| st.metrics.history.iter().chain([&st.metrics.current]))
            .map(|m| m.put_record_success + m.put_records_success + m.get_records_success)
            .sum();
        Bill {
            service: "Kinesis",
            requests,
            usd: self.cost.usd(),
        }
    }

    pub fn streams(&self) -> impl Iterator<Item = &Stream> {
        self.streams.values()
    }

    /// Payload bytes the shards keep in memory: every record's data, a synthetic one counted
    /// by its head and tail only (see [`crate::core::payload`]).
    pub fn payload_bytes_retained(&self) -> u64 {
        self.streams
            .values()
            .flat_map(|s| s.shards.iter())
            .flat_map(|sh| sh.records.iter())
            .map(|r| r.data.retained_bytes() as u64)
            .sum()
    }

    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.get(name)
    }

    /// Adds every stream, shard and subscription to a memory estimate (see
    /// [`crate::core::memory`]), from counts only.
    pub(crate) fn memory(&self, t: &mut crate::core::memory::Tally) {
        use crate::core::memory::{self as m, TABLE_ENTRY_BYTES};
        use std::mem::size_of;
        for s in self.streams.values() {
            t.copied(m::other, 1, size_of::<Stream>() as u64);
            t.segvec(m::metrics, &s.metrics.history, 0);
            let tables = s.consumers.len()
                + s.last_subscribe.len()
                + s.seq_ix.len()
                + s.on_demand.keys.len()
                + s.on_demand.recent.len()
                + s.on_demand.daily.len();
            t.copied(m::other, tables, TABLE_ENTRY_BYTES);
            for sh in &s.shards {
                // The shard, its id and its parents' ids.
                t.copied(m::other, 1, size_of::<stream::Shard>() as u64 + 3 * 32);
                t.segvec(
                    m::records,
                    &sh.records,
                    m::PARTITION_KEY_BYTES + m::PAYLOAD_ALLOC_BYTES,
                );
                // Data of the records in the open tail: a snapshot copies it (sealed data is
                // shared). What the world holds is counted in `World::payload_bytes`.
                let tail = (sh.bytes_stored as u128 * sh.records.unsealed_len() as u128)
                    .checked_div(sh.records.len() as u128)
                    .unwrap_or(0);
                t.add(m::payloads, 0, tail as u64);
            }
        }
        for sub in self.subscriptions.values() {
            t.copied(
                m::other,
                1,
                size_of::<Subscription>() as u64 + TABLE_ENTRY_BYTES,
            );
            // Records pushed and not yet taken, converted (data copied) for the API.
            for e in &sub.events {
                for r in &e.records {
                    let each = size_of::<api::RecordOut>() + r.data.len() + r.partition_key.len();
                    t.copied(m::other, 1, each as u64);
                }
            }
        }
    }

    /// What this world's records (a snapshot's) cost that `live` no longer holds: records
    /// older than the live shard's oldest (trimmed since, by retention or the shard's cap),
    /// and every record of a shard or stream the live world has dropped. A snapshot shares
    /// the rest with the live world. Binary searches, no walk over records.
    pub fn records_bytes_not_in(&self, live: &Kinesis) -> u64 {
        let per_record = std::mem::size_of::<stream::Record>() as u64
            + crate::core::memory::PARTITION_KEY_BYTES
            + crate::core::memory::PAYLOAD_ALLOC_BYTES;
        let mut bytes = 0;
        for (name, s) in &self.streams {
            for sh in &s.shards {
                let n = sh.records.len() as u64;
                if n == 0 {
                    continue;
                }
                let live_front = live
                    .streams
                    .get(name)
                    .and_then(|l| l.shards.iter().find(|l| l.shard_id == sh.shard_id))
                    .map(|l| l.records.front().map(|r| r.seq));
                let gone = match live_front {
                    // The live shard holds nothing older than its front.
                    Some(Some(front)) => sh.records.partition_point(|r| r.seq < front) as u64,
                    // Emptied, or no longer there: all of it is this world's own.
                    Some(None) | None => n,
                };
                bytes += gone * (per_record + sh.bytes_stored / n);
            }
        }
        bytes
    }

    /// Bytes of record data and keys the shards keep in memory (a running total per shard).
    pub(crate) fn payload_bytes_held(&self) -> u64 {
        self.streams
            .values()
            .flat_map(|s| &s.shards)
            .map(|sh| sh.bytes_stored)
            .sum()
    }

    pub fn subscription(&self, id: u64) -> Option<&Subscription> {
        self.subscriptions.get(&id)
    }

    /// Every closed minute of every stream, as CloudWatch would list them.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for s in self.streams.values() {
            s.metrics
                .publish("AWS/Kinesis", &[("StreamName", &s.name)], &mut out);
        }
        out
    }

    /// Pushed subscriptions with something new (an event to take, or their end), for the
    /// world to hand to the simulated readers.
    /// Whether replies or pushes wait for the world to route them.
    pub(crate) fn has_pending(&self) -> bool {
        !self.replies.is_empty() || !self.notified.is_empty()
    }

    pub(crate) fn take_notified(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.notified)
    }

    /// Answers of asynchronous calls that have completed (for the world to route).
    pub(crate) fn take_replies(&mut self) -> Vec<(CallId, Result<Value, AwsError>)> {
        std::mem::take(&mut self.replies)
    }

    /// Integrates time-billed usage (shard-hours, stream-hours, retention, consumers) up to
    /// `now`; called before anything that changes what is billed, and every minute.
    pub(crate) fn accrue(&mut self, now: SimTime) {
        let dt = now.saturating_sub(self.accrued_at);
        self.accrued_at = now.max(self.accrued_at);
        if dt == 0 {
            return;
        }
        for s in self.streams.values() {
            if s.status == stream::StreamStatus::Creating {
                continue;
            }
            let open = s.open_shard_count() as u64;
            match s.mode {
                stream::StreamMode::Provisioned => self.cost.shard_ms += open * dt,
                stream::StreamMode::OnDemand => self.cost.on_demand_stream_ms += dt,
            }
            if s.retention_hours > RETENTION_DEFAULT_HOURS {
                self.cost.extended_retention_shard_ms += open * dt;
            }
            self.cost.efo_consumer_shard_ms += s.consumers.len() as u64 * open * dt;
        }
    }

    /// Closes the metrics minute of every stream and trims what retention no longer keeps.
    pub(crate) fn close_metrics_minute(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        self.accrue(now);
        for s in self.streams.values_mut() {
            s.metrics.close(now, |_| {});
            s.trim(ctx);
        }
        self.split_hot_on_demand_shards(ctx);
    }

    /// The JSON face of the operations: AWS request members in, AWS response members out.
    /// `None` means the answer comes later (SubscribeToShard), through the world's
    /// completions.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
        call: CallId,
    ) -> Option<Result<Value, AwsError>> {
        use api::{parse, to_json};
        let empty = |r: Result<(), AwsError>| r.map(|()| Value::Object(Default::default()));
        Some(match op {
            "CreateStream" => parse(params).and_then(|i| empty(self.create_stream(ctx, &i))),
            "DeleteStream" => parse(params).and_then(|i| empty(self.delete_stream(ctx, &i))),
            "DescribeStream" => parse(params).and_then(|i| self.describe_stream(ctx, &i)),
            "DescribeStreamSummary" => {
                parse(params).and_then(|i| self.describe_stream_summary(ctx, &i))
            }
            "ListStreams" => parse(params).and_then(|i| self.list_streams(ctx, &i)),
            "ListShards" => parse(params).and_then(|i| self.list_shards(ctx, &i)),
            "DescribeLimits" => Ok(self.describe_limits()),
            "PutRecord" => parse(params)
                .and_then(|i| self.put_record(ctx, &i))
                .map(to_json),
            "PutRecords" => parse(params)
                .and_then(|i| self.put_records(ctx, &i))
                .map(to_json),
            "GetShardIterator" => parse(params)
                .and_then(|i| self.get_shard_iterator(ctx, &i))
                .map(to_json),
            "GetRecords" => parse(params)
                .and_then(|i| self.get_records(ctx, &i))
                .map(to_json),
            "IncreaseStreamRetentionPeriod" => {
                parse(params).and_then(|i| empty(self.increase_retention(ctx, &i)))
            }
            "DecreaseStreamRetentionPeriod" => {
                parse(params).and_then(|i| empty(self.decrease_retention(ctx, &i)))
            }
            "SplitShard" => parse(params).and_then(|i| empty(self.split_shard(ctx, &i))),
            "MergeShards" => parse(params).and_then(|i| empty(self.merge_shards(ctx, &i))),
            "UpdateShardCount" => parse(params)
                .and_then(|i| self.update_shard_count(ctx, &i))
                .map(to_json),
            "UpdateStreamMode" => {
                parse(params).and_then(|i| empty(self.update_stream_mode(ctx, &i)))
            }
            "RegisterStreamConsumer" => {
                parse(params).and_then(|i| self.register_stream_consumer(ctx, &i))
            }
            "DescribeStreamConsumer" => {
                parse(params).and_then(|i| self.describe_stream_consumer(&i))
            }
            "ListStreamConsumers" => parse(params).and_then(|i| self.list_stream_consumers(ctx, &i)),
            "DeregisterStreamConsumer" => {
                parse(params).and_then(|i| empty(self.deregister_stream_consumer(ctx, &i)))
            }
            "SubscribeToShard" => {
                match parse(params).and_then(|i| self.subscribe_to_shard(ctx, &i, Some(call))) {
                    Ok(_) => return None,
                    Err(e) => Err(e),
                }
            }
            "AddTagsToStream" => parse(params).and_then(|i| self.add_tags_to_stream(&i)),
            "RemoveTagsFromStream" => parse(params).and_then(|i| self.remove_tags_from_stream(&i)),
            "ListTagsForStream" => parse(params).and_then(|i| self.list_tags_for_stream(&i)),
            "TagResource" => parse(params).and_then(|i| self.tag_resource(&i)),
            "UntagResource" => parse(params).and_then(|i| self.untag_resource(&i)),
            "ListTagsForResource" => parse(params).and_then(|i| self.list_tags_for_resource(&i)),
            "StartStreamEncryption"
            | "StopStreamEncryption"
            | "EnableEnhancedMonitoring"
            | "DisableEnhancedMonitoring"
            | "UpdateMaxRecordSize"
            | "UpdateStreamWarmThroughput"
            | "PutResourcePolicy"
            | "GetResourcePolicy"
            | "DeleteResourcePolicy" => Err(AwsError::new(
                "UnsupportedOperation",
                format!("{op} is not simulated: mqlab has no KMS keys, shard-level metrics or resource policies for Kinesis yet."),
            )),
            other => Err(AwsError::new(
                "UnknownOperationException",
                format!("The operation {other} is not a Kinesis Data Streams operation."),
            )),
        })
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, timer: KinesisTimer) {
        match timer {
            KinesisTimer::StreamChange {
                stream,
                incarnation,
                change,
            } => self.finish_stream_change(ctx, &stream, incarnation, change),
            KinesisTimer::ConsumerChange {
                stream,
                incarnation,
                consumer,
            } => self.finish_consumer_change(ctx, &stream, incarnation, &consumer),
            KinesisTimer::SubscriptionPush { subscription } => {
                self.push_subscription(ctx, subscription)
            }
        }
    }
}

/// Hours as milliseconds.
pub(crate) fn hours_ms(h: u32) -> SimTime {
    SimTime::from(h) * MS_PER_H
}
