//! The SNS half of the view: what a topic's branches show, folded from a real run's events.

use mqlab_appcore::sns_view::CopyState;
use mqlab_appcore::view::ViewModel;
use mqlab_engine::{Scenario, World};

fn driven(json: &str, until_ms: u64) -> (World, ViewModel) {
    let mut w = World::from_scenario(&Scenario::from_json(json).unwrap()).unwrap();
    let mut vm = ViewModel::new(&w);
    // Keep finished copies long enough to look at them.
    vm.set_transient_ms(until_ms);
    let mut t = 0;
    while t < until_ms {
        t = (t + 250).min(until_ms);
        w.advance_to(t);
        let ev = w.drain_events();
        vm.apply(&ev);
        vm.sync(&w);
    }
    (w, vm)
}

const FANOUT: &str = r#"{
  "queues": [{"QueueName": "billing"}, {"QueueName": "big"}],
  "topics": [{"Name": "orders", "Subscriptions": [
    {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:billing"},
    {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:big",
     "Attributes": {"FilterPolicyScope": "MessageBody", "FilterPolicy": "{\"n\":[{\"numeric\":[\">\",3]}]}"}},
    {"Protocol": "https", "Endpoint": "https://hooks.example.com/orders",
     "behaviour": {"Http": {"latency_ms": 50, "availability": 0.0, "failure_status": 503}}}
  ]}],
  "producers": [{"name": "web", "topic": "orders", "bursts": [{"at_s": 1, "count": 5}]}]
}"#;

#[test]
fn a_topic_is_drawn_with_a_branch_per_subscription_ending_at_its_queue_or_endpoint() {
    let (_, vm) = driven(FANOUT, 2_000);
    let [t] = vm.sns.topics.as_slice() else {
        panic!("one topic: {:?}", vm.sns.topics)
    };
    assert_eq!(t.name, "orders");
    let labels: Vec<String> = t.subscriptions.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["billing", "big", "hooks.example.com"]);
    assert_eq!(t.subscriptions[0].queue.as_deref(), Some("billing"));
    assert!(
        t.subscriptions.iter().all(|s| !s.pending),
        "the scenario confirms its endpoints"
    );
    assert_eq!(vm.producers[0].topic, Some(0));
    assert_eq!(vm.producers[0].queue, None);
}

