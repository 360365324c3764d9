//! Visibility timeout, ChangeMessageVisibility and receipt handles (aws-rules §1.3, §1.4).

mod common;

use common::*;
use mqlab_engine::event::VisibleReason;
use mqlab_engine::EventKind;
use serde_json::json;

#[test]
fn received_message_stays_invisible_for_the_default_30_second_visibility_timeout() {
    let mut sim = Sim::new();
    let q = sim.create("vt", json!({}));
    sim.send(&q, "x");
    sim.at(1.0);
    assert!(sim.receive_one(&q).is_some());
    sim.at(30.999);
    assert!(sim.receive_one(&q).is_none());
    sim.at(31.0);
    let m = sim.receive_one(&q).expect("visible again after 30 s");
    assert_eq!(receive_count(&m), 2);
}

#[test]
fn visibility_timeout_expiry_is_reported_as_a_message_visible_event() {
    let mut sim = Sim::new();
    let q = sim.create("vt", json!({"VisibilityTimeout": "10"}));
    let id = sim.send_id(&q, "x");
    sim.receive_one(&q).unwrap();
    sim.at(11.0);
    let ev = sim.events();
    let vis: Vec<_> = ev
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::MessageVisible { message_id, reason, .. }
            if *message_id == id && *reason == VisibleReason::VisibilityTimeoutExpired)
        })
        .collect();
    assert_eq!(vis.len(), 1);
    assert_eq!(vis[0].t, 10_000);
    let rec = ev
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::MessageReceived { visible_at, .. } => Some(*visible_at),
            _ => None,
        })
        .unwrap();
    assert_eq!(rec, 10_000);
}

#[test]
fn receive_visibility_timeout_applies_only_to_the_returned_messages() {
    let mut sim = Sim::new();
    let q = sim.create("vt", json!({"VisibilityTimeout": "30"}));
    sim.send(&q, "x");
    let m = sim.receive(&q, json!({"VisibilityTimeout": 5}));
    assert_eq!(m.len(), 1);
    sim.at(5.0);
    assert!(sim.receive_one(&q).is_some(), "the call's 5 s applied");
    // The next receive, without the parameter, uses the queue's 30 s.
    sim.at(34.9);
    assert!(sim.receive_one(&q).is_none());
    sim.at(35.0);
    assert!(sim.receive_one(&q).is_some());
    assert_eq!(sim.attr(&q, "VisibilityTimeout"), "30");
}

#[test]
fn receive_visibility_timeout_above_43200_is_rejected() {
    let mut sim = Sim::new();
    let q = sim.create("vt", json!({}));
    sim.send(&q, "x");
    sim.err_code(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0, "VisibilityTimeout": 43_201}),
        "InvalidParameterValue",
    );
}

#[test]
fn queue_visibility_timeout_zero_makes_received_messages_visible_at_once() {
    let mut sim = Sim::new();
    let q = sim.create("vt0", json!({"VisibilityTimeout": "0"}));
    let id = sim.send_id(&q, "x");
    let a = sim.receive_one(&q).unwrap();
    let b = sim.receive_one(&q).unwrap();
    assert_eq!(msg_id(&a), id);
    assert_eq!(msg_id(&b), id);
    assert_eq!(receive_count(&b), 2);
}

#[test]
fn change_message_visibility_counts_from_the_call_not_the_receive() {
    // The AWS example: queue timeout 60 s, 15 s elapsed, set 10 s → visible at ~25 s.
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({"VisibilityTimeout": "60"}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.at(15.0);
    sim.change_visibility(&q, &handle(&m), 10).unwrap();
    sim.at(24.9);
    assert!(
        sim.receive_one(&q).is_none(),
        "not at 10 s from the receive"
    );
    sim.at(25.0);
    assert!(sim.receive_one(&q).is_some(), "at 10 s from the call");
}

#[test]
fn change_message_visibility_to_zero_makes_the_message_visible_immediately() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({"VisibilityTimeout": "600"}));
    let id = sim.send_id(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.at(3.0);
    sim.events();
    sim.change_visibility(&q, &handle(&m), 0).unwrap();
    let again = sim.receive_one(&q).expect("visible at once");
    assert_eq!(msg_id(&again), id);
    let ev = sim.events();
    assert!(ev.iter().any(|e| matches!(
        &e.kind,
        EventKind::MessageVisible {
            reason: VisibleReason::VisibilityTerminated,
            ..
        }
    )));
}

