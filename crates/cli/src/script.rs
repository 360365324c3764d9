//! `mqlab api`: replays a script of AWS API calls against a fresh world.
//!
//! A script is JSON lines, one call each:
//! `{"t": 12.5, "svc": "sqs", "op": "ReceiveMessage", "params": {...}, "bind": {"rh": "Messages.0.ReceiptHandle"}}`.
//! For each line the runner advances virtual time to `t`, substitutes `${name}` in the params
//! with values bound by earlier lines that have *completed* by then (a string that is exactly
//! `${name}` becomes the bound value with its JSON type, so a bound number stays a number;
//! inside a longer string the value is inserted as text), makes the call, and prints
//! `{"t": .., "t_done": .., "op": .., "response": {..}}` (or `"error": {"Code", "Message"}`).
//! A long poll completes later in virtual time, so later lines can run while it waits; output
//! is still printed in input order, each line as soon as it and every line before it are done.
//! At the end of the script time runs on until every pending call has completed.

use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::time::{secs_to_ms, MS_PER_DAY, MS_PER_S};
use mqlab_engine::{AwsError, CallId, World, WorldConfig};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io::Write;

/// The latest `t` a script may use, in seconds. Long enough to watch anything AWS retains
/// expire (Kinesis keeps records up to 365 days, SQS 14), short enough that the 1-minute
/// metrics clock, which ticks through every virtual minute, cannot turn a typo such as
/// `1e12` into a run that never ends.
pub const T_MAX_S: f64 = (400 * MS_PER_DAY / MS_PER_S) as f64;

/// How long after the last line the runner waits for pending calls. A long poll waits at most
/// 20 s (WaitTimeSeconds' maximum) and a Kinesis SubscribeToShard lasts 5 minutes; the slack
/// beyond that only matters if a call never completes, which would be an engine bug: it is
/// then reported as an error line rather than hanging.
pub const DRAIN_AFTER_LAST_LINE_MS: u64 = 6 * 60 * MS_PER_S;

