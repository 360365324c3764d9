//! Messaging inside an Amazon MQ for RabbitMQ broker (aws-rules §7.8–§7.10): routing per
//! exchange type, topic wildcards, prefetch, nack and requeue, dead-lettering, quorum queues
//! on a 3-node cluster, flow control.

mod mq_common;

use mq_common::*;
use mqlab_engine::mq::plane::{topic_matches, ExchangeType, RABBITMQ4_DELIVERY_LIMIT};
use mqlab_engine::mq::{Dest, Publish, QueueSpec, QueueType};
use mqlab_engine::World;

fn rabbit(itype: &str, mode: &str) -> World {
    let mut w = world();
    running(&mut w, "r", "RABBITMQ", mode, itype);
    w
}

fn queue(w: &mut World, name: &str, spec: QueueSpec) {
    w.with_mq(|mq, ctx| mq.declare_queue(ctx, "r", name, &spec))
        .unwrap();
}

fn classic() -> QueueSpec {
    QueueSpec {
        queue_type: Some(QueueType::Classic),
        ..Default::default()
    }
}

fn quorum() -> QueueSpec {
    QueueSpec {
        queue_type: Some(QueueType::Quorum),
        ..Default::default()
    }
}

fn exchange(w: &mut World, name: &str, kind: ExchangeType) {
    w.with_mq(|mq, _| mq.declare_exchange("r", name, kind))
        .unwrap();
}

fn bind(w: &mut World, x: &str, q: &str, key: &str, headers: &[(&str, &str)]) {
    let h: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    w.with_mq(|mq, _| mq.bind("r", x, q, key, &h)).unwrap();
}

fn depth(w: &World, q: &str) -> usize {
    w.mq().find("r").unwrap().plane.depth(q)
}

fn send(w: &mut World, conn: usize, x: &str, key: &str, headers: &[(&str, &str)]) -> usize {
    let h: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dest = Dest::Exchange(x.into(), key.into());
    match w
        .with_mq(|mq, ctx| mq.publish(ctx, "r", conn, &dest, "m", true, &h))
        .unwrap()
    {
        Publish::Accepted { queues, .. } => queues,
        Publish::Blocked { .. } => panic!("blocked"),
    }
}

fn connect(w: &mut World, client: &str) -> usize {
    w.with_mq(|mq, ctx| mq.connect(ctx, "r", client, true))
        .unwrap()
}

#[test]
fn each_exchange_type_routes_as_amqp_says() {
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    for q in ["a", "b", "c"] {
        queue(&mut w, q, classic());
    }
    exchange(&mut w, "direct", ExchangeType::Direct);
    exchange(&mut w, "fanout", ExchangeType::Fanout);
    exchange(&mut w, "headers", ExchangeType::Headers);
    bind(&mut w, "direct", "a", "red", &[]);
    bind(&mut w, "direct", "b", "blue", &[]);
    bind(&mut w, "fanout", "a", "ignored", &[]);
    bind(&mut w, "fanout", "c", "", &[]);
    bind(
        &mut w,
        "headers",
        "a",
        "",
        &[("format", "pdf"), ("type", "report")],
    );
    bind(
        &mut w,
        "headers",
        "b",
        "",
        &[("x-match", "any"), ("format", "pdf"), ("type", "log")],
    );
    let c = connect(&mut w, "p");
    // Direct: the binding key equals the routing key.
    assert_eq!(send(&mut w, c, "direct", "red", &[]), 1);
    assert_eq!(send(&mut w, c, "direct", "green", &[]), 0);
    // Fanout: every bound queue, whatever the key.
    assert_eq!(send(&mut w, c, "fanout", "x", &[]), 2);
    // Headers: x-match all (the default) needs every pair, any needs one.
    assert_eq!(send(&mut w, c, "headers", "", &[("format", "pdf")]), 1);
    assert_eq!(
        send(
            &mut w,
            c,
            "headers",
            "",
            &[("format", "pdf"), ("type", "report")]
        ),
        2
    );
    // The default exchange routes to the queue named by the key.
    assert_eq!(send(&mut w, c, "", "c", &[]), 1);
    assert_eq!((depth(&w, "a"), depth(&w, "b"), depth(&w, "c")), (3, 2, 2));
    // An unknown exchange is a channel error.
    let e = w
        .with_mq(|mq, ctx| {
            mq.publish(
                ctx,
                "r",
                c,
                &Dest::Exchange("nope".into(), "k".into()),
                "m",
                true,
                &[],
            )
        })
        .unwrap_err();
    assert_eq!(e.code, "NOT_FOUND");
}

