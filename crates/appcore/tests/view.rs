//! The view model folds engine events into what the canvas draws. Each test reads like the
//! rule it checks, on a real world where one exists, on hand-made events where the engine
//! makes the case rare (a duplicate delivery).

use mqlab_appcore::view::*;
use mqlab_engine::event::VisibleReason;
use mqlab_engine::{Event, EventKind, Scenario, World};
use serde_json::json;

const S: u64 = 1_000;

fn world(json: &str) -> World {
    World::from_scenario(&Scenario::from_json(json).unwrap()).unwrap()
}

/// Drives a world and its view the way the app does: samples on the grid, then the frame's
/// target, then a sync.
struct Driver {
    world: World,
    vm: ViewModel,
}

impl Driver {
    fn new(json: &str) -> Driver {
        let world = world(json);
        let vm = ViewModel::new(&world);
        Driver { world, vm }
    }

    fn advance_to(&mut self, t: u64) {
        while self.vm.next_sample_at() <= t {
            let at = self.vm.next_sample_at();
            self.world.advance_to(at);
            self.vm.apply(&self.world.drain_events());
            self.vm.sample(&self.world);
        }
        self.world.advance_to(t);
        self.vm.apply(&self.world.drain_events());
        self.vm.sync(&self.world);
    }

    /// The first event after the view's current time matching `pred`, advancing in 10 ms
    /// steps (at most `limit_ms`). Returns the time it happened.
    fn advance_until(&mut self, limit_ms: u64, pred: impl Fn(&ViewModel) -> bool) -> u64 {
        let mut t = self.world.now();
        while t < limit_ms {
            t += 10;
            self.advance_to(t);
            if pred(&self.vm) {
                return t;
            }
        }
        panic!("condition not met within {limit_ms} ms");
    }
}

const ONE_PRODUCER_ONE_SLOW_CONSUMER: &str = r#"{
  "seed": 1,
  "queues": [{"QueueName": "orders", "Attributes": {"VisibilityTimeout": "30"}}],
  "producers": [{"name": "web", "queue": "orders", "rate_per_s": 1}],
  "consumers": [{"name": "worker", "queue": "orders", "count": 1, "wait_time_s": 20,
                 "processing": {"dist": "fixed", "ms": 2000}}]
}"#;

#[test]
fn a_sent_message_travels_from_its_producer_into_the_queue() {
    let mut d = Driver::new(ONE_PRODUCER_ONE_SLOW_CONSUMER);
    let t = d.advance_until(5 * S, |vm| vm.totals.sent > 0);
    let mark = d.vm.marks.values().next().expect("one mark");
    assert_eq!(mark.from, Place::Producer(0));
    assert_eq!(d.vm.producers[0].name, "web");
    assert_eq!(d.vm.queues[mark.queue as usize].name, "orders");
    let transit = 1_000;
    match mark.visual(mark.since_ms, transit) {
        Visual::Travelling { from, progress } => {
            assert_eq!(from, Place::Producer(0));
            assert_eq!(progress, 0.0);
        }
        // A long poll may take it at once; then it is in flight already.
        Visual::InFlight { .. } => {}
        other => panic!("a new message travels: {other:?}"),
    }
    if let MarkState::Visible { .. } = mark.state {
        assert_eq!(mark.visual(t + transit, transit), Visual::Waiting);
    }
    assert!(matches!(
        mark.life[0].kind,
        LifeKind::Sent { ref by, .. } if by.as_deref() == Some("web")
    ));
}

