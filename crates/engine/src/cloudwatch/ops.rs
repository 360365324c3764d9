//! CloudWatch's alarm operations (PutMetricAlarm, DescribeAlarms, DeleteAlarms,
//! SetAlarmState, DescribeAlarmHistory, GetMetricStatistics), the evaluation the metrics
//! tick runs, and the notifications alarm actions publish.

use super::api::*;
use super::evaluate::{
    self, notification_time, Comparison, Period, Rule, StateValue, Statistic, TreatMissing,
};
use super::{Alarm, CloudWatch, Ctx, HistoryKind, PolicyInvocation, ALARMS_MAX};
use crate::core::aws::{arn, b64_decode, b64_encode, ACCOUNT_ID};
use crate::core::error::AwsError;
use crate::core::event::EventKind;
use crate::core::metrics::Datapoint;
use crate::core::route::Router;
use crate::core::time::{epoch_ms, epoch_s, secs_to_ms, SimTime, EPOCH_S, MS_PER_MIN, MS_PER_S};
use serde::Serialize;
use serde_json::Value;

/// Actions one list of an alarm may hold (AlarmActions, OKActions, InsufficientDataActions).
pub const ACTIONS_MAX: usize = 5;
/// Names DescribeAlarms / DeleteAlarms take at once.
pub const ALARM_NAMES_MAX: usize = 100;
/// An alarm's periods × evaluation periods may span a day, or seven days for periods of an
/// hour or more (aws-rules §10.2).
pub const EVALUATION_SPAN_MAX_S: u64 = 86_400;
pub const EVALUATION_SPAN_LONG_MAX_S: u64 = 7 * 86_400;
/// GetMetricStatistics answers at most 1,440 datapoints (aws-rules §10.6).
pub const STATISTICS_DATAPOINTS_MAX: u64 = 1_440;
const REGION_NAME: &str = "US East (N. Virginia)";
/// An EC2 Auto Scaling policy's ARN: an alarm action the world routes to Auto Scaling.
const SCALING_ARN: &str = "arn:aws:autoscaling:";
const INITIAL_REASON: &str = "Unchecked: Initial alarm creation";

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::invalid_parameter_value(message)
}

fn combination(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidParameterCombination", message)
}

fn epoch_secs(t: SimTime) -> f64 {
    epoch_ms(t) as f64 / MS_PER_S as f64
}

/// A request's epoch seconds as virtual time (before the run began: its start).
fn virtual_ms(epoch_seconds: f64) -> SimTime {
    secs_to_ms((epoch_seconds - EPOCH_S as f64).max(0.0)).unwrap_or(SimTime::MAX)
}

fn length(name: &str, value: &str, max: usize) -> Result<(), AwsError> {
    let n = value.chars().count();
    if n == 0 || n > max {
        return Err(invalid(format!(
            "The parameter {name} must be between 1 and {max} characters long."
        )));
    }
    Ok(())
}

fn check_actions(name: &str, actions: &[String]) -> Result<(), AwsError> {
    if actions.len() > ACTIONS_MAX {
        return Err(invalid(format!(
            "The parameter {name} must contain at most {ACTIONS_MAX} actions."
        )));
    }
    for a in actions {
        if !a.starts_with("arn:") || a.split(':').count() < 6 {
            return Err(invalid(format!("Invalid arn syntax: {a}")));
        }
    }
    Ok(())
}

fn check_dimensions(dims: &[Dimension]) -> Result<(), AwsError> {
    if dims.len() > 30 {
        return Err(invalid(
            "The collection Dimensions must not have more than 30 items.",
        ));
    }
    for d in dims {
        length("Dimensions.member.Name", &d.name, 255)?;
        length("Dimensions.member.Value", &d.value, 1024)?;
    }
    Ok(())
}

/// Whether a bus datapoint is of this metric with exactly these dimensions (CloudWatch
/// matches the whole set of dimensions, not a subset).
fn same_metric(p: &Datapoint, namespace: &str, metric: &str, dims: &[Dimension]) -> bool {
    p.namespace == namespace
        && p.metric == metric
        && p.dimensions.len() == dims.len()
        && dims
            .iter()
            .all(|d| p.dimension(&d.name) == Some(d.value.as_str()))
}

/// The per-minute samples of each period `[start, start + period)`, in virtual ms.
fn samples(points: &[&Datapoint], start: SimTime, end: SimTime) -> Vec<f64> {
    let (from, to) = (epoch_s(start), epoch_s(end));
    points
        .iter()
        .filter(|p| p.timestamp >= from && p.timestamp < to)
        .map(|p| p.value)
        .collect()
}

fn next_token(key: &str) -> String {
    b64_encode(key)
}

fn read_token(token: &str) -> Result<String, AwsError> {
    b64_decode(token)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            AwsError::new(
                "InvalidNextToken",
                "The service cannot process the request because the token is invalid.",
            )
        })
}

