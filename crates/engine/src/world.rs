//! The world: virtual clock, the one RNG, every owner's timers, the services and the clients
//! (actors, stream readers). It routes what services send each other ([`Hub`] as their
//! [`Router`]) and what long polls answer.

use crate::actors::{ActorTimer, Actors};
use crate::autoscaling::{AsgTimer, AutoScaling};
use crate::cloudwatch::CloudWatch;
use crate::core::ctx::Shared;
pub use crate::core::ctx::{CallId, Caller};
use crate::core::error::AwsError;
use crate::core::event::{Event, EventKind, EventLog};
use crate::core::memory::{MemoryEstimate, Tally};
use crate::core::metrics::{Bill, Datapoint};
use crate::core::rng::Rng;
use crate::core::route::Router;
use crate::core::sched::Scheduler;
use crate::core::time::{SimTime, MS_PER_MIN};
use crate::firehose::{Firehose, FirehoseTimer};
use crate::hub::{Hub, Slot};
use crate::kcl::{Kcl, KclTimer};
use crate::kinesis::{Kinesis, KinesisConfig, KinesisTimer};
use crate::lambda::{Lambda, LambdaTimer};
use crate::mq::{Mq, MqTimer};
use crate::s3::{S3Config, S3Timer, S3};
use crate::sns::{Sns, SnsConfig, SnsTimer};
use crate::sqs::{Sqs, SqsConfig, SqsTimer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `svc` names [`World::call`] answers, as its UnknownService error lists them.
const KNOWN_SERVICES: &str =
    "\"sqs\", \"sns\", \"kinesis\", \"s3\", \"cloudwatch\", \"autoscaling\", \"ec2\", \"lambda\", \"firehose\", \"mq\", \"mq-broker\", \"kinesisanalyticsv2\", \"kinesisvideo\"";

mod firehose_glue;
mod flink_glue;
mod kinesisvideo_glue;
mod lambda_glue;
mod mq_glue;

/// A timer of the world itself.
#[derive(Clone, Debug)]
enum WorldTimer {
    /// CloudWatch publishes at 1-minute resolution: close the current minute.
    MetricsTick,
    /// An Auto Scaling timer (run through `AsgHooks`, so the page links none of it).
    AutoScaling(AsgTimer),
}

/// What the world runs of EC2 Auto Scaling, set by the first `autoscaling` call (function
/// pointers, as `alarm_clock`: a run without Auto Scaling is untouched and the page links
/// none of it).
#[derive(Clone, Copy, Debug)]
struct AsgHooks {
    timer: fn(&mut World, AsgTimer),
    tick: fn(&mut World),
    bill: fn(&World) -> Bill,
    /// Scaling policies that alarms invoked, and the instances' consumers started or stopped.
    route: fn(&mut World),
    /// The SetInstanceProtection calls workers made for their own instances.
    protect: fn(&mut World),
}

/// What the world calls on a service the page does not link, once its first call has set
/// these (`world/lambda_glue.rs`, `world/firehose_glue.rs`): its timers, the close of each
/// minute, its datapoints for the bus and its line of the bill.
#[derive(Debug)]
struct Hooks<T> {
    fire: fn(&mut World, T),
    close_minute: fn(&mut World),
    metrics: fn(&World, &mut Vec<Datapoint>),
    bill: fn(&World) -> Bill,
}

// Written out: a derive would ask the timer type to be `Copy` too.
impl<T> Clone for Hooks<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Hooks<T> {}

/// The next timer due, whichever owner it belongs to.
enum Timer {
    Sqs(SqsTimer),
    Sns(SnsTimer),
    Kinesis(KinesisTimer),
    S3(S3Timer),
    Kcl(KclTimer),
    Actor(ActorTimer),
    World(WorldTimer),
    Lambda(LambdaTimer),
    Mq(MqTimer),
    Flink(crate::flink::FlinkTimer),
    Video(crate::kinesisvideo::VideoTimer),
    Firehose(FirehoseTimer),
}

/// Every owner's timer queue, and the one counter whose sequence numbers order timers due at
/// the same instant across them (see [`crate::core::ctx`]).
#[derive(Clone, Debug, Default)]
struct TimerQueues {
    seq: u64,
    world: Scheduler<WorldTimer>,
    sqs: Scheduler<SqsTimer>,
    sns: Scheduler<SnsTimer>,
    kinesis: Scheduler<KinesisTimer>,
    s3: Scheduler<S3Timer>,
    kcl: Scheduler<KclTimer>,
    actor: Scheduler<ActorTimer>,
    lambda: Scheduler<LambdaTimer>,
    mq: Scheduler<MqTimer>,
    flink: Scheduler<crate::flink::FlinkTimer>,
    video: Scheduler<crate::kinesisvideo::VideoTimer>,
    firehose: Scheduler<FirehoseTimer>,
}

/// The place of the clients' queue in [`TimerQueues::heads`].
const ACTOR_TIMERS: usize = 6;

impl TimerQueues {
    fn heads(&self) -> [u128; 12] {
        [
            self.world.head_key(),
            self.sqs.head_key(),
            self.sns.head_key(),
            self.kinesis.head_key(),
            self.s3.head_key(),
            self.kcl.head_key(),
            self.actor.head_key(),
            self.lambda.head_key(),
            self.mq.head_key(),
            self.flink.head_key(),
            self.video.head_key(),
            self.firehose.head_key(),
        ]
    }

    /// (queue index, time) of the earliest timer of all: the lowest head key, each a timer's
    /// (time, sequence number) kept by its queue.
    fn earliest(&self) -> Option<(usize, SimTime)> {
        let heads = self.heads();
        let (mut best, mut at) = (0, heads[0]);
        for (i, &k) in heads.iter().enumerate().skip(1) {
            if k < at {
                (best, at) = (i, k);
            }
        }
        (at != crate::core::sched::NO_TIMER).then_some((best, (at >> 64) as SimTime))
    }

    fn next_at(&self) -> Option<SimTime> {
        self.earliest().map(|(_, at)| at)
    }

    /// Removes and returns the earliest timer of all if it is due at or before `t`.
    fn pop_due(&mut self, t: SimTime) -> Option<(SimTime, Timer)> {
        let (i, at) = self.earliest()?;
        if at > t {
            return None;
        }
        fn pop<T>(q: &mut Scheduler<T>, t: SimTime, f: fn(T) -> Timer) -> Option<(SimTime, Timer)> {
            q.pop_due(t).map(|(at, x)| (at, f(x)))
        }
        match i {
            0 => pop(&mut self.world, t, Timer::World),
            1 => pop(&mut self.sqs, t, Timer::Sqs),
            2 => pop(&mut self.sns, t, Timer::Sns),
            3 => pop(&mut self.kinesis, t, Timer::Kinesis),
            4 => pop(&mut self.s3, t, Timer::S3),
            5 => pop(&mut self.kcl, t, Timer::Kcl),
            ACTOR_TIMERS => pop(&mut self.actor, t, Timer::Actor),
            7 => pop(&mut self.lambda, t, Timer::Lambda),
            8 => pop(&mut self.mq, t, Timer::Mq),
            9 => pop(&mut self.flink, t, Timer::Flink),
            10 => pop(&mut self.video, t, Timer::Video),
            _ => pop(&mut self.firehose, t, Timer::Firehose),
        }
    }

    fn len(&self) -> usize {
        self.world.len()
            + self.sqs.len()
            + self.sns.len()
            + self.kinesis.len()
            + self.s3.len()
            + self.kcl.len()
            + self.actor.len()
            + self.lambda.len()
            + self.mq.len()
            + self.flink.len()
            + self.video.len()
            + self.firehose.len()
    }
}

/// Disjoint borrows of a world's parts (see `World::parts`): the instant, each service with
/// its timers, and the clients with theirs.
struct Parts<'a> {
    at: Shared<'a>,
    sqs: Slot<'a, Sqs, SqsTimer>,
    sns: Slot<'a, Sns, SnsTimer>,
    kinesis: Slot<'a, Kinesis, KinesisTimer>,
    s3: Slot<'a, S3, S3Timer>,
    actors: Slot<'a, Actors, ActorTimer>,
    kcl: Slot<'a, Kcl, KclTimer>,
    cloudwatch: &'a mut CloudWatch,
    mq: Slot<'a, Mq, MqTimer>,
    world: &'a mut Scheduler<WorldTimer>,
    lambda: Slot<'a, Lambda, LambdaTimer>,
    flink: Slot<'a, crate::flink::Flink, crate::flink::FlinkTimer>,
    video: Slot<'a, crate::kinesisvideo::KinesisVideo, crate::kinesisvideo::VideoTimer>,
    firehose: Slot<'a, Firehose, FirehoseTimer>,
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

/// Every service, the clients and the clock of one simulation.
///
/// A world runs in the thread that built it (it is not `Send`): what a clone shares with its
/// original (SQS messages, payloads, Kinesis's sealed segments, SNS filter policies) is
/// counted by `Rc`, not `Arc`. Nothing moves a world between threads (the page is one thread,
/// the CLI too), and atomic counts cost ~4 % of a fast-forward's wall time (README,
/// Benchmarks): each message's count changes several times between its send and its delete.
#[derive(Debug)]
pub struct World {
    now: SimTime,
    rng: Rng,
    timers: TimerQueues,
    events: EventLog,
    pub(crate) sqs: Sqs,
    pub(crate) sns: Sns,
    pub(crate) kinesis: Kinesis,
    pub(crate) s3: S3,
    pub(crate) actors: Actors,
    pub(crate) kcl: Kcl,
    pub(crate) cloudwatch: CloudWatch,
    /// Set by the first `cloudwatch` call: the alarm evaluation the metrics tick runs from
    /// then on. A pointer rather than a call, so that a run without alarms is untouched and a
    /// build that never makes API calls (the page) links none of CloudWatch.
    alarm_clock: Option<fn(&mut World)>,
    pub(crate) lambda: Lambda,
    /// Set by the first `lambda` call, as `alarm_clock` is: how the world reaches Lambda
    /// (its timers, minutes, metrics and bill) from then on.
    lambda_hooks: Option<Hooks<LambdaTimer>>,
    pub(crate) mq: Mq,
    /// Set by the first Amazon MQ call (`mq`, `mq-broker`, `with_mq`): what runs its timers,
    /// closes its minutes, publishes its datapoints and bills (`world/mq_glue.rs`). Pointers
    /// for the same reason as `alarm_clock`.
    mq_hooks: Option<Hooks<MqTimer>>,
    pub(crate) firehose: Firehose,
    /// Set by the first `firehose` call, as `lambda_hooks` is.
    firehose_hooks: Option<Hooks<FirehoseTimer>>,
    pub(crate) autoscaling: AutoScaling,
    asg: Option<AsgHooks>,
    pub(crate) flink: crate::flink::Flink,
    /// Set by the first `kinesisanalyticsv2` call (or `with_flink`), as `mq_clock` is.
    flink_clock: Option<fn(&mut World, crate::flink::FlinkTimer)>,
    pub(crate) kinesis_video: crate::kinesisvideo::KinesisVideo,
    /// Set by the first `kinesisvideo` call (or `with_kinesis_video`), as `lambda_hooks` are.
    video_hooks: Option<Hooks<crate::kinesisvideo::VideoTimer>>,
    /// Set with the hooks of Lambda, Amazon MQ or Auto Scaling (see [`World::copy_extras`]).
    extras_clone: Option<fn(&World, &mut World)>,
    completions: Vec<Completion>,
    next_call: CallId,
    seed: u64,
    /// Scratch for routing SQS replies (empty between calls; kept for its buffer).
    reply_buf: crate::sqs::Replies,
}

/// A snapshot (the page's rewind and seek clone the world). The services the page does not
/// draw yet (Lambda, Amazon MQ, Auto Scaling) are copied through `extras_clone`, which only
/// their first call sets: a build that never calls them (the page) links none of their
/// copying, and a world that never used them copies empty ones.
impl Clone for World {
    fn clone(&self) -> World {
        let mut w = World {
            now: self.now,
            rng: self.rng.clone(),
            timers: self.timers.clone(),
            events: self.events.clone(),
            sqs: self.sqs.clone(),
            sns: self.sns.clone(),
            kinesis: self.kinesis.clone(),
            s3: self.s3.clone(),
            actors: self.actors.clone(),
            kcl: self.kcl.clone(),
            cloudwatch: self.cloudwatch.clone(),
            alarm_clock: self.alarm_clock,
            lambda: Lambda::default(),
            lambda_hooks: self.lambda_hooks,
            mq: Mq::default(),
            mq_hooks: self.mq_hooks,
            autoscaling: AutoScaling::default(),
            asg: self.asg,
            flink: Default::default(),
            flink_clock: self.flink_clock,
            kinesis_video: Default::default(),
            video_hooks: self.video_hooks,
            firehose: Default::default(),
            firehose_hooks: self.firehose_hooks,
            extras_clone: self.extras_clone,
            completions: self.completions.clone(),
            next_call: self.next_call,
            seed: self.seed,
            reply_buf: Vec::new(),
        };
        if let Some(copy) = self.extras_clone {
            copy(self, &mut w);
        }
        w
    }
}

impl World {
    pub fn new(config: WorldConfig) -> World {
        let mut timers = TimerQueues::default();
        timers
            .world
            .schedule(MS_PER_MIN, 0, WorldTimer::MetricsTick);
        timers.seq = 1;
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
            kcl: Kcl::default(),
            cloudwatch: CloudWatch::default(),
            alarm_clock: None,
            lambda: Lambda::default(),
            lambda_hooks: None,
            mq: Mq::default(),
            mq_hooks: None,
            firehose: Firehose::default(),
            firehose_hooks: None,
            autoscaling: AutoScaling::default(),
            asg: None,
            flink: Default::default(),
            flink_clock: None,
            kinesis_video: Default::default(),
            video_hooks: None,
            extras_clone: None,
            completions: Vec::new(),
            next_call: 0,
            seed: config.seed,
            reply_buf: Vec::new(),
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

    /// Runs `f` on Kinesis at the current instant, with typed operations (status changes,
    /// subscription pushes happen as time advances).
    pub fn with_kinesis<R>(
        &mut self,
        f: impl FnOnce(&mut Kinesis, &mut crate::kinesis::Ctx) -> R,
    ) -> R {
        let Parts {
            at, mut kinesis, ..
        } = self.parts();
        let (svc, mut ctx) = kinesis.at(at);
        let r = f(svc, &mut ctx);
        self.route_replies();
        r
    }

    /// The simulated Kinesis readers: plain readers and KCL applications (their workers,
    /// lease tables, totals and metrics).
    pub fn stream_consumers(&self) -> &Kcl {
        &self.kcl
    }

    /// Adds a Kinesis reader (a scenario's `stream_consumers` entry) while the run goes on.
    pub fn add_stream_consumer(&mut self, spec: crate::kcl::spec::StreamConsumerSpec) {
        let Parts { at, mut kcl, .. } = self.parts();
        let (kcl, mut ctx) = kcl.at(at);
        kcl.add(&mut ctx, spec);
    }

    /// PutMetricAlarm with typed members (a scenario's `alarms`): the alarm is evaluated on
    /// each metrics tick from then on, and CloudWatch bills.
    pub fn put_metric_alarm(
        &mut self,
        input: &crate::cloudwatch::api::PutMetricAlarmInput,
    ) -> Result<(), AwsError> {
        self.alarm_clock = Some(World::evaluate_alarms);
        self.cloudwatch.put_metric_alarm(self.now, input)
    }

    /// Read access to EC2 Auto Scaling (groups, their instances and policies, the scaling
    /// activities).
    pub fn autoscaling(&self) -> &AutoScaling {
        &self.autoscaling
    }

    /// Read access to Lambda (functions, event source mappings, their totals and metrics).
    pub fn lambda(&self) -> &Lambda {
        &self.lambda
    }

    /// Copies the services the page does not draw (see `impl Clone for World`).
    fn copy_extras(from: &World, to: &mut World) {
        to.lambda = from.lambda.clone();
        to.mq = from.mq.clone();
        to.autoscaling = from.autoscaling.clone();
        to.flink = from.flink.clone();
        to.kinesis_video = from.kinesis_video.clone();
        to.firehose = from.firehose.clone();
    }

    /// Read access to Firehose (delivery streams, their buffers, totals and metrics).
    pub fn firehose(&self) -> &Firehose {
        &self.firehose
    }

    /// Read access to Amazon MQ (brokers, their states and messaging planes).
    pub fn mq(&self) -> &Mq {
        &self.mq
    }

    /// Runs `f` on Amazon MQ at the current instant, with typed operations (the control plane
    /// and the messaging plane, `crate::mq::plane`); its timers run as time advances.
    pub fn with_mq<R>(&mut self, f: impl FnOnce(&mut Mq, &mut crate::mq::Ctx) -> R) -> R {
        self.mq_hooks = Some(mq_glue::HOOKS);
        self.extras_clone = Some(World::copy_extras);
        let Parts { at, mut mq, .. } = self.parts();
        let (svc, mut ctx) = mq.at(at);
        let r = f(svc, &mut ctx);
        // What the call pushed to a scenario's simulated consumers is theirs to process.
        if !svc.clients.is_empty() {
            svc.poll_client_deliveries(&mut ctx);
        }
        r
    }

    /// Read access to CloudWatch (alarms, their states and history).
    pub fn cloudwatch(&self) -> &CloudWatch {
        &self.cloudwatch
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

    /// The metrics bus: every closed minute of every resource, as each service publishes it
    /// (SQS, SNS, Kinesis streams, then the stream readers' applications), the way CloudWatch
    /// would hold them. `mqlab run --metrics` writes them; alarms will read them.
    pub fn metric_datapoints(&self) -> Vec<Datapoint> {
        let mut out = self.sqs.metric_rows();
        out.extend(self.sns.metric_rows());
        out.extend(self.kinesis.metric_rows());
        out.extend(self.kcl.metric_rows());
        if let Some(h) = self.lambda_hooks {
            (h.metrics)(self, &mut out);
        }
        if let Some(h) = self.firehose_hooks {
            (h.metrics)(self, &mut out);
        }
        if let Some(h) = self.video_hooks {
            (h.metrics)(self, &mut out);
        }
        if let Some(h) = self.mq_hooks {
            (h.metrics)(self, &mut out);
        }
        out.extend_from_slice(&self.autoscaling.rows);
        out
    }

    /// The cost meter: one line per service that bills.
    pub fn bill(&self) -> Vec<Bill> {
        let mut bill = vec![self.sqs.bill(), self.sns.bill(), self.kinesis.bill()];
        // CloudWatch bills only once it has been called (its alarms and statistics).
        if self.alarm_clock.is_some() {
            bill.push(self.cloudwatch.bill(self.now));
        }
        if let Some(h) = self.lambda_hooks {
            bill.push((h.bill)(self));
        }
        if let Some(h) = self.firehose_hooks {
            bill.push((h.bill)(self));
        }
        if let Some(h) = self.video_hooks {
            bill.push((h.bill)(self));
        }
        if let Some(h) = self.mq_hooks {
            bill.push((h.bill)(self));
        }
        if let Some(h) = self.asg {
            bill.push((h.bill)(self));
        }
        bill
    }

    /// Requests and dollars so far, over every service.
    pub fn bill_total(&self) -> (u64, f64) {
        self.bill()
            .iter()
            .fold((0, 0.0), |(r, u), b| (r + b.requests, u + b.usd))
    }

    /// Answers of calls that have finished, in the order they finished.
    pub fn take_completions(&mut self) -> Vec<Completion> {
        std::mem::take(&mut self.completions)
    }

    /// The world split into what a service or client acts on: the instant and each owner of
    /// timers, borrowed at once (the one place that lends them).
    fn parts(&mut self) -> Parts<'_> {
        self.sqs.now = self.now;
        let q = &mut self.timers;
        Parts {
            at: Shared {
                now: self.now,
                rng: &mut self.rng,
                events: &mut self.events,
                seq: &mut q.seq,
            },
            sqs: Slot {
                svc: &mut self.sqs,
                timers: &mut q.sqs,
            },
            sns: Slot {
                svc: &mut self.sns,
                timers: &mut q.sns,
            },
            kinesis: Slot {
                svc: &mut self.kinesis,
                timers: &mut q.kinesis,
            },
            s3: Slot {
                svc: &mut self.s3,
                timers: &mut q.s3,
            },
            actors: Slot {
                svc: &mut self.actors,
                timers: &mut q.actor,
            },
            kcl: Slot {
                svc: &mut self.kcl,
                timers: &mut q.kcl,
            },
            cloudwatch: &mut self.cloudwatch,
            mq: Slot {
                svc: &mut self.mq,
                timers: &mut q.mq,
            },
            world: &mut q.world,
            lambda: Slot {
                svc: &mut self.lambda,
                timers: &mut q.lambda,
            },
            flink: Slot {
                svc: &mut self.flink,
                timers: &mut q.flink,
            },
            video: Slot {
                svc: &mut self.kinesis_video,
                timers: &mut q.video,
            },
            firehose: Slot {
                svc: &mut self.firehose,
                timers: &mut q.firehose,
            },
        }
    }

    /// Runs `f` on the SQS service at the current instant, with typed operations (faster than
    /// [`World::call`]: no JSON). Long-poll answers are routed as usual afterwards.
    pub fn with_sqs<R>(&mut self, f: impl FnOnce(&mut Sqs, &mut crate::sqs::Ctx) -> R) -> R {
        let Parts { at, mut sqs, .. } = self.parts();
        let (svc, mut ctx) = sqs.at(at);
        let r = f(svc, &mut ctx);
        self.route_replies();
        r
    }

    /// Runs `f` on the SNS service at the current instant, with typed operations (publishes
    /// schedule their deliveries; nothing is delivered until time advances). Also the way to
    /// attach endpoint behaviours: `w.with_sns(|sns, _| sns.set_endpoint_behaviour(..))`.
    pub fn with_sns<R>(&mut self, f: impl FnOnce(&mut Sns, &mut crate::sns::Ctx) -> R) -> R {
        let Parts { at, mut sns, .. } = self.parts();
        let (svc, mut ctx) = sns.at(at);
        let r = f(svc, &mut ctx);
        self.route_replies();
        r
    }

    /// Runs `f` on the S3 service at the current instant, with typed operations. S3 checks
    /// notification destinations and publishes to them through the router `f` gets.
    pub fn with_s3<R>(
        &mut self,
        f: impl FnOnce(&mut S3, &mut dyn Router, &mut crate::s3::Ctx) -> R,
    ) -> R {
        let Parts {
            at,
            sqs,
            sns,
            kinesis,
            mut s3,
            ..
        } = self.parts();
        let mut peers = Hub {
            sqs: Some(sqs),
            sns: Some(sns),
            kinesis: Some(kinesis),
            s3: None,
        };
        let (svc, mut ctx) = s3.at(at);
        let r = f(svc, &mut peers, &mut ctx);
        self.route_replies();
        r
    }

    /// Runs `f` on the actors at the current instant (add or change producers and consumers).
    pub fn with_actors<R>(
        &mut self,
        f: impl FnOnce(&mut Actors, &mut crate::actors::Ctx) -> R,
    ) -> R {
        let Parts { at, mut actors, .. } = self.parts();
        let (svc, mut ctx) = actors.at(at);
        f(svc, &mut ctx)
    }

    /// Makes an AWS API call now, with the AWS JSON request members as `params`. The answer
    /// arrives through [`World::take_completions`]: at once for most operations, later for a
    /// long poll (ReceiveMessage with a wait time) that finds nothing yet.
    pub fn call(&mut self, svc: &str, op: &str, params: &Value) -> CallId {
        let id = self.next_call;
        self.next_call += 1;
        let now = self.now;
        if svc == "cloudwatch" {
            self.alarm_clock = Some(World::evaluate_alarms);
            let bus = if op == "GetMetricStatistics" {
                self.metric_datapoints()
            } else {
                Vec::new()
            };
            let result =
                self.with_cloudwatch(|cw, ctx, peers| cw.call_json(ctx, peers, &bus, op, params));
            self.completions.push(Completion {
                call: id,
                at: now,
                result,
            });
            self.route_policy_invocations();
            self.route_replies();
            return id;
        }
        if svc == "mq" || svc == "mq-broker" {
            let result = self.with_mq(|mq, ctx| mq.call_json(ctx, svc, op, params));
            self.completions.push(Completion {
                call: id,
                at: now,
                result,
            });
            return id;
        }
        if svc == "kinesisanalyticsv2" || svc == "kinesisvideo" {
            let result = if svc == "kinesisvideo" {
                self.call_kinesis_video(op, params)
            } else {
                self.call_flink(op, params)
            };
            self.completions.push(Completion {
                call: id,
                at: now,
                result,
            });
            return id;
        }
        if svc == "lambda" || svc == "firehose" {
            let result = if svc == "lambda" {
                self.call_lambda(op, params)
            } else {
                self.call_firehose(op, params)
            };
            self.completions.push(Completion {
                call: id,
                at: now,
                result,
            });
            self.route_replies();
            return id;
        }
        if svc == "autoscaling" || svc == "ec2" {
            return self.call_autoscaling(id, svc, op, params);
        }
        let Parts {
            at,
            mut sqs,
            mut sns,
            mut kinesis,
            mut s3,
            ..
        } = self.parts();
        let result = match svc {
            "sqs" => {
                let (sqs, mut ctx) = sqs.at(at);
                sqs.call_json(&mut ctx, op, params, Caller::External(id))
            }
            "sns" => {
                let (sns, mut ctx) = sns.at(at);
                Some(sns.call_json(&mut ctx, op, params))
            }
            "kinesis" => {
                let (kinesis, mut ctx) = kinesis.at(at);
                kinesis.call_json(&mut ctx, op, params, id)
            }
            "s3" => {
                let (s3, mut ctx) = s3.at(at);
                let mut peers = Hub {
                    sqs: Some(sqs),
                    sns: Some(sns),
                    kinesis: Some(kinesis),
                    s3: None,
                };
                Some(s3.call_json(&mut ctx, &mut peers, op, params))
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
        while let Some((i, at)) = self.timers.earliest() {
            if at > t {
                break;
            }
            self.now = at;
            // A simulated client's timer (most timers of a busy run) goes straight to the
            // clients, without being wrapped in the `Timer` of every owner and matched
            // against each service's hooks first.
            if i == ACTOR_TIMERS {
                let Some((_, x)) = self.timers.actor.pop_due(t) else {
                    break;
                };
                self.fire_actor(x);
            } else {
                let Some((_, timer)) = self.timers.pop_due(t) else {
                    break;
                };
                self.fire(timer);
            }
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
        if let Timer::Mq(t) = timer {
            if let Some(h) = self.mq_hooks {
                (h.fire)(self, t);
            }
            return;
        }
        if let Timer::World(WorldTimer::AutoScaling(t)) = timer {
            if let Some(h) = self.asg {
                (h.timer)(self, t);
            }
            return;
        }
        match timer {
            Timer::Flink(t) => return self.fire_flink(t),
            Timer::Video(t) => return self.fire_video(t),
            _ => {}
        }
        let tick = matches!(timer, Timer::World(WorldTimer::MetricsTick));
        if let (Timer::Lambda(t), Some(h)) = (&timer, self.lambda_hooks) {
            return (h.fire)(self, t.clone());
        }
        if let Timer::Firehose(t) = timer {
            if let Some(h) = self.firehose_hooks {
                (h.fire)(self, t);
            }
            return;
        }
        self.fire_timer(timer);
        if let (true, Some(h)) = (tick, self.lambda_hooks) {
            (h.close_minute)(self);
        }
        if let (true, Some(h)) = (tick, self.firehose_hooks) {
            (h.close_minute)(self);
        }
        if let (true, Some(h)) = (tick, self.video_hooks) {
            (h.close_minute)(self);
        }
        if let (true, Some(h)) = (tick, self.mq_hooks) {
            (h.close_minute)(self);
        }
        if let (true, Some(h)) = (tick, self.asg) {
            (h.tick)(self);
        }
        if let (true, Some(evaluate)) = (tick, self.alarm_clock) {
            evaluate(self);
        }
    }

    /// Alarms whose period ends at this tick evaluate the minutes just closed (aws-rules
    /// §10.3); their actions publish through the router.
    fn evaluate_alarms(&mut self) {
        if !self.cloudwatch.any_due(self.now) {
            return;
        }
        let bus = self.metric_datapoints();
        self.with_cloudwatch(|cw, ctx, peers| cw.evaluate(ctx, peers, &bus));
        self.route_policy_invocations();
    }

    /// Runs `f` on CloudWatch with every other service as its peer (an alarm's notification
    /// publishes through the router) and no timers of its own: it evaluates on the world's
    /// metrics tick, and its calls answer at once.
    fn with_cloudwatch<R>(
        &mut self,
        f: impl FnOnce(&mut CloudWatch, &mut crate::cloudwatch::Ctx, &mut Hub) -> R,
    ) -> R {
        let Parts {
            at,
            sqs,
            sns,
            kinesis,
            s3,
            cloudwatch,
            ..
        } = self.parts();
        let mut peers = Hub {
            sqs: Some(sqs),
            sns: Some(sns),
            kinesis: Some(kinesis),
            s3: Some(s3),
        };
        let mut no_timers = Scheduler::default();
        let mut ctx = at.with(&mut no_timers);
        f(cloudwatch, &mut ctx, &mut peers)
    }

    fn fire_timer(&mut self, timer: Timer) {
        let Parts {
            at,
            mut sqs,
            mut sns,
            mut kinesis,
            mut s3,
            mut actors,
            mut kcl,
            world,
            ..
        } = self.parts();
        match timer {
            Timer::Sqs(t) => {
                let (sqs, mut ctx) = sqs.at(at);
                sqs.on_timer(&mut ctx, t);
            }
            Timer::Sns(t) => {
                let (sns, mut ctx) = sns.at(at);
                let mut peers = Hub {
                    sqs: Some(sqs),
                    sns: None,
                    kinesis: Some(kinesis),
                    s3: Some(s3),
                };
                sns.on_timer(&mut ctx, &mut peers, t);
            }
            Timer::Kinesis(t) => {
                let (kinesis, mut ctx) = kinesis.at(at);
                kinesis.on_timer(&mut ctx, t);
            }
            Timer::Kcl(t) => {
                let (kcl, mut ctx) = kcl.at(at);
                kcl.on_timer(&mut ctx, &mut kinesis, t);
            }
            Timer::S3(t) => {
                let (s3, mut ctx) = s3.at(at);
                let mut peers = Hub {
                    sqs: Some(sqs),
                    sns: Some(sns),
                    kinesis: Some(kinesis),
                    s3: None,
                };
                s3.on_timer(&mut ctx, &mut peers, t);
            }
            Timer::Actor(t) => {
                let (actors, mut ctx) = actors.at(at);
                Self::actor_timer(actors, &mut ctx, sqs, sns, kinesis, s3, t);
            }
            // Dispatched by `fire` through the hooks a `lambda` call set.
            Timer::Lambda(_) => {}
            // Dispatched by `fire` through the pointer an Amazon MQ call set.
            Timer::Mq(_) => {}
            // Dispatched by `fire` through the pointers their first calls set.
            Timer::Flink(_) | Timer::Video(_) | Timer::Firehose(_) => {}
            Timer::World(WorldTimer::MetricsTick) => {
                let now = at.now;
                sqs.svc.close_metrics_minute(now);
                sns.svc.close_metrics_minute(now);
                let mut world = at.with(world);
                kinesis.with(&mut world, |k, ctx| k.close_metrics_minute(ctx));
                kcl.svc.close_metrics_minute(now);
                world
                    .timers
                    .schedule(now + MS_PER_MIN, WorldTimer::MetricsTick);
            }
            Timer::World(WorldTimer::AutoScaling(_)) => {} // run by `fire`
        }
    }

    /// A simulated client's timer (see `advance_to`).
    fn fire_actor(&mut self, t: ActorTimer) {
        let Parts {
            at,
            sqs,
            sns,
            kinesis,
            s3,
            mut actors,
            ..
        } = self.parts();
        let (actors, mut ctx) = actors.at(at);
        Self::actor_timer(actors, &mut ctx, sqs, sns, kinesis, s3, t);
    }

    /// The clients act on their timer with every service they call within reach.
    fn actor_timer<'a>(
        actors: &mut Actors,
        ctx: &mut crate::actors::Ctx,
        sqs: Slot<'a, Sqs, SqsTimer>,
        sns: Slot<'a, Sns, SnsTimer>,
        kinesis: Slot<'a, Kinesis, KinesisTimer>,
        s3: Slot<'a, S3, S3Timer>,
        t: ActorTimer,
    ) {
        let mut hub = Hub {
            sqs: Some(sqs),
            sns: Some(sns),
            kinesis: Some(kinesis),
            s3: Some(s3),
        };
        actors.on_timer(ctx, &mut hub, t);
    }

    /// Long polls that finished go to whoever asked: the external caller's completions, or
    /// the actor that made them; then the calls workers made to Auto Scaling.
    fn route_replies(&mut self) {
        self.route_sqs_replies();
        if !self.actors.protection_calls.is_empty() {
            self.route_protection_calls();
        }
    }

    /// Workers' SetInstanceProtection calls (`protect_while_processing`, aws-rules §2.6) go
    /// to Auto Scaling through its hooks; without Auto Scaling no group exists, so each is
    /// answered as AWS answers a call naming none (ValidationError), without linking it.
    fn route_protection_calls(&mut self) {
        match self.asg {
            Some(h) => (h.protect)(self),
            None => {
                for call in std::mem::take(&mut self.actors.protection_calls) {
                    let actor = self
                        .actors
                        .consumers
                        .get(call.consumer)
                        .map(|c| c.name.clone());
                    self.events.push(self.now, || EventKind::ApiCall {
                        operation: "SetInstanceProtection".to_string(),
                        queue: None,
                        actor,
                        error: Some("ValidationError".to_string()),
                    });
                }
            }
        }
    }

    fn route_sqs_replies(&mut self) {
        // Most timers leave nothing to route.
        if !self.kinesis.has_pending() && !self.sqs.has_replies() {
            return;
        }
        for (call, result) in self.kinesis.take_replies() {
            self.completions.push(Completion {
                call,
                at: self.now,
                result,
            });
        }
        // Pushes to simulated enhanced fan-out readers (taking them may not push again at
        // once: a resumed subscription pushes on its own timer).
        let pushed = self.kinesis.take_notified();
        if !pushed.is_empty() {
            let Parts {
                at,
                mut kinesis,
                mut kcl,
                ..
            } = self.parts();
            let (kcl, mut ctx) = kcl.at(at);
            kcl.on_pushed(&mut ctx, &mut kinesis, pushed);
        }
        let mut replies = std::mem::take(&mut self.reply_buf);
        loop {
            self.sqs.swap_replies(&mut replies);
            if replies.is_empty() {
                self.reply_buf = replies;
                return;
            }
            for (caller, result) in replies.drain(..) {
                match caller {
                    Caller::External(call) => self.completions.push(Completion {
                        call,
                        at: self.now,
                        result: result.map(|r| match r {
                            crate::sqs::Answer::Api(r) => {
                                serde_json::to_value(r).unwrap_or(Value::Null)
                            }
                            // Only a simulated consumer gets messages by place.
                            crate::sqs::Answer::Taken(_) => Value::Null,
                        }),
                    }),
                    Caller::Actor(actor) => {
                        let Parts { at, mut actors, .. } = self.parts();
                        let (actors, mut ctx) = actors.at(at);
                        actors.on_receive_reply(&mut ctx, actor, result);
                    }
                }
            }
        }
    }

    // ---- EC2 Auto Scaling (aws-rules §2): reached only through `call` and `AsgHooks` ----

    /// An `autoscaling` call (or an `ec2` one: its launch templates): the first one sets the
    /// hooks (and CloudWatch's clock, which evaluates target tracking alarms).
    fn call_autoscaling(&mut self, id: CallId, svc: &str, op: &str, params: &Value) -> CallId {
        let result = self.autoscaling_request(svc, op, params);
        self.completions.push(Completion {
            call: id,
            at: self.now,
            result,
        });
        id
    }

    /// An `autoscaling` (or `ec2`) request and its answer, with what it asked of the
    /// consumers and of CloudWatch routed: [`World::call`]'s and a scenario's way in (the
    /// first sets the hooks).
    pub(crate) fn autoscaling_request(
        &mut self,
        svc: &str,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        if self.asg.is_none() {
            self.extras_clone = Some(World::copy_extras);
            self.asg = Some(AsgHooks {
                timer: |w, t| {
                    w.with_autoscaling(|a, ctx| a.on_timer(ctx, t));
                    w.route_autoscaling();
                },
                tick: |w| w.autoscaling.close_metrics_minute(w.now),
                bill: |w| w.autoscaling.bill(w.now),
                route: World::route_autoscaling,
                protect: World::protect_instances,
            });
            self.alarm_clock = Some(World::evaluate_alarms);
        }
        let result = self.with_autoscaling(|a, ctx| match svc {
            "ec2" => a.ec2_call_json(ctx, op, params),
            _ => a.call_json(ctx, op, params),
        });
        self.route_autoscaling();
        result
    }

    /// Each worker's SetInstanceProtection for its own instance (its name is
    /// `<group>/<instance-id>`), made as `mqlab api` makes it — AWS's validation, the
    /// reconcile that sheds an instance no longer protected — and logged as the worker's
    /// API call (aws-rules §2.6).
    fn protect_instances(&mut self) {
        for call in std::mem::take(&mut self.actors.protection_calls) {
            let Some(c) = self.actors.consumers.get(call.consumer) else {
                continue;
            };
            let actor = c.name.clone();
            let (group, instance) = actor.rsplit_once('/').unwrap_or(("", actor.as_str()));
            let params = serde_json::json!({
                "AutoScalingGroupName": group,
                "InstanceIds": [instance],
                "ProtectedFromScaleIn": call.protected_from_scale_in,
            });
            let error = self
                .autoscaling_request("autoscaling", "SetInstanceProtection", &params)
                .err()
                .map(|e| e.code);
            self.events.push(self.now, || EventKind::ApiCall {
                operation: "SetInstanceProtection".to_string(),
                queue: None,
                actor: Some(actor),
                error,
            });
        }
    }

    /// Runs `f` on Auto Scaling now; the timers it schedules join the world's own queue.
    fn with_autoscaling<R>(
        &mut self,
        f: impl FnOnce(&mut AutoScaling, &mut crate::autoscaling::Ctx) -> R,
    ) -> R {
        let mut mine = Scheduler::default();
        let q = &mut self.timers;
        let at = Shared {
            now: self.now,
            rng: &mut self.rng,
            events: &mut self.events,
            seq: &mut q.seq,
        };
        let r = f(&mut self.autoscaling, &mut at.with(&mut mine));
        while let Some((at, seq)) = mine.peek() {
            if let Some((_, t)) = mine.pop_due(at) {
                q.world.schedule(at, seq, WorldTimer::AutoScaling(t));
            }
        }
        r
    }

    /// Routes what Auto Scaling and CloudWatch asked of each other and of the consumers:
    /// alarm actions run scaling policies; instances start and stop their consumers; target
    /// tracking puts and deletes its alarms.
    /// Scaling policies that alarms invoked go to Auto Scaling once it has been called (none
    /// exists before; the invocations are dropped, as `route_autoscaling` would).
    fn route_policy_invocations(&mut self) {
        match self.asg {
            Some(h) => (h.route)(self),
            None => self.cloudwatch.policy_invocations.clear(),
        }
    }

    fn route_autoscaling(&mut self) {
        use crate::autoscaling::Effect;
        loop {
            let runs = std::mem::take(&mut self.cloudwatch.policy_invocations);
            if !runs.is_empty() && self.asg.is_some() {
                let runs = runs
                    .into_iter()
                    .map(|r| {
                        let alarm = r.state == crate::cloudwatch::evaluate::StateValue::Alarm;
                        (r.policy_arn, r.alarm_name, alarm, r.value, r.threshold)
                    })
                    .collect();
                self.with_autoscaling(|a, ctx| a.on_alarms(ctx, runs));
            }
            let effects = std::mem::take(&mut self.autoscaling.effects);
            if effects.is_empty() {
                return;
            }
            for e in effects {
                match e {
                    Effect::StartConsumer {
                        consumer,
                        user_data,
                    } => {
                        // The UserData is a scenario consumer without name and count; one
                        // that is not is an instance that consumes nothing.
                        let spec = serde_json::from_str::<Value>(&user_data)
                            .ok()
                            .filter(Value::is_object)
                            .and_then(|mut v| {
                                v["name"] = Value::from(consumer.as_str());
                                v["count"] = Value::from(1);
                                serde_json::from_value::<crate::actors::ConsumerSpec>(v).ok()
                            })
                            .filter(|s| s.validate().is_ok());
                        if let Some(spec) = spec {
                            self.with_actors(|a, ctx| a.add_consumer(ctx, spec));
                            // Its one instance is the EC2 instance: its events' actor is
                            // `<group>/<instance-id>`, without the `#1` of a consumer group.
                            if let Some(c) = self.actors.consumers.last_mut() {
                                c.name = consumer;
                            }
                        }
                    }
                    Effect::StopConsumer { consumer } => {
                        let k = self
                            .actors
                            .consumer_specs
                            .iter()
                            .position(|s| s.name == consumer);
                        if let Some(k) = k {
                            self.with_actors(|a, ctx| a.set_consumer_count(ctx, k, 0));
                        }
                    }
                    Effect::CloudWatch { op, params } => {
                        let _ = self.with_cloudwatch(|cw, ctx, peers| {
                            cw.call_json(ctx, peers, &[], op, &params)
                        });
                    }
                }
            }
        }
    }
}
