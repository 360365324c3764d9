//! FIFO queues: groups, ordering, locking, deduplication, sequence numbers, attempt IDs,
//! throughput and in-flight limits (aws-rules §1.3, §1.4, §1.5, §1.6, §1.7, §1.9, §1.10, §1.16).

mod common;

use common::*;
use mqlab_engine::EventKind;
use serde_json::{json, Value};

fn fifo(sim: &mut Sim) -> String {
    sim.create_fifo("f.fifo", json!({}))
}

// ---- MessageGroupId and parameters ---------------------------------------------------------

#[test]
fn fifo_send_without_message_group_id_fails_with_missing_parameter() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.err_code(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageDeduplicationId": "d"}),
        "MissingParameter",
    );
}

#[test]
fn fifo_batch_entry_without_message_group_id_fails_the_whole_request() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.err_code(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "a", "MessageBody": "ok", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "b", "MessageBody": "no group", "MessageDeduplicationId": "2"}]}),
        "InvalidParameterValue",
    );
    assert!(
        sim.receive_n(&q, 10).is_empty(),
        "not even the good entry is enqueued"
    );
}

#[test]
fn fifo_send_without_dedup_id_or_content_based_dedup_is_rejected() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageGroupId": "g"}),
    );
}

#[test]
fn fifo_per_message_delay_seconds_zero_is_accepted_and_other_values_rejected() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageGroupId": "g",
               "MessageDeduplicationId": "1", "DelaySeconds": 0}),
    );
    sim.err_code(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageGroupId": "g",
               "MessageDeduplicationId": "2", "DelaySeconds": 5}),
        "InvalidParameterValue",
    );
}

#[test]
fn fifo_queue_delay_applies_to_every_message() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("d.fifo", json!({"DelaySeconds": "10"}));
    sim.send_fifo(&q, "x", "g", "1");
    sim.at(9.9);
    assert!(sim.receive_one(&q).is_none());
    sim.at(10.0);
    assert!(sim.receive_one(&q).is_some());
}

#[test]
fn fifo_delay_seconds_change_is_retroactive_to_queued_messages() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("d.fifo", json!({"DelaySeconds": "900"}));
    sim.send_fifo(&q, "queued", "g", "1");
    sim.at(1.0);
    sim.set_attrs(&q, json!({"DelaySeconds": "0"})).unwrap();
    // After the ≤ 60 s propagation, long before the original 900 s.
    sim.at(70.0);
    let m = sim
        .receive_one(&q)
        .expect("FIFO delay change applies to queued messages");
    assert_eq!(body(&m), "queued");
}

#[test]
fn message_group_and_dedup_ids_are_at_most_128_characters() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let id128 = "g".repeat(128);
    let id129 = "g".repeat(129);
    sim.send_fifo(&q, "a", &id128, &id128);
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b", "MessageGroupId": id129,
               "MessageDeduplicationId": "d2"}),
    );
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b", "MessageGroupId": "g",
               "MessageDeduplicationId": id129}),
    );
}

#[test]
fn message_group_id_allows_alphanumerics_and_ascii_punctuation_only() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "a", "tenant-1_!#$%&'()*+,./:;<=>?@[\\]^`{|}~", "d1");
    for bad in ["sp ace", "ümlaut", "tab\t"] {
        sim.err(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": "b", "MessageGroupId": bad,
                   "MessageDeduplicationId": "d2"}),
        );
    }
}

#[test]
fn standard_queue_rejects_a_message_deduplication_id() {
    let mut sim = Sim::new();
    let q = sim.create("std", json!({}));
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageDeduplicationId": "d"}),
    );
}

// ---- Ordering and group locking ------------------------------------------------------------

#[test]
fn fifo_messages_of_a_group_are_received_in_send_order() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    for i in 0..20 {
        sim.send_fifo(&q, &format!("m{i:02}"), "g", &format!("d{i}"));
    }
    let mut got = Vec::new();
    while got.len() < 20 {
        let ms = sim.receive_n(&q, 3);
        assert!(!ms.is_empty());
        for m in &ms {
            got.push(body(m));
            sim.delete(&q, &handle(m)).unwrap();
        }
    }
    let want: Vec<String> = (0..20).map(|i| format!("m{i:02}")).collect();
    assert_eq!(got, want);
}

