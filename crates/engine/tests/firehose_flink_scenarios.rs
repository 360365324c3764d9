//! Firehose delivery streams and Flink applications declared in a scenario
//! (`delivery_streams`, `flink_applications`, with CreateDeliveryStream's and
//! CreateApplication's members): built with the world (ACTIVE / RUNNING from the start),
//! validated as the calls are with the member at fault in the field, refused by the page
//! (aws-rules §5, §6.2). The scenarios `firehose-near-real-time.json` and `flink-windows.json`
//! show "Firehose is near-real-time, not real-time" and windows closing per key.

use mqlab_engine::{EventKind, Scenario, World};
use serde_json::{json, Value};

const FIREHOSE: &str = include_str!("../../../scenarios/firehose-near-real-time.json");
const FLINK: &str = include_str!("../../../scenarios/flink-windows.json");

fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> Scenario {
    let mut v: Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    Scenario::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(text: &str, edit: impl FnOnce(&mut Value)) -> mqlab_engine::ScenarioError {
    match World::from_scenario(&edited(text, edit)) {
        Ok(_) => panic!("the scenario was accepted"),
        Err(e) => e,
    }
}

/// (minute start s, value) of one metric of one dimension, in time order.
fn metric(w: &World, namespace: &str, name: &str, metric: &str) -> Vec<(u64, f64)> {
    w.metric_datapoints()
        .into_iter()
        .filter(|d| {
            d.namespace == namespace
                && d.metric == metric
                && d.dimensions.first().is_some_and(|(_, v)| v == name)
        })
        .map(|d| (d.timestamp, d.value))
        .collect()
}

#[test]
fn firehose_delivers_in_buffered_objects_about_every_interval_while_the_stream_reader_sees_records_within_a_second(
) {
    let mut w = World::from_scenario(&Scenario::from_json(FIREHOSE).unwrap()).unwrap();
    w.advance_to(5 * 60_000);
    let objects: Vec<(u64, u64)> = w
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::ObjectPut { bucket, size, .. } if bucket == "clicks-lake" => {
                Some((e.t, size))
            }
            _ => None,
        })
        .collect();
    // One object a minute (the interval, 60 s, comes long before 5 MiB), the first a minute
    // after the first record: none in between.
    assert_eq!(objects.len(), 4, "{objects:?}");
    assert!((60_000..=62_000).contains(&objects[0].0), "{objects:?}");
    for pair in objects.windows(2) {
        assert_eq!(pair[1].0 - pair[0].0, 60_000, "{objects:?}");
    }
    // Each holds a minute of clicks: 50 a second of 512 bytes.
    assert!(objects.iter().all(|&(_, size)| size == 60 * 50 * 512));
    let d = w.firehose().stream("clicks-to-lake").unwrap();
    assert_eq!(d.totals.objects, 4);
    assert_eq!(d.totals.object_bytes, 4 * 60 * 50 * 512);
    assert_eq!(d.totals.first_object_at, Some(objects[0].0));
    assert_eq!(d.totals.last_object_at, Some(objects[3].0));
    // DeliveryToS3.DataFreshness: the oldest record delivered is about a minute old.
    let fresh = metric(
        &w,
        "AWS/Firehose",
        "clicks-to-lake",
        "DeliveryToS3.DataFreshness",
    );
    assert!(fresh.len() >= 3, "{fresh:?}");
    assert!(
        fresh.iter().all(|&(_, v)| (59.0..=61.0).contains(&v)),
        "{fresh:?}"
    );
    // The reader of the same stream sees every record within a second.
    let age = metric(
        &w,
        "live-dashboard",
        "clicks",
        "GetRecords.IteratorAgeMilliseconds",
    );
    assert!(age.len() >= 4, "{age:?}");
    assert!(age.iter().all(|&(_, v)| v < 1_000.0), "{age:?}");
    // Firehose's 1 read a second and the reader's 4 fit the shard's 5: nothing throttled.
    assert_eq!(d.totals.throttled_get_records, 0);
}

#[test]
fn a_scenario_delivery_stream_is_active_from_the_start_and_reads_from_then() {
    let w = World::from_scenario(&Scenario::from_json(FIREHOSE).unwrap()).unwrap();
    let d = w.firehose().stream("clicks-to-lake").unwrap();
    assert_eq!(d.status.as_str(), "ACTIVE");
    let mut w = w;
    w.advance_to(10_000);
    let d = w.firehose().stream("clicks-to-lake").unwrap();
    // 10 s of clicks, read each second (the records of the last second may still wait).
    assert!(d.totals.read_records >= 450, "{}", d.totals.read_records);
    assert_eq!(d.buffered_records() as u64, d.totals.read_records);
}

