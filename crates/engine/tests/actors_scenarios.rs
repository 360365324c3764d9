//! Simulated actors (producers, consumers) and the scenario format: what a scenario declares
//! is what the run does, and a bad scenario is refused with the field named.

use mqlab_engine::actors::ConsumerState;
use mqlab_engine::{events_hash, EventKind, Scenario, World};

const MIN: u64 = 60_000;

fn world(json: &str) -> World {
    World::from_scenario(&Scenario::from_json(json).expect("valid scenario")).expect("builds")
}

fn run(json: &str, ms: u64) -> (World, Vec<mqlab_engine::Event>) {
    let mut w = world(json);
    w.advance_to(ms);
    let ev = w.drain_events();
    (w, ev)
}

fn count(ev: &[mqlab_engine::Event], f: impl Fn(&EventKind) -> bool) -> usize {
    ev.iter().filter(|e| f(&e.kind)).count()
}

#[test]
fn a_constant_producer_sends_at_its_rate() {
    let (w, _) = run(
        r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","rate_per_s":5}]}"#,
        MIN,
    );
    let q = &w.sqs().queue_summaries()[0];
    // 5/s from t=0 for 60 s: the sends at 0, 200 ms, …, 60,000 ms.
    assert_eq!(q.sent, 301);
}

#[test]
fn a_poisson_producer_averages_its_rate() {
    let (w, _) = run(
        r#"{"seed":3,"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","rate_per_s":10,"arrival":"poisson"}]}"#,
        10 * MIN,
    );
    let sent = w.sqs().queue_summaries()[0].sent as f64;
    assert!(
        (5_400.0..6_600.0).contains(&sent),
        "sent {sent}, expected about 6,000"
    );
}

#[test]
fn a_burst_sends_all_its_messages_at_once_in_batches() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","batch_size":10,"bursts":[{"at_s":5,"count":95}]}]}"#,
        10_000,
    );
    assert_eq!(w.sqs().queue_summaries()[0].sent, 95);
    let sends: Vec<&mqlab_engine::Event> = ev
        .iter()
        .filter(|e| matches!(e.kind, EventKind::MessageSent { .. }))
        .collect();
    assert!(sends.iter().all(|e| e.t == 5_000));
    assert_eq!(
        count(
            &ev,
            |k| matches!(k, EventKind::ApiCall { operation, .. } if operation == "SendMessageBatch")
        ),
        10
    );
}

#[test]
fn consumers_receive_process_and_delete_everything_sent() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"q"}],
            "producers":[{"name":"p","queue":"q","rate_per_s":5,"stop_s":50}],
            "consumers":[{"name":"c","queue":"q","count":2,"wait_time_s":20,"max_messages":10}]}"#,
        2 * MIN,
    );
    let q = &w.sqs().queue_summaries()[0];
    assert_eq!(q.sent, 250);
    assert_eq!(q.deleted, 250);
    assert_eq!(q.visible + q.in_flight, 0);
    assert_eq!(
        count(&ev, |k| matches!(
            k,
            EventKind::MessageProcessed { ok: true, .. }
        )),
        250
    );
}

#[test]
fn short_polling_consumers_make_empty_receives_and_long_polling_ones_almost_none() {
    let spec = |wait: u32| {
        format!(
            r#"{{"queues":[{{"QueueName":"q"}}],"producers":[{{"name":"p","queue":"q","rate_per_s":1}}],
                "consumers":[{{"name":"c","queue":"q","wait_time_s":{wait}}}]}}"#
        )
    };
    let (short, _) = run(&spec(0), 5 * MIN);
    let (long, _) = run(&spec(20), 5 * MIN);
    let s = short.sqs().queue_summaries()[0].empty_receives;
    let l = long.sqs().queue_summaries()[0].empty_receives;
    assert!(s > 1_000, "short polling: {s} empty receives");
    assert!(l < 20, "long polling: {l} empty receives");
    assert!(short.sqs().cost().requests() > 10 * long.sqs().cost().requests());
}

#[test]
fn a_failing_consumer_leaves_messages_to_reach_the_dead_letter_queue() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"dlq"},
                      {"QueueName":"q","Attributes":{"VisibilityTimeout":"5","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":\"3\"}"}}],
            "producers":[{"name":"p","queue":"q","bursts":[{"at_s":0,"count":10}]}],
            "consumers":[{"name":"c","queue":"q","wait_time_s":20,"failure_probability":1.0}]}"#,
        5 * MIN,
    );
    let by_name = |n: &str| {
        w.sqs()
            .queue_summaries()
            .into_iter()
            .find(|q| q.name == n)
            .unwrap()
    };
    assert_eq!(by_name("q").moved_to_dlq, 10);
    assert_eq!(by_name("dlq").visible, 10);
    // Each message was received maxReceiveCount (3) times before the move.
    assert_eq!(
        count(
            &ev,
            |k| matches!(k, EventKind::MessageReceived { queue, .. } if queue == "q")
        ),
        30
    );
}