fn max_records(v: Option<i64>, default: usize) -> Result<usize, AwsError> {
    match v {
        None => Ok(default),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(n) => Err(invalid(format!(
            "The parameter MaxRecords must be between 1 and 100 (was {n})."
        ))),
    }
}

/// AWS's alarm notification, the message an SNS action publishes (aws-rules §10.5). Field
/// order as AWS writes it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Notification<'a> {
    alarm_name: &'a str,
    alarm_description: Option<&'a str>,
    #[serde(rename = "AWSAccountId")]
    aws_account_id: &'a str,
    alarm_configuration_updated_timestamp: String,
    new_state_value: &'a str,
    new_state_reason: &'a str,
    state_change_time: String,
    region: &'a str,
    alarm_arn: &'a str,
    old_state_value: &'a str,
    #[serde(rename = "OKActions")]
    ok_actions: &'a [String],
    alarm_actions: &'a [String],
    insufficient_data_actions: &'a [String],
    trigger: Trigger<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Trigger<'a> {
    metric_name: &'a str,
    namespace: &'a str,
    statistic_type: &'a str,
    statistic: String,
    unit: Option<&'a str>,
    dimensions: Vec<NotifiedDimension<'a>>,
    period: u64,
    evaluation_periods: u32,
    datapoints_to_alarm: u32,
    comparison_operator: &'a str,
    threshold: f64,
    treat_missing_data: &'a str,
    evaluate_low_sample_count_percentile: &'a str,
}

/// The notification writes dimensions in lower case, value first.
#[derive(Serialize)]
struct NotifiedDimension<'a> {
    value: &'a str,
    name: &'a str,
}

fn notification(a: &Alarm, old: StateValue) -> String {
    let n = Notification {
        alarm_name: &a.name,
        alarm_description: a.description.as_deref(),
        aws_account_id: ACCOUNT_ID,
        alarm_configuration_updated_timestamp: notification_time(a.configuration_updated_at),
        new_state_value: a.state.as_str(),
        new_state_reason: &a.state_reason,
        state_change_time: notification_time(a.state_updated_at),
        region: REGION_NAME,
        alarm_arn: &a.arn,
        old_state_value: old.as_str(),
        ok_actions: &a.ok_actions,
        alarm_actions: &a.alarm_actions,
        insufficient_data_actions: &a.insufficient_data_actions,
        trigger: Trigger {
            metric_name: &a.metric_name,
            namespace: &a.namespace,
            statistic_type: "Statistic",
            statistic: a.statistic.as_str().to_ascii_uppercase(),
            unit: a.unit.as_deref(),
            dimensions: a
                .dimensions
                .iter()
                .map(|d| NotifiedDimension {
                    value: &d.value,
                    name: &d.name,
                })
                .collect(),
            period: a.period_s,
            evaluation_periods: a.evaluation_periods,
            datapoints_to_alarm: a.datapoints_to_alarm,
            comparison_operator: a.comparison.as_str(),
            threshold: a.threshold,
            treat_missing_data: a.treat_missing.as_str(),
            evaluate_low_sample_count_percentile: "",
        },
    };
    serde_json::to_string(&n).unwrap_or_default()
}

fn describe(a: &Alarm) -> MetricAlarm {
    MetricAlarm {
        alarm_name: a.name.clone(),
        alarm_arn: a.arn.clone(),
        alarm_description: a.description.clone(),
        alarm_configuration_updated_timestamp: epoch_secs(a.configuration_updated_at),
        actions_enabled: a.actions_enabled,
        ok_actions: a.ok_actions.clone(),
        alarm_actions: a.alarm_actions.clone(),
        insufficient_data_actions: a.insufficient_data_actions.clone(),
        state_value: a.state.as_str().to_string(),
        state_reason: a.state_reason.clone(),
        state_reason_data: a.state_reason_data.clone(),
        state_updated_timestamp: epoch_secs(a.state_updated_at),
        metric_name: a.metric_name.clone(),
        namespace: a.namespace.clone(),
        statistic: if a.metrics.is_empty() {
            a.statistic.as_str().to_string()
        } else {
            String::new()
        },
        dimensions: a.dimensions.clone(),
        period: if a.metrics.is_empty() { a.period_s } else { 0 },
        unit: a.unit.clone(),
        evaluation_periods: a.evaluation_periods,
        datapoints_to_alarm: a.datapoints_to_alarm,
        threshold: a.threshold,
        comparison_operator: a.comparison.as_str().to_string(),
        treat_missing_data: a.treat_missing.as_str().to_string(),
        state_transitioned_timestamp: epoch_secs(a.state_transitioned_at),
        metrics: a.metrics.clone(),
    }
}