#[test]
fn a_direct_put_delivery_stream_with_a_lambda_transformation_is_built() {
    let s = edited(FIREHOSE, |v| {
        v["functions"] = json!([{
            "FunctionName": "enrich", "Runtime": "python3.12", "Handler": "app.handler",
            "Role": "arn:aws:iam::123456789012:role/enrich",
            "Environment": {"Variables": {"MQLAB_DURATION_MS": "300"}}
        }]);
        v["delivery_streams"].as_array_mut().unwrap().push(json!({
            "DeliveryStreamName": "direct",
            "ExtendedS3DestinationConfiguration": {
                "RoleARN": "arn:aws:iam::123456789012:role/firehose",
                "BucketARN": "arn:aws:s3:::clicks-lake",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
                "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "Lambda",
                    "Parameters": [{"ParameterName": "LambdaArn",
                        "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:enrich"}]}]}
            }
        }));
        v["delivery_streams"][0]["ExtendedS3DestinationConfiguration"]["ProcessingConfiguration"] =
            v["delivery_streams"][1]["ExtendedS3DestinationConfiguration"]
                ["ProcessingConfiguration"]
                .clone();
    });
    let mut w = World::from_scenario(&s).unwrap();
    let direct = w.firehose().stream("direct").unwrap();
    assert_eq!(direct.status.as_str(), "ACTIVE");
    assert!(direct.source.is_none(), "DirectPut is the default type");
    w.advance_to(3 * 60_000);
    let d = w.firehose().stream("clicks-to-lake").unwrap();
    assert!(d.totals.transform_invocations > 0);
    assert_eq!(d.totals.delivered_to_s3, 2 * 60 * 50);
    let ok = metric(
        &w,
        "AWS/Firehose",
        "clicks-to-lake",
        "SucceedProcessing.Records",
    );
    assert!(ok.iter().map(|&(_, v)| v).sum::<f64>() >= 3000.0, "{ok:?}");
    assert!(w.lambda().function("enrich").unwrap().totals.invocations > 0);
}

#[test]
fn delivery_stream_members_are_checked_as_create_delivery_stream_does_naming_the_member() {
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["ExtendedS3DestinationConfiguration"]["BufferingHints"]
            ["IntervalInSeconds"] = json!(1000)
    });
    assert_eq!(
        e.field,
        "delivery_streams[0].ExtendedS3DestinationConfiguration.BufferingHints.IntervalInSeconds"
    );
    assert_eq!(
        e.message,
        "must be an integer between 0 and 900. (InvalidArgumentException)"
    );
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["ExtendedS3DestinationConfiguration"]["BufferingHints"]
            .as_object_mut()
            .unwrap()
            .remove("SizeInMBs");
    });
    assert_eq!(
        e.field,
        "delivery_streams[0].ExtendedS3DestinationConfiguration.BufferingHints"
    );
    assert!(e.message.contains("you must specify both"), "{}", e.message);
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["DeliveryStreamType"] = json!("MSKAsSource")
    });
    assert_eq!(e.field, "delivery_streams[0].DeliveryStreamType");
    assert!(
        e.message.contains("mqlab simulates DirectPut"),
        "{}",
        e.message
    );
    // AWS's own error where the message names no member of the request.
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["DeliveryStreamName"] = json!("a b")
    });
    assert_eq!(e.field, "delivery_streams[0]");
    assert!(
        e.message
            .starts_with("ValidationException: 1 validation error"),
        "{}",
        e.message
    );
    let e = refused(FIREHOSE, |v| {
        let again = v["delivery_streams"][0].clone();
        v["delivery_streams"].as_array_mut().unwrap().push(again);
    });
    assert_eq!(e.field, "delivery_streams[1]");
    assert!(
        e.message.contains("ResourceInUseException"),
        "{}",
        e.message
    );
}

