//! `mqlab run` of a scenario with Amazon MQ brokers: the brokers', destinations' and clients'
//! tables in the summary, the broker events' lines, and `AWS/AmazonMQ` rows in `--metrics`.

mod common;

use common::{mqlab, temp_path, text, write_temp};

fn run(name: &str, json: &str, duration: &str) -> (String, String) {
    let scenario = write_temp(name, json);
    let metrics = temp_path("mq-metrics.csv");
    let out = mqlab(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--for",
            duration,
            "--no-events",
            "--metrics",
            metrics.to_str().unwrap(),
        ],
        "",
    );
    let summary = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    (summary, std::fs::read_to_string(&metrics).unwrap())
}

fn line<'a>(summary: &'a str, start: &str) -> Vec<&'a str> {
    summary
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line {start:?} in\n{summary}"))
        .split_whitespace()
        .collect()
}

#[test]
fn run_prints_a_brokers_destinations_and_clients_and_its_reboot() {
    let (summary, csv) = run(
        "mq-activemq-failover.json",
        include_str!("../../../scenarios/mq-activemq-failover.json"),
        "3m",
    );
    let broker = line(&summary, "orders-broker ");
    assert_eq!(
        &broker[..5],
        [
            "orders-broker",
            "ActiveMQ",
            "ACTIVE_STANDBY_MULTI_AZ",
            "RUNNING",
            "2/2"
        ]
    );
    assert!(summary.contains("broker destination"), "{summary}");
    // enqueued delivered redelivered acked in-flight waiting to-DLQ lost dropped
    let clicks = line(&summary, "orders-broker/clicks");
    assert!(
        clicks[8].parse::<u64>().unwrap() > 0,
        "clicks lost: {clicks:?}"
    );
    let orders = line(&summary, "orders-broker/orders");
    assert_eq!(orders[8], "0", "orders lost: {orders:?}");
    assert!(summary.contains("broker consumer"), "{summary}");
    assert!(
        summary.contains("orders-broker at 2m: RebootBroker"),
        "{summary}"
    );
    assert!(
        summary.contains("Amazon MQ"),
        "the bill has its line: {summary}"
    );
    let enqueue_rows = csv
        .lines()
        .filter(|l| l.contains(",AWS/AmazonMQ,orders-broker/orders,EnqueueCount,"))
        .count();
    assert_eq!(enqueue_rows, 3, "one a minute:\n{csv}");
}

#[test]
fn run_shows_an_exchanges_unroutable_publishes_and_a_consumers_prefetch() {
    let (summary, csv) = run(
        "mq-rabbitmq-exchanges.json",
        include_str!("../../../scenarios/mq-rabbitmq-exchanges.json"),
        "2m",
    );
    let exchange = line(&summary, "events/orders (exchange)");
    assert_ne!(exchange.last(), Some(&"0"), "APAC orders: {exchange:?}");
    let eu = line(&summary, "eu-worker");
    // instances prefetch processed failed peak-held
    assert_eq!((eu[1], eu[2], eu[5]), ("2", "5", "5"), "{eu:?}");
    assert!(csv.contains(",AWS/AmazonMQ,events/orders-eu,MessageReadyCount,"));
    assert!(csv.contains(",AWS/AmazonMQ,events,PublishRate,"));
}
