//! Amazon S3, as far as it publishes events: buckets, objects (key → size and ETag, no
//! bodies kept), and event notifications to standard SNS topics (aws-rules §3.9).
//!
//! - [`api`] — request types with botocore's member names, and the JSON helpers.
//! - [`notification`] — event names and wildcards, key name filters, configuration checks
//!   (destination, event names, filter rules, overlaps).
//! - [`record`] — the event message (`{"Records": [...]}`) and the `s3:TestEvent`.
//!
//! PutObject and DeleteObject build one event record per matching configuration at once (its
//! `eventTime` and `sequencer` are the request's), and publish it to the topic
//! [`S3Config::notification_latency_ms`] later, as an S3 timer, through SNS's own publish path:
//! filter policies, fan-out, SNS metrics and cost apply as for any Publish. Saving a
//! configuration checks every destination at once and publishes an `s3:TestEvent` to it,
//! as AWS does to prove it may publish.
//!
//! IAM is not simulated: AWS also requires the topic's access policy to let
//! `s3.amazonaws.com` publish (aws-rules §3.12); mqlab does not check it, so any existing
//! standard topic of the account and region is a valid destination.

pub mod api;
pub mod notification;
pub mod record;

use crate::core::aws::REGION;
use crate::core::base64 as b64;
use crate::core::error::AwsError;
use crate::core::event::EventKind;
use crate::core::ordmap::OrdMap;
use crate::core::payload::Payload;
use crate::core::route::Router;
use crate::core::time::iso8601_ms;
use crate::core::time::{epoch_s, SimTime};
use api::*;
use notification::TopicConfiguration;
use record::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What S3 acts on at one instant (see [`crate::core::ctx`]).
pub type Ctx<'a> = crate::core::ctx::Ctx<'a, S3Timer>;
/// From a request to the SNS publish of its event notification. AWS: "typically delivered in
/// seconds but can sometimes take a minute or longer"; UNCONFIRMED typical figure, 1 s.
pub const S3_NOTIFICATION_LATENCY_MS: SimTime = 1_000;
/// Buckets per account: the default quota is 10,000 general purpose buckets (2024).
pub const BUCKETS_MAX: usize = 10_000;
/// Objects kept across all buckets. S3 has no limit; a simulation cap so that memory stays
/// bounded (only keys, sizes and ETags are kept, never bodies).
pub const OBJECTS_MAX: usize = 100_000;
/// Event notifications built and waiting for their publish. Beyond it new ones are dropped
/// (and recorded as failed) rather than growing memory without bound.
pub const PENDING_NOTIFICATIONS_MAX: usize = 100_000;
/// Object keys: at most 1,024 bytes of UTF-8.
pub const KEY_MAX_BYTES: usize = 1_024;
/// ListObjectsV2 returns at most 1,000 keys per page.
pub const LIST_OBJECTS_PAGE_MAX: usize = 1_000;
/// Bucket names owned by other AWS accounts in the simulated world. Bucket names are global,
/// so creating one of these answers BucketAlreadyExists (names everyone has tried).
pub const BUCKETS_OF_OTHER_ACCOUNTS: &[&str] = &["examplebucket", "bucket", "test"];
/// Deleting a key that does not exist succeeds (204) and still emits
/// `s3:ObjectRemoved:Delete`: MinIO changed to do so for S3 compatibility (minio/minio#19037).
/// UNCONFIRMED in AWS's documentation.
pub const DELETE_OF_MISSING_KEY_NOTIFIES: bool = true;

/// Knobs of the simulation that AWS does not expose as API parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3Config {
    pub notification_latency_ms: SimTime,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            notification_latency_ms: S3_NOTIFICATION_LATENCY_MS,
        }
    }
}

#[derive(Clone, Debug)]
pub enum S3Timer {
    /// Publish a built event notification to its topic.
    Publish { notification: u64 },
}

/// One object: what event records and listings need (no body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub size: u64,
    /// MD5 hex of the body, without quotes.
    pub etag: String,
    pub last_modified: SimTime,
    /// The body, kept only for objects a service delivered (Firehose, aws-rules §5.3) or
    /// PutObject uploaded through the API, so GetObject can read them back; a simulated
    /// producer's objects keep none.
    pub body: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct Bucket {
    pub name: String,
    pub created_at: SimTime,
    pub objects: OrdMap<String, Object>,
    pub notifications: Vec<TopicConfiguration>,
}