#[test]
fn topic_wildcards_star_is_one_word_and_hash_is_zero_or_more() {
    assert!(topic_matches("*.orange.*", "quick.orange.rabbit"));
    assert!(!topic_matches("*.orange.*", "quick.orange.male.rabbit"));
    assert!(!topic_matches("*.orange.*", "orange"));
    assert!(topic_matches("lazy.#", "lazy"));
    assert!(topic_matches("lazy.#", "lazy.orange.male.rabbit"));
    assert!(topic_matches("#", "anything.at.all"));
    assert!(topic_matches("#.rabbit", "rabbit"));
    assert!(!topic_matches("*.*.rabbit", "lazy.rabbit"));

    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    queue(&mut w, "q1", classic());
    queue(&mut w, "q2", classic());
    exchange(&mut w, "animals", ExchangeType::Topic);
    bind(&mut w, "animals", "q1", "*.orange.*", &[]);
    bind(&mut w, "animals", "q2", "*.*.rabbit", &[]);
    bind(&mut w, "animals", "q2", "lazy.#", &[]);
    let c = connect(&mut w, "p");
    assert_eq!(send(&mut w, c, "animals", "quick.orange.rabbit", &[]), 2);
    // Matching two bindings of the same queue delivers it once.
    assert_eq!(send(&mut w, c, "animals", "lazy.pink.rabbit", &[]), 1);
    assert_eq!(send(&mut w, c, "animals", "quick.brown.fox", &[]), 0);
    assert_eq!(
        send(&mut w, c, "animals", "lazy.orange.male.rabbit", &[]),
        1
    );
    assert_eq!((depth(&w, "q1"), depth(&w, "q2")), (1, 3));
}

#[test]
fn prefetch_bounds_the_unacknowledged_messages_pushed_to_a_consumer() {
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    queue(&mut w, "work", classic());
    let c = connect(&mut w, "app");
    let a = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c, "work", 2, false))
        .unwrap();
    let b = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c, "work", 2, false))
        .unwrap();
    for i in 0..6 {
        publish(
            &mut w,
            "r",
            c,
            Dest::Queue("work".into()),
            &format!("m{i}"),
            true,
        );
    }
    // Pushed round robin, two each; the rest waits in the queue.
    assert_eq!(bodies(&w, "r", a), ["m0", "m2"]);
    assert_eq!(bodies(&w, "r", b), ["m1", "m3"]);
    assert_eq!(depth(&w, "work"), 2);
    let (tag, _) = held(&w, "r", a)[0].clone();
    w.with_mq(|mq, ctx| mq.ack(ctx, "r", tag)).unwrap();
    assert_eq!(bodies(&w, "r", a), ["m2", "m4"]);
    assert_eq!(depth(&w, "work"), 1);
    // An acknowledged tag cannot be settled twice.
    assert_eq!(
        w.with_mq(|mq, ctx| mq.ack(ctx, "r", tag)).unwrap_err().code,
        "PRECONDITION_FAILED"
    );
    // With auto-ack there is no bound: the queue drains at once.
    w.with_mq(|mq, ctx| mq.consume(ctx, "r", c, "work", 1, true))
        .unwrap();
    assert_eq!(depth(&w, "work"), 0);
}

#[test]
fn a_nack_with_requeue_redelivers_and_without_it_dead_letters_through_the_dlx() {
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    exchange(&mut w, "dlx", ExchangeType::Fanout);
    queue(&mut w, "dead", classic());
    bind(&mut w, "dlx", "dead", "", &[]);
    queue(
        &mut w,
        "work",
        QueueSpec {
            dead_letter_exchange: Some("dlx".into()),
            ..classic()
        },
    );
    let c = connect(&mut w, "app");
    let k = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c, "work", 1, false))
        .unwrap();
    publish(&mut w, "r", c, Dest::Queue("work".into()), "job", true);
    let (tag, _) = held(&w, "r", k)[0].clone();
    w.with_mq(|mq, ctx| mq.nack(ctx, "r", tag, true)).unwrap();
    let b = w.mq().find("r").unwrap();
    let d = b.plane.deliveries(k).next().unwrap();
    assert_eq!(
        (d.message.body.as_str(), d.message.deliveries),
        ("job", 2),
        "redelivered"
    );
    let tag = d.tag;
    w.with_mq(|mq, ctx| mq.nack(ctx, "r", tag, false)).unwrap();
    assert_eq!((depth(&w, "work"), depth(&w, "dead")), (0, 1));
    let s = steps(&mut w);
    assert!(s.contains(&("requeued".into(), "work".into())));
    assert!(s.contains(&("dead_lettered".into(), "dead".into())));
}

