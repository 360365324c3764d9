//! Property tests of the SQS invariants, over random interleavings of sends, receives,
//! deletes, visibility changes, failures (no delete) and the passing of time.

use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::{EventKind, World, WorldConfig};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
enum Op {
    Send {
        group: u8,
        dedup: u8,
    },
    Receive {
        max: u8,
        visibility_s: u8,
        wait: bool,
    },
    /// Delete the n-th handle we hold (mod the count).
    Delete {
        pick: u8,
    },
    ChangeVisibility {
        pick: u8,
        seconds: u8,
    },
    /// Let virtual time pass, in seconds.
    Wait {
        seconds: u16,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..4, 0u8..40).prop_map(|(group, dedup)| Op::Send { group, dedup }),
        3 => (1u8..=10, 0u8..40, any::<bool>()).prop_map(|(max, visibility_s, wait)| Op::Receive { max, visibility_s, wait }),
        2 => any::<u8>().prop_map(|pick| Op::Delete { pick }),
        1 => (any::<u8>(), 0u8..60).prop_map(|(pick, seconds)| Op::ChangeVisibility { pick, seconds }),
        2 => (0u16..400).prop_map(|seconds| Op::Wait { seconds }),
    ]
}

struct Harness {
    w: World,
    url: String,
    dlq: String,
    fifo: bool,
    handles: Vec<String>,
}

impl Harness {
    fn new(fifo: bool, seed: u64) -> Self {
        let mut w = World::new(WorldConfig {
            seed,
            sqs: SqsConfig {
                duplicate_delivery_probability: 0.0,
                ..SqsConfig::default()
            },
        });
        let sfx = if fifo { ".fifo" } else { "" };
        let mut attrs = json!({});
        if fifo {
            attrs = json!({"FifoQueue": "true"});
        }
        let dlq = Self::ok(
            &mut w,
            "CreateQueue",
            json!({"QueueName": format!("dlq{sfx}"), "Attributes": attrs}),
        )["QueueUrl"]
            .as_str()
            .unwrap()
            .to_string();
        let mut attrs = json!({
            "RedrivePolicy": format!("{{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq{sfx}\",\"maxReceiveCount\":\"4\"}}"),
            "MessageRetentionPeriod": "3600",
            "VisibilityTimeout": "10",
        });
        if fifo {
            attrs["FifoQueue"] = json!("true");
        }
        let url = Self::ok(
            &mut w,
            "CreateQueue",
            json!({"QueueName": format!("q{sfx}"), "Attributes": attrs}),
        )["QueueUrl"]
            .as_str()
            .unwrap()
            .to_string();
        w.drain_events();
        Harness {
            w,
            url,
            dlq,
            fifo,
            handles: Vec::new(),
        }
    }

    /// Makes a call that completes at once. Other completions that arrive with it (a long
    /// poll served by this very send) are returned too.
    fn call(w: &mut World, op: &str, params: Value) -> (Value, Vec<Value>) {
        let id = w.call("sqs", op, &params);
        let mut mine = None;
        let mut others = Vec::new();
        for c in w.take_completions() {
            if c.call == id {
                mine = Some(c.result.unwrap_or_else(|e| panic!("{op}: {e}")));
            } else {
                others.push(c.result.expect("long polls succeed"));
            }
        }
        (
            mine.unwrap_or_else(|| panic!("{op} should complete at once")),
            others,
        )
    }

    fn ok(w: &mut World, op: &str, params: Value) -> Value {
        let (v, others) = Self::call(w, op, params);
        assert!(others.is_empty());
        v
    }

    /// Runs one op; returns the events it caused (one receive's deliveries come together).
    fn apply(&mut self, op: &Op) -> Vec<mqlab_engine::Event> {
        let url = self.url.clone();
        match *op {
            Op::Send { group, dedup } => {
                let mut p = json!({"QueueUrl": url, "MessageBody": format!("g{group}-d{dedup}")});
                if self.fifo {
                    p["MessageGroupId"] = json!(format!("g{group}"));
                    p["MessageDeduplicationId"] = json!(format!("d{dedup}"));
                }
                let (_, served) = Self::call(&mut self.w, "SendMessage", p);
                for out in served {
                    self.collect(out);
                }
            }
            Op::Receive {
                max,
                visibility_s,
                wait,
            } => {
                let p = json!({"QueueUrl": url, "MaxNumberOfMessages": max, "VisibilityTimeout": visibility_s, "WaitTimeSeconds": if wait { 2 } else { 0 }});
                self.w.call("sqs", "ReceiveMessage", &p);
                // A long poll may finish later; its messages are collected by the Wait op.
                for c in self.w.take_completions() {
                    self.collect(c.result.unwrap());
                }
            }
            Op::Delete { pick } if !self.handles.is_empty() => {
                let h = self.handles[pick as usize % self.handles.len()].clone();
                // Deletes with a stale handle may fail on FIFO (expired handle): that is allowed.
                self.w.call(
                    "sqs",
                    "DeleteMessage",
                    &json!({"QueueUrl": url, "ReceiptHandle": h}),
                );
                for c in self.w.take_completions() {
                    match c.result {
                        Err(e) => assert!(
                            self.fifo && e.code == "InvalidParameterValue",
                            "unexpected delete error {e}"
                        ),
                        Ok(v) => self.collect(v),
                    }
                }
            }
            Op::ChangeVisibility { pick, seconds } if !self.handles.is_empty() => {
                let h = self.handles[pick as usize % self.handles.len()].clone();
                self.w.call(
                    "sqs",
                    "ChangeMessageVisibility",
                    &json!({"QueueUrl": url, "ReceiptHandle": h, "VisibilityTimeout": seconds}),
                );
                for c in self.w.take_completions() {
                    if let Ok(v) = c.result {
                        self.collect(v);
                    }
                }
            }
            Op::Wait { seconds } => {
                let t = self.w.now() + seconds as u64 * 1000;
                self.w.advance_to(t);
                for c in self.w.take_completions() {
                    self.collect(c.result.unwrap());
                }
            }
            _ => {}
        }
        self.w.drain_events()
    }

