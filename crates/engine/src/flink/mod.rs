//! Amazon Managed Service for Apache Flink, reduced to what mqlab shows: an application that
//! reads a Kinesis stream and computes windows by key — tumbling, hopping (sliding) or session
//! windows of COUNT, SUM, MIN, MAX or AVG of a JSON field — on event time (a JSON field of
//! the record, with a watermark and an allowed lateness) or on arrival time; late records are
//! counted and dropped; results are events and, with a sink, records put into another stream
//! (aws-rules §6.2). The window is declared ([`WindowSpec`]), not written in SQL: [`sql`]
//! renders the equivalent Flink SQL for the page's code view. Kinesis Data Analytics for SQL
//! is discontinued (aws-rules §6.1): its runtime `SQL-1_0` is refused.
//!
//! The application reads and writes streams through the router, never through Kinesis itself;
//! the world reaches it only after a first `kinesisanalyticsv2` call. `api.rs` is the control
//! plane (CreateApplication … DeleteApplication).

pub mod api;

use crate::core::event::EventKind;
use crate::core::payload::Payload;
use crate::core::route::Router;
use crate::core::time::{iso8601_ms, SimTime, EPOCH_S, MS_PER_S};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, FlinkTimer>;

/// A timer of the service.
#[derive(Clone, Debug)]
pub enum FlinkTimer {
    /// STARTING, STOPPING or DELETING settles; `gen` tells a stale timer from the current.
    Settle { app: String, gen: u64 },
    /// A running application reads its source.
    Poll { app: String, gen: u64 },
}

/// How often a running application reads its source stream: the Kinesis connector's default
/// interval between GetRecords calls, 200 ms (UNCONFIRMED for the current connector), which
/// is also Flink's default watermark interval.
pub const POLL_INTERVAL_MS: SimTime = 200;
/// How long STARTING, STOPPING and DELETING last. UNCONFIRMED: AWS documents the states; an
/// application takes about a minute to start, mqlab shortens it to keep scripts short.
pub const STARTING_MS: SimTime = 30 * MS_PER_S;
pub const STOPPING_MS: SimTime = 10 * MS_PER_S;
pub const DELETING_MS: SimTime = 5 * MS_PER_S;
/// The property group of ApplicationConfiguration.EnvironmentProperties that declares the
/// window (an AWS-valid place for an application's settings; the keys are mqlab's).
pub const PROPERTY_GROUP: &str = "mqlab.window";
/// Windows held open at once by one application (mqlab's memory bound): past it, the first
/// by key and start is forgotten.
pub const OPEN_WINDOWS_MAX: usize = 100_000;

/// The window of an application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum WindowKind {
    /// Fixed, non-overlapping windows aligned on multiples of the size.
    Tumbling { size_ms: SimTime },
    /// Windows of `size_ms` starting every `slide_ms` (a multiple of it): a record counts in
    /// size/slide windows.
    Hopping { size_ms: SimTime, slide_ms: SimTime },
    /// A key's window closes after `gap_ms` without a record.
    Session { gap_ms: SimTime },
}

/// Which clock windows follow.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TimeSpec {
    /// When the application reads the record (Flink's processing time, `PROCTIME()`).
    #[default]
    Arrival,
    /// Epoch milliseconds in the record's JSON `field`; the watermark trails the highest seen
    /// by `watermark_delay_ms`; a window keeps accepting records `allowed_lateness_ms` past it.
    Event {
        field: String,
        #[serde(default)]
        watermark_delay_ms: SimTime,
        #[serde(default)]
        allowed_lateness_ms: SimTime,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Aggregate {
    Count,
    Sum,
    Min,
    Max,
    Avg,
}

/// What an application computes (a scenario can declare it; `mqlab api` reads it from the
/// [`PROPERTY_GROUP`] property group).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// The source Kinesis stream's name.
    pub source: String,
    /// Start at the oldest record (TRIM_HORIZON) rather than after the newest (LATEST, the
    /// connector's default).
    #[serde(default)]
    pub from_start: bool,
    pub window: WindowKind,
    #[serde(default)]
    pub time: TimeSpec,
    /// The JSON field records are grouped by (none: one group).
    #[serde(default)]
    pub key: Option<String>,
    pub aggregate: Aggregate,
    /// The JSON field aggregated (not for COUNT).
    #[serde(default)]
    pub field: Option<String>,
    /// The Kinesis stream results are put into.
    #[serde(default)]
    pub sink: Option<String>,
}

