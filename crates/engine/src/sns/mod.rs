//! Amazon SNS: topics, subscriptions, filter policies, fan-out and delivery retries.
//!
//! - [`api`] — request/response types with the AWS member names, and the JSON helpers.
//! - [`topic`] — one topic: attributes, FIFO sequence numbers, the 5-minute dedup window.
//! - [`subscription`] — protocols, endpoint rules, confirmation, subscription attributes.
//! - [`envelope`] — what subscribers receive: the JSON envelope or the raw message,
//!   `MessageStructure=json`, SNS message attribute rules, the Lambda event.
//! - [`filter`] — filter policies: parsing with AWS's validation errors, and matching.
//! - [`delivery`] — the delivery retry policies of each endpoint class and the simulated
//!   endpoints (Lambda functions, HTTP/S servers, email/SMS/push sinks).
//! - [`mobile`] — mobile push: platform applications, device endpoints, direct publishes.
//! - [`replay`] — FIFO message archiving (`ArchivePolicy`) and replay (`ReplayPolicy`).
//! - [`metrics`], [`cost`] — CloudWatch `AWS/SNS` series and the cost meter.
//! - `ops` — the operations; `fanout` — publishing to subscribers in virtual time: one
//!   delivery per matching confirmed subscription, retries as SNS timers, subscription DLQs.
//!
//! A publish returns at once; each delivery is a timer [`SNS_DELIVERY_LATENCY_MS`] later.
//! Deliveries to SQS go through the SQS service's own send path, so SQS rules (FIFO group and
//! deduplication, delay, size, attribute count) apply to them. IAM is not simulated, with one
//! exception: a queue whose `Policy` does not let the topic send refuses the delivery, a
//! client-side failure (aws-rules §3.12).

pub mod api;
pub mod cost;
pub mod delivery;
pub mod envelope;
mod fanout;
pub mod filter;
pub mod metrics;
pub mod mobile;
mod ops;
pub mod replay;
pub mod subscription;
pub mod topic;

use crate::core::error::AwsError;
use crate::core::metrics::{Bill, Datapoint};
use crate::core::ordmap::OrdMap;
use crate::core::payload::Payload;
use crate::core::route::{Router, TopicInfo};
use crate::core::time::SimTime;
use cost::{SnsCostMeter, SnsPrices};
use delivery::{AttemptOutcome, Endpoint, EndpointState};
use envelope::MessageText;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use subscription::Subscription;
use topic::Topic;

/// What SNS acts on at one instant (see [`crate::core::ctx`]).
pub type Ctx<'a> = crate::core::ctx::Ctx<'a, SnsTimer>;

pub use crate::core::aws::{ACCOUNT_ID, REGION};
pub use crate::core::message_attributes::MessageAttributes;

