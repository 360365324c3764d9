//! Queue attributes: names, ranges, defaults and validation (aws-rules §1.2).

use crate::core::error::AwsError;
use serde_json::Value;
use std::collections::BTreeMap;

pub const VISIBILITY_TIMEOUT_MAX_S: u32 = 43_200;
pub const VISIBILITY_TIMEOUT_DEFAULT_S: u32 = 30;
pub const DELAY_SECONDS_MAX: u32 = 900;
pub const MAXIMUM_MESSAGE_SIZE_MIN: u32 = 1_024;
pub const MAXIMUM_MESSAGE_SIZE_MAX: u32 = 1_048_576;
pub const RETENTION_MIN_S: u32 = 60;
pub const RETENTION_MAX_S: u32 = 1_209_600;
pub const RETENTION_DEFAULT_S: u32 = 345_600;
pub const WAIT_TIME_MAX_S: u32 = 20;
pub const KMS_REUSE_MIN_S: u32 = 60;
pub const KMS_REUSE_MAX_S: u32 = 86_400;
pub const KMS_REUSE_DEFAULT_S: u32 = 300;
/// UNCONFIRMED in AWS's service docs: the console and AWS Labs tooling validate 1..1000, which
/// is the most plausible service-side range.
pub const MAX_RECEIVE_COUNT_MAX: u32 = 1_000;
/// RedriveAllowPolicy `byQueue` names at most this many source queues.
pub const REDRIVE_ALLOW_SOURCES_MAX: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeduplicationScope {
    Queue,
    MessageGroup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FifoThroughputLimit {
    PerQueue,
    PerMessageGroupId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    pub max_receive_count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedrivePermission {
    AllowAll,
    DenyAll,
    ByQueue(Vec<String>),
}

/// The settable attributes of one queue, typed.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueAttributes {
    pub delay_seconds: u32,
    pub maximum_message_size: u32,
    pub message_retention_period: u32,
    pub receive_message_wait_time_seconds: u32,
    pub visibility_timeout: u32,
    pub redrive_policy: Option<RedrivePolicy>,
    pub redrive_allow_policy: Option<RedrivePermission>,
    pub policy: Option<String>,
    pub fifo_queue: bool,
    pub content_based_deduplication: bool,
    pub deduplication_scope: DeduplicationScope,
    pub fifo_throughput_limit: FifoThroughputLimit,
    pub kms_master_key_id: Option<String>,
    pub kms_data_key_reuse_period_seconds: u32,
    pub sqs_managed_sse_enabled: bool,
}

impl QueueAttributes {
    pub fn defaults(fifo: bool) -> Self {
        QueueAttributes {
            delay_seconds: 0,
            maximum_message_size: MAXIMUM_MESSAGE_SIZE_MAX,
            message_retention_period: RETENTION_DEFAULT_S,
            receive_message_wait_time_seconds: 0,
            visibility_timeout: VISIBILITY_TIMEOUT_DEFAULT_S,
            redrive_policy: None,
            redrive_allow_policy: None,
            policy: None,
            fifo_queue: fifo,
            content_based_deduplication: false,
            deduplication_scope: DeduplicationScope::Queue,
            fifo_throughput_limit: FifoThroughputLimit::PerQueue,
            kms_master_key_id: None,
            kms_data_key_reuse_period_seconds: KMS_REUSE_DEFAULT_S,
            // aws-rules §1.16: SSE-SQS is on for a new queue unless set otherwise.
            sqs_managed_sse_enabled: true,
        }
    }

    /// High throughput FIFO: both attributes at their per-group values; any other
    /// combination is normal throughput (aws-rules §1.2, §1.10).
    pub fn high_throughput(&self) -> bool {
        self.fifo_queue
            && self.deduplication_scope == DeduplicationScope::MessageGroup
            && self.fifo_throughput_limit == FifoThroughputLimit::PerMessageGroupId
    }

    /// The attribute's current value as the API renders it, or None if it is not set /
    /// does not apply to this queue type.
    pub fn render(&self, name: &str) -> Option<String> {
        let fifo_only = |v: String| if self.fifo_queue { Some(v) } else { None };
        match name {
            "DelaySeconds" => Some(self.delay_seconds.to_string()),
            "MaximumMessageSize" => Some(self.maximum_message_size.to_string()),
            "MessageRetentionPeriod" => Some(self.message_retention_period.to_string()),
            "ReceiveMessageWaitTimeSeconds" => {
                Some(self.receive_message_wait_time_seconds.to_string())
            }
            "VisibilityTimeout" => Some(self.visibility_timeout.to_string()),
            "RedrivePolicy" => self.redrive_policy.as_ref().map(|p| {
                serde_json::json!({
                    "deadLetterTargetArn": p.dead_letter_target_arn,
                    "maxReceiveCount": p.max_receive_count,
                })
                .to_string()
            }),
            "RedriveAllowPolicy" => self.redrive_allow_policy.as_ref().map(|p| match p {
                RedrivePermission::AllowAll => r#"{"redrivePermission":"allowAll"}"#.to_string(),
                RedrivePermission::DenyAll => r#"{"redrivePermission":"denyAll"}"#.to_string(),
                RedrivePermission::ByQueue(arns) => serde_json::json!({
                    "redrivePermission": "byQueue",
                    "sourceQueueArns": arns,
                })
                .to_string(),
            }),
            "Policy" => self.policy.clone(),
            "FifoQueue" => fifo_only("true".into()),
            "ContentBasedDeduplication" => fifo_only(self.content_based_deduplication.to_string()),
            "DeduplicationScope" => fifo_only(
                match self.deduplication_scope {
                    DeduplicationScope::Queue => "queue",
                    DeduplicationScope::MessageGroup => "messageGroup",
                }
                .into(),
            ),
            "FifoThroughputLimit" => fifo_only(
                match self.fifo_throughput_limit {
                    FifoThroughputLimit::PerQueue => "perQueue",
                    FifoThroughputLimit::PerMessageGroupId => "perMessageGroupId",
                }
                .into(),
            ),
            "KmsMasterKeyId" => self.kms_master_key_id.clone(),
            "KmsDataKeyReusePeriodSeconds" => self
                .kms_master_key_id
                .as_ref()
                .map(|_| self.kms_data_key_reuse_period_seconds.to_string()),
            "SqsManagedSseEnabled" => Some(self.sqs_managed_sse_enabled.to_string()),
            _ => None,
        }
    }

    /// Validates and applies one attribute. `creating` allows `FifoQueue`. Cross-queue checks
    /// (the DLQ exists and is of the same type) are done by the caller.
    pub fn apply(&mut self, name: &str, value: &str, creating: bool) -> Result<(), AwsError> {
        match name {
            "DelaySeconds" => self.delay_seconds = int_in(name, value, 0, DELAY_SECONDS_MAX)?,
            "MaximumMessageSize" => {
                self.maximum_message_size = int_in(
                    name,
                    value,
                    MAXIMUM_MESSAGE_SIZE_MIN,
                    MAXIMUM_MESSAGE_SIZE_MAX,
                )?
            }
            "MessageRetentionPeriod" => {
                self.message_retention_period =
                    int_in(name, value, RETENTION_MIN_S, RETENTION_MAX_S)?
            }
            "ReceiveMessageWaitTimeSeconds" => {
                self.receive_message_wait_time_seconds = int_in(name, value, 0, WAIT_TIME_MAX_S)?
            }
            "VisibilityTimeout" => {
                self.visibility_timeout = int_in(name, value, 0, VISIBILITY_TIMEOUT_MAX_S)?
            }
            "RedrivePolicy" => self.redrive_policy = parse_redrive_policy(value)?,
            "RedriveAllowPolicy" => self.redrive_allow_policy = parse_redrive_allow(value)?,
            "Policy" => {
                self.policy = if value.is_empty() {
                    None
                } else {
                    serde_json::from_str::<Value>(value)
                        .map_err(|_| invalid_value(name))?
                        .is_object()
                        .then(|| value.to_string())
                        .ok_or_else(|| invalid_value(name))
                        .map(Some)?
                }
            }
            // A standard queue has no FifoQueue attribute at all, not even "false"; a FIFO
            // queue's type cannot change (recorded AWS answers).
            "FifoQueue" if !self.fifo_queue => return Err(unknown_attribute(name)),
            "FifoQueue" => {
                if !boolean(name, value)? && !creating {
                    return Err(AwsError::new(
                        "InvalidAttributeValue",
                        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
                    ));
                }
            }
            "ContentBasedDeduplication" | "DeduplicationScope" | "FifoThroughputLimit"
                if !self.fifo_queue =>
            {
                return Err(AwsError::new(
                    "InvalidAttributeName",
                    format!("You can specify the {name} only when FifoQueue is set to true."),
                ));
            }
            "ContentBasedDeduplication" if self.fifo_queue => {
                self.content_based_deduplication = boolean(name, value)?
            }
            "DeduplicationScope" if self.fifo_queue => {
                self.deduplication_scope = match value {
                    "queue" => DeduplicationScope::Queue,
                    "messageGroup" => DeduplicationScope::MessageGroup,
                    _ => return Err(invalid_value(name)),
                }
            }
            "FifoThroughputLimit" if self.fifo_queue => {
                self.fifo_throughput_limit = match value {
                    "perQueue" => FifoThroughputLimit::PerQueue,
                    "perMessageGroupId" => FifoThroughputLimit::PerMessageGroupId,
                    _ => return Err(invalid_value(name)),
                }
            }
            "KmsMasterKeyId" => {
                if value.is_empty() {
                    self.kms_master_key_id = None;
                } else {
                    self.kms_master_key_id = Some(value.to_string());
                    self.sqs_managed_sse_enabled = false;
                }
            }
            "KmsDataKeyReusePeriodSeconds" => {
                self.kms_data_key_reuse_period_seconds =
                    int_in(name, value, KMS_REUSE_MIN_S, KMS_REUSE_MAX_S)?
            }
            "SqsManagedSseEnabled" => {
                let v = boolean(name, value)?;
                if v && self.kms_master_key_id.is_some() {
                    // One server-side encryption option per queue (aws-rules §1.2).
                    return Err(AwsError::new(
                        "InvalidAttributeName",
                        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
                    ));
                }
                self.sqs_managed_sse_enabled = v;
            }
            _ => return Err(unknown_attribute(name)),
        }
        Ok(())
    }

    /// Checks that hold across several attributes after a create or set.
    pub fn check_combination(&self) -> Result<(), AwsError> {
        if self.fifo_queue
            && self.fifo_throughput_limit == FifoThroughputLimit::PerMessageGroupId
            && self.deduplication_scope == DeduplicationScope::Queue
        {
            // aws-rules §1.2: perMessageGroupId requires DeduplicationScope=messageGroup.
            return Err(AwsError::new(
                "InvalidAttributeValue",
                "Invalid value for the parameter FifoThroughputLimit. Reason: perMessageGroupId is allowed only when the value for DeduplicationScope is messageGroup.",
            ));
        }
        Ok(())
    }
}

/// Every attribute name GetQueueAttributes knows, in the order "All" lists them.
pub const ALL_ATTRIBUTE_NAMES: &[&str] = &[
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
    "CreatedTimestamp",
    "DelaySeconds",
    "LastModifiedTimestamp",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "Policy",
    "QueueArn",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "VisibilityTimeout",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
];

pub fn unknown_attribute(name: &str) -> AwsError {
    AwsError::new("InvalidAttributeName", format!("Unknown Attribute {name}."))
}

pub fn invalid_value(name: &str) -> AwsError {
    AwsError::new(
        "InvalidAttributeValue",
        format!("Invalid value for the parameter {name}."),
    )
}

pub fn fifo_name_error() -> AwsError {
    AwsError::invalid_parameter_value(
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
    )
}

fn int_in(name: &str, value: &str, min: u32, max: u32) -> Result<u32, AwsError> {
    match value.trim().parse::<u64>() {
        Ok(v) if v >= min as u64 && v <= max as u64 => Ok(v as u32),
        _ => Err(invalid_value(name)),
    }
}

fn boolean(name: &str, value: &str) -> Result<bool, AwsError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid_value(name)),
    }
}