#[test]
fn a_delivery_stream_reads_and_writes_only_the_scenarios_streams_buckets_and_functions() {
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["KinesisStreamSourceConfiguration"]["KinesisStreamARN"] =
            json!("arn:aws:kinesis:us-east-1:123456789012:stream/nope")
    });
    assert_eq!(e.field, "delivery_streams[0]");
    assert!(e.message.contains("does not exist"), "{}", e.message);
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["ExtendedS3DestinationConfiguration"]["BucketARN"] =
            json!("arn:aws:s3:::nope")
    });
    assert_eq!(
        e.field,
        "delivery_streams[0].ExtendedS3DestinationConfiguration.BucketARN"
    );
    assert_eq!(e.message, "no bucket named \"nope\"");
    let e = refused(FIREHOSE, |v| {
        v["delivery_streams"][0]["ExtendedS3DestinationConfiguration"]["ProcessingConfiguration"] = json!(
            {"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [{"ParameterName": "LambdaArn",
             "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:missing"}]}]})
    });
    assert_eq!(e.field, "delivery_streams[0]");
    assert!(e.message.contains("names no function"), "{}", e.message);
    let e = Scenario::from_json(&{
        let mut v: Value = serde_json::from_str(FIREHOSE).unwrap();
        v["delivery_streams"][0] = json!("clicks-to-lake");
        v.to_string()
    })
    .expect_err("not an object");
    assert_eq!(e.field, "delivery_streams[0]");
}

#[test]
fn flink_windows_close_per_key_every_window_size_and_their_results_reach_the_sink_stream() {
    let mut w = World::from_scenario(&Scenario::from_json(FLINK).unwrap()).unwrap();
    let a = w.flink().application("clicks-per-producer").unwrap();
    assert_eq!(a.status.as_str(), "RUNNING", "running from the start");
    w.advance_to(60_500);
    let closed: Vec<(u64, String, u64)> = w
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::WindowClosed {
                key, count, end, ..
            } => Some((end, key, count)),
            _ => None,
        })
        .collect();
    // Six 10-second windows per producer, each closed as the clock passes its end.
    assert_eq!(closed.len(), 12, "{closed:?}");
    for (k, (end, key, count)) in closed.iter().enumerate() {
        assert_eq!(*end, (k as u64 / 2 + 1) * 10_000);
        let expected = if key == "web" { 200 } else { 50 };
        assert!(count.abs_diff(expected) <= expected / 20, "{closed:?}");
    }
    let a = w.flink().application("clicks-per-producer").unwrap();
    assert_eq!(a.totals.windows_fired, 12);
    assert_eq!(a.totals.sink_records, 12);
    let sink = w
        .kinesis()
        .streams()
        .find(|s| s.name == "click-counts")
        .unwrap();
    let records: u64 = sink.shards.iter().map(|s| s.totals.records_in).sum();
    assert_eq!(records, 12);
}

/// The `mqlab.window` property map of the first application.
fn window(v: &mut Value) -> &mut Value {
    &mut v["flink_applications"][0]["ApplicationConfiguration"]["EnvironmentProperties"]
        ["PropertyGroups"][0]["PropertyMap"]
}

#[test]
fn flink_application_members_are_checked_as_create_application_does() {
    let e = refused(FLINK, |v| {
        v["flink_applications"][0]["RuntimeEnvironment"] = json!("SQL-1_0")
    });
    assert_eq!(e.field, "flink_applications[0]");
    assert!(
        e.message.contains("UnsupportedOperationException"),
        "{}",
        e.message
    );
    let e = refused(FLINK, |v| window(v)["window"] = json!("CUMULATE"));
    assert_eq!(e.field, "flink_applications[0]");
    assert!(e.message.contains("window must be TUMBLE"), "{}", e.message);
    let e = refused(FLINK, |v| window(v)["sink"] = json!("nope"));
    assert_eq!(
        e.field,
        "flink_applications[0].ApplicationConfiguration.EnvironmentProperties.PropertyGroups"
    );
    assert!(e.message.contains("sink \"nope\""), "{}", e.message);
    let e = refused(FLINK, |v| {
        v["flink_applications"][0]
            .as_object_mut()
            .unwrap()
            .remove("ApplicationConfiguration");
    });
    assert!(e.message.contains("mqlab.window"), "{}", e.message);
}

#[test]
fn the_page_refuses_delivery_streams_and_flink_applications() {
    for (text, field) in [
        (FIREHOSE, "delivery_streams"),
        (FLINK, "flink_applications"),
    ] {
        let s = Scenario::from_json(text).unwrap();
        assert_eq!(s.needs_full_page(), Some(field));
        let e = World::from_scenario_for_page(&s).expect_err("the page does not link it");
        assert_eq!(e.field, field);
    }
}

