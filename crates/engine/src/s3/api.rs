//! The S3 request types, with botocore's member names, and the JSON helpers of the dispatch
//! used by `World::call` and the CLI's `api` mode.
//!
//! S3 speaks REST-XML; scripts send botocore's members as JSON (`Bucket`, `Key`, `Body` as
//! base64 text, `NotificationConfiguration` → `TopicConfigurations` → `Filter` → `Key` →
//! `FilterRules`). Responses use the members of botocore's `…Output` shapes.

use crate::core::error::AwsError;
use crate::core::request;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Booleans in requests: `true` or `"true"`.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a boolean, found {other}"
        ))),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucketConfiguration {
    pub location_constraint: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucketInput {
    pub bucket: Option<String>,
    pub create_bucket_configuration: Option<CreateBucketConfiguration>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketInput {
    pub bucket: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutObjectInput {
    pub bucket: Option<String>,
    pub key: Option<String>,
    /// The object's bytes as base64 text (a blob member in the AWS JSON convention).
    pub body: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectInput {
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub version_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListObjectsV2Input {
    pub bucket: Option<String>,
    pub prefix: Option<String>,
    pub max_keys: Option<i64>,
    pub continuation_token: Option<String>,
    pub start_after: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterRuleInput {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3KeyFilterInput {
    #[serde(default)]
    pub filter_rules: Vec<FilterRuleInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterInput {
    pub key: Option<S3KeyFilterInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicConfigurationInput {
    pub id: Option<String>,
    pub topic_arn: Option<String>,
    pub events: Option<Vec<String>>,
    pub filter: Option<FilterInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotificationConfigurationInput {
    #[serde(default)]
    pub topic_configurations: Vec<TopicConfigurationInput>,
    #[serde(default)]
    pub queue_configurations: Vec<Value>,
    #[serde(default)]
    pub lambda_function_configurations: Vec<Value>,
    pub event_bridge_configuration: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketNotificationConfigurationInput {
    pub bucket: Option<String>,
    pub notification_configuration: Option<NotificationConfigurationInput>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub skip_destination_validation: Option<bool>,
}

/// botocore refuses a request that lacks a required member before sending it
/// (`ParamValidationError`); the simulation answers the same way.
pub fn missing(member: &str) -> AwsError {
    AwsError::new(
        "ParamValidationError",
        format!("Parameter validation failed:\nMissing required parameter in input: \"{member}\""),
    )
}

/// Parses a request's members. A member of the wrong type is refused as botocore's client-side
/// validation would.
pub fn parse<T: DeserializeOwned + Default>(params: &Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "ParamValidationError",
            member_message: "Parameter validation failed:\n{}",
            not_object_message:
                "Parameter validation failed:\nthe request parameters must be a JSON object",
        },
    )
}

/// A required string member, present and non-empty.
pub fn required<'a>(v: &'a Option<String>, member: &str) -> Result<&'a str, AwsError> {
    match v.as_deref() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(missing(member)),
    }
}
