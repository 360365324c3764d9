//! # The view model: what the page draws, folded from the engine's events
//!
//! The driver (the app's frame loop, or a test) runs the engine and hands this module what
//! happened, in this order:
//!
//! ```
//! # use mqlab_engine::{Scenario, World};
//! # use mqlab_appcore::view::ViewModel;
//! # let scenario = Scenario::from_json(r#"{"queues":[{"QueueName":"q"}],
//! #   "producers":[{"name":"p","queue":"q","rate_per_s":5}]}"#).unwrap();
//! let mut world = World::from_scenario(&scenario).unwrap();
//! let mut vm = ViewModel::new(&world);
//! let target = 10_000;
//! // Samples for the charts fall on a grid of virtual time, so a run gives the same charts
//! // however the frames cut it.
//! while vm.next_sample_at() <= target {
//!     world.advance_to(vm.next_sample_at());
//!     vm.apply(&world.drain_events());
//!     vm.sample(&world);
//! }
//! world.advance_to(target);
//! vm.apply(&world.drain_events());
//! vm.sync(&world);
//! assert!(vm.totals.sent > 0);
//! ```
//!
//! - [`ViewModel::apply`] is a pure fold over events: one [`Mark`] per message the canvas
//!   draws (where it is, where it came from, since when, its life for the inspector), the
//!   marks that just left (deleted, expired, dead-lettered: they fade), duplicate deliveries
//!   and redeliveries (they flash), polls that came back empty, the API call log, totals.
//! - [`ViewModel::sync`] copies what the engine counts itself (queue depths, which FIFO groups
//!   are locked, consumer states, cost) and forgets transients that have faded.
//! - [`ViewModel::sample`] records one point of the charts.
//!
//! Every buffer has a named cap, so an hour at 1,000× cannot grow memory without bound: past
//! [`MARKS_MAX`] messages are counted, not drawn one by one.

use crate::kinesis_view::KinesisView;
use crate::sns_view::SnsView;
use mqlab_engine::actors::ConsumerState;
use mqlab_engine::event::VisibleReason;
use mqlab_engine::ordmap::OrdMap;
use mqlab_engine::sqs::name_from_arn;
use mqlab_engine::sqs::queue::MessageState;
use mqlab_engine::time::MS_PER_MIN;
use mqlab_engine::{Event, EventKind, SimTime, World};
use std::collections::VecDeque;

/// Messages tracked one by one (each a mark on the canvas). Beyond this a queue's depth is
/// still exact (it comes from the engine), the rest is drawn as "+N more".
pub const MARKS_MAX: usize = 10_000;
/// Steps of one message's life kept for the inspector (the first, and the latest ones).
pub const LIFE_STEPS_MAX: usize = 12;
/// Marks that just left a queue, kept while they fade.
pub const GONE_MAX: usize = 1_000;
/// Duplicate deliveries and redeliveries kept while they flash.
pub const FLASHES_MAX: usize = 256;
/// Empty receives kept while they are shown.
pub const EMPTY_RECEIVES_MAX: usize = 256;
/// Lines of the API call log.
pub const API_LOG_MAX: usize = 200;
/// FIFO message groups (or fair-queue tenants) given their own colour per queue; later groups
/// share a neutral one.
pub const GROUPS_MAX: usize = 64;
/// Points per chart series. When full, every other point goes and the grid doubles, so the
/// charts always cover the whole run at the finest resolution that fits.
pub const SAMPLES_MAX: usize = 600;
/// The charts' first grid step: one point per virtual second.
pub const SAMPLE_EVERY_MS_FIRST: SimTime = 1_000;
/// Default virtual time a transient (a fade, a flash, an empty receive) stays on screen; the
/// app scales it with the speed so a fade lasts about the same real time at 1× and 1,000×.
pub const TRANSIENT_MS_DEFAULT: SimTime = 5_000;
/// Engine messages inspected per FIFO queue per sync to find locked groups (in-flight
/// messages are usually the oldest, so the scan stops early; this bounds the worst case).
pub const GROUP_SCAN_MAX: usize = 50_000;

mod marks;
mod samples;
pub use marks::*;
pub use samples::*;

/// A FIFO message group (or a fair-queue tenant) in one queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    pub id: String,
    /// Colour index.
    pub color: u16,
    /// A message of the group is in flight: no other message of it can be received.
    pub locked: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueView {
    pub name: String,
    pub fifo: bool,
    /// Deleted since the view began (kept so indices stay valid).
    pub deleted: bool,
    /// The queue its RedrivePolicy names, if any.
    pub dead_letter_queue: Option<u16>,
    /// Some queue names this one as its dead-letter queue.
    pub is_dead_letter_queue: bool,
    pub visibility_timeout_s: u32,
    pub receive_wait_time_s: u32,
    pub max_receive_count: Option<u32>,
    /// ApproximateNumberOfMessagesVisible
    pub visible: usize,
    /// ApproximateNumberOfMessagesNotVisible
    pub in_flight: usize,
    /// ApproximateNumberOfMessagesDelayed
    pub delayed: usize,
    pub sent: u64,
    pub received: u64,
    pub deleted_messages: u64,
    pub moved_to_dlq: u64,
    pub expired: u64,
    pub empty_receives: u64,
    pub duplicates: u64,
    /// Receives of a message that had been received before (its timeout ran out).
    pub redeliveries: u64,
    pub groups: Vec<GroupView>,
    /// Group id → colour index, in order of first sight.
    group_colors: OrdMap<String, u16>,
}

impl QueueView {
    fn new(name: &str) -> QueueView {
        QueueView {
            name: name.to_string(),
            fifo: name.ends_with(".fifo"),
            deleted: false,
            dead_letter_queue: None,
            is_dead_letter_queue: false,
            visibility_timeout_s: 0,
            receive_wait_time_s: 0,
            max_receive_count: None,
            visible: 0,
            in_flight: 0,
            delayed: 0,
            sent: 0,
            received: 0,
            deleted_messages: 0,
            moved_to_dlq: 0,
            expired: 0,
            empty_receives: 0,
            duplicates: 0,
            redeliveries: 0,
            groups: Vec::new(),
            group_colors: OrdMap::new(),
        }
    }

    /// Messages in the queue (visible, in flight or delayed), as the engine counts them.
    pub fn depth(&self) -> usize {
        self.visible + self.in_flight + self.delayed
    }

