//! `mqlab api` with `"svc": "kinesisanalyticsv2"` and `"svc": "kinesisvideo"`
//! (aws-rules §6): examples/api/flink-tumbling-window.jsonl, a Managed Service for Apache
//! Flink application averaging prices by ticker in 10-second tumbling windows on event time
//! into a sink stream (the SQL-1_0 runtime refused, a late record dropped), and
//! examples/api/kinesisvideo-retention.jsonl, retention 0 (only the buffer) beside 24 hours
//! (archived fragments), GetMedia from NOW then by continuation token, and the version check
//! of UpdateDataRetention.

mod common;

use common::{all, at, run_example};
use serde_json::{json, Value};

#[test]
fn a_tumbling_window_averages_prices_by_ticker_into_the_sink_stream() {
    let out = run_example("flink-tumbling-window.jsonl");
    let creates = all(&out, 0.0, "CreateApplication");
    assert_eq!(creates[0]["error"]["Code"], "UnsupportedOperationException");
    let status = |t: f64| {
        at(&out, t, "DescribeApplication")["response"]["ApplicationDetail"]["ApplicationStatus"]
            .clone()
    };
    assert_eq!(status(1.0), "STARTING");
    assert_eq!(status(31.0), "RUNNING");
    assert_eq!(status(36.0), "STOPPING");
    // The watermark (113 s − 2 s) closed [100 s, 110 s); the record at 101 s that came after
    // it was dropped, so AMZN's average is 105, not 403.
    let records = at(&out, 35.0, "GetRecords")["response"]["Records"]
        .as_array()
        .unwrap()
        .clone();
    let got: Vec<Value> = records
        .iter()
        .map(|r| {
            let data = mqlab_engine::core::aws::b64_decode(r["Data"].as_str().unwrap()).unwrap();
            serde_json::from_slice(&data).unwrap()
        })
        .collect();
    assert_eq!(
        got,
        vec![
            json!({"key": "AMZN", "value": 105.0, "count": 2, "window_start": "2026-01-01T00:01:40.000Z", "window_end": "2026-01-01T00:01:50.000Z"}),
            json!({"key": "MSFT", "value": 50.0, "count": 1, "window_start": "2026-01-01T00:01:40.000Z", "window_end": "2026-01-01T00:01:50.000Z"}),
        ]
    );
    assert!(at(&out, 50.0, "DeleteApplication")["response"].is_object());
    assert_eq!(
        at(&out, 56.0, "DescribeApplication")["error"]["Code"],
        "ResourceNotFoundException"
    );
}

#[test]
fn retention_0_keeps_a_buffer_and_24_hours_an_archive() {
    let out = run_example("kinesisvideo-retention.jsonl");
    assert_eq!(
        at(&out, 30.0, "GetMedia")["response"]["Fragments"],
        json!([])
    );
    // Fragments reach the service every 10 s from 11.1 s: 31.1, 41.1, 51.1 after the NOW call.
    assert_eq!(
        at(&out, 55.0, "GetMedia")["response"]["Fragments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // The doorbell (retention 0) still serves its last 5 minutes in real time…
    let buffer = at(&out, 400.0, "GetMedia")["response"]["Fragments"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(buffer, 30);
    // …but archives nothing; the lobby (24 hours) lists its first minute.
    let lists = all(&out, 400.0, "ListFragments");
    assert_eq!(lists[0]["response"]["Fragments"], json!([]));
    assert_eq!(
        lists[1]["response"]["Fragments"].as_array().unwrap().len(),
        5
    );
    let updates = all(&out, 400.0, "UpdateDataRetention");
    assert_eq!(updates[0]["error"]["Code"], "VersionMismatchException");
    assert!(updates[1]["response"].is_object());
    assert_eq!(
        all(&out, 400.0, "DescribeStream")[1]["response"]["StreamInfo"]["DataRetentionInHours"],
        24
    );
    assert_eq!(
        at(&out, 401.0, "DescribeStream")["response"]["StreamInfo"]["Status"],
        "DELETING"
    );
    assert_eq!(
        at(&out, 403.0, "ListStreams")["response"]["StreamInfoList"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
