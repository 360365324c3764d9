//! The engine's estimate of its own memory (`World::memory_estimate`) and of what one more
//! snapshot would add (`World::snapshot_cost_estimate`): it follows what is held, stays
//! bounded where the world is, and agrees with what a clone really allocates.

mod memory_common;

use memory_common::{preset, BUSY_SQS};
use mqlab_engine::kinesis::{SHARD_BYTES_MAX, SHARD_RECORDS_MAX};
use mqlab_engine::{Scenario, World};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts the bytes this thread allocates (tests run on several threads at once), so a
/// clone's real cost can be set beside the estimate.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|c| c.set(c.get() + bytes));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size.saturating_sub(layout.size()));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes `world.clone()` allocates.
fn measured_clone_bytes(world: &World) -> u64 {
    let before = ALLOCATED.with(Cell::get);
    let copy = world.clone();
    let bytes = ALLOCATED.with(Cell::get) - before;
    drop(copy);
    bytes as u64
}

fn world(json: &str) -> World {
    World::from_scenario(&Scenario::from_json(json).unwrap()).unwrap()
}

fn run_to(world: &mut World, ms: u64) {
    world.advance_to(ms);
    world.drain_events();
}

const MIB: u64 = 1 << 20;

#[test]
fn the_estimate_grows_with_the_records_held() {
    let mut w = world(&preset("kinesis-provisioned"));
    let mut last = (0usize, 0u64);
    for minute in 1..=3 {
        run_to(&mut w, minute * 60_000);
        let shards = w.kinesis().streams().flat_map(|s| &s.shards);
        let (held, data): (usize, u64) = shards.fold((0, 0), |(n, b), sh| {
            (n + sh.records.len(), b + sh.bytes_stored)
        });
        let est = w.memory_estimate();
        assert!(held > last.0 && est.records > last.1, "minute {minute}");
        // Per record: the struct and its partition key, not more than a few hundred bytes.
        let per_record = est.records / held as u64;
        assert!(
            (32..512).contains(&per_record),
            "{per_record} bytes a record"
        );
        // A Kinesis-only world's payloads are its records' data.
        assert_eq!(est.payloads, data);
        assert!(est.total() >= est.records + est.payloads);
        last = (held, est.records);
    }
}

#[test]
fn pending_events_count_until_drained() {
    let mut w = world(BUSY_SQS);
    w.advance_to(10_000);
    assert!(w.memory_estimate().events_pending > 0);
    w.drain_events();
    assert_eq!(w.memory_estimate().events_pending, 0);
}

/// kinesis-efo-vs-shared writes ~300 records of 25 KB a second into 2 shards. Its records stay
/// for the retention period (24 h), as in AWS; their data is synthetic (made on demand), so
/// what the world holds grows with the number of records, by a small amount each, and stays
/// within the shards' memory caps.
#[test]
fn the_estimate_grows_by_a_little_per_record_kept_and_stays_within_the_caps() {
    let mut w = world(&preset("kinesis-efo-vs-shared"));
    let records = |w: &World| -> u64 {
        w.kinesis()
            .streams()
            .flat_map(|s| &s.shards)
            .map(|sh| sh.records.len() as u64)
            .sum()
    };
    run_to(&mut w, 10 * 60_000);
    let (at_10, n_10) = (w.memory_estimate(), records(&w));
    run_to(&mut w, 20 * 60_000);
    let (at_20, n_20) = (w.memory_estimate(), records(&w));
    assert!(
        n_20 > n_10 * 19 / 10,
        "records are kept: {n_10} then {n_20}"
    );
    let per_record = (at_20.total() - at_10.total()) / (n_20 - n_10);
    // The record, its key and its payload's allocations: a few hundred bytes, not 25 KB.
    assert!(
        per_record < 400,
        "{per_record} bytes a record: {at_10:?} then {at_20:?}"
    );
    let shards = w
        .kinesis()
        .streams()
        .map(|s| s.shards.len() as u64)
        .sum::<u64>();
    let cap = shards * (SHARD_BYTES_MAX + SHARD_RECORDS_MAX as u64 * 256) + 16 * MIB;
    assert!(at_20.total() <= cap, "{at_20:?} over {cap}");
}

#[test]
fn a_snapshot_costs_a_small_part_of_the_world_kinesis_efo_vs_shared() {
    let mut w = world(&preset("kinesis-efo-vs-shared"));
    run_to(&mut w, 10 * 60_000);
    let held = w.memory_estimate().total();
    let snapshot = w.snapshot_cost_estimate().total();
    // ~180,000 records of 25 KB, held as their synthetic heads.
    assert!(held > 4 * MIB, "the run holds only {held} bytes");
    assert!(snapshot * 20 < held, "a snapshot {snapshot} of {held}");
    agrees_with_a_real_clone(&w, snapshot);
}

#[test]
fn a_snapshot_costs_a_small_part_of_the_world_busy_sqs() {
    let mut w = world(BUSY_SQS);
    run_to(&mut w, 3 * 60_000);
    let held = w.memory_estimate();
    let snapshot = w.snapshot_cost_estimate();
    assert!(held.messages > 5 * MIB, "{held:?}");
    assert!(
        snapshot.total() * 3 < held.total(),
        "{snapshot:?} of {held:?}"
    );
    // Messages shared: a snapshot copies their index entries, never their bodies.
    assert_eq!(snapshot.payloads, 0);
    agrees_with_a_real_clone(&w, snapshot.total());
}

/// The estimate is within a factor of two of what a clone allocates.
fn agrees_with_a_real_clone(w: &World, estimate: u64) {
    let real = measured_clone_bytes(w);
    assert!(
        real / 2 <= estimate && estimate <= real * 2,
        "estimated {estimate} bytes, a clone allocated {real}"
    );
}