/// The flink-windows scenario on event time: web's clicks carry their time as they happen,
/// a phone's (sending from 20 s) 20 s after they happened; 10 s tumbling windows counted
/// over every click, the watermark 5 s behind the newest event, and `lateness_s` allowed.
fn late_phone(lateness_s: u64) -> World {
    World::from_scenario(&edited(FLINK, |v| {
        v["producers"] = json!([
            {"name": "web", "stream": "clicks", "rate_per_s": 20, "body_bytes": 128,
             "event_time_field": "event_time"},
            {"name": "phone", "stream": "clicks", "rate_per_s": 1, "body_bytes": 128,
             "event_time_field": "event_time", "event_time_lag_s": 20, "start_s": 20}
        ]);
        let w = window(v).as_object_mut().unwrap();
        w.remove("key");
        w.remove("sink");
        w.insert("time_field".into(), json!("event_time"));
        w.insert("watermark_delay_s".into(), json!("5"));
        w.insert("allowed_lateness_s".into(), json!(lateness_s.to_string()));
    }))
    .unwrap()
}

#[test]
fn a_producers_event_time_field_carries_when_its_event_happened_less_its_lag() {
    let mut w = late_phone(0);
    w.advance_to(25_000);
    let records: Vec<Value> = w
        .kinesis()
        .streams()
        .find(|s| s.name == "clicks")
        .unwrap()
        .shards[0]
        .records
        .iter()
        .map(|r| serde_json::from_slice(&r.data.as_bytes()).unwrap())
        .collect();
    let start_ms = mqlab_engine::time::epoch_ms(0);
    let phone: Vec<&Value> = records
        .iter()
        .filter(|r| r["producer"] == "phone")
        .collect();
    assert_eq!(
        phone[0]["event_time"],
        json!(start_ms),
        "sent at 20 s, happened at 0 s"
    );
    let web = records
        .iter()
        .find(|r| r["producer"] == "web" && r["n"] == 21)
        .unwrap();
    assert_eq!(
        web["event_time"],
        json!(start_ms + 1_000),
        "the 21st of 20 a second"
    );
}

#[test]
fn records_later_than_the_allowed_lateness_are_dropped_and_within_it_fire_their_window_again() {
    let mut strict = late_phone(0);
    strict.advance_to(60_000);
    let a = strict.flink().application("clicks-per-producer").unwrap();
    assert_eq!(
        a.totals.late_dropped, 41,
        "every phone record (20 s to 60 s), 20 s behind"
    );
    assert_eq!(a.totals.late_accepted, 0);

    let mut lenient = late_phone(30);
    lenient.advance_to(60_000);
    let a = lenient.flink().application("clicks-per-producer").unwrap();
    assert_eq!((a.totals.late_dropped, a.totals.late_accepted), (0, 41));
    let first_window: Vec<(u64, bool)> = lenient
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::WindowClosed {
                start: 0,
                count,
                late_firing,
                ..
            } => Some((count, late_firing)),
            _ => None,
        })
        .collect();
    assert_eq!(first_window.len(), 11, "{first_window:?}");
    assert!(!first_window[0].1 && first_window[1..].iter().all(|f| f.1));
    assert_eq!(first_window[10].0, first_window[0].0 + 10);
}

#[test]
fn event_time_members_of_a_producer_are_checked_naming_the_member() {
    for (edit, field) in [
        (json!({"event_time_field": "a b"}), "event_time_field"),
        (json!({"event_time_field": "n"}), "event_time_field"),
        (json!({"event_time_lag_s": 5}), "event_time_lag_s"),
        (
            json!({"event_time_field": "t", "event_time_lag_s": -1}),
            "event_time_lag_s",
        ),
    ] {
        let mut v: Value = serde_json::from_str(FLINK).unwrap();
        for (k, x) in edit.as_object().unwrap() {
            v["producers"][0][k] = x.clone();
        }
        let e = Scenario::from_json(&v.to_string()).expect_err("refused");
        assert_eq!(e.field, "producers[0]");
        assert!(
            format!("{}: {}", e.field, e.message).contains(field),
            "{edit}: {e}"
        );
    }
}
