//! Managed Service for Apache Flink windows over a Kinesis stream (aws-rules §6.1–6.2):
//! tumbling, hopping and session windows by key on event time (watermark, allowed lateness)
//! or arrival time, late records dropped and counted, results into a sink stream, the Flink
//! SQL each declaration stands for, and the control plane's lifecycle — SQL-1_0 refused.

use mqlab_engine::core::aws::b64_encode;
use mqlab_engine::flink::{sql, Aggregate, TimeSpec, WindowKind, WindowSpec};
use mqlab_engine::{AwsError, EventKind, World, WorldConfig};
use serde_json::{json, Value};

const EPOCH_MS: u64 = 1_767_225_600_000;
/// When the streams are ACTIVE and the application starts (virtual ms).
const T0: u64 = 60_000;

struct Lab {
    w: World,
    events: Vec<EventKind>,
}

/// (key, start s, end s, value, count, late firing) of a WindowClosed.
type Fired = (String, u64, u64, f64, u64, bool);

impl Lab {
    fn new() -> Lab {
        let mut lab = Lab {
            w: World::new(WorldConfig::default()),
            events: Vec::new(),
        };
        for s in ["in", "out"] {
            lab.ok(
                "kinesis",
                "CreateStream",
                json!({"StreamName": s, "ShardCount": 2}),
            );
        }
        lab.advance_to(T0);
        lab
    }

    fn with_app(spec: WindowSpec) -> Lab {
        let mut lab = Lab::new();
        lab.w
            .with_flink(|f, ctx, _| f.run_spec(ctx, "app", spec))
            .unwrap();
        // The application starts at LATEST: what comes after its first read.
        lab.advance_to(T0 + 500);
        lab
    }

    fn call(&mut self, svc: &str, op: &str, params: Value) -> Result<Value, AwsError> {
        let id = self.w.call(svc, op, &params);
        let c = self
            .w
            .take_completions()
            .into_iter()
            .find(|c| c.call == id)
            .unwrap();
        self.collect();
        c.result
    }

    fn ok(&mut self, svc: &str, op: &str, params: Value) -> Value {
        self.call(svc, op, params.clone())
            .unwrap_or_else(|e| panic!("{op} {params}: {e}"))
    }

    fn collect(&mut self) {
        self.events
            .extend(self.w.drain_events().into_iter().map(|e| e.kind));
    }

    fn advance_to(&mut self, t: u64) {
        self.w.advance_to(t);
        self.collect();
    }

    /// Puts `{"k": key, "v": v, "ts": event time}` into "in" and lets a second pass.
    fn put(&mut self, key: &str, v: f64, event_s: f64) {
        let ts = EPOCH_MS + (event_s * 1000.0) as u64;
        let data = json!({"k": key, "v": v, "ts": ts}).to_string();
        self.ok(
            "kinesis",
            "PutRecord",
            json!({"StreamName": "in", "PartitionKey": key, "Data": b64_encode(data)}),
        );
        let t = self.w.now() + 1_000;
        self.advance_to(t);
    }

    fn fired(&self) -> Vec<Fired> {
        self.events
            .iter()
            .filter_map(|e| match e {
                EventKind::WindowClosed {
                    key,
                    start,
                    end,
                    value,
                    count,
                    late_firing,
                    ..
                } => Some((
                    key.clone(),
                    start / 1000,
                    end / 1000,
                    *value,
                    *count,
                    *late_firing,
                )),
                _ => None,
            })
            .collect()
    }
}

fn event_time(delay_s: u64, lateness_s: u64) -> TimeSpec {
    TimeSpec::Event {
        field: "ts".into(),
        watermark_delay_ms: delay_s * 1000,
        allowed_lateness_ms: lateness_s * 1000,
    }
}

fn spec(window: WindowKind, time: TimeSpec, aggregate: Aggregate) -> WindowSpec {
    WindowSpec {
        source: "in".into(),
        from_start: false,
        window,
        time,
        key: Some("k".into()),
        aggregate,
        field: Some("v".into()),
        sink: None,
    }
}

fn w(key: &str, start: u64, end: u64, value: f64, count: u64) -> Fired {
    (key.into(), start, end, value, count, false)
}