#[test]
fn each_publish_splits_into_copies_that_are_delivered_filtered_with_a_reason_or_retried() {
    let (_, vm) = driven(FANOUT, 3_000);
    let t = &vm.sns.topics[0];
    assert_eq!(t.published, 5);
    let of = |si: u16| -> Vec<&CopyState> {
        vm.sns
            .copies
            .values()
            .filter(|c| c.subscription == si)
            .map(|c| &c.state)
            .collect()
    };
    assert_eq!(of(0).len(), 5);
    assert!(of(0)
        .iter()
        .all(|s| matches!(s, CopyState::Delivered { attempts: 1 })));
    // Messages 1–3 stop at the filter, with the key that failed; 4 and 5 go through.
    let filtered: Vec<&String> = of(1)
        .iter()
        .filter_map(|s| match s {
            CopyState::Filtered { reason } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(filtered.len(), 3);
    assert!(filtered.iter().all(|r| r.contains('n')), "{filtered:?}");
    assert_eq!(t.subscriptions[1].filtered_out, 3);
    assert_eq!(t.subscriptions[1].delivered, 2);
    // The failing HTTPS endpoint: each copy waits for its next retry.
    assert!(of(2).iter().all(|s| matches!(
        s,
        CopyState::Retrying {
            next_at: Some(_),
            ..
        }
    )));
}

#[test]
fn a_failing_endpoint_shows_its_retry_timeline_then_gives_up() {
    let (_, vm) = driven(FANOUT, 90_000);
    let s = &vm.sns.topics[0].subscriptions[2];
    // The HTTP/S default: the first attempt and 3 retries, 20 s apart, every one failed.
    let one: Vec<_> = s
        .attempts
        .iter()
        .filter(|a| a.message_id == s.attempts[0].message_id)
        .collect();
    assert_eq!(
        one.iter().map(|a| a.attempt).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(one.iter().all(|a| a.ok == Some(false)));
    for w in one.windows(2) {
        assert_eq!(
            w[1].at_ms - w[0].at_ms,
            20_050,
            "20 s after the 50 ms answer"
        );
    }
    assert_eq!(s.failed, 5);
    assert!(vm
        .sns
        .copies
        .values()
        .filter(|c| c.subscription == 2)
        .all(|c| matches!(c.state, CopyState::Failed { .. })));
}

#[test]
fn finished_copies_fade_from_the_view() {
    let mut w = World::from_scenario(&Scenario::from_json(FANOUT).unwrap()).unwrap();
    let mut vm = ViewModel::new(&w);
    vm.set_transient_ms(1_000);
    for t in (0..=10_000).step_by(500) {
        w.advance_to(t);
        let ev = w.drain_events();
        vm.apply(&ev);
        vm.sync(&w);
    }
    // Delivered and filtered copies are gone; the retrying ones stay.
    assert!(
        vm.sns.copies.values().all(|c| c.subscription == 2),
        "{:?}",
        vm.sns.copies
    );
    assert_eq!(vm.sns.copies.len(), 5);
}

#[test]
fn a_subscription_shows_its_filter_policy_raw_delivery_and_dead_letter_queue() {
    let json = r#"{
      "queues": [{"QueueName": "raw"}, {"QueueName": "hook-dlq"}],
      "topics": [{"Name": "orders", "Subscriptions": [
        {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:raw",
         "Attributes": {"RawMessageDelivery": "true", "FilterPolicy": "{\"kind\":[\"a\"]}"}},
        {"Protocol": "https", "Endpoint": "https://hooks.example.com/x",
         "Attributes": {"RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:hook-dlq\"}"}}
      ]}]
    }"#;
    let (_, vm) = driven(json, 500);
    let subs = &vm.sns.topics[0].subscriptions;
    assert_eq!(subs[0].filter_policy.as_deref(), Some("{\"kind\":[\"a\"]}"));
    assert_eq!(subs[0].filter_scope, "MessageAttributes");
    assert!(subs[0].raw);
    assert_eq!(subs[1].dead_letter_queue.as_deref(), Some("hook-dlq"));
    assert!(!subs[1].raw);
    // A subscription's dead-letter queue is drawn as a dead-letter queue.
    let dlq = vm.queues.iter().find(|q| q.name == "hook-dlq").unwrap();
    assert!(dlq.is_dead_letter_queue);
    assert!(
        !vm.queues
            .iter()
            .find(|q| q.name == "raw")
            .unwrap()
            .is_dead_letter_queue
    );
}

#[test]
fn a_message_sns_puts_in_a_queue_sets_out_from_its_topic() {
    use mqlab_appcore::view::Place;
    let (_, vm) = driven(FANOUT, 3_000);
    let billing = vm.queues.iter().position(|q| q.name == "billing").unwrap() as u16;
    let marks: Vec<_> = vm.marks.values().filter(|m| m.queue == billing).collect();
    assert_eq!(marks.len(), 5);
    assert!(
        marks.iter().all(|m| m.from == Place::Topic(0, 0)),
        "{:?}",
        marks.iter().map(|m| m.from).collect::<Vec<_>>()
    );
}

#[test]
fn a_copy_given_up_on_moves_to_the_dead_letter_queue_from_its_subscriber() {
    use mqlab_appcore::view::Place;
    let json = r#"{
      "queues": [{"QueueName": "hook-dlq"}],
      "topics": [{"Name": "alerts", "Subscriptions": [
        {"Protocol": "https", "Endpoint": "https://hooks.example.com/x",
         "Attributes": {"RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:hook-dlq\"}"},
         "behaviour": {"Http": {"latency_ms": 50, "availability": 0.0, "failure_status": 503}}}
      ]}],
      "producers": [{"name": "m", "topic": "alerts", "bursts": [{"at_s": 1, "count": 1}]}]
    }"#;
    // HTTP/S retries 3 times, 20 s apart, by default (aws-rules §3.6).
    let (_, vm) = driven(json, 120_000);
    let sub = &vm.sns.topics[0].subscriptions[0];
    assert_eq!(sub.moved_to_dlq, 1, "{:?}", sub);
    let dlq = vm.queues.iter().position(|q| q.name == "hook-dlq").unwrap() as u16;
    let m = vm
        .marks
        .values()
        .find(|m| m.queue == dlq)
        .expect("a mark in the DLQ");
    assert_eq!(m.from, Place::Subscriber(0, 0));
}

#[test]
fn an_uploader_is_linked_through_its_bucket_to_the_topic_its_events_go_to() {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/presets/s3-thumbnails.json"
    ))
    .unwrap();
    let (_, vm) = driven(&json, 1_000);
    assert!(!vm.producers.is_empty());
    for p in &vm.producers {
        assert!(p.bucket.is_some(), "{p:?}");
        assert_eq!(p.topic, Some(0), "{p:?}");
    }
}

#[test]
fn a_mobile_endpoint_is_labelled_by_its_app_and_platform() {
    let s = mqlab_appcore::sns_view::SubscriptionView {
        endpoint: "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/news-app/5e3e9847".into(),
        ..Default::default()
    };
    assert_eq!(
        s.label(),
        "news-app (FCM/GCM)",
        "FCM, as the texts say; GCM, as the ARN says"
    );
    let s = mqlab_appcore::sns_view::SubscriptionView {
        endpoint: "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer".into(),
        ..Default::default()
    };
    assert_eq!(s.label(), "thumbnailer");
}

#[test]
fn the_fanout_preset_s_queue_messages_set_out_from_the_topic() {
    use mqlab_appcore::view::Place;
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/presets/sns-fanout.json"
    ))
    .unwrap();
    let mut w = World::from_scenario(&Scenario::from_json(&json).unwrap()).unwrap();
    let mut vm = ViewModel::new(&w);
    let mut froms = Vec::new();
    for t in (100..=20_000).step_by(100) {
        w.advance_to(t);
        let ev = w.drain_events();
        vm.apply(&ev);
        vm.sync(&w);
        froms.extend(vm.marks.values().map(|m| m.from));
    }
    assert!(!froms.is_empty());
    // Received messages set out again from their queue, towards the consumer.
    assert!(
        froms
            .iter()
            .all(|f| matches!(f, Place::Topic(0, _) | Place::Queue(_))),
        "{:?}",
        &froms[..froms.len().min(20)]
    );
    assert!(froms.iter().any(|f| matches!(f, Place::Topic(0, 1))));
}
