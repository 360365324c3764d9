//! A scenario's Kinesis Video consumers (aws-rules §6.3), through the service's own media
//! operations: a **live** one connects with GetMedia from `NOW` and from then on gets each
//! fragment as it reaches the stream, until it stops; an **archived** one, at a given time,
//! lists a time range with ListFragments (paging) and reads what it found with
//! GetMediaForFragmentList (up to 1,000 numbers a call). What each gets is counted.

use super::api::LIST_FRAGMENTS_MAX;
use super::{Ctx, Fragment, KinesisVideo, VideoTimer};
use crate::core::time::{epoch_ms, SimTime};
use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsumerKind {
    /// GetMedia from NOW at `starts_at`, then every fragment as it arrives until `stops_at`.
    Live {
        starts_at: SimTime,
        stops_at: Option<SimTime>,
    },
    /// At `at`: ListFragments over [from, to] (server or producer timestamps), then
    /// GetMediaForFragmentList of what it listed.
    Archived {
        at: SimTime,
        from: SimTime,
        to: SimTime,
        producer_timestamps: bool,
    },
}

/// What a consumer got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsumerTotals {
    pub requests: u64,
    /// Fragments ListFragments listed (archived consumers).
    pub listed: u64,
    pub fragments: u64,
    pub bytes: u64,
    /// Live: connected (its GetMedia answered); archived: its reads are done.
    pub done: bool,
    pub first_at: Option<SimTime>,
    pub last_at: Option<SimTime>,
    /// The last error an operation answered (`Code: message`).
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoConsumer {
    pub id: u64,
    pub name: String,
    pub stream: String,
    pub kind: ConsumerKind,
    pub totals: ConsumerTotals,
}

impl VideoConsumer {
    pub fn is_live(&self) -> bool {
        matches!(self.kind, ConsumerKind::Live { .. })
    }

    fn got(&mut self, now: SimTime, fragments: u64, bytes: u64) {
        if fragments == 0 {
            return;
        }
        let t = &mut self.totals;
        t.fragments += fragments;
        t.bytes += bytes;
        t.first_at.get_or_insert(now);
        t.last_at = Some(now);
    }
}

/// Epoch seconds of a virtual instant, as the media operations' timestamps are.
fn secs(t: SimTime) -> f64 {
    epoch_ms(t) as f64 / 1000.0
}

impl KinesisVideo {
    /// The scenario's consumers, in the order they were added.
    pub fn consumers(&self) -> impl Iterator<Item = &VideoConsumer> {
        self.consumers.values()
    }

    /// Adds a consumer of `stream`; its turn comes at its start (live) or its time (archived).
    pub fn add_consumer(&mut self, ctx: &mut Ctx, name: &str, stream: &str, kind: ConsumerKind) {
        let id = self.consumers.len() as u64;
        let at = match kind {
            ConsumerKind::Live { starts_at, .. } => starts_at,
            ConsumerKind::Archived { at, .. } => at,
        };
        self.consumers.insert(
            id,
            VideoConsumer {
                id,
                name: name.to_string(),
                stream: stream.to_string(),
                kind,
                totals: ConsumerTotals::default(),
            },
        );
        ctx.timers
            .schedule(at.max(ctx.now), VideoTimer::Consumer { consumer: id });
    }

    /// A media call as a consumer makes it: through `call_json` (counted, metered); an error
    /// is kept in the consumer's totals.
    fn consumer_call(&mut self, ctx: &mut Ctx, id: u64, op: &str, params: Value) -> Option<Value> {
        let r = self.call_json(ctx, op, &params);
        let c = self.consumers.get_mut(&id)?;
        c.totals.requests += 1;
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                c.totals.error = Some(e.to_string());
                None
            }
        }
    }

    pub(super) fn consumer_turn(&mut self, ctx: &mut Ctx, id: u64) {
        let Some(c) = self.consumers.get(&id) else {
            return;
        };
        let stream = c.stream.clone();
        match c.kind.clone() {
            ConsumerKind::Live { .. } => {
                // GetMedia from NOW: nothing yet; what arrives from now on comes on the
                // connection (`deliver_live`).
                let params =
                    json!({"StreamName": stream, "StartSelector": {"StartSelectorType": "NOW"}});
                if self.consumer_call(ctx, id, "GetMedia", params).is_some() {
                    if let Some(c) = self.consumers.get_mut(&id) {
                        c.totals.done = true;
                    }
                }
            }
            ConsumerKind::Archived {
                from,
                to,
                producer_timestamps,
                ..
            } => {
                let selector = json!({
                    "FragmentSelectorType": if producer_timestamps { "PRODUCER_TIMESTAMP" } else { "SERVER_TIMESTAMP" },
                    "TimestampRange": {"StartTimestamp": secs(from), "EndTimestamp": secs(to)},
                });
                let mut numbers = Vec::new();
                let mut token: Option<String> = None;
                loop {
                    let mut params = json!({"StreamName": stream, "MaxResults": LIST_FRAGMENTS_MAX, "FragmentSelector": selector});
                    if let Some(t) = token.take() {
                        params["NextToken"] = json!(t);
                    }
                    let Some(page) = self.consumer_call(ctx, id, "ListFragments", params) else {
                        return;
                    };
                    numbers.extend(
                        page["Fragments"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|f| f["FragmentNumber"].as_str().map(str::to_string)),
                    );
                    match page["NextToken"].as_str() {
                        Some(t) => token = Some(t.to_string()),
                        None => break,
                    }
                }
                if let Some(c) = self.consumers.get_mut(&id) {
                    c.totals.listed = numbers.len() as u64;
                }
                for chunk in numbers.chunks(LIST_FRAGMENTS_MAX as usize) {
                    let params = json!({"StreamName": stream, "Fragments": chunk});
                    let Some(got) = self.consumer_call(ctx, id, "GetMediaForFragmentList", params)
                    else {
                        return;
                    };
                    let (n, bytes) = super::bill::sizes(&got);
                    if let Some(c) = self.consumers.get_mut(&id) {
                        c.got(ctx.now, n, bytes);
                    }
                }
                if let Some(c) = self.consumers.get_mut(&id) {
                    c.totals.done = true;
                }
            }
        }
    }

    /// A fragment reached `stream`: each live consumer connected to it gets it now (the
    /// GetMedia connection's output, metered as GetMedia's).
    pub(super) fn deliver_live(&mut self, now: SimTime, f: &Fragment, stream: &str) {
        let mut sent = 0u64;
        for c in self.consumers.values_mut() {
            let ConsumerKind::Live { stops_at, .. } = c.kind else {
                continue;
            };
            if c.stream != stream || !c.totals.done || stops_at.is_some_and(|s| now > s) {
                continue;
            }
            c.got(now, 1, f.bytes);
            sent += 1;
        }
        if sent > 0 {
            if let Some(s) = self.streams.get_mut(stream) {
                s.metrics.current.get_media_fragments += sent;
                s.metrics.current.get_media_bytes += sent * f.bytes;
                s.totals.bytes_out += sent * f.bytes;
            }
        }
    }
}