#[test]
fn tumbling_windows_partition_records() {
    let mut lab = Lab::with_app(spec(
        WindowKind::Tumbling { size_ms: 10_000 },
        event_time(0, 0),
        Aggregate::Sum,
    ));
    lab.put("A", 1.0, 101.0);
    lab.put("A", 2.0, 105.0);
    lab.put("B", 5.0, 107.0);
    assert_eq!(
        lab.fired(),
        vec![],
        "the watermark (107 s) has not passed 110 s"
    );
    lab.put("A", 3.0, 112.0);
    lab.put("A", 0.0, 125.0);
    // Each record is in exactly one window.
    assert_eq!(
        lab.fired(),
        vec![
            w("A", 100, 110, 3.0, 2),
            w("B", 100, 110, 5.0, 1),
            w("A", 110, 120, 3.0, 1)
        ]
    );
    assert_eq!(
        lab.w.flink().application("app").unwrap().totals.records_in,
        5
    );
}

#[test]
fn hopping_windows_overlap_so_a_record_counts_in_size_over_slide_windows() {
    let mut lab = Lab::with_app(spec(
        WindowKind::Hopping {
            size_ms: 30_000,
            slide_ms: 10_000,
        },
        event_time(0, 0),
        Aggregate::Count,
    ));
    lab.put("A", 1.0, 105.0);
    lab.put("B", 1.0, 200.0);
    let a: Vec<Fired> = lab.fired().into_iter().filter(|f| f.0 == "A").collect();
    // 30 / 10 = 3 windows hold the record at 105 s.
    assert_eq!(
        a,
        vec![
            w("A", 80, 110, 1.0, 1),
            w("A", 90, 120, 1.0, 1),
            w("A", 100, 130, 1.0, 1)
        ]
    );
}

#[test]
fn a_session_closes_after_the_gap() {
    let mut lab = Lab::with_app(spec(
        WindowKind::Session { gap_ms: 10_000 },
        event_time(0, 0),
        Aggregate::Max,
    ));
    lab.put("A", 4.0, 100.0);
    lab.put("A", 9.0, 105.0);
    lab.put("A", 2.0, 114.0);
    lab.put("B", 1.0, 123.0);
    assert_eq!(
        lab.fired(),
        vec![],
        "the session lasts until 124 s (114 s + the gap)"
    );
    lab.put("B", 1.0, 140.0);
    // A's gaps (5 s, 9 s) are shorter than 10 s: one session; B's 17 s gap splits its two.
    assert_eq!(
        lab.fired(),
        vec![w("A", 100, 124, 9.0, 3), w("B", 123, 133, 1.0, 1)]
    );
}

#[test]
fn the_watermark_closes_a_window_and_a_record_later_than_the_allowed_lateness_is_dropped_and_counted(
) {
    let mut lab = Lab::with_app(spec(
        WindowKind::Tumbling { size_ms: 10_000 },
        event_time(5, 10),
        Aggregate::Sum,
    ));
    lab.put("A", 1.0, 101.0);
    lab.put("A", 1.0, 114.0);
    assert_eq!(lab.fired(), vec![], "watermark 114 - 5 s is before 110 s");
    lab.put("A", 1.0, 116.0);
    assert_eq!(lab.fired(), vec![w("A", 100, 110, 1.0, 1)]);
    // Behind the watermark but within the allowed lateness: the window fires again.
    lab.put("A", 2.0, 105.0);
    assert_eq!(lab.fired()[1], ("A".into(), 100, 110, 3.0, 2, true));
    lab.put("A", 1.0, 130.0);
    // Later than the allowed lateness (watermark 125 s ≥ 110 s + 10 s): dropped and counted.
    lab.put("A", 5.0, 108.0);
    let app = lab.w.flink().application("app").unwrap();
    assert_eq!((app.totals.late_accepted, app.totals.late_dropped), (1, 1));
    let late: Vec<bool> = lab
        .events
        .iter()
        .filter_map(|e| match e {
            EventKind::LateRecord { dropped, .. } => Some(*dropped),
            _ => None,
        })
        .collect();
    assert_eq!(late, vec![false, true]);
    assert!(
        lab.fired().iter().all(|f| f.3 < 5.0),
        "the dropped record counts nowhere"
    );
}