/// A script that cannot be run: which line (1-based, counting blank lines), which field, and
/// what is wrong with it. Line 0 with field `output` means the output could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl ScriptError {
    fn new(line: usize, field: &str, message: impl Into<String>) -> Self {
        ScriptError {
            line,
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn output(e: std::io::Error) -> Self {
        ScriptError::new(0, "output", e.to_string())
    }

    /// True when the output could not be written (as opposed to bad input).
    pub fn is_output_error(&self) -> bool {
        self.line == 0
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.line, self.field, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// One validated script line.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptLine {
    /// `t` exactly as written (seconds), or the previous line's.
    pub t_s: f64,
    pub t_ms: u64,
    pub svc: String,
    pub op: String,
    pub params: Value,
    /// (name, dotted path), in the order written.
    pub bind: Vec<(String, String)>,
}

/// Parses and validates one non-blank line. `prev_t_s` is the previous line's `t`.
pub fn parse_line(text: &str, line: usize, prev_t_s: f64) -> Result<ScriptLine, ScriptError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let what = full.strip_suffix(&position).unwrap_or(&full);
        ScriptError::new(
            line,
            "json",
            format!("not valid JSON: {what} at column {}", e.column()),
        )
    })?;
    let Value::Object(mut obj) = value else {
        return Err(ScriptError::new(
            line,
            "json",
            format!("expected a JSON object, found {}", kind_of(&value)),
        ));
    };

    let t_s = match obj.get("t") {
        None | Some(Value::Null) => prev_t_s,
        Some(Value::Number(n)) => {
            let t = n.as_f64().unwrap_or(f64::NAN);
            if !t.is_finite() || t < 0.0 {
                return Err(ScriptError::new(
                    line,
                    "t",
                    format!("must be a non-negative number of seconds, found {n}"),
                ));
            }
            if t > T_MAX_S {
                return Err(ScriptError::new(
                    line,
                    "t",
                    format!("{n} is past the latest time a script may use ({T_MAX_S} s, 400 days)"),
                ));
            }
            if t < prev_t_s {
                return Err(ScriptError::new(
                    line,
                    "t",
                    format!("{n} is earlier than the previous line's {prev_t_s}: time only goes forward"),
                ));
            }
            t
        }
        Some(other) => {
            return Err(ScriptError::new(
                line,
                "t",
                format!("must be a number of seconds, found {}", kind_of(other)),
            ))
        }
    };
    let t_ms = secs_to_ms(t_s)
        .ok_or_else(|| ScriptError::new(line, "t", format!("{t_s} is out of range")))?;

    let svc = required_string(&obj, "svc", line)?;
    let op = required_string(&obj, "op", line)?;

    let params = match obj.remove("params") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v @ Value::Object(_)) => v,
        Some(other) => {
            return Err(ScriptError::new(
                line,
                "params",
                format!(
                    "must be an object of AWS request members, found {}",
                    kind_of(&other)
                ),
            ))
        }
    };

    let bind = match obj.get("bind") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => {
            let mut bind = Vec::with_capacity(map.len());
            for (name, path) in map {
                let Value::String(path) = path else {
                    return Err(ScriptError::new(
                        line,
                        &format!("bind.{name}"),
                        format!(
                            "must be a dotted path into the response (a string such as \"Messages.0.ReceiptHandle\"), found {}",
                            kind_of(path)
                        ),
                    ));
                };
                if name.is_empty() {
                    return Err(ScriptError::new(
                        line,
                        "bind",
                        "a bound name must not be empty",
                    ));
                }
                bind.push((name.clone(), path.clone()));
            }
            bind
        }
        Some(other) => {
            return Err(ScriptError::new(
                line,
                "bind",
                format!(
                    "must be an object mapping names to response paths, found {}",
                    kind_of(other)
                ),
            ))
        }
    };

    Ok(ScriptLine {
        t_s,
        t_ms,
        svc,
        op,
        params,
        bind,
    })
}

