//! Simulated producers and consumers. They act only through SQS operations, so what the
//! animation shows is what the API does.
//!
//! A consumer instance runs the loop every SQS worker runs: ReceiveMessage (short or long
//! poll) → process each message → DeleteMessage (unless processing failed) → poll again.
//! It can crash mid-batch (its messages stay in flight until their visibility timeout ends)
//! and restart later, and it can send heartbeats (ChangeMessageVisibility) while it works.

use crate::core::ctx::Caller;
use crate::core::error::AwsError;
use crate::core::event::EventKind;
use crate::core::message_attributes::MessageAttributeValue;
use crate::core::payload::Payload;
use crate::core::rng::Rng;
use crate::core::time::{SimTime, MS_PER_S};
use crate::hub::Hub;
use crate::sns::Sns;
use crate::sqs::api::{
    ChangeMessageVisibilityInput, ReceiptHandle, ReceiveMessageInput, SendMessageBatchEntry,
    SendMessageBatchInput,
};
use crate::sqs::{queue_url, Answer, Taken};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::VecDeque;

/// What an actor acts on at one instant (see [`crate::core::ctx`]).
pub type Ctx<'a> = crate::core::ctx::Ctx<'a, ActorTimer>;
/// Round trip of one API call from an actor to SQS and back. In-region SQS calls take tens of
/// milliseconds; AWS publishes no figure: UNCONFIRMED, a plausible modelling constant. It also
/// keeps a short-polling loop from spinning at one instant.
pub const API_RTT_MS: SimTime = 20;
/// Wait before retrying a call that failed (throttled, queue missing, …).
pub const RETRY_BACKOFF_MS: SimTime = 1_000;
/// Most consumer instances one consumer group may run.
pub const CONSUMER_INSTANCES_MAX: u32 = 1_000;
/// Most messages one burst may send.
pub const BURST_MAX: u32 = 1_000_000;
/// Producers send at most this many messages per second (each is an event to animate).
pub const PRODUCER_RATE_MAX: f64 = 10_000.0;

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// Evenly spaced sends.
    #[default]
    Constant,
    /// Exponential gaps with the same mean: the arrivals of many independent clients.
    Poisson,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Burst {
    /// When the burst starts, virtual seconds.
    pub at_s: f64,
    /// Messages sent at once (in batches of `batch_size`).
    pub count: u32,
}

fn one() -> u32 {
    1
}
fn default_body_bytes() -> usize {
    256
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub name: String,
    /// QueueName of the target queue ("" when the producer publishes to a topic).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub queue: String,
    /// Name of the SNS topic the producer publishes to (Publish / PublishBatch) instead of
    /// sending to a queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Messages per second (0 = only bursts).
    #[serde(default)]
    pub rate_per_s: f64,
    #[serde(default)]
    pub arrival: Arrival,
    #[serde(default)]
    pub bursts: Vec<Burst>,
    /// 1 = SendMessage; 2–10 = SendMessageBatch.
    #[serde(default = "one")]
    pub batch_size: u32,
    /// Number of MessageGroupIds to rotate through (FIFO groups, or fair-queue tenants on a
    /// standard queue). 0 = none (a FIFO queue then uses one group).
    #[serde(default)]
    pub message_groups: u32,
    #[serde(default = "default_body_bytes")]
    pub body_bytes: usize,
    /// Per-message timer (DelaySeconds on SendMessage); standard queues only.
    #[serde(default)]
    pub delay_seconds: Option<u32>,
    #[serde(default)]
    pub start_s: f64,
    #[serde(default)]
    pub stop_s: Option<f64>,
    /// Every Nth message is a poison pill (its body carries `"poison":true`): no consumer
    /// can process it, so it is received again and again until a redrive policy moves it to
    /// the dead-letter queue. 0 = none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub poison_every: u32,
    /// Every Nth call to a queue is made twice, the same messages again: a producer that
    /// retries because the answer to a send that did succeed was lost (a timeout). A standard
    /// queue then holds the message twice; a FIFO queue accepts the retry within its
    /// 5-minute deduplication interval and keeps one (aws-rules §1.9). Queue targets only.
    /// 0 = never.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resend_every: u32,
    /// String message attributes on every message: message n carries the (n−1 mod len)-th
    /// value of each list (e.g. `{"store": ["north", "south"]}` alternates), so filter
    /// policies have something to route on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub message_attributes: BTreeMap<String, Vec<String>>,
    /// An S3 bucket the producer uploads to (PutObject) instead of sending to a queue (S3
    /// publishes its events through SNS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The uploaded objects' keys, `{n}` replaced by the message number (default
    /// `<producer name>/{n}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_key: Option<String>,
    /// A Kinesis stream the producer writes to (PutRecord, PutRecords for batches) instead of
    /// a queue; with Kinesis builds only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// Partition keys the records rotate through (default: the producer's name, one key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partition_keys: Vec<String>,
    /// A JSON field every message carries with the epoch milliseconds at which its event
    /// happened, for event-time windows (aws-rules §6.2): the send time less
    /// `event_time_lag_s`. None = no such field (the body is unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time_field: Option<String>,
    /// How long before its send each event happened: a device that records while offline and
    /// uploads later, so its events reach a stream behind the others'. 0 = sent as they
    /// happen. Needs `event_time_field`.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub event_time_lag_s: f64,
}

fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}

/// Longest event-time lag a producer may have, seconds (a day): a limit of the simulation's.
pub const EVENT_TIME_LAG_MAX_S: f64 = 86_400.0;

/// Most partition keys a simulated producer rotates through: a limit of the simulation's,
/// not AWS's.
pub const PARTITION_KEYS_MAX: usize = 1_000;

/// Most message attributes a producer may set (SQS's and SNS's limit, aws-rules §1.6 / §3.2).
pub const PRODUCER_ATTRIBUTES_MAX: usize = 10;