    fn group_color(&mut self, group: &str) -> Option<u16> {
        if let Some(&c) = self.group_colors.get(group) {
            return Some(c);
        }
        if self.group_colors.len() >= GROUPS_MAX {
            return None;
        }
        let c = self.group_colors.len() as u16;
        self.group_colors.insert(group.to_string(), c);
        self.groups.push(GroupView {
            id: group.to_string(),
            color: c,
            locked: false,
        });
        Some(c)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerStatus {
    /// A ReceiveMessage is on its way or waiting (a long poll).
    Polling,
    Processing,
    /// Crashed; it restarts later.
    Down,
    /// Removed by a lower instance count.
    Stopped,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerView {
    /// The instance's name, e.g. `worker#2`.
    pub name: String,
    /// Index of its consumer group (the scenario's `consumers[i]`).
    pub group: usize,
    pub queue: Option<u16>,
    pub status: ConsumerStatus,
    pub long_poll: bool,
    pub processed: u64,
    pub failed: u64,
    pub crashes: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerView {
    pub name: String,
    pub queue: Option<u16>,
    /// The SNS topic it publishes to (index into `sns.topics`), instead of a queue; for an
    /// uploader, the topic its bucket notifies.
    pub topic: Option<u16>,
    /// The S3 bucket it uploads to (PutObject), whose event notifications go to `topic`.
    pub bucket: Option<String>,
    /// The Kinesis stream it writes to (index into `kinesis.streams`).
    pub stream: Option<u16>,
    pub rate_per_s: f64,
    pub sent: u64,
    /// Records sent again after a stream throttled them.
    pub retried: u64,
}

/// Counters over the whole run, from the events.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    pub events: u64,
    pub sent: u64,
    pub deduplicated: u64,
    pub received: u64,
    pub deleted: u64,
    pub redeliveries: u64,
    pub duplicates: u64,
    pub empty_receives: u64,
    pub moved_to_dlq: u64,
    pub redriven: u64,
    pub expired: u64,
    pub throttled: u64,
    pub api_calls: u64,
    pub api_errors: u64,
    pub processing_failures: u64,
    pub crashes: u64,
    /// Messages sent while [`MARKS_MAX`] marks were tracked (counted, not drawn).
    pub untracked: u64,
    /// Billable requests and their cost so far (from the engine's meter, at sync).
    pub requests: u64,
    pub cost_usd: f64,
}

/// What the summary rows show: one summary per service the run has, each from the engine's
/// own counters (SQS's are in [`Totals`] and the queue table).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// The run has (live) queues: the SQS row and the queue table are shown.
    pub queues: bool,
    pub sns: Option<crate::sns_view::SnsSummary>,
    pub kinesis: Option<crate::kinesis_view::KinesisSummary>,
    /// Requests per service: SQS (billed requests), SNS (Publish and PublishBatch), Kinesis
    /// (PutRecord, PutRecords, GetRecords calls). Their sum is `Totals::requests`.
    pub requests_sqs: u64,
    pub requests_sns: u64,
    pub requests_kinesis: u64,
    /// Rows of the services only the full page links (always empty in the first download).
    pub more: Vec<ServiceRow>,
    /// The Auto Scaling groups as the diagram draws them (always empty in the first download).
    pub asgs: Vec<AsgView>,
    /// Each Lambda event source mapping's function and the queue it polls (full page only).
    pub mappings: Vec<(String, String)>,
    /// The CloudWatch alarms on one SQS queue's metric (full page only): lamps beside the
    /// queue, thresholds on its charts.
    pub queue_alarms: Vec<QueueAlarm>,
    /// Amazon MQ brokers, Firehose delivery streams, Flink applications and video streams
    /// as the services strip draws them (full page only).
    pub services: crate::services_view::SharedServices,
}

/// An alarm that watches one queue's metric (AWS/SQS with the QueueName dimension).
#[derive(Clone, Debug, PartialEq)]
pub struct QueueAlarm {
    pub name: String,
    pub queue: String,
    pub metric: String,
    pub threshold: f64,
    /// OK, ALARM or INSUFFICIENT_DATA.
    pub state: &'static str,
}

/// The alarms on a queue's own metric (not metric math).
fn queue_alarms(world: &World) -> Vec<QueueAlarm> {
    let queue_of = |dims: &[mqlab_engine::cloudwatch::api::Dimension]| {
        dims.iter()
            .find(|d| d.name == "QueueName")
            .map(|d| d.value.clone())
    };
    world
        .cloudwatch()
        .alarms()
        .filter_map(|a| {
            if a.metrics.is_empty() {
                if a.namespace != "AWS/SQS" {
                    return None;
                }
                return Some(QueueAlarm {
                    name: a.name.clone(),
                    queue: queue_of(&a.dimensions)?,
                    metric: a.metric_name.clone(),
                    threshold: a.threshold,
                    state: a.state.as_str(),
                });
            }
            // Metric math: the lamp goes on the first SQS queue its queries read; what it
            // compares is the returned expression, no metric of the queue's charts, so it
            // draws no threshold line there.
            let queue = a.metrics.iter().find_map(|q| {
                let m = &q.metric_stat.as_ref()?.metric;
                (m.namespace.as_deref() == Some("AWS/SQS"))
                    .then(|| queue_of(&m.dimensions))
                    .flatten()
            })?;
            let returned = a
                .metrics
                .iter()
                .find(|q| q.return_data != Some(false) && q.expression.is_some())
                .and_then(|q| q.expression.clone())
                .unwrap_or_default();
            Some(QueueAlarm {
                name: a.name.clone(),
                queue,
                metric: returned,
                threshold: a.threshold,
                state: a.state.as_str(),
            })
        })
        .collect()
}

/// An Auto Scaling group as the full page's diagram draws it: a box of its instances, each
/// with its state, around the consumers its in-service instances run.
#[derive(Clone, Debug, PartialEq)]
pub struct AsgView {
    pub name: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub instances: Vec<InstanceView>,
    /// The TargetValue of its first target tracking policy, if it has one.
    pub target: Option<f64>,
}

impl AsgView {
    /// The consumer names its instances run under (`<group>/<instance-id>`) start with this.
    pub fn consumer_prefix(&self) -> String {
        format!("{}/", self.name)
    }

    pub fn count(&self, state: InstanceState) -> usize {
        self.instances.iter().filter(|i| i.state == state).count()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InstanceView {
    pub id: String,
    pub state: InstanceState,
    /// Scale-in protection: scale-in never picks it.
    pub protected: bool,
}

/// An instance's part of its life the diagram shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceState {
    /// Launching: not yet polling.
    Pending,
    /// InService and polling, but still within its warm-up: its share of the group's
    /// metrics does not count yet (aws-rules §2).
    Warming,
    InService,
    /// Being terminated: its consumer stopped; the messages it held come back after their
    /// visibility timeout.
    Terminating,
}

/// The groups with their instances' states at `now` (the full page only).
fn group_views(world: &World) -> Vec<AsgView> {
    let now = world.now();
    world
        .autoscaling()
        .groups
        .values()
        .map(|g| group_view(g, now))
        .collect()
}

fn group_view(g: &mqlab_engine::autoscaling::Group, now: SimTime) -> AsgView {
    use mqlab_engine::autoscaling::Lifecycle;
    let instances = g
        .instances
        .iter()
        .map(|i| InstanceView {
            id: i.id.clone(),
            protected: i.protected,
            state: match i.lifecycle {
                Lifecycle::Pending => InstanceState::Pending,
                Lifecycle::Terminating => InstanceState::Terminating,
                Lifecycle::InService if g.warming_up(i, now) => InstanceState::Warming,
                Lifecycle::InService => InstanceState::InService,
            },
        })
        .collect();
    let target = g.policies.values().find_map(|p| match p.kind {
        mqlab_engine::autoscaling::PolicyKind::TargetTracking { target, .. } => Some(target),
        _ => None,
    });
    AsgView {
        name: g.name.clone(),
        desired: g.desired,
        min: g.min,
        max: g.max,
        instances,
        target,
    }
}

/// The log entry of an alarm's change of state (not a call: its command is the
/// DescribeAlarmHistory that shows it).
pub const ALARM_STATE_CHANGED: &str = "AlarmStateChanged";
/// The log entry of an Auto Scaling activity as it starts (its command is the
/// DescribeScalingActivities that lists it).
pub const SCALING_ACTIVITY: &str = "ScalingActivity";

/// The AWS command (service, operation) that shows a log entry which is not a call of the
/// user's or an actor's: an alarm's change of state, a scaling activity. None for a call.
pub fn log_entry_command(operation: &str) -> Option<(&'static str, &'static str)> {
    match operation {
        ALARM_STATE_CHANGED => Some(("cloudwatch", "DescribeAlarmHistory")),
        SCALING_ACTIVITY => Some(("autoscaling", "DescribeScalingActivities")),
        _ => None,
    }
}

/// A summary row of a service the full page links: a Lambda function (its mapping's
/// concurrent batches as they scale), an Auto Scaling group (its capacity), a Firehose
/// delivery stream (what it buffers and the objects it delivers), a Flink application (its
/// windows) or the CloudWatch alarms (each one's state).
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceRow {
    /// The row's test id (`summary-<id>`).
    pub id: String,
    /// Its title's text key and the `{name}` it is filled with.
    pub title_key: &'static str,
    pub name: String,
    pub stats: Vec<Stat>,
}

/// One number or state of a [`ServiceRow`]: test id, label (a text key, or an alarm's name
/// when `label_is_name`), value.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    pub id: String,
    pub label: String,
    pub label_is_name: bool,
    pub value: String,
}

impl Stat {
    fn keyed(id: &str, key: &str, value: String) -> Stat {
        Stat {
            id: id.to_string(),
            label: key.to_string(),
            label_is_name: false,
            value,
        }
    }
}

/// Lambda's functions, Auto Scaling groups, Firehose delivery streams, Flink applications and
/// the CloudWatch alarms, one row each (the full page only: in the
/// first download this is never called, so none of it is linked).
fn more_rows(world: &World, asgs: &[AsgView]) -> Vec<ServiceRow> {
    use crate::numbers::count;
    let mut rows = Vec::new();
    for f in world.lambda().functions() {
        let mut stats = Vec::new();
        for m in world.lambda().mappings().filter(|m| m.function == f.name) {
            stats.push(Stat::keyed(
                "lambda-batches",
                "summary.lambda.batches",
                format!("{} / {}", m.in_flight, m.concurrency),
            ));
            stats.push(Stat::keyed(
                "lambda-cap",
                "summary.lambda.cap",
                count(u64::from(m.concurrency_cap())),
            ));
        }
        let t = &f.totals;
        stats.push(Stat::keyed(
            "lambda-peak",
            "summary.lambda.peak",
            count(u64::from(t.peak_concurrency)),
        ));
        stats.push(Stat::keyed(
            "lambda-invocations",
            "summary.lambda.invocations",
            count(t.invocations),
        ));
        stats.push(Stat::keyed(
            "lambda-errors",
            "summary.lambda.errors",
            count(t.errors),
        ));
        stats.push(Stat::keyed(
            "lambda-processed",
            "summary.lambda.processed",
            count(t.messages_processed),
        ));
        stats.push(Stat::keyed(
            "lambda-returned",
            "summary.lambda.returned",
            count(t.messages_failed),
        ));
        rows.push(ServiceRow {
            id: format!("lambda-{}", f.name),
            title_key: "summary.lambda",
            name: f.name.clone(),
            stats,
        });
    }
    // The groups in name order, as `asgs` (their views, made once per frame) are.
    for (g, view) in world.autoscaling().groups.values().zip(asgs) {
        use mqlab_engine::autoscaling::Lifecycle;
        let n = |l: Lifecycle| count(u64::from(g.count(l)));
        rows.push(ServiceRow {
            id: format!("asg-{}", g.name),
            title_key: "summary.asg",
            name: g.name.clone(),
            stats: vec![
                Stat::keyed(
                    "asg-desired",
                    "summary.asg.desired",
                    count(u64::from(g.desired)),
                ),
                Stat::keyed(
                    "asg-in-service",
                    "summary.asg.in_service",
                    n(Lifecycle::InService),
                ),
                Stat::keyed(
                    "asg-warming",
                    "summary.asg.warming",
                    count(view.count(InstanceState::Warming) as u64),
                ),
                Stat::keyed("asg-pending", "summary.asg.pending", n(Lifecycle::Pending)),
                Stat::keyed(
                    "asg-terminating",
                    "summary.asg.terminating",
                    n(Lifecycle::Terminating),
                ),
                Stat::keyed(
                    "asg-range",
                    "summary.asg.range",
                    format!("{} – {}", g.min, g.max),
                ),
            ],
        });
    }
    for d in world.firehose().streams() {
        let t = &d.totals;
        let last = t.last_object_at.map_or_else(
            || "–".to_string(),
            |ms| format!("{:.0} s", ms as f64 / 1000.0),
        );
        rows.push(ServiceRow {
            id: format!("firehose-{}", d.name),
            title_key: "summary.firehose",
            name: d.name.clone(),
            stats: vec![
                Stat::keyed(
                    "firehose-in",
                    "summary.firehose.records_in",
                    count(t.incoming_records),
                ),
                Stat::keyed(
                    "firehose-buffered",
                    "summary.firehose.buffered",
                    count(d.buffered_records() as u64),
                ),
                Stat::keyed(
                    "firehose-objects",
                    "summary.firehose.objects",
                    count(t.objects),
                ),
                Stat::keyed(
                    "firehose-delivered",
                    "summary.firehose.delivered",
                    count(t.delivered_to_s3 + t.delivered_to_sink),
                ),
                Stat::keyed(
                    "firehose-errors",
                    "summary.firehose.errors",
                    count(t.error_output),
                ),
                Stat::keyed("firehose-last", "summary.firehose.last_object", last),
            ],
        });
    }
    for a in world.flink().applications() {
        let t = &a.totals;
        rows.push(ServiceRow {
            id: format!("flink-{}", a.name),
            title_key: "summary.flink",
            name: a.name.clone(),
            stats: vec![
                Stat::keyed("flink-in", "summary.flink.records_in", count(t.records_in)),
                Stat::keyed(
                    "flink-windows",
                    "summary.flink.windows",
                    count(t.windows_fired),
                ),
                Stat::keyed(
                    "flink-open",
                    "summary.flink.open",
                    count(a.open_windows().len() as u64),
                ),
                Stat::keyed(
                    "flink-late",
                    "summary.flink.late_dropped",
                    count(t.late_dropped),
                ),
                Stat::keyed("flink-sink", "summary.flink.to_sink", count(t.sink_records)),
            ],
        });
    }
    for b in world.mq().brokers() {
        let p = &b.plane;
        let sum = |f: fn(&mqlab_engine::mq::stats::DestTotals) -> u64| {
            count(p.stats.dests.values().map(|d| f(&d.totals)).sum())
        };
        let waiting: usize = p.queues.values().map(|q| q.messages.len()).sum();
        let up = b.instances.iter().filter(|i| i.up).count();
        rows.push(ServiceRow {
            id: format!("mq-{}", b.name),
            title_key: "summary.mq",
            name: b.name.clone(),
            stats: vec![
                Stat::keyed("mq-state", "summary.mq.state", b.state.as_str().to_string()),
                Stat::keyed(
                    "mq-instances",
                    "summary.mq.instances",
                    format!("{up} / {}", b.instances.len()),
                ),
                Stat::keyed(
                    "mq-published",
                    "summary.mq.published",
                    count(p.stats.published),
                ),
                Stat::keyed("mq-waiting", "summary.mq.waiting", count(waiting as u64)),
                Stat::keyed(
                    "mq-unacked",
                    "summary.mq.unacked",
                    count(p.unacked.len() as u64),
                ),
                Stat::keyed("mq-acked", "summary.mq.acked", sum(|t| t.acked)),
                Stat::keyed(
                    "mq-redelivered",
                    "summary.mq.redelivered",
                    sum(|t| t.redelivered),
                ),
                Stat::keyed("mq-lost", "summary.mq.lost", sum(|t| t.lost)),
                Stat::keyed(
                    "mq-flow-blocked",
                    "summary.mq.flow_blocked",
                    count(p.stats.flow_blocked),
                ),
            ],
        });
    }
    for v in world.kinesis_video().streams() {
        let t = &v.totals;
        rows.push(ServiceRow {
            id: format!("video-{}", v.name),
            title_key: "summary.video",
            name: v.name.clone(),
            stats: vec![
                Stat::keyed(
                    "video-retention",
                    "summary.video.retention",
                    format!("{} h", v.retention_hours),
                ),
                Stat::keyed(
                    "video-in",
                    "summary.video.fragments_in",
                    count(t.fragments_in),
                ),
                Stat::keyed(
                    "video-persisted",
                    "summary.video.persisted",
                    count(t.persisted),
                ),
                Stat::keyed(
                    "video-held",
                    "summary.video.held",
                    count(v.fragments.len() as u64),
                ),
                Stat::keyed("video-expired", "summary.video.expired", count(t.expired)),
            ],
        });
    }
    let alarms: Vec<Stat> = world
        .cloudwatch()
        .alarms()
        .map(|a| Stat {
            id: format!("alarm-{}", a.name),
            label: a.name.clone(),
            label_is_name: true,
            value: a.state.as_str().to_string(),
        })
        .collect();
    if !alarms.is_empty() {
        rows.push(ServiceRow {
            id: "alarms".into(),
            title_key: "summary.alarms",
            name: String::new(),
            stats: alarms,
        });
    }
    rows
}

/// Everything the canvas and the panels draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewModel {
    /// Virtual time of the latest sync, ms.
    pub now_ms: SimTime,
    /// How long transients stay on screen and arrivals take, virtual ms.
    pub transient_ms: SimTime,
    pub queues: Vec<QueueView>,
    pub producers: Vec<ProducerView>,
    pub consumers: Vec<ConsumerView>,
    /// Marks by serial: iteration order is the order they were first seen.
    pub marks: OrdMap<u64, Mark>,
    pub gone: VecDeque<Gone>,
    pub flashes: VecDeque<Flash>,
    pub empty_receives: VecDeque<EmptyReceive>,
    pub api_log: VecDeque<ApiLogEntry>,
    pub totals: Totals,
    /// One summary per service (computed at sync).
    pub summary: Summary,
    pub samples: Samples,
    /// Topics, subscriptions and the copies on their way (see `crate::sns_view`).
    pub sns: SnsView,
    /// Streams, their shards and records (see `crate::kinesis_view`).
    pub kinesis: KinesisView,
    /// What the services strip needs of the events (full page only).
    pub services_recent: crate::services_view::ServicesRecent,
    /// (queue, message id) → serial.
    /// Mark serial by `mark_key(queue, message id)` (a `String` key: one B-tree type less in
    /// the wasm than a `(u16, String)` one).
    index: OrdMap<String, u64>,
    queue_index: OrdMap<String, u16>,
    producer_index: OrdMap<String, u16>,
    consumer_index: OrdMap<String, u16>,
    next_serial: u64,
}

impl ViewModel {
    /// The view of `world` as it is: its queues, actors and the messages already in it.
    pub fn new(world: &World) -> ViewModel {
        let mut vm = ViewModel {
            now_ms: world.now(),
            transient_ms: TRANSIENT_MS_DEFAULT,
            queues: Vec::new(),
            producers: Vec::new(),
            consumers: Vec::new(),
            marks: OrdMap::new(),
            gone: VecDeque::new(),
            flashes: VecDeque::new(),
            empty_receives: VecDeque::new(),
            api_log: VecDeque::new(),
            totals: Totals::default(),
            summary: Summary::default(),
            sns: SnsView::default(),
            kinesis: KinesisView::default(),
            services_recent: Default::default(),
            samples: Samples {
                next_at_ms: world.now().div_ceil(SAMPLE_EVERY_MS_FIRST) * SAMPLE_EVERY_MS_FIRST,
                ..Samples::default()
            },
            index: OrdMap::new(),
            queue_index: OrdMap::new(),
            producer_index: OrdMap::new(),
            consumer_index: OrdMap::new(),
            next_serial: 0,
        };
        vm.sync(world);
        // Messages already in the queues (a scenario may start with some, or the view may
        // start mid-run): no travel, no known consumer.
        let now = world.now();
        for q in world.sqs().queues() {
            let qi = vm.queue_idx(&q.name);
            for m in q.messages() {
                if vm.marks.len() >= MARKS_MAX {
                    break;
                }
                let state = match m.state {
                    MessageState::Visible => MarkState::Visible {
                        arrival: Arrival::Sent,
                    },
                    MessageState::Delayed { until } => MarkState::Delayed { until_ms: until },
                    MessageState::InFlight { until } => MarkState::InFlight {
                        consumer: None,
                        received_ms: now,
                        visible_at_ms: until,
                    },
                };
                let group = m
                    .group_id
                    .as_deref()
                    .and_then(|g| vm.queues[qi as usize].group_color(g));
                let serial = vm.new_mark(qi, m.id.to_string(), group, state, Place::Queue(qi), now);
                if let Some(mark) = vm.marks.get_mut(&serial) {
                    mark.receive_count = m.receive_count;
                }
            }
        }
        vm
    }

