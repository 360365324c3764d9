//! Errors are values carrying the AWS error code and message.

use serde::Serialize;
use std::fmt;

/// An error as an AWS API returns it: the code (the API model's error shape name, e.g.
/// `QueueDoesNotExist`) and a human message. `sender_fault` is true for client errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwsError {
    #[serde(rename = "Code")]
    pub code: String,
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(skip)]
    pub sender_fault: bool,
}

impl AwsError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AwsError {
            code: code.to_string(),
            message: message.into(),
            sender_fault: true,
        }
    }

    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterValue", message)
    }

    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            "MissingParameter",
            format!("The request must contain the parameter {name}."),
        )
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AwsError {}
