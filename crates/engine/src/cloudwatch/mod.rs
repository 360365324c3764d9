//! Amazon CloudWatch metric alarms over the metrics bus: each alarm watches one metric of
//! one resource (a queue's `ApproximateNumberOfMessagesVisible`, a stream's
//! `IncomingRecords`, …) in the per-minute datapoints the services publish
//! (`World::metric_datapoints`), evaluates it once per period on the world's metrics tick,
//! keeps its state and history, and on a change of state publishes AWS's alarm
//! notification to the SNS topics among its actions — through the router, as an effect
//! (aws-rules §10).
//!
//! CloudWatch has no timers of its own: the world calls [`CloudWatch::evaluate`] after it
//! closes each minute, and only once the world has been asked for a `cloudwatch` call, so a
//! run without alarms is untouched and a build that makes no API calls links none of this.

pub mod api;
pub mod evaluate;
pub mod math;
mod ops;

pub use ops::{ACTIONS_MAX, STATISTICS_DATAPOINTS_MAX};

use crate::core::metrics::Bill;
use crate::core::time::{SimTime, MS_PER_H, MS_PER_S};
use api::Dimension;
use evaluate::{Comparison, StateValue, Statistic, TreatMissing};
use std::collections::VecDeque;

/// CloudWatch schedules nothing itself (its clock is the world's metrics tick).
#[derive(Clone, Debug)]
pub enum CloudWatchTimer {}

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, CloudWatchTimer>;

/// Alarms one account may hold here. AWS no longer quotes a number of alarms (LimitExceeded
/// remains in PutMetricAlarm's errors); this bounds the simulation's memory (mqlab's choice).
pub const ALARMS_MAX: usize = 10_000;

/// History items kept, oldest dropped first (AWS keeps two weeks of history; a cap keeps a
/// long run bounded — mqlab's choice).
pub const HISTORY_ITEMS_MAX: usize = 10_000;

/// $0.10 per standard-resolution alarm metric per month, prorated by the hour over AWS's
/// 730-hour month (aws-rules §10.7).
pub const USD_PER_ALARM_MONTH: f64 = 0.10;
/// A high-resolution alarm (a Period of 10, 20 or 30 s): $0.30 per alarm metric per month.
pub const USD_PER_HIGH_RESOLUTION_ALARM_MONTH: f64 = 0.30;
pub const HOURS_PER_MONTH: f64 = 730.0;
/// GetMetricStatistics: $0.01 per 1,000 requests (aws-rules §10.7).
pub const USD_PER_STATISTICS_REQUEST: f64 = 0.01 / 1_000.0;

/// One metric alarm: what PutMetricAlarm configured and the state it is in.
#[derive(Clone, Debug)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub actions_enabled: bool,
    pub ok_actions: Vec<String>,
    pub alarm_actions: Vec<String>,
    pub insufficient_data_actions: Vec<String>,
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<Dimension>,
    pub statistic: Statistic,
    pub period_s: u64,
    pub unit: Option<String>,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub threshold: f64,
    pub comparison: Comparison,
    pub treat_missing: TreatMissing,
    pub state: StateValue,
    pub state_reason: String,
    pub state_reason_data: Option<String>,
    pub state_updated_at: SimTime,
    pub state_transitioned_at: SimTime,
    pub configuration_updated_at: SimTime,
    /// When the alarm was created (its bill runs from then).
    pub created_at: SimTime,
    /// Metric math (aws-rules §10.8): when not empty, the alarm watches the data these
    /// queries return instead of `namespace` / `metric_name` / `statistic`.
    pub metrics: Vec<api::MetricDataQuery>,
}

/// An alarm action naming an EC2 Auto Scaling policy (aws-rules §10.5, §2.4): an effect
/// CloudWatch hands to the world, which runs the policy (CloudWatch knows no Auto Scaling).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyInvocation {
    pub policy_arn: String,
    pub alarm_name: String,
    pub state: StateValue,
    /// The newest datapoint evaluated (step scaling picks its step with it).
    pub value: Option<f64>,
    pub threshold: f64,
}

