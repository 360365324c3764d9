//! The Kinesis half of the view model: each stream with its shards (hash-key range, open or
//! closed, parents), the newest records of each shard coloured by partition key, and what just
//! happened there (a throttled write bouncing back, a read, records trimmed by retention).
//!
//! Shards and their records are read from the world at each sync — a stream keeps its records
//! until retention, so the world already holds what a lane shows; events add the moments
//! (throttles, reads) that the world does not keep.

use mqlab_engine::kinesis::Kinesis;
use mqlab_engine::{EventKind, SimTime};
use std::collections::BTreeMap;

/// Records shown per shard (the newest); the rest are counted.
pub const RECORDS_SHOWN_PER_SHARD: usize = 120;
/// Distinct partition-key colours (keys beyond share them).
pub const KEY_COLORS: u16 = 12;
/// Partition keys given a colour of their own, at most.
const KEYS_REMEMBERED_MAX: usize = 4_096;
/// Throttles and reads remembered per shard for their flash.
const MOMENTS_MAX: usize = 16;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordView {
    /// Its place in the shard since the view began (0 = the oldest kept), for placing it.
    pub ordinal: u64,
    pub partition_key: String,
    pub color: u16,
    pub arrival_ms: SimTime,
    pub bytes: u64,
}

/// A moment on a shard: a throttled write or read, or a read by a consumer.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub at_ms: SimTime,
    pub kind: MomentKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MomentKind {
    WriteThrottled,
    ReadThrottled,
    Read {
        consumer: Option<String>,
        records: usize,
        millis_behind_latest: u64,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShardView {
    pub id: String,
    pub start_hash: u128,
    pub end_hash: u128,
    pub open: bool,
    pub parent: Option<String>,
    pub adjacent_parent: Option<String>,
    /// Records in the shard now (all, not only those shown).
    pub stored: usize,
    pub records_in: u64,
    pub writes_throttled: u64,
    pub reads_throttled: u64,
    pub records_expired: u64,
    /// The newest records, oldest first.
    pub records: Vec<RecordView>,
    pub moments: Vec<Moment>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamView {
    pub name: String,
    pub mode: String,
    pub status: String,
    pub retention_hours: u32,
    pub shards: Vec<ShardView>,
}

impl StreamView {
    pub fn open_shards(&self) -> usize {
        self.shards.iter().filter(|s| s.open).count()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KinesisView {
    pub streams: Vec<StreamView>,
    /// Partition key → colour, in the order keys were first seen (so the first dozen keys
    /// all differ; a run always sees them in the same order).
    key_colors: BTreeMap<String, u16>,
}

impl KinesisView {
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    /// A partition key's colour (the same on every shard for the whole run), once seen.
    pub fn color_of(&self, key: &str) -> Option<u16> {
        self.key_colors.get(key).copied()
    }

    fn shard_mut(&mut self, stream: &str, shard: &str) -> Option<&mut ShardView> {
        self.streams
            .iter_mut()
            .find(|s| s.name == stream)?
            .shards
            .iter_mut()
            .find(|s| s.id == shard)
    }

    /// Reads every stream's shards and newest records from the Kinesis service.
    pub fn sync(&mut self, kinesis: &Kinesis) {
        let mut streams = Vec::new();
        let mut colors = std::mem::take(&mut self.key_colors);
        let mut color = |key: &str| {
            let n = colors.len();
            match colors.get(key) {
                Some(&c) => c,
                None => {
                    let c = (n % KEY_COLORS as usize) as u16;
                    if n < KEYS_REMEMBERED_MAX {
                        colors.insert(key.to_string(), c);
                    }
                    c
                }
            }
        };
        for st in kinesis.streams() {
            let old = self.streams.iter().find(|s| s.name == st.name);
            let shards = st
                .shards
                .iter()
                .map(|sh| {
                    let moments = old
                        .and_then(|o| o.shards.iter().find(|s| s.id == sh.shard_id))
                        .map(|s| s.moments.clone())
                        .unwrap_or_default();
                    let skip = sh.records.len().saturating_sub(RECORDS_SHOWN_PER_SHARD);
                    let base = sh.totals.records_in.saturating_sub(sh.records.len() as u64);
                    ShardView {
                        id: sh.shard_id.clone(),
                        start_hash: sh.start_hash,
                        end_hash: sh.end_hash,
                        open: sh.is_open(),
                        parent: sh.parent.clone(),
                        adjacent_parent: sh.adjacent_parent.clone(),
                        stored: sh.records.len(),
                        records_in: sh.totals.records_in,
                        writes_throttled: sh.totals.writes_throttled,
                        reads_throttled: sh.totals.reads_throttled,
                        records_expired: sh.totals.records_expired,
                        records: sh
                            .records
                            .iter()
                            .enumerate()
                            .skip(skip)
                            .map(|(i, r)| RecordView {
                                ordinal: base + i as u64,
                                color: color(&r.partition_key),
                                partition_key: r.partition_key.clone(),
                                arrival_ms: r.arrival,
                                bytes: r.size(),
                            })
                            .collect(),
                        moments,
                    }
                })
                .collect();
            streams.push(StreamView {
                name: st.name.clone(),
                mode: st.mode.as_str().to_string(),
                status: st.status.as_str().to_string(),
                retention_hours: st.retention_hours,
                shards,
            });
        }
        self.streams = streams;
        self.key_colors = colors;
    }

    /// Folds one Kinesis event (the moments the world does not keep).
    pub fn apply(&mut self, t: SimTime, kind: &EventKind) {
        let (stream, shard, kind) = match kind {
            EventKind::ShardThrottled {
                stream,
                shard,
                operation,
            } => (
                stream,
                shard,
                if operation == "read" {
                    MomentKind::ReadThrottled
                } else {
                    MomentKind::WriteThrottled
                },
            ),
            EventKind::RecordsRead {
                stream,
                shard,
                records,
                millis_behind_latest,
                consumer,
                ..
            } => (
                stream,
                shard,
                MomentKind::Read {
                    consumer: consumer.clone(),
                    records: *records,
                    millis_behind_latest: *millis_behind_latest,
                },
            ),
            _ => return,
        };
        if let Some(s) = self.shard_mut(stream, shard) {
            if s.moments.len() >= MOMENTS_MAX {
                s.moments.remove(0);
            }
            s.moments.push(Moment { at_ms: t, kind });
        }
    }

    /// Forgets moments older than `keep_ms`.
    pub fn prune(&mut self, now: SimTime, keep_ms: SimTime) {
        for st in &mut self.streams {
            for sh in &mut st.shards {
                sh.moments
                    .retain(|m| now.saturating_sub(m.at_ms) <= keep_ms);
            }
        }
    }
}
