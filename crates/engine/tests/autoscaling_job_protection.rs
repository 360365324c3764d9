//! Per-job scale-in protection (aws-rules §2.6): a group's worker with
//! `protect_while_processing` calls SetInstanceProtection for its own instance — true when a
//! receive brings a job, false once the job is done — through the Auto Scaling API, so
//! scale-in takes only idle instances and no job is killed mid-message.

use mqlab_engine::autoscaling::Lifecycle;
use mqlab_engine::{EventKind, Scenario, World};
use serde_json::{json, Value};

/// Three instances (InService from 60 s) of a worker that takes one 5-minute job at a time
/// from `jobs` (VisibilityTimeout 420 s); one job arrives at 90 s.
fn scenario(protect: bool) -> Value {
    json!({
        "name": "job-protection", "seed": 5,
        "queues": [{"QueueName": "jobs", "Attributes": {"VisibilityTimeout": "420"}}],
        "producers": [{"name": "app", "queue": "jobs", "rate_per_s": 0.0,
                       "bursts": [{"at_s": 90, "count": 1}]}],
        "launch_configurations": [{
            "LaunchConfigurationName": "lc", "ImageId": "ami-0abcdef1234567890",
            "InstanceType": "t3.micro",
            "Consumer": {"queue": "jobs", "wait_time_s": 20, "max_messages": 1,
                         "processing": {"dist": "fixed", "ms": 300000},
                         "protect_while_processing": protect}
        }],
        "auto_scaling_groups": [{
            "AutoScalingGroupName": "workers", "LaunchConfigurationName": "lc",
            "MinSize": 0, "MaxSize": 3, "DesiredCapacity": 3,
            "AvailabilityZones": ["us-east-1a"]
        }],
    })
}

fn world(protect: bool) -> World {
    let s = Scenario::from_json(&scenario(protect).to_string()).unwrap();
    World::from_scenario(&s).unwrap()
}

/// The instance that received the job (its consumer's name is `workers/<id>`), and how
/// many times the job was received.
fn receiver(events: &[mqlab_engine::Event]) -> (String, usize) {
    let got: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::MessageReceived { actor: Some(a), .. } => Some(a.clone()),
            _ => None,
        })
        .collect();
    let first = got.first().expect("the job was received").clone();
    let id = first.strip_prefix("workers/").unwrap().to_string();
    (id, got.len())
}

/// (instance id, lifecycle, protected) of each instance now.
fn instances(w: &World) -> Vec<(String, Lifecycle, bool)> {
    w.autoscaling().groups["workers"]
        .instances
        .iter()
        .map(|i| (i.id.clone(), i.lifecycle, i.protected))
        .collect()
}

fn scale_to(w: &mut World, n: u32) {
    let id = w.call(
        "autoscaling",
        "SetDesiredCapacity",
        &json!({"AutoScalingGroupName": "workers", "DesiredCapacity": n}),
    );
    let done = w.take_completions();
    let c = done.iter().find(|c| c.call == id).unwrap();
    assert!(c.result.is_ok(), "{:?}", c.result);
}

/// The run to 2:00 (the job received at 1:30), its events, and the busy instance's id.
fn busy_at_two_minutes(protect: bool) -> (World, Vec<mqlab_engine::Event>, String) {
    let mut w = world(protect);
    w.advance_to(120_000);
    let events = w.drain_events();
    let (busy, _) = receiver(&events);
    (w, events, busy)
}

#[test]
fn a_busy_instance_protected_by_its_worker_is_not_terminated_on_scale_in() {
    let (mut w, _, busy) = busy_at_two_minutes(true);
    scale_to(&mut w, 0);
    let now = instances(&w);
    let mine = now.iter().find(|i| i.0 == busy).unwrap();
    assert_eq!(mine.1, Lifecycle::InService, "{now:?}");
    assert!(mine.2, "protected while it holds the job");
    // It finishes the job (1:30 + 5 min), deletes it, and only then is taken.
    w.advance_to(400_000);
    let events = w.drain_events();
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::MessageDeleted { .. })),
        "the job is deleted"
    );
    w.advance_to(450_000);
    let events: Vec<_> = [events, w.drain_events()].concat();
    assert!(
        !events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::MessageReceived { .. })),
        "no job is received again"
    );
    assert!(w.autoscaling().groups["workers"].instances.is_empty());
    let queue = w.sqs().queue_by_name("jobs").unwrap();
    assert_eq!((queue.visible_count(), queue.len()), (0, 0));
}

#[test]
fn idle_instances_are_still_removed_on_scale_in() {
    let (mut w, _, busy) = busy_at_two_minutes(true);
    scale_to(&mut w, 0);
    let now = instances(&w);
    let idle: Vec<_> = now.iter().filter(|i| i.0 != busy).collect();
    assert_eq!(idle.len(), 2, "{now:?}");
    assert!(
        idle.iter().all(|i| i.1 == Lifecycle::Terminating && !i.2),
        "{now:?}"
    );
    w.advance_to(160_000);
    assert_eq!(instances(&w).len(), 1, "the idle ones are gone");
}

