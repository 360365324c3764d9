//! The AWS-shaped request and response types of SQS, with the AWS JSON protocol's member
//! names, and the JSON dispatch used by `World::call` and the CLI's `api` mode.

use super::message_attributes::MessageAttributes;
pub use super::ops::ReceiptHandle;
use crate::core::error::AwsError;
use crate::core::payload::{Md5Hex, Payload};
use crate::core::request;
pub use crate::core::rng::Uuid;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Integers in requests: the JSON protocol sends numbers; scripts written by hand often send
/// strings ("10"). Accept both.
fn lenient_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer"))),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{s:?} is not an integer"))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected an integer, found {other}"
        ))),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateQueueInput {
    pub queue_name: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, rename = "tags", alias = "Tags")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueUrlInput {
    pub queue_url: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetQueueUrlInput {
    pub queue_name: Option<String>,
    #[serde(rename = "QueueOwnerAWSAccountId")]
    pub queue_owner_aws_account_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueuesInput {
    pub queue_name_prefix: Option<String>,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub max_results: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetQueueAttributesInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub attribute_names: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetQueueAttributesInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageInput {
    pub queue_url: Option<String>,
    pub message_body: Option<Payload>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub delay_seconds: Option<i64>,
    #[serde(default)]
    pub message_attributes: MessageAttributes,
    #[serde(default)]
    pub message_system_attributes: MessageAttributes,
    pub message_deduplication_id: Option<String>,
    pub message_group_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageOutput {
    #[serde(rename = "MD5OfMessageBody")]
    pub md5_of_message_body: Md5Hex,
    #[serde(
        rename = "MD5OfMessageAttributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub md5_of_message_attributes: Option<String>,
    #[serde(
        rename = "MD5OfMessageSystemAttributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub md5_of_message_system_attributes: Option<String>,
    pub message_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageBatchEntry {
    pub id: Option<String>,
    pub message_body: Option<Payload>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub delay_seconds: Option<i64>,
    #[serde(default)]
    pub message_attributes: MessageAttributes,
    #[serde(default)]
    pub message_system_attributes: MessageAttributes,
    pub message_deduplication_id: Option<String>,
    pub message_group_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageBatchInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub entries: Vec<SendMessageBatchEntry>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageBatchResultEntry {
    pub id: String,
    #[serde(flatten)]
    pub result: SendMessageOutput,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BatchResultErrorEntry {
    pub id: String,
    pub sender_fault: bool,
    pub code: String,
    pub message: String,
}

impl BatchResultErrorEntry {
    pub fn new(id: &str, e: AwsError) -> Self {
        BatchResultErrorEntry {
            id: id.to_string(),
            sender_fault: e.sender_fault,
            code: e.code,
            message: e.message,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BatchOutput<T> {
    pub successful: Vec<T>,
    pub failed: Vec<BatchResultErrorEntry>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiveMessageInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub attribute_names: Vec<String>,
    #[serde(default)]
    pub message_system_attribute_names: Vec<String>,
    #[serde(default)]
    pub message_attribute_names: Vec<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub max_number_of_messages: Option<i64>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub visibility_timeout: Option<i64>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub wait_time_seconds: Option<i64>,
    pub receive_request_attempt_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ReceivedMessage {
    pub message_id: Uuid,
    pub receipt_handle: ReceiptHandle,
    #[serde(rename = "MD5OfBody")]
    pub md5_of_body: Md5Hex,
    pub body: Payload,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    #[serde(
        rename = "MD5OfMessageAttributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub md5_of_message_attributes: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub message_attributes: MessageAttributes,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiveMessageOutput {
    /// Omitted when empty, as AWS does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<ReceivedMessage>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMessageInput {
    pub queue_url: Option<String>,
    pub receipt_handle: Option<ReceiptHandle>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMessageBatchEntry {
    pub id: Option<String>,
    pub receipt_handle: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMessageBatchInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub entries: Vec<DeleteMessageBatchEntry>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct IdEntry {
    pub id: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeMessageVisibilityInput {
    pub queue_url: Option<String>,
    pub receipt_handle: Option<ReceiptHandle>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub visibility_timeout: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeMessageVisibilityBatchEntry {
    pub id: Option<String>,
    pub receipt_handle: Option<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub visibility_timeout: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeMessageVisibilityBatchInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub entries: Vec<ChangeMessageVisibilityBatchEntry>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMessageMoveTaskInput {
    pub source_arn: Option<String>,
    pub destination_arn: Option<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub max_number_of_messages_per_second: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelMessageMoveTaskInput {
    pub task_handle: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMessageMoveTasksInput {
    pub source_arn: Option<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub max_results: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDeadLetterSourceQueuesInput {
    pub queue_url: Option<String>,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub max_results: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagQueueInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagQueueInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub tag_keys: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionInput {
    pub queue_url: Option<String>,
    pub label: Option<String>,
    #[serde(default, rename = "AWSAccountIds")]
    pub aws_account_ids: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
}

/// Parses a request's members; a member of the wrong type is an InvalidParameterValue naming
/// the problem (AWS's JSON protocol would answer a SerializationException before validation).
pub fn parse<T: DeserializeOwned + Default>(params: &Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "InvalidParameterValue",
            member_message: "The request could not be read: {}.",
            not_object_message: "The request parameters must be a JSON object.",
        },
    )
}

pub use request::to_json;

pub fn required<'a>(v: &'a Option<String>, name: &str) -> Result<&'a str, AwsError> {
    match v.as_deref() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(AwsError::missing_parameter(name)),
    }
}
