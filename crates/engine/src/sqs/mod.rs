//! Amazon SQS: standard and FIFO queues, visibility, delays, dead-letter queues and redrive,
//! fair queues, purge, throughput limits, CloudWatch metrics and the cost meter.
//!
//! - [`api`] — request/response types with the AWS JSON member names.
//! - [`attributes`] — queue attributes, ranges and defaults.
//! - [`message_attributes`] — message attribute rules and the MD5 digests AWS computes.
//! - [`queue`] — one queue's messages and indexes; receive candidate selection.
//! - [`metrics`], [`cost`] — CloudWatch-style series and the request meter.
//! - `ops` — the operations themselves; `move_task` — StartMessageMoveTask and friends.

pub mod api;
pub mod attributes;
pub mod cost;
/// Message attributes and their MD5 are shared by every service (see [`crate::core`]).
pub use crate::core::message_attributes;
pub mod metrics;
mod move_task;
mod ops;
pub mod policy;
pub mod queue;
pub mod validate;

pub use crate::core::ctx::Caller;
use crate::core::error::AwsError;
use crate::core::event::{EventKind, VisibleReason};
use crate::core::metrics::{Bill, Datapoint};
use crate::core::ordmap::OrdMap;
use crate::core::time::{epoch_s, SimTime};
use api::ReceiveMessageOutput;
use cost::{CostMeter, Prices};
use queue::Queue;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub use move_task::MoveTask;

/// What SQS acts on at one instant (see [`crate::core::ctx`]).
pub type Ctx<'a> = crate::core::ctx::Ctx<'a, SqsTimer>;

pub use crate::core::aws::{ACCOUNT_ID, REGION};
/// SenderId reported for every message (an IAM user id as AWS shows them).
pub const SENDER_ID: &str = "AIDAIT2UOQQY3AUEKVGXU";
/// A deleted queue's name cannot be reused for 60 s (aws-rules §1.2).
pub const QUEUE_NAME_REUSE_MS: SimTime = 60_000;
/// A second purge within 60 s is refused (aws-rules §1.12).
pub const PURGE_INTERVAL_MS: SimTime = 60_000;
/// Standard queues: about 120,000 messages in flight (aws-rules §1.7).
pub const STANDARD_IN_FLIGHT_MAX: usize = 120_000;
/// FIFO queues: 120,000 in flight, no error at the limit (aws-rules §0.1, §1.7).
pub const FIFO_IN_FLIGHT_MAX: usize = 120_000;
/// FIFO without high throughput: 300 API calls per second per action (aws-rules §1.10).
pub const FIFO_TPS_MAX: usize = 300;
/// High-throughput FIFO: 300 calls per second per message group (aws-rules §1.10)…
pub const FIFO_HT_GROUP_TPS_MAX: usize = 300;
/// …and, per queue, the us-east-1 quota of 70,000 non-batched calls per second.
pub const FIFO_HT_QUEUE_TPS_MAX: usize = 70_000;
/// ListQueues returns at most 1,000 URLs per call (aws-rules §1.2).
pub const LIST_QUEUES_MAX: usize = 1_000;

/// Knobs of the simulation that AWS does not expose as API parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SqsConfig {
    /// Probability that a short poll reaches each of a queue's servers (aws-rules §1.1: a short
    /// poll samples a weighted random subset, so it can miss messages). 1.0 = never misses.
    pub short_poll_sample_ratio: f64,
    /// Probability that a DeleteMessage on a standard queue misses a copy of the message, so
    /// the message is delivered again later (at-least-once delivery, aws-rules §1.1). AWS gives no
    /// figure: UNCONFIRMED, a small plausible default.
    pub duplicate_delivery_probability: f64,
    pub prices: Prices,
}

impl Default for SqsConfig {
    fn default() -> Self {
        SqsConfig {
            short_poll_sample_ratio: 0.75,
            duplicate_delivery_probability: 0.000_5,
            prices: Prices::default(),
        }
    }
}

