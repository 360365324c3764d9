//! What a world holds in memory, estimated by the engine itself.
//!
//! Why: the web page keeps snapshots of the world (`World::clone()`) to seek back, and a
//! browser tab dies at 4 GB. To keep a budget (thin the snapshots, pause with a message) the
//! app needs two figures, cheaply, every so often: what the live world holds
//! ([`World::memory_estimate`](crate::World::memory_estimate)) and what one more snapshot would
//! add ([`World::snapshot_cost_estimate`](crate::World::snapshot_cost_estimate)): the bytes a
//! clone copies rather than shares (open segment tails, maps of pointers, timers, events).
//!
//! Both come from counts the services already keep times per-item sizes (`size_of` plus a
//! typical heap share, the constants below), never from walking messages or records: a
//! queue of 100,000 messages costs the same to estimate as an empty one. They are estimates:
//! allocator rounding and B-tree fill are guessed, and a heap string is counted at a typical
//! length. `examples/clone_cost.rs` measures real clones to compare them with.

use crate::core::segvec::SegVec;
use serde::Serialize;
use std::mem::size_of;

/// An `Rc` allocation's strong and weak counts, besides its value.
pub const RC_HEADER_BYTES: u64 = 16;
/// A sealed segment's pointer in its `SegVec` (a fat pointer: address and length).
pub const SEGMENT_POINTER_BYTES: u64 = 16;
/// Per entry of a B-tree map or set, besides its key and value: nodes are about 2/3 full and
/// carry lengths, parent links and edges.
pub const BTREE_ENTRY_OVERHEAD_BYTES: u64 = 16;
/// Heap strings of an SQS message besides its body and attributes: MessageId (36), MD5 of
/// the body (32), and for some a group id, deduplication id or sequence number.
pub const MESSAGE_STRINGS_BYTES: u64 = 80;
/// A Kinesis record's partition key on the heap: keys are short names or ids, plus the
/// allocator's own share of a small allocation.
pub const PARTITION_KEY_BYTES: u64 = 32;
/// A payload's own allocations besides its stored bytes: the shared `Rc` (counts, the
/// representation with a short synthetic head inside it, the lazy MD5), with the allocator's
/// rounding; a longer head has an allocation of its own.
/// Measured: the page's WebAssembly memory ran ~2.5 times the estimate for Kinesis presets
/// before this was counted (records are mostly this and their key).
pub const PAYLOAD_ALLOC_BYTES: u64 = 128;
/// Heap strings of an event (queue, stream or topic names, message ids).
pub const EVENT_HEAP_BYTES: u64 = 64;
/// Heap strings of an SNS notification besides its message: message id, topic ARN and name,
/// signature version.
pub const NOTIFICATION_STRINGS_BYTES: u64 = 160;
/// What a simulated SNS endpoint received, on the heap: the JSON envelope (about 600 bytes
/// with its signature fields) and HTTP headers.
pub const INBOX_ENTRY_HEAP_BYTES: u64 = 1024;
/// Entries of small per-queue and per-topic tables (deduplication ids, attempt ids, FIFO
/// groups, SNS deliveries, KCL leases): their key strings and values.
pub const TABLE_ENTRY_BYTES: u64 = 128;

/// Bytes, roughly, by what holds them. Used both for what a world holds and for what a
/// snapshot of it would add (the same categories, counting only what a clone copies).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemoryEstimate {
    /// SQS messages (struct, ids and digests, queue indexes) and SNS notifications (pending
    /// and archived for replays), without their bodies.
    pub messages: u64,
    /// Kinesis records (struct and partition key), without their data.
    pub records: u64,
    /// Message bodies and attributes, record data, notification texts: the payloads. Filled
    /// in one place, `World::payload_bytes` (where the services' `payload_bytes_retained()`
    /// belongs once payloads are synthetic), and for a snapshot the record data in open tails.
    pub payloads: u64,
    /// Events recorded and not yet drained.
    pub events_pending: u64,
    /// Closed metric minutes of queues, topics, streams and KCL applications.
    pub metrics: u64,
    /// Scheduled timers (including stale ones that will be ignored when they fire).
    pub timers: u64,
    /// Queues, streams, shards, topics themselves, their small tables, actors.
    pub other: u64,
}

impl MemoryEstimate {
    pub fn total(&self) -> u64 {
        self.messages
            + self.records
            + self.payloads
            + self.events_pending
            + self.metrics
            + self.timers
            + self.other
    }
}

/// What a world holds and what a clone of it would copy, filled by each service.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tally {
    pub held: MemoryEstimate,
    /// Bytes a clone allocates: what is not shared through an `Rc`.
    pub unshared: MemoryEstimate,
}

impl Tally {
    /// Adds to one category: `held` to the world, `unshared` to a snapshot's cost.
    pub fn add(&mut self, category: fn(&mut MemoryEstimate) -> &mut u64, held: u64, unshared: u64) {
        *category(&mut self.held) += held;
        *category(&mut self.unshared) += unshared;
    }

    /// Something a clone copies whole: `count` items of `each` bytes.
    pub fn copied(
        &mut self,
        category: fn(&mut MemoryEstimate) -> &mut u64,
        count: usize,
        each: u64,
    ) {
        let b = count as u64 * each;
        self.add(category, b, b);
    }

    /// A `SegVec` of items with `heap` bytes each besides their struct: sealed segments are
    /// shared by a clone, the open tail and the segment pointers are copied.
    pub fn segvec<T>(
        &mut self,
        category: fn(&mut MemoryEstimate) -> &mut u64,
        v: &SegVec<T>,
        heap: u64,
    ) {
        let item = size_of::<T>() as u64 + heap;
        let segments = v.segments().len() as u64;
        let held = v.len() as u64 * item + segments * (SEGMENT_POINTER_BYTES + RC_HEADER_BYTES);
        let unshared = v.unsealed_len() as u64 * item + segments * SEGMENT_POINTER_BYTES;
        self.add(category, held, unshared);
    }
}

/// Bytes of one entry of a B-tree map from `K` to `V`.
pub(crate) fn btree_entry<K, V>() -> u64 {
    (size_of::<K>() + size_of::<V>()) as u64 + BTREE_ENTRY_OVERHEAD_BYTES
}

pub(crate) fn messages(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.messages
}
pub(crate) fn records(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.records
}
pub(crate) fn payloads(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.payloads
}
pub(crate) fn events_pending(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.events_pending
}
pub(crate) fn metrics(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.metrics
}
pub(crate) fn timers(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.timers
}
pub(crate) fn other(e: &mut MemoryEstimate) -> &mut u64 {
    &mut e.other
}
