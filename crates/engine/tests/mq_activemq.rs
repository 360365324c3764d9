//! Messaging inside an Amazon MQ for ActiveMQ broker (aws-rules §7.7–§7.10): queues and
//! topics, durable and non-durable subscribers, the DLQ after redeliveries, failover of an
//! active/standby pair, flow control at the instance's ceiling.

mod mq_common;

use mq_common::*;
use mqlab_engine::mq::plane::{ConnState, ACTIVEMQ_DLQ, ACTIVEMQ_MAX_REDELIVERIES};
use mqlab_engine::mq::{
    Dest, Publish, FAILOVER_MS, PERSISTENT_EBS_PER_S, PERSISTENT_EFS_PER_S, REBOOT_MS,
};
use mqlab_engine::time::MS_PER_S;
use mqlab_engine::{EventKind, World};
use serde_json::json;

fn amq(mode: &str) -> World {
    let mut w = world();
    running(&mut w, "a", "ACTIVEMQ", mode, "mq.m5.large");
    w
}

fn connect(w: &mut World, client: &str, failover: bool) -> usize {
    w.with_mq(|mq, ctx| mq.connect(ctx, "a", client, failover))
        .unwrap()
}

fn q(name: &str) -> Dest {
    Dest::Queue(name.into())
}

#[test]
fn a_queue_is_point_to_point_each_message_to_one_consumer() {
    let mut w = amq("SINGLE_INSTANCE");
    let c = connect(&mut w, "app", false);
    let k1 = w
        .with_mq(|mq, ctx| mq.consume(ctx, "a", c, "orders", 10, false))
        .unwrap();
    let k2 = w
        .with_mq(|mq, ctx| mq.consume(ctx, "a", c, "orders", 10, false))
        .unwrap();
    for i in 0..4 {
        publish(&mut w, "a", c, q("orders"), &format!("m{i}"), true);
    }
    assert_eq!(bodies(&w, "a", k1), ["m0", "m2"]);
    assert_eq!(bodies(&w, "a", k2), ["m1", "m3"]);
}

#[test]
fn a_durable_subscriber_gets_what_was_published_while_it_was_away_a_non_durable_one_does_not() {
    let mut w = amq("SINGLE_INSTANCE");
    let p = connect(&mut w, "publisher", false);
    let c1 = connect(&mut w, "audit", false);
    let c2 = connect(&mut w, "dashboard", false);
    let d = w
        .with_mq(|mq, ctx| mq.subscribe(ctx, "a", c1, "prices", Some("audit"), 0))
        .unwrap();
    let n = w
        .with_mq(|mq, ctx| mq.subscribe(ctx, "a", c2, "prices", None, 0))
        .unwrap();
    publish(&mut w, "a", p, Dest::Topic("prices".into()), "p1", true);
    assert_eq!(
        (bodies(&w, "a", d), bodies(&w, "a", n)),
        (vec!["p1".to_string()], vec!["p1".to_string()])
    );
    for t in [held(&w, "a", d)[0].0, held(&w, "a", n)[0].0] {
        w.with_mq(|mq, ctx| mq.ack(ctx, "a", t)).unwrap();
    }
    w.with_mq(|mq, ctx| mq.drop_connection(ctx, "a", c1))
        .unwrap();
    w.with_mq(|mq, ctx| mq.drop_connection(ctx, "a", c2))
        .unwrap();
    publish(&mut w, "a", p, Dest::Topic("prices".into()), "p2", true);
    let c1 = connect(&mut w, "audit", false);
    let c2 = connect(&mut w, "dashboard", false);
    let d = w
        .with_mq(|mq, ctx| mq.subscribe(ctx, "a", c1, "prices", Some("audit"), 0))
        .unwrap();
    let n = w
        .with_mq(|mq, ctx| mq.subscribe(ctx, "a", c2, "prices", None, 0))
        .unwrap();
    assert_eq!(bodies(&w, "a", d), ["p2"]);
    assert!(bodies(&w, "a", n).is_empty());
    // One active subscriber per durable subscription.
    let e = w
        .with_mq(|mq, ctx| mq.subscribe(ctx, "a", c2, "prices", Some("audit"), 0))
        .unwrap_err();
    assert_eq!(e.code, "PRECONDITION_FAILED");
}

#[test]
fn a_message_goes_to_the_dlq_after_six_redeliveries_and_a_non_persistent_one_is_discarded() {
    let mut w = amq("SINGLE_INSTANCE");
    let c = connect(&mut w, "app", false);
    let k = w
        .with_mq(|mq, ctx| mq.consume(ctx, "a", c, "jobs", 1, false))
        .unwrap();
    publish(&mut w, "a", c, q("jobs"), "poison", true);
    for delivery in 1..=ACTIVEMQ_MAX_REDELIVERIES + 1 {
        let (tag, body) = held(&w, "a", k)[0].clone();
        assert_eq!(body, "poison", "delivery {delivery}");
        w.with_mq(|mq, ctx| mq.nack(ctx, "a", tag, true)).unwrap();
    }
    let plane = &w.mq().find("a").unwrap().plane;
    assert_eq!((plane.depth("jobs"), plane.depth(ACTIVEMQ_DLQ)), (0, 1));
    publish(&mut w, "a", c, q("jobs"), "fleeting", false);
    for _ in 0..=ACTIVEMQ_MAX_REDELIVERIES {
        let (tag, _) = held(&w, "a", k)[0].clone();
        w.with_mq(|mq, ctx| mq.nack(ctx, "a", tag, true)).unwrap();
    }
    assert_eq!(w.mq().find("a").unwrap().plane.depth(ACTIVEMQ_DLQ), 1);
    assert!(steps(&mut w).contains(&("dropped".into(), "jobs".into())));
}