#[test]
fn fifo_group_is_locked_while_a_message_is_in_flight() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "g1-a", "g1", "1");
    sim.send_fifo(&q, "g1-b", "g1", "2");
    let first = sim.receive_n(&q, 1);
    assert_eq!(bodies(&first), vec!["g1-a".to_string()]);
    // g1-b is visible but its group is locked by g1-a.
    assert!(sim.receive_n(&q, 10).is_empty());
    sim.delete(&q, &handle(&first[0])).unwrap();
    assert_eq!(bodies(&sim.receive_n(&q, 10)), vec!["g1-b".to_string()]);
}

#[test]
fn fifo_other_groups_stay_receivable_while_one_group_is_locked() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "g1-a", "g1", "1");
    sim.send_fifo(&q, "g1-b", "g1", "2");
    sim.send_fifo(&q, "g2-a", "g2", "3");
    assert_eq!(bodies(&sim.receive_n(&q, 1)), vec!["g1-a".to_string()]);
    assert_eq!(bodies(&sim.receive_n(&q, 10)), vec!["g2-a".to_string()]);
}

#[test]
fn fifo_group_unlocks_when_visibility_expires_and_redelivers_the_same_message_first() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("v.fifo", json!({"VisibilityTimeout": "10"}));
    sim.send_fifo(&q, "a", "g", "1");
    sim.send_fifo(&q, "b", "g", "2");
    assert_eq!(bodies(&sim.receive_n(&q, 1)), vec!["a".to_string()]);
    sim.at(9.0);
    assert!(sim.receive_n(&q, 10).is_empty());
    sim.at(10.0);
    let again = sim.receive_n(&q, 1);
    assert_eq!(bodies(&again), vec!["a".to_string()]);
    assert_eq!(receive_count(&again[0]), 2);
}

#[test]
fn fifo_receive_returns_as_many_messages_of_the_same_group_as_possible() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    // Interleaved sends of two groups.
    for i in 0..3 {
        sim.send_fifo(&q, &format!("g1-{i}"), "g1", &format!("a{i}"));
        sim.send_fifo(&q, &format!("g2-{i}"), "g2", &format!("b{i}"));
    }
    let two = sim.receive_n(&q, 2);
    assert_eq!(
        bodies(&two),
        vec!["g1-0".to_string(), "g1-1".to_string()],
        "a batch is filled from one group first"
    );
}

#[test]
fn fifo_receive_fills_the_batch_from_other_groups_preserving_order() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    for i in 0..3 {
        sim.send_fifo(&q, &format!("g1-{i}"), "g1", &format!("a{i}"));
        sim.send_fifo(&q, &format!("g2-{i}"), "g2", &format!("b{i}"));
    }
    let all = bodies(&sim.receive_n(&q, 10));
    assert_eq!(all.len(), 6);
    let g1: Vec<&String> = all.iter().filter(|b| b.starts_with("g1")).collect();
    let g2: Vec<&String> = all.iter().filter(|b| b.starts_with("g2")).collect();
    assert_eq!(g1, ["g1-0", "g1-1", "g1-2"]);
    assert_eq!(g2, ["g2-0", "g2-1", "g2-2"]);
    // Each group's messages are contiguous in the batch.
    let first_group = &all[0][..2];
    assert!(all[..3].iter().all(|b| b.starts_with(first_group)));
}

#[test]
fn fifo_batch_entries_are_enqueued_in_the_order_given() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let entries: Vec<Value> = (0..10)
        .map(|i| {
            json!({"Id": format!("e{i}"), "MessageBody": format!("m{i}"),
                   "MessageGroupId": "g", "MessageDeduplicationId": format!("d{i}")})
        })
        .collect();
    let v = sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": entries}),
    );
    assert_eq!(list(&v, "Successful").len(), 10);
    let want: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    assert_eq!(bodies(&sim.receive_n(&q, 10)), want);
}

// ---- Deduplication ---------------------------------------------------------------------------

