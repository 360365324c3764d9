//! Simulated readers of Kinesis streams: plain readers and KCL-style applications. Like the
//! SQS actors they act only through Kinesis operations (ListShards, GetShardIterator,
//! GetRecords, RegisterStreamConsumer, SubscribeToShard), so what a lesson shows is what the
//! API does.
//!
//! - [`spec`] — what a scenario declares (`stream_consumers`).
//! - [`lease`] — a KCL application's lease table (aws-rules §4.8).
//!
//! A reader is one [`App`]: workers, a lease table (one lease per shard) and, per worker, a
//! [`ShardConsumer`] for each lease it works on. A plain reader is an app with one worker that
//! never fails and keeps its lease table to itself (no lease events). A shard consumer runs
//! the loop of a KCL ShardConsumer:
//!
//! ```text
//! blocked on parents ──(parents' checkpoints are SHARD_END)──► initializing
//! initializing ──GetShardIterator / SubscribeToShard──► reading
//! reading ──GetRecords / a push brings records──► processing ──► checkpoint? ──► reading
//! reading ──end of a closed shard──► checkpoint SHARD_END, child leases, done
//! ```
//!
//! Workers renew their leases every `failover/3 − ε` and look for leases to take every
//! `2 (failover + ε)` (KCL's LeaseCoordinator): expired leases first, else one lease stolen
//! from the most loaded worker, until each holds about `leases / workers`. A worker that dies
//! stops renewing; after the failover time its leases expire and others take them and resume
//! after the last checkpoint, so records processed after it are processed again.

pub mod lease;
pub mod spec;

use crate::actors::{API_RTT_MS, RETRY_BACKOFF_MS};
use crate::core::event::EventKind;
use crate::core::metrics::{Datapoint, MinuteSeries};
use crate::core::ordmap::OrdMap;
use crate::core::time::SimTime;
use crate::hub::KinesisSlot;
use crate::kinesis::api::{
    ConsumerInput, GetRecordsInput, GetShardIteratorInput, ListShardsInput, StartingPosition,
    SubscribeToShardInput,
};
use crate::kinesis::keys::SeqNum;
pub use crate::kinesis::GET_RECORDS_LIMIT_MAX;
use crate::kinesis::{sim_time_of, stream_arn};
use lease::{Checkpoint, Lease, LeaseTable, LEASES_MAX};
use serde::Serialize;
use spec::{InitialPosition, Retrieval, StreamConsumerSpec};
use std::collections::BTreeMap;

/// What a stream reader acts on at one instant (see [`crate::core::ctx`]).
pub type Ctx<'a> = crate::core::ctx::Ctx<'a, KclTimer>;
/// KCL's failoverTimeMillis default, 10 s: a lease not renewed for this long may be taken.
/// aws-rules §4.8 has no figure; KCL's documentation and source give 10,000 ms:
/// UNCONFIRMED here.
pub const KCL_FAILOVER_TIME_MS: SimTime = 10_000;
/// KCL's epsilonMillis (25 ms), the margin in its renew and take intervals. UNCONFIRMED
/// (KCL source).
pub const LEASE_EPSILON_MS: SimTime = 25;
/// KCL's shardSyncIntervalMillis default (60 s): how often the lease table is brought up to
/// date with ListShards. UNCONFIRMED (KCL source).
pub const SHARD_SYNC_INTERVAL_MS: SimTime = 60_000;
/// KCL's parentShardPollIntervalMillis default (10 s): how often a shard consumer blocked on
/// its parents looks at their checkpoints again. UNCONFIRMED (KCL source).
pub const PARENT_SHARD_POLL_INTERVAL_MS: SimTime = 10_000;
/// KCL's idleTimeBetweenReadsInMillis: 1 s between GetRecords calls on a shard is common (and
/// what the GetRecords documentation recommends, aws-rules §4.1).
pub const IDLE_TIME_BETWEEN_READS_MS: SimTime = 1_000;
pub const IDLE_TIME_MAX_MS: SimTime = 3_600_000;
/// KCL's maxRecords default: GetRecords' own maximum (aws-rules §4.1).
pub const GET_RECORDS_LIMIT_DEFAULT: u32 = 10_000;
/// Time to process one record when the scenario does not say (Kinesis records are usually
/// handled in bulk, far faster than a queue message).
pub const RECORD_PROCESSING_MS: SimTime = 1;
/// Workers one application may run.
pub const KCL_WORKERS_MAX: u32 = 100;
pub const FAILOVER_TIME_MIN_MS: SimTime = 1_000;
pub const FAILOVER_TIME_MAX_MS: SimTime = 3_600_000;
/// Planned crashes per application.
pub const KCL_CRASHES_MAX: usize = 100;
/// Random extra wait after a throttled GetRecords, up to this.
pub const THROTTLE_JITTER_MS: SimTime = 500;
/// KCL's maxLeasesToStealAtOneTime default.
pub const MAX_LEASES_TO_STEAL_AT_ONE_TIME: usize = 1;
/// Pages of ListShards a shard sync reads at most (10,000 shards each).
const LIST_SHARDS_PAGES_MAX: usize = 4;

/// A Crash timer for a planned crash hits the worker whatever its generation.
const ANY_GEN: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct KclTimer {
    pub app: usize,
    pub worker: usize,
    /// The worker's generation when scheduled (a timer of an earlier life is ignored).
    pub gen: u32,
    pub action: KclAction,
}