impl WindowSpec {
    /// Why the spec cannot run, naming the property.
    pub fn check(&self) -> Result<(), String> {
        let positive = |v: SimTime, name: &str| {
            if v == 0 {
                Err(format!("{name} must be greater than 0."))
            } else {
                Ok(())
            }
        };
        if self.source.is_empty() {
            return Err("source must name a Kinesis stream.".into());
        }
        match self.window {
            WindowKind::Tumbling { size_ms } => positive(size_ms, "size")?,
            WindowKind::Hopping { size_ms, slide_ms } => {
                positive(size_ms, "size")?;
                positive(slide_ms, "slide")?;
                if !size_ms.is_multiple_of(slide_ms) {
                    return Err(
                        "A hopping window's size must be an integral multiple of its slide.".into(),
                    );
                }
            }
            WindowKind::Session { gap_ms } => positive(gap_ms, "gap")?,
        }
        if self.aggregate != Aggregate::Count && self.field.as_deref().unwrap_or("").is_empty() {
            return Err(
                format!("{:?} needs the field it aggregates.", self.aggregate).to_uppercase(),
            );
        }
        Ok(())
    }

    fn lateness(&self) -> SimTime {
        match self.time {
            TimeSpec::Event {
                allowed_lateness_ms,
                ..
            } => allowed_lateness_ms,
            TimeSpec::Arrival => 0,
        }
    }
}

/// ApplicationStatus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppStatus {
    Ready,
    Starting,
    Running,
    Stopping,
    Deleting,
}

impl AppStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Ready => "READY",
            AppStatus::Starting => "STARTING",
            AppStatus::Running => "RUNNING",
            AppStatus::Stopping => "STOPPING",
            AppStatus::Deleting => "DELETING",
        }
    }
}

/// One window's accumulator.
#[derive(Clone, Debug)]
struct Acc {
    end: SimTime,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    fired: bool,
    dirty: bool,
}

impl Acc {
    fn new(end: SimTime) -> Acc {
        Acc {
            end,
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            fired: false,
            dirty: true,
        }
    }

    fn add(&mut self, v: f64) {
        self.count += 1;
        self.sum += v;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.dirty = true;
    }

    fn merge(&mut self, o: &Acc) {
        self.count += o.count;
        self.sum += o.sum;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        self.end = self.end.max(o.end);
        self.fired |= o.fired;
        self.dirty = true;
    }

    fn value(&self, a: Aggregate) -> f64 {
        match a {
            Aggregate::Count => self.count as f64,
            Aggregate::Sum => self.sum,
            Aggregate::Min => self.min,
            Aggregate::Max => self.max,
            Aggregate::Avg => self.sum / self.count.max(1) as f64,
        }
    }
}

/// What an application has done since it was created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppTotals {
    pub records_in: u64,
    /// Records that are not JSON or lack the time or aggregated field.
    pub unreadable: u64,
    pub windows_fired: u64,
    /// Records behind the watermark: dropped (later than the allowed lateness) or accepted.
    pub late_dropped: u64,
    pub late_accepted: u64,
    pub sink_records: u64,
    pub sink_errors: u64,
}

/// A running job's state (discarded when the application stops: mqlab takes no snapshot).
#[derive(Clone, Debug, Default)]
struct Job {
    positions: BTreeMap<String, String>,
    max_event: Option<SimTime>,
    windows: BTreeMap<(String, SimTime), Acc>,
}