#[test]
fn fifo_duplicate_send_within_5_minutes_returns_the_original_message_id_and_is_not_delivered() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let first = sim.send_fifo(&q, "once", "g", "dup");
    sim.at(299.0);
    let second = sim.send_fifo(&q, "once", "g", "dup");
    assert_eq!(s(&second, "MessageId"), s(&first, "MessageId"));
    let got = sim.receive_n(&q, 10);
    assert_eq!(got.len(), 1);
    let ev = sim.events();
    assert_eq!(
        count_events(&ev, |k| matches!(k, EventKind::MessageDeduplicated { .. })),
        1
    );
}

#[test]
fn fifo_dedup_id_stays_tracked_after_the_message_is_deleted() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "once", "g", "dup");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.at(60.0);
    sim.send_fifo(&q, "once", "g", "dup");
    assert!(sim.receive_n(&q, 10).is_empty());
}

#[test]
fn fifo_send_after_the_dedup_interval_creates_a_new_message() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let first = sim.send_fifo(&q, "again", "g", "dup");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.at(301.0);
    let second = sim.send_fifo(&q, "again", "g", "dup");
    assert_ne!(s(&second, "MessageId"), s(&first, "MessageId"));
    assert_eq!(sim.receive_n(&q, 10).len(), 1);
}

#[test]
fn fifo_content_based_dedup_hashes_the_body_only() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("cbd.fifo", json!({"ContentBasedDeduplication": "true"}));
    let send = |sim: &mut Sim, b: &str, attr: &str| {
        sim.ok(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": b, "MessageGroupId": "g",
                   "MessageAttributes": {"a": {"DataType": "String", "StringValue": attr}}}),
        )
    };
    let a = send(&mut sim, "same body", "one");
    let b = send(&mut sim, "same body", "two");
    assert_eq!(
        s(&a, "MessageId"),
        s(&b, "MessageId"),
        "attributes are not hashed"
    );
    let c = send(&mut sim, "other body", "one");
    assert_ne!(s(&a, "MessageId"), s(&c, "MessageId"));
    assert_eq!(sim.receive_n(&q, 10).len(), 2);
}

#[test]
fn fifo_content_based_dedup_id_is_the_sha256_of_the_body() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("cbd.fifo", json!({"ContentBasedDeduplication": "true"}));
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "hello", "MessageGroupId": "g"}),
    );
    let m = sim.receive_one(&q).unwrap();
    // python3 -c "import hashlib; print(hashlib.sha256(b'hello').hexdigest())"
    assert_eq!(
        sys_attr(&m, "MessageDeduplicationId").unwrap(),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
}

#[test]
fn fifo_explicit_dedup_id_overrides_content_based_dedup() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("cbd.fifo", json!({"ContentBasedDeduplication": "true"}));
    sim.send_fifo(&q, "same", "g", "one");
    sim.send_fifo(&q, "same", "g", "two");
    assert_eq!(sim.receive_n(&q, 10).len(), 2);
}

#[test]
fn fifo_dedup_scope_queue_deduplicates_across_groups() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "x", "g1", "shared");
    sim.send_fifo(&q, "x", "g2", "shared");
    assert_eq!(sim.receive_n(&q, 10).len(), 1);
}

#[test]
fn fifo_dedup_scope_message_group_deduplicates_per_group() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("mg.fifo", json!({"DeduplicationScope": "messageGroup"}));
    sim.send_fifo(&q, "x", "g1", "shared");
    sim.send_fifo(&q, "x", "g2", "shared");
    sim.send_fifo(&q, "x", "g1", "shared");
    let got = sim.receive_n(&q, 10);
    assert_eq!(got.len(), 2);
}

#[test]
fn purge_clears_the_fifo_deduplication_cache() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let first = sim.send_fifo(&q, "x", "g", "dup");
    sim.ok("PurgeQueue", json!({"QueueUrl": q}));
    sim.at(61.0);
    let second = sim.send_fifo(&q, "x", "g", "dup");
    assert_ne!(s(&second, "MessageId"), s(&first, "MessageId"));
    assert_eq!(sim.receive_n(&q, 10).len(), 1);
}