#[test]
fn an_instance_is_protected_only_while_it_holds_a_job() {
    let mut w = world(true);
    w.advance_to(80_000);
    assert!(instances(&w).iter().all(|i| !i.2), "idle: none protected");
    w.advance_to(120_000);
    let (busy, _) = receiver(&w.drain_events());
    let now = instances(&w);
    assert!(
        now.iter().all(|i| i.2 == (i.0 == busy)),
        "only the busy one: {now:?}"
    );
    // Still protected a moment before the job ends (1:30 + 5 min), not after.
    w.advance_to(389_000);
    assert!(instances(&w).iter().any(|i| i.0 == busy && i.2));
    w.advance_to(392_000);
    let now = instances(&w);
    assert_eq!(now.len(), 3, "desired capacity 3: none taken");
    assert!(now.iter().all(|i| !i.2), "done: none protected: {now:?}");
}

#[test]
fn set_instance_protection_calls_are_the_workers_api_calls() {
    let mut w = world(true);
    w.advance_to(450_000);
    let events = w.drain_events();
    let (busy, _) = receiver(&events);
    let calls: Vec<(u64, Option<String>, Option<String>)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ApiCall {
                operation,
                actor,
                error,
                ..
            } if operation == "SetInstanceProtection" => Some((e.t, actor.clone(), error.clone())),
            _ => None,
        })
        .collect();
    let actor = Some(format!("workers/{busy}"));
    assert_eq!(
        calls.len(),
        2,
        "one to protect, one to unprotect: {calls:?}"
    );
    assert!(
        calls.iter().all(|c| c.1 == actor && c.2.is_none()),
        "{calls:?}"
    );
    // Protect at the receive, before the work; unprotect after the delete.
    let at = |f: &dyn Fn(&EventKind) -> bool| events.iter().find(|e| f(&e.kind)).unwrap().t;
    let received = at(&|k| matches!(k, EventKind::MessageReceived { .. }));
    let deleted = at(&|k| matches!(k, EventKind::MessageDeleted { .. }));
    assert_eq!(calls[0].0, received);
    assert!(calls[1].0 >= deleted && deleted >= received + 300_000);
    // Same run, same calls: deterministic.
    let mut again = world(true);
    again.advance_to(450_000);
    let n = again
        .drain_events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::ApiCall { operation, .. } if operation == "SetInstanceProtection"))
        .count();
    assert_eq!(n, 2);
}

#[test]
fn the_option_defaults_off_and_then_no_worker_calls_set_instance_protection() {
    let mut w = world(false);
    w.advance_to(450_000);
    let n = w
        .drain_events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::ApiCall { operation, .. } if operation == "SetInstanceProtection"))
        .count();
    assert_eq!(n, 0);
}

#[test]
fn a_refused_set_instance_protection_is_the_workers_error() {
    // A worker that names an instance not in the group gets AWS's ValidationError, logged
    // as its call's error: the call goes through the API, not around it.
    let mut w = world(true);
    w.advance_to(61_000);
    let spec: mqlab_engine::actors::ConsumerSpec = serde_json::from_value(json!({
        "name": "stray", "queue": "jobs", "wait_time_s": 20, "max_messages": 1,
        "processing": {"dist": "fixed", "ms": 1000}, "protect_while_processing": true
    }))
    .unwrap();
    w.with_actors(|a, ctx| {
        a.add_consumer(ctx, spec);
        a.consumers.last_mut().unwrap().name = "workers/i-00000000000000000".into();
    });
    for k in 0..20 {
        w.call(
            "sqs",
            "SendMessage",
            &json!({"QueueUrl": mqlab_engine::sqs::queue_url("jobs"), "MessageBody": format!("job {k}")}),
        );
    }
    w.advance_to(70_000);
    let errors: Vec<Option<String>> = w
        .drain_events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ApiCall {
                operation,
                actor: Some(a),
                error,
                ..
            } if operation == "SetInstanceProtection" && a == "workers/i-00000000000000000" => {
                Some(error.clone())
            }
            _ => None,
        })
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|e| e.as_deref() == Some("ValidationError")),
        "{errors:?}"
    );
}

#[test]
fn without_protection_scale_in_kills_the_busy_instance_mid_job() {
    let (mut w, _, busy) = busy_at_two_minutes(false);
    scale_to(&mut w, 0);
    let now = instances(&w);
    assert!(now.iter().all(|i| i.1 == Lifecycle::Terminating), "{now:?}");
    assert!(now.iter().any(|i| i.0 == busy));
    // Abandoned, the job stays in flight until its visibility timeout ends (1:30 + 420 s).
    w.advance_to(500_000);
    let queue = w.sqs().queue_by_name("jobs").unwrap();
    assert_eq!(queue.visible_count(), 0);
    assert_eq!(queue.len(), 1);
    w.advance_to(520_000);
    assert_eq!(w.sqs().queue_by_name("jobs").unwrap().visible_count(), 1);
}

#[test]
fn a_scenario_consumer_is_refused_protect_while_processing() {
    let mut s = scenario(false);
    s["consumers"] = json!([{"name": "w", "queue": "jobs", "protect_while_processing": true}]);
    let e = Scenario::from_json(&s.to_string()).unwrap_err();
    assert_eq!(e.field, "consumers[0].protect_while_processing", "{e}");
}
