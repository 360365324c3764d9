//! SNS delivery retry policies (facts §3.6) and simulated endpoints.
//! Interface placeholder: being written (bodies are stand-ins).

use crate::error::AwsError;
use crate::rng::Rng;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// Which retry policy applies to a subscription's protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointClass {
    /// sqs, lambda, firehose: 100,015 attempts over ~23 days.
    AwsManaged,
    /// email, email-json, sms, application (mobile push): 50 attempts over > 6 hours.
    CustomerManaged,
    /// http, https: 3 retries 20 s apart unless a DeliveryPolicy says otherwise.
    Http,
}

impl EndpointClass {
    pub fn of_protocol(protocol: &str) -> EndpointClass {
        match protocol {
            "http" | "https" => EndpointClass::Http,
            "email" | "email-json" | "sms" | "application" => EndpointClass::CustomerManaged,
            _ => EndpointClass::AwsManaged,
        }
    }
}

/// The phase a retry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetryPhase {
    Immediate,
    PreBackoff,
    Backoff,
    PostBackoff,
}

/// A retry schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub retries: u32,
}

impl RetryPolicy {
    pub fn default_for(_class: EndpointClass) -> RetryPolicy {
        RetryPolicy { retries: 3 }
    }

    /// HTTP/S: the retry policy in a DeliveryPolicy JSON — a topic's
    /// (`{"http":{"defaultHealthyRetryPolicy":{…}}}`, `at_topic_level`) or a subscription's
    /// (`{"healthyRetryPolicy":{…}}`). `Ok(None)` when it sets no retry policy.
    pub fn from_delivery_policy_json(
        _json: &str,
        _at_topic_level: bool,
    ) -> Result<Option<RetryPolicy>, AwsError> {
        Ok(None)
    }

    /// Number of retries after the first attempt.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// Delay in ms before retry `n` (1-based), jittered with `rng`; None when `n > retries()`.
    pub fn delay_before_retry(&self, n: u32, _rng: &mut Rng) -> Option<SimTime> {
        (n >= 1 && n <= self.retries).then_some(20_000)
    }

    /// The phase of retry `n` (1-based); None when `n > retries()`.
    pub fn phase_of_retry(&self, n: u32) -> Option<RetryPhase> {
        (n >= 1 && n <= self.retries).then_some(RetryPhase::Backoff)
    }
}

/// How one delivery attempt to a simulated endpoint ended.
#[derive(Clone, Debug, PartialEq)]
pub enum AttemptOutcome {
    /// Accepted after `after_ms` (the endpoint's latency or the function's run time).
    Delivered { after_ms: SimTime },
    /// A server-side failure (5xx, timeout, throttling): retried per the policy.
    ServerError { after_ms: SimTime, reason: String },
    /// A client-side failure (endpoint gone, permission denied, 4xx): not retried.
    ClientError { after_ms: SimTime, reason: String },
}

/// A simulated Lambda function subscribed to a topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LambdaEndpoint {
    pub duration_ms: SimTime,
    pub concurrency: u32,
    pub error_rate: f64,
}

/// A simulated HTTP/S server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpEndpoint {
    pub latency_ms: SimTime,
    /// Probability (0..=1) that a request is answered with 2xx.
    pub availability: f64,
    /// The status code of a failed answer (5xx retried, 4xx not).
    pub failure_status: u16,
}

/// An email / SMS / mobile push sink: accepts after a latency, may fail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SinkEndpoint {
    pub latency_ms: SimTime,
    pub failure_rate: f64,
}

/// Behaviour of the endpoint behind a subscription (SQS deliveries go to the SQS service).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Endpoint {
    Lambda(LambdaEndpoint),
    Http(HttpEndpoint),
    Sink(SinkEndpoint),
}

/// Run-time state of an endpoint (e.g. a Lambda's running invocations).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndpointState {
    pub busy_until: Vec<SimTime>,
}

impl Endpoint {
    /// One delivery attempt at `now`.
    pub fn attempt(
        &self,
        _state: &mut EndpointState,
        _now: SimTime,
        _rng: &mut Rng,
    ) -> AttemptOutcome {
        AttemptOutcome::Delivered { after_ms: 0 }
    }
}
