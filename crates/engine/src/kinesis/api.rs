//! The AWS-shaped request and response types of Kinesis Data Streams, with the member names of
//! the API model (Kinesis speaks the AWS JSON 1.1 protocol, so scripts send exactly these).
//! Blob members (`Data`) are base64 text in JSON and bytes in the typed API; timestamps are
//! epoch seconds.

use crate::core::base64 as b64;
use crate::core::error::AwsError;
use crate::core::payload::Payload;
use crate::core::request;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// A blob member: base64 text in JSON (the JSON protocol's encoding), bytes in Rust.
fn blob<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Payload>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => b64::decode(s.as_bytes())
            .map(|b| Some(Payload::bytes(b)))
            .map_err(|e| {
                serde::de::Error::custom(format!(
                    "'{s}' can not be converted to a Blob: Base64 encoded data is invalid ({e})"
                ))
            }),
    }
}

/// The base64 of a synthetic payload is computed here, when an answer is written, and not
/// kept.
fn blob_out<S: Serializer>(data: &Payload, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&b64::encode(data.as_bytes()))
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamModeDetails {
    #[serde(rename = "StreamMode")]
    pub stream_mode: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateStreamInput {
    pub stream_name: Option<String>,
    pub shard_count: Option<i64>,
    pub stream_mode_details: Option<StreamModeDetails>,
    pub tags: Option<BTreeMap<String, String>>,
}

/// AddTagsToStream (`Tags`) and RemoveTagsFromStream (`TagKeys`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamTagsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    pub tag_keys: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub exclusive_start_tag_key: Option<String>,
    pub limit: Option<i64>,
}

/// TagResource (`Tags`), UntagResource (`TagKeys`) and ListTagsForResource, by ARN.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceTagsInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    pub tag_keys: Option<Vec<String>>,
}

/// Every request that names a stream accepts `StreamName` or `StreamARN`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub enforce_consumer_deletion: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub limit: Option<i64>,
    pub exclusive_start_shard_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsInput {
    pub limit: Option<i64>,
    pub exclusive_start_stream_name: Option<String>,
    pub next_token: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShardFilter {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub shard_id: Option<String>,
    pub timestamp: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListShardsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub next_token: Option<String>,
    pub exclusive_start_shard_id: Option<String>,
    pub max_results: Option<i64>,
    pub stream_creation_timestamp: Option<f64>,
    pub shard_filter: Option<ShardFilter>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    #[serde(default, deserialize_with = "blob")]
    pub data: Option<Payload>,
    pub partition_key: Option<String>,
    pub explicit_hash_key: Option<String>,
    pub sequence_number_for_ordering: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsRequestEntry {
    #[serde(default, deserialize_with = "blob")]
    pub data: Option<Payload>,
    pub partition_key: Option<String>,
    pub explicit_hash_key: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub records: Option<Vec<PutRecordsRequestEntry>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub shard_id: String,
    pub sequence_number: String,
    pub encryption_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsResultEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsOutput {
    pub failed_record_count: u32,
    pub records: Vec<PutRecordsResultEntry>,
    pub encryption_type: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_id: Option<String>,
    pub shard_iterator_type: Option<String>,
    pub starting_sequence_number: Option<String>,
    pub timestamp: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorOutput {
    pub shard_iterator: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsInput {
    pub shard_iterator: Option<String>,
    pub limit: Option<i64>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
}

/// One record as GetRecords and SubscribeToShard return it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecordOut {
    pub sequence_number: String,
    /// Epoch seconds with milliseconds.
    pub approximate_arrival_timestamp: f64,
    #[serde(serialize_with = "blob_out")]
    pub data: Payload,
    pub partition_key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HashKeyRangeOut {
    pub starting_hash_key: String,
    pub ending_hash_key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChildShard {
    pub shard_id: String,
    pub parent_shards: Vec<String>,
    pub hash_key_range: HashKeyRangeOut,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    pub records: Vec<RecordOut>,
    /// None (JSON null) once a closed shard has been read to its end.
    pub next_shard_iterator: Option<String>,
    pub millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_shards: Option<Vec<ChildShard>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RetentionInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub retention_period_hours: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SplitShardInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_to_split: Option<String>,
    pub new_starting_hash_key: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MergeShardsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_to_merge: Option<String>,
    pub adjacent_shard_to_merge: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateShardCountInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub target_shard_count: Option<i64>,
    pub scaling_type: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateShardCountOutput {
    pub stream_name: String,
    pub current_shard_count: u32,
    pub target_shard_count: u32,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateStreamModeInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_mode_details: Option<StreamModeDetails>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumerInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub consumer_name: Option<String>,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamConsumersInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub stream_creation_timestamp: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartingPosition {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub sequence_number: Option<String>,
    pub timestamp: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeToShardInput {
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: Option<String>,
    pub shard_id: Option<String>,
    pub starting_position: Option<StartingPosition>,
}

/// One event of a SubscribeToShard event stream.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeToShardEvent {
    pub records: Vec<RecordOut>,
    pub continuation_sequence_number: String,
    pub millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_shards: Option<Vec<ChildShard>>,
}

/// Parses a request's members. A member of the wrong type is a SerializationException, the
/// code AWS's JSON protocol answers for a body it cannot read.
pub fn parse<T: DeserializeOwned + Default>(params: &Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "SerializationException",
            member_message: "{}",
            not_object_message: "Start of list found where not expected",
        },
    )
}

pub use request::to_json;
