//! A scenario's Kinesis Video Streams (aws-rules §6.3): `video_streams` with CreateStream's
//! own members (made through the same CreateStream as `mqlab api`, ACTIVE from the start),
//! `video_producers` (mqlab's: a camera sending a fragment every `fragment_duration_s` to one
//! or more streams) and `video_consumers` (mqlab's: `live`, GetMedia from NOW, or `archived`,
//! ListFragments over a time range then GetMediaForFragmentList at a given time). Every field
//! is checked here with a message naming it. Reached only from `World::from_scenario`,
//! through the service's glue: the page links none of it.
//!
//! ```json
//! "video_streams": [{"StreamName": "door", "DataRetentionInHours": 24}],
//! "video_producers": [{"name": "camera", "streams": ["door"], "fragment_duration_s": 2,
//!                      "fragment_bytes": 250000, "latency_ms": 100, "clock_skew_ms": 0,
//!                      "start_s": 0, "stop_s": 600}],
//! "video_consumers": [{"name": "monitor", "streams": ["door"], "kind": "live", "start_s": 0},
//!                     {"name": "review", "streams": ["door"], "kind": "archived",
//!                      "at_s": 300, "from_s": 0, "to_s": 60,
//!                      "timestamps": "SERVER_TIMESTAMP"}]
//! ```

