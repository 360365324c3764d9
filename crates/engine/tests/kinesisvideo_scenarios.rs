//! A scenario's Kinesis Video Streams (aws-rules §6.3): `video_streams` (CreateStream's
//! members), `video_producers` and `video_consumers` (live: GetMedia from NOW; archived:
//! ListFragments then GetMediaForFragmentList), their metrics on the bus and their bill, and
//! the errors that name the field at fault.

use mqlab_engine::kinesisvideo::clients::VideoConsumer;
use mqlab_engine::{Scenario, World};
use serde_json::{json, Value};

fn world(v: Value) -> World {
    let s = Scenario::from_json(&v.to_string()).unwrap();
    World::from_scenario(&s).unwrap()
}

fn error(v: Value) -> (String, String) {
    let s = Scenario::from_json(&v.to_string()).unwrap();
    let Err(e) = World::from_scenario(&s) else {
        panic!("the scenario should be refused: {v}");
    };
    (e.field, e.message)
}

fn shipped() -> World {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/video-retention.json"
    ))
    .unwrap();
    World::from_scenario(&Scenario::from_json(&text).unwrap()).unwrap()
}

fn consumer<'a>(w: &'a World, name: &str, stream: &str) -> &'a VideoConsumer {
    w.kinesis_video()
        .consumers()
        .find(|c| c.name == name && c.stream == stream)
        .unwrap()
}

/// One camera on two streams, retention 0 and 24 h.
fn two_streams(consumers: Value) -> Value {
    json!({
        "video_streams": [
            {"StreamName": "a", "DataRetentionInHours": 0},
            {"StreamName": "b", "DataRetentionInHours": 24}
        ],
        "video_producers": [{"name": "cam", "streams": ["a", "b"], "fragment_duration_s": 2}],
        "video_consumers": consumers
    })
}

#[test]
fn retention_zero_keeps_no_fragments_for_an_archived_consumer() {
    let mut w = shipped();
    w.advance_to(301_000);
    // Fragments reach both streams at 2.1 s, 4.1 s, …: 29 in the first minute.
    let none = consumer(&w, "reviewer", "door-0h");
    assert!(none.totals.done);
    assert_eq!((none.totals.listed, none.totals.fragments), (0, 0));
    assert_eq!(
        none.totals.requests, 1,
        "ListFragments only: nothing to read"
    );
    let some = consumer(&w, "reviewer", "door-24h");
    assert_eq!((some.totals.listed, some.totals.fragments), (29, 29));
    assert_eq!(some.totals.bytes, 29 * 250_000);
    assert_eq!(
        some.totals.requests, 2,
        "ListFragments, GetMediaForFragmentList"
    );
    let v = w.kinesis_video();
    let zero = v.stream("door-0h").unwrap();
    assert_eq!(zero.totals.persisted, 0);
    assert_eq!(zero.archived_held(), 0);
    assert_eq!(v.stream("door-24h").unwrap().totals.persisted, 150);
}

#[test]
fn a_live_consumer_gets_fragments_as_they_arrive() {
    let mut w = shipped();
    w.advance_to(10_000);
    // 2.1, 4.1, 6.1, 8.1 s: each as it reaches the stream, on either retention.
    for (name, stream) in [("monitor-0h", "door-0h"), ("monitor-24h", "door-24h")] {
        let c = consumer(&w, name, stream);
        assert_eq!(c.totals.fragments, 4, "{name}");
        assert_eq!(c.totals.first_at, Some(2_100));
        assert_eq!(c.totals.last_at, Some(8_100));
    }
    w.advance_to(10_100);
    assert_eq!(
        consumer(&w, "monitor-0h", "door-0h").totals.last_at,
        Some(10_100)
    );
}

#[test]
fn a_live_consumer_from_now_misses_what_came_before_and_stops_at_its_stop() {
    let mut w = world(two_streams(json!([
        {"name": "late", "streams": ["a"], "kind": "live", "start_s": 5, "stop_s": 9}
    ])));
    w.advance_to(20_000);
    let c = consumer(&w, "late", "a");
    // Not 2.1 and 4.1 s (before it connected), not 10.1 s and later (after its stop).
    assert_eq!(c.totals.fragments, 2);
    assert_eq!(
        (c.totals.first_at, c.totals.last_at),
        (Some(6_100), Some(8_100))
    );
}

#[test]
fn an_archived_consumer_past_the_retention_period_finds_nothing() {
    // A 1-hour retention, asked at 1 h 10 min for the first minute: expired.
    let mut w = world(json!({
        "video_streams": [{"StreamName": "a", "DataRetentionInHours": 1}],
        "video_producers": [{"name": "cam", "streams": ["a"], "fragment_duration_s": 10}],
        "video_consumers": [
            {"name": "old", "streams": ["a"], "kind": "archived", "at_s": 4200, "from_s": 0, "to_s": 60},
            {"name": "recent", "streams": ["a"], "kind": "archived", "at_s": 4200, "from_s": 3600, "to_s": 3660}
        ]
    }));
    w.advance_to(4_201_000);
    assert_eq!(consumer(&w, "old", "a").totals.listed, 0);
    assert_eq!(consumer(&w, "recent", "a").totals.fragments, 6);
    let s = w.kinesis_video().stream("a").unwrap();
    assert!(
        s.totals.expired > 0,
        "past an hour, persisted fragments leave"
    );
}

