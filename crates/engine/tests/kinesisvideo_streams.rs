//! Kinesis Video Streams, minimal (aws-rules §6.3): data retention (0 = only the service's
//! short buffer), a producer's fragments with producer and server timestamps, the real-time
//! consumer (GetMedia) and the archived one (ListFragments, GetMediaForFragmentList), and the
//! control plane's version check — all through `World::call` as `mqlab api` makes them.

use mqlab_engine::{AwsError, EventKind, World, WorldConfig};
use serde_json::{json, Value};

const EPOCH_S: f64 = 1_767_225_600.0;

struct Lab {
    w: World,
    events: Vec<EventKind>,
}

impl Lab {
    /// A stream "cam" with `retention` hours, ACTIVE at 1 s, whose producer sends a 2-second
    /// fragment of 250,000 bytes every 2 s from then on, each reaching the service 100 ms after
    /// its last frame.
    fn new(retention: i64) -> Lab {
        let mut lab = Lab {
            w: World::new(WorldConfig::default()),
            events: Vec::new(),
        };
        lab.ok(
            "CreateStream",
            json!({"StreamName": "cam", "DataRetentionInHours": retention, "MediaType": "video/h264"}),
        );
        assert_eq!(lab.describe()["Status"], "CREATING");
        lab.advance_to(1_000);
        assert_eq!(lab.describe()["Status"], "ACTIVE");
        lab.ok(
            "MqlabStartProducer",
            json!({"StreamName": "cam", "FragmentDurationInSeconds": 2}),
        );
        lab
    }

    fn call(&mut self, op: &str, params: Value) -> Result<Value, AwsError> {
        let id = self.w.call("kinesisvideo", op, &params);
        let c = self
            .w
            .take_completions()
            .into_iter()
            .find(|c| c.call == id)
            .unwrap();
        c.result
    }

    fn ok(&mut self, op: &str, params: Value) -> Value {
        self.call(op, params.clone())
            .unwrap_or_else(|e| panic!("{op} {params}: {e}"))
    }

    fn err(&mut self, op: &str, params: Value) -> AwsError {
        self.call(op, params.clone()).unwrap_err()
    }

    fn advance_to(&mut self, t: u64) {
        self.w.advance_to(t);
        self.events
            .extend(self.w.drain_events().into_iter().map(|e| e.kind));
    }

    fn describe(&mut self) -> Value {
        self.ok("DescribeStream", json!({"StreamName": "cam"}))["StreamInfo"].clone()
    }

    fn get_media(&mut self, selector: Value) -> Value {
        self.ok(
            "GetMedia",
            json!({"StreamName": "cam", "StartSelector": selector}),
        )
    }

