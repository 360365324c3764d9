//! The AWS-shaped request members of Lambda's function and event source mapping operations,
//! with the names of botocore's model (`FunctionName`, `EventSourceArn`, `UUID`, …), and the
//! parser of its JSON layer. Members of other event sources (streams, Kafka) are read and
//! ignored, as they do not apply to an SQS queue.

use crate::core::error::AwsError;
use crate::core::request;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateFunctionInput {
    pub function_name: Option<String>,
    pub runtime: Option<String>,
    pub role: Option<String>,
    pub handler: Option<String>,
    pub code: Option<serde_json::Value>,
    pub description: Option<String>,
    pub timeout: Option<i64>,
    pub memory_size: Option<i64>,
    pub environment: Option<Environment>,
}

/// GetFunction, DeleteFunction.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionNameInput {
    pub function_name: Option<String>,
    pub qualifier: Option<String>,
}

/// ListFunctions, ListEventSourceMappings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    pub marker: Option<String>,
    pub max_items: Option<i64>,
    pub event_source_arn: Option<String>,
    pub function_name: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingConfig {
    pub maximum_concurrency: Option<i64>,
}

/// CreateEventSourceMapping and UpdateEventSourceMapping (which names the mapping by UUID
/// and may not change its EventSourceArn).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MappingInput {
    #[serde(rename = "UUID")]
    pub uuid: Option<String>,
    pub event_source_arn: Option<String>,
    pub function_name: Option<String>,
    pub enabled: Option<bool>,
    pub batch_size: Option<i64>,
    pub maximum_batching_window_in_seconds: Option<i64>,
    pub function_response_types: Option<Vec<String>>,
    pub scaling_config: Option<ScalingConfig>,
}

/// Parses a request's members. A member of the wrong type is an
/// InvalidParameterValueException.
pub fn parse<T: DeserializeOwned + Default>(params: &serde_json::Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "InvalidParameterValueException",
            member_message: "The request could not be read: {}.",
            not_object_message: "The request parameters must be a JSON object.",
        },
    )
}
