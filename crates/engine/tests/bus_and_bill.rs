//! The world's metrics bus and its bill: every service's closed minutes in one list, and one
//! cost meter that sums every service.

use mqlab_engine::{Scenario, World};

fn world(preset: &str, minutes: u64) -> World {
    let path = format!(
        "{}/../../scenarios/presets/{preset}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut w = World::from_scenario(&Scenario::from_json(&text).unwrap()).unwrap();
    w.advance_to(minutes * 60_000 + 1);
    w
}

#[test]
fn the_metrics_bus_carries_every_services_minutes_in_service_order() {
    let w = world("sqs-vs-kinesis", 3);
    let bus = w.metric_datapoints();
    let namespaces: Vec<&str> = bus.iter().map(|d| d.namespace.as_str()).collect();
    let first = |ns: &str| namespaces.iter().position(|n| *n == ns);
    let (sqs, kinesis) = (first("AWS/SQS").unwrap(), first("AWS/Kinesis").unwrap());
    assert!(sqs < kinesis, "SQS's minutes come before Kinesis's");
    // Each service's own rows, as it publishes them, are on the bus unchanged.
    let sqs_rows = w.sqs().metric_rows();
    assert!(!sqs_rows.is_empty());
    assert_eq!(&bus[..sqs_rows.len()], &sqs_rows[..]);
    assert!(bus
        .iter()
        .filter(|d| d.namespace == "AWS/SQS")
        .all(|d| d.dimension("QueueName").is_some()));
    assert!(bus
        .iter()
        .filter(|d| d.namespace == "AWS/Kinesis")
        .all(|d| d.dimension("StreamName").is_some()));
    // Three closed minutes: a queue's metric appears once per minute.
    let q = sqs_rows[0].dimension("QueueName").unwrap();
    let sent = bus
        .iter()
        .filter(|d| d.metric == "NumberOfMessagesSent" && d.dimension("QueueName") == Some(q))
        .count();
    assert_eq!(sent, 3);
}

#[test]
fn the_bill_sums_every_service_and_counts_kinesis_calls() {
    let w = world("sqs-vs-kinesis", 2);
    let bill = w.bill();
    let services: Vec<&str> = bill.iter().map(|b| b.service).collect();
    assert_eq!(services, ["SQS", "SNS", "Kinesis"]);
    assert_eq!(bill[0].requests, w.sqs().cost().requests());
    assert_eq!(bill[0].usd, w.sqs().cost().usd());
    assert!(
        bill[2].requests > 0,
        "the stream's PutRecord(s) and GetRecords calls count"
    );
    assert!(bill[2].usd > 0.0, "shard-hours and PUT payload units cost");
    let (requests, usd) = w.bill_total();
    assert_eq!(requests, bill.iter().map(|b| b.requests).sum::<u64>());
    assert!((usd - bill.iter().map(|b| b.usd).sum::<f64>()).abs() < 1e-12);
}
