//! Every SNS preset shows, within a few virtual minutes, what its explanation promises.

use mqlab_appcore::i18n::Lang;
use mqlab_appcore::presets;
use mqlab_engine::sqs::QueueSummary;
use mqlab_engine::{Event, EventKind, Scenario, World};

const MIN: u64 = 60_000;

struct Run {
    world: World,
    events: Vec<Event>,
}

fn run(id: &str, until_ms: u64) -> Run {
    let p = presets::by_id(id).unwrap_or_else(|| panic!("no preset {id}"));
    let s = Scenario::from_json(p.scenario_json()).unwrap_or_else(|e| panic!("{id}: {e}"));
    let mut world = World::from_scenario(&s).unwrap_or_else(|e| panic!("{id}: {e}"));
    let mut events = Vec::new();
    let mut t = 0;
    while t < until_ms {
        t = (t + 1_000).min(until_ms);
        world.advance_to(t);
        events.extend(world.drain_events());
    }
    Run { world, events }
}

impl Run {
    fn queue(&self, name: &str) -> QueueSummary {
        self.world
            .sqs()
            .queue_summaries()
            .into_iter()
            .find(|q| q.name == name)
            .unwrap_or_else(|| panic!("no queue {name}"))
    }
    fn topic(&self, name: &str) -> mqlab_engine::sns::TopicSummary {
        self.world
            .sns()
            .topic_summaries()
            .into_iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no topic {name}"))
    }
    fn count(&self, f: impl Fn(&EventKind) -> bool) -> usize {
        self.events.iter().filter(|e| f(&e.kind)).count()
    }
}

#[test]
fn every_sns_preset_explains_itself_in_both_languages() {
    for id in [
        "sns-fanout",
        "sns-filter",
        "sns-fifo",
        "sns-http-retries",
        "sns-alone",
        "sns-with-sqs",
        "sns-mobile-push",
    ] {
        assert!(presets::by_id(id).is_some(), "{id}");
        for lang in Lang::ALL {
            assert!(!presets::title(id, lang).is_empty(), "{id} {lang:?}");
            assert!(presets::explanation(id, lang).len() > 200, "{id} {lang:?}");
        }
    }
    assert_eq!(presets::compare_with("sns-alone"), Some("sns-with-sqs"));
}

#[test]
fn sns_fanout_gives_every_queue_its_own_copy_and_a_slow_one_does_not_hold_the_others_back() {
    let r = run("sns-fanout", 75_000);
    let published = r.topic("orders").totals.published;
    assert!(published > 100, "{published}");
    for q in ["billing", "shipping", "analytics"] {
        let sent = r.queue(q).sent;
        // A batch of 10 may be on its way (SNS delivers tens of ms after the publish).
        assert!(published - sent <= 10, "{q}: {sent} of {published}");
    }
    // 45 s after the burst: shipping (400 ms a message, 2 arrive a second) still works
    // through it; billing (200 ms) is done.
    let backlog = |q: &str| r.queue(q).visible + r.queue(q).in_flight;
    assert!(backlog("shipping") > 20, "shipping {}", backlog("shipping"));
    assert!(backlog("billing") < 5, "billing {}", backlog("billing"));
}