/// A request's Period: a whole number of minutes, or (`sub_minute`, an alarm's) 10, 20 or
/// 30 s. AWS takes those for any alarm; over the services' 1-minute datapoints most of such
/// an alarm's periods hold no data (aws-rules §10.2). Statistics over standard-resolution
/// metrics come in whole minutes.
fn check_period(period: Option<i64>, sub_minute: bool) -> Result<i64, AwsError> {
    let period = period.ok_or_else(|| AwsError::missing_parameter("Period"))?;
    if sub_minute && matches!(period, 10 | 20 | 30) {
        return Ok(period);
    }
    if period < 60 || period % 60 != 0 {
        return Err(invalid(if sub_minute {
            format!("The parameter Period must be 10, 20, 30 or a multiple of 60 (was {period}).")
        } else {
            format!(
                "The parameter Period must be 60 or a multiple of 60 for standard-resolution metrics (was {period})."
            )
        }));
    }
    Ok(period)
}

/// MetricName, Namespace, Dimensions and Statistic of an alarm on one metric.
fn single_metric(i: &PutMetricAlarmInput) -> Result<(String, String, Statistic), AwsError> {
    let metric_name = i
        .metric_name
        .clone()
        .ok_or_else(|| AwsError::missing_parameter("MetricName"))?;
    let namespace = i
        .namespace
        .clone()
        .ok_or_else(|| AwsError::missing_parameter("Namespace"))?;
    length("MetricName", &metric_name, 255)?;
    length("Namespace", &namespace, 255)?;
    check_dimensions(&i.dimensions)?;
    let statistic = match (&i.statistic, &i.extended_statistic) {
        (Some(_), Some(_)) => {
            return Err(combination(
                "Exactly one of Statistic and ExtendedStatistic must be specified.",
            ))
        }
        (None, None) => {
            return Err(combination(
                "One of Statistic and ExtendedStatistic must be specified.",
            ))
        }
        (None, Some(_)) => {
            return Err(invalid(
                "ExtendedStatistic (percentiles) is not simulated; use Statistic.",
            ))
        }
        (Some(s), None) => Statistic::parse(s).ok_or_else(|| {
            invalid(format!(
                "The parameter Statistic must be one of {} (was {s}).",
                Statistic::NAMES
            ))
        })?,
    };
    Ok((metric_name, namespace, statistic))
}

/// The validated configuration of PutMetricAlarm (aws-rules §10.2).
fn configure(i: &PutMetricAlarmInput, now: SimTime) -> Result<Alarm, AwsError> {
    let name = i
        .alarm_name
        .clone()
        .ok_or_else(|| AwsError::missing_parameter("AlarmName"))?;
    length("AlarmName", &name, 255)?;
    if let Some(d) = &i.alarm_description {
        if d.chars().count() > 1024 {
            return Err(invalid(
                "The parameter AlarmDescription must be at most 1024 characters long.",
            ));
        }
    }
    if i.threshold_metric_id.is_some() {
        return Err(invalid(
            "ThresholdMetricId (anomaly detection alarms) is not simulated; give Threshold.",
        ));
    }
    let (metric_name, namespace, statistic, period, metrics) = match &i.metrics {
        Some(m) => {
            if i.metric_name.is_some()
                || i.namespace.is_some()
                || i.statistic.is_some()
                || i.extended_statistic.is_some()
                || !i.dimensions.is_empty()
                || i.period.is_some()
            {
                return Err(combination(
                    "Metrics cannot be combined with MetricName, Namespace, Dimensions, Statistic, ExtendedStatistic or Period.",
                ));
            }
            let period = super::math::check(m)? as i64;
            (
                String::new(),
                String::new(),
                Statistic::Average,
                period,
                m.clone(),
            )
        }
        None => {
            let (metric_name, namespace, statistic) = single_metric(i)?;
            (
                metric_name,
                namespace,
                statistic,
                check_period(i.period, true)?,
                Vec::new(),
            )
        }
    };
    let evaluation_periods = i
        .evaluation_periods
        .ok_or_else(|| AwsError::missing_parameter("EvaluationPeriods"))?;
    if evaluation_periods < 1 {
        return Err(invalid(format!(
            "The parameter EvaluationPeriods must be greater than or equal to 1 (was {evaluation_periods})."
        )));
    }
    let span_max = if period >= 3_600 {
        EVALUATION_SPAN_LONG_MAX_S
    } else {
        EVALUATION_SPAN_MAX_S
    };
    let span = (period as u64).saturating_mul(evaluation_periods as u64);
    if span > span_max {
        return Err(invalid(format!(
            "The evaluation period of the alarm (Period × EvaluationPeriods = {span} s) must not exceed {span_max} s."
        )));
    }
    let datapoints_to_alarm = i.datapoints_to_alarm.unwrap_or(evaluation_periods);
    if datapoints_to_alarm < 1 || datapoints_to_alarm > evaluation_periods {
        return Err(invalid(format!(
            "DatapointsToAlarm must be between 1 and EvaluationPeriods ({evaluation_periods}) (was {datapoints_to_alarm})."
        )));
    }
    let threshold = i
        .threshold
        .ok_or_else(|| AwsError::missing_parameter("Threshold"))?;
    let op = i
        .comparison_operator
        .as_deref()
        .ok_or_else(|| AwsError::missing_parameter("ComparisonOperator"))?;
    let comparison = Comparison::parse(op).ok_or_else(|| {
        invalid(format!(
            "The parameter ComparisonOperator must be one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold (was {op}); anomaly detection bands are not simulated."
        ))
    })?;
    let treat_missing = match i.treat_missing_data.as_deref() {
        None => TreatMissing::Missing,
        Some(t) => TreatMissing::parse(t).ok_or_else(|| {
            invalid(format!(
                "The parameter TreatMissingData must be one of breaching, notBreaching, ignore, missing (was {t})."
            ))
        })?,
    };
    let ok_actions = i.ok_actions.clone().unwrap_or_default();
    let alarm_actions = i.alarm_actions.clone().unwrap_or_default();
    let insufficient_data_actions = i.insufficient_data_actions.clone().unwrap_or_default();
    check_actions("OKActions", &ok_actions)?;
    check_actions("AlarmActions", &alarm_actions)?;
    check_actions("InsufficientDataActions", &insufficient_data_actions)?;
    Ok(Alarm {
        arn: arn("cloudwatch", &format!("alarm:{name}")),
        name,
        description: i.alarm_description.clone(),
        actions_enabled: i.actions_enabled.unwrap_or(true),
        ok_actions,
        alarm_actions,
        insufficient_data_actions,
        namespace,
        metric_name,
        dimensions: i.dimensions.clone(),
        statistic,
        period_s: period as u64,
        unit: i.unit.clone(),
        evaluation_periods: evaluation_periods as u32,
        datapoints_to_alarm: datapoints_to_alarm as u32,
        threshold,
        comparison,
        treat_missing,
        state: StateValue::InsufficientData,
        state_reason: INITIAL_REASON.to_string(),
        state_reason_data: None,
        state_updated_at: now,
        state_transitioned_at: now,
        configuration_updated_at: now,
        created_at: now,
        metrics,
    })
}

