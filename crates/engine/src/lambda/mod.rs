//! AWS Lambda as an SQS consumer: functions (a minimal CreateFunction: name, timeout,
//! memory, environment) and event source mappings whose pollers receive batches from a
//! queue, invoke the function, and delete what it processed — through the router, never
//! through SQS itself (aws-rules §2.1). `ops.rs` holds the operations and their validation,
//! `poll.rs` the pollers, the invocations and the scaling, `api.rs` the JSON shapes.
//!
//! The world reaches Lambda only after a first `lambda` call (fn pointers it sets then, as
//! for CloudWatch's alarm clock): a run that never uses it is untouched.
//!
//! What a function does when invoked is read from its `Environment.Variables` (AWS-valid
//! members; mqlab's knobs): [`ENV_DURATION_MS`] and [`ENV_FAIL_IF_BODY_CONTAINS`].

pub mod api;
mod ops;
mod poll;

use crate::core::metrics::{Bill, Datapoint, MinuteSeries};
use crate::core::route::QueueReceived;
use crate::core::time::{SimTime, MS_PER_S};
use std::collections::BTreeMap;

/// A timer of the Lambda service.
#[derive(Clone, Debug)]
pub enum LambdaTimer {
    /// A mapping's transitional state (Creating, Updating, Enabling, Disabling, Deleting)
    /// settles; `gen` tells a stale timer from the current one.
    Settle { mapping: u64, gen: u64 },
    /// A mapping's pollers look at the queue.
    Poll { mapping: u64, gen: u64 },
    /// An invocation returns.
    Done { invocation: u64 },
}

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, LambdaTimer>;

/// Per-invocation duration, milliseconds (an `Environment.Variables` entry; default
/// [`DEFAULT_DURATION_MS`]). Longer than the function's Timeout: the invocation times out.
pub const ENV_DURATION_MS: &str = "MQLAB_DURATION_MS";
/// A marker: a message whose body contains it fails (an `Environment.Variables` entry).
pub const ENV_FAIL_IF_BODY_CONTAINS: &str = "MQLAB_FAIL_IF_BODY_CONTAINS";
/// What an invocation lasts without [`ENV_DURATION_MS`] (mqlab's choice).
pub const DEFAULT_DURATION_MS: u64 = 100;

/// CreateFunction's defaults and ranges (aws-rules §2.1).
pub const TIMEOUT_DEFAULT_S: u32 = 3;
pub const TIMEOUT_MAX_S: u32 = 900;
pub const MEMORY_DEFAULT_MB: u32 = 128;
pub const MEMORY_MIN_MB: u32 = 128;
pub const MEMORY_MAX_MB: u32 = 10_240;

/// How long a mapping stays Creating, Updating, Enabling, Disabling or Deleting before it
/// settles. UNCONFIRMED: AWS documents the states, not how long they last.
pub const STATE_TRANSITION_MS: SimTime = MS_PER_S;

/// Scaling of a mapping's concurrent batches (aws-rules §2.1): 5 at first, up to 300 more a
/// minute while messages wait (added as 5 a second), at most 1,000 or MaximumConcurrency.
pub const INITIAL_CONCURRENCY: u32 = 5;
pub const SCALE_STEP: u32 = 5;
pub const SCALE_STEP_MS: SimTime = MS_PER_S;
pub const CONCURRENCY_MAX: u32 = 1_000;
/// How often a mapping's pollers look at the queue. UNCONFIRMED: Lambda long-polls, which
/// answers as soon as a message arrives; a look each second stands in for it.
pub const POLL_INTERVAL_MS: SimTime = MS_PER_S;
/// An idle mapping's empty receives are billed and counted once per 20 s: one long poll of
/// ReceiveMessage's longest wait (mqlab's reading; AWS does not say how many pollers idle).
pub const EMPTY_RECEIVE_EVERY_MS: SimTime = 20 * MS_PER_S;
/// A batch holds at most 6 MB of payload (aws-rules §2.1).
pub const BATCH_PAYLOAD_MAX_BYTES: usize = 6 * 1024 * 1024;