#[test]
fn a_quorum_queue_dead_letters_a_message_returned_more_than_x_delivery_limit_times() {
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    exchange(&mut w, "dlx", ExchangeType::Direct);
    queue(&mut w, "poison", classic());
    bind(&mut w, "dlx", "poison", "work", &[]);
    queue(
        &mut w,
        "work",
        QueueSpec {
            delivery_limit: Some(2),
            dead_letter_exchange: Some("dlx".into()),
            ..quorum()
        },
    );
    let c = connect(&mut w, "app");
    let k = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c, "work", 1, false))
        .unwrap();
    publish(&mut w, "r", c, Dest::Queue("work".into()), "bad", true);
    for attempt in 1..=3 {
        let (tag, _) = held(&w, "r", k)[0].clone();
        w.with_mq(|mq, ctx| mq.nack(ctx, "r", tag, true)).unwrap();
        let dead = depth(&w, "poison");
        assert_eq!(dead, usize::from(attempt == 3), "attempt {attempt}");
    }
    assert!(held(&w, "r", k).is_empty());
}

#[test]
fn quorum_is_the_default_queue_type_from_rabbitmq_4_with_a_delivery_limit_of_20() {
    let mut w = rabbit("mq.m7g.large", "SINGLE_INSTANCE");
    queue(&mut w, "q", QueueSpec::default());
    let q = w.mq().find("r").unwrap().plane.queue("q").unwrap().clone();
    assert_eq!(
        (q.queue_type, q.delivery_limit),
        (QueueType::Quorum, Some(RABBITMQ4_DELIVERY_LIMIT))
    );
    // A quorum queue is durable; redeclaring with another type is refused.
    let transient = QueueSpec {
        durable: Some(false),
        ..QueueSpec::default()
    };
    let e = w
        .with_mq(|mq, ctx| mq.declare_queue(ctx, "r", "t", &transient))
        .unwrap_err();
    assert_eq!(e.code, "PRECONDITION_FAILED");
    let e = w
        .with_mq(|mq, ctx| mq.declare_queue(ctx, "r", "q", &classic()))
        .unwrap_err();
    assert_eq!(e.code, "PRECONDITION_FAILED");
    // RabbitMQ 3.13 declares classic queues by default.
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    queue(&mut w, "q", QueueSpec::default());
    assert_eq!(
        w.mq()
            .find("r")
            .unwrap()
            .plane
            .queue("q")
            .unwrap()
            .queue_type,
        QueueType::Classic
    );
}

#[test]
fn a_quorum_queue_keeps_going_with_two_nodes_of_three_and_stops_without_a_majority() {
    let mut w = rabbit("mq.m5.large", "CLUSTER_MULTI_AZ");
    queue(&mut w, "orders", quorum());
    queue(&mut w, "c0", classic()); // a classic queue on node 1 (the second declared)
    let p = connect(&mut w, "producer");
    let c = connect(&mut w, "consumer");
    let k = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c, "orders", 10, false))
        .unwrap();
    publish(&mut w, "r", p, Dest::Queue("orders".into()), "a", false);
    publish(&mut w, "r", p, Dest::Queue("c0".into()), "transient", false);
    publish(&mut w, "r", p, Dest::Queue("c0".into()), "kept", true);
    assert_eq!(bodies(&w, "r", k), ["a"]);
    let consumer_node = w.mq().find("r").unwrap().plane.connections[c].node;
    w.with_mq(|mq, ctx| mq.lose_instance(ctx, "r", consumer_node))
        .unwrap();
    // The consumer's connection dropped and came back on another node; its unacked
    // message went back and was pushed again (even non-persistent: the quorum log keeps it).
    let b = w.mq().find("r").unwrap();
    assert_ne!(b.plane.connections[c].node, consumer_node);
    let d = b.plane.deliveries(k).next().unwrap();
    assert_eq!((d.message.body.as_str(), d.message.deliveries), ("a", 2));
    publish(&mut w, "r", p, Dest::Queue("orders".into()), "b", true);
    assert_eq!(bodies(&w, "r", k), ["a", "b"]);
    // A second node lost: no majority, the quorum queue stops taking messages.
    let other = (0..3)
        .find(|&i| i != consumer_node && w.mq().find("r").unwrap().instances[i].up)
        .unwrap();
    w.with_mq(|mq, ctx| mq.lose_instance(ctx, "r", other))
        .unwrap();
    let b = w.mq().find("r").unwrap();
    assert!(!b.queue_available(b.plane.queue("orders").unwrap()));
}

