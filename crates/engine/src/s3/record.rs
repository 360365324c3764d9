//! What S3 sends: the event message (`{"Records": [...]}`, the S3 guide's "Event message
//! structure", aws-rules §3.9) and the `s3:TestEvent` sent when a configuration is saved.
//!
//! Fields are serialised in the documented order, compactly, as S3 writes them.

use serde::Serialize;

/// `eventVersion` of ObjectCreated / ObjectRemoved records. The current guide shows a unified
/// 2.5; recordings against AWS (LocalStack, 2023–2025) and published Lambda payloads of
/// January 2026 still carry 2.1 for these events, so 2.1.
pub const EVENT_VERSION: &str = "2.1";
pub const EVENT_SOURCE: &str = "aws:s3";
pub const S3_SCHEMA_VERSION: &str = "1.0";
/// The Subject of every SNS message S3 publishes (LocalStack's recording against AWS).
pub const NOTIFICATION_SUBJECT: &str = "Amazon S3 Notification";
/// `userIdentity.principalId`: the IAM user that made the request, as `AWS:<user id>`.
/// mqlab has one caller, the same user SQS reports as SenderId.
pub const PRINCIPAL_ID: &str = "AWS:AIDAIT2UOQQY3AUEKVGXU";
/// `s3.bucket.ownerIdentity.principalId`: the bucket owner's short canonical id. UNCONFIRMED
/// value: AWS's look (an `A` and 13 upper-case letters or digits).
pub const OWNER_PRINCIPAL_ID: &str = "A3MQLAB7EXAMPL";
/// `requestParameters.sourceIPAddress`: the simulated client's address, from the range
/// RFC 5737 reserves for documentation.
pub const SOURCE_IP_ADDRESS: &str = "192.0.2.10";
/// The test event's `Service`.
pub const TEST_EVENT_SERVICE: &str = "Amazon S3";
pub const TEST_EVENT_NAME: &str = "s3:TestEvent";

/// Characters an event record leaves as they are in an object key; a space becomes `+` and
/// every other byte of the key's UTF-8 becomes `%XX` (the guide: keys are URL-encoded as
/// `application/x-www-form-urlencoded`, "red flower.jpg" → "red+flower.jpg"). AWS's events
/// keep `/` (published records show `logs/year%3D2026/...`); `*` follows Java's form encoder,
/// which S3's wording points to — UNCONFIRMED for `*` and `~`.
pub const KEY_SAFE_PUNCTUATION: &[u8] = b"-_.*/";

/// The object key as event records carry it.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for &b in key.as_bytes() {
        if b.is_ascii_alphanumeric() || KEY_SAFE_PUNCTUATION.contains(&b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct PrincipalId {
    #[serde(rename = "principalId")]
    pub principal_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RequestParameters {
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResponseElements {
    #[serde(rename = "x-amz-request-id")]
    pub request_id: String,
    #[serde(rename = "x-amz-id-2")]
    pub host_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketEntity {
    pub name: String,
    pub owner_identity: PrincipalId,
    pub arn: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectEntity {
    /// URL-encoded ([`encode_key`]).
    pub key: String,
    /// Absent from ObjectRemoved records (recordings against AWS; aws-powertools #4156).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The MD5 hex without quotes; absent from ObjectRemoved records.
    #[serde(rename = "eTag", skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    /// Only for versioning-enabled buckets, which mqlab does not simulate.
    #[serde(rename = "versionId", skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    pub sequencer: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Entity {
    pub s3_schema_version: String,
    pub configuration_id: String,
    pub bucket: BucketEntity,
    pub object: ObjectEntity,
}

/// One record of an event message.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    pub event_version: String,
    pub event_source: String,
    pub aws_region: String,
    /// ISO-8601 with milliseconds: when S3 finished the request.
    pub event_time: String,
    /// Without the `s3:` prefix: `ObjectCreated:Put`.
    pub event_name: String,
    pub user_identity: PrincipalId,
    pub request_parameters: RequestParameters,
    pub response_elements: ResponseElements,
    pub s3: S3Entity,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventMessage {
    #[serde(rename = "Records")]
    pub records: Vec<EventRecord>,
}

impl EventMessage {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The message S3 sends to a destination when a configuration is saved. Field names follow
/// moto and LocalStack (and the S3 guide's example as remembered); UNCONFIRMED (aws-rules §3.9).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TestEvent {
    pub service: String,
    pub event: String,
    pub time: String,
    pub bucket: String,
    pub request_id: String,
    pub host_id: String,
}

impl TestEvent {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_form_encoded_with_slashes_kept() {
        assert_eq!(encode_key("red flower.jpg"), "red+flower.jpg");
        assert_eq!(encode_key("a@b"), "a%40b");
        assert_eq!(encode_key("logs/year=2026/x.gz"), "logs/year%3D2026/x.gz");
        assert_eq!(encode_key("plus+sign"), "plus%2Bsign");
        assert_eq!(encode_key("é"), "%C3%A9");
    }
}