#[test]
fn a_visibility_timeout_shorter_than_processing_causes_duplicate_processing() {
    let (_, ev) = run(
        r#"{"queues":[{"QueueName":"q","Attributes":{"VisibilityTimeout":"2"}}],
            "producers":[{"name":"p","queue":"q","bursts":[{"at_s":0,"count":2}]}],
            "consumers":[{"name":"c","queue":"q","count":4,"wait_time_s":20,"processing":{"dist":"fixed","ms":5000}}]}"#,
        MIN,
    );
    let returns = count(&ev, |k| {
        matches!(
            k,
            EventKind::MessageVisible {
                reason: mqlab_engine::event::VisibleReason::VisibilityTimeoutExpired,
                ..
            }
        )
    });
    assert!(
        returns > 0,
        "messages should come back while still being processed"
    );
    let processed = count(&ev, |k| {
        matches!(k, EventKind::MessageProcessed { ok: true, .. })
    });
    assert!(
        processed > 2,
        "{processed} completions for 2 messages: some processed twice"
    );
}

#[test]
fn a_heartbeat_keeps_a_slow_message_invisible() {
    let (_, ev) = run(
        r#"{"queues":[{"QueueName":"q"}],
            "producers":[{"name":"p","queue":"q","bursts":[{"at_s":0,"count":1}]}],
            "consumers":[{"name":"c","queue":"q","count":2,"wait_time_s":20,"visibility_timeout_s":4,"heartbeat":true,
                          "processing":{"dist":"fixed","ms":15000}}]}"#,
        MIN,
    );
    assert!(count(&ev, |k| matches!(k, EventKind::VisibilityChanged { .. })) >= 3);
    assert_eq!(
        count(&ev, |k| matches!(k, EventKind::MessageReceived { .. })),
        1,
        "never delivered twice"
    );
    assert_eq!(
        count(&ev, |k| matches!(k, EventKind::MessageDeleted { .. })),
        1
    );
}

#[test]
fn a_crashing_consumer_abandons_its_batch_and_restarts() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"q","Attributes":{"VisibilityTimeout":"10"}}],
            "producers":[{"name":"p","queue":"q","bursts":[{"at_s":0,"count":5}]}],
            "consumers":[{"name":"c","queue":"q","wait_time_s":20,"max_messages":5,"crash_probability":1.0,"restart_after_s":30}]}"#,
        20_000,
    );
    assert_eq!(
        count(&ev, |k| matches!(
            k,
            EventKind::ConsumerCrashed { abandoned: 5, .. }
        )),
        1
    );
    assert_eq!(w.actors().consumers[0].state, ConsumerState::Down);
    // The abandoned messages come back when their visibility timeout ends.
    assert_eq!(
        count(&ev, |k| matches!(k, EventKind::MessageVisible { .. })),
        5
    );
}

#[test]
fn a_fifo_producer_rotates_message_groups_and_consumers_keep_group_order() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"q.fifo","Attributes":{"FifoQueue":"true"}}],
            "producers":[{"name":"p","queue":"q.fifo","rate_per_s":20,"message_groups":3,"stop_s":10}],
            "consumers":[{"name":"c","queue":"q.fifo","count":3,"wait_time_s":20,"max_messages":10}]}"#,
        MIN,
    );
    let q = &w.sqs().queue_summaries()[0];
    assert_eq!(q.sent, q.deleted);
    let mut groups = std::collections::BTreeSet::new();
    for e in &ev {
        if let EventKind::MessageSent {
            group_id: Some(g), ..
        } = &e.kind
        {
            groups.insert(g.clone());
        }
    }
    assert_eq!(groups.len(), 3);
}

