//! The numbers the lessons of chapter 14 ("amazon-mq": mq-rabbitmq-lift, mq-push-prefetch,
//! mq-ceiling, mq-failover, mq-or-sqs) write in their texts, checked against the runs their
//! steps set up. Brokers are simulated only in the full page: `cargo test -p mqlab-appcore
//! --features full --test course_mq`; without the feature this file has no tests (`course.rs`
//! checks that the first download hands the lessons over).
#![cfg(feature = "full")]

mod lessons_common;
use lessons_common::{at_step, fresh, lesson};

use mqlab_appcore::course::Lesson;
use mqlab_appcore::lab::Lab;
use mqlab_appcore::sim::Sim;
use mqlab_engine::mq::stats::DestTotals;
use mqlab_engine::mq::Broker;
use mqlab_engine::{Event, EventKind};
use std::collections::BTreeMap;

fn broker<'a>(lab: &'a Lab, name: &str) -> &'a Broker {
    lab.world().mq().find(name).unwrap()
}

fn totals(lab: &Lab, broker_name: &str, dest: &str) -> DestTotals {
    broker(lab, broker_name).plane.stats.dests[dest]
        .totals
        .clone()
}

/// The summary row's sums over a broker's destinations.
fn row_sum(lab: &Lab, broker_name: &str, f: fn(&DestTotals) -> u64) -> u64 {
    let p = &broker(lab, broker_name).plane;
    p.stats.dests.values().map(|d| f(&d.totals)).sum()
}

/// "Waiting in queues" and "Pushed, not acked" of a broker's row.
fn waiting_and_unacked(lab: &Lab, broker_name: &str) -> (usize, usize) {
    let p = &broker(lab, broker_name).plane;
    let waiting = p.queues.values().map(|q| q.messages.len()).sum();
    (waiting, p.unacked.len())
}

fn instances_up(lab: &Lab, broker_name: &str) -> usize {
    let b = broker(lab, broker_name);
    b.instances.iter().filter(|i| i.up).count()
}

fn producer_published(lab: &Lab, name: &str) -> u64 {
    let c = &lab.world().mq().clients;
    let p = c.producers.iter().find(|p| p.spec.name == name).unwrap();
    p.totals.published
}

/// (processed, most held at once) of a broker consumer instance (`slow#1`).
fn consumer(lab: &Lab, name: &str) -> (u64, u32) {
    let c = &lab.world().mq().clients;
    let i = c.consumers.iter().find(|c| c.name == name).unwrap();
    (i.processed, i.peak_held)
}

/// SendMessage's messages to `queue` so far.
fn sqs_sent(lab: &Lab, queue: &str) -> u64 {
    lab.world().sqs().queue_by_name(queue).unwrap().totals.sent
}

/// Every event of the run step `k` sets up, to `until_ms`, drained each virtual second.
fn events(l: &Lesson, k: usize, until_ms: u64) -> Vec<Event> {
    let lab = fresh(l, k);
    let mut sim = Sim::from_scenario(&lab.scenario).unwrap();
    let mut out = Vec::new();
    let mut t = 0;
    while t < until_ms {
        t = (t + 1_000).min(until_ms);
        out.extend(sim.advance_to_events(t));
    }
    out
}