#[test]
fn a_received_message_is_in_flight_at_its_consumer_with_a_countdown() {
    let mut d = Driver::new(ONE_PRODUCER_ONE_SLOW_CONSUMER);
    d.advance_until(10 * S, |vm| {
        vm.marks
            .values()
            .any(|m| matches!(m.state, MarkState::InFlight { .. }))
    });
    let mark =
        d.vm.marks
            .values()
            .find(|m| matches!(m.state, MarkState::InFlight { .. }))
            .unwrap();
    let MarkState::InFlight {
        consumer,
        received_ms,
        visible_at_ms,
    } = mark.state
    else {
        unreachable!()
    };
    let c = consumer.expect("received by a simulated consumer");
    assert_eq!(d.vm.consumers[c as usize].name, "worker#1");
    assert_eq!(
        visible_at_ms - received_ms,
        30 * S,
        "the queue's VisibilityTimeout"
    );
    let half = received_ms + 15 * S;
    match mark.visual(half, 1_000) {
        Visual::InFlight { remaining, .. } => assert!((remaining - 0.5).abs() < 1e-6),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        mark.life.last().unwrap().kind,
        LifeKind::Received { ref receipt_handle, receive_count: 1, .. } if !receipt_handle.is_empty()
    ));
    assert_eq!(
        d.vm.consumers[c as usize].status,
        ConsumerStatus::Processing
    );
}

#[test]
fn a_deleted_message_fades_then_is_forgotten() {
    let mut d = Driver::new(ONE_PRODUCER_ONE_SLOW_CONSUMER);
    d.vm.set_transient_ms(3 * S);
    let t = d.advance_until(20 * S, |vm| vm.totals.deleted > 0);
    let gone = d.vm.gone.back().expect("a fading mark");
    assert_eq!(gone.reason, GoneReason::Deleted);
    assert!(t - gone.at_ms <= 10);
    assert!(matches!(
        gone.mark.life.last().unwrap().kind,
        LifeKind::Deleted { .. }
    ));
    let serial = gone.mark.serial;
    assert!(
        d.vm.mark(serial).is_some(),
        "still inspectable while it fades"
    );
    // Long after, with nothing deleted in between, the fade is over.
    let mut quiet = Driver::new(ONE_PRODUCER_ONE_SLOW_CONSUMER);
    quiet.vm.set_transient_ms(3 * S);
    quiet.advance_until(20 * S, |vm| vm.totals.deleted > 0);
    let first = quiet.vm.gone.front().unwrap().at_ms;
    quiet.world.actors_mut().producers.clear();
    quiet.advance_to(first + 3 * S + 5 * S);
    assert!(quiet.vm.gone.iter().all(|g| g.at_ms > first));
}

const TOO_SHORT: &str = r#"{
  "seed": 3,
  "queues": [{"QueueName": "orders", "Attributes": {"VisibilityTimeout": "2"}}],
  "producers": [{"name": "web", "queue": "orders", "rate_per_s": 0.5, "stop_s": 3}],
  "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20,
                 "processing": {"dist": "fixed", "ms": 5000}}]
}"#;

#[test]
fn a_message_whose_visibility_timeout_expires_is_back_and_its_redelivery_flashes() {
    let mut d = Driver::new(TOO_SHORT);
    d.vm.set_transient_ms(60 * S);
    d.advance_until(20 * S, |vm| {
        vm.marks.values().any(|m| {
            m.life
                .iter()
                .any(|s| s.kind == LifeKind::Visible(Arrival::TimedOut))
        })
    });
    let m =
        d.vm.marks
            .values()
            .find(|m| {
                m.life
                    .iter()
                    .any(|s| s.kind == LifeKind::Visible(Arrival::TimedOut))
            })
            .unwrap();
    if let MarkState::Visible { arrival } = m.state {
        assert_eq!(arrival, Arrival::TimedOut);
        assert!(
            matches!(m.from, Place::Consumer(_)),
            "it comes back from the consumer"
        );
        assert!(matches!(
            m.visual(m.since_ms, 1_000),
            Visual::Returned { .. }
        ));
    }
    d.advance_until(30 * S, |vm| vm.totals.redeliveries > 0);
    let flash = d.vm.flashes.back().expect("a redelivery flashes");
    assert_eq!(flash.kind, FlashKind::Redelivery);
    assert!(flash.consumer.is_some());
    assert_eq!(d.vm.queues[0].redeliveries, d.vm.totals.redeliveries);
}

