//! What a subscriber receives: the JSON envelope of aws-rules §3.4 (or the raw message), the
//! per-protocol message of `MessageStructure=json`, SNS message attribute rules (aws-rules §3.2,
//! §3.4) and the Lambda event shape.
//!
//! Signatures are not real: `Signature` is a deterministic base64 text derived (SHA-256) from
//! the string AWS would sign, as long as an RSA-2048 signature, so that it looks like one and
//! changes with the content. Nothing in a simulation can verify it, and nothing should try.

use super::invalid_parameter_value;
use crate::core::aws::{ACCOUNT_ID, REGION};
use crate::core::base64 as b64;
use crate::core::error::AwsError;
use crate::core::message_attributes::{MessageAttributeValue, MessageAttributes};
use crate::core::payload::Payload;
use crate::core::sha256::Sha256;
use serde_json::Value;

/// Message attribute names: up to 256 characters (aws-rules §3.2).
pub const ATTRIBUTE_NAME_MAX: usize = 256;
/// Bytes of an RSA-2048 signature: the fake one has the same length.
const SIGNATURE_BYTES: usize = 256;
/// The certificate AWS would name; the hex part is a fixed made-up value.
pub const SIGNING_CERT_HEX: &str = "01d088a6f77103d0fe307c0069e40ed6";

pub fn sns_host() -> String {
    format!("https://sns.{REGION}.amazonaws.com")
}

pub fn signing_cert_url() -> String {
    format!(
        "{}/SimpleNotificationService-{SIGNING_CERT_HEX}.pem",
        sns_host()
    )
}

pub fn unsubscribe_url(subscription_arn: &str) -> String {
    format!(
        "{}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}",
        sns_host()
    )
}

pub fn subscribe_url(topic_arn: &str, token: &str) -> String {
    format!(
        "{}/?Action=ConfirmSubscription&TopicArn={topic_arn}&Token={token}",
        sns_host()
    )
}

/// A deterministic stand-in for the RSA signature over `string_to_sign`.
pub fn fake_signature(string_to_sign: &str, version: &str) -> String {
    fake_signature_of(&Payload::text(string_to_sign), version)
}

/// [`fake_signature`] of a payload, streamed over its parts (a padded message is not
/// materialised to be signed).
fn fake_signature_of(string_to_sign: &Payload, version: &str) -> String {
    let mut bytes = Vec::with_capacity(SIGNATURE_BYTES);
    let mut i = 0u32;
    while bytes.len() < SIGNATURE_BYTES {
        let mut h = Sha256::new();
        h.update(version.as_bytes());
        h.update(&i.to_be_bytes());
        string_to_sign.for_each_chunk(|c| h.update(c));
        bytes.extend_from_slice(&h.finalize());
        i += 1;
    }
    bytes.truncate(SIGNATURE_BYTES);
    b64::encode(bytes)
}

/// The message a publish carries: one text for every protocol, or (`MessageStructure=json`)
/// one per protocol with `default` for the rest.
#[derive(Clone, Debug, PartialEq)]
pub enum MessageText {
    Plain(Payload),
    PerProtocol {
        default: Payload,
        by_protocol: std::collections::BTreeMap<String, Payload>,
    },
}

impl MessageText {
    /// The text a subscriber of `protocol` receives (aws-rules §3.2).
    pub fn for_protocol(&self, protocol: &str) -> &Payload {
        match self {
            MessageText::Plain(s) => s,
            MessageText::PerProtocol {
                default,
                by_protocol,
            } => by_protocol.get(protocol).unwrap_or(default),
        }
    }

    pub fn is_json_structure(&self) -> bool {
        matches!(self, MessageText::PerProtocol { .. })
    }

