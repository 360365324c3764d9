//! One topic: its attributes (aws-rules §3.1, API model of CreateTopic / SetTopicAttributes), its
//! subscriptions, FIFO sequence numbers and the 5-minute deduplication window.

use super::delivery::{in_attributes, DeliveryPolicy};
use super::metrics::TopicMetrics;
use super::{invalid_parameter, ACCOUNT_ID};
use crate::core::error::AwsError;
use crate::core::ordmap::OrdMap;
use crate::core::segvec::SegVec;
use crate::core::time::SimTime;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};

/// Topic names: 1–256 ASCII letters, digits, `_`, `-` (+ `.fifo` for FIFO topics).
pub const TOPIC_NAME_MAX: usize = 256;
/// DisplayName (used as the SMS sender name): up to 100 characters.
pub const DISPLAY_NAME_MAX: usize = 100;
/// FIFO topics deduplicate over 5 minutes (aws-rules §3.1).
pub const DEDUP_INTERVAL_MS: SimTime = 5 * 60_000;
/// The most deduplication ids a FIFO topic remembers at once; the oldest are forgotten first
/// (a 5-minute window at 3,000 publishes/s is 900,000).
pub const DEDUP_ENTRIES_MAX: usize = 1_000_000;
/// ArchivePolicy MessageRetentionPeriod: 1–365 days (API model).
pub const ARCHIVE_RETENTION_DAYS_MAX: u64 = 365;

/// Attributes a caller may set (CreateTopic / SetTopicAttributes). `FifoTopic` only at creation.
pub const SETTABLE_ATTRIBUTES: &[&str] = &[
    "DeliveryPolicy",
    "DisplayName",
    "Policy",
    "SignatureVersion",
    "TracingConfig",
    "KmsMasterKeyId",
    "ContentBasedDeduplication",
    "FifoThroughputScope",
    "ArchivePolicy",
    // Delivery status logging (stored and returned; no CloudWatch Logs are simulated).
    "ApplicationSuccessFeedbackRoleArn",
    "ApplicationSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn",
    "HTTPSuccessFeedbackRoleArn",
    "HTTPSuccessFeedbackSampleRate",
    "HTTPFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn",
    "LambdaSuccessFeedbackSampleRate",
    "LambdaFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn",
    "FirehoseSuccessFeedbackSampleRate",
    "FirehoseFailureFeedbackRoleArn",
    "SQSSuccessFeedbackRoleArn",
    "SQSSuccessFeedbackSampleRate",
    "SQSFailureFeedbackRoleArn",
];

/// The EffectiveDeliveryPolicy of a topic without a DeliveryPolicy: the HTTP/S default of
/// aws-rules §3.6 (as GetTopicAttributes shows it).
pub fn default_effective_delivery_policy() -> Value {
    json!({
        "http": {
            "defaultHealthyRetryPolicy": {
                "minDelayTarget": 20,
                "maxDelayTarget": 20,
                "numRetries": 3,
                "numMaxDelayRetries": 0,
                "numNoDelayRetries": 0,
                "numMinDelayRetries": 0,
                "backoffFunction": "linear"
            },
            "disableSubscriptionOverrides": false,
            "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}
        }
    })
}

fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// Topic names (aws-rules §3.1): the same rule with or without `.fifo`.
pub fn check_topic_name(name: &str, fifo: bool) -> Result<(), AwsError> {
    let stem = if fifo {
        name.strip_suffix(".fifo")
    } else {
        Some(name)
    };
    let ok = stem.is_some_and(|s| {
        !s.is_empty()
            && name.len() <= TOPIC_NAME_MAX
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    match (ok, fifo) {
        (true, _) => Ok(()),
        (false, true) => Err(invalid_parameter(
            "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
        )),
        (false, false) => Err(invalid_parameter("Invalid parameter: Topic Name")),
    }
}

/// Remembered deduplication ids of a FIFO topic: key → (first seen, MessageId, SequenceNumber).
#[derive(Clone, Debug, Default)]
pub struct DedupWindow {
    seen: OrdMap<String, (SimTime, String, Option<String>)>,
    order: VecDeque<(SimTime, String)>,
}

impl DedupWindow {
    /// Deduplication ids remembered.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    fn expire(&mut self, now: SimTime) {
        while let Some((at, key)) = self.order.front() {
            if *at + DEDUP_INTERVAL_MS > now && self.order.len() <= DEDUP_ENTRIES_MAX {
                break;
            }
            if self.seen.get(key).is_some_and(|(t, _, _)| t == at) {
                self.seen.remove(key);
            }
            self.order.pop_front();
        }
    }

    pub fn lookup(&mut self, now: SimTime, key: &str) -> Option<(String, Option<String>)> {
        self.expire(now);
        self.seen
            .get(key)
            .map(|(_, id, seq)| (id.clone(), seq.clone()))
    }

    pub fn record(&mut self, now: SimTime, key: String, id: String, seq: Option<String>) {
        self.seen.insert(key.clone(), (now, id, seq));
        self.order.push_back((now, key));
        self.expire(now);
    }
}

/// Counters over a topic's life (the app shows them; CloudWatch shows the per-minute ones).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TopicTotals {
    pub published: u64,
    pub deduplicated: u64,
    pub delivered: u64,
    pub failed: u64,
    pub filtered_out: u64,
    pub moved_to_dlq: u64,
}

