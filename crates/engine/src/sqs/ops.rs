//! The SQS operations, AWS-shaped: names, parameters, defaults, ranges and error codes.

use super::api::*;
use super::attributes::{self, QueueAttributes, RedrivePermission, ALL_ATTRIBUTE_NAMES};
use super::message_attributes::{self as mattrs, md5_of_attributes};
use super::queue::{AttemptRecord, Message, MessageState, Queue, Waiter, SERVERS_PER_QUEUE};
use super::validate::*;
use super::*;
use crate::core::base64 as b64;
use crate::core::ordmap::btree_map_from;
use crate::core::payload::{Md5Hex, Payload};
use crate::core::route::{QueueInfo, QueueReceived, QueueSend};
use crate::core::time::{epoch_ms, MS_PER_S};
use serde_json::json;
use std::rc::Rc;

const HANDLE_PREFIX: &str = "AQEB";
/// A queue carries at most 50 tags.
const QUEUE_TAGS_MAX: usize = 50;
const HANDLE_HEADER_BYTES: usize = 16;
const HANDLE_RANDOM_BYTES: usize = 32;

/// Standard base64's alphabet and its values (the characters a receipt handle is written in).
use crate::core::base64::{STANDARD as B64, STANDARD_VALUES as B64_VALUE};

/// A receipt handle's 48 bytes: the queue, the message and which receive issued it, then
/// random bytes, as AWS's handles look. Its text (the prefix and the base64 of the bytes) is
/// written only where a caller reads it: a simulated consumer keeps the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle([u8; HANDLE_HEADER_BYTES + HANDLE_RANDOM_BYTES]);

impl Handle {
    fn new(ctx: &mut Ctx, queue: u32, seq: u64, gen: u32) -> Handle {
        let mut bytes = [0u8; HANDLE_HEADER_BYTES + HANDLE_RANDOM_BYTES];
        bytes[0..4].copy_from_slice(&queue.to_be_bytes());
        bytes[4..12].copy_from_slice(&seq.to_be_bytes());
        bytes[12..16].copy_from_slice(&gen.to_be_bytes());
        for chunk in bytes[HANDLE_HEADER_BYTES..].chunks_exact_mut(8) {
            chunk.copy_from_slice(&ctx.rng.next_u64().to_be_bytes());
        }
        Handle(bytes)
    }

    /// The handle as ReceiveMessage returns it.
    pub fn text(&self) -> String {
        handle_text(&self.0)
    }

    /// (queue, seq, receive generation), as `decode_handle` reads them from the text.
    fn parts(&self) -> (u32, u64, u32) {
        let b = &self.0;
        let word = |r: std::ops::Range<usize>| b[r].iter().fold(0u64, |n, &x| n << 8 | x as u64);
        (word(0..4) as u32, word(4..12), word(12..16) as u32)
    }

    /// The bytes of a handle's text, if it is one of ours.
    fn from_text(h: &str) -> Option<Handle> {
        decode_handle(h)?;
        let bytes = b64::decode(h.strip_prefix(HANDLE_PREFIX)?).ok()?;
        Some(Handle(bytes.try_into().ok()?))
    }
}

/// A receipt handle as the typed API carries it: one this world issued, held as its bytes (its
/// text is written only where it is read: serialised, displayed, compared with a text), or a
/// text a caller sent, decoded where it is used. Serialised and deserialised as the string AWS
/// sends, so the JSON API and scripts see no difference.
#[derive(Clone, Debug)]
pub enum ReceiptHandle {
    Issued(Handle),
    Text(String),
}

impl ReceiptHandle {
    /// The handle as AWS writes it.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ReceiptHandle::Issued(h) => h.text().into(),
            ReceiptHandle::Text(t) => t.as_str().into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, ReceiptHandle::Text(t) if t.is_empty())
    }

    /// (queue, seq, receive generation): an issued handle's without decoding, a text's if it
    /// is one of ours.
    fn parts(&self) -> Option<(u32, u64, u32)> {
        match self {
            ReceiptHandle::Issued(h) => Some(h.parts()),
            ReceiptHandle::Text(t) => decode_handle(t),
        }
    }
}

impl PartialEq for ReceiptHandle {
    fn eq(&self, o: &Self) -> bool {
        match (self, o) {
            (ReceiptHandle::Issued(a), ReceiptHandle::Issued(b)) => a == b,
            _ => self.text() == o.text(),
        }
    }
}
impl Eq for ReceiptHandle {}

impl PartialEq<str> for ReceiptHandle {
    fn eq(&self, o: &str) -> bool {
        self.text() == o
    }
}

impl std::fmt::Display for ReceiptHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// An empty text: what a default message carries.
impl Default for ReceiptHandle {
    fn default() -> Self {
        ReceiptHandle::Text(String::new())
    }
}

impl From<String> for ReceiptHandle {
    fn from(t: String) -> Self {
        ReceiptHandle::Text(t)
    }
}

impl From<&str> for ReceiptHandle {
    fn from(t: &str) -> Self {
        ReceiptHandle::Text(t.to_string())
    }
}

impl serde::Serialize for ReceiptHandle {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> serde::Deserialize<'de> for ReceiptHandle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ReceiptHandle::Text)
    }
}

/// The members of a message to send, borrowed from the request that carries them
/// (SendMessage, a batch entry, another service's delivery): validated, then copied once
/// into the message (a SendMessage is no longer copied into a batch entry first).
pub(crate) struct Outgoing<'a> {
    body: Option<&'a Payload>,
    delay_seconds: Option<i64>,
    attributes: &'a mattrs::MessageAttributes,
    system_attributes: &'a mattrs::MessageAttributes,
    dedup_id: Option<&'a str>,
    group_id: Option<&'a str>,
}

impl<'a> From<&'a SendMessageBatchEntry> for Outgoing<'a> {
    fn from(e: &'a SendMessageBatchEntry) -> Self {
        Outgoing {
            body: e.message_body.as_ref(),
            delay_seconds: e.delay_seconds,
            attributes: &e.message_attributes,
            system_attributes: &e.message_system_attributes,
            dedup_id: e.message_deduplication_id.as_deref(),
            group_id: e.message_group_id.as_deref(),
        }
    }
}

/// What a delivery from another service carries as system attributes.
static NO_ATTRIBUTES: mattrs::MessageAttributes = mattrs::MessageAttributes::new();

/// A message a receive took, by place: what a simulated consumer keeps (its id, its body and
/// its handle's bytes); an API answer is rendered from the message itself.
#[derive(Clone, Debug)]
pub struct Taken {
    seq: u64,
    pub message_id: crate::core::rng::Uuid,
    pub body: Payload,
    pub handle: Handle,
}

impl Taken {
    /// What a consumer keeps of a rendered message (an answer replayed for an attempt id).
    pub fn from_received(m: ReceivedMessage) -> Option<Taken> {
        let handle = match m.receipt_handle {
            ReceiptHandle::Issued(h) => h,
            ReceiptHandle::Text(t) => Handle::from_text(&t)?,
        };
        Some(Taken {
            seq: handle.parts().1,
            message_id: m.message_id,
            body: m.body,
            handle,
        })
    }
}

/// The handle's prefix and the standard base64 of its 48 bytes: 16 groups of 3 bytes, 4
/// characters each, no padding (written here: a general encoder cost more than the rest of
/// a receive).
fn handle_text(bytes: &[u8; HANDLE_HEADER_BYTES + HANDLE_RANDOM_BYTES]) -> String {
    const CHARS: usize = (HANDLE_HEADER_BYTES + HANDLE_RANDOM_BYTES) / 3 * 4;
    let mut text = [0u8; HANDLE_PREFIX.len() + CHARS];
    text[..HANDLE_PREFIX.len()].copy_from_slice(HANDLE_PREFIX.as_bytes());
    for (group, out) in bytes
        .chunks_exact(3)
        .zip(text[HANDLE_PREFIX.len()..].chunks_exact_mut(4))
    {
        let n = (group[0] as u32) << 16 | (group[1] as u32) << 8 | group[2] as u32;
        for (k, c) in out.iter_mut().enumerate() {
            *c = B64[(n >> (18 - 6 * k) & 0x3F) as usize];
        }
    }
    // Base64 characters are ASCII.
    String::from_utf8(text.to_vec()).unwrap_or_default()
}

