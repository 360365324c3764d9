//! One stream: its shards (open and closed), their records, the throughput windows, the
//! enhanced fan-out consumers and the on-demand capacity tracker.

use super::api::{ChildShard, HashKeyRangeOut, RecordOut};
use super::keys::SeqNum;
use super::metrics::StreamMetrics;
use super::*;
use crate::core::event::EventKind;
use crate::core::payload::Payload;
use crate::core::segvec::SegVec;
use crate::core::time::{epoch_s, SimTime, MS_PER_DAY, MS_PER_MIN, MS_PER_S};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamStatus {
    Creating,
    Deleting,
    Active,
    Updating,
}

impl StreamStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Deleting => "DELETING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

impl StreamMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }

    pub fn parse(s: &str) -> Option<StreamMode> {
        match s {
            "PROVISIONED" => Some(StreamMode::Provisioned),
            "ON_DEMAND" => Some(StreamMode::OnDemand),
            _ => None,
        }
    }
}

/// A change that completes when the stream's status timer fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingChange {
    Create {
        shards: u32,
    },
    Split {
        shard: u32,
        new_starting_hash_key: u128,
    },
    Merge {
        shard: u32,
        adjacent: u32,
    },
    UpdateShardCount {
        target: u32,
    },
    Mode(StreamMode),
    Delete,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub seq: SeqNum,
    pub partition_key: String,
    pub data: Payload,
    pub arrival: SimTime,
}

impl Record {
    pub fn out(&self) -> RecordOut {
        RecordOut {
            sequence_number: self.seq.to_decimal(),
            approximate_arrival_timestamp: epoch_secs_f64(self.arrival),
            data: self.data.clone(),
            partition_key: self.partition_key.clone(),
        }
    }

    /// What keeping the record costs in memory beyond its struct: its partition key and
    /// the stored part of its data.
    pub fn held_bytes(&self) -> u64 {
        (self.data.retained_bytes() + self.partition_key.len()) as u64
    }

    /// Data plus partition key: what counts against the write limit.
    pub fn size(&self) -> u64 {
        (self.data.len() + self.partition_key.len()) as u64
    }
}

/// What one shard has seen.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ShardTotals {
    pub records_in: u64,
    pub bytes_in: u64,
    pub writes_throttled: u64,
    pub reads_throttled: u64,
    pub records_expired: u64,
    pub records_dropped_over_cap: u64,
}

/// A fixed one-second window of virtual time. AWS meters shards with token buckets that
/// refill continuously and allow short bursts; mqlab counts per whole virtual second
/// (`now / 1000`) and resets at each second. The per-second totals are AWS's; what differs is
/// only the edge: 1,000 records at the end of one second and 1,000 at the start of the next
/// both pass here, where a bucket might throttle part of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    pub second: u64,
    pub bytes: u64,
    pub records: u64,
}

