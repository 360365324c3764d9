//! One queue: its messages, their states, and the indexes that make receives cheap.
//!
//! A message is in exactly one state (delayed, visible, in flight); deleted, expired and
//! dead-lettered messages leave the queue. The indexes (`visible`, `by_sent`, FIFO `groups`,
//! fair-queue `tenants`) are kept in step by the few methods here that change a state.

use super::attributes::QueueAttributes;
use super::message_attributes::MessageAttributes;
use super::metrics::{MinuteSample, QueueMetrics};
use super::Ctx;
use super::SqsTimer;
use crate::core::ctx::Caller;
use crate::core::event::{EventKind, VisibleReason};
use crate::core::memory::{
    self, btree_entry, Tally, MESSAGE_STRINGS_BYTES, RC_HEADER_BYTES, TABLE_ENTRY_BYTES,
};
use crate::core::ordmap::OrdMap;
use crate::core::payload::Payload;
use crate::core::rng::Uuid;
use crate::core::time::{SimTime, MS_PER_S};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::mem::size_of;
use std::rc::Rc;

/// Servers a standard queue's messages are spread over. Short polling samples a subset of
/// them (aws-rules §1.1). AWS does not publish the number: UNCONFIRMED, a plausible small value.
pub const SERVERS_PER_QUEUE: u64 = 5;
/// FIFO deduplication interval (aws-rules §1.9).
pub const DEDUP_INTERVAL_MS: SimTime = 5 * 60 * MS_PER_S;
/// ReceiveRequestAttemptId is usable for 5 minutes (aws-rules §1.4).
pub const ATTEMPT_ID_TTL_MS: SimTime = 5 * 60 * MS_PER_S;
/// FIFO looks for available groups among the first 120,000 messages (aws-rules §1.7).
pub const FIFO_SCAN_MAX: usize = 120_000;
/// Most candidates a standard receive looks at (it needs at most 10; sampling and fair-queue
/// reordering may skip some).
pub const STANDARD_SCAN_MAX: usize = 2_000;
/// Fair queues: a tenant is noisy when it holds more than this share of the queue's in-flight
/// messages… (aws-rules §1.11; approximate in AWS)
pub const FAIR_NOISY_SHARE: f64 = 0.10;
/// …and at least this many of its own.
pub const FAIR_NOISY_MIN_IN_FLIGHT: u32 = 30;
/// ApproximateAgeOfOldestMessage skips standard-queue messages received this many times
/// without deletion (aws-rules §1.13, poison pills).
pub const POISON_PILL_RECEIVES: u32 = 3;
/// A queue without messages is "active" for CloudWatch while an action named it within this
/// window (aws-rules §1.13).
pub const ACTIVE_QUEUE_WINDOW_MS: SimTime = 6 * crate::core::time::MS_PER_H;
/// Most entries the age metric inspects while skipping poison pills.
const AGE_SCAN_MAX: usize = 10_000;
/// Most ReceiveRequestAttemptIds remembered per queue.
const ATTEMPT_IDS_MAX: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageState {
    Delayed { until: SimTime },
    Visible,
    InFlight { until: SimTime },
}

#[derive(Clone, Debug)]
pub struct Message {
    /// Order of arrival in this queue.
    pub seq: u64,
    pub id: Uuid,
    pub body: Payload,
    pub attributes: MessageAttributes,
    pub md5_of_attributes: Option<String>,
    pub system_attributes: MessageAttributes,
    /// Body + attributes, bytes.
    pub size: usize,
    /// The original enqueue time: retention and SentTimestamp count from it, even after a
    /// move to a dead-letter queue (aws-rules §1.8).
    pub sent_at: SimTime,
    /// When it entered this queue (the age metric of a DLQ counts from the move).
    pub enqueued_at: SimTime,
    pub first_receive_at: Option<SimTime>,
    pub receive_count: u32,
    pub state: MessageState,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub sequence_number: Option<String>,
    pub server: u64,
    /// Incremented on every receive; a receipt handle carries the value it was issued with.
    pub receive_gen: u32,
    /// When SQS got the ReceiveMessage request that delivered it: the 12-hour visibility
    /// ceiling counts from here (aws-rules §1.3).
    pub receive_requested_at: SimTime,
    /// Set by a ChangeMessageVisibility or a delete since the last receive.
    pub modified_since_receive: bool,
    /// A delete reached only some copies: the message will be delivered again.
    pub undeleted_copy: bool,
    pub dead_letter_source_arn: Option<String>,
}