#[test]
fn sns_filter_routes_by_attribute_and_by_body() {
    let r = run("sns-filter", 2 * MIN);
    let bodies = |q: &str| -> Vec<(String, String)> {
        r.world
            .sqs()
            .queue_by_name(q)
            .unwrap()
            .messages()
            .map(|m| {
                // The envelope carries the attributes and the original message.
                let env: serde_json::Value = serde_json::from_str(&m.body.as_str()).unwrap();
                let store = env["MessageAttributes"]["store"]["Value"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                (store, env["Message"].as_str().unwrap_or("").to_string())
            })
            .collect()
    };
    assert!(r.queue("north-store").sent > 20);
    assert!(r.queue("other-stores").sent > 20);
    assert!(r.queue("mobile-orders").sent > 20);
    assert!(bodies("north-store").iter().all(|(s, _)| s == "north"));
    assert!(bodies("other-stores").iter().all(|(s, _)| s != "north"));
    assert!(bodies("mobile-orders")
        .iter()
        .all(|(_, m)| m.contains("\"producer\":\"mobile-app\"")));
    let t = r.topic("orders");
    assert!(t.totals.filtered_out > t.totals.published, "{:?}", t.totals);
}

#[test]
fn sns_fifo_delivers_every_payment_to_both_fifo_queues_once() {
    let r = run("sns-fifo", 2 * MIN);
    let published = r.topic("payments.fifo").totals.published;
    assert!(published > 300);
    for q in ["ledger.fifo", "notifications.fifo"] {
        assert!(published - r.queue(q).sent <= 1, "{q}");
        assert_eq!(r.queue(q).duplicates_delivered, 0, "{q}");
    }
    // Per group, the ledger receives payments in the order SNS delivered them.
    let mut order: std::collections::BTreeMap<String, usize> = Default::default();
    let mut last: std::collections::BTreeMap<String, usize> = Default::default();
    for e in &r.events {
        match &e.kind {
            EventKind::MessageSent {
                queue, message_id, ..
            } if queue == "ledger.fifo" => {
                let n = order.len();
                order.insert(message_id.clone(), n);
            }
            EventKind::MessageReceived {
                queue,
                message_id,
                group_id: Some(g),
                receive_count: 1,
                ..
            } if queue == "ledger.fifo" => {
                let n = order[message_id];
                if let Some(&prev) = last.get(g) {
                    assert!(n > prev, "group {g}: message {n} after {prev}");
                }
                last.insert(g.clone(), n);
            }
            _ => {}
        }
    }
    assert_eq!(last.len(), 3, "three groups");
}

#[test]
fn sns_http_retries_sends_what_fails_four_times_to_the_subscription_dlq() {
    let r = run("sns-http-retries", 3 * MIN);
    let t = r.topic("alerts");
    assert!(t.totals.moved_to_dlq > 5, "{:?}", t.totals);
    assert_eq!(r.queue("webhook-dlq").sent, t.totals.moved_to_dlq);
    assert!(t.totals.published - r.queue("audit").sent <= 1);
    // A dead-lettered copy was tried 4 times (1 + 3 retries).
    let attempts = r.count(|k| matches!(k, EventKind::DeliveryAttempted { attempt: 4, protocol, .. } if protocol == "https"));
    assert!(attempts as u64 >= t.totals.moved_to_dlq);
}

#[test]
fn sns_alone_loses_part_of_a_burst_that_sns_with_sqs_keeps() {
    let alone = run("sns-alone", 3 * MIN);
    let with = run("sns-with-sqs", 3 * MIN);
    let a = alone.topic("orders").totals;
    let w = with.topic("orders").totals;
    assert_eq!(a.published, w.published, "the same load");
    assert!(a.failed > 10, "alone: {a:?}");
    assert_eq!(w.failed, 0, "with SQS: {w:?}");
    let q = with.queue("orders-buffer");
    assert_eq!(q.sent, w.delivered);
    assert!(q.deleted + 3 >= q.sent, "the service caught up: {q:?}");
}

#[test]
fn sns_mobile_push_reaches_push_sms_and_email_and_retries_the_flaky_channel() {
    let r = run("sns-mobile-push", 5 * MIN);
    for protocol in ["application", "sms", "email"] {
        let delivered = r.count(
            |k| matches!(k, EventKind::NotificationDelivered { protocol: p, .. } if p == protocol),
        );
        assert!(delivered > 20, "{protocol}: {delivered}");
    }
    let retries = r.count(|k| matches!(k, EventKind::DeliveryAttempted { attempt, protocol, .. } if *attempt > 1 && protocol == "email"));
    assert!(retries > 3, "email retries: {retries}");
    assert!(r.world.sns().cost().usd() > 0.0);
}

#[test]
fn s3_thumbnails_notifies_the_topic_for_jpg_uploads_only_and_fans_out_to_lambda_and_sqs() {
    let r = run("s3-thumbnails", 2 * MIN);
    let photos =
        r.count(|k| matches!(k, EventKind::ObjectPut { key, .. } if key.ends_with(".jpg")));
    let notes = r.count(|k| matches!(k, EventKind::ObjectPut { key, .. } if key.ends_with(".txt")));
    assert!(photos > 100 && notes > 50, "{photos} photos, {notes} notes");
    let sent = r.count(|k| matches!(k, EventKind::S3NotificationSent { .. }));
    assert!(
        photos - sent <= 1,
        "one notification per photo: {sent} of {photos}"
    );
    let lambda = r.count(
        |k| matches!(k, EventKind::NotificationDelivered { protocol, .. } if protocol == "lambda"),
    );
    assert!(
        lambda as u64 + 2 >= sent as u64,
        "{lambda} invocations for {sent} events"
    );
    // The audit queue gets a copy of every event, as the Lambda does.
    assert!(r.queue("upload-audit").sent as usize >= sent);
}
