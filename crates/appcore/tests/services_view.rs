//! The services strip of the full page: what it is told to draw of Amazon MQ brokers,
//! Firehose delivery streams, Flink windows and Kinesis video streams, read from the runs of
//! the scenarios in `scenarios/`. Run by `cargo test -p mqlab-appcore --features full`.
#![cfg(feature = "full")]

use mqlab_appcore::lab::Lab;
use mqlab_appcore::services_view::{flink_sql, NodeRole, ServicesView};
use mqlab_engine::flink::{Aggregate, TimeSpec, WindowKind, WindowSpec};

fn run(json: &str, ms: u64) -> Lab {
    let mut lab = Lab::from_json(json, None).unwrap();
    lab.run_to(ms);
    lab
}

fn services(lab: &Lab) -> &ServicesView {
    &lab.vm.summary.services
}

const FAILOVER: &str = include_str!("../../../scenarios/mq-activemq-failover.json");

#[test]
fn an_active_standby_broker_is_drawn_active_then_down_then_failed_over_to_its_standby() {
    let roles = |ms| services(&run(FAILOVER, ms)).brokers[0].nodes.clone();
    assert_eq!(roles(10_000), [NodeRole::Active, NodeRole::Standby]);
    // The reboot at 2:00 takes the active instance down; the standby takes the lock.
    assert_eq!(roles(121_000), [NodeRole::Down, NodeRole::Standby]);
    assert_eq!(roles(140_000), [NodeRole::Down, NodeRole::Active]);
    // Back from its reboot, the first instance waits as the standby.
    assert_eq!(roles(200_000), [NodeRole::Standby, NodeRole::Active]);
}

#[test]
fn a_consumers_prefetch_window_holds_the_messages_pushed_and_not_acked() {
    let lab = run(FAILOVER, 10_000);
    let b = &services(&lab).brokers[0];
    assert_eq!((b.engine, b.mode), ("ActiveMQ", "ACTIVE_STANDBY_MULTI_AZ"));
    let worker = b
        .consumers
        .iter()
        .find(|c| c.name == "order-worker#1")
        .unwrap();
    // Slower than the producer: its window is full (10 of prefetch 10) and the rest wait.
    assert_eq!(
        (worker.prefetch, worker.held, worker.connected),
        (10, 10, true)
    );
    let orders = b.destinations.iter().find(|d| d.name == "orders").unwrap();
    assert!(orders.waiting > 0, "{orders:?}");
    // During the failover the connections are down and the windows empty (redelivered later).
    let lab = run(FAILOVER, 121_000);
    let b = &services(&lab).brokers[0];
    assert!(
        b.consumers.iter().all(|c| !c.connected && c.held == 0),
        "{b:?}"
    );
    // The non-persistent clicks in memory were lost; the persistent orders wait.
    assert!(b.lost > 0);
    assert!(
        b.destinations
            .iter()
            .find(|d| d.name == "orders")
            .unwrap()
            .waiting
            > 0
    );
    assert_eq!(
        b.destinations
            .iter()
            .find(|d| d.name == "clicks")
            .unwrap()
            .waiting,
        0
    );
}

