//! Kinesis Video Streams, minimal (aws-rules §6.3): streams with a data retention (0 = not
//! persisted: only a short service buffer), a producer sending a fragment every N seconds
//! (a fragment number, producer and server timestamps, duration, size), a real-time consumer
//! (GetMedia) and archived reads (ListFragments, GetMediaForFragmentList). Media is fragment
//! metadata, never MKV bytes. `api.rs` is the JSON layer.
//!
//! The world reaches this service only after a first `kinesisvideo` call (or a scenario's
//! `video_streams`). `clients.rs` holds a scenario's producers' schedules and its consumers,
//! `bill.rs` the metrics (`AWS/KinesisVideo`) and the cost meter's line.

pub mod api;
pub mod bill;
pub mod clients;

use crate::core::event::EventKind;
use crate::core::time::{SimTime, MS_PER_H, MS_PER_MIN, MS_PER_S};
use std::collections::{BTreeMap, VecDeque};

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, VideoTimer>;

#[derive(Clone, Debug)]
pub enum VideoTimer {
    /// A producer's next fragment reaches the stream.
    Fragment { producer: u64 },
    /// A scenario consumer's turn: a live one connects (GetMedia from NOW), an archived one
    /// lists and reads its time range (aws-rules §6.3).
    Consumer { consumer: u64 },
}

/// DataRetentionInHours: 0 (not persisted) to 87,600 (10 years).
pub const RETENTION_MAX_HOURS: i64 = 87_600;
/// What a stream with retention 0 still lets consumers read: a service buffer of at most
/// 5 minutes and 200 MB (aws-rules §6.3).
pub const BUFFER_MS: SimTime = 5 * MS_PER_MIN;
pub const BUFFER_BYTES: u64 = 200 * 1024 * 1024;
/// How long a new stream stays CREATING and a deleted one DELETING. UNCONFIRMED: AWS
/// documents the states, not how long they last.
pub const CREATING_MS: SimTime = MS_PER_S;
pub const DELETING_MS: SimTime = MS_PER_S;
/// A producer's defaults (mqlab's): a 2-second fragment of 250,000 bytes (about 1 Mbit/s),
/// reaching the service 100 ms after its last frame.
pub const FRAGMENT_DEFAULT_MS: SimTime = 2 * MS_PER_S;
pub const FRAGMENT_DEFAULT_BYTES: u64 = 250_000;
pub const LATENCY_DEFAULT_MS: SimTime = 100;
/// Fragments kept per stream at most (mqlab's memory bound): past it, the oldest go.
pub const FRAGMENTS_MAX: usize = 100_000;
/// Streams in the account (memory bound).
pub const STREAMS_MAX: usize = 1_000;

/// One fragment as the service stored it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment {
    pub seq: u64,
    /// When its first frame was captured (the producer's clock).
    pub producer_ts: SimTime,
    /// When it reached the service.
    pub server_ts: SimTime,
    pub duration_ms: u64,
    pub bytes: u64,
    /// Persisted (the stream's retention was above 0 when it arrived): what ListFragments and
    /// GetMediaForFragmentList see. A fragment that came in with retention 0 stays in the
    /// buffer only, even if the retention is raised later.
    pub archived: bool,
}

/// AWS's fragment numbers are long decimal strings that grow with each fragment.
const FRAGMENT_PREFIX: &str = "91343852333";

impl Fragment {
    pub fn number(&self) -> String {
        fragment_number(self.seq)
    }
}

pub fn fragment_number(seq: u64) -> String {
    format!("{FRAGMENT_PREFIX}{seq:036}")
}

/// The sequence a fragment number stands for.
pub fn parse_fragment_number(s: &str) -> Option<u64> {
    s.strip_prefix(FRAGMENT_PREFIX)
        .filter(|r| r.len() == 36)
        .and_then(|r| r.parse().ok())
}