/// Appends `n` in decimal (what `write!` would, without its formatting machinery: every
/// simulated message's body has a number).
fn push_decimal(s: &mut String, n: u64) {
    s.push_str(itoa::Buffer::new().format(n));
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The marker a poison message's body carries.
pub const POISON_MARK: &str = "\"poison\":true";

/// A processing-time distribution, written `{"dist": "uniform", "min_ms": 100, "max_ms": 300}`.
/// Read through [`ProcessingRepr`], a flat struct: serde's internally tagged enums buffer
/// their input and cost the wasm bundle several times the code of a plain struct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "dist",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "ProcessingRepr"
)]
pub enum Processing {
    Fixed { ms: u64 },
    Uniform { min_ms: u64, max_ms: u64 },
    Exponential { mean_ms: u64 },
    Normal { mean_ms: u64, stddev_ms: u64 },
}

/// What a processing distribution is read as: the tag and every member any distribution has.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingRepr {
    dist: String,
    ms: Option<u64>,
    min_ms: Option<u64>,
    max_ms: Option<u64>,
    mean_ms: Option<u64>,
    stddev_ms: Option<u64>,
}

impl TryFrom<ProcessingRepr> for Processing {
    type Error = String;

    /// The members must be exactly the distribution's own; an error starts with the member
    /// at fault (`dist: …`, `min_ms: …`).
    fn try_from(r: ProcessingRepr) -> Result<Processing, String> {
        let given = [
            ("ms", r.ms),
            ("min_ms", r.min_ms),
            ("max_ms", r.max_ms),
            ("mean_ms", r.mean_ms),
            ("stddev_ms", r.stddev_ms),
        ];
        let members: &[&str] = match r.dist.as_str() {
            "fixed" => &["ms"],
            "uniform" => &["min_ms", "max_ms"],
            "exponential" => &["mean_ms"],
            "normal" => &["mean_ms", "stddev_ms"],
            other => {
                let shown: String = other.chars().take(32).collect();
                return Err(format!(
                    "dist: unknown distribution {shown:?} (expected fixed, uniform, \
                     exponential or normal)"
                ));
            }
        };
        for (name, value) in given {
            match (members.contains(&name), value) {
                (true, None) => return Err(format!("{name}: missing for dist {:?}", r.dist)),
                (false, Some(_)) => {
                    return Err(format!("{name}: not a member of dist {:?}", r.dist))
                }
                _ => {}
            }
        }
        let v = |x: Option<u64>| x.unwrap_or_default();
        Ok(match r.dist.as_str() {
            "fixed" => Processing::Fixed { ms: v(r.ms) },
            "uniform" => Processing::Uniform {
                min_ms: v(r.min_ms),
                max_ms: v(r.max_ms),
            },
            "exponential" => Processing::Exponential {
                mean_ms: v(r.mean_ms),
            },
            _ => Processing::Normal {
                mean_ms: v(r.mean_ms),
                stddev_ms: v(r.stddev_ms),
            },
        })
    }
}

impl Default for Processing {
    fn default() -> Self {
        Processing::Fixed { ms: 100 }
    }
}

impl Processing {
    pub fn sample(&self, rng: &mut Rng) -> SimTime {
        match *self {
            Processing::Fixed { ms } => ms,
            Processing::Uniform { min_ms, max_ms } => {
                min_ms + rng.below(max_ms.saturating_sub(min_ms) + 1)
            }
            Processing::Exponential { mean_ms } => rng.exponential(mean_ms as f64).round() as u64,
            Processing::Normal { mean_ms, stddev_ms } => (mean_ms as f64
                + stddev_ms as f64 * rng.normal())
            .max(0.0)
            .round() as u64,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        match *self {
            Processing::Uniform { min_ms, max_ms } if min_ms > max_ms => {
                Err("min_ms must not exceed max_ms".into())
            }
            _ => Ok(()),
        }
    }
}

fn restart_default() -> f64 {
    30.0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    pub name: String,
    pub queue: String,
    /// Instances polling in parallel.
    #[serde(default = "one")]
    pub count: u32,
    /// WaitTimeSeconds of each ReceiveMessage: 0 = short polling, 1–20 = long polling.
    /// None = use the queue's ReceiveMessageWaitTimeSeconds.
    #[serde(default)]
    pub wait_time_s: Option<u32>,
    /// MaxNumberOfMessages, 1–10.
    #[serde(default = "one")]
    pub max_messages: u32,
    /// VisibilityTimeout on each ReceiveMessage; None = the queue's.
    #[serde(default)]
    pub visibility_timeout_s: Option<u32>,
    #[serde(default)]
    pub processing: Processing,
    /// Chance that processing a message fails: the consumer does not delete it.
    #[serde(default)]
    pub failure_probability: f64,
    /// Chance, per message, that the instance crashes while processing it, abandoning its batch.
    #[serde(default)]
    pub crash_probability: f64,
    /// How long a crashed instance stays down.
    #[serde(default = "restart_default")]
    pub restart_after_s: f64,
    /// Extend the visibility timeout while processing (ChangeMessageVisibility every half
    /// timeout), the heartbeat pattern of aws-rules §1.3.
    #[serde(default)]
    pub heartbeat: bool,
    /// Pause after an empty receive before polling again, ms.
    #[serde(default)]
    pub empty_poll_pause_ms: u64,
    /// The bug behind poison messages is fixed: they are processed like any other (a redrive
    /// from the dead-letter queue then empties it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub handles_poison: bool,
    /// The worker of an Auto Scaling group's instance protects its own instance from scale-in
    /// while it holds a batch: SetInstanceProtection with ProtectedFromScaleIn true when a
    /// receive brings messages, false once the batch is done (aws-rules §2.6). Only a
    /// launch configuration's `Consumer` has an instance; a scenario consumer is refused it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect_while_processing: bool,
    #[serde(default)]
    pub start_s: f64,
}

impl ProducerSpec {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.rate_per_s.is_finite() && (0.0..=PRODUCER_RATE_MAX).contains(&self.rate_per_s)) {
            return Err(format!(
                "rate_per_s: must be between 0 and {PRODUCER_RATE_MAX}"
            ));
        }
        if !(1..=10).contains(&self.batch_size) {
            return Err("batch_size: must be between 1 and 10".into());
        }
        // A partition key has 1–256 characters (aws-rules §4.1).
        if self.partition_keys.len() > PARTITION_KEYS_MAX
            || self
                .partition_keys
                .iter()
                .any(|k| k.is_empty() || k.chars().count() > 256)
        {
            return Err(format!(
                "partition_keys: 1 to {PARTITION_KEYS_MAX} keys of 1–256 characters each"
            ));
        }
        if self.body_bytes == 0 || self.body_bytes > 1_048_576 {
            return Err("body_bytes: must be between 1 and 1048576".into());
        }
        if self.delay_seconds.is_some_and(|d| d > 900) {
            return Err("delay_seconds: must be between 0 and 900".into());
        }
        if !(self.start_s.is_finite() && self.start_s >= 0.0) {
            return Err("start_s: must be a non-negative number".into());
        }
        if self.stop_s.is_some_and(|s| !(s.is_finite() && s >= 0.0)) {
            return Err("stop_s: must be a non-negative number".into());
        }
        if self.message_attributes.len() > PRODUCER_ATTRIBUTES_MAX {
            return Err(format!(
                "message_attributes: at most {PRODUCER_ATTRIBUTES_MAX} attributes"
            ));
        }
        if let Some((name, _)) = self.message_attributes.iter().find(|(_, v)| v.is_empty()) {
            return Err(format!(
                "message_attributes: {name} needs at least one value"
            ));
        }
        if self.resend_every > 0
            && (self.topic.is_some() || self.stream.is_some() || self.bucket.is_some())
        {
            return Err("resend_every: only a producer that sends to a queue resends".into());
        }
        if let Some(f) = &self.event_time_field {
            if f.is_empty()
                || f.len() > 64
                || !f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                || ["producer", "n", "poison"].contains(&f.as_str())
            {
                return Err(
                    "event_time_field: 1–64 letters, digits or _, not producer, n or poison".into(),
                );
            }
        }
        if !(self.event_time_lag_s.is_finite()
            && (0.0..=EVENT_TIME_LAG_MAX_S).contains(&self.event_time_lag_s))
        {
            return Err(format!(
                "event_time_lag_s: must be between 0 and {EVENT_TIME_LAG_MAX_S}"
            ));
        }
        if self.event_time_lag_s > 0.0 && self.event_time_field.is_none() {
            return Err("event_time_lag_s: needs event_time_field".into());
        }
        for (i, b) in self.bursts.iter().enumerate() {
            if !(b.at_s.is_finite() && b.at_s >= 0.0) || b.count > BURST_MAX {
                return Err(format!(
                    "bursts[{i}]: at_s must be ≥ 0 and count ≤ {BURST_MAX}"
                ));
            }
        }
        Ok(())
    }
}

