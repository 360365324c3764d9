//! Metric math in an alarm (aws-rules §10.8): PutMetricAlarm's `Metrics`, a list of
//! MetricDataQuery — metrics (`MetricStat`) named by an `Id`, and expressions over those ids
//! (`m1/m2`) — of which exactly one returns the data the alarm compares with its threshold.
//! Arithmetic only (`+ - * /`, parentheses, numbers, ids); CloudWatch's functions (FILL,
//! SUM(METRICS()), …) are not simulated.

use super::api::MetricDataQuery;
use super::evaluate::Statistic;
use crate::core::error::AwsError;

/// Queries one alarm may hold (PutMetricAlarm's Metrics: at most 10 items).
pub const QUERIES_MAX: usize = 10;

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::invalid_parameter_value(message)
}

pub use crate::core::expr::eval;

/// The validated queries of PutMetricAlarm: ids unique and starting with a lower-case letter,
/// each query exactly one of MetricStat and Expression, exactly one returning data, every
/// expression over known ids. Answers the period of the returned data (its MetricStat's, or
/// the expression's Period, or the first MetricStat's).
pub fn check(queries: &[MetricDataQuery]) -> Result<u64, AwsError> {
    if queries.is_empty() || queries.len() > QUERIES_MAX {
        return Err(invalid(format!(
            "The parameter Metrics must contain 1 to {QUERIES_MAX} queries."
        )));
    }
    let mut period = None;
    for (k, q) in queries.iter().enumerate() {
        let id_ok = q.id.starts_with(|c: char| c.is_ascii_lowercase())
            && q.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && q.id.len() <= 255;
        if !id_ok {
            return Err(invalid(format!(
                "The value {:?} for parameter Metrics.member.{}.Id is invalid: it must start with a lower-case letter and hold only letters, numbers and underscores.",
                q.id,
                k + 1
            )));
        }
        if queries[..k].iter().any(|o| o.id == q.id) {
            return Err(invalid(format!(
                "The Id {} is used by more than one query in Metrics.",
                q.id
            )));
        }
        match (&q.metric_stat, &q.expression) {
            (Some(m), None) => {
                let stat_ok = m.stat.as_deref().and_then(Statistic::parse).is_some();
                if m.metric.metric_name.as_deref().unwrap_or("").is_empty()
                    || m.metric.namespace.as_deref().unwrap_or("").is_empty()
                    || !stat_ok
                {
                    return Err(invalid(format!(
                        "Metrics.member.{}.MetricStat needs Metric (Namespace, MetricName) and a Stat of {}.",
                        k + 1,
                        Statistic::NAMES
                    )));
                }
                let p = m.period.unwrap_or(0);
                if p < 60 || p % 60 != 0 {
                    return Err(invalid(format!(
                        "The parameter Metrics.member.{}.MetricStat.Period must be a multiple of 60 (was {p}).",
                        k + 1
                    )));
                }
                period.get_or_insert(p as u64);
            }
            (None, Some(e)) => {
                let known = |id: &str| {
                    if queries.iter().any(|o| o.id == id && o.id != q.id) {
                        Ok(Some(1.0))
                    } else {
                        Err(format!("unknown id {id}"))
                    }
                };
                eval(e, &known).map_err(|why| {
                    invalid(format!(
                        "Invalid metrics math expression in Metrics.member.{}.Expression ({why}).",
                        k + 1
                    ))
                })?;
            }
            _ => {
                return Err(AwsError::new(
                    "InvalidParameterCombination",
                    format!(
                    "Exactly one of MetricStat and Expression must be given in Metrics.member.{}.",
                    k + 1
                ),
                ))
            }
        }
    }
    let returned: Vec<&MetricDataQuery> = queries
        .iter()
        .filter(|q| q.return_data.unwrap_or(true))
        .collect();
    let [r] = returned[..] else {
        return Err(invalid(
            "Exactly one element of the Metrics list must return data (ReturnData: true).",
        ));
    };
    let p = match (&r.metric_stat, r.period) {
        (Some(m), _) => m.period.unwrap_or(60) as u64,
        (None, Some(p)) if p >= 60 && p % 60 == 0 => p as u64,
        _ => period.unwrap_or(60),
    };
    Ok(p)
}

/// The value of the queries' returned data for one period: `stat_of(query)` gives a
/// MetricStat's statistic over that period. Also answers the sample count of the first metric
/// read (for the reasons' data).
pub fn value(
    queries: &[MetricDataQuery],
    stat_of: &dyn Fn(&MetricDataQuery) -> Option<(f64, u64)>,
) -> Option<(f64, u64)> {
    let returned = queries.iter().find(|q| q.return_data.unwrap_or(true))?;
    let count = queries.iter().find_map(|q| stat_of(q).map(|v| v.1));
    fn of(
        q: &MetricDataQuery,
        all: &[MetricDataQuery],
        stat_of: &dyn Fn(&MetricDataQuery) -> Option<(f64, u64)>,
        depth: u32,
    ) -> Result<Option<f64>, String> {
        if depth > QUERIES_MAX as u32 {
            return Err("expressions refer to each other in a cycle".into());
        }
        match &q.expression {
            None => Ok(stat_of(q).map(|v| v.0)),
            Some(e) => eval(e, &|id| match all.iter().find(|o| o.id == id) {
                Some(o) => of(o, all, stat_of, depth + 1),
                None => Err(format!("unknown id {id}")),
            }),
        }
    }
    let v = of(returned, queries, stat_of, 0).ok().flatten()?;
    Some((v, count.unwrap_or(1)))
}