#[test]
fn fifo_group_is_shown_locked_while_a_message_is_in_flight() {
    let mut d = Driver::new(
        r#"{
      "seed": 5,
      "queues": [{"QueueName": "orders.fifo", "Attributes": {"FifoQueue": "true"}}],
      "producers": [{"name": "web", "queue": "orders.fifo", "rate_per_s": 4, "message_groups": 3}],
      "consumers": [{"name": "worker", "queue": "orders.fifo", "count": 6, "wait_time_s": 20,
                     "processing": {"dist": "fixed", "ms": 900}}]
    }"#,
    );
    d.advance_until(10 * S, |vm| {
        vm.queues[0].groups.len() == 3 && vm.queues[0].groups.iter().any(|g| g.locked)
    });
    let q = &d.vm.queues[0];
    assert!(q.fifo);
    assert_eq!(q.groups.len(), 3, "{:?}", q.groups);
    for g in &q.groups {
        let in_flight =
            d.vm.marks
                .values()
                .any(|m| m.group == Some(g.color) && matches!(m.state, MarkState::InFlight { .. }));
        assert_eq!(g.locked, in_flight, "group {} locked iff in flight", g.id);
    }
    // Colours follow the order groups were first seen, and marks carry them.
    assert_eq!(
        q.groups.iter().map(|g| g.color).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert!(d.vm.marks.values().all(|m| m.group.is_some()));
}

#[test]
fn a_poison_message_moves_to_the_dead_letter_queue_and_a_redrive_brings_it_back() {
    let mut d = Driver::new(
        r#"{
      "seed": 9,
      "queues": [
        {"QueueName": "orders", "Attributes": {"VisibilityTimeout": "1",
          "RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:orders-dlq\",\"maxReceiveCount\":2}"}},
        {"QueueName": "orders-dlq"}
      ],
      "producers": [{"name": "web", "queue": "orders", "rate_per_s": 1, "stop_s": 2}],
      "consumers": [{"name": "worker", "queue": "orders", "count": 1, "wait_time_s": 20,
                     "failure_probability": 1.0, "processing": {"dist": "fixed", "ms": 100}}]
    }"#,
    );
    d.advance_until(30 * S, |vm| vm.totals.moved_to_dlq > 0);
    let (dlq, dlq_view) = d.vm.queue_by_name("orders-dlq").unwrap();
    let (src, src_view) = d.vm.queue_by_name("orders").unwrap();
    assert!(dlq_view.is_dead_letter_queue);
    assert_eq!(src_view.dead_letter_queue, Some(dlq));
    assert_eq!(src_view.max_receive_count, Some(2));
    let m = d.vm.marks.values().find(|m| m.queue == dlq).unwrap();
    assert_eq!(m.from, Place::Queue(src));
    assert_eq!(
        m.state,
        MarkState::Visible {
            arrival: Arrival::DeadLettered
        }
    );
    assert!(matches!(
        m.visual(m.since_ms, 1_000),
        Visual::MovedToDlq { .. }
    ));
    let serial = m.serial;
    assert!(d.vm.mark_of("orders-dlq", &m.message_id.clone()).is_some());

    // Redrive: StartMessageMoveTask from the DLQ back to its source.
    d.world.call(
        "sqs",
        "StartMessageMoveTask",
        &json!({"SourceArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq"}),
    );
    let until = d.world.now() + 30 * S;
    d.advance_until(until, |vm| vm.totals.redriven > 0);
    let m = d.vm.mark(serial).expect("the same mark, moved back");
    assert_eq!(m.queue, src);
    let redriven = m
        .life
        .iter()
        .find_map(|s| match &s.kind {
            LifeKind::Redriven { new_message_id, .. } => Some(new_message_id.clone()),
            _ => None,
        })
        .expect("its life shows the redrive");
    assert_eq!(m.message_id, redriven, "a redriven message has a new id");
    assert!(d.vm.mark_of("orders", &redriven).is_some());
}

