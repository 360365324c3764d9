//! The Kinesis Data Streams operations. Error codes are the API model's; messages follow
//! kinesalite's (which copied AWS's) where it has one, moto's otherwise, and are mqlab's own
//! (marked UNCONFIRMED) where neither has the case.

use super::api::*;
use super::keys::{self, amz_utc_string, SeqNum};
use super::stream::*;
use super::*;
use crate::core::aws::b64;
use crate::core::event::EventKind;
use crate::core::payload::Payload;
use crate::core::time::{epoch_ms, epoch_s, MS_PER_DAY, MS_PER_MIN};
use base64::Engine as _;
use serde_json::json;

const STREAM_NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";
const HASH_KEY_PATTERN: &str = "0|([1-9]\\d{0,38})";
const ITERATOR_TYPES: &str =
    "[AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, TRIM_HORIZON, AT_SEQUENCE_NUMBER]";
/// The first bytes of every shard iterator (kinesalite: "perhaps a version number").
const ITERATOR_MAGIC: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

fn check_name(value: &str, member: &str) -> Result<(), AwsError> {
    if value.len() > 128 {
        return Err(validation(
            Some(value),
            member,
            "Member must have length less than or equal to 128",
        ));
    }
    if !is_name(value) {
        return Err(validation(
            Some(value),
            member,
            &format!("Member must satisfy regular expression pattern: {STREAM_NAME_PATTERN}"),
        ));
    }
    Ok(())
}

pub(super) fn check_range(v: i64, member: &str, min: i64, max: i64) -> Result<(), AwsError> {
    if v < min {
        return Err(validation(
            Some(&v.to_string()),
            member,
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    if v > max {
        return Err(validation(
            Some(&v.to_string()),
            member,
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// The stream a request names by `StreamName` or `StreamARN`.
pub(super) fn stream_name_of(name: Option<&str>, arn: Option<&str>) -> Result<String, AwsError> {
    match (name, arn) {
        (Some(n), _) => {
            check_name(n, "streamName")?;
            Ok(n.to_string())
        }
        (None, Some(a)) => stream_name_from_arn(a),
        (None, None) => Err(invalid_argument(
            "Either StreamName or StreamARN must be provided.",
        )),
    }
}

pub(super) fn stream_name_from_arn(arn: &str) -> Result<String, AwsError> {
    let prefix = format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/");
    match arn.strip_prefix(&prefix) {
        Some(n) if is_name(n) && n.len() <= 128 => Ok(n.to_string()),
        _ => Err(AwsError::new(
            "ResourceNotFoundException",
            format!("Stream {arn} under account {ACCOUNT_ID} not found."),
        )),
    }
}

fn shard_not_found(shard: &str, stream: &str) -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        format!("Could not find shard {shard} in stream {stream} under account {ACCOUNT_ID}."),
    )
}

fn shard_does_not_exist(shard: &str, stream: &str) -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        format!("Shard {shard} in stream {stream} under account {ACCOUNT_ID} does not exist"),
    )
}

fn not_active(s: &Stream) -> AwsError {
    AwsError::new(
        "ResourceInUseException",
        format!(
            "Stream {} under account {ACCOUNT_ID} not ACTIVE, instead in state {}",
            s.name,
            s.status.as_str()
        ),
    )
}

fn on_demand_refused(s: &Stream) -> AwsError {
    AwsError::new(
        "ValidationException",
        format!(
            "Request is invalid. Stream {} under account {ACCOUNT_ID} is in On-Demand mode.",
            s.name
        ),
    )
}

/// GetShardIterator calls per second per open shard (aws-rules §4.1).
pub const GET_SHARD_ITERATOR_PER_S: u64 = 5;

fn throttled(shard: &str, stream: &str) -> AwsError {
    // The PutRecords API reference's example ErrorMessage.
    AwsError::new(
        "ProvisionedThroughputExceededException",
        format!("Rate exceeded for shard {shard} in stream {stream} under account {ACCOUNT_ID}."),
    )
}

fn shard_limit_error(current: u32, limit: u32, additional: u32) -> AwsError {
    AwsError::new(
        "LimitExceededException",
        format!(
            "This request would exceed the shard limit for the account {ACCOUNT_ID} in {REGION}. \
             Current shard count for the account: {current}. Limit: {limit}. Number of additional \
             shards that would have resulted from this request: {additional}. Refer to the AWS \
             Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) \
             for current limits and how to request higher limits."
        ),
    )
}

/// A shard iterator: where to read next in one shard of one incarnation of a stream.
struct Iterator {
    created_at: SimTime,
    stream: String,
    incarnation: u64,
    shard: u32,
    pos: SeqNum,
    after: bool,
}

impl Iterator {
    fn encode(&self) -> String {
        let text = format!(
            "{:014}/{}/{}/{}/{}{}",
            epoch_ms(self.created_at),
            self.stream,
            self.incarnation,
            shard_id_name(self.shard),
            if self.after { 'A' } else { 'T' },
            self.pos.to_decimal()
        );
        let mut bytes = ITERATOR_MAGIC.to_vec();
        bytes.extend_from_slice(text.as_bytes());
        b64().encode(bytes)
    }

    fn decode(s: &str) -> Option<Iterator> {
        let bytes = b64().decode(s.as_bytes()).ok()?;
        let text = std::str::from_utf8(bytes.strip_prefix(&ITERATOR_MAGIC[..])?).ok()?;
        let mut parts = text.split('/');
        let created_ms: u64 = parts.next()?.parse().ok()?;
        let stream = parts.next()?.to_string();
        let incarnation = parts.next()?.parse().ok()?;
        let shard = parse_shard_id(parts.next()?)?;
        let pos = parts.next()?;
        if parts.next().is_some() || !is_name(&stream) {
            return None;
        }
        let after = match pos.as_bytes().first()? {
            b'A' => true,
            b'T' => false,
            _ => return None,
        };
        Some(Iterator {
            created_at: created_ms.checked_sub(crate::core::time::EPOCH_S * 1000)?,
            stream,
            incarnation,
            shard,
            pos: SeqNum::parse(&pos[1..])?,
            after,
        })
    }
}

/// Opaque page tokens of ListShards / ListStreams / ListStreamConsumers.
fn encode_token(v: &Value) -> String {
    b64().encode(v.to_string())
}

fn decode_token(s: &str) -> Option<Value> {
    let bytes = b64().decode(s.as_bytes()).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn invalid_token() -> AwsError {
    invalid_argument("The NextToken is invalid.")
}

/// Decodes a NextToken this service issued, refusing one older than `NEXT_TOKEN_TTL_MS`
/// with `ExpiredNextTokenException` (aws-rules §4.12).
fn live_token(ctx: &Ctx, t: &str) -> Result<Value, AwsError> {
    let v = decode_token(t).ok_or_else(invalid_token)?;
    let issued = v["issued"].as_u64().ok_or_else(invalid_token)?;
    if ctx.now.saturating_sub(issued) > NEXT_TOKEN_TTL_MS {
        return Err(AwsError::new(
            "ExpiredNextTokenException",
            "The timestamp sent in the NextToken has expired.",
        ));
    }
    Ok(v)
}

/// One record to write, validated.
struct Entry<'a> {
    data: &'a Payload,
    partition_key: &'a str,
    hash: u128,
}

/// Validates one record's members (`prefix` names them as AWS does: `` or `records.3.member.`)
/// and computes its hash key.
fn check_entry<'a>(
    data: Option<&'a Payload>,
    partition_key: Option<&'a String>,
    explicit_hash_key: Option<&'a String>,
    prefix: &str,
) -> Result<Entry<'a>, AwsError> {
    let Some(pk) = partition_key else {
        return Err(required(&format!("{prefix}partitionKey")));
    };
    let chars = pk.chars().count();
    if chars < 1 {
        return Err(validation(
            Some(pk),
            &format!("{prefix}partitionKey"),
            "Member must have length greater than or equal to 1",
        ));
    }
    if chars > PARTITION_KEY_CHARS_MAX {
        return Err(validation(
            Some(pk),
            &format!("{prefix}partitionKey"),
            "Member must have length less than or equal to 256",
        ));
    }
    if let Some(h) = explicit_hash_key {
        if !keys::is_hash_key_text(h) {
            return Err(validation(
                Some(h),
                &format!("{prefix}explicitHashKey"),
                &format!("Member must satisfy regular expression pattern: {HASH_KEY_PATTERN}"),
            ));
        }
    }
    let Some(data) = data else {
        return Err(required(&format!("{prefix}data")));
    };
    if data.len() > RECORD_SIZE_MAX {
        let n = data.len();
        return Err(validation(
            Some(&format!("java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]")),
            &format!("{prefix}data"),
            "Member must have length less than or equal to 1048576",
        ));
    }
    if data.len() + pk.len() > RECORD_SIZE_MAX {
        // The limit covers the data blob plus the partition key (aws-rules §4.1); the wording is
        // mqlab's (UNCONFIRMED).
        return Err(invalid_argument(format!(
            "The record size ({} bytes of data plus partition key) exceeds the limit of {RECORD_SIZE_MAX} bytes.",
            data.len() + pk.len()
        )));
    }
    let hash = match explicit_hash_key {
        Some(h) => keys::parse_hash_key(h).ok_or_else(|| {
            invalid_argument(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {h}"
            ))
        })?,
        None => keys::partition_key_hash(pk),
    };
    Ok(Entry {
        data,
        partition_key: pk,
        hash,
    })
}

impl Kinesis {
    pub(super) fn stream_ref(&self, name: &str) -> Result<&Stream, AwsError> {
        self.streams.get(name).ok_or_else(|| stream_not_found(name))
    }

    pub(super) fn stream_mut(&mut self, name: &str) -> Result<&mut Stream, AwsError> {
        self.streams
            .get_mut(name)
            .ok_or_else(|| stream_not_found(name))
    }

    fn open_shards_in_account(&self) -> u32 {
        self.streams
            .values()
            .map(|s| match &s.pending {
                Some(PendingChange::Create { shards }) => *shards,
                _ => s.open_shard_count(),
            })
            .sum()
    }