impl SqsConfig {
    /// For API scripts checked line by line against AWS's documented answers: short polls see
    /// every server and deletes always reach every copy, so a script's results depend only
    /// on its calls and the seed.
    pub fn for_api_scripts() -> Self {
        SqsConfig {
            short_poll_sample_ratio: 1.0,
            duplicate_delivery_probability: 0.0,
            prices: Prices::default(),
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.short_poll_sample_ratio) {
            return Err("sqs.short_poll_sample_ratio: must be between 0 and 1".into());
        }
        if !(0.0..=1.0).contains(&self.duplicate_delivery_probability) {
            return Err("sqs.duplicate_delivery_probability: must be between 0 and 1".into());
        }
        if !(self.prices.standard_per_million_usd >= 0.0 && self.prices.fifo_per_million_usd >= 0.0)
        {
            return Err("sqs.prices: must not be negative".into());
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub enum SqsTimer {
    DelayEnd {
        queue: u32,
        seq: u64,
        until: SimTime,
    },
    VisibilityEnd {
        queue: u32,
        seq: u64,
        until: SimTime,
    },
    RetentionSweep {
        queue: u32,
        at: SimTime,
    },
    LongPollEnd {
        queue: u32,
        waiter: u64,
    },
    /// The first of a queue's visibility ends (see [`queue::DeadlineRow`]).
    VisibilityDue {
        queue: u32,
    },
    /// The first of a queue's long-poll ends.
    LongPollDue {
        queue: u32,
    },
    MoveTask {
        task: u64,
    },
}

/// ReceiveMessage answers waiting to be routed to their callers.
pub type Replies = Vec<(Caller, Result<Answer, AwsError>)>;

pub use ops::{Handle, Taken};

/// A ReceiveMessage answer: rendered for an API caller, by place for a simulated consumer
/// (which reads only a message's id, body and handle).
#[derive(Clone, Debug)]
pub enum Answer {
    Api(ReceiveMessageOutput),
    Taken(Vec<Taken>),
}

/// What a receive asks for, once validated.
#[derive(Clone, Debug)]
pub struct ReceiveSpec {
    pub max: usize,
    pub visibility_ms: SimTime,
    pub system_attributes: SystemAttributes,
    pub message_attribute_names: Vec<String>,
    pub attempt_id: Option<String>,
    pub actor: Option<String>,
}

/// The message system attributes a ReceiveMessage can ask for by name ("All" asks for each).
pub const SYSTEM_ATTRIBUTE_NAMES: [&str; 9] = [
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
    "MessageGroupId",
    "MessageDeduplicationId",
    "SequenceNumber",
];

/// A set of [`SYSTEM_ATTRIBUTE_NAMES`], as bits: a waiting receive keeps it without owning
/// strings. Names it does not know select nothing, as before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemAttributes(u16);

impl SystemAttributes {
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a String>) -> SystemAttributes {
        let mut bits = 0u16;
        for n in names {
            if n == "All" {
                bits = (1 << SYSTEM_ATTRIBUTE_NAMES.len()) - 1;
            } else if let Some(i) = SYSTEM_ATTRIBUTE_NAMES.iter().position(|k| k == n) {
                bits |= 1 << i;
            }
        }
        SystemAttributes(bits)
    }

    /// No attribute asked for (most receives): nothing to look up.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn wants(self, name: &str) -> bool {
        SYSTEM_ATTRIBUTE_NAMES
            .iter()
            .position(|k| *k == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// What the app shows per queue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueSummary {
    pub name: String,
    pub fifo: bool,
    pub visible: usize,
    pub in_flight: usize,
    pub delayed: usize,
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    pub moved_to_dlq: u64,
    pub expired: u64,
    pub empty_receives: u64,
    pub duplicates_delivered: u64,
}

/// The queues by id. Ids are handed out in increasing order and never reused, so a queue
/// sits at its id's index (a deleted one leaves an empty slot): finding one is an index, not a
/// search, and iteration is in id order, as a map's would be.
#[derive(Clone, Debug, Default)]
struct QueueTable {
    slots: Vec<Option<Box<Queue>>>,
}

impl QueueTable {
    fn get(&self, id: &u32) -> Option<&Queue> {
        self.slots.get(*id as usize)?.as_deref()
    }

    fn get_mut(&mut self, id: &u32) -> Option<&mut Queue> {
        self.slots.get_mut(*id as usize)?.as_deref_mut()
    }

    fn insert(&mut self, id: u32, q: Queue) {
        let i = id as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(Box::new(q));
    }

    fn remove(&mut self, id: &u32) -> Option<Queue> {
        self.slots.get_mut(*id as usize)?.take().map(|q| *q)
    }

    fn values(&self) -> impl Iterator<Item = &Queue> {
        self.slots.iter().flatten().map(|q| &**q)
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut Queue> {
        self.slots.iter_mut().flatten().map(|q| &mut **q)
    }
}

impl std::ops::Index<&u32> for QueueTable {
    type Output = Queue;

    fn index(&self, id: &u32) -> &Queue {
        self.get(id).expect("a resolved queue id names a queue")
    }
}

#[derive(Clone, Debug)]
pub struct Sqs {
    config: SqsConfig,
    queues: QueueTable,
    by_name: OrdMap<String, u32>,
    /// The id `resolve` found last (a hint, checked on use).
    last_resolved: std::cell::Cell<u32>,
    deleted_at: OrdMap<String, SimTime>,
    next_queue_id: u32,
    next_waiter: u64,
    replies: Replies,
    /// Scratch for the messages a receive takes (empty between calls; kept for its buffer).
    taken: Vec<Taken>,
    /// Scratch for a receive's candidates (likewise).
    candidates: Vec<u64>,
    cost: CostMeter,
    move_tasks: Vec<MoveTask>,
    /// The world's clock as of the current call (set by the world before every dispatch).
    pub(crate) now: SimTime,
    /// Queues whose long polls wait to be served, and whether a serve is running.
    to_serve: Vec<u32>,
    serving: bool,
}

/// A queue URL up to the account id (in [`REGION`]; a test checks they agree).
const QUEUE_URL_HOST: &str = "https://sqs.us-east-1.amazonaws.com/";

pub fn queue_url(name: &str) -> String {
    format!("{QUEUE_URL_HOST}{ACCOUNT_ID}/{name}")
}

pub fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}")
}

/// The queue name an ARN names, if it is an SQS ARN of this region and account.
pub fn name_from_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:sqs:")?;
    let mut parts = rest.splitn(3, ':');
    let (region, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    (region == REGION && account == ACCOUNT_ID && !name.is_empty()).then_some(name)
}

impl Sqs {
    pub fn new(config: SqsConfig) -> Self {
        let cost = CostMeter {
            prices: config.prices.clone(),
            ..Default::default()
        };
        Sqs {
            config,
            queues: QueueTable::default(),
            by_name: OrdMap::new(),
            last_resolved: std::cell::Cell::new(u32::MAX),
            deleted_at: OrdMap::new(),
            next_queue_id: 1,
            next_waiter: 1,
            replies: Vec::new(),
            taken: Vec::new(),
            candidates: Vec::new(),
            cost,
            move_tasks: Vec::new(),
            now: 0,
            to_serve: Vec::new(),
            serving: false,
        }
    }

    pub fn config(&self) -> &SqsConfig {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut SqsConfig {
        &mut self.config
    }

    pub fn cost(&self) -> &CostMeter {
        &self.cost
    }

    /// SQS's line of the world's bill: billed requests (64 KB chunks count) and their cost.
    pub fn bill(&self) -> Bill {
        Bill {
            service: "SQS",
            requests: self.cost.requests(),
            usd: self.cost.usd(),
        }
    }

    pub fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.queues.values()
    }

    /// Payload bytes the queues keep in memory: every message's body, a synthetic one counted
    /// by its head and tail only (see [`crate::core::payload`]). A body shared with another holder
    /// (an SNS notification) is counted by each.
    pub fn payload_bytes_retained(&self) -> u64 {
        self.queues
            .values()
            .flat_map(|q| q.messages())
            .map(|m| m.body.retained_bytes() as u64)
            .sum()
    }

    pub fn queue_by_name(&self, name: &str) -> Option<&Queue> {
        self.by_name.get(name).and_then(|id| self.queues.get(id))
    }

    /// Whether ReceiveMessage answers wait to be routed.
    pub(crate) fn has_replies(&self) -> bool {
        !self.replies.is_empty()
    }

    /// Gives back the list a simulated consumer's answer came in (emptied), for the next
    /// answer to be collected in: no list allocated per delivered batch.
    pub(crate) fn return_taken(&mut self, mut list: Vec<Taken>) {
        if list.capacity() > self.taken.capacity() {
            list.clear();
            self.taken = list;
        }
    }

    /// Hands over the replies due (into `into`, which must be empty) and keeps `into`'s
    /// buffer for the next ones: no allocation per reply round.
    pub(crate) fn swap_replies(&mut self, into: &mut Replies) {
        debug_assert!(into.is_empty());
        std::mem::swap(&mut self.replies, into);
    }

    pub fn queue_summaries(&self) -> Vec<QueueSummary> {
        self.queues
            .values()
            .map(|q| QueueSummary {
                name: q.name.clone(),
                fifo: q.fifo(),
                visible: q.visible_count(),
                in_flight: q.in_flight_count(),
                delayed: q.delayed_count(),
                sent: q.totals.sent,
                received: q.totals.received,
                deleted: q.totals.deleted,
                moved_to_dlq: q.totals.moved_to_dlq,
                expired: q.totals.expired,
                empty_receives: q.totals.empty_receives,
                duplicates_delivered: q.totals.duplicates_delivered,
            })
            .collect()
    }

    /// Every closed minute of every queue, as CloudWatch would list them.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for q in self.queues.values() {
            q.metrics
                .publish("AWS/SQS", &[("QueueName", &q.name)], &mut out);
        }
        out
    }

    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        for q in self.queues.values_mut() {
            q.close_metrics_minute(now);
        }
    }

    /// Adds every queue to a memory estimate (see [`crate::core::memory`]).
    pub(crate) fn memory(&self, t: &mut crate::core::memory::Tally) {
        for q in self.queues.values() {
            q.memory(t);
        }
        let tables = self.by_name.len() + self.deleted_at.len() + self.move_tasks.len();
        t.copied(
            crate::core::memory::other,
            tables,
            crate::core::memory::TABLE_ENTRY_BYTES,
        );
    }

    /// Bytes of message bodies and attributes held in every queue.
    pub(crate) fn payload_bytes_held(&self) -> u64 {
        self.queues.values().map(|q| q.payload_bytes()).sum()
    }

    /// Checks every queue's indexes against its messages. For tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        for q in self.queues.values() {
            q.check_invariants()
                .map_err(|e| format!("{}: {e}", q.name))?;
        }
        Ok(())
    }

    /// Resolves a QueueUrl: `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (a bare queue name
    /// is accepted too, as AWS does). Another account's queue does not exist here.
    fn resolve(&self, url: Option<&str>) -> Result<u32, AwsError> {
        let url = match url {
            Some(u) if !u.is_empty() => u,
            _ => return Err(AwsError::missing_parameter("QueueUrl")),
        };
        // The queue resolved last, checked by its URL or name (ids are never reused, so a
        // deleted queue's id finds nothing): an actor names the same queue call after call.
        let last = self.last_resolved.get();
        if let Some(q) = self.queues.get(&last).filter(|q| q.url == url) {
            q.last_accessed.set(self.now);
            return Ok(last);
        }
        // The URL this world hands out (every call an actor makes): the name is the rest.
        // Any other form is read from its last two segments.
        let ours = url
            .strip_prefix(QUEUE_URL_HOST)
            .and_then(|r| r.strip_prefix(ACCOUNT_ID))
            .and_then(|r| r.strip_prefix('/'));
        if let (Some(name), Some(q)) = (ours, self.queues.get(&last)) {
            if q.name == name {
                q.last_accessed.set(self.now);
                return Ok(last);
            }
        }
        let name = match ours.filter(|n| !n.is_empty() && !n.contains('/')) {
            Some(name) => name,
            None => {
                let mut parts = url.trim_end_matches('/').rsplit('/');
                let name = parts.next().unwrap_or("");
                if let Some(account) = parts.next() {
                    if url.contains("://") && account != ACCOUNT_ID {
                        return Err(queue_does_not_exist());
                    }
                }
                name
            }
        };
        let id = self
            .by_name
            .get(name)
            .copied()
            .ok_or_else(queue_does_not_exist)?;
        self.queues[&id].last_accessed.set(self.now);
        self.last_resolved.set(id);
        Ok(id)
    }

    fn resolve_arn(&self, arn: &str) -> Option<u32> {
        name_from_arn(arn).and_then(|n| self.by_name.get(n).copied())
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, timer: SqsTimer) {
        match timer {
            SqsTimer::DelayEnd { queue, seq, until } => {
                let Some(q) = self.queues.get_mut(&queue) else {
                    return;
                };
                let due = q
                    .message(seq)
                    .is_some_and(|m| m.state == queue::MessageState::Delayed { until });
                if due {
                    q.make_visible(ctx, seq, VisibleReason::DelayEnded);
                    self.serve_waiters(ctx, queue);
                }
            }
            SqsTimer::VisibilityDue { queue } => {
                let Some(q) = self.queues.get_mut(&queue) else {
                    return;
                };
                let timers = &mut ctx.timers;
                let messages = &q.messages;
                let Some(seq) = q.visibility_ends.fire(
                    |seq| messages.contains(seq),
                    |due, n| timers.schedule_reserved(due, n, SqsTimer::VisibilityDue { queue }),
                ) else {
                    return;
                };
                // What the message's own timer would have done (it fires when due).
                let until = ctx.now;
                self.on_timer(ctx, SqsTimer::VisibilityEnd { queue, seq, until });
            }
            SqsTimer::LongPollDue { queue } => {
                let Some(q) = self.queues.get_mut(&queue) else {
                    return;
                };
                let timers = &mut ctx.timers;
                let waiters = &q.waiters;
                let Some(waiter) = q.long_poll_ends.fire(
                    |id| waiters.iter().any(|w| w.id == id),
                    |due, n| timers.schedule_reserved(due, n, SqsTimer::LongPollDue { queue }),
                ) else {
                    return;
                };
                self.end_long_poll(ctx, queue, waiter);
            }
            SqsTimer::VisibilityEnd { queue, seq, until } => {
                let Some(q) = self.queues.get_mut(&queue) else {
                    return;
                };
                let due = q
                    .message(seq)
                    .is_some_and(|m| m.state == queue::MessageState::InFlight { until });
                if due {
                    q.make_visible(ctx, seq, VisibleReason::VisibilityTimeoutExpired);
                    self.serve_waiters(ctx, queue);
                }
            }
            SqsTimer::RetentionSweep { queue, at } => {
                let Some(q) = self.queues.get_mut(&queue) else {
                    return;
                };
                if !q.retention_timer_is_current(at) {
                    return;
                }
                let expired = q.sweep_retention(ctx);
                let name = q.name.clone();
                q.totals.expired += expired.len() as u64;
                for m in expired {
                    ctx.events.push(ctx.now, || EventKind::MessageExpired {
                        queue: name.clone(),
                        message_id: m.id.to_string(),
                    });
                }
                // An expired head of a FIFO group can unlock the rest of the group.
                self.serve_waiters(ctx, queue);
            }
            SqsTimer::LongPollEnd { queue, waiter } => self.end_long_poll(ctx, queue, waiter),
            SqsTimer::MoveTask { task } => self.run_move_task(ctx, task),
        }
    }

    /// The JSON face of the operations: AWS request members in, AWS response members out.
    /// None means the call is pending (a long poll) and its answer will come as a reply.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
        caller: Caller,
    ) -> Option<Result<Value, AwsError>> {
        use api::{parse, to_json};
        let r = match op {
            "CreateQueue" => parse(params)
                .and_then(|i| self.create_queue(ctx, &i))
                .map(to_json),
            "GetQueueUrl" => parse(params)
                .and_then(|i| self.get_queue_url(&i))
                .map(to_json),
            "ListQueues" => parse(params).and_then(|i| self.list_queues(&i)),
            "DeleteQueue" => parse(params).and_then(|i| self.delete_queue(ctx, &i)),
            "GetQueueAttributes" => parse(params).and_then(|i| self.get_queue_attributes(ctx, &i)),
            "SetQueueAttributes" => parse(params).and_then(|i| self.set_queue_attributes(ctx, &i)),
            "SendMessage" => parse(params)
                .and_then(|i| self.send_message(ctx, &i, None))
                .map(to_json),
            "SendMessageBatch" => parse(params)
                .and_then(|i| self.send_message_batch(ctx, &i, None))
                .map(to_json),
            "ReceiveMessage" => {
                return match parse(params) {
                    Ok(i) => self
                        .receive_message(ctx, &i, caller, None)
                        .map(|r| r.map(to_json)),
                    Err(e) => Some(Err(e)),
                }
            }
            "DeleteMessage" => parse(params)
                .and_then(|i| self.delete_message(ctx, &i, None))
                .map(|_| Value::Object(Default::default())),
            "DeleteMessageBatch" => parse(params)
                .and_then(|i| self.delete_message_batch(ctx, &i, None))
                .map(to_json),
            "ChangeMessageVisibility" => parse(params)
                .and_then(|i| self.change_message_visibility(ctx, &i, None))
                .map(|_| Value::Object(Default::default())),
            "ChangeMessageVisibilityBatch" => parse(params)
                .and_then(|i| self.change_message_visibility_batch(ctx, &i, None))
                .map(to_json),
            "PurgeQueue" => parse(params).and_then(|i| self.purge_queue(ctx, &i)),
            "ListDeadLetterSourceQueues" => {
                parse(params).and_then(|i| self.list_dead_letter_source_queues(&i))
            }
            "StartMessageMoveTask" => {
                parse(params).and_then(|i| self.start_message_move_task(ctx, &i))
            }
            "CancelMessageMoveTask" => {
                parse(params).and_then(|i| self.cancel_message_move_task(ctx, &i))
            }
            "ListMessageMoveTasks" => parse(params).and_then(|i| self.list_message_move_tasks(&i)),
            "TagQueue" => parse(params).and_then(|i| self.tag_queue(&i)),
            "UntagQueue" => parse(params).and_then(|i| self.untag_queue(&i)),
            "ListQueueTags" => parse(params).and_then(|i| self.list_queue_tags(&i)),
            "AddPermission" => parse(params).and_then(|i| self.add_permission(&i)),
            "RemovePermission" => parse(params).and_then(|i| self.remove_permission(&i)),
            other => Err(AwsError::new(
                "UnknownOperationException",
                format!("The operation {other} is not an SQS operation."),
            )),
        };
        Some(r)
    }

    fn end_long_poll(&mut self, ctx: &mut Ctx, queue: u32, waiter: u64) {
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        let Some(pos) = q.waiters.iter().position(|w| w.id == waiter) else {
            return;
        };
        let w = q.waiters.remove(pos).expect("position is in range");
        q.metrics.current.number_of_empty_receives += 1;
        q.totals.empty_receives += 1;
        ctx.events.push(ctx.now, || EventKind::EmptyReceive {
            queue: q.name.clone(),
            long_poll: true,
            actor: w.spec.actor.clone(),
        });
        let empty = match w.caller {
            Caller::External(_) => Answer::Api(ReceiveMessageOutput::default()),
            Caller::Actor(_) => Answer::Taken(Vec::new()),
        };
        self.replies.push((w.caller, Ok(empty)));
    }

    /// Hands newly available messages to waiting long polls, oldest waiter first.
    ///
    /// Serving one queue can move messages into another (a DLQ) whose waiters then need
    /// serving too: those queues are queued and served by the outermost call, never by a
    /// nested one, so a redrive cycle (A → B → A, or a queue that is its own DLQ) cannot
    /// recurse.
    pub(crate) fn serve_waiters(&mut self, ctx: &mut Ctx, queue: u32) {
        self.to_serve.push(queue);
        if self.serving {
            return;
        }
        self.serving = true;
        while let Some(queue) = self.to_serve.pop() {
            self.serve_queue(ctx, queue);
        }
        self.serving = false;
    }

    fn serve_queue(&mut self, ctx: &mut Ctx, queue: u32) {
        loop {
            let Some(q) = self.queues.get(&queue) else {
                return;
            };
            if q.waiters.is_empty() || q.visible_count() == 0 {
                return;
            }
            // Taken out while it is served (not copied: its spec owns strings), and put back
            // in front if nothing could be delivered to it.
            let q = self.queues.get_mut(&queue).expect("checked above");
            let Some(w) = q.waiters.pop_front() else {
                return;
            };
            let mut msgs = std::mem::take(&mut self.taken);
            self.deliver(ctx, queue, &w.spec, true, w.requested_at, &mut msgs);
            if msgs.is_empty() {
                self.taken = msgs;
                if let Some(q) = self.queues.get_mut(&queue) {
                    q.waiters.push_front(w);
                }
                return; // e.g. every FIFO group with visible messages is locked
            }
            let render = matches!(w.caller, Caller::External(_));
            let answer = self.answer(queue, &w.spec, &mut msgs, render);
            self.taken = msgs;
            self.replies.push((w.caller, Ok(answer)));
        }
    }
}

pub fn queue_does_not_exist() -> AwsError {
    AwsError::new("QueueDoesNotExist", "The specified queue does not exist.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_prefix_is_in_the_simulated_region() {
        assert_eq!(
            QUEUE_URL_HOST,
            format!("https://sqs.{REGION}.amazonaws.com/")
        );
        assert!(queue_url("q").ends_with(&format!("/{ACCOUNT_ID}/q")));
    }

    #[test]
    fn system_attribute_sets_know_all_and_ignore_unknown_names() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = SystemAttributes::from_names(&names(&["All"]));
        assert!(SYSTEM_ATTRIBUTE_NAMES.iter().all(|n| all.wants(n)));
        let one = SystemAttributes::from_names(&names(&["SentTimestamp", "Nope"]));
        assert!(one.wants("SentTimestamp"));
        assert!(!one.wants("SenderId"));
        assert!(!one.wants("Nope"));
    }
}
