//! Every preset builds in the engine and shows, within three virtual minutes, the effect its
//! explanation promises.

use mqlab_appcore::i18n::Lang;
use mqlab_appcore::presets;
use mqlab_engine::event::VisibleReason;
use mqlab_engine::sqs::QueueSummary;
use mqlab_engine::{events_hash, Event, EventKind, Scenario, World};
use std::collections::{BTreeMap, BTreeSet};

const S: u64 = 1_000;
const MIN: u64 = 60 * S;

fn scenario(id: &str) -> Scenario {
    let p = presets::by_id(id).unwrap_or_else(|| panic!("no preset {id}"));
    Scenario::from_json(p.scenario_json()).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// The preset's own seed, then others: "new seed" must show the same effect.
const SEEDS: [Option<u64>; 4] = [None, Some(1), Some(2), Some(3)];

fn world(id: &str, seed: Option<u64>) -> World {
    let mut s = scenario(id);
    if let Some(seed) = seed {
        s.seed = seed;
    }
    World::from_scenario(&s).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// A run sampled every second: the events and each queue's summary at each second.
struct Run {
    world: World,
    events: Vec<Event>,
    samples: Vec<(u64, Vec<QueueSummary>)>,
}

impl Run {
    fn new(id: &str, until_ms: u64) -> Run {
        Run::seeded(id, None, until_ms)
    }

    fn seeded(id: &str, seed: Option<u64>, until_ms: u64) -> Run {
        let mut r = Run {
            world: world(id, seed),
            events: Vec::new(),
            samples: Vec::new(),
        };
        r.advance(until_ms);
        r
    }

    fn advance(&mut self, until_ms: u64) {
        let mut t = self.world.now();
        while t < until_ms {
            t = (t + S).min(until_ms);
            self.world.advance_to(t);
            self.events.extend(self.world.drain_events());
            self.samples.push((t, self.world.sqs().queue_summaries()));
        }
    }

    fn queue(&self, name: &str) -> QueueSummary {
        summary(&self.world.sqs().queue_summaries(), name)
    }

    fn count(&self, f: impl Fn(&EventKind) -> bool) -> usize {
        self.events.iter().filter(|e| f(&e.kind)).count()
    }

    /// How many times each message was processed successfully.
    fn processed_ok(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for e in &self.events {
            if let EventKind::MessageProcessed {
                message_id,
                ok: true,
                ..
            } = &e.kind
            {
                *m.entry(message_id.clone()).or_default() += 1;
            }
        }
        m
    }
}

fn summary(all: &[QueueSummary], name: &str) -> QueueSummary {
    all.iter()
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("no queue {name}"))
        .clone()
}

fn expired_visibility(k: &EventKind) -> bool {
    matches!(
        k,
        EventKind::MessageVisible {
            reason: VisibleReason::VisibilityTimeoutExpired,
            ..
        }
    )
}

#[test]
fn every_preset_builds_has_texts_and_a_unique_id() {
    let mut ids = BTreeSet::new();
    assert!(presets::all().len() >= 8);
    for p in presets::all() {
        assert!(ids.insert(p.id), "{} listed twice", p.id);
        let s = scenario(p.id);
        assert_eq!(s.name, p.id, "the scenario's name is its preset id");
        World::from_scenario(&s).unwrap();
        for lang in Lang::ALL {
            assert!(!presets::title(p.id, lang).is_empty(), "{} title", p.id);
            let text = presets::explanation(p.id, lang);
            assert!(text.len() > 200, "{} {lang:?} explanation too short", p.id);
            assert!(!text.contains("  "), "{} {lang:?}: doubled space", p.id);
        }
        assert_ne!(
            presets::explanation(p.id, Lang::En),
            presets::explanation(p.id, Lang::Ko)
        );
        if let Some(other) = presets::compare_with(p.id) {
            assert!(
                presets::by_id(other).is_some(),
                "{} compares with {other}",
                p.id
            );
            assert_eq!(
                presets::compare_with(other),
                Some(p.id),
                "pairs go both ways"
            );
        }
    }
    assert!(presets::by_id("nope").is_none());
    assert_eq!(presets::title("nope", Lang::En), "");
    assert_eq!(presets::explanation("nope", Lang::Ko), "");
}

#[test]
fn the_presets_the_issue_names_are_all_there() {
    for id in [
        "decoupling",
        "visibility-too-short",
        "visibility-ok",
        "short-polling",
        "long-polling",
        "fifo-groups",
        "poison-dlq",
        "delay-queue",
    ] {
        assert!(presets::by_id(id).is_some(), "{id}");
    }
    assert_eq!(
        presets::compare_with("visibility-too-short"),
        Some("visibility-ok")
    );
    assert_eq!(presets::compare_with("short-polling"), Some("long-polling"));
}

#[test]
fn each_preset_gives_the_same_run_twice() {
    for p in presets::all() {
        let h = || events_hash(&Run::new(p.id, MIN).events);
        assert_eq!(h(), h(), "{}", p.id);
    }
}

#[test]
fn decoupling_the_queue_absorbs_the_burst_and_drains() {
    for seed in SEEDS {
        let r = Run::seeded("decoupling", seed, 3 * MIN);
        let depth = |t: u64| {
            let (_, qs) = r.samples.iter().find(|(at, _)| *at == t).unwrap();
            let q = summary(qs, "orders");
            q.visible + q.in_flight
        };
        let before = depth(19 * S);
        let peak = (20..40).map(|s| depth(s * S)).max().unwrap();
        assert!(
            before < 20,
            "before the burst the workers keep up: {before}"
        );
        assert!(peak > 200, "the burst piles up in the queue: peak {peak}");
        let q = r.queue("orders");
        assert!(q.visible + q.in_flight < 10, "drained by 3 minutes: {q:?}");
        assert!(q.sent > 400 && q.deleted + 10 > q.sent, "{q:?}");
        assert_eq!(r.count(expired_visibility), 0, "no message processed twice");
        // The producer was never refused or slowed down.
        assert_eq!(
            r.count(|k| matches!(k, EventKind::ApiCall { error: Some(_), .. })),
            0
        );
    }
}

#[test]
fn visibility_too_short_processes_messages_more_than_once() {
    for seed in SEEDS {
        let r = Run::seeded("visibility-too-short", seed, 3 * MIN);
        assert!(
            r.count(expired_visibility) > 10,
            "messages come back while being processed"
        );
        let twice = r.processed_ok().values().filter(|n| **n > 1).count();
        assert!(twice > 5, "{twice} messages processed more than once");
    }
}

#[test]
fn visibility_ok_processes_each_message_once() {
    for seed in SEEDS {
        let r = Run::seeded("visibility-ok", seed, 3 * MIN);
        assert_eq!(r.count(expired_visibility), 0);
        let done = r.processed_ok();
        assert!(done.len() > 40, "{} messages processed", done.len());
        assert!(done.values().all(|n| *n == 1), "each processed once");
    }
}

#[test]
fn the_visibility_pair_differs_only_in_the_visibility_timeout() {
    let mut short = scenario("visibility-too-short");
    let ok = scenario("visibility-ok");
    short.name = ok.name.clone();
    short.description = ok.description.clone();
    short.queues[0]
        .attributes
        .insert("VisibilityTimeout".into(), "30".into());
    assert_eq!(short, ok);
}

#[test]
fn short_polling_makes_far_more_empty_receives_and_requests_than_long_polling() {
    for seed in SEEDS {
        let short = Run::seeded("short-polling", seed, 3 * MIN);
        let long = Run::seeded("long-polling", seed, 3 * MIN);
        let (s, l) = (short.queue("orders"), long.queue("orders"));
        assert!(s.empty_receives > 5_000, "short: {s:?}");
        assert!(
            s.empty_receives > 100 * l.empty_receives.max(1),
            "short {} vs long {}",
            s.empty_receives,
            l.empty_receives
        );
        let (sr, lr) = (
            short.world.sqs().cost().requests(),
            long.world.sqs().cost().requests(),
        );
        assert!(sr > 20 * lr, "requests: short {sr}, long {lr}");
        assert!(short.world.sqs().cost().usd() > 10.0 * long.world.sqs().cost().usd());
        // Both deliver the same traffic.
        assert!(s.deleted.abs_diff(l.deleted) <= 3, "{s:?} {l:?}");
        // Short polls sample a subset of servers, so some come back empty with messages waiting;
        // the long-polling run's receives are long polls.
        assert!(long.events.iter().all(|e| !matches!(
            e.kind,
            EventKind::EmptyReceive {
                long_poll: false,
                ..
            }
        )));
    }
}

#[test]
fn the_polling_pair_differs_only_in_the_queue_wait_time() {
    let mut short = scenario("short-polling");
    let long = scenario("long-polling");
    short.name = long.name.clone();
    short.description = long.description.clone();
    short.queues[0]
        .attributes
        .insert("ReceiveMessageWaitTimeSeconds".into(), "20".into());
    assert_eq!(short, long);
}

#[test]
fn fifo_groups_keep_order_within_each_group_and_run_groups_in_parallel() {
    for seed in SEEDS {
        let r = Run::seeded("fifo-groups", seed, 3 * MIN);
        let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut group_of = BTreeMap::new();
        for e in &r.events {
            if let EventKind::MessageSent {
                message_id,
                group_id: Some(g),
                ..
            } = &e.kind
            {
                sent.entry(g.clone()).or_default().push(message_id.clone());
                group_of.insert(message_id.clone(), g.clone());
            }
        }
        assert_eq!(sent.len(), 3, "three message groups");
        // Per group, messages are processed in the order they were sent.
        let mut processed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in &r.events {
            if let EventKind::MessageProcessed { message_id, .. } = &e.kind {
                processed
                    .entry(group_of[message_id].clone())
                    .or_default()
                    .push(message_id.clone());
            }
        }
        for (g, done) in &processed {
            assert!(done.len() > 50, "{g}: {} processed", done.len());
            assert_eq!(done[..], sent[g][..done.len()], "{g} out of order");
        }
        // Never more than one message of a group in flight, so never more than three busy
        // workers, although six poll.
        let mut in_flight: BTreeMap<String, usize> = BTreeMap::new();
        let mut busy_max = 0;
        for e in &r.events {
            match &e.kind {
                EventKind::MessageReceived { message_id, .. } => {
                    let n = in_flight.entry(group_of[message_id].clone()).or_default();
                    *n += 1;
                    assert_eq!(*n, 1, "a group had two messages in flight at {}", e.t);
                }
                EventKind::MessageDeleted { message_id, .. } => {
                    *in_flight.get_mut(&group_of[message_id]).unwrap() -= 1;
                }
                _ => {}
            }
            busy_max = busy_max.max(in_flight.values().sum::<usize>());
        }
        assert_eq!(busy_max, 3, "the three groups ran in parallel");
        let q = r.queue("orders.fifo");
        assert!(
            q.visible > 50,
            "a backlog builds although half the workers wait: {q:?}"
        );
    }
}

#[test]
fn fifo_groups_go_faster_with_more_groups_not_more_consumers() {
    let deleted = |f: &dyn Fn(&mut Scenario)| {
        let mut s = scenario("fifo-groups");
        f(&mut s);
        let mut w = World::from_scenario(&s).unwrap();
        w.advance_to(3 * MIN);
        let q = w.sqs().queue_summaries()[0].clone();
        (q.deleted, q.visible)
    };
    let (base, backlog) = deleted(&|_| {});
    let (more_consumers, still) = deleted(&|s| s.consumers[0].count = 12);
    let (more_groups, none) = deleted(&|s| s.producers[0].message_groups = 6);
    assert!(
        more_consumers <= base + base / 50 && still + 10 >= backlog,
        "12 consumers: {more_consumers} deleted, {still} waiting; 6: {base}, {backlog}"
    );
    assert!(
        more_groups > base + 40 && none < 5,
        "6 groups: {more_groups} deleted, {none} waiting; 3: {base}, {backlog}"
    );
}

#[test]
fn fifo_groups_backlog_drains_when_the_producer_uses_more_groups_mid_run() {
    let mut w = world("fifo-groups", None);
    w.advance_to(90 * S);
    let backlog = w.sqs().queue_summaries()[0].visible;
    assert!(backlog > 20, "{backlog}");
    let mut spec = w.actors().producers[0].spec.clone();
    spec.message_groups = 6;
    w.with_actors(|a, ctx| a.set_producer(ctx, 0, spec))
        .unwrap();
    w.advance_to(3 * MIN);
    let after = w.sqs().queue_summaries()[0].visible;
    assert!(after < 5, "backlog {backlog} → {after}");
}

#[test]
fn poison_dlq_moves_repeatedly_failing_messages_to_the_dlq_and_redrive_brings_them_back() {
    for seed in SEEDS {
        let mut r = Run::seeded("poison-dlq", seed, 2 * MIN);
        let moved = r.count(|k| matches!(k, EventKind::MessageMovedToDeadLetterQueue { .. }));
        assert!(moved > 5, "{moved} moved to the DLQ");
        assert_eq!(r.queue("orders").moved_to_dlq as usize, moved);
        assert_eq!(r.queue("orders-dlq").visible, moved);
        for e in &r.events {
            if let EventKind::MessageMovedToDeadLetterQueue { receive_count, .. } = &e.kind {
                assert_eq!(*receive_count, 3, "moved after maxReceiveCount receives");
            }
        }
        assert!(r.queue("orders").deleted > 100, "the rest flow on");

        let poisoned = r
            .world
            .sqs()
            .queue_by_name("orders-dlq")
            .unwrap()
            .messages()
            .filter(|m| m.body.contains(mqlab_engine::actors::POISON_MARK))
            .count();
        assert!(
            poisoned * 2 > moved,
            "mostly poison pills: {poisoned} of {moved}"
        );
        // Fix the worker, then redrive as the preset's action does.
        let mut spec = r.world.actors().consumer_specs[0].clone();
        spec.failure_probability = 0.0;
        spec.handles_poison = true;
        r.world
            .with_actors(|a, ctx| a.set_consumer(ctx, 0, spec))
            .unwrap();
        let [action] = presets::actions("poison-dlq") else {
            panic!("poison-dlq offers one action");
        };
        assert_eq!(action.op, "StartMessageMoveTask");
        let params: serde_json::Value = serde_json::from_str(action.params_json).unwrap();
        let call = r.world.call("sqs", action.op, &params);
        let done = r.world.take_completions();
        assert!(
            done.iter().any(|c| c.call == call && c.result.is_ok()),
            "{done:?}"
        );
        let in_dlq = r.queue("orders-dlq").visible;
        let moved_before_fix = r.queue("orders").moved_to_dlq;
        r.advance(3 * MIN);
        let redriven = r.count(|k| matches!(k, EventKind::MessageRedriven { .. }));
        assert!(redriven >= in_dlq, "{redriven} redriven of {in_dlq}");
        // Messages already received maxReceiveCount times when the worker was fixed still move on
        // their next receive; nothing else does.
        let late = r.queue("orders").moved_to_dlq - moved_before_fix;
        assert!(late <= 3, "{late} moved after the fix");
        assert_eq!(r.queue("orders-dlq").visible as u64, late);
        let o = r.queue("orders");
        assert!(
            o.visible + o.in_flight < 5,
            "redriven messages processed: {o:?}"
        );
    }
    assert!(presets::actions("decoupling").is_empty());
}

#[test]
fn delay_queue_hides_each_message_for_delay_seconds_after_it_is_sent() {
    for seed in SEEDS {
        let r = Run::seeded("delay-queue", seed, 2 * MIN);
        let mut sent_at = BTreeMap::new();
        for e in &r.events {
            if let EventKind::MessageSent {
                message_id,
                delayed_until,
                ..
            } = &e.kind
            {
                assert_eq!(*delayed_until, Some(e.t + 20 * S), "DelaySeconds 20");
                sent_at.insert(message_id.clone(), e.t);
            }
        }
        let mut ended = 0;
        for e in &r.events {
            match &e.kind {
                EventKind::MessageVisible {
                    message_id,
                    reason: VisibleReason::DelayEnded,
                    ..
                } => {
                    assert_eq!(e.t, sent_at[message_id] + 20 * S);
                    ended += 1;
                }
                EventKind::MessageReceived { message_id, .. } => {
                    assert!(
                        e.t >= sent_at[message_id] + 20 * S,
                        "received while delayed"
                    );
                }
                _ => {}
            }
        }
        assert!(ended > 90, "{ended} delays ended");
        let q = r.queue("orders");
        assert!((18..=21).contains(&q.delayed), "about 20 delayed: {q:?}");
        assert!(q.visible <= 2, "{q:?}");
    }
}

#[test]
fn the_picker_groups_every_preset_by_the_service_it_is_about() {
    use mqlab_appcore::presets::Service;
    let grouped: usize = Service::ALL.iter().map(|s| presets::of(*s).count()).sum();
    assert_eq!(grouped, presets::all().len());
    // Each group's presets really use that service (the scenario names it).
    for s in Service::ALL {
        assert!(presets::of(s).count() >= 4, "{s:?}");
        for p in presets::of(s) {
            let v: serde_json::Value = serde_json::from_str(p.scenario_json()).unwrap();
            let has = |k: &str| {
                v.get(k)
                    .and_then(|x| x.as_array())
                    .is_some_and(|a| !a.is_empty())
            };
            let ok = match s {
                Service::Sqs => has("queues"),
                Service::Sns => has("topics") || has("buckets"),
                Service::Kinesis => has("streams"),
            };
            assert!(ok, "{} is listed under {s:?}", p.id);
        }
        assert_ne!(s.label(Lang::En), s.label(Lang::Ko));
    }
}

#[test]
fn an_exported_preset_is_recognised_when_imported_again() {
    let p = presets::by_id("poison-dlq").unwrap();
    let scenario = mqlab_engine::Scenario::from_json(p.scenario_json()).unwrap();
    let text = mqlab_appcore::share::export_json(&scenario);
    let back = mqlab_appcore::share::import_json(&text).unwrap();
    assert_eq!(presets::for_scenario_name(&back.name), Some("poison-dlq"));
    assert_eq!(presets::for_scenario_name("my-own-design"), None);
}

#[test]
fn the_explanations_file_covers_every_preset_and_names_what_is_wrong() {
    use mqlab_appcore::presets::Explanations;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../texts/presets.json"
    ))
    .unwrap();
    let e = Explanations::from_json(&text).unwrap();
    for p in presets::all() {
        for lang in [Lang::En, Lang::Ko] {
            assert!(e.get(p.id, lang).len() > 100, "{} {lang:?}", p.id);
        }
        assert_ne!(e.get(p.id, Lang::En), e.get(p.id, Lang::Ko));
    }
    let err = Explanations::from_json(r#"{"decoupling": {"en": "x"}}"#).unwrap_err();
    assert_eq!(
        err,
        "texts/presets.json: decoupling.ko: missing or not a string"
    );
    assert!(Explanations::from_json("[1]")
        .unwrap_err()
        .contains("object"));
    assert!(Explanations::from_json("{")
        .unwrap_err()
        .starts_with("texts/presets.json: not JSON"));
}

