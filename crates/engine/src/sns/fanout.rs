//! Fan-out in virtual time: a publish makes one delivery per confirmed subscription whose
//! filter policy passes (aws-rules §3.8); each delivery is attempted [`super::SNS_DELIVERY_LATENCY_MS`]
//! later, retried per its endpoint class's policy (aws-rules §3.6) as SNS timers, and after a
//! client-side error or the last retry moved to the subscription's dead-letter queue or
//! discarded (aws-rules §3.7).

use super::delivery::{AttemptOutcome, DeliveryPolicy};
use super::envelope::Envelope;
use super::filter::FilterPolicyScope;
use super::ops::http_headers;
use super::subscription::Subscription;
use super::*;
use crate::core::aws::SNS_SERVICE_PRINCIPAL;
use crate::core::event::EventKind;
use crate::core::message_attributes::MessageAttributeValue;
use crate::core::route::{QueueSend, Router};
use crate::core::time::epoch_ms;

/// SQS errors that are the queue's server side (throttling, capacity): retried. Every other
/// refusal (no such queue, a message the queue will not take) is client-side: not retried
/// (aws-rules §3.6).
const SQS_SERVER_SIDE_ERRORS: &[&str] = &["RequestThrottled", "OverLimit", "KmsThrottled"];

/// The envelope of a notification as `sub` receives it.
fn envelope_for<'a>(sub: &'a Subscription, n: &'a Notification) -> Envelope<'a> {
    Envelope {
        kind: "Notification",
        message_id: &n.message_id,
        topic_arn: &n.topic_arn,
        subject: n.subject.as_deref(),
        message: n.message.for_protocol(sub.message_key()),
        timestamp: crate::core::time::iso8601_ms(n.published_at),
        signature_version: (!n.fifo).then_some(n.signature_version.as_str()),
        subscription_arn: &sub.arn,
        token: None,
        attributes: n.delivered_attributes(),
        sequence_number: n.sequence_number.as_deref(),
        replayed: n.replayed,
    }
}

/// The body a subscriber receives (aws-rules §3.4): raw for raw deliveries, plain text for email,
/// SMS and mobile push, the Lambda event for functions, the JSON envelope otherwise.
pub(crate) fn body_for(sub: &Subscription, n: &Notification) -> Payload {
    let text = n.message.for_protocol(sub.message_key());
    match sub.protocol.as_str() {
        "sqs" | "http" | "https" | "firehose" if sub.raw => text.clone(),
        "email" | "sms" | "application" => text.clone(),
        "lambda" => Payload::text(envelope_for(sub, n).to_lambda_event()),
        _ => envelope_for(sub, n).to_json(),
    }
}

/// SNS message attributes as SQS message attributes (raw delivery, aws-rules §3.4): same names,
/// types and values (`String.Array` stays a String with a custom type).
fn to_sqs_attributes(attrs: &MessageAttributes) -> MessageAttributes {
    crate::core::ordmap::btree_map_from(attrs.iter().map(|(k, v)| {
        (
            k.clone(),
            MessageAttributeValue {
                data_type: v.data_type.clone(),
                string_value: v.string_value.clone(),
                binary_value: v.binary_value.clone(),
                ..Default::default()
            },
        )
    }))
}

/// One attempt to deliver `n` into the SQS queue of `sub`, through SQS's own send path.
fn sqs_attempt(
    ctx: &mut Ctx,
    router: &mut dyn Router,
    sub: &Subscription,
    n: &Notification,
) -> (AttemptOutcome, Option<String>) {
    // SNS sends as the service principal: the queue's policy must let the topic send
    // (aws-rules §3.12). A refusal is a client-side error, not retried (§3.6).
    if let Some(e) = router.queue_send_refusal(&sub.endpoint, SNS_SERVICE_PRINCIPAL, &sub.topic_arn)
    {
        return (
            AttemptOutcome::ClientError {
                after_ms: 0,
                reason: format!("{}: {}", e.code, e.message),
            },
            None,
        );
    }
    let mut attributes = MessageAttributes::new();
    if sub.raw {
        if let Some(a) = n.delivered_attributes() {
            if a.len() > RAW_SQS_ATTRIBUTES_MAX {
                return (
                    AttemptOutcome::ClientError {
                        after_ms: 0,
                        reason: format!(
                            "The message has {} message attributes; raw delivery to Amazon SQS carries at most {RAW_SQS_ATTRIBUTES_MAX}.",
                            a.len()
                        ),
                    },
                    None,
                );
            }
            attributes = to_sqs_attributes(a);
        }
    }
    let queue_fifo = sub.endpoint.ends_with(".fifo");
    // FIFO queues get the group and deduplication ids; standard queues get the group id only
    // from standard topics (fair queues), never from FIFO topics (aws-rules §0.1).
    let group = if queue_fifo || !n.fifo {
        n.group_id.clone()
    } else {
        None
    };
    let dedup = queue_fifo.then(|| n.dedup_id.clone().unwrap_or_else(|| n.message_id.clone()));
    let message = QueueSend {
        body: body_for(sub, n),
        attributes,
        dedup_id: dedup,
        group_id: group,
    };
    match router.send_to_queue(ctx.shared(), &sub.endpoint, &message) {
        Ok(message_id) => (AttemptOutcome::Delivered { after_ms: 0 }, Some(message_id)),
        Err(e) if SQS_SERVER_SIDE_ERRORS.contains(&e.code.as_str()) => (
            AttemptOutcome::ServerError {
                after_ms: 0,
                reason: format!("{}: {}", e.code, e.message),
            },
            None,
        ),
        Err(e) => (
            AttemptOutcome::ClientError {
                after_ms: 0,
                reason: format!("{}: {}", e.code, e.message),
            },
            None,
        ),
    }
}