#[test]
fn a_delayed_message_shows_when_it_becomes_visible() {
    let mut d = Driver::new(
        r#"{
      "seed": 2,
      "queues": [{"QueueName": "later", "Attributes": {"DelaySeconds": "10"}}],
      "producers": [{"name": "web", "queue": "later", "rate_per_s": 1, "stop_s": 1}]
    }"#,
    );
    d.advance_until(2 * S, |vm| vm.totals.sent > 0);
    let m = d.vm.marks.values().next().unwrap();
    assert_eq!(
        m.state,
        MarkState::Delayed {
            until_ms: m.since_ms + 10 * S
        }
    );
    assert_eq!(d.vm.queues[0].delayed, 1);
    d.advance_to(m.since_ms + 10 * S);
    let m = d.vm.marks.values().next().unwrap();
    assert_eq!(
        m.state,
        MarkState::Visible {
            arrival: Arrival::DelayEnded
        }
    );
}

#[test]
fn a_short_poll_of_an_empty_queue_comes_back_empty() {
    let mut d = Driver::new(
        r#"{
      "seed": 4,
      "queues": [{"QueueName": "quiet"}],
      "consumers": [{"name": "poller", "queue": "quiet", "count": 1, "wait_time_s": 0}]
    }"#,
    );
    d.advance_until(2 * S, |vm| !vm.empty_receives.is_empty());
    let e = d.vm.empty_receives.back().unwrap();
    assert!(!e.long_poll);
    assert_eq!(e.consumer, Some(0));
    assert!(!d.vm.consumers[0].long_poll);
    assert_eq!(d.vm.queues[0].empty_receives, d.vm.totals.empty_receives);
    assert!(d
        .vm
        .api_log
        .iter()
        .any(|l| l.operation == "ReceiveMessage" && l.actor.as_deref() == Some("poller#1")));
}

fn event(id: u64, t: u64, kind: EventKind) -> Event {
    Event { id, t, kind }
}