fn decode_handle(h: &str) -> Option<(u32, u64, u32)> {
    const LEN: usize = HANDLE_HEADER_BYTES + HANDLE_RANDOM_BYTES;
    // The header's 16 bytes lie in the first 24 characters (18 bytes); the rest need only be
    // base64 characters, which 64 unpadded ones always decode to 48 bytes. A handle of any
    // other shape is not one of ours.
    const HEADER_CHARS: usize = 24;
    let text = h.strip_prefix(HANDLE_PREFIX)?.as_bytes();
    if text.len() != LEN.div_ceil(3) * 4
        || text.iter().fold(0, |bad, &c| bad | B64_VALUE[c as usize]) == 0xFF
    {
        return None;
    }
    let mut bytes = [0u8; HEADER_CHARS / 4 * 3];
    for (quad, out) in text[..HEADER_CHARS]
        .chunks_exact(4)
        .zip(bytes.chunks_exact_mut(3))
    {
        let n = quad
            .iter()
            .fold(0u32, |n, &c| n << 6 | B64_VALUE[c as usize] as u32);
        out.copy_from_slice(&n.to_be_bytes()[1..]);
    }
    let queue = u32::from_be_bytes(bytes[0..4].try_into().ok()?);
    let seq = u64::from_be_bytes(bytes[4..12].try_into().ok()?);
    let gen = u32::from_be_bytes(bytes[12..16].try_into().ok()?);
    Some((queue, seq, gen))
}

fn invalid_handle(h: &str) -> AwsError {
    AwsError::new(
        "ReceiptHandleIsInvalid",
        format!("The input receipt handle \"{h}\" is not a valid receipt handle."),
    )
}

fn handle_expired(h: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Value {h} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
    ))
}

fn not_available_for_change(h: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Value {h} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."
    ))
}

fn not_valid_for_queue_type(param: &str, value: impl std::fmt::Display) -> AwsError {
    range_error(
        param,
        value,
        "The request include parameter that is not valid for this queue type.",
    )
}

fn bounded(
    param: &str,
    v: Option<i64>,
    min: i64,
    max: i64,
    rule: &str,
) -> Result<Option<i64>, AwsError> {
    match v {
        Some(x) if x < min || x > max => Err(range_error(param, x, rule)),
        other => Ok(other),
    }
}

impl Sqs {
    fn queue(&self, id: u32) -> &Queue {
        &self.queues[&id]
    }

    fn queue_mut(&mut self, id: u32) -> &mut Queue {
        self.queues.get_mut(&id).expect("resolved queue ids exist")
    }

    // ----------------------------------------------------------------- queue lifecycle

    pub fn create_queue(
        &mut self,
        ctx: &mut Ctx,
        input: &CreateQueueInput,
    ) -> Result<Value, AwsError> {
        let name = required(&input.queue_name, "QueueName")?;
        let fifo_attr = input
            .attributes
            .get("FifoQueue")
            .map(|v| v.eq_ignore_ascii_case("true"));
        let fifo = fifo_attr.unwrap_or(false);
        check_queue_name(name, fifo)?;
        // The 50-tag quota holds for the tags a queue is created with too (aws-rules §1.17).
        if input.tags.len() > QUEUE_TAGS_MAX {
            return Err(too_many_tags());
        }
        let mut attrs = QueueAttributes::defaults(fifo);
        for (k, v) in attributes::attribute_pairs(&input.attributes) {
            attrs.apply(k, v, true)?;
        }
        attrs.check_combination()?;
        self.check_redrive_target(&attrs, &queue_arn(name))?;

        if let Some(&id) = self.by_name.get(name) {
            // Same name: fine if every attribute given equals the existing value (aws-rules §1.2).
            let q = self.queue(id);
            let same = input
                .attributes
                .iter()
                .all(|(k, _)| q.attrs.render(k) == attrs.render(k));
            if !same {
                return Err(AwsError::new(
                    "QueueNameExists",
                    format!("A queue already exists with the same name and a different value for attribute {}", differing(&q.attrs, &attrs, &input.attributes)),
                ));
            }
            return Ok(json!({ "QueueUrl": q.url }));
        }
        if let Some(&at) = self.deleted_at.get(name) {
            if ctx.now < at + QUEUE_NAME_REUSE_MS {
                return Err(AwsError::new(
                    "QueueDeletedRecently",
                    "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
                ));
            }
            self.deleted_at.remove(name);
        }
        let id = self.next_queue_id;
        self.next_queue_id += 1;
        let mut q = Queue::new(id, name, queue_url(name), queue_arn(name), attrs, ctx.now);
        q.tags = input.tags.clone();
        let url = q.url.clone();
        self.queues.insert(id, q);
        self.by_name.insert(name.to_string(), id);
        ctx.events.push(ctx.now, || EventKind::QueueCreated {
            queue: name.to_string(),
            fifo,
        });
        Ok(json!({ "QueueUrl": url }))
    }