/// Publish (or send) → ack (or delete) times, ms, by consumer group (`slow`, `slow-sqs`).
fn latencies(events: &[Event]) -> BTreeMap<String, Vec<u64>> {
    let mut start: BTreeMap<String, u64> = BTreeMap::new();
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let group = |actor: &str| actor.split('#').next().unwrap().to_string();
    for e in events {
        match &e.kind {
            EventKind::MessageSent { message_id, .. } => {
                start.insert(message_id.clone(), e.t);
            }
            EventKind::MessageDeleted {
                message_id,
                actor: Some(actor),
                ..
            } => out
                .entry(group(actor))
                .or_default()
                .push(e.t - start[message_id]),
            EventKind::BrokerMessage {
                step,
                message_id,
                consumer,
                ..
            } => match (step.as_str(), consumer) {
                ("published", _) => {
                    start.entry(message_id.clone()).or_insert(e.t);
                }
                ("acked", Some(c)) => out
                    .entry(group(c))
                    .or_default()
                    .push(e.t - start[message_id]),
                _ => {}
            },
            _ => {}
        }
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    out
}

fn median(v: &[u64]) -> u64 {
    v[v.len() / 2]
}

#[test]
fn rabbitmq_lift_routes_by_topic_pattern_and_builds_the_eu_backlog_within_prefetch() {
    let l = lesson("mq-rabbitmq-lift");
    let start = at_step(&l, 0);
    let b = broker(&start, "events");
    assert_eq!(
        (b.engine_version.as_str(), b.deployment_mode.as_str()),
        ("4.2", "CLUSTER_MULTI_AZ")
    );
    assert_eq!(instances_up(&start, "events"), 3);
    for q in ["orders-eu", "orders-us", "payments"] {
        assert_eq!(b.plane.queue(q).unwrap().queue_type.as_str(), "quorum");
    }

    // 1:00 — 1,200 published: EU 600, US 300, payments 300, APAC 300 unroutable.
    let m1 = at_step(&l, 1);
    assert!((1_200..=1_201).contains(&producer_published(&m1, "shop")));
    assert!((600..=601).contains(&totals(&m1, "events", "orders-eu").enqueued));
    assert_eq!(totals(&m1, "events", "orders-us").enqueued, 300);
    assert_eq!(totals(&m1, "events", "payments").enqueued, 300);
    assert_eq!(totals(&m1, "events", "orders").unroutable, 300);

    // 2:00 — about 230 waiting, 10 pushed not acked (5 per EU worker), 8 redelivered.
    let m2 = at_step(&l, 2);
    let (waiting, unacked) = waiting_and_unacked(&m2, "events");
    assert!((225..=235).contains(&waiting), "{waiting}");
    assert_eq!(broker(&m2, "events").plane.depth("orders-eu"), waiting);
    assert_eq!(unacked, 10);
    assert_eq!(consumer(&m2, "eu-worker#1").1, 5);
    assert_eq!(consumer(&m2, "eu-worker#2").1, 5);
    assert_eq!(row_sum(&m2, "events", |t| t.redelivered), 8);
    assert_eq!(totals(&m2, "events", "orders-us").redelivered, 8);
}

#[test]
fn push_prefetch_a_slow_consumer_holds_its_window_and_its_messages_wait_twenty_seconds() {
    let l = lesson("mq-push-prefetch");
    let m1 = at_step(&l, 1);
    assert_eq!(consumer(&m1, "slow#1").1, 10);
    let (_, unacked) = waiting_and_unacked(&m1, "jobs-broker");
    assert!((10..=11).contains(&unacked), "{unacked}");

    let m2 = at_step(&l, 2);
    assert_eq!(consumer(&m2, "slow#1").0, 59);
    let lat = latencies(&events(&l, 0, 120_000));
    let slow = &lat["slow"];
    let slow_sqs = &lat["slow-sqs"];
    eprintln!(
        "slow: {} acked, median {} ms, max {} ms; slow-sqs: {} deleted, max {} ms",
        slow.len(),
        median(slow),
        slow.last().unwrap(),
        slow_sqs.len(),
        slow_sqs.last().unwrap()
    );
    assert_eq!(slow.len(), 59);
    assert_eq!(slow_sqs.len(), 54);
    assert_eq!(median(slow), 20_000);
    assert_eq!(*slow.last().unwrap(), 20_000);
    assert!(
        slow_sqs.iter().all(|&ms| (2_000..=2_100).contains(&ms)),
        "{slow_sqs:?}"
    );
    assert_eq!(
        l.steps[0]
            .setup
            .as_ref()
            .unwrap()
            .scenario
            .as_ref()
            .unwrap()["queues"][0]["Attributes"]["VisibilityTimeout"],
        "30"
    );

    // Prefetch 1: slow holds one message, and each takes 2 s from publish to ack.
    let one = at_step(&l, 3);
    assert_eq!(consumer(&one, "slow#1").1, 1);
    let lat = latencies(&events(&l, 3, 120_000));
    assert!(
        lat["slow"].iter().all(|&ms| ms == 2_000),
        "{:?}",
        lat["slow"]
    );
}

#[test]
fn ceiling_the_broker_takes_80_persistent_messages_a_second_on_efs_and_sqs_takes_the_load() {
    let l = lesson("mq-ceiling");
    let start = at_step(&l, 0);
    let b = broker(&start, "orders-broker");
    assert_eq!(b.storage.as_str(), "EFS");
    assert_eq!(b.ceiling_per_s(true), 80);
    assert_eq!(b.ceiling_per_s(false), 5_000);

    let mut lab = fresh(&l, 0);
    let mut at = |t: u64| {
        lab.run_to(t * 1_000);
        let published = broker(&lab, "orders-broker").plane.stats.published;
        let blocked = broker(&lab, "orders-broker").plane.stats.flow_blocked;
        let each: Vec<u64> = ["shop-1", "shop-2", "shop-3"]
            .iter()
            .map(|p| producer_published(&lab, p))
            .collect();
        (published, blocked, each, sqs_sent(&lab, "orders-sqs"))
    };
    let (p55, blocked55, _, s55) = at(55);
    assert_eq!(blocked55, 0);
    assert_eq!(p55, s55, "the same 50 a second into both");
    let (p60, _, _, s60) = at(60);
    let (p120, blocked120, e120, s120) = at(120);
    let (p180, blocked180, e180, s180) = at(180);
    eprintln!("broker {p60} {p120} {p180}; sqs {s60} {s120} {s180}; {e120:?} {e180:?}");
    assert!(blocked120 > 0 && blocked180 > blocked120);
    assert!((5_999..=6_001).contains(&(s120 - s60)), "{}", s120 - s60);
    assert!((4_800..4_900).contains(&(p120 - p60)), "{}", p120 - p60);
    assert_eq!(s180 - s120, 9_000);
    assert_eq!(p180 - p120, 4_800);
    for (a, b) in e120.iter().zip(&e180) {
        assert!((1_590..=1_610).contains(&(b - a)), "{e120:?} {e180:?}");
    }

    // EBS: about 500 a second, nothing blocked, all 9,000 of the third minute.
    let ebs = at_step(&l, 3);
    let b = broker(&ebs, "orders-broker");
    assert_eq!(b.storage.as_str(), "EBS");
    assert_eq!(b.ceiling_per_s(true), 500);
    assert_eq!(b.plane.stats.flow_blocked, 0);
    let mut lab = fresh(&l, 3);
    lab.run_to(120_000);
    let p120 = broker(&lab, "orders-broker").plane.stats.published;
    assert_eq!(b.plane.stats.published - p120, 9_000);
}

#[test]
fn failover_loses_the_non_persistent_clicks_keeps_the_orders_and_redelivers_the_unacked() {
    let l = lesson("mq-failover");
    let before = at_step(&l, 0);
    let b = broker(&before, "orders-broker");
    assert_eq!(b.deployment_mode.as_str(), "ACTIVE_STANDBY_MULTI_AZ");
    assert_eq!(b.storage.as_str(), "EFS");

    // Just before the reboot: 1,181 clicks waiting + 20 held; 391 orders + 10 held.
    let mut lab = fresh(&l, 0);
    lab.run_to(119_999);
    let p = &broker(&lab, "orders-broker").plane;
    assert_eq!(p.depth("clicks"), 1_181);
    assert_eq!(p.depth("orders"), 391);
    assert_eq!(consumer(&lab, "click-worker#1").1, 20);
    assert_eq!(consumer(&lab, "order-worker#1").1, 10);
    assert_eq!(p.unacked.len(), 30);

    let down = at_step(&l, 1);
    let b = broker(&down, "orders-broker");
    assert_eq!(b.state.as_str(), "REBOOT_IN_PROGRESS");
    assert_eq!(instances_up(&down, "orders-broker"), 1);
    assert_eq!(totals(&down, "orders-broker", "clicks").lost, 1_201);
    assert_eq!(totals(&down, "orders-broker", "orders").lost, 0);
    assert_eq!(b.plane.depth("orders"), 401);
    assert_eq!(b.plane.depth("clicks"), 0);

    let over = at_step(&l, 2);
    let b = broker(&over, "orders-broker");
    assert_eq!(b.active, 1, "the standby took over");
    assert!(b.reachable());
    assert_eq!(row_sum(&over, "orders-broker", |t| t.redelivered), 10);
    assert_eq!(totals(&over, "orders-broker", "orders").redelivered, 10);
    let evs = events(&l, 0, 130_000);
    let took_over = evs.iter().find_map(|e| match &e.kind {
        EventKind::BrokerInstanceChanged { role, reason, .. }
            if role == "active" && reason == "failover" =>
        {
            Some(e.t)
        }
        _ => None,
    });
    assert_eq!(took_over, Some(125_000));
    let reconnected = evs
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::BrokerConnection { state, .. } if state == "reconnected")
                && e.t == 125_000
        })
        .count();
    assert_eq!(reconnected, 4);
    // No publish was accepted while no instance was active.
    let published_in_gap = evs
        .iter()
        .filter(|e| {
            (120_000..125_000).contains(&e.t)
                && matches!(&e.kind, EventKind::BrokerMessage { step, .. } if step == "published")
        })
        .count();
    assert_eq!(published_in_gap, 0);

    let back = at_step(&l, 3);
    let b = broker(&back, "orders-broker");
    assert_eq!(b.state.as_str(), "RUNNING");
    assert_eq!(instances_up(&back, "orders-broker"), 2);
    assert_eq!(row_sum(&back, "orders-broker", |t| t.lost), 1_201);
    let back_at = evs
        .iter()
        .chain(events(&l, 0, 180_000).iter())
        .find_map(|e| match &e.kind {
            EventKind::BrokerInstanceChanged {
                instance: 0, role, ..
            } if role == "standby" => Some(e.t),
            _ => None,
        });
    assert_eq!(back_at, Some(150_000));
}