#[derive(Clone, Debug)]
pub enum KclAction {
    Start,
    Renew,
    Take,
    Crash {
        restart_after_ms: Option<SimTime>,
    },
    Restart,
    /// A shard consumer's next step; `token` names the consumer instance.
    Shard {
        shard: String,
        token: u64,
        step: Step,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Check the parents, then GetShardIterator or SubscribeToShard.
    Begin,
    /// GetRecords.
    Fetch,
    /// The batch is processed.
    Processed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WorkerState {
    Starting,
    Running,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ShardState {
    /// Waiting for the parents' leases to reach SHARD_END.
    BlockedOnParents,
    /// Getting an iterator, or subscribing.
    Initializing,
    Reading,
    Processing,
}

/// One worker's processing of one shard it holds the lease of.
#[derive(Clone, Debug)]
pub struct ShardConsumer {
    pub shard_id: String,
    pub state: ShardState,
    token: u64,
    iterator: Option<String>,
    subscription: Option<u64>,
    /// The last record received: where to resume when an iterator expires or a
    /// subscription ends.
    pub last_read: Option<SeqNum>,
    /// Sequence numbers received and not yet processed.
    batch: Vec<SeqNum>,
    batch_bytes: u64,
    /// Set once the shard was read to its end: the child shard ids.
    end: Option<Vec<String>>,
    last_fetch_at: SimTime,
    pub since_checkpoint: u64,
    last_checkpoint_at: SimTime,
}

#[derive(Clone, Debug)]
pub struct Worker {
    pub id: String,
    pub state: WorkerState,
    gen: u32,
    /// The shards it works on (leases it holds and has not finished), by shard id.
    pub shards: OrdMap<String, ShardConsumer>,
}

/// What an application has done since the run began.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AppTotals {
    pub records_read: u64,
    pub bytes_read: u64,
    pub records_processed: u64,
    /// Records processed a second time (or more): read again after a failover.
    pub duplicates: u64,
    pub checkpoints: u64,
    pub leases_taken: u64,
    pub leases_stolen: u64,
    pub leases_lost: u64,
    pub worker_deaths: u64,
    pub reads_throttled: u64,
    pub iterators_expired: u64,
    pub shards_ended: u64,
}

/// One closed minute of an application's metrics (KCL publishes to a CloudWatch namespace
/// named after the application, aws-rules §4.8).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AppMinute {
    pub start: SimTime,
    pub records_processed: u64,
    pub bytes_processed: u64,
    pub duplicates: u64,
    /// Largest MillisBehindLatest a read returned this minute.
    pub millis_behind_latest: Option<u64>,
    /// Largest age of the last record of a read (GetRecords.IteratorAgeMilliseconds, here
    /// per consumer).
    pub iterator_age_ms: Option<u64>,
    pub leases_taken: u64,
    pub leases_lost: u64,
    /// At the end of the minute.
    pub total_leases: u64,
    pub workers_alive: u64,
}

impl AppMinute {
    /// (metric name, value) pairs in a fixed order. `RecordsProcessedAgain` is mqlab's own
    /// (KCL publishes no such metric): the duplicates a failover caused.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            ("RecordsProcessed", self.records_processed as f64),
            ("DataBytesProcessed", self.bytes_processed as f64),
            ("RecordsProcessedAgain", self.duplicates as f64),
            ("TakenLeases", self.leases_taken as f64),
            ("LostLeases", self.leases_lost as f64),
            ("TotalLeases", self.total_leases as f64),
            ("NumWorkers", self.workers_alive as f64),
        ];
        if let Some(m) = self.millis_behind_latest {
            v.push(("MillisBehindLatest", m as f64));
        }
        if let Some(a) = self.iterator_age_ms {
            v.push(("GetRecords.IteratorAgeMilliseconds", a as f64));
        }
        v
    }
}

crate::minute!(AppMinute);

#[derive(Clone, Debug)]
pub struct App {
    pub spec: StreamConsumerSpec,
    pub workers: Vec<Worker>,
    pub leases: LeaseTable,
    /// The registered stream consumer (enhanced fan-out).
    pub consumer_arn: Option<String>,
    /// Highest sequence number processed per shard: a record at or below it is a duplicate.
    processed_up_to: OrdMap<String, SeqNum>,
    synced_at: Option<SimTime>,
    next_token: u64,
    pub totals: AppTotals,
    pub metrics: MinuteSeries<AppMinute>,
}

/// Every simulated stream reader of the world.
#[derive(Clone, Debug, Default)]
pub struct Kcl {
    pub apps: Vec<App>,
}

fn schedule(ctx: &mut Ctx, at: SimTime, app: usize, worker: usize, gen: u32, action: KclAction) {
    ctx.timers.schedule(
        at,
        KclTimer {
            app,
            worker,
            gen,
            action,
        },
    );
}

fn max_opt(a: Option<u64>, b: u64) -> Option<u64> {
    Some(a.map_or(b, |a| a.max(b)))
}

impl Kcl {
    /// Adds every application to a memory estimate (see [`crate::core::memory`]).
    pub(crate) fn memory(&self, t: &mut crate::core::memory::Tally) {
        use crate::core::memory::{self as m, TABLE_ENTRY_BYTES};
        use std::mem::size_of;
        for app in &self.apps {
            t.copied(m::other, 1, size_of::<App>() as u64);
            t.segvec(m::metrics, &app.metrics.history, 0);
            let mut tables = app.leases.len() + app.processed_up_to.len() + app.workers.len();
            let mut batched = 0;
            for w in &app.workers {
                tables += w.shards.len();
                batched += w.shards.values().map(|c| c.batch.len()).sum::<usize>();
            }
            t.copied(m::other, tables, TABLE_ENTRY_BYTES);
            t.copied(m::other, batched, size_of::<SeqNum>() as u64);
        }
    }

    pub fn apps(&self) -> &[App] {
        &self.apps
    }

    /// The application (or plain reader) of that name.
    pub fn app(&self, name: &str) -> Option<&App> {
        self.apps
            .iter()
            .find(|a| a.spec.name == name || a.spec.application() == name)
    }