/// One application.
#[derive(Clone, Debug)]
pub struct Application {
    pub name: String,
    pub arn: String,
    pub description: String,
    pub runtime: String,
    pub role: String,
    pub status: AppStatus,
    pub version_id: u64,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub property_groups: BTreeMap<String, BTreeMap<String, String>>,
    pub spec: Option<WindowSpec>,
    pub totals: AppTotals,
    gen: u64,
    job: Option<Job>,
}

/// The service: applications by name.
#[derive(Clone, Debug, Default)]
pub struct Flink {
    apps: BTreeMap<String, Application>,
}

impl Flink {
    pub fn application(&self, name: &str) -> Option<&Application> {
        self.apps.get(name)
    }

    pub fn applications(&self) -> impl Iterator<Item = &Application> {
        self.apps.values()
    }

    /// Adds a running application with `spec` at once (a scenario's declaration; the API
    /// goes through CreateApplication and StartApplication).
    pub fn run_spec(&mut self, ctx: &mut Ctx, name: &str, spec: WindowSpec) -> Result<(), String> {
        spec.check()?;
        if self.apps.contains_key(name) {
            return Err(format!("Application {name} already exists"));
        }
        let mut app = Application::new(name, "FLINK-1_20", "", ctx.now);
        app.spec = Some(spec);
        self.apps.insert(name.to_string(), app);
        self.settle_to(ctx, name, AppStatus::Running);
        Ok(())
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, router: &mut dyn Router, t: FlinkTimer) {
        match t {
            FlinkTimer::Settle { app, gen } => {
                let Some(a) = self.apps.get(&app).filter(|a| a.gen == gen) else {
                    return;
                };
                match a.status {
                    AppStatus::Starting => self.settle_to(ctx, &app, AppStatus::Running),
                    AppStatus::Stopping => self.settle_to(ctx, &app, AppStatus::Ready),
                    AppStatus::Deleting => {
                        self.apps.remove(&app);
                    }
                    _ => {}
                }
            }
            FlinkTimer::Poll { app, gen } => {
                let Some(a) = self.apps.get_mut(&app).filter(|a| a.gen == gen) else {
                    return;
                };
                a.poll(ctx, router);
                ctx.timers
                    .schedule(ctx.now + POLL_INTERVAL_MS, FlinkTimer::Poll { app, gen });
            }
        }
    }

    /// Moves an application to a settled state (RUNNING starts its job and its polls).
    fn settle_to(&mut self, ctx: &mut Ctx, name: &str, status: AppStatus) {
        let Some(a) = self.apps.get_mut(name) else {
            return;
        };
        a.status = status;
        a.gen += 1;
        a.job = None;
        if status == AppStatus::Running {
            a.job = Some(Job::default());
            ctx.timers.schedule(
                ctx.now,
                FlinkTimer::Poll {
                    app: name.to_string(),
                    gen: a.gen,
                },
            );
        }
    }

    /// Moves an application to a transitional state that settles after `after`.
    fn transition(&mut self, ctx: &mut Ctx, name: &str, status: AppStatus, after: SimTime) {
        let Some(a) = self.apps.get_mut(name) else {
            return;
        };
        a.status = status;
        a.gen += 1;
        a.updated_at = ctx.now;
        let gen = a.gen;
        ctx.timers.schedule(
            ctx.now + after,
            FlinkTimer::Settle {
                app: name.to_string(),
                gen,
            },
        );
    }
}

/// A JSON field as a group key: a string as itself, anything else as its JSON text.
fn key_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "null".into(),
    }
}

impl Application {
    fn new(name: &str, runtime: &str, role: &str, now: SimTime) -> Application {
        Application {
            name: name.to_string(),
            arn: crate::core::aws::arn("kinesisanalytics", &format!("application/{name}")),
            description: String::new(),
            runtime: runtime.to_string(),
            role: role.to_string(),
            status: AppStatus::Ready,
            version_id: 1,
            created_at: now,
            updated_at: now,
            property_groups: BTreeMap::new(),
            spec: None,
            totals: AppTotals::default(),
            gen: 0,
            job: None,
        }
    }