/// Time from a publish to the first delivery attempt to each subscriber. AWS publishes no
/// figure: UNCONFIRMED — SNS → SQS / Lambda deliveries are commonly observed within tens of
/// milliseconds, so 30 ms.
pub const SNS_DELIVERY_LATENCY_MS: SimTime = 30;
/// An endpoint with no behaviour attached accepts every delivery after this long (a healthy
/// HTTP server, mail or SMS gateway). UNCONFIRMED, a plausible round trip.
pub const DEFAULT_ENDPOINT_LATENCY_MS: SimTime = 50;
/// Message size limit: 256 KB = 262,144 bytes (aws-rules §3.2).
pub const MESSAGE_SIZE_MAX: usize = 262_144;
/// Subject: fewer than 100 characters (aws-rules §3.2).
pub const SUBJECT_MAX_CHARS: usize = 99;
/// ListTopics / ListSubscriptions / ListSubscriptionsByTopic return 100 entries per page.
pub const LIST_PAGE_SIZE: usize = 100;
/// PublishBatch: at most 10 entries (aws-rules §3.2).
pub const BATCH_ENTRIES_MAX: usize = 10;
/// Batch entry ids: up to 80 characters (aws-rules §3.2).
pub const BATCH_ENTRY_ID_MAX: usize = 80;
/// MessageGroupId / MessageDeduplicationId: up to 128 characters (aws-rules §3.2).
pub const FIFO_ID_MAX: usize = 128;
/// Raw delivery to SQS carries at most 10 message attributes; more is a client-side error
/// (aws-rules §3.2, SNS message attributes page).
pub const RAW_SQS_ATTRIBUTES_MAX: usize = 10;
/// Confirmation tokens are valid for 2 days (aws-rules §3.3).
pub const CONFIRMATION_TOKEN_TTL_MS: SimTime = 2 * crate::core::time::MS_PER_DAY;
/// Unconfirmed subscriptions are deleted after 3 days (aws-rules §3.3).
pub const PENDING_SUBSCRIPTION_TTL_MS: SimTime = 3 * crate::core::time::MS_PER_DAY;
/// Filter policies per topic (aws-rules §3.5).
pub const FILTER_POLICIES_PER_TOPIC_MAX: usize = 200;
/// Tags per topic.
pub const TAGS_PER_RESOURCE_MAX: usize = 50;
/// Deliveries waiting for an attempt or a retry, across all topics. A publish beyond it fails
/// its deliveries (counted as failed) rather than growing memory without bound.
pub const DELIVERIES_PENDING_MAX: usize = 1_000_000;
/// Messages kept per simulated endpoint (what `ListEndpointMessages` shows), newest last.
pub const INBOX_MESSAGES_MAX: usize = 100;
/// Simulated endpoints whose messages are kept.
pub const INBOX_ENDPOINTS_MAX: usize = 10_000;

/// Knobs of the simulation that AWS does not expose as API parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SnsConfig {
    pub delivery_latency_ms: SimTime,
    pub default_endpoint_latency_ms: SimTime,
    pub prices: SnsPrices,
}

impl Default for SnsConfig {
    fn default() -> Self {
        SnsConfig {
            delivery_latency_ms: SNS_DELIVERY_LATENCY_MS,
            default_endpoint_latency_ms: DEFAULT_ENDPOINT_LATENCY_MS,
            prices: SnsPrices::default(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum SnsTimer {
    /// Attempt (or retry) one delivery.
    Attempt { delivery: u64 },
    /// A simulated endpoint answered an attempt.
    Outcome {
        delivery: u64,
        outcome: AttemptOutcome,
    },
    /// An unconfirmed subscription is deleted after 3 days.
    PendingExpiry { subscription: String },
    /// A subscription's replay (`ReplayPolicy`) starts.
    ReplayStart { subscription: String, replay: u64 },
}

/// One published message, shared by its deliveries.
#[derive(Clone, Debug)]
pub struct Notification {
    pub message_id: String,
    pub topic_arn: String,
    pub topic_name: String,
    pub fifo: bool,
    pub subject: Option<String>,
    pub message: MessageText,
    pub attributes: MessageAttributes,
    pub group_id: Option<String>,
    /// FIFO: the explicit or content-based deduplication id.
    pub dedup_id: Option<String>,
    pub sequence_number: Option<String>,
    pub published_at: SimTime,
    pub signature_version: String,
    /// A copy from the topic's archive, re-delivered by a replay.
    pub replayed: bool,
    /// Deliveries still pending.
    pub(crate) refs: u32,
}

impl Notification {
    /// Attributes reach subscribers only when the message structure is a plain string
    /// (aws-rules §3.2).
    pub fn delivered_attributes(&self) -> Option<&MessageAttributes> {
        (!self.message.is_json_structure() && !self.attributes.is_empty())
            .then_some(&self.attributes)
    }
}

/// One delivery of a notification to one subscription.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub notification: u64,
    pub subscription: String,
    /// Attempts made so far (1 after the first).
    pub attempts: u32,
    /// The subscription's replay this delivery belongs to, if any.
    pub replay: Option<u64>,
}

/// What a simulated endpoint has received (`ListEndpointMessages`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InboxEntry {
    /// Epoch seconds (fractional) of the arrival.
    pub received_at: f64,
    pub protocol: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: Payload,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// What the app shows per topic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicSummary {
    pub name: String,
    pub fifo: bool,
    pub subscriptions_confirmed: usize,
    pub subscriptions_pending: usize,
    pub totals: topic::TopicTotals,
}

/// The key of a simulated endpoint: protocols have no spaces, so the pair is unambiguous.
pub(crate) fn endpoint_key(protocol: &str, endpoint: &str) -> String {
    format!("{protocol} {endpoint}")
}

#[derive(Clone, Debug)]
pub struct Sns {
    config: SnsConfig,
    topics: OrdMap<String, Topic>,
    subscriptions: OrdMap<String, Subscription>,
    /// Creation order → subscription ARN (listings are oldest first).
    sub_order: OrdMap<u64, String>,
    next_sub_seq: u64,
    /// Confirmation token → subscription ARN.
    tokens: BTreeMap<String, String>,
    notifications: OrdMap<u64, Notification>,
    next_notification: u64,
    deliveries: OrdMap<u64, Delivery>,
    next_delivery: u64,
    /// By `endpoint_key(protocol, endpoint)` (a `String` key: one B-tree type less in the
    /// wasm than a `(String, String)` one).
    endpoints: OrdMap<String, (Endpoint, EndpointState)>,
    inboxes: OrdMap<String, VecDeque<InboxEntry>>,
    cost: SnsCostMeter,
    /// Mobile push, by ARN.
    push_apps: OrdMap<String, mobile::PlatformApplication>,
    push_endpoints: OrdMap<String, mobile::PlatformEndpoint>,
    next_replay: u64,
}

pub fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}")
}