    fn collect(&mut self, out: Value) {
        for m in out["Messages"].as_array().cloned().unwrap_or_default() {
            self.handles
                .push(m["ReceiptHandle"].as_str().unwrap().to_string());
        }
        if self.handles.len() > 64 {
            self.handles.drain(..32);
        }
    }

    fn counts(&mut self, url: &str) -> (u64, u64, u64) {
        let a = Self::ok(
            &mut self.w,
            "GetQueueAttributes",
            json!({"QueueUrl": url, "AttributeNames": ["All"]}),
        );
        let n = |k: &str| a["Attributes"][k].as_str().unwrap().parse::<u64>().unwrap();
        (
            n("ApproximateNumberOfMessages"),
            n("ApproximateNumberOfMessagesNotVisible"),
            n("ApproximateNumberOfMessagesDelayed"),
        )
    }
}

/// Where each message is, as told by the events alone.
#[derive(Default)]
struct Ledger {
    live: BTreeMap<String, (Option<String>, u64)>, // id -> (group, send order)
    gone: BTreeSet<String>,
    in_dlq: BTreeSet<String>,
    order: u64,
}

fn check_run(fifo: bool, seed: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut h = Harness::new(fifo, seed);
    let mut ledger = Ledger::default();
    let mut dedup_seen: BTreeMap<String, u64> = BTreeMap::new();
    for op in ops {
        let events = h.apply(op);
        // FIFO order within a group: a message is delivered only when every earlier message of
        // its group has left the queue or is delivered before it in this same batch.
        let mut batch: Vec<String> = Vec::new();
        for e in &events {
            match &e.kind {
                EventKind::MessageSent {
                    queue,
                    message_id,
                    group_id,
                    ..
                } if queue.starts_with('q') => {
                    ledger.order += 1;
                    prop_assert!(ledger
                        .live
                        .insert(message_id.clone(), (group_id.clone(), ledger.order))
                        .is_none());
                    if let (true, Op::Send { dedup, .. }) = (fifo, op) {
                        // No FIFO duplicate inside the deduplication interval.
                        let key = format!("d{dedup}");
                        if let Some(&at) = dedup_seen.get(&key) {
                            prop_assert!(
                                e.t >= at + 300_000,
                                "dedup id {key} enqueued twice within 5 minutes"
                            );
                        }
                        dedup_seen.insert(key, e.t);
                    }
                }
                EventKind::MessageReceived {
                    queue,
                    message_id,
                    group_id,
                    ..
                } if queue.starts_with('q') && fifo => {
                    let (_, order) = ledger.live[message_id];
                    for (id, (g, o)) in &ledger.live {
                        if g == group_id && *o < order {
                            prop_assert!(batch.contains(id), "message {message_id} delivered before earlier {id} of its group left");
                        }
                    }
                    batch.push(message_id.clone());
                }
                EventKind::MessageDeleted {
                    queue, message_id, ..
                } if queue.starts_with('q') => {
                    ledger.live.remove(message_id);
                    ledger.gone.insert(message_id.clone());
                }
                EventKind::MessageExpired { queue, message_id } if queue.starts_with('q') => {
                    ledger.live.remove(message_id);
                    ledger.gone.insert(message_id.clone());
                }
                EventKind::MessageMovedToDeadLetterQueue { message_id, .. } => {
                    ledger.live.remove(message_id);
                    ledger.in_dlq.insert(message_id.clone());
                }
                _ => {}
            }
        }
        // Every sent message is in exactly one state, and the approximate counts equal the
        // real sets.
        h.w.sqs().check_invariants().map_err(TestCaseError::fail)?;
        let q =
            h.w.sqs()
                .queue_by_name(if fifo { "q.fifo" } else { "q" })
                .unwrap();
        let ids: BTreeSet<String> = q.messages().map(|m| m.id.to_string()).collect();
        let live: BTreeSet<String> = ledger.live.keys().cloned().collect();
        prop_assert_eq!(
            &ids,
            &live,
            "queue contents differ from what the events say"
        );
        prop_assert!(ledger.gone.is_disjoint(&ledger.in_dlq));
        prop_assert!(live.is_disjoint(&ledger.in_dlq) && live.is_disjoint(&ledger.gone));
        let (vis, inflight, delayed) = (
            q.visible_count() as u64,
            q.in_flight_count() as u64,
            q.delayed_count() as u64,
        );
        let url = h.url.clone();
        prop_assert_eq!(h.counts(&url), (vis, inflight, delayed));
        let dlq_ids: BTreeSet<String> =
            h.w.sqs()
                .queue_by_name(if fifo { "dlq.fifo" } else { "dlq" })
                .unwrap()
                .messages()
                .map(|m| m.id.to_string())
                .collect();
        prop_assert_eq!(
            &dlq_ids,
            &ledger.in_dlq,
            "DLQ contents differ from the moves"
        );
        let _ = &h.dlq;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn standard_queue_every_message_is_in_exactly_one_state(seed in any::<u64>(), ops in prop::collection::vec(op(), 1..120)) {
        check_run(false, seed, &ops)?;
    }

    #[test]
    fn fifo_order_within_a_group_holds_for_every_interleaving(seed in any::<u64>(), ops in prop::collection::vec(op(), 1..120)) {
        check_run(true, seed, &ops)?;
    }
}
