//! Kinesis Video Streams' metrics on the world's bus (`AWS/KinesisVideo`, dimension
//! `StreamName`, AWS's metric names) and its line of the cost meter: data ingested, data
//! consumed (GetMedia, GetMediaForFragmentList) and data stored (aws-rules §6.3).

use super::{api::Input, Fragment, KinesisVideo, VideoStream};
use crate::core::metrics::{Bill, Datapoint};
use crate::core::time::{SimTime, MS_PER_H};
use serde_json::Value;

const GB: f64 = 1024.0 * 1024.0 * 1024.0;
/// UNCONFIRMED (us-east-1 list prices from general knowledge; the facts reference gives none,
/// aws-rules §6.3): data ingested into streams, per GB.
pub const USD_PER_GB_INGESTED: f64 = 0.0085;
/// UNCONFIRMED: data consumed (GetMedia, GetMediaForFragmentList), per GB.
pub const USD_PER_GB_CONSUMED: f64 = 0.0085;
/// UNCONFIRMED: data stored (fragments persisted: retention above 0), per GB-month.
pub const USD_PER_GB_MONTH_STORED: f64 = 0.023;
/// A billing month, as AWS prorates storage: 730 hours.
const MONTH_MS: f64 = 730.0 * MS_PER_H as f64;

/// A stream's totals since it was created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamTotals {
    pub fragments_in: u64,
    pub bytes_in: u64,
    /// Fragments persisted (the retention was above 0 when they arrived).
    pub persisted: u64,
    /// Persisted fragments the stream no longer holds (past the retention period).
    pub expired: u64,
    /// Bytes sent to consumers (GetMedia, GetMediaForFragmentList).
    pub bytes_out: u64,
    /// Storage of fragments no longer held, byte-milliseconds.
    stored_byte_ms: u128,
    /// Persisted fragments still held: their bytes and Σ bytes × arrival.
    held_bytes: u128,
    held_byte_arrivals: u128,
}

impl StreamTotals {
    pub(super) fn arrive(&mut self, f: &Fragment) {
        self.fragments_in += 1;
        self.bytes_in += f.bytes;
        if f.archived {
            self.persisted += 1;
            self.held_bytes += f.bytes as u128;
            self.held_byte_arrivals += f.bytes as u128 * f.server_ts as u128;
        }
    }

    /// A persisted fragment leaves the archive at `until`.
    pub(super) fn forget(&mut self, f: &Fragment, until: SimTime) {
        self.expired += 1;
        self.held_bytes -= f.bytes as u128;
        self.held_byte_arrivals -= f.bytes as u128 * f.server_ts as u128;
        self.stored_byte_ms += f.bytes as u128 * until.saturating_sub(f.server_ts) as u128;
    }

    /// Byte-milliseconds of storage up to `now`.
    pub fn stored_byte_ms(&self, now: SimTime) -> u128 {
        self.stored_byte_ms
            + (self.held_bytes * now as u128).saturating_sub(self.held_byte_arrivals)
    }
}

/// One minute of a stream's metrics.
#[derive(Clone, Debug, Default)]
pub struct VideoMinute {
    pub start: SimTime,
    pub put_requests: u64,
    pub put_fragments: u64,
    pub put_bytes: u64,
    pub ingestion_latency_ms: u64,
    pub get_media_requests: u64,
    pub get_media_fragments: u64,
    pub get_media_bytes: u64,
    pub list_requests: u64,
    pub list_fragments: u64,
    pub fragment_list_requests: u64,
    pub fragment_list_fragments: u64,
    pub fragment_list_bytes: u64,
}
crate::minute!(VideoMinute);

impl VideoMinute {
    pub(super) fn arrive(&mut self, f: &Fragment, latency_ms: SimTime) {
        self.put_fragments += 1;
        self.put_bytes += f.bytes;
        self.ingestion_latency_ms += latency_ms;
    }

    fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            ("PutMedia.IncomingBytes", self.put_bytes as f64),
            ("PutMedia.IncomingFragments", self.put_fragments as f64),
        ];
        if self.put_requests > 0 {
            v.push(("PutMedia.Requests", self.put_requests as f64));
        }
        if self.put_fragments > 0 {
            // An average over the minute's fragments.
            v.push((
                "PutMedia.FragmentIngestionLatency",
                self.ingestion_latency_ms as f64 / self.put_fragments as f64,
            ));
        }
        if self.get_media_requests + self.get_media_fragments > 0 {
            v.push(("GetMedia.Requests", self.get_media_requests as f64));
            v.push((
                "GetMedia.OutgoingFragments",
                self.get_media_fragments as f64,
            ));
            v.push(("GetMedia.OutgoingBytes", self.get_media_bytes as f64));
        }
        if self.list_requests > 0 {
            v.push(("ListFragments.Requests", self.list_requests as f64));
        }
        if self.fragment_list_requests > 0 {
            v.push((
                "GetMediaForFragmentList.Requests",
                self.fragment_list_requests as f64,
            ));
            v.push((
                "GetMediaForFragmentList.OutgoingFragments",
                self.fragment_list_fragments as f64,
            ));
            v.push((
                "GetMediaForFragmentList.OutgoingBytes",
                self.fragment_list_bytes as f64,
            ));
        }
        v
    }
}

/// The number of fragments of an answer and their bytes.
pub(super) fn sizes(answer: &Value) -> (u64, u64) {
    let fragments = answer["Fragments"].as_array().map_or(&[][..], |a| a);
    let bytes = fragments
        .iter()
        .filter_map(|f| f["FragmentSizeInBytes"].as_u64())
        .sum();
    (fragments.len() as u64, bytes)
}

impl KinesisVideo {
    /// Counts a media call's answer in its stream's minute (the call succeeded).
    pub(super) fn meter(&mut self, op: &str, i: &Input, answer: &Value) {
        let name = match self.named(i) {
            Ok(s) => s.name.clone(),
            Err(_) => return,
        };
        let Some(s) = self.streams.get_mut(&name) else {
            return;
        };
        let (n, bytes) = sizes(answer);
        let m = &mut s.metrics.current;
        match op {
            "GetMedia" => {
                m.get_media_requests += 1;
                m.get_media_fragments += n;
                m.get_media_bytes += bytes;
            }
            "ListFragments" => {
                m.list_requests += 1;
                m.list_fragments += n;
                return;
            }
            "GetMediaForFragmentList" => {
                m.fragment_list_requests += 1;
                m.fragment_list_fragments += n;
                m.fragment_list_bytes += bytes;
            }
            _ => return,
        }
        s.totals.bytes_out += bytes;
    }

    /// The cost meter's line: data ingested and consumed, and the persisted fragments'
    /// storage up to `now`.
    pub fn bill(&self, now: SimTime) -> Bill {
        let (mut ingested, mut consumed, mut stored) = (0u64, 0u64, 0u128);
        for s in self.streams.values() {
            ingested += s.totals.bytes_in;
            consumed += s.totals.bytes_out;
            stored += s.totals.stored_byte_ms(now);
        }
        Bill {
            service: "Kinesis Video Streams",
            requests: self.requests,
            usd: ingested as f64 / GB * USD_PER_GB_INGESTED
                + consumed as f64 / GB * USD_PER_GB_CONSUMED
                + stored as f64 / GB / MONTH_MS * USD_PER_GB_MONTH_STORED,
        }
    }

    /// Every closed minute of every stream.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for s in self.streams.values() {
            s.metrics
                .publish("AWS/KinesisVideo", &[("StreamName", &s.name)], &mut out);
        }
        out
    }

    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        for s in self.streams.values_mut() {
            s.metrics.close(now, |_| {});
        }
    }

    /// API requests made so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }
}

impl VideoStream {
    /// Persisted fragments still held (ListFragments can find them).
    pub fn archived_held(&self) -> usize {
        self.fragments.iter().filter(|f| f.archived).count()
    }
}