    /// Marks the stream as changing and schedules the end of the change.
    fn schedule_change(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        change: PendingChange,
        status: StreamStatus,
        delay: SimTime,
    ) {
        let Some(s) = self.streams.get_mut(name) else {
            return;
        };
        s.pending = Some(change);
        s.change_seq += 1;
        let old = s.status;
        s.status = status;
        ctx.timers.schedule(
            ctx.now + delay,
            KinesisTimer::StreamChange {
                stream: name.to_string(),
                incarnation: s.incarnation,
                change: s.change_seq,
            },
        );
        if old != status {
            let stream = name.to_string();
            ctx.events.push(ctx.now, || EventKind::StreamStatusChanged {
                stream,
                status: status.as_str().to_string(),
            });
        }
    }

    // ------------------------------------------------------------------ streams

    pub fn create_stream(&mut self, ctx: &mut Ctx, i: &CreateStreamInput) -> Result<(), AwsError> {
        let Some(name) = i.stream_name.as_deref() else {
            return Err(required("streamName"));
        };
        check_name(name, "streamName")?;
        let mode = match &i.stream_mode_details {
            Some(d) => StreamMode::parse(&d.stream_mode).ok_or_else(|| {
                validation(
                    Some(&d.stream_mode),
                    "streamModeDetails.streamMode",
                    "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
                )
            })?,
            // Without either member AWS now creates an on-demand stream (UNCONFIRMED).
            None if i.shard_count.is_none() => StreamMode::OnDemand,
            None => StreamMode::Provisioned,
        };
        let shards = match mode {
            // On-demand streams start with 4 shards whatever ShardCount says (aws-rules §4.7).
            StreamMode::OnDemand => ON_DEMAND_INITIAL_SHARDS,
            StreamMode::Provisioned => {
                let Some(n) = i.shard_count else {
                    return Err(invalid_argument(
                        "ShardCount is required for a stream in PROVISIONED mode.",
                    ));
                };
                check_range(n, "shardCount", 1, 100_000)?;
                n as u32
            }
        };
        if let Some(tags) = &i.tags {
            tags::check_tags(tags, "tags", tags::TAG_MAP_MAX, true)?;
            tags::check_quota(name, &BTreeMap::new(), tags)?;
        }
        if self.streams.contains_key(name) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("Stream {name} under account {ACCOUNT_ID} already exists."),
            ));
        }
        let creating = self
            .streams
            .values()
            .filter(|s| s.status == StreamStatus::Creating)
            .count();
        if creating >= STREAMS_CREATING_MAX || self.streams.len() >= STREAMS_MAX {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("Too many streams are being created at once: at most {STREAMS_CREATING_MAX} streams can be CREATING in account {ACCOUNT_ID}."),
            ));
        }
        let current = self.open_shards_in_account();
        if current + shards > self.config.account_shard_limit {
            return Err(shard_limit_error(
                current,
                self.config.account_shard_limit,
                shards,
            ));
        }
        self.accrue(ctx.now);
        let incarnation = self.next_incarnation;
        self.next_incarnation += 1;
        self.streams.insert(
            name.to_string(),
            Stream {
                name: name.to_string(),
                arn: stream_arn(name),
                status: StreamStatus::Creating,
                mode,
                retention_hours: RETENTION_DEFAULT_HOURS,
                created_at: ctx.now,
                incarnation,
                shards: Vec::new(),
                seq_ix: Default::default(),
                pending: None,
                change_seq: 0,
                update_shard_count_at: Default::default(),
                mode_switches_at: Default::default(),
                on_demand: OnDemandCapacity::new(shards),
                consumers: Default::default(),
                last_subscribe: Default::default(),
                metrics: metrics::StreamMetrics::starting(ctx.now),
                tags: i.tags.clone().unwrap_or_default(),
            },
        );
        let stream = name.to_string();
        ctx.events.push(ctx.now, || EventKind::StreamCreated {
            stream,
            mode: mode.as_str().to_string(),
            shards,
        });
        let delay = self.config.create_delay_ms;
        self.schedule_change(
            ctx,
            name,
            PendingChange::Create { shards },
            StreamStatus::Creating,
            delay,
        );
        Ok(())
    }

    pub fn delete_stream(&mut self, ctx: &mut Ctx, i: &DeleteStreamInput) -> Result<(), AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.stream_ref(&name)?;
        if s.status == StreamStatus::Deleting {
            return Err(not_active(s));
        }
        if !s.consumers.is_empty() && i.enforce_consumer_deletion != Some(true) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("Stream {name} under account {ACCOUNT_ID} has registered consumers: deregister them first or set EnforceConsumerDeletion."),
            ));
        }
        let delay = self.config.delete_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Delete,
            StreamStatus::Deleting,
            delay,
        );
        Ok(())
    }

    fn summary_fields(s: &Stream) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("StreamName".into(), json!(s.name));
        m.insert("StreamARN".into(), json!(s.arn));
        m.insert("StreamStatus".into(), json!(s.status.as_str()));
        m.insert(
            "StreamModeDetails".into(),
            json!({"StreamMode": s.mode.as_str()}),
        );
        m.insert("RetentionPeriodHours".into(), json!(s.retention_hours));
        m.insert(
            "StreamCreationTimestamp".into(),
            json!(epoch_s(s.created_at)),
        );
        m.insert(
            "EnhancedMonitoring".into(),
            json!([{"ShardLevelMetrics": []}]),
        );
        m.insert("EncryptionType".into(), json!("NONE"));
        m
    }

    pub fn describe_stream(
        &mut self,
        ctx: &mut Ctx,
        i: &DescribeStreamInput,
    ) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        // Limit 1–10,000, default 100, at most 100 shards returned (aws-rules §4.12).
        let limit = i.limit.unwrap_or(DESCRIBE_STREAM_PAGE_MAX);
        check_range(limit, "limit", 1, LIST_MEMBER_MAX)?;
        let limit = limit.min(DESCRIBE_STREAM_PAGE_MAX);
        let s = self
            .streams
            .get_mut(&name)
            .ok_or_else(|| stream_not_found(&name))?;
        s.trim(ctx);
        let after = match &i.exclusive_start_shard_id {
            Some(id) => Some(parse_shard_id(id).ok_or_else(|| shard_not_found(id, &name))?),
            None => None,
        };
        let listed: Vec<&Shard> = s
            .shards
            .iter()
            .filter(|sh| !sh.expired && after.is_none_or(|a| sh.ix > a))
            .collect();
        let mut m = Self::summary_fields(s);
        m.insert(
            "Shards".into(),
            Value::Array(
                listed
                    .iter()
                    .take(limit as usize)
                    .map(|sh| sh.describe())
                    .collect(),
            ),
        );
        m.insert("HasMoreShards".into(), json!(listed.len() > limit as usize));
        Ok(json!({ "StreamDescription": m }))
    }

    pub fn describe_stream_summary(
        &mut self,
        ctx: &mut Ctx,
        i: &StreamInput,
    ) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self
            .streams
            .get_mut(&name)
            .ok_or_else(|| stream_not_found(&name))?;
        s.trim(ctx);
        let mut m = Self::summary_fields(s);
        m.insert("OpenShardCount".into(), json!(s.open_shard_count()));
        m.insert("ConsumerCount".into(), json!(s.consumers.len()));
        Ok(json!({ "StreamDescriptionSummary": m }))
    }

    /// ListStreams pages by `Limit` (at most 100 per call) and answers both the old
    /// `ExclusiveStartStreamName` continuation and a `NextToken` (aws-rules §4.12).
    pub fn list_streams(&self, ctx: &Ctx, i: &ListStreamsInput) -> Result<Value, AwsError> {
        let limit = i.limit.unwrap_or(LIST_STREAMS_PAGE_MAX);
        check_range(limit, "limit", 1, LIST_MEMBER_MAX)?;
        let limit = limit.min(LIST_STREAMS_PAGE_MAX) as usize;
        let start = match (&i.next_token, &i.exclusive_start_stream_name) {
            // Whether AWS refuses both together is not documented: the token wins.
            (Some(t), _) => Some(
                live_token(ctx, t)?["after"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(invalid_token)?,
            ),
            (None, Some(n)) => {
                check_name(n, "exclusiveStartStreamName")?;
                Some(n.clone())
            }
            (None, None) => None,
        };
        let names: Vec<&Stream> = self
            .streams
            .values()
            .filter(|s| start.as_deref().is_none_or(|a| s.name.as_str() > a))
            .collect();
        let page = &names[..names.len().min(limit)];
        let more = names.len() > page.len();
        let mut out = json!({
            "StreamNames": page.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "HasMoreStreams": more,
            "StreamSummaries": page.iter().map(|s| json!({
                "StreamName": s.name,
                "StreamARN": s.arn,
                "StreamStatus": s.status.as_str(),
                "StreamModeDetails": {"StreamMode": s.mode.as_str()},
                "StreamCreationTimestamp": epoch_s(s.created_at),
            })).collect::<Vec<_>>(),
        });
        if more {
            if let Some(last) = page.last() {
                out["NextToken"] = json!(encode_token(
                    &json!({"after": last.name, "issued": ctx.now})
                ));
            }
        }
        Ok(out)
    }

    pub fn list_shards(&mut self, ctx: &mut Ctx, i: &ListShardsInput) -> Result<Value, AwsError> {
        let named = i.stream_name.is_some() || i.stream_arn.is_some();
        let max = i.max_results.unwrap_or(LIST_SHARDS_PAGE_MAX);
        check_range(max, "maxResults", 1, LIST_MEMBER_MAX)?;
        let max = max.min(LIST_SHARDS_PAGE_MAX);
        // A NextToken names the stream, the position and the filter: none of the members that
        // set them may come with it (aws-rules §4.12).
        if i.next_token.is_some() {
            let clash = [
                (
                    i.exclusive_start_shard_id.is_some(),
                    "ExclusiveStartShardId",
                ),
                (
                    i.stream_creation_timestamp.is_some(),
                    "StreamCreationTimestamp",
                ),
                (i.shard_filter.is_some(), "ShardFilter"),
            ];
            if let Some((_, member)) = clash.iter().find(|(given, _)| *given) {
                return Err(invalid_argument(format!(
                    "NextToken and {member} cannot be provided together."
                )));
            }
        }
        // (stream, incarnation, offset index, filter type, filter shard, filter time)
        let (name, incarnation, from_ix, filter) = match (&i.next_token, named) {
            (Some(_), true) => {
                return Err(invalid_argument(
                    "NextToken and StreamName cannot be provided together.",
                ))
            }
            (None, false) => {
                return Err(invalid_argument(
                    "Either NextToken or StreamName should be provided.",
                ))
            }
            (Some(t), false) => {
                let v = live_token(ctx, t)?;
                let name = v["stream"].as_str().ok_or_else(invalid_token)?.to_string();
                (
                    name,
                    v["incarnation"].as_u64(),
                    v["from"].as_u64().unwrap_or(0) as u32,
                    v["filter"].clone(),
                )
            }
            (None, true) => {
                let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
                let from = match &i.exclusive_start_shard_id {
                    Some(id) => parse_shard_id(id).ok_or_else(|| shard_not_found(id, &name))? + 1,
                    None => 0,
                };
                let filter = match &i.shard_filter {
                    None => Value::Null,
                    Some(f) => {
                        let kind = f.kind.clone().ok_or_else(|| required("shardFilter.type"))?;
                        const KINDS: [&str; 6] = [
                            "AFTER_SHARD_ID",
                            "AT_TRIM_HORIZON",
                            "FROM_TRIM_HORIZON",
                            "AT_LATEST",
                            "AT_TIMESTAMP",
                            "FROM_TIMESTAMP",
                        ];
                        if !KINDS.contains(&kind.as_str()) {
                            return Err(validation(Some(&kind), "shardFilter.type", "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]"));
                        }
                        let shard = match (kind.as_str(), &f.shard_id) {
                            ("AFTER_SHARD_ID", None) => {
                                return Err(invalid_argument("ShardId must be specified with the AFTER_SHARD_ID ShardFilter type."))
                            }
                            (_, Some(id)) => Some(parse_shard_id(id).ok_or_else(|| shard_not_found(id, &name))?),
                            _ => None,
                        };
                        let at = match (kind.as_str(), f.timestamp) {
                            ("AT_TIMESTAMP" | "FROM_TIMESTAMP", None) => {
                                return Err(invalid_argument(format!(
                                    "Timestamp must be specified with the {kind} ShardFilter type."
                                )))
                            }
                            (_, t) => t.map(sim_time_of),
                        };
                        json!({"type": kind, "shard": shard, "at": at})
                    }
                };
                (name, None, from, filter)
            }
        };
        let s = self
            .streams
            .get_mut(&name)
            .ok_or_else(|| stream_not_found(&name))?;
        if incarnation.is_some_and(|n| n != s.incarnation) {
            return Err(stream_not_found(&name));
        }
        s.trim(ctx);
        let kind = filter["type"].as_str().unwrap_or("");
        let fshard = filter["shard"].as_u64().map(|x| x as u32);
        let at = filter["at"].as_u64().unwrap_or(0);
        let expired = |id: &Option<String>| {
            id.as_deref()
                .and_then(parse_shard_id)
                .and_then(|p| s.shards.get(p as usize))
                .is_none_or(|p| p.expired)
        };
        let keep = |sh: &Shard| -> bool {
            match kind {
                "AFTER_SHARD_ID" => fshard.is_some_and(|f| sh.ix > f),
                "AT_TRIM_HORIZON" => expired(&sh.parent) && expired(&sh.adjacent_parent),
                "AT_LATEST" => sh.is_open(),
                "AT_TIMESTAMP" => sh.created_at <= at && sh.closed_at.is_none_or(|c| c > at),
                "FROM_TIMESTAMP" => sh.closed_at.is_none_or(|c| c > at),
                _ => true, // no filter, FROM_TRIM_HORIZON: every shard not yet expired
            }
        };
        let listed: Vec<&Shard> = s
            .shards
            .iter()
            .filter(|sh| !sh.expired && sh.ix >= from_ix && keep(sh))
            .collect();
        let page = &listed[..listed.len().min(max as usize)];
        let mut out = json!({ "Shards": page.iter().map(|sh| sh.describe()).collect::<Vec<_>>() });
        if listed.len() > page.len() {
            if let Some(last) = page.last() {
                out["NextToken"] = json!(encode_token(&json!({
                    "stream": s.name, "incarnation": s.incarnation, "from": last.ix + 1,
                    "filter": filter, "issued": ctx.now,
                })));
            }
        }
        Ok(out)
    }

    pub fn describe_limits(&self) -> Value {
        json!({
            "ShardLimit": self.config.account_shard_limit,
            "OpenShardCount": self.open_shards_in_account(),
            "OnDemandStreamCount": self.streams.values().filter(|s| s.mode == StreamMode::OnDemand).count(),
            "OnDemandStreamCountLimit": 50,
        })
    }

    // ------------------------------------------------------------------ writes

    fn writable(&self, name: &str) -> Result<(), AwsError> {
        let s = self.stream_ref(name)?;
        match s.status {
            StreamStatus::Active | StreamStatus::Updating => Ok(()),
            _ => Err(stream_not_found(name)),
        }
    }

    /// Writes one validated record, or refuses it for throughput.
    fn write(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        e: &Entry,
    ) -> Result<(String, SeqNum), AwsError> {
        let now = ctx.now;
        let s = self
            .streams
            .get_mut(name)
            .ok_or_else(|| stream_not_found(name))?;
        let meter = &mut self.cost;
        let Some(ix) = s.shard_for_hash(e.hash) else {
            return Err(AwsError::new(
                "InternalFailure",
                "No open shard holds the hash key.",
            ));
        };
        let size = (e.data.len() + e.partition_key.len()) as u64;
        let mode = s.mode;
        let ok = match mode {
            StreamMode::Provisioned => {
                let w = &mut s.shards[ix as usize].write;
                w.roll(now);
                w.records < SHARD_WRITE_RECORDS_PER_S && w.bytes + size <= SHARD_WRITE_BYTES_PER_S
            }
            StreamMode::OnDemand => {
                let od = &mut s.on_demand;
                od.roll(now);
                let (lb, lr) = od.limits();
                let (kb, kr) = od.keys.get(e.partition_key).copied().unwrap_or_default();
                od.window.records < lr
                    && od.window.bytes + size <= lb
                    && kr < SHARD_WRITE_RECORDS_PER_S
                    && kb + size <= SHARD_WRITE_BYTES_PER_S
            }
        };
        let shard_id = s.shards[ix as usize].shard_id.clone();
        if !ok {
            s.shards[ix as usize].totals.writes_throttled += 1;
            s.metrics.current.write_provisioned_throughput_exceeded += 1;
            let (stream, shard) = (name.to_string(), shard_id.clone());
            ctx.events.push(now, || EventKind::ShardThrottled {
                stream,
                shard,
                operation: "write".to_string(),
            });
            return Err(throttled(&shard_id, name));
        }
        match mode {
            StreamMode::Provisioned => {
                let w = &mut s.shards[ix as usize].write;
                w.records += 1;
                w.bytes += size;
                meter.put_payload_units += cost::put_payload_units(size);
            }
            StreamMode::OnDemand => {
                let od = &mut s.on_demand;
                od.window.records += 1;
                od.window.bytes += size;
                if od.keys.len() < ON_DEMAND_KEYS_TRACKED_MAX
                    || od.keys.contains_key(e.partition_key)
                {
                    let k = od.keys.entry(e.partition_key.to_string()).or_default();
                    k.0 += size;
                    k.1 += 1;
                }
                meter.on_demand_write_bytes += size.div_ceil(cost::ON_DEMAND_WRITE_ROUNDING_BYTES)
                    * cost::ON_DEMAND_WRITE_ROUNDING_BYTES;
            }
        }
        let seq = s.next_seq(ix, now);
        let shard = &mut s.shards[ix as usize];
        shard.push(Record {
            seq,
            partition_key: e.partition_key.to_string(),
            data: e.data.clone(),
            arrival: now,
        });
        shard.totals.records_in += 1;
        shard.totals.bytes_in += size;
        s.metrics.current.incoming_bytes += size;
        s.metrics.current.incoming_records += 1;
        let (stream, shard, pk) = (
            name.to_string(),
            shard_id.clone(),
            e.partition_key.to_string(),
        );
        ctx.events.push(now, || EventKind::RecordPut {
            stream,
            shard,
            partition_key: pk,
            sequence_number: seq.to_decimal(),
            bytes: size as usize,
        });
        self.wake_pushed(ctx, name, Some(ix));
        Ok((shard_id, seq))
    }

    pub fn put_record(
        &mut self,
        ctx: &mut Ctx,
        i: &PutRecordInput,
    ) -> Result<PutRecordOutput, AwsError> {
        let e = check_entry(
            i.data.as_ref(),
            i.partition_key.as_ref(),
            i.explicit_hash_key.as_ref(),
            "",
        )?;
        if let Some(o) = &i.sequence_number_for_ordering {
            if !keys::is_decimal(o, 129) {
                return Err(validation(
                    Some(o),
                    "sequenceNumberForOrdering",
                    "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
                ));
            }
        }
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        self.writable(&name)?;
        if let Some(o) = &i.sequence_number_for_ordering {
            // Sequence numbers in a shard only grow, so the new record is always after `o`;
            // what remains to check is that `o` is a sequence number at all, from the past.
            let bad = SeqNum::parse(o).is_none_or(|q| q.seq_time_s > epoch_s(ctx.now));
            if bad {
                return Err(invalid_argument(format!(
                    "ExclusiveMinimumSequenceNumber {o} used in PutRecord on stream {name} under account {ACCOUNT_ID} is invalid."
                )));
            }
        }
        let size = (e.data.len() + e.partition_key.len()) as u64;
        let (shard_id, seq) = self.write(ctx, &name, &e)?;
        if let Some(s) = self.streams.get_mut(&name) {
            s.metrics.current.put_record_success += 1;
            s.metrics.current.put_record_bytes += size;
        }
        Ok(PutRecordOutput {
            shard_id,
            sequence_number: seq.to_decimal(),
            encryption_type: "NONE".into(),
        })
    }

    pub fn put_records(
        &mut self,
        ctx: &mut Ctx,
        i: &PutRecordsInput,
    ) -> Result<PutRecordsOutput, AwsError> {
        let Some(records) = &i.records else {
            return Err(required("records"));
        };
        if records.is_empty() {
            return Err(validation(
                Some("[]"),
                "records",
                "Member must have length greater than or equal to 1",
            ));
        }
        if records.len() > PUT_RECORDS_ENTRIES_MAX {
            return Err(AwsError::new(
                "ValidationException",
                "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
            ));
        }
        let entries = records
            .iter()
            .enumerate()
            .map(|(n, r)| {
                check_entry(
                    r.data.as_ref(),
                    r.partition_key.as_ref(),
                    r.explicit_hash_key.as_ref(),
                    &format!("records.{}.member.", n + 1),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let total: usize = entries
            .iter()
            .map(|e| e.data.len() + e.partition_key.len())
            .sum();
        if total > PUT_RECORDS_REQUEST_MAX {
            // moto's wording, with the current 10 MiB limit.
            return Err(invalid_argument("Records size exceeds 10 MB limit"));
        }
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        self.writable(&name)?;
        let mut out = PutRecordsOutput {
            failed_record_count: 0,
            records: Vec::with_capacity(entries.len()),
            encryption_type: "NONE".into(),
        };
        let mut throttled_n = 0u64;
        for e in &entries {
            match self.write(ctx, &name, e) {
                Ok((shard_id, seq)) => out.records.push(PutRecordsResultEntry {
                    sequence_number: Some(seq.to_decimal()),
                    shard_id: Some(shard_id),
                    ..Default::default()
                }),
                Err(err) => {
                    out.failed_record_count += 1;
                    if err.code == "ProvisionedThroughputExceededException" {
                        throttled_n += 1;
                    }
                    out.records.push(PutRecordsResultEntry {
                        error_code: Some(err.code),
                        error_message: Some(err.message),
                        ..Default::default()
                    });
                }
            }
        }
        if let Some(s) = self.streams.get_mut(&name) {
            let m = &mut s.metrics.current;
            let n = entries.len() as u64;
            let failed = u64::from(out.failed_record_count);
            m.put_records_total_records += n;
            m.put_records_successful_records += n - failed;
            m.put_records_failed_records += failed;
            m.put_records_throttled_records += throttled_n;
            if failed < n {
                m.put_records_success += 1;
            }
        }
        Ok(out)
    }

    // ------------------------------------------------------------------ reads

    /// Where an iterator (or a subscription) of `kind` starts in shard `ix`.
    #[allow(clippy::too_many_arguments)]
    fn start_position(
        &self,
        now: SimTime,
        s: &Stream,
        ix: u32,
        kind: &str,
        seq: Option<&str>,
        timestamp: Option<f64>,
        op: &str,
    ) -> Result<(SeqNum, bool), AwsError> {
        let shard = s
            .shard(ix)
            .ok_or_else(|| shard_does_not_exist(&shard_id_name(ix), &s.name))?;
        let shard_id = &shard.shard_id;
        let both = |with: &str| {
            invalid_argument(format!(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {kind} and {with} StartingSequenceNumber."
            ))
        };
        match (kind, seq) {
            ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", Some(text)) => {
                if !keys::is_decimal(text, 129) {
                    return Err(validation(
                        Some(text),
                        "startingSequenceNumber",
                        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
                    ));
                }
                let q = SeqNum::parse(text).ok_or_else(|| {
                    invalid_argument(format!(
                        "StartingSequenceNumber {text} used in {op} on shard {shard_id} in stream {} under account {ACCOUNT_ID} is invalid.",
                        s.name
                    ))
                })?;
                if q.shard_ix != ix {
                    return Err(invalid_argument(format!(
                        "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {shard_id}",
                        shard_id_name(q.shard_ix)
                    )));
                }
                if q.shard_create_s != shard.starting_seq.shard_create_s {
                    return Err(invalid_argument(format!(
                        "StartingSequenceNumber {text} used in {op} on shard {shard_id} in stream {} under account {ACCOUNT_ID} is invalid because it did not come from this stream.",
                        s.name
                    )));
                }
                Ok((q, kind == "AFTER_SEQUENCE_NUMBER"))
            }
            ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", None) => Err(both("no")),
            ("TRIM_HORIZON" | "LATEST", Some(_)) => Err(both("also a")),
            ("TRIM_HORIZON", None) => Ok((shard.starting_seq, false)),
            ("LATEST", None) => Ok((s.latest_position(ix), false)),
            ("AT_TIMESTAMP", _) => {
                let Some(ts) = timestamp else {
                    return Err(invalid_argument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."));
                };
                let ts_ms = (ts * 1000.0).round();
                let now_ms = epoch_ms(now);
                if ts_ms > now_ms as f64 {
                    return Err(invalid_argument(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {ts_ms}, currentTimestampInMillis: {now_ms}"
                    )));
                }
                let at = sim_time_of(ts);
                Ok(match shard.records.iter().find(|r| r.arrival >= at) {
                    Some(r) => (r.seq, false),
                    None => (s.latest_position(ix), false),
                })
            }
            _ => Err(validation(
                Some(kind),
                "shardIteratorType",
                &format!("Member must satisfy enum value set: {ITERATOR_TYPES}"),
            )),
        }
    }

    pub fn get_shard_iterator(
        &mut self,
        ctx: &mut Ctx,
        i: &GetShardIteratorInput,
    ) -> Result<GetShardIteratorOutput, AwsError> {
        let Some(shard_text) = i.shard_id.as_deref() else {
            return Err(required("shardId"));
        };
        let Some(kind) = i.shard_iterator_type.as_deref() else {
            return Err(required("shardIteratorType"));
        };
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let ix = parse_shard_id(shard_text).ok_or_else(|| shard_not_found(shard_text, &name))?;
        let s = self
            .streams
            .get_mut(&name)
            .filter(|s| matches!(s.status, StreamStatus::Active | StreamStatus::Updating))
            .ok_or_else(|| shard_does_not_exist(&shard_id_name(ix), &name))?;
        // 5 GetShardIterator calls per second per open shard (aws-rules §4.1), in whole virtual
        // seconds like the other shard limits.
        if let Some(sh) = s
            .shards
            .get_mut(ix as usize)
            .filter(|sh| sh.ending_seq.is_none())
        {
            sh.iterators.roll(ctx.now);
            if sh.iterators.records >= GET_SHARD_ITERATOR_PER_S {
                return Err(throttled(&sh.shard_id, &name));
            }
            sh.iterators.records += 1;
        }
        let s = &self.streams[&name];
        let (pos, after) = self.start_position(
            ctx.now,
            s,
            ix,
            kind,
            i.starting_sequence_number.as_deref(),
            i.timestamp,
            "GetShardIterator",
        )?;
        Ok(GetShardIteratorOutput {
            shard_iterator: Iterator {
                created_at: ctx.now,
                stream: name,
                incarnation: s.incarnation,
                shard: ix,
                pos,
                after,
            }
            .encode(),
        })
    }

    pub fn get_records(
        &mut self,
        ctx: &mut Ctx,
        i: &GetRecordsInput,
    ) -> Result<GetRecordsOutput, AwsError> {
        let Some(text) = i.shard_iterator.as_deref() else {
            return Err(required("shardIterator"));
        };
        if text.is_empty() || text.len() > 512 {
            return Err(validation(
                Some(text),
                "shardIterator",
                if text.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 512"
                },
            ));
        }
        let limit = i.limit.unwrap_or(GET_RECORDS_LIMIT_MAX as i64);
        check_range(limit, "limit", 1, GET_RECORDS_LIMIT_MAX as i64)?;
        let it = Iterator::decode(text)
            .filter(|it| it.created_at <= ctx.now)
            .ok_or_else(|| invalid_argument("Invalid ShardIterator."))?;
        let now = ctx.now;
        if now - it.created_at > ITERATOR_TTL_MS {
            return Err(AwsError::new(
                "ExpiredIteratorException",
                format!(
                    "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {ITERATOR_TTL_MS} milliseconds.",
                    amz_utc_string(epoch_ms(it.created_at)),
                    amz_utc_string(epoch_ms(now))
                ),
            ));
        }
        let shard_name = shard_id_name(it.shard);
        let gone = || shard_does_not_exist(&shard_name, &it.stream);
        let s = self
            .streams
            .get_mut(&it.stream)
            .filter(|s| {
                s.incarnation == it.incarnation
                    && matches!(s.status, StreamStatus::Active | StreamStatus::Updating)
            })
            .ok_or_else(gone)?;
        let cutoff = now.saturating_sub(s.retention_ms());
        let retention_started = now >= s.retention_ms();
        let mode = s.mode;
        let shard = s
            .shards
            .get_mut(it.shard as usize)
            .filter(|sh| !sh.expired)
            .ok_or_else(gone)?;
        // Read limits: 5 calls and 2 MiB per second per shard, in whole virtual seconds (see
        // `Window` for how AWS's token buckets differ).
        let second = now / 1000;
        if shard.read.second != second {
            shard.read.second = second;
            shard.read.calls = 0;
            shard.read.bytes = 0;
        }
        if now < shard.read.blocked_until || shard.read.calls >= SHARD_READ_CALLS_PER_S {
            shard.totals.reads_throttled += 1;
            s.metrics.current.read_provisioned_throughput_exceeded += 1;
            let (stream, sh) = (it.stream.clone(), shard_name.clone());
            ctx.events.push(now, || EventKind::ShardThrottled {
                stream,
                shard: sh,
                operation: "read".to_string(),
            });
            return Err(throttled(&shard_name, &it.stream));
        }
        shard.read.calls += 1;
        let mut start = shard.position(&it.pos, it.after);
        while retention_started && shard.records.get(start).is_some_and(|r| r.arrival < cutoff) {
            start += 1;
        }
        let mut out = Vec::new();
        let mut bytes = 0u64;
        let mut next = start;
        while let Some(r) = shard.records.get(next) {
            if out.len() >= limit as usize || bytes + r.data.len() as u64 > GET_RECORDS_BYTES_MAX {
                break;
            }
            bytes += r.data.len() as u64;
            out.push(r);
            next += 1;
        }
        shard.read.bytes += bytes;
        if shard.read.bytes > SHARD_READ_BYTES_PER_S {
            let seconds = shard.read.bytes.div_ceil(SHARD_READ_BYTES_PER_S);
            shard.read.blocked_until = second * 1000 + seconds * 1000;
        }
        let millis_behind = shard.records.get(next).map_or(0, |r| now - r.arrival);
        let age = out.last().map_or(0, |r| now - r.arrival);
        let records: Vec<RecordOut> = out.iter().map(|r| r.out()).collect();
        let at_end = records.is_empty() && !shard.is_open() && next >= shard.records.len();
        let (pos, after) = match out.last() {
            Some(r) => (r.seq, true),
            None => (it.pos, it.after),
        };
        let shard_ix = shard.ix;
        let m = &mut s.metrics.current;
        m.get_records_success += 1;
        m.get_records_records += records.len() as u64;
        m.get_records_bytes += bytes;
        m.get_records_iterator_age_ms = Some(m.get_records_iterator_age_ms.unwrap_or(0).max(age));
        if mode == StreamMode::OnDemand {
            self.cost.on_demand_read_bytes += bytes;
        }
        let (stream, sh, n) = (it.stream.clone(), shard_name.clone(), records.len());
        ctx.events.push(now, || EventKind::RecordsRead {
            stream,
            shard: sh,
            records: n,
            bytes,
            millis_behind_latest: millis_behind,
            consumer: None,
        });
        let (next_it, children) = if at_end {
            (None, Some(s.child_shards(shard_ix)))
        } else {
            (
                Some(
                    Iterator {
                        created_at: now,
                        stream: it.stream.clone(),
                        incarnation: it.incarnation,
                        shard: shard_ix,
                        pos,
                        after,
                    }
                    .encode(),
                ),
                None,
            )
        };
        Ok(GetRecordsOutput {
            records,
            next_shard_iterator: next_it,
            millis_behind_latest: millis_behind,
            child_shards: children,
        })
    }

    // ------------------------------------------------------------------ retention

    fn retention_request(&self, i: &RetentionInput) -> Result<(String, u32), AwsError> {
        let Some(h) = i.retention_period_hours else {
            return Err(required("retentionPeriodHours"));
        };
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.stream_ref(&name)?;
        if h < i64::from(RETENTION_MIN_HOURS) {
            return Err(invalid_argument(format!(
                "Minimum allowed retention period is 24 hours. Requested retention period ({h} hours) is too short."
            )));
        }
        if h > i64::from(RETENTION_MAX_HOURS) {
            return Err(invalid_argument(format!(
                "Maximum allowed retention period is 8760 hours. Requested retention period ({h} hours) is too long."
            )));
        }
        if s.status != StreamStatus::Active {
            return Err(not_active(s));
        }
        Ok((name, h as u32))
    }

    fn set_retention(&mut self, ctx: &mut Ctx, name: &str, hours: u32) {
        self.accrue(ctx.now);
        if let Some(s) = self.streams.get_mut(name) {
            s.retention_hours = hours;
            // A decrease makes older records inaccessible at once (aws-rules §4.4).
            s.trim(ctx);
            let stream = name.to_string();
            ctx.events
                .push(ctx.now, || EventKind::StreamRetentionChanged {
                    stream,
                    hours,
                });
        }
    }

    /// Raises the retention period. Equal to the current one is accepted (as kinesalite and
    /// moto do); lower is refused.
    pub fn increase_retention(
        &mut self,
        ctx: &mut Ctx,
        i: &RetentionInput,
    ) -> Result<(), AwsError> {
        let (name, hours) = self.retention_request(i)?;
        let current = self.stream_ref(&name)?.retention_hours;
        if hours < current {
            return Err(invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
            )));
        }
        self.set_retention(ctx, &name, hours);
        Ok(())
    }

    /// Lowers the retention period (not below 24 h). Equal is accepted; higher is refused.
    pub fn decrease_retention(
        &mut self,
        ctx: &mut Ctx,
        i: &RetentionInput,
    ) -> Result<(), AwsError> {
        let (name, hours) = self.retention_request(i)?;
        let current = self.stream_ref(&name)?.retention_hours;
        if hours > current {
            return Err(invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
            )));
        }
        self.set_retention(ctx, &name, hours);
        Ok(())
    }

    // ------------------------------------------------------------------ resharding

    fn reshardable(&self, name: &str) -> Result<&Stream, AwsError> {
        let s = self.stream_ref(name)?;
        if s.mode == StreamMode::OnDemand {
            return Err(on_demand_refused(s));
        }
        if s.status != StreamStatus::Active {
            return Err(not_active(s));
        }
        Ok(s)
    }

    fn open_shard_of(s: &Stream, text: &str) -> Result<u32, AwsError> {
        let ix = parse_shard_id(text)
            .filter(|&ix| s.shard(ix).is_some())
            .ok_or_else(|| shard_not_found(text, &s.name))?;
        if !s.shards[ix as usize].is_open() {
            return Err(invalid_argument(format!(
                "Shard {} in stream {} under account {ACCOUNT_ID} has already been merged or split, and thus is not eligible for merging or splitting.",
                shard_id_name(ix),
                s.name
            )));
        }
        Ok(ix)
    }

    pub fn split_shard(&mut self, ctx: &mut Ctx, i: &SplitShardInput) -> Result<(), AwsError> {
        let Some(shard_text) = i.shard_to_split.as_deref() else {
            return Err(required("shardToSplit"));
        };
        let Some(key_text) = i.new_starting_hash_key.as_deref() else {
            return Err(required("newStartingHashKey"));
        };
        if !keys::is_hash_key_text(key_text) {
            return Err(validation(
                Some(key_text),
                "newStartingHashKey",
                &format!("Member must satisfy regular expression pattern: {HASH_KEY_PATTERN}"),
            ));
        }
        check_name(shard_text, "shardToSplit")?;
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.reshardable(&name)?;
        let ix = Self::open_shard_of(s, shard_text)?;
        let current = self.open_shards_in_account();
        if current + 1 > self.config.account_shard_limit {
            return Err(shard_limit_error(
                current,
                self.config.account_shard_limit,
                1,
            ));
        }
        let sh = &s.shards[ix as usize];
        // kinesalite's (AWS's) rule: strictly above StartingHashKey + 1, below EndingHashKey.
        let key = keys::parse_hash_key(key_text);
        let ok = key.is_some_and(|k| {
            sh.start_hash.checked_add(1).is_some_and(|lo| k > lo) && k < sh.end_hash
        });
        let Some(key) = key.filter(|_| ok) else {
            return Err(invalid_argument(format!(
                "NewStartingHashKey {key_text} used in SplitShard() on shard {} in stream {name} under account {ACCOUNT_ID} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                sh.shard_id, sh.start_hash, sh.end_hash
            )));
        };
        let delay = self.config.update_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Split {
                shard: ix,
                new_starting_hash_key: key,
            },
            StreamStatus::Updating,
            delay,
        );
        Ok(())
    }

    pub fn merge_shards(&mut self, ctx: &mut Ctx, i: &MergeShardsInput) -> Result<(), AwsError> {
        let Some(a_text) = i.shard_to_merge.as_deref() else {
            return Err(required("shardToMerge"));
        };
        let Some(b_text) = i.adjacent_shard_to_merge.as_deref() else {
            return Err(required("adjacentShardToMerge"));
        };
        check_name(a_text, "shardToMerge")?;
        check_name(b_text, "adjacentShardToMerge")?;
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.reshardable(&name)?;
        let a = Self::open_shard_of(s, a_text)?;
        let b = Self::open_shard_of(s, b_text)?;
        let (sa, sb) = (&s.shards[a as usize], &s.shards[b as usize]);
        // Adjacent: the union of the two ranges is contiguous (either order).
        let adjacent = sa.end_hash.checked_add(1) == Some(sb.start_hash)
            || sb.end_hash.checked_add(1) == Some(sa.start_hash);
        if !adjacent {
            return Err(invalid_argument(format!(
                "Shards {} and {} in stream {name} under account {ACCOUNT_ID} are not an adjacent pair of shards eligible for merging",
                sa.shard_id, sb.shard_id
            )));
        }
        let delay = self.config.update_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Merge {
                shard: a,
                adjacent: b,
            },
            StreamStatus::Updating,
            delay,
        );
        Ok(())
    }

    pub fn update_shard_count(
        &mut self,
        ctx: &mut Ctx,
        i: &UpdateShardCountInput,
    ) -> Result<UpdateShardCountOutput, AwsError> {
        let Some(target) = i.target_shard_count else {
            return Err(required("targetShardCount"));
        };
        check_range(target, "targetShardCount", 1, 100_000)?;
        match i.scaling_type.as_deref() {
            None => return Err(required("scalingType")),
            Some("UNIFORM_SCALING") => {}
            Some(other) => {
                return Err(validation(
                    Some(other),
                    "scalingType",
                    "Member must satisfy enum value set: [UNIFORM_SCALING]",
                ))
            }
        }
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let now = ctx.now;
        let account_open = self.open_shards_in_account();
        let limit = self.config.account_shard_limit;
        let s = self.reshardable(&name)?;
        let open = s.open_shard_count();
        let target = target as u32;
        // The limits of aws-rules §4.1; the wording of these messages is mqlab's (UNCONFIRMED).
        let refuse = |why: String| Err(AwsError::new("LimitExceededException", why));
        if target > 2 * open {
            return refuse(format!("UpdateShardCount cannot scale stream {name} under account {ACCOUNT_ID} above double its current open shard count ({open}): requested {target}."));
        }
        if target * 2 < open {
            return refuse(format!("UpdateShardCount cannot scale stream {name} under account {ACCOUNT_ID} below half its current open shard count ({open}): requested {target}."));
        }
        if target > STREAM_SHARDS_MAX {
            return refuse(format!(
                "UpdateShardCount cannot scale stream {name} above {STREAM_SHARDS_MAX} shards."
            ));
        }
        let recent = s
            .update_shard_count_at
            .iter()
            .filter(|&&t| t + MS_PER_DAY > now)
            .count();
        if recent >= UPDATE_SHARD_COUNT_PER_DAY_MAX {
            return refuse(format!("UpdateShardCount has been called {recent} times for stream {name} under account {ACCOUNT_ID} in the last 24 hours; the limit is {UPDATE_SHARD_COUNT_PER_DAY_MAX}."));
        }
        if target > open && account_open + (target - open) > limit {
            return Err(shard_limit_error(account_open, limit, target - open));
        }
        let out = UpdateShardCountOutput {
            stream_name: name.clone(),
            current_shard_count: open,
            target_shard_count: target,
            stream_arn: s.arn.clone(),
        };
        let s = self.stream_mut(&name)?;
        s.update_shard_count_at.retain(|&t| t + MS_PER_DAY > now);
        s.update_shard_count_at.push_back(now);
        if target != open {
            let delay = self.config.update_delay_ms;
            self.schedule_change(
                ctx,
                &name,
                PendingChange::UpdateShardCount { target },
                StreamStatus::Updating,
                delay,
            );
        }
        Ok(out)
    }

    pub fn update_stream_mode(
        &mut self,
        ctx: &mut Ctx,
        i: &UpdateStreamModeInput,
    ) -> Result<(), AwsError> {
        let Some(arn) = i.stream_arn.as_deref() else {
            return Err(required("streamARN"));
        };
        let Some(d) = &i.stream_mode_details else {
            return Err(required("streamModeDetails"));
        };
        let mode = StreamMode::parse(&d.stream_mode).ok_or_else(|| {
            validation(
                Some(&d.stream_mode),
                "streamModeDetails.streamMode",
                "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
            )
        })?;
        let name = stream_name_from_arn(arn)?;
        let now = ctx.now;
        let s = self.stream_ref(&name)?;
        if s.status != StreamStatus::Active {
            return Err(not_active(s));
        }
        if s.mode == mode {
            // UNCONFIRMED wording.
            return Err(invalid_argument(format!(
                "Stream {name} under account {ACCOUNT_ID} is already in {} mode.",
                mode.as_str()
            )));
        }
        let recent = s
            .mode_switches_at
            .iter()
            .filter(|&&t| t + MS_PER_DAY > now)
            .count();
        if recent >= MODE_SWITCHES_PER_DAY_MAX {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("Stream {name} under account {ACCOUNT_ID} has switched capacity mode {recent} times in the last 24 hours; the limit is {MODE_SWITCHES_PER_DAY_MAX}."),
            ));
        }
        let s = self.stream_mut(&name)?;
        s.mode_switches_at.retain(|&t| t + MS_PER_DAY > now);
        s.mode_switches_at.push_back(now);
        let delay = self.config.update_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Mode(mode),
            StreamStatus::Updating,
            delay,
        );
        Ok(())
    }

    /// Applies a stream's pending change when its timer fires.
    pub(crate) fn finish_stream_change(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        incarnation: u64,
        change: u64,
    ) {
        let now = ctx.now;
        let current = self
            .streams
            .get(name)
            .is_some_and(|s| s.incarnation == incarnation && s.change_seq == change);
        if !current {
            return;
        }
        self.accrue(now);
        let Some(s) = self.streams.get_mut(name) else {
            return;
        };
        let Some(pending) = s.pending.take() else {
            return;
        };
        match pending {
            PendingChange::Create { shards } => {
                for (ix, range) in keys::even_ranges(shards).into_iter().enumerate() {
                    s.shards.push(Shard::new(ix as u32, range, now, None, None));
                }
            }
            PendingChange::Split {
                shard,
                new_starting_hash_key,
            } => split(ctx, s, shard, new_starting_hash_key),
            PendingChange::Merge { shard, adjacent } => merge(ctx, s, shard, adjacent),
            PendingChange::UpdateShardCount { target } => uniform_scaling(ctx, s, target),
            PendingChange::Mode(mode) => {
                s.mode = mode;
                if mode == StreamMode::OnDemand {
                    s.on_demand = OnDemandCapacity::new(s.open_shard_count());
                }
                let stream = name.to_string();
                ctx.events.push(now, || EventKind::StreamModeChanged {
                    stream,
                    mode: mode.as_str().to_string(),
                });
            }
            PendingChange::Delete => {
                self.streams.remove(name);
                let ended: Vec<u64> = self
                    .subscriptions
                    .values()
                    .filter(|x| x.stream == name)
                    .map(|x| x.id)
                    .collect();
                for id in ended {
                    self.end_subscription(id);
                }
                let stream = name.to_string();
                ctx.events.push(now, || EventKind::StreamDeleted { stream });
                return;
            }
        }
        s.status = StreamStatus::Active;
        let stream = name.to_string();
        ctx.events.push(now, || EventKind::StreamStatusChanged {
            stream,
            status: "ACTIVE".to_string(),
        });
        // Shards that closed end their readers' subscriptions once read to the end.
        self.wake_pushed(ctx, name, None);
    }

    // ------------------------------------------------------------------ enhanced fan-out

    fn stream_of_arn_input(&self, arn: Option<&str>) -> Result<String, AwsError> {
        let arn = arn.ok_or_else(|| required("streamARN"))?;
        let name = stream_name_from_arn(arn)?;
        self.stream_ref(&name)?;
        Ok(name)
    }

    /// (stream name, consumer name) of a consumer named by ARN or by stream ARN + name.
    fn find_consumer(&self, i: &ConsumerInput) -> Result<(String, String), AwsError> {
        let missing = |what: &str| {
            AwsError::new(
                "ResourceNotFoundException",
                format!("Consumer {what}, account {ACCOUNT_ID} not found."),
            )
        };
        if let Some(arn) = &i.consumer_arn {
            for s in self.streams.values() {
                if let Some(c) = s.consumers.values().find(|c| &c.arn == arn) {
                    return Ok((s.name.clone(), c.name.clone()));
                }
            }
            return Err(missing(arn));
        }
        let name = self.stream_of_arn_input(i.stream_arn.as_deref())?;
        let cname = i
            .consumer_name
            .as_deref()
            .ok_or_else(|| required("consumerName"))?;
        match self.streams.get(&name).and_then(|s| s.consumers.get(cname)) {
            Some(_) => Ok((name, cname.to_string())),
            None => Err(missing(cname)),
        }
    }

    pub fn register_stream_consumer(
        &mut self,
        ctx: &mut Ctx,
        i: &ConsumerInput,
    ) -> Result<Value, AwsError> {
        let cname = i
            .consumer_name
            .as_deref()
            .ok_or_else(|| required("consumerName"))?;
        check_name(cname, "consumerName")?;
        let name = self.stream_of_arn_input(i.stream_arn.as_deref())?;
        self.accrue(ctx.now);
        let delay = self.config.consumer_delay_ms;
        let s = self.stream_mut(&name)?;
        if s.consumers.contains_key(cname) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!(
                    "Consumer {cname} under stream {name} already exists for account {ACCOUNT_ID}."
                ),
            ));
        }
        if s.consumers.len() >= CONSUMERS_PER_STREAM_MAX {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("Stream {name} under account {ACCOUNT_ID} already has {CONSUMERS_PER_STREAM_MAX} registered consumers."),
            ));
        }
        if s.consumers
            .values()
            .filter(|c| c.status == "CREATING")
            .count()
            >= CONSUMERS_CREATING_MAX
        {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("At most {CONSUMERS_CREATING_MAX} consumers can be CREATING at once."),
            ));
        }
        let c = Consumer {
            name: cname.to_string(),
            arn: format!("{}/consumer/{cname}:{}", s.arn, epoch_s(ctx.now)),
            status: "CREATING",
            created_at: ctx.now,
        };
        let out = json!({ "Consumer": c.describe(&s.arn, false) });
        s.consumers.insert(cname.to_string(), c);
        ctx.timers.schedule(
            ctx.now + delay,
            KinesisTimer::ConsumerChange {
                stream: name.clone(),
                incarnation: s.incarnation,
                consumer: cname.to_string(),
            },
        );
        let (stream, consumer) = (name, cname.to_string());
        ctx.events
            .push(ctx.now, || EventKind::StreamConsumerRegistered {
                stream,
                consumer,
            });
        Ok(out)
    }

    pub fn describe_stream_consumer(&self, i: &ConsumerInput) -> Result<Value, AwsError> {
        let (stream, cname) = self.find_consumer(i)?;
        let s = self.stream_ref(&stream)?;
        let c = s
            .consumers
            .get(&cname)
            .ok_or_else(|| stream_not_found(&stream))?;
        Ok(json!({ "ConsumerDescription": c.describe(&s.arn, true) }))
    }

    pub fn list_stream_consumers(
        &self,
        ctx: &mut Ctx,
        i: &ListStreamConsumersInput,
    ) -> Result<Value, AwsError> {
        let name = self.stream_of_arn_input(i.stream_arn.as_deref())?;
        let max = i.max_results.unwrap_or(LIST_CONSUMERS_PAGE_MAX);
        check_range(max, "maxResults", 1, LIST_MEMBER_MAX)?;
        let max = max.min(LIST_CONSUMERS_PAGE_MAX);
        if i.next_token.is_some() && i.stream_creation_timestamp.is_some() {
            return Err(invalid_argument(
                "NextToken and StreamCreationTimestamp cannot be provided together.",
            ));
        }
        let after = match &i.next_token {
            Some(t) => Some(
                live_token(ctx, t)?["after"]
                    .as_str()
                    .ok_or_else(invalid_token)?
                    .to_string(),
            ),
            None => None,
        };
        let s = self.stream_ref(&name)?;
        let all: Vec<&Consumer> = s
            .consumers
            .values()
            .filter(|c| after.as_deref().is_none_or(|a| c.name.as_str() > a))
            .collect();
        let page = &all[..all.len().min(max as usize)];
        let mut out = json!({ "Consumers": page.iter().map(|c| c.describe(&s.arn, false)).collect::<Vec<_>>() });
        if all.len() > page.len() {
            if let Some(last) = page.last() {
                out["NextToken"] = json!(encode_token(
                    &json!({"after": last.name, "issued": ctx.now})
                ));
            }
        }
        Ok(out)
    }

    pub fn deregister_stream_consumer(
        &mut self,
        ctx: &mut Ctx,
        i: &ConsumerInput,
    ) -> Result<(), AwsError> {
        let (stream, cname) = self.find_consumer(i)?;
        let delay = self.config.consumer_delay_ms;
        let s = self.stream_mut(&stream)?;
        let incarnation = s.incarnation;
        let Some(c) = s.consumers.get_mut(&cname) else {
            return Ok(());
        };
        if c.status == "DELETING" {
            return Ok(());
        }
        c.status = "DELETING";
        let arn = c.arn.clone();
        ctx.timers.schedule(
            ctx.now + delay,
            KinesisTimer::ConsumerChange {
                stream: stream.clone(),
                incarnation,
                consumer: cname.clone(),
            },
        );
        let ended: Vec<u64> = self
            .subscriptions
            .values()
            .filter(|x| x.consumer == arn)
            .map(|x| x.id)
            .collect();
        for id in ended {
            self.end_subscription(id);
        }
        ctx.events
            .push(ctx.now, || EventKind::StreamConsumerDeregistered {
                stream,
                consumer: cname,
            });
        Ok(())
    }

    pub(crate) fn finish_consumer_change(
        &mut self,
        ctx: &mut Ctx,
        stream: &str,
        incarnation: u64,
        consumer: &str,
    ) {
        self.accrue(ctx.now);
        let Some(s) = self
            .streams
            .get_mut(stream)
            .filter(|s| s.incarnation == incarnation)
        else {
            return;
        };
        match s.consumers.get(consumer).map(|c| c.status) {
            Some("CREATING") => {
                if let Some(c) = s.consumers.get_mut(consumer) {
                    c.status = "ACTIVE";
                }
            }
            Some("DELETING") => {
                s.consumers.remove(consumer);
            }
            _ => {}
        }
    }

    /// Starts a push subscription of a registered consumer to one shard: every
    /// [`SUBSCRIPTION_PUSH_INTERVAL_MS`] it collects what arrived (up to 2 MiB per second for
    /// this consumer, independent of other readers) as a SubscribeToShardEvent, for 5 minutes
    /// or until a closed shard is read to its end. Returns the subscription id; with `caller`
    /// the collected events are the call's answer when it ends (the JSON API), otherwise read
    /// them with [`Kinesis::take_subscription_events`].
    ///
    /// Simplification: AWS streams events over HTTP/2 as records arrive and sends empty
    /// events as heartbeats; mqlab collects one event per push interval that found records,
    /// plus a last event with ChildShards at the end of a closed shard.
    pub fn subscribe_to_shard(
        &mut self,
        ctx: &mut Ctx,
        i: &SubscribeToShardInput,
        caller: Option<CallId>,
    ) -> Result<u64, AwsError> {
        let arn = i
            .consumer_arn
            .as_deref()
            .ok_or_else(|| required("consumerARN"))?;
        let shard_text = i.shard_id.as_deref().ok_or_else(|| required("shardId"))?;
        let sp = i
            .starting_position
            .as_ref()
            .ok_or_else(|| required("startingPosition"))?;
        let kind = sp
            .kind
            .as_deref()
            .ok_or_else(|| required("startingPosition.type"))?;
        let (stream, cname) = self.find_consumer(&ConsumerInput {
            consumer_arn: Some(arn.to_string()),
            ..Default::default()
        })?;
        let now = ctx.now;
        let s = self.stream_ref(&stream)?;
        if s.consumers.get(&cname).is_none_or(|c| c.status != "ACTIVE") {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("Consumer {arn} is not in ACTIVE state."),
            ));
        }
        let ix = parse_shard_id(shard_text)
            .filter(|&ix| s.shard(ix).is_some())
            .ok_or_else(|| shard_not_found(shard_text, &stream))?;
        let key = (arn.to_string(), ix);
        let previous = s.last_subscribe.get(&key).copied();
        if let Some((t, _)) = previous {
            if now < t + RESUBSCRIBE_MIN_INTERVAL_MS {
                return Err(AwsError::new(
                    "ResourceInUseException",
                    format!("Another active subscription exists for consumer {arn} on shard {}; a new one may take over 5 seconds after it started.", shard_id_name(ix)),
                ));
            }
        }
        let (pos, after) = self.start_position(
            now,
            s,
            ix,
            kind,
            sp.sequence_number.as_deref(),
            sp.timestamp,
            "SubscribeToShard",
        )?;
        let incarnation = s.incarnation;
        if let Some((_, old)) = previous {
            self.end_subscription(old);
        }
        let id = self.next_subscription;
        self.next_subscription += 1;
        if let Some(s) = self.streams.get_mut(&stream) {
            s.last_subscribe.insert(key, (now, id));
        }
        self.subscriptions.insert(
            id,
            Subscription {
                id,
                stream,
                incarnation,
                consumer: arn.to_string(),
                shard: ix,
                pos,
                after,
                started_at: now,
                ends_at: now + SUBSCRIPTION_TTL_MS,
                events: Vec::new(),
                caller,
                ended: false,
                notify: false,
                push_pending: false,
                window: Window::default(),
            },
        );
        ctx.timers
            .schedule(now, KinesisTimer::SubscriptionPush { subscription: id });
        Ok(id)
    }

    /// SubscribeToShard for a simulated consumer: records are pushed [`EFO_PUSH_LATENCY_MS`]
    /// after they are written (up to 2 MiB per second for this consumer and shard), at most
    /// [`PUSHED_EVENTS_PENDING_MAX`] events wait untaken, and the world tells the reader when
    /// an event or the end arrived. Take the events with [`Kinesis::take_pushed_events`].
    pub fn subscribe_to_shard_pushed(
        &mut self,
        ctx: &mut Ctx,
        i: &SubscribeToShardInput,
    ) -> Result<u64, AwsError> {
        let id = self.subscribe_to_shard(ctx, i, None)?;
        if let Some(sub) = self.subscriptions.get_mut(&id) {
            sub.notify = true;
            // subscribe_to_shard scheduled the first push (what is already there) at once.
            sub.push_pending = true;
            ctx.timers.schedule(
                sub.ends_at,
                KinesisTimer::SubscriptionPush { subscription: id },
            );
        }
        Ok(id)
    }

    /// Takes the events a pushed subscription holds and lets it read ahead again. The flag is
    /// true once the subscription has ended (5 minutes, the end of a closed shard, a new
    /// subscription that took over, the consumer or stream deleted): the reader subscribes
    /// again to go on.
    pub fn take_pushed_events(
        &mut self,
        ctx: &mut Ctx,
        id: u64,
    ) -> (Vec<SubscribeToShardEvent>, bool) {
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return (Vec::new(), true);
        };
        let events = std::mem::take(&mut sub.events);
        let ended = sub.ended;
        if ended {
            self.subscriptions.remove(&id);
        } else if !sub.push_pending {
            sub.push_pending = true;
            ctx.timers
                .schedule(ctx.now, KinesisTimer::SubscriptionPush { subscription: id });
        }
        (events, ended)
    }

    /// A record arrived in `shard` of `stream`, or the shard closed: pushed subscriptions on
    /// it that are not already due get a push after the propagation delay.
    pub(crate) fn wake_pushed(&mut self, ctx: &mut Ctx, stream: &str, shard: Option<u32>) {
        for sub in self.subscriptions.values_mut() {
            if sub.notify
                && !sub.ended
                && !sub.push_pending
                && sub.stream == stream
                && shard.is_none_or(|ix| ix == sub.shard)
            {
                sub.push_pending = true;
                ctx.timers.schedule(
                    ctx.now + EFO_PUSH_LATENCY_MS,
                    KinesisTimer::SubscriptionPush {
                        subscription: sub.id,
                    },
                );
            }
        }
    }

    /// Takes the events a typed subscription has collected so far; an ended subscription is
    /// forgotten once its events are taken.
    pub fn take_subscription_events(&mut self, id: u64) -> Vec<SubscribeToShardEvent> {
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return Vec::new();
        };
        let events = std::mem::take(&mut sub.events);
        if sub.ended {
            self.subscriptions.remove(&id);
        }
        events
    }

    fn end_subscription(&mut self, id: u64) {
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return;
        };
        if sub.ended {
            return;
        }
        sub.ended = true;
        if sub.notify {
            self.notified.push(id);
        }
        if let Some(call) = sub.caller {
            let events: Vec<Value> = std::mem::take(&mut sub.events)
                .into_iter()
                .map(|e| json!({ "SubscribeToShardEvent": api::to_json(e) }))
                .collect();
            self.replies
                .push((call, Ok(json!({ "EventStream": events }))));
            self.subscriptions.remove(&id);
        }
        // Typed subscriptions wait for their events to be taken; keep a bounded number.
        let ended: Vec<u64> = self
            .subscriptions
            .values()
            .filter(|x| x.ended)
            .map(|x| x.id)
            .collect();
        for old in ended
            .iter()
            .take(ended.len().saturating_sub(SUBSCRIPTION_EVENTS_MAX))
        {
            self.subscriptions.remove(old);
        }
    }

    pub(crate) fn push_subscription(&mut self, ctx: &mut Ctx, id: u64) {
        let now = ctx.now;
        let Some(sub) = self.subscriptions.get(&id).filter(|x| !x.ended) else {
            return;
        };
        if sub.notify {
            self.push_to_reader(ctx, id);
            return;
        }
        let (stream, incarnation, ix, pos, after, ends_at) = (
            sub.stream.clone(),
            sub.incarnation,
            sub.shard,
            sub.pos,
            sub.after,
            sub.ends_at,
        );
        let consumer = sub.consumer.clone();
        let Some(s) = self
            .streams
            .get_mut(&stream)
            .filter(|s| s.incarnation == incarnation)
        else {
            self.end_subscription(id);
            return;
        };
        let cutoff = now.saturating_sub(s.retention_ms());
        let Some(shard) = s.shards.get(ix as usize).filter(|sh| !sh.expired) else {
            self.end_subscription(id);
            return;
        };
        let mut start = shard.position(&pos, after);
        while now >= s.retention_ms()
            && shard.records.get(start).is_some_and(|r| r.arrival < cutoff)
        {
            start += 1;
        }
        let mut records = Vec::new();
        let mut bytes = 0u64;
        let mut next = start;
        while let Some(r) = shard.records.get(next) {
            if bytes + r.data.len() as u64 > EFO_BYTES_PER_S * SUBSCRIPTION_PUSH_INTERVAL_MS / 1000
                && !records.is_empty()
            {
                break;
            }
            bytes += r.data.len() as u64;
            records.push(r);
            next += 1;
        }
        let millis_behind = shard.records.get(next).map_or(0, |r| now - r.arrival);
        let at_end = records.is_empty() && !shard.is_open() && next >= shard.records.len();
        let mut event = None;
        let mut new_pos = (pos, after);
        if let Some(last) = records.last() {
            new_pos = (last.seq, true);
            event = Some(SubscribeToShardEvent {
                records: records.iter().map(|r| r.out()).collect(),
                continuation_sequence_number: last.seq.to_decimal(),
                millis_behind_latest: millis_behind,
                child_shards: None,
            });
        } else if at_end {
            event = Some(SubscribeToShardEvent {
                records: Vec::new(),
                continuation_sequence_number: shard.ending_seq.unwrap_or(pos).to_decimal(),
                millis_behind_latest: 0,
                child_shards: Some(s.child_shards(ix)),
            });
        }
        let n = records.len();
        s.metrics.current.subscribe_to_shard_event_records += n as u64;
        s.metrics.current.subscribe_to_shard_event_bytes += bytes;
        self.cost.efo_bytes += bytes;
        if n > 0 {
            let (st, sh, c) = (stream.clone(), shard_id_name(ix), consumer.clone());
            ctx.events.push(now, || EventKind::RecordsRead {
                stream: st,
                shard: sh,
                records: n,
                bytes,
                millis_behind_latest: millis_behind,
                consumer: Some(c),
            });
        }
        if let Some(sub) = self.subscriptions.get_mut(&id) {
            sub.pos = new_pos.0;
            sub.after = new_pos.1;
            if let Some(e) = event {
                if sub.events.len() < SUBSCRIPTION_EVENTS_MAX {
                    sub.events.push(e);
                }
            }
        }
        if at_end || now + SUBSCRIPTION_PUSH_INTERVAL_MS > ends_at {
            self.end_subscription(id);
        } else {
            ctx.timers.schedule(
                now + SUBSCRIPTION_PUSH_INTERVAL_MS,
                KinesisTimer::SubscriptionPush { subscription: id },
            );
        }
    }
}