pub fn invalid_parameter(message: &str) -> AwsError {
    AwsError::new("InvalidParameterException", message)
}

pub fn invalid_parameter_value(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidParameterValueException", message)
}

pub fn topic_not_found() -> AwsError {
    AwsError::new("NotFoundException", "Topic does not exist")
}

pub fn subscription_not_found() -> AwsError {
    AwsError::new("NotFoundException", "Subscription does not exist")
}

impl Default for Sns {
    fn default() -> Self {
        Sns::new(SnsConfig::default())
    }
}

impl Sns {
    pub fn new(config: SnsConfig) -> Self {
        let cost = SnsCostMeter {
            prices: config.prices.clone(),
            ..Default::default()
        };
        Sns {
            config,
            topics: OrdMap::new(),
            subscriptions: OrdMap::new(),
            sub_order: OrdMap::new(),
            next_sub_seq: 0,
            tokens: BTreeMap::new(),
            notifications: OrdMap::new(),
            next_notification: 0,
            deliveries: OrdMap::new(),
            next_delivery: 0,
            endpoints: OrdMap::new(),
            inboxes: OrdMap::new(),
            cost,
            push_apps: OrdMap::new(),
            push_endpoints: OrdMap::new(),
            next_replay: 0,
        }
    }

    pub fn config(&self) -> &SnsConfig {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut SnsConfig {
        &mut self.config
    }

    pub fn cost(&self) -> &SnsCostMeter {
        &self.cost
    }

    /// SNS's line of the world's bill: publish requests, and the cost of publishes and
    /// deliveries.
    pub fn bill(&self) -> Bill {
        Bill {
            service: "SNS",
            requests: self.cost.publish_requests + self.cost.fifo_publish_requests,
            usd: self.cost.usd(),
        }
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    /// What another service needs to know of the topic an ARN names (S3 checks a
    /// notification destination with it).
    pub fn topic_info(&self, topic_arn: &str) -> Option<TopicInfo> {
        let name = self
            .resolve_topic(Some(&topic_arn.to_string()), "TopicArn")
            .ok()?;
        self.topic_by_name(&name)
            .map(|t| TopicInfo { fifo: t.fifo })
    }

    pub fn topic_by_name(&self, name: &str) -> Option<&Topic> {
        self.topics.get(name)
    }

    pub fn subscription(&self, arn: &str) -> Option<&Subscription> {
        self.subscriptions.get(arn)
    }

    /// Every subscription, oldest first.
    pub fn subscriptions(&self) -> impl Iterator<Item = &Subscription> {
        self.sub_order
            .values()
            .filter_map(|arn| self.subscriptions.get(arn))
    }

    /// Adds topics, notifications, deliveries and endpoints to a memory estimate (see
    /// [`crate::core::memory`]), from counts only.
    pub(crate) fn memory(&self, t: &mut crate::core::memory::Tally) {
        use crate::core::memory::{
            self as m, btree_entry, NOTIFICATION_STRINGS_BYTES, TABLE_ENTRY_BYTES,
        };
        use std::mem::size_of;
        let notification = size_of::<Notification>() as u64
            + NOTIFICATION_STRINGS_BYTES
            + btree_entry::<u64, u32>();
        t.copied(m::messages, self.notifications.len(), notification);
        let delivery = size_of::<Delivery>() as u64 + btree_entry::<u64, u32>() + 64;
        t.copied(m::other, self.deliveries.len(), delivery);
        for topic in self.topics.values() {
            t.copied(m::other, 1, size_of::<Topic>() as u64);
            t.segvec(m::metrics, &topic.metrics.history, 0);
            t.segvec(m::messages, &topic.archive, NOTIFICATION_STRINGS_BYTES);
            t.copied(
                m::other,
                topic.subscriptions.len() + topic.dedup.len(),
                TABLE_ENTRY_BYTES,
            );
        }
        let tables = self.subscriptions.len()
            + self.sub_order.len()
            + self.tokens.len()
            + self.endpoints.len()
            + self.push_apps.len()
            + self.push_endpoints.len();
        t.copied(m::other, tables, TABLE_ENTRY_BYTES);
        let inbox_entries: usize = self.inboxes.values().map(|q| q.len()).sum();
        let entry = size_of::<InboxEntry>() as u64 + m::INBOX_ENTRY_HEAP_BYTES;
        t.copied(m::other, inbox_entries, entry);
    }

    /// Bytes of notification texts held: pending deliveries' and the topics' archives.
    pub(crate) fn payload_bytes_held(&self) -> u64 {
        let pending: usize = self
            .notifications
            .values()
            .map(|n| n.message.for_protocol("").retained_bytes())
            .sum();
        let archived: usize = self.topics.values().map(|t| t.archive_bytes).sum();
        (pending + archived) as u64
    }

    /// Deliveries waiting for an attempt or a retry.
    pub fn pending_deliveries(&self) -> usize {
        self.deliveries.len()
    }

    /// What a simulated endpoint (URL, address, number or ARN) has received, oldest first.
    /// Payload bytes SNS keeps in memory: the messages of notifications with deliveries
    /// pending, of FIFO topics' archives, and what simulated endpoints received; a synthetic
    /// payload counted by its head and tail only. A message shared by several holders is
    /// counted by each.
    pub fn payload_bytes_retained(&self) -> u64 {
        fn text(m: &MessageText) -> u64 {
            match m {
                MessageText::Plain(p) => p.retained_bytes() as u64,
                MessageText::PerProtocol {
                    default,
                    by_protocol,
                } => {
                    default.retained_bytes() as u64
                        + by_protocol
                            .values()
                            .map(|p| p.retained_bytes() as u64)
                            .sum::<u64>()
                }
            }
        }
        let pending: u64 = self.notifications.values().map(|n| text(&n.message)).sum();
        let archived: u64 = self
            .topics
            .values()
            .flat_map(|t| t.archive.iter())
            .map(|(_, n)| text(&n.message))
            .sum();
        let inboxes: u64 = self
            .inboxes
            .values()
            .flatten()
            .map(|e| e.body.retained_bytes() as u64)
            .sum();
        pending + archived + inboxes
    }

    pub fn endpoint_messages(&self, endpoint: &str) -> Vec<&InboxEntry> {
        self.inboxes
            .get(endpoint)
            .map(|q| q.iter().collect())
            .unwrap_or_default()
    }

    /// Attaches a behaviour to an endpoint: deliveries to subscriptions of `protocol` with
    /// this `endpoint` are attempted against it (latency, failures, concurrency). Without one,
    /// an endpoint accepts everything after `default_endpoint_latency_ms`. SQS subscriptions
    /// always deliver into the SQS service and ignore this. `Err` names a field of the
    /// behaviour that is out of range (nothing changes then).
    pub fn set_endpoint_behaviour(
        &mut self,
        protocol: &str,
        endpoint: &str,
        behaviour: Endpoint,
    ) -> Result<(), String> {
        behaviour.validate()?;
        self.endpoints.insert(
            endpoint_key(protocol, endpoint),
            (behaviour, EndpointState::default()),
        );
        Ok(())
    }

    /// The behaviour attached to an endpoint, if any.
    pub fn endpoint_behaviour(&self, protocol: &str, endpoint: &str) -> Option<&Endpoint> {
        self.endpoints
            .get(&endpoint_key(protocol, endpoint))
            .map(|(b, _)| b)
    }

    /// The run-time state of an endpoint with a behaviour (e.g. a Lambda's invocations).
    pub fn endpoint_state(&self, protocol: &str, endpoint: &str) -> Option<&EndpointState> {
        self.endpoints
            .get(&endpoint_key(protocol, endpoint))
            .map(|(_, s)| s)
    }

    /// Removes an endpoint's behaviour (it goes back to always accepting).
    pub fn clear_endpoint_behaviour(&mut self, protocol: &str, endpoint: &str) {
        self.endpoints.remove(&endpoint_key(protocol, endpoint));
    }

    pub fn topic_summaries(&self) -> Vec<TopicSummary> {
        self.topics
            .values()
            .map(|t| {
                let (confirmed, pending) = self.subscription_counts(t);
                TopicSummary {
                    name: t.name.clone(),
                    fifo: t.fifo,
                    subscriptions_confirmed: confirmed,
                    subscriptions_pending: pending,
                    totals: t.totals.clone(),
                }
            })
            .collect()
    }

    pub(crate) fn subscription_counts(&self, t: &Topic) -> (usize, usize) {
        let mut confirmed = 0;
        let mut pending = 0;
        for arn in &t.subscriptions {
            match self.subscriptions.get(arn) {
                Some(s) if s.pending => pending += 1,
                Some(_) => confirmed += 1,
                None => {}
            }
        }
        (confirmed, pending)
    }

    /// Every closed minute of every topic, as CloudWatch would list them.
    pub fn metric_rows(&self) -> Vec<Datapoint> {
        let mut out = Vec::new();
        for t in self.topics.values() {
            t.metrics
                .publish("AWS/SNS", &[("TopicName", &t.name)], &mut out);
        }
        out
    }

    pub(crate) fn close_metrics_minute(&mut self, now: SimTime) {
        for t in self.topics.values_mut() {
            t.metrics.close(now, |_| {});
        }
    }

    /// The JSON face of the operations: AWS request members in, AWS response members out.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        use api::{parse, to_json};
        match op {
            "CreateTopic" => parse(params).and_then(|i| self.create_topic(ctx, &i)),
            "DeleteTopic" => parse(params).and_then(|i| self.delete_topic(ctx, &i)),
            "ListTopics" => parse(params).and_then(|i| self.list_topics(&i)),
            "GetTopicAttributes" => {
                parse(params).and_then(|i| self.get_topic_attributes(ctx.now, &i))
            }
            "SetTopicAttributes" => parse(params).and_then(|i| self.set_topic_attributes(ctx, &i)),
            "TagResource" => parse(params).and_then(|i| self.tag_resource(&i)),
            "UntagResource" => parse(params).and_then(|i| self.untag_resource(&i)),
            "ListTagsForResource" => parse(params).and_then(|i| self.list_tags_for_resource(&i)),
            "Subscribe" => parse(params).and_then(|i| self.subscribe(ctx, &i)),
            "ConfirmSubscription" => {
                parse(params).and_then(|i| self.confirm_subscription(ctx, &i))
            }
            "Unsubscribe" => parse(params).and_then(|i| self.unsubscribe(ctx, &i)),
            "ListSubscriptions" => parse(params).and_then(|i| self.list_subscriptions(&i)),
            "ListSubscriptionsByTopic" => {
                parse(params).and_then(|i| self.list_subscriptions_by_topic(&i))
            }
            "GetSubscriptionAttributes" => {
                parse(params).and_then(|i| self.get_subscription_attributes(&i))
            }
            "SetSubscriptionAttributes" => {
                parse(params).and_then(|i| self.set_subscription_attributes(ctx, &i))
            }
            "Publish" => parse(params)
                .and_then(|i| self.publish(ctx, &i))
                .map(to_json),
            "PublishBatch" => parse(params)
                .and_then(|i| self.publish_batch(ctx, &i))
                .map(to_json),
            // Simulation only: what a simulated endpoint (an HTTP server's log, a mailbox, a
            // phone) has received, e.g. to read a SubscriptionConfirmation token.
            "ListEndpointMessages" => parse(params).and_then(|i| self.list_endpoint_messages(&i)),
            "CreatePlatformApplication" => {
                parse(params).and_then(|i| self.create_platform_application(&i))
            }
            "GetPlatformApplicationAttributes" => {
                parse(params).and_then(|i| self.get_platform_application_attributes(&i))
            }
            "SetPlatformApplicationAttributes" => {
                parse(params).and_then(|i| self.set_platform_application_attributes(&i))
            }
            "DeletePlatformApplication" => {
                parse(params).and_then(|i| self.delete_platform_application(&i))
            }
            "ListPlatformApplications" => {
                parse(params).and_then(|i| self.list_platform_applications(&i))
            }
            "CreatePlatformEndpoint" => {
                parse(params).and_then(|i| self.create_platform_endpoint(ctx, &i))
            }
            "GetEndpointAttributes" => parse(params).and_then(|i| self.get_endpoint_attributes(&i)),
            "SetEndpointAttributes" => parse(params).and_then(|i| self.set_endpoint_attributes(&i)),
            "DeleteEndpoint" => parse(params).and_then(|i| self.delete_endpoint(&i)),
            "ListEndpointsByPlatformApplication" => {
                parse(params).and_then(|i| self.list_endpoints_by_platform_application(&i))
            }
            "AddPermission"
            | "RemovePermission"
            | "GetDataProtectionPolicy"
            | "PutDataProtectionPolicy"
            | "SetSMSAttributes"
            | "GetSMSAttributes" => Err(AwsError::new(
                "UnsupportedOperation",
                format!("{op} is not simulated: mqlab has no IAM principals, data protection or SMS settings."),
            )),
            other => Err(AwsError::new(
                "UnknownOperationException",
                format!("The operation {other} is not an SNS operation."),
            )),
        }
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, router: &mut dyn Router, timer: SnsTimer) {
        match timer {
            SnsTimer::Attempt { delivery } => self.attempt(ctx, router, delivery),
            SnsTimer::Outcome { delivery, outcome } => {
                self.settle(ctx, router, delivery, outcome, None)
            }
            SnsTimer::PendingExpiry { subscription } => self.expire_pending(ctx, &subscription),
            SnsTimer::ReplayStart {
                subscription,
                replay,
            } => self.run_replay(ctx, &subscription, replay),
        }
    }
}