use super::{Scenario, ScenarioError};
use crate::core::time::{secs_to_ms, SimTime, MS_PER_H};
use crate::kinesisvideo::clients::ConsumerKind;
use crate::kinesisvideo::{Producer, FRAGMENT_DEFAULT_BYTES, LATENCY_DEFAULT_MS};
use crate::world::World;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// CreateStream's members.
const STREAM_MEMBERS: &[&str] = &[
    "StreamName",
    "DataRetentionInHours",
    "MediaType",
    "DeviceName",
    "KmsKeyId",
    "Tags",
];
/// A fragment's longest duration and largest size the producer may declare. UNCONFIRMED
/// (Kinesis Video Streams' quotas as remembered: fragments up to 20 s and 50 MB).
pub const FRAGMENT_DURATION_MAX_S: f64 = 20.0;
pub const FRAGMENT_BYTES_MAX: u64 = 50 * 1024 * 1024;
/// Longest producer latency and clock skew accepted (mqlab's bounds).
pub const LATENCY_MAX_MS: u64 = 60_000;
pub const SKEW_MAX_MS: i64 = 24 * MS_PER_H as i64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProducerSpec {
    #[serde(default)]
    name: String,
    #[serde(default)]
    streams: Vec<String>,
    /// A fragment every this many seconds, each this long (default 2).
    fragment_duration_s: Option<f64>,
    /// Each fragment's size (default 250,000).
    fragment_bytes: Option<u64>,
    /// From a fragment's last frame to its arrival at the service (default 100 ms).
    latency_ms: Option<u64>,
    /// The producer's clock ahead of the service's (negative: behind), ms: shifts each
    /// ProducerTimestamp against its ServerTimestamp.
    clock_skew_ms: Option<i64>,
    start_s: Option<f64>,
    stop_s: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsumerSpec {
    #[serde(default)]
    name: String,
    #[serde(default)]
    streams: Vec<String>,
    #[serde(default)]
    kind: String,
    // live
    start_s: Option<f64>,
    stop_s: Option<f64>,
    // archived
    at_s: Option<f64>,
    from_s: Option<f64>,
    to_s: Option<f64>,
    timestamps: Option<String>,
}

fn err(field: String, message: impl Into<String>) -> ScenarioError {
    ScenarioError::new(field, message)
}

/// A serde error as the scenario reports it: an unknown field named in the field.
fn unreadable(what: &str, i: usize, e: serde_json::Error) -> ScenarioError {
    let m = super::unplaced(&e);
    if let Some(rest) = m.strip_prefix("unknown field `") {
        if let Some((name, expected)) = rest.split_once('`') {
            let expected = expected.trim_start_matches([',', ' ']);
            return err(
                format!("{what}[{i}].{name}"),
                format!("not a member; {expected}"),
            );
        }
    }
    err(format!("{what}[{i}]"), m)
}

/// `s` seconds as ms, with the field named when it is not a time.
fn time(field: &str, s: f64) -> Result<SimTime, ScenarioError> {
    secs_to_ms(s).ok_or_else(|| err(field.to_string(), "must be 0 or more seconds"))
}

fn check_streams(
    what: &str,
    i: usize,
    streams: &[String],
    declared: &BTreeSet<&str>,
) -> Result<(), ScenarioError> {
    if streams.is_empty() {
        return Err(err(
            format!("{what}[{i}].streams"),
            "must name at least one of the scenario's video_streams",
        ));
    }
    for (k, s) in streams.iter().enumerate() {
        if !declared.contains(s.as_str()) {
            return Err(err(
                format!("{what}[{i}].streams[{k}]"),
                format!("no video stream named {s:?}"),
            ));
        }
    }
    Ok(())
}

/// A producer's (stream, engine producer, starts at) for each of its streams.
fn producer(
    i: usize,
    v: &Value,
    declared: &BTreeSet<&str>,
) -> Result<(String, Vec<(Producer, SimTime)>), ScenarioError> {
    let f = |k: &str| format!("video_producers[{i}].{k}");
    let p: ProducerSpec =
        serde_json::from_str(&v.to_string()).map_err(|e| unreadable("video_producers", i, e))?;
    check_streams("video_producers", i, &p.streams, declared)?;
    let duration = p.fragment_duration_s.unwrap_or(2.0);
    if !(duration > 0.0 && duration <= FRAGMENT_DURATION_MAX_S) {
        return Err(err(
            f("fragment_duration_s"),
            format!("must be above 0 and at most {FRAGMENT_DURATION_MAX_S} seconds"),
        ));
    }
    let every_ms = time(&f("fragment_duration_s"), duration)?.max(1);
    let bytes = p.fragment_bytes.unwrap_or(FRAGMENT_DEFAULT_BYTES);
    if !(1..=FRAGMENT_BYTES_MAX).contains(&bytes) {
        return Err(err(
            f("fragment_bytes"),
            format!("must be 1 to {FRAGMENT_BYTES_MAX} bytes"),
        ));
    }
    let latency_ms = p.latency_ms.unwrap_or(LATENCY_DEFAULT_MS);
    if latency_ms > LATENCY_MAX_MS {
        return Err(err(
            f("latency_ms"),
            format!("must be at most {LATENCY_MAX_MS} ms"),
        ));
    }
    let skew_ms = p.clock_skew_ms.unwrap_or(0);
    if skew_ms.abs() > SKEW_MAX_MS {
        return Err(err(
            f("clock_skew_ms"),
            format!("must be within ±{SKEW_MAX_MS} ms (24 hours)"),
        ));
    }
    let start = time(&f("start_s"), p.start_s.unwrap_or(0.0))?;
    let stop = p.stop_s.map(|s| time(&f("stop_s"), s)).transpose()?;
    if stop.is_some_and(|stop| stop <= start) {
        return Err(err(f("stop_s"), "must be after start_s"));
    }
    let producers = p
        .streams
        .iter()
        .map(|stream| {
            (
                Producer {
                    id: 0,
                    stream: stream.clone(),
                    every_ms,
                    bytes,
                    latency_ms,
                    sent: 0,
                    name: p.name.clone(),
                    skew_ms,
                    stops_at: stop,
                },
                start,
            )
        })
        .collect();
    Ok((p.name, producers))
}

fn consumer(
    i: usize,
    v: &Value,
    declared: &BTreeSet<&str>,
) -> Result<(String, Vec<String>, ConsumerKind), ScenarioError> {
    let f = |k: &str| format!("video_consumers[{i}].{k}");
    let c: ConsumerSpec =
        serde_json::from_str(&v.to_string()).map_err(|e| unreadable("video_consumers", i, e))?;
    check_streams("video_consumers", i, &c.streams, declared)?;
    let only = |present: bool, member: &str, kind: &str| {
        if present {
            Err(err(f(member), format!("only {kind} consumer has it")))
        } else {
            Ok(())
        }
    };
    let kind = match c.kind.as_str() {
        "live" => {
            only(c.at_s.is_some(), "at_s", "an archived")?;
            only(c.from_s.is_some(), "from_s", "an archived")?;
            only(c.to_s.is_some(), "to_s", "an archived")?;
            only(c.timestamps.is_some(), "timestamps", "an archived")?;
            let starts_at = time(&f("start_s"), c.start_s.unwrap_or(0.0))?;
            let stops_at = c.stop_s.map(|s| time(&f("stop_s"), s)).transpose()?;
            if stops_at.is_some_and(|s| s <= starts_at) {
                return Err(err(f("stop_s"), "must be after start_s"));
            }
            ConsumerKind::Live {
                starts_at,
                stops_at,
            }
        }
        "archived" => {
            only(c.start_s.is_some(), "start_s", "a live")?;
            only(c.stop_s.is_some(), "stop_s", "a live")?;
            let need = |v: Option<f64>, member: &str| match v {
                Some(s) => time(&f(member), s),
                None => Err(err(f(member), "is required for an archived consumer")),
            };
            let at = need(c.at_s, "at_s")?;
            let from = need(c.from_s, "from_s")?;
            let to = need(c.to_s, "to_s")?;
            if to < from {
                return Err(err(f("to_s"), "must not be before from_s"));
            }
            let producer_timestamps = match c.timestamps.as_deref() {
                None | Some("SERVER_TIMESTAMP") => false,
                Some("PRODUCER_TIMESTAMP") => true,
                Some(other) => {
                    return Err(err(
                        f("timestamps"),
                        format!(
                            "{other:?} is not a FragmentSelectorType (SERVER_TIMESTAMP or PRODUCER_TIMESTAMP)"
                        ),
                    ))
                }
            };
            ConsumerKind::Archived {
                at,
                from,
                to,
                producer_timestamps,
            }
        }
        other => {
            return Err(err(
                f("kind"),
                format!("{other:?} is not a consumer kind (live or archived)"),
            ))
        }
    };
    Ok((c.name, c.streams, kind))
}

impl World {
    /// The scenario's video streams (ACTIVE from the start), then its producers and consumers,
    /// all through [`World::with_kinesis_video`] (which sets the service's hooks).
    pub(crate) fn add_kinesis_video(&mut self, s: &Scenario) -> Result<(), ScenarioError> {
        if s.video_streams.is_empty()
            && s.video_producers.is_empty()
            && s.video_consumers.is_empty()
        {
            return Ok(());
        }
        let mut declared = BTreeSet::new();
        for (i, v) in s.video_streams.iter().enumerate() {
            let field = format!("video_streams[{i}]");
            for key in v.as_object().into_iter().flat_map(|o| o.keys()) {
                if !STREAM_MEMBERS.contains(&key.as_str()) {
                    return Err(err(
                        format!("{field}.{key}"),
                        format!(
                            "not a member of CreateStream ({})",
                            STREAM_MEMBERS.join(", ")
                        ),
                    ));
                }
            }
            self.with_kinesis_video(|kv, ctx| kv.create_active(ctx, v))
                .map_err(|e| {
                    let word = e.message.split(' ').next().unwrap_or_default();
                    if STREAM_MEMBERS.contains(&word) {
                        err(
                            format!("{field}.{word}"),
                            format!("{} ({})", e.message[word.len()..].trim_start(), e.code),
                        )
                    } else {
                        err(field.clone(), e.to_string())
                    }
                })?;
            declared.insert(v["StreamName"].as_str().unwrap_or_default());
        }
        let mut names = BTreeSet::new();
        for (i, v) in s.video_producers.iter().enumerate() {
            let (name, producers) = producer(i, v, &declared)?;
            if name.is_empty() || !names.insert(name) {
                return Err(err(
                    format!("video_producers[{i}].name"),
                    "must be non-empty and unique",
                ));
            }
            for (p, start) in producers {
                self.with_kinesis_video(|kv, ctx| kv.start_producer_at(ctx, p, start))
                    .map_err(|e| err(format!("video_producers[{i}]"), e.to_string()))?;
            }
        }
        let mut names = BTreeSet::new();
        for (i, v) in s.video_consumers.iter().enumerate() {
            let (name, streams, kind) = consumer(i, v, &declared)?;
            if name.is_empty() || !names.insert(name.clone()) {
                return Err(err(
                    format!("video_consumers[{i}].name"),
                    "must be non-empty and unique",
                ));
            }
            for stream in &streams {
                self.with_kinesis_video(|kv, ctx| {
                    kv.add_consumer(ctx, &name, stream, kind.clone())
                });
            }
        }
        Ok(())
    }
}