impl Message {
    /// What keeping the message costs in memory beyond its struct: its attributes and the
    /// stored part of its body (a simulated producer's synthetic body keeps only its head).
    pub fn held_bytes(&self) -> u64 {
        (self.size.saturating_sub(self.body.len()) + self.body.retained_bytes()) as u64
    }
}

#[derive(Clone, Debug, Default)]
pub struct GroupState {
    /// Messages of the group still in the queue, in order.
    pub pending: BTreeSet<u64>,
    pub in_flight: u32,
}

/// A long poll waiting for messages.
#[derive(Clone, Debug)]
pub struct Waiter {
    pub id: u64,
    pub caller: Caller,
    pub spec: super::ReceiveSpec,
    pub requested_at: SimTime,
    pub deadline: SimTime,
}

#[derive(Clone, Debug)]
pub struct AttemptRecord {
    pub at: SimTime,
    pub delivered: Vec<(u64, u32)>,
    pub handles: Vec<String>,
}

/// A queue's messages in arrival order. Seqs only grow, so a message joins at the back and
/// removals leave the rest in order: a message is found at its offset from the front when none
/// before it has left out of turn, else by a binary search. No B-tree: the common receive and
/// delete touch the front.
#[derive(Clone, Debug, Default)]
pub(crate) struct MessageStore {
    entries: VecDeque<(u64, Rc<Message>)>,
}

impl MessageStore {
    fn position(&self, seq: u64) -> Option<usize> {
        let first = self.entries.front()?.0;
        let guess = seq.checked_sub(first)?;
        if let Some((s, _)) = self.entries.get(guess.try_into().ok()?) {
            if *s == seq {
                return Some(guess as usize);
            }
        }
        self.entries.binary_search_by_key(&seq, |e| e.0).ok()
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn contains(&self, seq: u64) -> bool {
        self.position(seq).is_some()
    }

    pub(crate) fn get(&self, seq: u64) -> Option<&Rc<Message>> {
        self.position(seq).map(|i| &self.entries[i].1)
    }

    pub(crate) fn get_mut(&mut self, seq: u64) -> Option<&mut Rc<Message>> {
        self.position(seq).map(|i| &mut self.entries[i].1)
    }

    /// The message `seq`, which must be held.
    fn at(&self, seq: u64) -> &Message {
        self.get(seq).expect("indexed messages are held")
    }

    /// Adds a message after every other (its seq is the queue's next).
    fn push(&mut self, seq: u64, m: Rc<Message>) {
        debug_assert!(self.entries.back().is_none_or(|e| e.0 < seq));
        self.entries.push_back((seq, m));
    }

    fn remove(&mut self, seq: u64) -> Option<Rc<Message>> {
        let i = self.position(seq)?;
        self.entries.remove(i).map(|e| e.1)
    }

    fn first(&self) -> Option<(u64, &Message)> {
        self.entries.front().map(|(s, m)| (*s, &**m))
    }

    fn seq_at(&self, i: usize) -> Option<u64> {
        self.entries.get(i).map(|e| e.0)
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &Rc<Message>)> {
        self.entries.iter().map(|(s, m)| (*s, m))
    }

    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = &Rc<Message>> {
        self.entries.iter().map(|e| &e.1)
    }
}

/// Deadlines of one kind for one queue (visibility ends, long-poll ends), in the order they
/// fall due, each with the timer sequence number it reserved: only the first is in the world's
/// timer queue. When it fires, the deadlines behind it whose subject is gone for good (a deleted
/// message, a served long poll) are dropped unseen, and the next is put in the queue with its
/// own number, so every deadline that still matters fires exactly where a timer of its own
/// would have — without a timer per message that, for most, fires to find nothing.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeadlineRow {
    /// (due, reserved sequence number, subject), ascending.
    entries: VecDeque<(SimTime, u64, u64)>,
}

impl DeadlineRow {
    /// Adds a deadline if it falls due no earlier than the last one (else returns false: the
    /// caller schedules a timer of its own). `arm` schedules the first one's timer.
    pub(crate) fn push(
        &mut self,
        due: SimTime,
        seq: u64,
        subject: u64,
        arm: impl FnOnce(SimTime, u64),
    ) -> bool {
        match self.entries.back() {
            Some(&(last, _, _)) if due < last => false,
            back => {
                if back.is_none() {
                    arm(due, seq);
                }
                self.entries.push_back((due, seq, subject));
                true
            }
        }
    }

