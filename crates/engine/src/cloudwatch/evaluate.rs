//! How a metric alarm decides its state from the last periods of its metric (aws-rules
//! §10.3, §10.4): the statistic of each period, the comparison with the threshold, "M out of
//! N" datapoints, and the four ways to treat a period with no data. Pure functions of the
//! datapoints: no time, no randomness.

use crate::core::time::{civil_from_days, epoch_s, iso8601_ms, SimTime};

/// An alarm's state (`StateValue`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateValue {
    Ok,
    Alarm,
    InsufficientData,
}

impl StateValue {
    pub fn parse(s: &str) -> Option<StateValue> {
        match s {
            "OK" => Some(StateValue::Ok),
            "ALARM" => Some(StateValue::Alarm),
            "INSUFFICIENT_DATA" => Some(StateValue::InsufficientData),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StateValue::Ok => "OK",
            StateValue::Alarm => "ALARM",
            StateValue::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// The statistic an alarm or GetMetricStatistics takes of each period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    SampleCount,
    Average,
    Sum,
    Minimum,
    Maximum,
}

impl Statistic {
    pub const NAMES: &'static str = "SampleCount, Average, Sum, Minimum, Maximum";

    pub fn parse(s: &str) -> Option<Statistic> {
        Some(match s {
            "SampleCount" => Statistic::SampleCount,
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::SampleCount => "SampleCount",
            Statistic::Average => "Average",
            Statistic::Sum => "Sum",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
        }
    }

    /// The statistic of a period's samples (the per-minute datapoints in it); `None` for a
    /// period without any, which is a missing datapoint.
    pub fn of(self, samples: &[f64]) -> Option<f64> {
        if samples.is_empty() {
            return None;
        }
        let sum: f64 = samples.iter().sum();
        Some(match self {
            Statistic::SampleCount => samples.len() as f64,
            Statistic::Average => sum / samples.len() as f64,
            Statistic::Sum => sum,
            Statistic::Minimum => samples.iter().copied().fold(f64::INFINITY, f64::min),
            Statistic::Maximum => samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// The four static-threshold operators (the anomaly-detection bands are not simulated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn parse(s: &str) -> Option<Comparison> {
        Some(match s {
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqualToThreshold,
            "GreaterThanThreshold" => Comparison::GreaterThanThreshold,
            "LessThanThreshold" => Comparison::LessThanThreshold,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqualToThreshold,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    /// The statistic is the first operand: `value > threshold` for GreaterThanThreshold.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    /// The words of a state reason: "was greater than the threshold".
    fn phrase(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => "greater than or equal to",
            Comparison::GreaterThanThreshold => "greater than",
            Comparison::LessThanThreshold => "less than",
            Comparison::LessThanOrEqualToThreshold => "less than or equal to",
        }
    }
}

/// `TreatMissingData`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreatMissing {
    Missing,
    Ignore,
    Breaching,
    NotBreaching,
}

impl TreatMissing {
    pub fn parse(s: &str) -> Option<TreatMissing> {
        Some(match s {
            "missing" => TreatMissing::Missing,
            "ignore" => TreatMissing::Ignore,
            "breaching" => TreatMissing::Breaching,
            "notBreaching" => TreatMissing::NotBreaching,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TreatMissing::Missing => "missing",
            TreatMissing::Ignore => "ignore",
            TreatMissing::Breaching => "breaching",
            TreatMissing::NotBreaching => "notBreaching",
        }
    }
}

/// What an alarm compares: M (`DatapointsToAlarm`) breaching out of the last N
/// (`EvaluationPeriods`) datapoints, each against the threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    pub datapoints_to_alarm: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison: Comparison,
    pub treat_missing: TreatMissing,
}

/// Periods an evaluation looks back beyond N when some are missing: the "evaluation range"
/// (aws-rules §10.4). AWS does not give the number; its documentation's tables show five
/// datapoints for an alarm of three evaluation periods, so N + 2 (UNCONFIRMED).
pub const EVALUATION_RANGE_EXTRA_PERIODS: u32 = 2;

/// One period of the evaluation range: its start, and its statistic and sample count if it
/// had data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    pub start: SimTime,
    pub value: Option<(f64, u64)>,
}

/// The state an evaluation decides (`None`: keep the current one) and why, in AWS's words.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub state: Option<StateValue>,
    pub reason: String,
    /// The real datapoints evaluated, newest first (for StateReasonData).
    pub evaluated: Vec<(SimTime, f64, u64)>,
}

/// Decides an alarm's state from its evaluation range (oldest period first) — aws-rules
/// §10.4:
/// - at least N real datapoints: the newest N decide, missing ones are skipped and the
///   treatment of missing data is not used;
/// - none at all: `missing` → INSUFFICIENT_DATA, `ignore` → keep the state, `breaching` →
///   ALARM, `notBreaching` → OK;
/// - some but fewer than N: `breaching` / `notBreaching` fill the gap with as few
///   breaching / good datapoints as make N; `missing` decides on the real datapoints alone
///   (ALARM when at least min(M, their number) breach); `ignore` does the same but does not
///   go to ALARM on them (it keeps the state instead), as the documentation's tables show.
pub fn decide(rule: &Rule, range: &[Period], current: StateValue) -> Verdict {
    let n = rule.evaluation_periods.max(1) as usize;
    let m = rule.datapoints_to_alarm.clamp(1, n as u32) as usize;
    let real: Vec<(SimTime, f64, u64)> = range
        .iter()
        .rev()
        .filter_map(|p| p.value.map(|(v, c)| (p.start, v, c)))
        .take(n)
        .collect();
    let breaches = |p: &&(SimTime, f64, u64)| rule.comparison.breaches(p.1, rule.threshold);
    let breaching = real.iter().filter(breaches).count();
    let filled = n - real.len();
    let (state, counted_breaching, needed) = if real.is_empty() {
        match rule.treat_missing {
            TreatMissing::Missing => {
                let reason = format!(
                    "Insufficient Data: {n} datapoint{} unknown.",
                    if n == 1 { " was" } else { "s were" }
                );
                return Verdict {
                    state: Some(StateValue::InsufficientData),
                    reason,
                    evaluated: real,
                };
            }
            TreatMissing::Ignore => {
                return Verdict {
                    state: None,
                    reason: String::new(),
                    evaluated: real,
                }
            }
            TreatMissing::Breaching => (StateValue::Alarm, n, m),
            TreatMissing::NotBreaching => (StateValue::Ok, 0, m),
        }
    } else {
        let (b, needed) = match rule.treat_missing {
            _ if filled == 0 => (breaching, m),
            TreatMissing::Breaching => (breaching + filled, m),
            TreatMissing::NotBreaching => (breaching, m),
            TreatMissing::Missing | TreatMissing::Ignore => (breaching, m.min(real.len())),
        };
        let state = if b >= needed {
            StateValue::Alarm
        } else {
            StateValue::Ok
        };
        if state == StateValue::Alarm && filled > 0 && rule.treat_missing == TreatMissing::Ignore {
            return Verdict {
                state: None,
                reason: String::new(),
                evaluated: real,
            };
        }
        (state, b, needed)
    };
    let reason = threshold_reason(
        rule,
        &real,
        ReasonCounts {
            state,
            old: current,
            breaching: counted_breaching,
            needed,
            filled,
            n,
        },
    );
    Verdict {
        state: Some(state),
        reason,
        evaluated: real,
    }
}

struct ReasonCounts {
    state: StateValue,
    old: StateValue,
    breaching: usize,
    needed: usize,
    filled: usize,
    n: usize,
}

fn plural(k: usize, word: &str) -> String {
    format!("{k} {word}{}", if k == 1 { "" } else { "s" })
}

/// "Threshold Crossed: 2 out of the last 3 datapoints [5.0 (01/01/26 00:04:00), …] were
/// greater than the threshold (3.0) (minimum 2 datapoints for OK -> ALARM transition)."
fn threshold_reason(rule: &Rule, real: &[(SimTime, f64, u64)], c: ReasonCounts) -> String {
    let alarm = c.state == StateValue::Alarm;
    let treated = if alarm { "Breaching" } else { "NonBreaching" };
    if real.is_empty() {
        return format!(
            "Threshold Crossed: no datapoints were received for {} and {} {} treated as [{treated}].",
            plural(c.n, "period"),
            plural(c.filled, "missing datapoint"),
            if c.filled == 1 { "was" } else { "were" },
        );
    }
    let shown: Vec<String> = real
        .iter()
        .filter(|p| rule.comparison.breaches(p.1, rule.threshold) == alarm)
        .map(|p| format!("{} ({})", number(p.1), reason_time(p.0)))
        .collect();
    let count = if alarm {
        c.breaching
    } else {
        c.n - c.breaching
    };
    let missing = if c.filled > 0 {
        format!(
            " and {} {} treated as [{treated}]",
            plural(c.filled, "missing datapoint"),
            if c.filled == 1 { "was" } else { "were" }
        )
    } else {
        String::new()
    };
    let minimum = if alarm { c.needed } else { c.n + 1 - c.needed };
    format!(
        "Threshold Crossed: {count} out of the last {} datapoints [{}] {} {}{} the threshold ({}){missing} (minimum {} for {} -> {} transition).",
        c.n,
        shown.join(", "),
        if shown.len() == 1 { "was" } else { "were" },
        if alarm { "" } else { "not " },
        rule.comparison.phrase(),
        number(rule.threshold),
        plural(minimum.max(1), "datapoint"),
        c.old.as_str(),
        c.state.as_str(),
    )
}

/// A number as CloudWatch's reasons print it: always with a fraction (`5.0`).
pub fn number(v: f64) -> String {
    format!("{v:?}")
}

/// `dd/mm/yy HH:MM:SS`, the datapoint times of a state reason.
fn reason_time(t: SimTime) -> String {
    let s = epoch_s(t);
    let (y, mo, d) = civil_from_days((s / 86_400) as i64);
    let r = s % 86_400;
    format!(
        "{d:02}/{mo:02}/{:02} {:02}:{:02}:{:02}",
        y % 100,
        r / 3600,
        (r % 3600) / 60,
        r % 60
    )
}

/// `2026-01-01T00:05:00.000+0000`: the timestamps of StateReasonData and alarm notifications.
pub fn notification_time(t: SimTime) -> String {
    let iso = iso8601_ms(t);
    format!("{}+0000", iso.trim_end_matches('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use StateValue::*;

    /// Periods from text, oldest first: `0` good (1.0), `X` breaching (9.0), `-` missing.
    fn range(s: &str) -> Vec<Period> {
        s.split_whitespace()
            .enumerate()
            .map(|(i, c)| Period {
                start: i as u64 * 60_000,
                value: match c {
                    "0" => Some((1.0, 1)),
                    "X" => Some((9.0, 1)),
                    _ => None,
                },
            })
            .collect()
    }

    fn rule(m: u32, n: u32, treat: TreatMissing) -> Rule {
        Rule {
            datapoints_to_alarm: m,
            evaluation_periods: n,
            threshold: 5.0,
            comparison: Comparison::GreaterThanThreshold,
            treat_missing: treat,
        }
    }

    fn states(m: u32, n: u32, points: &str, current: StateValue) -> [Option<StateValue>; 4] {
        [
            TreatMissing::Missing,
            TreatMissing::Ignore,
            TreatMissing::Breaching,
            TreatMissing::NotBreaching,
        ]
        .map(|t| decide(&rule(m, n, t), &range(points), current).state)
    }

    #[test]
    fn with_enough_real_datapoints_the_treatment_of_missing_data_is_not_used() {
        // The documentation's 3-of-3 table, rows with at least three real datapoints.
        assert_eq!(states(3, 3, "0 - X - X", Alarm), [Some(Ok); 4]);
        assert_eq!(states(3, 3, "0 X X - X", Ok), [Some(Alarm); 4]);
    }

    #[test]
    fn all_missing_goes_insufficient_keeps_state_alarms_or_is_ok_by_treatment() {
        assert_eq!(
            states(3, 3, "- - - - -", Ok),
            [Some(InsufficientData), None, Some(Alarm), Some(Ok)]
        );
    }

    #[test]
    fn few_real_datapoints_are_filled_with_as_few_missing_ones_as_needed() {
        assert_eq!(states(3, 3, "- - - - 0", Alarm), [Some(Ok); 4]);
        assert_eq!(
            states(3, 3, "- - X - -", Ok),
            [Some(Alarm), None, Some(Alarm), Some(Ok)]
        );
        // 2 of 3: one good and one breaching real datapoint.
        assert_eq!(
            states(2, 3, "0 - X - -", Ok),
            [Some(Ok), Some(Ok), Some(Alarm), Some(Ok)]
        );
    }

    #[test]
    fn m_out_of_n_alarms_when_m_of_the_last_n_breach() {
        let r = rule(2, 3, TreatMissing::Missing);
        assert_eq!(decide(&r, &range("X X 0 X 0"), Ok).state, Some(Ok));
        assert_eq!(decide(&r, &range("0 0 X 0 X"), Ok).state, Some(Alarm));
        let v = decide(&r, &range("0 0 X X 0"), Ok);
        assert_eq!(v.state, Some(Alarm));
        assert_eq!(
            v.reason,
            "Threshold Crossed: 2 out of the last 3 datapoints [9.0 (01/01/26 00:03:00), \
             9.0 (01/01/26 00:02:00)] were greater than the threshold (5.0) (minimum 2 \
             datapoints for OK -> ALARM transition)."
        );
    }

    #[test]
    fn each_operator_compares_the_statistic_as_first_operand() {
        use Comparison::*;
        assert!(GreaterThanOrEqualToThreshold.breaches(5.0, 5.0));
        assert!(!GreaterThanThreshold.breaches(5.0, 5.0));
        assert!(LessThanThreshold.breaches(4.0, 5.0));
        assert!(!LessThanThreshold.breaches(5.0, 5.0));
        assert!(LessThanOrEqualToThreshold.breaches(5.0, 5.0));
    }

    #[test]
    fn statistics_of_a_periods_samples() {
        let s = [1.0, 4.0, 7.0];
        let of = |st: Statistic| st.of(&s).unwrap();
        assert_eq!(of(Statistic::SampleCount), 3.0);
        assert_eq!(of(Statistic::Average), 4.0);
        assert_eq!(of(Statistic::Sum), 12.0);
        assert_eq!(of(Statistic::Minimum), 1.0);
        assert_eq!(of(Statistic::Maximum), 7.0);
        assert_eq!(Statistic::Sum.of(&[]), None);
    }

    #[test]
    fn reasons_for_ok_and_for_insufficient_data_use_awss_words() {
        let r = rule(1, 1, TreatMissing::Missing);
        assert_eq!(
            decide(&r, &range("0"), Alarm).reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (01/01/26 00:00:00)] was \
             not greater than the threshold (5.0) (minimum 1 datapoint for ALARM -> OK \
             transition)."
        );
        assert_eq!(
            decide(&r, &range("-"), Ok).reason,
            "Insufficient Data: 1 datapoint was unknown."
        );
        let r = rule(1, 1, TreatMissing::NotBreaching);
        assert_eq!(
            decide(&r, &range("-"), Alarm).reason,
            "Threshold Crossed: no datapoints were received for 1 period and 1 missing \
             datapoint was treated as [NonBreaching]."
        );
        assert_eq!(notification_time(61_000), "2026-01-01T00:01:01.000+0000");
    }
}
