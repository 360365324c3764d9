//! The world: virtual clock, the one RNG, the one scheduler, the services and the actors.

use crate::actors::{ActorTimer, Actors, Outlets};
use crate::core::error::AwsError;
use crate::core::event::{Event, EventLog};
use crate::core::memory::{MemoryEstimate, Tally};
use crate::core::rng::Rng;
use crate::core::sched::Scheduler;
use crate::core::time::{SimTime, MS_PER_MIN};
use crate::kinesis::KinesisTimer;
use crate::kinesis::{Kinesis, KinesisConfig};
use crate::s3::{S3Config, S3Timer, S3};
use crate::sns::SnsTimer;
use crate::sns::{Sns, SnsConfig};
use crate::sqs::{Sqs, SqsConfig, SqsTimer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `svc` names [`World::call`] answers, as its UnknownService error lists them.
const KNOWN_SERVICES: &str = "\"sqs\", \"sns\", \"kinesis\", \"s3\"";

/// Identifies one API call made through [`World::call`].
pub type CallId = u64;

/// Who is waiting for the answer of an asynchronous call (a long poll).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    External(CallId),
    Actor(usize),
}

/// Every timer in the world, whatever service or actor owns it.
#[derive(Clone, Debug)]
pub enum Timer {
    Sqs(SqsTimer),
    /// SNS deliveries and retries.
    Sns(SnsTimer),
    /// Kinesis stream status changes, consumer registration and enhanced fan-out pushes.
    Kinesis(KinesisTimer),
    /// S3 event notifications waiting for their publish.
    S3(S3Timer),
    /// Simulated Kinesis readers and KCL workers.
    Kcl(crate::kcl::KclTimer),
    Actor(ActorTimer),
    /// CloudWatch publishes at 1-minute resolution: close the current minute.
    MetricsTick,
}

/// Everything a service needs from the world to act at the current instant.
pub struct Ctx<'a> {
    pub now: SimTime,
    pub rng: &'a mut Rng,
    pub timers: &'a mut Scheduler<Timer>,
    pub events: &'a mut EventLog,
}

/// Disjoint borrows of a world's parts (see `World::parts`).
struct Parts<'a> {
    ctx: Ctx<'a>,
    sqs: &'a mut Sqs,
    actors: &'a mut Actors,
    sns: &'a mut Sns,
    s3: &'a mut S3,
    kinesis: &'a mut Kinesis,
    kcl: &'a mut crate::kcl::Kcl,
}

/// The answer to a call made with [`World::call`].
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub call: CallId,
    /// When the call finished (later than the call for a long poll).
    pub at: SimTime,
    pub result: Result<Value, AwsError>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorldConfig {
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub sqs: SqsConfig,
}

#[derive(Clone, Debug)]
pub struct World {
    now: SimTime,
    rng: Rng,
    timers: Scheduler<Timer>,
    events: EventLog,
    pub(crate) sqs: Sqs,
    pub(crate) sns: Sns,
    pub(crate) kinesis: Kinesis,
    pub(crate) s3: S3,
    pub(crate) actors: Actors,
    pub(crate) kcl: crate::kcl::Kcl,
    completions: Vec<Completion>,
    next_call: CallId,
    seed: u64,
}