impl ConsumerSpec {
    pub fn validate(&self) -> Result<(), String> {
        if self.count > CONSUMER_INSTANCES_MAX {
            return Err(format!(
                "count: must be between 0 and {CONSUMER_INSTANCES_MAX}"
            ));
        }
        if self.wait_time_s.is_some_and(|w| w > 20) {
            return Err("wait_time_s: must be between 0 and 20".into());
        }
        if !(1..=10).contains(&self.max_messages) {
            return Err("max_messages: must be between 1 and 10".into());
        }
        if self.visibility_timeout_s.is_some_and(|v| v > 43_200) {
            return Err("visibility_timeout_s: must be between 0 and 43200".into());
        }
        for (name, p) in [
            ("failure_probability", self.failure_probability),
            ("crash_probability", self.crash_probability),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name}: must be between 0 and 1"));
            }
        }
        if !(self.restart_after_s.is_finite() && self.restart_after_s >= 0.0) {
            return Err("restart_after_s: must be a non-negative number".into());
        }
        if !(self.start_s.is_finite() && self.start_s >= 0.0) {
            return Err("start_s: must be a non-negative number".into());
        }
        self.processing
            .validate()
            .map_err(|e| format!("processing: {e}"))
    }
}

#[derive(Clone, Debug)]
pub enum ActorTimer {
    Produce {
        producer: usize,
        gen: u32,
    },
    Burst {
        producer: usize,
        burst: usize,
        gen: u32,
    },
    Poll {
        consumer: usize,
        gen: u32,
    },
    ProcessDone {
        consumer: usize,
        gen: u32,
    },
    Heartbeat {
        consumer: usize,
        gen: u32,
        message: u64,
    },
    Restart {
        consumer: usize,
        gen: u32,
    },
    /// Records a stream refused (ProvisionedThroughputExceededException), sent again.
    RetryPut {
        producer: usize,
        gen: u32,
        records: Vec<(String, Payload)>,
        attempt: u32,
    },
}

/// Attempts a producer makes at a record a stream throttles, the first included (the AWS
/// SDKs' standard retry mode makes 3; a Kinesis producer resends the failed entries of a
/// PutRecords itself, as the KPL does). UNCONFIRMED for any one producer: a named choice.
pub const PUT_ATTEMPTS_MAX: u32 = 3;
/// Base of the exponential backoff before a resend, ms (the SDKs' standard mode: 100 ms,
/// doubled per attempt, with full jitter).
pub const PUT_RETRY_BASE_MS: u64 = 100;

impl Producer {
    /// The queue or topic the producer sends to.
    pub fn target(&self) -> &str {
        if let Some(s) = &self.spec.stream {
            return s;
        }
        if let Some(b) = &self.spec.bucket {
            return b;
        }
        self.spec.topic.as_deref().unwrap_or(&self.spec.queue)
    }
}