    fn list(&mut self, from_s: f64, to_s: f64) -> Vec<Value> {
        self.ok("ListFragments", json!({"StreamName": "cam", "MaxResults": 1000, "FragmentSelector": {"FragmentSelectorType": "SERVER_TIMESTAMP", "TimestampRange": {"StartTimestamp": EPOCH_S + from_s, "EndTimestamp": EPOCH_S + to_s}}}))["Fragments"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// A timestamp member as milliseconds since the simulation's start.
fn ms(f: &Value, member: &str) -> u64 {
    (f[member].as_f64().unwrap() * 1000.0).round() as u64 - (EPOCH_S as u64 * 1000)
}

fn server_s(f: &Value) -> f64 {
    ms(f, "ServerTimestamp") as f64 / 1000.0
}

#[test]
fn retention_0_keeps_only_the_buffer() {
    let mut lab = Lab::new(0);
    lab.advance_to(600_000);
    // 5 minutes of 2-second fragments are still readable in real time…
    let media = lab.get_media(json!({"StartSelectorType": "EARLIEST"}));
    let fragments = media["Fragments"].as_array().unwrap();
    assert_eq!(fragments.len(), 150);
    assert!(
        server_s(&fragments[0]) > 300.0,
        "nothing older than the 5-minute buffer"
    );
    // …but nothing is archived.
    assert_eq!(lab.list(0.0, 600.0), Vec::<Value>::new());
    let n = fragments[0]["FragmentNumber"].clone();
    let e = lab.err(
        "GetMediaForFragmentList",
        json!({"StreamName": "cam", "Fragments": [n]}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[test]
fn retention_24_h_lists_archived_fragments() {
    let mut lab = Lab::new(24);
    lab.advance_to(600_000);
    // Fragments reach the service at 3.1 s, 5.1 s, … (1 s + 2 s + 100 ms, then every 2 s).
    let first_minute = lab.list(0.0, 60.0);
    assert_eq!(first_minute.len(), 29);
    let f = &first_minute[0];
    assert_eq!(server_s(f), 3.1);
    assert_eq!(ms(f, "ProducerTimestamp"), 1_000);
    assert_eq!(f["FragmentLengthInMilliseconds"], 2000);
    assert_eq!(f["FragmentSizeInBytes"], 250_000);
    let numbers = [
        f["FragmentNumber"].clone(),
        first_minute[1]["FragmentNumber"].clone(),
    ];
    let got = lab.ok(
        "GetMediaForFragmentList",
        json!({"StreamName": "cam", "Fragments": numbers}),
    );
    assert_eq!(got["Fragments"][1], first_minute[1]);
    // Paging.
    let page = lab.ok(
        "ListFragments",
        json!({"StreamName": "cam", "MaxResults": 100}),
    );
    assert_eq!(page["Fragments"].as_array().unwrap().len(), 100);
    assert!(page["NextToken"].is_string());
    // Every fragment was an event on the timeline, with both timestamps.
    let timeline: Vec<(u64, u64)> = lab
        .events
        .iter()
        .filter_map(|e| match e {
            EventKind::VideoFragment {
                producer_ts,
                server_ts,
                ..
            } => Some((*producer_ts, *server_ts)),
            _ => None,
        })
        .collect();
    assert_eq!(timeline.len(), 299);
    assert_eq!(timeline[0], (1_000, 3_100));
}

#[test]
fn get_media_from_now_gets_only_new_fragments() {
    let mut lab = Lab::new(1);
    lab.advance_to(20_000);
    let now = lab.get_media(json!({"StartSelectorType": "NOW"}));
    assert_eq!(now["Fragments"], json!([]));
    lab.advance_to(26_000);
    let next = lab.get_media(json!({"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": now["ContinuationToken"]}));
    let got: Vec<f64> = next["Fragments"]
        .as_array()
        .unwrap()
        .iter()
        .map(server_s)
        .collect();
    assert_eq!(got, vec![21.1, 23.1, 25.1]);
    // EARLIEST reads them all, FRAGMENT_NUMBER from the one named.
    let all = lab.get_media(json!({"StartSelectorType": "EARLIEST"}));
    assert_eq!(all["Fragments"].as_array().unwrap().len(), 12);
    let from = lab.get_media(json!({"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": all["Fragments"][10]["FragmentNumber"]}));
    assert_eq!(from["Fragments"].as_array().unwrap().len(), 2);
}

#[test]
fn update_data_retention_version_check() {
    let mut lab = Lab::new(0);
    lab.advance_to(20_000);
    let v1 = lab.describe()["Version"].clone();
    let e = lab.err("UpdateDataRetention", json!({"StreamName": "cam", "CurrentVersion": "stale", "Operation": "INCREASE_DATA_RETENTION", "DataRetentionChangeInHours": 24}));
    assert_eq!(e.code, "VersionMismatchException");
    lab.ok("UpdateDataRetention", json!({"StreamName": "cam", "CurrentVersion": v1, "Operation": "INCREASE_DATA_RETENTION", "DataRetentionChangeInHours": 24}));
    let info = lab.describe();
    assert_eq!(info["DataRetentionInHours"], 24);
    assert_ne!(info["Version"], v1, "an update makes a new version");
    // What arrived while the retention was 0 was never persisted.
    lab.advance_to(30_000);
    let archived: Vec<f64> = lab.list(0.0, 30.0).iter().map(server_s).collect();
    assert_eq!(archived, vec![21.1, 23.1, 25.1, 27.1, 29.1]);
    let e = lab.err("UpdateDataRetention", json!({"StreamName": "cam", "CurrentVersion": v1, "Operation": "DECREASE_DATA_RETENTION", "DataRetentionChangeInHours": 1}));
    assert_eq!(e.code, "VersionMismatchException");
    let e = lab.err("UpdateDataRetention", json!({"StreamName": "cam", "CurrentVersion": info["Version"], "Operation": "DECREASE_DATA_RETENTION", "DataRetentionChangeInHours": 25}));
    assert_eq!(e.code, "InvalidArgumentException");
}

#[test]
fn the_control_plane_creates_lists_finds_endpoints_and_deletes_streams() {
    let mut lab = Lab::new(0);
    assert_eq!(
        lab.err("CreateStream", json!({"StreamName": "cam"})).code,
        "ResourceInUseException"
    );
    assert_eq!(
        lab.err(
            "CreateStream",
            json!({"StreamName": "x", "DataRetentionInHours": 87_601})
        )
        .code,
        "InvalidArgumentException"
    );
    lab.ok(
        "CreateStream",
        json!({"StreamName": "door", "DataRetentionInHours": 87_600}),
    );
    let list = lab.ok("ListStreams", json!({"StreamNameCondition": {"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "d"}}));
    assert_eq!(list["StreamInfoList"].as_array().unwrap().len(), 1);
    let ep = lab.ok(
        "GetDataEndpoint",
        json!({"StreamName": "cam", "APIName": "GET_MEDIA"}),
    );
    assert!(ep["DataEndpoint"]
        .as_str()
        .unwrap()
        .ends_with(".kinesisvideo.us-east-1.amazonaws.com"));
    assert_eq!(
        lab.err(
            "GetDataEndpoint",
            json!({"StreamName": "cam", "APIName": "PLAY"})
        )
        .code,
        "InvalidArgumentException"
    );
    let arn = lab.describe()["StreamARN"].clone();
    lab.ok("DeleteStream", json!({"StreamARN": arn}));
    assert_eq!(lab.describe()["Status"], "DELETING");
    lab.advance_to(3_000);
    assert_eq!(
        lab.err("DescribeStream", json!({"StreamName": "cam"})).code,
        "ResourceNotFoundException"
    );
    assert!(
        lab.w.kinesis_video().producers().next().is_none(),
        "the producer's session ended"
    );
}
