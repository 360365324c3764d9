//! The numbers the lessons of chapter 13 ("firehose-analytics-video": firehose-buffer-size,
//! firehose-transform-fail, flink-windows, flink-late-data, video-retention) write in their
//! texts, checked against the runs their steps set up. Their runs need the full page
//! (Firehose, Lambda, Flink, Kinesis Video Streams): `cargo test -p mqlab-appcore --features
//! full --test course_beyond`; without the feature this file has no tests (`course.rs` checks
//! that the first download hands the lessons over).
#![cfg(feature = "full")]

mod lessons_common;
use lessons_common::{at_step, lesson};

use mqlab_appcore::course::Lesson;
use mqlab_engine::firehose::DeliveryStream;
use mqlab_engine::{EventKind, Scenario, World};

/// The world step `k` sets up, at its start, as the engine builds it (its events kept).
fn world(l: &Lesson, k: usize) -> World {
    let v = l.steps[k]
        .setup
        .as_ref()
        .unwrap()
        .scenario
        .as_ref()
        .unwrap();
    let s = Scenario::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    World::from_scenario(&s).unwrap_or_else(|e| panic!("{e}"))
}

/// The text of step `k` in English: what the test checks the run against.
fn text(l: &Lesson, k: usize) -> &str {
    &l.steps[k].text.en
}

fn says(l: &Lesson, k: usize, words: &[&str]) {
    for w in words {
        assert!(
            text(l, k).contains(w),
            "{} step {k} does not say {w:?}",
            l.id
        );
    }
}

fn stream<'a>(w: &'a World, name: &str) -> &'a DeliveryStream {
    w.firehose().stream(name).unwrap()
}

/// The values of one metric of one delivery stream, minute by minute.
fn metric(w: &World, name: &str, metric: &str) -> Vec<f64> {
    w.metric_datapoints()
        .into_iter()
        .filter(|d| {
            d.namespace == "AWS/Firehose"
                && d.metric == metric
                && d.dimensions.first().is_some_and(|(_, v)| v == name)
        })
        .map(|d| d.value)
        .collect()
}

/// Sizes of the objects under `prefix` in clicks-lake, in key order.
fn objects(w: &World, prefix: &str) -> Vec<u64> {
    let b = w.s3().bucket("clicks-lake").unwrap();
    b.objects
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(_, o)| o.size)
        .collect()
}

#[test]
fn the_size_trips_first_on_the_busy_stream_and_the_interval_on_the_quiet_one() {
    let l = lesson("firehose-buffer-size");
    let at30 = at_step(&l, 0);
    says(
        &l,
        0,
        &[
            "250 a second",
            "10 a second",
            "SizeInMBs 1",
            "IntervalInSeconds 60",
            "3 objects",
        ],
    );
    assert_eq!(stream(at30.world(), "busy-to-lake").totals.objects, 3);
    assert_eq!(stream(at30.world(), "quiet-to-lake").totals.objects, 0);
    assert!(stream(at30.world(), "quiet-to-lake").buffered_records() > 0);

    let lab = at_step(&l, 1);
    let w = lab.world();
    says(
        &l,
        1,
        &[
            "128,000 bytes",
            "9th read",
            "every 9 s",
            "2,250 clicks (1,152,000 bytes)",
            "reads 8 s",
            "5,120 bytes",
            "205 s",
            "1:01 and 2:01",
            "600 clicks (307,200 bytes)",
            "60 s",
            "14 objects against 2",
        ],
    );
    assert_eq!(250 * 512, 128_000);
    assert_eq!(10 * 512, 5_120);
    assert_eq!((1_048_576f64 / 5_120.0).round(), 205.0);
    let busy = stream(w, "busy-to-lake");
    assert_eq!(busy.totals.objects, 14);
    assert_eq!(busy.totals.first_object_at, Some(9_000));
    assert_eq!(busy.totals.last_object_at, Some(126_000));
    assert!(objects(w, "busy/").iter().all(|&b| b == 1_152_000));
    assert_eq!(1_152_000 / 512, 2_250);
    // 9 reads of 128,000 bytes: the 9th takes the buffer past 1 MiB, the 8th did not.
    let object = objects(w, "busy/")[0];
    assert_eq!(object / 128_000, 9);
    assert!(object >= 1_048_576 && object - 128_000 < 1_048_576);
    assert_eq!(
        metric(w, "busy-to-lake", "DeliveryToS3.DataFreshness"),
        [8.0, 8.0]
    );
    let quiet = stream(w, "quiet-to-lake");
    assert_eq!(quiet.totals.objects, 2);
    assert_eq!(
        (quiet.totals.first_object_at, quiet.totals.last_object_at),
        (Some(61_000), Some(121_000))
    );
    assert_eq!(objects(w, "quiet/"), [307_200, 307_200]);
    assert_eq!(
        metric(w, "quiet-to-lake", "DeliveryToS3.DataFreshness"),
        [60.0]
    );

    let lab = at_step(&l, 2);
    let w = lab.world();
    says(
        &l,
        2,
        &[
            "IntervalInSeconds 10",
            "every 10 s",
            "100 clicks (51,200 bytes)",
            "DataFreshness 10 s",
        ],
    );
    let quiet = stream(w, "quiet-to-lake");
    let sizes = objects(w, "quiet/");
    assert_eq!(sizes.len() as u64, quiet.totals.objects);
    assert!(sizes.iter().all(|&b| b == 51_200), "{sizes:?}");
    assert_eq!(quiet.totals.objects, 12, "every 10 s from 0:11 to 2:01");
    assert!(metric(w, "quiet-to-lake", "DeliveryToS3.DataFreshness")
        .iter()
        .all(|&f| f == 10.0));
    assert_eq!(stream(w, "busy-to-lake").totals.objects, 14, "unchanged");
}