    /// The deadline whose timer fired, after putting the next one still `live` in the queue
    /// (`arm`). Subjects that are not live are never live again.
    pub(crate) fn fire(
        &mut self,
        live: impl Fn(u64) -> bool,
        arm: impl FnOnce(SimTime, u64),
    ) -> Option<u64> {
        let (_, _, subject) = self.entries.pop_front()?;
        while self.entries.front().is_some_and(|&(_, _, s)| !live(s)) {
            self.entries.pop_front();
        }
        if let Some(&(due, seq, _)) = self.entries.front() {
            arm(due, seq);
        }
        Some(subject)
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    pub moved_to_dlq: u64,
    pub expired: u64,
    pub duplicates_delivered: u64,
    pub empty_receives: u64,
}

#[derive(Clone, Debug)]
pub struct Queue {
    pub id: u32,
    pub name: String,
    pub url: String,
    pub arn: String,
    pub attrs: QueueAttributes,
    pub created_at: SimTime,
    pub last_modified_at: SimTime,
    pub tags: BTreeMap<String, String>,
    /// Shared with the world's snapshots: a clone copies a pointer per message, and a message
    /// is copied (`Rc::make_mut`) only when it changes while a snapshot still holds it. Most
    /// messages of a busy queue only wait, so a snapshot costs the map, not the messages.
    pub(crate) messages: MessageStore,
    pub(crate) visible: BTreeSet<u64>,
    /// The retention order, (sent, seq), kept only once a message arrived with an earlier
    /// SentTimestamp than one before it (moved to a dead-letter queue or back): until then,
    /// and again once the queue is empty, arrival order is sent order.
    by_sent: Option<BTreeSet<(SimTime, u64)>>,
    /// The latest SentTimestamp of a message added since the queue was last empty.
    last_sent: SimTime,
    delayed: usize,
    in_flight: usize,
    pub(crate) groups: OrdMap<String, GroupState>,
    /// Fair queues: in-flight count per tenant (MessageGroupId on a standard queue).
    tenants: OrdMap<String, u32>,
    pub(crate) dedup: OrdMap<String, (SimTime, Uuid, Option<String>)>,
    dedup_order: VecDeque<(SimTime, String)>,
    pub(crate) waiters: VecDeque<Waiter>,
    /// Visibility ends (subject: the message's seq) and long-poll ends (the waiter's id).
    pub(crate) visibility_ends: DeadlineRow,
    pub(crate) long_poll_ends: DeadlineRow,
    pub(crate) attempts: OrdMap<String, AttemptRecord>,
    pub(crate) rate_windows: OrdMap<String, VecDeque<SimTime>>,
    pub(crate) next_seq: u64,
    pub(crate) fifo_sequence: u128,
    pub(crate) purge_until: Option<SimTime>,
    retention_timer_at: Option<SimTime>,
    /// Last time an API action named this queue (CloudWatch only publishes for active queues).
    pub(crate) last_accessed: std::cell::Cell<SimTime>,
    pub metrics: QueueMetrics,
    pub totals: Totals,
    /// Bodies and attributes of the messages held (`Message::size` summed): the memory
    /// estimate reads it rather than walking the messages.
    payload_bytes: u64,
}

impl Queue {
    pub fn new(
        id: u32,
        name: &str,
        url: String,
        arn: String,
        attrs: QueueAttributes,
        now: SimTime,
    ) -> Self {
        let metrics = QueueMetrics::starting(now);
        Queue {
            id,
            name: name.to_string(),
            url,
            arn,
            attrs,
            created_at: now,
            last_modified_at: now,
            tags: BTreeMap::new(),
            messages: MessageStore::default(),
            visible: BTreeSet::new(),
            by_sent: None,
            last_sent: 0,
            delayed: 0,
            in_flight: 0,
            groups: OrdMap::new(),
            tenants: OrdMap::new(),
            dedup: OrdMap::new(),
            dedup_order: VecDeque::new(),
            waiters: VecDeque::new(),
            visibility_ends: DeadlineRow::default(),
            long_poll_ends: DeadlineRow::default(),
            attempts: OrdMap::new(),
            rate_windows: OrdMap::new(),
            next_seq: 0,
            // FIFO sequence numbers are large, 128-bit and non-consecutive (aws-rules §1.9).
            fifo_sequence: 18_000_000_000_000_000_000u128 + id as u128 * 1_000_000_000_000,
            purge_until: None,
            retention_timer_at: None,
            last_accessed: std::cell::Cell::new(now),
            metrics,
            totals: Totals::default(),
            payload_bytes: 0,
        }
    }