#[test]
fn arrival_time_windows_ignore_event_time() {
    let mut lab = Lab::with_app(spec(
        WindowKind::Tumbling { size_ms: 10_000 },
        TimeSpec::Arrival,
        Aggregate::Count,
    ));
    // Arrive at 60.5 s, 61.5 s, 62.5 s whatever their event times say.
    lab.put("A", 1.0, 5.0);
    lab.put("A", 1.0, 99_999.0);
    lab.put("A", 1.0, 0.0);
    assert_eq!(lab.fired(), vec![]);
    // The clock closes the window at 70 s, with no record needed to move a watermark.
    lab.advance_to(70_500);
    assert_eq!(lab.fired(), vec![w("A", 60, 70, 3.0, 3)]);
}

#[test]
fn results_go_to_the_sink_stream() {
    let mut s = spec(
        WindowKind::Tumbling { size_ms: 10_000 },
        event_time(0, 0),
        Aggregate::Avg,
    );
    s.sink = Some("out".into());
    let mut lab = Lab::with_app(s);
    lab.put("A", 2.0, 101.0);
    lab.put("A", 4.0, 102.0);
    lab.put("A", 0.0, 111.0);
    let mut got = Vec::new();
    for shard in ["shardId-000000000000", "shardId-000000000001"] {
        let it = lab.ok(
            "kinesis",
            "GetShardIterator",
            json!({"StreamName": "out", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
        );
        let r = lab.ok(
            "kinesis",
            "GetRecords",
            json!({"ShardIterator": it["ShardIterator"]}),
        );
        for rec in r["Records"].as_array().unwrap() {
            let data = mqlab_engine::core::aws::b64_decode(rec["Data"].as_str().unwrap()).unwrap();
            got.push((
                rec["PartitionKey"].clone(),
                serde_json::from_slice::<Value>(&data).unwrap(),
            ));
        }
    }
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "A");
    assert_eq!(
        got[0].1,
        json!({"key": "A", "value": 3.0, "count": 2, "window_start": "2026-01-01T00:01:40.000Z", "window_end": "2026-01-01T00:01:50.000Z"})
    );
    assert_eq!(
        lab.w
            .flink()
            .application("app")
            .unwrap()
            .totals
            .sink_records,
        1
    );
}

#[test]
fn the_sql_text_for_each_window_kind() {
    let mut s = spec(
        WindowKind::Tumbling { size_ms: 60_000 },
        event_time(5, 0),
        Aggregate::Sum,
    );
    s.sink = Some("out".into());
    let t = sql(&s);
    assert!(
        t.contains("WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND"),
        "{t}"
    );
    assert!(t.contains("event_time AS TO_TIMESTAMP_LTZ(`ts`, 3)"), "{t}");
    assert!(
        t.contains("TUMBLE(TABLE source_stream, DESCRIPTOR(event_time), INTERVAL '60' SECOND)"),
        "{t}"
    );
    assert!(t.contains("SUM(`v`) AS `value`"), "{t}");
    assert!(t.contains("GROUP BY window_start, window_end, `k`;"), "{t}");
    assert!(t.contains("INSERT INTO sink_stream"), "{t}");
    assert!(
        t.contains("'stream.arn' = 'arn:aws:kinesis:us-east-1:123456789012:stream/out'"),
        "{t}"
    );

    s.window = WindowKind::Hopping {
        size_ms: 30_000,
        slide_ms: 10_000,
    };
    let t = sql(&s);
    assert!(t.contains("HOP(TABLE source_stream, DESCRIPTOR(event_time), INTERVAL '10' SECOND, INTERVAL '30' SECOND)"), "{t}");

    s.window = WindowKind::Session { gap_ms: 1_500 };
    s.time = TimeSpec::Arrival;
    let t = sql(&s);
    assert!(t.contains("SESSION(TABLE source_stream PARTITION BY `k`, DESCRIPTOR(proc_time), INTERVAL '1.5' SECOND)"), "{t}");
    assert!(
        t.contains("proc_time AS PROCTIME()") && !t.contains("WATERMARK"),
        "{t}"
    );
}

fn create(lab: &mut Lab, runtime: &str, props: Value) -> Result<Value, AwsError> {
    lab.call(
        "kinesisanalyticsv2",
        "CreateApplication",
        json!({
            "ApplicationName": "win",
            "RuntimeEnvironment": runtime,
            "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink",
            "ApplicationConfiguration": {"EnvironmentProperties": {"PropertyGroups": [
                {"PropertyGroupId": "mqlab.window", "PropertyMap": props}
            ]}}
        }),
    )
}

#[test]
fn kda_sql_runtime_is_refused() {
    let mut lab = Lab::new();
    let e = create(&mut lab, "SQL-1_0", json!({})).unwrap_err();
    assert_eq!(e.code, "UnsupportedOperationException");
    assert!(e.message.contains("discontinued"), "{}", e.message);
    let e = create(&mut lab, "FLINK-1_20", json!({"source": "in", "window": "HOP", "size_s": "25", "slide_s": "10", "aggregate": "COUNT"})).unwrap_err();
    assert_eq!(e.code, "InvalidArgumentException");
    assert!(e.message.contains("integral multiple"), "{}", e.message);
}

#[test]
fn an_application_goes_ready_starting_running_stopping_ready_and_is_deleted_with_its_create_timestamp(
) {
    let mut lab = Lab::new();
    let detail = create(&mut lab, "FLINK-1_20", json!({"source": "in", "flink.stream.initpos": "TRIM_HORIZON", "window": "TUMBLE", "size_s": "10", "key": "k", "aggregate": "COUNT", "sink": "out"})).unwrap();
    let created = detail["ApplicationDetail"]["CreateTimestamp"].clone();
    let status = |lab: &mut Lab| {
        lab.ok(
            "kinesisanalyticsv2",
            "DescribeApplication",
            json!({"ApplicationName": "win"}),
        )["ApplicationDetail"]["ApplicationStatus"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status(&mut lab), "READY");
    let code = &detail["ApplicationDetail"]["ApplicationConfigurationDescription"]
        ["ApplicationCodeConfigurationDescription"];
    assert_eq!(code["CodeContentType"], "PLAINTEXT");
    assert!(code["CodeContentDescription"]["TextContent"]
        .as_str()
        .unwrap()
        .contains("TUMBLE(TABLE source_stream, DESCRIPTOR(proc_time), INTERVAL '10' SECOND)"));
    lab.put("A", 1.0, 0.0); // before the start: read from TRIM_HORIZON
    lab.ok(
        "kinesisanalyticsv2",
        "StartApplication",
        json!({"ApplicationName": "win"}),
    );
    assert_eq!(status(&mut lab), "STARTING");
    let e = lab
        .call(
            "kinesisanalyticsv2",
            "StartApplication",
            json!({"ApplicationName": "win"}),
        )
        .unwrap_err();
    assert_eq!(e.code, "ResourceInUseException");
    lab.advance_to(T0 + 32_000);
    assert_eq!(status(&mut lab), "RUNNING");
    lab.advance_to(T0 + 45_000);
    assert_eq!(
        lab.fired().len(),
        1,
        "the record read from TRIM_HORIZON fired on arrival time"
    );
    let list = lab.ok("kinesisanalyticsv2", "ListApplications", json!({}));
    assert_eq!(
        list["ApplicationSummaries"][0]["ApplicationStatus"],
        "RUNNING"
    );
    lab.ok(
        "kinesisanalyticsv2",
        "StopApplication",
        json!({"ApplicationName": "win"}),
    );
    assert_eq!(status(&mut lab), "STOPPING");
    lab.advance_to(T0 + 60_000);
    assert_eq!(status(&mut lab), "READY");
    let e = lab
        .call(
            "kinesisanalyticsv2",
            "DeleteApplication",
            json!({"ApplicationName": "win", "CreateTimestamp": 1.0}),
        )
        .unwrap_err();
    assert_eq!(e.code, "InvalidArgumentException");
    lab.ok(
        "kinesisanalyticsv2",
        "DeleteApplication",
        json!({"ApplicationName": "win", "CreateTimestamp": created}),
    );
    assert_eq!(status(&mut lab), "DELETING");
    lab.advance_to(T0 + 70_000);
    let e = lab
        .call(
            "kinesisanalyticsv2",
            "DescribeApplication",
            json!({"ApplicationName": "win"}),
        )
        .unwrap_err();
    assert_eq!(e.code, "ResourceNotFoundException");
}