#[test]
fn same_scenario_and_seed_give_the_same_run_and_another_seed_another() {
    let spec = |seed: u64| {
        format!(
            r#"{{"seed":{seed},"queues":[{{"QueueName":"dlq"}},{{"QueueName":"q","Attributes":{{"VisibilityTimeout":"3","RedrivePolicy":"{{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":\"2\"}}"}}}}],
                "producers":[{{"name":"p","queue":"q","rate_per_s":20,"arrival":"poisson"}}],
                "consumers":[{{"name":"c","queue":"q","count":3,"wait_time_s":0,"max_messages":4,"failure_probability":0.2,"crash_probability":0.01,
                              "processing":{{"dist":"exponential","mean_ms":300}}}}]}}"#
        )
    };
    let h = |seed| events_hash(&run(&spec(seed), 5 * MIN).1);
    assert_eq!(h(1), h(1));
    assert_ne!(h(1), h(2));
}

#[test]
fn bad_scenarios_are_refused_with_the_field_named() {
    let cases = [
        (
            r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","max_messages":11}]}"#,
            "consumers[0]",
            "max_messages",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"nope"}]}"#,
            "producers[0].queue",
            "nope",
        ),
        (
            r#"{"queues":[{"QueueName":"q"},{"QueueName":"q"}]}"#,
            "queues[1].QueueName",
            "twice",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","rate_per_s":-1}]}"#,
            "producers[0]",
            "rate_per_s",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","failure_probability":2}]}"#,
            "consumers[0]",
            "failure_probability",
        ),
        (
            r#"{"sqs":{"short_poll_sample_ratio":1.5}}"#,
            "",
            "short_poll_sample_ratio",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"unknown":1}"#,
            "",
            "unknown",
        ),
        (r#"not json"#, "", "not a valid scenario"),
    ];
    for (json, field, word) in cases {
        let e = Scenario::from_json(json).expect_err(json);
        assert_eq!(e.field, field, "{json}: {e}");
        assert!(e.to_string().contains(word), "{json}: {e}");
    }
}

#[test]
fn a_bad_queue_attribute_in_a_scenario_is_refused_with_the_aws_error() {
    let s = Scenario::from_json(
        r#"{"queues":[{"QueueName":"q","Attributes":{"VisibilityTimeout":"99999"}}]}"#,
    )
    .unwrap();
    let e = World::from_scenario(&s).expect_err("out of range");
    assert_eq!(e.field, "queues[0]");
    assert!(e.message.contains("InvalidAttributeValue"), "{e}");
}

#[test]
fn a_scenario_may_declare_a_dead_letter_queue_after_its_source() {
    let s = Scenario::from_json(
        r#"{"queues":[{"QueueName":"q","Attributes":{"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":\"2\"}"}},{"QueueName":"dlq"}]}"#,
    )
    .unwrap();
    assert!(World::from_scenario(&s).is_ok());
}

#[test]
fn an_oversized_scenario_is_refused() {
    let big = format!(
        r#"{{"name":"{}"}}"#,
        "x".repeat(mqlab_engine::scenario::SCENARIO_BYTES_MAX)
    );
    assert!(Scenario::from_json(&big)
        .unwrap_err()
        .to_string()
        .contains("limit"));
}