// ---- Sequence numbers and system attributes ----------------------------------------------

#[test]
fn fifo_sequence_numbers_increase_within_a_group() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let mut last = 0u128;
    let mut sent = Vec::new();
    for i in 0..10 {
        let r = sim.send_fifo(&q, &format!("m{i}"), "g", &format!("d{i}"));
        let n: u128 = s(&r, "SequenceNumber").parse().expect("128-bit number");
        assert!(n > last, "sequence numbers increase");
        last = n;
        sent.push(s(&r, "SequenceNumber").to_string());
    }
    let got = sim.receive_n(&q, 10);
    let recv: Vec<String> = got
        .iter()
        .map(|m| sys_attr(m, "SequenceNumber").unwrap())
        .collect();
    assert_eq!(recv, sent);
}

#[test]
fn standard_send_returns_no_sequence_number() {
    let mut sim = Sim::new();
    let q = sim.create("std", json!({}));
    let r = sim.send(&q, "x");
    assert!(r.get("SequenceNumber").is_none_or(|v| v.is_null()));
}

#[test]
fn fifo_received_message_carries_group_and_dedup_ids() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "x", "tenant-7", "dedup-1");
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(sys_attr(&m, "MessageGroupId").unwrap(), "tenant-7");
    assert_eq!(sys_attr(&m, "MessageDeduplicationId").unwrap(), "dedup-1");
    assert!(sys_attr(&m, "SequenceNumber").is_some());
}

// ---- ReceiveRequestAttemptId ---------------------------------------------------------------

#[test]
fn fifo_receive_request_attempt_id_returns_the_same_messages_and_handles() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.send_fifo(&q, "a", "g", "1");
    sim.send_fifo(&q, "b", "g", "2");
    let first = sim.receive(
        &q,
        json!({"MaxNumberOfMessages": 10, "ReceiveRequestAttemptId": "attempt-1"}),
    );
    assert_eq!(first.len(), 2);
    sim.at(20.0);
    let retry = sim.receive(
        &q,
        json!({"MaxNumberOfMessages": 10, "ReceiveRequestAttemptId": "attempt-1"}),
    );
    let ids = |ms: &[Value]| ms.iter().map(msg_id).collect::<Vec<_>>();
    let hs = |ms: &[Value]| ms.iter().map(handle).collect::<Vec<_>>();
    assert_eq!(ids(&retry), ids(&first));
    assert_eq!(hs(&retry), hs(&first));
    // The retry reset the visibility timeout: 30 s from 20 s, not from 0 s.
    sim.at(30.0);
    assert!(sim.receive_n(&q, 10).is_empty());
    sim.at(50.0);
    assert_eq!(sim.receive_n(&q, 10).len(), 2);
}

#[test]
fn fifo_receive_request_attempt_id_is_usable_for_5_minutes() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("a.fifo", json!({"VisibilityTimeout": "900"}));
    sim.send_fifo(&q, "a", "g", "1");
    let first = sim.receive(&q, json!({"ReceiveRequestAttemptId": "att"}));
    assert_eq!(first.len(), 1);
    sim.at(200.0);
    let retry = sim.receive(&q, json!({"ReceiveRequestAttemptId": "att"}));
    assert_eq!(retry.len(), 1, "within 5 minutes the attempt is replayed");
    sim.at(200.0 + 301.0);
    // Long after: a fresh receive, and the message is still in flight.
    let late = sim.receive(&q, json!({"ReceiveRequestAttemptId": "att"}));
    assert!(late.is_empty());
}

#[test]
fn fifo_receive_request_attempt_id_is_not_valid_for_standard_queues() {
    let mut sim = Sim::new();
    let q = sim.create("std", json!({}));
    sim.err(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0, "ReceiveRequestAttemptId": "a"}),
    );
}

// ---- Delete after expiry ---------------------------------------------------------------------

#[test]
fn fifo_delete_after_the_visibility_timeout_expired_fails() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("x.fifo", json!({"VisibilityTimeout": "5"}));
    sim.send_fifo(&q, "late", "g", "1");
    let m = sim.receive_one(&q).unwrap();
    sim.at(6.0);
    let e = sim.delete(&q, &handle(&m)).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue", "§1.3 observed error: {e}");
    assert_eq!(body(&sim.receive_one(&q).expect("still queued")), "late");
}