impl Kinesis {
    /// On-demand scaling at each metrics minute: a shard that has received more than
    /// [`ON_DEMAND_SHARD_SPLIT_BYTES_PER_S`] (as a per-minute average) for
    /// [`ON_DEMAND_SPLIT_SUSTAINED_MS`] is split at the middle of its hash-key range, as
    /// SplitShard would (aws-rules §4.7): the parent closes, two children take its keys, and the
    /// same ShardSplit event is recorded. The stream stays ACTIVE; AWS does this without a
    /// visible UPDATING state. Deterministic: it depends only on the bytes written.
    pub(crate) fn split_hot_on_demand_shards(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let mut split_any = Vec::new();
        for s in self.streams.values_mut() {
            let scalable = s.mode == StreamMode::OnDemand
                && s.status == StreamStatus::Active
                && s.pending.is_none();
            let mut due = Vec::new();
            for sh in s.shards.iter_mut().filter(|sh| sh.is_open()) {
                let bytes = sh.totals.bytes_in - sh.bytes_in_at_minute;
                sh.bytes_in_at_minute = sh.totals.bytes_in;
                if !scalable || bytes <= ON_DEMAND_SHARD_SPLIT_BYTES_PER_S * 60 {
                    sh.hot_since = None;
                    continue;
                }
                let since = *sh.hot_since.get_or_insert(now.saturating_sub(MS_PER_MIN));
                if now >= since + ON_DEMAND_SPLIT_SUSTAINED_MS && sh.end_hash > sh.start_hash + 1 {
                    due.push((sh.ix, sh.start_hash + (sh.end_hash - sh.start_hash) / 2 + 1));
                }
            }
            let limit = STREAM_SHARDS_MAX.saturating_sub(s.open_shard_count()) as usize;
            for (ix, key) in due.into_iter().take(limit) {
                split(ctx, s, ix, key);
                split_any.push(s.name.clone());
            }
        }
        split_any.dedup();
        for name in split_any {
            self.wake_pushed(ctx, &name, None);
        }
    }

