//! `mqlab run`, `mqlab hash`, help and bad command lines, through the binary.

mod common;

use common::{mqlab, temp_path, text, write_temp, SMOKE_SCENARIO};
use serde_json::Value;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[test]
fn run_writes_events_as_json_lines_and_metrics_as_csv() {
    let scenario = write_temp("smoke.json", SMOKE_SCENARIO);
    let events = temp_path("events.jsonl");
    let metrics = temp_path("metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "10m",
            "--events",
            events.to_str().unwrap(),
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(out.stdout.is_empty(), "events went to the file");

    let events_text = std::fs::read_to_string(&events).unwrap();
    let events: Vec<Value> = events_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        events.len() > 1000,
        "5 msg/s for 10 min: {} events",
        events.len()
    );
    let mut last_t = 0;
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e["id"].as_u64(),
            Some(i as u64),
            "ids count from 0 without gaps"
        );
        let t = e["t"].as_u64().unwrap();
        assert!(
            t >= last_t && t <= 600_000,
            "time goes forward within the run"
        );
        last_t = t;
        assert!(e["type"].is_string());
    }
    for kind in [
        "QueueCreated",
        "MessageSent",
        "MessageReceived",
        "MessageDeleted",
    ] {
        assert!(events.iter().any(|e| e["type"] == kind), "no {kind} event");
    }

    let csv = std::fs::read_to_string(&metrics).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("timestamp,namespace,name,metric,value"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty());
    let mut last_ts = 0;
    for r in &rows {
        assert_eq!(r.len(), 5, "{r:?}");
        let ts: u64 = r[0].parse().unwrap();
        assert_eq!(ts % 60, 0, "minute starts");
        assert!(ts >= last_ts, "rows in time order");
        last_ts = ts;
        assert_eq!(r[1], "AWS/SQS");
        assert_eq!(r[2], "orders");
        r[4].parse::<f64>().unwrap();
    }
    let minutes: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
    assert!(
        minutes.len() >= 9,
        "about ten closed minutes: {}",
        minutes.len()
    );
    let sent: f64 = rows
        .iter()
        .filter(|r| r[3] == "NumberOfMessagesSent")
        .map(|r| r[4].parse::<f64>().unwrap())
        .sum();
    assert!(sent > 2000.0, "5 msg/s for 10 minutes, got {sent}");

    assert!(stderr.contains("orders"), "{stderr}");
    assert!(stderr.contains("cost: $"), "{stderr}");
}

#[test]
fn run_writes_events_to_standard_output_by_default_and_metrics_as_json() {
    let scenario = write_temp("smoke.json", SMOKE_SCENARIO);
    let metrics = temp_path("metrics.json");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "2m",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.lines().count() > 100);
    for l in stdout.lines() {
        serde_json::from_str::<Value>(l).unwrap();
    }
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&metrics).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert!(r["timestamp"].is_u64() && r["name"].is_string() && r["metric"].is_string());
        assert_eq!(r["namespace"], "AWS/SQS");
        assert!(r["value"].is_number());
    }
}

#[test]
fn hash_is_the_fingerprint_of_the_events_run_writes() {
    let scenario = write_temp("smoke.json", SMOKE_SCENARIO);
    let path = scenario.to_str().unwrap();
    let a = mqlab(&["hash", path, "--for", "3m"], "");
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    let a = text(&a.stdout);
    let hash: u64 = a.trim_end().parse().expect("a decimal u64");
    assert_eq!(a, format!("{hash}\n"), "the number alone on stdout");

    let b = mqlab(&["hash", path, "--for", "180s"], "");
    assert_eq!(text(&b.stdout), a, "same scenario, same seed, same hash");

    let run = mqlab(&["run", path, "--for", "3m"], "");
    assert_eq!(
        fnv1a(&run.stdout),
        hash,
        "hash = FNV-1a of the JSON lines `run` writes"
    );

    let other = mqlab(&["hash", path, "--for", "3m", "--seed", "8"], "");
    assert_ne!(text(&other.stdout), a, "another seed, another run");
}