#[derive(Clone, Debug)]
pub struct Producer {
    pub spec: ProducerSpec,
    url: String,
    /// Where each message's head is written before it is copied into its body.
    head: String,
    /// Bumped when the spec changes, so the old chain of send timers stops.
    gen: u32,
    pub sent: u64,
    /// Records resent after a stream throttled them.
    pub retried: u64,
    /// Messages sent a second time (`ProducerSpec::resend_every`).
    pub resent: u64,
    /// Calls made to the queue (the count `resend_every` divides).
    calls: u64,
    /// The list a single SendMessage's entry is built in, kept for the next one.
    entries: Vec<SendMessageBatchEntry>,
    next_group: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsumerState {
    /// A ReceiveMessage is on its way or waiting (long poll).
    Polling,
    /// Working through a batch.
    Processing,
    /// Crashed; restarts later.
    Down,
    /// Removed by a lower instance count.
    Stopped,
}

#[derive(Clone, Debug)]
pub struct ConsumerInstance {
    /// Index into `Actors::consumer_specs`.
    pub spec: usize,
    pub name: String,
    pub state: ConsumerState,
    /// Bumped on crash/stop so timers of an earlier life are ignored.
    gen: u32,
    batch: VecDeque<Taken>,
    /// Counts messages started, so a heartbeat knows if it is still for the current one.
    message_no: u64,
    pub processed: u64,
    pub failed: u64,
    pub crashes: u64,
    /// It has asked for its instance's scale-in protection and not yet removed it
    /// (`ConsumerSpec::protect_while_processing`).
    pub protecting: bool,
}

/// A worker's SetInstanceProtection call for its own instance (`protect_while_processing`),
/// made at the instant it is queued: the world makes it through the Auto Scaling API, which
/// the actors do not know, right after the actor's step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectionCall {
    /// Index into `Actors::consumers`; its name is `<group>/<instance-id>`.
    pub consumer: usize,
    pub protected_from_scale_in: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Actors {
    pub producers: Vec<Producer>,
    pub consumer_specs: Vec<ConsumerSpec>,
    pub consumers: Vec<ConsumerInstance>,
    /// What each consumer group's calls carry, made once per settings change rather than on
    /// every poll (parallel to `consumer_specs`).
    calls: Vec<ConsumerCalls>,
    /// The list the last batch arrived in, emptied: handed back to SQS with the next poll so
    /// that a delivered batch allocates none.
    spare: Vec<Taken>,
    /// SetInstanceProtection calls workers made, drained by the world after each step.
    pub protection_calls: Vec<ProtectionCall>,
}

/// The requests a consumer group sends, ready to borrow.
#[derive(Clone, Debug)]
struct ConsumerCalls {
    /// The queue URL the group's deletes and heartbeats name.
    url: String,
    receive: ReceiveMessageInput,
}

impl ConsumerCalls {
    fn of(s: &ConsumerSpec) -> ConsumerCalls {
        let url = queue_url(&s.queue);
        ConsumerCalls {
            receive: ReceiveMessageInput {
                queue_url: Some(url.clone()),
                max_number_of_messages: Some(s.max_messages as i64),
                wait_time_seconds: s.wait_time_s.map(|w| w as i64),
                visibility_timeout: s.visibility_timeout_s.map(|v| v as i64),
                // No attributes: a simulated worker tells a poison message by its body, and
                // asking for them changes neither the answer's cost nor the queue.
                ..Default::default()
            },
            url,
        }
    }
}

fn s_to_ms(s: f64) -> SimTime {
    (s * 1000.0).round().max(0.0) as SimTime
}

/// Schedules the bursts of `bursts` still to come: those later than now, and those at this
/// very instant that `already` (the list before an edit, whose bursts due now have fired)
/// did not have.
fn schedule_bursts(ctx: &mut Ctx, producer: usize, gen: u32, bursts: &[Burst], already: &[Burst]) {
    let mut fired_now: Vec<&Burst> = already
        .iter()
        .filter(|b| s_to_ms(b.at_s) == ctx.now)
        .collect();
    for (i, b) in bursts.iter().enumerate() {
        let at = s_to_ms(b.at_s);
        if at < ctx.now {
            continue;
        }
        if at == ctx.now {
            if let Some(k) = fired_now.iter().position(|f| *f == b) {
                fired_now.swap_remove(k);
                continue;
            }
        }
        ctx.timers.schedule(
            at,
            ActorTimer::Burst {
                producer,
                burst: i,
                gen,
            },
        );
    }
}

impl Actors {
    pub fn add_producer(&mut self, ctx: &mut Ctx, spec: ProducerSpec) {
        let idx = self.producers.len();
        let start = s_to_ms(spec.start_s).max(ctx.now);
        schedule_bursts(ctx, idx, 0, &spec.bursts, &[]);
        if spec.rate_per_s > 0.0 {
            ctx.timers.schedule(
                start,
                ActorTimer::Produce {
                    producer: idx,
                    gen: 0,
                },
            );
        }
        self.producers.push(Producer {
            gen: 0,
            url: queue_url(&spec.queue),
            head: String::new(),
            spec,
            sent: 0,
            retried: 0,
            resent: 0,
            calls: 0,
            entries: Vec::new(),
            next_group: 0,
        });
    }

    /// Replaces a producer's settings while the run goes on: the new rate, batch size and
    /// groups apply from now, and the burst list is the new one (a burst added at the current
    /// instant is sent now; bursts already sent are not sent again). Refused if invalid.
    pub fn set_producer(
        &mut self,
        ctx: &mut Ctx,
        idx: usize,
        spec: ProducerSpec,
    ) -> Result<(), String> {
        spec.validate()?;
        let Some(p) = self.producers.get_mut(idx) else {
            return Err(format!("no producer {idx}"));
        };
        p.gen += 1;
        p.url = queue_url(&spec.queue);
        let start = s_to_ms(spec.start_s).max(ctx.now);
        let ticking = spec.rate_per_s > 0.0;
        // The old burst timers stop with the old generation; the new list's bursts still to
        // come are scheduled again, with any burst added for this instant ("burst now").
        schedule_bursts(ctx, idx, p.gen, &spec.bursts, &p.spec.bursts);
        p.spec = spec;
        if ticking {
            let gen = p.gen;
            ctx.timers
                .schedule(start, ActorTimer::Produce { producer: idx, gen });
        }
        Ok(())
    }

    /// Replaces a consumer group's settings; they apply from each instance's next poll or
    /// message. The instance count follows `spec.count`.
    pub fn set_consumer(
        &mut self,
        ctx: &mut Ctx,
        idx: usize,
        spec: ConsumerSpec,
    ) -> Result<(), String> {
        spec.validate()?;
        let Some(s) = self.consumer_specs.get_mut(idx) else {
            return Err(format!("no consumer group {idx}"));
        };
        let count = spec.count;
        self.calls[idx] = ConsumerCalls::of(&spec);
        *s = spec;
        self.set_consumer_count(ctx, idx, count);
        Ok(())
    }

    pub fn add_consumer(&mut self, ctx: &mut Ctx, spec: ConsumerSpec) {
        let idx = self.consumer_specs.len();
        let count = spec.count;
        self.calls.push(ConsumerCalls::of(&spec));
        self.consumer_specs.push(spec);
        for _ in 0..count {
            self.spawn_instance(ctx, idx);
        }
    }

