//! CloudWatch metrics (aws-rules §1.13) and the cost meter (§1.1 billing of polling, §1.14).

mod common;

use common::*;
use mqlab_engine::sqs::SqsConfig;
use serde_json::{json, Value};

fn rows(sim: &Sim, queue: &str, metric: &str) -> Vec<(u64, f64)> {
    sim.w
        .sqs()
        .metric_rows()
        .into_iter()
        .filter(|r| r.dimension("QueueName") == Some(queue) && r.metric == metric)
        .map(|r| (r.timestamp, r.value))
        .collect()
}

fn total(sim: &Sim, queue: &str, metric: &str) -> f64 {
    rows(sim, queue, metric).iter().map(|r| r.1).sum()
}

/// The value of `metric` in the datapoint whose minute contains virtual second `s`.
fn at_minute(sim: &Sim, queue: &str, metric: &str, s: u64) -> Option<f64> {
    let minute_start = EPOCH_S + s / 60 * 60;
    let r = rows(sim, queue, metric);
    // A datapoint is stamped with the start of its minute (CloudWatch convention) or its end.
    r.iter()
        .find(|(t, _)| *t == minute_start)
        .or_else(|| r.iter().find(|(t, _)| *t == minute_start + 60))
        .map(|r| r.1)
}

#[test]
fn metrics_use_the_cloudwatch_names() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.receive_one(&q);
    sim.at(130.0);
    let names: std::collections::BTreeSet<&str> = sim
        .w
        .sqs()
        .metric_rows()
        .into_iter()
        .filter(|r| r.dimension("QueueName") == Some("m"))
        .map(|r| r.metric)
        .collect();
    for n in [
        "ApproximateNumberOfMessagesVisible",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateAgeOfOldestMessage",
        "NumberOfEmptyReceives",
        "NumberOfMessagesSent",
        "NumberOfMessagesReceived",
        "NumberOfMessagesDeleted",
        "SentMessageSize",
    ] {
        assert!(names.contains(n), "{n} missing from {names:?}");
    }
}

#[test]
fn metrics_have_one_minute_resolution_in_epoch_seconds() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    sim.send(&q, "x");
    sim.at(59.0);
    assert!(
        rows(&sim, "m", "ApproximateNumberOfMessagesVisible").is_empty(),
        "no datapoint before the first minute closes"
    );
    sim.at(300.0);
    let r = rows(&sim, "m", "ApproximateNumberOfMessagesVisible");
    assert_eq!(r.len(), 5, "one datapoint per closed minute: {r:?}");
    for (t, _) in &r {
        assert_eq!((t - EPOCH_S) % 60, 0, "aligned to the minute");
        assert!(*t >= EPOCH_S && *t <= EPOCH_S + 300);
    }
    assert!(r.windows(2).all(|w| w[1].0 == w[0].0 + 60));
}

#[test]
fn number_of_messages_sent_counts_messages_added() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    for i in 0..3 {
        sim.send(&q, &format!("m{i}"));
    }
    sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "a", "MessageBody": "a"}, {"Id": "b", "MessageBody": "b"}]}),
    );
    sim.at(70.0);
    sim.send(&q, "later");
    sim.at(130.0);
    assert_eq!(at_minute(&sim, "m", "NumberOfMessagesSent", 0), Some(5.0));
    assert_eq!(total(&sim, "m", "NumberOfMessagesSent"), 6.0);
}

#[test]
fn number_of_messages_received_counts_messages_returned() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({"VisibilityTimeout": "0"}));
    for i in 0..4 {
        sim.send(&q, &format!("m{i}"));
    }
    assert_eq!(sim.receive_n(&q, 10).len(), 4);
    assert_eq!(sim.receive_n(&q, 2).len(), 2);
    sim.at(70.0);
    assert_eq!(total(&sim, "m", "NumberOfMessagesReceived"), 6.0);
}

#[test]
fn number_of_empty_receives_counts_receive_calls_that_return_nothing() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    for _ in 0..3 {
        sim.receive_one(&q);
    }
    sim.send(&q, "x");
    sim.receive_one(&q).unwrap();
    let id = sim.start(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 5}),
    );
    sim.at(6.0);
    assert!(sim.completion(id).is_some());
    sim.at(70.0);
    assert_eq!(total(&sim, "m", "NumberOfEmptyReceives"), 4.0);
}

#[test]
fn number_of_messages_deleted_includes_duplicate_deletes() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.at(70.0);
    assert_eq!(total(&sim, "m", "NumberOfMessagesDeleted"), 2.0);
}

#[test]
fn sent_message_size_reports_the_bytes_of_added_messages() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    sim.send(&q, &"b".repeat(100));
    sim.at(70.0);
    assert_eq!(at_minute(&sim, "m", "SentMessageSize", 0), Some(100.0));
}