#[test]
fn a_bad_scenario_is_named_and_exits_2() {
    let scenario = write_temp("bad.json", r#"{"queues": [{"QueueName": 5}]}"#);
    let out = mqlab(&["run", scenario.to_str().unwrap(), "--for", "1m"], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!("{}: ", scenario.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = mqlab(&["hash", "/nonexistent.json", "--for", "1m"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_and_bad_command_lines() {
    for args in [
        &["--help"][..],
        &["help"],
        &[],
        &["help", "api"],
        &["run", "--help"],
    ] {
        let out = mqlab(args, "");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
    let cases: &[(&[&str], &str)] = &[
        (&["frob"], "unknown command"),
        (&["--frob"], "unknown option"),
        (&["api", "x.jsonl", "--fast"], "unknown option --fast"),
        (&["run", "s.json"], "--for"),
        (&["run", "s.json", "--for", "ten minutes"], "--for"),
        (&["hash", "s.json", "--for", "1m", "--seed", "-1"], "--seed"),
        (&["api"], "missing SCRIPT"),
    ];
    for (args, needle) in cases {
        let out = mqlab(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(stderr.contains("for usage"), "{args:?}: {stderr}");
    }
    // The benchmark itself is slow; its help is enough to see that the command is wired.
    for args in [&["bench", "--help"][..], &["help", "bench"]] {
        let out = mqlab(args, "");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).contains("bench"), "{args:?}");
    }
}

#[test]
fn run_of_a_scenario_with_a_topic_writes_sns_and_sqs_metrics() {
    let scenario = write_temp(
        "sns-filter.json",
        include_str!("../../../scenarios/presets/sns-filter.json"),
    );
    let metrics = temp_path("sns-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "5m",
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let sum = |ns: &str, name: &str, metric: &str| -> f64 {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|r| r[1] == ns && r[2] == name && r[3] == metric)
            .map(|r| r[4].parse::<f64>().unwrap())
            .sum()
    };
    let published = sum("AWS/SNS", "orders", "NumberOfMessagesPublished");
    assert!(published > 800.0, "3/s for 5 minutes: {published}");
    let filtered = sum("AWS/SNS", "orders", "NumberOfNotificationsFilteredOut")
        + sum(
            "AWS/SNS",
            "orders",
            "NumberOfNotificationsFilteredOut-MessageBody",
        );
    let delivered = sum("AWS/SNS", "orders", "NumberOfNotificationsDelivered");
    // Three subscriptions: every copy was either delivered or filtered (a few in flight).
    assert!((3.0 * published - filtered - delivered).abs() <= 6.0);
    // Each delivered copy reached its queue.
    let queued: f64 = ["north-store", "other-stores", "mobile-orders"]
        .iter()
        .map(|q| sum("AWS/SQS", q, "NumberOfMessagesSent"))
        .sum();
    assert_eq!(queued, delivered);
}

#[test]
fn run_of_a_scenario_with_a_stream_writes_kinesis_metrics() {
    let scenario = write_temp(
        "kinesis.json",
        r#"{"streams": [{"StreamName": "clicks", "ShardCount": 2}],
            "producers": [{"name": "web", "stream": "clicks", "rate_per_s": 50, "batch_size": 10,
                           "partition_keys": ["a", "b", "c"]}]}"#,
    );
    let metrics = temp_path("kinesis-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "3m",
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let records: f64 = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[1] == "AWS/Kinesis" && r[2] == "clicks" && r[3] == "IncomingRecords")
        .map(|r| r[4].parse::<f64>().unwrap())
        .sum();
    assert_eq!(records, 9_000.0, "50 records a second for 3 minutes");
    let summary = text(&out.stderr);
    // Only the stream's service: no empty queue table, no SQS on the bill.
    assert!(!summary.contains("\nqueue "), "{summary}");
    let cost = summary.lines().find(|l| l.starts_with("cost: ")).unwrap();
    assert!(
        cost.ends_with(" Kinesis requests") && !cost.contains("SQS"),
        "{cost}"
    );
    // The stream's row: both shards, every record written, none refused (the metrics' three
    // whole minutes, and the batch of 10 that lands at 3:00 itself, inside the run).
    let row = summary
        .lines()
        .find(|l| l.starts_with("clicks "))
        .unwrap_or_else(|| panic!("no stream row: {summary}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[1..], ["PROVISIONED", "2", "9010", "0", "0"], "{row}");
}

#[test]
fn run_of_the_kcl_failover_scenario_writes_reader_metrics_and_consumer_stats() {
    let scenario = write_temp(
        "kinesis-kcl-failover.json",
        include_str!("../../../scenarios/presets/kinesis-kcl-failover.json"),
    );
    let metrics = temp_path("kcl-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "5m",
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let sum = |ns: &str, metric: &str| -> f64 {
        rows.iter()
            .filter(|r| r[1] == ns && r[2] == "orders" && r[3] == metric)
            .map(|r| r[4].parse::<f64>().unwrap())
            .sum()
    };
    let put = sum("AWS/Kinesis", "IncomingRecords");
    assert!(put > 14_000.0, "{put}");
    // KCL publishes under the application's name; the failover made duplicates.
    assert!(sum("billing", "RecordsProcessed") >= put * 0.95);
    assert!(sum("billing", "RecordsProcessedAgain") > 0.0);
    assert_eq!(sum("dashboard", "RecordsProcessedAgain"), 0.0);
    assert!(rows
        .iter()
        .any(|r| r[1] == "billing" && r[3] == "MillisBehindLatest"));
    assert!(rows
        .iter()
        .any(|r| r[1] == "AWS/Kinesis" && r[3] == "GetRecords.IteratorAgeMilliseconds"));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("stream consumer"), "{stderr}");
    assert!(stderr.contains("billing (orders)"), "{stderr}");
    assert!(stderr.contains("dashboard (orders)"), "{stderr}");
}

#[test]
fn run_stops_at_its_memory_max_naming_what_the_world_holds() {
    // 2,000 messages a second into a queue nobody reads: the backlog outgrows 8 MiB.
    let scenario = write_temp(
        "backlog.json",
        r#"{"name": "backlog", "seed": 1, "queues": [{"QueueName": "q"}],
            "producers": [{"name": "p", "queue": "q", "rate_per_s": 2000, "body_bytes": 1048576}]}"#,
    );
    let metrics = temp_path("backlog-metrics.json");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "1h",
            "--no-events",
            "--memory-max",
            "8M",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("over --memory-max (8 MiB)") && stderr.contains("messages in queues"),
        "{stderr}"
    );
    // What was written up to the stop is whole: the metrics file is a JSON array.
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&metrics).unwrap()).unwrap();
    assert!(rows.as_array().is_some_and(|r| !r.is_empty()), "{rows}");
    // The same run under the default limit finishes.
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "1m",
            "--no-events",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_bad_memory_max_is_a_usage_error_naming_the_flag() {
    let scenario = write_temp("smoke-mem.json", SMOKE_SCENARIO);
    for bad in ["lots", "0", "12T", "99999999999G"] {
        let out = mqlab(
            &[
                "run",
                scenario.to_str().unwrap(),
                "--for",
                "1m",
                "--memory-max",
                bad,
            ],
            "",
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(text(&out.stderr).contains("--memory-max"), "{bad}");
    }
}

#[test]
fn run_of_a_scenario_with_an_alarm_writes_its_state_change_and_the_notification_it_sent() {
    let scenario = write_temp(
        "alarm-on-backlog.json",
        include_str!("../../../scenarios/alarm-on-backlog.json"),
    );
    let out = mqlab(&["run", scenario.to_str().unwrap(), "--for", "3m"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let changes: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "AlarmStateChanged")
        .collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let change = changes[0];
    assert_eq!(change["alarm"], "jobs-backlog");
    assert_eq!(
        (change["from"].as_str(), change["to"].as_str()),
        (Some("INSUFFICIENT_DATA"), Some("ALARM"))
    );
    assert!(change["reason"]
        .as_str()
        .unwrap()
        .starts_with("Threshold Crossed"));
    // The alarm's action published to the topic, and its copy reached the subscribed queue
    // after the state change.
    let t = change["t"].as_u64().unwrap();
    assert!(events.iter().any(|e| e["type"] == "MessageSent"
        && e["queue"] == "ops-inbox"
        && e["t"].as_u64().unwrap() >= t));
}

#[test]
fn run_of_a_scenario_with_lambda_writes_its_metrics_and_its_table() {
    let scenario = write_temp(
        "lambda-consumer.json",
        include_str!("../../../scenarios/lambda-consumer.json"),
    );
    let metrics = temp_path("lambda-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "3m",
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .filter(|r: &Vec<&str>| r[1] == "AWS/Lambda" && r[2] == "process-order")
        .collect();
    let value = |metric: &str| -> Vec<f64> {
        rows.iter()
            .filter(|r| r[3] == metric)
            .map(|r| r[4].parse().unwrap())
            .collect()
    };
    assert_eq!(value("Invocations").len(), 3, "one row a minute: {rows:?}");
    assert!(value("Invocations").iter().sum::<f64>() > 300.0);
    assert_eq!(
        value("ConcurrentExecutions")
            .iter()
            .cloned()
            .fold(0.0, f64::max),
        50.0
    );
    assert_eq!(value("Duration")[0], 2000.0);
    let summary = text(&out.stderr);
    let line = summary
        .lines()
        .find(|l| l.starts_with("process-order"))
        .unwrap_or_else(|| panic!("no Lambda table: {summary}"));
    assert!(line.trim_end().ends_with("50"), "peak concurrency: {line}");
    assert!(summary.contains("Lambda requests"), "{summary}");
}

#[test]
fn run_of_the_firehose_scenario_lists_the_objects_delivered_and_writes_data_freshness() {
    let scenario = write_temp(
        "firehose-near-real-time.json",
        include_str!("../../../scenarios/firehose-near-real-time.json"),
    );
    let metrics = temp_path("firehose-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "5m",
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let freshness: Vec<f64> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| {
            r[1] == "AWS/Firehose"
                && r[2] == "clicks-to-lake"
                && r[3] == "DeliveryToS3.DataFreshness"
        })
        .map(|r| r[4].parse().unwrap())
        .collect();
    assert_eq!(freshness, [60.0; 4], "{csv}");
    let summary = text(&out.stderr);
    assert!(
        summary.contains("delivery stream  ") && summary.contains("first object"),
        "{summary}"
    );
    let line: Vec<&str> = summary
        .lines()
        .find(|l| l.starts_with("clicks-to-lake"))
        .unwrap_or_else(|| panic!("no Firehose table: {summary}"))
        .split_whitespace()
        .collect();
    // records in, to S3, objects, bytes, first object, last object, buffered
    assert_eq!(line[3..7], ["4", "6144000", "1m1s", "4m1s"], "{line:?}");
    assert!(summary.contains("Firehose requests"), "{summary}");
}

#[test]
fn run_of_the_flink_scenario_lists_the_windows_closed() {
    let scenario = write_temp(
        "flink-windows.json",
        include_str!("../../../scenarios/flink-windows.json"),
    );
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "1m",
            "--no-events",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stderr);
    assert!(summary.contains("windows closed"), "{summary}");
    let line: Vec<&str> = summary
        .lines()
        .find(|l| l.starts_with("clicks-per-producer"))
        .unwrap_or_else(|| panic!("no Flink table: {summary}"))
        .split_whitespace()
        .collect();
    // status, records in, windows closed, late dropped, to sink, open
    assert_eq!(line[1], "RUNNING");
    assert_eq!(line[3..6], ["12", "0", "12"], "{line:?}");
}

#[test]
fn run_of_the_video_scenario_prints_a_table_per_video_stream() {
    let scenario = write_temp(
        "video-retention.json",
        include_str!("../../../scenarios/video-retention.json"),
    );
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "6m",
            "--no-events",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stderr);
    assert!(
        summary.contains("video stream door-0h: retention 0 h (not persisted); 179 fragments in (44750000 bytes), 0 persisted, 0 in the archive; no longer held: 0 expired, 179 never persisted"),
        "{summary}"
    );
    assert!(
        summary.contains("video stream door-24h: retention 24 h; 179 fragments in"),
        "{summary}"
    );
    let rows: Vec<Vec<&str>> = summary
        .lines()
        .filter(|l| l.starts_with("  reviewer") || l.starts_with("  monitor"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    // name, kind, asked (1 or 3 words), requests, listed, fragments, bytes, first, last
    let tail = |r: &Vec<&str>| -> Vec<String> {
        r[r.len() - 6..r.len() - 2]
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    assert_eq!(rows.len(), 4, "{summary}");
    assert_eq!(rows[0][..2], ["monitor-0h", "live"]);
    assert_eq!(tail(&rows[0]), ["1", "-", "179", "44750000"]);
    assert_eq!(rows[1][..2], ["reviewer", "archived"]);
    assert_eq!(tail(&rows[1]), ["1", "0", "0", "0"], "nothing from door-0h");
    assert_eq!(
        tail(&rows[3]),
        ["2", "29", "29", "7250000"],
        "door-24h's first minute"
    );
    assert!(
        summary.contains("Kinesis Video Streams requests"),
        "{summary}"
    );
}

#[test]
fn run_of_a_scenario_with_an_auto_scaling_group_writes_its_table_and_activities() {
    let scenario = write_temp(
        "autoscaling-backlog.json",
        include_str!("../../../scenarios/autoscaling-backlog.json"),
    );
    let metrics = temp_path("autoscaling-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            "25m",
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let in_service: Vec<f64> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<&str>>())
        .filter(|r| {
            r[1] == "AWS/AutoScaling" && r[2] == "workers" && r[3] == "GroupInServiceInstances"
        })
        .map(|r| r[4].parse().unwrap())
        .collect();
    assert_eq!(in_service.len(), 25, "one row a minute");
    assert_eq!(in_service.iter().cloned().fold(0.0, f64::max), 10.0);
    assert_eq!(in_service.last(), Some(&1.0));

    let summary = text(&out.stderr);
    assert!(summary.contains("auto scaling group"), "{summary}");
    // min, max, desired, in service, pending, terminating, peak in service, launched,
    // terminated.
    let row: Vec<&str> = summary
        .lines()
        .find(|l| l.starts_with("workers "))
        .unwrap_or_else(|| panic!("no group table: {summary}"))
        .split_whitespace()
        .collect();
    assert_eq!(
        row[1..],
        ["1", "10", "1", "1", "0", "0", "10", "10", "9"],
        "{summary}"
    );
    let over_time = summary
        .lines()
        .find(|l| l.starts_with("workers desired/in service over time: "))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(
        over_time.contains("0s 1/0, 1m 1/1, 5m 10/1, 6m 10/10, 22m 1/1"),
        "{over_time}"
    );
    assert!(summary.contains("workers scaling activities:"), "{summary}");
    assert!(summary.contains(
        "9 × Launching a new EC2 instance (Successful): At 2026-01-01T00:05:00Z a monitor alarm TargetTracking-workers-AlarmHigh-"
    ), "{summary}");
    assert!(
        summary.contains(
            "triggered policy backlog-per-instance changing the desired capacity from 10 to 1."
        ),
        "{summary}"
    );
    assert!(summary.contains("EC2 requests"), "{summary}");
}