/// `HistoryItemType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKind {
    ConfigurationUpdate,
    StateUpdate,
    Action,
}

impl HistoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKind::ConfigurationUpdate => "ConfigurationUpdate",
            HistoryKind::StateUpdate => "StateUpdate",
            HistoryKind::Action => "Action",
        }
    }

    fn parse(s: &str) -> Option<HistoryKind> {
        Some(match s {
            "ConfigurationUpdate" => HistoryKind::ConfigurationUpdate,
            "StateUpdate" => HistoryKind::StateUpdate,
            "Action" => HistoryKind::Action,
            _ => return None,
        })
    }
}

impl Alarm {
    /// A Period under a minute (10, 20 or 30 s) makes a high-resolution alarm (aws-rules
    /// §10.2, §10.7).
    pub fn high_resolution(&self) -> bool {
        self.period_s < 60
    }
}

/// One alarm history item, numbered in the order it happened (the paging token).
#[derive(Clone, Debug)]
pub struct HistoryItem {
    pub seq: u64,
    pub alarm_name: String,
    pub at: SimTime,
    pub kind: HistoryKind,
    pub summary: String,
    pub data: String,
}

/// The CloudWatch service: alarms by name (listed in name order, as AWS lists them), their
/// history, and what it has billed.
#[derive(Clone, Debug, Default)]
pub struct CloudWatch {
    alarms: crate::core::ordmap::OrdMap<String, Alarm>,
    history: VecDeque<HistoryItem>,
    history_seq: u64,
    statistics_requests: u64,
    /// Alarm-milliseconds of deleted alarms, standard and high resolution (live ones are
    /// billed from `created_at`).
    deleted_alarm_ms: [u64; 2],
    /// Scaling policies the alarms' actions invoked, for the world to route (drained by it).
    pub policy_invocations: Vec<PolicyInvocation>,
}

impl CloudWatch {
    pub fn alarm(&self, name: &str) -> Option<&Alarm> {
        self.alarms.get(name)
    }

    pub fn alarms(&self) -> impl Iterator<Item = &Alarm> {
        self.alarms.values()
    }

    pub fn history(&self) -> impl Iterator<Item = &HistoryItem> {
        self.history.iter()
    }

    /// Whether some alarm evaluates at `now` (a multiple of its period since the run began).
    pub fn any_due(&self, now: SimTime) -> bool {
        self.alarms
            .values()
            .any(|a| now > 0 && now.is_multiple_of(a.period_s * MS_PER_S))
    }

    /// The cost meter's line: alarm-hours and GetMetricStatistics requests.
    pub fn bill(&self, now: SimTime) -> Bill {
        let mut alarm_ms = self.deleted_alarm_ms;
        for a in self.alarms.values() {
            alarm_ms[usize::from(a.high_resolution())] += now.saturating_sub(a.created_at);
        }
        let month_ms = HOURS_PER_MONTH * MS_PER_H as f64;
        Bill {
            service: "CloudWatch",
            requests: self.statistics_requests,
            usd: alarm_ms[0] as f64 / month_ms * USD_PER_ALARM_MONTH
                + alarm_ms[1] as f64 / month_ms * USD_PER_HIGH_RESOLUTION_ALARM_MONTH
                + self.statistics_requests as f64 * USD_PER_STATISTICS_REQUEST,
        }
    }

    fn record(
        &mut self,
        alarm_name: &str,
        at: SimTime,
        kind: HistoryKind,
        summary: String,
        data: String,
    ) {
        if self.history.len() >= HISTORY_ITEMS_MAX {
            self.history.pop_front();
        }
        self.history.push_back(HistoryItem {
            seq: self.history_seq,
            alarm_name: alarm_name.to_string(),
            at,
            kind,
            summary,
            data,
        });
        self.history_seq += 1;
    }
}