#[test]
fn persistent_messages_survive_a_failover_and_non_persistent_ones_are_lost() {
    let mut w = amq("ACTIVE_STANDBY_MULTI_AZ");
    let p = connect(&mut w, "producer", true);
    let c = connect(&mut w, "consumer", true);
    publish(&mut w, "a", p, q("orders"), "durable-1", true);
    publish(&mut w, "a", p, q("orders"), "memory-1", false);
    let k = w
        .with_mq(|mq, ctx| mq.consume(ctx, "a", c, "orders", 1, false))
        .unwrap();
    assert_eq!(bodies(&w, "a", k), ["durable-1"]);
    publish(&mut w, "a", p, q("orders"), "durable-2", true);
    w.drain_events();
    // The active instance is lost: no broker until the standby takes over.
    w.with_mq(|mq, ctx| mq.lose_instance(ctx, "a", 0)).unwrap();
    let e = w
        .with_mq(|mq, ctx| mq.publish(ctx, "a", p, &q("orders"), "x", true, &[]))
        .unwrap_err();
    assert_eq!(e.code, "BrokerUnavailable");
    let t = w.now();
    w.advance_to(t + FAILOVER_MS - 1);
    assert!(!w.mq().find("a").unwrap().reachable());
    w.advance_to(t + FAILOVER_MS);
    let b = w.mq().find("a").unwrap();
    assert_eq!(b.active, 1);
    assert_eq!(
        b.plane.connections[c].state,
        ConnState::Open,
        "the failover transport reconnected"
    );
    // The unacknowledged persistent message is redelivered; the non-persistent one is gone.
    let got: Vec<(String, u32)> = b
        .plane
        .deliveries(k)
        .map(|d| (d.message.body.clone(), d.message.deliveries))
        .collect();
    assert_eq!(got, [("durable-1".to_string(), 2)]);
    assert_eq!(
        b.plane
            .queue("orders")
            .unwrap()
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["durable-2"]
    );
    let events = w.drain_events();
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::BrokerMessage { step, .. } if step == "lost")));
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::BrokerInstanceChanged { instance: 1, role, reason, .. } if role == "active" && reason == "failover")));
}

#[test]
fn a_client_without_the_failover_transport_stays_disconnected() {
    let mut w = amq("ACTIVE_STANDBY_MULTI_AZ");
    let plain = connect(&mut w, "plain", false);
    let fo = connect(&mut w, "failover", true);
    let id = w.mq().find("a").unwrap().id.clone();
    call(&mut w, "RebootBroker", json!({ "BrokerId": id })).unwrap();
    let t = w.now();
    w.advance_to(t + REBOOT_MS);
    let b = w.mq().find("a").unwrap();
    assert_eq!(
        (
            b.plane.connections[plain].state,
            b.plane.connections[fo].state
        ),
        (ConnState::Closed, ConnState::Open)
    );
    // The rebooted instance came back as the standby.
    assert_eq!((b.active, b.instances[0].up), (1, true));
    assert_eq!(state(&mut w, &id), "RUNNING");
}

/// A producer that honours flow control: publishes as fast as it is let, for `secs`.
fn accepted_in(w: &mut World, secs: u64, persistent: bool) -> (u64, bool) {
    let c = w
        .with_mq(|mq, ctx| mq.connect(ctx, "a", "producer", true))
        .unwrap();
    let end = w.now() + secs * MS_PER_S;
    let (mut n, mut blocked) = (0, false);
    while w.now() < end {
        let r = w.with_mq(|mq, ctx| {
            mq.publish(ctx, "a", c, &Dest::Queue("q".into()), "x", persistent, &[])
        });
        match r.unwrap() {
            Publish::Accepted { .. } => n += 1,
            Publish::Blocked { until } => {
                blocked = true;
                w.advance_to(until);
            }
        }
    }
    (n, blocked)
}

#[test]
fn producers_are_flow_controlled_at_the_storage_ceiling_for_persistent_messages() {
    // EFS: ~80 persistent messages a second (plus a one-second burst).
    let mut w = amq("SINGLE_INSTANCE");
    let (n, blocked) = accepted_in(&mut w, 10, true);
    assert!(blocked);
    let efs = PERSISTENT_EFS_PER_S;
    assert!((10 * efs..=11 * efs + 1).contains(&n), "{n}");
    assert!(w
        .drain_events()
        .iter()
        .any(|e| matches!(e.kind, EventKind::BrokerFlowControl { .. })));
    // EBS: ~500 a second.
    let mut w = world();
    let mut p = create_params("a", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.large");
    p["StorageType"] = json!("EBS");
    running_with(&mut w, p);
    let (n, _) = accepted_in(&mut w, 2, true);
    let ebs = PERSISTENT_EBS_PER_S;
    assert!((2 * ebs..=3 * ebs + 1).contains(&n), "{n}");
    // Non-persistent messages are bound by the instance, not the storage: many more.
    let (n, _) = accepted_in(&mut w, 1, false);
    assert!(n >= 5_000, "{n}");
}