    fn spawn_instance(&mut self, ctx: &mut Ctx, spec: usize) {
        let s = &self.consumer_specs[spec];
        let n = self.consumers.iter().filter(|c| c.spec == spec).count() + 1;
        let ci = self.consumers.len();
        // Stagger first polls a little so instances do not move in lockstep.
        let start = s_to_ms(s.start_s).max(ctx.now) + ctx.rng.below(API_RTT_MS * 5);
        self.consumers.push(ConsumerInstance {
            spec,
            name: format!("{}#{n}", s.name),
            state: ConsumerState::Polling,
            gen: 0,
            batch: VecDeque::new(),
            message_no: 0,
            processed: 0,
            failed: 0,
            crashes: 0,
            protecting: false,
        });
        ctx.timers.schedule(
            start,
            ActorTimer::Poll {
                consumer: ci,
                gen: 0,
            },
        );
    }

    /// Changes how many instances of a consumer group run (started at once / stopped after
    /// their current batch is abandoned).
    pub fn set_consumer_count(&mut self, ctx: &mut Ctx, spec: usize, count: u32) {
        let Some(s) = self.consumer_specs.get_mut(spec) else {
            return;
        };
        s.count = count.min(CONSUMER_INSTANCES_MAX);
        let running: Vec<usize> = (0..self.consumers.len())
            .filter(|&i| {
                self.consumers[i].spec == spec && self.consumers[i].state != ConsumerState::Stopped
            })
            .collect();
        let want = s.count as usize;
        if running.len() > want {
            for &i in &running[want..] {
                let c = &mut self.consumers[i];
                c.state = ConsumerState::Stopped;
                c.gen += 1;
                c.batch.clear();
            }
        } else {
            for _ in running.len()..want {
                self.spawn_instance(ctx, spec);
            }
        }
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, hub: &mut Hub, t: ActorTimer) {
        match t {
            ActorTimer::Produce { producer, gen } => {
                if self.producers.get(producer).is_some_and(|p| p.gen == gen) {
                    self.produce(ctx, hub, producer)
                }
            }
            ActorTimer::Burst {
                producer,
                burst,
                gen,
            } => {
                let Some(p) = self.producers.get(producer).filter(|p| p.gen == gen) else {
                    return;
                };
                let count = p.spec.bursts.get(burst).map(|b| b.count).unwrap_or(0);
                let batch = p.spec.batch_size.max(1);
                let mut left = count;
                while left > 0 {
                    let n = left.min(batch);
                    self.send(ctx, hub, producer, n);
                    left -= n;
                }
            }
            ActorTimer::RetryPut {
                producer,
                gen,
                records,
                attempt,
            } => {
                if self.producers.get(producer).is_some_and(|p| p.gen == gen) {
                    self.put_to_stream(ctx, hub, producer, records, attempt);
                }
            }
            ActorTimer::Poll { consumer, gen } => {
                if self
                    .consumers
                    .get(consumer)
                    .is_some_and(|c| c.gen == gen && c.state == ConsumerState::Polling)
                {
                    self.poll(ctx, hub, consumer);
                }
            }
            ActorTimer::ProcessDone { consumer, gen } => {
                if self
                    .consumers
                    .get(consumer)
                    .is_some_and(|c| c.gen == gen && c.state == ConsumerState::Processing)
                {
                    self.finish_message(ctx, hub, consumer);
                }
            }
            ActorTimer::Heartbeat {
                consumer,
                gen,
                message,
            } => self.heartbeat(ctx, hub, consumer, gen, message),
            ActorTimer::Restart { consumer, gen } => {
                let Some(c) = self.consumers.get_mut(consumer) else {
                    return;
                };
                if c.gen == gen && c.state == ConsumerState::Down {
                    c.state = ConsumerState::Polling;
                    ctx.events.push(ctx.now, || EventKind::ConsumerRestarted {
                        actor: c.name.clone(),
                    });
                    self.poll(ctx, hub, consumer);
                }
            }
        }
    }

    fn produce(&mut self, ctx: &mut Ctx, hub: &mut Hub, producer: usize) {
        let p = &self.producers[producer];
        if p.spec.stop_s.is_some_and(|s| ctx.now >= s_to_ms(s)) || p.spec.rate_per_s <= 0.0 {
            return;
        }
        let batch = p.spec.batch_size.max(1);
        // One call carries `batch` messages, so calls come `batch` times less often.
        let mean_gap_ms = 1000.0 * batch as f64 / p.spec.rate_per_s;
        let gap = match p.spec.arrival {
            Arrival::Constant => mean_gap_ms,
            Arrival::Poisson => ctx.rng.exponential(mean_gap_ms),
        };
        self.send(ctx, hub, producer, batch);
        let gen = self.producers[producer].gen;
        ctx.timers.schedule(
            ctx.now + (gap.round() as SimTime).max(1),
            ActorTimer::Produce { producer, gen },
        );
    }

    /// Writes `records` to the producer's stream (PutRecord for one, PutRecords for more);
    /// the entries the stream throttles are sent again after a backoff, up to
    /// [`PUT_ATTEMPTS_MAX`] attempts in all.
    fn put_to_stream(
        &mut self,
        ctx: &mut Ctx,
        hub: &mut Hub,
        producer: usize,
        records: Vec<(String, Payload)>,
        attempt: u32,
    ) {
        let p = &mut self.producers[producer];
        let Some(stream) = p.spec.stream.clone() else {
            return;
        };
        let actor = p.spec.name.clone();
        let op = if records.len() == 1 {
            "PutRecord"
        } else {
            "PutRecords"
        };
        let (throttled, err) = match hub.kinesis(ctx) {
            Ok((k, mut c)) => put_records(&mut c, k, &stream, records),
            Err(e) => (Vec::new(), Some(e)),
        };
        api_event(ctx, op, &stream, &actor, err);
        if throttled.is_empty() || attempt >= PUT_ATTEMPTS_MAX {
            return;
        }
        p.retried += throttled.len() as u64;
        // Full jitter: a uniform delay up to the doubled base.
        let cap = PUT_RETRY_BASE_MS << (attempt - 1);
        let delay = 1 + (ctx.rng.next_f64() * cap as f64) as u64;
        ctx.timers.schedule(
            ctx.now + delay,
            ActorTimer::RetryPut {
                producer,
                gen: p.gen,
                records: throttled,
                attempt: attempt + 1,
            },
        );
    }

