//! A snapshot of the world (`World::clone()`, what the page keeps for seeking back) shares
//! what did not change: Kinesis records in sealed segments, SQS messages behind `Rc`s. And
//! sharing is invisible: a world restored from a clone runs exactly as the original.

mod memory_common;

use memory_common::{preset, BUSY_SQS};
use mqlab_engine::{Scenario, World};
use std::rc::Rc;

fn world_after(json: &str, ms: u64) -> World {
    let scenario = Scenario::from_json(json).unwrap();
    let mut world = World::from_scenario(&scenario).unwrap();
    world.advance_to(ms);
    world.drain_events();
    world
}

#[test]
fn a_clone_after_a_long_kinesis_run_shares_sealed_record_segments() {
    let mut world = world_after(&preset("kinesis-provisioned"), 5 * 60_000);
    let copy = world.clone();
    let mut segments = 0;
    let (a, b) = (world.kinesis(), copy.kinesis());
    for (sa, sb) in a.streams().zip(b.streams()) {
        for (ha, hb) in sa.shards.iter().zip(&sb.shards) {
            assert_eq!(ha.records.len(), hb.records.len());
            assert!(ha.records.unsealed_len() < mqlab_engine::segvec::SEGMENT_LEN);
            for (x, y) in ha.records.segments().zip(hb.records.segments()) {
                assert!(Rc::ptr_eq(x, y), "{}: a segment was copied", ha.shard_id);
                assert_eq!(Rc::strong_count(x), 2);
                segments += 1;
            }
        }
    }
    assert!(
        segments > 10,
        "only {segments} sealed segments: the run is too short"
    );

    // The original runs on (appends, seals); the snapshot keeps what it had, still shared.
    let before: Vec<usize> = shard_lens(&copy);
    world.advance_to(6 * 60_000);
    assert_eq!(shard_lens(&copy), before);
    assert!(shard_lens(&world).iter().sum::<usize>() > before.iter().sum::<usize>());
    let still_shared = copy
        .kinesis()
        .streams()
        .flat_map(|s| &s.shards)
        .flat_map(|sh| sh.records.segments())
        .filter(|seg| Rc::strong_count(seg) == 2)
        .count();
    assert_eq!(still_shared, segments);
}

fn shard_lens(world: &World) -> Vec<usize> {
    world
        .kinesis()
        .streams()
        .flat_map(|s| &s.shards)
        .map(|sh| sh.records.len())
        .collect()
}

#[test]
fn a_clone_of_a_queue_shares_its_waiting_messages() {
    let mut world = world_after(BUSY_SQS, 2 * 60_000);
    let copy = world.clone();
    let (qa, qb) = (
        world.sqs().queue_by_name("orders").unwrap(),
        copy.sqs().queue_by_name("orders").unwrap(),
    );
    assert!(qa.len() > 10_000, "only {} messages wait", qa.len());
    assert_eq!(qa.len(), qb.len());
    for (x, y) in qa.shared_messages().zip(qb.shared_messages()) {
        assert!(Rc::ptr_eq(x, y));
        assert_eq!(Rc::strong_count(x), 2);
    }

    // Receives change messages in the original: those are copied, the snapshot's stay as
    // they were, and the ones still waiting stay shared.
    let states: Vec<String> = qb.messages().map(|m| format!("{:?}", m.state)).collect();
    world.advance_to(3 * 60_000);
    let qb = copy.sqs().queue_by_name("orders").unwrap();
    let after: Vec<String> = qb.messages().map(|m| format!("{:?}", m.state)).collect();
    assert_eq!(states, after);
    let shared = qb
        .shared_messages()
        .filter(|m| Rc::strong_count(m) == 2)
        .count();
    assert!(shared > qb.len() / 2, "{shared} of {} shared", qb.len());
}

/// The original advanced first (changing what it shares), then the clone: both must give the
/// events of a run that was never cloned.
fn restored_runs_as_the_original(json: &str) {
    const AT_MS: u64 = 90_000;
    const THEN_MS: u64 = 90_000;
    let mut original = world_after(json, AT_MS);
    let mut restored = original.clone();
    let a = original.fingerprint(THEN_MS);
    let b = restored.fingerprint(THEN_MS);
    let mut never_cloned = world_after(json, AT_MS);
    let c = never_cloned.fingerprint(THEN_MS);
    assert_eq!(a, c, "the original changed by being cloned");
    assert_eq!(b, c, "the restored world ran differently");
}

#[test]
fn a_world_restored_from_a_clone_runs_as_the_original_kinesis() {
    restored_runs_as_the_original(&preset("kinesis-efo-vs-shared"));
    restored_runs_as_the_original(&preset("kinesis-kcl-failover"));
}

#[test]
fn a_world_restored_from_a_clone_runs_as_the_original_sqs() {
    restored_runs_as_the_original(BUSY_SQS);
    restored_runs_as_the_original(&preset("fifo-groups"));
    restored_runs_as_the_original(&preset("poison-dlq"));
}

#[test]
fn a_world_restored_from_a_clone_runs_as_the_original_sns() {
    restored_runs_as_the_original(&preset("sns-fifo"));
    restored_runs_as_the_original(&preset("sns-fanout"));
}