impl CloudWatch {
    /// PutMetricAlarm: creates an alarm in INSUFFICIENT_DATA, or updates the alarm of that
    /// name (its state stays; the next evaluation decides it again).
    pub fn put_metric_alarm(
        &mut self,
        now: SimTime,
        i: &PutMetricAlarmInput,
    ) -> Result<(), AwsError> {
        let mut alarm = configure(i, now)?;
        let name = alarm.name.clone();
        let summary = match self.alarms.get(&name) {
            Some(old) => {
                alarm.state = old.state;
                alarm.state_reason = old.state_reason.clone();
                alarm.state_reason_data = old.state_reason_data.clone();
                alarm.state_updated_at = old.state_updated_at;
                alarm.state_transitioned_at = old.state_transitioned_at;
                alarm.created_at = old.created_at;
                format!("Alarm \"{name}\" updated")
            }
            None if self.alarms.len() >= ALARMS_MAX => {
                return Err(AwsError::new(
                    "LimitExceeded",
                    format!("The maximum number of alarms ({ALARMS_MAX}) for this account has been reached."),
                ))
            }
            None => format!("Alarm \"{name}\" created"),
        };
        let data = serde_json::json!({
            "version": "1.0",
            "type": if summary.ends_with("created") { "Create" } else { "Update" },
            "updatedAlarm": describe(&alarm),
        })
        .to_string();
        self.alarms.insert(name.clone(), alarm);
        self.record(&name, now, HistoryKind::ConfigurationUpdate, summary, data);
        Ok(())
    }