/// $0.20 per million requests; $0.0000166667 per GB-second on x86 (us-east-1, aws-rules
/// §2.1), duration billed by the millisecond.
pub const USD_PER_REQUEST: f64 = 0.20 / 1_000_000.0;
pub const USD_PER_GB_SECOND: f64 = 0.000_016_666_7;

/// One function (what CreateFunction configured).
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub arn: String,
    pub runtime: Option<String>,
    pub role: Option<String>,
    pub handler: Option<String>,
    pub description: String,
    pub timeout_s: u32,
    pub memory_mb: u32,
    pub environment: BTreeMap<String, String>,
    pub last_modified: SimTime,
    /// The knobs read from the environment.
    pub duration_ms: u64,
    pub fail_marker: Option<String>,
    /// Invocations running now.
    pub running: u32,
    pub totals: FunctionTotals,
    pub metrics: MinuteSeries<FunctionMinute>,
}

/// A function's counts since it was created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionTotals {
    pub invocations: u64,
    pub errors: u64,
    /// Messages whose batch succeeded (deleted) and messages returned to the queue.
    pub messages_processed: u64,
    pub messages_failed: u64,
    pub peak_concurrency: u32,
}

/// One minute of a function's metrics (`AWS/Lambda`, dimension `FunctionName`).
#[derive(Clone, Debug, Default)]
pub struct FunctionMinute {
    pub start: SimTime,
    pub invocations: u64,
    pub errors: u64,
    pub duration_ms_sum: u64,
    pub durations: u64,
    pub concurrent_max: u32,
}

impl FunctionMinute {
    fn values(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![
            ("Invocations", self.invocations as f64),
            ("Errors", self.errors as f64),
            ("ConcurrentExecutions", self.concurrent_max as f64),
        ];
        if self.durations > 0 {
            v.push((
                "Duration",
                self.duration_ms_sum as f64 / self.durations as f64,
            ));
        }
        v
    }
}
crate::minute!(FunctionMinute);

/// A mapping's state (`State` of EventSourceMappingConfiguration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappingState {
    Creating,
    Enabling,
    Enabled,
    Disabling,
    Disabled,
    Updating,
    Deleting,
}

impl MappingState {
    pub fn as_str(self) -> &'static str {
        match self {
            MappingState::Creating => "Creating",
            MappingState::Enabling => "Enabling",
            MappingState::Enabled => "Enabled",
            MappingState::Disabling => "Disabling",
            MappingState::Disabled => "Disabled",
            MappingState::Updating => "Updating",
            MappingState::Deleting => "Deleting",
        }
    }

    /// A state that settles by itself (no update or delete meanwhile).
    pub fn transitional(self) -> bool {
        !matches!(self, MappingState::Enabled | MappingState::Disabled)
    }
}

/// One event source mapping from an SQS queue to a function, and its pollers.
#[derive(Clone, Debug)]
pub struct Mapping {
    pub id: u64,
    pub uuid: String,
    pub function: String,
    pub queue_arn: String,
    pub fifo: bool,
    pub batch_size: u32,
    pub window_s: u32,
    pub report_item_failures: bool,
    pub maximum_concurrency: Option<u32>,
    pub enabled: bool,
    pub state: MappingState,
    pub last_modified: SimTime,
    state_gen: u64,
    /// Concurrent batches the pollers may run now (aws-rules §2.1).
    pub concurrency: u32,
    /// Batches being processed now.
    pub in_flight: u32,
    /// The most batches in flight at once so far.
    pub peak_in_flight: u32,
    last_scale_at: SimTime,
    /// Since when every batch slot has been busy with messages still waiting.
    backlog_since: Option<SimTime>,
    poll_gen: u64,
    poll_at: Option<SimTime>,
    /// The batch being gathered (a batching window waits to fill it).
    filling: Vec<QueueReceived>,
    filling_bytes: usize,
    filling_since: SimTime,
    empty_counted_at: Option<SimTime>,
}