#[test]
fn records_the_function_fails_go_to_processing_failed_and_a_timing_out_function_fails_them_all() {
    let l = lesson("firehose-transform-fail");
    says(
        &l,
        0,
        &["50 clicks a second", "5 MiB or 60 s", "Every 10th click"],
    );
    let lab = at_step(&l, 0);
    let s = stream(lab.world(), "clicks-to-lake");
    assert_eq!(s.totals.objects, 0);
    assert!(s.buffered_records() > 0);

    says(
        &l,
        1,
        &[
            "At 1:01",
            "3,000 clicks",
            "2 invocations",
            "0.4 s later",
            "2,700 clicks",
            "other 300",
            "SucceedProcessing.Records 2,700",
            "FailedProcessing.Records 300",
            "DeliveryToS3.Records 2,700",
            "By 3:05: 8,100 clicks delivered, 900 in processing-failed/",
        ],
    );
    let mut w = world(&l, 0);
    w.advance_to(61_399);
    assert_eq!(stream(&w, "clicks-to-lake").totals.transform_invocations, 2);
    assert_eq!(stream(&w, "clicks-to-lake").totals.objects, 0);
    w.advance_to(61_400);
    let t = &stream(&w, "clicks-to-lake").totals;
    assert_eq!(
        (t.objects, t.delivered_to_s3, t.error_output),
        (2, 2_700, 300)
    );
    assert_eq!(objects(&w, "clicks/").len(), 1);
    let failed: Vec<String> = w
        .s3()
        .bucket("clicks-lake")
        .unwrap()
        .objects
        .iter()
        .filter(|(k, _)| k.starts_with("processing-failed/"))
        .map(|(_, o)| String::from_utf8(o.body.clone().unwrap_or_default()).unwrap())
        .collect();
    assert_eq!(failed.len(), 1);
    let lines: Vec<serde_json::Value> = failed[0]
        .lines()
        .map(|x| serde_json::from_str(x).unwrap())
        .collect();
    assert_eq!(lines.len(), 300);
    for k in ["errorCode", "errorMessage", "attemptsMade", "rawData"] {
        assert!(lines[0].get(k).is_some(), "{k}");
    }
    let lab = at_step(&l, 1);
    let w = lab.world();
    let t = &stream(w, "clicks-to-lake").totals;
    assert_eq!((t.delivered_to_s3, t.error_output), (8_100, 900));
    assert_eq!(
        metric(w, "clicks-to-lake", "SucceedProcessing.Records")[..2],
        [2_700.0, 2_700.0]
    );
    assert_eq!(
        metric(w, "clicks-to-lake", "FailedProcessing.Records")[..2],
        [300.0, 300.0]
    );
    assert_eq!(
        metric(w, "clicks-to-lake", "DeliveryToS3.Records")[..2],
        [2_700.0, 2_700.0]
    );
    let f = w.lambda().function("enrich-clicks").unwrap();
    assert_eq!((f.totals.invocations, f.totals.errors), (6, 0));

    says(
        &l,
        2,
        &[
            "Timeout of 1 s but needs 3 s",
            "4 attempts, 8 invocations per buffer",
            "at 1:05 all 3,000 clicks",
            "FailedProcessing.Records reads 3,000 for that minute",
        ],
    );
    let mut w = world(&l, 2);
    w.advance_to(64_999);
    assert_eq!(stream(&w, "clicks-to-lake").totals.objects, 0);
    w.advance_to(65_000);
    let t = &stream(&w, "clicks-to-lake").totals;
    assert_eq!(
        (
            t.objects,
            t.delivered_to_s3,
            t.error_output,
            t.transform_invocations
        ),
        (1, 0, 3_000, 8)
    );
    assert!(objects(&w, "clicks/").is_empty());
    let lab = at_step(&l, 2);
    assert_eq!(
        metric(lab.world(), "clicks-to-lake", "FailedProcessing.Records"),
        [3_000.0]
    );
}