#[test]
fn every_preset_is_a_file_beside_the_page_and_the_default_needs_none() {
    // The page fetches presets::file(id) (Trunk copies scenarios/presets/ into dist/): each must
    // be the scenario the native build carries.
    for p in presets::all() {
        let path = format!(
            "{}/../../{}",
            env!("CARGO_MANIFEST_DIR"),
            presets::file(p.id)
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(text, p.scenario_json(), "{path}");
        assert_eq!(presets::json(p.id).as_deref(), Some(p.scenario_json()));
    }
    assert!(presets::by_id(presets::DEFAULT).is_some());
    // What the page remembers is served only for presets it knows.
    presets::remember("not-a-preset", "{}");
    assert!(presets::json("not-a-preset").is_none());
}

/// Every preset names the few settings it is about, and each is one the page can show: a
/// queue attribute of a queue it has (maxReceiveCount only with a RedrivePolicy), a producer
/// setting that means something for that producer's target, a consumer group's setting.
#[test]
fn every_preset_focuses_on_settings_it_has() {
    use mqlab_appcore::params::{self, ProducerTarget};
    use presets::Focus;
    let actor_field = |list: &[params::ActorParam], optional: &[params::ActorParam], f: &str| {
        list.iter().chain(optional).any(|p| p.field == f)
    };
    for p in presets::all() {
        let focus = presets::focus(p.id);
        assert!(
            (1..=3).contains(&focus.len()),
            "{}: {} settings in focus",
            p.id,
            focus.len()
        );
        let w = world(p.id, None);
        for f in focus {
            match *f {
                Focus::Queue(queue, attribute) => {
                    let q = w
                        .sqs()
                        .queues()
                        .find(|q| q.name == queue)
                        .unwrap_or_else(|| panic!("{}: no queue {queue}", p.id));
                    let known = params::queue_params()
                        .iter()
                        .any(|x| x.attribute == attribute && (q.fifo() || !x.fifo_only))
                        || params::queue_choices()
                            .iter()
                            .any(|x| x.attribute == attribute && (q.fifo() || !x.fifo_only))
                        || (attribute == "maxReceiveCount" && q.attrs.redrive_policy.is_some());
                    assert!(known, "{}: {queue} has no field {attribute}", p.id);
                }
                Focus::Producer(name, field) => {
                    let spec = &w
                        .actors()
                        .producers
                        .iter()
                        .find(|x| x.spec.name == name)
                        .unwrap_or_else(|| panic!("{}: no producer {name}", p.id))
                        .spec;
                    let known = matches!(field, "burst" | "arrival" | "partition_keys")
                        || actor_field(
                            params::producer_params(),
                            &params::PRODUCER_OPTIONAL,
                            field,
                        );
                    assert!(
                        known && ProducerTarget::of(spec).has(field),
                        "{}: producer {name} has no field {field}",
                        p.id
                    );
                }
                Focus::Consumer(name, field) => {
                    assert!(
                        w.actors().consumer_specs.iter().any(|c| c.name == name),
                        "{}: no consumer group {name}",
                        p.id
                    );
                    let known = matches!(field, "processing_dist" | "heartbeat" | "handles_poison")
                        || actor_field(
                            params::consumer_params(),
                            &params::CONSUMER_OPTIONAL,
                            field,
                        );
                    assert!(known, "{}: consumer {name} has no field {field}", p.id);
                }
            }
        }
    }
    assert!(presets::focus("no-such-preset").is_empty());
}