    /// A push of a simulated consumer's subscription: what arrived since the last one, within
    /// this second's 2 MiB for the consumer on this shard, as one event; the end of a closed
    /// shard as a last event with ChildShards. More to send than the budget allows waits for
    /// the next second; an event not yet taken holds the rest back (flow control).
    fn push_to_reader(&mut self, ctx: &mut Ctx, id: u64) {
        let now = ctx.now;
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return;
        };
        sub.push_pending = false;
        if now >= sub.ends_at {
            self.end_subscription(id);
            return;
        }
        if sub.events.len() >= PUSHED_EVENTS_PENDING_MAX {
            return; // take_pushed_events resumes it
        }
        let (stream, incarnation, ix, pos, after) = (
            sub.stream.clone(),
            sub.incarnation,
            sub.shard,
            sub.pos,
            sub.after,
        );
        sub.window.roll(now);
        let budget = EFO_BYTES_PER_S.saturating_sub(sub.window.bytes);
        let Some(s) = self
            .streams
            .get_mut(&stream)
            .filter(|s| s.incarnation == incarnation)
        else {
            self.end_subscription(id);
            return;
        };
        let cutoff = now.saturating_sub(s.retention_ms());
        let Some(shard) = s.shards.get(ix as usize).filter(|sh| !sh.expired) else {
            self.end_subscription(id);
            return;
        };
        let mut next = shard.position(&pos, after);
        while now >= s.retention_ms() && shard.records.get(next).is_some_and(|r| r.arrival < cutoff)
        {
            next += 1;
        }
        let mut records = Vec::new();
        let mut bytes = 0u64;
        while let Some(r) = shard.records.get(next) {
            if bytes + r.data.len() as u64 > budget {
                break;
            }
            bytes += r.data.len() as u64;
            records.push(r);
            next += 1;
        }
        let more = next < shard.records.len();
        let millis_behind = shard.records.get(next).map_or(0, |r| now - r.arrival);
        let at_end = !more && records.is_empty() && !shard.is_open();
        let event = if let Some(last) = records.last() {
            Some((
                SubscribeToShardEvent {
                    records: records.iter().map(|r| r.out()).collect(),
                    continuation_sequence_number: last.seq.to_decimal(),
                    millis_behind_latest: millis_behind,
                    child_shards: None,
                },
                (last.seq, true),
            ))
        } else if at_end {
            Some((
                SubscribeToShardEvent {
                    records: Vec::new(),
                    continuation_sequence_number: shard.ending_seq.unwrap_or(pos).to_decimal(),
                    millis_behind_latest: 0,
                    child_shards: Some(s.child_shards(ix)),
                },
                (pos, after),
            ))
        } else {
            None
        };
        let n = records.len();
        s.metrics.current.subscribe_to_shard_event_records += n as u64;
        s.metrics.current.subscribe_to_shard_event_bytes += bytes;
        self.cost.efo_bytes += bytes;
        let consumer = self.subscriptions.get(&id).map(|x| x.consumer.clone());
        if n > 0 {
            let (st, sh) = (stream.clone(), shard_id_name(ix));
            ctx.events.push(now, || EventKind::RecordsRead {
                stream: st,
                shard: sh,
                records: n,
                bytes,
                millis_behind_latest: millis_behind,
                consumer,
            });
        }
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return;
        };
        sub.window.bytes += bytes;
        if let Some((e, (p, a))) = event {
            sub.pos = p;
            sub.after = a;
            sub.events.push(e);
            self.notified.push(id);
        }
        let held = sub.events.len() >= PUSHED_EVENTS_PENDING_MAX;
        if at_end {
            self.end_subscription(id);
        } else if more && !held {
            // This second's 2 MiB are used up: the rest goes in the next second. (With an
            // event waiting, take_pushed_events resumes the pushes instead.)
            sub.push_pending = true;
            ctx.timers.schedule(
                (now / MS_PER_S + 1) * MS_PER_S,
                KinesisTimer::SubscriptionPush { subscription: id },
            );
        }
    }
}

