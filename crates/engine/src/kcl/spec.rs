//! What a scenario says about a stream consumer: how it reads (polling GetRecords or
//! enhanced fan-out), how long a record takes to process, and, for a KCL-style application,
//! its workers, failover time, checkpoint cadence and faults.
//!
//! ```json
//! {"name": "analytics", "stream": "clicks", "retrieval": "polling", "limit": 1000,
//!  "idle_time_between_reads_ms": 1000, "processing": {"dist": "fixed", "ms": 2},
//!  "initial_position": "TRIM_HORIZON",
//!  "kcl": {"application_name": "analytics", "workers": 3, "failover_time_ms": 10000,
//!          "checkpoint_every_records": 100,
//!          "crashes": [{"worker": 1, "at_ms": 60000, "restart_after_ms": 30000}]}}
//! ```

use super::*;
use crate::actors::Processing;
use serde::{Deserialize, Serialize};

/// How a reader gets records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retrieval {
    /// GetShardIterator + GetRecords, sharing each shard's 2 MiB/s and 5 calls/s with every
    /// other polling reader.
    #[default]
    Polling,
    /// RegisterStreamConsumer + SubscribeToShard: records pushed, 2 MiB/s per shard of its
    /// own.
    EnhancedFanOut,
}

/// Where a reader starts in a shard it has no checkpoint for (KCL's initialPositionInStream).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InitialPosition {
    /// The newest end: only records written after the reader started (KCL's default).
    #[default]
    Latest,
    /// The oldest record still kept.
    TrimHorizon,
}

/// A worker crash planned by the scenario (a fault to inject).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerCrash {
    /// Which worker, from 1.
    pub worker: u32,
    /// When it dies, virtual ms.
    pub at_ms: SimTime,
    /// Restart it this long after (none: it stays down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_after_ms: Option<SimTime>,
}

fn one() -> u32 {
    1
}
fn failover_default() -> SimTime {
    KCL_FAILOVER_TIME_MS
}
fn limit_default() -> u32 {
    GET_RECORDS_LIMIT_DEFAULT
}
fn idle_default() -> SimTime {
    IDLE_TIME_BETWEEN_READS_MS
}
fn processing_default() -> Processing {
    Processing::Fixed {
        ms: RECORD_PROCESSING_MS,
    }
}
fn is_default_processing(p: &Processing) -> bool {
    *p == processing_default()
}

/// A KCL-style consumer application: workers that share the shards through leases in a
/// lease table and checkpoint their progress there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KclSpec {
    /// KCL's application name: it names the lease table, the CloudWatch namespace of the
    /// application's metrics and, with enhanced fan-out, the registered stream consumer.
    pub application_name: String,
    /// Worker processes.
    #[serde(default = "one")]
    pub workers: u32,
    /// A lease not renewed for this long is expired and may be taken (KCL's
    /// failoverTimeMillis).
    #[serde(default = "failover_default")]
    pub failover_time_ms: SimTime,
    /// Checkpoint after this many records processed since the last checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_every_records: Option<u64>,
    /// Checkpoint when this long has passed since the last checkpoint (checked after each
    /// batch). With neither setting, a worker checkpoints after every batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_interval_ms: Option<SimTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crashes: Vec<WorkerCrash>,
    /// Chance, per batch of records, that the worker dies while processing it.
    #[serde(default)]
    pub crash_probability: f64,
    /// How long a worker that died by `crash_probability` stays down (none: for good).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_after_ms: Option<SimTime>,
}

/// A reader of a Kinesis stream. Without `kcl` it is one process that reads every shard
/// (parents before children) and keeps its position in memory; with `kcl` it is a KCL
/// application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamConsumerSpec {
    pub name: String,
    /// StreamName of the stream it reads.
    pub stream: String,
    #[serde(default)]
    pub retrieval: Retrieval,
    /// GetRecords `Limit` (1–10,000).
    #[serde(default = "limit_default")]
    pub limit: u32,
    /// Least time between two GetRecords calls on a shard (KCL's
    /// idleTimeBetweenReadsInMillis).
    #[serde(default = "idle_default")]
    pub idle_time_between_reads_ms: SimTime,
    /// Time to process one record.
    #[serde(
        default = "processing_default",
        skip_serializing_if = "is_default_processing"
    )]
    pub processing: Processing,
    #[serde(default)]
    pub initial_position: InitialPosition,
    /// When the reader starts, virtual seconds.
    #[serde(default)]
    pub start_s: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kcl: Option<KclSpec>,
}

impl StreamConsumerSpec {
    /// The application name (KCL) or the reader's name.
    pub fn application(&self) -> &str {
        self.kcl
            .as_ref()
            .map_or(self.name.as_str(), |k| k.application_name.as_str())
    }

    /// Checks ranges; an error starts with the member at fault (`limit: …`,
    /// `kcl.crashes[0].worker: …`).
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=GET_RECORDS_LIMIT_MAX as u32).contains(&self.limit) {
            return Err(format!(
                "limit: must be between 1 and {GET_RECORDS_LIMIT_MAX}"
            ));
        }
        if self.idle_time_between_reads_ms > IDLE_TIME_MAX_MS {
            return Err(format!(
                "idle_time_between_reads_ms: must be between 0 and {IDLE_TIME_MAX_MS}"
            ));
        }
        if !(self.start_s.is_finite() && self.start_s >= 0.0) {
            return Err("start_s: must be a non-negative number".into());
        }
        self.processing
            .validate()
            .map_err(|e| format!("processing: {e}"))?;
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 128
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        };
        let Some(k) = &self.kcl else {
            if self.retrieval == Retrieval::EnhancedFanOut && !name_ok(&self.name) {
                return Err(
                    "name: an enhanced fan-out consumer's name is 1–128 letters, \
                            digits, '_', '.' or '-' (it is the ConsumerName)"
                        .into(),
                );
            }
            return Ok(());
        };
        if !name_ok(&k.application_name) {
            return Err("kcl.application_name: 1–128 letters, digits, '_', '.' or '-'".into());
        }
        if !(1..=KCL_WORKERS_MAX).contains(&k.workers) {
            return Err(format!(
                "kcl.workers: must be between 1 and {KCL_WORKERS_MAX}"
            ));
        }
        if !(FAILOVER_TIME_MIN_MS..=FAILOVER_TIME_MAX_MS).contains(&k.failover_time_ms) {
            return Err(format!(
                "kcl.failover_time_ms: must be between {FAILOVER_TIME_MIN_MS} and \
                 {FAILOVER_TIME_MAX_MS}"
            ));
        }
        if k.checkpoint_every_records == Some(0) {
            return Err("kcl.checkpoint_every_records: must be at least 1".into());
        }
        if k.crashes.len() > KCL_CRASHES_MAX {
            return Err(format!("kcl.crashes: at most {KCL_CRASHES_MAX}"));
        }
        for (i, c) in k.crashes.iter().enumerate() {
            if !(1..=k.workers).contains(&c.worker) {
                return Err(format!(
                    "kcl.crashes[{i}].worker: must be between 1 and kcl.workers ({})",
                    k.workers
                ));
            }
        }
        if !(0.0..=1.0).contains(&k.crash_probability) {
            return Err("kcl.crash_probability: must be between 0 and 1".into());
        }
        Ok(())
    }
}