/// The CloudWatch metric a filtered-out message counts in.
fn filtered_metric(scope: FilterPolicyScope, n: &Notification, body: &Payload) -> &'static str {
    match scope {
        FilterPolicyScope::MessageBody => {
            if serde_json::from_str::<Value>(&body.as_str()).is_ok_and(|v| v.is_object()) {
                "NumberOfNotificationsFilteredOut-MessageBody"
            } else {
                "NumberOfNotificationsFilteredOut-InvalidMessageBody"
            }
        }
        FilterPolicyScope::MessageAttributes => {
            if n.attributes.is_empty() {
                "NumberOfNotificationsFilteredOut-NoMessageAttributes"
            } else if n.attributes.values().any(|v| {
                v.data_type == "String.Array"
                    && !serde_json::from_str::<Value>(v.string_value.as_deref().unwrap_or(""))
                        .is_ok_and(|a| a.is_array())
            }) {
                "NumberOfNotificationsFilteredOut-InvalidAttributes"
            } else {
                "NumberOfNotificationsFilteredOut"
            }
        }
    }
}

impl Sns {
    fn topic_delivery_policy(&self, topic_name: &str) -> Option<DeliveryPolicy> {
        self.topics
            .get(topic_name)
            .and_then(|t| t.delivery_policy())
    }

    /// One delivery per confirmed subscription whose filter policy lets `n` through.
    pub(crate) fn fan_out(&mut self, ctx: &mut Ctx, mut n: Notification) {
        let Some(t) = self.topics.get(&n.topic_name) else {
            return;
        };
        let arns = t.subscriptions.clone();
        let mut targets = Vec::new();
        for arn in arns {
            let Some(s) = self.subscriptions.get(&arn) else {
                continue;
            };
            if s.pending {
                continue;
            }
            if let Some(policy) = &s.filter {
                let body = n.message.for_protocol(s.message_key());
                if let Err(reason) = policy.check_payload(&n.attributes, body) {
                    let metric = filtered_metric(s.filter_scope(), &n, body);
                    if let Some(t) = self.topics.get_mut(&n.topic_name) {
                        let m = &mut t.metrics.current;
                        *match metric {
                            "NumberOfNotificationsFilteredOut-MessageBody" => {
                                &mut m.number_of_notifications_filtered_out_message_body
                            }
                            "NumberOfNotificationsFilteredOut-InvalidMessageBody" => {
                                &mut m.number_of_notifications_filtered_out_invalid_message_body
                            }
                            "NumberOfNotificationsFilteredOut-NoMessageAttributes" => {
                                &mut m.number_of_notifications_filtered_out_no_message_attributes
                            }
                            "NumberOfNotificationsFilteredOut-InvalidAttributes" => {
                                &mut m.number_of_notifications_filtered_out_invalid_attributes
                            }
                            _ => &mut m.number_of_notifications_filtered_out,
                        } += 1;
                        t.totals.filtered_out += 1;
                    }
                    ctx.events
                        .push(ctx.now, || EventKind::NotificationFilteredOut {
                            topic: n.topic_name.clone(),
                            subscription: arn.clone(),
                            message_id: n.message_id.clone(),
                            metric: metric.to_string(),
                            reason,
                        });
                    continue;
                }
            }
            targets.push(arn);
        }
        if targets.is_empty() {
            return;
        }
        let id = self.next_notification;
        self.next_notification += 1;
        n.refs = targets.len() as u32;
        let topic_name = n.topic_name.clone();
        let message_id = n.message_id.clone();
        self.notifications.insert(id, n);
        for arn in targets {
            if self.deliveries.len() >= DELIVERIES_PENDING_MAX {
                if let Some(t) = self.topics.get_mut(&topic_name) {
                    t.metrics.current.number_of_notifications_failed += 1;
                    t.totals.failed += 1;
                }
                ctx.events.push(ctx.now, || EventKind::NotificationFailed {
                    topic: topic_name.clone(),
                    subscription: arn.clone(),
                    message_id: message_id.clone(),
                    attempts: 0,
                    reason: format!("mqlab: more than {DELIVERIES_PENDING_MAX} deliveries pending"),
                });
                self.release(id);
                continue;
            }
            let d = self.next_delivery;
            self.next_delivery += 1;
            self.deliveries.insert(
                d,
                Delivery {
                    notification: id,
                    subscription: arn,
                    attempts: 0,
                    replay: None,
                },
            );
            ctx.timers.schedule(
                ctx.now + self.config.delivery_latency_ms,
                SnsTimer::Attempt { delivery: d },
            );
        }
    }