#[test]
fn fifo_delete_within_the_visibility_timeout_succeeds() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("x.fifo", json!({"VisibilityTimeout": "5"}));
    sim.send_fifo(&q, "x", "g", "1");
    let m = sim.receive_one(&q).unwrap();
    sim.at(4.0);
    sim.delete(&q, &handle(&m)).unwrap();
    sim.at(10.0);
    assert!(sim.receive_one(&q).is_none());
}

// ---- Throughput (§1.10) ------------------------------------------------------------------

/// Sends `n` SendMessage calls at the current instant; returns (accepted, throttled).
fn burst(
    sim: &mut Sim,
    q: &str,
    n: usize,
    group: impl Fn(usize) -> String,
    tag: &str,
) -> (usize, usize) {
    let (mut ok, mut throttled) = (0, 0);
    for i in 0..n {
        match sim.call(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": "x", "MessageGroupId": group(i),
                   "MessageDeduplicationId": format!("{tag}-{i}")}),
        ) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(is_throttle(&e), "unexpected error {e}");
                throttled += 1;
            }
        }
    }
    (ok, throttled)
}

#[test]
fn fifo_over_300_send_calls_per_second_are_throttled_with_request_throttled() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    sim.events();
    let (ok, throttled) = burst(&mut sim, &q, 400, |_| "g".into(), "a");
    assert!(ok <= 300, "{ok} sends accepted in one second");
    assert!(ok >= 250, "only {ok} sends accepted in one second");
    assert_eq!(ok + throttled, 400);
    let ev = sim.events();
    assert_eq!(
        count_events(&ev, |k| matches!(k, EventKind::Throttled { .. })),
        throttled
    );
    // A second later the rate is available again.
    sim.at(2.0);
    let (ok2, _) = burst(&mut sim, &q, 100, |_| "g".into(), "b");
    assert_eq!(ok2, 100);
}

#[test]
fn fifo_throughput_limit_is_per_api_action() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    let (ok, _) = burst(&mut sim, &q, 300, |i| format!("g{i}"), "a");
    assert_eq!(ok, 300);
    // In the same second, 300 receives are still within the ReceiveMessage budget.
    let mut received = 0;
    for _ in 0..300 {
        let v = sim.ok(
            "ReceiveMessage",
            json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
        );
        received += messages(&v).len();
    }
    assert_eq!(received, 300);
}

#[test]
fn fifo_batch_of_10_counts_as_one_transaction_toward_300_per_second() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    for c in 0..300 {
        let entries: Vec<Value> = (0..10)
            .map(|i| {
                json!({"Id": format!("e{i}"), "MessageBody": "x", "MessageGroupId": "g",
                       "MessageDeduplicationId": format!("{c}-{i}")})
            })
            .collect();
        let v = sim.ok(
            "SendMessageBatch",
            json!({"QueueUrl": q, "Entries": entries}),
        );
        assert_eq!(list(&v, "Successful").len(), 10, "batch {c}");
    }
    assert_eq!(sim.w.sqs().queue_summaries()[0].sent, 3_000);
}