    /// A RedrivePolicy must name an existing queue of the same type whose RedriveAllowPolicy
    /// lets this queue use it (aws-rules §1.2, §1.8).
    fn check_redrive_target(
        &self,
        attrs: &QueueAttributes,
        source_arn: &str,
    ) -> Result<(), AwsError> {
        let Some(p) = &attrs.redrive_policy else {
            return Ok(());
        };
        let bad = |reason: &str| {
            AwsError::invalid_parameter_value(format!(
                "Value {{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":{}}} for parameter RedrivePolicy is invalid. Reason: {reason}",
                p.dead_letter_target_arn, p.max_receive_count
            ))
        };
        let dlq = self
            .resolve_arn(&p.dead_letter_target_arn)
            .map(|id| self.queue(id))
            .ok_or_else(|| bad("Dead letter target does not exist."))?;
        if dlq.fifo() != attrs.fifo_queue {
            return Err(bad(
                "Dead-letter queue must be same type of queue as the source.",
            ));
        }
        match &dlq.attrs.redrive_allow_policy {
            Some(RedrivePermission::DenyAll) => Err(bad(
                "Dead-letter queue does not allow this queue as a source (RedriveAllowPolicy).",
            )),
            Some(RedrivePermission::ByQueue(arns)) if !arns.iter().any(|a| a == source_arn) => {
                Err(bad(
                    "Dead-letter queue does not allow this queue as a source (RedriveAllowPolicy).",
                ))
            }
            _ => Ok(()),
        }
    }

    pub fn get_queue_url(&self, input: &GetQueueUrlInput) -> Result<Value, AwsError> {
        let name = required(&input.queue_name, "QueueName")?;
        if let Some(owner) = &input.queue_owner_aws_account_id {
            if owner != ACCOUNT_ID {
                return Err(queue_does_not_exist());
            }
        }
        let id = self.by_name.get(name).ok_or_else(queue_does_not_exist)?;
        Ok(json!({ "QueueUrl": self.queue(*id).url }))
    }

    pub fn list_queues(&self, input: &ListQueuesInput) -> Result<Value, AwsError> {
        let max = bounded(
            "MaxResults",
            input.max_results,
            1,
            LIST_QUEUES_MAX as i64,
            "MaxResults must be an integer between 1 and 1000.",
        )?;
        let prefix = input.queue_name_prefix.as_deref().unwrap_or("");
        let start = decode_list_token(input.next_token.as_deref())?;
        let names: Vec<&String> = self
            .by_name
            .keys()
            .filter(|n| n.starts_with(prefix))
            .filter(|n| start.as_ref().is_none_or(|s| n.as_str() > s.as_str()))
            .collect();
        let limit = max.map(|m| m as usize).unwrap_or(LIST_QUEUES_MAX);
        let page: Vec<String> = names.iter().take(limit).map(|n| queue_url(n)).collect();
        let mut out = serde_json::Map::new();
        if !page.is_empty() {
            out.insert("QueueUrls".into(), json!(page));
        }
        // Pagination tokens are returned only when MaxResults was given (as AWS does).
        if max.is_some() && names.len() > limit {
            out.insert(
                "NextToken".into(),
                json!(b64::encode(names[limit - 1].as_bytes())),
            );
        }
        Ok(Value::Object(out))
    }

    pub fn delete_queue(
        &mut self,
        ctx: &mut Ctx,
        input: &QueueUrlInput,
    ) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let q = self.queues.remove(&id).expect("resolved");
        self.by_name.remove(&q.name);
        self.deleted_at.insert(q.name.clone(), ctx.now);
        for w in q.waiters {
            self.replies.push((w.caller, Err(queue_does_not_exist())));
        }
        ctx.events
            .push(ctx.now, || EventKind::QueueDeleted { queue: q.name });
        Ok(json!({}))
    }

    pub fn get_queue_attributes(
        &self,
        ctx: &mut Ctx,
        input: &GetQueueAttributesInput,
    ) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let q = self.queue(id);
        let mut names: Vec<&str> = Vec::new();
        for n in &input.attribute_names {
            if n == "All" {
                names.extend_from_slice(ALL_ATTRIBUTE_NAMES);
            } else if ALL_ATTRIBUTE_NAMES.contains(&n.as_str()) {
                names.push(n);
            } else {
                return Err(attributes::unknown_attribute(n));
            }
        }
        let mut out = BTreeMap::new();
        for n in names {
            let v = match n {
                "ApproximateNumberOfMessages" => Some(q.visible_count().to_string()),
                "ApproximateNumberOfMessagesDelayed" => Some(q.delayed_count().to_string()),
                "ApproximateNumberOfMessagesNotVisible" => Some(q.in_flight_count().to_string()),
                "CreatedTimestamp" => Some(epoch_s(q.created_at).to_string()),
                "LastModifiedTimestamp" => Some(epoch_s(q.last_modified_at).to_string()),
                "QueueArn" => Some(q.arn.clone()),
                other => q.attrs.render(other),
            };
            if let Some(v) = v {
                out.insert(n.to_string(), v);
            }
        }
        let _ = ctx;
        if out.is_empty() {
            return Ok(json!({}));
        }
        Ok(json!({ "Attributes": out }))
    }

    pub fn set_queue_attributes(
        &mut self,
        ctx: &mut Ctx,
        input: &SetQueueAttributesInput,
    ) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let q = self.queue(id);
        let old = q.attrs.clone();
        let mut attrs = old.clone();
        for (k, v) in attributes::attribute_pairs(&input.attributes) {
            attrs.apply(k, v, false)?;
        }
        attrs.check_combination()?;
        self.check_redrive_target(&attrs, &q.arn.clone())?;
        let q = self.queue_mut(id);
        q.attrs = attrs;
        q.last_modified_at = ctx.now;
        let name = q.name.clone();
        // FIFO: a new DelaySeconds is retroactive for messages still delayed (aws-rules §1.2).
        if q.fifo() && q.attrs.delay_seconds != old.delay_seconds {
            let delay = q.attrs.delay_seconds as SimTime * MS_PER_S;
            let delayed: Vec<(u64, SimTime)> = q
                .messages()
                .filter(|m| matches!(m.state, MessageState::Delayed { .. }))
                .map(|m| (m.seq, m.enqueued_at + delay))
                .collect();
            for (seq, until) in delayed {
                if until <= ctx.now {
                    q.make_visible(ctx, seq, VisibleReason::DelayEnded);
                } else if let Some(m) = q.messages.get_mut(seq).map(Rc::make_mut) {
                    m.state = MessageState::Delayed { until };
                    ctx.timers.schedule(
                        until,
                        SqsTimer::DelayEnd {
                            queue: id,
                            seq,
                            until,
                        },
                    );
                }
            }
        }
        // A shorter retention can expire older messages at once (aws-rules §1.2).
        if q.attrs.message_retention_period != old.message_retention_period {
            let expired = q.sweep_retention(ctx);
            q.totals.expired += expired.len() as u64;
            for m in expired {
                ctx.events.push(ctx.now, || EventKind::MessageExpired {
                    queue: name.clone(),
                    message_id: m.id.to_string(),
                });
            }
        }
        ctx.events
            .push(ctx.now, || EventKind::QueueAttributesChanged {
                queue: name,
                attributes: input.attributes.keys().cloned().collect(),
            });
        self.serve_waiters(ctx, id);
        Ok(json!({}))
    }

    pub fn purge_queue(&mut self, ctx: &mut Ctx, input: &QueueUrlInput) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let q = self.queue_mut(id);
        if q.purge_until.is_some_and(|t| ctx.now < t) {
            return Err(AwsError::new(
                "PurgeQueueInProgress",
                format!(
                    "Only one PurgeQueue operation on {} is allowed every 60 seconds.",
                    q.name
                ),
            ));
        }
        q.purge_until = Some(ctx.now + PURGE_INTERVAL_MS);
        // Deletes every message, in flight too, and forgets FIFO deduplication ids (aws-rules §1.12,
        // §1.16). AWS may take up to 60 s; here it is immediate.
        let seqs: Vec<u64> = q.messages().map(|m| m.seq).collect();
        for seq in &seqs {
            q.remove(*seq);
        }
        q.groups.clear();
        q.dedup_clear();
        let name = q.name.clone();
        let fifo = q.fifo();
        ctx.events.push(ctx.now, || EventKind::QueuePurged {
            queue: name,
            messages: seqs.len(),
        });
        self.cost.charge(fifo, 0);
        Ok(json!({}))
    }

    pub fn list_dead_letter_source_queues(
        &self,
        input: &ListDeadLetterSourceQueuesInput,
    ) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let max = bounded(
            "MaxResults",
            input.max_results,
            1,
            1000,
            "MaxResults must be an integer between 1 and 1000.",
        )?;
        let start = decode_list_token(input.next_token.as_deref())?;
        let arn = &self.queue(id).arn;
        // Listed by queue name, as ListQueues lists, so that a token (the last name returned)
        // resumes after it (aws-rules §1.17).
        let sources: Vec<(&String, &str)> = self
            .by_name
            .iter()
            .filter(|(n, _)| start.as_ref().is_none_or(|s| n.as_str() > s.as_str()))
            .filter_map(|(n, qid)| {
                let q = self.queues.get(qid)?;
                q.attrs
                    .redrive_policy
                    .as_ref()
                    .is_some_and(|p| &p.dead_letter_target_arn == arn)
                    .then_some((n, q.url.as_str()))
            })
            .collect();
        let limit = max.map(|m| m as usize).unwrap_or(LIST_QUEUES_MAX);
        let page: Vec<&str> = sources.iter().take(limit).map(|(_, u)| *u).collect();
        // The JSON protocol spells this member in lower camel case.
        let mut out = json!({ "queueUrls": page });
        // As ListQueues: a token only when MaxResults was given.
        if max.is_some() && sources.len() > limit {
            out["NextToken"] = json!(b64::encode(sources[limit - 1].0.as_bytes()));
        }
        Ok(out)
    }

    pub fn tag_queue(&mut self, input: &TagQueueInput) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        if input.tags.is_empty() {
            return Err(AwsError::missing_parameter("Tags"));
        }
        let q = self.queue_mut(id);
        let new_keys = input
            .tags
            .keys()
            .filter(|k| !q.tags.contains_key(*k))
            .count();
        // Checked before anything changes: a refused call leaves the tags as they were.
        if q.tags.len() + new_keys > QUEUE_TAGS_MAX {
            return Err(too_many_tags());
        }
        q.tags.extend(input.tags.clone());
        Ok(json!({}))
    }

    pub fn untag_queue(&mut self, input: &UntagQueueInput) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        if input.tag_keys.is_empty() {
            return Err(AwsError::missing_parameter("TagKeys"));
        }
        let q = self.queue_mut(id);
        for k in &input.tag_keys {
            q.tags.remove(k);
        }
        Ok(json!({}))
    }

    pub fn list_queue_tags(&self, input: &QueueUrlInput) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let q = self.queue(id);
        if q.tags.is_empty() {
            return Ok(json!({}));
        }
        Ok(json!({ "Tags": q.tags }))
    }

    // ----------------------------------------------------------------- throughput

    /// FIFO request rate limits (aws-rules §1.10); standard queues are "nearly unlimited".
    fn check_throughput(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        op: &str,
        group: Option<&str>,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let q = self.queue_mut(id);
        if !q.fifo() {
            return Ok(());
        }
        let now = ctx.now;
        let mut keys = Vec::new();
        if q.attrs.high_throughput() {
            keys.push((op.to_string(), FIFO_HT_QUEUE_TPS_MAX));
            if let Some(g) = group {
                keys.push((format!("{op}\u{0}{g}"), FIFO_HT_GROUP_TPS_MAX));
            }
        } else {
            keys.push((op.to_string(), FIFO_TPS_MAX));
        }
        for (key, limit) in &keys {
            let w = q.rate_windows.entry(key.clone()).or_default();
            while w.front().is_some_and(|&t| t + MS_PER_S <= now) {
                w.pop_front();
            }
            if w.len() >= *limit {
                let name = q.name.clone();
                ctx.events.push(now, || EventKind::Throttled {
                    queue: name,
                    operation: op.to_string(),
                    actor: actor.map(String::from),
                });
                return Err(AwsError::new("RequestThrottled", "Request is throttled."));
            }
        }
        for (key, _) in keys {
            q.rate_windows.entry(key).or_default().push_back(now);
        }
        // Forget idle windows so a run with many groups stays bounded.
        if q.rate_windows.len() > 10_000 {
            q.rate_windows
                .retain(|_, w| w.back().is_some_and(|&t| t + MS_PER_S > now));
        }
        Ok(())
    }

    // ----------------------------------------------------------------- sending

    pub fn send_message(
        &mut self,
        ctx: &mut Ctx,
        input: &SendMessageInput,
        actor: Option<&str>,
    ) -> Result<SendMessageOutput, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let entry = Outgoing {
            body: input.message_body.as_ref(),
            delay_seconds: input.delay_seconds,
            attributes: &input.message_attributes,
            system_attributes: &input.message_system_attributes,
            dedup_id: input.message_deduplication_id.as_deref(),
            group_id: input.message_group_id.as_deref(),
        };
        self.send_resolved(ctx, id, &entry, actor)
    }

    /// SendMessage of one entry to the queue at `url`: what a simulated producer sends,
    /// without building a request that owns copies of its URL and body.
    pub(crate) fn send_entry(
        &mut self,
        ctx: &mut Ctx,
        url: &str,
        entry: &SendMessageBatchEntry,
        actor: Option<&str>,
    ) -> Result<SendMessageOutput, AwsError> {
        let id = self.resolve(Some(url))?;
        self.send_resolved(ctx, id, &Outgoing::from(entry), actor)
    }

    fn send_resolved(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        entry: &Outgoing,
        actor: Option<&str>,
    ) -> Result<SendMessageOutput, AwsError> {
        let prepared = self.prepare(id, entry, false)?;
        self.check_throughput(ctx, id, "SendMessage", entry.group_id, actor)?;
        let size = prepared.size;
        let out = self.enqueue(ctx, id, prepared, actor);
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, size);
        self.serve_waiters(ctx, id);
        Ok(out)
    }

    /// A SendMessage another service makes on its own behalf (SNS delivering to a subscribed
    /// queue or to a subscription's dead-letter queue): the queue is named by ARN and every
    /// SQS rule of SendMessage applies (size, attributes, FIFO group and deduplication, delay,
    /// throughput), billed as a SendMessage.
    pub(crate) fn send_from_service(
        &mut self,
        ctx: &mut Ctx,
        queue_arn: &str,
        message: &QueueSend,
    ) -> Result<String, AwsError> {
        let entry = &Outgoing {
            body: Some(&message.body),
            delay_seconds: None,
            attributes: &message.attributes,
            system_attributes: &NO_ATTRIBUTES,
            dedup_id: message.dedup_id.as_deref(),
            group_id: message.group_id.as_deref(),
        };
        let id = self
            .resolve_arn(queue_arn)
            .ok_or_else(queue_does_not_exist)?;
        self.queues[&id].last_accessed.set(ctx.now);
        let prepared = self.prepare(id, entry, false)?;
        self.check_throughput(ctx, id, "SendMessage", entry.group_id, None)?;
        let size = prepared.size;
        let out = self.enqueue(ctx, id, prepared, None);
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, size);
        self.serve_waiters(ctx, id);
        Ok(out.message_id.to_string())
    }

    /// What Lambda's poller needs to know of the queue at `queue_arn` (aws-rules §2.1).
    pub(crate) fn queue_info(&self, queue_arn: &str) -> Option<QueueInfo> {
        let q = self.queue(self.resolve_arn(queue_arn)?);
        Some(QueueInfo {
            fifo: q.fifo(),
            visibility_timeout_s: q.attrs.visibility_timeout,
            visible: q.visible_count(),
        })
    }

    /// A ReceiveMessage another service makes on its own behalf (Lambda's event source
    /// mapping, aws-rules §2.1): a long poll that finds its messages at once, with the queue's
    /// visibility timeout; maxReceiveCount moves messages to the DLQ as for any receive
    /// (aws-rules §1.8). An empty answer is billed and counted only when `count_empty`.
    pub(crate) fn receive_for_service(
        &mut self,
        ctx: &mut Ctx,
        queue_arn: &str,
        max: usize,
        count_empty: bool,
        actor: &str,
    ) -> Result<Vec<QueueReceived>, AwsError> {
        let id = self
            .resolve_arn(queue_arn)
            .ok_or_else(queue_does_not_exist)?;
        self.queues[&id].last_accessed.set(ctx.now);
        let q = self.queue(id);
        let fifo = q.fifo();
        let spec = ReceiveSpec {
            max: max.clamp(1, 10),
            visibility_ms: q.attrs.visibility_timeout as SimTime * MS_PER_S,
            system_attributes: SystemAttributes::default(),
            message_attribute_names: Vec::new(),
            attempt_id: None,
            actor: Some(actor.to_string()).filter(|_| ctx.events.recording()),
        };
        self.check_throughput(ctx, id, "ReceiveMessage", None, None)?;
        let mut msgs = Vec::new();
        self.deliver(ctx, id, &spec, true, ctx.now, &mut msgs);
        if msgs.is_empty() {
            if count_empty {
                self.cost.charge(fifo, 0);
                let q = self.queue_mut(id);
                q.metrics.current.number_of_empty_receives += 1;
                q.totals.empty_receives += 1;
            }
            return Ok(Vec::new());
        }
        self.cost.charge(fifo, 0);
        let q = self.queue(id);
        Ok(msgs
            .into_iter()
            .map(|t| QueueReceived {
                message_id: t.message_id.to_string(),
                receipt_handle: t.handle.text(),
                group_id: q.message(t.seq).and_then(|m| m.group_id.clone()),
                body: t.body,
            })
            .collect())
    }

    /// Deletes what [`Sqs::receive_for_service`] returned, billed as DeleteMessageBatch calls
    /// of up to 10 handles.
    pub(crate) fn delete_for_service(
        &mut self,
        ctx: &mut Ctx,
        queue_arn: &str,
        handles: &[String],
        actor: &str,
    ) -> Result<(), AwsError> {
        let id = self
            .resolve_arn(queue_arn)
            .ok_or_else(queue_does_not_exist)?;
        let fifo = self.queue(id).fifo();
        for chunk in handles.chunks(10) {
            self.check_throughput(ctx, id, "DeleteMessage", None, None)?;
            for h in chunk {
                // An entry's failure (a stale handle) fails only that entry, as in
                // DeleteMessageBatch.
                let _ = self.delete_one(ctx, id, h, Some(actor));
            }
            self.cost.charge(fifo, 0);
        }
        Ok(())
    }

    pub fn send_message_batch(
        &mut self,
        ctx: &mut Ctx,
        input: &SendMessageBatchInput,
        actor: Option<&str>,
    ) -> Result<BatchOutput<SendMessageBatchResultEntry>, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        check_batch_ids(input.entries.iter().map(|e| e.id.as_deref().unwrap_or("")))?;
        let total: usize = input
            .entries
            .iter()
            .map(|e| {
                e.message_body.as_ref().map(Payload::len).unwrap_or(0)
                    + e.message_attributes
                        .iter()
                        .map(|(k, v)| v.size(k))
                        .sum::<usize>()
            })
            .sum();
        if total > attributes::MAXIMUM_MESSAGE_SIZE_MAX as usize {
            return Err(AwsError::new(
                "BatchRequestTooLong",
                format!(
                    "Batch requests cannot be longer than {} bytes. You have sent {total} bytes.",
                    attributes::MAXIMUM_MESSAGE_SIZE_MAX
                ),
            ));
        }
        let q = self.queue(id);
        if q.fifo() {
            // aws-rules §1.16: on a FIFO queue a batch entry without MessageGroupId fails the whole
            // request; so does one without a deduplication id when content-based
            // deduplication is off (recorded AWS answers).
            if input.entries.iter().any(|e| e.message_group_id.is_none()) {
                return Err(AwsError::invalid_parameter_value(
                    "The request must contain the parameter MessageGroupId.",
                ));
            }
            if !q.attrs.content_based_deduplication
                && input
                    .entries
                    .iter()
                    .any(|e| e.message_deduplication_id.is_none())
            {
                return Err(no_dedup_id());
            }
        }
        let group = input
            .entries
            .first()
            .and_then(|e| e.message_group_id.as_deref());
        self.check_throughput(ctx, id, "SendMessage", group, actor)?;
        let mut out = BatchOutput::default();
        for e in &input.entries {
            let entry_id = e.id.clone().unwrap_or_default();
            match self.prepare(id, &Outgoing::from(e), true) {
                Ok(p) => {
                    let r = self.enqueue(ctx, id, p, actor);
                    out.successful.push(SendMessageBatchResultEntry {
                        id: entry_id,
                        result: r,
                    });
                }
                Err(err) => out.failed.push(BatchResultErrorEntry::new(&entry_id, err)),
            }
        }
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, total);
        self.serve_waiters(ctx, id);
        Ok(out)
    }

    /// Validates one message to send (aws-rules §1.5, §1.6, §1.9).
    fn prepare(&self, id: u32, e: &Outgoing, batch: bool) -> Result<Prepared, AwsError> {
        let q = self.queue(id);
        let body = match e.body {
            Some(b) if !b.is_empty() => b,
            _ => return Err(AwsError::missing_parameter("MessageBody")),
        };
        // A synthetic body's pad is spaces: only its head and tail need checking.
        let (bytes, tail) = body.unpadded_bytes();
        check_character_bytes(bytes)
            .and_then(|()| check_characters(tail))
            .map_err(|_| invalid_body_characters())?;
        mattrs::validate(e.attributes)?;
        for (name, v) in e.system_attributes {
            if name != "AWSTraceHeader"
                || v.data_type != "String"
                || v.string_value.as_deref().is_none_or(str::is_empty)
            {
                return Err(AwsError::invalid_parameter_value(format!(
                    "Message system attribute name '{name}' is invalid. The only supported message system attribute is AWSTraceHeader, of type String."
                )));
            }
        }
        let size = body.len() + e.attributes.iter().map(|(k, v)| v.size(k)).sum::<usize>();
        let max = q.attrs.maximum_message_size as usize;
        if size > max {
            // AWS words it differently for a batch entry (recorded answers).
            let verb = if batch {
                "cannot be validated"
            } else {
                "are invalid"
            };
            return Err(AwsError::invalid_parameter_value(format!(
                "One or more parameters {verb}. Reason: Message must be shorter than {max} bytes."
            )));
        }
        let fifo = q.fifo();
        let delay_s = match e.delay_seconds {
            Some(d) if fifo && d != 0 => return Err(not_valid_for_queue_type("DelaySeconds", d)),
            Some(d) if !(0..=attributes::DELAY_SECONDS_MAX as i64).contains(&d) => {
                return Err(range_error(
                    "DelaySeconds",
                    d,
                    "DelaySeconds must be >= 0 and <= 900.",
                ))
            }
            Some(d) if !fifo => d as u32,
            _ => q.attrs.delay_seconds,
        };
        // An empty id is malformed, not absent (recorded AWS answers).
        let group = e.group_id;
        if let Some(g) = group {
            check_fifo_id("MessageGroupId", g)?;
        }
        let mut dedup = None;
        if fifo {
            let Some(_) = group else {
                return Err(AwsError::missing_parameter("MessageGroupId"));
            };
            dedup = match e.dedup_id {
                Some(d) => {
                    check_fifo_id("MessageDeduplicationId", d)?;
                    Some(d.to_string())
                }
                None if q.attrs.content_based_deduplication => {
                    // SHA-256 of the body only (aws-rules §1.9).
                    Some(crate::core::aws::hex(&body.sha256()))
                }
                None => return Err(no_dedup_id()),
            };
        } else if let Some(d) = e.dedup_id {
            return Err(not_valid_for_queue_type("MessageDeduplicationId", d));
        }
        Ok(Prepared {
            body: body.clone(),
            attributes: e.attributes.clone(),
            system_attributes: e.system_attributes.clone(),
            delay_ms: delay_s as SimTime * MS_PER_S,
            group: group.map(String::from),
            dedup,
            size,
        })
    }

    fn enqueue(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        p: Prepared,
        actor: Option<&str>,
    ) -> SendMessageOutput {
        // Computed only if someone reads the answer's MD5OfMessageBody.
        let md5_of_message_body = Md5Hex::of(&p.body);
        let md5_of_message_attributes = md5_of_attributes(&p.attributes);
        let md5_of_message_system_attributes = md5_of_attributes(&p.system_attributes);
        let q = self.queue_mut(id);
        if let (Some(g), Some(d)) = (&p.group, &p.dedup) {
            let key = q.dedup_key(g, d);
            if let Some((message_id, sequence_number)) = q.dedup_lookup(ctx.now, &key) {
                // Accepted, not enqueued: the original MessageId comes back (aws-rules §1.9, §1.16).
                ctx.events.push(ctx.now, || EventKind::MessageDeduplicated {
                    queue: q.name.clone(),
                    message_id: message_id.to_string(),
                    actor: actor.map(String::from),
                });
                return SendMessageOutput {
                    md5_of_message_body,
                    md5_of_message_attributes,
                    md5_of_message_system_attributes,
                    message_id,
                    sequence_number,
                };
            }
        }
        let message_id = ctx.rng.uuid_inline();
        let server = ctx.rng.below(SERVERS_PER_QUEUE);
        let sequence_number = if q.fifo() {
            // Increasing, large and not consecutive (aws-rules §1.9).
            q.fifo_sequence += 1 + ctx.rng.below(1 << 20) as u128;
            Some(format!("{:020}", q.fifo_sequence))
        } else {
            None
        };
        if let (Some(g), Some(d)) = (&p.group, &p.dedup) {
            let key = q.dedup_key(g, d);
            q.dedup_record(ctx.now, key, message_id, sequence_number.clone());
        }
        let state = if p.delay_ms > 0 {
            MessageState::Delayed {
                until: ctx.now + p.delay_ms,
            }
        } else {
            MessageState::Visible
        };
        let seq = q.next_seq;
        q.next_seq += 1;
        let m = Rc::new(Message {
            seq,
            id: message_id,
            body: p.body,
            attributes: p.attributes,
            md5_of_attributes: md5_of_message_attributes.clone(),
            system_attributes: p.system_attributes,
            size: p.size,
            sent_at: ctx.now,
            enqueued_at: ctx.now,
            first_receive_at: None,
            receive_count: 0,
            state,
            group_id: p.group.clone(),
            dedup_id: p.dedup,
            sequence_number: sequence_number.clone(),
            server,
            receive_gen: 0,
            receive_requested_at: 0,
            modified_since_receive: false,
            undeleted_copy: false,
            dead_letter_source_arn: None,
        });
        q.insert(ctx, m);
        q.metrics.current.number_of_messages_sent += 1;
        q.metrics.current.sent_bytes += p.size as u64;
        q.totals.sent += 1;
        ctx.events.push(ctx.now, || EventKind::MessageSent {
            queue: q.name.clone(),
            message_id: message_id.to_string(),
            bytes: p.size,
            group_id: p.group,
            delayed_until: (p.delay_ms > 0).then_some(ctx.now + p.delay_ms),
            actor: actor.map(String::from),
        });
        SendMessageOutput {
            md5_of_message_body,
            md5_of_message_attributes,
            md5_of_message_system_attributes,
            message_id,
            sequence_number,
        }
    }

    // ----------------------------------------------------------------- receiving

    /// ReceiveMessage. None: a long poll is now waiting; its answer comes as a reply.
    pub fn receive_message(
        &mut self,
        ctx: &mut Ctx,
        input: &ReceiveMessageInput,
        caller: Caller,
        actor: Option<&str>,
    ) -> Option<Result<ReceiveMessageOutput, AwsError>> {
        match self.receive_inner(ctx, input, caller, actor, true) {
            Ok(Some(Answer::Api(out))) => Some(Ok(out)),
            Ok(Some(Answer::Taken(_))) => unreachable!("rendered"),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }

    /// ReceiveMessage for a simulated consumer: the messages by place, nothing rendered.
    pub(crate) fn receive_taken(
        &mut self,
        ctx: &mut Ctx,
        input: &ReceiveMessageInput,
        caller: Caller,
        actor: Option<&str>,
    ) -> Option<Result<Answer, AwsError>> {
        self.receive_inner(ctx, input, caller, actor, false)
            .transpose()
    }

    /// The answer for a caller: rendered as ReceiveMessage returns it, or by place. Takes
    /// the messages out of `taken`, whose buffer is kept when the answer is rendered.
    pub(crate) fn answer(
        &self,
        id: u32,
        spec: &ReceiveSpec,
        taken: &mut Vec<Taken>,
        render: bool,
    ) -> Answer {
        if !render {
            return Answer::Taken(std::mem::take(taken));
        }
        let q = self.queue(id);
        let fifo = q.fifo();
        let messages = taken
            .drain(..)
            .filter_map(|t| {
                let m = q.message(t.seq)?;
                Some(render_message(
                    m,
                    ReceiptHandle::Issued(t.handle),
                    spec,
                    fifo,
                ))
            })
            .collect();
        Answer::Api(ReceiveMessageOutput { messages })
    }

    fn receive_inner(
        &mut self,
        ctx: &mut Ctx,
        input: &ReceiveMessageInput,
        caller: Caller,
        actor: Option<&str>,
        render: bool,
    ) -> Result<Option<Answer>, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let max = bounded(
            "MaxNumberOfMessages",
            input.max_number_of_messages,
            1,
            10,
            "Must be between 1 and 10, if provided.",
        )?
        .unwrap_or(1) as usize;
        let vis = bounded(
            "VisibilityTimeout",
            input.visibility_timeout,
            0,
            attributes::VISIBILITY_TIMEOUT_MAX_S as i64,
            "Must be >= 0 and <= 43200, if provided.",
        )?;
        let wait = bounded(
            "WaitTimeSeconds",
            input.wait_time_seconds,
            0,
            attributes::WAIT_TIME_MAX_S as i64,
            "Must be >= 0 and <= 20, if provided.",
        )?;
        let q = self.queue(id);
        let fifo = q.fifo();
        if let Some(a) = &input.receive_request_attempt_id {
            if !fifo {
                return Err(not_valid_for_queue_type("ReceiveRequestAttemptId", a));
            }
            check_fifo_id("ReceiveRequestAttemptId", a)?;
        }
        let visibility_ms =
            vis.map(|v| v as u32).unwrap_or(q.attrs.visibility_timeout) as SimTime * MS_PER_S;
        // The call's WaitTimeSeconds overrides the queue's ReceiveMessageWaitTimeSeconds (aws-rules §1.1).
        let wait_s = wait
            .map(|w| w as u32)
            .unwrap_or(q.attrs.receive_message_wait_time_seconds);
        let system_attributes = SystemAttributes::from_names(
            input
                .message_system_attribute_names
                .iter()
                .chain(&input.attribute_names),
        );
        let spec = ReceiveSpec {
            max,
            visibility_ms,
            system_attributes,
            message_attribute_names: input.message_attribute_names.clone(),
            attempt_id: input.receive_request_attempt_id.clone(),
            // Only the MessageReceived events name the actor: a run that records none (a
            // fast-forward; recording is chosen when a run starts) keeps no copy per receive.
            actor: actor.filter(|_| ctx.events.recording()).map(String::from),
        };
        self.check_throughput(ctx, id, "ReceiveMessage", None, actor)?;
        self.cost.charge(fifo, 0);

        if let Some(out) = self.replay_attempt(ctx, id, &spec) {
            return Ok(Some(Answer::Api(out)));
        }
        let q = self.queue(id);
        if !fifo && q.in_flight_count() >= STANDARD_IN_FLIGHT_MAX && wait_s == 0 {
            // aws-rules §1.7: short polls get OverLimit; long polls just find nothing.
            return Err(AwsError::new("OverLimit", "Too many messages in flight: the queue has reached its in-flight limit of 120,000 messages."));
        }
        let mut msgs = std::mem::take(&mut self.taken);
        self.deliver(ctx, id, &spec, wait_s > 0, ctx.now, &mut msgs);
        if !msgs.is_empty() || wait_s == 0 {
            if msgs.is_empty() {
                let q = self.queue_mut(id);
                q.metrics.current.number_of_empty_receives += 1;
                q.totals.empty_receives += 1;
                ctx.events.push(ctx.now, || EventKind::EmptyReceive {
                    queue: q.name.clone(),
                    long_poll: false,
                    actor: actor.map(String::from),
                });
            }
            let answer = self.answer(id, &spec, &mut msgs, render);
            self.taken = msgs;
            return Ok(Some(answer));
        }
        // Kept for the answer this long poll (or another) will be served in.
        self.taken = msgs;
        let waiter = self.next_waiter;
        self.next_waiter += 1;
        let deadline = ctx.now + wait_s as SimTime * MS_PER_S;
        let q = self.queue_mut(id);
        q.waiters.push_back(Waiter {
            id: waiter,
            caller,
            spec,
            requested_at: ctx.now,
            deadline,
        });
        let n = ctx.timers.reserve();
        let timers = &mut ctx.timers;
        let kept = q.long_poll_ends.push(deadline, n, waiter, |due, n| {
            timers.schedule_reserved(due, n, SqsTimer::LongPollDue { queue: id })
        });
        if !kept {
            // A shorter wait than the last one's: a timer of its own.
            let end = SqsTimer::LongPollEnd { queue: id, waiter };
            timers.schedule_reserved(deadline, n, end);
        }
        Ok(None)
    }

    /// FIFO ReceiveRequestAttemptId: a retry within 5 minutes gets the same messages and
    /// handles if none was modified, and their visibility timeout restarts (aws-rules §1.4).
    fn replay_attempt(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        spec: &ReceiveSpec,
    ) -> Option<ReceiveMessageOutput> {
        let attempt = spec.attempt_id.as_ref()?;
        let q = self.queue(id);
        let rec = q.attempts.get(attempt)?;
        if rec.at + super::queue::ATTEMPT_ID_TTL_MS <= ctx.now {
            return None;
        }
        let intact = rec.delivered.iter().all(|(seq, gen)| {
            q.message(*seq).is_some_and(|m| {
                m.receive_gen == *gen
                    && !m.modified_since_receive
                    && matches!(m.state, MessageState::InFlight { .. })
            })
        });
        if !intact {
            return None;
        }
        let rec = rec.clone();
        let until = ctx.now + spec.visibility_ms;
        let mut out = Vec::new();
        for ((seq, _), handle) in rec.delivered.iter().zip(&rec.handles) {
            let q = self.queue_mut(id);
            q.take_in_flight(ctx, *seq, until, ctx.now);
            let m = q.message(*seq).expect("checked intact");
            out.push(render_message(m, handle.clone().into(), spec, q.fifo()));
        }
        Some(ReceiveMessageOutput { messages: out })
    }

    /// Picks and delivers up to `spec.max` messages, moving those past maxReceiveCount to the
    /// dead-letter queue instead (aws-rules §1.8).
    pub(crate) fn deliver(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        spec: &ReceiveSpec,
        long_poll: bool,
        requested_at: SimTime,
        out: &mut Vec<Taken>,
    ) {
        let fifo = self.queue(id).fifo();
        let mut sampled = [true; SERVERS_PER_QUEUE as usize];
        if !(long_poll || fifo) {
            let ratio = self.config.short_poll_sample_ratio;
            for s in &mut sampled {
                *s = ctx.rng.chance(ratio);
            }
        }
        debug_assert!(out.is_empty());
        let mut delivered = Vec::new();
        let mut cands = std::mem::take(&mut self.candidates);
        // Each round either delivers or dead-letters at least one candidate; bounded anyway.
        for _ in 0..64 {
            let q = self.queue(id);
            if fifo && q.in_flight_count() >= FIFO_IN_FLIGHT_MAX {
                break;
            }
            let want = spec.max - out.len();
            cands.clear();
            q.candidates_into(want, &sampled, &mut cands);
            if cands.is_empty() {
                break;
            }
            let mut moved_any = false;
            for &seq in &cands {
                if self.dead_letter_if_due(ctx, id, seq) {
                    moved_any = true;
                    continue;
                }
                let until = ctx.now + spec.visibility_ms;
                let q = self.queue_mut(id);
                let Some(gen) = q.take_in_flight(ctx, seq, until, requested_at) else {
                    continue;
                };
                let handle = Handle::new(ctx, id, seq, gen);
                let q = self.queue_mut(id);
                let m = q
                    .messages
                    .get_mut(seq)
                    .map(Rc::make_mut)
                    .expect("just taken");
                let duplicate = std::mem::take(&mut m.undeleted_copy);
                let m = q.message(seq).expect("just taken");
                ctx.events.push(ctx.now, || EventKind::MessageReceived {
                    queue: q.name.clone(),
                    message_id: m.id.to_string(),
                    receive_count: m.receive_count,
                    receipt_handle: handle.text(),
                    visible_at: until,
                    duplicate,
                    group_id: m.group_id.clone(),
                    actor: spec.actor.clone(),
                });
                // Only a FIFO receive with an attempt id keeps its handles, and only it and a
                // zero visibility timeout need the list.
                if spec.attempt_id.is_some() || spec.visibility_ms == 0 {
                    let kept = spec.attempt_id.as_ref().map(|_| handle.text());
                    delivered.push((seq, gen, kept));
                }
                out.push(Taken {
                    seq,
                    message_id: m.id,
                    body: m.body.clone(),
                    handle,
                });
                let q = self.queue_mut(id);
                q.metrics.current.number_of_messages_received += 1;
                q.totals.received += 1;
                if duplicate {
                    q.totals.duplicates_delivered += 1;
                }
            }
            if out.len() >= spec.max || !moved_any {
                break;
            }
        }
        cands.clear();
        self.candidates = cands;
        if spec.visibility_ms == 0 {
            // A zero visibility timeout leaves the messages receivable at once.
            let q = self.queue_mut(id);
            for (seq, _, _) in &delivered {
                q.make_visible(ctx, *seq, VisibleReason::VisibilityTimeoutExpired);
            }
        }
        if let (Some(a), false) = (&spec.attempt_id, delivered.is_empty()) {
            let rec = AttemptRecord {
                at: ctx.now,
                delivered: delivered.iter().map(|(s, g, _)| (*s, *g)).collect(),
                handles: delivered.into_iter().filter_map(|(_, _, h)| h).collect(),
            };
            self.queue_mut(id).remember_attempt(a.clone(), rec);
        }
        if !out.is_empty() {
            let bytes: usize = out.iter().map(|m| m.body.len()).sum();
            // The first request unit was charged when the call arrived; big payloads add more.
            let extra = cost::billable_requests(bytes) - 1;
            for _ in 0..extra {
                self.cost.charge(fifo, 0);
            }
        }
    }

    /// Moves a message to its queue's DLQ if this receive would exceed maxReceiveCount.
    fn dead_letter_if_due(&mut self, ctx: &mut Ctx, id: u32, seq: u64) -> bool {
        let q = self.queue(id);
        let Some(policy) = &q.attrs.redrive_policy else {
            return false;
        };
        let Some(m) = q.message(seq) else {
            return false;
        };
        if m.receive_count < policy.max_receive_count {
            return false;
        }
        if m.dead_letter_source_arn.is_some() && m.enqueued_at == ctx.now {
            // Just moved here: in a redrive cycle (A → B → A) it would otherwise bounce
            // between the queues forever within one instant; it is delivered instead.
            return false;
        }
        let Some(dlq_id) = self.resolve_arn(&policy.dead_letter_target_arn) else {
            return false; // the DLQ was deleted: AWS keeps delivering
        };
        if dlq_id == id {
            return false; // a queue may name itself as its DLQ: nothing moves
        }
        let source_arn = q.arn.clone();
        let source_name = q.name.clone();
        let q = self.queue_mut(id);
        let Some(mut m) = q.remove(seq) else {
            return false;
        };
        q.totals.moved_to_dlq += 1;
        let dlq = self.queue_mut(dlq_id);
        // Same MessageId and receive count; retention keeps counting from the original send
        // (aws-rules §1.8, §1.16). FIFO: the dedup id becomes the message id.
        m.seq = dlq.next_seq;
        dlq.next_seq += 1;
        m.state = MessageState::Visible;
        m.enqueued_at = ctx.now;
        m.dead_letter_source_arn = Some(source_arn);
        if dlq.fifo() {
            m.dedup_id = Some(m.id.to_string());
        }
        let (message_id, receive_count) = (m.id, m.receive_count);
        let dlq_name = dlq.name.clone();
        dlq.insert(ctx, Rc::new(m));
        ctx.events
            .push(ctx.now, || EventKind::MessageMovedToDeadLetterQueue {
                queue: source_name,
                dead_letter_queue: dlq_name,
                message_id: message_id.to_string(),
                receive_count,
            });
        self.serve_waiters(ctx, dlq_id);
        true
    }

    // ----------------------------------------------------------------- deleting

    pub fn delete_message(
        &mut self,
        ctx: &mut Ctx,
        input: &DeleteMessageInput,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        self.delete_at(
            ctx,
            input.queue_url.as_deref(),
            input.receipt_handle.as_ref(),
            actor,
        )
    }

    /// DeleteMessage by borrowed URL and handle: an API caller's (text, or a handle it was
    /// given), or a simulated consumer's (the bytes of the one it took: nothing to decode;
    /// the text is written only for an error).
    pub(crate) fn delete_at(
        &mut self,
        ctx: &mut Ctx,
        url: Option<&str>,
        handle: Option<&ReceiptHandle>,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let id = self.resolve(url)?;
        let handle = handle
            .filter(|h| !h.is_empty())
            .ok_or_else(|| AwsError::missing_parameter("ReceiptHandle"))?;
        self.check_throughput(ctx, id, "DeleteMessage", None, actor)?;
        let parts = handle
            .parts()
            .ok_or_else(|| invalid_handle(&handle.text()))?;
        self.delete_parts(ctx, id, parts, &|| handle.to_string(), actor)?;
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, 0);
        Ok(())
    }

    pub fn delete_message_batch(
        &mut self,
        ctx: &mut Ctx,
        input: &DeleteMessageBatchInput,
        actor: Option<&str>,
    ) -> Result<BatchOutput<IdEntry>, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        check_batch_ids(input.entries.iter().map(|e| e.id.as_deref().unwrap_or("")))
            .map_err(|e| batch_error_for(e, "DeleteMessageBatchRequestEntry"))?;
        self.check_throughput(ctx, id, "DeleteMessage", None, actor)?;
        let out = per_entry(
            &input.entries,
            |e| &e.id,
            |e| {
                let h = required(&e.receipt_handle, "ReceiptHandle")?;
                self.delete_one(ctx, id, h, actor)
            },
        );
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, 0);
        Ok(out)
    }

    fn delete_one(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        handle: &str,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let parts = decode_handle(handle).ok_or_else(|| invalid_handle(handle))?;
        self.delete_parts(ctx, id, parts, &|| handle.to_string(), actor)
    }

    /// DeleteMessage of a handle read as (queue, seq, receive generation); `handle` writes
    /// its text for an error.
    fn delete_parts(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        (hq, seq, gen): (u32, u64, u32),
        handle: &dyn Fn() -> String,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let dup_p = self.config.duplicate_delivery_probability;
        let q = self.queue_mut(id);
        if hq != id || gen == 0 || seq >= q.next_seq {
            return Err(invalid_handle(&handle()));
        }
        let fifo = q.fifo();
        let Some(m) = q.message(seq) else {
            // Already deleted (or expired): the call succeeds (aws-rules §9, moto).
            q.metrics.current.number_of_messages_deleted += 1;
            return Ok(());
        };
        if gen > m.receive_gen {
            return Err(invalid_handle(&handle()));
        }
        let in_flight = matches!(m.state, MessageState::InFlight { .. });
        if gen < m.receive_gen || (fifo && !in_flight) {
            if fifo {
                // FIFO: a delete outside the visibility window fails (aws-rules §1.3).
                return Err(handle_expired(&handle()));
            }
            // Standard: an old handle "succeeds" but the message is not deleted (aws-rules §1.3).
            q.metrics.current.number_of_messages_deleted += 1;
            return Ok(());
        }
        ctx.events.push(ctx.now, || EventKind::MessageDeleted {
            queue: q.name.clone(),
            message_id: m.id.to_string(),
            actor: actor.map(String::from),
        });
        q.metrics.current.number_of_messages_deleted += 1;
        q.totals.deleted += 1;
        if !fifo && in_flight && ctx.rng.chance(dup_p) {
            // At-least-once: a server holding a copy missed the delete; the copy comes back
            // when the visibility timeout ends (aws-rules §1.1).
            let m = q.messages.get_mut(seq).map(Rc::make_mut).expect("present");
            m.undeleted_copy = true;
            m.modified_since_receive = true;
            return Ok(());
        }
        q.take(seq);
        if fifo {
            // The group may be unlocked now.
            self.serve_waiters(ctx, id);
        }
        Ok(())
    }

    // ----------------------------------------------------------------- visibility

    pub fn change_message_visibility(
        &mut self,
        ctx: &mut Ctx,
        input: &ChangeMessageVisibilityInput,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let handle = input
            .receipt_handle
            .as_ref()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| AwsError::missing_parameter("ReceiptHandle"))?;
        let v = input
            .visibility_timeout
            .ok_or_else(|| AwsError::missing_parameter("VisibilityTimeout"))?;
        // A handle this world issued (a simulated consumer's heartbeat) is not decoded.
        self.change_parts(ctx, id, handle.parts(), &|| handle.to_string(), v, actor)?;
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, 0);
        Ok(())
    }

    pub fn change_message_visibility_batch(
        &mut self,
        ctx: &mut Ctx,
        input: &ChangeMessageVisibilityBatchInput,
        actor: Option<&str>,
    ) -> Result<BatchOutput<IdEntry>, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        check_batch_ids(input.entries.iter().map(|e| e.id.as_deref().unwrap_or("")))
            .map_err(|e| batch_error_for(e, "ChangeMessageVisibilityBatchRequestEntry"))?;
        let out = per_entry(
            &input.entries,
            |e| &e.id,
            |e| {
                let h = required(&e.receipt_handle, "ReceiptHandle")?;
                let v = e
                    .visibility_timeout
                    .ok_or_else(|| AwsError::missing_parameter("VisibilityTimeout"))?;
                self.change_one(ctx, id, h, v, actor)
            },
        );
        let fifo = self.queue(id).fifo();
        self.cost.charge(fifo, 0);
        Ok(out)
    }

    fn change_one(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        handle: &str,
        timeout_s: i64,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let parts = decode_handle(handle);
        self.change_parts(ctx, id, parts, &|| handle.to_string(), timeout_s, actor)
    }

    /// ChangeMessageVisibility of a handle read as (queue, seq, receive generation), None if
    /// it is not one of ours; `handle` writes its text for an error.
    fn change_parts(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        parts: Option<(u32, u64, u32)>,
        handle: &dyn Fn() -> String,
        timeout_s: i64,
        actor: Option<&str>,
    ) -> Result<(), AwsError> {
        let max = attributes::VISIBILITY_TIMEOUT_MAX_S as i64;
        if !(0..=max).contains(&timeout_s) {
            return Err(range_error(
                "VisibilityTimeout",
                timeout_s,
                "Must be >= 0 and <= 43200, if provided.",
            ));
        }
        let (hq, seq, gen) = parts.ok_or_else(|| invalid_handle(&handle()))?;
        let q = self.queue_mut(id);
        if hq != id || gen == 0 || seq >= q.next_seq {
            return Err(invalid_handle(&handle()));
        }
        let m = q
            .message(seq)
            .ok_or_else(|| not_available_for_change(&handle()))?;
        if gen > m.receive_gen {
            return Err(invalid_handle(&handle()));
        }
        match m.state {
            MessageState::Delayed { .. } => {
                return Err(AwsError::new(
                    "MessageNotInflight",
                    "The message referred to isn't in flight.",
                ))
            }
            MessageState::Visible if gen < m.receive_gen => {
                return Err(AwsError::new(
                    "MessageNotInflight",
                    "The message referred to isn't in flight.",
                ))
            }
            MessageState::InFlight { .. } if gen < m.receive_gen => {
                return Err(not_available_for_change(&handle()))
            }
            _ => {}
        }
        // The total cannot pass 12 hours from the receive request; no clamping (aws-rules §1.3).
        let ceiling = m.receive_requested_at + max as SimTime * MS_PER_S;
        let until = ctx.now + timeout_s as SimTime * MS_PER_S;
        if until > ceiling {
            return Err(range_error(
                "VisibilityTimeout",
                timeout_s,
                "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
            ));
        }
        let message_id = m.id;
        let name = q.name.clone();
        q.set_visibility(ctx, seq, until);
        ctx.events.push(ctx.now, || EventKind::VisibilityChanged {
            queue: name,
            message_id: message_id.to_string(),
            visible_at: until,
            actor: actor.map(String::from),
        });
        self.serve_waiters(ctx, id);
        Ok(())
    }
}