    fn send(&mut self, ctx: &mut Ctx, hub: &mut Hub, producer: usize, n: u32) {
        let p = &mut self.producers[producer];
        let fifo = p.target().ends_with(".fifo");
        let groups = if fifo {
            p.spec.message_groups.max(1)
        } else {
            p.spec.message_groups
        };
        // A single SendMessage reuses the producer's buffer (no list allocated per message),
        // and a plain one (no attributes, group or deduplication id) its last entry whole:
        // only the body is new.
        let mut entries = std::mem::take(&mut p.entries);
        let delay_seconds = (!fifo)
            .then_some(p.spec.delay_seconds.map(|d| d as i64))
            .flatten();
        let keep = n == 1
            && groups == 0
            && !fifo
            && p.spec.message_attributes.is_empty()
            && entries.len() == 1
            && entries.iter().all(|e| {
                e.id.is_none()
                    && e.message_attributes.is_empty()
                    && e.message_system_attributes.is_empty()
                    && e.message_group_id.is_none()
                    && e.message_deduplication_id.is_none()
                    && e.delay_seconds == delay_seconds
            });
        if !keep {
            entries.clear();
            entries.reserve(n as usize);
        }
        for _ in 0..n {
            p.sent += 1;
            let group = (groups > 0).then(|| {
                let g = format!("group-{}", p.next_group % groups + 1);
                p.next_group += 1;
                g
            });
            let poison =
                p.spec.poison_every > 0 && p.sent.is_multiple_of(p.spec.poison_every as u64);
            // Written into a reused buffer and copied once at its exact size: every message
            // has a head.
            let head = &mut p.head;
            head.clear();
            head.push_str("{\"producer\":\"");
            head.push_str(&p.spec.name);
            head.push_str("\",\"n\":");
            push_decimal(head, p.sent);
            if poison {
                head.push(',');
                head.push_str(POISON_MARK);
            }
            if let Some(field) = &p.spec.event_time_field {
                // When the event happened: now, less the producer's lag (aws-rules §6.2).
                let lag_ms = (p.spec.event_time_lag_s * 1_000.0) as u64;
                head.push_str(",\"");
                head.push_str(field);
                head.push_str("\":");
                push_decimal(
                    head,
                    crate::core::time::epoch_ms(ctx.now).saturating_sub(lag_ms),
                );
            }
            head.push('}');
            // Padded with spaces up to body_bytes, synthetic: a run keeps the head, not the
            // pad, of every message it holds.
            let body = Payload::padded(head.as_str(), p.spec.body_bytes);
            if keep {
                entries[0].message_body = Some(body);
                continue;
            }
            let message_attributes = crate::core::ordmap::btree_map_from(
                p.spec.message_attributes.iter().map(|(name, values)| {
                    let v = &values[((p.sent - 1) % values.len() as u64) as usize];
                    (name.clone(), MessageAttributeValue::string(v))
                }),
            );
            entries.push(SendMessageBatchEntry {
                // A batch entry's id; a single SendMessage has none.
                id: (n > 1).then(|| format!("m{}", entries.len())),
                message_body: Some(body),
                message_attributes,
                delay_seconds,
                message_deduplication_id: fifo.then(|| format!("{}-{}", p.spec.name, p.sent)),
                message_group_id: group,
                ..Default::default()
            });
        }
        let actor = if p.spec.stream.is_some() || p.spec.bucket.is_some() || p.spec.topic.is_some()
        {
            p.spec.name.clone()
        } else {
            String::new()
        };
        if p.spec.stream.is_some() {
            let keys = p.spec.partition_keys.clone();
            let first = p.sent + 1 - entries.len() as u64;
            let records: Vec<(String, Payload)> = entries
                .into_iter()
                .enumerate()
                .map(|(k, e)| {
                    let n = first + k as u64;
                    let key = if keys.is_empty() {
                        actor.clone()
                    } else {
                        keys[((n - 1) % keys.len() as u64) as usize].clone()
                    };
                    (key, e.message_body.unwrap_or_default())
                })
                .collect();
            self.put_to_stream(ctx, hub, producer, records, 1);
            return;
        }
        if let Some(bucket) = p.spec.bucket.clone() {
            let template = p.spec.object_key.clone();
            let first = p.sent + 1 - entries.len() as u64;
            for (k, e) in entries.into_iter().enumerate() {
                let n = first + k as u64;
                let key = match &template {
                    Some(t) => t.replace("{n}", &n.to_string()),
                    None => format!("{actor}/{n}"),
                };
                let body = e.message_body.unwrap_or_default();
                let result = hub
                    .s3(ctx)
                    .and_then(|(s3, mut c)| upload(&mut c, s3, &bucket, key, body));
                api_event(ctx, "PutObject", &bucket, &actor, result.err());
            }
            return;
        }
        if let Some(topic) = p.spec.topic.clone() {
            let op = if n == 1 { "Publish" } else { "PublishBatch" };
            let result = hub
                .sns(ctx)
                .and_then(|(sns, mut c)| publish(&mut c, sns, &topic, entries));
            api_event(ctx, op, &topic, &actor, result.err());
            return;
        }
        p.calls += 1;
        // A retry of a call whose answer was lost sends the very same entries again.
        let resend = p.spec.resend_every > 0 && p.calls.is_multiple_of(p.spec.resend_every as u64);
        let op = if n == 1 {
            "SendMessage"
        } else {
            "SendMessageBatch"
        };
        // A single SendMessage sends the entry where it lies (no move out of the list and
        // back), and the list stays the producer's for the next message.
        let batch = (n != 1).then(|| SendMessageBatchInput {
            queue_url: Some(p.url.clone()),
            entries: std::mem::take(&mut entries),
        });
        let p = &self.producers[producer];
        let actor = &p.spec.name;
        for _ in 0..1 + resend as u32 {
            let result = match &batch {
                None => hub
                    .sqs(ctx)
                    .and_then(|(sqs, mut cx)| {
                        sqs.send_entry(&mut cx, &p.url, &entries[0], Some(actor))
                    })
                    .map(drop),
                Some(input) => hub
                    .sqs(ctx)
                    .and_then(|(sqs, mut cx)| sqs.send_message_batch(&mut cx, input, Some(actor)))
                    .map(drop),
            };
            api_event(ctx, op, &p.spec.queue, actor, result.err());
        }
        let p = &mut self.producers[producer];
        if resend {
            p.resent += n as u64;
        }
        if batch.is_none() {
            p.entries = entries;
        }
    }