    /// Sets how long transients stay on screen, virtual ms (the app: about one real second
    /// times the speed).
    pub fn set_transient_ms(&mut self, ms: SimTime) {
        self.transient_ms = ms.max(1);
    }

    pub fn queue_by_name(&self, name: &str) -> Option<(u16, &QueueView)> {
        let &i = self.queue_index.get(name)?;
        Some((i, &self.queues[i as usize]))
    }

    /// The mark with this serial, still in a queue or fading.
    pub fn mark(&self, serial: u64) -> Option<&Mark> {
        self.marks.get(&serial).or_else(|| {
            self.gone
                .iter()
                .rev()
                .find(|g| g.mark.serial == serial)
                .map(|g| &g.mark)
        })
    }

    /// The mark of a message id in a queue, if tracked.
    pub fn mark_of(&self, queue: &str, message_id: &str) -> Option<&Mark> {
        let &qi = self.queue_index.get(queue)?;
        let serial = self.index.get(&mark_key(qi, message_id))?;
        self.marks.get(serial)
    }

    /// What the view holds, bytes, roughly: its marks (the bulk, capped at [`MARKS_MAX`]),
    /// the chart points and the call log, plus a fixed allowance for the rest (topics,
    /// streams, flashes: all capped). Counts, not a walk: it is asked at every chart sample.
    pub fn approx_bytes(&self) -> u64 {
        const REST_BYTES: u64 = 256 << 10;
        const MESSAGE_ID_BYTES: usize = 40;
        const LOG_ENTRY_BYTES: usize = 512;
        let mark = std::mem::size_of::<Mark>()
            + MESSAGE_ID_BYTES
            + LIFE_STEPS_MAX / 2 * std::mem::size_of::<LifeStep>();
        let sample = self.samples.points.back().map_or(0, |p| {
            std::mem::size_of::<Sample>()
                + p.queues.len() * std::mem::size_of::<QueueSample>()
                + p.topics.len() * std::mem::size_of::<[u64; 4]>()
                + p.streams.len() * std::mem::size_of::<StreamSample>()
        });
        (self.marks.len() * mark
            + self.samples.points.len() * sample
            + self.api_log.len() * LOG_ENTRY_BYTES) as u64
            + REST_BYTES
    }

