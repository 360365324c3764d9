//! Dead-letter queues, RedriveAllowPolicy and message move tasks (aws-rules §1.2, §1.8, §1.13,
//! §1.15, §1.16).

mod common;

use common::*;
use mqlab_engine::EventKind;
use serde_json::{json, Value};

/// A source queue "src" whose DLQ is "dlq", with the given maxReceiveCount and a 5 s
/// visibility timeout.
fn with_dlq(sim: &mut Sim, max_receive_count: u32) -> (String, String) {
    let dlq = sim.create("dlq", json!({}));
    let src = sim.create(
        "src",
        json!({"VisibilityTimeout": "5",
               "RedrivePolicy": redrive_policy("dlq", max_receive_count)}),
    );
    (src, dlq)
}

/// Receives from `src` every 6 s until the message has been received `times` times.
fn receive_times(sim: &mut Sim, src: &str, times: u32) -> f64 {
    let mut t = sim.now_ms() as f64 / 1000.0;
    for _ in 0..times {
        assert!(sim.receive_one(src).is_some());
        t += 6.0;
        sim.at(t);
    }
    t
}

#[test]
fn message_moves_to_the_dlq_when_its_receive_count_exceeds_max_receive_count() {
    let mut sim = Sim::new();
    let (src, dlq) = with_dlq(&mut sim, 2);
    let id = sim.send_id(&src, "poison");
    receive_times(&mut sim, &src, 2);
    sim.events();
    // The third receive would exceed maxReceiveCount=2: the message goes to the DLQ instead.
    assert!(sim.receive_n(&src, 10).is_empty());
    let ev = sim.events();
    assert!(ev.iter().any(|e| matches!(&e.kind,
        EventKind::MessageMovedToDeadLetterQueue { message_id, .. } if *message_id == id)));
    let m = sim.receive_one(&dlq).expect("the message is in the DLQ");
    assert_eq!(body(&m), "poison");
    assert_eq!(
        sim.w
            .sqs()
            .queue_summaries()
            .iter()
            .find(|q| q.name == "src")
            .unwrap()
            .moved_to_dlq,
        1
    );
}

#[test]
fn message_is_not_moved_before_max_receive_count_is_exceeded() {
    let mut sim = Sim::new();
    let (src, dlq) = with_dlq(&mut sim, 3);
    sim.send(&src, "x");
    receive_times(&mut sim, &src, 2);
    let m = sim
        .receive_one(&src)
        .expect("third receive is still allowed");
    assert_eq!(receive_count(&m), 3);
    assert!(sim.receive_one(&dlq).is_none());
}

#[test]
fn dlq_move_keeps_the_message_id() {
    let mut sim = Sim::new();
    let (src, dlq) = with_dlq(&mut sim, 1);
    let id = sim.send_id(&src, "x");
    receive_times(&mut sim, &src, 1);
    assert!(sim.receive_one(&src).is_none());
    let m = sim.receive_one(&dlq).unwrap();
    assert_eq!(msg_id(&m), id);
}

#[test]
fn dlq_move_carries_the_approximate_receive_count_over() {
    let mut sim = Sim::new();
    let (src, dlq) = with_dlq(&mut sim, 2);
    sim.send(&src, "x");
    receive_times(&mut sim, &src, 2);
    assert!(sim.receive_one(&src).is_none());
    let m = sim.receive_one(&dlq).unwrap();
    assert!(
        receive_count(&m) > 1,
        "receive count restarted in the DLQ: {}",
        receive_count(&m)
    );
}

#[test]
fn dlq_message_has_a_dead_letter_queue_source_arn_attribute() {
    let mut sim = Sim::new();
    let (src, dlq) = with_dlq(&mut sim, 1);
    sim.send(&src, "x");
    receive_times(&mut sim, &src, 1);
    assert!(sim.receive_one(&src).is_none());
    let m = sim.receive_one(&dlq).unwrap();
    assert_eq!(
        sys_attr(&m, "DeadLetterQueueSourceArn").unwrap(),
        arn("src")
    );
}

#[test]
fn moves_into_a_dlq_are_not_counted_in_its_number_of_messages_sent() {
    let mut sim = Sim::new();
    let (src, dlq) = with_dlq(&mut sim, 1);
    sim.send(&src, "moved");
    receive_times(&mut sim, &src, 1);
    assert!(sim.receive_one(&src).is_none());
    sim.send(&dlq, "sent by hand");
    sim.at(180.0);
    let sent: f64 = sim
        .w
        .sqs()
        .metric_rows()
        .iter()
        .filter(|r| r.dimension("QueueName") == Some("dlq") && r.metric == "NumberOfMessagesSent")
        .map(|r| r.value)
        .sum();
    assert_eq!(sent, 1.0, "only the manual send counts");
    assert_eq!(sim.receive_n(&dlq, 10).len(), 2);
}