    /// Windows open now: (key, start, end, count).
    pub fn open_windows(&self) -> Vec<(String, SimTime, SimTime, u64)> {
        self.job
            .iter()
            .flat_map(|j| j.windows.iter())
            .map(|((k, s), a)| (k.clone(), *s, a.end, a.count))
            .collect()
    }

    /// The current watermark (event time), if any record has set it.
    pub fn watermark(&self) -> Option<SimTime> {
        let (Some(spec), Some(job)) = (&self.spec, &self.job) else {
            return None;
        };
        match spec.time {
            TimeSpec::Event {
                watermark_delay_ms, ..
            } => job
                .max_event
                .and_then(|m| m.checked_sub(watermark_delay_ms + 1)),
            TimeSpec::Arrival => None,
        }
    }

    /// Reads what arrived, assigns it to windows, fires the windows the watermark (or the
    /// clock, on arrival time) has passed and forgets those past the allowed lateness.
    fn poll(&mut self, ctx: &mut Ctx, router: &mut dyn Router) {
        let (Some(spec), Some(job)) = (self.spec.clone(), self.job.as_mut()) else {
            return;
        };
        let Ok(mut records) = router.read_stream(&spec.source, &mut job.positions, spec.from_start)
        else {
            return;
        };
        records.sort_by_key(|r| r.arrival);
        // Flink emits watermarks periodically: records of one read see the watermark the
        // previous read left.
        let wm = self.watermark_i();
        for r in &records {
            self.totals.records_in += 1;
            let Ok(v) = serde_json::from_slice::<Value>(&r.data.as_bytes()) else {
                self.totals.unreadable += 1;
                continue;
            };
            let value = match spec.aggregate {
                Aggregate::Count => Some(0.0),
                _ => spec
                    .field
                    .as_deref()
                    .and_then(|f| v.get(f))
                    .and_then(Value::as_f64),
            };
            let t = match &spec.time {
                TimeSpec::Arrival => Some(ctx.now),
                TimeSpec::Event { field, .. } => v
                    .get(field)
                    .and_then(Value::as_u64)
                    .and_then(|ms| ms.checked_sub(EPOCH_S * MS_PER_S)),
            };
            let (Some(value), Some(t)) = (value, t) else {
                self.totals.unreadable += 1;
                continue;
            };
            let key = spec
                .key
                .as_deref()
                .map_or(String::new(), |k| key_text(v.get(k)));
            self.add(ctx, &spec, key, t, value, wm);
            if let (TimeSpec::Event { .. }, Some(job)) = (&spec.time, self.job.as_mut()) {
                job.max_event = job.max_event.max(Some(t));
            }
        }
        let clock = match spec.time {
            TimeSpec::Event { .. } => self.watermark_i(),
            TimeSpec::Arrival => ctx.now as i64 - 1,
        };
        self.fire(ctx, router, &spec, clock);
    }

    fn watermark_i(&self) -> i64 {
        self.watermark().map_or(i64::MIN, |w| w as i64)
    }

