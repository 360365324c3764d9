//! The SNS operations, AWS-shaped: names, parameters, defaults, ranges and error codes
//! (aws-rules §3.1–§3.3, §3.11). Error texts follow LocalStack's SNS provider, whose tests are
//! recorded against AWS; texts it does not have follow the same pattern and are UNCONFIRMED.

use super::api::*;
use super::envelope::{self, MessageText};
use super::subscription::{self as subs, Subscription};
use super::topic::{self, Topic};
use super::*;
use crate::core::base64 as b64;
use crate::core::event::EventKind;
use serde_json::json;
use std::rc::Rc;

fn bad_token() -> AwsError {
    invalid_parameter("Invalid parameter: NextToken")
}

/// A message ready to publish (validated), before it gets its MessageId.
pub(crate) struct Prepared {
    pub subject: Option<String>,
    pub message: MessageText,
    pub attributes: MessageAttributes,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub size: usize,
}

/// The fields of Publish and of one PublishBatch entry.
#[derive(Clone, Copy)]
pub(crate) struct MessageFields<'a> {
    pub message: Option<&'a Payload>,
    pub subject: Option<&'a str>,
    pub structure: Option<&'a str>,
    pub attributes: &'a MessageAttributes,
    pub group_id: Option<&'a str>,
    pub dedup_id: Option<&'a str>,
}

fn check_fifo_id(param: &str, value: &str) -> Result<(), AwsError> {
    let ok = !value.is_empty()
        && value.len() <= FIFO_ID_MAX
        && value.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(invalid_parameter(&format!(
            "Invalid parameter: {param} Reason: {param} can only include alphanumeric and punctuation characters. 1 to {FIFO_ID_MAX} in length."
        )))
    }
}

/// Subject: non-empty, fewer than 100 characters, no line breaks or control characters
/// (aws-rules §3.2).
fn check_subject(subject: &str) -> Result<(), AwsError> {
    let ok = !subject.is_empty()
        && subject.chars().count() <= SUBJECT_MAX_CHARS
        && !subject.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(invalid_parameter("Invalid parameter: Subject"))
    }
}

impl Sns {
    // ----------------------------------------------------------------- resolving