/// An event notification waiting for its publish.
#[derive(Clone, Debug)]
struct Pending {
    bucket: String,
    key: String,
    event_name: String,
    configuration_id: String,
    topic_arn: String,
    message: String,
}

#[derive(Clone, Debug, Default)]
pub struct S3 {
    config: S3Config,
    buckets: OrdMap<String, Bucket>,
    objects_total: usize,
    /// Bytes of the bodies objects keep (for GetObject).
    kept_bytes: u64,
    /// Feeds the low half of every `sequencer`, so that later events on a key sort later.
    sequence: u64,
    pending: OrdMap<u64, Pending>,
    next_pending: u64,
}

pub fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

pub fn no_such_bucket() -> AwsError {
    AwsError::new("NoSuchBucket", "The specified bucket does not exist")
}

/// The general purpose bucket naming rules: 3–63 characters of lower-case letters, digits,
/// dots and hyphens, starting and ending with a letter or digit, no two adjacent dots, not
/// an IP address, and none of the reserved prefixes and suffixes.
pub fn is_valid_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    if !(3..=63).contains(&b.len()) {
        return false;
    }
    let ok_char = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-';
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !b.iter().all(ok_char) || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    if name.contains("..") {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() == 4
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 3 && l.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    const PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
    const SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    !PREFIXES.iter().any(|p| name.starts_with(p)) && !SUFFIXES.iter().any(|s| name.ends_with(s))
}

impl S3 {
    /// Adds buckets, objects (their keys and ETags; kept bodies are payload bytes) and notifications
    /// waiting to publish to a memory estimate (see [`crate::core::memory`]).
    pub(crate) fn memory(&self, t: &mut crate::core::memory::Tally) {
        use crate::core::memory::{self as m, btree_entry, TABLE_ENTRY_BYTES};
        use std::mem::size_of;
        let object = size_of::<Object>() as u64 + btree_entry::<String, u32>() + 2 * 32;
        t.copied(m::other, self.objects_total, object);
        t.copied(
            m::other,
            self.buckets.len(),
            size_of::<Bucket>() as u64 + TABLE_ENTRY_BYTES,
        );
        t.copied(
            m::other,
            self.pending.len(),
            size_of::<Pending>() as u64 + TABLE_ENTRY_BYTES,
        );
    }

    pub fn new(config: S3Config) -> Self {
        S3 {
            config,
            ..Default::default()
        }
    }