    /// One delivery no longer needs its notification.
    fn release(&mut self, notification: u64) {
        if let Some(n) = self.notifications.get_mut(&notification) {
            n.refs = n.refs.saturating_sub(1);
            if n.refs == 0 {
                self.notifications.remove(&notification);
            }
        }
    }

    /// Delivery `delivery` is over: `ok` when it was delivered.
    fn finish(&mut self, delivery: u64, ok: bool) {
        if let Some(d) = self.deliveries.remove(&delivery) {
            self.release(d.notification);
            if let Some(replay) = d.replay {
                self.replay_settled(&d.subscription, replay, ok);
            }
        }
    }

    /// When an HTTP/S subscription's throttle policy has no room left in this virtual
    /// second, the start of the next one (the delivery waits; it is not an attempt). SNS
    /// spreads deliveries at most `maxReceivesPerSecond` apart (aws-rules §3.6); a fixed
    /// one-second window is the plainest reading.
    fn throttled_until(&mut self, now: SimTime, id: u64) -> Option<SimTime> {
        let d = self.deliveries.get(&id)?;
        let topic = self.notifications.get(&d.notification)?.topic_name.clone();
        let policy = self.topic_delivery_policy(&topic);
        let sub = self.subscriptions.get_mut(&d.subscription)?;
        let limit = sub.max_receives_per_second(policy.as_ref())?;
        let second = now / 1_000;
        if sub.receives.0 != second {
            sub.receives = (second, 0);
        }
        if sub.receives.1 >= limit {
            return Some((second + 1) * 1_000);
        }
        sub.receives.1 += 1;
        None
    }

    /// Attempts (or retries) delivery `id` now.
    pub(crate) fn attempt(&mut self, ctx: &mut Ctx, router: &mut dyn Router, id: u64) {
        if let Some(at) = self.throttled_until(ctx.now, id) {
            ctx.timers.schedule(at, SnsTimer::Attempt { delivery: id });
            return;
        }
        let Some(d) = self.deliveries.get_mut(&id) else {
            return;
        };
        d.attempts += 1;
        let d = d.clone();
        let Some(n) = self.notifications.get(&d.notification) else {
            self.deliveries.remove(&id);
            return;
        };
        let Some(sub) = self.subscriptions.get(&d.subscription) else {
            // Unsubscribed (or its topic deleted) while the message was on its way.
            ctx.events.push(ctx.now, || EventKind::NotificationFailed {
                topic: n.topic_name.clone(),
                subscription: d.subscription.clone(),
                message_id: n.message_id.clone(),
                attempts: d.attempts - 1,
                reason: "The subscription no longer exists.".into(),
            });
            self.finish(id, false);
            return;
        };
        let policy = sub.retry_policy(self.topic_delivery_policy(&n.topic_name).as_ref());
        let phase = (d.attempts > 1)
            .then(|| policy.phase_of_retry(d.attempts - 1))
            .flatten();
        ctx.events.push(ctx.now, || EventKind::DeliveryAttempted {
            topic: n.topic_name.clone(),
            subscription: sub.arn.clone(),
            protocol: sub.protocol.clone(),
            message_id: n.message_id.clone(),
            attempt: d.attempts,
            phase,
        });
        if sub.protocol == "sqs" {
            let (outcome, sqs_message_id) = sqs_attempt(ctx, router, sub, n);
            self.settle(ctx, router, id, outcome, sqs_message_id);
            return;
        }
        let key = super::endpoint_key(&sub.protocol, &sub.endpoint);
        // A disabled or deleted mobile endpoint is a client-side error: not retried.
        let refused = (sub.protocol == "application")
            .then(|| self.push_refusal(&sub.endpoint))
            .flatten();
        let outcome = match (refused, self.endpoints.get_mut(&key)) {
            (Some(e), _) => AttemptOutcome::ClientError {
                after_ms: 0,
                reason: format!("{}: {}", e.code, e.message),
            },
            (None, Some((endpoint, state))) => endpoint.attempt(state, ctx.now, ctx.rng),
            (None, None) => AttemptOutcome::Delivered {
                after_ms: self.config.default_endpoint_latency_ms,
            },
        };
        let after = outcome.after_ms();
        if after == 0 {
            self.settle(ctx, router, id, outcome, None);
        } else {
            ctx.timers.schedule(
                ctx.now + after,
                SnsTimer::Outcome {
                    delivery: id,
                    outcome,
                },
            );
        }
    }