/// Runs `f` on each entry of a batch: successes list their Id, failures their Id and error.
fn per_entry<E>(
    entries: &[E],
    id: impl Fn(&E) -> &Option<String>,
    mut f: impl FnMut(&E) -> Result<(), AwsError>,
) -> BatchOutput<IdEntry> {
    let mut out = BatchOutput::default();
    for e in entries {
        let entry_id = id(e).clone().unwrap_or_default();
        match f(e) {
            Ok(()) => out.successful.push(IdEntry { id: entry_id }),
            Err(err) => out.failed.push(BatchResultErrorEntry::new(&entry_id, err)),
        }
    }
    out
}

fn no_dedup_id() -> AwsError {
    AwsError::invalid_parameter_value(
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    )
}

fn too_many_tags() -> AwsError {
    AwsError::invalid_parameter_value(
        "Too many tags added for queue. A queue can have at most 50 tags.",
    )
}

fn bad_token() -> AwsError {
    AwsError::invalid_parameter_value("Invalid NextToken value.")
}

/// The queue name a ListQueues / ListDeadLetterSourceQueues token resumes after.
fn decode_list_token(token: Option<&str>) -> Result<Option<String>, AwsError> {
    match token {
        Some(t) => Ok(Some(
            String::from_utf8(b64::decode(t).map_err(|_| bad_token())?).map_err(|_| bad_token())?,
        )),
        None => Ok(None),
    }
}