    /// DescribeAlarms: metric alarms in name order, filtered, a page at a time.
    pub fn describe_alarms(
        &self,
        i: &DescribeAlarmsInput,
    ) -> Result<DescribeAlarmsOutput, AwsError> {
        if i.alarm_names.is_some() && i.alarm_name_prefix.is_some() {
            return Err(combination(
                "AlarmNames and AlarmNamePrefix cannot be specified together.",
            ));
        }
        let names = i.alarm_names.as_deref().unwrap_or_default();
        if names.len() > ALARM_NAMES_MAX {
            return Err(invalid(format!(
                "The parameter AlarmNames must contain at most {ALARM_NAMES_MAX} names."
            )));
        }
        let state = match i.state_value.as_deref() {
            None => None,
            Some(s) => Some(StateValue::parse(s).ok_or_else(|| {
                invalid(format!(
                    "The parameter StateValue must be one of OK, ALARM, INSUFFICIENT_DATA (was {s})."
                ))
            })?),
        };
        let metric = match &i.alarm_types {
            None => true,
            Some(types) => {
                for t in types {
                    if t != "MetricAlarm" && t != "CompositeAlarm" {
                        return Err(invalid(format!(
                            "The parameter AlarmTypes must contain only MetricAlarm and CompositeAlarm (was {t})."
                        )));
                    }
                }
                types.iter().any(|t| t == "MetricAlarm")
            }
        };
        let limit = max_records(i.max_records, 50)?;
        let after = i.next_token.as_deref().map(read_token).transpose()?;
        let mut page = Vec::new();
        let mut token = None;
        let matching = self.alarms.values().filter(|a| {
            metric
                && (names.is_empty() || names.contains(&a.name))
                && i.alarm_name_prefix
                    .as_ref()
                    .is_none_or(|p| a.name.starts_with(p.as_str()))
                && state.is_none_or(|s| a.state == s)
                && i.action_prefix.as_ref().is_none_or(|p| {
                    a.alarm_actions
                        .iter()
                        .chain(&a.ok_actions)
                        .chain(&a.insufficient_data_actions)
                        .any(|x| x.starts_with(p.as_str()))
                })
                && after.as_ref().is_none_or(|t| a.name >= *t)
        });
        for a in matching {
            if page.len() == limit {
                token = Some(next_token(&a.name));
                break;
            }
            page.push(describe(a));
        }
        Ok(DescribeAlarmsOutput {
            metric_alarms: page,
            composite_alarms: Vec::new(),
            next_token: token,
        })
    }

    /// DeleteAlarms: all the named alarms, or none if one does not exist.
    pub fn delete_alarms(&mut self, now: SimTime, i: &DeleteAlarmsInput) -> Result<(), AwsError> {
        let names = i
            .alarm_names
            .as_ref()
            .ok_or_else(|| AwsError::missing_parameter("AlarmNames"))?;
        if names.len() > ALARM_NAMES_MAX {
            return Err(invalid(format!(
                "The parameter AlarmNames must contain at most {ALARM_NAMES_MAX} names."
            )));
        }
        if let Some(missing) = names.iter().find(|n| !self.alarms.contains_key(n.as_str())) {
            return Err(AwsError::new(
                "ResourceNotFound",
                format!("Alarm {missing} does not exist; no alarms were deleted."),
            ));
        }
        for n in names {
            if let Some(a) = self.alarms.remove(n.as_str()) {
                self.deleted_alarm_ms[usize::from(a.high_resolution())] +=
                    now.saturating_sub(a.created_at);
            }
        }
        Ok(())
    }

    /// SetAlarmState: sets the state now (actions run as for any change); the next
    /// evaluation may set it back (aws-rules §10.3).
    pub fn set_alarm_state(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        i: &SetAlarmStateInput,
    ) -> Result<(), AwsError> {
        let name = i
            .alarm_name
            .as_deref()
            .ok_or_else(|| AwsError::missing_parameter("AlarmName"))?;
        let value = i
            .state_value
            .as_deref()
            .ok_or_else(|| AwsError::missing_parameter("StateValue"))?;
        let state = StateValue::parse(value).ok_or_else(|| {
            invalid(format!(
                "The parameter StateValue must be one of OK, ALARM, INSUFFICIENT_DATA (was {value})."
            ))
        })?;
        let reason = i
            .state_reason
            .clone()
            .ok_or_else(|| AwsError::missing_parameter("StateReason"))?;
        if reason.chars().count() > 1023 {
            return Err(invalid(
                "The parameter StateReason must be at most 1023 characters long.",
            ));
        }
        if let Some(d) = &i.state_reason_data {
            if serde_json::from_str::<Value>(d).is_err() {
                return Err(AwsError::new(
                    "InvalidFormat",
                    "StateReasonData is not valid JSON.",
                ));
            }
        }
        if !self.alarms.contains_key(name) {
            return Err(AwsError::new(
                "ResourceNotFound",
                format!("Alarm {name} does not exist."),
            ));
        }
        self.change_state(
            ctx,
            router,
            name,
            state,
            (reason, i.state_reason_data.clone()),
            None,
        );
        Ok(())
    }

