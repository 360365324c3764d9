//! The Kinesis half of the view model: each stream with its shards (hash-key range, open or
//! closed, parents), the newest records of each shard coloured by partition key, and what just
//! happened there (a throttled write bouncing back, a read, records trimmed by retention).
//!
//! Shards and their records are read from the world at each sync — a stream keeps its records
//! until retention, so the world already holds what a lane shows; events add the moments
//! (throttles, reads) that the world does not keep.

use mqlab_engine::kinesis::keys::SeqNum;
use mqlab_engine::kinesis::Kinesis;
use mqlab_engine::{EventKind, SimTime};
use std::collections::BTreeMap;

/// Records shown per shard (the newest); the rest are counted.
pub const RECORDS_SHOWN_PER_SHARD: usize = 120;
/// Distinct partition-key colours (keys beyond share them).
pub const KEY_COLORS: u16 = 12;
/// Readers (workers) shown, at most.
const READERS_MAX: usize = 64;
/// Lease-table checkpoints remembered (one per application and shard).
const CHECKPOINTS_MAX: usize = 4_096;
/// Partition keys given a colour of their own, at most.
const KEYS_REMEMBERED_MAX: usize = 4_096;
/// Throttles and reads remembered per shard for their flash.
const MOMENTS_MAX: usize = 16;

#[derive(Clone, Debug, PartialEq)]
pub struct RecordView {
    /// Its place in the shard since the view began (0 = the oldest kept), for placing it.
    pub ordinal: u64,
    pub seq: SeqNum,
    pub partition_key: String,
    pub color: u16,
    pub arrival_ms: SimTime,
    pub bytes: u64,
}

/// A moment on a shard: a throttled write or read, records trimmed by retention.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub at_ms: SimTime,
    pub kind: MomentKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MomentKind {
    WriteThrottled,
    ReadThrottled,
    /// Records older than the retention period left the shard (its old end).
    Expired(u64),
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

/// A split (one parent, two children) or a merge (two parents, one child).
#[derive(Clone, Debug, PartialEq)]
pub struct Reshard {
    pub at_ms: SimTime,
    pub stream: String,
    pub parents: Vec<String>,
    pub children: Vec<String>,
}

/// One reader of a stream: a worker of a KCL-style application, or a plain reader (its worker
/// is then the reader itself).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReaderView {
    pub stream: String,
    /// The application (KCL's application name) or the reader's name.
    pub consumer: String,
    pub worker: String,
    pub enhanced_fan_out: bool,
    pub alive: bool,
    /// Shards whose leases it holds (KCL), or that it has read (plain readers).
    pub shards: Vec<String>,
    /// Per shard: the sequence number of the last record read, and how far behind the newest
    /// it was then (ms).
    pub cursors: BTreeMap<String, (SeqNum, u64)>,
    /// Per shard, where its cursor stands now (read from the world at each sync): a reader
    /// that was level with the newest record at its last read but has not read since (its
    /// calls throttled, or it died) is behind by now, whatever its last MillisBehindLatest said.
    pub lag: BTreeMap<String, Lag>,
    pub processed: u64,
    pub duplicates: u64,
    pub throttled: u64,
    pub iterators_expired: u64,
}

/// How far a cursor is behind the newest record of its shard, now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lag {
    /// Records in the shard after the cursor (not read yet).
    pub unread: u64,
    /// The newest record's arrival minus the arrival of the record at the cursor (or of the
    /// oldest unread one, if that was trimmed): MillisBehindLatest as a read would report it
    /// now. 0 when nothing is unread.
    pub behind_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KinesisView {
    pub streams: Vec<StreamView>,
    pub readers: Vec<ReaderView>,
    /// Splits and merges just made, for their animation (oldest first).
    pub reshards: Vec<Reshard>,
    /// (stream, application, shard) → the checkpoint in its lease table (None: SHARD_END).
    pub checkpoints: BTreeMap<(String, String, String), Option<SeqNum>>,
    /// Partition key → colour, in the order keys were first written (so the first dozen keys
    /// all differ).
    key_colors: BTreeMap<String, u16>,
}

/// One reader (a KCL application or a plain reader) over the whole run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReaderSummary {
    /// The application's name (or the reader's).
    pub name: String,
    pub enhanced_fan_out: bool,
    /// Records its GetRecords calls or SubscribeToShard events returned.
    pub records_read: u64,
    pub processed: u64,
    /// Records processed a second time (or more), after a lease moved.
    pub processed_twice: u64,
    /// How far behind the newest record its live workers' cursors are now, on the shards
    /// they hold (the largest [`Lag::behind_ms`]), None before its first read.
    pub millis_behind: Option<u64>,
}