#[test]
fn sent_message_size_is_not_shown_until_the_first_send() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    for i in 0..3 {
        sim.at(i as f64 * 60.0 + 1.0);
        sim.receive_one(&q);
    }
    sim.at(200.0);
    assert!(rows(&sim, "m", "SentMessageSize").is_empty());
    assert!(!rows(&sim, "m", "NumberOfEmptyReceives").is_empty());
}

#[test]
fn approximate_number_of_messages_metrics_track_visible_in_flight_and_delayed() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({"VisibilityTimeout": "600"}));
    for i in 0..5 {
        sim.send(&q, &format!("m{i}"));
    }
    sim.receive_n(&q, 2);
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "later", "DelaySeconds": 900}),
    );
    // Counts converge within a minute of the last change (§1.2).
    sim.at(180.0);
    let last = |sim: &Sim, m: &str| rows(sim, "m", m).last().map(|r| r.1);
    assert_eq!(last(&sim, "ApproximateNumberOfMessagesVisible"), Some(3.0));
    assert_eq!(
        last(&sim, "ApproximateNumberOfMessagesNotVisible"),
        Some(2.0)
    );
    assert_eq!(last(&sim, "ApproximateNumberOfMessagesDelayed"), Some(1.0));
}

#[test]
fn approximate_age_of_oldest_message_is_in_seconds() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({}));
    sim.send(&q, "old");
    sim.at(181.0);
    let (t, age) = *rows(&sim, "m", "ApproximateAgeOfOldestMessage")
        .last()
        .unwrap();
    let minute_end = t - EPOCH_S;
    // The datapoint is for the minute [120, 180) s or stamped at 180 s: the age is 2-3 min.
    assert!(
        (119.0..=181.0).contains(&age),
        "age {age} s at datapoint {minute_end}"
    );
}

#[test]
fn approximate_number_of_groups_with_inflight_messages_counts_fifo_groups() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("g.fifo", json!({"VisibilityTimeout": "600"}));
    for (i, g) in ["a", "a", "b", "c"].iter().enumerate() {
        sim.send_fifo(&q, "x", g, &format!("d{i}"));
    }
    // Receive one message of a (locks a) and one of b.
    sim.receive_n(&q, 1);
    sim.receive_n(&q, 1);
    sim.at(130.0);
    let r = rows(
        &sim,
        "g.fifo",
        "ApproximateNumberOfGroupsWithInflightMessages",
    );
    assert_eq!(r.last().map(|r| r.1), Some(2.0));
}

// ---- Cost (§1.14, §1.1) -----------------------------------------------------------------

#[test]
fn each_api_action_is_billed_as_a_request() {
    let mut sim = Sim::new();
    let q = sim.create("c", json!({}));
    let before = sim.w.sqs().cost().requests();
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    assert_eq!(sim.w.sqs().cost().requests() - before, 3);
}

#[test]
fn empty_receives_are_billed_like_any_request() {
    let mut sim = Sim::new();
    let q = sim.create("c", json!({}));
    let before = sim.w.sqs().cost().requests();
    sim.receive_one(&q);
    let id = sim.start(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 20}),
    );
    sim.at(21.0);
    assert!(sim.completion(id).is_some());
    assert_eq!(sim.w.sqs().cost().requests() - before, 2);
}

#[test]
fn each_64_kb_chunk_of_payload_is_billed_as_one_request() {
    let mut sim = Sim::new();
    let q = sim.create("c", json!({}));
    let cost = |sim: &mut Sim, bytes: usize| {
        let before = sim.w.sqs().cost().requests();
        sim.send(&q, &"p".repeat(bytes));
        sim.w.sqs().cost().requests() - before
    };
    assert_eq!(cost(&mut sim, 1), 1);
    assert_eq!(cost(&mut sim, 65_536), 1);
    assert_eq!(cost(&mut sim, 65_537), 2);
    assert_eq!(cost(&mut sim, 200_000), 4);
    // "a 256 KB message = 4 requests"
    assert_eq!(cost(&mut sim, 262_144), 4);
}

#[test]
fn a_batch_of_small_messages_is_one_request() {
    let mut sim = Sim::new();
    let q = sim.create("c", json!({}));
    let entries: Vec<Value> = (0..10)
        .map(|i| json!({"Id": format!("e{i}"), "MessageBody": "small"}))
        .collect();
    let before = sim.w.sqs().cost().requests();
    sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": entries}),
    );
    assert_eq!(sim.w.sqs().cost().requests() - before, 1);
}

