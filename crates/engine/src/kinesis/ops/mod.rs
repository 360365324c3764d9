//! The Kinesis Data Streams operations. Error codes are the API model's; messages follow
//! kinesalite's (which copied AWS's) where it has one, moto's otherwise, and are mqlab's own
//! (marked UNCONFIRMED) where neither has the case.

use super::api::*;
use super::keys::{self, amz_utc_string, SeqNum};
use super::stream::*;
use super::*;
use crate::core::base64 as b64;
use crate::core::event::EventKind;
use crate::core::payload::Payload;
use crate::core::time::{epoch_ms, epoch_s, MS_PER_DAY, MS_PER_MIN};
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
        b64::encode(bytes)
    }

    fn decode(s: &str) -> Option<Iterator> {
        let bytes = b64::decode(s.as_bytes()).ok()?;
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
    b64::encode(v.to_string())
}

fn decode_token(s: &str) -> Option<Value> {
    let bytes = b64::decode(s.as_bytes()).ok()?;
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

    pub(super) fn open_shards_in_account(&self) -> u32 {
        self.streams
            .values()
            .map(|s| match &s.pending {
                Some(PendingChange::Create { shards }) => *shards,
                _ => s.open_shard_count(),
            })
            .sum()
    }

    /// Marks the stream as changing and schedules the end of the change.
    pub(super) fn schedule_change(
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
}

mod control;
mod data;
mod fanout;
mod resharding;