    /// Adds a reader; its workers start at `start_s` (a few ms apart). A reader of the same
    /// name that exists already is changed instead (see [`App::change`]): a scenario edited
    /// while it runs.
    pub fn add(&mut self, ctx: &mut Ctx, spec: StreamConsumerSpec) {
        if let Some(a) = self.apps.iter().position(|x| x.spec.name == spec.name) {
            self.apps[a].change(ctx, a, spec);
            return;
        }
        let a = self.apps.len();
        let n = spec.kcl.as_ref().map_or(1, |k| k.workers);
        let start = crate::core::time::secs_to_ms(spec.start_s)
            .unwrap_or(0)
            .max(ctx.now);
        let app_name = spec.application().to_string();
        let mut workers = Vec::new();
        for w in 0..n as usize {
            workers.push(Worker {
                id: format!("{app_name}#{}", w + 1),
                state: WorkerState::Starting,
                gen: 0,
                shards: OrdMap::default(),
            });
            let at = start + ctx.rng.below(API_RTT_MS * 5);
            schedule(ctx, at, a, w, 0, KclAction::Start);
        }
        if let Some(k) = &spec.kcl {
            for c in &k.crashes {
                schedule(
                    ctx,
                    c.at_ms.max(ctx.now),
                    a,
                    c.worker as usize - 1,
                    ANY_GEN,
                    KclAction::Crash {
                        restart_after_ms: c.restart_after_ms,
                    },
                );
            }
        }
        self.apps.push(App {
            spec,
            workers,
            leases: LeaseTable::default(),
            consumer_arn: None,
            processed_up_to: OrdMap::default(),
            synced_at: None,
            next_token: 0,
            totals: AppTotals::default(),
            metrics: MinuteSeries::starting(ctx.now),
        });
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, t: KclTimer) {
        let Some(app) = self.apps.get_mut(t.app) else {
            return;
        };
        let Some(worker) = app.workers.get(t.worker) else {
            return;
        };
        let (state, gen) = (worker.state, worker.gen);
        let w = t.worker;
        match t.action {
            KclAction::Start if state == WorkerState::Starting => {
                app.start_worker(ctx, k, t.app, w)
            }
            KclAction::Restart if state == WorkerState::Down && gen == t.gen => {
                app.start_worker(ctx, k, t.app, w)
            }
            KclAction::Crash { restart_after_ms }
                if state == WorkerState::Running && (t.gen == ANY_GEN || t.gen == gen) =>
            {
                app.die(ctx, t.app, w, restart_after_ms)
            }
            _ if state != WorkerState::Running || gen != t.gen => {}
            KclAction::Renew => {
                app.renew(ctx, w);
                let at = ctx.now + app.renew_interval_ms();
                schedule(ctx, at, t.app, w, gen, KclAction::Renew);
            }
            KclAction::Take => {
                app.take(ctx, k, t.app, w);
                let at = ctx.now + app.take_interval_ms();
                schedule(ctx, at, t.app, w, gen, KclAction::Take);
            }
            KclAction::Shard { shard, token, step } => {
                let current = app.workers[w]
                    .shards
                    .get(&shard)
                    .is_some_and(|c| c.token == token);
                if current {
                    match step {
                        Step::Begin => app.begin(ctx, k, t.app, w, &shard),
                        Step::Fetch => app.fetch(ctx, k, t.app, w, &shard),
                        Step::Processed => app.processed(ctx, k, t.app, w, &shard),
                    }
                }
            }
            _ => {}
        }
    }

    /// Pushed subscriptions that got an event or ended: their shard consumers take what
    /// arrived unless they are busy processing (they take it when done).
    pub(crate) fn on_pushed(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, ids: Vec<u64>) {
        for id in ids {
            'find: for a in 0..self.apps.len() {
                let app = &mut self.apps[a];
                for w in 0..app.workers.len() {
                    let found = app.workers[w]
                        .shards
                        .iter()
                        .find(|(_, c)| c.subscription == Some(id))
                        .map(|(s, c)| (s.clone(), c.state));
                    if let Some((shard, state)) = found {
                        if state == ShardState::Reading {
                            app.take_pushed(ctx, k, a, w, &shard);
                        }
                        break 'find;
                    }
                }
            }
        }
    }

    /// Closes the metrics minute of every reader.
    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        for app in &mut self.apps {
            let total_leases = app.leases.values().filter(|l| !l.is_finished()).count() as u64;
            let workers_alive = app
                .workers
                .iter()
                .filter(|w| w.state == WorkerState::Running)
                .count() as u64;
            app.metrics.close(now, |m| {
                m.total_leases = total_leases;
                m.workers_alive = workers_alive;
            });
        }
    }

    /// Every closed minute of every reader.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for app in &self.apps {
            app.metrics.publish(
                app.spec.application(),
                &[("StreamName", &app.spec.stream)],
                &mut out,
            );
        }
        out
    }
}

impl App {
    /// New settings while the run goes on: how it reads (polling ↔ enhanced fan-out),
    /// `limit`, `idle_time_between_reads_ms`, `processing`, and the KCL checkpoint cadence,
    /// failover time and fault settings. What the reader is keeps: its stream, workers,
    /// application name, start, initial position and planned crashes (those are the
    /// scenario's, not settings). A shard consumer that switches how it reads starts again
    /// after the last record it received (GetShardIterator AFTER_SEQUENCE_NUMBER, or
    /// SubscribeToShard from there), at once if it is waiting for records, or once the
    /// batch it is processing is done.
    fn change(&mut self, ctx: &mut Ctx, a: usize, mut spec: StreamConsumerSpec) {
        spec.stream.clone_from(&self.spec.stream);
        spec.start_s = self.spec.start_s;
        spec.initial_position = self.spec.initial_position;
        match (&mut spec.kcl, &self.spec.kcl) {
            (Some(new), Some(old)) => {
                new.workers = old.workers;
                new.application_name.clone_from(&old.application_name);
                new.crashes.clone_from(&old.crashes);
            }
            // A plain reader does not become a KCL application, nor the other way.
            (new, old) => new.clone_from(old),
        }
        let switched = spec.retrieval != self.spec.retrieval;
        self.spec = spec;
        if !switched {
            return;
        }
        for w in 0..self.workers.len() {
            let gen = self.workers[w].gen;
            for c in self.workers[w].shards.values_mut() {
                // The old way of reading ends: its iterator is forgotten, pushes to its
                // subscription find no reader any more.
                c.iterator = None;
                c.subscription = None;
                if c.state == ShardState::Reading {
                    c.token = self.next_token;
                    self.next_token += 1;
                    c.state = ShardState::Initializing;
                    let action = KclAction::Shard {
                        shard: c.shard_id.clone(),
                        token: c.token,
                        step: Step::Begin,
                    };
                    schedule(ctx, ctx.now, a, w, gen, action);
                }
            }
        }
    }