impl Window {
    pub fn roll(&mut self, now: SimTime) {
        let second = now / MS_PER_S;
        if second != self.second {
            *self = Window {
                second,
                ..Default::default()
            };
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadWindow {
    pub second: u64,
    pub calls: u32,
    pub bytes: u64,
    /// After a response larger than a second's 2 MiB, reads are refused until the debt is
    /// paid: a 10 MiB response blocks the next 5 s (aws-rules §4.1).
    pub blocked_until: SimTime,
}

#[derive(Clone, Debug)]
pub struct Shard {
    pub ix: u32,
    pub shard_id: String,
    pub parent: Option<String>,
    pub adjacent_parent: Option<String>,
    pub start_hash: u128,
    pub end_hash: u128,
    pub created_at: SimTime,
    pub starting_seq: SeqNum,
    /// Set when the shard closes (split or merged): no writes after it.
    pub ending_seq: Option<SeqNum>,
    pub closed_at: Option<SimTime>,
    /// Closed and past retention: gone from listings, iterators refused.
    pub expired: bool,
    /// Append-only, trimmed at the front: sealed segments shared between a world and its
    /// snapshots (`SegVec`), so a snapshot copies only the records written since the last seal.
    pub records: SegVec<Record>,
    /// What the records keep in memory, bytes: partition keys and data, a simulated
    /// producer's synthetic data counted by what it stores (its head), not its length. The
    /// memory cap [`SHARD_BYTES_MAX`] counts this, so records that cost little to keep are
    /// never dropped early (AWS keeps every record for the retention period).
    pub bytes_stored: u64,
    pub write: Window,
    pub read: ReadWindow,
    /// GetShardIterator calls in the current second (`records` counts them).
    pub iterators: Window,
    pub totals: ShardTotals,
    /// On-demand: since when the shard has received more than 500 KB/s (per minute).
    pub hot_since: Option<SimTime>,
    /// `totals.bytes_in` when the last metrics minute closed.
    pub bytes_in_at_minute: u64,
}

impl Shard {
    pub fn new(
        ix: u32,
        range: (u128, u128),
        now: SimTime,
        parent: Option<String>,
        adjacent: Option<String>,
    ) -> Shard {
        Shard {
            ix,
            shard_id: shard_id_name(ix),
            parent,
            adjacent_parent: adjacent,
            start_hash: range.0,
            end_hash: range.1,
            created_at: now,
            starting_seq: SeqNum {
                shard_create_s: epoch_s(now),
                seq_ix: 0,
                seq_time_s: epoch_s(now),
                shard_ix: ix,
            },
            ending_seq: None,
            closed_at: None,
            expired: false,
            records: SegVec::new(),
            bytes_stored: 0,
            write: Window::default(),
            read: ReadWindow::default(),
            iterators: Window::default(),
            totals: ShardTotals::default(),
            hot_since: None,
            bytes_in_at_minute: 0,
        }
    }

    pub fn is_open(&self) -> bool {
        self.ending_seq.is_none()
    }

    pub fn contains(&self, hash: u128) -> bool {
        self.start_hash <= hash && hash <= self.end_hash
    }

    pub fn hash_key_range(&self) -> HashKeyRangeOut {
        HashKeyRangeOut {
            starting_hash_key: self.start_hash.to_string(),
            ending_hash_key: self.end_hash.to_string(),
        }
    }

    /// The API model's `Shard` structure.
    pub fn describe(&self) -> Value {
        let mut seq = serde_json::Map::new();
        seq.insert(
            "StartingSequenceNumber".into(),
            Value::String(self.starting_seq.to_decimal()),
        );
        if let Some(end) = &self.ending_seq {
            seq.insert(
                "EndingSequenceNumber".into(),
                Value::String(end.to_decimal()),
            );
        }
        let mut m = serde_json::Map::new();
        m.insert("ShardId".into(), Value::String(self.shard_id.clone()));
        if let Some(p) = &self.parent {
            m.insert("ParentShardId".into(), Value::String(p.clone()));
        }
        if let Some(p) = &self.adjacent_parent {
            m.insert("AdjacentParentShardId".into(), Value::String(p.clone()));
        }
        m.insert("HashKeyRange".into(), api::to_json(self.hash_key_range()));
        m.insert("SequenceNumberRange".into(), Value::Object(seq));
        Value::Object(m)
    }

    /// Index of the first record at or after `pos` (`after`: strictly after).
    pub fn position(&self, pos: &SeqNum, after: bool) -> usize {
        self.records
            .partition_point(|r| if after { r.seq <= *pos } else { r.seq < *pos })
    }

    /// Drops the oldest record; false when there is none.
    fn drop_front(&mut self) -> bool {
        let Some(size) = self.records.front().map(Record::held_bytes) else {
            return false;
        };
        self.records.remove_front();
        self.bytes_stored = self.bytes_stored.saturating_sub(size);
        true
    }

    pub(crate) fn push(&mut self, r: Record) {
        self.bytes_stored += r.held_bytes();
        self.records.push_back(r);
        while self.records.len() > SHARD_RECORDS_MAX || self.bytes_stored > SHARD_BYTES_MAX {
            if !self.drop_front() {
                break;
            }
            self.totals.records_dropped_over_cap += 1;
        }
    }
}

/// `shardId-000000000007`, as AWS and kinesalite name shards.
pub fn shard_id_name(ix: u32) -> String {
    format!("shardId-{ix:012}")
}

/// A shard index from `shardId-000000000007` (or kinesalite's lenient `7`).
pub fn parse_shard_id(s: &str) -> Option<u32> {
    let digits = s.strip_prefix("shardId-").unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 12 {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&i| i <= i32::MAX as u32)
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Consumer {
    pub name: String,
    pub arn: String,
    pub status: &'static str,
    pub created_at: SimTime,
}

impl Consumer {
    pub fn describe(&self, stream_arn: &str, with_stream: bool) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("ConsumerName".into(), Value::String(self.name.clone()));
        m.insert("ConsumerARN".into(), Value::String(self.arn.clone()));
        m.insert("ConsumerStatus".into(), Value::String(self.status.into()));
        m.insert(
            "ConsumerCreationTimestamp".into(),
            serde_json::json!(epoch_s(self.created_at)),
        );
        if with_stream {
            m.insert("StreamARN".into(), Value::String(stream_arn.to_string()));
        }
        Value::Object(m)
    }
}

/// A SubscribeToShard subscription: records pushed to one consumer from one shard, each
/// consumer with its own 2 MiB/s per shard.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub id: u64,
    pub stream: String,
    pub incarnation: u64,
    pub consumer: String,
    pub shard: u32,
    /// Next record: at or after this sequence number.
    pub pos: SeqNum,
    pub after: bool,
    pub started_at: SimTime,
    pub ends_at: SimTime,
    pub events: Vec<api::SubscribeToShardEvent>,
    /// The JSON caller waiting for the collected events.
    pub caller: Option<CallId>,
    pub ended: bool,
    /// A simulated consumer's subscription (`Kinesis::subscribe_to_shard_pushed`): records
    /// are pushed [`EFO_PUSH_LATENCY_MS`] after they arrive rather than once a second, at most
    /// one event waits to be taken (the reader's flow control), and the world tells the
    /// reader when something arrived.
    pub notify: bool,
    /// A push timer is scheduled.
    pub push_pending: bool,
    /// Bytes pushed in the current second: 2 MiB/s for this consumer on this shard.
    pub window: Window,
}

/// On-demand capacity: twice the peak write rate of the previous 30 days, never below the
/// starting capacity (aws-rules §4.7). Peaks are folded per minute, then per day.
#[derive(Clone, Debug, Default)]
pub struct OnDemandCapacity {
    pub window: Window,
    /// Per partition key in the current second (a single key stays capped at a shard's rate).
    pub keys: BTreeMap<String, (u64, u64)>,
    /// (minute, peak bytes/s, peak records/s) of the last 15 minutes: not yet capacity.
    pub recent: VecDeque<(u64, u64, u64)>,
    /// (day, peak bytes/s, peak records/s) that count toward capacity.
    pub daily: VecDeque<(u64, u64, u64)>,
    pub base_bytes_per_s: u64,
    pub base_records_per_s: u64,
}

impl OnDemandCapacity {
    pub fn new(shards: u32) -> Self {
        let shards = u64::from(shards.max(ON_DEMAND_INITIAL_SHARDS));
        OnDemandCapacity {
            base_bytes_per_s: shards * SHARD_WRITE_BYTES_PER_S,
            base_records_per_s: shards * SHARD_WRITE_RECORDS_PER_S,
            ..Default::default()
        }
    }

    /// (bytes/s, records/s) the stream absorbs now.
    pub fn limits(&self) -> (u64, u64) {
        let (b, r) = self
            .daily
            .iter()
            .fold((0, 0), |(b, r), &(_, pb, pr)| (b.max(pb), r.max(pr)));
        (
            self.base_bytes_per_s.max(ON_DEMAND_PEAK_MULTIPLIER * b),
            self.base_records_per_s.max(ON_DEMAND_PEAK_MULTIPLIER * r),
        )
    }

    /// Moves to the second of `now`, folding the finished second into the peaks.
    pub fn roll(&mut self, now: SimTime) {
        let second = now / MS_PER_S;
        if second == self.window.second {
            return;
        }
        let (bytes, records) = (self.window.bytes, self.window.records);
        let minute = self.window.second * MS_PER_S / MS_PER_MIN;
        if bytes > 0 || records > 0 {
            match self.recent.back_mut() {
                Some(last) if last.0 == minute => {
                    last.1 = last.1.max(bytes);
                    last.2 = last.2.max(records);
                }
                _ => self.recent.push_back((minute, bytes, records)),
            }
        }
        while let Some(&(m, b, r)) = self.recent.front() {
            if m * MS_PER_MIN + MS_PER_MIN + ON_DEMAND_SCALE_UP_MS > now {
                break;
            }
            self.recent.pop_front();
            let day = m * MS_PER_MIN / MS_PER_DAY;
            match self.daily.back_mut() {
                Some(last) if last.0 == day => {
                    last.1 = last.1.max(b);
                    last.2 = last.2.max(r);
                }
                _ => self.daily.push_back((day, b, r)),
            }
        }
        while let Some(&(d, _, _)) = self.daily.front() {
            if (d + 1) * MS_PER_DAY + ON_DEMAND_PEAK_WINDOW_MS > now {
                break;
            }
            self.daily.pop_front();
        }
        self.window = Window {
            second,
            ..Default::default()
        };
        self.keys.clear();
    }
}

#[derive(Clone, Debug)]
pub struct Stream {
    pub name: String,
    pub arn: String,
    pub status: StreamStatus,
    pub mode: StreamMode,
    pub retention_hours: u32,
    pub created_at: SimTime,
    /// Distinguishes a re-created stream of the same name (stale timers, iterators).
    pub incarnation: u64,
    /// Indexed by shard index.
    pub shards: Vec<Shard>,
    /// Sequence index per group of five shards (kinesalite's `_seqIx`).
    pub seq_ix: BTreeMap<u32, u64>,
    pub pending: Option<PendingChange>,
    /// Numbers each scheduled change, so a timer of a change that was replaced is ignored.
    pub change_seq: u64,
    pub update_shard_count_at: VecDeque<SimTime>,
    pub mode_switches_at: VecDeque<SimTime>,
    pub on_demand: OnDemandCapacity,
    pub consumers: BTreeMap<String, Consumer>,
    /// Last successful SubscribeToShard per (consumer ARN, shard): time and subscription.
    pub last_subscribe: BTreeMap<(String, u32), (SimTime, u64)>,
    pub metrics: StreamMetrics,
    /// Tags, by key (aws-rules §4.12).
    pub tags: BTreeMap<String, String>,
}

impl Stream {
    pub fn open_shard_count(&self) -> u32 {
        self.shards.iter().filter(|s| s.is_open()).count() as u32
    }

    pub fn retention_ms(&self) -> SimTime {
        hours_ms(self.retention_hours)
    }

    /// The open shard whose hash-key range holds `hash`.
    pub fn shard_for_hash(&self, hash: u128) -> Option<u32> {
        self.shards
            .iter()
            .find(|s| s.is_open() && s.contains(hash))
            .map(|s| s.ix)
    }

    pub fn shard(&self, ix: u32) -> Option<&Shard> {
        self.shards.get(ix as usize).filter(|s| !s.expired)
    }

    /// Shards created by splitting or merging `ix`, as GetRecords' ChildShards.
    pub fn child_shards(&self, ix: u32) -> Vec<ChildShard> {
        let id = shard_id_name(ix);
        self.shards
            .iter()
            .filter(|c| {
                c.parent.as_deref() == Some(&id) || c.adjacent_parent.as_deref() == Some(&id)
            })
            .map(|c| ChildShard {
                shard_id: c.shard_id.clone(),
                parent_shards: c
                    .parent
                    .iter()
                    .chain(c.adjacent_parent.iter())
                    .cloned()
                    .collect(),
                hash_key_range: c.hash_key_range(),
            })
            .collect()
    }

    /// The next sequence number in shard `ix` at `now`.
    pub(crate) fn next_seq(&mut self, ix: u32, now: SimTime) -> SeqNum {
        let create_s = self
            .shards
            .get(ix as usize)
            .map(|s| s.starting_seq.shard_create_s)
            .unwrap_or_default();
        // Counters start at 1 so the first record is above the shard's StartingSequenceNumber
        // even when written in the second the shard was created (kinesalite does the same).
        let counter = self.seq_ix.entry(ix / 5).or_insert(1);
        let seq = SeqNum {
            shard_create_s: create_s,
            seq_ix: *counter,
            seq_time_s: epoch_s(now),
            shard_ix: ix,
        };
        *counter = (*counter + 1).min(SeqNum::SEQ_IX_MAX - 1);
        seq
    }

    /// Where LATEST points in shard `ix`: at the next sequence number to be assigned.
    pub fn latest_position(&self, ix: u32) -> SeqNum {
        let create_s = self
            .shards
            .get(ix as usize)
            .map(|s| s.starting_seq.shard_create_s)
            .unwrap_or_default();
        SeqNum {
            shard_create_s: create_s,
            seq_ix: self.seq_ix.get(&(ix / 5)).copied().unwrap_or(1),
            seq_time_s: 0,
            shard_ix: ix,
        }
    }

    /// Drops records older than the retention period and expires closed shards whose data is
    /// all gone.
    pub(crate) fn trim(&mut self, ctx: &mut Ctx) {
        let Some(cutoff) = ctx.now.checked_sub(self.retention_ms()) else {
            return;
        };
        for shard in &mut self.shards {
            let mut n = 0u64;
            while shard.records.front().is_some_and(|r| r.arrival < cutoff) {
                shard.drop_front();
                n += 1;
            }
            if n > 0 {
                shard.totals.records_expired += n;
                let (stream, id) = (self.name.clone(), shard.shard_id.clone());
                ctx.events.push(ctx.now, || EventKind::RecordsExpired {
                    stream,
                    shard: id,
                    records: n,
                });
            }
            if !shard.expired && shard.closed_at.is_some_and(|c| c < cutoff) {
                shard.expired = true;
                shard.records.clear();
                shard.bytes_stored = 0;
            }
        }
    }
}