#[derive(Clone, Debug)]
pub struct Topic {
    pub name: String,
    pub arn: String,
    pub fifo: bool,
    /// Attributes as set (validated), by name.
    pub attrs: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    /// Subscription ARNs, oldest first.
    pub subscriptions: Vec<String>,
    pub subscriptions_deleted: u64,
    pub created_at: SimTime,
    pub(crate) sequence: u128,
    pub(crate) dedup: DedupWindow,
    pub metrics: TopicMetrics,
    pub totals: TopicTotals,
    /// Publishes admitted in the current virtual second: (second, messages, bytes).
    pub(crate) throughput: (SimTime, u64, u64),
    /// With an ArchivePolicy: what was published (with its size), oldest first, for replays.
    /// Up to 100,000 messages, append-only and pruned at the front: in sealed segments shared
    /// with the world's snapshots.
    pub(crate) archive: SegVec<(usize, super::Notification)>,
    pub(crate) archive_bytes: usize,
    /// When archiving began (the ArchivePolicy was set).
    pub(crate) archive_since: Option<SimTime>,
}

/// A FIFO topic with `FifoThroughputScope=Topic` takes 3,000 messages per second or 20 MB per
/// second, whichever comes first (aws-rules §3.1).
pub const FIFO_TOPIC_MESSAGES_PER_S: u64 = 3_000;
pub const FIFO_TOPIC_BYTES_PER_S: u64 = 20 * 1_000_000;

impl Topic {
    pub fn new(name: &str, arn: String, fifo: bool, now: SimTime) -> Topic {
        Topic {
            name: name.to_string(),
            arn,
            fifo,
            attrs: BTreeMap::new(),
            tags: BTreeMap::new(),
            subscriptions: Vec::new(),
            subscriptions_deleted: 0,
            created_at: now,
            sequence: 0,
            dedup: DedupWindow::default(),
            metrics: TopicMetrics::starting(now),
            totals: TopicTotals::default(),
            throughput: (0, 0, 0),
            archive: SegVec::new(),
            archive_bytes: 0,
            archive_since: None,
        }
    }

    /// Admits a publish of `messages` totalling `bytes` at `now`, or refuses it with
    /// ThrottledException when a FIFO topic's per-topic throughput is spent for this virtual
    /// second. AWS's exact metering (token buckets, bursts) is not documented: a fixed
    /// one-second window is the plainest reading of "3,000 messages per second".
    /// `MessageGroup` scope has only regional quotas (UNCONFIRMED): not throttled here.
    pub(crate) fn admit(
        &mut self,
        now: SimTime,
        messages: u64,
        bytes: u64,
    ) -> Result<(), AwsError> {
        if !self.fifo || self.dedup_per_group() {
            return Ok(());
        }
        let second = now / 1_000;
        if self.throughput.0 != second {
            self.throughput = (second, 0, 0);
        }
        let (_, m, b) = self.throughput;
        if m + messages > FIFO_TOPIC_MESSAGES_PER_S || b + bytes > FIFO_TOPIC_BYTES_PER_S {
            return Err(AwsError::new("ThrottledException", "Rate exceeded"));
        }
        self.throughput = (second, m + messages, b + bytes);
        Ok(())
    }

    pub fn content_based_deduplication(&self) -> bool {
        self.attrs
            .get("ContentBasedDeduplication")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// FIFO deduplication is per topic, or per message group with
    /// `FifoThroughputScope=MessageGroup` (aws-rules §3.1).
    pub fn dedup_per_group(&self) -> bool {
        self.attrs
            .get("FifoThroughputScope")
            .is_some_and(|v| v == "MessageGroup")
    }

    /// `SignatureVersion` of the envelopes: "1" unless set to "2".
    pub fn signature_version(&self) -> &str {
        self.attrs
            .get("SignatureVersion")
            .map(String::as_str)
            .unwrap_or("1")
    }

    /// The topic's HTTP/S DeliveryPolicy, if it has one (validated when set).
    pub fn delivery_policy(&self) -> Option<DeliveryPolicy> {
        self.attrs
            .get("DeliveryPolicy")
            .and_then(|p| DeliveryPolicy::parse(p, true).ok())
    }

    pub fn default_policy(&self) -> String {
        json!({
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [{
                "Effect": "Allow",
                "Sid": "__default_statement_ID",
                "Principal": {"AWS": "*"},
                "Action": [
                    "SNS:GetTopicAttributes",
                    "SNS:SetTopicAttributes",
                    "SNS:AddPermission",
                    "SNS:RemovePermission",
                    "SNS:DeleteTopic",
                    "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic",
                    "SNS:Publish"
                ],
                "Resource": self.arn,
                "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT_ID}}
            }]
        })
        .to_string()
    }

    pub fn effective_delivery_policy(&self) -> String {
        let mut base = default_effective_delivery_policy();
        if let Some(p) = self
            .attrs
            .get("DeliveryPolicy")
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
        {
            merge(&mut base, &p);
        }
        base.to_string()
    }

    /// Every attribute GetTopicAttributes returns. `counts` = (confirmed, pending).
    pub fn render(&self, confirmed: usize, pending: usize) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        out.insert("TopicArn".into(), self.arn.clone());
        out.insert("Owner".into(), ACCOUNT_ID.into());
        out.insert("Policy".into(), self.default_policy());
        out.insert("DisplayName".into(), String::new());
        out.insert("SubscriptionsConfirmed".into(), confirmed.to_string());
        out.insert("SubscriptionsPending".into(), pending.to_string());
        out.insert(
            "SubscriptionsDeleted".into(),
            self.subscriptions_deleted.to_string(),
        );
        out.insert(
            "EffectiveDeliveryPolicy".into(),
            self.effective_delivery_policy(),
        );
        if self.fifo {
            out.insert("FifoTopic".into(), "true".into());
            out.insert("ContentBasedDeduplication".into(), "false".into());
            out.insert("FifoThroughputScope".into(), "Topic".into());
        }
        for (k, v) in &self.attrs {
            out.insert(k.clone(), v.clone());
        }
        out
    }