    /// The topic name a TopicArn names, if that topic exists. A malformed ARN or another
    /// region is an InvalidParameterException; an unknown topic (or another account's) is
    /// NotFoundException.
    pub(crate) fn resolve_topic(
        &self,
        arn: Option<&String>,
        param: &str,
    ) -> Result<String, AwsError> {
        let arn = match arn {
            Some(a) if !a.is_empty() => a,
            _ => return Err(invalid_parameter(&format!("Invalid parameter: {param}"))),
        };
        let parts: Vec<&str> = arn.split(':').collect();
        if parts.len() < 6 || parts[0] != "arn" {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: {param} Reason: An ARN must have at least 6 elements, not {}",
                parts.len()
            )));
        }
        if parts[2] != "sns" || parts[3] != REGION || parts.len() != 6 {
            return Err(invalid_parameter(&format!("Invalid parameter: {param}")));
        }
        if parts[4] != ACCOUNT_ID || !self.topics.contains_key(parts[5]) {
            return Err(topic_not_found());
        }
        Ok(parts[5].to_string())
    }

    fn topic_mut(&mut self, name: &str) -> &mut Topic {
        self.topics.get_mut(name).expect("resolved topics exist")
    }

    // ----------------------------------------------------------------- topics

    pub fn create_topic(
        &mut self,
        ctx: &mut Ctx,
        input: &CreateTopicInput,
    ) -> Result<Value, AwsError> {
        let name = match input.name.as_deref() {
            Some(n) if !n.is_empty() => n,
            _ => return Err(invalid_parameter("Invalid parameter: Topic Name")),
        };
        let fifo = input
            .attributes
            .get("FifoTopic")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if let Some(v) = input.attributes.get("FifoTopic") {
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                return Err(invalid_parameter(&format!(
                    "Invalid parameter: Attributes Reason: FifoTopic: Invalid value [{v}]. Must be true or false."
                )));
            }
        }
        topic::check_topic_name(name, fifo)?;
        let prefix = "Invalid parameter: Attributes Reason: ";
        let mut attrs = BTreeMap::new();
        for (k, v) in &input.attributes {
            if k == "FifoTopic" {
                continue;
            }
            attrs.insert(k.clone(), topic::validate_attribute(k, v, fifo, prefix)?);
        }
        check_tags(&input.tags)?;
        let arn = topic_arn(name);
        if let Some(t) = self.topics.get(name) {
            // Same name: the same ARN if every attribute given equals the existing value.
            let same = input.attributes.iter().all(|(k, v)| {
                let mine = attrs
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| v.to_ascii_lowercase());
                t.rendered(k)
                    .is_some_and(|cur| cur == mine || cur.eq_ignore_ascii_case(v))
            });
            if !same {
                return Err(invalid_parameter(
                    "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
                ));
            }
            let tags_match = input
                .tags
                .iter()
                .all(|tag| t.tags.get(&tag.key) == Some(&tag.value));
            if !tags_match {
                return Err(invalid_parameter(
                    "Invalid parameter: Tags Reason: Topic already exists with different tags",
                ));
            }
            return Ok(json!({ "TopicArn": t.arn }));
        }
        let mut t = Topic::new(name, arn.clone(), fifo, ctx.now);
        t.attrs = attrs;
        t.archive_since = t.archive_retention_ms().map(|_| ctx.now);
        t.tags = crate::core::ordmap::btree_map_from(
            input
                .tags
                .iter()
                .map(|tag| (tag.key.clone(), tag.value.clone())),
        );
        self.topics.insert(name.to_string(), t);
        ctx.events.push(ctx.now, || EventKind::TopicCreated {
            topic: name.to_string(),
            fifo,
        });
        Ok(json!({ "TopicArn": arn }))
    }

    pub fn delete_topic(
        &mut self,
        ctx: &mut Ctx,
        input: &TopicArnInput,
    ) -> Result<Value, AwsError> {
        let name = match self.resolve_topic(input.topic_arn.as_ref(), "TopicArn") {
            Ok(n) => n,
            // Deleting a topic that does not exist succeeds (LocalStack's recorded behaviour).
            Err(e) if e.code == "NotFoundException" => return Ok(json!({})),
            Err(e) => return Err(e),
        };
        let t = self.topics.remove(&name).expect("resolved");
        for arn in &t.subscriptions {
            self.remove_subscription(ctx, arn, "DeleteTopic");
        }
        ctx.events.push(ctx.now, || EventKind::TopicDeleted {
            topic: name,
            subscriptions: t.subscriptions.len(),
        });
        Ok(json!({}))
    }

    pub fn list_topics(&self, input: &NextTokenInput) -> Result<Value, AwsError> {
        let start = match &input.next_token {
            Some(tok) if !tok.is_empty() => Some(
                String::from_utf8(b64::decode(tok).map_err(|_| bad_token())?)
                    .map_err(|_| bad_token())?,
            ),
            _ => None,
        };
        let names: Vec<&String> = self
            .topics
            .keys()
            .filter(|n| start.as_ref().is_none_or(|s| n.as_str() >= s.as_str()))
            .collect();
        let page: Vec<Value> = names
            .iter()
            .take(LIST_PAGE_SIZE)
            .map(|n| json!({ "TopicArn": topic_arn(n) }))
            .collect();
        let mut out = serde_json::Map::new();
        out.insert("Topics".into(), Value::Array(page));
        if let Some(next) = names.get(LIST_PAGE_SIZE) {
            out.insert("NextToken".into(), json!(b64::encode(next.as_bytes())));
        }
        Ok(Value::Object(out))
    }

    pub fn get_topic_attributes(
        &self,
        now: SimTime,
        input: &TopicArnInput,
    ) -> Result<Value, AwsError> {
        let name = self.resolve_topic(input.topic_arn.as_ref(), "TopicArn")?;
        let t = &self.topics[&name];
        let (confirmed, pending) = self.subscription_counts(t);
        let mut attrs = t.render(confirmed, pending);
        if let Some(since) = t.beginning_archive_time(now) {
            attrs.insert(
                "BeginningArchiveTime".into(),
                crate::core::time::iso8601_ms(since),
            );
        }
        Ok(json!({ "Attributes": attrs }))
    }

    pub fn set_topic_attributes(
        &mut self,
        ctx: &mut Ctx,
        input: &SetTopicAttributesInput,
    ) -> Result<Value, AwsError> {
        let name = self.resolve_topic(input.topic_arn.as_ref(), "TopicArn")?;
        let attr = match input.attribute_name.as_deref() {
            Some(a) if !a.is_empty() && a != "FifoTopic" => a,
            _ => return Err(invalid_parameter("Invalid parameter: AttributeName")),
        };
        let value = input.attribute_value.clone().unwrap_or_default();
        let t = self.topic_mut(&name);
        let v = topic::validate_attribute(attr, &value, t.fifo, "Invalid parameter: ")?;
        if v.is_empty() && matches!(attr, "DeliveryPolicy" | "ArchivePolicy" | "KmsMasterKeyId") {
            t.attrs.remove(attr);
        } else {
            t.attrs.insert(attr.to_string(), v);
        }
        if attr == "ArchivePolicy" {
            // Archiving begins when a policy is first set; removing it drops the archive.
            if t.archive_retention_ms().is_some() {
                t.archive_since.get_or_insert(ctx.now);
            }
            t.prune_archive(ctx.now);
        }
        ctx.events
            .push(ctx.now, || EventKind::TopicAttributesChanged {
                topic: name,
                attributes: vec![attr.to_string()],
            });
        Ok(json!({}))
    }

    // ----------------------------------------------------------------- tags

    fn resolve_resource(&self, arn: Option<&String>) -> Result<String, AwsError> {
        self.resolve_topic(arn, "ResourceArn").map_err(|e| {
            if e.code == "NotFoundException" {
                AwsError::new("ResourceNotFoundException", "Resource does not exist")
            } else {
                e
            }
        })
    }

    pub fn tag_resource(&mut self, input: &TagResourceInput) -> Result<Value, AwsError> {
        let name = self.resolve_resource(input.resource_arn.as_ref())?;
        if input.tags.is_empty() {
            return Err(invalid_parameter("Invalid parameter: Tags"));
        }
        check_tags(&input.tags)?;
        let t = self.topic_mut(&name);
        let new_keys = input
            .tags
            .iter()
            .filter(|tag| !t.tags.contains_key(&tag.key))
            .count();
        if t.tags.len() + new_keys > TAGS_PER_RESOURCE_MAX {
            return Err(AwsError::new(
                "TagLimitExceededException",
                "Could not complete request: tag quota of per resource exceeded",
            ));
        }
        for tag in &input.tags {
            t.tags.insert(tag.key.clone(), tag.value.clone());
        }
        Ok(json!({}))
    }

    pub fn untag_resource(&mut self, input: &UntagResourceInput) -> Result<Value, AwsError> {
        let name = self.resolve_resource(input.resource_arn.as_ref())?;
        let t = self.topic_mut(&name);
        for k in &input.tag_keys {
            t.tags.remove(k);
        }
        Ok(json!({}))
    }

    pub fn list_tags_for_resource(&self, input: &ResourceArnInput) -> Result<Value, AwsError> {
        let name = self.resolve_resource(input.resource_arn.as_ref())?;
        let tags: Vec<Tag> = self.topics[&name]
            .tags
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        Ok(json!({ "Tags": tags }))
    }

    // ----------------------------------------------------------------- subscriptions

    fn filter_policies_on(&self, t: &Topic) -> usize {
        t.subscriptions
            .iter()
            .filter(|a| {
                self.subscriptions
                    .get(*a)
                    .is_some_and(|s| s.filter.is_some())
            })
            .count()
    }

    pub fn subscribe(&mut self, ctx: &mut Ctx, input: &SubscribeInput) -> Result<Value, AwsError> {
        let name = self.resolve_topic(input.topic_arn.as_ref(), "TopicArn")?;
        let protocol = match input.protocol.as_deref() {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => return Err(invalid_parameter("Invalid parameter: Protocol")),
        };
        if !subs::PROTOCOLS.contains(&protocol.as_str()) {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: Amazon SNS does not support this protocol string: {protocol}"
            )));
        }
        let endpoint = match input.endpoint.as_deref() {
            Some(e) if !e.is_empty() => e.to_string(),
            _ => return Err(invalid_parameter("Invalid parameter: Endpoint")),
        };
        subs::check_endpoint(&protocol, &endpoint)?;
        if protocol == "application" {
            // An endpoint of a known application must exist (moto's recorded text, whose
            // missing space is AWS's); a disabled one may still be subscribed.
            if let Some(e) = self.push_refusal(&endpoint) {
                if e.code == "NotFoundException" {
                    return Err(invalid_parameter(&format!(
                        "Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn{endpoint}"
                    )));
                }
            }
        }
        let t = &self.topics[&name];
        if t.fifo && protocol != "sqs" {
            // aws-rules §3.1: customer-managed endpoints (and Lambda, Firehose) cannot subscribe
            // to a FIFO topic. Wording UNCONFIRMED.
            return Err(invalid_parameter(&format!(
                "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO topics only support Amazon SQS subscriptions, not protocol {protocol}"
            )));
        }
        if !t.fifo && protocol == "sqs" && endpoint.ends_with(".fifo") {
            return Err(invalid_parameter(
                "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
            ));
        }
        let parsed = subs::parse_attributes(
            &input.attributes,
            &protocol,
            t.fifo,
            "Invalid parameter: Attributes Reason: ",
        )?;
        subs::check_protocol_requirements(&protocol, &input.attributes)?;
        let replay = match parsed.attrs.get("ReplayPolicy") {
            Some(p) => {
                Some(self.check_replay(&name, p, "Invalid parameter: Attributes Reason: ")?)
            }
            None => None,
        };
        let want_arn = input.return_subscription_arn.unwrap_or(false);

        // The same endpoint subscribed again: the same subscription (aws-rules §3.3), unless the
        // attributes differ.
        let existing = t.subscriptions.iter().find_map(|a| {
            self.subscriptions
                .get(a)
                .filter(|s| s.protocol == protocol && s.endpoint == endpoint)
        });
        if let Some(s) = existing {
            // Only the attributes the call gives are compared (LocalStack's rule, from AWS's
            // answers); one that restates the subscription's value, or its default, is no
            // difference.
            let differs = parsed.attrs.iter().any(|(k, v)| !subs::restates(s, k, v));
            if differs {
                return Err(invalid_parameter(
                    "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
                ));
            }
            let arn = if s.pending && !want_arn {
                "pending confirmation".to_string()
            } else {
                s.arn.clone()
            };
            return Ok(json!({ "SubscriptionArn": arn }));
        }
        if parsed.filter.is_some() && self.filter_policies_on(t) >= FILTER_POLICIES_PER_TOPIC_MAX {
            return Err(filter_limit());
        }

        let topic_arn = t.arn.clone();
        let arn = format!("{topic_arn}:{}", ctx.rng.uuid());
        let pending = subs::needs_confirmation(&protocol);
        let seq = self.next_sub_seq;
        self.next_sub_seq += 1;
        let mut sub = Subscription {
            arn: arn.clone(),
            topic_arn: topic_arn.clone(),
            protocol: protocol.clone(),
            endpoint: endpoint.clone(),
            pending,
            token: None,
            token_issued_at: ctx.now,
            created_at: ctx.now,
            attrs: parsed.attrs,
            filter: parsed.filter.map(Rc::new),
            raw: parsed.raw,
            redrive: parsed.redrive,
            seq,
            receives: (0, 0),
            replay: None,
        };
        ctx.events.push(ctx.now, || EventKind::SubscriptionCreated {
            topic: name.clone(),
            subscription: arn.clone(),
            protocol: protocol.clone(),
            endpoint: endpoint.clone(),
            pending_confirmation: pending,
        });
        if pending {
            let token = confirmation_token(ctx);
            sub.token = Some(token.clone());
            self.tokens.insert(token.clone(), arn.clone());
            self.send_confirmation(ctx, &sub, "SubscriptionConfirmation", &token);
            ctx.events
                .push(ctx.now, || EventKind::SubscriptionConfirmationSent {
                    topic: name.clone(),
                    subscription: arn.clone(),
                    endpoint: endpoint.clone(),
                    token: token.clone(),
                });
            ctx.timers.schedule(
                ctx.now + PENDING_SUBSCRIPTION_TTL_MS,
                SnsTimer::PendingExpiry {
                    subscription: arn.clone(),
                },
            );
        }
        self.subscriptions.insert(arn.clone(), sub);
        self.sub_order.insert(seq, arn.clone());
        self.topic_mut(&name).subscriptions.push(arn.clone());
        if let Some(window) = replay {
            self.start_replay(ctx, &arn, window);
        }
        let shown = if pending && !want_arn {
            "pending confirmation".to_string()
        } else {
            arn
        };
        Ok(json!({ "SubscriptionArn": shown }))
    }

    /// The SubscriptionConfirmation SNS sends to an http/https/email/email-json endpoint.
    /// The SubscriptionConfirmation SNS sends to an http/https/email/email-json endpoint, or
    /// (`kind` UnsubscribeConfirmation) what an http/https/email-json endpoint receives when
    /// it is unsubscribed (aws-rules §3.4; the message texts are the AWS guide's examples).
    fn send_confirmation(&mut self, ctx: &mut Ctx, sub: &Subscription, kind: &str, token: &str) {
        let message_id = ctx.rng.uuid();
        let unsubscribe = kind == "UnsubscribeConfirmation";
        let message = if unsubscribe {
            format!(
                "You have chosen to deactivate subscription {}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
                sub.arn
            )
        } else {
            format!(
                "You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
                sub.topic_arn
            )
        };
        let message = Payload::text(message);
        let env = envelope::Envelope {
            kind,
            message_id: &message_id,
            topic_arn: &sub.topic_arn,
            subject: None,
            message: &message,
            timestamp: crate::core::time::iso8601_ms(ctx.now),
            signature_version: Some("1"),
            subscription_arn: &sub.arn,
            token: Some(token),
            attributes: None,
            sequence_number: None,
            replayed: false,
        };
        let body = if sub.protocol == "email" {
            Payload::text(format!(
                "You have chosen to subscribe to the topic:\n{}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n{}",
                sub.topic_arn,
                envelope::subscribe_url(&sub.topic_arn, token)
            ))
        } else {
            env.to_json()
        };
        let mut headers = BTreeMap::new();
        if sub.protocol.starts_with("http") {
            let arn = unsubscribe.then_some(sub.arn.as_str());
            headers = http_headers(kind, &message_id, &sub.topic_arn, arn, false);
        }
        self.record_inbox(
            &sub.endpoint,
            InboxEntry {
                received_at: crate::core::time::epoch_ms(ctx.now) as f64 / 1000.0,
                protocol: sub.protocol.clone(),
                kind: kind.into(),
                message_id,
                subscription_arn: unsubscribe.then(|| sub.arn.clone()),
                token: Some(token.to_string()),
                subject: (sub.protocol == "email")
                    .then(|| "AWS Notification - Subscription Confirmation".to_string()),
                body,
                headers,
            },
        );
    }

    pub(crate) fn record_inbox(&mut self, endpoint: &str, entry: InboxEntry) {
        if !self.inboxes.contains_key(endpoint) && self.inboxes.len() >= INBOX_ENDPOINTS_MAX {
            return;
        }
        let q = self.inboxes.entry(endpoint.to_string()).or_default();
        if q.len() >= INBOX_MESSAGES_MAX {
            q.pop_front();
        }
        q.push_back(entry);
    }

    pub fn confirm_subscription(
        &mut self,
        ctx: &mut Ctx,
        input: &ConfirmSubscriptionInput,
    ) -> Result<Value, AwsError> {
        let name = self
            .resolve_topic(input.topic_arn.as_ref(), "Topic")
            .map_err(|e| {
                if e.code == "NotFoundException" {
                    e
                } else {
                    invalid_parameter("Invalid parameter: Topic")
                }
            })?;
        let token = match input.token.as_deref() {
            Some(t) if !t.is_empty() => t,
            _ => return Err(invalid_parameter("Invalid parameter: Token")),
        };
        let arn = self
            .tokens
            .get(token)
            .cloned()
            .ok_or_else(|| invalid_parameter("Invalid parameter: Token"))?;
        let topic_arn = self.topics[&name].arn.clone();
        let sub = self
            .subscriptions
            .get_mut(&arn)
            .ok_or_else(|| invalid_parameter("Invalid parameter: Token"))?;
        if sub.topic_arn != topic_arn {
            return Err(invalid_parameter("Invalid parameter: Topic"));
        }
        if !sub.pending {
            // Idempotent.
            return Ok(json!({ "SubscriptionArn": arn }));
        }
        if ctx.now > sub.token_issued_at + CONFIRMATION_TOKEN_TTL_MS {
            return Err(invalid_parameter("Invalid token"));
        }
        sub.pending = false;
        ctx.events
            .push(ctx.now, || EventKind::SubscriptionConfirmed {
                topic: name,
                subscription: arn.clone(),
            });
        Ok(json!({ "SubscriptionArn": arn }))
    }

    pub fn unsubscribe(
        &mut self,
        ctx: &mut Ctx,
        input: &SubscriptionArnInput,
    ) -> Result<Value, AwsError> {
        let arn =
            match input.subscription_arn.as_deref() {
                Some(a) if !a.is_empty() => a,
                _ => return Err(invalid_parameter(
                    "Invalid parameter: SubscriptionArn Reason: no value for required parameter",
                )),
            };
        let count = arn.split(':').count();
        if count < 6 || !arn.starts_with("arn:") {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not {count}"
            )));
        }
        if count == 6 {
            return Err(invalid_parameter("Invalid parameter: SubscriptionId"));
        }
        // Unsubscribing from a subscription that does not exist does nothing.
        if self.subscriptions.contains_key(arn) {
            self.remove_subscription(ctx, arn, "Unsubscribe");
        }
        Ok(json!({}))
    }

    /// Forgets a subscription (its pending deliveries are dropped when they come due).
    fn remove_subscription(&mut self, ctx: &mut Ctx, arn: &str, reason: &str) {
        let Some(sub) = self.subscriptions.remove(arn) else {
            return;
        };
        if reason == "Unsubscribe"
            && !sub.pending
            && matches!(sub.protocol.as_str(), "http" | "https" | "email-json")
        {
            // The token would restore the subscription through its SubscribeURL; mqlab
            // keeps no unsubscribed subscriptions, so ConfirmSubscription refuses it.
            let token = confirmation_token(ctx);
            self.send_confirmation(ctx, &sub, "UnsubscribeConfirmation", &token);
        }
        self.sub_order.remove(&sub.seq);
        if let Some(tok) = &sub.token {
            self.tokens.remove(tok);
        }
        let topic_name = sub.topic_arn.rsplit(':').next().unwrap_or("").to_string();
        if let Some(t) = self.topics.get_mut(&topic_name) {
            t.subscriptions.retain(|a| a != arn);
            t.subscriptions_deleted += 1;
        }
        ctx.events.push(ctx.now, || EventKind::SubscriptionDeleted {
            topic: topic_name,
            subscription: arn.to_string(),
            reason: reason.to_string(),
        });
    }

    pub(crate) fn expire_pending(&mut self, ctx: &mut Ctx, arn: &str) {
        if self.subscriptions.get(arn).is_some_and(|s| s.pending) {
            self.remove_subscription(ctx, arn, "ConfirmationExpired");
        }
    }

    fn subscription_entry(s: &Subscription) -> Value {
        json!({
            "SubscriptionArn": if s.pending { "PendingConfirmation" } else { s.arn.as_str() },
            "Owner": ACCOUNT_ID,
            "Protocol": s.protocol,
            "Endpoint": s.endpoint,
            "TopicArn": s.topic_arn,
        })
    }

    fn page_of_subscriptions(
        &self,
        next_token: Option<&String>,
        keep: impl Fn(&Subscription) -> bool,
    ) -> Result<Value, AwsError> {
        let start: u64 = match next_token {
            Some(tok) if !tok.is_empty() => {
                String::from_utf8(b64::decode(tok).map_err(|_| bad_token())?)
                    .ok()
                    .and_then(|s| s.strip_prefix("sub:").and_then(|n| n.parse().ok()))
                    .ok_or_else(bad_token)?
            }
            _ => 0,
        };
        let mut page = Vec::new();
        let mut next = None;
        for (seq, arn) in self.sub_order.range(start..) {
            let Some(s) = self.subscriptions.get(arn) else {
                continue;
            };
            if !keep(s) {
                continue;
            }
            if page.len() == LIST_PAGE_SIZE {
                next = Some(*seq);
                break;
            }
            page.push(Self::subscription_entry(s));
        }
        let mut out = serde_json::Map::new();
        out.insert("Subscriptions".into(), Value::Array(page));
        if let Some(n) = next {
            out.insert("NextToken".into(), json!(b64::encode(format!("sub:{n}"))));
        }
        Ok(Value::Object(out))
    }

    pub fn list_subscriptions(&self, input: &NextTokenInput) -> Result<Value, AwsError> {
        self.page_of_subscriptions(input.next_token.as_ref(), |_| true)
    }

    pub fn list_subscriptions_by_topic(
        &self,
        input: &ListSubscriptionsByTopicInput,
    ) -> Result<Value, AwsError> {
        let name = self.resolve_topic(input.topic_arn.as_ref(), "TopicArn")?;
        let arn = self.topics[&name].arn.clone();
        self.page_of_subscriptions(input.next_token.as_ref(), |s| s.topic_arn == arn)
    }

    fn resolve_subscription(&self, arn: Option<&String>) -> Result<&Subscription, AwsError> {
        let arn = match arn {
            Some(a) if !a.is_empty() => a,
            _ => return Err(invalid_parameter("Invalid parameter: SubscriptionArn")),
        };
        self.subscriptions
            .get(arn)
            .ok_or_else(subscription_not_found)
    }

    pub fn get_subscription_attributes(
        &self,
        input: &SubscriptionArnInput,
    ) -> Result<Value, AwsError> {
        let s = self.resolve_subscription(input.subscription_arn.as_ref())?;
        let effective = s.protocol.starts_with("http").then(|| {
            let topic_name = s.topic_arn.rsplit(':').next().unwrap_or("");
            self.topics
                .get(topic_name)
                .map(|t| t.effective_delivery_policy())
                .unwrap_or_else(|| topic::default_effective_delivery_policy().to_string())
        });
        Ok(json!({ "Attributes": s.render(effective) }))
    }

    pub fn set_subscription_attributes(
        &mut self,
        ctx: &mut Ctx,
        input: &SetSubscriptionAttributesInput,
    ) -> Result<Value, AwsError> {
        let s = self.resolve_subscription(input.subscription_arn.as_ref())?;
        let name = match input.attribute_name.as_deref() {
            Some(n) if subs::SUBSCRIPTION_ATTRIBUTES.contains(&n) => n.to_string(),
            _ => return Err(invalid_parameter("Invalid parameter: AttributeName")),
        };
        let value = input.attribute_value.clone().unwrap_or_default();
        let topic_name = s.topic_arn.rsplit(':').next().unwrap_or("").to_string();
        let topic_fifo = self.topics.get(&topic_name).is_some_and(|t| t.fifo);
        let mut attrs = s.attrs.clone();
        if value.is_empty()
            && matches!(
                name.as_str(),
                "FilterPolicy" | "DeliveryPolicy" | "RedrivePolicy" | "ReplayPolicy"
            )
        {
            attrs.remove(&name);
        } else {
            attrs.insert(name.clone(), value);
        }
        let parsed =
            subs::parse_attributes(&attrs, &s.protocol, topic_fifo, "Invalid parameter: ")?;
        let replay = match (name.as_str(), attrs.get("ReplayPolicy")) {
            ("ReplayPolicy", Some(p)) => {
                Some(self.check_replay(&topic_name, p, "Invalid parameter: ")?)
            }
            _ => None,
        };
        if parsed.filter.is_some() && s.filter.is_none() {
            if let Some(t) = self.topics.get(&topic_name) {
                if self.filter_policies_on(t) >= FILTER_POLICIES_PER_TOPIC_MAX {
                    return Err(filter_limit());
                }
            }
        }
        let arn = s.arn.clone();
        let s = self.subscriptions.get_mut(&arn).expect("resolved");
        s.attrs = parsed.attrs;
        s.filter = parsed.filter.map(Rc::new);
        s.raw = parsed.raw;
        s.redrive = parsed.redrive;
        if name == "ReplayPolicy" && replay.is_none() {
            // An empty ReplayPolicy stops the replay (the console's "Stop replay").
            s.replay = None;
        }
        if let Some(window) = replay {
            self.start_replay(ctx, &arn, window);
        }
        ctx.events
            .push(ctx.now, || EventKind::SubscriptionAttributesChanged {
                subscription: arn,
                attribute: name,
            });
        Ok(json!({}))
    }

    pub fn list_endpoint_messages(
        &self,
        input: &ListEndpointMessagesInput,
    ) -> Result<Value, AwsError> {
        let endpoint = match input.endpoint.as_deref() {
            Some(e) if !e.is_empty() => e,
            _ => return Err(invalid_parameter("Invalid parameter: Endpoint")),
        };
        Ok(json!({ "Messages": self.endpoint_messages(endpoint) }))
    }

    // ----------------------------------------------------------------- publishing

    /// Validates one message for `topic` (None: a direct SMS publish). Batch entries and
    /// Publish share the rules (aws-rules §3.2).
    pub(crate) fn prepare(
        &self,
        topic: Option<&Topic>,
        f: &MessageFields,
    ) -> Result<Prepared, AwsError> {
        if let Some(s) = f.subject {
            check_subject(s)?;
        }
        let message = match f.message {
            Some(m) if !m.is_empty() => m,
            _ => return Err(invalid_parameter("Invalid parameter: Empty message")),
        };
        envelope::validate_attributes(f.attributes)?;
        let size = envelope::publish_size(message.len(), f.attributes);
        if size > MESSAGE_SIZE_MAX {
            return Err(invalid_parameter("Invalid parameter: Message too long"));
        }
        let text = match f.structure {
            Some("json") => MessageText::parse_json_structure(&message.as_str())?,
            None => MessageText::Plain(message.clone()),
            Some(other) => {
                return Err(invalid_parameter(&format!(
                    "Invalid parameter: MessageStructure Reason: {other} is not a valid message structure; use json"
                )))
            }
        };
        let fifo = topic.is_some_and(|t| t.fifo);
        if let Some(g) = f.group_id {
            check_fifo_id("MessageGroupId", g)?;
        }
        let mut dedup_id = None;
        if fifo {
            let t = topic.expect("fifo implies a topic");
            if f.group_id.is_none() {
                return Err(invalid_parameter(
                    "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
                ));
            }
            dedup_id = match f.dedup_id {
                Some(d) => {
                    check_fifo_id("MessageDeduplicationId", d)?;
                    Some(d.to_string())
                }
                // SHA-256 of the message body (aws-rules §3.2).
                None if t.content_based_deduplication() => {
                    Some(crate::core::aws::hex(&message.sha256()))
                }
                None => {
                    return Err(invalid_parameter(
                        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                    ))
                }
            };
        } else if f.dedup_id.is_some() {
            return Err(invalid_parameter(
                "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
            ));
        }
        Ok(Prepared {
            subject: f.subject.map(String::from),
            message: text,
            attributes: f.attributes.clone(),
            group_id: f.group_id.map(String::from),
            dedup_id,
            size,
        })
    }

    pub fn publish(
        &mut self,
        ctx: &mut Ctx,
        input: &PublishInput,
    ) -> Result<PublishOutput, AwsError> {
        let fields = MessageFields {
            message: input.message.as_ref(),
            subject: input.subject.as_deref(),
            structure: input.message_structure.as_deref(),
            attributes: &input.message_attributes,
            group_id: input.message_group_id.as_deref(),
            dedup_id: input.message_deduplication_id.as_deref(),
        };
        if let Some(phone) = input.phone_number.as_deref().filter(|p| !p.is_empty()) {
            if input.topic_arn.is_some() || input.target_arn.is_some() {
                return Err(invalid_parameter(
                    "Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given",
                ));
            }
            if !subs::is_e164(phone) {
                return Err(invalid_parameter(&format!(
                    "Invalid parameter: PhoneNumber Reason: {phone} is not valid to publish to"
                )));
            }
            let p = self.prepare(None, &fields)?;
            let body = p.message.for_protocol("sms").clone();
            return Ok(self.publish_direct(ctx, phone, "sms", body, p.size));
        }
        let target = match (&input.topic_arn, &input.target_arn) {
            (Some(t), _) if !t.is_empty() => t,
            (_, Some(t)) if !t.is_empty() => {
                if t.split(':')
                    .nth(5)
                    .is_some_and(|r| r.starts_with("endpoint/"))
                {
                    return self.publish_to_endpoint(ctx, t, &fields);
                }
                t
            }
            _ => return Err(invalid_parameter(
                "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter",
            )),
        };
        let name = self.resolve_topic(Some(target), "TopicArn")?;
        let prepared = self.prepare(Some(&self.topics[&name]), &fields)?;
        self.topic_mut(&name)
            .admit(ctx.now, 1, prepared.size as u64)?;
        Ok(self.publish_prepared(ctx, &name, prepared))
    }

    /// Publishes on behalf of another AWS service (S3 event notifications): the same checks,
    /// cost, metrics, filter policies and fan-out as a Publish call, with no message
    /// attributes, group or deduplication id (so a FIFO topic refuses it, as AWS's does).
    pub(crate) fn publish_for_service(
        &mut self,
        ctx: &mut Ctx,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> Result<PublishOutput, AwsError> {
        let name = self.resolve_topic(Some(&topic_arn.to_string()), "TopicArn")?;
        let attributes = MessageAttributes::new();
        let message = Payload::text(message);
        let fields = MessageFields {
            message: Some(&message),
            subject: Some(subject),
            structure: None,
            attributes: &attributes,
            group_id: None,
            dedup_id: None,
        };
        let prepared = self.prepare(Some(&self.topics[&name]), &fields)?;
        Ok(self.publish_prepared(ctx, &name, prepared))
    }

    /// Publishes a validated message: deduplicates (FIFO), numbers it, counts it, and fans it
    /// out to the topic's subscriptions.
    pub(crate) fn publish_prepared(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        p: Prepared,
    ) -> PublishOutput {
        let t = self.topic_mut(name);
        let fifo = t.fifo;
        let dedup_key = p.dedup_id.as_ref().map(|d| {
            if t.dedup_per_group() {
                format!("{}\u{0}{d}", p.group_id.as_deref().unwrap_or(""))
            } else {
                d.clone()
            }
        });
        self.cost.charge_publish(fifo, p.size);
        let t = self.topic_mut(name);
        if let Some(key) = &dedup_key {
            if let Some((message_id, sequence_number)) = t.dedup.lookup(ctx.now, key) {
                // Accepted, not delivered; the original MessageId comes back (as SQS answers,
                // aws-rules §1.16 — the SNS answer is UNCONFIRMED).
                t.totals.deduplicated += 1;
                ctx.events.push(ctx.now, || EventKind::PublishDeduplicated {
                    topic: name.to_string(),
                    message_id: message_id.clone(),
                });
                return PublishOutput {
                    message_id,
                    sequence_number,
                };
            }
        }
        let message_id = ctx.rng.uuid();
        let sequence_number = fifo.then(|| {
            // Increasing, large and not consecutive (aws-rules §3.2).
            t.sequence += 1 + ctx.rng.below(1 << 20) as u128;
            format!("{:020}", 10_000_000_000_000_000_000u128 + t.sequence)
        });
        if let Some(key) = dedup_key {
            t.dedup
                .record(ctx.now, key, message_id.clone(), sequence_number.clone());
        }
        t.metrics.current.number_of_messages_published += 1;
        t.metrics.current.publish_bytes += p.size as u64;
        t.totals.published += 1;
        let topic_arn = t.arn.clone();
        let signature_version = t.signature_version().to_string();
        ctx.events.push(ctx.now, || EventKind::MessagePublished {
            topic: name.to_string(),
            message_id: message_id.clone(),
            bytes: p.size,
            group_id: p.group_id.clone(),
            sequence_number: sequence_number.clone(),
        });
        let n = Notification {
            message_id: message_id.clone(),
            topic_arn,
            topic_name: name.to_string(),
            fifo,
            subject: p.subject,
            message: p.message,
            attributes: p.attributes,
            group_id: p.group_id,
            dedup_id: p.dedup_id,
            sequence_number: sequence_number.clone(),
            published_at: ctx.now,
            signature_version,
            replayed: false,
            refs: 0,
        };
        // The archive's memory cap counts what a message keeps in memory (a simulated
        // producer's synthetic body: its head), as the shards' cap does.
        let text = n.message.for_protocol("");
        let held = p.size.saturating_sub(text.len()) + text.retained_bytes();
        self.topic_mut(name).archive_push(ctx.now, held, &n);
        self.fan_out(ctx, n);
        PublishOutput {
            message_id,
            sequence_number,
        }
    }

    pub fn publish_batch(
        &mut self,
        ctx: &mut Ctx,
        input: &PublishBatchInput,
    ) -> Result<PublishBatchOutput, AwsError> {
        let entries = &input.publish_batch_request_entries;
        if entries.len() > BATCH_ENTRIES_MAX {
            return Err(AwsError::new(
                "TooManyEntriesInBatchRequestException",
                "The batch request contains more entries than permissible.",
            ));
        }
        let name = self.resolve_topic(input.topic_arn.as_ref(), "TopicArn")?;
        if entries.is_empty() {
            return Err(AwsError::new(
                "EmptyBatchRequestException",
                "The batch request doesn't contain any entries.",
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for e in entries {
            if !seen.insert(e.id.as_deref().unwrap_or("")) {
                return Err(AwsError::new(
                    "BatchEntryIdsNotDistinctException",
                    "Two or more batch entries in the request have the same Id.",
                ));
            }
        }
        for e in entries {
            let id = e.id.as_deref().unwrap_or("");
            if id.len() > BATCH_ENTRY_ID_MAX {
                return Err(AwsError::new(
                    "InvalidBatchEntryIdException",
                    format!("The Id of a batch entry in the batch request is too long: {id}"),
                ));
            }
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(AwsError::new(
                    "InvalidBatchEntryIdException",
                    format!("The Id of a batch entry in the batch request contains an impermissible character: {id}"),
                ));
            }
        }
        // Whole-request rules (LocalStack's recorded answers): malformed attributes and
        // missing FIFO parameters fail the whole batch, as does the total size.
        let fifo = self.topics[&name].fifo;
        let cbd = self.topics[&name].content_based_deduplication();
        let mut total = 0usize;
        for e in entries {
            envelope::validate_attributes(&e.message_attributes)?;
            if fifo && e.message_group_id.is_none() {
                return Err(invalid_parameter(
                    "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
                ));
            }
            if fifo && !cbd && e.message_deduplication_id.is_none() {
                return Err(invalid_parameter(
                    "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                ));
            }
            total += envelope::publish_size(
                e.message.as_ref().map_or(0, Payload::len),
                &e.message_attributes,
            );
        }
        if total > MESSAGE_SIZE_MAX {
            return Err(AwsError::new(
                "BatchRequestTooLongException",
                "The length of all the messages put together is more than the limit.",
            ));
        }
        self.topic_mut(&name)
            .admit(ctx.now, entries.len() as u64, total as u64)?;
        // Entries are published in the order given (aws-rules §3.2); one that breaks a per-message
        // rule is reported in Failed and the others go on.
        let mut out = PublishBatchOutput::default();
        for e in entries {
            let id = e.id.clone().unwrap_or_default();
            let fields = MessageFields {
                message: e.message.as_ref(),
                subject: e.subject.as_deref(),
                structure: e.message_structure.as_deref(),
                attributes: &e.message_attributes,
                group_id: e.message_group_id.as_deref(),
                dedup_id: e.message_deduplication_id.as_deref(),
            };
            match self.prepare(Some(&self.topics[&name]), &fields) {
                Ok(p) => {
                    let r = self.publish_prepared(ctx, &name, p);
                    out.successful.push(PublishBatchResultEntry {
                        id,
                        message_id: r.message_id,
                        sequence_number: r.sequence_number,
                    });
                }
                Err(err) => out.failed.push(BatchResultErrorEntry {
                    id,
                    code: err.code,
                    message: err.message,
                    sender_fault: err.sender_fault,
                }),
            }
        }
        Ok(out)
    }
}

fn filter_limit() -> AwsError {
    AwsError::new(
        "FilterPolicyLimitExceededException",
        "Filter policy limit exceeded: a topic can have at most 200 subscriptions with a filter policy.",
    )
}

/// Tag keys 1–128 characters, values up to 256, no key twice.
fn check_tags(tags: &[Tag]) -> Result<(), AwsError> {
    let mut seen = std::collections::BTreeSet::new();
    for t in tags {
        if !seen.insert(&t.key) {
            return Err(invalid_parameter(
                "Invalid parameter: Duplicated keys are not allowed.",
            ));
        }
        if t.key.is_empty() || t.key.chars().count() > 128 || t.value.chars().count() > 256 {
            return Err(invalid_parameter("Invalid parameter: Tags"));
        }
    }
    Ok(())
}

/// A confirmation token: long lowercase hex, as AWS's look (LocalStack notes 288 hex
/// characters); from the world's RNG so runs repeat.
fn confirmation_token(ctx: &mut Ctx) -> String {
    let mut s = String::with_capacity(288);
    while s.len() < 288 {
        s.push_str(&format!("{:016x}", ctx.rng.next_u64()));
    }
    s.truncate(288);
    s
}

/// The HTTP headers of a POST to an http/https subscriber (aws-rules §3.4).
pub(crate) fn http_headers(
    kind: &str,
    message_id: &str,
    topic_arn: &str,
    subscription_arn: Option<&str>,
    raw: bool,
) -> BTreeMap<String, String> {
    let mut h = BTreeMap::new();
    h.insert("x-amz-sns-message-type".into(), kind.to_string());
    h.insert("x-amz-sns-message-id".into(), message_id.to_string());
    h.insert("x-amz-sns-topic-arn".into(), topic_arn.to_string());
    if let Some(s) = subscription_arn {
        h.insert("x-amz-sns-subscription-arn".into(), s.to_string());
    }
    if raw {
        h.insert("x-amz-sns-rawdelivery".into(), "true".into());
    }
    h.insert("Content-Type".into(), "text/plain; charset=UTF-8".into());
    h.insert(
        "User-Agent".into(),
        "Amazon Simple Notification Service Agent".into(),
    );
    h
}