#[test]
fn changed_visibility_timeout_is_not_remembered_for_the_next_receive() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({"VisibilityTimeout": "30"}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.change_visibility(&q, &handle(&m), 5).unwrap();
    sim.at(5.0);
    assert!(sim.receive_one(&q).is_some());
    // This receipt gets the queue default again, not 5 s.
    sim.at(10.0);
    assert!(sim.receive_one(&q).is_none());
    sim.at(35.0);
    assert!(sim.receive_one(&q).is_some());
}

#[test]
fn change_message_visibility_above_43200_is_rejected() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.err_code(
        "ChangeMessageVisibility",
        json!({"QueueUrl": q, "ReceiptHandle": handle(&m), "VisibilityTimeout": 43_201}),
        "InvalidParameterValue",
    );
}

#[test]
fn visibility_of_about_43195_seconds_right_after_the_receive_is_accepted() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.change_visibility(&q, &handle(&m), 43_195).unwrap();
    sim.at(43_000.0);
    assert!(sim.receive_one(&q).is_none());
    sim.at(43_195.0);
    assert!(sim.receive_one(&q).is_some());
}

#[test]
fn total_visibility_cannot_exceed_12_hours_from_the_receive() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({"VisibilityTimeout": "3600"}));
    sim.send(&q, "x");
    let h = handle(&sim.receive_one(&q).unwrap());
    sim.at(1_000.0);
    // 1,000 s elapsed + 43,200 s asked > 12 h from the receive: rejected, not clamped.
    let e = sim.change_visibility(&q, &h, 43_200).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    // 1,000 + 42,000 = 43,000 s after the receive: allowed.
    sim.change_visibility(&q, &h, 42_000).unwrap();
    sim.at(2_000.0);
    // 2,000 + 41,195 = 43,195: allowed; 3,000 + 40,300 = 43,300: rejected.
    sim.change_visibility(&q, &h, 41_195).unwrap();
    sim.at(3_000.0);
    let e = sim.change_visibility(&q, &h, 40_300).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    // The rejected call changed nothing: still invisible until 43,195 s.
    sim.at(43_000.0);
    assert!(sim.receive_one(&q).is_none());
    sim.at(43_195.0);
    assert!(sim.receive_one(&q).is_some());
}

#[test]
fn extending_visibility_does_not_reset_the_12_hour_limit() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({"VisibilityTimeout": "7200"}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    let h = handle(&m);
    // Heartbeat every hour by ~2 hours: fine while the 12 h since the receive last.
    for hour in 1..=10 {
        sim.at(hour as f64 * 3600.0);
        sim.change_visibility(&q, &h, 7_195)
            .unwrap_or_else(|e| panic!("extension at hour {hour}: {e}"));
    }
    sim.at(11.0 * 3600.0);
    // 11 h + 2 h = 13 h after the receive.
    let e = sim.change_visibility(&q, &h, 7_200).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    // 11 h + 3,595 s is just under 12 h: still allowed.
    sim.change_visibility(&q, &h, 3_595).unwrap();
}

#[test]
fn heartbeat_extensions_keep_a_message_invisible_while_it_is_processed() {
    let mut sim = Sim::new();
    let q = sim.create("hb", json!({"VisibilityTimeout": "120"}));
    sim.send(&q, "work");
    let m = sim.receive_one(&q).unwrap();
    for minute in 1..=10 {
        sim.at(minute as f64 * 60.0);
        assert!(
            sim.receive_one(&q).is_none(),
            "invisible at minute {minute}"
        );
        sim.change_visibility(&q, &handle(&m), 120).unwrap();
    }
    sim.at(600.0 + 119.0);
    assert!(sim.receive_one(&q).is_none());
    sim.at(600.0 + 120.0);
    assert!(sim.receive_one(&q).is_some());
}