fn batch_error_for(mut e: AwsError, entry: &str) -> AwsError {
    if e.code == "EmptyBatchRequest" {
        e.message = format!("There should be at least one {entry} in the request.");
    }
    e
}

/// The first attribute whose given value differs from the existing queue's (AWS names one).
fn differing(
    old: &QueueAttributes,
    new: &QueueAttributes,
    given: &BTreeMap<String, String>,
) -> String {
    given
        .keys()
        .find(|k| old.render(k) != new.render(k))
        .cloned()
        .unwrap_or_default()
}

struct Prepared {
    body: Payload,
    attributes: mattrs::MessageAttributes,
    system_attributes: mattrs::MessageAttributes,
    delay_ms: SimTime,
    group: Option<String>,
    dedup: Option<String>,
    size: usize,
}

/// The message as ReceiveMessage returns it, with the system and user attributes asked for.
fn render_message(
    m: &Message,
    receipt_handle: ReceiptHandle,
    spec: &ReceiveSpec,
    fifo: bool,
) -> ReceivedMessage {
    let want = |n: &str| spec.system_attributes.wants(n);
    let mut attributes = BTreeMap::new();
    // Each value is made only when the request asked for its attribute.
    let mut put = |n: &str, v: &dyn Fn() -> Option<String>| {
        if want(n) {
            if let Some(v) = v() {
                attributes.insert(n.to_string(), v);
            }
        }
    };
    // Most receives ask for none: no name is compared then.
    if !spec.system_attributes.is_empty() {
        put("SenderId", &|| Some(SENDER_ID.to_string()));
        put("SentTimestamp", &|| Some(epoch_ms(m.sent_at).to_string()));
        put("ApproximateReceiveCount", &|| {
            Some(m.receive_count.to_string())
        });
        put("ApproximateFirstReceiveTimestamp", &|| {
            m.first_receive_at.map(|t| epoch_ms(t).to_string())
        });
        put("AWSTraceHeader", &|| {
            m.system_attributes
                .get("AWSTraceHeader")
                .and_then(|v| v.string_value.clone())
        });
        put("DeadLetterQueueSourceArn", &|| {
            m.dead_letter_source_arn.clone()
        });
        // Fair queues: a standard queue reports the tenant's MessageGroupId too.
        put("MessageGroupId", &|| m.group_id.clone());
        if fifo {
            put("MessageDeduplicationId", &|| m.dedup_id.clone());
            put("SequenceNumber", &|| m.sequence_number.clone());
        }
    }
    let message_attributes: mattrs::MessageAttributes = btree_map_from(
        m.attributes
            .iter()
            .filter(|(name, _)| {
                spec.message_attribute_names.iter().any(|pat| {
                    // "All", ".*", "*", an exact name, or a prefix: "Hel.*" matches "Hello"
                    // and "Help.Me" (recorded AWS behaviour).
                    pat == "All"
                        || pat == ".*"
                        || pat == "*"
                        || pat == *name
                        || pat.strip_suffix(".*").is_some_and(|p| name.starts_with(p))
                })
            })
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    // The digest covers the attributes returned, not all the message has.
    let md5_of_message_attributes = if message_attributes.len() == m.attributes.len() {
        m.md5_of_attributes.clone()
    } else {
        md5_of_attributes(&message_attributes)
    };
    ReceivedMessage {
        message_id: m.id,
        receipt_handle,
        md5_of_body: Md5Hex::of(&m.body),
        body: m.body.clone(),
        attributes,
        md5_of_message_attributes,
        message_attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    /// The hand-written handle encoding is standard base64, and decoding reads back the
    /// header; a handle with a character outside the alphabet is refused.
    #[test]
    fn receipt_handles_are_standard_base64_and_decode_to_their_header() {
        let mut rng = Rng::new(5);
        for i in 0..200u64 {
            let mut bytes = [0u8; HANDLE_HEADER_BYTES + HANDLE_RANDOM_BYTES];
            for b in bytes.iter_mut() {
                *b = rng.below(256) as u8;
            }
            let (queue, seq, gen) = (i as u32 * 7, i * 1_000_003, (i * 31) as u32);
            bytes[0..4].copy_from_slice(&queue.to_be_bytes());
            bytes[4..12].copy_from_slice(&seq.to_be_bytes());
            bytes[12..16].copy_from_slice(&gen.to_be_bytes());
            let h = handle_text(&bytes);
            assert_eq!(h, format!("{HANDLE_PREFIX}{}", b64::encode(bytes)));
            assert_eq!(decode_handle(&h), Some((queue, seq, gen)));
            let mut bad = h.clone().into_bytes();
            bad[HANDLE_PREFIX.len() + 40] = b'-';
            assert_eq!(decode_handle(&String::from_utf8(bad).unwrap()), None);
            assert_eq!(decode_handle(&h[..h.len() - 1]), None);
        }
    }
}
