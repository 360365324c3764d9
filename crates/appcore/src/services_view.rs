//! What the full page draws of the services beside queues, topics and streams: Amazon MQ
//! brokers (their instances, destinations, producers and each consumer's prefetch window),
//! Firehose delivery streams (the buffer filling towards its size and interval, the objects
//! it wrote), Flink applications (windows open over the timeline, the ones that closed, the
//! watermark, and the Flink SQL that computes the same) and Kinesis video streams (their
//! fragments on a timeline).
//!
//! Most of it is read from the world at each sync; what the world does not keep (windows
//! that closed, late records, flow control) is folded from the events. In the first download
//! none of it is built (`crate::sim::FULL_PAGE` is false there, so none of it is linked).

use crate::view::push_capped;
use mqlab_engine::flink::{Aggregate, TimeSpec, WindowKind, WindowSpec};
use mqlab_engine::mq::plane::ConnState;
use mqlab_engine::mq::{Broker, DeploymentMode, Engine};
use mqlab_engine::{EventKind, SimTime, World};
use std::collections::VecDeque;

/// Windows that closed, kept for the drawing (the newest).
pub const CLOSED_WINDOWS_MAX: usize = 48;
/// Late records kept for the drawing (the newest).
pub const LATE_RECORDS_MAX: usize = 32;
/// Objects of a delivery stream drawn in its bucket (the newest).
pub const OBJECTS_DRAWN_MAX: usize = 8;
/// Objects put (in any bucket) kept for the drawing, the newest.
pub const OBJECTS_KEPT: usize = 64;
/// Fragments of a video stream drawn on its timeline (the newest).
pub const FRAGMENTS_DRAWN_MAX: usize = 60;
/// How long a producer's connection shows as blocked after flow control, virtual ms.
pub const BLOCKED_SHOWN_MS: SimTime = 1_000;

/// Everything the services strip draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServicesView {
    pub lambdas: Vec<LambdaView>,
    pub brokers: Vec<BrokerView>,
    pub firehoses: Vec<FirehoseView>,
    pub flinks: Vec<FlinkView>,
    pub videos: Vec<VideoView>,
}

/// The services' view as a frame's summary holds it: shared, since the summary is cloned
/// for the panels, and compared in the full page only, so the first download (where it is
/// always empty) links neither a deep clone nor a comparison of it.
#[derive(Clone, Debug, Default)]
pub struct SharedServices(pub std::rc::Rc<ServicesView>);

impl PartialEq for SharedServices {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0) || (crate::sim::FULL_PAGE && self.0 == other.0)
    }
}

impl std::ops::Deref for SharedServices {
    type Target = ServicesView;
    fn deref(&self) -> &ServicesView {
        &self.0
    }
}

impl ServicesView {
    pub fn is_empty(&self) -> bool {
        self.lambdas.is_empty()
            && self.brokers.is_empty()
            && self.firehoses.is_empty()
            && self.flinks.is_empty()
            && self.videos.is_empty()
    }
}

/// A Lambda event source mapping's pollers: batches in flight of those allowed now (5 at
/// first, more each minute while messages wait), up to its cap (aws-rules §2.1).
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaView {
    pub function: String,
    pub queue: String,
    pub in_flight: u32,
    pub allowed: u32,
    pub cap: u32,
    pub state: String,
}

/// A broker instance's (ActiveMQ) or cluster node's (RabbitMQ) role now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeRole {
    /// Holds the storage lock: clients connect to it.
    Active,
    /// Waits for the lock (active/standby).
    Standby,
    /// A RabbitMQ cluster node that is up.
    Node,
    Down,
}

impl NodeRole {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeRole::Active => "active",
            NodeRole::Standby => "standby",
            NodeRole::Node => "up",
            NodeRole::Down => "down",
        }
    }
}

/// A queue, topic or exchange inside a broker.
#[derive(Clone, Debug, PartialEq)]
pub struct DestView {
    pub name: String,
    /// `queue`, `quorum queue`, `classic queue`, `topic`, or an exchange's type
    /// (`direct exchange`, …).
    pub kind: String,
    /// Messages waiting (queues; a topic or an exchange holds none).
    pub waiting: usize,
    pub exchange: bool,
}

