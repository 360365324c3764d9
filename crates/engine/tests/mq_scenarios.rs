//! Amazon MQ declared in a scenario (aws-rules §7.12): `brokers` with CreateBroker's members,
//! RUNNING from the start; `broker_destinations`, `broker_producers`, `broker_consumers` acting
//! through the messaging plane; `broker_events` scripting a reboot. Only the full page builds
//! them.

use mqlab_engine::mq::stats::DestTotals;
use mqlab_engine::{Scenario, ScenarioError, World};
use serde_json::{json, Value};

fn file(name: &str) -> Value {
    let path = format!("{}/../../scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn build(v: &Value) -> Result<World, ScenarioError> {
    let s = Scenario::from_json(&v.to_string())?;
    World::from_scenario(&s)
}

fn run(v: &Value, secs: u64) -> World {
    let mut w = build(v).unwrap_or_else(|e| panic!("{e}"));
    w.advance_to(secs * 1_000);
    w
}

fn totals(w: &World, broker: &str, dest: &str) -> DestTotals {
    w.mq().find(broker).unwrap().plane.stats.dests[dest]
        .totals
        .clone()
}

/// Messages of `queue` waiting and delivered-unacknowledged.
fn held(w: &World, broker: &str, queue: &str) -> (u64, u64) {
    let b = w.mq().find(broker).unwrap();
    let unacked = b
        .plane
        .unacked
        .values()
        .filter(|d| d.queue == queue)
        .count();
    (b.plane.depth(queue) as u64, unacked as u64)
}

fn refused(v: Value) -> (String, String) {
    let e = build(&v).expect_err("refused");
    (e.field, e.message)
}

#[test]
fn a_scenario_broker_reboot_loses_non_persistent_messages_and_keeps_persistent_ones() {
    let mut w = run(&file("mq-activemq-failover"), 119);
    let before = totals(&w, "orders-broker", "clicks");
    let (clicks_waiting, _) = held(&w, "orders-broker", "clicks");
    assert_eq!(before.lost, 0, "nothing lost before the reboot");
    assert!(
        clicks_waiting > 500,
        "a backlog of clicks: {clicks_waiting}"
    );
    w.advance_to(180_000);
    let clicks = totals(&w, "orders-broker", "clicks");
    let orders = totals(&w, "orders-broker", "orders");
    assert!(
        clicks.lost >= clicks_waiting,
        "the non-persistent backlog is lost: {clicks:?}"
    );
    assert_eq!(orders.lost, 0, "persistent messages survive: {orders:?}");
    // Every persistent message the producer got accepted is acknowledged or still held.
    let (waiting, in_flight) = held(&w, "orders-broker", "orders");
    let published = w.mq().clients.producers[0].totals.published;
    assert_eq!(published, orders.acked + waiting + in_flight);
    let (waiting, in_flight) = held(&w, "orders-broker", "clicks");
    assert_eq!(
        clicks.enqueued,
        clicks.acked + waiting + in_flight + clicks.lost
    );
    // The standby took over and the clients reconnected: the run goes on.
    let b = w.mq().find("orders-broker").unwrap();
    assert_eq!(b.active, 1, "the standby is active");
    assert!(orders.acked > 0 && orders.redelivered > 0, "{orders:?}");
    let outcome = w.mq().clients.outcomes[0].clone().unwrap();
    assert_eq!((outcome.at, outcome.error), (120_000, None));
}

#[test]
fn a_scenario_consumer_never_holds_more_than_its_prefetch() {
    let mut w = build(&file("mq-rabbitmq-exchanges")).unwrap();
    for t in (0..=180_000).step_by(250) {
        w.advance_to(t);
        let b = w.mq().find("events").unwrap();
        for (id, c) in b.plane.consumers.iter().enumerate() {
            let n = b.plane.deliveries(id).count() as u32;
            assert!(n <= c.prefetch, "{} holds {n} > {}", c.name, c.prefetch);
        }
    }
    // The EU workers are slower than their queue fills: each holds its whole prefetch.
    let clients = &w.mq().clients;
    for c in clients.consumers.iter().filter(|c| c.group == 0) {
        assert_eq!(c.peak_held, 5, "{}", c.name);
    }
    let (waiting, _) = held(&w, "events", "orders-eu");
    assert!(waiting > 100, "the rest waits in the queue: {waiting}");
}

#[test]
fn a_scenario_topic_exchange_routes_by_key_to_its_queues_and_drops_the_unroutable() {
    let w = run(&file("mq-rabbitmq-exchanges"), 180);
    let published = w.mq().clients.producers[0].totals.published;
    let eu = totals(&w, "events", "orders-eu");
    let us = totals(&w, "events", "orders-us");
    let exchange = totals(&w, "events", "orders");
    // Four keys in turn: order.eu.created, order.us.created, order.eu.paid, order.apac.created.
    assert_eq!(eu.enqueued, published.div_ceil(4) + (published + 1) / 4);
    assert_eq!(us.enqueued, (published + 2) / 4);
    assert_eq!(exchange.unroutable, published / 4);
    let b = w.mq().find("events").unwrap();
    assert_eq!(
        b.plane.queue("orders-eu").unwrap().queue_type.as_str(),
        "quorum"
    );
}

#[test]
fn a_scenario_consumer_nack_with_requeue_redelivers_and_without_dead_letters() {
    let failing = |requeue: bool| {
        let mut v = file("mq-activemq-failover");
        v["broker_events"] = json!([]);
        v["broker_consumers"][0]["failure_probability"] = json!(1.0);
        v["broker_consumers"][0]["requeue"] = json!(requeue);
        run(&v, 30)
    };
    let w = failing(false);
    let orders = totals(&w, "orders-broker", "orders");
    assert!(orders.dead_lettered > 0 && orders.acked == 0, "{orders:?}");
    assert_eq!(
        totals(&w, "orders-broker", "ActiveMQ.DLQ").enqueued,
        orders.dead_lettered,
        "a persistent message goes to ActiveMQ.DLQ"
    );
    let w = failing(true);
    let orders = totals(&w, "orders-broker", "orders");
    assert!(orders.redelivered > 0, "{orders:?}");
    // ActiveMQ's redelivery policy: the 7th failed delivery dead-letters (aws-rules §7.10).
    assert!(orders.dead_lettered > 0);
    assert_eq!(
        orders.redelivered,
        orders.dead_lettered * 6 + held_redelivered(&w)
    );
}

/// Redeliveries of messages not yet dead-lettered (delivered more than once, still held or
/// waiting to be redelivered).
fn held_redelivered(w: &World) -> u64 {
    let b = w.mq().find("orders-broker").unwrap();
    let waiting: u64 = b
        .plane
        .queue("orders")
        .unwrap()
        .messages
        .iter()
        .map(|m| u64::from(m.deliveries.saturating_sub(1)))
        .sum();
    let unacked: u64 = b
        .plane
        .unacked
        .values()
        .filter(|d| d.queue == "orders")
        .map(|d| u64::from(d.message.deliveries.saturating_sub(1)))
        .sum();
    waiting + unacked
}

#[test]
fn a_scenario_producer_publishes_at_its_rate_when_the_interval_is_not_a_whole_millisecond() {
    let mut v = file("mq-activemq-failover");
    v["broker_events"] = json!([]);
    // 1000/30 = 33.3 ms: a schedule that restarted from each millisecond it fired on lost a
    // millisecond an interval (29.4 a second).
    for rate in [30, 70] {
        v["broker_producers"] = json!([v["broker_producers"][0].clone()]);
        v["broker_producers"][0]["rate_per_s"] = json!(rate);
        let w = run(&v, 60);
        let p = &w.mq().clients.producers[0].totals;
        assert_eq!(p.blocked, 0, "{p:?}");
        assert!(
            (rate * 60..=rate * 60 + 1).contains(&p.published),
            "{rate}/s for 60 s: {p:?}"
        );
    }
}

#[test]
fn a_scenario_producer_past_the_instances_ceiling_is_flow_controlled() {
    let mut v = file("mq-activemq-failover");
    v["broker_events"] = json!([]);
    // Persistent messages on EFS: about 80 a second (aws-rules §7.7).
    v["broker_producers"][0]["rate_per_s"] = json!(200);
    let w = run(&v, 60);
    let p = &w.mq().clients.producers[0].totals;
    assert!(p.blocked > 0, "{p:?}");
    // The one-second burst, then 80 a second.
    assert!((80 * 60..=80 * 61 + 1).contains(&p.published), "{p:?}");
    assert_eq!(
        w.mq()
            .find("orders-broker")
            .unwrap()
            .plane
            .stats
            .flow_blocked,
        p.blocked
    );
}

#[test]
fn a_scenario_broker_is_running_from_the_start_and_only_the_full_page_builds_it() {
    let v = file("mq-rabbitmq-exchanges");
    let s = Scenario::from_json(&v.to_string()).unwrap();
    assert_eq!(s.needs_full_page(), Some("brokers"));
    let e = World::from_scenario_for_page(&s).err().unwrap();
    assert_eq!(e.field, "brokers");
    let w = World::from_scenario(&s).unwrap();
    let b = w.mq().find("events").unwrap();
    assert_eq!(b.state.as_str(), "RUNNING");
    assert!(b.instances.iter().all(|i| i.up));
    for (field, member) in [
        ("broker_destinations", json!([{}])),
        ("broker_producers", json!([{}])),
        ("broker_consumers", json!([{}])),
        ("broker_events", json!([{}])),
    ] {
        let s = Scenario::from_json(&json!({ field: member }).to_string()).unwrap();
        assert_eq!(s.needs_full_page(), Some(field));
    }
}

#[test]
fn a_scenario_brokers_publish_amazon_mq_metrics_and_bill_their_instance_hours() {
    let w = run(&file("mq-activemq-failover"), 600);
    let bus = w.metric_datapoints();
    let enqueued: Vec<f64> = bus
        .iter()
        .filter(|d| {
            d.namespace == "AWS/AmazonMQ"
                && d.metric == "EnqueueCount"
                && d.dimension("Broker") == Some("orders-broker")
                && d.dimension("Queue") == Some("orders")
        })
        .map(|d| d.value)
        .collect();
    assert_eq!(enqueued.len(), 10, "one a minute");
    assert_eq!(enqueued[0], 1_200.0, "20 a second");
    for m in [
        "DequeueCount",
        "QueueSize",
        "InFlightCount",
        "ConsumerCount",
    ] {
        assert!(bus.iter().any(|d| d.metric == m), "{m}");
    }
    let bill = w.bill();
    let mq = bill.iter().find(|b| b.service == "Amazon MQ").unwrap();
    // Two mq.m5.large instances (active and standby) for 10 minutes, and a little storage.
    let instances = 2.0 * 0.288 / 6.0;
    assert!(
        mq.usd >= instances && mq.usd < instances + 0.001,
        "{}",
        mq.usd
    );

    let rabbit = run(&file("mq-rabbitmq-exchanges"), 180);
    let bus = rabbit.metric_datapoints();
    let ready = bus.iter().find(|d| {
        d.metric == "MessageReadyCount"
            && d.dimension("VirtualHost") == Some("/")
            && d.dimension("Queue") == Some("orders-eu")
    });
    assert!(ready.is_some());
    assert!(bus
        .iter()
        .any(|d| d.metric == "PublishRate" && d.value > 19.0));
}

#[test]
fn scenario_broker_field_errors_name_the_field() {
    let base = file("mq-activemq-failover");
    let with = |path: &[&str], value: Value| {
        let mut v = base.clone();
        let mut at = &mut v;
        for p in &path[..path.len() - 1] {
            at = match p.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*p],
            };
        }
        at[path[path.len() - 1]] = value;
        refused(v)
    };
    let cases: Vec<(&[&str], Value, &str)> = vec![
        (
            &["brokers", "0", "EngineType"],
            json!("KAFKA"),
            "brokers[0].EngineType",
        ),
        (
            &["brokers", "0", "HostInstanceType"],
            json!("mq.t3.micro"),
            "brokers[0].HostInstanceType",
        ),
        (
            &["brokers", "0", "DeploymentMode"],
            json!("CLUSTER_MULTI_AZ"),
            "brokers[0].DeploymentMode",
        ),
        (
            &["brokers", "0", "StorageType"],
            json!("EBS"),
            "brokers[0].StorageType",
        ),
        (
            &["brokers", "0", "BrokerNmae"],
            json!("x"),
            "brokers[0].BrokerNmae",
        ),
        (
            &["broker_destinations", "0", "broker"],
            json!("nope"),
            "broker_destinations[0].broker",
        ),
        (
            &["broker_destinations", "0", "type"],
            json!("topic"),
            "broker_destinations[0].type",
        ),
        (
            &["broker_producers", "0", "rate_per_s"],
            json!(-1),
            "broker_producers[0].rate_per_s",
        ),
        (
            &["broker_producers", "0", "routing_keys"],
            json!(["a"]),
            "broker_producers[0].routing_keys",
        ),
        (
            &["broker_consumers", "0", "prefetch"],
            json!("ten"),
            "broker_consumers[0].prefetch",
        ),
        (
            &["broker_consumers", "0", "failure_probability"],
            json!(2),
            "broker_consumers[0].failure_probability",
        ),
        (
            &["broker_consumers", "0", "processing"],
            json!({"dist": "fixed"}),
            "broker_consumers[0].processing",
        ),
        (
            &["broker_consumers", "1", "name"],
            json!("order-worker"),
            "broker_consumers[1].name",
        ),
        (
            &["broker_events", "0", "action"],
            json!("Explode"),
            "broker_events[0].action",
        ),
        (
            &["broker_events", "0", "instance"],
            json!(1),
            "broker_events[0].instance",
        ),
    ];
    for (path, value, field) in cases {
        let (got, message) = with(path, value.clone());
        assert_eq!(got, field, "{path:?} = {value}: {message}");
        assert!(!message.is_empty());
    }
    // A destination needs exactly one of queue, topic, exchange.
    let mut v = base.clone();
    v["broker_destinations"][0]["topic"] = json!("t");
    assert_eq!(refused(v).0, "broker_destinations[0]");
    // RabbitMQ exchanges on an ActiveMQ broker are refused at the member.
    let mut v = base.clone();
    v["broker_destinations"][0] =
        json!({"broker": "orders-broker", "exchange": "x", "type": "topic"});
    assert_eq!(refused(v).0, "broker_destinations[0].exchange");
}