/// One stream.
#[derive(Clone, Debug)]
pub struct VideoStream {
    pub name: String,
    pub arn: String,
    pub device_name: Option<String>,
    pub media_type: Option<String>,
    pub kms_key_id: String,
    pub version: String,
    pub created_at: SimTime,
    pub deleted_at: Option<SimTime>,
    pub retention_hours: u32,
    /// Fragments kept (in the buffer, or archived when retention > 0), oldest first.
    pub fragments: VecDeque<Fragment>,
    pub next_seq: u64,
    /// How long it stays CREATING: [`CREATING_MS`], 0 for a scenario's stream (ACTIVE from
    /// the start, as a scenario's Kinesis streams are).
    pub creating_ms: SimTime,
    pub totals: bill::StreamTotals,
    pub metrics: crate::core::metrics::MinuteSeries<bill::VideoMinute>,
}

impl VideoStream {
    pub fn status(&self, now: SimTime) -> &'static str {
        if self.deleted_at.is_some() {
            "DELETING"
        } else if now < self.created_at + self.creating_ms {
            "CREATING"
        } else {
            "ACTIVE"
        }
    }

    /// Whether fragments are persisted (ListFragments and GetMediaForFragmentList see them).
    pub fn archives(&self) -> bool {
        self.retention_hours > 0
    }

    /// Forgets archived fragments past the retention period, and the others past the buffer
    /// (5 minutes, 200 MB).
    fn trim(&mut self, now: SimTime) {
        let retention = self.retention_hours as SimTime * MS_PER_H;
        let totals = &mut self.totals;
        self.fragments.retain(|f| {
            let keep = if f.archived && retention > 0 {
                retention
            } else {
                BUFFER_MS
            };
            let kept = f.server_ts + keep > now;
            if !kept && f.archived {
                totals.forget(f, (f.server_ts + keep).min(now));
            }
            kept
        });
        let mut buffered: u64 = self
            .fragments
            .iter()
            .filter(|f| !f.archived)
            .map(|f| f.bytes)
            .sum();
        while buffered > BUFFER_BYTES || self.fragments.len() > FRAGMENTS_MAX {
            let Some(i) = self
                .fragments
                .iter()
                .position(|f| !f.archived || buffered <= BUFFER_BYTES)
            else {
                break;
            };
            if let Some(f) = self.fragments.remove(i) {
                if !f.archived {
                    buffered -= f.bytes;
                } else {
                    self.totals.forget(&f, now);
                }
            }
        }
    }
}

/// A producer (the Producer SDK's PutMedia session): a fragment every `every_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Producer {
    pub id: u64,
    pub stream: String,
    pub every_ms: SimTime,
    pub bytes: u64,
    pub latency_ms: SimTime,
    pub sent: u64,
    /// A scenario producer's name (empty for `MqlabStartProducer`'s).
    pub name: String,
    /// How far the producer's clock is ahead of the service's (negative: behind): added to
    /// each ProducerTimestamp.
    pub skew_ms: i64,
    /// When it stops capturing: a fragment whose last frame is later is not sent, and the
    /// session ends.
    pub stops_at: Option<SimTime>,
}

#[derive(Clone, Debug, Default)]
pub struct KinesisVideo {
    streams: BTreeMap<String, VideoStream>,
    producers: BTreeMap<u64, Producer>,
    next_producer: u64,
    consumers: BTreeMap<u64, clients::VideoConsumer>,
    /// API requests made (every call, and the scenario clients' own).
    requests: u64,
}