    fn is_kcl(&self) -> bool {
        self.spec.kcl.is_some()
    }

    pub fn name(&self) -> &str {
        self.spec.application()
    }

    fn failover_ms(&self) -> SimTime {
        self.spec
            .kcl
            .as_ref()
            .map_or(KCL_FAILOVER_TIME_MS, |k| k.failover_time_ms)
    }

    /// KCL's renewerIntervalMillis: failover / 3 − ε.
    fn renew_interval_ms(&self) -> SimTime {
        (self.failover_ms() / 3)
            .saturating_sub(LEASE_EPSILON_MS)
            .max(1)
    }

    /// KCL's takerIntervalMillis: 2 (failover + ε).
    fn take_interval_ms(&self) -> SimTime {
        2 * (self.failover_ms() + LEASE_EPSILON_MS)
    }

    fn consumer_mut(&mut self, w: usize, shard: &str) -> Option<&mut ShardConsumer> {
        self.workers.get_mut(w)?.shards.get_mut(shard)
    }

    fn shard_step(&self, ctx: &mut Ctx, a: usize, w: usize, shard: &str, at: SimTime, step: Step) {
        let Some(c) = self.workers[w].shards.get(shard) else {
            return;
        };
        let action = KclAction::Shard {
            shard: shard.to_string(),
            token: c.token,
            step,
        };
        schedule(ctx, at, a, w, self.workers[w].gen, action);
    }

    fn start_worker(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, a: usize, w: usize) {
        self.workers[w].state = WorkerState::Running;
        let gen = self.workers[w].gen;
        if self.is_kcl() {
            let (application, worker) = (self.name().to_string(), self.workers[w].id.clone());
            ctx.events.push(ctx.now, || EventKind::KclWorkerStarted {
                application,
                worker,
            });
        }
        if self.spec.retrieval == Retrieval::EnhancedFanOut && self.consumer_arn.is_none() {
            self.register(ctx, k);
        }
        // KCL's renewer starts by taking back the leases the table says this worker owns
        // (a quick restart under the same worker id keeps its shards).
        let me = self.workers[w].id.clone();
        let mine: Vec<String> = self
            .leases
            .values()
            .filter(|l| !l.is_finished() && l.lease_owner.as_deref() == Some(me.as_str()))
            .map(|l| l.lease_key.clone())
            .collect();
        for shard in mine {
            self.take_lease(ctx, a, w, &shard, "owned");
        }
        self.take(ctx, k, a, w);
        if self.is_kcl() {
            schedule(
                ctx,
                ctx.now + self.renew_interval_ms(),
                a,
                w,
                gen,
                KclAction::Renew,
            );
            schedule(
                ctx,
                ctx.now + self.take_interval_ms(),
                a,
                w,
                gen,
                KclAction::Take,
            );
        }
    }

    fn die(&mut self, ctx: &mut Ctx, a: usize, w: usize, restart_after_ms: Option<SimTime>) {
        let application = self.name().to_string();
        let worker = &mut self.workers[w];
        worker.state = WorkerState::Down;
        worker.gen = worker.gen.wrapping_add(1) % ANY_GEN;
        let leases = worker.shards.len();
        worker.shards.clear();
        let (id, gen) = (worker.id.clone(), worker.gen);
        self.totals.worker_deaths += 1;
        ctx.events.push(ctx.now, || EventKind::KclWorkerDied {
            application,
            worker: id,
            leases,
        });
        if let Some(after) = restart_after_ms {
            schedule(ctx, ctx.now + after, a, w, gen, KclAction::Restart);
        }
    }

    /// RegisterStreamConsumer under the application's name (or finds the consumer if it is
    /// registered already). Until it is ACTIVE, SubscribeToShard fails and shard consumers
    /// try again a second later.
    fn register(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot) {
        let input = ConsumerInput {
            stream_arn: Some(stream_arn(&self.spec.stream)),
            consumer_name: Some(self.name().to_string()),
            consumer_arn: None,
        };
        let arn = match k.with(ctx, |k, cx| k.register_stream_consumer(cx, &input)) {
            Ok(v) => v["Consumer"]["ConsumerARN"].as_str().map(str::to_string),
            Err(e) if e.code == "ResourceInUseException" => {
                k.svc.describe_stream_consumer(&input).ok().and_then(|v| {
                    v["ConsumerDescription"]["ConsumerARN"]
                        .as_str()
                        .map(str::to_string)
                })
            }
            Err(_) => None,
        };
        self.consumer_arn = arn;
    }