#[test]
fn dlq_expiry_uses_the_original_enqueue_time() {
    let mut sim = Sim::new();
    let dlq = sim.create("dlq", json!({"MessageRetentionPeriod": "60"}));
    let src = sim.create(
        "src",
        json!({"VisibilityTimeout": "5", "RedrivePolicy": redrive_policy("dlq", 1)}),
    );
    let id = sim.send_id(&src, "x");
    sim.receive_one(&src).unwrap();
    sim.at(50.0);
    assert!(sim.receive_one(&src).is_none(), "moved at 50 s");
    sim.at(61.0);
    // Sent at 0 s with 60 s DLQ retention: gone at 60 s, not at 110 s.
    assert!(sim.receive_one(&dlq).is_none());
    let ev = sim.events();
    assert!(ev.iter().any(|e| matches!(&e.kind,
        EventKind::MessageExpired { message_id, .. } if *message_id == id)));
}

#[test]
fn dead_letter_queue_is_not_created_automatically() {
    let mut sim = Sim::new();
    let _ = sim.call(
        "CreateQueue",
        json!({"QueueName": "src", "Attributes": {"RedrivePolicy": redrive_policy("missing", 3)}}),
    );
    sim.err_code(
        "GetQueueUrl",
        json!({"QueueName": "missing"}),
        "QueueDoesNotExist",
    );
}

#[test]
fn dlq_type_must_match_the_source_queue_type() {
    let mut sim = Sim::new();
    sim.create_fifo("fdlq.fifo", json!({}));
    sim.create("sdlq", json!({}));
    sim.err(
        "CreateQueue",
        json!({"QueueName": "std", "Attributes": {"RedrivePolicy": redrive_policy("fdlq.fifo", 3)}}),
    );
    sim.err(
        "CreateQueue",
        json!({"QueueName": "f.fifo", "Attributes": {"FifoQueue": "true",
               "RedrivePolicy": redrive_policy("sdlq", 3)}}),
    );
    sim.create_fifo(
        "ok.fifo",
        json!({"RedrivePolicy": redrive_policy("fdlq.fifo", 3)}),
    );
}

#[test]
fn fifo_source_moves_to_a_fifo_dlq_with_the_original_message_id_as_dedup_id() {
    let mut sim = Sim::new();
    let dlq = sim.create_fifo("dlq.fifo", json!({}));
    let src = sim.create_fifo(
        "src.fifo",
        json!({"VisibilityTimeout": "5", "RedrivePolicy": redrive_policy("dlq.fifo", 1)}),
    );
    let id = s(
        &sim.send_fifo(&src, "x", "g", "original-dedup"),
        "MessageId",
    )
    .to_string();
    sim.receive_one(&src).unwrap();
    sim.at(6.0);
    assert!(sim.receive_one(&src).is_none());
    let m = sim.receive_one(&dlq).expect("moved to the FIFO DLQ");
    assert_eq!(msg_id(&m), id);
    assert_eq!(sys_attr(&m, "MessageDeduplicationId").unwrap(), id);
    assert_eq!(sys_attr(&m, "MessageGroupId").unwrap(), "g");
}

// ---- RedriveAllowPolicy --------------------------------------------------------------------

#[test]
fn redrive_allow_policy_deny_all_refuses_every_source_queue() {
    let mut sim = Sim::new();
    sim.create(
        "dlq",
        json!({"RedriveAllowPolicy": json!({"redrivePermission": "denyAll"}).to_string()}),
    );
    let src = sim.create("src", json!({}));
    assert!(sim
        .set_attrs(&src, json!({"RedrivePolicy": redrive_policy("dlq", 3)}))
        .is_err());
}

#[test]
fn redrive_allow_policy_by_queue_allows_only_the_listed_sources() {
    let mut sim = Sim::new();
    let policy = json!({"redrivePermission": "byQueue", "sourceQueueArns": [arn("allowed")]});
    sim.create("dlq", json!({"RedriveAllowPolicy": policy.to_string()}));
    let allowed = sim.create("allowed", json!({}));
    let other = sim.create("other", json!({}));
    sim.set_attrs(&allowed, json!({"RedrivePolicy": redrive_policy("dlq", 3)}))
        .unwrap();
    assert!(sim
        .set_attrs(&other, json!({"RedrivePolicy": redrive_policy("dlq", 3)}))
        .is_err());
}