    /// The answer to an attempt of delivery `id`: done, retry later, or give up.
    pub(crate) fn settle(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        id: u64,
        outcome: AttemptOutcome,
        sqs_message_id: Option<String>,
    ) {
        let Some(d) = self.deliveries.get(&id).cloned() else {
            return;
        };
        let Some(n) = self.notifications.get(&d.notification) else {
            self.deliveries.remove(&id);
            return;
        };
        let Some(sub) = self.subscriptions.get(&d.subscription) else {
            ctx.events.push(ctx.now, || EventKind::NotificationFailed {
                topic: n.topic_name.clone(),
                subscription: d.subscription.clone(),
                message_id: n.message_id.clone(),
                attempts: d.attempts,
                reason: "The subscription no longer exists.".into(),
            });
            self.finish(id, false);
            return;
        };
        match outcome {
            AttemptOutcome::Delivered { .. } => {
                let topic = n.topic_name.clone();
                let protocol = sub.protocol.clone();
                if protocol != "sqs" {
                    let entry = InboxEntry {
                        received_at: epoch_ms(ctx.now) as f64 / 1000.0,
                        protocol: protocol.clone(),
                        kind: "Notification".into(),
                        message_id: n.message_id.clone(),
                        subscription_arn: Some(sub.arn.clone()),
                        token: None,
                        subject: n.subject.clone(),
                        body: body_for(sub, n),
                        headers: if protocol.starts_with("http") {
                            http_headers(
                                "Notification",
                                &n.message_id,
                                &n.topic_arn,
                                Some(&sub.arn),
                                sub.raw,
                            )
                        } else {
                            BTreeMap::new()
                        },
                    };
                    let endpoint = sub.endpoint.clone();
                    self.record_inbox(&endpoint, entry);
                }
                let (sub, n) = (
                    &self.subscriptions[&d.subscription],
                    &self.notifications[&d.notification],
                );
                ctx.events
                    .push(ctx.now, || EventKind::NotificationDelivered {
                        topic: topic.clone(),
                        subscription: sub.arn.clone(),
                        protocol: protocol.clone(),
                        endpoint: sub.endpoint.clone(),
                        message_id: n.message_id.clone(),
                        attempts: d.attempts,
                        sqs_message_id,
                    });
                if let Some(t) = self.topics.get_mut(&topic) {
                    t.metrics.current.number_of_notifications_delivered += 1;
                    t.totals.delivered += 1;
                }
                self.cost.charge_delivery(&protocol);
                self.finish(id, true);
            }
            AttemptOutcome::ServerError { reason, .. } => {
                let policy = sub.retry_policy(self.topic_delivery_policy(&n.topic_name).as_ref());
                let retry_at = policy
                    .delay_before_retry(d.attempts, ctx.rng)
                    .map(|delay| ctx.now + delay);
                ctx.events
                    .push(ctx.now, || EventKind::DeliveryAttemptFailed {
                        topic: n.topic_name.clone(),
                        subscription: sub.arn.clone(),
                        message_id: n.message_id.clone(),
                        attempt: d.attempts,
                        reason: reason.clone(),
                        client_error: false,
                        retry_at,
                    });
                match retry_at {
                    Some(at) => ctx.timers.schedule(at, SnsTimer::Attempt { delivery: id }),
                    None => self.give_up(
                        ctx,
                        router,
                        id,
                        format!("Retries exhausted after {} attempts: {reason}", d.attempts),
                    ),
                }
            }
            AttemptOutcome::ClientError { reason, .. } => {
                ctx.events
                    .push(ctx.now, || EventKind::DeliveryAttemptFailed {
                        topic: n.topic_name.clone(),
                        subscription: sub.arn.clone(),
                        message_id: n.message_id.clone(),
                        attempt: d.attempts,
                        reason: reason.clone(),
                        client_error: true,
                        retry_at: None,
                    });
                self.give_up(ctx, router, id, reason);
            }
        }
    }