    fn poll(&mut self, ctx: &mut Ctx, hub: &mut Hub, consumer: usize) {
        let c = &self.consumers[consumer];
        let s = &self.consumer_specs[c.spec];
        let input = &self.calls[c.spec].receive;
        let reply = match hub.sqs(ctx) {
            Ok((sqs, mut cx)) => {
                sqs.return_taken(std::mem::take(&mut self.spare));
                sqs.receive_taken(&mut cx, input, Caller::Actor(consumer), Some(&c.name))
            }
            Err(e) => Some(Err(e)),
        };
        let err = match &reply {
            Some(Err(e)) => Some(e),
            _ => None,
        };
        api_event(ctx, "ReceiveMessage", &s.queue, &c.name, err.cloned());
        if let Some(r) = reply {
            self.on_receive_reply(ctx, consumer, r);
        }
    }

    /// The answer to a ReceiveMessage (at once, or when a long poll ends).
    pub(crate) fn on_receive_reply(
        &mut self,
        ctx: &mut Ctx,
        consumer: usize,
        result: Result<Answer, AwsError>,
    ) {
        let Some(c) = self.consumers.get_mut(consumer) else {
            return;
        };
        if c.state != ConsumerState::Polling {
            return; // crashed or stopped while its poll was waiting
        }
        let gen = c.gen;
        let pause = self.consumer_specs[c.spec].empty_poll_pause_ms;
        // A replayed attempt's answer comes rendered (a consumer that used attempt ids).
        let result = result.map(|a| match a {
            Answer::Taken(taken) => taken,
            Answer::Api(out) => out
                .messages
                .into_iter()
                .filter_map(Taken::from_received)
                .collect(),
        });
        match result {
            Ok(taken) if !taken.is_empty() => {
                // The answer's list becomes the batch (no copy); the old batch's, emptied,
                // goes back to SQS with the next poll.
                let mut old = Vec::from(std::mem::replace(&mut c.batch, VecDeque::from(taken)));
                if old.capacity() > self.spare.capacity() {
                    old.clear();
                    self.spare = old;
                }
                c.state = ConsumerState::Processing;
                // A worker that protects its instance asks first, and starts once answered.
                let mut lead = API_RTT_MS;
                if self.consumer_specs[c.spec].protect_while_processing {
                    c.protecting = true;
                    self.protection_calls.push(ProtectionCall {
                        consumer,
                        protected_from_scale_in: true,
                    });
                    lead += API_RTT_MS;
                }
                self.start_message(ctx, consumer, lead);
            }
            Ok(empty) => {
                if empty.capacity() > self.spare.capacity() {
                    self.spare = empty;
                }
                ctx.timers.schedule(
                    ctx.now + API_RTT_MS + pause,
                    ActorTimer::Poll { consumer, gen },
                )
            }
            Err(_) => ctx.timers.schedule(
                ctx.now + RETRY_BACKOFF_MS,
                ActorTimer::Poll { consumer, gen },
            ),
        }
    }

    fn start_message(&mut self, ctx: &mut Ctx, consumer: usize, lead_ms: SimTime) {
        let c = &mut self.consumers[consumer];
        let s = &self.consumer_specs[c.spec];
        c.message_no += 1;
        let work = s.processing.sample(ctx.rng);
        let gen = c.gen;
        let done = ctx.now + lead_ms + work;
        ctx.timers
            .schedule(done, ActorTimer::ProcessDone { consumer, gen });
        if s.heartbeat {
            let vis = s.visibility_timeout_s.unwrap_or(30).max(2) as SimTime * MS_PER_S;
            ctx.timers.schedule(
                ctx.now + vis / 2,
                ActorTimer::Heartbeat {
                    consumer,
                    gen,
                    message: c.message_no,
                },
            );
        }
    }

    fn heartbeat(&mut self, ctx: &mut Ctx, hub: &mut Hub, consumer: usize, gen: u32, message: u64) {
        let Some(c) = self.consumers.get(consumer) else {
            return;
        };
        if c.gen != gen || c.state != ConsumerState::Processing || c.message_no != message {
            return;
        }
        let Some(m) = c.batch.front() else {
            return;
        };
        let s = &self.consumer_specs[c.spec];
        let vis_s = s.visibility_timeout_s.unwrap_or(30).max(2);
        let input = ChangeMessageVisibilityInput {
            queue_url: Some(self.calls[c.spec].url.clone()),
            receipt_handle: Some(ReceiptHandle::Issued(m.handle)),
            visibility_timeout: Some(vis_s as i64),
        };
        let r = hub.sqs(ctx).and_then(|(sqs, mut cx)| {
            sqs.change_message_visibility(&mut cx, &input, Some(&c.name))
        });
        api_event(ctx, "ChangeMessageVisibility", &s.queue, &c.name, r.err());
        ctx.timers.schedule(
            ctx.now + vis_s as SimTime * MS_PER_S / 2,
            ActorTimer::Heartbeat {
                consumer,
                gen,
                message,
            },
        );
    }