    /// The value GetTopicAttributes shows for `name` (used to compare a repeated CreateTopic).
    pub fn rendered(&self, name: &str) -> Option<String> {
        self.render(0, 0).remove(name)
    }
}

/// Validates one topic attribute for a topic of type `fifo`. `prefix` is the start of the
/// error text: CreateTopic says "Invalid parameter: Attributes Reason: ", SetTopicAttributes
/// "Invalid parameter: ". Returns the value to store (normalised).
pub fn validate_attribute(
    name: &str,
    value: &str,
    fifo: bool,
    prefix: &str,
) -> Result<String, AwsError> {
    let bad = |what: &str| invalid_parameter(&format!("{prefix}{what}"));
    let is_bool = |v: &str| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false");
    match name {
        "DisplayName" => {
            if value.chars().count() > DISPLAY_NAME_MAX {
                return Err(bad("DisplayName"));
            }
        }
        "Policy" => {
            if !serde_json::from_str::<Value>(value).is_ok_and(|v| v.is_object()) {
                return Err(bad("Policy Error: the policy is not a JSON object"));
            }
        }
        "DeliveryPolicy" => {
            DeliveryPolicy::parse(value, true).map_err(|e| {
                if prefix.contains("Attributes") {
                    in_attributes(e)
                } else {
                    e
                }
            })?;
        }
        "SignatureVersion" => {
            if value != "1" && value != "2" {
                return Err(bad(&format!(
                    "SignatureVersion: Invalid value [{value}]. Please use 1 or 2"
                )));
            }
        }
        "TracingConfig" => {
            if value != "PassThrough" && value != "Active" {
                return Err(bad(&format!(
                    "TracingConfig: Invalid value [{value}]. Please use PassThrough or Active"
                )));
            }
        }
        "KmsMasterKeyId" => {}
        "ContentBasedDeduplication" => {
            if !fifo {
                return Err(bad(
                    "ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics",
                ));
            }
            if !is_bool(value) {
                return Err(bad(&format!(
                    "ContentBasedDeduplication: Invalid value [{value}]. Must be true or false."
                )));
            }
            return Ok(value.to_ascii_lowercase());
        }
        "FifoThroughputScope" => {
            if !fifo {
                return Err(bad(
                    "FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO topics",
                ));
            }
            if value != "Topic" && value != "MessageGroup" {
                return Err(bad(&format!(
                    "FifoThroughputScope: Invalid value [{value}]. Please use Topic or MessageGroup"
                )));
            }
        }
        "ArchivePolicy" => {
            if !fifo {
                return Err(bad(
                    "ArchivePolicy Reason: Message archiving is only supported for FIFO topics",
                ));
            }
            if !value.is_empty() {
                let days = serde_json::from_str::<Value>(value).ok().and_then(|v| {
                    let p = &v["MessageRetentionPeriod"];
                    p.as_u64()
                        .or_else(|| p.as_str().and_then(|s| s.parse::<u64>().ok()))
                });
                if !days.is_some_and(|d| (1..=ARCHIVE_RETENTION_DAYS_MAX).contains(&d)) {
                    return Err(bad(
                        "ArchivePolicy: MessageRetentionPeriod must be an integer between 1 and 365 days",
                    ));
                }
            }
        }
        n if n.ends_with("SampleRate") => {
            if !value.parse::<u32>().is_ok_and(|r| r <= 100) {
                return Err(bad(n));
            }
        }
        n if SETTABLE_ATTRIBUTES.contains(&n) => {}
        _ => return Err(bad("AttributeName")),
    }
    Ok(value.to_string())
}