#[test]
fn redrive_allow_policy_allow_all_accepts_any_source() {
    let mut sim = Sim::new();
    sim.create(
        "dlq",
        json!({"RedriveAllowPolicy": json!({"redrivePermission": "allowAll"}).to_string()}),
    );
    let src = sim.create("src", json!({}));
    sim.set_attrs(&src, json!({"RedrivePolicy": redrive_policy("dlq", 3)}))
        .unwrap();
}

#[test]
fn redrive_allow_policy_by_queue_takes_at_most_10_source_arns() {
    let mut sim = Sim::new();
    let q = sim.create("dlq", json!({}));
    let arns = |n: usize| (0..n).map(|i| arn(&format!("s{i}"))).collect::<Vec<_>>();
    sim.set_attrs(
        &q,
        json!({"RedriveAllowPolicy": json!({"redrivePermission": "byQueue",
                                            "sourceQueueArns": arns(10)}).to_string()}),
    )
    .unwrap();
    let e = sim
        .set_attrs(
            &q,
            json!({"RedriveAllowPolicy": json!({"redrivePermission": "byQueue",
                                                "sourceQueueArns": arns(11)}).to_string()}),
        )
        .unwrap_err();
    assert_eq!(e.code, "InvalidAttributeValue");
}

#[test]
fn source_queue_arns_are_only_allowed_with_by_queue() {
    let mut sim = Sim::new();
    let q = sim.create("dlq", json!({}));
    assert!(sim
        .set_attrs(
            &q,
            json!({"RedriveAllowPolicy": json!({"redrivePermission": "allowAll",
                                                "sourceQueueArns": [arn("x")]}).to_string()}),
        )
        .is_err());
}

// ---- Message move tasks (redrive) ------------------------------------------------------------

/// Fills "dlq" (the DLQ of "src", maxReceiveCount 1) with `n` messages, oldest first, and
/// returns their original MessageIds in send order.
fn dead_letters(sim: &mut Sim, n: usize) -> (String, String, Vec<String>) {
    let (src, dlq) = with_dlq(sim, 1);
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(sim.send_id(&src, &format!("m{i:03}")));
        sim.at(sim.now_ms() as f64 / 1000.0 + 0.01);
    }
    let mut t = sim.now_ms() as f64 / 1000.0;
    // Receive each once, let them time out, and let the next receives move them.
    let in_dlq = |sim: &Sim| {
        let sums = sim.w.sqs().queue_summaries();
        let d = sums.iter().find(|q| q.name == "dlq").unwrap();
        d.visible + d.in_flight + d.delayed
    };
    while in_dlq(sim) < n {
        sim.receive_n(&src, 10);
        t += 6.0;
        sim.at(t);
        assert!(t < 10_000.0, "could not fill the DLQ");
    }
    (src, dlq, ids)
}

fn start_task(sim: &mut Sim, params: Value) -> Result<String, mqlab_engine::AwsError> {
    sim.call("StartMessageMoveTask", params)
        .map(|v| s(&v, "TaskHandle").to_string())
}

fn tasks(sim: &mut Sim, source: &str) -> Vec<Value> {
    let v = sim.ok("ListMessageMoveTasks", json!({"SourceArn": arn(source)}));
    list(&v, "Results")
}

#[test]
fn message_move_task_moves_messages_back_to_their_source_queue_with_new_ids() {
    let mut sim = Sim::new();
    let (src, dlq, ids) = dead_letters(&mut sim, 5);
    let t0 = sim.now_ms() as f64 / 1000.0;
    let handle = start_task(&mut sim, json!({"SourceArn": arn("dlq")})).unwrap();
    assert!(!handle.is_empty());
    sim.at(t0 + 60.0);
    let got = sim.receive_n(&src, 10);
    assert_eq!(got.len(), 5);
    for m in &got {
        assert!(
            !ids.contains(&msg_id(m)),
            "a moved message gets a new MessageId"
        );
    }
    assert!(sim.receive_n(&dlq, 10).is_empty());
    let ev = sim.events();
    assert_eq!(
        count_events(&ev, |k| matches!(k, EventKind::MessageRedriven { .. })),
        5
    );
    let t = tasks(&mut sim, "dlq");
    assert_eq!(t.len(), 1);
    assert_eq!(s(&t[0], "Status"), "COMPLETED");
    assert_eq!(t[0]["ApproximateNumberOfMessagesMoved"], json!(5));
}

