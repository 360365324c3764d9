//! Helpers shared by the SQS integration tests: a thin wrapper over `World` that turns the
//! asynchronous call/completion interface into plain `Result`s, and a few AWS-shaped shortcuts.
#![allow(dead_code)]

use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::{AwsError, CallId, Completion, Event, EventKind, World, WorldConfig};
use serde_json::{json, Map, Value};

/// Virtual time 0 in epoch seconds (2026-01-01T00:00:00Z).
pub const EPOCH_S: u64 = 1_767_225_600;
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn url(name: &str) -> String {
    format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}")
}

pub fn arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")
}

/// A world plus the completions taken from it that no test has looked at yet.
pub struct Sim {
    pub w: World,
    done: Vec<Completion>,
}

impl Sim {
    /// Deterministic semantics: short polls see every server, no duplicate deliveries.
    pub fn new() -> Sim {
        Sim::with(1, SqsConfig::for_api_scripts())
    }

    pub fn with(seed: u64, sqs: SqsConfig) -> Sim {
        Sim {
            w: World::new(WorldConfig { seed, sqs }),
            done: Vec::new(),
        }
    }

    fn collect(&mut self) {
        let mut more = self.w.take_completions();
        self.done.append(&mut more);
    }

    /// Starts a call and returns its id; its answer may come later (long polls).
    pub fn start(&mut self, op: &str, params: Value) -> CallId {
        let id = self.w.call("sqs", op, &params);
        self.collect();
        id
    }

    /// The completion of call `id`, if it has finished (removes it from the buffer).
    pub fn completion(&mut self, id: CallId) -> Option<Completion> {
        self.collect();
        let pos = self.done.iter().position(|c| c.call == id)?;
        Some(self.done.remove(pos))
    }

    /// A call that must answer at once.
    pub fn call(&mut self, op: &str, params: Value) -> Result<Value, AwsError> {
        let id = self.start(op, params.clone());
        match self.completion(id) {
            Some(c) => c.result,
            None => panic!("{op} {params} did not complete immediately"),
        }
    }

    pub fn ok(&mut self, op: &str, params: Value) -> Value {
        match self.call(op, params.clone()) {
            Ok(v) => v,
            Err(e) => panic!("{op} {params} failed: {e}"),
        }
    }

    pub fn err(&mut self, op: &str, params: Value) -> AwsError {
        match self.call(op, params.clone()) {
            Ok(v) => panic!("{op} {params} succeeded with {v}, an error was expected"),
            Err(e) => e,
        }
    }

    /// Asserts the call fails with `code`.
    pub fn err_code(&mut self, op: &str, params: Value, code: &str) -> AwsError {
        let e = self.err(op, params);
        assert_eq!(e.code, code, "unexpected error: {e}");
        e
    }

    /// Advances virtual time to `s` seconds (absolute).
    pub fn at(&mut self, s: f64) {
        self.w.advance_to((s * 1000.0).round() as u64);
        self.collect();
    }

    pub fn at_ms(&mut self, ms: u64) {
        self.w.advance_to(ms);
        self.collect();
    }

    pub fn now_ms(&self) -> u64 {
        self.w.now()
    }

    pub fn create(&mut self, name: &str, attrs: Value) -> String {
        let v = self.ok(
            "CreateQueue",
            json!({"QueueName": name, "Attributes": attrs}),
        );
        v["QueueUrl"].as_str().expect("QueueUrl").to_string()
    }

    pub fn create_fifo(&mut self, name: &str, mut attrs: Value) -> String {
        attrs["FifoQueue"] = json!("true");
        self.create(name, attrs)
    }

    pub fn send(&mut self, q: &str, body: &str) -> Value {
        self.ok("SendMessage", json!({"QueueUrl": q, "MessageBody": body}))
    }

    pub fn send_id(&mut self, q: &str, body: &str) -> String {
        self.send(q, body)["MessageId"]
            .as_str()
            .expect("MessageId")
            .to_string()
    }