/// (time, app, key, start, end, count) of every WindowClosed up to `t` ms.
fn closed(w: &mut World, t: u64) -> Vec<(u64, String, String, u64, u64, u64, bool)> {
    w.advance_to(t);
    w.drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::WindowClosed {
                app,
                key,
                start,
                end,
                count,
                late_firing,
                ..
            } => Some((e.t, app, key, start, end, count, late_firing)),
            _ => None,
        })
        .collect()
}

#[test]
fn tumbling_hopping_and_session_windows_emit_what_the_lesson_counts() {
    let l = lesson("flink-windows");
    says(
        &l,
        0,
        &[
            "October 15, 2025",
            "January 27, 2026",
            "Managed Service for Apache Flink",
            "20 times a second",
            "2 s, 5 s and 8 s, then at 31 s and 33 s",
        ],
    );
    let mut w = world(&l, 0);
    let all = closed(&mut w, 60_500);
    let of = |app: &str| -> Vec<_> { all.iter().filter(|c| c.1 == app).cloned().collect() };
    let sql = |app: &str| {
        mqlab_engine::flink::sql(w.flink().application(app).unwrap().spec.as_ref().unwrap())
    };

    let tumbling = of("tumbling-10s");
    says(
        &l,
        1,
        &["30 for 0–10 s and 20 for 30–40 s", "8 results by 1:00"],
    );
    assert!(sql("tumbling-10s")
        .contains("TUMBLE(TABLE source_stream, DESCRIPTOR(proc_time), INTERVAL '10' SECOND)"));
    assert_eq!(tumbling.len(), 8);
    let mobile: Vec<(u64, u64, u64)> = tumbling
        .iter()
        .filter(|c| c.2 == "mobile")
        .map(|c| (c.3, c.4, c.5))
        .collect();
    assert_eq!(mobile, [(0, 10_000, 30), (30_000, 40_000, 20)]);
    for c in tumbling.iter().filter(|c| c.2 == "web") {
        assert!(c.5.abs_diff(200) <= 10, "{c:?}");
        assert_eq!(c.0, c.4, "a result as the clock passes the window's end");
    }

    let hopping = of("hopping-10s-every-5s");
    says(
        &l,
        2,
        &["15 results by 1:00 (web 11, mobile 4)", "about 200"],
    );
    assert!(sql("hopping-10s-every-5s").contains("HOP(TABLE source_stream, DESCRIPTOR(proc_time), INTERVAL '5' SECOND, INTERVAL '10' SECOND)"));
    assert_eq!(hopping.len(), 15);
    assert_eq!(hopping.iter().filter(|c| c.2 == "web").count(), 11);
    assert!(hopping
        .iter()
        .filter(|c| c.2 == "web")
        .all(|c| c.5.abs_diff(200) <= 10));

    let session = of("session-gap-5s");
    says(
        &l,
        3,
        &[
            "30 clicks from 2 s, closed at 13 s",
            "20 from 31 s, closed at 38 s",
            "over 1,200 clicks",
            "2 results by 1:00",
        ],
    );
    assert!(sql("session-gap-5s").contains("SESSION(TABLE source_stream PARTITION BY `producer`, DESCRIPTOR(proc_time), INTERVAL '5' SECOND)"));
    let s: Vec<(u64, String, u64, u64)> = session
        .iter()
        .map(|c| (c.0, c.2.clone(), c.3, c.5))
        .collect();
    assert_eq!(
        s,
        [
            (13_000, "mobile".into(), 2_000, 30),
            (38_000, "mobile".into(), 31_000, 20)
        ]
    );
    let open = w
        .flink()
        .application("session-gap-5s")
        .unwrap()
        .open_windows();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].0, "web");
    assert!(open[0].3 > 1_200, "{open:?}");
}