    /// DescribeAlarmHistory: newest first unless `ScanBy` is TimestampAscending.
    pub fn describe_alarm_history(
        &self,
        i: &DescribeAlarmHistoryInput,
    ) -> Result<DescribeAlarmHistoryOutput, AwsError> {
        let kind = match i.history_item_type.as_deref() {
            None => None,
            Some(k) => Some(HistoryKind::parse(k).ok_or_else(|| {
                invalid(format!(
                    "The parameter HistoryItemType must be one of ConfigurationUpdate, StateUpdate, Action (was {k})."
                ))
            })?),
        };
        let ascending = match i.scan_by.as_deref() {
            None | Some("TimestampDescending") => false,
            Some("TimestampAscending") => true,
            Some(s) => {
                return Err(invalid(format!(
                "The parameter ScanBy must be TimestampDescending or TimestampAscending (was {s})."
            )))
            }
        };
        let metric = i
            .alarm_types
            .as_ref()
            .is_none_or(|t| t.iter().any(|t| t == "MetricAlarm"));
        let limit = max_records(i.max_records, 100)?;
        let from: Option<u64> = match i.next_token.as_deref() {
            None => None,
            Some(t) => Some(read_token(t)?.parse().map_err(|_| {
                AwsError::new(
                    "InvalidNextToken",
                    "The service cannot process the request because the token is invalid.",
                )
            })?),
        };
        let (start, end) = (i.start_date.map(virtual_ms), i.end_date.map(virtual_ms));
        let wanted = |h: &&super::HistoryItem| {
            metric
                && i.alarm_name.as_ref().is_none_or(|n| h.alarm_name == *n)
                && kind.is_none_or(|k| h.kind == k)
                && start.is_none_or(|s| h.at >= s)
                && end.is_none_or(|e| h.at <= e)
                && from.is_none_or(|f| if ascending { h.seq >= f } else { h.seq <= f })
        };
        let items: Box<dyn Iterator<Item = &super::HistoryItem>> = if ascending {
            Box::new(self.history.iter())
        } else {
            Box::new(self.history.iter().rev())
        };
        let mut out = Vec::new();
        let mut token = None;
        for h in items.filter(wanted) {
            if out.len() == limit {
                token = Some(next_token(&h.seq.to_string()));
                break;
            }
            out.push(AlarmHistoryItem {
                alarm_name: h.alarm_name.clone(),
                alarm_type: "MetricAlarm",
                timestamp: epoch_secs(h.at),
                history_item_type: h.kind.as_str(),
                history_summary: h.summary.clone(),
                history_data: h.data.clone(),
            });
        }
        Ok(DescribeAlarmHistoryOutput {
            alarm_history_items: out,
            next_token: token,
        })
    }