impl World {
    pub fn new(config: WorldConfig) -> World {
        let mut timers = Scheduler::default();
        timers.schedule(MS_PER_MIN, Timer::MetricsTick);
        World {
            now: 0,
            rng: Rng::new(config.seed),
            timers,
            events: EventLog::default(),
            sqs: Sqs::new(config.sqs),
            sns: Sns::new(SnsConfig::default()),
            kinesis: Kinesis::new(KinesisConfig::default()),
            s3: S3::new(S3Config::default()),
            actors: Actors::default(),
            kcl: crate::kcl::Kcl::default(),
            completions: Vec::new(),
            next_call: 0,
            seed: config.seed,
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Time of the next scheduled timer, if any (a "step to next event" control uses it).
    pub fn next_timer_at(&self) -> Option<SimTime> {
        self.timers.next_at()
    }

    /// Read access to the SQS service (queues, messages, metrics, cost).
    pub fn sqs(&self) -> &Sqs {
        &self.sqs
    }

    /// The SQS service, for the scenario builder's set-up (queue policies).
    pub(crate) fn sqs_mut(&mut self) -> &mut Sqs {
        &mut self.sqs
    }

    pub fn sqs_config_mut(&mut self) -> &mut SqsConfig {
        self.sqs.config_mut()
    }

    /// Read access to the SNS service (topics, subscriptions, metrics, cost, what simulated
    /// endpoints received).
    pub fn sns(&self) -> &Sns {
        &self.sns
    }

    /// SNS simulation knobs (delivery latency, default endpoint latency, prices). The
    /// `WorldConfig` does not carry them so that existing scenarios keep their shape.
    pub fn sns_config_mut(&mut self) -> &mut SnsConfig {
        self.sns.config_mut()
    }

    /// Read access to Kinesis Data Streams (streams, shards, records, metrics, cost).
    pub fn kinesis(&self) -> &Kinesis {
        &self.kinesis
    }

    /// Kinesis simulation knobs (status delays, account shard limit, prices).
    pub fn kinesis_config_mut(&mut self) -> &mut KinesisConfig {
        self.kinesis.config_mut()
    }

    fn kinesis_ctx(&mut self) -> (Ctx<'_>, &mut Kinesis) {
        let p = self.parts();
        (p.ctx, p.kinesis)
    }

    /// Runs `f` on Kinesis at the current instant, with typed operations (status changes,
    /// subscription pushes happen as time advances).
    pub fn with_kinesis<R>(&mut self, f: impl FnOnce(&mut Kinesis, &mut Ctx) -> R) -> R {
        let (mut ctx, kinesis) = self.kinesis_ctx();
        let r = f(kinesis, &mut ctx);
        self.route_replies();
        r
    }

    /// The simulated Kinesis readers: plain readers and KCL applications (their workers,
    /// lease tables, totals and metrics).
    pub fn stream_consumers(&self) -> &crate::kcl::Kcl {
        &self.kcl
    }

    /// Adds a Kinesis reader (a scenario's `stream_consumers` entry) while the run goes on.
    pub fn add_stream_consumer(&mut self, spec: crate::kcl::spec::StreamConsumerSpec) {
        let mut p = self.parts();
        p.kcl.add(&mut p.ctx, spec);
    }

    /// Read access to the S3 service (buckets, objects, notification configurations).
    pub fn s3(&self) -> &S3 {
        &self.s3
    }

    /// S3 simulation knobs (the latency of event notifications).
    pub fn s3_config_mut(&mut self) -> &mut S3Config {
        self.s3.config_mut()
    }

    /// Payload bytes the services keep in memory (message bodies, notification texts,
    /// record data; synthetic payloads count their head and tail, not their pad): the part of
    /// a run's memory that grew with the payloads' size before they could be synthetic.
    pub fn payload_bytes_retained(&self) -> u64 {
        #[allow(unused_mut)]
        let mut total = self.sqs.payload_bytes_retained();
        {
            total += self.sns.payload_bytes_retained() + self.s3.payload_bytes_retained();
        }
        {
            total += self.kinesis.payload_bytes_retained();
        }
        total
    }

    pub fn actors(&self) -> &Actors {
        &self.actors
    }

    pub fn actors_mut(&mut self) -> &mut Actors {
        &mut self.actors
    }

    /// Stop storing events (they are still counted). For benchmarks of the bare engine.
    pub fn set_event_recording(&mut self, on: bool) {
        self.events.disabled = !on;
    }

    /// Events lost because the caller did not drain them before the log's cap.
    pub fn events_dropped(&self) -> u64 {
        self.events.dropped
    }

    pub fn drain_events(&mut self) -> Vec<Event> {
        self.events.drain()
    }

    /// The determinism fingerprint of the next `duration_ms` of this world: every event, as
    /// JSON, through FNV-1a ([`crate::EventHasher`]), drained once a virtual second so the
    /// log's cap never drops one. `mqlab hash`, the golden-file test and the wasm test all use
    /// this, so "the same run" means the same thing natively and in the browser.
    pub fn fingerprint(&mut self, duration_ms: u64) -> u64 {
        const CHUNK_MS: u64 = 1_000;
        let mut hasher = crate::EventHasher::default();
        let end = self.now.saturating_add(duration_ms);
        loop {
            let next = (self.now / CHUNK_MS + 1).saturating_mul(CHUNK_MS).min(end);
            self.advance_to(next);
            hasher.update(&self.drain_events());
            if self.now >= end {
                return hasher.finish();
            }
        }
    }

    /// What this world holds in memory, roughly in bytes, by what holds it: from counts the
    /// services keep, so cheap enough to call every frame (see [`crate::core::memory`]). Sealed
    /// segments and messages shared with snapshots are counted here as if held alone.
    pub fn memory_estimate(&self) -> MemoryEstimate {
        self.memory_tally().held
    }

    /// What one more `World::clone()` (a snapshot) would allocate, roughly in bytes: what it
    /// copies rather than shares with this world (open segment tails, maps of pointers,
    /// timers, pending events). Much smaller than [`World::memory_estimate`] for a world
    /// whose records and messages mostly wait.
    pub fn snapshot_cost_estimate(&self) -> MemoryEstimate {
        self.memory_tally().unshared
    }

    /// Messages in every queue and records in every shard: what a run that outgrew its
    /// memory holds, in the words a user can act on (the page's and `mqlab run`'s stop).
    pub fn messages_and_records_held(&self) -> (u64, u64) {
        let messages = self.sqs.queues().map(|q| q.len() as u64).sum();
        let records = self
            .kinesis
            .streams()
            .flat_map(|s| &s.shards)
            .map(|sh| sh.records.len() as u64)
            .sum();
        (messages, records)
    }

    /// What this world (a snapshot) holds that `live` does not share with it, bytes, roughly:
    /// the difference of their estimates, or the records trimmed from the live world since
    /// (a shard at its cap keeps as many records as before, but newer ones), whichever is
    /// more. Cheap: counts and binary searches.
    pub fn bytes_not_shared_with(&self, live: &World) -> u64 {
        let diff = self
            .memory_estimate()
            .total()
            .saturating_sub(live.memory_estimate().total());
        diff.max(self.kinesis.records_bytes_not_in(&live.kinesis))
    }

    fn memory_tally(&self) -> Tally {
        use crate::core::memory::{self as m, EVENT_HEAP_BYTES, TABLE_ENTRY_BYTES};
        use std::mem::size_of;
        let mut t = Tally::default();
        t.copied(m::other, 1, size_of::<World>() as u64);
        let event = size_of::<Event>() as u64 + EVENT_HEAP_BYTES;
        t.copied(m::events_pending, self.events.len(), event);
        // A heap entry is the timer plus its time and sequence number.
        t.copied(m::timers, self.timers.len(), size_of::<Timer>() as u64 + 16);
        self.sqs.memory(&mut t);
        self.sns.memory(&mut t);
        self.s3.memory(&mut t);
        self.kinesis.memory(&mut t);
        self.kcl.memory(&mut t);
        let actors = self.actors.producers.len()
            + self.actors.consumer_specs.len()
            + self.actors.consumers.len();
        t.copied(m::other, actors, TABLE_ENTRY_BYTES);
        t.held.payloads += self.payload_bytes();
        t
    }

    /// Payload bytes the world holds: message bodies and attributes, record data,
    /// notification texts. The one place they are summed: with synthetic payloads (size
    /// only, bytes made on demand), each service's `payload_bytes_retained()` replaces its
    /// term here.
    fn payload_bytes(&self) -> u64 {
        #[allow(unused_mut)]
        let mut bytes = self.sqs.payload_bytes_held();
        {
            bytes += self.sns.payload_bytes_held();
        }
        {
            bytes += self.kinesis.payload_bytes_held();
        }
        bytes
    }

    /// Answers of calls that have finished, in the order they finished.
    pub fn take_completions(&mut self) -> Vec<Completion> {
        std::mem::take(&mut self.completions)
    }

    /// The world split into what a service or actor acts on: the instant's context and each
    /// service, borrowed at once (the one place that builds a `Ctx`).
    fn parts(&mut self) -> Parts<'_> {
        self.sqs.now = self.now;
        Parts {
            ctx: Ctx {
                now: self.now,
                rng: &mut self.rng,
                timers: &mut self.timers,
                events: &mut self.events,
            },
            sqs: &mut self.sqs,
            actors: &mut self.actors,
            sns: &mut self.sns,
            s3: &mut self.s3,
            kinesis: &mut self.kinesis,
            kcl: &mut self.kcl,
        }
    }

    /// What an actor acts on: SQS, and SNS and S3 when the world has them (a producer that
    /// publishes or uploads).
    fn actor_ctx(&mut self) -> (Ctx<'_>, &mut Sqs, &mut Actors, Outlets<'_>) {
        let p = self.parts();
        let out = Outlets {
            sns: Some(p.sns),
            s3: Some(p.s3),
            kinesis: Some(p.kinesis),
        };
        (p.ctx, p.sqs, p.actors, out)
    }

    fn ctx(&mut self) -> (Ctx<'_>, &mut Sqs, &mut Actors) {
        let p = self.parts();
        (p.ctx, p.sqs, p.actors)
    }

    /// Runs `f` on the SQS service at the current instant, with typed operations (faster than
    /// [`World::call`]: no JSON). Long-poll answers are routed as usual afterwards.
    pub fn with_sqs<R>(&mut self, f: impl FnOnce(&mut Sqs, &mut Ctx) -> R) -> R {
        let (mut ctx, sqs, _) = self.ctx();
        let r = f(sqs, &mut ctx);
        self.route_replies();
        r
    }

    fn sns_ctx(&mut self) -> (Ctx<'_>, &mut Sns, &mut Sqs) {
        let p = self.parts();
        (p.ctx, p.sns, p.sqs)
    }

    /// Runs `f` on the SNS service at the current instant, with typed operations (publishes
    /// schedule their deliveries; nothing is delivered until time advances). Also the way to
    /// attach endpoint behaviours: `w.with_sns(|sns, _| sns.set_endpoint_behaviour(..))`.
    pub fn with_sns<R>(&mut self, f: impl FnOnce(&mut Sns, &mut Ctx) -> R) -> R {
        let (mut ctx, sns, _) = self.sns_ctx();
        let r = f(sns, &mut ctx);
        self.route_replies();
        r
    }

    fn s3_ctx(&mut self) -> (Ctx<'_>, &mut S3, &mut Sns) {
        let p = self.parts();
        (p.ctx, p.s3, p.sns)
    }

    /// Runs `f` on the S3 service at the current instant, with typed operations. S3 needs SNS
    /// to check notification destinations and to publish to them, so `f` gets both.
    pub fn with_s3<R>(&mut self, f: impl FnOnce(&mut S3, &mut Sns, &mut Ctx) -> R) -> R {
        let (mut ctx, s3, sns) = self.s3_ctx();
        let r = f(s3, sns, &mut ctx);
        self.route_replies();
        r
    }

    /// Runs `f` on the actors at the current instant (add or change producers and consumers).
    pub fn with_actors<R>(&mut self, f: impl FnOnce(&mut Actors, &mut Ctx) -> R) -> R {
        let (mut ctx, _, actors) = self.ctx();
        f(actors, &mut ctx)
    }

    /// Makes an AWS API call now, with the AWS JSON request members as `params`. The answer
    /// arrives through [`World::take_completions`]: at once for most operations, later for a
    /// long poll (ReceiveMessage with a wait time) that finds nothing yet.
    pub fn call(&mut self, svc: &str, op: &str, params: &Value) -> CallId {
        let id = self.next_call;
        self.next_call += 1;
        let now = self.now;
        let result = match svc {
            "sqs" => {
                let (mut ctx, sqs, _) = self.ctx();
                sqs.call_json(&mut ctx, op, params, Caller::External(id))
            }
            "sns" => {
                let (mut ctx, sns, _) = self.sns_ctx();
                Some(sns.call_json(&mut ctx, op, params))
            }
            "kinesis" => {
                let (mut ctx, kinesis) = self.kinesis_ctx();
                kinesis.call_json(&mut ctx, op, params, id)
            }
            "s3" => {
                let (mut ctx, s3, sns) = self.s3_ctx();
                Some(s3.call_json(&mut ctx, sns, op, params))
            }
            other => Some(Err(AwsError::new(
                "UnknownService",
                format!("The service {other:?} is not simulated (known: {KNOWN_SERVICES})."),
            ))),
        };
        if let Some(result) = result {
            self.completions.push(Completion {
                call: id,
                at: now,
                result,
            });
        }
        self.route_replies();
        id
    }

    /// Runs every timer due up to and including `t`, in (time, sequence) order, then sets the
    /// clock to `t`. Time never goes backwards: a `t` in the past only runs what is due now.
    pub fn advance_to(&mut self, t: SimTime) {
        let t = t.max(self.now);
        while let Some((at, timer)) = self.timers.pop_due(t) {
            self.now = at;
            self.fire(timer);
            self.route_replies();
        }
        self.now = t;
        // Shard-hours are billed continuously: bring the meter up to now, not just to the
        // last minute tick.
        self.kinesis.accrue(t);
    }

    /// Runs only the timers of the next instant that has any (a "step" control). Returns the
    /// new time, or None if nothing is scheduled.
    pub fn step(&mut self) -> Option<SimTime> {
        let at = self.timers.next_at()?;
        self.advance_to(at);
        Some(at)
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Sqs(t) => {
                let (mut ctx, sqs, _) = self.ctx();
                sqs.on_timer(&mut ctx, t);
            }
            Timer::Sns(t) => {
                let (mut ctx, sns, sqs) = self.sns_ctx();
                sns.on_timer(&mut ctx, sqs, t);
            }
            Timer::Kinesis(t) => {
                let (mut ctx, kinesis) = self.kinesis_ctx();
                kinesis.on_timer(&mut ctx, t);
            }
            Timer::Kcl(t) => {
                let mut p = self.parts();
                p.kcl.on_timer(&mut p.ctx, p.kinesis, t);
            }
            Timer::S3(t) => {
                let (mut ctx, s3, sns) = self.s3_ctx();
                s3.on_timer(&mut ctx, sns, t);
            }

            Timer::Actor(t) => {
                let (mut ctx, sqs, actors, sns) = self.actor_ctx();
                actors.on_timer(&mut ctx, sqs, sns, t);
            }
            Timer::MetricsTick => {
                let now = self.now;
                self.sqs.close_metrics_minute(now);
                self.sns.close_metrics_minute(now);
                {
                    let (mut ctx, kinesis) = self.kinesis_ctx();
                    kinesis.close_metrics_minute(&mut ctx);
                    self.kcl.close_metrics_minute(now);
                }
                self.timers.schedule(now + MS_PER_MIN, Timer::MetricsTick);
            }
        }
    }

    /// Long polls that finished go to whoever asked: the external caller's completions, or
    /// the actor that made them.
    fn route_replies(&mut self) {
        for (call, result) in self.kinesis.take_replies() {
            self.completions.push(Completion {
                call,
                at: self.now,
                result,
            });
        }
        // Pushes to simulated enhanced fan-out readers (taking them may not push again at
        // once: a resumed subscription pushes on its own timer).
        {
            let pushed = self.kinesis.take_notified();
            if !pushed.is_empty() {
                let mut p = self.parts();
                p.kcl.on_pushed(&mut p.ctx, p.kinesis, pushed);
            }
        }
        loop {
            let replies = self.sqs.take_replies();
            if replies.is_empty() {
                return;
            }
            for (caller, result) in replies {
                match caller {
                    Caller::External(call) => self.completions.push(Completion {
                        call,
                        at: self.now,
                        result: result.map(|r| serde_json::to_value(r).unwrap_or(Value::Null)),
                    }),
                    Caller::Actor(actor) => {
                        let (mut ctx, sqs, actors) = self.ctx();
                        actors.on_receive_reply(&mut ctx, sqs, actor, result);
                    }
                }
            }
        }
    }
}