    /// Brings the lease table up to date with ListShards (KCL's shard sync): a lease for
    /// each new shard. At the first sync that is every shard (TRIM_HORIZON) or every open
    /// shard (LATEST); later, the children of leased shards (from TRIM_HORIZON, so nothing
    /// written to a child is skipped).
    fn sync_shards(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot) {
        let mut shards = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..LIST_SHARDS_PAGES_MAX {
            let input = ListShardsInput {
                stream_name: if token.is_none() {
                    Some(self.spec.stream.clone())
                } else {
                    None
                },
                next_token: token.take(),
                max_results: Some(10_000),
                ..Default::default()
            };
            let Ok(page) = k.with(ctx, |k, cx| k.list_shards(cx, &input)) else {
                return;
            };
            if let Some(list) = page["Shards"].as_array() {
                shards.extend(list.iter().cloned());
            }
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        let first = self.synced_at.is_none();
        self.synced_at = Some(ctx.now);
        for sh in shards {
            let Some(id) = sh["ShardId"].as_str() else {
                continue;
            };
            if self.leases.contains_key(id) || self.leases.len() >= LEASES_MAX {
                continue;
            }
            let parents: Vec<String> = ["ParentShardId", "AdjacentParentShardId"]
                .iter()
                .filter_map(|m| sh[*m].as_str().map(str::to_string))
                .collect();
            let open = sh["SequenceNumberRange"]["EndingSequenceNumber"].is_null();
            let checkpoint = if parents.iter().any(|p| self.leases.contains_key(p)) {
                Checkpoint::TrimHorizon
            } else if !first {
                continue;
            } else {
                match self.spec.initial_position {
                    InitialPosition::TrimHorizon => Checkpoint::TrimHorizon,
                    InitialPosition::Latest if open => Checkpoint::Latest,
                    InitialPosition::Latest => continue,
                }
            };
            if self.is_kcl() {
                let (application, shard_id, parent_shard_ids, cp) = (
                    self.name().to_string(),
                    id.to_string(),
                    parents.clone(),
                    checkpoint.as_text(),
                );
                ctx.events.push(ctx.now, || EventKind::KclLeaseCreated {
                    application,
                    shard_id,
                    parent_shard_ids,
                    checkpoint: cp,
                });
            }
            self.leases.insert(
                id.to_string(),
                Lease {
                    lease_key: id.to_string(),
                    lease_owner: None,
                    lease_counter: 0,
                    checkpoint,
                    owner_switches_since_checkpoint: 0,
                    parent_shard_ids: parents,
                    renewed_at: ctx.now,
                },
            );
        }
    }

    /// KCL's LeaseTaker: expired (or unowned) leases first, else one lease stolen from the
    /// most loaded worker, until this worker holds its share (leases / live workers, rounded
    /// up). A plain reader's one worker takes everything.
    fn take(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, a: usize, w: usize) {
        let now = ctx.now;
        if self
            .synced_at
            .is_none_or(|t| now >= t + SHARD_SYNC_INTERVAL_MS)
        {
            self.sync_shards(ctx, k);
        }
        let failover = self.failover_ms();
        let me = self.workers[w].id.clone();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut expired = Vec::new();
        let mut open_leases = 0usize;
        for l in self.leases.values().filter(|l| !l.is_finished()) {
            open_leases += 1;
            match l.lease_owner.as_deref() {
                // A running worker's own leases are alive whatever the clock says (it renews
                // them; a plain reader never needs to).
                Some(owner) if owner == me || !l.is_expired(now, failover) => {
                    *counts.entry(owner).or_default() += 1
                }
                _ => expired.push(l.lease_key.clone()),
            }
        }
        if open_leases == 0 {
            return;
        }
        counts.entry(me.as_str()).or_default();
        let target = open_leases.div_ceil(counts.len());
        let mine = counts[me.as_str()];
        if mine >= target {
            return;
        }
        let want = target - mine;
        if !expired.is_empty() {
            for shard in expired.into_iter().take(want) {
                let reason = if self
                    .leases
                    .get(&shard)
                    .is_some_and(|l| l.lease_owner.is_none())
                {
                    "unowned"
                } else {
                    "expired"
                };
                self.take_lease(ctx, a, w, &shard, reason);
            }
            return;
        }
        // Steal from the most loaded worker (ties: the first by id) if it holds more than its
        // share, or its share while this worker is short by more than one.
        let Some((victim, most)) = counts
            .iter()
            .filter(|(id, _)| **id != me.as_str())
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
            .map(|(id, n)| (id.to_string(), *n))
        else {
            return;
        };
        if !(most > target || (most == target && want > 1)) {
            return;
        }
        let stolen: Vec<String> = self
            .leases
            .values()
            .filter(|l| {
                !l.is_finished()
                    && l.lease_owner.as_deref() == Some(victim.as_str())
                    && !l.is_expired(now, failover)
            })
            .map(|l| l.lease_key.clone())
            .take(want.min(MAX_LEASES_TO_STEAL_AT_ONE_TIME))
            .collect();
        for shard in stolen {
            self.take_lease(ctx, a, w, &shard, "stolen");
        }
    }

    /// Makes `w` the lease's owner (a conditional update in KCL: the counter moves) and
    /// starts a shard consumer for it.
    fn take_lease(&mut self, ctx: &mut Ctx, a: usize, w: usize, shard: &str, reason: &str) {
        if self.workers[w].shards.contains_key(shard) {
            return;
        }
        let me = self.workers[w].id.clone();
        let Some(l) = self.leases.get_mut(shard) else {
            return;
        };
        let previous = l.lease_owner.replace(me.clone());
        if previous.as_deref() != Some(me.as_str()) {
            l.owner_switches_since_checkpoint += 1;
        }
        l.lease_counter += 1;
        l.renewed_at = ctx.now;
        let counter = l.lease_counter;
        self.totals.leases_taken += 1;
        self.metrics.current.leases_taken += 1;
        if reason == "stolen" {
            self.totals.leases_stolen += 1;
        }
        if self.is_kcl() {
            let (application, shard_id, reason) = (
                self.name().to_string(),
                shard.to_string(),
                reason.to_string(),
            );
            let previous_owner = previous.filter(|p| *p != me);
            let worker = me.clone();
            ctx.events.push(ctx.now, || EventKind::KclLeaseTaken {
                application,
                worker,
                shard_id,
                previous_owner,
                lease_counter: counter,
                reason,
            });
        }
        let token = self.next_token;
        self.next_token += 1;
        self.workers[w].shards.insert(
            shard.to_string(),
            ShardConsumer {
                shard_id: shard.to_string(),
                state: ShardState::Initializing,
                token,
                iterator: None,
                subscription: None,
                last_read: None,
                batch: Vec::new(),
                batch_bytes: 0,
                end: None,
                last_fetch_at: 0,
                since_checkpoint: 0,
                last_checkpoint_at: ctx.now,
            },
        );
        self.shard_step(ctx, a, w, shard, ctx.now + API_RTT_MS, Step::Begin);
    }

    /// KCL's LeaseRenewer: bumps the counter of every lease the worker still holds; a lease
    /// another worker took is lost (the worker stops processing its shard).
    fn renew(&mut self, ctx: &mut Ctx, w: usize) {
        let me = self.workers[w].id.clone();
        let shards: Vec<String> = self.workers[w].shards.keys().cloned().collect();
        for shard in shards {
            match self.leases.get_mut(&shard) {
                Some(l) if l.lease_owner.as_deref() == Some(me.as_str()) => {
                    l.lease_counter += 1;
                    l.renewed_at = ctx.now;
                }
                _ => self.lose(ctx, w, &shard),
            }
        }
    }

    fn lose(&mut self, ctx: &mut Ctx, w: usize, shard: &str) {
        self.workers[w].shards.remove(shard);
        self.totals.leases_lost += 1;
        self.metrics.current.leases_lost += 1;
        if self.is_kcl() {
            let new_owner = self.leases.get(shard).and_then(|l| l.lease_owner.clone());
            let (application, worker, shard_id) = (
                self.name().to_string(),
                self.workers[w].id.clone(),
                shard.to_string(),
            );
            ctx.events.push(ctx.now, || EventKind::KclLeaseLost {
                application,
                worker,
                shard_id,
                new_owner,
            });
        }
    }

    /// True while the worker still owns the lease (else it is lost now).
    fn still_owned(&mut self, ctx: &mut Ctx, w: usize, shard: &str) -> bool {
        let me = &self.workers[w].id;
        let owned = self
            .leases
            .get(shard)
            .is_some_and(|l| l.lease_owner.as_deref() == Some(me.as_str()));
        if !owned {
            self.lose(ctx, w, shard);
        }
        owned
    }

    /// Where to start reading: after the last record received, else the lease's checkpoint.
    fn start_position(&self, w: usize, shard: &str) -> (String, Option<String>) {
        let after = self.workers[w]
            .shards
            .get(shard)
            .and_then(|c| c.last_read)
            .map(Checkpoint::Sequence);
        let cp = after.or_else(|| self.leases.get(shard).map(|l| l.checkpoint));
        match cp {
            Some(Checkpoint::Sequence(s)) => ("AFTER_SEQUENCE_NUMBER".into(), Some(s.to_decimal())),
            Some(Checkpoint::Latest) => ("LATEST".into(), None),
            _ => ("TRIM_HORIZON".into(), None),
        }
    }

    /// A shard consumer starts (or starts again): it waits for its parents, then gets an
    /// iterator (polling) or subscribes (enhanced fan-out).
    fn begin(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, a: usize, w: usize, shard: &str) {
        let now = ctx.now;
        if !self.still_owned(ctx, w, shard) {
            return;
        }
        let Some(lease) = self.leases.get(shard) else {
            return;
        };
        if lease.is_finished() {
            self.workers[w].shards.remove(shard);
            return;
        }
        let blocked = lease
            .parent_shard_ids
            .iter()
            .any(|p| self.leases.get(p).is_some_and(|pl| !pl.is_finished()));
        if blocked {
            if let Some(c) = self.consumer_mut(w, shard) {
                c.state = ShardState::BlockedOnParents;
            }
            self.shard_step(
                ctx,
                a,
                w,
                shard,
                now + PARENT_SHARD_POLL_INTERVAL_MS,
                Step::Begin,
            );
            return;
        }
        if let Some(c) = self.consumer_mut(w, shard) {
            c.state = ShardState::Initializing;
        }
        let (kind, seq) = self.start_position(w, shard);
        let result = match self.spec.retrieval {
            Retrieval::Polling => {
                let input = GetShardIteratorInput {
                    stream_name: Some(self.spec.stream.clone()),
                    shard_id: Some(shard.to_string()),
                    shard_iterator_type: Some(kind),
                    starting_sequence_number: seq,
                    ..Default::default()
                };
                k.with(ctx, |k, cx| k.get_shard_iterator(cx, &input))
                    .map(|out| {
                        if let Some(c) = self.consumer_mut(w, shard) {
                            c.iterator = Some(out.shard_iterator);
                            c.state = ShardState::Reading;
                        }
                        self.shard_step(ctx, a, w, shard, now + API_RTT_MS, Step::Fetch);
                    })
            }
            Retrieval::EnhancedFanOut => {
                let Some(arn) = self.consumer_arn.clone() else {
                    self.register(ctx, k);
                    self.shard_step(ctx, a, w, shard, now + RETRY_BACKOFF_MS, Step::Begin);
                    return;
                };
                let input = SubscribeToShardInput {
                    consumer_arn: Some(arn),
                    shard_id: Some(shard.to_string()),
                    starting_position: Some(StartingPosition {
                        kind: Some(kind),
                        sequence_number: seq,
                        timestamp: None,
                    }),
                };
                k.with(ctx, |k, cx| k.subscribe_to_shard_pushed(cx, &input))
                    .map(|id| {
                        if let Some(c) = self.consumer_mut(w, shard) {
                            c.subscription = Some(id);
                            c.state = ShardState::Reading;
                        }
                    })
            }
        };
        match result {
            Ok(()) => {}
            // The shard is gone (past retention) or the stream deleted: nothing more to read.
            Err(e)
                if e.code == "ResourceNotFoundException"
                    && k.svc.stream(&self.spec.stream).is_some() =>
            {
                self.finish_shard(ctx, k, a, w, shard)
            }
            // Throttled, the consumer not ACTIVE yet, a subscription taken over less than 5 s
            // ago, the stream not there: try again.
            Err(_) => self.shard_step(ctx, a, w, shard, now + RETRY_BACKOFF_MS, Step::Begin),
        }
    }

    fn fetch(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, a: usize, w: usize, shard: &str) {
        let now = ctx.now;
        let limit = self.spec.limit;
        let idle = self.spec.idle_time_between_reads_ms;
        let Some(c) = self.consumer_mut(w, shard) else {
            return;
        };
        let Some(iterator) = c.iterator.clone() else {
            return;
        };
        c.last_fetch_at = now;
        let input = GetRecordsInput {
            shard_iterator: Some(iterator),
            limit: Some(i64::from(limit)),
            stream_arn: None,
        };
        match k.with(ctx, |k, cx| k.get_records(cx, &input)) {
            Ok(out) => {
                let children = out.next_shard_iterator.is_none().then(|| {
                    out.child_shards
                        .iter()
                        .flatten()
                        .map(|c| c.shard_id.clone())
                        .collect::<Vec<_>>()
                });
                let records = read_records(&out.records);
                if let Some(c) = self.consumer_mut(w, shard) {
                    c.iterator = out.next_shard_iterator;
                    if children.is_some() {
                        c.end = children;
                    }
                }
                self.received(ctx, w, shard, &records, out.millis_behind_latest, false);
                self.after_read(ctx, k, a, w, shard, now + idle.max(API_RTT_MS));
            }
            Err(e) if e.code == "ProvisionedThroughputExceededException" => {
                self.totals.reads_throttled += 1;
                let ev = self.reader_event(w, shard);
                ctx.events.push(now, || EventKind::KinesisReadThrottled {
                    stream: ev.0,
                    shard_id: ev.1,
                    consumer: ev.2,
                    worker: ev.3,
                });
                // Back off with jitter (as the SDKs do), or readers polling in step would
                // keep meeting the same refusal every second.
                let at = now + idle.max(RETRY_BACKOFF_MS) + ctx.rng.below(THROTTLE_JITTER_MS);
                self.shard_step(ctx, a, w, shard, at, Step::Fetch);
            }
            Err(e) if e.code == "ExpiredIteratorException" => {
                self.totals.iterators_expired += 1;
                let ev = self.reader_event(w, shard);
                ctx.events.push(now, || EventKind::KinesisIteratorExpired {
                    stream: ev.0,
                    shard_id: ev.1,
                    consumer: ev.2,
                    worker: ev.3,
                });
                self.begin(ctx, k, a, w, shard);
            }
            Err(e)
                if e.code == "ResourceNotFoundException"
                    && k.svc.stream(&self.spec.stream).is_some() =>
            {
                self.finish_shard(ctx, k, a, w, shard)
            }
            Err(_) => self.shard_step(ctx, a, w, shard, now + RETRY_BACKOFF_MS, Step::Begin),
        }
    }

    /// (stream, shard, consumer, worker) for an event.
    fn reader_event(&self, w: usize, shard: &str) -> (String, String, String, String) {
        (
            self.spec.stream.clone(),
            shard.to_string(),
            self.name().to_string(),
            self.workers[w].id.clone(),
        )
    }

    /// Records arrived (a GetRecords answer or a push): they join the batch to process.
    fn received(
        &mut self,
        ctx: &mut Ctx,
        w: usize,
        shard: &str,
        records: &[(SeqNum, u64, SimTime)],
        millis_behind_latest: u64,
        enhanced_fan_out: bool,
    ) {
        let now = ctx.now;
        self.metrics.current.millis_behind_latest = max_opt(
            self.metrics.current.millis_behind_latest,
            millis_behind_latest,
        );
        let Some(&(last, _, arrival)) = records.last() else {
            return;
        };
        let age = now.saturating_sub(arrival);
        self.metrics.current.iterator_age_ms = max_opt(self.metrics.current.iterator_age_ms, age);
        let bytes: u64 = records.iter().map(|r| r.1).sum();
        self.totals.records_read += records.len() as u64;
        self.totals.bytes_read += bytes;
        let ev = self.reader_event(w, shard);
        let Some(c) = self.consumer_mut(w, shard) else {
            return;
        };
        c.batch.extend(records.iter().map(|r| r.0));
        c.batch_bytes += bytes;
        c.last_read = Some(last);
        let count = records.len();
        ctx.events.push(now, || EventKind::KinesisRecordsRead {
            stream: ev.0,
            shard_id: ev.1,
            consumer: ev.2,
            worker: ev.3,
            count,
            bytes,
            millis_behind_latest,
            iterator_age_ms: age,
            sequence_number: last.to_decimal(),
            enhanced_fan_out,
        });
    }

    /// After a read: process what came, or finish the shard, or read again at `next_read`
    /// (polling) / wait for the next push (enhanced fan-out).
    fn after_read(
        &mut self,
        ctx: &mut Ctx,
        k: &mut KinesisSlot,
        a: usize,
        w: usize,
        shard: &str,
        next_read: SimTime,
    ) {
        let retrieval = self.spec.retrieval;
        let Some(c) = self.consumer_mut(w, shard) else {
            return;
        };
        if !c.batch.is_empty() {
            c.state = ShardState::Processing;
            let n = c.batch.len();
            let mut work: SimTime = 0;
            for _ in 0..n {
                work += self.spec.processing.sample(ctx.rng);
            }
            self.shard_step(ctx, a, w, shard, ctx.now + work, Step::Processed);
        } else if c.end.is_some() {
            self.finish_shard(ctx, k, a, w, shard);
        } else if c.subscription.is_none() && retrieval == Retrieval::EnhancedFanOut {
            // The subscription ended (5 minutes, or taken over): subscribe again.
            c.state = ShardState::Initializing;
            self.shard_step(ctx, a, w, shard, ctx.now, Step::Begin);
        } else if retrieval == Retrieval::Polling && c.iterator.is_none() {
            // It read by enhanced fan-out until a change: get an iterator first.
            c.state = ShardState::Initializing;
            self.shard_step(ctx, a, w, shard, ctx.now, Step::Begin);
        } else if retrieval == Retrieval::Polling {
            c.state = ShardState::Reading;
            self.shard_step(ctx, a, w, shard, next_read, Step::Fetch);
        } else {
            c.state = ShardState::Reading;
        }
    }

    /// An enhanced fan-out consumer takes the events its subscription holds.
    fn take_pushed(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, a: usize, w: usize, shard: &str) {
        let Some(id) = self.consumer_mut(w, shard).and_then(|c| c.subscription) else {
            return;
        };
        let (events, ended) = k.with(ctx, |k, cx| k.take_pushed_events(cx, id));
        for e in events {
            let records = read_records(&e.records);
            if let Some(children) = &e.child_shards {
                if let Some(c) = self.consumer_mut(w, shard) {
                    c.end = Some(children.iter().map(|c| c.shard_id.clone()).collect());
                }
            }
            self.received(ctx, w, shard, &records, e.millis_behind_latest, true);
        }
        if ended {
            if let Some(c) = self.consumer_mut(w, shard) {
                c.subscription = None;
            }
        }
        self.after_read(ctx, k, a, w, shard, ctx.now);
    }

    /// The batch is processed: count it (and the duplicates), maybe checkpoint, read on.
    fn processed(&mut self, ctx: &mut Ctx, k: &mut KinesisSlot, a: usize, w: usize, shard: &str) {
        let now = ctx.now;
        let crash_p = self.spec.kcl.as_ref().map_or(0.0, |k| k.crash_probability);
        if crash_p > 0.0 && ctx.rng.chance(crash_p) {
            let restart = self.spec.kcl.as_ref().and_then(|k| k.restart_after_ms);
            self.die(ctx, a, w, restart);
            return;
        }
        let ev = self.reader_event(w, shard);
        let up_to = self.processed_up_to.get(shard).copied();
        let Some(c) = self.consumer_mut(w, shard) else {
            return;
        };
        let batch = std::mem::take(&mut c.batch);
        let bytes = std::mem::take(&mut c.batch_bytes);
        let Some(&last) = batch.last() else {
            return;
        };
        let duplicates = match up_to {
            Some(u) => batch.iter().filter(|s| **s <= u).count(),
            None => 0,
        };
        c.since_checkpoint += batch.len() as u64;
        let (since, last_cp_at) = (c.since_checkpoint, c.last_checkpoint_at);
        let count = batch.len();
        if up_to.is_none_or(|u| last > u) {
            self.processed_up_to.insert(shard.to_string(), last);
        }
        self.totals.records_processed += count as u64;
        self.totals.duplicates += duplicates as u64;
        self.metrics.current.records_processed += count as u64;
        self.metrics.current.bytes_processed += bytes;
        self.metrics.current.duplicates += duplicates as u64;
        ctx.events.push(now, || EventKind::KinesisRecordsProcessed {
            stream: ev.0,
            shard_id: ev.1,
            consumer: ev.2,
            worker: ev.3,
            count,
            duplicates,
            sequence_number: last.to_decimal(),
        });
        let due = match &self.spec.kcl {
            None => true,
            Some(k) => match (k.checkpoint_every_records, k.checkpoint_interval_ms) {
                (None, None) => true,
                (n, t) => n.is_some_and(|n| since >= n) || t.is_some_and(|t| now >= last_cp_at + t),
            },
        };
        if due && !self.checkpoint(ctx, w, shard, Checkpoint::Sequence(last)) {
            return;
        }
        let next_read = self.workers[w].shards.get(shard).map_or(now, |c| {
            (c.last_fetch_at + self.spec.idle_time_between_reads_ms).max(now)
        });
        match self.spec.retrieval {
            Retrieval::EnhancedFanOut
                if self.workers[w]
                    .shards
                    .get(shard)
                    .is_some_and(|c| c.subscription.is_some()) =>
            {
                if let Some(c) = self.consumer_mut(w, shard) {
                    c.state = ShardState::Reading;
                }
                self.take_pushed(ctx, k, a, w, shard)
            }
            _ => self.after_read(ctx, k, a, w, shard, next_read),
        }
    }

    /// Writes a checkpoint, if the worker still holds the lease (KCL's conditional update);
    /// false when the lease was lost.
    fn checkpoint(&mut self, ctx: &mut Ctx, w: usize, shard: &str, cp: Checkpoint) -> bool {
        if !self.still_owned(ctx, w, shard) {
            return false;
        }
        if let Some(l) = self.leases.get_mut(shard) {
            l.checkpoint = cp;
            l.owner_switches_since_checkpoint = 0;
        }
        if let Some(c) = self.consumer_mut(w, shard) {
            c.since_checkpoint = 0;
            c.last_checkpoint_at = ctx.now;
        }
        if self.is_kcl() {
            self.totals.checkpoints += 1;
            let (application, worker, shard_id, checkpoint) = (
                self.name().to_string(),
                self.workers[w].id.clone(),
                shard.to_string(),
                cp.as_text(),
            );
            ctx.events.push(ctx.now, || EventKind::KclCheckpoint {
                application,
                worker,
                shard_id,
                checkpoint,
            });
        }
        true
    }

    /// The shard was read to its end: checkpoint SHARD_END, add the children's leases, and
    /// look for work (a child) at once.
    fn finish_shard(
        &mut self,
        ctx: &mut Ctx,
        k: &mut KinesisSlot,
        a: usize,
        w: usize,
        shard: &str,
    ) {
        if !self.checkpoint(ctx, w, shard, Checkpoint::ShardEnd) {
            return;
        }
        let children = self.workers[w]
            .shards
            .remove(shard)
            .and_then(|c| c.end)
            .unwrap_or_default();
        self.totals.shards_ended += 1;
        if self.is_kcl() {
            let (application, worker, shard_id) = (
                self.name().to_string(),
                self.workers[w].id.clone(),
                shard.to_string(),
            );
            ctx.events.push(ctx.now, || EventKind::KclShardEnded {
                application,
                worker,
                shard_id,
                child_shard_ids: children,
            });
        }
        self.sync_shards(ctx, k);
        self.take(ctx, k, a, w);
    }
}

/// What a reader keeps of the records a GetRecords call or a SubscribeToShard event
/// returned: sequence number, data size and arrival, for both ways of reading.
fn read_records(records: &[crate::kinesis::api::RecordOut]) -> Vec<(SeqNum, u64, SimTime)> {
    records
        .iter()
        .filter_map(|r| {
            Some((
                SeqNum::parse(&r.sequence_number)?,
                r.data.len() as u64,
                sim_time_of(r.approximate_arrival_timestamp),
            ))
        })
        .collect()
}