#[test]
fn message_move_task_moves_the_oldest_messages_first() {
    let mut sim = Sim::new();
    let (_src, _dlq, ids) = dead_letters(&mut sim, 8);
    sim.events();
    let t0 = sim.now_ms() as f64 / 1000.0;
    start_task(
        &mut sim,
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 1}),
    )
    .unwrap();
    sim.at(t0 + 60.0);
    let order: Vec<String> = sim
        .events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::MessageRedriven { message_id, .. } => Some(message_id),
            _ => None,
        })
        .collect();
    assert_eq!(order, ids);
}

#[test]
fn message_move_task_gives_moved_messages_a_new_enqueue_time_and_retention() {
    let mut sim = Sim::new();
    let dlq = sim.create("dlq", json!({}));
    let src = sim.create(
        "src",
        json!({"VisibilityTimeout": "5", "MessageRetentionPeriod": "120",
               "RedrivePolicy": redrive_policy("dlq", 1)}),
    );
    sim.send(&src, "x");
    sim.receive_one(&src).unwrap();
    sim.at(6.0);
    assert!(sim.receive_one(&src).is_none());
    sim.at(100.0);
    start_task(&mut sim, json!({"SourceArn": arn("dlq")})).unwrap();
    sim.at(110.0);
    assert!(sim.receive_one(&dlq).is_none());
    // Re-enqueued at ~100 s with the source's 120 s retention: alive at 150 s although the
    // original send was 150 s ago.
    sim.at(150.0);
    let m = sim
        .receive_one(&src)
        .expect("the redriven message has a fresh retention");
    let sent: u64 = sys_attr(&m, "SentTimestamp").unwrap().parse().unwrap();
    assert!(sent >= EPOCH_S * 1000 + 100_000, "new enqueue time");
}

#[test]
fn message_move_task_rate_is_at_most_500_per_second() {
    let mut sim = Sim::new();
    dead_letters(&mut sim, 1);
    sim.err_code(
        "StartMessageMoveTask",
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 501}),
        "InvalidParameterValue",
    );
    start_task(
        &mut sim,
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 500}),
    )
    .unwrap();
}

#[test]
fn message_move_task_respects_max_number_of_messages_per_second() {
    let mut sim = Sim::new();
    let (src, _dlq, _) = dead_letters(&mut sim, 40);
    let t0 = sim.now_ms() as f64 / 1000.0;
    start_task(
        &mut sim,
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 10}),
    )
    .unwrap();
    sim.at(t0 + 1.0);
    let moved = sim
        .w
        .sqs()
        .queue_summaries()
        .iter()
        .find(|q| q.name == "src")
        .unwrap()
        .visible;
    assert!(moved <= 20, "{moved} moved in the first second at 10/s");
    sim.at(t0 + 10.0);
    sim.at(t0 + 30.0);
    let mut total = 0;
    loop {
        let got = sim.receive_n(&src, 10);
        if got.is_empty() {
            break;
        }
        total += got.len();
    }
    assert_eq!(total, 40);
}

#[test]
fn only_one_message_move_task_may_run_per_queue() {
    let mut sim = Sim::new();
    dead_letters(&mut sim, 20);
    start_task(
        &mut sim,
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 1}),
    )
    .unwrap();
    assert!(start_task(&mut sim, json!({"SourceArn": arn("dlq")})).is_err());
}

#[test]
fn cancel_message_move_task_stops_it_and_keeps_the_messages_already_moved() {
    let mut sim = Sim::new();
    let (src, dlq, _) = dead_letters(&mut sim, 100);
    let t0 = sim.now_ms() as f64 / 1000.0;
    let h = start_task(
        &mut sim,
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 10}),
    )
    .unwrap();
    sim.at(t0 + 3.5);
    let v = sim.ok("CancelMessageMoveTask", json!({"TaskHandle": h}));
    let moved = v["ApproximateNumberOfMessagesMoved"].as_u64().unwrap() as usize;
    assert!((1..100).contains(&moved), "moved {moved}");
    sim.at(t0 + 60.0);
    let drain = |sim: &mut Sim, q: &str| {
        let mut n = 0;
        loop {
            let got = sim.receive_n(q, 10).len();
            if got == 0 {
                return n;
            }
            n += got;
        }
    };
    let in_src = drain(&mut sim, &src);
    let in_dlq = drain(&mut sim, &dlq);
    assert_eq!(in_src, moved, "already moved messages stay moved");
    assert_eq!(in_dlq, 100 - moved);
    let t = tasks(&mut sim, "dlq");
    assert_eq!(s(&t[0], "Status"), "CANCELLED");
    // Cancel works only while RUNNING.
    assert!(sim
        .call("CancelMessageMoveTask", json!({"TaskHandle": h}))
        .is_err());
}