#[test]
fn a_scenario_run_with_brokers_is_the_same_run_for_the_same_seed() {
    for name in ["mq-rabbitmq-exchanges", "mq-activemq-failover"] {
        let v = file(name);
        let a = build(&v).unwrap().fingerprint(180_000);
        let b = build(&v).unwrap().fingerprint(180_000);
        assert_eq!(a, b, "{name}");
        let mut other = v.clone();
        other["seed"] = json!(99);
        if name == "mq-rabbitmq-exchanges" {
            // Its US worker's failures are drawn from the seed.
            assert_ne!(a, build(&other).unwrap().fingerprint(180_000), "{name}");
        }
    }
}

/// What a scenario consumer's instances hold unacknowledged now, by instance.
fn holding(w: &World, broker: &str, group: usize) -> Vec<usize> {
    let b = w.mq().find(broker).unwrap();
    w.mq()
        .clients
        .consumers
        .iter()
        .filter(|c| c.group == group)
        .map(|c| c.consumer.map_or(0, |k| b.plane.deliveries(k).count()))
        .collect()
}

#[test]
fn qos_changes_a_live_consumers_prefetch_a_larger_window_fills_at_once_a_smaller_one_drains() {
    let mut w = build(&file("mq-rabbitmq-exchanges")).unwrap();
    w.advance_to(60_000);
    // eu-worker (2 instances, prefetch 5) is slower than its queue fills: full windows.
    assert_eq!(holding(&w, "events", 0), [5, 5]);
    let qos = |w: &mut World, prefetch: u32| {
        let id = w.call(
            "mq-broker",
            "Qos",
            &json!({"Broker": "events", "Client": "eu-worker", "Prefetch": prefetch}),
        );
        let done = w.take_completions();
        let c = done.iter().find(|c| c.call == id).unwrap();
        c.result.clone()
    };
    assert!(qos(&mut w, 20).is_ok());
    // Pushed at once from the backlog waiting in orders-eu.
    assert_eq!(holding(&w, "events", 0), [20, 20]);
    assert_eq!(w.mq().clients.consumer_specs[0].prefetch, 20);
    assert!(qos(&mut w, 1).is_ok());
    // What they hold stays until acked, and nothing more is pushed beyond one.
    assert_eq!(holding(&w, "events", 0), [20, 20]);
    w.advance_to(75_000);
    assert!(
        holding(&w, "events", 0).iter().all(|&n| n <= 1),
        "{:?}",
        holding(&w, "events", 0)
    );
    // A consumer the broker does not know: its error, naming it.
    let e = qos_err(&mut w);
    assert!(e.contains("nobody"), "{e}");
}

fn qos_err(w: &mut World) -> String {
    let id = w.call(
        "mq-broker",
        "Qos",
        &json!({"Broker": "events", "Client": "nobody", "Prefetch": 3}),
    );
    let done = w.take_completions();
    let c = done.iter().find(|c| c.call == id).unwrap();
    c.result.clone().unwrap_err().to_string()
}