/// Closes `ix` and opens its two children at `key` (kinesalite's splitShard).
fn split(ctx: &mut Ctx, s: &mut Stream, ix: u32, key: u128) {
    let now = ctx.now;
    let Some(parent) = s
        .shards
        .get_mut(ix as usize)
        .filter(|p| p.is_open() && key > p.start_hash && key <= p.end_hash)
    else {
        return;
    };
    close(parent, now);
    let (start, end, pid) = (parent.start_hash, parent.end_hash, parent.shard_id.clone());
    let a = s.shards.len() as u32;
    s.shards.push(Shard::new(
        a,
        (start, key - 1),
        now,
        Some(pid.clone()),
        None,
    ));
    s.shards
        .push(Shard::new(a + 1, (key, end), now, Some(pid.clone()), None));
    let stream = s.name.clone();
    ctx.events.push(now, || EventKind::ShardSplit {
        stream,
        parent: pid,
        children: vec![shard_id_name(a), shard_id_name(a + 1)],
    });
}

/// Closes `a` and `b` and opens one child over both ranges (kinesalite's mergeShards).
fn merge(ctx: &mut Ctx, s: &mut Stream, a: u32, b: u32) {
    let now = ctx.now;
    let open = |ix: u32| s.shards.get(ix as usize).is_some_and(|x| x.is_open());
    if a == b || !open(a) || !open(b) {
        return;
    }
    let start = s.shards[a as usize]
        .start_hash
        .min(s.shards[b as usize].start_hash);
    let end = s.shards[a as usize]
        .end_hash
        .max(s.shards[b as usize].end_hash);
    close(&mut s.shards[a as usize], now);
    close(&mut s.shards[b as usize], now);
    let (pa, pb) = (shard_id_name(a), shard_id_name(b));
    let c = s.shards.len() as u32;
    s.shards.push(Shard::new(
        c,
        (start, end),
        now,
        Some(pa.clone()),
        Some(pb.clone()),
    ));
    let stream = s.name.clone();
    ctx.events.push(now, || EventKind::ShardsMerged {
        stream,
        parents: vec![pa, pb],
        child: shard_id_name(c),
    });
}