    /// Adds a record at `t` to its windows, unless every one of them is later than the
    /// allowed lateness behind the watermark `wm`.
    fn add(
        &mut self,
        ctx: &mut Ctx,
        spec: &WindowSpec,
        key: String,
        t: SimTime,
        value: f64,
        wm: i64,
    ) {
        let lateness = spec.lateness() as i64;
        let late = |end: SimTime| end as i64 - 1 + lateness <= wm;
        let behind = |end: SimTime| end as i64 - 1 <= wm;
        let Some(job) = self.job.as_mut() else {
            return;
        };
        if job.windows.len() >= OPEN_WINDOWS_MAX {
            job.windows.pop_first();
        }
        let (mut added, mut was_behind) = (false, false);
        match spec.window {
            WindowKind::Session { gap_ms } => {
                let mut acc = Acc::new(t + gap_ms);
                let mut start = t;
                let overlapping: Vec<SimTime> = job
                    .windows
                    .range((key.clone(), 0)..(key.clone(), t + gap_ms))
                    .filter(|(_, a)| a.end > t)
                    .map(|((_, s), _)| *s)
                    .collect();
                let end = overlapping
                    .iter()
                    .filter_map(|s| job.windows.get(&(key.clone(), *s)))
                    .map(|a| a.end)
                    .fold(t + gap_ms, SimTime::max);
                if !late(end) {
                    for s in overlapping {
                        if let Some(o) = job.windows.remove(&(key.clone(), s)) {
                            was_behind |= o.fired;
                            acc.merge(&o);
                            start = start.min(s);
                        }
                    }
                    acc.add(value);
                    was_behind |= behind(acc.end);
                    job.windows.insert((key.clone(), start), acc);
                    added = true;
                }
            }
            WindowKind::Tumbling { size_ms } | WindowKind::Hopping { size_ms, .. } => {
                let slide = match spec.window {
                    WindowKind::Hopping { slide_ms, .. } => slide_ms,
                    _ => size_ms,
                };
                let mut start = t - t % slide;
                loop {
                    let end = start + size_ms;
                    if end > t && !late(end) {
                        was_behind |= behind(end);
                        job.windows
                            .entry((key.clone(), start))
                            .or_insert_with(|| Acc::new(end))
                            .add(value);
                        added = true;
                    }
                    if start < slide {
                        break;
                    }
                    start -= slide;
                    if start + size_ms <= t {
                        break;
                    }
                }
            }
        }
        if added && !was_behind {
            return;
        }
        if added {
            self.totals.late_accepted += 1;
        } else {
            self.totals.late_dropped += 1;
        }
        let app = self.name.clone();
        ctx.events.push(ctx.now, || EventKind::LateRecord {
            app,
            key,
            event_time: t,
            dropped: !added,
        });
    }

    /// Fires every changed window whose end the clock has passed, then forgets those past the
    /// allowed lateness.
    fn fire(&mut self, ctx: &mut Ctx, router: &mut dyn Router, spec: &WindowSpec, clock: i64) {
        let lateness = spec.lateness() as i64;
        let Some(job) = self.job.as_mut() else {
            return;
        };
        let mut out = Vec::new();
        for ((key, start), acc) in job.windows.iter_mut() {
            if acc.dirty && acc.end as i64 - 1 <= clock {
                out.push((
                    key.clone(),
                    *start,
                    acc.end,
                    acc.value(spec.aggregate),
                    acc.count,
                    acc.fired,
                ));
                acc.dirty = false;
                acc.fired = true;
            }
        }
        job.windows
            .retain(|_, a| a.end as i64 - 1 + lateness > clock || a.dirty);
        for (key, start, end, value, count, late_firing) in out {
            self.totals.windows_fired += 1;
            if let Some(sink) = &spec.sink {
                let body = serde_json::json!({
                    "window_start": iso8601_ms(start),
                    "window_end": iso8601_ms(end),
                    "key": key,
                    "value": value,
                    "count": count,
                });
                let pk = if key.is_empty() { "all" } else { &key };
                match router.put_to_stream(ctx.shared(), sink, pk, Payload::text(body.to_string()))
                {
                    Ok(_) => self.totals.sink_records += 1,
                    Err(_) => self.totals.sink_errors += 1,
                }
            }
            let app = self.name.clone();
            ctx.events.push(ctx.now, || EventKind::WindowClosed {
                app,
                key,
                start,
                end,
                value,
                count,
                late_firing,
            });
        }
    }
}

/// `'60' SECOND`, `'1.5' SECOND`.
fn interval(ms: SimTime) -> String {
    format!("INTERVAL '{}' SECOND", ms as f64 / MS_PER_S as f64)
}