impl KinesisVideo {
    pub fn stream(&self, name: &str) -> Option<&VideoStream> {
        self.streams.get(name)
    }

    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.producers.values()
    }

    /// Every stream, by name.
    pub fn streams(&self) -> impl Iterator<Item = &VideoStream> {
        self.streams.values()
    }

    /// Removes deleted streams whose DELETING is over and trims every stream's fragments.
    fn settle(&mut self, now: SimTime) {
        self.streams
            .retain(|_, s| s.deleted_at.is_none_or(|d| now < d + DELETING_MS));
        for s in self.streams.values_mut() {
            s.trim(now);
        }
    }

    /// Starts a producer on `stream`: its first fragment arrives `every_ms + latency_ms`
    /// from now.
    pub fn start_producer(
        &mut self,
        ctx: &mut Ctx,
        stream: &str,
        every_ms: SimTime,
        bytes: u64,
        latency_ms: SimTime,
    ) -> Result<u64, crate::core::error::AwsError> {
        self.start_producer_at(
            ctx,
            Producer {
                id: 0,
                stream: stream.to_string(),
                every_ms,
                bytes,
                latency_ms,
                sent: 0,
                name: String::new(),
                skew_ms: 0,
                stops_at: None,
            },
            ctx.now,
        )
    }

    /// Starts `p` (its id is given here) capturing at `starts_at`: its first fragment
    /// arrives `every_ms + latency_ms` later. Its PutMedia session counts as a request.
    pub fn start_producer_at(
        &mut self,
        ctx: &mut Ctx,
        mut p: Producer,
        starts_at: SimTime,
    ) -> Result<u64, crate::core::error::AwsError> {
        self.settle(ctx.now);
        let Some(s) = self.streams.get_mut(&p.stream) else {
            return Err(api::not_found());
        };
        if p.every_ms == 0 {
            return Err(api::invalid(
                "FragmentDurationInSeconds must be greater than 0.",
            ));
        }
        self.requests += 1;
        s.metrics.current.put_requests += 1;
        let id = self.next_producer;
        self.next_producer += 1;
        p.id = id;
        let first = starts_at.max(ctx.now) + p.every_ms + p.latency_ms;
        self.producers.insert(id, p);
        ctx.timers
            .schedule(first, VideoTimer::Fragment { producer: id });
        Ok(id)
    }

    /// Stops a producer (its session ends); false when there is none.
    pub fn stop_producer(&mut self, id: u64) -> bool {
        self.producers.remove(&id).is_some()
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, t: VideoTimer) {
        let producer = match t {
            VideoTimer::Fragment { producer } => producer,
            VideoTimer::Consumer { consumer } => return self.consumer_turn(ctx, consumer),
        };
        self.settle(ctx.now);
        let Some(p) = self.producers.get_mut(&producer) else {
            return;
        };
        let Some(s) = self
            .streams
            .get_mut(&p.stream)
            .filter(|s| s.deleted_at.is_none())
        else {
            self.producers.remove(&producer);
            return;
        };
        // The fragment's last frame was captured `latency_ms` ago: past the producer's stop,
        // it is not sent and the session ends.
        if p.stops_at
            .is_some_and(|stop| ctx.now.saturating_sub(p.latency_ms) > stop)
        {
            self.producers.remove(&producer);
            return;
        }
        ctx.timers
            .schedule(ctx.now + p.every_ms, VideoTimer::Fragment { producer });
        if s.status(ctx.now) != "ACTIVE" {
            return;
        }
        p.sent += 1;
        s.next_seq += 1;
        let f = Fragment {
            seq: s.next_seq,
            producer_ts: ctx
                .now
                .saturating_sub(p.latency_ms + p.every_ms)
                .saturating_add_signed(p.skew_ms),
            server_ts: ctx.now,
            duration_ms: p.every_ms,
            bytes: p.bytes,
            archived: s.archives(),
        };
        let stream = s.name.clone();
        let stream_name = stream.clone();
        let ev = f.clone();
        ctx.events.push(ctx.now, || EventKind::VideoFragment {
            stream,
            fragment_number: ev.number(),
            producer_ts: ev.producer_ts,
            server_ts: ev.server_ts,
            duration_ms: ev.duration_ms,
            bytes: ev.bytes,
        });
        s.totals.arrive(&f);
        s.metrics.current.arrive(&f, p.latency_ms);
        s.fragments.push_back(f.clone());
        s.trim(ctx.now);
        self.deliver_live(ctx.now, &f, &stream_name);
    }
}