#[test]
fn scenarios_round_trip_through_json() {
    let s = Scenario::from_json(include_str!("../../../scenarios/smoke.json")).unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn changing_the_consumer_count_starts_and_stops_instances() {
    let mut w = world(
        r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","count":2,"wait_time_s":20}]}"#,
    );
    w.advance_to(1_000);
    w.with_actors(|a, ctx| a.set_consumer_count(ctx, 0, 5));
    let running = |w: &World| {
        w.actors()
            .consumers
            .iter()
            .filter(|c| c.state != ConsumerState::Stopped)
            .count()
    };
    assert_eq!(running(&w), 5);
    w.with_actors(|a, ctx| a.set_consumer_count(ctx, 0, 1));
    assert_eq!(running(&w), 1);
    w.advance_to(MIN);
}

#[test]
fn changing_a_producer_rate_applies_from_now() {
    let mut w = world(
        r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","rate_per_s":0}]}"#,
    );
    w.advance_to(10_000);
    assert_eq!(w.sqs().queue_summaries()[0].sent, 0);
    let mut spec = w.actors().producers[0].spec.clone();
    spec.rate_per_s = 10.0;
    w.with_actors(|a, ctx| a.set_producer(ctx, 0, spec.clone()))
        .unwrap();
    w.advance_to(20_000);
    assert_eq!(w.sqs().queue_summaries()[0].sent, 101);
    spec.rate_per_s = 1.0;
    w.with_actors(|a, ctx| a.set_producer(ctx, 0, spec.clone()))
        .unwrap();
    w.advance_to(30_000);
    // One chain of sends only: the old 10/s chain stopped.
    assert_eq!(w.sqs().queue_summaries()[0].sent, 101 + 11);
    spec.batch_size = 11;
    assert!(w
        .with_actors(|a, ctx| a.set_producer(ctx, 0, spec.clone()))
        .is_err());
}

#[test]
fn a_burst_added_while_running_is_sent_now_and_past_bursts_are_not_sent_again() {
    let mut w = world(
        r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","batch_size":10,"bursts":[{"at_s":1,"count":5},{"at_s":60,"count":7}]}]}"#,
    );
    w.advance_to(10_000);
    assert_eq!(w.sqs().queue_summaries()[0].sent, 5);
    // "Burst now": the same list with one more burst at the current instant.
    let mut spec = w.actors().producers[0].spec.clone();
    spec.bursts.push(mqlab_engine::actors::Burst {
        at_s: 10.0,
        count: 20,
    });
    w.with_actors(|a, ctx| a.set_producer(ctx, 0, spec.clone()))
        .unwrap();
    w.advance_to(10_000);
    assert_eq!(w.sqs().queue_summaries()[0].sent, 25, "sent at once");
    // Editing again at the same instant does not send the new burst twice, and the burst
    // still to come (60 s) is sent once, not once per edit.
    w.with_actors(|a, ctx| a.set_producer(ctx, 0, spec.clone()))
        .unwrap();
    w.advance_to(2 * MIN);
    assert_eq!(w.sqs().queue_summaries()[0].sent, 25 + 7);
}

#[test]
fn a_poison_message_always_fails_and_ends_in_the_dead_letter_queue() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"dlq"},
                      {"QueueName":"q","Attributes":{"VisibilityTimeout":"2","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":\"3\"}"}}],
            "producers":[{"name":"p","queue":"q","bursts":[{"at_s":0,"count":20}],"poison_every":5}],
            "consumers":[{"name":"c","queue":"q","wait_time_s":20}]}"#,
        2 * MIN,
    );
    let by_name = |n: &str| {
        w.sqs()
            .queue_summaries()
            .into_iter()
            .find(|q| q.name == n)
            .unwrap()
    };
    // Messages 5, 10, 15, 20 are poison: each fails every time, 3 receives, then the DLQ.
    assert_eq!(by_name("q").moved_to_dlq, 4);
    assert_eq!(by_name("dlq").visible, 4);
    assert_eq!(
        by_name("q").deleted,
        16,
        "the healthy messages are processed"
    );
    assert_eq!(
        count(&ev, |k| matches!(
            k,
            EventKind::MessageProcessed { ok: false, .. }
        )),
        12
    );
}

/// A producer that resends (its answer was lost): a standard queue keeps both copies, a FIFO
/// queue accepts the retry and keeps one (deduplication within 5 minutes, aws-rules §1.9).
#[test]
fn a_resending_producer_duplicates_on_a_standard_queue_and_is_deduplicated_on_fifo() {
    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"q"}],
            "producers":[{"name":"p","queue":"q","rate_per_s":10,"stop_s":2,"resend_every":3}]}"#,
        MIN,
    );
    let p = &w.actors().producers[0];
    assert_eq!(p.sent, 20);
    assert_eq!(p.resent, 6, "every third call of 20 is made twice");
    assert_eq!(w.sqs().queue_summaries()[0].sent, 26);
    assert_eq!(
        count(&ev, |k| matches!(k, EventKind::MessageDeduplicated { .. })),
        0
    );

    let (w, ev) = run(
        r#"{"queues":[{"QueueName":"q.fifo","Attributes":{"FifoQueue":"true"}}],
            "producers":[{"name":"p","queue":"q.fifo","rate_per_s":10,"stop_s":2,"batch_size":2,"resend_every":2}]}"#,
        MIN,
    );
    let p = &w.actors().producers[0];
    assert_eq!(p.sent, 20);
    assert_eq!(p.resent, 10, "every second batch of 2, of 10 batches");
    assert_eq!(
        w.sqs().queue_summaries()[0].sent,
        20,
        "the retries are not kept"
    );
    assert_eq!(
        count(&ev, |k| matches!(k, EventKind::MessageDeduplicated { .. })),
        10
    );
}

#[test]
fn only_a_producer_sending_to_a_queue_may_resend() {
    let e = Scenario::from_json(
        r#"{"topics":[{"Name":"t"}],
            "producers":[{"name":"p","topic":"t","rate_per_s":1,"resend_every":2}]}"#,
    )
    .and_then(|s| World::from_scenario(&s).map(|_| ()))
    .unwrap_err();
    assert!(e.to_string().contains("resend_every"), "{e}");
}