    /// Parses `MessageStructure=json`: a JSON object with a top-level string `default`; other
    /// string members are per-protocol texts, non-string members are ignored (aws-rules §3.2).
    pub fn parse_json_structure(message: &str) -> Result<MessageText, AwsError> {
        let parsed: Value = serde_json::from_str(message).map_err(|_| {
            super::invalid_parameter(
                "Invalid parameter: Message Structure - JSON message body failed to parse",
            )
        })?;
        let Value::Object(map) = parsed else {
            return Err(super::invalid_parameter(
                "Invalid parameter: Message Structure - JSON message body failed to parse",
            ));
        };
        let mut by_protocol = std::collections::BTreeMap::new();
        for (k, v) in map {
            if let Value::String(s) = v {
                by_protocol.insert(k, Payload::text(s));
            }
        }
        let default = by_protocol.remove("default").ok_or_else(|| {
            super::invalid_parameter(
                "Invalid parameter: Message Structure - No default entry in JSON message body",
            )
        })?;
        Ok(MessageText::PerProtocol {
            default,
            by_protocol,
        })
    }
}

/// Validates the message attributes of a publish (aws-rules §3.2; texts from LocalStack's SNS
/// provider, whose tests are recorded against AWS).
pub fn validate_attributes(attrs: &MessageAttributes) -> Result<(), AwsError> {
    for (name, v) in attrs {
        validate_name(name)?;
        let base = v.data_type.split('.').next().unwrap_or("");
        let suffix_ok = match v.data_type.split_once('.') {
            None => true,
            Some((_, s)) => !s.is_empty() && s.len() <= ATTRIBUTE_NAME_MAX,
        };
        if !matches!(base, "String" | "Number" | "Binary") || !suffix_ok {
            return Err(invalid_parameter_value(format!(
                "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )));
        }
        let empty = || {
            invalid_parameter_value(format!(
                "The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{}'.",
                v.data_type
            ))
        };
        if base == "Binary" {
            if v.binary_value.is_none() && v.string_value.is_some() {
                return Err(invalid_parameter_value(format!(
                    "The message attribute '{name}' with type '{}' must use field 'Binary'.",
                    v.data_type
                )));
            }
            let bytes = v
                .binary_value
                .as_deref()
                .and_then(|b| b64::decode(b).ok())
                .ok_or_else(empty)?;
            if bytes.is_empty() {
                return Err(empty());
            }
        } else {
            if v.string_value.is_none() && v.binary_value.is_some() {
                return Err(invalid_parameter_value(format!(
                    "The message attribute '{name}' with type '{}' must use field 'String'.",
                    v.data_type
                )));
            }
            let s = v.string_value.as_deref().unwrap_or("");
            if s.is_empty() {
                return Err(empty());
            }
            if base == "Number"
                && crate::core::float::parse_f64(s.trim()).map_or(true, |f| !f.is_finite())
            {
                return Err(invalid_parameter_value(format!(
                    "Could not cast message attribute '{name}' value to number."
                )));
            }
        }
    }
    Ok(())
}

fn validate_name(name: &str) -> Result<(), AwsError> {
    if name.is_empty() {
        return Err(invalid_parameter_value(
            "The message attribute name can not be empty.",
        ));
    }
    if name.len() > ATTRIBUTE_NAME_MAX {
        return Err(invalid_parameter_value(
            "Length of message attribute name must be less than 256 bytes.",
        ));
    }
    if name.starts_with('.') {
        return Err(invalid_parameter_value(
            "Invalid message attribute name starting with character '.' was found.",
        ));
    }
    if name.ends_with('.') {
        return Err(invalid_parameter_value(
            "Invalid message attribute name ending with character '.' was found.",
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(invalid_parameter_value(format!(
            "Invalid non-alphanumeric character '#x{:X}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
            c as u32
        )));
    }
    if name.contains("..") {
        return Err(invalid_parameter_value(
            "Message attribute name can not have successive '.' character.",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return Err(invalid_parameter_value(format!(
            "The message attribute name '{name}' is reserved: names must not start with 'AWS.' or 'Amazon.'."
        )));
    }
    Ok(())
}

/// Bytes a publish counts toward the 256 KB limit: message (`message_len` bytes) + attribute
/// names, types, values.
pub fn publish_size(message_len: usize, attrs: &MessageAttributes) -> usize {
    message_len
        + attrs
            .iter()
            .map(|(k, v)| {
                let value = match v.data_type.split('.').next() {
                    Some("Binary") => v
                        .binary_value
                        .as_deref()
                        .and_then(|b| b64::decode(b).ok())
                        .map(|b| b.len())
                        .unwrap_or(0),
                    _ => v.string_value.as_deref().map(str::len).unwrap_or(0),
                };
                k.len() + v.data_type.len() + value
            })
            .sum::<usize>()
}

/// `{"Type": "...", "Value": "..."}` of an attribute in an envelope (binary as base64).
fn envelope_attribute(v: &MessageAttributeValue) -> (String, String) {
    let value = if v.data_type.starts_with("Binary") {
        v.binary_value.clone().unwrap_or_default()
    } else {
        v.string_value.clone().unwrap_or_default()
    };
    (v.data_type.clone(), value)
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// What goes into a notification envelope.
pub struct Envelope<'a> {
    pub kind: &'a str,
    pub message_id: &'a str,
    pub topic_arn: &'a str,
    pub subject: Option<&'a str>,
    pub message: &'a Payload,
    pub timestamp: String,
    /// `None` on FIFO topics: their envelopes carry no signature (aws-rules §3.12).
    pub signature_version: Option<&'a str>,
    pub subscription_arn: &'a str,
    pub token: Option<&'a str>,
    pub attributes: Option<&'a MessageAttributes>,
    pub sequence_number: Option<&'a str>,
    /// Re-delivered by a replay (AWS guide: replayed messages carry `Replayed`; its place in
    /// the envelope is UNCONFIRMED).
    pub replayed: bool,
}

impl Envelope<'_> {
    /// The string AWS signs: name/value lines in byte order (aws-rules §3.4). `Message` comes
    /// first, so the rest is the tail around a synthetic message.
    fn string_to_sign(&self, subscribe_url: Option<&str>) -> Payload {
        let mut fields: Vec<(&str, &str)> = vec![("MessageId", self.message_id)];
        if let Some(s) = self.subject {
            fields.push(("Subject", s));
        }
        if let Some(u) = subscribe_url {
            fields.push(("SubscribeURL", u));
        }
        let ts = self.timestamp.as_str();
        fields.push(("Timestamp", ts));
        if let Some(t) = self.token {
            fields.push(("Token", t));
        }
        fields.push(("TopicArn", self.topic_arn));
        fields.push(("Type", self.kind));
        let rest: String = fields.iter().map(|(k, v)| format!("{k}\n{v}\n")).collect();
        self.message.wrapped(
            "Message\n",
            &format!("\n{rest}"),
            crate::core::payload::verbatim,
        )
    }

    /// The JSON text, laid out as SNS lays it out (`"Name" : value`, two-space indent) with
    /// members in the order of the documentation's examples. Synthetic if the message is: the
    /// members around `Message` become its head and tail.
    pub fn to_json(&self) -> Payload {
        let subscribe_url = self.token.map(|t| subscribe_url(self.topic_arn, t));
        let mut members: Vec<(&str, String)> =
            vec![("Type", q(self.kind)), ("MessageId", q(self.message_id))];
        if let Some(t) = self.token {
            members.push(("Token", q(t)));
        }
        members.push(("TopicArn", q(self.topic_arn)));
        if let Some(s) = self.subject {
            members.push(("Subject", q(s)));
        }
        // A placeholder: the message is quoted into the payload below, not into a String.
        let message_at = members.len();
        members.push(("Message", String::new()));
        if let Some(u) = &subscribe_url {
            members.push(("SubscribeURL", q(u)));
        }
        members.push(("Timestamp", q(&self.timestamp)));
        if let Some(seq) = self.sequence_number {
            members.push(("SequenceNumber", q(seq)));
        }
        if let Some(v) = self.signature_version {
            let sig = fake_signature_of(&self.string_to_sign(subscribe_url.as_deref()), v);
            members.push(("SignatureVersion", q(v)));
            members.push(("Signature", q(&sig)));
            members.push(("SigningCertURL", q(&signing_cert_url())));
        }
        if self.token.is_none() {
            members.push(("UnsubscribeURL", q(&unsubscribe_url(self.subscription_arn))));
        }
        if self.replayed {
            members.push(("Replayed", "true".into()));
        }
        if let Some(attrs) = self.attributes.filter(|a| !a.is_empty()) {
            let inner: Vec<String> = attrs
                .iter()
                .map(|(k, v)| {
                    let (t, val) = envelope_attribute(v);
                    format!(
                        "    {} : {{\"Type\":{},\"Value\":{}}}",
                        q(k),
                        q(&t),
                        q(&val)
                    )
                })
                .collect();
            members.push((
                "MessageAttributes",
                format!("{{\n{}\n  }}", inner.join(",\n")),
            ));
        }
        let line = |(k, v): &(&str, String)| format!("  \"{k}\" : {v}");
        let before: Vec<String> = members[..message_at].iter().map(line).collect();
        let after: Vec<String> = members[message_at + 1..].iter().map(line).collect();
        // `Type` always comes before `Message` and `Timestamp` after it.
        self.message.json_quoted(
            &format!("{{\n{},\n  \"Message\" : ", before.join(",\n")),
            &format!(",\n{}\n}}", after.join(",\n")),
        )
    }

    /// The Lambda event for this notification (`Records[0].Sns`), as AWS invokes functions
    /// subscribed to a topic.
    pub fn to_lambda_event(&self) -> String {
        let sig_version = self.signature_version.unwrap_or("1");
        let mut sns = serde_json::Map::new();
        sns.insert("Type".into(), Value::from(self.kind));
        sns.insert("MessageId".into(), Value::from(self.message_id));
        sns.insert("TopicArn".into(), Value::from(self.topic_arn));
        sns.insert(
            "Subject".into(),
            self.subject.map(Value::from).unwrap_or(Value::Null),
        );
        sns.insert(
            "Message".into(),
            Value::from(self.message.as_str().into_owned()),
        );
        sns.insert("Timestamp".into(), Value::from(self.timestamp.clone()));
        sns.insert("SignatureVersion".into(), Value::from(sig_version));
        sns.insert(
            "Signature".into(),
            Value::from(fake_signature_of(&self.string_to_sign(None), sig_version)),
        );
        sns.insert("SigningCertUrl".into(), Value::from(signing_cert_url()));
        sns.insert(
            "UnsubscribeUrl".into(),
            Value::from(unsubscribe_url(self.subscription_arn)),
        );
        let mut attrs = serde_json::Map::new();
        for (k, v) in self.attributes.into_iter().flatten() {
            let (t, val) = envelope_attribute(v);
            attrs.insert(k.clone(), serde_json::json!({"Type": t, "Value": val}));
        }
        sns.insert("MessageAttributes".into(), Value::Object(attrs));
        serde_json::json!({"Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": self.subscription_arn,
            "Sns": Value::Object(sns),
        }]})
        .to_string()
    }
}

/// The account that owns every simulated topic and subscription.
pub fn owner() -> &'static str {
    ACCOUNT_ID
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::iso8601_ms;

    #[test]
    fn timestamps_are_iso8601_utc_with_milliseconds() {
        assert_eq!(iso8601_ms(0), "2026-01-01T00:00:00.000Z");
        assert_eq!(iso8601_ms(1_234), "2026-01-01T00:00:01.234Z");
        // 2026 is not a leap year: day 59 is March 1st.
        assert_eq!(
            iso8601_ms(59 * 86_400_000 + 3_600_000),
            "2026-03-01T01:00:00.000Z"
        );
    }

    #[test]
    fn fake_signatures_look_like_rsa_2048_ones_and_follow_the_content() {
        let a = fake_signature("a", "1");
        assert_eq!(a.len(), 344);
        assert_ne!(a, fake_signature("b", "1"));
        assert_ne!(a, fake_signature("a", "2"));
    }
}