    pub fn config(&self) -> &S3Config {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut S3Config {
        &mut self.config
    }

    /// Payload bytes S3 keeps in memory: the bodies of objects uploaded through the API or
    /// delivered by Firehose (a simulated producer's objects keep their size and ETag only; a
    /// notification's JSON is SNS's to count).
    pub fn payload_bytes_retained(&self) -> u64 {
        self.kept_bytes
    }

    pub fn buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.buckets.values()
    }

    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.get(name)
    }

    /// Event notifications built and not yet published.
    pub fn pending_notifications(&self) -> usize {
        self.pending.len()
    }

    fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket, AwsError> {
        self.buckets.get_mut(name).ok_or_else(no_such_bucket)
    }

    // ----------------------------------------------------------------- buckets

    pub fn create_bucket(
        &mut self,
        ctx: &mut Ctx,
        input: &CreateBucketInput,
    ) -> Result<Value, AwsError> {
        let name = required(&input.bucket, "Bucket")?;
        if !is_valid_bucket_name(name) {
            return Err(AwsError::new(
                "InvalidBucketName",
                "The specified bucket is not valid.",
            ));
        }
        if let Some(lc) = input
            .create_bucket_configuration
            .as_ref()
            .and_then(|c| c.location_constraint.as_deref())
        {
            // In us-east-1 the constraint must be left out; naming any region is refused.
            if REGION == "us-east-1" || lc != REGION {
                return Err(AwsError::new(
                    "InvalidLocationConstraint",
                    "The specified location-constraint is not valid",
                ));
            }
        }
        if BUCKETS_OF_OTHER_ACCOUNTS.contains(&name) {
            return Err(AwsError::new(
                "BucketAlreadyExists",
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            ));
        }
        if self.buckets.contains_key(name) {
            // The CreateBucket reference: everywhere but N. Virginia this is
            // BucketAlreadyOwnedByYou; in us-east-1, for legacy compatibility, 200 OK.
            if REGION == "us-east-1" {
                return Ok(json!({ "Location": format!("/{name}") }));
            }
            return Err(AwsError::new(
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            ));
        }
        if self.buckets.len() >= BUCKETS_MAX {
            return Err(AwsError::new(
                "TooManyBuckets",
                "You have attempted to create more buckets than allowed",
            ));
        }
        self.buckets.insert(
            name.to_string(),
            Bucket {
                name: name.to_string(),
                created_at: ctx.now,
                objects: OrdMap::new(),
                notifications: Vec::new(),
            },
        );
        ctx.events.push(ctx.now, || EventKind::BucketCreated {
            bucket: name.to_string(),
        });
        Ok(json!({ "Location": format!("/{name}") }))
    }

    pub fn delete_bucket(&mut self, ctx: &mut Ctx, input: &BucketInput) -> Result<Value, AwsError> {
        let name = required(&input.bucket, "Bucket")?;
        let b = self.buckets.get(name).ok_or_else(no_such_bucket)?;
        if !b.objects.is_empty() {
            return Err(AwsError::new(
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty",
            ));
        }
        self.buckets.remove(name);
        ctx.events.push(ctx.now, || EventKind::BucketDeleted {
            bucket: name.to_string(),
        });
        Ok(json!({}))
    }

    pub fn list_buckets(&self) -> Result<Value, AwsError> {
        let buckets: Vec<Value> = self
            .buckets
            .values()
            .map(|b| json!({ "Name": b.name, "CreationDate": epoch_s(b.created_at) }))
            .collect();
        Ok(json!({
            "Buckets": buckets,
            "Owner": { "ID": OWNER_PRINCIPAL_ID },
        }))
    }

    // ----------------------------------------------------------------- notifications

    pub fn put_bucket_notification_configuration(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        input: &PutBucketNotificationConfigurationInput,
    ) -> Result<Value, AwsError> {
        let name = required(&input.bucket, "Bucket")?.to_string();
        let conf = input
            .notification_configuration
            .as_ref()
            .ok_or_else(|| missing("NotificationConfiguration"))?;
        if !self.buckets.contains_key(&name) {
            return Err(no_such_bucket());
        }
        if !conf.queue_configurations.is_empty()
            || !conf.lambda_function_configurations.is_empty()
            || conf.event_bridge_configuration.is_some()
        {
            return Err(AwsError::new(
                "NotImplemented",
                "mqlab simulates S3 event notifications to SNS topics only (TopicConfigurations).",
            ));
        }
        if conf.topic_configurations.len() > notification::CONFIGURATIONS_PER_BUCKET_MAX {
            return Err(notification::invalid_argument(&format!(
                "mqlab keeps at most {} notification configurations per bucket",
                notification::CONFIGURATIONS_PER_BUCKET_MAX
            )));
        }
        let mut configs = Vec::with_capacity(conf.topic_configurations.len());
        for c in &conf.topic_configurations {
            // An Id S3 assigns looks like base64 of a UUID (UNCONFIRMED, as observed).
            let parsed = notification::parse_topic_configuration(c, || {
                b64::encode(ctx.rng.uuid().as_bytes())
            })?;
            configs.push(parsed);
        }
        notification::check_overlaps(&configs)?;
        let validate = !input.skip_destination_validation.unwrap_or(false);
        // Each destination once, in the order given.
        let mut destinations: Vec<&str> = Vec::new();
        for c in &configs {
            if !destinations.contains(&c.topic_arn.as_str()) {
                destinations.push(&c.topic_arn);
            }
        }
        if validate {
            for arn in &destinations {
                // A FIFO topic cannot be a destination (aws-rules §3.1, §3.9): S3's test publish
                // carries no MessageGroupId, so validation fails as for a missing topic.
                let ok = router.topic(arn).is_some_and(|t| !t.fifo);
                if !ok {
                    return Err(notification::unable_to_validate());
                }
            }
        }
        let destinations: Vec<String> = destinations.into_iter().map(String::from).collect();
        let count = configs.len();
        self.bucket_mut(&name)?.notifications = configs;
        ctx.events
            .push(ctx.now, || EventKind::BucketNotificationConfigured {
                bucket: name.clone(),
                configurations: count,
            });
        if validate {
            for arn in destinations {
                let test = TestEvent {
                    service: TEST_EVENT_SERVICE.to_string(),
                    event: TEST_EVENT_NAME.to_string(),
                    time: iso8601_ms(ctx.now),
                    bucket: name.clone(),
                    request_id: request_id(ctx),
                    host_id: host_id(ctx),
                };
                if let Ok(message_id) = router.publish_to_topic(
                    ctx.shared(),
                    &arn,
                    NOTIFICATION_SUBJECT,
                    &test.to_json(),
                ) {
                    ctx.events.push(ctx.now, || EventKind::S3TestEventSent {
                        bucket: name.clone(),
                        topic_arn: arn.clone(),
                        message_id: message_id.clone(),
                    });
                }
            }
        }
        Ok(json!({}))
    }

    pub fn get_bucket_notification_configuration(
        &self,
        input: &BucketInput,
    ) -> Result<Value, AwsError> {
        let name = required(&input.bucket, "Bucket")?;
        let b = self.buckets.get(name).ok_or_else(no_such_bucket)?;
        if b.notifications.is_empty() {
            return Ok(json!({}));
        }
        let configs: Vec<Value> = b.notifications.iter().map(|c| c.to_json()).collect();
        Ok(json!({ "TopicConfigurations": configs }))
    }

    // ----------------------------------------------------------------- objects

    pub fn put_object(&mut self, ctx: &mut Ctx, input: &PutObjectInput) -> Result<Value, AwsError> {
        let bucket = required(&input.bucket, "Bucket")?.to_string();
        let key = required(&input.key, "Key")?.to_string();
        let body = match input.body.as_deref() {
            None => Vec::new(),
            Some(text) => b64::decode(text).map_err(|e| {
                AwsError::new(
                    "ParamValidationError",
                    format!("Parameter validation failed:\nBody must be base64 text: {e}"),
                )
            })?,
        };
        let out =
            self.put_object_payload(ctx, &bucket, key.clone(), Payload::bytes(body.clone()))?;
        self.keep_body(&bucket, &key, body)?;
        Ok(out)
    }

    /// PutObject with the body as a payload (what a simulated producer uploads): the ETag is
    /// the MD5 streamed over its parts, and the body is not kept (objects hold no bytes).
    pub fn put_object_payload(
        &mut self,
        ctx: &mut Ctx,
        bucket: &str,
        key: String,
        body: Payload,
    ) -> Result<Value, AwsError> {
        let bucket = bucket.to_string();
        if key.len() > KEY_MAX_BYTES {
            return Err(AwsError::new("KeyTooLongError", "Your key is too long"));
        }
        let b = self.buckets.get(&bucket).ok_or_else(no_such_bucket)?;
        if !b.objects.contains_key(&key) && self.objects_total >= OBJECTS_MAX {
            return Err(AwsError::new(
                "ServiceUnavailable",
                format!("mqlab keeps at most {OBJECTS_MAX} objects; delete some first"),
            ));
        }
        let etag = body.md5_hex();
        let size = body.len() as u64;
        let b = self.bucket_mut(&bucket)?;
        let replaced = b.objects.insert(
            key.clone(),
            Object {
                size,
                etag: etag.clone(),
                last_modified: ctx.now,
                body: None,
            },
        );
        match replaced {
            Some(old) => self.kept_bytes -= old.body.map_or(0, |b| b.len() as u64),
            None => self.objects_total += 1,
        }
        ctx.events.push(ctx.now, || EventKind::ObjectPut {
            bucket: bucket.clone(),
            key: key.clone(),
            size,
            etag: etag.clone(),
        });
        self.notify(
            ctx,
            &bucket,
            &key,
            "s3:ObjectCreated:Put",
            Some((size, etag.clone())),
        );
        Ok(json!({
            "ETag": format!("\"{etag}\""),
            // Every new object is encrypted with SSE-S3 by default (since January 2023).
            "ServerSideEncryption": "AES256",
        }))
    }

    /// PutObject whose body S3 keeps for GetObject (what Firehose delivers, through the
    /// router).
    pub fn put_object_kept(
        &mut self,
        ctx: &mut Ctx,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(), AwsError> {
        self.put_object_payload(ctx, bucket, key.to_string(), Payload::bytes(body.clone()))?;
        self.keep_body(bucket, key, body)
    }

    /// Keeps the body of the object just put.
    fn keep_body(&mut self, bucket: &str, key: &str, body: Vec<u8>) -> Result<(), AwsError> {
        let b = self.buckets.get_mut(bucket).ok_or_else(no_such_bucket)?;
        if let Some(o) = b.objects.get_mut(key) {
            self.kept_bytes += body.len() as u64;
            o.body = Some(body);
        }
        Ok(())
    }

    /// GetObject: the body as base64 text (as PutObject takes it), for an object whose body
    /// S3 kept; an object a simulated producer uploaded answers its metadata only.
    pub fn get_object(&self, input: &DeleteObjectInput) -> Result<Value, AwsError> {
        let bucket = required(&input.bucket, "Bucket")?;
        let key = required(&input.key, "Key")?;
        let b = self.buckets.get(bucket).ok_or_else(no_such_bucket)?;
        let o = b
            .objects
            .get(key)
            .ok_or_else(|| AwsError::new("NoSuchKey", "The specified key does not exist."))?;
        let mut out = json!({
            "ContentLength": o.size,
            "ETag": format!("\"{}\"", o.etag),
            "LastModified": epoch_s(o.last_modified),
            "ContentType": "binary/octet-stream",
            "ServerSideEncryption": "AES256",
        });
        if let Some(body) = &o.body {
            out["Body"] = json!(b64::encode(body));
        }
        Ok(out)
    }

    pub fn delete_object(
        &mut self,
        ctx: &mut Ctx,
        input: &DeleteObjectInput,
    ) -> Result<Value, AwsError> {
        let bucket = required(&input.bucket, "Bucket")?.to_string();
        let key = required(&input.key, "Key")?.to_string();
        let b = self.bucket_mut(&bucket)?;
        if let Some(v) = input.version_id.as_deref() {
            // Unversioned buckets hold only the `null` version.
            if v != "null" {
                return Err(AwsError::new(
                    "InvalidArgument",
                    "Invalid version id specified",
                ));
            }
        }
        let removed = b.objects.remove(&key);
        let existed = removed.is_some();
        if let Some(old) = removed {
            self.objects_total -= 1;
            self.kept_bytes -= old.body.map_or(0, |b| b.len() as u64);
        }
        ctx.events.push(ctx.now, || EventKind::ObjectDeleted {
            bucket: bucket.clone(),
            key: key.clone(),
            existed,
        });
        if existed || DELETE_OF_MISSING_KEY_NOTIFIES {
            self.notify(ctx, &bucket, &key, "s3:ObjectRemoved:Delete", None);
        }
        Ok(json!({}))
    }

    pub fn list_objects_v2(&self, input: &ListObjectsV2Input) -> Result<Value, AwsError> {
        let name = required(&input.bucket, "Bucket")?;
        let b = self.buckets.get(name).ok_or_else(no_such_bucket)?;
        let prefix = input.prefix.clone().unwrap_or_default();
        let max_keys = match input.max_keys {
            None => LIST_OBJECTS_PAGE_MAX,
            Some(n) if n < 0 => {
                return Err(AwsError::new(
                    "InvalidArgument",
                    "Argument maxKeys must be an integer between 0 and 2147483647",
                ))
            }
            Some(n) => (n as usize).min(LIST_OBJECTS_PAGE_MAX),
        };
        let after = match input.continuation_token.as_deref() {
            Some(t) => Some(
                b64::decode(t)
                    .ok()
                    .and_then(|v| String::from_utf8(v).ok())
                    .ok_or_else(|| {
                        AwsError::new(
                            "InvalidArgument",
                            "The continuation token provided is incorrect",
                        )
                    })?,
            ),
            None => input.start_after.clone(),
        };
        let mut keys = b
            .objects
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| after.as_ref().is_none_or(|a| k.as_str() > a.as_str()));
        let page: Vec<(&String, &Object)> = keys.by_ref().take(max_keys).collect();
        let truncated = keys.next().is_some();
        let contents: Vec<Value> = page
            .iter()
            .map(|(k, o)| {
                json!({
                    "Key": k,
                    "LastModified": epoch_s(o.last_modified),
                    "ETag": format!("\"{}\"", o.etag),
                    "Size": o.size,
                    "StorageClass": "STANDARD",
                })
            })
            .collect();
        let mut out = json!({
            "IsTruncated": truncated,
            "Name": name,
            "Prefix": prefix,
            "MaxKeys": max_keys,
            "KeyCount": contents.len(),
        });
        if !contents.is_empty() {
            out["Contents"] = Value::Array(contents);
        }
        if truncated {
            if let Some((last, _)) = page.last() {
                out["NextContinuationToken"] = json!(b64::encode(last.as_bytes()));
            }
        }
        Ok(out)
    }

    // ----------------------------------------------------------------- events

    /// Builds the event record for every configuration of the bucket that wants `event` for
    /// this key, and schedules its publish.
    fn notify(
        &mut self,
        ctx: &mut Ctx,
        bucket: &str,
        key: &str,
        event: &str,
        created: Option<(u64, String)>,
    ) {
        let Some(b) = self.buckets.get(bucket) else {
            return;
        };
        let encoded = encode_key(key);
        let matching: Vec<(String, String)> = b
            .notifications
            .iter()
            .filter(|c| c.wants(event) && c.key_matches(&encoded))
            .map(|c| (c.id.clone(), c.topic_arn.clone()))
            .collect();
        if matching.is_empty() {
            return;
        }
        // One request: one request id, host id and sequencer for all its records.
        self.sequence += 1;
        let sequencer = format!(
            "00{:08X}{:08X}",
            epoch_s(ctx.now) & 0xFFFF_FFFF,
            self.sequence & 0xFFFF_FFFF
        );
        let request = request_id(ctx);
        let host = host_id(ctx);
        let event_name = event.strip_prefix("s3:").unwrap_or(event).to_string();
        for (configuration_id, topic_arn) in matching {
            let record = EventRecord {
                event_version: EVENT_VERSION.to_string(),
                event_source: EVENT_SOURCE.to_string(),
                aws_region: REGION.to_string(),
                event_time: iso8601_ms(ctx.now),
                event_name: event_name.clone(),
                user_identity: PrincipalId {
                    principal_id: PRINCIPAL_ID.to_string(),
                },
                request_parameters: RequestParameters {
                    source_ip_address: SOURCE_IP_ADDRESS.to_string(),
                },
                response_elements: ResponseElements {
                    request_id: request.clone(),
                    host_id: host.clone(),
                },
                s3: S3Entity {
                    s3_schema_version: S3_SCHEMA_VERSION.to_string(),
                    configuration_id: configuration_id.clone(),
                    bucket: BucketEntity {
                        name: bucket.to_string(),
                        owner_identity: PrincipalId {
                            principal_id: OWNER_PRINCIPAL_ID.to_string(),
                        },
                        arn: bucket_arn(bucket),
                    },
                    object: ObjectEntity {
                        key: encoded.clone(),
                        size: created.as_ref().map(|(s, _)| *s),
                        e_tag: created.as_ref().map(|(_, e)| e.clone()),
                        version_id: None,
                        sequencer: sequencer.clone(),
                    },
                },
            };
            let message = EventMessage {
                records: vec![record],
            }
            .to_json();
            if self.pending.len() >= PENDING_NOTIFICATIONS_MAX {
                ctx.events
                    .push(ctx.now, || EventKind::S3NotificationFailed {
                        bucket: bucket.to_string(),
                        key: key.to_string(),
                        event_name: event_name.clone(),
                        configuration_id: configuration_id.clone(),
                        topic_arn: topic_arn.clone(),
                        reason: format!(
                            "mqlab keeps at most {PENDING_NOTIFICATIONS_MAX} notifications waiting"
                        ),
                    });
                continue;
            }
            let id = self.next_pending;
            self.next_pending += 1;
            self.pending.insert(
                id,
                Pending {
                    bucket: bucket.to_string(),
                    key: key.to_string(),
                    event_name: event_name.clone(),
                    configuration_id,
                    topic_arn,
                    message,
                },
            );
            ctx.timers.schedule(
                ctx.now + self.config.notification_latency_ms,
                S3Timer::Publish { notification: id },
            );
        }
    }

    fn publish(&mut self, ctx: &mut Ctx, router: &mut dyn Router, id: u64) {
        let Some(p) = self.pending.remove(&id) else {
            return;
        };
        match router.publish_to_topic(ctx.shared(), &p.topic_arn, NOTIFICATION_SUBJECT, &p.message)
        {
            Ok(message_id) => ctx.events.push(ctx.now, || EventKind::S3NotificationSent {
                bucket: p.bucket,
                key: p.key,
                event_name: p.event_name,
                configuration_id: p.configuration_id,
                topic_arn: p.topic_arn,
                message_id,
            }),
            // The topic went away (or became unusable) after the configuration was saved:
            // the event is lost, as AWS loses it.
            Err(e) => ctx
                .events
                .push(ctx.now, || EventKind::S3NotificationFailed {
                    bucket: p.bucket,
                    key: p.key,
                    event_name: p.event_name,
                    configuration_id: p.configuration_id,
                    topic_arn: p.topic_arn,
                    reason: e.to_string(),
                }),
        }
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, router: &mut dyn Router, timer: S3Timer) {
        match timer {
            S3Timer::Publish { notification } => self.publish(ctx, router, notification),
        }
    }

    /// The JSON face of the operations: botocore's request members in, its response members
    /// out.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        match op {
            "CreateBucket" => parse(params).and_then(|i| self.create_bucket(ctx, &i)),
            "DeleteBucket" => parse(params).and_then(|i| self.delete_bucket(ctx, &i)),
            "ListBuckets" => self.list_buckets(),
            "PutBucketNotificationConfiguration" => parse(params)
                .and_then(|i| self.put_bucket_notification_configuration(ctx, router, &i)),
            "GetBucketNotificationConfiguration" => {
                parse(params).and_then(|i| self.get_bucket_notification_configuration(&i))
            }
            "PutObject" => parse(params).and_then(|i| self.put_object(ctx, &i)),
            "DeleteObject" => parse(params).and_then(|i| self.delete_object(ctx, &i)),
            "ListObjectsV2" => parse(params).and_then(|i| self.list_objects_v2(&i)),
            "GetObject" => parse(params).and_then(|i| self.get_object(&i)),
            other => Err(AwsError::new(
                "UnknownOperationException",
                format!(
                    "The operation {other} is not simulated: mqlab's S3 covers buckets, PutObject, GetObject, DeleteObject, ListObjectsV2 and event notifications to SNS."
                ),
            )),
        }
    }
}

/// An `x-amz-request-id`: 16 upper-case hex digits, as S3's.
fn request_id(ctx: &mut Ctx) -> String {
    format!("{:016X}", ctx.rng.next_u64())
}

/// An `x-amz-id-2`: 48 random bytes as base64 (64 characters), S3's look.
fn host_id(ctx: &mut Ctx) -> String {
    let mut bytes = Vec::with_capacity(48);
    for _ in 0..6 {
        bytes.extend_from_slice(&ctx.rng.next_u64().to_be_bytes());
    }
    b64::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_the_general_purpose_rules() {
        for ok in ["abc", "my-bucket", "my.bucket.2", "a1b", &"a".repeat(63)] {
            assert!(is_valid_bucket_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "My-Bucket",
            "my_bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.5.4",
            "xn--abc",
            "sthree-abc",
            "amzn-s3-demo-x",
            "abc-s3alias",
            "abc--ol-s3",
            "abc.mrap",
            "abc--x-s3",
            "abc--table-s3",
        ] {
            assert!(!is_valid_bucket_name(bad), "{bad}");
        }
    }
}