#[test]
fn a_classic_queue_loses_its_non_persistent_messages_with_its_node() {
    let mut w = rabbit("mq.m5.large", "CLUSTER_MULTI_AZ");
    queue(&mut w, "c", classic());
    let home = w.mq().find("r").unwrap().plane.queue("c").unwrap().home;
    let p = connect(&mut w, "producer");
    publish(&mut w, "r", p, Dest::Queue("c".into()), "transient", false);
    publish(&mut w, "r", p, Dest::Queue("c".into()), "kept", true);
    w.drain_events();
    w.with_mq(|mq, ctx| mq.lose_instance(ctx, "r", home))
        .unwrap();
    assert!(steps(&mut w).contains(&("lost".into(), "c".into())));
    let b = w.mq().find("r").unwrap();
    assert!(!b.queue_available(b.plane.queue("c").unwrap()));
    w.with_mq(|mq, ctx| mq.restore_instance(ctx, "r", home))
        .unwrap();
    let q = w.mq().find("r").unwrap().plane.queue("c").unwrap().clone();
    assert_eq!(
        q.messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["kept"]
    );
}

#[test]
fn unacknowledged_messages_are_redelivered_when_a_consumers_connection_drops() {
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    queue(&mut w, "work", classic());
    let c1 = connect(&mut w, "worker-1");
    let c2 = connect(&mut w, "worker-2");
    let k1 = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c1, "work", 5, false))
        .unwrap();
    for i in 0..2 {
        publish(
            &mut w,
            "r",
            c1,
            Dest::Queue("work".into()),
            &format!("m{i}"),
            true,
        );
    }
    assert_eq!(bodies(&w, "r", k1), ["m0", "m1"]);
    let k2 = w
        .with_mq(|mq, ctx| mq.consume(ctx, "r", c2, "work", 5, false))
        .unwrap();
    assert!(bodies(&w, "r", k2).is_empty());
    w.with_mq(|mq, ctx| mq.drop_connection(ctx, "r", c1))
        .unwrap();
    let b = w.mq().find("r").unwrap();
    let got: Vec<(String, u32)> = b
        .plane
        .deliveries(k2)
        .map(|d| (d.message.body.clone(), d.message.deliveries))
        .collect();
    assert_eq!(got, [("m0".to_string(), 2), ("m1".to_string(), 2)]);
}

#[test]
fn a_transient_queue_is_gone_after_a_single_instance_reboots() {
    let mut w = rabbit("mq.m5.large", "SINGLE_INSTANCE");
    queue(
        &mut w,
        "temp",
        QueueSpec {
            durable: Some(false),
            ..classic()
        },
    );
    queue(&mut w, "keep", classic());
    w.with_mq(|mq, ctx| mq.lose_instance(ctx, "r", 0)).unwrap();
    let plane = &w.mq().find("r").unwrap().plane;
    assert!(plane.queue("temp").is_none() && plane.queue("keep").is_some());
}

#[test]
fn a_cluster_reboots_node_by_node_and_its_quorum_queue_never_stops() {
    use mqlab_engine::mq::REBOOT_MS;
    let mut w = rabbit("mq.m5.large", "CLUSTER_MULTI_AZ");
    queue(&mut w, "orders", quorum());
    let id = w.mq().find("r").unwrap().id.clone();
    call(
        &mut w,
        "RebootBroker",
        serde_json::json!({ "BrokerId": id }),
    )
    .unwrap();
    let start = w.now();
    let mut t = start;
    while t <= start + 3 * REBOOT_MS {
        w.advance_to(t);
        let b = w.mq().find("r").unwrap();
        let up = b.instances.iter().filter(|i| i.up).count();
        assert!(up >= 2, "{up} nodes up at {t}");
        assert!(b.queue_available(b.plane.queue("orders").unwrap()));
        t += 1_000;
    }
    assert_eq!(state(&mut w, &id), "RUNNING");
    let downs = w
        .drain_events()
        .into_iter()
        .filter(|e| matches!(&e.kind, mqlab_engine::EventKind::BrokerInstanceChanged { role, .. } if role == "down"))
        .count();
    assert_eq!(downs, 3, "each node restarted once");
}