    pub fn fifo(&self) -> bool {
        self.attrs.fifo_queue
    }

    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }
    pub fn in_flight_count(&self) -> usize {
        self.in_flight
    }
    pub fn delayed_count(&self) -> usize {
        self.delayed
    }
    pub fn len(&self) -> usize {
        self.messages.len()
    }
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
    pub fn message(&self, seq: u64) -> Option<&Message> {
        self.messages.get(seq).map(|m| &**m)
    }
    /// All messages in arrival order as the queue holds them: behind an `Rc` each, shared
    /// with the world's snapshots until one side changes (tests of that sharing).
    pub fn shared_messages(&self) -> impl Iterator<Item = &Rc<Message>> {
        self.messages.values()
    }
    /// All messages in arrival order (for inspectors and invariant checks).
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.values().map(|m| &**m)
    }
    pub fn groups_with_in_flight(&self) -> usize {
        self.groups.values().filter(|g| g.in_flight > 0).count()
    }

    /// Bytes of message bodies and attributes this queue holds.
    pub(crate) fn payload_bytes(&self) -> u64 {
        self.payload_bytes
    }

    /// Adds this queue to a memory estimate (see [`crate::core::memory`]), from counts only.
    pub(crate) fn memory(&self, t: &mut Tally) {
        let n = self.messages.len() as u64;
        // The message itself, behind an `Rc`: a snapshot shares it.
        let message = size_of::<Message>() as u64
            + RC_HEADER_BYTES
            + MESSAGE_STRINGS_BYTES
            + crate::core::memory::PAYLOAD_ALLOC_BYTES;
        // Its entries in the indexes, which a snapshot copies: its place in the store, the
        // sent-time index if kept, a FIFO group's pending set.
        let mut index = size_of::<(u64, Rc<Message>)>() as u64;
        if self.by_sent.is_some() {
            index += btree_entry::<(SimTime, u64), ()>();
        }
        if self.fifo() {
            index += btree_entry::<u64, ()>();
        }
        let visible = self.visible.len() as u64 * btree_entry::<u64, ()>();
        t.add(
            memory::messages,
            n * (message + index) + visible,
            n * index + visible,
        );
        t.segvec(memory::metrics, &self.metrics.history, 0);
        let tables = self.groups.len()
            + self.tenants.len()
            + self.dedup.len()
            + self.attempts.len()
            + self.rate_windows.len()
            + self.waiters.len()
            + self.visibility_ends.len()
            + self.long_poll_ends.len();
        t.copied(memory::other, tables, TABLE_ENTRY_BYTES);
        t.copied(memory::other, 1, size_of::<Queue>() as u64);
    }

    fn retention_ms(&self) -> SimTime {
        self.attrs.message_retention_period as SimTime * MS_PER_S
    }

    /// Adds a message in the state it carries; schedules its delay end and retention.
    /// Takes the message already in its `Rc`: a message is a few hundred bytes, and moving
    /// it in by value to put it in an `Rc` here copied it once more.
    pub fn insert(&mut self, ctx: &mut Ctx, m: Rc<Message>) {
        let seq = m.seq;
        if self.by_sent.is_none() && m.sent_at < self.last_sent {
            // Out of sent order from now on: index the messages held by their sent time.
            // By insertion, not `collect` (which links a sort for the wasm).
            let mut by_sent = BTreeSet::new();
            for m in self.messages.values() {
                by_sent.insert((m.sent_at, m.seq));
            }
            self.by_sent = Some(by_sent);
        }
        if let Some(by_sent) = &mut self.by_sent {
            by_sent.insert((m.sent_at, seq));
        }
        self.last_sent = self.last_sent.max(m.sent_at);
        match m.state {
            MessageState::Delayed { until } => {
                self.delayed += 1;
                ctx.timers.schedule(
                    until,
                    SqsTimer::DelayEnd {
                        queue: self.id,
                        seq,
                        until,
                    },
                );
            }
            MessageState::Visible => {
                self.visible.insert(seq);
            }
            MessageState::InFlight { .. } => unreachable_state(),
        }
        if let Some(g) = &m.group_id {
            if self.fifo() {
                self.groups
                    .entry(g.clone())
                    .or_default()
                    .pending
                    .insert(seq);
            }
        }
        let expiry = m.sent_at + self.retention_ms();
        self.payload_bytes += m.held_bytes();
        self.messages.push(seq, m);
        self.schedule_retention(ctx, expiry);
    }

    fn schedule_retention(&mut self, ctx: &mut Ctx, at: SimTime) {
        if self.retention_timer_at.is_none_or(|t| at < t) {
            self.retention_timer_at = Some(at);
            ctx.timers
                .schedule(at, SqsTimer::RetentionSweep { queue: self.id, at });
        }
    }

    /// Removes a message from every index, whatever its state.
    pub fn remove(&mut self, seq: u64) -> Option<Message> {
        // The message itself when no snapshot shares it, else a copy.
        self.take(seq).map(Rc::unwrap_or_clone)
    }

    /// Removes a message from every index and returns it as held (shared with snapshots):
    /// a delete drops it without moving it out.
    pub(crate) fn take(&mut self, seq: u64) -> Option<Rc<Message>> {
        let m = self.messages.remove(seq)?;
        self.payload_bytes = self.payload_bytes.saturating_sub(m.held_bytes());
        if let Some(by_sent) = &mut self.by_sent {
            by_sent.remove(&(m.sent_at, seq));
        }
        if self.messages.is_empty() {
            self.by_sent = None;
            self.last_sent = 0;
        }
        match m.state {
            MessageState::Delayed { .. } => self.delayed -= 1,
            MessageState::Visible => {
                self.visible.remove(&seq);
            }
            MessageState::InFlight { .. } => self.leave_flight(&m),
        }
        if let (Some(g), true) = (&m.group_id, self.fifo()) {
            if let Some(gs) = self.groups.get_mut(g) {
                gs.pending.remove(&seq);
                if gs.pending.is_empty() && gs.in_flight == 0 {
                    self.groups.remove(g);
                }
            }
        }
        Some(m)
    }

    fn leave_flight(&mut self, m: &Message) {
        self.in_flight -= 1;
        if let Some(g) = &m.group_id {
            let counts = if self.attrs.fifo_queue {
                self.groups.get_mut(g).map(|gs| &mut gs.in_flight)
            } else {
                self.tenants.get_mut(g)
            };
            if let Some(c) = counts {
                *c = c.saturating_sub(1);
            }
            if !self.attrs.fifo_queue && self.tenants.get(g) == Some(&0) {
                self.tenants.remove(g);
            }
        }
    }

    /// Makes a delayed or in-flight message visible again.
    pub fn make_visible(&mut self, ctx: &mut Ctx, seq: u64, reason: VisibleReason) {
        let Some(m) = self.messages.get(seq) else {
            return;
        };
        let state = m.state;
        match state {
            MessageState::Visible => return,
            MessageState::Delayed { .. } => self.delayed -= 1,
            MessageState::InFlight { .. } => {
                let m = m.clone();
                self.leave_flight(&m);
            }
        }
        let m = self
            .messages
            .get_mut(seq)
            .map(Rc::make_mut)
            .expect("checked above");
        m.state = MessageState::Visible;
        let reason = if reason == VisibleReason::VisibilityTimeoutExpired && m.undeleted_copy {
            VisibleReason::UndeletedCopy
        } else {
            reason
        };
        self.visible.insert(seq);
        ctx.events.push(ctx.now, || EventKind::MessageVisible {
            queue: self.name.clone(),
            message_id: m.id.to_string(),
            reason,
        });
    }

    /// Puts a message in flight until `until` and returns its new receive generation.
    pub fn take_in_flight(
        &mut self,
        ctx: &mut Ctx,
        seq: u64,
        until: SimTime,
        requested_at: SimTime,
    ) -> Option<u32> {
        let m = self.messages.get_mut(seq).map(Rc::make_mut)?;
        match m.state {
            MessageState::Visible => {
                self.visible.remove(&seq);
            }
            MessageState::InFlight { .. } => {
                // Re-delivery of an attempt (ReceiveRequestAttemptId): stays in flight.
                m.state = MessageState::InFlight { until };
                m.modified_since_receive = false;
                let gen = m.receive_gen;
                self.schedule_visibility_end(ctx, seq, until);
                return Some(gen);
            }
            MessageState::Delayed { .. } => return None,
        }
        m.state = MessageState::InFlight { until };
        m.receive_count += 1;
        m.receive_gen += 1;
        m.first_receive_at.get_or_insert(ctx.now);
        m.receive_requested_at = requested_at;
        m.modified_since_receive = false;
        let gen = m.receive_gen;
        let group = m.group_id.clone();
        self.enter_flight(group);
        self.schedule_visibility_end(ctx, seq, until);
        Some(gen)
    }

    /// Counts a message that went in flight (the inverse of `leave_flight`).
    fn enter_flight(&mut self, group: Option<String>) {
        self.in_flight += 1;
        if let Some(g) = group {
            if self.attrs.fifo_queue {
                self.groups.entry(g).or_default().in_flight += 1;
            } else {
                *self.tenants.entry(g).or_default() += 1;
            }
        }
    }

    fn schedule_visibility_end(&mut self, ctx: &mut Ctx, seq: u64, until: SimTime) {
        let queue = self.id;
        let n = ctx.timers.reserve();
        let timers = &mut ctx.timers;
        let kept = self.visibility_ends.push(until, n, seq, |due, n| {
            timers.schedule_reserved(due, n, SqsTimer::VisibilityDue { queue })
        });
        if !kept {
            // Earlier than the last deadline of the row (a shorter timeout): a timer of its own.
            timers.schedule_reserved(until, n, SqsTimer::VisibilityEnd { queue, seq, until });
        }
    }

    /// Changes when an in-flight message becomes visible (or puts an expired-but-undeleted
    /// message back in flight). `until == now` makes it visible at once.
    pub fn set_visibility(&mut self, ctx: &mut Ctx, seq: u64, until: SimTime) {
        let Some(m) = self.messages.get_mut(seq).map(Rc::make_mut) else {
            return;
        };
        m.modified_since_receive = true;
        match m.state {
            MessageState::InFlight { .. } => {
                m.state = MessageState::InFlight { until };
            }
            MessageState::Visible if until > ctx.now => {
                m.state = MessageState::InFlight { until };
                let group = m.group_id.clone();
                self.visible.remove(&seq);
                self.enter_flight(group);
            }
            _ => return,
        }
        if until <= ctx.now {
            self.make_visible(ctx, seq, VisibleReason::VisibilityTerminated);
        } else {
            self.schedule_visibility_end(ctx, seq, until);
        }
    }

    /// Candidates for a receive, in the order they would be delivered.
    /// `sampled` says which servers a short poll reached (all for long polls).
    pub fn candidates(&self, max: usize, sampled: &[bool]) -> Vec<u64> {
        let mut out = Vec::new();
        self.candidates_into(max, sampled, &mut out);
        out
    }

    /// [`Self::candidates`] appended to `out` (a receive reuses its buffer).
    pub(crate) fn candidates_into(&self, max: usize, sampled: &[bool], out: &mut Vec<u64>) {
        if self.fifo() {
            out.extend(self.fifo_candidates(max));
        } else {
            self.standard_candidates(max, sampled, out);
        }
    }

    fn standard_candidates(&self, max: usize, sampled: &[bool], out: &mut Vec<u64>) {
        // A long poll (and a FIFO receive) samples every server: no message need be looked up.
        let every = sampled.iter().all(|&s| s);
        let on_sampled = |seq: &&u64| {
            every || {
                let server = self.messages.at(**seq).server as usize;
                sampled.get(server).copied().unwrap_or(true)
            }
        };
        let noisy = self.noisy_tenants();
        if noisy.is_empty() {
            out.extend(self.visible.iter().filter(on_sampled).take(max).copied());
            return;
        }
        // Fair queue: quiet tenants first, then noisy ones, the one with the fewest messages in
        // flight first (aws-rules §1.11). Noisy tenants are delayed, never dropped.
        let mut quiet = Vec::new();
        let mut loud: Vec<(u32, usize, u64)> = Vec::new();
        for (i, &seq) in self
            .visible
            .iter()
            .filter(on_sampled)
            .take(STANDARD_SCAN_MAX)
            .enumerate()
        {
            let tenant = self.messages.at(seq).group_id.as_deref();
            let noisy_count = tenant.and_then(|t| {
                let at = noisy.binary_search_by(|&(k, _)| k.cmp(t)).ok()?;
                Some(noisy[at].1)
            });
            match noisy_count {
                Some(n) => loud.push((n, i, seq)),
                None => {
                    quiet.push(seq);
                    if quiet.len() >= max {
                        break;
                    }
                }
            }
        }
        // Ascending (fewest in flight, then scan order): a heap sort gives exactly what
        // `sort` would (the scan index makes entries distinct) without a copy of the slice
        // sort's code in the wasm for this one call.
        let loud = std::collections::BinaryHeap::from(loud).into_sorted_vec();
        out.extend(
            quiet
                .into_iter()
                .chain(loud.into_iter().map(|(_, _, s)| s))
                .take(max),
        );
    }

    /// Tenants flagged noisy now, with their in-flight counts, in tenant order (a sorted list
    /// rather than a map: one B-tree type less in the wasm).
    pub fn noisy_tenants(&self) -> Vec<(&str, u32)> {
        let total = self.in_flight as f64;
        self.tenants
            .iter()
            .filter(|(_, &n)| n >= FAIR_NOISY_MIN_IN_FLIGHT && n as f64 > FAIR_NOISY_SHARE * total)
            .map(|(t, &n)| (t.as_str(), n))
            .collect()
    }

    /// FIFO: the oldest available group first, as many of its messages as possible in order,
    /// then other groups; a group with a message in flight is locked (aws-rules §1.9).
    fn fifo_candidates(&self, max: usize) -> Vec<u64> {
        let mut out = Vec::new();
        let mut seen_groups = BTreeSet::new();
        // The scan covers the first 120,000 messages whatever their state, so a huge backlog
        // in one locked group hides the groups behind it (aws-rules §1.7).
        let cutoff = self.scan_cutoff();
        for &seq in &self.visible {
            if cutoff.is_some_and(|c| seq >= c) {
                break;
            }
            let Some(g) = self.messages.at(seq).group_id.as_deref() else {
                continue;
            };
            if !seen_groups.insert(g) {
                continue;
            }
            let Some(gs) = self.groups.get(g) else {
                continue;
            };
            // Walk the group in order and stop at the first message that is not visible: a
            // message in flight locks everything after it, but an earlier one whose visibility
            // ended (or was changed to 0) is receivable again (recorded AWS behaviour).
            for &s in &gs.pending {
                if self.messages.at(s).state != MessageState::Visible || out.len() >= max {
                    break;
                }
                out.push(s);
            }
            if out.len() >= max {
                break;
            }
        }
        out
    }

    /// The seq of the first message beyond the FIFO scan window, if the queue holds more than
    /// the window.
    fn scan_cutoff(&self) -> Option<u64> {
        self.messages.seq_at(FIFO_SCAN_MAX)
    }

    /// (sent, seq) of the message whose retention ends first.
    fn oldest_sent(&self) -> Option<(SimTime, u64)> {
        match &self.by_sent {
            Some(by_sent) => by_sent.first().copied(),
            None => self.messages.first().map(|(seq, m)| (m.sent_at, seq)),
        }
    }

    /// Removes messages whose retention ran out (in flight too, aws-rules §1.16) and schedules
    /// the next sweep.
    pub fn sweep_retention(&mut self, ctx: &mut Ctx) -> Vec<Message> {
        let retention = self.retention_ms();
        let mut expired = Vec::new();
        while let Some((sent, seq)) = self.oldest_sent() {
            if sent + retention > ctx.now {
                break;
            }
            if let Some(m) = self.remove(seq) {
                expired.push(m);
            }
        }
        self.retention_timer_at = None;
        if let Some((sent, _)) = self.oldest_sent() {
            self.schedule_retention(ctx, sent + retention);
        }
        expired
    }

    /// Called when a retention sweep timer fires: only the latest scheduled one counts.
    pub fn retention_timer_is_current(&self, at: SimTime) -> bool {
        self.retention_timer_at == Some(at)
    }

    /// FIFO deduplication: the key a send is deduplicated under.
    pub fn dedup_key(&self, group: &str, dedup_id: &str) -> String {
        match self.attrs.deduplication_scope {
            super::attributes::DeduplicationScope::Queue => dedup_id.to_string(),
            super::attributes::DeduplicationScope::MessageGroup => {
                format!("{group}\u{0}{dedup_id}")
            }
        }
    }

    /// The message id (and sequence number) of a send already seen within the interval.
    pub fn dedup_lookup(&mut self, now: SimTime, key: &str) -> Option<(Uuid, Option<String>)> {
        while let Some((at, k)) = self.dedup_order.front() {
            if at + DEDUP_INTERVAL_MS > now {
                break;
            }
            if self.dedup.get(k).is_some_and(|(t, _, _)| t == at) {
                self.dedup.remove(k);
            }
            self.dedup_order.pop_front();
        }
        self.dedup.get(key).map(|(_, id, sn)| (*id, sn.clone()))
    }

    pub fn dedup_record(
        &mut self,
        now: SimTime,
        key: String,
        id: Uuid,
        seq_number: Option<String>,
    ) {
        self.dedup_order.push_back((now, key.clone()));
        self.dedup.insert(key, (now, id, seq_number));
    }

    pub fn dedup_clear(&mut self) {
        self.dedup.clear();
        self.dedup_order.clear();
    }

    pub fn remember_attempt(&mut self, id: String, rec: AttemptRecord) {
        let now = rec.at;
        self.attempts.retain(|_, r| r.at + ATTEMPT_ID_TTL_MS > now);
        if self.attempts.len() < ATTEMPT_IDS_MAX {
            self.attempts.insert(id, rec);
        }
    }

    /// Age in seconds of the oldest message, skipping standard-queue poison pills.
    pub fn age_of_oldest_s(&self, now: SimTime) -> u64 {
        let fifo = self.fifo();
        let counted = |m: &&Message| fifo || m.receive_count < POISON_PILL_RECEIVES;
        let oldest = match &self.by_sent {
            Some(by_sent) => by_sent
                .iter()
                .take(AGE_SCAN_MAX)
                .map(|(_, s)| self.messages.at(*s))
                .find(counted),
            None => self
                .messages
                .values()
                .take(AGE_SCAN_MAX)
                .map(|m| &**m)
                .find(counted),
        };
        oldest
            .map(|m| now.saturating_sub(m.enqueued_at) / MS_PER_S)
            .unwrap_or(0)
    }

    pub fn close_metrics_minute(&mut self, now: SimTime) {
        // Metrics are pushed only for active queues: holding messages, or named by an action
        // in the last 6 hours (aws-rules §1.13).
        let active =
            !self.messages.is_empty() || now < self.last_accessed.get() + ACTIVE_QUEUE_WINDOW_MS;
        if !active {
            self.metrics.current = MinuteSample {
                start: now,
                ..Default::default()
            };
            return;
        }
        let visible = self.visible.len() as u64;
        let not_visible = self.in_flight as u64;
        let delayed = self.delayed as u64;
        let oldest = self.age_of_oldest_s(now);
        let groups = self.fifo().then(|| self.groups_with_in_flight() as u64);
        self.metrics.close(now, |m| {
            m.approximate_number_of_messages_visible = visible;
            m.approximate_number_of_messages_not_visible = not_visible;
            m.approximate_number_of_messages_delayed = delayed;
            m.approximate_age_of_oldest_message = oldest;
            m.approximate_number_of_groups_with_inflight_messages = groups;
        });
    }

    /// Checks that every index agrees with the messages' states. For tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        let (mut vis, mut del, mut fl) = (0, 0, 0);
        let mut last_sent = 0;
        for (seq, m) in self.messages.iter() {
            if self.by_sent.is_none() && m.sent_at < last_sent {
                return Err(format!("{seq} out of sent order but no retention index"));
            }
            last_sent = m.sent_at;
            match m.state {
                MessageState::Visible => {
                    vis += 1;
                    if !self.visible.contains(&seq) {
                        return Err(format!("{seq} visible but not indexed"));
                    }
                }
                MessageState::Delayed { .. } => del += 1,
                MessageState::InFlight { .. } => fl += 1,
            }
            if self
                .by_sent
                .as_ref()
                .is_some_and(|b| !b.contains(&(m.sent_at, seq)))
            {
                return Err(format!("{seq} missing from retention index"));
            }
        }
        if vis != self.visible.len() || del != self.delayed || fl != self.in_flight {
            return Err(format!(
                "counts differ: visible {vis}/{}, delayed {del}/{}, in flight {fl}/{}",
                self.visible.len(),
                self.delayed,
                self.in_flight
            ));
        }
        if self
            .by_sent
            .as_ref()
            .is_some_and(|b| b.len() != self.messages.len())
        {
            return Err("retention index has stale entries".into());
        }
        if self.fifo() {
            for (g, gs) in &self.groups {
                let n = gs
                    .pending
                    .iter()
                    .filter(|s| {
                        matches!(self.messages.at(**s).state, MessageState::InFlight { .. })
                    })
                    .count() as u32;
                if n != gs.in_flight {
                    return Err(format!(
                        "group {g}: in flight {n} but counted {}",
                        gs.in_flight
                    ));
                }
            }
        }
        Ok(())
    }
}

fn unreachable_state() {
    // A message is never inserted in flight; receiving is the only way in.
    debug_assert!(false, "message inserted in flight");
}