/// The Flink SQL (Managed Service for Apache Flink, FLINK-1_20: a source table with a
/// WATERMARK clause and a windowing table-valued function) equivalent to `spec`: the
/// page's code view.
pub fn sql(spec: &WindowSpec) -> String {
    let q = |f: &str| format!("`{f}`");
    let mut cols: Vec<String> = Vec::new();
    if let Some(k) = &spec.key {
        cols.push(format!("  {} STRING", q(k)));
    }
    if let Some(f) = &spec.field {
        cols.push(format!("  {} DOUBLE", q(f)));
    }
    let (ts, lateness) = match &spec.time {
        TimeSpec::Event {
            field,
            watermark_delay_ms,
            allowed_lateness_ms,
        } => {
            cols.push(format!("  {} BIGINT", q(field)));
            cols.push(format!("  event_time AS TO_TIMESTAMP_LTZ({}, 3)", q(field)));
            cols.push(format!(
                "  WATERMARK FOR event_time AS event_time - {}",
                interval(*watermark_delay_ms)
            ));
            ("event_time", *allowed_lateness_ms)
        }
        TimeSpec::Arrival => {
            cols.push("  proc_time AS PROCTIME()".into());
            ("proc_time", 0)
        }
    };
    let arn = |s: &str| crate::core::aws::arn("kinesis", &format!("stream/{s}"));
    let pos = if spec.from_start {
        "TRIM_HORIZON"
    } else {
        "LATEST"
    };
    let mut s = format!(
        "CREATE TABLE source_stream (\n{}\n) WITH (\n  'connector' = 'kinesis',\n  'stream.arn' = '{}',\n  'aws.region' = '{}',\n  'source.init.position' = '{pos}',\n  'format' = 'json'\n);\n\n",
        cols.join(",\n"),
        arn(&spec.source),
        crate::core::aws::REGION
    );
    let agg = match (spec.aggregate, &spec.field) {
        (Aggregate::Count, _) | (_, None) => "COUNT(*)".to_string(),
        (a, Some(f)) => format!("{}({})", format!("{a:?}").to_uppercase(), q(f)),
    };
    let key = spec.key.as_deref().map(q);
    let tvf = match spec.window {
        WindowKind::Tumbling { size_ms } => {
            format!(
                "TUMBLE(TABLE source_stream, DESCRIPTOR({ts}), {})",
                interval(size_ms)
            )
        }
        WindowKind::Hopping { size_ms, slide_ms } => format!(
            "HOP(TABLE source_stream, DESCRIPTOR({ts}), {}, {})",
            interval(slide_ms),
            interval(size_ms)
        ),
        WindowKind::Session { gap_ms } => format!(
            "SESSION(TABLE source_stream{}, DESCRIPTOR({ts}), {})",
            key.as_ref()
                .map_or(String::new(), |k| format!(" PARTITION BY {k}")),
            interval(gap_ms)
        ),
    };
    if let Some(sink) = &spec.sink {
        s += &format!(
            "CREATE TABLE sink_stream (\n  window_start TIMESTAMP(3),\n  window_end TIMESTAMP(3),\n  `key` STRING,\n  `value` DOUBLE,\n  `count` BIGINT\n) WITH (\n  'connector' = 'kinesis',\n  'stream.arn' = '{}',\n  'aws.region' = '{}',\n  'format' = 'json'\n);\n\nINSERT INTO sink_stream\n",
            arn(sink),
            crate::core::aws::REGION
        );
    }
    if lateness > 0 {
        s += &format!(
            "-- Allowed lateness {}: records up to that far behind the watermark update their window\n-- (the DataStream API's allowedLateness; window TVFs drop every record behind it).\n",
            interval(lateness).trim_start_matches("INTERVAL ")
        );
    }
    s += &format!(
        "SELECT window_start, window_end, {} AS `key`, {agg} AS `value`, COUNT(*) AS `count`\nFROM TABLE(\n  {tvf})\nGROUP BY window_start, window_end{};\n",
        key.clone().unwrap_or_else(|| "''".into()),
        key.map_or(String::new(), |k| format!(", {k}"))
    );
    s
}