#[test]
fn fifo_requests_are_priced_above_standard_requests() {
    // $0.40 per million standard requests vs $0.50 FIFO (us-east-1, first tier).
    let run = |fifo: bool| {
        let mut sim = Sim::with(1, SqsConfig::for_api_scripts());
        let q = if fifo {
            sim.create_fifo("p.fifo", json!({}))
        } else {
            sim.create("p", json!({}))
        };
        let (r0, u0) = (sim.w.sqs().cost().requests(), sim.w.sqs().cost().usd());
        for i in 0..1_000 {
            sim.at_ms(i * 10);
            if fifo {
                sim.send_fifo(&q, "x", "g", &format!("d{i}"));
            } else {
                sim.send(&q, "x");
            }
        }
        let r = sim.w.sqs().cost().requests() - r0;
        let usd = sim.w.sqs().cost().usd() - u0;
        (r, usd)
    };
    let (rs, us) = run(false);
    let (rf, uf) = run(true);
    assert_eq!((rs, rf), (1_000, 1_000));
    assert!(us > 0.0 && uf > 0.0);
    assert!((us / rs as f64 - 0.40e-6).abs() < 1e-12, "standard {us}");
    assert!((uf / rf as f64 - 0.50e-6).abs() < 1e-12, "fifo {uf}");
}

#[test]
fn age_of_oldest_message_excludes_a_standard_message_received_three_times() {
    let mut sim = Sim::new();
    let q = sim.create("m", json!({"VisibilityTimeout": "1"}));
    sim.send(&q, "poison");
    for t in [1.0, 3.0, 5.0] {
        sim.at(t);
        assert_eq!(bodies(&sim.receive_n(&q, 10)), vec!["poison".to_string()]);
    }
    sim.at(100.0);
    sim.send(&q, "fresh");
    sim.at(300.0);
    let (_, age) = *rows(&sim, "m", "ApproximateAgeOfOldestMessage")
        .last()
        .unwrap();
    // The poison pill (300 s old) is excluded; "fresh" is 200 s old.
    assert!((140.0..=260.0).contains(&age), "age {age}");
}

#[test]
fn age_of_oldest_message_on_a_fifo_queue_keeps_a_message_received_three_times() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("g.fifo", json!({"VisibilityTimeout": "1"}));
    sim.send_fifo(&q, "poison", "g", "1");
    for t in [1.0, 3.0, 5.0] {
        sim.at(t);
        assert_eq!(bodies(&sim.receive_n(&q, 10)), vec!["poison".to_string()]);
    }
    sim.at(100.0);
    sim.send_fifo(&q, "fresh", "h", "2");
    sim.at(300.0);
    let (_, age) = *rows(&sim, "g.fifo", "ApproximateAgeOfOldestMessage")
        .last()
        .unwrap();
    // FIFO does not reorder: the 300 s old message still counts.
    assert!(age > 260.0, "age {age}");
}

#[test]
fn age_of_oldest_message_on_a_dlq_counts_from_the_move() {
    let mut sim = Sim::new();
    let dlq = sim.create("dlq", json!({}));
    let src = sim.create(
        "src",
        json!({"VisibilityTimeout": "5", "RedrivePolicy": redrive_policy("dlq", 1)}),
    );
    sim.send(&src, "x");
    sim.receive_one(&src).unwrap();
    sim.at(150.0);
    assert!(sim.receive_one(&src).is_none(), "moved at 150 s");
    sim.at(300.0);
    let (_, age) = *rows(&sim, "dlq", "ApproximateAgeOfOldestMessage")
        .last()
        .unwrap();
    // 150 s since the move, not 300 s since the send.
    assert!((90.0..=210.0).contains(&age), "age {age}");
    assert!(sim.receive_one(&dlq).is_some());
}

#[test]
fn an_inactive_queue_stops_publishing_metrics_after_6_hours() {
    let mut sim = Sim::new();
    let q = sim.create("idle", json!({}));
    let h = 3_600.0;
    sim.at(8.0 * h);
    let r = rows(&sim, "idle", "ApproximateNumberOfMessagesVisible");
    assert!(
        r.iter().any(|(t, _)| *t < EPOCH_S + 3_600),
        "an active queue publishes"
    );
    assert!(
        r.iter().all(|(t, _)| *t <= EPOCH_S + 6 * 3_600 + 120),
        "no datapoints once inactive for 6 hours"
    );
    // Active again: datapoints resume within 15 minutes.
    sim.send(&q, "wake");
    sim.at(8.0 * h + 16.0 * 60.0);
    let r = rows(&sim, "idle", "ApproximateNumberOfMessagesVisible");
    assert!(r.iter().any(|(t, _)| *t >= EPOCH_S + 8 * 3_600));
}