#[test]
fn a_duplicate_delivery_flashes() {
    let w = world(r#"{"queues": [{"QueueName": "q"}]}"#);
    let mut vm = ViewModel::new(&w);
    let received = |dup: bool, n: u32| EventKind::MessageReceived {
        queue: "q".into(),
        message_id: "m1".into(),
        receive_count: n,
        receipt_handle: format!("rh{n}"),
        visible_at: 30_000,
        duplicate: dup,
        group_id: None,
        actor: Some("w#1".into()),
    };
    vm.apply(&[
        event(
            0,
            0,
            EventKind::MessageSent {
                queue: "q".into(),
                message_id: "m1".into(),
                bytes: 10,
                group_id: None,
                delayed_until: None,
                actor: None,
            },
        ),
        event(1, 10, received(false, 1)),
        event(
            2,
            20,
            EventKind::MessageDeleted {
                queue: "q".into(),
                message_id: "m1".into(),
                actor: Some("w#1".into()),
            },
        ),
        event(
            3,
            500,
            EventKind::MessageVisible {
                queue: "q".into(),
                message_id: "m1".into(),
                reason: VisibleReason::UndeletedCopy,
            },
        ),
        event(4, 600, received(true, 2)),
    ]);
    assert_eq!(vm.totals.duplicates, 1);
    assert_eq!(
        vm.totals.redeliveries, 0,
        "a duplicate is not counted twice"
    );
    let f = vm.flashes.back().unwrap();
    assert_eq!(f.kind, FlashKind::Duplicate);
    assert_eq!(vm.consumers[f.consumer.unwrap() as usize].name, "w#1");
    let m = vm.mark_of("q", "m1").unwrap();
    assert!(m.duplicate);
    assert_eq!(m.from, Place::Queue(0));
}

#[test]
fn every_buffer_stays_within_its_cap() {
    let w = world(r#"{"queues": [{"QueueName": "q"}]}"#);
    let mut vm = ViewModel::new(&w);
    vm.set_transient_ms(u64::MAX / 4);
    let n = (MARKS_MAX + 500) as u64;
    let mut events = Vec::new();
    for i in 0..n {
        events.push(event(
            i * 3,
            i,
            EventKind::MessageSent {
                queue: "q".into(),
                message_id: format!("m{i}"),
                bytes: 1,
                group_id: Some(format!("g{}", i % 100)),
                delayed_until: None,
                actor: None,
            },
        ));
        events.push(event(
            i * 3 + 1,
            i,
            EventKind::ApiCall {
                operation: "ReceiveMessage".into(),
                queue: Some("q".into()),
                actor: Some("c#1".into()),
                error: None,
            },
        ));
        events.push(event(
            i * 3 + 2,
            i,
            EventKind::EmptyReceive {
                queue: "q".into(),
                long_poll: false,
                actor: Some("c#1".into()),
            },
        ));
    }
    vm.apply(&events);
    assert_eq!(vm.marks.len(), MARKS_MAX);
    assert_eq!(vm.totals.untracked, 500);
    assert_eq!(vm.totals.sent, n);
    assert_eq!(vm.api_log.len(), API_LOG_MAX);
    assert_eq!(vm.empty_receives.len(), EMPTY_RECEIVES_MAX);
    assert_eq!(vm.queues[0].groups.len(), GROUPS_MAX);
    // Deleting them all: the fading list is capped too.
    let deletes: Vec<Event> = (0..n)
        .map(|i| {
            event(
                10 * n + i,
                n + i,
                EventKind::MessageDeleted {
                    queue: "q".into(),
                    message_id: format!("m{i}"),
                    actor: None,
                },
            )
        })
        .collect();
    vm.apply(&deletes);
    assert!(vm.marks.is_empty());
    assert_eq!(vm.gone.len(), GONE_MAX);
}

#[test]
fn a_long_life_keeps_its_first_and_latest_steps() {
    let w = world(r#"{"queues": [{"QueueName": "q"}]}"#);
    let mut vm = ViewModel::new(&w);
    let mut events = vec![event(
        0,
        0,
        EventKind::MessageSent {
            queue: "q".into(),
            message_id: "m".into(),
            bytes: 1,
            group_id: None,
            delayed_until: None,
            actor: Some("p".into()),
        },
    )];
    for i in 1..=40u32 {
        events.push(event(
            i as u64,
            i as u64 * 100,
            EventKind::MessageReceived {
                queue: "q".into(),
                message_id: "m".into(),
                receive_count: i,
                receipt_handle: format!("h{i}"),
                visible_at: i as u64 * 100 + 50,
                duplicate: false,
                group_id: None,
                actor: None,
            },
        ));
    }
    vm.apply(&events);
    let m = vm.mark_of("q", "m").unwrap();
    assert_eq!(m.life.len(), LIFE_STEPS_MAX);
    assert!(matches!(m.life[0].kind, LifeKind::Sent { .. }));
    assert!(matches!(
        m.life.last().unwrap().kind,
        LifeKind::Received {
            receive_count: 40,
            ..
        }
    ));
    assert_eq!(m.life_dropped as usize, 41 - LIFE_STEPS_MAX);
}

const BUSY: &str = r#"{
  "seed": 11,
  "queues": [{"QueueName": "orders", "Attributes": {"VisibilityTimeout": "3"}}],
  "producers": [{"name": "web", "queue": "orders", "rate_per_s": 20, "arrival": "poisson"}],
  "consumers": [{"name": "worker", "queue": "orders", "count": 3, "wait_time_s": 0,
                 "max_messages": 5, "failure_probability": 0.2,
                 "processing": {"dist": "exponential", "mean_ms": 400}}]
}"#;

#[test]
fn tracked_marks_agree_with_the_engine_counts() {
    let mut d = Driver::new(BUSY);
    for step in 1..=120 {
        d.advance_to(step * 500);
        let q = &d.vm.queues[0];
        let count = |f: fn(&MarkState) -> bool| d.vm.marks.values().filter(|m| f(&m.state)).count();
        assert_eq!(
            count(|s| matches!(s, MarkState::Visible { .. })),
            q.visible,
            "visible at {}",
            d.vm.now_ms
        );
        assert_eq!(
            count(|s| matches!(s, MarkState::InFlight { .. })),
            q.in_flight,
            "in flight at {}",
            d.vm.now_ms
        );
        assert_eq!(d.vm.totals.sent, q.sent);
        assert_eq!(d.vm.totals.received, q.received);
        assert_eq!(d.vm.totals.deleted, q.deleted_messages);
    }
    assert!(d.vm.totals.redeliveries > 0);
    assert!(d.vm.totals.requests > 0 && d.vm.totals.cost_usd > 0.0);
}

#[test]
fn the_view_does_not_depend_on_how_frames_cut_the_run() {
    let mut coarse = Driver::new(BUSY);
    coarse.advance_to(45 * S);
    let mut fine = Driver::new(BUSY);
    let mut t = 0;
    while t < 45 * S {
        t = (t + 17).min(45 * S);
        fine.advance_to(t);
    }
    assert_eq!(coarse.vm.totals, fine.vm.totals);
    assert_eq!(coarse.vm.marks, fine.vm.marks);
    assert_eq!(coarse.vm.samples, fine.vm.samples);
    assert_eq!(coarse.vm.queues, fine.vm.queues);
    assert_eq!(coarse.vm.api_log, fine.vm.api_log);
}

#[test]
fn chart_samples_lie_on_a_grid_that_coarsens_to_cover_the_whole_run() {
    let mut d = Driver::new(BUSY);
    d.advance_to(10 * S);
    let s = &d.vm.samples;
    assert_eq!(s.every_ms, SAMPLE_EVERY_MS_FIRST);
    assert_eq!(
        s.points.iter().map(|p| p.t_ms).collect::<Vec<_>>(),
        (0..=10).map(|i| i * S).collect::<Vec<_>>()
    );
    // Far past SAMPLES_MAX seconds: the grid doubles, the whole run stays covered.
    d.world.actors_mut().producers.clear();
    d.advance_to(3_000 * S);
    let s = &d.vm.samples;
    assert!(s.points.len() <= SAMPLES_MAX);
    assert!(s.every_ms > SAMPLE_EVERY_MS_FIRST);
    assert_eq!(s.points.front().unwrap().t_ms, 0);
    assert!(s.points.back().unwrap().t_ms > 3_000 * S - s.every_ms);
    assert!(s.points.iter().all(|p| p.t_ms % s.every_ms == 0));
    let sent = s.rate_per_minute(|p| p.queues[0].sent);
    // Sends stopped at 10 s: the first interval has them, the last ones none.
    assert!(sent[0].1 > 0.0);
    assert!(sent.iter().rev().take(5).all(|&(_, r)| r == 0.0));
}

#[test]
fn a_call_from_the_page_is_logged_with_its_parameters() {
    let w = world(r#"{"queues": [{"QueueName": "q"}]}"#);
    let mut vm = ViewModel::new(&w);
    vm.log_call(
        5,
        "SetQueueAttributes",
        Some("q"),
        json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
               "Attributes": {"VisibilityTimeout": "99999"}}),
        Some("InvalidAttributeValue".into()),
    );
    let l = vm.api_log.back().unwrap();
    assert_eq!(l.operation, "SetQueueAttributes");
    assert_eq!(l.error.as_deref(), Some("InvalidAttributeValue"));
    assert!(l.params.is_some());
    assert_eq!(vm.totals.api_errors, 1);
}

#[test]
fn sent_per_minute_is_the_sum_in_each_virtual_minute_as_cloudwatch_charts_it() {
    // 1 message a second, plus a burst of 300 at 20 s.
    let mut d = Driver::new(
        r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","rate_per_s":1,"bursts":[{"at_s":20,"count":300}]}]}"#,
    );
    d.advance_to(150 * S);
    let sent = d.vm.samples.per_minute(|p| p.queues[0].sent);
    let minutes: Vec<u64> = sent.iter().map(|&(t, _)| t).collect();
    assert_eq!(minutes, vec![0, 60 * S, 120 * S]);
    // Minute 0 holds the sends at 0 s … 60 s (61, the one at 60 s closing it) and the burst:
    // not a spike of 300 × 60 "per minute".
    assert_eq!(sent[0].1, 61.0 + 300.0);
    assert_eq!(sent[1].1, 60.0);
    // The current minute so far: 121 s … 150 s.
    assert_eq!(sent[2].1, 30.0);
    let total: f64 = sent.iter().map(|&(_, n)| n).sum();
    assert_eq!(total as u64, d.world.sqs().queue_summaries()[0].sent);
}