fn close(shard: &mut Shard, now: SimTime) {
    shard.ending_seq = Some(SeqNum {
        shard_create_s: shard.starting_seq.shard_create_s,
        seq_ix: SeqNum::SEQ_IX_MAX,
        seq_time_s: epoch_s(now),
        shard_ix: shard.ix,
    });
    shard.closed_at = Some(now);
}

/// UpdateShardCount with UNIFORM_SCALING, as splits and merges (AWS does the same
/// internally, aws-rules §4.5): scaling up splits the widest open shards at their midpoints,
/// scaling down merges neighbouring pairs in hash order. Each shard is split or merged at most
/// once, so every child has one or two parents; the ranges are even when the count doubles or
/// halves and close to even otherwise.
fn uniform_scaling(ctx: &mut Ctx, s: &mut Stream, target: u32) {
    let mut open: Vec<(u128, u32)> = s
        .shards
        .iter()
        .filter(|x| x.is_open())
        .map(|x| (x.start_hash, x.ix))
        .collect();
    open.sort();
    let n = open.len() as u32;
    if target > n {
        let mut by_width: Vec<(u128, u32)> = open
            .iter()
            .map(|&(_, ix)| {
                let sh = &s.shards[ix as usize];
                (sh.end_hash - sh.start_hash, ix)
            })
            .collect();
        // Widest first; ties in shard order.
        by_width.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(width, ix) in by_width.iter().take((target - n) as usize) {
            if width == 0 {
                continue;
            }
            let key = s.shards[ix as usize].start_hash + width / 2 + 1;
            split(ctx, s, ix, key);
        }
    } else {
        let merges = (n - target) as usize;
        for pair in open.chunks(2).take(merges) {
            if let [(_, a), (_, b)] = pair {
                merge(ctx, s, *a, *b);
            }
        }
    }
}