    fn finish_message(&mut self, ctx: &mut Ctx, hub: &mut Hub, consumer: usize) {
        let c = &mut self.consumers[consumer];
        let s = &self.consumer_specs[c.spec];
        let Some(m) = c.batch.pop_front() else {
            return;
        };
        if ctx.rng.chance(s.crash_probability) {
            // The whole batch is abandoned: its messages come back after their timeouts.
            let abandoned = c.batch.len() + 1;
            c.batch.clear();
            c.state = ConsumerState::Down;
            c.gen += 1;
            c.crashes += 1;
            ctx.events.push(ctx.now, || EventKind::ConsumerCrashed {
                actor: c.name.clone(),
                abandoned,
            });
            let at = ctx.now + s_to_ms(s.restart_after_s);
            ctx.timers.schedule(
                at,
                ActorTimer::Restart {
                    consumer,
                    gen: c.gen,
                },
            );
            return;
        }
        // A poison pill always fails unless the consumer was fixed (and draws nothing from the
        // RNG, so runs without poison are unchanged).
        let poisoned = !s.handles_poison && m.body.contains(POISON_MARK);
        let ok = !poisoned && !ctx.rng.chance(s.failure_probability);
        ctx.events.push(ctx.now, || EventKind::MessageProcessed {
            queue: s.queue.clone(),
            message_id: m.message_id.to_string(),
            actor: c.name.clone(),
            ok,
        });
        if ok {
            c.processed += 1;
            let url = &self.calls[c.spec].url;
            let r = hub.sqs(ctx).and_then(|(sqs, mut cx)| {
                sqs.delete_at(
                    &mut cx,
                    Some(url),
                    Some(&ReceiptHandle::Issued(m.handle)),
                    Some(&c.name),
                )
            });
            api_event(ctx, "DeleteMessage", &s.queue, &c.name, r.err());
        } else {
            c.failed += 1;
        }
        if c.batch.is_empty() {
            c.state = ConsumerState::Polling;
            let gen = c.gen;
            // Done with the batch: a worker that protected its instance lets it go, then polls.
            let mut lead = API_RTT_MS;
            if c.protecting {
                c.protecting = false;
                self.protection_calls.push(ProtectionCall {
                    consumer,
                    protected_from_scale_in: false,
                });
                lead += API_RTT_MS;
            }
            ctx.timers
                .schedule(ctx.now + lead, ActorTimer::Poll { consumer, gen });
        } else {
            self.start_message(ctx, consumer, if ok { API_RTT_MS } else { 0 });
        }
    }
}

/// A producer's messages published to an SNS topic: Publish for one, PublishBatch for more
/// (the same members a queue's SendMessage(Batch) would carry).
/// A producer's records written to a Kinesis stream: PutRecord for one, PutRecords for more.
/// A PutRecords entry that was throttled is lost (a producer that retries is later work).
fn put_records(
    ctx: &mut crate::kinesis::Ctx,
    k: &mut crate::kinesis::Kinesis,
    stream: &str,
    mut records: Vec<(String, Payload)>,
) -> (Vec<(String, Payload)>, Option<AwsError>) {
    use crate::kinesis::api::{PutRecordInput, PutRecordsInput, PutRecordsRequestEntry};
    const THROTTLED: &str = "ProvisionedThroughputExceededException";
    if records.len() == 1 {
        let (key, data) = records.pop().expect("one record");
        let input = PutRecordInput {
            stream_name: Some(stream.to_string()),
            data: Some(data.clone()),
            partition_key: Some(key.clone()),
            ..Default::default()
        };
        return match k.put_record(ctx, &input) {
            Ok(_) => (Vec::new(), None),
            Err(e) if e.code == THROTTLED => (vec![(key, data)], Some(e)),
            Err(e) => (Vec::new(), Some(e)),
        };
    }
    let input = PutRecordsInput {
        stream_name: Some(stream.to_string()),
        stream_arn: None,
        records: Some(
            records
                .iter()
                .map(|(key, data)| PutRecordsRequestEntry {
                    data: Some(data.clone()),
                    partition_key: Some(key.clone()),
                    explicit_hash_key: None,
                })
                .collect(),
        ),
    };
    match k.put_records(ctx, &input) {
        // A partial failure is a success of the call: the failed entries carry their code.
        Ok(out) => (
            records
                .into_iter()
                .zip(out.records)
                .filter(|(_, r)| r.error_code.as_deref() == Some(THROTTLED))
                .map(|(rec, _)| rec)
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e)),
    }
}

/// One upload of a producer's message as an S3 object (PutObject; the body as base64, as the
/// AWS JSON protocol carries blobs).
fn upload(
    ctx: &mut crate::s3::Ctx,
    s3: &mut crate::s3::S3,
    bucket: &str,
    key: String,
    body: Payload,
) -> Result<(), AwsError> {
    // The typed body: no base64 round trip of a padded body.
    s3.put_object_payload(ctx, bucket, key, body).map(|_| ())
}

fn publish(
    ctx: &mut crate::sns::Ctx,
    sns: &mut Sns,
    topic: &str,
    mut entries: Vec<SendMessageBatchEntry>,
) -> Result<(), AwsError> {
    use crate::sns::api::{PublishBatchEntry, PublishBatchInput, PublishInput};
    let topic_arn = Some(crate::sns::topic_arn(topic));
    if entries.len() == 1 {
        let e = entries.pop().expect("one entry");
        let input = PublishInput {
            topic_arn,
            message: e.message_body,
            message_attributes: e.message_attributes,
            message_group_id: e.message_group_id,
            message_deduplication_id: e.message_deduplication_id,
            ..Default::default()
        };
        return sns.publish(ctx, &input).map(|_| ());
    }
    let input = PublishBatchInput {
        topic_arn,
        publish_batch_request_entries: entries
            .into_iter()
            .map(|e| PublishBatchEntry {
                id: e.id,
                message: e.message_body,
                message_attributes: e.message_attributes,
                message_group_id: e.message_group_id,
                message_deduplication_id: e.message_deduplication_id,
                ..Default::default()
            })
            .collect(),
    };
    sns.publish_batch(ctx, &input).map(|_| ())
}

#[inline]
fn api_event(ctx: &mut Ctx, op: &str, queue: &str, actor: &str, err: Option<AwsError>) {
    ctx.events.push(ctx.now, || EventKind::ApiCall {
        operation: op.to_string(),
        queue: Some(queue.to_string()),
        actor: Some(actor.to_string()),
        error: err.map(|e| e.code),
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn push_decimal_writes_what_display_does() {
        for n in [
            0,
            7,
            9,
            10,
            99,
            100,
            101,
            1_000,
            10_001,
            12_345,
            864_001,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let mut s = String::from("n=");
            super::push_decimal(&mut s, n);
            assert_eq!(s, format!("n={n}"));
        }
    }
}