#[test]
fn producer_clock_skew_shifts_producer_timestamps_only() {
    // The camera's clock is 30 s ahead: a PRODUCER_TIMESTAMP range of 30–60 s finds what the
    // service received in its first 30 s.
    let mut w = world(json!({
        "video_streams": [{"StreamName": "a", "DataRetentionInHours": 1}],
        "video_producers": [{"name": "cam", "streams": ["a"], "fragment_duration_s": 2, "clock_skew_ms": 30000}],
        "video_consumers": [
            {"name": "by-producer", "streams": ["a"], "kind": "archived", "at_s": 120, "from_s": 30, "to_s": 60, "timestamps": "PRODUCER_TIMESTAMP"},
            {"name": "by-server", "streams": ["a"], "kind": "archived", "at_s": 120, "from_s": 0, "to_s": 30}
        ]
    }));
    w.advance_to(121_000);
    // Server: 2.1 … 28.1 s (14 fragments). Producer: a fragment's first frame is 2.1 s before
    // its arrival, plus 30 s: 30 s … 60 s are the arrivals 2.1 … 32.1 s (16 fragments).
    assert_eq!(consumer(&w, "by-server", "a").totals.listed, 14);
    assert_eq!(consumer(&w, "by-producer", "a").totals.listed, 16);
}

#[test]
fn a_producer_sends_between_its_start_and_stop() {
    let mut w = world(json!({
        "video_streams": [{"StreamName": "a", "DataRetentionInHours": 1}],
        "video_producers": [{"name": "cam", "streams": ["a"], "fragment_duration_s": 2,
                             "start_s": 10, "stop_s": 20, "latency_ms": 0}]
    }));
    w.advance_to(60_000);
    let s = w.kinesis_video().stream("a").unwrap();
    // Fragments of 10–12, 12–14, …, 18–20 s.
    assert_eq!(s.totals.fragments_in, 5);
    let times: Vec<u64> = s.fragments.iter().map(|f| f.server_ts).collect();
    assert_eq!(times, [12_000, 14_000, 16_000, 18_000, 20_000]);
    assert_eq!(
        w.kinesis_video().producers().count(),
        0,
        "its session ended"
    );
}

#[test]
fn video_metrics_are_on_the_bus_with_aws_names() {
    let mut w = shipped();
    w.advance_to(6 * 60_000 + 1);
    let bus = w.metric_datapoints();
    let sum = |metric: &str, stream: &str| -> f64 {
        bus.iter()
            .filter(|d| {
                d.namespace == "AWS/KinesisVideo"
                    && d.metric == metric
                    && d.dimension("StreamName") == Some(stream)
            })
            .map(|d| d.value)
            .sum()
    };
    // 6 closed minutes: 179 fragments arrived (2.1 s … 358.1 s).
    assert_eq!(sum("PutMedia.IncomingFragments", "door-0h"), 179.0);
    assert_eq!(sum("PutMedia.IncomingBytes", "door-24h"), 179.0 * 250_000.0);
    assert_eq!(sum("GetMedia.OutgoingFragments", "door-0h"), 179.0);
    assert_eq!(sum("GetMedia.OutgoingBytes", "door-24h"), 179.0 * 250_000.0);
    assert_eq!(sum("ListFragments.Requests", "door-0h"), 1.0);
    assert_eq!(
        sum("GetMediaForFragmentList.OutgoingFragments", "door-0h"),
        0.0
    );
    assert_eq!(
        sum("GetMediaForFragmentList.OutgoingFragments", "door-24h"),
        29.0
    );
}

#[test]
fn the_bill_charges_ingestion_consumption_and_storage() {
    let mut w = shipped();
    w.advance_to(6 * 60_000 + 1);
    let bill = w.bill();
    let video = bill
        .iter()
        .find(|b| b.service == "Kinesis Video Streams")
        .unwrap();
    let gb = 1024.0 * 1024.0 * 1024.0;
    // 179 fragments on each stream (2.1 s … 358.1 s).
    let ingested = 2.0 * 179.0 * 250_000.0 / gb * 0.0085;
    let consumed = (2.0 * 179.0 + 29.0) * 250_000.0 / gb * 0.0085;
    assert!(video.usd > ingested + consumed, "{video:?}");
    // Storage: only door-24h's, for a few minutes: a small part.
    assert!(video.usd < (ingested + consumed) * 1.01, "{video:?}");
    // Requests: 2 CreateStream, 2 PutMedia sessions, 2 GetMedia, 2 ListFragments, 1
    // GetMediaForFragmentList.
    assert_eq!(video.requests, 9);
}