    /// Delivery failed for good: to the subscription's DLQ if it has one, else discarded
    /// (aws-rules §3.6, §3.7). Either way it counts in NumberOfNotificationsFailed.
    fn give_up(&mut self, ctx: &mut Ctx, router: &mut dyn Router, id: u64, reason: String) {
        let Some(d) = self.deliveries.get(&id).cloned() else {
            return;
        };
        let (Some(n), Some(sub)) = (
            self.notifications.get(&d.notification),
            self.subscriptions.get(&d.subscription),
        ) else {
            self.finish(id, false);
            return;
        };
        let topic = n.topic_name.clone();
        let mut redriven = None;
        if let Some(r) = &sub.redrive {
            let dlq = r.dead_letter_target_arn.clone();
            // The message as the subscriber would have received it (raw or envelope), with the
            // error in message attributes (SNS DLQ guide: RequestID, ErrorCode, ErrorMessage).
            let body = if sub.protocol == "sqs" && sub.raw {
                n.message.for_protocol("sqs").clone()
            } else {
                envelope_for(sub, n).to_json()
            };
            let (code, message) = reason
                .split_once(": ")
                .map(|(c, m)| (c.to_string(), m.to_string()))
                .unwrap_or_else(|| ("DeliveryFailed".to_string(), reason.clone()));
            let mut attributes = MessageAttributes::new();
            attributes.insert(
                "RequestID".into(),
                MessageAttributeValue::string(&ctx.rng.uuid()),
            );
            attributes.insert("ErrorCode".into(), MessageAttributeValue::string(&code));
            attributes.insert(
                "ErrorMessage".into(),
                MessageAttributeValue::string(&message),
            );
            let dlq_fifo = dlq.ends_with(".fifo");
            let message = QueueSend {
                body,
                attributes,
                dedup_id: dlq_fifo
                    .then(|| n.dedup_id.clone().unwrap_or_else(|| n.message_id.clone())),
                group_id: if dlq_fifo {
                    Some(n.group_id.clone().unwrap_or_else(|| "sns-dlq".to_string()))
                } else {
                    None
                },
            };
            // The dead-letter queue's policy must let the topic send too (aws-rules §3.7).
            let sent = match router.queue_send_refusal(&dlq, SNS_SERVICE_PRINCIPAL, &sub.topic_arn)
            {
                Some(e) => Err(e),
                None => router.send_to_queue(ctx.shared(), &dlq, &message),
            };
            redriven = Some((dlq.clone(), sent));
        }
        let (sub, n) = (
            &self.subscriptions[&d.subscription],
            &self.notifications[&d.notification],
        );
        let t = self.topics.get_mut(&topic);
        match redriven {
            Some((dlq, Ok(_))) => {
                if let Some(t) = t {
                    t.metrics.current.number_of_notifications_failed += 1;
                    t.metrics.current.number_of_notifications_redriven_to_dlq += 1;
                    t.totals.failed += 1;
                    t.totals.moved_to_dlq += 1;
                }
                ctx.events
                    .push(ctx.now, || EventKind::NotificationMovedToDeadLetterQueue {
                        topic: topic.clone(),
                        subscription: sub.arn.clone(),
                        message_id: n.message_id.clone(),
                        dead_letter_queue: dlq,
                        reason,
                    });
            }
            Some((_, Err(e))) => {
                if let Some(t) = t {
                    t.metrics.current.number_of_notifications_failed += 1;
                    t.metrics
                        .current
                        .number_of_notifications_failed_to_redrive_to_dlq += 1;
                    t.totals.failed += 1;
                }
                ctx.events.push(ctx.now, || EventKind::NotificationFailed {
                    topic: topic.clone(),
                    subscription: sub.arn.clone(),
                    message_id: n.message_id.clone(),
                    attempts: d.attempts,
                    reason: format!("{reason} (the dead-letter queue refused it: {e})"),
                });
            }
            None => {
                if let Some(t) = t {
                    t.metrics.current.number_of_notifications_failed += 1;
                    t.totals.failed += 1;
                }
                ctx.events.push(ctx.now, || EventKind::NotificationFailed {
                    topic: topic.clone(),
                    subscription: sub.arn.clone(),
                    message_id: n.message_id.clone(),
                    attempts: d.attempts,
                    reason,
                });
            }
        }
        self.finish(id, false);
    }
}