#[test]
fn change_message_visibility_with_a_malformed_handle_fails_with_receipt_handle_is_invalid() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({}));
    let e = sim.change_visibility(&q, "garbage", 10).unwrap_err();
    assert_eq!(e.code, "ReceiptHandleIsInvalid");
}

#[test]
fn change_message_visibility_on_a_deleted_message_fails_with_invalid_parameter_value() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    let e = sim.change_visibility(&q, &handle(&m), 10).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue", "§1.16 recording: {e}");
}

#[test]
fn change_message_visibility_with_a_superseded_handle_fails() {
    let mut sim = Sim::new();
    let q = sim.create("cmv", json!({"VisibilityTimeout": "5"}));
    sim.send(&q, "x");
    let old = handle(&sim.receive_one(&q).unwrap());
    sim.at(6.0);
    let new = handle(&sim.receive_one(&q).unwrap());
    let e = sim.change_visibility(&q, &old, 100).unwrap_err();
    assert!(
        [
            "InvalidParameterValue",
            "MessageNotInflight",
            "ReceiptHandleIsInvalid"
        ]
        .contains(&e.code.as_str()),
        "{e}"
    );
    // The current receipt still controls the message.
    sim.change_visibility(&q, &new, 0).unwrap();
    assert!(sim.receive_one(&q).is_some());
}

#[test]
fn receipt_handle_is_new_on_every_receive() {
    let mut sim = Sim::new();
    let q = sim.create("rh", json!({"VisibilityTimeout": "0"}));
    sim.send(&q, "x");
    let mut handles: Vec<String> = (0..5)
        .map(|_| handle(&sim.receive_one(&q).unwrap()))
        .collect();
    assert!(handles.iter().all(|h| !h.is_empty() && h.len() <= 1024));
    handles.sort();
    handles.dedup();
    assert_eq!(handles.len(), 5);
}

#[test]
fn deleting_with_an_old_receipt_handle_succeeds_on_a_standard_queue() {
    let mut sim = Sim::new();
    let q = sim.create("rh", json!({"VisibilityTimeout": "5"}));
    sim.send(&q, "x");
    let old = handle(&sim.receive_one(&q).unwrap());
    sim.at(6.0);
    let new = handle(&sim.receive_one(&q).unwrap());
    assert_ne!(old, new);
    // The request succeeds (the message might not be deleted); the latest handle works.
    sim.delete(&q, &old).unwrap();
    sim.delete(&q, &new).unwrap();
    sim.at(20.0);
    assert!(sim.receive_one(&q).is_none());
}

#[test]
fn a_message_in_flight_is_counted_as_not_visible() {
    let mut sim = Sim::new();
    let q = sim.create("nv", json!({"VisibilityTimeout": "600"}));
    for i in 0..3 {
        sim.send(&q, &format!("m{i}"));
    }
    sim.receive_n(&q, 2);
    sim.at(70.0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesNotVisible"), 2);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessages"), 1);
    let sum = sim.w.sqs().queue_summaries();
    assert_eq!((sum[0].visible, sum[0].in_flight), (1, 2));
}