    /// SendMessage to a FIFO queue with group and dedup IDs.
    pub fn send_fifo(&mut self, q: &str, body: &str, group: &str, dedup: &str) -> Value {
        self.ok(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": body, "MessageGroupId": group,
                   "MessageDeduplicationId": dedup}),
        )
    }

    /// An immediate (short poll) receive; `extra` members are merged into the request.
    pub fn receive(&mut self, q: &str, extra: Value) -> Vec<Value> {
        let mut p = json!({"QueueUrl": q, "WaitTimeSeconds": 0,
                           "MessageSystemAttributeNames": ["All"],
                           "MessageAttributeNames": ["All"]});
        merge(&mut p, extra);
        let v = self.ok("ReceiveMessage", p);
        messages(&v)
    }

    pub fn receive_n(&mut self, q: &str, n: u32) -> Vec<Value> {
        self.receive(q, json!({"MaxNumberOfMessages": n}))
    }

    pub fn receive_one(&mut self, q: &str) -> Option<Value> {
        let mut m = self.receive(q, json!({}));
        assert!(m.len() <= 1, "asked for one message, got {}", m.len());
        m.pop()
    }

    pub fn delete(&mut self, q: &str, handle: &str) -> Result<Value, AwsError> {
        self.call(
            "DeleteMessage",
            json!({"QueueUrl": q, "ReceiptHandle": handle}),
        )
    }

    pub fn change_visibility(
        &mut self,
        q: &str,
        handle: &str,
        secs: i64,
    ) -> Result<Value, AwsError> {
        self.call(
            "ChangeMessageVisibility",
            json!({"QueueUrl": q, "ReceiptHandle": handle, "VisibilityTimeout": secs}),
        )
    }

    pub fn set_attrs(&mut self, q: &str, attrs: Value) -> Result<Value, AwsError> {
        self.call(
            "SetQueueAttributes",
            json!({"QueueUrl": q, "Attributes": attrs}),
        )
    }

    /// GetQueueAttributes with AttributeNames ["All"].
    pub fn attrs(&mut self, q: &str) -> Map<String, Value> {
        let v = self.ok(
            "GetQueueAttributes",
            json!({"QueueUrl": q, "AttributeNames": ["All"]}),
        );
        v.get("Attributes")
            .and_then(|a| a.as_object())
            .cloned()
            .unwrap_or_default()
    }

    pub fn attr(&mut self, q: &str, name: &str) -> String {
        let v = self.ok(
            "GetQueueAttributes",
            json!({"QueueUrl": q, "AttributeNames": [name]}),
        );
        v["Attributes"][name]
            .as_str()
            .unwrap_or_else(|| panic!("attribute {name} missing in {v}"))
            .to_string()
    }

    pub fn attr_u64(&mut self, q: &str, name: &str) -> u64 {
        self.attr(q, name).parse().expect("numeric attribute")
    }

    pub fn events(&mut self) -> Vec<Event> {
        self.w.drain_events()
    }
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}

/// Shallow-merges the members of `extra` (an object) into `p`.
pub fn merge(p: &mut Value, extra: Value) {
    if let (Some(p), Value::Object(extra)) = (p.as_object_mut(), extra) {
        for (k, v) in extra {
            p.insert(k, v);
        }
    }
}

/// The `Messages` of a ReceiveMessage response: an absent member means none.
pub fn messages(v: &Value) -> Vec<Value> {
    v.get("Messages")
        .and_then(|m| m.as_array())
        .cloned()
        .unwrap_or_default()
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("member {key} missing or not a string in {v}"))
}

pub fn handle(m: &Value) -> String {
    s(m, "ReceiptHandle").to_string()
}

pub fn msg_id(m: &Value) -> String {
    s(m, "MessageId").to_string()
}

pub fn body(m: &Value) -> String {
    s(m, "Body").to_string()
}

/// A system attribute of a received message (`Attributes` map).
pub fn sys_attr(m: &Value, name: &str) -> Option<String> {
    m.get("Attributes")
        .and_then(|a| a.get(name))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

pub fn receive_count(m: &Value) -> u32 {
    sys_attr(m, "ApproximateReceiveCount")
        .expect("ApproximateReceiveCount")
        .parse()
        .expect("number")
}

pub fn bodies(ms: &[Value]) -> Vec<String> {
    ms.iter().map(body).collect()
}

/// `Successful` / `Failed` lists of a batch response (absent = empty).
pub fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(|m| m.as_array())
        .cloned()
        .unwrap_or_default()
}

pub fn redrive_policy(dlq_name: &str, max_receive_count: u32) -> String {
    json!({"deadLetterTargetArn": arn(dlq_name), "maxReceiveCount": max_receive_count}).to_string()
}

/// Is this error the throttling error (API model shape `RequestThrottled`; the troubleshooting
/// page calls it `ThrottlingException`, §1.10)?
pub fn is_throttle(e: &AwsError) -> bool {
    e.code == "RequestThrottled" || e.code == "ThrottlingException"
}

pub fn count_events(events: &[Event], pred: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().filter(|e| pred(&e.kind)).count()
}
