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
/// An Expression's length (MetricDataQuery: at most 2,048 characters), and how deep its
/// parentheses and signs may nest here (a bound of the simulation's, so parsing cannot
/// exhaust the stack).
pub const EXPRESSION_MAX: usize = 2_048;
pub const NESTING_MAX: u32 = 32;

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::invalid_parameter_value(message)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Num(f64),
    Id(&'a str),
    Op(u8),
}

fn lex(s: &str) -> Result<Vec<Tok<'_>>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b"+-*/()".contains(&c) {
            out.push(Tok::Op(c));
            i += 1;
        } else if c.is_ascii_digit() || c == b'.' {
            let j = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            let n = s[i..j]
                .parse()
                .map_err(|_| format!("bad number {}", &s[i..j]))?;
            out.push(Tok::Num(n));
            i = j;
        } else if c.is_ascii_alphabetic() {
            let j = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            out.push(Tok::Id(&s[i..j]));
            i = j;
        } else {
            return Err(format!("unexpected character {:?}", c as char));
        }
    }
    Ok(out)
}

/// A recursive-descent evaluator: `lookup` gives an id's value (`None`: no datapoint, which
/// makes the whole expression's datapoint missing). Division by zero gives no datapoint
/// either (UNCONFIRMED: CloudWatch documents no value for it; mqlab drops the datapoint, so
/// backlog per instance with no instance in service is missing data).
struct Parser<'a, 'f> {
    toks: Vec<Tok<'a>>,
    at: usize,
    depth: u32,
    lookup: &'f dyn Fn(&str) -> Result<Option<f64>, String>,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.at).copied()
    }

    fn sum(&mut self) -> Result<Option<f64>, String> {
        let mut v = self.product()?;
        while let Some(Tok::Op(op @ (b'+' | b'-'))) = self.peek() {
            self.at += 1;
            let r = self.product()?;
            v = v
                .zip(r)
                .map(|(a, b)| if op == b'+' { a + b } else { a - b });
        }
        Ok(v)
    }

    fn product(&mut self) -> Result<Option<f64>, String> {
        let mut v = self.atom()?;
        while let Some(Tok::Op(op @ (b'*' | b'/'))) = self.peek() {
            self.at += 1;
            let r = self.atom()?;
            v = match (v, r, op) {
                (Some(a), Some(b), b'*') => Some(a * b),
                (Some(a), Some(b), _) if b != 0.0 => Some(a / b),
                _ => None,
            };
        }
        Ok(v)
    }

    fn atom(&mut self) -> Result<Option<f64>, String> {
        let t = self.peek().ok_or("unexpected end of expression")?;
        self.at += 1;
        match t {
            Tok::Num(n) => Ok(Some(n)),
            Tok::Id(id) => (self.lookup)(id),
            Tok::Op(c @ (b'-' | b'(')) => {
                self.depth += 1;
                if self.depth > NESTING_MAX {
                    return Err(format!("nested more than {NESTING_MAX} deep"));
                }
                let v = if c == b'-' {
                    self.atom()?.map(|v| -v)
                } else {
                    let v = self.sum()?;
                    if self.peek() != Some(Tok::Op(b')')) {
                        return Err("missing )".into());
                    }
                    self.at += 1;
                    v
                };
                self.depth -= 1;
                Ok(v)
            }
            Tok::Op(c) => Err(format!("unexpected {:?}", c as char)),
        }
    }
}

/// Evaluates `expr` with `lookup` for its ids.
pub fn eval(
    expr: &str,
    lookup: &dyn Fn(&str) -> Result<Option<f64>, String>,
) -> Result<Option<f64>, String> {
    if expr.len() > EXPRESSION_MAX {
        return Err(format!("longer than {EXPRESSION_MAX} characters"));
    }
    let mut p = Parser {
        toks: lex(expr)?,
        at: 0,
        depth: 0,
        lookup,
    };
    let v = p.sum()?;
    if p.at != p.toks.len() {
        return Err("unexpected text after the expression".into());
    }
    Ok(v)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(e: &str, m1: Option<f64>, m2: Option<f64>) -> Option<f64> {
        eval(e, &|id| match id {
            "m1" => Ok(m1),
            "m2" => Ok(m2),
            _ => Err("unknown".into()),
        })
        .unwrap()
    }

    #[test]
    fn arithmetic_precedence_parentheses_and_missing_values() {
        assert_eq!(ev("m1/m2", Some(150.0), Some(10.0)), Some(15.0));
        assert_eq!(ev("m1 + m2 * 2", Some(1.0), Some(3.0)), Some(7.0));
        assert_eq!(ev("(m1 + m2) * 2", Some(1.0), Some(3.0)), Some(8.0));
        assert_eq!(ev("-m1 / 4", Some(2.0), None), Some(-0.5));
        assert_eq!(ev("m1/m2", Some(5.0), Some(0.0)), None);
        assert_eq!(ev("m1/m2", Some(5.0), None), None);
        assert!(eval("m1 +", &|_| Ok(Some(1.0))).is_err());
        assert!(eval("m1 $ 2", &|_| Ok(Some(1.0))).is_err());
        let deep = format!("{}m1{}", "(".repeat(500), ")".repeat(500));
        assert!(eval(&deep, &|_| Ok(Some(1.0))).is_err());
        assert!(eval(&"-".repeat(5000), &|_| Ok(Some(1.0))).is_err());
        let wide = vec!["(m1)"; 100].join(" + ");
        assert_eq!(ev(&wide, Some(1.0), None), Some(100.0));
    }
}