    /// GetMetricStatistics over the metrics bus's closed minutes (aws-rules §10.6).
    pub fn get_metric_statistics(
        &mut self,
        i: &GetMetricStatisticsInput,
        bus: &[Datapoint],
    ) -> Result<GetMetricStatisticsOutput, AwsError> {
        let namespace = i
            .namespace
            .as_deref()
            .ok_or_else(|| AwsError::missing_parameter("Namespace"))?;
        let metric = i
            .metric_name
            .as_deref()
            .ok_or_else(|| AwsError::missing_parameter("MetricName"))?;
        check_dimensions(&i.dimensions)?;
        let start = i
            .start_time
            .ok_or_else(|| AwsError::missing_parameter("StartTime"))?;
        let end = i
            .end_time
            .ok_or_else(|| AwsError::missing_parameter("EndTime"))?;
        if start >= end {
            return Err(invalid(
                "The parameter StartTime must be less than the parameter EndTime.",
            ));
        }
        let period = check_period(i.period, false)?;
        let stats = match (&i.statistics, &i.extended_statistics) {
            (Some(_), Some(_)) => {
                return Err(combination(
                    "Must specify either Statistics or ExtendedStatistics, but not both.",
                ))
            }
            (None, None) => {
                return Err(combination(
                    "Must specify either Statistics or ExtendedStatistics.",
                ))
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "ExtendedStatistics (percentiles) are not simulated.",
                ))
            }
            (Some(s), None) => s
                .iter()
                .map(|x| {
                    Statistic::parse(x).ok_or_else(|| {
                        invalid(format!(
                            "The parameter Statistics must contain only {} (was {x}).",
                            Statistic::NAMES
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        if stats.is_empty() || stats.len() > 5 {
            return Err(invalid(
                "The parameter Statistics must contain 1 to 5 statistics.",
            ));
        }
        // Start rounds down to the minute, as for data younger than 15 days.
        let from = virtual_ms(start) / MS_PER_MIN * MS_PER_MIN;
        let to = virtual_ms(end);
        let period_ms = period as u64 * MS_PER_S;
        let buckets = (to.saturating_sub(from)).div_ceil(period_ms);
        if buckets > STATISTICS_DATAPOINTS_MAX {
            return Err(combination(format!(
                "You have requested up to {buckets} datapoints, which exceeds the limit of {}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
                STATISTICS_DATAPOINTS_MAX
            )));
        }
        self.statistics_requests += 1;
        let points: Vec<&Datapoint> = bus
            .iter()
            .filter(|p| same_metric(p, namespace, metric, &i.dimensions))
            .collect();
        let mut out = Vec::new();
        for k in 0..buckets {
            let b = from + k * period_ms;
            // The last bucket ends at EndTime.
            let s = samples(&points, b, (b + period_ms).min(to));
            if s.is_empty() {
                continue;
            }
            let mut d = StatisticsDatapoint {
                timestamp: epoch_secs(b),
                ..Default::default()
            };
            for st in &stats {
                let v = st.of(&s);
                match st {
                    Statistic::SampleCount => d.sample_count = v,
                    Statistic::Average => d.average = v,
                    Statistic::Sum => d.sum = v,
                    Statistic::Minimum => d.minimum = v,
                    Statistic::Maximum => d.maximum = v,
                }
            }
            out.push(d);
        }
        Ok(GetMetricStatisticsOutput {
            label: metric.to_string(),
            datapoints: out,
        })
    }

    /// Evaluates every alarm whose period ends now over the bus's closed minutes, and
    /// changes the state of those whose evaluation differs (aws-rules §10.3, §10.4).
    pub fn evaluate(&mut self, ctx: &mut Ctx, router: &mut dyn Router, bus: &[Datapoint]) {
        let now = ctx.now;
        let due: Vec<String> = self
            .alarms
            .values()
            .filter(|a| now > 0 && now.is_multiple_of(a.period_s * MS_PER_S))
            .map(|a| a.name.clone())
            .collect();
        for name in due {
            let Some(a) = self.alarms.get(&name) else {
                continue;
            };
            let period_ms = a.period_s * MS_PER_S;
            let rule = Rule {
                datapoints_to_alarm: a.datapoints_to_alarm,
                evaluation_periods: a.evaluation_periods,
                threshold: a.threshold,
                comparison: a.comparison,
                treat_missing: a.treat_missing,
            };
            let range_n = (a.evaluation_periods + evaluate::EVALUATION_RANGE_EXTRA_PERIODS) as u64;
            // The statistic of one metric over one period (metric math reads several).
            let stat = |ns: &str, metric: &str, dims: &[Dimension], st: Statistic, start| {
                let points: Vec<&Datapoint> = bus
                    .iter()
                    .filter(|p| same_metric(p, ns, metric, dims))
                    .collect();
                let s = samples(&points, start, start + period_ms);
                st.of(&s).map(|v| (v, s.len() as u64))
            };
            let value = |start| {
                if a.metrics.is_empty() {
                    return stat(
                        &a.namespace,
                        &a.metric_name,
                        &a.dimensions,
                        a.statistic,
                        start,
                    );
                }
                super::math::value(&a.metrics, &|q| {
                    let m = q.metric_stat.as_ref()?;
                    let st = Statistic::parse(m.stat.as_deref()?)?;
                    let (ns, name) = (
                        m.metric.namespace.as_deref()?,
                        m.metric.metric_name.as_deref()?,
                    );
                    stat(ns, name, &m.metric.dimensions, st, start)
                })
            };
            // Oldest period first; periods before the run began have no data.
            let range: Vec<Period> = (1..=range_n)
                .rev()
                .filter_map(|k| now.checked_sub(k * period_ms))
                .map(|start| Period {
                    start,
                    value: value(start),
                })
                .collect();
            let verdict = evaluate::decide(&rule, &range, a.state);
            let Some(state) = verdict.state else { continue };
            let newest = verdict.evaluated.first().map(|p| p.1);
            if state == a.state {
                // An Auto Scaling action is invoked again at each evaluation while the alarm
                // stays in the state (aws-rules §10.5); other actions only on a change.
                if a.actions_enabled {
                    let actions = match state {
                        StateValue::Ok => &a.ok_actions,
                        StateValue::Alarm => &a.alarm_actions,
                        StateValue::InsufficientData => &a.insufficient_data_actions,
                    };
                    for action in actions.iter().filter(|x| x.starts_with(SCALING_ARN)) {
                        self.policy_invocations.push(PolicyInvocation {
                            policy_arn: action.clone(),
                            alarm_name: a.name.clone(),
                            state,
                            value: newest,
                            threshold: a.threshold,
                        });
                    }
                }
                continue;
            }
            let data = reason_data(a, now, &range, &verdict.evaluated);
            self.change_state(
                ctx,
                router,
                &name,
                state,
                (verdict.reason, Some(data)),
                newest,
            );
        }
    }

    /// Moves an alarm to `state`: its history, and its actions if enabled and the state
    /// changed.
    fn change_state(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        name: &str,
        state: StateValue,
        (reason, reason_data): (String, Option<String>),
        value: Option<f64>,
    ) {
        let now = ctx.now;
        let Some(a) = self.alarms.get_mut(name) else {
            return;
        };
        let old = a.state;
        let old_reason = std::mem::replace(&mut a.state_reason, reason);
        a.state = state;
        a.state_reason_data = reason_data;
        a.state_updated_at = now;
        if old == state {
            return;
        }
        a.state_transitioned_at = now;
        ctx.events.push(now, || EventKind::AlarmStateChanged {
            alarm: a.name.clone(),
            from: old.as_str(),
            to: state.as_str(),
            reason: a.state_reason.clone(),
        });
        let mut new_state =
            serde_json::json!({"stateValue": state.as_str(), "stateReason": a.state_reason});
        if let Some(d) = a
            .state_reason_data
            .as_deref()
            .and_then(|d| serde_json::from_str::<Value>(d).ok())
        {
            new_state["stateReasonData"] = d;
        }
        let data = serde_json::json!({
            "version": "1.0",
            "oldState": {"stateValue": old.as_str(), "stateReason": old_reason},
            "newState": new_state,
        })
        .to_string();
        let actions = if !a.actions_enabled {
            Vec::new()
        } else {
            match state {
                StateValue::Ok => a.ok_actions.clone(),
                StateValue::Alarm => a.alarm_actions.clone(),
                StateValue::InsufficientData => a.insufficient_data_actions.clone(),
            }
        };
        let message = notification(a, old);
        let threshold = a.threshold;
        let subject = format!("{}: \"{}\" in {REGION_NAME}", state.as_str(), a.name);
        self.record(
            name,
            now,
            HistoryKind::StateUpdate,
            format!("Alarm updated from {} to {}", old.as_str(), state.as_str()),
            data,
        );
        for action in actions {
            if action.starts_with(SCALING_ARN) {
                self.policy_invocations.push(PolicyInvocation {
                    policy_arn: action.clone(),
                    alarm_name: name.to_string(),
                    state,
                    value,
                    threshold,
                });
                let detail =
                    serde_json::json!({"actionState": "Succeeded", "notificationResource": action});
                self.record(
                    name,
                    now,
                    HistoryKind::Action,
                    format!("Successfully executed action {action}"),
                    detail.to_string(),
                );
                continue;
            }
            let result = if action.starts_with("arn:aws:sns:") {
                router.publish_to_topic(ctx.shared(), &action, &subject, &message)
            } else {
                Err(AwsError::new(
                    "NotSimulated",
                    "only SNS topic actions are simulated",
                ))
            };
            let (summary, detail) = match result {
                Ok(id) => (
                    format!("Successfully executed action {action}"),
                    serde_json::json!({"actionState": "Succeeded", "notificationResource": action, "publishedMessage": {"messageId": id}}),
                ),
                Err(e) => (
                    format!(
                        "Failed to execute action {action}. Received error: \"{}\"",
                        e.message
                    ),
                    serde_json::json!({"actionState": "Failed", "notificationResource": action, "error": e.message}),
                ),
            };
            self.record(name, now, HistoryKind::Action, summary, detail.to_string());
        }
    }

    /// The JSON layer: an AWS action name and its request members.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        bus: &[Datapoint],
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        let empty = || serde_json::json!({});
        match op {
            "PutMetricAlarm" => parse(params).and_then(|i| self.put_metric_alarm(ctx.now, &i)).map(|()| empty()),
            "DescribeAlarms" => parse(params).and_then(|i| self.describe_alarms(&i)).map(to_json),
            "DeleteAlarms" => parse(params).and_then(|i| self.delete_alarms(ctx.now, &i)).map(|()| empty()),
            "SetAlarmState" => parse(params)
                .and_then(|i| self.set_alarm_state(ctx, router, &i))
                .map(|()| empty()),
            "DescribeAlarmHistory" => parse(params).and_then(|i| self.describe_alarm_history(&i)).map(to_json),
            "GetMetricStatistics" => {
                let i: GetMetricStatisticsInput = parse(params)?;
                self.get_metric_statistics(&i, bus).map(to_json)
            }
            other => Err(AwsError::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service (simulated: PutMetricAlarm, DescribeAlarms, DeleteAlarms, SetAlarmState, DescribeAlarmHistory, GetMetricStatistics)."),
            )),
        }
    }
}

/// StateReasonData of an evaluation, as AWS writes it.
fn reason_data(
    a: &Alarm,
    now: SimTime,
    range: &[Period],
    evaluated: &[(SimTime, f64, u64)],
) -> String {
    let recent: Vec<f64> = range
        .iter()
        .rev()
        .take(a.evaluation_periods as usize)
        .rev()
        .filter_map(|p| p.value.map(|v| v.0))
        .collect();
    let first = range.len().saturating_sub(a.evaluation_periods as usize);
    let start = range.get(first).map_or(now, |p| p.start);
    let evaluated: Vec<Value> = evaluated
        .iter()
        .map(|(t, v, n)| serde_json::json!({"timestamp": notification_time(*t), "sampleCount": *n as f64, "value": v}))
        .collect();
    serde_json::json!({
        "version": "1.0",
        "queryDate": notification_time(now),
        "startDate": notification_time(start),
        "statistic": a.statistic.as_str(),
        "period": a.period_s,
        "recentDatapoints": recent,
        "threshold": a.threshold,
        "evaluatedDatapoints": evaluated,
    })
    .to_string()
}