impl Mapping {
    /// At most 1,000 concurrent batches, or MaximumConcurrency.
    pub fn concurrency_cap(&self) -> u32 {
        self.maximum_concurrency.unwrap_or(CONCURRENCY_MAX)
    }

    fn initial_concurrency(&self) -> u32 {
        INITIAL_CONCURRENCY.min(self.concurrency_cap())
    }

    /// Whether the pollers run (an update keeps them running).
    fn polling(&self) -> bool {
        self.enabled && matches!(self.state, MappingState::Enabled | MappingState::Updating)
    }
}

/// An invocation in progress: the batch, where it came from, how it ends.
#[derive(Clone, Debug)]
struct Invocation {
    mapping: u64,
    function: String,
    queue_arn: String,
    report_item_failures: bool,
    fifo: bool,
    fail_marker: Option<String>,
    messages: Vec<QueueReceived>,
    duration_ms: u64,
    timed_out: bool,
}

/// The Lambda service: functions by name, mappings by creation, invocations in flight, and
/// what it has billed.
#[derive(Clone, Debug, Default)]
pub struct Lambda {
    functions: BTreeMap<String, Function>,
    mappings: BTreeMap<u64, Mapping>,
    next_mapping: u64,
    invocations: BTreeMap<u64, Invocation>,
    next_invocation: u64,
    requests: u64,
    /// Megabyte-milliseconds of every invocation so far.
    mb_ms: u128,
}

impl Lambda {
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.get(name)
    }

    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.functions.values()
    }

    pub fn mapping(&self, uuid: &str) -> Option<&Mapping> {
        self.mappings.values().find(|m| m.uuid == uuid)
    }

    pub fn mappings(&self) -> impl Iterator<Item = &Mapping> {
        self.mappings.values()
    }

    /// The cost meter's line: requests and GB-seconds.
    pub fn bill(&self) -> Bill {
        let gb_s = self.mb_ms as f64 / 1024.0 / MS_PER_S as f64;
        Bill {
            service: "Lambda",
            requests: self.requests,
            usd: self.requests as f64 * USD_PER_REQUEST + gb_s * USD_PER_GB_SECOND,
        }
    }

    /// Every closed minute of every function (`AWS/Lambda`, dimension `FunctionName`).
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for f in self.functions.values() {
            f.metrics
                .publish("AWS/Lambda", &[("FunctionName", &f.name)], &mut out);
        }
        out
    }

    /// `count` synchronous invocations another service makes at once (Firehose's
    /// transformation, aws-rules §5.4): counted, billed and in the function's metrics as a
    /// mapping's are, each lasting the function's duration (cut at its Timeout, then an
    /// error). Answers the function's knobs, or `None` when there is no such function.
    pub(crate) fn invoke_for_service(
        &mut self,
        name: &str,
        count: u64,
    ) -> Option<crate::core::route::FunctionInfo> {
        let f = self.functions.get_mut(name)?;
        let timeout_ms = u64::from(f.timeout_s) * MS_PER_S;
        let timed_out = f.duration_ms > timeout_ms;
        let duration_ms = f.duration_ms.min(timeout_ms);
        f.totals.invocations += count;
        f.totals.errors += if timed_out { count } else { 0 };
        let m = &mut f.metrics.current;
        m.invocations += count;
        m.errors += if timed_out { count } else { 0 };
        m.duration_ms_sum += duration_ms * count;
        m.durations += count;
        self.requests += count;
        self.mb_ms += f.memory_mb as u128 * duration_ms as u128 * count as u128;
        Some(crate::core::route::FunctionInfo {
            duration_ms: f.duration_ms,
            timeout_ms,
            fail_marker: f.fail_marker.clone(),
        })
    }

    /// Closes each function's minute; ConcurrentExecutions carries over what still runs.
    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        for f in self.functions.values_mut() {
            let running = f.running;
            f.metrics.close(now, |_| {});
            f.metrics.current.concurrent_max = running;
        }
    }
}
