//! Helpers shared by the SNS integration tests: a world driven through `World::call` with SNS
//! and SQS shortcuts. (Separate from `common`, which the SQS tests own.)
#![allow(dead_code)]

use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::{AwsError, Event, EventKind, World, WorldConfig};
use serde_json::{json, Value};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}")
}

pub fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")
}

pub fn queue_url(name: &str) -> String {
    format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}")
}

/// A queue policy letting SNS topics of the account send to `queue` (the shape the SNS
/// docs give, with a wildcard topic).
pub fn sns_policy(queue: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn(queue),
            "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:sns:{REGION}:{ACCOUNT}:*")}}
        }]
    })
    .to_string()
}

pub struct Sim {
    pub w: World,
    events: Vec<Event>,
}

impl Sim {
    pub fn new() -> Sim {
        Sim::seeded(1)
    }

    pub fn seeded(seed: u64) -> Sim {
        Sim {
            w: World::new(WorldConfig {
                seed,
                sqs: SqsConfig::for_api_scripts(),
            }),
            events: Vec::new(),
        }
    }

    /// A call that answers at once (every SNS call, and SQS calls without a long poll).
    pub fn call(&mut self, svc: &str, op: &str, params: Value) -> Result<Value, AwsError> {
        let id = self.w.call(svc, op, &params);
        let done = self.w.take_completions();
        let c = done
            .into_iter()
            .find(|c| c.call == id)
            .unwrap_or_else(|| panic!("{svc} {op} did not complete at once"));
        self.events.extend(self.w.drain_events());
        c.result
    }

    pub fn sns(&mut self, op: &str, params: Value) -> Result<Value, AwsError> {
        self.call("sns", op, params)
    }

    pub fn ok(&mut self, op: &str, params: Value) -> Value {
        match self.sns(op, params.clone()) {
            Ok(v) => v,
            Err(e) => panic!("{op} {params} failed: {e}"),
        }
    }

    /// Asserts an SNS call fails with `code`; returns the error.
    pub fn err(&mut self, op: &str, params: Value, code: &str) -> AwsError {
        match self.sns(op, params.clone()) {
            Ok(v) => panic!("{op} {params} succeeded with {v}; expected {code}"),
            Err(e) => {
                assert_eq!(e.code, code, "{op}: unexpected error {e}");
                e
            }
        }
    }

    pub fn sqs(&mut self, op: &str, params: Value) -> Result<Value, AwsError> {
        self.call("sqs", op, params)
    }

    pub fn at(&mut self, s: f64) {
        self.w.advance_to((s * 1000.0).round() as u64);
        self.events.extend(self.w.drain_events());
    }

    pub fn at_ms(&mut self, ms: u64) {
        self.w.advance_to(ms);
        self.events.extend(self.w.drain_events());
    }

    /// Lets `s` more seconds pass.
    pub fn wait(&mut self, s: f64) {
        let t = self.w.now() + (s * 1000.0).round() as u64;
        self.at_ms(t);
    }

    /// Every event so far (kept, not drained).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn kinds(&self) -> Vec<&EventKind> {
        self.events.iter().map(|e| &e.kind).collect()
    }

    pub fn create_topic(&mut self, name: &str, attrs: Value) -> String {
        let v = self.ok("CreateTopic", json!({"Name": name, "Attributes": attrs}));
        v["TopicArn"].as_str().expect("TopicArn").to_string()
    }

    pub fn create_fifo_topic(&mut self, name: &str, mut attrs: Value) -> String {
        attrs["FifoTopic"] = json!("true");
        self.create_topic(name, attrs)
    }

    /// Creates a queue whose `Policy` lets every topic of the account send to it (SNS needs
    /// one, aws-rules §3.12), unless `attrs` gives its own `Policy`.
    pub fn create_queue(&mut self, name: &str, mut attrs: Value) -> String {
        if attrs.get("Policy").is_none() {
            attrs["Policy"] = json!(sns_policy(name));
        }
        let v = self
            .sqs(
                "CreateQueue",
                json!({"QueueName": name, "Attributes": attrs}),
            )
            .expect("CreateQueue");
        v["QueueUrl"].as_str().unwrap().to_string()
    }

    pub fn subscribe(
        &mut self,
        topic: &str,
        protocol: &str,
        endpoint: &str,
        attrs: Value,
    ) -> String {
        let v = self.ok(
            "Subscribe",
            json!({"TopicArn": topic, "Protocol": protocol, "Endpoint": endpoint,
                   "Attributes": attrs, "ReturnSubscriptionArn": true}),
        );
        v["SubscriptionArn"].as_str().unwrap().to_string()
    }

    pub fn subscribe_queue(&mut self, topic: &str, queue: &str, attrs: Value) -> String {
        self.subscribe(topic, "sqs", &queue_arn(queue), attrs)
    }

    pub fn publish(&mut self, topic: &str, message: &str) -> Value {
        self.ok("Publish", json!({"TopicArn": topic, "Message": message}))
    }

    /// Receives up to 10 messages from a queue (all attributes), visibility 0 not changed.
    pub fn receive(&mut self, queue: &str) -> Vec<Value> {
        let v = self
            .sqs(
                "ReceiveMessage",
                json!({"QueueUrl": queue_url(queue), "MaxNumberOfMessages": 10,
                       "MessageAttributeNames": ["All"], "AttributeNames": ["All"]}),
            )
            .expect("ReceiveMessage");
        v["Messages"].as_array().cloned().unwrap_or_default()
    }

    pub fn bodies(&mut self, queue: &str) -> Vec<String> {
        self.receive(queue)
            .iter()
            .map(|m| m["Body"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn topic_attrs(&mut self, topic: &str) -> Value {
        self.ok("GetTopicAttributes", json!({"TopicArn": topic}))["Attributes"].clone()
    }

    pub fn sub_attrs(&mut self, sub: &str) -> Value {
        self.ok("GetSubscriptionAttributes", json!({"SubscriptionArn": sub}))["Attributes"].clone()
    }

    /// What a simulated endpoint received.
    pub fn inbox(&mut self, endpoint: &str) -> Vec<Value> {
        self.ok("ListEndpointMessages", json!({"Endpoint": endpoint}))["Messages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The value of a metric of a topic summed over closed minutes.
    pub fn metric_sum(&self, topic: &str, metric: &str) -> f64 {
        self.w
            .sns()
            .metric_rows()
            .iter()
            .filter(|r| r.dimension("TopicName") == Some(topic) && r.metric == metric)
            .map(|r| r.value)
            .sum()
    }
}

/// Parses an SNS envelope body.
pub fn envelope(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an envelope ({e}): {body}"))
}