#[test]
fn video_scenarios_need_the_full_page() {
    let s = Scenario::from_json(
        &two_streams(json!([{"name": "m", "streams": ["a"], "kind": "live"}])).to_string(),
    )
    .unwrap();
    assert_eq!(s.needs_full_page(), Some("video_streams"));
    let e = World::from_scenario_for_page(&s).err().unwrap();
    assert_eq!(e.field, "video_streams");
    let only_consumers = Scenario::from_json(r#"{"video_consumers": [{}]}"#).unwrap();
    assert_eq!(only_consumers.needs_full_page(), Some("video_consumers"));
}

#[test]
fn scenario_video_field_errors_name_the_field() {
    let cases = [
        (
            json!({"video_streams": [{"StreamName": "a", "DataRetentionInHours": 90000}]}),
            "video_streams[0].DataRetentionInHours",
        ),
        (
            json!({"video_streams": [{"StreamName": "a", "Retention": 1}]}),
            "video_streams[0].Retention",
        ),
        (
            json!({"video_streams": [{"DataRetentionInHours": 1}]}),
            "video_streams[0].StreamName",
        ),
        (
            json!({"video_streams": [{"StreamName": "a"}, {"StreamName": "a"}]}),
            "video_streams[1]",
        ),
        (
            two_streams(json!([]))
                .merged("video_producers", json!([{"name": "c", "streams": ["x"]}])),
            "video_producers[0].streams[0]",
        ),
        (
            two_streams(json!([])).merged("video_producers", json!([{"name": "c", "streams": []}])),
            "video_producers[0].streams",
        ),
        (
            two_streams(json!([])).merged(
                "video_producers",
                json!([{"name": "c", "streams": ["a"], "fragment_duration_s": 0}]),
            ),
            "video_producers[0].fragment_duration_s",
        ),
        (
            two_streams(json!([])).merged(
                "video_producers",
                json!([{"name": "c", "streams": ["a"], "fragment_bytes": 0}]),
            ),
            "video_producers[0].fragment_bytes",
        ),
        (
            two_streams(json!([])).merged(
                "video_producers",
                json!([{"name": "c", "streams": ["a"], "clock_skew_ms": 100000000}]),
            ),
            "video_producers[0].clock_skew_ms",
        ),
        (
            two_streams(json!([])).merged(
                "video_producers",
                json!([{"name": "c", "streams": ["a"], "start_s": 10, "stop_s": 5}]),
            ),
            "video_producers[0].stop_s",
        ),
        (
            two_streams(json!([])).merged(
                "video_producers",
                json!([{"name": "c", "streams": ["a"], "bitrate": 5}]),
            ),
            "video_producers[0].bitrate",
        ),
        (
            two_streams(json!([{"name": "c", "streams": ["a"], "kind": "replay"}])),
            "video_consumers[0].kind",
        ),
        (
            two_streams(
                json!([{"name": "c", "streams": ["a"], "kind": "archived", "from_s": 0, "to_s": 60}]),
            ),
            "video_consumers[0].at_s",
        ),
        (
            two_streams(
                json!([{"name": "c", "streams": ["a"], "kind": "archived", "at_s": 1, "from_s": 60, "to_s": 0}]),
            ),
            "video_consumers[0].to_s",
        ),
        (
            two_streams(json!([{"name": "c", "streams": ["a"], "kind": "live", "at_s": 1}])),
            "video_consumers[0].at_s",
        ),
        (
            two_streams(
                json!([{"name": "c", "streams": ["a"], "kind": "archived", "at_s": 1, "from_s": 0, "to_s": 1, "timestamps": "ARRIVAL"}]),
            ),
            "video_consumers[0].timestamps",
        ),
        (
            two_streams(
                json!([{"name": "c", "streams": ["a"], "kind": "live"}, {"name": "c", "streams": ["b"], "kind": "live"}]),
            ),
            "video_consumers[1].name",
        ),
        (
            two_streams(json!([{"name": "c", "streams": ["z"], "kind": "live"}])),
            "video_consumers[0].streams[0]",
        ),
    ];
    for (scenario, field) in cases {
        let (got, message) = error(scenario.clone());
        assert_eq!(got, field, "{scenario}: {message}");
        assert!(!message.is_empty());
    }
    // Not an object: refused when the scenario is read.
    let e = Scenario::from_json(r#"{"video_consumers": [3]}"#).unwrap_err();
    assert_eq!(e.field, "video_consumers[0]");
}

trait Merged {
    fn merged(self, key: &str, v: Value) -> Value;
}

impl Merged for Value {
    fn merged(mut self, key: &str, v: Value) -> Value {
        self[key] = v;
        self
    }
}

#[test]
fn the_same_video_scenario_runs_the_same() {
    let mut a = shipped();
    let mut b = shipped();
    assert_eq!(a.fingerprint(400_000), b.fingerprint(400_000));
}