#[test]
fn live_consumers_get_every_fragment_and_the_archive_of_retention_0_is_empty() {
    let l = lesson("video-retention");
    says(
        &l,
        0,
        &["2-second fragment of 250,000 bytes", "same 29 fragments"],
    );
    let lab = at_step(&l, 0);
    let v = lab.world().kinesis_video();
    for (name, stream) in [("monitor-0h", "door-0h"), ("monitor-24h", "door-24h")] {
        let c = v
            .consumers()
            .find(|c| c.name == name && c.stream == stream)
            .unwrap();
        assert_eq!(c.totals.fragments, 29, "{name}");
    }
    says(
        &l,
        1,
        &[
            "29 fragments (7,250,000 bytes): 2 requests",
            "1 request",
            "persisted 150 fragments by now, door-0h 0",
        ],
    );
    let lab = at_step(&l, 1);
    let v = lab.world().kinesis_video();
    let reviewer = |s: &str| {
        v.consumers()
            .find(|c| c.name == "reviewer" && c.stream == s)
            .unwrap()
    };
    let r24 = &reviewer("door-24h").totals;
    assert_eq!(
        (r24.listed, r24.fragments, r24.bytes, r24.requests),
        (29, 29, 7_250_000, 2)
    );
    let r0 = &reviewer("door-0h").totals;
    assert_eq!((r0.listed, r0.fragments, r0.requests), (0, 0, 1));
    assert_eq!(v.stream("door-24h").unwrap().totals.persisted, 150);
    assert_eq!(v.stream("door-0h").unwrap().totals.persisted, 0);
    says(&l, 2, &["87,600 (10 years)"]);
    assert_eq!(mqlab_engine::kinesisvideo::RETENTION_MAX_HOURS, 87_600);
}

/// (time, start, count, late firing) of the application's results up to 1:00.
fn late_results(l: &Lesson, k: usize) -> Vec<(u64, u64, u64, bool)> {
    let mut w = world(l, k);
    closed(&mut w, 60_000)
        .into_iter()
        .map(|c| (c.0, c.3, c.5, c.6))
        .collect()
}

fn late_totals(l: &Lesson, k: usize) -> mqlab_engine::flink::AppTotals {
    let lab = at_step(l, k);
    lab.world()
        .flink()
        .application("clicks-per-10s")
        .unwrap()
        .totals
        .clone()
}

#[test]
fn late_records_are_dropped_then_refire_their_window_with_lateness_or_count_at_once_with_a_slower_watermark(
) {
    let l = lesson("flink-late-data");
    says(
        &l,
        0,
        &[
            "20 a second",
            "from 0:20, uploads one a second, each 20 s after",
            "newest event time minus 5 s",
            "WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND",
            "fires at 0:15.2 with 199 clicks",
            "By 1:00: 5 results, none with phone's clicks, 41 late records dropped",
        ],
    );
    let r = late_results(&l, 0);
    assert_eq!(r.len(), 5);
    assert_eq!(r[0], (15_200, 0, 199, false));
    assert!(r.iter().all(|&(_, _, c, late)| c <= 200 && !late), "{r:?}");
    let t = late_totals(&l, 0);
    assert_eq!(
        (t.late_dropped, t.late_accepted, t.windows_fired),
        (41, 0, 5)
    );

    says(
        &l,
        1,
        &[
            "allowed lateness of 30 s",
            "still fires at 0:15.2 with 199 clicks",
            "10 clicks from 0:20 to 0:29, ending at 209",
            "41 late records accepted",
            "46 of them by 1:00 instead of 5",
        ],
    );
    let r = late_results(&l, 1);
    assert_eq!(r.len(), 46);
    let first: Vec<(u64, u64, bool)> = r
        .iter()
        .filter(|x| x.1 == 0)
        .map(|x| (x.0, x.2, x.3))
        .collect();
    assert_eq!(first.len(), 11);
    assert_eq!(first[0], (15_200, 199, false));
    assert_eq!(first[1], (20_000, 200, true));
    assert_eq!(first[10], (29_000, 209, true));
    let t = late_totals(&l, 1);
    assert_eq!(
        (t.late_dropped, t.late_accepted, t.windows_fired),
        (0, 41, 46)
    );
    let lab = at_step(&l, 1);
    let sql = mqlab_engine::flink::sql(
        lab.world()
            .flink()
            .application("clicks-per-10s")
            .unwrap()
            .spec
            .as_ref()
            .unwrap(),
    );
    assert!(sql.contains("-- Allowed lateness '30' SECOND"), "{sql}");
    assert!(
        sql.contains("WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND"),
        "{sql}"
    );

    says(
        &l,
        2,
        &[
            "25 s behind the newest event",
            "0–10 s at 0:35.2 with 209 clicks, 10–20 s at 0:45.2 with 210",
            "20 s later than with 5 s",
            "only 3 results by 1:00",
        ],
    );
    let r = late_results(&l, 2);
    assert_eq!(
        r,
        [
            (35_200, 0, 209, false),
            (45_200, 10_000, 210, false),
            (55_200, 20_000, 210, false)
        ]
    );
    let t = late_totals(&l, 2);
    assert_eq!((t.late_dropped, t.late_accepted), (0, 0));
}
