//! SNS in scenarios: topics with their subscriptions, producers that publish, simulated
//! endpoints declared with the subscription — what `mqlab run` and the app's presets use.

use mqlab_engine::{EventKind, Scenario, World};

const MIN: u64 = 60_000;

fn run(json: &str, ms: u64) -> (World, Vec<mqlab_engine::Event>) {
    let scenario = Scenario::from_json(json).expect("valid scenario");
    let mut w = World::from_scenario(&scenario).expect("builds");
    w.advance_to(ms);
    let ev = w.drain_events();
    (w, ev)
}

const FANOUT: &str = r#"{
  "seed": 3,
  "queues": [{"QueueName": "billing"}, {"QueueName": "shipping"}, {"QueueName": "big-orders"}],
  "topics": [{"Name": "orders", "Subscriptions": [
    {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:billing"},
    {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:shipping",
     "Attributes": {"RawMessageDelivery": "true"}},
    {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:big-orders",
     "Attributes": {"FilterPolicyScope": "MessageBody", "FilterPolicy": "{\"n\":[{\"numeric\":[\">\",15]}]}"}}
  ]}],
  "producers": [{"name": "web", "topic": "orders", "bursts": [{"at_s": 1, "count": 20}], "batch_size": 10}]
}"#;

#[test]
fn a_producer_publishing_to_a_topic_fans_out_a_copy_to_every_subscribed_queue() {
    let (w, ev) = run(FANOUT, MIN);
    let q = |n: &str| {
        w.sqs()
            .queue_summaries()
            .into_iter()
            .find(|q| q.name == n)
            .unwrap()
    };
    assert_eq!(q("billing").sent, 20);
    assert_eq!(q("shipping").sent, 20);
    // The body-scope filter passes messages 16–20 only.
    assert_eq!(q("big-orders").sent, 5);
    let batches = ev
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::ApiCall { operation, .. } if operation == "PublishBatch"))
        .count();
    assert_eq!(batches, 2, "20 messages in batches of 10");
    // Envelope for the plain subscription, the bare body for the raw one.
    let body = |n: &str| {
        w.sqs()
            .queue_by_name(n)
            .unwrap()
            .messages()
            .next()
            .unwrap()
            .body
            .clone()
    };
    assert!(
        body("billing").contains("\"Type\" : \"Notification\"")
            || body("billing").contains("\"Type\":\"Notification\""),
        "{}",
        body("billing")
    );
    assert!(
        body("shipping").starts_with("{\"producer\":\"web\""),
        "{}",
        body("shipping")
    );
}

#[test]
fn a_failing_http_endpoint_declared_in_a_scenario_is_retried_20_seconds_apart() {
    let (w, ev) = run(
        r#"{"topics": [{"Name": "alerts", "Subscriptions": [
              {"Protocol": "https", "Endpoint": "https://example.com/hook",
               "behaviour": {"Http": {"latency_ms": 100, "availability": 0.0, "failure_status": 503}}}]}],
            "producers": [{"name": "monitor", "topic": "alerts", "bursts": [{"at_s": 0, "count": 1}]}]}"#,
        5 * MIN,
    );
    let failed: Vec<u64> = ev
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeliveryAttemptFailed { .. }))
        .map(|e| e.t)
        .collect();
    // The first attempt and the HTTP default's 3 retries, 20 s apart.
    assert_eq!(failed.len(), 4, "{failed:?}");
    for pair in failed.windows(2) {
        let gap = pair[1] - pair[0];
        assert!((20_000..=20_200).contains(&gap), "{failed:?}");
    }
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e.kind, EventKind::NotificationFailed { .. }))
            .count(),
        1
    );
    let _ = w;
}

#[test]
fn bad_topics_and_publishers_in_a_scenario_are_refused_with_the_field_named() {
    let cases = [
        (
            r#"{"topics":[{"Name":"t"},{"Name":"t"}]}"#,
            "topics[1].Name",
        ),
        (
            r#"{"topics":[{"Name":"t"}],"producers":[{"name":"p","topic":"nope"}]}"#,
            "producers[0].topic",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"topics":[{"Name":"t"}],"producers":[{"name":"p","queue":"q","topic":"t"}]}"#,
            "producers[0].topic",
        ),
        (
            r#"{"topics":[{"Name":"t","Subscriptions":[{"Protocol":"http","Endpoint":"http://x","behaviour":{"Http":{"availability":2}}}]}]}"#,
            "topics[0].Subscriptions[0].behaviour",
        ),
    ];
    for (json, field) in cases {
        let e = Scenario::from_json(json).expect_err(json);
        assert!(e.field.starts_with(field), "{json}: {e}");
    }
    // A topic name AWS refuses, and a subscription AWS refuses, when the world is built.
    for (json, field) in [
        (r#"{"topics":[{"Name":"bad name"}]}"#, "topics[0]"),
        (
            r#"{"topics":[{"Name":"t.fifo","Attributes":{"FifoTopic":"true"},"Subscriptions":[{"Protocol":"email","Endpoint":"a@example.com"}]}]}"#,
            "topics[0].Subscriptions[0]",
        ),
    ] {
        let s = Scenario::from_json(json).expect(json);
        let e = World::from_scenario(&s).expect_err(json);
        assert_eq!(e.field, field, "{json}: {e}");
    }
}

#[test]
fn a_scenario_with_topics_round_trips_through_json() {
    let s = Scenario::from_json(FANOUT).unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn an_http_throttle_policy_spreads_deliveries_to_max_receives_per_second() {
    let (_, ev) = run(
        r#"{"topics": [{"Name": "feed", "Subscriptions": [
              {"Protocol": "https", "Endpoint": "https://example.com/in",
               "Attributes": {"DeliveryPolicy": "{\"throttlePolicy\":{\"maxReceivesPerSecond\":5}}"}}]}],
            "producers": [{"name": "p", "topic": "feed", "batch_size": 10, "bursts": [{"at_s": 0, "count": 20}]}]}"#,
        MIN,
    );
    let attempts: Vec<u64> = ev
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeliveryAttempted { .. }))
        .map(|e| e.t)
        .collect();
    assert_eq!(attempts.len(), 20, "each delivered at its first attempt");
    for second in 0..4 {
        let n = attempts.iter().filter(|&&t| t / 1_000 == second).count();
        assert_eq!(n, 5, "second {second}: {attempts:?}");
    }
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e.kind, EventKind::NotificationDelivered { .. }))
            .count(),
        20
    );
}