#[test]
fn a_rabbitmq_cluster_shows_its_three_nodes_exchange_bindings_and_quorum_queues() {
    let lab = run(
        include_str!("../../../scenarios/mq-rabbitmq-exchanges.json"),
        20_000,
    );
    let b = &services(&lab).brokers[0];
    assert_eq!(b.nodes, [NodeRole::Node; 3]);
    let kinds: Vec<(&str, &str)> = b
        .destinations
        .iter()
        .map(|d| (d.name.as_str(), d.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("orders", "topic exchange"),
            ("orders-eu", "quorum queue"),
            ("orders-us", "quorum queue")
        ]
    );
    let keys: Vec<(&str, &str)> = b
        .bindings
        .iter()
        .map(|x| (x.queue.as_str(), x.key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [("orders-eu", "order.eu.*"), ("orders-us", "order.us.*")]
    );
    assert_eq!(b.consumers.len(), 3, "eu-worker runs 2 instances");
    assert_eq!(b.producers[0].target, "orders");
}

#[test]
fn a_firehose_buffer_fills_by_time_then_flushes_an_object_into_its_bucket() {
    let scen = include_str!("../../../scenarios/firehose-near-real-time.json");
    let lab = run(scen, 40_000);
    let f = &services(&lab).firehoses[0];
    assert_eq!(
        (f.source.as_str(), f.bucket.as_str()),
        ("clicks", "clicks-lake")
    );
    assert_eq!(f.objects, 0);
    assert!(f.buffered_records > 1_000, "{f:?}");
    let (by_size, by_time) = f.fill();
    // 5 MiB at 25 KB/s takes ~200 s; the 60 s interval is reached first.
    assert!(by_time > by_size, "{by_size} {by_time}");
    assert!((0.55..0.7).contains(&by_time), "{by_time}");
    let lab = run(scen, 70_000);
    let f = &services(&lab).firehoses[0];
    assert_eq!(f.objects, 1);
    assert_eq!(f.recent.len(), 1);
    assert!(f.recent[0].key.starts_with("clicks/"), "{:?}", f.recent);
    assert!(!f.recent[0].error);
    // The next buffer started when the first record after the flush arrived.
    assert!(f.fill().1 < 0.25, "{:?}", f.fill());
}

#[test]
fn a_flink_application_shows_its_open_windows_the_ones_that_closed_and_its_sql() {
    let lab = run(
        include_str!("../../../scenarios/flink-windows.json"),
        25_000,
    );
    let a = &services(&lab).flinks[0];
    assert_eq!(a.window(), "tumbling 10 s");
    assert_eq!(a.time(), "arrival time");
    assert!(!a.closed.is_empty(), "{a:?}");
    assert!(a
        .closed
        .iter()
        .all(|w| w.end - w.start == 10_000 && w.value.is_some()));
    let keys: std::collections::BTreeSet<&str> = a.open.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(keys, ["mobile", "web"].into_iter().collect());
    assert_eq!(a.windows_fired as usize, a.closed.len());
    assert!(a
        .sql()
        .contains("TUMBLE(TABLE clicks, DESCRIPTOR(proc_time), INTERVAL '10' SECOND)"));
    assert!(
        a.sql().contains("INSERT INTO `click-counts`"),
        "{}",
        a.sql()
    );
}

#[test]
fn the_flink_sql_of_each_window_kind_uses_flinks_windowing_functions() {
    let spec = |window, time| WindowSpec {
        source: "clicks".into(),
        from_start: false,
        window,
        time,
        key: Some("page".into()),
        aggregate: Aggregate::Sum,
        field: Some("ms".into()),
        sink: None,
    };
    let event = TimeSpec::Event {
        field: "ts".into(),
        watermark_delay_ms: 2_000,
        allowed_lateness_ms: 5_000,
    };
    let hop = flink_sql(&spec(
        WindowKind::Hopping {
            size_ms: 30_000,
            slide_ms: 10_000,
        },
        event.clone(),
    ));
    assert!(
        hop.contains(
            "HOP(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND, INTERVAL '30' SECOND)"
        ),
        "{hop}"
    );
    assert!(hop.contains("WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND"));
    assert!(hop.contains("'table.exec.emit.allow-lateness' = '5 s'"));
    assert!(hop.contains("SUM(ms) AS `value`"));
    let session = flink_sql(&spec(
        WindowKind::Session { gap_ms: 1_500 },
        TimeSpec::Arrival,
    ));
    assert!(session.contains("SESSION(TABLE clicks PARTITION BY page, DESCRIPTOR(proc_time), INTERVAL '1500' MILLISECOND)"), "{session}");
    assert!(!session.contains("WATERMARK"));
}

#[test]
fn a_video_stream_with_retention_0_holds_fragments_none_of_them_archived() {
    let lab = run(
        include_str!("../../../scenarios/video-retention.json"),
        60_000,
    );
    let v = &services(&lab).videos;
    let zero = v.iter().find(|v| v.name == "door-0h").unwrap();
    let day = v.iter().find(|v| v.name == "door-24h").unwrap();
    assert_eq!(zero.retention_hours, 0);
    assert!(!zero.fragments.is_empty());
    assert!(zero.fragments.iter().all(|f| !f.archived));
    assert!(day.fragments.iter().all(|f| f.archived));
    assert!(day.fragments.windows(2).all(|w| w[0].seq < w[1].seq));
    let live = day.consumers.iter().find(|c| c.live).unwrap();
    assert!(live.fragments > 0, "{live:?}");
}

#[test]
fn a_lambda_mappings_row_of_invocations_grows_from_5_towards_its_cap() {
    let json = include_str!("../../../scenarios/lambda-consumer.json");
    let start = run(json, 1_000);
    let m = &services(&start).lambdas[0];
    assert_eq!(
        (m.function.as_str(), m.queue.as_str()),
        ("process-order", "orders")
    );
    assert_eq!((m.allowed, m.cap), (5, 50));
    assert!(m.in_flight <= m.allowed);
    // The spike at 30 s keeps messages waiting: a step more each minute, never past the cap.
    let later = run(json, 150_000);
    let m = &services(&later).lambdas[0];
    assert!(m.allowed > 5 && m.allowed <= 50, "{m:?}");
    assert!(m.in_flight <= m.allowed);
}