#[test]
fn high_throughput_mode_allows_300_sends_per_second_per_message_group() {
    let mut sim = Sim::new();
    let q = sim.create_fifo(
        "ht.fifo",
        json!({"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}),
    );
    // 1,200 sends in one second over 4 groups: 300 per group, all accepted.
    let (ok, throttled) = burst(&mut sim, &q, 1_200, |i| format!("g{}", i % 4), "a");
    assert_eq!((ok, throttled), (1_200, 0));
    // One group over its own 300 per second is throttled.
    let (_, throttled) = burst(&mut sim, &q, 50, |_| "g0".into(), "b");
    assert!(throttled > 0);
}

#[test]
fn high_throughput_needs_both_message_group_dedup_scope_and_per_group_limit() {
    let mut sim = Sim::new();
    // DeduplicationScope=messageGroup alone leaves the queue at normal throughput.
    let q = sim.create_fifo("half.fifo", json!({"DeduplicationScope": "messageGroup"}));
    let (ok, throttled) = burst(&mut sim, &q, 1_200, |i| format!("g{}", i % 4), "a");
    assert!(ok <= 300, "{ok} accepted");
    assert!(throttled >= 900);
}

// ---- In-flight limit (§1.7) -----------------------------------------------------------------

#[test]
fn fifo_in_flight_limit_of_120000_returns_no_error() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("big.fifo", json!({"VisibilityTimeout": "43200"}));
    // One group per message so every message can be in flight; batches of 10 at ≤ 300
    // calls per second.
    let mut t_ms = 0u64;
    for c in 0..12_100u32 {
        let entries: Vec<Value> = (0..10)
            .map(|i| {
                let n = c * 10 + i;
                json!({"Id": format!("e{i}"), "MessageBody": "x", "MessageGroupId": format!("g{n}"),
                       "MessageDeduplicationId": format!("d{n}")})
            })
            .collect();
        sim.ok(
            "SendMessageBatch",
            json!({"QueueUrl": q, "Entries": entries}),
        );
        t_ms += 4;
        sim.at_ms(t_ms);
    }
    let mut inflight = 0usize;
    for _ in 0..12_100 {
        let v = sim.ok(
            "ReceiveMessage",
            json!({"QueueUrl": q, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 0}),
        );
        inflight += messages(&v).len();
        t_ms += 4;
        sim.at_ms(t_ms);
    }
    // No OverLimit (the ok() calls above would have panicked); processing stops at the limit.
    assert_eq!(inflight, 120_000);
}

#[test]
fn fifo_receive_and_delete_over_300_calls_per_second_are_throttled() {
    let mut sim = Sim::new();
    let q = fifo(&mut sim);
    for i in 0..400 {
        sim.at_ms(i * 5);
        sim.send_fifo(&q, "x", &format!("g{i}"), &format!("d{i}"));
    }
    let mut handles = Vec::new();
    for t in [3.0, 4.0] {
        sim.at(t);
        for _ in 0..200 {
            let v = sim.ok(
                "ReceiveMessage",
                json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
            );
            handles.extend(messages(&v).iter().map(handle));
        }
    }
    assert_eq!(handles.len(), 400);
    sim.at(6.0);
    let mut throttled = 0;
    for h in &handles {
        if let Err(e) = sim.delete(&q, h) {
            assert!(is_throttle(&e), "{e}");
            throttled += 1;
        }
    }
    assert!(throttled >= 100, "{throttled} deletes throttled");
    sim.at(10.0);
    let mut recv_throttled = 0;
    for _ in 0..400 {
        if let Err(e) = sim.call(
            "ReceiveMessage",
            json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
        ) {
            assert!(is_throttle(&e), "{e}");
            recv_throttled += 1;
        }
    }
    assert!(recv_throttled >= 100, "{recv_throttled} receives throttled");
}

#[test]
fn fifo_backlog_of_120000_in_one_group_hides_later_groups() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("hot.fifo", json!({"VisibilityTimeout": "43200"}));
    let mut t_ms = 0u64;
    for c in 0..12_000u32 {
        let entries: Vec<Value> = (0..10)
            .map(|i| {
                json!({"Id": format!("e{i}"), "MessageBody": "hot", "MessageGroupId": "hot",
                       "MessageDeduplicationId": format!("d{}", c * 10 + i)})
            })
            .collect();
        sim.ok(
            "SendMessageBatch",
            json!({"QueueUrl": q, "Entries": entries}),
        );
        t_ms += 4;
        sim.at_ms(t_ms);
    }
    sim.send_fifo(&q, "cold", "cold", "cold-1");
    // The hot group's head goes in flight and locks the group.
    let first = sim.receive_n(&q, 10);
    assert!(first.iter().all(|m| body(m) == "hot"));
    // The scan of the first 120,000 messages finds no available group: "cold" is not reached.
    sim.at_ms(t_ms + 1_000);
    let next = sim.receive_n(&q, 10);
    assert!(next.is_empty(), "got {:?}", bodies(&next));
}