/// An exchange's binding to a queue, with its routing key (or header match).
#[derive(Clone, Debug, PartialEq)]
pub struct BindingView {
    pub exchange: String,
    pub queue: String,
    pub key: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MqProducerView {
    pub name: String,
    /// The queue, topic or exchange it publishes to.
    pub target: String,
    pub persistent: bool,
    pub rate_per_s: f64,
    pub published: u64,
    /// Flow control held it back within the last [`BLOCKED_SHOWN_MS`].
    pub blocked: bool,
}

/// One consumer instance and its prefetch window: `held` of `prefetch` slots hold messages
/// pushed to it and not yet acknowledged.
#[derive(Clone, Debug, PartialEq)]
pub struct MqConsumerView {
    pub name: String,
    pub destination: String,
    pub prefetch: u32,
    pub held: u32,
    pub connected: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerView {
    pub name: String,
    pub engine: &'static str,
    pub mode: &'static str,
    pub instance_type: String,
    pub state: &'static str,
    pub nodes: Vec<NodeRole>,
    pub destinations: Vec<DestView>,
    pub bindings: Vec<BindingView>,
    pub producers: Vec<MqProducerView>,
    pub consumers: Vec<MqConsumerView>,
    /// Messages a second the broker takes at most (persistent when any producer sends
    /// persistent messages).
    pub ceiling_per_s: u64,
    pub published: u64,
    pub lost: u64,
}

/// One object a delivery stream wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectView {
    pub key: String,
    pub bytes: u64,
    /// Under the error output prefix (processing-failed, …).
    pub error: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FirehoseView {
    pub name: String,
    /// The source stream, or `Direct PUT`.
    pub source: String,
    /// Where it delivers: the S3 bucket, or a sink's name.
    pub destination: String,
    pub bucket: String,
    pub buffered_records: usize,
    pub buffered_bytes: u64,
    pub size_bytes: u64,
    /// How long the oldest waiting record has waited, ms (0 with an empty buffer).
    pub waited_ms: SimTime,
    pub interval_ms: SimTime,
    pub transform: bool,
    pub objects: u64,
    pub error_records: u64,
    /// The newest objects, oldest first.
    pub recent: Vec<ObjectView>,
}

impl FirehoseView {
    /// How full the buffer is by size and by time (0–1 each): the first to reach 1 flushes.
    pub fn fill(&self) -> (f64, f64) {
        let ratio = |a: f64, b: f64| if b > 0.0 { (a / b).min(1.0) } else { 0.0 };
        (
            ratio(self.buffered_bytes as f64, self.size_bytes as f64),
            ratio(self.waited_ms as f64, self.interval_ms as f64),
        )
    }
}

/// A window: its key, bounds and record count; the value once it closed.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowView {
    pub key: String,
    pub start: SimTime,
    pub end: SimTime,
    pub count: u64,
    pub value: Option<f64>,
    /// Fired again for a late record within the allowed lateness.
    pub late_firing: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LateView {
    pub key: String,
    pub event_time: SimTime,
    pub dropped: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlinkView {
    pub name: String,
    pub status: &'static str,
    /// What it computes (None until it is given a window).
    pub spec: Option<WindowSpec>,
    pub watermark: Option<SimTime>,
    pub open: Vec<WindowView>,
    /// The newest windows that closed, oldest first.
    pub closed: Vec<WindowView>,
    pub late: Vec<LateView>,
    pub windows_fired: u64,
    pub late_dropped: u64,
}

impl FlinkView {
    /// `tumbling 10 s`, `sliding 30 s every 10 s`, `session, gap 5 s`.
    pub fn window(&self) -> String {
        self.spec
            .as_ref()
            .map_or_else(String::new, |s| window_label(&s.window))
    }

    /// `event time (ts), watermark 2 s behind, lateness 5 s` or `arrival time`.
    pub fn time(&self) -> String {
        self.spec
            .as_ref()
            .map_or_else(String::new, |s| time_label(&s.time))
    }

    /// Windows of one key open at once (a sliding window's size over its slide; else 1) and
    /// the step between their starts, ms: the drawing stacks overlapping windows.
    pub fn overlap(&self) -> (u64, SimTime) {
        match self.spec.as_ref().map(|s| &s.window) {
            Some(&WindowKind::Hopping { size_ms, slide_ms }) => {
                ((size_ms / slide_ms.max(1)).max(1), slide_ms.max(1))
            }
            _ => (1, 1),
        }
    }

    /// The Flink SQL that computes the same windows (the page's code view), built when it
    /// is shown rather than at every frame.
    pub fn sql(&self) -> String {
        self.spec.as_ref().map_or_else(String::new, flink_sql)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragmentView {
    pub seq: u64,
    pub producer_ts: SimTime,
    pub server_ts: SimTime,
    pub duration_ms: u64,
    pub archived: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VideoConsumerView {
    pub name: String,
    pub live: bool,
    pub fragments: u64,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VideoView {
    pub name: String,
    pub retention_hours: u32,
    /// The newest fragments held, oldest first.
    pub fragments: Vec<FragmentView>,
    pub persisted: u64,
    pub consumers: Vec<VideoConsumerView>,
}

/// The items of a recent list (kept for every Flink application, newest last) that belong to
/// application `app`.
fn of_app<T: Clone>(list: &VecDeque<(String, T)>, app: &str) -> Vec<T> {
    list.iter()
        .filter(|(a, _)| a == app)
        .map(|(_, x)| x.clone())
        .collect()
}

/// What only the events say: windows that closed, late records, flow control.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServicesRecent {
    /// (application, window), newest last.
    closed: VecDeque<(String, WindowView)>,
    late: VecDeque<(String, LateView)>,
    /// (bucket, key, size) of the newest objects put, newest last.
    objects: VecDeque<(String, String, u64)>,
    /// (broker, connection) → blocked until.
    blocked: Vec<(String, String, SimTime)>,
}

impl ServicesRecent {
    /// Folds one event (the others are ignored).
    pub fn apply(&mut self, kind: &EventKind) {
        match kind {
            EventKind::WindowClosed {
                app,
                key,
                start,
                end,
                value,
                count,
                late_firing,
            } => {
                push_capped(
                    &mut self.closed,
                    CLOSED_WINDOWS_MAX,
                    (
                        app.clone(),
                        WindowView {
                            key: key.clone(),
                            start: *start,
                            end: *end,
                            count: *count,
                            value: Some(*value),
                            late_firing: *late_firing,
                        },
                    ),
                );
            }
            EventKind::LateRecord {
                app,
                key,
                event_time,
                dropped,
            } => {
                push_capped(
                    &mut self.late,
                    LATE_RECORDS_MAX,
                    (
                        app.clone(),
                        LateView {
                            key: key.clone(),
                            event_time: *event_time,
                            dropped: *dropped,
                        },
                    ),
                );
            }
            EventKind::ObjectPut {
                bucket, key, size, ..
            } => push_capped(
                &mut self.objects,
                OBJECTS_KEPT,
                (bucket.clone(), key.clone(), *size),
            ),
            EventKind::BrokerFlowControl {
                broker,
                connection,
                until,
            } => match self
                .blocked
                .iter_mut()
                .find(|(b, c, _)| b == broker && c == connection)
            {
                Some(entry) => entry.2 = *until,
                None => self
                    .blocked
                    .push((broker.clone(), connection.clone(), *until)),
            },
            _ => {}
        }
    }

    fn blocked(&self, broker: &str, connection: &str, now: SimTime) -> bool {
        self.blocked.iter().any(|(b, c, until)| {
            b == broker && c == connection && now < until.saturating_add(BLOCKED_SHOWN_MS)
        })
    }
}

/// The view of every broker, delivery stream, Flink application and video stream `world`
/// has now.
pub fn of(world: &World, recent: &ServicesRecent) -> ServicesView {
    let now = world.now();
    ServicesView {
        lambdas: world
            .lambda()
            .mappings()
            .map(|m| LambdaView {
                function: m.function.clone(),
                queue: m
                    .queue_arn
                    .rsplit(':')
                    .next()
                    .unwrap_or(&m.queue_arn)
                    .to_string(),
                in_flight: m.in_flight,
                allowed: m.concurrency,
                cap: m.concurrency_cap(),
                state: m.state.as_str().to_string(),
            })
            .collect(),
        brokers: world
            .mq()
            .brokers()
            .map(|b| broker_view(world, b, recent, now))
            .collect(),
        firehoses: firehose_views(world, recent, now),
        flinks: world
            .flink()
            .applications()
            .map(|a| FlinkView {
                name: a.name.clone(),
                status: a.status.as_str(),
                spec: a.spec.clone(),
                watermark: a.watermark(),
                open: a
                    .open_windows()
                    .into_iter()
                    .map(|(key, start, end, count)| WindowView {
                        key,
                        start,
                        end,
                        count,
                        value: None,
                        late_firing: false,
                    })
                    .collect(),
                closed: of_app(&recent.closed, &a.name),
                late: of_app(&recent.late, &a.name),
                windows_fired: a.totals.windows_fired,
                late_dropped: a.totals.late_dropped,
            })
            .collect(),
        videos: world
            .kinesis_video()
            .streams()
            .map(|v| {
                let skip = v.fragments.len().saturating_sub(FRAGMENTS_DRAWN_MAX);
                VideoView {
                    name: v.name.clone(),
                    retention_hours: v.retention_hours,
                    fragments: v
                        .fragments
                        .iter()
                        .skip(skip)
                        .map(|f| FragmentView {
                            seq: f.seq,
                            producer_ts: f.producer_ts,
                            server_ts: f.server_ts,
                            duration_ms: f.duration_ms,
                            archived: f.archived,
                        })
                        .collect(),
                    persisted: v.totals.persisted,
                    consumers: world
                        .kinesis_video()
                        .consumers()
                        .filter(|c| c.stream == v.name)
                        .map(|c| VideoConsumerView {
                            name: c.name.clone(),
                            live: c.is_live(),
                            fragments: c.totals.fragments,
                            error: c.totals.error.clone(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

fn broker_view(world: &World, b: &Broker, recent: &ServicesRecent, now: SimTime) -> BrokerView {
    let p = &b.plane;
    let cluster = b.deployment_mode == DeploymentMode::ClusterMultiAz;
    let nodes = b
        .instances
        .iter()
        .enumerate()
        .map(|(i, inst)| match (inst.up, cluster) {
            (false, _) => NodeRole::Down,
            (true, true) => NodeRole::Node,
            (true, false) if i == b.active => NodeRole::Active,
            (true, false) => NodeRole::Standby,
        })
        .collect();
    let mut destinations: Vec<DestView> = Vec::new();
    for (name, x) in p.exchanges.iter() {
        // The default exchanges every vhost has are not drawn.
        if name.is_empty() || name.starts_with("amq.") {
            continue;
        }
        destinations.push(DestView {
            name: name.clone(),
            kind: format!("{} exchange", x.kind.as_str()),
            waiting: 0,
            exchange: true,
        });
    }
    for name in p.topics.keys() {
        destinations.push(DestView {
            name: name.clone(),
            kind: "topic".into(),
            waiting: 0,
            exchange: false,
        });
    }
    for (name, q) in p.queues.iter() {
        // A topic subscription's own queue is drawn as its topic.
        if q.subscription.is_some() {
            continue;
        }
        let kind = match b.engine {
            Engine::RabbitMq => format!("{} queue", q.queue_type.as_str()),
            Engine::ActiveMq => "queue".into(),
        };
        destinations.push(DestView {
            name: name.clone(),
            kind,
            waiting: q.messages.len(),
            exchange: false,
        });
    }
    let bindings = p
        .exchanges
        .iter()
        .flat_map(|(x, ex)| {
            ex.bindings.iter().map(move |bd| BindingView {
                exchange: x.clone(),
                queue: bd.queue.clone(),
                key: if bd.headers.is_empty() {
                    bd.key.clone()
                } else {
                    let pairs: Vec<String> =
                        bd.headers.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!(
                        "{}{}",
                        if bd.match_any { "any: " } else { "all: " },
                        pairs.join(", ")
                    )
                },
            })
        })
        .collect();
    let clients = &world.mq().clients;
    let conn_open = |c: Option<usize>| {
        c.and_then(|c| p.connections.get(c))
            .is_some_and(|c| c.state == ConnState::Open)
    };
    let target = |t: &mqlab_engine::mq::clients::Target| match t {
        mqlab_engine::mq::clients::Target::Queue(q) => q.clone(),
        mqlab_engine::mq::clients::Target::Topic(t, _) => t.clone(),
        mqlab_engine::mq::clients::Target::Exchange(x, _) => x.clone(),
    };
    let producers: Vec<MqProducerView> = clients
        .producers
        .iter()
        .filter(|pr| pr.spec.broker == b.name || pr.spec.broker == b.id)
        .map(|pr| MqProducerView {
            name: pr.spec.name.clone(),
            target: target(&pr.spec.target),
            persistent: pr.spec.persistent,
            rate_per_s: pr.spec.rate_per_s,
            published: pr.totals.published,
            blocked: pr
                .conn
                .and_then(|c| p.connections.get(c))
                .is_some_and(|c| recent.blocked(&b.name, &c.name, now)),
        })
        .collect();
    let consumers = clients
        .consumers
        .iter()
        .filter(|c| {
            clients
                .consumer_specs
                .get(c.group)
                .is_some_and(|s| s.broker == b.name || s.broker == b.id)
        })
        .map(|c| {
            let spec = &clients.consumer_specs[c.group];
            let on_plane = c.consumer.and_then(|k| p.consumers.get(k));
            MqConsumerView {
                name: c.name.clone(),
                destination: target(&spec.target),
                prefetch: on_plane.map_or(spec.prefetch, |k| k.prefetch),
                held: on_plane.filter(|k| k.open).map_or(0, |k| k.in_flight),
                connected: conn_open(c.conn),
            }
        })
        .collect();
    let persistent = producers.iter().any(|pr: &MqProducerView| pr.persistent);
    BrokerView {
        name: b.name.clone(),
        engine: b.engine.as_str(),
        mode: b.deployment_mode.as_str(),
        instance_type: b.instance_type.0.clone(),
        state: b.state.as_str(),
        nodes,
        destinations,
        bindings,
        producers,
        consumers,
        ceiling_per_s: b.ceiling_per_s(persistent),
        published: p.stats.published,
        lost: p.stats.dests.values().map(|d| d.totals.lost).sum(),
    }
}

fn firehose_views(world: &World, recent: &ServicesRecent, now: SimTime) -> Vec<FirehoseView> {
    world
        .firehose()
        .streams()
        .map(|d| {
            let dest = &d.destination;
            // The newest objects it put (the events say which; the bucket itself may hold
            // thousands, too many to scan each frame).
            let mut mine: Vec<ObjectView> = recent
                .objects
                .iter()
                .rev()
                .filter(|(bucket, key, _)| *bucket == dest.bucket && d.owns_object(key))
                .take(OBJECTS_DRAWN_MAX)
                .map(|(_, key, bytes)| ObjectView {
                    key: key.clone(),
                    bytes: *bytes,
                    error: d.is_error_object(key),
                })
                .collect();
            mine.reverse();
            FirehoseView {
                name: d.name.clone(),
                source: d.source.as_ref().map_or_else(
                    || "Direct PUT".to_string(),
                    |(arn, _)| arn.rsplit('/').next().unwrap_or(arn).to_string(),
                ),
                destination: match &dest.sink {
                    Some(sink) => sink
                        .kind
                        .member()
                        .trim_end_matches("DestinationConfiguration")
                        .to_string(),
                    None => format!("s3://{}", dest.bucket),
                },
                bucket: dest.bucket.clone(),
                buffered_records: d.buffered_records(),
                buffered_bytes: d.buffered_bytes(),
                size_bytes: dest.size_bytes,
                waited_ms: d.buffered_since().map_or(0, |t| now.saturating_sub(t)),
                interval_ms: d.flush_after_ms(),
                transform: dest.transform.is_some(),
                objects: d.totals.objects,
                error_records: d.totals.error_output,
                recent: mine,
            }
        })
        .collect()
}

fn seconds(ms: SimTime) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

fn window_label(w: &WindowKind) -> String {
    match *w {
        WindowKind::Tumbling { size_ms } => format!("tumbling {}", seconds(size_ms)),
        WindowKind::Hopping { size_ms, slide_ms } => {
            format!("sliding {} every {}", seconds(size_ms), seconds(slide_ms))
        }
        WindowKind::Session { gap_ms } => format!("session, gap {}", seconds(gap_ms)),
    }
}

fn time_label(t: &TimeSpec) -> String {
    match t {
        TimeSpec::Arrival => "arrival time".into(),
        TimeSpec::Event {
            field,
            watermark_delay_ms,
            allowed_lateness_ms,
        } => format!(
            "event time ({field}), watermark {} behind, lateness {}",
            seconds(*watermark_delay_ms),
            seconds(*allowed_lateness_ms)
        ),
    }
}

/// An SQL identifier, back-quoted when it is not a plain word.
fn ident(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

fn interval(ms: SimTime) -> String {
    if ms.is_multiple_of(1000) {
        format!("INTERVAL '{}' SECOND", ms / 1000)
    } else {
        format!("INTERVAL '{}' MILLISECOND", ms)
    }
}

/// The Flink SQL (windowing table-valued functions, Flink 1.19+) that computes what `spec`
/// declares: the source table over the Kinesis stream, its time attribute (and watermark),
/// and the windowed aggregate per key, inserted into the sink stream when there is one.
pub fn flink_sql(spec: &WindowSpec) -> String {
    let source = ident(&spec.source);
    let key = spec.key.as_deref().map(ident);
    let field = spec.field.as_deref().map(ident);
    let mut columns: Vec<String> = Vec::new();
    if let Some(k) = &key {
        columns.push(format!("  {k} STRING"));
    }
    if let Some(f) = &field {
        if Some(f) != key.as_ref() {
            columns.push(format!("  {f} DOUBLE"));
        }
    }
    let (time_col, lateness) = match &spec.time {
        TimeSpec::Arrival => {
            columns.push("  proc_time AS PROCTIME()".into());
            ("proc_time".to_string(), None)
        }
        TimeSpec::Event {
            field: ts,
            watermark_delay_ms,
            allowed_lateness_ms,
        } => {
            let ts = ident(ts);
            columns.push(format!("  {ts} BIGINT"));
            columns.push(format!("  event_time AS TO_TIMESTAMP_LTZ({ts}, 3)"));
            columns.push(format!(
                "  WATERMARK FOR event_time AS event_time - {}",
                interval(*watermark_delay_ms)
            ));
            (
                "event_time".to_string(),
                (*allowed_lateness_ms > 0).then_some(*allowed_lateness_ms),
            )
        }
    };
    let position = if spec.from_start {
        "TRIM_HORIZON"
    } else {
        "LATEST"
    };
    let mut sql = String::new();
    sql.push_str(&format!(
        "CREATE TABLE {source} (\n{}\n) WITH (\n  'connector' = 'kinesis',\n  'stream' = '{}',\n  'aws.region' = '{}',\n  'scan.stream.initpos' = '{position}',\n  'format' = 'json'\n);\n\n",
        columns.join(",\n"),
        spec.source,
        mqlab_engine::core::aws::REGION,
    ));
    if let Some(ms) = lateness {
        sql.push_str(&format!(
            "-- allowed lateness (an experimental option of Flink SQL)\nSET 'table.exec.emit.allow-lateness' = '{}';\n\n",
            seconds(ms)
        ));
    }
    let table = format!("TABLE {source}");
    let tvf = match spec.window {
        WindowKind::Tumbling { size_ms } => format!(
            "TUMBLE({table}, DESCRIPTOR({time_col}), {})",
            interval(size_ms)
        ),
        WindowKind::Hopping { size_ms, slide_ms } => format!(
            "HOP({table}, DESCRIPTOR({time_col}), {}, {})",
            interval(slide_ms),
            interval(size_ms)
        ),
        WindowKind::Session { gap_ms } => match &key {
            Some(k) => format!(
                "SESSION({table} PARTITION BY {k}, DESCRIPTOR({time_col}), {})",
                interval(gap_ms)
            ),
            None => format!(
                "SESSION({table}, DESCRIPTOR({time_col}), {})",
                interval(gap_ms)
            ),
        },
    };
    let agg = match (spec.aggregate, &field) {
        (Aggregate::Count, _) | (_, None) => "COUNT(*)".to_string(),
        (Aggregate::Sum, Some(f)) => format!("SUM({f})"),
        (Aggregate::Min, Some(f)) => format!("MIN({f})"),
        (Aggregate::Max, Some(f)) => format!("MAX({f})"),
        (Aggregate::Avg, Some(f)) => format!("AVG({f})"),
    };
    if let Some(sink) = &spec.sink {
        sql.push_str(&format!("INSERT INTO {}\n", ident(sink)));
    }
    let key_sel = key.as_ref().map_or(String::new(), |k| format!("{k}, "));
    let key_group = key.as_ref().map_or(String::new(), |k| format!(", {k}"));
    sql.push_str(&format!(
        "SELECT window_start, window_end, {key_sel}{agg} AS `value`, COUNT(*) AS record_count\nFROM TABLE(\n  {tvf}\n)\nGROUP BY window_start, window_end{key_group};"
    ));
    sql
}