fn redrive_error(value: &str, reason: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Value {value} for parameter RedrivePolicy is invalid. Reason: {reason}"
    ))
}

fn parse_redrive_policy(value: &str) -> Result<Option<RedrivePolicy>, AwsError> {
    if value.is_empty() {
        return Ok(None);
    }
    let v: Value = serde_json::from_str(value)
        .map_err(|_| redrive_error(value, "Invalid value for RedrivePolicy."))?;
    let obj = v
        .as_object()
        .ok_or_else(|| redrive_error(value, "Invalid value for RedrivePolicy."))?;
    let arn = obj
        .get("deadLetterTargetArn")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            redrive_error(
                value,
                "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
            )
        })?;
    let count = match obj.get("maxReceiveCount") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        None => {
            return Err(redrive_error(
                value,
                "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
            ))
        }
        _ => None,
    };
    let count = match count {
        Some(c) if (1..=MAX_RECEIVE_COUNT_MAX as u64).contains(&c) => c as u32,
        _ => {
            return Err(redrive_error(
                value,
                &format!(
                "Invalid value for maxReceiveCount: must be between 1 and {MAX_RECEIVE_COUNT_MAX}."
            ),
            ))
        }
    };
    Ok(Some(RedrivePolicy {
        dead_letter_target_arn: arn.to_string(),
        max_receive_count: count,
    }))
}

fn parse_redrive_allow(value: &str) -> Result<Option<RedrivePermission>, AwsError> {
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || invalid_value("RedriveAllowPolicy");
    let v: Value = serde_json::from_str(value).map_err(|_| bad())?;
    let perm = v
        .get("redrivePermission")
        .and_then(Value::as_str)
        .ok_or_else(bad)?;
    let arns = v.get("sourceQueueArns");
    match (perm, arns) {
        ("allowAll", None) => Ok(Some(RedrivePermission::AllowAll)),
        ("denyAll", None) => Ok(Some(RedrivePermission::DenyAll)),
        ("byQueue", Some(Value::Array(list))) => {
            let arns: Option<Vec<String>> =
                list.iter().map(|a| a.as_str().map(String::from)).collect();
            let arns = arns.ok_or_else(bad)?;
            if arns.is_empty() || arns.len() > REDRIVE_ALLOW_SOURCES_MAX {
                return Err(bad());
            }
            Ok(Some(RedrivePermission::ByQueue(arns)))
        }
        _ => Err(bad()),
    }
}

/// Parses the CreateQueue / SetQueueAttributes `Attributes` map into (name, value) pairs in a
/// stable order (the map is ordered by name).
pub fn attribute_pairs(attrs: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
    attrs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