/// Kinesis over the whole run, all streams together: what the summary row shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KinesisSummary {
    /// IncomingRecords: records the streams took.
    pub records_in: u64,
    /// Writes refused with ProvisionedThroughputExceededException
    /// (WriteProvisionedThroughputExceeded).
    pub write_throttled: u64,
    /// Reads refused the same way (ReadProvisionedThroughputExceeded).
    pub read_throttled: u64,
    /// Records the producers sent again after a throttle.
    pub resent: u64,
    pub readers: Vec<ReaderSummary>,
    /// Over all readers.
    pub processed_twice: u64,
    /// The largest MillisBehindLatest over the live readers (the iterator age).
    pub millis_behind: Option<u64>,
    /// PutRecord, PutRecords and GetRecords calls answered.
    pub requests: u64,
}

impl KinesisSummary {
    /// The engine's counters: shard totals, producers' resends, each reader's totals and the
    /// streams' per-minute API metrics; each reader's lag from the reads this view folded.
    pub fn of(world: &mqlab_engine::World, view: &KinesisView) -> KinesisSummary {
        let mut s = KinesisSummary::default();
        for st in world.kinesis().streams() {
            for sh in &st.shards {
                s.records_in += sh.totals.records_in;
                s.write_throttled += sh.totals.writes_throttled;
                s.read_throttled += sh.totals.reads_throttled;
            }
        }
        s.requests = world.kinesis().bill().requests;
        s.resent = world
            .actors()
            .producers
            .iter()
            .filter(|p| p.spec.stream.is_some())
            .map(|p| p.retried)
            .sum();
        for app in world.stream_consumers().apps() {
            let name = app.spec.application().to_string();
            let millis_behind = view
                .readers
                .iter()
                .filter(|r| r.consumer == name && r.alive)
                .flat_map(|r| {
                    r.shards
                        .iter()
                        .filter_map(|sh| r.lag.get(sh).map(|l| l.behind_ms))
                })
                .max();
            s.processed_twice += app.totals.duplicates;
            s.millis_behind = s.millis_behind.max(millis_behind);
            s.readers.push(ReaderSummary {
                enhanced_fan_out: app.consumer_arn.is_some(),
                records_read: app.totals.records_read,
                processed: app.totals.records_processed,
                processed_twice: app.totals.duplicates,
                millis_behind,
                name,
            });
        }
        s
    }
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
                                seq: r.seq,
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
        for r in &mut self.readers {
            let Some(st) = kinesis.stream(&r.stream) else {
                continue;
            };
            r.lag = mqlab_engine::ordmap::btree_map_from(r.cursors.iter().filter_map(
                |(shard, (seq, _))| {
                    let sh = st.shards.iter().find(|s| &s.shard_id == shard)?;
                    let next = sh.records.partition_point(|x| x.seq <= *seq);
                    let unread = (sh.records.len() - next) as u64;
                    let behind_ms = match (sh.records.back(), unread) {
                        (Some(newest), 1..) => {
                            // The last record read, or (none read yet) the oldest unread one.
                            let from = sh
                                .records
                                .get(next.wrapping_sub(1))
                                .or_else(|| sh.records.get(next));
                            newest
                                .arrival
                                .saturating_sub(from.map_or(newest.arrival, |r| r.arrival))
                        }
                        _ => 0,
                    };
                    Some((shard.clone(), Lag { unread, behind_ms }))
                },
            ));
        }
    }

    fn reader_mut(&mut self, stream: &str, consumer: &str, worker: &str) -> &mut ReaderView {
        let i = match self
            .readers
            .iter()
            .position(|r| r.consumer == consumer && r.worker == worker)
        {
            Some(i) => {
                // A worker seen before its first read (started, took a lease) learns its stream.
                if self.readers[i].stream.is_empty() {
                    self.readers[i].stream = stream.to_string();
                }
                i
            }
            None if self.readers.len() >= READERS_MAX => {
                // Past the cap, the last reader stands for the rest.
                self.readers.len() - 1
            }
            None => {
                self.readers.push(ReaderView {
                    stream: stream.to_string(),
                    consumer: consumer.to_string(),
                    worker: worker.to_string(),
                    alive: true,
                    ..ReaderView::default()
                });
                self.readers.len() - 1
            }
        };
        &mut self.readers[i]
    }

    /// The stream an application reads (from its readers seen so far).
    fn stream_of(&self, application: &str) -> String {
        self.readers
            .iter()
            .find(|r| r.consumer == application)
            .map(|r| r.stream.clone())
            .unwrap_or_default()
    }

    /// Folds a reader's event; false if `kind` is not one.
    fn apply_reader(&mut self, t: SimTime, kind: &EventKind) -> bool {
        match kind {
            EventKind::KinesisRecordsRead {
                stream,
                shard_id,
                consumer,
                worker,
                millis_behind_latest,
                sequence_number,
                enhanced_fan_out,
                ..
            } => {
                let r = self.reader_mut(stream, consumer, worker);
                r.enhanced_fan_out = *enhanced_fan_out;
                if !r.shards.contains(shard_id) {
                    r.shards.push(shard_id.clone());
                }
                if let Some(seq) = SeqNum::parse(sequence_number) {
                    r.cursors
                        .insert(shard_id.clone(), (seq, *millis_behind_latest));
                }
            }
            EventKind::KinesisRecordsProcessed {
                stream,
                consumer,
                worker,
                count,
                duplicates,
                ..
            } => {
                let r = self.reader_mut(stream, consumer, worker);
                r.processed += *count as u64;
                r.duplicates += *duplicates as u64;
            }
            EventKind::KinesisReadThrottled {
                stream,
                shard_id,
                consumer,
                worker,
            } => {
                self.reader_mut(stream, consumer, worker).throttled += 1;
                if let Some(s) = self.shard_mut(stream, shard_id) {
                    push_moment(s, t, MomentKind::ReadThrottled);
                }
            }
            EventKind::KinesisIteratorExpired {
                stream,
                consumer,
                worker,
                ..
            } => self.reader_mut(stream, consumer, worker).iterators_expired += 1,
            EventKind::KclWorkerStarted {
                application,
                worker,
            } => {
                let stream = self.stream_of(application);
                self.reader_mut(&stream, application, worker).alive = true;
            }
            EventKind::KclWorkerDied {
                application,
                worker,
                ..
            } => {
                let stream = self.stream_of(application);
                self.reader_mut(&stream, application, worker).alive = false;
            }
            EventKind::KclLeaseTaken {
                application,
                worker,
                shard_id,
                ..
            } => {
                for r in self
                    .readers
                    .iter_mut()
                    .filter(|r| &r.consumer == application)
                {
                    r.shards.retain(|s| s != shard_id);
                }
                let stream = self.stream_of(application);
                self.reader_mut(&stream, application, worker)
                    .shards
                    .push(shard_id.clone());
            }
            EventKind::KclLeaseLost {
                application,
                worker,
                shard_id,
                ..
            } => {
                let stream = self.stream_of(application);
                self.reader_mut(&stream, application, worker)
                    .shards
                    .retain(|s| s != shard_id);
            }
            EventKind::KclCheckpoint {
                application,
                shard_id,
                checkpoint,
                ..
            } => {
                let key = (
                    self.stream_of(application),
                    application.clone(),
                    shard_id.clone(),
                );
                if self.checkpoints.len() < CHECKPOINTS_MAX || self.checkpoints.contains_key(&key) {
                    self.checkpoints.insert(key, SeqNum::parse(checkpoint));
                }
            }
            EventKind::ShardSplit {
                stream,
                parent,
                children,
            } => self.push_reshard(t, stream, vec![parent.clone()], children.clone()),
            EventKind::ShardsMerged {
                stream,
                parents,
                child,
            } => self.push_reshard(t, stream, parents.clone(), vec![child.clone()]),
            _ => return false,
        }
        true
    }

    fn push_reshard(
        &mut self,
        t: SimTime,
        stream: &str,
        parents: Vec<String>,
        children: Vec<String>,
    ) {
        if self.reshards.len() >= MOMENTS_MAX {
            self.reshards.remove(0);
        }
        self.reshards.push(Reshard {
            at_ms: t,
            stream: stream.to_string(),
            parents,
            children,
        });
    }

    /// Folds one Kinesis event (the moments the world does not keep, and the readers).
    pub fn apply(&mut self, t: SimTime, kind: &EventKind) {
        if self.apply_reader(t, kind) {
            return;
        }
        if let EventKind::RecordPut { partition_key, .. } = kind {
            // Colours go to keys in the order their records are written: the same for a run
            // however its frames cut it.
            let n = self.key_colors.len();
            if n < KEYS_REMEMBERED_MAX && !self.key_colors.contains_key(partition_key) {
                self.key_colors
                    .insert(partition_key.clone(), (n % KEY_COLORS as usize) as u16);
            }
            return;
        }
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
            EventKind::RecordsExpired {
                stream,
                shard,
                records,
            } => (stream, shard, MomentKind::Expired(*records)),
            _ => return,
        };
        if let Some(s) = self.shard_mut(stream, shard) {
            push_moment(s, t, kind);
        }
    }

    /// Forgets moments older than `keep_ms`.
    pub fn prune(&mut self, now: SimTime, keep_ms: SimTime) {
        self.reshards
            .retain(|r| now.saturating_sub(r.at_ms) <= keep_ms);
        for st in &mut self.streams {
            for sh in &mut st.shards {
                sh.moments
                    .retain(|m| now.saturating_sub(m.at_ms) <= keep_ms);
            }
        }
    }
}

fn push_moment(s: &mut ShardView, at_ms: SimTime, kind: MomentKind) {
    if s.moments.len() >= MOMENTS_MAX {
        s.moments.remove(0);
    }
    s.moments.push(Moment { at_ms, kind });
}
