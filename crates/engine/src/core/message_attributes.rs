//! Message attributes: validation (aws-rules §1.6) and the MD5 digests AWS returns (aws-rules §1.16).

use crate::core::aws::hex;
use crate::core::error::AwsError;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MESSAGE_ATTRIBUTES_MAX: usize = 10;
pub const ATTRIBUTE_NAME_MAX: usize = 256;
/// Number attributes keep up to 38 significant digits (aws-rules §1.6).
pub const NUMBER_DIGITS_MAX: usize = 38;

/// One message attribute as the AWS JSON protocol spells it. `BinaryValue` travels as base64.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageAttributeValue {
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_value: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub string_list_values: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binary_list_values: Vec<String>,
}

impl MessageAttributeValue {
    pub fn string(v: &str) -> Self {
        MessageAttributeValue {
            data_type: "String".into(),
            string_value: Some(v.into()),
            ..Default::default()
        }
    }

    fn base_type(&self) -> &str {
        self.data_type.split('.').next().unwrap_or("")
    }

    fn binary_bytes(&self) -> Option<Vec<u8>> {
        crate::core::aws::b64_decode(self.binary_value.as_deref()?)
    }

    /// Bytes counted toward the message size: name + type + value.
    pub fn size(&self, name: &str) -> usize {
        let value = match self.base_type() {
            "Binary" => self.binary_bytes().map(|b| b.len()).unwrap_or(0),
            _ => self.string_value.as_deref().map(str::len).unwrap_or(0),
        };
        name.len() + self.data_type.len() + value
    }
}

pub type MessageAttributes = BTreeMap<String, MessageAttributeValue>;

fn attr_error(msg: String) -> AwsError {
    AwsError::invalid_parameter_value(msg)
}

/// Validates user message attributes (names, types, values, count).
pub fn validate(attrs: &MessageAttributes) -> Result<(), AwsError> {
    if attrs.len() > MESSAGE_ATTRIBUTES_MAX {
        return Err(attr_error(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [{MESSAGE_ATTRIBUTES_MAX}].",
            attrs.len()
        )));
    }
    for (name, v) in attrs {
        validate_name(name)?;
        validate_value(name, v)?;
    }
    Ok(())
}

fn validate_name(name: &str) -> Result<(), AwsError> {
    let lower = name.to_ascii_lowercase();
    let ok_chars = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if name.is_empty()
        || name.len() > ATTRIBUTE_NAME_MAX
        || !ok_chars
        || name.starts_with('.')
        || name.ends_with('.')
        || name.contains("..")
        || lower.starts_with("aws.")
        || lower.starts_with("amazon.")
    {
        return Err(attr_error(format!(
            "Message (user) attribute name '{name}' is invalid. Names can contain alphanumeric characters, underscores, hyphens and periods, must not start or end with a period or contain consecutive periods, must not start with 'AWS.' or 'Amazon.', and can be up to {ATTRIBUTE_NAME_MAX} characters long."
        )));
    }
    Ok(())
}

fn validate_value(name: &str, v: &MessageAttributeValue) -> Result<(), AwsError> {
    let base = v.base_type();
    let custom_ok = v
        .data_type
        .split_once('.')
        .map(|(_, c)| !c.is_empty() && c.len() <= 256)
        .unwrap_or(true);
    if !matches!(base, "String" | "Number" | "Binary") || !custom_ok {
        return Err(attr_error(format!(
            "The type of message (user) attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
        )));
    }
    if !v.string_list_values.is_empty() || !v.binary_list_values.is_empty() {
        // Reserved by AWS "for future use": not supported by SQS today.
        return Err(attr_error(format!(
            "Message (user) attribute '{name}': StringListValues and BinaryListValues are not implemented."
        )));
    }
    let empty = |t: &str| {
        attr_error(format!(
            "Message (user) attribute '{name}' must contain a non-empty value of type '{t}'."
        ))
    };
    match base {
        "Binary" => {
            let bytes = v.binary_bytes().ok_or_else(|| empty("Binary"))?;
            if bytes.is_empty() {
                return Err(empty("Binary"));
            }
        }
        "Number" => {
            let s = v.string_value.as_deref().unwrap_or("");
            if s.is_empty() {
                return Err(empty("Number"));
            }
            if !is_valid_number(s) {
                return Err(attr_error(format!(
                    "Can't cast the value of message (user) attribute '{name}' to a number."
                )));
            }
        }
        _ => {
            let s = v.string_value.as_deref().unwrap_or("");
            if s.is_empty() {
                return Err(empty("String"));
            }
            crate::core::aws::check_characters(s).map_err(|_| {
                attr_error(format!(
                    "Message (user) attribute '{name}' must contain a valid string value: it contains characters outside the allowed set."
                ))
            })?;
        }
    }
    Ok(())
}

/// Number attributes: up to 38 significant digits, between 10^-128 and 10^+126 (aws-rules §1.6).
fn is_valid_number(s: &str) -> bool {
    let Ok(f) = super::float::parse_f64(s.trim()) else {
        return false;
    };
    if !f.is_finite() {
        return false;
    }
    let digits = s
        .trim()
        .split(['e', 'E'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    let a = f.abs();
    significant <= NUMBER_DIGITS_MAX && (a == 0.0 || (1e-128..=1e126).contains(&a))
}

/// MD5 over the attributes sorted by name: for each, the 4-byte big-endian length and bytes
/// of the name, then of the data type, one transport byte (1 String/Number, 2 Binary), then
/// the length and bytes of the value (aws-rules §1.16).
/// None when there are no attributes (AWS then omits the member).
pub fn md5_of_attributes(attrs: &MessageAttributes) -> Option<String> {
    if attrs.is_empty() {
        return None;
    }
    fn put(h: &mut Md5, bytes: &[u8]) {
        h.update((bytes.len() as u32).to_be_bytes());
        h.update(bytes);
    }
    let mut h = Md5::new();
    for (name, v) in attrs {
        put(&mut h, name.as_bytes());
        put(&mut h, v.data_type.as_bytes());
        if v.base_type() == "Binary" {
            h.update([2u8]);
            put(&mut h, &v.binary_bytes().unwrap_or_default());
        } else {
            h.update([1u8]);
            put(&mut h, v.string_value.as_deref().unwrap_or("").as_bytes());
        }
    }
    Some(hex(&h.finalize()))
}

pub fn md5_hex(s: &str) -> String {
    hex(&Md5::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_hello_matches_aws() {
        assert_eq!(md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
    }

    #[test]
    fn number_attribute_limits() {
        assert!(is_valid_number("12.5"));
        assert!(is_valid_number("-1e10"));
        assert!(!is_valid_number("abc"));
        assert!(!is_valid_number("1e127"));
        assert!(!is_valid_number("123456789012345678901234567890123456789"));
    }
}