/// A typed caller holds the handle a receive issued as its bytes (`ReceiptHandle::Issued`);
/// its text is the one the JSON API shows, the same handle sent back as text works the same,
/// and a handle of another queue is refused naming its text.
#[test]
fn a_typed_receipt_handle_reads_and_works_as_its_text() {
    use mqlab_engine::sqs::api::{
        ChangeMessageVisibilityInput, DeleteMessageInput, ReceiptHandle, ReceiveMessageInput,
        SendMessageInput,
    };
    use mqlab_engine::world::Caller;
    let mut sim = Sim::new();
    let q = sim.create("typed", json!({"VisibilityTimeout": "0"}));
    let other = sim.create("other", json!({}));
    let url = |u: &str| Some(u.to_string());
    let receive = |sim: &mut Sim| {
        let input = ReceiveMessageInput {
            queue_url: url(&q),
            ..Default::default()
        };
        sim.w.with_sqs(|sqs, ctx| {
            sqs.receive_message(ctx, &input, Caller::External(0), None)
                .and_then(|r| r.ok())
                .and_then(|mut out| out.messages.pop())
        })
    };
    for body in ["a", "b"] {
        let send = SendMessageInput {
            queue_url: url(&q),
            message_body: Some(body.into()),
            ..Default::default()
        };
        sim.w
            .with_sqs(|sqs, ctx| sqs.send_message(ctx, &send, None))
            .unwrap();
    }
    let m = receive(&mut sim).expect("a message");
    let h = m.receipt_handle.clone();
    assert!(matches!(h, ReceiptHandle::Issued(_)));
    let text = h.to_string();
    assert!(text.starts_with("AQEB") && text.len() == 68, "{text}");
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["ReceiptHandle"], json!(text));
    assert_eq!(h, ReceiptHandle::from(text.as_str()));
    assert!(h == *text.as_str());

    // Another queue's handle: ReceiptHandleIsInvalid, naming the text.
    let refused_naming_text = |e: mqlab_engine::AwsError| {
        assert_eq!(e.code, "ReceiptHandleIsInvalid");
        assert!(e.message.contains(&text), "{}", e.message);
    };
    let wrong = DeleteMessageInput {
        queue_url: url(&other),
        receipt_handle: Some(h.clone()),
    };
    let e = sim
        .w
        .with_sqs(|sqs, ctx| sqs.delete_message(ctx, &wrong, None))
        .unwrap_err();
    refused_naming_text(e);

    // The text form changes the visibility; the issued form deletes.
    let change = ChangeMessageVisibilityInput {
        queue_url: url(&q),
        receipt_handle: Some(text.clone().into()),
        visibility_timeout: Some(600),
    };
    sim.w
        .with_sqs(|sqs, ctx| sqs.change_message_visibility(ctx, &change, None))
        .unwrap();
    // The issued form changes it too, and on another queue is refused naming its text.
    let change = ChangeMessageVisibilityInput {
        receipt_handle: Some(h.clone()),
        visibility_timeout: Some(900),
        ..change
    };
    sim.w
        .with_sqs(|sqs, ctx| sqs.change_message_visibility(ctx, &change, None))
        .unwrap();
    let wrong = ChangeMessageVisibilityInput {
        queue_url: url(&other),
        ..change
    };
    let e = sim
        .w
        .with_sqs(|sqs, ctx| sqs.change_message_visibility(ctx, &wrong, None))
        .unwrap_err();
    refused_naming_text(e);
    let del = DeleteMessageInput {
        queue_url: url(&q),
        receipt_handle: Some(h),
    };
    sim.w
        .with_sqs(|sqs, ctx| sqs.delete_message(ctx, &del, None))
        .unwrap();
    // The other message remains, and is deleted by its handle's text.
    let n = receive(&mut sim).expect("the other message");
    assert_ne!(n.body, m.body);
    let del = DeleteMessageInput {
        queue_url: url(&q),
        receipt_handle: Some(n.receipt_handle.to_string().into()),
    };
    sim.w
        .with_sqs(|sqs, ctx| sqs.delete_message(ctx, &del, None))
        .unwrap();
    assert!(receive(&mut sim).is_none());
    // A missing or empty handle is a missing parameter, as before.
    let empty = DeleteMessageInput {
        queue_url: url(&q),
        receipt_handle: Some(String::new().into()),
    };
    let e = sim
        .w
        .with_sqs(|sqs, ctx| sqs.delete_message(ctx, &empty, None))
        .unwrap_err();
    assert_eq!(e.code, "MissingParameter");
}