/// The bill's line of `service`: (requests, USD).
fn bill(lab: &Lab, service: &str) -> (u64, f64) {
    let b = lab.world().bill();
    let line = b.iter().find(|b| b.service == service);
    let line = line.unwrap_or_else(|| panic!("no {service} line in {b:?}"));
    (line.requests, line.usd)
}

#[test]
fn mq_or_sqs_both_carry_the_orders_and_an_idle_broker_bills_its_hour() {
    let l = lesson("mq-or-sqs");
    let m1 = at_step(&l, 0);
    assert_eq!(producer_published(&m1, "shop"), 1_200);
    assert_eq!(sqs_sent(&m1, "orders-sqs"), 1_200);
    // Send, receive and delete: three requests an order.
    assert_eq!(bill(&m1, "SQS").0, 3_600);

    let hour = at_step(&l, 1);
    let (sqs_requests, sqs_usd) = bill(&hour, "SQS");
    let (_, mq_usd) = bill(&hour, "Amazon MQ");
    eprintln!("SQS {sqs_requests} requests ${sqs_usd:.6}; Amazon MQ ${mq_usd:.6}");
    assert_eq!(sqs_requests, 3_953);
    assert!((0.00155..0.00165).contains(&sqs_usd), "{sqs_usd}");
    assert!((mq_usd - 0.288).abs() < 1e-9, "{mq_usd}");
    assert_eq!(producer_published(&hour, "shop"), 1_200);
    assert_eq!(row_sum(&hour, "orders-broker", |t| t.acked), 1_200);
}