#[test]
fn message_move_task_at_one_message_per_second_moves_one_per_second() {
    let mut sim = Sim::new();
    dead_letters(&mut sim, 10);
    let t0 = sim.now_ms() as f64 / 1000.0;
    start_task(
        &mut sim,
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 1}),
    )
    .unwrap();
    sim.at(t0 + 3.5);
    let t = tasks(&mut sim, "dlq");
    let moved = t[0]["ApproximateNumberOfMessagesMoved"].as_u64().unwrap();
    assert!(moved <= 4, "{moved} moved in 3.5 s at 1 message per second");
    assert_eq!(s(&t[0], "Status"), "RUNNING");
}

#[test]
fn list_message_move_tasks_returns_at_most_the_10_most_recent() {
    let mut sim = Sim::new();
    let (_src, dlq, _) = dead_letters(&mut sim, 1);
    sim.create("sink", json!({}));
    let mut starts = Vec::new();
    let mut t = sim.now_ms() as f64 / 1000.0;
    for i in 0..12 {
        if i > 0 {
            // Something for the next task to move.
            sim.send(&dlq, "again");
        }
        start_task(
            &mut sim,
            json!({"SourceArn": arn("dlq"), "DestinationArn": arn("sink")}),
        )
        .unwrap();
        starts.push(EPOCH_S * 1000 + sim.now_ms());
        t += 30.0;
        sim.at(t);
    }
    let v = sim.ok(
        "ListMessageMoveTasks",
        json!({"SourceArn": arn("dlq"), "MaxResults": 10}),
    );
    let r = list(&v, "Results");
    assert_eq!(r.len(), 10);
    // Never more than 10, whatever is asked (or the request is refused above 10).
    if let Ok(v) = sim.call(
        "ListMessageMoveTasks",
        json!({"SourceArn": arn("dlq"), "MaxResults": 11}),
    ) {
        assert!(list(&v, "Results").len() <= 10);
    }
    // TaskHandle is listed only for RUNNING tasks; identify tasks by StartedTimestamp.
    let started: Vec<u64> = r
        .iter()
        .map(|x| x["StartedTimestamp"].as_u64().expect("StartedTimestamp"))
        .collect();
    assert_eq!(started[0], starts[11], "most recent first");
    assert!(started.windows(2).all(|w| w[0] > w[1]), "{started:?}");
    assert!(!started.contains(&starts[0]), "the oldest tasks drop off");
}

#[test]
fn start_message_move_task_on_an_unknown_queue_fails_with_resource_not_found() {
    let mut sim = Sim::new();
    sim.err_code(
        "StartMessageMoveTask",
        json!({"SourceArn": arn("nowhere")}),
        "ResourceNotFoundException",
    );
}

#[test]
fn start_message_move_task_requires_the_source_to_be_a_dead_letter_queue() {
    let mut sim = Sim::new();
    let q = sim.create("plain", json!({}));
    sim.send(&q, "x");
    sim.err("StartMessageMoveTask", json!({"SourceArn": arn("plain")}));
}

#[test]
fn message_move_task_to_a_custom_destination_must_be_the_same_queue_type() {
    let mut sim = Sim::new();
    let dlq = sim.create_fifo("dlq.fifo", json!({}));
    sim.create_fifo(
        "src.fifo",
        json!({"RedrivePolicy": redrive_policy("dlq.fifo", 1)}),
    );
    sim.create("plain", json!({}));
    sim.send_fifo(&dlq, "x", "g", "1");
    sim.err(
        "StartMessageMoveTask",
        json!({"SourceArn": arn("dlq.fifo"), "DestinationArn": arn("plain")}),
    );
}