fn required_string(
    obj: &Map<String, Value>,
    field: &str,
    line: usize,
) -> Result<String, ScriptError> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(ScriptError::new(line, field, "missing")),
        Some(other) => Err(ScriptError::new(
            line,
            field,
            format!("must be a string, found {}", kind_of(other)),
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value at a dotted path: object members by name, array elements by index
/// (`Messages.0.ReceiptHandle`). The empty path is the whole value.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.').try_fold(value, |v, segment| match v {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// The text a bound value stands for: a string as itself, anything else as its JSON text.
pub fn bound_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every `${name}` whose name is bound by the value's text ([`bound_text`]); unknown
/// names stay as written.
pub fn substitute_str(text: &str, bindings: &BTreeMap<String, Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => match bindings.get(&after[..end]) {
                Some(value) => {
                    out.push_str(&bound_text(value));
                    rest = &after[end + 1..];
                }
                None => {
                    // Keep it literal, but look for a bound `${..}` inside it.
                    out.push_str("${");
                    rest = after;
                }
            },
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The bound value a string stands for when the string is exactly `${name}` and `name` is
/// bound.
fn whole_binding<'a>(text: &str, bindings: &'a BTreeMap<String, Value>) -> Option<&'a Value> {
    let name = text.strip_prefix("${")?.strip_suffix('}')?;
    if name.contains('}') {
        return None;
    }
    bindings.get(name)
}

/// Substitutes in every string of a JSON value, at any depth, object member names included.
/// A string that is exactly `${name}` becomes the bound value itself, with its JSON type (a
/// bound number stays a number, e.g. a Kinesis `ApproximateArrivalTimestamp` passed on as
/// GetShardIterator's `Timestamp`); in a longer string, and in member names, the value is
/// inserted as text.
pub fn substitute(value: &Value, bindings: &BTreeMap<String, Value>) -> Value {
    match value {
        Value::String(s) if s.contains("${") => match whole_binding(s, bindings) {
            Some(bound) => bound.clone(),
            None => Value::String(substitute_str(s, bindings)),
        },
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| substitute(v, bindings)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let k = if k.contains("${") {
                        substitute_str(k, bindings)
                    } else {
                        k.clone()
                    };
                    (k, substitute(v, bindings))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One output line, members in the documented order.
#[derive(Serialize)]
struct OutputLine<'a> {
    t: f64,
    t_done: f64,
    op: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a AwsError>,
}

/// A call issued and not yet printed.
struct Slot {
    call: CallId,
    t_ms: u64,
    op: String,
    bind: Vec<(String, String)>,
    done: Option<(u64, Result<Value, AwsError>)>,
}

/// The runner's state between lines: the world, the bound names, and the calls issued but not
/// yet printed (in input order).
pub struct ScriptRunner {
    world: World,
    bindings: BTreeMap<String, Value>,
    slots: VecDeque<Slot>,
    prev_t_s: f64,
}

impl ScriptRunner {
    pub fn new(seed: u64) -> Self {
        ScriptRunner {
            world: World::new(WorldConfig {
                seed,
                sqs: SqsConfig::for_api_scripts(),
            }),
            bindings: BTreeMap::new(),
            slots: VecDeque::new(),
            prev_t_s: 0.0,
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Names bound so far, with their values.
    pub fn bindings(&self) -> &BTreeMap<String, Value> {
        &self.bindings
    }

    /// Validates and runs one line (blank lines are skipped), printing every output line that
    /// is ready.
    pub fn line(
        &mut self,
        text: &str,
        line: usize,
        out: &mut dyn Write,
    ) -> Result<(), ScriptError> {
        if text.trim().is_empty() {
            return Ok(());
        }
        let parsed = parse_line(text, line, self.prev_t_s)?;
        self.prev_t_s = parsed.t_s;
        self.issue(parsed, out)
    }

    /// Runs one validated line.
    pub fn issue(&mut self, line: ScriptLine, out: &mut dyn Write) -> Result<(), ScriptError> {
        self.world.advance_to(line.t_ms);
        self.collect();
        let params = substitute(&line.params, &self.bindings);
        let call = self.world.call(&line.svc, &line.op, &params);
        self.slots.push_back(Slot {
            call,
            t_ms: self.world.now(),
            op: line.op,
            bind: line.bind,
            done: None,
        });
        self.collect();
        self.flush(out)
    }

    /// Lets virtual time run until every pending call has completed, then prints the rest.
    pub fn finish(&mut self, out: &mut dyn Write) -> Result<(), ScriptError> {
        let deadline = self.world.now().saturating_add(DRAIN_AFTER_LAST_LINE_MS);
        while self.slots.iter().any(|s| s.done.is_none()) {
            match self.world.next_timer_at() {
                Some(at) if at <= deadline => {
                    self.world.advance_to(at);
                    self.collect();
                }
                _ => break,
            }
        }
        let now = self.world.now();
        for slot in self.slots.iter_mut().filter(|s| s.done.is_none()) {
            slot.done = Some((
                now,
                Err(AwsError::new(
                    "InternalError",
                    format!(
                        "mqlab: the call had not completed {} s after the last line of the script",
                        DRAIN_AFTER_LAST_LINE_MS / MS_PER_S
                    ),
                )),
            ));
        }
        self.flush(out)?;
        out.flush().map_err(ScriptError::output)
    }

    /// Takes the world's finished calls: records their answers and binds their names.
    fn collect(&mut self) {
        for completion in self.world.take_completions() {
            let Some(slot) = self.slots.iter_mut().find(|s| s.call == completion.call) else {
                continue;
            };
            for (name, path) in &slot.bind {
                // A path that leads nowhere (an empty receive, an error) unbinds the name, so a
                // later `${name}` shows up literally instead of silently reusing a stale value.
                match completion
                    .result
                    .as_ref()
                    .ok()
                    .and_then(|v| lookup(v, path))
                {
                    Some(v) => {
                        self.bindings.insert(name.clone(), v.clone());
                    }
                    None => {
                        self.bindings.remove(name);
                    }
                }
            }
            slot.done = Some((completion.at, completion.result));
        }
    }

    /// Prints the finished calls at the front of the queue, in input order.
    fn flush(&mut self, out: &mut dyn Write) -> Result<(), ScriptError> {
        while self.slots.front().is_some_and(|s| s.done.is_some()) {
            let Some(slot) = self.slots.pop_front() else {
                break;
            };
            let Some((at, result)) = &slot.done else {
                break;
            };
            let line = OutputLine {
                t: ms_to_secs(slot.t_ms),
                t_done: ms_to_secs(*at),
                op: &slot.op,
                response: result.as_ref().ok(),
                error: result.as_ref().err(),
            };
            serde_json::to_writer(&mut *out, &line)
                .map_err(|e| ScriptError::output(std::io::Error::other(e)))?;
            out.write_all(b"\n").map_err(ScriptError::output)?;
        }
        Ok(())
    }
}

fn ms_to_secs(ms: u64) -> f64 {
    ms as f64 / MS_PER_S as f64
}

/// Runs a whole script (JSON lines) against a fresh world seeded with `seed`, writing one
/// output line per call. Stops at the first bad line: lines before it may have been printed.
pub fn run_script(input: &str, seed: u64, out: &mut impl Write) -> Result<(), ScriptError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut runner = ScriptRunner::new(seed);
    for (i, text) in input.lines().enumerate() {
        runner.line(text, i + 1, out)?;
    }
    runner.finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn binds(pairs: &[(&str, &str)]) -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect()
    }

    #[test]
    fn paths_reach_into_objects_and_arrays() {
        let v = json!({"Messages": [{"ReceiptHandle": "rh-0"}, {"ReceiptHandle": "rh-1", "N": 3}]});
        assert_eq!(lookup(&v, "Messages.0.ReceiptHandle"), Some(&json!("rh-0")));
        assert_eq!(lookup(&v, "Messages.1.N"), Some(&json!(3)));
        assert_eq!(lookup(&v, "Messages.2.ReceiptHandle"), None);
        assert_eq!(lookup(&v, "Messages.x"), None);
        assert_eq!(lookup(&v, "Messages.-1"), None);
        assert_eq!(lookup(&v, "Nope"), None);
        assert_eq!(lookup(&v, "Messages.0.ReceiptHandle.deeper"), None);
        assert_eq!(lookup(&v, ""), Some(&v));
    }

    #[test]
    fn bound_values_become_text() {
        assert_eq!(bound_text(&json!("abc")), "abc");
        assert_eq!(bound_text(&json!(42)), "42");
        assert_eq!(bound_text(&json!(1.5)), "1.5");
        assert_eq!(bound_text(&json!(true)), "true");
        assert_eq!(bound_text(&json!({"a": 1})), r#"{"a":1}"#);
    }

    #[test]
    fn substitution_is_textual_and_leaves_unknown_names() {
        let b = binds(&[("url", "https://q/1"), ("n", "7")]);
        assert_eq!(substitute_str("${url}", &b), "https://q/1");
        assert_eq!(
            substitute_str("at ${url}/x?n=${n}${n}", &b),
            "at https://q/1/x?n=77"
        );
        assert_eq!(substitute_str("${nope} ${url}", &b), "${nope} https://q/1");
        assert_eq!(substitute_str("${url", &b), "${url");
        assert_eq!(substitute_str("$${n}}", &b), "$7}");
        assert_eq!(substitute_str("${a${n}}", &b), "${a7}");
        assert_eq!(substitute_str("no dollars", &b), "no dollars");
        assert_eq!(substitute_str("${}", &b), "${}");
        // Inserted text is not substituted again.
        let b = binds(&[("a", "${b}"), ("b", "x")]);
        assert_eq!(substitute_str("${a}", &b), "${b}");
    }

    #[test]
    fn substitution_reaches_nested_strings_and_member_names() {
        let b = binds(&[("url", "U"), ("rh", "R"), ("attr", "Color")]);
        let params = json!({
            "QueueUrl": "${url}",
            "Entries": [{"Id": "e-${rh}", "ReceiptHandle": "${rh}", "N": 5}],
            "MessageAttributes": {"${attr}": {"DataType": "String", "StringValue": "${missing}"}},
            "Flag": true
        });
        assert_eq!(
            substitute(&params, &b),
            json!({
                "QueueUrl": "U",
                "Entries": [{"Id": "e-R", "ReceiptHandle": "R", "N": 5}],
                "MessageAttributes": {"Color": {"DataType": "String", "StringValue": "${missing}"}},
                "Flag": true
            })
        );
    }

    #[test]
    fn a_whole_string_placeholder_keeps_the_bound_type() {
        let mut b = binds(&[("s", "text")]);
        b.insert("n".into(), json!(1767225631.5));
        b.insert("flag".into(), json!(true));
        b.insert("list".into(), json!(["a", 1]));
        let params = json!({
            "Timestamp": "${n}",
            "Flag": "${flag}",
            "List": "${list}",
            "S": "${s}",
            "Text": "at ${n}",
            "Both": "${n}${s}",
            "Missing": "${missing}",
            "Nested": ["${n}", {"${s}": "${n}"}]
        });
        assert_eq!(
            substitute(&params, &b),
            json!({
                "Timestamp": 1767225631.5,
                "Flag": true,
                "List": ["a", 1],
                "S": "text",
                "Text": "at 1767225631.5",
                "Both": "1767225631.5text",
                "Missing": "${missing}",
                "Nested": [1767225631.5, {"text": 1767225631.5}]
            })
        );
    }

    #[test]
    fn lines_default_time_params_and_bind() {
        let l = parse_line(r#"{"svc":"sqs","op":"ListQueues"}"#, 1, 2.5).unwrap();
        assert_eq!(l.t_s, 2.5);
        assert_eq!(l.t_ms, 2500);
        assert_eq!(l.params, json!({}));
        assert!(l.bind.is_empty());
        let l = parse_line(
            r#"{"t":3,"svc":"sqs","op":"CreateQueue","params":{"QueueName":"q"},"bind":{"url":"QueueUrl"}}"#,
            1,
            2.5,
        )
        .unwrap();
        assert_eq!(l.t_ms, 3000);
        assert_eq!(l.bind, vec![("url".to_string(), "QueueUrl".to_string())]);
    }

    #[test]
    fn bad_lines_name_the_field() {
        let cases = [
            ("not json", "json"),
            ("[1,2]", "json"),
            (r#"{"t":"1","svc":"sqs","op":"X"}"#, "t"),
            (r#"{"t":-1,"svc":"sqs","op":"X"}"#, "t"),
            (r#"{"t":1,"svc":"sqs","op":"X"}"#, "t"), // before the previous 2.0
            (r#"{"t":1e300,"svc":"sqs","op":"X"}"#, "t"),
            (r#"{"op":"X"}"#, "svc"),
            (r#"{"svc":1,"op":"X"}"#, "svc"),
            (r#"{"svc":"sqs"}"#, "op"),
            (r#"{"svc":"sqs","op":"X","params":[]}"#, "params"),
            (r#"{"svc":"sqs","op":"X","params":"{}"}"#, "params"),
            (r#"{"svc":"sqs","op":"X","bind":["a"]}"#, "bind"),
            (r#"{"svc":"sqs","op":"X","bind":{"a":1}}"#, "bind.a"),
        ];
        for (text, field) in cases {
            let e = parse_line(text, 4, 2.0).unwrap_err();
            assert_eq!(e.line, 4, "{text}");
            assert_eq!(e.field, field, "{text}: {e}");
        }
    }
}