    /// The next instant the charts want a point at.
    pub fn next_sample_at(&self) -> SimTime {
        self.samples.next_at_ms
    }

    /// Log a call made from outside the simulation (the page's own SetQueueAttributes, a
    /// redrive button), with its request members for the AWS CLI equivalent.
    pub fn log_call(
        &mut self,
        at_ms: SimTime,
        operation: &str,
        queue: Option<&str>,
        params: serde_json::Value,
        error: Option<String>,
    ) {
        self.totals.api_calls += 1;
        if error.is_some() {
            self.totals.api_errors += 1;
        }
        push_capped(
            &mut self.api_log,
            API_LOG_MAX,
            ApiLogEntry {
                at_ms,
                operation: operation.to_string(),
                queue: queue.map(str::to_string),
                actor: None,
                error,
                params: Some(params),
            },
        );
    }

    // ─────────────────────────────────────────────────────────────────── the fold

    /// Folds events, in order, into the view.
    pub fn apply(&mut self, events: &[Event]) {
        for e in events {
            self.apply_one(e);
        }
    }

    fn apply_one(&mut self, e: &Event) {
        self.totals.events += 1;
        let t = e.t;
        match &e.kind {
            EventKind::QueueCreated { queue, fifo } => {
                let qi = self.queue_idx(queue);
                let q = &mut self.queues[qi as usize];
                q.fifo = *fifo;
                q.deleted = false;
            }
            EventKind::QueueDeleted { queue } => {
                let qi = self.queue_idx(queue);
                self.queues[qi as usize].deleted = true;
                let serials: Vec<u64> = self
                    .marks
                    .values()
                    .filter(|m| m.queue == qi)
                    .map(|m| m.serial)
                    .collect();
                for s in serials {
                    self.remove_mark(s, GoneReason::Purged, t);
                }
            }
            EventKind::QueueAttributesChanged { .. } => {}
            EventKind::MessageSent {
                queue,
                message_id,
                group_id,
                delayed_until,
                actor,
                ..
            } => {
                self.totals.sent += 1;
                let qi = self.queue_idx(queue);
                let group = group_id
                    .as_deref()
                    .and_then(|g| self.queues[qi as usize].group_color(g));
                if self.marks.len() >= MARKS_MAX {
                    self.totals.untracked += 1;
                    return;
                }
                let from = actor
                    .as_deref()
                    .map_or(Place::Outside, |a| Place::Producer(self.producer_idx(a)));
                let state = match delayed_until {
                    Some(until) if *until > t => MarkState::Delayed { until_ms: *until },
                    _ => MarkState::Visible {
                        arrival: Arrival::Sent,
                    },
                };
                let serial = self.new_mark(qi, message_id.clone(), group, state, from, t);
                if let Some(m) = self.marks.get_mut(&serial) {
                    m.push_life(
                        t,
                        LifeKind::Sent {
                            by: actor.clone(),
                            delayed_until_ms: *delayed_until,
                        },
                    );
                }
            }
            EventKind::MessageDeduplicated { .. } => self.totals.deduplicated += 1,
            EventKind::MessageVisible {
                queue,
                message_id,
                reason,
            } => {
                let arrival = match reason {
                    VisibleReason::DelayEnded => Arrival::DelayEnded,
                    VisibleReason::VisibilityTimeoutExpired => Arrival::TimedOut,
                    VisibleReason::VisibilityTerminated => Arrival::Released,
                    VisibleReason::UndeletedCopy => Arrival::UndeletedCopy,
                };
                let Some(serial) = self.find_or_track(queue, message_id, t) else {
                    return;
                };
                let m = self.marks.get_mut(&serial).expect("tracked");
                let from = match m.state {
                    MarkState::InFlight {
                        consumer: Some(c), ..
                    } => Place::Consumer(c),
                    _ => Place::Queue(m.queue),
                };
                m.from = from;
                m.state = MarkState::Visible { arrival };
                m.since_ms = t;
                m.push_life(t, LifeKind::Visible(arrival));
            }
            EventKind::MessageReceived {
                queue,
                message_id,
                receive_count,
                receipt_handle,
                visible_at,
                duplicate,
                group_id,
                actor,
            } => {
                self.totals.received += 1;
                let qi = self.queue_idx(queue);
                let consumer = actor.as_deref().map(|a| self.consumer_idx(a));
                let redelivery = *receive_count > 1 && !duplicate;
                if *duplicate {
                    self.totals.duplicates += 1;
                    self.queues[qi as usize].duplicates += 1;
                }
                if redelivery {
                    self.totals.redeliveries += 1;
                    self.queues[qi as usize].redeliveries += 1;
                }
                let serial = self.find_or_track(queue, message_id, t);
                if let Some(serial) = serial {
                    let group = group_id
                        .as_deref()
                        .and_then(|g| self.queues[qi as usize].group_color(g));
                    let m = self.marks.get_mut(&serial).expect("tracked");
                    if m.group.is_none() {
                        m.group = group;
                    }
                    m.from = Place::Queue(qi);
                    m.state = MarkState::InFlight {
                        consumer,
                        received_ms: t,
                        visible_at_ms: *visible_at,
                    };
                    m.since_ms = t;
                    m.receive_count = *receive_count;
                    m.duplicate = *duplicate;
                    m.push_life(
                        t,
                        LifeKind::Received {
                            by: actor.clone(),
                            receive_count: *receive_count,
                            receipt_handle: receipt_handle.clone(),
                            visible_at_ms: *visible_at,
                            duplicate: *duplicate,
                        },
                    );
                }
                if *duplicate || redelivery {
                    let kind = if *duplicate {
                        FlashKind::Duplicate
                    } else {
                        FlashKind::Redelivery
                    };
                    push_capped(
                        &mut self.flashes,
                        FLASHES_MAX,
                        Flash {
                            at_ms: t,
                            kind,
                            queue: qi,
                            consumer,
                            serial,
                        },
                    );
                }
            }
            EventKind::MessageDeleted {
                queue,
                message_id,
                actor,
            } => {
                self.totals.deleted += 1;
                if let Some(serial) = self.find(queue, message_id) {
                    if let Some(m) = self.marks.get_mut(&serial) {
                        m.push_life(t, LifeKind::Deleted { by: actor.clone() });
                    }
                    self.remove_mark(serial, GoneReason::Deleted, t);
                }
            }
            EventKind::VisibilityChanged {
                queue,
                message_id,
                visible_at,
                ..
            } => {
                if let Some(serial) = self.find(queue, message_id) {
                    let m = self.marks.get_mut(&serial).expect("indexed");
                    if let MarkState::InFlight { consumer, .. } = m.state {
                        // The ring restarts: a heartbeat gives the consumer a fresh timeout.
                        m.state = MarkState::InFlight {
                            consumer,
                            received_ms: t,
                            visible_at_ms: *visible_at,
                        };
                    }
                    m.push_life(
                        t,
                        LifeKind::VisibilityChanged {
                            visible_at_ms: *visible_at,
                        },
                    );
                }
            }
            EventKind::MessageMovedToDeadLetterQueue {
                queue,
                dead_letter_queue,
                message_id,
                receive_count,
            } => {
                self.totals.moved_to_dlq += 1;
                let src = self.queue_idx(queue);
                let dlq = self.queue_idx(dead_letter_queue);
                if let Some(serial) = self.find(queue, message_id) {
                    self.index.remove(&mark_key(src, message_id));
                    self.index.insert(mark_key(dlq, message_id), serial);
                    let m = self.marks.get_mut(&serial).expect("indexed");
                    m.queue = dlq;
                    m.from = Place::Queue(src);
                    m.state = MarkState::Visible {
                        arrival: Arrival::DeadLettered,
                    };
                    m.since_ms = t;
                    m.receive_count = *receive_count;
                    // Colours are per queue: the DLQ gives the group its own.
                    m.group = None;
                    m.push_life(
                        t,
                        LifeKind::MovedToDeadLetterQueue {
                            dead_letter_queue: dead_letter_queue.clone(),
                            receive_count: *receive_count,
                        },
                    );
                }
            }
            EventKind::MessageExpired { queue, message_id } => {
                self.totals.expired += 1;
                if let Some(serial) = self.find(queue, message_id) {
                    if let Some(m) = self.marks.get_mut(&serial) {
                        m.push_life(t, LifeKind::Expired);
                    }
                    self.remove_mark(serial, GoneReason::Expired, t);
                }
            }
            EventKind::QueuePurged { queue, .. } => {
                let Some(&qi) = self.queue_index.get(queue) else {
                    return;
                };
                let serials: Vec<u64> = self
                    .marks
                    .values()
                    .filter(|m| m.queue == qi)
                    .map(|m| m.serial)
                    .collect();
                for s in serials {
                    if let Some(m) = self.marks.get_mut(&s) {
                        m.push_life(t, LifeKind::Purged);
                    }
                    self.remove_mark(s, GoneReason::Purged, t);
                }
            }
            EventKind::MessageRedriven {
                source,
                destination,
                message_id,
                new_message_id,
            } => {
                self.totals.redriven += 1;
                let src = self.queue_idx(source);
                let dst = self.queue_idx(destination);
                if let Some(serial) = self.find(source, message_id) {
                    self.index.remove(&mark_key(src, message_id));
                    self.index.insert(mark_key(dst, new_message_id), serial);
                    let m = self.marks.get_mut(&serial).expect("indexed");
                    m.push_life(
                        t,
                        LifeKind::Redriven {
                            destination: destination.clone(),
                            new_message_id: new_message_id.clone(),
                        },
                    );
                    m.queue = dst;
                    m.message_id = new_message_id.clone();
                    m.from = Place::Queue(src);
                    m.state = MarkState::Visible {
                        arrival: Arrival::Redriven,
                    };
                    m.since_ms = t;
                    m.receive_count = 0;
                    m.duplicate = false;
                    m.group = None;
                }
            }
            EventKind::MessageMoveTaskEnded { .. } => {}
            EventKind::EmptyReceive {
                queue,
                long_poll,
                actor,
            } => {
                self.totals.empty_receives += 1;
                let qi = self.queue_idx(queue);
                let consumer = actor.as_deref().map(|a| self.consumer_idx(a));
                push_capped(
                    &mut self.empty_receives,
                    EMPTY_RECEIVES_MAX,
                    EmptyReceive {
                        at_ms: t,
                        queue: qi,
                        consumer,
                        long_poll: *long_poll,
                    },
                );
            }
            EventKind::Throttled { .. } => self.totals.throttled += 1,
            // SNS: topics, subscriptions and copies (see `crate::sns_view`).
            EventKind::TopicCreated { .. }
            | EventKind::TopicDeleted { .. }
            | EventKind::TopicAttributesChanged { .. }
            | EventKind::SubscriptionCreated { .. }
            | EventKind::SubscriptionConfirmationSent { .. }
            | EventKind::SubscriptionConfirmed { .. }
            | EventKind::SubscriptionDeleted { .. }
            | EventKind::SubscriptionAttributesChanged { .. }
            | EventKind::MessagePublished { .. }
            | EventKind::PublishDeduplicated { .. }
            | EventKind::SmsPublished { .. }
            | EventKind::NotificationFilteredOut { .. }
            | EventKind::DeliveryAttempted { .. }
            | EventKind::DeliveryAttemptFailed { .. }
            | EventKind::NotificationDelivered { .. }
            | EventKind::NotificationFailed { .. }
            | EventKind::NotificationMovedToDeadLetterQueue { .. } => {
                self.apply_sns(t, &e.kind);
            }
            EventKind::StreamCreated { .. }
            | EventKind::StreamStatusChanged { .. }
            | EventKind::StreamDeleted { .. }
            | EventKind::StreamModeChanged { .. }
            | EventKind::StreamRetentionChanged { .. }
            | EventKind::RecordPut { .. }
            | EventKind::RecordsRead { .. }
            | EventKind::ShardThrottled { .. }
            | EventKind::RecordsExpired { .. }
            | EventKind::ShardSplit { .. }
            | EventKind::ShardsMerged { .. }
            | EventKind::StreamConsumerRegistered { .. }
            | EventKind::StreamConsumerDeregistered { .. } => {
                self.kinesis.apply(t, &e.kind);
            }
            EventKind::ApiCall {
                operation,
                queue,
                actor,
                error,
            } => {
                self.totals.api_calls += 1;
                if error.is_some() {
                    self.totals.api_errors += 1;
                }
                push_capped(
                    &mut self.api_log,
                    API_LOG_MAX,
                    ApiLogEntry {
                        at_ms: t,
                        operation: operation.clone(),
                        queue: queue.clone(),
                        actor: actor.clone(),
                        error: error.clone(),
                        params: None,
                    },
                );
            }
            // The full page's log shows each alarm's change of state, with the command that
            // lists its history (in the first download no scenario has alarms).
            EventKind::AlarmStateChanged {
                alarm, from, to, ..
            } if crate::sim::FULL_PAGE => self.log_service_line(
                t,
                ALARM_STATE_CHANGED,
                format!("{alarm}: {from} → {to}"),
                "CloudWatch",
                serde_json::json!({"AlarmName": alarm, "HistoryItemType": "StateUpdate"}),
            ),
            EventKind::ScalingActivityStarted {
                group,
                activity_id,
                description,
                ..
            } if crate::sim::FULL_PAGE => self.log_service_line(
                t,
                SCALING_ACTIVITY,
                format!("{group}: {description}"),
                "Auto Scaling",
                serde_json::json!({"AutoScalingGroupName": group, "ActivityIds": [activity_id]}),
            ),
            EventKind::MessageProcessed {
                queue,
                message_id,
                actor,
                ok,
            } => {
                if !ok {
                    self.totals.processing_failures += 1;
                }
                if let Some(serial) = self.find(queue, message_id) {
                    let m = self.marks.get_mut(&serial).expect("indexed");
                    m.push_life(
                        t,
                        LifeKind::Processed {
                            by: actor.clone(),
                            ok: *ok,
                        },
                    );
                }
            }
            EventKind::ConsumerCrashed { actor, .. } => {
                self.totals.crashes += 1;
                let c = self.consumer_idx(actor);
                self.consumers[c as usize].status = ConsumerStatus::Down;
            }
            EventKind::ConsumerRestarted { actor } => {
                let c = self.consumer_idx(actor);
                self.consumers[c as usize].status = ConsumerStatus::Polling;
            }
            // Stream readers and KCL applications (see `crate::kinesis_view`).
            EventKind::KinesisRecordsRead { .. }
            | EventKind::KinesisRecordsProcessed { .. }
            | EventKind::KinesisReadThrottled { .. }
            | EventKind::KinesisIteratorExpired { .. }
            | EventKind::KclLeaseCreated { .. }
            | EventKind::KclLeaseTaken { .. }
            | EventKind::KclLeaseLost { .. }
            | EventKind::KclCheckpoint { .. }
            | EventKind::KclShardEnded { .. }
            | EventKind::KclWorkerStarted { .. }
            | EventKind::KclWorkerDied { .. } => self.kinesis.apply(t, &e.kind),
            EventKind::WindowClosed { .. }
            | EventKind::LateRecord { .. }
            | EventKind::ObjectPut { .. }
            | EventKind::BrokerFlowControl { .. }
                if crate::sim::FULL_PAGE =>
            {
                self.services_recent.apply(&e.kind)
            }
            // S3's bucket events: an uploader is drawn through its bucket (see `sync`); the
            // events themselves change nothing drawn.
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }

    /// A log line of a service's own (an alarm's change, a scaling activity: see
    /// [`log_entry_command`]), with the request of the command that shows it.
    fn log_service_line(
        &mut self,
        at_ms: SimTime,
        operation: &str,
        line: String,
        actor: &str,
        params: serde_json::Value,
    ) {
        push_capped(
            &mut self.api_log,
            API_LOG_MAX,
            ApiLogEntry {
                at_ms,
                operation: operation.to_string(),
                queue: Some(line),
                actor: Some(actor.to_string()),
                error: None,
                params: Some(params),
            },
        );
    }

    fn queue_idx(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.queue_index.get(name) {
            return i;
        }
        let i = self.queues.len() as u16;
        self.queues.push(QueueView::new(name));
        self.queue_index.insert(name.to_string(), i);
        i
    }

    fn consumer_idx(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.consumer_index.get(name) {
            return i;
        }
        let i = self.consumers.len() as u16;
        self.consumers.push(ConsumerView {
            name: name.to_string(),
            group: 0,
            queue: None,
            status: ConsumerStatus::Polling,
            long_poll: false,
            processed: 0,
            failed: 0,
            crashes: 0,
        });
        self.consumer_index.insert(name.to_string(), i);
        i
    }

    fn producer_idx(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.producer_index.get(name) {
            return i;
        }
        let i = self.producers.len() as u16;
        self.producers.push(ProducerView {
            name: name.to_string(),
            queue: None,
            topic: None,
            bucket: None,
            stream: None,
            rate_per_s: 0.0,
            sent: 0,
            retried: 0,
        });
        self.producer_index.insert(name.to_string(), i);
        i
    }

    fn find(&self, queue: &str, message_id: &str) -> Option<u64> {
        let &qi = self.queue_index.get(queue)?;
        self.index.get(&mark_key(qi, message_id)).copied()
    }

    /// The mark of a message, or a new one if there is room (a message sent while the view
    /// was full, seen again later).
    fn find_or_track(&mut self, queue: &str, message_id: &str, t: SimTime) -> Option<u64> {
        if let Some(s) = self.find(queue, message_id) {
            return Some(s);
        }
        if self.marks.len() >= MARKS_MAX {
            return None;
        }
        let qi = self.queue_idx(queue);
        let state = MarkState::Visible {
            arrival: Arrival::Sent,
        };
        Some(self.new_mark(qi, message_id.to_string(), None, state, Place::Queue(qi), t))
    }

    /// Folds an SNS event; a copy that SNS put into a queue (a delivery, or a subscription
    /// dead-letter queue) starts its journey at the topic instead of off-screen.
    fn apply_sns(&mut self, t: SimTime, kind: &EventKind) {
        self.sns.apply(t, kind);
        let (topic, subscription, queue, sqs_id) = match kind {
            EventKind::NotificationDelivered {
                topic,
                subscription,
                endpoint,
                sqs_message_id: Some(id),
                ..
            } => (topic, subscription, endpoint, Some(id)),
            EventKind::NotificationMovedToDeadLetterQueue {
                topic,
                subscription,
                dead_letter_queue,
                ..
            } => (topic, subscription, dead_letter_queue, None),
            _ => return,
        };
        let Some(key) = self.sns.subscription_key(topic, subscription) else {
            return;
        };
        let name = mqlab_engine::sqs::name_from_arn(queue).unwrap_or(queue);
        let Some(&qi) = self.queue_index.get(name) else {
            return;
        };
        // The DLQ's message id is not in the event: the newest mark put there now from outside.
        let serial = match sqs_id {
            Some(id) => self.index.get(&mark_key(qi, id)).copied(),
            None => self
                .marks
                .values()
                .rev()
                .find(|m| m.queue == qi && m.since_ms == t && m.from == Place::Outside)
                .map(|m| m.serial),
        };
        if let Some(m) = serial.and_then(|s| self.marks.get_mut(&s)) {
            m.from = if sqs_id.is_some() {
                Place::Topic(key.0, key.1)
            } else {
                Place::Subscriber(key.0, key.1)
            };
        }
    }

    fn new_mark(
        &mut self,
        queue: u16,
        message_id: String,
        group: Option<u16>,
        state: MarkState,
        from: Place,
        t: SimTime,
    ) -> u64 {
        let serial = self.next_serial;
        self.next_serial += 1;
        self.index.insert(mark_key(queue, &message_id), serial);
        self.marks.insert(
            serial,
            Mark {
                serial,
                queue,
                message_id,
                group,
                state,
                from,
                since_ms: t,
                receive_count: 0,
                duplicate: false,
                life: Vec::new(),
                life_dropped: 0,
            },
        );
        serial
    }

    fn remove_mark(&mut self, serial: u64, reason: GoneReason, t: SimTime) {
        let Some(mark) = self.marks.remove(&serial) else {
            return;
        };
        self.index.remove(&mark_key(mark.queue, &mark.message_id));
        push_capped(
            &mut self.gone,
            GONE_MAX,
            Gone {
                mark,
                reason,
                at_ms: t,
            },
        );
    }

    // ─────────────────────────────────────────────────────────────── from the engine

    /// Copies what the engine counts itself (queue depths and totals, locked groups, actors,
    /// cost) and forgets transients older than [`ViewModel::transient_ms`].
    pub fn sync(&mut self, world: &World) {
        let now = world.now();
        self.now_ms = now;
        let sqs = world.sqs();
        for q in sqs.queues() {
            let qi = self.queue_idx(&q.name) as usize;
            let dlq = q
                .attrs
                .redrive_policy
                .as_ref()
                .and_then(|p| name_from_arn(&p.dead_letter_target_arn))
                .map(str::to_string);
            let dlq = dlq.map(|name| self.queue_idx(&name));
            let v = &mut self.queues[qi];
            v.fifo = q.fifo();
            v.deleted = false;
            v.dead_letter_queue = dlq;
            v.visibility_timeout_s = q.attrs.visibility_timeout;
            v.receive_wait_time_s = q.attrs.receive_message_wait_time_seconds;
            v.max_receive_count = q.attrs.redrive_policy.as_ref().map(|p| p.max_receive_count);
            v.visible = q.visible_count();
            v.in_flight = q.in_flight_count();
            v.delayed = q.delayed_count();
            v.sent = q.totals.sent;
            v.received = q.totals.received;
            v.deleted_messages = q.totals.deleted;
            v.moved_to_dlq = q.totals.moved_to_dlq;
            v.expired = q.totals.expired;
            v.empty_receives = q.totals.empty_receives;
            v.duplicates = q.totals.duplicates_delivered;
            // Locked groups: a group with a message in flight (FIFO). The scan stops once it
            // has seen every in-flight message.
            for g in &mut v.groups {
                g.locked = false;
            }
            if v.fifo && v.in_flight > 0 {
                let mut seen = 0;
                for m in q.messages().take(GROUP_SCAN_MAX) {
                    if let MessageState::InFlight { .. } = m.state {
                        seen += 1;
                        if let Some(g) = &m.group_id {
                            if let Some(c) = v.group_color(g) {
                                v.groups[c as usize].locked = true;
                            }
                        }
                        if seen >= v.in_flight {
                            break;
                        }
                    }
                }
            }
        }
        let dlqs: Vec<u16> = self
            .queues
            .iter()
            .filter_map(|q| q.dead_letter_queue)
            .collect();
        for q in &mut self.queues {
            q.is_dead_letter_queue = false;
        }
        for d in dlqs {
            self.queues[d as usize].is_dead_letter_queue = true;
        }
        self.kinesis.sync(world.kinesis());
        {
            self.sns.sync(world.sns());
            // A subscription's dead-letter queue is drawn as one too.
            let dlqs: Vec<u16> = self
                .sns
                .topics
                .iter()
                .flat_map(|t| &t.subscriptions)
                .filter_map(|s| {
                    self.queue_index
                        .get(s.dead_letter_queue.as_deref()?)
                        .copied()
                })
                .collect();
            for d in dlqs {
                self.queues[d as usize].is_dead_letter_queue = true;
            }
        }
        let actors = world.actors();
        for p in &actors.producers {
            let qi = self.queue_index.get(&p.spec.queue).copied();
            let (ti, bucket) = {
                let bucket = p.spec.bucket.clone();
                let topic = p.spec.topic.clone().or_else(|| {
                    let b = world.s3().bucket(bucket.as_deref()?)?;
                    let arn = &b.notifications.first()?.topic_arn;
                    Some(arn.rsplit(':').next()?.to_string())
                });
                let ti = topic.and_then(|t| {
                    self.sns
                        .topics
                        .iter()
                        .position(|v| v.name == t)
                        .map(|i| i as u16)
                });
                (ti, bucket)
            };
            let pi = self.producer_idx(&p.spec.name) as usize;
            let v = &mut self.producers[pi];
            v.queue = qi;
            v.topic = ti;
            v.bucket = bucket;
            {
                v.stream = p.spec.stream.as_deref().and_then(|n| {
                    self.kinesis
                        .streams
                        .iter()
                        .position(|s| s.name == n)
                        .map(|i| i as u16)
                });
            }
            v.rate_per_s = p.spec.rate_per_s;
            v.sent = p.sent;
            v.retried = p.retried;
        }
        for c in &actors.consumers {
            let spec = &actors.consumer_specs[c.spec];
            let qi = self.queue_index.get(&spec.queue).copied();
            let long_poll = match spec.wait_time_s {
                Some(w) => w > 0,
                None => qi.is_some_and(|q| self.queues[q as usize].receive_wait_time_s > 0),
            };
            let ci = self.consumer_idx(&c.name) as usize;
            let v = &mut self.consumers[ci];
            v.group = c.spec;
            v.queue = qi;
            v.long_poll = long_poll;
            v.status = match c.state {
                ConsumerState::Polling => ConsumerStatus::Polling,
                ConsumerState::Processing => ConsumerStatus::Processing,
                ConsumerState::Down => ConsumerStatus::Down,
                ConsumerState::Stopped => ConsumerStatus::Stopped,
            };
            v.processed = c.processed;
            v.failed = c.failed;
            v.crashes = c.crashes;
        }
        (self.totals.requests, self.totals.cost_usd) = world.bill_total();
        self.summary = self.summarize(world);
        self.prune(now);
    }

    /// One summary per service the run has, from the engine's counters.
    fn summarize(&self, world: &World) -> Summary {
        #[allow(unused_mut)]
        let mut s = Summary {
            queues: self.queues.iter().any(|q| !q.deleted),
            requests_sqs: world.sqs().cost().requests(),
            ..Summary::default()
        };
        if !self.sns.is_empty() {
            let sns = crate::sns_view::SnsSummary::of(world.sns(), &self.sns);
            s.requests_sns = sns.requests;
            s.sns = Some(sns);
        }
        if !self.kinesis.is_empty() {
            let k = crate::kinesis_view::KinesisSummary::of(world, &self.kinesis);
            s.requests_kinesis = k.requests;
            s.kinesis = Some(k);
        }
        if crate::sim::FULL_PAGE {
            s.asgs = group_views(world);
            s.more = more_rows(world, &s.asgs);
            s.queue_alarms = queue_alarms(world);
            s.services = crate::services_view::SharedServices(std::rc::Rc::new(
                crate::services_view::of(world, &self.services_recent),
            ));
            s.mappings = world
                .lambda()
                .mappings()
                .map(|m| {
                    (
                        m.function.clone(),
                        name_from_arn(&m.queue_arn).unwrap_or_default().to_string(),
                    )
                })
                .collect();
        }
        s
    }

    /// Forgets transients that have faded by `now`.
    fn prune(&mut self, now: SimTime) {
        let keep = self.transient_ms;
        let fresh = |at: SimTime| now.saturating_sub(at) <= keep;
        while self.gone.front().is_some_and(|g| !fresh(g.at_ms)) {
            self.gone.pop_front();
        }
        while self.flashes.front().is_some_and(|f| !fresh(f.at_ms)) {
            self.flashes.pop_front();
        }
        while self.empty_receives.front().is_some_and(|e| !fresh(e.at_ms)) {
            self.empty_receives.pop_front();
        }
        self.sns.prune(now, keep);
        self.kinesis.prune(now, keep);
    }

    /// Records one point of the charts at the world's current time (the driver advances the
    /// world to [`ViewModel::next_sample_at`] first).
    pub fn sample(&mut self, world: &World) {
        let now = world.now();
        let sqs = world.sqs();
        let mut queues = vec![QueueSample::default(); self.queues.len()];
        for q in sqs.queues() {
            let qi = self.queue_idx(&q.name) as usize;
            if queues.len() <= qi {
                queues.resize(qi + 1, QueueSample::default());
            }
            queues[qi] = QueueSample {
                visible: q.visible_count() as u64,
                not_visible: q.in_flight_count() as u64,
                delayed: q.delayed_count() as u64,
                age_of_oldest_s: q.age_of_oldest_s(now),
                sent: q.totals.sent,
                received: q.totals.received,
                deleted: q.totals.deleted,
                empty_receives: q.totals.empty_receives,
            };
        }
        let (requests, cost_usd) = world.bill_total();
        let topics = self
            .sns
            .topics
            .iter()
            .map(|t| [t.published, t.delivered, t.filtered_out, t.failed])
            .collect();
        // From the world (not the synced view), so a sample is the same however frames fall.
        let streams = world
            .kinesis()
            .streams()
            .map(|st| StreamSample {
                incoming_records: st.shards.iter().map(|s| s.totals.records_in).sum(),
                write_throttled: st.shards.iter().map(|s| s.totals.writes_throttled).sum(),
                read_throttled: st.shards.iter().map(|s| s.totals.reads_throttled).sum(),
                millis_behind_latest: self
                    .kinesis
                    .readers
                    .iter()
                    .filter(|r| r.stream == st.name && r.alive)
                    .flat_map(|r| r.cursors.values().map(|c| c.1))
                    .max()
                    .unwrap_or(0),
            })
            .collect();
        let asgs = if crate::sim::FULL_PAGE {
            world
                .autoscaling()
                .groups
                .values()
                .map(|g| {
                    [
                        g.desired,
                        g.count(mqlab_engine::autoscaling::Lifecycle::InService),
                    ]
                })
                .collect()
        } else {
            Vec::new()
        };
        let mappings = if crate::sim::FULL_PAGE {
            world
                .lambda()
                .mappings()
                .map(|m| [m.in_flight, m.concurrency])
                .collect()
        } else {
            Vec::new()
        };
        let brokers = if crate::sim::FULL_PAGE {
            world
                .mq()
                .brokers()
                .map(|b| {
                    let acked = b.plane.stats.dests.values().map(|d| d.totals.acked).sum();
                    [b.plane.stats.published, acked]
                })
                .collect()
        } else {
            Vec::new()
        };
        self.samples.points.push_back(Sample {
            t_ms: now,
            queues,
            topics,
            streams,
            asgs,
            mappings,
            brokers,
            requests,
            cost_usd,
        });
        self.samples.next_at_ms = (now / self.samples.every_ms + 1) * self.samples.every_ms;
        if self.samples.points.len() > SAMPLES_MAX {
            self.samples.thin();
        }
    }
}

/// Appends `item`, dropping the oldest once `buf` holds `max`.
pub(crate) fn push_capped<T>(buf: &mut VecDeque<T>, max: usize, item: T) {
    if buf.len() >= max {
        buf.pop_front();
    }
    buf.push_back(item);
}

/// The key of a mark in `ViewModel::index`: the queue's index and the message id (the queue
/// index has no `:`, so the two parts never run into each other).
fn mark_key(queue: u16, message_id: &str) -> String {
    format!("{queue}:{message_id}")
}