#[test]
fn fifo_dlq_redrive_is_supported() {
    let mut sim = Sim::new();
    let dlq = sim.create_fifo("dlq.fifo", json!({}));
    let src = sim.create_fifo(
        "src.fifo",
        json!({"VisibilityTimeout": "5", "RedrivePolicy": redrive_policy("dlq.fifo", 1)}),
    );
    sim.send_fifo(&src, "a", "g", "1");
    sim.send_fifo(&src, "b", "g", "2");
    for t in [0.0, 6.0, 12.0, 18.0] {
        sim.at(t);
        sim.receive_n(&src, 10);
    }
    sim.at(24.0);
    sim.receive_n(&src, 10);
    sim.at(30.0);
    let start = sim.now_ms() as f64 / 1000.0;
    start_task(&mut sim, json!({"SourceArn": arn("dlq.fifo")})).unwrap();
    sim.at(start + 60.0);
    assert!(sim.receive_n(&dlq, 10).is_empty());
    let mut got = Vec::new();
    for _ in 0..4 {
        for m in sim.receive_n(&src, 10) {
            got.push(body(&m));
            sim.delete(&src, &handle(&m)).unwrap();
        }
    }
    assert_eq!(got, vec!["a".to_string(), "b".to_string()]);
}

#[test]
fn message_move_tasks_are_billed_as_api_calls() {
    let mut sim = Sim::new();
    dead_letters(&mut sim, 5);
    let before = sim.w.sqs().cost().requests();
    let t0 = sim.now_ms() as f64 / 1000.0;
    start_task(&mut sim, json!({"SourceArn": arn("dlq")})).unwrap();
    sim.at(t0 + 60.0);
    // More than the one StartMessageMoveTask request: the sends, receives and deletes.
    assert!(sim.w.sqs().cost().requests() > before + 1);
}

#[test]
fn message_move_task_returns_each_message_to_its_own_source_queue() {
    let mut sim = Sim::new();
    let dlq = sim.create("dlq", json!({}));
    let attrs = json!({"VisibilityTimeout": "5", "RedrivePolicy": redrive_policy("dlq", 1)});
    let s1 = sim.create("src1", attrs.clone());
    let s2 = sim.create("src2", attrs);
    sim.send(&s1, "one");
    sim.send(&s2, "two");
    sim.receive_one(&s1).unwrap();
    sim.receive_one(&s2).unwrap();
    sim.at(6.0);
    assert!(sim.receive_one(&s1).is_none());
    assert!(sim.receive_one(&s2).is_none());
    sim.at(7.0);
    start_task(&mut sim, json!({"SourceArn": arn("dlq")})).unwrap();
    sim.at(60.0);
    assert!(sim.receive_one(&dlq).is_none());
    assert_eq!(bodies(&sim.receive_n(&s1, 10)), vec!["one".to_string()]);
    assert_eq!(bodies(&sim.receive_n(&s2, 10)), vec!["two".to_string()]);
}

/// aws-rules §1.17: ListDeadLetterSourceQueues pages like ListQueues: MaxResults 1–1,000, and a
/// NextToken only when MaxResults was given and more sources remain.
#[test]
fn list_dead_letter_source_queues_pages_with_max_results_and_next_token() {
    let mut sim = Sim::new();
    let dlq = sim.create("dlq", json!({}));
    let policy = json!({"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": 3}).to_string();
    for n in ["src-a", "src-b", "src-c"] {
        sim.create(n, json!({"RedrivePolicy": policy}));
    }
    sim.create("other", json!({}));
    let all = sim.ok("ListDeadLetterSourceQueues", json!({"QueueUrl": dlq}));
    assert_eq!(
        all["queueUrls"],
        json!([url("src-a"), url("src-b"), url("src-c")])
    );
    assert!(all.get("NextToken").is_none());
    let p1 = sim.ok(
        "ListDeadLetterSourceQueues",
        json!({"QueueUrl": dlq, "MaxResults": 2}),
    );
    assert_eq!(p1["queueUrls"], json!([url("src-a"), url("src-b")]));
    let token = p1["NextToken"].as_str().expect("a NextToken").to_string();
    let p2 = sim.ok(
        "ListDeadLetterSourceQueues",
        json!({"QueueUrl": dlq, "MaxResults": 2, "NextToken": token}),
    );
    assert_eq!(p2["queueUrls"], json!([url("src-c")]));
    assert!(p2.get("NextToken").is_none());
    for bad in [0, 1001] {
        sim.err_code(
            "ListDeadLetterSourceQueues",
            json!({"QueueUrl": dlq, "MaxResults": bad}),
            "InvalidParameterValue",
        );
    }
    sim.err_code(
        "ListDeadLetterSourceQueues",
        json!({"QueueUrl": dlq, "NextToken": "***"}),
        "InvalidParameterValue",
    );
}
